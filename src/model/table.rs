//! Tables of site data (the SoA, the matrix, a register, the retention list, a crosswalk):
//! one shape that the pages show and `export` writes as CSV, XLSX or JSON.

use crate::model::Site;

/// A table as exported: a name (the sheet name and title), column headers and rows of text
/// cells, each row as long as `columns`. `kinds` says which cells are dates or numbers in
/// the data (same shape as `rows`; a missing entry is text): CSV and JSON write every cell as
/// its text, the XLSX writes dates and numbers as typed cells. `organization` is the
/// spreadsheet's author and company; `paper` its print paper (`[pdf] paper` of book.toml).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub kinds: Vec<Vec<CellKind>>,
    pub organization: String,
    pub paper: crate::config::Paper,
}

/// What a cell holds, as known from the data model: a date (a front-matter or YAML date, or
/// a string that is a strict YYYY-MM-DD date), a number (a YAML number) or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CellKind {
    #[default]
    Text,
    Date,
    Number,
}

impl Table {
    /// The kind of cell (`row`, `col`); text where `kinds` says nothing.
    pub(crate) fn kind(&self, row: usize, col: usize) -> CellKind {
        self.kinds.get(row).and_then(|r| r.get(col)).copied().unwrap_or_default()
    }
}

/// Column headers in the site's language (`export-<header>` messages; the English header
/// where no message names it). The headers are the keys of the JSON rows too.
pub(crate) fn columns_in(site: &Site, names: &[&str]) -> Vec<String> {
    names.iter().map(|s| site.messages.label("export", s)).collect()
}
