//! Export stage: the site's tables — Statement of Applicability, traceability matrix, master
//! document register and every register's rows — as plain [`Table`]s, written out as CSV,
//! XLSX or JSON. Pure: builders read the [`Site`] and writers return bytes; the CLI
//! (`aimsbook export`) and the build ([`download_pages`], published under `downloads/`) do the
//! I/O.
//!
//! Each builder produces exactly the data the site shows on the matching page: one row per SoA
//! entry in SoA order, one row per assessable catalog item in catalog order, one row per
//! document in register order, and a register's rows with its columns in order of first
//! appearance (cells as displayed: lists joined with ", ", booleans as yes/no).
//!
//! Writers:
//! - [`to_csv`]: RFC 4180 CSV (CRLF line ends, header row). Formula injection is neutralised:
//!   a cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading apostrophe,
//!   so a spreadsheet shows it as text instead of evaluating it.
//! - [`to_json`]: a pretty-printed array of objects whose keys follow the column order (the
//!   order is kept by serialising the rows directly, so serde_json's `preserve_order` feature is
//!   not needed and the crate-wide `Map` stays sorted).
//! - [`to_xlsx`]: one worksheet with a bold, frozen header row, an autofilter over the data,
//!   column widths from the content (capped at [`XLSX_MAX_WIDTH`]), wrapped text for long
//!   cells with rows tall enough to show it, dates and numbers as typed cells ([`CellKind`]),
//!   and a print setup (landscape, one page wide, header row repeated). The bytes are deterministic: the document's creation time is the date passed in at
//!   00:00 UTC and the zip entries carry rust_xlsxwriter's fixed timestamp. XLSX cells hold
//!   literal strings (never formulas), so they need no neutralising; cells longer than Excel's
//!   limit of 32,767 UTF-16 units are cut and end with "…".

use crate::model::table::{columns_in, CellKind, Table};
use crate::model::Site;
use jiff::civil::Date;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// A text cell's kind: a date when it is a strict YYYY-MM-DD date, else text.
fn text_kind(text: &str) -> CellKind {
    if crate::parse::parse_date(text.trim()).is_some() {
        CellKind::Date
    } else {
        CellKind::Text
    }
}

/// A YAML value's kind: numbers are numbers, strings that are strict dates are dates (YAML
/// dates arrive as such strings), anything else is text.
fn value_kind(value: Option<&serde_json::Value>) -> CellKind {
    match value {
        Some(serde_json::Value::Number(n)) if n.as_f64().is_some_and(f64::is_finite) => CellKind::Number,
        Some(serde_json::Value::String(s)) => text_kind(s),
        _ => CellKind::Text,
    }
}

/// An export file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    pub(crate) const ALL: [Format; 3] = [Format::Csv, Format::Xlsx, Format::Json];

    /// The file extension, without the dot.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }
}

/// Column headers of [`soa_table`].
pub(crate) const SOA_COLUMNS: [&str; 10] =
    ["Control", "Title", "Applicable", "Justification", "Implementation", "Target date", "Documents", "Evidence", "Status", "Notes"];
/// Column headers of [`matrix_table`].
pub(crate) const MATRIX_COLUMNS: [&str; 6] = ["ID", "Title", "Kind", "Status", "Documents", "Records"];
/// Column headers of [`documents_table`].
pub(crate) const DOCUMENTS_COLUMNS: [&str; 11] =
    ["ID", "Title", "Type", "Version", "Status", "Owner", "Approver", "Approved", "Review due", "Classification", "Path"];

/// Widest XLSX column, in characters; longer cells wrap.
pub(crate) const XLSX_MAX_WIDTH: usize = 60;
/// Excel's limit on the length of a cell, in UTF-16 code units.
const XLSX_MAX_CELL: usize = 32_767;

fn join(ids: &[String]) -> String {
    ids.join(", ")
}

fn doc_ids(site: &Site, indices: &[usize]) -> String {
    indices.iter().map(|i| site.documents[*i].id.as_str()).collect::<Vec<_>>().join(", ")
}

