# aimsbook-Oberfläche: Deutsch. Fehlt hier ein Schlüssel, erscheint der englische Text
# (und `check` meldet MSG001). Eigene Texte: i18n/de.ftl neben book.toml.

## Datum
date-long = { $day }. { $month } { $year }
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember

## Navigation und Rahmen
nav-home = Startseite
nav-register = Dokumentenverzeichnis
nav-reviews = Überprüfungen
nav-retention = Aufbewahrung
nav-clauses = Abschnitte & Maßnahmen
nav-gaps = Lücken
nav-manual = Handbuch
nav-versions = Fassungen
nav-owners = Verantwortliche
nav-main = Hauptnavigation
skip-to-content = Zum Inhalt springen
header-search-label = Suche
header-search-placeholder = Suche (Kennung, Wort)
print-uncontrolled = Ausdruck unterliegt nicht der Lenkung · gedruckt aus dem Stand vom { $date }
snapshot-banner = Momentaufnahme <strong>{ $label }</strong> vom { $date } — eine eingefrorene Kopie.
snapshot-about-link = Über diese Momentaufnahme
footer-generated = { $organization } · { $title } · Erstellt mit { $generator } für den { $date }.
footer-uncontrolled = Ausdrucke unterliegen nicht der Lenkung. Gültig ist die veröffentlichte Website.

## Dokumentarten und Status
doc-type-scope = Geltungsbereich
doc-type-policy = Leitlinie
doc-type-roles = Rollen
doc-type-methodology = Methodik
doc-type-procedure = Verfahren
doc-type-plan = Plan
doc-type-register = Verzeichnis
doc-type-record = Nachweis
doc-type-soa = Erklärung zur Anwendbarkeit
doc-type-assessment = Bewertung
doc-type-objectives = Ziele
doc-type-report = Bericht
doc-type-minutes = Protokoll
classification-public = öffentlich
classification-internal = intern
classification-confidential = vertraulich
classification-restricted = streng vertraulich
status-draft = Entwurf
status-approved = freigegeben
status-superseded = ersetzt
status-retired = zurückgezogen
status-in-review = in Prüfung

## Abdeckung und Arten von Katalogeinträgen
cov-gap = Lücke
cov-addressed = behandelt
cov-implemented = umgesetzt
cov-evidenced = nachgewiesen
cov-excluded = ausgeschlossen
kind-clause = Abschnitt
kind-requirement = Anforderung
kind-control = Maßnahme
kind-group = Gruppe
kind-objective = Ziel
kind-annex = Anhang

## Tabellenköpfe und Wörter
col-id = Kennung
col-title = Titel
col-type = Art
col-version = Fassung
col-status = Status
col-owner = Verantwortlich
col-approver = Freigabe durch
col-approved = Freigegeben am
col-review-due = Überprüfung fällig
col-classification = Einstufung
col-documents = Dokumente
col-records = Nachweise
refs-more = { $n ->
    [one] und ein weiteres
   *[other] und { $n } weitere
  } ({ $id })
col-date = Datum
col-author = Verfasser
col-summary = Zusammenfassung
col-change = Änderung
col-commit = Commit
col-label = Bezeichnung
col-where = Ort
col-note = Anmerkung
none = Keine.
yes = ja
no = nein
filter-search = Suche
filter-type = Art
filter-status = Status
filter-owner = Verantwortlich
filter-all-types = Alle Arten
filter-all-statuses = Jeder Status
filter-all-owners = Alle Verantwortlichen
filter-count = { $shown } von { $total } angezeigt
pager-previous = ← Zurück
pager-next = Weiter →
pager-rows = { $first }–{ $last }
review-overdue-title = Überprüfung überfällig
review-due-soon-title = Überprüfung bald fällig
review-overdue-days = { $n ->
    [one] { $n } Tag überfällig
   *[other] { $n } Tage überfällig
}
review-due-in-days = { $n ->
    [one] fällig in { $n } Tag
   *[other] fällig in { $n } Tagen
}

