//! Code scanning: `check --format sarif` as GitHub and GitLab take it. The SARIF Multitool (the
//! npm package) validates it with its SARIF rules and with the GitHub Advanced Security rules;
//! result paths are relative to the git repository that holds the AIMS, even from a subfolder;
//! every finding has its own fingerprint, and it does not change from one day to the next.

mod common;

use common::{clients, code, fixture, git, run, stderr, stdout, TODAY};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn sarif(root: &Path, today: &str) -> Value {
    let out = run(&["check", "--root", root.to_str().unwrap(), "--today", today, "--format", "sarif"]);
    assert!(matches!(code(&out), 0 | 1), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("SARIF is JSON ({e}): {}", stdout(&out)))
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

fn uri(result: &Value) -> &str {
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap()
}

fn fingerprint(result: &Value) -> &str {
    result["partialFingerprints"]["aimsbookFinding/v1"].as_str().expect("a partial fingerprint")
}

/// A git repository whose AIMS lives in `compliance/aims/` (a copy of `fixture_name`).
fn aims_in_subfolder(fixture_name: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("platform");
    let aims = top.join("compliance/aims");
    common::copy_dir(&fixture(fixture_name), &aims);
    git(&top, &["init", "-q"]);
    (tmp, top, aims)
}

/// `Sarif.Multitool validate --rule-kind KIND` on `log`: the results of the validation log.
fn multitool_findings(tool: &Path, log: &Value, kind: &str) -> Vec<(String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("aimsbook.sarif");
    let output = dir.path().join("validation.sarif");
    std::fs::write(&input, serde_json::to_string_pretty(log).unwrap()).unwrap();
    let out = Command::new(tool)
        .args(["validate", "--rule-kind", kind, "--output"])
        .arg(&output)
        .arg(&input)
        .current_dir(dir.path())
        .output()
        .expect("Sarif.Multitool runs");
    let validation: Value = serde_json::from_str(&std::fs::read_to_string(&output).unwrap_or_else(|e| {
        panic!("no validation log ({e}): {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    }))
    .unwrap();
    validation["runs"][0]["results"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    (
                        r["ruleId"].as_str().unwrap_or("").to_string(),
                        r["level"].as_str().unwrap_or("warning").to_string(),
                        r["message"]["arguments"].to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn multitool_accepts_the_sarif_with_the_github_and_sarif_rules() {
    let Some(tool) = clients::npm_file("@microsoft/sarif-multitool-linux", "Sarif.Multitool") else { return };
    // Many codes at once, from a subfolder of a git repository.
    let (_tmp, _top, aims) = aims_in_subfolder("multi-error");
    let log = sarif(&aims, TODAY);
    assert!(results(&log).len() > 3, "{log:#}");
    for kind in ["Gh", "Sarif"] {
        let findings = multitool_findings(&tool, &log, kind);
        assert!(findings.is_empty(), "Multitool --rule-kind {kind}: {findings:?}");
    }
    // The validator is not vacuous: rules without help are what GitHub refuses (GH2012).
    let mut without_help = log.clone();
    for rule in without_help["runs"][0]["tool"]["driver"]["rules"].as_array_mut().unwrap() {
        rule.as_object_mut().unwrap().remove("help");
    }
    let findings = multitool_findings(&tool, &without_help, "Gh");
    assert!(findings.iter().any(|(rule, level, _)| rule == "GH2012" && level == "error"), "{findings:?}");
}

#[test]
fn rules_carry_help_a_help_uri_and_a_name() {
    let log = sarif(&fixture("multi-error"), TODAY);
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results(&log) {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        let id = rule["id"].as_str().unwrap();
        assert!(rule["help"]["text"].as_str().unwrap().contains(&format!("aimsbook explain {id}")), "{rule:#}");
        assert!(rule["help"]["markdown"].as_str().unwrap().starts_with(&format!("**{id}**")), "{rule:#}");
        assert!(rule["helpUri"].as_str().unwrap().ends_with("README.md#diagnostics"), "{rule:#}");
        let name = rule["name"].as_str().unwrap();
        assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
    }
    // The explanation is the one `aimsbook explain` prints.
    let explain = stdout(&run(&["explain", "DC004"]));
    let dc004 = rules.iter().find(|r| r["id"] == "DC004").unwrap();
    assert!(explain.contains(dc004["fullDescription"]["text"].as_str().unwrap()), "{explain}");
}

#[test]
fn paths_are_relative_to_the_git_repository_when_the_aims_is_in_a_subfolder() {
    let (_tmp, top, aims) = aims_in_subfolder("codes/dc004-no-approval-date");
    let log = sarif(&aims, TODAY);
    let run0 = &log["runs"][0];
    let r = &results(&log)[0];
    assert_eq!(uri(r), "compliance/aims/content/a.md");
    assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "SRCROOT");
    assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startLine"], 8);
    let base = run0["originalUriBaseIds"]["SRCROOT"]["uri"].as_str().unwrap();
    assert_eq!(base, format!("file://{}/", top.canonicalize().unwrap().display()));
    // The annotation lands on the file: base + uri is the file checked.
    assert!(Path::new(base.trim_start_matches("file://")).join(uri(r)).is_file());
    assert_eq!(run0["automationDetails"]["id"], "aimsbook/compliance/aims/");

    // Outside any git repository, paths are relative to --root.
    let plain = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture("codes/dc004-no-approval-date"), plain.path());
    let log = sarif(plain.path(), TODAY);
    assert_eq!(uri(&results(&log)[0]), "content/a.md");
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "aimsbook/");
}

#[test]
fn every_finding_has_its_own_fingerprint_and_keeps_it_from_day_to_day() {
    // trace-soa: 26 SOA001 results on the same rule, file and line.
    let log = sarif(&fixture("trace-soa"), TODAY);
    let rs = results(&log);
    let same_place = rs
        .iter()
        .filter(|r| {
            r["ruleId"] == "SOA001"
                && r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    == rs[0]["locations"][0]["physicalLocation"]["region"]["startLine"]
        })
        .count();
    assert!(same_place > 20, "{same_place}");
    let mut prints: Vec<&str> = rs.iter().map(fingerprint).collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), rs.len(), "every result has a distinct fingerprint");
    // Stable across runs.
    let again = sarif(&fixture("trace-soa"), TODAY);
    assert_eq!(results(&again).iter().map(fingerprint).collect::<Vec<_>>(), rs.iter().map(fingerprint).collect::<Vec<_>>());

    // DC007's message counts the days overdue; the fingerprint does not change with them.
    let root = fixture("codes/dc007-review-overdue");
    let today = sarif(&root, TODAY);
    let tomorrow = sarif(&root, "2026-11-27");
    let (a, b) = (&results(&today)[0], &results(&tomorrow)[0]);
    assert_eq!(a["ruleId"], "DC007");
    assert_ne!(a["message"]["text"], b["message"]["text"], "the message counts days");
    assert_eq!(fingerprint(a), fingerprint(b));
}

/// The example pipelines under docs/ci/ are valid YAML and do what the README says: check with
/// SARIF, upload it (GitHub) or keep it (GitLab), build and publish the site.
#[test]
fn example_ci_files_check_upload_build_and_publish() {
    let read = |name: &str| -> (String, Value) {
        let text = std::fs::read_to_string(common::crate_root().join("docs/ci").join(name)).unwrap();
        let value: Value = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("docs/ci/{name}: {e}"));
        (text, value)
    };
    let (_, gh) = read("github-actions.yml");
    let steps = |job: &str| -> Vec<Value> { gh["jobs"][job]["steps"].as_array().cloned().unwrap_or_default() };
    let runs = |job: &str| -> String { steps(job).iter().filter_map(|s| s["run"].as_str()).collect::<Vec<_>>().join("\n") };
    assert!(runs("check").contains("aimsbook check --root \"$AIMS_ROOT\" --format sarif > aimsbook.sarif"));
    let upload = steps("check")
        .into_iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@")))
        .unwrap();
    assert_eq!(upload["with"]["sarif_file"], "aimsbook.sarif");
    assert_eq!(gh["jobs"]["check"]["permissions"]["security-events"], "write");
    assert!(runs("site").contains("aimsbook build"));
    assert!(gh["jobs"]["publish"]["steps"][0]["uses"].as_str().unwrap().starts_with("actions/deploy-pages@"));

    let (_, gl) = read("gitlab-ci.yml");
    let script =
        |job: &str| gl[job]["script"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect::<Vec<_>>().join("\n");
    assert!(script("check").contains("--format sarif > aimsbook.sarif"));
    assert_eq!(gl["check"]["artifacts"]["paths"][0], "aimsbook.sarif");
    assert!(script("build").contains("aimsbook build") && script("build").contains("public"));
    assert_eq!(gl["pages"]["artifacts"]["paths"][0], "public");
}
