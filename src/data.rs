//! Parse stage for YAML data files (registers and the Statement of Applicability): a `meta`
//! mapping plus one list of rows, each row validated against the JSON Schema chosen by the
//! list's key (or `meta.schema`), with the source line of every row and field kept for
//! diagnostics.

use crate::diagnostics::Diagnostic;
use crate::parse::{list_item_lines, parse_yaml, top_level_key_lines};
use crate::schemas::Schemas;
use crate::semantics::{Kind, Semantics};
use crate::source::SourceFile;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One row of a register or SoA, with where it came from.
#[derive(Debug, Clone)]
pub struct Row {
    pub value: Map<String, Value>,
    pub line: usize,
    pub field_lines: BTreeMap<String, usize>,
    /// The row's id, from the column its register declares as the id (`x-aimsbook.fields.id`).
    pub row_id: Option<String>,
    /// 1-based position in the list, which identifies a row without an id.
    pub position: usize,
}

impl Row {
    pub fn str(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
    }
    pub fn id(&self) -> Option<&str> {
        self.row_id.as_deref()
    }
    /// The fragment identifying this row on its register's page.
    pub fn anchor(&self) -> String {
        match self.id() {
            Some(id) => format!("row-{}", crate::model::slug(id)),
            None => format!("row-{}", self.position),
        }
    }
    pub fn int(&self, key: &str) -> Option<i64> {
        self.value.get(key).and_then(Value::as_i64)
    }
    pub fn bool(&self, key: &str) -> Option<bool> {
        self.value.get(key).and_then(Value::as_bool)
    }
    pub fn list(&self, key: &str) -> Vec<String> {
        match self.value.get(key) {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.trim().to_string()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
            Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
            _ => Vec::new(),
        }
    }
    pub fn line_of(&self, key: &str) -> usize {
        self.field_lines.get(key).copied().unwrap_or(self.line)
    }
    /// A cell as display text.
    pub fn text(&self, key: &str) -> String {
        match self.value.get(key) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(a)) => a.iter().map(plain).collect::<Vec<_>>().join(", "),
            // Nested mappings (e.g. `resources: {models: [...], datasets: [...]}`) as "key: value" pairs.
            Some(Value::Object(m)) => {
                m.iter().map(|(k, v)| format!("{}: {}", k.replace('_', " "), plain(v))).collect::<Vec<_>>().join("; ")
            }
            Some(Value::Bool(b)) => {
                if *b {
                    "yes".into()
                } else {
                    "no".into()
                }
            }
            Some(other) => other.to_string(),
        }
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(a) => a.iter().map(plain).collect::<Vec<_>>().join(", "),
        Value::Object(m) => m.iter().map(|(k, v)| format!("{k}: {}", plain(v))).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// A parsed data file.
#[derive(Debug, Clone)]
pub struct DataFile {
    pub rel: String,
    pub repo_rel: String,
    pub meta: Map<String, Value>,
    pub key_lines: BTreeMap<String, usize>,
    /// The key of the row list: systems, risks, entries, records, controls, or a custom one.
    pub list_key: String,
    /// The schema the rows were validated against (list key or `meta.schema`).
    pub schema: String,
    pub rows: Vec<Row>,
    /// Column order: keys in order of first appearance across rows.
    pub columns: Vec<String>,
    /// The file's text, for the fingerprint of the document that governs it.
    pub text: std::sync::Arc<str>,
    /// What the register's columns and words mean, from its schema's `x-aimsbook`.
    pub semantics: std::sync::Arc<Semantics>,
}

impl DataFile {
    pub fn meta_str(&self, key: &str) -> Option<&str> {
        self.meta.get(key).and_then(Value::as_str).map(str::trim)
    }
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(1)
    }
    /// Line of a key inside the `meta` mapping (falls back to the `meta:` line).
    pub fn meta_line(&self, key: &str) -> usize {
        let start = self.line_of("meta");
        for (i, l) in self.text.lines().enumerate().skip(start) {
            if !l.starts_with([' ', '\t']) && !l.trim().is_empty() && !l.trim_start().starts_with('#') {
                break;
            }
            if l.trim_start().split(':').next().map(str::trim) == Some(key) {
                return i + 1;
            }
        }
        start
    }
    pub fn kind(&self) -> Option<Kind> {
        self.semantics.kind
    }
    /// The column playing `role` (see [`crate::semantics::ROLES`]).
    pub fn col<'a>(&'a self, role: &'a str) -> &'a str {
        self.semantics.col(role)
    }
    /// How a row is named in messages: its id, else its position and key fields.
    pub fn row_label(&self, row: &Row) -> String {
        row_label(&self.semantics, row)
    }
    pub fn title(&self) -> String {
        self.meta_str("title").map(String::from).unwrap_or_else(|| self.list_key.clone())
    }
}

