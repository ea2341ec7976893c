//! Retention and disposition (ISO/IEC 42001 clause 7.5.3): how long a record or an obsolete
//! document is kept, the date it is due for disposal and its state on a given day.
//!
//! A `retention` value is one of:
//! - a period: "7 years", "6 months", "1 year 6 months", "90 days", or ISO 8601 "P7Y", "P18M";
//! - "until superseded", optionally followed by "+ PERIOD" (or "plus PERIOD");
//! - "permanent" (also "permanently", "indefinitely").
//!
//! Case and whitespace do not matter. Periods are parsed by `jiff` (its friendly and ISO 8601
//! span formats) and added with `jiff` calendar arithmetic, which clamps to the end of the month:
//! 2024-02-29 + 1 year is 2025-02-28 and 2026-01-31 + 1 month is 2026-02-28.
//!
//! When the period starts:
//! - a record, report or minutes with a plain period: at the date the record was made
//!   (`record_date`, else `meeting_date`, else `approved`);
//! - any other document, and any "until superseded" retention: when the document stopped being
//!   in force. A superseded document stops when its successor (`superseded_by`) was approved;
//!   if the successor is missing or carries no approval date, and for a retired document, the
//!   date of its last history entry (the change that retired it), else its own approval date.
//!   A document still in force has no disposal date yet.
//!
//! States: `keep` (disposal date later than the review warning window, or none), `due` (the
//! disposal date is today or within `[review] warn_days` days), `overdue` (the disposal date has
//! passed: the document is still published and should be disposed of), and `undecided` (no
//! retention, or one that is not understood; RET001/RET002 report those).

use crate::model::table::{CellKind, Table};
use crate::model::Site;
use crate::parse::document::{is_evidence_type, Document, Status};
use jiff::civil::Date;
use jiff::Span;
use serde::Serialize;

/// A parsed `retention` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Retention {
    /// Kept for ever.
    Permanent,
    /// Kept for a period after the record date (records) or the end of validity (documents).
    Period(Period),
    /// Kept while in force, then for the optional further period.
    UntilSuperseded(Option<Period>),
}

/// A calendar period: years, months, weeks and days (no time of day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Period {
    pub(crate) years: i16,
    pub(crate) months: i32,
    pub(crate) weeks: i32,
    pub(crate) days: i32,
}

impl Period {
    fn span(self) -> Span {
        Span::new().years(self.years).months(self.months).weeks(self.weeks).days(self.days)
    }

    /// `start` plus this period, clamped to the end of the month; `None` beyond year 9999.
    pub(crate) fn after(self, start: Date) -> Option<Date> {
        start.checked_add(self.span()).ok()
    }
}

const PERMANENT: &[&str] = &["permanent", "permanently", "indefinite", "indefinitely", "forever"];
const UNTIL_SUPERSEDED: &str = "until superseded";

/// Parses a retention value; the error says what was expected.
pub(crate) fn parse(text: &str) -> Result<Retention, String> {
    let norm = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if norm.is_empty() {
        return Err("the retention is empty".into());
    }
    if PERMANENT.contains(&norm.as_str()) {
        return Ok(Retention::Permanent);
    }
    if let Some(rest) = norm.strip_prefix(UNTIL_SUPERSEDED) {
        let rest = rest.trim();
        if rest.is_empty() {
            return Ok(Retention::UntilSuperseded(None));
        }
        let Some(period) = rest.strip_prefix('+').or_else(|| rest.strip_prefix("plus ")).or_else(|| rest.strip_prefix("and ")) else {
            return Err(format!("expected \"+ PERIOD\" after \"until superseded\", found \"{rest}\""));
        };
        return parse_period(period.trim()).map(|p| Retention::UntilSuperseded(Some(p)));
    }
    parse_period(&norm).map(Retention::Period)
}

/// A period in jiff's friendly ("7 years", "1 year 6 months", "7y") or ISO 8601 ("P7Y") form,
/// with calendar units only and a positive length.
fn parse_period(text: &str) -> Result<Period, String> {
    // jiff's parser wants ISO 8601 designators in upper case and has no use for "and".
    let candidate = if text.starts_with('p') { text.to_uppercase() } else { text.replace(" and ", " ").replace(',', " ") };
    let span: Span = candidate.parse().map_err(|_| format!("\"{text}\" is not a period such as \"7 years\", \"6 months\" or \"P7Y\""))?;
    let has_time = span.get_hours() != 0
        || span.get_minutes() != 0
        || span.get_seconds() != 0
        || span.get_milliseconds() != 0
        || span.get_microseconds() != 0
        || span.get_nanoseconds() != 0;
    if has_time {
        return Err(format!("\"{text}\" has a time of day; retention is counted in years, months, weeks or days"));
    }
    if span.is_negative() || span.is_zero() {
        return Err(format!("\"{text}\" is not a positive period"));
    }
    Ok(Period { years: span.get_years(), months: span.get_months(), weeks: span.get_weeks(), days: span.get_days() })
}

