//! Model assembly: turns the parsed documents, the catalog and the configuration into one
//! [`Site`] — indexes by id and path, the link graph (backlinks) and the clause index — and
//! answers the one question both checks and renderers ask: where does this link go?

pub(crate) mod approval;
pub mod audience;
pub(crate) mod catalog;
pub(crate) mod crosswalk;
pub mod retention;
pub(crate) mod reuse;
pub(crate) mod review;
pub(crate) mod snapshot;
pub mod table;
pub(crate) mod trace;

use crate::config::Config;
use crate::model::catalog::Catalog;
use crate::model::trace::Trace;
use crate::parse::data::DataFile;
use crate::parse::document::{Document, LinkTarget, Status};
use crate::support::hash::Map;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

pub struct Site {
    pub config: Config,
    pub(crate) catalog: Catalog,
    pub(crate) today: Date,
    /// Documents sorted by id, then path.
    /// Shared with the parse cache of `serve`, so a rebuild does not copy unchanged documents.
    pub documents: Arc<Vec<Arc<Document>>>,
    /// Indexes by id (the first document of each id) and by path: shared with the last model
    /// of `serve` while the documents, their ids and paths, are the same.
    pub(crate) by_id: Arc<Map<String, usize>>,
    pub(crate) by_rel: Arc<Map<String, usize>>,
    /// The documents that have a page: the first of each id, in index order (with duplicate
    /// ids the build fails, but the others are still shown).
    pub(crate) paged: Arc<Vec<usize>>,
    /// Ids claimed by any file, including files whose front matter failed to parse.
    pub(crate) known_ids: Arc<BTreeSet<String>>,
    /// Content-relative paths of Markdown and data files that could not be parsed (their own
    /// errors are reported; references to them are not reported again).
    pub(crate) unparsed: BTreeSet<String>,
    /// The ids claimed by documents that could not be parsed, by content-relative path (the
    /// preview shows their diagnostics where their page would be).
    pub(crate) unparsed_ids: BTreeMap<String, String>,
    /// Content-relative paths of non-document files (images, PDFs), published under files/.
    pub assets: BTreeSet<String>,
    /// Per document (same index as `documents`): a fingerprint of where each of its links goes
    /// (target index and anchor, or the error). A document's rendered body depends on its own
    /// text, on this and on the targets' ids, paths and titles (which the overview key of
    /// `render` covers); `serve` uses it to know when another document's change (a renamed
    /// heading, a deleted file) alters this one's page.
    pub(crate) link_keys: Vec<u64>,
    /// Per document and per link (same order as `Document::links`): where the link goes,
    /// resolved once while indexing the links, and reused by the checks.
    pub(crate) resolved: Vec<reuse::Resolved>,
    /// Per document (same index as `documents`): the documents linking to it (body links,
    /// `related` and `derived_from`), in id order, each once.
    /// Shared with the last model of `serve` while no edge of the link graph changed.
    pub(crate) backlinks: Arc<Vec<Vec<usize>>>,
    /// Catalog id → indices of documents naming it in `clauses`.
    pub(crate) clause_docs: BTreeMap<String, Vec<usize>>,
    /// Parsed YAML data files (registers, SoA), sorted by path.
    pub(crate) data_files: Vec<Arc<DataFile>>,
    pub(crate) data_by_rel: Map<String, usize>,
    /// Data file path → index of the first document (by id) that names it in `data:`.
    pub(crate) data_owner: Arc<Map<String, usize>>,
    /// Clause-to-evidence traceability, computed from everything above.
    pub trace: Trace,
    /// Commits touching each file, when the repository is a git repository.
    pub(crate) git: Arc<crate::source::git::GitInfo>,
    /// Id families of the repository's documents: each id without its final number
    /// (`GOV-POL-01` → `GOV-POL-`). A mention in such a family that names no document is LNK006.
    pub(crate) id_families: Arc<BTreeSet<String>>,
    /// In an edition (`--audience`): the ids of the documents it does not publish, and the
    /// content paths of those documents and of the data files they own (path → id). A link to
    /// one resolves to [`Destination::Withheld`].
    pub(crate) withheld_ids: BTreeSet<String>,
    pub(crate) withheld_paths: BTreeMap<String, String>,
    /// The edition these pages are (`None`: the complete site).
    pub(crate) edition: Option<crate::model::audience::Edition>,
    /// The interface messages in `[book] language` (src/i18n.rs).
    pub(crate) messages: Arc<crate::i18n::Messages>,
    /// In `serve`: identifies everything derived from front matter — the documents' control
    /// fields, the traceability, the retention rules — for as long as it stays unchanged (see
    /// [`reuse::Reusable::fronts_unchanged`]); a new value whenever it may have changed. `None`
    /// in a build, which keeps nothing.
    pub(crate) fronts_generation: Option<u64>,
}

