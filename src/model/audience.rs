//! Audience-scoped publishing: editions of the site for readers who may see only some
//! classifications (clause 7.5.3: documented information protected, available to those who
//! need it).
//!
//! The organisation's classification words, least sensitive first, come from `[publication]
//! levels` or else from the document schema's `classification` enum. A profile
//! (`[audiences.NAME] classifications = [...]`) names the words an edition publishes; with no
//! profile configured, three are built in over every level but the most sensitive one
//! ([`profiles`]). The most sensitive level is published only by a profile that names it.
//!
//! An edition is made by [`restrict`]: a new [`Site`] of only the published documents (and the
//! registers and files they own), built again from scratch so that everything derived —
//! traceability, backlinks, search, registers, downloads, api — is derived from those alone.
//! A link to a withheld document resolves to [`Destination::Withheld`](crate::model::Destination)
//! and renders as [`not_published`]: its id and a note, never its title.

use crate::config::Config;
use crate::diagnostics::{Code::*, Diagnostic};
use crate::model::{Destination, Site};
use crate::parse::document::Document;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// What a link to a withheld document shows: its id and the note `not-published` in the
/// site's language, never its title.
pub(crate) fn not_published(site: &Site, id: &str) -> String {
    format!("{id} {}", site.messages.t("not-published"))
}

/// One edition: the profile it was built with. Shown on every page and in the snapshot.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub struct Edition {
    /// The profile's name, as given to `--audience`.
    pub(crate) name: String,
    /// How pages name the edition.
    pub(crate) label: String,
    /// The classification words it publishes.
    pub(crate) classifications: Vec<String>,
}

/// The publication profiles: the configured `[audiences.*]`, or — when none is configured — the
/// built-in `public` (the least sensitive level), `intranet` (the two least sensitive) and
/// `auditor` (every level but the most sensitive), each over the levels without the most
/// sensitive one.
pub(crate) fn profiles(config: &Config) -> BTreeMap<String, Edition> {
    if !config.audiences.is_empty() {
        return config
            .audiences
            .iter()
            .map(|(name, a)| {
                let label = a.label.clone().unwrap_or_else(|| name.clone());
                (name.clone(), Edition { name: name.clone(), label, classifications: a.classifications.clone() })
            })
            .collect();
    }
    let levels = &config.classification_levels;
    let Some((_, below_top)) = levels.split_last() else { return BTreeMap::new() };
    if below_top.is_empty() {
        return BTreeMap::new();
    }
    [("public", 1), ("intranet", 2), ("auditor", below_top.len())]
        .into_iter()
        .map(|(name, n)| {
            let classifications = below_top[..n.min(below_top.len())].to_vec();
            (name.to_string(), Edition { name: name.to_string(), label: name.to_string(), classifications })
        })
        .collect()
}

/// The edition named `name`, or an error that lists the known ones.
pub fn edition(config: &Config, name: &str) -> Result<Edition, Diagnostic> {
    let known = profiles(config);
    if let Some(e) = known.get(name) {
        return Ok(e.clone());
    }
    let names: Vec<&str> = known.keys().map(String::as_str).collect();
    let (message, help) = if names.is_empty() {
        (
            format!("unknown audience `{name}`: book.toml defines no [audiences] and there are no classification levels to build the built-in ones from"),
            "add `[publication] levels = [...]` (least sensitive first) or an `[audiences.NAME] classifications = [...]` table".to_string(),
        )
    } else {
        (format!("unknown audience `{name}`; known audiences: {}", names.join(", ")), format!("use one of: {}", names.join(", ")))
    };
    let line = config.audience_lines.values().next().copied().unwrap_or(1);
    Err(Diagnostic::new(CFG002, "book.toml", line, message).help(help))
}

