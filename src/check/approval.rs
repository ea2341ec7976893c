//! Approval checks: an approved document whose content no longer matches the fingerprint
//! recorded at approval, and suspect links — references pinned to a version
//! (`POL-001@2.0`) whose target has since moved to a new major or minor version.

use crate::diagnostics::{Code::*, Diagnostic};
use crate::model::approval::fingerprint_in_site;
use crate::model::Site;
use crate::parse::document::{Status, Version};

pub(crate) fn check(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in &site.documents {
        if let (Some(recorded), Status::Approved) = (&d.fingerprint, d.status) {
            if d.invalid_fields.contains("fingerprint") {
                continue;
            }
            let now = fingerprint_in_site(site, d);
            if &now != recorded {
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
    out
}