## Erklärung zur Anwendbarkeit
soa-col-control = Maßnahme
soa-col-applicable = Anwendbar
soa-col-justification = Begründung
soa-col-implementation = Umsetzung
soa-col-implementing = Umsetzende Dokumente
soa-col-evidence = Nachweise
soa-col-also-recorded = Weitere Angaben
soa-target = Ziel { $date }

## Startseite
home-scope = Geltungsbereich des KIMS
home-scope-version = Fassung { $version }
home-no-scope = Noch kein Dokument zum Geltungsbereich. Legen Sie ein Dokument mit <code>type: scope</code> an (Abschnitt 4.3).
home-by-status = Dokumente nach Status
home-controlled-documents = { $n ->
    [one] gelenktes Dokument
   *[other] gelenkte Dokumente
}
home-addressed = Anforderungen und Maßnahmen behandelt
home-overdue = Überfällige Überprüfungen
home-due-soon = Bald fällige Überprüfungen
home-browse = Überblick
home-browse-register = Dokumentenverzeichnis
home-browse-register-note = Alle gelenkten Dokumente mit ihren Lenkungsdaten (7.5.3)
home-browse-reviews = Überprüfungskalender
home-browse-reviews-note = Überfällige und anstehende Überprüfungen
home-browse-clauses = Abschnitte und Maßnahmen
home-browse-clauses-note = ISO/IEC 42001, Abschnitte 4–10 und Anhang A
home-browse-owners = Verantwortliche
home-browse-owners-note = Wer wofür verantwortlich ist und was ansteht
home-document-types = Dokumentarten:

## Dokumentenverzeichnis
register-eyebrow = Abschnitt 7.5.3 · Lenkung dokumentierter Information
register-title = Dokumentenverzeichnis
register-lead = Alle gelenkten Dokumente mit Kennung, Verantwortung, Freigabe und Überprüfung. { $n ->
    [one] { $n } Dokument.
   *[other] { $n } Dokumente.
}
register-filter = Verzeichnis filtern
register-filter-placeholder = Kennung, Titel oder Verantwortliche
register-title-paged = Dokumentenverzeichnis, Seite { $page } von { $pages }
register-page-lead = Diese Seite: Dokumente { $first }–{ $last } von { $total }, nach Kennung geordnet.
register-pages = Seiten des Verzeichnisses
register-pages-end = Seiten des Verzeichnisses (Ende der Tabelle)
register-filter-loading = Das ganze Verzeichnis wird geladen …
register-filter-capped = Die ersten { $shown } von { $matched } passenden Dokumenten werden angezeigt: Grenzen Sie den Filter ein, um die übrigen zu sehen.

## Dokumentseite
doc-draft-banner = <strong>Entwurf.</strong> Dieses Dokument ist nicht freigegeben und noch nicht in Kraft.
doc-superseded-banner = <strong>Ersetzt.</strong> Diese Fassung wird nur zur Dokumentation aufbewahrt und ist nicht mehr in Kraft.
doc-superseded-current = Gültig ist
doc-retired-banner = <strong>Zurückgezogen.</strong> Dieses Dokument wurde zurückgezogen und wird nur zur Dokumentation aufbewahrt.
doc-overdue-disposal = Vernichtung überfällig.
doc-kept-until = Aufzubewahren bis { $date }.
doc-retention-ended = Die Aufbewahrungsfrist ({ $retention }) endete am { $date }; das Dokument ist zu vernichten.
doc-retention-then = Aufbewahrung: { $retention }, danach zu vernichten.
doc-retention-link = Aufbewahrung und Vernichtung
doc-print-header = { $id } · Fassung { $version } · { $status } · Ausdruck unterliegt nicht der Lenkung
doc-control = Dokumentenlenkung
doc-ai-system = KI-System
doc-record-date = Datum des Nachweises
doc-meeting-date = Sitzungsdatum
doc-retention = Aufbewahrung
doc-dispose-on = zu vernichten am { $date }
doc-supersedes = Ersetzt
doc-superseded-by = Ersetzt durch
doc-source = Quelle
doc-register-data = Daten aus <code>{ $path }</code>, geprüft gegen das Schema <code>{ $schema }</code>.
doc-download-xlsx = XLSX herunterladen
doc-yaml-as-written = YAML (im Original)
doc-filter = { $title } filtern
doc-filter-placeholder = Zeilen durchsuchen
doc-controls = Maßnahmen
doc-open-soa = Erklärung zur Anwendbarkeit öffnen
doc-history = Änderungshistorie
doc-no-history = Keine Änderungshistorie erfasst.
doc-fingerprint = Fingerabdruck der Freigabe:
doc-approved-versions = Freigegebene Fassungen
doc-changed-without-version = <strong>Geändert ohne neue Fassung.</strong> Der Text weicht von der freigegebenen Fassung { $version } ab: eine ungelenkte Änderung.
doc-see-changes = Änderungen ansehen
doc-version = Fassung { $version }
doc-version-approved = freigegeben am { $date }
doc-version-commit = Commit
doc-version-changes = Änderungen gegenüber der vorigen Fassung
doc-change-log = Änderungsprotokoll der Versionsverwaltung
doc-showing-latest = Die letzten { $shown } von { $total } Commits.
doc-related-information = Zugehörige Angaben
doc-on-this-page = Auf dieser Seite
doc-evidences = Weist nach
doc-addresses = Behandelt
doc-no-clauses = Keine Abschnitte genannt.
doc-related = Zugehörige Dokumente
doc-referenced-by = Verwiesen von
doc-no-backlinks = Kein Dokument verweist hierher.

