//! The incremental rebuild of `serve` is exact: along a seeded pseudo-random sequence of edits
//! to a copy of the bundled example — body edits adding links, retitled documents, renamed
//! headings (with LNK004 a warning, so they break links elsewhere without failing the
//! build), new and deleted documents, register edits and saves without change — the site that
//! `serve` builds in memory from its caches equals, after every step, a fresh build of the same
//! files: the same paths with the same bytes, or the same errors.
//!
//! This drives the library directly (the caches, `Watched::prepare_rebuild` and
//! `build_in_memory`, as the serve loop does), so it runs many rebuilds quickly; the HTTP side
//! is covered by tests/serve.rs.

mod common;

use aimsbook::commands::serve;
use aimsbook::pipeline;
use aimsbook::pipeline::incremental::{ParseCache, Watched};
use aimsbook::render::RenderCache;
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const STEPS: usize = 40;

fn today() -> Date {
    common::TODAY.parse().unwrap()
}

/// xorshift64*: a fixed, dependency-free sequence, so a failure is reproducible by its step.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every Markdown document under `content`, sorted, with its id.
fn documents(content: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(content).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let id = text.lines().find_map(|l| l.strip_prefix("id: ")).unwrap().trim().to_string();
            out.push((entry.path().to_path_buf(), id));
        }
    }
    out
}

/// The documents that some document links into with `file.md#anchor`.
fn anchor_targets(content: &Path) -> Vec<PathBuf> {
    let mut out = std::collections::BTreeSet::new();
    for (path, _) in documents(content) {
        let text = std::fs::read_to_string(&path).unwrap();
        for part in text.split("](").skip(1) {
            let link = part.split(')').next().unwrap_or("");
            if let Some((file, _anchor)) = link.split_once(".md#") {
                let target = path.parent().unwrap().join(format!("{file}.md"));
                if let Ok(t) = target.canonicalize() {
                    out.insert(t);
                }
            }
        }
    }
    assert!(!out.is_empty(), "the example links into headings of other documents");
    out.into_iter().collect()
}

/// A fresh build: every page by path, or the error codes.
fn fresh(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, Vec<&'static str>> {
    let loaded = pipeline::load(root, today()).map_err(|e| e.0.iter().map(|d| d.code.as_str()).collect::<Vec<_>>())?;
    let mut diags = loaded.diagnostics;
    diags.finish(&loaded.site.config.levels, false);
    if diags.has_errors() {
        return Err(error_codes(&diags));
    }
    let pages = pipeline::render_all(&loaded.site).map_err(|ds| ds.iter().map(|d| d.code.as_str()).collect::<Vec<_>>())?;
    let mut out: BTreeMap<String, Vec<u8>> = pages.into_iter().map(|p| (p.path, p.bytes.to_vec())).collect();
    for rel in &loaded.site.assets {
        out.insert(format!("files/{rel}"), std::fs::read(loaded.site.config.content_dir().join(rel)).unwrap());
    }
    Ok(out)
}

fn error_codes(diags: &aimsbook::diagnostics::Diagnostics) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> =
        diags.items.iter().filter(|d| d.severity == aimsbook::diagnostics::Severity::Error).map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    codes
}

