//! Crosswalk views: the mapped requirements listed on each clause page, one coverage page per
//! mapped framework (`crosswalk/<namespace>.html`: for each of its requirements, the 42001 items
//! that map to it with their status) and the same as an exported table.

use crate::diagnostics::Diagnostic;
use crate::model::crosswalk::Mapping;
use crate::model::table::Table;
use crate::model::Site;
use crate::parse::document;
use crate::render::{v, Page, Renderer};
use minijinja::context;
use serde::Serialize;

/// The other side of a mapping, as a clause page lists it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MappedRef {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) url: String,
    pub(crate) namespace: String,
    /// The traceability status of the other item (gap … evidenced), "" when none.
    pub(crate) status: &'static str,
    pub(crate) relationship: &'static str,
    pub(crate) rationale: String,
    pub(crate) source: String,
}

fn mapped_ref(site: &Site, other: &str, m: &Mapping) -> MappedRef {
    let item = site.catalog.get(other);
    MappedRef {
        id: other.to_string(),
        title: item.map(|i| i.title.clone()).unwrap_or_default(),
        url: document::clause_url(other),
        namespace: item.map(|i| i.namespace.clone()).unwrap_or_default(),
        status: site.trace.status_of(other).map(|s| s.as_str()).unwrap_or(""),
        relationship: m.relationship.as_str(),
        rationale: m.rationale.clone(),
        source: m.source.clone(),
    }
}

/// What an item maps to (for a 42001 item) or from (for another framework's requirement).
pub(crate) fn mapped(site: &Site, id: &str) -> Vec<MappedRef> {
    crate::model::crosswalk::of(&site.catalog.mappings, id)
        .map(|m| mapped_ref(site, if m.from == id { &m.to } else { &m.from }, m))
        .collect()
}

/// The extra catalogs that 42001 is mapped to: (namespace, title), in catalog order.
pub fn mapped_frameworks(site: &Site) -> Vec<(String, String)> {
    site.catalog.extra.iter().filter(|(ns, _)| site.catalog.mappings.iter().any(|m| m.to.starts_with(&format!("{ns}:")))).cloned().collect()
}

pub(crate) fn page_path(namespace: &str) -> String {
    format!("crosswalk/{}.html", document::slug(namespace))
}

/// Status order for "how far the 42001 evidence carries": excluded counts as nothing.
fn rank(status: &str) -> u8 {
    match status {
        "evidenced" => 4,
        "implemented" => 3,
        "addressed" => 2,
        "gap" => 1,
        _ => 0,
    }
}

#[derive(Debug, Clone, Serialize)]
struct Row {
    id: String,
    title: String,
    url: String,
    mapped: Vec<MappedRef>,
    /// The best status among the mapped 42001 items ("" when nothing maps to it).
    best: &'static str,
    /// Whether a mapping with that best status covers the requirement fully (equivalent or superset).
    full: bool,
    /// The requirement this one sits under, when that is a requirement too (an AI RMF
    /// subcategory under its category); such rows follow their parent's row.
    parent: Option<String>,
    /// The best status comes from the requirements under this one, not from its own mappings.
    via_children: bool,
}

