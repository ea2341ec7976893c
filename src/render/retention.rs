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

/// Rows of each state shown on the Retention page; a state's own list has them all.
pub(crate) const RETENTION_CAP: usize = 100;
/// Rows per page of a state's own list.
pub(crate) const STATE_ROWS: usize = 500;

/// The entries of one retention state, in page order (disposal date first, then id).
pub(crate) struct StateList {
    pub(crate) state: State,
    entries: Vec<Entry>,
}

impl StateList {
    /// How many pages the state's own list has (none when it is empty).
    pub(crate) fn page_count(&self) -> usize {
        self.entries.len().div_ceil(STATE_ROWS)
    }

    /// The path of page `page` (1-based) of the state's own list.
    pub(crate) fn page_path(&self, page: usize) -> String {
        crate::render::register::numbered_path(&format!("retention/{}", self.state.as_str()), page)
    }
}

/// Every retention state with its entries, in the order the page shows them.
pub(crate) fn lists(site: &crate::model::Site) -> Vec<StateList> {
    let mut lists: Vec<StateList> = [State::Overdue, State::Due, State::Keep, State::Undecided]
        .into_iter()
        .map(|state| StateList { state, entries: Vec::new() })
        .collect();
    for e in entries(site) {
        if let Some(list) = lists.iter_mut().find(|l| l.state == e.state) {
            list.entries.push(e);
        }
    }
    lists
}

/// A state's heading and note in the site's language.
fn label_and_note(r: &crate::render::Renderer, state: State) -> (String, String) {
    match state {
        State::Overdue => (r.t("retention-section-overdue"), r.t("retention-note-overdue")),
        State::Due => (r.t("retention-section-due"), r.t("retention-note-due")),
        State::Keep => (r.t("retention-section-keep"), String::new()),
        State::Undecided => (r.t("retention-section-undecided"), r.t("retention-note-undecided")),
    }
}

/// The Retention page: every state with its full count and its first [`RETENTION_CAP`]
/// entries (an organisation keeps records by the ten thousand), linked to the state's own list.
pub(crate) fn page(r: &crate::render::Renderer, p: &crate::render::SitePage) -> Result<crate::render::Page, Diagnostic> {
    let lists = r.retention_lists();
    let total: usize = lists.iter().map(|l| l.entries.len()).sum();
    let sections: Vec<minijinja::Value> = lists
        .iter()
        .map(|list| {
            let (label, note) = label_and_note(r, list.state);
            let shown = list.entries.len().min(RETENTION_CAP);
            minijinja::context! {
                key => list.state.as_str(),
                label => label,
                note => note,
                count => list.entries.len(),
                capped => list.entries.len() > RETENTION_CAP,
                url => if list.entries.is_empty() { String::new() } else { list.page_path(1) },
                entries => crate::render::v(&list.entries[..shown]),
            }
        })
        .collect();
    r.page(
        p.path,
        p.template,
        minijinja::context! {
            title => r.t("doc-retention-link"),
            sections => sections,
            total => total,
            cap => RETENTION_CAP,
            warn_days => r.site.config.review.warn_days,
        },
    )
}

/// Page `page` (1-based) of a state's own list.
pub(crate) fn state_page(r: &crate::render::Renderer, list: &StateList, page: usize) -> Result<crate::render::Page, Diagnostic> {
    let (label, note) = label_and_note(r, list.state);
    let args = [("state", fluent_bundle::FluentValue::from(label.clone()))];
    let place = crate::render::register::list_page(r.site, "retention-list-title", &args, (list.entries.len(), STATE_ROWS, page), |n| {
        list.page_path(n)
    });
    r.page(
        &list.page_path(page),
        "retention-state.html",
        minijinja::context! {
            title => place.title,
            key => list.state.as_str(),
            label => label,
            note => note,
            entries => crate::render::v(&list.entries[place.rows]),
            ..place.place
        },
    )
}
