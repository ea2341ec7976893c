//! Register checks: data files are claimed by exactly the document that names them, row ids
//! are unique, references to documents, AI systems and controls exist, risk scores add up,
//! closed nonconformities are dated, and every in-scope AI system has an approved impact
//! assessment (the most common major audit finding).

use crate::diagnostics::{Code::*, Diagnostic};
use crate::model::Site;
use crate::parse::document::Status;
use crate::parse::semantics::{Kind, Lifecycle};
use std::collections::BTreeMap;

pub(crate) fn check(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    claims(site, &mut out);
    let systems = site.systems();
    for df in &site.data_files {
        let file = &df.repo_rel;
        if df.list_key == "controls" || df.kind() == Some(Kind::Controls) {
            continue; // the SoA has its own checks
        }
        let sem = &df.semantics;
        let col = |role: &'static str| df.col(role);
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for row in &df.rows {
            if let Some(id) = row.id() {
                if let Some(first) = seen.get(id) {
                    out.push(
                        Diagnostic::new(
                            REG006,
                            file,
                            row.line_of(col("id")),
                            format!("duplicate row id `{id}` (first used on line {first})"),
                        )
                        .help("ids must be unique within a register"),
                    );
                } else {
                    seen.insert(id, row.line_of(col("id")));
                }
            }
            if let Some(sys) = row.str(col("ai_system")) {
                if df.kind() != Some(Kind::Systems) && !systems.contains_key(sys) {
                    out.push(Diagnostic::new(REG007, file, row.line_of(col("ai_system")), format!("unknown AI system `{sys}`")).help(
                        "use the id of a system in the AI system inventory (a register whose schema declares `\"kind\": \"systems\"`)",
                    ));
                }
            }
            let mut doc_keys = vec![col("documents")];
            if !sem.fields.contains_key("documents") {
                doc_keys.push("document");
            }
            for key in doc_keys {
                for id in row.list(key) {
                    if site.doc(&id).is_none() && !site.known_ids.contains(&id) {
                        out.push(
                            Diagnostic::new(REG007, file, row.line_of(key), format!("unknown document `{id}`"))
                                .help("use the id of an existing document"),
                        );
                    }
                }
            }
            let mut clause_keys = vec![col("controls")];
            if !sem.fields.contains_key("controls") {
                clause_keys.extend(["clause", "clauses"]);
            }
            for key in clause_keys {
                for id in row.list(key) {
                    if !site.catalog.contains(&id) {
                        out.push(
                            Diagnostic::new(CLS001, file, row.line_of(key), format!("unknown clause or control id `{id}`"))
                                .help("use a catalog id such as \"6.1.2\" or \"A.5.4\""),
                        );
                    }
                }
            }
            // A score, inherent or residual, is its likelihood times its impact.
            for (score_key, likelihood_key, impact_key) in [
                (col("score"), col("likelihood"), col("impact")),
                (col("residual_score"), col("residual_likelihood"), col("residual_impact")),
            ] {
                if let (Some(l), Some(i), Some(score)) = (row.int(likelihood_key), row.int(impact_key), row.int(score_key)) {
                    if score != l * i {
                        out.push(
                            Diagnostic::new(
                                REG008,
                                file,
                                row.line_of(score_key),
                                format!("{score_key} {score} is not {likelihood_key} × {impact_key} ({l} × {i} = {})", l * i),
                            )
                            .help(format!("set {score_key}: {}", l * i)),
                        );
                    }
                }
            }
            if matches!(df.kind(), Some(Kind::Nonconformities) | Some(Kind::Risks)) && sem.declares_status() {
                let status_col = col("status");
                if df.kind() == Some(Kind::Nonconformities) && row.str(status_col).is_none() {
                    out.push(
                        Diagnostic::new(REG005, file, row.line, format!("{} has no `{status_col}`, which REG009 needs", df.row_label(row)))
                            .help(format!("say whether it is open or closed: `{status_col}: {}`", sem.status_words().join(" | "))),
                    );
                }
                if let Some(status) = row.str(status_col) {
                    match sem.is_closed(status) {
                        None => out.push(
                            Diagnostic::new(
                                REG005,
                                file,
                                row.line_of(status_col),
                                format!("{}: `{status_col}` is `{status}`, which the register's schema declares neither open nor closed", df.row_label(row)),
                            )
                            .help(format!(
                                "use one of {}, or add the word to `open` or `closed` under `x-aimsbook` in schemas/registers/{}.schema.json",
                                sem.status_words().join(", "),
                                df.schema
                            )),
                        ),
                        Some(true) if df.kind() == Some(Kind::Nonconformities) && row.str(col("closed_date")).is_none() => out.push(
                            Diagnostic::new(
                                REG009,
                                file,
                                row.line_of(status_col),
                                format!(
                                    "nonconformity {} is {} without a closing date",
                                    row.id().unwrap_or("?"),
                                    if status == "closed" { "closed".to_string() } else { format!("{status} (closed)") }
                                ),
                            )
                            .help(format!("add `{}: YYYY-MM-DD` and how effectiveness was verified", col("closed_date"))),
                        ),
                        _ => {}
                    }
                }
            }
        }
        if df.kind() == Some(Kind::Nonconformities) && !sem.declares_status() && !df.rows.is_empty() {
            out.push(cannot_run(df, "REG009 (closed nonconformities need a closing date)", "\"closed\": [\"closed\"]"));
        }
        if df.kind() == Some(Kind::Systems) && !sem.declares_lifecycle() && !df.rows.is_empty() {
            out.push(cannot_run(
                df,
                "REG010 (impact assessments of AI systems in operation)",
                "\"operational\": [\"live\"], \"retired\": [\"retired\"]",
            ));
        }
    }
    assessments(site, &mut out);
    out
}

