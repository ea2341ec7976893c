//! Atomic output: a build killed with SIGKILL at any moment leaves the previous site complete
//! and byte-identical, and the next build succeeds.
//!
//! The test generates an 800-document corpus (cross-linked, with tables and highlighted code,
//! so that rendering and writing take a while), builds it once into `PARENT/site`, then starts
//! `build` into the same `--out` again and again and kills it (`Child::kill`, SIGKILL):
//!
//! - at delays spread across the measured build time (loading, rendering, writing), and
//! - at delays counted from the moment the temporary sibling `.site.aimsbook-tmp-PID` appears,
//!   so that kills land inside the write phase.
//!
//! After each kill the output folder must hold exactly the files of the first build with the
//! same bytes. At the end a normal build must succeed (and still produce the same site). The
//! temporary siblings a SIGKILL leaves behind are counted and printed; they must never be
//! inside the output folder.
//!
//! Run: `cargo test --test atomicity -- --nocapture`.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

const DOCS: usize = 800;

fn write_corpus(repo: &Path) {
    std::fs::create_dir_all(repo.join("content/docs")).unwrap();
    std::fs::write(repo.join("book.toml"), "[book]\ntitle = \"Atomicity corpus\"\norganization = \"Corpus Ltd\"\n").unwrap();
    let clauses = ["4.1", "5.2", "6.1.2", "7.5.1", "8.1", "9.2.1", "10.2", "A.2.2", "A.5.4", "A.6.2.4"];
    for i in 0..DOCS {
        let next = (i * 7 + 3) % DOCS;
        let prev = (i + DOCS - 1) % DOCS;
        let mut body = format!("# Document {i}\n\n## Purpose\n\nThis procedure {i} relies on [[DOC-{next:04}]] and [the previous one](doc-{prev:04}.md#scope).\n\n## Scope\n\n");
        for k in 0..6 {
            body.push_str(&format!("- Item {k}: the owner reviews model drift, data quality and incidents for system {}.\n", (i + k) % 17));
        }
        body.push_str("\n| Role | Responsibility | Frequency |\n|---|---|---|\n");
        for k in 0..4 {
            body.push_str(&format!("| Role {k} | Reviews the evidence of control {} | quarterly |\n", clauses[(i + k) % clauses.len()]));
        }
        body.push_str(&format!("\n```yaml\ncontrol: {}\nthreshold: {}\nowner: ai-governance\n```\n\n", clauses[i % clauses.len()], i % 97));
        body.push_str(&format!("This document addresses [[{}]].\n", clauses[(i + 3) % clauses.len()]));
        let doc = format!(
            "---\nid: DOC-{i:04}\ntitle: \"Document {i}\"\ntype: procedure\nowner: \"Owner {}\"\napprover: \"Approver\"\nversion: \"1.0\"\nstatus: approved\napproved: 2026-03-01\nreview_due: 2027-06-01\nclassification: internal\nclauses: [\"{}\"]\n---\n\n{body}",
            i % 9,
            clauses[i % clauses.len()]
        );
        std::fs::write(repo.join(format!("content/docs/doc-{i:04}.md")), doc).unwrap();
    }
}

fn build_args<'a>(repo: &'a str, out: &'a str) -> [&'a str; 7] {
    ["build", "--root", repo, "--out", out, "--today", common::TODAY]
}

/// Siblings of the output folder left by interrupted builds.
fn leftovers(parent: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site.aimsbook-"))
        .collect();
    v.sort();
    v
}

#[test]
fn sigkill_during_build_leaves_the_previous_site_intact() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let out = dir.path().join("site");
    write_corpus(&repo);
    let (repo_s, out_s) = (repo.to_str().unwrap(), out.to_str().unwrap());

    let t = Instant::now();
    let first = common::run(&build_args(repo_s, out_s));
    let build_time = t.elapsed();
    assert_eq!(common::code(&first), 0, "{}", common::stderr(&first));
    let good = common::snapshot(&out);
    let total_bytes: usize = good.values().map(Vec::len).sum();
    assert!(good.len() > DOCS && good.contains_key("doc/DOC-0799.html"), "{} files", good.len());
    println!(
        "atomicity: first build of {DOCS} documents: {} files, {:.1} MiB in {build_time:.2?}",
        good.len(),
        total_bytes as f64 / 1048576.0
    );

    // (label, how to decide when to kill)
    enum When {
        After(Duration),
        AfterTmp(Duration),
    }
    let mut plan = Vec::new();
    for k in 1..=10u32 {
        let delay = build_time * k / 10;
        plan.push((format!("{:>4} ms after start", delay.as_millis()), When::After(delay)));
    }
    for ms in [0u64, 3, 10, 25, 60] {
        plan.push((format!("{ms:>4} ms after the temporary folder appeared"), When::AfterTmp(Duration::from_millis(ms))));
    }

    let mut killed = 0;
    let mut in_write_phase = 0;
    for (label, when) in &plan {
        let mut child = common::spawn_quiet(&build_args(repo_s, out_s));
        let tmp = dir.path().join(format!(".site.aimsbook-tmp-{}", child.id()));
        let started = Instant::now();
        let limit = build_time * 4 + Duration::from_secs(10);
        let mut writing = false;
        match when {
            When::After(d) => {
                while started.elapsed() < *d && child.try_wait().unwrap().is_none() {
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
            When::AfterTmp(d) => {
                while !tmp.exists() && child.try_wait().unwrap().is_none() && started.elapsed() < limit {
                    std::thread::sleep(Duration::from_micros(200));
                }
                let seen = Instant::now();
                while seen.elapsed() < *d && child.try_wait().unwrap().is_none() {
                    std::thread::sleep(Duration::from_micros(500));
                }
            }
        }
        let still_running = child.try_wait().unwrap().is_none();
        if still_running {
            writing = tmp.exists();
            child.kill().unwrap();
            killed += 1;
            in_write_phase += usize::from(writing);
        }
        let status = child.wait().unwrap();
        let now = common::snapshot(&out);
        let diff = common::site_differences(&good, &now);
        println!(
            "atomicity: kill {label}: {} ({}), site {}; leftovers: {:?}",
            if still_running { "killed" } else { "build had finished" },
            if writing { "in the write phase" } else { "before writing" },
            if diff.is_empty() { "identical" } else { "DIFFERENT" },
            leftovers(dir.path())
        );
        assert!(
            diff.is_empty(),
            "after a kill {label} (status {status:?}) the site differs from the first build: {:?}",
            &diff[..diff.len().min(20)]
        );
    }
    assert!(killed >= 8, "only {killed} of {} builds were still running when killed", plan.len());
    assert!(in_write_phase >= 1, "no kill landed in the write phase");

    let before_final = leftovers(dir.path());
    let last = common::run(&build_args(repo_s, out_s));
    assert_eq!(common::code(&last), 0, "the build after the kills must succeed: {}", common::stderr(&last));
    let diff = common::site_differences(&good, &common::snapshot(&out));
    assert!(diff.is_empty(), "the final build differs from the first: {diff:?}");
    let after_final = leftovers(dir.path());
    // The successful build removes what the killed ones left behind (their processes are gone).
    assert!(after_final.is_empty(), "temporary siblings of killed builds remain: {after_final:?}");
    println!(
        "atomicity: {killed} builds killed ({in_write_phase} in the write phase), site identical after every kill; final build OK; \
         temporary siblings left by SIGKILL: {} before and {} after the final build: {:?}",
        before_final.len(),
        after_final.len(),
        after_final
    );
}
