//! The driver, top to bottom: config → source → parse → model → check ([`load`]), the edition
//! and the diagnostic levels ([`prepare`]), then render → output into a sink ([`run`]). `build`,
//! `serve` and `snapshot` all go through [`run`]; `serve` passes the caches it keeps between
//! rebuilds ([`incremental`]).

pub mod incremental;
mod print;
pub use print::print_manual;

use crate::config::{self, Config};
use crate::diagnostics::{Code::*, Diagnostic, Diagnostics};
use crate::model::catalog::Catalog;
use crate::model::snapshot::{SnapshotData, SnapshotInfo};
use crate::model::Site;
use crate::output;
use crate::parse;
use crate::parse::schemas::Schemas;
use crate::render::changes::Published;
use crate::render::{self, Page};
use crate::source::theme::Theme;
use crate::source::{self, SourceFile, SourceKind};
use crate::support::timer::Timer;
use incremental::{cached, ParseCache};
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A failure that is not about the documents: bad configuration or usage (exit code 2).
#[derive(Debug)]
pub struct ConfigError(pub Vec<Diagnostic>);

/// The loaded repository: the model plus every diagnostic found while loading and checking.
pub struct Loaded {
    pub site: Site,
    pub diagnostics: Diagnostics,
}

/// Reads, parses and checks the repository at `root`.
pub fn load(root: &Path, today: Date) -> Result<Loaded, ConfigError> {
    let config = config::load(root).map_err(ConfigError)?;
    load_with(config, today)
}

pub(crate) fn load_with(config: Config, today: Date) -> Result<Loaded, ConfigError> {
    load_cached(config, today, None)
}

