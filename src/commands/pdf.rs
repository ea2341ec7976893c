//! Paper: the controlled PDF of one document or of the whole manual (`aimsbook pdf`).
//!
//! The engine is headless Chromium, driven over its DevTools protocol (`Page.printToPDF`).
//! The page layout is plain CSS that the site already carries for the browser's own print
//! (`templates/print.html`, `static/print.css`): the paper size from `[pdf] paper`, and the
//! running header and footer as `@page` margin boxes. The manual gives every document a named
//! page, so the header changes where a document starts, while "Page X of Y" counts the whole
//! print. Chromium's own `headerTemplate` is fixed per print and would need one print per
//! document stitched together; margin boxes need one print and keep the page count right.
//!
//! The contents of the manual get their page numbers in passes: print, read on which page
//! each document starts (the PDF's named destinations of the contents' links, with `lopdf`),
//! fill the numbers into the page and print again, until the numbers hold.
//!
//! The browser is spoken to over `--remote-debugging-pipe`: JSON messages ending in NUL,
//! commands on the browser's fd 3 and replies on its fd 4. No port is opened, and no
//! websocket or async runtime is needed.

use crate::model::Site;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Programs tried, in order, when `AIMSBOOK_CHROMIUM` does not name one.
const BROWSERS: [&str; 5] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
/// What to install when no browser is found.
pub(crate) const INSTALL_HINT: &str =
    "install Chromium (Debian/Ubuntu: `apt-get install chromium`) or Google Chrome, or set AIMSBOOK_CHROMIUM to the browser's path";
/// Longest wait for one browser reply (a print of a few hundred pages takes seconds).
const REPLY_TIMEOUT: Duration = Duration::from_secs(180);
/// Most prints of the manual until the contents' page numbers hold.
const MAX_PASSES: usize = 4;

/// Why no PDF was written.
#[derive(Debug)]
pub enum PdfError {
    /// No browser to print with (exit 2, names what to install).
    NoBrowser(String),
    /// Bad request: unknown document id, unwritable output (exit 2).
    Usage(String),
    /// The site could not be rendered or the browser failed (exit 1).
    Failed(String),
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PdfError::NoBrowser(m) | PdfError::Usage(m) | PdfError::Failed(m) => f.write_str(m),
        }
    }
}

/// What was printed.
#[derive(Debug)]
pub struct PdfReport {
    pub pages: usize,
    /// Prints made (more than one for the manual: the contents' page numbers).
    pub passes: usize,
    /// For the manual: the page each document starts on, by document id.
    pub starts: BTreeMap<String, u32>,
}

