//! What `serve` keeps between rebuilds on the render side: pages, bodies and downloads keyed by
//! a fingerprint of their inputs ([`InputKeys`]), so an unchanged page is not rendered again.

use super::*;
use crate::support::memo::{Memo, Slot};

/// A content file's bytes, by its modification time and size.
pub(crate) type AssetCache = Memo<String, Bytes, (std::time::SystemTime, u64)>;

/// Downloads kept between rebuilds by `serve`: a table's files are written again only when
/// its cells (or the date stamped into the XLSX) changed.
pub(crate) type DownloadCache = Memo<String, Vec<Page>>;

/// Rendered pages and document bodies kept between rebuilds by `serve`, keyed by a hash of
/// everything that went into them. Counts what was re-rendered, for the rebuild summary.
#[derive(Default)]
pub struct RenderCache {
    /// Document pages by path.
    pub(super) pages: Memo<String, Bytes>,
    /// Document bodies as HTML, by document id.
    pub(super) bodies: Memo<String, String>,
    /// The printable manual's articles (one per document), by document id.
    pub(super) articles: Memo<String, Arc<str>>,
    /// The templates the cached pages were rendered with.
    pub(super) theme: Slot<()>,
    /// Site-wide pages by path.
    pub(super) overview: Memo<String, Bytes>,
    /// The search index (entry file and shards), by the text of every document and data
    /// file and the catalog.
    pub(crate) search: Slot<Vec<Page>>,
    /// The API files (`api/*.json`, `llms.txt`), by the overview key and the supersessions.
    pub(crate) api: Slot<Vec<Page>>,
    /// The template environment, by the theme's templates and the messages (compiling every
    /// template took longer than most rebuilds).
    pub(crate) environment: Slot<Arc<minijinja::Environment<'static>>>,
    /// How the manual, the matrix and the review calendar are laid out in pages, by the
    /// overview key (they follow from the documents' control fields, the catalog and the date).
    pub(crate) manual_plan: Slot<Arc<manual::Plan>>,
    pub(crate) matrix_groups: Slot<Arc<Vec<matrix::Group>>>,
    pub(crate) review_buckets: Slot<Arc<Vec<register::Bucket>>>,
    /// The retention states' lists (see [`crate::render::retention::lists`]).
    pub(crate) retention_lists: Slot<Arc<Vec<crate::render::retention::StateList>>>,
    /// Every owner's lists (see [`crate::render::lists::owner_lists`]).
    pub(crate) owner_lists: Slot<Arc<Vec<crate::render::lists::OwnerLists>>>,
    /// All download files, by the overview and data keys.
    pub(crate) downloads_all: Slot<Vec<Page>>,
    /// Indexed documents for the search index, by document text.
    pub(crate) search_entries: crate::render::search::EntryCache,
    /// The last search index, updated in place by an edit.
    pub(crate) search_index: crate::render::search::IndexState,
    /// Published content files (images, PDFs) by path, with the modification time and size
    /// they were read at, so `serve` does not re-read unchanged ones on every rebuild.
    pub(crate) assets: AssetCache,
    pub(crate) downloads: DownloadCache,
    /// The latest published snapshot's data, by its path, with the modification time and size
    /// of the file it was read from.
    pub(crate) published: Memo<String, Result<Arc<crate::model::snapshot::SnapshotData>, String>, (std::time::SystemTime, u64)>,
    /// The last rebuild's document pages in order, each with its document and page key: the
    /// very same document (`Arc`) in the same place with the same key takes its page without a
    /// look-up by path (see [`PlacedPage`]).
    pub(crate) placed_documents: std::sync::Mutex<Placed>,
    /// The file versions the redlines read, with the history and paged documents they were
    /// gathered for: the same history (`Arc`) and the same paged documents (the same ids and
    /// paths) want the same versions, so a rebuild does not list them again.
    blobs: std::sync::Mutex<Option<KeptBlobs>>,
    /// The last rebuild's redline pages per paged document (see [`PlacedRedlines`]).
    pub(crate) placed_redlines: std::sync::Mutex<PlacedRedlines>,
    pub(crate) rendered: AtomicUsize,
    pub(crate) reused: AtomicUsize,
}

type KeptBlobs = (Arc<crate::source::git::GitInfo>, Arc<Vec<usize>>, Arc<crate::source::git::Blobs>);

/// The redline pages of each paged document at the last rebuild, in order, with what they all
/// shared: the overview key (the site's chrome, language and audience) and the git history.
/// A document that is the very same (`Arc`) at the same place, with the same shared inputs,
/// has the same redlines (they follow from its text and the files at its commits).
#[derive(Default)]
pub(crate) struct PlacedRedlines {
    pub(crate) shared: Option<(u64, Arc<crate::source::git::GitInfo>)>,
    pub(crate) pages: Vec<Option<(Arc<Document>, Vec<crate::render::Page>)>>,
}

