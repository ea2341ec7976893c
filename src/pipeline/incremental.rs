//! Everything `serve` keeps between rebuilds, and what a change to a file invalidates: the
//! parse side here ([`ParseCache`]), the render side in [`crate::render::cache`], both made
//! of one memo type ([`crate::support::memo::Memo`]). A build or a snapshot keeps nothing.

use crate::config::{self, Config};
use crate::diagnostics::Diagnostic;
use crate::parse::{self, schemas::Schemas};
use crate::render::RenderCache;
use crate::source::{self, SourceFile};
use crate::support::memo::Memo;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Parse results kept between rebuilds (`serve`): a file whose text is unchanged is not
/// parsed again. Only valid while schemas, catalogs and book.toml are unchanged — `serve`
/// clears it when any of those change.
#[derive(Default)]
pub struct ParseCache {
    pub(super) documents: ByText<parse::Parsed>,
    pub(super) data: ByText<DataParsed>,
    /// Git history, read once and again only when HEAD or a branch moves (`forget_git`).
    pub(super) git: Mutex<Option<Arc<crate::source::git::GitInfo>>>,
    /// File texts by modification time and size.
    pub(super) files: source::ReadCache,
    /// Compiled schemas (dropped with the rest when anything outside the content changes).
    pub(super) schemas: Mutex<Option<std::sync::Arc<Schemas>>>,
    /// The last walk of the content folder (the folder, its files and the walk's diagnostics).
    pub(super) walk: Mutex<Option<LastWalk>>,
    /// Paths reported changed since the last load, when the watcher knows them.
    pub(super) changed: Mutex<Option<Vec<PathBuf>>>,
    /// What the last model derived (resolved links, clause index, traceability), for the next
    /// to reuse what an edit cannot change.
    pub(super) model: Mutex<Option<crate::model::reuse::Previous>>,
    /// The last run's per-document check results.
    pub(super) checks: Mutex<Option<crate::check::Found>>,
    /// The last load's document parse results in walk order, with the text each was parsed
    /// from, and the ids they claim: see [`ParseCache::documents_parsed`].
    pub(super) last_parsed: Mutex<Option<LastParsed>>,
}

/// Parse results in walk order (each with its text), and the set of ids they claim.
pub(super) struct LastParsed {
    results: Vec<(Arc<str>, parse::Parsed)>,
    known_ids: Arc<std::collections::BTreeSet<String>>,
}

/// Shared with the load that uses it, and refreshed in place by the next (no copy of the list
/// per rebuild once that load is over).
type LastWalk = (PathBuf, Arc<Vec<SourceFile>>, Vec<Diagnostic>);

/// Results by file path, with the text they were made from: the read cache hands out the
/// same `Arc` for an unchanged file, so comparing the texts is mostly a pointer test.
type ByText<T> = Memo<String, T, Arc<str>>;

/// A data file is shared with the model rather than copied out of the cache on every rebuild.
type DataParsed = (Option<Arc<crate::parse::data::DataFile>>, Vec<Diagnostic>);

impl ParseCache {
    pub(crate) fn clear(&self) {
        self.documents.clear();
        self.data.clear();
        if let Ok(mut m) = self.git.lock() {
            *m = None;
        }
        if let Ok(mut m) = self.schemas.lock() {
            *m = None;
        }
        if let Ok(mut m) = self.walk.lock() {
            *m = None;
        }
        // The traceability also follows from the configuration and the catalogs.
        if let Ok(mut m) = self.model.lock() {
            *m = None;
        }
        if let Ok(mut m) = self.checks.lock() {
            *m = None;
        }
        if let Ok(mut m) = self.last_parsed.lock() {
            *m = None;
        }
    }

