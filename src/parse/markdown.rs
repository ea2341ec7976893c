//! Markdown stage: reads a document body with pulldown-cmark, twice in the pipeline.
//!
//! - [`analyze`] (parse stage) collects headings with their GitHub-style anchors and every link
//!   with its source line, so checks can validate links without rendering anything.
//! - [`render`] (render stage) produces the page HTML: links rewritten to the target pages,
//!   heading ids, fenced code highlighted by syntect as CSS classes, raw HTML sanitised.

use crate::parse::document::{BodyLink, Heading, LinkTarget, Mention};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::sync::LazyLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The prefix of the highlighting classes (`hl-string`).
pub(crate) const CLASS_PREFIX: &str = "hl-";
pub(crate) const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: CLASS_PREFIX };

/// Loaded once per process from syntect's packed dump: reloading it per page is the classic
/// slowdown of static-site generators.
pub(crate) static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// What the parse stage needs to know about a body.
#[derive(Debug, Default)]
pub struct BodyInfo {
    pub headings: Vec<Heading>,
    pub links: Vec<BodyLink>,
    pub(crate) mentions: Vec<Mention>,
    pub(crate) unclosed_fences: Vec<usize>,
}

/// Maps byte offsets of the body to 1-based file lines and columns.
struct LineMap {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineMap {
    fn new(text: &str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineMap { starts, first_line }
    }
    fn locate(&self, text: &str, offset: usize) -> (usize, usize) {
        let idx = self.starts.partition_point(|s| *s <= offset).saturating_sub(1);
        let start = self.starts[idx];
        let col = text.get(start..offset.min(text.len())).map(|s| s.chars().count()).unwrap_or(0) + 1;
        (self.first_line + idx, col)
    }
}

/// True for ids that name catalog items rather than documents: "6.1.4", "A.5.2", "42001:A.5.2".
pub fn looks_like_clause(id: &str) -> bool {
    let local = id.split_once(':').map(|(_, r)| r).unwrap_or(id);
    let rest = local.strip_prefix("A.").unwrap_or(local);
    !rest.is_empty() && rest.starts_with(|c: char| c.is_ascii_digit()) && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Classifies a link destination as written in Markdown.
pub(crate) fn classify(dest: &str, wiki: bool, is_clause: &dyn Fn(&str) -> bool) -> LinkTarget {
    let dest = dest.trim();
    if wiki {
        let (id, anchor) = match dest.split_once('#') {
            Some((i, a)) => (i.trim(), Some(a.trim().to_string())),
            None => (dest, None),
        };
        if is_clause(id) || looks_like_clause(id) {
            return LinkTarget::Clause(id.to_string());
        }
        return LinkTarget::Id { id: id.to_string(), anchor };
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        return LinkTarget::SelfAnchor(anchor.to_string());
    }
    if let Some(colon) = dest.find(':') {
        let scheme = &dest[..colon];
        if !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return match scheme.to_ascii_lowercase().as_str() {
                "http" | "https" | "mailto" | "tel" => LinkTarget::External(dest.to_string()),
                _ => LinkTarget::Unsafe(dest.to_string()),
            };
        }
    }
    if dest.starts_with("//") {
        return LinkTarget::External(dest.to_string());
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (dest, None),
    };
    LinkTarget::Path { path: percent_decode(path), anchor }
}

/// Relative paths are written percent-encoded (`my%20doc.md`) but name files as they are on disk.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn heading_level(l: HeadingLevel) -> u8 {
    l as u8
}

/// Headings and links of a body, with file lines.
pub fn analyze(body: &str, body_line: usize, is_clause: &dyn Fn(&str) -> bool) -> BodyInfo {
    let lines = LineMap::new(body, body_line);
    let mut info = BodyInfo::default();
    let mut slugger = github_slugger::Slugger::default();
    let mut heading: Option<(u8, Option<String>, String)> = None;
    let mut in_link = 0usize;
    let mut in_code = false;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::Link { .. }) => in_link += 1,
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                if matches!(kind, CodeBlockKind::Fenced(_)) && !fence_is_closed(body.get(range.clone()).unwrap_or("")) {
                    info.unclosed_fences.push(lines.locate(body, range.start).0);
                }
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if in_link == 0 && !in_code => {
                // The text's own bytes start where the event does, unless the source has escapes.
                let exact = body.get(range.clone()) == Some(&**t);
                for (offset, id) in mention_candidates(t) {
                    let (line, column) = lines.locate(body, if exact { range.start + offset } else { range.start });
                    info.mentions.push(Mention { id: id.to_string(), line, column });
                }
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((heading_level(level), id.map(|s| s.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, text)) = heading.take() {
                    let slug = match id {
                        Some(id) => id,
                        None => slugger.slug(text.trim()),
                    };
                    info.headings.push(Heading { level, text: text.trim().to_string(), slug });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, .. }) | Event::Start(Tag::Image { link_type, dest_url, .. }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                let target = match link_type {
                    LinkType::Email => LinkTarget::External(format!("mailto:{dest_url}")),
                    _ => classify(&dest_url, wiki, is_clause),
                };
                let (line, column) = lines.locate(body, range.start);
                info.links.push(BodyLink { target, line, column });
            }
            _ => {}
        }
    }
    info
}

