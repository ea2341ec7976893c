//! Command-line behaviours not covered elsewhere: SOURCE_DATE_EPOCH fixes the date, `schema`
//! writes the schemas, a repository's schemas/ overrides a built-in schema, raw HTML is
//! sanitised unless book.toml allows it, and document pages show the git change log.

mod common;

use common::{run, run_env, temp_copy, text};
use std::path::PathBuf;
use std::process::Output;

/// A temporary copy of the clean fixture.
fn clean_copy() -> (tempfile::TempDir, PathBuf) {
    temp_copy("clean")
}

/// The codes `check --format json` printed.
fn codes(out: &Output) -> Vec<String> {
    let diags = common::parse_diags(&text(&out.stdout)).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    diags.into_iter().map(|d| d.code).collect()
}

#[test]
fn source_date_epoch_fixes_the_date_and_today_overrides_it() {
    let (_t, repo) = clean_copy();
    let root = repo.to_str().unwrap();
    // 2027-04-01 is after POL-001's review date (2027-03-01): DC007.
    let late = run_env(&["check", "--root", root, "--format", "json"], &[("SOURCE_DATE_EPOCH", "1806537600")]);
    assert!(codes(&late).contains(&"DC007".to_string()), "{}", text(&late.stdout));
    let early = run_env(&["check", "--root", root, "--format", "json", "--today", "2026-11-26"], &[("SOURCE_DATE_EPOCH", "1806537600")]);
    assert_eq!(codes(&early), Vec::<String>::new(), "--today wins over SOURCE_DATE_EPOCH");
    let bad = run_env(&["check", "--root", root], &[("SOURCE_DATE_EPOCH", "yesterday")]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("SOURCE_DATE_EPOCH=yesterday is not a number of seconds"), "{}", text(&bad.stderr));
}

#[test]
fn schema_command_writes_every_schema_and_an_override_adds_a_field() {
    let (_t, repo) = clean_copy();
    let root = repo.to_str().unwrap();
    let out = run(&["schema", "--root", root]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for f in ["document.schema.json", "registers/risks.schema.json", "registers/controls.schema.json", "registers/systems.schema.json"] {
        let p = repo.join("schemas").join(f);
        let v: serde_json::Value = common::read_json(&p);
        assert!(v.get("$schema").is_some(), "{f} is a JSON Schema");
    }
    // An unknown field is DC019 ...
    let policy = repo.join("content/governance/policy.md");
    let original = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, original.replacen("id: POL-001\n", "id: POL-001\nbusiness_unit: Claims\n", 1)).unwrap();
    let before = run(&["check", "--root", root, "--today", "2026-11-26", "--format", "json"]);
    assert_eq!(codes(&before), vec!["DC019"]);
    // ... until the repository's own schema defines it.
    let schema_path = repo.join("schemas/document.schema.json");
    let mut schema: serde_json::Value = common::read_json(&schema_path);
    schema["properties"]["business_unit"] = serde_json::json!({ "type": "string" });
    std::fs::write(&schema_path, serde_json::to_string_pretty(&schema).unwrap()).unwrap();
    let after = run(&["check", "--root", root, "--today", "2026-11-26", "--format", "json"]);
    assert_eq!(codes(&after), Vec::<String>::new(), "{}", text(&after.stdout));
}

#[test]
fn raw_html_is_sanitised_unless_allowed() {
    let (tmp, repo) = clean_copy();
    let root = repo.to_str().unwrap();
    let policy = repo.join("content/governance/policy.md");
    common::append(
        &policy,
        "\n<div class=\"callout\">Kept</div>\n\n<script>alert('x')</script>\n\n<img src=\"x.png\" onerror=\"alert(1)\">\n",
    );
    let out = tmp.path().join("out");
    let b = run(&["build", "--root", root, "--out", out.to_str().unwrap(), "--today", "2026-11-26"]);
    assert_eq!(b.status.code(), Some(0), "{}", text(&b.stderr));
    let page = std::fs::read_to_string(out.join("doc/POL-001.html")).unwrap();
    assert!(page.contains("<div class=\"callout\">Kept</div>"), "harmless HTML is kept");
    assert!(!page.contains("<script>alert"), "script removed");
    assert!(!page.contains("onerror"), "event handler removed");

    let toml = repo.join("book.toml");
    let cfg = std::fs::read_to_string(&toml).unwrap();
    let cfg = if cfg.contains("[build]") {
        cfg.replacen("[build]", "[build]\nallow_html = true", 1)
    } else {
        format!("{cfg}\n[build]\nallow_html = true\n")
    };
    std::fs::write(&toml, cfg).unwrap();
    let b = run(&["build", "--root", root, "--out", out.to_str().unwrap(), "--today", "2026-11-26"]);
    assert_eq!(b.status.code(), Some(0), "{}", text(&b.stderr));
    let page = std::fs::read_to_string(out.join("doc/POL-001.html")).unwrap();
    assert!(page.contains("<script>alert('x')</script>"), "allow_html publishes raw HTML as written");
}

#[test]
fn document_pages_show_the_git_change_log() {
    let (tmp, repo) = clean_copy();
    let git = |args: &[&str]| common::git(&repo, args);
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "Import the AIMS documents"]);
    let out = tmp.path().join("out");
    let b = run(&["build", "--root", repo.to_str().unwrap(), "--out", out.to_str().unwrap(), "--today", "2026-11-26"]);
    assert_eq!(b.status.code(), Some(0), "{}", text(&b.stderr));
    let page = std::fs::read_to_string(out.join("doc/POL-001.html")).unwrap();
    assert!(page.contains("Change log from version control"), "the section is there");
    assert!(page.contains("Import the AIMS documents") && page.contains("Ada Auditor") && page.contains("2026-05-04"), "commit shown");

    // Without git the section is simply absent.
    let plain = tmp.path().join("plain");
    common::copy_dir(&common::fixture("clean"), &plain);
    let out2 = tmp.path().join("out2");
    let b = run(&["build", "--root", plain.to_str().unwrap(), "--out", out2.to_str().unwrap(), "--today", "2026-11-26"]);
    assert_eq!(b.status.code(), Some(0));
    assert!(!std::fs::read_to_string(out2.join("doc/POL-001.html")).unwrap().contains("Change log from version control"));
}
