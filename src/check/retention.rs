//! Retention checks (clause 7.5.3): RET001, RET002, RET003 (the rules:
//! [`crate::model::retention`]).

use crate::diagnostics::{Code::*, Diagnostic};
use crate::model::retention::*;
use crate::model::Site;
use crate::parse::document::{is_evidence_type, Document};

/// RET001 (retention not understood), RET002 (record without retention) and RET003 (overdue
/// for disposal).
pub(crate) fn document(site: &Site, d: &Document, out: &mut Vec<Diagnostic>) {
    {
        if d.invalid_fields.contains("retention") {
            return;
        }
        match d.retention.as_deref().map(parse) {
            Some(Err(why)) => {
                out.push(
                    Diagnostic::new(RET001, &d.repo_rel, d.line_of("retention"), format!("retention not understood: {why}"))
                        .help("write a period (\"7 years\", \"6 months\", \"P7Y\"), \"until superseded\", \"until superseded + 3 years\" or \"permanent\""),
                );
                return;
            }
            None if is_evidence_type(&d.doc_type) => out.push(
                Diagnostic::new(RET002, &d.repo_rel, d.line_of("type"), format!("{} is a {} without a retention period", d.id, d.doc_type))
                    .help("add `retention:` to the front matter, e.g. `retention: \"7 years\"` (counted from record_date)"),
            ),
            _ => {}
        }
        if !is_listed(d) {
            return;
        }
        let e = entry(site, d);
        if e.state == State::Overdue {
            let since = e.disposal.clone().unwrap_or_default();
            out.push(
                Diagnostic::new(
                    RET003,
                    &d.repo_rel,
                    d.line_of("retention"),
                    format!("{} is overdue for disposal: its retention ({}) ended on {since}", d.id, e.retention),
                )
                .help(
                    "dispose of the document under the document-control procedure (remove it from the repository), or extend its retention",
                ),
            );
        }
    }
}
