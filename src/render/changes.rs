//! What changed between two snapshots (or a snapshot and the current repository), grouped
//! the way a surveillance auditor reads it: the Changes page, the manual's appendix, and the
//! text `aimsbook diff` prints.

use super::*;
use crate::model::snapshot::{DocRecord, SnapshotData, SnapshotInfo, SoaRecord};
use serde::Serialize;
use std::collections::BTreeMap;

/// The latest published snapshot's data as the driver read it (or why it could not), the input
/// of the Changes page and the manual's appendix.
#[derive(Debug, Clone)]
pub(crate) struct Published {
    pub(crate) label: String,
    /// Shared: `serve` keeps it between rebuilds while the file is unchanged.
    pub(crate) data: Result<Arc<SnapshotData>, String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) what: String,
    pub(crate) before: String,
    pub(crate) after: String,
}

/// What changed between two snapshots, grouped the way a surveillance auditor reads it.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Diff {
    pub(crate) old: Option<SnapshotInfo>,
    pub(crate) new: Option<SnapshotInfo>,
    pub(crate) added: Vec<Change>,
    pub(crate) removed: Vec<Change>,
    pub(crate) reversioned: Vec<Change>,
    pub(crate) status: Vec<Change>,
    pub(crate) owner: Vec<Change>,
    pub(crate) review: Vec<Change>,
    pub(crate) soa: Vec<Change>,
    pub(crate) clauses: Vec<Change>,
    /// Documents whose text changed, with the redline (see [`crate::render::redline::text_changes`]).
    pub(crate) text: Vec<crate::render::redline::TextChange>,
}

impl Diff {
    pub(crate) fn is_empty(&self) -> bool {
        [&self.added, &self.removed, &self.reversioned, &self.status, &self.owner, &self.review, &self.soa, &self.clauses]
            .iter()
            .all(|v| v.is_empty())
            && self.text.is_empty()
    }
}

pub fn diff(old: &SnapshotData, new: &SnapshotData) -> Diff {
    let mut d = Diff { old: Some(old.info.clone()), new: Some(new.info.clone()), ..Default::default() };
    let o: BTreeMap<&str, &DocRecord> = old.documents.iter().map(|x| (x.id.as_str(), x)).collect();
    let n: BTreeMap<&str, &DocRecord> = new.documents.iter().map(|x| (x.id.as_str(), x)).collect();
    let change = |x: &DocRecord, what: &str, before: &str, after: &str| Change {
        id: x.id.clone(),
        title: x.title.clone(),
        what: what.into(),
        before: before.into(),
        after: after.into(),
    };
    for (id, x) in &n {
        match o.get(id) {
            None => d.added.push(change(x, "added", "", &x.version)),
            Some(y) => {
                if !crate::parse::document::Version::same_text(&y.version, &x.version) {
                    d.reversioned.push(change(x, "version", &y.version, &x.version));
                }
                if y.status != x.status {
                    d.status.push(change(x, "status", &y.status, &x.status));
                }
                if y.owner != x.owner {
                    d.owner.push(change(x, "owner", &y.owner, &x.owner));
                }
                if y.review_due != x.review_due {
                    d.review.push(change(x, "review due", &y.review_due, &x.review_due));
                }
            }
        }
    }
    for (id, y) in &o {
        if !n.contains_key(id) {
            d.removed.push(change(y, "removed", &y.version, ""));
        }
    }
    let os: BTreeMap<&str, &SoaRecord> = old.soa.iter().map(|x| (x.control.as_str(), x)).collect();
    let show = |a: Option<bool>| match a {
        Some(false) => "not applicable",
        _ => "applicable",
    };
    for x in &new.soa {
        match os.get(x.control.as_str()) {
            None => d.soa.push(Change {
                id: x.control.clone(),
                what: "added to the SoA".into(),
                after: format!("{}, {}", show(x.applicable), x.implementation),
                ..Default::default()
            }),
            Some(y) => {
                if y.applicable != x.applicable {
                    d.soa.push(Change {
                        id: x.control.clone(),
                        what: "applicability".into(),
                        before: show(y.applicable).into(),
                        after: show(x.applicable).into(),
                        ..Default::default()
                    });
                }
                if y.implementation != x.implementation {
                    d.soa.push(Change {
                        id: x.control.clone(),
                        what: "implementation".into(),
                        before: y.implementation.clone(),
                        after: x.implementation.clone(),
                        ..Default::default()
                    });
                }
            }
        }
    }
    let ns: BTreeMap<&str, &SoaRecord> = new.soa.iter().map(|x| (x.control.as_str(), x)).collect();
    for y in old.soa.iter().filter(|y| !ns.contains_key(y.control.as_str())) {
        d.soa.push(Change {
            id: y.control.clone(),
            what: "removed from the SoA".into(),
            before: format!("{}, {}", show(y.applicable), y.implementation),
            ..Default::default()
        });
    }
    // A clause or control that appears or disappears (the catalog changed) shows as a status
    // change from or to nothing.
    let ids: std::collections::BTreeSet<&String> = old.clauses.keys().chain(new.clauses.keys()).collect();
    for id in ids {
        let (before, after) = (old.clauses.get(id).cloned().unwrap_or_default(), new.clauses.get(id).cloned().unwrap_or_default());
        if before != after {
            d.clauses.push(Change { id: id.clone(), what: "status".into(), before, after, ..Default::default() });
        }
    }
    d.text = crate::render::redline::text_changes(&old.documents, &new.documents);
    d
}

