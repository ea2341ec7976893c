//! Render stage: views of the [`Site`] model → HTML pages, in parallel, without touching the
//! disk. Each page kind has one function; templates come from the theme and are compiled once
//! per build. Every link is relative to the page, so the site works under any base path and
//! from file://.
pub(crate) mod api;
pub(crate) mod cache;
pub mod changes;
pub mod crosswalk;
pub(crate) mod documents;
mod escape;
pub(crate) mod lists;
pub(crate) mod manual;
pub(crate) mod matrix;
pub(crate) mod redline;
pub(crate) mod register;
pub(crate) mod retention;
pub(crate) mod search;
pub(crate) mod trace;
pub(crate) mod type_pages;

use crate::diagnostics::{Code::*, Diagnostic};
use crate::i18n::Messages;
use crate::model::{Destination, Site};
use crate::parse::document::{self, Document, LinkTarget, Status};
use crate::parse::markdown::{self, Resolved};
use crate::source::theme::Theme;
use bytes::Bytes;
pub use cache::RenderCache;
pub(crate) use cache::{AssetCache, DownloadCache, InputKeys, PlacedPage};
use minijinja::value::Serde;
use minijinja::{context, Environment, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// One output file, path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    /// Shared, immutable bytes: cached pages are reused without copying.
    pub bytes: Bytes,
}

/// Relative prefix from a page to the site root ("", "../", "../../").
pub(crate) fn root_prefix(page_path: &str) -> String {
    "../".repeat(page_path.matches('/').count())
}

/// A document as shown in lists and tables.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DocSummary {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) doc_type: String,
    pub(crate) owner: String,
    pub(crate) owner_url: String,
    pub(crate) approver: String,
    pub(crate) version: String,
    pub(crate) status: &'static str,
    pub(crate) approved: String,
    pub(crate) review_due: String,
    pub(crate) classification: String,
    pub(crate) url: String,
    /// overdue | due-soon | ok | exempt | unknown (the one rule of model/review.rs)
    pub(crate) review_state: crate::model::review::ReviewState,
    pub(crate) days_to_review: Option<i64>,
    pub(crate) path: String,
}

pub(crate) fn summary(site: &Site, d: &Document) -> DocSummary {
    let review = site.review(d);
    DocSummary {
        id: d.id.clone(),
        title: d.title.clone(),
        doc_type: d.doc_type.clone(),
        owner: d.owner.clone(),
        owner_url: document::owner_url(&d.owner),
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
            url: document::clause_url(&item.id),
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
pub(crate) fn environment(theme: &Theme, messages: &Arc<Messages>) -> Result<Environment<'static>, Diagnostic> {
    let mut env = Environment::new();
    add_messages(&mut env, messages);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    escape::install(&mut env);
    let templates = theme.templates.clone();
    env.set_loader(move |name| Ok(templates.get(name).cloned()));
    env.add_filter("slug", |s: String| document::slug(&s));
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
    // A message without arguments is the same on every page (most of a page's dozens of calls):
    // made once per build.
    let plain = ValueMemo::default();
    // Escaped here rather than by the auto-escaper, which also escapes `'` (frequent in
    // messages, needless in double-quoted attributes); `"` is escaped, so it is safe in them.
    env.add_function("t", move |key: String, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
        let make =
            |args| Value::from_safe_string(html_escape::encode_double_quoted_attribute(&format(&m, key.to_string(), args)).into_owned());
        if kwargs.args().next().is_none() {
            return Ok(plain.get_or_make_by(key.as_str(), (), || make(Vec::new())));
        }
        Ok(make(fluent_args(&kwargs, false)?))
    });
    // Plain text for CSS strings (the running headers of printed pages go through `css_string`).
    let m = messages.clone();
    let plain = ValueMemo::default();
    env.add_function("t_text", move |key: String, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
        if kwargs.args().next().is_none() {
            return Ok(plain.get_or_make_by(key.as_str(), (), || Value::from(format(&m, key.clone(), Vec::new()))));
        }
        Ok(Value::from(format(&m, key, fluent_args(&kwargs, false)?)))
    });
    // A message that holds markup (`<strong>`, `<code>`, links): the catalogs are part of the
    // theme, as trusted as its templates.
    let m = messages.clone();
    env.add_function("t_html", move |key: String, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
        Ok(Value::from_safe_string(format(&m, key, fluent_args(&kwargs, true)?)))
    });
    // Pages show the same few dates again and again (today, approval and review dates): each
    // is formatted once per build.
    let m = messages.clone();
    let dates = ValueMemo::default();
    env.add_filter("date", move |value: Value| -> Value {
        match value.as_str() {
            Some(text) => dates.get_or_make_by(text, (), || date_value(&m, value.clone())),
            None => date_value(&m, value),
        }
    });
    // The long form as plain text, for CSS strings (printed headers and footers).
    let m = messages.clone();
    let long_dates = ValueMemo::default();
    env.add_filter("long_date", move |iso: String| -> Value {
        long_dates.get_or_make_by(iso.as_str(), (), || Value::from(m.long_date(&iso).unwrap_or_else(|| iso.clone())))
    });
    // Display names: a handful of values, shown on every page.
    for (filter, family) in [
        ("type_label", "doc-type"),
        ("status_label", "status"),
        ("classification_label", "classification"),
        ("cov_label", "cov"),
        ("kind_label", "kind"),
    ] {
        let m = messages.clone();
        let labels = ValueMemo::default();
        env.add_filter(filter, move |s: String| -> Value { labels.get_or_make_by(s.as_str(), (), || Value::from(m.label(family, &s))) });
    }
    let m = messages.clone();
    env.add_filter("retention_text", move |s: String| crate::render::retention::localized(&m, &s));
    env.add_global("lang", messages.lang.clone());
}

