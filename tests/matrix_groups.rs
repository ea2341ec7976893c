//! The traceability matrix at any size (issue #16): `matrix.html` counts, per requirement, the
//! documents of each type that address it, and every type has its own pages
//! (`matrix/<type>.html`, `-2.html`, …, at most 100 documents each) with one column per document.
//! Checked on a generated repository unlike the bundled example: German type words (two that
//! differ only in case, one with a space), another id scheme, another folder layout, and one
//! type with more documents than a page holds.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Documents per page of a type (`PAGE_COLUMNS` in src/render/matrix.rs).
const PAGE_COLUMNS: usize = 100;

/// How many documents of the large type: more than two pages.
const WORK_INSTRUCTIONS: usize = 230;

/// The requirements the assertions look at (all assessable ISO/IEC 42001 items).
const REQUIREMENTS: &[&str] = &["4.1", "5.2", "6.1.2", "7.5.3", "8.2", "A.2.2", "A.6.2.4"];

struct Doc {
    id: String,
    rel: String,
    doc_type: &'static str,
    status: &'static str,
    clauses: Vec<&'static str>,
}

impl Doc {
    fn new(id: String, rel: String, doc_type: &'static str, status: &'static str, clauses: Vec<&'static str>) -> Doc {
        Doc { id, rel, doc_type, status, clauses }
    }

    /// Whether it is a column of the matrix: in force, not a record.
    fn in_matrix(&self) -> bool {
        !["retired", "superseded"].contains(&self.status) && self.doc_type != "record"
    }
}

fn corpus() -> Vec<Doc> {
    let mut docs = vec![
        Doc::new("RL_1".into(), "handbuch/richtlinien/rl1.md".into(), "Richtlinie", "approved", vec!["5.2", "A.2.2"]),
        Doc::new("RL_2".into(), "handbuch/richtlinien/rl2.md".into(), "Richtlinie", "approved", vec!["A.2.2"]),
        Doc::new("RL_3".into(), "handbuch/richtlinien/rl3.md".into(), "Richtlinie", "approved", vec!["4.1"]),
        // Retired: addresses A.2.2 but is no column.
        Doc::new("RL_9".into(), "archiv/rl9.md".into(), "Richtlinie", "retired", vec!["A.2.2"]),
        // The same word in lower case: another type, whose pages must not overwrite the first's.
        Doc::new("rl_4".into(), "handbuch/alt/rl4.md".into(), "richtlinie", "approved", vec!["A.2.2"]),
        Doc::new("rl_5".into(), "handbuch/alt/rl5.md".into(), "richtlinie", "approved", vec!["8.2"]),
        // A record evidences; it is no column either.
        Doc::new("NW-1".into(), "nachweise/nw1.md".into(), "record", "approved", vec!["A.2.2"]),
    ];
    for i in 1..=5 {
        let mut clauses = vec!["6.1.2"];
        if i % 2 == 1 {
            clauses.push("A.2.2");
        }
        // A draft addresses too (the matrix shows what is in force or on its way).
        let status = if i == 5 { "draft" } else { "approved" };
        docs.push(Doc::new(format!("VA.{i:02}"), format!("prozesse/va-{i}.md"), "Verfahrensanweisung", status, clauses));
    }
    for i in 1..=WORK_INSTRUCTIONS {
        let mut clauses = vec!["7.5.3"];
        if i % 3 == 0 {
            clauses.push("A.6.2.4");
        }
        if i % 2 == 0 {
            clauses.push("8.2");
        }
        if i % 50 == 7 {
            clauses.push("A.2.2");
        }
        let area = ["lager", "versand", "einkauf", "it"][i % 4];
        docs.push(Doc::new(format!("AA-{i:04}"), format!("anweisungen/{area}/aa{i}.md"), "Arbeits Anweisung", "approved", clauses));
    }
    docs
}

fn document_text(d: &Doc) -> String {
    let clauses = d.clauses.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    let approved = if d.status == "draft" { String::new() } else { "approved: 2026-02-01\n".to_string() };
    format!(
        "---\nid: {id}\ntitle: Dokument {id}\ntype: {t}\nowner: \"Lena Lager\"\napprover: \"Vorstand\"\nversion: \"1.0\"\nstatus: {s}\n{approved}review_due: 2027-06-01\nclauses: [{clauses}]\nhistory:\n  - version: \"1.0\"\n    date: 2026-02-01\n    author: \"Lena Lager\"\n    summary: \"Erstausgabe.\"\n---\n\n# Dokument {id}\n\nInhalt.\n",
        id = d.id,
        t = d.doc_type,
        s = d.status,
    )
}

