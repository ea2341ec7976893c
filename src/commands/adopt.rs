//! `aimsbook adopt [DIR]`: prepares an existing folder of Markdown and YAML for aimsbook.
//!
//! It writes book.toml when there is none (the content folder is the one holding the documents),
//! infers a register schema for each data file from its rows — column types, the id column, the
//! words used for status and lifecycle and what they are taken to mean — and writes it to
//! `schemas/registers/` for review, then reports per document which front-matter fields are
//! still missing and what each inferred mapping assumed. It never rewrites a document and never
//! replaces an existing file: every file is written to a temporary name and moved into place
//! only if nothing exists there.
//!
//! The word lists below only *propose* meanings; what checks use is what the written schemas
//! declare (`x-aimsbook`), which the user reviews.

use crate::diagnostics::Code;
use crate::parse::data::DataFile;
use crate::parse::semantics::Kind;
use jiff::civil::Date;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// What `adopt` did and found.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written, relative to the repository root.
    pub(crate) written: Vec<String>,
    /// Files that already existed and were left as they are.
    pub(crate) kept: Vec<String>,
    /// The human-readable migration report.
    pub text: String,
    /// Errors and warnings `check` reports after adoption.
    pub(crate) errors_after: usize,
    pub(crate) warnings_after: usize,
}

/// Column names that usually play a role, by role (first match wins).
const ROLE_NAMES: &[(&str, &[&str])] = &[
    ("ai_system", &["ai_system", "system", "system_id", "ai_system_id", "system_ref"]),
    ("lifecycle", &["lifecycle", "phase", "stage", "lifecycle_stage", "lifecycle_phase"]),
    ("risk_level", &["risk_level", "tier", "risk_tier", "risk_class", "criticality", "risk_rating"]),
    ("status", &["status", "state"]),
    ("closed_date", &["closed", "closed_on", "date_closed", "closure_date", "closed_date", "resolved_on", "completed_on"]),
    ("likelihood", &["likelihood", "probability"]),
    ("impact", &["impact", "severity", "consequence"]),
    ("score", &["score", "rating", "risk_score", "inherent_score"]),
    ("residual_likelihood", &["residual_likelihood"]),
    ("residual_impact", &["residual_impact", "residual_severity"]),
    ("residual_score", &["residual_score", "residual_rating"]),
    ("in_scope", &["in_scope"]),
    ("screening", &["screening", "aia_screening", "impact_screening", "screening_decision", "screening_outcome"]),
    ("screening_reason", &["screening_reason", "screening_note", "screening_rationale", "screening_notes"]),
    ("documents", &["documents", "docs", "related_documents"]),
    ("controls", &["controls", "annex_a", "annex_a_controls"]),
];

/// Words proposed as meaning "closed" (statuses) — everything else observed is taken as open.
const CLOSED_WORDS: &[&str] =
    &["closed", "done", "resolved", "complete", "completed", "verified", "cancelled", "canceled", "finished", "effective"];
/// Lifecycle words proposed as "in operation".
const OPERATIONAL_WORDS: &[&str] = &[
    "live",
    "production",
    "operational",
    "operation",
    "in-service",
    "in_service",
    "in-use",
    "in_use",
    "deployed",
    "in-operation",
    "active",
    "run",
];
/// Lifecycle words proposed as "no longer in operation".
const RETIRED_WORDS: &[&str] = &["retired", "decommissioned", "withdrawn", "archived", "sunset", "sunsetted", "discontinued"];
/// Lifecycle words proposed as "not yet in operation".
const NOT_YET_WORDS: &[&str] = &[
    "idea",
    "proposed",
    "planned",
    "concept",
    "design",
    "development",
    "build",
    "building",
    "pilot",
    "trial",
    "poc",
    "prototype",
    "validation",
    "testing",
    "test",
    "evaluation",
    "procurement",
];
/// Screening decisions proposed as "no full impact assessment needed".
const NOT_REQUIRED_WORDS: &[&str] =
    &["not-required", "not_required", "not required", "exempt", "screened-out", "screened_out", "not-needed", "not needed", "no"];

