//! Output stage: writes rendered pages atomically. Everything goes into a fresh sibling folder
//! that replaces the output folder in one rename, so a failed or interrupted build leaves the
//! previous site exactly as it was. Nothing is written outside that folder and its temporary
//! sibling, and a folder aimsbook did not create is never replaced.

pub mod export;
pub mod oscal;
pub(crate) mod sink;

use crate::diagnostics::{Code::*, Diagnostic};
use crate::render::Page;
use rayon::prelude::*;
use std::path::{Component, Path, PathBuf};

pub(crate) const MARKER: &str = ".aimsbook-site";

/// A file to publish: either rendered bytes or a copy of a source file.
pub(crate) enum OutFile<'a> {
    Bytes(&'a Page),
    Copy { rel: String, from: PathBuf },
}

fn safe_rel(rel: &str) -> bool {
    let p = Path::new(rel);
    !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Refuses output folders that would destroy the repository or someone else's files.
/// Absolute, `..`-free form of a path: lexically normalised, with the longest existing prefix
/// canonicalised (so symlinks in existing folders are resolved too).
pub(crate) fn resolve_path(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut norm = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                norm.pop();
            }
            Component::CurDir => {}
            other => norm.push(other),
        }
    }
    let mut existing = norm.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent().map(Path::to_path_buf)) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

pub(crate) fn guard(out: &Path, repo_root: &Path, content_dir: &Path) -> Result<(), Diagnostic> {
    let canon = |p: &Path| resolve_path(p);
    let out_c = canon(out);
    let root_c = canon(repo_root);
    let content_c = canon(content_dir);
    let refuse = |why: String| {
        Err(Diagnostic::new(OUT001, "book.toml", 1, format!("refusing to use {} as the output folder: {why}", out.display()))
            .help("choose an output folder of its own, e.g. --out site"))
    };
    if root_c.starts_with(&out_c) {
        return refuse("it contains the repository".into());
    }
    if out_c.starts_with(&content_c) {
        return refuse("it is inside the content folder".into());
    }
    if out.is_dir() && !out.join(MARKER).exists() {
        let non_empty = std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true);
        if non_empty {
            return refuse("it is not empty and was not created by aimsbook (no .aimsbook-site marker)".into());
        }
    }
    if out.exists() && !out.is_dir() {
        return refuse("it is a file".into());
    }
    Ok(())
}

/// Writes all files into a temporary sibling folder, then swaps it in place of `out`.
pub(crate) fn write_atomic(out: &Path, files: &[OutFile]) -> Result<usize, Diagnostic> {
    let staging = Staging::begin(out)?;
    // Files are written in parallel: creating thousands of files is bound by the file
    // system's per-file latency more than by bandwidth.
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit()
}

fn io_error(what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::new(OUT001, "book.toml", 1, format!("{what} {}: {e}", p.display()))
        .help("check permissions and free space; the previous site is untouched")
}

/// A site being written into a temporary sibling of the output folder, file by file as the
/// pages are rendered (so a build never holds the whole site in memory), and swapped in place
/// of the output folder by [`commit`](Self::commit). Dropped without a commit, it removes what
/// it wrote and the previous site stays exactly as it was.
pub(crate) struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    /// The previous site, when it is one of ours: unchanged files are linked from it.
    previous: Option<PathBuf>,
    /// Folders already created under `tmp`.
    dirs: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// Paths written so far: the first file given a path keeps it.
    written: std::sync::Mutex<std::collections::HashSet<String>>,
    committed: bool,
}

impl Staging {
    /// Creates the temporary folder next to `out` (clearing what a killed build left there).
    pub(crate) fn begin(out: &Path) -> Result<Staging, Diagnostic> {
        let out = resolve_path(out);
        let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "site".into());
        std::fs::create_dir_all(&parent).map_err(|e| io_error("cannot create", &parent, e))?;
        let tmp = parent.join(format!(".{name}.aimsbook-tmp-{}", std::process::id()));
        let old = parent.join(format!(".{name}.aimsbook-old-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(|e| io_error("cannot clear", &tmp, e))?;
        }
        remove_abandoned(&parent, &name);
        std::fs::create_dir_all(&tmp).map_err(|e| io_error("cannot create", &tmp, e))?;
        let previous = out.join(MARKER).is_file().then(|| out.clone());
        Ok(Staging { out, tmp, old, previous, dirs: Default::default(), written: Default::default(), committed: false })
    }

    /// Writes one file (from any thread). A path outside the output folder is refused; a path
    /// already written is left as it is (the first file given a path wins).
    pub(crate) fn write(&self, f: &OutFile) -> Result<(), Diagnostic> {
        let rel = match f {
            OutFile::Bytes(p) => p.path.as_str(),
            OutFile::Copy { rel, .. } => rel.as_str(),
        };
        if !safe_rel(rel) {
            return Err(Diagnostic::new(OUT001, "book.toml", 1, format!("refusing to write `{rel}` outside the output folder")));
        }
        if let Ok(mut written) = self.written.lock() {
            if !written.insert(rel.to_string()) {
                return Ok(());
            }
        }
        let target = self.tmp.join(rel);
        if let Some(dir) = target.parent() {
            let known = self.dirs.lock().is_ok_and(|d| d.contains(dir));
            if !known {
                std::fs::create_dir_all(dir).map_err(|e| io_error("cannot create", dir, e))?;
                if let Ok(mut d) = self.dirs.lock() {
                    d.insert(dir.to_path_buf());
                }
            }
        }
        if let Some(prev) = &self.previous {
            let len = match f {
                OutFile::Bytes(p) => Some(p.bytes.len() as u64),
                OutFile::Copy { from, .. } => std::fs::metadata(from).ok().map(|m| m.len()),
            };
            let same = |old: &[u8]| match f {
                OutFile::Bytes(p) => *old == *p.bytes,
                OutFile::Copy { from, .. } => std::fs::read(from).is_ok_and(|src| src == old),
            };
            if len.is_some_and(|len| link_if_unchanged(&prev.join(rel), &target, len, same)) {
                return Ok(());
            }
        }
        match f {
            OutFile::Bytes(p) => std::fs::write(&target, &p.bytes).map_err(|e| io_error("cannot write", &target, e)),
            OutFile::Copy { from, .. } => std::fs::copy(from, &target).map(|_| ()).map_err(|e| io_error("cannot copy", from, e)),
        }
    }

