//! HTML validity of the built site, checked with the Nu Html Checker (vnu, the W3C validator;
//! the npm package `vnu-jar`, run with Java): no error on any page of the bundled example
//! (with a published snapshot, so the "About this snapshot" and "Changes since" pages are
//! included), nor on a build of a fixture repository that differs from the example.
//!
//! Skipped with a notice when Java or vnu-jar is missing (a failure under
//! AIMSBOOK_REQUIRE_CLIENTS=1, as in CI).

mod common;

use common::clients;
use common::sites;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn vnu() -> Option<PathBuf> {
    if !clients::program("java", "apt-get install default-jre-headless") {
        return None;
    }
    clients::npm_file("vnu-jar", "build/dist/vnu.jar")
}

/// Runs vnu over every HTML file under `dirs`; returns the number of files checked and each
/// error as `file:line:column: message` (file relative to `base`).
fn validate(jar: &Path, base: &Path, dirs: &[PathBuf]) -> (usize, Vec<String>) {
    let files: usize = dirs.iter().map(|d| sites::html_files(d).len()).sum();
    let out = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "json", "--skip-non-html"])
        .args(dirs)
        .output()
        .expect("java runs");
    // vnu writes its JSON report to stderr, and exits non-zero when it found errors.
    let report = String::from_utf8_lossy(&out.stderr);
    let v: Value = serde_json::from_str(&report).unwrap_or_else(|e| panic!("vnu did not print a JSON report ({e}):\n{report}"));
    let errors = v["messages"]
        .as_array()
        .expect("vnu's report has messages")
        .iter()
        .map(|m| {
            let file = m["url"].as_str().unwrap_or("").trim_start_matches("file:");
            let file = Path::new(file).strip_prefix(base).map_or(file.to_string(), |p| p.display().to_string());
            format!(
                "{file}:{}:{}: {} {}\n    {}",
                m["lastLine"].as_u64().or(m["firstLine"].as_u64()).unwrap_or(0),
                m["firstColumn"].as_u64().unwrap_or(0),
                m["type"].as_str().unwrap_or(""),
                m["message"].as_str().unwrap_or(""),
                m["extract"].as_str().unwrap_or("").replace('\n', " ")
            )
        })
        .collect();
    (files, errors)
}

#[test]
fn nu_html_checker_finds_no_error_in_the_example_site() {
    let Some(jar) = vnu() else { return };
    let built = sites::example_with_snapshot();
    let (files, errors) = validate(&jar, built.dir.path(), &built.roots);
    assert!(files > 150, "expected the whole example site and its snapshot, found {files} HTML files");
    assert!(errors.is_empty(), "{} HTML error(s) in {files} files:\n{}", errors.len(), errors.join("\n"));
}

#[test]
fn nu_html_checker_finds_no_error_in_a_fixture_site() {
    let Some(jar) = vnu() else { return };
    let built = sites::fixture_site("clean");
    let (files, errors) = validate(&jar, built.dir.path(), &built.roots);
    assert!(files > 20, "expected the clean fixture's site, found {files} HTML files");
    assert!(errors.is_empty(), "{} HTML error(s) in {files} files:\n{}", errors.len(), errors.join("\n"));
}

#[test]
fn nu_html_checker_finds_no_error_in_the_german_fixture_site() {
    let Some(jar) = vnu() else { return };
    let built = sites::fixture_site("de-aims");
    let (files, errors) = validate(&jar, built.dir.path(), &built.roots);
    assert!(files > 20, "expected the German fixture's site, found {files} HTML files");
    assert!(errors.is_empty(), "{} HTML error(s) in {files} files:\n{}", errors.len(), errors.join("\n"));
}

/// The checker is really run: a page with a known error is reported with its file and line.
#[test]
fn nu_html_checker_reports_an_invalid_page_with_file_and_line() {
    let Some(jar) = vnu() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(&page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>t</title></head>\n<body>\n<p><span aria-label=\"x\">●</span></p>\n</body>\n</html>\n").unwrap();
    let (_, errors) = validate(&jar, dir.path(), &[dir.path().to_path_buf()]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("bad.html:5:") && errors[0].contains("aria-label"), "{errors:?}");
}
