//! The document register and the review calendar at any size (issue #16): the register in
//! pages of 500 documents in id order (`register.html`, `register/2.html`, …) with a pager, and
//! a filter that covers every page by loading the pages' data files (`register/rows-N.js`) as
//! scripts, from file:// too; the review calendar with every period's full count but at most
//! 100 documents each, and every period's own paged list (`reviews/<period>.html`, `-2.html`, …).
//!
//! Checked on a generated repository unlike the bundled example: German (`language = "de"`),
//! its own type words (shown under other display names) and status names, owners with umlauts,
//! three id schemes (`RL-0001`, `VA.12`, `AA_0001`), nested folders, 2,500 documents.

mod common;

use common::{clients, crate_root, html_text, page, read, webdriver, write, TODAY};
use jiff::civil::Date;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

const DOCS: usize = 2500;
/// Documents per register page (`PAGE_ROWS` in src/render/register.rs).
const PAGE_ROWS: usize = 500;
/// Documents per period on reviews.html (`REVIEW_CAP`).
const REVIEW_CAP: usize = 100;
/// Documents per page of a period's own list (`BUCKET_ROWS`).
const BUCKET_ROWS: usize = 500;

const OWNERS: [&str; 3] = ["Jürgen Größ", "Änne Vogt", "Björn Weiß"];
/// Owns a few documents scattered over every page.
const RARE_OWNER: &str = "Zoë Öztürk";

#[derive(Clone)]
struct Doc {
    id: String,
    rel: String,
    doc_type: &'static str,
    owner: &'static str,
    status: &'static str,
    review_due: Date,
}

fn today() -> Date {
    TODAY.parse().unwrap()
}

fn documents() -> Vec<Doc> {
    let today = today();
    (0..DOCS)
        .map(|i| {
            let n = i / 3 + 1;
            let (id, doc_type, rel) = match i % 3 {
                0 => (format!("RL-{n:04}"), "Richtlinie", format!("leitung/richtlinien/{}/rl-{n:04}.md", n % 7)),
                1 => (format!("VA.{n}"), "Verfahrensanweisung", format!("prozesse/va/{}/va-{n}.md", n % 5)),
                _ => (format!("AA_{n:04}"), "Arbeitsanweisung", format!("betrieb/{}/aa-{n:04}.md", ["lager", "versand", "it"][n % 3])),
            };
            let owner = if i % 97 == 5 { RARE_OWNER } else { OWNERS[n % 3] };
            let status = if i % 61 == 9 {
                "retired"
            } else if i % 53 == 7 {
                "draft"
            } else {
                "approved"
            };
            let days = match i % 10 {
                // Overdue by 1 to 300 days, due within the warning window, in 31–60 days, later.
                0 => -1 - (i % 300) as i64,
                1 => (i % 30) as i64,
                2 => 31 + (i % 30) as i64,
                _ => 120 + (i % 400) as i64,
            };
            let review_due = today.checked_add(jiff::Span::new().days(days)).unwrap();
            Doc { id, rel, doc_type, owner, status, review_due }
        })
        .collect()
}

fn document_text(d: &Doc) -> String {
    let approved = if d.status == "draft" { String::new() } else { "approved: 2026-02-01\n".to_string() };
    format!(
        "---\nid: {id}\ntitle: \"Dokument {id} für Größe und Übersicht\"\ntype: \"{t}\"\nowner: \"{o}\"\napprover: \"Vorstand\"\nversion: \"1.{v}\"\n\
         status: {s}\n{approved}review_due: {due}\nclassification: internal\nclauses: [\"7.5.1\"]\n---\n\n# Dokument {id}\n\nInhalt.\n",
        id = d.id,
        t = d.doc_type,
        o = d.owner,
        v = d.id.len() % 4,
        s = d.status,
        due = d.review_due,
    )
}

/// The generated repository: German, its own type words and display names, its own status name.
fn repository(docs: &[Doc]) -> (tempfile::TempDir, PathBuf) {
    let (dir, repo) = common::empty_repo();
    write(&repo.join("book.toml"), "[book]\ntitle = \"Betriebshandbuch KI\"\norganization = \"Fjordhafen Logistik GmbH\"\nlanguage = \"de\"\n\n# Overdue reviews are what this repository is about: reported, not fatal.\n[check]\nDC007 = \"warning\"\n");
    let mut schema: Value = serde_json::from_str(&read(&crate_root().join("schemas/document.schema.json"))).unwrap();
    let types = schema["properties"]["type"]["enum"].as_array_mut().unwrap();
    types.extend(["Richtlinie", "Verfahrensanweisung", "Arbeitsanweisung"].map(Value::from));
    write(&repo.join("schemas/document.schema.json"), serde_json::to_string_pretty(&schema).unwrap());
    write(&repo.join("i18n/de.ftl"), "doc-type-richtlinie = KI-Richtlinie\nstatus-approved = in Kraft\n");
    for d in docs {
        write(&repo.join("content").join(&d.rel), document_text(d));
    }
    (dir, repo)
}

