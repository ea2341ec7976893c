//! Configuration: reads book.toml into [`Config`]. Unknown keys are errors (a typo must never
//! silently disable a setting); missing keys take documented defaults.

use crate::diagnostics::{Code::*, Diagnostic, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct BookSection {
    pub(crate) title: String,
    pub(crate) organization: String,
    pub(crate) language: String,
    pub(crate) description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct BuildSection {
    pub(crate) content: String,
    pub(crate) output: String,
    pub(crate) theme: String,
    /// Allow raw HTML in Markdown bodies unsanitised. Off by default: documents are written by
    /// many people and the site is read by auditors.
    pub(crate) allow_html: bool,
}

impl Default for BuildSection {
    fn default() -> Self {
        BuildSection { content: "content".into(), output: "site".into(), theme: "default".into(), allow_html: false }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct ReviewSection {
    pub(crate) warn_days: i64,
}

impl Default for ReviewSection {
    fn default() -> Self {
        ReviewSection { warn_days: 30 }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct TraceabilitySection {
    /// Records older than this many months no longer count as current evidence.
    pub(crate) evidence_months: i64,
    /// Extra catalogs (YAML files, relative to the repository root), each with its own namespace.
    pub(crate) catalogs: Vec<String>,
    /// Built-in framework catalogs with their crosswalk to 42001 ("ai-rmf", "ai-act", "iso27001").
    pub(crate) frameworks: Vec<String>,
    /// The repository's own mapping files (relative to the repository root).
    pub(crate) mappings: Vec<String>,
}

impl Default for TraceabilitySection {
    fn default() -> Self {
        TraceabilitySection { evidence_months: 12, catalogs: Vec::new(), frameworks: Vec::new(), mappings: Vec::new() }
    }
}

/// Paper size of printed pages: the browser's print and `aimsbook pdf`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// The CSS `@page { size }` keyword.
    pub(crate) fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct PdfSection {
    pub(crate) paper: Paper,
}

/// `[approval]`: who may sign approvals.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct ApprovalSection {
    /// An OpenSSH allowed signers file (relative to the repository root). When set, every
    /// approved document must carry an approval signature by a key it lists (FPR002–FPR004).
    pub(crate) allowed_signers: Option<String>,
}

/// `[publication]`: the organisation's classification words, least to most sensitive (see
/// [`crate::model::audience`]).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct PublicationSection {
    /// Classification words, least sensitive first. Empty: the `classification` enum of the
    /// document schema (the repository's own schemas/document.schema.json when it has one).
    pub(crate) levels: Vec<String>,
    /// The classification assumed for a document without one. Default: the most sensitive level.
    pub(crate) unclassified: Option<String>,
}

/// `[audiences.NAME]`: a publication profile (an edition of the site).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AudienceSection {
    /// The classifications this edition publishes, by the organisation's own words.
    pub(crate) classifications: Vec<String>,
    /// How pages name the edition (default: the profile's name).
    #[serde(default)]
    pub(crate) label: Option<String>,
}

/// A published snapshot, listed on the site's Versions page.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PublishedSnapshot {
    pub(crate) label: String,
    /// The snapshot folder or zip, relative to the repository root (used for "Changes since").
    #[serde(default)]
    pub(crate) path: Option<String>,
    /// Where readers can open it (intranet address); shown as a link.
    #[serde(default)]
    pub(crate) url: Option<String>,
    #[serde(default)]
    pub(crate) date: Option<String>,
    #[serde(default)]
    pub(crate) note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    book: BookSection,
    #[serde(default)]
    build: BuildSection,
    #[serde(default)]
    check: BTreeMap<String, String>,
    #[serde(default)]
    review: ReviewSection,
    #[serde(default)]
    traceability: TraceabilitySection,
    #[serde(default)]
    snapshots: Vec<PublishedSnapshot>,
    #[serde(default)]
    pdf: PdfSection,
    #[serde(default)]
    approval: ApprovalSection,
    #[serde(default)]
    publication: PublicationSection,
    #[serde(default)]
    audiences: BTreeMap<String, AudienceSection>,
}

/// The validated configuration of one repository.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) root: PathBuf,
    pub(crate) book: BookSection,
    pub(crate) build: BuildSection,
    pub levels: BTreeMap<String, Severity>,
    pub(crate) review: ReviewSection,
    pub(crate) traceability: TraceabilitySection,
    pub(crate) snapshots: Vec<PublishedSnapshot>,
    pub(crate) pdf: PdfSection,
    pub(crate) approval: ApprovalSection,
    /// The entries of `[approval] allowed_signers`, read by the pipeline when it loads.
    pub(crate) allowed_signers: Option<std::sync::Arc<Vec<crate::support::signing::AllowedSigner>>>,
    pub(crate) publication: PublicationSection,
    /// `[audiences.NAME]` as configured (the built-in profiles: [`crate::model::audience::profiles`]).
    pub(crate) audiences: BTreeMap<String, AudienceSection>,
    /// The classification words, least sensitive first: `[publication] levels`, else the
    /// document schema's enum (filled in by the pipeline when it loads the schemas).
    pub(crate) classification_levels: Vec<String>,
    /// Lines of book.toml where each `[audiences.NAME]` table starts (for diagnostics).
    pub(crate) audience_lines: BTreeMap<String, usize>,
}

impl Config {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.build.content)
    }

    /// Repository-relative path of a file under the content folder, with `/` separators.
    pub(crate) fn content_rel_to_repo(&self, content_rel: &str) -> String {
        repo_rel(&self.build.content, content_rel)
    }
}

/// A path relative to the content folder `content` (as written in book.toml), made relative to
/// the repository root.
pub(crate) fn repo_rel(content: &str, content_rel: &str) -> String {
    let base = content.trim_end_matches('/');
    if base.is_empty() || base == "." {
        content_rel.to_string()
    } else {
        format!("{base}/{content_rel}")
    }
}

