//! Retention and disposition (clause 7.5.3) on tests/fixtures/retention, a repository unlike
//! the bundled example: another organisation, content under docs/, other ids and folders, a
//! 14-day warning window, and retention written in every accepted form (friendly, ISO 8601,
//! odd case and spacing, "until superseded [+ period]", "permanent").
//!
//! Boundary cases, as of TODAY = 2026-11-26:
//! - HL-AUD-1: 2024-02-29 + "1 Year" → 2025-02-28 (leap day clamped) → overdue;
//! - HL-AUD-2: 2025-01-31 + "P1M" → 2025-02-28 (month end clamped) → overdue;
//! - HL-MIN-1: 2026-01-31 + "10 MONTHS" → 2026-11-30 (no 31 November) → due, 4 days ahead;
//! - HL-REP-1: 2025-11-26 + "1 year" → 2026-11-26, today → due;
//! - HL-GOV-1: superseded by HL-GOV-2 approved 2026-03-15, "Until Superseded + 3 years" → 2029-03-15;
//! - HL-GOV-2: in force, "until superseded + 3 years" → no disposal date, not listed;
//! - HL-GOV-3: retired, last history entry 2023-05-01, "P5Y" → 2028-05-01;
//! - HL-REC-5 "until superseded" (in force) and HL-REC-6 "permanent" → keep, no date;
//! - HL-REC-7 (not understood), HL-REC-8 (no retention), HL-GOV-4 (retired, none) → undecided.

mod common;

use common::*;
use std::path::Path;

fn diag_keys(diags: &[Diag]) -> Vec<(String, String, u64, String)> {
    let mut v: Vec<_> = diags.iter().map(|d| (d.code.clone(), d.file.clone(), d.line, d.severity.clone())).collect();
    v.sort();
    v
}

#[test]
fn check_reports_unreadable_missing_and_overdue_retention_at_their_lines() {
    let root = fixture("retention");
    let (rc, diags) = check_json(&root, &[]);
    let want: Vec<(String, String, u64, String)> = [
        ("RET001", "docs/evidence/shift-notes.md", 14),
        ("RET002", "docs/evidence/unlabelled-check.md", 4),
        ("RET003", "docs/evidence/january-close.md", 14),
        ("RET003", "docs/evidence/leap-day-audit.md", 14),
    ]
    .iter()
    .map(|(c, f, l)| (c.to_string(), f.to_string(), *l, "warning".to_string()))
    .collect();
    assert_eq!(diag_keys(&diags), want, "\n{}", show(&diags));
    assert_eq!(rc, 0, "warnings only");
    let overdue: Vec<&Diag> = diags.iter().filter(|d| d.code == "RET003").collect();
    assert!(overdue.iter().any(|d| d.message.contains("HL-AUD-1") && d.message.contains("2025-02-28")), "{}", show(&diags));
}

#[test]
fn retention_levels_are_configurable_under_check() {
    let (_dir, repo) = temp_copy("retention");
    let toml = repo.join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{text}\n[check]\nRET003 = \"error\"\nRET002 = \"off\"\n")).unwrap();
    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 1, "an overdue disposal is now an error\n{}", show(&diags));
    assert!(diags.iter().filter(|d| d.code == "RET003").all(|d| d.severity == "error"));
    assert_eq!(diags.iter().filter(|d| d.code == "RET003").count(), 2);
    assert!(!diags.iter().any(|d| d.code == "RET002"), "RET002 is off\n{}", show(&diags));
    assert!(diags.iter().any(|d| d.code == "RET001" && d.severity == "warning"));
}

/// The rows of one section (overdue, due, keep, undecided) of retention.html as
/// (id, disposal date or "—", state text) in page order.
fn section_rows(html: &str, state: &str) -> Vec<(String, String, String)> {
    let start = html.find(&format!("<section class=\"card\" id=\"{state}\"")).unwrap_or_else(|| panic!("no {state} section"));
    let rest = &html[start..];
    let section = &rest[..rest.find("</section>").unwrap()];
    let text = |cell: &str| -> String { html_text(cell).split_whitespace().collect::<Vec<_>>().join(" ") };
    section
        .split("<tr class=\"retention-")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").unwrap()];
            let row = &row[row.find('>').unwrap() + 1..];
            let cells: Vec<String> = row.replace("</th>", "</td>").split("</td>").map(text).collect();
            let id = cells[0].split_whitespace().next().unwrap_or("").to_string();
            (id, cells[5].clone(), cells[6].clone())
        })
        .collect()
}

fn build_fixture() -> (tempfile::TempDir, std::path::PathBuf) {
    build_ok(&fixture("retention"), &[])
}

