# Interface d'aimsbook : français. Une clé absente ici s'affiche en anglais (et `check`
# signale MSG001). Textes propres : i18n/fr.ftl à côté de book.toml.

## Dates
date-long = { $day } { $month } { $year }
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

## Navigation et cadre
nav-home = Accueil
nav-register = Registre des documents
nav-reviews = Revues
nav-retention = Conservation
nav-clauses = Chapitres et mesures
nav-gaps = Écarts
nav-manual = Manuel
nav-versions = Éditions
nav-owners = Responsables
nav-main = Navigation principale
skip-to-content = Aller au contenu
header-search-label = Rechercher
header-search-placeholder = Rechercher (identifiant ou mots)
print-uncontrolled = Copie non maîtrisée une fois imprimée · imprimée depuis le site du { $date }
snapshot-banner = Instantané <strong>{ $label }</strong> du { $date } — une copie figée.
snapshot-about-link = À propos de cet instantané
footer-generated = { $organization } · { $title } · Site produit par { $generator } pour le { $date }.
footer-uncontrolled = Copie non maîtrisée une fois imprimée. La version de référence est le site publié.

## Types de documents et statuts
doc-type-scope = domaine d'application
doc-type-policy = politique
doc-type-roles = rôles
doc-type-methodology = méthode
doc-type-procedure = procédure
doc-type-plan = plan
doc-type-register = registre
doc-type-record = enregistrement
doc-type-soa = déclaration d'applicabilité
doc-type-assessment = évaluation
doc-type-objectives = objectifs
doc-type-report = rapport
doc-type-minutes = compte rendu
classification-public = public
classification-internal = interne
classification-confidential = confidentiel
classification-restricted = restreint
status-draft = brouillon
status-approved = approuvé
status-superseded = remplacé
status-retired = retiré
status-in-review = en revue

## Couverture et types d'éléments du catalogue
cov-gap = écart
cov-addressed = traité
cov-implemented = mis en œuvre
cov-evidenced = prouvé
cov-excluded = exclu
kind-clause = chapitre
kind-requirement = exigence
kind-control = mesure
kind-group = groupe
kind-objective = objectif
kind-annex = annexe

## En-têtes de tableaux et mots
col-id = Identifiant
col-title = Titre
col-type = Type
col-version = Version
col-status = Statut
col-owner = Responsable
col-approver = Approbateur
col-approved = Approuvé le
col-review-due = Revue prévue
col-classification = Classification
col-documents = Documents
col-records = Enregistrements
refs-more = { $n ->
    [one] et un autre
   *[other] et { $n } autres
  } ({ $id })
col-date = Date
col-author = Auteur
col-summary = Résumé
col-change = Modification
col-commit = Commit
col-label = Libellé
col-where = Emplacement
col-note = Note
none = Aucun.
yes = oui
no = non
filter-search = Rechercher
filter-type = Type
filter-status = Statut
filter-owner = Responsable
filter-all-types = Tous les types
filter-all-statuses = Tous les statuts
filter-all-owners = Tous les responsables
filter-count = { $shown } sur { $total } affichés
pager-previous = ← Précédente
pager-next = Suivante →
pager-rows = { $first }–{ $last }
review-overdue-title = Revue en retard
review-due-soon-title = Revue bientôt due
review-overdue-days = { $n ->
    [one] en retard de { $n } jour
   *[other] en retard de { $n } jours
}
review-due-in-days = { $n ->
    [one] due dans { $n } jour
   *[other] due dans { $n } jours
}

## Déclaration d'applicabilité
soa-col-control = Mesure
soa-col-applicable = Applicable
soa-col-justification = Justification
soa-col-implementation = Mise en œuvre
soa-col-implementing = Documents de mise en œuvre
soa-col-evidence = Preuves
soa-col-also-recorded = Autres informations
soa-target = échéance { $date }

