//! Accessibility and layout of the built site, checked in headless Chromium (through
//! chromedriver) on a page of every page template of the default theme, found by reading
//! themes/default/templates (see tests/common/sites.rs), so a new template is covered:
//!
//! 1. axe-core (the npm package, injected into the page) reports no WCAG 2.0/2.1 A or AA
//!    violation, in the light and in the dark colour scheme (emulated through the DevTools
//!    protocol and verified on the page); theme tables have headers with `scope` and a name,
//!    their scrolling containers are focusable, labelled regions; status badges carry text;
//! 2. keyboard: the first Tab focuses a visible skip link whose target exists and takes focus;
//!    the header's search box and every menu link are reached by Tab, each with a visible focus
//!    indicator;
//! 3. layout: at 390, 768 and 1,400 CSS pixels no page scrolls sideways; wide tables scroll
//!    inside their own container with a sticky first column.
//!
//! Skipped with a notice when Chromium, chromedriver or axe-core is missing (a failure under
//! AIMSBOOK_REQUIRE_CLIENTS=1, as in CI).

mod common;

use common::clients;
use common::{sites, webdriver};
use serde_json::json;
use sites::{pages_per_template, short};
use std::path::Path;
use std::time::Duration;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
/// How long a script may keep failing with a timeout on a busy machine before the test gives up.
const PATIENCE: Duration = Duration::from_secs(120);
const WCAG_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// Opens `path` and waits (bounded) until it has loaded.
fn open(d: &webdriver::Driver, path: &Path) {
    d.goto(&webdriver::file_url(path));
    let ready = d.wait_for("return document.readyState === 'complete';", Duration::from_secs(10));
    assert_eq!(ready, json!(true), "{} did not finish loading", path.display());
}

