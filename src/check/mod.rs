//! Check stage: pure functions of the [`Site`] model that return diagnostics. No I/O, so every
//! check is unit-testable and reusable by `serve`.
//!
//! One file per family: `doc_control` (clause 7.5 metadata), `links` (body links, `related`,
//! clause ids), `registers` (data files, rows, impact-assessment coverage), `soa` (Statement of
//! Applicability).

pub(crate) mod approval;
pub(crate) mod doc_control;
pub(crate) mod links;
pub(crate) mod registers;
pub(crate) mod retention;
pub(crate) mod signatures;
pub(crate) mod soa;

use crate::diagnostics::Diagnostic;
use crate::model::Site;

/// Runs every check family over the site.
pub(crate) fn run_all(site: &Site) -> Vec<Diagnostic> {
    let timer = crate::support::timer::Timer::new();
    let mut out = Vec::new();
    out.extend(doc_control::check(site));
    timer.lap("  document control");
    out.extend(approval::check(site));
    out.extend(signatures::check(site));
    timer.lap("  approvals and signatures");
    out.extend(links::check(site));
    timer.lap("  links");
    out.extend(registers::check(site));
    out.extend(soa::check(site));
    timer.lap("  registers and SoA");
    out.extend(crate::check::retention::check(site));
    out.extend(crate::model::audience::check(site));
    timer.lap("  retention and audiences");
    out
}
