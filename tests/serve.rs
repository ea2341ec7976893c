//! End-to-end tests of `aimsbook serve`, driving the real binary: every test copies the bundled
//! example repository (book.toml + content/) into a temporary folder, starts `serve --port 0`
//! on it and learns the port from stderr. Servers (and chromedriver) are always killed by Drop
//! guards, so a failing assertion never leaks a process. Every wait is bounded.
//!
//! The browser test needs headless Chromium and ChromeDriver (/usr/bin/chromium,
//! /usr/bin/chromedriver); see tests/common/clients.rs for when it is skipped.

#![cfg(unix)]

mod common;

use common::serve::KillOnDrop;
use common::webdriver;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Upper bound of every wait in this file.
const WAIT: Duration = Duration::from_secs(15);
const LIVE_TAG: &str = "<script src=\"/__aimsbook/live.js\"></script>";
const POLICY: &str = "content/governance/ai-policy.md";

/// A fresh copy of the bundled example's book.toml and content/
/// (`common::example_content_repo`): the temporary folder that holds it and the repository.
type Repo = (tempfile::TempDir, PathBuf);

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).timeout_global(Some(WAIT)).build(),
    )
}

/// A response: status, Content-Type and body.
struct Resp {
    status: u16,
    ctype: String,
    content_length: Option<usize>,
    body: String,
}

fn to_resp(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>, what: &str) -> Resp {
    let r = r.unwrap_or_else(|e| panic!("{what}: request failed: {e}"));
    let header = |n: &str| r.headers().get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
    let status = r.status().as_u16();
    let ctype = header("content-type").unwrap_or_default();
    let content_length = header("content-length").and_then(|v| v.parse().ok());
    let body = r.into_body().read_to_string().unwrap_or_else(|e| panic!("{what}: reading the body failed: {e}"));
    Resp { status, ctype, content_length, body }
}

/// A running `aimsbook serve` on a private copy of the example.
struct Server {
    _child: KillOnDrop,
    // Dropped after `child` (fields drop in declaration order), so the server dies first.
    _dir: tempfile::TempDir,
    root: PathBuf,
    port: u16,
    log: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

impl Server {
    fn start() -> Server {
        Server::start_in(common::example_content_repo())
    }

    fn start_in(repo: Repo) -> Server {
        Server::start_with(repo, &[])
    }

    fn start_with((dir, root): Repo, extra: &[&str]) -> Server {
        let common::serve::Started { child, port, log } = common::serve::start(&root, extra, WAIT);
        Server { _child: child, _dir: dir, root, port, log, agent: agent() }
    }

    fn root(&self) -> &Path {
        &self.root
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn stderr(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn get(&self, path: &str) -> Resp {
        to_resp(self.agent.get(self.url(path)).call(), &format!("GET {path}"))
    }

    fn status(&self) -> Value {
        let r = self.get("/__aimsbook/status");
        assert_eq!(r.status, 200);
        assert!(r.ctype.starts_with("application/json"), "status Content-Type {}", r.ctype);
        serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("status is not JSON ({e}): {}", r.body))
    }

    /// Long-polls /__aimsbook/wait from generation `since` until `pred` holds; bounded by WAIT.
    fn wait_for(&self, since: u64, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        let mut since = since;
        let mut last = Value::Null;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!("timed out after {WAIT:?} waiting for {what}; last status: {last}\nserver stderr:\n{}", self.stderr());
            }
            let path = format!("/__aimsbook/wait?since={since}");
            let r = self.agent.get(self.url(&path)).config().timeout_global(Some(left)).build().call();
            match r {
                Ok(r) => {
                    let r = to_resp(Ok(r), &path);
                    assert_eq!(r.status, 200, "{path}: {}", r.body);
                    assert!(r.ctype.starts_with("application/json"), "{path} Content-Type {}", r.ctype);
                    let v: Value = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", r.body));
                    for key in ["generation", "build"] {
                        assert!(v[key].is_u64(), "{path}: `{key}` is not a number: {v}");
                    }
                    assert!(v["errors"].is_array(), "{path}: `errors` is not a list: {v}");
                    if pred(&v) {
                        return v;
                    }
                    since = v["generation"].as_u64().unwrap();
                    last = v;
                }
                Err(ureq::Error::Timeout(_)) => {}
                Err(e) => panic!("{path}: {e}"),
            }
        }
    }

    /// Makes a change and waits for the rebuild it causes, which must report no error; `gen`
    /// is the generation seen last, and becomes the rebuild's.
    fn change(&self, gen: &mut u64, what: &str, f: &dyn Fn()) {
        let before = self.status();
        f();
        let after = self.wait_for(*gen, what, |v| gen_of(v) > gen_of(&before) && build_of(v) > build_of(&before));
        assert!(errors_of(&after).is_empty(), "{what} is valid: {after}");
        *gen = gen_of(&after);
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    /// Replaces a file atomically (write a temporary file, rename it into place), the way
    /// editors save, so the watcher never sees a half-written file.
    fn write(&self, rel: &str, text: &str) {
        // `.aimsbook*` paths are ignored by the watcher.
        let tmp = self.root().join(format!(".aimsbook-test-edit-{}", rel.replace('/', "_")));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, self.root().join(rel)).unwrap();
    }
}

fn gen_of(v: &Value) -> u64 {
    v["generation"].as_u64().unwrap()
}

fn build_of(v: &Value) -> u64 {
    v["build"].as_u64().unwrap()
}

fn errors_of(v: &Value) -> &Vec<Value> {
    v["errors"].as_array().unwrap()
}

fn assert_html_page(r: &Resp, what: &str) {
    assert_eq!(r.status, 200, "{what}: status {}; body:\n{}", r.status, r.body);
    assert!(r.ctype.starts_with("text/html"), "{what}: Content-Type {}", r.ctype);
    assert!(r.body.contains(LIVE_TAG), "{what}: live.js script tag not injected");
    assert_eq!(r.body.matches(LIVE_TAG).count(), 1, "{what}: live.js injected more than once");
    let tag = r.body.find(LIVE_TAG).unwrap();
    let end = r.body.rfind("</body>").expect("page has </body>");
    assert!(tag < end, "{what}: live.js tag is not inside <body>");
}

// ---------------------------------------------------------------------------------------------
// 1. Serving pages

