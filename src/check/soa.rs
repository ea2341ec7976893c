//! Statement of Applicability checks (clause 6.1.3): every Annex A control exactly once, a
//! real justification for each exclusion, an implementing document for each applicable
//! control, evidence for each implemented one, and listed ids that exist and agree.

use crate::diagnostics::{Code::*, Diagnostic};
use crate::model::catalog::ItemKind;
use crate::model::trace::soa_entries;
use crate::model::Site;
use crate::parse::document::{is_evidence_type, Status};
use std::collections::BTreeMap;

/// Justifications that say nothing: the second most common major finding.
pub(crate) fn is_boilerplate(justification: &str) -> bool {
    let norm: String = justification.to_lowercase().chars().filter(|c| c.is_alphanumeric() || c.is_whitespace() || *c == '/').collect();
    let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
    matches!(
        norm.as_str(),
        "" | "n/a"
            | "na"
            | "n a"
            | "none"
            | "not relevant"
            | "not applicable"
            | "irrelevant"
            | "no"
            | "tbd"
            | "todo"
            | "excluded"
            | "out of scope"
            | "not required"
            | "-"
    )
}

pub(crate) fn check(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // A draft SoA is work in progress (DC017 already says so): its entries are judged once it
    // is submitted for approval, so a scaffolded repository starts without errors. A superseded
    // or retired SoA is history: its entries are not judged against today's catalog either.
    for d in site.documents.iter().filter(|d| d.doc_type == "soa" && d.status != Status::Draft && !d.status.is_obsolete()) {
        let Some(df) = site.data_for_doc(d) else {
            if d.data.is_none() {
                out.push(
                    Diagnostic::new(
                        SOA013,
                        &d.repo_rel,
                        d.line_of("type"),
                        format!("Statement of Applicability {} has no data file", d.id),
                    )
                    .help("add `data: \"../data/soa.yaml\"` naming a YAML file with a `controls` list (one entry per Annex A control)"),
                );
            }
            continue;
        };
        let file = &df.repo_rel;
        if df.list_key != "controls" {
            out.push(
                Diagnostic::new(
                    SOA013,
                    file,
                    df.line_of(&df.list_key),
                    format!("the SoA's list is `{}`, expected `controls`", df.list_key),
                )
                .help("write the entries under `controls:`"),
            );
            continue;
        }
        let entries = soa_entries(df);
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (e, row) in entries.iter().zip(&df.rows) {
            let Some(item) = site.catalog.get(&e.control).filter(|i| i.kind == ItemKind::Control) else {
                if !e.control.is_empty() {
                    out.push(
                        Diagnostic::new(SOA003, file, row.line_of("control"), format!("unknown Annex A control `{}`", e.control)).help(
                            "use a control id of Annex A, e.g. A.5.2 (the first number of each group is its objective, not a control)",
                        ),
                    );
                }
                continue;
            };
            if let Some(first) = seen.get(&item.id) {
                out.push(
                    Diagnostic::new(
                        SOA002,
                        file,
                        row.line_of("control"),
                        format!("{} appears more than once (first on line {first})", item.id),
                    )
                    .help("each control appears exactly once; merge the entries"),
                );
                continue;
            }
            seen.insert(item.id.clone(), row.line_of("control"));
            let applicable = e.applicable.unwrap_or(true);
            if !applicable {
                if e.justification.trim().is_empty() {
                    out.push(
                        Diagnostic::new(SOA004, file, row.line, format!("{} is excluded without a justification", item.id))
                            .help("state why the control is not needed, tied to the risk assessment or the scope (6.1.3)"),
                    );
                } else if is_boilerplate(&e.justification) {
                    out.push(
                        Diagnostic::new(SOA005, file, row.line_of("justification"), format!("{} is excluded with a boilerplate justification \"{}\"", item.id, e.justification.trim()))
                            .help("auditors reject \"n/a\" or \"not relevant\": explain which risk or scope decision makes the control unnecessary"),
                    );
                }
                if e.implementation != "not-applicable" && !e.implementation.is_empty() {
                    out.push(
                        Diagnostic::new(
                            SOA011,
                            file,
                            row.line_of("implementation"),
                            format!("{} is not applicable but its implementation is `{}`", item.id, e.implementation),
                        )
                        .help("use implementation: not-applicable for excluded controls, or set applicable: true"),
                    );
                }
                continue;
            }
            if e.implementation == "not-applicable" {
                out.push(
                    Diagnostic::new(
                        SOA011,
                        file,
                        row.line_of("implementation"),
                        format!("{} is applicable but its implementation is `not-applicable`", item.id),
                    )
                    .help("use implemented, partial or planned — or set applicable: false with a justification"),
                );
            }
            if e.justification.trim().is_empty() || is_boilerplate(&e.justification) {
                out.push(
                    Diagnostic::new(SOA004, file, row.line, format!("{} is included without a justification", item.id))
                        .help("say which risk or requirement makes the control necessary"),
                );
            }
            if matches!(e.implementation.as_str(), "partial" | "planned") && e.target_date.is_empty() {
                out.push(
                    Diagnostic::new(
                        SOA012,
                        file,
                        row.line_of("implementation"),
                        format!("{} is {} without a target_date", item.id, e.implementation),
                    )
                    .help("add target_date: YYYY-MM-DD for when the control will be fully implemented"),
                );
            }
            let docs_ok: Vec<&String> = e.documents.iter().filter(|id| site.doc(id).is_some()).collect();
            if docs_ok.is_empty() {
                out.push(
                    Diagnostic::new(
                        SOA006,
                        file,
                        row.line_of("documents"),
                        format!("{} is applicable but names no implementing document", item.id),
                    )
                    .help("list the policy or procedure that implements it under documents: [ID]"),
                );
            }
            if e.implementation == "implemented" && e.evidence.is_empty() {
                out.push(
                    Diagnostic::new(
                        SOA007,
                        file,
                        row.line_of("implementation"),
                        format!("{} is implemented but lists no evidence", item.id),
                    )
                    .help("list the records that show it operating under evidence: [REC-…]"),
                );
            }
            for (key, ids) in [("documents", &e.documents), ("evidence", &e.evidence)] {
                for id in ids {
                    match site.doc(id) {
                        None => out.push(
                            Diagnostic::new(
                                SOA008,
                                file,
                                row.line_of(key),
                                format!("{} lists unknown {} `{id}`", item.id, if key == "evidence" { "record" } else { "document" }),
                            )
                            .help("use the id of an existing document"),
                        ),
                        Some(t) => {
                            if t.status == Status::Draft || t.status.is_obsolete() {
                                out.push(
                                    Diagnostic::new(
                                        SOA009,
                                        file,
                                        row.line_of(key),
                                        format!("{} lists {id}, which is {}", item.id, t.status.as_str()),
                                    )
                                    .help(format!("approve {id}, or list the document in force instead")),
                                );
                            }
                            if !t.clauses.iter().any(|c| site.catalog.get(c).is_some_and(|i| i.id == item.id)) {
                                out.push(
                                    Diagnostic::new(
                                        SOA010,
                                        file,
                                        row.line_of(key),
                                        format!("{} lists {id}, but {id} does not name {} in its clauses", item.id, item.id),
                                    )
                                    .help(format!("add \"{}\" to the clauses of {id} ({}), or remove it here", item.id, t.repo_rel)),
                                );
                            }
                            if key == "evidence" && !is_evidence_type(&t.doc_type) {
                                out.push(
                                    Diagnostic::new(
                                        SOA010,
                                        file,
                                        row.line_of(key),
                                        format!("{} lists {id} as evidence, but it is a {}, not a record", item.id, t.doc_type),
                                    )
                                    .help("evidence is a record, report or minutes; list policies and procedures under documents"),
                                );
                            }
                        }
                    }
                }
            }
        }
        for item in site.catalog.items.iter().filter(|i| i.kind == ItemKind::Control && i.namespace == site.catalog.namespace) {
            if !seen.contains_key(&item.id) {
                out.push(
                    Diagnostic::new(
                        SOA001,
                        file,
                        df.line_of("controls"),
                        format!("{} {} is missing from the Statement of Applicability", item.id, item.title),
                    )
                    .help("every Annex A control appears once, applicable or not, with a justification"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_detected() {
        for s in ["n/a", "N/A.", "Not relevant", "not applicable", "  NA "] {
            assert!(is_boilerplate(s), "{s}");
        }
        assert!(!is_boilerplate("We do not develop AI systems in-house; all AI is procured (see SCO-001)."));
    }
}
