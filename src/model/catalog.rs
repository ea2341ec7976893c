//! Catalog stage: loads the clause and control catalog (ISO/IEC 42001:2023, embedded in the
//! binary) into plain data with an index by id.
//!
//! Ids are looked up as written ("6.1.4", "A.5.2"); a namespace prefix ("42001:A.5.2") selects
//! a catalog explicitly, and the default namespace is 42001.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const EMBEDDED_42001: &str = include_str!("../../catalogs/iso-iec-42001-2023.yaml");
const EMBEDDED_42001_DE: &str = include_str!("../../catalogs/iso-iec-42001-2023.de.yaml");
const EMBEDDED_42001_FR: &str = include_str!("../../catalogs/iso-iec-42001-2023.fr.yaml");

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ItemKind {
    Clause,
    Requirement,
    Group,
    Objective,
    Control,
}

#[derive(Debug, Clone, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogItem {
    pub(crate) id: String,
    pub(crate) kind: ItemKind,
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) parent: Option<String>,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) objective: Option<String>,
    #[serde(default)]
    pub(crate) guidance: Option<String>,
    #[serde(default)]
    pub(crate) documented: bool,
    /// Namespace of the catalog the item comes from ("42001" for the built-in one).
    #[serde(default)]
    pub(crate) namespace: String,
}