    /// Every document's parse result in walk order, and the set of ids they claim. A file at
    /// the same place in the walk with the very same text (the read cache hands out the same
    /// `Arc` for an unchanged file) takes the last result without a look-up, so an edit costs a
    /// pointer test per unchanged document; any other file, and every file when one came or
    /// went (the places shift), goes through the memo by path, and only what changed is parsed.
    pub(super) fn documents_parsed(
        &self,
        files: &[SourceFile],
        parse: &(dyn Fn(&SourceFile) -> parse::Parsed + Sync),
    ) -> (Vec<parse::Parsed>, Arc<std::collections::BTreeSet<String>>) {
        use rayon::prelude::*;
        let docs: Vec<&SourceFile> = files.iter().filter(|f| f.kind == source::SourceKind::Document).collect();
        // The last results stay where they are: an unchanged file's result is neither moved
        // nor copied into a new list (that touched every document, its text and its id, which
        // at 20,000 documents cost more than the rest of this stage).
        let (mut kept, last_ids) = match self.last_parsed.lock().ok().and_then(|mut m| m.take()) {
            Some(l) if l.results.len() == docs.len() => (l.results, Some(l.known_ids)),
            _ => (Vec::new(), None),
        };
        let aligned = last_ids.is_some();
        let missing: Vec<usize> = (0..docs.len()).filter(|&k| !aligned || !Arc::ptr_eq(&kept[k].0, &docs[k].text)).collect();
        let made: Vec<parse::Parsed> = missing.par_iter().map(|&k| cached(Some(&self.documents), docs[k], || parse(docs[k]))).collect();
        // The claimed ids are the last ones when every file that changed claims what the file
        // at its place claimed before (an edit that keeps the id), and no file came or went.
        let same_ids = aligned && missing.iter().zip(&made).all(|(&k, p)| kept[k].1.claimed_id == p.claimed_id);
        if aligned {
            for (&k, p) in missing.iter().zip(made) {
                kept[k] = (docs[k].text.clone(), p);
            }
        } else {
            kept = docs.iter().zip(made).map(|(f, p)| (f.text.clone(), p)).collect();
        }
        let known_ids = match last_ids {
            Some(ids) if same_ids => ids,
            _ => Arc::new(kept.iter().filter_map(|(_, p)| p.claimed_id.clone()).collect()),
        };
        let results = kept.iter().map(|(_, p)| p.handed_over()).collect();
        if let Ok(mut m) = self.last_parsed.lock() {
            *m = Some(LastParsed { results: kept, known_ids: known_ids.clone() });
        }
        (results, known_ids)
    }

    /// Makes the next load read the git history again (HEAD or a branch moved).
    pub(crate) fn forget_git(&self) {
        if let Ok(mut m) = self.git.lock() {
            *m = None;
        }
    }

    /// Forgets the cached texts of these files, so the next load reads them even if their
    /// modification time and size look unchanged (two saves within the file system's
    /// timestamp granularity that keep the size).
    pub(crate) fn forget_texts(&self, paths: &[PathBuf]) {
        for p in paths {
            self.files.remove(p);
        }
    }

    /// Tells the next load which files changed since the last one (from file-system events),
    /// so that it can re-read just those; `None` when that is not known (a full walk).
    pub(crate) fn note_changes(&self, paths: Option<Vec<PathBuf>>) {
        if let Ok(mut m) = self.changed.lock() {
            // Changes not yet taken by a load (it stopped early) are kept: they add up.
            match (m.as_mut(), paths) {
                (Some(pending), Some(more)) => pending.extend(more),
                (_, paths) => *m = paths,
            }
        }
    }

    /// The content folder's files: the last walk refreshed for the noted changes when that is
    /// enough (see [`source::refresh`]), a full walk otherwise.
    pub(super) fn files(&self, config: &Config, content_dir: &Path) -> (Arc<Vec<SourceFile>>, Vec<Diagnostic>) {
        let changed = self.changed.lock().ok().and_then(|mut m| m.take());
        let refreshed = match (changed, self.walk.lock().ok().and_then(|mut m| m.take())) {
            (Some(paths), Some((dir, mut files, diags))) if dir == content_dir => {
                source::refresh_in_place(Arc::make_mut(&mut files).as_mut_slice(), content_dir, &paths, Some(&self.files))
                    .map(|()| (files, diags))
            }
            _ => None,
        };
        let (files, diags) = refreshed.unwrap_or_else(|| {
            let (files, diags) = source::walk_cached(&config.root, content_dir, &config.build.content, Some(&self.files));
            (Arc::new(files), diags)
        });
        if let Ok(mut m) = self.walk.lock() {
            *m = Some((content_dir.to_path_buf(), files.clone(), diags.clone()));
        }
        (files, diags)
    }
}

