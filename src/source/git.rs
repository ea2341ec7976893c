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
    let log =
        git(root, &["log", "--no-merges", "--date=short", "--format=%x1e%H%x1f%h%x1f%an%x1f%ad%x1f%s", "--name-only", "--", paths_under])
            .unwrap_or_default();
    for record in log.split('\x1e').filter(|r| !r.trim().is_empty()) {
        let mut lines = record.lines();
        let Some(header) = lines.next() else { continue };
        let f: Vec<&str> = header.split('\x1f').collect();
        if f.len() < 5 {
            continue;
        }
        let commit = Commit { id: f[0].into(), short: f[1].into(), author: f[2].into(), date: f[3].into(), message: f[4].into() };
        for path in lines.map(str::trim).filter(|l| !l.is_empty()) {
            history.entry(path.to_string()).or_default().push(commit.clone());
        }
    }
    GitInfo { history, head }
}

/// A file version: (commit id, repository-relative path).
pub(crate) type BlobKey = (String, String);
/// File texts by version; `None` when the file is absent at that commit.
pub(crate) type Blobs = HashMap<BlobKey, Option<Arc<str>>>;
/// Every file version read in this process (content addressed, so never stale).
static BLOBS: LazyLock<Mutex<Blobs>> = LazyLock::new(Default::default);

/// The files at the given commits (`None`: absent there), reading those not read before with one
/// `git cat-file --batch`.
pub(crate) fn blobs(root: &Path, wanted: &[BlobKey]) -> Blobs {
    load_blobs(root, wanted);
    let Ok(cache) = BLOBS.lock() else { return Blobs::new() };
    wanted.iter().filter_map(|k| cache.get(k).map(|v| (k.clone(), v.clone()))).collect()
}

fn load_blobs(root: &Path, wanted: &[BlobKey]) {
    let missing: Vec<BlobKey> = {
        let Ok(cache) = BLOBS.lock() else { return };
        wanted.iter().filter(|k| !cache.contains_key(*k)).cloned().collect()
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
    let requests: String = missing.iter().map(|(c, p)| format!("{c}:{p}\n")).collect();
    // Written from another thread: git answers while reading, and a full pipe must not block us.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(requests.as_bytes());
    });
    let mut found: Vec<(BlobKey, Option<Arc<str>>)> = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::new(stdout);
        for key in &missing {
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