fn build_site(repo: &Path, out: &Path) {
    let run = common::build(repo, out, &[]);
    common::assert_ok(&run, "build of the generated repository");
}

/// The ids in the order the site lists documents (byte order of the id).
fn ids_in_order(docs: &[Doc]) -> Vec<String> {
    let mut ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    ids.sort();
    ids
}

/// The text between the first `from` after `start` and the next `to`.
fn part<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap_or_else(|| panic!("{from:?} not found"));
    let rest = &html[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

/// The documents linked from the first cell of each row of the first table body in `html`.
fn row_ids(html: &str) -> Vec<String> {
    let body = part(html, "<tbody>", "</tbody>");
    body.split("<tr").skip(1).map(|row| html_text(part(row, "<a href=", "</a>"))).collect()
}

/// The values of attribute `name` in `html`, in order.
fn attributes(html: &str, name: &str) -> Vec<String> {
    let pat = format!(" {name}=\"");
    html.split(&pat).skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_string()).collect()
}

/// The links of the pager named `label`: (href, text, current).
fn pager(html: &str, label: &str) -> Vec<(String, String, bool)> {
    let nav = part(html, &format!("<nav class=\"pager\" aria-label=\"{label}\">"), "</nav>");
    nav.split("<li>")
        .skip(1)
        .map(|li| {
            (
                attributes(li, "href")[0].clone(),
                html_text(li).split_whitespace().collect::<Vec<_>>().join(" "),
                li.contains("aria-current=\"page\""),
            )
        })
        .collect()
}

fn register_path(n: usize) -> String {
    if n == 1 {
        "register.html".into()
    } else {
        format!("register/{n}.html")
    }
}

#[test]
fn the_register_is_paged_in_id_order_with_a_pager_and_data_files_for_the_filter() {
    let docs = documents();
    let (dir, repo) = repository(&docs);
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let ids = ids_in_order(&docs);
    let pages = DOCS.div_ceil(PAGE_ROWS);
    assert_eq!(pages, 5);

    // The register's files: five pages, five data files, nothing beyond.
    let mut files: Vec<String> =
        std::fs::read_dir(site.join("register")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    assert_eq!(files, ["2.html", "3.html", "4.html", "5.html", "rows-1.js", "rows-2.js", "rows-3.js", "rows-4.js", "rows-5.js"]);

    let mut sizes = Vec::new();
    for n in 1..=pages {
        let html = page(&site, &register_path(n));
        // Every document once, on the page its position says, in id order.
        let want = &ids[(n - 1) * PAGE_ROWS..(n * PAGE_ROWS).min(DOCS)];
        assert_eq!(row_ids(&html), want, "the rows of {}", register_path(n));
        assert!(
            html.contains(&format!("<title>Dokumentenverzeichnis, Seite {n} von 5 · Betriebshandbuch KI</title>")),
            "page {n} has its own title"
        );
        let (first, last) = ((n - 1) * PAGE_ROWS + 1, (n * PAGE_ROWS).min(DOCS));
        assert!(
            html_text(&html).contains(&format!("Diese Seite: Dokumente {first}–{last} von {DOCS}, nach Kennung geordnet.")),
            "page {n}'s lead"
        );
        // The main navigation marks the register: the page itself on page 1, its section beyond.
        let main_nav = part(&html, "<nav class=\"site-nav\"", "</nav>");
        let marked: Vec<&str> = main_nav.split("<li>").filter(|li| li.contains("aria-current")).collect();
        let want_mark = if n == 1 { "aria-current=\"page\"" } else { "aria-current=\"location\"" };
        assert!(marked.len() == 1 && marked[0].contains("register.html\"") && marked[0].contains(want_mark), "page {n}: {marked:?}");
        // The filter's options cover every document, whatever page it is on.
        let owner_select = part(&html, "name=\"owner\"", "</select>");
        let owners: Vec<String> = attributes(owner_select, "value").into_iter().filter(|o| !o.is_empty()).collect();
        assert_eq!(owners, ["Änne Vogt", "Björn Weiß", "Jürgen Größ", RARE_OWNER], "owners in German collation order on page {n}");
        let type_select = part(&html, "name=\"type\"", "</select>");
        for (word, label) in
            [("Richtlinie", "KI-Richtlinie"), ("Verfahrensanweisung", "Verfahrensanweisung"), ("Arbeitsanweisung", "Arbeitsanweisung")]
        {
            assert!(type_select.contains(&format!("<option value=\"{word}\">{label}</option>")), "type {word} in the filter of page {n}");
        }
        let data = std::fs::metadata(site.join(format!("register/rows-{n}.js"))).unwrap().len();
        sizes.push((std::fs::metadata(site.join(register_path(n))).unwrap().len(), data));
        assert!(data < 100_000, "register/rows-{n}.js is {data} bytes");
    }
    eprintln!("register page and data file sizes (bytes): {sizes:?}; all data files: {}", sizes.iter().map(|s| s.1).sum::<u64>());

    // A document of the third page is there, as a reader finds it: the pager of page 3.
    let third = &ids[1234];
    let html = page(&site, "register/3.html");
    assert!(row_ids(&html).contains(third));
    assert!(html.contains(&format!("<a href=\"../doc/{third}.html\">{third}</a>")), "links relative to register/3.html");
    let links = pager(&html, "Seiten des Verzeichnisses");
    let want: Vec<(String, String, bool)> = vec![
        ("../register/2.html".into(), "← Zurück".into(), false),
        ("../register.html".into(), "1 1–500".into(), false),
        ("../register/2.html".into(), "2 501–1000".into(), false),
        ("../register/3.html".into(), "3 1001–1500".into(), true),
        ("../register/4.html".into(), "4 1501–2000".into(), false),
        ("../register/5.html".into(), "5 2001–2500".into(), false),
        ("../register/4.html".into(), "Weiter →".into(), false),
    ];
    assert_eq!(links, want, "the pager of page 3");
    assert_eq!(pager(&html, "Seiten des Verzeichnisses (Ende der Tabelle)"), want, "and again below the table");
    // The first page has no "previous", the last no "next".
    let first = pager(&page(&site, "register.html"), "Seiten des Verzeichnisses");
    assert_eq!(first[0], ("register.html".to_string(), "1 1–500".to_string(), true));
    assert_eq!(first.last().unwrap(), &("register/2.html".to_string(), "Weiter →".to_string(), false));
    let last = pager(&page(&site, "register/5.html"), "Seiten des Verzeichnisses");
    assert_eq!(last[0].1, "← Zurück");
    assert_eq!(last.last().unwrap(), &("../register/5.html".to_string(), "5 2001–2500".to_string(), true));

    // The data file of a page holds its documents in order, with the display names.
    let rows = std::fs::read_to_string(site.join("register/rows-3.js")).unwrap();
    let json = rows.strip_prefix("AIMSBOOK_REGISTER_ROWS(").and_then(|r| r.strip_suffix(");\n")).expect("a self-registering script");
    let data: Value = serde_json::from_str(json).unwrap();
    let in_file: Vec<&str> = data["rows"].as_array().unwrap().iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(in_file, &ids[1000..1500]);
    assert!(data["types"].as_array().unwrap().contains(&json!(["Richtlinie", "KI-Richtlinie"])));
    assert!(data["statuses"].as_array().unwrap().iter().any(|s| s[0] == "approved" && s[1].as_str().unwrap().contains(">in Kraft</span>")));
}

/// The review periods as the site should show them: key → ids, soonest first.
fn expected_buckets(docs: &[Doc]) -> BTreeMap<&'static str, Vec<String>> {
    let today = today();
    let mut out: BTreeMap<&'static str, Vec<(i64, String)>> = BTreeMap::new();
    for d in docs.iter().filter(|d| d.status != "retired") {
        let days = (d.review_due - today).get_days() as i64;
        let key = match days {
            n if n < 0 => "overdue",
            0..=30 => "d30",
            31..=60 => "d60",
            61..=90 => "d90",
            _ => "later",
        };
        out.entry(key).or_default().push((days, d.id.clone()));
    }
    out.into_iter()
        .map(|(k, mut v)| {
            v.sort();
            (k, v.into_iter().map(|(_, id)| id).collect())
        })
        .collect()
}