/// The Statement of Applicability: one row per SoA entry, in SoA order. Status is the
/// control's coverage status from the traceability model ("" for a control not in the
/// catalog, whose title reads "unknown control" as on the site). Empty when there is no SoA.
pub fn soa_table(site: &Site) -> Table {
    let rows = site
        .trace
        .soa
        .iter()
        .map(|e| {
            let item = site.catalog.get(&e.control);
            let status = item.and_then(|i| site.trace.status_of(&i.id)).map(|s| s.as_str()).unwrap_or("");
            vec![
                e.control.clone(),
                item.map(|i| i.title.clone()).unwrap_or_else(|| "unknown control".into()),
                match e.applicable {
                    Some(true) => "yes".into(),
                    Some(false) => "no".into(),
                    None => String::new(),
                },
                e.justification.clone(),
                e.implementation.clone(),
                e.target_date.clone(),
                join(&e.documents),
                join(&e.evidence),
                status.to_string(),
                e.notes.clone(),
            ]
        })
        .collect();
    let kinds = site
        .trace
        .soa
        .iter()
        .map(|e| (0..SOA_COLUMNS.len()).map(|c| if c == 5 { text_kind(&e.target_date) } else { CellKind::Text }).collect())
        .collect();
    Table {
        name: "Statement of Applicability".into(),
        columns: columns_in(site, &SOA_COLUMNS),
        rows,
        kinds,
        organization: site.config.book.organization.clone(),
        paper: site.config.pdf.paper,
    }
}

/// The traceability matrix: one row per assessable catalog item (requirements and controls),
/// in catalog order, with its coverage status, the current documents addressing it and the
/// current records evidencing it (ids, comma-separated).
pub fn matrix_table(site: &Site) -> Table {
    let rows = site
        .catalog
        .assessable()
        .map(|item| {
            let cov = site.trace.coverage.get(&item.id);
            vec![
                item.id.clone(),
                item.title.clone(),
                format!("{:?}", item.kind).to_lowercase(),
                cov.map(|c| c.status.as_str()).unwrap_or("").to_string(),
                cov.map(|c| doc_ids(site, &c.documents)).unwrap_or_default(),
                cov.map(|c| doc_ids(site, &c.records)).unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        name: "Traceability matrix".into(),
        columns: columns_in(site, &MATRIX_COLUMNS),
        rows,
        kinds: Vec::new(),
        organization: site.config.book.organization.clone(),
        paper: site.config.pdf.paper,
    }
}

/// The master document register: one row per document in `site.documents` order (by id), as
/// the register page shows it ([`crate::render::summary`]). Path is relative to the repository.
pub fn documents_table(site: &Site) -> Table {
    let rows = site
        .documents
        .iter()
        .map(|d| {
            let s = crate::render::summary(site, d);
            vec![
                s.id,
                s.title,
                s.doc_type,
                s.version,
                s.status.to_string(),
                s.owner,
                s.approver,
                s.approved,
                s.review_due,
                s.classification,
                s.path,
            ]
        })
        .collect();
    // Approved and Review due are the documents' dates (empty for a draft).
    let kinds = site
        .documents
        .iter()
        .map(|d| {
            (0..DOCUMENTS_COLUMNS.len())
                .map(|c| match c {
                    7 if d.approved.is_some() => CellKind::Date,
                    8 if d.review_due.is_some() => CellKind::Date,
                    _ => CellKind::Text,
                })
                .collect()
        })
        .collect();
    Table {
        name: "Document register".into(),
        columns: columns_in(site, &DOCUMENTS_COLUMNS),
        rows,
        kinds,
        organization: site.config.book.organization.clone(),
        paper: site.config.pdf.paper,
    }
}

/// Ids of the register documents (type `register`) that have a data file, in id order. With
/// duplicate ids only the first document counts, as everywhere on the site.
pub(crate) fn register_ids(site: &Site) -> Vec<String> {
    site.documents
        .iter()
        .enumerate()
        .filter(|(i, d)| d.doc_type == "register" && site.by_id.get(&d.id) == Some(i) && site.data_for_doc(d).is_some())
        .map(|(_, d)| d.id.clone())
        .collect()
}

/// A register document's data file as a table: its columns in order of first appearance and
/// each row's cells as displayed. Errors (unknown id, not a register, no data file) name the
/// register ids that exist.
pub fn register_table(site: &Site, id: &str) -> Result<Table, String> {
    let known = || {
        let ids = register_ids(site);
        if ids.is_empty() {
            "this repository has no register document with a data file".to_string()
        } else {
            format!("registers with data: {}", ids.join(", "))
        }
    };
    let Some(doc) = site.doc(id) else {
        return Err(format!("no document with id {id}; {}", known()));
    };
    if doc.doc_type != "register" {
        return Err(format!("{id} is a {} document, not a register; {}", doc.doc_type, known()));
    }
    let Some(data) = site.data_for_doc(doc) else {
        return Err(format!("register {id} has no data file (`data:` in its front matter); {}", known()));
    };
    let rows = data.rows.iter().map(|r| data.columns.iter().map(|c| r.text(c)).collect()).collect();
    let kinds = data.rows.iter().map(|r| data.columns.iter().map(|c| value_kind(r.value.get(c))).collect()).collect();
    Ok(Table {
        name: format!("{} {}", doc.id, doc.title),
        columns: data.columns.clone(),
        rows,
        kinds,
        organization: site.config.book.organization.clone(),
        paper: site.config.pdf.paper,
    })
}

/// A cell as written to CSV: text a spreadsheet would evaluate as a formula gets a leading
/// apostrophe.
pub(crate) fn neutralise_csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The table as CSV (header row first, CRLF line ends, formula injection neutralised).
pub fn to_csv(table: &Table) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(Vec::new());
    // Writing to a Vec cannot fail, and `flexible` accepts rows of any length.
    let mut write = |cells: &[String]| {
        let _ = w.write_record(cells.iter().map(|c| neutralise_csv_cell(c).into_owned()));
    };
    write(&table.columns);
    for row in &table.rows {
        write(row);
    }
    w.into_inner().unwrap_or_default()
}

/// One row as a JSON object keyed by column, in column order.
struct JsonRow<'a> {
    columns: &'a [String],
    cells: &'a [String],
}

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.columns.len()))?;
        for (i, c) in self.columns.iter().enumerate() {
            m.serialize_entry(c, self.cells.get(i).map(String::as_str).unwrap_or(""))?;
        }
        m.end()
    }
}

