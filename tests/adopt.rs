//! Bringing an existing AIMS: `aimsbook adopt` on tests/fixtures/byo-aims, an AIMS written
//! independently of content/ (another organisation, folder layout, id scheme, register columns
//! and status words, a screened-out AI system, a training register without ids, id mentions in
//! prose and tables, links to data files). After adoption `check` is clean; the inferred
//! schemas validate the rows they came from; a deliberately broken copy gets the right code,
//! file and line for each fault; nothing is ever overwritten.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

const RISKS: &str = "handbook/03-planning/risk-log.yaml";
const INVENTORY: &str = "handbook/03-planning/systems-inventory.yaml";
const ISSUES: &str = "handbook/05-improvement/issues.yaml";
const TRAINING: &str = "handbook/05-improvement/training.yaml";

fn adopt(root: &Path) -> std::process::Output {
    run(&["adopt", root.to_str().unwrap(), "--today", TODAY])
}

/// A copy of the fixture, adopted.
fn adopted() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, repo) = temp_copy("byo-aims");
    assert_ok(&adopt(&repo), "adopt");
    (dir, repo)
}

/// 1-based line of the first line of `rel` equal (trimmed) to `text`, after line `after`.
fn line_of(repo: &Path, rel: &str, text: &str, after: usize) -> u64 {
    let body = std::fs::read_to_string(repo.join(rel)).unwrap();
    let i = body.lines().enumerate().skip(after).find(|(_, l)| l.trim() == text).unwrap_or_else(|| panic!("`{text}` not in {rel}")).0;
    i as u64 + 1
}

fn edit(repo: &Path, rel: &str, from: &str, to: &str) {
    replace_first(&repo.join(rel), from, to);
}

#[test]
fn before_adoption_there_is_no_book_toml() {
    // The fixture is a plain folder: without book.toml `check` says how to start.
    let out = run(&["check", "--root", fixture("byo-aims").to_str().unwrap(), "--today", TODAY]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("CFG001"), "{}", stderr(&out));
}

#[test]
fn the_adopted_repository_checks_clean_and_builds() {
    let (dir, repo) = adopted();
    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 0, "\n{}", show(&diags));
    assert!(diags.is_empty(), "after adopt, check reports only true findings, and this AIMS has none:\n{}", show(&diags));

    let site = dir.path().join("site");
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // A Markdown link to a data file goes to the page rendering its rows; the raw file is a download.
    let method = page(&site, "doc/GOV-RSK-01.html");
    assert!(method.contains("href=\"../doc/GOV-REG-01.html#register-h\">risk-log.yaml</a>"), "{method}");
    assert!(site.join("files/03-planning/risk-log.yaml").is_file());
    let register = page(&site, "doc/GOV-REG-01.html");
    assert!(register.contains("href=\"../files/03-planning/risk-log.yaml\""), "the register page offers the file as written");
    // Document ids mentioned in prose and table cells link to their page; risk, system and
    // ticket ids do not.
    let policy = page(&site, "doc/GOV-POL-01.html");
    assert!(
        policy.contains("(see <a href=\"../doc/GOV-SCP-01.html\" title=\"Scope of the AI management system\">GOV-SCP-01</a>)"),
        "{policy}"
    );
    assert!(policy.contains("<td><a href=\"../doc/GOV-RSK-01.html\""), "a mention in a table cell is linked");
    let scope = page(&site, "doc/GOV-SCP-01.html");
    assert!(scope.contains("Ticket OPS-4411 records"), "a ticket number stays text");
    assert!(page(&site, "doc/GOV-RSK-01.html").contains("Risk R-07, for instance"), "a risk id stays text");
    // Unknown columns are shown, nested ones as readable text.
    let inventory = page(&site, "doc/GOV-REG-02.html");
    assert!(inventory.contains("business unit") && inventory.contains("datasets: telematics 2023-2026; models: travel-time-gbm v7"));
    // A register cell holding a document id links to the document.
    let issues = page(&site, "doc/GOV-REG-03.html");
    assert!(issues.contains("<a href=\"../doc/OPS-RPT-01.html\">OPS-RPT-01</a>"), "{issues}");
    // Rows of a register without ids get distinct anchors.
    let training = page(&site, "doc/GOV-REG-04.html");
    assert!(training.contains("id=\"row-1\"") && training.contains("id=\"row-3\""));
}