/// Whether a fenced code block's source (opening fence to end) ends with a closing fence.
fn fence_is_closed(block: &str) -> bool {
    let mut lines = block.trim_end_matches(['\n', '\r']).lines();
    let Some(first) = lines.next() else { return true };
    let first = first.trim_start();
    let Some(fence_char) = first.chars().next().filter(|c| *c == '`' || *c == '~') else { return true };
    let width = first.chars().take_while(|c| *c == fence_char).count();
    match lines.next_back() {
        Some(last) => {
            let last = last.trim();
            last.chars().all(|c| c == fence_char) && last.chars().count() >= width
        }
        None => false,
    }
}

/// Words of a text that look like identifiers: a capital letter first, at least one `-`,
/// `_` or `.` separator and a number at the end (`GOV-POL-01`, `R-07`, `NC-2026-001`), with
/// their byte offsets.
pub(crate) fn mention_candidates<'t>(text: &'t str) -> Vec<(usize, &'t str)> {
    let mut out: Vec<(usize, &'t str)> = Vec::new();
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut start: Option<usize> = None;
    let push = |s: usize, e: usize, out: &mut Vec<(usize, &'t str)>| {
        // Words are ASCII (`is_word`); cheapest tests first, as almost no word is an id.
        let word = text[s..e].trim_end_matches(['-', '_', '.']);
        let bytes = word.as_bytes();
        let candidate = bytes.first().is_some_and(u8::is_ascii_uppercase)
            && bytes.last().is_some_and(u8::is_ascii_digit)
            && word.len() <= 64
            && bytes.iter().any(|b| matches!(b, b'-' | b'_'))
            && !bytes.iter().any(u8::is_ascii_lowercase);
        if candidate {
            out.push((s, word));
        }
    };
    // By byte: a word character is ASCII, so a word starts and ends on character boundaries.
    for (i, c) in text.bytes().enumerate().map(|(i, b)| (i, b as char)) {
        match (is_word(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push(s, i, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s, text.len(), &mut out);
    }
    // `x@GOV-1` or `word-GOV-1`: only whole words preceded by a boundary count.
    out.retain(|(s, _)| text[..*s].chars().next_back().is_none_or(|c| !c.is_ascii_alphanumeric() && c != '@' && c != '/'));
    out
}

/// How the renderer should write a link.
pub enum Resolved {
    /// A working href (relative to the page), and the text to show for `[[ID]]` links.
    Href { href: String, title: Option<String> },
    /// Unresolvable (already reported by the checks): rendered as plain text.
    Broken,
    /// A document this edition does not publish: the link and its text are replaced by this
    /// text, [`crate::model::audience::not_published`] (the link's text might quote the title).
    Withheld(String),
}

/// Renders a body to HTML. `resolve` maps every link to its href relative to the page.
pub fn render(body: &str, resolve: &dyn Fn(&LinkTarget) -> Resolved, is_clause: &dyn Fn(&str) -> bool, allow_html: bool) -> String {
    render_with_prefix(body, resolve, is_clause, allow_html, "")
}

/// As [`render`], with every heading id prefixed (several documents on one page, as in the
/// printable manual, must not share ids).
pub fn render_with_prefix(
    body: &str,
    resolve: &dyn Fn(&LinkTarget) -> Resolved,
    is_clause: &dyn Fn(&str) -> bool,
    allow_html: bool,
    id_prefix: &str,
) -> String {
    render_with_mentions(body, resolve, is_clause, allow_html, id_prefix, &|_| None)
}

/// As [`render_with_prefix`], with identifier mentions in the text (outside links and code)
/// linked where `mention` returns an (href, title) for them.
pub(crate) fn render_with_mentions(
    body: &str,
    resolve: &dyn Fn(&LinkTarget) -> Resolved,
    is_clause: &dyn Fn(&str) -> bool,
    allow_html: bool,
    id_prefix: &str,
    mention: &dyn Fn(&str) -> Option<(String, String)>,
) -> String {
    let events: Vec<Event> = Parser::new_ext(body, options()).collect();
    // Heading anchors, computed exactly as `analyze` does so links and ids always agree.
    let mut slugger = github_slugger::Slugger::default();
    let mut slugs = Vec::new();
    {
        let mut current: Option<(Option<String>, String)> = None;
        for e in &events {
            match e {
                Event::Start(Tag::Heading { id, .. }) => current = Some((id.as_ref().map(|s| s.to_string()), String::new())),
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, text)) = current.as_mut() {
                        text.push_str(t);
                    }
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((id, text)) = current.take() {
                        slugs.push(id.unwrap_or_else(|| slugger.slug(text.trim())));
                    }
                }
                _ => {}
            }
        }
    }
    let mut out_events: Vec<Event> = Vec::with_capacity(events.len());
    let mut has_raw_html = false;
    let mut heading_idx = 0;
    let mut current_slug = String::new();
    let mut iter = events.into_iter();
    let mut broken_depth = 0usize;
    while let Some(event) = iter.next() {
        match event {
            Event::Start(Tag::Heading { level, classes, .. }) => {
                current_slug = format!("{id_prefix}{}", slugs.get(heading_idx).map(String::as_str).unwrap_or_default());
                heading_idx += 1;
                // `{#id .class}` is honoured; arbitrary `key=value` attributes are dropped, since
                // they would let a heading carry event handlers (`{onclick=...}`).
                out_events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(current_slug.clone())),
                    classes,
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                out_events.push(Event::Html(
                    format!(
                        "<a class=\"anchor\" href=\"#{}\" aria-label=\"Link to this section\">#</a>",
                        html_escape::encode_double_quoted_attribute(&current_slug)
                    )
                    .into(),
                ));
                out_events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                let target = match link_type {
                    LinkType::Email => LinkTarget::External(format!("mailto:{dest_url}")),
                    _ => classify(&dest_url, wiki, is_clause),
                };
                match resolve(&target) {
                    Resolved::Href { href, title: label } => {
                        let replace_text = matches!(link_type, LinkType::WikiLink { has_pothole: false });
                        // The href of an email autolink already starts with `mailto:`; as `Email`
                        // pulldown-cmark would write the scheme a second time.
                        let link_type = if link_type == LinkType::Email { LinkType::Autolink } else { link_type };
                        out_events.push(Event::Start(Tag::Link { link_type, dest_url: href.into(), title, id }));
                        if replace_text {
                            if let Some(label) = label {
                                // Skip the original text (the raw id) and show the target's title.
                                for e in iter.by_ref() {
                                    if matches!(e, Event::End(TagEnd::Link)) {
                                        break;
                                    }
                                }
                                out_events.push(Event::Text(label.into()));
                                out_events.push(Event::End(TagEnd::Link));
                            }
                        }
                    }
                    Resolved::Broken => {
                        broken_depth += 1;
                        out_events.push(Event::Html("<span class=\"broken-link\">".into()));
                    }
                    Resolved::Withheld(text) => {
                        // Links do not nest, so the link's own end closes what is skipped.
                        for e in iter.by_ref() {
                            if matches!(e, Event::End(TagEnd::Link)) {
                                break;
                            }
                        }
                        out_events.push(Event::Html(withheld_html(&text).into()));
                    }
                }
            }
            Event::End(TagEnd::Link) if broken_depth > 0 => {
                broken_depth -= 1;
                out_events.push(Event::Html("</span>".into()));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                // Classified exactly as `analyze` does, so what was checked is what is published.
                let target = classify(&dest_url, matches!(link_type, LinkType::WikiLink { .. }), is_clause);
                let href = match resolve(&target) {
                    Resolved::Href { href, .. } => href,
                    Resolved::Broken | Resolved::Withheld(_) => String::new(),
                };
                out_events.push(Event::Start(Tag::Image { link_type, dest_url: href.into(), title, id }));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    // The info string's first word (`rust,ignore` and `python {.x}` name rust and python).
                    CodeBlockKind::Fenced(l) => {
                        l.split(|c: char| c.is_whitespace() || c == ',' || c == '{').next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                for e in iter.by_ref() {
                    match e {
                        Event::Text(t) => code.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                out_events.push(Event::Html(highlight(&code, &lang).into()));
            }
            Event::Start(Tag::Table(a)) => {
                // A wide table scrolls inside its wrapper, which is then a keyboard-focusable
                // region named after the section it is in (WCAG 2.1.1 and 4.1.2).
                let label = if current_slug.is_empty() {
                    "aria-label=\"Table\"".to_string()
                } else {
                    format!("aria-labelledby=\"{}\"", html_escape::encode_double_quoted_attribute(&current_slug))
                };
                out_events.push(Event::Html(format!("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" {label}>").into()));
                out_events.push(Event::Start(Tag::Table(a)));
            }
            Event::End(TagEnd::Table) => {
                out_events.push(Event::End(TagEnd::Table));
                out_events.push(Event::Html("</div>".into()));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                has_raw_html = true;
                out_events.push(Event::Html(h));
            }
            Event::FootnoteReference(label) => out_events.push(Event::FootnoteReference(footnote_id(id_prefix, &label).into())),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                out_events.push(Event::Start(Tag::FootnoteDefinition(footnote_id(id_prefix, &label).into())))
            }
            other => out_events.push(other),
        }
    }
    // After the links were rewritten, so the mention links are not resolved a second time.
    let out_events = link_mentions(out_events, mention);
    let out_events = footnotes_last(out_events);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out_events.into_iter());
    if has_raw_html && !allow_html {
        sanitize(&html)
    } else {
        html
    }
}

/// How a link to a withheld document reads: its id and the note, no link, no title.
pub(crate) fn withheld_html(text: &str) -> String {
    format!("<span class=\"withheld\">{}</span>", html_escape::encode_text(text))
}

/// Splits text events around mentions that `mention` resolves, turning each into a link.
fn link_mentions<'a>(events: Vec<Event<'a>>, mention: &dyn Fn(&str) -> Option<(String, String)>) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut in_link = 0usize;
    let mut in_code = false;
    for e in events {
        match &e {
            Event::Start(Tag::Link { .. }) => in_link += 1,
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        let Event::Text(t) = &e else {
            out.push(e);
            continue;
        };
        if in_link > 0 || in_code {
            out.push(e);
            continue;
        }
        let found: Vec<(usize, &str, (String, String))> =
            mention_candidates(t).into_iter().filter_map(|(at, id)| mention(id).map(|m| (at, id, m))).collect();
        if found.is_empty() {
            out.push(e);
            continue;
        }
        let mut rest = 0;
        for (at, id, (href, title)) in found {
            if at > rest {
                out.push(Event::Text(CowStr::from(t[rest..at].to_string())));
            }
            out.push(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: href.into(),
                title: title.into(),
                id: CowStr::from(""),
            }));
            out.push(Event::Text(CowStr::from(id.to_string())));
            out.push(Event::End(TagEnd::Link));
            rest = at + id.len();
        }
        if rest < t.len() {
            out.push(Event::Text(CowStr::from(t[rest..].to_string())));
        }
    }
    out
}