struct JsonTable<'a>(&'a Table);

impl Serialize for JsonTable<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.rows.len()))?;
        for row in &self.0.rows {
            seq.serialize_element(&JsonRow { columns: &self.0.columns, cells: row })?;
        }
        seq.end()
    }
}

/// The table as a pretty-printed JSON array of objects, keys in column order, ending in a
/// newline.
pub(crate) fn to_json(table: &Table) -> Vec<u8> {
    // Serialising strings into a Vec cannot fail.
    let mut out = serde_json::to_vec_pretty(&JsonTable(table)).unwrap_or_else(|_| b"[]".to_vec());
    out.push(b'\n');
    out
}

/// A valid worksheet name: no []:*?/\, no leading or trailing apostrophe, 1–31 characters.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name.chars().map(|c| if "[]:*?/\\".contains(c) || c.is_control() { ' ' } else { c }).collect();
    let cleaned: String = cleaned.trim().trim_matches('\'').trim().chars().take(31).collect();
    let cleaned = cleaned.trim_end().to_string();
    if cleaned.is_empty() {
        "Sheet1".into()
    } else {
        cleaned
    }
}

/// A cell cut to Excel's length limit.
fn xlsx_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.encode_utf16().count() <= XLSX_MAX_CELL {
        return std::borrow::Cow::Borrowed(cell);
    }
    let mut out = String::new();
    let mut units = 0;
    for c in cell.chars() {
        if units + c.len_utf16() > XLSX_MAX_CELL - 1 {
            break;
        }
        units += c.len_utf16();
        out.push(c);
    }
    out.push('…');
    std::borrow::Cow::Owned(out)
}

