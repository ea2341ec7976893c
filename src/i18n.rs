//! Interface language: message catalogs (Project Fluent), locale dates and collation.
//!
//! `[book] language` (a BCP 47 tag such as "de-DE") chooses the catalog by its primary subtag.
//! English, German and French are built in (themes/default/i18n/*.ftl); a repository adds a
//! language or overrides single messages with `i18n/<lang>.ftl` beside book.toml. A message
//! missing in the chosen language falls back to English and is reported once per key (MSG001),
//! so a partial translation never breaks a build. Diagnostics themselves stay English.
//!
//! Fluent was chosen over simple key/value files because translators need plural forms
//! ("1 Dokument", "2 Dokumente") and the CLDR plural rules come with it (`intl_pluralrules`).

use crate::diagnostics::{Code::*, Diagnostic};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;
use unic_langid::LanguageIdentifier;

/// The built-in catalogs: (primary subtag, path for messages, text).
const BUILT_IN: &[(&str, &str, &str)] = &[
    ("en", "themes/default/i18n/en.ftl", include_str!("../themes/default/i18n/en.ftl")),
    ("de", "themes/default/i18n/de.ftl", include_str!("../themes/default/i18n/de.ftl")),
    ("fr", "themes/default/i18n/fr.ftl", include_str!("../themes/default/i18n/fr.ftl")),
];

/// The languages with built-in messages (for the README and `init`).
pub(crate) fn shipped() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(l, _, _)| *l)
}

/// The messages of one site's language, with English behind them.
pub(crate) struct Messages {
    /// Primary language subtag ("de"), used for `<html lang>`, stemming and folding.
    pub(crate) lang: String,
    /// A hash of the language and every message text loaded (for the page cache of `serve`).
    pub(crate) fingerprint: u64,
    chosen: Option<FluentBundle<FluentResource>>,
    english: FluentBundle<FluentResource>,
    /// Every message formatted once without arguments, in the chosen language, else English:
    /// pages ask for the same labels thousands of times, and formatting through Fluent on each
    /// call was a measurable part of rendering. Messages with arguments are still formatted
    /// per call.
    plain: HashMap<String, String>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messages").field("lang", &self.lang).finish()
    }
}

impl Default for Messages {
    fn default() -> Self {
        Messages::load(None, "en").0
    }
}

/// The primary subtag of a language tag, lower-cased ("de-DE" → "de"); "en" when empty or
/// unparsable.
pub(crate) fn primary_subtag(tag: &str) -> String {
    tag.parse::<LanguageIdentifier>()
        .ok()
        .map(|l| l.language.as_str().to_ascii_lowercase())
        .filter(|l| l != "und")
        .unwrap_or_else(|| "en".into())
}

fn bundle(lang: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around arguments help right-to-left text but show up as stray
    // characters in titles and attributes; none of the shipped languages needs them.
    b.set_use_isolating(false);
    b
}

/// Parses `text` into `bundle` (later files override earlier ones) and returns the ids of its
/// messages; parse errors become MSG002 diagnostics with the line of the broken entry.
fn add(bundle: &mut FluentBundle<FluentResource>, file: &str, text: String, diags: &mut Vec<Diagnostic>) -> BTreeSet<String> {
    let (res, errors) = match FluentResource::try_new(text.clone()) {
        Ok(r) => (r, Vec::new()),
        Err((r, e)) => (r, e),
    };
    for e in errors {
        let line = text[..e.pos.start.min(text.len())].matches('\n').count() + 1;
        diags.push(
            Diagnostic::new(MSG002, file, line, format!("message file cannot be read here: {}", e.kind))
                .help("write `key = text` entries in Fluent syntax (projectfluent.org); the rest of the file is still used"),
        );
    }
    let ids = res
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect();
    bundle.add_resource_overriding(res);
    ids
}

