//! The preview server under load and under malformed requests. Each test starts the real
//! `aimsbook serve --port 0` on a temporary copy of the bundled example (book.toml + content/),
//! talks to it over loopback only, and kills it when done (a Drop guard, so a failed assertion
//! never leaks a process). The tests take a lock so they never run at the same time: the load
//! figures are the server's alone.
//!
//! - `two_hundred_clients_while_a_document_is_edited`: 200 client threads send GET requests for
//!   10 seconds over a mix of pages while another thread changes a document's title every
//!   500 ms. Every response must be 200 with a complete page (`<!DOCTYPE html>` … `</html>`,
//!   the live-reload script injected exactly once before `</body>`), the edited page must never
//!   mix two revisions, and the server's VmRSS at 3 s and at the end must differ by less than
//!   50%. The figures are printed (`--nocapture`) for RELIABILITY.md.
//! - `malformed_requests_neither_stall_nor_crash_the_server`: 100 KB headers, 20 slowloris
//!   connections held open while normal requests must still be answered within 2 s, invalid
//!   methods and request lines, invalid UTF-8 and encoded traversal in the path.
//!
//! Run: `cargo test --test load -- --nocapture`.

#![cfg(target_os = "linux")]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const LIVE_TAG: &str = "<script src=\"/__aimsbook/live.js\"></script>";
const POLICY: &str = "content/governance/ai-policy.md";
const CLIENTS: usize = 200;
const LOAD_TIME: Duration = Duration::from_secs(10);
/// Upper bound of requests per client thread (the load is bounded in count as well as time).
const MAX_PER_CLIENT: u64 = 5_000;
/// HTML pages of the example site, fetched in rotation (the edited policy's page included).
const PAGES: &[&str] = &[
    "/",
    "/doc/POL-001.html",
    "/register.html",
    "/matrix.html",
    "/soa.html",
    "/reviews.html",
    "/doc/AIA-001.html",
    "/clauses/5.2.html",
    "/clauses/",
    "/owners/",
    "/gaps.html",
    "/doc/POL-001.html",
    "/mandatory.html",
    "/versions.html",
    "/manual.html",
];

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// A running `aimsbook serve` on a private copy of the bundled example.
struct Server {
    child: common::serve::KillOnDrop,
    _dir: tempfile::TempDir,
    repo: PathBuf,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start() -> Server {
        let (dir, repo) = common::example_content_repo();
        let common::serve::Started { child, port, log } = common::serve::start(&repo, &[], Duration::from_secs(30));
        Server { child, _dir: dir, repo, port, log }
    }

