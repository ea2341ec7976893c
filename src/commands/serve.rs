//! `aimsbook serve`: live preview. Builds the site into memory, serves it over HTTP with
//! tiny_http, watches the repository with notify (debounced; polling as a fallback), rebuilds
//! incrementally (unchanged files are not re-parsed, unchanged pages not re-rendered) and tells
//! open tabs to reload through a long-poll endpoint.
//!
//! Pages are served from an immutable in-memory build that is swapped in whole, so a request
//! during a rebuild never sees a half-written page, and a broken edit never replaces the last
//! good build: its diagnostics are shown in an overlay instead. Nothing is read from disk to
//! answer a request, so no URL can reach a file outside the site.

use crate::config;
use crate::diagnostics::{self, Code::*, Diagnostic, Diagnostics, Severity};
use crate::output::sink::{Memory, Sink};
use crate::pipeline;
use crate::pipeline::incremental::{ParseCache, Watched};
use crate::render::RenderCache;
use crate::support::hash::Map;
use bytes::Bytes;
use jiff::civil::Date;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The reload client, injected into served HTML pages only (never into `build` output).
const LIVE_JS: &str = include_str!("../../themes/live.js");
const LIVE_TAG: &str = "<script src=\"/__aimsbook/live.js\"></script>";

pub struct ServeOptions {
    pub root: PathBuf,
    pub today: Date,
    pub bind: String,
    pub port: u16,
    pub open: bool,
    pub poll: bool,
}

/// One complete build held in memory.
struct Build {
    pages: Map<String, Bytes>,
}

#[derive(Clone, Serialize)]
struct OverlayItem {
    code: &'static str,
    severity: &'static str,
    file: String,
    line: usize,
    column: usize,
    message: String,
    help: Option<String>,
}

/// What the long-poll endpoint reports: the generation (bumped on every rebuild attempt), the
/// build being served and the errors of the last attempt (empty when it succeeded).
#[derive(Clone, Serialize)]
struct Status {
    generation: u64,
    build: u64,
    errors: Vec<OverlayItem>,
    /// The pages served were rendered despite errors: no build has succeeded yet.
    degraded: bool,
}

struct State {
    build: Arc<Build>,
    status: Status,
    /// Whether `build` is a build without errors (a later broken edit never replaces it).
    good: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// themes/live.js with the overlay's words in the repository's language in front.
    live_js: Vec<u8>,
}

/// The live-reload script, preceded by its messages (`[book] language`, read at start).
fn live_js(root: &Path) -> Vec<u8> {
    let language = config::load(root).map(|c| c.book.language).unwrap_or_default();
    let (m, _) = crate::i18n::Messages::load(Some(root), &language);
    let words = serde_json::json!({
        "broken": m.t("live-broken"),
        "degraded": m.t("live-degraded"),
        "one": m.tn("live-errors", 1),
        "other": m.tn("live-errors", 2),
    });
    // `<` escaped, as in every script aimsbook writes.
    let words = words.to_string().replace('<', "\\u003c");
    format!("window.AIMSBOOK_LIVE_MESSAGES={words};\n{LIVE_JS}").into_bytes()
}

impl Shared {
    fn current(&self) -> (Arc<Build>, Status) {
        match self.state.lock() {
            Ok(s) => (s.build.clone(), s.status.clone()),
            Err(p) => {
                let s = p.into_inner();
                (s.build.clone(), s.status.clone())
            }
        }
    }
}

fn overlay_items(diags: &Diagnostics) -> Vec<OverlayItem> {
    diags
        .items
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .take(200)
        .map(|d| OverlayItem {
            code: d.code.as_str(),
            severity: d.severity.as_str(),
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            help: d.help.clone(),
        })
        .collect()
}

/// Outcome of one (re)build attempt.
pub struct Attempt {
    pub diagnostics: Diagnostics,
    /// The site by path, when the build succeeded.
    pub pages: Option<Map<String, Bytes>>,
    pub(crate) rendered: usize,
    pub(crate) reused: usize,
    /// When the build has errors and a preview was asked for: every page that could be
    /// rendered, with pages showing the diagnostics of documents that could not be parsed.
    pub(crate) preview: Option<Map<String, Bytes>>,
}