#[test]
fn review_periods_are_capped_with_full_counts_and_listed_whole_on_their_own_pages_and_builds_are_deterministic() {
    let docs = documents();
    let (dir, repo) = repository(&docs);
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let buckets = expected_buckets(&docs);
    assert!(buckets["overdue"].len() > REVIEW_CAP && buckets["later"].len() > 3 * BUCKET_ROWS, "the corpus fills the periods");
    let reviews = page(&site, "reviews.html");
    for (key, label) in [
        ("overdue", "Überfällig"),
        ("d30", "Fällig innerhalb von 30 Tagen"),
        ("d60", "Fällig in 31–60 Tagen"),
        ("d90", "Fällig in 61–90 Tagen"),
        ("later", "Später fällig"),
    ] {
        let want = buckets.get(key).cloned().unwrap_or_default();
        let section = part(&reviews, &format!("<section class=\"card\" id=\"{key}\""), "</section>");
        assert!(
            section.contains(&format!(">{label} <span class=\"count\">{}</span></h2>", want.len())),
            "{key}: the full count in the heading"
        );
        let shown = if want.is_empty() { vec![] } else { row_ids(section) };
        assert_eq!(shown, want[..want.len().min(REVIEW_CAP)], "{key}: the soonest {REVIEW_CAP} on reviews.html");
        let more = attributes(section, "href").into_iter().filter(|h| h.starts_with("reviews/")).collect::<Vec<_>>();
        if want.is_empty() {
            assert!(more.is_empty(), "{key}: no list for an empty period");
            assert!(!site.join(format!("reviews/{key}.html")).exists());
            continue;
        }
        assert_eq!(more, [format!("reviews/{key}.html")], "{key}: linked to its own list");
        if want.len() > REVIEW_CAP {
            assert!(html_text(section).contains(&format!("Alle {} anzeigen", want.len())), "{key}: \"show all\"");
        }
        // The period's own pages hold every document once, soonest first, and no more pages.
        let pages = want.len().div_ceil(BUCKET_ROWS);
        let mut listed = Vec::new();
        for n in 1..=pages {
            let path = if n == 1 { format!("reviews/{key}.html") } else { format!("reviews/{key}-{n}.html") };
            let html = page(&site, &path);
            assert!(html.contains(&format!("<h1 id=\"page-title\">{label} <span class=\"count\">{}</span></h1>", want.len())), "{path}");
            assert!(html.contains(&format!("href=\"../doc/{}.html\"", want[(n - 1) * BUCKET_ROWS])), "{path}: links relative to reviews/");
            if pages > 1 {
                let links = pager(&html, &format!("Seiten von „{label}“"));
                assert!(links.iter().any(|(href, _, current)| *current && href.ends_with(&path[8..])), "{path}: the pager marks it");
                assert_eq!(links.iter().filter(|(_, t, _)| !t.contains('→') && !t.contains('←')).count(), pages, "{path}");
            }
            listed.extend(row_ids(&html));
        }
        assert_eq!(listed, want, "{key}: every document on its own list, soonest first");
        assert!(!site.join(format!("reviews/{key}-{}.html", pages + 1)).exists());
    }
    assert!(site.join("reviews/later-4.html").exists() && !site.join("reviews/Später fällig.html").exists(), "stable names");

    // Two builds of the same repository give the same bytes.
    let again = dir.path().join("site-again");
    build_site(&repo, &again);
    let (a, b) = (common::snapshot(&site), common::snapshot(&again));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    let differing: Vec<&String> = a.iter().filter(|(k, v)| b[*k] != **v).map(|(k, _)| k).collect();
    assert!(differing.is_empty(), "differ between two builds: {differing:?}");
}