/// Emulates `prefers-color-scheme: SCHEME` for every page of the tab from now on.
fn emulate_scheme(d: &webdriver::Driver, scheme: &str) {
    d.cdp("Emulation.setEmulatedMedia", json!({"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]}));
}

/// The scheme the page actually shows: the media query's answer and the luminance of the
/// body's background (so a stylesheet that ignored the query would be caught too).
const SCHEME_PROBE: &str = r#"
var m = getComputedStyle(document.body).backgroundColor.match(/[\d.]+/g).map(Number);
var lin = function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
return { dark: matchMedia('(prefers-color-scheme: dark)').matches,
         luminance: 0.2126 * lin(m[0]) + 0.7152 * lin(m[1]) + 0.0722 * lin(m[2]) };
"#;

/// Starts axe and returns at once; the result lands in `window.__axeResult` (polled, so that
/// a long run on a big page is not one long WebDriver request).
const AXE_RUN: &str = r#"
if (window.__axeStarted) return null;
window.__axeStarted = true;
window.__axeResult = null;
var done = function (r) { window.__axeResult = r; };
var tags = arguments[0];
setTimeout(function () { axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
  .then(function (r) {
    done({ passes: r.passes.length, violations: r.violations.map(function (v) {
      return { id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) {
        return { target: n.target.join(' '), summary: (n.failureSummary || '').replace(/\s+/g, ' ') };
      }) };
    }) });
  })
  .catch(function (e) { done({ error: String(e) }); }); }, 0);
return null;
"#;

/// Structure axe does not judge: names and header scopes of the theme's tables (tables an
/// author writes in a document body are exempt from `scope`), focusable labelled scrolling
/// containers, and status badges that say their status in words.
const STRUCTURE_PROBE: &str = r#"
var problems = [];
var text = function (e) { return e ? e.textContent.replace(/\s+/g, ' ').trim() : ''; };
var named = function (e) {
  var ids = (e.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
  var by = ids.map(function (id) { return text(document.getElementById(id)); }).join(' ').trim();
  return by || (e.getAttribute('aria-label') || '').trim() || (e.tagName === 'TABLE' ? text(e.caption) : '');
};
document.querySelectorAll('table').forEach(function (t, i) {
  var where = 'table ' + (i + 1) + (t.id ? ' #' + t.id : '') + (t.className ? ' .' + t.className.split(' ').join('.') : '');
  if (!t.closest('.prose')) {
    if (!named(t)) problems.push(where + ': no caption, aria-labelledby or aria-label naming it');
    t.querySelectorAll('th').forEach(function (th) {
      if (!/^(col|row|colgroup|rowgroup)$/.test(th.getAttribute('scope') || '')) problems.push(where + ': <th> "' + text(th) + '" has no scope');
    });
  }
  var wrap = t.closest('.table-wrap');
  if (!wrap) problems.push(where + ': not inside a .table-wrap scrolling container');
  else if (wrap.getAttribute('role') !== 'region' || wrap.tabIndex !== 0 || !named(wrap))
    problems.push(where + ': its .table-wrap is not a focusable, labelled region (role=region, tabindex=0, a name)');
});
document.querySelectorAll('.badge').forEach(function (b) {
  if (!text(b)) problems.push('a .badge (' + b.className + ') has no text: status must not be conveyed by colour alone');
});
return problems;
"#;

#[test]
fn axe_finds_no_wcag_violations_on_any_page_template_in_light_and_dark() {
    if !clients::browser() {
        return;
    }
    let Some(axe_path) = clients::npm_file("axe-core", "axe.min.js") else { return };
    let axe = std::fs::read_to_string(&axe_path).unwrap();
    let sites = sites::example_with_snapshot();
    let pages = pages_per_template(&sites);
    let d = webdriver::browser();
    d.set_viewport_width(1280, 900);

    let mut failures = Vec::new();
    let mut checked = 0;
    for scheme in ["light", "dark"] {
        emulate_scheme(&d, scheme);
        for (template, paths) in &pages {
            // Both pages of a template in the light scheme; the one with the most tables in
            // the dark scheme (the colours are the same stylesheet's), to bound the run time.
            let paths = if scheme == "dark" { &paths[..1] } else { &paths[..] };
            for path in paths {
                let at = format!("{template}.html → {} ({scheme})", short(&sites, path));
                open(&d, path);
                let shown = d.execute_patiently(SCHEME_PROBE, json!([]), PATIENCE);
                let (dark, lum) = (shown["dark"].as_bool(), shown["luminance"].as_f64().unwrap_or(-1.0));
                if scheme == "dark" {
                    assert!(dark == Some(true) && lum < 0.1, "{at}: the page did not switch to the dark scheme: {shown}");
                } else {
                    assert!(dark == Some(false) && lum > 0.7, "{at}: the page is not in the light scheme: {shown}");
                }
                let version =
                    d.execute_patiently(&format!("{axe}\n;return typeof axe === 'object' ? axe.version : null;"), json!([]), PATIENCE);
                assert!(version.is_string(), "{at}: axe-core did not load into the page");
                d.execute_patiently(AXE_RUN, json!([WCAG_TAGS]), PATIENCE);
                let r = d.poll_object("return window.__axeResult;", Duration::from_secs(300));
                assert!(r.is_object(), "{at}: axe.run did not finish within 300 s");
                assert!(r["error"].is_null(), "{at}: axe.run failed: {}", r["error"]);
                assert!(r["passes"].as_u64().unwrap_or(0) >= 10, "{at}: axe ran too few rules to be meaningful: {r}");
                for v in r["violations"].as_array().unwrap() {
                    for n in v["nodes"].as_array().unwrap() {
                        failures.push(format!(
                            "{at}: {} ({}) {}\n    target: {}\n    {}",
                            v["id"].as_str().unwrap_or(""),
                            v["impact"].as_str().unwrap_or(""),
                            v["help"].as_str().unwrap_or(""),
                            n["target"].as_str().unwrap_or(""),
                            n["summary"].as_str().unwrap_or("")
                        ));
                    }
                }
                if scheme == "light" {
                    for p in d.execute_patiently(STRUCTURE_PROBE, json!([]), PATIENCE).as_array().unwrap() {
                        failures.push(format!("{at}: {}", p.as_str().unwrap_or("")));
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 2 * pages.len(), "every template's page was checked in both schemes ({checked} checks)");
    assert!(
        failures.is_empty(),
        "{} accessibility violation(s) (axe-core {}):\n{}",
        failures.len(),
        WCAG_TAGS.join(", "),
        failures.join("\n")
    );
}

/// What has focus, and whether it shows it.
const FOCUS_PROBE: &str = r#"
var e = document.activeElement;
if (!e || e === document.body) return { tag: 'BODY' };
var s = getComputedStyle(e), r = e.getBoundingClientRect();
var ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== 'none';
return { tag: e.tagName, id: e.id, cls: e.className, href: e.getAttribute('href'), text: e.textContent.trim().slice(0, 60),
         inHeader: !!e.closest('header.site-header'), inMain: !!e.closest('main'), ring: ring,
         visible: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight };
"#;

#[test]
fn keyboard_reaches_the_skip_link_first_then_search_and_every_menu_link_with_visible_focus() {
    if !clients::browser() {
        return;
    }
    let sites = sites::example_with_snapshot();
    let pages = pages_per_template(&sites);
    let d = webdriver::browser();
    d.set_viewport_width(1280, 900);
    let mut failures = Vec::new();
    for (template, paths) in &pages {
        let path = &paths[0];
        let at = format!("{template}.html → {}", short(&sites, path));
        open(&d, path);
        let start = d.execute(FOCUS_PROBE, json!([]));
        if start["tag"] == "BODY" {
            d.press(TAB);
        } else {
            // An autofocused field (the search page) must be in the main content, where the
            // skip link would have led; the skip link is still the first stop before it.
            assert_eq!(start["inMain"], json!(true), "{at}: focus starts outside the main content: {start}");
            d.execute("document.querySelector('.skip-link').focus(); return null;", json!([]));
            let first = d.execute(
                "var f = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex=\"-1\"])'); return f && f.className;",
                json!([]),
            );
            assert_eq!(first, json!("skip-link"), "{at}: the skip link is not the first focusable element");
        }
        let skip = d.execute(FOCUS_PROBE, json!([]));
        if skip["cls"] != "skip-link" {
            failures.push(format!("{at}: the first Tab focuses {skip}, not the skip link"));
            continue;
        }
        if skip["visible"] != true || skip["ring"] != true {
            failures.push(format!("{at}: the focused skip link is not visible with a focus indicator: {skip}"));
        }
        let target = skip["href"].as_str().unwrap_or("").strip_prefix('#').unwrap_or("").to_string();
        let exists = d.execute("var t = document.getElementById(arguments[0]); return !!t && !!t.closest('main');", json!([target]));
        if exists != true {
            failures.push(format!("{at}: the skip link's target #{target} does not exist in <main>"));
            continue;
        }

        // Tab through the header: the search box and every menu link, each showing focus.
        let nav: Vec<String> = serde_json::from_value(d.execute(
            "return [].map.call(document.querySelectorAll('header.site-header nav a'), function (a) { return a.getAttribute('href'); });",
            json!([]),
        ))
        .unwrap();
        assert!(nav.len() >= 5, "{at}: expected the main menu in the header, found {nav:?}");
        let mut reached_search = false;
        let mut reached: Vec<String> = Vec::new();
        for _ in 0..(nav.len() + 10) {
            d.press(TAB);
            let f = d.execute(FOCUS_PROBE, json!([]));
            if f["inHeader"] != true {
                break;
            }
            if f["ring"] != true || f["visible"] != true {
                failures.push(format!("{at}: no visible focus indicator on {f}"));
            }
            reached_search |= f["tag"] == "INPUT" && f["id"] == "header-q";
            if let Some(h) = f["href"].as_str() {
                reached.push(h.to_string());
            }
        }
        if !reached_search {
            failures.push(format!("{at}: Tab never reached the header's search box"));
        }
        let unreached: Vec<&String> = nav.iter().filter(|h| !reached.contains(h)).collect();
        if !unreached.is_empty() {
            failures.push(format!("{at}: Tab never reached the menu links {unreached:?}"));
        }

        // Following the skip link moves focus into the main content.
        d.execute("document.querySelector('.skip-link').focus(); return null;", json!([]));
        d.press(ENTER);
        let after = d.execute("var e = document.activeElement; return e && e.id;", json!([]));
        if after != json!(target) {
            failures.push(format!("{at}: Enter on the skip link left focus on {after}, not #{target}"));
        }
    }
    assert!(failures.is_empty(), "keyboard navigation problems:\n{}", failures.join("\n"));
}

/// Page-level horizontal overflow and the behaviour of each table's scrolling container.
const LAYOUT_PROBE: &str = r#"
var de = document.documentElement, W = de.clientWidth;
var scroller = function (e) {
  for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    var o = getComputedStyle(p).overflowX;
    if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return p;
  }
  return null;
};
var describe = function (e) { return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className.trim().split(/\s+/).join('.') : ''); };
var overflowing = [];
document.querySelectorAll('body *').forEach(function (e) {
  var r = e.getBoundingClientRect();
  if (r.width > 0 && r.right > W + 1 && !scroller(e)) overflowing.push(describe(e) + ' ends at ' + Math.round(r.right) + 'px');
});
var wraps = [].map.call(document.querySelectorAll('.table-wrap'), function (w) {
  var first = w.querySelector('tbody tr > :first-child');
  var res = { label: w.getAttribute('aria-labelledby') || w.getAttribute('aria-label'), scrolls: w.scrollWidth > w.clientWidth + 1,
              right: Math.round(w.getBoundingClientRect().right), stuck: null };
  if (res.scrolls && first && first.nextElementSibling) {
    var second = first.nextElementSibling;
    var a0 = first.getBoundingClientRect().left, b0 = second.getBoundingClientRect().left;
    w.scrollLeft = Math.min(150, w.scrollWidth - w.clientWidth);
    var a1 = first.getBoundingClientRect().left, b1 = second.getBoundingClientRect().left;
    w.scrollLeft = 0;
    res.stuck = Math.abs(a1 - a0) < 1 && b1 < b0;
  }
  return res;
});
return { inner: innerWidth, client: W, scroll: de.scrollWidth, overflowing: overflowing.slice(0, 8), wraps: wraps };
"#;

#[test]
fn no_page_scrolls_sideways_at_390_768_or_1400_px_and_wide_tables_scroll_in_their_own_container() {
    if !clients::browser() {
        return;
    }
    let sites = sites::example_with_snapshot();
    let pages = pages_per_template(&sites);
    let d = webdriver::browser();
    let mut failures = Vec::new();
    for width in [390u32, 768, 1400] {
        let inner = d.set_viewport_width(width, 900);
        assert_eq!(inner, u64::from(width), "the viewport (window.innerWidth) could not be set to {width} px");
        for (template, paths) in &pages {
            for path in paths {
                let at = format!("{width} px, {template}.html → {}", short(&sites, path));
                open(&d, path);
                let r = d.execute_patiently(LAYOUT_PROBE, json!([]), PATIENCE);
                let (client, scroll) = (r["client"].as_u64().unwrap(), r["scroll"].as_u64().unwrap());
                if scroll > client || !r["overflowing"].as_array().unwrap().is_empty() {
                    failures.push(format!(
                        "{at}: the page scrolls sideways (scrollWidth {scroll} > {client}); sticking out: {}",
                        r["overflowing"]
                    ));
                }
                let wraps = r["wraps"].as_array().unwrap();
                for w in wraps {
                    if w["right"].as_u64().unwrap_or(u64::MAX) > client + 1 {
                        failures.push(format!("{at}: the table container {} extends past the viewport: {w}", w["label"]));
                    }
                    if w["scrolls"] == true && w["stuck"] == false {
                        failures.push(format!("{at}: the first column of table {} does not stay in view when it scrolls: {w}", w["label"]));
                    }
                }
                // The wide tables are wider than a phone: there, their container is what scrolls.
                let wide = ["soa", "matrix", "register"].contains(&template.as_str());
                if width == 390 && wide && !wraps.iter().any(|w| w["scrolls"] == true && w["stuck"] == true) {
                    failures.push(format!(
                        "{at}: the wide table does not scroll inside its own container with a sticky first column: {}",
                        json!(wraps)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "layout problems:\n{}", failures.join("\n"));
}