/// Builds the site into memory, reusing the caches.
pub fn build_in_memory(root: &Path, today: Date, parse_cache: &ParseCache, render_cache: &RenderCache) -> Attempt {
    build_in_memory_with(root, today, parse_cache, render_cache, false)
}

/// As [`build_in_memory`]; with `preview`, a build with errors still renders what it can into
/// [`Attempt::preview`] (for a repository that has never built, so there is no last good build
/// to show).
pub(crate) fn build_in_memory_with(
    root: &Path,
    today: Date,
    parse_cache: &ParseCache,
    render_cache: &RenderCache,
    preview: bool,
) -> Attempt {
    let timer = crate::support::timer::Timer::new();
    let mut diags = Diagnostics::default();
    let config = match config::load(root) {
        Ok(c) => c,
        Err(ds) => {
            diags.extend(ds);
            diags.finish(&Default::default(), false);
            return Attempt { diagnostics: diags, pages: None, rendered: 0, reused: 0, preview: None };
        }
    };
    let loaded = match pipeline::load_cached(config, today, Some(parse_cache)).and_then(|l| pipeline::prepare(l, None, false)) {
        Ok(l) => l,
        Err(e) => {
            diags.extend(e.0);
            diags.finish(&Default::default(), false);
            return Attempt { diagnostics: diags, pages: None, rendered: 0, reused: 0, preview: None };
        }
    };
    let site = loaded.site;
    diags = loaded.diagnostics;
    timer.lap("load and prepare");
    if diags.has_errors() {
        let preview = preview.then(|| preview_pages(&site, &diags, render_cache));
        return Attempt { diagnostics: diags, pages: None, rendered: 0, reused: 0, preview };
    }
    // A page per document and catalog item, plus the site-wide pages.
    let mut sink = Memory::new(Some(&render_cache.assets), false).expecting(site.documents.len() + site.catalog.items.len() + 1024);
    let ran = pipeline::run(&site, None, Some(render_cache), &mut sink);
    timer.lap("render and hand over");
    let levels = site.config.levels.clone();
    crate::support::drop_later::drop_later(site);
    match ran {
        Ok(_) => {
            let rendered = render_cache.rendered.load(std::sync::atomic::Ordering::Relaxed);
            let reused = render_cache.reused.load(std::sync::atomic::Ordering::Relaxed);
            Attempt { diagnostics: diags, pages: Some(sink.files), rendered, reused, preview: None }
        }
        Err(ds) => {
            diags.extend(ds);
            diags.finish(&levels, false);
            Attempt { diagnostics: diags, pages: None, rendered: 0, reused: 0, preview: None }
        }
    }
}

/// The pages of a site with errors: everything that renders (the render cache is not used, so
/// nothing of a broken build is kept for later ones), the content files, and for each document
/// that could not be parsed a page listing its diagnostics where its page would be.
fn preview_pages(site: &crate::model::Site, diags: &Diagnostics, render_cache: &RenderCache) -> Map<String, Bytes> {
    let mut sink = Memory::new(Some(&render_cache.assets), false);
    if pipeline::run(site, None, None, &mut sink).is_err() {
        // Nothing rendered: the content files are still served.
        let assets: Vec<String> = site.assets.iter().cloned().collect();
        let _ = sink.finish(&site.config.content_dir(), &assets);
    }
    let mut map = sink.files;
    for rel in site.unparsed.iter().filter(|r| r.ends_with(".md")) {
        let repo_rel = site.config.content_rel_to_repo(rel);
        let id = site.unparsed_ids.get(rel).cloned().or_else(|| id_line(&site.config.content_dir().join(rel)));
        let Some(id) = id.filter(|id| crate::parse::is_safe_id(id)) else { continue };
        let own: Vec<&Diagnostic> = diags.items.iter().filter(|d| d.file == repo_rel).collect();
        map.entry(crate::parse::document::doc_url(&id)).or_insert_with(|| diagnostics_page(&repo_rel, &own).into());
    }
    if !map.contains_key("index.html") {
        map.insert("index.html".into(), diagnostics_page("the site", &diags.items.iter().collect::<Vec<_>>()).into());
    }
    map
}

