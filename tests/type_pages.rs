//! Every document type has pages in two folders: its part of the manual (`manual/<name>.html`)
//! and its columns of the traceability matrix (`matrix/<name>.html`), each paginated with
//! `-2`, `-3`, …. Both are named by one scheme, so a type's pages have the same name in either
//! folder. Checked on type words a repository may well use and that are awkward as file names:
//! umlauts, Japanese, words that differ only in case, words that fold to one name, a word that
//! is the second page of another, a word without a letter, the name of the manual's appendix.

mod common;

use common::{build_ok, crate_root, empty_repo, read, write};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The type words, and how many documents each has. `plan` has more than a page holds (100).
const TYPES: &[(&str, usize)] = &[
    ("Prüfbericht", 2),
    ("PRÜFBERICHT", 1),
    ("prufbericht", 1),
    ("手順書", 2),
    ("記録", 1),
    ("Policy", 1),
    ("policy", 2),
    ("plan", 101),
    ("plan-2", 1),
    ("plan 2", 1),
    ("!!!", 1),
    ("changes", 1),
    ("Straße & Weg", 1),
];

fn repository() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, repo) = empty_repo();
    write(&repo.join("book.toml"), "[book]\ntitle = \"Typen\"\norganization = \"Typenhaus\"\nlanguage = \"de-DE\"\n");
    let mut schema: Value = serde_json::from_str(&read(&crate_root().join("schemas/document.schema.json"))).unwrap();
    schema["properties"]["type"]["enum"] = json!(TYPES.iter().map(|(t, _)| *t).collect::<Vec<_>>());
    write(&repo.join("schemas/document.schema.json"), serde_json::to_string_pretty(&schema).unwrap());
    for (t, (word, count)) in TYPES.iter().enumerate() {
        for n in 1..=*count {
            let id = format!("T{t:02}-{n:03}");
            let text = format!(
                "---\nid: {id}\ntitle: \"Dokument {id}\"\ntype: \"{word}\"\nowner: \"Qualität\"\napprover: \"Vorstand\"\n\
                 version: \"1.0\"\nstatus: approved\napproved: 2026-03-01\nreview_due: 2027-06-01\nclassification: internal\n\
                 clauses: [\"5.2\"]\n---\n\n# Dokument {id}\n\nInhalt.\n"
            );
            write(&repo.join("content").join(format!("t{t:02}/{id}.md")), text);
        }
    }
    (dir, repo)
}

/// The pages of a folder of the site (file name → HTML).
fn pages(site: &Path, folder: &str) -> BTreeMap<String, String> {
    std::fs::read_dir(site.join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect()
}

/// The ids of the documents after each occurrence of `before` up to `after` in `html`.
fn ids_between(html: &str, before: &str, after: char) -> BTreeSet<String> {
    html.split(before).skip(1).filter_map(|rest| rest.find(after).map(|end| rest[..end].to_string())).collect()
}

/// For every document: the file name of the page in `folder` that shows it. Panics when a
/// document is on two pages of the folder.
fn page_of_each_document(pages: &BTreeMap<String, String>, before: &str, after: char) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, html) in pages {
        for id in ids_between(html, before, after) {
            if let Some(other) = out.insert(id.clone(), name.clone()) {
                panic!("{id} is on {other} and on {name}");
            }
        }
    }
    out
}

#[test]
fn a_type_has_the_same_page_names_in_the_manual_and_the_matrix_and_no_two_types_share_one() {
    let (_dir, repo) = repository();
    let (_out, site) = build_ok(&repo, &[]);
    let manual = pages(&site, "manual");
    let matrix = pages(&site, "matrix");
    // Part pages print each document as `<article class="manual-doc" id="doc-ID" …>`; group
    // pages have a column per document, headed by a link to its page.
    let in_manual = page_of_each_document(&manual, "<article class=\"manual-doc\" id=\"doc-", '"');
    let in_matrix = page_of_each_document(&matrix, "href=\"../doc/", '.');
    let total: usize = TYPES.iter().map(|(_, n)| n).sum();
    assert_eq!(in_manual.len(), total, "documents in the manual: {in_manual:?}");
    assert_eq!(in_manual, in_matrix, "a document's type has other page names in manual/ and matrix/");

    // Each type's documents fill its own pages: no page holds two types, and the pages of a
    // type are its name, then `-2`, … in id order.
    let mut names_of_type: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (id, name) in &in_manual {
        let t: usize = id[1..3].parse().unwrap();
        let names = names_of_type.entry(t).or_default();
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    let mut seen = BTreeSet::new();
    for (t, names) in &names_of_type {
        let (word, count) = TYPES[*t];
        assert_eq!(names.len(), count.div_ceil(100), "{word}: {names:?}");
        let stem = names[0].trim_end_matches(".html");
        for (k, name) in names.iter().enumerate().skip(1) {
            assert_eq!(name, &format!("{stem}-{}.html", k + 1), "{word}");
        }
        for name in names {
            assert!(seen.insert(name.clone()), "{word} shares the page {name} with another type");
            assert!(name.is_ascii() && !name.contains(['/', '\\', ' ']), "{word}: {name}");
        }
    }
    // The manual's appendix name is left to the appendix; a type called "changes" gets another.
    assert!(!in_manual.values().any(|n| n == "changes.html"), "{in_manual:?}");
    // A word that is its own file name keeps it; the ones folding onto it get a number.
    assert_eq!(in_manual["T06-001"], "policy.html");
    assert_eq!(in_manual["T05-001"], "policy_2.html");
    assert_eq!(in_manual["T07-101"], "plan-2.html", "the second page of plan");
    assert_ne!(in_manual["T08-001"], "plan-2.html");
    assert_eq!(in_manual["T00-001"].trim_end_matches(".html").trim_end_matches(char::is_numeric).trim_end_matches('_'), "prufbericht");

    // The overview links each type to the first page of its group, the contents to the first
    // of its part: the same name.
    let overview = common::page(&site, "matrix.html");
    let contents = common::page(&site, "manual.html");
    for names in names_of_type.values() {
        let first = &names[0];
        for (what, html) in [("matrix.html", &overview), ("manual.html", &contents)] {
            let folder = if what == "matrix.html" { "matrix" } else { "manual" };
            let href = format!("href=\"{folder}/{first}\"");
            assert!(html.contains(&href), "{what} does not link {href}");
        }
    }
}
