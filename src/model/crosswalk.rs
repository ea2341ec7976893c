//! Crosswalks: other frameworks' catalogs beside ISO/IEC 42001 and mappings between them.
//!
//! `[traceability] frameworks` turns on built-in framework catalogs (each under its own
//! namespace, merged like `[traceability] catalogs`) together with aimsbook's mapping file for
//! it; `[traceability] mappings` adds the repository's own mapping files, whose entries add to
//! the built-in ones or override them (same `from` and `to`; `relationship: none` removes a
//! pair). Each entry relates a 42001 item to a requirement of another framework with a
//! relationship from OSCAL's mapping model and a one-line rationale; each file names its source.
//!
//! A mapping that names an id no loaded catalog has is XWK001; an entry that is not a mapping
//! (a missing field, an unknown relationship) is XWK002.

use crate::config::Config;
use crate::diagnostics::{Code::*, Diagnostic};
use crate::model::catalog::Catalog;
use serde::Serialize;

/// A built-in framework: its catalog and aimsbook's mapping of 42001 to it.
pub(crate) struct Builtin {
    pub(crate) name: &'static str,
    pub(crate) catalog: &'static str,
    pub(crate) mapping_file: &'static str,
    pub(crate) mapping: &'static str,
}

pub(crate) const BUILTIN: &[Builtin] = &[
    Builtin {
        name: "ai-rmf",
        catalog: include_str!("../../catalogs/nist-ai-rmf-1.0.yaml"),
        mapping_file: "mappings/iso42001-nist-ai-rmf.yaml",
        mapping: include_str!("../../mappings/iso42001-nist-ai-rmf.yaml"),
    },
    Builtin {
        name: "ai-act",
        catalog: include_str!("../../catalogs/eu-ai-act.yaml"),
        mapping_file: "mappings/iso42001-eu-ai-act.yaml",
        mapping: include_str!("../../mappings/iso42001-eu-ai-act.yaml"),
    },
    Builtin {
        name: "iso27001",
        catalog: include_str!("../../catalogs/iso-iec-27001-2022.yaml"),
        mapping_file: "mappings/iso42001-iso27001.yaml",
        mapping: include_str!("../../mappings/iso42001-iso27001.yaml"),
    },
];

/// OSCAL's mapping relationships: how the 42001 item relates to the other requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Relationship {
    /// Same scope.
    Equivalent,
    /// The 42001 item covers part of the other requirement.
    Subset,
    /// The 42001 item covers all of it, and more.
    Superset,
    /// They overlap.
    Intersects,
}

impl Relationship {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Relationship::Equivalent => "equivalent",
            Relationship::Subset => "subset",
            Relationship::Superset => "superset",
            Relationship::Intersects => "intersects",
        }
    }
}

/// One resolved mapping: catalog ids as the site uses them ("6.1.4", "ai-act:Art.27").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub(crate) struct Mapping {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) relationship: Relationship,
    pub(crate) rationale: String,
    /// Who says so: the file's `source` ("aimsbook's own reading", a published crosswalk).
    pub(crate) source: String,
    /// The mapping file (repository-relative, or the built-in file's name).
    pub(crate) file: String,
    pub(crate) line: usize,
}

/// Merges the catalog of each framework named in `[traceability] frameworks`.
pub(crate) fn merge_frameworks(catalog: &mut Catalog, config: &Config) -> Result<(), Diagnostic> {
    for name in &config.traceability.frameworks {
        let Some(b) = BUILTIN.iter().find(|b| b.name == name) else {
            return Err(Diagnostic::new(CFG002, "book.toml", 1, format!("[traceability] frameworks names unknown framework `{name}`"))
                .help(format!("built-in frameworks: {}", BUILTIN.iter().map(|b| b.name).collect::<Vec<_>>().join(", "))));
        };
        catalog.merge_text(&format!("built-in catalog {name}"), b.catalog)?;
    }
    Ok(())
}