/// The family of an id: the id without its final number, when that leaves a prefix ending in
/// a separator (`GOV-POL-01` → `GOV-POL-`, `R-07` → `R-`); `None` otherwise.
pub(crate) fn id_family(id: &str) -> Option<&str> {
    let prefix = id.trim_end_matches(|c: char| c.is_ascii_digit());
    (prefix.len() < id.len() && prefix.len() > 1 && prefix.ends_with(['-', '_', '.'])).then_some(prefix)
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Destination {
    Document {
        index: usize,
        anchor: Option<String>,
    },
    Clause(String),
    Asset(String),
    External(String),
    SelfAnchor(String),
    /// A document this edition does not publish, by id (see [`crate::model::audience`]).
    Withheld(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum LinkError {
    MissingFile { path: String, outside: bool },
    UnknownId(String),
    UnknownClause(String),
    MissingAnchor { anchor: String, target: String },
    Unsafe(String),
}

/// Joins a relative link path to the linking document's folder; `None` when it climbs out of
/// the content folder.
pub(crate) fn join_relative(from_rel: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = if link.starts_with('/') { Vec::new() } else { from_rel.split('/').collect::<Vec<_>>() };
    if !link.starts_with('/') {
        parts.pop();
    }
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// What a new model shares with the last one `serve` made ([`Site::new_after`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Unchanged {
    /// Everything derived from front matter ([`reuse::Reusable::fronts_unchanged`]).
    pub(crate) fronts: bool,
    /// Where every link goes (the link world).
    pub(crate) links: bool,
}

/// What a site is made of: the configuration and catalog, the build date, what the content
/// folder parsed into (and what it could not), the git history and the interface messages.
pub(crate) struct Parts {
    pub(crate) config: Config,
    pub(crate) catalog: Catalog,
    pub(crate) today: Date,
    pub(crate) documents: Vec<Arc<Document>>,
    pub(crate) known_ids: Arc<BTreeSet<String>>,
    pub(crate) assets: BTreeSet<String>,
    pub(crate) data_files: Vec<Arc<DataFile>>,
    pub(crate) unparsed: BTreeSet<String>,
    pub(crate) unparsed_ids: BTreeMap<String, String>,
    pub(crate) git: Arc<crate::source::git::GitInfo>,
    pub(crate) messages: Arc<crate::i18n::Messages>,
}

impl Site {
    /// The site of these parts, indexed: every link resolved and the traceability computed,
    /// with everything it could depend on already in place.
    pub(crate) fn new(parts: Parts) -> Site {
        let mut site = Site::assemble(parts);
        site.index();
        site
    }

    /// [`new`](Self::new) for `serve`: reuses what the last model (`previous`) still holds
    /// (see [`reuse`]), and returns what the next rebuild may reuse of this one.
    /// Also says what is unchanged since `previous`.
    pub(crate) fn new_after(parts: Parts, previous: Option<&reuse::Previous>) -> (Site, reuse::Previous, Unchanged) {
        let mut site = Site::assemble_after(parts, previous);
        let reusable = reuse::Reusable::new(&site, previous);
        site.index_with(&reusable);
        let unchanged = Unchanged { fronts: reusable.fronts_unchanged(&site), links: reusable.links_unchanged() };
        site.fronts_generation = Some(match previous {
            Some(p) if unchanged.fronts => p.fronts_generation,
            _ => reuse::new_generation(),
        });
        let next = reuse::Previous::of(&site, reusable);
        (site, next, unchanged)
    }

    /// The site's parts sorted and indexed by id and path, before links and traceability are
    /// computed ([`index`](Self::index)).
    pub(crate) fn assemble(parts: Parts) -> Site {
        Site::assemble_after(parts, None)
    }

    /// [`assemble`](Self::assemble), sharing the indexes of the last model `serve` made when
    /// they still hold: the same documents (ids, paths, data files) in the same order, and the
    /// same ids claimed by files that failed to parse.
    fn assemble_after(parts: Parts, previous: Option<&reuse::Previous>) -> Site {
        let Parts { config, catalog, today, mut documents, known_ids, assets, mut data_files, unparsed, unparsed_ids, git, messages } =
            parts;
        let timer = crate::support::timer::Timer::new();
        data_files.sort_by(|a, b| a.rel.cmp(&b.rel));
        let data_by_rel = data_files.iter().enumerate().map(|(i, d)| (d.rel.clone(), i)).collect();
        documents.sort_by(|a, b| (&a.id, &a.rel).cmp(&(&b.id, &b.rel)));
        let (by_id, by_rel, data_owner, id_families, paged) = match previous.and_then(|p| p.indexes(&documents, &unparsed_ids)) {
            Some(indexes) => indexes,
            None => {
                let mut by_id = Map::with_capacity_and_hasher(documents.len(), Default::default());
                let mut by_rel = Map::with_capacity_and_hasher(documents.len(), Default::default());
                let mut data_owner = Map::default();
                let mut paged = Vec::with_capacity(documents.len());
                for (i, d) in documents.iter().enumerate() {
                    if let std::collections::hash_map::Entry::Vacant(first) = by_id.entry(d.id.clone()) {
                        first.insert(i);
                        paged.push(i);
                    }
                    by_rel.insert(d.rel.clone(), i);
                    if let Some(rel) = d.data.as_deref().and_then(|p| join_relative(&d.rel, p)) {
                        data_owner.entry(rel).or_insert(i);
                    }
                }
                let id_families: BTreeSet<String> =
                    known_ids.iter().chain(documents.iter().map(|d| &d.id)).filter_map(|id| id_family(id)).map(String::from).collect();
                (Arc::new(by_id), Arc::new(by_rel), Arc::new(data_owner), Arc::new(id_families), Arc::new(paged))
            }
        };
        timer.lap("  sort and index");
        Site {
            config,
            catalog,
            today,
            documents: Arc::new(documents),
            by_id,
            by_rel,
            paged,
            known_ids,
            unparsed,
            unparsed_ids,
            assets,
            link_keys: Vec::new(),
            resolved: Vec::new(),
            backlinks: Arc::default(),
            clause_docs: BTreeMap::new(),
            data_files,
            data_by_rel,
            data_owner,
            trace: Trace::default(),
            git,
            id_families,
            withheld_ids: BTreeSet::new(),
            withheld_paths: BTreeMap::new(),
            edition: None,
            messages,
            fronts_generation: None,
        }
    }

    /// Resolves every link and computes the traceability.
    pub(crate) fn index(&mut self) {
        self.index_with(&reuse::Reusable::nothing());
    }

    fn index_with(&mut self, reusable: &reuse::Reusable) {
        let timer = crate::support::timer::Timer::new();
        self.index_links(reusable);
        timer.lap("  links");
        self.trace = match reusable.trace(self) {
            Some(trace) => trace,
            None => crate::model::trace::compute(self),
        };
        timer.lap("  trace");
    }

    fn index_links(&mut self, reusable: &reuse::Reusable) {
        // The first document of each id: documents are sorted by id, so repeats are adjacent.
        let mut first_of_id = Vec::with_capacity(self.documents.len());
        for (i, d) in self.documents.iter().enumerate() {
            let first = match i.checked_sub(1) {
                Some(prev) if self.documents[prev].id == d.id => first_of_id[prev],
                _ => i,
            };
            first_of_id.push(first);
        }
        let mut link_keys = Vec::with_capacity(self.documents.len());
        let mut all_resolved = Vec::with_capacity(self.documents.len());
        for (i, d) in self.documents.iter().enumerate() {
            if let Some((resolved, key)) = reusable.links(i) {
                all_resolved.push(resolved.clone());
                link_keys.push(key);
                continue;
            }
            let mut key = crate::support::hash::hasher();
            let mut doc_resolved = Vec::with_capacity(d.links.len());
            for link in &d.links {
                let resolved = self.resolve(d, &link.target);
                match &resolved {
                    // The target by its index: which document sits at an index, with which
                    // path and title, is part of the overview key that every user of
                    // `link_keys` combines it with (hashing the strings here cost more than
                    // resolving the links).
                    Ok(Destination::Document { index, anchor }) => (0u8, index, anchor).hash(&mut key),
                    other => (1u8, other).hash(&mut key),
                }
                doc_resolved.push(resolved);
            }
            link_keys.push(key.finish());
            all_resolved.push(Arc::new(doc_resolved));
        }
        let clause_docs = match reusable.clause_docs(self) {
            Some(clause_docs) => clause_docs,
            None => self.clause_index(),
        };
        if let Some(backlinks) = reusable.backlinks(self, &all_resolved) {
            self.backlinks = backlinks;
            self.clause_docs = clause_docs;
            self.link_keys = link_keys;
            self.resolved = all_resolved;
            return;
        }
        // (target, source) pairs, targets by the first document of their id.
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (i, d) in self.documents.iter().enumerate() {
            for resolved in all_resolved[i].iter() {
                if let Ok(Destination::Document { index, .. }) = resolved {
                    if first_of_id[*index] != first_of_id[i] {
                        pairs.push((first_of_id[*index], i));
                    }
                }
            }
            for r in d.related.iter().chain(&d.derived_from) {
                if r != &d.id {
                    pairs.extend(self.by_id.get(r).map(|&t| (t, i)));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut backlinks = vec![Vec::new(); self.documents.len()];
        for (t, source) in pairs {
            let list: &mut Vec<usize> = &mut backlinks[t];
            // Documents are sorted by id, so a repeated id (an error of its own) is adjacent.
            if list.last().is_none_or(|&last| first_of_id[last] != first_of_id[source]) {
                list.push(source);
            }
        }
        self.backlinks = Arc::new(backlinks);
        self.clause_docs = clause_docs;
        self.link_keys = link_keys;
        self.resolved = all_resolved;
    }

    /// Catalog id → indices of the documents naming it in `clauses`, in index order.
    fn clause_index(&self) -> BTreeMap<String, Vec<usize>> {
        let mut clause_docs: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, d) in self.documents.iter().enumerate() {
            for c in &d.clauses {
                if let Some(item) = self.catalog.get(c) {
                    // Documents come in index order, so a repeat can only be the last entry
                    // (`contains` made this quadratic in the documents per clause).
                    match clause_docs.get_mut(&item.id) {
                        Some(ids) if ids.last() != Some(&i) => ids.push(i),
                        Some(_) => {}
                        None => {
                            clause_docs.insert(item.id.clone(), vec![i]);
                        }
                    }
                }
            }
        }
        clause_docs
    }

    /// Content-relative path of a document's `data:` file, `None` when it climbs out of the tree.
    pub(crate) fn data_rel_for(&self, d: &Document) -> Option<String> {
        d.data.as_deref().and_then(|p| join_relative(&d.rel, p))
    }

    /// The data file a document governs.
    pub(crate) fn data_for_doc(&self, d: &Document) -> Option<&DataFile> {
        self.data_rel_for(d).and_then(|rel| self.data_by_rel.get(&rel)).map(|i| &*self.data_files[*i])
    }

    /// The document that claims a data file (by `data:`), first by id.
    pub(crate) fn doc_for_data(&self, rel: &str) -> Option<&Document> {
        self.data_owner.get(rel).map(|&i| &*self.documents[i])
    }

    /// Rows of the AI system inventory (every data file whose schema declares `kind: systems`), by id.
    pub(crate) fn systems(&self) -> BTreeMap<&str, &crate::parse::data::Row> {
        self.data_files
            .iter()
            .filter(|f| f.kind() == Some(crate::parse::semantics::Kind::Systems))
            .flat_map(|f| f.rows.iter())
            .filter_map(|r| r.id().map(|id| (id, r)))
            .collect()
    }

    pub(crate) fn doc(&self, id: &str) -> Option<&Document> {
        self.by_id.get(id).map(|i| &*self.documents[*i])
    }

    /// Resolves a link written in `from`.
    pub(crate) fn resolve(&self, from: &Document, target: &LinkTarget) -> Result<Destination, LinkError> {
        match target {
            LinkTarget::External(u) => Ok(Destination::External(u.clone())),
            LinkTarget::Unsafe(u) => Err(LinkError::Unsafe(u.clone())),
            LinkTarget::Clause(id) => match self.catalog.get(id) {
                Some(item) => Ok(Destination::Clause(item.id.clone())),
                None => Err(LinkError::UnknownClause(id.clone())),
            },
            LinkTarget::SelfAnchor(a) => {
                if a.is_empty() || from.headings.iter().any(|h| &h.slug == a) {
                    Ok(Destination::SelfAnchor(a.clone()))
                } else {
                    Err(LinkError::MissingAnchor { anchor: a.clone(), target: from.id.clone() })
                }
            }
            LinkTarget::Id { id, anchor } => match self.by_id.get(id) {
                Some(&index) => self.with_anchor(index, anchor.clone()),
                None if self.withheld_ids.contains(id) => Ok(Destination::Withheld(id.clone())),
                None => Err(LinkError::UnknownId(id.clone())),
            },
            LinkTarget::Path { path, anchor } => {
                if path.is_empty() {
                    return match anchor {
                        Some(a) => self.resolve(from, &LinkTarget::SelfAnchor(a.clone())),
                        None => Ok(Destination::SelfAnchor(String::new())),
                    };
                }
                let Some(joined) = join_relative(&from.rel, path) else {
                    return Err(LinkError::MissingFile { path: path.clone(), outside: true });
                };
                if let Some(&index) = self.by_rel.get(&joined) {
                    return self.with_anchor(index, anchor.clone());
                }
                // A data file: the page of the document that governs it renders its rows.
                if let Some(&index) = self.data_owner.get(&joined) {
                    let anchor = (self.documents[index].doc_type == "register").then(|| "register-h".to_string());
                    return Ok(Destination::Document { index, anchor });
                }
                if let Some(id) = self.withheld_paths.get(&joined) {
                    return Ok(Destination::Withheld(id.clone()));
                }
                if self.assets.contains(&joined) {
                    return Ok(Destination::Asset(joined));
                }
                Err(LinkError::MissingFile { path: path.clone(), outside: false })
            }
        }
    }

    fn with_anchor(&self, index: usize, anchor: Option<String>) -> Result<Destination, LinkError> {
        if let Some(a) = &anchor {
            let target = &self.documents[index];
            if !a.is_empty() && !target.headings.iter().any(|h| &h.slug == a) {
                return Err(LinkError::MissingAnchor { anchor: a.clone(), target: target.id.clone() });
            }
        }
        Ok(Destination::Document { index, anchor })
    }

    /// Documents that are in force (not superseded or retired).
    pub(crate) fn current_documents(&self) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(|d| !d.status.is_obsolete()).map(|d| &**d)
    }

    pub(crate) fn count_by_status(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for s in [Status::Draft, Status::Approved, Status::Superseded, Status::Retired] {
            m.insert(s.as_str(), 0);
        }
        for d in self.documents.iter() {
            *m.entry(d.status.as_str()).or_insert(0) += 1;
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_stays_inside() {
        assert_eq!(join_relative("a/b.md", "c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join_relative("a/b.md", "../c.md").as_deref(), Some("c.md"));
        assert_eq!(join_relative("a/b.md", "./x/../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join_relative("a/b.md", "../../c.md"), None);
        assert_eq!(join_relative("b.md", "../../../../etc/passwd"), None);
        assert_eq!(join_relative("a/b.md", "/x/y.md").as_deref(), Some("x/y.md"));
    }
}
