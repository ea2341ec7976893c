//! Redlines: a document's approved versions, each with its text as it was when approved (read
//! from git), and word-level comparisons of consecutive versions for non-technical reviewers.
//!
//! The approval of version V is the oldest commit touching the document's file in which its
//! front matter says `version: V` with a status other than draft; the text of V is the file at
//! that commit. The list of versions follows the front matter `history` (the approved versions,
//! oldest first); versions found in git but missing from the history are added in commit order.
//!
//! Git is read before rendering, by the driver ([`crate::source::git::blobs`], one
//! `git cat-file --batch` process for the file versions not read before, cached for the life of
//! the process by commit and path: content addressed, so never stale); the rendered comparisons
//! are kept too, so `serve` reads git once.
//!
//! A comparison works on the rendered text, block by block (headings, paragraphs, list items,
//! table rows): blocks are matched with the patience algorithm of `similar`, and changed blocks
//! are compared word by word. Headings stay headings, so the reader keeps their place.

use crate::model::Site;
use crate::parse::document::Document;
use crate::source::git::{BlobKey, Blobs};
use crate::support::memo::Memo;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::Serialize;
use similar::{Algorithm, DiffOp};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

/// Rendered comparisons by (old commit, new commit or "", path, new text hash).
type RedlineKey = (String, String, String, u64);
static REDLINES: LazyLock<Memo<RedlineKey, Arc<Redline>, ()>> = LazyLock::new(Default::default);

/// A top-level front-matter value as written (quotes removed), read line by line so that a
/// historical version that no longer parses still yields its version and status.
fn front_matter_value<'a>(front_matter: &'a str, key: &str) -> Option<&'a str> {
    front_matter.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        let v = rest.split(" #").next().unwrap_or("").trim();
        Some(v.trim_matches(|c| c == '"' || c == '\''))
    })
}

/// One approved version of a document.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ApprovedVersion {
    pub(crate) version: String,
    pub(crate) date: String,
    pub(crate) author: String,
    pub(crate) summary: String,
    /// The commit that approved it (short id), when found in git.
    pub(crate) commit: Option<String>,
    #[serde(skip)]
    pub(crate) commit_id: Option<String>,
    /// The body at that commit.
    #[serde(skip)]
    pub(crate) body: Option<Arc<str>>,
    /// The redline page against the version before, relative to the site root.
    pub(crate) redline_url: Option<String>,
}

/// The document's approved versions, oldest first, with their texts where git has them
/// (`blobs`: the file at each commit, read by the driver, see [`blob_keys`]).
pub(crate) fn approved_versions(site: &Site, blobs: &Blobs, d: &Document) -> Vec<ApprovedVersion> {
    let mut out: Vec<ApprovedVersion> = d
        .history
        .iter()
        .map(|h| ApprovedVersion {
            version: h.version.clone(),
            date: h.date.map(|x| x.to_string()).unwrap_or_default(),
            author: h.author.clone(),
            summary: h.summary.clone(),
            commit: None,
            commit_id: None,
            body: None,
            redline_url: None,
        })
        .collect();
    let commits = site.git.history.get(&d.repo_rel).map(Vec::as_slice).unwrap_or_default();
    if !commits.is_empty() {
        for c in commits.iter().rev() {
            let Some(text) = blobs.get(&(c.id.clone(), d.repo_rel.clone())).cloned().flatten() else { continue };
            let Ok(Some(split)) = crate::source::split_front_matter(&text) else { continue };
            let (Some(version), Some(status)) =
                (front_matter_value(split.front_matter, "version"), front_matter_value(split.front_matter, "status"))
            else {
                continue;
            };
            if status == "draft" || version.is_empty() {
                continue;
            }
            let entry = match out.iter_mut().position(|v| crate::parse::document::Version::same_text(&v.version, version)) {
                Some(i) => &mut out[i],
                None => {
                    out.push(ApprovedVersion {
                        version: version.to_string(),
                        date: front_matter_value(split.front_matter, "approved").unwrap_or("").to_string(),
                        author: c.author.clone(),
                        summary: c.message.clone(),
                        commit: None,
                        commit_id: None,
                        body: None,
                        redline_url: None,
                    });
                    let last = out.len() - 1;
                    &mut out[last]
                }
            };
            if entry.commit_id.is_none() {
                entry.commit = Some(c.short.clone());
                entry.commit_id = Some(c.id.clone());
                // In an edition, as the edition shows the current text (see `audience::redact`).
                entry.body = Some(Arc::from(crate::model::audience::redact(site, d, split.body)));
            }
        }
    }
    for i in 1..out.len() {
        if out[i].body.is_some() && out[i - 1].body.is_some() {
            out[i].redline_url = Some(redline_url(&d.id, &out[i].version));
        }
    }
    out
}

