//! Parse stage: front-matter YAML → validated against the document JSON Schema → typed
//! [`Document`], with the source line of every key so later diagnostics can point at it.
//!
//! Cross-field rules (approval and review dates, history order, supersession) are not checked
//! here but in `check::doc_control`; this stage only turns text into typed values and reports
//! what cannot be typed.

pub mod data;
pub mod document;
mod highlight_classes;
pub mod markdown;
pub mod schemas;
pub(crate) mod semantics;
pub(crate) mod yaml;

use crate::diagnostics::{Code::*, Diagnostic};
use crate::parse::document::{Body, Document, HistoryEntry, Status, Version};
use crate::parse::schemas::Schemas;
use crate::parse::yaml::{item_positions, KeyLines, LazyPositions};
use crate::source::{split_front_matter, SourceFile};
use jiff::civil::Date;
use serde_json::Value;
use std::collections::BTreeSet;

/// The result of parsing one Markdown file.
#[derive(Clone)]
pub struct Parsed {
    pub document: Option<std::sync::Arc<Document>>,
    /// The id string found in the front matter, even when the document could not be built
    /// (so links to it are not reported as unknown on top of its own errors).
    pub(crate) claimed_id: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// What a load takes of a kept result: the document and its diagnostics, and the claimed
    /// id only when there is no document (the others' ids are in the known ids the cache keeps).
    pub(crate) fn handed_over(&self) -> Parsed {
        Parsed {
            document: self.document.clone(),
            claimed_id: if self.document.is_none() { self.claimed_id.clone() } else { None },
            diagnostics: self.diagnostics.clone(),
        }
    }
}

/// Parses YAML text into JSON-like values. Errors carry the parser's line (offset by `first_line`).
pub fn parse_yaml(text: &str, repo_rel: &str, first_line: usize) -> Result<Value, Diagnostic> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! { max_depth: 64, max_nodes: 2_000_000 },
    };
    match serde_saphyr::from_str_with_options::<Value>(text, options) {
        Ok(v) => Ok(v),
        Err(e) => {
            let (line, col) = e.location().map(|l| (l.line() as usize, l.column() as usize)).unwrap_or((1, 1));
            let msg = e.without_snippet().to_string();
            let msg = msg.lines().next().unwrap_or("invalid YAML").trim().to_string();
            // The parser counts lines from the start of the front matter; the diagnostic carries
            // the file's own line, so drop the parser's position from the message.
            let msg = match msg.find(" at line ") {
                Some(i) => msg[..i].trim_end_matches([',', ' ']).to_string(),
                None => msg,
            };
            // An unclosed quote is reported by the parser where it gave up, often lines later;
            // point at the line that opened it instead.
            if let Some(open) = text.lines().take(line).position(unbalanced_quote) {
                if open + 1 < line {
                    return Err(Diagnostic::new(
                        SRC004,
                        repo_rel,
                        open + first_line,
                        format!("malformed YAML: a quote opened on this line is not closed ({msg})"),
                    )
                    .help("close the quote on the same line, or quote the whole value with the other kind of quote"));
                }
            }
            let help = yaml_hint(text, line);
            Err(Diagnostic::new(SRC004, repo_rel, line + first_line - 1, format!("malformed YAML: {msg}")).col(col).help(help))
        }
    }
}

/// A `key: "value` line whose double quote is never closed on that line.
fn unbalanced_quote(line: &str) -> bool {
    let Some((_, value)) = line.split_once(": ") else { return false };
    let value = value.trim();
    let Some(rest) = value.strip_prefix('"') else { return false };
    let mut escaped = false;
    for c in rest.chars() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return false,
            _ => {}
        }
    }
    true
}

fn yaml_hint(text: &str, line: usize) -> String {
    let l = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    if text.lines().any(|l| l.starts_with('\t')) {
        "YAML does not allow tabs for indentation: indent with spaces".into()
    } else if l.matches('"').count() % 2 == 1 || l.matches('\'').count() % 2 == 1 {
        "a quote is not closed on this line".into()
    } else {
        "check indentation and quoting; a value containing ': ' must be quoted".into()
    }
}

fn did_you_mean(unknown: &str, known: &[&str]) -> Option<String> {
    known.iter().map(|k| (strsim::levenshtein(unknown, k), *k)).filter(|(d, _)| *d <= 3).min().map(|(_, k)| k.to_string())
}

pub fn parse_date(s: &str) -> Option<Date> {
    if s.len() != 10 {
        return None;
    }
    s.parse::<Date>().ok()
}

/// Hash of a document's whole (decoded) text: identifies this version of the file in caches,
/// and lets `approve` notice that the file changed after the site was loaded.
pub(crate) fn source_hash(text: &str) -> u64 {
    crate::support::hash::fingerprint(&text)
}

