//! Clause 7.5 document-control checks: value-level rules over each document's control fields
//! (approval and review dates against `--today`, versions and history, supersession, duplicate
//! ids). Field presence, enumerations and formats are checked earlier by the JSON Schema.

use crate::diagnostics::{Code::*, Diagnostic};
use crate::model::review::ReviewState;
use crate::model::Site;
use crate::parse::document::{Document, Status, Version};
use std::collections::BTreeMap;

/// The checks of the site as a whole: duplicate ids.
pub(crate) fn site_wide(site: &Site, out: &mut Vec<Diagnostic>) {
    // Each id once in the index: then no id is used twice.
    if site.by_id.len() < site.documents.len() {
        duplicate_ids(site, out);
    }
}

/// The checks of one document: its dates, history, supersession and type-specific fields.
pub(crate) fn document(site: &Site, d: &Document, out: &mut Vec<Diagnostic>) {
    approval_and_review(site, d, out);
    history(d, out);
    supersession(site, d, out);
    type_specific_fields(d, out);
    approval_covers_current(d, out);
    evidence_without_clauses(d, out);
    for &line in &d.unclosed_fences {
        out.push(
            Diagnostic::new(SRC008, &d.repo_rel, line, "this fenced code block is never closed: the rest of the document becomes code")
                .help("close it with a line holding the same fence (``` or ~~~), or remove the stray fence"),
        );
    }
}

/// The approval covers the version in force: the current version's history entry is not dated
/// after the approval, unless the change since the approved version is a patch.
fn approval_covers_current(d: &Document, out: &mut Vec<Diagnostic>) {
    if d.status != Status::Approved || d.invalid_fields.contains("approved") || d.invalid_fields.contains("history") {
        return;
    }
    let (Some(approved), Some(current)) = (d.approved, d.history.last()) else { return };
    let (Some(changed), Some(cv)) = (current.date, Version::parse(&current.version)) else { return };
    if changed <= approved {
        return;
    }
    // The version the approval covered: the last one recorded on or before the approval date.
    let covered = d.history.iter().rev().find(|h| h.date.is_some_and(|date| date <= approved));
    let covered_version = covered.and_then(|h| Version::parse(&h.version));
    if let Some(pv) = covered_version {
        if pv.major == cv.major && pv.minor == cv.minor {
            return; // a patch: an editorial change that needs no re-approval
        }
    }
    let covered_text = match (covered, covered_version) {
        (Some(h), Some(v)) => format!("it covers version {v} of {}", h.date.map(|x| x.to_string()).unwrap_or_default()),
        _ => "no history entry is dated on or before it".to_string(),
    };
    out.push(
        Diagnostic::new(
            DC023,
            &d.repo_rel,
            current.line,
            format!("{} version {cv} is dated {changed}, after its approval on {approved}: {covered_text}", d.id),
        )
        .help(format!("have version {cv} approved (`aimsbook approve {}`), or record an editorial change as a patch version", d.id)),
    );
}

/// Records, reports and minutes evidence the clauses they name; with none they evidence nothing.
fn evidence_without_clauses(d: &Document, out: &mut Vec<Diagnostic>) {
    if crate::parse::document::is_evidence_type(&d.doc_type)
        && d.clauses.is_empty()
        && d.key_lines.contains_key("clauses")
        && !d.invalid_fields.contains("clauses")
    {
        out.push(
            Diagnostic::new(
                DC024,
                &d.repo_rel,
                d.line_of("clauses"),
                format!("{} ({}) evidences no clause: `clauses` is empty", d.id, d.doc_type),
            )
            .help("list the clauses or controls this record shows operating, e.g. clauses: [\"9.2\", \"A.6.2.5\"]"),
        );
    }
}

fn duplicate_ids(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &Document> = BTreeMap::new();
    for d in site.documents.iter() {
        if let Some(first) = seen.get(d.id.as_str()) {
            out.push(
                Diagnostic::new(DC009, &d.repo_rel, d.line_of("id"), format!("duplicate id `{}`: also used by {}", d.id, first.repo_rel))
                    .col(5)
                    .help(format!("ids must be unique; give one of {} and {} a new id", first.repo_rel, d.repo_rel)),
            );
        } else {
            seen.insert(&d.id, d);
        }
    }
}

