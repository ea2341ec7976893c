//! OSCAL 1.1 export (`aimsbook export oscal --out DIR`): the ISO/IEC 42001 catalog, a profile
//! selecting what applies, and a system security plan carrying the Statement of Applicability,
//! as OSCAL JSON that GRC platforms import.
//!
//! - `catalog.json`: every identifier and short title of the built-in catalog (no text of the
//!   standard, as on the site). Clauses, Annex A groups and objectives become groups;
//!   requirements and controls become controls. OSCAL ids are tokens that must not start with a
//!   digit, so ids are lower-cased with `.` → `-`, and clause ids get a `clause-` prefix
//!   (`6.1.4` → `clause-6-1-4`, `A.2.2` → `a-2-2`); the original id is the `label` prop.
//! - `profile.json`: imports `catalog.json` and includes every requirement of clauses 4–10
//!   (they always apply) and every Annex A control the SoA marks applicable.
//! - `ssp.json`: imports `profile.json`; one implemented requirement per SoA entry (first entry
//!   of a control, as everywhere) with the implementation status (on the `this-system`
//!   component), the justification as remarks, and the implementing documents and evidence as
//!   links to back-matter resources whose `rlinks` point at the document pages (relative to the
//!   published site's root).
//!
//! UUIDs are version 5, derived from what they identify (the catalog id; the organisation and
//! the SoA entry or document id), so exporting twice gives the same bytes and a re-export
//! diffs cleanly. `last-modified` is `--today` at 00:00 UTC.

use crate::model::catalog::{CatalogItem, ItemKind};
use crate::model::Site;
use crate::parse::document::Document;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

pub(crate) const OSCAL_VERSION: &str = "1.1.2";
pub(crate) const CATALOG_FILE: &str = "catalog.json";
pub(crate) const PROFILE_FILE: &str = "profile.json";
pub(crate) const SSP_FILE: &str = "ssp.json";
/// Namespace of aimsbook's own props (coverage status, document id, version, status).
pub(crate) const PROP_NS: &str = "urn:aimsbook:oscal";

/// The OSCAL control or group id of a catalog id: a token that does not start with a digit.
pub(crate) fn control_id(id: &str) -> String {
    let local: String =
        id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c.to_ascii_lowercase() } else { '-' }).collect();
    if local.starts_with(|c: char| c.is_ascii_alphabetic()) {
        local
    } else {
        format!("clause-{local}")
    }
}

/// A name-based (version 5) UUID: the same `what` always gives the same UUID.
fn uuid_for(what: &str) -> String {
    let root = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:aimsbook:oscal");
    Uuid::new_v5(&root, what.as_bytes()).to_string()
}

fn metadata(site: &Site, title: String, version: &str, extra: Value) -> Value {
    let mut m = json!({
        "title": title,
        "last-modified": format!("{}T00:00:00Z", site.today),
        "version": version,
        "oscal-version": OSCAL_VERSION,
    });
    if let (Some(m), Value::Object(extra)) = (m.as_object_mut(), extra) {
        m.extend(extra);
    }
    m
}

fn prop(name: &str, value: &str) -> Value {
    json!({"name": name, "value": value})
}

fn own_prop(name: &str, value: &str) -> Value {
    json!({"name": name, "ns": PROP_NS, "value": value})
}

/// OSCAL rejects empty strings in most places: free text falls back to a plain sentence.
fn text_or(s: &str, fallback: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        fallback.to_string()
    } else {
        t.to_string()
    }
}

fn control_of(site: &Site, item: &CatalogItem) -> Value {
    let cid = control_id(&item.id);
    let mut parts = vec![json!({"id": format!("{cid}_smt"), "name": "statement", "prose": text_or(&item.description, &item.title)})];
    if let Some(g) = item.guidance.as_deref().filter(|g| !g.trim().is_empty()) {
        parts.push(json!({"id": format!("{cid}_gdn"), "name": "guidance", "prose": g.trim()}));
    }
    let mut control = json!({
        "id": cid,
        "class": format!("{:?}", item.kind).to_lowercase(),
        "title": item.title,
        "props": [prop("label", &item.id), prop("sort-id", &sort_id(&item.id))],
        "parts": parts,
    });
    let children: Vec<Value> = site.catalog.children(&item.id).map(|c| control_of(site, c)).collect();
    if !children.is_empty() {
        control["controls"] = Value::Array(children);
    }
    control
}

