//! Diagnostics point at the line where the offending key is written, whatever YAML layout the
//! file uses: the lines come from the YAML parser's own positions (src/yaml.rs), not from
//! scanning the text. The fixture `yaml-layouts` (another organisation, content folder
//! `manual/`) writes front matter, a register and a crosswalk in flow style, with block
//! scalars, comments and nested mappings that read like keys, and quoted keys; the old text
//! scanners reported 7 of its 9 findings on the wrong line.
//!
//! Run: `cargo test --test yaml_positions`.

mod common;

use aimsbook::parse::schemas::Schemas;
use aimsbook::source::{SourceFile, SourceKind};
use common::*;
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// (code, file, line) of every finding in tests/fixtures/yaml-layouts, with the line a user sees.
const EXPECTED: &[(&str, &str, u64)] = &[
    // The second mapping of a flow sequence spans lines 8-11; `to: "Art.999"` is on line 9.
    ("XWK001", "crosswalk/eu-ai-act.yaml", 9),
    // A block mapping whose rationale (a block scalar) contains `from: "5.2"`: its `from` line.
    ("XWK001", "crosswalk/eu-ai-act.yaml", 12),
    // Front matter written as one flow mapping, after a comment reading `# status: approved`.
    ("DC002", "manual/boarding-policy.md", 6),
    // A history entry in flow style over three lines: its `date` is on line 22 (the block
    // scalar of the entry before it holds the text `date: 2026-99-99`).
    ("DC003", "manual/pilot-transfer.md", 22),
    // A quoted key containing `: `.
    ("DC019", "manual/pilot-transfer.md", 23),
    // `meta` has a nested mapping with its own `document` (line 5) before meta's `document`.
    ("REG003", "manual/registers/pilotage-risks.yaml", 7),
    // A row in flow style over three lines: the `score` is on its third line.
    ("REG008", "manual/registers/pilotage-risks.yaml", 12),
    // A block row whose block scalar reads `status: unknown…` and whose nested mapping has its
    // own `status`: the row's quoted `"status"` key.
    ("REG005", "manual/registers/pilotage-risks.yaml", 22),
    // A flow row whose `status` is on its third line.
    ("REG005", "manual/registers/pilotage-risks.yaml", 25),
];

fn findings(root: &Path) -> Vec<(String, String, u64)> {
    let (rc, diags) = check_json(root, &[]);
    assert_eq!(rc, 1, "the fixture has errors:\n{}", show(&diags));
    let mut got: Vec<_> = diags.iter().map(|d| (d.code.clone(), d.file.clone(), d.line)).collect();
    got.sort();
    got
}

fn expected() -> Vec<(String, String, u64)> {
    let mut want: Vec<_> = EXPECTED.iter().map(|(c, f, l)| (c.to_string(), f.to_string(), *l)).collect();
    want.sort();
    want
}

#[test]
fn flow_style_block_scalars_comments_and_quoted_keys_are_reported_on_their_lines() {
    assert_eq!(findings(&fixture("yaml-layouts")), expected());
}

#[test]
fn crlf_files_are_reported_on_the_same_lines() {
    let (_dir, repo) = temp_copy("yaml-layouts");
    fn to_crlf(dir: &Path) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                to_crlf(&path);
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("md" | "yaml")) {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(!text.contains('\r'));
                std::fs::write(&path, text.replace('\n', "\r\n")).unwrap();
            }
        }
    }
    to_crlf(&repo);
    assert_eq!(findings(&repo), expected());
}

// ---- Property: the line reported for a key is the line the key is written on ----

static SCHEMAS: LazyLock<Schemas> =
    LazyLock::new(|| Schemas::load(Path::new("/nonexistent/aimsbook-yaml-positions")).expect("built-in schemas compile"));

fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases);
    Config { cases, failure_persistence: None, ..Config::default() }
}

#[derive(Debug, Clone)]
enum Layout {
    /// `- id: A` then one field per line.
    Block,
    /// `- {id: A, status: open}` on one line.
    FlowLine,
    /// `- {id: A,` then one field per line, `}` after the last.
    FlowLines,
}

#[derive(Debug, Clone)]
struct Field {
    /// Index into FIELD_NAMES.
    name: usize,
    /// 0 plain, 1 single-quoted, 2 double-quoted key.
    quote: u8,
    /// A comment line reading `# status: x` before the field (block rows).
    comment_before: bool,
    /// The value is a block scalar whose text reads like fields and rows (block rows, text fields).
    block_scalar: bool,
}

#[derive(Debug, Clone)]
struct RowSpec {
    layout: Layout,
    fields: Vec<Field>,
    /// A nested mapping that repeats `status` and `id`, block or flow.
    nested: Option<bool>,
}

const FIELD_NAMES: &[&str] = &["id", "title", "status", "owner", "treatment"];

