//! Where each value of a YAML text is written, from the YAML parser's own event positions.
//!
//! Diagnostics point at the line of the offending key or row. Finding that line by scanning
//! the text goes wrong on everything YAML allows beyond the simplest block style: flow mappings
//! and sequences (`{id: A, status: x}`), block scalars whose text looks like `key: value`,
//! comments, quoted keys, anchors, a nested mapping that repeats a top-level key, CRLF. The
//! parser (granit-parser, the one serde-saphyr deserializes with) already knows, so one walk
//! over its events records, for every path of the value (`["rows", 3, "status"]`), where it is.

use serde_saphyr::granit_parser::{Event, Parser};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// One step of a path into a YAML value: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

impl From<&str> for Step {
    fn from(key: &str) -> Self {
        Step::Key(key.to_string())
    }
}

impl From<usize> for Step {
    fn from(index: usize) -> Self {
        Step::Index(index)
    }
}

/// A position in the file: 1-based line (of the file, not of the YAML text) and 1-based column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// The position of every node of one YAML document, by path. A mapping entry is where its key
/// is written; a sequence item is where the item's value starts (for `- id: A`, the `id`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Positions {
    by_path: BTreeMap<Vec<Step>, Pos>,
}

impl Positions {
    /// Walks the first document of `text`, whose first line is line `first_line` of the file
    /// (2 for front matter after the opening `---`). Text the parser rejects yields the
    /// positions found before the error (callers have already reported the error itself).
    pub(crate) fn of(text: &str, first_line: usize) -> Positions {
        let mut by_path = BTreeMap::new();
        walk(text, first_line, |path, pos| {
            if !by_path.contains_key(path) {
                by_path.insert(path.to_vec(), pos);
            }
        });
        Positions { by_path }
    }

    /// The position of the node at `path`, if the text has it there.
    pub(crate) fn get(&self, path: &[Step]) -> Option<Pos> {
        self.by_path.get(path).copied()
    }

    /// The line of the node at `path`, if the text has it there.
    pub(crate) fn line(&self, path: &[Step]) -> Option<usize> {
        self.get(path).map(|p| p.line)
    }

    /// The line of the deepest node along a JSON pointer (`/history/2/date`, as JSON Schema
    /// validators report them) below `base` that the text has: an error inside a value merged
    /// in from an anchor, say, is reported where the merge is written.
    pub(crate) fn pointer_line(&self, base: &[Step], pointer: &str) -> Option<usize> {
        let mut path = base.to_vec();
        let mut found = self.line(&path);
        if pointer.is_empty() {
            return found;
        }
        for part in pointer.trim_start_matches('/').split('/') {
            let key = part.replace("~1", "/").replace("~0", "~");
            let as_key = [path.as_slice(), &[Step::Key(key.clone())]].concat();
            let next = if self.by_path.contains_key(&as_key) {
                as_key
            } else {
                match key.parse::<usize>() {
                    Ok(i) => [path.as_slice(), &[Step::Index(i)]].concat(),
                    Err(_) => break,
                }
            };
            match self.line(&next) {
                Some(l) => found = Some(l),
                None => break,
            }
            path = next;
        }
        found
    }

    /// The keys of the mapping at `path`, each with the line it is written on.
    pub(crate) fn key_lines(&self, path: &[Step]) -> BTreeMap<String, usize> {
        self.children(path)
            .filter_map(|(step, pos)| match step {
                Step::Key(k) => Some((k.clone(), pos.line)),
                Step::Index(_) => None,
            })
            .collect()
    }

    fn children<'a>(&'a self, path: &'a [Step]) -> impl Iterator<Item = (&'a Step, &'a Pos)> + 'a {
        self.by_path
            .range(path.to_vec()..)
            .take_while(move |(p, _)| p.starts_with(path))
            .filter(move |(p, _)| p.len() == path.len() + 1)
            .filter_map(|(p, pos)| p.last().map(|s| (s, pos)))
    }
}

