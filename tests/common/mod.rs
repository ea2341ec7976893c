//! The one test harness every integration suite uses (`mod common;`): run the real `aimsbook`
//! binary against fixture repositories under tests/fixtures/ or repositories built in temporary
//! folders, always building into temporary folders.
//!
//! - running: [`run`], [`run_in`], [`run_env`], [`spawn_quiet`], [`code`], [`stdout`],
//!   [`stderr`], [`assert_ok`];
//! - checking and building: [`check_json`] (exit code and parsed [`Diag`]s), [`check_human`],
//!   [`build`], [`build_ok`], [`take_snapshot`];
//! - repositories: [`fixture`], [`temp_copy`], [`example_repo`], [`example_content_repo`],
//!   [`empty_repo`], [`write`], [`read`], [`read_json`], [`edit`], [`replace_first`],
//!   [`append`], [`line_no`], [`git`], [`commit_all`];
//! - built sites: [`snapshot`], [`site_differences`], [`page`];
//! - modules: [`clients`] (third-party clients, skip or fail), [`serve`] (a started preview
//!   server), [`webdriver`] (headless Chromium), [`sites`] (built sites for the browser and
//!   validator suites), [`html_scan`] (script-capable markup).
//!
//! Each suite compiles its own copy of this module and uses only part of it, hence the
//! `dead_code` allowance (inherited by the sub-modules).

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

/// The crate's root folder (book.toml, content/, schemas/ of the bundled example).
pub fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path as a command-line argument.
pub fn path_arg(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

/// Absolute path of a fixture repository, e.g. `fixture("clean")`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Runs `aimsbook ARGS`, never inheriting SOURCE_DATE_EPOCH from the environment.
pub fn run(args: &[&str]) -> Output {
    run_env(args, &[])
}

/// Runs `aimsbook ARGS` with `cwd` as the working directory.
pub fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(bin()).args(args).current_dir(cwd).env_remove("SOURCE_DATE_EPOCH").output().expect("aimsbook binary runs")
}

/// Runs `aimsbook ARGS` with extra environment variables (SOURCE_DATE_EPOCH only when listed).
pub fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin());
    cmd.args(args).env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("aimsbook binary runs")
}

/// Starts `aimsbook ARGS` in the background with no input and its output discarded (for
/// tests that kill it part-way).
pub fn spawn_quiet(args: &[&str]) -> std::process::Child {
    Command::new(bin())
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("aimsbook binary starts")
}

/// Asserts the run exited with 0, showing both streams otherwise.
#[track_caller]
pub fn assert_ok(out: &Output, what: &str) {
    assert_eq!(out.status.code(), Some(0), "{what} failed\nstdout:\n{}\nstderr:\n{}", stdout(out), stderr(out));
}

pub fn code(out: &Output) -> i32 {
    out.status.code().expect("aimsbook exited normally (no signal)")
}

pub fn stdout(out: &Output) -> String {
    text(&out.stdout)
}

pub fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

/// Bytes read as text (invalid UTF-8 replaced).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
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

/// `aimsbook check --root ROOT --today TODAY [EXTRA]` with the human output (on stderr).
pub fn check_human(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", "--root", path_arg(root), "--today", TODAY];
    args.extend_from_slice(extra);
    run(&args)
}

/// The diagnostics with `code`.
pub fn with_code<'a>(diags: &'a [Diag], code: &str) -> Vec<&'a Diag> {
    diags.iter().filter(|d| d.code == code).collect()
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

/// `aimsbook snapshot --root REPO --today TODAY --label LABEL --out OUT [EXTRA]`.
pub fn take_snapshot(repo: &Path, label: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["snapshot", "--root", path_arg(repo), "--today", TODAY, "--label", label, "--out", path_arg(out)];
    args.extend_from_slice(extra);
    run(&args)
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> Value {
    let text = read(path);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// `build` of `root` into `DIR/site` of a new temporary folder; panics unless it exits with 0.
pub fn build_ok(root: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = build(root, &site, extra);
    assert_ok(&out, &format!("build of {}", root.display()));
    (dir, site)
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

/// An empty temporary repository folder at `dir/repo` (created), for suites that write their
/// own book.toml and files with [`write`].
pub fn empty_repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    (dir, repo)
}

/// Writes a file, creating its folders.
pub fn write(path: &Path, text: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Replaces the one occurrence of `from` in the file (fails when it occurs not exactly once).
#[track_caller]
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert_eq!(text.matches(from).count(), 1, "`{from}` should occur once in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Replaces the first occurrence of `from` in the file (fails when there is none).
#[track_caller]
pub fn replace_first(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "`{from}` not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// 1-based number of the first line starting with `prefix`.
#[track_caller]
pub fn line_no(text: &str, prefix: &str) -> u64 {
    text.split('\n').position(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no line starts with `{prefix}`")) as u64 + 1
}

/// Appends text to a file (e.g. a `[check]` table to book.toml).
pub fn append(path: &Path, more: &str) {
    let mut text = read(path);
    text.push_str(more);
    std::fs::write(path, text).unwrap();
}

/// The differences between two [`snapshot`]s of a site: `missing F`, `changed F (A -> B
/// bytes)`, `extra F`; empty when they are byte-identical.
pub fn site_differences(want: &BTreeMap<String, Vec<u8>>, got: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut d = Vec::new();
    for (k, v) in want {
        match got.get(k) {
            None => d.push(format!("missing {k}")),
            Some(g) if g != v => d.push(format!("changed {k} ({} -> {} bytes)", v.len(), g.len())),
            _ => {}
        }
    }
    for k in got.keys().filter(|k| !want.contains_key(*k)) {
        d.push(format!("extra {k}"));
    }
    d
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

/// Reads an HTML page of a built site (templates escape `& < > " '`, not `/`, so assertions can
/// look for plain `href="../doc/POL-001.html"`).
pub fn page(site: &Path, rel: &str) -> String {
    let p = site.join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}
pub mod clients;
#[path = "../support/html_scan.rs"]
pub mod html_scan;
pub mod serve;
pub mod sites;
pub mod webdriver;

/// A temporary copy of the bundled example repository (book.toml, content/, and schemas/ and
/// catalogs/ where present) at `dir/repo`, so tests can write beside it in `dir`.
pub fn example_repo() -> (tempfile::TempDir, PathBuf) {
    example_copy(&["content", "schemas", "catalogs"])
}

/// A temporary copy of the bundled example's book.toml and content/ only (the built-in schemas
/// and catalogs apply) at `dir/repo`: the smaller tree the preview-server suites watch.
pub fn example_content_repo() -> (tempfile::TempDir, PathBuf) {
    example_copy(&["content"])
}

fn example_copy(folders: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let root = crate_root();
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::copy(root.join("book.toml"), repo.join("book.toml")).unwrap();
    for sub in folders {
        if root.join(sub).is_dir() {
            copy_dir(&root.join(sub), &repo.join(sub));
        }
    }
    (dir, repo)
}
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

/// `git add -A` and `git commit -q -m MESSAGE` (fixed author and date, see [`git`]).
pub fn commit_all(repo: &Path, message: &str) {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", message]);
}

/// The text of an HTML fragment without its tags (entities left as written).
pub fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