/// An id whose numbers are zero-padded, so that a plain text sort puts A.10 after A.9.
fn sort_id(id: &str) -> String {
    id.split('.')
        .map(|p| if p.chars().all(|c| c.is_ascii_digit()) { format!("{p:0>3}") } else { p.to_ascii_lowercase() })
        .collect::<Vec<_>>()
        .join(".")
}

fn group_of(site: &Site, item: &CatalogItem) -> Value {
    let cid = control_id(&item.id);
    let mut parts = Vec::new();
    if !item.description.trim().is_empty() {
        parts.push(json!({"id": format!("{cid}_ovw"), "name": "overview", "prose": item.description.trim()}));
    }
    if let Some(o) = item.objective.as_deref().filter(|o| !o.trim().is_empty()) {
        parts.push(json!({"id": format!("{cid}_obj"), "name": "objective", "prose": o.trim()}));
    }
    let mut group = json!({
        "id": cid,
        "class": format!("{:?}", item.kind).to_lowercase(),
        "title": item.title,
        "props": [prop("label", &item.id), prop("sort-id", &sort_id(&item.id))],
    });
    if !parts.is_empty() {
        group["parts"] = Value::Array(parts);
    }
    // An OSCAL group holds either groups or controls, not both: where a clause has
    // requirements and sub-clauses side by side (6 has 6.1 beside 6.2), the sub-clause becomes a
    // control of its own class ("clause") that holds its requirements as child controls.
    let children: Vec<&CatalogItem> = site.catalog.children(&item.id).collect();
    if children.iter().any(|c| c.is_assessable()) {
        group["controls"] = Value::Array(children.iter().map(|c| control_of(site, c)).collect());
    } else if !children.is_empty() {
        group["groups"] = Value::Array(children.iter().map(|c| group_of(site, c)).collect());
    }
    group
}

/// Items of the built-in catalog (extra catalogs have their own namespaces and are not exported).
fn own_items(site: &Site) -> impl Iterator<Item = &CatalogItem> {
    site.catalog.items.iter().filter(move |i| i.namespace == site.catalog.namespace)
}

pub(crate) fn catalog(site: &Site) -> Value {
    let c = &site.catalog;
    let (mut groups, mut controls) = (Vec::new(), Vec::new());
    for item in own_items(site).filter(|i| i.parent.is_none()) {
        if item.is_assessable() {
            controls.push(control_of(site, item));
        } else {
            groups.push(group_of(site, item));
        }
    }
    let mut cat = json!({
        "uuid": uuid_for(&format!("catalog\0{}", c.id)),
        "metadata": metadata(site, c.title.clone(), &c.id, json!({
            "remarks": "Identifiers and short titles of the standard with descriptions written for aimsbook; it contains no text of the standard.",
        })),
        "groups": groups,
    });
    if !controls.is_empty() {
        cat["controls"] = Value::Array(controls);
    }
    json!({ "catalog": cat })
}

fn organization(site: &Site) -> String {
    text_or(&site.config.book.organization, &text_or(&site.config.book.title, "the organisation"))
}

fn party(site: &Site) -> Value {
    json!([{ "uuid": uuid_for(&format!("party\0{}", organization(site))), "type": "organization", "name": organization(site) }])
}

/// The first SoA entry of each control of the built-in catalog, in SoA order.
fn soa_entries(site: &Site) -> Vec<(&CatalogItem, &crate::model::trace::SoaEntry)> {
    let mut seen = BTreeSet::new();
    site.trace
        .soa
        .iter()
        .filter_map(|e| {
            let item = site.catalog.get(&e.control).filter(|i| i.kind == ItemKind::Control && i.namespace == site.catalog.namespace)?;
            seen.insert(item.id.clone()).then_some((item, e))
        })
        .collect()
}

