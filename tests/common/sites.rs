//! Built sites for the browser and validator suites (tests/accessibility.rs,
//! tests/html_validity.rs): the bundled example with a published snapshot, so that every page
//! template of the theme appears somewhere, and the way to find one page per template.
//!
//! A module of the shared harness: `common::sites`.

use super::{assert_ok, crate_root, run_in as run, TODAY};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// A throwaway Ed25519 key (`ssh-keygen -t ed25519 -N ''`), the same as src/signing.rs's tests.
const SIGNING_KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACAFjWjR/WJqlHZDUEofVDWkvViID+cAhHK97VmEPH2L2AAAAJCV3Cwyldws
MgAAAAtzc2gtZWQyNTUxOQAAACAFjWjR/WJqlHZDUEofVDWkvViID+cAhHK97VmEPH2L2A
AAAEBaP70Lx3wEuZ8/2atzhLMpZoycSKR1W76Sg4qOUnE8CQWNaNH9YmqUdkNQSh9UNaS9
WIgP5wCEcr3tWYQ8fYvYAAAADXVuaXRAYWltc2Jvb2s=
-----END OPENSSH PRIVATE KEY-----
";
const SIGNING_PUB: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAWNaNH9YmqUdkNQSh9UNaS9WIgP5wCEcr3tWYQ8fYvY unit@aimsbook";

/// Built site folders in a temporary directory (removed when dropped).
pub struct Sites {
    pub dir: tempfile::TempDir,
    /// Every folder that holds a built site: the site itself, then the snapshot folder (then,
    /// for the example, its public edition).
    pub roots: Vec<PathBuf>,
}

/// The bundled example (book.toml, content/, schemas/, catalogs/ of the crate root) built with
/// a published snapshot S1 listed in book.toml and one review date changed since, so the site
/// has the Versions page with a snapshot, a non-empty "Changes since S1" page, and the snapshot
/// folder has its "About this snapshot" page.
pub fn example_with_snapshot() -> Sites {
    let (dir, repo) = super::example_repo();
    let repo_s = repo.to_str().unwrap();
    let snaps = repo.join("snapshots");
    // Signed: the snapshot and the AI policy's re-approval below, so the About page and a
    // document page show who signed (checked against an allowed signers file; the other
    // approvals stay unsigned, FPR002 off).
    let key = dir.path().join("signing-key");
    std::fs::write(&key, SIGNING_KEY).unwrap();
    std::fs::write(repo.join("allowed_signers"), format!("ai-lead@example.org {SIGNING_PUB}\n")).unwrap();
    let mut cfg = std::fs::read_to_string(repo.join("book.toml")).unwrap();
    cfg.push_str("\n[approval]\nallowed_signers = \"allowed_signers\"\n\n[check]\nFPR002 = \"off\"\n");
    std::fs::write(repo.join("book.toml"), cfg).unwrap();
    let key_s = key.to_str().unwrap();
    let out = run(
        dir.path(),
        &["snapshot", "--root", repo_s, "--today", TODAY, "--label", "S1", "--out", snaps.to_str().unwrap(), "--sign", key_s],
    );
    assert_ok(&out, "snapshot S1 of the example");

    // A git history in which the AI policy is re-approved with a changed text, so the site has
    // a redline page (doc/POL-001/redline-*.html) comparing the two approved versions.
    super::git(&repo, &["init", "-q"]);
    super::git(&repo, &["add", "-A"]);
    super::git(&repo, &["commit", "-q", "-m", "AIMS as audited"]);
    let policy = repo.join("content/governance/ai-policy.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    let body_at = text[4..].find("\n---\n").expect("the AI policy has front matter") + 4 + 5;
    let mut text = text;
    text.insert_str(body_at, "\nThis policy also covers general-purpose AI tools used by staff.\n");
    std::fs::write(&policy, text).unwrap();
    let out = run(
        dir.path(),
        &[
            "approve",
            "POL-001",
            "--root",
            repo_s,
            "--today",
            TODAY,
            "--by",
            "Board of Directors",
            "--date",
            TODAY,
            "--summary",
            "Covers general-purpose AI tools.",
            "--sign",
            key_s,
        ],
    );
    assert_ok(&out, "re-approval of POL-001");
    super::git(&repo, &["commit", "-q", "-am", "POL-001 re-approved"]);

    // One change since S1 (a review date is not covered by the approval fingerprint).
    let text = std::fs::read_to_string(&policy).unwrap();
    let review = text.lines().find(|l| l.starts_with("review_due: ")).expect("the AI policy has a review date").to_string();
    std::fs::write(&policy, text.replace(&review, "review_due: 2027-01-29")).unwrap();
    let mut cfg = std::fs::read_to_string(repo.join("book.toml")).unwrap();
    // The built-in crosswalks, so the crosswalk page template appears too.
    cfg.push_str("\n[traceability]\nframeworks = [\"ai-rmf\", \"ai-act\", \"iso27001\"]\n");
    cfg.push_str("\n[[snapshots]]\nlabel = \"S1\"\npath = \"snapshots/S1.zip\"\ndate = \"2026-11-26\"\nnote = \"Stage 2 audit copy\"\n");
    std::fs::write(repo.join("book.toml"), cfg).unwrap();

    let site = dir.path().join("site");
    let out = run(dir.path(), &["build", "--root", repo_s, "--out", site.to_str().unwrap(), "--today", TODAY]);
    assert_ok(&out, "build of the example with [[snapshots]]");
    for page in [site.join("doc/POL-001.html"), snaps.join("S1/about.html")] {
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(
            html.contains("<span class=\"badge sig-verified\">verified</span> signed by <strong>ai-lead@example.org</strong>"),
            "{}",
            page.display()
        );
    }
    // The public edition (`--audience public`): its pages carry the edition note and render
    // links to withheld documents as their id (checked by the validator, which reads every root).
    let public = dir.path().join("site-public");
    let out = run(dir.path(), &["build", "--root", repo_s, "--out", public.to_str().unwrap(), "--today", TODAY, "--audience", "public"]);
    assert_ok(&out, "build of the example's public edition");
    Sites { roots: vec![site, snaps.join("S1"), public], dir }
}

/// A fixture repository (tests/fixtures/NAME) built into a temporary folder.
pub fn fixture_site(name: &str) -> Sites {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let root = crate_root().join("tests/fixtures").join(name);
    let out = run(dir.path(), &["build", "--root", root.to_str().unwrap(), "--out", site.to_str().unwrap(), "--today", TODAY]);
    assert_ok(&out, &format!("build of the {name} fixture"));
    Sites { roots: vec![site], dir }
}

/// The page templates of the default theme: every template that extends base.html (partials
/// such as macros.html and manual-article.html are not pages). Read from the theme folder, so
/// a template added later is covered without editing the tests.
pub fn page_templates() -> Vec<String> {
    let dir = crate_root().join("themes/default/templates");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p).ok()?;
            let extends = text.contains("extends \"base.html\"") || text.contains("extends 'base.html'");
            (extends && p.extension().is_some_and(|x| x == "html")).then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    names
}