fn approval_and_review(site: &Site, d: &Document, out: &mut Vec<Diagnostic>) {
    let file = &d.repo_rel;
    let today = site.today;
    let approved_field_ok = !d.invalid_fields.contains("approved");
    // With an invalid status (already reported) the status rules cannot be judged.
    let status = if d.invalid_fields.contains("status") { None } else { Some(d.status) };
    match status {
        None => {}
        Some(Status::Draft) => {
            if d.key_lines.contains_key("approved") && approved_field_ok {
                out.push(
                    Diagnostic::new(DC018, file, d.line_of("approved"), "a draft carries an approval date")
                        .help("remove `approved`, or set `status: approved` if the document has been approved"),
                );
            }
            out.push(Diagnostic::new(DC017, file, d.line_of("status"), format!("{} is a draft and not yet approved", d.id)).help(format!(
                "when {} approves it, set `status: approved` and `approved: DATE`",
                if d.approver.is_empty() { "the approver" } else { &d.approver }
            )));
        }
        _ => {
            if !d.key_lines.contains_key("approved") {
                out.push(
                    Diagnostic::new(
                        DC004,
                        file,
                        d.line_of("status"),
                        format!("status is {} but the document has no `approved` date", d.status.as_str()),
                    )
                    .help("add `approved: YYYY-MM-DD`, the date the approver signed it off"),
                );
            }
        }
    }
    if let Some(approved) = d.approved {
        if approved > today {
            out.push(
                Diagnostic::new(
                    DC005,
                    file,
                    d.line_of("approved"),
                    format!("approval date {approved} is in the future (today is {today})"),
                )
                .help("an approval is recorded after it happens: correct the date or keep the document in draft"),
            );
        }
        if let Some(due) = d.review_due {
            if due <= approved {
                out.push(
                    Diagnostic::new(
                        DC006,
                        file,
                        d.line_of("review_due"),
                        format!("review_due {due} is not after the approval date {approved}"),
                    )
                    .help("set the next review after the approval, typically one year later"),
                );
            }
        }
    }
    // The same rule as the badges and the Reviews page (src/review.rs).
    let review = site.review(d);
    if let (Some(due), Some(days)) = (d.review_due, review.days) {
        match review.state {
            ReviewState::Overdue => {
                out.push(
                    Diagnostic::new(
                        DC007,
                        file,
                        d.line_of("review_due"),
                        format!("review overdue: {} was due for review on {due} ({} days ago)", d.id, -days),
                    )
                    .help(format!(
                        "{} should review the document, then update review_due (and version, approved and history if it changed)",
                        owner_or(d)
                    )),
                );
            }
            ReviewState::DueSoon => {
                out.push(
                    Diagnostic::new(DC008, file, d.line_of("review_due"), format!("review of {} due in {days} days ({due})", d.id))
                        .help(format!("{} should plan the review now", owner_or(d))),
                );
            }
            ReviewState::Ok | ReviewState::Exempt | ReviewState::Unknown => {}
        }
    }
}

fn owner_or(d: &Document) -> &str {
    if d.owner.is_empty() {
        "the owner"
    } else {
        &d.owner
    }
}

fn history(d: &Document, out: &mut Vec<Diagnostic>) {
    let file = &d.repo_rel;
    let mut prev: Option<Version> = None;
    for h in &d.history {
        let Some(v) = Version::parse(&h.version) else {
            continue;
        };
        if let Some(p) = prev {
            if v <= p {
                out.push(
                    Diagnostic::new(DC011, file, h.line, format!("history version {v} does not follow {p}"))
                        .help("list revisions oldest first, each with a higher version than the one before"),
                );
            }
        }
        prev = Some(v);
    }
    if let (Some(last), Some(current)) = (d.history.last(), d.version) {
        if let Some(lv) = Version::parse(&last.version) {
            if lv != current {
                out.push(
                    Diagnostic::new(
                        DC012,
                        file,
                        last.line,
                        format!("last history entry is version {lv} but the document is version {current}"),
                    )
                    .help(format!("add a history entry for version {current} describing the change, or correct `version`")),
                );
            }
        }
    }
}

fn supersession(site: &Site, d: &Document, out: &mut Vec<Diagnostic>) {
    let file = &d.repo_rel;
    if d.status == Status::Superseded && d.superseded_by.is_none() && !d.invalid_fields.contains("superseded_by") {
        out.push(
            Diagnostic::new(DC013, file, d.line_of("status"), format!("{} is superseded but names no successor", d.id))
                .help("add `superseded_by: ID` naming the document that replaces it"),
        );
    }
    if let Some(next) = &d.superseded_by {
        match site.doc(next) {
            None if !site.known_ids.contains(next) => out.push(
                Diagnostic::new(DC014, file, d.line_of("superseded_by"), format!("superseded_by names unknown document `{next}`"))
                    .help("use the id of an existing document"),
            ),
            Some(succ) if succ.supersedes.as_deref() != Some(d.id.as_str()) => out.push(
                Diagnostic::new(
                    DC015,
                    file,
                    d.line_of("superseded_by"),
                    format!("{} is superseded by {next}, but {next} does not say `supersedes: {}`", d.id, d.id),
                )
                .help(format!("add `supersedes: {}` to {}", d.id, succ.repo_rel)),
            ),
            _ => {}
        }
    }
    if let Some(prev) = &d.supersedes {
        match site.doc(prev) {
            None if !site.known_ids.contains(prev) => out.push(
                Diagnostic::new(DC014, file, d.line_of("supersedes"), format!("supersedes names unknown document `{prev}`"))
                    .help("use the id of an existing document (superseded documents stay in the repository)"),
            ),
            Some(old) if old.superseded_by.as_deref() != Some(d.id.as_str()) => out.push(
                Diagnostic::new(
                    DC015,
                    file,
                    d.line_of("supersedes"),
                    format!("{} supersedes {prev}, but {prev} does not say `superseded_by: {}`", d.id, d.id),
                )
                .help(format!("set `status: superseded` and `superseded_by: {}` in {}", d.id, old.repo_rel)),
            ),
            _ => {}
        }
    }
}

fn type_specific_fields(d: &Document, out: &mut Vec<Diagnostic>) {
    let evidence = crate::parse::document::is_evidence_type(&d.doc_type);
    // `retention` applies to every type (a document's runs from its supersession), so only
    // `record_date` is tied to records.
    if d.key_lines.contains_key("record_date") && !evidence {
        out.push(
            Diagnostic::new(
                DC021,
                &d.repo_rel,
                d.line_of("record_date"),
                format!("`record_date` applies to records, reports and minutes, not to a {}", d.doc_type),
            )
            .help("remove the field, or change the document's type"),
        );
    }
    if d.key_lines.contains_key("meeting_date") && d.doc_type != "minutes" {
        out.push(
            Diagnostic::new(
                DC021,
                &d.repo_rel,
                d.line_of("meeting_date"),
                format!("`meeting_date` applies to minutes, not to a {}", d.doc_type),
            )
            .help("remove the field, or set `type: minutes`"),
        );
    }
}
