//! Shorter highlighted code: syntect writes a class for every atom of every scope of a token
//! (`<span class="hl-string hl-unquoted hl-plain hl-out hl-yaml">`), while the highlighting
//! stylesheets (generated from two syntect themes) select by a few of them. [`prune`] keeps on
//! each span only the classes of the stylesheets' compound selectors (`.hl-constant.hl-numeric`)
//! that the span matches, and drops a span left without a class. Same colours by construction:
//! the stylesheets' selectors are compounds of these classes joined by descendant combinators,
//! so a compound matches a pruned span exactly when it matched the span before (its classes are
//! all kept, and none is added); a span without a class matches no selector, so whatever is
//! inside it inherits the same values without it, and it is no ancestor a selector could need.
//! About half the bytes of a highlighted block.

use super::markdown::{highlight_themes, CLASS_PREFIX};
use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

/// The compound selectors of both highlighting stylesheets.
static COMPOUNDS: LazyLock<Compounds> = LazyLock::new(|| Compounds::new(compounds()));

/// Compound selectors, each a set of class names, found by their first class (in byte order):
/// a span's compounds are then looked up from its own few classes.
struct Compounds {
    by_first: HashMap<String, Vec<Vec<String>>>,
}

impl Compounds {
    fn new(sets: Vec<BTreeSet<String>>) -> Compounds {
        let mut by_first: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        for set in sets {
            let classes: Vec<String> = set.into_iter().collect();
            if let Some(first) = classes.first() {
                by_first.entry(first.clone()).or_default().push(classes);
            }
        }
        Compounds { by_first }
    }

    /// The classes of `classes` (a span's class attribute) that some compound selector uses
    /// whole, in their order.
    fn kept<'a>(&self, classes: &'a str) -> Vec<&'a str> {
        let have: Vec<&str> = classes.split_ascii_whitespace().collect();
        let mut used: Vec<&str> = Vec::new();
        for class in &have {
            for compound in self.by_first.get(*class).into_iter().flatten() {
                if compound.iter().all(|c| have.contains(&c.as_str())) {
                    used.extend(compound.iter().map(String::as_str));
                }
            }
        }
        have.into_iter().filter(|c| used.contains(c)).collect()
    }
}

/// The compound selectors the highlighting stylesheets are made of: every scope of every
/// selector of every rule of the themes, as `syntect::html::css_for_theme_with_class_style`
/// writes it (`string.regexp` → `.hl-string.hl-regexp`).
fn compounds() -> Vec<BTreeSet<String>> {
    let mut out: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    for theme in highlight_themes().into_iter().flatten() {
        for item in &theme.scopes {
            for selector in &item.scope.selectors {
                for scope in selector.extract_scopes() {
                    out.insert(scope.build_string().split('.').map(|atom| format!("{CLASS_PREFIX}{atom}")).collect());
                }
            }
        }
    }
    out.into_iter().collect()
}

/// syntect's classed spans (`<span class="…">`, `</span>` and escaped text, nothing else) with
/// only the classes the highlighting stylesheets can match. Anything else is returned as it is.
pub(crate) fn prune(spans: &str) -> String {
    prune_with(spans, &COMPOUNDS)
}

