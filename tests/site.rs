//! End-to-end tests of the built site and of the command line: the clean fixture builds with
//! no diagnostics into a complete, relative-linked site; builds are reproducible and atomic;
//! init, explain, SARIF output, --strict and [check] levels behave as documented.

mod common;

use common::*;
use std::path::Path;

fn build_clean(out_dir: &Path) {
    assert_ok(&build(&fixture("clean"), out_dir, &[]), "build of the clean fixture");
}

/// Every `href="…"` / `src="…"` value of an HTML page (after `page()` unescaping).
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn clean_fixture_has_no_diagnostics() {
    let (rc, diags) = check_json(&fixture("clean"), &[]);
    assert_eq!(rc, 0);
    assert!(diags.is_empty(), "expected no diagnostics:\n{}", show(&diags));
    // The raw output is exactly an empty JSON array.
    let out = run(&["check", "--root", fixture("clean").to_str().unwrap(), "--today", TODAY, "--format", "json"]);
    assert_eq!(stdout(&out).trim(), "[]");
    // --strict changes nothing when there is nothing to report.
    let (rc, _) = check_json(&fixture("clean"), &["--strict"]);
    assert_eq!(rc, 0);
}

#[test]
fn clean_fixture_builds_a_complete_relative_site() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build_clean(&site);

    for f in [
        "index.html",
        "register.html",
        "reviews.html",
        "404.html",
        "clauses/index.html",
        "clauses/6.1.4.html",
        "owners/index.html",
        "owners/ada-lovelace.html",
        "owners/grace-hopper.html",
        "owners/alan-turing.html",
        "doc/SCO-001.html",
        "doc/POL-000.html",
        "doc/POL-001.html",
        "doc/MET-001.html",
        "doc/REC-001.html",
        "static/style.css",
        ".aimsbook-site",
    ] {
        assert!(site.join(f).is_file(), "missing {f}");
    }

    // MET-001's body: a clause link, [[ID]] showing the target's title, a relative link with an
    // anchor rewritten to the target page, [[ID|text]] keeping its text, a same-page anchor and
    // the highlighted code block.
    let met = page(&site, "doc/MET-001.html");
    assert!(met.contains(r#"<a href="../clauses/6.1.4.html">6.1.4 AI system impact assessment</a>"#), "clause link:\n{met}");
    assert!(met.contains(r#"<a href="../doc/POL-001.html">AI Policy</a>"#), "[[POL-001]] shows the title:\n{met}");
    assert!(met.contains(r#"<a href="../doc/POL-001.html#commitments">policy commitments</a>"#), "relative link with anchor:\n{met}");
    assert!(met.contains(r#"<a href="../doc/POL-001.html">the policy</a>"#), "[[POL-001|the policy]] keeps its text:\n{met}");
    assert!(met.contains(r##"<a href="#scoring">our scoring</a>"##), "{met}");
    assert!(met.contains(r#"id="scoring""#), "heading anchors:\n{met}");
    assert!(met.contains(r#"<code class="language-yaml">"#) && met.contains("claims-triage"), "fenced code block:\n{met}");
    assert!(!met.contains("[[POL-001"), "raw wikilink left in the page");

    // The scope links to the policy by path, with the anchor kept.
    let scope = page(&site, "doc/SCO-001.html");
    assert!(scope.contains(r#"href="../doc/POL-001.html#purpose""#), "{scope}");

    // The policy's "Referenced by" lists every document that links to it.
    let pol = page(&site, "doc/POL-001.html");
    let backlinks = &pol[pol.find("backlinks-h").expect("backlinks section")..];
    for (id, title) in
        [("MET-001", "AI System Impact Assessment Method"), ("SCO-001", "AIMS Scope"), ("POL-000", "AI Policy (2024 edition)")]
    {
        assert!(backlinks.contains(&format!(r#"<a href="../doc/{id}.html">{id} {title}</a>"#)), "backlink from {id} missing:\n{backlinks}");
    }
    assert!(pol.contains("Supersedes") && pol.contains(r#"href="../doc/POL-000.html""#));

    // The superseded edition carries the banner pointing at its successor.
    let old = page(&site, "doc/POL-000.html");
    let banner_at = old.find("banner-superseded").expect("superseded banner");
    let banner = &old[banner_at..old[banner_at..].find("</div>").unwrap() + banner_at];
    assert!(banner.contains(r#"<a href="../doc/POL-001.html">POL-001 AI Policy</a>"#), "{banner}");
    assert!(!pol.contains("banner-superseded"));

    // The clause page lists the documents naming 6.1.4 (the method and the record).
    let clause = page(&site, "clauses/6.1.4.html");
    assert!(clause.contains(r#"href="../doc/MET-001.html""#), "{clause}");
    assert!(clause.contains(r#"href="../doc/REC-001.html""#), "{clause}");
    assert!(!clause.contains(r#"href="../doc/SCO-001.html""#), "{clause}");
    let clause_52 = page(&site, "clauses/5.2.html");
    assert!(clause_52.contains(r#"href="../doc/POL-001.html""#), "{clause_52}");

    // The register lists every document, with its title.
    let register = page(&site, "register.html");
    for (id, title) in [
        ("SCO-001", "AIMS Scope"),
        ("POL-000", "AI Policy (2024 edition)"),
        ("POL-001", "AI Policy"),
        ("MET-001", "AI System Impact Assessment Method"),
        ("REC-001", "2026 Impact Assessment Review"),
    ] {
        assert!(register.contains(&format!(r#"href="doc/{id}.html""#)), "{id} not in register");
        assert!(register.contains(title), "{title} not in register");
    }

    // Owner pages list what each owner owns.
    let turing = page(&site, "owners/alan-turing.html");
    assert!(turing.contains(r#"href="../doc/MET-001.html""#), "{turing}");
    assert!(turing.contains(r#"href="../doc/REC-001.html""#), "{turing}");

    // No absolute links anywhere, and every internal link points at a file of the site.
    let files = snapshot(&site);
    let mut problems = Vec::new();
    for rel in files.keys().filter(|r| r.ends_with(".html")) {
        let html = page(&site, rel);
        let dir = Path::new(rel).parent().unwrap_or(Path::new(""));
        for link in links(&html) {
            if link.starts_with('/') {
                problems.push(format!("{rel}: absolute link {link}"));
                continue;
            }
            if link.is_empty()
                || link.starts_with('#')
                || link.starts_with("https:")
                || link.starts_with("http:")
                || link.starts_with("mailto:")
            {
                continue;
            }
            let path = link.split(['#', '?']).next().unwrap();
            if !site.join(dir).join(path).is_file() {
                problems.push(format!("{rel}: broken link {link}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn builds_are_byte_for_byte_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    build_clean(&a);
    build_clean(&b);
    let sa = snapshot(&a);
    let sb = snapshot(&b);
    assert!(sa.len() > 20, "only {} files", sa.len());
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>(), "different file lists");
    for (rel, bytes) in &sa {
        assert!(sb[rel] == *bytes, "{rel} differs between two builds");
    }
}

#[test]
fn failed_build_leaves_the_previous_site_untouched() {
    let (tmp, repo) = temp_copy("clean");
    let site = tmp.path().join("site");
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let before = snapshot(&site);

    // Break the policy: approved without an approval date (DC004).
    let policy = repo.join("content/governance/policy.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    assert!(text.contains("approved: 2026-03-01\n"));
    std::fs::write(&policy, text.replace("approved: 2026-03-01\n", "")).unwrap();

    let out = build(&repo, &site, &[]);
    let err = stderr(&out);
    assert_eq!(code(&out), 1, "{err}");
    assert!(err.contains("error[DC004]"), "{err}");
    assert!(err.contains("--> content/governance/policy.md:8:1"), "{err}");
    assert_eq!(snapshot(&site), before, "the previous site changed");
    // No temporary folders left next to the site.
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "repo" && n != "site")
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");

    // Rebuilding into the same folder after fixing it replaces the site.
    std::fs::write(&policy, text).unwrap();
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(snapshot(&site), before);
}

#[test]
fn init_scaffold_builds_with_only_draft_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("aims");
    let out = run(&["init", repo.to_str().unwrap(), "--today", TODAY]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(repo.join("book.toml").is_file());

    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 0, "{}", show(&diags));
    assert!(!diags.is_empty(), "the starter documents are drafts");
    let others: Vec<_> = diags.iter().filter(|d| d.code != "DC017").cloned().collect();
    assert!(others.is_empty(), "unexpected:\n{}", show(&others));
    assert!(diags.iter().all(|d| d.severity == "warning"));
    // One draft warning per starter document.
    let docs = snapshot(&repo.join("content")).keys().filter(|k| k.ends_with(".md")).count();
    assert_eq!(diags.len(), docs, "\n{}", show(&diags));

    let site = tmp.path().join("site");
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(site.join("index.html").is_file());
    assert!(stderr(&out).contains(&format!("0 error(s), {docs} warning(s)")));

    // init refuses to overwrite an existing repository, and leaves it as it was.
    let before = snapshot(&repo);
    let out = run(&["init", repo.to_str().unwrap(), "--today", TODAY]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("refusing to overwrite"), "{}", stderr(&out));
    assert_eq!(snapshot(&repo), before, "init changed the existing repository");
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    // A copy outside any git repository: paths relative to --root (tests/sarif.rs covers a
    // repository in a subfolder of a git work tree).
    let (_tmp, root) = temp_copy("codes/dc004-no-approval-date");
    let out = run(&["check", "--root", root.to_str().unwrap(), "--today", TODAY, "--format", "sarif"]);
    assert_eq!(code(&out), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif"));
    let run0 = &v["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "aimsbook");
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{v:#}");
    let r = &results[0];
    assert_eq!(r["ruleId"], "DC004");
    assert_eq!(r["level"], "error");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "content/a.md");
    assert_eq!(loc["region"]["startLine"], 8);
    assert_eq!(loc["region"]["startColumn"], 1);
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|rule| rule["id"] == "DC004"), "{rules:?}");

    // A clean repository gives a run with no results.
    let out = run(&["check", "--root", fixture("clean").to_str().unwrap(), "--today", TODAY, "--format", "sarif"]);
    assert_eq!(code(&out), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn explain_prints_a_code_and_rejects_unknown_ones() {
    let out = run(&["explain", "DC004"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.starts_with("DC004 (error)"), "{text}");
    assert!(text.contains("approved status without an approval date"), "{text}");
    // The whole explanation: code, severity, title, then what it means and what to do.
    insta::assert_snapshot!("explain_dc004", text);

    let out = run(&["explain", "XX999"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("XX999"));
    insta::assert_snapshot!("explain_unknown_code", stderr(&out));
}

#[test]
fn strict_turns_warnings_into_errors() {
    let root = fixture("codes/dc017-draft");
    let (rc, diags) = check_json(&root, &[]);
    assert_eq!(rc, 0);
    assert_eq!(diags[0].severity, "warning");

    let (rc, diags) = check_json(&root, &["--strict"]);
    assert_eq!(rc, 1);
    assert_eq!(diags.len(), 1);
    assert_eq!((diags[0].code.as_str(), diags[0].severity.as_str()), ("DC017", "error"));

    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let out = build(&root, &site, &["--strict"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(!site.exists());
    let out = build(&root, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(page(&site, "doc/A-001.html").contains("banner-draft"));
}

#[test]
fn check_level_in_book_toml_turns_a_code_off() {
    // Same draft as codes/dc017-draft, with `[check] DC017 = "off"`.
    let (rc, diags) = check_json(&fixture("check-level-off"), &[]);
    assert_eq!(rc, 0);
    assert!(diags.is_empty(), "{}", show(&diags));
    // Off stays off under --strict.
    let (rc, diags) = check_json(&fixture("check-level-off"), &["--strict"]);
    assert_eq!(rc, 0);
    assert!(diags.is_empty(), "{}", show(&diags));
}

#[test]
fn check_level_can_demote_an_error() {
    let (tmp, repo) = temp_copy("codes/dc007-review-overdue");
    let book = repo.join("book.toml");
    append(&book, "\n[check]\nDC007 = \"warning\"\n");
    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 0);
    assert_eq!(diags.len(), 1);
    assert_eq!((diags[0].code.as_str(), diags[0].severity.as_str()), ("DC007", "warning"));
    let out = build(&repo, &tmp.path().join("site"), &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn invalid_today_is_a_usage_error() {
    let out = run(&["check", "--root", fixture("clean").to_str().unwrap(), "--today", "2026-02-30"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--today 2026-02-30: expected a date YYYY-MM-DD"), "{}", stderr(&out));
}

/// A rebuild links unchanged files from the previous site instead of writing them again
/// (see `output::link_if_unchanged`), but never takes over a file that is a symlink or has
/// links elsewhere, and the result is always the same as a build into an empty folder.
#[cfg(unix)]
#[test]
fn rebuild_reuses_unchanged_files_but_never_foreign_links() {
    use std::os::unix::fs::MetadataExt;
    let (tmp, repo) = temp_copy("clean");
    let site = tmp.path().join("site");
    let ino = |rel: &str| std::fs::symlink_metadata(site.join(rel)).unwrap().ino();
    assert_eq!(code(&build(&repo, &site, &[])), 0);
    let (home, record) = ("index.html", "doc/REC-001.html");
    assert!(site.join(record).is_file(), "the record page exists");
    let (home_ino, record_ino) = (ino(home), ino(record));

    // One document body edited: its page is written anew, an unrelated page is kept.
    let rec = repo.join("content/records/2026-impact-review.md");
    let text = std::fs::read_to_string(&rec).unwrap();
    std::fs::write(&rec, format!("{text}\nA sentence added for the rebuild test.\n")).unwrap();
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ino(home), home_ino, "an unchanged page was written again instead of kept");
    assert_ne!(ino(record), record_ino, "the edited document's page was not written anew");
    assert!(page(&site, record).contains("A sentence added for the rebuild test."));
    assert_eq!(std::fs::metadata(site.join(home)).unwrap().nlink(), 1, "the previous site's copy is gone");

    // A page someone hard-linked elsewhere, and a page replaced by a symlink to a file
    // outside the site: neither is carried into the next site.
    let elsewhere = tmp.path().join("elsewhere.html");
    std::fs::hard_link(site.join(home), &elsewhere).unwrap();
    let outside = tmp.path().join("outside.html");
    std::fs::copy(site.join("search.html"), &outside).unwrap();
    std::fs::remove_file(site.join("search.html")).unwrap();
    std::os::unix::fs::symlink(&outside, site.join("search.html")).unwrap();
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_ne!(ino(home), std::fs::metadata(&elsewhere).unwrap().ino(), "the site shares a file with a foreign link");
    assert!(std::fs::symlink_metadata(site.join("search.html")).unwrap().file_type().is_file(), "a symlink was carried over");
    std::fs::write(&elsewhere, "tampered").unwrap();
    assert!(!page(&site, home).contains("tampered"));

    // Whatever was reused, the site equals a build into an empty folder.
    let fresh = tmp.path().join("fresh");
    assert_eq!(code(&build(&repo, &fresh, &[])), 0);
    assert_eq!(snapshot(&site), snapshot(&fresh));
}