fn rows(site: &Site, namespace: &str) -> Vec<Row> {
    let best_of = |mapped: &[MappedRef]| mapped.iter().map(|m| m.status).max_by_key(|s| rank(s)).filter(|s| rank(s) > 0).unwrap_or("");
    let items: Vec<_> = site.catalog.items.iter().filter(|i| i.namespace == namespace && i.is_assessable()).collect();
    let own: Vec<Vec<MappedRef>> = items.iter().map(|item| mapped(site, &item.id)).collect();
    items
        .iter()
        .zip(&own)
        .map(|(item, mapped)| {
            let parent = item.parent.clone().filter(|p| site.catalog.get(p).is_some_and(|p| p.is_assessable()));
            // A requirement with requirements under it (an AI RMF category) is carried at least
            // as far as the best of them, but only its own mappings can carry all of it.
            let own_best = best_of(mapped);
            let children_best = items
                .iter()
                .zip(&own)
                .filter(|(c, _)| c.parent.as_deref() == Some(item.id.as_str()))
                .map(|(_, m)| best_of(m))
                .max_by_key(|s| rank(s))
                .unwrap_or("");
            let (best, via_children) = if rank(children_best) > rank(own_best) { (children_best, true) } else { (own_best, false) };
            let full = !via_children && mapped.iter().any(|m| m.status == best && matches!(m.relationship, "equivalent" | "superset"));
            Row {
                id: item.id.clone(),
                title: item.title.clone(),
                url: document::clause_url(&item.id),
                mapped: mapped.clone(),
                best,
                full,
                parent,
                via_children,
            }
        })
        .collect()
}

/// The sources of the mappings into `namespace`, each with the files that say so.
fn sources(site: &Site, namespace: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for m in site.catalog.mappings.iter().filter(|m| m.to.starts_with(&format!("{namespace}:"))) {
        match out.iter_mut().find(|(s, _)| s == &m.source) {
            Some((_, files)) if files.contains(&m.file) => {}
            Some((_, files)) => files.push(m.file.clone()),
            None => out.push((m.source.clone(), vec![m.file.clone()])),
        }
    }
    out
}

pub(crate) fn coverage_page(r: &Renderer, namespace: &str, title: &str) -> Result<Page, Diagnostic> {
    let site = r.site;
    let rows = rows(site, namespace);
    let mut counts = std::collections::BTreeMap::new();
    for key in ["evidenced", "implemented", "addressed", "gap", "unmapped"] {
        counts.insert(key, 0usize);
    }
    // The summary counts the framework's top-level requirements (AI RMF categories, not their
    // subcategories), each once.
    for row in rows.iter().filter(|r| r.parent.is_none()) {
        *counts.entry(if row.best.is_empty() { "unmapped" } else { row.best }).or_default() += 1;
    }
    let sources: Vec<_> = sources(site, namespace).into_iter().map(|(s, f)| context! { source => s, files => f }).collect();
    r.page(
        &page_path(namespace),
        "crosswalk.html",
        context! {
            title => r.site.messages.get("crosswalk-title", &[("framework", title.to_string().into())]).unwrap_or_default(),
            framework => title,
            namespace => namespace,
            rows => v(rows),
            counts => v(counts),
            sources => sources,
            download => format!("downloads/crosswalk-{}", document::slug(namespace)),
        },
    )
}

/// Column headers of [`table`].
pub(crate) const COLUMNS: [&str; 8] =
    ["Requirement", "Title", "42001 item", "42001 title", "42001 status", "Relationship", "Rationale", "Source"];

/// The crosswalk to `namespace` as a table: one row per mapping, in the page's order, and one
/// row with empty mapping cells for each requirement nothing maps to.
pub fn table(site: &Site, namespace: &str) -> Table {
    let mut out = Vec::new();
    for row in rows(site, namespace) {
        if row.mapped.is_empty() {
            out.push(vec![
                row.id.clone(),
                row.title.clone(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for m in &row.mapped {
            out.push(vec![
                row.id.clone(),
                row.title.clone(),
                m.id.clone(),
                m.title.clone(),
                m.status.to_string(),
                m.relationship.to_string(),
                m.rationale.clone(),
                m.source.clone(),
            ]);
        }
    }
    let title = site.catalog.extra.iter().find(|(ns, _)| ns == namespace).map(|(_, t)| t.clone()).unwrap_or_else(|| namespace.to_string());
    Table {
        name: format!("Crosswalk {title}"),
        columns: crate::model::table::columns_in(site, &COLUMNS),
        rows: out,
        kinds: Vec::new(),
        organization: site.config.book.organization.clone(),
        paper: site.config.pdf.paper,
    }
}