## Accueil
home-scope = Domaine d'application du SMIA
home-scope-version = version { $version }
home-no-scope = Pas encore de document de domaine d'application. Ajoutez un document avec <code>type: scope</code> (chapitre 4.3).
home-by-status = Documents par statut
home-controlled-documents = { $n ->
    [one] document maîtrisé
   *[other] documents maîtrisés
}
home-addressed = exigences et mesures traitées
home-overdue = Revues en retard
home-due-soon = Revues bientôt dues
home-browse = Parcourir
home-browse-register = Registre des documents
home-browse-register-note = Chaque document maîtrisé avec ses données de maîtrise (7.5.3)
home-browse-reviews = Calendrier des revues
home-browse-reviews-note = Revues en retard et à venir
home-browse-clauses = Chapitres et mesures
home-browse-clauses-note = ISO/IEC 42001, chapitres 4 à 10 et annexe A
home-browse-owners = Responsables
home-browse-owners-note = Qui est responsable de quoi, et ce qui est dû
home-document-types = Types de documents :

## Registre
register-eyebrow = Chapitre 7.5.3 · Maîtrise des informations documentées
register-title = Registre des documents
register-lead = Chaque document maîtrisé avec son identification, son responsable, son approbation et sa revue. { $n ->
    [one] { $n } document.
   *[other] { $n } documents.
}
register-filter = Filtrer le registre
register-filter-placeholder = Identifiant, titre ou responsable
register-title-paged = Registre des documents, page { $page } sur { $pages }
register-page-lead = Cette page : documents { $first }–{ $last } sur { $total }, par identifiant.
register-pages = Pages du registre
register-pages-end = Pages du registre (fin du tableau)
register-filter-loading = Chargement du registre complet…
register-filter-capped = Les { $shown } premiers des { $matched } documents correspondants sont affichés : affinez le filtre pour voir les autres.

