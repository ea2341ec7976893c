//! docs/themes.md tells theme authors what every template receives. This keeps it true: each
//! template of the built-in theme has a section there, and every top-level variable, function
//! and filter a template uses is listed, in its section, under "Every page" (page templates
//! only, not fragments or macro files) or under "Functions, filters and globals".
//! Variables come from MiniJinja's own parser (`Template::undeclared_variables`), filters from
//! the template tags; MiniJinja's built-in filters need no listing.

mod common;

use std::collections::{BTreeMap, BTreeSet};

fn crate_file(rel: &str) -> std::path::PathBuf {
    common::crate_root().join(rel)
}

/// The built-in theme's templates: file name → text.
fn templates() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(crate_file("themes/default/templates")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "html") {
            out.insert(p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap());
        }
    }
    out
}

/// What docs/themes.md lists.
#[derive(Debug, Default)]
struct Documented {
    /// "Every page".
    page: BTreeSet<String>,
    /// "Functions, filters and globals": name → kind column.
    functions: BTreeMap<String, String>,
    /// Per template: its variables, and whether it is a fragment or macro file (which do not
    /// receive the variables of every page).
    templates: BTreeMap<String, (BTreeSet<String>, bool)>,
}

fn parse_doc(text: &str) -> Documented {
    enum Section {
        Page,
        Functions,
        Template(String),
        Other,
    }
    let mut doc = Documented::default();
    let mut section = Section::Other;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            section = match h.strip_prefix('`').and_then(|h| h.split_once('`')) {
                Some((name, rest)) if name.ends_with(".html") => {
                    let own_context_only = rest.contains("fragment") || rest.contains("macros");
                    doc.templates.insert(name.to_string(), (BTreeSet::new(), own_context_only));
                    Section::Template(name.to_string())
                }
                _ => Section::Other,
            };
        } else if let Some(h) = line.strip_prefix("## ") {
            section = match h.trim() {
                "Every page" => Section::Page,
                "Functions, filters and globals" => Section::Functions,
                _ => Section::Other,
            };
        } else if let Some(row) = line.strip_prefix("| `") {
            let Some((name, rest)) = row.split_once('`') else { continue };
            let kind = rest.trim_start_matches(' ').trim_start_matches('|').split('|').next().unwrap_or("").trim().to_string();
            match &section {
                Section::Page => {
                    doc.page.insert(name.to_string());
                }
                Section::Functions => {
                    doc.functions.insert(name.to_string(), kind);
                }
                Section::Template(t) => {
                    doc.templates.get_mut(t).unwrap().0.insert(name.to_string());
                }
                Section::Other => {}
            }
        }
    }
    doc
}

/// The names after `|` inside `{{ … }}` and `{% … %}` tags: the filters a template applies.
fn filters_used(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = source;
    while let Some(open) = rest.find(['{']) {
        let after = &rest[open + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                rest = after;
                continue;
            }
        };
        let Some(end) = after.find(close) else { break };
        let tag = &after[1..end];
        for (i, _) in tag.match_indices('|') {
            let name: String = tag[i + 1..].trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
        rest = &after[end + close.len()..];
    }
    out
}

/// Whether MiniJinja itself knows the filter (an unknown one fails when it is applied; any other
/// failure, such as `length` of a number, means it exists).
fn builtin_filter(name: &str) -> bool {
    let env = minijinja::Environment::new();
    let source = format!("{{{{ x|{name} }}}}");
    let Ok(template) = env.template_from_str(&source) else { return false };
    match template.render(minijinja::context! { x => 1 }) {
        Ok(_) => true,
        Err(e) => e.kind() != minijinja::ErrorKind::UnknownFilter,
    }
}

/// Everything a template uses that the document does not list for it.
fn undocumented(doc: &Documented, name: &str, source: &str) -> Vec<String> {
    let mut env = minijinja::Environment::new();
    // Filters must exist to compile; aimsbook's own are registered as no-ops here, since only
    // the names matter.
    for f in filters_used(source) {
        if !builtin_filter(&f) {
            env.add_filter(f, |v: minijinja::Value| v);
        }
    }
    let template = match env.template_from_named_str(name, source) {
        Ok(t) => t,
        Err(e) => return vec![format!("does not compile: {e}")],
    };
    let Some((own, own_context_only)) = doc.templates.get(name) else {
        return vec!["has no section `### \\`NAME\\`` in docs/themes.md".into()];
    };
    let mut missing = Vec::new();
    for var in template.undeclared_variables(false) {
        let listed = own.contains(&var) || doc.functions.contains_key(&var) || !own_context_only && doc.page.contains(&var);
        if !listed {
            missing.push(format!("variable `{var}`"));
        }
    }
    for f in filters_used(source) {
        let listed = doc.functions.get(&f).is_some_and(|kind| kind.contains("filter"));
        if !listed && !builtin_filter(&f) {
            missing.push(format!("filter `{f}`"));
        }
    }
    missing.sort();
    missing
}

#[test]
fn every_template_variable_is_documented() {
    let doc = parse_doc(&std::fs::read_to_string(crate_file("docs/themes.md")).unwrap());
    let templates = templates();
    assert!(templates.len() > 20 && doc.templates.len() > 20, "the templates and their sections were found");
    let mut problems = Vec::new();
    for (name, source) in &templates {
        for p in undocumented(&doc, name, source) {
            problems.push(format!("{name}: {p}"));
        }
    }
    for name in doc.templates.keys() {
        if !templates.contains_key(name) {
            problems.push(format!("docs/themes.md documents {name}, which the theme does not have"));
        }
    }
    assert!(problems.is_empty(), "docs/themes.md is out of date:\n  {}", problems.join("\n  "));
}

/// The check itself notices what it should: an unlisted variable, a common variable used in a
/// fragment, an unlisted filter — and not a built-in filter or a listed name.
#[test]
fn the_check_finds_what_is_missing() {
    let doc = parse_doc(
        "## Every page\n\n| Variable | Shape | Meaning |\n|---|---|---|\n| `root` | text | prefix |\n\n\
         ## Functions, filters and globals\n\n| Name | Kind | Meaning |\n|---|---|---|\n| `t` | function | message |\n| `date` | filter | a date |\n\n\
         ## Page templates\n\n### `page.html`\n\n| Variable | Shape | Meaning |\n|---|---|---|\n| `docs` | list | documents |\n\n\
         ### `part.html` — fragment\n\n| Variable | Shape | Meaning |\n|---|---|---|\n| `doc` | map | a document |\n",
    );
    let page = "{% for d in docs %}<a href=\"{{ root }}{{ d.url }}\">{{ t('x') }} {{ d.due|date }} {{ docs|length }}</a>{% endfor %}";
    assert_eq!(undocumented(&doc, "page.html", page), Vec::<String>::new());
    assert_eq!(
        undocumented(&doc, "page.html", "{{ review_state }} {{ d|status_word }}"),
        ["filter `status_word`", "variable `d`", "variable `review_state`"]
    );
    assert_eq!(undocumented(&doc, "part.html", "{{ doc.id }} {{ root }}"), ["variable `root`"]);
    assert_eq!(undocumented(&doc, "other.html", "{{ x }}").len(), 1);
}
