//! The parsed document: plain data types for a controlled document (assembled into the site
//! by [`crate::model`]).
//!
//! Nothing here does I/O. The parse stage fills these types; checks and renderers only read them.

use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;

pub(crate) const DOC_TYPES: &[&str] = &[
    "scope",
    "policy",
    "roles",
    "methodology",
    "procedure",
    "plan",
    "register",
    "record",
    "soa",
    "assessment",
    "objectives",
    "report",
    "minutes",
];
pub(crate) const STATUSES: &[&str] = &["draft", "approved", "superseded", "retired"];

/// Document types whose documents are records: they evidence requirements rather than address them.
pub(crate) fn is_evidence_type(doc_type: &str) -> bool {
    matches!(doc_type, "record" | "report" | "minutes")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Draft,
    Approved,
    Superseded,
    Retired,
}

impl Status {
    pub(crate) fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "draft" => Status::Draft,
            "approved" => Status::Approved,
            "superseded" => Status::Superseded,
            "retired" => Status::Retired,
            _ => return None,
        })
    }
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Approved => "approved",
            Status::Superseded => "superseded",
            Status::Retired => "retired",
        }
    }
    /// Superseded and retired documents are kept for the record but are no longer reviewed.
    pub(crate) fn is_obsolete(self) -> bool {
        matches!(self, Status::Superseded | Status::Retired)
    }
}

/// A document version MAJOR.MINOR[.PATCH], compared numerically ("1.10" > "1.9"). A missing
/// patch is patch 0: "1.0" and "1.0.0" are the same version (equal, same hash, same place in
/// every ordering), only written differently; [`fmt::Display`] keeps the writing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Version {
    pub(crate) major: u32,
    pub(crate) minor: u32,
    pub(crate) patch: Option<u32>,
}

impl Version {
    pub(crate) fn parse(s: &str) -> Option<Version> {
        let parts: Vec<&str> = s.split('.').collect();
        if !(2..=3).contains(&parts.len()) {
            return None;
        }
        let num = |p: &str| -> Option<u32> {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || (p.len() > 1 && p.starts_with('0')) {
                None
            } else {
                p.parse().ok()
            }
        };
        Some(Version {
            major: num(parts[0])?,
            minor: num(parts[1])?,
            patch: match parts.get(2) {
                Some(p) => Some(num(p)?),
                None => None,
            },
        })
    }
    fn key(&self) -> (u32, u32, u32) {
        (self.major, self.minor, self.patch.unwrap_or(0))
    }

