//! HTML escaping of what templates print: exactly `&`, `<`, `>`, `"` and `'`, which is all that
//! text and quoted attribute values need. minijinja's own HTML escaper also writes every `/` as
//! `&#x2f;`: 6 bytes for 1, in every link of every page (about a tenth of a document page).

use minijinja::value::ValueKind;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, State, Value};

/// Makes `env` print values with [`formatter`] and gives it the same `escape` (`e`) filter.
pub(super) fn install(env: &mut Environment<'_>) {
    env.set_formatter(formatter);
    env.add_filter("escape", escape_filter);
    env.add_filter("e", escape_filter);
}

/// What `{{ value }}` prints: in HTML auto-escaping, text (and anything printed as text, such
/// as a list) escaped by [`html_escape::encode_quoted_attribute`]; safe strings, numbers,
/// booleans and none, and every other escaping mode, as minijinja prints them.
fn formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    let as_minijinja = value.is_safe()
        || !matches!(state.auto_escape(), AutoEscape::Html)
        || matches!(value.kind(), ValueKind::Undefined | ValueKind::None | ValueKind::Bool | ValueKind::Number);
    if as_minijinja {
        return minijinja::escape_formatter(out, state, value);
    }
    let escaped = match value.as_str() {
        Some(text) => html_escape::encode_quoted_attribute(text),
        None => html_escape::encode_quoted_attribute(&value.to_string()).into_owned().into(),
    };
    out.write_str(&escaped).map_err(|e| Error::new(ErrorKind::WriteFailure, "cannot write the page").with_source(e))
}

/// The `escape` (`e`) filter with the escaping of [`formatter`].
fn escape_filter(value: Value) -> Value {
    if value.is_safe() {
        return value;
    }
    let text = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
    Value::from_safe_string(html_escape::encode_quoted_attribute(&text).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
    use minijinja::context;
    use std::cell::RefCell;

    /// The start tags (name, attributes) and the text of an HTML fragment, as a browser's
    /// tokenizer reads them (character references decoded).
    #[derive(Default)]
    struct Read {
        tags: Vec<(String, Vec<(String, String)>)>,
        text: String,
    }

    struct Sink(RefCell<Read>);

    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            let mut read = self.0.borrow_mut();
            match token {
                Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                    let attrs = tag.attrs.iter().map(|a| (a.name.local.to_string(), a.value.to_string())).collect();
                    read.tags.push((tag.name.to_string(), attrs));
                }
                Token::CharacterTokens(t) => read.text.push_str(&t),
                _ => {}
            }
            TokenSinkResult::Continue
        }
    }

    fn read(html: &str) -> Read {
        let input = BufferQueue::default();
        input.push_back(StrTendril::from_slice(html));
        let tokenizer = Tokenizer::new(Sink(RefCell::new(Read::default())), TokenizerOpts::default());
        let _ = tokenizer.feed(&input);
        tokenizer.end();
        tokenizer.sink.0.into_inner()
    }

    fn render(template: &str, ctx: Value) -> String {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        install(&mut env);
        env.render_str(template, ctx).unwrap()
    }

    const HOSTILE: &str = "\"><script>alert('x & y')</script><a title='";

    #[test]
    fn hostile_text_stays_text_in_attributes_of_either_quote_and_in_elements() {
        let url = "../doc/POL-001.html?a=1&b=2#x";
        let html = render(
            "<a href=\"{{ url }}\" title=\"{{ t }}\" data-single='{{ t }}' data-bare=x>{{ t }}</a><i>{{ t|e }}</i>",
            context! { url => url, t => HOSTILE },
        );
        let read = read(&html);
        // Two elements, no script: every value came back as the text it was.
        assert_eq!(read.tags.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["a", "i"], "{html}");
        let attrs = &read.tags[0].1;
        let attr = |name: &str| attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert_eq!(attr("href"), Some(url));
        assert_eq!(attr("title"), Some(HOSTILE));
        assert_eq!(attr("data-single"), Some(HOSTILE));
        assert_eq!(attr("data-bare"), Some("x"));
        assert_eq!(read.text, format!("{HOSTILE}{HOSTILE}"));
        // Exactly the five characters are escaped; `/` is written as it is.
        assert!(html.contains("href=\"../doc/POL-001.html?a=1&amp;b=2#x\""), "{html}");
        assert!(html.contains("&quot;&gt;&lt;script&gt;alert(&#x27;x &amp; y&#x27;)&lt;/script&gt;&lt;a title=&#x27;"), "{html}");
        assert!(!html.contains("&#x2f;"), "{html}");
    }

    #[test]
    fn other_values_print_as_minijinja_prints_them_and_safe_strings_unescaped() {
        let ctx = context! { n => 42, f => 1.5, b => true, none => (), safe => Value::from_safe_string("<b>/ok</b>".into()) };
        let template = "{{ n }}|{{ f }}|{{ b }}|{{ none }}|{{ safe }}|{{ safe|e }}|{{ 3 / 2 }}";
        let mut plain = Environment::new();
        plain.set_auto_escape_callback(|_| AutoEscape::Html);
        assert_eq!(render(template, ctx.clone()), plain.render_str(template, ctx).unwrap());
        assert_eq!(
            render(template, context! { n => 42, f => 1.5, b => true, none => (), safe => Value::from_safe_string("<b>/ok</b>".into()) }),
            "42|1.5|True|None|<b>/ok</b>|<b>/ok</b>|1.5"
        );
        // A list prints as text, escaped like text.
        assert_eq!(render("{{ list }}", context! { list => vec!["a/b", "<x>"] }), "[&#x27;a/b&#x27;, &#x27;&lt;x&gt;&#x27;]");
    }
}