/// An owner's page shows each list's full count and its first 100 documents, and each list has
/// its own pages (`owners/<slug>/owned.html`, `owned-2.html`, …, 500 a page) with every
/// document once, in order: an owner of 830 documents no longer makes one page of them all.
/// A list on its own pages (`<stem>.html`, `<stem>-2.html`, … 500 a page, two folders below
/// the root): each page has the full count, links relative to its folder, a link back to `back`
/// and a pager (named `pager_label`) that marks it; together they hold `want`, in order, and
/// there is no page beyond the last.
fn assert_whole_list(site: &Path, stem: &str, want: &[String], back: &str, pager_label: &str) {
    let pages = want.len().div_ceil(500);
    let mut listed = Vec::new();
    for n in 1..=pages {
        let path = if n == 1 { format!("{stem}.html") } else { format!("{stem}-{n}.html") };
        let html = page(site, &path);
        assert!(html.contains(&format!("<span class=\"count\">{}</span></h1>", want.len())), "{path}: the full count");
        assert!(html.contains(&format!("href=\"../../doc/{}.html\"", want[(n - 1) * 500])), "{path}: links relative to its folder");
        assert!(html.contains(&format!("href=\"../../{back}\"")), "{path}: back to {back}");
        let links = pager(&html, pager_label);
        assert!(
            links.iter().any(|(href, _, current)| *current && path.ends_with(href.trim_start_matches("../../"))),
            "{path}: the pager marks it"
        );
        listed.extend(row_ids(&html));
    }
    assert_eq!(listed, want, "{stem}: every document on the list's own pages, in order");
    assert!(!site.join(format!("{stem}-{}.html", pages + 1)).exists(), "{stem}: no page beyond the last");
}

#[test]
fn owner_pages_are_capped_and_each_list_is_whole_on_its_own_pages() {
    let docs = documents();
    let (dir, repo) = repository(&docs);
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let owner = OWNERS[0];
    let owned = ids_in_order(&docs.iter().filter(|d| d.owner == owner).cloned().collect::<Vec<_>>());
    assert!(owned.len() > 2 * 500 - 300 && owned.len() > 500, "the owner has more than a page of documents: {}", owned.len());
    // The owner's page, found from the owners' index by the owner's name.
    let index = page(&site, "owners/index.html");
    let href = attributes(&index, "href")
        .into_iter()
        .find(|h| index.contains(&format!("href=\"{h}\">{owner}</a>")))
        .unwrap_or_else(|| panic!("{owner} is linked from the owners' index"));
    // Relative to the index's folder (`../owners/…`): from the site root, `owners/<slug>.html`.
    let url = href.trim_start_matches("../").to_string();
    let owner_page = page(&site, &url);
    let section = part(&owner_page, "<section class=\"card\" aria-labelledby=\"owned-h\">", "</section>");
    assert!(section.contains(&format!("<span class=\"count\">{}</span></h2>", owned.len())), "the full count");
    assert_eq!(row_ids(section), owned[..100], "the first 100 in id order");
    assert!(html_text(section).contains(&format!("Alle {} anzeigen", owned.len())), "\"show all\" in German");
    let folder = url.trim_end_matches(".html");
    assert!(attributes(section, "href").contains(&format!("../{folder}/owned.html")), "linked to the list's own pages");
    assert_whole_list(&site, &format!("{folder}/owned"), &owned, &url, "Seiten von „Verantwortet“");
    // The reviews due: the owner's overdue and due-soon documents, soonest first.
    let due_section = part(&owner_page, "<section class=\"card\" aria-labelledby=\"due-h\">", "</section>");
    let mut due: Vec<(Date, String)> = docs
        .iter()
        .filter(|d| d.owner == owner && d.status != "retired" && (d.review_due - today()).get_days() <= 30)
        .map(|d| (d.review_due, d.id.clone()))
        .collect();
    due.sort();
    assert!(due_section.contains(&format!("<span class=\"count\">{}</span></h2>", due.len())), "the count of reviews due");
    let shown = row_ids(due_section);
    assert_eq!(shown.len(), due.len().min(100));
    let due_dates: Vec<Date> = shown.iter().map(|id| docs.iter().find(|d| &d.id == id).unwrap().review_due).collect();
    assert!(due_dates.windows(2).all(|w| w[0] <= w[1]), "soonest first");
}

