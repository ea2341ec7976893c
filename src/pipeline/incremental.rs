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
    pub(super) git: Mutex<Option<crate::source::git::GitInfo>>,
    /// File texts by modification time and size.
    pub(super) files: source::ReadCache,
    /// Compiled schemas (dropped with the rest when anything outside the content changes).
    pub(super) schemas: Mutex<Option<std::sync::Arc<Schemas>>>,
    /// The last walk of the content folder (the folder, its files and the walk's diagnostics).
    pub(super) walk: Mutex<Option<LastWalk>>,
    /// Paths reported changed since the last load, when the watcher knows them.
    pub(super) changed: Mutex<Option<Vec<PathBuf>>>,
}

type LastWalk = (PathBuf, Vec<SourceFile>, Vec<Diagnostic>);

/// Results by file path, with the text they were made from: the read cache hands out the
/// same `Arc` for an unchanged file, so comparing the texts is mostly a pointer test.
type ByText<T> = Memo<String, T, Arc<str>>;

type DataParsed = (Option<crate::parse::data::DataFile>, Vec<Diagnostic>);

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
    pub(super) fn files(&self, config: &Config, content_dir: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
        let changed = self.changed.lock().ok().and_then(|mut m| m.take());
        let refreshed = match (changed, self.walk.lock().ok().and_then(|mut m| m.take())) {
            (Some(paths), Some((dir, files, diags))) if dir == content_dir => {
                source::refresh(&files, content_dir, &paths, Some(&self.files)).map(|f| (f, diags))
            }
            _ => None,
        };
        let (files, diags) =
            refreshed.unwrap_or_else(|| source::walk_cached(&config.root, content_dir, &config.build.content, Some(&self.files)));
        if let Ok(mut m) = self.walk.lock() {
            *m = Some((content_dir.to_path_buf(), files.clone(), diags.clone()));
        }
        (files, diags)
    }
}

pub(super) fn cached<T: Clone>(cache: Option<&ByText<T>>, file: &SourceFile, make: impl FnOnce() -> T) -> T {
    match cache {
        Some(c) => c.get_or_make(file.rel.clone(), file.text.clone(), make),
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
}
