//! Crosswalks: built-in framework catalogs and mappings, overridden by the repository's own
//! mapping file; mapped requirements on clause pages, a coverage page per framework, exports.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    build_ok(&fixture("crosswalk"), &[])
}

fn rows(site: &Path, ns: &str) -> Vec<Value> {
    read_json(&site.join(format!("downloads/crosswalk-{ns}.json"))).as_array().unwrap().clone()
}

/// The table row of a requirement on a coverage page.
fn page_row(html: &str, anchor: &str) -> String {
    let start = html.find(&format!("id=\"{anchor}\"")).unwrap_or_else(|| panic!("no row {anchor}"));
    html[start..].split("</tr>").next().unwrap().to_string()
}

#[test]
fn coverage_pages_show_how_far_42001_carries_with_the_sources_said_plainly() {
    let (_tmp, site) = built();
    let act = page(&site, "crosswalk/ai-act.html");
    assert!(
        act.contains(
            "<strong>aimsbook&#x27;s own reading</strong> <span class=\"muted\">(mappings/iso42001-eu-ai-act.yaml (built in))</span>"
        ),
        "{act}"
    );
    assert!(
        act.contains("<strong>Fixture Ltd compliance team, 2026 review</strong> <span class=\"muted\">(crosswalk/our-reading.yaml)</span>")
    );
    // Our override: 6.1.4 (evidenced here) is a superset of Article 27, so it carries all of it.
    let art27 = page_row(&act, "xw-ai-act-art-27");
    assert!(art27.contains("href=\"../clauses/6.1.4.html\"><span class=\"clause-id\">6.1.4</span> AI system impact assessment</a> <span class=\"badge cov-evidenced\">evidenced</span> <span class=\"muted\">superset: Our impact assessment method"), "{art27}");
    assert!(art27.ends_with("<td><span class=\"badge cov-evidenced\">evidenced</span></td>"), "{art27}");
    // Article 4: only intersecting mappings, the best of them implemented (POL-001): partly.
    let art4 = page_row(&act, "xw-ai-act-art-4");
    assert!(
        art4.ends_with("<td><span class=\"badge cov-implemented\">implemented</span> <span class=\"muted\">partly</span></td>"),
        "{art4}"
    );
    // The same on the other framework: ai-rmf MAP-5 is equivalent to 6.1.4 in aimsbook's reading.
    let rmf = page(&site, "crosswalk/ai-rmf.html");
    assert!(page_row(&rmf, "xw-ai-rmf-map-5").contains("equivalent: The AI system impact assessment characterises impacts"));
    // The clause index links both pages.
    let index = page(&site, "clauses/index.html");
    assert!(
        index.contains("<a href=\"../crosswalk/ai-act.html\">crosswalk to EU Artificial Intelligence Act (Regulation (EU) 2024/1689)</a>")
    );
    assert!(index.contains("<a href=\"../crosswalk/ai-rmf.html\">crosswalk to NIST AI Risk Management Framework 1.0</a>"));
}

#[test]
fn requirement_pages_list_their_mapped_requirements_both_ways() {
    let (_tmp, site) = built();
    let c614 = page(&site, "clauses/6.1.4.html");
    assert!(c614.contains("Mapped requirements <span class=\"count\">"));
    assert!(c614.contains("<a href=\"../clauses/ai-rmf_MAP-5.html\"><span class=\"clause-id\">ai-rmf:MAP-5</span> Impacts</a>"), "{c614}");
    assert!(c614.contains("superset: Our impact assessment method includes every element Article 27 lists. (source: Fixture Ltd compliance team, 2026 review)"));
    let art27 = page(&site, "clauses/ai-act_Art.27.html");
    assert!(art27.contains("<a href=\"../clauses/6.1.4.html\"><span class=\"clause-id\">6.1.4</span> AI system impact assessment</a> <span class=\"badge cov-evidenced\">evidenced</span>"), "{art27}");
    // api/clauses.json carries the same mappings.
    let api: Value = read_json(&site.join("api/clauses.json"));
    let item = api["items"].as_array().unwrap().iter().find(|i| i["id"] == "ai-act:Art.27").unwrap();
    assert_eq!(item["mapped"][0]["id"], "6.1.4");
    assert_eq!(item["mapped"][0]["relationship"], "superset");
    assert_eq!(item["mapped"][0]["source"], "Fixture Ltd compliance team, 2026 review");
    // The repository removed A.10.4 → Article 26.
    assert!(!page(&site, "clauses/A.10.4.html").contains("ai-act:Art.26"));
}