/// One walk over the events of the first document of `text`, calling `record` with the path
/// and position of every node in document order (a path can come more than once, e.g. for a
/// repeated key; the first is where it is written). [`Positions::of`] keeps them all; the
/// parse stage keeps only the few it needs for every file (the lines of a list's items) and
/// leaves the rest to a [`LazyPositions`], walked only when a diagnostic asks for a line.
fn walk(text: &str, first_line: usize, mut record: impl FnMut(&[Step], Pos)) {
    enum Frame {
        /// A mapping. `key`: `None` when a key comes next, `Some(Some(name))` when the value
        /// of `name` does, `Some(None)` when the value of a non-scalar key does (no path).
        /// `entered`: this collection added a step to `path` (all but the root).
        Map {
            key: Option<Option<String>>,
            entered: bool,
        },
        Seq {
            next: usize,
            entered: bool,
        },
    }
    let mut path: Vec<Step> = Vec::new();
    let mut frames: Vec<Frame> = Vec::new();
    // Depth inside a node that has no path: a mapping or sequence used as a key, and its value.
    let mut skipping = 0usize;
    let pos = |line: usize, col: usize| Pos { line: line + first_line - 1, column: col + 1 };
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        let (opens, closes) = match &event {
            Event::Scalar(..) | Event::Alias(..) => (false, false),
            Event::MappingStart(..) | Event::SequenceStart(..) => (true, false),
            Event::MappingEnd | Event::SequenceEnd => (false, true),
            Event::DocumentEnd => break,
            _ => continue,
        };
        if skipping > 0 {
            if opens {
                skipping += 1;
            } else if closes {
                skipping -= 1;
            }
            continue;
        }
        if closes {
            if let Some(Frame::Map { entered: true, .. } | Frame::Seq { entered: true, .. }) = frames.pop() {
                path.pop();
            }
            continue;
        }
        let here = pos(span.start.line(), span.start.col());
        // Where this node goes: `Some(step)` below the current path, `None` for the root or
        // a node without a path.
        let step = match frames.last_mut() {
            None => {
                record(&[], here);
                None
            }
            Some(Frame::Seq { next, .. }) => {
                let step = Step::Index(*next);
                *next += 1;
                Some(step)
            }
            Some(Frame::Map { key, .. }) => match key.take() {
                // This node is a key: a scalar names the entry, anything else has no path.
                None => {
                    if let Event::Scalar(name, ..) = &event {
                        *key = Some(Some(name.to_string()));
                        path.push(Step::Key(name.to_string()));
                        record(&path, here);
                        path.pop();
                    } else {
                        *key = Some(None);
                        if opens {
                            skipping = 1;
                        }
                    }
                    continue;
                }
                Some(Some(name)) => Some(Step::Key(name)),
                Some(None) => {
                    if opens {
                        skipping = 1;
                    }
                    continue;
                }
            },
        };
        let entered = step.is_some();
        if let Some(step) = step {
            path.push(step);
            // A mapping entry already has its key's position; a sequence item gets its own.
            record(&path, here);
            if !opens {
                path.pop();
            }
        }
        match event {
            Event::MappingStart(..) => frames.push(Frame::Map { key: None, entered }),
            Event::SequenceStart(..) => frames.push(Frame::Seq { next: 0, entered }),
            _ => {}
        }
    }
}

/// The position of each item of the sequence under the top-level key `key`, by index: what
/// `Positions::of(text, first_line).get(&[key, i])` gives, without keeping every other path.
pub(crate) fn item_positions(text: &str, first_line: usize, key: &str) -> BTreeMap<usize, Pos> {
    let mut items = BTreeMap::new();
    walk(text, first_line, |path, pos| {
        if let [Step::Key(k), Step::Index(i)] = path {
            if k == key {
                items.entry(*i).or_insert(pos);
            }
        }
    });
    items
}

/// The [`Positions`] of a YAML text, walked on first use. Most files have no finding, and a
/// walk over every front matter and data file on every parse was a large part of parse time;
/// the text is kept (shared) so a diagnostic raised later, by a check, still gets its line.
#[derive(Clone)]
pub(crate) struct LazyPositions(Arc<LazyText>);

struct LazyText {
    /// The text is `whole[range]`.
    whole: Arc<str>,
    range: std::ops::Range<usize>,
    first_line: usize,
    positions: OnceLock<Positions>,
}

impl LazyText {
    fn text(&self) -> &str {
        &self.whole[self.range.clone()]
    }
}

impl LazyPositions {
    /// `text` as [`Positions::of`] takes it, its first line being line `first_line` of the file.
    pub(crate) fn new(text: Arc<str>, first_line: usize) -> LazyPositions {
        let range = 0..text.len();
        LazyPositions(Arc::new(LazyText { whole: text, range, first_line, positions: OnceLock::new() }))
    }

