//! Approval checks: an approved document whose content no longer matches the fingerprint
//! recorded at approval, and suspect links — references pinned to a version
//! (`POL-001@2.0`) whose target has since moved to a new major or minor version.

use crate::diagnostics::{Code::*, Diagnostic};
use crate::model::approval::fingerprint_in_site;
use crate::model::Site;
use crate::parse::document::{Document, Status, Version};

/// FPR001 (changed since approval) and SUS001 (a pinned reference's target moved on) for one document.
pub(crate) fn document(site: &Site, d: &Document, out: &mut Vec<Diagnostic>) {
    if let (Some(recorded), Status::Approved) = (&d.fingerprint, d.status) {
        // An invalid fingerprint is reported by the schema; nothing more is judged.
        if d.invalid_fields.contains("fingerprint") {
            return;
        }
        if &fingerprint_in_site(site, d) != recorded {
            out.push(
                    Diagnostic::new(FPR001, &d.repo_rel, d.line_of("fingerprint"), format!("{} changed since approval: re-approve or revert", d.id)).help(format!(
                        "the body, controlled fields or data file differ from what {} approved; run `aimsbook approve {} --by NAME` (or --bump patch for an editorial change), or revert the edit",
                        if d.approver.is_empty() { "the approver" } else { &d.approver },
                        d.id
                    )),
                );
        }
    }
    for (field, id, pinned) in &d.pinned {
        let Some(target) = site.doc(id) else { continue };
        let Some(pin) = Version::parse(pinned) else {
            out.push(
                Diagnostic::new(
                    SUS001,
                    &d.repo_rel,
                    d.line_of(field),
                    format!("`{id}@{pinned}`: the pinned version is not MAJOR.MINOR[.PATCH]"),
                )
                .help(format!("write {id}@2.0")),
            );
            continue;
        };
        if let Some(current) = target.version {
            if (current.major, current.minor) > (pin.major, pin.minor) {
                out.push(
                    Diagnostic::new(
                        SUS001,
                        &d.repo_rel,
                        d.line_of(field),
                        format!("suspect link: {} relies on {id} {pinned}, but {id} is now {current}", d.id),
                    )
                    .help(format!("review {} against {id} {current}, then update the reference to {id}@{current}", d.id)),
                );
            }
        }
    }
}
