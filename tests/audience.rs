//! Audience-scoped publishing (`build --audience`, `snapshot --audience`) on a repository that
//! is not the bundled example: its own classification words (from its own document schema),
//! documents of every level and one without a classification, links between them, a register
//! and a record, an attachment, a git history with a re-approval and a published snapshot.
//!
//! Each edition's output — every file of the site, of the snapshot folder and of the snapshot
//! zip — is searched for every title, body sentence and distinctive word of each document the
//! edition does not publish: none may appear. Also: links to withheld documents, the edition
//! label, the manifest, the "Changes since" appendix of the printed manual and redlines in a
//! snapshot opened from file://.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const LEVELS: &[&str] = &["offen", "intern", "vertraulich", "streng-vertraulich"];

/// A document of the fixture: id, its classification (None: the field is left out), and the
/// texts that must never leak into an edition that does not publish it.
struct Doc {
    id: &'static str,
    rel: &'static str,
    title: &'static str,
    class: Option<&'static str>,
    doc_type: &'static str,
    /// Front-matter lines after the common ones.
    extra: &'static str,
    /// The body's sentences, each on its own paragraph, then `links` (a paragraph).
    sentences: &'static [&'static str],
    links: &'static str,
    /// Distinctive words (lower case) found in no other document, path or id.
    words: &'static [&'static str],
}

const DOCS: &[Doc] = &[
    Doc {
        id: "OFF-1",
        rel: "open/handbook.md",
        title: "Lighthouse Handbook",
        class: Some("offen"),
        doc_type: "policy",
        extra: "related: [\"INT-2\"]\n",
        sentences: &["The lighthouse keeper greets every visitor at dawn."],
        links: "Tides: [[INT-2]]. Escalation: [[VER-3]] and [the escalation plan](../conf/plan.md). The dossier STR-4 exists. A [leaflet](leaflet.txt) for all.",
        words: &["lighthouse"],
    },
    Doc {
        id: "INT-2",
        rel: "inside/tides.md",
        title: "Harbour Tide Procedure",
        class: Some("intern"),
        doc_type: "procedure",
        extra: "",
        sentences: &["Harbour tides are announced on the staff noticeboard."],
        links: "Read [[OFF-1]] first; the contingency is [[VER-3]].",
        words: &["harbour", "noticeboard"],
    },
    Doc {
        id: "VER-3",
        rel: "conf/plan.md",
        title: "Kraken Containment Plan",
        class: Some("vertraulich"),
        doc_type: "procedure",
        extra: "related: [\"OFF-1\"]\n",
        sentences: &["The kraken sleeps beneath the northern jetty."],
        links: "Escalate to [[STR-4]]. The [measurements](evidence.txt) are attached.",
        words: &["kraken", "jetty"],
    },
    Doc {
        id: "REG-9",
        rel: "conf/sightings.md",
        title: "Squid Sightings Register",
        class: Some("vertraulich"),
        doc_type: "register",
        extra: "data: \"sightings.yaml\"\n",
        sentences: &["Squid sightings are logged below by the night watch."],
        links: "",
        words: &["squid", "cape wrath"],
    },
    Doc {
        id: "REC-5",
        rel: "records/drill.md",
        title: "Cuttlefish Drill Record",
        class: Some("vertraulich"),
        doc_type: "record",
        extra: "record_date: 2026-03-02\nretention: \"7 years\"\n",
        sentences: &["The cuttlefish drill ended at noon without injuries."],
        links: "It followed [[VER-3]].",
        words: &["cuttlefish"],
    },
    Doc {
        id: "REC-6",
        rel: "records/census.md",
        title: "Seagull Census Record",
        class: Some("offen"),
        doc_type: "record",
        extra: "record_date: 2026-04-01\nretention: \"5 years\"\n",
        sentences: &["Seagulls counted on the breakwater: forty-two."],
        links: "",
        words: &["seagull"],
    },
    Doc {
        id: "STR-4",
        rel: "vault/dossier.md",
        title: "Narwhal Vault Dossier",
        class: Some("streng-vertraulich"),
        doc_type: "policy",
        extra: "",
        sentences: &["Narwhals guard the vault combination in winter."],
        links: "",
        words: &["narwhal"],
    },
    Doc {
        id: "UNK-7",
        rel: "misc/memo.md",
        title: "Octopus Memo",
        class: None,
        doc_type: "policy",
        extra: "",
        sentences: &["The octopus memo carries no label at all."],
        links: "",
        words: &["octopus"],
    },
];

