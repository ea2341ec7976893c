//! The machine-readable site: `api/documents.json`, `api/clauses.json` and `llms.txt`, published
//! with every build (and so in every snapshot), so scripts, dashboards and AI assistants can read
//! the AIMS without scraping HTML.
//!
//! Both JSON files carry the same data the HTML pages show — the document register's control
//! fields and each catalog item's traceability status — built from the same model
//! ([`crate::render::summary`], [`crate::model::trace`]). Keys are sorted by serde_json's ordered maps
//! and lists keep site order (documents by id, items in catalog order), so the bytes are
//! deterministic for the same input and `--today`.

use crate::model::Site;
use crate::parse::document::{self, Document};
use crate::render::Page;
use serde::Serialize;

/// Format version of the JSON files: bumped when a field changes meaning or disappears
/// (new fields may appear without a bump).
pub(crate) const API_VERSION: u32 = 1;

pub(crate) const DOCUMENTS_JSON: &str = "api/documents.json";
pub(crate) const CLAUSES_JSON: &str = "api/clauses.json";
pub(crate) const LLMS_TXT: &str = "llms.txt";

#[derive(Debug, Serialize)]
struct Header<'a> {
    api_version: u32,
    generator: &'static str,
    title: &'a str,
    organization: &'a str,
    /// The date the checks ran against (`--today`): review states and evidence age follow from it.
    date: String,
}

fn header(site: &Site) -> Header<'_> {
    Header {
        api_version: API_VERSION,
        generator: concat!("aimsbook ", env!("CARGO_PKG_VERSION")),
        title: &site.config.book.title,
        organization: &site.config.book.organization,
        date: site.today.to_string(),
    }
}

/// One document of `api/documents.json`.
#[derive(Debug, Serialize)]
pub(crate) struct DocumentEntry {
    pub(crate) id: String,
    pub(crate) title: String,
    #[serde(rename = "type")]
    pub(crate) doc_type: String,
    pub(crate) version: String,
    pub(crate) status: String,
    pub(crate) owner: String,
    pub(crate) approver: String,
    /// YYYY-MM-DD, or null (drafts).
    pub(crate) approved: Option<String>,
    pub(crate) review_due: Option<String>,
    /// overdue | due-soon | ok | exempt | unknown (as on the Reviews page).
    pub(crate) review_state: String,
    pub(crate) days_to_review: Option<i64>,
    pub(crate) classification: String,
    /// Catalog ids the document names in `clauses` (as resolved: "27001:A.5.2" keeps its namespace).
    pub(crate) clauses: Vec<String>,
    pub(crate) supersedes: Option<String>,
    pub(crate) superseded_by: Option<String>,
    /// The page, relative to the site root.
    pub(crate) url: String,
    /// The source file, relative to the repository root.
    pub(crate) path: String,
}

fn document_entry(site: &Site, d: &Document) -> DocumentEntry {
    let s = crate::render::summary(site, d);
    let opt = |t: String| if t.is_empty() { None } else { Some(t) };
    DocumentEntry {
        id: s.id,
        title: s.title,
        doc_type: s.doc_type,
        version: s.version,
        status: s.status.to_string(),
        owner: s.owner,
        approver: s.approver,
        approved: opt(s.approved),
        review_due: opt(s.review_due),
        review_state: s.review_state.to_string(),
        days_to_review: s.days_to_review,
        classification: s.classification,
        clauses: d.clauses.iter().map(|c| site.catalog.get(c).map(|i| i.id.clone()).unwrap_or_else(|| c.clone())).collect(),
        supersedes: d.supersedes.clone(),
        superseded_by: d.superseded_by.clone(),
        url: s.url,
        path: s.path,
    }
}

/// The documents that get a page (with duplicate ids only the first, as on the site).
fn published(site: &Site) -> impl Iterator<Item = &Document> {
    site.paged.iter().map(|&i| &*site.documents[i])
}

#[derive(Debug, Serialize)]
struct DocumentsFile<'a> {
    #[serde(flatten)]
    header: Header<'a>,
    /// Number of documents by status.
    counts: std::collections::BTreeMap<&'static str, usize>,
    documents: Vec<DocumentEntry>,
}

/// The SoA entry of a control, as recorded.
#[derive(Debug, Serialize)]
pub(crate) struct SoaView {
    pub(crate) applicable: Option<bool>,
    pub(crate) implementation: String,
    pub(crate) justification: String,
    pub(crate) target_date: Option<String>,
    pub(crate) documents: Vec<String>,
    pub(crate) evidence: Vec<String>,
}