    /// As [`new`](Self::new) for `part`, a slice of `whole` (a file's front matter), kept as a
    /// share of `whole` rather than a copy; a `part` that is not a slice of `whole` is copied.
    pub(crate) fn part_of(whole: &Arc<str>, part: &str, first_line: usize) -> LazyPositions {
        let start = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
        let range = start..start.wrapping_add(part.len());
        match whole.get(range.clone()) {
            Some(slice) if std::ptr::eq(slice, part) => {
                LazyPositions(Arc::new(LazyText { whole: whole.clone(), range, first_line, positions: OnceLock::new() }))
            }
            _ => LazyPositions::new(part.into(), first_line),
        }
    }

    /// The positions, walking the text the first time they are asked for.
    pub(crate) fn get(&self) -> &Positions {
        let lazy = &*self.0;
        lazy.positions.get_or_init(|| Positions::of(lazy.text(), lazy.first_line))
    }
}

impl std::fmt::Debug for LazyPositions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyPositions").field("first_line", &self.0.first_line).field("walked", &self.0.positions.get().is_some()).finish()
    }
}

/// The line of each key of one mapping ([`Positions::key_lines`]), computed on first use.
#[derive(Debug, Clone)]
pub struct KeyLines {
    positions: LazyPositions,
    path: Vec<Step>,
    /// The mapping's keys, when known without a walk to be exactly the keys written in the text
    /// (see [`KeyLines::with_keys`]): answers [`KeyLines::contains_key`], which checks ask of
    /// every document.
    keys: Option<KeySet>,
    lines: OnceLock<BTreeMap<String, usize>>,
}

/// A set of keys in two allocations (the keys, sorted and concatenated, and where each ends)
/// instead of a tree node and a string per key: every document keeps one for as long as the
/// site lives, and as a `BTreeSet<String>` it took a kilobyte each.
#[derive(Debug, Clone)]
struct KeySet {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl KeySet {
    fn new<'a>(keys: impl Iterator<Item = &'a String>) -> Option<KeySet> {
        let mut keys: Vec<&str> = keys.map(String::as_str).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut text = String::with_capacity(keys.iter().map(|k| k.len()).sum());
        let mut ends = Vec::with_capacity(keys.len());
        for k in keys {
            text.push_str(k);
            ends.push(u32::try_from(text.len()).ok()?);
        }
        Some(KeySet { text: text.into(), ends: ends.into() })
    }

    fn key(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn contains(&self, key: &str) -> bool {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.key(mid).cmp(key) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        false
    }
}

impl KeyLines {
    /// The keys of the mapping at `path` of `positions`.
    pub(crate) fn new(positions: LazyPositions, path: Vec<Step>) -> KeyLines {
        KeyLines { positions, path, keys: None, lines: OnceLock::new() }
    }

    /// As [`new`](Self::new), with the keys of the parsed mapping at `path`. They are the
    /// scalar keys written in the text unless an alias or a merge key (`<<`) brought keys in
    /// from elsewhere; then presence is answered from the walk, as before.
    pub(crate) fn with_keys<'a>(positions: LazyPositions, path: Vec<Step>, keys: impl Iterator<Item = &'a String>) -> KeyLines {
        let text = positions.0.text();
        let keys = if !text.contains('*') && !text.contains("<<") { KeySet::new(keys) } else { None };
        KeyLines { positions, path, keys, lines: OnceLock::new() }
    }

    fn lines(&self) -> &BTreeMap<String, usize> {
        self.lines.get_or_init(|| self.positions.get().key_lines(&self.path))
    }

    /// The line of `key`, if the mapping has it in the text.
    pub(crate) fn get(&self, key: &str) -> Option<&usize> {
        self.lines().get(key)
    }

    /// True when the text writes `key` in the mapping.
    pub(crate) fn contains_key(&self, key: &str) -> bool {
        match &self.keys {
            Some(keys) => keys.contains(key),
            None => self.lines().contains_key(key),
        }
    }

    /// Every key with its line, in key order.
    pub(crate) fn iter(&self) -> std::collections::btree_map::Iter<'_, String, usize> {
        self.lines().iter()
    }
}

