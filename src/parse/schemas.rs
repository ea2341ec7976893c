//! Schemas: the JSON Schemas that front matter and register rows are validated against. They
//! are embedded from schemas/ at compile time; a repository's own schemas/ folder overrides any
//! file by name. `aimsbook schema` writes them out for editors.
//!
//! A register schema describes a whole data file (what an editor applies to it): `meta` and
//! the list of rows, each row by `$ref` to `#/$defs/row`. aimsbook validates row by row (so a
//! diagnostic lands on the row's line) against that same definition: one source of truth.

use crate::diagnostics::{Code::*, Diagnostic};
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::Path;

use crate::parse::semantics::Semantics;

pub(crate) static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/schemas");

/// Compiled validators for one repository.
pub struct Schemas {
    pub(crate) document: jsonschema::Validator,
    /// Top-level field names the document schema defines (for "did you mean" hints).
    pub(crate) document_fields: Vec<String>,
    /// Register row validators by name (the list key or `meta.schema`): systems, risks, ...
    pub registers: BTreeMap<String, jsonschema::Validator>,
    /// What each register's columns and words mean (`x-aimsbook`), by schema name.
    pub(crate) semantics: BTreeMap<String, std::sync::Arc<Semantics>>,
    /// The `classification` enum of the document schema, in its order (least sensitive first).
    pub(crate) classification_levels: Vec<String>,
}

/// Reads a schema file: the repository's override if present, else the embedded one.
fn read_schema(repo_root: &Path, name: &str) -> Result<(String, String), Diagnostic> {
    let override_path = name.split('/').fold(repo_root.join("schemas"), |p, part| p.join(part));
    if override_path.is_file() {
        let text = std::fs::read_to_string(&override_path)
            .map_err(|e| Diagnostic::new(CFG002, format!("schemas/{name}"), 1, format!("cannot read schema override: {e}")))?;
        return Ok((format!("schemas/{name}"), text));
    }
    let file = EMBEDDED.get_file(name).ok_or_else(|| Diagnostic::new(CFG002, format!("schemas/{name}"), 1, "built-in schema missing"))?;
    Ok((format!("schemas/{name}"), file.contents_utf8().unwrap_or_default().to_string()))
}

pub(crate) fn compile(repo_root: &Path, name: &str) -> Result<(jsonschema::Validator, serde_json::Value), Diagnostic> {
    let (label, text) = read_schema(repo_root, name)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Diagnostic::new(CFG002, &label, e.line(), format!("schema is not valid JSON: {e}")).col(e.column()))?;
    let validator = build(&value, &label)?;
    Ok((validator, value))
}

fn build(value: &serde_json::Value, label: &str) -> Result<jsonschema::Validator, Diagnostic> {
    jsonschema::options()
        .should_validate_formats(true)
        .build(value)
        .map_err(|e| Diagnostic::new(CFG002, label, 1, format!("schema is invalid: {e}")))
}

/// The schema one row is validated against: the file schema's `#/$defs/row`, kept inside its
/// document (same `$id` and `$defs`) so that references between definitions still resolve. A
/// schema without `$defs.row` (a repository's own schema written for one row, as before file
/// schemas) is the row schema itself.
pub(crate) fn row_schema(file_schema: &serde_json::Value) -> serde_json::Value {
    let Some(defs) = file_schema.get("$defs").filter(|d| d.get("row").is_some()) else {
        return file_schema.clone();
    };
    let mut row = serde_json::Map::new();
    for key in ["$schema", "$id"] {
        if let Some(v) = file_schema.get(key) {
            row.insert(key.to_string(), v.clone());
        }
    }
    row.insert("$defs".into(), defs.clone());
    row.insert("$ref".into(), "#/$defs/row".into());
    serde_json::Value::Object(row)
}