impl Messages {
    /// Loads the catalogs for `tag` from the built-in files and, given a repository root, its
    /// `i18n/` folder. Returns the messages and the diagnostics (unreadable entries, messages
    /// missing in the chosen language).
    pub(crate) fn load(root: Option<&Path>, tag: &str) -> (Messages, Vec<Diagnostic>) {
        let lang = primary_subtag(tag);
        let mut diags = Vec::new();
        let mut english = bundle("en");
        let mut english_ids = BTreeSet::new();
        let mut hasher = crate::support::hash::hasher();
        lang.hash(&mut hasher);
        let repo_file = |l: &str| {
            let rel = format!("i18n/{l}.ftl");
            let text = std::fs::read_to_string(root?.join(&rel)).ok();
            text.map(|t| (rel, t))
        };
        let built_in = |l: &str| BUILT_IN.iter().find(|(b, _, _)| *b == l).map(|(_, p, t)| (p.to_string(), t.to_string()));
        for (file, text) in built_in("en").into_iter().chain(repo_file("en")) {
            text.hash(&mut hasher);
            english_ids.extend(add(&mut english, &file, text, &mut diags));
        }
        if lang == "en" {
            let plain = plain_messages(None, &english, &english_ids);
            return (Messages { lang, fingerprint: hasher.finish(), chosen: None, english, plain }, diags);
        }
        let mut chosen = bundle(&lang);
        let mut chosen_ids = BTreeSet::new();
        let mut files = Vec::new();
        for (file, text) in built_in(&lang).into_iter().chain(repo_file(&lang)) {
            text.hash(&mut hasher);
            chosen_ids.extend(add(&mut chosen, &file, text, &mut diags));
            files.push(file);
        }
        // Reported where a translator adds the message: the repository's file for the language
        // (to be created when the repository has none yet).
        let where_ = format!("i18n/{lang}.ftl");
        if files.is_empty() {
            let language_line = root
                .and_then(|r| std::fs::read_to_string(r.join("book.toml")).ok())
                .and_then(|t| t.lines().position(|l| l.trim_start().starts_with("language")))
                .map_or(1, |i| i + 1);
            diags.push(
                Diagnostic::new(
                    MSG001,
                    "book.toml",
                    language_line,
                    format!("no messages for language \"{lang}\" ([book] language = \"{tag}\"): the interface is shown in English"),
                )
                .help(format!(
                    "add i18n/{lang}.ftl beside book.toml (copy themes/default/i18n/en.ftl from aimsbook and translate it); built in: {}",
                    shipped().collect::<Vec<_>>().join(", ")
                )),
            );
        } else {
            for key in english_ids.difference(&chosen_ids) {
                diags.push(
                    Diagnostic::new(
                        MSG001,
                        where_.clone(),
                        1,
                        format!("message \"{key}\" has no \"{lang}\" translation: English is shown"),
                    )
                    .help(format!("add `{key} = …` to i18n/{lang}.ftl beside book.toml")),
                );
            }
        }
        let ids: BTreeSet<String> = english_ids.union(&chosen_ids).cloned().collect();
        let plain = plain_messages(Some(&chosen), &english, &ids);
        (Messages { lang, fingerprint: hasher.finish(), chosen: Some(chosen), english, plain }, diags)
    }

    fn format(bundle: &FluentBundle<FluentResource>, key: &str, args: Option<&FluentArgs>) -> Option<String> {
        let pattern = bundle.get_message(key)?.value()?;
        let mut errors = Vec::new();
        let s = bundle.format_pattern(pattern, args, &mut errors);
        Some(s.into_owned())
    }

    /// The message `key` with named arguments, in the chosen language, else English, else
    /// `None`.
    pub(crate) fn get(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> Option<String> {
        if args.is_empty() {
            return self.plain.get(key).cloned();
        }
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(k.to_string(), v.clone());
        }
        let fa = Some(&fa);
        self.chosen.as_ref().and_then(|b| Self::format(b, key, fa)).or_else(|| Self::format(&self.english, key, fa))
    }

    /// The message `key`, or the key itself when no catalog has it (visible, never a failure).
    pub(crate) fn t(&self, key: &str) -> String {
        self.get(key, &[]).unwrap_or_else(|| key.to_string())
    }

    /// As [`t`](Self::t) with one numeric argument `n` (plural forms).
    pub(crate) fn tn(&self, key: &str, n: i64) -> String {
        self.get(key, &[("n", FluentValue::from(n))]).unwrap_or_else(|| key.to_string())
    }

    /// A display name from a family of messages (`doc-type-procedure`, `status-approved`): the
    /// value itself when no message names it, so an organisation's own words pass through.
    pub(crate) fn label(&self, family: &str, value: &str) -> String {
        let key = format!("{family}-{}", crate::parse::document::slug(value));
        self.get(&key, &[]).unwrap_or_else(|| value.to_string())
    }

    /// An ISO date ("2026-06-15") in the language's long form ("15. Juni 2026"); other text
    /// unchanged.
    pub(crate) fn long_date(&self, iso: &str) -> Option<String> {
        let d: jiff::civil::Date = iso.trim().parse().ok()?;
        let month = self.t(&format!("month-{}", d.month()));
        self.get(
            "date-long",
            &[
                ("day", FluentValue::from(d.day() as i64)),
                ("month", FluentValue::from(month)),
                ("year", FluentValue::from(d.year().to_string())),
            ],
        )
    }

    /// Sorts by a text key in collation order.
    pub(crate) fn sort_by_text<T>(&self, items: &mut [T], key: impl Fn(&T) -> &str) {
        let mut c = collator();
        items.sort_by(|a, b| c.collate(key(a), key(b)));
    }
}

/// `ids` formatted without arguments exactly as [`Messages::get`] would: the chosen language's
/// message when it has a value, else English's; ids neither formats are left out.
fn plain_messages(
    chosen: Option<&FluentBundle<FluentResource>>,
    english: &FluentBundle<FluentResource>,
    ids: &BTreeSet<String>,
) -> HashMap<String, String> {
    ids.iter()
        .filter_map(|key| {
            let text = chosen.and_then(|b| Messages::format(b, key, None)).or_else(|| Messages::format(english, key, None))?;
            Some((key.clone(), text))
        })
        .collect()
}