## Page de document
doc-draft-banner = <strong>Brouillon.</strong> Ce document n'est pas approuvé et n'est pas encore en vigueur.
doc-superseded-banner = <strong>Remplacé.</strong> Cette version est conservée pour mémoire et n'est plus en vigueur.
doc-superseded-current = Le document en vigueur est
doc-retired-banner = <strong>Retiré.</strong> Ce document a été retiré et n'est conservé que pour mémoire.
doc-overdue-disposal = Destruction en retard.
doc-kept-until = Conservé jusqu'au { $date }.
doc-retention-ended = Sa durée de conservation ({ $retention }) a pris fin le { $date } ; il doit être détruit.
doc-retention-then = Conservation : { $retention }, puis destruction.
doc-retention-link = Conservation et destruction
doc-print-header = { $id } · version { $version } · { $status } · Copie non maîtrisée une fois imprimée
doc-control = Maîtrise du document
doc-ai-system = Système d'IA
doc-record-date = Date de l'enregistrement
doc-meeting-date = Date de la réunion
doc-retention = Conservation
doc-dispose-on = à détruire le { $date }
doc-supersedes = Remplace
doc-superseded-by = Remplacé par
doc-source = Source
doc-register-data = Données de <code>{ $path }</code>, validées par le schéma <code>{ $schema }</code>.
doc-download-xlsx = Télécharger en XLSX
doc-yaml-as-written = YAML (tel qu'écrit)
doc-filter = Filtrer { $title }
doc-filter-placeholder = Rechercher dans les lignes
doc-controls = Mesures
doc-open-soa = Ouvrir la déclaration d'applicabilité
doc-history = Historique des révisions
doc-no-history = Aucun historique de révision.
doc-fingerprint = Empreinte de l'approbation :
doc-approved-versions = Versions approuvées
doc-changed-without-version = <strong>Modifié sans nouvelle version.</strong> Le texte diffère de la version approuvée { $version } : une modification non maîtrisée.
doc-see-changes = Voir les modifications
doc-version = Version { $version }
doc-version-approved = approuvée le { $date }
doc-version-commit = commit
doc-version-changes = modifications depuis la version précédente
doc-change-log = Journal des modifications du gestionnaire de versions
doc-showing-latest = Les { $shown } derniers commits sur { $total }.
doc-related-information = Informations liées
doc-on-this-page = Sur cette page
doc-evidences = Prouve
doc-addresses = Traite
doc-no-clauses = Aucun chapitre indiqué.
doc-related = Documents liés
doc-referenced-by = Cité par
doc-no-backlinks = Aucun document ne renvoie ici.

## Recherche
search-title = Recherche
search-lead = Documents, chapitres et mesures, et entrées des registres. Saisissez un identifiant (POL-001, A.5.2, RSK-003) ou des mots.
search-label = Rechercher dans le SMIA
search-placeholder = Rechercher par identifiant ou par mots
search-button = Rechercher
search-noscript = La recherche nécessite JavaScript. Sans lui, utilisez le <a href="register.html">registre des documents</a> et la <a href="clauses/index.html">liste des chapitres</a>.
search-results = { $n ->
    [one] { $count } résultat pour « { $query } »
   *[other] { $count } résultats pour « { $query } »
}
search-more = Afficher { $shown } de plus sur { $left }
search-row-of = ligne de { $id }

## Revues
reviews-eyebrow = Chapitre 7.5.2 · Revue et approbation
reviews-title = Calendrier des revues
reviews-lead = Documents en vigueur, selon l'échéance de leur prochaine revue (au { $date }). Les documents remplacés ou retirés ne sont pas revus.
reviews-periods = Périodes de revue
reviews-overdue = En retard
reviews-overdue-note = Date de revue dépassée : à revoir en premier.
reviews-due-within = { $n ->
    [one] Dans { $n } jour
   *[other] Dans les { $n } jours
}
reviews-due-between = Dans { $from } à { $to } jours
reviews-later = Plus tard
reviews-unknown = Pas de date de revue valide
reviews-capped = Les { $shown } premiers sur { $n }, les plus proches d'abord.
reviews-show-all = Afficher les { $n }
reviews-own-page = Cette liste sur sa propre page
reviews-back = Toutes les périodes
reviews-bucket-title = Calendrier des revues : { $bucket }
reviews-bucket-title-paged = Calendrier des revues : { $bucket }, page { $page } sur { $pages }
reviews-bucket-lead = Documents en vigueur dans cette période, les plus proches d'abord (au { $date }). Cette page : { $first }–{ $last } sur { $n }.
reviews-bucket-pages = Pages de « { $bucket } »
reviews-bucket-pages-end = Pages de « { $bucket } » (fin du tableau)

## Responsables
owners-eyebrow = Chapitre 5.3 · Rôles et responsabilités
owners-title = Responsables
owners-heading = Responsables des documents
owners-lead = Chaque responsable veille à ce que ses documents restent à jour.
owners-overdue = Revues en retard
owners-due-soon = Revues bientôt dues
owner-due = Revues dues
owner-owns = Responsable de
owner-approves = Approuve
owner-capped = Les { $shown } premiers sur { $n }.
owner-show-all = Afficher les { $n }
owner-own-page = Cette liste sur sa propre page
owner-back = Retour à { $owner }
owner-list-title = { $owner } : { $list }
owner-list-title-paged = { $owner } : { $list }, page { $page } sur { $pages }
owner-list-lead = Cette page : { $first } à { $last } sur { $n }.
owner-list-pages = Pages de « { $list } »
owner-list-pages-end = Pages de « { $list } » (fin du tableau)

## Chapitres et mesures
clauses-title = Chapitres et mesures
clauses-by-status = État des exigences et des mesures
clauses-lead = Chaque exigence des chapitres 4 à 10 et chaque mesure de l'annexe A : les documents qui la traitent, les enregistrements qui la prouvent, et son état.
clauses-legend = <strong>écart</strong> rien ne la traite · <strong>traité</strong> un document, pas encore approuvé · <strong>mis en œuvre</strong> un document approuvé · <strong>prouvé</strong> un document approuvé et un enregistrement à jour · <strong>exclu</strong> non applicable selon la déclaration d'applicabilité.
clauses-see-also = Voir aussi :
clauses-matrix = matrice de traçabilité
clauses-gaps = rapport d'écarts
clauses-soa = Déclaration d'applicabilité
clauses-mandatory = informations documentées obligatoires
clauses-crosswalk = correspondance avec { $framework }
clauses-filter = Filtrer les chapitres et mesures
clauses-filter-placeholder = Identifiant ou titre
clause-documented = informations documentées exigées
clause-description = Description
clause-objective = Objectif.
clause-in-practice = En pratique.
clause-own-words = Les descriptions sont des résumés propres à aimsbook, pas le texte de la norme.
clause-why = Pourquoi ce n'est pas entièrement prouvé
clause-contains = Contient
clause-mapped = Exigences en correspondance
clause-mapped-source = source : { $source }
clause-soa = Déclaration d'applicabilité
clause-applicable = Applicable
clause-justification = Justification
clause-implementation = Mise en œuvre
clause-target = échéance { $date }
clause-documents = Documents
clause-evidence = Preuves
clause-notes = Notes
clause-view-in-soa = Voir dans la déclaration d'applicabilité
clause-missing-from-soa = Cette mesure manque dans la déclaration d'applicabilité.
clause-addressed-by = Traité par
clause-no-documents = Aucun document ne traite encore ce point.
clause-evidenced-by = Prouvé par
clause-no-records = Aucun enregistrement à jour ne le prouve.
clause-stale = Non comptés (plus anciens que la période de preuve, ou non approuvés) :
clause-citations = Entrées de registre qui le citent
clause-as-table = Sous forme de tableau, avec responsables et revues
clause-back = Retour à { $clause }
clause-list-title = { $clause } : { $list }
clause-list-title-paged = { $clause } : { $list }, page { $page } sur { $pages }
clause-list-lead = Cette page : { $first }–{ $last } sur { $n }.
clause-list-pages = Pages de « { $list } »
clause-list-pages-end = Pages de « { $list } » (fin du tableau)

## Page introuvable, éditions, instantané
notfound-title = Page introuvable
notfound-lead = La page demandée ne fait pas partie de ce site. Elle a peut-être été renommée, ou le document a changé d'identifiant.
notfound-home = Aller à l'accueil
notfound-register = Chercher dans le registre des documents
versions-eyebrow = Chapitre 7.5.3 · Maîtrise des versions
versions-title = Éditions
versions-lead = Instantanés figés de ce SMIA remis aux auditeurs. Chacun est autonome et vérifiable avec <code>aimsbook verify</code>.
versions-changed-since = Ce qui a changé depuis { $label }
versions-none = Aucun instantané n'est encore listé. Créez-en un avec <code>aimsbook snapshot --label LABEL</code> et listez-le dans book.toml sous <code>[[snapshots]]</code>.
about-eyebrow = Instantané
about-title = À propos de cet instantané
about-lead = Une copie figée et autonome de { $title } ({ $organization }), préparée pour l'audit.
about-organisation = Organisme
about-label = Libellé
about-date = Date
about-source-commit = Commit source
about-dirty = des modifications non validées sont incluses
about-clean = (arbre de travail propre)
about-not-git = pas un dépôt git
about-generated-by = Produit par
about-integrity = Intégrité
about-integrity-text = <code>manifest.json</code> donne le SHA-256 de chaque fichier. Lancez <code>aimsbook verify { $label }.zip</code> (ou le dossier) pour prouver que rien n'a été modifié.
about-documents = Documents de cet instantané

## Aperçu en direct de `serve`
live-errors = { $n ->
    [one] { $n } erreur
   *[other] { $n } erreurs
}

## Pages imprimées
print-page = Page
print-of = sur
print-version = Version { $version }
print-classification = Classification : { $classification } · Copie non maîtrisée une fois imprimée
manual-running-head = Manuel de { $n ->
    [one] { $n } document approuvé
   *[other] { $n } documents approuvés
} · { $date }
manual-running-foot = Classification : { $classifications } (indiquée sur chaque document) · Copie non maîtrisée une fois imprimée
manual-lead = Les documents approuvés du système de management de l'IA, tels que publiés le { $date }.
manual-count = { $n ->
    [one] { $n } document approuvé. Copie non maîtrisée une fois imprimée : la version de référence est le site publié.
   *[other] { $n } documents approuvés. Copie non maîtrisée une fois imprimée : la version de référence est le site publié.
}
manual-print = Imprimer ou enregistrer en PDF
manual-contents = Sommaire
manual-control = Maîtrise du document : { $id }
manual-title = Le manuel du SMIA (impression)
manual-contents-title = Le manuel du SMIA
manual-how-to-print = Chaque partie du manuel est une page à part, avec son propre bouton d'impression. Pour le manuel entier en un seul PDF, avec les numéros de page au sommaire, lancez <code>aimsbook pdf</code>.
manual-part-count = { $n ->
    [one] { $n } document
   *[other] { $n } documents
}
manual-part-pages = Pages :
manual-part-title = { $part } ({ $page }/{ $pages })
manual-part-page = Page { $page } sur { $pages }
manual-contents-by-page = Le manuel compte plus de { $limit } documents : ce sommaire indique donc les pages de chaque partie, avec le premier et le dernier identifiant de chacune ; chaque page commence par le sommaire de ses propres documents. La recherche trouve un document par son identifiant ou son titre.
manual-pager = Navigation dans le manuel
manual-print-part = Imprimer cette page ou l'enregistrer en PDF
manual-on-this-page = Sur cette page

## Traçabilité
trace-eyebrow = Traçabilité
gaps-title = Rapport d'écarts
gaps-lead = Tout ce qu'un auditeur trouverait manquant, avec la raison. Un enregistrement compte comme preuve à jour s'il date du { $date } ou après ({ $months } mois).
gaps-only-draft = seulement en brouillon ({ $documents })
gaps-no-document = aucun document de type { $types } ne cite le chapitre { $clause }
gaps-mandatory-complete = Les 15 documents obligatoires sont en place et approuvés. Voir
gaps-see-list = la liste
gaps-items = Exigences et mesures
gaps-reason = Raison
gaps-none = Aucun écart : chaque exigence et chaque mesure applicable est traitée par un document approuvé et prouvée par un enregistrement à jour.
matrix-title = Matrice de traçabilité
matrix-lead = Les exigences et mesures (lignes) face aux documents en vigueur qui les traitent, par type de document (colonnes) : une cellule compte les documents de ce type qui traitent l'exigence, et l'en-tête d'un type montre ses documents un par un. La dernière colonne compte les enregistrements de preuve à jour.
matrix-requirement = Exigence
matrix-addresses = traite
matrix-count = { $count ->
    [one] un document de type { $type } traite { $item }
   *[other] { $count } documents de type { $type } traitent { $item }
}
matrix-group-title = Matrice de traçabilité : { $type }
matrix-group-title-paged = Matrice de traçabilité : { $type }, page { $page } sur { $pages }
matrix-group-lead = Documents { $first } à { $last } sur les { $documents } en vigueur de type { $type } (colonnes) face aux exigences et mesures qu'ils traitent (lignes).
matrix-group-pages = Pages du type { $type }
mandatory-title = Informations documentées obligatoires
mandatory-lead = Les informations documentées qu'un audit ISO/IEC 42001 s'attend à voir, et le document qui répond à chacune.
mandatory-clause = Chapitre
mandatory-information = Information documentée
mandatory-satisfied-by = Satisfaite par
mandatory-expected = type attendu : { $types }
mandatory-satisfied = satisfaite
mandatory-draft-only = brouillon seulement
soa-eyebrow = Chapitre 6.1.3 · Traitement des risques liés à l'IA
soa-lead = { $n } mesures de l'annexe A, dont { $applicable } applicables.
soa-controlled-as = Maîtrisée comme

## Conservation
retention-eyebrow = Chapitre 7.5.3 · Conservation et élimination
retention-lead = Chaque enregistrement, et chaque document remplacé ou retiré, avec sa durée de conservation et sa date de destruction (au { $date }). Pour un enregistrement, la durée court depuis sa date ; pour un document, depuis le jour où il a été remplacé ou retiré. « Dû » signifie que la date de destruction est aujourd'hui ou dans les { $days } jours.
retention-states = États de destruction
retention-document = Document
retention-runs-from = Court depuis
retention-disposal-date = Date de destruction
retention-state = État
retention-state-overdue = destruction en retard
retention-state-due = à détruire
retention-state-keep = à conserver
retention-state-undecided = conservation non définie
retention-section-overdue = Destruction en retard
retention-note-overdue = La date de destruction est passée : détruisez-les selon la procédure de maîtrise des documents, ou prolongez leur conservation.
retention-section-due = À détruire
retention-note-due = La date de destruction est aujourd'hui ou tombe dans la période d'alerte des revues.
retention-section-keep = À conserver
retention-section-undecided = Conservation non définie
retention-note-undecided = Pas de durée de conservation, ou une durée qu'aimsbook ne comprend pas (voir RET001 et RET002).
retention-capped = Les { $shown } premiers sur { $n }, par date de destruction.
retention-show-all = Afficher les { $n }
retention-own-page = Cette liste sur sa propre page
retention-back = Tous les états de conservation
retention-list-title = Conservation : { $state }
retention-list-title-paged = Conservation : { $state }, page { $page } sur { $pages }
retention-list-lead = Enregistrements et documents remplacés ou retirés dans cet état, par date de destruction (au { $date }). Cette page : { $first } à { $last } sur { $n }.
retention-list-pages = Pages de « { $state } »
retention-list-pages-end = Pages de « { $state } » (fin du tableau)
retention-basis-record-date = date de l'enregistrement
retention-basis-end-of-validity = fin de validité
retention-basis-obsolete = { $status } ({ $how })
retention-how-successor-approved = successeur approuvé
retention-how-last-history-entry = dernière entrée de l'historique
retention-how-approval-date = date d'approbation
retention-note-no-retention = aucune durée de conservation
retention-note-permanent = conservé sans limite
retention-note-in-force = en vigueur : la durée commence quand il est remplacé ou retiré
retention-note-no-date = aucune date de départ pour la durée (record_date ou approved)
retention-note-beyond-calendar = la date de destruction dépasse le calendrier

## Page des modifications
redline-eyebrow = Chapitre 7.5.3 · Maîtrise des modifications
redline-title = { $title } : modifications de la version { $old } à { $new }
redline-counts = { $inserted } mot(s) insérés, { $deleted } mot(s) supprimés, dans { $blocks } paragraphe(s) ou titre(s).
redline-compared-with = comparée à { $label }
redline-legend = <ins>Le texte inséré est souligné</ins> · <del>le texte supprimé est barré</del> · le texte inchangé est normal.
redline-text = Le texte annoté
redline-back = Retour à { $id } { $title }

## Correspondances et modifications
crosswalk-eyebrow = Correspondance
crosswalk-lead = Jusqu'où les preuves ISO/IEC 42001 portent vers { $framework } : pour chacune de ses exigences, les exigences et mesures de 42001 mises en correspondance et leur état.
crosswalk-source = Origine de ces correspondances
crosswalk-explained = Une correspondance indique le lien entre un élément de 42001 et l'exigence — équivalent, sous-ensemble (il en couvre une partie), sur-ensemble (il la couvre entièrement et plus) ou intersection (ils se recoupent). Seule une correspondance équivalente ou sur-ensemble porte toute l'exigence ; une preuve pour 42001 n'est pas une preuve de conformité à un autre référentiel.
crosswalk-best-status-label = Meilleur état des éléments 42001 en correspondance
crosswalk-download = Télécharger :
crosswalk-requirements-of = Exigences de { $framework }
crosswalk-mapped-items = Éléments ISO/IEC 42001 en correspondance
crosswalk-best-status = Meilleur état
crosswalk-nothing-mapped = aucune correspondance
crosswalk-partly = en partie
crosswalk-title = Correspondance : { $framework }
cov-unmapped = sans correspondance
changes-title = Modifications depuis { $label }
changes-lead = De l'instantané { $label } ({ $old }) à ce site ({ $date }).
changes-error = L'instantané { $label } est illisible : { $error }
changes-added = Documents ajoutés
changes-removed = Documents supprimés
changes-reversioned = Documents en nouvelle version
changes-status = Statut modifié
changes-owner = Responsable modifié
changes-review = Date de revue modifiée
changes-clauses = État des chapitres et mesures
changes-before = Avant
changes-after = Après
changes-text = Texte modifié
changes-uncontrolled = modification non maîtrisée
changes-uncontrolled-note = le texte a changé mais pas la version { $version }
changes-show-redline = Afficher les modifications
changes-counts = { $inserted } mot(s) insérés, { $deleted } mot(s) supprimés, dans { $blocks } paragraphe(s) ou titre(s)
live-broken = la dernière modification a cassé la construction ({"{"}errors{"}"}). Affichage de la dernière bonne version.
live-degraded = le dépôt ne se construit pas encore ({"{"}errors{"}"}). Affichage de toutes les pages qui ont pu être produites.

## Column headers of the downloads (CSV, XLSX; the keys of the JSON rows)
export-control = Mesure
export-title = Titre
export-applicable = Applicable
export-justification = Justification
export-implementation = Mise en œuvre
export-target-date = Échéance
export-documents = Documents
export-evidence = Preuves
export-status = Statut
export-notes = Notes
export-id = Identifiant
export-kind = Nature
export-records = Enregistrements
export-type = Type
export-version = Version
export-owner = Responsable
export-approver = Approbateur
export-approved = Approuvé le
export-review-due = Revue prévue
export-classification = Classification
export-path = Chemin
export-retention = Conservation
export-runs-from = Court depuis
export-start = Début
export-disposal-date = Date de destruction
export-state = État
export-note = Note
export-requirement = Exigence
export-42001-item = Élément 42001
export-42001-title = Titre 42001
export-42001-status = État 42001
export-relationship = Relation
export-rationale = Justification
export-source = Source

## Pourquoi ce n'est pas entièrement prouvé
reason-no-document = aucun document ne la traite
reason-not-approved = les documents qui la traitent ne sont pas encore approuvés
reason-no-record = aucun enregistrement ne la prouve
reason-stale = ses enregistrements datent de plus de { $n } mois ou ne sont pas approuvés
reason-missing-from-soa = absente de la déclaration d'applicabilité
reason-soa-implementation = la déclaration d'applicabilité indique une mise en œuvre { $implementation }
reason-soa-implementation-target = la déclaration d'applicabilité indique une mise en œuvre { $implementation } (échéance { $target })
soa-implementation-partial = partielle
soa-implementation-planned = prévue

## Éditions (`--audience`) et l'annexe « Modifications depuis » du manuel imprimé
footer-edition = Édition : <strong>{ $label }</strong> (ne publie que les documents { $classifications })
not-published = (non publié dans cette édition)
commit-withheld = (message non publié dans cette édition : le commit a aussi modifié des documents qu'elle ne publie pas)
manual-appendix = Annexe
manual-changes-lead = De l'instantané { $label } ({ $old }) à ce manuel ({ $date }) : { $n ->
    [one] { $n } document modifié.
   *[other] { $n } documents modifiés.
}
manual-changes-added = Ajouté (version { $version })
manual-changes-removed = Supprimé (était la version { $version })
manual-changes-redline = Modifications de { $id }
manual-changes-none = Aucun document n'a été modifié.
manual-changes-other = Déclaration d'applicabilité et articles

## Signatures (`snapshot --sign`, `approve --sign`)
sig-verified = vérifiée
sig-signed-by = signé par <strong>{ $principals }</strong> (clé { $algorithm } <code>{ $fingerprint }</code>), inscrite dans <code>{ $file }</code>
sig-not-verified = signature non vérifiée
sig-key = (clé <code>{ $fingerprint }</code>)
about-signature = Signature
about-signature-text = La signature (<code>manifest.json.sig</code>) couvre <code>manifest.json</code> ; vérifiez-la avec <code>aimsbook verify { $label }.zip --allowed-signers FICHIER</code>.
about-not-signed = Non signé.
doc-approval-signature = Signature de l'approbation
crosswalk-via-children = par les exigences qui en relèvent