    /// Marks the folder as ours and puts it in place of the output folder; returns how many
    /// files it holds.
    pub(crate) fn commit(mut self) -> Result<usize, Diagnostic> {
        let timer = crate::support::timer::Timer::new();
        let count = self.written.lock().map(|w| w.len()).unwrap_or(0);
        std::fs::write(self.tmp.join(MARKER), "Generated by aimsbook. This folder is replaced as a whole on every build.\n")
            .map_err(|e| io_error("cannot write", &self.tmp, e))?;
        let (out, tmp, old) = (&self.out, &self.tmp, &self.old);
        if out.exists() {
            // One atomic exchange where the platform has it: at no instant is there no site.
            if exchange(tmp, out) {
                timer.lap("exchange");
                let _ = std::fs::remove_dir_all(tmp);
                timer.lap("remove previous site");
                self.committed = true;
                return Ok(count);
            }
            std::fs::rename(out, old).map_err(|e| io_error("cannot move aside", out, e))?;
            if let Err(e) = std::fs::rename(tmp, out) {
                let _ = std::fs::rename(old, out);
                return Err(io_error("cannot replace", out, e));
            }
            let _ = std::fs::remove_dir_all(old);
        } else {
            std::fs::rename(tmp, out).map_err(|e| io_error("cannot create", out, e))?;
        }
        self.committed = true;
        Ok(count)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Hard-links `target` to the previous site's file at `previous` when that is a regular file
/// linked from nowhere else, `len` bytes long, whose bytes pass `same`. Creating thousands of
/// new files is slow on some file systems and a link is not; an unchanged file also keeps its
/// modification time, so a deployment by rsync or a CDN sees only what changed. False (and nothing done)
/// otherwise: the caller writes the file.
#[cfg(unix)]
fn link_if_unchanged(previous: &Path, target: &Path, len: u64, same: impl FnOnce(&[u8]) -> bool) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::symlink_metadata(previous) else { return false };
    // A symlink or a file with other links (someone else's) is never taken over; a file of
    // another size is not even read.
    if !meta.file_type().is_file() || meta.nlink() != 1 || meta.len() != len {
        return false;
    }
    let Ok(old) = std::fs::read(previous) else { return false };
    same(&old) && std::fs::hard_link(previous, target).is_ok()
}

#[cfg(not(unix))]
fn link_if_unchanged(_previous: &Path, _target: &Path, _len: u64, _same: impl FnOnce(&[u8]) -> bool) -> bool {
    false
}

/// Swaps two paths atomically (Linux `renameat2` with `RENAME_EXCHANGE`). False when the
/// platform or file system cannot, and the caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(ca), Ok(cb)) = (std::ffi::CString::new(a.as_os_str().as_bytes()), std::ffi::CString::new(b.as_os_str().as_bytes())) else {
        return false;
    };
    // SAFETY: both arguments are valid NUL-terminated paths that outlive the call; the syscall
    // only reads them.
    let rc = unsafe { libc::syscall(libc::SYS_renameat2, libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// Removes temporary siblings left by builds that were killed (their process is gone).
fn remove_abandoned(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.aimsbook-")) else { continue };
        let Some(pid) = rest.strip_prefix("tmp-").or_else(|| rest.strip_prefix("old-")) else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true // unknown: keep the folder rather than risk removing a running build's
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unsafe_paths() {
        assert!(safe_rel("doc/a.html"));
        assert!(!safe_rel("../a.html"));
        assert!(!safe_rel("/etc/passwd"));
        assert!(!safe_rel("a/../../b"));
    }

    #[test]
    fn swaps_and_refuses_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let content = repo.join("content");
        std::fs::create_dir_all(&content).unwrap();
        let out = repo.join("site");
        let page = Page { path: "index.html".into(), bytes: b"one".to_vec().into() };
        guard(&out, &repo, &content).unwrap();
        write_atomic(&out, &[OutFile::Bytes(&page)]).unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"one");
        let page2 = Page { path: "index.html".into(), bytes: b"two".to_vec().into() };
        write_atomic(&out, &[OutFile::Bytes(&page2)]).unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"two");
        // The repository itself, the content folder and a foreign folder are refused.
        assert!(guard(&repo, &repo, &content).is_err());
        assert!(guard(&content.join("x"), &repo, &content).is_err());
        let foreign = dir.path().join("docs");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
        assert!(guard(&foreign, &repo, &content).is_err());
        // A bad path aborts without touching the existing site.
        let evil = Page { path: "../evil.html".into(), bytes: Vec::new().into() };
        assert!(write_atomic(&out, &[OutFile::Bytes(&evil)]).is_err());
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"two");
        assert!(!repo.join("evil.html").exists());
    }
}
