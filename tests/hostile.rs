//! Hostile input: the real binary against repositories built to break it. Each case starts from
//! a valid one-document repository (a copy of tests/fixtures/codes/base in a temporary folder,
//! `PARENT/repo`), builds it once into `PARENT/site`, then adds the hostile file(s) and runs
//! `check --format json` and `build` again. Every case asserts:
//!
//! - no crash: the exit code is 0 or 1 (never 101, never a signal) and stderr never says
//!   "panicked";
//! - a clear diagnostic: the expected code, file and line, in the JSON and in the human output;
//! - nothing written outside the output folder: the list of files under PARENT (minus `site/`)
//!   is the same before and after, with the same sizes and modification times;
//! - the previous site intact after a failing build: byte-identical to the first build.
//!
//! Cases that must "just work" (BOM and CRLF, huge or deeply nested documents) assert a clean
//! build instead. Hostile markup (script, event handlers, javascript: URLs, iframes in bodies,
//! titles, owners and register cells) uses the committed fixture tests/fixtures/hostile-xss/.
//!
//! Run: `cargo test --test hostile` (known bugs are `#[ignore]`d: add `-- --ignored`).

mod common;

use common::html_scan;
use common::{code, path_arg, show, stderr, stdout, Diag, TODAY};
use std::collections::BTreeMap;
use std::os::unix::fs::{symlink, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

/// The theme's own inline handler (the manual's print button); no other is allowed.
const THEME_HANDLERS: &[&str] = &["window.print()"];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Runs the binary and asserts it did not crash.
fn aimsbook(args: &[&str]) -> Output {
    let out = common::run(args);
    assert_no_crash(&out, args);
    out
}

fn tail(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    chars[chars.len().saturating_sub(3000)..].iter().collect()
}

fn assert_no_crash(out: &Output, args: &[&str]) {
    let err = stderr(out);
    let Some(rc) = out.status.code() else {
        panic!("aimsbook {args:?} was killed by a signal ({:?}); stderr:\n{}", out.status, tail(&err));
    };
    assert!(rc == 0 || rc == 1, "aimsbook {args:?} exited with {rc} (expected 0 or 1); stderr:\n{}", tail(&err));
    assert!(!err.contains("panicked"), "aimsbook {args:?} panicked:\n{}", tail(&err));
    assert!(!err.contains("stack overflow"), "aimsbook {args:?} overflowed its stack:\n{}", tail(&err));
}

fn parse_diags(json: &str) -> Vec<Diag> {
    common::parse_diags(json).unwrap_or_else(|e| panic!("check printed invalid JSON ({e}):\n{}", tail(json)))
}

fn assert_diag(diags: &[Diag], code: &str, file: &str, line: u64) -> Diag {
    diags
        .iter()
        .find(|d| d.code == code && d.file == file && d.line == line)
        .cloned()
        .unwrap_or_else(|| panic!("expected {code} at {file}:{line}; got:\n{}", show(diags)))
}

/// A valid document (the base fixture's front matter with another id and title). Lines: 1
/// `---`, 2 id, 3 title, 4 type, 5 owner, 6 approver, 7 version, 8 status, 9 approved, 10
/// review_due, 11 classification, 12 clauses, 13 `---`, 15 `# title`, 17 first body line.
fn doc(id: &str, title: &str, body: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: \"{title}\"\ntype: policy\nowner: \"Owner One\"\napprover: \"Approver One\"\nversion: \"1.0\"\nstatus: approved\napproved: 2026-01-10\nreview_due: 2027-06-01\nclassification: internal\nclauses: [\"5.2\"]\n---\n\n# {title}\n\n{body}\n"
    )
}

/// One file or folder of the parent folder, as compared before and after a run.
type Listing = BTreeMap<String, String>;

fn listing_of(base: &Path, skip: &str) -> Listing {
    fn walk(base: &Path, dir: &Path, skip: &str, out: &mut Listing) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            if rel == skip || rel.starts_with(&format!("{skip}/")) {
                continue;
            }
            let m = std::fs::symlink_metadata(&p).unwrap();
            let what = if m.file_type().is_symlink() {
                format!("symlink -> {}", std::fs::read_link(&p).unwrap().display())
            } else if m.is_dir() {
                "dir".to_string()
            } else {
                format!("file {} bytes, mtime {}.{:09}", m.len(), m.mtime(), m.mtime_nsec())
            };
            out.insert(rel, what);
            if m.is_dir() {
                walk(base, &p, skip, out);
            }
        }
    }
    let mut out = Listing::new();
    walk(base, base, skip, &mut out);
    out
}

fn diff_listing(before: &Listing, after: &Listing) -> String {
    let mut d = String::new();
    for (k, v) in after {
        match before.get(k) {
            None => d.push_str(&format!("  added    {k} ({v})\n")),
            Some(b) if b != v => d.push_str(&format!("  changed  {k} ({b} -> {v})\n")),
            _ => {}
        }
    }
    for k in before.keys().filter(|k| !after.contains_key(*k)) {
        d.push_str(&format!("  removed  {k}\n"));
    }
    d
}