/// The repository: its own document schema (its type words, no classification), the corpus.
fn repository(docs: &[Doc]) -> (tempfile::TempDir, PathBuf) {
    let (dir, repo) = empty_repo();
    write(&repo.join("book.toml"), "[book]\ntitle = \"Lager AIMS\"\norganization = \"Lagerhaus Süd\"\nlanguage = \"de-DE\"\n");
    let schema = read(&crate_root().join("schemas/document.schema.json"));
    let mut schema: Value = serde_json::from_str(&schema).unwrap();
    schema["properties"]["type"]["enum"] = json!(["Richtlinie", "richtlinie", "Verfahrensanweisung", "Arbeits Anweisung", "record"]);
    schema["required"].as_array_mut().unwrap().retain(|r| r != "classification");
    write(&repo.join("schemas/document.schema.json"), serde_json::to_string_pretty(&schema).unwrap());
    for d in docs {
        write(&repo.join("content").join(&d.rel), document_text(d));
    }
    (dir, repo)
}

/// A table of a page: the header cells and, per row, its cells (raw HTML of each).
struct Table {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn cells(row: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = row;
    while let Some(start) = [rest.find("<th"), rest.find("<td")].into_iter().flatten().min() {
        rest = &rest[start..];
        let close = if rest.starts_with("<th") { "</th>" } else { "</td>" };
        let end = rest.find(close).expect("a closed cell") + close.len();
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

fn table(html: &str) -> Table {
    let head = html.split("<thead>").nth(1).and_then(|h| h.split("</thead>").next()).expect("a table head");
    let body = html.split("<tbody>").nth(1).and_then(|b| b.split("</tbody>").next()).expect("a table body");
    let rows = body.split("</tr>").filter(|r| r.contains("<tr")).map(cells).collect();
    Table { head: cells(head), rows }
}

/// The value of the first `attr="…"` in `html`.
fn attr<'a>(html: &'a str, attr: &str) -> Option<&'a str> {
    let start = html.find(&format!("{attr}=\""))? + attr.len() + 2;
    Some(&html[start..start + html[start..].find('"')?])
}

impl Table {
    /// The row whose heading links to the requirement's page.
    fn row(&self, requirement: &str) -> &[String] {
        let href = format!("clauses/{requirement}.html\"");
        self.rows.iter().find(|r| r[0].contains(&href)).unwrap_or_else(|| panic!("no row for {requirement}"))
    }
}

/// The documents (of `docs`) in the matrix, by type.
fn by_type(docs: &[Doc]) -> BTreeMap<&'static str, Vec<&Doc>> {
    let mut out: BTreeMap<&'static str, Vec<&Doc>> = BTreeMap::new();
    for d in docs.iter().filter(|d| d.in_matrix()) {
        out.entry(d.doc_type).or_default().push(d);
    }
    out
}

/// The overview's columns: (link target, heading text) after the requirement column, before
/// the records column.
fn overview_groups(overview: &Table) -> Vec<(String, String)> {
    overview.head[1..overview.head.len() - 1]
        .iter()
        .map(|h| (attr(h, "href").expect("a group heading links").to_string(), html_text(h)))
        .collect()
}

/// A group page's document columns: the ids of the documents.
fn page_columns(t: &Table) -> Vec<String> {
    t.head[1..].iter().map(|h| html_text(h)).collect()
}