/// The Unicode Collation Algorithm with the CLDR root order. feruca (pure Rust, no data
/// loading) rather than icu_collator: the root order already sorts accented letters with their
/// base letter (ä with a, é with e) as German and French readers expect, and it adds no large
/// data crates to the build. A new collator per sort: it only holds scratch buffers.
fn collator() -> feruca::Collator {
    feruca::Collator::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_forms_follow_the_language() {
        let (de, diags) = Messages::load(None, "de-DE");
        assert!(diags.is_empty(), "the built-in German catalog is complete: {diags:?}");
        assert_eq!(de.tn("home-controlled-documents", 1), "gelenktes Dokument");
        assert_eq!(de.tn("home-controlled-documents", 2), "gelenkte Dokumente");
        assert!(de.tn("register-lead", 1).ends_with(" 1 Dokument."), "{}", de.tn("register-lead", 1));
        assert!(de.tn("register-lead", 2).ends_with(" 2 Dokumente."));
        assert_eq!(de.tn("review-due-in-days", 1), "fällig in 1 Tag");
        assert_eq!(de.tn("review-due-in-days", 5), "fällig in 5 Tagen");
        let (fr, diags) = Messages::load(None, "fr");
        assert!(diags.is_empty(), "the built-in French catalog is complete: {diags:?}");
        // French counts 0 and 1 as singular; English does not.
        assert!(fr.tn("register-lead", 0).ends_with(" 0 document."));
        assert!(fr.tn("register-lead", 3).ends_with(" 3 documents."));
        let (en, _) = Messages::load(None, "en-GB");
        assert!(en.tn("register-lead", 0).ends_with(" 0 documents."));
        assert!(en.tn("register-lead", 1).ends_with(" 1 document."));
    }

    #[test]
    fn long_dates_per_language() {
        let date = |tag: &str| Messages::load(None, tag).0.long_date("2026-06-15");
        assert_eq!(date("de-DE").as_deref(), Some("15. Juni 2026"));
        assert_eq!(date("fr-FR").as_deref(), Some("15 juin 2026"));
        assert_eq!(date("en-GB").as_deref(), Some("15 June 2026"));
        assert_eq!(Messages::default().long_date("soon"), None);
    }

    #[test]
    fn a_language_without_messages_is_reported_once_and_shown_in_english() {
        let (nl, diags) = Messages::load(None, "nl-NL");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, MSG001);
        assert_eq!(nl.t("nav-home"), "Home");
        assert_eq!(nl.lang, "nl");
    }

    /// The precomputed no-argument messages are what formatting through Fluent on each call gives:
    /// repository overrides, terms and message references, attribute-only messages (English
    /// fallback), and a variable with no argument given (Fluent's visible placeholder).
    #[test]
    fn messages_without_arguments_match_fluent_formatting() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("i18n")).unwrap();
        let ftl = "-org = Versicherung\nnav-home = Start bei { -org }\nalias = { nav-home }!\nonly-attr =\n    .title = t\nneeds-n = { $n } Dinge\n";
        std::fs::write(dir.path().join("i18n/de.ftl"), ftl).unwrap();
        std::fs::write(dir.path().join("i18n/en.ftl"), "only-attr = English text\n").unwrap();
        let (de, _) = Messages::load(Some(dir.path()), "de");
        assert_eq!(de.t("nav-home"), "Start bei Versicherung");
        assert_eq!(de.t("alias"), "Start bei Versicherung!");
        assert_eq!(de.t("only-attr"), "English text");
        assert_eq!(de.t("needs-n"), "{$n} Dinge");
        assert_eq!(de.t("no-such-key"), "no-such-key");
        assert_eq!(de.label("status", "Approved"), de.t("status-approved"));
        assert_eq!(de.label("status", "Eigenes Wort"), "Eigenes Wort");
        // Every message of every shipped language, against Fluent itself.
        for lang in ["en", "de", "fr"] {
            let (m, _) = Messages::load(None, lang);
            for (l, _, text) in BUILT_IN.iter().filter(|(l, _, _)| *l == "en" || *l == lang) {
                let res = FluentResource::try_new(text.to_string()).unwrap();
                for entry in res.entries() {
                    let fluent_syntax::ast::Entry::Message(msg) = entry else { continue };
                    let key = msg.id.name;
                    let direct =
                        m.chosen.as_ref().and_then(|b| Messages::format(b, key, None)).or_else(|| Messages::format(&m.english, key, None));
                    assert_eq!(m.get(key, &[]), direct, "{l}: {key}");
                }
            }
        }
    }

    #[test]
    fn collation_puts_umlauts_with_their_base_letter() {
        let m = Messages::default();
        let mut names = vec!["Zoë", "Änne", "Anton", "Bernd", "Élodie", "Emil"];
        m.sort_by_text(&mut names, |s| s);
        assert_eq!(names, ["Änne", "Anton", "Bernd", "Élodie", "Emil", "Zoë"]);
    }
}