/// The id of a footnote's definition. Labels match as link labels do (GitHub: case-insensitive,
/// whitespace collapsed), so `[^Note]` and `[^note]:` must meet at one id; the `fn-` prefix
/// keeps footnote ids apart from heading ids (`# 1` is `id="1"`), and `id_prefix` keeps the
/// footnotes of the documents in the printable manual apart.
fn footnote_id(id_prefix: &str, label: &str) -> String {
    format!("{id_prefix}fn-{}", label.split_whitespace().collect::<Vec<_>>().join("-").to_lowercase())
}

/// Moves footnote definitions to the end of the body, as GitHub shows them: in the order they
/// are first referenced, which is also their number, in one `<section class="footnotes">`.
/// A definition nothing refers to is kept, after the others, rather than dropped: it is still
/// text of a controlled document.
fn footnotes_last(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    if !events.iter().any(|e| matches!(e, Event::Start(Tag::FootnoteDefinition(_)))) {
        return events;
    }
    let mut body = Vec::with_capacity(events.len());
    let mut definitions: Vec<(CowStr, Vec<Event>)> = Vec::new();
    let mut referenced: Vec<CowStr> = Vec::new();
    let mut current: Option<(CowStr, Vec<Event>)> = None;
    for e in events {
        if let Event::FootnoteReference(label) = &e {
            if !referenced.contains(label) {
                referenced.push(label.clone());
            }
        }
        match (e, current.as_mut()) {
            (Event::Start(Tag::FootnoteDefinition(label)), _) => {
                current = Some((label.clone(), vec![Event::Start(Tag::FootnoteDefinition(label))]));
            }
            (e @ Event::End(TagEnd::FootnoteDefinition), Some((_, events))) => {
                events.push(e);
                definitions.extend(current.take());
            }
            (e, Some((_, events))) => events.push(e),
            (e, None) => body.push(e),
        }
    }
    definitions.extend(current.take());
    let rank = |label: &CowStr| referenced.iter().position(|r| r == label).unwrap_or(usize::MAX);
    // A stable sort: unreferenced definitions keep their order, after the referenced ones.
    definitions.sort_by_key(|(label, _)| rank(label));
    // Labelled, the section is a landmark a screen reader can jump to (and not a section
    // without a heading).
    body.push(Event::Html("<section class=\"footnotes\" aria-label=\"Footnotes\">\n".into()));
    for (_, events) in definitions {
        body.extend(events);
    }
    body.push(Event::Html("</section>\n".into()));
    body
}

