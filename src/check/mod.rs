//! Check stage: pure functions of the [`Site`] model that return diagnostics. No I/O, so every
//! check is unit-testable and reusable by `serve`.
//!
//! One file per family: `doc_control` (clause 7.5 metadata), `links` (body links, `related`,
//! clause ids).

pub mod doc_control;
pub mod links;

use crate::diagnostics::Diagnostic;
use crate::site::Site;

/// Runs every check family over the site.
pub fn run_all(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    out.extend(doc_control::check(site));
    out.extend(links::check(site));
    out
}