fn soa_version(site: &Site) -> String {
    site.trace.soa_doc.map(|i| site.documents[i].version_text.clone()).filter(|v| !v.is_empty()).unwrap_or_else(|| "0.0".into())
}

pub(crate) fn profile(site: &Site) -> Value {
    let mut ids: Vec<String> = own_items(site).filter(|i| i.kind == ItemKind::Requirement).map(|i| control_id(&i.id)).collect();
    ids.extend(soa_entries(site).into_iter().filter(|(_, e)| e.applicable == Some(true)).map(|(i, _)| control_id(&i.id)));
    let org = organization(site);
    json!({ "profile": {
        "uuid": uuid_for(&format!("profile\0{org}")),
        "metadata": metadata(site, format!("{org}: applicable ISO/IEC 42001 requirements and controls"), &soa_version(site), json!({
            "parties": party(site),
            "remarks": "Every requirement of clauses 4 to 10, and the Annex A controls the Statement of Applicability marks applicable.",
        })),
        "imports": [{ "href": CATALOG_FILE, "include-controls": [{ "with-ids": ids }] }],
        "merge": { "as-is": true },
    }})
}

/// OSCAL's implementation states: implemented, partial, planned, alternative, not-applicable.
fn implementation_state(e: &crate::model::trace::SoaEntry) -> Option<&'static str> {
    if e.applicable == Some(false) {
        return Some("not-applicable");
    }
    match e.implementation.trim() {
        "implemented" => Some("implemented"),
        "partial" => Some("partial"),
        "planned" => Some("planned"),
        "alternative" => Some("alternative"),
        "not-applicable" => Some("not-applicable"),
        _ => None,
    }
}

/// The OSCAL resource `type` of a document, where OSCAL has a word for it.
fn resource_type(d: &Document) -> &'static str {
    match d.doc_type.as_str() {
        "policy" => "policy",
        "procedure" => "procedure",
        "plan" => "plan",
        t if crate::parse::document::is_evidence_type(t) => "evidence",
        _ => "artifact",
    }
}

fn document_uuid(org: &str, id: &str) -> String {
    uuid_for(&format!("document\0{org}\0{id}"))
}

