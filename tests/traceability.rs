//! Traceability: the register (REG*) and Statement of Applicability (SOA*) diagnostics with their
//! exact file and line, the bundled example's clause, SoA, gap, mandatory and register pages,
//! and the coverage status rules (gap → addressed → implemented → evidenced, or excluded).
//!
//! Fixtures live under tests/fixtures/trace-*/. Every run uses `--today 2026-11-26`, and every
//! build writes into a temporary folder, never into a fixture.

mod common;

use common::{build_ok, check_json, crate_root, fixture, run, show, temp_copy, text, Diag, TODAY};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The 38 Annex A controls of ISO/IEC 42001:2023, in catalog order.
const ANNEX_A: [&str; 38] = [
    "A.2.2", "A.2.3", "A.2.4", "A.3.2", "A.3.3", "A.4.2", "A.4.3", "A.4.4", "A.4.5", "A.4.6", "A.5.2", "A.5.3", "A.5.4", "A.5.5",
    "A.6.1.2", "A.6.1.3", "A.6.2.2", "A.6.2.3", "A.6.2.4", "A.6.2.5", "A.6.2.6", "A.6.2.7", "A.6.2.8", "A.7.2", "A.7.3", "A.7.4", "A.7.5",
    "A.7.6", "A.8.2", "A.8.3", "A.8.4", "A.8.5", "A.9.2", "A.9.3", "A.9.4", "A.10.2", "A.10.3", "A.10.4",
];

// ------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------

/// A page of a built site, with the HTML escapes of quotes and `&` undone (a title attribute
/// `Scope &amp; context` reads as `Scope & context`).
fn page(site: &Path, rel: &str) -> String {
    common::page(site, rel).replace("&#x27;", "'").replace("&quot;", "\"").replace("&amp;", "&")
}

/// The text between the first `start` and the next `end` after it.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

/// Every `href="..."` value in a piece of HTML.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"").skip(1).filter_map(|s| s.split('"').next()).map(String::from).collect()
}

/// Resolves a relative href written on page `from` (site-relative) to a file of the site.
fn resolve(site: &Path, from: &str, href: &str) -> PathBuf {
    let path = href.split('#').next().unwrap();
    let mut p = site.join(from);
    p.pop();
    for seg in path.split('/') {
        match seg {
            ".." => {
                p.pop();
            }
            "." | "" => {}
            s => p.push(s),
        }
    }
    p
}

/// The status badge in a clause page's header.
fn clause_page_status(site: &Path, id: &str) -> String {
    let html = page(site, &format!("clauses/{id}.html"));
    let header = between(&html, "<header class=\"page-header\">", "</header>").expect("a page header");
    between(header, "class=\"badge cov-", "\"").unwrap_or("").to_string()
}

/// Clause or control id → status, from the rows of clauses/index.html.
fn index_statuses(site: &Path) -> BTreeMap<String, String> {
    let html = page(site, "clauses/index.html");
    let body = between(&html, "<tbody>", "</tbody>").expect("the clause table");
    body.split("<tr ")
        .skip(1)
        .map(|row| {
            let status = between(row, "data-status=\"", "\"").unwrap().to_string();
            let id = between(row, ".html\">", "</a>").unwrap().to_string();
            (id, status)
        })
        .collect()
}

/// Id → (status, reasons) for each row of the requirements table of gaps.html.
fn gap_rows(site: &Path) -> BTreeMap<String, (String, String)> {
    let html = page(site, "gaps.html");
    let Some(body) = between(&html, "<tbody>", "</tbody>") else { return BTreeMap::new() };
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let cells: Vec<&str> = row.split("<td").skip(1).collect();
            let id = between(cells[0], ".html\">", "</a>").unwrap().to_string();
            let status = between(cells[2], "class=\"badge cov-", "\"").unwrap().to_string();
            let reasons = between(cells[3], ">", "</td>").unwrap().to_string();
            (id, (status, reasons))
        })
        .collect()
}

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect()).unwrap_or_default()
}

// ------------------------------------------------------------------------------------------
// 1. REG* and SOA* diagnostics: code, file and line
// ------------------------------------------------------------------------------------------