#[test]
fn serve_rebuilds_equal_fresh_builds_along_random_edits() {
    let (_dir, root) = common::example_content_repo();
    let root = root.canonicalize().unwrap();
    common::append(&root.join("book.toml"), "\n[check]\nLNK004 = \"warning\"\n");
    let content = root.join("content");

    let parse_cache = ParseCache::default();
    let render_cache = RenderCache::default();
    let mut watched = Watched::new(&root);
    let first = serve::build_in_memory(&root, today(), &parse_cache, &render_cache);
    assert!(first.pages.is_some(), "the example builds: {:?}", error_codes(&first.diagnostics));

    let mut rng = Rng(0x005E_ED0F_A1B5);
    let mut added: Vec<PathBuf> = Vec::new();
    let mut kinds_seen = [0usize; 7];
    for step in 0..STEPS {
        let docs = documents(&content);
        let (path, _) = docs[rng.below(docs.len())].clone();
        let (_, other_id) = docs[rng.below(docs.len())].clone();
        let text = std::fs::read_to_string(&path).unwrap();
        let kind = rng.below(7);
        kinds_seen[kind] += 1;
        let mut changed = vec![path.clone()];
        let what = match kind {
            0 => {
                std::fs::write(&path, format!("{text}\nStep {step} adds a reference to [[{other_id}]].\n")).unwrap();
                "body edit with a new link"
            }
            1 => {
                let retitled: Vec<String> = text
                    .lines()
                    .map(|l| if l.starts_with("title: ") { format!("title: \"Retitled at step {step}\"") } else { l.into() })
                    .collect();
                std::fs::write(&path, retitled.join("\n") + "\n").unwrap();
                "retitle"
            }
            2 => {
                // Rename every second-level heading of a document that other documents link
                // into by anchor, so that their links break (a warning here).
                let targets = anchor_targets(&content);
                let target = &targets[rng.below(targets.len())];
                let text = std::fs::read_to_string(target).unwrap();
                let renamed: Vec<String> = text
                    .lines()
                    .map(|l| if let Some(h) = l.strip_prefix("## ") { format!("## {h} (step {step})") } else { l.into() })
                    .collect();
                std::fs::write(target, renamed.join("\n") + "\n").unwrap();
                changed = vec![target.clone()];
                "heading rename"
            }
            3 => {
                let template = std::fs::read_to_string(content.join("records/2026-human-oversight-drill.md")).unwrap();
                let new_text = template.replacen("id: REC-017", &format!("id: REC-9{step:02}"), 1).replacen(
                    "\ntitle: \"",
                    &format!("\ntitle: \"Generated record {step}, "),
                    1,
                );
                let new_path = content.join(format!("records/generated-{step}.md"));
                std::fs::write(&new_path, format!("{new_text}\nIt follows [[{other_id}]].\n")).unwrap();
                added.push(new_path.clone());
                changed = vec![new_path];
                "new document"
            }
            4 if !added.is_empty() => {
                let gone = added.remove(rng.below(added.len()));
                std::fs::remove_file(&gone).unwrap();
                changed = vec![gone];
                "deleted document"
            }
            5 | 4 => {
                let risks = content.join("data/risks.yaml");
                let yaml = std::fs::read_to_string(&risks).unwrap();
                let n = rng.below(yaml.matches("\n    title: \"").count());
                let mut seen = 0;
                let edited: Vec<String> = yaml
                    .lines()
                    .map(|l| {
                        if l.starts_with("    title: \"") {
                            seen += 1;
                            if seen == n + 1 {
                                return format!("    title: \"Risk revised at step {step}\"");
                            }
                        }
                        l.into()
                    })
                    .collect();
                std::fs::write(&risks, edited.join("\n") + "\n").unwrap();
                changed = vec![risks];
                "register edit"
            }
            _ => {
                std::fs::write(&path, &text).unwrap();
                "save without change"
            }
        };

        if watched.prepare_rebuild(&parse_cache, &render_cache, changed) {
            let attempt = serve::build_in_memory(&root, today(), &parse_cache, &render_cache);
            let expected = fresh(&root);
            match (&attempt.pages, &expected) {
                (Some(got), Ok(want)) => {
                    let got: BTreeMap<&String, &[u8]> = got.iter().map(|(k, v)| (k, &v[..])).collect();
                    let want: BTreeMap<&String, &[u8]> = want.iter().map(|(k, v)| (k, &v[..])).collect();
                    assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>(), "step {step} ({what}): different files");
                    for (k, v) in &want {
                        assert!(got[k] == *v, "step {step} ({what}): {k} differs from a fresh build");
                    }
                }
                (None, Err(codes)) => assert_eq!(&error_codes(&attempt.diagnostics), codes, "step {step} ({what}): different errors"),
                (got, want) => panic!(
                    "step {step} ({what}): serve {} but a fresh build {}",
                    if got.is_some() { "built" } else { "failed" },
                    if want.is_ok() { "succeeds" } else { "fails" }
                ),
            }
        }
    }
    assert!(kinds_seen.iter().all(|&n| n > 0), "every kind of edit was exercised: {kinds_seen:?}");
}