    fn pid(&self) -> u32 {
        self.child.0.id()
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn stderr(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn assert_alive(&mut self) {
        assert!(self.child.0.try_wait().unwrap().is_none(), "the server exited; stderr:\n{}", self.stderr());
        let log = self.stderr();
        assert!(!log.contains("panicked"), "the server panicked:\n{log}");
    }

    fn vm_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }

    fn threads(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status.lines().find_map(|l| l.strip_prefix("Threads:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0)
    }
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).timeout_global(Some(timeout)).build(),
    )
}

/// GET `path`: status and body, or the transport error.
fn get(agent: &ureq::Agent, url: &str) -> Result<(u16, String), String> {
    let r = agent.get(url).call().map_err(|e| e.to_string())?;
    let status = r.status().as_u16();
    let body = r.into_body().with_config().limit(64 * 1024 * 1024).read_to_string().map_err(|e| e.to_string())?;
    Ok((status, body))
}

/// Why a served page is not a complete page, if it is not.
fn incomplete(body: &str) -> Option<String> {
    if !body.starts_with("<!DOCTYPE html>") {
        return Some(format!("does not start with <!DOCTYPE html>: {:?}", body.chars().take(60).collect::<String>()));
    }
    if !body.trim_end().ends_with("</html>") {
        return Some(format!(
            "does not end with </html>: {:?}",
            body.chars().rev().take(60).collect::<String>().chars().rev().collect::<String>()
        ));
    }
    if body.matches(LIVE_TAG).count() != 1 {
        return Some(format!("live script injected {} times", body.matches(LIVE_TAG).count()));
    }
    if !body.contains(&format!("{LIVE_TAG}\n</body>")) {
        return Some("live script not right before </body>".into());
    }
    // The edited page must come from one build: every revision marker on it is the same.
    let revs: std::collections::BTreeSet<&str> = body
        .match_indices("AI Policy rev ")
        .map(|(i, m)| body[i + m.len()..].split(|c: char| !c.is_ascii_digit()).next().unwrap_or(""))
        .collect();
    if revs.len() > 1 {
        return Some(format!("torn page: revisions {revs:?} on one page"));
    }
    None
}

#[test]
fn two_hundred_clients_while_a_document_is_edited() {
    let _serial = serial();
    let mut server = Server::start();
    let policy_path = server.repo.join(POLICY);
    let original = std::fs::read_to_string(&policy_path).unwrap();
    assert!(original.contains("\ntitle: AI Policy\n"));
    // Warm-up: every page of the mix exists and is complete before the load starts.
    let a = agent(Duration::from_secs(30));
    for p in PAGES {
        let (status, body) = get(&a, &server.url(p)).unwrap_or_else(|e| panic!("GET {p}: {e}"));
        assert_eq!(status, 200, "GET {p}");
        assert_eq!(incomplete(&body), None, "GET {p}");
    }

    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let bytes = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let deadline = start + LOAD_TIME;

    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (ok, failed, bytes, failures) = (ok.clone(), failed.clone(), bytes.clone(), failures.clone());
        let base = server.url("");
        clients.push(std::thread::spawn(move || {
            let agent = agent(Duration::from_secs(20));
            let mut n = 0u64;
            while Instant::now() < deadline && n < MAX_PER_CLIENT {
                let path = PAGES[(c + n as usize) % PAGES.len()];
                n += 1;
                let problem = match get(&agent, &format!("{base}{path}")) {
                    Err(e) => Some(format!("GET {path}: {e}")),
                    Ok((200, body)) => {
                        bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                        incomplete(&body).map(|p| format!("GET {path}: {p}"))
                    }
                    Ok((status, _)) => Some(format!("GET {path}: status {status}")),
                };
                match problem {
                    None => ok.fetch_add(1, Ordering::Relaxed),
                    Some(p) => {
                        let mut f = failures.lock().unwrap();
                        if f.len() < 20 {
                            f.push(p);
                        }
                        failed.fetch_add(1, Ordering::Relaxed)
                    }
                };
            }
        }));
    }

