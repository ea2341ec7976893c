//! The model: plain data types for controlled documents and the assembled [`Site`].
//!
//! Nothing here does I/O. The parse stage fills these types; checks and renderers only read them.

use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;

pub const DOC_TYPES: &[&str] = &[
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
pub const STATUSES: &[&str] = &["draft", "approved", "superseded", "retired"];

/// Document types whose documents are records: they evidence requirements rather than address them.
pub fn is_evidence_type(doc_type: &str) -> bool {
    matches!(doc_type, "record" | "report" | "minutes")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Approved,
    Superseded,
    Retired,
}

impl Status {
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "draft" => Status::Draft,
            "approved" => Status::Approved,
            "superseded" => Status::Superseded,
            "retired" => Status::Retired,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Approved => "approved",
            Status::Superseded => "superseded",
            Status::Retired => "retired",
        }
    }
    /// Superseded and retired documents are kept for the record but are no longer reviewed.
    pub fn is_obsolete(self) -> bool {
        matches!(self, Status::Superseded | Status::Retired)
    }
}

/// A document version MAJOR.MINOR[.PATCH], compared numerically ("1.10" > "1.9").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: Option<u32>,
}

impl Version {
    pub fn parse(s: &str) -> Option<Version> {
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
    pub fn cmp_semantic(&self, other: &Version) -> std::cmp::Ordering {
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
    pub version: String,
    pub date: Option<Date>,
    pub author: String,
    pub summary: String,
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
pub struct Mention {
    pub id: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub slug: String,
}

/// A controlled document: its document-control fields, body and where each field came from.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub doc_type: String,
    pub owner: String,
    pub approver: String,
    pub version: Option<Version>,
    pub version_text: String,
    pub status: Status,
    pub approved: Option<Date>,
    pub review_due: Option<Date>,
    pub classification: String,
    pub clauses: Vec<String>,
    pub history: Vec<HistoryEntry>,
    pub related: Vec<String>,
    /// Ids of documents this one is derived from.
    pub derived_from: Vec<String>,
    /// References pinned to a version (`POL-001@2.0` in related or derived_from): (field, id, version).
    pub pinned: Vec<(String, String, String)>,
    /// The approval fingerprint recorded by `aimsbook approve`.
    pub fingerprint: Option<String>,
    /// The SSHSIG signature of the approval (`aimsbook approve --sign`), ASCII-armoured.
    pub approval_signature: Option<String>,
    pub supersedes: Option<String>,
    pub superseded_by: Option<String>,
    pub data: Option<String>,
    pub ai_system: Option<String>,
    pub record_date: Option<Date>,
    pub retention: Option<String>,
    pub meeting_date: Option<Date>,
    /// Path relative to the content folder.
    pub rel: String,
    /// Path relative to the repository root (diagnostics).
    pub repo_rel: String,
    /// 1-based line of each top-level front-matter key.
    pub key_lines: crate::parse::yaml::KeyLines,
    /// Fields whose schema validation failed: value checks skip them to avoid double reports.
    pub invalid_fields: BTreeSet<String>,
    pub body: String,
    /// The body as plain text (for the search index), computed once when the file is parsed.
    pub plain: String,
    /// Hash of the file's whole text: identifies this version of the document in caches.
    pub source_hash: u64,
    pub body_line: usize,
    pub headings: Vec<Heading>,
    pub links: Vec<BodyLink>,
    /// Identifier-like words in the text (outside links and code), for linking and LNK006.
    pub mentions: Vec<Mention>,
    /// Lines where a fenced code block opens that is never closed (SRC008).
    pub unclosed_fences: Vec<usize>,
}

impl Document {
    /// The line of a front-matter key, or the first front-matter line.
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(2)
    }
    /// Output path of the document's page, relative to the site root.
    pub fn url(&self) -> String {
        doc_url(&self.id)
    }
}

pub fn doc_url(id: &str) -> String {
    format!("doc/{id}.html")
}

/// Owner pages are addressed by a slug of the owner's name.
pub fn owner_url(owner: &str) -> String {
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
        assert!(a.cmp_semantic(&b).is_lt());
        assert_eq!(b.to_string(), "1.10");
        assert!(Version::parse("1").is_none());
        assert!(Version::parse("1.2.3.4").is_none());
        assert!(Version::parse("v1.2").is_none());
        assert!(Version::parse("01.2").is_none());
        assert_eq!(Version::parse("2.0.1").unwrap().patch, Some(1));
    }

    #[test]
    fn slugs_are_path_safe() {
        assert_eq!(slug("Dr. Priya Raman (Head of AI Governance)"), "dr-priya-raman-head-of-ai-governance");
        assert_eq!(slug("../../etc"), "etc");
        assert_eq!(slug("<>"), "unnamed");
    }
}