fn kind_for(name: &str, columns: &[String]) -> Option<Kind> {
    let n = name.to_ascii_lowercase();
    let has = |c: &str| columns.iter().any(|x| x == c);
    if n.contains("soa") || n.contains("applicab") || n == "controls" {
        Some(Kind::Controls)
    } else if n.contains("risk") || (has("likelihood") && (has("impact") || has("severity"))) {
        Some(Kind::Risks)
    } else if n.contains("system") || n.contains("inventory") || n.contains("models") {
        Some(Kind::Systems)
    } else if ["nonconform", "issue", "ncr", "corrective", "incident", "finding", "capa", "entries"].iter().any(|k| n.contains(k)) {
        Some(Kind::Nonconformities)
    } else if ["training", "record", "competen", "course"].iter().any(|k| n.contains(k)) {
        Some(Kind::Records)
    } else {
        None
    }
}

fn is_date(s: &str) -> bool {
    s.len() == 10 && s.parse::<Date>().is_ok()
}

/// The JSON Schema type of a set of observed values, with a note when they disagree.
fn type_of(values: &[&Value]) -> (Map<String, Value>, Option<String>) {
    let mut m = Map::new();
    let kinds: BTreeSet<&str> = values
        .iter()
        .map(|v| match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        })
        .filter(|k| *k != "null")
        .collect();
    match kinds.iter().copied().collect::<Vec<_>>().as_slice() {
        ["string"] => {
            m.insert("type".into(), json!("string"));
            if values.iter().all(|v| v.as_str().is_none_or(is_date)) {
                m.insert("format".into(), json!("date"));
            }
        }
        ["integer", "number"] | ["number"] => {
            m.insert("type".into(), json!("number"));
        }
        [one] => {
            m.insert("type".into(), json!(one));
            if *one == "array" {
                let items: Vec<&Value> = values.iter().filter_map(|v| v.as_array()).flatten().collect();
                let (item_schema, _) = type_of(&items);
                if !item_schema.is_empty() {
                    m.insert("items".into(), Value::Object(item_schema));
                }
            }
        }
        [] => {}
        many => return (m, Some(format!("mixed types ({}), left unconstrained", many.join(", ")))),
    }
    (m, None)
}

/// The column that identifies rows: present and non-empty in every row, unique, id-shaped
/// (letters, digits and separators, with a digit); a column named like an id is preferred.
fn id_column(columns: &[String], rows: &[&crate::parse::data::Row]) -> Option<String> {
    let id_shaped = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && s.chars().any(|c| c.is_ascii_digit())
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
    };
    let candidates: Vec<&String> = columns
        .iter()
        .filter(|c| {
            let values: Vec<Option<&str>> = rows.iter().map(|r| r.value.get(c.as_str()).and_then(Value::as_str)).collect();
            let unique: BTreeSet<&str> = values.iter().flatten().copied().collect();
            !rows.is_empty()
                && values.iter().all(|v| v.is_some_and(id_shaped))
                && unique.len() == rows.len()
                && !values.iter().flatten().all(|v| is_date(v))
        })
        .collect();
    let named = ["id", "ref", "reference", "key", "code", "number", "no"];
    candidates
        .iter()
        .find(|c| named.contains(&c.as_str()) || c.ends_with("_id") || c.ends_with("_ref"))
        .or_else(|| candidates.first())
        .map(|c| c.to_string())
}

