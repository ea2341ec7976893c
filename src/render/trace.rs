//! Render stage, traceability pages: the clause matrix (/clauses/), one page per clause and
//! control, the Statement of Applicability, the gap report and the mandatory documented
//! information page (the traceability matrix is in `matrix.rs`). Views of `site.trace`; no I/O.

use crate::diagnostics::Diagnostic;
use crate::model::catalog::CatalogItem;
use crate::model::trace::{Coverage, CoverageStatus, SoaEntry};
use crate::model::Site;
use crate::parse::document::{self, Document};
use crate::render::{v, Page, Renderer, SitePage};
use minijinja::{context, Value};
use serde::Serialize;

/// A compact reference to a document.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DocRef {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) url: String,
    pub(crate) status: &'static str,
    pub(crate) doc_type: String,
}

pub(crate) fn doc_ref(d: &Document) -> DocRef {
    DocRef { id: d.id.clone(), title: d.title.clone(), url: d.url(), status: d.status.as_str(), doc_type: d.doc_type.clone() }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ItemView {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) kind: String,
    pub(crate) url: String,
    pub(crate) assessable: bool,
    pub(crate) depth: usize,
    pub(crate) namespace: String,
    /// gap | addressed | implemented | evidenced | excluded, or "" for headings and groups.
    pub(crate) status: &'static str,
    pub(crate) documents: Vec<DocRef>,
    pub(crate) records: Vec<DocRef>,
    pub(crate) stale_records: Vec<DocRef>,
    pub(crate) reasons: Vec<String>,
    /// How many documents and records a list page leaves out ([`ItemView::capped`]); the
    /// clause's own page lists them all.
    pub(crate) documents_more: usize,
    pub(crate) records_more: usize,
}

/// Documents and records a row of a list of requirements names (the clause index, the gap
/// report): the rest are counted and linked to the clause's page, so these pages do not grow
/// with the number of documents (at 20,000 the clause index listed every one of them: 9.7 MB).
const LISTED_PER_ROW: usize = 12;

impl ItemView {
    fn capped(mut self) -> ItemView {
        self.documents_more = self.documents.len().saturating_sub(LISTED_PER_ROW);
        self.records_more = self.records.len().saturating_sub(LISTED_PER_ROW);
        self.documents.truncate(LISTED_PER_ROW);
        self.records.truncate(LISTED_PER_ROW);
        self
    }
}

fn refs(site: &Site, idx: &[usize]) -> Vec<DocRef> {
    idx.iter().map(|i| doc_ref(&site.documents[*i])).collect()
}

pub(crate) fn item_view(site: &Site, item: &CatalogItem) -> ItemView {
    let cov: Option<&Coverage> = site.trace.coverage.get(&item.id);
    let local = site.catalog.local_id(&item.id);
    ItemView {
        id: item.id.clone(),
        title: item.title.clone(),
        kind: format!("{:?}", item.kind).to_lowercase(),
        url: document::clause_url(&item.id),
        assessable: item.is_assessable(),
        depth: local.trim_start_matches("A.").matches('.').count(),
        namespace: item.namespace.clone(),
        status: cov.map(|c| c.status.as_str()).unwrap_or(""),
        documents: cov.map(|c| refs(site, &c.documents)).unwrap_or_default(),
        records: cov.map(|c| refs(site, &c.records)).unwrap_or_default(),
        stale_records: cov.map(|c| refs(site, &c.stale_records)).unwrap_or_default(),
        reasons: cov.map(|c| c.reasons.iter().map(|r| reason_text(site, r)).collect()).unwrap_or_default(),
        documents_more: 0,
        records_more: 0,
    }
}

/// A coverage reason (src/trace.rs words them in English, as the API publishes them) in the
/// site's language; a reason without a message stays as it is.
fn reason_text(site: &Site, reason: &str) -> String {
    use fluent_bundle::FluentValue;
    let m = &site.messages;
    let fixed = [
        ("no document addresses it", "reason-no-document"),
        ("the documents that address it are not approved yet", "reason-not-approved"),
        ("no record evidences it", "reason-no-record"),
        ("missing from the Statement of Applicability", "reason-missing-from-soa"),
    ];
    if let Some((_, key)) = fixed.iter().find(|(en, _)| *en == reason) {
        return m.t(key);
    }
    let stale = reason.strip_prefix("its records are older than ").and_then(|r| r.strip_suffix(" months or not approved"));
    if let Some(months) = stale.and_then(|n| n.parse::<i64>().ok()) {
        return m.tn("reason-stale", months);
    }
    if let Some(rest) = reason.strip_prefix("the SoA records its implementation as ") {
        let (how, target) = match rest.split_once(" (target ") {
            Some((how, t)) => (how, t.trim_end_matches(')')),
            None => (rest, ""),
        };
        let how = m.label("soa-implementation", how);
        let date = m.long_date(target).unwrap_or_else(|| target.to_string());
        let args = [("implementation", FluentValue::from(how)), ("target", FluentValue::from(date))];
        let key = if target.is_empty() { "reason-soa-implementation" } else { "reason-soa-implementation-target" };
        return m.get(key, &args).unwrap_or_else(|| reason.to_string());
    }
    reason.to_string()
}