/// Where a document stands with respect to disposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum State {
    Overdue,
    Due,
    Keep,
    Undecided,
}

impl State {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::Overdue => "overdue",
            State::Due => "due",
            State::Keep => "keep",
            State::Undecided => "undecided",
        }
    }
    /// The words shown to readers.
    pub(crate) fn label(self) -> &'static str {
        match self {
            State::Overdue => "overdue for disposal",
            State::Due => "due for disposal",
            State::Keep => "keep",
            State::Undecided => "retention not decided",
        }
    }
}

/// One row of the Retention page and export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Entry {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) doc_type: String,
    pub(crate) status: &'static str,
    pub(crate) url: String,
    pub(crate) path: String,
    /// The `retention` value as written ("" when absent).
    pub(crate) retention: String,
    /// What the period runs from, in words ("record date", "superseded", …).
    pub(crate) basis: String,
    /// The date the period runs from, when known.
    pub(crate) start: Option<String>,
    /// The disposal date (ISO 8601), when there is one.
    pub(crate) disposal: Option<String>,
    pub(crate) state: State,
    pub(crate) state_label: &'static str,
    /// Why there is no disposal date, or why the state is undecided.
    pub(crate) note: String,
    /// Days from today to the disposal date (negative when overdue).
    pub(crate) days: Option<i64>,
}

/// The date an obsolete document stopped being in force, and how it was found.
pub(crate) fn end_of_validity(site: &Site, d: &Document) -> Option<(Date, &'static str)> {
    if d.status == Status::Superseded {
        if let Some(date) = d.superseded_by.as_deref().and_then(|id| site.doc(id)).and_then(|s| s.approved) {
            return Some((date, "successor approved"));
        }
    }
    let last_history = d.history.iter().filter_map(|h| h.date).max();
    match (last_history, d.approved) {
        (Some(h), _) => Some((h, "last history entry")),
        (None, Some(a)) => Some((a, "approval date")),
        (None, None) => None,
    }
}

/// Whether a document belongs on the Retention page: records, reports and minutes, and every
/// superseded or retired document.
pub(crate) fn is_listed(d: &Document) -> bool {
    is_evidence_type(&d.doc_type) || d.status.is_obsolete()
}

/// The retention entry of one document (listed or not).
pub(crate) fn entry(site: &Site, d: &Document) -> Entry {
    let mut e = Entry {
        id: d.id.clone(),
        title: d.title.clone(),
        doc_type: d.doc_type.clone(),
        status: d.status.as_str(),
        url: d.url(),
        path: d.repo_rel.clone(),
        retention: d.retention.clone().unwrap_or_default(),
        basis: String::new(),
        start: None,
        disposal: None,
        state: State::Undecided,
        state_label: State::Undecided.label(),
        note: String::new(),
        days: None,
    };
    let parsed = match d.retention.as_deref().map(parse) {
        None => {
            e.note = "no retention set".into();
            return e;
        }
        Some(Err(why)) => {
            e.note = why;
            return e;
        }
        Some(Ok(r)) => r,
    };
    let (period, from_record) = match parsed {
        Retention::Permanent => {
            e.note = "kept permanently".into();
            return set_state(e, State::Keep);
        }
        Retention::Period(p) if is_evidence_type(&d.doc_type) => (Some(p), true),
        Retention::Period(p) => (Some(p), false),
        Retention::UntilSuperseded(p) => (p, false),
    };
    let start = if from_record {
        e.basis = "record date".into();
        crate::model::trace::record_made(d)
    } else if !d.status.is_obsolete() {
        e.basis = "end of validity".into();
        e.note = "in force: the period starts when it is superseded or retired".into();
        return set_state(e, State::Keep);
    } else {
        end_of_validity(site, d).map(|(date, how)| {
            e.basis = format!("{} ({how})", d.status.as_str());
            date
        })
    };
    let Some(start) = start else {
        e.note = "no date to count the period from (record_date or approved)".into();
        return e;
    };
    e.start = Some(start.to_string());
    let disposal = match period {
        Some(p) => match p.after(start) {
            Some(date) => date,
            None => {
                e.note = "the disposal date is beyond the calendar".into();
                return set_state(e, State::Keep);
            }
        },
        None => start,
    };
    e.disposal = Some(disposal.to_string());
    let Ok(span) = site.today.until(disposal) else {
        return e;
    };
    let days = i64::from(span.get_days());
    e.days = Some(days);
    let state = if days < 0 {
        State::Overdue
    } else if days <= site.config.review.warn_days {
        State::Due
    } else {
        State::Keep
    };
    set_state(e, state)
}