/// Removes scripts, event handlers, iframes, styles and unsafe URLs from HTML, keeping
/// formatting and every piece of markup the renderer itself writes: classes and ids, the heading
/// permalinks' `aria-label`, task-list checkboxes, table column alignment and the footnotes'
/// `<section>`.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(None)
        .add_generic_attributes(["class", "id"])
        .add_tag_attributes("a", ["aria-label"])
        .add_tag_attributes("section", ["aria-label"])
        .add_tags(["input", "section"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        // The focusable, labelled region `render` writes around a table (accessibility).
        .add_tag_attributes("div", ["role", "tabindex", "aria-label", "aria-labelledby"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            // Column alignment is the only style kept: any other CSS could restyle the page
            // (overlays, hidden text), so a cell's style must be exactly what the renderer writes.
            ("th" | "td", "style") => is_cell_alignment(value).then_some(value.into()),
            _ => Some(value.into()),
        })
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
    b
});

/// True for the style pulldown-cmark writes on an aligned table cell.
fn is_cell_alignment(style: &str) -> bool {
    matches!(style, "text-align: left" | "text-align: center" | "text-align: right")
}

/// Highlighted blocks by language and code, kept for the process up to [`HIGHLIGHT_MEMO_BYTES`]:
/// a block is shown on its document's page and again in the manual, and highlighting is the
/// largest single cost of a build. Bounded, so a very large repository (or a long `serve`
/// session) holds at most that much; past it, blocks are simply highlighted again.
static HIGHLIGHT_MEMO: LazyLock<std::sync::RwLock<std::collections::HashMap<String, std::sync::Arc<str>>>> =
    LazyLock::new(Default::default);