/// Appends an excluded, properly justified entry for every Annex A control that the fixture's
/// SoA does not list, except those in `leave_out`. Appending keeps the fixture's own line
/// numbers unchanged.
fn complete_soa(soa_yaml: &Path, leave_out: &[&str]) {
    let mut text = std::fs::read_to_string(soa_yaml).unwrap();
    let listed: BTreeSet<String> = text.lines().filter_map(|l| l.trim().strip_prefix("- control:")).map(|c| c.trim().to_string()).collect();
    for id in ANNEX_A {
        if !listed.contains(id) && !leave_out.contains(&id) {
            text.push_str(&format!(
                "  - control: {id}\n    applicable: false\n    justification: \"Excluded so that the fixture's SoA lists every control.\"\n    implementation: not-applicable\n"
            ));
        }
    }
    std::fs::write(soa_yaml, text).unwrap();
}

/// trace-soa with its SoA completed (all controls but A.10.4).
fn prepare_soa(root: &Path) {
    complete_soa(&root.join("content/data/soa.yaml"), &["A.10.4"]);
}

type Expect = (&'static str, &'static str, u64);

struct Case {
    fixture: &'static str,
    /// Changes made to a temporary copy before checking (None: check the fixture in place).
    prepare: Option<fn(&Path)>,
    exit: i32,
    /// Every diagnostic the fixture must produce: nothing more, nothing less.
    expected: &'static [Expect],
}

const RISKS: &str = "content/data/risks.yaml";
const SYSTEMS: &str = "content/data/systems.yaml";
const SOA: &str = "content/data/soa.yaml";

const CASES: &[Case] = &[
    Case {
        fixture: "trace-registers",
        prepare: None,
        exit: 1,
        expected: &[
            // registers/missing.md: `data: "../data/missing.yaml"` on line 13.
            ("REG001", "content/registers/missing.md", 13),
            // Nobody's `data:` names orphan.yaml: reported on its first line.
            ("REG002", "content/data/orphan.yaml", 1),
            // owner.yaml is governed by REG-005 but `meta.document: REG-001` (line 2).
            ("REG003", "content/data/owner.yaml", 2),
            // training.yaml has no meta.document: reported on the `meta:` line.
            ("REG003", "content/data/training.yaml", 1),
            // An extra top-level key `owner:` next to the list.
            ("REG004", "content/data/shape.yaml", 4),
            // `meta.schema: suppliers` names no schema: reported on the list's key.
            ("REG004", "content/data/suppliers.yaml", 4),
            // RSK-004 lacks `treatment`, which no check needs (not an error); its likelihood 9
            // (line 35) exceeds 5.
            ("REG005", RISKS, 35),
            // The second `- id: RSK-001`.
            ("REG006", RISKS, 15),
            // `ai_system: SYS-999` and `documents: ["NOPE-001"]` in a row; `ai_system: SYS-404`
            // in an assessment's front matter.
            ("REG007", RISKS, 25),
            ("REG007", RISKS, 29),
            ("REG007", "content/assessments/aia-sys-404.md", 13),
            // `controls: ["A.99.9"]` in a register row.
            ("CLS001", RISKS, 30),
            // score 5 ≠ 2 × 2 (line 19); residual_score 3 ≠ 1 × 2 (line 49).
            ("REG008", RISKS, 19),
            ("REG008", RISKS, 49),
            // NC-001 is `status: closed` (line 10) without `closed:`; NC-002 has one.
            ("REG009", "content/data/nonconformities.yaml", 10),
            // SYS-002 (line 12) has no assessment; SYS-005 (line 33, `validation`: not yet in
            // operation) only a draft one, a warning. SYS-001 is assessed, SYS-003 is retired
            // and SYS-004 out of scope.
            ("REG010", SYSTEMS, 12),
            ("REG012", SYSTEMS, 33),
            ("DC017", "content/assessments/aia-sys-005.md", 8),
        ],
    },
    Case {
        fixture: "trace-soa",
        prepare: Some(prepare_soa),
        exit: 1,
        expected: &[
            // A.10.4 is left out: reported on the `controls:` line.
            ("SOA001", SOA, 6),
            // The second `- control: A.2.2`.
            ("SOA002", SOA, 13),
            // A.1.1 does not exist; A.2.1 is an objective, not a control.
            ("SOA003", SOA, 16),
            ("SOA003", SOA, 19),
            // A.2.3 excluded and A.3.2 included without a justification: the entry's line.
            ("SOA004", SOA, 22),
            ("SOA004", SOA, 29),
            // A.2.4 excluded with `justification: "N/A"`.
            ("SOA005", SOA, 27),
            // A.3.3: `documents: []`.
            ("SOA006", SOA, 38),
            // A.4.2 implemented, no evidence: the `implementation` line.
            ("SOA007", SOA, 43),
            // A.4.4 lists NOPE-001.
            ("SOA008", SOA, 55),
            // A.4.5 lists the draft PRC-001.
            ("SOA009", SOA, 61),
            // A.4.6 lists POL-002, which does not name A.4.6, and a policy as evidence.
            ("SOA010", SOA, 67),
            ("SOA010", SOA, 68),
            // A.5.2 excluded but implemented; A.5.3 applicable but not-applicable.
            ("SOA011", SOA, 72),
            ("SOA011", SOA, 76),
            // A.4.3 partial without target_date: the `implementation` line.
            ("SOA012", SOA, 48),
            ("DC017", "content/procedure.md", 8),
        ],
    },
    Case {
        fixture: "trace-reg011",
        prepare: None,
        exit: 0,
        expected: &[
            // schemas/registers/concerns.schema.json declares `kind: nonconformities` but no
            // `closed` words: REG009 cannot run, reported on the `concerns:` list (line 4).
            ("REG011", "content/concerns.yaml", 4),
        ],
    },
    Case {
        fixture: "trace-soa013",
        prepare: None,
        exit: 1,
        expected: &[
            // SOA-001 has no `data:`: reported on its `type: soa` line.
            ("SOA013", "content/soa-no-data.md", 4),
            // SOA-002's data file holds `entries:` (line 4) instead of `controls:`.
            ("SOA013", SOA, 4),
        ],
    },
];