/// A document, its link key, the key of its page (the overview key with [`document_key`]) and
/// the page.
pub(crate) type PlacedPage = (Arc<Document>, u64, u64, Bytes);

/// The last rebuild's document pages in order, and the inputs all of their keys shared.
#[derive(Default)]
pub(crate) struct Placed {
    pub(crate) shared: Option<SharedInputs>,
    pub(crate) pages: Vec<Option<PlacedPage>>,
}

/// What every document page's key shares besides the document itself and its link key: while
/// these are the very same, a page whose document (`Arc`) and link key are unchanged has an
/// unchanged key, which is then not computed (at 20,000 documents, hashing each document's
/// fields cost more than the rest of the check).
pub(crate) struct SharedInputs {
    overview: u64,
    data: u64,
    allow_html: bool,
    backlinks: Arc<Vec<Vec<usize>>>,
    git: Arc<crate::source::git::GitInfo>,
}

impl SharedInputs {
    pub(crate) fn of(site: &Site, overview: u64, data: u64) -> SharedInputs {
        SharedInputs { overview, data, allow_html: site.config.build.allow_html, backlinks: site.backlinks.clone(), git: site.git.clone() }
    }

    /// The same inputs: equal keys, and the very same link graph and history (held here, so
    /// their addresses cannot be reused by others).
    pub(crate) fn same(&self, other: &SharedInputs) -> bool {
        self.overview == other.overview
            && self.data == other.data
            && self.allow_html == other.allow_html
            && Arc::ptr_eq(&self.backlinks, &other.backlinks)
            && Arc::ptr_eq(&self.git, &other.git)
    }
}

impl RenderCache {
    /// Forgets the bytes of these published files (content-relative paths), so the next
    /// rebuild reads them even if their timestamp and size look unchanged.
    pub(crate) fn forget_assets<'p>(&self, rels: impl Iterator<Item = &'p Path>) {
        for rel in rels {
            self.assets.remove(&*rel.to_string_lossy().replace('\\', "/"));
        }
    }

    /// The redlines' file versions for `site`: the last ones when the history and the paged
    /// documents are the very same as last time, otherwise `read`.
    pub(crate) fn blobs_for(&self, site: &Site, read: impl FnOnce() -> crate::source::git::Blobs) -> Arc<crate::source::git::Blobs> {
        let Ok(mut kept) = self.blobs.lock() else { return Arc::new(read()) };
        if let Some((git, paged, blobs)) = kept.as_ref() {
            if Arc::ptr_eq(git, &site.git) && Arc::ptr_eq(paged, &site.paged) {
                return blobs.clone();
            }
        }
        let blobs = Arc::new(read());
        *kept = Some((site.git.clone(), site.paged.clone(), blobs.clone()));
        blobs
    }

    pub(super) fn get_page(&self, path: &str, key: u64) -> Option<Bytes> {
        let hit = self.pages.get(path, &key);
        if hit.is_some() {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        hit
    }
    pub(super) fn put_page(&self, path: &str, key: u64, bytes: Bytes) {
        self.rendered.fetch_add(1, Ordering::Relaxed);
        self.pages.put(path.to_string(), key, bytes);
    }
    pub(super) fn body(&self, id: &str, key: u64, make: impl FnOnce() -> String) -> String {
        self.bodies.get_or_make(id.to_string(), key, make)
    }
    /// Forgets everything when the theme changed (same context, different output).
    pub(super) fn check_theme(&self, theme: &Theme) {
        let key = crate::support::hash::fingerprint(&theme.templates);
        if self.theme.get(&(), &key).is_none() {
            self.theme.put((), key, ());
            self.pages.clear();
            self.overview.clear();
            self.articles.clear();
            if let Ok(mut placed) = self.placed_documents.lock() {
                *placed = Placed::default();
            }
            if let Ok(mut placed) = self.placed_redlines.lock() {
                *placed = PlacedRedlines::default();
            }
        }
        self.rendered.store(0, Ordering::Relaxed);
        self.reused.store(0, Ordering::Relaxed);
    }
}

/// Fingerprints of the inputs of each group of outputs, computed once per `serve` rebuild:
/// an output whose inputs' fingerprint is unchanged is reused without being assembled again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct InputKeys {
    /// Site-wide pages and the downloads: see [`overview_key`].
    pub(crate) overview: u64,
    /// The text of every data file.
    pub(crate) data: u64,
    /// The text of every document and where its links go: see [`bodies_key`].
    pub(crate) bodies: u64,
}

