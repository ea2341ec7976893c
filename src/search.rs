//! Render stage, search: builds the full-text search index over documents, clauses and
//! controls, and register rows. The index is delivered as a script (`static/search-index.js`)
//! rather than fetched JSON, so search works from file:// as well as over http.

use crate::model;
use crate::render::Page;
use crate::site::Site;
use serde::Serialize;
use std::sync::Arc;

/// Longest body text kept per document: enough for snippets and word search, bounded so the
/// index stays proportional to the repository.
const MAX_TEXT: usize = 20_000;

#[derive(Serialize)]
struct Entry {
    /// id
    i: String,
    /// title
    t: String,
    /// kind: document type, "clause", "control" or "row"
    k: String,
    /// url relative to the site root
    u: String,
    /// text searched and quoted in snippets
    x: String,
}

fn truncate(s: String) -> String {
    if s.len() <= MAX_TEXT {
        return s;
    }
    let mut end = MAX_TEXT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// Serialised index entries of documents kept between rebuilds by `serve`, by document id,
/// with the hash of the text they were made from.
pub type EntryCache = std::sync::Mutex<std::collections::HashMap<String, (u64, Arc<str>)>>;

/// One entry as escaped JSON: `<` as \u003c so the index stays inert even if a theme inlines
/// it in a <script> element, U+2028/2029 so older JavaScript parsers accept it.
fn entry_json(e: &Entry) -> String {
    serde_json::to_string(e)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

pub fn index(site: &Site) -> Vec<u8> {
    index_cached(site, None)
}

/// As [`index`], reusing the entries of unchanged documents from `cache`.
pub fn index_cached(site: &Site, cache: Option<&EntryCache>) -> Vec<u8> {
    let mut parts: Vec<Arc<str>> = Vec::with_capacity(site.documents.len());
    let mut cached = cache.and_then(|c| c.lock().ok());
    for (i, d) in site.documents.iter().enumerate() {
        if site.by_id.get(&d.id) != Some(&i) {
            continue;
        }
        if let Some((_, json)) = cached.as_ref().and_then(|m| m.get(&d.id)).filter(|(k, _)| *k == d.source_hash) {
            parts.push(json.clone());
            continue;
        }
        let json: Arc<str> = entry_json(&Entry {
            i: d.id.clone(),
            t: d.title.clone(),
            k: d.doc_type.clone(),
            u: d.url(),
            x: truncate(format!("{} {}", d.plain, d.owner)),
        })
        .into();
        if let Some(m) = cached.as_mut() {
            m.insert(d.id.clone(), (d.source_hash, json.clone()));
        }
        parts.push(json);
    }
    drop(cached);
    let mut entries = Vec::new();
    for item in &site.catalog.items {
        let k = match item.kind {
            crate::catalog::ItemKind::Control => "control",
            crate::catalog::ItemKind::Group | crate::catalog::ItemKind::Objective => "group",
            _ => "clause",
        };
        let x = [item.description.as_str(), item.objective.as_deref().unwrap_or(""), item.guidance.as_deref().unwrap_or("")].join(" ");
        entries.push(Entry {
            i: item.id.clone(),
            t: item.title.clone(),
            k: k.into(),
            u: model::clause_url(&item.id),
            x: x.trim().to_string(),
        });
    }
    for df in &site.data_files {
        let Some(doc) = site.doc_for_data(&df.rel) else { continue };
        if df.list_key == "controls" {
            continue;
        }
        for row in &df.rows {
            let Some(id) = row.id() else { continue };
            let title =
                ["title", "name", "course", "description"].iter().find_map(|k| row.str(k)).unwrap_or("").chars().take(160).collect();
            let x = df.columns.iter().map(|c| row.text(c)).collect::<Vec<_>>().join(" ");
            entries.push(Entry {
                i: id.to_string(),
                t: title,
                k: format!("row of {}", doc.id),
                u: format!("{}#row-{}", doc.url(), model::slug(id)),
                x: truncate(x),
            });
        }
    }
    parts.extend(entries.iter().map(|e| Arc::from(entry_json(e))));
    // One buffer of the final size: the index is megabytes, and `serve` rebuilds it per edit.
    const HEAD: &str = "window.AIMSBOOK_SEARCH_INDEX=[";
    const TAIL: &str = "];\n";
    let mut out = String::with_capacity(HEAD.len() + TAIL.len() + parts.iter().map(|p| p.len() + 1).sum::<usize>());
    out.push_str(HEAD);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(part);
    }
    out.push_str(TAIL);
    out.into_bytes()
}

pub fn index_page_cached(site: &Site, cache: Option<&EntryCache>) -> Page {
    Page { path: "static/search-index.js".into(), bytes: index_cached(site, cache).into() }
}

pub fn index_page(site: &Site) -> Page {
    Page { path: "static/search-index.js".into(), bytes: index(site).into() }
}