    /// Whether two version texts name the same version ("1.0" and "1.0.0"); texts that are not
    /// versions are compared as written.
    pub(crate) fn same_text(a: &str, b: &str) -> bool {
        match (Version::parse(a), Version::parse(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        }
    }
}

// One ordering, written once: equality, hashing and order all go through `key`, so a derived
// field-by-field order (where "1.0" < "1.0.0") cannot disagree with the checks.
impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Version {}

impl std::hash::Hash for Version {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.patch {
            Some(p) => write!(f, "{}.{}.{}", self.major, self.minor, p),
            None => write!(f, "{}.{}", self.major, self.minor),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub(crate) version: String,
    pub(crate) date: Option<Date>,
    pub(crate) author: String,
    pub(crate) summary: String,
    /// 1-based line of the entry in its file.
    pub line: usize,
}

/// A link found in a document body, before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// `[text](other.md#anchor)`: path relative to the linking document.
    Path { path: String, anchor: Option<String> },
    /// `[text](#anchor)` within the same document.
    SelfAnchor(String),
    /// `[[POL-001]]` / `[[POL-001|text]]`.
    Id { id: String, anchor: Option<String> },
    /// `[[6.1.4]]` / `[[A.5.2]]`.
    Clause(String),
    /// http(s), mailto, tel.
    External(String),
    /// javascript:, data:, file: … — never published.
    Unsafe(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLink {
    pub target: LinkTarget,
    pub line: usize,
    pub column: usize,
}

/// Something in the body's text that looks like an identifier (`see PLN-001`), with where it is.
/// A mention is not a link: it is linked when it names a document, and never counts as a
/// reference for document control or traceability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mention {
    pub(crate) id: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub(crate) level: u8,
    pub(crate) text: String,
    pub slug: String,
}

/// A controlled document: its document-control fields, body and where each field came from.
#[derive(Debug, Clone)]
pub struct Document {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) doc_type: String,
    pub(crate) owner: String,
    pub(crate) approver: String,
    pub(crate) version: Option<Version>,
    pub(crate) version_text: String,
    pub(crate) status: Status,
    pub(crate) approved: Option<Date>,
    pub(crate) review_due: Option<Date>,
    pub(crate) classification: String,
    pub(crate) clauses: Vec<String>,
    pub history: Vec<HistoryEntry>,
    pub(crate) related: Vec<String>,
    /// Ids of documents this one is derived from.
    pub(crate) derived_from: Vec<String>,
    /// References pinned to a version (`POL-001@2.0` in related or derived_from): (field, id, version).
    pub(crate) pinned: Vec<(String, String, String)>,
    /// The approval fingerprint recorded by `aimsbook approve`.
    pub(crate) fingerprint: Option<String>,
    /// The SSHSIG signature of the approval (`aimsbook approve --sign`), ASCII-armoured.
    pub(crate) approval_signature: Option<String>,
    pub(crate) supersedes: Option<String>,
    pub(crate) superseded_by: Option<String>,
    pub(crate) data: Option<String>,
    pub(crate) ai_system: Option<String>,
    pub(crate) record_date: Option<Date>,
    pub(crate) retention: Option<String>,
    pub(crate) meeting_date: Option<Date>,
    /// Path relative to the content folder.
    pub(crate) rel: String,
    /// Path relative to the repository root (diagnostics).
    pub(crate) repo_rel: String,
    /// 1-based line of each top-level front-matter key.
    pub key_lines: crate::parse::yaml::KeyLines,
    /// Fields whose schema validation failed: value checks skip them to avoid double reports.
    pub(crate) invalid_fields: BTreeSet<String>,
    pub(crate) body: Body,
    /// Hash of the file's whole text: identifies this version of the document in caches.
    pub(crate) source_hash: u64,
    /// Hash of the front matter's text: every field above `body` follows from it (and the
    /// schemas), so two versions with the same value differ only in their body.
    pub(crate) front_hash: u64,
    pub(crate) body_line: usize,
    pub(crate) headings: Vec<Heading>,
    pub links: Vec<BodyLink>,
    /// Identifier-like words in the text (outside links and code), for linking and LNK006.
    pub(crate) mentions: Vec<Mention>,
    /// Lines where a fenced code block opens that is never closed (SRC008).
    pub(crate) unclosed_fences: Vec<usize>,
}

/// A document's body: the tail of its file's text, shared with the text the file was read into
/// (and with `serve`'s read cache) instead of copied. Every document keeps its body for as long
/// as the site lives, and as a copy a build held the whole repository's text twice while
/// parsing.
#[derive(Clone)]
pub(crate) struct Body {
    text: std::sync::Arc<str>,
    start: usize,
}

impl Body {
    /// `body`, which is the tail of `text` (else it is copied).
    pub(crate) fn tail_of(text: &std::sync::Arc<str>, body: &str) -> Body {
        let start = text.len().saturating_sub(body.len());
        match text.get(start..) {
            Some(tail) if std::ptr::eq(tail, body) => Body { text: text.clone(), start },
            _ => Body::from(body.to_string()),
        }
    }
}

impl From<String> for Body {
    fn from(body: String) -> Body {
        Body { text: body.into(), start: 0 }
    }
}

impl std::ops::Deref for Body {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text[self.start..]
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        **self == **other
    }
}

