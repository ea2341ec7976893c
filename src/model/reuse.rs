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
use crate::support::hash::Map;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A document's links, resolved (same order as `Document::links`).
pub(crate) type Resolved = Arc<Vec<Result<Destination, LinkError>>>;

/// The derived state of the last model, kept between `serve` rebuilds.
#[derive(Default)]
pub(crate) struct Previous {
    documents: Arc<Vec<Arc<Document>>>,
    /// Per document: its part of the link world ([`doc_world`]).
    doc_worlds: Vec<u64>,
    world: u64,
    files: u64,
    resolved: Vec<Resolved>,
    link_keys: Vec<u64>,
    backlinks: Arc<Vec<Vec<usize>>>,
    clause_docs: BTreeMap<String, Vec<usize>>,
    /// The data files' texts, by path, and the date the traceability was computed for.
    data_texts: Vec<(String, Arc<str>)>,
    today: Option<jiff::civil::Date>,
    trace: Option<Trace>,
    pub(crate) fronts_generation: u64,
    indexes: Indexes,
    unparsed_ids: BTreeMap<String, String>,
}

/// The site's indexes by id and path, its data-file owners, id families and paged documents.
pub(crate) type Indexes =
    (Arc<Map<String, usize>>, Arc<Map<String, usize>>, Arc<Map<String, usize>>, Arc<std::collections::BTreeSet<String>>, Arc<Vec<usize>>);

/// A generation number never handed out before in this process.
pub(crate) fn new_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Previous {
    /// What the next rebuild may reuse of `site`.
    pub(crate) fn of(site: &Site, reusable: Reusable) -> Previous {
        Previous {
            documents: site.documents.clone(),
            doc_worlds: reusable.doc_worlds,
            world: reusable.world,
            files: reusable.files,
            resolved: site.resolved.clone(),
            link_keys: site.link_keys.clone(),
            backlinks: site.backlinks.clone(),
            clause_docs: site.clause_docs.clone(),
            data_texts: data_texts(site),
            today: Some(site.today),
            trace: Some(site.trace.clone()),
            fronts_generation: site.fronts_generation.unwrap_or_else(new_generation),
            indexes: (site.by_id.clone(), site.by_rel.clone(), site.data_owner.clone(), site.id_families.clone(), site.paged.clone()),
            unparsed_ids: site.unparsed_ids.clone(),
        }
    }

    /// The last model's indexes, when `documents` (sorted) are the same documents in the same
    /// places — each the very same parse result, or one with the same id, path and data file —
    /// and the same ids are claimed by files that failed to parse (the known ids follow).
    pub(crate) fn indexes(&self, documents: &[Arc<Document>], unparsed_ids: &BTreeMap<String, String>) -> Option<Indexes> {
        let same = documents.len() == self.documents.len()
            && documents
                .iter()
                .zip(self.documents.iter())
                .all(|(a, b)| Arc::ptr_eq(a, b) || (a.id == b.id && a.rel == b.rel && a.data == b.data))
            && unparsed_ids == &self.unparsed_ids;
        same.then(|| self.indexes.clone())
    }
}

fn data_texts(site: &Site) -> Vec<(String, Arc<str>)> {
    site.data_files.iter().map(|df| (df.rel.clone(), df.text.clone())).collect()
}

/// The part of the link world one document contributes: what a link to it can resolve to.
fn doc_world(d: &Document) -> u64 {
    let mut h = crate::support::hash::hasher();
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
    /// Fingerprint of the published, withheld and unparsed files.
    pub(crate) files: u64,
    /// The last model, when it has as many documents as this one.
    aligned: Option<&'p Previous>,
    /// The last model, when its link world is this one's.
    previous: Option<&'p Previous>,
    /// Per document: whether it is the very same parse result as last time.
    same: Vec<bool>,
}