static HIGHLIGHT_MEMO_USED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
const HIGHLIGHT_MEMO_BYTES: usize = 32 << 20;

/// Highlights a fenced code block at build time as CSS classes (no inline colours), so the
/// light and dark stylesheets both apply.
pub(crate) fn highlight(code: &str, lang: &str) -> String {
    use std::sync::atomic::Ordering::Relaxed;
    let key = format!("{lang}\0{code}");
    if let Some(hit) = HIGHLIGHT_MEMO.read().ok().and_then(|m| m.get(&key).cloned()) {
        return hit.to_string();
    }
    let html = highlight_uncached(code, lang);
    let size = key.len() + html.len();
    if HIGHLIGHT_MEMO_USED.load(Relaxed) + size <= HIGHLIGHT_MEMO_BYTES {
        if let Ok(mut m) = HIGHLIGHT_MEMO.write() {
            if m.insert(key, html.as_str().into()).is_none() {
                HIGHLIGHT_MEMO_USED.fetch_add(size, Relaxed);
            }
        }
    }
    html
}

fn highlight_uncached(code: &str, lang: &str) -> String {
    let ss = &*SYNTAXES;
    let syntax = if lang.is_empty() { None } else { ss.find_syntax_by_token(lang) };
    // A block without an info string (indented, or a bare fence) names no language: no class.
    let code_open = if lang.is_empty() {
        "<code>".to_string()
    } else {
        format!("<code class=\"language-{}\">", html_escape::encode_double_quoted_attribute(lang))
    };
    if let Some(spans) = syntax.and_then(|syntax| classed_spans(code, syntax, ss)) {
        let spans = super::highlight_classes::prune(&spans);
        return format!("<pre class=\"code hl-code\">{code_open}{spans}</code></pre>\n");
    }
    format!("<pre class=\"code\">{code_open}{}</code></pre>\n", html_escape::encode_text(code))
}

/// `code` as syntect's spans with a class per scope atom (`hl-string hl-unquoted …`), or none
/// when the syntax fails on it.
pub(crate) fn classed_spans(code: &str, syntax: &syntect::parsing::SyntaxReference, ss: &SyntaxSet) -> Option<String> {
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, ss, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(generator.finalize())
}

/// The light and dark syntax-highlighting stylesheets, generated once per process.
pub(crate) static HIGHLIGHT_CSS: LazyLock<(String, String)> = LazyLock::new(highlight_css);

/// The light and dark syntax-highlighting stylesheets.
pub(crate) fn highlight_css() -> (String, String) {
    let [light, dark] = highlight_themes();
    let css = |t: Option<syntect::highlighting::Theme>| {
        t.and_then(|t| syntect::html::css_for_theme_with_class_style(&t, CLASS_STYLE).ok()).unwrap_or_default()
    };
    (css(light), css(dark))
}

/// The themes of the light and dark stylesheets, legible ([`legible`]).
pub(crate) fn highlight_themes() -> [Option<syntect::highlighting::Theme>; 2] {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    ["InspiredGitHub", "base16-ocean.dark"].map(|name| themes.themes.get(name).map(legible))
}