fn field() -> impl Strategy<Value = Field> {
    (0..FIELD_NAMES.len(), 0u8..3, any::<bool>(), any::<bool>()).prop_map(|(name, quote, comment_before, block_scalar)| Field {
        name,
        quote,
        comment_before,
        block_scalar,
    })
}

fn row() -> impl Strategy<Value = RowSpec> {
    (
        prop_oneof![Just(Layout::Block), Just(Layout::FlowLine), Just(Layout::FlowLines)],
        prop::collection::vec(field(), 1..5),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(layout, mut fields, nested)| {
            // One key per name (YAML refuses duplicate keys).
            let mut seen = std::collections::BTreeSet::new();
            fields.retain(|f| seen.insert(f.name));
            RowSpec { layout, fields, nested }
        })
}

fn key_text(name: &str, quote: u8) -> String {
    match quote {
        1 => format!("'{name}'"),
        2 => format!("\"{name}\""),
        _ => name.to_string(),
    }
}

/// For each row: the line of the row and the line of each of its keys.
type ExpectedLines = Vec<(usize, Vec<(String, usize)>)>;

/// A data file with the given rows, and where each row and key is written.
fn write_register(rows: &[RowSpec], list_indent: usize, document_marker: bool, crlf: bool) -> (String, ExpectedLines) {
    let mut lines: Vec<String> = Vec::new();
    if document_marker {
        lines.push("---".into());
    }
    lines.push("# risks: not yet; meta comes first".into());
    lines.push("meta:".into());
    lines.push("  document: REG-9".into());
    lines.push("risks:".into());
    let pad = " ".repeat(list_indent);
    let inner = " ".repeat(list_indent + 2);
    let mut expected = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let mut keys = Vec::new();
        let value = |name: &str| if name == "id" { format!("R-{r}") } else { format!("v{r}") };
        match row.layout {
            Layout::Block => {
                let mut first = true;
                let mut row_line = 0;
                for f in &row.fields {
                    let name = FIELD_NAMES[f.name];
                    if f.comment_before && !first {
                        lines.push(format!("{inner}# {name}: commented out"));
                    }
                    let lead = if first { format!("{pad}- ") } else { inner.clone() };
                    let text = name != "id" && f.block_scalar;
                    let written = if text { "|".to_string() } else { value(name) };
                    lines.push(format!("{lead}{}: {written}", key_text(name, f.quote)));
                    if first {
                        row_line = lines.len();
                    }
                    keys.push((name.to_string(), lines.len()));
                    if text {
                        lines.push(format!("{inner}  status: looks like a field"));
                        lines.push(format!("{inner}  - id: looks like a row"));
                    }
                    first = false;
                }
                if let Some(block) = row.nested {
                    if block {
                        lines.push(format!("{inner}extra:"));
                        lines.push(format!("{inner}  status: nested"));
                        lines.push(format!("{inner}  id: nested"));
                    } else {
                        lines.push(format!("{inner}extra: {{status: nested, id: nested}}"));
                    }
                }
                expected.push((row_line, keys));
            }
            Layout::FlowLine => {
                let mut parts: Vec<String> = row
                    .fields
                    .iter()
                    .map(|f| format!("{}: {}", key_text(FIELD_NAMES[f.name], f.quote), value(FIELD_NAMES[f.name])))
                    .collect();
                if row.nested.is_some() {
                    parts.push("extra: {status: nested, id: nested}".into());
                }
                lines.push(format!("{pad}- {{{}}}", parts.join(", ")));
                let line = lines.len();
                expected.push((line, row.fields.iter().map(|f| (FIELD_NAMES[f.name].to_string(), line)).collect()));
            }
            Layout::FlowLines => {
                let mut row_line = 0;
                let n = row.fields.len();
                for (i, f) in row.fields.iter().enumerate() {
                    let name = FIELD_NAMES[f.name];
                    let lead = if i == 0 { format!("{pad}- {{") } else { format!("{inner} ") };
                    let close = if i + 1 == n && row.nested.is_none() { "}" } else { "," };
                    lines.push(format!("{lead}{}: {}{close}", key_text(name, f.quote), value(name)));
                    if i == 0 {
                        row_line = lines.len();
                    }
                    keys.push((name.to_string(), lines.len()));
                }
                if row.nested.is_some() {
                    lines.push(format!("{inner}  extra: {{status: nested,"));
                    lines.push(format!("{inner}    id: nested}}}}"));
                }
                expected.push((row_line, keys));
            }
        }
    }
    let newline = if crlf { "\r\n" } else { "\n" };
    (lines.join(newline) + newline, expected)
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn the_line_of_every_row_and_field_is_where_it_is_written(
        rows in prop::collection::vec(row(), 1..5),
        list_indent in prop_oneof![Just(0usize), Just(2), Just(4)],
        document_marker in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        let (text, expected) = write_register(&rows, list_indent, document_marker, crlf);
        let file = SourceFile {
            rel: "risks.yaml".into(),
            repo_rel: "manual/risks.yaml".into(),
            abs: PathBuf::from("risks.yaml"),
            kind: SourceKind::Data,
            symlink: false,
            text: text.clone().into(),
        };
        let (data, diags) = aimsbook::parse::data::parse_data_file(&file, &SCHEMAS);
        let data = data.unwrap_or_else(|| panic!("not parsed: {diags:?}\n{text}"));
        prop_assert_eq!(data.rows.len(), expected.len(), "{}", text);
        for (row, (row_line, keys)) in data.rows.iter().zip(&expected) {
            prop_assert_eq!(row.line, *row_line, "row {} in\n{}", row.position, text);
            for (key, line) in keys {
                prop_assert_eq!(row.line_of(key), *line, "`{}` of row {} in\n{}", key, row.position, text);
            }
        }
        prop_assert_eq!(data.meta_line("document"), if document_marker { 4 } else { 3 });
    }
}

