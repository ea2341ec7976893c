//! Data safety: no command silently overwrites what the user wrote.
//!
//! For every command that writes into the repository (`schema`, `init`, `export --out`,
//! `snapshot`, `approve`) a file the user wrote beforehand is never lost: it is byte-identical
//! afterwards, or, with `--force`, kept as a backup whose bytes are the original's. `approve`
//! keeps the document's permissions and line endings and writes only a valid document; a
//! write killed with SIGKILL at any moment leaves the old or the new file, never a mix.
//!
//! The repository here is not the bundled example: another organisation, other folders, other
//! id scheme, a draft policy with its own history.

mod common;

use common::{code, empty_repo, path_arg, run, snapshot, stderr, stdout, take_snapshot, write, TODAY};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DOC_REL: &str = "content/handbook/ethics-rules.md";

fn ethics_rules(body: &str) -> String {
    format!(
        "---\nid: ETH-12\ntitle: \"Ethics rules for models\"\ntype: policy\nowner: \"Head of Ethics\"\napprover: \"Board\"\n\
         version: \"0.3\"\nstatus: draft\nreview_due: 2027-01-15\nclassification: internal\nclauses: [\"5.2\"]\nhistory:\n  \
         - version: \"0.3\"\n    date: 2026-10-01\n    author: \"Head of Ethics\"\n    summary: \"Third draft.\"\n---\n\n\
         # Ethics rules\n\nModels are reviewed quarterly.\n{body}"
    )
}

/// A small repository of another organisation: `dir/repo`.
fn repo_with(body: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, repo) = empty_repo();
    write(&repo.join("book.toml"), "[book]\ntitle = \"Fjord Mutual AI rules\"\norganization = \"Fjord Mutual\"\n");
    write(&repo.join(DOC_REL), ethics_rules(body));
    (dir, repo)
}

fn embedded_schema(rel: &str) -> Vec<u8> {
    std::fs::read(common::crate_root().join("schemas").join(rel)).unwrap()
}

fn approve(repo: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["approve", "ETH-12", "--root", path_arg(repo), "--today", TODAY, "--by", "Board"];
    args.extend_from_slice(extra);
    run(&args)
}

/// The front matter of a document as YAML values.
fn front_matter(text: &str) -> serde_json::Value {
    let text = text.replace("\r\n", "\n");
    let yaml = text.strip_prefix("---\n").and_then(|t| t.split_once("\n---\n")).map(|(y, _)| y.to_string()).expect("front matter");
    serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("the front matter no longer parses: {e}\n{yaml}"))
}

// ---------------------------------------------------------------------------------------------
// schema

