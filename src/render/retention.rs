//! The Retention page and the retention text in the site's language (the model:
//! [`crate::model::retention`]).

use crate::diagnostics::Diagnostic;
use crate::model::retention::*;

/// retention) stays as it is.
/// A basis or note of an [`Entry`] (worded in English, as the exports write them) in the
/// site's language, for the pages; text without a message (an explanation of an unreadable
pub(crate) fn localized(messages: &crate::i18n::Messages, text: &str) -> String {
    let fixed = [
        ("record date", "retention-basis-record-date"),
        ("end of validity", "retention-basis-end-of-validity"),
        ("no retention set", "retention-note-no-retention"),
        ("kept permanently", "retention-note-permanent"),
        ("in force: the period starts when it is superseded or retired", "retention-note-in-force"),
        ("no date to count the period from (record_date or approved)", "retention-note-no-date"),
        ("the disposal date is beyond the calendar", "retention-note-beyond-calendar"),
    ];
    if let Some((_, key)) = fixed.iter().find(|(en, _)| *en == text) {
        return messages.t(key);
    }
    // "superseded (successor approved)": the status and how its end was found.
    if let Some((status, how)) = text.strip_suffix(')').and_then(|t| t.split_once(" (")) {
        let how_key = format!("retention-how-{}", crate::parse::document::slug(how));
        if let Some(how) = messages.get(&how_key, &[]) {
            let args = [("status", messages.label("status", status).into()), ("how", how.into())];
            return messages.get("retention-basis-obsolete", &args).unwrap_or_else(|| text.to_string());
        }
    }
    text.to_string()
}

/// The Retention page: every record and obsolete document with its disposal date and state.
pub(crate) fn page(r: &crate::render::Renderer, p: &crate::render::SitePage) -> Result<crate::render::Page, Diagnostic> {
    let entries = entries(r.site);
    let sections: Vec<minijinja::Value> = [
        (State::Overdue, r.t("retention-section-overdue"), r.t("retention-note-overdue")),
        (State::Due, r.t("retention-section-due"), r.t("retention-note-due")),
        (State::Keep, r.t("retention-section-keep"), String::new()),
        (State::Undecided, r.t("retention-section-undecided"), r.t("retention-note-undecided")),
    ]
    .iter()
    .map(|(state, label, note)| {
        let rows: Vec<&Entry> = entries.iter().filter(|e| e.state == *state).collect();
        minijinja::context! { key => state.as_str(), label => label.clone(), note => note.clone(), entries => crate::render::v(rows) }
    })
    .collect();
    r.page(
        p.path,
        p.template,
        minijinja::context! {
            title => r.t("doc-retention-link"),
            sections => sections,
            total => entries.len(),
            warn_days => r.site.config.review.warn_days,
        },
    )
}
