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

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::parse::document::{self, Document};
use crate::render::Page;
use crate::support::hash::{Map, Set};
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
/// Indexed entries kept by `serve`: documents and catalog items one by one, register rows by
/// data file.
#[derive(Default)]
pub(crate) struct EntryCache {
    entries: crate::support::memo::Memo<String, Arc<Indexed>>,
    rows: crate::support::memo::Memo<String, Arc<Vec<Arc<Indexed>>>>,
}

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

/// The words of `text` as written: runs of letters and digits, as search.js splits a query
/// (`/[^\p{Alphabetic}\p{N}]+/u`); folding ([`Language::fold`]) lower-cases them.
fn words(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty() && w.len() <= MAX_TERM)
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
    /// The index terms of each word met so far ([`Language::for_terms`]): a site's vocabulary
    /// is small next to its word count, and folding and stemming every occurrence made the
    /// index four times slower to build.
    terms_memo: std::cell::RefCell<Map<String, Vec<String>>>,
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

    /// Calls `f` with the index terms of one word: its stem when that differs from the folded
    /// word (a query finds another inflection), then the folded word (found exactly, or by
    /// prefix while typing).
    fn for_terms(&self, word: &str, mut f: impl FnMut(&str)) {
        let mut memo = self.terms_memo.borrow_mut();
        if let Some(terms) = memo.get(word) {
            terms.iter().for_each(|t| f(t));
            return;
        }
        let folded = self.fold(word);
        let stem = self.stem(&folded);
        let mut terms = Vec::with_capacity(2);
        if stem != folded && !stem.is_empty() {
            terms.push(stem);
        }
        terms.push(folded);
        terms.iter().for_each(|t| f(t));
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
    let mut codes: Map<String, u32> = Map::default();
    // Each word as folded, and its stem as a term of its own (same code), so a query finds
    // the word exactly, by prefix while typing, or by its stem in another inflection. Words are
    // taken as written (folding lower-cases them) and a term is copied only the first time the
    // entry has it: most of a text's words are repeats.
    let mut each_term = |t: &str, update: &dyn Fn(&mut u32)| {
        for w in words(t) {
            lang.for_terms(w, |term| match codes.get_mut(term) {
                Some(code) => update(code),
                None => {
                    let mut code = 0;
                    update(&mut code);
                    codes.insert(term.to_string(), code);
                }
            });
        }
    };
    each_term(text, &|c| {
        if *c & 0xff < 0xff {
            *c += 1;
        }
    });
    each_term(title, &|c| *c |= IN_TITLE);
    each_term(id, &|c| *c |= IN_ID);
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

/// The entry file and all shards of a build, each handed to `emit` as soon as it is made, and
/// how many pages that was. The bytes are those [`index_pages_cached`] makes in `serve`.
pub(crate) fn emit_index(site: &Site, emit: &(dyn Fn(Page) -> Result<(), Diagnostic> + Sync)) -> Result<usize, Diagnostic> {
    let mut index = Streamed::new(emit);
    for_each_entry(site, None, &mut |e| {
        index.push(Arc::try_unwrap(e).unwrap_or_else(|shared| Indexed { row_json: shared.row_json.clone(), terms: shared.terms.clone() }))
    });
    index.finish(&Language::new(&site.messages.lang))
}

/// A build's index, written as it is made: it keeps neither the entries' excerpt rows (each
/// document bucket is written when its last entry comes) nor the shards (each is written as it
/// is cut), only the postings, in the compact form of [`CompactPostings`], until the terms are
/// cut. At 20,000 documents that held 150 MB less at the build's peak than making every page
/// first.
struct Streamed<'a> {
    emit: &'a (dyn Fn(Page) -> Result<(), Diagnostic> + Sync),
    postings: CompactPostings,
    /// The rows of the bucket being filled.
    bucket: Vec<String>,
    entries: usize,
    /// Pages emitted.
    count: usize,
    /// The first page the sink refused: nothing more is emitted after it.
    failed: Option<Diagnostic>,
}

impl<'a> Streamed<'a> {
    fn new(emit: &'a (dyn Fn(Page) -> Result<(), Diagnostic> + Sync)) -> Self {
        Streamed { emit, postings: CompactPostings::default(), bucket: Vec::with_capacity(DOC_BUCKET), entries: 0, count: 0, failed: None }
    }

    fn emit(&mut self, page: Page) {
        if self.failed.is_none() {
            match (self.emit)(page) {
                Ok(()) => self.count += 1,
                Err(d) => self.failed = Some(d),
            }
        }
    }

    /// The next entry, in index order.
    fn push(&mut self, entry: Indexed) {
        self.postings.add(self.entries as u32, &entry.terms);
        self.bucket.push(entry.row_json);
        self.entries += 1;
        if self.bucket.len() == DOC_BUCKET {
            self.emit_bucket();
        }
    }