/// Template values by the text they were made from, for the functions and filters whose result
/// depends on nothing else (the messages are fixed for an environment): the project's one memo
/// type, with no fingerprint. What it holds is bounded by what the site shows (message keys,
/// dates, display-name values).
type ValueMemo = crate::support::memo::Memo<String, Value, ()>;

/// What the `date` filter makes of a value: an ISO date as `<time datetime="ISO">` with the
/// long local form, other text unchanged, nothing as "".
fn date_value(m: &Messages, value: Value) -> Value {
    let Some(iso) = value.as_str().map(str::to_string).or_else(|| (!value.is_none() && !value.is_undefined()).then(|| value.to_string()))
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
}

/// Text as a quoted CSS string, safe inside a `<style>` element (for the running headers of
/// printed pages, `content: "…"`): backslash, quotes, `<`, `>`, `&` and control characters
/// become CSS escapes, so no text can end the string or the element.
pub(crate) fn css_string(s: &str) -> String {
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
pub(crate) fn css_ident(s: &str) -> String {
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

pub(crate) fn template_diag(theme: &Theme, e: &minijinja::Error) -> Diagnostic {
    let name = e.name().unwrap_or("template").to_string();
    let file = theme.origins.get(&name).cloned().unwrap_or_else(|| format!("themes/{name}"));
    let file = file.trim_end_matches(" (built in)").to_string();
    let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
    Diagnostic::new(TPL001, file, e.line().unwrap_or(1), format!("template {name}: {}{detail}", e.kind()))
        .help("fix the template; the theme's files override the built-in ones by name")
}

/// The variables of a page's template as one map, later layers overriding earlier ones (as
/// `context! { .., ..ctx }` would): a template looks its names up in one ordered map instead of
/// scanning a chain of merged lists, which was a measurable part of rendering every page (and
/// every name it does not define, such as the `t` function, missed all of them first).
fn flat_context<const N: usize>(layers: [&Value; N]) -> BTreeMap<Arc<str>, Value> {
    let mut map = BTreeMap::new();
    for layer in layers {
        let Ok(keys) = layer.try_iter() else { continue };
        for key in keys {
            let (Some(name), Ok(value)) = (key.as_str(), layer.get_item(&key)) else { continue };
            if !value.is_undefined() {
                map.insert(Arc::from(name), value);
            }
        }
    }
    map
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
    // A section's own folder: its further pages (`register/2.html`, `manual/policy.html`, a
    // clause's page) mark the section as where the reader is.
    let section = |url: &str| match url.split_once('/') {
        Some((folder, _)) => format!("{folder}/"),
        None => format!("{}/", url.trim_end_matches(".html")),
    };
    v(items
        .iter()
        .map(|(key, url)| BTreeMap::from([("label", messages.t(key)), ("url", format!("{root}{url}")), ("section", section(url))]))
        .collect::<Vec<_>>())
}

/// What render is given besides the site: what the driver read from disk (the latest
/// published snapshot) and what the command decided (the identity of the snapshot being
/// written). Render itself never reads a file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Inputs {
    pub(crate) published: Option<changes::Published>,
    /// Set while rendering a snapshot: pages say which frozen copy they belong to.
    pub(crate) snapshot: Option<crate::model::snapshot::SnapshotInfo>,
    /// The documents' files at the commits that touched them, for the redlines
    /// ([`redline::blob_keys`]).
    pub(crate) blobs: Arc<crate::source::git::Blobs>,
}

pub(crate) struct Renderer<'a> {
    pub(crate) site: &'a Site,
    env: &'a Environment<'static>,
    theme: &'a Theme,
    book: Value,
    cache: Option<&'a RenderCache>,
    inputs: &'a Inputs,
    /// Fingerprint of the inputs of the site-wide pages (only computed for `serve`).
    overview_key: Option<u64>,
    /// Which page of the manual prints each approved document.
    manual: Arc<manual::Plan>,
    /// What changed since the latest published snapshot ([`changes::changes_since`]).
    changes: std::sync::OnceLock<Option<(String, Result<changes::Diff, String>)>>,
    /// The main navigation by the depth of the page in the site (it differs only in its
    /// relative prefix): made once per build instead of once per page.
    navs: [std::sync::OnceLock<Value>; 4],
    /// The review periods and the retention states with their documents, for both the
    /// overview page and each list's own pages: made once (set by `render_site`, which may
    /// take them from the cache of `serve`).
    review_buckets: std::sync::OnceLock<Arc<Vec<register::Bucket>>>,
    retention_lists: std::sync::OnceLock<Arc<Vec<retention::StateList>>>,
}