/// The browser to print with: `AIMSBOOK_CHROMIUM` when set (it must exist), else the first of
/// [`BROWSERS`] on the PATH.
pub fn find_browser() -> Result<PathBuf, PdfError> {
    if let Some(p) = std::env::var_os("AIMSBOOK_CHROMIUM").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(PdfError::NoBrowser(format!("AIMSBOOK_CHROMIUM={} does not exist; {INSTALL_HINT}", p.display())))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in BROWSERS {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(PdfError::NoBrowser(format!("no Chromium or Chrome found on the PATH (tried {}); {INSTALL_HINT}", BROWSERS.join(", "))))
}

/// Prints one document (`id`) or, without an id, the manual of every approved document, and
/// writes the PDF to `out` atomically (a temporary file next to it, renamed). Nothing else is
/// written except a temporary folder for the rendered pages and the browser profile, removed
/// afterwards.
pub fn print(site: &Site, id: Option<&str>, out: &Path) -> Result<PdfReport, PdfError> {
    let page = match id {
        Some(id) => match site.doc(id) {
            Some(d) => d.url(),
            None => return Err(PdfError::Usage(format!("no document with id {id}; `aimsbook export documents --format csv` lists them"))),
        },
        None => crate::render::manual::PRINT_PATH.to_string(),
    };
    let browser_path = find_browser()?;
    let work = TempDir::new()?;
    let site_dir = work.path.join("site");
    write_site(site, &site_dir)?;
    if id.is_none() {
        // The site splits the manual into pages; paper gets it as one continuous page.
        let manual = crate::pipeline::print_manual(site).map_err(|ds| cannot_render(&ds))?;
        let path = site_dir.join(&manual.path);
        std::fs::write(&path, &manual.bytes).map_err(|e| PdfError::Failed(format!("cannot write {}: {e}", path.display())))?;
    }
    let url = file_url(&site_dir.join(&page));

    let mut browser = Browser::launch(&browser_path, &work.path.join("profile"))?;
    let result = print_with(&mut browser, &url, id.is_none());
    browser.close();
    let (pdf, report) = result?;
    write_atomic(out, &pdf)?;
    Ok(report)
}

fn print_with(browser: &mut Browser, url: &str, manual: bool) -> Result<(Vec<u8>, PdfReport), PdfError> {
    let session = browser.open(url)?;
    let mut filled: Option<BTreeMap<String, u32>> = None;
    let mut passes = 0;
    loop {
        passes += 1;
        let pdf = browser.print_to_pdf(&session)?;
        let layout = PdfLayout::read(&pdf)?;
        if !manual {
            return Ok((pdf, PdfReport { pages: layout.pages, passes, starts: BTreeMap::new() }));
        }
        let starts: BTreeMap<String, u32> =
            layout.destinations.iter().filter_map(|(name, page)| name.strip_prefix("doc-").map(|id| (id.to_string(), *page))).collect();
        if filled.as_ref() == Some(&starts) {
            return Ok((pdf, PdfReport { pages: layout.pages, passes, starts }));
        }
        if passes >= MAX_PASSES {
            return Err(PdfError::Failed(format!("the contents' page numbers did not settle after {MAX_PASSES} prints")));
        }
        // The contents' entries carry `data-toc-page="doc-ID"`; the destinations are named by
        // the same anchors.
        let numbers: BTreeMap<String, u32> = starts.iter().map(|(id, p)| (format!("doc-{id}"), *p)).collect();
        let script = format!(
            "(() => {{ const pages = {}; let n = 0; for (const el of document.querySelectorAll('[data-toc-page]')) {{ const p = pages[el.dataset.tocPage]; el.textContent = p === undefined ? '' : String(p); n++; }} return n; }})()",
            serde_json::to_string(&numbers).unwrap_or_else(|_| "{}".into())
        );
        browser.evaluate(&session, &script)?;
        filled = Some(starts);
    }
}

/// Renders the site and writes it into `dir` (pages, theme files and the content's files), so
/// the browser loads it as the site's own readers would, from `file://`.
fn write_site(site: &Site, dir: &Path) -> Result<(), PdfError> {
    let pages = crate::pipeline::render_all(site).map_err(|ds| cannot_render(&ds))?;
    let io = |what: &Path, e: std::io::Error| PdfError::Failed(format!("cannot write {}: {e}", what.display()));
    for p in &pages {
        let path = dir.join(&p.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&path, &p.bytes).map_err(|e| io(&path, e))?;
    }
    for rel in &site.assets {
        let to = dir.join("files").join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::copy(site.config.content_dir().join(rel), &to).map_err(|e| io(&to, e))?;
    }
    Ok(())
}

fn cannot_render(ds: &[crate::diagnostics::Diagnostic]) -> PdfError {
    PdfError::Failed(format!(
        "cannot render the site: {}",
        ds.iter().map(|d| format!("{} {}: {}", d.code, d.file, d.message)).collect::<Vec<_>>().join("; ")
    ))
}

/// A `file://` URL for an absolute path, with the bytes a URL cannot hold percent-encoded.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// Writes `bytes` to `out` through a temporary file in the same folder and a rename, so a
/// reader never sees half a PDF and a failed write leaves the previous file as it was.
fn write_atomic(out: &Path, bytes: &[u8]) -> Result<(), PdfError> {
    let name = out.file_name().ok_or_else(|| PdfError::Usage(format!("--out {}: not a file name", out.display())))?;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()));
    if let Err(e) = written.and_then(|_| std::fs::rename(&tmp, out)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(PdfError::Usage(format!("cannot write {}: {e}", out.display())));
    }
    Ok(())
}

