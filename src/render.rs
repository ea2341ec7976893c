//! Render stage: views of the [`Site`] model → HTML pages, in parallel, without touching the
//! disk. Each page kind has one function; templates come from the theme and are compiled once
//! per build. Every link is relative to the page, so the site works under any base path and
//! from file://.

use crate::diagnostics::Diagnostic;
use crate::i18n::Messages;
use crate::markdown::{self, Resolved};
use crate::model::{self, Document, LinkTarget, Status};
use crate::review::ReviewState;
use crate::site::{Destination, Site};
use crate::theme::Theme;
use bytes::Bytes;
use minijinja::value::Serde;
use minijinja::{context, Environment, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// One output file, path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    /// Shared, immutable bytes: cached pages are reused without copying.
    pub bytes: Bytes,
}

/// Relative prefix from a page to the site root ("", "../", "../../").
pub fn root_prefix(page_path: &str) -> String {
    "../".repeat(page_path.matches('/').count())
}

/// A document as shown in lists and tables.
#[derive(Debug, Clone, Serialize)]
pub struct DocSummary {
    pub id: String,
    pub title: String,
    pub doc_type: String,
    pub owner: String,
    pub owner_url: String,
    pub approver: String,
    pub version: String,
    pub status: &'static str,
    pub approved: String,
    pub review_due: String,
    pub classification: String,
    pub url: String,
    /// overdue | due-soon | ok | exempt | unknown (the one rule of src/review.rs)
    pub review_state: crate::review::ReviewState,
    pub days_to_review: Option<i64>,
    pub path: String,
}

pub fn summary(site: &Site, d: &Document) -> DocSummary {
    let review = site.review(d);
    DocSummary {
        id: d.id.clone(),
        title: d.title.clone(),
        doc_type: d.doc_type.clone(),
        owner: d.owner.clone(),
        owner_url: model::owner_url(&d.owner),
        approver: d.approver.clone(),
        version: d.version_text.clone(),
        status: d.status.as_str(),
        approved: d.approved.map(|x| x.to_string()).unwrap_or_default(),
        review_due: d.review_due.map(|x| x.to_string()).unwrap_or_default(),
        classification: d.classification.clone(),
        url: d.url(),
        review_state: review.state,
        days_to_review: review.days,
        path: d.repo_rel.clone(),
    }
}

#[derive(Debug, Clone, Serialize)]
struct ClauseRef {
    id: String,
    title: String,
    url: String,
    kind: String,
    /// Traceability status (gap, addressed, implemented, evidenced, excluded) for assessable items.
    status: &'static str,
}

fn clause_ref(site: &Site, id: &str) -> ClauseRef {
    match site.catalog.get(id) {
        Some(item) => ClauseRef {
            id: item.id.clone(),
            title: item.title.clone(),
            url: model::clause_url(&item.id),
            kind: format!("{:?}", item.kind).to_lowercase(),
            status: site.trace.status_of(&item.id).map(|s| s.as_str()).unwrap_or(""),
        },
        None => ClauseRef { id: id.to_string(), title: "unknown id".into(), url: String::new(), kind: "unknown".into(), status: "" },
    }
}

/// Any serialisable view as a template value.
pub(crate) fn v<T: Serialize>(t: T) -> Value {
    Value::from(Serde(t))
}

/// Builds the template environment from the theme. Compiles every template once.
pub fn environment(theme: &Theme, messages: &Arc<Messages>) -> Result<Environment<'static>, Diagnostic> {
    let mut env = Environment::new();
    add_messages(&mut env, messages);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    let templates = theme.templates.clone();
    env.set_loader(move |name| Ok(templates.get(name).cloned()));
    env.add_filter("slug", |s: String| model::slug(&s));
    env.add_filter("css_string", |s: String| Value::from_safe_string(css_string(&s)));
    env.add_filter("css_ident", |s: String| Value::from_safe_string(css_ident(&s)));
    for name in theme.templates.keys() {
        if let Err(e) = env.get_template(name) {
            return Err(template_diag(theme, &e));
        }
    }
    Ok(env)
}

/// The interface language for templates: `t("key", n=3)` (a message, with named arguments for
/// plural forms and placeholders), the filters `date` (`<time datetime="ISO">` with the long
/// local form), `type_label` and `status_label` (display names, overridable per repository),
/// and the global `lang` (`<html lang>`).
fn add_messages(env: &mut Environment<'static>, messages: &Arc<Messages>) {
    use fluent_bundle::FluentValue;
    use minijinja::value::Kwargs;
    // Named arguments as Fluent values: numbers stay numbers (plural forms choose by them).
    // For `t_html`, text arguments are escaped unless already safe HTML (a `date`).
    fn fluent_args(kwargs: &Kwargs, html: bool) -> Result<Vec<(String, FluentValue<'static>)>, minijinja::Error> {
        let mut args = Vec::new();
        for k in kwargs.args() {
            let value: Value = kwargs.get(k)?;
            let fv = match i64::try_from(value.clone()) {
                Ok(n) if value.is_number() => FluentValue::from(n),
                _ => {
                    let text = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
                    FluentValue::from(if html && !value.is_safe() { html_escape::encode_text(&text).into_owned() } else { text })
                }
            };
            args.push((k.to_string(), fv));
        }
        Ok(args)
    }
    fn format(m: &Messages, key: String, args: Vec<(String, FluentValue<'static>)>) -> String {
        let refs: Vec<(&str, FluentValue)> = args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        m.get(&key, &refs).unwrap_or(key)
    }
    let m = messages.clone();
    // Escaped here rather than by the auto-escaper, which also escapes `/` and `'` and would
    // change the bytes of every page for nothing; `"` is escaped, so it is safe in attributes.
    env.add_function("t", move |key: String, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
        let text = format(&m, key, fluent_args(&kwargs, false)?);
        Ok(Value::from_safe_string(html_escape::encode_double_quoted_attribute(&text).into_owned()))
    });
    // Plain text for CSS strings (the running headers of printed pages go through `css_string`).
    let m = messages.clone();
    env.add_function("t_text", move |key: String, kwargs: Kwargs| -> Result<String, minijinja::Error> {
        Ok(format(&m, key, fluent_args(&kwargs, false)?))
    });
    // A message that holds markup (`<strong>`, `<code>`, links): the catalogs are part of the
    // theme, as trusted as its templates.
    let m = messages.clone();
    env.add_function("t_html", move |key: String, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
        Ok(Value::from_safe_string(format(&m, key, fluent_args(&kwargs, true)?)))
    });
    let m = messages.clone();
    env.add_filter("date", move |value: Value| -> Value {
        let Some(iso) =
            value.as_str().map(str::to_string).or_else(|| (!value.is_none() && !value.is_undefined()).then(|| value.to_string()))
        else {
            return Value::from("");
        };
        match m.long_date(&iso) {
            Some(long) => Value::from_safe_string(format!(
                "<time datetime=\"{}\">{}</time>",
                html_escape::encode_double_quoted_attribute(iso.trim()),
                html_escape::encode_text(&long)
            )),
            None => Value::from(iso),
        }
    });
    // The long form as plain text, for CSS strings (printed headers and footers).
    let m = messages.clone();
    env.add_filter("long_date", move |iso: String| m.long_date(&iso).unwrap_or(iso));
    let m = messages.clone();
    env.add_filter("type_label", move |s: String| m.label("doc-type", &s));
    let m = messages.clone();
    env.add_filter("status_label", move |s: String| m.label("status", &s));
    let m = messages.clone();
    env.add_filter("classification_label", move |s: String| m.label("classification", &s));
    let m = messages.clone();
    env.add_filter("cov_label", move |s: String| m.label("cov", &s));
    let m = messages.clone();
    env.add_filter("kind_label", move |s: String| m.label("kind", &s));
    let m = messages.clone();
    env.add_filter("retention_text", move |s: String| crate::retention::localized(&m, &s));
    env.add_global("lang", messages.lang.clone());
}

