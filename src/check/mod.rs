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
use crate::parse::document::Document;
use std::sync::Arc;

/// Runs every check family over the site.
pub(crate) fn run_all(site: &Site) -> Vec<Diagnostic> {
    run_reusing(site, None).0
}

/// The per-document checks' diagnostics of each document (same index as `site.documents`),
/// kept by `serve`: a document that is the very same parse result is not checked again while
/// nothing it is checked against changed (see [`crate::model::reuse`]).
#[derive(Default)]
pub(crate) struct Found {
    documents: Arc<Vec<Arc<Document>>>,
    diagnostics: Vec<Vec<Diagnostic>>,
}

/// [`run_all`], taking from `last` the diagnostics of every document it holds unchanged. The
/// caller passes `last` only when everything a document is checked against — the other
/// documents' front matter and anchors, the data files, the date — is the same as then.
/// Returns the diagnostics and what the next run may reuse.
pub(crate) fn run_reusing(site: &Site, last: Option<&Found>) -> (Vec<Diagnostic>, Found) {
    use rayon::prelude::*;
    let timer = crate::support::timer::Timer::new();
    let mut out = Vec::new();
    doc_control::site_wide(site, &mut out);
    // Signatures are verified against the allowed signers file, which may change without any
    // document changing: they are checked every time.
    out.extend(signatures::check(site));
    out.extend(registers::check(site));
    out.extend(soa::check(site));
    timer.lap("  site-wide checks");
    // Made only if some document is checked again (most `serve` rebuilds reuse them all).
    let row_ids = std::sync::OnceLock::new();
    let audiences = std::sync::OnceLock::new();
    let diagnostics: Vec<Vec<Diagnostic>> = site
        .documents
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            if let Some(last) = last.filter(|l| l.documents.get(i).is_some_and(|p| Arc::ptr_eq(p, d))) {
                return last.diagnostics[i].clone();
            }
            let mut found = Vec::new();
            doc_control::document(site, d, &mut found);
            approval::document(site, d, &mut found);
            links::document(site, i, row_ids.get_or_init(|| links::row_ids(site)), &mut found);
            retention::document(site, d, &mut found);
            crate::model::audience::document(site, i, audiences.get_or_init(|| crate::model::audience::Audiences::of(site)), &mut found);
            found
        })
        .collect();
    out.extend(diagnostics.iter().flatten().cloned());
    timer.lap("  document checks");
    (out, Found { documents: site.documents.clone(), diagnostics })
}