fn sorted(mut v: Vec<(String, String, u64)>) -> Vec<(String, String, u64)> {
    v.sort();
    v
}

#[test]
fn every_register_and_soa_code_is_reported_at_its_line() {
    let mut failures = String::new();
    for case in CASES {
        let (_tmp, root) = temp_copy(case.fixture);
        if let Some(prepare) = case.prepare {
            prepare(&root);
        }
        let (exit, diags) = check_json(&root, &[]);
        let got = sorted(diags.iter().map(|d| (d.code.clone(), d.file.clone(), d.line)).collect());
        let want = sorted(case.expected.iter().map(|(c, f, l)| (c.to_string(), f.to_string(), *l)).collect());
        if got != want || exit != case.exit {
            failures.push_str(&format!(
                "{}: exit {exit} (want {})\n got:\n{}\n want:\n{}\n",
                case.fixture,
                case.exit,
                show(&diags),
                want.iter().map(|(c, f, l)| format!("  {c} {f}:{l}\n")).collect::<String>()
            ));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

/// The table above names every REG and SOA code that aimsbook knows (`explain --list`).
#[test]
fn the_table_covers_every_register_and_soa_code() {
    let out = run(&["explain", "--list"]);
    assert_eq!(out.status.code(), Some(0));
    let known: BTreeSet<String> = text(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| c.starts_with("REG") || c.starts_with("SOA"))
        .map(String::from)
        .collect();
    assert_eq!(known.len(), 25, "REG001-REG012 and SOA001-SOA013: {known:?}");
    let covered: BTreeSet<String> = CASES.iter().flat_map(|c| c.expected.iter().map(|e| e.0.to_string())).collect();
    let missing: Vec<&String> = known.difference(&covered).collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

/// The SoA checks wait until the SoA leaves draft: the same broken SoA as a draft reports
/// nothing but the drafts themselves.
#[test]
fn a_draft_soa_is_not_checked() {
    let (_tmp, root) = temp_copy("trace-soa");
    prepare_soa(&root);
    let doc = root.join("content/soa.md");
    let front = std::fs::read_to_string(&doc).unwrap();
    assert!(front.contains("status: approved\napproved: 2026-01-10\n"));
    std::fs::write(&doc, front.replace("status: approved\napproved: 2026-01-10\n", "status: draft\n")).unwrap();
    let (exit, diags) = check_json(&root, &[]);
    let got = sorted(diags.iter().map(|d| (d.code.clone(), d.file.clone(), d.line)).collect());
    let want = sorted(vec![("DC017".into(), "content/procedure.md".into(), 8), ("DC017".into(), "content/soa.md".into(), 8)]);
    assert_eq!(got, want, "\n{}", show(&diags));
    assert_eq!(exit, 0);
}

/// An approved SoA that lists all 38 controls properly reports nothing.
#[test]
fn a_complete_soa_has_no_soa_diagnostics() {
    let (_tmp, root) = temp_copy("trace-soa");
    let soa = root.join("content/data/soa.yaml");
    // Keep only the header and the valid first entry (A.2.2, lines 1-12), then complete it.
    let head: String = std::fs::read_to_string(&soa).unwrap().lines().take(12).map(|l| format!("{l}\n")).collect();
    std::fs::write(&soa, head).unwrap();
    complete_soa(&soa, &[]);
    let (exit, diags) = check_json(&root, &[]);
    let soa_diags: Vec<Diag> = diags.iter().filter(|d| d.code.starts_with("SOA")).cloned().collect();
    assert!(soa_diags.is_empty(), "\n{}", show(&soa_diags));
    assert_eq!(exit, 0, "\n{}", show(&diags));
}

/// SoA rows are open: columns of the organisation's own (`title`, `owner`, `review_note`) are
/// allowed; a wrong type in a column a check uses is still REG005.
#[test]
fn soa_rows_may_carry_their_own_columns() {
    let (_tmp, root) = temp_copy("trace-soa");
    let soa = root.join("content/data/soa.yaml");
    let head: String = std::fs::read_to_string(&soa).unwrap().lines().take(12).map(|l| format!("{l}\n")).collect();
    let extra = "    title: \"AI policy\"\n    owner: \"Head of AI Governance\"\n    review_note: \"Checked at the 2026 review.\"\n";
    let head = head.replacen("    applicable: true\n", &format!("    applicable: true\n{extra}"), 1);
    assert!(head.contains("review_note"), "{head}");
    std::fs::write(&soa, &head).unwrap();
    complete_soa(&soa, &[]);
    let (exit, diags) = check_json(&root, &[]);
    // The fixture's draft procedure is its only finding.
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, vec!["DC017"], "\n{}", show(&diags));
    assert_eq!(exit, 0);
    // Shown on the SoA page, in the row of their control, under their own names.
    let site = root.join("site");
    let out = run(&["build", "--root", root.to_str().unwrap(), "--today", TODAY, "--out", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(site.join("soa.html")).unwrap();
    assert!(page.contains("<th scope=\"col\">Also recorded</th>"), "no column for the organisation's own fields");
    let first_row = &page[page.find("<tbody>").unwrap()..];
    let first_row = &first_row[..first_row.find("</tr>").unwrap()];
    for shown in ["owner:</span> Head of AI Governance", "review_note:</span> Checked at the 2026 review.", "title:</span> AI policy"] {
        assert!(first_row.contains(shown), "{shown} missing from the first SoA row:\n{first_row}");
    }
    let text = std::fs::read_to_string(&soa).unwrap().replacen("    applicable: true\n", "    applicable: \"yes\"\n", 1);
    std::fs::write(&soa, text).unwrap();
    let (exit, diags) = check_json(&root, &[]);
    let reg005: Vec<&Diag> = diags.iter().filter(|d| d.code == "REG005").collect();
    assert_eq!(reg005.len(), 1, "\n{}", show(&diags));
    assert_eq!((reg005[0].file.as_str(), reg005[0].line), ("content/data/soa.yaml", 8), "\n{}", show(&diags));
    assert_eq!(exit, 1);
}

// Known bugs: the tests state the correct behaviour and are ignored until the tool is fixed.

/// two-lists.yaml holds `risks:` (line 4) and then `entries:` (line 5). The diagnostic should
/// point at the second, extra list. aimsbook takes the second key in alphabetical order
/// (`risks`), so it reports line 4 — and would report line 5 if the lists were swapped.
#[test]
fn reg004_more_than_one_list_points_at_the_extra_list() {
    let (_, diags) = check_json(&fixture("trace-reg004-two-lists"), &[]);
    let reg004: Vec<_> = diags.iter().filter(|d| d.code == "REG004").map(|d| (d.file.as_str(), d.line)).collect();
    assert_eq!(reg004, vec![("content/data/two-lists.yaml", 5)], "\n{}", show(&diags));
}

/// A data file that exists but cannot be used (here: two lists) is reported by REG004. The
/// document that names it must not also get REG001 "data file not found".
#[test]
fn an_unparseable_data_file_is_not_reported_as_missing() {
    let (_, diags) = check_json(&fixture("trace-reg004-two-lists"), &[]);
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, vec!["REG004"], "\n{}", show(&diags));
}

/// `meta.document` on line 3 (after `title:`): REG003 belongs on line 3. aimsbook assumes the
/// line after `meta:` (line 2).
#[test]
fn reg003_points_at_the_meta_document_line() {
    let (_, diags) = check_json(&fixture("trace-reg003-meta-order"), &[]);
    let got: Vec<_> = diags.iter().map(|d| (d.code.as_str(), d.file.as_str(), d.line)).collect();
    assert_eq!(got, vec![("REG003", "content/data/risks.yaml", 3)], "\n{}", show(&diags));
}

/// REG-001 and REG-002 both name nonconformities.yaml, whose meta.document is REG-001. The file
/// is governed by REG-001 (the first claim), so the one finding is REG-002's second claim.
/// aimsbook also reports "meta.document is `REG-001` but the file is governed by REG-002" on the
/// data file, contradicting its own "already governed by REG-001".
#[test]
fn a_data_file_claimed_twice_is_reported_once() {
    let (_, diags) = check_json(&fixture("trace-reg003-double-claim"), &[]);
    let got: Vec<_> = diags.iter().map(|d| (d.code.as_str(), d.file.as_str(), d.line)).collect();
    assert_eq!(got, vec![("REG003", "content/second.md", 13)], "\n{}", show(&diags));
}

// ------------------------------------------------------------------------------------------
// 2. The bundled example
// ------------------------------------------------------------------------------------------

fn example_soa() -> Vec<Value> {
    yaml(&crate_root().join("content/data/soa.yaml"))["controls"].as_array().expect("controls").clone()
}

fn applicable(entry: &Value) -> bool {
    entry["applicable"].as_bool() != Some(false)
}

#[test]
fn example_checks_clean() {
    let (exit, diags) = check_json(crate_root(), &[]);
    assert!(diags.is_empty(), "the bundled example must check clean:\n{}", show(&diags));
    assert_eq!(exit, 0);
}

#[test]
fn example_applicable_controls_are_evidenced() {
    let (_tmp, site) = build_ok(crate_root(), &[]);
    let soa = example_soa();
    assert_eq!(soa.len(), 38);
    let statuses = index_statuses(&site);
    let mut checked = 0;
    for entry in soa.iter().filter(|e| applicable(e)) {
        let id = entry["control"].as_str().unwrap();
        assert_eq!(statuses.get(id).map(String::as_str), Some("evidenced"), "{id} on clauses/index.html");
        assert_eq!(clause_page_status(&site, id), "evidenced", "{id} on clauses/{id}.html");
        checked += 1;
    }
    assert!(checked > 0);
    assert!(page(&site, "clauses/A.5.4.html").contains("cov-evidenced"));
    // The matrix agrees.
    let matrix = page(&site, "matrix.html");
    for entry in soa.iter().filter(|e| applicable(e)) {
        let id = entry["control"].as_str().unwrap();
        let row = between(&matrix, &format!("clauses/{id}.html\""), "</tr>").unwrap_or_else(|| panic!("{id} in matrix"));
        assert!(row.contains("cov-evidenced\">evidenced"), "{id} in matrix.html: {row}");
    }
}

#[test]
fn example_soa_page_lists_every_control_with_its_documents() {
    let (_tmp, site) = build_ok(crate_root(), &[]);
    let html = page(&site, "soa.html");
    let rows: Vec<&str> = html.split("<tr id=\"soa-").skip(1).map(|r| r.split("</tr>").next().unwrap()).collect();
    assert_eq!(rows.len(), 38, "soa.html lists 38 controls");
    assert!(html.contains("38 Annex A controls"));
    let soa = example_soa();
    let listed: Vec<&str> = rows.iter().map(|r| between(r, ".html\">", "</a>").unwrap()).collect();
    let expected: Vec<&str> = soa.iter().map(|e| e["control"].as_str().unwrap()).collect();
    assert_eq!(listed, expected);
    for (row, entry) in rows.iter().zip(&soa) {
        let id = entry["control"].as_str().unwrap();
        // Cells: control, title, applicable, justification, implementation, documents, evidence, status.
        let cells: Vec<&str> = row.split("<td").skip(1).collect();
        assert_eq!(cells.len(), 8, "{id}: {row}");
        for (cell, key) in [(cells[5], "documents"), (cells[6], "evidence")] {
            let links = hrefs(cell);
            let want: Vec<String> = strings(&entry[key]).iter().map(|d| format!("doc/{d}.html")).collect();
            assert_eq!(links, want, "{id} {key}");
            for href in &links {
                assert!(resolve(&site, "soa.html", href).is_file(), "{id}: {href} does not resolve");
            }
        }
        if applicable(entry) {
            assert!(!strings(&entry["documents"]).is_empty(), "{id} names an implementing document");
        }
    }
    // soa.html sits at the site root, so its links are `doc/ID.html`.
    let a22 = rows[0];
    assert!(a22.contains("<a href=\"doc/POL-001.html\" title=\"AI Policy\">POL-001</a>"), "{a22}");

    let csv_path = site.join("downloads/soa.csv");
    assert!(csv_path.is_file());
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    assert_eq!(reader.headers().unwrap().get(0), Some("Control"));
    assert_eq!(reader.records().count(), 38);
}

#[test]
fn example_has_no_gaps_and_every_mandatory_document() {
    let (_tmp, site) = build_ok(crate_root(), &[]);
    let gaps = page(&site, "gaps.html");
    assert!(gaps.contains("No gaps: every requirement and applicable control"), "gaps.html lists gaps");
    assert!(gaps.contains("All 15 mandatory documents are in place and approved"));
    assert!(gap_rows(&site).is_empty());

    let mandatory = page(&site, "mandatory.html");
    let body = between(&mandatory, "<tbody>", "</tbody>").unwrap();
    let rows: Vec<&str> = body.split("<tr>").skip(1).collect();
    assert_eq!(rows.len(), 15, "15 mandatory documents");
    for row in rows {
        assert!(row.contains("<span class=\"badge cov-evidenced\">satisfied</span>"), "{row}");
        let links: Vec<String> = hrefs(row).into_iter().filter(|h| h.starts_with("doc/")).collect();
        assert!(!links.is_empty(), "names the satisfying document: {row}");
        for href in links {
            assert!(resolve(&site, "mandatory.html", &href).is_file(), "{href}");
        }
    }
}

#[test]
fn example_register_rows_are_anchored_and_cited_on_clause_pages() {
    let (_tmp, site) = build_ok(crate_root(), &[]);
    let register = page(&site, "doc/REG-001.html");
    assert!(register.contains("<tr id=\"row-rsk-001\">"));
    let risks = yaml(&crate_root().join("content/data/risks.yaml"));
    let risks = risks["risks"].as_array().unwrap();
    for risk in risks {
        let id = risk["id"].as_str().unwrap();
        let anchor = format!("row-{}", id.to_lowercase());
        assert!(register.contains(&format!("<tr id=\"{anchor}\">")), "{id} has a row anchor");
        for control in strings(&risk["controls"]) {
            let rel = format!("clauses/{control}.html");
            let html = page(&site, &rel);
            let cite = between(&html, "id=\"cite-h\"", "</section>").unwrap_or_else(|| panic!("{rel} has no citations"));
            let href = format!("../doc/REG-001.html#{anchor}");
            assert!(cite.contains(&format!("<a href=\"{href}\">{id}</a>")), "{rel} cites {id}");
            assert!(resolve(&site, &rel, &href).is_file());
        }
    }
    // The example's A.5.4 is cited by RSK-001.
    assert!(page(&site, "clauses/A.5.4.html").contains("<a href=\"../doc/REG-001.html#row-rsk-001\">RSK-001</a>"));
}

// ------------------------------------------------------------------------------------------
// 3. Status computation (tests/fixtures/trace-status)
// ------------------------------------------------------------------------------------------
//
// POL-001 (approved) names A.5.5, A.6.1.2, A.6.1.3, A.6.2.2 and A.7.2; POL-002 (draft) names A.5.4.
// Records: REC-001 of 2025-11-25 (A.6.1.2, one day older than the 12-month window), REC-002 of
// 2025-11-26 (A.6.1.3, exactly on the window's edge), REC-003 of 2026-09-01 (A.6.2.2) and the
// draft REC-004 (A.5.5). The draft SoA excludes A.7.2. Nothing names clause 4.1.

#[test]
fn coverage_statuses() {
    let (_tmp, site) = build_ok(&fixture("trace-status"), &[]);
    let expected = [
        ("A.5.4", "addressed"),
        ("A.5.5", "implemented"),
        ("A.6.1.2", "implemented"),
        ("A.6.1.3", "evidenced"),
        ("A.6.2.2", "evidenced"),
        ("A.7.2", "excluded"),
        ("4.1", "gap"),
        ("A.2.2", "gap"),
    ];
    let statuses = index_statuses(&site);
    for (id, want) in expected {
        assert_eq!(statuses.get(id).map(String::as_str), Some(want), "{id} on clauses/index.html");
        assert_eq!(clause_page_status(&site, id), want, "{id} on clauses/{id}.html");
    }
}

#[test]
fn stale_and_draft_records_are_shown_as_not_counted() {
    let (_tmp, site) = build_ok(&fixture("trace-status"), &[]);
    for (id, record) in [("A.6.1.2", "REC-001"), ("A.5.5", "REC-004")] {
        let rel = format!("clauses/{id}.html");
        let html = page(&site, &rel);
        let records = between(&html, "id=\"records-h\"", "</section>").unwrap();
        assert!(records.contains("No current record evidences this."), "{id}: {records}");
        let stale = between(records, "Not counted", "</p>").unwrap_or_else(|| panic!("{id} does not mention {record} as not counted"));
        assert!(stale.contains(&format!("<a href=\"../doc/{record}.html\"")), "{id}: {stale}");
        assert!(html.contains("its records are older than 12 months or not approved"), "{id}");
    }
    // On the window's edge the record counts.
    let html = page(&site, "clauses/A.6.1.3.html");
    let records = between(&html, "id=\"records-h\"", "</section>").unwrap();
    assert!(records.contains("<a href=\"../doc/REC-002.html\">REC-002"), "{records}");
    assert!(!records.contains("Not counted"), "{records}");
}

/// `[traceability] evidence_months` moves the window: with 3 months (from 2026-08-26) REC-003 of
/// 2026-09-01 still counts; with 2 months (from 2026-09-26) it does not.
#[test]
fn evidence_window_follows_the_configuration() {
    for (months, a6122, a6113) in [(3, "evidenced", "implemented"), (2, "implemented", "implemented")] {
        let (_tmp, root) = temp_copy("trace-status");
        let toml = root.join("book.toml");
        common::append(&toml, &format!("\n[traceability]\nevidence_months = {months}\n"));
        let (_out, site) = build_ok(&root, &[]);
        assert_eq!(clause_page_status(&site, "A.6.2.2"), a6122, "A.6.2.2 with {months} months");
        assert_eq!(clause_page_status(&site, "A.6.1.3"), a6113, "A.6.1.3 with {months} months");
        let html = page(&site, "clauses/A.6.1.3.html");
        assert!(html.contains(&format!("its records are older than {months} months or not approved")), "{months} months");
    }
}

#[test]
fn gap_report_gives_reasons() {
    let (_tmp, site) = build_ok(&fixture("trace-status"), &[]);
    let gaps = gap_rows(&site);
    let row = |id: &str| gaps.get(id).cloned().unwrap_or_else(|| panic!("{id} not on gaps.html"));
    assert_eq!(row("4.1"), ("gap".into(), "no document addresses it".into()));
    assert_eq!(row("A.5.4").0, "addressed");
    assert!(row("A.5.4").1.starts_with("the documents that address it are not approved yet"));
    assert_eq!(row("A.5.5").0, "implemented");
    assert!(row("A.5.5").1.starts_with("its records are older than 12 months or not approved"));
    // Evidenced, but the SoA does not list it.
    assert_eq!(row("A.6.2.2"), ("evidenced".into(), "missing from the Statement of Applicability".into()));
    // A justified exclusion is not a gap.
    assert!(!gaps.contains_key("A.7.2"), "A.7.2 is excluded, not a gap");
    let html = page(&site, "gaps.html");
    assert!(
        html.contains("on or after <time datetime=\"2025-11-26\">26 November 2025</time> (12 months)"),
        "the evidence window is stated"
    );
}

/// A second catalog is namespaced: "rmf:A.5.2" and ISO/IEC 42001's "A.5.2" are different
/// items with different pages, both linkable, and an unknown namespaced id is CLS001.
#[test]
fn an_extra_catalog_is_namespaced_and_never_collides() {
    let (rc, diags) = check_json(&fixture("trace-extra-catalog"), &[]);
    assert_eq!(rc, 1);
    let got: Vec<(String, String, u64)> = diags.iter().map(|d| (d.code.clone(), d.file.clone(), d.line)).collect();
    assert_eq!(got, vec![("CLS001".to_string(), "content/bad.md".to_string(), 12)], "{}", show(&diags));

    // Without the broken document the site builds, with a page per namespaced item.
    let (_tmp, repo) = temp_copy("trace-extra-catalog");
    std::fs::remove_file(repo.join("content/bad.md")).unwrap();
    let (_out, site) = build_ok(&repo, &[]);
    let iso = page(&site, "clauses/A.5.2.html");
    let rmf = page(&site, "clauses/rmf_A.5.2.html");
    assert!(iso.contains("AI system impact assessment process"), "the 42001 control keeps its title");
    assert!(rmf.contains("Same id as an ISO/IEC 42001 control"), "the rmf item has its own page");
    assert!(rmf.contains("POL-001"), "the rmf page lists the document naming rmf:A.5.2");
    let doc = page(&site, "doc/POL-001.html");
    assert!(doc.contains("href=\"../clauses/A.5.2.html\""), "[[A.5.2]] links the 42001 control");
    assert!(doc.contains("href=\"../clauses/rmf_A.5.2.html\""), "[[rmf:A.5.2]] links the rmf item");
}

/// A clause id in the SoA (a mistake: the SoA lists Annex A controls) never marks the clause
/// "excluded": here the draft SoA (not judged yet, so no SOA003) says 4.1 is not applicable,
/// and 4.1 stays a gap.
#[test]
fn a_clause_in_the_soa_is_not_an_exclusion() {
    let (_tmp, root) = temp_copy("trace-status");
    let soa = root.join("content/data/soa.yaml");
    let mut text = std::fs::read_to_string(&soa).unwrap();
    text.push_str(
        "  - control: \"4.1\"\n    applicable: false\n    justification: \"Listed here by mistake.\"\n    implementation: not-applicable\n",
    );
    std::fs::write(&soa, text).unwrap();
    let (_out, site) = build_ok(&root, &[]);
    assert_eq!(clause_page_status(&site, "4.1"), "gap");
    assert_eq!(clause_page_status(&site, "A.7.2"), "excluded", "a real exclusion still counts");
}

/// A retired (or superseded) SoA is history: its entries are not judged against today's
/// catalog, so an unknown control in it is no SOA003.
#[test]
fn a_retired_soa_is_not_judged() {
    let (_tmp, root) = temp_copy("trace-status");
    let soa_doc = root.join("content/soa.md");
    let text = std::fs::read_to_string(&soa_doc).unwrap().replacen("status: draft\n", "status: retired\napproved: 2026-01-01\n", 1);
    std::fs::write(&soa_doc, text).unwrap();
    let soa = root.join("content/data/soa.yaml");
    common::append(&soa, "  - control: A.1.1\n    applicable: true\n    implementation: implemented\n");
    let (code, diags) = check_json(&root, &[]);
    assert_eq!(code, 0, "{diags:?}");
    assert!(diags.iter().all(|d| !d.code.starts_with("SOA")), "{diags:?}");
    assert!(diags.iter().any(|d| d.code == "DC017"), "the checks ran: {diags:?}");
}
