//! Render stage, search: builds the full-text search index over documents, clauses and
//! controls, and register rows.
//!
//! The index is split so a reader downloads a small fixed part and then only the shards a
//! query needs (the scheme Pagefind uses), and every part is a script rather than fetched
//! JSON, so search works from file:// as well as over http:
//!
//! - `static/search-index.js` (the entry): the number of entries, the document-bucket size and
//!   the first term of every term shard (in JavaScript string order). It grows with the number of *shards* (a few bytes
//!   each), not with the text.
//! - `static/search/t<N>.js` (term shards): the sorted vocabulary cut into consecutive runs of
//!   about [`TERM_SHARD_BYTES`]; each term maps to its postings (entry number and a code of
//!   body term frequency, title match, id-word match and whole-id match). The page finds a term's shard by binary
//!   search over the first terms, so a query loads one shard per word.
//! - `static/search/d<N>.js` (document buckets): id, title, kind, url and excerpt text of
//!   [`DOC_BUCKET`] consecutive entries, loaded only for the results shown.
//!
//! Each shard file calls `AIMSBOOK_SEARCH_SHARD(<JSON>)`: a single JSON literal, with `<`
//! escaped so it stays inert even if a theme inlines it.

use crate::model::Site;
use crate::parse::document;
use crate::render::Page;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::Arc;

/// Longest text indexed and quoted per entry: bounded so the index stays proportional to the
/// repository.
const MAX_TEXT: usize = 20_000;
/// Entries per document bucket: a result list of ten loads at most ten buckets.
pub(crate) const DOC_BUCKET: usize = 8;
/// Text kept per entry for excerpts: enough for a snippet around most matches, short enough
/// that a bucket stays a few tens of kilobytes.
const EXCERPT_TEXT: usize = 2_400;
/// Target size of a term shard; a single term with more postings gets a shard of its own.
pub(crate) const TERM_SHARD_BYTES: usize = 24_000;
/// Longest term indexed (longer runs of letters are not words a reader types).
const MAX_TERM: usize = 48;
/// Postings code bits: the low 8 hold the body term frequency (capped).
const IN_TITLE: u32 = 1 << 8;
const IN_ID: u32 = 1 << 9;
/// The term is the entry's whole id ("pol-001"), so the query is exactly that id.
const IS_ID: u32 = 1 << 10;

/// One searchable entry with its terms, computed once per document text.
pub(crate) struct Indexed {
    /// [id, title, kind, url, excerpt text] as escaped JSON.
    row_json: String,
    /// term → code (term frequency in the body, title and id bits).
    terms: Vec<(String, u32)>,
}

/// Indexed documents kept between rebuilds by `serve`, by document id, with the hash of the
/// text they were made from.
pub(crate) type EntryCache = crate::support::memo::Memo<String, Arc<Indexed>>;

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// JSON with `<` as \u003c so the index stays inert even if a theme inlines it in a <script>
/// element, U+2028/2029 so older JavaScript parsers accept it.
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Lower-case words of `text`: runs of letters and digits, as search.js splits a query
/// (`/[^\p{Alphabetic}\p{N}]+/u`, then `toLowerCase`).
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty() && w.len() <= MAX_TERM).map(str::to_lowercase)
}

/// How the site's language is searched: folding (case and diacritics, so "Über" = "uber" and
/// "é" = "e"; in German also "ß" = "ss" and "ue" = "u" as typed without umlauts) and a Snowball
/// stemmer, so "Überwachungen" finds "Überwachung". The page's script folds a query the same way
/// (search.js `fold`) and, having no stemmer, strips the language's inflection endings listed
/// in [`Language::endings`] to reach the stems the index holds (an approximation: see README).
pub(crate) struct Language {
    german: bool,
    stemmer: Option<rust_stemmers::Stemmer>,
    code: String,
    /// The index terms of each word met so far ([`Language::push_terms`]): a site's vocabulary
    /// is small next to its word count, and folding and stemming every occurrence made the
    /// index four times slower to build.
    terms_memo: std::cell::RefCell<HashMap<String, Vec<String>>>,
}

