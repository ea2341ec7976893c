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
        let mut by_path = BTreeMap::new();
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
                    by_path.entry(Vec::new()).or_insert(here);
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
                            let mut entry = path.clone();
                            entry.push(Step::Key(name.to_string()));
                            by_path.entry(entry).or_insert(here);
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
                by_path.entry(path.clone()).or_insert(here);
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

    /// The line of each item of the sequence at `path`, in order.
    pub(crate) fn item_lines(&self, path: &[Step]) -> Vec<usize> {
        let mut items: Vec<(usize, usize)> = self
            .children(path)
            .filter_map(|(step, pos)| match step {
                Step::Index(i) => Some((*i, pos.line)),
                Step::Key(_) => None,
            })
            .collect();
        items.sort();
        items.into_iter().map(|(_, line)| line).collect()
    }

    fn children<'a>(&'a self, path: &'a [Step]) -> impl Iterator<Item = (&'a Step, &'a Pos)> + 'a {
        self.by_path
            .range(path.to_vec()..)
            .take_while(move |(p, _)| p.starts_with(path))
            .filter(move |(p, _)| p.len() == path.len() + 1)
            .filter_map(|(p, pos)| p.last().map(|s| (s, pos)))
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
        assert_eq!(p.item_lines(&[k("history")]), vec![5, 7]);
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
}
