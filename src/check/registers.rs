//! Register checks: data files are claimed by exactly the document that names them, row ids
//! are unique, references to documents, AI systems and controls exist, risk scores add up,
//! closed nonconformities are dated, and every in-scope AI system has an approved impact
//! assessment (the most common major audit finding).

use crate::diagnostics::Diagnostic;
use crate::model::Status;
use crate::site::Site;
use std::collections::BTreeMap;

pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    claims(site, &mut out);
    let systems = site.systems();
    for df in &site.data_files {
        let file = &df.repo_rel;
        if df.list_key == "controls" {
            continue; // the SoA has its own checks
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for row in &df.rows {
            if let Some(id) = row.id() {
                if let Some(first) = seen.get(id) {
                    out.push(
                        Diagnostic::new("REG006", file, row.line_of("id"), format!("duplicate row id `{id}` (first used on line {first})"))
                            .help("ids must be unique within a register"),
                    );
                } else {
                    seen.insert(id, row.line_of("id"));
                }
            }
            if let Some(sys) = row.str("ai_system") {
                if df.schema != "systems" && !systems.contains_key(sys) {
                    out.push(
                        Diagnostic::new("REG007", file, row.line_of("ai_system"), format!("unknown AI system `{sys}`"))
                            .help("use the id of a system in the AI system inventory (a data file with a `systems` list)"),
                    );
                }
            }
            for key in ["documents", "document"] {
                for id in row.list(key) {
                    if site.doc(&id).is_none() && !site.known_ids.contains(&id) {
                        out.push(
                            Diagnostic::new("REG007", file, row.line_of(key), format!("unknown document `{id}`"))
                                .help("use the id of an existing document"),
                        );
                    }
                }
            }
            for key in ["controls", "clause", "clauses"] {
                for id in row.list(key) {
                    if !site.catalog.contains(&id) {
                        out.push(
                            Diagnostic::new("CLS001", file, row.line_of(key), format!("unknown clause or control id `{id}`"))
                                .help("use a catalog id such as \"6.1.2\" or \"A.5.4\""),
                        );
                    }
                }
            }
            // A score, inherent or residual, is its likelihood times its impact.
            for (score_key, likelihood_key, impact_key) in
                [("score", "likelihood", "impact"), ("residual_score", "residual_likelihood", "residual_impact")]
            {
                if let (Some(l), Some(i), Some(score)) = (row.int(likelihood_key), row.int(impact_key), row.int(score_key)) {
                    if score != l * i {
                        out.push(
                            Diagnostic::new(
                                "REG008",
                                file,
                                row.line_of(score_key),
                                format!("{score_key} {score} is not {likelihood_key} × {impact_key} ({l} × {i} = {})", l * i),
                            )
                            .help(format!("set {score_key}: {}", l * i)),
                        );
                    }
                }
            }
            if df.schema == "entries" && row.str("status") == Some("closed") && row.str("closed").is_none() {
                out.push(
                    Diagnostic::new(
                        "REG009",
                        file,
                        row.line_of("status"),
                        format!("nonconformity {} is closed without a closing date", row.id().unwrap_or("?")),
                    )
                    .help("add `closed: YYYY-MM-DD` and how effectiveness was verified"),
                );
            }
        }
    }
    assessments(site, &mut out);
    out
}

/// Every document's `data:` resolves to a data file whose `meta.document` points back, and
/// every data file is claimed.
fn claims(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut claimed: BTreeMap<String, &str> = BTreeMap::new();
    for d in &site.documents {
        let Some(path) = &d.data else { continue };
        let Some(rel) = site.data_rel_for(d) else {
            out.push(
                Diagnostic::new("REG001", &d.repo_rel, d.line_of("data"), format!("data file `{path}` points outside the content folder"))
                    .help("data files live under the content folder; the path is relative to this document"),
            );
            continue;
        };
        match site.data_by_rel.get(&rel) {
            // The file exists but could not be parsed: its own diagnostics say so.
            None if site.unparsed.contains(&rel) => {}
            None => out.push(
                Diagnostic::new("REG001", &d.repo_rel, d.line_of("data"), format!("data file `{path}` not found"))
                    .help("the path is relative to this document's folder, e.g. data: \"../data/risks.yaml\""),
            ),
            Some(&i) => {
                let df = &site.data_files[i];
                if let Some(other) = claimed.get(&rel) {
                    out.push(
                        Diagnostic::new(
                            "REG003",
                            &d.repo_rel,
                            d.line_of("data"),
                            format!("{} is already governed by {other}", df.repo_rel),
                        )
                        .help("each data file belongs to exactly one document"),
                    );
                    continue;
                }
                claimed.insert(rel.clone(), &d.id);
                match df.meta_str("document") {
                    Some(owner) if owner == d.id => {}
                    Some(owner) => out.push(
                        Diagnostic::new(
                            "REG003",
                            &df.repo_rel,
                            df.meta_line("document"),
                            format!("meta.document is `{owner}` but the file is governed by {}", d.id),
                        )
                        .help(format!("set meta.document: {}", d.id)),
                    ),
                    None => out.push(
                        Diagnostic::new(
                            "REG003",
                            &df.repo_rel,
                            df.line_of("meta"),
                            format!("meta.document is missing (the file is governed by {})", d.id),
                        )
                        .help(format!("add `document: {}` under meta", d.id)),
                    ),
                }
            }
        }
    }
    for df in &site.data_files {
        if !claimed.contains_key(&df.rel) {
            let hint = match df.meta_str("document") {
                Some(id) if site.doc(id).is_some() => format!("add `data: \"{}\"` (relative path) to {id}'s front matter", df.rel),
                _ => "name this file with `data:` in the front matter of the register document that governs it".to_string(),
            };
            out.push(Diagnostic::new("REG002", &df.repo_rel, 1, "data file is not governed by any document").help(hint));
        }
    }
}

/// Every in-scope AI system needs an approved impact assessment.
fn assessments(site: &Site, out: &mut Vec<Diagnostic>) {
    for df in site.data_files.iter().filter(|f| f.schema == "systems") {
        for row in &df.rows {
            let Some(id) = row.id() else { continue };
            if row.bool("in_scope") != Some(true) || row.str("lifecycle") == Some("retired") {
                continue;
            }
            let assessments: Vec<_> =
                site.current_documents().filter(|d| d.doc_type == "assessment" && d.ai_system.as_deref() == Some(id)).collect();
            if !assessments.iter().any(|d| d.status == Status::Approved) {
                let msg = if assessments.is_empty() {
                    format!("in-scope AI system {id} has no impact assessment")
                } else {
                    format!(
                        "in-scope AI system {id} has no approved impact assessment ({} in draft)",
                        assessments.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", ")
                    )
                };
                out.push(
                    Diagnostic::new("REG010", &df.repo_rel, row.line_of("id"), msg)
                        .help(format!("add an approved document with `type: assessment` and `ai_system: {id}` (clause 6.1.4), or mark the system out of scope")),
                );
            }
        }
    }
    let systems = site.systems();
    for d in &site.documents {
        if let Some(sys) = &d.ai_system {
            if !systems.is_empty() && !systems.contains_key(sys.as_str()) {
                out.push(
                    Diagnostic::new("REG007", &d.repo_rel, d.line_of("ai_system"), format!("unknown AI system `{sys}`"))
                        .help("use the id of a system in the AI system inventory"),
                );
            }
        }
    }
}