/// The mappings in force: the built-in files of the enabled frameworks, then the repository's
/// files in order, later entries overriding earlier ones for the same pair.
pub(crate) fn load(config: &Config, catalog: &Catalog) -> Result<(Vec<Mapping>, Vec<Diagnostic>), Diagnostic> {
    let mut files: Vec<(String, String)> = Vec::new();
    for name in &config.traceability.frameworks {
        if let Some(b) = BUILTIN.iter().find(|b| b.name == name) {
            files.push((format!("{} (built in)", b.mapping_file), b.mapping.to_string()));
        }
    }
    for rel in &config.traceability.mappings {
        let text = std::fs::read_to_string(config.root.join(rel)).map_err(|e| {
            Diagnostic::new(CFG002, "book.toml", 1, format!("cannot read mapping file {rel}: {e}"))
                .help("[traceability] mappings lists YAML files relative to the repository root")
        })?;
        files.push((rel.clone(), text));
    }
    let mut out: Vec<Mapping> = Vec::new();
    let mut diags = Vec::new();
    for (file, text) in &files {
        for (entry, removal) in parse_file(file, text, catalog, &mut diags) {
            out.retain(|m| !(m.from == entry.from && m.to == entry.to));
            if !removal {
                out.push(entry);
            }
        }
    }
    // Site order: by the other framework's requirement in catalog order, then the 42001 item.
    let pos = |id: &str| catalog.items.iter().position(|i| i.id == id).unwrap_or(usize::MAX);
    out.sort_by_key(|m| (pos(&m.to), pos(&m.from)));
    Ok((out, diags))
}

/// The entries of one mapping file, each with whether it removes its pair.
fn parse_file(file: &str, text: &str, catalog: &Catalog, diags: &mut Vec<Diagnostic>) -> Vec<(Mapping, bool)> {
    let shown = file.trim_end_matches(" (built in)").to_string();
    let value = match crate::parse::parse_yaml(text, &shown, 1) {
        Ok(v) => v,
        Err(d) => {
            let mut x = Diagnostic::new(XWK002, d.file.clone(), d.line, d.message.clone());
            x.column = d.column;
            x.help = d.help;
            diags.push(x);
            return Vec::new();
        }
    };
    let positions = crate::parse::yaml::Positions::of(text, 1);
    let keys = positions.key_lines(&[]);
    let at = |k: &str| keys.get(k).copied().unwrap_or(1);
    let invalid = |line: usize, msg: String| {
        Diagnostic::new(XWK002, &shown, line, msg).help(
            "a mapping file has `source`, `from: \"42001\"`, `to: NAMESPACE` and `mappings`: a list of {from, to, relationship, rationale}",
        )
    };
    let source = value.get("source").and_then(|v| v.as_str()).map(str::trim).unwrap_or("");
    if source.is_empty() {
        diags.push(invalid(1, "the mapping file does not name its `source`".into()));
        return Vec::new();
    }
    if value.get("from").and_then(|v| v.as_str()) != Some(catalog.namespace.as_str()) {
        diags.push(invalid(at("from"), format!("`from` must be \"{}\": mappings start from ISO/IEC 42001", catalog.namespace)));
        return Vec::new();
    }
    let to_ns = value.get("to").and_then(|v| v.as_str()).unwrap_or("");
    if !catalog.extra.iter().any(|(ns, _)| ns == to_ns) {
        diags.push(
            Diagnostic::new(XWK001, &shown, at("to"), format!("`to: {to_ns}` names no loaded catalog"))
                .help("turn the framework on in [traceability] frameworks, or load its catalog with [traceability] catalogs"),
        );
        return Vec::new();
    }
    let Some(list) = value.get("mappings").and_then(|v| v.as_array()) else {
        diags.push(invalid(at("mappings"), "`mappings` must be a list".into()));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let entry_path = [crate::parse::yaml::Step::from("mappings"), crate::parse::yaml::Step::Index(i)];
        let line = positions.line(&entry_path).unwrap_or(at("mappings"));
        let fields = positions.key_lines(&entry_path);
        let field_line = |k: &str| fields.get(k).copied().unwrap_or(line);
        let get = |k: &str| entry.get(k).and_then(|v| v.as_str()).map(str::trim).unwrap_or("");
        let (from, to, relationship, rationale) = (get("from"), get("to"), get("relationship"), get("rationale"));
        if from.is_empty() || to.is_empty() || relationship.is_empty() {
            diags.push(invalid(line, format!("mapping {} needs `from`, `to` and `relationship`", i + 1)));
            continue;
        }
        let Some(from_item) = catalog.get(from).filter(|it| it.namespace == catalog.namespace && it.is_assessable()) else {
            diags.push(
                Diagnostic::new(XWK001, &shown, field_line("from"), format!("`{from}` is not a requirement or control of ISO/IEC 42001"))
                    .help("map requirements (4.1 … 10.2) and Annex A controls (A.2.2 …)"),
            );
            continue;
        };
        let local_to = to.strip_prefix(&format!("{to_ns}:")).unwrap_or(to);
        let Some(to_item) = catalog.get(&format!("{to_ns}:{local_to}")).filter(|it| it.is_assessable()) else {
            diags.push(
                Diagnostic::new(XWK001, &shown, field_line("to"), format!("`{to}` is not a requirement of the {to_ns} catalog"))
                    .help(if to_ns == "iso27001" {
                        "ISO/IEC 27001:2022 numbers its clauses 4.1 … 10.2 and Annex A controls A.5.1 … A.8.34; the 2013 edition's A.6 … A.18 ids were renumbered".to_string()
                    } else {
                        format!("the ids of {to_ns} are listed on the clause matrix and in api/clauses.json")
                    }),
            );
            continue;
        };
        let relationship = match relationship {
            "equivalent" => Some(Relationship::Equivalent),
            "subset" => Some(Relationship::Subset),
            "superset" => Some(Relationship::Superset),
            "intersects" => Some(Relationship::Intersects),
            "none" => None,
            other => {
                diags.push(invalid(
                    field_line("relationship"),
                    format!("relationship `{other}` is not one of equivalent, subset, superset, intersects (or none to remove a mapping)"),
                ));
                continue;
            }
        };
        if relationship.is_some() && rationale.is_empty() {
            diags.push(invalid(line, format!("the mapping of {from} to {to} has no `rationale`")));
            continue;
        }
        out.push((
            Mapping {
                from: from_item.id.clone(),
                to: to_item.id.clone(),
                relationship: relationship.unwrap_or(Relationship::Intersects),
                rationale: rationale.to_string(),
                source: source.to_string(),
                file: file.to_string(),
                line,
            },
            relationship.is_none(),
        ));
    }
    out
}