fn set_state(mut e: Entry, state: State) -> Entry {
    e.state = state;
    e.state_label = state.label();
    e
}

/// Every listed document's entry: overdue first, then due, keep and undecided, each by
/// disposal date and id.
pub(crate) fn entries(site: &Site) -> Vec<Entry> {
    let mut out: Vec<Entry> = site.documents.iter().filter(|d| is_listed(d)).map(|d| entry(site, d)).collect();
    out.sort_by(|a, b| {
        (a.state, a.disposal.is_none(), &a.disposal, &a.id, &a.path).cmp(&(b.state, b.disposal.is_none(), &b.disposal, &b.id, &b.path))
    });
    out
}

/// Column headers of [`table`].
pub(crate) const COLUMNS: [&str; 11] =
    ["ID", "Title", "Type", "Status", "Retention", "Runs from", "Start", "Disposal date", "State", "Note", "Path"];

/// The Retention page as an export table, in page order.
pub fn table(site: &Site) -> Table {
    let entries = entries(site);
    // Start and disposal are dates from the model (empty when undecided): date cells in XLSX.
    let kinds = entries
        .iter()
        .map(|e| {
            let date = |d: &Option<String>| if d.is_some() { CellKind::Date } else { CellKind::Text };
            let mut k = vec![CellKind::Text; COLUMNS.len()];
            k[6] = date(&e.start);
            k[7] = date(&e.disposal);
            k
        })
        .collect();
    let rows = entries
        .into_iter()
        .map(|e| {
            vec![
                e.id,
                e.title,
                e.doc_type,
                e.status.to_string(),
                e.retention,
                e.basis,
                e.start.unwrap_or_default(),
                e.disposal.unwrap_or_default(),
                e.state_label.to_string(),
                e.note,
                e.path,
            ]
        })
        .collect();
    Table {
        name: "Retention".into(),
        columns: crate::model::table::columns_in(site, &COLUMNS),
        rows,
        kinds,
        organization: site.config.book.organization.clone(),
        paper: site.config.pdf.paper,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn period(text: &str) -> Period {
        match parse(text) {
            Ok(Retention::Period(p)) => p,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn parses_every_documented_form() {
        assert_eq!(period("7 years"), Period { years: 7, months: 0, weeks: 0, days: 0 });
        assert_eq!(period("  6   Months "), Period { years: 0, months: 6, weeks: 0, days: 0 });
        assert_eq!(period("P7Y"), period("7 years"));
        assert_eq!(period("p18m").months, 18);
        assert_eq!(period("1 year and 6 months"), Period { years: 1, months: 6, weeks: 0, days: 0 });
        assert_eq!(period("1 year"), Period { years: 1, months: 0, weeks: 0, days: 0 });
        assert_eq!(parse("Permanent"), Ok(Retention::Permanent));
        assert_eq!(parse("until superseded"), Ok(Retention::UntilSuperseded(None)));
        assert_eq!(parse("Until  Superseded + 3 years"), Ok(Retention::UntilSuperseded(Some(period("3 years")))));
        assert_eq!(parse("until superseded plus P1Y"), Ok(Retention::UntilSuperseded(Some(period("1 year")))));
    }

    #[test]
    fn refuses_what_is_not_a_retention() {
        for bad in [
            "",
            "Duration of appointment plus 7 years",
            "7",
            "seven years",
            "5 hours",
            "-2 years",
            "0 days",
            "until superseded 3 years",
            "P",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn calendar_arithmetic_clamps_to_month_ends() {
        assert_eq!(period("1 year").after(date(2024, 2, 29)), Some(date(2025, 2, 28)));
        assert_eq!(period("4 years").after(date(2024, 2, 29)), Some(date(2028, 2, 29)));
        assert_eq!(period("1 month").after(date(2026, 1, 31)), Some(date(2026, 2, 28)));
        assert_eq!(period("1 month").after(date(2028, 1, 31)), Some(date(2028, 2, 29)));
        assert_eq!(period("P18M").after(date(2025, 8, 31)), Some(date(2027, 2, 28)));
        assert_eq!(period("7 years").after(date(9998, 1, 1)), None);
    }
}