/// The `id:` of a front matter that YAML could not read, found by its line.
fn id_line(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return None;
    }
    lines
        .take_while(|l| l.trim_end() != "---")
        .find_map(|l| l.strip_prefix("id:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
        .filter(|v| !v.is_empty())
}

/// A page standing in for one that could not be rendered: what is wrong, where.
fn diagnostics_page(what: &str, diags: &[&Diagnostic]) -> Vec<u8> {
    let esc = |s: &str| html_escape::encode_text(s).into_owned();
    let mut items = String::new();
    for d in diags {
        items.push_str(&format!(
            "<li><strong>{}[{}]</strong> {}<br><code>{}:{}:{}</code>{}</li>\n",
            d.severity.as_str(),
            d.code,
            esc(&d.message),
            esc(&d.file),
            d.line,
            d.column,
            d.help.as_deref().map(|h| format!("<br>help: {}", esc(h))).unwrap_or_default()
        ));
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cannot be shown: {w}</title></head>\n<body><main>\n<h1>{w} cannot be shown yet</h1>\n<p>aimsbook could not read {w}. Fix the problems below; the page appears as soon as it builds.</p>\n<ul class=\"diagnostics\">\n{items}</ul>\n</main></body></html>\n",
        w = esc(what)
    )
    .into_bytes()
}

/// Normalises a request path to a key of the in-memory site, or `None` when it is not a
/// plain path inside the site (traversal, encoded traversal, NUL, backslashes).
pub fn normalize_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    if decoded.contains(['\\', '\0']) || decoded.contains("//") && decoded.starts_with("//") {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    if key.is_empty() || decoded.ends_with('/') {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Some(key)
}

/// Decodes a request path; `None` when an escape decodes to bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s).decode_utf8().ok().map(|c| c.into_owned())
}

/// The Content-Type for a site path, by extension (`mime_guess`); text is served as UTF-8,
/// which is how the site is written.
pub(crate) fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    if mime.type_() == mime_guess::mime::TEXT || mime.subtype() == mime_guess::mime::JAVASCRIPT {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

fn inject_live(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    match text.rfind("</body>") {
        Some(i) => format!("{}{LIVE_TAG}\n{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{LIVE_TAG}").into_bytes(),
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    // Both parts are ASCII constants or generated values; from_bytes only fails on non-ASCII.
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| tiny_http::Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("ASCII header"))
}

fn respond(req: tiny_http::Request, status: u16, ctype: &str, body: Vec<u8>) {
    let head = *req.method() == tiny_http::Method::Head;
    let len = body.len();
    let resp = tiny_http::Response::from_data(if head { Vec::new() } else { body })
        .with_status_code(status)
        .with_header(header("Content-Type", ctype))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let resp = if head { resp.with_header(header("Content-Length", &len.to_string())) } else { resp };
    let _ = req.respond(resp);
}

fn handle(req: tiny_http::Request, shared: &Shared) {
    match req.method() {
        tiny_http::Method::Get | tiny_http::Method::Head => {}
        _ => {
            let resp =
                tiny_http::Response::from_string("method not allowed\n").with_status_code(405).with_header(header("Allow", "GET, HEAD"));
            let _ = req.respond(resp);
            return;
        }
    }
    let url = req.url().to_string();
    if url == "/__aimsbook/live.js" {
        return respond(req, 200, "text/javascript; charset=utf-8", shared.live_js.clone());
    }
    if let Some(query) = url.strip_prefix("/__aimsbook/wait") {
        let since: u64 =
            query.trim_start_matches('?').split('&').find_map(|kv| kv.strip_prefix("since=")).and_then(|v| v.parse().ok()).unwrap_or(0);
        let deadline = Instant::now() + Duration::from_secs(25);
        let status = {
            let mut guard = match shared.state.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            while guard.status.generation == since {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                guard = match shared.changed.wait_timeout(guard, left) {
                    Ok((g, _)) => g,
                    Err(p) => p.into_inner().0,
                };
            }
            guard.status.clone()
        };
        let body = serde_json::to_vec(&status).unwrap_or_default();
        return respond(req, 200, "application/json", body);
    }
    if url == "/__aimsbook/status" {
        let (_, status) = shared.current();
        return respond(req, 200, "application/json", serde_json::to_vec(&status).unwrap_or_default());
    }
    let Some(key) = normalize_path(&url) else {
        return respond(req, 400, "text/plain; charset=utf-8", b"bad request: path must stay inside the site\n".to_vec());
    };
    let (build, _) = shared.current();
    let found = build.pages.get(&key).cloned().or_else(|| {
        // "/doc" → "/doc/index.html" for folder-like paths without a trailing slash.
        build.pages.get(&format!("{key}/index.html")).cloned()
    });
    match found {
        Some(bytes) => {
            let ctype = content_type(&key);
            let body = if ctype.starts_with("text/html") { inject_live(&bytes) } else { bytes.to_vec() };
            respond(req, 200, &ctype, body)
        }
        // Nothing could be built yet (book.toml or the theme is broken): "/" still answers, with
        // the overlay listing why.
        None if key == "index.html" => respond(req, 200, "text/html; charset=utf-8", inject_live(&diagnostics_page("the site", &[]))),
        None => {
            let body = build.pages.get("404.html").map(|b| inject_live(b)).unwrap_or_else(|| b"not found\n".to_vec());
            respond(req, 404, "text/html; charset=utf-8", body)
        }
    }
}

fn print_attempt(attempt: &Attempt, root: &Path, elapsed: Duration) {
    if attempt.pages.is_none() && attempt.preview.is_some() {
        eprint!("{}", diagnostics::render_human(&attempt.diagnostics, root));
        eprintln!(
            "build failed ({}); serving the pages that could be rendered, with the diagnostics in an overlay",
            diagnostics::summary_line(&attempt.diagnostics)
        );
    } else if attempt.pages.is_some() {
        eprintln!(
            "rebuilt in {} ms: {} page(s) rendered, {} unchanged ({})",
            elapsed.as_millis(),
            attempt.rendered,
            attempt.reused,
            diagnostics::summary_line(&attempt.diagnostics)
        );
    } else {
        eprint!("{}", diagnostics::render_human(&attempt.diagnostics, root));
        eprintln!("build failed ({}); still serving the last good build", diagnostics::summary_line(&attempt.diagnostics));
    }
}

/// Applies an attempt: swaps in the new build when it succeeded, records errors either way,
/// and wakes the long-polls.
fn publish(shared: &Shared, attempt: &mut Attempt) {
    let mut guard = match shared.state.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    guard.status.generation += 1;
    let good = attempt.pages.is_some();
    // A build with errors is shown only while there has never been a good one.
    let pages = attempt.pages.take().or_else(|| if guard.good { None } else { attempt.preview.take() });
    if let Some(pages) = pages {
        // Tabs reload only when some page really changed.
        let same = pages.len() == guard.build.pages.len()
            && pages.iter().all(|(k, v)| guard.build.pages.get(k).is_some_and(|old| same_bytes(old, v)));
        // The replaced (or unneeded) pages are freed off this path, after the tabs are told.
        if same {
            crate::support::drop_later::drop_later(pages);
        } else {
            guard.status.build += 1;
            crate::support::drop_later::drop_later(std::mem::replace(&mut guard.build, Arc::new(Build { pages })));
        }
        guard.good = good;
        guard.status.degraded = !good;
    }
    guard.status.errors = overlay_items(&attempt.diagnostics);
    shared.changed.notify_all();
}

/// Equal contents; pages reused from the caches share their buffer, which settles it at once.
fn same_bytes(a: &Bytes, b: &Bytes) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

/// Runs the preview server until Ctrl-C.
pub fn serve(opts: ServeOptions) -> Result<(), Vec<Diagnostic>> {
    let root = std::path::absolute(&opts.root).unwrap_or(opts.root.clone());
    let parse_cache = ParseCache::default();
    let render_cache = RenderCache::default();
    let started = Instant::now();
    let mut first = build_in_memory_with(&root, opts.today, &parse_cache, &render_cache, true);
    print_attempt(&first, &root, started.elapsed());
    if first.pages.is_none() && first.diagnostics.items.iter().any(|d| d.code.as_str().starts_with("CFG")) {
        return Err(first.diagnostics.items);
    }
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            build: Arc::new(Build { pages: Map::default() }),
            status: Status { generation: 0, build: 0, errors: Vec::new(), degraded: false },
            good: false,
        }),
        changed: Condvar::new(),
        live_js: live_js(&root),
    });
    publish(&shared, &mut first);

    // Watch before announcing the address, so an edit saved right after the "serving" line
    // is never missed.
    let (tx, rx) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    let _watcher = start_watcher(&root, opts.poll, tx.clone());
    let addr = format!("{}:{}", opts.bind, opts.port);
    let server = tiny_http::Server::http(&addr).map_err(|e| {
        vec![Diagnostic::new(CFG002, "book.toml", 1, format!("cannot listen on {addr}: {e}")).help("choose another --port")]
    })?;
    let server = Arc::new(server);
    let local = server.server_addr().to_ip().map(|a| a.to_string()).unwrap_or(addr.clone());
    let is_loopback = server.server_addr().to_ip().is_some_and(|a| a.ip().is_loopback());
    // Ctrl-C handled before the address is announced: a SIGINT sent as soon as the "serving"
    // line appears must stop the preview cleanly (exit 0), not kill it.
    {
        let server = server.clone();
        let _ = ctrlc::set_handler(move || {
            eprintln!("\nstopping");
            server.unblock();
            std::process::exit(0);
        });
    }

    eprintln!("serving {} on http://{local}/ (Ctrl-C to stop)", root.display());
    if !is_loopback {
        eprintln!("warning: bound to {local}, which is reachable from other machines; the preview has no authentication. Use --bind 127.0.0.1 to keep it local.");
    }
    if opts.open {
        let url = format!("http://{local}/");
        let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
        let _ =
            std::process::Command::new(opener).arg(&url).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn();
    }

    {
        let shared = shared.clone();
        let root = root.clone();
        let today = opts.today;
        std::thread::spawn(move || {
            let mut watched = Watched::new(&root);
            while let Ok(mut changed) = rx.recv() {
                // Events already queued join this rebuild. The debouncer has grouped an editor's
                // save-rename-write; waiting here for more would only delay every reload.
                while let Ok(more) = rx.try_recv() {
                    changed.extend(more);
                }
                if !watched.prepare_rebuild(&parse_cache, &render_cache, changed) {
                    continue;
                }
                let t = Instant::now();
                let never_built = !shared.state.lock().map(|s| s.good).unwrap_or(true);
                let mut attempt = build_in_memory_with(&root, today, &parse_cache, &render_cache, never_built);
                print_attempt(&attempt, &root, t.elapsed());
                publish(&shared, &mut attempt);
            }
        });
    }

    while let Ok(req) = server.recv() {
        let shared = shared.clone();
        std::thread::spawn(move || handle(req, &shared));
    }
    Ok(())
}