impl<'p> Reusable<'p> {
    /// Nothing to reuse (a build): every link is resolved, the traceability computed.
    pub(crate) fn nothing() -> Reusable<'static> {
        Reusable { doc_worlds: Vec::new(), world: 0, files: 0, aligned: None, previous: None, same: Vec::new() }
    }

    pub(crate) fn new(site: &Site, previous: Option<&'p Previous>) -> Reusable<'p> {
        let aligned = previous.filter(|p| p.documents.len() == site.documents.len());
        let same: Vec<bool> = match aligned {
            Some(p) => site.documents.iter().zip(p.documents.iter()).map(|(a, b)| Arc::ptr_eq(a, b)).collect(),
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
        // Published files, withheld documents, and files that failed to parse (references to
        // them are not reported again, and the ids they claim are known).
        let files = crate::support::hash::fingerprint(&(
            &site.assets,
            &site.withheld_ids,
            &site.withheld_paths,
            &site.unparsed,
            &site.unparsed_ids,
        ));
        let mut h = crate::support::hash::hasher();
        (&doc_worlds, files).hash(&mut h);
        for item in &site.catalog.items {
            item.id.hash(&mut h);
        }
        let world = h.finish();
        let previous = aligned.filter(|p| p.world == world);
        Reusable { doc_worlds, world, files, aligned, previous, same }
    }

    /// The previous resolved links and link key of document `i`, when they still hold.
    pub(crate) fn links(&self, i: usize) -> Option<(&Resolved, u64)> {
        let p = self.previous?;
        if !self.same.get(i).copied().unwrap_or(false) {
            return None;
        }
        Some((p.resolved.get(i)?, *p.link_keys.get(i)?))
    }

    /// The previous backlinks, when the link graph has the same edges: the link world is the
    /// same (so are ids and places), and every document is the very same parse result, or one
    /// whose links go to the same documents and which names the same related and source
    /// documents (a body edit that keeps its links).
    pub(crate) fn backlinks(&self, site: &Site, resolved: &[Resolved]) -> Option<Arc<Vec<Vec<usize>>>> {
        let p = self.previous?;
        fn targets(links: &[Result<Destination, LinkError>]) -> impl Iterator<Item = usize> + '_ {
            links.iter().filter_map(|r| match r {
                Ok(Destination::Document { index, .. }) => Some(*index),
                _ => None,
            })
        }
        let same_edges = self.same.iter().enumerate().all(|(i, &same)| {
            same || {
                let (now, then) = (&site.documents[i], &p.documents[i]);
                now.related == then.related && now.derived_from == then.derived_from && targets(&resolved[i]).eq(targets(&p.resolved[i]))
            }
        });
        same_edges.then(|| p.backlinks.clone())
    }

    /// Whether every link resolves as it did in the last model: the link world is the same.
    pub(crate) fn links_unchanged(&self) -> bool {
        self.previous.is_some()
    }

    /// The previous clause index, when each position holds a document naming the same clauses.
    pub(crate) fn clause_docs(&self, site: &Site) -> Option<BTreeMap<String, Vec<usize>>> {
        let p = self.aligned?;
        let unchanged = self.same.iter().enumerate().all(|(i, &same)| same || site.documents[i].clauses == p.documents[i].clauses);
        unchanged.then(|| p.clause_docs.clone())
    }

    /// Whether everything derived from front matter is as the last model had it: the same
    /// documents at the same places (paths), each with the same front matter, the same
    /// published and unparsed files, data files and date. The traceability, the retention
    /// rules and the documents' control fields follow from these (and from the configuration
    /// and catalogs, whose change drops the last model altogether). A body edit — a new
    /// heading included — leaves them unchanged.
    pub(crate) fn fronts_unchanged(&self, site: &Site) -> bool {
        let Some(p) = self.aligned else { return false };
        let fronts = self.same.iter().enumerate().all(|(i, &same)| {
            let (now, then) = (&site.documents[i], &p.documents[i]);
            same || (now.front_hash == then.front_hash && now.rel == then.rel)
        });
        let data = p.data_texts.len() == site.data_files.len()
            && p.data_texts.iter().zip(&site.data_files).all(|((rel, text), df)| rel == &df.rel && Arc::ptr_eq(text, &df.text));
        fronts && data && p.files == self.files && p.today == Some(site.today)
    }

    /// The previous traceability, when nothing it follows from changed.
    pub(crate) fn trace(&self, site: &Site) -> Option<Trace> {
        if self.fronts_unchanged(site) {
            self.aligned.and_then(|p| p.trace.clone())
        } else {
            None
        }
    }
}