/// Loads and validates `book.toml` under `root`. Errors are diagnostics (CFG001/CFG002).
pub(crate) fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
    let path = root.join("book.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            return Err(vec![Diagnostic::new(CFG001, "book.toml", 1, format!("cannot read {}: {e}", path.display()))
                .help("run `aimsbook init DIR` to create a new AIMS repository, or pass --root DIR")]);
        }
    };
    parse(&text, root)
}

pub(crate) fn parse(text: &str, root: &Path) -> Result<Config, Vec<Diagnostic>> {
    let raw: RawConfig = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1).unwrap_or(1);
            let msg = e.message().to_string();
            let help = if msg.contains("unknown field") {
                "book.toml knows [book] title, organization, language, description; [build] content, output, theme, allow_html; [check] CODE = \"error|warning|off\"; [review] warn_days; [traceability] evidence_months, catalogs, frameworks, mappings; [[snapshots]] label, path, url, date, note; [pdf] paper = \"a4\" or \"letter\"; [approval] allowed_signers; [publication] levels, unclassified; [audiences.NAME] classifications, label"
            } else if msg.contains("missing field `book`") {
                "add a [book] table with title and organization"
            } else {
                "see the README's book.toml reference"
            };
            return Err(vec![Diagnostic::new(CFG002, "book.toml", line, format!("book.toml: {msg}")).help(help)]);
        }
    };
    let mut errors = Vec::new();
    let mut levels = BTreeMap::new();
    for (code, level) in &raw.check {
        let sev = match level.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "off" => Severity::Off,
            other => {
                errors.push(
                    Diagnostic::new(CFG002, "book.toml", line_of(text, code), format!("[check] {code} = \"{other}\" is not a level"))
                        .help("use \"error\", \"warning\" or \"off\""),
                );
                continue;
            }
        };
        match crate::diagnostics::code_info(code) {
            Some(info) => {
                levels.insert(info.code.to_string(), sev);
            }
            None => errors.push(
                Diagnostic::new(CFG002, "book.toml", line_of(text, code), format!("[check] names unknown diagnostic code {code}"))
                    .help("`aimsbook explain --list` prints every code"),
            ),
        }
    }
    if raw.review.warn_days < 0 {
        errors.push(Diagnostic::new(CFG002, "book.toml", line_of(text, "warn_days"), "[review] warn_days must not be negative"));
    }
    for (key, value) in [("content", &raw.build.content), ("output", &raw.build.output), ("theme", &raw.build.theme)] {
        if value.trim().is_empty() {
            errors.push(Diagnostic::new(CFG002, "book.toml", line_of(text, key), format!("[build] {key} must not be empty")));
        }
    }
    if raw.build.theme.contains(['/', '\\']) || raw.build.theme.contains("..") {
        errors.push(
            Diagnostic::new(CFG002, "book.toml", line_of(text, "theme"), "[build] theme must be a plain folder name under themes/")
                .help("for example theme = \"default\""),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if raw.traceability.evidence_months < 1 {
        return Err(vec![Diagnostic::new(
            CFG002,
            "book.toml",
            line_of(text, "evidence_months"),
            "[traceability] evidence_months must be at least 1",
        )]);
    }
    Ok(Config {
        root: root.to_path_buf(),
        book: raw.book,
        build: raw.build,
        levels,
        review: raw.review,
        traceability: raw.traceability,
        snapshots: raw.snapshots,
        pdf: raw.pdf,
        approval: raw.approval,
        allowed_signers: None,
        classification_levels: raw.publication.levels.clone(),
        publication: raw.publication,
        audience_lines: raw.audiences.keys().map(|name| (name.clone(), line_of(text, &format!("[audiences.{name}]")))).collect(),
        audiences: raw.audiences,
    })
}

fn line_of(text: &str, key: &str) -> usize {
    text.lines().position(|l| l.trim_start().starts_with(key)).map(|i| i + 1).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply() {
        let c = parse("[book]\ntitle = \"T\"\norganization = \"O\"\n", Path::new(".")).unwrap();
        assert_eq!(c.build.content, "content");
        assert_eq!(c.build.output, "site");
        assert_eq!(c.review.warn_days, 30);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let errs = parse("[book]\ntitle = \"T\"\n\n[build]\ncontnet = \"x\"\n", Path::new(".")).unwrap_err();
        assert_eq!(errs[0].code, CFG002);
        assert!(errs[0].message.contains("contnet"), "{}", errs[0].message);
        assert_eq!(errs[0].line, 5);
    }

    #[test]
    fn paper_defaults_to_a4_and_takes_letter() {
        let c = parse("[book]\ntitle = \"T\"\n", Path::new(".")).unwrap();
        assert_eq!(c.pdf.paper, Paper::A4);
        let c = parse("[book]\ntitle = \"T\"\n[pdf]\npaper = \"letter\"\n", Path::new(".")).unwrap();
        assert_eq!(c.pdf.paper.css(), "letter");
        let errs = parse("[book]\ntitle = \"T\"\n[pdf]\npaper = \"a5\"\n", Path::new(".")).unwrap_err();
        assert_eq!((errs[0].code, errs[0].line), (CFG002, 4));
    }

    #[test]
    fn check_levels_validated() {
        let c = parse("[book]\ntitle = \"T\"\n[check]\nDC017 = \"off\"\n", Path::new(".")).unwrap();
        assert_eq!(c.levels.get("DC017"), Some(&Severity::Off));
        let errs = parse("[book]\ntitle = \"T\"\n[check]\nXX999 = \"off\"\n", Path::new(".")).unwrap_err();
        assert!(errs[0].message.contains("XX999"));
    }
}
