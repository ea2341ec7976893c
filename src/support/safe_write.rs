//! Writing into the user's repository without ever losing what the user wrote.
//!
//! The rule every command follows: **no command silently overwrites what you wrote.** A command
//! that writes a file into the repository (or next to it) uses one of these functions:
//!
//! - [`write_new`]: creates a file that must not exist yet; an existing file (or symlink, or
//!   folder) at that path is an [`std::io::ErrorKind::AlreadyExists`] error and is left alone.
//! - [`replace_if_unchanged`]: replaces a file with new bytes in one step, only if it still
//!   holds the bytes the caller read (compared just before the rename). The bytes go into a
//!   temporary file beside the target (same folder, so the same file system), which is flushed
//!   to disk (`fsync`), given the target's permissions and owner, and renamed over the target;
//!   then the folder is flushed so the rename itself survives a crash. A reader, a crash or a
//!   `kill -9` sees either the old file or the new one, never a mix or a truncated file. An edit
//!   made by someone else between reading and writing is never overwritten. Used by `approve`.
//! - [`replace_with_backup`]: keeps the current file under a free backup name beside it
//!   (`NAME.bak`, or `NAME.bak.1`, `NAME.bak.2`, …; an existing backup is never overwritten),
//!   then replaces it atomically.
//! - [`write_or_keep`]: the policy of commands that write generated files the user may have
//!   edited (`schema`, `export --out`): create a missing file, leave an identical one, keep a
//!   different one unless `force`, and with `force` replace it keeping a backup.
//!
//! A symlink at the target is followed: the file it points to is replaced, and the link stays.
//! A write killed half-way may leave a hidden temporary file (`.NAME.XXXXXX.aimsbook-tmp`)
//! beside the target; it is never mistaken for the target, and the build skips hidden files.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The suffix of the temporary files written beside a target before the rename.
pub(crate) const TMP_SUFFIX: &str = ".aimsbook-tmp";

/// The folder a file lives in (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary file beside `target`, holding `bytes`, flushed to disk. Without `like`, it gets
/// the permissions a new file gets (0666 less the umask); with `like`, exactly those of the
/// file it will replace, and (best effort) its owner.
fn temp_beside(target: &Path, bytes: &[u8], like: Option<&fs::Metadata>) -> io::Result<tempfile::NamedTempFile> {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(parent_of(target))?;
    tmp.write_all(bytes)?;
    if let Some(meta) = like {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let mine = tmp.as_file().metadata()?;
            if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid()) {
                // Only root (or a member of the group) may do this; otherwise the new file is
                // the writer's, as with any editor that saves by renaming.
                let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()));
            }
        }
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Flushes a folder's entries to disk, so that a rename into it survives a crash. Folders
/// cannot be opened for this on every platform; there the rename is as durable as it gets.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The file a write to `path` lands in: `path` itself, or the file a symlink there points to.
fn resolve_target(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

fn not_a_file(path: &Path) -> io::Error {
    io::Error::other(format!("{} is not a regular file", path.display()))
}

/// Creates `path` with `bytes`; fails with [`io::ErrorKind::AlreadyExists`] (writing nothing)
/// when anything exists at that path, even if it appears while the bytes are being written.
/// The file appears complete or not at all.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if fs::symlink_metadata(path).is_ok() {
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{} already exists", path.display())));
    }
    let tmp = temp_beside(path, bytes, None)?;
    // No-clobber rename (renameat2 RENAME_NOREPLACE, or a hard link): never replaces a file
    // that appeared since the check above.
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    sync_dir(parent_of(path));
    Ok(())
}

/// Why [`replace_if_unchanged`] wrote nothing.
#[derive(Debug)]
pub(crate) enum ReplaceError {
    /// The file no longer holds the bytes the caller read: someone changed it meanwhile.
    Changed,
    Io(io::Error),
}

impl std::fmt::Display for ReplaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplaceError::Changed => f.write_str("the file changed on disk after it was read"),
            ReplaceError::Io(e) => e.fmt(f),
        }
    }
}

impl From<io::Error> for ReplaceError {
    fn from(e: io::Error) -> Self {
        ReplaceError::Io(e)
    }
}

