//! Helpers shared by the integration tests: run the real `aimsbook` binary against fixture
//! repositories under tests/fixtures/, always building into temporary folders.

#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The build date every test runs against.
pub const TODAY: &str = "2026-11-26";

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_aimsbook")
}

/// Absolute path of a fixture repository, e.g. `fixture("clean")`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Runs `aimsbook ARGS`, never inheriting SOURCE_DATE_EPOCH from the environment.
pub fn run(args: &[&str]) -> Output {
    Command::new(bin()).args(args).env_remove("SOURCE_DATE_EPOCH").output().expect("aimsbook binary runs")
}

pub fn code(out: &Output) -> i32 {
    out.status.code().expect("aimsbook exited normally (no signal)")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// One diagnostic as printed by `--format json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub code: String,
    pub severity: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

/// The diagnostics of `--format json` output.
pub fn parse_diags(json: &str) -> Result<Vec<Diag>, serde_json::Error> {
    let v: Value = serde_json::from_str(json)?;
    Ok(v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|d| Diag {
            code: d["code"].as_str().unwrap().to_string(),
            severity: d["severity"].as_str().unwrap().to_string(),
            file: d["file"].as_str().unwrap().to_string(),
            line: d["line"].as_u64().unwrap(),
            column: d["column"].as_u64().unwrap(),
            message: d["message"].as_str().unwrap().to_string(),
        })
        .collect())
}

/// `aimsbook check --root ROOT --today TODAY --format json [EXTRA]`: exit code and diagnostics.
pub fn check_json(root: &Path, extra: &[&str]) -> (i32, Vec<Diag>) {
    let root_s = root.to_str().unwrap();
    let mut args = vec!["check", "--root", root_s, "--today", TODAY, "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(&args);
    let text = stdout(&out);
    let diags =
        parse_diags(&text).unwrap_or_else(|e| panic!("check --format json printed invalid JSON ({e}):\n{text}\nstderr:\n{}", stderr(&out)));
    (code(&out), diags)
}

/// Pretty list for assertion messages.
pub fn show(diags: &[Diag]) -> String {
    diags
        .iter()
        .map(|d| format!("  {} {} {}:{}:{} {}", d.code, d.severity, d.file, d.line, d.column, d.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `aimsbook build --root ROOT --out OUT --today TODAY [EXTRA]`.
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", "--root", root.to_str().unwrap(), "--out", out.to_str().unwrap(), "--today", TODAY];
    args.extend_from_slice(extra);
    run(&args)
}

/// Copies a folder tree (regular files and folders only) into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let ft = entry.file_type().unwrap();
        let target = to.join(entry.file_name());
        if ft.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if ft.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of a fixture, for tests that modify the repository. The copy is at
/// `dir.path().join("repo")`; build output can go to `dir.path().join("site")`.
pub fn temp_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_dir(&fixture(name), &repo);
    (dir, repo)
}

/// Every file under `root` (relative path, `/`-separated) with its bytes.
pub fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let p = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Reads an HTML page of a built site with the `&#x2f;` escapes of template output turned
/// back into `/`, so assertions can look for plain `href="../doc/POL-001.html"`.
pub fn page(site: &Path, rel: &str) -> String {
    let p = site.join(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
    text.replace("&#x2f;", "/").replace("&#47;", "/")
}
pub mod clients;

/// A temporary copy of the bundled example repository (book.toml, content/, and schemas/ and
/// catalogs/ where present) at `dir/repo`, so tests can write beside it in `dir`.
pub fn example_repo() -> (tempfile::TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::copy(root.join("book.toml"), repo.join("book.toml")).unwrap();
    for sub in ["content", "schemas", "catalogs"] {
        if root.join(sub).is_dir() {
            copy_dir(&root.join(sub), &repo.join(sub));
        }
    }
    (dir, repo)
}
pub mod serve;

/// Runs `git -C repo ARGS` as a fixed author with a fixed date (so commits are reproducible)
/// and asserts it succeeded.
pub fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=Ada Auditor", "-c", "user.email=ada@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2026-05-04T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-05-04T10:00:00Z")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}
