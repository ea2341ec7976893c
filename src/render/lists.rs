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

pub(crate) fn owner_page(r: &Renderer, owner: &str) -> Result<Page, Diagnostic> {
    let site = r.site;
    let owned: Vec<DocSummary> = site.documents.iter().filter(|d| d.owner == owner).map(|d| summary(site, d)).collect();
    let approves: Vec<DocSummary> = site.documents.iter().filter(|d| d.approver == owner).map(|d| summary(site, d)).collect();
    let mut due: Vec<DocSummary> = owned.iter().filter(|s| s.review_state.needs_attention()).cloned().collect();
    due.sort_by_key(|s| s.days_to_review);
    r.page(
        &document::owner_url(owner),
        "owner.html",
        context! { title => owner, owner => owner, owned => v(owned), approves => v(approves), due => v(due) },
    )
}

pub(crate) fn search_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    r.page(p.path, p.template, context! { title => r.t("search-title") })
}

pub(crate) fn not_found_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    r.page(p.path, p.template, context! { title => r.t("notfound-title") })
}
