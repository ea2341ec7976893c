//! Approvals bound to content: the [`fingerprint`] of a document (its normalised body, its
//! controlled fields and the data file it governs), which `approve` records and `check` compares.
//!
//! Signed approvals: `aimsbook approve --sign KEY` records, in the front matter, the approver's
//! SSH signature (SSHSIG, namespace [`APPROVAL_NAMESPACE`]) of a short statement naming the
//! document, its version, approver, approval date and content fingerprint; `check` verifies it
//! against the allowed signers file named by `[approval] allowed_signers` in book.toml, so an
//! approval cannot be typed in by someone who does not hold an allowed key.
//!
//! The statement is built from the parsed front matter, the same way when signing and when
//! checking ([`statement`]); the signature is a YAML literal block under `approval_signature:`,
//! written by [`with_signature`], which touches no other line.

use crate::config::Config;
use crate::diagnostics::{Code::*, Diagnostic};
use crate::parse::document::Document;
pub(crate) use crate::support::signing::APPROVAL_NAMESPACE;
use sha2::{Digest, Sha256};

/// The fingerprint of a document as it stands: `sha256:` and 64 hex digits.
///
/// Covered: id, title, type, owner, classification, clauses, related, derived_from,
/// supersedes, superseded_by, data, ai_system, the body (trailing spaces and surrounding blank
/// lines ignored) and the governed data file. Not covered: the fields an approval itself
/// changes (status, version, approver, approved, review_due, history, fingerprint).
pub(crate) fn fingerprint(d: &Document, data_text: Option<&str>) -> String {
    let mut h = Sha256::new();
    let mut field = |name: &str, value: &str| {
        h.update(name.as_bytes());
        h.update(b"\x1f");
        h.update(value.as_bytes());
        h.update(b"\x1e");
    };
    field("id", &d.id);
    field("title", &d.title);
    field("type", &d.doc_type);
    field("owner", &d.owner);
    field("classification", &d.classification);
    field("clauses", &d.clauses.join("\x1d"));
    field("related", &d.related.join("\x1d"));
    field("derived_from", &d.derived_from.join("\x1d"));
    field("supersedes", d.supersedes.as_deref().unwrap_or(""));
    field("superseded_by", d.superseded_by.as_deref().unwrap_or(""));
    field("data", d.data.as_deref().unwrap_or(""));
    field("ai_system", d.ai_system.as_deref().unwrap_or(""));
    field("body", &normalise(&d.body));
    field("data_file", &normalise(data_text.unwrap_or("")));
    format!("sha256:{}", hex::encode(h.finalize()))
}

