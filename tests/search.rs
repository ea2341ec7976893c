//! Sharded search at scale, in headless Chromium from file://.
//!
//! The fixture is generated in a temporary repository: 60 small documents and one register of
//! 20,000 rows (each row is a search entry), so the index has the shard counts of a
//! 20,000-document site (2,500+ document buckets, dozens of term shards) while a debug build
//! stays fast: rendering 20,000 full documents in a debug build takes minutes.

mod common;

use common::webdriver::strings;
use common::*;
use serde_json::json;
use std::path::Path;
use std::time::Duration;

const ROWS: usize = 20_000;
const DOCS: usize = 60;

fn doc(i: usize, body: &str) -> String {
    format!(
        "---\nid: LDG-{i:03}\ntitle: Ledger procedure {i}\ntype: procedure\nowner: \"Ops Team\"\napprover: \"Board\"\nversion: \"1.0\"\n\
         status: approved\napproved: 2026-03-01\nreview_due: 2027-03-01\nclassification: internal\nclauses: [\"5.2\"]\n{data}---\n\n\
         # Ledger procedure {i}\n\n{body}\n",
        data = if i == 0 { "data: \"data/lines.yaml\"\n" } else { "" }
    )
}

fn write_corpus(root: &Path) {
    std::fs::create_dir_all(root.join("content/data")).unwrap();
    std::fs::create_dir_all(root.join("schemas/registers")).unwrap();
    std::fs::write(
        root.join("schemas/registers/lines.schema.json"),
        r#"{"type":"object","required":["id","title"],"properties":{"id":{"type":"string"},"title":{"type":"string"},"note":{"type":"string"}}}"#,
    )
    .unwrap();
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"Ledger AIMS\"\norganization = \"Ledger Co\"\n").unwrap();
    for i in 0..DOCS {
        let body = if i == 41 {
            "Quarterly checks include the anemometer calibration of every site.".to_string()
        } else {
            format!("Routine ledger handling for desk {i}, reviewed each quarter.")
        };
        std::fs::write(root.join(format!("content/ldg-{i:03}.md")), doc(i, &body)).unwrap();
    }
    let mut yaml = String::from("meta:\n  document: LDG-000\n  title: Ledger lines\nlines:\n");
    for r in 0..ROWS {
        // A distinct word per row, so the vocabulary (and the term shards) grow with the rows.
        yaml.push_str(&format!("  - id: LN-{r:05}\n    title: \"Line {r}\"\n    note: \"Posted as batch kq{r}x by the desk\"\n"));
    }
    std::fs::write(root.join("content/data/lines.yaml"), yaml).unwrap();
}

/// The shard scripts the page added, in load order.
const SHARDS: &str =
    "return Array.from(document.querySelectorAll('script[data-search-shard]')).map(function (e) { return e.getAttribute('src'); });";

#[test]
fn sharded_search_finds_by_id_and_body_word_loading_few_shards_from_file_urls() {
    if !common::clients::browser() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write_corpus(&root);
    let site = dir.path().join("site");
    let out = build(&root, &site, &[]);
    assert_eq!(code(&out), 0, "build failed:\n{}\n{}", stdout(&out), stderr(&out));

    let shard_files: Vec<String> =
        std::fs::read_dir(site.join("static/search")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    let buckets = shard_files.iter().filter(|f| f.starts_with('d')).count();
    let terms = shard_files.iter().filter(|f| f.starts_with('t')).count();
    assert!(buckets >= 2_500, "20,000-scale document buckets expected, got {buckets}");
    assert!(terms >= 50, "many term shards expected, got {terms}");
    let entry = std::fs::metadata(site.join("static/search-index.js")).unwrap().len();
    assert!(entry < 20_000, "the fixed entry file stays small: {entry} bytes");

    let driver = webdriver::browser();
    let site = site.canonicalize().unwrap();
    let url = |rel: &str| format!("file://{}/{rel}", site.display());
    let wait = Duration::from_secs(10);

    // By id: a register row among 20,000, ranked first, linking to its row.
    driver.goto(&url("search.html?q=LN-13579"));
    let ids = strings(&driver.wait_for(webdriver::SEARCH_RESULT_IDS, wait));
    assert_eq!(ids.first().map(String::as_str), Some("LN-13579"), "the exact id ranks first; got {ids:?}");
    let href = driver.execute("return document.querySelector('#search-results a').getAttribute('href');", json!([]));
    assert_eq!(href, "doc/LDG-000.html#row-ln-13579");
    let loaded = strings(&driver.execute(SHARDS, json!([])));
    assert!(!loaded.is_empty() && loaded.len() <= 14, "a query loads a few shards, not the index: {loaded:?}");
    assert!(loaded.iter().all(|s| s.starts_with("static/search/")), "shards load relative to the page: {loaded:?}");

    // By a body word of one document: found, with an excerpt marking the word.
    driver.goto(&url("search.html?q=anemometer"));
    let ids = strings(&driver.wait_for(webdriver::SEARCH_RESULT_IDS, wait));
    assert_eq!(ids, ["LDG-041"], "only LDG-041 uses the word");
    let mark = driver.execute("return document.querySelector('#search-results .result-snippet mark').textContent;", json!([]));
    assert_eq!(mark, "anemometer");
    let loaded = strings(&driver.execute(SHARDS, json!([])));
    let term_shards = loaded.iter().filter(|s| s.contains("/t")).count();
    let doc_buckets = loaded.iter().filter(|s| s.contains("/d")).count();
    assert!(term_shards <= 2 && doc_buckets == 1, "one word, one result: {loaded:?}");

    // Typing: each keystroke loads at most the shards of the word so far; a row's own word,
    // typed as a prefix, already finds it.
    driver.goto(&url("search.html"));
    driver.execute(
        "var i = document.getElementById('search-input'); i.value = 'kq1234'; i.dispatchEvent(new Event('input')); return null;",
        json!([]),
    );
    let ids = strings(&driver.wait_for(webdriver::SEARCH_RESULT_IDS, wait));
    assert!(ids.contains(&"LN-01234".to_string()), "prefix kq1234 finds LN-01234 (word kq1234x); got {ids:?}");
    let loaded = strings(&driver.execute(SHARDS, json!([])));
    assert!(loaded.len() <= 14, "typing loads few shards: {loaded:?}");
    let status = driver.execute("return document.getElementById('search-status').textContent;", json!([]));
    assert!(status.as_str().unwrap_or("").contains("kq1234"), "{status}");
    println!("{buckets} document buckets, {terms} term shards, entry {entry} bytes");
}