/// The diff as text for the terminal.
pub fn render_diff(d: &Diff) -> String {
    let mut out = String::new();
    let label = |i: &Option<SnapshotInfo>| i.as_ref().map(|i| format!("{} ({})", i.label, i.date)).unwrap_or_default();
    out.push_str(&format!("Changes from {} to {}\n", label(&d.old), label(&d.new)));
    if d.is_empty() {
        out.push_str("\nNo changes.\n");
        return out;
    }
    let section = |out: &mut String, title: &str, items: &[Change]| {
        if items.is_empty() {
            return;
        }
        out.push_str(&format!("\n{title} ({})\n", items.len()));
        for c in items {
            let name = if c.title.is_empty() { c.id.clone() } else { format!("{} {}", c.id, c.title) };
            match (c.before.is_empty(), c.after.is_empty()) {
                (true, false) => out.push_str(&format!("  + {name} ({})\n", c.after)),
                (false, true) => out.push_str(&format!("  - {name} ({})\n", c.before)),
                _ => out.push_str(&format!("  ~ {name}: {} {} → {}\n", c.what, c.before, c.after)),
            }
        }
    };
    section(&mut out, "Documents added", &d.added);
    section(&mut out, "Documents removed", &d.removed);
    section(&mut out, "Documents re-versioned", &d.reversioned);
    section(&mut out, "Status changed", &d.status);
    section(&mut out, "Owner changed", &d.owner);
    section(&mut out, "Review date changed", &d.review);
    section(&mut out, "Statement of Applicability", &d.soa);
    section(&mut out, "Clause and control status", &d.clauses);
    crate::render::redline::render_text_changes(&mut out, &d.text);
    out
}

/// The latest published snapshot with a path (book.toml `[[snapshots]]`), and what changed
/// since it — or why it could not be read. In an edition, the snapshot's documents are those
/// the edition may show ([`crate::model::audience::restrict_snapshot_data`]).
/// Computed once per render: the Changes page and the manual's appendix both show it.
pub(crate) fn changes_since<'r>(r: &'r Renderer) -> Option<&'r (String, Result<Diff, String>)> {
    r.changes
        .get_or_init(|| {
            let site = r.site;
            let published = r.inputs.published.as_ref()?;
            let diff = published.data.clone().map(|old| {
                let old = crate::model::audience::restrict_snapshot_data(site, (*old).clone());
                let current = crate::model::snapshot::data_of(site, crate::model::snapshot::info_for(site, "current"));
                crate::render::changes::diff(&old, &current)
            });
            Some((published.label.clone(), diff))
        })
        .as_ref()
}

/// "Changes since LABEL": the current repository against the latest published snapshot.
pub(crate) fn changes_page(r: &Renderer, p: &SitePage) -> Result<Page, Diagnostic> {
    let Some((label, result)) = changes_since(r) else {
        return Err(Diagnostic::new(TPL001, "book.toml", 1, "no published snapshot with a path"));
    };
    let (diff, error) = match result {
        Ok(d) => (Some(d), None),
        Err(e) => (None, Some(e)),
    };
    r.page(p.path, p.template,
        context! { title => r.site.messages.get("changes-title", &[("label", label.clone().into())]).unwrap_or_default(), label => label, diff => v(diff), error => error },
    )
}