    fn emit_bucket(&mut self) {
        let page = bucket_page(self.entries.div_ceil(DOC_BUCKET) - 1, &self.bucket);
        self.bucket.clear();
        self.emit(page);
    }

    /// Writes the last bucket, the term shards and the entry file.
    fn finish(mut self, lang: &Language) -> Result<usize, Diagnostic> {
        if !self.bucket.is_empty() {
            self.emit_bucket();
        }
        let postings = std::mem::take(&mut self.postings);
        let mut terms: Vec<&str> = postings.0.keys().map(|t| &**t).collect();
        terms.sort_unstable_by(|a, b| js_order(a, b));
        let mut firsts: Vec<String> = Vec::new();
        for_each_run(&terms, |run| {
            cut(run, &|term, out| postings.write(term, out), &mut |first, items| {
                self.emit(term_page(firsts.len(), &items));
                firsts.push(first);
            })
        });
        self.emit(entry_page(self.entries, &firsts, lang));
        match self.failed {
            Some(d) => Err(d),
            None => Ok(self.count),
        }
    }
}

/// The entry file and all shards for `serve`: entries whose text is unchanged are reused, and
/// the shards are updated from the last index instead of being cut again: see [`IndexState`].
pub(crate) fn index_pages_cached(site: &Site, entry_cache: &EntryCache, state: &IndexState) -> Vec<Page> {
    let lang = Language::new(&site.messages.lang);
    let timer = crate::support::timer::Timer::new();
    let Ok(mut built) = state.0.lock() else {
        let mut entries = Vec::new();
        for_each_entry(site, Some(entry_cache), &mut |e| entries.push(e));
        return Built::new(&lang.code).update(entries).pages(&lang);
    };
    let fingerprint = site.messages.fingerprint;
    let docs: Vec<&Arc<Document>> = site.paged.iter().map(|&i| &site.documents[i]).collect();
    let last = built.take().filter(|b| b.lang == lang.code && b.fingerprint == fingerprint && b.documents.len() == docs.len());
    let mut b = match last {
        // The same documents in number: only those that are not the very same document (`Arc`)
        // in the same place are indexed again, and the others' entries are not even touched.
        Some(mut b) => {
            let changed: Vec<usize> = (0..docs.len()).filter(|&k| !Arc::ptr_eq(&b.documents[k], docs[k])).collect();
            let fresh = document_entries(site, entry_cache, &changed.iter().map(|&k| docs[k]).collect::<Vec<_>>());
            let mut others = Vec::new();
            other_entries(site, Some(entry_cache), &lang, &mut |e| others.push(e));
            timer.lap("    search entries");
            for (&k, e) in changed.iter().zip(fresh) {
                b.documents[k] = docs[k].clone();
                b.replace(k, e);
            }
            if b.entries.len() == docs.len() + others.len() {
                for (j, e) in others.into_iter().enumerate() {
                    b.replace(docs.len() + j, e);
                }
                b
            } else {
                // Catalog items or register rows came or went: the entries after the
                // documents moved, so the index is made again from the entries.
                let mut entries: Vec<Arc<Indexed>> = b.entries[..docs.len()].to_vec();
                entries.extend(others);
                Built { documents: b.documents, fingerprint, ..Built::new(&lang.code) }.update(entries)
            }
        }
        None => {
            let mut entries = Vec::new();
            for_each_entry(site, Some(entry_cache), &mut |e| entries.push(e));
            timer.lap("    search entries");
            let documents = docs.iter().map(|d| (*d).clone()).collect();
            Built { documents, fingerprint, ..Built::new(&lang.code) }.update(entries)
        }
    };
    timer.lap("    search index update");
    let pages = b.pages(&lang);
    timer.lap("    search index pages");
    *built = Some(b);
    pages
}

/// Postings under construction: term → (entry number, code), in entry order.
#[derive(Default)]
struct Postings(Map<String, Vec<(u32, u32)>>);

/// A build's postings, compact: per term the gap from the previous entry number and the code
/// of each posting as LEB128 varints, which are the very numbers a term shard writes. About
/// three bytes a posting instead of eight plus the slack of a growing list.
#[derive(Default)]
struct CompactPostings(Map<Box<str>, PostingBytes>);

struct PostingBytes {
    /// The entry number of the last posting (the next gap is counted from it).
    last: u32,
    bytes: Vec<u8>,
}

impl CompactPostings {
    /// Entry `n`'s terms; entries come in increasing order.
    fn add(&mut self, n: u32, terms: &[(String, u32)]) {
        for (t, code) in terms {
            let list = match self.0.get_mut(t.as_str()) {
                Some(list) => list,
                None => self.0.entry(t.as_str().into()).or_insert(PostingBytes { last: 0, bytes: Vec::new() }),
            };
            push_varint(&mut list.bytes, n - list.last);
            push_varint(&mut list.bytes, *code);
            list.last = n;
        }
    }

