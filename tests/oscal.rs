//! `aimsbook export oscal`: the catalog, profile and system security plan load and validate in
//! compliance-trestle's OSCAL models (tests/clients/oscal_check.py), say what the SoA says, and
//! come out byte-identical on a second export.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn export(root: &Path, dir: &Path) -> std::process::Output {
    run(&["export", "oscal", "--root", root.to_str().unwrap(), "--today", TODAY, "--out", dir.to_str().unwrap()])
}

/// What trestle read from the three files (see the script's output format).
fn trestle_read(dir: &Path) -> Value {
    let script = crate_root().join("tests/clients/oscal_check.py");
    let out = std::process::Command::new("python3").arg(&script).arg(dir).output().expect("python3 runs");
    assert!(out.status.success(), "trestle rejected the export:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect()
}

fn requirement<'a>(read: &'a Value, control_id: &str) -> &'a Value {
    read["ssp"]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["control_id"] == control_id)
        .unwrap_or_else(|| panic!("no {control_id}"))
}

fn links(req: &Value) -> Vec<(String, String, String)> {
    req["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["rel"].as_str().unwrap().into(), l["resource"].as_str().unwrap().into(), l["href"].as_str().unwrap().into()))
        .collect()
}

#[test]
fn the_example_exports_oscal_that_trestle_loads() {
    if !clients::python_module("trestle", "compliance-trestle") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let root = common::crate_root();
    for dir in [&a, &b] {
        let out = export(root, dir);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    for f in ["catalog.json", "profile.json", "ssp.json"] {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), "{f} differs between two exports");
    }
    let read = trestle_read(&a);
    assert_eq!(read["catalog"]["oscal_version"], "1.1.2");
    let controls = read["catalog"]["controls"].as_array().unwrap();
    assert_eq!(controls.iter().filter(|c| c["class"] == "requirement").count(), 32);
    assert_eq!(controls.iter().filter(|c| c["class"] == "control").count(), 38);
    for c in controls {
        let id = c["id"].as_str().unwrap();
        assert!(id.starts_with(|ch: char| ch.is_ascii_lowercase()), "{id} must not start with a digit");
        assert!(id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'), "{id}");
    }
    let a22 = controls.iter().find(|c| c["id"] == "a-2-2").unwrap();
    assert_eq!((a22["title"].as_str(), a22["label"].as_str()), (Some("AI policy"), Some("A.2.2")));
    let c614 = controls.iter().find(|c| c["id"] == "clause-6-1-4").unwrap();
    assert_eq!(c614["label"], "6.1.4");

    // The profile imports the catalog and selects every requirement plus the applicable controls.
    assert_eq!(read["profile"]["import"], "catalog.json");
    let soa: Value =
        serde_json::from_slice(&run(&["export", "soa", "--root", root.to_str().unwrap(), "--today", TODAY, "--format", "json"]).stdout)
            .unwrap();
    let soa = soa.as_array().unwrap();
    let with_ids = strs(&read["profile"]["with_ids"]);
    let applicable = soa.iter().filter(|r| r["Applicable"] == "yes").count();
    assert_eq!(with_ids.len(), 32 + applicable);
    assert!(with_ids.contains(&"clause-6-1-4") && with_ids.contains(&"a-2-2"));
    assert!(with_ids.iter().all(|id| controls.iter().any(|c| c["id"] == *id)), "the profile selects only catalog controls");

    // The SSP has one implemented requirement per SoA entry, with its status, justification and documents.
    assert_eq!(read["ssp"]["import"], "profile.json");
    let reqs = read["ssp"]["requirements"].as_array().unwrap();
    assert_eq!(reqs.len(), soa.len());
    for (row, req) in soa.iter().zip(reqs) {
        let control = row["Control"].as_str().unwrap();
        assert_eq!(req["control_id"], control.to_lowercase().replace('.', "-"));
        assert_eq!(req["state"], row["Implementation"], "{control}");
        assert!(req["remarks"].as_str().unwrap().starts_with(row["Justification"].as_str().unwrap()), "{control}");
        assert_eq!(req["component_is_this_system"], true);
        assert_eq!(req["props"]["coverage-status"], row["Status"], "{control}");
        let mut expected: Vec<String> = Vec::new();
        for (col, _) in [("Documents", "reference"), ("Evidence", "evidence")] {
            expected.extend(row[col].as_str().unwrap().split(", ").filter(|s| !s.is_empty()).map(|s| format!("doc/{s}.html")));
        }
        let hrefs: Vec<String> = links(req).into_iter().map(|(_, _, h)| h).collect();
        assert_eq!(hrefs, expected, "{control}");
    }
    assert_eq!(
        links(requirement(&read, "a-2-2")),
        vec![
            ("reference".to_string(), "POL-001 AI Policy".to_string(), "doc/POL-001.html".to_string()),
            ("evidence".into(), "REC-004 AI Policy Approval and Communication Record".into(), "doc/REC-004.html".into()),
        ]
    );
}

#[test]
fn another_soa_exports_its_own_statuses_and_skips_what_it_cannot_name() {
    if !clients::python_module("trestle", "compliance-trestle") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // This SoA has errors (a duplicate, an unknown control and document, missing
    // justifications): the export goes ahead with a warning, as the other exports do.
    let out = export(&fixture("trace-soa"), tmp.path());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: exporting anyway"), "{}", stderr(&out));
    let read = trestle_read(tmp.path());
    let ids: Vec<&str> = read["ssp"]["requirements"].as_array().unwrap().iter().map(|r| r["control_id"].as_str().unwrap()).collect();
    // In SoA order, A.2.2 once (its first entry); A.1.1 and A.2.1 (not controls of the
    // catalog) left out.
    assert_eq!(&ids[..4], &["a-2-2", "a-2-3", "a-2-4", "a-3-2"]);
    assert_eq!(ids.iter().filter(|i| **i == "a-2-2").count(), 1);
    assert!(!ids.contains(&"a-1-1") && !ids.contains(&"a-2-1"));
    let a22 = requirement(&read, "a-2-2");
    assert_eq!(a22["remarks"], "Every AI system must follow the policy's principles.");
    assert_eq!(a22["state"], "implemented");
    assert_eq!(links(a22).iter().map(|l| l.2.as_str()).collect::<Vec<_>>(), vec!["doc/POL-001.html", "doc/REC-001.html"]);
    // Not applicable wins over what the implementation column says.
    assert_eq!(requirement(&read, "a-5-2")["state"], "not-applicable");
    assert_eq!(requirement(&read, "a-5-2")["props"]["applicable"], "no");
    let a32 = requirement(&read, "a-3-2");
    assert_eq!(a32["state"], "planned");
    assert_eq!(a32["remarks"], "The Statement of Applicability gives no justification.\n\nTarget date: 2027-03-31.");
    // An unknown document id is not linked.
    assert_eq!(links(requirement(&read, "a-4-4")).iter().map(|l| l.2.as_str()).collect::<Vec<_>>(), vec!["doc/POL-001.html"]);
    let with_ids = strs(&read["profile"]["with_ids"]);
    let controls: Vec<&str> = with_ids.iter().copied().filter(|i| i.starts_with("a-")).collect();
    assert_eq!(controls, vec!["a-2-2", "a-3-2", "a-3-3", "a-4-2", "a-4-3", "a-4-4", "a-4-5", "a-4-6", "a-5-3"]);
    assert_eq!(with_ids.len(), 32 + controls.len());
    // Another organisation, another SSP: its UUIDs differ from the example's.
    let example = tempfile::tempdir().unwrap();
    assert_eq!(code(&export(common::crate_root(), example.path())), 0);
    let other = trestle_read(example.path());
    assert_ne!(other["ssp"]["uuid"], read["ssp"]["uuid"]);
    assert_eq!(other["catalog"]["uuid"], read["catalog"]["uuid"], "the same catalog keeps its UUID");
}

#[test]
fn export_oscal_needs_an_soa_and_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = export(&fixture("clean"), &tmp.path().join("x"));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no Statement of Applicability"), "{}", stderr(&out));
    assert!(!tmp.path().join("x").exists(), "nothing written");
    let out = run(&["export", "oscal", "--root", fixture("clean").to_str().unwrap(), "--today", TODAY]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("needs --out DIR"), "{}", stderr(&out));
    let out = run(&["export", "oscal", "--format", "csv", "--out", "x"]);
    assert_eq!(code(&out), 2);
    let out = run(&["export", "soa", "--root", fixture("clean").to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--format"), "{}", stderr(&out));
}