#[test]
fn inferred_schemas_validate_the_rows_they_came_from_and_declare_their_meaning() {
    let (_dir, repo) = adopted();
    for (schema, data, list) in [
        ("risks", RISKS, "risks"),
        ("inventory", INVENTORY, "inventory"),
        ("issues", ISSUES, "issues"),
        ("training", "handbook/05-improvement/training.yaml", "training"),
    ] {
        let schema: Value = read_json(&repo.join(format!("schemas/registers/{schema}.schema.json")));
        let validator = jsonschema::validator_for(&schema).unwrap();
        let rows: Value = serde_saphyr::from_str(&std::fs::read_to_string(repo.join(data)).unwrap()).unwrap();
        let rows = rows[list].as_array().unwrap();
        assert!(!rows.is_empty());
        for row in rows {
            let errors: Vec<String> = validator.iter_errors(row).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{data}: {row} does not validate against its inferred schema: {errors:?}");
        }
        // The schema is strict where it should be: a row with the wrong type fails.
        if let Some((col, _)) = schema["properties"].as_object().unwrap().iter().find(|(_, p)| p["type"] == "integer") {
            let mut bad = rows[0].clone();
            bad[col] = Value::String("high".into());
            assert!(!validator.is_valid(&bad), "{col} must be an integer");
        }
    }
    let inventory: Value = read_json(&repo.join("schemas/registers/inventory.schema.json"));
    let x = &inventory["x-aimsbook"];
    assert_eq!(x["kind"], "systems");
    assert_eq!(x["fields"]["id"], "ref");
    assert_eq!(x["fields"]["lifecycle"], "phase");
    assert_eq!(x["fields"]["risk_level"], "tier");
    assert!(x["operational"].as_array().unwrap().contains(&Value::from("live")));
    assert!(x["retired"].as_array().unwrap().contains(&Value::from("decommissioned")));
    assert_eq!(x["assessment_not_required"], serde_json::json!(["not-required"]));
    let issues: Value = read_json(&repo.join("schemas/registers/issues.schema.json"));
    assert_eq!(issues["x-aimsbook"]["closed"], serde_json::json!(["done"]));
    assert_eq!(issues["x-aimsbook"]["fields"]["status"], "state");
    let training: Value = read_json(&repo.join("schemas/registers/training.schema.json"));
    assert!(training["x-aimsbook"]["key"].is_array(), "no id column: a row key instead");
}

#[test]
fn adopt_never_rewrites_a_document_nor_overwrites_a_file() {
    let (_dir, repo) = temp_copy("byo-aims");
    let before = snapshot(&repo);
    // A schema the user already wrote is kept as it is.
    std::fs::create_dir_all(repo.join("schemas/registers")).unwrap();
    let own = "{\"type\": \"object\", \"x-aimsbook\": {\"kind\": \"records\", \"key\": [\"person\", \"course\", \"date\"]}}\n";
    std::fs::write(repo.join("schemas/registers/training.schema.json"), own).unwrap();
    let out = adopt(&repo);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("training.schema.json exists, left as it is"), "{}", stdout(&out));
    let after = snapshot(&repo);
    for (rel, bytes) in &before {
        assert_eq!(after.get(rel), Some(bytes), "{rel} was changed");
    }
    assert_eq!(std::fs::read_to_string(repo.join("schemas/registers/training.schema.json")).unwrap(), own);
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert_eq!(
        added,
        vec![
            "book.toml",
            "schemas/registers/inventory.schema.json",
            "schemas/registers/issues.schema.json",
            "schemas/registers/risks.schema.json",
            "schemas/registers/training.schema.json"
        ],
        "only book.toml and the schemas are written, no temporary file is left"
    );
    // A second run changes nothing.
    let book = std::fs::read(repo.join("book.toml")).unwrap();
    let out = adopt(&repo);
    assert_eq!(code(&out), 0);
    assert_eq!(snapshot(&repo), after);
    assert_eq!(std::fs::read(repo.join("book.toml")).unwrap(), book);
    // The report names what each mapping assumed and what front matter is missing.
    let text = stdout(&out);
    assert!(text.contains("handbook/02-leadership/ai-policy.md (GOV-POL-01): front matter complete"), "{text}");
}

#[test]
fn the_report_lists_missing_front_matter_per_document() {
    let (_dir, repo) = temp_copy("byo-aims");
    edit(&repo, "handbook/02-leadership/roles-and-duties.md", "approver: \"Executive Committee\"\n", "");
    let out = adopt(&repo);
    let text = stdout(&out);
    assert!(text.contains("handbook/02-leadership/roles-and-duties.md (GOV-ROL-01): missing `approver`"), "{text}");
    assert!(text.contains("`phase` plays the role `lifecycle`"), "{text}");
    assert!(text.contains("`state`: `done` taken as closed, `in-progress` as open"), "{text}");
    assert!(text.contains("1 error(s)"), "{text}");
}