    /// `term`'s postings as a shard writes them: `gap,code,gap,code,...`.
    fn write(&self, term: &str, out: &mut String) {
        let Some(list) = self.0.get(term) else { return };
        let mut bytes = list.bytes.as_slice();
        let mut first = true;
        let mut digits = itoa::Buffer::new();
        while !bytes.is_empty() {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(digits.format(read_varint(&mut bytes)));
        }
    }
}

fn push_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn read_varint(bytes: &mut &[u8]) -> u32 {
    let mut value = 0u32;
    let mut shift = 0;
    while let Some((&b, rest)) = bytes.split_first() {
        *bytes = rest;
        value |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    value
}

impl Postings {
    fn add(&mut self, n: u32, terms: &[(String, u32)]) {
        for (t, code) in terms {
            match self.0.get_mut(t.as_str()) {
                Some(list) => list.push((n, *code)),
                None => {
                    self.0.insert(t.clone(), vec![(n, *code)]);
                }
            }
        }
    }
}

/// `serve`: these documents' entries, each from the memo by id when its text and the
/// messages are unchanged, the others made in parallel.
fn document_entries(site: &Site, c: &EntryCache, docs: &[&Arc<Document>]) -> Vec<Arc<Indexed>> {
    use rayon::prelude::*;
    let fingerprint = site.messages.fingerprint;
    docs.par_iter()
        .map_init(
            || Language::new(&site.messages.lang),
            |lang, d| c.entries.get_or_make_by(d.id.as_str(), d.source_hash ^ fingerprint, || document_entry(site, lang, d)),
        )
        .collect()
}

/// Hands every searchable entry to `f` in index order: documents, catalog items, register rows.
fn for_each_entry(site: &Site, cache: Option<&EntryCache>, f: &mut dyn FnMut(Arc<Indexed>)) {
    use rayon::prelude::*;
    let lang = Language::new(&site.messages.lang);
    let docs: Vec<&Arc<Document>> = site.paged.iter().map(|&i| &site.documents[i]).collect();
    match cache {
        Some(c) => document_entries(site, c, &docs).into_iter().for_each(&mut *f),
        None => {
            // A build: documents are indexed in parallel, each thread with its own memo of word
            // terms (kept across chunks), a small chunk at a time so that a build holds the
            // terms of one chunk only.
            let langs: Vec<std::sync::Mutex<Language>> =
                (0..rayon::current_num_threads().max(1)).map(|_| std::sync::Mutex::new(Language::new(&site.messages.lang))).collect();
            for chunk in docs.chunks(256) {
                let made: Vec<Arc<Indexed>> = chunk
                    .par_iter()
                    .map(|d| {
                        // Each thread takes its own language, so the lock is never contended.
                        let slot = &langs[rayon::current_thread_index().unwrap_or(0) % langs.len()];
                        let guard = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        document_entry(site, &guard, d)
                    })
                    .collect();
                made.into_iter().for_each(&mut *f);
            }
        }
    }
    other_entries(site, cache, &lang, f);
}

/// Hands the entries after the documents to `f`: catalog items, then register rows.
fn other_entries(site: &Site, cache: Option<&EntryCache>, lang: &Language, f: &mut dyn FnMut(Arc<Indexed>)) {
    let timer = crate::support::timer::Timer::new();
    for item in &site.catalog.items {
        let k = match item.kind {
            crate::model::catalog::ItemKind::Control => "control",
            crate::model::catalog::ItemKind::Group | crate::model::catalog::ItemKind::Objective => "group",
            _ => "clause",
        };
        let k = site.messages.label("kind", k);
        let x = [item.description.as_str(), item.objective.as_deref().unwrap_or(""), item.guidance.as_deref().unwrap_or("")].join(" ");
        let make = || Arc::new(indexed(lang, &item.id, &item.title, &k, &document::clause_url(&item.id), x.trim()));
        f(cached(cache, format!("item:{}", item.id), &(&item.title, &k, &x, site.messages.fingerprint), make));
    }
    timer.lap("      catalog entries");
    for df in &site.data_files {
        let Some(doc) = site.doc_for_data(&df.rel) else { continue };
        if df.list_key == "controls" {
            continue;
        }
        // A register's rows as one: made again only when its text, its columns, the document
        // that governs it or the language changed.
        let make = || Arc::new(register_rows(site, lang, df, doc));
        let rows = match cache {
            Some(c) => {
                let key = crate::support::hash::fingerprint(&(&df.text, &df.columns, &*df.semantics, &doc.id, site.messages.fingerprint));
                c.rows.get_or_make_by(df.rel.as_str(), key, make)
            }
            None => make(),
        };
        rows.iter().cloned().for_each(&mut *f);
    }
    timer.lap("      register row entries");
}

/// A document's search entry. It follows from the document's text and the language (folding,
/// stems, the kind's display name): `serve` keeps it by the document's text hash and the
/// messages' fingerprint.
fn document_entry(site: &Site, lang: &Language, d: &crate::parse::document::Document) -> Arc<Indexed> {
    // The plain text is made here, not kept with the document: only the index reads it, and a
    // build's model is smaller without it.
    let text = format!("{} {}", crate::parse::markdown::plain_text(&d.body), d.owner);
    Arc::new(indexed(lang, &d.id, &d.title, &site.messages.label("doc-type", &d.doc_type), &d.url(), &text))
}

/// The search entries of a register's rows (those with an id), in row order.
fn register_rows(
    site: &Site,
    lang: &Language,
    df: &crate::parse::data::DataFile,
    doc: &crate::parse::document::Document,
) -> Vec<Arc<Indexed>> {
    let mut out = Vec::new();
    for row in &df.rows {
        let Some(id) = row.id() else { continue };
        let title: String =
            ["title", "name", "course", "description"].iter().find_map(|k| row.str(k)).unwrap_or("").chars().take(160).collect();
        let x = df.columns.iter().map(|c| row.text(c)).collect::<Vec<_>>().join(" ");
        let url = format!("{}#row-{}", doc.url(), document::slug(id));
        let kind = site.messages.get("search-row-of", &[("id", doc.id.as_str().into())]).unwrap_or_default();
        out.push(Arc::new(indexed(lang, id, &title, &kind, &url, &x)));
    }
    out
}

fn cached(cache: Option<&EntryCache>, name: String, inputs: &impl std::hash::Hash, make: impl FnOnce() -> Arc<Indexed>) -> Arc<Indexed> {
    let Some(cache) = cache else { return make() };
    cache.entries.get_or_make(name, crate::support::hash::fingerprint(inputs), make)
}

/// Term shards are cut in runs that start at *anchor* terms: the first term, and every term
/// whose FNV-1a hash is a multiple of this. Within a run the terms are cut greedily into
/// shards of about [`TERM_SHARD_BYTES`]. A term's postings changing can therefore only move the
/// cuts of its own run, which is what lets `serve` re-cut just the runs an edit touched and
/// still produce the bytes a fresh build produces.
const RUN_ANCHOR: u64 = 512;

fn is_anchor(term: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in term.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h.is_multiple_of(RUN_ANCHOR)
}

/// Positions of the anchor terms that start the runs of `terms` (sorted): the first term and
/// every term [`is_anchor`] picks.
fn anchors<T: AsRef<str>>(terms: &[T]) -> Vec<usize> {
    (0..terms.len()).filter(|&i| i == 0 || is_anchor(terms[i].as_ref())).collect()
}

/// Hands each run of `terms` (sorted) to `f`, in order.
fn for_each_run<T: AsRef<str>>(terms: &[T], mut f: impl FnMut(&[T])) {
    let anchors = anchors(terms);
    for (k, &start) in anchors.iter().enumerate() {
        let stop = anchors.get(k + 1).copied().unwrap_or(terms.len());
        f(&terms[start..stop]);
    }
}

/// One run's terms cut greedily into shards of about [`TERM_SHARD_BYTES`]; each term as
/// `"term":[gap,code,gap,code,...]` (`postings` writes the list), entry numbers as gaps from
/// the previous. Each shard goes to `out` as (first term, items) when it is complete.
fn cut<T: AsRef<str>>(terms: &[T], postings: &dyn Fn(&str, &mut String), out: &mut dyn FnMut(String, String)) {
    let mut first = String::new();
    let mut current = String::new();
    let mut item = String::new();
    for term in terms {
        let term = term.as_ref();
        item.clear();
        item.push_str(&json(&term));
        item.push_str(":[");
        postings(term, &mut item);
        item.push(']');
        if !current.is_empty() && current.len() + item.len() > TERM_SHARD_BYTES {
            out(std::mem::take(&mut first), std::mem::take(&mut current));
        }
        if current.is_empty() {
            first = term.to_string();
        } else {
            current.push(',');
        }
        current.push_str(&item);
    }
    if !current.is_empty() {
        out(first, current);
    }
}

/// Term shard `n` with its `"term":[postings]` items.
fn term_page(n: usize, items: &str) -> Page {
    let body = format!("AIMSBOOK_SEARCH_SHARD({{\"k\":\"t{n}\",\"t\":{{{items}}}}});\n");
    Page { path: format!("static/search/t{n}.js"), bytes: body.into_bytes().into() }
}

/// Document bucket `b` with its entries' rows.
fn bucket_page<S: AsRef<str>>(b: usize, rows: &[S]) -> Page {
    let mut body = format!("AIMSBOOK_SEARCH_SHARD({{\"k\":\"d{b}\",\"e\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(row.as_ref());
    }
    body.push_str("]});\n");
    Page { path: format!("static/search/d{b}.js"), bytes: body.into_bytes().into() }
}

/// The entry file: the number of entries, the bucket size, each term shard's first term, the
/// language and the endings the page may strip.
fn entry_page<S: serde::Serialize>(entries: usize, firsts: &[S], lang: &Language) -> Page {
    // "l": the language (search.js folds German digraphs), "x": the endings it may strip.
    let entry = format!(
        "window.AIMSBOOK_SEARCH_INDEX={{\"n\":{},\"b\":{},\"t\":{},\"l\":{},\"x\":{}}};\n",
        entries,
        DOC_BUCKET,
        json(&firsts),
        json(&lang.code),
        json(&lang.endings())
    );
    Page { path: "static/search-index.js".into(), bytes: entry.into_bytes().into() }
}

/// The last search index built, kept by `serve` so that an edit re-cuts only what it changed.
#[derive(Default)]
pub(crate) struct IndexState(std::sync::Mutex<Option<Built>>);

/// One run of term shards: each shard's first term and its `"term":[postings]` items.
#[derive(Clone)]
struct Run {
    /// The next run's anchor (`None` for the last run): the run's terms end before it.
    end: Option<String>,
    shards: Vec<(String, Arc<str>)>,
}

pub(crate) struct Built {
    lang: String,
    /// `serve`: the documents the first entries were made from, in order, and the messages'
    /// fingerprint they were made with.
    documents: Vec<Arc<Document>>,
    fingerprint: u64,
    entries: Vec<Arc<Indexed>>,
    /// term → (entry number, code), sorted by entry number.
    postings: Map<String, Vec<(u32, u32)>>,
    /// Every term, in the order search.js compares strings.
    terms: Vec<String>,
    /// Runs by anchor term.
    runs: Map<String, Run>,
    /// Terms whose postings changed since the runs were cut.
    dirty: Vec<String>,
    /// Document buckets whose entries changed since they were written.
    dirty_buckets: Vec<usize>,
    /// The pages of the last index: term shards by number, then buckets by number.
    term_pages: Vec<(Arc<str>, Page)>,
    bucket_pages: Vec<Page>,
}

impl Built {
    fn new(lang: &str) -> Built {
        Built {
            lang: lang.to_string(),
            documents: Vec::new(),
            fingerprint: 0,
            entries: Vec::new(),
            postings: Map::default(),
            terms: Vec::new(),
            runs: Map::default(),
            dirty: Vec::new(),
            dirty_buckets: Vec::new(),
            term_pages: Vec::new(),
            bucket_pages: Vec::new(),
        }
    }

    /// An index made from scratch: every bucket and every run is written anew.
    fn from_postings(from: Built, entries: Vec<Arc<Indexed>>, postings: Map<String, Vec<(u32, u32)>>) -> Built {
        let mut terms: Vec<String> = postings.keys().cloned().collect();
        terms.sort_unstable_by(|a, b| js_order(a, b));
        let mut fresh = Built { documents: from.documents, fingerprint: from.fingerprint, ..Built::new(&from.lang) };
        fresh.dirty_buckets = (0..entries.len().div_ceil(DOC_BUCKET)).collect();
        fresh.postings = postings;
        fresh.terms = terms;
        fresh.entries = entries;
        fresh
    }

    /// Takes the new entries: from nothing, every posting is collected; otherwise only the
    /// entries that changed (same number of entries) update the postings of their terms.
    fn update(mut self, entries: Vec<Arc<Indexed>>) -> Built {
        if self.entries.is_empty() || self.entries.len() != entries.len() {
            let mut postings = Postings::default();
            for (n, e) in entries.iter().enumerate() {
                postings.add(n as u32, &e.terms);
            }
            return Built::from_postings(self, entries, postings.0);
        }
        for (n, new) in entries.into_iter().enumerate() {
            self.replace(n, new);
        }
        self
    }

    /// Entry `n` is now `new`: its bucket and the postings of its terms follow when it differs.
    fn replace(&mut self, n: usize, new: Arc<Indexed>) {
        let old = &self.entries[n];
        if Arc::ptr_eq(old, &new) || (old.row_json == new.row_json && old.terms == new.terms) {
            return;
        }
        if old.row_json != new.row_json {
            self.dirty_buckets.push(n / DOC_BUCKET);
        }
        let old = std::mem::replace(&mut self.entries[n], new.clone());
        self.change_terms(n as u32, &old.terms, &new.terms);
    }

    /// Replaces entry `n`'s postings: both lists are sorted by term.
    fn change_terms(&mut self, n: u32, old: &[(String, u32)], new: &[(String, u32)]) {
        use std::cmp::Ordering::*;
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < new.len() {
            let order = match (old.get(i), new.get(j)) {
                (Some(a), Some(b)) => a.0.cmp(&b.0),
                (Some(_), None) => Less,
                _ => Greater,
            };
            match order {
                Less => {
                    self.set_posting(&old[i].0, n, None);
                    i += 1;
                }
                Greater => {
                    self.set_posting(&new[j].0, n, Some(new[j].1));
                    j += 1;
                }
                Equal => {
                    if old[i].1 != new[j].1 {
                        self.set_posting(&new[j].0, n, Some(new[j].1));
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
    }

    /// Sets (or with `None` removes) entry `n`'s code in `term`'s postings.
    fn set_posting(&mut self, term: &str, n: u32, code: Option<u32>) {
        self.dirty.push(term.to_string());
        let list = match self.postings.get_mut(term) {
            Some(list) => list,
            None => {
                if code.is_none() {
                    return;
                }
                if let Err(at) = self.terms.binary_search_by(|t| js_order(t, term)) {
                    self.terms.insert(at, term.to_string());
                }
                self.postings.entry(term.to_string()).or_default()
            }
        };
        match (list.binary_search_by_key(&n, |p| p.0), code) {
            (Ok(at), Some(c)) => list[at].1 = c,
            (Ok(at), None) => {
                list.remove(at);
            }
            (Err(at), Some(c)) => list.insert(at, (n, c)),
            (Err(_), None) => {}
        }
        if list.is_empty() {
            self.postings.remove(term);
            if let Ok(at) = self.terms.binary_search_by(|t| js_order(t, term)) {
                self.terms.remove(at);
            }
        }
    }

    /// Cuts the runs again where needed and writes the entry file, term shards and buckets.
    fn pages(&mut self, lang: &Language) -> Vec<Page> {
        // Which term positions an edit touched (a removed term marks where it was).
        let mut touched: Vec<usize> = self
            .dirty
            .iter()
            .flat_map(|t| match self.terms.binary_search_by(|x| js_order(x, t)) {
                Ok(i) => [i, i],
                Err(i) => [i.saturating_sub(1), i],
            })
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let anchors = anchors(&self.terms);
        // A run cut again keeps the shards of its large terms (a term with a shard of its own)
        // whose postings did not change: serialising a common word's postings is the bulk of
        // the work, and an edit changes few of them.
        let dirty: Set<&str> = self.dirty.iter().map(String::as_str).collect();
        let mut runs: Map<String, Run> = Map::with_capacity_and_hasher(anchors.len(), Default::default());
        let mut shards: Vec<(String, Arc<str>)> = Vec::new();
        for (k, &start) in anchors.iter().enumerate() {
            let stop = anchors.get(k + 1).copied().unwrap_or(self.terms.len());
            let anchor = &self.terms[start];
            let end = anchors.get(k + 1).map(|&a| self.terms[a].clone());
            let first_touched = touched.partition_point(|&p| p < start);
            let clean = touched.get(first_touched).is_none_or(|&p| p >= stop);
            let run = match self.runs.get(anchor) {
                Some(old) if clean && old.end == end => old.clone(),
                old => Run { end, shards: self.cut(&self.terms[start..stop], old, &dirty) },
            };
            shards.extend(run.shards.iter().cloned());
            runs.insert(anchor.clone(), run);
        }
        let mut buckets = Vec::with_capacity(self.entries.len().div_ceil(DOC_BUCKET));
        for (b, chunk) in self.entries.chunks(DOC_BUCKET).enumerate() {
            match self.bucket_pages.get(b) {
                Some(p) if !self.dirty_buckets.contains(&b) => buckets.push(p.clone()),
                _ => {
                    let rows: Vec<&str> = chunk.iter().map(|e| e.row_json.as_str()).collect();
                    buckets.push(bucket_page(b, &rows));
                }
            }
        }
        let mut term_pages = Vec::with_capacity(shards.len());
        for (n, (_, items)) in shards.iter().enumerate() {
            match self.term_pages.get(n) {
                Some((old, page)) if Arc::ptr_eq(old, items) => term_pages.push((old.clone(), page.clone())),
                _ => term_pages.push((items.clone(), term_page(n, items))),
            }
        }
        let mut pages: Vec<Page> = buckets.clone();
        pages.extend(term_pages.iter().map(|(_, p)| p.clone()));
        let firsts: Vec<&str> = shards.iter().map(|(first, _)| first.as_str()).collect();
        pages.push(entry_page(self.entries.len(), &firsts, lang));
        self.runs = runs;
        self.term_pages = term_pages;
        self.bucket_pages = buckets;
        self.dirty.clear();
        self.dirty_buckets.clear();
        pages
    }

    /// One run's terms cut into shards (see [`cut`]). `old` is the run's last cut: a term alone
    /// in a shard there, not among the `dirty` ones, keeps that shard.
    fn cut(&self, terms: &[String], old: Option<&Run>, dirty: &Set<&str>) -> Vec<(String, Arc<str>)> {
        // Several items make at most the target size and one comma (they are cut before it),
        // so a larger shard is exactly one term's item; and the cut flushes before such an item
        // and after it, so cutting the terms on either side apart gives the same shards.
        let alone: Map<&str, &Arc<str>> = old
            .map(|run| {
                run.shards
                    .iter()
                    .filter(|(_, items)| items.len() > TERM_SHARD_BYTES + 1)
                    .map(|(first, items)| (first.as_str(), items))
                    .collect()
            })
            .unwrap_or_default();
        let write = |term: &str, out: &mut String| {
            let mut digits = itoa::Buffer::new();
            let mut last = 0;
            for (i, (n, code)) in self.postings.get(term).map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(digits.format(n - last));
                out.push(',');
                out.push_str(digits.format(*code));
                last = *n;
            }
        };
        let mut shards = Vec::new();
        let mut from = 0;
        for (i, term) in terms.iter().enumerate() {
            if let Some(kept) = alone.get(term.as_str()).filter(|_| !dirty.contains(term.as_str())) {
                cut(&terms[from..i], &write, &mut |first, items| shards.push((first, Arc::from(items))));
                shards.push((term.clone(), Arc::clone(kept)));
                from = i + 1;
            }
        }
        cut(&terms[from..], &write, &mut |first, items| shards.push((first, Arc::from(items))));
        shards
    }
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

#[cfg(test)]
mod incremental {
    use super::*;

    fn entry(lang: &Language, n: usize, text: &str) -> Arc<Indexed> {
        Arc::new(indexed(lang, &format!("DOC-{n:03}"), &format!("Title {n}"), "procedure", &format!("doc/DOC-{n:03}.html"), text))
    }

    fn fresh(lang: &Language, entries: &[Arc<Indexed>]) -> Vec<(String, Vec<u8>)> {
        let mut b = Built::new(&lang.code).update(entries.to_vec());
        b.pages(lang).into_iter().map(|p| (p.path, p.bytes.to_vec())).collect()
    }

    /// A build's streamed index (compact postings, pages written as they are made) is byte for
    /// byte the index `serve` makes from the same entries: multi-byte gaps and codes (rare
    /// words, title matches, a word said 200 times), more than one bucket and shard.
    #[test]
    fn streamed_index_equals_the_kept_one() {
        let lang = Language::new("en");
        let mut texts: Vec<String> = (0..300).map(|n| format!("common word{} rare{} w{}", n % 7, n, n * 37 % 1000)).collect();
        texts[3].push_str(&" repeated".repeat(200));
        texts[299].push_str(" common");
        let entries: Vec<Arc<Indexed>> = texts.iter().enumerate().map(|(n, t)| entry(&lang, n, t)).collect();
        let pages = std::sync::Mutex::new(Vec::new());
        let emit = |p: Page| {
            pages.lock().unwrap().push((p.path, p.bytes.to_vec()));
            Ok(())
        };
        let mut streamed = Streamed::new(&emit);
        for e in &entries {
            streamed.push(Indexed { row_json: e.row_json.clone(), terms: e.terms.clone() });
        }
        let count = streamed.finish(&lang).unwrap();
        let streamed = pages.into_inner().unwrap();
        assert_eq!(count, streamed.len());
        assert!(streamed.iter().filter(|(p, _)| p.contains("/d")).count() > 30);
        assert_eq!(streamed, fresh(&lang, &entries));
    }

    #[test]
    fn varints_round_trip() {
        let values = [0, 1, 127, 128, 255, 256, 16_383, 16_384, 1 << 21, u32::MAX];
        let mut bytes = Vec::new();
        for v in values {
            push_varint(&mut bytes, v);
        }
        let mut rest = bytes.as_slice();
        let back: Vec<u32> = values.iter().map(|_| read_varint(&mut rest)).collect();
        assert_eq!(back, values);
        assert!(rest.is_empty());
    }

    /// An index updated edit by edit is byte for byte the index built afresh from the same
    /// entries, and an edit re-writes only a few term shards.
    #[test]
    fn updated_index_equals_a_fresh_one_after_every_edit() {
        let lang = Language::new("en");
        // A vocabulary large enough for many runs and shards: words w0..w29999, each entry a
        // pseudo-random selection.
        let mut seed: u64 = 7;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let mut texts: Vec<String> =
            (0..800).map(|_| (0..150).map(|_| format!("w{}", next(30000))).collect::<Vec<_>>().join(" ")).collect();
        let mut entries: Vec<Arc<Indexed>> = texts.iter().enumerate().map(|(n, t)| entry(&lang, n, t)).collect();
        let mut state = Built::new(&lang.code).update(entries.clone());
        let first = state.pages(&lang);
        assert!(first.iter().filter(|p| p.path.contains("/t")).count() > 20, "many term shards");
        for round in 0..40 {
            let n = next(texts.len() as u64) as usize;
            match round % 4 {
                // A new word (a new term, maybe a new anchor), a removed word, a repeated word
                // (another frequency), a whole new text.
                0 => texts[n].push_str(&format!(" brandnew{round}")),
                1 => texts[n] = texts[n].split(' ').skip(1).collect::<Vec<_>>().join(" "),
                2 => texts[n].push_str(" w1 w1 w1"),
                _ => texts[n] = (0..80).map(|_| format!("w{}", next(30000))).collect::<Vec<_>>().join(" "),
            }
            entries[n] = entry(&lang, n, &texts[n]);
            let before: Map<String, Page> = state.term_pages.iter().map(|(_, p)| (p.path.clone(), p.clone())).collect();
            state = state.update(entries.clone());
            let updated = state.pages(&lang);
            let got: Vec<(String, Vec<u8>)> = updated.iter().map(|p| (p.path.clone(), p.bytes.to_vec())).collect();
            assert_eq!(got, fresh(&lang, &entries), "round {round}: the updated index differs from a fresh one");
            // Shards the edit did not touch are the very same bytes as before (not re-cut).
            let reused = updated.iter().filter(|p| before.get(&p.path).is_some_and(|b| b.bytes.as_ptr() == p.bytes.as_ptr())).count();
            let terms = updated.iter().filter(|p| p.path.contains("/t")).count();
            if round % 4 != 3 {
                assert!(reused * 2 > terms, "round {round}: only {reused} of {terms} term shards reused");
            }
        }
    }

    /// Words in nearly every entry get term shards of their own; re-cutting a run keeps such a
    /// shard while its word's postings are unchanged, and the index still equals a fresh one.
    #[test]
    fn a_common_words_shard_is_kept_until_its_postings_change() {
        let lang = Language::new("en");
        let mut seed: u64 = 11;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        // 7,000 entries: "alpha" and "beta" in each (postings far above a shard's size), a few
        // rarer words around them in term order ("alphab…", "bet…") so their runs get cut again.
        let mut texts: Vec<String> = (0..7000).map(|_| format!("alpha beta alphab{} bet{} w{}", next(50), next(50), next(3000))).collect();
        let mut entries: Vec<Arc<Indexed>> = texts.iter().enumerate().map(|(n, t)| entry(&lang, n, t)).collect();
        let mut state = Built::new(&lang.code).update(entries.clone());
        state.pages(&lang);
        let shard_of = |pages: &[Page], word: &str| -> Option<Page> {
            let head = format!(",\"t\":{{\"{word}\":[");
            pages.iter().find(|p| p.path.contains("/t") && String::from_utf8_lossy(&p.bytes).contains(&head)).cloned()
        };
        let mut kept = 0;
        for round in 0..12 {
            let n = next(texts.len() as u64) as usize;
            let touches_alpha = round % 3 == 2;
            match round % 3 {
                // Rare words next to the common ones change: their runs are cut again.
                0 => texts[n].push_str(&format!(" alphabravo{round} alphab{round}")),
                1 => texts[n].push_str(&format!(" betty{round}")),
                // The common word's own postings change (another frequency).
                _ => texts[n].push_str(" alpha"),
            }
            entries[n] = entry(&lang, n, &texts[n]);
            let before =
                shard_of(&state.term_pages.iter().map(|(_, p)| p.clone()).collect::<Vec<_>>(), "alpha").expect("alpha has a shard");
            state = state.update(entries.clone());
            let updated = state.pages(&lang);
            let got: Vec<(String, Vec<u8>)> = updated.iter().map(|p| (p.path.clone(), p.bytes.to_vec())).collect();
            assert_eq!(got, fresh(&lang, &entries), "round {round}: the updated index differs from a fresh one");
            let after = shard_of(&updated, "alpha").expect("alpha has a shard");
            assert!(after.bytes.len() > TERM_SHARD_BYTES, "alpha's postings fill a shard of their own");
            let same = after.bytes.as_ptr() == before.bytes.as_ptr();
            assert_eq!(same, !touches_alpha, "round {round}: alpha's shard kept exactly when its postings did not change");
            kept += usize::from(same);
        }
        assert_eq!(kept, 8);
    }
}