## Suche
search-title = Suche
search-lead = Dokumente, Abschnitte und Maßnahmen sowie Verzeichniseinträge. Geben Sie eine Kennung (POL-001, A.5.2, RSK-003) oder Wörter ein.
search-label = Das KIMS durchsuchen
search-placeholder = Nach Kennung oder Wörtern suchen
search-button = Suchen
search-noscript = Die Suche braucht JavaScript. Ohne JavaScript helfen das <a href="register.html">Dokumentenverzeichnis</a> und die <a href="clauses/index.html">Liste der Abschnitte</a>.
search-results = { $n ->
    [one] { $count } Treffer für „{ $query }“
   *[other] { $count } Treffer für „{ $query }“
}
search-more = { $shown } weitere von { $left } zeigen
search-row-of = Zeile von { $id }

## Überprüfungen
reviews-eyebrow = Abschnitt 7.5.2 · Überprüfung und Freigabe
reviews-title = Überprüfungskalender
reviews-lead = Geltende Dokumente, geordnet nach ihrer nächsten fälligen Überprüfung (Stand { $date }). Ersetzte und zurückgezogene Dokumente werden nicht überprüft.
reviews-periods = Zeiträume
reviews-overdue = Überfällig
reviews-overdue-note = Überprüfungstermin verstrichen: diese zuerst überprüfen.
reviews-due-within = { $n ->
    [one] Fällig innerhalb von { $n } Tag
   *[other] Fällig innerhalb von { $n } Tagen
}
reviews-due-between = Fällig in { $from }–{ $to } Tagen
reviews-later = Später fällig
reviews-unknown = Kein gültiges Überprüfungsdatum
reviews-capped = Die ersten { $shown } von { $n }, die nächstfälligen zuerst.
reviews-show-all = Alle { $n } anzeigen
reviews-own-page = Diese Liste auf eigener Seite
reviews-back = Alle Zeiträume
reviews-bucket-title = Überprüfungskalender: { $bucket }
reviews-bucket-title-paged = Überprüfungskalender: { $bucket }, Seite { $page } von { $pages }
reviews-bucket-lead = Geltende Dokumente in diesem Zeitraum, die nächstfälligen zuerst (Stand { $date }). Diese Seite: { $first }–{ $last } von { $n }.
reviews-bucket-pages = Seiten von „{ $bucket }“
reviews-bucket-pages-end = Seiten von „{ $bucket }“ (Ende der Tabelle)

