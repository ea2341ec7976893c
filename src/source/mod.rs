//! Source stage: walks the content folder, reads every file once, normalises text (UTF-8 check,
//! BOM, CRLF) and splits Markdown front matter from the body while keeping line numbers.
//!
//! It does not interpret YAML or Markdown; that is the parse stage's job. Symbolic links are
//! never followed out of the repository, and symlinked folders are never descended into, so a
//! hostile repository cannot make a build read (or publish) files it does not hold.

pub(crate) mod git;
pub mod snapshot;
pub(crate) mod theme;

use crate::diagnostics::{Code::*, Diagnostic};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A Markdown controlled document.
    Document,
    /// A YAML data file (registers, SoA).
    Data,
    /// Any other file (images, PDFs): published as-is under `files/`.
    Asset,
}

/// One file of the content folder.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the content folder, `/`-separated.
    pub rel: String,
    /// Path relative to the repository root, for diagnostics.
    pub repo_rel: String,
    pub abs: PathBuf,
    pub kind: SourceKind,
    /// Reached through a symbolic link (to a file inside the repository): its text can change
    /// without an event for its own path.
    pub symlink: bool,
    /// Normalised text (documents and data files only). Shared with the read cache of `serve`,
    /// so an unchanged file is neither copied nor compared byte by byte (see `Arc::ptr_eq`).
    pub text: std::sync::Arc<str>,
}

/// A Markdown file split into its front matter and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// 1-based line of the first front-matter line (the one after the opening `---`).
    pub front_matter_line: usize,
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// Decodes bytes as UTF-8, strips a BOM and turns CRLF into LF (line numbers are unchanged).
pub fn decode(bytes: &[u8], repo_rel: &str) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(if s.contains('\r') { s.replace("\r\n", "\n").replace('\r', "\n") } else { s.to_string() }),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|b| *b == b'\n').map(|p| p + 1).unwrap_or(0);
            let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            Err(Diagnostic::new(SRC001, repo_rel, line, format!("file is not valid UTF-8 (invalid byte at offset {})", e.valid_up_to()))
                .col(col)
                .help("re-save the file with UTF-8 encoding"))
        }
    }
}

/// Splits `---` front matter from the body. `Ok(None)` when the file has no front matter.
pub fn split_front_matter(text: &str) -> Result<Option<Split<'_>>, usize> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Ok(None);
    }
    let fm_start = (first_end + 1).min(text.len());
    let mut pos = fm_start;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..].find('\n').map(|i| pos + i).unwrap_or(text.len());
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            let body_start = (end + 1).min(text.len());
            return Ok(Some(Split {
                front_matter: &text[fm_start..pos],
                front_matter_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            }));
        }
        pos = end + 1;
        line += 1;
    }
    Err(1)
}

/// Walks the content folder. Returns the files (sorted by path) and diagnostics for files that
/// could not be taken (unreadable, symlinks out of the tree, invalid UTF-8).
pub(crate) fn walk(repo_root: &Path, content_dir: &Path, content_name: &str) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    walk_cached(repo_root, content_dir, content_name, None)
}

/// File texts kept between rebuilds (`serve`): a file whose modification time and size are
/// unchanged is not read again.
pub(crate) type ReadCache = crate::support::memo::Memo<std::path::PathBuf, Arc<str>, (std::time::SystemTime, u64)>;

fn read_text(path: &Path, repo_rel: &str, cache: Option<&ReadCache>) -> Result<Arc<str>, Diagnostic> {
    let read = || -> Result<Arc<str>, Diagnostic> {
        let bytes = std::fs::read(path).map_err(|e| Diagnostic::new(SRC007, repo_rel, 1, format!("cannot read file: {e}")))?;
        Ok(decode(&bytes, repo_rel)?.into())
    };
    let stamp = cache.and_then(|_| std::fs::metadata(path).ok()).and_then(|m| m.modified().ok().map(|t| (t, m.len())));
    match (cache, stamp) {
        (Some(c), Some(stamp)) => c.get_or_try(path.to_path_buf(), stamp, read),
        _ => read(),
    }
}