/// A requirement addressed by thousands of documents: its page shows the full count and the
/// first 100 in the order the model lists them, and links to its own list, which holds every
/// document once, 500 a page, with a pager.
#[test]
fn clause_pages_are_capped_and_each_list_is_whole_on_its_own_pages() {
    let docs = documents();
    let (dir, repo) = repository(&docs);
    let site = dir.path().join("site");
    build_site(&repo, &site);
    // Every document addresses 7.5.1; retired ones no longer count.
    let addressing = ids_in_order(&docs.iter().filter(|d| d.status != "retired").cloned().collect::<Vec<_>>());
    assert!(addressing.len() > 2000, "{}", addressing.len());
    let html = page(&site, "clauses/7.5.1.html");
    let section = part(&html, "<section class=\"card\" aria-labelledby=\"docs-h\">", "</section>");
    assert!(section.contains(&format!("<span class=\"count\">{}</span></h2>", addressing.len())), "the full count");
    let shown: Vec<String> = attributes(section, "href")
        .into_iter()
        .filter_map(|h| h.strip_prefix("../doc/").and_then(|f| f.strip_suffix(".html")).map(str::to_string))
        .collect();
    assert_eq!(shown, addressing[..100], "the first 100");
    assert!(html_text(section).contains(&format!("Alle {} anzeigen", addressing.len())), "\"show all\" in German");
    assert!(attributes(section, "href").contains(&"../clauses/7.5.1/documents.html".to_string()), "linked to the list's own pages");
    assert_whole_list(&site, "clauses/7.5.1/documents", &addressing, "clauses/7.5.1.html", "Seiten von „Behandelt durch“");
    // No record evidences it: no list of records, and no link to one.
    assert!(!site.join("clauses/7.5.1/records.html").exists() && !html.contains("7.5.1/records.html"), "no empty list");
}

/// The mandatory documents page names at most 12 documents a row and counts the rest, linked to
/// the requirement's page. Checked on a small French repository with its own id scheme.
#[test]
fn mandatory_rows_name_twelve_documents_and_count_the_rest() {
    let (dir, repo) = common::empty_repo();
    write(&repo.join("book.toml"), "[book]\ntitle = \"Manuel IA\"\norganization = \"Transports Garonne\"\nlanguage = \"fr\"\n");
    for n in 1..=14 {
        write(
            &repo.join(format!("content/politiques/p{n:02}.md")),
            format!(
                "---\nid: PG-{n:02}\ntitle: \"Politique {n}\"\ntype: policy\nowner: \"Direction\"\napprover: \"Conseil\"\nversion: \"1.0\"\n\
                 status: approved\napproved: 2026-02-01\nreview_due: 2027-06-01\nclassification: internal\nclauses: [\"5.2\"]\n---\n\n# Politique {n}\n\nTexte.\n"
            ),
        );
    }
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let html = page(&site, "mandatory.html");
    let row = part(&html, "<a href=\"clauses/5.2.html\">5.2</a>", "</tr>");
    let named: Vec<String> = attributes(row, "href").into_iter().filter(|h| h.starts_with("doc/")).collect();
    assert_eq!(named.len(), 12, "{named:?}");
    assert_eq!(named[0], "doc/PG-01.html");
    assert!(html_text(row).contains("et 2 autres (5.2)"), "the rest counted: {}", html_text(row));
    assert!(row.contains("class=\"refs-more\" href=\"clauses/5.2.html\""), "the rest linked to the clause's page");
    let clause = page(&site, "clauses/5.2.html");
    for n in 1..=14 {
        assert!(clause.contains(&format!("href=\"../doc/PG-{n:02}.html\"")), "PG-{n:02} on the clause's page");
    }
}

