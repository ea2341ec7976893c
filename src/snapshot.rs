//! Snapshots for auditors: a frozen, self-contained copy of the site (a folder and a zip) with
//! an "About this snapshot" page, machine-readable `snapshot.json`, and a `manifest.json` of
//! every file's SHA-256; `verify` re-hashes a snapshot against its manifest; `diff` compares
//! two snapshots (or a snapshot and the current repository) — what changed since the last audit.

use crate::output::{self, OutFile};
use crate::pipeline::{self, ConfigError};
use crate::render::Page;
use crate::site::Site;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "manifest.json";
pub const DATA: &str = "snapshot.json";
/// The SSHSIG signature of the manifest (`snapshot --sign`), as `ssh-keygen -Y sign` names it.
pub const SIGNATURE: &str = "manifest.json.sig";

/// Identification of a snapshot, shown on its pages.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub label: String,
    pub date: String,
    pub organization: String,
    pub title: String,
    pub commit: Option<String>,
    pub dirty: bool,
    pub tool: String,
    /// The edition (`snapshot --audience`); absent for a complete snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<crate::audience::Edition>,
    /// The manifest's signature as the About page shows it (`snapshot --sign`).
    #[serde(default)]
    pub signature: Option<crate::signing::SignatureView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DocRecord {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub version: String,
    pub status: String,
    pub owner: String,
    pub review_due: String,
    /// The Markdown body, for "what changed in the text" (absent from older snapshots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The classification, so that an edition can tell which removed documents it may list
    /// (absent from older snapshots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SoaRecord {
    pub control: String,
    pub applicable: Option<bool>,
    pub implementation: String,
}

/// The machine-readable content of a snapshot: what `diff` compares.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SnapshotData {
    pub info: SnapshotInfo,
    pub documents: Vec<DocRecord>,
    pub soa: Vec<SoaRecord>,
    /// Clause or control id → coverage status.
    pub clauses: BTreeMap<String, String>,
}

pub fn data_of(site: &Site, info: SnapshotInfo) -> SnapshotData {
    SnapshotData {
        info,
        documents: site
            .documents
            .iter()
            .map(|d| DocRecord {
                id: d.id.clone(),
                title: d.title.clone(),
                doc_type: d.doc_type.clone(),
                version: d.version_text.clone(),
                status: d.status.as_str().into(),
                owner: d.owner.clone(),
                review_due: d.review_due.map(|x| x.to_string()).unwrap_or_default(),
                body: Some(d.body.clone()),
                classification: Some(d.classification.clone()),
            })
            .collect(),
        soa: site
            .trace
            .soa
            .iter()
            .map(|e| SoaRecord { control: e.control.clone(), applicable: e.applicable, implementation: e.implementation.clone() })
            .collect(),
        clauses: site.trace.coverage.iter().map(|(k, c)| (k.clone(), c.status.as_str().to_string())).collect(),
    }
}

