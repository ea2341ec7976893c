//! Traceability model: for every assessable requirement and Annex A control, which documents
//! address it, which records evidence it, what the Statement of Applicability says about it,
//! which register rows cite it, and the resulting status — gap → addressed → implemented →
//! evidenced (or excluded by the SoA). Computed once from the [`Site`]; pure, no I/O.

use crate::model::Site;
use crate::parse::data::DataFile;
use crate::parse::document::{is_evidence_type, Document, Status};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CoverageStatus {
    Gap,
    Addressed,
    Implemented,
    Evidenced,
    Excluded,
}

impl CoverageStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Gap => "gap",
            CoverageStatus::Addressed => "addressed",
            CoverageStatus::Implemented => "implemented",
            CoverageStatus::Evidenced => "evidenced",
            CoverageStatus::Excluded => "excluded",
        }
    }
    pub(crate) const ALL: [CoverageStatus; 5] =
        [CoverageStatus::Gap, CoverageStatus::Addressed, CoverageStatus::Implemented, CoverageStatus::Evidenced, CoverageStatus::Excluded];
}

/// One Statement of Applicability entry, typed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SoaEntry {
    pub(crate) control: String,
    pub(crate) applicable: Option<bool>,
    pub(crate) justification: String,
    pub(crate) implementation: String,
    pub(crate) target_date: String,
    pub(crate) documents: Vec<String>,
    pub(crate) evidence: Vec<String>,
    pub(crate) notes: String,
    /// The organisation's own columns (anything beyond the fields above), as (column, text) in
    /// column order: registers are open world, so they are shown, never dropped.
    pub(crate) extra: Vec<(String, String)>,
}

/// The SoA fields aimsbook itself reads; every other column of a row is [`SoaEntry::extra`].
const SOA_FIELDS: [&str; 8] = ["control", "applicable", "justification", "implementation", "target_date", "documents", "evidence", "notes"];

/// A register row that cites a catalog item (risks, nonconformities, systems, training).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Citation {
    pub(crate) register_id: String,
    pub(crate) register_title: String,
    pub(crate) row_id: String,
    pub(crate) summary: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Coverage {
    pub(crate) status: CoverageStatus,
    /// Indices of current (not superseded or retired) non-record documents naming the item.
    pub(crate) documents: Vec<usize>,
    /// Indices of current records naming the item.
    pub(crate) records: Vec<usize>,
    /// Records naming the item that are older than the evidence window or not approved.
    pub(crate) stale_records: Vec<usize>,
    pub(crate) soa: Option<SoaEntry>,
    pub(crate) citations: Vec<Citation>,
    /// Why the item is not (fully) evidenced: shown on the gap report.
    pub(crate) reasons: Vec<String>,
}

/// The mandatory documented information of the catalog, each with what satisfies it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MandatoryStatus {
    pub(crate) key: String,
    pub(crate) clause: String,
    pub(crate) title: String,
    pub(crate) types: Vec<String>,
    pub(crate) evidence: String,
    pub(crate) satisfied_by: Vec<String>,
    pub(crate) status: &'static str,
}

#[derive(Debug, Clone, Default)]
pub struct Trace {
    pub(crate) coverage: BTreeMap<String, Coverage>,
    /// Index of the SoA document and its entries by control (first SoA document found).
    pub soa_doc: Option<usize>,
    pub(crate) soa: Vec<SoaEntry>,
    pub(crate) mandatory: Vec<MandatoryStatus>,
    pub(crate) evidence_cutoff: Option<Date>,
}

impl Trace {
    pub(crate) fn status_of(&self, id: &str) -> Option<CoverageStatus> {
        self.coverage.get(id).map(|c| c.status)
    }
    pub(crate) fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut m: BTreeMap<&'static str, usize> = CoverageStatus::ALL.iter().map(|s| (s.as_str(), 0)).collect();
        for c in self.coverage.values() {
            *m.entry(c.status.as_str()).or_default() += 1;
        }
        m
    }
}

/// The date a record was made: `record_date`, else `meeting_date`, else its approval.
pub(crate) fn record_made(d: &Document) -> Option<Date> {
    d.record_date.or(d.meeting_date).or(d.approved)
}

pub(crate) fn soa_entries(data: &DataFile) -> Vec<SoaEntry> {
    data.rows
        .iter()
        .map(|r| SoaEntry {
            control: r.str("control").unwrap_or("").to_string(),
            applicable: r.bool("applicable"),
            justification: r.str("justification").unwrap_or("").to_string(),
            implementation: r.str("implementation").unwrap_or("").to_string(),
            target_date: r.str("target_date").unwrap_or("").to_string(),
            documents: r.list("documents"),
            evidence: r.list("evidence"),
            notes: r.str("notes").unwrap_or("").to_string(),
            extra: data
                .columns
                .iter()
                .filter(|c| !SOA_FIELDS.contains(&c.as_str()))
                .map(|c| (c.clone(), r.text(c)))
                .filter(|(_, text)| !text.is_empty())
                .collect(),
        })
        .collect()
}