/// Every HTML file under `root` (sorted).
pub fn html_files(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// The template a built page came from: each page template names itself in the body's class
/// (`<body class="page-soa">` for soa.html).
pub fn template_of(html: &str) -> Option<String> {
    let start = html.find("<body class=\"")? + "<body class=\"".len();
    let classes = &html[start..start + html[start..].find('"')?];
    classes.split_whitespace().find_map(|c| c.strip_prefix("page-")).map(str::to_string)
}

/// For each page template, the pages to test: the one with the most tables (the widest layout
/// and the most markup), the first one by path when that is another page, and the first that
/// shows a signature (a signed approval) when neither does. Panics, naming
/// the template, when a page template has no page in `sites` (a new template must set
/// `{% block body_class %}page-NAME{% endblock %}` and be reachable in the example).
pub fn pages_per_template(sites: &Sites) -> BTreeMap<String, Vec<PathBuf>> {
    // Pages of the first site folder that has any for a template (the snapshot folder only
    // contributes the templates the site itself lacks, such as about.html).
    let mut found: BTreeMap<String, Vec<(PathBuf, usize, bool)>> = BTreeMap::new();
    for root in &sites.roots {
        let mut here: BTreeMap<String, Vec<(PathBuf, usize, bool)>> = BTreeMap::new();
        for p in html_files(root) {
            let html = std::fs::read_to_string(&p).unwrap();
            if let Some(t) = template_of(&html) {
                let signed = html.contains("class=\"badge sig-");
                here.entry(t).or_default().push((p, html.matches("<table").count(), signed));
            }
        }
        for (t, pages) in here {
            found.entry(t).or_insert(pages);
        }
    }
    let mut out = BTreeMap::new();
    let mut missing = Vec::new();
    for t in page_templates() {
        let Some(pages) = found.get(&t) else {
            missing.push(t);
            continue;
        };
        let most = pages.iter().max_by_key(|(p, n, _)| (*n, std::cmp::Reverse(p.clone()))).unwrap().0.clone();
        let first = pages[0].0.clone();
        let mut chosen = vec![most];
        if chosen[0] != first {
            chosen.push(first);
        }
        if let Some((signed, _, _)) = pages.iter().find(|(_, _, s)| *s) {
            if !chosen.contains(signed) {
                chosen.push(signed.clone());
            }
        }
        out.insert(t, chosen);
    }
    assert!(
        missing.is_empty(),
        "no built page for the page template(s) {missing:?}: each page template must set `{{% block body_class %}}page-NAME{{% endblock %}}` (NAME = the template's file name) and have a page in the example built by tests/common/sites.rs"
    );
    out
}

/// `path` relative to the sites' temporary folder, for messages.
pub fn short(sites: &Sites, path: &Path) -> String {
    path.strip_prefix(sites.dir.path()).unwrap_or(path).display().to_string()
}