/// Watches the repository: native events through notify's debouncer, or polling when native
/// watching is unavailable (containers, network drives, WSL) or `--poll` was given.
fn start_watcher(root: &Path, poll: bool, tx: std::sync::mpsc::Sender<Vec<PathBuf>>) -> Option<Box<dyn std::any::Any>> {
    use notify::RecursiveMode;
    use notify_debouncer_full::{new_debouncer, DebounceEventResult};
    if !poll {
        let tx2 = tx.clone();
        let whole_tree = root.to_path_buf();
        let debouncer = new_debouncer(Duration::from_millis(10), None, move |res: DebounceEventResult| {
            let paths: Vec<PathBuf> = match res {
                // Events were lost (the kernel's queue overflowed): the root stands for "anything
                // may have changed", which drops every cache and walks the tree again.
                Ok(events) if events.iter().any(|e| e.event.need_rescan()) => vec![whole_tree.clone()],
                Err(_) => vec![whole_tree.clone()],
                // Reading files (our own builds included) raises access events: only changes count.
                Ok(events) => events
                    .into_iter()
                    .filter(|e| {
                        matches!(e.event.kind, notify::EventKind::Create(_) | notify::EventKind::Modify(_) | notify::EventKind::Remove(_))
                    })
                    .flat_map(|e| e.event.paths)
                    .collect(),
            };
            if !paths.is_empty() {
                let _ = tx2.send(paths);
            }
        });
        if let Ok(mut d) = debouncer {
            if d.watch(root, RecursiveMode::Recursive).is_ok() {
                return Some(Box::new(d));
            }
        }
        eprintln!("note: native file watching unavailable; polling for changes every 500 ms");
    }
    let root = root.to_path_buf();
    // The baseline is taken before returning, so changes made right after startup are seen.
    let mut last = snapshot_mtimes(&root);
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = snapshot_mtimes(&root);
        if now != last {
            let changed: Vec<PathBuf> = now
                .iter()
                .filter(|(p, m)| last.get(*p) != Some(m))
                .map(|(p, _)| p.clone())
                .chain(last.keys().filter(|p| !now.contains_key(*p)).cloned())
                .collect();
            last = now;
            if tx.send(changed).is_err() {
                break;
            }
        }
    });
    None
}

