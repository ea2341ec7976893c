//! The layout promise of ARCHITECTURE.md, checked on the source: the top-level modules of
//! src/ form a pipeline in which every `crate::` path points to the same stage or one
//! before it. A new import that reaches up (render reading a command, a check calling the
//! pipeline) fails here with the file, the line and the two stages, before it can become a
//! cycle.

mod common;

use std::path::{Path, PathBuf};

/// The stages, bottom first. A module may use its own stage and the ones listed before it.
const STAGES: &[&str] =
    &["diagnostics", "support", "config", "source", "parse", "i18n", "model", "check", "render", "output", "pipeline", "commands"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The stage a source file belongs to: its folder under src/, or its own name for a file
/// directly in src/ (lib.rs and main.rs sit above every stage).
fn stage_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy().into_owned();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Code only: line comments (`//`, `//!`, `///`) are documentation and may point anywhere.
fn code_part(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

#[test]
fn every_import_points_to_the_same_or_an_earlier_stage() {
    let src = common::crate_root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let rank = |s: &str| STAGES.iter().position(|x| *x == s);
    let mut wrong = Vec::new();
    for file in &files {
        let Some(stage) = stage_of(&src, file) else { continue };
        let Some(own) = rank(&stage) else {
            wrong.push(format!("{}: top-level module `{stage}` is not a stage in STAGES", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = code_part(line);
            let mut rest = code;
            while let Some(at) = rest.find("crate::") {
                let after = &rest[at + "crate::".len()..];
                let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                rest = &after[name.len()..];
                match rank(&name) {
                    Some(target) if target > own => wrong.push(format!(
                        "{}:{}: `{stage}` uses `crate::{name}`, a later stage\n    {}",
                        file.strip_prefix(&src).unwrap().display(),
                        n + 1,
                        line.trim()
                    )),
                    Some(_) => {}
                    None => wrong.push(format!("{}:{}: `crate::{name}` is not a stage", file.display(), n + 1)),
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} import(s) against the pipeline order {STAGES:?}:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn every_stage_exists_and_is_declared_in_lib_rs() {
    let root = common::crate_root();
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let mut declared: Vec<&str> = lib.lines().filter_map(|l| l.trim().strip_prefix("pub mod ")).map(|m| m.trim_end_matches(';')).collect();
    declared.sort();
    let mut stages = STAGES.to_vec();
    stages.sort();
    assert_eq!(declared, stages, "src/lib.rs declares every stage, and only the stages");
    for stage in STAGES {
        let folder = root.join("src").join(stage);
        assert!(folder.join("mod.rs").is_file() || root.join(format!("src/{stage}.rs")).is_file(), "stage {stage} has no source");
    }
}

/// Render is a function of its inputs (the site, the theme, what the driver read): no page
/// reads a file or runs a program while it is rendered, so a preview rebuild and a build give
/// the same pages and the driver decides what is read, once.
#[test]
fn render_reads_no_files_and_runs_no_programs() {
    let dir = common::crate_root().join("src/render");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = code_part(line);
            for io in ["std::fs", "File::open", "Command::new", "std::process", "read_dir", "read_to_string("] {
                if code.contains(io) {
                    found.push(format!("{}:{}: {io}\n    {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "render touches the disk or spawns a program:\n{}", found.join("\n"));
}