    // The editor: a new title every 500 ms, written in place (as a plain `fs::write`).
    let editor = {
        let stop = stop.clone();
        let policy_path = policy_path.clone();
        let original = original.clone();
        std::thread::spawn(move || {
            let mut rev = 0u64;
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                rev += 1;
                std::fs::write(&policy_path, original.replace("\ntitle: AI Policy\n", &format!("\ntitle: AI Policy rev {rev}\n"))).unwrap();
                std::thread::sleep(Duration::from_millis(500));
            }
            rev
        })
    };

    // Memory and threads, sampled every 500 ms; the reference sample is taken at 3 s.
    let mut samples: Vec<(f64, u64, u64)> = Vec::new();
    let mut rss_at_3s = None;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        let t = start.elapsed().as_secs_f64();
        let rss = server.vm_rss_kib();
        samples.push((t, rss, server.threads()));
        if rss_at_3s.is_none() && t >= 3.0 {
            rss_at_3s = Some(rss);
        }
    }
    for c in clients {
        c.join().expect("client thread");
    }
    stop.store(true, Ordering::Relaxed);
    let edits = editor.join().unwrap();
    let elapsed = start.elapsed();
    let rss_end = server.vm_rss_kib();
    server.assert_alive();

    // The last edit is served: rebuilds went on under load.
    let final_title = format!("AI Policy rev {edits}");
    let wait = Instant::now() + Duration::from_secs(30);
    let mut last = String::new();
    while Instant::now() < wait {
        if let Ok((200, body)) = get(&a, &server.url("/doc/POL-001.html")) {
            if body.contains(&final_title) {
                last.clear();
                break;
            }
            last = body.chars().take(400).collect();
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(last.is_empty(), "the last edit ({final_title}) was never served; last page start: {last}\nstderr:\n{}", server.stderr());

    let ok = ok.load(Ordering::Relaxed);
    let failed = failed.load(Ordering::Relaxed);
    let rss_3 = rss_at_3s.expect("a sample at 3 s");
    let rebuilds = server.stderr().matches("rebuilt in").count();
    let peak_threads = samples.iter().map(|s| s.2).max().unwrap_or(0);
    println!("load: {CLIENTS} clients for {:.1} s over {} pages, {edits} edits ({rebuilds} rebuilds)", elapsed.as_secs_f64(), PAGES.len());
    println!(
        "load: requests served {ok}, errors {failed}, {:.0} req/s, {:.1} MiB of pages",
        ok as f64 / elapsed.as_secs_f64(),
        bytes.load(Ordering::Relaxed) as f64 / 1048576.0
    );
    println!(
        "load: VmRSS {} KiB at 3 s, {} KiB at the end ({:+.1}%), min {} max {} KiB; peak threads {peak_threads}",
        rss_3,
        rss_end,
        (rss_end as f64 - rss_3 as f64) * 100.0 / rss_3 as f64,
        samples.iter().map(|s| s.1).min().unwrap_or(0),
        samples.iter().map(|s| s.1).max().unwrap_or(0)
    );
    assert_eq!(failed, 0, "{failed} failed request(s), e.g.:\n{}", failures.lock().unwrap().join("\n"));
    assert!(ok >= CLIENTS as u64, "only {ok} requests served");
    assert!(edits >= 10, "only {edits} edits");
    let change = (rss_end as f64 - rss_3 as f64).abs() / rss_3 as f64;
    assert!(change < 0.5, "VmRSS moved {:.0}% between 3 s ({rss_3} KiB) and the end ({rss_end} KiB): {samples:?}", change * 100.0);
}

// ---------------------------------------------------------------------------------------------
// Malformed requests
// ---------------------------------------------------------------------------------------------

/// What came back on a raw connection.
#[derive(Debug)]
enum Raw {
    /// The status line (first line of the response).
    Response(String, Vec<u8>),
    /// The server closed the connection without a response.
    Closed,
}

/// Sends raw bytes and reads the whole response (the request asks the server to close). A
/// read that stays silent for 5 s is a stall and fails the test.
fn raw(port: u16, request: &[u8]) -> Raw {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    if let Err(e) = s.write_all(request) {
        // The server may close early on a request it refuses.
        assert!(matches!(e.kind(), std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset), "write: {e}");
    }
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                // A complete response with a Content-Length: stop there (keep-alive).
                if let Some(done) = complete_len(&buf) {
                    buf.truncate(done);
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!(
                "stalled: no answer within 5 s to {:?} ({e}); got {:?}",
                String::from_utf8_lossy(&request[..request.len().min(80)]),
                String::from_utf8_lossy(&buf)
            ),
        }
    }
    if buf.is_empty() {
        return Raw::Closed;
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    Raw::Response(text.lines().next().unwrap_or("").to_string(), buf)
}

/// The length of a complete response in `buf`, when its headers say how long it is.
fn complete_len(buf: &[u8]) -> Option<usize> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let len: usize = head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok())?;
    (buf.len() >= head_end + len).then_some(head_end + len)
}

fn status_of(r: &Raw) -> Option<u16> {
    match r {
        Raw::Response(line, _) => line.split(' ').nth(1).and_then(|s| s.parse().ok()),
        Raw::Closed => None,
    }
}

