//! Version control and audit snapshots, end to end through the real binary:
//!
//! 1. `aimsbook approve` edits only the front-matter lines it must (byte-exact, CRLF kept), and
//!    the fingerprint it records drives FPR001 (changed since approval);
//! 2. pinned references (`related: ["ID@1.0"]`, `derived_from`) drive SUS001 (suspect link);
//! 3. `snapshot` + `verify` for the folder and the zip, tamper detection, refusal to overwrite,
//!    byte-identical zips, the "About this snapshot" page;
//! 4. `diff` between snapshots / `current`, and the Versions and "Changes since" pages;
//! 5. the snapshot folder opened from file:// in headless Chromium (search, relative links).
//!
//! Every test works on temporary copies of a fixture or of the bundled example (book.toml +
//! content/ at the crate root) and always runs with `--today 2026-11-26`.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn approve(repo: &Path, id: &str, extra: &[&str]) -> Output {
    let mut args = vec!["approve", id, "--root", path_arg(repo), "--today", TODAY];
    args.extend_from_slice(extra);
    run(&args)
}

#[track_caller]
fn assert_clean(repo: &Path) {
    let (code, diags) = check_json(repo, &[]);
    assert!(diags.is_empty() && code == 0, "expected a clean check (exit {code}):\n{}", show(&diags));
}

/// Byte-exact comparison that names the first differing line (with \r and \t made visible).
#[track_caller]
fn assert_same_bytes(expected: &str, actual: &str) {
    if expected == actual {
        return;
    }
    let vis = |l: &str| l.replace('\r', "\\r").replace('\t', "\\t");
    let e: Vec<&str> = expected.split_inclusive('\n').collect();
    let a: Vec<&str> = actual.split_inclusive('\n').collect();
    let n = e.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(e.len().min(a.len()));
    panic!(
        "files differ at line {}:\n  expected: {:?}\n  actual:   {:?}\n(expected {} lines, got {})\n--- actual file ---\n{}",
        n + 1,
        e.get(n).map(|l| vis(l)),
        a.get(n).map(|l| vis(l)),
        e.len(),
        a.len(),
        vis(actual)
    );
}

/// The `fingerprint: "sha256:…"` line approve wrote (checked for its form).
#[track_caller]
fn fingerprint_line(text: &str) -> String {
    let line = text
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .find(|l| l.starts_with("fingerprint: "))
        .unwrap_or_else(|| panic!("approve wrote no fingerprint line:\n{text}"))
        .to_string();
    let hex = line.strip_prefix("fingerprint: \"sha256:").and_then(|r| r.strip_suffix('"')).unwrap_or("");
    assert!(hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "bad fingerprint line: {line}");
    line
}

/// The value of a top-level front-matter key, quotes removed.
fn fm_value(text: &str, key: &str) -> Option<String> {
    let fm = text.split("\n---").next().unwrap_or("");
    fm.split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .find_map(|l| l.strip_prefix(&format!("{key}:")).map(|v| v.split(" #").next().unwrap().trim().trim_matches('"').to_string()))
}

/// A document of the `clean` fixture family, LF line endings.
fn doc(id: &str, title: &str, extra_fields: &str, body: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: {title}\ntype: procedure\nowner: \"Ada Lovelace\"\napprover: \"Grace Hopper\"\nversion: \"1.0\"\nstatus: approved\napproved: 2026-02-01\nreview_due: 2027-02-01\nclassification: internal\nclauses: [\"4.3\"]\n{extra_fields}history:\n  - version: \"1.0\"\n    date: 2026-02-01\n    author: \"Ada Lovelace\"\n    summary: \"First issue.\"\n---\n\n# {title}\n\n{body}\n"
    )
}

// ---------------------------------------------------------------------------------------------
// 1. approve and FPR001
// ---------------------------------------------------------------------------------------------

/// Front matter and body of the CRLF fixture (joined with "\r\n", no newline at the very end).
const CRLF_LINES: &[&str] = &[
    "---",
    "id: PRO-009",
    "title: Operational Control Procedure",
    "type: procedure",
    "owner: \"Alan Turing\"",
    "approver: \"Grace Hopper\"",
    "version: \"1.0\" # set by approve",
    "status: approved",
    "approved: 2026-05-01",
    "review_due: 2027-05-01",
    "classification: internal",
    "# a comment line inside the front matter",
    "clauses: [\"8.1\"]",
    "history:",
    "  - version: \"1.0\"",
    "    date: 2026-05-01",
    "    author: \"Alan Turing\"",
    "    summary: \"First issue.\"",
    "related: [\"POL-001\"]",
    "---",
    "",
    "# Operational Control Procedure",
    "",
    "Line with trailing spaces   ",
    "\tA tabbed line \u{2014} with \u{201c}typographic\u{201d} quotes.",
    "",
    "***",
    "",
    "| step | owner |",
    "|------|-------|",
    "| 1    | Ops   |",
    "",
    "Final line without a newline",
];