/// The printed manual's appendix "Changes since LABEL" (template `manual-changes.html`): per
/// changed document what changed in its control data and its text (counts and redline), then
/// the SoA and clause changes. Empty without a published snapshot.
pub(crate) fn manual_changes(r: &Renderer) -> Result<String, Diagnostic> {
    let Some((label, result)) = changes_since(r) else { return Ok(String::new()) };
    let (docs, other, error) = match result {
        Err(e) => (Vec::new(), Vec::new(), Some(e.clone())),
        Ok(diff) => {
            let mut by_doc: BTreeMap<&str, (&str, Vec<&crate::render::changes::Change>, Option<&crate::render::redline::TextChange>)> =
                BTreeMap::new();
            for c in
                diff.added.iter().chain(&diff.removed).chain(&diff.reversioned).chain(&diff.status).chain(&diff.owner).chain(&diff.review)
            {
                by_doc.entry(&c.id).or_insert((&c.title, Vec::new(), None)).1.push(c);
            }
            for t in &diff.text {
                by_doc.entry(&t.id).or_insert((&t.title, Vec::new(), None)).2 = Some(t);
            }
            let docs: Vec<Value> = by_doc
                .into_iter()
                .map(|(id, (title, changes, text))| context! { id => id, title => title, changes => v(changes), text => v(text) })
                .collect();
            let other: Vec<&crate::render::changes::Change> = diff.soa.iter().chain(&diff.clauses).collect();
            (docs, other.into_iter().cloned().map(v).collect::<Vec<_>>(), None)
        }
    };
    let old = result.as_ref().ok().and_then(|d| d.old.clone());
    let tmpl = r.env.get_template("manual-changes.html").map_err(|e| template_diag(r.theme, &e))?;
    let ctx = context! { label => label, old => v(old), docs => docs, other => other, error => error, today => r.site.today.to_string() };
    tmpl.render(ctx).map_err(|e| template_diag(r.theme, &e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::snapshot::SnapshotInfo;

    fn data(docs: &[(&str, &str, &str)], soa: &[(&str, bool, &str)], clauses: &[(&str, &str)]) -> SnapshotData {
        SnapshotData {
            info: SnapshotInfo {
                label: "x".into(),
                date: "2026-01-01".into(),
                organization: String::new(),
                title: String::new(),
                commit: None,
                dirty: false,
                tool: String::new(),
                edition: None,
                signature: None,
            },
            documents: docs
                .iter()
                .map(|(id, v, s)| DocRecord {
                    id: id.to_string(),
                    title: "T".into(),
                    doc_type: "policy".into(),
                    version: v.to_string(),
                    status: s.to_string(),
                    owner: "O".into(),
                    review_due: "2027-01-01".into(),
                    body: None,
                    classification: None,
                })
                .collect(),
            soa: soa
                .iter()
                .map(|(c, a, i)| SoaRecord { control: c.to_string(), applicable: Some(*a), implementation: i.to_string() })
                .collect(),
            clauses: clauses.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
        }
    }

    #[test]
    fn diff_lists_each_kind_of_change() {
        let old = data(
            &[("A", "1.0", "approved"), ("B", "1.0", "draft"), ("C", "1.0", "approved")],
            &[("A.2.2", true, "planned")],
            &[("5.2", "implemented")],
        );
        let new = data(
            &[("A", "1.1", "approved"), ("B", "1.0", "approved"), ("D", "0.1", "draft")],
            &[("A.2.2", true, "implemented")],
            &[("5.2", "evidenced")],
        );
        let d = diff(&old, &new);
        assert_eq!(d.added.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec!["D"]);
        assert_eq!(d.removed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec!["C"]);
        assert_eq!(d.reversioned[0].before, "1.0");
        assert_eq!(d.status[0].after, "approved");
        assert_eq!(d.soa[0].what, "implementation");
        assert_eq!(d.clauses[0].after, "evidenced");
        assert!(render_diff(&d).contains("~ A T: version 1.0 → 1.1"));
    }

    #[test]
    fn diff_lists_removed_soa_entries_and_clauses_that_come_or_go() {
        let old = data(&[], &[("A.2.2", true, "planned"), ("A.2.3", false, "")], &[("5.2", "implemented"), ("X.1", "gap")]);
        let new = data(&[], &[("A.2.2", true, "planned")], &[("5.2", "implemented"), ("Y.1", "gap")]);
        let d = diff(&old, &new);
        let soa: Vec<(&str, &str, &str)> = d.soa.iter().map(|c| (c.id.as_str(), c.what.as_str(), c.before.as_str())).collect();
        assert_eq!(soa, vec![("A.2.3", "removed from the SoA", "not applicable, ")]);
        let clauses: Vec<(&str, &str, &str)> = d.clauses.iter().map(|c| (c.id.as_str(), c.before.as_str(), c.after.as_str())).collect();
        assert_eq!(clauses, vec![("X.1", "gap", ""), ("Y.1", "", "gap")]);
    }
}