/// Every fault in the broken copy is reported with its code, file and line, and nothing else.
#[test]
fn a_broken_copy_gets_the_right_code_file_and_line_for_each_fault() {
    let (_dir, repo) = adopted();
    let r = &repo;
    // Risk register: a rating that is not likelihood × severity, a status word nobody declared.
    edit(r, RISKS, "    rating: 16\n", "    rating: 15\n");
    edit(r, RISKS, "    status: in-progress\n", "    status: paused\n");
    // Issue log: done (closed) without a closing date.
    edit(r, ISSUES, "    state: in-progress\n", "    state: done\n");
    // Inventory: the screened-out system loses its reason; the claims assistant goes back to pilot
    // with its assessment in draft.
    edit(
        r,
        INVENTORY,
        "    screening_note: \"Summarises internal meetings; no decision about a person; screened 2026-04-28 by the AI board.\"\n",
        "",
    );
    edit(
        r,
        INVENTORY,
        "    phase: live\n    tier: high\n    accountable: \"Claims manager\"",
        "    phase: pilot\n    tier: high\n    accountable: \"Claims manager\"",
    );
    edit(r, "handbook/03-planning/aia-claims-triage.md", "status: approved\napproved: 2026-05-18\n", "status: draft\n");
    // Documents: a mention of a policy that does not exist, a version changed after approval,
    // minutes that evidence nothing, an unclosed fence.
    edit(
        r,
        "handbook/02-leadership/ai-policy.md",
        "duties it creates are assigned in GOV-ROL-01.",
        "duties it creates are assigned in GOV-ROL-01 and GOV-POL-07.",
    );
    edit(r, "handbook/01-context/scope.md", "{version: \"2.1\", date: 2026-04-02,", "{version: \"2.1\", date: 2026-05-02,");
    edit(r, "handbook/06-evidence/management-review-2026.md", "clauses: [\"9.3\"]", "clauses: []");
    edit(r, "handbook/04-operation/model-change.md", "shadow_days: 14\n```\n", "shadow_days: 14\n");
    // Training records have no id: a bad date is reported at its line, the row named by its key.
    edit(r, TRAINING, "    date: 2026-05-21\n", "    date: 21 May\n");

    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 1, "\n{}", show(&diags));
    let r11 = line_of(r, RISKS, "- ref: R-11", 0) as usize;
    let ai02 = line_of(r, INVENTORY, "- ref: AI-02", 0);
    let ai03 = line_of(r, INVENTORY, "- ref: AI-03", 0) as usize;
    let nc2 = line_of(r, ISSUES, "- ref: NC-2026-002", 0) as usize;
    let mut expected = vec![
        ("REG008".to_string(), RISKS.to_string(), line_of(r, RISKS, "rating: 15", 0)),
        ("REG005".into(), RISKS.into(), line_of(r, RISKS, "status: paused", r11)),
        ("REG009".into(), ISSUES.into(), line_of(r, ISSUES, "state: done", nc2)),
        ("REG010".into(), INVENTORY.into(), line_of(r, INVENTORY, "aia_screening: not-required", ai03)),
        ("REG012".into(), INVENTORY.into(), ai02),
        ("DC017".into(), "handbook/03-planning/aia-claims-triage.md".into(), 8),
        ("LNK006".into(), "handbook/02-leadership/ai-policy.md".into(), 22),
        ("DC023".into(), "handbook/01-context/scope.md".into(), 15),
        ("DC024".into(), "handbook/06-evidence/management-review-2026.md".into(), 12),
        ("REG005".into(), TRAINING.into(), line_of(r, TRAINING, "date: 21 May", 0)),
        (
            "SRC008".into(),
            "handbook/04-operation/model-change.md".into(),
            line_of(r, "handbook/04-operation/model-change.md", "```yaml", 0),
        ),
    ];
    expected.sort();
    let mut got: Vec<(String, String, u64)> = diags.iter().map(|d| (d.code.clone(), d.file.clone(), d.line)).collect();
    got.sort();
    assert_eq!(got, expected, "\n{}", show(&diags));
    let dc023 = diags.iter().find(|d| d.code == "DC023").unwrap();
    assert!(
        dc023.message.contains("2.1")
            && dc023.message.contains("2026-05-02")
            && dc023.message.contains("2026-04-02")
            && dc023.message.contains("2.0"),
        "{}",
        dc023.message
    );
    let training = diags.iter().find(|d| d.file == TRAINING).unwrap();
    assert!(training.message.starts_with("row 2 (") && training.message.contains("Femi Adeyemi"), "{}", training.message);
    // GOV-POL-01 (approved) mentions OPS-AIA-02, now a draft, in a table cell: a mention is not a
    // link, so no DC016 (the list above is complete).
    let lnk006 = diags.iter().find(|d| d.code == "LNK006").unwrap();
    assert!(lnk006.message.contains("GOV-POL-07"));
}