/// Computes the traceability of the whole site.
pub(crate) fn compute(site: &Site) -> Trace {
    let months = site.config.traceability.evidence_months;
    let cutoff = site.today.checked_sub(jiff::Span::new().months(months)).ok();
    let mut trace = Trace { evidence_cutoff: cutoff, ..Trace::default() };

    // The SoA: the first current document of type soa with a data file.
    for (i, d) in site.documents.iter().enumerate() {
        if d.doc_type == "soa" && !d.status.is_obsolete() {
            if let Some(df) = site.data_for_doc(d) {
                trace.soa_doc = Some(i);
                trace.soa = soa_entries(df);
                break;
            }
        }
    }
    // The first entry of a control counts (a duplicate is reported by SOA002).
    let mut soa_by_control: BTreeMap<String, &SoaEntry> = BTreeMap::new();
    // Only controls: a clause id in the SoA is an error of its own (SOA003), not an exclusion.
    for e in &trace.soa {
        if let Some(item) = site.catalog.get(&e.control).filter(|i| i.kind == crate::model::catalog::ItemKind::Control) {
            soa_by_control.entry(item.id.clone()).or_insert(e);
        }
    }

    // Register rows citing catalog items via `controls` lists or a `clause` field.
    let mut citations: BTreeMap<String, Vec<Citation>> = BTreeMap::new();
    for df in &site.data_files {
        if df.list_key == "controls" {
            continue;
        }
        let register_id = df.meta_str("document").unwrap_or("").to_string();
        for row in &df.rows {
            // The column the register's schema maps to `controls` (`x-aimsbook.fields`).
            let mut ids = row.list(df.col("controls"));
            if !df.semantics.fields.contains_key("controls") {
                ids.extend(row.list("clause"));
                ids.extend(row.list("clauses"));
            }
            let row_id = row.id().unwrap_or("").to_string();
            let summary = ["title", "name", "description", "course"]
                .iter()
                .find_map(|k| row.str(k))
                .unwrap_or("")
                .chars()
                .take(140)
                .collect::<String>();
            for id in ids {
                if let Some(item) = site.catalog.get(&id) {
                    citations.entry(item.id.clone()).or_default().push(Citation {
                        register_id: register_id.clone(),
                        register_title: df.title(),
                        row_id: row_id.clone(),
                        summary: summary.clone(),
                    });
                }
            }
        }
    }

    for item in site.catalog.assessable() {
        let mut documents = Vec::new();
        let mut records = Vec::new();
        let mut stale = Vec::new();
        for &i in site.clause_docs.get(&item.id).map(Vec::as_slice).unwrap_or(&[]) {
            let d = &site.documents[i];
            if d.status.is_obsolete() {
                continue;
            }
            if is_evidence_type(&d.doc_type) {
                let current = d.status == Status::Approved && matches!((record_made(d), cutoff), (Some(made), Some(c)) if made >= c);
                if current {
                    records.push(i);
                } else {
                    stale.push(i);
                }
            } else {
                documents.push(i);
            }
        }
        let soa = soa_by_control.get(&item.id).map(|e| (*e).clone());
        let approved_doc = documents.iter().any(|&i| site.documents[i].status == Status::Approved);
        let mut reasons = Vec::new();
        let excluded = soa.as_ref().is_some_and(|e| e.applicable == Some(false));
        let status = if excluded {
            CoverageStatus::Excluded
        } else if documents.is_empty() {
            reasons.push("no document addresses it".to_string());
            CoverageStatus::Gap
        } else if !approved_doc {
            reasons.push("the documents that address it are not approved yet".to_string());
            CoverageStatus::Addressed
        } else if records.is_empty() {
            if stale.is_empty() {
                reasons.push("no record evidences it".to_string());
            } else {
                reasons.push(format!("its records are older than {months} months or not approved"));
            }
            CoverageStatus::Implemented
        } else {
            CoverageStatus::Evidenced
        };
        if item.kind == crate::model::catalog::ItemKind::Control
            && item.namespace == site.catalog.namespace
            && soa.is_none()
            && trace.soa_doc.is_some()
        {
            reasons.push("missing from the Statement of Applicability".to_string());
        }
        if let Some(e) = &soa {
            if !excluded && matches!(e.implementation.as_str(), "partial" | "planned") {
                reasons.push(format!(
                    "the SoA records its implementation as {}{}",
                    e.implementation,
                    if e.target_date.is_empty() { String::new() } else { format!(" (target {})", e.target_date) }
                ));
            }
        }
        trace.coverage.insert(
            item.id.clone(),
            Coverage {
                status,
                documents,
                records,
                stale_records: stale,
                soa,
                citations: citations.remove(&item.id).unwrap_or_default(),
                reasons,
            },
        );
    }

    for md in &site.catalog.mandatory_documents {
        let clause_ids: Vec<String> = match site.catalog.get(&md.clause) {
            Some(item) if item.is_assessable() => vec![item.id.clone()],
            Some(item) => site.catalog.children(&item.id).map(|c| c.id.clone()).collect(),
            None => Vec::new(),
        };
        let mut satisfied: Vec<(bool, String)> = Vec::new();
        for d in site.current_documents() {
            if md.types.contains(&d.doc_type) && d.clauses.iter().any(|c| site.catalog.get(c).is_some_and(|i| clause_ids.contains(&i.id))) {
                satisfied.push((d.status == Status::Approved, d.id.clone()));
            }
        }
        let status = if satisfied.iter().any(|(ok, _)| *ok) {
            "satisfied"
        } else if !satisfied.is_empty() {
            "draft"
        } else {
            "gap"
        };
        trace.mandatory.push(MandatoryStatus {
            key: md.key.clone(),
            clause: md.clause.clone(),
            title: md.title.clone(),
            types: md.types.clone(),
            evidence: md.evidence.clone(),
            satisfied_by: satisfied.into_iter().map(|(_, id)| id).collect(),
            status,
        });
    }
    trace
}
