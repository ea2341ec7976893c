//! `aimsbook approve`, which records an approval bound to content (the fingerprint:
//! [`crate::model::approval::fingerprint`]) by editing only the front-matter lines it must change — every other byte of the
//! file is kept as it was.

use crate::model::approval::fingerprint_in_site;
use crate::parse::document::{Document, Version};
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bump {
    Major,
    Minor,
    Patch,
}

pub(crate) fn bump(v: Option<Version>, how: Bump) -> Version {
    let v = v.unwrap_or(Version { major: 0, minor: 0, patch: None });
    match how {
        Bump::Major => Version { major: v.major + 1, minor: 0, patch: None },
        Bump::Minor => Version { major: v.major, minor: v.minor + 1, patch: None },
        Bump::Patch => Version { major: v.major, minor: v.minor, patch: Some(v.patch.unwrap_or(0) + 1) },
    }
}

/// What `approve` should record.
pub struct Approval {
    pub by: String,
    pub date: Date,
    pub summary: Option<String>,
    pub bump: Option<Bump>,
    pub review_due: Option<Date>,
    /// `--sign KEY`: an OpenSSH private key to sign the approval with (see [`crate::model::approval`]).
    pub sign: Option<std::path::PathBuf>,
}

/// Front-matter edits, line by line: the file's other bytes stay untouched, each line keeps
/// its own line ending, and new lines take the ending of the opening `---`.
struct FrontMatter {
    lines: Vec<String>,
    endings: Vec<&'static str>,
    /// Index of the closing `---` line.
    end: usize,
    newline: &'static str,
}

impl FrontMatter {
    fn parse(text: &str) -> Result<(FrontMatter, String), String> {
        let bom = if text.starts_with('\u{feff}') { "\u{feff}" } else { "" };
        let body_text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines: Vec<String> = Vec::new();
        let mut endings: Vec<&'static str> = Vec::new();
        let mut rest_start = None;
        let mut offset = 0;
        for (i, raw) in body_text.split_inclusive('\n').enumerate() {
            let ending = if raw.ends_with("\r\n") {
                "\r\n"
            } else if raw.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            let line = &raw[..raw.len() - ending.len()];
            // As source::split_front_matter: trailing blanks after a delimiter are allowed.
            if i == 0 && line.trim_end() != "---" {
                return Err("the file has no front matter".into());
            }
            lines.push(line.to_string());
            endings.push(ending);
            offset += raw.len();
            if i > 0 && matches!(line.trim_end(), "---" | "...") {
                rest_start = Some(offset);
                break;
            }
        }
        let Some(rest_start) = rest_start else { return Err("the front matter is never closed".into()) };
        let end = lines.len() - 1;
        let newline = if endings[0].is_empty() { "\n" } else { endings[0] };
        let rest = format!("{bom}\u{0}{}", &body_text[rest_start..]);
        Ok((FrontMatter { lines, endings, end, newline }, rest))
    }

    fn insert(&mut self, at: usize, line: String) {
        self.lines.insert(at, line);
        self.endings.insert(at, self.newline);
        if at <= self.end {
            self.end += 1;
        }
    }

    fn key_line(&self, key: &str) -> Option<usize> {
        (1..self.end).find(|&i| {
            let l = &self.lines[i];
            !l.starts_with([' ', '\t', '#', '-']) && l.split(':').next().map(|k| k.trim().trim_matches(['"', '\''])) == Some(key)
        })
    }

    /// Replaces `key: ...` (keeping a trailing comment and the spacing before it) or appends
    /// it before the closing line.
    fn set(&mut self, key: &str, value: &str) {
        match self.key_line(key) {
            Some(i) => {
                let comment = trailing_comment(&self.lines[i]).to_string();
                self.lines[i] = format!("{key}: {value}{comment}");
            }
            None => self.insert(self.end, format!("{key}: {value}")),
        }
    }