pub(crate) fn ssp(site: &Site) -> Value {
    let org = organization(site);
    let component = uuid_for(&format!("component\0{org}\0this-system"));
    let entries = soa_entries(site);
    let mut referenced: BTreeMap<&str, &Document> = BTreeMap::new();
    let mut requirements = Vec::new();
    for (item, e) in &entries {
        let state = implementation_state(e);
        let mut links = Vec::new();
        for (ids, rel) in [(&e.documents, "reference"), (&e.evidence, "evidence")] {
            for id in ids {
                if let Some(d) = site.doc(id) {
                    referenced.insert(&d.id, d);
                    links.push(
                        json!({ "href": format!("#{}", document_uuid(&org, &d.id)), "rel": rel, "text": format!("{} {}", d.id, d.title) }),
                    );
                }
            }
        }
        let justification = e.justification.trim();
        let mut remarks = text_or(justification, "The Statement of Applicability gives no justification.");
        if !e.target_date.trim().is_empty() {
            remarks.push_str(&format!("\n\nTarget date: {}.", e.target_date.trim()));
        }
        if !e.notes.trim().is_empty() {
            remarks.push_str(&format!("\n\n{}", e.notes.trim()));
        }
        let mut props = vec![own_prop("applicable", if e.applicable == Some(false) { "no" } else { "yes" })];
        if let Some(status) = site.trace.status_of(&item.id) {
            props.push(own_prop("coverage-status", status.as_str()));
        }
        let mut by_component = json!({
            "component-uuid": component,
            "uuid": uuid_for(&format!("by-component\0{org}\0{}", item.id)),
            "description": text_or(justification, &format!("{} {}", item.id, item.title)),
        });
        if let Some(state) = state {
            by_component["implementation-status"] = json!({ "state": state });
        }
        let mut req = json!({
            "uuid": uuid_for(&format!("implemented-requirement\0{org}\0{}", item.id)),
            "control-id": control_id(&item.id),
            "props": props,
            "by-components": [by_component],
            "remarks": remarks,
        });
        if !links.is_empty() {
            req["links"] = Value::Array(links);
        }
        requirements.push(req);
    }
    let resources: Vec<Value> = referenced
        .values()
        .map(|d| {
            let mut props = vec![
                prop("type", resource_type(d)),
                own_prop("document-id", &d.id),
                own_prop("document-type", &d.doc_type),
                own_prop("status", d.status.as_str()),
            ];
            if !d.version_text.is_empty() {
                props.push(own_prop("version", &d.version_text));
            }
            json!({
                "uuid": document_uuid(&org, &d.id),
                "title": format!("{} {}", d.id, d.title),
                "props": props,
                "rlinks": [{ "href": d.url(), "media-type": "text/html" }],
            })
        })
        .collect();
    let soa_doc = site.trace.soa_doc.map(|i| &site.documents[i]);
    let soa_name = soa_doc.map(|d| format!("{} {} version {}", d.id, d.title, d.version_text)).unwrap_or_default();
    let scope = site.documents.iter().find(|d| d.doc_type == "scope" && !d.status.is_obsolete());
    let title = text_or(&site.config.book.title, "AI Management System");
    let mut plan = json!({
        "uuid": uuid_for(&format!("ssp\0{org}")),
        "metadata": metadata(site, format!("{org}: {title}"), &soa_version(site), json!({ "parties": party(site) })),
        "import-profile": { "href": PROFILE_FILE },
        "system-characteristics": {
            "system-ids": [{ "identifier-type": "https://ietf.org/rfc/rfc4122", "id": uuid_for(&format!("system\0{org}")) }],
            "system-name": title,
            "description": text_or(&site.config.book.description, &format!("The ISO/IEC 42001 AI management system of {org}.")),
            "system-information": { "information-types": [{
                "uuid": uuid_for(&format!("information-type\0{org}")),
                "title": "AI management system documented information",
                "description": "Policies, procedures, registers, impact assessments and records of the AI management system.",
            }]},
            "status": { "state": "operational" },
            "authorization-boundary": { "description": match scope {
                Some(d) => format!("The scope of the AI management system as determined in {} {} (version {}).", d.id, d.title, d.version_text),
                None => "The scope of the AI management system.".to_string(),
            }},
        },
        "system-implementation": {
            "components": [{
                "uuid": component,
                "type": "this-system",
                "title": title,
                "description": format!("The AI management system of {org}."),
                "status": { "state": "operational" },
            }],
        },
        "control-implementation": {
            "description": format!("The Statement of Applicability {soa_name}: one implemented requirement per Annex A control, with its applicability, justification, implementation status, implementing documents and evidence."),
            "implemented-requirements": requirements,
        },
    });
    if !resources.is_empty() {
        plan["back-matter"] = json!({ "resources": resources });
    }
    json!({ "system-security-plan": plan })
}

/// The three files, by name. The site must have a Statement of Applicability.
pub fn files(site: &Site) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    if site.trace.soa_doc.is_none() {
        return Err("this repository has no Statement of Applicability (a current document of type soa with a data file)".into());
    }
    let bytes = |v: Value| {
        let mut b = serde_json::to_vec_pretty(&v).unwrap_or_default();
        b.push(b'\n');
        b
    };
    Ok(vec![(CATALOG_FILE, bytes(catalog(site))), (PROFILE_FILE, bytes(profile(site))), (SSP_FILE, bytes(ssp(site)))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_ids_are_tokens_that_do_not_start_with_a_digit() {
        assert_eq!(control_id("A.2.2"), "a-2-2");
        assert_eq!(control_id("A.10.4"), "a-10-4");
        assert_eq!(control_id("6.1.4"), "clause-6-1-4");
        assert_eq!(control_id("4"), "clause-4");
        assert_eq!(sort_id("A.10.4"), "a.010.004");
    }

    #[test]
    fn uuids_are_stable_version_5() {
        let a = uuid_for("catalog\0x");
        assert_eq!(a, uuid_for("catalog\0x"));
        assert_ne!(a, uuid_for("catalog\0y"));
        assert_eq!(a.as_bytes()[14], b'5');
    }
}