/// A folder under the system's temporary folder, removed when dropped.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> Result<TempDir, PdfError> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let path = std::env::temp_dir().join(format!("aimsbook-pdf-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).map_err(|e| PdfError::Failed(format!("cannot create {}: {e}", path.display())))?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// What the printed PDF tells about its layout: its page count and the page (1-based) each
/// named destination (an anchor that a link in the page points to) lands on.
#[derive(Debug, Default)]
pub(crate) struct PdfLayout {
    pub(crate) pages: usize,
    pub(crate) destinations: BTreeMap<String, u32>,
}

impl PdfLayout {
    pub(crate) fn read(pdf: &[u8]) -> Result<PdfLayout, PdfError> {
        let bad = |e: lopdf::Error| PdfError::Failed(format!("the browser's PDF cannot be read: {e}"));
        let doc = lopdf::Document::load_mem(pdf).map_err(bad)?;
        let pages = doc.get_pages();
        let page_of: BTreeMap<lopdf::ObjectId, u32> = pages.iter().map(|(n, id)| (*id, *n)).collect();
        let mut layout = PdfLayout { pages: pages.len(), destinations: BTreeMap::new() };
        let catalog = doc.catalog().map_err(bad)?;
        let mut add = |name: &[u8], dest: &lopdf::Object| {
            if let Some(page) = destination_page(&doc, dest, &page_of) {
                layout.destinations.insert(String::from_utf8_lossy(name).into_owned(), page);
            }
        };
        // PDF 1.1 style: a /Dests dictionary in the catalog (what Chromium writes).
        if let Ok(dests) = catalog.get_deref(b"Dests", &doc).and_then(|o| o.as_dict()) {
            for (name, dest) in dests.iter() {
                add(name, dest);
            }
        }
        // PDF 1.2 style: a name tree under /Names /Dests.
        if let Ok(tree) = catalog.get_deref(b"Names", &doc).and_then(|o| o.as_dict()).and_then(|n| n.get_deref(b"Dests", &doc)) {
            let mut stack = vec![tree];
            let mut seen = 0;
            while let Some(node) = stack.pop() {
                seen += 1;
                if seen > 100_000 {
                    break;
                }
                let Ok(node) = node.as_dict() else { continue };
                if let Ok(kids) = node.get_deref(b"Kids", &doc).and_then(|o| o.as_array()) {
                    stack.extend(kids.iter().filter_map(|k| doc.dereference(k).ok().map(|(_, o)| o)));
                }
                if let Ok(names) = node.get_deref(b"Names", &doc).and_then(|o| o.as_array()) {
                    for pair in names.chunks(2) {
                        if let [name, dest] = pair {
                            if let Ok(name) = doc.dereference(name).and_then(|(_, o)| o.as_str()) {
                                add(name, dest);
                            }
                        }
                    }
                }
            }
        }
        Ok(layout)
    }
}

/// The page a destination points to: `[page /XYZ …]` or `<< /D [page …] >>`.
fn destination_page(doc: &lopdf::Document, dest: &lopdf::Object, page_of: &BTreeMap<lopdf::ObjectId, u32>) -> Option<u32> {
    let (_, dest) = doc.dereference(dest).ok()?;
    let array = match dest {
        lopdf::Object::Array(a) => a,
        lopdf::Object::Dictionary(d) => doc.dereference(d.get(b"D").ok()?).ok()?.1.as_array().ok()?,
        _ => return None,
    };
    let page = array.first()?.as_reference().ok()?;
    page_of.get(&page).copied()
}

/// A headless browser spoken to over the DevTools pipe.
struct Browser {
    child: Child,
    commands: std::io::PipeWriter,
    replies: Receiver<Value>,
    /// Events received while waiting for a reply, for a later wait.
    events: Vec<Value>,
    next_id: u64,
}