fn assert_same_site(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) {
    let changed = common::site_differences(before, after);
    assert!(changed.is_empty(), "the previous site was changed: {changed:?}");
}

/// A repository in `PARENT/repo`, built once (successfully) into `PARENT/site`.
struct Case {
    dir: tempfile::TempDir,
    repo: PathBuf,
    out: PathBuf,
    good: BTreeMap<String, Vec<u8>>,
}

impl Case {
    fn new() -> Case {
        Case::from_fixture("codes/base")
    }

    fn from_fixture(name: &str) -> Case {
        let (dir, repo) = common::temp_copy(name);
        let out = dir.path().join("site");
        let case = Case { dir, repo, out, good: BTreeMap::new() };
        let b = case.build();
        assert_eq!(code(&b), 0, "the starting repository must build: {}", stderr(&b));
        let good = common::snapshot(&case.out);
        assert!(good.contains_key("index.html"));
        Case { good, ..case }
    }

    fn parent(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        common::write(&self.repo.join(rel), bytes);
    }

    fn append_book_toml(&self, text: &str) {
        common::append(&self.repo.join("book.toml"), text);
    }

    /// Everything under the parent folder except the output folder.
    fn listing(&self) -> Listing {
        listing_of(self.parent(), "site")
    }

    fn check(&self) -> (Output, Vec<Diag>) {
        let out = aimsbook(&["check", "--root", path_arg(&self.repo), "--today", TODAY, "--format", "json"]);
        let diags = parse_diags(&stdout(&out));
        (out, diags)
    }

    fn build(&self) -> Output {
        aimsbook(&["build", "--root", path_arg(&self.repo), "--out", path_arg(&self.out), "--today", TODAY])
    }

    /// check and build must refuse the repository with (at least) the `expected` diagnostics
    /// (code, file, line), write nothing anywhere and leave the previous site as it was.
    fn expect_refused(&self, expected: &[(&str, &str, u64)]) -> Vec<Diag> {
        let before = self.listing();
        let (out, diags) = self.check();
        assert_eq!(code(&out), 1, "check must fail; diagnostics:\n{}", show(&diags));
        for (c, f, l) in expected {
            let d = assert_diag(&diags, c, f, *l);
            assert_eq!(d.severity, "error", "{d:?}");
            assert!(!d.message.is_empty());
        }
        let b = self.build();
        let err = stderr(&b);
        assert_eq!(code(&b), 1, "build must fail; stderr:\n{}", tail(&err));
        for (c, f, l) in expected {
            assert!(err.contains(&format!("error[{c}]")), "human output lacks error[{c}]:\n{}", tail(&err));
            assert!(err.contains(&format!("--> {f}:{l}:")), "human output lacks --> {f}:{l}:\n{}", tail(&err));
        }
        assert!(err.contains("nothing was written"), "{}", tail(&err));
        assert_same_site(&self.good, &common::snapshot(&self.out));
        let after = self.listing();
        assert!(before == after, "files changed outside the output folder:\n{}", diff_listing(&before, &after));
        diags
    }

    /// check and build must accept the repository with no diagnostic at all (or only the
    /// listed warning codes); nothing is written outside the output folder. Returns the site.
    fn expect_built(&mut self, allowed_warnings: &[&str]) -> BTreeMap<String, Vec<u8>> {
        let before = self.listing();
        let (out, diags) = self.check();
        let unexpected: Vec<Diag> =
            diags.iter().filter(|d| !allowed_warnings.contains(&d.code.as_str()) || d.severity == "error").cloned().collect();
        assert!(unexpected.is_empty() && code(&out) == 0, "check must pass; diagnostics:\n{}", show(&diags));
        let b = self.build();
        assert_eq!(code(&b), 0, "build must succeed:\n{}", tail(&stderr(&b)));
        let after = self.listing();
        assert!(before == after, "files changed outside the output folder:\n{}", diff_listing(&before, &after));
        let site = common::snapshot(&self.out);
        assert!(site.contains_key(".aimsbook-site") && site.contains_key("index.html"));
        // This is now the previous site that a later failing build must leave intact.
        self.good = site.clone();
        site
    }

