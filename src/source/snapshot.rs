//! Reading a snapshot back (a folder or a zip written by `snapshot`): its files for `verify`
//! and `diff`, or just its data file for the Changes page. Writing one is the snapshot command's.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

pub(crate) const MANIFEST: &str = "manifest.json";
pub(crate) const DATA: &str = "snapshot.json";
/// The SSHSIG signature of the manifest (`snapshot --sign`), as `ssh-keygen -Y sign` names it.
pub const SIGNATURE: &str = "manifest.json.sig";

/// The files of a snapshot folder or zip: relative path → bytes.
pub fn read_snapshot(path: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    if path.is_dir() {
        for entry in walkdir::WalkDir::new(path).follow_links(false).sort_by_file_name() {
            let entry = entry.map_err(|e| e.to_string())?;
            if entry.file_type().is_dir() {
                continue;
            }
            let rel = entry.path().strip_prefix(path).map_err(|e| e.to_string())?.to_string_lossy().replace('\\', "/");
            if entry.file_type().is_symlink() {
                // A symlink in a frozen copy is itself a modification: record it as such.
                files.insert(rel, b"\0symlink".to_vec());
                continue;
            }
            files.insert(rel, std::fs::read(entry.path()).map_err(|e| format!("{}: {e}", entry.path().display()))?);
        }
        return Ok(files);
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("{} is not a readable zip: {e}", path.display()))?;
    // Entries live under one top folder (the label); strip it.
    let mut prefix: Option<String> = None;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| format!("zip entry {i}: {e}"))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map_err(|e| e.to_string())?.to_string();
        if entry.enclosed_name().is_none() {
            return Err(format!("zip entry `{name}` has an unsafe path"));
        }
        let top = name.split('/').next().unwrap_or("").to_string();
        let prefix = prefix.get_or_insert(top);
        let rel = name.strip_prefix(&format!("{prefix}/")).unwrap_or(&name).to_string();
        // Bounded read: a manifest-listed file is never larger than the whole zip allows.
        let mut bytes = Vec::new();
        entry.by_ref().take(1 << 30).read_to_end(&mut bytes).map_err(|e| format!("{name}: {e}"))?;
        files.insert(rel, bytes);
    }
    Ok(files)
}

/// Just the snapshot's `DATA` file, from a folder or a zip (`None` when it has none): the
/// Changes page needs only this, and reading every page of a large snapshot on each build
/// (and each preview rebuild) would be waste.
pub(crate) fn read_snapshot_data(path: &Path) -> Result<Option<Vec<u8>>, String> {
    if path.is_dir() {
        let file = path.join(DATA);
        // As in read_snapshot, a symlink is not the snapshot's own file.
        if !std::fs::symlink_metadata(&file).is_ok_and(|m| m.file_type().is_file()) {
            return Ok(None);
        }
        return std::fs::read(&file).map(Some).map_err(|e| format!("{}: {e}", file.display()));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("{} is not a readable zip: {e}", path.display()))?;
    // Entries live under one top folder (the label).
    let found = archive.file_names().filter_map(Result::ok).find(|n| n.split_once('/').is_some_and(|(_, rest)| rest == DATA));
    let Some(name) = found.map(|n| n.into_owned()) else {
        return Ok(None);
    };
    let entry = archive.by_name(&name).map_err(|e| format!("{name}: {e}"))?;
    let mut bytes = Vec::new();
    entry.take(1 << 30).read_to_end(&mut bytes).map_err(|e| format!("{name}: {e}"))?;
    Ok(Some(bytes))
}