impl CatalogItem {
    /// Requirements and controls are what an auditor assesses; headings and groups only organise them.
    pub(crate) fn is_assessable(&self) -> bool {
        matches!(self.kind, ItemKind::Requirement | ItemKind::Control)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MandatoryDocument {
    pub(crate) key: String,
    pub(crate) clause: String,
    pub(crate) title: String,
    pub(crate) types: Vec<String>,
    pub(crate) evidence: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Catalog {
    pub(crate) id: String,
    pub(crate) namespace: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) items: Vec<CatalogItem>,
    #[serde(default)]
    pub(crate) mandatory_documents: Vec<MandatoryDocument>,
    #[serde(skip)]
    index: BTreeMap<String, usize>,
    /// Extra catalogs merged in: (namespace, title).
    #[serde(skip)]
    pub(crate) extra: Vec<(String, String)>,
    /// Crosswalk mappings from 42001 items to the extra catalogs' requirements (see [`crate::model::crosswalk`]).
    #[serde(skip)]
    pub(crate) mappings: Vec<crate::model::crosswalk::Mapping>,
}

impl Catalog {
    /// The embedded ISO/IEC 42001:2023 catalog.
    pub(crate) fn iso42001() -> Catalog {
        // The embedded catalog is part of the binary and covered by a unit test, so a parse
        // failure here is a build defect, not a user error.
        let mut c: Catalog = serde_saphyr::from_str(EMBEDDED_42001).expect("embedded catalog is valid YAML");
        let ns = c.namespace.clone();
        for item in &mut c.items {
            item.namespace = ns.clone();
        }
        c.reindex();
        c
    }

    /// The 42001 titles (and, where written, descriptions, objectives and guidance) in a
    /// language with an overlay beside the catalog (`catalogs/iso-iec-42001-2023.<lang>.yaml`,
    /// built in; aimsbook's own words, never the standard's text). A field the overlay leaves
    /// out stays English, as do items it does not name.
    pub(crate) fn localize(&mut self, lang: &str) {
        #[derive(Deserialize)]
        struct Overlay {
            items: BTreeMap<String, OverlayItem>,
            mandatory: BTreeMap<String, OverlayMandatory>,
        }
        #[derive(Deserialize)]
        struct OverlayMandatory {
            title: String,
            evidence: String,
        }
        #[derive(Deserialize)]
        struct OverlayItem {
            title: String,
            description: Option<String>,
            objective: Option<String>,
            guidance: Option<String>,
        }
        let text = match lang {
            "de" => EMBEDDED_42001_DE,
            "fr" => EMBEDDED_42001_FR,
            _ => return,
        };
        // Built in and covered by a unit test, like the catalog itself.
        let Ok(overlay) = serde_saphyr::from_str::<Overlay>(text) else { return };
        for item in &mut self.items {
            if item.namespace != self.namespace {
                continue;
            }
            if let Some(o) = overlay.items.get(&item.id) {
                item.title = o.title.clone();
                if let Some(d) = &o.description {
                    item.description = d.clone();
                }
                // Like the description: replaced only where the overlay gives one.
                if o.objective.is_some() {
                    item.objective = o.objective.clone();
                }
                if o.guidance.is_some() {
                    item.guidance = o.guidance.clone();
                }
            }
        }
        for m in &mut self.mandatory_documents {
            if let Some(o) = overlay.mandatory.get(&m.key) {
                m.title = o.title.clone();
                m.evidence = o.evidence.clone();
            }
        }
    }

    /// Loads a repository catalog (same format) and merges it under its own namespace: its ids
    /// become "NS:ID" so "A.5.2" of two frameworks never collide.
    pub(crate) fn merge_file(&mut self, repo_root: &std::path::Path, rel: &str) -> Result<(), crate::diagnostics::Diagnostic> {
        use crate::diagnostics::{Code::*, Diagnostic};
        let text = std::fs::read_to_string(repo_root.join(rel)).map_err(|e| {
            Diagnostic::new(CFG002, "book.toml", 1, format!("cannot read catalog {rel}: {e}"))
                .help("[traceability] catalogs lists YAML files relative to the repository root")
        })?;
        self.merge_text(rel, &text)
    }

    /// Merges a catalog given as text (`rel` names it in diagnostics); see [`Catalog::merge_file`].
    pub(crate) fn merge_text(&mut self, rel: &str, text: &str) -> Result<(), crate::diagnostics::Diagnostic> {
        use crate::diagnostics::{Code::*, Diagnostic};
        let other: Catalog = serde_saphyr::from_str(text).map_err(|e| {
            let line = e.location().map(|l| l.line() as usize).unwrap_or(1);
            Diagnostic::new(CFG002, rel, line, format!("invalid catalog: {}", e.without_snippet().to_string().lines().next().unwrap_or("")))
                .help("a catalog has id, namespace, title, description and items (see catalogs/iso-iec-42001-2023.yaml)")
        })?;
        let ns = other.namespace.trim().to_string();
        if ns.is_empty() || ns == self.namespace || self.extra.iter().any(|(n, _)| n == &ns) || ns.contains([':', '/']) {
            return Err(Diagnostic::new(CFG002, rel, 1, format!("catalog namespace `{ns}` is empty, invalid or already used"))
                .help("give each catalog a unique namespace, e.g. \"27001\""));
        }
        self.extra.push((ns.clone(), other.title.clone()));
        for mut item in other.items {
            item.id = format!("{ns}:{}", item.id);
            item.parent = item.parent.map(|p| format!("{ns}:{p}"));
            item.namespace = ns.clone();
            self.items.push(item);
        }
        self.reindex();
        Ok(())
    }

    fn reindex(&mut self) {
        self.index = self.items.iter().enumerate().map(|(i, it)| (it.id.clone(), i)).collect();
    }

    /// Resolves "A.5.2" or "42001:A.5.2".
    pub(crate) fn get(&self, id: &str) -> Option<&CatalogItem> {
        let local = match id.split_once(':') {
            Some((ns, rest)) if ns == self.namespace => rest,
            _ => id,
        };
        self.index.get(local).map(|i| &self.items[*i])
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Requirements of clauses 4–10 and Annex A controls, in catalog order.
    pub(crate) fn assessable(&self) -> impl Iterator<Item = &CatalogItem> {
        self.items.iter().filter(|i| i.is_assessable())
    }

    pub(crate) fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a CatalogItem> + 'a {
        self.items.iter().filter(move |i| i.parent.as_deref() == Some(id))
    }

    /// Text of an id with its namespace stripped.
    pub(crate) fn local_id<'a>(&self, id: &'a str) -> &'a str {
        id.split_once(':').map(|(_, r)| r).unwrap_or(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_is_complete() {
        let c = Catalog::iso42001();
        let reqs = c.items.iter().filter(|i| i.kind == ItemKind::Requirement).count();
        let controls = c.items.iter().filter(|i| i.kind == ItemKind::Control).count();
        assert_eq!(reqs, 32);
        assert_eq!(controls, 38);
        assert_eq!(c.mandatory_documents.len(), 15);
        assert_eq!(c.get("A.6.2.8").unwrap().title, "AI system recording of event logs");
        assert!(c.get("42001:6.1.4").is_some());
        assert!(c.get("27001:A.5.2").is_none());
        assert!(c.items.iter().all(|i| i.namespace == "42001"));
        assert!(c.get("A.1.1").is_none());
        for item in &c.items {
            if let Some(p) = &item.parent {
                assert!(c.get(p).is_some(), "parent {p} of {}", item.id);
            }
        }
    }

    #[test]
    fn the_overlays_title_every_item_in_german_and_french() {
        for (lang, text) in [("de", EMBEDDED_42001_DE), ("fr", EMBEDDED_42001_FR)] {
            let c = Catalog::iso42001();
            let named: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("  \"")?.strip_suffix("\":")).collect();
            let ids: Vec<&str> = c.items.iter().map(|i| i.id.as_str()).collect();
            assert_eq!(named, ids, "{lang}: one entry per item, in catalog order");
        }
        let mut de = Catalog::iso42001();
        de.localize("de");
        let english = Catalog::iso42001();
        for (m, e) in de.mandatory_documents.iter().zip(&english.mandatory_documents) {
            assert!(m.title != e.title && m.evidence != e.evidence, "no German for the mandatory {}", m.key);
        }
        assert_eq!(de.get("9.1").unwrap().title, "Überwachung, Messung, Analyse und Bewertung");
    }

    #[test]
    fn the_overlays_describe_every_described_item_in_german_and_french() {
        let english = Catalog::iso42001();
        for lang in ["de", "fr"] {
            let mut c = Catalog::iso42001();
            c.localize(lang);
            let mut described = 0;
            for (item, en) in c.items.iter().zip(&english.items) {
                assert_eq!(item.id, en.id);
                if en.description.trim().is_empty() {
                    continue;
                }
                described += 1;
                assert!(!item.description.trim().is_empty(), "{lang}: no description for {}", item.id);
                assert_ne!(item.description, en.description, "{lang}: the description of {} is still English", item.id);
            }
            assert_eq!(described, 90, "{lang}: every item but the objectives A.6.1 and A.6.2 has a description");
        }
        let mut fr = Catalog::iso42001();
        fr.localize("fr");
        assert!(fr.get("6.1.3").unwrap().description.contains("Déclaration d'applicabilité"));
    }

    #[test]
    fn the_overlays_translate_every_objective_and_guidance_in_german_and_french() {
        let english = Catalog::iso42001();
        for lang in ["de", "fr"] {
            let mut c = Catalog::iso42001();
            c.localize(lang);
            let (mut objectives, mut guidance) = (0, 0);
            for (item, en) in c.items.iter().zip(&english.items) {
                assert_eq!(item.id, en.id);
                for (name, ours, theirs, count) in [
                    ("objective", &item.objective, &en.objective, &mut objectives),
                    ("guidance", &item.guidance, &en.guidance, &mut guidance),
                ] {
                    let Some(theirs) = theirs else {
                        assert!(ours.is_none(), "{lang}: {} has a {name} the English catalog lacks", item.id);
                        continue;
                    };
                    *count += 1;
                    let ours = ours.as_deref().unwrap_or_default();
                    assert!(!ours.trim().is_empty(), "{lang}: no {name} for {}", item.id);
                    assert_ne!(ours, theirs, "{lang}: the {name} of {} is still English", item.id);
                }
            }
            assert_eq!((objectives, guidance), (11, 38), "{lang}: every objective and guidance");
        }
        let mut de = Catalog::iso42001();
        de.localize("de");
        assert!(de.get("A.6.2.8").unwrap().guidance.as_deref().unwrap().starts_with("Legen Sie fest, was protokolliert wird"));
        assert!(de.get("A.5").unwrap().objective.as_deref().unwrap().contains("Gesellschaft"));
    }
}
