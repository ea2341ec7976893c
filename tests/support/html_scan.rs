//! A small, forgiving HTML tag scanner for the security tests (tests/hostile.rs,
//! tests/properties.rs): it finds the tags a browser would see — text is never mistaken for a
//! tag because escaped text has no raw `<` — and reports markup that could run script.
//!
//! It is not a full HTML5 tokenizer; it follows the parts of the spec that matter here:
//! comments, raw-text elements (script, style), quoted and unquoted attribute values, and
//! character references in attribute values (decoded before URLs are judged).

#![allow(dead_code)]

/// One start tag: lower-case name, attributes (lower-case names, decoded values), and the
/// inline text of a `<script>` element.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub script_text: String,
    pub offset: usize,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Decodes the character references an attribute value may hide a URL scheme behind.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let named = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&apos;", '\''),
            ("&colon;", ':'),
            ("&tab;", '\t'),
            ("&newline;", '\n'),
        ];
        if let Some((n, c)) = named.iter().find(|(n, _)| rest.get(..n.len()).is_some_and(|r| r.eq_ignore_ascii_case(n))) {
            out.push(*c);
            rest = &rest[n.len()..];
            continue;
        }
        if let Some(num) = rest.strip_prefix("&#") {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let len = digits.chars().take_while(|c| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() }).count();
            if len > 0 {
                let value = u32::from_str_radix(&digits[..len.min(8)], if hex { 16 } else { 10 }).unwrap_or(0xFFFD);
                out.push(char::from_u32(value).unwrap_or('\u{FFFD}'));
                let consumed = 2 + usize::from(hex) + len;
                rest = &rest[consumed..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

/// Every start tag of `html`, in order.
pub fn tags(html: &str) -> Vec<Tag> {
    let lower = html.to_ascii_lowercase();
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if lower[i..].starts_with("<!--") {
            i = lower[i + 4..].find("-->").map(|p| i + 4 + p + 3).unwrap_or(b.len());
            continue;
        }
        let start = i;
        i += 1;
        let closing = i < b.len() && b[i] == b'/';
        if closing {
            i += 1;
        }
        let name_start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
            i += 1;
        }
        if i == name_start || !b[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = lower[name_start..i].to_string();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() {
                break;
            }
            if b[i] == b'>' {
                i += 1;
                break;
            }
            let an_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            if i == an_start {
                // A lone '=' starts an attribute name in HTML5; take it as part of the name.
                i += 1;
                continue;
            }
            let an = lower[an_start..i].to_string();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let vs = i + 1;
                    let ve = b[vs..].iter().position(|c| *c == q).map(|p| vs + p).unwrap_or(b.len());
                    value = html[vs..ve].to_string();
                    i = (ve + 1).min(b.len());
                } else {
                    let vs = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = html[vs..i].to_string();
                }
            }
            attrs.push((an, decode_entities(&value)));
        }
        if closing {
            continue;
        }
        let mut script_text = String::new();
        if name == "script" || name == "style" {
            let end_tag = format!("</{name}");
            let end = lower[i..].find(&end_tag).map(|p| i + p).unwrap_or(b.len());
            if name == "script" {
                script_text = html[i..end].to_string();
            }
            i = end;
        }
        out.push(Tag { name, attrs, script_text, offset: start });
    }
    out
}

/// Attributes that hold a URL a browser may navigate to or load.
const URL_ATTRS: [&str; 9] = ["href", "src", "action", "formaction", "xlink:href", "poster", "background", "data", "srcset"];
/// Elements that embed other documents or change how the page's URLs resolve.
const FORBIDDEN_TAGS: [&str; 8] = ["iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"];

/// A URL attribute value as a browser reads its scheme: entities decoded (by [`tags`]),
/// ASCII whitespace and control characters removed, lower-cased.
pub fn dangerous_url(value: &str) -> bool {
    let v: String = value.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control()).collect::<String>().to_ascii_lowercase();
    v.starts_with("javascript:") || v.starts_with("vbscript:") || v.starts_with("data:") || v.starts_with("livescript:")
}

/// Everything in `html` that could run script: inline or foreign `<script>`, embedding
/// elements, event-handler attributes (except `allowed_handlers`, the theme's own), script
/// URLs and script in `style`. Each problem is described with its surroundings.
pub fn script_risks(html: &str, allowed_handlers: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let context = |t: &Tag| html[t.offset..].chars().take(120).collect::<String>();
    for t in tags(html) {
        if t.name == "script" {
            let src_ok = t.attr("src").is_some_and(|s| {
                let s = s.trim_start_matches("../");
                s.starts_with("static/") || s == "/__aimsbook/live.js"
            });
            if !src_ok || !t.script_text.trim().is_empty() {
                problems.push(format!("script element: {}", context(&t)));
            }
        }
        if FORBIDDEN_TAGS.contains(&t.name.as_str()) || t.name == "meta" && t.attr("http-equiv").is_some() {
            problems.push(format!("<{}> element: {}", t.name, context(&t)));
        }
        for (name, value) in &t.attrs {
            if name.starts_with("on") && !allowed_handlers.contains(&value.as_str()) {
                problems.push(format!("event handler `{name}`: {}", context(&t)));
            }
            if URL_ATTRS.contains(&name.as_str()) && dangerous_url(value) {
                problems.push(format!("script URL in `{name}`: {}", context(&t)));
            }
            if name == "style" && (value.to_ascii_lowercase().contains("javascript:") || value.to_ascii_lowercase().contains("expression("))
            {
                problems.push(format!("script in style: {}", context(&t)));
            }
            if name == "srcdoc" {
                problems.push(format!("srcdoc: {}", context(&t)));
            }
        }
    }
    if html.to_ascii_lowercase().contains("<script") && problems.is_empty() {
        // Every `<script` must be one of the theme's external scripts, found above.
        let scripts = tags(html).iter().filter(|t| t.name == "script").count();
        let raw = html.to_ascii_lowercase().matches("<script").count();
        if raw != scripts {
            problems.push(format!("{raw} `<script` sequences but {scripts} script elements"));
        }
    }
    problems
}