    /// Appends an entry to the `history` block list, matching its indentation.
    fn append_history(&mut self, entry: &[(&str, String)]) -> Result<(), String> {
        let Some(start) = self.key_line("history") else {
            let mut block = vec!["history:".to_string()];
            block.extend(entry_lines(entry, 2, 4));
            for l in block {
                self.insert(self.end, l);
            }
            return Ok(());
        };
        let after_colon = self.lines[start].split_once(':').map(|(_, v)| v.trim()).unwrap_or("");
        if after_colon == "[]" {
            self.lines[start] = "history:".into();
        } else if !after_colon.is_empty() && !after_colon.starts_with('#') {
            return Err("`history` is written in flow style ([...]); write it as a block list to let approve append to it".into());
        }
        let mut last = start;
        let mut item_indent = None;
        let mut field_indent = None;
        for i in start + 1..self.end {
            let l = &self.lines[i];
            if l.trim().is_empty() {
                continue;
            }
            let indent = l.len() - l.trim_start().len();
            let trimmed = l.trim_start();
            if indent == 0 && !trimmed.starts_with('-') {
                break;
            }
            if trimmed.starts_with("- ") || trimmed == "-" {
                item_indent.get_or_insert(indent);
                if field_indent.is_none() {
                    let after = trimmed[1..].trim_start();
                    field_indent = Some(indent + (trimmed.len() - after.len()));
                }
            }
            last = i;
        }
        let item = item_indent.unwrap_or(2);
        let field = field_indent.unwrap_or(item + 2);
        for (n, l) in entry_lines(entry, item, field).into_iter().enumerate() {
            self.insert(last + 1 + n, l);
        }
        Ok(())
    }

    fn render(&self, rest: &str) -> String {
        let (bom, body) = rest.split_once('\u{0}').unwrap_or(("", rest));
        let mut out = String::from(bom);
        for (l, ending) in self.lines.iter().zip(&self.endings) {
            out.push_str(l);
            out.push_str(ending);
        }
        out.push_str(body);
        out
    }
}

/// The trailing `# comment` of a YAML line with the whitespace before it, ignoring `#` inside
/// quotes ("Risk Committee #2") and `#` not preceded by whitespace.
fn trailing_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_space = false;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') if prev_space => {
                let start = line[..i].trim_end().len();
                return &line[start..];
            }
            _ => {}
        }
        prev_space = c == ' ' || c == '\t';
    }
    ""
}

fn entry_lines(entry: &[(&str, String)], item_indent: usize, field_indent: usize) -> Vec<String> {
    entry
        .iter()
        .enumerate()
        .map(
            |(i, (k, v))| {
                if i == 0 {
                    format!("{}- {k}: {v}", " ".repeat(item_indent))
                } else {
                    format!("{}{k}: {v}", " ".repeat(field_indent))
                }
            },
        )
        .collect()
}

/// `s` as a YAML double-quoted scalar on one line, whatever it holds (line breaks, quotes,
/// `: `, `#`, a leading `-`, `*`, `&` or `!`), written by serde-saphyr's emitter.
///
/// Its `DoubleQuoted` wrapper escapes `"`, `\`, line breaks and every character YAML readers
/// refuse or misread inside quotes (C0 and C1 controls, DEL, NEL, LINE and PARAGRAPH
/// SEPARATOR, the byte-order mark, U+FFFE/U+FFFF), and never folds the scalar over lines, so
/// the value can take the place of the text after `key: ` on its own line. (The emitter's
/// default style would pick plain, single-quoted or block scalars; approve keeps the double
/// quotes these files use.) Round trip through serde-saphyr's reader: tests below, on chosen
/// and on random strings.
fn quote(s: &str) -> Result<String, String> {
    let emitted = serde_saphyr::to_string(&serde_saphyr::DoubleQuoted(s)).map_err(|e| format!("cannot write {s:?} as YAML: {e}"))?;
    let scalar = emitted.strip_suffix('\n').unwrap_or(&emitted);
    // The front matter is edited line by line: a value spread over lines would break that.
    if scalar.contains(['\n', '\r']) {
        return Err(format!("the YAML writer put {s:?} on more than one line"));
    }
    Ok(scalar.to_string())
}