fn status_counts(site: &Site) -> Value {
    v(site.trace.counts())
}

fn catalogs(site: &Site) -> Value {
    let mut list = vec![(site.catalog.namespace.clone(), site.catalog.title.clone())];
    list.extend(site.catalog.extra.iter().cloned());
    v(list.into_iter().map(|(ns, title)| context! { namespace => ns, title => title }).collect::<Vec<_>>())
}

pub(crate) fn clauses_index(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let site = r.site;
    let rows: Vec<ItemView> = site.catalog.items.iter().map(|i| item_view(site, i).capped()).collect();
    r.page(p.path, p.template,
        context! {
            title => r.t("clauses-title"),
            catalog_title => site.catalog.title.clone(),
            catalogs => catalogs(site),
            rows => v(rows),
            counts => status_counts(site),
            statuses => v(CoverageStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            has_soa => site.trace.soa_doc.is_some(),
            crosswalks => v(crate::render::crosswalk::mapped_frameworks(site).into_iter().map(|(ns, title)| (crate::render::crosswalk::page_path(&ns), title)).collect::<Vec<_>>()),
        },
    )
}

#[derive(Serialize)]
struct SoaRow {
    #[serde(flatten)]
    entry: SoaEntry,
    title: String,
    url: String,
    status: &'static str,
    documents_refs: Vec<DocRef>,
    evidence_refs: Vec<DocRef>,
}

fn soa_rows(site: &Site) -> Vec<SoaRow> {
    site.trace
        .soa
        .iter()
        .map(|e| {
            let item = site.catalog.get(&e.control);
            let id = item.map(|i| i.id.clone()).unwrap_or_else(|| e.control.clone());
            let lookup = |ids: &[String]| ids.iter().filter_map(|i| site.doc(i)).map(doc_ref).collect::<Vec<_>>();
            SoaRow {
                entry: e.clone(),
                title: item.map(|i| i.title.clone()).unwrap_or_else(|| "unknown control".into()),
                url: document::clause_url(&id),
                status: site.trace.status_of(&id).map(|s| s.as_str()).unwrap_or(""),
                documents_refs: lookup(&e.documents),
                evidence_refs: lookup(&e.evidence),
            }
        })
        .collect()
}

/// The SoA table as a template value (also embedded on the SoA document's own page).
pub(crate) fn soa_value(site: &Site) -> Value {
    v(soa_rows(site))
}

pub(crate) fn soa_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let site = r.site;
    let doc = site.trace.soa_doc.map(|i| crate::render::summary(site, &site.documents[i]));
    let rows = soa_rows(site);
    let applicable = rows.iter().filter(|r| r.entry.applicable != Some(false)).count();
    r.page(
        p.path,
        p.template,
        context! {
            title => r.t("clause-soa"),
            doc => v(doc),
            rows => v(rows),
            applicable => applicable,
            counts => status_counts(site),
        },
    )
}

pub(crate) fn gaps_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let site = r.site;
    let items: Vec<ItemView> = site
        .catalog
        .assessable()
        .filter(|i| {
            site.trace
                .coverage
                .get(&i.id)
                .is_some_and(|c| c.status != CoverageStatus::Evidenced && c.status != CoverageStatus::Excluded || !c.reasons.is_empty())
        })
        .map(|i| item_view(site, i).capped())
        .collect();
    let mandatory_gaps: Vec<_> = site.trace.mandatory.iter().filter(|m| m.status != "satisfied").cloned().collect();
    r.page(
        p.path,
        p.template,
        context! {
            title => r.t("gaps-title"),
            items => v(items),
            mandatory => v(mandatory_gaps),
            counts => status_counts(site),
            evidence_cutoff => site.trace.evidence_cutoff.map(|d| d.to_string()),
            evidence_months => site.config.traceability.evidence_months,
        },
    )
}

pub(crate) fn mandatory_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let site = r.site;
    let rows: Vec<Value> = site
        .trace
        .mandatory
        .iter()
        .map(|m| {
            // Named up to the per-row cap, as on the clause index; the rest are counted and
            // linked to the clause's page, which lists every document that addresses it.
            let docs: Vec<DocRef> = m.satisfied_by.iter().filter_map(|id| site.doc(id)).take(LISTED_PER_ROW).map(doc_ref).collect();
            context! {
                m => v(m),
                docs => v(docs),
                more => m.satisfied_by.len().saturating_sub(LISTED_PER_ROW),
                clause_url => site.catalog.get(&m.clause).map(|i| document::clause_url(&i.id)).unwrap_or_default(),
            }
        })
        .collect();
    r.page(p.path, p.template, context! { title => r.t("mandatory-title"), rows => rows })
}

/// Documents each list of a clause page shows (addressed by, evidenced by); each list has its
/// own pages with all of them ([`clause_list_page`]), so a clause page does not grow with the
/// repository (at 20,000 documents a control was addressed by a thousand).
pub(crate) const CLAUSE_CAP: usize = 100;
/// Documents per page of a clause's own list.
pub(crate) const CLAUSE_LIST_ROWS: usize = 500;

