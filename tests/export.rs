//! `aimsbook export` on the bundled example repository: CSV, XLSX and JSON read back with
//! independent readers (csv, calamine, serde_json) and compared with each other and with the
//! expected data.

mod common;

use common::{clients, TODAY};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `aimsbook ARGS --root <the bundled example> --today TODAY`.
fn aimsbook(args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--root", common::path_arg(common::crate_root()), "--today", TODAY]);
    common::run(&all)
}

fn export_to(dir: &Path, what: &[&str], format: &str, file: &str) -> PathBuf {
    let out = dir.join(file);
    let mut args = vec!["export"];
    args.extend_from_slice(what);
    args.extend(["--format", format, "--out", out.to_str().unwrap()]);
    let o = aimsbook(&args);
    assert!(o.status.success(), "export {what:?} {format} failed: {}", String::from_utf8_lossy(&o.stderr));
    out
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    (headers, rows)
}

fn read_xlsx(path: &Path) -> Vec<Vec<String>> {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let sheets = wb.sheet_names().to_vec();
    assert_eq!(sheets.len(), 1, "one worksheet");
    let range = wb.worksheet_range(&sheets[0]).unwrap();
    range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

fn xlsx_part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

const SOA_HEADER: [&str; 10] =
    ["Control", "Title", "Applicable", "Justification", "Implementation", "Target date", "Documents", "Evidence", "Status", "Notes"];

#[test]
fn soa_csv_and_xlsx_agree_with_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = export_to(dir.path(), &["soa"], "csv", "soa.csv");
    let xlsx_path = export_to(dir.path(), &["soa"], "xlsx", "soa.xlsx");

    let (headers, rows) = read_csv(&csv_path);
    assert_eq!(headers, SOA_HEADER);
    assert_eq!(rows.len(), 38, "one row per SoA entry");
    assert!(rows.iter().all(|r| r.len() == 10));
    let a22 = rows.iter().find(|r| r[0] == "A.2.2").expect("A.2.2 row");
    assert_eq!(rows[0][0], "A.2.2", "SoA order");
    assert!(a22[6].split(", ").any(|d| d == "POL-001"), "A.2.2 documents: {}", a22[6]);
    assert_eq!(a22[1], "AI policy");
    assert_eq!(a22[2], "yes");
    assert_eq!(a22[8], "evidenced");
    assert!(rows.iter().all(|r| ["yes", "no", ""].contains(&r[2].as_str())));
    assert!(rows.iter().all(|r| ["gap", "addressed", "implemented", "evidenced", "excluded"].contains(&r[8].as_str())));

    // The XLSX holds the same cells (the example has no cell needing CSV neutralising).
    let sheet = read_xlsx(&xlsx_path);
    assert_eq!(sheet[0], SOA_HEADER);
    assert_eq!(sheet[1..], rows[..]);

    // Spreadsheet niceties: frozen header, autofilter over the data, bold header, widths.
    let xml = xlsx_part(&xlsx_path, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"<autoFilter ref="A1:J39"/>"#), "autofilter: {xml:.600}");
    assert!(xml.contains(r#"state="frozen""#) && xml.contains(r#"topLeftCell="A2""#), "frozen header");
    assert!(xml.contains("<cols>") && xml.contains("customWidth=\"1\""), "column widths");
    let styles = xlsx_part(&xlsx_path, "xl/styles.xml");
    assert!(styles.contains("<b/>"), "bold header font");
    assert!(styles.contains(r#"wrapText="1""#), "wrapped long cells");
    let core = xlsx_part(&xlsx_path, "docProps/core.xml");
    assert!(core.contains("2026-11-26T00:00:00Z"), "creation date is --today: {core}");
}

#[test]
fn xlsx_bytes_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let a = export_to(dir.path(), &["soa"], "xlsx", "a.xlsx");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = export_to(dir.path(), &["soa"], "xlsx", "b.xlsx");
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    let c = export_to(dir.path(), &["register", "--id", "REG-001"], "xlsx", "c.xlsx");
    let d = export_to(dir.path(), &["register", "--id", "REG-001"], "xlsx", "d.xlsx");
    assert_eq!(std::fs::read(c).unwrap(), std::fs::read(d).unwrap());
}

#[test]
fn documents_json_has_the_register_fields() {
    let o = aimsbook(&["export", "documents", "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let docs = v.as_array().unwrap();
    assert!(docs.len() > 40);
    let pol = docs.iter().find(|d| d["ID"] == "POL-001").expect("POL-001");
    let expect = [
        ("ID", "POL-001"),
        ("Title", "AI Policy"),
        ("Type", "policy"),
        ("Version", "2.0"),
        ("Status", "approved"),
        ("Owner", "Helen Marsh (Chief Executive Officer)"),
        ("Approver", "Board of Directors"),
        ("Approved", "2026-02-24"),
        ("Review due", "2027-02-24"),
        ("Classification", "public"),
        ("Path", "content/governance/ai-policy.md"),
    ];
    for (k, want) in expect {
        assert_eq!(pol[k], want, "POL-001 {k}");
    }
    assert_eq!(pol.as_object().unwrap().len(), expect.len());
    // Keys come out in column order, not sorted.
    let first = &text[..text.find('}').unwrap()];
    let pos = |k: &str| first.find(&format!("\"{k}\"")).unwrap();
    assert!(pos("ID") < pos("Title") && pos("Title") < pos("Type") && pos("Review due") < pos("Classification"));
}

#[test]
fn register_csv_has_the_risk_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = export_to(dir.path(), &["register", "--id", "REG-001"], "csv", "risks.csv");
    let (headers, rows) = read_csv(&path);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name} in {headers:?}"));
    let rsk1 = rows.iter().find(|r| r[col("id")] == "RSK-001").expect("RSK-001 row");
    assert_eq!(rsk1[col("score")], "12");
    assert_eq!(rsk1[col("controls")], "A.5.4, A.7.4");
}

#[test]
fn matrix_has_one_row_per_assessable_item() {
    let o = aimsbook(&["export", "matrix", "--format", "csv"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), ["ID", "Title", "Kind", "Status", "Documents", "Records"]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 32 + 38, "32 requirements and 38 controls");
    let a22 = rows.iter().find(|r| &r[0] == "A.2.2").unwrap();
    assert_eq!(&a22[2], "control");
    assert!(a22[4].split(", ").any(|d| d == "POL-001"));
}

#[test]
fn usage_errors_exit_2() {
    let cases: [(&[&str], &str); 4] = [
        (&["export", "register", "--format", "csv"], "--id"),
        (&["export", "register", "--id", "NOPE-404", "--format", "csv"], "REG-001"),
        (&["export", "register", "--id", "POL-001", "--format", "csv"], "not a register"),
        (&["export", "soa", "--format", "xlsx"], "--out"),
    ];
    for (args, needle) in cases {
        let o = aimsbook(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn download_pages_cover_every_table_in_every_format() {
    let today = jiff::civil::Date::new(2026, 11, 26).unwrap();
    let loaded = aimsbook::pipeline::load(common::crate_root(), today).unwrap();
    let pages = aimsbook::output::export::download_pages(&loaded.site);
    let paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let mut want = Vec::new();
    for stem in ["documents", "matrix", "register-REG-001", "register-REG-002", "register-REG-003", "register-REG-004", "retention", "soa"]
    {
        for ext in ["csv", "json", "xlsx"] {
            want.push(format!("downloads/{stem}.{ext}"));
        }
    }
    assert_eq!(paths, want);
    // The download is the same file the CLI writes.
    let dir = tempfile::tempdir().unwrap();
    let cli = export_to(dir.path(), &["soa"], "xlsx", "soa.xlsx");
    let page = pages.iter().find(|p| p.path == "downloads/soa.xlsx").unwrap();
    assert_eq!(&page.bytes[..], &std::fs::read(cli).unwrap()[..]);
    let again = aimsbook::output::export::download_pages(&loaded.site);
    assert_eq!(pages, again, "deterministic");
}

/// What openpyxl reads from an XLSX: properties, print setup, and per column the set of
/// (Python type, number format) of its data cells, plus row heights of wrapped rows.
const OPENPYXL_REPORT: &str = r#"
import json, sys, openpyxl
out = []
for path in sys.argv[1:]:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    cols = {h: [] for h in header}
    short_wrapped = 0
    for row in ws.iter_rows(min_row=2):
        lines = 1
        for h, c in zip(header, row):
            if c.value is None:
                continue
            kind = [type(c.value).__name__, c.number_format]
            if kind not in cols[h]:
                cols[h].append(kind)
            if c.alignment.wrap_text and isinstance(c.value, str):
                width = ws.column_dimensions[c.column_letter].width
                lines = max(lines, sum(max(1, -(-len(l) // max(1, int(width) - 1))) for l in c.value.split("\n")))
        height = ws.row_dimensions[row[0].row].height
        if lines > 1 and (height is None or height < 15 * lines):
            short_wrapped += 1
    ps = ws.page_setup
    out.append({
        "title": wb.properties.title, "creator": wb.properties.creator,
        "orientation": ps.orientation, "paper": None if ps.paperSize is None else int(ps.paperSize),
        # ECMA-376: fitToWidth defaults to 1 when the attribute is left out.
        "fit_to_width": 1 if ps.fitToWidth is None else int(ps.fitToWidth),
        "fit_to_height": None if ps.fitToHeight is None else int(ps.fitToHeight),
        "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "print_title_rows": ws.print_title_rows, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
        "columns": cols, "short_wrapped_rows": short_wrapped,
    })
print(json.dumps(out))
"#;

fn openpyxl_report(files: &[&Path]) -> Vec<serde_json::Value> {
    let o = Command::new("python3").arg("-c").arg(OPENPYXL_REPORT).args(files).output().expect("python3 runs");
    assert!(o.status.success(), "openpyxl: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The (type, number format) pairs openpyxl found in a column.
fn column_kinds(report: &serde_json::Value, column: &str) -> Vec<(String, String)> {
    report["columns"][column]
        .as_array()
        .unwrap_or_else(|| panic!("no column {column} in {}", report["columns"]))
        .iter()
        .map(|k| (k[0].as_str().unwrap().to_string(), k[1].as_str().unwrap().to_string()))
        .collect()
}

fn assert_dates(report: &serde_json::Value, column: &str) {
    let kinds = column_kinds(report, column);
    assert!(!kinds.is_empty(), "{column} has values");
    for (ty, format) in kinds {
        assert_eq!(ty, "datetime", "{column} holds dates, not {ty}");
        assert!(format.contains('y') && format.contains('m') && format.contains('d'), "{column} date format {format}");
    }
}

fn assert_numbers(report: &serde_json::Value, column: &str) {
    let kinds = column_kinds(report, column);
    assert!(!kinds.is_empty(), "{column} has values");
    assert!(kinds.iter().all(|(ty, _)| ty == "int" || ty == "float"), "{column} holds numbers: {kinds:?}");
}

fn assert_text(report: &serde_json::Value, column: &str) {
    let kinds = column_kinds(report, column);
    assert!(kinds.iter().all(|(ty, _)| ty == "str"), "{column} holds text: {kinds:?}");
}

fn assert_print_setup(report: &serde_json::Value, title: &str, organisation: &str) {
    assert_eq!(report["title"], title);
    assert_eq!(report["creator"], organisation);
    assert_eq!(report["orientation"], "landscape");
    assert_eq!(report["paper"], 9, "A4, as book.toml's [pdf] paper defaults to");
    assert_eq!(report["fit_to_page"], true, "fit to page");
    assert_eq!(report["fit_to_width"], 1, "one page wide");
    assert_eq!(report["fit_to_height"], 0, "as many pages tall as needed");
    assert_eq!(report["print_title_rows"], "$1:$1", "header row repeated on every printed page");
    assert_eq!(report["freeze"], "A2", "header row frozen");
    assert!(report["filter"].as_str().is_some_and(|f| f.starts_with("A1:")), "autofilter");
    assert_eq!(report["short_wrapped_rows"], 0, "every wrapped row is tall enough for its lines");
}

#[test]
fn xlsx_cells_are_typed_and_print_ready_in_openpyxl() {
    if !clients::python_module("openpyxl", "openpyxl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let soa = export_to(dir.path(), &["soa"], "xlsx", "soa.xlsx");
    let docs = export_to(dir.path(), &["documents"], "xlsx", "documents.xlsx");
    let risks = export_to(dir.path(), &["register", "--id", "REG-001"], "xlsx", "risks.xlsx");
    let reports = openpyxl_report(&[&soa, &docs, &risks]);
    let org = "Corvid Mutual Insurance Ltd";
    assert_print_setup(&reports[0], "Statement of Applicability", org);
    assert_text(&reports[0], "Justification");
    assert_print_setup(&reports[1], "Document register", org);
    assert_dates(&reports[1], "Approved");
    assert_dates(&reports[1], "Review due");
    // A version is not a number: "2.10" must not become 2.1.
    assert_text(&reports[1], "Version");
    assert_print_setup(&reports[2], "REG-001 AI Risk Register", org);
    assert_numbers(&reports[2], "likelihood");
    assert_numbers(&reports[2], "score");
    assert_dates(&reports[2], "review_date");
    assert_text(&reports[2], "id");
}

/// Another organisation's registers, with other columns: the types come from the YAML values.
#[test]
fn xlsx_types_follow_the_data_of_another_repository() {
    if !clients::python_module("openpyxl", "openpyxl") {
        return;
    }
    let root = common::fixture("trace-registers");
    let dir = tempfile::tempdir().unwrap();
    let export = |id: &str, file: &str| {
        let out = dir.path().join(file);
        let o = common::run(&[
            "export",
            "register",
            "--id",
            id,
            "--format",
            "xlsx",
            "--out",
            common::path_arg(&out),
            "--root",
            common::path_arg(&root),
            "--today",
            TODAY,
        ]);
        common::assert_ok(&o, "export register");
        out
    };
    let ncs = export("REG-003", "nc.xlsx");
    let risks = export("REG-001", "risks.xlsx");
    let reports = openpyxl_report(&[&ncs, &risks]);
    assert_print_setup(&reports[0], "REG-003 REG-003 fixture", "Fixture Ltd");
    assert_dates(&reports[0], "raised");
    assert_dates(&reports[0], "closed");
    assert_text(&reports[0], "description");
    assert_numbers(&reports[1], "impact");
    assert_text(&reports[1], "owner");
    // Calamine agrees: a date cell, not a string.
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(&ncs).unwrap();
    let range = wb.worksheet_range(&wb.sheet_names()[0].clone()).unwrap();
    let raised = range.rows().next().unwrap().iter().position(|c| *c == Data::String("raised".into())).unwrap();
    let cell = &range.rows().nth(1).unwrap()[raised];
    let Data::DateTime(serial) = cell else { panic!("raised is a date cell: {cell:?}") };
    // Excel counts days from 1899-12-30.
    let days = jiff::civil::Date::new(1899, 12, 30).unwrap().until(jiff::civil::Date::new(2026, 5, 1).unwrap()).unwrap().get_days();
    assert_eq!(serial.as_f64(), f64::from(days), "2026-05-01");
}
