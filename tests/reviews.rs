//! One review rule: the document-control check (DC007, DC008), the badges on the document page
//! and in lists, the home page, the owner pages, the Reviews page and api/documents.json all
//! agree, for a warning window other than the example's 30 days.
//!
//! The repository is written here, unlike the bundled example: another organisation, content
//! under `handbook/`, other ids and owners, DC007 demoted to a warning (so the site builds), and
//! `[review] warn_days` of 10 or 60. As of TODAY = 2026-11-26, with W = warn_days:
//! - LATE-1 was due yesterday → overdue by 1 day;
//! - NOW-1 is due today → due soon, in 0 days;
//! - EDGE-IN is due in exactly W days → due soon (the window's last day);
//! - EDGE-OUT is due in W + 1 days → not due soon;
//! - GONE-1 is retired with a past review date → exempt everywhere.

mod common;

use common::*;
use jiff::civil::Date;
use std::collections::BTreeSet;
use std::path::Path;

const OWNER: &str = "Mo Tanaka (Compliance Lead)";
const OWNER_PAGE: &str = "owners/mo-tanaka-compliance-lead.html";

fn today() -> Date {
    TODAY.parse().unwrap()
}

fn in_days(n: i64) -> Date {
    today().checked_add(jiff::Span::new().days(n)).unwrap()
}

fn document(id: &str, status: &str, review_due: Date) -> String {
    format!(
        "---\nid: {id}\ntitle: Handbook section {id}\ntype: procedure\nowner: \"{OWNER}\"\napprover: \"Board of Directors\"\nversion: \"3.1\"\nstatus: {status}\napproved: 2024-05-02\nreview_due: {review_due}\nclassification: internal\nclauses: [\"7.5\"]\n---\n\n# Handbook section {id}\n\nHow this organisation keeps section {id} current.\n"
    )
}

/// Writes the repository for a warning window of `warn_days` days into `dir/repo`.
fn repository(dir: &Path, warn_days: i64) -> std::path::PathBuf {
    let repo = dir.join("repo");
    let content = repo.join("handbook");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        repo.join("book.toml"),
        format!(
            "[book]\ntitle = \"Northwind Handbook\"\norganization = \"Northwind Freight\"\n\n[build]\ncontent = \"handbook\"\n\n[review]\nwarn_days = {warn_days}\n\n[check]\nDC007 = \"warning\"\n"
        ),
    )
    .unwrap();
    let docs = [
        ("late-1.md", document("LATE-1", "approved", in_days(-1))),
        ("now-1.md", document("NOW-1", "approved", today())),
        ("edge-in.md", document("EDGE-IN", "approved", in_days(warn_days))),
        ("edge-out.md", document("EDGE-OUT", "approved", in_days(warn_days + 1))),
        ("gone-1.md", document("GONE-1", "retired", in_days(-200))),
    ];
    for (file, text) in docs {
        std::fs::write(content.join(file), text).unwrap();
    }
    repo
}

/// The part of `html` from the element opening with `start` to the next `end`.
fn part<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start:?} in the page"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The ids of the documents linked from `html`.
fn linked_ids(html: &str) -> BTreeSet<String> {
    ["LATE-1", "NOW-1", "EDGE-IN", "EDGE-OUT", "GONE-1"]
        .into_iter()
        .filter(|id| html.contains(&format!("doc/{id}.html\"")))
        .map(String::from)
        .collect()
}

