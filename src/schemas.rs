//! Schemas: the JSON Schemas that front matter (and, later, register rows) are validated
//! against. They are embedded from schemas/ at compile time; a repository's own schemas/
//! folder overrides any file by name. `aimsbook schema` writes them out for editors.

use crate::diagnostics::Diagnostic;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::Path;

use crate::semantics::Semantics;

pub static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/schemas");

/// Compiled validators for one repository.
pub struct Schemas {
    pub document: jsonschema::Validator,
    /// Top-level field names the document schema defines (for "did you mean" hints).
    pub document_fields: Vec<String>,
    /// Register row schemas by name (the list key or `meta.schema`): systems, risks, ...
    pub registers: BTreeMap<String, jsonschema::Validator>,
    /// What each register's columns and words mean (`x-aimsbook`), by schema name.
    pub semantics: BTreeMap<String, std::sync::Arc<Semantics>>,
}

/// Reads a schema file: the repository's override if present, else the embedded one.
fn read_schema(repo_root: &Path, name: &str) -> Result<(String, String), Diagnostic> {
    let override_path = name.split('/').fold(repo_root.join("schemas"), |p, part| p.join(part));
    if override_path.is_file() {
        let text = std::fs::read_to_string(&override_path)
            .map_err(|e| Diagnostic::new("CFG002", format!("schemas/{name}"), 1, format!("cannot read schema override: {e}")))?;
        return Ok((format!("schemas/{name}"), text));
    }
    let file = EMBEDDED.get_file(name).ok_or_else(|| Diagnostic::new("CFG002", format!("schemas/{name}"), 1, "built-in schema missing"))?;
    Ok((format!("schemas/{name}"), file.contents_utf8().unwrap_or_default().to_string()))
}

pub fn compile(repo_root: &Path, name: &str) -> Result<(jsonschema::Validator, serde_json::Value), Diagnostic> {
    let (label, text) = read_schema(repo_root, name)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Diagnostic::new("CFG002", &label, e.line(), format!("schema is not valid JSON: {e}")).col(e.column()))?;
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&value)
        .map_err(|e| Diagnostic::new("CFG002", &label, 1, format!("schema is invalid: {e}")))?;
    Ok((validator, value))
}

impl Schemas {
    pub fn load(repo_root: &Path) -> Result<Schemas, Diagnostic> {
        let (document, value) = compile(repo_root, "document.schema.json")?;
        let document_fields = value.get("properties").and_then(|p| p.as_object()).map(|o| o.keys().cloned().collect()).unwrap_or_default();
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
            let (v, value) = compile(repo_root, &rel)?;
            let name = n.trim_end_matches(".schema.json").to_string();
            let declared = |value: &serde_json::Value| {
                Semantics::from_schema(value).map_err(|e| Diagnostic::new("CFG002", format!("schemas/{rel}"), 1, e))
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
                s.kind = crate::semantics::Kind::from_schema_name(&name);
            }
            semantics.insert(name.clone(), std::sync::Arc::new(s));
            registers.insert(name, v);
        }
        Ok(Schemas { document, document_fields, registers, semantics })
    }
}

/// Writes every embedded schema into `dir` (for editors and yaml-language-server).
pub fn write_all(dir: &Path) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut files: Vec<&include_dir::File> = EMBEDDED.files().collect();
    if let Some(d) = EMBEDDED.get_dir("registers") {
        files.extend(d.files());
    }
    for file in files {
        let target = dir.join(file.path());
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, file.contents())?;
        written.push(target.display().to_string());
    }
    written.sort();
    Ok(written)
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
}
