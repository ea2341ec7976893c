//! Render stage, the document register and the review calendar at any size (issue #16).
//!
//! - The register is cut into pages of [`PAGE_ROWS`] documents in id order: `register.html` is
//!   the first, `register/2.html`, `register/3.html`, … the others, each with a pager. When there
//!   is more than one page, every page's rows also exist as a compact data file,
//!   `register/rows-<N>.js` (a script that registers itself through `AIMSBOOK_REGISTER_ROWS`, so
//!   it loads from file:// too), which app.js loads when the reader filters, to filter the whole
//!   register rather than one page. The rows hold indexes into small tables of what repeats
//!   (type and status words with their display forms, people, dates, review badges), rendered
//!   here with the theme's own filters and macros, so a row built in the browser has the markup
//!   of a row built here.
//! - The review calendar (`reviews.html`) shows every period with its full count but at most
//!   [`REVIEW_CAP`] documents each; every non-empty period has its own list,
//!   `reviews/<period>.html`, `reviews/<period>-2.html`, … ([`BUCKET_ROWS`] a page), named by the
//!   period's stable key (`overdue`, `d30`, `d60`, `d90`, `later`, `unknown`), never by its
//!   translated label.
//!
//! Views of the site; no I/O.

use crate::diagnostics::Diagnostic;
use crate::model::review::ReviewState;
use crate::model::Site;
use crate::parse::document;
use crate::render::{summary, v, DocSummary, Page, Renderer, SitePage};
use crate::support::hash::Map;
use fluent_bundle::FluentValue;
use minijinja::{context, Value};
use serde::Serialize;
use std::collections::BTreeSet;

/// Documents on one page of the register. A row is about 700 bytes of HTML (900 with long
/// titles and owner names), so a page stays near 0.35–0.45 MB, well below the 1 MB a page may
/// weigh, and its data file near 40 KB; 1,000 rows would put pages with long titles close to
/// the limit.
pub(crate) const PAGE_ROWS: usize = 500;

/// Documents shown per period on `reviews.html`; the rest are on the period's own pages.
pub(crate) const REVIEW_CAP: usize = 100;

/// Documents on one page of a period's own list (about 470 bytes a row).
pub(crate) const BUCKET_ROWS: usize = 500;

/// How many pages the register has (at least one).
pub(crate) fn page_count(site: &Site) -> usize {
    site.documents.len().div_ceil(PAGE_ROWS).max(1)
}

/// The path of register page `page` (1-based).
pub(crate) fn page_path(page: usize) -> String {
    if page == 1 {
        "register.html".into()
    } else {
        format!("register/{page}.html")
    }
}

/// The data file holding the rows of register page `page`.
pub(crate) fn rows_path(page: usize) -> String {
    format!("{ROWS_PREFIX}{page}.js")
}

/// What [`rows_path`] puts before the page number (the page's script appends `N.js`).
const ROWS_PREFIX: &str = "register/rows-";

/// The index range of page `page` (1-based) in a list of `len` items cut `per` a page.
pub(crate) fn slice(len: usize, per: usize, page: usize) -> std::ops::Range<usize> {
    let start = ((page - 1) * per).min(len);
    start..(start + per).min(len)
}

/// The pages of a paged list, for the pager: number, path, first and last row (1-based).
pub(crate) fn pager(len: usize, per: usize, path: impl Fn(usize) -> String) -> Vec<Value> {
    let pages = len.div_ceil(per).max(1);
    (1..=pages)
        .map(|n| {
            let rows = slice(len, per, n);
            context! { number => n, url => path(n), first => rows.start + 1, last => rows.end }
        })
        .collect()
}

/// One page of a list on its own pages (a review period, a retention state, an owner's or a
/// requirement's list): its title, the rows it shows, and what each such template gets about
/// its place in the list (`count`, `page`, `pages` for the pager, `first`, `last`).
pub(crate) struct ListPage {
    pub(crate) title: String,
    pub(crate) rows: std::ops::Range<usize>,
    pub(crate) place: Value,
}