#[test]
fn overview_counts_and_group_pages_mark_exactly_the_addressing_documents() {
    let docs = corpus();
    let (_dir, repo) = repository(&docs);
    let (_out, site) = build_ok(&repo, &[]);
    let types = by_type(&docs);
    let overview_html = page(&site, "matrix.html");
    let overview = table(&overview_html);

    // One column per type, in the byte order of the type words (upper case first), each
    // heading the type word and its number of documents, linking to a page that exists.
    let groups = overview_groups(&overview);
    let words: Vec<&str> = types.keys().copied().collect();
    assert_eq!(words, ["Arbeits Anweisung", "Richtlinie", "Verfahrensanweisung", "richtlinie"]);
    assert_eq!(groups.len(), words.len(), "{groups:?}");
    for ((href, heading), word) in groups.iter().zip(&words) {
        assert_eq!(heading, &format!("{word} ({})", types[word].len()));
        assert!(href.starts_with("matrix/") && site.join(href).is_file(), "{word}: the heading links to {href}, which is not a page");
    }
    // "Richtlinie" and "richtlinie" make the same slug: both keep their own pages.
    let links: BTreeSet<&String> = groups.iter().map(|(h, _)| h).collect();
    assert_eq!(links.len(), groups.len(), "two types share a page: {groups:?}");
    assert_eq!(groups[0].0, "matrix/arbeits-anweisung.html");

    // Every page of every group, read once: path → table.
    let mut pages: BTreeMap<&str, Vec<(String, Table)>> = BTreeMap::new();
    for ((href, _), word) in groups.iter().zip(&words) {
        let first = page(&site, href);
        assert!(first.contains("href=\"../matrix.html\""), "{href} does not link back to the overview");
        let stem = href.trim_end_matches(".html");
        let count = types[word].len().div_ceil(PAGE_COLUMNS);
        let mut list = vec![(href.clone(), table(&first))];
        for n in 2..=count {
            let path = format!("{stem}-{n}.html");
            assert!(first.contains(&format!("href=\"../{path}\"")), "{href} does not link to its page {path}");
            list.push((path.clone(), table(&page(&site, &path))));
        }
        assert!(!site.join(format!("{stem}-{}.html", count + 1)).exists(), "{word} has a page more than its documents need");
        pages.insert(word, list);
    }
    assert_eq!(pages["Arbeits Anweisung"].len(), 3);

    // Pagination: at most PAGE_COLUMNS columns a page, consecutive runs of the documents in
    // id order, every document of the type exactly once.
    for (word, list) in &pages {
        let mut ids: Vec<&str> = types[word].iter().map(|d| d.id.as_str()).collect();
        ids.sort();
        let chunks: Vec<Vec<&str>> = ids.chunks(PAGE_COLUMNS).map(<[&str]>::to_vec).collect();
        let got: Vec<Vec<String>> = list.iter().map(|(_, t)| page_columns(t)).collect();
        assert_eq!(got, chunks, "the pages of {word} split its documents differently");
    }
    // Every addressing document is a column of exactly one group page; records and retired
    // documents of none.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for list in pages.values() {
        for (_, t) in list {
            for id in page_columns(t) {
                *seen.entry(id).or_default() += 1;
            }
        }
    }
    for d in &docs {
        let want = usize::from(d.in_matrix());
        assert_eq!(seen.get(&d.id).copied().unwrap_or(0), want, "{} ({}, {}) is a column {} times", d.id, d.doc_type, d.status, want);
    }

    for requirement in REQUIREMENTS {
        let row = overview.row(requirement);
        for (g, word) in words.iter().enumerate() {
            let addressing: BTreeSet<&str> =
                types[word].iter().filter(|d| d.clauses.contains(requirement)).map(|d| d.id.as_str()).collect();
            // The overview's cell: the count, with text saying what it counts.
            let cell = &row[g + 1];
            let shown = attr(cell, "aria-hidden").map(|_| html_text(cell.split("<span class=\"visually-hidden\">").next().unwrap()));
            if addressing.is_empty() {
                assert_eq!(html_text(cell), "", "{requirement} × {word}: {cell}");
            } else {
                assert_eq!(shown.as_deref(), Some(addressing.len().to_string().as_str()), "{requirement} × {word}: {cell}");
                let hidden = html_text(cell.split("visually-hidden\">").nth(1).expect("an accessible text"));
                assert!(hidden.contains(word) && hidden.contains(requirement), "{requirement} × {word}: the accessible text is {hidden:?}");
            }
            // The group's pages mark exactly those documents in that row.
            let mut marked = BTreeSet::new();
            for (path, t) in &pages[word] {
                let ids = page_columns(t);
                let cells = &t.row(requirement)[1..];
                assert_eq!(cells.len(), ids.len(), "{path}: row {requirement}");
                for (id, cell) in ids.iter().zip(cells) {
                    if cell.contains("role=\"img\"") {
                        marked.insert(id.clone());
                    }
                }
            }
            let marked: BTreeSet<&str> = marked.iter().map(String::as_str).collect();
            assert_eq!(marked, addressing, "{requirement} × {word}: the group pages mark other documents");
        }
    }
    // A spot check by hand, independent of the helper above: A.2.2 has RL_1 and RL_2 of
    // "Richtlinie" (not the retired RL_9), rl_4 of "richtlinie", VA.01/03/05 and the five
    // work instructions 7, 57, 107, 157, 207 (the last two on pages 2 and 3).
    let row = overview.row("A.2.2");
    let counts: Vec<String> = row[1..=4].iter().map(|c| html_text(c.split("<span class=\"visually-hidden\">").next().unwrap())).collect();
    assert_eq!(counts, ["5", "2", "3", "1"]);
}