/// Computes the new file text for an approval of `d` (whose current file text is `text`).
/// Returns the new text and the new version.
pub(crate) fn approve_text(text: &str, d: &Document, fingerprint: &str, a: &Approval) -> Result<(String, Version), String> {
    let (mut fm, rest) = FrontMatter::parse(text)?;
    let first_approval = d.status == crate::parse::document::Status::Draft && d.approved.is_none();
    let how = a.bump.unwrap_or(Bump::Minor);
    if how == Bump::Patch && d.status != crate::parse::document::Status::Approved {
        return Err(format!("a patch bump records an editorial change to an approved document, but {} is {}", d.id, d.status.as_str()));
    }
    // A first approval without an explicit bump releases the draft: 0.x becomes 1.0, and a
    // draft already numbered for release (1.0, 2.0) keeps its number.
    let version = match (first_approval, a.bump, d.version) {
        (true, None, Some(v)) if v.major >= 1 => v,
        (true, None, _) => bump(d.version, Bump::Major),
        _ => bump(d.version, how),
    };
    let summary = a.summary.clone().unwrap_or_else(|| match how {
        Bump::Patch => "Editorial change (no change of substance).".into(),
        _ => format!("Approved by {}.", a.by),
    });
    fm.set("version", &quote(&version.to_string())?);
    if how != Bump::Patch {
        fm.set("status", "approved");
        fm.set("approver", &quote(&a.by)?);
        fm.set("approved", &a.date.to_string());
        let due = match (a.review_due, d.review_due) {
            (Some(due), _) => Some(due),
            (None, Some(due)) if due > a.date => None,
            _ => a.date.checked_add(jiff::Span::new().years(1)).ok(),
        };
        if let Some(due) = due {
            fm.set("review_due", &due.to_string());
        }
    }
    fm.append_history(&[
        ("version", quote(&version.to_string())?),
        ("date", a.date.to_string()),
        ("author", quote(&a.by)?),
        ("summary", quote(&summary)?),
    ])?;
    fm.set("fingerprint", &quote(fingerprint)?);
    Ok((fm.render(&rest), version))
}

