//! The printable manual: every document in reading order, one continuous page for print and PDF.

use super::changes::manual_changes;
use super::documents::href_for;
use super::*;

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

/// The printable manual: every approved document with a cover and a table of contents, so a
/// browser's print-to-PDF produces the AIMS manual. Links between documents become in-page links.
///
/// It is the largest page (every body), so it is assembled from parts `serve` can keep: the
/// frame depends only on the documents' control data (the overview key), each article on its
/// document's text, fields and link targets. After a body edit one article is rendered again
/// and the parts are joined.
pub(crate) fn manual_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let site = r.site;
    let mut docs: Vec<usize> = (0..site.documents.len()).filter(|&i| site.documents[i].status == Status::Approved).collect();
    docs.sort_by_key(|&i| {
        let d = &site.documents[i];
        (MANUAL_ORDER.iter().position(|t| *t == d.doc_type).unwrap_or(MANUAL_ORDER.len()), d.id.clone(), i)
    });
    let frame = r.overview(&format!("{}#frame", p.path), || {
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
        r.page_uncached(p.path, p.template, ctx)
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
        cache.articles.get_or_try(d.id.clone(), key, render)
    };
    let articles: Vec<Arc<str>> = docs.par_iter().map(|&i| article(i)).collect::<Result<_, Diagnostic>>()?;
    let appendix = manual_changes(r)?;
    // A theme whose manual.html leaves out `articles` gets its frame as it is.
    let Some(at) = frame.bytes.windows(MANUAL_ARTICLES_MARK.len()).position(|w| w == MANUAL_ARTICLES_MARK.as_bytes()) else {
        return Ok(Page { path: p.path.into(), bytes: frame.bytes });
    };
    let (before, after) = (&frame.bytes[..at], &frame.bytes[at + MANUAL_ARTICLES_MARK.len()..]);
    let mut out = Vec::with_capacity(before.len() + after.len() + articles.iter().map(|a| a.len()).sum::<usize>());
    out.extend_from_slice(before);
    for a in &articles {
        out.extend_from_slice(a.as_bytes());
    }
    out.extend_from_slice(appendix.as_bytes());
    out.extend_from_slice(after);
    Ok(Page { path: p.path.into(), bytes: out.into() })
}