/// Replaces `path` with `bytes` atomically only if it still holds
/// exactly `expected`, the bytes the caller read and computed `bytes` from. The comparison is
/// made after the new bytes are safely on disk, immediately before the rename, so the window
/// in which a concurrent edit could be lost is as short as the file system allows. On
/// [`ReplaceError::Changed`] nothing is written and the temporary file is removed.
pub(crate) fn replace_if_unchanged(path: &Path, expected: &[u8], bytes: &[u8]) -> Result<(), ReplaceError> {
    replace_if_unchanged_after(path, expected, bytes, || {})
}

/// [`replace_if_unchanged`] with a step run between writing the temporary file and comparing:
/// lets the unit tests change the file at exactly the moment a concurrent editor could.
fn replace_if_unchanged_after(path: &Path, expected: &[u8], bytes: &[u8], before_compare: impl FnOnce()) -> Result<(), ReplaceError> {
    let target = resolve_target(path)?;
    let meta = fs::metadata(&target)?;
    if !meta.is_file() {
        return Err(not_a_file(path).into());
    }
    let tmp = temp_beside(&target, bytes, Some(&meta))?;
    before_compare();
    if fs::read(&target)? != expected {
        return Err(ReplaceError::Changed);
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    sync_dir(parent_of(&target));
    Ok(())
}

/// The first free backup name beside `path`: `NAME.bak`, else `NAME.bak.1`, `NAME.bak.2`, …
pub(crate) fn backup_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    let candidate = |n: usize| parent_of(path).join(if n == 0 { format!("{name}.bak") } else { format!("{name}.bak.{n}") });
    (0..).map(candidate).find(|p| fs::symlink_metadata(p).is_err()).unwrap_or_else(|| candidate(0))
}

/// Keeps the current file at `path` as a backup beside it (a free name from [`backup_path`],
/// byte-identical, same permissions; an existing backup is never overwritten), then replaces
/// `path` with `bytes` atomically. Returns the backup's path. If the file changes between the
/// backup and the replacement, nothing is replaced and the error says so.
pub(crate) fn replace_with_backup(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let target = resolve_target(path)?;
    let current = fs::read(&target)?;
    let backup = loop {
        let candidate = backup_path(&target);
        // A hard link keeps the old file itself (bytes, permissions, dates) under the backup
        // name and fails if that name was taken meanwhile; where links are not supported, a
        // copy written with write_new.
        let made = match fs::hard_link(&target, &candidate) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => write_new(&candidate, &current).and_then(|()| {
                let perms = fs::metadata(&target)?.permissions();
                fs::set_permissions(&candidate, perms)
            }),
            other => other,
        };
        match made {
            Ok(()) => break candidate,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    sync_dir(parent_of(&backup));
    match replace_if_unchanged(&target, &current, bytes) {
        Ok(()) => Ok(backup),
        Err(ReplaceError::Io(e)) => Err(e),
        Err(ReplaceError::Changed) => Err(io::Error::other(format!(
            "{} changed while it was being replaced; it was left as it is (a copy of its earlier content is in {})",
            path.display(),
            backup.display()
        ))),
    }
}

/// What [`write_or_keep`] did with a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// The file did not exist and was written.
    Created,
    /// The file already held exactly these bytes; nothing was written.
    UpToDate,
    /// The file differs and was left alone (no `force`).
    Kept,
    /// The file differed and was replaced (`force`); its old content is in this backup.
    Replaced { backup: PathBuf },
}