#[test]
fn retention_page_gives_each_disposal_date_and_state() {
    let (_dir, site) = build_fixture();
    let html = page(&site, "retention.html");
    let ids = |rows: &[(String, String, String)]| rows.iter().map(|r| (r.0.clone(), r.1.clone())).collect::<Vec<_>>();
    let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();

    let overdue = section_rows(&html, "overdue");
    assert_eq!(ids(&overdue), pairs(&[("HL-AUD-1", "28 February 2025"), ("HL-AUD-2", "28 February 2025")]));
    assert!(overdue.iter().all(|r| r.2.starts_with("overdue for disposal")), "{overdue:?}");

    let due = section_rows(&html, "due");
    assert_eq!(ids(&due), pairs(&[("HL-REP-1", "26 November 2026"), ("HL-MIN-1", "30 November 2026")]));
    assert!(due.iter().all(|r| r.2.starts_with("due for disposal")), "{due:?}");

    let keep = section_rows(&html, "keep");
    assert_eq!(
        ids(&keep),
        pairs(&[("HL-GOV-3", "1 May 2028"), ("HL-GOV-1", "15 March 2029"), ("HL-REC-5", "—"), ("HL-REC-6", "—")]),
        "dated entries first, by disposal date"
    );
    assert!(keep[2].2.contains("in force"), "{keep:?}");
    assert!(keep[3].2.contains("permanently"), "{keep:?}");

    let undecided = section_rows(&html, "undecided");
    assert_eq!(ids(&undecided), pairs(&[("HL-GOV-4", "—"), ("HL-REC-7", "—"), ("HL-REC-8", "—")]));
    assert!(undecided[1].2.contains("as long as needed"), "{undecided:?}");

    // A document in force ("until superseded + 3 years") has no disposal date and is not listed.
    assert!(!html.contains("HL-GOV-2"));
    // Where each period runs from is stated, the ISO date in the <time> element.
    assert!(
        html.contains("<time datetime=\"2026-03-15\">15 March 2026</time> <span class=\"muted\">(superseded (successor approved))</span>")
    );
    assert!(html.contains("<time datetime=\"2023-05-01\">1 May 2023</time> <span class=\"muted\">(retired (last history entry))</span>"));
    // Linked from every page's navigation.
    assert!(page(&site, "index.html").contains("href=\"retention.html\""));
    assert!(page(&site, "doc/HL-GOV-1.html").contains("href=\"../retention.html\""));
}

#[test]
fn obsolete_documents_stay_browsable_and_marked_until_disposal() {
    let (_dir, site) = build_fixture();
    let superseded = page(&site, "doc/HL-GOV-1.html");
    assert!(superseded.contains("Superseded."), "still published, marked superseded");
    assert!(superseded.contains("Kept until <time datetime=\"2029-03-15\">15 March 2029</time>."));
    let retired = page(&site, "doc/HL-GOV-3.html");
    assert!(retired.contains("Kept until <time datetime=\"2028-05-01\">1 May 2028</time>."));
    let overdue = page(&site, "doc/HL-AUD-1.html");
    assert!(overdue.contains("Overdue for disposal."), "an overdue record says so");
    assert!(overdue.contains("ended on <time datetime=\"2025-02-28\">28 February 2025</time>"));
    let in_force = page(&site, "doc/HL-GOV-2.html");
    assert!(in_force.contains("until superseded + 3 years"), "the retention is shown");
    assert!(!in_force.contains("dispose of on") && !in_force.contains("Kept until"), "no disposal date while in force");
    let kept_record = page(&site, "doc/HL-REP-1.html");
    assert!(kept_record.contains("dispose of on <time datetime=\"2026-11-26\">26 November 2026</time> (due for disposal)"));
}

fn export(args: &[&str]) -> std::process::Output {
    let root = fixture("retention");
    let mut all = vec!["export", "retention", "--root", root.to_str().unwrap(), "--today", TODAY];
    all.extend_from_slice(args);
    run(&all)
}

const HEADER: [&str; 11] = ["ID", "Title", "Type", "Status", "Retention", "Runs from", "Start", "Disposal date", "State", "Note", "Path"];