    fn page(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed YAML and front matter
// ---------------------------------------------------------------------------------------------

#[test]
fn yaml_unclosed_quote() {
    let c = Case::new();
    // The last field's quote is never closed: reported where it opens.
    c.write("content/bad.md", doc("BAD-001", "x", "Body.").replace("clauses: [\"5.2\"]", "clauses: [\"5.2]"));
    let diags = c.expect_refused(&[("SRC004", "content/bad.md", 12)]);
    let d = assert_diag(&diags, "SRC004", "content/bad.md", 12);
    assert!(d.message.contains("malformed YAML"), "{d:?}");
}

#[test]
fn yaml_unclosed_quote_before_other_fields() {
    // A double-quoted YAML scalar may span lines, so the quote opened on line 3 pairs with
    // the next `"` (line 5) and the parser stops there. The error must name the file and a line
    // between the opening quote and the point where parsing failed.
    let c = Case::new();
    c.write("content/bad.md", doc("BAD-001", "x", "Body.").replace("title: \"x\"", "title: \"never closed"));
    let diags = c.expect_refused(&[]);
    assert!(diags.iter().any(|d| d.code == "SRC004" && d.file == "content/bad.md" && (3..=5).contains(&d.line)), "{}", show(&diags));
}

/// The same case, asking for the diagnostic a user needs: the line where the quote opens (3),
/// or at least a hint naming it. Today: `content/bad.md:5:9 malformed YAML: invalid trailing
/// content after double-quoted scalar`, help "check indentation and quoting…" — line 5 is the
/// `owner:` line, which is correct YAML.
#[test]
fn yaml_unclosed_quote_points_at_the_opening_line() {
    let c = Case::new();
    c.write("content/bad.md", doc("BAD-001", "x", "Body.").replace("title: \"x\"", "title: \"never closed"));
    let (_, diags) = c.check();
    let src004 = diags.iter().find(|d| d.code == "SRC004").expect("SRC004");
    assert!(src004.line == 3 || src004.message.contains("line 3"), "{}", show(&diags));
}

#[test]
fn yaml_tab_indentation() {
    let c = Case::new();
    c.write("content/bad.md", doc("BAD-001", "x", "Body.").replace("clauses: [\"5.2\"]", "clauses:\n\t- \"5.2\""));
    c.expect_refused(&[("SRC004", "content/bad.md", 13)]);
}

#[test]
fn yaml_duplicate_key() {
    let c = Case::new();
    c.write("content/bad.md", doc("BAD-001", "x", "Body.").replace("approver: \"Approver One\"", "owner: \"Someone Else\""));
    let diags = c.expect_refused(&[("SRC004", "content/bad.md", 6)]);
    assert!(assert_diag(&diags, "SRC004", "content/bad.md", 6).message.contains("duplicate"), "{}", show(&diags));
}

#[test]
fn front_matter_never_closed() {
    let c = Case::new();
    c.write("content/bad.md", doc("BAD-001", "x", "Body.").replacen("\n---\n", "\n", 1));
    let text = std::fs::read_to_string(c.repo.join("content/bad.md")).unwrap();
    assert_eq!(text.matches("---").count(), 1, "{text}");
    c.expect_refused(&[("SRC003", "content/bad.md", 1)]);
}

#[test]
fn yaml_alias_bomb_is_bounded() {
    // "Billion laughs": nine levels of nine aliases. The parser's budget must stop it quickly.
    let c = Case::new();
    let mut fm =
        vec!["id: BOMB-001".to_string(), "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]".into()];
    for i in 1..10 {
        fm.push(format!("a{i}: &a{i} [{}]", vec![format!("*a{}", i - 1); 9].join(",")));
    }
    c.write("content/bomb.md", format!("---\n{}\n---\n\n# Bomb\n", fm.join("\n")));
    let started = Instant::now();
    let diags = c.expect_refused(&[]);
    assert!(started.elapsed() < Duration::from_secs(30), "alias bomb took {:?}", started.elapsed());
    assert!(diags.iter().any(|d| d.code == "SRC004" && d.file == "content/bomb.md" && (2..=11).contains(&d.line)), "{}", show(&diags));
}

// ---------------------------------------------------------------------------------------------
// Encodings, empty and huge files
// ---------------------------------------------------------------------------------------------

#[test]
fn file_that_is_not_utf8() {
    let c = Case::new();
    let mut bytes = doc("BAD-001", "caf", "Body.").into_bytes();
    let at = bytes.windows(9).position(|w| w == b"title: \"c").unwrap() + 11;
    bytes.insert(at, 0xE9); // Latin-1 "é" inside the title on line 3
    c.write("content/latin1.md", &bytes);
    c.write("content/data/latin1.yaml", b"meta:\n  title: \"\xff\"\n");
    let diags = c.expect_refused(&[("SRC001", "content/latin1.md", 3), ("SRC001", "content/data/latin1.yaml", 2)]);
    assert_eq!(assert_diag(&diags, "SRC001", "content/latin1.md", 3).column, 12, "{}", show(&diags));
}

#[test]
fn bom_and_crlf_just_work() {
    let mut c = Case::new();
    let crlf = |s: &str| s.replace('\n', "\r\n");
    let a = std::fs::read_to_string(c.repo.join("content/a.md")).unwrap();
    c.write("content/a.md", [b"\xEF\xBB\xBF".as_slice(), crlf(&a).as_bytes()].concat());
    c.write(
        "content/b.md",
        [
            b"\xEF\xBB\xBF".as_slice(),
            crlf(&doc("B-001", "Beta", "See [[A-001]] and [alpha](a.md#alpha).\n\n## Part two\n\n[here](#part-two)")).as_bytes(),
        ]
        .concat(),
    );
    let site = c.expect_built(&[]);
    let b = c.page("doc/B-001.html");
    assert!(b.contains("Beta") && b.contains("id=\"part-two\""), "{b}");
    assert!(!b.contains('\r') && !b.contains('\u{feff}'), "CR or BOM leaked into the page");
    assert!(site.contains_key("doc/A-001.html"));

    // Line numbers are the file's own: an error on line 6 of a CRLF file is reported at line 6.
    c.write("content/c.md", crlf(&doc("C-001", "x", "Body.").replace("approver: \"Approver One\"", "owner: \"Again\"")));
    c.expect_refused(&[("SRC004", "content/c.md", 6)]);
}

#[test]
fn empty_files() {
    let c = Case::new();
    c.write("content/empty.md", b"");
    c.write("content/bom-only.md", b"\xEF\xBB\xBF");
    c.write("content/data/empty.yaml", b"");
    c.write("content/empty-front-matter.md", b"---\n---\n");
    c.expect_refused(&[
        ("SRC002", "content/empty.md", 1),
        ("SRC002", "content/bom-only.md", 1),
        ("SRC005", "content/data/empty.yaml", 1),
        ("SRC005", "content/empty-front-matter.md", 2),
    ]);
}

#[test]
fn ten_megabyte_document() {
    let mut c = Case::new();
    let para = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. ".repeat(10);
    let mut body = String::with_capacity(10_600_000);
    let mut i = 0;
    while body.len() < 10 * 1024 * 1024 {
        body.push_str(&format!("## Section {i}\n\n{para}\n\n"));
        i += 1;
    }
    body.push_str("END-OF-BIG-DOCUMENT");
    c.write("content/big.md", doc("BIG-001", "Big", &body));
    assert!(std::fs::metadata(c.repo.join("content/big.md")).unwrap().len() > 10 * 1024 * 1024);
    let started = Instant::now();
    c.expect_built(&[]);
    println!("10 MB document: check + build in {:.1?}", started.elapsed());
    let page = c.page("doc/BIG-001.html");
    assert!(page.contains("END-OF-BIG-DOCUMENT") && page.trim_end().ends_with("</html>"));
    assert!(page.contains(&format!("id=\"section-{}\"", i - 1)));
}

#[test]
fn line_of_200000_characters() {
    let mut c = Case::new();
    let mut line = String::with_capacity(200_010);
    let mut i = 0;
    while line.len() < 200_000 {
        line.push_str(&format!("w{i} "));
        i += 1;
    }
    line.truncate(200_000);
    assert_eq!(line.chars().count(), 200_000);
    let unbroken = "y".repeat(200_000);
    c.write("content/long.md", doc("LONG-001", "Long", &format!("{line}END-OF-LINE\n\n{unbroken}\n\n[[A-001]] {}", "[".repeat(5000))));
    c.expect_built(&[]);
    let page = c.page("doc/LONG-001.html");
    assert!(page.contains("END-OF-LINE") && page.contains(&unbroken));
    // Diagnostics on such a line still point at it (a broken link at its end).
    c.write("content/long.md", doc("LONG-001", "Long", &format!("{unbroken} [[NOPE-1]]")));
    let diags = c.expect_refused(&[("LNK002", "content/long.md", 17)]);
    assert_eq!(assert_diag(&diags, "LNK002", "content/long.md", 17).column, 200_002);
}

#[test]
fn ten_thousand_nested_lists_and_blockquotes() {
    let mut c = Case::new();
    c.write("content/lists.md", doc("LIST-001", "Lists", &format!("{}deep-list", "- ".repeat(10_000))));
    c.write("content/ordered.md", doc("ORD-001", "Ordered", &format!("{}deep-ordered", "1. ".repeat(10_000))));
    c.write("content/quotes.md", doc("QUOTE-001", "Quotes", &format!("{} deep-quote", ">".repeat(10_000))));
    c.write("content/mixed.md", doc("MIX-001", "Mixed", &format!("{}deep-mixed", "> - ".repeat(5_000))));
    let started = Instant::now();
    c.expect_built(&[]);
    println!("10,000 nesting levels: check + build in {:.1?}", started.elapsed());
    let lists = c.page("doc/LIST-001.html");
    assert!(lists.contains("deep-list") && lists.matches("<ul>").count() >= 10_000, "{} <ul>", lists.matches("<ul>").count());
    let quotes = c.page("doc/QUOTE-001.html");
    assert!(quotes.contains("deep-quote") && quotes.matches("<blockquote>").count() == 10_000);
    assert!(c.page("doc/MIX-001.html").contains("deep-mixed"));
    assert!(c.page("doc/ORD-001.html").contains("deep-ordered"));
}

// ---------------------------------------------------------------------------------------------
// Symbolic links
// ---------------------------------------------------------------------------------------------

#[test]
fn symlink_outside_the_repository_is_refused_and_never_published() {
    let mut c = Case::new();
    let secret = "SECRET-OUTSIDE-THE-REPOSITORY";
    std::fs::write(c.parent().join("secret.md"), doc("SEC-001", secret, secret)).unwrap();
    std::fs::write(c.parent().join("secret.png"), secret).unwrap();
    symlink(c.parent().join("secret.md"), c.repo.join("content/leak.md")).unwrap();
    symlink("../../secret.png", c.repo.join("content/leak.png")).unwrap();
    symlink("/etc/passwd", c.repo.join("content/passwd.md")).unwrap();
    let diags =
        c.expect_refused(&[("SRC006", "content/leak.md", 1), ("SRC006", "content/leak.png", 1), ("SRC006", "content/passwd.md", 1)]);
    assert!(!diags.iter().any(|d| d.message.contains(secret)), "the target's content leaked into a diagnostic");

    // Even when SRC006 is turned down to a warning, the links are not followed.
    c.append_book_toml("\n[check]\nSRC006 = \"warning\"\n");
    let site = c.expect_built(&["SRC006"]);
    for (rel, bytes) in &site {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(secret), "{rel} publishes the symlink target");
        assert!(!text.contains("root:x:0:0"), "{rel} publishes /etc/passwd");
        assert!(!rel.contains("leak") && !rel.contains("passwd"), "{rel} published");
    }
}

#[test]
fn symlink_directory_cycles_terminate() {
    let mut c = Case::new();
    std::fs::create_dir_all(c.repo.join("content/loop")).unwrap();
    symlink("..", c.repo.join("content/loop/up")).unwrap();
    symlink("../content", c.repo.join("content/self")).unwrap();
    symlink("b", c.repo.join("content/a-link")).unwrap();
    symlink("a-link", c.repo.join("content/b")).unwrap();
    symlink(c.repo.join("content/loop"), c.repo.join("content/loop/again")).unwrap();
    let started = Instant::now();
    c.expect_refused(&[
        ("SRC006", "content/loop/up", 1),
        ("SRC006", "content/self", 1),
        ("SRC006", "content/a-link", 1),
        ("SRC006", "content/b", 1),
        ("SRC006", "content/loop/again", 1),
    ]);
    assert!(started.elapsed() < Duration::from_secs(20));
    c.append_book_toml("\n[check]\nSRC006 = \"warning\"\n");
    let site = c.expect_built(&["SRC006"]);
    assert!(site.keys().all(|k| !k.contains("loop") && !k.contains("self")), "{:?}", site.keys().collect::<Vec<_>>());
}

// ---------------------------------------------------------------------------------------------
// Script injection: pages, search index, downloads and exports
// ---------------------------------------------------------------------------------------------

/// A copy of the hostile-xss fixture, built (the two markdown `javascript:` links are
/// reported as LNK005 at their line and column, downgraded to warnings by its book.toml),
/// with nothing written outside the output folder.
fn xss_site() -> Case {
    let mut c = Case::from_fixture("hostile-xss");
    let (_, diags) = c.check();
    let lnk: Vec<&Diag> = diags.iter().filter(|d| d.code == "LNK005").collect();
    assert_eq!(lnk.len(), 2, "{}", show(&diags));
    assert_eq!(assert_diag(&diags, "LNK005", "content/policy.md", 26).severity, "warning");
    assert!(lnk.iter().any(|d| d.column == 3) && lnk.iter().any(|d| d.column == 72), "{}", show(&diags));
    c.expect_built(&["LNK005"]);
    c
}

#[test]
fn script_is_escaped_or_stripped_in_every_page() {
    let c = xss_site();
    let out = c.out.clone();
    let site = common::snapshot(&out);
    let mut pages = 0;
    let mut problems = Vec::new();
    for (rel, bytes) in &site {
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes.clone()).unwrap();
        for p in html_scan::script_risks(&html, THEME_HANDLERS) {
            problems.push(format!("{rel}: {p}"));
        }
    }
    assert!(pages > 50, "only {pages} pages");
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));

    // The hostile text is shown (escaped), not lost: titles, owners and register cells.
    let doc = std::fs::read_to_string(out.join("doc/XSS-001.html")).unwrap();
    assert!(doc.contains("&lt;script&gt;alert(&#x27;title&#x27;)"), "title not escaped as text");
    assert!(doc.contains("&lt;iframe src=javascript:alert(&#x27;owner&#x27;)&gt;"), "owner not escaped as text");
    let reg = std::fs::read_to_string(out.join("doc/REG-001.html")).unwrap();
    assert!(reg.contains("&lt;script&gt;alert(&#x27;cell&#x27;)&lt;/script&gt;"), "register cell not escaped as text");
    // Markdown links to script URLs are rendered as plain text.
    assert!(doc.contains("<span class=\"broken-link\">markdown javascript link</span>"), "{doc}");
    println!("scanned {pages} pages: no script, handler, script URL or embedding element");
}