/// Writes a generated file the user may have edited: creates it when missing, leaves it when
/// identical, and when it differs leaves it alone — unless `force`, in which case the old file
/// is kept as a backup ([`replace_with_backup`]) and the new bytes replace it.
pub fn write_or_keep(path: &Path, bytes: &[u8], force: bool) -> io::Result<Written> {
    match fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent)?;
            }
            write_new(path, bytes)?;
            return Ok(Written::Created);
        }
        Err(e) => return Err(e),
        Ok(m) if !m.is_file() => return Err(not_a_file(path)),
        Ok(_) => {}
    }
    if fs::read(path)? == bytes {
        return Ok(Written::UpToDate);
    }
    if !force {
        return Ok(Written::Kept);
    }
    let backup = replace_with_backup(path, bytes)?;
    Ok(Written::Replaced { backup })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn write_new_refuses_an_existing_file_and_leaves_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_new(&p, b"first").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"first");
        let e = write_new(&p, b"second").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&p).unwrap(), b"first");
        assert_eq!(names(dir.path()), ["a.txt"], "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn write_new_refuses_a_dangling_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &p).unwrap();
        assert_eq!(write_new(&p, b"x").unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        assert!(!dir.path().join("nowhere").exists());
    }

    #[cfg(unix)]
    #[test]
    fn replace_keeps_mode_and_writes_beside_then_renames() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("doc.md");
        fs::write(&p, b"old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        let old_inode = fs::metadata(&p).unwrap().ino();
        replace_if_unchanged(&p, b"old", b"new content").unwrap();
        let meta = fs::metadata(&p).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new content");
        assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
        // A new inode: the old file was never truncated or written in place, the new one was
        // renamed over it.
        assert_ne!(meta.ino(), old_inode);
        assert_eq!(names(dir.path()), ["doc.md"]);
    }

    #[test]
    fn the_temporary_file_is_beside_the_target_and_complete_before_the_rename() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("doc.md");
        fs::write(&p, b"old").unwrap();
        let mut seen = Vec::new();
        replace_if_unchanged_after(&p, b"old", b"new bytes", || {
            // At this point the new bytes are in a hidden file in the same folder, complete,
            // and the target is untouched.
            for n in names(dir.path()) {
                seen.push((n.clone(), fs::read(dir.path().join(&n)).unwrap()));
            }
        })
        .unwrap();
        // Sorted by name: the hidden temporary file comes first.
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen[0].0.starts_with(".doc.md.") && seen[0].0.ends_with(TMP_SUFFIX), "{}", seen[0].0);
        assert_eq!(seen[0].1, b"new bytes");
        assert_eq!(seen[1].0, "doc.md");
        assert_eq!(seen[1].1, b"old");
        assert_eq!(fs::read(&p).unwrap(), b"new bytes");
        assert_eq!(names(dir.path()), ["doc.md"]);
    }

    #[test]
    fn a_concurrent_edit_before_the_rename_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("doc.md");
        fs::write(&p, b"as read").unwrap();
        let r = replace_if_unchanged_after(&p, b"as read", b"approved", || fs::write(&p, b"edited by someone else").unwrap());
        assert!(matches!(r, Err(ReplaceError::Changed)), "{r:?}");
        assert_eq!(fs::read(&p).unwrap(), b"edited by someone else");
        assert_eq!(names(dir.path()), ["doc.md"], "the temporary file is removed");
        // Unchanged: replaced.
        replace_if_unchanged(&p, b"edited by someone else", b"approved").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"approved");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_file_is_replaced_through_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        let link = dir.path().join("link.md");
        fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        replace_if_unchanged(&link, b"old", b"new").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn backups_never_overwrite_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("risks.schema.json");
        fs::write(&p, b"v1").unwrap();
        fs::write(dir.path().join("risks.schema.json.bak"), b"someone's backup").unwrap();
        let b1 = replace_with_backup(&p, b"v2").unwrap();
        assert_eq!(b1, dir.path().join("risks.schema.json.bak.1"));
        let b2 = replace_with_backup(&p, b"v3").unwrap();
        assert_eq!(b2, dir.path().join("risks.schema.json.bak.2"));
        assert_eq!(fs::read(dir.path().join("risks.schema.json.bak")).unwrap(), b"someone's backup");
        assert_eq!(fs::read(&b1).unwrap(), b"v1");
        assert_eq!(fs::read(&b2).unwrap(), b"v2");
        assert_eq!(fs::read(&p).unwrap(), b"v3");
    }

    #[test]
    fn write_or_keep_creates_keeps_and_replaces_with_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.csv");
        assert_eq!(write_or_keep(&p, b"a", false).unwrap(), Written::Created);
        assert_eq!(write_or_keep(&p, b"a", false).unwrap(), Written::UpToDate);
        fs::write(&p, b"edited").unwrap();
        assert_eq!(write_or_keep(&p, b"a", false).unwrap(), Written::Kept);
        assert_eq!(fs::read(&p).unwrap(), b"edited");
        let w = write_or_keep(&p, b"a", true).unwrap();
        assert_eq!(w, Written::Replaced { backup: dir.path().join("sub/out.csv.bak") });
        assert_eq!(fs::read(&p).unwrap(), b"a");
        assert_eq!(fs::read(dir.path().join("sub/out.csv.bak")).unwrap(), b"edited");
        assert!(write_or_keep(dir.path(), b"a", true).is_err(), "a folder is never replaced");
    }
}