impl Schemas {
    pub fn load(repo_root: &Path) -> Result<Schemas, Diagnostic> {
        let (document, value) = compile(repo_root, "document.schema.json")?;
        let document_fields = value.get("properties").and_then(|p| p.as_object()).map(|o| o.keys().cloned().collect()).unwrap_or_default();
        let classification_levels = value
            .pointer("/properties/classification/enum")
            .and_then(|e| e.as_array())
            .map(|words| words.iter().filter_map(|w| w.as_str().map(String::from)).collect())
            .unwrap_or_default();
        let mut names: Vec<String> = EMBEDDED
            .get_dir("registers")
            .map(|d| d.files().filter_map(|f| f.path().file_name().map(|n| n.to_string_lossy().into_owned())).collect())
            .unwrap_or_default();
        if let Ok(entries) = std::fs::read_dir(repo_root.join("schemas").join("registers")) {
            for e in entries.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if n.ends_with(".schema.json") && !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        names.sort();
        let mut registers = BTreeMap::new();
        let mut semantics = BTreeMap::new();
        for n in names {
            let rel = format!("registers/{n}");
            // Compiling the whole file schema first reports a broken schema the way an editor
            // meets it; rows are validated against its row definition.
            let (_, value) = compile(repo_root, &rel)?;
            let v = build(&row_schema(&value), &format!("schemas/{rel}"))?;
            let name = n.trim_end_matches(".schema.json").to_string();
            let declared = |value: &serde_json::Value| {
                Semantics::from_schema(value).map_err(|e| Diagnostic::new(CFG002, format!("schemas/{rel}"), 1, e))
            };
            // What the schema leaves out comes from the built-in schema of the same name.
            let builtin = match EMBEDDED.get_file(&rel).and_then(|f| f.contents_utf8()) {
                Some(text) => serde_json::from_str(text).ok().map(|v: serde_json::Value| declared(&v)).transpose()?.flatten(),
                None => None,
            };
            let own = declared(&value)?;
            let mut s = match (own, builtin) {
                (Some(own), Some(base)) => own.over(&base),
                (Some(own), None) => own,
                (None, Some(base)) => base,
                (None, None) => Semantics::default(),
            };
            if s.kind.is_none() {
                s.kind = crate::parse::semantics::Kind::from_schema_name(&name);
            }
            semantics.insert(name.clone(), std::sync::Arc::new(s));
            registers.insert(name, v);
        }
        Ok(Schemas { document, document_fields, registers, semantics, classification_levels })
    }
}

/// Writes every embedded schema into `dir` (for editors and yaml-language-server), never
/// losing a schema the user edited: a missing file is created, an identical one left as it is,
/// a different one kept unless `force`, which replaces it and keeps the old one as a backup
/// (see [`crate::support::safe_write::write_or_keep`]). Returns each file's path and what happened.
pub fn write_all(dir: &Path, force: bool) -> std::io::Result<Vec<(String, crate::support::safe_write::Written)>> {
    std::fs::create_dir_all(dir)?;
    let mut done = Vec::new();
    let mut files: Vec<&include_dir::File> = EMBEDDED.files().collect();
    if let Some(d) = EMBEDDED.get_dir("registers") {
        files.extend(d.files());
    }
    files.sort_by_key(|f| f.path());
    for file in files {
        let target = dir.join(file.path());
        let what = crate::support::safe_write::write_or_keep(&target, file.contents(), force)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", target.display())))?;
        done.push((target.display().to_string(), what));
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_document_schema_compiles_and_checks_dates() {
        let s = Schemas::load(Path::new("/nonexistent")).unwrap();
        assert!(s.document_fields.iter().any(|f| f == "review_due"));
        let bad = serde_json::json!({"id": "A", "approved": "2026-13-45"});
        assert!(s.document.iter_errors(&bad).any(|e| matches!(e.kind(), jsonschema::error::ValidationErrorKind::Format { .. })));
    }

    #[test]
    fn register_schema_checks_rows_through_its_row_definition() {
        let s = Schemas::load(Path::new("/nonexistent")).unwrap();
        let risks = &s.registers["risks"];
        let good = serde_json::json!({"id": "R-1", "title": "t", "likelihood": 2, "impact": 3, "treatment": "accept", "owner": "o", "status": "open"});
        assert!(risks.is_valid(&good));
        let bad = serde_json::json!({"id": "R-1", "title": "t", "likelihood": "high", "impact": 3, "treatment": "accept", "owner": "o", "status": "open"});
        let paths: Vec<String> = risks.iter_errors(&bad).map(|e| e.instance_path().as_str().to_string()).collect();
        assert_eq!(paths, vec!["/likelihood"]);
    }

    #[test]
    fn a_row_only_schema_still_validates_rows() {
        let legacy = serde_json::json!({"type": "object", "required": ["name"]});
        assert_eq!(row_schema(&legacy), legacy);
        let file =
            serde_json::json!({"$id": "https://x/y.json", "$defs": {"row": {"$ref": "#/$defs/name"}, "name": {"required": ["name"]}}});
        let v = build(&row_schema(&file), "t").unwrap();
        assert!(!v.is_valid(&serde_json::json!({})));
        assert!(v.is_valid(&serde_json::json!({"name": 1})));
    }
}