pub fn info_for(site: &Site, label: &str) -> SnapshotInfo {
    SnapshotInfo {
        label: label.to_string(),
        date: site.today.to_string(),
        organization: site.config.book.organization.clone(),
        title: site.config.book.title.clone(),
        commit: site.git.head.as_ref().map(|(c, _)| c.clone()),
        dirty: site.git.head.as_ref().is_some_and(|(_, d)| *d),
        tool: concat!("aimsbook ", env!("CARGO_PKG_VERSION")).to_string(),
        edition: site.edition.clone(),
        signature: None,
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub label: String,
    pub algorithm: String,
    /// Path (relative to the snapshot root) → SHA-256 hex.
    pub files: BTreeMap<String, String>,
    /// The edition (`snapshot --audience`): which classifications the files publish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<crate::audience::Edition>,
}

/// A label names a folder and a zip file: the same rule as a document id.
fn valid_label(label: &str) -> bool {
    crate::parse::is_safe_id(label)
}

/// What `snapshot` produced.
pub struct SnapshotReport {
    pub folder: PathBuf,
    pub zip: PathBuf,
    pub files: usize,
    pub manifest_sha256: String,
    pub diagnostics: crate::diagnostics::Diagnostics,
}

/// Builds the snapshot `label` into `out_dir/label/` and `out_dir/label.zip`.
pub fn snapshot(
    root: &Path,
    today: Date,
    label: &str,
    out_dir: Option<&Path>,
    signer: Option<&crate::signing::Signer>,
) -> Result<SnapshotReport, ConfigError> {
    snapshot_edition(root, today, label, out_dir, signer, None)
}

/// As [`snapshot`], of the edition for `audience` when one is named (see [`crate::audience`]).
pub fn snapshot_edition(
    root: &Path,
    today: Date,
    label: &str,
    out_dir: Option<&Path>,
    signer: Option<&crate::signing::Signer>,
    audience: Option<&str>,
) -> Result<SnapshotReport, ConfigError> {
    use crate::diagnostics::Diagnostic;
    let fail = |msg: String| ConfigError(vec![Diagnostic::new("OUT001", "book.toml", 1, msg).help("choose another --label or --out")]);
    if !valid_label(label) {
        return Err(fail(format!("snapshot label `{label}` must use letters, digits, '-', '_' and '.' only")));
    }
    let loaded = pipeline::load(root, today)?;
    let mut site = loaded.site;
    let mut diags = loaded.diagnostics;
    if let Some(name) = audience {
        let edition = crate::audience::edition(&site.config, name).map_err(|d| ConfigError(vec![d]))?;
        diags.extend(crate::audience::crossings(&site, std::slice::from_ref(&edition)));
        site = crate::audience::restrict(site, &edition);
    }
    diags.finish(&site.config.levels, false);
    let out_dir = out_dir.map(Path::to_path_buf).unwrap_or_else(|| site.config.root.join("snapshots"));
    let folder = out_dir.join(label);
    let zip_path = out_dir.join(format!("{label}.zip"));
    if diags.has_errors() {
        return Ok(SnapshotReport { folder, zip: zip_path, files: 0, manifest_sha256: String::new(), diagnostics: diags });
    }
    if folder.exists() || zip_path.exists() {
        return Err(fail(format!("snapshot {} already exists; snapshots are frozen and never overwritten", folder.display())));
    }
    output::guard(&folder, &site.config.root, &site.config.content_dir()).map_err(|d| ConfigError(vec![d]))?;
    let mut info = info_for(&site, label);
    // The About page is part of what the signature covers, so it is written before signing: it
    // names who the allowed signers file (`[approval] allowed_signers`) lists the key for, and
    // that claim is checked against the real signature below before anything is written.
    let allowed_file = site.config.approval.allowed_signers.clone().unwrap_or_default();
    info.signature = signer.map(|signer| {
        let principals = site
            .config
            .allowed_signers
            .as_deref()
            .map(|allowed| signer.principals(allowed, crate::signing::SNAPSHOT_NAMESPACE, today))
            .unwrap_or_default();
        let reason = if site.config.allowed_signers.is_none() {
            "no allowed signers file to check it against ([approval] allowed_signers in book.toml)".to_string()
        } else if principals.is_empty() {
            format!("{allowed_file} does not list key {} for namespace {}", signer.fingerprint(), crate::signing::SNAPSHOT_NAMESPACE)
        } else {
            String::new()
        };
        crate::signing::SignatureView {
            verified: !principals.is_empty(),
            principals,
            fingerprint: signer.fingerprint(),
            algorithm: signer.algorithm(),
            allowed_signers: if site.config.allowed_signers.is_some() { allowed_file.clone() } else { String::new() },
            reason,
        }
    });
    site.snapshot = Some(info.clone());
    let mut pages = pipeline::render_all(&site).map_err(ConfigError)?;
    let claimed_signature = info.signature.clone();
    let data = data_of(&site, info);
    pages.push(Page { path: DATA.into(), bytes: serde_json::to_vec_pretty(&data).unwrap_or_default().into() });
    // Source files (images, PDFs) travel with the snapshot.
    for rel in &site.assets {
        let bytes = std::fs::read(site.config.content_dir().join(rel)).map_err(|e| fail(format!("cannot read {rel}: {e}")))?;
        pages.push(Page { path: format!("files/{rel}"), bytes: bytes.into() });
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        label: label.to_string(),
        algorithm: "sha256".into(),
        files: pages.iter().map(|p| (p.path.clone(), sha256_hex(&p.bytes))).collect(),
        edition: site.edition.clone(),
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    let manifest_sha256 = sha256_hex(&manifest_bytes);
    if let Some(signer) = signer {
        let signature = signer.sign(crate::signing::SNAPSHOT_NAMESPACE, &manifest_bytes).map_err(|e| {
            ConfigError(vec![Diagnostic::new("OUT001", "book.toml", 1, e).help("sign with an Ed25519, ECDSA P-256 or RSA key")])
        })?;
        if let (Some(claimed), Some(allowed)) = (claimed_signature.as_ref().filter(|v| v.verified), site.config.allowed_signers.as_deref())
        {
            let checked = crate::signing::view(
                Some((allowed.as_slice(), allowed_file.as_str())),
                crate::signing::SNAPSHOT_NAMESPACE,
                &manifest_bytes,
                &signature,
                today,
            );
            if &checked != claimed {
                return Err(ConfigError(vec![Diagnostic::new(
                    "OUT001",
                    "book.toml",
                    1,
                    format!("the snapshot's signature does not verify as its About page says ({}); nothing was written", checked.reason),
                )
                .help("check the key and the allowed signers file named by [approval] allowed_signers")]));
            }
        }
        pages.push(Page { path: SIGNATURE.into(), bytes: signature.into_bytes().into() });
    }
    pages.push(Page { path: MANIFEST.into(), bytes: manifest_bytes.into() });
    let files: Vec<OutFile> = pages.iter().map(OutFile::Bytes).collect();
    // Checked again after rendering (which takes a while): a snapshot made meanwhile under the
    // same label is never replaced.
    if folder.exists() || zip_path.exists() {
        return Err(fail(format!("snapshot {} already exists; snapshots are frozen and never overwritten", folder.display())));
    }
    output::write_atomic(&folder, &files).map_err(|d| ConfigError(vec![d]))?;
    // The folder is a frozen copy, not a build output: drop the marker so no build replaces it.
    let _ = std::fs::remove_file(folder.join(output::MARKER));
    let zip_bytes = zip_pages(label, &pages, today).map_err(fail)?;
    // Written beside and renamed into place without replacing anything (safe_write::write_new).
    crate::safe_write::write_new(&zip_path, &zip_bytes).map_err(|e| fail(format!("cannot write {}: {e}", zip_path.display())))?;
    Ok(SnapshotReport { folder, zip: zip_path, files: pages.len(), manifest_sha256, diagnostics: diags })
}

/// A deterministic zip: entries sorted, under `label/`, all dated `date` at midnight.
fn zip_pages(label: &str, pages: &[Page], date: Date) -> Result<Vec<u8>, String> {
    let stamp = zip::DateTime::from_date_and_time(date.year().clamp(1980, 2107) as u16, date.month() as u8, date.day() as u8, 0, 0, 0)
        .map_err(|e| e.to_string())?;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut sorted: Vec<&Page> = pages.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for p in sorted {
        w.start_file(format!("{label}/{}", p.path), options).map_err(|e| e.to_string())?;
        w.write_all(&p.bytes).map_err(|e| e.to_string())?;
    }
    w.finish().map(|c| c.into_inner()).map_err(|e| e.to_string())
}

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

/// What `verify` found out about the manifest's signature.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state", content = "detail")]
pub enum SignatureCheck {
    /// No signature, and none was asked for.
    #[default]
    Unsigned,
    /// Signed, but no allowed signers file was given to check it against.
    NotChecked,
    Good(crate::signing::Signed),
    Bad(String),
}

/// The differences between a snapshot's files and its manifest.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub modified: Vec<String>,
    pub checked: usize,
    pub manifest_sha256: String,
    pub signature: SignatureCheck,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.modified.is_empty() && !matches!(self.signature, SignatureCheck::Bad(_))
    }
}