/// The mappings touching an item: as the 42001 side or as the other framework's side.
pub(crate) fn of<'a>(mappings: &'a [Mapping], id: &'a str) -> impl Iterator<Item = &'a Mapping> + 'a {
    mappings.iter().filter(move |m| m.from == id || m.to == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_mappings_name_only_known_ids() {
        let mut catalog = Catalog::iso42001();
        let mut config = crate::config::parse("[book]\ntitle = \"T\"\n", std::path::Path::new(".")).unwrap();
        config.traceability.frameworks = BUILTIN.iter().map(|b| b.name.to_string()).collect();
        merge_frameworks(&mut catalog, &config).unwrap();
        let (mappings, diags) = load(&config, &catalog).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        assert!(mappings.len() > 50);
        assert_eq!(catalog.items.iter().filter(|i| i.namespace == "ai-rmf" && i.is_assessable()).count(), 19 + 72);
        let sub = catalog.get("ai-rmf:MANAGE-4.3").unwrap();
        assert_eq!(sub.parent.as_deref(), Some("ai-rmf:MANAGE-4"));
        assert!(sub.description.starts_with("Incidents and errors are communicated to relevant AI actors"));
        let m = mappings.iter().find(|m| m.from == "6.1.4" && m.to == "ai-rmf:MAP-5").unwrap();
        assert_eq!(m.relationship, Relationship::Equivalent);
        assert_eq!(m.source, "aimsbook's own reading");
        // Every top-level requirement of the AI frameworks has at least one 42001 item mapped to
        // it; of ISO/IEC 27001, every clause requirement.
        let controls_27001 =
            catalog.items.iter().filter(|i| i.namespace == "iso27001" && i.kind == crate::model::catalog::ItemKind::Control).count();
        assert_eq!(controls_27001, 93);
        assert_eq!(catalog.items.iter().filter(|i| i.namespace == "iso27001" && i.is_assessable()).count(), 93 + 30);
        for id in ["iso27001:A.5.1", "iso27001:A.5.37", "iso27001:A.6.8", "iso27001:A.7.14", "iso27001:A.8.34"] {
            let theme = &id[..id.rfind('.').unwrap()];
            assert!(catalog.get(id).is_some_and(|i| i.parent.as_deref() == Some(theme)), "{id} under {theme}");
        }
        let m = mappings.iter().find(|m| m.from == "A.6.2.8" && m.to == "iso27001:A.8.15").unwrap();
        assert_eq!((m.relationship, m.source.as_str()), (Relationship::Subset, "aimsbook's own reading"));
        for item in catalog.items.iter().filter(|i| i.namespace != "42001" && i.is_assessable()) {
            // 27001 controls without a 42001 counterpart, and AI RMF subcategories (their
            // category is mapped), may stay unmapped.
            let under_requirement = item.parent.as_deref().and_then(|p| catalog.get(p)).is_some_and(|p| p.is_assessable());
            if (item.namespace == "iso27001" && item.kind == crate::model::catalog::ItemKind::Control) || under_requirement {
                continue;
            }
            assert!(mappings.iter().any(|m| m.to == item.id), "{} has no mapping", item.id);
        }
    }
}