#[test]
fn exports_match_the_page_and_honour_overrides() {
    let (tmp, site) = built();
    let act = rows(&site, "ai-act");
    let pairs: Vec<(&str, &str, &str)> = act
        .iter()
        .map(|r| (r["Requirement"].as_str().unwrap(), r["42001 item"].as_str().unwrap(), r["Relationship"].as_str().unwrap()))
        .collect();
    assert!(pairs.contains(&("ai-act:Art.27", "6.1.4", "superset")), "overridden");
    assert!(
        !pairs.iter().any(|p| p.0 == "ai-act:Art.27" && p.1 == "6.1.4" && p.2 == "intersects"),
        "the built-in entry is replaced, not kept beside"
    );
    assert!(!pairs.iter().any(|p| p.0 == "ai-act:Art.26" && p.1 == "A.10.4"), "removed");
    assert!(pairs.contains(&("ai-act:Art.4", "5.2", "intersects")), "added");
    let fria = act.iter().find(|r| r["Requirement"] == "ai-act:Art.27" && r["42001 item"] == "6.1.4").unwrap();
    assert_eq!(fria["42001 status"], "evidenced");
    assert_eq!(fria["Source"], "Fixture Ltd compliance team, 2026 review");
    // Every requirement of the framework appears (19 articles and annexes here).
    let reqs: std::collections::BTreeSet<&str> = act.iter().map(|r| r["Requirement"].as_str().unwrap()).collect();
    assert_eq!(reqs.len(), 19);
    // `aimsbook export crosswalk` writes the same bytes as the download.
    let out = run(&[
        "export",
        "crosswalk",
        "--id",
        "ai-act",
        "--format",
        "json",
        "--root",
        fixture("crosswalk").to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout, std::fs::read(site.join("downloads/crosswalk-ai-act.json")).unwrap());
    let csv = tmp.path().join("x.csv");
    let out = run(&[
        "export",
        "crosswalk",
        "--id",
        "ai-rmf",
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
        "--root",
        fixture("crosswalk").to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(std::fs::read_to_string(&csv)
        .unwrap()
        .starts_with("Requirement,Title,42001 item,42001 title,42001 status,Relationship,Rationale,Source\r\n"));
    let out = run(&[
        "export",
        "crosswalk",
        "--id",
        "27001",
        "--format",
        "csv",
        "--root",
        fixture("crosswalk").to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("mapped frameworks: ai-rmf, ai-act"), "{}", stderr(&out));
}

#[test]
fn an_unknown_framework_is_a_configuration_error_and_no_framework_means_no_crosswalk() {
    let (_tmp, repo) = temp_copy("crosswalk");
    let toml = std::fs::read_to_string(repo.join("book.toml")).unwrap().replace("\"iso27001\"]", "\"iso-27001\"]");
    std::fs::write(repo.join("book.toml"), toml).unwrap();
    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 2);
    assert_eq!(diags[0].code, "CFG002");
    assert!(diags[0].message.contains("unknown framework `iso-27001`"), "{}", diags[0].message);
    let tmp = tempfile::tempdir().unwrap();
    let out = build(&fixture("clean"), tmp.path(), &[]);
    assert_eq!(code(&out), 0);
    assert!(!tmp.path().join("crosswalk").exists());
}

#[test]
fn iso_27001_works_like_the_other_frameworks() {
    let (tmp, site) = built();
    // The coverage page: clauses and all 93 Annex A controls, with both sources named.
    let cov = page(&site, "crosswalk/iso27001.html");
    assert!(
        cov.contains(
            "<strong>aimsbook&#x27;s own reading</strong> <span class=\"muted\">(mappings/iso42001-iso27001.yaml (built in))</span>"
        ),
        "{cov}"
    );
    assert!(cov.contains("<strong>Fixture Ltd ISMS manager</strong> <span class=\"muted\">(crosswalk/our-27001-reading.yaml)</span>"));
    // The repository's override: one document control procedure, so 7.5.3 carries 7.5.3 fully.
    let doc_control = page_row(&cov, "xw-iso27001-7-5-3");
    assert!(doc_control.contains("equivalent: One document control procedure serves both management systems."), "{doc_control}");
    // A technological control nothing in 42001 touches is listed, unmapped.
    let clocks = page_row(&cov, "xw-iso27001-a-8-17");
    assert!(clocks.contains("Synchronised clocks"), "{clocks}");
    assert!(!clocks.contains("clause-id\">A."), "{clocks}");
    // Requirement pages both ways.
    let a628 = page(&site, "clauses/A.6.2.8.html");
    assert!(
        a628.contains("<a href=\"../clauses/iso27001_A.8.15.html\"><span class=\"clause-id\">iso27001:A.8.15</span> Event logging</a>"),
        "{a628}"
    );
    let a512 = page(&site, "clauses/iso27001_A.5.12.html");
    assert!(a512.contains("<a href=\"../clauses/A.4.3.html\"><span class=\"clause-id\">A.4.3</span> Data resources</a>"), "{a512}");
    assert!(a512.contains("(source: Fixture Ltd ISMS manager)"), "{a512}");
    let index = page(&site, "clauses/index.html");
    assert!(index.contains("<a href=\"../crosswalk/iso27001.html\">crosswalk to ISO/IEC 27001:2022</a>"));
    // The export: every clause requirement and control of 27001 once or more, in catalog order.
    let rows = rows(&site, "iso27001");
    let reqs: Vec<&str> = rows.iter().map(|r| r["Requirement"].as_str().unwrap()).collect();
    let mut distinct = reqs.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), 30 + 93);
    assert_eq!((distinct[0], distinct[distinct.len() - 1]), ("iso27001:4.1", "iso27001:A.8.34"));
    let pairs: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r["Requirement"].as_str().unwrap(), r["42001 item"].as_str().unwrap(), r["Relationship"].as_str().unwrap()))
        .collect();
    assert!(pairs.contains(&("iso27001:7.5.3", "7.5.3", "equivalent")));
    assert!(!pairs.contains(&("iso27001:7.5.3", "7.5.3", "intersects")), "overridden, not kept beside");
    assert!(pairs.contains(&("iso27001:A.8.17", "", "")));
    let out = run(&[
        "export",
        "crosswalk",
        "--id",
        "iso27001",
        "--format",
        "json",
        "--root",
        fixture("crosswalk").to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout, std::fs::read(site.join("downloads/crosswalk-iso27001.json")).unwrap());
    drop(tmp);
}