/// Non-document files and who owns them: (path, text, owning document, distinctive words).
const FILES: &[(&str, &str, &str, &[&str])] = &[
    ("open/leaflet.txt", "Leaflet about puffins for every visitor.\n", "OFF-1", &["puffins"]),
    ("conf/evidence.txt", "Tentacle measurements taken by the diving team.\n", "VER-3", &["tentacle"]),
    (
        "conf/sightings.yaml",
        "meta:\n  document: REG-9\n  title: Sightings\nentries:\n  - id: SIGHT-1\n    raised: 2026-02-03\n    description: \"Giant squid seen off Cape Wrath\"\n    owner: \"Night Watch\"\n    status: open\n",
        "REG-9",
        &["cape wrath"],
    ),
];

fn document_text(d: &Doc) -> String {
    let class = d.class.map(|c| format!("classification: {c}\n")).unwrap_or_default();
    let mut body = format!("# {}\n\n", d.title);
    for s in d.sentences {
        body.push_str(s);
        body.push_str("\n\n");
    }
    body.push_str(d.links);
    format!(
        "---\nid: {}\ntitle: {}\ntype: {}\nowner: \"Mara Keeper\"\napprover: \"Port Board\"\nversion: \"1.0\"\nstatus: approved\napproved: 2026-02-01\nreview_due: 2027-06-01\n{class}clauses: [\"7.5.3\"]\n{}history:\n  - version: \"1.0\"\n    date: 2026-02-01\n    author: \"Mara Keeper\"\n    summary: \"First issue.\"\n---\n\n{body}\n",
        d.id, d.title, d.doc_type, d.extra
    )
}

/// The repository: its own schema (the organisation's four words, classification optional),
/// the documents and files above, committed; a complete snapshot S1; then OFF-1 re-approved
/// with a changed text, VER-3 and STR-4 changed without approval, and S1 listed in book.toml.
fn repository(extra_config: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, repo) = empty_repo();
    write(
        &repo.join("book.toml"),
        format!("[book]\ntitle = \"Hafen AIMS\"\norganization = \"Hafenamt Nord\"\nlanguage = \"de-DE\"\n{extra_config}"),
    );
    let schema = read(&crate_root().join("schemas/document.schema.json"));
    let mut schema: Value = serde_json::from_str(&schema).unwrap();
    schema["properties"]["classification"]["enum"] = json!(LEVELS);
    let required = schema["required"].as_array_mut().unwrap();
    required.retain(|r| r != "classification");
    write(&repo.join("schemas/document.schema.json"), serde_json::to_string_pretty(&schema).unwrap());
    for d in DOCS {
        write(&repo.join("content").join(d.rel), document_text(d));
    }
    for (rel, text, _, _) in FILES {
        write(&repo.join("content").join(rel), text);
    }
    write(&repo.join(".gitignore"), "snapshots/\n");
    git(&repo, &["init", "-q"]);
    commit_all(&repo, "Harbour AIMS first issue");
    let r = repo.to_str().unwrap();
    let out = run_in(
        dir.path(),
        &["snapshot", "--root", r, "--today", TODAY, "--label", "S1", "--out", repo.join("snapshots").to_str().unwrap()],
    );
    assert_ok(&out, "snapshot S1");

    let edit = |rel: &str, from: &str, to: &str| replace_first(&repo.join("content").join(rel), from, to);
    edit("open/handbook.md", "at dawn.", "at dawn.\n\nThe keeper rings the bell at dusk.");
    let out = run_in(
        dir.path(),
        &["approve", "OFF-1", "--root", r, "--today", TODAY, "--by", "Port Board", "--date", TODAY, "--summary", "Bell at dusk."],
    );
    assert_ok(&out, "re-approval of OFF-1");
    edit("conf/plan.md", "northern jetty.", "northern jetty.\n\nIt stays asleep until the spring tide.");
    edit("vault/dossier.md", "in winter.", "in winter.\n\nThey rest in the narwhal season.");
    git(&repo, &["commit", "-q", "-am", "OFF-1 re-approved; kraken plan and narwhal dossier edited"]);
    append(&repo.join("book.toml"), "\n[[snapshots]]\nlabel = \"S1\"\npath = \"snapshots/S1\"\ndate = \"2026-11-26\"\n");
    (dir, repo)
}