## Verantwortliche
owners-eyebrow = Abschnitt 5.3 · Rollen und Verantwortlichkeiten
owners-title = Verantwortliche
owners-heading = Dokumentverantwortliche
owners-lead = Wer ein Dokument verantwortet, hält es aktuell.
owners-overdue = Überfällige Überprüfungen
owners-due-soon = Bald fällige Überprüfungen
owner-due = Fällige Überprüfungen
owner-owns = Verantwortet
owner-approves = Gibt frei
owner-capped = Die ersten { $shown } von { $n }.
owner-show-all = Alle { $n } anzeigen
owner-own-page = Diese Liste auf eigener Seite
owner-back = Zurück zu { $owner }
owner-list-title = { $owner }: { $list }
owner-list-title-paged = { $owner }: { $list }, Seite { $page } von { $pages }
owner-list-lead = Diese Seite: { $first }–{ $last } von { $n }.
owner-list-pages = Seiten von „{ $list }“
owner-list-pages-end = Seiten von „{ $list }“ (Ende der Tabelle)

## Abschnitte und Maßnahmen
clauses-title = Abschnitte und Maßnahmen
clauses-by-status = Stand der Anforderungen und Maßnahmen
clauses-lead = Jede Anforderung der Abschnitte 4–10 und jede Maßnahme aus Anhang A: die Dokumente, die sie behandeln, die Nachweise dazu und ihr Stand.
clauses-legend = <strong>Lücke</strong> nichts behandelt sie · <strong>behandelt</strong> ein Dokument, noch nicht freigegeben · <strong>umgesetzt</strong> ein freigegebenes Dokument · <strong>nachgewiesen</strong> ein freigegebenes Dokument und ein aktueller Nachweis · <strong>ausgeschlossen</strong> laut Erklärung zur Anwendbarkeit nicht anwendbar.
clauses-see-also = Siehe auch:
clauses-matrix = Rückverfolgbarkeitsmatrix
clauses-gaps = Lückenbericht
clauses-soa = Erklärung zur Anwendbarkeit
clauses-mandatory = verpflichtende dokumentierte Information
clauses-crosswalk = Abgleich mit { $framework }
clauses-filter = Abschnitte und Maßnahmen filtern
clauses-filter-placeholder = Kennung oder Titel
clause-documented = dokumentierte Information verlangt
clause-description = Beschreibung
clause-objective = Ziel.
clause-in-practice = In der Praxis.
clause-own-words = Die Beschreibungen sind eigene Zusammenfassungen von aimsbook, nicht der Text der Norm.
clause-why = Warum noch nicht vollständig nachgewiesen
clause-contains = Enthält
clause-mapped = Zugeordnete Anforderungen
clause-mapped-source = Quelle: { $source }
clause-soa = Erklärung zur Anwendbarkeit
clause-applicable = Anwendbar
clause-justification = Begründung
clause-implementation = Umsetzung
clause-target = Ziel { $date }
clause-documents = Dokumente
clause-evidence = Nachweise
clause-notes = Anmerkungen
clause-view-in-soa = In der Erklärung zur Anwendbarkeit ansehen
clause-missing-from-soa = Diese Maßnahme fehlt in der Erklärung zur Anwendbarkeit.
clause-addressed-by = Behandelt durch
clause-no-documents = Noch behandelt kein Dokument diesen Punkt.
clause-evidenced-by = Nachgewiesen durch
clause-no-records = Kein aktueller Nachweis belegt diesen Punkt.
clause-stale = Nicht gezählt (älter als der Nachweiszeitraum oder nicht freigegeben):
clause-citations = Verzeichniseinträge, die darauf verweisen
clause-as-table = Als Tabelle, mit Verantwortlichen und Überprüfungen
clause-back = Zurück zu { $clause }
clause-list-title = { $clause }: { $list }
clause-list-title-paged = { $clause }: { $list }, Seite { $page } von { $pages }
clause-list-lead = Diese Seite: { $first }–{ $last } von { $n }.
clause-list-pages = Seiten von „{ $list }“
clause-list-pages-end = Seiten von „{ $list }“ (Ende der Tabelle)