/// Display width of a cell: its longest line, in characters.
fn cell_width(cell: &str) -> usize {
    cell.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// Lines a cell takes in a column `width` characters wide (wrapped at the width, plus its
/// own line breaks): what its row's height must hold.
fn cell_lines(cell: &str, width: usize) -> usize {
    let usable = width.saturating_sub(1).max(1);
    cell.lines().map(|l| l.chars().count().div_ceil(usable).max(1)).sum::<usize>().max(1)
}

/// Text for an Excel page header or footer section: `&` is its control character.
fn header_text(text: &str) -> String {
    text.chars().take(80).collect::<String>().replace('&', "&&")
}

/// The table as an XLSX workbook with one sheet. `created` is the document's creation date
/// (00:00 UTC): pass the build's date so the same input always gives the same bytes.
///
/// Dates are date cells (format yyyy-mm-dd) and numbers are numbers, as [`Table::kinds`]
/// says, so they sort and filter as such. The header row is bold, frozen, filtered and
/// repeated on every printed page; the sheet prints landscape, one page wide, with the
/// organisation and table name in the page header and "Page X of Y" in the footer. Long cells
/// wrap, and each row is as tall as its longest wrapped cell.
pub(crate) fn to_xlsx(table: &Table, created: Date) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format as XFormat, FormatAlign, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| format!("cannot write XLSX: {e}");
    let mut workbook = Workbook::new();
    let excel_date = |d: Date| -> Result<ExcelDateTime, String> {
        let month = u8::try_from(d.month()).map_err(|e| e.to_string())?;
        let day = u8::try_from(d.day()).map_err(|e| e.to_string())?;
        let year = u16::try_from(d.year()).map_err(|e| e.to_string())?;
        ExcelDateTime::from_ymd(year, month, day).map_err(err)
    };
    let when = excel_date(created)?;
    let mut properties = DocProperties::new().set_title(table.name.clone()).set_creation_datetime(&when);
    if !table.organization.trim().is_empty() {
        properties = properties.set_author(table.organization.clone()).set_company(table.organization.clone());
    }
    workbook.set_properties(&properties);

    let header = XFormat::new().set_bold().set_align(FormatAlign::Top).set_text_wrap();
    let plain = XFormat::new().set_align(FormatAlign::Top);
    let wrap = XFormat::new().set_align(FormatAlign::Top).set_text_wrap();
    let date = XFormat::new().set_align(FormatAlign::Top).set_align(FormatAlign::Left).set_num_format("yyyy-mm-dd");
    let number = XFormat::new().set_align(FormatAlign::Top);
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&table.name)).map_err(err)?;

    let ncols = table.columns.len().max(table.rows.iter().map(Vec::len).max().unwrap_or(0));
    let col = |i: usize| u16::try_from(i).map_err(|_| format!("cannot write XLSX: {} columns is too many", ncols));
    let row_num = |i: usize| u32::try_from(i).map_err(|_| "cannot write XLSX: too many rows".to_string());
    let mut content: Vec<usize> = vec![0; ncols];
    for (c, name) in table.columns.iter().enumerate() {
        content[c] = content[c].max(cell_width(name));
    }
    for row in &table.rows {
        for (c, cell) in row.iter().enumerate() {
            content[c] = content[c].max(cell_width(cell));
        }
    }
    // Two characters of padding (the header also needs room for the filter button).
    let widths: Vec<usize> = content.iter().map(|w| (*w + 2).clamp(8, XLSX_MAX_WIDTH)).collect();
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(col(c)?, *w as f64).map_err(err)?;
    }
    // Excel does not grow a row for wrapped text by itself when the file is opened: each row
    // gets the height of its tallest cell (15 points a line, at most Excel's 409).
    let set_height = |sheet: &mut rust_xlsxwriter::Worksheet, r: u32, lines: usize| -> Result<(), String> {
        if lines > 1 {
            sheet.set_row_height(r, (lines as f64 * 15.0).min(409.0)).map_err(err)?;
        }
        Ok(())
    };
    let mut header_lines = 1;
    for (c, name) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col(c)?, xlsx_cell(name), &header).map_err(err)?;
        header_lines = header_lines.max(cell_lines(name, widths[c]));
    }
    set_height(sheet, 0, header_lines)?;
    for (i, row) in table.rows.iter().enumerate() {
        let r = row_num(i + 1)?;
        let mut lines = 1;
        for (c, cell) in row.iter().enumerate() {
            let parsed_date = crate::parse::parse_date(cell.trim());
            let parsed_number = cell.trim().parse::<f64>().ok().filter(|n| n.is_finite());
            match (table.kind(i, c), parsed_date, parsed_number) {
                (CellKind::Date, Some(d), _) => {
                    sheet.write_datetime_with_format(r, col(c)?, excel_date(d)?, &date).map_err(err)?;
                }
                (CellKind::Number, _, Some(n)) => {
                    sheet.write_number_with_format(r, col(c)?, n, &number).map_err(err)?;
                }
                _ => {
                    let cell_lines = cell_lines(cell, widths[c]);
                    lines = lines.max(cell_lines);
                    let format = if cell_lines > 1 { &wrap } else { &plain };
                    sheet.write_string_with_format(r, col(c)?, xlsx_cell(cell), format).map_err(err)?;
                }
            }
        }
        set_height(sheet, r, lines)?;
    }
    if ncols > 0 {
        sheet.set_freeze_panes(1, 0).map_err(err)?;
        sheet.autofilter(0, 0, row_num(table.rows.len())?, col(ncols - 1)?).map_err(err)?;
        sheet.set_repeat_rows(0, 0).map_err(err)?;
    }
    // Excel's paper codes: 9 is A4, 1 is US Letter.
    sheet.set_paper_size(match table.paper {
        crate::config::Paper::A4 => 9,
        crate::config::Paper::Letter => 1,
    });
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_gridlines(true);
    sheet.set_header(format!("&L{}&R{}", header_text(&table.organization), header_text(&table.name)));
    sheet.set_footer("&LUncontrolled when printed&RPage &P of &N");
    workbook.save_to_buffer().map_err(err)
}