/// Every file under `root` (path relative to it, bytes), and every entry of every zip container
/// in it — the snapshot zip, XLSX files (as `zip:NAME/ENTRY`).
fn all_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&p).unwrap();
            // Zip containers (the snapshot zip, XLSX downloads) are searched inside.
            if bytes.starts_with(b"PK\x03\x04") {
                let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
                for i in 0..archive.len() {
                    let mut entry = archive.by_index(i).unwrap();
                    let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
                    let mut content = Vec::new();
                    entry.read_to_end(&mut content).unwrap();
                    out.insert(format!("zip:{rel}/{name}"), content);
                }
            }
            out.insert(rel, bytes);
        }
    }
    out
}

/// What must never appear where the document is not published: its title, sentences and
/// distinctive words (case-insensitive), and those of the files it owns.
fn secrets(id: &str) -> Vec<String> {
    let d = DOCS.iter().find(|d| d.id == id).unwrap();
    let mut out: Vec<String> = vec![d.title.to_lowercase()];
    out.extend(d.sentences.iter().map(|s| s.to_lowercase()));
    out.extend(d.words.iter().map(|w| w.to_string()));
    for (_, text, owner, words) in FILES {
        if *owner == id {
            out.push(text.trim().to_lowercase());
            out.extend(words.iter().map(|w| w.to_string()));
        }
    }
    out
}

/// Every occurrence of a withheld document's texts in `files`, as "file: text".
fn leaks(files: &BTreeMap<String, Vec<u8>>, withheld: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for id in withheld {
            for s in secrets(id) {
                if text.contains(&s) || path.to_lowercase().contains(&s) {
                    found.push(format!("{path}: {s:?} of {id}"));
                }
            }
        }
    }
    found
}

/// Relative hrefs and srcs of every HTML page that point at no file of the site.
fn dead_links(site: &Path, files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut dead = Vec::new();
    for (rel, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html") && !p.starts_with("zip:")) {
        let html = String::from_utf8_lossy(bytes);
        for attr in ["href=\"", "src=\""] {
            for part in html.split(attr).skip(1) {
                let target = html_unescape(part.split('"').next().unwrap_or(""));
                let target = target.split(['#', '?']).next().unwrap_or("");
                if target.is_empty() || target.contains(':') {
                    continue;
                }
                let base = Path::new(rel).parent().unwrap_or(Path::new(""));
                let path = site.join(base).join(target);
                if !path.exists() {
                    dead.push(format!("{rel} → {target}"));
                }
            }
        }
    }
    dead
}

fn html_unescape(s: &str) -> String {
    s.replace("&amp;", "&").replace("%20", " ")
}

fn build_edition(dir: &Path, repo: &Path, audience: Option<&str>) -> (PathBuf, Output) {
    let out = dir.join(format!("site-{}", audience.unwrap_or("complete")));
    let mut args = vec!["build", "--root", repo.to_str().unwrap(), "--today", TODAY, "--out", out.to_str().unwrap()];
    if let Some(a) = audience {
        args.extend(["--audience", a]);
    }
    let o = run_in(dir, &args);
    (out, o)
}

fn snapshot_edition(dir: &Path, repo: &Path, audience: &str) -> PathBuf {
    let snaps = dir.join(format!("snaps-{audience}"));
    let label = format!("E-{audience}");
    let o = run_in(
        dir,
        &[
            "snapshot",
            "--root",
            repo.to_str().unwrap(),
            "--today",
            TODAY,
            "--label",
            &label,
            "--out",
            snaps.to_str().unwrap(),
            "--audience",
            audience,
        ],
    );
    assert_ok(&o, &format!("snapshot --audience {audience}"));
    snaps
}