## Nicht gefunden, Fassungen, Momentaufnahme
notfound-title = Seite nicht gefunden
notfound-lead = Die gesuchte Seite gehört nicht zu dieser Website. Vielleicht wurde sie umbenannt, oder das Dokument hat eine neue Kennung.
notfound-home = Zur Startseite
notfound-register = Im Dokumentenverzeichnis suchen
versions-eyebrow = Abschnitt 7.5.3 · Versionslenkung
versions-title = Fassungen
versions-lead = Eingefrorene Momentaufnahmen dieses KIMS für Auditoren. Jede ist in sich vollständig und mit <code>aimsbook verify</code> prüfbar.
versions-changed-since = Was sich seit { $label } geändert hat
versions-none = Noch keine Momentaufnahmen verzeichnet. Erstellen Sie eine mit <code>aimsbook snapshot --label LABEL</code> und tragen Sie sie in book.toml unter <code>[[snapshots]]</code> ein.
about-eyebrow = Momentaufnahme
about-title = Über diese Momentaufnahme
about-lead = Eine eingefrorene, in sich vollständige Kopie von { $title } ({ $organization }), vorbereitet für das Audit.
about-organisation = Organisation
about-label = Bezeichnung
about-date = Datum
about-source-commit = Commit der Quelle
about-dirty = nicht eingecheckte Änderungen sind enthalten
about-clean = (sauberer Arbeitsstand)
about-not-git = kein Git-Repository
about-generated-by = Erstellt mit
about-integrity = Unversehrtheit
about-integrity-text = <code>manifest.json</code> nennt den SHA-256-Wert jeder Datei. <code>aimsbook verify { $label }.zip</code> (oder der Ordner) belegt, dass nichts verändert wurde.
about-documents = Dokumente in dieser Momentaufnahme

## Live-Vorschau von `serve`
live-errors = { $n ->
    [one] { $n } Fehler
   *[other] { $n } Fehler
}

## Gedruckte Seiten
print-page = Seite
print-of = von
print-version = Fassung { $version }
print-classification = Einstufung: { $classification } · Ausdruck unterliegt nicht der Lenkung
manual-running-head = Handbuch mit { $n ->
    [one] { $n } freigegebenen Dokument
   *[other] { $n } freigegebenen Dokumenten
} · { $date }
manual-running-foot = Einstufung: { $classifications } (auf jedem Dokument vermerkt) · Ausdruck unterliegt nicht der Lenkung
manual-lead = Die freigegebenen Dokumente des KI-Managementsystems, Stand { $date }.
manual-count = { $n ->
    [one] { $n } freigegebenes Dokument. Ausdrucke unterliegen nicht der Lenkung: gültig ist die veröffentlichte Website.
   *[other] { $n } freigegebene Dokumente. Ausdrucke unterliegen nicht der Lenkung: gültig ist die veröffentlichte Website.
}
manual-print = Drucken oder als PDF speichern
manual-contents = Inhalt
manual-control = Dokumentenlenkung: { $id }
manual-title = Das KIMS-Handbuch (Druck)
manual-contents-title = Das KIMS-Handbuch
manual-how-to-print = Jeder Teil des Handbuchs ist eine eigene Seite mit eigener Drucktaste. Das ganze Handbuch als ein PDF mit Seitenzahlen im Inhalt erstellt <code>aimsbook pdf</code>.
manual-part-count = { $n ->
    [one] { $n } Dokument
   *[other] { $n } Dokumente
}
manual-part-pages = Seiten:
manual-part-title = { $part } ({ $page }/{ $pages })
manual-part-page = Seite { $page } von { $pages }
manual-contents-by-page = Das Handbuch enthält mehr als { $limit } Dokumente. Dieses Inhaltsverzeichnis nennt daher die Seiten jedes Teils mit der ersten und letzten Kennung, die sie enthalten; jede Seite beginnt mit dem Inhalt ihrer eigenen Dokumente. Die Suche findet ein Dokument nach Kennung oder Titel.
manual-pager = Navigation im Handbuch
manual-print-part = Diese Seite drucken oder als PDF speichern
manual-on-this-page = Auf dieser Seite

