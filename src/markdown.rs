//! Markdown stage: reads a document body with pulldown-cmark, twice in the pipeline.
//!
//! - [`analyze`] (parse stage) collects headings with their GitHub-style anchors and every link
//!   with its source line, so checks can validate links without rendering anything.
//! - [`render`] (render stage) produces the page HTML: links rewritten to the target pages,
//!   heading ids, fenced code highlighted by syntect as CSS classes, raw HTML sanitised.

use crate::model::{BodyLink, Heading, LinkTarget, Mention};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::sync::LazyLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Loaded once per process from syntect's packed dump: reloading it per page is the classic
/// slowdown of static-site generators.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

pub fn options() -> Options {
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
    pub mentions: Vec<Mention>,
    pub unclosed_fences: Vec<usize>,
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
pub fn classify(dest: &str, wiki: bool, is_clause: &dyn Fn(&str) -> bool) -> LinkTarget {
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

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
pub fn mention_candidates<'t>(text: &'t str) -> Vec<(usize, &'t str)> {
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
pub fn render_with_mentions(
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
                    Resolved::Broken => String::new(),
                };
                out_events.push(Event::Start(Tag::Image { link_type, dest_url: href.into(), title, id }));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(l) => l.split([' ', ',', '{']).next().unwrap_or("").to_string(),
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
                out_events.push(Event::Html("<div class=\"table-wrap\">".into()));
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
            other => out_events.push(other),
        }
    }
    // After the links were rewritten, so the mention links are not resolved a second time.
    let out_events = link_mentions(out_events, mention);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out_events.into_iter());
    if has_raw_html && !allow_html {
        sanitize(&html)
    } else {
        html
    }
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

/// Removes scripts, event handlers, iframes and unsafe URLs from HTML, keeping formatting,
/// classes and ids (the renderer's own markup).
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(None)
        .add_generic_attributes(["class", "id"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .clean(html)
        .to_string()
}

/// Highlights a fenced code block at build time as CSS classes (no inline colours), so the
/// light and dark stylesheets both apply.
pub fn highlight(code: &str, lang: &str) -> String {
    let ss = &*SYNTAXES;
    let syntax = if lang.is_empty() { None } else { ss.find_syntax_by_token(lang) };
    let lang_attr = html_escape::encode_double_quoted_attribute(lang);
    if let Some(syntax) = syntax {
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, ss, CLASS_STYLE);
        let mut ok = true;
        for line in LinesWithEndings::from(code) {
            if generator.parse_html_for_line_which_includes_newline(line).is_err() {
                ok = false;
                break;
            }
        }
        if ok {
            return format!("<pre class=\"code hl-code\"><code class=\"language-{lang_attr}\">{}</code></pre>\n", generator.finalize());
        }
    }
    format!("<pre class=\"code\"><code class=\"language-{lang_attr}\">{}</code></pre>\n", html_escape::encode_text(code))
}

/// The light and dark syntax-highlighting stylesheets, generated once per process.
pub static HIGHLIGHT_CSS: LazyLock<(String, String)> = LazyLock::new(highlight_css);

/// The light and dark syntax-highlighting stylesheets.
pub fn highlight_css() -> (String, String) {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let css = |name: &str| {
        themes.themes.get(name).and_then(|t| syntect::html::css_for_theme_with_class_style(t, CLASS_STYLE).ok()).unwrap_or_default()
    };
    (css("InspiredGitHub"), css("base16-ocean.dark"))
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

    #[test]
    fn code_is_highlighted_with_classes() {
        let html = highlight("key: value\n", "yaml");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
        let plain = highlight("<b>\n", "nosuchlang");
        assert!(plain.contains("&lt;b&gt;"));
    }
}
