//! Source stage, version control: when the repository is a git repository, reads the commits
//! that touched each file (one `git log` for the whole tree) and the commit the tree is at.
//! Without git, or outside a repository, everything degrades to "no history".

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, LazyLock, Mutex};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub(crate) struct Commit {
    pub(crate) id: String,
    pub(crate) short: String,
    pub(crate) author: String,
    pub(crate) date: String,
    pub(crate) message: String,
    /// The file's object id at this commit, when the commit listed it for this file (`None`
    /// when the commit deleted it): git reads an object by id at once, where a
    /// `commit:path` name walks the commit's tree, which in a folder of 20,000 files took
    /// seconds per thousand files.
    #[serde(skip)]
    pub(crate) blob: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct GitInfo {
    /// Repository-relative path → commits touching it, newest first.
    pub(crate) history: BTreeMap<String, Vec<Commit>>,
    /// The commit checked out, and whether the work tree differs from it.
    pub(crate) head: Option<(String, bool)>,
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(root).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Reads history only when `root` is the top of a git work tree (a folder inside someone
/// else's repository is not "a git repository" of its own).
pub(crate) fn read(root: &Path, paths_under: &str) -> GitInfo {
    let Some(top) = git(root, &["rev-parse", "--show-toplevel"]) else { return GitInfo::default() };
    let same = match (Path::new(top.trim()).canonicalize(), root.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        return GitInfo::default();
    }
    let head = git(root, &["rev-parse", "HEAD"]).map(|h| {
        let dirty = git(root, &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.trim().is_empty());
        (h.trim().to_string(), dirty)
    });
    let mut history: BTreeMap<String, Vec<Commit>> = BTreeMap::new();
    // `--raw` lists each changed file with its object ids: `:old-mode new-mode old-id new-id
    // status<TAB>path` (a rename or copy has the old and the new path).
    let log = git(
        root,
        &["log", "--no-merges", "--date=short", "--format=%x1e%H%x1f%x1f%an%x1f%ad%x1f%s", "--raw", "--no-abbrev", "--", paths_under],
    )
    .unwrap_or_default();
    // `--no-abbrev` writes `%h` in full too: the abbreviated ids come from a second, short log.
    let shorts_log = git(root, &["log", "--no-merges", "--format=%H %h", "--", paths_under]).unwrap_or_default();
    let shorts: HashMap<&str, &str> = shorts_log.lines().filter_map(|l| l.split_once(' ')).collect();
    for record in log.split('\x1e').filter(|r| !r.trim().is_empty()) {
        let mut lines = record.lines();
        let Some(header) = lines.next() else { continue };
        let f: Vec<&str> = header.split('\x1f').collect();
        if f.len() < 5 {
            continue;
        }
        let short = shorts.get(f[0]).copied().unwrap_or_else(|| &f[0][..f[0].len().min(7)]);
        let commit =
            Commit { id: f[0].into(), short: short.into(), author: f[2].into(), date: f[3].into(), message: f[4].into(), blob: None };
        for (path, blob) in lines.filter_map(raw_change) {
            history.entry(path.to_string()).or_default().push(Commit { blob, ..commit.clone() });
        }
    }
    GitInfo { history, head }
}

/// The path a `--raw` line names (the new path of a rename) and the file's object id after the
/// change (`None` when deleted: git writes zeros).
fn raw_change(line: &str) -> Option<(&str, Option<String>)> {
    let (meta, paths) = line.strip_prefix(':')?.split_once('\t')?;
    let new_id = meta.split_whitespace().nth(3)?;
    let path = paths.rsplit('\t').next()?.trim();
    let blob = (!new_id.bytes().all(|b| b == b'0')).then(|| new_id.to_string());
    (!path.is_empty()).then_some((path, blob))
}

/// A file version: (commit id, repository-relative path).
pub(crate) type BlobKey = (String, String);
/// File texts by version; `None` when the file is absent at that commit.
pub(crate) type Blobs = HashMap<BlobKey, Option<Arc<str>>>;
/// Every file version read in this process (content addressed, so never stale).
static BLOBS: LazyLock<Mutex<Blobs>> = LazyLock::new(Default::default);

/// The files at the given commits (`None`: absent there), reading those not read before with one
/// `git cat-file --batch`.
pub(crate) fn blobs(root: &Path, wanted: &[(BlobKey, String)]) -> Blobs {
    load_blobs(root, wanted);
    let Ok(cache) = BLOBS.lock() else { return Blobs::new() };
    wanted.iter().filter_map(|(k, _)| cache.get(k).map(|v| (k.clone(), v.clone()))).collect()
}

fn load_blobs(root: &Path, wanted: &[(BlobKey, String)]) {
    let missing: Vec<&(BlobKey, String)> = {
        let Ok(cache) = BLOBS.lock() else { return };
        wanted.iter().filter(|(k, _)| !cache.contains_key(k)).collect()
    };
    if missing.is_empty() {
        return;
    }
    let Ok(mut child) = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return;
    };
    let Some(mut stdin) = child.stdin.take() else { return };
    let requests: String = missing.iter().map(|(_, object)| format!("{object}\n")).collect();
    // Written from another thread: git answers while reading, and a full pipe must not block us.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(requests.as_bytes());
    });
    let mut found: Vec<(BlobKey, Option<Arc<str>>)> = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::new(stdout);
        for (key, _) in missing {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                break;
            }
            let size = header.split_whitespace().nth(2).and_then(|s| s.parse::<usize>().ok());
            let text = match size {
                Some(size) if !header.trim_end().ends_with("missing") => {
                    let mut buf = vec![0; size + 1];
                    if reader.read_exact(&mut buf).is_err() {
                        break;
                    }
                    buf.truncate(size);
                    String::from_utf8(buf).ok().map(Arc::from)
                }
                _ => None,
            };
            found.push((key.clone(), text));
        }
    }
    let _ = writer.join();
    let _ = child.wait();
    if let Ok(mut cache) = BLOBS.lock() {
        cache.extend(found);
    }
}

#[cfg(test)]
mod tests {
    use super::raw_change;

    #[test]
    fn raw_lines_give_the_path_and_the_object_after_the_change() {
        let id = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
        let zeros = "0000000000000000000000000000000000000000";
        let modified = format!(":100644 100644 {zeros} {id} M\tcontent/policy.md");
        assert_eq!(raw_change(&modified), Some(("content/policy.md", Some(id.to_string()))));
        let deleted = format!(":100644 000000 {id} {zeros} D\tcontent/old.md");
        assert_eq!(raw_change(&deleted), Some(("content/old.md", None)));
        let renamed = format!(":100644 100644 {id} {id} R100\tcontent/a b.md\tcontent/c d.md");
        assert_eq!(raw_change(&renamed), Some(("content/c d.md", Some(id.to_string()))));
        assert_eq!(raw_change("content/not-a-raw-line.md"), None);
    }
}