## Rückverfolgbarkeit
trace-eyebrow = Rückverfolgbarkeit
gaps-title = Lückenbericht
gaps-lead = Alles, was ein Auditor vermissen würde, mit Begründung. Nachweise gelten als aktuell, wenn sie am oder nach dem { $date } entstanden sind ({ $months } Monate).
gaps-only-draft = nur als Entwurf ({ $documents })
gaps-no-document = kein Dokument der Art { $types } nennt Abschnitt { $clause }
gaps-mandatory-complete = Alle 15 verpflichtenden Dokumente liegen freigegeben vor. Siehe
gaps-see-list = die Liste
gaps-items = Anforderungen und Maßnahmen
gaps-reason = Grund
gaps-none = Keine Lücken: Jede Anforderung und jede anwendbare Maßnahme ist durch ein freigegebenes Dokument behandelt und durch einen aktuellen Nachweis belegt.
matrix-title = Rückverfolgbarkeitsmatrix
matrix-lead = Anforderungen und Maßnahmen (Zeilen) gegenüber den geltenden Dokumenten, die sie behandeln, nach Dokumenttyp (Spalten): Eine Zelle zählt die Dokumente dieses Typs, die die Anforderung behandeln; die Überschrift eines Typs zeigt seine Dokumente einzeln. Die letzte Spalte zählt aktuelle Nachweise.
matrix-requirement = Anforderung
matrix-addresses = behandelt
matrix-count = { $count ->
    [one] ein Dokument vom Typ { $type } behandelt { $item }
   *[other] { $count } Dokumente vom Typ { $type } behandeln { $item }
}
matrix-group-title = Rückverfolgbarkeitsmatrix: { $type }
matrix-group-title-paged = Rückverfolgbarkeitsmatrix: { $type }, Seite { $page } von { $pages }
matrix-group-lead = Dokumente { $first } bis { $last } der { $documents } geltenden vom Typ { $type } (Spalten) gegenüber den Anforderungen und Maßnahmen, die sie behandeln (Zeilen).
matrix-group-pages = Seiten des Typs { $type }
mandatory-title = Verpflichtende dokumentierte Information
mandatory-lead = Die dokumentierte Information, die ein Audit nach ISO/IEC 42001 sehen will, und das Dokument, das sie jeweils liefert.
mandatory-clause = Abschnitt
mandatory-information = Dokumentierte Information
mandatory-satisfied-by = Erfüllt durch
mandatory-expected = erwartete Art: { $types }
mandatory-satisfied = erfüllt
mandatory-draft-only = nur Entwurf
soa-eyebrow = Abschnitt 6.1.3 · Behandlung von KI-Risiken
soa-lead = { $n } Maßnahmen aus Anhang A, davon { $applicable } anwendbar.
soa-controlled-as = Gelenkt als

## Aufbewahrung
retention-eyebrow = Abschnitt 7.5.3 · Aufbewahrung und Vernichtung
retention-lead = Alle Nachweise sowie alle ersetzten oder zurückgezogenen Dokumente, mit Aufbewahrungsdauer und Vernichtungstermin (Stand { $date }). Bei Nachweisen läuft die Frist ab dem Datum des Nachweises, bei Dokumenten ab dem Tag, an dem sie ersetzt oder zurückgezogen wurden. „Fällig“ heißt: der Vernichtungstermin ist heute oder innerhalb von { $days } Tagen.
retention-states = Stand der Vernichtung
retention-document = Dokument
retention-runs-from = Frist ab
retention-disposal-date = Vernichtungstermin
retention-state = Stand
retention-state-overdue = Vernichtung überfällig
retention-state-due = zur Vernichtung fällig
retention-state-keep = aufbewahren
retention-state-undecided = Aufbewahrung nicht festgelegt
retention-section-overdue = Vernichtung überfällig
retention-note-overdue = Der Vernichtungstermin ist verstrichen: nach dem Verfahren zur Dokumentenlenkung vernichten oder die Aufbewahrung verlängern.
retention-section-due = Zur Vernichtung fällig
retention-note-due = Der Vernichtungstermin ist heute oder liegt innerhalb der Vorwarnzeit für Überprüfungen.
retention-section-keep = Aufbewahren
retention-section-undecided = Aufbewahrung nicht festgelegt
retention-note-undecided = Keine Aufbewahrungsdauer, oder eine, die aimsbook nicht versteht (siehe RET001 und RET002).
retention-capped = Die ersten { $shown } von { $n }, nach Vernichtungstermin.
retention-show-all = Alle { $n } anzeigen
retention-own-page = Diese Liste auf eigener Seite
retention-back = Alle Stände der Vernichtung
retention-list-title = Aufbewahrung: { $state }
retention-list-title-paged = Aufbewahrung: { $state }, Seite { $page } von { $pages }
retention-list-lead = Nachweise sowie ersetzte oder zurückgezogene Dokumente in diesem Stand, nach Vernichtungstermin (Stand { $date }). Diese Seite: { $first }–{ $last } von { $n }.
retention-list-pages = Seiten von „{ $state }“
retention-list-pages-end = Seiten von „{ $state }“ (Ende der Tabelle)
retention-basis-record-date = Datum des Nachweises
retention-basis-end-of-validity = Ende der Geltung
retention-basis-obsolete = { $status } ({ $how })
retention-how-successor-approved = Nachfolger freigegeben
retention-how-last-history-entry = letzter Eintrag der Historie
retention-how-approval-date = Freigabedatum
retention-note-no-retention = keine Aufbewahrung festgelegt
retention-note-permanent = dauerhaft aufbewahrt
retention-note-in-force = in Kraft: die Frist beginnt, wenn es ersetzt oder zurückgezogen wird
retention-note-no-date = kein Datum, ab dem die Frist läuft (record_date oder approved)
retention-note-beyond-calendar = der Vernichtungstermin liegt jenseits des Kalenders

