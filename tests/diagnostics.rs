//! One fixture per diagnostic code: every code is triggered from a real repository and the
//! test asserts the code, the repository-relative file, the exact line and column, and the
//! exit code of `aimsbook check`.

mod common;

use common::*;
use std::collections::BTreeSet;

/// (code, file, line, column)
type Expect = (&'static str, &'static str, u64, u64);

/// Fixture under tests/fixtures/codes/, expected exit code of `check`, and the complete list of
/// diagnostics it must produce (nothing more, nothing less).
const TABLE: &[(&str, i32, &[Expect])] = &[
    ("base", 0, &[]),
    ("src002-no-front-matter", 1, &[("SRC002", "content/notes.md", 1, 1)]),
    // The unclosed `---` is reported on the opening line.
    ("src003-unclosed-front-matter", 1, &[("SRC003", "content/a.md", 1, 1)]),
    // `title: "Alpha` on line 3: the quote opens at column 8.
    ("src004-malformed-yaml", 1, &[("SRC004", "content/a.md", 3, 8)]),
    // A YAML list instead of a mapping: the first front-matter line.
    ("src005-not-a-mapping", 1, &[("SRC005", "content/a.md", 2, 1)]),
    // A missing field has no line of its own: the opening `---`.
    ("dc001-missing-field", 1, &[("DC001", "content/a.md", 1, 1)]),
    ("dc002-invalid-enum", 1, &[("DC002", "content/a.md", 4, 1)]),
    ("dc003-invalid-date", 1, &[("DC003", "content/a.md", 10, 1)]),
    // `approved` is missing: reported on the `status` line.
    ("dc004-no-approval-date", 1, &[("DC004", "content/a.md", 8, 1)]),
    ("dc005-approval-in-future", 1, &[("DC005", "content/a.md", 9, 1)]),
    // review_due == approved == today: not after the approval, and due today (0 days).
    ("dc006-review-before-approval", 1, &[("DC006", "content/a.md", 10, 1), ("DC008", "content/a.md", 10, 1)]),
    ("dc007-review-overdue", 1, &[("DC007", "content/a.md", 10, 1)]),
    ("dc008-review-due-soon", 0, &[("DC008", "content/a.md", 10, 1)]),
    // The second file (by path) is the duplicate; column 5 is the id's value.
    ("dc009-duplicate-id", 1, &[("DC009", "content/b.md", 2, 5)]),
    ("dc010-invalid-version", 1, &[("DC010", "content/a.md", 7, 1)]),
    // History entries start on lines 14, 17 and 20; the second goes backwards.
    ("dc011-history-out-of-order", 1, &[("DC011", "content/a.md", 17, 1)]),
    ("dc012-history-not-current", 1, &[("DC012", "content/a.md", 14, 1)]),
    ("dc013-superseded-no-successor", 1, &[("DC013", "content/a.md", 8, 1)]),
    ("dc014-unknown-successor", 1, &[("DC014", "content/a.md", 13, 1)]),
    ("dc015-successor-no-backlink", 1, &[("DC015", "content/a.md", 13, 1)]),
    // `This policy relies on [[B-001]].`: the link starts at column 23.
    ("dc016-approved-links-draft", 0, &[("DC016", "content/a.md", 17, 23), ("DC017", "content/b.md", 8, 1)]),
    ("dc017-draft", 0, &[("DC017", "content/a.md", 8, 1)]),
    ("dc018-draft-with-approval", 1, &[("DC017", "content/a.md", 8, 1), ("DC018", "content/a.md", 9, 1)]),
    ("dc019-unknown-field", 1, &[("DC019", "content/a.md", 13, 1)]),
    ("dc020-wrong-form", 1, &[("DC020", "content/a.md", 13, 1)]),
    ("dc021-field-not-for-type", 0, &[("DC021", "content/a.md", 13, 1)]),
    ("dc022-unknown-related", 1, &[("DC022", "content/a.md", 13, 1)]),
    ("cls001-unknown-clause", 1, &[("CLS001", "content/a.md", 12, 1)]),
    // `See the [procedure](procedures/missing.md).`
    ("lnk001-missing-file", 1, &[("LNK001", "content/a.md", 17, 9)]),
    // `See [[NOPE-001]].`
    ("lnk002-unknown-id", 1, &[("LNK002", "content/a.md", 17, 5)]),
    // `This meets clause [[12.1]].`
    ("lnk003-unknown-clause", 1, &[("LNK003", "content/a.md", 17, 19)]),
    // `See [beta's purpose](b.md#purpose).` after a `## Scope` heading.
    ("lnk004-missing-anchor", 1, &[("LNK004", "content/a.md", 19, 5)]),
    // `Do not [click](javascript:alert(1)).`
    ("lnk005-unsafe-link", 1, &[("LNK005", "content/a.md", 17, 8)]),
    // `See A-007 and B-001, not risk RSK-12 or ticket OPS-4411, nor `A-008` in code.`: only
    // A-007 is of the documents' family (`A-`, `B-`) and names nothing.
    ("lnk006-unknown-mention", 0, &[("LNK006", "content/a.md", 17, 5)]),
    // A-001's current version 2.0 (history line 15) is dated after its approval; B-001's
    // later entry is a patch (1.1 → 1.1.1), which needs no re-approval.
    ("dc023-approval-not-current", 1, &[("DC023", "content/a.md", 15, 1)]),
    // `clauses: []` in a record.
    ("dc024-record-no-clauses", 0, &[("DC024", "content/a.md", 12, 1)]),
    // The ```yaml fence on line 19 is never closed.
    ("src008-unclosed-fence", 0, &[("SRC008", "content/a.md", 19, 1)]),
    // book.toml names an allowed signers file; the approved document has no signature: its `approved` line.
    ("fpr002-unsigned-approval", 1, &[("FPR002", "content/a.md", 9, 1)]),
    // Signed by the listed key, then the approver line was changed: the `approval_signature` line.
    ("fpr003-signature-does-not-verify", 1, &[("FPR003", "content/a.md", 19, 1)]),
    // A valid signature by a key the allowed signers file does not list.
    ("fpr004-unlisted-key", 1, &[("FPR004", "content/a.md", 19, 1)]),
    // Both documents carry the fingerprint `aimsbook approve` wrote; A-001's body was edited
    // afterwards: reported on its `fingerprint` line. B-001 is unchanged.
    ("fpr001-changed-since-approval", 1, &[("FPR001", "content/a.md", 18, 1)]),
    // B-001 is at 2.1.1. A-001's `related: ["B-001@2.0"]` is a minor version behind; D-001's
    // `derived_from: ["B-001@two"]` is no version. C-001's pin at 2.1 is only a patch behind.
    ("sus001-suspect-link", 0, &[("SUS001", "content/a.md", 13, 1), ("SUS001", "content/d.md", 14, 1)]),
    // A repository mapping file (not a document): the line of the unknown `to` id.
    ("xwk001-unknown-id", 1, &[("XWK001", "mappings.yaml", 6, 1)]),
    ("xwk001-unknown-27001-id", 1, &[("XWK001", "mappings.yaml", 11, 1)]),
    // `relationship: related` is not OSCAL's vocabulary: its line.
    ("xwk002-invalid-relationship", 1, &[("XWK002", "mappings.yaml", 7, 1)]),
    // `retention: "Duration of appointment plus 7 years"` on line 14.
    ("ret001-retention-not-understood", 0, &[("RET001", "content/a.md", 14, 1)]),
    // A record without `retention`: reported on its `type` line.
    ("ret002-record-without-retention", 0, &[("RET002", "content/a.md", 4, 1)]),
    // Superseded by B-001 approved 2026-05-25, kept "until superseded + 6 months": disposal
    // date 2026-11-25, the day before TODAY.
    ("ret003-overdue-for-disposal", 0, &[("RET003", "content/a.md", 14, 1)]),
    // The edition `website` publishes public A-001 but not confidential B-001, which A-001
    // links to: `The public policy relies on [[B-001]].` (B-001's link back crosses no edition.)
    ("aud001-refers-to-more-sensitive", 0, &[("AUD001", "content/a.md", 17, 29)]),
    // `classification: restricted` is in the schema's enum but not in [publication] levels.
    ("aud002-classification-not-a-level", 0, &[("AUD002", "content/a.md", 11, 1)]),
    // `language = "de-DE"`; the repository's i18n/en.ftl adds `org-contact`, its i18n/de.ftl
    // does not translate it: reported once, on the German file.
    ("msg001-missing-translation", 0, &[("MSG001", "i18n/de.ftl", 1, 1)]),
    // i18n/de.ftl line 3 is not a `key = text` entry; the entries around it still count.
    ("msg002-broken-message-file", 0, &[("MSG002", "i18n/de.ftl", 3, 1)]),
];