/// Lines of each field within the rows of a block list.
pub(crate) fn field_lines(text: &str, row_lines: &[usize], end_line: usize) -> Vec<BTreeMap<String, usize>> {
    let lines: Vec<&str> = text.lines().collect();
    row_lines
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let end = row_lines.get(i + 1).copied().unwrap_or(end_line);
            let mut m = BTreeMap::new();
            let mut field_indent: Option<usize> = None;
            for ln in start..end {
                let Some(l) = lines.get(ln - 1) else { break };
                let trimmed = l.trim_start();
                let body = trimmed.strip_prefix("- ").unwrap_or(trimmed);
                let indent = l.len() - body.len();
                if body.starts_with('#') || body.is_empty() {
                    continue;
                }
                if field_indent.is_none() {
                    field_indent = Some(indent);
                }
                if Some(indent) != field_indent {
                    continue;
                }
                if let Some(colon) = body.find(':') {
                    let key = body[..colon].trim().trim_matches(['"', '\'']);
                    if !key.is_empty() && !key.contains(' ') {
                        m.entry(key.to_string()).or_insert(ln);
                    }
                }
            }
            m
        })
        .collect()
}

/// Parses and schema-validates one data file.
pub fn parse_data_file(file: &SourceFile, schemas: &Schemas) -> (Option<DataFile>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let repo_rel = file.repo_rel.as_str();
    let value = match parse_yaml(&file.text, repo_rel, 1) {
        Ok(v) => v,
        Err(d) => return (None, vec![d]),
    };
    let Value::Object(map) = value else {
        diags.push(
            Diagnostic::new("SRC005", repo_rel, 1, "data file is not a mapping")
                .help("a data file has a `meta:` mapping and one list, e.g. `risks:` followed by `- id: RSK-001` rows"),
        );
        return (None, diags);
    };
    let key_lines = top_level_key_lines(&file.text, 1);
    let meta = match map.get("meta") {
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            diags.push(
                Diagnostic::new("REG004", repo_rel, *key_lines.get("meta").unwrap_or(&1), "`meta` must be a mapping")
                    .help("meta:\n  document: REG-001\n  title: ..."),
            );
            Map::new()
        }
        None => {
            diags.push(
                Diagnostic::new("REG004", repo_rel, 1, "data file has no `meta` mapping")
                    .help("add `meta:` with `document: ID` naming the document that governs this file"),
            );
            Map::new()
        }
    };
    let lists: Vec<(&String, &Vec<Value>)> =
        map.iter().filter(|(k, _)| k.as_str() != "meta").filter_map(|(k, v)| v.as_array().map(|a| (k, a))).collect();
    let others: Vec<&String> = map.iter().filter(|(k, v)| k.as_str() != "meta" && !v.is_array()).map(|(k, _)| k).collect();
    for k in others {
        diags.push(
            Diagnostic::new("REG004", repo_rel, *key_lines.get(k.as_str()).unwrap_or(&1), format!("unexpected top-level key `{k}`"))
                .help("a data file holds `meta` and exactly one list of rows"),
        );
    }
    let (list_key, items) = match lists.as_slice() {
        [one] => (one.0.clone(), one.1.clone()),
        [] => {
            diags.push(
                Diagnostic::new("REG004", repo_rel, 1, "data file has no list of rows")
                    .help("add one list, e.g. `risks:` followed by `- id: RSK-001` rows"),
            );
            return (None, diags);
        }
        many => {
            let names: Vec<&str> = many.iter().map(|(k, _)| k.as_str()).collect();
            diags.push(
                Diagnostic::new(
                    "REG004",
                    repo_rel,
                    // The extra list is the one further down the file (the map is alphabetical).
                    many.iter().filter_map(|(k, _)| key_lines.get(k.as_str()).copied()).max().unwrap_or(1),
                    format!("data file has more than one list ({})", names.join(", ")),
                )
                .help("put each register in its own file"),
            );
            return (None, diags);
        }
    };
    let schema = meta.get("schema").and_then(Value::as_str).map(String::from).unwrap_or_else(|| list_key.clone());
    let validator = schemas.registers.get(&schema);
    let semantics = schemas.semantics.get(&schema).cloned().unwrap_or_default();
    let id_col = semantics.col("id").to_string();
    if validator.is_none() {
        let known: Vec<&str> = schemas.registers.keys().map(String::as_str).collect();
        diags.push(
            Diagnostic::new(
                "REG004",
                repo_rel,
                *key_lines.get(list_key.as_str()).unwrap_or(&1),
                format!("no register schema named `{schema}`"),
            )
            .help(format!("known schemas: {}; add schemas/registers/{schema}.schema.json to define your own", known.join(", "))),
        );
    }
    let end_line = file.text.lines().count() + 1;
    let row_lines = list_item_lines(&file.text, &list_key, 1);
    let fields = field_lines(&file.text, &row_lines, end_line);
    let mut rows = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let line = row_lines.get(i).copied().unwrap_or_else(|| *key_lines.get(list_key.as_str()).unwrap_or(&1));
        let field_lines = fields.get(i).cloned().unwrap_or_default();
        let Value::Object(obj) = item else {
            diags.push(
                Diagnostic::new("REG005", repo_rel, line, format!("row {} of `{list_key}` is not a mapping", i + 1))
                    .help("each row is a mapping of field: value"),
            );
            continue;
        };
        let row_id = match obj.get(&id_col) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let row = Row { value: obj, line, field_lines, row_id, position: i + 1 };
        if let Some(v) = validator {
            let instance = Value::Object(row.value.clone());
            for err in v.iter_errors(&instance) {
                let pointer = err.instance_path().as_str().to_string();
                let field = pointer.trim_start_matches('/').split('/').next().unwrap_or("").to_string();
                use jsonschema::error::ValidationErrorKind as K;
                let (l, msg) = match err.kind() {
                    K::Required { property } => (
                        row.line,
                        format!("{} is missing required field `{}`", row_label(&semantics, &row), property.as_str().unwrap_or("?")),
                    ),
                    K::AdditionalProperties { unexpected } => (
                        row.line_of(unexpected.first().map(String::as_str).unwrap_or("")),
                        format!("{}: unknown field(s) {}", row_label(&semantics, &row), unexpected.join(", ")),
                    ),
                    _ => (row.line_of(&field), format!("{}: `{}` {}", row_label(&semantics, &row), field, err)),
                };
                diags.push(
                    Diagnostic::new("REG005", repo_rel, l, msg).help(format!(
                        "rows of `{list_key}` follow schemas/registers/{schema}.schema.json (`aimsbook schema` writes it out)"
                    )),
                );
            }
        }
        for k in row.value.keys() {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
        rows.push(row);
    }
    (
        Some(DataFile {
            rel: file.rel.clone(),
            repo_rel: file.repo_rel.clone(),
            meta,
            key_lines,
            list_key,
            schema,
            rows,
            columns,
            text: file.text.clone(),
            semantics,
        }),
        diags,
    )
}

/// How a row is named in messages: its id, else its position and key fields.
pub fn row_label(semantics: &Semantics, row: &Row) -> String {
    if let Some(id) = row.id().or_else(|| row.str("control")) {
        return format!("row {id}");
    }
    let keys: Vec<String> = semantics
        .key
        .iter()
        .flatten()
        .filter(|k| row.value.contains_key(k.as_str()))
        .map(|k| row.text(k))
        .filter(|t| !t.is_empty())
        .collect();
    if keys.is_empty() {
        format!("row {}", row.position)
    } else {
        format!("row {} ({})", row.position, keys.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lines_found_per_row() {
        let text = "meta:\n  document: R\nrisks:\n  - id: A\n    score: 3\n  - id: B\n    likelihood: 2\n    score: 4\n";
        let rows = list_item_lines(text, "risks", 1);
        assert_eq!(rows, vec![4, 6]);
        let f = field_lines(text, &rows, 9);
        assert_eq!(f[0]["score"], 5);
        assert_eq!(f[1]["id"], 6);
        assert_eq!(f[1]["score"], 8);
    }
}
