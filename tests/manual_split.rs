//! The manual in the site is split into pages a browser can open: `manual.html` (cover and
//! contents), one page per part (document type) under `manual/`, paginated, and the appendix
//! "Changes since" on its own page. Checked on a generated repository unlike the bundled
//! example: German and custom type words (one that folds to the same file name as another, one
//! in Japanese), ids with dots and underscores, a part larger than one page, links across parts
//! and to headings, a draft that the manual leaves out.

mod common;

use common::{assert_ok, build, clients, crate_root, html_text, page, read, write};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Documents of the large part: more than one page of the manual (100 documents a page).
const PROCEDURES: usize = 105;

/// One generated document: id, type, status, file (content-relative), extra body text.
struct Doc {
    id: String,
    doc_type: &'static str,
    status: &'static str,
    rel: String,
    links: String,
}

fn documents() -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut add = |id: String, doc_type: &'static str, status: &'static str, rel: String, links: &str| {
        docs.push(Doc { id, doc_type, status, rel, links: links.to_string() })
    };
    add("LL.01".into(), "policy", "approved", "leitung/ll-01.md".into(), "Siehe [die Schritte](../va/va-103.md#schritte) und [[VA.002]].");
    add("LL.02".into(), "policy", "approved", "leitung/ll-02.md".into(), "Im Entwurf: [[VA.900]]. Anforderung [[7.5.1]].");
    for n in 1..=PROCEDURES {
        let links = match n {
            // Same part page, a heading on the same page, the other part's page.
            1 => "Weiter mit [[VA.002]] und [dem Ablauf](va-050.md#schritte).",
            104 => "Grundlage ist [[LL.02]]; geprüft nach [der Prüfung](../pruefung/pb-1.md#schritte).",
            _ => "",
        };
        add(format!("VA.{n:03}"), "Verfahrensanweisung", "approved", format!("va/va-{n:03}.md"), links);
    }
    // A draft is not in the manual.
    add("VA.900".into(), "Verfahrensanweisung", "draft", "va/va-900.md".into(), "");
    for n in 1..=3 {
        add(format!("PB_{n}"), "Prüfbericht", "approved", format!("pruefung/pb-{n}.md"), if n == 1 { "Siehe [[JP-1]]." } else { "" });
    }
    // Folds to the same file name as "Prüfbericht".
    add("PB_X1".into(), "PRÜFBERICHT", "approved", "pruefung/pb-x1.md".into(), "");
    add("JP-1".into(), "手順書", "approved", "jp/jp-1.md".into(), "[手順](../va/va-001.md#schritte)");
    docs
}

fn document_text(d: &Doc) -> String {
    let approved = if d.status == "approved" { "approved: 2026-03-01\n" } else { "" };
    format!(
        "---\nid: {id}\ntitle: \"Dokument {id}\"\ntype: \"{t}\"\nowner: \"Qualitätsleitung\"\napprover: \"Vorstand\"\nversion: \"1.0\"\n\
         status: {s}\n{approved}review_due: 2027-06-01\nclassification: internal\nclauses: [\"7.5.1\"]\n---\n\n# Dokument {id}\n\n\
         Zweck des Dokuments {id}.\n\n{links}\n\n## Schritte\n\nErstens, zweitens.\n",
        id = d.id,
        t = d.doc_type,
        s = d.status,
        links = d.links
    )
}

/// The generated repository, in git (the appendix needs a snapshot).
fn repository() -> (tempfile::TempDir, PathBuf) {
    let (dir, repo) = common::empty_repo();
    write(
        &repo.join("book.toml"),
        "[book]\ntitle = \"Qualitätshandbuch KI\"\norganization = \"Nordlicht Reederei AG\"\nlanguage = \"de-DE\"\n\n[build]\ncontent = \"handbuch\"\n",
    );
    let mut schema: Value = serde_json::from_str(&read(&crate_root().join("schemas/document.schema.json"))).unwrap();
    let types = schema["properties"]["type"]["enum"].as_array_mut().unwrap();
    types.extend(["Verfahrensanweisung", "Prüfbericht", "PRÜFBERICHT", "手順書"].map(Value::from));
    write(&repo.join("schemas/document.schema.json"), serde_json::to_string_pretty(&schema).unwrap());
    for d in documents() {
        write(&repo.join("handbuch").join(&d.rel), document_text(&d));
    }
    write(&repo.join(".gitignore"), "snapshots/\n");
    common::git(&repo, &["init", "-q"]);
    common::commit_all(&repo, "Handbuch");
    (dir, repo)
}

