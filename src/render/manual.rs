//! The manual: every approved document in reading order.
//!
//! In the site it is split into pages a browser can open: `manual.html` is the cover and the
//! contents, each part (the documents of one type) has its own page under `manual/` (several
//! when it holds more than [`DOCS_PER_PAGE`] documents; named by [`super::type_pages`], as the
//! type's pages of the matrix are), and the "Changes since" appendix has its own page. For
//! paper (`aimsbook pdf`) the same templates render one continuous page, [`print_manual`], which
//! is not part of the built site.

use super::changes::manual_changes;
use super::documents::href_for;
use super::type_pages::TypePages;
use super::*;
use crate::support::hash::Map;

/// Order of document types in the printable manual: the system's frame first, records last.
pub(super) const MANUAL_ORDER: &[&str] = &[
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
pub(super) const MANUAL_ARTICLES_MARK: &str = "<!--aimsbook:manual-articles-->";

/// Most documents on one part page. A document of the benchmark corpus is about 6 KB of HTML,
/// so a full page is about 0.6 MB; a part is split in fixed runs of this many documents (in id
/// order), so adding a document moves as few documents to another page as possible.
pub(crate) const DOCS_PER_PAGE: usize = 100;

/// Most documents the site's contents page lists one by one. Above it the contents list each
/// part's pages with the first and last id they hold (each page lists its own documents), so
/// `manual.html` grows with the number of pages (one line per hundred documents), not with
/// every document: 500 entries are about 70 KB of HTML, 20,000 would be 2.6 MB.
pub(crate) const CONTENTS_LIMIT: usize = 500;

/// The folder of the manual's pages in the site.
pub(crate) const FOLDER: &str = "manual";
/// The page of the appendix "Changes since LABEL" (when a published snapshot is configured).
pub(crate) const APPENDIX_PATH: &str = "manual/changes.html";
/// The continuous manual `aimsbook pdf` prints; written only into the PDF's work folder.
pub const PRINT_PATH: &str = "manual-print.html";

/// Where every approved document of the manual is printed: the parts in reading order, each
/// split into pages. Computed once per build from the documents' control data (types, ids,
/// statuses), all of which the overview key covers.
pub(crate) struct Plan {
    /// The approved documents (indexes into `site.documents`) in reading order.
    pub(crate) docs: Vec<usize>,
    /// The part pages, in reading order.
    pub(crate) pages: Vec<PartPage>,
    /// The parts: their document type and their pages (a range of `pages`).
    pub(crate) parts: Vec<(String, std::ops::Range<usize>)>,
    /// The page (index into `pages`) of each document in the manual, by document index.
    page_of: Map<usize, usize>,
}

/// One page of a part: its path in the site and its documents.
pub(crate) struct PartPage {
    pub(crate) path: String,
    pub(crate) part: usize,
    /// 1-based number of this page within its part.
    pub(crate) number: usize,
    pub(crate) docs: Vec<usize>,
}

impl Plan {
    pub(crate) fn of(site: &Site) -> Plan {
        let mut docs: Vec<usize> = (0..site.documents.len()).filter(|&i| site.documents[i].status == Status::Approved).collect();
        // The known types in their order, then the others by name (a part per type).
        // Keys computed once per document: finding the type's place for every comparison cost
        // more than the sort.
        docs.sort_by_cached_key(|&i| {
            let d = &site.documents[i];
            let known = MANUAL_ORDER.iter().position(|t| *t == d.doc_type).unwrap_or(MANUAL_ORDER.len());
            (known, if known == MANUAL_ORDER.len() { d.doc_type.as_str() } else { "" }, d.id.as_str(), i)
        });
        let types = TypePages::of(site);
        let (mut pages, mut parts, mut page_of) = (Vec::new(), Vec::new(), Map::default());
        let mut start = 0;
        while start < docs.len() {
            let doc_type = &site.documents[docs[start]].doc_type;
            let end = start + docs[start..].iter().take_while(|&&i| &site.documents[i].doc_type == doc_type).count();
            let runs: Vec<&[usize]> = docs[start..end].chunks(DOCS_PER_PAGE).collect();
            let first = pages.len();
            for (number, run) in (1..).zip(runs) {
                for &i in run {
                    page_of.insert(i, pages.len());
                }
                let path = format!("{FOLDER}/{}.html", types.page_name(doc_type, number));
                pages.push(PartPage { path, part: parts.len(), number, docs: run.to_vec() });
            }
            parts.push((doc_type.clone(), first..pages.len()));
            start = end;
        }
        Plan { docs, pages, parts, page_of }
    }

    /// The page (index into `pages`) that prints document `index`, if it is in the manual.
    pub(crate) fn page_of(&self, index: usize) -> Option<usize> {
        self.page_of.get(&index).copied()
    }
}

/// The file name of a page in the manual's folder (`manual/a.html` → `a.html`).
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The classifications the given documents hold, in order of first appearance (the cover and
/// the running footer print them).
fn classifications(site: &Site, docs: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &i in docs {
        let c = &site.documents[i].classification;
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

/// The label of the published snapshot the appendix compares with, when there is one.
fn appendix_label(r: &Renderer) -> Option<String> {
    r.inputs.published.as_ref().map(|p| p.label.clone())
}

/// The context of `manual.html`: the cover and the contents. In the site (`print` false) the
/// contents link every document into its part page and the appendix page; for paper they are
/// in-page links to the articles that follow.
fn contents_context(r: &Renderer, print: bool) -> Value {
    let site = r.site;
    let plan = &r.manual;
    // The continuous manual prints every document; the site's contents list them while they
    // are few enough, otherwise the pages of each part.
    let listed = print || plan.docs.len() <= CONTENTS_LIMIT;
    let items: Vec<Value> =
        if print { plan.docs.iter().map(|&i| context! { doc => v(summary(site, &site.documents[i])) }).collect() } else { Vec::new() };
    let parts: Vec<Value> = plan
        .parts
        .iter()
        .map(|(doc_type, range)| {
            let part_pages = &plan.pages[range.clone()];
            let pages: Vec<Value> = part_pages
                .iter()
                .map(|p| {
                    let first = &site.documents[p.docs[0]].id;
                    let last = &site.documents[p.docs[p.docs.len() - 1]].id;
                    context! { url => p.path.clone(), number => p.number, first => first, last => last, count => p.docs.len() }
                })
                .collect();
            let docs: Vec<Value> = if !listed {
                Vec::new()
            } else {
                part_pages
                    .iter()
                    .flat_map(|p| p.docs.iter().map(move |&i| (p, i)))
                    .map(|(p, i)| {
                        let d = &site.documents[i];
                        let url = format!("{}#doc-{}", p.path, d.id);
                        context! { id => &d.id, title => &d.title, version => &d.version_text, url => url }
                    })
                    .collect()
            };
            let count: usize = part_pages.iter().map(|p| p.docs.len()).sum();
            context! { doc_type => doc_type, label => part_label(r, doc_type), url => part_pages[0].path.clone(), pages => pages, docs => docs, count => count }
        })
        .collect();
    let appendix = appendix_label(r).map(|label| context! { url => APPENDIX_PATH, label => label });
    context! {
        title => r.t(if print { "manual-title" } else { "manual-contents-title" }),
        continuous => print,
        count => plan.docs.len(),
        listed => listed,
        limit => CONTENTS_LIMIT,
        docs => items,
        parts => parts,
        appendix => appendix,
        classifications => classifications(site, &plan.docs),
        articles => Value::from_safe_string(if print { MANUAL_ARTICLES_MARK.into() } else { String::new() }),
    }
}

/// The manual's contents page, `manual.html`: the cover, the parts in reading order with
/// their documents, the appendix, and how to print.
pub(crate) fn manual_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    r.page_uncached(p.path, p.template, contents_context(r, false))
}

/// A neighbour in the manual's reading order, for the part pages' navigation: its path and
/// its title.
fn neighbour(r: &Renderer, k: usize) -> Option<Value> {
    let plan = &r.manual;
    match plan.pages.get(k) {
        Some(p) => Some(context! { url => file_name(&p.path), title => part_title(r, p) }),
        None if k == plan.pages.len() && r.inputs.published.is_some() => {
            Some(context! { url => file_name(APPENDIX_PATH), title => appendix_title(r) })
        }
        None => None,
    }
}

/// A part page's title: the type's display name, and the page's number when the part has
/// several.
fn part_title(r: &Renderer, p: &PartPage) -> String {
    let m = &r.site.messages;
    let (doc_type, range) = &r.manual.parts[p.part];
    let label = part_label(r, doc_type);
    if range.len() == 1 {
        return label;
    }
    let args = [("part", label.clone().into()), ("page", (p.number as i64).into()), ("pages", (range.len() as i64).into())];
    m.get("manual-part-title", &args).unwrap_or(label)
}

/// A part's name as a heading: the type's display name (`doc-type-WORD`, else the word) with
/// its first letter capitalised.
fn part_label(r: &Renderer, doc_type: &str) -> String {
    let label = r.site.messages.label("doc-type", doc_type);
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => label,
    }
}

fn appendix_title(r: &Renderer) -> String {
    let label = appendix_label(r).unwrap_or_default();
    let changes = r.site.messages.get("changes-title", &[("label", label.into())]).unwrap_or_default();
    format!("{}: {changes}", r.t("manual-appendix"))
}

/// Part page `k` of the manual (`manual/SLUG.html`, `manual/SLUG-2.html`, …): its header and
/// navigation, its print rules, and its documents' articles. In `serve` the frame is reused
/// while the control data are unchanged, the articles while their documents are, and the page
/// is spliced again only when one of its own documents changed.
pub(crate) fn part_page(r: &Renderer, k: usize) -> Result<Page, Diagnostic> {
    let site = r.site;
    let p = &r.manual.pages[k];
    let bodies = {
        let mut h = crate::support::hash::hasher();
        for &i in &p.docs {
            (site.documents[i].source_hash, site.link_keys.get(i)).hash(&mut h);
        }
        site.config.build.allow_html.hash(&mut h);
        h.finish()
    };
    r.overview_with(&p.path, bodies, || {
        let frame = r.overview(&format!("{}#frame", p.path), || {
            let docs: Vec<Value> = p.docs.iter().map(|&i| context! { doc => v(summary(site, &site.documents[i])) }).collect();
            let (doc_type, range) = &r.manual.parts[p.part];
            let ctx = context! {
                title => part_title(r, p),
                part => context! { doc_type => doc_type, label => part_label(r, doc_type), number => p.number, pages => range.len() },
                docs => docs,
                classifications => classifications(site, &p.docs),
                prev => k.checked_sub(1).and_then(|j| neighbour(r, j)),
                next => neighbour(r, k + 1),
                articles => Value::from_safe_string(MANUAL_ARTICLES_MARK.into()),
            };
            r.page_uncached(&p.path, "manual-part.html", ctx)
        })?;
        let articles: Vec<Arc<str>> = p.docs.par_iter().map(|&i| article(r, i, Some(k))).collect::<Result<_, Diagnostic>>()?;
        Ok(splice(&p.path, frame.bytes, &articles, ""))
    })
}

/// The appendix page, `manual/changes.html`: "Changes since LABEL" against the latest
/// published snapshot.
pub(crate) fn appendix_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let appendix = manual_changes(r)?;
    let last = r.manual.pages.len().checked_sub(1).and_then(|k| neighbour(r, k));
    let ctx = context! { title => appendix_title(r), prev => last, appendix => Value::from_safe_string(appendix) };
    r.page_uncached(p.path, p.template, ctx)
}

/// The continuous manual for paper ([`PRINT_PATH`]): cover, contents (with the `data-toc-page`
/// slots `aimsbook pdf` fills with page numbers), every article with its named `@page`, then
/// the appendix. Links between the manual's documents are in-page links.
pub(crate) fn print_manual(r: &Renderer) -> Result<Page, Diagnostic> {
    let frame = r.page_uncached(PRINT_PATH, "manual.html", contents_context(r, true))?;
    let articles: Vec<Arc<str>> = r.manual.docs.par_iter().map(|&i| article(r, i, None)).collect::<Result<_, Diagnostic>>()?;
    let appendix = manual_changes(r)?;
    Ok(splice(PRINT_PATH, frame.bytes, &articles, &appendix))
}

/// The frame with the articles (and the appendix) where it prints the marker. A theme whose
/// template leaves out `articles` gets its frame as it is.
fn splice(path: &str, frame: Bytes, articles: &[Arc<str>], appendix: &str) -> Page {
    let Some(at) = frame.windows(MANUAL_ARTICLES_MARK.len()).position(|w| w == MANUAL_ARTICLES_MARK.as_bytes()) else {
        return Page { path: path.into(), bytes: frame };
    };
    let (before, after) = (&frame[..at], &frame[at + MANUAL_ARTICLES_MARK.len()..]);
    let mut out = Vec::with_capacity(before.len() + after.len() + appendix.len() + articles.iter().map(|a| a.len()).sum::<usize>());
    out.extend_from_slice(before);
    for a in articles {
        out.extend_from_slice(a.as_bytes());
    }
    out.extend_from_slice(appendix.as_bytes());
    out.extend_from_slice(after);
    Page { path: path.into(), bytes: out.into() }
}

/// One document of the manual (`manual-article.html`). On part page `on` (the site) a link to
/// another document of the manual goes to the part page that holds it (`#doc-ID` on the same
/// page, `other.html#doc-ID` otherwise), other links go up to the site (`../`); for paper
/// (`on` none) every link to a manual document is in-page. Heading ids are prefixed with the
/// document's id (`ID--anchor`), so documents on one page never share an id. Cached by `serve`
/// for the site's pages.
fn article(r: &Renderer, i: usize, on: Option<usize>) -> Result<Arc<str>, Diagnostic> {
    let site = r.site;
    let plan = &r.manual;
    let d = &*site.documents[i];
    let root = on.map(|k| root_prefix(&plan.pages[k].path)).unwrap_or_default();
    let render = || -> Result<Arc<str>, Diagnostic> {
        let prefix = format!("{}--", d.id);
        let is_clause = |id: &str| site.catalog.contains(id);
        let resolve = |t: &LinkTarget| match site.resolve(d, t) {
            Ok(Destination::Document { index, anchor }) if plan.page_of(index).is_some() => {
                let target = &site.documents[index];
                let page = match (on, plan.page_of(index)) {
                    (Some(here), Some(there)) if here != there => file_name(&plan.pages[there].path),
                    _ => "",
                };
                let href = match anchor {
                    Some(a) if !a.is_empty() => format!("{page}#{}--{a}", target.id),
                    _ => format!("{page}#doc-{}", target.id),
                };
                Resolved::Href { href, title: Some(target.title.clone()) }
            }
            Ok(Destination::SelfAnchor(a)) if !a.is_empty() => Resolved::Href { href: format!("#{prefix}{a}"), title: None },
            _ => href_for(site, d, t, &root),
        };
        let body = markdown::render_with_prefix(&d.body, &resolve, &is_clause, site.config.build.allow_html, &prefix);
        let tmpl = r.env.get_template("manual-article.html").map_err(|e| template_diag(r.theme, &e))?;
        let ctx = context! { doc => v(summary(site, d)), body => Value::from_safe_string(body), book => r.book.clone(), today => site.today.to_string() };
        Ok(tmpl.render(ctx).map_err(|e| template_diag(r.theme, &e))?.into())
    };
    let (Some(cache), Some(overview), Some(_)) = (r.cache, r.overview_key, on) else { return render() };
    // The overview key covers the fields shown and where every document of the manual is
    // printed (types, ids, statuses); the link key covers where this document's links go.
    let key = { crate::support::hash::fingerprint(&(d.source_hash, site.link_keys.get(i), overview, site.config.build.allow_html)) };
    cache.articles.get_or_try(d.id.clone(), key, render)
}