/// WCAG 2.1 AA contrast for normal-size text, with a little margin for rounding.
const MIN_CONTRAST: f64 = 4.6;

/// `theme` with every text colour moved (towards black on a light background, towards white on
/// a dark one) just far enough to reach [`MIN_CONTRAST`] against its background: the stock
/// syntect themes have comments and tags below 4.5:1 (WCAG 1.4.3).
fn legible(theme: &syntect::highlighting::Theme) -> syntect::highlighting::Theme {
    use syntect::highlighting::Color;
    let mut theme = theme.clone();
    let page = theme.settings.background.unwrap_or(Color::WHITE);
    let fix = |fg: &mut Option<Color>, bg: Color| {
        if let Some(c) = fg.as_mut() {
            *c = with_contrast(*c, bg);
        }
    };
    fix(&mut theme.settings.foreground, page);
    for item in &mut theme.scopes {
        let bg = item.style.background.map_or(page, |b| blend(b, page));
        fix(&mut item.style.foreground, bg);
    }
    theme
}

/// `over` drawn on the opaque `under`.
fn blend(over: syntect::highlighting::Color, under: syntect::highlighting::Color) -> syntect::highlighting::Color {
    let a = f64::from(over.a) / 255.0;
    let mix = |o: u8, u: u8| (f64::from(o) * a + f64::from(u) * (1.0 - a)).round() as u8;
    syntect::highlighting::Color { r: mix(over.r, under.r), g: mix(over.g, under.g), b: mix(over.b, under.b), a: 255 }
}