## Änderungsansicht
redline-eyebrow = Abschnitt 7.5.3 · Lenkung von Änderungen
redline-title = { $title }: Änderungen von Fassung { $old } zu { $new }
redline-counts = { $inserted } Wörter eingefügt, { $deleted } Wörter gelöscht, in { $blocks } Absätzen oder Überschriften.
redline-compared-with = verglichen mit { $label }
redline-legend = <ins>Eingefügter Text ist unterstrichen</ins> · <del>gelöschter Text ist durchgestrichen</del> · unveränderter Text ist normal gesetzt.
redline-text = Der Text mit Änderungen
redline-back = Zurück zu { $id } { $title }

## Abgleich und Änderungen
crosswalk-eyebrow = Abgleich
crosswalk-lead = Wie weit die Nachweise zu ISO/IEC 42001 für { $framework } tragen: zu jeder seiner Anforderungen die zugeordneten Anforderungen und Maßnahmen aus 42001 und ihr Stand.
crosswalk-source = Herkunft dieser Zuordnungen
crosswalk-explained = Eine Zuordnung sagt, wie ein Punkt aus 42001 zur Anforderung steht — gleichwertig, Teilmenge (deckt einen Teil ab), Obermenge (deckt alles und mehr ab) oder Überschneidung. Nur eine gleichwertige oder übergeordnete Zuordnung trägt die ganze Anforderung; ein Nachweis für 42001 ist kein Nachweis der Konformität mit einem anderen Regelwerk.
crosswalk-best-status-label = Bester Stand der zugeordneten Punkte aus 42001
crosswalk-download = Herunterladen:
crosswalk-requirements-of = Anforderungen von { $framework }
crosswalk-mapped-items = Zugeordnete Punkte aus ISO/IEC 42001
crosswalk-best-status = Bester Stand
crosswalk-nothing-mapped = nichts zugeordnet
crosswalk-partly = teilweise
crosswalk-title = Abgleich: { $framework }
cov-unmapped = nicht zugeordnet
changes-title = Änderungen seit { $label }
changes-lead = Von der Momentaufnahme { $label } ({ $old }) bis zu dieser Website ({ $date }).
changes-error = Die Momentaufnahme { $label } ist nicht lesbar: { $error }
changes-added = Hinzugekommene Dokumente
changes-removed = Entfernte Dokumente
changes-reversioned = Dokumente mit neuer Fassung
changes-status = Geänderter Status
changes-owner = Geänderte Verantwortung
changes-review = Geänderter Überprüfungstermin
changes-clauses = Stand der Abschnitte und Maßnahmen
changes-before = Vorher
changes-after = Nachher
changes-text = Geänderter Text
changes-uncontrolled = ungelenkte Änderung
changes-uncontrolled-note = der Text hat sich geändert, die Fassung { $version } nicht
changes-show-redline = Änderungen anzeigen
changes-counts = { $inserted } Wörter eingefügt, { $deleted } Wörter gelöscht, in { $blocks } Absätzen oder Überschriften
live-broken = die letzte Änderung hat den Build gebrochen ({"{"}errors{"}"}). Angezeigt wird der letzte gute Stand.
live-degraded = das Repository baut noch nicht ({"{"}errors{"}"}). Angezeigt wird jede Seite, die sich erzeugen ließ.

