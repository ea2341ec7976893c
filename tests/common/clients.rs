//! Third-party clients the suite checks aimsbook's output with (a browser, validators, readers).
//!
//! On a machine that has only the Rust toolchain, a test whose client is missing is skipped with
//! a one-line notice naming what to install, so `cargo test` still passes there. `.ci/run`
//! installs every client and sets `AIMSBOOK_REQUIRE_CLIENTS=1`, under which a missing client is
//! a failure, never a skip: CI always runs them all.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// True when CI demands every client (`AIMSBOOK_REQUIRE_CLIENTS=1`).
pub fn required() -> bool {
    std::env::var("AIMSBOOK_REQUIRE_CLIENTS").is_ok_and(|v| v == "1")
}

/// Decides whether a test that needs `client` runs. `missing` is why it cannot (None when it
/// can). Missing and not required: prints `client test skipped: …; install: …` and returns
/// false. Missing and required: panics with the same text.
pub fn gate(client: &str, missing: Option<String>, install: &str) -> bool {
    let Some(why) = missing else { return true };
    let msg = format!("{client} test skipped: {why}; install: {install}");
    if required() {
        panic!("AIMSBOOK_REQUIRE_CLIENTS=1 but {msg}");
    }
    eprintln!("{msg}");
    false
}

/// Headless Chromium and ChromeDriver (Debian packages). `AIMSBOOK_SKIP_BROWSER=1` still skips
/// the browser tests on purpose, unless clients are required.
pub fn browser() -> bool {
    if browser_skipped_on_purpose() {
        return false;
    }
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER].into_iter().filter(|p| !Path::new(p).exists()).collect();
    gate(
        "browser",
        (!missing.is_empty()).then(|| format!("{} not found", missing.join(" and "))),
        "apt-get install chromium chromium-driver",
    )
}

/// Headless Chromium alone (the print engine of `aimsbook pdf`), under the same
/// `AIMSBOOK_SKIP_BROWSER` rule as [`browser`].
pub fn chromium() -> bool {
    if browser_skipped_on_purpose() {
        return false;
    }
    gate("chromium", (!Path::new(CHROMIUM).exists()).then(|| format!("{CHROMIUM} not found")), "apt-get install chromium")
}

/// `AIMSBOOK_SKIP_BROWSER=1` without `AIMSBOOK_REQUIRE_CLIENTS=1`: prints the skip notice.
fn browser_skipped_on_purpose() -> bool {
    let skip = std::env::var("AIMSBOOK_SKIP_BROWSER").is_ok_and(|v| v == "1") && !required();
    if skip {
        eprintln!("browser test skipped: AIMSBOOK_SKIP_BROWSER=1");
    }
    skip
}

/// The folder the npm clients are installed into (`tests/clients/node_modules`, by
/// `npm ci --ignore-scripts` in tests/clients).
pub fn node_modules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/node_modules")
}

/// A file of an npm client, e.g. `npm_file("axe-core", "axe.min.js")`, when installed.
/// The notice names the install command.
pub fn npm_file(package: &str, rel: &str) -> Option<PathBuf> {
    let p = node_modules().join(package).join(rel);
    let missing = (!p.exists()).then(|| format!("{} not found", p.display()));
    gate(package, missing, "cd tests/clients && npm ci --ignore-scripts").then_some(p)
}

/// An executable on the PATH (e.g. `java`, `pdftotext`, `node`), when present.
pub fn program(name: &str, install: &str) -> bool {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output().is_ok_and(|o| o.status.success());
    gate(name, (!found).then(|| format!("`{name}` is not on the PATH")), install)
}

/// A Python module importable by `python3` (e.g. `openpyxl`, `trestle`), when present.
pub fn python_module(module: &str, pip_package: &str) -> bool {
    let ok = Command::new("python3").args(["-c", &format!("import {module}")]).output().is_ok_and(|o| o.status.success());
    gate(module, (!ok).then(|| format!("python3 cannot import {module}")), &format!("pip install {pip_package}"))
}

/// The errors the Nu Html Checker (vnu.jar, run by `java`) finds in `files`, one line each
/// (`file:line: message`); `None` when java or the checker is not installed (and not required).
pub fn html_errors(files: &[PathBuf]) -> Option<Vec<String>> {
    if !program("java", "apt-get install default-jre-headless") {
        return None;
    }
    let jar = npm_file("vnu-jar", "build/dist/vnu.jar")?;
    let out =
        Command::new("java").arg("-jar").arg(jar).args(["--errors-only", "--format", "json"]).args(files).output().expect("java runs");
    let report = String::from_utf8_lossy(&out.stderr);
    let v: serde_json::Value = serde_json::from_str(&report).unwrap_or_else(|e| panic!("vnu did not print a JSON report ({e}):\n{report}"));
    Some(
        v["messages"]
            .as_array()
            .map(|messages| {
                messages
                    .iter()
                    .map(|m| format!("{}:{}: {}", m["url"].as_str().unwrap_or(""), m["lastLine"], m["message"].as_str().unwrap_or("")))
                    .collect()
            })
            .unwrap_or_default(),
    )
}