/// Validates `[publication]` and `[audiences]` against the classification levels.
pub(crate) fn validate(config: &Config) -> Result<(), Vec<Diagnostic>> {
    let levels = &config.classification_levels;
    let mut errors = Vec::new();
    let list = || levels.join(", ");
    if let Some(u) = &config.publication.unclassified {
        if !levels.contains(u) {
            errors.push(
                Diagnostic::new(CFG002, "book.toml", 1, format!("[publication] unclassified = \"{u}\" is not a classification level"))
                    .help(format!("use one of: {}", list())),
            );
        }
    }
    for (name, a) in &config.audiences {
        let line = config.audience_lines.get(name).copied().unwrap_or(1);
        if levels.is_empty() {
            errors.push(
                Diagnostic::new(CFG002, "book.toml", line, format!("[audiences.{name}]: the classification levels are unknown")).help(
                    "add `[publication] levels = [...]`, least sensitive first, or a `classification` enum to schemas/document.schema.json",
                ),
            );
            continue;
        }
        if a.classifications.is_empty() {
            errors.push(
                Diagnostic::new(CFG002, "book.toml", line, format!("[audiences.{name}] publishes no classification"))
                    .help(format!("list some of: {}", list())),
            );
        }
        for c in &a.classifications {
            if !levels.contains(c) {
                errors.push(
                    Diagnostic::new(
                        CFG002,
                        "book.toml",
                        line,
                        format!("[audiences.{name}] names `{c}`, which is not a classification level"),
                    )
                    .help(format!("use the organisation's words: {}", list())),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The classification a document counts as: its own, or `[publication] unclassified` (default:
/// the most sensitive level) when it has none.
pub(crate) fn effective_classification<'a>(config: &'a Config, classification: &'a str) -> &'a str {
    if !classification.trim().is_empty() {
        return classification;
    }
    config.publication.unclassified.as_deref().or(config.classification_levels.last().map(String::as_str)).unwrap_or("")
}

/// The rank of a classification (0 = least sensitive), `None` for a word that is not a level.
fn rank(config: &Config, classification: &str) -> Option<usize> {
    let c = effective_classification(config, classification);
    config.classification_levels.iter().position(|l| l == c)
}

/// Whether an edition publishes a document of this classification.
pub(crate) fn publishes(config: &Config, edition: &Edition, classification: &str) -> bool {
    let c = effective_classification(config, classification);
    !c.is_empty() && edition.classifications.iter().any(|e| e == c)
}

/// The site of one edition: only the documents it publishes, the data files they own (a data
/// file no document owns counts as unclassified), and the content files they link to. Every
/// derived structure is computed again from these.
pub fn restrict(site: Site, edition: &Edition) -> Site {
    let config = &site.config;
    let published: Vec<bool> = site.documents.iter().map(|d| publishes(config, edition, &d.classification)).collect();
    let mut withheld_ids = BTreeSet::new();
    let mut withheld_paths = BTreeMap::new();
    for (d, &p) in site.documents.iter().zip(&published) {
        if !p {
            withheld_ids.insert(d.id.clone());
            withheld_paths.insert(d.rel.clone(), d.id.clone());
        }
    }
    let unclassified_published = publishes(config, edition, "");
    let data_published = |rel: &str| match site.data_owner.get(rel) {
        Some(&owner) => published[owner],
        None => unclassified_published,
    };
    for (rel, &owner) in site.data_owner.iter() {
        if !published[owner] {
            withheld_paths.insert(rel.clone(), site.documents[owner].id.clone());
        }
    }
    // Content files (images, PDFs) go out only when a published document links to them.
    let mut assets: BTreeSet<String> = BTreeSet::new();
    for (i, links) in site.resolved.iter().enumerate() {
        if published[i] {
            for r in links.iter() {
                if let Ok(Destination::Asset(rel)) = r {
                    if !site.data_by_rel.contains_key(rel) || data_published(rel) {
                        assets.insert(rel.clone());
                    }
                }
            }
        }
    }
    for df in &site.data_files {
        if data_published(&df.rel) {
            assets.insert(df.rel.clone());
        }
    }
    let git = Arc::new(restrict_git(&site, &published, &assets));
    let Site { config, catalog, today, documents, data_files, messages, unparsed, unparsed_ids, .. } = site;
    let documents: Vec<Arc<Document>> = documents.iter().zip(&published).filter(|(_, &p)| p).map(|(d, _)| d.clone()).collect();
    let data_files: Vec<_> = data_files.into_iter().filter(|df| assets.contains(&df.rel)).collect();
    let known_ids = Arc::new(documents.iter().map(|d| d.id.clone()).collect());
    let mut out = Site::assemble(crate::model::Parts {
        config,
        catalog,
        today,
        documents,
        known_ids,
        assets,
        data_files,
        unparsed,
        unparsed_ids,
        git,
        messages,
    });
    out.withheld_ids = withheld_ids;
    out.withheld_paths = withheld_paths;
    out.edition = Some(edition.clone());
    out.index();
    // The texts (search index, snapshot.json, redlines, api) carry a link to a withheld
    // document as its id and the note, not its link text, as the pages do.
    let redacted: Vec<Option<Document>> = out
        .documents
        .iter()
        .map(|d| {
            let body = redact(&out, d, &d.body);
            (body != *d.body).then(|| Document { body: body.into(), ..(**d).clone() })
        })
        .collect();
    for (slot, new) in Arc::make_mut(&mut out.documents).iter_mut().zip(redacted) {
        if let Some(d) = new {
            *slot = Arc::new(d);
        }
    }
    out
}

/// The Markdown `body` of `from` with every link to a document this edition withholds replaced
/// by [`not_published`] (the link's text might quote the title). Other
/// text is kept byte for byte. Outside an edition, the body as it is.
pub(crate) fn redact(site: &Site, from: &Document, body: &str) -> String {
    if site.withheld_ids.is_empty() {
        return body.to_string();
    }
    use pulldown_cmark::{Event, LinkType, Parser, Tag};
    let is_clause = |id: &str| site.catalog.contains(id);
    let mut out = String::with_capacity(body.len());
    let mut copied = 0;
    for (event, range) in Parser::new_ext(body, crate::parse::markdown::options()).into_offset_iter() {
        let Event::Start(Tag::Link { link_type, dest_url, .. }) = event else { continue };
        if range.start < copied {
            continue;
        }
        let target = crate::parse::markdown::classify(&dest_url, matches!(link_type, LinkType::WikiLink { .. }), &is_clause);
        if let Ok(Destination::Withheld(id)) = site.resolve(from, &target) {
            out.push_str(&body[copied..range.start]);
            out.push_str(&not_published(site, &id));
            copied = range.end;
        }
    }
    out.push_str(&body[copied..]);
    out
}

/// The git history an edition shows: only the published files' commits, and the message of a
/// commit that also changed a withheld document or data file replaced by the note `commit-withheld`
/// in the site's language (the message may describe those documents).
fn restrict_git(site: &Site, published: &[bool], assets: &BTreeSet<String>) -> crate::source::git::GitInfo {
    let mut withheld_files: BTreeSet<String> = BTreeSet::new();
    for (d, &p) in site.documents.iter().zip(published) {
        if !p {
            withheld_files.insert(d.repo_rel.clone());
        }
    }
    for (rel, &owner) in site.data_owner.iter() {
        if !published[owner] {
            withheld_files.insert(site.config.content_rel_to_repo(rel));
        }
    }
    let mut published_files: BTreeSet<String> =
        site.documents.iter().zip(published).filter(|(_, &p)| p).map(|(d, _)| d.repo_rel.clone()).collect();
    published_files.extend(assets.iter().map(|rel| site.config.content_rel_to_repo(rel)));
    // Anything in the history that is not a published document (a withheld one, a deleted or
    // unowned file) may be described by its commits' messages.
    let tainted: BTreeSet<&str> = site
        .git
        .history
        .iter()
        .filter(|(file, _)| withheld_files.contains(*file) || !published_files.contains(*file))
        .flat_map(|(_, commits)| commits.iter().map(|c| c.id.as_str()))
        .collect();
    let history = site
        .git
        .history
        .iter()
        .filter(|(file, _)| published_files.contains(*file))
        .map(|(file, commits)| {
            let commits = commits
                .iter()
                .map(|c| {
                    let mut c = c.clone();
                    if tainted.contains(c.id.as_str()) {
                        c.message = site.messages.t("commit-withheld");
                    }
                    c
                })
                .collect();
            (file.clone(), commits)
        })
        .collect();
    crate::source::git::GitInfo { history, head: site.git.head.clone() }
}

/// The editions the configured `[audiences]` publish (none when there are none), and per
/// document which of them publish it: what [`document`] checks against.
pub(crate) struct Audiences {
    editions: Vec<Edition>,
    published: Vec<Vec<bool>>,
}

impl Audiences {
    pub(crate) fn of(site: &Site) -> Audiences {
        let editions: Vec<Edition> =
            if site.config.audiences.is_empty() { Vec::new() } else { profiles(&site.config).into_values().collect() };
        Audiences::with(site, editions)
    }

    fn with(site: &Site, editions: Vec<Edition>) -> Audiences {
        let published = if editions.is_empty() {
            Vec::new()
        } else {
            site.documents.iter().map(|d| editions.iter().map(|e| publishes(&site.config, e, &d.classification)).collect()).collect()
        };
        Audiences { editions, published }
    }
}

/// The checks of one document: AUD002 for a classification that is not a level, and AUD001
/// against the configured `[audiences]` (a repository that configures none publishes no
/// editions unless asked: `build --audience` then checks that edition with [`crossings`]).
pub(crate) fn document(site: &Site, i: usize, audiences: &Audiences, out: &mut Vec<Diagnostic>) {
    let config = &site.config;
    let d = &site.documents[i];
    // A word outside an enum is DC002 already; this says what it means for publishing.
    if !config.classification_levels.is_empty() && rank(config, &d.classification).is_none() && !d.invalid_fields.contains("classification")
    {
        out.push(
            Diagnostic::new(
                AUD002,
                &d.repo_rel,
                d.line_of("classification"),
                format!(
                    "classification `{}` of {} is not a classification level: no edition publishes it, and its references cannot be checked against the audiences",
                    d.classification, d.id
                ),
            )
            .help(format!("use one of: {} (set in [publication] levels)", config.classification_levels.join(", "))),
        );
    }
    crossings_of(site, audiences, i, out);
}

/// AUD001: a document links to, names in related/derived_from, mentions the id of, or quotes
/// the title of a document that one of `editions` does not publish although it publishes the
/// first (a public page linking a confidential procedure): there the reader meets only an id.
/// Reported once per pair of documents, at the first such reference.
pub fn crossings(site: &Site, editions: &[Edition]) -> Vec<Diagnostic> {
    let audiences = Audiences::with(site, editions.to_vec());
    let mut out = Vec::new();
    for i in 0..site.documents.len() {
        crossings_of(site, &audiences, i, &mut out);
    }
    out
}

/// [`crossings`] of document `i`.
fn crossings_of(site: &Site, audiences: &Audiences, i: usize, out: &mut Vec<Diagnostic>) {
    let config = &site.config;
    let (editions, published) = (&audiences.editions, &audiences.published);
    if editions.is_empty() {
        return;
    }
    let d = &site.documents[i];
    {
        if !published[i].iter().any(|&p| p) {
            return;
        }
        let mut reported: BTreeSet<usize> = BTreeSet::new();
        let mut report = |t: usize, how: &str, line: usize, column: usize, out: &mut Vec<Diagnostic>| {
            let lacking: Vec<&str> =
                editions.iter().enumerate().filter(|&(e, _)| published[i][e] && !published[t][e]).map(|(_, e)| e.name.as_str()).collect();
            let target = &site.documents[t];
            if lacking.is_empty() || target.id == d.id || !reported.insert(t) {
                return;
            }
            let (mine, theirs) =
                (effective_classification(config, &d.classification), effective_classification(config, &target.classification));
            let consequence = if how.starts_with("quotes") {
                format!("the quoted title is published with {}", d.id)
            } else {
                "there it shows only the id".to_string()
            };
            let which = if lacking.len() == 1 { format!("edition {}", lacking[0]) } else { format!("editions {}", lacking.join(", ")) };
            out.push(
                Diagnostic::new(
                    AUD001,
                    &d.repo_rel,
                    line,
                    format!("{} ({mine}) {how} {} ({theirs}), which the {which} publishes without: {consequence}", d.id, target.id),
                )
                .col(column)
                .help(format!("refer to documents of classification {mine} or lower, or classify {} as {theirs}", d.id)),
            );
        };
        if let Some(links) = site.resolved.get(i) {
            for (link, r) in d.links.iter().zip(links.iter()) {
                if let Ok(Destination::Document { index, .. }) = r {
                    report(*index, "links to", link.line, link.column, out);
                }
            }
        }
        for (field, ids) in [("related", &d.related), ("derived_from", &d.derived_from)] {
            for id in ids {
                if let Some(&t) = site.by_id.get(id) {
                    report(t, &format!("names in {field}"), d.line_of(field), 1, out);
                }
            }
        }
        for m in &d.mentions {
            if let Some(&t) = site.by_id.get(&m.id) {
                report(t, "mentions", m.line, m.column, out);
            }
        }
        // A quoted title: only titles distinctive enough to be a quotation (two words or more).
        for (t, target) in site.documents.iter().enumerate() {
            if target.title.split_whitespace().count() < 2 || target.title.len() < 10 {
                continue;
            }
            if let Some(at) = d.body.find(target.title.as_str()) {
                let before = &d.body[..at];
                let line = d.body_line + before.matches('\n').count();
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                report(t, "quotes the title of", line, column, out);
            }
        }
    }
}

/// The snapshot data of an earlier snapshot as this edition may show it: documents published in
/// this edition, or no longer present and of a classification it publishes (older snapshots do
/// not record classifications: such a document counts as unclassified). The SoA follows its
/// document.
pub(crate) fn restrict_snapshot_data(site: &Site, mut data: crate::model::snapshot::SnapshotData) -> crate::model::snapshot::SnapshotData {
    let Some(edition) = &site.edition else { return data };
    data.documents.retain(|r| {
        site.by_id.contains_key(&r.id)
            || (!site.withheld_ids.contains(&r.id) && publishes(&site.config, edition, r.classification.as_deref().unwrap_or("")))
    });
    // Their texts as this edition shows them, so that a withheld link is no text change.
    for r in &mut data.documents {
        if let (Some(d), Some(body)) = (site.doc(&r.id), r.body.as_mut()) {
            *body = redact(site, d, body);
        }
    }
    if site.trace.soa_doc.is_none() {
        data.soa.clear();
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(extra: &str, levels: &[&str]) -> Config {
        let mut c = crate::config::parse(&format!("[book]\ntitle = \"T\"\n{extra}"), Path::new(".")).unwrap();
        if c.classification_levels.is_empty() {
            c.classification_levels = levels.iter().map(|s| s.to_string()).collect();
        }
        c
    }

    #[test]
    fn built_in_profiles_never_publish_the_most_sensitive_level() {
        let c = config("", &["offen", "intern", "vertraulich", "streng-vertraulich"]);
        let p = profiles(&c);
        assert_eq!(p["public"].classifications, ["offen"]);
        assert_eq!(p["intranet"].classifications, ["offen", "intern"]);
        assert_eq!(p["auditor"].classifications, ["offen", "intern", "vertraulich"]);
    }

    #[test]
    fn configured_profiles_replace_the_built_in_ones() {
        let c = config(
            "[publication]\nlevels = [\"open\", \"internal\", \"confidential\", \"secret\"]\n[audiences.board]\nclassifications = [\"open\", \"secret\"]\nlabel = \"Board pack\"\n",
            &[],
        );
        assert_eq!(profiles(&c).keys().collect::<Vec<_>>(), ["board"]);
        let e = edition(&c, "board").unwrap();
        assert_eq!(e.label, "Board pack");
        assert!(publishes(&c, &e, "secret"));
        assert!(!publishes(&c, &e, "internal"));
        let err = edition(&c, "public").unwrap_err();
        assert!(err.message.contains("known audiences: board"), "{}", err.message);
    }

    #[test]
    fn a_document_without_classification_counts_as_the_most_sensitive_unless_configured() {
        let c = config("", &["open", "internal", "secret"]);
        assert_eq!(effective_classification(&c, ""), "secret");
        let c = config("[publication]\nlevels = [\"open\", \"internal\", \"secret\"]\nunclassified = \"internal\"\n", &[]);
        assert_eq!(effective_classification(&c, " "), "internal");
        assert!(publishes(&c, &profiles(&c)["intranet"], ""));
    }

    #[test]
    fn profiles_must_use_the_levels() {
        let c = config("[publication]\nlevels = [\"open\", \"secret\"]\n[audiences.x]\nclassifications = [\"public\"]\n", &[]);
        let errs = validate(&c).unwrap_err();
        // Line 5: the `[audiences.x]` table.
        assert_eq!((errs[0].code, errs[0].line), (CFG002, 5));
        assert!(errs[0].message.contains("`public`"));
    }
}