#[test]
fn the_new_pages_are_valid_html() {
    let docs = documents();
    let (dir, repo) = repository(&docs);
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let files: Vec<PathBuf> = [
        "register.html",
        "register/3.html",
        "register/5.html",
        "reviews.html",
        "reviews/overdue.html",
        "reviews/later-2.html",
        "owners/jürgen-größ.html",
        "owners/jürgen-größ/owned-2.html",
        "clauses/7.5.1.html",
        "clauses/7.5.1/documents-2.html",
    ]
    .iter()
    .map(|p| site.join(p))
    .collect();
    if let Some(errors) = clients::html_errors(&files) {
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
}

/// Sets a filter field of the register and tells the page.
fn set_filter(d: &webdriver::Driver, name: &str, value: &str) {
    d.execute(
        "var f = document.querySelector('form[data-filter-for=register-table]'); var e = f.elements[arguments[0]]; e.value = arguments[1]; \
         e.dispatchEvent(new Event('input', { bubbles: true })); return null;",
        json!([name, value]),
    );
}

/// The count line of the register's filter, once it no longer says it is loading.
fn count_text(d: &webdriver::Driver) -> String {
    d.poll(
        "the filter's count",
        "var t = document.querySelector('form[data-filter-for=register-table] output').textContent; \
         return t && t.indexOf('geladen') === -1 ? t : null;",
        Duration::from_secs(30),
        |v| v.is_string(),
    )
    .as_str()
    .unwrap()
    .to_string()
}

const SHOWN_IDS: &str =
    "return Array.from(document.querySelectorAll('#register-table tbody tr')).map(function (r) { return r.cells[0].textContent.trim(); });";

/// The row of `id` as the browser serialises it.
const ROW_HTML: &str = "var id = arguments[0]; var a = Array.from(document.querySelectorAll('#register-table tbody tr')).find(function (r) { return r.cells[0].textContent.trim() === id; }); return a ? a.outerHTML : null;";

#[test]
fn in_chromium_from_file_the_filter_covers_every_page_with_rows_like_the_pages_own() {
    if !clients::browser() {
        return;
    }
    let docs = documents();
    let (dir, repo) = repository(&docs);
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let site = site.canonicalize().unwrap();
    let ids = ids_in_order(&docs);
    let d = webdriver::browser();
    d.goto(&webdriver::file_url(&site.join("register.html")));
    let own = webdriver::strings(&d.execute(SHOWN_IDS, json!([])));
    assert_eq!(own, &ids[..PAGE_ROWS], "page 1's rows");
    assert_eq!(count_text(&d), format!("{PAGE_ROWS} von {DOCS} angezeigt"));

    // A row the page rendered, and the same row built from the data files, are the same
    // markup: an overdue document of page 1 (with its badge) and, below, an RL document of page
    // 3 (its type's display name, links one folder down).
    let by_id: BTreeMap<&str, &Doc> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let overdue = own.iter().find(|id| by_id[id.as_str()].review_due < today() && by_id[id.as_str()].status == "approved").unwrap().clone();
    let rendered = d.execute(ROW_HTML, json!([overdue]));
    assert!(rendered.as_str().unwrap().contains("badge review-overdue"), "{rendered}");
    set_filter(&d, "q", &overdue);
    assert_eq!(count_text(&d), format!("1 von {DOCS} angezeigt"), "one document has the id {overdue}");
    assert_eq!(d.execute(ROW_HTML, json!([overdue])), rendered, "the row built from the data files is the page's own");

    // An id that lives on page 3: its row, with a link that opens the document.
    let third = ids[1234].clone();
    assert_eq!(ids.iter().filter(|i| i.to_lowercase().contains(&third.to_lowercase())).count(), 1);
    set_filter(&d, "q", &third);
    assert_eq!(count_text(&d), format!("1 von {DOCS} angezeigt"));
    assert_eq!(webdriver::strings(&d.execute(SHOWN_IDS, json!([]))), std::slice::from_ref(&third));
    let row = d.execute(ROW_HTML, json!([third])).as_str().unwrap().to_string();
    assert!(row.contains(&format!("<a href=\"doc/{third}.html\">{third}</a>")), "{row}");
    assert!(row.contains("<time datetime=\"2026-02-01\">1. Februar 2026</time>") && row.contains("badge status-"), "{row}");
    // Loaded as scripts, one per page (from file://, where fetch is blocked).
    let scripts = d.execute("return document.querySelectorAll('script[data-register-rows]').length;", json!([]));
    assert_eq!(scripts, json!(5));

    // Filtering by an owner shows that owner's documents from every page, in id order.
    set_filter(&d, "q", "");
    set_filter(&d, "owner", RARE_OWNER);
    let want: Vec<String> = ids.iter().filter(|i| by_id[i.as_str()].owner == RARE_OWNER).cloned().collect();
    assert!(want.len() > 10);
    assert_eq!(count_text(&d), format!("{} von {DOCS} angezeigt", want.len()));
    assert_eq!(webdriver::strings(&d.execute(SHOWN_IDS, json!([]))), want);
    let pages_of: std::collections::BTreeSet<usize> =
        want.iter().map(|id| ids.iter().position(|i| i == id).unwrap() / PAGE_ROWS + 1).collect();
    assert!(pages_of.len() >= 4, "from most pages: {pages_of:?}");
    // Sorting sorts the shown rows.
    d.execute("document.querySelectorAll('#register-table thead th')[0].click(); return null;", json!([]));
    let sorted = webdriver::strings(&d.execute(SHOWN_IDS, json!([])));
    let mut same = sorted.clone();
    same.sort();
    assert_eq!(same, want, "the same rows");
    assert!(sorted[0].starts_with("VA.") && sorted.last().unwrap().starts_with("AA_"), "sorted by id, descending: {sorted:?}");
    assert_eq!(
        d.execute("return document.querySelectorAll('#register-table thead th')[0].getAttribute('aria-sort');", json!([])),
        json!("descending")
    );

    // More matches than a page holds: the first 500 and a note.
    set_filter(&d, "owner", "");
    set_filter(&d, "type", "Richtlinie");
    let richtlinien = docs.iter().filter(|d| d.doc_type == "Richtlinie").count();
    assert_eq!(
        count_text(&d),
        format!("Die ersten {PAGE_ROWS} von {richtlinien} passenden Dokumenten werden angezeigt: Grenzen Sie den Filter ein, um die übrigen zu sehen.")
    );
    assert_eq!(webdriver::strings(&d.execute(SHOWN_IDS, json!([]))).len(), PAGE_ROWS);

    // Clearing the filter brings back page 1's rows.
    set_filter(&d, "type", "");
    assert_eq!(count_text(&d), format!("{PAGE_ROWS} von {DOCS} angezeigt"));
    let mut back = webdriver::strings(&d.execute(SHOWN_IDS, json!([])));
    back.sort();
    assert_eq!(back, &ids[..PAGE_ROWS]);

    // Following the link of a page-3 document found from page 1 opens it.
    set_filter(&d, "q", &third);
    count_text(&d);
    d.execute("document.querySelector('#register-table tbody a').click(); return null;", json!([]));
    let opened = d.poll(
        "the document page",
        "return location.pathname.endsWith('.html') && location.pathname.indexOf('/doc/') !== -1 ? [location.pathname, document.querySelector('h1').textContent] : null;",
        Duration::from_secs(20),
        |v| v.is_array(),
    );
    assert!(opened[0].as_str().unwrap().ends_with(&format!("/doc/{third}.html")), "{opened}");
    assert!(opened[1].as_str().unwrap().contains(&third), "{opened}");

    // From page 3 (one folder down), a page-1 document: links relative to register/3.html.
    d.goto(&webdriver::file_url(&site.join("register/3.html")));
    let first = ids[7].clone();
    let on_page = d.execute(ROW_HTML, json!([ids[1001].clone()]));
    assert!(on_page.as_str().unwrap().contains("<td>KI-Richtlinie</td>"), "{on_page}");
    set_filter(&d, "q", &first);
    assert_eq!(count_text(&d), format!("1 von {DOCS} angezeigt"));
    let row = d.execute(ROW_HTML, json!([first])).as_str().unwrap().to_string();
    assert!(row.contains(&format!("<a href=\"../doc/{first}.html\">{first}</a>")), "{row}");
    set_filter(&d, "q", &ids[1001]);
    count_text(&d);
    assert_eq!(d.execute(ROW_HTML, json!([ids[1001].clone()])), on_page, "the same markup on page 3");
    d.execute("document.querySelector('#register-table tbody a').click(); return null;", json!([]));
    let opened = d.poll(
        "the document page",
        "return location.pathname.indexOf('/doc/') !== -1 ? location.pathname : null;",
        Duration::from_secs(20),
        |v| v.is_string(),
    );
    assert!(opened.as_str().unwrap().ends_with(&format!("/doc/{}.html", ids[1001])), "{opened}");
}

/// A fresh build in memory: every page by path (what `serve` must equal).
fn fresh(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let loaded = aimsbook::pipeline::load(root, today()).unwrap_or_else(|e| panic!("loads: {:?}", e.0));
    let pages = aimsbook::pipeline::render_all(&loaded.site).unwrap_or_else(|e| panic!("renders: {e:?}"));
    pages.into_iter().map(|p| (p.path, p.bytes.to_vec())).collect()
}

/// `serve`'s rebuild after `changed`, compared with a fresh build of the same files.
fn assert_serve_equals_fresh(
    root: &Path,
    watched: &mut aimsbook::pipeline::incremental::Watched,
    caches: &(aimsbook::pipeline::incremental::ParseCache, aimsbook::render::RenderCache),
    changed: Vec<PathBuf>,
    what: &str,
) -> BTreeMap<String, Vec<u8>> {
    assert!(watched.prepare_rebuild(&caches.0, &caches.1, changed), "{what}: a rebuild");
    let attempt = aimsbook::commands::serve::build_in_memory(root, today(), &caches.0, &caches.1);
    let errors: Vec<String> = attempt
        .diagnostics
        .items
        .iter()
        .filter(|d| d.severity == aimsbook::diagnostics::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    let got: BTreeMap<String, Vec<u8>> =
        attempt.pages.unwrap_or_else(|| panic!("{what}: serve builds: {errors:?}")).into_iter().map(|(k, v)| (k, v.to_vec())).collect();
    let want = fresh(root);
    let paths = |m: &BTreeMap<String, Vec<u8>>| {
        m.keys().filter(|k| k.starts_with("register") || k.starts_with("reviews")).cloned().collect::<Vec<_>>()
    };
    assert_eq!(paths(&got), paths(&want), "{what}: the register's and the reviews' files");
    let differing: Vec<&String> = want.iter().filter(|(k, v)| got.get(*k) != Some(*v)).map(|(k, _)| k).collect();
    assert!(differing.is_empty(), "{what}: served files that differ from a fresh build: {differing:?}");
    assert_eq!(got.len(), want.len(), "{what}: no file left over");
    got
}

/// `serve` follows the register across a page boundary and documents across review periods,
/// and what it serves is a fresh build's bytes.
#[test]
fn serve_adds_and_drops_register_pages_and_moves_documents_between_periods_as_a_fresh_build() {
    use aimsbook::pipeline::incremental::{ParseCache, Watched};
    // 1,001 documents: two full pages and one row on a third; "later" longer than a page.
    let docs: Vec<Doc> = documents().into_iter().take(2 * PAGE_ROWS + 1).collect();
    let (_dir, repo) = repository(&docs);
    let root = repo.canonicalize().unwrap();
    let caches = (ParseCache::default(), aimsbook::render::RenderCache::default());
    let mut watched = Watched::new(&root);
    let first = aimsbook::commands::serve::build_in_memory(&root, today(), &caches.0, &caches.1);
    let pages = first.pages.expect("the generated repository builds");
    assert!(pages.contains_key("register/3.html") && pages.contains_key("register/rows-3.js"), "three register pages");

    // Remove the last document by id: two pages, so page 3 and its data file go.
    let ids = ids_in_order(&docs);
    let last = docs.iter().find(|d| d.id == ids[ids.len() - 1]).unwrap().clone();
    let last_path = root.join("content").join(&last.rel);
    std::fs::remove_file(&last_path).unwrap();
    let served = assert_serve_equals_fresh(&root, &mut watched, &caches, vec![last_path.clone()], "a document deleted");
    assert!(!served.contains_key("register/3.html") && !served.contains_key("register/rows-3.js"));

    // Back again: page 3 returns.
    write(&last_path, document_text(&last));
    let served = assert_serve_equals_fresh(&root, &mut watched, &caches, vec![last_path.clone()], "the document restored");
    assert!(served.contains_key("register/3.html"));

    // A document due later becomes overdue: the counts, both periods' lists and its rows move.
    let moved = docs.iter().find(|d| (d.review_due - today()).get_days() > 200 && d.status == "approved").unwrap();
    let path = root.join("content").join(&moved.rel);
    common::edit(&path, &format!("review_due: {}", moved.review_due), "review_due: 2026-06-15");
    let served = assert_serve_equals_fresh(&root, &mut watched, &caches, vec![path], "a review date moved into the past");
    let overdue = String::from_utf8_lossy(&served["reviews/overdue.html"]).replace("&#x2f;", "/");
    assert!(overdue.contains(&format!("doc/{}.html", moved.id)), "{} is listed as overdue", moved.id);
}

/// Starts axe-core on the page; the result lands in `window.__axeResult`.
const AXE_RUN: &str = r#"
window.__axeResult = null;
setTimeout(function () { axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
  .then(function (r) { window.__axeResult = { passes: r.passes.length, violations: r.violations.map(function (v) {
    return v.id + ': ' + v.help + ' (' + v.nodes.map(function (n) { return n.target.join(' '); }).slice(0, 3).join(', ') + ')'; }) }; })
  .catch(function (e) { window.__axeResult = { error: String(e) }; }); }, 0);
return null;
"#;

#[test]
fn axe_finds_no_wcag_violation_on_a_register_page_a_filtered_register_and_a_period_list() {
    if !clients::browser() {
        return;
    }
    let Some(axe_path) = clients::npm_file("axe-core", "axe.min.js") else { return };
    let axe = std::fs::read_to_string(&axe_path).unwrap();
    let docs = documents();
    let (dir, repo) = repository(&docs);
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let site = site.canonicalize().unwrap();
    let d = webdriver::browser();
    d.set_viewport_width(1280, 900);
    let mut failures = Vec::new();
    for (path, filter) in
        [("register/3.html", None), ("register.html", Some(RARE_OWNER)), ("reviews.html", None), ("reviews/later-2.html", None)]
    {
        d.goto(&webdriver::file_url(&site.join(path)));
        if let Some(owner) = filter {
            set_filter(&d, "owner", owner);
            count_text(&d);
        }
        d.execute_patiently(&format!("{axe}\n;return null;"), json!([]), Duration::from_secs(120));
        d.execute_patiently(AXE_RUN, json!([]), Duration::from_secs(120));
        let r = d.poll_object("return window.__axeResult;", Duration::from_secs(300));
        assert!(r["error"].is_null(), "{path}: axe failed: {}", r["error"]);
        assert!(r["passes"].as_u64().unwrap_or(0) >= 10, "{path}: axe ran: {r}");
        failures.extend(webdriver::strings(&r["violations"]).into_iter().map(|v| format!("{path}: {v}")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
