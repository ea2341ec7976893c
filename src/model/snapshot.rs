//! What a snapshot records about the site (documents, SoA, coverage) and how it identifies
//! itself: the data `snapshot` writes as `snapshot.json`, the Changes page and `diff` compare.

use crate::model::Site;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Identification of a snapshot, shown on its pages.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct SnapshotInfo {
    pub(crate) label: String,
    pub(crate) date: String,
    pub(crate) organization: String,
    pub(crate) title: String,
    pub(crate) commit: Option<String>,
    pub(crate) dirty: bool,
    pub(crate) tool: String,
    /// The edition (`snapshot --audience`); absent for a complete snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) edition: Option<crate::model::audience::Edition>,
    /// The manifest's signature as the About page shows it (`snapshot --sign`).
    #[serde(default)]
    pub(crate) signature: Option<crate::support::signing::SignatureView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct DocRecord {
    pub(crate) id: String,
    pub(crate) title: String,
    #[serde(rename = "type")]
    pub(crate) doc_type: String,
    pub(crate) version: String,
    pub(crate) status: String,
    pub(crate) owner: String,
    pub(crate) review_due: String,
    /// The Markdown body, for "what changed in the text" (absent from older snapshots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) body: Option<String>,
    /// The classification, so that an edition can tell which removed documents it may list
    /// (absent from older snapshots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) classification: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct SoaRecord {
    pub(crate) control: String,
    pub(crate) applicable: Option<bool>,
    pub(crate) implementation: String,
}

/// The machine-readable content of a snapshot: what `diff` compares.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SnapshotData {
    pub(crate) info: SnapshotInfo,
    pub(crate) documents: Vec<DocRecord>,
    pub(crate) soa: Vec<SoaRecord>,
    /// Clause or control id → coverage status.
    pub(crate) clauses: BTreeMap<String, String>,
}

pub(crate) fn data_of(site: &Site, info: SnapshotInfo) -> SnapshotData {
    SnapshotData {
        info,
        documents: site
            .documents
            .iter()
            .map(|d| DocRecord {
                id: d.id.clone(),
                title: d.title.clone(),
                doc_type: d.doc_type.clone(),
                version: d.version_text.clone(),
                status: d.status.as_str().into(),
                owner: d.owner.clone(),
                review_due: d.review_due.map(|x| x.to_string()).unwrap_or_default(),
                body: Some(d.body.to_string()),
                classification: Some(d.classification.clone()),
            })
            .collect(),
        soa: site
            .trace
            .soa
            .iter()
            .map(|e| SoaRecord { control: e.control.clone(), applicable: e.applicable, implementation: e.implementation.clone() })
            .collect(),
        clauses: site.trace.coverage.iter().map(|(k, c)| (k.clone(), c.status.as_str().to_string())).collect(),
    }
}

pub(crate) fn info_for(site: &Site, label: &str) -> SnapshotInfo {
    SnapshotInfo {
        label: label.to_string(),
        date: site.today.to_string(),
        organization: site.config.book.organization.clone(),
        title: site.config.book.title.clone(),
        commit: site.git.head.as_ref().map(|(c, _)| c.clone()),
        dirty: site.git.head.as_ref().is_some_and(|(_, d)| *d),
        tool: concat!("aimsbook ", env!("CARGO_PKG_VERSION")).to_string(),
        edition: site.edition.clone(),
        signature: None,
    }
}
