//! List pages: the home page, owners, versions and the snapshot's About page (the document
//! register and the review calendar are in [`super::register`]).

use super::*;
use crate::model::review::ReviewState;

/// "About this snapshot": what an auditor needs to identify the frozen copy.
pub(crate) fn about_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let site = r.site;
    let docs: Vec<DocSummary> = site.documents.iter().map(|d| summary(site, d)).collect();
    r.page(p.path, p.template, context! { title => r.t("about-title"), docs => v(docs) })
}

/// The Versions page: published snapshots listed in book.toml.
pub(crate) fn versions_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let site = r.site;
    let latest = site.config.snapshots.iter().rev().find(|s| s.path.is_some()).map(|s| s.label.clone());
    r.page(p.path, p.template, context! { title => r.t("versions-title"), snapshots => v(&site.config.snapshots), latest => latest })
}

pub(crate) fn home(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
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
    for d in site.documents.iter() {
        *types.entry(d.doc_type.as_str()).or_default() += 1;
    }
    r.page(
        p.path,
        p.template,
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
pub(super) fn first_paragraph(body: &str) -> String {
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

pub(crate) fn owners_index(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let site = r.site;
    let mut owners: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for d in site.documents.iter() {
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
        .map(|(o, (n, over, soon))| context! { name => *o, url => document::owner_url(o), count => n, overdue => over, due_soon => soon })
        .collect();
    r.page(p.path, p.template, context! { title => r.t("owners-title"), owners => rows })
}

/// Documents of each list shown on an owner's page; the list's own pages have them all.
pub(crate) const OWNER_CAP: usize = 100;
/// Documents per page of an owner's list.
pub(crate) const OWNER_LIST_ROWS: usize = 500;

/// One owner's lists: the documents whose review needs attention (soonest first), the
/// documents they own and those they approve (in id order), as indexes into `site.documents`.
pub(crate) struct OwnerLists {
    pub(crate) owner: String,
    pub(crate) lists: Vec<(&'static str, Vec<usize>)>,
}

impl OwnerLists {
    /// The path of page `page` (1-based) of list `key`: `owners/<slug>/<key>.html`, then
    /// `<key>-2.html`, …
    pub(crate) fn page_path(&self, key: &str, page: usize) -> String {
        let owner = document::owner_url(&self.owner);
        super::register::numbered_path(&format!("{}/{key}", owner.trim_end_matches(".html")), page)
    }

    /// Every page of every non-empty list, as (list key, page number).
    pub(crate) fn pages(&self) -> Vec<(&'static str, usize)> {
        self.lists.iter().flat_map(|(key, docs)| (1..=docs.len().div_ceil(OWNER_LIST_ROWS)).map(move |n| (*key, n))).collect()
    }
}

/// Every owner named in front matter, in name order, with their lists.
pub(crate) fn owner_lists(site: &Site) -> Vec<OwnerLists> {
    let mut by_owner: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (i, d) in site.documents.iter().enumerate() {
        if !d.owner.is_empty() {
            by_owner.entry(d.owner.as_str()).or_default().0.push(i);
        }
    }
    for (i, d) in site.documents.iter().enumerate() {
        if let Some((_, approves)) = by_owner.get_mut(d.approver.as_str()) {
            approves.push(i);
        }
    }
    by_owner
        .into_iter()
        .map(|(owner, (owned, approves))| {
            let mut due: Vec<(Option<i64>, usize)> = owned
                .iter()
                .map(|&i| (i, site.review(&site.documents[i])))
                .filter(|(_, review)| review.state.needs_attention())
                .map(|(i, review)| (review.days, i))
                .collect();
            due.sort_by_key(|(days, _)| *days);
            OwnerLists {
                owner: owner.to_string(),
                lists: vec![("due", due.into_iter().map(|(_, i)| i).collect()), ("owned", owned), ("approves", approves)],
            }
        })
        .collect()
}

/// A list's heading in the site's language.
fn owner_list_label(r: &Renderer, key: &str) -> String {
    match key {
        "due" => r.t("owner-due"),
        "owned" => r.t("owner-owns"),
        _ => r.t("owner-approves"),
    }
}

/// One owner's page: each list with its full count and its first [`OWNER_CAP`] documents,
/// linked to the list's own pages.
pub(crate) fn owner_page(r: &Renderer, lists: &OwnerLists) -> Result<Page, Diagnostic> {
    let site = r.site;
    let section = |key: &str| {
        let docs = lists.lists.iter().find(|(k, _)| *k == key).map(|(_, d)| d.as_slice()).unwrap_or_default();
        let shown: Vec<DocSummary> = docs.iter().take(OWNER_CAP).map(|&i| summary(site, &site.documents[i])).collect();
        context! {
            count => docs.len(),
            capped => docs.len() > OWNER_CAP,
            url => if docs.is_empty() { String::new() } else { lists.page_path(key, 1) },
            docs => v(shown),
        }
    };
    let owner = lists.owner.as_str();
    r.page(
        &document::owner_url(owner),
        "owner.html",
        context! { title => owner, owner => owner, due => section("due"), owned => section("owned"), approves => section("approves"), cap => OWNER_CAP },
    )
}

/// Page `page` (1-based) of one of an owner's lists.
pub(crate) fn owner_list_page(r: &Renderer, lists: &OwnerLists, key: &str, page: usize) -> Result<Page, Diagnostic> {
    let site = r.site;
    let docs = lists.lists.iter().find(|(k, _)| *k == key).map(|(_, d)| d.as_slice()).unwrap_or_default();
    let label = owner_list_label(r, key);
    let args = [("owner", lists.owner.clone().into()), ("list", label.clone().into())];
    let list = crate::render::register::list_page(site, "owner-list-title", &args, (docs.len(), OWNER_LIST_ROWS, page), |n| {
        lists.page_path(key, n)
    });
    r.page(
        &lists.page_path(key, page),
        "owner-list.html",
        context! {
            title => list.title,
            owner => lists.owner.clone(),
            owner_url => document::owner_url(&lists.owner),
            key => key,
            label => label,
            docs => v(docs[list.rows].iter().map(|&i| summary(site, &site.documents[i])).collect::<Vec<_>>()),
            show_owner => key == "approves",
            ..list.place
        },
    )
}

pub(crate) fn search_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    r.page(p.path, p.template, context! { title => r.t("search-title") })
}

pub(crate) fn not_found_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    r.page(p.path, p.template, context! { title => r.t("notfound-title") })
}