/// Parses one Markdown source file into a document.
pub fn parse_document(file: &SourceFile, schemas: &Schemas, catalog_ids: &dyn Fn(&str) -> bool) -> Parsed {
    let mut diags = Vec::new();
    let repo_rel = file.repo_rel.as_str();
    let split = match split_front_matter(&file.text) {
        Ok(Some(s)) => s,
        Ok(None) => {
            diags.push(Diagnostic::new(SRC002, repo_rel, 1, "document has no front matter").help(
                "start the file with a `---` line, the document-control fields, and another `---` line (`aimsbook init` shows an example)",
            ));
            return Parsed { document: None, claimed_id: None, diagnostics: diags };
        }
        Err(line) => {
            diags.push(
                Diagnostic::new(SRC003, repo_rel, line, "front matter is never closed")
                    .help("add a line containing only `---` after the last front-matter field"),
            );
            return Parsed { document: None, claimed_id: None, diagnostics: diags };
        }
    };
    let fm_line = split.front_matter_line;
    let mut value = match parse_yaml(split.front_matter, repo_rel, fm_line) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            // Salvage the id for link resolution, so one broken file does not cascade.
            let claimed = split
                .front_matter
                .lines()
                .find_map(|l| l.strip_prefix("id:"))
                .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
                .filter(|s| !s.is_empty());
            return Parsed { document: None, claimed_id: claimed, diagnostics: diags };
        }
    };
    // Lines from the parser's own positions, so flow style, block scalars, comments and
    // quoted keys point where the user wrote the key.
    // Walked only when a line is asked for: most documents have no finding.
    let positions = LazyPositions::part_of(&file.text, split.front_matter, fm_line);
    let key_lines = KeyLines::with_keys(positions.clone(), Vec::new(), value.as_object().into_iter().flat_map(|m| m.keys()));
    if !value.is_object() {
        diags.push(
            Diagnostic::new(SRC005, repo_rel, fm_line, "front matter is not a mapping of fields")
                .help("write one `field: value` per line, e.g. `id: POL-001`"),
        );
        return Parsed { document: None, claimed_id: None, diagnostics: diags };
    }
    // Clause ids written without quotes arrive as numbers (5.2, 10): accept them as text.
    if let Some(Value::Array(items)) = value.get_mut("clauses") {
        for item in items.iter_mut() {
            if let Value::Number(n) = item {
                *item = Value::String(n.to_string());
            }
        }
    }
    let line_for_pointer = |pointer: &str| -> usize { positions.get().pointer_line(&[], pointer).unwrap_or(fm_line) };

    let mut invalid_fields = BTreeSet::new();
    for err in schemas.document.iter_errors(&value) {
        let pointer = err.instance_path().as_str().to_string();
        let field = pointer.trim_start_matches('/').split('/').next().unwrap_or("").to_string();
        let line = line_for_pointer(&pointer);
        let shown_value = value.pointer(&pointer).map(short_json).unwrap_or_default();
        use jsonschema::error::ValidationErrorKind as K;
        let d = match err.kind() {
            K::Required { property } => {
                let prop = property.as_str().unwrap_or("?").to_string();
                if pointer.is_empty() {
                    invalid_fields.insert(prop.clone());
                    Diagnostic::new(DC001, repo_rel, fm_line.saturating_sub(1).max(1), format!("missing required field `{prop}`"))
                        .help(required_help(&prop))
                } else {
                    invalid_fields.insert(field.clone());
                    Diagnostic::new(DC001, repo_rel, line, format!("`{}` entry is missing `{prop}`", pointer_label(&pointer)))
                        .help("each history entry has version, date, author and summary")
                }
            }
            K::Enum { options } => {
                invalid_fields.insert(field.clone());
                let allowed: Vec<String> =
                    options.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default();
                let got = value.pointer(&pointer).and_then(|v| v.as_str()).unwrap_or("");
                let mut help = format!("allowed values: {}", allowed.join(", "));
                if let Some(s) = did_you_mean(&got.to_lowercase(), &allowed.iter().map(String::as_str).collect::<Vec<_>>()) {
                    help = format!("did you mean `{s}`? {help}");
                }
                Diagnostic::new(DC002, repo_rel, line, format!("`{}` has invalid value {shown_value}", pointer_label(&pointer))).help(help)
            }
            K::Format { format } if format == "date" => {
                invalid_fields.insert(field.clone());
                Diagnostic::new(DC003, repo_rel, line, format!("`{}` is not a valid date: {shown_value}", pointer_label(&pointer)))
                    .help("write dates as YYYY-MM-DD, and make sure the day exists (e.g. 2026-02-28)")
            }
            K::Pattern { .. } | K::Type { .. } if field == "version" || pointer.ends_with("/version") => {
                invalid_fields.insert(field.clone());
                let help = if value.pointer(&pointer).is_some_and(Value::is_number) {
                    "quote the version so YAML keeps it as text: version: \"1.10\" (unquoted, 1.10 reads as 1.1)".to_string()
                } else {
                    "use MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. \"2.1\" or \"2.1.3\"".to_string()
                };
                Diagnostic::new(DC010, repo_rel, line, format!("`{}` is not a valid version: {shown_value}", pointer_label(&pointer)))
                    .help(help)
            }
            K::Type { .. } if pointer.contains("date") || field == "approved" || field == "review_due" => {
                invalid_fields.insert(field.clone());
                Diagnostic::new(DC003, repo_rel, line, format!("`{}` is not a valid date: {shown_value}", pointer_label(&pointer)))
                    .help("write dates as YYYY-MM-DD")
            }
            K::AdditionalProperties { unexpected } => {
                let known: Vec<&str> = schemas.document_fields.iter().map(String::as_str).collect();
                for key in unexpected {
                    let l = line_for_pointer(&format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")));
                    let mut d = Diagnostic::new(DC019, repo_rel, l, format!("unknown front-matter field `{key}`"));
                    d = match did_you_mean(key, &known) {
                        Some(s) if pointer.is_empty() => d.help(format!("did you mean `{s}`?")),
                        _ => d.help("remove it, or add it to the schema by overriding schemas/document.schema.json"),
                    };
                    diags.push(d);
                }
                continue;
            }
            _ => {
                invalid_fields.insert(field.clone());
                let label = if pointer.is_empty() { "front matter".to_string() } else { format!("`{}`", pointer_label(&pointer)) };
                Diagnostic::new(DC020, repo_rel, line, format!("{label} {}", err.to_string().trim())).help(form_help(&field))
            }
        };
        diags.push(d);
    }

    let empty = serde_json::Map::new();
    let map = value.as_object().unwrap_or(&empty);
    let get_str = |k: &str| -> Option<String> {
        if invalid_fields.contains(k) {
            return None;
        }
        map.get(k).and_then(|v| v.as_str()).map(|s| s.trim().to_string())
    };
    let get_date = |k: &str| get_str(k).and_then(|s| parse_date(&s));
    let get_list = |k: &str| -> Vec<String> {
        if invalid_fields.contains(k) {
            return Vec::new();
        }
        map.get(k)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str().map(|s| s.trim().to_string())).collect())
            .unwrap_or_default()
    };

    let claimed_id = map.get("id").and_then(|v| v.as_str()).map(|s| s.trim().to_string());
    // Only a usable id is indispensable. Other broken fields are already reported; the
    // document stays in the model with a neutral fallback so that links to it still resolve
    // and one typo does not cascade into dozens of unknown-id errors.
    let Some(id) = get_str("id") else {
        return Parsed { document: None, claimed_id, diagnostics: diags };
    };
    // Ids name output files (doc/ID.html): whatever a repository's own schema allows, an id
    // that is not a plain file name is refused here, at the document's own line.
    if !is_safe_id(&id) {
        diags.push(
            Diagnostic::new(DC020, repo_rel, line_for_pointer("/id"), format!("`id` {id:?} cannot be used as a page name"))
                .help("use letters, digits, '.', '_' and '-' only, not starting with '.', e.g. POL-001"),
        );
        return Parsed { document: None, claimed_id, diagnostics: diags };
    }
    let title = get_str("title").unwrap_or_else(|| id.clone());
    let doc_type = get_str("type").unwrap_or_else(|| "unknown".to_string());
    let status = get_str("status").and_then(|s| Status::parse(&s)).unwrap_or(Status::Draft);

    let history = if invalid_fields.contains("history") {
        Vec::new()
    } else {
        map.get("history")
            .and_then(|v| v.as_array())
            .map(|items| {
                // Every entry carries its line, so these are walked for every document.
                let history_lines: Vec<usize> =
                    item_positions(split.front_matter, fm_line, "history").into_values().map(|p| p.line).collect();
                items
                    .iter()
                    .enumerate()
                    .map(|(i, h)| HistoryEntry {
                        version: h.get("version").and_then(Value::as_str).unwrap_or("").to_string(),
                        date: h.get("date").and_then(Value::as_str).and_then(parse_date),
                        author: h.get("author").and_then(Value::as_str).unwrap_or("").to_string(),
                        summary: h.get("summary").and_then(Value::as_str).unwrap_or("").to_string(),
                        line: history_lines.get(i).copied().unwrap_or_else(|| line_for_pointer("/history")),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };

    let body_info = markdown::analyze(split.body, split.body_line, catalog_ids);
    let version_text = get_str("version").unwrap_or_default();
    let doc = Document {
        id,
        title,
        doc_type,
        owner: get_str("owner").unwrap_or_default(),
        approver: get_str("approver").unwrap_or_default(),
        version: Version::parse(&version_text),
        version_text,
        status,
        approved: get_date("approved"),
        review_due: get_date("review_due"),
        classification: get_str("classification").unwrap_or_default(),
        clauses: get_list("clauses"),
        history,
        related: get_list("related").iter().map(|r| strip_pin(r).0).collect(),
        derived_from: get_list("derived_from").iter().map(|r| strip_pin(r).0).collect(),
        pinned: ["related", "derived_from"]
            .iter()
            .flat_map(|f| get_list(f).into_iter().filter_map(move |r| strip_pin(&r).1.map(|v| (f.to_string(), strip_pin(&r).0, v))))
            .collect(),
        fingerprint: get_str("fingerprint"),
        approval_signature: get_str("approval_signature"),
        supersedes: get_str("supersedes").filter(|s| !s.is_empty()),
        superseded_by: get_str("superseded_by").filter(|s| !s.is_empty()),
        data: get_str("data").filter(|s| !s.is_empty()),
        ai_system: get_str("ai_system").filter(|s| !s.is_empty()),
        record_date: get_date("record_date"),
        retention: get_str("retention"),
        meeting_date: get_date("meeting_date"),
        rel: file.rel.clone(),
        repo_rel: file.repo_rel.clone(),
        key_lines,
        invalid_fields,
        body: Body::tail_of(&file.text, split.body),
        source_hash: source_hash(&file.text),
        front_hash: source_hash(split.front_matter),
        body_line: split.body_line,
        headings: body_info.headings,
        links: body_info.links,
        mentions: body_info.mentions,
        unclosed_fences: body_info.unclosed_fences,
    };
    Parsed { document: Some(std::sync::Arc::new(doc)), claimed_id, diagnostics: diags }
}

/// True for ids that are safe as a file name on every platform.
pub(crate) fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && !id.starts_with('.')
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Splits "POL-001@2.0" into the id and the pinned version.
pub(crate) fn strip_pin(s: &str) -> (String, Option<String>) {
    match s.split_once('@') {
        Some((id, v)) => (id.trim().to_string(), Some(v.trim().to_string())),
        None => (s.trim().to_string(), None),
    }
}

fn pointer_label(pointer: &str) -> String {
    let p = pointer.trim_start_matches('/');
    let mut out = String::new();
    for part in p.split('/') {
        if part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
}

fn short_json(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

fn required_help(prop: &str) -> String {
    match prop {
        "id" => "add `id: PREFIX-NNN`, unique across the repository".into(),
        "version" => "add `version: \"1.0\"` (quoted)".into(),
        "status" => "add `status: draft` (or approved, superseded, retired)".into(),
        "review_due" => "add `review_due: YYYY-MM-DD`, the date the next review is due".into(),
        "classification" => "add `classification: internal` (or public, confidential, restricted)".into(),
        "clauses" => "add the clause and control ids the document addresses, e.g. clauses: [\"5.2\", \"A.2.2\"]".into(),
        "type" => format!("add `type:` with one of: {}", crate::parse::document::DOC_TYPES.join(", ")),
        other => format!("add `{other}:` to the front matter"),
    }
}

fn form_help(field: &str) -> String {
    match field {
        "clauses" | "related" => {
            format!("`{field}` is a list of quoted ids, e.g. {field}: [\"5.2\", \"A.2.2\"]")
        }
        "history" => "`history` is a list of entries with version, date, author, summary".into(),
        _ => "see `aimsbook schema` for the expected form of each field".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_error_has_line() {
        let d = parse_yaml("id: A\ntitle: \"unclosed\nowner: x\n", "a.md", 2).unwrap_err();
        assert_eq!(d.code, SRC004);
        assert!(d.line >= 3, "line {}", d.line);
    }

    #[test]
    fn duplicate_key_is_malformed() {
        assert!(parse_yaml("id: A\nid: B\n", "a.md", 2).is_err());
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("reveiw_due", &["review_due", "owner"]).as_deref(), Some("review_due"));
        assert_eq!(did_you_mean("zzzzzzzz", &["review_due", "owner"]), None);
        assert_eq!(pointer_label("/history/2/version"), "history[2].version");
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert!(parse_date("2026-02-28").is_some());
        assert!(parse_date("2026-13-45").is_none());
        assert!(parse_date("2026-2-1").is_none());
    }
}