pub(super) fn cached<T: Clone>(cache: Option<&ByText<T>>, file: &SourceFile, make: impl FnOnce() -> T) -> T {
    match cache {
        Some(c) => c.get_or_make_by(file.rel.as_str(), file.text.clone(), make),
        None => make(),
    }
}

/// What the preview watches, and what a reported change means for the caches.
pub struct Watched {
    root: PathBuf,
    content: PathBuf,
    output: PathBuf,
    /// Files and folders that change how every file is parsed: book.toml, schemas/ and the
    /// extra catalogs (they may lie inside the content folder when `content = "."`).
    parse_inputs: Vec<PathBuf>,
}

impl Watched {
    /// For the repository at `root` (an absolute path, as the watcher reports paths).
    pub fn new(root: &Path) -> Watched {
        let config = config::load(root).ok();
        let content = config.as_ref().map(|c| c.content_dir()).unwrap_or_else(|| root.join("content"));
        let output = config.as_ref().map(|c| c.root.join(&c.build.output)).unwrap_or_else(|| root.join("site"));
        let mut parse_inputs = vec![root.join("book.toml"), root.join("schemas")];
        parse_inputs.extend(config.iter().flat_map(|c| c.traceability.catalogs.iter().map(|rel| root.join(rel))));
        Watched { root: root.to_path_buf(), content, output, parse_inputs }
    }

    /// Drops from the caches what the `changed` paths invalidate; false when none of them can
    /// affect the site (no rebuild needed).
    pub fn prepare_rebuild(&mut self, cache: &ParseCache, render_cache: &RenderCache, mut changed: Vec<PathBuf>) -> bool {
        // book.toml may move the content or output folder, or name other catalogs.
        if changed.iter().any(|p| *p == self.root.join("book.toml")) {
            *self = Watched::new(&self.root);
        }
        // A commit, checkout or reset moves HEAD or a ref: the change logs on the pages are
        // read again (the rest of .git is ignored).
        let git_moved = changed.iter().any(|p| moves_git_head(&self.root, p));
        if git_moved {
            cache.forget_git();
        }
        changed.retain(|p| !ignored_change(&self.root, &self.output, p));
        if changed.is_empty() && !git_moved {
            return false;
        }
        // What an event names is read again, whatever its timestamp says.
        cache.forget_texts(&changed);
        render_cache.forget_assets(changed.iter().filter_map(|p| p.strip_prefix(&self.content).ok()));
        let parse_input = |p: &PathBuf| !p.starts_with(&self.content) || self.parse_inputs.iter().any(|i| p.starts_with(i));
        if changed.iter().any(parse_input) {
            cache.clear();
        } else {
            // Only content files changed: the next load re-reads just these when they are
            // files it already knows.
            cache.note_changes(Some(changed));
        }
        true
    }
}

/// Changes that never affect the site: the build output (a `build` run next to the preview),
/// our own temporary files, `target/` and `.git/` — judged by the path below the repository
/// root, so a repository that itself lives under a folder named `target` is still watched.
fn ignored_change(root: &Path, site_out: &Path, changed: &Path) -> bool {
    if changed.starts_with(site_out) {
        return true;
    }
    changed.strip_prefix(root).is_ok_and(|rel| {
        rel.components().any(|c| {
            let name = c.as_os_str();
            name.to_string_lossy().starts_with(".aimsbook") || name == "target" || name == ".git"
        })
    })
}

