//! File names of the pages each document type has: its part of the manual (`manual/<name>.html`)
//! and its columns of the traceability matrix (`matrix/<name>.html`). One scheme for both, so a
//! type's pages have the same name in either folder: the stem from [`type_slug`], `_2`, `_3`, …
//! added when another type already took it, and `-2`, `-3`, … for the further pages of a type
//! ([`page_name`]). Computed from every document's type word, so the name of a type does not
//! depend on which of its documents a view shows.

use crate::model::Site;
use std::collections::{BTreeMap, BTreeSet};

/// Names no type's page may take in any of the folders: the manual's appendix, a folder index.
const RESERVED: &[&str] = &["changes", "index"];

/// A file name for the pages of a document type from its type word, which is the repository's
/// own word (any language): ASCII letters and digits, accents folded (`Prüfbericht` →
/// `prufbericht`), other characters as dashes. A type with letters that do not fold to ASCII
/// (`手順書`) keeps what did and gets a short hash of the whole word, so two such types never
/// share a name; names Windows reserves get a suffix. Never empty, never with `_` (which
/// [`TypePages`] keeps for telling apart two types with one slug).
pub(crate) fn type_slug(doc_type: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    let mut lost = false;
    for c in doc_type.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let folded = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ø' | 'Ø' => "o",
            'đ' | 'Đ' | 'ð' | 'Ð' => "d",
            'ł' | 'Ł' => "l",
            'þ' | 'Þ' => "th",
            _ => "",
        };
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !folded.is_empty() {
            out.push_str(folded);
        } else {
            lost |= c.is_alphanumeric();
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
    }
    out.truncate(48);
    let mut out = out.trim_matches('-').to_string();
    if lost || out.is_empty() {
        use sha2::Digest;
        let hash = hex::encode(&sha2::Sha256::digest(doc_type.as_bytes())[..4]);
        out = if out.is_empty() { format!("type-{hash}") } else { format!("{out}-{hash}") };
    }
    let windows = ["con", "prn", "aux", "nul"].contains(&out.as_str())
        || (out.len() == 4 && (out.starts_with("com") || out.starts_with("lpt")) && out.as_bytes()[3].is_ascii_digit());
    if windows {
        out.push_str("-type");
    }
    out
}

/// The file name (without `.html`) of page `page` (1-based) of the type whose stem is `stem`:
/// `stem`, `stem-2`, `stem-3`, …
pub(crate) fn page_name(stem: &str, page: usize) -> String {
    if page <= 1 {
        stem.to_string()
    } else {
        format!("{stem}-{page}")
    }
}

/// `name` without a page suffix `-N` (N ≥ 2), when it has one: the stem whose page it would be.
fn stem_of_page(name: &str) -> Option<&str> {
    let (stem, number) = name.rsplit_once('-')?;
    let is_page = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) && !number.starts_with('0') && number != "1";
    is_page.then_some(stem)
}

/// The stem of every document type of a site.
pub(crate) struct TypePages {
    stems: BTreeMap<String, String>,
}

impl TypePages {
    /// The stems of the type words of all documents of the site (whatever their status, so a
    /// type keeps its name when its documents leave one of the views).
    pub(crate) fn of(site: &Site) -> TypePages {
        TypePages::from_words(site.documents.iter().map(|d| d.doc_type.as_str()))
    }