pub fn verify(path: &Path) -> Result<Verification, String> {
    verify_signed(path, None)
}

/// As [`verify`], and with `allowed` (an allowed signers file's entries and the date to check
/// them on) the manifest must carry a valid signature by one of them.
pub fn verify_signed(path: &Path, allowed: Option<(&[crate::signing::AllowedSigner], Date)>) -> Result<Verification, String> {
    let (mut v, manifest_bytes, signature) = verify_files(path)?;
    v.signature = match (allowed, signature) {
        (None, None) => SignatureCheck::Unsigned,
        (None, Some(_)) => SignatureCheck::NotChecked,
        (Some(_), None) => SignatureCheck::Bad(format!("the snapshot has no {SIGNATURE}: it is not signed")),
        (Some((signers, date)), Some(text)) => {
            match crate::signing::verify(signers, crate::signing::SNAPSHOT_NAMESPACE, &manifest_bytes, &text, date) {
                Ok(who) => SignatureCheck::Good(who),
                Err(e) => SignatureCheck::Bad(e.to_string()),
            }
        }
    };
    Ok(v)
}

/// The manifest check, the manifest's bytes and the signature's text (if any).
fn verify_files(path: &Path) -> Result<(Verification, Vec<u8>, Option<String>), String> {
    let files = read_snapshot(path)?;
    let manifest_bytes =
        files.get(MANIFEST).ok_or_else(|| format!("{} has no {MANIFEST}: it is not an aimsbook snapshot", path.display()))?;
    let manifest: Manifest = serde_json::from_slice(manifest_bytes).map_err(|e| format!("{MANIFEST} is not valid: {e}"))?;
    let mut v = Verification { manifest_sha256: sha256_hex(manifest_bytes), ..Default::default() };
    // The signature signs the manifest, so the manifest cannot list it.
    let signature_text = files.get(SIGNATURE).map(|b| String::from_utf8_lossy(b).into_owned());
    for (rel, bytes) in &files {
        if rel == MANIFEST || rel == SIGNATURE {
            continue;
        }
        match manifest.files.get(rel) {
            None => v.added.push(rel.clone()),
            Some(expected) => {
                v.checked += 1;
                if &sha256_hex(bytes) != expected {
                    v.modified.push(rel.clone());
                }
            }
        }
    }
    for rel in manifest.files.keys() {
        if !files.contains_key(rel) {
            v.removed.push(rel.clone());
        }
    }
    Ok((v, manifest_bytes.clone(), signature_text))
}