/// The table row linking to document `id`.
fn row<'a>(html: &'a str, id: &str) -> &'a str {
    let link = html.find(&format!("doc/{id}.html\"")).unwrap_or_else(|| panic!("no row for {id}"));
    let start = html[..link].rfind("<tr").unwrap();
    let end = link + html[link..].find("</tr>").unwrap();
    &html[start..end]
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn agree_for_window(warn_days: i64, next_section: (&str, &str)) {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path(), warn_days);

    // The check.
    let (_, diags) = check_json(&repo, &[]);
    let with = |code: &str| diags.iter().filter(|d| d.code == code).map(|d| d.file.clone()).collect::<BTreeSet<_>>();
    assert_eq!(with("DC007"), ids(&["handbook/late-1.md"]), "{}", show(&diags));
    assert_eq!(with("DC008"), ids(&["handbook/now-1.md", "handbook/edge-in.md"]), "{}", show(&diags));
    let edge = diags.iter().find(|d| d.code == "DC008" && d.file == "handbook/edge-in.md").unwrap();
    assert_eq!(edge.message, format!("review of EDGE-IN due in {warn_days} days ({})", in_days(warn_days)));
    assert_eq!(edge.line, 10, "the line of review_due");
    let late = diags.iter().find(|d| d.code == "DC007").unwrap();
    assert!(late.message.contains("(1 days ago)"), "{}", late.message);

    let site = dir.path().join("site");
    let out = build(&repo, &site, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // The badge on each document page and in the register.
    let register = page(&site, "register.html");
    for (id, badge) in [
        ("LATE-1", Some(("review-overdue", "overdue 1 d".to_string()))),
        ("NOW-1", Some(("review-due-soon", "due in 0 d".to_string()))),
        ("EDGE-IN", Some(("review-due-soon", format!("due in {warn_days} d")))),
        ("EDGE-OUT", None),
        ("GONE-1", None),
    ] {
        let doc_page = page(&site, &format!("doc/{id}.html"));
        let field = part(&doc_page, "Review due</dt>", "</dd>");
        for (place, html) in [("document page", field), ("register", row(&register, id))] {
            match &badge {
                Some((class, text)) => {
                    assert!(html.contains(&format!("class=\"badge {class}\"")), "{id} on the {place} lacks {class}: {html}");
                    assert!(html.contains(&format!(">{text}</span>")), "{id} on the {place} lacks {text:?}: {html}");
                }
                None => assert!(!html.contains("badge review-"), "{id} on the {place} has a review badge: {html}"),
            }
        }
    }

    // The home page's lists and the owner's pages.
    let home = page(&site, "index.html");
    assert_eq!(linked_ids(part(&home, "aria-labelledby=\"overdue-h\"", "</section>")), ids(&["LATE-1"]));
    assert_eq!(linked_ids(part(&home, "aria-labelledby=\"soon-h\"", "</section>")), ids(&["NOW-1", "EDGE-IN"]));
    let owner = page(&site, OWNER_PAGE);
    assert_eq!(linked_ids(part(&owner, "aria-labelledby=\"due-h\"", "</section>")), ids(&["LATE-1", "NOW-1", "EDGE-IN"]));
    let owners = page(&site, "owners/index.html");
    let counts = part(&owners, OWNER_PAGE, "</tr>");
    assert!(
        counts.contains("<span class=\"badge review-overdue\">1</span>")
            && counts.contains("<span class=\"badge review-due-soon\">2</span>"),
        "{counts}"
    );

    // The Reviews page: the first section after "overdue" is the warning window.
    let reviews = page(&site, "reviews.html");
    let section = |key: &str| part(&reviews, &format!("<section class=\"card\" id=\"{key}\""), "</section>").to_string();
    assert_eq!(linked_ids(&section("overdue")), ids(&["LATE-1"]));
    let window = section(&format!("d{warn_days}"));
    assert!(window.contains(&format!(">Due within {warn_days} days <span class=\"count\">2</span>")), "{window}");
    assert_eq!(linked_ids(&window), ids(&["NOW-1", "EDGE-IN"]));
    let (next_key, next_label) = next_section;
    let next = section(next_key);
    assert!(next.contains(&format!(">{next_label} <span class=\"count\">1</span>")), "{next}");
    assert_eq!(linked_ids(&next), ids(&["EDGE-OUT"]));
    assert!(!reviews.contains("doc/GONE-1.html"), "a retired document is not reviewed");

    // The JSON API names the same states.
    let api: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(site.join("api/documents.json")).unwrap()).unwrap();
    let documents = api.as_array().or_else(|| api["documents"].as_array()).expect("a list of documents");
    let state_of = |id: &str| documents.iter().find(|d| d["id"] == id).map(|d| d["review_state"].as_str().unwrap_or("").to_string());
    for (id, state) in [("LATE-1", "overdue"), ("NOW-1", "due-soon"), ("EDGE-IN", "due-soon"), ("EDGE-OUT", "ok"), ("GONE-1", "exempt")] {
        assert_eq!(state_of(id).as_deref(), Some(state), "{id} in api/documents.json");
    }
}

#[test]
fn a_ten_day_window_is_the_same_everywhere() {
    agree_for_window(10, ("d60", "Due in 11–60 days"));
}

#[test]
fn a_sixty_day_window_is_the_same_everywhere() {
    agree_for_window(60, ("d90", "Due in 61–90 days"));
}