#[test]
fn approve_edits_only_the_lines_it_must_and_fingerprint_drives_fpr001() {
    let (_dir, repo) = temp_copy("clean");
    let file = repo.join("content/risk/operational-control.md");
    let rel = "content/risk/operational-control.md";
    let original = CRLF_LINES.join("\r\n");
    write(&file, &original);
    assert_clean(&repo);

    // --- approve: a minor bump by a new approver, explicit date and summary.
    let out = approve(
        &repo,
        "PRO-009",
        &["--by", "Board of Directors", "--date", "2026-11-20", "--summary", "Annual review: no change of substance."],
    );
    assert_ok(&out, "approve PRO-009");
    assert!(stderr(&out).contains("PRO-009 is now version 1.1"), "{}", stderr(&out));
    let approved_text = read(&file);
    let fp = fingerprint_line(&approved_text);

    let mut expected: Vec<String> = CRLF_LINES.iter().map(|l| l.to_string()).collect();
    let at = |v: &Vec<String>, l: &str| v.iter().position(|x| x == l).unwrap();
    let i = at(&expected, "approver: \"Grace Hopper\"");
    expected[i] = "approver: \"Board of Directors\"".into();
    let i = at(&expected, "version: \"1.0\" # set by approve");
    expected[i] = "version: \"1.1\" # set by approve".into();
    let i = at(&expected, "approved: 2026-05-01");
    expected[i] = "approved: 2026-11-20".into();
    // review_due (2027-05-01) is after the approval: kept.
    let i = at(&expected, "    summary: \"First issue.\"");
    for (n, l) in [
        "  - version: \"1.1\"",
        "    date: 2026-11-20",
        "    author: \"Board of Directors\"",
        "    summary: \"Annual review: no change of substance.\"",
    ]
    .iter()
    .enumerate()
    {
        expected.insert(i + 1 + n, l.to_string());
    }
    let close = expected.iter().skip(1).position(|l| l == "---").unwrap() + 1;
    expected.insert(close, fp.clone());
    assert_same_bytes(&expected.join("\r\n"), &approved_text);
    // The body, from the closing `---` on, is byte-identical.
    let body_of = |t: &str| t.split_once("\r\n---\r\n").map(|(_, b)| b.to_string()).unwrap();
    assert_eq!(body_of(&approved_text), body_of(&original));
    assert_clean(&repo);

    // --- whitespace-only edits do not count as changes (trailing spaces, line endings, blank lines).
    let ws = approved_text.replace("Line with trailing spaces   \r\n", "Line with trailing spaces\n") + "\r\n\r\n";
    std::fs::write(&file, &ws).unwrap();
    assert_clean(&repo);
    std::fs::write(&file, &approved_text).unwrap();

    // --- an edit of the body: FPR001 at the fingerprint line.
    edit(&file, "| 1    | Ops   |", "| 1    | Risk  |");
    let (code, diags) = check_json(&repo, &[]);
    let fpr = with_code(&diags, "FPR001");
    assert_eq!(fpr.len(), 1, "{}", show(&diags));
    assert_eq!(code, 1, "FPR001 is an error");
    assert_eq!((fpr[0].severity.as_str(), fpr[0].file.as_str()), ("error", rel));
    assert_eq!(fpr[0].line, line_no(&read(&file), "fingerprint:"), "FPR001 points at the fingerprint line");
    assert!(fpr[0].message.contains("PRO-009"), "{}", fpr[0].message);
    assert_eq!(diags.len(), 1, "only FPR001 expected:\n{}", show(&diags));

    // --- an editorial change recorded with --bump patch: clean again, version 1.1.1, approval kept.
    let before_patch = read(&file);
    let out = approve(&repo, "PRO-009", &["--by", "Alan Turing", "--bump", "patch"]);
    assert_ok(&out, "approve --bump patch");
    let patched = read(&file);
    assert_eq!(fm_value(&patched, "version").as_deref(), Some("1.1.1"));
    assert_eq!(fm_value(&patched, "approved").as_deref(), Some("2026-11-20"), "a patch keeps the approval date");
    assert_eq!(fm_value(&patched, "approver").as_deref(), Some("Board of Directors"), "a patch keeps the approver");
    assert_eq!(fm_value(&patched, "status").as_deref(), Some("approved"));
    assert_eq!(fm_value(&patched, "review_due").as_deref(), Some("2027-05-01"));
    assert!(patched.contains("  - version: \"1.1.1\"\r\n    date: 2026-11-26\r\n    author: \"Alan Turing\"\r\n"), "{patched}");
    assert_ne!(fingerprint_line(&patched), fp, "the new fingerprint covers the edited body");
    assert_eq!(body_of(&patched), body_of(&before_patch), "approve never touches the body");
    assert!(!patched.contains("\r\r") && patched.matches('\n').count() == patched.matches("\r\n").count(), "CRLF kept throughout");
    assert_clean(&repo);

    // --- a controlled field (title) is covered by the fingerprint too.
    edit(&file, "title: Operational Control Procedure", "title: Operational Controls Procedure");
    let (_, diags) = check_json(&repo, &[]);
    let fpr = with_code(&diags, "FPR001");
    assert_eq!(fpr.len(), 1, "editing the title must trigger FPR001:\n{}", show(&diags));
    assert_eq!(fpr[0].line, line_no(&read(&file), "fingerprint:"));
    // Reverting the edit clears it: the fingerprint is of the content, not of the file's history.
    edit(&file, "title: Operational Controls Procedure", "title: Operational Control Procedure");
    assert_clean(&repo);

    // --- fields approve itself changes are not covered: editing review_due is not FPR001.
    edit(&file, "review_due: 2027-05-01", "review_due: 2027-04-01");
    let (_, diags) = check_json(&repo, &[]);
    assert!(with_code(&diags, "FPR001").is_empty(), "{}", show(&diags));
}

#[test]
fn approving_a_draft_without_history_yields_1_0() {
    let (_dir, repo) = temp_copy("clean");
    let file = repo.join("content/governance/oversight-draft.md");
    let lines = [
        "---",
        "id: PLN-007",
        "title: Human Oversight Plan",
        "type: plan",
        "owner: \"Ada Lovelace\"",
        "approver: \"Board of Directors\"",
        "version: \"0.3\"",
        "status: draft",
        "review_due: 2026-06-01",
        "classification: internal",
        "clauses: [\"6.2\"]",
        "---",
        "",
        "# Human Oversight Plan",
        "",
        "Oversight is exercised by trained reviewers.  ",
        "",
    ];
    let original = lines.join("\n");
    write(&file, &original);
    let (_, diags) = check_json(&repo, &[]);
    assert!(!with_code(&diags, "DC017").is_empty(), "the fixture is a draft:\n{}", show(&diags));

    let out = approve(&repo, "PLN-007", &["--by", "Board of Directors"]);
    assert_ok(&out, "approve PLN-007");
    let text = read(&file);
    let fp = fingerprint_line(&text);
    let expected = [
        "---",
        "id: PLN-007",
        "title: Human Oversight Plan",
        "type: plan",
        "owner: \"Ada Lovelace\"",
        "approver: \"Board of Directors\"",
        "version: \"1.0\"",
        "status: approved",
        // The review date was before the approval: one year after it.
        "review_due: 2027-11-26",
        "classification: internal",
        "clauses: [\"6.2\"]",
        "approved: 2026-11-26",
        "history:",
        "  - version: \"1.0\"",
        "    date: 2026-11-26",
        "    author: \"Board of Directors\"",
        "    summary: \"Approved by Board of Directors.\"",
        &fp,
        "---",
        "",
        "# Human Oversight Plan",
        "",
        "Oversight is exercised by trained reviewers.  ",
        "",
    ]
    .join("\n");
    assert_same_bytes(&expected, &text);
    assert_clean(&repo);
}