/// The lists of a clause that have their own pages, as (key, indexes into `site.documents`):
/// the documents that address it and the records that evidence it.
pub(crate) fn clause_lists<'a>(site: &'a Site, item: &CatalogItem) -> [(&'static str, &'a [usize]); 2] {
    let cov = site.trace.coverage.get(&item.id).filter(|_| item.is_assessable());
    [
        ("documents", cov.map(|c| c.documents.as_slice()).unwrap_or_default()),
        ("records", cov.map(|c| c.records.as_slice()).unwrap_or_default()),
    ]
}

/// The path of page `page` (1-based) of a clause's list `key`: `clauses/<id>/<key>.html`, then
/// `<key>-2.html`, …
pub(crate) fn clause_list_path(item_id: &str, key: &str, page: usize) -> String {
    let clause = document::clause_url(item_id);
    super::register::numbered_path(&format!("{}/{key}", clause.trim_end_matches(".html")), page)
}

/// Every page of a clause's non-empty lists, as (list key, page number).
pub(crate) fn clause_list_pages(site: &Site, item: &CatalogItem) -> Vec<(&'static str, usize)> {
    clause_lists(site, item)
        .into_iter()
        .flat_map(|(key, docs)| (1..=docs.len().div_ceil(CLAUSE_LIST_ROWS)).map(move |n| (key, n)))
        .collect()
}

/// Page `page` (1-based) of a clause's list `key`: every document of it, as a table.
pub(crate) fn clause_list_page(r: &Renderer, item: &CatalogItem, key: &str, page: usize) -> Result<Page, Diagnostic> {
    let site = r.site;
    let docs = clause_lists(site, item).into_iter().find(|(k, _)| *k == key).map(|(_, d)| d).unwrap_or_default();
    let label = r.t(if key == "documents" { "clause-addressed-by" } else { "clause-evidenced-by" });
    let args = [("clause", item.id.clone().into()), ("list", label.clone().into())];
    let list = crate::render::register::list_page(site, "clause-list-title", &args, (docs.len(), CLAUSE_LIST_ROWS, page), |n| {
        clause_list_path(&item.id, key, n)
    });
    r.page(
        &clause_list_path(&item.id, key, page),
        "clause-list.html",
        context! {
            title => list.title,
            item => v(item),
            clause_url => document::clause_url(&item.id),
            key => key,
            label => label,
            docs => v(docs[list.rows].iter().map(|&i| crate::render::summary(site, &site.documents[i])).collect::<Vec<_>>()),
            ..list.place
        },
    )
}

pub(crate) fn clause_page(r: &Renderer, item: &CatalogItem) -> Result<Page, Diagnostic> {
    let site = r.site;
    let mut view = item_view(site, item);
    view.documents_more = view.documents.len().saturating_sub(CLAUSE_CAP);
    view.records_more = view.records.len().saturating_sub(CLAUSE_CAP);
    view.documents.truncate(CLAUSE_CAP);
    view.records.truncate(CLAUSE_CAP);
    // Each non-empty list's own first page (the list pages exist for every non-empty list).
    let [documents_url, records_url] =
        clause_lists(site, item).map(|(key, docs)| if docs.is_empty() { String::new() } else { clause_list_path(&item.id, key, 1) });
    let cov = site.trace.coverage.get(&item.id);
    let parent = item.parent.as_deref().and_then(|p| site.catalog.get(p)).map(|p| item_view(site, p));
    let children: Vec<ItemView> = site.catalog.children(&item.id).map(|c| item_view(site, c)).collect();
    let soa = cov.and_then(|c| c.soa.clone());
    let soa_docs: Vec<DocRef> =
        soa.as_ref().map(|e| e.documents.iter().chain(&e.evidence).filter_map(|i| site.doc(i)).map(doc_ref).collect()).unwrap_or_default();
    let citations = cov.map(|c| c.citations.clone()).unwrap_or_default();
    let citations: Vec<Value> = citations
        .into_iter()
        .map(|c| {
            let url = site.doc(&c.register_id).map(|d| format!("{}#row-{}", d.url(), document::slug(&c.row_id))).unwrap_or_default();
            context! { c => v(c), url => url }
        })
        .collect();
    r.page(
        &document::clause_url(&item.id),
        "clause.html",
        context! {
            title => format!("{} {}", item.id, item.title),
            item => v(item),
            view => v(view),
            kind => format!("{:?}", item.kind).to_lowercase(),
            parent => v(parent),
            children => v(children),
            soa => v(soa),
            soa_docs => v(soa_docs),
            citations => citations,
            catalog_title => site.catalog.title.clone(),
            has_soa => site.trace.soa_doc.is_some(),
            mapped => v(crate::render::crosswalk::mapped(site, &item.id)),
            documents_url => documents_url,
            records_url => records_url,
            cap => CLAUSE_CAP,
        },
    )
}