pub(crate) fn load_cached(config: Config, today: Date, cache: Option<&ParseCache>) -> Result<Loaded, ConfigError> {
    let mut diags = Diagnostics::default();
    let timer = Timer::new();
    let content_dir = config.content_dir();
    if !content_dir.is_dir() {
        return Err(ConfigError(vec![Diagnostic::new(
            CFG002,
            "book.toml",
            1,
            format!("content folder `{}` does not exist", config.build.content),
        )
        .help("create it, or set [build] content in book.toml")]));
    }
    let cached_schemas = cache.and_then(|c| c.schemas.lock().ok().and_then(|m| m.clone()));
    let schemas = match cached_schemas {
        Some(s) => s,
        None => {
            let s = std::sync::Arc::new(Schemas::load(&config.root).map_err(|d| ConfigError(vec![d]))?);
            if let Some(mut m) = cache.and_then(|c| c.schemas.lock().ok()) {
                *m = Some(s.clone());
            }
            s
        }
    };
    let mut catalog = Catalog::iso42001();
    catalog.localize(&crate::i18n::primary_subtag(&config.book.language));
    for extra in &config.traceability.catalogs {
        catalog.merge_file(&config.root, extra).map_err(|d| ConfigError(vec![d]))?;
    }
    crate::model::crosswalk::merge_frameworks(&mut catalog, &config).map_err(|d| ConfigError(vec![d]))?;
    let (mappings, crosswalk_diags) = crate::model::crosswalk::load(&config, &catalog).map_err(|d| ConfigError(vec![d]))?;
    catalog.mappings = mappings;
    let mut config = config;
    config.allowed_signers = crate::model::approval::load_allowed_signers(&config).map_err(|d| ConfigError(vec![d]))?;
    if config.classification_levels.is_empty() {
        config.classification_levels = schemas.classification_levels.clone();
    }
    crate::model::audience::validate(&config).map_err(ConfigError)?;
    timer.lap("config, schemas, catalog");
    let (files, walk_diags) = match cache {
        Some(c) => c.files(&config, &content_dir),
        None => {
            let (files, found) = source::walk(&config.root, &content_dir, &config.build.content);
            (std::sync::Arc::new(files), found)
        }
    };
    timer.lap("walk and read");
    diags.extend(walk_diags);
    diags.extend(crosswalk_diags);

    let is_clause = |id: &str| catalog.contains(id);
    let parse_one = |f: &SourceFile| parse::parse_document(f, &schemas, &is_clause);
    let (parsed, known_ids) = match cache {
        Some(c) => {
            let (parsed, ids) = c.documents_parsed(&files, &parse_one);
            (parsed, Some(ids))
        }
        None => (files.par_iter().filter(|f| f.kind == SourceKind::Document).map(parse_one).collect::<Vec<parse::Parsed>>(), None),
    };
    timer.lap("parse documents");
    let mut documents = Vec::with_capacity(parsed.len());
    // Collected, then built at once (sorting a list is cheaper than inserting one by one).
    let mut claimed_ids = Vec::new();
    let mut unparsed = BTreeSet::new();
    let mut unparsed_ids = std::collections::BTreeMap::new();
    let doc_rels: Vec<&str> = files.iter().filter(|f| f.kind == SourceKind::Document).map(|f| f.rel.as_str()).collect();
    for (p, rel) in parsed.into_iter().zip(doc_rels) {
        if p.document.is_none() {
            unparsed.insert(rel.to_string());
            if let Some(id) = &p.claimed_id {
                unparsed_ids.insert(rel.to_string(), id.clone());
            }
        }
        diags.extend(p.diagnostics);
        if let (None, Some(id)) = (&known_ids, p.claimed_id) {
            claimed_ids.push(id);
        }
        if let Some(d) = p.document {
            documents.push(d);
        }
    }
    let known_ids = known_ids.unwrap_or_else(|| std::sync::Arc::new(claimed_ids.into_iter().collect()));
    timer.lap("ids");
    // Data files are published as downloads too (a link to one goes to its register's page).
    let assets: BTreeSet<String> =
        files.iter().filter(|f| matches!(f.kind, SourceKind::Asset | SourceKind::Data)).map(|f| f.rel.clone()).collect();
    let parsed_data: Vec<_> = files
        .par_iter()
        .filter(|f| f.kind == SourceKind::Data)
        .map(|f| {
            cached(cache.map(|c| &c.data), f, || {
                let (data, found) = crate::parse::data::parse_data_file(f, &schemas);
                (data.map(std::sync::Arc::new), found)
            })
        })
        .collect();
    let mut data_files = Vec::new();
    let data_rels: Vec<&str> = files.iter().filter(|f| f.kind == SourceKind::Data).map(|f| f.rel.as_str()).collect();
    for ((df, ds), rel) in parsed_data.into_iter().zip(data_rels) {
        diags.extend(ds);
        match df {
            Some(df) => data_files.push(df),
            None => {
                unparsed.insert(rel.to_string());
            }
        }
    }
    timer.lap("parse data files");
    let (messages, message_diags) = crate::i18n::Messages::load(Some(&config.root), &config.book.language);
    diags.extend(message_diags);
    let git = match cache.and_then(|c| c.git.lock().ok()) {
        // Shared, not copied: the history of a repository of 20,000 documents is a map of
        // 20,000 paths and their commits.
        Some(mut slot) => {
            slot.get_or_insert_with(|| std::sync::Arc::new(crate::source::git::read(&config.root, &config.build.content))).clone()
        }
        None => std::sync::Arc::new(crate::source::git::read(&config.root, &config.build.content)),
    };
    timer.lap("messages and git");
    let parts = crate::model::Parts {
        config,
        catalog,
        today,
        documents,
        known_ids,
        assets,
        data_files,
        unparsed,
        unparsed_ids,
        git,
        messages: std::sync::Arc::new(messages),
    };
    let (site, unchanged) = match cache.and_then(|c| c.model.lock().ok()) {
        Some(mut last) => {
            let (site, next, unchanged) = Site::new_after(parts, last.as_ref());
            *last = Some(next);
            (site, unchanged)
        }
        None => (Site::new(parts), crate::model::Unchanged::default()),
    };
    timer.lap("model and traceability");
    match cache.and_then(|c| c.checks.lock().ok()) {
        Some(mut last) => {
            // A document is checked against the others' front matter and where its links go.
            let (found, next) = crate::check::run_reusing(&site, last.as_ref().filter(|_| unchanged.fronts && unchanged.links));
            diags.extend(found);
            *last = Some(next);
        }
        None => diags.extend(crate::check::run_all(&site)),
    }
    timer.lap("checks");
    Ok(Loaded { site, diagnostics: diags })
}