impl Renderer<'_> {
    pub(crate) fn review_buckets(&self) -> &Arc<Vec<register::Bucket>> {
        self.review_buckets.get_or_init(|| Arc::new(register::buckets(self.site)))
    }

    pub(crate) fn retention_lists(&self) -> &Arc<Vec<retention::StateList>> {
        self.retention_lists.get_or_init(|| Arc::new(retention::lists(self.site)))
    }

    /// The main navigation for pages under `root` ([`root_prefix`]).
    fn nav(&self, root: &str) -> Value {
        let depth = root.len() / 3;
        match self.navs.get(depth) {
            Some(slot) => slot.get_or_init(|| nav(root, &self.site.messages)).clone(),
            None => nav(root, &self.site.messages),
        }
    }

    /// An interface message in the site's language.
    pub(crate) fn t(&self, key: &str) -> String {
        self.site.messages.t(key)
    }

    /// A site-wide page (lists, matrices, clause pages): its inputs are summarised by
    /// [`cache::overview_key`], so in `serve` it is not even re-assembled while that key is unchanged
    /// (the common edit — a document's body — leaves it unchanged).
    fn overview(&self, path: &str, build: impl FnOnce() -> Result<Page, Diagnostic>) -> Result<Page, Diagnostic> {
        self.overview_with(path, 0, build)
    }

    /// As [`overview`](Self::overview), for a page that also shows document bodies: `extra`
    /// identifies them (see [`cache::bodies_key`]).
    fn overview_with(&self, path: &str, extra: u64, build: impl FnOnce() -> Result<Page, Diagnostic>) -> Result<Page, Diagnostic> {
        let (Some(cache), Some(key)) = (self.cache, self.overview_key.map(|k| k ^ extra.rotate_left(1))) else { return build() };
        if let Some(hit) = cache.overview.get(path, &key) {
            cache.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(Page { path: path.to_string(), bytes: hit });
        }
        let page = build()?;
        cache.overview.put(path.to_string(), key, page.bytes.clone());
        Ok(page)
    }

    /// A snippet of template source rendered with the theme (its macros, filters and
    /// messages), for markup that pages and scripts share (see [`register`]).
    pub(crate) fn fragment(&self, source: &str, ctx: Value) -> Result<String, Diagnostic> {
        self.env.render_str(source, ctx).map_err(|e| template_diag(self.theme, &e))
    }

    /// A date as HTML, as the `date` filter shows it.
    pub(crate) fn date_html(&self, iso: &str) -> String {
        let value = date_value(&self.site.messages, Value::from(iso));
        if value.is_safe() {
            value.to_string()
        } else {
            html_escape::encode_text(&value.to_string()).into_owned()
        }
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
        let shared = context! {
            book => self.book.clone(),
            root => root.clone(),
            nav => self.nav(&root),
            // The messages shape every page: a changed translation renders the pages again.
            messages_key => self.site.messages.fingerprint,
            today => self.site.today.to_string(),
            page_path => path,
            generator => concat!("aimsbook ", env!("CARGO_PKG_VERSION")),
            page_size => self.site.config.pdf.paper.css(),
            snapshot => v(&self.inputs.snapshot),
            edition => v(&self.site.edition),
        };
        let mut full = flat_context([&ctx, &shared]);
        // A page whose template and context are unchanged renders to the same bytes: its
        // context is exactly its set of inputs, so this is the dependency tracking of `serve`.
        let key = cache.map(|_| {
            let mut h = crate::support::hash::hasher();
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
        if let Some((_, html)) = body {
            full.insert("body".into(), Value::from_safe_string(html));
        }
        let full = Value::from(full);
        let tmpl = self.env.get_template(template).map_err(|e| template_diag(self.theme, &e))?;
        let html = tmpl.render(full).map_err(|e| template_diag(self.theme, &e))?;
        let bytes: Bytes = html.into_bytes().into();
        if let (Some(cache), Some(key)) = (cache, key) {
            cache.put_page(path, key, bytes.clone());
        }
        Ok(Page { path: path.to_string(), bytes })
    }
}

/// A site-wide page, declared once: where it is written, the template it is rendered with,
/// the function that renders it, whether this site has it and how `serve` reuses it. Pages
/// that exist once per item of the model (documents, clauses, owners, crosswalks, redlines) are
/// listed by [`render_site`] from the model.
pub(crate) struct SitePage {
    pub(crate) path: &'static str,
    pub(crate) template: &'static str,
    build: fn(&Renderer, &SitePage) -> Result<Page, Diagnostic>,
    exists: fn(&Site, &Inputs) -> bool,
    reuse: Reuse,
}

/// How a page's bytes are reused between `serve` rebuilds (see [`cache`]).
#[derive(Clone, Copy)]
enum Reuse {
    /// Rendered again when the site-wide inputs change ([`cache::overview_key`]).
    Overview,
    /// Rendered on every build.
    Never,
}

fn always(_: &Site, _: &Inputs) -> bool {
    true
}

/// The site-wide pages. A theme overrides a page by its template name.
const SITE_PAGES: &[SitePage] = &[
    SitePage { path: "index.html", template: "home.html", build: lists::home, exists: always, reuse: Reuse::Overview },
    SitePage { path: "register.html", template: "register.html", build: register::first_page, exists: always, reuse: Reuse::Overview },
    SitePage { path: "reviews.html", template: "reviews.html", build: register::reviews, exists: always, reuse: Reuse::Overview },
    SitePage { path: "retention.html", template: "retention.html", build: retention::page, exists: always, reuse: Reuse::Overview },
    SitePage { path: "owners/index.html", template: "owners.html", build: lists::owners_index, exists: always, reuse: Reuse::Overview },
    SitePage { path: "clauses/index.html", template: "clauses.html", build: trace::clauses_index, exists: always, reuse: Reuse::Overview },
    SitePage { path: "matrix.html", template: "matrix.html", build: matrix::overview_page, exists: always, reuse: Reuse::Overview },
    SitePage { path: "gaps.html", template: "gaps.html", build: trace::gaps_page, exists: always, reuse: Reuse::Overview },
    SitePage { path: "mandatory.html", template: "mandatory.html", build: trace::mandatory_page, exists: always, reuse: Reuse::Overview },
    SitePage { path: "search.html", template: "search.html", build: lists::search_page, exists: always, reuse: Reuse::Overview },
    SitePage { path: "manual.html", template: "manual.html", build: manual::manual_page, exists: always, reuse: Reuse::Overview },
    // The manual's appendix, against the latest published snapshot (as changes.html).
    SitePage {
        path: manual::APPENDIX_PATH,
        template: "manual-appendix.html",
        build: manual::appendix_page,
        exists: |_, inputs| inputs.published.is_some(),
        reuse: Reuse::Never,
    },
    SitePage { path: "versions.html", template: "versions.html", build: lists::versions_page, exists: always, reuse: Reuse::Overview },
    SitePage {
        path: "soa.html",
        template: "soa.html",
        build: trace::soa_page,
        exists: |site, _| site.trace.soa_doc.is_some(),
        reuse: Reuse::Overview,
    },
    SitePage { path: "404.html", template: "404.html", build: lists::not_found_page, exists: always, reuse: Reuse::Overview },
    // Only in a snapshot: which frozen copy this is, and whether its signature verified.
    SitePage {
        path: "about.html",
        template: "about.html",
        build: lists::about_page,
        exists: |_, inputs| inputs.snapshot.is_some(),
        reuse: Reuse::Overview,
    },
    // Against the latest published snapshot ([[snapshots]] with a path in book.toml).
    SitePage {
        path: "changes.html",
        template: "changes.html",
        build: changes::changes_page,
        exists: |site, _| site.config.snapshots.iter().any(|s| s.path.is_some()),
        reuse: Reuse::Never,
    },
];

/// Renders every page of the site and hands each to `emit` as soon as it is rendered (from
/// several threads at once), so a build holds only the pages in flight, not the whole site.
/// Returns how many pages were emitted. Errors are template errors (TPL001) or what `emit`
/// returned; after the first `emit` error no further page is rendered. With a cache (`serve`),
/// pages whose inputs are unchanged are reused.
pub(crate) fn render_site(
    site: &Site,
    theme: &Theme,
    inputs: &Inputs,
    cache: Option<(&RenderCache, InputKeys)>,
    emit: &(dyn Fn(Page) -> Result<(), Diagnostic> + Sync),
) -> Result<usize, Vec<Diagnostic>> {
    let timer = crate::support::timer::Timer::new();
    let keys = cache.map(|(_, k)| k);
    let cache = cache.map(|(c, _)| c);
    let env = match cache {
        Some(c) => {
            let key = crate::support::hash::fingerprint(&(&theme.templates, site.messages.fingerprint));
            match c.environment.get(&(), &key) {
                Some(env) => env,
                None => {
                    let env = Arc::new(environment(theme, &site.messages).map_err(|d| vec![d])?);
                    c.environment.put((), key, env.clone());
                    env
                }
            }
        }
        None => Arc::new(environment(theme, &site.messages).map_err(|d| vec![d])?),
    };
    timer.lap("  templates");
    let book = v(&site.config.book);
    if let Some(c) = cache {
        c.check_theme(theme);
    }
    let overview_key = keys.map(|k| k.overview);
    let data_key = keys.map_or(0, |k| k.data);
    // The page layouts of the manual, the matrix and the review calendar: made again in
    // `serve` only when the site-wide inputs changed.
    fn laid_out<T>(slot: Option<&crate::support::memo::Slot<Arc<T>>>, key: Option<u64>, make: impl FnOnce() -> T) -> Arc<T> {
        match (slot, key) {
            (Some(slot), Some(key)) => slot.get_or_make((), key, || Arc::new(make())),
            _ => Arc::new(make()),
        }
    }
    let manual = laid_out(cache.map(|c| &c.manual_plan), overview_key, || manual::Plan::of(site));
    let matrix_groups = laid_out(cache.map(|c| &c.matrix_groups), overview_key, || matrix::groups(site));
    let review_buckets = laid_out(cache.map(|c| &c.review_buckets), overview_key, || register::buckets(site));
    let retention_lists = laid_out(cache.map(|c| &c.retention_lists), overview_key, || retention::lists(site));
    let owner_lists = laid_out(cache.map(|c| &c.owner_lists), overview_key, || lists::owner_lists(site));
    let r = Renderer {
        site,
        env: &env,
        theme,
        book,
        cache,
        inputs,
        overview_key,
        manual,
        changes: Default::default(),
        navs: Default::default(),
        review_buckets: review_buckets.into(),
        retention_lists: retention_lists.into(),
    };

    type Job<'a> = Box<dyn Fn() -> Result<Page, Diagnostic> + Send + Sync + 'a>;
    let mut jobs: Vec<Job> = Vec::new();
    for p in SITE_PAGES.iter().filter(|p| (p.exists)(site, inputs)) {
        let r = &r;
        jobs.push(match p.reuse {
            Reuse::Overview => Box::new(move || r.overview(p.path, || (p.build)(r, p))),
            Reuse::Never => Box::new(move || (p.build)(r, p)),
        });
    }
    for k in 0..r.manual.pages.len() {
        let r = &r;
        jobs.push(Box::new(move || manual::part_page(r, k)));
    }
    for (ns, title) in crate::render::crosswalk::mapped_frameworks(site) {
        let r = &r;
        jobs.push(Box::new(move || {
            r.overview(&crate::render::crosswalk::page_path(&ns), || crate::render::crosswalk::coverage_page(r, &ns, &title))
        }));
    }
    for owner in owner_lists.iter() {
        let r = &r;
        jobs.push(Box::new(move || r.overview(&document::owner_url(&owner.owner), || lists::owner_page(r, owner))));
        for (key, page) in owner.pages() {
            jobs.push(Box::new(move || r.overview(&owner.page_path(key, page), || lists::owner_list_page(r, owner, key, page))));
        }
    }
    for group in matrix_groups.iter() {
        for page in 1..=group.page_count() {
            let r = &r;
            jobs.push(Box::new(move || r.overview(&group.page_path(page), || matrix::group_page(r, group, page))));
        }
    }
    // The register's further pages, its data files when it has more than one page, and each
    // review period's own list (see [`register`]).
    let register_pages = register::page_count(site);
    for page in 2..=register_pages {
        let r = &r;
        jobs.push(Box::new(move || r.overview(&register::page_path(page), || register::page(r, page))));
    }
    for page in (1..=register_pages).filter(|_| register_pages > 1) {
        let r = &r;
        jobs.push(Box::new(move || r.overview(&register::rows_path(page), || register::rows_file(r, page))));
    }
    for bucket in r.review_buckets().iter() {
        for page in 1..=bucket.page_count() {
            let r = &r;
            jobs.push(Box::new(move || r.overview(&bucket.page_path(page), || register::bucket_page(r, bucket, page))));
        }
    }
    for list in r.retention_lists().iter() {
        for page in 1..=list.page_count() {
            let r = &r;
            jobs.push(Box::new(move || r.overview(&list.page_path(page), || retention::state_page(r, list, page))));
        }
    }
    for item in &site.catalog.items {
        let r = &r;
        jobs.push(Box::new(move || r.overview(&document::clause_url(&item.id), || crate::render::trace::clause_page(r, item))));
        for (key, page) in crate::render::trace::clause_list_pages(site, item) {
            jobs.push(Box::new(move || {
                r.overview(&crate::render::trace::clause_list_path(&item.id, key, page), || {
                    crate::render::trace::clause_list_page(r, item, key, page)
                })
            }));
        }
    }
    let paged = &site.paged;
    // `serve`: a document page whose document and key are those of the last rebuild at the same
    // place is handed over as it was; the others are rendered (or found by path) below.
    let page_key = |i: usize, overview: u64| overview ^ cache::document_key(site, i, data_key).rotate_left(1);
    let placed = match (cache, overview_key) {
        (Some(c), Some(overview)) => {
            let last = c.placed_documents.lock().map(|mut l| std::mem::take(&mut *l)).unwrap_or_default();
            let shared = cache::SharedInputs::of(site, overview, data_key);
            let same_shared = last.shared.as_ref().is_some_and(|s| s.same(&shared));
            let mut pages = last.pages;
            let kept: Vec<Option<PlacedPage>> = paged
                .iter()
                .enumerate()
                .map(|(k, &i)| {
                    let slot = pages.get_mut(k)?;
                    let (was, link_key, key, _) = slot.as_ref()?;
                    let d = &site.documents[i];
                    let link_now = site.link_keys.get(i).copied().unwrap_or_default();
                    let unchanged = Arc::ptr_eq(was, d) && (same_shared && *link_key == link_now || *key == page_key(i, overview));
                    if !unchanged {
                        return None;
                    }
                    slot.take().map(|(d, _, key, bytes)| (d, link_now, key, bytes))
                })
                .collect();
            drop(pages);
            Some((c, overview, shared, kept))
        }
        _ => None,
    };
    for (k, &i) in paged.iter().enumerate() {
        if placed.as_ref().is_some_and(|(_, _, _, kept)| kept[k].is_some()) {
            continue;
        }
        let d = &site.documents[i];
        let r = &r;
        jobs.push(Box::new(move || r.overview_with(&d.url(), cache::document_key(site, i, data_key), || documents::document_page(r, d))));
    }
    // Errors are kept with the index of their job, so that they are reported in the same order
    // however the threads interleave.
    let errors: std::sync::Mutex<Vec<(usize, Diagnostic)>> = Default::default();
    let emit_failed = std::sync::atomic::AtomicBool::new(false);
    let emitted = std::sync::atomic::AtomicUsize::new(0);
    let record = |at: usize, d: Diagnostic| {
        if let Ok(mut e) = errors.lock() {
            e.push((at, d));
        }
    };
    let send = |at: usize, page: Page| match emit(page) {
        Ok(()) => {
            emitted.fetch_add(1, Ordering::Relaxed);
        }
        Err(d) => {
            emit_failed.store(true, Ordering::Relaxed);
            record(at, d);
        }
    };
    if let Some((c, _, _, kept)) = &placed {
        let mut handed = 0;
        for (k, (_, _, _, bytes)) in kept.iter().enumerate().filter_map(|(k, p)| p.as_ref().map(|p| (k, p))) {
            send(jobs.len(), Page { path: site.documents[paged[k]].url(), bytes: bytes.clone() });
            handed += 1;
        }
        c.reused.fetch_add(handed, Ordering::Relaxed);
    }
    // One job per task: rayon otherwise stops splitting a range that was not stolen, and the
    // jobs are of very unequal cost (a manual page holds a hundred documents, a clause page is
    // small), so a last run of document pages went on one core while the other idled.
    jobs.par_iter().enumerate().with_max_len(1).for_each(|(at, job)| {
        if emit_failed.load(Ordering::Relaxed) {
            return;
        }
        match job() {
            Ok(page) => send(at, page),
            Err(d) => record(at, d),
        }
    });
    timer.lap("  pages");
    if let Some((c, overview, shared, kept)) = placed {
        // The pages rendered now are in the overview memo under their keys.
        let now: Vec<Option<PlacedPage>> = kept
            .into_iter()
            .enumerate()
            .map(|(k, p)| {
                let i = paged[k];
                let d = &site.documents[i];
                p.or_else(|| {
                    let key = page_key(i, overview);
                    let link_key = site.link_keys.get(i).copied().unwrap_or_default();
                    c.overview.get(d.url().as_str(), &key).map(|bytes| (d.clone(), link_key, key, bytes))
                })
            })
            .collect();
        if let Ok(mut l) = c.placed_documents.lock() {
            *l = cache::Placed { shared: Some(shared), pages: now };
        }
    }
    if !emit_failed.load(Ordering::Relaxed) {
        match crate::render::redline::pages(&r) {
            Ok(redlines) => redlines.into_iter().for_each(|p| send(jobs.len(), p)),
            Err(d) => record(jobs.len(), d),
        }
    }
    let mut found = errors.into_inner().unwrap_or_default();
    found.sort_by_key(|(at, _)| *at);
    let mut unique: Vec<Diagnostic> = Vec::new();
    for (_, d) in found {
        if !unique.contains(&d) {
            unique.push(d);
        }
    }
    if unique.is_empty() {
        Ok(emitted.into_inner())
    } else {
        Err(unique)
    }
}

/// The continuous manual for paper ([`manual::PRINT_PATH`], see [`manual::print_manual`]):
/// rendered only when `aimsbook pdf` asks for it, never part of the site.
pub(crate) fn render_print_manual(site: &Site, theme: &Theme, inputs: &Inputs) -> Result<Page, Diagnostic> {
    let env = environment(theme, &site.messages)?;
    let r = Renderer {
        site,
        env: &env,
        theme,
        book: v(&site.config.book),
        cache: None,
        inputs,
        overview_key: None,
        manual: Arc::new(manual::Plan::of(site)),
        changes: Default::default(),
        navs: Default::default(),
        review_buckets: Default::default(),
        retention_lists: Default::default(),
    };
    manual::print_manual(&r)
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
        assert!(lists::first_paragraph(body).starts_with("This AIMS covers"));
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