/// The file versions [`approved_versions`] reads: every document's file at every commit that
/// touched it. The driver reads them from git before rendering.
/// Each with the name git reads it by: the file's object id when the history has it,
/// otherwise `commit:path`.
pub(crate) fn blob_keys(site: &Site) -> Vec<(BlobKey, String)> {
    if site.git.head.is_none() {
        return Vec::new();
    }
    let mut keys = Vec::new();
    for (i, d) in site.documents.iter().enumerate() {
        if site.by_id.get(&d.id) != Some(&i) {
            continue;
        }
        let commits = site.git.history.get(&d.repo_rel).map(Vec::as_slice).unwrap_or_default();
        keys.extend(commits.iter().map(|c| {
            let object = c.blob.clone().unwrap_or_else(|| format!("{}:{}", c.id, d.repo_rel));
            ((c.id.clone(), d.repo_rel.clone()), object)
        }));
    }
    keys
}

pub(crate) fn redline_url(id: &str, version: &str) -> String {
    format!("doc/{id}/redline-{}.html", crate::parse::document::slug(version).replace('-', "."))
}

/// Where the current text stands against the approved text of the current version.
pub(crate) fn uncontrolled_change<'a>(versions: &'a [ApprovedVersion], d: &Document) -> Option<&'a ApprovedVersion> {
    if d.status.is_obsolete() || d.approved.is_none() {
        return None;
    }
    let current = versions.iter().rev().find(|v| crate::parse::document::Version::same_text(&v.version, &d.version_text))?;
    let approved = current.body.as_deref()?;
    // The same text has the same words: most documents are unchanged since their approval, and
    // splitting both texts into words for each of them was a large part of a git build.
    (approved != &*d.body && words(approved) != words(&d.body)).then_some(current)
}

fn words(body: &str) -> Vec<String> {
    blocks(body).into_iter().flat_map(|b| b.text.split_whitespace().map(String::from).collect::<Vec<_>>()).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Block {
    /// 0 for text, 1-6 for headings.
    heading: u8,
    text: String,
}

/// The rendered text of a Markdown body as blocks: headings, paragraphs, list items, table
/// rows and code blocks, whitespace collapsed.
fn blocks(body: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut heading = 0u8;
    let flush = |buf: &mut String, heading: u8, out: &mut Vec<Block>| {
        let text = buf.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() && text != "•" {
            out.push(Block { heading, text });
        }
        buf.clear();
    };
    for e in Parser::new_ext(body, crate::parse::markdown::options()) {
        match e {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut buf, 0, &mut out);
                heading = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(&mut buf, heading, &mut out);
                heading = 0;
            }
            Event::Start(Tag::Item) => {
                flush(&mut buf, 0, &mut out);
                buf.push_str("• ");
            }
            // A bullet alone (an item whose text was its paragraph) is dropped by `flush`.
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead | TagEnd::CodeBlock | TagEnd::BlockQuote(_),
            ) => flush(&mut buf, 0, &mut out),
            Event::End(TagEnd::TableCell) => buf.push_str(" | "),
            Event::Text(t) | Event::Code(t) => buf.push_str(&t),
            Event::SoftBreak | Event::HardBreak => buf.push(' '),
            _ => {}
        }
    }
    flush(&mut buf, 0, &mut out);
    for b in &mut out {
        if let Some(t) = b.text.strip_suffix(" |") {
            b.text = t.to_string();
        }
    }
    out
}

/// A comparison of two texts: counts and the HTML of the marked-up new text.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Redline {
    pub(crate) words_inserted: usize,
    pub(crate) words_deleted: usize,
    pub(crate) blocks_changed: usize,
    /// Sanitised HTML: headings and paragraphs with `<ins>` and `<del>`.
    pub(crate) html: String,
}