/// Text as compared for approval: line endings, trailing spaces and surrounding blank lines
/// do not count as changes.
fn normalise(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

pub(crate) fn fingerprint_in_site(site: &crate::model::Site, d: &Document) -> String {
    fingerprint(d, site.data_for_doc(d).map(|df| &*df.text))
}

/// The signed text: one field a line, so that a signature for one document, version, approver,
/// date or content never verifies for another.
pub(crate) fn statement(d: &Document) -> String {
    format!(
        "aimsbook approval\nid: {}\nversion: {}\napprover: {}\napproved: {}\nfingerprint: {}\n",
        d.id,
        d.version_text,
        d.approver,
        d.approved.map(|a| a.to_string()).unwrap_or_default(),
        d.fingerprint.as_deref().unwrap_or("")
    )
}

/// Reads `[approval] allowed_signers` when set; an unreadable or invalid file is a CFG002
/// error at its line.
pub(crate) fn load_allowed_signers(
    config: &Config,
) -> Result<Option<std::sync::Arc<Vec<crate::support::signing::AllowedSigner>>>, Diagnostic> {
    let Some(rel) = config.approval.allowed_signers.as_deref() else { return Ok(None) };
    let text = std::fs::read_to_string(config.root.join(rel)).map_err(|e| {
        Diagnostic::new(CFG002, "book.toml", 1, format!("[approval] allowed_signers: cannot read {rel}: {e}"))
            .help("name an OpenSSH allowed signers file relative to the repository root (`principals key-type key` per line)")
    })?;
    let signers = crate::support::signing::parse_allowed_signers(&text).map_err(|e| {
        Diagnostic::new(CFG002, rel, e.line, format!("invalid allowed signers file: {}", e.message))
            .help("each line is `principals [options] key-type base64-key [comment]`, as for `ssh-keygen -Y verify`")
    })?;
    Ok(Some(std::sync::Arc::new(signers)))
}

/// `text` (a document with front matter) with its `approval_signature` block replaced by
/// `signature` (or removed, with `None`). Other lines and their line endings are kept; a new
/// block goes just before the closing `---`.
pub(crate) fn with_signature(text: &str, signature: Option<&str>) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.first().map(|l| l.trim_start_matches('\u{feff}').trim_end()) != Some("---") {
        return Err("the file has no front matter".into());
    }
    let newline = if lines[0].ends_with("\r\n") { "\r\n" } else { "\n" };
    let Some(end) = (1..lines.len()).find(|&i| matches!(lines[i].trim_end(), "---" | "...")) else {
        return Err("the front matter is never closed".into());
    };
    let mut out: Vec<String> = Vec::with_capacity(lines.len() + 8);
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if i > 0 && i < end && line.starts_with("approval_signature:") {
            // Skip the key and its indented (or blank) continuation lines.
            i += 1;
            while i < end && (lines[i].starts_with([' ', '\t']) || lines[i].trim().is_empty()) {
                i += 1;
            }
            continue;
        }
        if i == end {
            if let Some(sig) = signature {
                out.push(format!("approval_signature: |{newline}"));
                for l in sig.trim().lines() {
                    out.push(format!("  {}{newline}", l.trim()));
                }
            }
        }
        out.push(line.to_string());
        i += 1;
    }
    Ok(out.concat())
}

/// The text `approve` writes: with a `signer`, the approval signature of `approved` (the
/// document as parsed from `text`) in place of any earlier one; without, no signature (an
/// earlier one no longer attests this approval).
pub(crate) fn signed_text(
    text: &str,
    approved: Option<&Document>,
    signer: Option<&crate::support::signing::Signer>,
) -> Result<String, String> {
    match (signer, approved) {
        (Some(signer), Some(d)) => with_signature(text, Some(&signer.sign(APPROVAL_NAMESPACE, statement(d).as_bytes())?)),
        (Some(_), None) => Err("the edited front matter could not be read back to sign it; nothing was written".into()),
        (None, _) => with_signature(text, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_block_replaces_the_old_one_and_keeps_other_lines() {
        let text = "---\r\nid: A\r\napproval_signature: |\r\n  -----BEGIN SSH SIGNATURE-----\r\n  old\r\n  -----END SSH SIGNATURE-----\r\nfingerprint: \"x\"\r\n---\r\n\r\nBody\r\n";
        let sig = "-----BEGIN SSH SIGNATURE-----\nnew\n-----END SSH SIGNATURE-----\n";
        let out = with_signature(text, Some(sig)).unwrap();
        assert_eq!(
            out,
            "---\r\nid: A\r\nfingerprint: \"x\"\r\napproval_signature: |\r\n  -----BEGIN SSH SIGNATURE-----\r\n  new\r\n  -----END SSH SIGNATURE-----\r\n---\r\n\r\nBody\r\n"
        );
        assert_eq!(with_signature(&out, None).unwrap(), "---\r\nid: A\r\nfingerprint: \"x\"\r\n---\r\n\r\nBody\r\n");
        assert!(with_signature("no front matter", None).is_err());
        // A body line that looks like the key is not front matter.
        let body = "---\nid: A\n---\napproval_signature: |\n  x\n";
        assert_eq!(with_signature(body, None).unwrap(), body);
    }
}
