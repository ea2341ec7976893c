//! Document pages: one per controlled document, with its control block, links, backlinks,
//! register table and approval history.

use super::*;

/// The href of a link target, relative to the page at `page_path`.
pub(super) fn href_for(site: &Site, from: &Document, target: &LinkTarget, root: &str) -> Resolved {
    match site.resolve(from, target) {
        Ok(Destination::Document { index, anchor }) => {
            let t = &site.documents[index];
            let frag = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            Resolved::Href { href: format!("{root}{}{frag}", t.url()), title: Some(t.title.clone()) }
        }
        Ok(Destination::Clause(id)) => {
            let title = site.catalog.get(&id).map(|i| format!("{} {}", i.id, i.title));
            Resolved::Href { href: format!("{root}{}", document::clause_url(&id)), title }
        }
        Ok(Destination::Asset(rel)) => Resolved::Href { href: format!("{root}files/{}", rel), title: None },
        Ok(Destination::External(u)) => Resolved::Href { href: u, title: None },
        Ok(Destination::SelfAnchor(a)) => Resolved::Href { href: format!("#{a}"), title: None },
        Ok(Destination::Withheld(id)) => Resolved::Withheld(crate::model::audience::not_published(site, &id)),
        Err(_) => Resolved::Broken,
    }
}

pub(super) fn document_page(r: &Renderer, d: &Document) -> Result<Page, Diagnostic> {
    let site = r.site;
    let path = d.url();
    let root = root_prefix(&path);
    let is_clause = |id: &str| site.catalog.contains(id);
    let resolve = |t: &LinkTarget| href_for(site, d, t, &root);
    // A mentioned document id (`see GOV-POL-01`) links to that document.
    let mention = |id: &str| -> Option<(String, String)> {
        site.doc(id).filter(|t| t.id != d.id).map(|t| (format!("{root}{}", t.url()), t.title.clone()))
    };
    let render_body = || markdown::render_with_mentions(&d.body, &resolve, &is_clause, site.config.build.allow_html, "", &mention);
    let (body_key, body_html) = match r.cache {
        Some(cache) => {
            // The body's HTML depends on its text and on where each of its links goes.
            let mut h = crate::support::hash::hasher();
            d.source_hash.hash(&mut h);
            site.config.build.allow_html.hash(&mut h);
            for link in &d.links {
                match resolve(&link.target) {
                    Resolved::Href { href, title } => (href, title).hash(&mut h),
                    Resolved::Broken => 0u8.hash(&mut h),
                    Resolved::Withheld(text) => text.hash(&mut h),
                }
            }
            for m in &d.mentions {
                mention(&m.id).hash(&mut h);
            }
            let key = h.finish();
            (key, cache.body(&d.id, key, render_body))
        }
        None => (0, render_body()),
    };
    let lookup = |ids: &mut dyn Iterator<Item = &String>| -> Vec<DocSummary> {
        ids.filter_map(|id| site.doc(id)).map(|t| summary(site, t)).collect()
    };
    let related = lookup(&mut d.related.iter());
    let backlinks: Vec<DocSummary> = site
        .by_id
        .get(&d.id)
        .and_then(|&i| site.backlinks.get(i))
        .map(|sources| sources.iter().map(|&j| summary(site, &site.documents[j])).collect())
        .unwrap_or_default();
    let clauses: Vec<ClauseRef> = d.clauses.iter().map(|c| clause_ref(site, c)).collect();
    let successor = d.superseded_by.as_deref().and_then(|id| site.doc(id)).map(|t| summary(site, t));
    let predecessor = d.supersedes.as_deref().and_then(|id| site.doc(id)).map(|t| summary(site, t));
    let history: Vec<BTreeMap<&str, String>> = d
        .history
        .iter()
        .rev()
        .map(|h| {
            BTreeMap::from([
                ("version", h.version.clone()),
                ("date", h.date.map(|x| x.to_string()).unwrap_or_default()),
                ("author", h.author.clone()),
                ("summary", h.summary.clone()),
            ])
        })
        .collect();
    let register = site.data_for_doc(d).filter(|df| df.list_key != "controls").map(|df| register_view(site, df, &root));
    let soa =
        (site.trace.soa_doc.map(|i| site.documents[i].id.as_str()) == Some(d.id.as_str())).then(|| crate::render::trace::soa_value(site));
    let toc: Vec<&document::Heading> = d.headings.iter().filter(|h| h.level == 2).collect();
    let versions = if site.git.head.is_some() { crate::render::redline::approved_versions(site, &r.inputs.blobs, d) } else { Vec::new() };
    let uncontrolled = crate::render::redline::uncontrolled_change(&versions, d).map(|a| a.version.clone());
    // Who signed the approval, verified against the allowed signers file (on the approval date).
    let approval_signature = d.approval_signature.as_deref().map(|sig| {
        let file = site.config.approval.allowed_signers.as_deref().unwrap_or("");
        crate::support::signing::view(
            site.config.allowed_signers.as_deref().map(|a| (a.as_slice(), file)),
            crate::support::signing::APPROVAL_NAMESPACE,
            crate::model::approval::statement(d).as_bytes(),
            sig,
            d.approved.unwrap_or(site.today),
        )
    });
    r.page_with_body(
        &path,
        "document.html",
        context! {
            title => format!("{} {}", d.id, d.title),
            doc => v(summary(site, d)),
            approval_signature => v(approval_signature),
            history => v(history),
            clauses => v(clauses),
            related => v(related),
            backlinks => v(backlinks),
            successor => v(successor),
            predecessor => v(predecessor),
            toc => v(toc),
            ai_system => d.ai_system.clone(),
            record_date => d.record_date.map(|x| x.to_string()),
            meeting_date => d.meeting_date.map(|x| x.to_string()),
            retention => d.retention.clone(),
            disposition => crate::model::retention::is_listed(d).then(|| v(crate::model::retention::entry(site, d))),
            versions => v(&versions),
            uncontrolled => uncontrolled,
            register => register,
            soa => soa,
            commits => v(site.git.history.get(&d.repo_rel).map(|c| c.iter().take(20).cloned().collect::<Vec<_>>()).unwrap_or_default()),
            commit_count => site.git.history.get(&d.repo_rel).map(Vec::len).unwrap_or(0),
            fingerprint => d.fingerprint.clone(),
        },
        Some((body_key, body_html)),
    )
}