/// The table in one format. Only XLSX can fail (a table beyond Excel's limits).
pub fn write(table: &Table, format: Format, created: Date) -> Result<Vec<u8>, String> {
    match format {
        Format::Csv => Ok(to_csv(table)),
        Format::Json => Ok(to_json(table)),
        Format::Xlsx => to_xlsx(table, created),
    }
}

/// The files the site links as downloads, under `downloads/`: `soa.*` (only when the site has
/// a Statement of Applicability), `matrix.*`, `documents.*` and `register-<ID>.*` for every
/// register document with a data file ([`register_ids`]), each as CSV, XLSX and JSON. XLSX
/// files are dated `site.today`. A table that cannot be written as XLSX is left out.
pub fn download_pages(site: &Site) -> Vec<crate::render::Page> {
    download_pages_cached(site, None)
}

/// As [`download_pages`], reusing unchanged tables' files from `cache`.
pub(crate) fn download_pages_cached(site: &Site, cache: Option<&crate::render::DownloadCache>) -> Vec<crate::render::Page> {
    let mut tables: Vec<(String, Table)> = Vec::new();
    if site.trace.soa_doc.is_some() {
        tables.push(("soa".into(), soa_table(site)));
    }
    tables.push(("matrix".into(), matrix_table(site)));
    tables.push(("documents".into(), documents_table(site)));
    tables.push(("retention".into(), crate::model::retention::table(site)));
    for id in register_ids(site) {
        if let Ok(t) = register_table(site, &id) {
            tables.push((format!("register-{id}"), t));
        }
    }
    for (ns, _) in crate::render::crosswalk::mapped_frameworks(site) {
        tables.push((format!("crosswalk-{}", crate::parse::document::slug(&ns)), crate::render::crosswalk::table(site, &ns)));
    }
    let mut pages = Vec::new();
    for (stem, table) in &tables {
        use std::hash::{Hash, Hasher};
        let mut h = crate::support::hash::hasher();
        (&table.name, &table.columns, &table.rows, &table.kinds, &table.organization, table.paper, site.today.to_string()).hash(&mut h);
        let key = h.finish();
        let make = || {
            let mut files = Vec::new();
            for format in Format::ALL {
                if let Ok(bytes) = write(table, format, site.today) {
                    files.push(crate::render::Page { path: format!("downloads/{stem}.{}", format.extension()), bytes: bytes.into() });
                }
            }
            files
        };
        pages.extend(match cache {
            Some(c) => c.get_or_make(stem.clone(), key, make),
            None => make(),
        });
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        Table {
            name: "Sample: [test]".into(),
            columns: vec!["ID".into(), "Text".into(), "Zeta".into()],
            rows: vec![
                vec!["A-1".into(), "=cmd()".into(), "plain, with comma".into()],
                vec!["A-2".into(), "line one\nline \"two\"".into(), "-3".into()],
                vec!["A-3".into(), "x".repeat(100), "@SUM(A1)".into()],
            ],
            ..Default::default()
        }
    }

    fn date() -> Date {
        Date::new(2026, 11, 26).unwrap()
    }

    #[test]
    fn formula_injection_is_neutralised_in_csv() {
        let t = Table { name: "t".into(), columns: vec!["a".into()], rows: vec![vec!["=cmd()".into()]], ..Default::default() };
        let csv = String::from_utf8(to_csv(&t)).unwrap();
        assert_eq!(csv, "a\r\n'=cmd()\r\n");
        for bad in ["=1", "+1", "-1", "@x", "\tx", "\rx"] {
            assert_eq!(neutralise_csv_cell(bad), format!("'{bad}"));
        }
        for ok in ["1", "a=b", " =x", "", "'quoted"] {
            assert_eq!(neutralise_csv_cell(ok), ok);
        }
    }

    #[test]
    fn csv_round_trips_through_a_reader() {
        let t = sample();
        let bytes = to_csv(&t);
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(headers, t.columns);
        let rows: Vec<Vec<String>> = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], vec!["A-1", "'=cmd()", "plain, with comma"]);
        assert_eq!(rows[1], vec!["A-2", "line one\nline \"two\"", "'-3"]);
        assert_eq!(rows[2][2], "'@SUM(A1)");
    }

    #[test]
    fn json_keeps_column_order_and_values() {
        let t = sample();
        let text = String::from_utf8(to_json(&t)).unwrap();
        assert!(text.ends_with("]\n"));
        // Key order follows the columns, not the alphabet.
        let first = text.find("\"ID\"").unwrap();
        let second = text.find("\"Text\"").unwrap();
        let third = text.find("\"Zeta\"").unwrap();
        assert!(first < second && second < third);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let arr = v.as_array().unwrap();
        assert_eq!(arr.len(), 3);
        // JSON is data, not a spreadsheet: no neutralising.
        assert_eq!(arr[0]["Text"], "=cmd()");
        assert_eq!(arr[1]["Text"], "line one\nline \"two\"");
        let empty = Table { name: "e".into(), columns: vec!["a".into()], rows: vec![], ..Default::default() };
        assert_eq!(to_json(&empty), b"[]\n");
    }

    #[test]
    fn xlsx_is_deterministic_and_well_formed() {
        let t = sample();
        let a = to_xlsx(&t, date()).unwrap();
        let b = to_xlsx(&t, date()).unwrap();
        assert_eq!(a, b, "same input and date give the same bytes");
        assert_eq!(&a[..2], b"PK");
        let c = to_xlsx(&t, Date::new(2026, 11, 27).unwrap()).unwrap();
        assert_ne!(a, c, "the creation date is the one passed in");
    }

    #[test]
    fn xlsx_accepts_empty_and_oversized_tables() {
        let empty = Table { name: String::new(), columns: vec![], rows: vec![], ..Default::default() };
        assert!(to_xlsx(&empty, date()).is_ok());
        let big = Table { name: "big".into(), columns: vec!["a".into()], rows: vec![vec!["y".repeat(40_000)]], ..Default::default() };
        assert!(to_xlsx(&big, date()).is_ok());
        assert_eq!(xlsx_cell(&"y".repeat(40_000)).encode_utf16().count(), XLSX_MAX_CELL);
    }

    #[test]
    fn sheet_names_are_valid() {
        assert_eq!(sheet_name("Sample: [test]"), "Sample   test");
        assert_eq!(sheet_name("REG-001 A very long register title that goes on"), "REG-001 A very long register ti");
        assert_eq!(sheet_name("''"), "Sheet1");
        assert!(sheet_name(&"é".repeat(40)).chars().count() <= 31);
    }
}