/// Page `page` (1-based) of a list of `len` rows, `per` a page, whose pages are at `path(n)`.
/// The title is message `title_key` with `args`, or past one page `title_key-paged` with
/// `page` and `pages` too.
pub(crate) fn list_page(
    site: &Site,
    title_key: &str,
    args: &[(&str, FluentValue)],
    (len, per, page): (usize, usize, usize),
    path: impl Fn(usize) -> String,
) -> ListPage {
    let rows = slice(len, per, page);
    let pages = len.div_ceil(per);
    let title = if pages > 1 {
        let mut paged = args.to_vec();
        paged.extend([("page", number(page)), ("pages", number(pages))]);
        message(site, &format!("{title_key}-paged"), &paged)
    } else {
        message(site, title_key, args)
    };
    let place = context! { count => len, page => page, pages => pager(len, per, path), first => rows.start + 1, last => rows.end };
    ListPage { title, rows, place }
}

pub(crate) fn message(site: &Site, key: &str, args: &[(&str, FluentValue)]) -> String {
    site.messages.get(key, args).unwrap_or_else(|| key.to_string())
}

pub(crate) fn number(n: usize) -> FluentValue<'static> {
    FluentValue::from(n as i64)
}

/// The type words for the type filter: the schema's words, then any other word a document uses
/// (an organisation's own types), in the language's collation order of their display names.
fn filter_types(site: &Site) -> Vec<String> {
    let mut types: Vec<String> = document::DOC_TYPES.iter().map(|t| t.to_string()).collect();
    let known: BTreeSet<&str> = document::DOC_TYPES.iter().copied().collect();
    let mut own: Vec<(String, String)> = site
        .documents
        .iter()
        .map(|d| d.doc_type.as_str())
        .filter(|t| !known.contains(t))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|t| (site.messages.label("doc-type", t), t.to_string()))
        .collect();
    site.messages.sort_by_text(&mut own, |(label, _)| label);
    types.extend(own.into_iter().map(|(_, t)| t));
    types
}

/// Every owner of every document (not only of one page), in the language's collation order.
fn filter_owners(site: &Site) -> Vec<String> {
    let distinct: BTreeSet<&str> = site.documents.iter().map(|d| d.owner.as_str()).collect();
    let mut owners: Vec<String> = distinct.into_iter().map(str::to_string).collect();
    site.messages.sort_by_text(&mut owners, |o| o);
    owners
}

/// Register page `page` (1-based): that page's documents, the pager, and the filter, which
/// covers every document.
pub(crate) fn page(r: &Renderer, page: usize) -> Result<Page, Diagnostic> {
    let site = r.site;
    let total = site.documents.len();
    let pages = page_count(site);
    let rows = slice(total, PAGE_ROWS, page);
    let docs: Vec<DocSummary> = site.documents[rows.clone()].iter().map(|d| summary(site, d)).collect();
    // Each page has its own title, as a reader's tabs and bookmarks tell them apart by it.
    let title = if pages > 1 {
        message(site, "register-title-paged", &[("page", number(page)), ("pages", number(pages))])
    } else {
        r.t("register-title")
    };
    r.page(
        &page_path(page),
        "register.html",
        context! {
            title => title,
            docs => v(docs),
            total => total,
            page => page,
            pages => pager(total, PAGE_ROWS, page_path),
            first => rows.start + 1,
            last => rows.end,
            rows_prefix => if pages > 1 { ROWS_PREFIX } else { "" },
            cap => PAGE_ROWS,
            types => v(filter_types(site)),
            statuses => v(document::STATUSES.to_vec()),
            owners => v(filter_owners(site)),
        },
    )
}

/// `register.html`, the first page (a site-wide page of the render stage's table).
pub(crate) fn first_page(r: &Renderer, _: &SitePage) -> Result<Page, Diagnostic> {
    page(r, 1)
}

/// Values that repeat across rows, kept once per data file: a row holds its index.
struct Table<T> {
    items: Vec<T>,
    index: Map<String, usize>,
}

impl<T> Table<T> {
    /// A table whose first entry (index 0) is `empty`, for "none".
    fn new(empty: T) -> Table<T> {
        Table { items: vec![empty], index: Map::default() }
    }
    fn add(&mut self, key: &str, make: impl FnOnce() -> Result<T, Diagnostic>) -> Result<usize, Diagnostic> {
        if let Some(i) = self.index.get(key) {
            return Ok(*i);
        }
        self.items.push(make()?);
        self.index.insert(key.to_string(), self.items.len() - 1);
        Ok(self.items.len() - 1)
    }
}

/// One register row in a data file: id, title, type, version, status, owner, approver,
/// approval date, review date, classification, review badge (the last seven as indexes).
type Row<'a> = (&'a str, &'a str, usize, &'a str, usize, usize, usize, usize, usize, usize, usize);