/// As [`walk`], with an optional cache of file texts.
pub(crate) fn walk_cached(
    repo_root: &Path,
    content_dir: &Path,
    content_name: &str,
    cache: Option<&ReadCache>,
) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    // What the walk found, in walk order: files whose text is read afterwards, in parallel (one
    // file at a time was a twentieth of a build), and diagnostics, kept in their place so the
    // order of what is reported does not depend on the threads.
    enum Found {
        File(SourceFile),
        Diag(Diagnostic),
    }
    let mut found: Vec<Found> = Vec::new();
    let root_canon = repo_root.canonicalize().unwrap_or_else(|_| repo_root.to_path_buf());
    let repo_rel_of = |rel: &str| crate::config::repo_rel(content_name, rel);
    let walker = walkdir::WalkDir::new(content_dir).follow_links(false).sort_by_file_name();
    let mut it = walker.into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e
                    .path()
                    .and_then(|p| p.strip_prefix(content_dir).ok())
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                found.push(Found::Diag(Diagnostic::new(SRC007, repo_rel_of(&rel), 1, format!("cannot read: {e}"))));
                continue;
            }
        };
        let path = entry.path();
        let Ok(rel_path) = path.strip_prefix(content_dir) else {
            continue;
        };
        if rel_path.as_os_str().is_empty() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') {
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        let Some(rel) = rel_path.to_str().map(|s| s.replace('\\', "/")) else {
            found.push(Found::Diag(
                Diagnostic::new(SRC007, repo_rel_of(&rel_path.to_string_lossy()), 1, "file name is not valid UTF-8")
                    .help("rename the file using UTF-8 characters"),
            ));
            continue;
        };
        let repo_rel = repo_rel_of(&rel);
        let ft = entry.file_type();
        if ft.is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&root_canon) && target.is_file() => {}
                Ok(target) if target.is_dir() => {
                    found.push(Found::Diag(Diagnostic::new(SRC006, &repo_rel, 1, "symbolic link to a folder is not followed").help(
                        "aimsbook does not descend into symlinked folders (they can form cycles); move the folder into the content tree",
                    )));
                    continue;
                }
                Ok(target) => {
                    found.push(Found::Diag(
                        Diagnostic::new(
                            SRC006,
                            &repo_rel,
                            1,
                            format!("symbolic link points outside the repository ({})", target.display()),
                        )
                        .help("replace the link with a copy of the file inside the repository"),
                    ));
                    continue;
                }
                Err(_) => {
                    found.push(Found::Diag(
                        Diagnostic::new(SRC006, &repo_rel, 1, "symbolic link is broken or forms a cycle")
                            .help("remove the link or point it at a file inside the repository"),
                    ));
                    continue;
                }
            }
        } else if ft.is_dir() {
            continue;
        }
        let lower = rel.to_ascii_lowercase();
        let kind = if lower.ends_with(".md") || lower.ends_with(".markdown") {
            SourceKind::Document
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            SourceKind::Data
        } else {
            SourceKind::Asset
        };
        found.push(Found::File(SourceFile { rel, repo_rel, abs: path.to_path_buf(), kind, symlink: ft.is_symlink(), text: Arc::from("") }));
    }
    let read: Vec<Found> = found
        .into_par_iter()
        .map(|f| match f {
            Found::File(mut file) if file.kind != SourceKind::Asset => match read_text(&file.abs, &file.repo_rel, cache) {
                Ok(text) => {
                    file.text = text;
                    Found::File(file)
                }
                Err(d) => Found::Diag(d),
            },
            other => other,
        })
        .collect();
    let (mut files, mut diags) = (Vec::new(), Vec::new());
    for f in read {
        match f {
            Found::File(file) => files.push(file),
            Found::Diag(d) => diags.push(d),
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    (files, diags)
}

/// Brings a previous walk (`files`, refreshed in place) up to date after the files at
/// `changed` (absolute paths) were modified, reading only those files — what `serve` does for
/// an ordinary save, instead of walking and stat-ing the whole tree. Returns `None` (with
/// `files` partly refreshed) when only a full walk can tell what happened: a path the previous
/// walk did not take (a new, removed or renamed file, a folder, a file outside the content
/// folder), a path that is no longer a regular file, a file that can no longer be read, or a
/// tree with symlinked files (an edit of a link's target is reported under the target's path
/// only).
pub(crate) fn refresh_in_place(files: &mut [SourceFile], content_dir: &Path, changed: &[PathBuf], cache: Option<&ReadCache>) -> Option<()> {
    if files.iter().any(|f| f.symlink) {
        return None;
    }
    for path in changed {
        let below = path.strip_prefix(content_dir).ok()?;
        // Hidden files and folders (editors' swap and temporary files) are never taken by the
        // walk, so their changes change nothing.
        if below.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')) {
            continue;
        }
        let rel = below.to_str()?.replace('\\', "/");
        let index = files.binary_search_by(|f| f.rel.as_str().cmp(&rel)).ok()?;
        let meta = std::fs::symlink_metadata(path).ok()?;
        if !meta.file_type().is_file() || files[index].abs != *path {
            return None;
        }
        if files[index].kind != SourceKind::Asset {
            files[index].text = read_text(path, &files[index].repo_rel, cache).ok()?;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refresh(previous: &[SourceFile], content_dir: &Path, changed: &[PathBuf], cache: Option<&ReadCache>) -> Option<Vec<SourceFile>> {
        let mut files = previous.to_vec();
        refresh_in_place(&mut files, content_dir, changed, cache)?;
        Some(files)
    }

    #[test]
    fn splits_with_lines() {
        let t = "---\nid: A\ntitle: B\n---\n# Body\n";
        let s = split_front_matter(t).unwrap().unwrap();
        assert_eq!(s.front_matter, "id: A\ntitle: B\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn no_front_matter_and_unclosed() {
        assert_eq!(split_front_matter("# Title\n").unwrap(), None);
        assert!(split_front_matter("---\nid: A\n").is_err());
    }

    #[test]
    fn decode_normalises_bom_and_crlf() {
        let t = decode(b"\xEF\xBB\xBF---\r\nid: A\r\n---\r\n", "x.md").unwrap();
        assert_eq!(t, "---\nid: A\n---\n");
    }

    #[test]
    fn refresh_rereads_changed_files_and_gives_up_on_anything_else() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("docs")).unwrap();
        std::fs::write(content.join("docs/a.md"), "one").unwrap();
        std::fs::write(content.join("docs/b.md"), "two").unwrap();
        let (files, _) = walk(dir.path(), &content, "content");
        std::fs::write(content.join("docs/a.md"), "changed").unwrap();
        let refreshed = refresh(&files, &content, &[content.join("docs/a.md")], None).unwrap();
        assert_eq!(&*refreshed[0].text, "changed");
        assert_eq!(&*refreshed[1].text, "two");
        // A new file, a removed file and a file outside the content folder need a full walk.
        std::fs::write(content.join("docs/c.md"), "new").unwrap();
        assert!(refresh(&files, &content, &[content.join("docs/c.md")], None).is_none());
        std::fs::remove_file(content.join("docs/b.md")).unwrap();
        assert!(refresh(&files, &content, &[content.join("docs/b.md")], None).is_none());
        assert!(refresh(&files, &content, &[dir.path().join("book.toml")], None).is_none());
        assert!(refresh(&files, &content, &[content.join("docs")], None).is_none());
        // An editor's swap file changes nothing the walk would take.
        let same = refresh(&files, &content, &[content.join("docs/.a.md.swp")], None).unwrap();
        assert_eq!(same.len(), files.len());
    }

    #[cfg(unix)]
    #[test]
    fn refresh_walks_again_when_a_file_is_reached_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(content.join("a.md"), "one").unwrap();
        std::os::unix::fs::symlink(content.join("a.md"), content.join("b.md")).unwrap();
        let (files, _) = walk(dir.path(), &content, "content");
        assert!(files.iter().any(|f| f.rel == "b.md" && f.symlink));
        std::fs::write(content.join("a.md"), "two").unwrap();
        // Only a.md's event arrives, but b.md shows the same text: a full walk is needed.
        assert!(refresh(&files, &content, &[content.join("a.md")], None).is_none());
    }

    #[test]
    fn decode_reports_line_of_invalid_byte() {
        let d = decode(b"---\nid: A\ntitle: \xff\n", "x.md").unwrap_err();
        assert_eq!(d.code, SRC001);
        assert_eq!(d.line, 3);
        assert_eq!(d.column, 8);
    }
}
