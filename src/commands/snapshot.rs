//! Snapshots for auditors: a frozen, self-contained copy of the site (a folder and a zip) with
//! an "About this snapshot" page, machine-readable `snapshot.json`, and a `manifest.json` of
//! every file's SHA-256; `verify` re-hashes a snapshot against its manifest; `diff` compares
//! two snapshots (or a snapshot and the current repository) — what changed since the last audit.

use crate::diagnostics::Code::*;
use crate::model::snapshot::{data_of, info_for, SnapshotData};
use crate::output::{self, OutFile};
use crate::pipeline::{self, ConfigError};
use crate::render::Page;
use crate::source::snapshot::{read_snapshot, DATA, MANIFEST, SIGNATURE};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Manifest {
    pub(crate) label: String,
    pub(crate) algorithm: String,
    /// Path (relative to the snapshot root) → SHA-256 hex.
    pub(crate) files: BTreeMap<String, String>,
    /// The edition (`snapshot --audience`): which classifications the files publish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) edition: Option<crate::model::audience::Edition>,
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
    signer: Option<&crate::support::signing::Signer>,
) -> Result<SnapshotReport, ConfigError> {
    snapshot_edition(root, today, label, out_dir, signer, None)
}

/// As [`snapshot`], of the edition for `audience` when one is named (see [`crate::model::audience`]).
pub fn snapshot_edition(
    root: &Path,
    today: Date,
    label: &str,
    out_dir: Option<&Path>,
    signer: Option<&crate::support::signing::Signer>,
    audience: Option<&str>,
) -> Result<SnapshotReport, ConfigError> {
    use crate::diagnostics::Diagnostic;
    let fail = |msg: String| ConfigError(vec![Diagnostic::new(OUT001, "book.toml", 1, msg).help("choose another --label or --out")]);
    if !valid_label(label) {
        return Err(fail(format!("snapshot label `{label}` must use letters, digits, '-', '_' and '.' only")));
    }
    let pipeline::Loaded { site, diagnostics: diags } = pipeline::prepare(pipeline::load(root, today)?, audience, false)?;
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
            .map(|allowed| signer.principals(allowed, crate::support::signing::SNAPSHOT_NAMESPACE, today))
            .unwrap_or_default();
        let reason = if site.config.allowed_signers.is_none() {
            "no allowed signers file to check it against ([approval] allowed_signers in book.toml)".to_string()
        } else if principals.is_empty() {
            format!(
                "{allowed_file} does not list key {} for namespace {}",
                signer.fingerprint(),
                crate::support::signing::SNAPSHOT_NAMESPACE
            )
        } else {
            String::new()
        };
        crate::support::signing::SignatureView {
            verified: !principals.is_empty(),
            principals,
            fingerprint: signer.fingerprint(),
            algorithm: signer.algorithm(),
            allowed_signers: if site.config.allowed_signers.is_some() { allowed_file.clone() } else { String::new() },
            reason,
        }
    });
    // Rendered into memory: the snapshot is hashed, signed and archived before anything is written.
    let mut sink = output::sink::Memory::new(None, true);
    pipeline::run(&site, Some(info.clone()), None, &mut sink).map_err(ConfigError)?;
    let mut pages: Vec<Page> = sink.files.into_iter().map(|(path, bytes)| Page { path, bytes }).collect();
    let claimed_signature = info.signature.clone();
    let data = data_of(&site, info);
    pages.push(Page { path: DATA.into(), bytes: serde_json::to_vec_pretty(&data).unwrap_or_default().into() });
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
        let signature = signer.sign(crate::support::signing::SNAPSHOT_NAMESPACE, &manifest_bytes).map_err(|e| {
            ConfigError(vec![Diagnostic::new(OUT001, "book.toml", 1, e).help("sign with an Ed25519, ECDSA P-256 or RSA key")])
        })?;
        if let (Some(claimed), Some(allowed)) = (claimed_signature.as_ref().filter(|v| v.verified), site.config.allowed_signers.as_deref())
        {
            let checked = crate::support::signing::view(
                Some((allowed.as_slice(), allowed_file.as_str())),
                crate::support::signing::SNAPSHOT_NAMESPACE,
                &manifest_bytes,
                &signature,
                today,
            );
            if &checked != claimed {
                return Err(ConfigError(vec![Diagnostic::new(
                    OUT001,
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
    crate::support::safe_write::write_new(&zip_path, &zip_bytes).map_err(|e| fail(format!("cannot write {}: {e}", zip_path.display())))?;
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

/// What `verify` found out about the manifest's signature.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state", content = "detail")]
pub enum SignatureCheck {
    /// No signature, and none was asked for.
    #[default]
    Unsigned,
    /// Signed, but no allowed signers file was given to check it against.
    NotChecked,
    Good(crate::support::signing::Signed),
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
pub fn verify_signed(path: &Path, allowed: Option<(&[crate::support::signing::AllowedSigner], Date)>) -> Result<Verification, String> {
    let (mut v, manifest_bytes, signature) = verify_files(path)?;
    v.signature = match (allowed, signature) {
        (None, None) => SignatureCheck::Unsigned,
        (None, Some(_)) => SignatureCheck::NotChecked,
        (Some(_), None) => SignatureCheck::Bad(format!("the snapshot has no {SIGNATURE}: it is not signed")),
        (Some((signers, date)), Some(text)) => {
            match crate::support::signing::verify(signers, crate::support::signing::SNAPSHOT_NAMESPACE, &manifest_bytes, &text, date) {
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
    crate::pipeline::snapshot_data(spec, root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_plain() {
        assert!(valid_label("2026-stage2"));
        assert!(!valid_label("../x"));
        assert!(!valid_label(".hidden"));
        assert!(!valid_label("a/b"));
    }
}