#[test]
fn the_split_is_the_same_on_every_build_and_every_page_stays_small() {
    let docs = corpus();
    let (_dir, repo) = repository(&docs);
    let (_a, first) = build_ok(&repo, &[]);
    // The same repository written in another order builds the same matrix pages.
    let mut reversed = corpus();
    reversed.reverse();
    let (_dir2, repo2) = repository(&reversed);
    let (_b, second) = build_ok(&repo2, &[]);
    let files = |site: &Path| -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        out.insert("matrix.html".to_string(), std::fs::read(site.join("matrix.html")).unwrap());
        for e in std::fs::read_dir(site.join("matrix")).unwrap() {
            let p = e.unwrap().path();
            out.insert(p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap());
        }
        out
    };
    let (a, b) = (files(&first), files(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "matrix page {name} differs between two builds of the same documents");
        let columns = table(&text_of(bytes)).head.len();
        assert!(columns <= PAGE_COLUMNS + 2, "{name} has {columns} columns");
    }
    assert_eq!(
        a.keys().filter(|n| n.starts_with("arbeits-anweisung")).collect::<Vec<_>>(),
        ["arbeits-anweisung-2.html", "arbeits-anweisung-3.html", "arbeits-anweisung.html"]
    );
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `serve` reuses the matrix pages by the overview key like the other site-wide pages: after a
/// document moves to another type (the pages of two types change, the split of the large one
/// shifts) and a whole type disappears (its page must go), every served file equals a fresh
/// build and the vanished page is gone.
#[test]
fn serve_keeps_the_matrix_pages_equal_to_a_fresh_build_when_documents_change_type() {
    const WAIT: std::time::Duration = std::time::Duration::from_secs(60);
    const LIVE_TAG: &str = "<script src=\"/__aimsbook/live.js\"></script>";
    let docs = corpus();
    let (_dir, repo) = repository(&docs);
    let server = common::serve::start(&repo, &[], WAIT);
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).timeout_global(Some(WAIT)).build(),
    );
    let get = |path: &str| -> (u16, Vec<u8>) {
        let mut r = agent.get(format!("http://127.0.0.1:{}/{path}", server.port)).call().unwrap_or_else(|e| panic!("GET /{path}: {e}"));
        (r.status().as_u16(), r.body_mut().with_config().limit(64 << 20).read_to_vec().unwrap())
    };
    let build_number = || -> u64 {
        let (_, body) = get("__aimsbook/status");
        serde_json::from_slice::<Value>(&body).unwrap()["build"].as_u64().unwrap()
    };
    let edit_and_wait = |changes: &[(&str, &str, &str)]| {
        let before = build_number();
        for (rel, from, to) in changes {
            // Written aside and renamed into place, as editors save (`.aimsbook*` is not watched).
            let path = repo.join("content").join(rel);
            let tmp = repo.join(".aimsbook-test-edit");
            write(&tmp, read(&path).replacen(from, to, 1));
            std::fs::rename(&tmp, &path).unwrap();
        }
        let deadline = std::time::Instant::now() + WAIT;
        while build_number() <= before {
            assert!(std::time::Instant::now() < deadline, "no rebuild after {changes:?}:\n{}", server.log.lock().unwrap());
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        // The watcher may batch the edits into more than one rebuild: wait until it is quiet.
        let mut last = build_number();
        loop {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            let now = build_number();
            if now == last {
                break;
            }
            last = now;
        }
    };
    // "richtlinie" is its own file name; "Richtlinie", folding onto it, gets a number.
    assert_eq!(get("matrix/richtlinie_2.html").0, 200, "the upper-case type has its own page");
    assert!(String::from_utf8(get("matrix/richtlinie.html").1).unwrap().contains(">rl_4<"), "the lower-case type keeps its name");

    let moved = &docs.iter().find(|d| d.id == "AA-0150").unwrap().rel;
    edit_and_wait(&[(moved, "type: Arbeits Anweisung", "type: Verfahrensanweisung")]);
    edit_and_wait(&[
        ("handbuch/alt/rl4.md", "type: richtlinie", "type: Richtlinie"),
        ("handbuch/alt/rl5.md", "type: richtlinie", "type: Richtlinie"),
    ]);

    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert_ok(&build(&repo, &site, &[]), "fresh build after the edits");
    let fresh = snapshot(&site);
    // With the lower-case type gone, "Richtlinie" takes the name it folds to.
    assert!(!fresh.contains_key("matrix/richtlinie_2.html") && fresh.contains_key("matrix/arbeits-anweisung-3.html"));
    assert!(page(&site, "matrix/richtlinie.html").contains(">RL_1<") && page(&site, "matrix/richtlinie.html").contains(">rl_4<"));
    assert!(page(&site, "matrix/verfahrensanweisung.html").contains(">AA-0150<"), "AA-0150 is a column of its new type");
    let mut compared = 0;
    for (rel, expected) in &fresh {
        if rel == ".aimsbook-site" {
            continue;
        }
        let (status, mut got) = get(rel);
        assert_eq!(status, 200, "/{rel}");
        if rel.ends_with(".html") {
            got = String::from_utf8(got).unwrap().replacen(&format!("{LIVE_TAG}\n</body>"), "</body>", 1).into_bytes();
        }
        assert!(&got == expected, "/{rel} served after the edits differs from a fresh build");
        compared += 1;
    }
    assert!(compared > 300, "compared {compared} files");
    assert_eq!(get("matrix/richtlinie_2.html").0, 404, "the page of a type without documents is still served");
}