fn build_site(repo: &Path, out: &Path) {
    assert_ok(&build(repo, out, &[]), "build of the generated repository");
}

/// `id="…"` values of an HTML text.
fn ids(html: &str) -> Vec<String> {
    attributes(html, "id")
}

/// The values of attribute `name` (HTML entities of `/` decoded).
fn attributes(html: &str, name: &str) -> Vec<String> {
    let pat = format!(" {name}=\"");
    html.split(&pat).skip(1).map(|rest| rest[..rest.find('"').unwrap()].replace("&amp;", "&")).collect()
}

/// The manual's part pages (file name → HTML), the appendix left out.
fn part_pages(site: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(site.join("manual"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html") && n != "changes.html")
        .map(|n| {
            let html = page(site, &format!("manual/{n}"));
            (n, html)
        })
        .collect()
}

/// The documents on a part page, in order (`<article … id="doc-ID">`).
fn documents_on(html: &str) -> Vec<String> {
    html.split("<article class=\"manual-doc\" id=\"doc-").skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_string()).collect()
}

#[test]
fn contents_and_part_pages_hold_every_approved_document_once() {
    let (dir, repo) = repository();
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let approved: BTreeSet<String> = documents().into_iter().filter(|d| d.status == "approved").map(|d| d.id).collect();

    let parts = part_pages(&site);
    let names: Vec<&str> = parts.keys().map(String::as_str).collect();
    let japanese = names.iter().find(|n| n.starts_with("type-")).expect("the Japanese type has a hashed ASCII name");
    assert!(japanese.is_ascii() && japanese.len() == "type-".len() + 8 + ".html".len(), "{japanese}");
    for want in ["policy.html", "verfahrensanweisung.html", "verfahrensanweisung-2.html", "prufbericht.html", "prufbericht_2.html"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert_eq!(names.len(), 6, "{names:?}");
    assert!(names.iter().all(|n| n.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))), "{names:?}");

    // Every approved document on exactly one part page, the draft on none; the large part
    // split at 100 in id order.
    let mut holder: BTreeMap<String, String> = BTreeMap::new();
    for (name, html) in &parts {
        for id in documents_on(html) {
            if let Some(other) = holder.insert(id.clone(), name.clone()) {
                panic!("{id} is on {other} and on {name}");
            }
        }
    }
    assert_eq!(holder.keys().cloned().collect::<BTreeSet<_>>(), approved, "the part pages hold exactly the approved documents");
    let first: Vec<String> = documents_on(&parts["verfahrensanweisung.html"]);
    assert_eq!(first.len(), 100);
    assert_eq!((first[0].as_str(), first[99].as_str()), ("VA.001", "VA.100"));
    assert_eq!(documents_on(&parts["verfahrensanweisung-2.html"]), ["VA.101", "VA.102", "VA.103", "VA.104", "VA.105"]);
    // Two types with one file name: the first in reading order ("PRÜFBERICHT" sorts before
    // "Prüfbericht") keeps it.
    assert_eq!(documents_on(&parts["prufbericht.html"]), ["PB_X1"]);
    assert_eq!(documents_on(&parts["prufbericht_2.html"]), ["PB_1", "PB_2", "PB_3"]);

    // The contents link every approved document to the page that holds it, once.
    let contents = page(&site, "manual.html");
    let mut listed: BTreeMap<String, String> = BTreeMap::new();
    for href in attributes(&contents, "href").into_iter().filter(|h| h.starts_with("manual/") && h.contains("#doc-")) {
        let (file, id) = href.trim_start_matches("manual/").split_once("#doc-").unwrap();
        assert!(listed.insert(id.to_string(), file.to_string()).is_none(), "{id} listed twice in the contents");
    }
    assert_eq!(listed, holder, "the contents send each document to the part page that holds it");
    assert!(contents.contains("Verfahrensanweisung") && contents.contains("手順書"), "parts named by their type words");
    assert!(contents.contains("aimsbook pdf"), "the contents say how to print the whole manual");
    // Reading order: the known type first, then the others by name.
    let order: Vec<usize> = [
        "manual/policy.html\"",
        "manual/prufbericht.html\"",
        "manual/prufbericht_2.html\"",
        "manual/verfahrensanweisung.html\"",
        "manual/type-",
    ]
    .iter()
    .map(|h| contents.find(&format!("href=\"{h}")).unwrap_or_else(|| panic!("{h} not in the contents")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "parts out of order: {order:?}");
    assert!(!site.join("manual/changes.html").exists(), "no appendix without a published snapshot");
    assert!(!site.join("manual-print.html").exists(), "the continuous manual is not part of the site");

    // Each part page: the book's title, its part, navigation, its own print rules only.
    let second = &parts["verfahrensanweisung-2.html"];
    assert!(second.contains("Qualitätshandbuch KI") && second.contains("<h1>Verfahrensanweisung (2/2)</h1>"), "header of the second page");
    let links = attributes(second, "href");
    for want in ["verfahrensanweisung.html", "../manual.html", "type-"] {
        assert!(links.iter().any(|h| h.starts_with(want)), "{want} not linked from verfahrensanweisung-2.html: {links:?}");
    }
    assert!(second.contains("onclick=\"window.print()\""), "its own print button");
    assert!(
        second.contains("content: \"VA.105 · Dokument VA.105\"") && !second.contains("VA.001 · Dokument VA.001"),
        "its documents' print rules"
    );
}

/// Every link of the manual's pages that points into the manual resolves to an existing page
/// and an element with that id; the ones between parts go to the right page.
#[test]
fn links_between_parts_and_to_headings_resolve() {
    let (dir, repo) = repository();
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let parts = part_pages(&site);
    let ids_of: BTreeMap<&str, BTreeSet<String>> = parts.iter().map(|(n, h)| (n.as_str(), ids(h).into_iter().collect())).collect();
    let mut checked = 0;
    for (name, html) in &parts {
        for href in attributes(html, "href") {
            if href.contains("://") || href.starts_with("..") {
                continue;
            }
            let Some((file, frag)) = href.split_once('#') else { continue };
            let file = if file.is_empty() { name.as_str() } else { file };
            let target = ids_of.get(file).unwrap_or_else(|| panic!("{name}: {href} goes to a page that does not exist"));
            assert!(target.contains(frag), "{name}: {href}: {file} has no id {frag}");
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} links checked");
    let hrefs = |page: &str| attributes(&parts[page], "href");
    // LL.01 (policy) → a heading of VA.103 on the second page; VA.002 on the first.
    assert!(hrefs("policy.html").contains(&"verfahrensanweisung-2.html#VA.103--schritte".to_string()), "{:?}", hrefs("policy.html"));
    assert!(hrefs("policy.html").contains(&"verfahrensanweisung.html#doc-VA.002".to_string()));
    // In-page on the same part page; across pages of one part.
    assert!(hrefs("verfahrensanweisung.html").contains(&"#doc-VA.002".to_string()));
    assert!(hrefs("verfahrensanweisung.html").contains(&"#VA.050--schritte".to_string()));
    assert!(hrefs("verfahrensanweisung-2.html").contains(&"policy.html#doc-LL.02".to_string()));
    assert!(hrefs("verfahrensanweisung-2.html").contains(&"prufbericht_2.html#PB_1--schritte".to_string()));
    // Links out of the manual (a draft, a clause) go up a folder to pages that exist.
    let up: Vec<String> = hrefs("policy.html").into_iter().filter(|h| h.starts_with("../doc/") || h.starts_with("../clauses/")).collect();
    assert!(up.contains(&"../doc/VA.900.html".to_string()), "{up:?}");
    assert!(up.iter().any(|h| h.starts_with("../clauses/7.5.1")), "{up:?}");
    assert!(up.iter().all(|h| site.join("manual").join(h.split('#').next().unwrap()).exists()), "{up:?}");
}

#[test]
fn the_split_is_deterministic() {
    let (dir, repo) = repository();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    build_site(&repo, &a);
    // The files written in another order give the same manual.
    let content = repo.join("handbuch/va");
    for entry in std::fs::read_dir(&content).unwrap() {
        let p = entry.unwrap().path();
        let text = read(&p);
        std::fs::remove_file(&p).unwrap();
        write(&p, text);
    }
    build_site(&repo, &b);
    let manual = |site: &Path| -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::from([("manual.html".to_string(), std::fs::read(site.join("manual.html")).unwrap())]);
        for (name, html) in part_pages(site) {
            files.insert(name, html.into_bytes());
        }
        files
    };
    let (ma, mb) = (manual(&a), manual(&b));
    assert_eq!(ma.keys().collect::<Vec<_>>(), mb.keys().collect::<Vec<_>>());
    for (name, bytes) in &ma {
        assert!(bytes == &mb[name], "{name} differs between two builds");
    }
}

/// With a published snapshot the appendix is a page of the manual, listed in the contents and
/// reached from the last part page.
#[test]
fn the_appendix_is_a_page_of_the_manual() {
    let (dir, repo) = repository();
    assert_ok(&common::take_snapshot(&repo, "S1", &repo.join("snapshots"), &[]), "snapshot S1");
    common::replace_first(&repo.join("handbuch/va/va-104.md"), "version: \"1.0\"", "version: \"1.1\"");
    common::append(&repo.join("book.toml"), "\n[[snapshots]]\nlabel = \"S1\"\npath = \"snapshots/S1\"\ndate = \"2026-11-26\"\n");
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let appendix = page(&site, "manual/changes.html");
    assert!(appendix.contains("<h1 id=\"changes-since-title\">Änderungen seit S1</h1>"), "{appendix}");
    assert!(appendix.contains("VA.104 Dokument VA.104"), "the changed document is in the appendix");
    let contents = page(&site, "manual.html");
    assert!(contents.contains("href=\"manual/changes.html\">Anhang: Änderungen seit S1</a>"), "listed in the contents");
    // The last part in reading order leads to it, and it back.
    let last = part_pages(&site).into_iter().find(|(_, html)| attributes(html, "href").contains(&"changes.html".to_string()));
    let (last, _) = last.expect("a part page links to the appendix");
    assert!(last.starts_with("type-"), "the Japanese type's part is last: {last}");
    assert!(attributes(&appendix, "href").contains(&last), "the appendix links back to {last}");
}

/// In Chromium, from file://: following a link from one part page to a heading of a document
/// on another part page lands on that heading.
#[test]
fn following_a_cross_part_link_lands_on_the_heading() {
    if !clients::browser() {
        return;
    }
    let (dir, repo) = repository();
    let site = dir.path().join("site");
    build_site(&repo, &site);
    let d = common::webdriver::browser();
    d.goto(&common::webdriver::file_url(&site.join("manual/policy.html")));
    let clicked = d.execute(
        "var a = Array.from(document.querySelectorAll('#doc-LL\\\\.01 a')).find(function (a) { return a.textContent === 'die Schritte'; }); \
         if (!a) return null; var h = a.getAttribute('href'); a.click(); return h;",
        json!([]),
    );
    assert_eq!(clicked, json!("verfahrensanweisung-2.html#VA.103--schritte"), "the link in LL.01");
    let landed = d.poll(
        "the target heading",
        "var h = document.getElementById('VA.103--schritte'); if (!h) return null; \
         var r = h.getBoundingClientRect(); \
         return {url: location.pathname.split('/').pop() + location.hash, tag: h.tagName, text: h.textContent.trim(), \
                 target: h.matches(':target'), top: Math.round(r.top), height: window.innerHeight, \
                 article: h.closest('article').id};",
        Duration::from_secs(20),
        |v| v.is_object(),
    );
    assert_eq!(landed["url"], json!("verfahrensanweisung-2.html#VA.103--schritte"), "{landed}");
    assert_eq!(landed["tag"], json!("H2"), "{landed}");
    assert!(landed["text"].as_str().unwrap().contains("Schritte"), "{landed}");
    assert_eq!(landed["target"], json!(true), "{landed}");
    assert_eq!(landed["article"], json!("doc-VA.103"), "the heading of VA.103, not of another document: {landed}");
    let (top, height) = (landed["top"].as_i64().unwrap(), landed["height"].as_i64().unwrap());
    assert!((0..height / 2).contains(&top), "the heading is scrolled into view: {landed}");
}

/// A generated type of document: its type word, the id of its document n, its folder and how
/// many it has.
type Kind = (&'static str, fn(usize) -> String, &'static str, usize);

/// Above 500 approved documents the contents page stops listing every document: each part
/// lists its pages with the first and last id and the count each holds, so `manual.html` grows
/// with the pages (one line per hundred documents) and not with the documents. Checked on a
/// generated French repository with its own type words and id schemes.
#[test]
fn a_large_manual_lists_its_pages_not_every_document() {
    let kinds: [Kind; 3] = [
        ("Politique", |n| format!("POL_{n:02}"), "politiques", 3),
        ("Instruction de travail", |n| format!("IT-{n:04}"), "instructions/atelier", 431),
        ("Registre de traitement", |n| format!("RT.{n:03}"), "registres", 140),
    ];
    let (dir, repo) = common::empty_repo();
    write(&repo.join("book.toml"), "[book]\ntitle = \"Manuel SMIA\"\norganization = \"Transports Garonne\"\nlanguage = \"fr\"\n");
    let mut schema: Value = serde_json::from_str(&read(&crate_root().join("schemas/document.schema.json"))).unwrap();
    let types = schema["properties"]["type"]["enum"].as_array_mut().unwrap();
    types.extend(kinds.iter().map(|k| Value::from(k.0)));
    write(&repo.join("schemas/document.schema.json"), serde_json::to_string_pretty(&schema).unwrap());
    let mut approved = 0;
    for (doc_type, id_of, folder, count) in kinds {
        for n in 1..=count {
            let id = id_of(n);
            // Every tenth is a draft, which the manual leaves out.
            let status = if n % 10 == 0 { "draft" } else { "approved" };
            approved += usize::from(status == "approved");
            let approved_line = if status == "approved" { "approved: 2026-03-01\n" } else { "" };
            let text = format!(
                "---\nid: \"{id}\"\ntitle: \"Document {id}\"\ntype: \"{doc_type}\"\nowner: \"Qualité\"\napprover: \"Direction\"\nversion: \"2.0\"\n\
                 status: {status}\n{approved_line}review_due: 2027-06-01\nclassification: internal\nclauses: [\"7.5.1\"]\n---\n\n# Document {id}\n\nObjet.\n"
            );
            write(&repo.join("contenu").join(folder).join(format!("d{n:04}.md")), text);
        }
    }
    write(&repo.join("book.toml"), format!("{}\n[build]\ncontent = \"contenu\"\n", read(&repo.join("book.toml"))));
    assert!(approved > 500, "the generated manual is above the limit: {approved}");
    let site = dir.path().join("site");
    build_site(&repo, &site);

    let contents = page(&site, "manual.html");
    let hrefs = attributes(&contents, "href");
    assert!(!hrefs.iter().any(|h| h.contains("#doc-")), "no document is listed one by one");
    assert!(html_text(&contents).contains(&format!("{approved} documents approuvés")), "the full count on the cover");
    assert!(html_text(&contents).contains("plus de 500 documents"), "the contents say why they list pages");
    // Every part page is listed (each line once, its part's heading links its first page too),
    // with the ids it starts and ends with and its count, which add up to the whole manual.
    let parts = part_pages(&site);
    let listed: BTreeSet<String> = hrefs.iter().filter_map(|h| h.strip_prefix("manual/")).map(str::to_string).collect();
    assert_eq!(listed, parts.keys().cloned().collect::<BTreeSet<_>>(), "the contents link every part page");
    let text = html_text(&contents);
    let mut total = 0;
    for (name, html) in &parts {
        let docs = documents_on(html);
        let line = format!("{} – {} · {} documents", docs[0], docs[docs.len() - 1], docs.len());
        assert_eq!(text.matches(&line).count(), 1, "{name}: its line \"{line}\" once in the contents");
        total += docs.len();
    }
    assert_eq!(total, approved, "the pages hold every approved document");
    // The large part: 388 approved instructions on four pages, numbered in French.
    let large = parts.keys().filter(|n| n.starts_with("instruction")).count();
    assert_eq!(large, 4, "{:?}", parts.keys());
    for want in ["Page 1 sur 4", "Page 4 sur 4", "IT-0001 – IT-0111 · 100 documents", "388 documents"] {
        assert!(text.contains(want), "{want} missing from the contents");
    }
    // What keeps it small: the page is the frame and a line per part page.
    assert!(contents.len() < 20_000, "manual.html is {} bytes", contents.len());

    if let Some(errors) = clients::html_errors(&[site.join("manual.html")]) {
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
}