/// A normal request must be answered completely within `limit`.
fn assert_served(server: &Server, path: &str, limit: Duration) -> Duration {
    let t = Instant::now();
    let (status, body) = get(&agent(limit), &server.url(path)).unwrap_or_else(|e| panic!("GET {path} within {limit:?}: {e}"));
    let took = t.elapsed();
    assert_eq!(status, 200, "GET {path}");
    assert_eq!(incomplete(&body), None, "GET {path}");
    assert!(took <= limit, "GET {path} took {took:?}");
    took
}

#[test]
fn malformed_requests_neither_stall_nor_crash_the_server() {
    let _serial = serial();
    let mut server = Server::start();
    let port = server.port;
    assert_served(&server, "/", Duration::from_secs(10));
    let mut report = Vec::new();

    // 1. Huge headers: one 100 KB header, and 100 headers of 1 KB.
    let big = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\nConnection: close\r\n\r\n", "a".repeat(100 * 1024));
    let r = raw(port, big.as_bytes());
    report.push(format!("100 KB header: {:?}", status_of(&r)));
    assert!(matches!(status_of(&r), Some(200) | Some(400) | Some(413) | Some(431) | None), "{r:?}");
    let many: String = (0..100).map(|i| format!("X-H{i}: {}\r\n", "b".repeat(1024))).collect();
    let r = raw(port, format!("GET /register.html HTTP/1.1\r\nHost: x\r\n{many}Connection: close\r\n\r\n").as_bytes());
    report.push(format!("100 headers of 1 KB: {:?}", status_of(&r)));
    assert!(matches!(status_of(&r), Some(200) | Some(400) | Some(413) | Some(431) | None), "{r:?}");
    assert_served(&server, "/", Duration::from_secs(2));

    // 2. Slowloris: 20 connections send a request line and then one header line every
    //    300 ms, never finishing; normal requests must still be answered within 2 s each.
    let holding = Arc::new(AtomicBool::new(true));
    let mut loris = Vec::new();
    for i in 0..20 {
        let holding = holding.clone();
        loris.push(std::thread::spawn(move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_write_timeout(Some(Duration::from_secs(2))).unwrap();
            let _ = s.write_all(format!("GET /doc/POL-001.html HTTP/1.1\r\nHost: x\r\nX-Slow-{i}: ").as_bytes());
            let mut sent = 0;
            while holding.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(300));
                if s.write_all(b"a\r\nX-More: b").is_err() {
                    break;
                }
                sent += 1;
            }
            sent
        }));
    }
    std::thread::sleep(Duration::from_millis(500));
    let mut slowest = Duration::ZERO;
    let t = Instant::now();
    let mut normal = 0;
    while t.elapsed() < Duration::from_secs(4) {
        for p in ["/", "/doc/POL-001.html", "/register.html", "/soa.html"] {
            slowest = slowest.max(assert_served(&server, p, Duration::from_secs(2)));
            normal += 1;
        }
    }
    holding.store(false, Ordering::Relaxed);
    let held: Vec<i32> = loris.into_iter().map(|h| h.join().unwrap()).collect();
    report.push(format!(
        "slowloris: 20 connections held {:.1} s ({} header lines each), {normal} normal requests, slowest {slowest:?}",
        t.elapsed().as_secs_f64() + 0.5,
        held.iter().min().unwrap()
    ));

    // 3. Invalid methods and request lines.
    let cases: &[(&str, &[u8], &[u16])] = &[
        ("POST", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", &[405]),
        ("DELETE", b"DELETE /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &[405]),
        ("PUT", b"PUT /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", &[405]),
        ("unknown method", b"FROB / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &[400, 405, 501]),
        ("lower-case method", b"get / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &[200, 400, 405, 501]),
        ("no path", b"GET\r\n\r\n", &[400]),
        ("no version", b"GET /\r\n\r\n", &[400]),
        ("HTTP/9.9", b"GET / HTTP/9.9\r\nConnection: close\r\n\r\n", &[400, 505]),
        ("binary garbage", b"\x00\x01\x02\xff\xfe garbage\r\n\r\n", &[400]),
        ("header without colon", b"GET / HTTP/1.1\r\nthis is not a header\r\n\r\n", &[400]),
        ("TRACE", b"TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &[405]),
        ("OPTIONS *", b"OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &[400, 405]),
        ("CONNECT", b"CONNECT example.org:443 HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n", &[400, 405]),
    ];
    for (what, req, allowed) in cases {
        let r = raw(port, req);
        let st = status_of(&r);
        report.push(format!("{what}: {}", st.map(|s| s.to_string()).unwrap_or("closed".into())));
        assert!(st.is_none() || allowed.contains(&st.unwrap()), "{what}: got {r:?}, expected one of {allowed:?} or a closed connection");
    }
    assert_served(&server, "/", Duration::from_secs(2));
    // An HTTP/2.0 request line gets no answer at all (see the ignored test below), but the
    // connection it wedges does not keep anyone else waiting.
    let mut wedged = Vec::new();
    for _ in 0..5 {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(b"GET / HTTP/2.0\r\nHost: x\r\n\r\n").unwrap();
        wedged.push(s);
    }
    assert_served(&server, "/", Duration::from_secs(2));
    drop(wedged);

    // 4. Paths: invalid UTF-8 (raw and percent-encoded), overlong encodings, traversal.
    let paths: &[(&str, &[u8])] = &[
        ("raw invalid UTF-8", b"/\xff\xfe\xfd.html"),
        ("raw UTF-8 (non-ASCII)", "/doc/é.html".as_bytes()),
        ("encoded invalid UTF-8", b"/%ff%fe.html"),
        ("overlong slash", b"/..%c0%af..%c0%afbook.toml"),
        ("encoded traversal", b"/..%2f..%2fbook.toml"),
        ("traversal", b"/../../book.toml"),
        ("double-encoded traversal", b"/%252e%252e/book.toml"),
        ("backslash", b"/..\\..\\book.toml"),
        ("NUL", b"/index.html%00.css"),
        ("absolute URI", b"http://127.0.0.1/../book.toml"),
        ("very long path", format!("/{}", "a/".repeat(20_000)).leak().as_bytes()),
    ];
    for (what, path) in paths {
        let mut req = b"GET ".to_vec();
        req.extend_from_slice(path);
        req.extend_from_slice(b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let r = raw(port, &req);
        let st = status_of(&r);
        report.push(format!("{what}: {}", st.map(|s| s.to_string()).unwrap_or("closed".into())));
        assert!(matches!(st, None | Some(400) | Some(404)), "{what}: {r:?}");
        if let Raw::Response(_, body) = &r {
            let body = String::from_utf8_lossy(body);
            assert!(!body.contains("[book]") && !body.contains("organization ="), "{what}: book.toml served");
        }
    }

    // The server is still up, still quick, and never panicked.
    assert_served(&server, "/doc/POL-001.html", Duration::from_secs(2));
    server.assert_alive();
    for line in &report {
        println!("malformed: {line}");
    }
}

/// tiny_http answers a request line with version HTTP/2.0 or HTTP/3.0 with a 505 that it
/// writes into the connection's buffered writer and then `continue`s reading the next request
/// without flushing (vendor/tiny_http/src/client.rs, `ClientConnection::next`, the
/// `http_version() > (1, 1)` branch). The client never receives the 505, and a following
/// HTTP/1.1 request on the same connection is not answered either: the connection is wedged
/// until the client gives up (a pool thread is held meanwhile). It should get the 505 (or a
/// 400) and the connection should be closed.
#[test]
fn http2_request_line_is_answered() {
    let _serial = serial();
    let server = Server::start();
    for version in ["HTTP/2.0", "HTTP/3.0"] {
        let r = raw(server.port, format!("GET / {version}\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes());
        assert!(matches!(status_of(&r), Some(400) | Some(505)), "{version}: {r:?}");
    }
}