impl Browser {
    fn launch(program: &Path, profile: &Path) -> Result<Browser, PdfError> {
        let failed = |e: std::io::Error| PdfError::Failed(format!("cannot start {}: {e}", program.display()));
        let (browser_reads, commands) = std::io::pipe().map_err(failed)?;
        let (replies_in, browser_writes) = std::io::pipe().map_err(failed)?;
        let mut cmd = Command::new(program);
        cmd.args([
            "--headless",
            "--remote-debugging-pipe",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-sync",
            "--disable-background-networking",
            "--disable-component-update",
            "--mute-audio",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        if is_root() {
            // Chromium refuses to start its sandbox as root (containers, CI).
            cmd.arg("--no-sandbox");
        }
        attach_pipe(&mut cmd, &browser_reads, &browser_writes);
        let child = cmd.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                PdfError::NoBrowser(format!("cannot run {}: {e}; {INSTALL_HINT}", program.display()))
            }
            _ => failed(e),
        })?;
        // The browser holds its own ends now; ours must close so its exit ends our reads.
        drop(browser_reads);
        drop(browser_writes);
        let (tx, replies) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(replies_in);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match reader.read_until(0, &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if buf.last() == Some(&0) {
                            buf.pop();
                        }
                        if let Ok(v) = serde_json::from_slice::<Value>(&buf) {
                            if tx.send(v).is_err() {
                                break;
                            }
                        }
                    }
                }
            }
        });
        Ok(Browser { child, commands, replies, events: Vec::new(), next_id: 0 })
    }

    /// Sends a command (to the browser, or to a page's `session`) and waits for its reply.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value, PdfError> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).map_err(|e| PdfError::Failed(e.to_string()))?;
        bytes.push(0);
        self.commands.write_all(&bytes).map_err(|e| PdfError::Failed(format!("the browser closed its DevTools pipe ({method}): {e}")))?;
        let deadline = Instant::now() + REPLY_TIMEOUT;
        loop {
            let msg = self.receive(deadline, method)?;
            if msg.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(err) = msg.get("error") {
                    return Err(PdfError::Failed(format!("the browser refused {method}: {err}")));
                }
                return Ok(msg.get("result").cloned().unwrap_or(Value::Null));
            }
            if msg.get("method").is_some() {
                self.events.push(msg);
            }
        }
    }

    fn receive(&mut self, deadline: Instant, waiting_for: &str) -> Result<Value, PdfError> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.replies.recv_timeout(left) {
            Ok(v) => Ok(v),
            Err(RecvTimeoutError::Timeout) => {
                Err(PdfError::Failed(format!("the browser did not answer {waiting_for} in {}s", REPLY_TIMEOUT.as_secs())))
            }
            Err(RecvTimeoutError::Disconnected) => Err(PdfError::Failed(format!("the browser exited while waiting for {waiting_for}"))),
        }
    }

    /// Waits for the event `method` of `session`.
    fn wait_event(&mut self, session: &str, method: &str) -> Result<Value, PdfError> {
        let matches = |m: &Value| {
            m.get("method").and_then(Value::as_str) == Some(method) && m.get("sessionId").and_then(Value::as_str) == Some(session)
        };
        if let Some(i) = self.events.iter().position(matches) {
            return Ok(self.events.remove(i));
        }
        let deadline = Instant::now() + REPLY_TIMEOUT;
        loop {
            let msg = self.receive(deadline, method)?;
            if matches(&msg) {
                return Ok(msg);
            }
        }
    }

    /// Opens `url` in a new page and waits until it has loaded; returns the page's session.
    fn open(&mut self, url: &str) -> Result<String, PdfError> {
        let target = self.call(None, "Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target.get("targetId").and_then(Value::as_str).unwrap_or_default().to_string();
        let attached = self.call(None, "Target.attachToTarget", json!({ "targetId": target_id, "flatten": true }))?;
        let session = attached
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| PdfError::Failed("the browser gave no DevTools session for the page".into()))?
            .to_string();
        self.call(Some(&session), "Page.enable", json!({}))?;
        let nav = self.call(Some(&session), "Page.navigate", json!({ "url": url }))?;
        if let Some(err) = nav.get("errorText").and_then(Value::as_str) {
            return Err(PdfError::Failed(format!("the browser cannot open {url}: {err}")));
        }
        self.wait_event(&session, "Page.loadEventFired")?;
        // Web fonts and images may still be arriving after the load event.
        self.evaluate(&session, "document.fonts.ready.then(() => true)")?;
        Ok(session)
    }

    fn evaluate(&mut self, session: &str, expression: &str) -> Result<Value, PdfError> {
        let r =
            self.call(Some(session), "Runtime.evaluate", json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }))?;
        if let Some(ex) = r.get("exceptionDetails") {
            return Err(PdfError::Failed(format!("script failed in the page: {ex}")));
        }
        Ok(r.get("result").and_then(|v| v.get("value")).cloned().unwrap_or(Value::Null))
    }

    /// The page as PDF: paper size and margins from the page's CSS (`@page`), the running
    /// header and footer from its margin boxes, an outline from its headings, tagged.
    fn print_to_pdf(&mut self, session: &str) -> Result<Vec<u8>, PdfError> {
        use base64::Engine as _;
        let r = self.call(
            Some(session),
            "Page.printToPDF",
            json!({
                "preferCSSPageSize": true,
                "printBackground": true,
                "displayHeaderFooter": false,
                "generateDocumentOutline": true,
                "generateTaggedPDF": true,
            }),
        )?;
        let data = r.get("data").and_then(Value::as_str).ok_or_else(|| PdfError::Failed("the browser returned no PDF".into()))?;
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| PdfError::Failed(format!("the browser's PDF is not base64: {e}")))
    }

    /// Asks the browser to quit, and makes sure it has.
    fn close(&mut self) {
        self.next_id += 1;
        let msg = json!({ "id": self.next_id, "method": "Browser.close", "params": {} });
        if let Ok(mut bytes) = serde_json::to_vec(&msg) {
            bytes.push(0);
            let _ = self.commands.write_all(&bytes);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(not(unix))]
fn is_root() -> bool {
    false
}

/// Gives the browser the pipe ends as its fds 3 (commands in) and 4 (replies out), which is
/// where `--remote-debugging-pipe` expects them.
#[cfg(unix)]
fn attach_pipe(cmd: &mut Command, browser_reads: &std::io::PipeReader, browser_writes: &std::io::PipeWriter) {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let (r, w) = (browser_reads.as_raw_fd(), browser_writes.as_raw_fd());
    // SAFETY: between fork and exec only async-signal-safe calls (fcntl, dup2) are made, on
    // descriptors that are open in the child. Both ends are first copied above 10 so that
    // placing one on 3 or 4 cannot overwrite the other; dup2 clears close-on-exec.
    unsafe {
        cmd.pre_exec(move || {
            let r_high = libc::fcntl(r, libc::F_DUPFD, 10);
            let w_high = libc::fcntl(w, libc::F_DUPFD, 10);
            if r_high < 0 || w_high < 0 || libc::dup2(r_high, 3) < 0 || libc::dup2(w_high, 4) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::close(r_high);
            libc::close(w_high);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn attach_pipe(_: &mut Command, _: &std::io::PipeReader, _: &std::io::PipeWriter) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_encode_what_a_url_cannot_hold() {
        assert_eq!(file_url(Path::new("/tmp/a b/#x/é.html")), "file:///tmp/a%20b/%23x/%C3%A9.html");
    }

    #[test]
    fn a_pdf_that_is_not_one_is_an_error_not_a_panic() {
        assert!(matches!(PdfLayout::read(b"not a pdf"), Err(PdfError::Failed(_))));
    }
}
