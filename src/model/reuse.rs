//! What `serve` keeps of the last model so that the next one re-derives only what an edit can
//! change: where links go, which documents address which clause, and the traceability.
//!
//! A link's destination depends on the linking document and on the "link world": every
//! document's id, path, type, data file and heading anchors, the published files, the
//! withheld documents and the catalog's ids. While the world is unchanged, a document whose
//! parse result is the very same (`Arc::ptr_eq`: the parse cache hands out the same `Arc` for
//! an unchanged file) keeps its resolved links; only edited documents are resolved again.
//! The traceability follows from the documents' front matter, the data files, the catalog and
//! the date, never from a body: a body-only edit keeps it.

use super::{Destination, LinkError, Site};
use crate::model::trace::Trace;
use crate::parse::document::Document;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A document's links, resolved (same order as `Document::links`).
pub(crate) type Resolved = Arc<Vec<Result<Destination, LinkError>>>;

/// The derived state of the last model, kept between `serve` rebuilds.
#[derive(Default)]
pub(crate) struct Previous {
    documents: Vec<Arc<Document>>,
    /// Per document: its part of the link world ([`doc_world`]).
    doc_worlds: Vec<u64>,
    world: u64,
    resolved: Vec<Resolved>,
    link_keys: Vec<u64>,
    clause_docs: BTreeMap<String, Vec<usize>>,
    /// The data files' texts, by path, and the date the traceability was computed for.
    data_texts: Vec<(String, Arc<str>)>,
    today: Option<jiff::civil::Date>,
    trace: Option<Trace>,
}

impl Previous {
    /// What the next rebuild may reuse of `site`.
    pub(crate) fn of(site: &Site, doc_worlds: Vec<u64>, world: u64) -> Previous {
        Previous {
            documents: site.documents.clone(),
            doc_worlds,
            world,
            resolved: site.resolved.clone(),
            link_keys: site.link_keys.clone(),
            clause_docs: site.clause_docs.clone(),
            data_texts: data_texts(site),
            today: Some(site.today),
            trace: Some(site.trace.clone()),
        }
    }
}

fn data_texts(site: &Site) -> Vec<(String, Arc<str>)> {
    site.data_files.iter().map(|df| (df.rel.clone(), df.text.clone())).collect()
}

/// The part of the link world one document contributes: what a link to it can resolve to.
fn doc_world(d: &Document) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (&d.id, &d.rel, &d.doc_type, &d.data).hash(&mut h);
    for heading in &d.headings {
        heading.slug.hash(&mut h);
    }
    h.finish()
}

/// What the last model can give this one, decided per document.
pub(crate) struct Reusable<'p> {
    pub(crate) doc_worlds: Vec<u64>,
    pub(crate) world: u64,
    /// The last model, when its link world is this one's.
    previous: Option<&'p Previous>,
    /// Per document: whether it is the very same parse result as last time.
    same: Vec<bool>,
}

impl<'p> Reusable<'p> {
    /// Nothing to reuse (a build): every link is resolved, the traceability computed.
    pub(crate) fn nothing() -> Reusable<'static> {
        Reusable { doc_worlds: Vec::new(), world: 0, previous: None, same: Vec::new() }
    }

    pub(crate) fn new(site: &Site, previous: Option<&'p Previous>) -> Reusable<'p> {
        let aligned = previous.filter(|p| p.documents.len() == site.documents.len());
        let same: Vec<bool> = match aligned {
            Some(p) => site.documents.iter().zip(&p.documents).map(|(a, b)| Arc::ptr_eq(a, b)).collect(),
            None => vec![false; site.documents.len()],
        };
        let doc_worlds: Vec<u64> = site
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| match aligned {
                Some(p) if same[i] => p.doc_worlds[i],
                _ => doc_world(d),
            })
            .collect();
        let mut h = std::hash::DefaultHasher::new();
        doc_worlds.hash(&mut h);
        (&site.assets, &site.withheld_ids, &site.withheld_paths).hash(&mut h);
        // Files that failed to parse: references to them are not reported again, and the ids
        // they claim are known.
        (&site.unparsed, &site.unparsed_ids).hash(&mut h);
        for item in &site.catalog.items {
            item.id.hash(&mut h);
        }
        let world = h.finish();
        let previous = aligned.filter(|p| p.world == world);
        Reusable { doc_worlds, world, previous, same }
    }

    /// The previous resolved links and link key of document `i`, when they still hold.
    pub(crate) fn links(&self, i: usize) -> Option<(&Resolved, u64)> {
        let p = self.previous?;
        if !self.same.get(i).copied().unwrap_or(false) {
            return None;
        }
        Some((p.resolved.get(i)?, *p.link_keys.get(i)?))
    }

    /// The previous clause index, when no changed document names other clauses.
    pub(crate) fn clause_docs(&self, site: &Site) -> Option<BTreeMap<String, Vec<usize>>> {
        let p = self.previous?;
        let unchanged = self.same.iter().enumerate().all(|(i, &same)| same || site.documents[i].clauses == p.documents[i].clauses);
        unchanged.then(|| p.clause_docs.clone())
    }

    /// Whether everything derived from front matter is as the last model had it: the link
    /// world (which document is where), every changed document's front matter, the data files
    /// and the date. The traceability, the retention rules and the checks of an unchanged
    /// document against the others follow from these (and the configuration and catalogs,
    /// whose change drops the last model altogether).
    pub(crate) fn fronts_unchanged(&self, site: &Site) -> bool {
        let Some(p) = self.previous else { return false };
        let fronts = self.same.iter().enumerate().all(|(i, &same)| same || site.documents[i].front_hash == p.documents[i].front_hash);
        let data = p.data_texts.len() == site.data_files.len()
            && p.data_texts.iter().zip(&site.data_files).all(|((rel, text), df)| rel == &df.rel && Arc::ptr_eq(text, &df.text));
        fronts && data && p.today == Some(site.today)
    }

    /// The previous traceability, when nothing it follows from changed.
    pub(crate) fn trace(&self, site: &Site) -> Option<Trace> {
        if self.fronts_unchanged(site) {
            self.previous.and_then(|p| p.trace.clone())
        } else {
            None
        }
    }
}