/// Compiles the theme's templates (what `check` can know about the theme without rendering):
/// a template syntax error is TPL001 in `check` as well as in `build`.
pub fn check_theme(site: &Site) -> Vec<Diagnostic> {
    match Theme::load(&site.config.root, &site.config.build.theme) {
        Ok(theme) => render::environment(&theme, &site.messages).err().into_iter().collect(),
        Err(e) => vec![Diagnostic::new(TPL001, format!("themes/{}", site.config.build.theme), 1, format!("cannot read theme: {e}"))],
    }
}

/// What a build produced.
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    /// Number of files written, or `None` when errors prevented writing.
    pub written: Option<usize>,
    pub out_dir: PathBuf,
    pub(crate) pages: usize,
    /// Size of the search index in bytes (the entry file and all its shards).
    pub search_index_bytes: usize,
}

/// Renders the whole site in memory (pages and theme assets), without writing.
pub fn render_all(site: &Site) -> Result<Vec<Page>, Vec<Diagnostic>> {
    let collected = std::sync::Mutex::new(Vec::new());
    render_pages(site, None, None, &|page| {
        if let Ok(mut c) = collected.lock() {
            c.push(page);
        }
        Ok(())
    })?;
    let mut pages = collected.into_inner().unwrap_or_default();
    // The first page given a path keeps it, as in a sink.
    let mut seen = std::collections::HashSet::new();
    pages.retain(|p| seen.insert(p.path.clone()));
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

/// Every page of the site, each handed to `emit` as soon as it exists: the driver reads what
/// render needs from disk (the theme, the latest published snapshot), then renders;
/// `snapshot` names the frozen copy being written. When two pages have the same path, the
/// first emitted keeps it: the theme's static files come first. Returns how many pages were
/// emitted.
fn render_pages(
    site: &Site,
    snapshot: Option<SnapshotInfo>,
    cache: Option<&render::RenderCache>,
    emit: &(dyn Fn(Page) -> Result<(), Diagnostic> + Sync),
) -> Result<usize, Vec<Diagnostic>> {
    let timer = Timer::new();
    let theme = Theme::load(&site.config.root, &site.config.build.theme)
        .map_err(|e| vec![Diagnostic::new(TPL001, format!("themes/{}", site.config.build.theme), 1, format!("cannot read theme: {e}"))])?;
    timer.lap("theme");
    let blobs = match cache {
        Some(c) => c.blobs_for(site, || crate::source::git::blobs(&site.config.root, &render::redline::blob_keys(site))),
        None => std::sync::Arc::new(crate::source::git::blobs(&site.config.root, &render::redline::blob_keys(site))),
    };
    let inputs = render::Inputs { published: published_snapshot(site, cache), snapshot, blobs };
    timer.lap("published snapshot");
    let cache = cache.map(|c| (c, render::InputKeys::of(site)));
    timer.lap("input keys");
    // The theme's static files first: the first page given a path keeps it, and a theme may
    // replace a generated file of `static/` (the highlighting styles) by giving its path. No
    // other two generated pages share a path, so the rest is emitted as it comes.
    let mut count = 0;
    for (path, bytes) in &theme.statics {
        emit(Page { path: format!("static/{path}"), bytes: bytes.clone().into() }).map_err(|d| vec![d])?;
        count += 1;
    }
    let emit_all = |pages: Vec<Page>| -> Result<usize, Diagnostic> {
        let n = pages.len();
        pages.into_iter().try_for_each(emit)?;
        Ok(n)
    };
    // The downloads, the search index and the API are built while the pages render: each is
    // mostly one thread's work, and rendering keeps the other cores busy meanwhile.
    let (rendered, (downloads, search)) = rayon::join(
        || render::render_site(site, &theme, &inputs, cache, emit),
        || {
            rayon::join(
                // The downloads show the documents' control data, the traceability and the registers.
                || {
                    emit_all(match cache {
                        Some((c, keys)) => c.downloads_all.get_or_make(
                            (),
                            crate::support::hash::fingerprint(&(keys.overview, keys.data, site.messages.fingerprint)),
                            || crate::output::export::download_pages_cached(site, Some(&c.downloads)),
                        ),
                        None => crate::output::export::download_pages(site),
                    })
                },
                || {
                    rayon::join(
                        // The search index holds document texts, register rows and the catalog.
                        || match cache {
                            Some((c, keys)) => emit_all(c.search.get_or_make(
                                (),
                                crate::support::hash::fingerprint(&(
                                    keys.bodies,
                                    keys.data,
                                    &site.catalog.items,
                                    site.messages.fingerprint,
                                )),
                                || crate::render::search::index_pages_cached(site, &c.search_entries, &c.search_index),
                            )),
                            // A build writes each shard as it is made instead of holding them all.
                            None => crate::render::search::emit_index(site, emit),
                        },
                        // The API shows the documents' control data and the traceability (the
                        // overview key), which documents supersede which, and whether this is a
                        // snapshot.
                        || {
                            emit_all(match cache {
                                Some((c, keys)) => {
                                    let supersessions: Vec<_> = site.documents.iter().map(|d| (&d.supersedes, &d.superseded_by)).collect();
                                    let key = crate::support::hash::fingerprint(&(keys.overview, supersessions, inputs.snapshot.is_some()));
                                    c.api.get_or_make((), key, || crate::render::api::pages(site, &inputs))
                                }
                                None => crate::render::api::pages(site, &inputs),
                            })
                        },
                    )
                },
            )
        },
    );
    let (search, api) = search;
    count += rendered?;
    count += downloads.map_err(|d| vec![d])?;
    count += search.map_err(|d| vec![d])?;
    count += api.map_err(|d| vec![d])?;
    timer.lap("render pages, downloads, search index and API");
    let mut rest = Vec::new();
    let (light, dark) = &*crate::parse::markdown::HIGHLIGHT_CSS;
    rest.push(Page { path: "static/highlight-light.css".into(), bytes: light.clone().into_bytes().into() });
    rest.push(Page { path: "static/highlight-dark.css".into(), bytes: dark.clone().into_bytes().into() });
    count += emit_all(rest).map_err(|d| vec![d])?;
    Ok(count)
}

/// Loads, checks, renders and — when there is no error — writes the site atomically, of the
/// edition for `audience` when one is named (see [`crate::model::audience`]):
/// every check runs on the whole repository, the site holds only what the edition publishes.
pub fn build_edition(
    root: &Path,
    out: Option<&Path>,
    today: Date,
    strict: bool,
    audience: Option<&str>,
) -> Result<BuildReport, ConfigError> {
    let Loaded { site, diagnostics: mut diags } = prepare(load(root, today)?, audience, strict)?;
    let out_dir = match out {
        Some(o) => o.to_path_buf(),
        None => site.config.root.join(&site.config.build.output),
    };
    let mut report =
        BuildReport { diagnostics: Diagnostics::default(), written: None, out_dir: out_dir.clone(), pages: 0, search_index_bytes: 0 };
    if diags.has_errors() {
        report.diagnostics = diags;
        return Ok(report);
    }
    if let Err(d) = output::guard(&out_dir, &site.config.root, &site.config.content_dir()) {
        return Err(ConfigError(vec![d]));
    }
    match run(&site, None, None, &mut output::sink::Folder::new(out_dir)) {
        Ok(ran) => {
            report.pages = ran.pages;
            report.search_index_bytes = ran.search_index_bytes;
            report.written = Some(ran.written);
        }
        Err(ds) => diags.extend(ds),
    }
    diags.finish(&site.config.levels, strict);
    report.diagnostics = diags;
    Ok(report)
}

/// The site an edition publishes (see [`crate::model::audience`]), with the diagnostics of the
/// whole repository plus the edition's crossings, levels applied (`[check]`, `--strict`).
pub(crate) fn prepare(loaded: Loaded, audience: Option<&str>, strict: bool) -> Result<Loaded, ConfigError> {
    let mut diags = loaded.diagnostics;
    let site = match audience {
        Some(name) => {
            let edition = crate::model::audience::edition(&loaded.site.config, name).map_err(|d| ConfigError(vec![d]))?;
            diags.extend(crate::model::audience::crossings(&loaded.site, std::slice::from_ref(&edition)));
            crate::model::audience::restrict(loaded.site, &edition)
        }
        None => loaded.site,
    };
    diags.finish(&site.config.levels, strict);
    Ok(Loaded { site, diagnostics: diags })
}

/// What one run of the driver produced.
pub(crate) struct Ran {
    /// Rendered pages (the content files not counted).
    pub(crate) pages: usize,
    /// Size of the search index in bytes (the entry file and all its shards).
    pub(crate) search_index_bytes: usize,
    /// Files the sink holds (pages and content files).
    pub(crate) written: usize,
}

/// The one build driver, shared by `build`, `serve` and `snapshot`: renders the checked site
/// (reusing `cache` between `serve` rebuilds) and hands the pages and the content files to
/// publish to `sink`. `snapshot` names the frozen copy being written, if any.
pub(crate) fn run(
    site: &Site,
    snapshot: Option<SnapshotInfo>,
    cache: Option<&render::RenderCache>,
    sink: &mut dyn output::sink::Sink,
) -> Result<Ran, Vec<Diagnostic>> {
    sink.begin().map_err(|d| vec![d])?;
    let search_index_bytes = std::sync::atomic::AtomicUsize::new(0);
    let shared: &dyn output::sink::Sink = sink;
    let rendered = render_pages(site, snapshot, cache, &|page| {
        if page.path == "static/search-index.js" || page.path.starts_with("static/search/") {
            search_index_bytes.fetch_add(page.bytes.len(), std::sync::atomic::Ordering::Relaxed);
        }
        shared.page(page)
    });
    let pages = match rendered {
        Ok(n) => n,
        Err(ds) => {
            sink.abort();
            return Err(ds);
        }
    };
    let timer = Timer::new();
    let assets: Vec<String> = site.assets.iter().cloned().collect();
    let written = sink.finish(&site.config.content_dir(), &assets).map_err(|d| vec![d])?;
    timer.lap("content files and finish");
    Ok(Ran { pages, search_index_bytes: search_index_bytes.into_inner(), written })
}

/// The comparable data of a snapshot folder or zip (its `snapshot.json`). A relative path names
/// a place in the repository (book.toml's `[[snapshots]]` path) unless only the working
/// folder has it (a path typed on the command line).
pub(crate) fn snapshot_data(spec: &str, root: &Path) -> Result<SnapshotData, String> {
    use crate::source::snapshot::{read_snapshot_data, DATA};
    let path = PathBuf::from(spec);
    let path = if path.is_absolute() || root.join(spec).exists() { root.join(spec) } else { path };
    let bytes = read_snapshot_data(&path)?.ok_or_else(|| format!("{} has no {DATA}: it is not an aimsbook snapshot", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{DATA} in {} is not valid: {e}", path.display()))
}

/// The latest published snapshot with a path (book.toml `[[snapshots]]`), read for the
/// Changes page and the manual's appendix — or why it could not be read. Read here, once per
/// build, so that rendering never touches the disk; `serve` (`cache`) reads it again only when
/// the file's modification time or size changed.
pub(crate) fn published_snapshot(site: &Site, cache: Option<&render::RenderCache>) -> Option<Published> {
    let published = site.config.snapshots.iter().rev().find(|s| s.path.is_some())?;
    let spec = published.path.clone().unwrap_or_default();
    let read = || snapshot_data(&spec, &site.config.root).map(std::sync::Arc::new);
    let stamp = || {
        let path = site.config.root.join(&spec);
        let file = if path.is_dir() { path.join(crate::source::snapshot::DATA) } else { path };
        let meta = std::fs::metadata(file).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    };
    let data = match (cache, stamp()) {
        (Some(c), Some(stamp)) => c.published.get_or_make(spec.clone(), stamp, read),
        _ => read(),
    };
    Some(Published { label: published.label.clone(), data })
}
