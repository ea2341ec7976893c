//! Signed approvals (FPR002–FPR004): with `[approval] allowed_signers` in book.toml, every
//! approved document carries an `approval_signature` that verifies, over its id, version,
//! approver, approval date and fingerprint, by a key the allowed signers file lists.

use crate::diagnostics::{Code::*, Diagnostic};
use crate::model::approval::{statement, APPROVAL_NAMESPACE};
use crate::model::Site;
use crate::parse::document::Status;
use crate::support::signing::Rejected;

pub(crate) fn check(site: &Site) -> Vec<Diagnostic> {
    let Some(allowed) = site.config.allowed_signers.as_deref() else { return Vec::new() };
    let file = site.config.approval.allowed_signers.as_deref().unwrap_or("the allowed signers file");
    let mut out = Vec::new();
    for d in site.documents.iter().filter(|d| d.status == Status::Approved) {
        if d.invalid_fields.contains("approval_signature") {
            continue;
        }
        let Some(sig) = d.approval_signature.as_deref() else {
            out.push(
                Diagnostic::new(FPR002, &d.repo_rel, d.line_of("approved"), format!("the approval of {} is not signed", d.id)).help(format!(
                    "book.toml requires signed approvals: the approver runs `aimsbook approve {} --by NAME --sign KEY` with a key listed in {file}",
                    d.id
                )),
            );
            continue;
        };
        // Keys are judged on the day of the approval (valid-after / valid-before).
        let on = d.approved.unwrap_or(site.today);
        match crate::support::signing::verify(allowed, APPROVAL_NAMESPACE, statement(d).as_bytes(), sig, on) {
            Ok(_) => {}
            Err(Rejected::UnknownKey { fingerprint }) => out.push(
                Diagnostic::new(
                    FPR004,
                    &d.repo_rel,
                    d.line_of("approval_signature"),
                    format!("the approval of {} is signed by key {fingerprint}, which {file} does not list", d.id),
                )
                .help(format!("add the approver's public key to {file} (if they may approve), or have a listed approver sign again")),
            ),
            Err(e) => out.push(
                Diagnostic::new(
                    FPR003,
                    &d.repo_rel,
                    d.line_of("approval_signature"),
                    format!("the approval signature of {} does not verify: {e}", d.id),
                )
                .help(format!(
                    "the id, version, approver, approval date or fingerprint changed after signing; the approver signs again with `aimsbook approve {} --by NAME --sign KEY`",
                    d.id
                )),
            ),
        }
    }
    out
}