## Column headers of the downloads (CSV, XLSX; the keys of the JSON rows)
export-control = Maßnahme
export-title = Titel
export-applicable = Anwendbar
export-justification = Begründung
export-implementation = Umsetzung
export-target-date = Zieltermin
export-documents = Dokumente
export-evidence = Nachweise
export-status = Status
export-notes = Anmerkungen
export-id = Kennung
export-kind = Art
export-records = Nachweise
export-type = Art
export-version = Fassung
export-owner = Verantwortlich
export-approver = Freigabe durch
export-approved = Freigegeben am
export-review-due = Überprüfung fällig
export-classification = Einstufung
export-path = Pfad
export-retention = Aufbewahrung
export-runs-from = Frist ab
export-start = Beginn
export-disposal-date = Vernichtungstermin
export-state = Stand
export-note = Anmerkung
export-requirement = Anforderung
export-42001-item = Punkt aus 42001
export-42001-title = Titel in 42001
export-42001-status = Stand in 42001
export-relationship = Beziehung
export-rationale = Begründung
export-source = Quelle

## Warum noch nicht vollständig nachgewiesen
reason-no-document = kein Dokument behandelt sie
reason-not-approved = die behandelnden Dokumente sind noch nicht freigegeben
reason-no-record = kein Nachweis belegt sie
reason-stale = ihre Nachweise sind älter als { $n } Monate oder nicht freigegeben
reason-missing-from-soa = fehlt in der Erklärung zur Anwendbarkeit
reason-soa-implementation = laut Erklärung zur Anwendbarkeit ist sie { $implementation } umgesetzt
reason-soa-implementation-target = laut Erklärung zur Anwendbarkeit ist sie { $implementation } umgesetzt (Ziel { $target })
soa-implementation-partial = teilweise
soa-implementation-planned = geplant, noch nicht

## Ausgaben (`--audience`) und der Anhang „Änderungen seit“ des gedruckten Handbuchs
footer-edition = Ausgabe: <strong>{ $label }</strong> (veröffentlicht nur Dokumente der Einstufung { $classifications })
not-published = (in dieser Ausgabe nicht veröffentlicht)
commit-withheld = (Nachricht in dieser Ausgabe nicht veröffentlicht: der Commit änderte auch Dokumente, die sie nicht veröffentlicht)
manual-appendix = Anhang
manual-changes-lead = Vom Stand { $label } ({ $old }) bis zu diesem Handbuch ({ $date }): { $n ->
    [one] { $n } Dokument geändert.
   *[other] { $n } Dokumente geändert.
}
manual-changes-added = Hinzugefügt (Fassung { $version })
manual-changes-removed = Entfernt (war Fassung { $version })
manual-changes-redline = Änderungsmarkierung von { $id }
manual-changes-none = Kein Dokument wurde geändert.
manual-changes-other = Erklärung zur Anwendbarkeit und Abschnitte

## Signaturen (`snapshot --sign`, `approve --sign`)
sig-verified = geprüft
sig-signed-by = signiert von <strong>{ $principals }</strong> ({ $algorithm }-Schlüssel <code>{ $fingerprint }</code>), eingetragen in <code>{ $file }</code>
sig-not-verified = Signatur nicht geprüft
sig-key = (Schlüssel <code>{ $fingerprint }</code>)
about-signature = Signatur
about-signature-text = Die Signatur (<code>manifest.json.sig</code>) deckt <code>manifest.json</code> ab; prüfen mit <code>aimsbook verify { $label }.zip --allowed-signers DATEI</code>.
about-not-signed = Nicht signiert.
doc-approval-signature = Signatur der Freigabe
crosswalk-via-children = über die untergeordneten Anforderungen