#[test]
fn schema_keeps_an_edited_schema_and_force_keeps_it_as_a_backup() {
    let (_dir, repo) = repo_with("");
    let schemas = repo.join("schemas");
    let first = run(&["schema", "--root", path_arg(&repo)]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert!(stdout(&first).lines().all(|l| l.starts_with("created ")), "{}", stdout(&first));
    assert!(stdout(&first).contains("registers/risks.schema.json"), "{}", stdout(&first));

    // The README's way to add a field: edit the written schema.
    let risks = schemas.join("registers/risks.schema.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&risks).unwrap()).unwrap();
    v["properties"]["fjord_segment"] = serde_json::json!({ "type": "string" });
    let edited = serde_json::to_vec_pretty(&v).unwrap();
    std::fs::write(&risks, &edited).unwrap();

    // Again, without --force: the edit stays, reported with its path; the rest is up to date.
    let before = snapshot(&repo);
    let again = run(&["schema", "--root", path_arg(&repo)]);
    assert_eq!(code(&again), 0, "keeping an edited schema is not a failure: {}", stderr(&again));
    let warning = stderr(&again);
    assert!(warning.contains(&format!("{} differs from the built-in schema", risks.display())), "{warning}");
    assert!(warning.contains("--force"), "{warning}");
    assert_eq!(snapshot(&repo), before, "schema without --force changed the repository");
    let out = stdout(&again);
    assert!(out.contains(&format!("kept        {}", risks.display())), "{out}");
    assert!(out.contains(&format!("up to date  {}", schemas.join("document.schema.json").display())), "{out}");
    assert!(!out.contains("created") && !out.contains("replaced"), "{out}");

    // A backup the user already has is never overwritten: the next free name is used.
    let their_bak = schemas.join("registers/risks.schema.json.bak");
    std::fs::write(&their_bak, b"their own backup").unwrap();
    let forced = run(&["schema", "--root", path_arg(&repo), "--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    let backup = schemas.join("registers/risks.schema.json.bak.1");
    assert!(
        stdout(&forced).contains(&format!("replaced    {} (the previous file is kept as {})", risks.display(), backup.display())),
        "{}",
        stdout(&forced)
    );
    assert_eq!(std::fs::read(&backup).unwrap(), edited, "the backup holds the user's schema, byte for byte");
    assert_eq!(std::fs::read(&their_bak).unwrap(), b"their own backup");
    assert_eq!(std::fs::read(&risks).unwrap(), embedded_schema("registers/risks.schema.json"));
    // Only the differing file was replaced.
    assert_eq!(stdout(&forced).matches("replaced").count(), 1, "{}", stdout(&forced));
}

// ---------------------------------------------------------------------------------------------
// init

#[test]
fn init_into_a_non_empty_folder_keeps_every_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("aims");
    std::fs::create_dir_all(target.join("notes")).unwrap();
    std::fs::write(target.join(".gitignore"), "*.tmp\n/build/\n").unwrap();
    std::fs::write(target.join("README.md"), "# Our AIMS\n\nWork in progress.\n").unwrap();
    std::fs::write(target.join("notes/kick-off.txt"), "Kick-off on Monday.\n").unwrap();
    let before = snapshot(&target);

    let out = run(&["init", path_arg(&target), "--today", TODAY]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = snapshot(&target);
    for (rel, bytes) in &before {
        assert_eq!(after.get(rel), Some(bytes), "init changed or removed {rel}");
    }
    let err = stderr(&out);
    assert!(err.contains(&format!("warning: {} already exists; left as it is", target.join(".gitignore").display())), "{err}");
    assert!(err.contains("add /site/ and /snapshots/ to your .gitignore"), "{err}");
    assert!(err.contains("(kept 1 existing)"), "{err}");
    assert!(after.contains_key("book.toml") && after.keys().any(|k| k.starts_with("content/") && k.ends_with(".md")));
    // No temporary file is left behind.
    assert!(after.keys().all(|k| !k.contains(".aimsbook-tmp")), "{:?}", after.keys().collect::<Vec<_>>());

    // A second init is refused and changes nothing.
    let again = run(&["init", path_arg(&target), "--today", TODAY]);
    assert_eq!(code(&again), 2);
    assert_eq!(snapshot(&target), after);
}

// ---------------------------------------------------------------------------------------------
// export --out

#[test]
fn export_out_never_replaces_a_differing_file_without_force() {
    let (dir, repo) = repo_with("");
    let out_file = dir.path().join("documents.csv");
    let export = |extra: &[&str]| {
        let mut args =
            vec!["export", "documents", "--format", "csv", "--root", path_arg(&repo), "--today", TODAY, "--out", path_arg(&out_file)];
        args.extend_from_slice(extra);
        run(&args)
    };
    // An auditor's annotated copy.
    let annotated = b"Id,Title,Auditor note\nETH-12,Ethics rules for models,Checked on site visit\n".to_vec();
    std::fs::write(&out_file, &annotated).unwrap();

    let refused = export(&[]);
    assert_eq!(code(&refused), 2, "{}", stderr(&refused));
    assert!(stderr(&refused).contains(&format!("{} already exists and differs from this export; nothing was written", out_file.display())));
    assert_eq!(std::fs::read(&out_file).unwrap(), annotated);

    let forced = export(&["--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    let backup = dir.path().join("documents.csv.bak");
    assert!(stderr(&forced).contains(&format!("(replaced; the previous file is kept as {})", backup.display())), "{}", stderr(&forced));
    assert_eq!(std::fs::read(&backup).unwrap(), annotated);
    let exported = std::fs::read_to_string(&out_file).unwrap();
    assert!(exported.contains("ETH-12") && !exported.contains("Auditor note"), "{exported}");

    // The same export again: nothing to write, no new backup.
    let same = export(&[]);
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    assert!(stderr(&same).contains("is up to date"), "{}", stderr(&same));
    assert!(!dir.path().join("documents.csv.bak.1").exists());
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), exported);
}

// ---------------------------------------------------------------------------------------------
// snapshot

#[test]
fn snapshot_never_replaces_a_snapshot_or_a_file_with_its_name() {
    let (dir, repo) = repo_with("");
    let snaps = dir.path().join("audits");
    let take = |label: &str| take_snapshot(&repo, label, &snaps, &[]);
    let first = take("2026-stage1");
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let before = snapshot(&snaps);
    assert!(before.contains_key("2026-stage1.zip") && before.contains_key("2026-stage1/manifest.json"));

    // Same label after an edit: refused, the first snapshot byte-identical.
    std::fs::write(repo.join(DOC_REL), ethics_rules("A later edit.\n")).unwrap();
    let again = take("2026-stage1");
    assert_eq!(code(&again), 2, "{}", stderr(&again));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
    assert_eq!(snapshot(&snaps), before);

    // A file of the user's that happens to have the zip's name is not replaced either.
    std::fs::write(snaps.join("stage2.zip"), b"not a snapshot").unwrap();
    let clash = take("stage2");
    assert_eq!(code(&clash), 2, "{}", stderr(&clash));
    assert_eq!(std::fs::read(snaps.join("stage2.zip")).unwrap(), b"not a snapshot");
    assert!(!snaps.join("stage2").exists());
}

// ---------------------------------------------------------------------------------------------
// approve

#[cfg(unix)]
#[test]
fn approve_keeps_mode_and_crlf_and_says_what_it_wrote() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, repo) = repo_with("Second paragraph.\n");
    let doc = repo.join(DOC_REL);
    let crlf = std::fs::read_to_string(&doc).unwrap().replace('\n', "\r\n");
    std::fs::write(&doc, &crlf).unwrap();
    std::fs::set_permissions(&doc, std::fs::Permissions::from_mode(0o640)).unwrap();

    let out = approve(&repo, &["--summary", "First issue."]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("wrote {DOC_REL}")), "{}", stderr(&out));
    let meta = std::fs::metadata(&doc).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640, "approve changed the file's permissions");
    let text = std::fs::read_to_string(&doc).unwrap();
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count(), "a bare LF appeared:\n{text:?}");
    assert!(text.contains("status: approved\r\n") && text.ends_with("Second paragraph.\r\n"), "{text:?}");
    let fm = front_matter(&text);
    assert_eq!(fm["version"].as_str(), Some("1.0"));
    // Nothing else in the folder: no temporary file left.
    let names: Vec<_> = std::fs::read_dir(doc.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["ethics-rules.md"]);
}