/// The search index files: the entry file, then every shard (term shards and document
/// buckets), by path.
fn search_files(out: &std::path::Path) -> Vec<(String, String)> {
    let mut files = vec![("static/search-index.js".to_string(), std::fs::read_to_string(out.join("static/search-index.js")).unwrap())];
    let mut shards: Vec<_> = std::fs::read_dir(out.join("static/search")).unwrap().map(|e| e.unwrap().path()).collect();
    shards.sort();
    for p in shards {
        files.push((format!("static/search/{}", p.file_name().unwrap().to_string_lossy()), std::fs::read_to_string(&p).unwrap()));
    }
    files
}

#[test]
fn search_index_holds_hostile_text_as_inert_data() {
    let c = xss_site();
    let out = c.out.clone();
    let files = search_files(&out);
    let mut title = None;
    for (path, js) in &files {
        // Each file is one assignment or one registration call of one JSON literal: no code can
        // follow or be smuggled into it.
        let json = if path == "static/search-index.js" {
            js.strip_prefix("window.AIMSBOOK_SEARCH_INDEX=").and_then(|s| s.trim_end().strip_suffix(';'))
        } else {
            js.strip_prefix("AIMSBOOK_SEARCH_SHARD(").and_then(|s| s.trim_end().strip_suffix(");"))
        };
        let json = json.unwrap_or_else(|| panic!("{path} is not one assignment or call: {js}"));
        let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{path} is not one JSON literal: {e}"));
        for row in v["e"].as_array().into_iter().flatten() {
            if row[0] == "XSS-001" {
                title = row[1].as_str().map(str::to_string);
            }
        }
    }
    let title = title.expect("XSS-001 in a document bucket");
    assert!(title.contains("<script>alert('title')</script>"), "title kept verbatim as data: {title}");
    // The search page writes results with textContent, never as HTML.
    let search = std::fs::read_to_string(out.join("static/search.js")).unwrap();
    for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("] {
        assert!(!search.contains(sink), "search.js uses {sink}");
    }
}

