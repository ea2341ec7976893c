//! `aimsbook init DIR`: scaffolds a new AIMS repository — book.toml and one starter document
//! for each of the 15 mandatory documents of the catalog, all in draft with the owner and the
//! dates to fill in. The result builds with only draft warnings.

use crate::model::catalog::Catalog;
use jiff::civil::Date;
use std::path::Path;

fn id_prefix(doc_type: &str) -> &'static str {
    match doc_type {
        "scope" => "SCO",
        "policy" => "POL",
        "roles" => "ROL",
        "methodology" => "MET",
        "soa" => "SOA",
        "plan" => "PLN",
        "assessment" => "AIA",
        "objectives" => "OBJ",
        "register" => "REG",
        "record" => "REC",
        "procedure" => "PRC",
        "report" => "REP",
        "minutes" => "MIN",
        _ => "DOC",
    }
}

/// What `init` did: the files it created and the existing files it left alone (paths relative
/// to the new repository).
#[derive(Debug, Default)]
pub struct Scaffolded {
    pub created: Vec<String>,
    pub kept: Vec<String>,
}

/// Writes the scaffold. Refuses a folder that already holds a book.toml or a content folder;
/// in any other non-empty folder every file is created with
/// [`crate::support::safe_write::write_new`], so a file already there (a `.gitignore`, say) is kept as
/// it is and reported, never overwritten.
pub fn scaffold(dir: &Path, today: Date) -> Result<Scaffolded, String> {
    if dir.join("book.toml").exists() || dir.join("content").exists() {
        return Err(format!("{} already contains an aimsbook repository (book.toml or content/); refusing to overwrite", dir.display()));
    }
    let catalog = Catalog::iso42001();
    let review_due = today.checked_add(jiff::Span::new().days(90)).unwrap_or(today);
    let mut written = Scaffolded::default();
    let write = |rel: &str, text: &str, written: &mut Scaffolded| -> Result<(), String> {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        match crate::support::safe_write::write_new(&p, text.as_bytes()) {
            Ok(()) => written.created.push(rel.to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => written.kept.push(rel.to_string()),
            Err(e) => return Err(format!("cannot write {}: {e}", p.display())),
        }
        Ok(())
    };
    write(
        "book.toml",
        "# aimsbook configuration. See the README for every key.\n[book]\ntitle = \"AI Management System\"\norganization = \"Your Organisation\"\nlanguage = \"en\"\n\n[build]\ncontent = \"content\"\noutput = \"site\"\ntheme = \"default\"\n\n[review]\nwarn_days = 30\n",
        &mut written,
    )?;
    write(".gitignore", "/site/\n/snapshots/\n", &mut written)?;
    let mut counters: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for md in &catalog.mandatory_documents {
        let doc_type = md.types.first().map(String::as_str).unwrap_or("procedure");
        let prefix = id_prefix(doc_type);
        let n = counters.entry(prefix).or_insert(0);
        *n += 1;
        let id = format!("{prefix}-{:03}", n);
        let clause = catalog.get(&md.clause).map(|c| c.id.clone()).unwrap_or_else(|| md.clause.clone());
        // Headings such as 7.5 or 9.2 are not assessable: point at their requirements instead.
        let clauses: Vec<String> = if catalog.get(&clause).is_some_and(|c| c.is_assessable()) {
            vec![clause.clone()]
        } else {
            catalog.children(&clause).filter(|c| c.is_assessable()).map(|c| c.id.clone()).collect()
        };
        let clause_list = clauses.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
        let extra = match doc_type {
            "record" | "report" => format!("record_date: {today}\nretention: \"7 years\"\n"),
            "minutes" => {
                format!("record_date: {today}\nretention: \"7 years\"\nmeeting_date: {today}\n")
            }
            _ => String::new(),
        };
        let text = format!(
            "---\n\
id: {id}\n\
title: \"{title}\"\n\
type: {doc_type}\n\
owner: \"To be assigned\"        # the person or role accountable for this document\n\
approver: \"To be assigned\"     # who approves it (top management for the policy and scope)\n\
version: \"0.1\"\n\
status: draft\n\
review_due: {review_due}        # set the date of the first review after approval\n\
classification: internal\n\
clauses: [{clause_list}]\n\
{extra}history:\n  - version: \"0.1\"\n    date: {today}\n    author: \"aimsbook init\"\n    summary: \"Starter document created.\"\n\
---\n\n\
# {title}\n\n\
> Starter document for clause {clause} ([[{clause}]]). Replace this text with your own.\n\n\
## What this document must show\n\n{evidence}\n\n\
## Purpose\n\nState why this document exists and who relies on it.\n\n\
## Scope\n\nState which AI systems, units and activities it covers.\n\n\
## Responsibilities\n\nName the roles that carry out, approve and review what is described here.\n\n\
## Content\n\nWrite the substance here.\n",
            title = md.title,
            evidence = md.evidence,
        );
        let extra_fm = if doc_type == "soa" { "data: \"data/soa.yaml\"\n".to_string() } else { String::new() };
        let text = text.replacen("classification: internal\n", &format!("classification: internal\n{extra_fm}"), 1);
        if doc_type == "soa" {
            let mut soa = format!("# Statement of Applicability: one entry per Annex A control (clause 6.1.3).\n# Fill in applicability, a real justification, implementation status, the documents that\n# implement each control and the records that evidence it.\nmeta:\n  document: {id}\n  title: Statement of Applicability\ncontrols:\n");
            for c in catalog.items.iter().filter(|i| i.kind == crate::model::catalog::ItemKind::Control) {
                soa.push_str(&format!(
                    "  - control: {}\n    applicable: true\n    justification: \"To be completed from the risk assessment ({}).\"\n    implementation: planned\n    target_date: {review_due}\n    documents: []\n    evidence: []\n",
                    c.id, c.title
                ));
            }
            write("content/data/soa.yaml", &soa, &mut written)?;
        }
        let rel = format!("content/{}.md", md.key);
        write(&rel, &text, &mut written)?;
    }
    Ok(written)
}