/// Loads the comparable data of a snapshot (folder or zip), or of the current repository.
pub fn load_data(spec: &str, root: &Path, today: Date) -> Result<SnapshotData, String> {
    if spec == "current" {
        let loaded = pipeline::load(root, today).map_err(|e| e.0.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; "))?;
        let info = info_for(&loaded.site, "current");
        return Ok(data_of(&loaded.site, info));
    }
    // Relative paths name a place in the repository (book.toml's [[snapshots]] path) unless
    // only the working folder has them (a path typed on the command line).
    let path = PathBuf::from(spec);
    let path = if path.is_absolute() || root.join(spec).exists() { root.join(spec) } else { path };
    let bytes = read_snapshot_data(&path)?.ok_or_else(|| format!("{} has no {DATA}: it is not an aimsbook snapshot", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{DATA} in {} is not valid: {e}", path.display()))
}

/// Just the snapshot's `DATA` file, from a folder or a zip (`None` when it has none): the
/// Changes page needs only this, and reading every page of a large snapshot on each build
/// (and each preview rebuild) would be waste.
fn read_snapshot_data(path: &Path) -> Result<Option<Vec<u8>>, String> {
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

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Change {
    pub id: String,
    pub title: String,
    pub what: String,
    pub before: String,
    pub after: String,
}

/// What changed between two snapshots, grouped the way a surveillance auditor reads it.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Diff {
    pub old: Option<SnapshotInfo>,
    pub new: Option<SnapshotInfo>,
    pub added: Vec<Change>,
    pub removed: Vec<Change>,
    pub reversioned: Vec<Change>,
    pub status: Vec<Change>,
    pub owner: Vec<Change>,
    pub review: Vec<Change>,
    pub soa: Vec<Change>,
    pub clauses: Vec<Change>,
    /// Documents whose text changed, with the redline (see [`crate::redline::text_changes`]).
    pub text: Vec<crate::redline::TextChange>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        [&self.added, &self.removed, &self.reversioned, &self.status, &self.owner, &self.review, &self.soa, &self.clauses]
            .iter()
            .all(|v| v.is_empty())
            && self.text.is_empty()
    }
}

pub fn diff(old: &SnapshotData, new: &SnapshotData) -> Diff {
    let mut d = Diff { old: Some(old.info.clone()), new: Some(new.info.clone()), ..Default::default() };
    let o: BTreeMap<&str, &DocRecord> = old.documents.iter().map(|x| (x.id.as_str(), x)).collect();
    let n: BTreeMap<&str, &DocRecord> = new.documents.iter().map(|x| (x.id.as_str(), x)).collect();
    let change = |x: &DocRecord, what: &str, before: &str, after: &str| Change {
        id: x.id.clone(),
        title: x.title.clone(),
        what: what.into(),
        before: before.into(),
        after: after.into(),
    };
    for (id, x) in &n {
        match o.get(id) {
            None => d.added.push(change(x, "added", "", &x.version)),
            Some(y) => {
                if !crate::model::Version::same_text(&y.version, &x.version) {
                    d.reversioned.push(change(x, "version", &y.version, &x.version));
                }
                if y.status != x.status {
                    d.status.push(change(x, "status", &y.status, &x.status));
                }
                if y.owner != x.owner {
                    d.owner.push(change(x, "owner", &y.owner, &x.owner));
                }
                if y.review_due != x.review_due {
                    d.review.push(change(x, "review due", &y.review_due, &x.review_due));
                }
            }
        }
    }
    for (id, y) in &o {
        if !n.contains_key(id) {
            d.removed.push(change(y, "removed", &y.version, ""));
        }
    }
    let os: BTreeMap<&str, &SoaRecord> = old.soa.iter().map(|x| (x.control.as_str(), x)).collect();
    let show = |a: Option<bool>| match a {
        Some(false) => "not applicable",
        _ => "applicable",
    };
    for x in &new.soa {
        match os.get(x.control.as_str()) {
            None => d.soa.push(Change {
                id: x.control.clone(),
                what: "added to the SoA".into(),
                after: format!("{}, {}", show(x.applicable), x.implementation),
                ..Default::default()
            }),
            Some(y) => {
                if y.applicable != x.applicable {
                    d.soa.push(Change {
                        id: x.control.clone(),
                        what: "applicability".into(),
                        before: show(y.applicable).into(),
                        after: show(x.applicable).into(),
                        ..Default::default()
                    });
                }
                if y.implementation != x.implementation {
                    d.soa.push(Change {
                        id: x.control.clone(),
                        what: "implementation".into(),
                        before: y.implementation.clone(),
                        after: x.implementation.clone(),
                        ..Default::default()
                    });
                }
            }
        }
    }
    let ns: BTreeMap<&str, &SoaRecord> = new.soa.iter().map(|x| (x.control.as_str(), x)).collect();
    for y in old.soa.iter().filter(|y| !ns.contains_key(y.control.as_str())) {
        d.soa.push(Change {
            id: y.control.clone(),
            what: "removed from the SoA".into(),
            before: format!("{}, {}", show(y.applicable), y.implementation),
            ..Default::default()
        });
    }
    // A clause or control that appears or disappears (the catalog changed) shows as a status
    // change from or to nothing.
    let ids: std::collections::BTreeSet<&String> = old.clauses.keys().chain(new.clauses.keys()).collect();
    for id in ids {
        let (before, after) = (old.clauses.get(id).cloned().unwrap_or_default(), new.clauses.get(id).cloned().unwrap_or_default());
        if before != after {
            d.clauses.push(Change { id: id.clone(), what: "status".into(), before, after, ..Default::default() });
        }
    }
    d.text = crate::redline::text_changes(&old.documents, &new.documents);
    d
}

/// The diff as text for the terminal.
pub fn render_diff(d: &Diff) -> String {
    let mut out = String::new();
    let label = |i: &Option<SnapshotInfo>| i.as_ref().map(|i| format!("{} ({})", i.label, i.date)).unwrap_or_default();
    out.push_str(&format!("Changes from {} to {}\n", label(&d.old), label(&d.new)));
    if d.is_empty() {
        out.push_str("\nNo changes.\n");
        return out;
    }
    let section = |out: &mut String, title: &str, items: &[Change]| {
        if items.is_empty() {
            return;
        }
        out.push_str(&format!("\n{title} ({})\n", items.len()));
        for c in items {
            let name = if c.title.is_empty() { c.id.clone() } else { format!("{} {}", c.id, c.title) };
            match (c.before.is_empty(), c.after.is_empty()) {
                (true, false) => out.push_str(&format!("  + {name} ({})\n", c.after)),
                (false, true) => out.push_str(&format!("  - {name} ({})\n", c.before)),
                _ => out.push_str(&format!("  ~ {name}: {} {} → {}\n", c.what, c.before, c.after)),
            }
        }
    };
    section(&mut out, "Documents added", &d.added);
    section(&mut out, "Documents removed", &d.removed);
    section(&mut out, "Documents re-versioned", &d.reversioned);
    section(&mut out, "Status changed", &d.status);
    section(&mut out, "Owner changed", &d.owner);
    section(&mut out, "Review date changed", &d.review);
    section(&mut out, "Statement of Applicability", &d.soa);
    section(&mut out, "Clause and control status", &d.clauses);
    crate::redline::render_text_changes(&mut out, &d.text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(docs: &[(&str, &str, &str)], soa: &[(&str, bool, &str)], clauses: &[(&str, &str)]) -> SnapshotData {
        SnapshotData {
            info: SnapshotInfo {
                label: "x".into(),
                date: "2026-01-01".into(),
                organization: String::new(),
                title: String::new(),
                commit: None,
                dirty: false,
                tool: String::new(),
                edition: None,
                signature: None,
            },
            documents: docs
                .iter()
                .map(|(id, v, s)| DocRecord {
                    id: id.to_string(),
                    title: "T".into(),
                    doc_type: "policy".into(),
                    version: v.to_string(),
                    status: s.to_string(),
                    owner: "O".into(),
                    review_due: "2027-01-01".into(),
                    body: None,
                    classification: None,
                })
                .collect(),
            soa: soa
                .iter()
                .map(|(c, a, i)| SoaRecord { control: c.to_string(), applicable: Some(*a), implementation: i.to_string() })
                .collect(),
            clauses: clauses.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
        }
    }

    #[test]
    fn diff_lists_each_kind_of_change() {
        let old = data(
            &[("A", "1.0", "approved"), ("B", "1.0", "draft"), ("C", "1.0", "approved")],
            &[("A.2.2", true, "planned")],
            &[("5.2", "implemented")],
        );
        let new = data(
            &[("A", "1.1", "approved"), ("B", "1.0", "approved"), ("D", "0.1", "draft")],
            &[("A.2.2", true, "implemented")],
            &[("5.2", "evidenced")],
        );
        let d = diff(&old, &new);
        assert_eq!(d.added.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec!["D"]);
        assert_eq!(d.removed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec!["C"]);
        assert_eq!(d.reversioned[0].before, "1.0");
        assert_eq!(d.status[0].after, "approved");
        assert_eq!(d.soa[0].what, "implementation");
        assert_eq!(d.clauses[0].after, "evidenced");
        assert!(render_diff(&d).contains("~ A T: version 1.0 → 1.1"));
    }

    #[test]
    fn diff_lists_removed_soa_entries_and_clauses_that_come_or_go() {
        let old = data(&[], &[("A.2.2", true, "planned"), ("A.2.3", false, "")], &[("5.2", "implemented"), ("X.1", "gap")]);
        let new = data(&[], &[("A.2.2", true, "planned")], &[("5.2", "implemented"), ("Y.1", "gap")]);
        let d = diff(&old, &new);
        let soa: Vec<(&str, &str, &str)> = d.soa.iter().map(|c| (c.id.as_str(), c.what.as_str(), c.before.as_str())).collect();
        assert_eq!(soa, vec![("A.2.3", "removed from the SoA", "not applicable, ")]);
        let clauses: Vec<(&str, &str, &str)> = d.clauses.iter().map(|c| (c.id.as_str(), c.before.as_str(), c.after.as_str())).collect();
        assert_eq!(clauses, vec![("X.1", "gap", ""), ("Y.1", "", "gap")]);
    }

    #[test]
    fn labels_are_plain() {
        assert!(valid_label("2026-stage2"));
        assert!(!valid_label("../x"));
        assert!(!valid_label(".hidden"));
        assert!(!valid_label("a/b"));
    }
}