/// The issue asks for hostile markup to be escaped in the search index too. It is JSON
/// inside script files (inert while search.js uses textContent), but a raw `</script>` or
/// `<!--` ends an inline script: escaping `<` as `\u003c` keeps every shard safe if a theme
/// ever inlines it.
#[test]
fn search_index_escapes_markup() {
    let c = xss_site();
    let out = c.out.clone();
    let files = search_files(&out);
    for (path, js) in &files {
        let js = js.to_ascii_lowercase();
        for raw in ["<script", "</script", "<iframe", "<img", "<!--"] {
            assert!(!js.contains(raw), "{path} contains raw {raw}");
        }
    }
    let all = files.iter().map(|(_, js)| js.to_ascii_lowercase()).collect::<String>();
    // The hostile title is in the index, escaped (not dropped).
    assert!(all.contains("[\"xss-001\","), "the hostile document is indexed");
    assert!(all.contains("policy \\u003cscript>alert('title')\\u003c/script>"), "its title is kept, with `<` escaped");
}

/// A body without raw HTML is not sanitised, but heading attribute blocks
/// (`# Title {onclick=...}`, enabled by ENABLE_HEADING_ATTRIBUTES) become attributes of the
/// `<h1>` as written: an event handler on a published page.
#[test]
fn heading_attributes_cannot_add_event_handlers() {
    let mut c = Case::new();
    c.write(
        "content/attrs.md",
        doc("ATTR-001", "Attrs", "## Click me {onclick=alert(1)}\n\n## Hover {#h onmouseover=alert(2) .c}\n\nPlain text."),
    );
    c.expect_built(&[]);
    let page = c.page("doc/ATTR-001.html");
    let risks = html_scan::script_risks(&page, THEME_HANDLERS);
    assert!(risks.is_empty(), "{risks:#?}");
    // The headings themselves are still published.
    assert!(page.contains("Click me") && page.contains("Hover"), "the headings are missing:\n{page}");
}