#[test]
fn first_approval_of_a_draft_numbered_1_0_keeps_1_0() {
    let (_dir, repo) = temp_copy("clean");
    let file = repo.join("content/governance/draft.md");
    write(
        &file,
        "---\nid: PLN-008\ntitle: Draft Plan\ntype: plan\nowner: \"Ada Lovelace\"\napprover: \"Board of Directors\"\nversion: \"1.0\"\nstatus: draft\nreview_due: 2027-06-01\nclassification: internal\nclauses: [\"6.2\"]\n---\n\n# Draft Plan\n\nText.\n",
    );
    assert_ok(&approve(&repo, "PLN-008", &["--by", "Board of Directors"]), "approve PLN-008");
    let text = read(&file);
    assert_eq!(
        fm_value(&text, "version").as_deref(),
        Some("1.0"),
        "the first approval of a never-approved draft is its version 1.0:\n{text}"
    );
    // And it was approved: status, date and fingerprint recorded.
    assert_eq!(fm_value(&text, "status").as_deref(), Some("approved"), "{text}");
    assert_eq!(fm_value(&text, "approved").as_deref(), Some(TODAY), "{text}");
    fingerprint_line(&text);
}

#[test]
fn approve_keeps_the_alignment_of_trailing_comments() {
    let (_dir, repo) = temp_copy("clean");
    let file = repo.join("content/risk/aligned.md");
    write(
        &file,
        doc("PRO-011", "Aligned Comments", "", "Body.").replace("version: \"1.0\"\n", "version: \"1.0\"      # bumped by approve\n"),
    );
    assert_clean(&repo);
    assert_ok(&approve(&repo, "PRO-011", &["--by", "Grace Hopper"]), "approve PRO-011");
    let text = read(&file);
    assert!(text.contains("\nversion: \"1.1\"      # bumped by approve\n"), "the comment's alignment must be kept:\n{text}");
}

#[test]
fn approve_replaces_a_quoted_value_containing_a_hash_cleanly() {
    let (_dir, repo) = temp_copy("clean");
    let file = repo.join("content/risk/hash.md");
    write(&file, doc("PRO-012", "Hash In Value", "", "Body.").replace("approver: \"Grace Hopper\"", "approver: \"Risk Committee #2\""));
    assert_clean(&repo);
    assert_ok(&approve(&repo, "PRO-012", &["--by", "Board of Directors"]), "approve PRO-012");
    let text = read(&file);
    let line = text.lines().find(|l| l.starts_with("approver:")).unwrap();
    assert_eq!(line, "approver: \"Board of Directors\"", "no fragment of the old value may remain:\n{text}");
}

#[test]
fn approve_keeps_lf_front_matter_when_the_body_has_a_crlf_line() {
    let (_dir, repo) = temp_copy("clean");
    let file = repo.join("content/risk/mixed.md");
    let original = doc("PRO-013", "Mixed Line Endings", "", "| a | b |\r\n|---|---|\r\nplain LF line");
    write(&file, &original);
    assert_clean(&repo);
    assert_ok(&approve(&repo, "PRO-013", &["--by", "Grace Hopper"]), "approve PRO-013");
    let text = read(&file);
    for untouched in
        ["id: PRO-013\n", "title: Mixed Line Endings\n", "owner: \"Ada Lovelace\"\n", "classification: internal\n", "clauses: [\"4.3\"]\n"]
    {
        assert!(text.contains(untouched), "untouched line {untouched:?} changed its line ending:\n{}", text.replace('\r', "\\r"));
    }
    assert!(text.ends_with("\n\n# Mixed Line Endings\n\n| a | b |\r\n|---|---|\r\nplain LF line\n"));
    // And the approval happened, with LF endings on the lines it wrote.
    assert!(text.contains("\nversion: \"1.1\"\n"), "the version was bumped:\n{}", text.replace('\r', "\\r"));
    assert!(!fingerprint_line(&text).contains('\r'));
}

#[test]
fn editing_the_governed_data_file_triggers_fpr001() {
    let (_dir, repo) = example_repo();
    assert_ok(&approve(&repo, "SOA-001", &["--by", "AI Governance Committee"]), "approve SOA-001");
    assert_clean(&repo);
    let soa = repo.join("content/data/soa.yaml");
    let text = read(&soa);
    let at = text.find("  - control: A.2.2").unwrap();
    let j = at + text[at..].find("implementation: implemented").unwrap();
    let changed =
        format!("{}implementation: partial\n    target_date: 2027-03-01{}", &text[..j], &text[j + "implementation: implemented".len()..]);
    std::fs::write(&soa, changed).unwrap();
    let (_, diags) = check_json(&repo, &[]);
    let fpr = with_code(&diags, "FPR001");
    assert_eq!(fpr.len(), 1, "{}", show(&diags));
    assert!(fpr[0].message.contains("SOA-001"), "{}", fpr[0].message);
}

// ---------------------------------------------------------------------------------------------
// 2. Suspect links (SUS001)
// ---------------------------------------------------------------------------------------------

/// The clean fixture plus PRO-020, pinned to SCO-001@1.0 (related) and POL-001@2.0 (derived_from).
fn pinned_repo() -> (tempfile::TempDir, PathBuf, String, u64, u64) {
    let (dir, repo) = temp_copy("clean");
    let rel = "content/governance/scope-change.md".to_string();
    let text =
        doc("PRO-020", "Scope Change Procedure", "related: [\"SCO-001@1.0\"]\nderived_from: [\"POL-001@2.0\"]\n", "How the scope changes.");
    write(&repo.join(&rel), &text);
    let (related, derived) = (line_no(&text, "related:"), line_no(&text, "derived_from:"));
    (dir, repo, rel, related, derived)
}

