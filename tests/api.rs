//! The machine-readable site: `api/documents.json`, `api/clauses.json` and `llms.txt` are
//! published with every build and every snapshot, deterministic, and say what the HTML pages say.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn json(site: &Path, rel: &str) -> Value {
    read_json(&site.join(rel))
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

/// Every document of documents.json says on its own page what the JSON says, and the JSON
/// lists exactly the documents of the register download.
fn assert_documents_match_pages(site: &Path) -> Value {
    let docs = json(site, "api/documents.json");
    let list = docs["documents"].as_array().unwrap();
    let register = json(site, "downloads/documents.json");
    let register_ids: Vec<&str> = register.as_array().unwrap().iter().map(|r| s(r, "ID")).collect();
    let api_ids: Vec<&str> = list.iter().map(|d| s(d, "id")).collect();
    assert_eq!(api_ids, register_ids, "documents.json lists the register's documents in its order");
    for d in list {
        let id = s(d, "id");
        assert_eq!(s(d, "url"), format!("doc/{id}.html"));
        let html = page(site, s(d, "url"));
        assert!(html.contains(&format!("<dt>Version</dt><dd>{}</dd>", s(d, "version"))), "{id}: version {}", s(d, "version"));
        assert!(html.contains(&format!("badge status-{0}\">{0}</span>", s(d, "status"))), "{id}: status {}", s(d, "status"));
        assert!(html.contains(&html_escape(s(d, "owner"))), "{id}: owner {}", s(d, "owner"));
        if let Some(due) = d["review_due"].as_str() {
            assert!(html.contains(due), "{id}: review due {due}");
        }
        let row = register.as_array().unwrap().iter().find(|r| s(r, "ID") == id).unwrap();
        assert_eq!(s(row, "Version"), s(d, "version"));
        assert_eq!(s(row, "Status"), s(d, "status"));
        assert_eq!(s(row, "Owner"), s(d, "owner"));
        assert_eq!(s(row, "Review due"), d["review_due"].as_str().unwrap_or(""));
        assert_eq!(s(row, "Path"), s(d, "path"));
    }
    let total: u64 = docs["counts"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(total as usize, list.len());
    docs
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#x27;")
}

/// Every assessable item of clauses.json has the same status on its page (the first coverage
/// badge of a clause page is the item's own) and in the matrix download.
fn assert_clauses_match_pages(site: &Path) -> Value {
    let clauses = json(site, "api/clauses.json");
    let items = clauses["items"].as_array().unwrap();
    let matrix = json(site, "downloads/matrix.json");
    let assessable: Vec<&Value> = items.iter().filter(|i| i["assessable"] == true).collect();
    assert_eq!(assessable.len(), matrix.as_array().unwrap().len());
    for (item, row) in assessable.iter().zip(matrix.as_array().unwrap()) {
        let id = s(item, "id");
        assert_eq!(s(row, "ID"), id);
        let status = s(item, "status");
        assert_eq!(s(row, "Status"), status, "{id}");
        let html = page(site, s(item, "url"));
        let first = html.find("badge cov-").map(|i| &html[i + 10..]).unwrap_or("");
        assert!(first.starts_with(status), "{id}: page's first status badge is not {status}");
        let docs: Vec<&str> = item["documents"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(s(row, "Documents"), docs.join(", "), "{id}");
    }
    for item in items.iter().filter(|i| i["assessable"] == false) {
        assert!(item["status"].is_null(), "a heading has no status: {item}");
    }
    let total: u64 = clauses["counts"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(total as usize, assessable.len());
    clauses
}

/// Every link of llms.txt goes to a published file.
fn assert_llms_links_resolve(site: &Path) -> String {
    let text = std::fs::read_to_string(site.join("llms.txt")).unwrap();
    let mut n = 0;
    for part in text.split("](").skip(1) {
        let target = &part[..part.find(')').unwrap()];
        assert!(site.join(target).is_file(), "llms.txt links to {target}, which is not in the site");
        n += 1;
    }
    assert!(n > 5, "llms.txt has links");
    text
}

#[test]
fn the_example_publishes_json_indexes_that_match_its_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let out = build(common::crate_root(), &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let docs = assert_documents_match_pages(&site);
    assert_eq!(s(&docs, "organization"), "Corvid Mutual Insurance Ltd");
    assert_eq!(s(&docs, "date"), TODAY);
    assert_eq!(docs["api_version"], 1);
    let pol = docs["documents"].as_array().unwrap().iter().find(|d| d["id"] == "POL-001").unwrap();
    assert_eq!(s(pol, "version"), "2.0");
    assert_eq!(s(pol, "owner"), "Helen Marsh (Chief Executive Officer)");
    assert_eq!(s(pol, "review_due"), "2027-02-24");
    assert_eq!(s(pol, "review_state"), "ok");
    assert_eq!(s(pol, "type"), "policy");
    let superseded = docs["documents"].as_array().unwrap().iter().find(|d| d["id"] == "POL-000").unwrap();
    assert_eq!(s(superseded, "status"), "superseded");
    assert_eq!(s(superseded, "review_state"), "exempt");
    assert_eq!(s(superseded, "superseded_by"), "POL-001");

    let clauses = assert_clauses_match_pages(&site);
    let items = clauses["items"].as_array().unwrap();
    assert_eq!(items.iter().filter(|i| i["kind"] == "control").count(), 38);
    assert_eq!(items.iter().filter(|i| i["kind"] == "requirement").count(), 32);
    let a52 = items.iter().find(|i| i["id"] == "A.5.2").unwrap();
    assert_eq!(s(a52, "parent"), "A.5");
    assert_eq!(a52["soa"]["applicable"], true);
    let soa = json(&site, "downloads/soa.json");
    let row = soa.as_array().unwrap().iter().find(|r| r["Control"] == "A.5.2").unwrap();
    assert_eq!(s(&a52["soa"], "implementation"), s(row, "Implementation"));
    assert_eq!(s(&a52["soa"], "justification"), s(row, "Justification"));

    let llms = assert_llms_links_resolve(&site);
    assert!(llms.starts_with("# AI Management System\n\n> The ISO/IEC 42001 AI management system of Corvid Mutual Insurance Ltd"));
    assert!(llms.contains(
        "\n- [POL-001 AI Policy](doc/POL-001.html): policy, version 2.0, approved, owner Helen Marsh (Chief Executive Officer), review due 2027-02-24\n"
    ));
    assert!(llms.contains(&format!(
        "\n- [6.1.4 {}](clauses/6.1.4.html): evidenced\n",
        s(items.iter().find(|i| i["id"] == "6.1.4").unwrap(), "title")
    )));
    assert!(llms.contains("\n## Optional\n"));
}

#[test]
fn another_repository_gets_its_own_indexes_deterministically() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        let o = build(&fixture("clean"), out, &[]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    for f in ["api/documents.json", "api/clauses.json", "llms.txt"] {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), "{f} differs between two builds");
    }
    let docs = assert_documents_match_pages(&a);
    assert_eq!(s(&docs, "organization"), "Fixture Ltd");
    let ids: BTreeSet<&str> = docs["documents"].as_array().unwrap().iter().map(|d| s(d, "id")).collect();
    assert_eq!(ids, BTreeSet::from(["MET-001", "POL-000", "POL-001", "REC-001", "SCO-001"]));
    assert_eq!(docs["counts"]["approved"], 4);
    assert_eq!(docs["counts"]["superseded"], 1);
    let clauses = assert_clauses_match_pages(&a);
    // No SoA here: no control has an SoA entry and most items are gaps.
    assert!(clauses["items"].as_array().unwrap().iter().all(|i| i["soa"].is_null()));
    assert!(clauses["counts"]["gap"].as_u64().unwrap() > 50);
    let llms = assert_llms_links_resolve(&a);
    assert!(llms.starts_with(
        "# Fixture AIMS\n\n> The ISO/IEC 42001 AI management system of Fixture Ltd as a controlled document set: 5 documents"
    ));
    assert!(!llms.contains("soa.html"), "no SoA, no link to one");
}

#[test]
fn snapshots_carry_the_indexes_in_their_manifest() {
    let (tmp, repo) = temp_copy("clean");
    let out = take_snapshot(&repo, "s1", &tmp.path().join("snaps"), &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let folder = tmp.path().join("snaps/s1");
    let manifest = json(&folder, "manifest.json");
    for f in ["api/documents.json", "api/clauses.json", "llms.txt"] {
        assert!(manifest["files"][f].is_string(), "{f} is not in the manifest");
    }
    assert!(std::fs::read_to_string(folder.join("llms.txt")).unwrap().contains("This is a frozen snapshot for auditors."));
}
