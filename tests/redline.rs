//! Redlines from git history created here: a document approved as 1.0, 1.1 and 2.0 (with a
//! draft of 2.0 committed in between), then edited without a version bump. The document page
//! lists the approved versions with links to word-level comparisons, each version's text is the
//! one committed when it was approved, and the unversioned edit is called out.

mod common;

use common::*;
use std::path::Path;

const PURPOSE_1_0: &str = "The board approves all AI spending above ten thousand euros.";
const PURPOSE_1_1: &str = "The committee approves all AI spending above five thousand euros.";
const DRAFT_ONLY: &str = "Drafting note: ask finance about thresholds.";
const DUTY_2_0: &str = "Report to the board every quarter.";

fn write_version(repo: &Path, version: &str, status: &str, approved: Option<&str>, history: &[(&str, &str)], body: &str) {
    let mut fm = format!(
        "---\nid: A-001\ntitle: Alpha\ntype: policy\nowner: \"Owner One\"\napprover: \"Approver One\"\nversion: \"{version}\"\nstatus: {status}\n"
    );
    if let Some(a) = approved {
        fm.push_str(&format!("approved: {a}\n"));
    }
    fm.push_str("review_due: 2027-06-01\nclassification: internal\nclauses: [\"5.2\"]\nhistory:\n");
    for (v, date) in history {
        fm.push_str(&format!("  - version: \"{v}\"\n    date: {date}\n    author: \"Owner One\"\n    summary: \"Version {v}.\"\n"));
    }
    std::fs::write(repo.join("content/a.md"), format!("{fm}---\n\n# Alpha\n\n{body}")).unwrap();
}

fn body(purpose: &str, duties: &[&str]) -> String {
    let items: String = duties.iter().map(|d| format!("- {d}\n")).collect();
    format!("## Purpose\n\n{purpose}\n\n## Duties\n\n{items}")
}

/// The repository with its history; returns the temp dir (repo at `repo`).
fn repository() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, repo) = temp_copy("codes/base");
    git(&repo, &["init", "-q"]);
    let h10 = [("1.0", "2026-01-10")];
    write_version(&repo, "1.0", "approved", Some("2026-01-10"), &h10, &body(PURPOSE_1_0, &["Keep a register of models."]));
    commit_all(&repo, "Approve 1.0");
    let h11 = [("1.0", "2026-01-10"), ("1.1", "2026-03-01")];
    write_version(&repo, "1.1", "approved", Some("2026-03-01"), &h11, &body(PURPOSE_1_1, &["Keep a register of models."]));
    commit_all(&repo, "Approve 1.1");
    write_version(&repo, "2.0", "draft", None, &h11, &body(PURPOSE_1_1, &["Keep a register of models.", DRAFT_ONLY]));
    commit_all(&repo, "Draft 2.0");
    let h20 = [("1.0", "2026-01-10"), ("1.1", "2026-03-01"), ("2.0", "2026-06-15")];
    let approved_2_0 = body(PURPOSE_1_1, &["Keep a register of models.", DUTY_2_0]);
    write_version(&repo, "2.0", "approved", Some("2026-06-15"), &h20, &approved_2_0);
    commit_all(&repo, "Approve 2.0");
    // The text changes, the version does not.
    write_version(&repo, "2.0", "approved", Some("2026-06-15"), &h20, &approved_2_0.replace("every quarter", "every month"));
    commit_all(&repo, "Tweak wording");
    (dir, repo)
}

#[test]
fn document_page_lists_approved_versions_with_redlines_from_git() {
    let (dir, repo) = repository();
    let site = dir.path().join("site");
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let doc = page(&site, "doc/A-001.html");
    assert!(doc.contains("Approved versions"), "the versions section is shown");
    for v in ["1.0", "1.1", "2.0"] {
        assert!(doc.contains(&format!("Version {v}, approved")), "version {v} listed");
    }
    assert!(doc.contains("href=\"../doc/A-001/redline-1.1.html\""));
    assert!(doc.contains("href=\"../doc/A-001/redline-2.0.html\""));
    assert!(!site.join("doc/A-001/redline-1.0.html").exists(), "the first version has nothing to compare with");

    let r11 = page(&site, "doc/A-001/redline-1.1.html");
    assert!(r11.contains("<del>board</del><ins>committee</ins>"), "{r11}");
    assert!(r11.contains("<del>ten</del><ins>five</ins>"), "{r11}");
    assert!(r11.contains("<h3>Purpose</h3>") && r11.contains("<h3>Duties</h3>"), "headings kept");
    assert!(r11.contains("2 word(s) inserted, 2 word(s) deleted"), "{r11}");

    // 2.0 is compared as approved, not as drafted.
    let r20 = page(&site, "doc/A-001/redline-2.0.html");
    assert!(r20.contains(&format!("<ins>• {DUTY_2_0}</ins>")), "{r20}");
    assert!(!r20.contains("Drafting note"), "a draft commit is not an approved version");
    assert!(r20.contains("<h1>Alpha: changes from version 1.1 to version 2.0</h1>"));
    assert!(r20.contains("href=\"../../doc/A-001.html\""), "links back to the document");
}