/// The WCAG relative luminance of an opaque colour.
fn luminance(c: syntect::highlighting::Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

fn contrast(a: syntect::highlighting::Color, b: syntect::highlighting::Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `fg` (as drawn on `bg`) mixed towards black or white, whichever `bg` contrasts with more,
/// in small steps until it reaches [`MIN_CONTRAST`]; unchanged when it already does.
fn with_contrast(fg: syntect::highlighting::Color, bg: syntect::highlighting::Color) -> syntect::highlighting::Color {
    use syntect::highlighting::Color;
    let start = blend(fg, bg);
    let target = if contrast(Color::BLACK, bg) >= contrast(Color::WHITE, bg) { Color::BLACK } else { Color::WHITE };
    (0..=64)
        .map(|step| blend(Color { a: (step * 255 / 64) as u8, ..target }, start))
        .find(|c| contrast(*c, bg) >= MIN_CONTRAST)
        .unwrap_or(target)
}

/// The plain text of a body (for the search index): text and code, no markup.
pub fn plain_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for e in Parser::new_ext(body, options()) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) if !out.ends_with(' ') => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_clause(_: &str) -> bool {
        false
    }

    #[test]
    fn mention_candidates_are_whole_upper_case_ids_with_a_separator() {
        let found: Vec<&str> = mention_candidates("See GOV-POL-01, x@OPS-2, a/B-3, Ünï-X_9 and OPS_PRC_02. Not Ab-1 or POL-A.")
            .into_iter()
            .map(|(_, w)| w)
            .collect();
        assert_eq!(found, ["GOV-POL-01", "OPS_PRC_02"]);
        let text = "é GOV-1";
        assert_eq!(mention_candidates(text), [(text.find('G').unwrap(), "GOV-1")]);
    }

    /// The scan as it was written first (by character, every test on every word): the faster
    /// one must find exactly the same candidates at the same offsets.
    fn mention_candidates_by_char<'t>(text: &'t str) -> Vec<(usize, &'t str)> {
        let mut out: Vec<(usize, &'t str)> = Vec::new();
        let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        let mut start: Option<usize> = None;
        let push = |s: usize, e: usize, out: &mut Vec<(usize, &'t str)>| {
            let word = text[s..e].trim_end_matches(['-', '_', '.']);
            let starts_upper = word.chars().next().is_some_and(|c| c.is_ascii_uppercase());
            let ends_digit = word.chars().last().is_some_and(|c| c.is_ascii_digit());
            let has_sep = word.contains(['-', '_']);
            let letters_upper = word.chars().filter(|c| c.is_ascii_alphabetic()).all(|c| c.is_ascii_uppercase());
            if starts_upper && ends_digit && has_sep && letters_upper && word.len() <= 64 {
                out.push((s, word));
            }
        };
        for (i, c) in text.char_indices() {
            match (is_word(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    push(s, i, &mut out);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            push(s, text.len(), &mut out);
        }
        out.retain(|(s, _)| text[..*s].chars().next_back().is_none_or(|c| !c.is_ascii_alphanumeric() && c != '@' && c != '/'));
        out
    }

    proptest::proptest! {
        #[test]
        fn mention_scan_finds_what_the_scan_by_character_finds(text in "([A-Za-z0-9_./@ -]|[éÜ€𝔸\u{00a0}]|GOV-POL-0[0-9]|X_[0-9]){0,40}") {
            proptest::prop_assert_eq!(mention_candidates(&text), mention_candidates_by_char(&text));
        }
    }

    #[test]
    fn analyze_finds_headings_and_links_with_lines() {
        let body = "# Purpose\n\nSee [[POL-001]] and [x](../a/b.md#scope).\n\n## Purpose\n\n[[6.1.4]] [y](#purpose-1)\n";
        let info = analyze(body, 10, &no_clause);
        assert_eq!(info.headings.iter().map(|h| h.slug.as_str()).collect::<Vec<_>>(), vec!["purpose", "purpose-1"]);
        assert_eq!(info.links.len(), 4);
        assert_eq!(info.links[0].target, LinkTarget::Id { id: "POL-001".into(), anchor: None });
        assert_eq!(info.links[0].line, 12);
        assert_eq!(info.links[0].column, 5);
        assert_eq!(info.links[1].target, LinkTarget::Path { path: "../a/b.md".into(), anchor: Some("scope".into()) });
        assert_eq!(info.links[2].target, LinkTarget::Clause("6.1.4".into()));
        assert_eq!(info.links[2].line, 16);
        assert_eq!(info.links[3].target, LinkTarget::SelfAnchor("purpose-1".into()));
    }

    #[test]
    fn classify_schemes() {
        assert!(matches!(classify("javascript:alert(1)", false, &no_clause), LinkTarget::Unsafe(_)));
        assert!(matches!(classify("JaVaScRiPt:alert(1)", false, &no_clause), LinkTarget::Unsafe(_)));
        assert!(matches!(classify("file:///etc/passwd", false, &no_clause), LinkTarget::Unsafe(_)));
        assert!(matches!(classify("https://example.org", false, &no_clause), LinkTarget::External(_)));
        assert!(matches!(classify("A.5.2", true, &no_clause), LinkTarget::Clause(_)));
        assert!(matches!(classify("POL-001", true, &no_clause), LinkTarget::Id { .. }));
        assert_eq!(classify("my%20doc.md", false, &no_clause), LinkTarget::Path { path: "my doc.md".into(), anchor: None });
    }

    #[test]
    fn render_rewrites_wikilinks_and_sanitises() {
        let resolve = |t: &LinkTarget| match t {
            LinkTarget::Id { id, .. } if id == "POL-001" => Resolved::Href { href: "POL-001.html".into(), title: Some("AI Policy".into()) },
            _ => Resolved::Broken,
        };
        let html = render(
            "# Title\n\n[[POL-001]] and [[POL-001|the policy]] and [[NOPE]]\n\n<script>alert(1)</script><img src=x onerror=alert(1)>\n",
            &resolve,
            &no_clause,
            false,
        );
        assert!(html.contains("<a href=\"POL-001.html\">AI Policy</a>"), "{html}");
        assert!(html.contains("<a href=\"POL-001.html\">the policy</a>"), "{html}");
        assert!(html.contains("<span class=\"broken-link\">NOPE</span>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(html.contains("id=\"title\""), "{html}");
    }

    /// Resolves links as a site whose every target exists would: to where they point.
    fn resolve_as_written(t: &LinkTarget) -> Resolved {
        match t {
            LinkTarget::External(u) => Resolved::Href { href: u.clone(), title: None },
            LinkTarget::SelfAnchor(a) => Resolved::Href { href: format!("#{a}"), title: None },
            LinkTarget::Path { path, .. } => Resolved::Href { href: path.clone(), title: None },
            _ => Resolved::Broken,
        }
    }

    #[test]
    fn code_without_an_info_string_names_no_language() {
        let html =
            render("    indented\n\n```\nbare fence\n```\n\n```rust,ignore\nfn main() {}\n```\n", &resolve_as_written, &no_clause, true);
        assert!(html.contains("<pre class=\"code\"><code>indented\n</code></pre>"), "{html}");
        assert!(html.contains("<pre class=\"code\"><code>bare fence\n</code></pre>"), "{html}");
        assert!(html.contains("<code class=\"language-rust\">"), "{html}");
        assert!(!html.contains("language-\""), "an empty language class: {html}");
    }

    #[test]
    fn email_autolinks_link_to_the_address() {
        for allow_html in [true, false] {
            let html = render("Write to <dpo@example.org>.\n", &resolve_as_written, &no_clause, allow_html);
            assert!(html.contains("<a href=\"mailto:dpo@example.org\">dpo@example.org</a>"), "{html}");
            assert!(!html.contains("mailto:mailto:"), "{html}");
        }
        let info = analyze("<dpo@example.org>\n", 1, &no_clause);
        assert_eq!(info.links[0].target, LinkTarget::External("mailto:dpo@example.org".into()));
    }

    #[test]
    fn sanitising_raw_html_keeps_the_renderers_own_markup() {
        let body = "## Scope\n\n<b>raw</b>\n\n| Left | Centre | Right |\n| :--- | :----: | ----: |\n| a | b | c |\n\n- [x] done\n";
        let clean = render(body, &resolve_as_written, &no_clause, false);
        let trusted = render(body, &resolve_as_written, &no_clause, true);
        assert!(
            clean.contains("<a class=\"anchor\" href=\"#scope\" aria-label=\"Link to this section\">#</a>"),
            "the permalink keeps its accessible name: {clean}"
        );
        for align in ["left", "center", "right"] {
            let style = format!("style=\"text-align: {align}\"");
            assert_eq!(clean.matches(&style).count(), 2, "header and body cell keep {style}: {clean}");
            assert_eq!(trusted.matches(&style).count(), 2, "{trusted}");
        }
        assert!(clean.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\">"), "{clean}");
        // Raw HTML gets no more than the renderer's own markup: any other cell style goes.
        let hostile = render(
            "<table><tr><td style=\"position: fixed; inset: 0\">x</td><td style=\"text-align: left; color: red\">y</td></tr></table>\n",
            &resolve_as_written,
            &no_clause,
            false,
        );
        assert!(!hostile.contains("style"), "{hostile}");
    }

    #[test]
    fn footnotes_meet_at_one_id_per_document() {
        // Two documents on the printable manual's page: each footnote links to its own document's
        // definition, and a label written in another case is the same footnote.
        let body = "Claim[^Src].\n\nAgain[^src].\n\n<b>raw</b>\n\n[^src]: Source.\n";
        let a = render_with_prefix(body, &resolve_as_written, &no_clause, false, "doc-a-");
        let b = render_with_prefix(body, &resolve_as_written, &no_clause, false, "doc-b-");
        for (html, prefix) in [(&a, "doc-a-"), (&b, "doc-b-")] {
            assert_eq!(html.matches(&format!("<a href=\"#{prefix}fn-src\">1</a>")).count(), 2, "{html}");
            assert!(
                html.contains(&format!(
                    "<section class=\"footnotes\" aria-label=\"Footnotes\">\n<div class=\"footnote-definition\" id=\"{prefix}fn-src\">"
                )),
                "{html}"
            );
        }
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let html = highlight("key: value\n", "yaml");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
        let plain = highlight("<b>\n", "nosuchlang");
        assert!(plain.contains("&lt;b&gt;"));
    }
}

#[cfg(test)]
mod contrast_tests {
    use super::*;
    use syntect::highlighting::Color;

    fn hex(s: &str) -> Color {
        let v = |i: usize| u8::from_str_radix(&s[i..i + 2], 16).unwrap();
        Color { r: v(0), g: v(2), b: v(4), a: if s.len() == 8 { v(6) } else { 255 } }
    }

    /// Every text colour of both generated stylesheets reaches 4.5:1 against the code block's
    /// background, which is what axe-core checks in the browser.
    #[test]
    fn highlight_stylesheets_meet_wcag_aa_contrast() {
        let (light, dark) = highlight_css();
        for css in [light, dark] {
            let bg = css.split("background-color: #").nth(1).map(|t| hex(&t[..6])).expect("the stylesheet sets the block background");
            let value = |rule: &str, prop: &str| rule.split(prop).nth(1).map(|t| hex(t.split(';').next().unwrap().trim()));
            let mut checked = 0;
            for rule in css.split('}') {
                let Some(fg) = value(rule, "\n color: #") else { continue };
                // A rule with its own background (e.g. invalid code) is read against that.
                let under = value(rule, "background-color: #").map_or(bg, |b| blend(b, bg));
                let ratio = contrast(blend(fg, under), under);
                assert!(ratio >= 4.5, "{fg:?} on {under:?}: {ratio:.2}:1 in\n{rule}");
                checked += 1;
            }
            assert!(checked > 10, "{css}");
        }
    }

    #[test]
    fn a_legible_colour_is_left_alone_and_a_faint_one_darkened() {
        let white = Color::WHITE;
        assert_eq!(with_contrast(hex("1f2328"), white), hex("1f2328"));
        let fixed = with_contrast(hex("969896"), white);
        assert!(contrast(fixed, white) >= MIN_CONTRAST && luminance(fixed) < luminance(hex("969896")));
        let on_dark = with_contrast(hex("65737e"), hex("2b303b"));
        assert!(contrast(on_dark, hex("2b303b")) >= MIN_CONTRAST && luminance(on_dark) > luminance(hex("65737e")));
    }
}