/// One catalog item of `api/clauses.json`.
#[derive(Debug, Serialize)]
pub(crate) struct ClauseEntry {
    /// As used in links and front matter: "6.1.4", "A.5.2", or "NS:ID" for an extra catalog.
    pub(crate) id: String,
    pub(crate) namespace: String,
    /// clause | requirement | group | objective | control
    pub(crate) kind: String,
    pub(crate) title: String,
    pub(crate) parent: Option<String>,
    /// Requirements and controls are assessed; the others only group them.
    pub(crate) assessable: bool,
    /// gap | addressed | implemented | evidenced | excluded; null for headings and groups.
    pub(crate) status: Option<String>,
    /// Current documents addressing the item and current records evidencing it (ids).
    pub(crate) documents: Vec<String>,
    pub(crate) records: Vec<String>,
    /// Records naming it that are too old or not approved.
    pub(crate) stale_records: Vec<String>,
    /// Why it is not (fully) evidenced, as on the gap report.
    pub(crate) reasons: Vec<String>,
    pub(crate) soa: Option<SoaView>,
    /// Crosswalk mappings touching the item (the other side's id), when frameworks are mapped.
    pub(crate) mapped: Vec<MappedEntry>,
    pub(crate) url: String,
}

/// One crosswalk mapping as seen from an item.
#[derive(Debug, Serialize)]
pub(crate) struct MappedEntry {
    pub(crate) id: String,
    /// equivalent | subset | superset | intersects: how the 42001 item relates to the other requirement.
    pub(crate) relationship: String,
    pub(crate) rationale: String,
    pub(crate) source: String,
}

#[derive(Debug, Serialize)]
struct Catalog {
    namespace: String,
    title: String,
}

#[derive(Debug, Serialize)]
struct ClausesFile<'a> {
    #[serde(flatten)]
    header: Header<'a>,
    catalogs: Vec<Catalog>,
    /// Number of assessable items by status.
    counts: std::collections::BTreeMap<&'static str, usize>,
    items: Vec<ClauseEntry>,
}

fn ids(site: &Site, idx: &[usize]) -> Vec<String> {
    idx.iter().map(|i| site.documents[*i].id.clone()).collect()
}

fn clause_entries(site: &Site) -> Vec<ClauseEntry> {
    site.catalog
        .items
        .iter()
        .map(|item| {
            let cov = site.trace.coverage.get(&item.id);
            ClauseEntry {
                id: item.id.clone(),
                namespace: item.namespace.clone(),
                kind: format!("{:?}", item.kind).to_lowercase(),
                title: item.title.clone(),
                parent: item.parent.clone(),
                assessable: item.is_assessable(),
                status: cov.map(|c| c.status.as_str().to_string()),
                documents: cov.map(|c| ids(site, &c.documents)).unwrap_or_default(),
                records: cov.map(|c| ids(site, &c.records)).unwrap_or_default(),
                stale_records: cov.map(|c| ids(site, &c.stale_records)).unwrap_or_default(),
                reasons: cov.map(|c| c.reasons.clone()).unwrap_or_default(),
                soa: cov.and_then(|c| c.soa.as_ref()).map(|e| SoaView {
                    applicable: e.applicable,
                    implementation: e.implementation.clone(),
                    justification: e.justification.clone(),
                    target_date: (!e.target_date.is_empty()).then(|| e.target_date.clone()),
                    documents: e.documents.clone(),
                    evidence: e.evidence.clone(),
                }),
                mapped: crate::render::crosswalk::mapped(site, &item.id)
                    .into_iter()
                    .map(|m| MappedEntry { id: m.id, relationship: m.relationship.to_string(), rationale: m.rationale, source: m.source })
                    .collect(),
                url: document::clause_url(&item.id),
            }
        })
        .collect()
}

fn json_page(path: &str, value: &impl Serialize) -> Page {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    Page { path: path.into(), bytes: bytes.into() }
}

/// Markdown link text: brackets and line breaks would end the link early.
fn link_text(s: &str) -> String {
    s.replace(['\r', '\n'], " ").replace('\\', "\\\\").replace('[', "\\[").replace(']', "\\]")
}