/// A data file of the register: what register.html's rows show, for app.js to build rows with
/// the same markup. See the module documentation.
#[derive(Serialize)]
struct RowsFile<'a> {
    page: usize,
    /// A document's path is `doc[0] + id + doc[1]` (relative to the site root).
    doc: (String, String),
    /// Type word and display name.
    types: Vec<(String, String)>,
    /// Status word and its badge (HTML).
    statuses: Vec<(String, String)>,
    /// Name and owner page path.
    people: Vec<(String, String)>,
    /// ISO date and the date as pages show it (HTML); index 0: none.
    dates: Vec<(String, String)>,
    /// Review badges (HTML); index 0: none.
    badges: Vec<String>,
    /// Classification display names.
    classes: Vec<String>,
    rows: Vec<Row<'a>>,
}

/// The data file of register page `page`.
pub(crate) fn rows_file(r: &Renderer, page: usize) -> Result<Page, Diagnostic> {
    let site = r.site;
    let path = rows_path(page);
    let probe = document::doc_url("\u{1}");
    let doc = probe.split_once('\u{1}').map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or_default();
    let mut types = Table::new((String::new(), String::new()));
    let mut statuses = Table::new((String::new(), String::new()));
    let mut people = Table::new((String::new(), String::new()));
    let mut dates = Table::new((String::new(), String::new()));
    let mut badges = Table::new(String::new());
    let mut classes = Table::new(String::new());
    let mut rows = Vec::new();
    for d in &site.documents[slice(site.documents.len(), PAGE_ROWS, page)] {
        debug_assert_eq!(d.url(), format!("{}{}{}", doc.0, d.id, doc.1));
        let s = summary(site, d);
        let t = types.add(&d.doc_type, || Ok((d.doc_type.clone(), site.messages.label("doc-type", &d.doc_type))))?;
        let st = statuses.add(s.status, || Ok((s.status.to_string(), r.fragment(STATUS_BADGE, context! { status => s.status })?)))?;
        let person = |name: &str| (name.to_string(), document::owner_url(name));
        let owner = people.add(&d.owner, || Ok(person(&d.owner)))?;
        let approver = people.add(&d.approver, || Ok(person(&d.approver)))?;
        let approved = match &s.approved {
            a if a.is_empty() => 0,
            a => dates.add(a, || Ok((a.clone(), r.date_html(a))))?,
        };
        let due = match &s.review_due {
            a if a.is_empty() => 0,
            a => dates.add(a, || Ok((a.clone(), r.date_html(a))))?,
        };
        let badge = match s.review_state {
            ReviewState::Overdue | ReviewState::DueSoon => {
                let key = format!("{}{:?}", s.review_state, s.days_to_review);
                badges.add(&key, || r.fragment(REVIEW_BADGE, context! { d => v(&s) }))?
            }
            _ => 0,
        };
        let class = classes.add(&d.classification, || Ok(site.messages.label("classification", &d.classification)))?;
        rows.push((d.id.as_str(), d.title.as_str(), t, d.version_text.as_str(), st, owner, approver, approved, due, class, badge));
    }
    let file = RowsFile {
        page,
        doc,
        types: types.items,
        statuses: statuses.items,
        people: people.items,
        dates: dates.items,
        badges: badges.items,
        classes: classes.items,
        rows,
    };
    let json = serde_json::to_string(&file).unwrap_or_default();
    Ok(Page { path, bytes: format!("AIMSBOOK_REGISTER_ROWS({json});\n").into_bytes().into() })
}

/// The badges through the theme's own macros, so a theme that restyles them is followed.
const STATUS_BADGE: &str = "{% from \"macros.html\" import status_badge %}{{ status_badge(status) }}";
const REVIEW_BADGE: &str = "{% from \"macros.html\" import review_badge %}{{ review_badge(d) }}";

/// One period of the review calendar: its stable key, its label and note in the site's
/// language, and its documents (indexes into `site.documents`), soonest first.
pub(crate) struct Bucket {
    pub(crate) key: String,
    label: String,
    note: String,
    docs: Vec<usize>,
}

impl Bucket {
    /// How many pages the period's own list has (none when it is empty).
    pub(crate) fn page_count(&self) -> usize {
        self.docs.len().div_ceil(BUCKET_ROWS)
    }

    /// The path of page `page` (1-based) of the period's own list.
    pub(crate) fn page_path(&self, page: usize) -> String {
        bucket_path(&self.key, page)
    }