fn snapshot_mtimes(root: &Path) -> Map<PathBuf, (std::time::SystemTime, u64)> {
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        // Below the root only (the repository itself may live in a folder named `site`): the
        // default output and snapshot folders at the top, build folders and our temporary
        // files anywhere. A configured output elsewhere is filtered like native events.
        .filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(n == "target" || n == ".git" || n.starts_with(".aimsbook") || (e.depth() == 1 && (n == "site" || n == "snapshots")))
        })
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok().and_then(|m| m.modified().ok().map(|t| (e.path().to_path_buf(), (t, m.len())))))
        .collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_overlay_speaks_the_repository_language() {
        let de = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/de-aims");
        let js = String::from_utf8(live_js(&de)).unwrap();
        assert!(js.starts_with("window.AIMSBOOK_LIVE_MESSAGES={"), "{js}");
        assert!(js.contains("die letzte Änderung hat den Build gebrochen ({errors})"), "{js}");
        assert!(js.contains("\"one\":\"1 Fehler\""), "{js}");
        let en = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(String::from_utf8(live_js(en)).unwrap().contains("the last edit broke the build ({errors})"));
    }

    use super::*;

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/style.CSS"), "text/css; charset=utf-8");
        assert!(content_type("assets/search.js").ends_with("javascript; charset=utf-8"));
        assert_eq!(content_type("search.json"), "application/json");
        assert_eq!(content_type("soa.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("soa.xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert_eq!(content_type("logo.svg"), "image/svg+xml");
        assert_eq!(content_type("font.woff2"), "font/woff2");
        assert_eq!(content_type("files/evidence"), "application/octet-stream");
    }

    #[test]
    fn paths_are_confined() {
        assert_eq!(normalize_path("/").as_deref(), Some("index.html"));
        assert_eq!(normalize_path("/doc/POL-001.html?x=1").as_deref(), Some("doc/POL-001.html"));
        assert_eq!(normalize_path("/clauses/").as_deref(), Some("clauses/index.html"));
        assert_eq!(normalize_path("/doc/My%20Doc.html").as_deref(), Some("doc/My Doc.html"));
        assert_eq!(normalize_path("/../etc/passwd"), None);
        assert_eq!(normalize_path("/%2e%2e/%2e%2e/etc/passwd"), None);
        assert_eq!(normalize_path("/doc/..%2f..%2fbook.toml"), None);
        assert_eq!(normalize_path("/a\\..\\b"), None);
        assert_eq!(normalize_path("/%00"), None);
        assert_eq!(normalize_path("/%ff"), None);
        // A `%` without two hex digits is not an escape: it stays, as in the file's name.
        assert_eq!(normalize_path("/a%zz.html").as_deref(), Some("a%zz.html"));
        assert_eq!(normalize_path("http://evil/"), None);
    }

    #[test]
    fn live_script_is_injected_before_body_end() {
        let out = String::from_utf8(inject_live(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(out.contains("<p>x</p><script src=\"/__aimsbook/live.js\"></script>\n</body>"));
    }
}