#[test]
fn a_text_change_without_a_version_bump_is_called_out() {
    let (dir, repo) = repository();
    let site = dir.path().join("site");
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = page(&site, "doc/A-001.html");
    assert!(doc.contains("Changed without a new version."), "uncontrolled change flagged");
    assert!(doc.contains("href=\"../doc/A-001/redline-current.html\""));
    let current = page(&site, "doc/A-001/redline-current.html");
    assert!(current.contains("<del>quarter</del><ins>month</ins>."), "{current}");
    assert!(current.contains("1 word(s) inserted, 1 word(s) deleted"));

    // Once the edit is approved as a new version, nothing is uncontrolled.
    let h21 = [("1.0", "2026-01-10"), ("1.1", "2026-03-01"), ("2.0", "2026-06-15"), ("2.1", "2026-07-01")];
    let text = std::fs::read_to_string(repo.join("content/a.md")).unwrap();
    let body_now = text.split("# Alpha\n\n").nth(1).unwrap().to_string();
    write_version(&repo, "2.1", "approved", Some("2026-07-01"), &h21, &body_now);
    commit_all(&repo, "Approve 2.1");
    let site2 = dir.path().join("site2");
    let out = build(&repo, &site2, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = page(&site2, "doc/A-001.html");
    assert!(!doc.contains("Changed without a new version."));
    assert!(!site2.join("doc/A-001/redline-current.html").exists());
    assert!(page(&site2, "doc/A-001/redline-2.1.html").contains("<del>quarter</del><ins>month</ins>."));
}

#[test]
fn without_git_there_are_no_redlines() {
    let (dir, repo) = temp_copy("codes/base");
    let site = dir.path().join("site");
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!page(&site, "doc/A-001.html").contains("Approved versions"));
    assert!(!site.join("doc/A-001").exists());
}

#[test]
fn diff_and_changes_page_show_text_changes_and_uncontrolled_edits() {
    let (dir, repo) = repository();
    // A snapshot of the approved 2.1-less state: version 2.0 with "every month".
    let snaps = dir.path().join("snaps");
    let out = take_snapshot(&repo, "s1", &snaps, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let snap = snaps.join("s1");

    // An unversioned edit, and nothing else.
    let text = std::fs::read_to_string(repo.join("content/a.md")).unwrap();
    std::fs::write(repo.join("content/a.md"), text.replace("register of models", "register of all AI models")).unwrap();
    let out = run(&["diff", snap.to_str().unwrap(), "current", "--root", repo.to_str().unwrap(), "--today", TODAY]);
    let shown = stdout(&out);
    assert!(!shown.contains("No changes"), "{shown}");
    assert!(shown.contains("Text changed (1)"), "{shown}");
    assert!(
        shown.contains("A-001 Alpha: 2 word(s) inserted, 0 deleted, 1 block(s) changed (UNCONTROLLED: version 2.0 unchanged)"),
        "{shown}"
    );
    assert!(shown.contains("• Keep a register of {+all AI +}models."), "{shown}");

    let json = run(&["diff", snap.to_str().unwrap(), "current", "--format", "json", "--root", repo.to_str().unwrap(), "--today", TODAY]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&json)));
    assert_eq!(v["text"][0]["id"], "A-001");
    assert_eq!(v["text"][0]["uncontrolled"], true);
    assert_eq!(v["text"][0]["words_inserted"], 2);

    // The site's "Changes since" page shows the same, with the redline.
    let toml = repo.join("book.toml");
    let cfg = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{cfg}\n[[snapshots]]\nlabel = \"s1\"\npath = \"{}\"\n", snap.to_str().unwrap())).unwrap();
    let site = dir.path().join("site");
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let changes = page(&site, "changes.html");
    assert!(changes.contains("uncontrolled change"), "{changes}");
    assert!(changes.contains("Keep a register of <ins>all AI </ins>models."), "{changes}");
}

/// A version spelled two ways ("1.0" in the front matter, "1.0.0" in the history) is one version:
/// the approved text git holds for "1.0" is the history's "1.0.0", so 1.1 is compared with it
/// and no stray "1.0" version is added after 1.1.
#[test]
fn a_version_spelled_with_and_without_its_patch_is_one_version() {
    let (dir, repo) = temp_copy("codes/base");
    git(&repo, &["init", "-q"]);
    let h10 = [("1.0.0", "2026-01-10")];
    write_version(&repo, "1.0", "approved", Some("2026-01-10"), &h10, &body(PURPOSE_1_0, &["Keep a register of models."]));
    commit_all(&repo, "Approve 1.0");
    let h11 = [("1.0.0", "2026-01-10"), ("1.1", "2026-03-01")];
    write_version(&repo, "1.1", "approved", Some("2026-03-01"), &h11, &body(PURPOSE_1_1, &["Keep a register of models."]));
    commit_all(&repo, "Approve 1.1");
    let site = dir.path().join("site");
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = page(&site, "doc/A-001.html");
    assert_eq!(doc.matches("Version 1.0.0, approved").count(), 1, "{doc}");
    assert!(!doc.contains("Version 1.0, approved"), "no second entry for the same version: {doc}");
    assert!(doc.contains("href=\"../doc/A-001/redline-1.1.html\""));
    let r11 = page(&site, "doc/A-001/redline-1.1.html");
    assert!(r11.contains("<del>board</del><ins>committee</ins>"), "{r11}");
    assert!(!site.join("doc/A-001/redline-1.0.html").exists());
}