/// A cell of a rendered register: its text and, for ids, links to what they name.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Cell {
    text: String,
    links: Vec<(String, String)>,
}

/// A register's rows as a table: columns in first-appearance order, each row with an anchor.
pub(super) fn register_view(site: &Site, df: &crate::parse::data::DataFile, root: &str) -> Value {
    let systems = site.systems();
    let inventory_url = |sys: &str| -> Option<String> {
        let df = site
            .data_files
            .iter()
            .find(|f| f.kind() == Some(crate::parse::semantics::Kind::Systems) && f.rows.iter().any(|r| r.id() == Some(sys)))?;
        let doc = site.doc_for_data(&df.rel)?;
        Some(format!("{root}{}#row-{}", doc.url(), document::slug(sys)))
    };
    let rows: Vec<Value> = df
        .rows
        .iter()
        .map(|row| {
            let cells: Vec<Cell> = df
                .columns
                .iter()
                .map(|col| {
                    let mut links = Vec::new();
                    // Columns by the role the register's schema gives them (`x-aimsbook.fields`).
                    let role =
                        crate::parse::semantics::ROLES.iter().map(|(r, _)| *r).find(|r| df.col(r) == col.as_str()).unwrap_or(col.as_str());
                    match role {
                        "controls" | "clause" | "clauses" => {
                            for id in row.list(col) {
                                if let Some(item) = site.catalog.get(&id) {
                                    links.push((item.id.clone(), format!("{root}{}", document::clause_url(&item.id))));
                                }
                            }
                        }
                        "ai_system" => {
                            if let Some(sys) = row.str(col) {
                                if systems.contains_key(sys) {
                                    if let Some(url) = inventory_url(sys) {
                                        links.push((sys.to_string(), url));
                                    }
                                }
                            }
                        }
                        "documents" | "document" => {
                            for id in row.list(col) {
                                if let Some(t) = site.doc(&id) {
                                    links.push((id.clone(), format!("{root}{}", t.url())));
                                }
                            }
                        }
                        // A cell of any other column that holds only document ids (`GOV-POL-01`,
                        // `[OPS-PRC-02, OPS-AIA-01]`) links them, as a mention in prose does.
                        _ => {
                            let ids = row.list(col);
                            if !ids.is_empty() && ids.iter().all(|id| site.doc(id).is_some()) {
                                for id in ids {
                                    if let Some(t) = site.doc(&id) {
                                        links.push((id.clone(), format!("{root}{}", t.url())));
                                    }
                                }
                            }
                        }
                    }
                    Cell { text: row.text(col), links }
                })
                .collect();
            context! { anchor => row.anchor(), cells => v(cells) }
        })
        .collect();
    let columns: Vec<String> = df.columns.iter().map(|c| c.replace('_', " ")).collect();
    context! { title => df.title(), columns => columns, rows => rows, count => df.rows.len(), path => df.repo_rel.clone(), raw => format!("files/{}", df.rel), schema => df.schema.clone() }
}