/// Text as a quoted CSS string, safe inside a `<style>` element (for the running headers of
/// printed pages, `content: "…"`): backslash, quotes, `<`, `>`, `&` and control characters
/// become CSS escapes, so no text can end the string or the element.
pub fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '&' | '\'' => out.push_str(&format!("\\{:X} ", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\{:X} ", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text as a CSS identifier (a page name or an id selector): letters, digits, `-` and `_` are
/// kept, anything else is escaped, and a leading digit too.
pub fn css_ident(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        let plain = c.is_ascii_alphabetic() || c == '_' || !c.is_ascii() && !c.is_control() || i > 0 && (c.is_ascii_digit() || c == '-');
        if plain {
            out.push(c);
        } else {
            out.push_str(&format!("\\{:X} ", c as u32));
        }
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

pub fn template_diag(theme: &Theme, e: &minijinja::Error) -> Diagnostic {
    let name = e.name().unwrap_or("template").to_string();
    let file = theme.origins.get(&name).cloned().unwrap_or_else(|| format!("themes/{name}"));
    let file = file.trim_end_matches(" (built in)").to_string();
    let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
    Diagnostic::new("TPL001", file, e.line().unwrap_or(1), format!("template {name}: {}{detail}", e.kind()))
        .help("fix the template; the theme's files override the built-in ones by name")
}

fn nav(root: &str, messages: &Messages) -> Value {
    let items = [
        ("nav-home", "index.html"),
        ("nav-register", "register.html"),
        ("nav-reviews", "reviews.html"),
        ("nav-retention", "retention.html"),
        ("nav-clauses", "clauses/index.html"),
        ("nav-gaps", "gaps.html"),
        ("nav-manual", "manual.html"),
        ("nav-versions", "versions.html"),
        ("nav-owners", "owners/index.html"),
    ];
    v(items.iter().map(|(key, url)| BTreeMap::from([("label", messages.t(key)), ("url", format!("{root}{url}"))])).collect::<Vec<_>>())
}

pub(crate) struct Renderer<'a> {
    pub(crate) site: &'a Site,
    env: &'a Environment<'static>,
    theme: &'a Theme,
    book: Value,
    cache: Option<&'a RenderCache>,
    /// Fingerprint of the inputs of the site-wide pages (only computed for `serve`).
    overview_key: Option<u64>,
}

impl Renderer<'_> {
    /// An interface message in the site's language.
    pub(crate) fn t(&self, key: &str) -> String {
        self.site.messages.t(key)
    }

    /// A site-wide page (lists, matrices, clause pages): its inputs are summarised by
    /// [`overview_key`], so in `serve` it is not even re-assembled while that key is unchanged
    /// (the common edit — a document's body — leaves it unchanged).
    fn overview(&self, path: &str, build: impl FnOnce() -> Result<Page, Diagnostic>) -> Result<Page, Diagnostic> {
        self.overview_with(path, 0, build)
    }

    /// As [`overview`](Self::overview), for a page that also shows document bodies: `extra`
    /// identifies them (see [`bodies_key`]).
    fn overview_with(&self, path: &str, extra: u64, build: impl FnOnce() -> Result<Page, Diagnostic>) -> Result<Page, Diagnostic> {
        let (Some(cache), Some(key)) = (self.cache, self.overview_key.map(|k| k ^ extra.rotate_left(1))) else { return build() };
        if let Some(hit) = cache.overview.read().ok().and_then(|m| m.get(path).filter(|(k, _)| *k == key).map(|(_, b)| b.clone())) {
            cache.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(Page { path: path.to_string(), bytes: hit });
        }
        let page = build()?;
        if let Ok(mut m) = cache.overview.write() {
            m.insert(path.to_string(), (key, page.bytes.clone()));
        }
        Ok(page)
    }

    pub(crate) fn page(&self, path: &str, template: &str, ctx: Value) -> Result<Page, Diagnostic> {
        self.page_with_body(path, template, ctx, None)
    }

    /// As [`page`](Self::page), with a large pre-rendered HTML `body` that is identified in the
    /// cache key by its own key instead of being hashed again.
    pub(crate) fn page_with_body(&self, path: &str, template: &str, ctx: Value, body: Option<(u64, String)>) -> Result<Page, Diagnostic> {
        self.render_page(path, template, ctx, body, true)
    }

    /// Renders without consulting the page cache: for a page whose caller already knows its
    /// inputs changed (hashing its whole context again would only cost time).
    fn page_uncached(&self, path: &str, template: &str, ctx: Value) -> Result<Page, Diagnostic> {
        self.render_page(path, template, ctx, None, false)
    }

    fn render_page(
        &self,
        path: &str,
        template: &str,
        ctx: Value,
        body: Option<(u64, String)>,
        use_cache: bool,
    ) -> Result<Page, Diagnostic> {
        let cache = self.cache.filter(|_| use_cache);
        let root = root_prefix(path);
        let full = context! {
            book => self.book.clone(),
            root => root.clone(),
            nav => nav(&root, &self.site.messages),
            // The messages shape every page: a changed translation renders the pages again.
            messages_key => self.site.messages.fingerprint,
            today => self.site.today.to_string(),
            page_path => path,
            generator => concat!("aimsbook ", env!("CARGO_PKG_VERSION")),
            page_size => self.site.config.pdf.paper.css(),
            snapshot => v(&self.site.snapshot),
            edition => v(&self.site.edition),
            ..ctx
        };
        // A page whose template and context are unchanged renders to the same bytes: its
        // context is exactly its set of inputs, so this is the dependency tracking of `serve`.
        let key = cache.map(|_| {
            let mut h = std::hash::DefaultHasher::new();
            template.hash(&mut h);
            full.hash(&mut h);
            body.as_ref().map(|(k, _)| *k).hash(&mut h);
            h.finish()
        });
        if let (Some(cache), Some(key)) = (cache, key) {
            if let Some(bytes) = cache.get_page(path, key) {
                return Ok(Page { path: path.to_string(), bytes });
            }
        }
        let full = match body {
            Some((_, html)) => context! { body => Value::from_safe_string(html), ..full },
            None => full,
        };
        let tmpl = self.env.get_template(template).map_err(|e| template_diag(self.theme, &e))?;
        let html = tmpl.render(full).map_err(|e| template_diag(self.theme, &e))?;
        let bytes: Bytes = html.into_bytes().into();
        if let (Some(cache), Some(key)) = (cache, key) {
            cache.put_page(path, key, bytes.clone());
        }
        Ok(Page { path: path.to_string(), bytes })
    }
}

/// A content file's modification time, size and bytes.
pub type CachedAsset = (std::time::SystemTime, u64, Bytes);

/// A rendered page and the key of the inputs it was rendered from.
type CachedPage = (u64, Bytes);

/// Rendered pages and document bodies kept between rebuilds by `serve`, keyed by a hash of
/// everything that went into them. Counts what was re-rendered, for the rebuild summary.
#[derive(Default)]
pub struct RenderCache {
    pages: RwLock<HashMap<String, CachedPage>>,
    bodies: Mutex<HashMap<String, (u64, String)>>,
    /// The printable manual's articles (one per document), by document id.
    articles: RwLock<HashMap<String, (u64, Arc<str>)>>,
    theme_key: Mutex<u64>,
    overview: RwLock<HashMap<String, CachedPage>>,
    /// The search index (entry file and shards), by the text of every document and data
    /// file and the catalog.
    pub search: Mutex<Option<(u64, Vec<Page>)>>,
    /// All download files, by the overview and data keys.
    pub downloads_all: Mutex<Option<(u64, Vec<Page>)>>,
    /// Indexed documents for the search index, by document text.
    pub search_entries: crate::search::EntryCache,
    /// Published content files (images, PDFs) by path, with the modification time and size
    /// they were read at, so `serve` does not re-read unchanged ones on every rebuild.
    pub assets: Mutex<HashMap<String, CachedAsset>>,
    pub downloads: crate::export::DownloadCache,
    pub rendered: AtomicUsize,
    pub reused: AtomicUsize,
}

impl RenderCache {
    /// Forgets the bytes of these published files (content-relative paths), so the next
    /// rebuild reads them even if their timestamp and size look unchanged.
    pub fn forget_assets<'p>(&self, rels: impl Iterator<Item = &'p Path>) {
        if let Ok(mut m) = self.assets.lock() {
            for rel in rels {
                m.remove(&*rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    /// The value kept in `slot` when it was made from inputs with the same `key`; otherwise
    /// makes it and keeps it.
    pub fn reuse<T: Clone>(&self, slot: &Mutex<Option<(u64, T)>>, key: u64, make: impl FnOnce() -> T) -> T {
        if let Some(hit) = slot.lock().ok().and_then(|m| m.as_ref().filter(|(k, _)| *k == key).map(|(_, v)| v.clone())) {
            return hit;
        }
        let made = make();
        if let Ok(mut m) = slot.lock() {
            *m = Some((key, made.clone()));
        }
        made
    }
    fn get_page(&self, path: &str, key: u64) -> Option<Bytes> {
        let hit = self.pages.read().ok()?.get(path).filter(|(k, _)| *k == key).map(|(_, b)| b.clone());
        if hit.is_some() {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        hit
    }
    fn put_page(&self, path: &str, key: u64, bytes: Bytes) {
        self.rendered.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut m) = self.pages.write() {
            m.insert(path.to_string(), (key, bytes));
        }
    }
    fn body(&self, id: &str, key: u64, make: impl FnOnce() -> String) -> String {
        if let Some(b) = self.bodies.lock().ok().and_then(|m| m.get(id).filter(|(k, _)| *k == key).map(|(_, b)| b.clone())) {
            return b;
        }
        let html = make();
        if let Ok(mut m) = self.bodies.lock() {
            m.insert(id.to_string(), (key, html.clone()));
        }
        html
    }
    /// Forgets everything when the theme changed (same context, different output).
    fn check_theme(&self, theme: &Theme) {
        let mut h = std::hash::DefaultHasher::new();
        theme.templates.hash(&mut h);
        let key = h.finish();
        if let Ok(mut k) = self.theme_key.lock() {
            if *k != key {
                *k = key;
                if let Ok(mut m) = self.pages.write() {
                    m.clear();
                }
                if let Ok(mut m) = self.overview.write() {
                    m.clear();
                }
                if let Ok(mut m) = self.articles.write() {
                    m.clear();
                }
            }
        }
        self.rendered.store(0, Ordering::Relaxed);
        self.reused.store(0, Ordering::Relaxed);
    }
}

/// Fingerprints of the inputs of each group of outputs, computed once per `serve` rebuild:
/// an output whose inputs' fingerprint is unchanged is reused without being assembled again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InputKeys {
    /// Site-wide pages and the downloads: see [`overview_key`].
    pub overview: u64,
    /// The text of every data file.
    pub data: u64,
    /// The text of every document and where its links go: see [`bodies_key`].
    pub bodies: u64,
}

impl InputKeys {
    pub fn of(site: &Site) -> InputKeys {
        InputKeys { overview: overview_key(site), data: data_key(site), bodies: bodies_key(site) }
    }
}

/// Renders every page of the site. Errors are template errors (TPL001). With a cache (`serve`),
/// pages whose inputs are unchanged are reused.
pub fn render_site(site: &Site, theme: &Theme, cache: Option<(&RenderCache, InputKeys)>) -> Result<Vec<Page>, Vec<Diagnostic>> {
    let timer = crate::pipeline::Timer::new();
    let env = environment(theme, &site.messages).map_err(|d| vec![d])?;
    timer.lap("  templates");
    let book = v(&site.config.book);
    let keys = cache.map(|(_, k)| k);
    let cache = cache.map(|(c, _)| c);
    if let Some(c) = cache {
        c.check_theme(theme);
    }
    let overview_key = keys.map(|k| k.overview);
    let data_key = keys.map_or(0, |k| k.data);
    let bodies_key = keys.map_or(0, |k| k.bodies);
    let r = Renderer { site, env: &env, theme, book, cache, overview_key };

    type Job<'a> = Box<dyn Fn() -> Result<Page, Diagnostic> + Send + Sync + 'a>;
    let mut jobs: Vec<Job> = vec![
        Box::new(|| r.overview("index.html", || home(&r))),
        Box::new(|| r.overview("register.html", || register(&r))),
        Box::new(|| r.overview("reviews.html", || reviews(&r))),
        Box::new(|| r.overview("retention.html", || crate::retention::page(&r))),
        Box::new(|| r.overview("owners/index.html", || owners_index(&r))),
        Box::new(|| r.overview("clauses/index.html", || crate::render_trace::clauses_index(&r))),
        Box::new(|| r.overview("matrix.html", || crate::render_trace::matrix_page(&r))),
        Box::new(|| r.overview("gaps.html", || crate::render_trace::gaps_page(&r))),
        Box::new(|| r.overview("mandatory.html", || crate::render_trace::mandatory_page(&r))),
        Box::new(|| r.overview("search.html", || r.page("search.html", "search.html", context! { title => r.t("search-title") }))),
        Box::new(|| r.overview_with("manual.html", bodies_key, || manual_page(&r))),
        Box::new(|| r.overview("versions.html", || versions_page(&r))),
    ];
    if site.trace.soa_doc.is_some() {
        jobs.push(Box::new(|| r.overview("soa.html", || crate::render_trace::soa_page(&r))));
    }
    for (ns, title) in crate::render_crosswalk::mapped_frameworks(site) {
        let r = &r;
        jobs.push(Box::new(move || {
            r.overview(&crate::render_crosswalk::page_path(&ns), || crate::render_crosswalk::coverage_page(r, &ns, &title))
        }));
    }
    jobs.push(Box::new(|| r.overview("404.html", || r.page("404.html", "404.html", context! { title => r.t("notfound-title") }))));
    if site.snapshot.is_some() {
        jobs.push(Box::new(|| r.overview("about.html", || about_page(&r))));
    }
    if site.config.snapshots.iter().any(|s| s.path.is_some()) {
        jobs.push(Box::new(|| changes_page(&r)));
    }
    let mut owners: Vec<&str> = site.documents.iter().map(|d| d.owner.as_str()).filter(|o| !o.is_empty()).collect();
    owners.sort();
    owners.dedup();
    for owner in owners {
        let r = &r;
        jobs.push(Box::new(move || r.overview(&model::owner_url(owner), || owner_page(r, owner))));
    }
    for item in &site.catalog.items {
        let r = &r;
        jobs.push(Box::new(move || r.overview(&model::clause_url(&item.id), || crate::render_trace::clause_page(r, item))));
    }
    for (i, d) in site.documents.iter().enumerate() {
        // With duplicate ids only the first document gets the page (the build fails anyway).
        if site.by_id.get(&d.id) != Some(&i) {
            continue;
        }
        let r = &r;
        jobs.push(Box::new(move || r.overview_with(&d.url(), document_key(site, i, data_key), || document_page(r, d))));
    }
    let results: Vec<Result<Page, Diagnostic>> = jobs.par_iter().map(|j| j()).collect();
    timer.lap("  pages");
    let mut pages = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for res in results {
        match res {
            Ok(p) => pages.push(p),
            Err(d) => {
                if !errors.contains(&d) {
                    errors.push(d);
                }
            }
        }
    }
    match crate::redline::pages(&r) {
        Ok(redlines) => pages.extend(redlines),
        Err(d) => errors.push(d),
    }
    if errors.is_empty() {
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(pages)
    } else {
        Err(errors)
    }
}

/// The href of a link target, relative to the page at `page_path`.
fn href_for(site: &Site, from: &Document, target: &LinkTarget, root: &str) -> Resolved {
    match site.resolve(from, target) {
        Ok(Destination::Document { index, anchor }) => {
            let t = &site.documents[index];
            let frag = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            Resolved::Href { href: format!("{root}{}{frag}", t.url()), title: Some(t.title.clone()) }
        }
        Ok(Destination::Clause(id)) => {
            let title = site.catalog.get(&id).map(|i| format!("{} {}", i.id, i.title));
            Resolved::Href { href: format!("{root}{}", model::clause_url(&id)), title }
        }
        Ok(Destination::Asset(rel)) => Resolved::Href { href: format!("{root}files/{}", rel), title: None },
        Ok(Destination::External(u)) => Resolved::Href { href: u, title: None },
        Ok(Destination::SelfAnchor(a)) => Resolved::Href { href: format!("#{a}"), title: None },
        Ok(Destination::Withheld(id)) => Resolved::Withheld(crate::audience::not_published(site, &id)),
        Err(_) => Resolved::Broken,
    }
}

fn document_page(r: &Renderer, d: &Document) -> Result<Page, Diagnostic> {
    let site = r.site;
    let path = d.url();
    let root = root_prefix(&path);
    let is_clause = |id: &str| site.catalog.contains(id);
    let resolve = |t: &LinkTarget| href_for(site, d, t, &root);
    // A mentioned document id (`see GOV-POL-01`) links to that document.
    let mention = |id: &str| -> Option<(String, String)> {
        site.doc(id).filter(|t| t.id != d.id).map(|t| (format!("{root}{}", t.url()), t.title.clone()))
    };
    let render_body = || markdown::render_with_mentions(&d.body, &resolve, &is_clause, site.config.build.allow_html, "", &mention);
    let (body_key, body_html) = match r.cache {
        Some(cache) => {
            // The body's HTML depends on its text and on where each of its links goes.
            let mut h = std::hash::DefaultHasher::new();
            d.source_hash.hash(&mut h);
            site.config.build.allow_html.hash(&mut h);
            for link in &d.links {
                match resolve(&link.target) {
                    Resolved::Href { href, title } => (href, title).hash(&mut h),
                    Resolved::Broken => 0u8.hash(&mut h),
                    Resolved::Withheld(text) => text.hash(&mut h),
                }
            }
            for m in &d.mentions {
                mention(&m.id).hash(&mut h);
            }
            let key = h.finish();
            (key, cache.body(&d.id, key, render_body))
        }
        None => (0, render_body()),
    };
    let lookup = |ids: &mut dyn Iterator<Item = &String>| -> Vec<DocSummary> {
        ids.filter_map(|id| site.doc(id)).map(|t| summary(site, t)).collect()
    };
    let related = lookup(&mut d.related.iter());
    let backlinks: Vec<DocSummary> = site
        .by_id
        .get(&d.id)
        .and_then(|&i| site.backlinks.get(i))
        .map(|sources| sources.iter().map(|&j| summary(site, &site.documents[j])).collect())
        .unwrap_or_default();
    let clauses: Vec<ClauseRef> = d.clauses.iter().map(|c| clause_ref(site, c)).collect();
    let successor = d.superseded_by.as_deref().and_then(|id| site.doc(id)).map(|t| summary(site, t));
    let predecessor = d.supersedes.as_deref().and_then(|id| site.doc(id)).map(|t| summary(site, t));
    let history: Vec<BTreeMap<&str, String>> = d
        .history
        .iter()
        .rev()
        .map(|h| {
            BTreeMap::from([
                ("version", h.version.clone()),
                ("date", h.date.map(|x| x.to_string()).unwrap_or_default()),
                ("author", h.author.clone()),
                ("summary", h.summary.clone()),
            ])
        })
        .collect();
    let register = site.data_for_doc(d).filter(|df| df.list_key != "controls").map(|df| register_view(site, df, &root));
    let soa =
        (site.trace.soa_doc.map(|i| site.documents[i].id.as_str()) == Some(d.id.as_str())).then(|| crate::render_trace::soa_value(site));
    let toc: Vec<&model::Heading> = d.headings.iter().filter(|h| h.level == 2).collect();
    let versions = if site.git.head.is_some() { crate::redline::approved_versions(site, d) } else { Vec::new() };
    let uncontrolled = crate::redline::uncontrolled_change(&versions, d).map(|a| a.version.clone());
    // Who signed the approval, verified against the allowed signers file (on the approval date).
    let approval_signature = d.approval_signature.as_deref().map(|sig| {
        let file = site.config.approval.allowed_signers.as_deref().unwrap_or("");
        crate::signing::view(
            site.config.allowed_signers.as_deref().map(|a| (a.as_slice(), file)),
            crate::signing::APPROVAL_NAMESPACE,
            crate::approval_signature::statement(d).as_bytes(),
            sig,
            d.approved.unwrap_or(site.today),
        )
    });
    r.page_with_body(
        &path,
        "document.html",
        context! {
            title => format!("{} {}", d.id, d.title),
            doc => v(summary(site, d)),
            approval_signature => v(approval_signature),
            history => v(history),
            clauses => v(clauses),
            related => v(related),
            backlinks => v(backlinks),
            successor => v(successor),
            predecessor => v(predecessor),
            toc => v(toc),
            ai_system => d.ai_system.clone(),
            record_date => d.record_date.map(|x| x.to_string()),
            meeting_date => d.meeting_date.map(|x| x.to_string()),
            retention => d.retention.clone(),
            disposition => crate::retention::is_listed(d).then(|| v(crate::retention::entry(site, d))),
            versions => v(&versions),
            uncontrolled => uncontrolled,
            register => register,
            soa => soa,
            commits => v(site.git.history.get(&d.repo_rel).map(|c| c.iter().take(20).cloned().collect::<Vec<_>>()).unwrap_or_default()),
            commit_count => site.git.history.get(&d.repo_rel).map(Vec::len).unwrap_or(0),
            fingerprint => d.fingerprint.clone(),
        },
        Some((body_key, body_html)),
    )
}

/// Everything the site-wide pages show, hashed: every document's control data and clauses,
/// the traceability (statuses, document and record lists, SoA, citations, mandatory documents),
/// the configuration shown on pages, the date, the snapshot identity and the scope summary.
/// Document bodies are deliberately absent: no site-wide page shows them.
pub fn overview_key(site: &Site) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    // Every page speaks the site's language: an edited message renders them again.
    site.messages.fingerprint.hash(&mut h);
    // The fields `summary` shows, read in place (no allocation per document); the review
    // state follows from review_due, status, today and warn_days, all hashed.
    for d in &site.documents {
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
    for (id, c) in &site.trace.coverage {
        (id, c.status.as_str(), &c.documents, &c.records, &c.stale_records, &c.reasons).hash(&mut h);
        // c.soa needs no hashing: it follows from trace.soa and the catalog, both hashed.
        serde_json::to_string(&c.citations).unwrap_or_default().hash(&mut h);
    }
    serde_json::to_string(&site.trace.soa).unwrap_or_default().hash(&mut h);
    serde_json::to_string(&site.trace.mandatory).unwrap_or_default().hash(&mut h);
    site.trace.soa_doc.hash(&mut h);
    // The Retention page and the disposal notes of document pages (retention, history dates and
    // successors' approvals all feed them).
    serde_json::to_string(&crate::retention::entries(site)).unwrap_or_default().hash(&mut h);
    serde_json::to_string(&site.config.book).unwrap_or_default().hash(&mut h);
    serde_json::to_string(&site.config.snapshots).unwrap_or_default().hash(&mut h);
    (site.config.review.warn_days, site.config.traceability.evidence_months, site.today.to_string()).hash(&mut h);
    serde_json::to_string(&site.snapshot).unwrap_or_default().hash(&mut h);
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
fn document_key(site: &Site, index: usize, data_key: u64) -> u64 {
    let d = &site.documents[index];
    let mut h = std::hash::DefaultHasher::new();
    (&d.id, &d.rel, d.source_hash, site.config.build.allow_html, data_key, site.link_keys.get(index)).hash(&mut h);
    // By index: the overview key, combined with this one, covers which document is where.
    site.backlinks.get(index).hash(&mut h);
    site.git.history.get(&d.repo_rel).hash(&mut h);
    h.finish()
}

/// Identifies the text of every data file and what its schema says the columns mean (a new
/// `x-aimsbook` mapping changes which cells link where).
pub fn data_key(site: &Site) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    for df in &site.data_files {
        (&df.rel, &df.text, &*df.semantics).hash(&mut h);
    }
    h.finish()
}

/// Identifies the text of every document and where its links go (for pages that show bodies,
/// like the manual).
pub fn bodies_key(site: &Site) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    for d in &site.documents {
        (&d.id, d.source_hash).hash(&mut h);
    }
    site.link_keys.hash(&mut h);
    site.config.build.allow_html.hash(&mut h);
    h.finish()
}

/// A cell of a rendered register: its text and, for ids, links to what they name.
#[derive(Debug, Clone, Serialize)]
struct Cell {
    text: String,
    links: Vec<(String, String)>,
}

/// A register's rows as a table: columns in first-appearance order, each row with an anchor.
fn register_view(site: &Site, df: &crate::data::DataFile, root: &str) -> Value {
    let systems = site.systems();
    let inventory_url = |sys: &str| -> Option<String> {
        let df = site
            .data_files
            .iter()
            .find(|f| f.kind() == Some(crate::semantics::Kind::Systems) && f.rows.iter().any(|r| r.id() == Some(sys)))?;
        let doc = site.doc_for_data(&df.rel)?;
        Some(format!("{root}{}#row-{}", doc.url(), model::slug(sys)))
    };
    let rows: Vec<Value> = df
        .rows
        .iter()
        .map(|row| {
            let cells: Vec<Cell> = df
                .columns
                .iter()
                .map(|col| {
                    let mut links = Vec::new();
                    // Columns by the role the register's schema gives them (`x-aimsbook.fields`).
                    let role = crate::semantics::ROLES.iter().map(|(r, _)| *r).find(|r| df.col(r) == col.as_str()).unwrap_or(col.as_str());
                    match role {
                        "controls" | "clause" | "clauses" => {
                            for id in row.list(col) {
                                if let Some(item) = site.catalog.get(&id) {
                                    links.push((item.id.clone(), format!("{root}{}", model::clause_url(&item.id))));
                                }
                            }
                        }
                        "ai_system" => {
                            if let Some(sys) = row.str(col) {
                                if systems.contains_key(sys) {
                                    if let Some(url) = inventory_url(sys) {
                                        links.push((sys.to_string(), url));
                                    }
                                }
                            }
                        }
                        "documents" | "document" => {
                            for id in row.list(col) {
                                if let Some(t) = site.doc(&id) {
                                    links.push((id.clone(), format!("{root}{}", t.url())));
                                }
                            }
                        }
                        // A cell of any other column that holds only document ids (`GOV-POL-01`,
                        // `[OPS-PRC-02, OPS-AIA-01]`) links them, as a mention in prose does.
                        _ => {
                            let ids = row.list(col);
                            if !ids.is_empty() && ids.iter().all(|id| site.doc(id).is_some()) {
                                for id in ids {
                                    if let Some(t) = site.doc(&id) {
                                        links.push((id.clone(), format!("{root}{}", t.url())));
                                    }
                                }
                            }
                        }
                    }
                    Cell { text: row.text(col), links }
                })
                .collect();
            context! { anchor => row.anchor(), cells => v(cells) }
        })
        .collect();
    let columns: Vec<String> = df.columns.iter().map(|c| c.replace('_', " ")).collect();
    context! { title => df.title(), columns => columns, rows => rows, count => df.rows.len(), path => df.repo_rel.clone(), raw => format!("files/{}", df.rel), schema => df.schema.clone() }
}

/// "About this snapshot": what an auditor needs to identify the frozen copy.
fn about_page(r: &Renderer) -> Result<Page, Diagnostic> {
    let site = r.site;
    let docs: Vec<DocSummary> = site.documents.iter().map(|d| summary(site, d)).collect();
    r.page("about.html", "about.html", context! { title => r.t("about-title"), docs => v(docs) })
}

/// The Versions page: published snapshots listed in book.toml.
fn versions_page(r: &Renderer) -> Result<Page, Diagnostic> {
    let site = r.site;
    let latest = site.config.snapshots.iter().rev().find(|s| s.path.is_some()).map(|s| s.label.clone());
    r.page(
        "versions.html",
        "versions.html",
        context! { title => r.t("versions-title"), snapshots => v(&site.config.snapshots), latest => latest },
    )
}

/// The latest published snapshot with a path (book.toml `[[snapshots]]`), and what changed
/// since it — or why it could not be read. In an edition, the snapshot's documents are those
/// the edition may show ([`crate::audience::restrict_snapshot_data`]).
pub(crate) fn changes_since(site: &Site) -> Option<(String, Result<crate::snapshot::Diff, String>)> {
    let published = site.config.snapshots.iter().rev().find(|s| s.path.is_some())?;
    let path = published.path.clone().unwrap_or_default();
    let diff = crate::snapshot::load_data(&path, &site.config.root, site.today).map(|old| {
        let old = crate::audience::restrict_snapshot_data(site, old);
        let current = crate::snapshot::data_of(site, crate::snapshot::info_for(site, "current"));
        crate::snapshot::diff(&old, &current)
    });
    Some((published.label.clone(), diff))
}

/// "Changes since LABEL": the current repository against the latest published snapshot.
fn changes_page(r: &Renderer) -> Result<Page, Diagnostic> {
    let Some((label, result)) = changes_since(r.site) else {
        return Err(Diagnostic::new("TPL001", "book.toml", 1, "no published snapshot with a path"));
    };
    let (diff, error) = match result {
        Ok(d) => (Some(d), None),
        Err(e) => (None, Some(e)),
    };
    r.page(
        "changes.html",
        "changes.html",
        context! { title => r.site.messages.get("changes-title", &[("label", label.clone().into())]).unwrap_or_default(), label => label, diff => v(diff), error => error },
    )
}

/// The printed manual's appendix "Changes since LABEL" (template `manual-changes.html`): per
/// changed document what changed in its control data and its text (counts and redline), then
/// the SoA and clause changes. Empty without a published snapshot.
fn manual_changes(r: &Renderer) -> Result<String, Diagnostic> {
    let Some((label, result)) = changes_since(r.site) else { return Ok(String::new()) };
    let (docs, other, error) = match &result {
        Err(e) => (Vec::new(), Vec::new(), Some(e.clone())),
        Ok(diff) => {
            let mut by_doc: BTreeMap<&str, (&str, Vec<&crate::snapshot::Change>, Option<&crate::redline::TextChange>)> = BTreeMap::new();
            for c in
                diff.added.iter().chain(&diff.removed).chain(&diff.reversioned).chain(&diff.status).chain(&diff.owner).chain(&diff.review)
            {
                by_doc.entry(&c.id).or_insert((&c.title, Vec::new(), None)).1.push(c);
            }
            for t in &diff.text {
                by_doc.entry(&t.id).or_insert((&t.title, Vec::new(), None)).2 = Some(t);
            }
            let docs: Vec<Value> = by_doc
                .into_iter()
                .map(|(id, (title, changes, text))| context! { id => id, title => title, changes => v(changes), text => v(text) })
                .collect();
            let other: Vec<&crate::snapshot::Change> = diff.soa.iter().chain(&diff.clauses).collect();
            (docs, other.into_iter().cloned().map(v).collect::<Vec<_>>(), None)
        }
    };
    let old = result.as_ref().ok().and_then(|d| d.old.clone());
    let tmpl = r.env.get_template("manual-changes.html").map_err(|e| template_diag(r.theme, &e))?;
    let ctx = context! { label => label, old => v(old), docs => docs, other => other, error => error, today => r.site.today.to_string() };
    tmpl.render(ctx).map_err(|e| template_diag(r.theme, &e))
}

/// Order of document types in the printable manual: the system's frame first, records last.
const MANUAL_ORDER: &[&str] = &[
    "scope",
    "policy",
    "roles",
    "objectives",
    "methodology",
    "soa",
    "plan",
    "procedure",
    "assessment",
    "register",
    "report",
    "minutes",
    "record",
];

/// Where the manual's frame (cover and table of contents, rendered from `manual.html`) takes
/// the articles: the template prints `articles`, which is this marker until the articles are
/// spliced in.
const MANUAL_ARTICLES_MARK: &str = "<!--aimsbook:manual-articles-->";

/// The printable manual: every approved document with a cover and a table of contents, so a
/// browser's print-to-PDF produces the AIMS manual. Links between documents become in-page links.
///
/// It is the largest page (every body), so it is assembled from parts `serve` can keep: the
/// frame depends only on the documents' control data (the overview key), each article on its
/// document's text, fields and link targets. After a body edit one article is rendered again
/// and the parts are joined.
fn manual_page(r: &Renderer) -> Result<Page, Diagnostic> {
    let site = r.site;
    let mut docs: Vec<usize> = (0..site.documents.len()).filter(|&i| site.documents[i].status == Status::Approved).collect();
    docs.sort_by_key(|&i| {
        let d = &site.documents[i];
        (MANUAL_ORDER.iter().position(|t| *t == d.doc_type).unwrap_or(MANUAL_ORDER.len()), d.id.clone(), i)
    });
    let frame = r.overview("manual.html#frame", || {
        let items: Vec<Value> = docs.iter().map(|&i| context! { doc => v(summary(site, &site.documents[i])) }).collect();
        // The cover and contents are printed with every classification the manual holds.
        let mut classifications: Vec<String> = Vec::new();
        for &i in &docs {
            let c = &site.documents[i].classification;
            if !classifications.contains(c) {
                classifications.push(c.clone());
            }
        }
        let ctx = context! { title => r.t("manual-title"), docs => items, classifications => classifications, articles => Value::from_safe_string(MANUAL_ARTICLES_MARK.into()) };
        r.page_uncached("manual.html", "manual.html", ctx)
    })?;
    let in_manual: std::collections::BTreeSet<&str> = docs.iter().map(|&i| site.documents[i].id.as_str()).collect();
    let is_clause = |id: &str| site.catalog.contains(id);
    let article = |i: usize| -> Result<Arc<str>, Diagnostic> {
        let d = &*site.documents[i];
        let render = || -> Result<Arc<str>, Diagnostic> {
            let prefix = format!("{}--", d.id);
            let resolve = |t: &LinkTarget| match site.resolve(d, t) {
                Ok(Destination::Document { index, anchor }) if in_manual.contains(site.documents[index].id.as_str()) => {
                    let target = &site.documents[index];
                    let href = match anchor {
                        Some(a) if !a.is_empty() => format!("#{}--{a}", target.id),
                        _ => format!("#doc-{}", target.id),
                    };
                    Resolved::Href { href, title: Some(target.title.clone()) }
                }
                Ok(Destination::SelfAnchor(a)) if !a.is_empty() => Resolved::Href { href: format!("#{prefix}{a}"), title: None },
                _ => href_for(site, d, t, ""),
            };
            let body = markdown::render_with_prefix(&d.body, &resolve, &is_clause, site.config.build.allow_html, &prefix);
            let tmpl = r.env.get_template("manual-article.html").map_err(|e| template_diag(r.theme, &e))?;
            let ctx = context! { doc => v(summary(site, d)), body => Value::from_safe_string(body), book => r.book.clone(), today => site.today.to_string() };
            Ok(tmpl.render(ctx).map_err(|e| template_diag(r.theme, &e))?.into())
        };
        let (Some(cache), Some(overview)) = (r.cache, r.overview_key) else { return render() };
        // The overview key covers the fields shown and which documents are in the manual (their
        // status); the link key covers where this document's links go.
        let key = {
            let mut h = std::hash::DefaultHasher::new();
            (d.source_hash, site.link_keys.get(i), overview, site.config.build.allow_html).hash(&mut h);
            h.finish()
        };
        if let Some(hit) = cache.articles.read().ok().and_then(|m| m.get(&d.id).filter(|(k, _)| *k == key).map(|(_, a)| a.clone())) {
            return Ok(hit);
        }
        let made = render()?;
        if let Ok(mut m) = cache.articles.write() {
            m.insert(d.id.clone(), (key, made.clone()));
        }
        Ok(made)
    };
    let articles: Vec<Arc<str>> = docs.par_iter().map(|&i| article(i)).collect::<Result<_, Diagnostic>>()?;
    let appendix = manual_changes(r)?;
    // A theme whose manual.html leaves out `articles` gets its frame as it is.
    let Some(at) = frame.bytes.windows(MANUAL_ARTICLES_MARK.len()).position(|w| w == MANUAL_ARTICLES_MARK.as_bytes()) else {
        return Ok(Page { path: "manual.html".into(), bytes: frame.bytes });
    };
    let (before, after) = (&frame.bytes[..at], &frame.bytes[at + MANUAL_ARTICLES_MARK.len()..]);
    let mut out = Vec::with_capacity(before.len() + after.len() + articles.iter().map(|a| a.len()).sum::<usize>());
    out.extend_from_slice(before);
    for a in &articles {
        out.extend_from_slice(a.as_bytes());
    }
    out.extend_from_slice(appendix.as_bytes());
    out.extend_from_slice(after);
    Ok(Page { path: "manual.html".into(), bytes: out.into() })
}

fn home(r: &Renderer) -> Result<Page, Diagnostic> {
    let site = r.site;
    let scope = site
        .documents
        .iter()
        .filter(|d| d.doc_type == "scope" && !d.status.is_obsolete())
        .min_by_key(|d| (d.status != Status::Approved, d.id.clone()))
        .map(|d| (summary(site, d), first_paragraph(&d.body)));
    let mut overdue = Vec::new();
    let mut due_soon = Vec::new();
    for d in site.current_documents() {
        let s = summary(site, d);
        match s.review_state {
            ReviewState::Overdue => overdue.push(s),
            ReviewState::DueSoon => due_soon.push(s),
            _ => {}
        }
    }
    overdue.sort_by_key(|s| s.days_to_review);
    due_soon.sort_by_key(|s| s.days_to_review);
    let assessable: Vec<_> = site.catalog.assessable().collect();
    let addressed = assessable.iter().filter(|i| site.clause_docs.contains_key(&i.id)).count();
    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &site.documents {
        *types.entry(d.doc_type.as_str()).or_default() += 1;
    }
    r.page(
        "index.html",
        "home.html",
        context! {
            title => site.config.book.title.clone(),
            scope => v(scope.as_ref().map(|(s, _)| s.clone())),
            scope_summary => scope.as_ref().map(|(_, p)| p.clone()).unwrap_or_default(),
            counts => v(site.count_by_status()),
            total => site.documents.len(),
            types => v(types),
            overdue => v(overdue),
            due_soon => v(due_soon),
            assessable_total => assessable.len(),
            assessable_addressed => addressed,
        },
    )
}

/// The first prose paragraph of a body, as plain text (for summaries).
fn first_paragraph(body: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut text = String::new();
    let mut inside = false;
    for e in Parser::new_ext(body, markdown::options()) {
        match e {
            Event::Start(Tag::Paragraph) => inside = true,
            Event::End(TagEnd::Paragraph) if inside => {
                if text.trim().len() > 40 {
                    break;
                }
                text.clear();
                inside = false;
            }
            Event::Text(t) | Event::Code(t) if inside => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if inside => text.push(' '),
            _ => {}
        }
    }
    let t = text.trim();
    if t.chars().count() > 600 {
        format!("{}…", t.chars().take(600).collect::<String>())
    } else {
        t.to_string()
    }
}

fn register(r: &Renderer) -> Result<Page, Diagnostic> {
    let site = r.site;
    let docs: Vec<DocSummary> = site.documents.iter().map(|d| summary(site, d)).collect();
    let mut owners: Vec<String> = docs.iter().map(|d| d.owner.clone()).collect();
    owners.sort();
    owners.dedup();
    site.messages.sort_by_text(&mut owners, |o| o);
    r.page(
        "register.html",
        "register.html",
        context! {
            title => r.t("register-title"),
            docs => v(docs),
            types => v(model::DOC_TYPES.to_vec()),
            statuses => v(model::STATUSES.to_vec()),
            owners => v(owners),
        },
    )
}

fn reviews(r: &Renderer) -> Result<Page, Diagnostic> {
    let site = r.site;
    // The first horizon is the warning window: the same documents as DC008 and the badges.
    let horizons = crate::review::horizons(site.config.review.warn_days);
    let mut buckets: BTreeMap<&str, Vec<DocSummary>> = BTreeMap::new();
    for d in site.current_documents() {
        let s = summary(site, d);
        let key = match (s.review_state, s.days_to_review) {
            (ReviewState::Overdue, _) => "overdue",
            (_, Some(n)) => crate::review::horizon_of(&horizons, n).map_or("unknown", |h| h.key.as_str()),
            (_, None) => "unknown",
        };
        buckets.entry(key).or_default().push(s);
    }
    for v in buckets.values_mut() {
        v.sort_by(|a, b| (a.days_to_review, &a.id).cmp(&(b.days_to_review, &b.id)));
    }
    let days = |n: i64| fluent_bundle::FluentValue::from(n);
    let message = |key: &str, args: &[(&str, fluent_bundle::FluentValue)]| site.messages.get(key, args).unwrap_or_else(|| key.to_string());
    let mut sections = vec![("overdue", r.t("reviews-overdue"), r.t("reviews-overdue-note"))];
    for h in &horizons {
        let label = match h.to {
            Some(to) if h.from == 0 => message("reviews-due-within", &[("n", days(to))]),
            Some(to) => message("reviews-due-between", &[("from", days(h.from)), ("to", days(to))]),
            None => r.t("reviews-later"),
        };
        sections.push((h.key.as_str(), label, String::new()));
    }
    sections.push(("unknown", r.t("reviews-unknown"), String::new()));
    let sections: Vec<Value> = sections
        .iter()
        .map(|(key, label, note)| {
            context! { key => *key, label => label.clone(), note => note.clone(), docs => v(buckets.get(key).cloned().unwrap_or_default()) }
        })
        .collect();
    r.page("reviews.html", "reviews.html", context! { title => r.t("reviews-title"), sections => sections })
}

fn owners_index(r: &Renderer) -> Result<Page, Diagnostic> {
    let site = r.site;
    let mut owners: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for d in &site.documents {
        if d.owner.is_empty() {
            continue;
        }
        let e = owners.entry(d.owner.as_str()).or_default();
        e.0 += 1;
        let s = summary(site, d);
        match s.review_state {
            ReviewState::Overdue => e.1 += 1,
            ReviewState::DueSoon => e.2 += 1,
            _ => {}
        }
    }
    // Names in the language's collation order (Änne beside Anton, not after Zoë).
    let mut owners: Vec<_> = owners.into_iter().collect();
    site.messages.sort_by_text(&mut owners, |(o, _)| o);
    let rows: Vec<Value> = owners
        .iter()
        .map(|(o, (n, over, soon))| context! { name => *o, url => model::owner_url(o), count => n, overdue => over, due_soon => soon })
        .collect();
    r.page("owners/index.html", "owners.html", context! { title => r.t("owners-title"), owners => rows })
}

fn owner_page(r: &Renderer, owner: &str) -> Result<Page, Diagnostic> {
    let site = r.site;
    let owned: Vec<DocSummary> = site.documents.iter().filter(|d| d.owner == owner).map(|d| summary(site, d)).collect();
    let approves: Vec<DocSummary> = site.documents.iter().filter(|d| d.approver == owner).map(|d| summary(site, d)).collect();
    let mut due: Vec<DocSummary> = owned.iter().filter(|s| s.review_state.needs_attention()).cloned().collect();
    due.sort_by_key(|s| s.days_to_review);
    r.page(
        &model::owner_url(owner),
        "owner.html",
        context! { title => owner, owner => owner, owned => v(owned), approves => v(approves), due => v(due) },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefixes() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("doc/POL-001.html"), "../");
        assert_eq!(root_prefix("a/b/c.html"), "../../");
    }

    #[test]
    fn first_paragraph_skips_short_lines() {
        let body = "# Scope\n\nShort.\n\nThis AIMS covers the claims triage model and the customer assistant, and all units.\n";
        assert!(first_paragraph(body).starts_with("This AIMS covers"));
    }

    #[test]
    fn css_strings_and_identifiers_cannot_break_out_of_a_style_element() {
        assert_eq!(css_string("AI Policy"), "\"AI Policy\"");
        let hostile = css_string("a\"b\\c</style><script>\n");
        assert!(!hostile[1..hostile.len() - 1].contains(['"', '<', '>', '\n']), "{hostile}");
        assert_eq!(css_string("x\"y"), "\"x\\22 y\"");
        assert_eq!(css_ident("doc-POL-001"), "doc-POL-001");
        assert_eq!(css_ident("doc-A.1"), "doc-A\\2E 1");
        assert_eq!(css_ident("1st"), "\\31 st");
        assert_eq!(css_ident(""), "_");
    }
}