const WARNING_CODES: &[&str] = &[
    "DC008", "DC016", "DC017", "DC021", "DC024", "LNK006", "SRC008", "RET001", "RET002", "RET003", "AUD001", "AUD002", "MSG001", "MSG002",
    "SUS001",
];

/// Codes covered by a dedicated test of this file rather than by TABLE (their repository is
/// built at run time, or they need more than `check`). The test is named after the code
/// (`src006_…`) and asserts it: `every_registered_code_has_a_fixture` looks for both.
const COVERED_ELSEWHERE: &[&str] = &["CFG001", "CFG002", "SRC001", "SRC006", "SRC007", "TPL001", "OUT001"];

/// Code families that tests/traceability.rs covers with its own fixture table and coverage test
/// (`the_table_covers_every_register_and_soa_code`). Every other family is this suite's.
const COVERED_BY_TRACEABILITY: &[&str] = &["REG", "SOA"];

fn key(d: &Diag) -> (String, String, u64, u64) {
    (d.code.clone(), d.file.clone(), d.line, d.column)
}

#[test]
fn every_code_fixture_reports_exactly_its_diagnostics() {
    let mut failures = Vec::new();
    for (name, exit, expected) in TABLE {
        let root = fixture(&format!("codes/{name}"));
        let (rc, diags) = check_json(&root, &[]);
        let mut got: Vec<_> = diags.iter().map(key).collect();
        got.sort();
        let mut want: Vec<_> = expected.iter().map(|(c, f, l, col)| (c.to_string(), f.to_string(), *l, *col)).collect();
        want.sort();
        if got != want || rc != *exit {
            failures.push(format!("{name}: expected exit {exit} and {want:?}\n  got exit {rc}:\n{}", show(&diags)));
        }
        for d in &diags {
            let expected_sev = if WARNING_CODES.contains(&d.code.as_str()) { "warning" } else { "error" };
            if d.severity != expected_sev {
                failures.push(format!("{name}: {} has severity {}, expected {expected_sev}", d.code, d.severity));
            }
            if d.message.trim().is_empty() {
                failures.push(format!("{name}: {} has an empty message", d.code));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The registry as `aimsbook explain --list` prints it: (code, default severity, title).
fn registry() -> Vec<(String, String, String)> {
    let out = run(&["explain", "--list"]);
    assert_eq!(code(&out), 0);
    stdout(&out)
        .lines()
        .map(|l| {
            let (code, rest) = l.split_once(' ').unwrap_or_else(|| panic!("unexpected `explain --list` line {l:?}"));
            let (severity, title) = rest.trim_start().split_once(' ').unwrap_or_else(|| panic!("unexpected `explain --list` line {l:?}"));
            (code.to_string(), severity.to_string(), title.trim_start().to_string())
        })
        .collect()
}

/// The body of `fn NAME…` in this file (up to its closing brace at the start of a line).
fn test_fn_source<'a>(source: &'a str, name_prefix: &str) -> Option<&'a str> {
    let start = source.find(&format!("\nfn {name_prefix}"))? + 1;
    let len = source[start..].find("\n}\n").map(|i| i + 3).unwrap_or(source.len() - start);
    let attributes = &source[..start];
    // Only a test counts, not a helper of the same name.
    attributes.trim_end().rsplit('\n').take_while(|l| l.starts_with("#[")).any(|l| l == "#[test]").then(|| &source[start..start + len])
}

#[test]
fn every_registered_code_has_a_fixture() {
    let registered: BTreeSet<String> = registry().into_iter().map(|(code, _, _)| code).collect();
    let mut covered: BTreeSet<&str> = BTreeSet::new();
    for (_, _, expected) in TABLE {
        covered.extend(expected.iter().map(|e| e.0));
    }
    // A claim in COVERED_ELSEWHERE counts only if the test it names exists and asserts the code.
    let this_suite = include_str!("diagnostics.rs");
    for code in COVERED_ELSEWHERE {
        let name = format!("{}_", code.to_lowercase());
        let body = test_fn_source(this_suite, &name)
            .unwrap_or_else(|| panic!("{code} is listed in COVERED_ELSEWHERE but no #[test] fn {name}… exists"));
        assert!(body.contains(code), "the test fn {name}… does not assert {code}");
        covered.insert(code);
    }
    for c in &covered {
        assert!(registered.contains(*c), "{c} is tested but no longer registered");
    }
    let family = |c: &str| c.chars().take_while(|ch| ch.is_ascii_alphabetic()).collect::<String>();
    let missing: Vec<&String> =
        registered.iter().filter(|c| !COVERED_BY_TRACEABILITY.contains(&family(c).as_str()) && !covered.contains(c.as_str())).collect();
    assert!(missing.is_empty(), "codes without a fixture (add one to TABLE, or a dedicated test named after the code): {missing:?}");
}

/// The heading row of the README's code table, which the rows below it follow.
const README_TABLE_HEAD: &str = "| code | default | meaning |\n|---|---|---|\n";

/// The README's code table, row for row, as the registry says it: every code, in the
/// registry's order, with its default severity and title. `AIMSBOOK_UPDATE_README=1 cargo test
/// --test diagnostics readme` writes it.
#[test]
fn readme_code_table_is_the_registry() {
    let mut want = String::from(README_TABLE_HEAD);
    for (code, severity, title) in registry() {
        want.push_str(&format!("| `{code}` | {severity} | {} |\n", title.replace('|', "\\|")));
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find(README_TABLE_HEAD).expect("README.md has no diagnostic code table (`| code | default | meaning |`)");
    let len =
        readme[start + README_TABLE_HEAD.len()..].split_inclusive('\n').take_while(|l| l.starts_with('|')).map(str::len).sum::<usize>()
            + README_TABLE_HEAD.len();
    let got = &readme[start..start + len];
    if got == want {
        return;
    }
    if std::env::var_os("AIMSBOOK_UPDATE_README").is_some() {
        std::fs::write(&path, format!("{}{want}{}", &readme[..start], &readme[start + len..])).unwrap();
        return;
    }
    let got_rows: BTreeSet<&str> = got.lines().collect();
    let want_rows: BTreeSet<&str> = want.lines().collect();
    let stale: Vec<&&str> = got_rows.difference(&want_rows).collect();
    let absent: Vec<&&str> = want_rows.difference(&got_rows).collect();
    panic!(
        "README.md's code table differs from the registry (src/diagnostics.rs); run \
         `AIMSBOOK_UPDATE_README=1 cargo test --test diagnostics readme` to rewrite it.\n\
         rows not in the registry: {stale:#?}\nrows missing: {absent:#?}{}",
        if stale.is_empty() && absent.is_empty() { "\n(same rows, different order)" } else { "" }
    );
}

#[test]
fn all_diagnostics_of_a_repository_are_reported_in_one_run() {
    let (rc, diags) = check_json(&fixture("multi-error"), &[]);
    assert_eq!(rc, 1, "{}", show(&diags));
    let got: Vec<_> = diags.iter().map(key).collect();
    let want: Vec<(String, String, u64, u64)> = [
        ("DC004", "content/a.md", 8, 1),
        ("LNK002", "content/a.md", 16, 5),
        ("SRC002", "content/b.md", 1, 1),
        ("DC007", "content/c.md", 10, 1),
        ("CLS001", "content/c.md", 12, 1),
        ("DC019", "content/d.md", 13, 1),
        ("LNK001", "content/d.md", 18, 9),
        ("SRC004", "content/e.md", 3, 8),
    ]
    .iter()
    .map(|(c, f, l, col)| (c.to_string(), f.to_string(), *l, *col))
    .collect();
    // The JSON output is sorted by file, line, column and code.
    assert_eq!(got, want, "\n{}", show(&diags));

    // The JSON a CI job reads, field by field (file paths relative to the root, message and
    // help in full).
    let out = run(&["check", "--root", path_arg(&fixture("multi-error")), "--today", TODAY, "--format", "json"]);
    insta::assert_snapshot!("multi_error_json", stdout(&out));

    // The human format reports the same eight findings, each with its source line, a caret
    // under the column and the hint, then the summary.
    let out = check_human(&fixture("multi-error"), &[]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    for (c, f, l, col) in &want {
        let head = format!("error[{c}]");
        let loc = format!("--> {f}:{l}:{col}");
        assert!(err.contains(&head) && err.contains(&loc), "missing {head} {loc} in:\n{err}");
    }
    insta::assert_snapshot!("multi_error_human", err);

    // And build refuses to write anything.
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("site");
    let out = build(&fixture("multi-error"), &out_dir, &[]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(!out_dir.exists(), "a failed build must write nothing");
}

#[test]
fn cfg001_missing_book_toml_exits_2() {
    let root = fixture("codes/cfg001-missing-book");
    let (rc, diags) = check_json(&root, &[]);
    assert_eq!(rc, 2);
    assert_eq!(diags.len(), 1, "{}", show(&diags));
    assert_eq!(key(&diags[0]), ("CFG001".into(), "book.toml".into(), 1, 1));
    assert_eq!(diags[0].severity, "error");

    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("site");
    let out = build(&root, &out_dir, &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("error[CFG001]"), "{}", stderr(&out));
    assert!(!out_dir.exists());
}

#[test]
fn cfg002_unknown_key_names_its_line_and_exits_2() {
    let root = fixture("codes/cfg002-unknown-key");
    let (rc, diags) = check_json(&root, &[]);
    assert_eq!(rc, 2);
    assert_eq!(diags.len(), 1, "{}", show(&diags));
    // book.toml line 6 is `contnet = "content"` under [build].
    assert_eq!(key(&diags[0]), ("CFG002".into(), "book.toml".into(), 6, 1));
    assert!(diags[0].message.contains("contnet"), "{}", diags[0].message);

    let tmp = tempfile::tempdir().unwrap();
    let out = build(&root, &tmp.path().join("site"), &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("error[CFG002]"));
}

#[test]
fn src001_invalid_utf8_reports_line_and_column_of_the_bad_byte() {
    let (_tmp, repo) = temp_copy("codes/base");
    // Line 3 is `title: Caf` followed by a Latin-1 é (0xE9): column 11.
    std::fs::write(repo.join("content/bad.md"), b"---\nid: B-001\ntitle: Caf\xe9\n---\n\nBody.\n").unwrap();
    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 1);
    let got: Vec<_> = diags.iter().map(key).collect();
    assert_eq!(got, vec![("SRC001".into(), "content/bad.md".into(), 3, 11)], "\n{}", show(&diags));
}

#[cfg(unix)]
#[test]
fn src006_symlinks_out_of_the_repository_are_refused() {
    let (tmp, repo) = temp_copy("codes/base");
    let outside_file = tmp.path().join("outside.md");
    std::fs::copy(repo.join("content/a.md"), &outside_file).unwrap();
    let outside_dir = tmp.path().join("outside-dir");
    std::fs::create_dir(&outside_dir).unwrap();
    std::os::unix::fs::symlink(&outside_file, repo.join("content/outside.md")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("nowhere.md"), repo.join("content/broken.md")).unwrap();
    std::os::unix::fs::symlink(&outside_dir, repo.join("content/folder")).unwrap();
    // A link to a file inside the repository is fine.
    std::os::unix::fs::symlink("../book.toml", repo.join("content/settings.toml")).unwrap();

    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 1);
    let got: Vec<_> = diags.iter().map(key).collect();
    assert_eq!(
        got,
        vec![
            ("SRC006".into(), "content/broken.md".into(), 1, 1),
            ("SRC006".into(), "content/folder".into(), 1, 1),
            ("SRC006".into(), "content/outside.md".into(), 1, 1),
        ],
        "\n{}",
        show(&diags)
    );
    // The file outside the repository is never published.
    let out_dir = tmp.path().join("site");
    let out = build(&repo, &out_dir, &[]);
    assert_eq!(code(&out), 1);
    assert!(!out_dir.exists());
}

/// SRC007 (file could not be read). Tests run as root in CI, so permissions cannot make a
/// file unreadable; a file name that is not UTF-8 is the portable trigger on Linux.
#[cfg(target_os = "linux")]
#[test]
fn src007_file_name_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let (_tmp, repo) = temp_copy("codes/base");
    let name = std::ffi::OsStr::from_bytes(b"n\xffame.md");
    std::fs::copy(repo.join("content/a.md"), repo.join("content").join(name)).unwrap();
    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 1);
    let got: Vec<_> = diags.iter().map(key).collect();
    assert_eq!(got, vec![("SRC007".into(), "content/n\u{FFFD}ame.md".into(), 1, 1)], "\n{}", show(&diags));
}

#[test]
fn tpl001_broken_override_template_fails_the_build() {
    let root = fixture("codes/tpl001-broken-template");
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("site");
    let out = build(&root, &out_dir, &[]);
    let err = stderr(&out);
    assert_eq!(code(&out), 1, "{err}");
    // Line 3 of the override is `<h1>{{ book.title }</h1>`.
    assert!(err.contains("error[TPL001]"), "{err}");
    assert!(err.contains("--> themes/default/templates/home.html:3:"), "{err}");
    assert!(!out_dir.exists(), "a failed build must write nothing");
    // `check` compiles the templates too, so it does not pass what `build` refuses.
    let (rc, diags) = check_json(&root, &[]);
    assert_eq!(rc, 1);
    assert_eq!(
        diags.iter().map(key).collect::<Vec<_>>(),
        vec![("TPL001".into(), "themes/default/templates/home.html".into(), 3, 1)],
        "\n{}",
        show(&diags)
    );
}

#[test]
fn out001_refuses_a_foreign_folder_and_the_content_folder() {
    let (tmp, repo) = temp_copy("codes/base");
    // A non-empty folder that aimsbook did not create.
    let foreign = tmp.path().join("docs");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
    let out = build(&repo, &foreign, &[]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains("error[OUT001]"), "{err}");
    assert!(err.contains("--> book.toml:1:1"), "{err}");
    assert_eq!(std::fs::read_to_string(foreign.join("keep.txt")).unwrap(), "mine");
    assert_eq!(std::fs::read_dir(&foreign).unwrap().count(), 1);

    // A folder inside the content folder.
    let inside = repo.join("content/site");
    let out = build(&repo, &inside, &[]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("error[OUT001]"));
    assert!(!inside.exists());

    // The repository itself.
    let before = snapshot(&repo);
    let out = build(&repo, &repo, &[]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("error[OUT001]"));
    assert_eq!(snapshot(&repo), before);
}

// ---------------------------------------------------------------------------------------------
// Bugs found while writing this suite. Each test asserts the correct behaviour.

#[test]
fn links_to_a_broken_document_are_not_reported_twice() {
    // a.md has malformed YAML (SRC004) but claims id A-001; c.md has an invalid status (DC002)
    // but claims id C-001. b.md links to both by id and by path. Only the two real errors
    // should be reported: the links point at files and ids that exist.
    let (rc, diags) = check_json(&fixture("links-to-broken-docs"), &[]);
    assert_eq!(rc, 1);
    let got: Vec<_> = diags.iter().map(key).collect();
    assert_eq!(
        got,
        vec![("SRC004".into(), "content/a.md".into(), 3, 8), ("DC002".into(), "content/c.md".into(), 8, 1),],
        "\n{}",
        show(&diags)
    );
}

#[test]
fn history_date_error_points_at_the_date_line() {
    // Lines 14-16: `  - version: "1.0"`, `    date: 2026-13-10`, `    summary: ...`.
    let (rc, diags) = check_json(&fixture("codes/dc003-history-date"), &[]);
    assert_eq!(rc, 1);
    let got: Vec<_> = diags.iter().map(key).collect();
    assert_eq!(got, vec![("DC003".into(), "content/a.md".into(), 15, 1)], "\n{}", show(&diags));
}

#[test]
fn yaml_error_message_does_not_cite_a_different_line() {
    let (_, diags) = check_json(&fixture("codes/src004-malformed-yaml"), &[]);
    let d = diags.iter().find(|d| d.code == "SRC004").expect("SRC004");
    assert_eq!(d.line, 3);
    // The message currently ends "at line 2, column 8": line 2 of the YAML, line 3 of the file.
    assert!(!d.message.contains("line 2"), "message cites another line than the diagnostic (3): {}", d.message);
}

#[test]
fn out001_guard_is_not_bypassed_by_dotdot() {
    let (_tmp, repo) = temp_copy("codes/base");
    let sneaky = repo.join("nonexistent/../content/generated");
    let out = build(&repo, &sneaky, &[]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("error[OUT001]"), "{}", stderr(&out));
    assert!(!repo.join("content/generated").exists());
}

#[test]
fn src001_column_counts_characters() {
    let (_tmp, repo) = temp_copy("codes/base");
    // `title: Café ` is 12 characters (13 bytes): the invalid 0xFF byte is at column 13.
    let mut bytes = "---\nid: B-001\ntitle: Café ".as_bytes().to_vec();
    bytes.extend_from_slice(b"\xff\n---\n");
    std::fs::write(repo.join("content/bad.md"), bytes).unwrap();
    let (_, diags) = check_json(&repo, &[]);
    let got: Vec<_> = diags.iter().map(key).collect();
    assert_eq!(got, vec![("SRC001".into(), "content/bad.md".into(), 3, 13)], "\n{}", show(&diags));
}