/// The built-in profiles over the repository's own words (its schema's enum): `public` the
/// least sensitive, `intranet` the two least, `auditor` all but the most sensitive; the
/// unclassified memo counts as the most sensitive and is in none of them.
#[test]
fn each_built_in_edition_publishes_only_its_classifications_and_nothing_of_the_rest() {
    let (dir, repo) = repository("");
    let d = dir.path();

    // The complete site holds every text the scan looks for (so the scan can fail).
    let (complete, out) = build_edition(d, &repo, None);
    assert_ok(&out, "complete build");
    let files = all_files(&complete);
    let all_ids: Vec<&str> = DOCS.iter().map(|d| d.id).collect();
    let everything = leaks(&files, &all_ids);
    for id in &all_ids {
        for s in secrets(id) {
            assert!(everything.iter().any(|l| l.ends_with(&format!("{s:?} of {id}"))), "the complete site must contain {s:?} of {id}");
        }
    }
    assert!(!String::from_utf8_lossy(&files["index.html"]).contains("Ausgabe:"), "the complete site states no edition");
    // The XLSX downloads are searched inside (their text is compressed in the file itself).
    assert!(
        everything.iter().any(|l| l.starts_with("zip:downloads/documents.xlsx/") && l.contains("of VER-3")),
        "the complete site's documents.xlsx lists VER-3"
    );

    let editions: &[(&str, &[&str])] = &[
        ("public", &["OFF-1", "REC-6"]),
        ("intranet", &["OFF-1", "REC-6", "INT-2"]),
        ("auditor", &["OFF-1", "REC-6", "INT-2", "VER-3", "REG-9", "REC-5"]),
    ];
    for (name, published) in editions {
        let withheld: Vec<&str> = all_ids.iter().copied().filter(|id| !published.contains(id)).collect();
        let (site, out) = build_edition(d, &repo, Some(name));
        assert_ok(&out, &format!("build --audience {name}"));
        let snaps = snapshot_edition(d, &repo, name);
        let mut files = all_files(&site);
        let snap_files = all_files(&snaps);
        let found = leaks(&files, &withheld);
        assert!(found.is_empty(), "edition {name} publishes what it must not:\n{}", found.join("\n"));
        let found = leaks(&snap_files, &withheld);
        assert!(found.is_empty(), "snapshot of edition {name} holds what it must not:\n{}", found.join("\n"));
        // What it publishes is there, with the pages of its documents.
        let present = leaks(&files, published);
        for id in *published {
            assert!(site.join(format!("doc/{id}.html")).is_file(), "{name}: doc/{id}.html");
            assert!(present.iter().any(|l| l.starts_with(&format!("doc/{id}.html:"))), "{name}: {id}'s text on its page");
        }
        for id in &withheld {
            assert!(!site.join(format!("doc/{id}.html")).exists(), "{name}: doc/{id}.html must not exist");
            assert!(!site.join(format!("doc/{id}")).exists(), "{name}: doc/{id}/ must not exist");
        }
        let dead = dead_links(&site, &files);
        assert!(dead.is_empty(), "edition {name} has dead links:\n{}", dead.join("\n"));

        // Every page states the edition.
        for (rel, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
            let html = String::from_utf8_lossy(bytes);
            assert!(html.contains(&format!("Ausgabe: <strong>{name}</strong>")), "{name}: {rel} does not state the edition");
            // The edition keeps the interface's words (the fixture's language is German) (its messages are not lost when the
            // site is narrowed): the footer reads as text, not as a message key.
            assert!(html.contains("Ausdrucke unterliegen nicht der Lenkung"), "{name}: {rel} lost the interface messages");
            assert!(!html.contains("footer-uncontrolled"), "{name}: {rel} shows a message key");
        }
        // The snapshot's manifest and data name it.
        let folder = snaps.join(format!("E-{name}"));
        let manifest: Value = serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["edition"]["name"], *name, "manifest.json names the edition");
        let data: Value = serde_json::from_slice(&std::fs::read(folder.join("snapshot.json")).unwrap()).unwrap();
        assert_eq!(data["info"]["edition"]["name"], *name);
        let mut ids: Vec<&str> = data["documents"].as_array().unwrap().iter().filter_map(|d| d["id"].as_str()).collect();
        ids.sort();
        let mut want = published.to_vec();
        want.sort();
        assert_eq!(ids, want, "{name}: snapshot.json lists the published documents");
        let verify = run_in(d, &["verify", folder.to_str().unwrap()]);
        assert_ok(&verify, &format!("verify of the {name} snapshot"));

        // api/documents.json lists exactly the published documents.
        let api: Value = serde_json::from_slice(&files.remove("api/documents.json").unwrap()).unwrap();
        let list = api.as_array().or_else(|| api["documents"].as_array()).expect("api/documents.json holds a list");
        let mut ids: Vec<&str> = list.iter().filter_map(|d| d["id"].as_str()).collect();
        ids.sort();
        assert_eq!(ids, want, "{name}: api/documents.json");
    }

    // Links from the public handbook to withheld documents: the id and the note, no link, no
    // title, and not the link's own text — on the page, nor in any other file (search index,
    // snapshot.json, redlines, the manual's appendix), while the complete site has it.
    let page = std::fs::read_to_string(d.join("site-public/doc/OFF-1.html")).unwrap();
    for id in ["INT-2", "VER-3"] {
        assert!(page.contains(&format!("{id} (in dieser Ausgabe nicht veröffentlicht)")), "OFF-1 → {id}:\n{page}");
        assert!(!page.contains(&format!("{id}.html")), "no link to {id}");
    }
    for (folder, expected) in
        [("site-complete", true), ("site-public", false), ("snaps-public", false), ("site-intranet", false), ("site-auditor", true)]
    {
        let files = all_files(&d.join(folder));
        let with: Vec<&String> =
            files.iter().filter(|(_, b)| String::from_utf8_lossy(b).contains("the escalation plan")).map(|(p, _)| p).collect();
        assert_eq!(!with.is_empty(), expected, "{folder}: the link text to VER-3 in {with:?}");
    }
    // The mention STR-4 stays plain text; the leaflet (linked from OFF-1) is published.
    assert!(d.join("site-public/files/open/leaflet.txt").is_file());
    assert!(d.join("site-auditor/files/conf/evidence.txt").is_file(), "the auditor edition publishes VER-3's attachment");
    assert!(!d.join("site-intranet/files/conf/evidence.txt").exists(), "the intranet edition does not");
    assert!(!d.join("site-intranet/files/conf/sightings.yaml").exists(), "nor the register's data file");
    // In the intranet edition INT-2 is published and links back to OFF-1 with its title.
    let page = std::fs::read_to_string(d.join("site-intranet/doc/INT-2.html")).unwrap();
    assert!(page.contains("Lighthouse Handbook"), "a published target keeps its title");
    assert!(page.contains("VER-3 (in dieser Ausgabe nicht veröffentlicht)"));
}

