//! `aimsbook pdf`: the controlled PDF of one document and of the whole manual, read back with
//! poppler's `pdftotext -layout` and `pdfinfo`. Every page must carry the running header of
//! the document it belongs to (id, title, version, status), the footer (classification,
//! "Uncontrolled when printed", "Page X of Y" with the right X and Y), and the manual's
//! contents must give each document the page it really starts on.

mod common;

use common::clients;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Headless Chromium (the print engine) and poppler (the reader), or a skip notice.
fn clients_present() -> bool {
    clients::chromium()
        && clients::program("pdftotext", "apt-get install poppler-utils")
        && clients::program("pdfinfo", "apt-get install poppler-utils")
}

fn aimsbook(root: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--root", common::path_arg(root), "--today", common::TODAY]);
    common::run_env(&all, &[("AIMSBOOK_CHROMIUM", clients::CHROMIUM)])
}

fn print_pdf(root: &Path, id: Option<&str>, out: &Path) {
    let mut args = vec!["pdf", "--out", out.to_str().unwrap()];
    if let Some(id) = id {
        args.extend(["--id", id]);
    }
    let o = aimsbook(root, &args);
    assert!(o.status.success(), "aimsbook pdf {args:?} failed: {}", common::stderr(&o));
}

/// A document as the master register lists it.
#[derive(Debug, Clone)]
struct Doc {
    id: String,
    title: String,
    version: String,
    status: String,
    classification: String,
}

fn documents(root: &Path) -> Vec<Doc> {
    let o = aimsbook(root, &["export", "documents", "--format", "json"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| Doc {
            id: d["ID"].as_str().unwrap().into(),
            title: d["Title"].as_str().unwrap().into(),
            version: d["Version"].as_str().unwrap().into(),
            status: d["Status"].as_str().unwrap().into(),
            classification: d["Classification"].as_str().unwrap().into(),
        })
        .collect()
}

/// `pdfinfo`'s page count and page size line.
fn info(pdf: &Path) -> (usize, String) {
    let o = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_string()).unwrap_or_default();
    (field("Pages:").parse().unwrap(), field("Page size:"))
}