impl<'a> IntoIterator for &'a KeyLines {
    type Item = (&'a String, &'a usize);
    type IntoIter = std::collections::btree_map::Iter<'a, String, usize>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Step {
        Step::Key(s.into())
    }

    #[test]
    fn block_flow_and_nested() {
        let y = "id: A\ntitle: T\nhistory:\n  - version: \"1.0\"\n    date: 2026-01-01\n  - {version: \"1.1\",\n     date: x}\n";
        let p = Positions::of(y, 2);
        let top = p.key_lines(&[]);
        assert_eq!(top["id"], 2);
        assert_eq!(top["history"], 4);
        assert_eq!(p.line(&[k("history"), Step::Index(0)]), Some(5));
        assert_eq!(p.line(&[k("history"), Step::Index(1)]), Some(7));
        assert_eq!(p.line(&[k("history"), Step::Index(1), k("date")]), Some(8));
        assert_eq!(p.get(&[k("history"), Step::Index(1), k("date")]).map(|p| p.column), Some(6));
        assert_eq!(p.pointer_line(&[], "/history/0/date"), Some(6));
        // Deeper than the text goes: the deepest node that exists.
        assert_eq!(p.pointer_line(&[], "/history/0/date/x"), Some(6));
        assert_eq!(p.pointer_line(&[], "/nothing"), Some(2));
        assert_eq!(p.pointer_line(&[k("history"), Step::Index(1)], "/date"), Some(8));
    }

    #[test]
    fn complex_keys_and_aliases_have_no_path_below_them() {
        let y = "? [a, b]\n: {c: 1}\nbase: &b {k: 1}\nm:\n  <<: *b\n  j: 2\nafter: 3\n";
        let p = Positions::of(y, 1);
        assert_eq!(p.key_lines(&[]).into_iter().collect::<Vec<_>>(), vec![("after".into(), 7), ("base".into(), 3), ("m".into(), 4)]);
        assert_eq!(p.line(&[k("m"), k("j")]), Some(6));
        assert_eq!(p.line(&[k("base"), k("k")]), Some(3));
    }
    /// The lean walk and the lazy views give what the full walk gives, including for rows
    /// written in flow style, aliased rows and a repeated key (the first is where it is written).
    #[test]
    fn lazy_views_match_the_full_walk() {
        let texts = [
            "meta: {a: 1}\nrisks:\n  - id: A\n  - {id: B,\n     x: 1}\n  - &r\n    id: C\n  - *r\n",
            "risks: [ {id: A}, {id: B} ]\nmeta:\n  b: 2\n",
            "? [x]\n: {risks: [1]}\nrisks:\n- 1\n- 2\n",
            "risks: 1\n",
            "risks:\n  - a\nrisks:\n  - b\n  - c\n",
        ];
        for text in texts {
            let full = Positions::of(text, 3);
            let lean = item_positions(text, 3, "risks");
            let expected: BTreeMap<usize, Pos> = (0..10).filter_map(|i| full.get(&[k("risks"), Step::Index(i)]).map(|p| (i, p))).collect();
            assert_eq!(lean, expected, "{text}");
            let lazy = LazyPositions::new(text.into(), 3);
            for path in [vec![], vec![k("meta")], vec![k("risks"), Step::Index(1)]] {
                let lines = KeyLines::new(lazy.clone(), path.clone());
                assert_eq!(lines.iter().map(|(k, l)| (k.clone(), *l)).collect::<BTreeMap<_, _>>(), full.key_lines(&path), "{text}");
            }
        }
    }

    /// Presence of a key is answered from the parsed keys only when they are the text's own.
    #[test]
    fn key_presence_with_merge_keys_and_aliases_comes_from_the_text() {
        let parsed_keys = |text: &str| -> Vec<String> {
            let v: serde_json::Value = serde_saphyr::from_str(text).unwrap();
            v.as_object().unwrap().keys().cloned().collect()
        };
        for text in ["approved: 2026-01-01\nid: A\n", "base: &b {approved: 1}\n<<: *b\nid: A\n", "a: &k approved\n*k : 2\n"] {
            let keys = parsed_keys(text);
            let lines = KeyLines::with_keys(LazyPositions::new(text.into(), 2), Vec::new(), keys.iter());
            let full = Positions::of(text, 2).key_lines(&[]);
            for key in ["approved", "id", "base", "<<"] {
                assert_eq!(lines.contains_key(key), full.contains_key(key), "{key} in {text}");
            }
        }
    }
}