impl Language {
    pub(crate) fn new(lang: &str) -> Language {
        use rust_stemmers::Algorithm as A;
        let algorithm = match lang {
            "en" => Some(A::English),
            "de" => Some(A::German),
            "fr" => Some(A::French),
            "es" => Some(A::Spanish),
            "it" => Some(A::Italian),
            "nl" => Some(A::Dutch),
            "pt" => Some(A::Portuguese),
            "da" => Some(A::Danish),
            "sv" => Some(A::Swedish),
            "no" | "nb" | "nn" => Some(A::Norwegian),
            "fi" => Some(A::Finnish),
            _ => None,
        };
        Language {
            german: lang == "de",
            stemmer: algorithm.map(rust_stemmers::Stemmer::create),
            code: lang.to_string(),
            terms_memo: Default::default(),
        }
    }

    /// Appends the index terms of one lower-cased word to `out`: its stem when that differs
    /// from the folded word (a query finds another inflection), then the folded word (found
    /// exactly, or by prefix while typing).
    fn push_terms(&self, word: &str, out: &mut Vec<String>) {
        let mut memo = self.terms_memo.borrow_mut();
        if let Some(terms) = memo.get(word) {
            out.extend(terms.iter().cloned());
            return;
        }
        let folded = self.fold(word);
        let stem = self.stem(&folded);
        let mut terms = Vec::with_capacity(2);
        if stem != folded && !stem.is_empty() {
            terms.push(stem);
        }
        terms.push(folded);
        out.extend(terms.iter().cloned());
        memo.insert(word.to_string(), terms);
    }

    /// A word as both index and query compare it (search.js `fold` does the same).
    pub(crate) fn fold(&self, word: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        let lower = word.to_lowercase().replace('ß', "ss");
        let mut out: String = lower.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).collect();
        if self.german {
            // German typed without umlauts: ae, oe, ue (not in "que") stand for ä, ö, ü.
            let mut s = String::with_capacity(out.len());
            let chars: Vec<char> = out.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                s.push(chars[i]);
                let next = chars.get(i + 1).copied();
                let vowel_pair = matches!((chars[i], next), ('a', Some('e')) | ('o', Some('e')) | ('u', Some('e')));
                if vowel_pair && !(chars[i] == 'u' && i > 0 && chars[i - 1] == 'q') {
                    i += 1;
                }
                i += 1;
            }
            out = s;
        }
        out
    }

    /// The stem of a folded word (the word itself when the language has no stemmer).
    pub(crate) fn stem(&self, folded: &str) -> String {
        match &self.stemmer {
            Some(s) => s.stem(folded).into_owned(),
            None => folded.to_string(),
        }
    }

    /// Endings the page's script strips from a folded query word, in up to three rounds, to
    /// find the stems the Snowball stemmer made (its suffixes, folded); "ending:replacement"
    /// where the stemmer replaces rather than removes.
    pub(crate) fn endings(&self) -> &'static [&'static str] {
        match self.code.as_str() {
            "de" => &["e", "em", "en", "ern", "er", "es", "s", "est", "st", "end", "ung", "ig", "ik", "isch", "lich", "heit", "keit"],
            "en" => &[
                "s", "es", "ed", "ing", "ly", "er", "est", "ment", "ness", "ation", "ations", "al", "ive", "ize", "ise", "ful", "ous",
                "ity", "ies:i", "ied:i", "y:i", "e",
            ],
            "fr" => &[
                "s", "x", "e", "es", "er", "ez", "ent", "ant", "ement", "ements", "ation", "ations", "ite", "ites", "euse", "euses", "eur",
                "eurs", "ique", "iques", "isme", "ismes", "able", "ables", "iste", "istes", "ance", "ances", "ence", "ences", "if", "ive",
                "ifs", "ives", "aux:al", "ee", "ees", "i", "ie", "ies", "is", "it", "ir",
            ],
            "es" | "it" | "pt" => {
                &["s", "es", "a", "o", "as", "os", "e", "i", "mente", "cion", "ciones", "zione", "zioni", "ar", "er", "ir"]
            }
            "nl" => &["e", "en", "s", "heid", "ing", "lijk", "baar"],
            _ => &[],
        }
    }
}