/// Configured profiles replace the built-in ones; the most sensitive level is published when a
/// profile names it, and so is the unclassified memo (it counts as that level); an unknown name
/// is a usage error that lists the profiles.
#[test]
fn configured_profiles_name_the_most_sensitive_level_explicitly_and_unknown_names_are_listed() {
    let (dir, repo) = repository(
        "\n[audiences.board]\nclassifications = [\"offen\", \"intern\", \"vertraulich\", \"streng-vertraulich\"]\nlabel = \"Vorstand\"\n\n[audiences.website]\nclassifications = [\"offen\"]\n",
    );
    let d = dir.path();
    let (site, out) = build_edition(d, &repo, Some("board"));
    assert_ok(&out, "build --audience board");
    assert!(site.join("doc/STR-4.html").is_file() && site.join("doc/UNK-7.html").is_file());
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("Ausgabe: <strong>Vorstand</strong>"), "the label names the edition");

    let (_, out) = build_edition(d, &repo, Some("public"));
    assert_eq!(code(&out), 2, "an unknown audience is a usage error: {}", stderr(&out));
    assert!(stderr(&out).contains("known audiences: board, website"), "{}", stderr(&out));

    // `check` warns (AUD001) where the website edition would show only an id: the handbook's
    // links to INT-2 and VER-3 (once each), naming the edition.
    let (rc, diags) = check_json(&repo, &[]);
    assert_eq!(rc, 0, "{}", show(&diags));
    // Once per pair of documents: INT-2 (linked, and named in related), VER-3 (linked), STR-4
    // (mentioned), all on the links line.
    let aud: BTreeSet<(String, u64, u64)> =
        diags.iter().filter(|x| x.code == "AUD001").map(|x| (x.file.clone(), x.line, x.column)).collect();
    let handbook = std::fs::read_to_string(repo.join("content/open/handbook.md")).unwrap();
    let links_line = handbook.lines().position(|l| l.starts_with("Tides:")).unwrap() as u64 + 1;
    let line = handbook.lines().nth(links_line as usize - 1).unwrap();
    let col = |needle: &str| line.find(needle).unwrap() as u64 + 1;
    let file = "content/open/handbook.md".to_string();
    assert_eq!(
        aud,
        BTreeSet::from([
            (file.clone(), links_line, col("[[INT-2]]")),
            (file.clone(), links_line, col("[[VER-3]]")),
            (file, links_line, col("STR-4"))
        ]),
        "{}",
        show(&diags)
    );
    let messages: Vec<&str> = diags.iter().filter(|x| x.code == "AUD001").map(|x| x.message.as_str()).collect();
    assert!(messages.iter().all(|m| m.contains("edition website")), "{messages:?}");

    // A public record that quotes a confidential title (no link): AUD001 at the quotation.
    let census = repo.join("content/records/census.md");
    let text = std::fs::read_to_string(&census).unwrap();
    std::fs::write(&census, format!("{text}\nCounted as the Kraken Containment Plan requires.\n")).unwrap();
    let (_, diags) = check_json(&repo, &[]);
    let line = std::fs::read_to_string(&census).unwrap().lines().position(|l| l.starts_with("Counted as")).unwrap() as u64 + 1;
    let quoted: Vec<_> = diags.iter().filter(|x| x.code == "AUD001" && x.file == "content/records/census.md").collect();
    assert_eq!(quoted.len(), 1, "{}", show(&diags));
    assert_eq!((quoted[0].line, quoted[0].column), (line, 16), "{}", show(&diags));
    assert!(quoted[0].message.contains("REC-6 (offen) quotes the title of VER-3 (vertraulich)"), "{}", quoted[0].message);
    assert!(quoted[0].message.contains("the quoted title is published with REC-6"), "{}", quoted[0].message);
}