#[test]
fn approve_writes_any_summary_as_valid_yaml() {
    let (_dir, repo) = repo_with("");
    let summary = "- Approved: see minutes #4\nSecond line with \"quotes\" and 'single' ones\n- dash\n* star\n&anchor !tag | > % @ `";
    let by = "*Board*: #1 & all";
    // `--opt=VALUE`: a value starting with `-` is not taken for an option.
    let (by_arg, summary_arg) = (format!("--by={by}"), format!("--summary={summary}"));
    let out = run(&["approve", "ETH-12", "--root", path_arg(&repo), "--today", TODAY, &by_arg, &summary_arg, "--bump", "major"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = std::fs::read_to_string(repo.join(DOC_REL)).unwrap();
    let fm = front_matter(&text);
    let history = fm["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{text}");
    assert_eq!(history[0]["summary"].as_str(), Some("Third draft."));
    assert_eq!(history[1]["summary"].as_str(), Some(summary), "{text}");
    assert_eq!(history[1]["author"].as_str(), Some(by), "{text}");
    assert_eq!(fm["approver"].as_str(), Some(by), "{text}");
    // And aimsbook itself reads the result without any error.
    let (rc, diags) = common::check_json(&repo, &[]);
    assert_eq!(rc, 0, "{}", common::show(&diags));
    assert!(diags.iter().all(|d| d.severity != "error"), "{}", common::show(&diags));
}

#[test]
fn approve_that_fails_writes_nothing() {
    let (_dir, repo) = repo_with("");
    let doc = repo.join(DOC_REL);
    // History in flow style cannot be appended to: refused, and the file is untouched.
    let flow = ethics_rules("").replace(
        "history:\n  - version: \"0.3\"\n    date: 2026-10-01\n    author: \"Head of Ethics\"\n    summary: \"Third draft.\"\n",
        "history: [{version: \"0.3\", date: 2026-10-01, author: \"Head of Ethics\", summary: \"Third draft.\"}]\n",
    );
    std::fs::write(&doc, &flow).unwrap();
    let before = snapshot(&repo);
    let out = approve(&repo, &[]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("flow style"), "{}", stderr(&out));
    assert_eq!(snapshot(&repo), before);
}

// ---------------------------------------------------------------------------------------------
// SIGKILL: a killed write leaves the old or the new file, never a mix

/// Starts `aimsbook ARGS` and kills it (SIGKILL) after `delay`, or as soon as a temporary file
/// appears in `watch` when `delay` is None. Returns whether it was still running when killed
/// and whether a temporary file existed at that moment.
fn run_and_kill(args: &[&str], watch: &Path, delay: Option<Duration>, limit: Duration) -> (bool, bool) {
    let tmp_present = || {
        std::fs::read_dir(watch).map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().ends_with(".aimsbook-tmp"))).unwrap_or(false)
    };
    let mut child = common::spawn_quiet(args);
    let started = Instant::now();
    match delay {
        Some(d) => {
            while started.elapsed() < d && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_micros(300));
            }
        }
        None => {
            while !tmp_present() && child.try_wait().unwrap().is_none() && started.elapsed() < limit {
                std::hint::spin_loop();
            }
        }
    }
    let running = child.try_wait().unwrap().is_none();
    let writing = running && tmp_present();
    if running {
        child.kill().unwrap();
    }
    child.wait().unwrap();
    (running, writing)
}