/// The clause index and the gap report list at most a dozen documents a requirement and link
/// the rest to the requirement's own page, which lists them all: at 20,000 documents the index
/// listed every one (9.7 MB).
#[test]
fn the_clause_index_lists_a_dozen_documents_a_requirement_and_links_the_rest() {
    let docs = corpus();
    let (_dir, repo) = repository(&docs);
    let (_out, site) = build_ok(&repo, &[]);
    // 7.5.3 is addressed by every work instruction, in force, not a record.
    let addressing: BTreeSet<&str> = docs.iter().filter(|d| d.in_matrix() && d.clauses.contains(&"7.5.3")).map(|d| d.id.as_str()).collect();
    assert!(addressing.len() > 12 + 100, "the corpus addresses 7.5.3 with many documents");
    let index = page(&site, "clauses/index.html");
    let row = table(&index).row("7.5.3").to_vec();
    let documents = &row[3];
    let listed: Vec<&str> = documents.split("href=\"../doc/").skip(1).filter_map(|l| l.split(".html").next()).collect();
    assert_eq!(listed.len(), 12, "the index row lists a dozen documents: {documents}");
    assert!(listed.iter().all(|id| addressing.contains(id)), "{listed:?}");
    let more = documents.split("class=\"refs-more\"").nth(1).expect("a link to the rest");
    assert_eq!(attr(more, "href"), Some("../clauses/7.5.3.html"));
    assert_eq!(html_text(&format!("<a {more}")).trim(), format!("und {} weitere (7.5.3)", addressing.len() - 12));
    // The requirement's page shows the first 100 of them and links its own list, whose pages
    // (`clauses/7.5.3/documents.html`, `-2.html`, …) hold every one.
    let own = page(&site, "clauses/7.5.3.html");
    let on_own: BTreeSet<&str> = own.split("href=\"../doc/").skip(1).filter_map(|l| l.split(".html").next()).collect();
    assert_eq!(on_own.len(), 100, "the requirement's page shows 100");
    assert!(own.contains("href=\"../clauses/7.5.3/documents.html\""), "and links its own list");
    let mut listed_whole: BTreeSet<String> = BTreeSet::new();
    for n in 1.. {
        let path = if n == 1 { "clauses/7.5.3/documents.html".to_string() } else { format!("clauses/7.5.3/documents-{n}.html") };
        if !site.join(&path).exists() {
            break;
        }
        let list = page(&site, &path);
        listed_whole.extend(list.split("href=\"../../doc/").skip(1).filter_map(|l| l.split(".html").next()).map(str::to_string));
    }
    assert_eq!(listed_whole.iter().map(String::as_str).collect::<BTreeSet<_>>(), addressing, "its list holds every one of them");
    // A requirement with few documents lists them all, with no link to more.
    let few = table(&index).row("4.1").to_vec();
    assert!(!few[3].contains("refs-more") && few[3].contains("RL_3"), "{}", few[3]);
}