/// The manual of an edition has the appendix "Changes since S1" (manual/changes.html, and the
/// end of the PDF): OFF-1's new
/// version and its text redline; the withheld documents' changes are not in it (the scan
/// above covers that for every file, this checks what is there).
#[test]
fn the_printed_manual_has_a_changes_since_appendix_with_the_redline() {
    let (dir, repo) = repository("");
    let (site, out) = build_edition(dir.path(), &repo, Some("public"));
    assert_ok(&out, "build --audience public");
    // The manual's contents list the appendix, which is a page of its own.
    let contents = std::fs::read_to_string(site.join("manual.html")).unwrap();
    assert!(contents.contains("href=\"manual/changes.html\">Anhang: Änderungen seit S1</a>"), "the contents list the appendix");
    let manual = std::fs::read_to_string(site.join("manual/changes.html")).unwrap();
    let at = manual.find("<h1 id=\"changes-since-title\">Änderungen seit S1</h1>").expect("the manual has the appendix");
    let appendix = &manual[at..];
    assert!(appendix.contains("OFF-1 Lighthouse Handbook"), "{appendix}");
    assert!(appendix.contains("Version: 1.0 → 1.1"), "the re-versioning: {appendix}");
    assert!(appendix.contains("<ins>The keeper rings the bell at dusk.</ins>"), "the redline: {appendix}");
    assert!(
        !appendix.contains("changes-since-VER-3") && !appendix.contains("changes-since-STR-4"),
        "withheld documents' changes are not listed: {appendix}"
    );

    // The complete manual lists the uncontrolled change of the plan (text changed, version not).
    let (site, out) = build_edition(dir.path(), &repo, None);
    assert_ok(&out, "complete build");
    let manual = std::fs::read_to_string(site.join("manual/changes.html")).unwrap();
    let appendix = &manual[manual.find("Änderungen seit S1</h1>").expect("appendix")..];
    let plan = &appendix[appendix.find("VER-3 Kraken Containment Plan").expect("VER-3 listed")..];
    assert!(plan.contains("ungelenkte Änderung"), "{plan}");
    assert!(plan.contains("until the spring tide"), "{plan}");

    // Through Chromium (`aimsbook pdf --audience public`) when it is installed: the PDF's text
    // has the appendix, and nothing of the withheld documents.
    if clients::browser() && clients::program("pdftotext", "apt-get install poppler-utils") {
        let pdf = dir.path().join("manual.pdf");
        let args = ["pdf", "--root", repo.to_str().unwrap(), "--today", TODAY, "--out", pdf.to_str().unwrap(), "--audience", "public"];
        let out = run_in(dir.path(), &args);
        assert_ok(&out, "aimsbook pdf --audience public");
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("Änderungen seit S1"), "the PDF has the appendix:\n{text}");
        assert!(text.contains("rings the bell at dusk"), "{text}");
        assert!(text.contains("Lighthouse Handbook"), "{text}");
        let pages = BTreeMap::from([("manual.pdf (text)".to_string(), text.as_bytes().to_vec())]);
        let found = leaks(&pages, &["INT-2", "VER-3", "REG-9", "REC-5", "STR-4", "UNK-7"]);
        assert!(found.is_empty(), "{found:?}");
    }
}