/// Columns that together tell rows apart when there is no id (the fewest, in column order).
fn key_columns(columns: &[String], rows: &[&crate::parse::data::Row]) -> Vec<String> {
    let mut always: Vec<&String> =
        columns.iter().filter(|c| rows.iter().all(|r| r.value.get(c.as_str()).is_some_and(|v| !v.is_null()))).collect();
    // Who a row is about names it best: person-like columns first, the rest in column order.
    let personal = |c: &str| ["person", "name", "employee", "staff", "who", "learner", "trainee"].iter().any(|p| c.contains(p));
    always.sort_by_key(|c| !personal(c));
    for n in 1..=always.len().min(4) {
        let key: Vec<&String> = always[..n].to_vec();
        let distinct: BTreeSet<Vec<String>> = rows.iter().map(|r| key.iter().map(|k| r.text(k)).collect()).collect();
        if distinct.len() == rows.len() {
            return key.into_iter().cloned().collect();
        }
    }
    always.into_iter().take(4).cloned().collect()
}

/// One inferred register schema and what it assumed.
pub(crate) struct Inferred {
    pub(crate) schema: Value,
    pub(crate) assumptions: Vec<String>,
}

/// Infers the schema of the register `name` from the rows of its data files.
pub(crate) fn infer(name: &str, files: &[&DataFile]) -> Inferred {
    let rows: Vec<&crate::parse::data::Row> = files.iter().flat_map(|f| f.rows.iter()).collect();
    let mut columns: Vec<String> = Vec::new();
    for f in files {
        for c in &f.columns {
            if !columns.contains(c) {
                columns.push(c.clone());
            }
        }
    }
    let mut assumptions = Vec::new();
    let sources: Vec<&str> = files.iter().map(|f| f.repo_rel.as_str()).collect();
    let title = files.iter().find_map(|f| f.meta_str("title")).unwrap_or(name).to_string();
    let hint = format!("{name} {title} {}", sources.join(" "));
    let kind = kind_for(&hint, &columns);
    match kind {
        Some(k) => assumptions.push(format!("a register of kind `{}` (from its name and columns)", k.as_str())),
        None => assumptions.push("no kind recognised: rows are shown and validated, no register-specific check applies".into()),
    }

    let mut properties = Map::new();
    for c in &columns {
        let values: Vec<&Value> = rows.iter().filter_map(|r| r.value.get(c.as_str())).collect();
        let (schema, note) = type_of(&values);
        if let Some(note) = note {
            assumptions.push(format!("`{c}`: {note}"));
        }
        properties.insert(c.clone(), Value::Object(schema));
    }

    let mut x = Map::new();
    if let Some(k) = kind {
        x.insert("kind".into(), json!(k.as_str()));
    }
    let mut fields = Map::new();
    let mut required: Vec<String> = Vec::new();
    let id = id_column(&columns, &rows);
    match &id {
        Some(col) => {
            assumptions.push(format!("`{col}` identifies the rows (unique in every row)"));
            if col != "id" {
                fields.insert("id".into(), json!(col));
            }
            required.push(col.clone());
        }
        None => {
            let key = key_columns(&columns, &rows);
            assumptions.push(format!("no id column: rows are identified by their position and {}", key.join(" + ")));
            x.insert("key".into(), json!(key));
        }
    }
    let mut role_of: BTreeMap<&str, String> = BTreeMap::new();
    for (role, names) in ROLE_NAMES {
        if *role == "id" {
            continue;
        }
        // Only roles that matter for this kind of register.
        let relevant = match *role {
            "lifecycle" | "in_scope" | "screening" | "screening_reason" | "risk_level" => kind == Some(Kind::Systems),
            "status" | "closed_date" => matches!(kind, Some(Kind::Nonconformities) | Some(Kind::Risks)),
            "likelihood" | "impact" | "score" | "residual_likelihood" | "residual_impact" | "residual_score" => kind == Some(Kind::Risks),
            "ai_system" => kind != Some(Kind::Systems),
            _ => true,
        };
        if !relevant {
            continue;
        }
        if let Some(col) = names.iter().find(|n| columns.iter().any(|c| c == *n) && Some(**n) != id.as_deref()) {
            if *col != *role {
                fields.insert((*role).into(), json!(col));
                assumptions.push(format!("`{col}` plays the role `{role}`: {}", role_purpose(role)));
            }
            role_of.insert(role, col.to_string());
        }
    }
    let words = |col: &str| -> Vec<String> {
        let set: BTreeSet<String> = rows.iter().filter_map(|r| r.str(col)).map(String::from).collect();
        set.into_iter().collect()
    };
    let contains = |list: &[&str], w: &str| list.iter().any(|x| x.eq_ignore_ascii_case(w.trim()));
    if matches!(kind, Some(Kind::Nonconformities) | Some(Kind::Risks)) {
        if let Some(col) = role_of.get("status") {
            let observed = words(col);
            let (closed, open): (Vec<String>, Vec<String>) = observed.into_iter().partition(|w| contains(CLOSED_WORDS, w));
            assumptions.push(format!("`{col}`: {} taken as closed, {} as open", list_or_none(&closed), list_or_none(&open)));
            x.insert("open".into(), json!(open));
            x.insert("closed".into(), json!(if closed.is_empty() { vec!["closed".to_string()] } else { closed }));
            if kind == Some(Kind::Nonconformities) {
                required.push(col.clone());
            }
        }
    }
    if kind == Some(Kind::Systems) {
        match role_of.get("lifecycle") {
            Some(col) => {
                let observed = words(col);
                let mut operational = Vec::new();
                let mut not_yet = Vec::new();
                let mut retired = Vec::new();
                let mut unknown = Vec::new();
                for w in observed {
                    if contains(OPERATIONAL_WORDS, &w) {
                        operational.push(w);
                    } else if contains(RETIRED_WORDS, &w) {
                        retired.push(w);
                    } else if contains(NOT_YET_WORDS, &w) {
                        not_yet.push(w);
                    } else {
                        unknown.push(w);
                    }
                }
                assumptions.push(format!(
                    "`{col}`: {} taken as in operation, {} as not yet in operation, {} as retired",
                    list_or_none(&operational),
                    list_or_none(&not_yet),
                    list_or_none(&retired)
                ));
                let mut added: Vec<String> = Vec::new();
                // Stages of a lifecycle that were not seen yet are added, so a system moving
                // on (`pilot` → `live`) does not need the schema edited.
                for (list, proposals) in
                    [(&mut operational, &["live"][..]), (&mut not_yet, &["idea", "build", "pilot"][..]), (&mut retired, &["decommissioned"][..])]
                {
                    if list.is_empty() {
                        list.extend(proposals.iter().map(|s| s.to_string()));
                        added.extend(proposals.iter().map(|s| format!("`{s}`")));
                    }
                }
                if !added.is_empty() {
                    assumptions.push(format!("`{col}`: stages not seen yet proposed as well: {}", added.join(", ")));
                }
                if !unknown.is_empty() {
                    assumptions.push(format!(
                        "`{col}`: REVIEW — could not tell what {} means; add each to `operational`, `not_yet_operational` or `retired`",
                        unknown.join(", ")
                    ));
                }
                x.insert("operational".into(), json!(operational));
                x.insert("not_yet_operational".into(), json!(not_yet));
                x.insert("retired".into(), json!(retired));
                required.push(col.clone());
            }
            None => assumptions.push("REVIEW — no lifecycle column found: map one under x-aimsbook.fields.lifecycle, or REG010 reports every system as missing it".into()),
        }
        if let Some(col) = role_of.get("screening") {
            let observed = words(col);
            let exempt: Vec<String> = observed.iter().filter(|w| contains(NOT_REQUIRED_WORDS, w)).cloned().collect();
            assumptions.push(format!("`{col}`: {} taken as a decision that no full impact assessment is needed", list_or_none(&exempt)));
            x.insert("assessment_not_required".into(), json!(if exempt.is_empty() { vec!["not-required".to_string()] } else { exempt }));
        }
    }
    // Observed vocabularies: a risk level is constrained to the levels in use; other columns
    // with a few repeated words list them as `examples` (editors offer them; nothing is enforced).
    for (col, schema) in properties.iter_mut() {
        let Some(schema) = schema.as_object_mut() else { continue };
        if schema.get("type") != Some(&json!("string")) || schema.contains_key("format") || Some(col) == id.as_ref() {
            continue;
        }
        let values: Vec<&str> = rows.iter().filter_map(|r| r.str(col)).collect();
        let distinct: BTreeSet<&str> = values.iter().copied().collect();
        if role_of.get("risk_level") == Some(col) {
            schema.insert("enum".into(), json!(distinct));
            assumptions.push(format!(
                "`{col}`: the risk levels in use are {}; another level is REG005 until added to its `enum`",
                distinct.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
            ));
        } else if distinct.len() <= 8 && distinct.len() < values.len() && distinct.iter().all(|w| w.len() <= 40) {
            schema.insert("examples".into(), json!(distinct));
        }
    }
    if !fields.is_empty() {
        x.insert("fields".into(), Value::Object(fields));
    }
    required.dedup();
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{title} row"),
        "description": format!("Inferred by `aimsbook adopt` from {}. Review the x-aimsbook declaration: it says what the columns and words mean to aimsbook's checks.", sources.join(", ")),
        "type": "object",
        "x-aimsbook": Value::Object(x),
        "required": required,
        "properties": Value::Object(properties),
    });
    Inferred { schema, assumptions }
}