/// Cells of a CSV file, header included.
fn csv_cells(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    r.records().map(|rec| rec.expect("valid CSV").iter().map(String::from).collect()).collect()
}

fn assert_no_formula(what: &str, cells: &[Vec<String>]) {
    for row in cells {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{what}: cell {cell:?} would be evaluated by a spreadsheet");
        }
    }
}

#[test]
fn csv_downloads_and_exports_neutralise_formulas() {
    let c = xss_site();
    let (dir, out) = (c.parent().to_path_buf(), c.out.clone());
    let mut files = 0;
    for entry in std::fs::read_dir(out.join("downloads")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "csv") {
            files += 1;
            assert_no_formula(&p.display().to_string(), &csv_cells(&std::fs::read(&p).unwrap()));
        }
    }
    assert!(files >= 3, "{files} CSV downloads");
    let register = csv_cells(&std::fs::read(out.join("downloads/register-REG-001.csv")).unwrap());
    let flat: Vec<&str> = register.iter().flatten().map(String::as_str).collect();
    for want in ["'=HYPERLINK(\"http://evil.example/?x\",\"click\")", "'+1+1", "'-1-1", "'@SUM(A1:A2)", "'=1+2", "'\tTAB=1"] {
        assert!(flat.contains(&want), "{want:?} not in the register CSV: {flat:?}");
    }
    let documents = csv_cells(&std::fs::read(out.join("downloads/documents.csv")).unwrap());
    assert!(documents.iter().flatten().any(|c| c == "'+SUM(1,1) register"), "{documents:?}");

    // `aimsbook export`: the same neutralising, to stdout and to a file.
    let root = c.repo.clone();
    let root = root.to_str().unwrap();
    for what in [&["documents"][..], &["register", "--id", "REG-001"][..], &["matrix"][..]] {
        let mut args = vec!["export"];
        args.extend_from_slice(what);
        args.extend_from_slice(&["--format", "csv", "--root", root, "--today", TODAY]);
        let o = aimsbook(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_no_formula(&format!("export {what:?}"), &csv_cells(&o.stdout));
    }
    let file = dir.join("register.csv");
    let o = aimsbook(&[
        "export",
        "register",
        "--id",
        "REG-001",
        "--format",
        "csv",
        "--out",
        file.to_str().unwrap(),
        "--root",
        root,
        "--today",
        TODAY,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).unwrap(), std::fs::read(out.join("downloads/register-REG-001.csv")).unwrap());
}