#[test]
fn retention_exports_as_csv_json_and_xlsx_and_matches_the_site_download() {
    let out = export(&["--format", "csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, HEADER);
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    let find = |id: &str| rows.iter().find(|r| r[0] == id).unwrap_or_else(|| panic!("{id} missing"));
    assert_eq!(rows.len(), 11);
    assert_eq!(find("HL-AUD-1")[7], "2025-02-28");
    assert_eq!(find("HL-AUD-1")[8], "overdue for disposal");
    assert_eq!(find("HL-MIN-1")[7], "2026-11-30");
    assert_eq!(find("HL-MIN-1")[8], "due for disposal");
    assert_eq!(find("HL-GOV-1")[6], "2026-03-15");
    assert_eq!(find("HL-GOV-1")[10], "docs/handbook/routing-rules-2023.md");
    assert_eq!(find("HL-REC-8")[8], "retention not decided");
    assert_eq!(find("HL-REC-8")[9], "no retention set");

    let (_dir, site) = build_fixture();
    assert_eq!(std::fs::read(site.join("downloads/retention.csv")).unwrap(), out.stdout, "the download is the export");

    let json = export(&["--format", "json"]);
    assert_eq!(code(&json), 0, "{}", stderr(&json));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 11);
    assert_eq!(arr[0]["ID"], "HL-AUD-1");
    assert_eq!(arr[0]["Disposal date"], "2025-02-28");
    assert_eq!(std::fs::read(site.join("downloads/retention.json")).unwrap(), json.stdout);

    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("retention.xlsx");
    let x = export(&["--format", "xlsx", "--out", xlsx.to_str().unwrap()]);
    assert_eq!(code(&x), 0, "{}", stderr(&x));
    assert_xlsx_rows(&xlsx, &rows);
    assert_xlsx_rows(&site.join("downloads/retention.xlsx"), &rows);
}

/// The workbook read back by an independent reader holds the same ids and states as the CSV.
fn assert_xlsx_rows(path: &Path, csv_rows: &[Vec<String>]) {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    let cells: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(cells[0], HEADER);
    let pick = |rows: &[Vec<String>]| rows.iter().map(|r| (r[0].clone(), r[8].clone())).collect::<Vec<_>>();
    assert_eq!(pick(&cells[1..]), pick(csv_rows));
}

/// A record of the generated repository below: its id, its path, its record date, its
/// `retention` as written and its disposal date (`None` for a record without a retention).
struct GeneratedRecord {
    id: String,
    rel: String,
    record_date: jiff::civil::Date,
    retention: &'static str,
    disposal: Option<jiff::civil::Date>,
}

/// 1,340 records of another organisation, in French, under its own folders and id scheme:
/// 160 past their disposal date, 1,150 to keep, 30 without a retention.
fn many_records() -> Vec<GeneratedRecord> {
    let today: jiff::civil::Date = TODAY.parse().unwrap();
    (0..1340)
        .map(|i| {
            let id = format!("ENR-{}-{:04}", 2019 + i % 7, i + 1);
            let rel = format!("registres/{}/{}/enr-{:04}.md", ["achats", "qualite", "exploitation"][i % 3], 2019 + i % 7, i + 1);
            // Record dates spread over years and days (never past the 28th: no month-end clamping).
            let days_ago = if i < 160 { 800 + (i * 13) % 900 } else { (i * 7) % 700 } as i64;
            let date = today.checked_sub(jiff::Span::new().days(days_ago)).unwrap();
            let record_date = date.with().day(date.day().min(28)).build().unwrap();
            let years = |n: i64| Some(record_date.checked_add(jiff::Span::new().years(n)).unwrap());
            let (retention, disposal) = match i {
                0..160 => ("P2Y", years(2)),
                1310.. => ("", None),
                _ => ("\"5 years\"", years(5)),
            };
            GeneratedRecord { id, rel, record_date, retention, disposal }
        })
        .collect()
}

fn record_text(r: &GeneratedRecord) -> String {
    let retention = if r.retention.is_empty() { String::new() } else { format!("retention: {}\n", r.retention) };
    format!(
        "---\nid: {id}\ntitle: \"Relevé de contrôle {id}\"\ntype: record\nowner: \"Responsable qualité\"\napprover: \"Direction\"\nversion: \"1.0\"\n\
         status: approved\napproved: 2019-01-10\nreview_due: 2027-06-30\nclassification: internal\nclauses: [\"9.1\"]\nrecord_date: {date}\n{retention}---\n\nContrôle consigné.\n",
        id = r.id,
        date = r.record_date,
    )
}

/// The ids of the entries in the retention table rows of `html`, in page order.
fn entry_ids(html: &str) -> Vec<String> {
    html.split("<tr class=\"retention-")
        .skip(1)
        .map(|row| {
            let cell = &row[row.find("<th scope=\"row\">").unwrap()..];
            html_text(&cell[..cell.find("</th>").unwrap()]).split_whitespace().next().unwrap_or("").to_string()
        })
        .collect()
}

/// At any size the Retention page stays small: each state shows its full count and its first
/// 100 entries by disposal date, and links to its own list, which has every entry, 500 a page,
/// with a pager. Checked on a generated French repository unlike the bundled example.
#[test]
fn retention_states_are_capped_with_full_counts_and_listed_whole_on_their_own_pages() {
    let records = many_records();
    let (dir, repo) = empty_repo();
    write(&repo.join("book.toml"), "[book]\ntitle = \"Manuel IA\"\norganization = \"Transports Garonne\"\nlanguage = \"fr\"\n\n[check]\nRET003 = \"off\"\nRET002 = \"off\"\n");
    for r in &records {
        write(&repo.join("content").join(&r.rel), record_text(r));
    }
    let site = dir.path().join("site");
    assert_ok(&build(&repo, &site, &[]), "build of the generated repository");
    let today: jiff::civil::Date = TODAY.parse().unwrap();
    // Expected order within a state: disposal date, then id.
    let mut dated: Vec<(&jiff::civil::Date, &str)> =
        records.iter().filter_map(|r| r.disposal.as_ref().map(|d| (d, r.id.as_str()))).collect();
    dated.sort();
    let overdue: Vec<String> = dated.iter().filter(|(d, _)| **d < today).map(|(_, id)| id.to_string()).collect();
    let keep: Vec<String> =
        dated.iter().filter(|(d, _)| **d > today.checked_add(jiff::Span::new().days(30)).unwrap()).map(|(_, id)| id.to_string()).collect();
    let mut undecided: Vec<String> = records.iter().filter(|r| r.disposal.is_none()).map(|r| r.id.clone()).collect();
    undecided.sort();
    assert_eq!(overdue.len(), 160, "the corpus has overdue records");
    assert!(keep.len() > 1000, "and more than two pages of records to keep");

    let html = page(&site, "retention.html");
    for (key, want) in [("overdue", &overdue), ("keep", &keep), ("undecided", &undecided)] {
        let start = html.find(&format!("<section class=\"card\" id=\"{key}\"")).unwrap_or_else(|| panic!("no {key} section"));
        let section = &html[start..start + html[start..].find("</section>").unwrap()];
        assert!(section.contains(&format!("<span class=\"count\">{}</span></h2>", want.len())), "{key}: the full count");
        assert_eq!(entry_ids(section), want[..want.len().min(100)], "{key}: the first 100 by disposal date");
        assert!(section.contains(&format!("href=\"retention/{key}.html\"")), "{key}: linked to its own list");
        if want.len() > 100 {
            assert!(html_text(section).contains(&format!("Afficher les {}", want.len())), "{key}: \"show all\" in French");
        }
        // The state's own pages list every entry once, in order, and there is no page more.
        let pages = want.len().div_ceil(500);
        let mut listed = Vec::new();
        for n in 1..=pages {
            let path = if n == 1 { format!("retention/{key}.html") } else { format!("retention/{key}-{n}.html") };
            let own = page(&site, &path);
            assert!(own.contains(&format!("<span class=\"count\">{}</span></h1>", want.len())), "{path}: the full count");
            assert!(own.contains(&format!("href=\"../doc/{}.html\"", want[(n - 1) * 500])), "{path}: links relative to retention/");
            assert!(own.contains("href=\"../retention.html#"), "{path}: back to the overview");
            if pages > 1 {
                assert!(own.contains("<nav class=\"pager\""), "{path}: a pager");
                assert!(
                    own.contains(&format!("aria-current=\"page\"><span class=\"pager-number\">{n}</span>")),
                    "{path}: the pager marks it"
                );
            }
            listed.extend(entry_ids(&own));
        }
        assert_eq!(&listed, want, "{key}: every entry on its own list, in order");
        assert!(!site.join(format!("retention/{key}-{}.html", pages + 1)).exists(), "{key}: no page beyond the last");
    }
    assert!(!site.join("retention/due.html").exists(), "no list for an empty state");
    let due_start = html.find("<section class=\"card\" id=\"due\"").expect("a due section");
    let due = &html[due_start..due_start + html[due_start..].find("</section>").unwrap()];
    assert!(due.contains("<span class=\"count\">0</span></h2>") && html_text(due).contains("Aucun."), "the empty state is shown as empty");
    assert!(!due.contains("href=\"retention/due.html\""), "with no link to a list");

    // The new pages are valid HTML to the Nu Html Checker.
    let pages = [site.join("retention.html"), site.join("retention/keep-2.html"), site.join("retention/overdue.html")];
    if let Some(errors) = clients::html_errors(&pages) {
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
}