#[test]
fn suspect_link_when_the_pinned_target_moves_to_a_new_minor_version() {
    let (_dir, repo, rel, related_line, derived_line) = pinned_repo();
    // Targets at the pinned versions: nothing suspect.
    assert_clean(&repo);

    // SCO-001 approved again: 1.0 → 1.1.
    assert_ok(&approve(&repo, "SCO-001", &["--by", "Board of Directors"]), "approve SCO-001");
    assert_eq!(fm_value(&read(&repo.join("content/governance/scope.md")), "version").as_deref(), Some("1.1"));
    let (code, diags) = check_json(&repo, &[]);
    assert_eq!(code, 0, "SUS001 is a warning:\n{}", show(&diags));
    let sus = with_code(&diags, "SUS001");
    assert_eq!(sus.len(), 1, "{}", show(&diags));
    assert_eq!((sus[0].severity.as_str(), sus[0].file.as_str(), sus[0].line), ("warning", rel.as_str(), related_line));
    assert!(sus[0].message.contains("SCO-001") && sus[0].message.contains("1.0") && sus[0].message.contains("1.1"), "{}", sus[0].message);
    assert_eq!(diags.len(), 1, "{}", show(&diags));

    // POL-001 re-versioned by hand (2.0 → 2.1, with its history entry): derived_from is suspect too.
    let pol = repo.join("content/governance/policy.md");
    edit(&pol, "\nversion: \"2.0\"", "\nversion: \"2.1\"");
    edit(&pol, "    summary: \"Full rewrite.\"\n", "    summary: \"Full rewrite.\"\n  - version: \"2.1\"\n    date: 2026-11-01\n    author: \"Grace Hopper\"\n    summary: \"Clarified.\"\n");
    // Approved again on that day (an approval older than the new version is DC023).
    edit(&pol, "\napproved: 2026-03-01", "\napproved: 2026-11-01");
    let (_, diags) = check_json(&repo, &[]);
    let sus = with_code(&diags, "SUS001");
    let lines: BTreeSet<u64> = sus.iter().map(|d| d.line).collect();
    assert_eq!(lines, BTreeSet::from([related_line, derived_line]), "{}", show(&diags));

    // Reviewed and re-pinned: clean again.
    let b = repo.join(&rel);
    edit(&b, "SCO-001@1.0", "SCO-001@1.1");
    edit(&b, "POL-001@2.0", "POL-001@2.1");
    assert_clean(&repo);
}

#[test]
fn no_suspect_link_for_a_patch_of_the_pinned_target() {
    let (_dir, repo, _rel, _, _) = pinned_repo();
    assert_ok(&approve(&repo, "SCO-001", &["--by", "Ada Lovelace", "--bump", "patch"]), "approve SCO-001 --bump patch");
    assert_eq!(fm_value(&read(&repo.join("content/governance/scope.md")), "version").as_deref(), Some("1.0.1"));
    assert_clean(&repo);
}

// ---------------------------------------------------------------------------------------------
// 3. snapshot + verify
// ---------------------------------------------------------------------------------------------

const LABEL: &str = "2026-stage2";

/// `aimsbook snapshot --label LABEL --out OUT` on `repo`; returns the manifest sha printed.
#[track_caller]
fn snapshot_into(repo: &Path, out: &Path, label: &str) -> String {
    let o = take_snapshot(repo, label, out, &[]);
    assert_ok(&o, "snapshot");
    let sha = stdout(&o).trim().strip_prefix("manifest sha256: ").unwrap_or_else(|| panic!("stdout: {}", stdout(&o))).to_string();
    assert_eq!(sha.len(), 64);
    sha
}

fn verify(path: &Path) -> Output {
    run(&["verify", path_arg(path)])
}

/// The `added/removed/modified` lines `verify` printed.
fn verify_findings(out: &Output) -> Vec<(String, String)> {
    stdout(out)
        .lines()
        .filter_map(|l| {
            let (kind, path) = l.split_once(char::is_whitespace)?;
            matches!(kind, "added" | "removed" | "modified").then(|| (kind.to_string(), path.trim().to_string()))
        })
        .collect()
}

#[track_caller]
fn assert_verify_fails_with(path: &Path, kind: &str, file: &str) {
    let out = verify(path);
    assert_eq!(code(&out), 1, "verify {} must fail\nstdout:\n{}\nstderr:\n{}", path.display(), stdout(&out), stderr(&out));
    assert_eq!(verify_findings(&out), vec![(kind.to_string(), file.to_string())], "stdout:\n{}", stdout(&out));
    assert!(stderr(&out).contains("NOT VERIFIED"), "{}", stderr(&out));
}