#[cfg(unix)]
#[test]
fn sigkill_during_approve_leaves_the_old_or_the_new_document() {
    // A long document, so that reading, parsing and writing take a measurable time.
    let mut body = String::new();
    for i in 0..8_000 {
        body.push_str(&format!("Paragraph {i}: models are reviewed for drift, bias and data quality every quarter.\n\n"));
    }
    let (_dir, repo) = repo_with(&body);
    let doc = repo.join(DOC_REL);
    let folder = doc.parent().unwrap().to_path_buf();
    let old = std::fs::read(&doc).unwrap();
    let args = ["approve", "ETH-12", "--root", path_arg(&repo), "--today", TODAY, "--by", "Board"];

    // One full run gives the new content and the time it takes.
    let t = Instant::now();
    let out = run(&args);
    let took = t.elapsed();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let new = std::fs::read(&doc).unwrap();
    assert_ne!(new, old);

    let mut delays: Vec<Option<Duration>> = (1..=12).map(|k| Some(took * k / 12)).collect();
    delays.extend([None, None, None, None]);
    let (mut killed, mut while_writing, mut saw_old, mut saw_new) = (0, 0, 0, 0);
    for delay in delays {
        std::fs::write(&doc, &old).unwrap();
        let (running, writing) = run_and_kill(&args, &folder, delay, took * 4 + Duration::from_secs(5));
        killed += usize::from(running);
        while_writing += usize::from(writing);
        let now = std::fs::read(&doc).unwrap();
        assert!(now == old || now == new, "after a kill ({delay:?}) the document is neither the old nor the new one ({} bytes)", now.len());
        if now == old {
            saw_old += 1;
        } else {
            saw_new += 1;
        }
    }
    println!(
        "data_safety: approve took {took:.2?}; {killed} runs killed ({while_writing} with the temporary file present); \
         afterwards {saw_old} old and {saw_new} new documents, never a mix"
    );
    assert!(killed >= 8, "only {killed} runs were still running when killed");
    // Left-over temporary files are hidden and ignored: the repository still checks, and a
    // normal approve succeeds.
    std::fs::write(&doc, &old).unwrap();
    let (rc, diags) = common::check_json(&repo, &[]);
    assert_eq!(rc, 0, "{}", common::show(&diags));
    assert!(diags.iter().all(|d| d.code == "DC017"), "{}", common::show(&diags));
    let out = run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(std::fs::read(&doc).unwrap(), new);
}

#[cfg(unix)]
#[test]
fn sigkill_during_schema_force_never_loses_the_edited_schema() {
    let (_dir, repo) = repo_with("");
    let folder = repo.join("schemas/registers");
    let risks = folder.join("risks.schema.json");
    let out = run(&["schema", "--root", path_arg(&repo)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let embedded = embedded_schema("registers/risks.schema.json");
    // A large edit, so that writing it out takes a while.
    let mut v: serde_json::Value = serde_json::from_slice(&embedded).unwrap();
    for i in 0..20_000 {
        v["properties"][format!("fjord_field_{i}")] = serde_json::json!({ "type": "string", "description": "a field of our own" });
    }
    let edited = serde_json::to_vec_pretty(&v).unwrap();
    let args = ["schema", "--root", path_arg(&repo), "--force"];
    let backups = || -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("risks.schema.json.bak"))
            .collect();
        v.sort();
        v
    };

    std::fs::write(&risks, &edited).unwrap();
    let t = Instant::now();
    let out = run(&args);
    let took = t.elapsed();
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let mut delays: Vec<Option<Duration>> = (1..=10).map(|k| Some(took * k / 10)).collect();
    delays.extend([None, None, None]);
    let mut killed = 0;
    for delay in delays {
        for b in backups() {
            std::fs::remove_file(b).unwrap();
        }
        std::fs::write(&risks, &edited).unwrap();
        let (running, _) = run_and_kill(&args, &folder, delay, took * 4 + Duration::from_secs(5));
        killed += usize::from(running);
        let now = std::fs::read(&risks).unwrap();
        assert!(now == edited || now == embedded, "after a kill ({delay:?}) the schema is neither the edited nor the built-in one");
        // The user's schema is somewhere, whole: in place, or in a backup.
        let kept = now == edited || backups().iter().any(|b| std::fs::read(b).unwrap() == edited);
        assert!(kept, "after a kill ({delay:?}) the edited schema is lost; backups: {:?}", backups());
        for b in backups() {
            assert_eq!(std::fs::read(&b).unwrap(), edited, "{} is not a whole copy of the edited schema", b.display());
        }
    }
    println!("data_safety: schema --force took {took:.2?}; {killed} runs killed; the edited schema was never lost");
    assert!(killed >= 3, "only {killed} runs were still running when killed");
}