fn indexed(lang: &Language, id: &str, title: &str, kind: &str, url: &str, text: &str) -> Indexed {
    let text = truncate(text, MAX_TEXT);
    let mut codes: HashMap<String, u32> = HashMap::new();
    // Each word as folded, and its stem as a term of its own (same code), so a query finds
    // the word exactly, by prefix while typing, or by its stem in another inflection.
    let terms = |t: &str| -> Vec<String> {
        let mut out = Vec::new();
        for w in words(t) {
            lang.push_terms(&w, &mut out);
        }
        out
    };
    for w in terms(text) {
        let c = codes.entry(w).or_insert(0);
        if *c & 0xff < 0xff {
            *c += 1;
        }
    }
    for w in terms(title) {
        *codes.entry(w).or_insert(0) |= IN_TITLE;
    }
    for w in terms(id) {
        *codes.entry(w).or_insert(0) |= IN_ID;
    }
    // The whole id as one term too, so "POL-001" finds the document with that exact id first.
    let whole = lang.fold(id.trim());
    if !whole.is_empty() && whole.len() <= MAX_TERM {
        *codes.entry(whole).or_insert(0) |= IN_ID | IS_ID;
    }
    let mut terms: Vec<(String, u32)> = codes.into_iter().collect();
    terms.sort_unstable();
    let row_json = json(&(id, title, kind, url, truncate(text, EXCERPT_TEXT)));
    Indexed { row_json, terms }
}

/// Search order of terms: UTF-16 code units, as JavaScript compares strings, so the page's
/// binary search over shard boundaries agrees with the order they were cut in.
fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

pub(crate) fn index_pages(site: &Site) -> Vec<Page> {
    index_pages_cached(site, None)
}

/// The entry file and all shards, reusing the indexed documents unchanged since the last call.
pub(crate) fn index_pages_cached(site: &Site, cache: Option<&EntryCache>) -> Vec<Page> {
    let lang = Language::new(&site.messages.lang);
    let mut entries: Vec<Arc<Indexed>> = Vec::with_capacity(site.documents.len());
    for (i, d) in site.documents.iter().enumerate() {
        if site.by_id.get(&d.id) != Some(&i) {
            continue;
        }
        let make = || {
            Arc::new(indexed(
                &lang,
                &d.id,
                &d.title,
                &site.messages.label("doc-type", &d.doc_type),
                &d.url(),
                &format!("{} {}", d.plain, d.owner),
            ))
        };
        // The language shapes an entry too (folding, stems, the kind's display name).
        let key = d.source_hash ^ site.messages.fingerprint;
        entries.push(match cache {
            Some(c) => c.get_or_make(d.id.clone(), key, make),
            None => make(),
        });
    }
    for item in &site.catalog.items {
        let k = match item.kind {
            crate::model::catalog::ItemKind::Control => "control",
            crate::model::catalog::ItemKind::Group | crate::model::catalog::ItemKind::Objective => "group",
            _ => "clause",
        };
        let k = site.messages.label("kind", k);
        let x = [item.description.as_str(), item.objective.as_deref().unwrap_or(""), item.guidance.as_deref().unwrap_or("")].join(" ");
        entries.push(Arc::new(indexed(&lang, &item.id, &item.title, &k, &document::clause_url(&item.id), x.trim())));
    }
    for df in &site.data_files {
        let Some(doc) = site.doc_for_data(&df.rel) else { continue };
        if df.list_key == "controls" {
            continue;
        }
        for row in &df.rows {
            let Some(id) = row.id() else { continue };
            let title: String =
                ["title", "name", "course", "description"].iter().find_map(|k| row.str(k)).unwrap_or("").chars().take(160).collect();
            let x = df.columns.iter().map(|c| row.text(c)).collect::<Vec<_>>().join(" ");
            let url = format!("{}#row-{}", doc.url(), document::slug(id));
            entries.push(Arc::new(indexed(
                &lang,
                id,
                &title,
                &site.messages.get("search-row-of", &[("id", doc.id.as_str().into())]).unwrap_or_default(),
                &url,
                &x,
            )));
        }
    }
    shard(&entries, &lang)
}