fn esc(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

fn open(b: &Block) -> String {
    match b.heading {
        0 => "<p>".into(),
        n => format!("<h{}>", (n + 1).min(6)),
    }
}

fn close(b: &Block) -> String {
    match b.heading {
        0 => "</p>".into(),
        n => format!("</h{}>", (n + 1).min(6)),
    }
}

/// Words, runs of spaces and single other characters: "routing," is "routing" and ",", so a
/// comma added after a word does not mark the word itself as changed.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let class = |c: char| {
        if c.is_alphanumeric() {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut prev: Option<u8> = None;
    for (i, c) in s.char_indices() {
        let k = class(c);
        if let Some(p) = prev {
            if p != k || k == 2 {
                out.push(&s[start..i]);
                start = i;
            }
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// Marks up `new` against `old` word by word into `html`; returns (words inserted, deleted).
fn word_diff(old: &str, new: &str, html: &mut String) -> (usize, usize) {
    let (a, b) = (tokens(old), tokens(new));
    let words = |t: &[&str]| t.iter().filter(|w| w.chars().any(char::is_alphanumeric)).count();
    let (mut inserted, mut deleted) = (0, 0);
    for op in similar::capture_diff_slices(Algorithm::Patience, &a, &b) {
        let (o, n) = (&a[op.old_range()], &b[op.new_range()]);
        match op.tag() {
            similar::DiffTag::Equal => html.push_str(&esc(&n.concat())),
            similar::DiffTag::Delete => {
                deleted += words(o);
                html.push_str(&format!("<del>{}</del>", esc(&o.concat())));
            }
            similar::DiffTag::Insert => {
                inserted += words(n);
                html.push_str(&format!("<ins>{}</ins>", esc(&n.concat())));
            }
            similar::DiffTag::Replace => {
                deleted += words(o);
                inserted += words(n);
                html.push_str(&format!("<del>{}</del><ins>{}</ins>", esc(&o.concat()), esc(&n.concat())));
            }
        }
    }
    (inserted, deleted)
}

/// Word-level comparison of two texts (Markdown bodies).
pub(crate) fn compare(old: &str, new: &str) -> Redline {
    let a = blocks(old);
    let b = blocks(new);
    let mut r = Redline::default();
    let mut html = String::new();
    // The list bullet added to items is not a word of the text.
    let count = |s: &str| s.split_whitespace().filter(|w| *w != "•").count();
    for op in similar::capture_diff_slices(Algorithm::Patience, &a, &b) {
        match op {
            DiffOp::Equal { new_index, len, .. } => {
                for blk in &b[new_index..new_index + len] {
                    html.push_str(&format!("{}{}{}\n", open(blk), esc(&blk.text), close(blk)));
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                for blk in &a[old_index..old_index + old_len] {
                    r.blocks_changed += 1;
                    r.words_deleted += count(&blk.text);
                    html.push_str(&format!("{}<del>{}</del>{}\n", open(blk), esc(&blk.text), close(blk)));
                }
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                for blk in &b[new_index..new_index + new_len] {
                    r.blocks_changed += 1;
                    r.words_inserted += count(&blk.text);
                    html.push_str(&format!("{}<ins>{}</ins>{}\n", open(blk), esc(&blk.text), close(blk)));
                }
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                let paired = old_len.min(new_len);
                for k in 0..paired {
                    let (ob, nb) = (&a[old_index + k], &b[new_index + k]);
                    r.blocks_changed += 1;
                    html.push_str(&open(nb));
                    let (ins, del) = word_diff(&ob.text, &nb.text, &mut html);
                    r.words_inserted += ins;
                    r.words_deleted += del;
                    html.push_str(&close(nb));
                    html.push('\n');
                }
                for blk in &a[old_index + paired..old_index + old_len] {
                    r.blocks_changed += 1;
                    r.words_deleted += count(&blk.text);
                    html.push_str(&format!("{}<del>{}</del>{}\n", open(blk), esc(&blk.text), close(blk)));
                }
                for blk in &b[new_index + paired..new_index + new_len] {
                    r.blocks_changed += 1;
                    r.words_inserted += count(&blk.text);
                    html.push_str(&format!("{}<ins>{}</ins>{}\n", open(blk), esc(&blk.text), close(blk)));
                }
            }
        }
    }
    // Adjacent markers of the same kind read better merged ("<del>a</del><del> b</del>").
    r.html = html.replace("</del><del>", "").replace("</ins><ins>", "");
    r
}

fn cached_compare(path: &str, old_commit: &str, new_commit: &str, old: &str, new: &str) -> Arc<Redline> {
    let key = (old_commit.to_string(), new_commit.to_string(), path.to_string(), crate::support::hash::fingerprint(&new));
    REDLINES.get_or_make(key, (), || Arc::new(compare(old, new)))
}

/// The redline pages of every document: one per approved version against the one before, and
/// `redline-current.html` when the text changed since its approval without a version bump.
pub(crate) fn pages(r: &crate::render::Renderer) -> Result<Vec<crate::render::Page>, crate::diagnostics::Diagnostic> {
    let site = r.site;
    let mut out = Vec::new();
    if site.git.head.is_none() {
        return Ok(out);
    }
    // `serve`: an unchanged document in its place keeps its last redlines (comparing versions
    // and the current text of every document took longer than the rest of a rebuild).
    let placed = match (r.cache, r.overview_key) {
        (Some(c), Some(overview)) => {
            let last = c.placed_redlines.lock().map(|mut l| std::mem::take(&mut *l)).unwrap_or_default();
            let same_shared = last.shared.as_ref().is_some_and(|(o, git)| *o == overview && Arc::ptr_eq(git, &site.git));
            Some((c, overview, if same_shared { last.pages } else { Vec::new() }))
        }
        _ => None,
    };
    let mut now: Vec<Option<(Arc<Document>, Vec<crate::render::Page>)>> = Vec::new();
    for (k, &i) in site.paged.iter().enumerate() {
        let d = &site.documents[i];
        let kept = placed.as_ref().and_then(|(_, _, last)| last.get(k)).and_then(Option::as_ref).filter(|(was, _)| Arc::ptr_eq(was, d));
        if let Some((was, pages)) = kept {
            out.extend(pages.iter().cloned());
            now.push(Some((was.clone(), pages.clone())));
            continue;
        }
        let first = out.len();
        redline_pages(r, d, &mut out)?;
        if placed.is_some() {
            now.push(Some((d.clone(), out[first..].to_vec())));
        }
    }
    if let Some((c, overview, _)) = placed {
        if let Ok(mut l) = c.placed_redlines.lock() {
            *l = crate::render::cache::PlacedRedlines { shared: Some((overview, site.git.clone())), pages: now };
        }
    }
    Ok(out)
}

/// One document's redline pages, added to `out`.
fn redline_pages(
    r: &crate::render::Renderer,
    d: &Document,
    out: &mut Vec<crate::render::Page>,
) -> Result<(), crate::diagnostics::Diagnostic> {
    let site = r.site;
    let versions = approved_versions(site, &r.inputs.blobs, d);
    for k in 1..versions.len() {
        let (old, new) = (&versions[k - 1], &versions[k]);
        let (Some(url), Some(ob), Some(nb)) = (&new.redline_url, &old.body, &new.body) else { continue };
        let red = cached_compare(&d.repo_rel, old.commit_id.as_deref().unwrap_or(""), new.commit_id.as_deref().unwrap_or(""), ob, nb);
        out.push(page(r, d, url, old, &format!("version {}", new.version), new.commit.as_deref(), &red)?);
    }
    if let Some(approved) = uncontrolled_change(&versions, d) {
        let red =
            cached_compare(&d.repo_rel, approved.commit_id.as_deref().unwrap_or(""), "", approved.body.as_deref().unwrap_or(""), &d.body);
        let url = format!("doc/{}/redline-current.html", d.id);
        out.push(page(r, d, &url, approved, "the current text (not approved)", None, &red)?);
    }
    Ok(())
}

fn page(
    r: &crate::render::Renderer,
    d: &Document,
    url: &str,
    old: &ApprovedVersion,
    new_label: &str,
    new_commit: Option<&str>,
    red: &Redline,
) -> Result<crate::render::Page, crate::diagnostics::Diagnostic> {
    r.page(
        url,
        "redline.html",
        minijinja::context! {
            title => format!(
                "{} {}",
                d.id,
                r.site.messages.get("redline-title", &[("title", d.title.as_str().into()), ("old", old.version.as_str().into()), ("new", new_label.to_string().into())]).unwrap_or_default()
            ),
            doc_id => d.id.clone(),
            doc_title => d.title.clone(),
            doc_url => d.url(),
            old_version => old.version.clone(),
            old_commit => old.commit.clone(),
            new_label => new_label,
            new_commit => new_commit,
            words_inserted => red.words_inserted,
            words_deleted => red.words_deleted,
            blocks_changed => red.blocks_changed,
            redline => minijinja::Value::from_safe_string(red.html.clone()),
        },
    )
}

/// A document whose text differs between two snapshots.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct TextChange {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) before_version: String,
    pub(crate) after_version: String,
    /// The text changed but the version did not: a change outside document control.
    pub(crate) uncontrolled: bool,
    pub(crate) words_inserted: usize,
    pub(crate) words_deleted: usize,
    pub(crate) blocks_changed: usize,
    /// The redline as HTML (`<ins>`, `<del>`, headings and paragraphs; text escaped).
    pub(crate) redline: String,
}

/// Per document present in both lists with a recorded body: what changed in its rendered text.
/// Whitespace-only and front-matter-only edits are not text changes.
pub(crate) fn text_changes(old: &[crate::model::snapshot::DocRecord], new: &[crate::model::snapshot::DocRecord]) -> Vec<TextChange> {
    let before: HashMap<&str, &crate::model::snapshot::DocRecord> = old.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut out = Vec::new();
    for n in new {
        let Some(o) = before.get(n.id.as_str()) else { continue };
        let (Some(ob), Some(nb)) = (&o.body, &n.body) else { continue };
        if ob == nb || words(ob) == words(nb) {
            continue;
        }
        let red = compare(ob, nb);
        out.push(TextChange {
            id: n.id.clone(),
            title: n.title.clone(),
            before_version: o.version.clone(),
            after_version: n.version.clone(),
            uncontrolled: crate::parse::document::Version::same_text(&o.version, &n.version),
            words_inserted: red.words_inserted,
            words_deleted: red.words_deleted,
            blocks_changed: red.blocks_changed,
            redline: red.html,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// The redline for a terminal: `[-deleted-]` and `{+inserted+}`, one block a line, unchanged
/// blocks left out.
pub(crate) fn redline_as_text(html: &str) -> String {
    let mut out = String::new();
    for line in html.lines().filter(|l| l.contains("<ins>") || l.contains("<del>")) {
        let marked = line.replace("<ins>", "{+").replace("</ins>", "+}").replace("<del>", "[-").replace("</del>", "-]");
        let mut plain = String::new();
        let mut in_tag = false;
        for c in marked.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => plain.push(c),
                _ => {}
            }
        }
        out.push_str("      ");
        out.push_str(&html_escape::decode_html_entities(&plain));
        out.push('\n');
    }
    out
}

/// Appends the "Text changed" section of `aimsbook diff`.
pub(crate) fn render_text_changes(out: &mut String, changes: &[TextChange]) {
    if changes.is_empty() {
        return;
    }
    out.push_str(&format!("\nText changed ({})\n", changes.len()));
    for c in changes {
        let version = if c.uncontrolled {
            format!("UNCONTROLLED: version {} unchanged", c.after_version)
        } else {
            format!("version {} → {}", c.before_version, c.after_version)
        };
        out.push_str(&format!(
            "  ~ {} {}: {} word(s) inserted, {} deleted, {} block(s) changed ({version})\n",
            c.id, c.title, c.words_inserted, c.words_deleted, c.blocks_changed
        ));
        out.push_str(&redline_as_text(&c.redline));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_level_changes_keep_headings() {
        let old = "# Scope\n\nThe board approves spending over ten thousand.\n\n## Duties\n\n- Keep records\n- Report yearly\n";
        let new = "# Scope\n\nThe committee approves spending over five thousand.\n\n## Duties\n\n- Keep records\n- Report quarterly\n- Train staff\n";
        let r = compare(old, new);
        assert!(r.html.contains("<h2>Scope</h2>"), "{}", r.html);
        assert!(r.html.contains("<del>board</del><ins>committee</ins>"), "{}", r.html);
        assert!(r.html.contains("<del>ten</del><ins>five</ins>"), "{}", r.html);
        assert!(r.html.contains("<p><ins>• Train staff</ins></p>"), "{}", r.html);
        assert_eq!((r.words_deleted, r.words_inserted), (3, 5), "{}", r.html);
        assert_eq!(r.blocks_changed, 3);
    }

    #[test]
    fn punctuation_is_not_part_of_a_changed_word() {
        let r = compare("Spend on routing.", "Spend on routing, pricing.");
        assert!(r.html.contains("<p>Spend on routing<ins>, pricing</ins>.</p>"), "{}", r.html);
        assert_eq!((r.words_inserted, r.words_deleted), (1, 0));
    }

    #[test]
    fn text_is_escaped() {
        let r = compare("a `x < y` c", "a `<script>` c");
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(r.html.contains("&lt;") && r.html.contains("&gt;"), "{}", r.html);
    }
}