#[test]
fn ai_rmf_subcategories_sit_under_their_categories_and_roll_up() {
    let (_tmp, site) = built();
    let rmf = page(&site, "crosswalk/ai-rmf.html");
    // Subcategory rows follow their category's row, marked so they are indented under it.
    let (map5, map51, measure1) = (
        rmf.find("id=\"xw-ai-rmf-map-5\"").unwrap(),
        rmf.find("id=\"xw-ai-rmf-map-5-1\"").unwrap(),
        rmf.find("id=\"xw-ai-rmf-measure-1\"").unwrap(),
    );
    assert!(map5 < map51 && map51 < measure1);
    assert!(rmf.contains("<tr id=\"xw-ai-rmf-map-5-1\" class=\"xw-sub\">"));
    assert!(page_row(&rmf, "xw-ai-rmf-map-5-1").contains("<span class=\"clause-id\">6.1.4</span>"));
    // The repository moved A.6.2.4 from MEASURE 2 to the subcategory it meets (MEASURE 2.5,
    // built in): the category has no mapping of its own and is carried via its subcategories.
    let measure2 = page_row(&rmf, "xw-ai-rmf-measure-2");
    assert!(measure2.contains("nothing mapped"), "{measure2}");
    assert!(measure2.ends_with("</span> <span class=\"muted\">via the requirements under it</span></td>"), "{measure2}");
    assert!(page_row(&rmf, "xw-ai-rmf-measure-2-5").contains("<span class=\"clause-id\">A.6.2.4</span>"));
    // The summary counts the 19 categories once each, not their 72 subcategories.
    let total: usize = rmf.split("<span class=\"stat-num\">").skip(1).map(|s| s.split('<').next().unwrap().parse::<usize>().unwrap()).sum();
    assert_eq!(total, 19);
    // A subcategory has its own page with NIST's statement and its mappings.
    let m43 = page(&site, "clauses/ai-rmf_MANAGE-4.3.html");
    assert!(m43.contains("Incidents and errors are communicated to relevant AI actors, including affected communities."), "{m43}");
    assert!(
        m43.contains("<a href=\"../clauses/A.8.4.html\"><span class=\"clause-id\">A.8.4</span> Communication of incidents</a>"),
        "{m43}"
    );
    // The export lists subcategories as requirements of their own, in the page's order.
    let reqs: Vec<String> = rows(&site, "ai-rmf").iter().map(|r| r["Requirement"].as_str().unwrap().to_string()).collect();
    let at = |id: &str| reqs.iter().position(|r| r == id).unwrap();
    assert!(at("ai-rmf:MAP-5") < at("ai-rmf:MAP-5.1") && at("ai-rmf:MAP-5.1") < at("ai-rmf:MEASURE-1"));
    assert!(!rows(&site, "ai-rmf").iter().any(|r| r["Requirement"] == "ai-rmf:MEASURE-2" && r["42001 item"] == "A.6.2.4"), "removed");
}

#[test]
fn a_27001_id_of_the_2013_edition_is_xwk001_with_a_hint_about_the_renumbering() {
    let repo = fixture("codes/xwk001-unknown-27001-id");
    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 1);
    assert_eq!((diags[0].code.as_str(), diags[0].file.as_str(), diags[0].line), ("XWK001", "mappings.yaml", 11));
    assert!(diags[0].message.contains("`A.14.2.8` is not a requirement of the iso27001 catalog"), "{}", diags[0].message);
    // The 2022 mapping beside it is accepted.
    assert_eq!(diags.len(), 1);
    let out = run(&["check", "--root", repo.to_str().unwrap(), "--today", TODAY]);
    assert!(stderr(&out).contains("the 2013 edition's A.6 … A.18 ids were renumbered"), "{}", stderr(&out));
}
