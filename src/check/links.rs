//! Link checks: every body link, `related` id and `clauses` id must resolve — to a document, a
//! heading anchor, an asset or a catalog item — and an approved document must not rely on a
//! draft.

use crate::diagnostics::{Code::*, Diagnostic};
use crate::model::{Destination, LinkError, Site};
use crate::parse::document::Status;

/// The ids of register rows: they name risks, systems, nonconformities, never documents (a
/// mention of one is not a mistyped document id).
pub(crate) fn row_ids(site: &Site) -> std::collections::BTreeSet<&str> {
    site.data_files.iter().flat_map(|f| f.rows.iter().filter_map(|r| r.id())).collect()
}

/// The links, `related` ids, mentions and clause ids of document `i`.
pub(crate) fn document(site: &Site, i: usize, row_ids: &std::collections::BTreeSet<&str>, out: &mut Vec<Diagnostic>) {
    let out = &mut *out;
    let d = &site.documents[i];
    {
        let file = &d.repo_rel;
        let resolved = site.resolved.get(i).map(|r| r.as_slice()).unwrap_or_default();
        for (link, result) in d.links.iter().zip(resolved) {
            match result {
                Ok(Destination::Document { index, .. }) => {
                    let target = &site.documents[*index];
                    if d.status == Status::Approved && target.status == Status::Draft && !target.invalid_fields.contains("status") {
                        out.push(
                            Diagnostic::new(DC016, file, link.line, format!("approved document {} links to draft {}", d.id, target.id))
                                .col(link.column)
                                .help(format!("approve {} first, or remove the link", target.id)),
                        );
                    }
                }
                Ok(_) => {}
                // A link to a document that failed to parse: that file's own error says enough.
                Err(LinkError::UnknownId(id)) if site.known_ids.contains(id) => {}
                Err(LinkError::MissingFile { path, outside: false })
                    if crate::model::join_relative(&d.rel, path).is_some_and(|p| site.unparsed.contains(&p)) => {}
                Err(e) => out.push(link_error(site, file, link.line, link.column, e.clone())),
            }
        }
        for (field, r) in d.related.iter().map(|r| ("related", r)).chain(d.derived_from.iter().map(|r| ("derived_from", r))) {
            match site.doc(r) {
                None if !site.known_ids.contains(r) => out.push(
                    Diagnostic::new(DC022, file, d.line_of(field), format!("{field} names unknown document `{r}`"))
                        .help("use the id of an existing document"),
                ),
                Some(t) if d.status == Status::Approved && t.status == Status::Draft && !t.invalid_fields.contains("status") => out.push(
                    Diagnostic::new(DC016, file, d.line_of(field), format!("approved document {} relates to draft {}", d.id, t.id))
                        .help(format!("approve {} first, or remove it from related", t.id)),
                ),
                _ => {}
            }
        }
        mentions(site, d, row_ids, out);
        for c in &d.clauses {
            if !site.catalog.contains(c) {
                out.push(
                    Diagnostic::new(CLS001, file, d.line_of("clauses"), format!("unknown clause or control id `{c}` in clauses"))
                        .help(suggest_clause(site, c)),
                );
            }
        }
    }
}

fn suggest_clause(site: &Site, id: &str) -> String {
    if let Some(rest) = id.strip_prefix("A.") {
        if let Some(group) = rest.split('.').next() {
            let in_group: Vec<&str> =
                site.catalog.assessable().filter(|i| i.parent.as_deref() == Some(&format!("A.{group}"))).map(|i| i.id.as_str()).collect();
            if !in_group.is_empty() {
                return format!("controls of A.{group}: {}", in_group.join(", "));
            }
        }
        return "Annex A controls run from A.2.2 to A.10.4 (the first number of each group is its objective)".into();
    }
    "use a clause id from 4.1 to 10.2 (e.g. \"6.1.4\") or an Annex A control (e.g. \"A.5.2\"), quoted".into()
}

pub(crate) fn link_error(site: &Site, file: &str, line: usize, column: usize, e: LinkError) -> Diagnostic {
    match e {
        LinkError::MissingFile { path, outside: true } => {
            Diagnostic::new(LNK001, file, line, format!("link `{path}` points outside the content folder"))
                .col(column)
                .help("links may only point to files inside the content folder")
        }
        LinkError::MissingFile { path, outside: false } => Diagnostic::new(LNK001, file, line, format!("link to missing file `{path}`"))
            .col(column)
            .help("paths are relative to this document's folder; check the spelling and the number of ../"),
        LinkError::UnknownId(id) => {
            let mut near: Vec<&str> = site.by_id.keys().filter(|k| k.eq_ignore_ascii_case(&id)).map(String::as_str).collect();
            near.sort_unstable();
            let help = if let Some(n) = near.first() {
                format!("ids are case-sensitive: did you mean [[{n}]]?")
            } else {
                "use the `id` of an existing document".into()
            };
            Diagnostic::new(LNK002, file, line, format!("link to unknown document id `{id}`")).col(column).help(help)
        }
        LinkError::UnknownClause(id) => Diagnostic::new(LNK003, file, line, format!("link to unknown clause or control `{id}`"))
            .col(column)
            .help("use an id of the catalog, e.g. [[6.1.4]] or [[A.5.2]]"),
        LinkError::MissingAnchor { anchor, target } => {
            let headings: Vec<String> =
                site.doc(&target).map(|t| t.headings.iter().take(8).map(|h| format!("#{}", h.slug)).collect()).unwrap_or_default();
            let help = if headings.is_empty() {
                format!("{target} has no headings")
            } else {
                format!("headings of {target}: {}", headings.join(", "))
            };
            Diagnostic::new(LNK004, file, line, format!("link to missing heading `#{anchor}` in {target}")).col(column).help(help)
        }
        LinkError::Unsafe(url) => {
            let shown: String = url.chars().take(60).collect();
            Diagnostic::new(LNK005, file, line, format!("unsafe link `{shown}`"))
                .col(column)
                .help("only http, https, mailto, tel and relative links are published")
        }
    }
}

/// A mention that looks like a document id of a family the repository uses (`GOV-POL-07` when
/// documents are `GOV-POL-01`, `GOV-POL-02`) but names no document: a likely typo or a
/// document that was never written. Ids of other families (risks, tickets) are left alone.
fn mentions(site: &Site, d: &crate::parse::document::Document, row_ids: &std::collections::BTreeSet<&str>, out: &mut Vec<Diagnostic>) {
    for m in &d.mentions {
        if site.doc(&m.id).is_some() || site.known_ids.contains(&m.id) || row_ids.contains(m.id.as_str()) {
            continue;
        }
        let Some(family) = crate::model::id_family(&m.id) else { continue };
        if site.id_families.contains(family) {
            let similar: Vec<&str> = site.documents.iter().map(|t| t.id.as_str()).filter(|id| id.starts_with(family)).take(5).collect();
            out.push(
                Diagnostic::new(LNK006, &d.repo_rel, m.line, format!("`{}` looks like a document id but no document has it", m.id))
                    .col(m.column)
                    .help(format!(
                        "documents of the `{family}` family: {}; correct the id, or write it as `code` if it is not a document",
                        similar.join(", ")
                    )),
            );
        }
    }
}