/// The text of every page, in order (`pdftotext -layout` separates pages with form feeds).
fn pages(pdf: &Path) -> Vec<String> {
    let o = Command::new("pdftotext").args(["-layout", pdf.to_str().unwrap(), "-"]).output().unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(String::from).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn lines(page: &str) -> Vec<&str> {
    page.lines().filter(|l| !l.trim().is_empty()).collect()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The running header: the page's first lines (a long title may wrap to a second line).
fn header(page: &str) -> String {
    squash(&lines(page).iter().take(2).copied().collect::<Vec<_>>().join(" "))
}

/// The footer: the page's last lines.
fn footer(page: &str) -> String {
    let l = lines(page);
    squash(&l[l.len().saturating_sub(2)..].join(" "))
}

/// Every page has "Page X of Y" (right X and Y) and "Uncontrolled when printed" in its footer.
fn assert_footers(pages: &[String], what: &str) {
    let total = pages.len();
    for (i, page) in pages.iter().enumerate() {
        let foot = footer(page);
        assert!(foot.contains(&format!("Page {} of {total}", i + 1)), "{what} page {}: footer {foot:?}", i + 1);
        assert!(foot.contains("Uncontrolled when printed"), "{what} page {}: footer {foot:?}", i + 1);
        assert!(foot.contains("Classification: "), "{what} page {}: footer {foot:?}", i + 1);
    }
}

/// The page carries `doc`'s running header and classification.
fn assert_document_page(page: &str, doc: &Doc, what: &str) {
    let head = header(page);
    assert!(head.contains(&format!("{} ·", doc.id)), "{what}: header {head:?} should name {}", doc.id);
    assert!(head.contains(&format!("Version {} · {}", doc.version, doc.status)), "{what}: header {head:?} should give {doc:?}");
    for word in doc.title.split_whitespace() {
        assert!(head.contains(word), "{what}: header {head:?} should hold the title {:?}", doc.title);
    }
    let foot = footer(page);
    assert!(foot.contains(&format!("Classification: {}", doc.classification)), "{what}: footer {foot:?}");
}

/// The contents' entries: for each document, the page number printed after it.
fn contents(pages: &[String], docs: &[Doc]) -> Vec<(Doc, usize)> {
    let text: Vec<&str> = pages.iter().take(6).flat_map(|p| p.lines()).collect();
    docs.iter()
        .map(|d| {
            let at = text
                .iter()
                .position(|l| l.trim_start().starts_with(&format!("{} ", d.id)))
                .unwrap_or_else(|| panic!("{} is not in the contents", d.id));
            // A long title may wrap: the number ends the entry's last line.
            let number = text[at..]
                .iter()
                .take(3)
                .find_map(|l| l.split_whitespace().last().and_then(|w| w.parse::<usize>().ok()))
                .unwrap_or_else(|| panic!("no page number for {} in the contents", d.id));
            (d.clone(), number)
        })
        .collect()
}

fn check_manual(root: &Path, organisation: &str) {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("manual.pdf");
    print_pdf(root, None, &pdf);
    let (count, size) = info(&pdf);
    assert!(size.contains("(A4)"), "A4 by default: {size}");
    let pages = pages(&pdf);
    assert_eq!(pages.len(), count, "pdftotext and pdfinfo agree on the pages");
    assert_footers(&pages, "manual");

    let approved: Vec<Doc> = documents(root).into_iter().filter(|d| d.status == "approved").collect();
    assert!(approved.len() >= 3, "the repository has approved documents to print");
    let mut starts = contents(&pages, &approved);
    starts.sort_by_key(|(_, p)| *p);
    let first = starts[0].1;
    assert!(first > 1, "cover and contents come first");
    for page in &pages[..first - 1] {
        let head = header(page);
        assert!(head.contains(organisation) && head.contains("Manual of"), "cover and contents carry the manual's header: {head:?}");
    }
    for (k, (doc, start)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map(|(_, p)| *p - 1).unwrap_or(count);
        assert!(*start <= end, "{} has at least one page", doc.id);
        for p in *start..=end {
            assert_document_page(&pages[p - 1], doc, &format!("manual page {p} ({} starts on {start})", doc.id));
        }
        // The document really starts there: its title heading is on that page and the page
        // before belongs to something else.
        assert!(squash(&pages[start - 1]).contains(&squash(&doc.title)), "{}'s title on its first page {start}", doc.id);
        assert!(
            !header(&pages[start - 2]).contains(&format!("{} ·", doc.id)),
            "page {} before {}'s start belongs to another part",
            start - 1,
            doc.id
        );
    }
}

#[test]
fn manual_of_the_bundled_example() {
    if !clients_present() {
        return;
    }
    check_manual(common::crate_root(), "Corvid Mutual Insurance Ltd");
}

#[test]
fn manual_of_another_repository() {
    if !clients_present() {
        return;
    }
    check_manual(&common::fixture("clean"), "Fixture Ltd");
}

/// Prints `id` into the empty folder `dir` and checks every page; returns the PDF's path.
fn check_document(root: &Path, id: &str, dir: &Path) -> PathBuf {
    let pdf = dir.join(format!("{id}.pdf"));
    print_pdf(root, Some(id), &pdf);
    let doc = documents(root).into_iter().find(|d| d.id == id).unwrap();
    let pages = pages(&pdf);
    assert!(!pages.is_empty());
    assert_footers(&pages, id);
    for (i, page) in pages.iter().enumerate() {
        assert_document_page(page, &doc, &format!("{id} page {}", i + 1));
    }
    assert_eq!(std::fs::read_dir(dir).unwrap().count(), 1, "only the PDF is written");
    pdf
}

#[test]
fn one_document_of_the_bundled_example_and_of_another_repository() {
    if !clients_present() {
        return;
    }
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let pdf = check_document(common::crate_root(), "PRC-001", a.path());
    assert!(info(&pdf).1.contains("(A4)"));
    // A superseded document prints with its own status.
    let pdf = check_document(&common::fixture("clean"), "POL-000", b.path());
    assert!(info(&pdf).1.contains("(A4)"));
}

/// `[pdf] paper = "letter"`, and a title that is hostile to the running header's CSS.
#[test]
fn paper_size_and_header_text_come_from_the_repository() {
    if !clients_present() {
        return;
    }
    let (_dir, root) = common::temp_copy("clean");
    common::append(&root.join("book.toml"), "\n[pdf]\npaper = \"letter\"\n");
    let policy = root.join("content/governance/policy-2024.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, text.replace("title: AI Policy (2024 edition)", r#"title: 'AI "Policy" \ </style> 2024'"#)).unwrap();
    let out = tempfile::tempdir().unwrap();
    let pdf = check_document(&root, "POL-000", out.path());
    assert!(info(&pdf).1.contains("(letter)"), "{}", info(&pdf).1);
    assert!(header(&pages(&pdf)[0]).contains(r#"AI "Policy" \ </style> 2024"#), "{}", header(&pages(&pdf)[0]));
}

#[test]
fn without_a_browser_the_error_names_what_to_install() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.pdf");
    let o = Command::new(common::bin())
        .args(["pdf", "--root", env!("CARGO_MANIFEST_DIR"), "--today", common::TODAY, "--out", out.to_str().unwrap()])
        .env("AIMSBOOK_CHROMIUM", dir.path().join("no-such-browser"))
        .output()
        .unwrap();
    assert_eq!(common::code(&o), 2, "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("apt-get install chromium"), "{}", common::stderr(&o));
    let o = Command::new(common::bin())
        .args(["pdf", "--root", env!("CARGO_MANIFEST_DIR"), "--today", common::TODAY, "--out", out.to_str().unwrap()])
        .env_remove("AIMSBOOK_CHROMIUM")
        .env("PATH", dir.path())
        .output()
        .unwrap();
    assert_eq!(common::code(&o), 2, "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("no Chromium or Chrome found"), "{}", common::stderr(&o));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn an_unknown_document_is_a_usage_error() {
    if !clients_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.pdf");
    let o = aimsbook(&common::fixture("clean"), &["pdf", "--id", "NOPE-1", "--out", out.to_str().unwrap()]);
    assert_eq!(common::code(&o), 2, "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("no document with id NOPE-1"));
    assert!(!out.exists());
}