/// The fields of a front matter, each with its YAML value.
const FRONT_MATTER: &[(&str, &str)] = &[
    ("id", "GEN-001"),
    ("title", "\"Generated\""),
    ("type", "procedure"),
    ("owner", "\"Owner\""),
    ("approver", "\"Approver\""),
    ("version", "\"1.0\""),
    ("status", "approved"),
    ("approved", "2026-01-10"),
    ("review_due", "2027-01-10"),
    ("classification", "internal"),
    ("clauses", "[\"8.1\"]"),
];

proptest! {
    #![proptest_config(config(128))]

    /// Front matter as block or flow mapping, keys in any order and quoting, comments reading
    /// like keys in between, a history with a block-scalar summary: every key's line is its
    /// own, and an invalid `status` is reported there.
    #[test]
    fn the_line_of_every_front_matter_key_is_where_it_is_written(
        order in Just((0..FRONT_MATTER.len()).collect::<Vec<_>>()).prop_shuffle(),
        quotes in prop::collection::vec(0u8..3, FRONT_MATTER.len()),
        comments in prop::collection::vec(any::<bool>(), FRONT_MATTER.len()),
        flow in any::<bool>(),
        bad_status in any::<bool>(),
        history_at in 0..FRONT_MATTER.len(),
    ) {
        let mut lines = vec!["---".to_string()];
        let mut expected = Vec::new();
        let mut history_lines = Vec::new();
        let n = order.len();
        for (i, &f) in order.iter().enumerate() {
            let (name, mut value) = FRONT_MATTER[f];
            if name == "status" && bad_status {
                value = "aproved";
            }
            if comments[f] {
                lines.push(format!("# {name}: {value}"));
            }
            let key = key_text(name, quotes[f]);
            if flow {
                let lead = if i == 0 { "{" } else { " " };
                let close = if i + 1 == n { "}" } else { "," };
                lines.push(format!("{lead}{key}: {value}{close}"));
            } else {
                lines.push(format!("{key}: {value}"));
            }
            expected.push((name, lines.len()));
            if !flow && i == history_at {
                lines.push("history:".into());
                expected.push(("history", lines.len()));
                lines.push("  - version: \"1.0\"".into());
                history_lines.push(lines.len());
                lines.push("    summary: |".into());
                lines.push("      status: draft (text, not a field)".into());
                lines.push("      - version: \"0.9\" (text, not an entry)".into());
                lines.push("    date: 2026-01-10".into());
                lines.push("    author: \"A\"".into());
            }
        }
        lines.push("---".into());
        lines.push(String::new());
        lines.push("# Generated".into());
        let text = lines.join("\n") + "\n";
        let file = SourceFile {
            rel: "gen.md".into(),
            repo_rel: "manual/gen.md".into(),
            abs: PathBuf::from("gen.md"),
            kind: SourceKind::Document,
            symlink: false,
            text: text.clone().into(),
        };
        let parsed = aimsbook::parse::parse_document(&file, &SCHEMAS, &|_| true);
        let doc = parsed.document.as_ref().unwrap_or_else(|| panic!("not parsed: {:?}\n{text}", parsed.diagnostics));
        for (name, line) in &expected {
            prop_assert_eq!(doc.line_of(name), *line, "`{}` in\n{}", name, text);
        }
        let entries: Vec<usize> = doc.history.iter().map(|h| h.line).collect();
        prop_assert_eq!(entries, history_lines, "{}", text);
        let status_line = expected.iter().find(|(n, _)| *n == "status").map(|(_, l)| *l);
        let dc002: Vec<usize> = parsed.diagnostics.iter().filter(|d| d.code == aimsbook::diagnostics::Code::DC002).map(|d| d.line).collect();
        prop_assert_eq!(dc002, if bad_status { status_line.into_iter().collect() } else { Vec::new() }, "{}", text);
    }
}