fn role_purpose(role: &str) -> &'static str {
    crate::parse::semantics::ROLES.iter().find(|(r, _)| *r == role).map(|(_, p)| *p).unwrap_or("")
}

fn list_or_none(words: &[String]) -> String {
    if words.is_empty() {
        "nothing".into()
    } else {
        words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
    }
}

/// Writes `bytes` to `path` unless something is there already: written to a temporary file in
/// the same folder and hard-linked into place, which fails if the name exists (no race with
/// another writer), then the temporary name is removed. `Ok(false)` when the file existed.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    if path.exists() {
        return Ok(false);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".aimsbook-{}-{name}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// The folder holding the documents: the child of `root` with the most Markdown files that
/// start with front matter (`.` when they lie in the root itself).
fn content_folder(root: &Path) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0 || !(name.starts_with('.') || ["target", "site", "node_modules", "schemas", "snapshots"].contains(&name.as_ref()))
    }) {
        let Ok(e) = entry else { continue };
        if !e.file_type().is_file() || e.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let starts_with_front_matter = std::fs::read_to_string(e.path()).is_ok_and(|t| t.starts_with("---"));
        if !starts_with_front_matter {
            continue;
        }
        let rel = e.path().strip_prefix(root).unwrap_or(e.path());
        let top = match rel.components().count() {
            0 | 1 => ".".to_string(),
            _ => rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_else(|| ".".into()),
        };
        *counts.entry(top).or_insert(0) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(name, n)| (*n, std::cmp::Reverse(name.clone())))
        .map(|(name, _)| name)
        .unwrap_or_else(|| "content".into())
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Adopts the folder at `root`. Errors are for what prevents adoption altogether (an
/// unreadable or invalid existing book.toml, a folder that cannot be written).
pub fn adopt(root: &Path, today: Date) -> Result<Report, String> {
    let mut report = Report::default();
    let mut text = String::new();
    if !root.is_dir() {
        return Err(format!("{} is not a folder", root.display()));
    }
    let book = root.join("book.toml");
    if book.exists() {
        report.kept.push("book.toml".into());
    } else {
        let content = content_folder(root);
        let name = std::path::absolute(root)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "AIMS".into());
        let toml = format!(
            "# Written by `aimsbook adopt`; every key is described in the README (book.toml).\n[book]\ntitle = \"AI Management System\"\norganization = {}\n\n[build]\ncontent = {}\n",
            toml_string(&name),
            toml_string(&content)
        );
        match write_new(&book, toml.as_bytes()) {
            Ok(true) => {
                report.written.push("book.toml".into());
                let _ =
                    writeln!(text, "wrote book.toml (content folder `{content}`: it holds the most documents; set [book] organization)");
            }
            Ok(false) => report.kept.push("book.toml".into()),
            Err(e) => return Err(format!("cannot write {}: {e}", book.display())),
        }
    }
    let loaded = crate::pipeline::load(root, today)
        .map_err(|e| e.0.iter().map(|d| format!("{}:{}: {}", d.file, d.line, d.message)).collect::<Vec<_>>().join("\n"))?;
    let site = &loaded.site;

    // Registers, grouped by the schema their rows are validated against.
    let mut by_schema: BTreeMap<&str, Vec<&DataFile>> = BTreeMap::new();
    for df in &site.data_files {
        by_schema.entry(df.schema.as_str()).or_default().push(df);
    }
    let schemas_dir = root.join("schemas").join("registers");
    let _ = writeln!(text, "\nregisters:");
    for (name, files) in &by_schema {
        let rel = format!("schemas/registers/{name}.schema.json");
        let paths: Vec<&str> = files.iter().map(|f| f.repo_rel.as_str()).collect();
        if root.join(&rel).exists() {
            report.kept.push(rel.clone());
            let _ = writeln!(text, "  {}: {rel} exists, left as it is", paths.join(", "));
            continue;
        }
        let fits_builtin = crate::parse::schemas::EMBEDDED.get_file(format!("registers/{name}.schema.json")).is_some()
            && !loaded.diagnostics.items.iter().any(|d| d.code.as_str().starts_with("REG") && paths.contains(&d.file.as_str()));
        if fits_builtin || files.iter().any(|f| f.list_key == "controls") {
            let _ = writeln!(text, "  {}: the built-in `{name}` schema fits, nothing written", paths.join(", "));
            continue;
        }
        let inferred = infer(name, files);
        let mut bytes = serde_json::to_vec_pretty(&inferred.schema).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        match write_new(&schemas_dir.join(format!("{name}.schema.json")), &bytes) {
            Ok(true) => report.written.push(rel.clone()),
            Ok(false) => {
                report.kept.push(rel.clone());
                continue;
            }
            Err(e) => return Err(format!("cannot write {rel}: {e}")),
        }
        let _ = writeln!(text, "  {} → wrote {rel}; it assumes:", paths.join(", "));
        for a in &inferred.assumptions {
            let _ = writeln!(text, "    - {a}");
        }
    }

    // Documents: what their front matter still lacks.
    let _ = writeln!(text, "\ndocuments:");
    let mut per_file: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for d in &loaded.diagnostics.items {
        if matches!(d.code, Code::DC001 | Code::SRC002 | Code::SRC003 | Code::SRC004 | Code::SRC005) {
            per_file.entry(d.file.as_str()).or_default().push(match d.code {
                Code::DC001 => d.message.trim_start_matches("missing required field ").to_string(),
                _ => format!("{} ({})", d.message, d.code),
            });
        }
    }
    let mut docs: Vec<(&str, &str)> = site.documents.iter().map(|d| (d.repo_rel.as_str(), d.id.as_str())).collect();
    docs.sort();
    for (file, id) in &docs {
        match per_file.remove(file) {
            Some(missing) => {
                let _ = writeln!(text, "  {file} ({id}): missing {}", missing.join(", "));
            }
            None => {
                let _ = writeln!(text, "  {file} ({id}): front matter complete");
            }
        }
    }
    for (file, problems) in per_file {
        let _ = writeln!(text, "  {file}: {}", problems.join("; "));
    }

    // What `check` says now, with the schemas just written.
    let after = crate::pipeline::load(root, today).map_err(|e| e.0.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("\n"))?;
    let mut diags = after.diagnostics;
    diags.finish(&after.site.config.levels, false);
    report.errors_after = diags.errors();
    report.warnings_after = diags.warnings();
    let _ = writeln!(
        text,
        "\n`aimsbook check` now reports {} error(s), {} warning(s){}",
        report.errors_after,
        report.warnings_after,
        if diags.items.is_empty() {
            "."
        } else {
            ": run it to see them; each is a finding to fix in the documents or the reviewed schemas."
        }
    );
    report.text = text;
    Ok(report)
}