/// `aimsbook approve`: records the approval of document `id` in its file. Returns a summary.
pub fn approve(root: &std::path::Path, today: Date, id: &str, a: &Approval) -> Result<String, String> {
    let signer = a.sign.as_deref().map(crate::support::signing::Signer::load).transpose()?;
    let loaded = crate::pipeline::load(root, today).map_err(|e| e.0.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; "))?;
    let site = &loaded.site;
    let Some(d) = site.doc(id) else {
        return Err(format!("no document has id `{id}`"));
    };
    if d.status.is_obsolete() {
        return Err(format!("{id} is {}; approve its successor instead", d.status.as_str()));
    }
    let path = site.config.content_dir().join(&d.rel);
    let original = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8(original.clone()).map_err(|_| format!("{} is not valid UTF-8", d.repo_rel))?;
    let changed = |what: &str| {
        format!("{what} changed on disk while approve was running; nothing was written. Run approve again to approve the text as it is now")
    };
    // The fingerprint below is of the document as loaded; the text edited must be that same text.
    if crate::parse::source_hash(&crate::source::decode(&original, &d.repo_rel).map_err(|d| d.message)?) != d.source_hash {
        return Err(changed(&d.repo_rel));
    }
    let fp = fingerprint_in_site(site, d);
    let (new_text, version) = approve_text(&text, d, &fp, a)?;
    // Re-parse what we are about to write: the edit must leave valid front matter behind.
    let schemas = crate::parse::schemas::Schemas::load(&site.config.root).map_err(|d| d.message)?;
    let file = crate::source::SourceFile {
        rel: d.rel.clone(),
        repo_rel: d.repo_rel.clone(),
        abs: path.clone(),
        kind: crate::source::SourceKind::Document,
        symlink: false,
        text: crate::source::decode(new_text.as_bytes(), &d.repo_rel).map_err(|d| d.message)?.into(),
    };
    let is_clause = |c: &str| site.catalog.contains(c);
    let parsed = crate::parse::parse_document(&file, &schemas, &is_clause);
    if let Some(err) = parsed.diagnostics.first() {
        return Err(format!("the edited front matter would be invalid ({}: {}); nothing was written", err.code, err.message));
    }
    let new_text = crate::model::approval::signed_text(&new_text, parsed.document.as_deref(), signer.as_ref())?;
    // The governed data file is part of the fingerprint: it must not have changed either.
    if let Some(df) = site.data_for_doc(d) {
        let now = std::fs::read(site.config.content_dir().join(&df.rel)).ok();
        let now = now.as_deref().and_then(|b| crate::source::decode(b, &df.repo_rel).ok());
        if now.as_deref() != Some(&*df.text) {
            return Err(changed(&df.repo_rel));
        }
    }
    // Written beside, flushed and renamed over the document, keeping its permissions, and only
    // if the file still holds the bytes read above (compared just before the rename).
    match crate::support::safe_write::replace_if_unchanged(&path, &original, new_text.as_bytes()) {
        Ok(()) => {}
        Err(crate::support::safe_write::ReplaceError::Changed) => return Err(changed(&d.repo_rel)),
        Err(crate::support::safe_write::ReplaceError::Io(e)) => {
            return Err(format!("cannot write {}: {e}; the document is unchanged", d.repo_rel))
        }
    }
    Ok(format!(
        "{id} is now version {version}{}, fingerprint {}; wrote {}",
        if a.bump == Some(Bump::Patch) { "" } else { ", approved" },
        &fp[..19],
        d.repo_rel,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps() {
        let v = Version::parse("2.3").unwrap();
        assert_eq!(bump(Some(v), Bump::Major).to_string(), "3.0");
        assert_eq!(bump(Some(v), Bump::Minor).to_string(), "2.4");
        assert_eq!(bump(Some(v), Bump::Patch).to_string(), "2.3.1");
        assert_eq!(bump(Version::parse("2.3.1"), Bump::Patch).to_string(), "2.3.2");
    }

    #[test]
    fn comments_are_found_outside_quotes() {
        assert_eq!(trailing_comment("approver: \"Risk Committee #2\""), "");
        assert_eq!(trailing_comment("version: \"1.0\"   # c"), "   # c");
        assert_eq!(trailing_comment("id: A#1"), "");
        assert_eq!(trailing_comment("id: 'a # b' # real"), " # real");
    }

    /// Every summary survives the trip into the front matter and back, whatever it holds.
    #[test]
    fn quoted_values_round_trip_through_the_yaml_reader() {
        let tricky = [
            "Line one\nline two",
            "Windows\r\nbreak and a lone \r",
            "She said \"approved\" and 'done'",
            "key: value # not a comment",
            "- looks like a list item",
            "* alias-like",
            "&anchor-like",
            "!tag-like",
            "| block-like",
            "> folded-like",
            "@ and ` reserved",
            "trailing backslash \\",
            "\ttab, \u{7f} delete, \u{85} next line, \u{2028} separator, \u{feff} bom",
            "   leading and trailing spaces   ",
            "",
            "null",
            "1.0",
            "Ünïcödé — ok",
        ];
        for summary in tricky {
            let text = "---\nid: A\nhistory:\n  - version: \"1.0\"\n    summary: x\n---\nBody\n";
            let (mut fm, rest) = FrontMatter::parse(text).unwrap();
            fm.append_history(&[("version", quote("1.1").unwrap()), ("summary", quote(summary).unwrap())]).unwrap();
            fm.set("approver", &quote(summary).unwrap());
            let out = fm.render(&rest);
            let yaml = out.strip_prefix("---\n").and_then(|t| t.split_once("\n---\n")).map(|(y, _)| y).unwrap();
            assert_eq!(yaml.lines().count(), 7, "each value stays on its line: {out:?}");
            let v: serde_json::Value = serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("{summary:?} broke the YAML: {e}\n{yaml}"));
            assert_eq!(v["history"][1]["summary"].as_str(), Some(summary), "{yaml}");
            assert_eq!(v["history"][1]["version"].as_str(), Some("1.1"), "{yaml}");
            assert_eq!(v["approver"].as_str(), Some(summary), "{yaml}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_round_trips_as_a_quoted_value(s in "\\PC*|[\\x00-\\x{ff}\\u{2028}\\u{2029}\\u{feff}\\u{fffe}\\u{ffff}]*") {
            let yaml = format!("summary: {}\n", quote(&s).map_err(proptest::test_runner::TestCaseError::fail)?);
            proptest::prop_assert_eq!(yaml.lines().count(), 1);
            let v: serde_json::Value = serde_saphyr::from_str(&yaml).map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}: {yaml:?}")))?;
            proptest::prop_assert_eq!(v["summary"].as_str(), Some(s.as_str()));
        }
    }

    #[test]
    fn front_matter_edit_keeps_other_bytes() {
        let text = "---\nid: A # keep\nversion: \"1.0\"   # comment\nstatus: draft\nhistory:\n  - version: \"1.0\"\n    date: 2026-01-01\n    summary: x\nclauses: [\"5.2\"]\n---\n\nBody  \r\n  with   spacing\n";
        let (mut fm, rest) = FrontMatter::parse(text).unwrap();
        fm.set("version", "\"1.1\"");
        fm.set("approved", "2026-02-01");
        fm.append_history(&[("version", "\"1.1\"".into()), ("date", "2026-02-01".into())]).unwrap();
        let out = fm.render(&rest);
        assert!(out.ends_with("---\n\nBody  \r\n  with   spacing\n"), "{out}");
        assert!(out.contains("id: A # keep\nversion: \"1.1\"   # comment\n"), "{out}");
        assert!(out.contains("    summary: x\n  - version: \"1.1\"\n    date: 2026-02-01\nclauses:"), "{out}");
        assert!(out.contains("approved: 2026-02-01\n---\n"), "{out}");
    }
}