fn prune_with(spans: &str, compounds: &Compounds) -> String {
    const OPEN: &str = "<span class=\"";
    const CLOSE: &str = "</span>";
    let mut out = String::with_capacity(spans.len());
    // Per open span: whether it was written (so its end tag is too).
    let mut written: Vec<bool> = Vec::new();
    let mut rest = spans;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix(CLOSE) {
            let Some(was_written) = written.pop() else { return spans.to_string() };
            if was_written {
                out.push_str(CLOSE);
            }
            rest = after;
        } else if let Some((classes, after)) = rest.strip_prefix(OPEN).and_then(|r| r.split_once("\">")) {
            let keep = compounds.kept(classes);
            written.push(!keep.is_empty());
            if !keep.is_empty() {
                out.push_str(OPEN);
                out.push_str(&keep.join(" "));
                out.push_str("\">");
            }
            rest = after;
        } else {
            return spans.to_string();
        }
    }
    out.push_str(rest);
    if written.is_empty() {
        out
    } else {
        spans.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::markdown::{classed_spans, SYNTAXES};
    use super::*;

    /// One text character and the elements it is in, innermost last (their class sets).
    struct Char {
        c: char,
        ancestors: Vec<BTreeSet<String>>,
    }

    /// The characters of classed spans, each with the classes of the spans it is in.
    fn chars(spans: &str) -> Vec<Char> {
        let mut out = Vec::new();
        let mut open: Vec<BTreeSet<String>> = Vec::new();
        let mut rest = spans;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("</span>") {
                open.pop().expect("balanced spans");
                rest = after;
            } else if let Some(after) = rest.strip_prefix("<span class=\"") {
                let (classes, after) = after.split_once("\">").expect("a closed start tag");
                open.push(classes.split_whitespace().map(str::to_string).collect());
                rest = after;
            } else {
                let c = rest.chars().next().unwrap();
                assert_ne!(c, '<', "only spans in {spans}");
                out.push(Char { c, ancestors: open.clone() });
                rest = &rest[c.len_utf8()..];
            }
        }
        assert!(open.is_empty(), "balanced spans");
        out
    }

    /// A CSS selector: compounds (class sets) from the outermost to the innermost element.
    type Selector = Vec<BTreeSet<String>>;
    /// A rule of a theme: (theme, item) and its selectors.
    type Rule = ((usize, usize), Vec<Selector>);

    /// The rules of both themes as CSS selectors.
    fn rules() -> Vec<Rule> {
        let mut out = Vec::new();
        for (t, theme) in highlight_themes().into_iter().enumerate() {
            for (i, item) in theme.expect("the theme").scopes.iter().enumerate() {
                let selectors = item
                    .scope
                    .selectors
                    .iter()
                    .map(|s| {
                        s.extract_scopes()
                            .into_iter()
                            .map(|scope| scope.build_string().split('.').map(|a| format!("{CLASS_PREFIX}{a}")).collect())
                            .collect()
                    })
                    .collect();
                out.push(((t, i), selectors));
            }
        }
        out
    }

    /// Whether a descendant-combinator selector matches the innermost of `elements` (outermost
    /// first): its last compound on that element, the others in order on its ancestors.
    fn matches(selector: &[BTreeSet<String>], elements: &[BTreeSet<String>]) -> bool {
        let Some((last, before)) = selector.split_last() else { return false };
        let Some((element, ancestors)) = elements.split_last() else { return false };
        if !last.is_subset(element) {
            return false;
        }
        let mut need = before.iter().rev().peekable();
        for ancestor in ancestors.iter().rev() {
            if need.peek().is_some_and(|c| c.is_subset(ancestor)) {
                need.next();
            }
        }
        need.peek().is_none()
    }

    /// What decides a character's colours: along the elements it is in (outermost first), the
    /// rules matching each, leaving out elements that no rule matches (they change nothing).
    fn cascade(ch: &Char, rules: &[Rule]) -> Vec<Vec<(usize, usize)>> {
        (1..=ch.ancestors.len())
            .map(|depth| {
                let elements = &ch.ancestors[..depth];
                rules.iter().filter(|(_, sels)| sels.iter().any(|s| matches(s, elements))).map(|(id, _)| *id).collect::<Vec<_>>()
            })
            .filter(|matched| !matched.is_empty())
            .collect()
    }

    const SAMPLES: &[(&str, &str)] = &[
        ("yaml", "control: A.6.2.8\nthreshold: 54 # limit\nowner: \"ai-governance\"\nlist:\n  - &a x\n  - *a\n  - !!str 3\n"),
        ("rust", "/// Doc.\n#[derive(Debug)]\npub struct S<'a> { x: &'a str }\nfn main() { let n = 0x1f_u8 as i32; println!(\"{n}\\n\"); }\n"),
        ("python", "import re\n@dataclass\nclass A(B):\n    \"\"\"Doc.\"\"\"\n    def f(self, x=1.5):\n        return re.sub(r'[a-z]+\\d', f'{x!r}', None) # c\n"),
        ("json", "{\"a\": [1, 2.5e3, true, null], \"b\": {\"c\": \"d\\u00e9\"}}\n"),
        ("js", "const re = /ab+c/gi; class A extends B { async f() { return `t ${x}` ?? 0; } } // c\n"),
        ("html", "<!DOCTYPE html>\n<a href=\"x\" onclick='f()'>t&amp;</a><script>var x = 1;</script><style>p{color:red}</style>\n"),
        ("sql", "SELECT a, COUNT(*) FROM t WHERE b = 'x' AND c > 3 -- c\nGROUP BY a;\n"),
        ("sh", "#!/bin/sh\nfor f in *.md; do echo \"$f\" | grep -q x && exit 1; done # c\n"),
        ("diff", "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-old\n+new\n same\n"),
        ("markdown", "# T\n\n*e* **s** `c` [l](u)\n\n> q\n\n- i\n"),
        ("cpp", "#include <vector>\ntemplate<class T> int f(const T& t) { return static_cast<int>(t.size()); }\n"),
        ("css", "a:hover > .b #c { color: #fff !important; margin: 0 1em; }\n"),
        ("xml", "<?xml version=\"1.0\"?>\n<a b=\"c\"><![CDATA[x]]><!-- c --></a>\n"),
        ("java", "@Override public static <T> void f(List<T> x) throws E { int[] a = new int[3]; }\n"),
        ("go", "package main\nfunc f(x int) (string, error) { return fmt.Sprintf(\"%d\", x), nil }\n"),
        ("php", "<?php $a = ['k' => 1]; echo \"$a[k]\"; function f(): ?int { return null; }\n"),
    ];

    /// For code in many languages, every character keeps the very rules that colour it, element
    /// by element, and the markup gets smaller.
    #[test]
    fn pruned_spans_colour_every_character_as_the_full_spans_do() {
        let rules = rules();
        let (mut before, mut after) = (0, 0);
        for (lang, code) in SAMPLES {
            let syntax = SYNTAXES.find_syntax_by_token(lang).unwrap_or_else(|| panic!("syntect knows {lang}"));
            let full = classed_spans(code, syntax, &SYNTAXES).expect("highlighted");
            let pruned = prune(&full);
            let (a, b) = (chars(&full), chars(&pruned));
            assert_eq!(a.iter().map(|c| c.c).collect::<String>(), b.iter().map(|c| c.c).collect::<String>(), "{lang}: text");
            let mut coloured = 0;
            for (x, y) in a.iter().zip(&b) {
                let want = cascade(x, &rules);
                assert_eq!(cascade(y, &rules), want, "{lang}: {:?} in\n{full}\n{pruned}", x.c);
                coloured += usize::from(!want.is_empty());
            }
            assert!(coloured > 0, "{lang}: no character is coloured by a rule: {full}");
            before += full.len();
            after += pruned.len();
        }
        assert!(after * 10 < before * 7, "{before} → {after} bytes");
    }

    #[test]
    fn only_the_classes_of_matched_compounds_stay_and_empty_spans_go() {
        let compounds = Compounds::new(vec![
            ["hl-string"].map(String::from).into(),
            ["hl-constant", "hl-numeric"].map(String::from).into(),
            ["hl-entity", "hl-name", "hl-tag"].map(String::from).into(),
        ]);
        let spans = "<span class=\"hl-source hl-yaml\"><span class=\"hl-string hl-unquoted hl-yaml\">a &lt;b&gt;</span>: \
                     <span class=\"hl-constant hl-numeric hl-integer\">1</span><span class=\"hl-constant hl-language\">x</span>\n\
                     <span class=\"hl-entity hl-name\">y</span></span>";
        assert_eq!(
            prune_with(spans, &compounds),
            "<span class=\"hl-string\">a &lt;b&gt;</span>: <span class=\"hl-constant hl-numeric\">1</span>x\ny"
        );
        // Not syntect's markup: left alone.
        for odd in ["<b>x</b>", "<span class=\"hl-string\">x", "x</span>", "<span class=\"hl-string\">x</span></span>"] {
            assert_eq!(prune_with(odd, &compounds), odd);
        }
    }
}