impl InputKeys {
    pub(crate) fn of(site: &Site) -> InputKeys {
        let timer = crate::support::timer::Timer::new();
        let overview = overview_key(site);
        timer.lap("  overview key");
        let data = data_key(site);
        timer.lap("  data key");
        let bodies = bodies_key(site);
        timer.lap("  bodies key");
        InputKeys { overview, data, bodies }
    }
}

/// Everything the site-wide pages show, hashed: every document's control data and clauses,
/// the traceability (statuses, document and record lists, SoA, citations, mandatory documents),
/// the configuration shown on pages, the date, the snapshot identity and the scope summary.
/// Document bodies are deliberately absent: no site-wide page shows them.
pub(crate) fn overview_key(site: &Site) -> u64 {
    let timer = crate::support::timer::Timer::new();
    let mut h = crate::support::hash::hasher();
    // Every page speaks the site's language: an edited message renders them again.
    site.messages.fingerprint.hash(&mut h);
    match site.fronts_generation {
        // `serve`: the model says when the documents' control fields, the traceability and the
        // retention rules may have changed (they all follow from front matter, data files and
        // the date), so they need not be hashed on every rebuild.
        Some(generation) => generation.hash(&mut h),
        None => {
            // The fields `summary` shows, read in place (no allocation per document); the review
            // state follows from review_due, status, today and warn_days, all hashed.
            for d in site.documents.iter() {
                (
                    &d.id,
                    &d.title,
                    &d.doc_type,
                    &d.owner,
                    &d.approver,
                    &d.version_text,
                    d.status,
                    d.approved,
                    d.review_due,
                    &d.classification,
                    &d.repo_rel,
                    // Which data file a document governs decides the register downloads and links.
                    &d.data,
                )
                    .hash(&mut h);
                d.clauses.hash(&mut h);
            }
            timer.lap("    documents");
            for (id, c) in &site.trace.coverage {
                (id, c.status.as_str(), &c.documents, &c.records, &c.stale_records, &c.reasons).hash(&mut h);
                // c.soa needs no hashing: it follows from trace.soa and the catalog, both hashed.
                serde_json::to_string(&c.citations).unwrap_or_default().hash(&mut h);
            }
            serde_json::to_string(&site.trace.soa).unwrap_or_default().hash(&mut h);
            serde_json::to_string(&site.trace.mandatory).unwrap_or_default().hash(&mut h);
            site.trace.soa_doc.hash(&mut h);
            timer.lap("    traceability");
            // The Retention page and the disposal notes of document pages (retention, history dates and
            // successors' approvals all feed them).
            serde_json::to_string(&crate::model::retention::entries(site)).unwrap_or_default().hash(&mut h);
            timer.lap("    retention");
        }
    }
    serde_json::to_string(&site.config.book).unwrap_or_default().hash(&mut h);
    serde_json::to_string(&site.config.snapshots).unwrap_or_default().hash(&mut h);
    (site.config.review.warn_days, site.config.traceability.evidence_months, site.today.to_string()).hash(&mut h);
    (site.catalog.items.len(), &site.catalog.extra, &site.catalog.mappings).hash(&mut h);
    site.catalog.items.hash(&mut h);
    for d in site.documents.iter().filter(|d| d.doc_type == "scope") {
        d.body.hash(&mut h);
    }
    h.finish()
}

/// What a document page shows beyond the site-wide inputs of [`overview_key`]: its own text
/// (body, history, fields), where its links go, the documents linking to it, every data file (registers render
/// rows and link into the AI system inventory), its git change log and the HTML switch.
pub(super) fn document_key(site: &Site, index: usize, data_key: u64) -> u64 {
    let d = &site.documents[index];
    let mut h = crate::support::hash::hasher();
    (&d.id, &d.rel, d.source_hash, site.config.build.allow_html, data_key, site.link_keys.get(index)).hash(&mut h);
    // By index: the overview key, combined with this one, covers which document is where.
    site.backlinks.get(index).hash(&mut h);
    site.git.history.get(&d.repo_rel).hash(&mut h);
    h.finish()
}

/// Identifies the text of every data file and what its schema says the columns mean (a new
/// `x-aimsbook` mapping changes which cells link where).
pub(crate) fn data_key(site: &Site) -> u64 {
    let mut h = crate::support::hash::hasher();
    for df in &site.data_files {
        (&df.rel, &df.text, &*df.semantics).hash(&mut h);
    }
    h.finish()
}

/// Identifies the text of every document and where its links go (for pages that show bodies,
/// like the manual).
pub(crate) fn bodies_key(site: &Site) -> u64 {
    let mut h = crate::support::hash::hasher();
    for d in site.documents.iter() {
        (&d.id, d.source_hash).hash(&mut h);
    }
    site.link_keys.hash(&mut h);
    site.config.build.allow_html.hash(&mut h);
    h.finish()
}