#[test]
fn json_and_xlsx_exports_keep_hostile_text_as_inert_data() {
    let c = xss_site();
    let (dir, out) = (c.parent().to_path_buf(), c.out.clone());
    // JSON: valid, and the hostile strings come back exactly (string-encoded data, not markup).
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("downloads/register-REG-001.json")).unwrap()).unwrap();
    let row = &v.as_array().unwrap()[0];
    assert_eq!(row["description"], "<script>alert('cell')</script> and <img src=x onerror=alert('cell-img')>");
    assert_eq!(row["source"], "=HYPERLINK(\"http://evil.example/?x\",\"click\")");
    // XLSX: no formula; text is kept as string cells (dates and numbers from the data are
    // typed cells, never text evaluated as something else).
    use calamine::{Reader, Xlsx};
    let root = c.repo.clone();
    let file = dir.join("register.xlsx");
    let o = aimsbook(&[
        "export",
        "register",
        "--id",
        "REG-001",
        "--format",
        "xlsx",
        "--out",
        file.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for path in [file, out.join("downloads/register-REG-001.xlsx"), out.join("downloads/documents.xlsx")] {
        let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
        let sheet = wb.sheet_names()[0].clone();
        let formulas = wb.worksheet_formula(&sheet).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{}: formula cells", path.display());
        let range = wb.worksheet_range(&sheet).unwrap();
        for (_, _, cell) in range.used_cells() {
            assert!(
                matches!(cell, calamine::Data::String(_) | calamine::Data::DateTime(_) | calamine::Data::Float(_)),
                "{}: unexpected cell {cell:?}",
                path.display()
            );
            if let calamine::Data::String(s) = cell {
                assert!(!s.is_empty());
            }
        }
        let texts: Vec<String> = range.used_cells().map(|(_, _, c)| c.to_string()).collect();
        if path.ends_with("register.xlsx") {
            assert!(texts.iter().any(|t| t == "=HYPERLINK(\"http://evil.example/?x\",\"click\")"), "{texts:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Links and ids
// ---------------------------------------------------------------------------------------------

#[test]
fn links_to_system_files_are_refused() {
    let mut c = Case::new();
    c.write(
        "content/links.md",
        doc("LNK-001", "Links", "[passwd](../../../../etc/passwd)\n\n[file](file:///etc/passwd)\n\n![img](../../../../etc/passwd)\n\n[enc](..%2f..%2f..%2f..%2fetc%2fpasswd)\n\n[js](javascript:alert(1))"),
    );
    c.expect_refused(&[
        ("LNK001", "content/links.md", 17),
        ("LNK005", "content/links.md", 19),
        ("LNK001", "content/links.md", 21),
        ("LNK001", "content/links.md", 23),
        ("LNK005", "content/links.md", 25),
    ]);
    // Downgraded to warnings, the links are rendered as plain text and nothing is copied.
    c.append_book_toml("\n[check]\nLNK001 = \"warning\"\nLNK005 = \"warning\"\n");
    let site = c.expect_built(&["LNK001", "LNK005"]);
    let page = c.page("doc/LNK-001.html");
    assert!(html_scan::script_risks(&page, THEME_HANDLERS).is_empty());
    for t in html_scan::tags(&page) {
        for (name, value) in &t.attrs {
            if name == "href" || name == "src" {
                assert!(!value.contains("passwd") && !value.starts_with("file:"), "{name}={value:?} published");
            }
        }
    }
    for (rel, bytes) in &site {
        assert!(!String::from_utf8_lossy(bytes).contains("root:x:0:0"), "{rel} contains /etc/passwd");
    }
}

#[test]
fn ids_with_html_or_path_characters_are_refused() {
    let c = Case::new();
    c.write("content/html-id.md", doc("\"<b>x</b>\"", "Html id", "Body."));
    c.write("content/path-id.md", doc("\"../x\"", "Path id", "Body."));
    c.write("content/deep-id.md", doc("\"../../../../tmp/aimsbook-pwned\"", "Deep id", "Body."));
    c.expect_refused(&[("DC020", "content/html-id.md", 2), ("DC020", "content/path-id.md", 2), ("DC020", "content/deep-id.md", 2)]);
    assert!(!Path::new("/tmp/aimsbook-pwned.html").exists());
}

/// A repository may loosen the id pattern by overriding schemas/document.schema.json; the
/// output stage must still keep every page inside the output folder and escape the id.
fn loosened_schema(c: &Case) {
    let mut schema: serde_json::Value = common::read_json(&common::crate_root().join("schemas/document.schema.json"));
    schema["properties"]["id"].as_object_mut().unwrap().remove("pattern");
    c.write("schemas/document.schema.json", serde_json::to_vec_pretty(&schema).unwrap());
}

#[test]
fn loosened_schema_ids_stay_inside_the_output_folder() {
    let mut c = Case::new();
    loosened_schema(&c);
    // Ids name pages, so even when a repository's schema allows anything, an id with HTML or
    // path characters is refused at its own line, and nothing is written anywhere.
    c.expect_built(&[]);
    c.write("content/html-id.md", doc("\"<b>x</b>\"", "Html id", "Body."));
    let diags = c.expect_refused(&[("DC020", "content/html-id.md", 2)]);
    assert!(diags.iter().all(|d| !d.message.contains("<b>x</b>") || d.message.contains("\"<b>x</b>\"")), "{}", show(&diags));
    std::fs::remove_file(c.repo.join("content/html-id.md")).unwrap();
    c.write("content/path-id.md", doc("\"../../escaped\"", "Path id", "Body."));
    c.expect_refused(&[("DC020", "content/path-id.md", 2)]);
    assert!(!c.parent().join("escaped.html").exists());
}

/// `check` passes a repository that `build` then refuses (OUT001 at book.toml:1): an id that
/// is not a safe file name should be reported by the checks, at the document's `id:` line.
#[test]
fn unsafe_id_is_reported_at_its_document() {
    let c = Case::new();
    loosened_schema(&c);
    c.write("content/path-id.md", doc("\"../x\"", "Path id", "Body."));
    let (out, diags) = c.check();
    assert_eq!(code(&out), 1, "check must fail: {}", show(&diags));
    assert_diag(&diags, "DC020", "content/path-id.md", 2);
}

// ---------------------------------------------------------------------------------------------
// Volume
// ---------------------------------------------------------------------------------------------

#[test]
fn five_thousand_diagnostics() {
    let c = Case::new();
    // 50 documents with 100 broken links each: 5,000 LNK002 errors at known lines.
    for f in 0..50 {
        let body: String = (0..100).map(|i| format!("[[NOPE-{f:02}-{i:03}]]\n\n")).collect();
        c.write(&format!("content/many/m{f:02}.md"), doc(&format!("MANY-{f:02}"), "Many", &body));
    }
    let started = Instant::now();
    let (out, diags) = c.check();
    let check_time = started.elapsed();
    assert_eq!(code(&out), 1);
    assert_eq!(diags.len(), 5_000, "all 5,000 diagnostics must be reported");
    assert!(diags.iter().all(|d| d.code == "LNK002" && d.severity == "error"));
    assert_diag(&diags, "LNK002", "content/many/m00.md", 17);
    assert_diag(&diags, "LNK002", "content/many/m49.md", 17 + 2 * 99);
    let b = c.build();
    let total = started.elapsed();
    assert_eq!(code(&b), 1);
    assert_eq!(stderr(&b).matches("error[LNK002]").count(), 5_000);
    assert!(stderr(&b).contains("5000 error(s)"), "{}", tail(&stderr(&b)));
    assert_same_site(&c.good, &common::snapshot(&c.out));
    println!("5,000 diagnostics: check {check_time:.1?}, check + build {total:.1?}");
    assert!(total < Duration::from_secs(20), "5,000 diagnostics took {total:?}");
}
