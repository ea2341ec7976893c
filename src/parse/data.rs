//! Parse stage for YAML data files (registers and the Statement of Applicability): a `meta`
//! mapping plus one list of rows, each row validated against the JSON Schema chosen by the
//! list's key (or `meta.schema`), with the source line of every row and field kept for
//! diagnostics.

use crate::diagnostics::{Code::*, Diagnostic};
use crate::parse::parse_yaml;
use crate::parse::schemas::Schemas;
use crate::parse::semantics::{Kind, Semantics};
use crate::parse::yaml::{item_positions, KeyLines, LazyPositions, Step};
use crate::source::SourceFile;
use serde_json::{Map, Value};

/// One row of a register or SoA, with where it came from.
#[derive(Debug, Clone)]
pub struct Row {
    pub(crate) value: Map<String, Value>,
    pub line: usize,
    pub(crate) field_lines: KeyLines,
    /// The row's id, from the column its register declares as the id (`x-aimsbook.fields.id`).
    pub(crate) row_id: Option<String>,
    /// 1-based position in the list, which identifies a row without an id.
    pub position: usize,
}

impl Row {
    pub(crate) fn str(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
    }
    pub(crate) fn id(&self) -> Option<&str> {
        self.row_id.as_deref()
    }
    /// The fragment identifying this row on its register's page.
    pub(crate) fn anchor(&self) -> String {
        match self.id() {
            Some(id) => format!("row-{}", crate::parse::document::slug(id)),
            None => format!("row-{}", self.position),
        }
    }
    pub(crate) fn int(&self, key: &str) -> Option<i64> {
        self.value.get(key).and_then(Value::as_i64)
    }
    pub(crate) fn bool(&self, key: &str) -> Option<bool> {
        self.value.get(key).and_then(Value::as_bool)
    }
    pub(crate) fn list(&self, key: &str) -> Vec<String> {
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
    pub(crate) fn text(&self, key: &str) -> String {
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
    pub(crate) rel: String,
    pub(crate) repo_rel: String,
    pub(crate) meta: Map<String, Value>,
    pub(crate) key_lines: KeyLines,
    /// 1-based line of each key inside the `meta` mapping.
    pub(crate) meta_lines: KeyLines,
    /// The key of the row list: systems, risks, entries, records, controls, or a custom one.
    pub(crate) list_key: String,
    /// The schema the rows were validated against (list key or `meta.schema`).
    pub(crate) schema: String,
    pub rows: Vec<Row>,
    /// Column order: keys in order of first appearance across rows.
    pub(crate) columns: Vec<String>,
    /// The file's text, for the fingerprint of the document that governs it.
    pub(crate) text: std::sync::Arc<str>,
    /// What the register's columns and words mean, from its schema's `x-aimsbook`.
    pub(crate) semantics: std::sync::Arc<Semantics>,
}

impl DataFile {
    pub(crate) fn meta_str(&self, key: &str) -> Option<&str> {
        self.meta.get(key).and_then(Value::as_str).map(str::trim)
    }
    pub(crate) fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(1)
    }
    /// Line of a key inside the `meta` mapping (falls back to the `meta:` line).
    pub fn meta_line(&self, key: &str) -> usize {
        self.meta_lines.get(key).copied().unwrap_or_else(|| self.line_of("meta"))
    }
    pub(crate) fn kind(&self) -> Option<Kind> {
        self.semantics.kind
    }
    /// The column playing `role` (see [`crate::parse::semantics::ROLES`]).
    pub(crate) fn col<'a>(&'a self, role: &'a str) -> &'a str {
        self.semantics.col(role)
    }
    /// How a row is named in messages: its id, else its position and key fields.
    pub(crate) fn row_label(&self, row: &Row) -> String {
        row_label(&self.semantics, row)
    }
    pub(crate) fn title(&self) -> String {
        self.meta_str("title").map(String::from).unwrap_or_else(|| self.list_key.clone())
    }
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
            Diagnostic::new(SRC005, repo_rel, 1, "data file is not a mapping")
                .help("a data file has a `meta:` mapping and one list, e.g. `risks:` followed by `- id: RSK-001` rows"),
        );
        return (None, diags);
    };
    // Lines from the parser's own positions: rows and fields written in flow style, after
    // block scalars or under quoted keys are found where they are written.
    // Walked only when a line is asked for (a finding); the rows' own lines are needed for
    // every file and come from a lean walk below.
    let positions = LazyPositions::new(file.text.clone(), 1);
    let key_lines = KeyLines::new(positions.clone(), Vec::new());
    let meta_lines = KeyLines::new(positions.clone(), vec![Step::from("meta")]);
    let meta = match map.get("meta") {
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            diags.push(
                Diagnostic::new(REG004, repo_rel, *key_lines.get("meta").unwrap_or(&1), "`meta` must be a mapping")
                    .help("meta:\n  document: REG-001\n  title: ..."),
            );
            Map::new()
        }
        None => {
            diags.push(
                Diagnostic::new(REG004, repo_rel, 1, "data file has no `meta` mapping")
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
            Diagnostic::new(REG004, repo_rel, *key_lines.get(k.as_str()).unwrap_or(&1), format!("unexpected top-level key `{k}`"))
                .help("a data file holds `meta` and exactly one list of rows"),
        );
    }
    let (list_key, items) = match lists.as_slice() {
        [one] => (one.0.clone(), one.1.clone()),
        [] => {
            diags.push(
                Diagnostic::new(REG004, repo_rel, 1, "data file has no list of rows")
                    .help("add one list, e.g. `risks:` followed by `- id: RSK-001` rows"),
            );
            return (None, diags);
        }
        many => {
            let names: Vec<&str> = many.iter().map(|(k, _)| k.as_str()).collect();
            diags.push(
                Diagnostic::new(
                    REG004,
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
                REG004,
                repo_rel,
                *key_lines.get(list_key.as_str()).unwrap_or(&1),
                format!("no register schema named `{schema}`"),
            )
            .help(format!("known schemas: {}; add schemas/registers/{schema}.schema.json to define your own", known.join(", "))),
        );
    }
    let mut rows = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    let row_positions = item_positions(&file.text, 1, &list_key);
    for (i, item) in items.into_iter().enumerate() {
        let row_path = [Step::from(list_key.as_str()), Step::Index(i)];
        // A row the text does not hold itself (e.g. an alias of another row's anchor) is
        // reported where the alias is, or at the list's key.
        let line = row_positions.get(&i).map(|p| p.line).unwrap_or_else(|| *key_lines.get(list_key.as_str()).unwrap_or(&1));
        let field_lines = KeyLines::new(positions.clone(), row_path.to_vec());
        let Value::Object(obj) = item else {
            diags.push(
                Diagnostic::new(REG005, repo_rel, line, format!("row {} of `{list_key}` is not a mapping", i + 1))
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
                    _ => (
                        positions.get().pointer_line(&row_path, &pointer).unwrap_or(row.line),
                        format!("{}: `{}` {}", row_label(&semantics, &row), field, err),
                    ),
                };
                diags.push(
                    Diagnostic::new(REG005, repo_rel, l, msg).help(format!(
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
            meta_lines,
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
pub(crate) fn row_label(semantics: &Semantics, row: &Row) -> String {
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

    fn file(rel: &str, text: &str) -> SourceFile {
        SourceFile {
            rel: rel.into(),
            repo_rel: format!("content/{rel}"),
            abs: rel.into(),
            kind: crate::source::SourceKind::Data,
            symlink: false,
            text: text.into(),
        }
    }

    /// No repository schemas at this path: the built-in ones.
    fn schemas() -> Schemas {
        Schemas::load(std::path::Path::new("/nonexistent-aimsbook-repo")).expect("built-in schemas")
    }

    #[test]
    fn rows_and_fields_have_their_lines() {
        let text = "meta:\n  document: R\nrisks:\n  - id: A\n    score: 3\n  - {id: B,\n     likelihood: 2,\n     score: 4}\n";
        let (df, _) = parse_data_file(&file("data/risks.yaml", text), &schemas());
        let df = df.expect("parsed");
        assert_eq!(df.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![4, 6]);
        assert_eq!(df.rows[0].line_of("score"), 5);
        assert_eq!(df.rows[1].line_of("id"), 6);
        assert_eq!(df.rows[1].line_of("score"), 8);
        assert_eq!(df.meta_line("document"), 2);
    }

    #[test]
    fn anchored_aliased_and_merged_rows_point_where_they_are_written() {
        let text = "meta: {document: R}\nrisks:\n  - &night\n    id: A\n    status: open\n  - *night\n  - <<: *night\n    id: C\n";
        let (df, diags) = parse_data_file(&file("data/risks.yaml", text), &schemas());
        let df = df.unwrap_or_else(|| panic!("{diags:?}"));
        // The anchored row starts at its first key; its fields are on their own lines.
        assert_eq!((df.rows[0].line, df.rows[0].line_of("status")), (4, 5));
        // A row that is an alias is where the alias is written, and so are its fields.
        assert_eq!((df.rows[1].line, df.rows[1].line_of("status")), (6, 6));
        // A merged row: its own key on its line, merged keys at the row (the `<<` line).
        assert_eq!((df.rows[2].line, df.rows[2].line_of("id"), df.rows[2].line_of("status")), (7, 8, 7));
        assert_eq!(df.rows[2].str("status"), Some("open"));
    }
}