/// Redlines in a snapshot opened from file://: the document page links (relatively) to its
/// redline page, which exists in the snapshot and marks the insertion; in Chromium the link
/// opens it and shows the inserted words.
#[test]
fn redlines_work_in_a_snapshot_opened_from_file_urls() {
    let (dir, repo) = repository("");
    let snaps = snapshot_edition(dir.path(), &repo, "public");
    let folder = snaps.join("E-public").canonicalize().unwrap();
    let page = std::fs::read_to_string(folder.join("doc/OFF-1.html")).unwrap();
    let href = page
        .split("href=\"")
        .skip(1)
        .map(|p| p.split('"').next().unwrap_or(""))
        .find(|h| h.contains("redline-"))
        .map(html_unescape)
        .unwrap_or_else(|| panic!("OFF-1's page links to a redline:\n{page}"));
    assert!(!href.starts_with('/') && !href.contains(':'), "a relative link: {href}");
    let redline_path = folder.join("doc").join(&href).canonicalize().unwrap_or_else(|e| panic!("{href} in the snapshot: {e}"));
    let redline = std::fs::read_to_string(&redline_path).unwrap_or_else(|e| panic!("{} in the snapshot: {e}", redline_path.display()));
    assert!(redline.contains("<ins>The keeper rings the bell at dusk.</ins>"), "{redline}");
    let manifest: Value = serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    let rel = redline_path.strip_prefix(&folder).unwrap().to_string_lossy().into_owned();
    assert!(manifest["files"].get(&rel).is_some(), "the manifest lists {rel}");

    if !clients::browser() {
        return;
    }
    let driver = webdriver::browser();
    let wait = Duration::from_secs(5);
    driver.goto(&format!("file://{}/doc/OFF-1.html", folder.display()));
    driver.wait_for("return document.readyState === 'complete' ? true : '';", wait);
    driver.execute("document.querySelector('a[href*=\"redline-\"]').click(); return null;", json!([]));
    let inserted = driver.wait_for(
        "return document.readyState === 'complete' && /redline-/.test(location.href) ? Array.from(document.querySelectorAll('ins')).map(e => e.textContent).join(' ') : '';",
        wait,
    );
    assert!(inserted.as_str().unwrap_or("").contains("rings the bell at dusk"), "inserted words in the browser: {inserted}");
    assert!(driver.current_url().starts_with("file://"), "{}", driver.current_url());
}