/// A check that cannot run on a register because its schema does not say what the words mean.
fn cannot_run(df: &crate::parse::data::DataFile, check: &str, example: &str) -> Diagnostic {
    Diagnostic::new(
        REG011,
        &df.repo_rel,
        df.line_of(&df.list_key),
        format!("{check} cannot run on `{}`: its schema `{}` does not declare what the status words mean", df.list_key, df.schema),
    )
    .help(format!(
        "add `\"x-aimsbook\": {{{example}}}` to schemas/registers/{}.schema.json (see the README, \"Register semantics\")",
        df.schema
    ))
}

/// Every document's `data:` resolves to a data file whose `meta.document` points back, and
/// every data file is claimed.
fn claims(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut claimed: BTreeMap<String, &str> = BTreeMap::new();
    for d in site.documents.iter() {
        let Some(path) = &d.data else { continue };
        let Some(rel) = site.data_rel_for(d) else {
            out.push(
                Diagnostic::new(REG001, &d.repo_rel, d.line_of("data"), format!("data file `{path}` points outside the content folder"))
                    .help("data files live under the content folder; the path is relative to this document"),
            );
            continue;
        };
        match site.data_by_rel.get(&rel) {
            // The file exists but could not be parsed: its own diagnostics say so.
            None if site.unparsed.contains(&rel) => {}
            None => out.push(
                Diagnostic::new(REG001, &d.repo_rel, d.line_of("data"), format!("data file `{path}` not found"))
                    .help("the path is relative to this document's folder, e.g. data: \"../data/risks.yaml\""),
            ),
            Some(&i) => {
                let df = &site.data_files[i];
                if let Some(other) = claimed.get(&rel) {
                    out.push(
                        Diagnostic::new(REG003, &d.repo_rel, d.line_of("data"), format!("{} is already governed by {other}", df.repo_rel))
                            .help("each data file belongs to exactly one document"),
                    );
                    continue;
                }
                claimed.insert(rel.clone(), &d.id);
                match df.meta_str("document") {
                    Some(owner) if owner == d.id => {}
                    Some(owner) => out.push(
                        Diagnostic::new(
                            REG003,
                            &df.repo_rel,
                            df.meta_line("document"),
                            format!("meta.document is `{owner}` but the file is governed by {}", d.id),
                        )
                        .help(format!("set meta.document: {}", d.id)),
                    ),
                    None => out.push(
                        Diagnostic::new(
                            REG003,
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
            out.push(Diagnostic::new(REG002, &df.repo_rel, 1, "data file is not governed by any document").help(hint));
        }
    }
}

/// Every in-scope AI system in operation needs an approved impact assessment, unless a
/// documented screening decision says a full assessment is not needed. A system not yet in
/// operation whose assessment is still a draft is a warning (REG012).
fn assessments(site: &Site, out: &mut Vec<Diagnostic>) {
    for df in site.data_files.iter().filter(|f| f.kind() == Some(Kind::Systems)) {
        let sem = &df.semantics;
        let lifecycle_col = df.col("lifecycle");
        for row in &df.rows {
            let Some(id) = row.id() else { continue };
            if row.bool(df.col("in_scope")) == Some(false) {
                continue;
            }
            let stage = match row.str(lifecycle_col) {
                None => {
                    out.push(
                        Diagnostic::new(
                            REG005,
                            &df.repo_rel,
                            row.line,
                            format!("AI system {id} has no `{lifecycle_col}`, which REG010 needs"),
                        )
                        .help(format!("say whether the system is in operation: `{lifecycle_col}: {}`", sem.lifecycle_words().join(" | "))),
                    );
                    continue;
                }
                Some(word) => match sem.lifecycle(word) {
                    Some(stage) => stage,
                    None => {
                        if sem.declares_lifecycle() {
                            out.push(
                                Diagnostic::new(
                                    REG005,
                                    &df.repo_rel,
                                    row.line_of(lifecycle_col),
                                    format!("AI system {id}: `{lifecycle_col}` is `{word}`, which the register's schema does not declare in operation, not yet, or retired"),
                                )
                                .help(format!(
                                    "use one of {}, or add the word to `operational`, `not_yet_operational` or `retired` under `x-aimsbook` in schemas/registers/{}.schema.json",
                                    sem.lifecycle_words().join(", "),
                                    df.schema
                                )),
                            );
                        }
                        continue;
                    }
                },
            };
            if stage == Lifecycle::Retired {
                continue;
            }
            let screening_col = df.col("screening");
            if let Some(decision) = row.str(screening_col) {
                if sem.screened_out(decision) {
                    let reason_col = df.col("screening_reason");
                    if row.str(reason_col).is_some() {
                        continue;
                    }
                    out.push(
                        Diagnostic::new(
                            REG010,
                            &df.repo_rel,
                            row.line_of(screening_col),
                            format!("AI system {id} is screened out ({screening_col}: {decision}) without a documented reason"),
                        )
                        .help(format!("add `{reason_col}:` saying why no full impact assessment is needed, who decided and when")),
                    );
                    continue;
                }
            }
            let assessments: Vec<_> =
                site.current_documents().filter(|d| d.doc_type == "assessment" && d.ai_system.as_deref() == Some(id)).collect();
            if assessments.iter().any(|d| d.status == Status::Approved) {
                continue;
            }
            let drafts = assessments.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", ");
            let line = row.line_of(df.col("id"));
            if stage == Lifecycle::NotYetOperational && !assessments.is_empty() {
                out.push(
                    Diagnostic::new(
                        REG012,
                        &df.repo_rel,
                        line,
                        format!("AI system {id} is not yet in operation and its impact assessment is still a draft ({drafts})"),
                    )
                    .help("approve the assessment before the system goes into operation (clause 6.1.4)"),
                );
                continue;
            }
            let msg = match (assessments.is_empty(), stage) {
                (true, _) => format!("in-scope AI system {id} has no impact assessment"),
                (false, _) => format!("AI system {id} is in operation without an approved impact assessment ({drafts} in draft)"),
            };
            out.push(Diagnostic::new(REG010, &df.repo_rel, line, msg).help(format!(
                "add an approved document with `type: assessment` and `ai_system: {id}` (clause 6.1.4), record a screening decision, or mark the system out of scope"
            )));
        }
    }
    let systems = site.systems();
    for d in site.documents.iter() {
        if let Some(sys) = &d.ai_system {
            if !systems.is_empty() && !systems.contains_key(sys.as_str()) {
                out.push(
                    Diagnostic::new(REG007, &d.repo_rel, d.line_of("ai_system"), format!("unknown AI system `{sys}`"))
                        .help("use the id of a system in the AI system inventory"),
                );
            }
        }
    }
}