/// The entries of a zip, in order: (name, bytes).
fn zip_entries(src: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

/// Writes the entries of a snapshot zip to `dst`, passing each through `f` (None drops it) and
/// appending `extra` entries.
fn rewrite_zip(entries: &[(String, Vec<u8>)], dst: &Path, f: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>, extra: &[(&str, &[u8])]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    // Stored, not deflated: the content is what matters, and it keeps the test fast.
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        if let Some(bytes) = f(name, bytes.clone()) {
            w.start_file(name.as_str(), options).unwrap();
            w.write_all(&bytes).unwrap();
        }
    }
    for (name, bytes) in extra {
        w.start_file(name.to_string(), options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

fn flip_middle_byte(mut bytes: Vec<u8>) -> Vec<u8> {
    let i = bytes.len() / 2;
    bytes[i] ^= 0x01;
    bytes
}

#[test]
fn snapshot_of_the_example_verifies_describes_itself_and_detects_tampering() {
    let (dir, repo) = example_repo();
    let snaps = dir.path().join("snaps");
    let sha = snapshot_into(&repo, &snaps, LABEL);
    let folder = snaps.join(LABEL);
    let zip_path = snaps.join(format!("{LABEL}.zip"));

    for p in [&folder, &zip_path] {
        let out = verify(p);
        assert_ok(&out, "verify");
        assert!(verify_findings(&out).is_empty(), "{}", stdout(&out));
        assert!(stdout(&out).contains(&format!("manifest sha256: {sha}")), "verify reports the same manifest hash as snapshot");
    }
    // The manifest lists every file of the folder but itself.
    let files = snapshot(&folder);
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let listed: BTreeSet<&str> = manifest["files"].as_object().unwrap().keys().map(String::as_str).collect();
    let present: BTreeSet<&str> = files.keys().map(String::as_str).filter(|f| *f != "manifest.json").collect();
    assert_eq!(listed, present);
    for f in ["index.html", "about.html", "snapshot.json", "search.html", "static/search-index.js", "doc/POL-001.html"] {
        assert!(listed.contains(f), "{f} missing from the manifest");
    }
    assert_about_page(&folder);

    // Folder: one byte of a page changed / a file added / a file removed.
    let modified = dir.path().join("modified");
    copy_dir(&folder, &modified);
    let p = modified.join("index.html");
    std::fs::write(&p, flip_middle_byte(std::fs::read(&p).unwrap())).unwrap();
    assert_verify_fails_with(&modified, "modified", "index.html");

    let added = dir.path().join("added");
    copy_dir(&folder, &added);
    std::fs::write(added.join("doc/extra.html"), "<p>not part of the snapshot</p>").unwrap();
    assert_verify_fails_with(&added, "added", "doc/extra.html");

    let removed = dir.path().join("removed");
    copy_dir(&folder, &removed);
    std::fs::remove_file(removed.join("doc/POL-001.html")).unwrap();
    assert_verify_fails_with(&removed, "removed", "doc/POL-001.html");

    // Zip: a faithful rewrite still verifies (so the failures below are the tampering's).
    let entries = zip_entries(&zip_path);
    assert!(entries.iter().all(|(n, _)| n.starts_with(&format!("{LABEL}/"))), "zip entries live under {LABEL}/");
    let same = dir.path().join("same.zip");
    rewrite_zip(&entries, &same, |_, b| Some(b), &[]);
    assert_ok(&verify(&same), "verify a faithful rewrite of the zip");

    let index = format!("{LABEL}/index.html");
    let zmod = dir.path().join("modified.zip");
    rewrite_zip(&entries, &zmod, |n, b| Some(if n == index { flip_middle_byte(b) } else { b }), &[]);
    assert_verify_fails_with(&zmod, "modified", "index.html");

    let zadd = dir.path().join("added.zip");
    let extra = format!("{LABEL}/doc/extra.html");
    rewrite_zip(&entries, &zadd, |_, b| Some(b), &[(extra.as_str(), b"<p>not part of the snapshot</p>")]);
    assert_verify_fails_with(&zadd, "added", "doc/extra.html");

    let zrem = dir.path().join("removed.zip");
    let pol = format!("{LABEL}/doc/POL-001.html");
    rewrite_zip(&entries, &zrem, |n, b| (n != pol).then_some(b), &[]);
    assert_verify_fails_with(&zrem, "removed", "doc/POL-001.html");

    // Verifying never writes: the original snapshot still verifies.
    assert_ok(&verify(&zip_path), "verify the original zip again");
    assert_eq!(snapshot(&folder), files);
}

#[test]
fn snapshot_with_an_existing_label_is_refused_and_nothing_is_overwritten() {
    let (dir, repo) = temp_copy("clean");
    let snaps = dir.path().join("snaps");
    snapshot_into(&repo, &snaps, LABEL);
    let before = snapshot(&snaps);

    // The repository changes, then the same label again.
    edit(&repo.join("content/governance/scope.md"), "This AI management system covers", "This AI management system now covers");
    let again = || take_snapshot(&repo, LABEL, &snaps, &[]);
    let out = again();
    assert_eq!(code(&out), 2, "a second snapshot with the same label is refused\n{}", stderr(&out));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(snapshot(&snaps), before, "nothing was overwritten or added");

    // Only the zip left: still refused, the zip untouched.
    std::fs::remove_dir_all(snaps.join(LABEL)).unwrap();
    let zip_before = std::fs::read(snaps.join(format!("{LABEL}.zip"))).unwrap();
    let out = again();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(!snaps.join(LABEL).exists(), "the folder was not recreated");
    assert_eq!(std::fs::read(snaps.join(format!("{LABEL}.zip"))).unwrap(), zip_before);
}

#[test]
fn snapshots_of_the_same_input_are_byte_identical() {
    let (dir, repo) = temp_copy("clean");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let sha_a = snapshot_into(&repo, &a, LABEL);
    let sha_b = snapshot_into(&repo, &b, LABEL);
    assert_eq!(sha_a, sha_b);
    let za = std::fs::read(a.join(format!("{LABEL}.zip"))).unwrap();
    let zb = std::fs::read(b.join(format!("{LABEL}.zip"))).unwrap();
    assert!(za == zb, "the two zips differ ({} vs {} bytes)", za.len(), zb.len());
    assert_eq!(snapshot(&a.join(LABEL)), snapshot(&b.join(LABEL)));
}

/// about.html and snapshot.json of an example snapshot: organisation, label, date, tool version
/// and every document with its version and status.
#[track_caller]
fn assert_about_page(folder: &Path) {
    let about = page(folder, "about.html");
    let data: Value = serde_json::from_str(&read(&folder.join("snapshot.json"))).unwrap();
    assert_eq!(data["info"]["label"], LABEL);
    assert_eq!(data["info"]["date"], TODAY);
    assert_eq!(data["info"]["organization"], "Corvid Mutual Insurance Ltd");
    let tool = format!("aimsbook {}", env!("CARGO_PKG_VERSION"));
    assert_eq!(data["info"]["tool"], tool.as_str());

    let dd = |label: &str| {
        let start = about.find(&format!("<dt>{label}</dt><dd>")).unwrap_or_else(|| panic!("about.html has no {label}:\n{about}"));
        let rest = &about[start + label.len() + 13..];
        rest[..rest.find("</dd>").unwrap()].to_string()
    };
    assert_eq!(dd("Organisation"), "Corvid Mutual Insurance Ltd");
    assert_eq!(dd("Label"), format!("<code>{LABEL}</code>"));
    assert_eq!(dd("Date"), format!("<time datetime=\"{TODAY}\">26 November 2026</time>"), "the long date, the ISO date kept");
    assert_eq!(dd("Generated by"), tool);
    assert!(dd("Source commit").contains("not a git repository"));

    let docs = data["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 55, "the example has 55 documents");
    let tbody = &about[about.find("<tbody>").unwrap()..about.find("</tbody>").unwrap()];
    let rows: Vec<&str> = tbody.split("<tr>").skip(1).collect();
    assert_eq!(rows.len(), docs.len(), "one row per document");
    for d in docs {
        let (id, version, status) = (d["id"].as_str().unwrap(), d["version"].as_str().unwrap(), d["status"].as_str().unwrap());
        let row = rows.iter().find(|r| r.contains(&format!(">{id}</a></td>"))).unwrap_or_else(|| panic!("about.html does not list {id}"));
        assert!(row.contains(&format!("<td class=\"num\">{version}</td>")), "{id} row lacks version {version}: {row}");
        assert!(row.contains(&format!(">{status}</span>")), "{id} row lacks status {status}: {row}");
        assert!(row.contains(&format!("href=\"doc/{id}.html\"")), "{id} row links its page relatively: {row}");
    }
    // The other pages carry the snapshot banner linking to the about page.
    assert!(page(folder, "index.html").contains("href=\"about.html\""));
}

// ---------------------------------------------------------------------------------------------
// 4. diff, Versions and "Changes since"
// ---------------------------------------------------------------------------------------------

const REC_900: &str = "---\nid: REC-900\ntitle: Obsolete Working Note\ntype: record\nowner: \"Dr. Priya Raman\"\napprover: \"Dr. Priya Raman\"\nversion: \"1.0\"\nstatus: approved\napproved: 2026-10-01\nreview_due: 2027-10-01\nclassification: internal\nclauses: [\"A.9.3\"]\nrecord_date: 2026-10-01\nretention: \"1 year\"\nhistory:\n  - version: \"1.0\"\n    date: 2026-10-01\n    author: \"Dr. Priya Raman\"\n    summary: \"Recorded.\"\n---\n\n# Obsolete Working Note\n\nA throwaway record.\n";

const POL_900: &str = "---\nid: POL-900\ntitle: Generative AI Acceptable Use Addendum\ntype: policy\nowner: \"Dr. Priya Raman\"\napprover: \"Board of Directors\"\nversion: \"0.1\"\nstatus: draft\nreview_due: 2027-06-01\nclassification: internal\nclauses: [\"5.2\"]\n---\n\n# Generative AI Acceptable Use Addendum\n\nDraft addendum.\n";

type Entry = (String, String, String, String);

/// The expected changes between S1 and S2 by group: (id, what, before, after).
fn expected_changes() -> BTreeMap<&'static str, Vec<Entry>> {
    let e = |id: &str, what: &str, before: &str, after: &str| (id.to_string(), what.to_string(), before.to_string(), after.to_string());
    BTreeMap::from([
        ("added", vec![e("REC-901", "added", "", "1.0")]),
        ("removed", vec![e("REC-900", "removed", "1.0", "")]),
        ("reversioned", vec![e("POL-002", "version", "1.1", "1.2"), e("POL-900", "version", "0.1", "1.0")]),
        ("status", vec![e("POL-900", "status", "draft", "approved")]),
        ("owner", vec![e("ROL-001", "owner", "Helen Marsh (Chief Executive Officer)", "Dr. Priya Raman (Head of AI Governance)")]),
        ("review", vec![e("PRC-003", "review due", "2027-06-10", "2027-03-31")]),
        ("soa", vec![e("A.2.2", "implementation", "implemented", "planned")]),
        ("clauses", vec![e("7.5.3", "status", "evidenced", "implemented")]),
    ])
}

fn json_changes(v: &Value) -> BTreeMap<&'static str, Vec<Entry>> {
    ["added", "removed", "reversioned", "status", "owner", "review", "soa", "clauses"]
        .into_iter()
        .map(|k| {
            let mut items: Vec<Entry> = v[k]
                .as_array()
                .unwrap_or_else(|| panic!("diff json has no array `{k}`: {v}"))
                .iter()
                .map(|c| {
                    let f = |n: &str| c[n].as_str().unwrap_or_else(|| panic!("change without `{n}`: {c}")).to_string();
                    (f("id"), f("what"), f("before"), f("after"))
                })
                .collect();
            items.sort();
            (k, items)
        })
        .collect()
}

/// The example plus REC-900 and the draft POL-900, snapshot S1 in repo/snapshots; then every
/// kind of change made to the repository and snapshot S2.
fn two_snapshots() -> (tempfile::TempDir, PathBuf) {
    let (dir, repo) = example_repo();
    write(&repo.join("content/records/working-note.md"), REC_900);
    write(&repo.join("content/governance/genai-addendum.md"), POL_900);
    let snaps = repo.join("snapshots");
    snapshot_into(&repo, &snaps, "S1");

    // Re-version (approve bumps 1.1 → 1.2) and a change of status (the draft approved, 0.1 → 1.0).
    assert_ok(&approve(&repo, "POL-002", &["--by", "Board of Directors"]), "approve POL-002");
    assert_ok(&approve(&repo, "POL-900", &["--by", "Board of Directors"]), "approve POL-900");
    // Owner, review date.
    edit(
        &repo.join("content/governance/roles.md"),
        "owner: \"Helen Marsh (Chief Executive Officer)\"",
        "owner: \"Dr. Priya Raman (Head of AI Governance)\"",
    );
    edit(&repo.join("content/operations/lifecycle.md"), "review_due: 2027-06-10", "review_due: 2027-03-31");
    // A document added, one removed.
    write(&repo.join("content/records/fresh-note.md"), REC_900.replace("REC-900", "REC-901").replace("Obsolete", "Fresh"));
    std::fs::remove_file(repo.join("content/records/working-note.md")).unwrap();
    // An SoA entry's implementation.
    let soa = repo.join("content/data/soa.yaml");
    let text = read(&soa);
    let at = text.find("  - control: A.2.2").unwrap();
    let j = at + text[at..].find("implementation: implemented").unwrap();
    std::fs::write(&soa, format!("{}implementation: planned\n    target_date: 2027-03-01{}", &text[..j], &text[j + 27..])).unwrap();
    // A clause loses its only record: 7.5.3 evidenced → implemented.
    edit(
        &repo.join("content/records/2026-document-control-check.md"),
        "clauses: [\"7.5.1\", \"7.5.2\", \"7.5.3\"]",
        "clauses: [\"7.5.1\", \"7.5.2\"]",
    );
    assert_clean(&repo);
    snapshot_into(&repo, &snaps, "S2");
    (dir, repo)
}

#[test]
fn diff_lists_every_kind_of_change_and_feeds_the_versions_pages() {
    let (dir, repo) = two_snapshots();
    let snaps = repo.join("snapshots");
    let (s1, s2) = (snaps.join("S1"), snaps.join("S2"));

    // Human output.
    let out = run(&["diff", path_arg(&s1), path_arg(&s2), "--root", path_arg(&repo), "--today", TODAY]);
    assert_ok(&out, "diff S1 S2");
    let text = stdout(&out);
    assert!(text.starts_with("Changes from S1 (2026-11-26) to S2 (2026-11-26)\n"), "{text}");
    let section = |title: &str, n: usize| {
        let head = format!("\n{title} ({n})\n");
        let start = text.find(&head).unwrap_or_else(|| panic!("no section `{title} ({n})` in:\n{text}")) + head.len();
        text[start..].split("\n\n").next().unwrap().to_string()
    };
    let has = |sec: &str, line_start: &str, tail: &str| {
        assert!(sec.lines().any(|l| l.starts_with(line_start) && l.ends_with(tail)), "`{line_start} … {tail}` missing from:\n{sec}");
    };
    has(&section("Documents added", 1), "  + REC-901 ", "(1.0)");
    has(&section("Documents removed", 1), "  - REC-900 ", "(1.0)");
    let sec = section("Documents re-versioned", 2);
    has(&sec, "  ~ POL-002 ", ": version 1.1 → 1.2");
    has(&sec, "  ~ POL-900 ", ": version 0.1 → 1.0");
    has(&section("Status changed", 1), "  ~ POL-900 ", ": status draft → approved");
    has(
        &section("Owner changed", 1),
        "  ~ ROL-001 ",
        ": owner Helen Marsh (Chief Executive Officer) → Dr. Priya Raman (Head of AI Governance)",
    );
    has(&section("Review date changed", 1), "  ~ PRC-003 ", ": review due 2027-06-10 → 2027-03-31");
    has(&section("Statement of Applicability", 1), "  ~ A.2.2", ": implementation implemented → planned");
    has(&section("Clause and control status", 1), "  ~ 7.5.3", ": status evidenced → implemented");

    // JSON, zip against folder.
    let json_of = |old: &str, new: &str, cwd: &Path| -> Value {
        let out = run_in(cwd, &["diff", old, new, "--format", "json", "--root", path_arg(&repo), "--today", TODAY]);
        assert_ok(&out, &format!("diff {old} {new} --format json"));
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", stdout(&out)))
    };
    let s1_zip = snaps.join("S1.zip");
    let v = json_of(path_arg(&s1_zip), path_arg(&s2), dir.path());
    assert_eq!(json_changes(&v), expected_changes());
    assert_eq!((v["old"]["label"].as_str(), v["new"]["label"].as_str()), (Some("S1"), Some("S2")));

    // Against `current`, with the snapshot named relative to the repository root.
    let v = json_of("snapshots/S1.zip", "current", dir.path());
    assert_eq!(json_changes(&v), expected_changes());
    assert_eq!(v["new"]["label"], "current");
    let out = run_in(dir.path(), &["diff", "snapshots/S2", "current", "--root", path_arg(&repo), "--today", TODAY]);
    assert_ok(&out, "diff S2 current");
    assert!(stdout(&out).contains("No changes."), "{}", stdout(&out));

    // [[snapshots]] in book.toml: the Versions page and "Changes since S1".
    let toml = repo.join("book.toml");
    append(&toml, "\n[[snapshots]]\nlabel = \"S1\"\npath = \"snapshots/S1.zip\"\ndate = \"2026-11-26\"\nnote = \"Stage 2 audit copy\"\n");
    let site = dir.path().join("site");
    let out = run_in(dir.path(), &["build", "--root", path_arg(&repo), "--out", path_arg(&site), "--today", TODAY]);
    assert_ok(&out, "build with [[snapshots]]");
    let versions = page(&site, "versions.html");
    for needle in
        ["<strong>S1</strong>", "<code>snapshots/S1.zip</code>", "Stage 2 audit copy", "href=\"changes.html\"", "What changed since S1"]
    {
        assert!(versions.contains(needle), "versions.html lacks {needle}:\n{versions}");
    }
    let changes = page(&site, "changes.html");
    assert_changes_page(&changes);
}

/// changes.html lists the expected changes, each in its section.
#[track_caller]
fn assert_changes_page(changes: &str) {
    assert!(changes.contains("<h1>Changes since S1</h1>"), "{changes}");
    assert!(changes.contains("From snapshot S1 (<time datetime=\"2026-11-26\">26 November 2026</time>)"), "{changes}");
    assert!(!changes.contains("could not be read"), "{changes}");
    let titles = [
        ("added", "Documents added"),
        ("removed", "Documents removed"),
        ("reversioned", "Documents re-versioned"),
        ("status", "Status changed"),
        ("owner", "Owner changed"),
        ("review", "Review date changed"),
        ("soa", "Statement of Applicability"),
        ("clauses", "Clause and control status"),
    ];
    for (key, title) in titles {
        let start = changes.find(&format!("aria-label=\"{title}\"")).unwrap_or_else(|| panic!("changes.html has no section {title}"));
        let sec = &changes[start..start + changes[start..].find("</section>").unwrap()];
        let expected = &expected_changes()[key];
        assert!(sec.contains(&format!("<span class=\"count\">{}</span>", expected.len())), "{title}: wrong count:\n{sec}");
        for (id, what, before, after) in expected {
            let row = format!("<td class=\"nowrap\">{id}</td>",);
            let at = sec.find(&row).unwrap_or_else(|| panic!("{title} lacks {id}:\n{sec}"));
            let tr = &sec[at..at + sec[at..].find("</tr>").unwrap()];
            let cells = format!("<td>{what}</td><td>{before}</td><td>{after}</td>");
            assert!(tr.contains(&cells), "{title}/{id}: expected {cells} in {tr}");
        }
    }
}

#[test]
fn changes_page_resolves_the_snapshot_path_against_the_repository_root() {
    let (dir, repo) = two_snapshots();
    // A decoy at the same relative path under the working directory: S2, which has no changes.
    let cwd = dir.path().join("elsewhere");
    std::fs::create_dir_all(cwd.join("snapshots")).unwrap();
    std::fs::copy(repo.join("snapshots/S2.zip"), cwd.join("snapshots/S1.zip")).unwrap();
    let toml = repo.join("book.toml");
    let cfg = read(&toml) + "\n[[snapshots]]\nlabel = \"S1\"\npath = \"snapshots/S1.zip\"\n";
    std::fs::write(&toml, cfg).unwrap();
    let site = dir.path().join("site");
    let out = run_in(&cwd, &["build", "--root", path_arg(&repo), "--out", path_arg(&site), "--today", TODAY]);
    assert_ok(&out, "build");
    assert_changes_page(&page(&site, "changes.html"));
}

// ---------------------------------------------------------------------------------------------
// 5. The snapshot folder in a real browser, from file://
// ---------------------------------------------------------------------------------------------

/// Every a[href], script[src] and link[href] of the page, as written (not resolved).
const REFS_SCRIPT: &str = "return Array.from(document.querySelectorAll('a[href], script[src], link[href]')).map(function (e) { var a = e.tagName === 'SCRIPT' ? 'src' : 'href'; return [e.tagName.toLowerCase(), e.getAttribute(a)]; });";

/// Result ids of the search page once results are rendered.
const RESULTS_SCRIPT: &str =
    "return Array.from(document.querySelectorAll('#search-results .search-result .result-id')).map(function (e) { return e.textContent; });";

#[track_caller]
fn assert_all_relative(refs: &Value, page_name: &str) {
    let refs = refs.as_array().expect("an array of references");
    assert!(!refs.is_empty(), "{page_name} has no links at all");
    let bad: Vec<String> = refs
        .iter()
        .filter_map(|r| {
            let (tag, v) = (r[0].as_str().unwrap_or(""), r[1].as_str().unwrap_or(""));
            let lower = v.to_ascii_lowercase();
            let scheme = lower.split(['/', '?', '#']).next().unwrap_or("").contains(':');
            (v.starts_with('/') || lower.contains("http:") || lower.contains("https:") || scheme).then(|| format!("<{tag}> {v}"))
        })
        .collect();
    assert!(bad.is_empty(), "{page_name} has non-relative references:\n{}", bad.join("\n"));
}

#[test]
fn snapshot_folder_works_from_file_urls_in_headless_chromium() {
    if !common::clients::browser() {
        return;
    }
    let (dir, repo) = example_repo();
    let snaps = dir.path().join("snaps");
    snapshot_into(&repo, &snaps, LABEL);
    let folder = snaps.join(LABEL).canonicalize().unwrap();
    let url = |rel: &str| format!("file://{}/{rel}", folder.display());

    let driver = webdriver::browser();
    let wait = Duration::from_secs(5);

    // Home page.
    driver.goto(&url("index.html"));
    let text = driver.wait_for("return document.readyState === 'complete' && document.body ? document.body.innerText : '';", wait);
    assert!(text.as_str().unwrap_or("").contains("Corvid Mutual Insurance Ltd"), "home page text:\n{text}");
    assert_all_relative(&driver.execute(REFS_SCRIPT, json!([])), "index.html");

    // An exact id ranks first.
    driver.goto(&url("search.html?q=POL-001"));
    assert_eq!(driver.execute("return document.getElementById('search-input').value;", json!([])), "POL-001", "?q= pre-fills the query");
    let ids = driver.wait_for(RESULTS_SCRIPT, wait);
    let ids: Vec<&str> = ids.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    assert_eq!(ids.first().copied(), Some("POL-001"), "POL-001 must be the first result; got {ids:?}");
    assert_all_relative(&driver.execute(REFS_SCRIPT, json!([])), "search.html?q=POL-001");
    // The first result's link resolves to the document page inside the snapshot folder.
    let href = driver.execute("return document.querySelector('#search-results a').href;", json!([]));
    assert_eq!(href.as_str().unwrap_or(""), url("doc/POL-001.html"));
    assert!(folder.join("doc/POL-001.html").is_file());

    // A word of one document's body (only data-governance.md, PRC-007, uses "reweighting").
    driver.goto(&url("search.html?q=reweighting"));
    let ids = driver.wait_for(RESULTS_SCRIPT, wait);
    let ids: Vec<&str> = ids.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    assert!(ids.contains(&"PRC-007"), "searching a body word must find PRC-007; got {ids:?}");
    assert!(ids.len() <= 2, "a distinctive word should match one or two entries; got {ids:?}");
    let status = driver.execute("return document.getElementById('search-status').textContent;", json!([]));
    assert!(status.as_str().unwrap_or("").contains("reweighting"), "{status}");

    // Following the result link works from file://.
    driver.execute("document.querySelector('#search-results a').click(); return null;", json!([]));
    let landed =
        driver.wait_for("return document.readyState === 'complete' && /PRC-007\\.html$/.test(location.href) ? location.href : '';", wait);
    assert_eq!(
        landed.as_str().unwrap_or(""),
        url("doc/PRC-007.html"),
        "clicking the result opens the document; at {}",
        driver.current_url()
    );
}

#[test]
fn diff_into_a_closed_pipe_does_not_panic() {
    let (dir, repo) = temp_copy("clean");
    let snaps = dir.path().join("snaps");
    snapshot_into(&repo, &snaps, LABEL);
    let mut child = Command::new(bin())
        .args(["diff", path_arg(&snaps.join(LABEL)), "current", "--format", "json", "--root", path_arg(&repo), "--today", TODAY])
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before aimsbook has loaded the repository and printed anything.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!stderr(&out).contains("panicked"), "diff panicked on a closed pipe:\n{}", stderr(&out));
    assert_ne!(out.status.code(), Some(101));
    assert!(out.status.code().is_some(), "diff was killed by a signal on a closed pipe: {:?}", out.status);
}

/// A closing `---` with trailing blanks closes the front matter for the parser, so it must for
/// `approve` too: the approval fields go above it, never into the body (which here has a
/// horizontal rule that could pass for a closing line).
#[test]
fn approve_respects_a_closing_delimiter_with_trailing_blanks() {
    let (_dir, repo) = temp_copy("clean");
    let file = repo.join("content/risk/blanks.md");
    let original = doc("PRO-014", "Trailing Blanks", "", "Intro.\n\n---\n\nAfter the rule.").replace("\n---\n\n# ", "\n---  \n\n# ");
    write(&file, &original);
    assert_clean(&repo);
    assert_ok(&approve(&repo, "PRO-014", &["--by", "Grace Hopper"]), "approve PRO-014");
    let text = read(&file);
    let (front, body) = text.split_once("\n---  \n").unwrap_or_else(|| panic!("the closing line is gone:\n{text}"));
    assert!(front.contains("\nfingerprint: ") && front.contains("\nversion: \"1.1\""), "approval outside the front matter:\n{text}");
    assert_eq!(body, "\n# Trailing Blanks\n\nIntro.\n\n---\n\nAfter the rule.\n", "the body changed");
    assert_clean(&repo);
}