#[test]
fn serves_pages_assets_head_405_and_404() {
    let s = Server::start();
    let st = s.status();
    assert_eq!(build_of(&st), 1, "first build is build 1: {st}");
    assert!(errors_of(&st).is_empty(), "the example builds without errors: {st}");

    let home = s.get("/");
    assert_html_page(&home, "/");
    assert!(home.body.contains("AI Management System"), "home page shows the book title");
    assert_eq!(s.get("/index.html").body, home.body, "/ and /index.html are the same page");

    let doc = s.get("/doc/POL-001.html");
    assert_html_page(&doc, "/doc/POL-001.html");
    assert!(doc.body.contains("<title>POL-001 AI Policy"), "document page has the document's title in <title>");
    assert!(doc.body.contains("<h1 id=\"doc-title\">AI Policy</h1>"), "document page has the document's title as heading");
    assert!(doc.body.contains("Statement from the Chief Executive"), "document page has the body");
    assert_eq!(doc.content_length, Some(doc.body.len()), "Content-Length matches the served (injected) page");

    // Query strings are ignored.
    assert_eq!(s.get("/doc/POL-001.html?x=1").body, doc.body);

    let css = s.get("/static/style.css");
    assert_eq!(css.status, 200);
    assert!(css.ctype.starts_with("text/css"), "CSS Content-Type {}", css.ctype);
    assert!(!css.body.contains("live.js"), "live.js is injected into HTML only");

    let js = s.get("/__aimsbook/live.js");
    assert_eq!(js.status, 200);
    assert!(js.ctype.starts_with("text/javascript"), "live.js Content-Type {}", js.ctype);
    assert!(js.body.contains("/__aimsbook/wait"), "live.js long-polls the wait endpoint");
    assert!(js.body.contains("aimsbook-overlay"));

    // HEAD: same status and headers, no body.
    let head = to_resp(s.agent.head(s.url("/doc/POL-001.html")).call(), "HEAD /doc/POL-001.html");
    assert_eq!(head.status, 200);
    assert!(head.ctype.starts_with("text/html"), "HEAD Content-Type {}", head.ctype);
    assert_eq!(head.body, "", "HEAD has no body");
    assert_eq!(head.content_length, Some(doc.body.len()), "HEAD Content-Length is the GET body's length");
    let head_css = to_resp(s.agent.head(s.url("/static/style.css")).call(), "HEAD /static/style.css");
    assert_eq!(head_css.status, 200);
    assert!(head_css.ctype.starts_with("text/css"));
    let head_404 = to_resp(s.agent.head(s.url("/no/such/page.html")).call(), "HEAD 404");
    assert_eq!(head_404.status, 404);
    assert_eq!(head_404.body, "");

    // Other methods: 405 with Allow.
    for (method, r) in [
        ("POST", s.agent.post(s.url("/")).send("x")),
        ("PUT", s.agent.put(s.url("/doc/POL-001.html")).send("x")),
        ("DELETE", s.agent.delete(s.url("/doc/POL-001.html")).call()),
    ] {
        let r = r.unwrap_or_else(|e| panic!("{method}: {e}"));
        assert_eq!(r.status().as_u16(), 405, "{method} is refused");
        let allow = r.headers().get("allow").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(allow.contains("GET") && allow.contains("HEAD"), "{method}: Allow header {allow:?}");
    }
    let r = to_resp(s.agent.post(s.url("/__aimsbook/wait?since=0")).send("x"), "POST wait");
    assert_eq!(r.status, 405, "the endpoints are GET-only too");

    // Unknown path: 404 with the site's own 404 page (with live reload, it is HTML).
    let missing = s.get("/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert!(missing.ctype.starts_with("text/html"), "404 Content-Type {}", missing.ctype);
    assert!(missing.body.contains("<h1>Page not found</h1>"), "404 is the site's 404 page:\n{}", missing.body);
    assert!(missing.body.contains(LIVE_TAG));
    assert_eq!(s.get("/doc/NOPE-999.html").status, 404);
    // A source file is not a page of the site.
    assert_eq!(s.get("/governance/ai-policy.md").status, 404);
    assert_eq!(s.get("/book.toml").status, 404);
}

// ---------------------------------------------------------------------------------------------
// 2. Live rebuilds

#[test]
fn edit_rebuilds_the_page_and_its_dependents() {
    let s = Server::start();
    let before = s.status();
    let old = s.read(POLICY);
    assert!(old.contains("\ntitle: AI Policy\n"));
    // Pages that show POL-001's title before the edit.
    let rol = s.get("/doc/ROL-001.html").body;
    assert!(rol.contains("<a href=\"../doc/POL-001.html\">AI Policy</a>"), "ROL-001 links to POL-001 by title with [[POL-001]]");
    assert!(s.get("/register.html").body.contains("<td>AI Policy</td>"));

    let title = "Artificial Intelligence Policy Kestrel";
    s.write(POLICY, &old.replace("\ntitle: AI Policy\n", &format!("\ntitle: {title}\n")));
    let after = s.wait_for(gen_of(&before), "a new build after editing the title", |v| build_of(v) > build_of(&before));
    assert!(gen_of(&after) > gen_of(&before));
    assert!(errors_of(&after).is_empty(), "the edit is valid: {after}");

    let doc = s.get("/doc/POL-001.html");
    assert_html_page(&doc, "edited page");
    assert!(doc.body.contains(&format!("<h1 id=\"doc-title\">{title}</h1>")), "edited page shows the new title");
    assert!(doc.body.contains(&format!("<title>POL-001 {title}")));

    // Dependents elsewhere in the site: a [[POL-001]] link in roles.md, and the register.
    let rol = s.get("/doc/ROL-001.html");
    assert_html_page(&rol, "ROL-001");
    assert!(rol.body.contains(&format!("<a href=\"../doc/POL-001.html\">{title}</a>")), "ROL-001's [[POL-001]] link shows the new title");
    assert!(!rol.body.contains("<a href=\"../doc/POL-001.html\">AI Policy</a>"), "ROL-001 still shows the old title");
    let reg = s.get("/register.html");
    assert_html_page(&reg, "register");
    assert!(reg.body.contains(&format!("<td>{title}</td>")), "the document register shows the new title");
    assert!(!reg.body.contains("<td>AI Policy</td>"), "the document register still shows the old title");

    // The status endpoint agrees with the last wait.
    let now = s.status();
    assert_eq!(build_of(&now), build_of(&after));
}

#[test]
fn wait_endpoint_blocks_until_a_rebuild_and_unchanged_rebuilds_keep_the_build() {
    let s = Server::start();
    let st = s.status();
    let g = gen_of(&st);
    // A stale or unknown generation answers at once; a missing one counts as 0.
    for q in [format!("since={}", g + 7), "since=".to_string(), "since=abc".to_string(), String::new()] {
        let t = Instant::now();
        let r = s.get(&format!("/__aimsbook/wait?{q}"));
        assert_eq!(r.status, 200);
        assert!(t.elapsed() < Duration::from_secs(5), "wait?{q} should answer at once");
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(gen_of(&v), g, "wait?{q}: {v}");
    }
    // The current generation blocks while nothing changes.
    let r = s
        .agent
        .get(s.url(&format!("/__aimsbook/wait?since={g}")))
        .config()
        .timeout_global(Some(Duration::from_millis(1200)))
        .build()
        .call();
    assert!(matches!(r, Err(ureq::Error::Timeout(_))), "wait?since=CURRENT answered although nothing changed: {r:?}");

    // Saving a file without changing it: a new generation, but the same build (tabs do not reload).
    s.write(POLICY, &s.read(POLICY));
    let v = s.wait_for(g, "a rebuild after re-saving the file", |v| gen_of(v) > g);
    assert_eq!(build_of(&v), build_of(&st), "identical pages must not bump the build: {v}");
    assert!(errors_of(&v).is_empty());
}

#[test]
fn poll_mode_rebuilds_on_edit() {
    let s = Server::start_with(common::example_content_repo(), &["--poll"]);
    let before = s.status();
    let old = s.read(POLICY);
    let title = "Polled Policy Heron";
    s.write(POLICY, &old.replace("\ntitle: AI Policy\n", &format!("\ntitle: {title}\n")));
    s.wait_for(gen_of(&before), "a new build in --poll mode", |v| build_of(v) > build_of(&before));
    assert!(s.get("/doc/POL-001.html").body.contains(&format!("<h1 id=\"doc-title\">{title}</h1>")));
    assert!(s.get("/doc/ROL-001.html").body.contains(&format!(">{title}</a>")));
}

/// The poll watcher skips the default output folder at the top of the repository only: a
/// content folder that happens to be called `site` is watched like any other.
#[test]
fn poll_mode_watches_a_content_folder_named_site() {
    let dir = common::example_content_repo();
    let record = std::fs::read_to_string(dir.1.join("content/records/2026-human-oversight-drill.md")).unwrap();
    let added = "content/site/drill-copy.md";
    std::fs::create_dir_all(dir.1.join("content/site")).unwrap();
    std::fs::write(dir.1.join(added), record.replacen("id: REC-017", "id: REC-917", 1)).unwrap();
    let s = Server::start_with(dir, &["--poll"]);
    let before = s.status();
    assert!(errors_of(&before).is_empty(), "{before}");
    s.write(added, &format!("{}\nA sentence seen by polling.\n", s.read(added)));
    s.wait_for(gen_of(&before), "a new build after an edit under content/site", |v| build_of(v) > build_of(&before));
    assert!(s.get("/doc/REC-917.html").body.contains("A sentence seen by polling."));
}

/// Whoever starts serve (an editor plugin, a script, a test) learns the URL from the
/// `serving … on http://…` line and may save a file right away. serve prints that line before
/// it starts its watcher, so a change saved in that window is never picked up (until the next
/// change): the preview keeps showing the old page.
#[test]
fn edit_saved_right_after_the_serving_line_is_picked_up() {
    for extra in [&[][..], &["--poll"][..]] {
        for round in 0..4 {
            let dir = common::example_content_repo();
            let edited = std::fs::read_to_string(dir.1.join(POLICY)).unwrap().replace("\ntitle: AI Policy\n", "\ntitle: Early Edit\n");
            let s = Server::start_with(dir, extra);
            s.write(POLICY, &edited);
            // A rebuild takes well under a second; the --poll watcher looks every 500 ms.
            let deadline = Instant::now() + Duration::from_secs(4);
            while build_of(&s.status()) < 2 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let st = s.status();
            assert!(
                build_of(&st) >= 2,
                "serve {extra:?}, round {round}: the edit saved right after the `serving` line was never picked up: {st}"
            );
            assert!(s.get("/doc/POL-001.html").body.contains("Early Edit"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Broken edits

#[test]
fn broken_front_matter_is_reported_and_the_last_good_build_stays() {
    let s = Server::start();
    let before = s.status();
    let good = s.read(POLICY);
    let status_line = good.lines().position(|l| l == "status: approved").expect("ai-policy.md has `status: approved`") + 1;
    assert_eq!(status_line, 8);

    // Break the status and, in the same save, change the title: the new title must not be served.
    let broken =
        good.replace("\nstatus: approved\n", "\nstatus: aproved\n").replace("\ntitle: AI Policy\n", "\ntitle: Broken Title Zeta\n");
    s.write(POLICY, &broken);
    let v = s.wait_for(gen_of(&before), "a DC002 error", |v| errors_of(v).iter().any(|e| e["code"] == "DC002"));
    let e = errors_of(&v).iter().find(|e| e["code"] == "DC002").unwrap();
    assert_eq!(e["file"], POLICY, "{e}");
    assert_eq!(e["line"].as_u64(), Some(status_line as u64), "{e}");
    assert!(e["column"].as_u64().is_some_and(|c| c >= 1), "{e}");
    assert_eq!(e["severity"], "error", "{e}");
    assert!(e["message"].as_str().unwrap().contains("aproved"), "{e}");
    assert!(e["help"].as_str().is_some_and(|h| h.contains("approved")), "{e}");
    for e in errors_of(&v) {
        assert_eq!(e["severity"], "error", "only errors are reported: {e}");
        for key in ["code", "file", "message"] {
            assert!(e[key].is_string(), "{key} missing: {e}");
        }
    }
    assert_eq!(build_of(&v), build_of(&before), "a failed rebuild does not replace the build being served");

    let doc = s.get("/doc/POL-001.html");
    assert_html_page(&doc, "page during a broken build");
    assert!(doc.body.contains("<h1 id=\"doc-title\">AI Policy</h1>"), "the last good page is still served");
    assert!(!doc.body.contains("Broken Title Zeta"), "the broken edit leaked into the served page");
    assert!(!s.get("/register.html").body.contains("Broken Title Zeta"));
    assert_eq!(build_of(&s.status()), build_of(&before));
    assert!(errors_of(&s.status()).iter().any(|e| e["code"] == "DC002"), "/__aimsbook/status reports the errors too");

    // Fix it: the errors go away. The pages equal the last good build, so no new build (no reload).
    s.write(POLICY, &good);
    let fixed = s.wait_for(gen_of(&v), "the errors to clear", |v| errors_of(v).is_empty());
    assert_eq!(build_of(&fixed), build_of(&before), "restoring the served content needs no reload: {fixed}");
    let doc = s.get("/doc/POL-001.html");
    assert_eq!(doc.status, 200);
    assert!(doc.body.contains("<h1 id=\"doc-title\">AI Policy</h1>"));
}

// ---------------------------------------------------------------------------------------------
// 4. Path traversal and symlinks

/// Sends a raw request line (ureq would normalise the path) and returns status and body.
fn raw_get(port: u16, target: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.set_write_timeout(Some(WAIT)).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
    let mut data = Vec::new();
    if let Err(e) = stream.read_to_end(&mut data) {
        assert!(!data.is_empty(), "GET {target}: no response ({e})");
    }
    let text = String::from_utf8_lossy(&data).into_owned();
    let status_line = text.lines().next().unwrap_or_default().to_string();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("GET {target}: bad status line {status_line:?}"));
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// Strings that prove a response carries book.toml or /etc/passwd.
fn secrets(root: &Path) -> Vec<String> {
    let mut out = vec!["[book]".to_string(), "organization = \"Corvid Mutual".to_string()];
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    out.extend(toml.lines().filter(|l| l.contains(" = ")).map(str::to_string));
    if let Ok(passwd) = std::fs::read_to_string("/etc/passwd") {
        out.extend(passwd.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).take(3).map(str::to_string));
    }
    out.push("root:x:0:0".to_string());
    out
}

#[test]
fn traversal_attempts_are_refused() {
    let s = Server::start();
    let port = s.port;
    // The plain request works over the raw socket.
    let (code, body) = raw_get(port, "/doc/POL-001.html");
    assert_eq!(code, 200);
    assert!(body.contains("AI Policy"));

    let secrets = secrets(s.root());
    let targets = [
        "/../book.toml".to_string(),
        "/../../../../etc/passwd".to_string(),
        "/%2e%2e/book.toml".to_string(),
        "/%2E%2E/book.toml".to_string(),
        "/.%2e/book.toml".to_string(),
        "/%2e%2e%2fbook.toml".to_string(),
        "/doc/..%2f..%2fbook.toml".to_string(),
        "/doc/%2e%2e/%2e%2e/book.toml".to_string(),
        "/doc/../../book.toml".to_string(),
        "/..%5cbook.toml".to_string(),
        "/..\\book.toml".to_string(),
        "/%00/../book.toml".to_string(),
        "//etc/passwd".to_string(),
        "///etc/passwd".to_string(),
        "/%2fetc/passwd".to_string(),
        "/%2f%2fetc%2fpasswd".to_string(),
        "/content/../book.toml".to_string(),
        format!("http://127.0.0.1:{port}/book.toml"),
        format!("http://127.0.0.1:{port}/../book.toml"),
        format!("http://127.0.0.1:{port}/../../../../etc/passwd"),
        "http://evil.example//etc/passwd".to_string(),
        "file:///etc/passwd".to_string(),
        "../book.toml".to_string(),
        "book.toml".to_string(),
        "*".to_string(),
    ];
    for target in &targets {
        let (code, body) = raw_get(port, target);
        assert!(code == 400 || code == 404, "GET {target}: status {code}, want 400 or 404; body:\n{body}");
        for secret in &secrets {
            assert!(!body.contains(secret.as_str()), "GET {target}: response contains {secret:?}:\n{body}");
        }
    }
    // The server survived all of it.
    assert_eq!(s.get("/doc/POL-001.html").status, 200);
}

/// A browser opens up to six connections to a host at once and keeps them alive. Every one of
/// them must be answered. tiny_http 0.12 hands each connection to a pool thread for the
/// connection's whole life; when several connections arrive together, its pool counts an idle
/// thread that was already woken for an earlier connection, the wake-up is lost, and the extra
/// connection waits in the queue until another connection closes. In Chromium this shows up as
/// a stylesheet that never loads and a page whose `load` never fires (30 s until the socket is
/// reset), so WebDriver navigations and live reloads time out.
#[test]

fn simultaneous_keep_alive_connections_are_all_answered() {
    // A fresh server each round: a pool that has already grown hides the race for a while.
    for round in 0..4 {
        let s = Server::start();
        let mut conns: Vec<TcpStream> = (0..6).map(|_| TcpStream::connect(("127.0.0.1", s.port)).unwrap()).collect();
        for c in &mut conns {
            write!(c, "GET /static/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        }
        let mut unanswered = 0;
        for c in &mut conns {
            // The request was already sent above; read its response only.
            c.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
            let mut buf = [0u8; 16];
            match c.read(&mut buf) {
                Ok(n) if n > 0 && buf.starts_with(b"HTTP/1.1 200") => {}
                _ => unanswered += 1,
            }
        }
        assert_eq!(unanswered, 0, "round {round}: {unanswered} of 6 simultaneous keep-alive connections got no response within 3 s");
    }
}

#[test]
fn symlinks_out_of_the_repository_are_reported_and_never_served() {
    let s = Server::start();
    let before = s.status();
    let outside = tempfile::tempdir().unwrap();
    let marker = "TOPSECRET-4b1d-outside-the-repository";
    std::fs::write(outside.path().join("secret.txt"), format!("{marker} token=abc\n")).unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        format!("---\nid: SEC-999\ntitle: {marker}\ntype: policy\nowner: x\nversion: \"1.0\"\nstatus: draft\n---\n\n{marker}\n"),
    )
    .unwrap();
    let links = [
        ("content/leak.txt", outside.path().join("secret.txt")),
        ("content/governance/leak.md", outside.path().join("secret.md")),
        ("content/passwd.txt", PathBuf::from("/etc/passwd")),
    ];
    for (link, target) in &links {
        std::os::unix::fs::symlink(target, s.root().join(link)).unwrap();
    }
    let v = s.wait_for(gen_of(&before), "SRC006 for the three symlinks", |v| {
        links.iter().all(|(link, _)| errors_of(v).iter().any(|e| e["code"] == "SRC006" && e["file"] == *link))
    });
    assert_eq!(build_of(&v), build_of(&before), "the refused build is not served");
    assert!(!v.to_string().contains(marker), "the status JSON carries the target's bytes: {v}");

    let mut secrets = secrets(s.root());
    secrets.push(marker.to_string());
    for path in [
        "/files/leak.txt",
        "/files/passwd.txt",
        "/files/governance/leak.md",
        "/doc/SEC-999.html",
        "/leak.txt",
        "/passwd.txt",
        "/governance/leak.md",
        "/content/leak.txt",
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 404, "GET {path}: status {}", r.status);
        for secret in &secrets {
            assert!(!r.body.contains(secret.as_str()), "GET {path}: response contains {secret:?}");
        }
    }
    for path in ["/", "/register.html", "/doc/POL-001.html"] {
        let r = s.get(path);
        assert_eq!(r.status, 200, "the last good build is still served");
        assert!(!r.body.contains(marker), "GET {path} contains the symlink target's bytes");
    }
    assert!(s.stderr().contains("error[SRC006]"), "serve reports the refused link on stderr:\n{}", s.stderr());

    // Removing the links heals the build.
    for (link, _) in &links {
        std::fs::remove_file(s.root().join(link)).unwrap();
    }
    let healed = s.wait_for(gen_of(&v), "the errors to clear after removing the links", |v| errors_of(v).is_empty());
    assert_eq!(build_of(&healed), build_of(&before));
}

#[test]
fn symlink_present_at_startup_is_refused() {
    let dir = common::example_content_repo();
    let outside = tempfile::tempdir().unwrap();
    let marker = "TOPSECRET-77e0-startup";
    std::fs::write(outside.path().join("secret.txt"), format!("{marker}\n")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.1.join("content/leak.txt")).unwrap();
    let s = Server::start_in(dir);
    let st = s.status();
    assert!(errors_of(&st).iter().any(|e| e["code"] == "SRC006" && e["file"] == "content/leak.txt"), "{st}");
    assert_eq!(st["degraded"], true, "no good build yet, a preview of what renders: {st}");
    let r = s.get("/files/leak.txt");
    assert_eq!(r.status, 404);
    assert!(!r.body.contains(marker));
    // "/" is never a 404: the preview's home page, which never includes the refused file.
    let r = s.get("/");
    assert_eq!(r.status, 200, "the home page of the preview");
    assert!(!r.body.contains(marker));
}

/// The human diagnostics printed by serve quote the offending line of the file. For a refused
/// symlink that "line" is read through the link, so the first line of a file outside the
/// repository (a token, a key) is copied into the terminal / CI log.
#[test]
fn refused_symlink_target_is_not_quoted_in_diagnostics() {
    let s = Server::start();
    let before = s.status();
    let outside = tempfile::tempdir().unwrap();
    let marker = "TOPSECRET-c9a2-api-token";
    std::fs::write(outside.path().join("token.txt"), format!("{marker}\n")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("token.txt"), s.root().join("content/token.txt")).unwrap();
    s.wait_for(gen_of(&before), "SRC006", |v| errors_of(v).iter().any(|e| e["code"] == "SRC006"));
    // The log line for the failed build is printed before the status is published.
    let deadline = Instant::now() + WAIT;
    while !s.stderr().contains("build failed") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = s.stderr();
    assert!(log.contains("error[SRC006]"), "{log}");
    assert!(!log.contains(marker), "serve printed the bytes of a file outside the repository:\n{log}");
}

// ---------------------------------------------------------------------------------------------
// 5. `build` never ships the live client

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            out.extend(files_under(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

#[test]
fn build_output_never_contains_live_js() {
    let repo = common::example_content_repo();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let res = common::build(&repo.1, &site, &[]);
    assert!(res.status.success(), "build failed:\n{}", common::stderr(&res));
    let files = files_under(&site);
    assert!(files.len() > 100, "the example builds into many files ({})", files.len());
    assert!(files.iter().any(|f| f.ends_with("doc/POL-001.html")));
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for needle in [&b"live.js"[..], b"__aimsbook", b"aimsbook-overlay"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{} contains {:?}", f.display(), String::from_utf8_lossy(needle));
        }
    }
    // The served page is the built page plus the tag.
    let s = Server::start_in(repo);
    let built = std::fs::read_to_string(site.join("doc/POL-001.html")).unwrap();
    let served = s.get("/doc/POL-001.html").body;
    assert_eq!(served.replacen(&format!("{LIVE_TAG}\n"), "", 1), built, "served page = built page + live.js tag");
}

// ---------------------------------------------------------------------------------------------
// 6. The browser: live reload and the error overlay in headless Chromium

/// Waits until live.js has had its first answer from the wait endpoint (so it knows the build
/// being shown and will reload on the next one).
fn wait_live_client(browser: &webdriver::Driver) {
    browser.poll(
        "live.js to connect",
        "return document.readyState === 'complete' && performance.getEntriesByType('resource')\
         .some(function (e) { return e.name.indexOf('/__aimsbook/wait') >= 0; });",
        WAIT,
        |v| v == &Value::Bool(true),
    );
    // The answer is parsed asynchronously after the resource entry is recorded.
    std::thread::sleep(Duration::from_millis(300));
}

#[test]
fn browser_live_reload_and_error_overlay() {
    if !common::clients::browser() {
        return;
    }
    let s = Server::start();
    let browser = webdriver::browser();
    let page = s.url("/doc/POL-001.html");
    browser.goto(&page);
    let text = browser.poll("the page to load", "return document.body ? document.body.innerText : '';", WAIT, |v| {
        v.as_str().is_some_and(|t| t.contains("Statement from the Chief Executive"))
    });
    let sentence = "Kingfisher live reload sentence 93e1.";
    assert!(!text.as_str().unwrap().contains(sentence));
    wait_live_client(&browser);
    // A marker that only survives as long as the page is not reloaded.
    browser.try_execute("window.__aimsbookTestMarker = 'kept'; return true;", json!([])).unwrap();

    // 1. Edit the body: the open tab reloads by itself and shows the new sentence.
    let good = s.read(POLICY);
    let heading = "## 1. Statement from the Chief Executive\n\n";
    assert!(good.contains(heading));
    let edited = good.replacen(heading, &format!("{heading}{sentence}\n\n"), 1);
    s.write(POLICY, &edited);
    browser.poll("the new sentence to appear without navigating", "return document.body ? document.body.innerText : '';", WAIT, |v| {
        v.as_str().is_some_and(|t| t.contains(sentence))
    });
    let v = browser.try_execute("return [location.href, typeof window.__aimsbookTestMarker];", json!([])).unwrap();
    assert_eq!(v[0], page.as_str(), "the tab stayed on the page");
    assert_eq!(v[1], "undefined", "the new content arrived by a reload of the page (live.js)");
    wait_live_client(&browser);
    browser.try_execute("window.__aimsbookTestMarker = 'kept'; return true;", json!([])).unwrap();

    // 2. Break the front matter: the overlay shows the DC002 diagnostic over the last good page.
    s.write(POLICY, &edited.replace("\nstatus: approved\n", "\nstatus: aproved\n"));
    let overlay = "var e = document.getElementById('aimsbook-overlay'); return e ? e.innerText : null;";
    let text = browser.poll("the error overlay with DC002", overlay, WAIT, |v| v.as_str().is_some_and(|t| t.contains("DC002")));
    let text = text.as_str().unwrap();
    assert!(text.contains(&format!("{POLICY}:8:")), "overlay names file and line: {text}");
    assert!(text.contains("aproved"), "overlay has the message: {text}");
    let body = browser.try_execute("return document.body.innerText;", json!([])).unwrap();
    assert!(body.as_str().unwrap().contains(sentence), "the last good page stays under the overlay");

    // 3. Fix it: the overlay disappears (the pages did not change, so no reload is needed).
    s.write(POLICY, &edited);
    browser.poll("the overlay to disappear", "return document.getElementById('aimsbook-overlay') === null;", WAIT, |v| {
        v == &Value::Bool(true)
    });
    let v = browser.try_execute("return [typeof window.__aimsbookTestMarker, document.body.innerText];", json!([])).unwrap();
    assert!(v[1].as_str().unwrap().contains(sentence));
    assert_eq!(v[0], "string", "fixing an error that never reached the served pages does not reload the tab");
}

/// Ctrl-C (SIGINT) stops the preview cleanly: exit status 0, promptly, with a goodbye line.
#[test]
fn ctrl_c_stops_cleanly() {
    let dir = common::example_content_repo();
    let common::serve::Started { mut child, log, .. } = common::serve::start(&dir.1, &[], WAIT);
    let pid = child.0.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().expect("kill runs");
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve still running 5 s after SIGINT; stderr:\n{}", log.lock().unwrap());
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "stderr:\n{}", log.lock().unwrap());
    std::thread::sleep(Duration::from_millis(100));
    assert!(log.lock().unwrap().contains("stopping"), "stderr:\n{}", log.lock().unwrap());
}

/// A body edit that adds a link changes another page: the target's "Referenced by" list,
/// although nothing in the target's own file changed (the incremental rebuild must see it).
#[test]
fn a_new_link_updates_the_targets_backlinks() {
    let s = Server::start();
    let before = s.status();
    let target = s.get("/doc/CTX-001.html").body;
    let referenced_by =
        |html: &str| html.split("id=\"backlinks-h\"").nth(1).unwrap_or("").split("</section>").next().unwrap_or("").to_string();
    assert!(!referenced_by(&target).contains("REC-017"), "REC-017 does not link to CTX-001 yet");
    let rec = "content/records/2026-human-oversight-drill.md";
    let old = s.read(rec);
    s.write(rec, &format!("{old}\nThe drill also drew on the context analysis in [[CTX-001]].\n"));
    s.wait_for(gen_of(&before), "a new build after adding a link", |v| build_of(v) > build_of(&before));
    let target = s.get("/doc/CTX-001.html");
    assert_html_page(&target, "CTX-001");
    assert!(referenced_by(&target.body).contains("REC-017"), "CTX-001 now lists REC-017 under Referenced by");
}

/// The incremental rebuild is exact: after edits of different kinds, every file the server
/// holds equals, byte for byte (less the injected reload script), what a fresh `build` of the
/// same repository writes.
#[test]
fn served_site_equals_a_fresh_build_after_edits() {
    let s = Server::start();
    let mut gen = gen_of(&s.status());
    let mut edit = |rel: &str, f: &dyn Fn(String) -> String| {
        let before = s.status();
        s.write(rel, &f(s.read(rel)));
        let after = s.wait_for(gen, "a rebuild after an edit", |v| gen_of(v) > gen_of(&before) && build_of(v) > build_of(&before));
        assert!(errors_of(&after).is_empty(), "edit of {rel} is valid: {after}");
        gen = gen_of(&after);
    };
    // A title (shown on many pages), a body with a new link (backlinks elsewhere), and a
    // register row (register page, clause pages citing it, downloads).
    edit(POLICY, &|t| t.replace("\ntitle: AI Policy\n", "\ntitle: AI Policy Revised\n"));
    edit("content/records/2026-human-oversight-drill.md", &|t| format!("{t}\nSee also [[CTX-001]] for the context.\n"));
    edit("content/data/risks.yaml", &|t| t.replacen("Claims triage model disadvantages", "Claims triage model may disadvantage", 1));
    assert_served_equals_fresh_build(&s);
    // A new register row: the search index has one entry more after the same documents.
    let row = "  - id: RSK-001\n";
    let added = "  - id: RSK-090\n    title: \"Fraud scoring model flags night-shift claims more often\"\n    ai_system: SYS-001\n    category: fairness\n    likelihood: 2\n    impact: 3\n    score: 6\n    treatment: mitigate\n    controls: [\"A.5.4\"]\n    owner: \"Aisha Bello (Head of Claims Operations)\"\n    status: treated\n    residual_likelihood: 1\n    residual_impact: 3\n    review_date: 2027-03-31\n";
    edit("content/data/risks.yaml", &|t| t.replacen(row, &format!("{added}{row}"), 1));

    assert_served_equals_fresh_build(&s);
}

#[test]
fn served_site_equals_a_fresh_build_after_heading_renames_new_and_deleted_files() {
    // With LNK004 a warning, renaming a heading breaks a link in *another* document without
    // failing the build: that other page must change although its own text did not.
    let dir = common::example_content_repo();
    common::append(&dir.1.join("book.toml"), "\n[check]\nLNK004 = \"warning\"\n");
    let s = Server::start_in(dir);
    let policy_url = "/doc/POL-001.html";
    assert!(s.get(policy_url).body.contains("ROL-001.html#6-raising-concerns-about-ai\""), "the policy links to the roles section");
    let mut gen = gen_of(&s.status());
    let mut change = |what: &str, f: &dyn Fn()| s.change(&mut gen, what, f);
    let roles = "content/governance/roles.md";
    change("a heading rename", &|| s.write(roles, &s.read(roles).replace("## 6. Raising concerns about AI", "## 6. Speaking up about AI")));
    let policy = s.get(policy_url).body;
    assert!(!policy.contains("ROL-001.html#6-raising-concerns-about-ai\""), "the policy page still links to the renamed heading");
    assert!(policy.contains("broken-link"), "the policy page marks the link as broken");
    // A new document (a file the last walk did not see) that links to the policy.
    let new_doc = "content/records/2026-speak-up-review.md";
    let text = s.read("content/records/2026-human-oversight-drill.md");
    let text = text.replacen("id: REC-017", "id: REC-917", 1).replacen("\ntitle: \"", "\ntitle: \"Speak-up review, ", 1);
    change("a new document", &|| s.write(new_doc, &format!("{text}\nIt follows [[POL-001]].\n")));
    assert!(s.get(policy_url).body.contains("Speak-up review"), "the policy page lists the new document among its backlinks");
    assert_served_equals_fresh_build(&s);
    change("a deleted document", &|| std::fs::remove_file(s.root().join(new_doc)).unwrap());
    assert!(!s.get(policy_url).body.contains("Speak-up review"), "the deleted document is gone from the backlinks");
    assert_served_equals_fresh_build(&s);
}

/// Every file of a fresh `build` of the server's repository is served byte for byte (HTML
/// pages apart from the injected reload script): the incremental caches of `serve` are exact.
fn assert_served_equals_fresh_build(s: &Server) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let built = common::build(s.root(), &site, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", common::stderr(&built));
    let files = common::snapshot(&site);
    let injected = format!("{LIVE_TAG}\n</body>");
    let mut compared = 0;
    for (rel, expected) in &files {
        if rel == ".aimsbook-site" {
            continue;
        }
        let mut resp = s.agent.get(s.url(&format!("/{rel}"))).call().unwrap_or_else(|e| panic!("GET /{rel}: {e}"));
        let mut got = resp.body_mut().with_config().limit(64 << 20).read_to_vec().unwrap();
        if rel.ends_with(".html") {
            got = String::from_utf8(got).unwrap().replacen(&injected, "</body>", 1).into_bytes();
        }
        assert!(&got == expected, "/{rel} served by the incremental preview differs from a fresh build");
        compared += 1;
    }
    assert!(compared > 150, "compared {compared} files");
}

/// The bundled example in a git repository of its own, committed once; and its root.
fn committed_example() -> (Repo, PathBuf) {
    let dir = common::example_content_repo();
    let root = dir.1.clone();
    common::git(&root, &["init", "-q", "-b", "main"]);
    common::git(&root, &["add", "."]);
    common::git(&root, &["commit", "-q", "-m", "Initial import of the AIMS"]);
    (dir, root)
}

/// In a git repository the served redlines (between approved versions, and of a current text
/// that differs from its approved version) equal a fresh build's after edits to other
/// documents, to the document itself, and after a commit.
#[test]
fn served_redlines_equal_a_fresh_build_in_a_git_repository() {
    let (dir, root) = committed_example();
    let git = |args: &[&str]| common::git(&root, args);
    // A second approved version of the policy, so that it has a redline between versions.
    let policy = root.join(POLICY);
    let text = std::fs::read_to_string(&policy).unwrap();
    let text =
        text.replacen("version: \"2.0\"", "version: \"2.1\"", 1).replacen("approved: 2026-02-24", "approved: 2026-10-01", 1).replacen(
            "\nrelated:",
            "\n  - version: \"2.1\"\n    date: 2026-10-01\n    author: \"Dr. Priya Raman\"\n    summary: \"Model cards.\"\nrelated:",
            1,
        );
    std::fs::write(&policy, format!("{text}\nVersion 2.1 adds a paragraph on model cards.\n")).unwrap();
    git(&["commit", "-q", "-a", "-m", "Policy 2.1"]);
    let s = Server::start_in(dir);
    let redline = "/doc/POL-001/redline-2.1.html";
    assert!(s.get(redline).body.contains("model cards"), "the redline between 2.0 and 2.1 is served");
    assert_served_equals_fresh_build(&s);
    let mut gen = gen_of(&s.status());
    let mut change = |what: &str, f: &dyn Fn()| s.change(&mut gen, what, f);
    let roles = "content/governance/roles.md";
    change("another document's body", &|| s.write(roles, &format!("{}\nA note on deputies.\n", s.read(roles))));
    assert_served_equals_fresh_build(&s);
    change("the policy's body, not approved", &|| s.write(POLICY, &format!("{}\nAn unapproved sentence.\n", s.read(POLICY))));
    assert!(s.get("/doc/POL-001/redline-current.html").body.contains("An unapproved sentence."), "the current text's redline");
    assert_served_equals_fresh_build(&s);
    let before = s.status();
    git(&["commit", "-q", "-a", "-m", "Work in progress"]);
    s.wait_for(gen_of(&before), "a rebuild after the commit", |_| s.get("/doc/POL-001.html").body.contains("Work in progress"));
    assert_served_equals_fresh_build(&s);
}

/// A commit made while the preview runs shows in the document's change log (the git history
/// is cached for the session and read again when HEAD or a branch moves).
#[test]
fn a_commit_during_serve_updates_the_change_log() {
    let (dir, root) = committed_example();
    let git = |args: &[&str]| common::git(&root, args);
    let s = Server::start_in(dir);
    let policy_url = "/doc/POL-001.html";
    let page = s.get(policy_url).body;
    assert!(page.contains("Initial import of the AIMS"), "the change log shows the first commit");
    let gen = gen_of(&s.status());
    let text = s.read(POLICY);
    s.write(POLICY, &format!("{text}\nA clarification added in review.\n"));
    let after_edit = s.wait_for(gen, "the rebuild after the edit", |v| gen_of(v) > gen);
    git(&["commit", "-q", "-a", "-m", "Clarify the policy after review"]);
    s.wait_for(gen_of(&after_edit), "a rebuild after the commit", |_| s.get(policy_url).body.contains("Clarify the policy after review"));
}

// ---------------------------------------------------------------------------------------------
// 7. A repository whose very first build has errors

const CHANGE_PROCEDURE: &str = "content/operations/change-management.md";

/// A copy of the example whose first build fails: the policy's status is misspelt (DC002) and
/// the change procedure's front matter is not YAML at all (SRC004).
fn broken_example() -> Repo {
    let dir = common::example_content_repo();
    let policy = dir.1.join(POLICY);
    let text = std::fs::read_to_string(&policy).unwrap().replace("\nstatus: approved\n", "\nstatus: aproved\n");
    std::fs::write(&policy, text).unwrap();
    let change = dir.1.join(CHANGE_PROCEDURE);
    let text = std::fs::read_to_string(&change).unwrap().replace("\ntitle: AI Change Management Procedure\n", "\ntitle: \"AI Change\n");
    std::fs::write(&change, text).unwrap();
    dir
}

#[test]
fn first_build_with_errors_serves_every_page_it_can_with_the_diagnostics() {
    let s = Server::start_in(broken_example());
    let status = s.status();
    let codes: Vec<&str> = errors_of(&status).iter().filter_map(|e| e["code"].as_str()).collect();
    assert!(codes.contains(&"DC002") && codes.contains(&"SRC004"), "both errors are reported from the start: {status}");
    assert_eq!(status["degraded"], true, "{status}");

    // "/" is the home page, not a 404, and carries the live client that shows the overlay.
    let home = s.get("/");
    assert_html_page(&home, "home page of a broken repository");
    assert!(home.body.contains(LIVE_TAG));
    assert!(
        home.body.contains("AI Management System") || home.body.contains("Corvid"),
        "the real home page: {}",
        &home.body[..200.min(home.body.len())]
    );
    // Other documents render as usual, the one with a wrong status too.
    let policy = s.get("/doc/POL-001.html");
    assert_eq!(policy.status, 200);
    assert!(policy.body.contains("<h1 id=\"doc-title\">AI Policy</h1>"), "the document with a DC002 error still renders");
    // The document that cannot be parsed shows its diagnostic where its page would be.
    let change = s.get("/doc/PRC-004.html");
    assert_eq!(change.status, 200, "{}", change.body);
    assert!(change.body.contains("SRC004") && change.body.contains(CHANGE_PROCEDURE), "{}", change.body);

    // Fixing both makes a good build that replaces the preview; the overlay's errors clear.
    s.write(POLICY, &s.read(POLICY).replace("\nstatus: aproved\n", "\nstatus: approved\n"));
    s.write(CHANGE_PROCEDURE, &s.read(CHANGE_PROCEDURE).replace("\ntitle: \"AI Change\n", "\ntitle: AI Change Management Procedure\n"));
    let fixed = s.wait_for(gen_of(&status), "a good build", |v| errors_of(v).is_empty() && v["degraded"] == false);
    assert!(build_of(&fixed) > build_of(&status));
    assert!(s.get("/doc/PRC-004.html").body.contains("AI Change Management Procedure"));

    // Once a good build exists, a broken edit no longer replaces it.
    s.write(POLICY, &s.read(POLICY).replace("\nstatus: approved\n", "\nstatus: aproved\n"));
    let broken = s.wait_for(gen_of(&fixed), "the DC002 error", |v| !errors_of(v).is_empty());
    assert_eq!(build_of(&broken), build_of(&fixed));
    assert_eq!(broken["degraded"], false);
}

#[test]
fn browser_shows_the_overlay_on_the_home_page_of_a_repository_with_errors() {
    if !common::clients::browser() {
        return;
    }
    let s = Server::start_in(broken_example());
    let browser = webdriver::browser();
    browser.goto(&s.url("/"));
    let overlay = "var e = document.getElementById('aimsbook-overlay'); return e ? e.innerText : null;";
    let text = browser.poll("the overlay on the home page", overlay, WAIT, |v| v.as_str().is_some_and(|t| t.contains("SRC004")));
    let text = text.as_str().unwrap();
    assert!(text.contains("DC002"), "every error is listed: {text}");
    assert!(text.contains(&format!("{POLICY}:8:")), "with file and line: {text}");
    assert!(text.contains("does not build yet"), "{text}");
    let title = browser.try_execute("return document.title;", json!([])).unwrap();
    assert!(!title.as_str().unwrap_or("").to_lowercase().contains("not found"), "{title}");
}

/// A message edited while serving (the repository's own i18n/en.ftl) shows on every page at
/// once, unchanged documents included: the pages' cache keys cover the messages.
#[test]
fn an_edited_message_rebuilds_every_page() {
    let s = Server::start();
    let before = s.status();
    assert!(s.get("/register.html").body.contains(">Home</a>"));
    std::fs::create_dir_all(s.root().join("i18n")).unwrap();
    s.write("i18n/en.ftl", "nav-home = Start page\n");
    let after = s.wait_for(gen_of(&before), "a new build after adding a message", |v| build_of(v) > build_of(&before));
    assert!(errors_of(&after).is_empty(), "{after}");
    for page in ["/register.html", "/doc/POL-001.html", "/clauses/5.2.html"] {
        let body = s.get(page).body;
        assert!(body.contains(">Start page</a>") && !body.contains(">Home</a>"), "{page} shows the edited message");
    }
}

/// The Changes page compares the repository with the latest published snapshot: `serve` keeps
/// the snapshot's data between rebuilds but reads it again when the file is replaced, and the
/// served pages still equal a fresh build.
#[test]
fn the_changes_page_follows_edits_and_a_replaced_published_snapshot() {
    let (dir, root) = common::example_content_repo();
    let snapshots = root.join("snapshots");
    let taken = common::take_snapshot(&root, "S1", &snapshots, &[]);
    assert_eq!(taken.status.code(), Some(0), "snapshot S1: {}", common::stderr(&taken));
    let zip = std::fs::read_dir(&snapshots).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "zip"));
    let zip = zip.expect("the snapshot command writes a zip");
    let zip_rel = zip.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
    common::append(&root.join("book.toml"), &format!("\n[[snapshots]]\nlabel = \"S1\"\npath = \"{zip_rel}\"\n"));
    let s = Server::start_in((dir, root.clone()));
    let text_change = "id=\"text-POL-001\"";
    assert!(!s.get("/changes.html").body.contains(text_change), "nothing changed yet");
    let mut gen = gen_of(&s.status());
    let mut change = |what: &str, f: &dyn Fn()| s.change(&mut gen, what, f);
    change("a policy edit", &|| s.write(POLICY, &format!("{}\nOne more sentence.\n", s.read(POLICY))));
    assert!(s.get("/changes.html").body.contains(text_change), "the Changes page lists the policy's text change");
    assert_served_equals_fresh_build(&s);
    // The published snapshot is replaced by one taken after the edit (same path, new file);
    // the next rebuild compares against it: the policy's text is no longer a change.
    let again = tempfile::tempdir().unwrap();
    let taken = common::take_snapshot(s.root(), "S1", again.path(), &[]);
    assert_eq!(taken.status.code(), Some(0), "snapshot S1 again: {}", common::stderr(&taken));
    let new_zip = std::fs::read_dir(again.path()).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "zip"));
    std::fs::copy(new_zip.expect("a zip"), &zip).unwrap();
    let records = "content/records/2026-human-oversight-drill.md";
    change("an edit after the snapshot was replaced", &|| s.write(records, &format!("{}\nReviewed again.\n", s.read(records))));
    assert!(!s.get("/changes.html").body.contains(text_change), "the Changes page compares with the replaced snapshot");
    assert_served_equals_fresh_build(&s);
}