    fn summaries(&self, site: &Site, range: std::ops::Range<usize>) -> Vec<DocSummary> {
        self.docs[range].iter().map(|i| summary(site, &site.documents[*i])).collect()
    }
}

fn bucket_path(key: &str, page: usize) -> String {
    numbered_path(&format!("reviews/{key}"), page)
}

/// Page `page` (1-based) of a list of its own: `<stem>.html`, then `<stem>-2.html`, … (the
/// review periods', retention states' and owners' lists).
pub(crate) fn numbered_path(stem: &str, page: usize) -> String {
    match page {
        1 => format!("{stem}.html"),
        _ => format!("{stem}-{page}.html"),
    }
}

/// The periods of the review calendar, in order: overdue; the warning window `d{warn_days}`;
/// `d60` and `d90` where they lie beyond it; `later`; `unknown` (no valid review date). Current
/// documents only, each period soonest first (then by id).
pub(crate) fn buckets(site: &Site) -> Vec<Bucket> {
    // The first horizon is the warning window: the same documents as DC008 and the badges.
    let horizons = crate::model::review::horizons(site.config.review.warn_days);
    let days = |n: i64| FluentValue::from(n);
    let mut out = vec![Bucket {
        key: "overdue".into(),
        label: site.messages.t("reviews-overdue"),
        note: site.messages.t("reviews-overdue-note"),
        docs: vec![],
    }];
    for h in &horizons {
        let label = match h.to {
            Some(to) if h.from == 0 => message(site, "reviews-due-within", &[("n", days(to))]),
            Some(to) => message(site, "reviews-due-between", &[("from", days(h.from)), ("to", days(to))]),
            None => site.messages.t("reviews-later"),
        };
        out.push(Bucket { key: h.key.clone(), label, note: String::new(), docs: vec![] });
    }
    out.push(Bucket { key: "unknown".into(), label: site.messages.t("reviews-unknown"), note: String::new(), docs: vec![] });
    let mut due: Vec<Vec<(Option<i64>, usize)>> = vec![Vec::new(); out.len()];
    for (i, d) in site.documents.iter().enumerate() {
        if d.status.is_obsolete() {
            continue;
        }
        let review = site.review(d);
        let key = match (review.state, review.days) {
            (ReviewState::Overdue, _) => "overdue",
            (_, Some(n)) => crate::model::review::horizon_of(&horizons, n).map_or("unknown", |h| h.key.as_str()),
            (_, None) => "unknown",
        };
        if let Some(b) = out.iter().position(|b| b.key == key) {
            due[b].push((review.days, i));
        }
    }
    for (bucket, mut docs) in out.iter_mut().zip(due) {
        docs.sort_by(|a, b| (a.0, &site.documents[a.1].id).cmp(&(b.0, &site.documents[b.1].id)));
        bucket.docs = docs.into_iter().map(|(_, i)| i).collect();
    }
    out
}

/// The review calendar, `reviews.html`: every period with its count and its first
/// [`REVIEW_CAP`] documents, linked to its own list.
pub(crate) fn reviews(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let site = r.site;
    let sections: Vec<Value> = r
        .review_buckets()
        .iter()
        .map(|b| {
            let shown = b.docs.len().min(REVIEW_CAP);
            context! {
                key => b.key.clone(),
                label => b.label.clone(),
                note => b.note.clone(),
                count => b.docs.len(),
                capped => b.docs.len() > REVIEW_CAP,
                url => if b.docs.is_empty() { String::new() } else { b.page_path(1) },
                docs => v(b.summaries(site, 0..shown)),
            }
        })
        .collect();
    r.page(p.path, p.template, context! { title => r.t("reviews-title"), sections => sections, cap => REVIEW_CAP })
}

/// Page `page` (1-based) of a period's own list.
pub(crate) fn bucket_page(r: &Renderer, bucket: &Bucket, page: usize) -> Result<Page, Diagnostic> {
    let site = r.site;
    let args = [("bucket", FluentValue::from(bucket.label.clone()))];
    let list = list_page(site, "reviews-bucket-title", &args, (bucket.docs.len(), BUCKET_ROWS, page), |n| bucket.page_path(n));
    r.page(
        &bucket.page_path(page),
        "reviews-bucket.html",
        context! {
            title => list.title,
            key => bucket.key.clone(),
            label => bucket.label.clone(),
            note => bucket.note.clone(),
            docs => v(bucket.summaries(site, list.rows)),
            ..list.place
        },
    )
}