/// Cuts the indexed entries into the entry file, term shards and document buckets.
fn shard(entries: &[Arc<Indexed>], lang: &Language) -> Vec<Page> {
    let mut pages = Vec::new();
    for (b, chunk) in entries.chunks(DOC_BUCKET).enumerate() {
        let rows: Vec<&str> = chunk.iter().map(|e| e.row_json.as_str()).collect();
        let body = format!("AIMSBOOK_SEARCH_SHARD({{\"k\":\"d{b}\",\"e\":[{}]}});\n", rows.join(","));
        pages.push(Page { path: format!("static/search/d{b}.js"), bytes: body.into_bytes().into() });
    }
    // Postings by term; entries are visited in order, so each list is sorted by entry number.
    let mut postings: BTreeMap<&str, Vec<(u32, u32)>> = BTreeMap::new();
    for (n, e) in entries.iter().enumerate() {
        for (t, code) in &e.terms {
            postings.entry(t.as_str()).or_default().push((n as u32, *code));
        }
    }
    let mut terms: Vec<(&str, Vec<(u32, u32)>)> = postings.into_iter().collect();
    terms.sort_by(|a, b| js_order(a.0, b.0));
    // Each term as `"term":[gap,code,gap,code,...]`, entry numbers as gaps from the previous.
    let mut firsts: Vec<&str> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, pages: &mut Vec<Page>, n: usize| {
        let body = format!("AIMSBOOK_SEARCH_SHARD({{\"k\":\"t{n}\",\"t\":{{{current}}}}});\n");
        pages.push(Page { path: format!("static/search/t{n}.js"), bytes: body.into_bytes().into() });
        current.clear();
    };
    for (term, list) in &terms {
        let mut item = json(term);
        item.push_str(":[");
        let mut last = 0;
        for (i, (n, code)) in list.iter().enumerate() {
            if i > 0 {
                item.push(',');
            }
            let _ = write!(item, "{},{}", n - last, code);
            last = *n;
        }
        item.push(']');
        if !current.is_empty() && current.len() + item.len() > TERM_SHARD_BYTES {
            flush(&mut current, &mut pages, firsts.len() - 1);
        }
        if current.is_empty() {
            firsts.push(term);
        } else {
            current.push(',');
        }
        current.push_str(&item);
    }
    if !current.is_empty() {
        flush(&mut current, &mut pages, firsts.len() - 1);
    }
    // "l": the language (search.js folds German digraphs), "x": the endings it may strip.
    let entry = format!(
        "window.AIMSBOOK_SEARCH_INDEX={{\"n\":{},\"b\":{},\"t\":{},\"l\":{},\"x\":{}}};\n",
        entries.len(),
        DOC_BUCKET,
        json(&firsts),
        json(&lang.code),
        json(&lang.endings())
    );
    pages.push(Page { path: "static/search-index.js".into(), bytes: entry.into_bytes().into() });
    pages
}

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn german_folds_umlauts_digraphs_and_sharp_s_and_stems_inflections() {
        let de = Language::new("de");
        for w in ["Überwachung", "uberwachung", "UEBERWACHUNG", "ueberwachung"] {
            assert_eq!(de.fold(w), "uberwachung", "{w}");
        }
        assert_eq!(de.fold("Straße"), de.fold("strasse"));
        assert_eq!(de.fold("Quelle"), "quelle", "ue after q is not an umlaut");
        assert_eq!(de.stem(&de.fold("Überwachungen")), de.stem(&de.fold("Überwachung")));
    }

    #[test]
    fn french_folds_accents() {
        let fr = Language::new("fr");
        assert_eq!(fr.fold("Sécurité"), "securite");
        assert_eq!(fr.stem(&fr.fold("évaluations")), fr.stem(&fr.fold("évaluation")));
    }
}