impl std::hash::Hash for Body {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl Document {
    /// The line of a front-matter key, or the first front-matter line.
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(2)
    }
    /// Output path of the document's page, relative to the site root.
    pub(crate) fn url(&self) -> String {
        doc_url(&self.id)
    }
}

pub fn doc_url(id: &str) -> String {
    format!("doc/{id}.html")
}

/// Owner pages are addressed by a slug of the owner's name.
pub(crate) fn owner_url(owner: &str) -> String {
    format!("owners/{}.html", slug(owner))
}

pub fn clause_url(id: &str) -> String {
    format!("clauses/{}.html", id.replace(':', "_"))
}

/// A URL-safe, lowercase slug (for owner names and other free text used in paths).
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "unnamed".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        let a = Version::parse("1.9").unwrap();
        let b = Version::parse("1.10").unwrap();
        assert!(a < b);
        assert_eq!(b.to_string(), "1.10");
        assert!(Version::parse("1").is_none());
        assert!(Version::parse("1.2.3.4").is_none());
        assert!(Version::parse("v1.2").is_none());
        assert!(Version::parse("01.2").is_none());
        assert_eq!(Version::parse("2.0.1").unwrap().patch, Some(1));
    }

    #[test]
    fn a_missing_patch_is_patch_zero_in_every_comparison() {
        let short = Version::parse("1.0").unwrap();
        let long = Version::parse("1.0.0").unwrap();
        assert_eq!(short, long);
        assert_eq!(short.cmp(&long), std::cmp::Ordering::Equal);
        let hash = |v: &Version| {
            use std::hash::{Hash, Hasher};
            let mut h = crate::support::hash::hasher();
            v.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&short), hash(&long));
        assert_eq!(BTreeSet::from([short, long]).len(), 1);
        assert!(Version::parse("1.0.1").unwrap() > short);
        assert!(Version::parse("0.9.9").unwrap() < long);
        // The spelling survives for display.
        assert_eq!((short.to_string(), long.to_string()), ("1.0".to_string(), "1.0.0".to_string()));
        assert!(Version::same_text("2.1", "2.1.0"));
        assert!(!Version::same_text("2.1", "2.1.1"));
        assert!(!Version::same_text("draft-a", "draft-b"));
        assert!(Version::same_text("draft-a", "draft-a"));
    }

    proptest::proptest! {
        /// Equality, order and hash agree for any two versions, and agree with the numeric
        /// (major, minor, patch-or-0) order the checks mean.
        #[test]
        fn version_order_is_one_order(a in (0u32..4, 0u32..4, proptest::option::of(0u32..3)), b in (0u32..4, 0u32..4, proptest::option::of(0u32..3))) {
            let text = |(ma, mi, p): (u32, u32, Option<u32>)| match p { Some(p) => format!("{ma}.{mi}.{p}"), None => format!("{ma}.{mi}") };
            let (x, y) = (Version::parse(&text(a)).unwrap(), Version::parse(&text(b)).unwrap());
            let numeric = (a.0, a.1, a.2.unwrap_or(0)).cmp(&(b.0, b.1, b.2.unwrap_or(0)));
            proptest::prop_assert_eq!(x.cmp(&y), numeric);
            proptest::prop_assert_eq!(x.partial_cmp(&y), Some(numeric));
            proptest::prop_assert_eq!(x == y, numeric.is_eq());
            proptest::prop_assert_eq!(Version::same_text(&text(a), &text(b)), x == y);
            if x == y {
                let hash = |v: &Version| {
                    use std::hash::{Hash, Hasher};
                    let mut h = crate::support::hash::hasher();
                    v.hash(&mut h);
                    h.finish()
                };
                proptest::prop_assert_eq!(hash(&x), hash(&y));
            }
        }
    }

    #[test]
    fn slugs_are_path_safe() {
        assert_eq!(slug("Dr. Priya Raman (Head of AI Governance)"), "dr-priya-raman-head-of-ai-governance");
        assert_eq!(slug("../../etc"), "etc");
        assert_eq!(slug("<>"), "unnamed");
    }
}
