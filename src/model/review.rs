//! The review rule, written once. A document's review state follows from its `review_due`, its
//! status, the build date (`--today`) and `[review] warn_days`; the document-control check
//! (DC007, DC008), the badges on every page, the home page, the owner pages and the Reviews page
//! all read it from [`Site::review`], so a change to the rule changes all of them together.

use crate::model::Site;
use crate::parse::document::{Document, Status};
use jiff::civil::Date;
use serde::Serialize;
use std::fmt;

/// Where a document stands against its review date. Templates receive it as the kebab-case
/// string of [`ReviewState::as_str`] (`doc.review_state == "due-soon"`), a stable value theme
/// authors may compare against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewState {
    /// The review date has passed (DC007).
    Overdue,
    /// The review falls due today or within `warn_days` days (DC008).
    DueSoon,
    /// The review is further away than `warn_days`.
    Ok,
    /// Superseded and retired documents are kept for the record, not reviewed.
    Exempt,
    /// No valid review date.
    Unknown,
}

impl ReviewState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Overdue => "overdue",
            ReviewState::DueSoon => "due-soon",
            ReviewState::Ok => "ok",
            ReviewState::Exempt => "exempt",
            ReviewState::Unknown => "unknown",
        }
    }

    /// Overdue or due soon: the reviews someone has to plan now.
    pub fn needs_attention(self) -> bool {
        matches!(self, ReviewState::Overdue | ReviewState::DueSoon)
    }
}

impl fmt::Display for ReviewState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A document's review state with the day count it was judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    pub state: ReviewState,
    /// Days from the build date to `review_due`, negative once overdue; `None` without a date.
    /// Kept for exempt documents too (lists and the JSON API show it).
    pub days: Option<i64>,
}

/// The review rule: exempt when superseded or retired; unknown without a review date; overdue
/// when the date is before `today`; due soon when it is at most `warn_days` days away (today
/// included); ok otherwise.
pub fn review_state(status: Status, review_due: Option<Date>, today: Date, warn_days: i64) -> Review {
    let days = review_due.and_then(|due| today.until(due).ok()).map(|span| i64::from(span.get_days()));
    let state = if status.is_obsolete() {
        ReviewState::Exempt
    } else {
        match days {
            None => ReviewState::Unknown,
            Some(n) if n < 0 => ReviewState::Overdue,
            Some(n) if n <= warn_days => ReviewState::DueSoon,
            Some(_) => ReviewState::Ok,
        }
    };
    Review { state, days }
}

impl Site {
    /// The review state of a document of this site, judged on the build date and the site's
    /// `[review] warn_days`.
    pub fn review(&self, d: &Document) -> Review {
        review_state(d.status, d.review_due, self.today, self.config.review.warn_days)
    }
}

/// One section of the Reviews page after "overdue": the documents whose review falls due between
/// `from` and `to` days from today (both included; no `to` for the last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Horizon {
    /// The section's anchor ("d30", "d60", "d90", "later").
    pub key: String,
    pub from: i64,
    pub to: Option<i64>,
}

/// Further horizons of the Reviews page, in days, beyond the warning window.
const LATER_HORIZONS: [i64; 2] = [60, 90];

/// The Reviews page's sections for reviews not yet overdue. The first is the warning window
/// itself (0 to `warn_days` days: exactly the documents DC008 reports and badges mark "due
/// soon"); then 60 and 90 days where they lie beyond it; then the rest.
pub fn horizons(warn_days: i64) -> Vec<Horizon> {
    let mut out = vec![Horizon { key: format!("d{warn_days}"), from: 0, to: Some(warn_days) }];
    let mut from = warn_days + 1;
    for to in LATER_HORIZONS.into_iter().filter(|&to| to > warn_days) {
        out.push(Horizon { key: format!("d{to}"), from, to: Some(to) });
        from = to + 1;
    }
    out.push(Horizon { key: "later".into(), from, to: None });
    out
}

/// The horizon a review `days` away (not overdue) falls in.
pub fn horizon_of(horizons: &[Horizon], days: i64) -> Option<&Horizon> {
    horizons.iter().find(|h| days >= h.from && h.to.is_none_or(|to| days <= to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(status: Status, due: Option<&str>, today: Date, warn_days: i64) -> Review {
        review_state(status, due.map(|d| d.parse().unwrap()), today, warn_days)
    }

    #[test]
    fn the_window_includes_today_and_its_last_day() {
        let today: Date = "2030-03-01".parse().unwrap();
        let state = |due: &str| judge(Status::Approved, Some(due), today, 10).state;
        assert_eq!(state("2030-02-28"), ReviewState::Overdue);
        assert_eq!(state("2030-03-01"), ReviewState::DueSoon);
        assert_eq!(state("2030-03-11"), ReviewState::DueSoon);
        assert_eq!(state("2030-03-12"), ReviewState::Ok);
        assert_eq!(judge(Status::Approved, Some("2030-02-26"), today, 10).days, Some(-3));
        assert_eq!(judge(Status::Draft, None, today, 10).state, ReviewState::Unknown);
        let retired = judge(Status::Retired, Some("2020-01-01"), today, 10);
        assert_eq!(retired.state, ReviewState::Exempt);
        assert!(retired.days.is_some_and(|n| n < 0));
    }

    #[test]
    fn templates_see_stable_kebab_case_strings() {
        for s in [ReviewState::Overdue, ReviewState::DueSoon, ReviewState::Ok, ReviewState::Exempt, ReviewState::Unknown] {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::Value::String(s.as_str().into()));
        }
        assert_eq!(ReviewState::DueSoon.to_string(), "due-soon");
    }

    #[test]
    fn horizons_start_with_the_warning_window() {
        let keys = |w| horizons(w).into_iter().map(|h| (h.key, h.from, h.to)).collect::<Vec<_>>();
        assert_eq!(
            keys(30),
            [("d30".into(), 0, Some(30)), ("d60".into(), 31, Some(60)), ("d90".into(), 61, Some(90)), ("later".into(), 91, None)]
        );
        assert_eq!(keys(60), [("d60".into(), 0, Some(60)), ("d90".into(), 61, Some(90)), ("later".into(), 91, None)]);
        assert_eq!(keys(120), [("d120".into(), 0, Some(120)), ("later".into(), 121, None)]);
        let h = horizons(10);
        assert_eq!(horizon_of(&h, 10).map(|h| h.key.as_str()), Some("d10"));
        assert_eq!(horizon_of(&h, 11).map(|h| h.key.as_str()), Some("d60"));
        assert_eq!(horizon_of(&h, 400).map(|h| h.key.as_str()), Some("later"));
    }
}
