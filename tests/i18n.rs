//! The site in the organisation's language: tests/fixtures/de-aims is a German AIMS (its own
//! ids, folders, people and an i18n/de.ftl naming its procedures "Verfahrensanweisung") built
//! with `language = "de-DE"`; a French build of the same repository; search in headless
//! Chromium for words typed without umlauts and in another inflection.

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn built(repo: &Path, dir: &Path) -> PathBuf {
    let site = dir.join("site");
    let out = build(repo, &site, &[]);
    assert_ok(&out, "build");
    let report = format!("{}{}", stdout(&out), stderr(&out));
    assert!(report.contains("0 error(s), 0 warning(s)"), "a complete translation builds clean: {report}");
    site
}

/// The text a reader sees: tags, scripts and styles removed, entities decoded, spaces joined.
/// Attribute values a reader meets (placeholders, labels, titles) are kept as text too.
fn visible(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [("<script", "</script>"), ("<style", "</style>")] {
        while let Some(a) = s.find(open) {
            let b = s[a..].find(close).map(|b| a + b + close.len()).unwrap_or(s.len());
            s.replace_range(a..b, " ");
        }
    }
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(a) = rest.find('<') {
        out.push_str(&rest[..a]);
        let b = rest[a..].find('>').map(|b| a + b + 1).unwrap_or(rest.len());
        let tag = &rest[a..b];
        for attr in ["placeholder=\"", "aria-label=\"", "title=\""] {
            if let Some(p) = tag.find(attr) {
                let v = &tag[p + attr.len()..];
                out.push(' ');
                out.push_str(&v[..v.find('"').unwrap_or(0)]);
            }
        }
        out.push(' ');
        rest = &rest[b..];
    }
    out.push_str(rest);
    let out = out.replace("&amp;", "&").replace("&quot;", "\"").replace("&#x27;", "'");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// English interface words that must not be left on a German page (whole words).
const ENGLISH: &[&str] = &[
    "Home",
    "Document register",
    "Reviews",
    "Review due",
    "Review calendar",
    "Owner",
    "Owners",
    "Approver",
    "Approved",
    "approved",
    "Classification",
    "internal",
    "confidential",
    "procedure",
    "Version",
    "Title",
    "Type",
    "Search",
    "Skip to content",
    "Uncontrolled",
    "generated",
    "controlled documents",
    "None",
    "Related documents",
    "Referenced by",
    "Revision history",
    "On this page",
    "Addresses",
    "Clauses and controls",
    "All types",
    "All statuses",
    "Page not found",
    "Due later",
    "Overdue",
    "Browse",
    "Documents",
    // Month names that differ in German (September and November do not).
    "June",
    "March",
    "October",
];

fn english_left(text: &str) -> Vec<&'static str> {
    ENGLISH
        .iter()
        .copied()
        .filter(|w| {
            text.match_indices(w).any(|(i, _)| {
                let before = text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
                let after = text[i + w.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                before && after
            })
        })
        .collect()
}

#[test]
fn a_german_repository_gets_a_german_interface_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let site = built(&fixture("de-aims"), dir.path());
    // One page of each page template, with German words the reader must find on it.
    let pages: &[(&str, &[&str])] = &[
        (
            "index.html",
            &["Startseite", "Dokumentenverzeichnis", "4 gelenkte Dokumente", "Geltungsbereich des KIMS", "Verfahrensanweisung (2)"],
        ),
        (
            "register.html",
            &[
                "Alle gelenkten Dokumente",
                "4 Dokumente.",
                "Kennung",
                "Freigegeben am",
                "Überprüfung fällig",
                "Einstufung",
                "vertraulich",
                "Verfahrensanweisung",
                "freigegeben",
            ],
        ),
        (
            "doc/BSL-VA-03.html",
            &[
                "Dokumentenlenkung",
                "Fassung",
                "Verantwortlich",
                "Änderungshistorie",
                "Verwiesen von",
                "Auf dieser Seite",
                "Verfahrensanweisung · BSL-VA-03",
                "9.1 Überwachung, Messung, Analyse und Bewertung",
            ],
        ),
        ("search.html", &["Das KIMS durchsuchen", "Nach Kennung oder Wörtern suchen", "Suchen"]),
        ("reviews.html", &["Überprüfungskalender", "Später fällig", "Stand 26. November 2026"]),
        ("owners/index.html", &["Dokumentverantwortliche", "Bald fällige Überprüfungen"]),
        ("clauses/index.html", &["Abschnitte und Maßnahmen", "Jeder Status", "Lücke", "umgesetzt"]),
        (
            "clauses/9.1.html",
            &[
                "Behandelt durch",
                "Nachgewiesen durch",
                "Anforderung",
                "9.1 Überwachung, Messung, Analyse und Bewertung",
                "kein Nachweis belegt sie",
            ],
        ),
        ("404.html", &["Seite nicht gefunden", "Zur Startseite"]),
        ("gaps.html", &["Lückenbericht", "kein Dokument der Art Rollen nennt Abschnitt 5.3", "Anforderungen und Maßnahmen"]),
        (
            "matrix.html",
            &[
                "Rückverfolgbarkeitsmatrix",
                "XLSX herunterladen",
                "Anforderung",
                "Verfahrensanweisung (2)",
                "ein Dokument vom Typ Verfahrensanweisung behandelt 9.1",
            ],
        ),
        (
            "matrix/procedure.html",
            &[
                "Rückverfolgbarkeitsmatrix: Verfahrensanweisung",
                "Dokumente 1 bis 2 der 2 geltenden vom Typ Verfahrensanweisung",
                "Anforderung",
            ],
        ),
        ("mandatory.html", &["Verpflichtende dokumentierte Information", "Erfüllt durch", "erfüllt", "Verfahren zur Dokumentenlenkung"]),
        ("retention.html", &["Aufbewahrung und Vernichtung", "Vernichtungstermin", "Aufbewahrung nicht festgelegt"]),
        (
            "manual.html",
            &["4 freigegebene Dokumente.", "eigene Seite mit eigener Drucktaste", "Inhalt", "Verfahrensanweisung", "2 Dokumente"],
        ),
        (
            "manual/procedure.html",
            &[
                "Verfahrensanweisung",
                "2 Dokumente",
                "Diese Seite drucken oder als PDF speichern",
                "Auf dieser Seite",
                "Inhalt",
                "Fassung 1.1",
            ],
        ),
        ("versions.html", &["Noch keine Momentaufnahmen verzeichnet"]),
    ];
    let mut failures = Vec::new();
    for (rel, german) in pages {
        let html = page(&site, rel);
        if !html.contains("<html lang=\"de\">") {
            failures.push(format!("{rel}: no <html lang=\"de\">"));
        }
        let text = visible(&html);
        for w in *german {
            if !text.contains(w) {
                failures.push(format!("{rel}: missing German \"{w}\""));
            }
        }
        // The catalog's descriptions beyond clauses 4-10 are English (only its titles are all
        // German): the clause pages' own text is left out of this check.
        let interface = if rel.starts_with("clauses/") { text.split("Kennung Titel").next().unwrap_or("").to_string() } else { text };
        let left = english_left(&interface);
        if !left.is_empty() {
            failures.push(format!("{rel}: English interface words left: {left:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_printed_manual_has_german_running_headers() {
    let dir = tempfile::tempdir().unwrap();
    let site = built(&fixture("de-aims"), dir.path());
    // The cover and contents carry the manual's header; each part page its documents' headers.
    let manual = page(&site, "manual.html");
    for css in [
        "content: \"Handbuch mit 4 freigegebenen Dokumenten · 26. November 2026\"",
        "content: \"Seite \" counter(page) \" von \" counter(pages)",
    ] {
        assert!(manual.contains(css), "{css} missing from the print style of manual.html");
    }
    let parts: String = ["scope", "policy", "procedure"].iter().map(|p| page(&site, &format!("manual/{p}.html"))).collect();
    for css in [
        "content: \"Seite \" counter(page) \" von \" counter(pages)",
        "content: \"Fassung 1.1 · freigegeben\"",
        "content: \"Einstufung: vertraulich · Ausdruck unterliegt nicht der Lenkung\"",
    ] {
        assert!(parts.contains(css), "{css} missing from the print style of the part pages");
    }
}

#[test]
fn download_headers_are_german() {
    use calamine::Reader;
    let dir = tempfile::tempdir().unwrap();
    let site = built(&fixture("de-aims"), dir.path());
    let csv = std::fs::read_to_string(site.join("downloads/documents.csv")).unwrap();
    assert!(
        csv.starts_with("Kennung,Titel,Art,Fassung,Status,Verantwortlich,Freigabe durch,Freigegeben am,Überprüfung fällig,Einstufung,Pfad"),
        "{csv}"
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(site.join("downloads/matrix.xlsx")).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header, ["Kennung", "Titel", "Art", "Status", "Dokumente", "Nachweise"]);
}

#[test]
fn german_dates_are_long_with_the_iso_date_in_a_time_element() {
    let dir = tempfile::tempdir().unwrap();
    let site = built(&fixture("de-aims"), dir.path());
    let register = page(&site, "register.html");
    assert!(register.contains("<time datetime=\"2026-06-15\">15. Juni 2026</time>"), "approval date of BSL-GB-01");
    assert!(register.contains("<time datetime=\"2027-03-02\">2. März 2027</time>"), "review date of BSL-LL-01");
    let doc = page(&site, "doc/BSL-VA-03.html");
    assert!(doc.contains("<time datetime=\"2026-05-04\">4. Mai 2026</time>"), "history dates too");
    assert!(!visible(&register).contains("2026-06-15"), "no ISO date left in the text a reader sees");
}

#[test]
fn names_sort_by_the_locale_collation_with_umlauts_beside_their_letter() {
    let dir = tempfile::tempdir().unwrap();
    let site = built(&fixture("de-aims"), dir.path());
    let owners = visible(&page(&site, "owners/index.html"));
    let at = |name: &str| owners.find(name).unwrap_or_else(|| panic!("{name} not listed: {owners}"));
    // Code-point order would put Änne (Ä = U+00C4) after Zoë.
    assert!(at("Änne Vogt") < at("Anton Weiß"), "Änne sorts with the a's, before Anton (n < t)");
    assert!(at("Anton Weiß") < at("Bernd Ulrich") && at("Bernd Ulrich") < at("Zoë Adler"), "{owners}");
    let register = page(&site, "register.html");
    let filter = &register[register.find("name=\"owner\"").unwrap()..];
    assert!(filter.find("Änne Vogt").unwrap() < filter.find("Bernd Ulrich").unwrap(), "the owner filter is collated too");
}

#[test]
fn the_same_repository_in_french_speaks_french() {
    let (dir, repo) = temp_copy("de-aims");
    let toml = std::fs::read_to_string(repo.join("book.toml")).unwrap().replace("de-DE", "fr-FR");
    std::fs::write(repo.join("book.toml"), toml).unwrap();
    let site = built(&repo, dir.path());
    let register = page(&site, "register.html");
    assert!(register.contains("<html lang=\"fr\">"));
    let text = visible(&register);
    for w in ["Registre des documents", "4 documents.", "Approuvé le", "Revue prévue", "procédure", "approuvé", "confidentiel"] {
        assert!(text.contains(w), "French \"{w}\" missing: {text}");
    }
    assert!(register.contains("<time datetime=\"2026-06-15\">15 juin 2026</time>"));
    // The repository's German names ("Verfahrensanweisung") apply to German only.
    assert!(!text.contains("Verfahrensanweisung"));
}

#[test]
fn an_english_site_keeps_english_words_and_gains_time_elements() {
    let (dir, repo) = temp_copy("de-aims");
    let toml = std::fs::read_to_string(repo.join("book.toml")).unwrap().replace("de-DE", "en-GB");
    std::fs::write(repo.join("book.toml"), toml).unwrap();
    let site = built(&repo, dir.path());
    let register = page(&site, "register.html");
    assert!(register.contains("<html lang=\"en\">"));
    let text = visible(&register);
    for w in ["Master document register", "4 documents.", "Review due", "procedure", "approved"] {
        assert!(text.contains(w), "\"{w}\" missing: {text}");
    }
    assert!(register.contains("<time datetime=\"2026-06-15\">15 June 2026</time>"));
}

#[test]
fn a_missing_translation_falls_back_to_english_and_is_reported_once() {
    let (dir, repo) = temp_copy("de-aims");
    // The organisation's own message, used by its own template, in English only.
    std::fs::write(repo.join("i18n/en.ftl"), "org-contact = Questions: the AI office.\n").unwrap();
    std::fs::create_dir_all(repo.join("themes/default/templates")).unwrap();
    let base = std::fs::read_to_string(common::crate_root().join("themes/default/templates/404.html")).unwrap();
    std::fs::write(
        repo.join("themes/default/templates/404.html"),
        base.replace("{% block content %}", "{% block content %}<p id=\"contact\">{{ t(\"org-contact\") }} {{ t(\"org-contact\") }}</p>"),
    )
    .unwrap();
    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 0, "a partial translation never fails the check: {}", show(&diags));
    let missing: Vec<_> = diags.iter().filter(|d| d.code == "MSG001").collect();
    assert_eq!(missing.len(), 1, "once per key: {}", show(&diags));
    assert_eq!(missing[0].severity, "warning");
    assert!(missing[0].message.contains("org-contact"), "{}", missing[0].message);
    assert_eq!(missing[0].file, "i18n/de.ftl");

    let site = dir.path().join("site");
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let html = page(&site, "404.html");
    assert!(html.contains("<p id=\"contact\">Questions: the AI office. Questions: the AI office.</p>"), "English shown in its place");
    assert!(visible(&html).contains("Seite nicht gefunden"), "the rest stays German");
}

/// The result ids, sorted.
fn sorted_ids(v: &Value) -> Vec<String> {
    let mut ids = webdriver::strings(v);
    ids.sort();
    ids
}

#[test]
fn search_finds_ueberwachung_typed_without_umlaut_and_in_another_inflection() {
    if !common::clients::browser() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let site = built(&fixture("de-aims"), dir.path()).canonicalize().unwrap();
    let driver = webdriver::browser();
    let wait = Duration::from_secs(10);
    // BSL-LL-01 says "Überwachung", BSL-VA-03 "Überwachungen" (and "Modellüberwachung" in its
    // title, a compound: not the same word); the German catalog (titles of 9.1 and A.6.2.6, the summary of 9,
    // the descriptions of 9.3.2, 10.1 and A.9.3) has "Überwachung" too, and the guidance of A.9.4
    // "überwachen", the verb, which stems alike. Nothing else on the site does.
    let want = ["10.1", "9", "9.1", "9.3.2", "A.6.2.6", "A.9.3", "A.9.4", "BSL-LL-01", "BSL-VA-03"];
    for query in ["uberwachung", "Überwachungen", "ueberwachung", "UEBERWACHUNG"] {
        driver.goto(&format!("file://{}/search.html", site.display()));
        driver.execute(
            "var i = document.getElementById('search-input'); i.value = arguments[0]; i.dispatchEvent(new Event('input')); return null;",
            json!([query]),
        );
        let ids = sorted_ids(&driver.wait_for(webdriver::SEARCH_RESULT_IDS, wait));
        assert_eq!(ids, want, "\"{query}\" finds what speaks of Überwachung");
        let status = driver.execute("return document.getElementById('search-status').textContent;", json!([]));
        assert_eq!(status, format!("{} Treffer für „{query}“", want.len()), "the status line is German");
    }
    // The register's filter counts in German too.
    driver.goto(&format!("file://{}/register.html", site.display()));
    driver.execute(
        "var i = document.querySelector('form[data-filter-for=register-table] input[name=q]'); i.value = 'verfahrensanweisung'; \
         i.dispatchEvent(new Event('input', { bubbles: true })); return null;",
        json!([]),
    );
    let count = driver.execute("return document.querySelector('form[data-filter-for=register-table] output').textContent;", json!([]));
    assert_eq!(count, "2 von 4 angezeigt", "the two procedures, by their German type name");
    // A word no document has finds nothing (folding does not make everything match).
    driver.goto(&format!("file://{}/search.html?q=uberweisung", site.display()));
    let status = driver.wait_for("var s = document.getElementById('search-status').textContent; return s ? s : null;", wait);
    assert_eq!(status, "0 Treffer für „uberweisung“");
}

#[test]
fn a_language_without_messages_is_reported_once_on_its_book_toml_line_and_shown_in_english() {
    let (dir, repo) = temp_copy("de-aims");
    let toml = std::fs::read_to_string(repo.join("book.toml")).unwrap().replace("de-DE", "nl-NL");
    std::fs::write(repo.join("book.toml"), toml).unwrap();
    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 0, "{}", show(&diags));
    let got: Vec<_> = diags.iter().map(|d| (d.code.as_str(), d.file.as_str(), d.line)).collect();
    assert_eq!(got, [("MSG001", "book.toml", 4)], "one warning, on the language line");
    let site = dir.path().join("site");
    assert_eq!(code(&build(&repo, &site, &[])), 0);
    let register = page(&site, "register.html");
    assert!(register.contains("<html lang=\"nl\">"), "the page still says which language its content is in");
    assert!(visible(&register).contains("Master document register"));
}

#[test]
fn the_retention_page_of_another_repository_speaks_german() {
    // The retention fixture (records, superseded and retired documents) with language = "de-DE".
    let (dir, repo) = temp_copy("retention");
    let toml = std::fs::read_to_string(repo.join("book.toml")).unwrap();
    let toml = if toml.contains("language") {
        toml.lines().map(|l| if l.trim_start().starts_with("language") { "language = \"de-DE\"" } else { l }).collect::<Vec<_>>().join("\n")
    } else {
        toml.replacen("[book]", "[book]\nlanguage = \"de-DE\"", 1)
    };
    std::fs::write(repo.join("book.toml"), toml).unwrap();
    let site = dir.path().join("site");
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = visible(&page(&site, "retention.html"));
    for w in ["Vernichtung überfällig", "Datum des Nachweises", "ersetzt (Nachfolger freigegeben)", "dauerhaft aufbewahrt", "Frist ab"] {
        assert!(text.contains(w), "\"{w}\" missing: {text}");
    }
    for w in ["record date", "successor approved", "kept permanently", "overdue for disposal"] {
        assert!(!text.contains(w), "English \"{w}\" left: {text}");
    }
}