/// Whether a change inside `.git` means HEAD or a branch moved (a commit, checkout, reset).
fn moves_git_head(root: &Path, changed: &Path) -> bool {
    changed.strip_prefix(root.join(".git")).is_ok_and(|rel| {
        rel == Path::new("HEAD") || rel == Path::new("packed-refs") || rel.starts_with("refs/heads") || rel == Path::new("logs/HEAD")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_ignored_by_their_path_below_the_root_only() {
        let root = Path::new("/home/ana/target/aims");
        let out = root.join("public");
        assert!(!ignored_change(root, &out, &root.join("content/policy.md")), "a repository under a `target` folder is watched");
        assert!(!ignored_change(root, &out, root), "the root stands for a rescan");
        assert!(ignored_change(root, &out, &root.join("public/index.html")));
        assert!(ignored_change(root, &out, &root.join("target/debug/x")));
        assert!(ignored_change(root, &out, &root.join(".git/index")));
        assert!(ignored_change(root, &out, &root.join(".aimsbook-test-edit-x")));
    }

    #[test]
    fn commits_and_checkouts_are_recognised_in_git_events() {
        let root = Path::new("/repo");
        for moved in [".git/HEAD", ".git/refs/heads/main", ".git/logs/HEAD", ".git/packed-refs"] {
            assert!(moves_git_head(root, &root.join(moved)), "{moved}");
        }
        for other in [".git/index", ".git/objects/ab/cdef", "content/HEAD", ".git/refs/remotes/origin/main"] {
            assert!(!moves_git_head(root, &root.join(other)), "{other}");
        }
    }

    /// What the model derives from the documents and what the checks find, in a comparable form.
    fn derived(loaded: &super::super::Loaded) -> String {
        let site = &loaded.site;
        let resolved: Vec<_> = site.resolved.iter().map(|r| r.as_slice()).collect();
        let mut found: Vec<String> = loaded.diagnostics.items.iter().map(|d| format!("{d:?}")).collect();
        found.sort();
        found.dedup();
        fn sorted(m: &crate::support::hash::Map<String, usize>) -> std::collections::BTreeMap<&String, &usize> {
            m.iter().collect()
        }
        let indexes = (sorted(&site.by_id), sorted(&site.by_rel), sorted(&site.data_owner), &site.id_families, &site.known_ids);
        format!(
            "{resolved:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{indexes:?}\n{found:?}",
            site.link_keys, site.backlinks, site.clause_docs, site.trace
        )
    }

    /// The text with its first line starting with `key` replaced by `line` (a flow list or a
    /// scalar written on one line; a block list below the key is dropped with it).
    fn with_line(text: &str, key: &str, line: &str) -> String {
        let mut out = Vec::new();
        let mut lines = text.lines().peekable();
        let mut done = false;
        while let Some(l) = lines.next() {
            if !done && l.starts_with(key) {
                out.push(line.to_string());
                done = true;
                while lines.peek().is_some_and(|n| n.trim_start().starts_with("- ")) {
                    lines.next();
                }
            } else {
                out.push(l.to_string());
            }
        }
        assert!(done, "`{key}` is in the text");
        out.join("\n") + "\n"
    }

    fn copy_tree(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create folder");
        for entry in std::fs::read_dir(from).expect("read folder").flatten() {
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy_tree(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy file");
            }
        }
    }

    /// The model `serve` derives while reusing the last one equals a fresh one after edits of
    /// every kind: a body, a new heading (a link target), a status, the clauses, a data file,
    /// a deleted and a new document. A body-only edit reuses every other document's links.
    #[test]
    fn a_reused_model_equals_a_fresh_one_after_every_edit() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path();
        std::fs::copy(repo.join("book.toml"), root.join("book.toml")).expect("copy book.toml");
        copy_tree(&repo.join("content"), &root.join("content"));
        copy_tree(&repo.join("schemas"), &root.join("schemas"));
        let today = jiff::civil::date(2026, 11, 26);
        let cache = ParseCache::default();
        let load = |cached: bool| {
            let config = config::load(root).expect("book.toml loads");
            super::super::load_cached(config, today, cached.then_some(&cache)).map_err(|e| e.0).expect("loads")
        };
        let mut loaded = load(true);
        assert!(derived(&loaded) == derived(&load(false)), "the first load");
        let last = &loaded.site;
        // The documents with links, and the most linked-to one.
        let linking: Vec<String> = last.documents.iter().filter(|d| d.links.len() > 1).map(|d| d.rel.clone()).collect();
        let target = (0..last.documents.len()).max_by_key(|&i| last.backlinks[i].len()).map(|i| last.documents[i].rel.clone());
        let (linking, target) = (linking, target.expect("a document others link to"));
        assert!(linking.len() >= 4, "the example has documents with links");
        let content = root.join("content");
        let edit = |rel: &str, change: &dyn Fn(String) -> String| {
            let path = content.join(rel);
            let text = std::fs::read_to_string(&path).expect("read document");
            std::fs::write(&path, change(text)).expect("write document");
            cache.forget_texts(&[path]);
        };
        // A heading another document links to by its anchor, in a document other than the two above.
        let anchored = last.resolved.iter().flat_map(|r| r.iter()).find_map(|r| match r {
            Ok(crate::model::Destination::Document { index, anchor: Some(a) }) if last.documents[*index].rel != target => {
                let d = &last.documents[*index];
                d.headings.iter().find(|h| &h.slug == a).map(|h| (d.rel.clone(), h.text.clone()))
            }
            _ => None,
        });
        let (anchored, heading) = anchored.expect("the example links to a heading");
        let data = last.data_files.first().map(|df| df.rel.clone()).expect("the example has data files");
        // A document the first linking document does not link to yet, and a link to it written
        // relative to the linking one.
        let from = last.by_rel[&linking[0]];
        let linked: Vec<usize> = last.resolved[from]
            .iter()
            .filter_map(|r| match r {
                Ok(crate::model::Destination::Document { index, .. }) => Some(*index),
                _ => None,
            })
            .collect();
        let unlinked = (0..last.documents.len()).find(|i| *i != from && !linked.contains(i)).expect("a document not linked to");
        let up = "../".repeat(linking[0].matches('/').count());
        let new_link = format!("\nSee [another document]({up}{}).\n", last.documents[unlinked].rel);
        type Step<'a> = (&'a str, Box<dyn Fn() + 'a>);
        let steps: Vec<Step> = vec![
            ("a body edit", Box::new(|| edit(&linking[0], &|t| t + "\nAn added paragraph.\n"))),
            ("a link added", Box::new(|| edit(&linking[0], &|t| t + &new_link))),
            ("a link removed", Box::new(|| edit(&linking[0], &|t| t.replacen(&new_link, "", 1)))),
            ("a new heading", Box::new(|| edit(&target, &|t| t + "\n## An added section\n\nText.\n"))),
            ("a renamed heading", Box::new(|| edit(&anchored, &|t| t.replacen(&heading, "A renamed section", 1)))),
            ("a status", Box::new(|| edit(&linking[1], &|t| t.replacen("status: approved", "status: draft", 1)))),
            ("the clauses", Box::new(|| edit(&linking[2], &|t| with_line(&t, "clauses:", "clauses: [\"9.2\", \"10.1\"]")))),
            ("a renamed id", Box::new(|| edit(&linking[3], &|t| with_line(&t, "id:", "id: RENAMED-1")))),
            ("a data file", Box::new(|| edit(&data, &|t| t + "\n# a comment\n"))),
            ("a deleted document", Box::new(|| std::fs::remove_file(content.join(&target)).expect("delete"))),
            (
                "a new document",
                Box::new(|| {
                    let text = std::fs::read_to_string(content.join(&linking[0])).expect("read");
                    std::fs::write(content.join("added-copy.md"), with_line(&text, "id:", "id: ADDED-1")).expect("write");
                }),
            ),
        ];
        for (what, step) in &steps {
            step();
            let reused = load(true);
            assert!(derived(&reused) == derived(&load(false)), "the reused model differs from a fresh one after {what}");
            // Front matter, data files and the date identify the site-wide pages' inputs: a
            // body edit (a new or renamed heading too) keeps their generation, others do not.
            let kept_fronts = reused.site.fronts_generation == loaded.site.fronts_generation;
            let body_only = matches!(*what, "a body edit" | "a link added" | "a link removed" | "a new heading" | "a renamed heading");
            assert_eq!(kept_fronts, body_only, "the front-matter generation after {what}");
            if *what == "a body edit" {
                let kept = reused.site.resolved.iter().zip(&loaded.site.resolved).filter(|(a, b)| Arc::ptr_eq(a, b)).count();
                assert_eq!(kept, reused.site.documents.len() - 1, "a body edit resolves only the edited document's links again");
                assert!(Arc::ptr_eq(&reused.site.backlinks, &loaded.site.backlinks), "a body edit keeps the link graph");
            }
            if *what == "a link added" {
                let rel = &loaded.site.documents[unlinked].rel;
                let target = reused.site.by_rel[rel];
                assert!(reused.site.backlinks[target].contains(&reused.site.by_rel[&linking[0]]), "the new link is a backlink of {rel}");
            }
            loaded = reused;
        }
    }
}