    /// Stems for the given type words. Each word's stem is its [`type_slug`]; when that is
    /// taken, or would be a page of a taken stem (`plan-2` against `plan`), or has a taken stem
    /// among its pages, or is reserved, the word gets `slug_2`, `slug_3`, … (the first that is
    /// free). Words that are their own slug (`policy`) choose first, then the others, each in
    /// byte order: adding `Policy` to a repository of `policy` documents renames nothing.
    pub(crate) fn from_words<'a>(words: impl IntoIterator<Item = &'a str>) -> TypePages {
        let words: BTreeSet<&str> = words.into_iter().collect();
        let mut order: Vec<(bool, &str, String)> = words.into_iter().map(|w| (type_slug(w) != w, w, type_slug(w))).collect();
        order.sort();
        // Taken stems, and the stems that taken stems are pages of (`plan` when `plan-2` is
        // taken), so every check is a lookup.
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut paged: BTreeSet<String> = RESERVED.iter().filter_map(|r| stem_of_page(r)).map(str::to_string).collect();
        let free = |candidate: &str, taken: &BTreeSet<String>, paged: &BTreeSet<String>| {
            !RESERVED.contains(&candidate)
                && !taken.contains(candidate)
                && !paged.contains(candidate)
                && !stem_of_page(candidate).is_some_and(|s| taken.contains(s) || RESERVED.contains(&s))
        };
        let mut stems = BTreeMap::new();
        for (_, word, slug) in order {
            let stem =
                (1..).map(|n| if n == 1 { slug.clone() } else { format!("{slug}_{n}") }).find(|c| free(c, &taken, &paged)).unwrap_or(slug);
            if let Some(s) = stem_of_page(&stem) {
                paged.insert(s.to_string());
            }
            taken.insert(stem.clone());
            stems.insert(word.to_string(), stem);
        }
        TypePages { stems }
    }

    /// The stem of a type word (its slug for a word the site does not have).
    pub(crate) fn stem(&self, doc_type: &str) -> String {
        self.stems.get(doc_type).cloned().unwrap_or_else(|| type_slug(doc_type))
    }

    /// The file name (without `.html`) of page `page` (1-based) of a type.
    pub(crate) fn page_name(&self, doc_type: &str, page: usize) -> String {
        page_name(&self.stem(doc_type), page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_slugs_are_ascii_file_names_whatever_the_type_word() {
        assert_eq!(type_slug("procedure"), "procedure");
        assert_eq!(type_slug("Prüfbericht"), "prufbericht");
        assert_eq!(type_slug("Straße & Weg"), "strasse-weg");
        assert_eq!(type_slug("procédure d'urgence"), "procedure-d-urgence");
        assert_eq!(type_slug("--x--"), "x");
        let cjk = type_slug("手順書");
        assert!(cjk.starts_with("type-") && cjk.len() == "type-".len() + 8, "{cjk}");
        assert_ne!(cjk, type_slug("記録"));
        let mixed = type_slug("SOP 手順");
        assert!(mixed.starts_with("sop-") && mixed != "sop", "{mixed}");
        assert_eq!(type_slug("con"), "con-type");
        assert_eq!(type_slug("LPT1"), "lpt1-type");
        assert_eq!(type_slug("../../etc"), "etc");
        assert!(type_slug("").starts_with("type-"));
        for t in ["a/b", "a\\b", "..", "a b", "ÄÖÜ", "\u{0}x", "", " ", "_", "a_2"] {
            let s = type_slug(t);
            assert!(!s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{t:?} → {s:?}");
        }
    }

    /// Every page name of every type, for `pages` pages each.
    fn all_names(types: &TypePages, words: &[&str], pages: usize) -> Vec<String> {
        words.iter().flat_map(|w| (1..=pages).map(move |p| types.page_name(w, p))).collect()
    }

    #[test]
    fn page_names_never_collide() {
        let words = [
            "plan",
            "plan 2",
            "Plan",
            "PLAN",
            "plan-2",
            "plan_2",
            "changes",
            "index",
            "Index",
            "policy",
            "Policy",
            "Prüfbericht",
            "PRÜFBERICHT",
            "prufbericht",
            "手順書",
            "記録",
            "",
            "!!!",
            "a-10",
            "a",
            "a-1",
            "a-02",
        ];
        let types = TypePages::from_words(words);
        // However many pages each type has, no two pages share a name, none is reserved.
        for pages in [1, 3, 12] {
            let names = all_names(&types, &words, pages);
            let unique: BTreeSet<&String> = names.iter().collect();
            assert_eq!(unique.len(), names.len(), "{pages} pages: {names:?}");
            assert!(names.iter().all(|n| !RESERVED.contains(&n.as_str())), "{names:?}");
        }
        // Words that are their own slug keep it; the others get a number.
        assert_eq!(types.stem("plan"), "plan");
        assert_eq!(types.stem("policy"), "policy");
        assert_eq!(types.stem("Policy"), "policy_2");
        assert_eq!(types.stem("prufbericht"), "prufbericht");
        assert_eq!(types.stem("PRÜFBERICHT"), "prufbericht_2");
        assert_eq!(types.stem("Prüfbericht"), "prufbericht_3");
        // `plan-2` would be the second page of `plan`; `a-10` the tenth of `a`.
        assert_eq!(types.stem("plan-2"), "plan-2_2");
        assert_eq!(types.stem("a-10"), "a-10_2");
        // `a-1` and `a-02` are no page names of `a`.
        assert_eq!(types.stem("a-1"), "a-1");
        assert_eq!(types.stem("a-02"), "a-02");
        assert_eq!(types.stem("changes"), "changes_2");
        assert_eq!(types.stem("index"), "index_2");
        assert_eq!(types.page_name("plan", 1), "plan");
        assert_eq!(types.page_name("plan", 3), "plan-3");
        assert_eq!(types.page_name("Policy", 2), "policy_2-2");
        // The same words in another order name these types the same.
        let reversed: Vec<&str> = words.iter().rev().copied().collect();
        let again = TypePages::from_words(reversed);
        assert!(words.iter().all(|w| again.stem(w) == types.stem(w)));
    }
}