/// Free text on one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `llms.txt` (the llmstxt.org layout): a title, a one-paragraph summary, then sections of
/// links with notes — every document, every assessable requirement and control with its status,
/// the machine-readable files — and an "Optional" section of secondary pages. Links are relative
/// to the site root, so the file works wherever the site is published.
fn llms_txt(site: &Site, inputs: &crate::render::Inputs) -> String {
    let book = &site.config.book;
    let mut out = String::new();
    let title = if book.title.trim().is_empty() { "AI Management System" } else { book.title.trim() };
    out.push_str(&format!("# {}\n\n", one_line(title)));
    let org = one_line(&book.organization);
    let mut summary = format!(
        "The ISO/IEC 42001 AI management system{} as a controlled document set: {} documents and the traceability of {} requirements and controls, checked on {}.",
        if org.is_empty() { String::new() } else { format!(" of {org}") },
        published(site).count(),
        site.trace.coverage.len(),
        site.today
    );
    if inputs.snapshot.is_some() {
        summary.push_str(" This is a frozen snapshot for auditors.");
    }
    out.push_str(&format!("> {summary}\n\n"));
    if !book.description.trim().is_empty() {
        out.push_str(&format!("{}\n\n", one_line(&book.description)));
    }
    out.push_str(
        "Each document page shows its document-control block (owner, approver, version, status, approval and review dates) \
         above its text. Status words: draft, approved, superseded, retired. Requirement and control status: gap (nothing \
         addresses it), addressed (a document, not approved), implemented (an approved document), evidenced (and a current \
         record), excluded (by the Statement of Applicability).\n\n",
    );
    out.push_str("## Machine-readable data\n\n");
    out.push_str(&format!("- [{DOCUMENTS_JSON}]({DOCUMENTS_JSON}): every document's id, title, type, version, status, owner, approver, approval and review dates, review state and the clauses it addresses\n"));
    out.push_str(&format!("- [{CLAUSES_JSON}]({CLAUSES_JSON}): every requirement and control with its status, the documents addressing it, the records evidencing it and its Statement of Applicability entry\n"));
    out.push_str("- [downloads/documents.csv](downloads/documents.csv): the master document register (also .json and .xlsx)\n");
    out.push_str("- [downloads/matrix.csv](downloads/matrix.csv): the traceability matrix (also .json and .xlsx)\n");
    if site.trace.soa_doc.is_some() {
        out.push_str("- [downloads/soa.csv](downloads/soa.csv): the Statement of Applicability (also .json and .xlsx)\n");
    }
    out.push_str("\n## Documents\n\n");
    for d in published(site) {
        let mut note = format!("{}, version {}, {}", d.doc_type, one_line(&d.version_text), d.status.as_str());
        if !d.owner.trim().is_empty() {
            note.push_str(&format!(", owner {}", one_line(&d.owner)));
        }
        if let Some(due) = d.review_due.filter(|_| !d.status.is_obsolete()) {
            note.push_str(&format!(", review due {due}"));
        }
        out.push_str(&format!("- [{} {}]({}): {note}\n", link_text(&d.id), link_text(&one_line(&d.title)), d.url()));
    }
    out.push_str("\n## Requirements and controls\n\n");
    for item in site.catalog.assessable() {
        let status = site.trace.status_of(&item.id).map(|s| s.as_str()).unwrap_or("");
        out.push_str(&format!(
            "- [{} {}]({}): {status}\n",
            link_text(&item.id),
            link_text(&one_line(&item.title)),
            document::clause_url(&item.id)
        ));
    }
    out.push_str("\n## Optional\n\n");
    out.push_str("- [Document register](register.html): every document with its control fields\n");
    out.push_str("- [Clauses and controls](clauses/index.html): the clause matrix\n");
    out.push_str("- [Gaps](gaps.html): what is not yet evidenced, and why\n");
    if site.trace.soa_doc.is_some() {
        out.push_str("- [Statement of Applicability](soa.html)\n");
    }
    out.push_str("- [Manual](manual.html): contents of every current document, one page per part (document type)\n");
    out
}

/// The files of the machine-readable site, paths relative to the site root.
pub(crate) fn pages(site: &Site, inputs: &crate::render::Inputs) -> Vec<Page> {
    let documents: Vec<DocumentEntry> = published(site).map(|d| document_entry(site, d)).collect();
    let mut counts: std::collections::BTreeMap<&'static str, usize> =
        document::STATUSES.iter().map(|s| (*s, 0)).collect::<std::collections::BTreeMap<&'static str, usize>>();
    for d in &documents {
        if let Some(n) = document::STATUSES.iter().find(|s| **s == d.status).and_then(|s| counts.get_mut(s)) {
            *n += 1;
        }
    }
    let mut catalogs = vec![Catalog { namespace: site.catalog.namespace.clone(), title: site.catalog.title.clone() }];
    catalogs.extend(site.catalog.extra.iter().map(|(ns, title)| Catalog { namespace: ns.clone(), title: title.clone() }));
    vec![
        json_page(DOCUMENTS_JSON, &DocumentsFile { header: header(site), counts, documents }),
        json_page(CLAUSES_JSON, &ClausesFile { header: header(site), catalogs, counts: site.trace.counts(), items: clause_entries(site) }),
        Page { path: LLMS_TXT.into(), bytes: llms_txt(site, inputs).into_bytes().into() },
    ]
}
