//! Render stage, the traceability matrix as pages a browser can open at any size (issue #16):
//! `matrix.html` is the overview — requirements (rows) against the document types (columns),
//! each cell the number of documents of that type addressing the requirement — and every type
//! has its own pages, `matrix/<slug>.html`, `matrix/<slug>-2.html`, … (named as its part of the
//! manual is, by [`super::type_pages`]), with one column per document, [`PAGE_COLUMNS`] at most. The downloads (matrix.csv/.xlsx/.json) stay complete.
//! Views of `site.trace`; no I/O.

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::parse::document::{self, is_evidence_type};
use crate::render::trace::{doc_ref, DocRef};
use crate::render::type_pages::{self, TypePages};
use crate::render::{v, Page, Renderer, SitePage};
use fluent_bundle::FluentValue;
use minijinja::{context, Value};
use std::collections::BTreeMap;

/// Document columns on one page of a type. A row of the matrix is about 25 bytes per column
/// plus its heading, so with a hundred requirements a page stays near 0.3 MB, and a table a
/// hundred columns wide is still one a reader can scan.
pub(crate) const PAGE_COLUMNS: usize = 100;

/// The documents of one type that are columns of the matrix.
pub(crate) struct Group {
    /// The type word as the documents spell it (the repository's own words).
    pub(crate) doc_type: String,
    /// File name stem of its first page, unique among the groups and their pages.
    stem: String,
    /// Indexes into `site.documents`, in the site's document order (by id): the split into
    /// pages is by position in this list, so it is the same on every build of the same site.
    pub(crate) columns: Vec<usize>,
}

impl Group {
    /// How many pages the group has (at least one).
    pub(crate) fn page_count(&self) -> usize {
        self.columns.len().div_ceil(PAGE_COLUMNS).max(1)
    }

    /// The path of page `page` (1-based) of the group.
    pub(crate) fn page_path(&self, page: usize) -> String {
        page_path(&self.stem, page)
    }

    fn page_columns(&self, page: usize) -> &[usize] {
        let start = (page - 1) * PAGE_COLUMNS;
        &self.columns[start.min(self.columns.len())..(start + PAGE_COLUMNS).min(self.columns.len())]
    }
}

fn page_path(stem: &str, page: usize) -> String {
    format!("matrix/{}.html", type_pages::page_name(stem, page))
}

/// The columns of the matrix (current, non-record documents that address at least one catalog
/// item) grouped by document type, in the byte order of the type words. Each group's pages are
/// named by [`TypePages`], as the type's part of the manual is.
pub(crate) fn groups(site: &Site) -> Vec<Group> {
    let mut by_type: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in site.documents.iter().enumerate() {
        if !d.status.is_obsolete() && !is_evidence_type(&d.doc_type) && d.clauses.iter().any(|c| site.catalog.contains(c)) {
            by_type.entry(d.doc_type.as_str()).or_default().push(i);
        }
    }
    let types = TypePages::of(site);
    by_type.into_iter().map(|(doc_type, columns)| Group { doc_type: doc_type.to_string(), stem: types.stem(doc_type), columns }).collect()
}

/// The overview, `matrix.html`: one row per assessable item, one column per document type.
pub(crate) fn overview_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let site = r.site;
    let groups = groups(site);
    // The group of each document that is a column (by document index).
    let mut group_of: Vec<Option<usize>> = vec![None; site.documents.len()];
    for (g, group) in groups.iter().enumerate() {
        for i in &group.columns {
            group_of[*i] = Some(g);
        }
    }
    let rows: Vec<Value> = site
        .catalog
        .assessable()
        .map(|item| {
            let cov = site.trace.coverage.get(&item.id);
            let mut counts = vec![0usize; groups.len()];
            for i in cov.map(|c| c.documents.as_slice()).unwrap_or_default() {
                if let Some(g) = group_of.get(*i).copied().flatten() {
                    counts[g] += 1;
                }
            }
            context! {
                id => item.id.clone(),
                title => item.title.clone(),
                url => document::clause_url(&item.id),
                status => cov.map(|c| c.status.as_str()).unwrap_or(""),
                counts => counts,
                records => cov.map(|c| c.records.len()).unwrap_or(0),
            }
        })
        .collect();
    let columns: Vec<Value> = groups
        .iter()
        .map(|g| {
            context! {
                doc_type => g.doc_type.as_str(),
                label => site.messages.label("doc-type", &g.doc_type),
                url => g.page_path(1),
                documents => g.columns.len(),
                pages => g.page_count(),
            }
        })
        .collect();
    r.page(p.path, p.template, context! { title => r.t("matrix-title"), groups => columns, rows => rows })
}

/// Page `page` (1-based) of a group of [`groups`]: one row per assessable item, one column per
/// document of the group on that page.
pub(crate) fn group_page(r: &Renderer, group: &Group, page: usize) -> Result<Page, Diagnostic> {
    let site = r.site;
    let columns = group.page_columns(page);
    // Column position of each document on this page: a row's marks come from its own list of
    // documents, so the work is that list's length, not rows × columns × list.
    let position: BTreeMap<usize, usize> = columns.iter().enumerate().map(|(n, i)| (*i, n)).collect();
    let rows: Vec<Value> = site
        .catalog
        .assessable()
        .map(|item| {
            let cov = site.trace.coverage.get(&item.id);
            let mut marks = vec![false; columns.len()];
            for i in cov.map(|c| c.documents.as_slice()).unwrap_or_default() {
                if let Some(n) = position.get(i) {
                    marks[*n] = true;
                }
            }
            context! {
                id => item.id.clone(),
                title => item.title.clone(),
                url => document::clause_url(&item.id),
                status => cov.map(|c| c.status.as_str()).unwrap_or(""),
                marks => marks,
            }
        })
        .collect();
    let cols: Vec<DocRef> = columns.iter().map(|i| doc_ref(&site.documents[*i])).collect();
    let pages: Vec<Value> = (1..=group.page_count()).map(|n| context! { number => n, url => group.page_path(n) }).collect();
    let label = site.messages.label("doc-type", &group.doc_type);
    // Every page of a group has its own title ("… · page 2 of 3"), as a reader's tabs and
    // bookmarks tell them apart by it.
    let args = [
        ("type", FluentValue::from(label.clone())),
        ("page", FluentValue::from(page as i64)),
        ("pages", FluentValue::from(group.page_count() as i64)),
    ];
    let key = if group.page_count() > 1 { "matrix-group-title-paged" } else { "matrix-group-title" };
    let title = site.messages.get(key, &args).unwrap_or_else(|| label.clone());
    r.page(
        &group.page_path(page),
        "matrix-group.html",
        context! {
            title => title,
            doc_type => group.doc_type.as_str(),
            label => label,
            page => page,
            pages => pages,
            documents => group.columns.len(),
            first => (page - 1) * PAGE_COLUMNS + 1,
            last => (page - 1) * PAGE_COLUMNS + columns.len(),
            columns => v(cols),
            rows => rows,
        },
    )
}
