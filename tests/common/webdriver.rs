//! A minimal W3C WebDriver client for the integration tests: starts `chromedriver` on a free
//! port, opens one headless Chromium session with a fresh profile, and talks to it over the
//! WebDriver HTTP API with ureq. Every request and every wait is bounded; dropping the `Driver`
//! ends the session and kills chromedriver (so a failing assertion never leaves a browser behind).

#![allow(dead_code)]

pub use super::clients::{CHROMEDRIVER, CHROMIUM};
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Longest single HTTP exchange with chromedriver (session creation starts the browser).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest wait for chromedriver to answer /status after it was started.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(15);

/// Why the browser cannot be used: missing binaries are reported separately so a test can skip.
#[derive(Debug)]
pub enum StartError {
    Missing(String),
    Failed(String),
}

pub struct Driver {
    child: Child,
    base: String,
    agent: ureq::Agent,
    session: Option<String>,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    l.local_addr().unwrap().port()
}

/// Ids of the rendered search results, once the list is no longer loading (`[]` meanwhile).
pub const SEARCH_RESULT_IDS: &str = "var l = document.getElementById('search-results'); if (l.getAttribute('aria-busy')) return []; \
    return Array.from(l.querySelectorAll('.search-result .result-id')).map(function (e) { return e.textContent; });";

/// The strings of a JSON array a script returned (nothing for anything else).
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect()).unwrap_or_default()
}

/// A started browser for a test that has already passed `clients::browser()`: a failure to
/// start is a test failure.
pub fn browser() -> Driver {
    match Driver::start() {
        Ok(d) => d,
        Err(StartError::Missing(why)) => panic!("the browser test needs Chromium and chromedriver ({why})"),
        Err(StartError::Failed(why)) => panic!("cannot start headless Chromium through chromedriver: {why}"),
    }
}

/// `file://` URL of a file on disk (canonicalized).
pub fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap_or_else(|e| panic!("{}: {e}", path.display())).display())
}

impl Driver {
    /// Starts chromedriver and a headless Chromium session.
    pub fn start() -> Result<Driver, StartError> {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(bin).exists() {
                return Err(StartError::Missing(format!("{bin} is not installed")));
            }
        }
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            // Its own process group, so Drop can end chromedriver and Chromium together.
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| StartError::Failed(format!("cannot start {CHROMEDRIVER}: {e}")))?;
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .proxy(None)
                .max_redirects(0)
                .timeout_global(Some(REQUEST_TIMEOUT))
                .build(),
        );
        let profile = tempfile::tempdir().map_err(|e| StartError::Failed(e.to_string()))?;
        let mut d = Driver { child, base: format!("http://127.0.0.1:{port}"), agent, session: None, _profile: profile };

        // Wait (bounded) until chromedriver answers.
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = d.child.try_wait() {
                return Err(StartError::Failed(format!("chromedriver exited at start-up with {status}")));
            }
            let ready = d
                .agent
                .get(format!("{}/status", d.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .is_some_and(|v| v["value"]["ready"].as_bool() == Some(true));
            if ready {
                break;
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                return Err(StartError::Failed(format!("chromedriver did not become ready on port {port} within {STARTUP_TIMEOUT:?}")));
            }
            std::thread::sleep(Duration::from_millis(50));
        }

        let profile_dir = d._profile.path().to_string_lossy().into_owned();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--allow-file-access-from-files", format!("--user-data-dir={profile_dir}")
                ]
            }
        }}});
        let v = d.request("POST", "/session", Some(caps)).map_err(StartError::Failed)?;
        let id =
            v["sessionId"].as_str().ok_or_else(|| StartError::Failed(format!("POST /session returned no sessionId: {v}")))?.to_string();
        d.session = Some(id);
        // Bound page loads and scripts inside the browser as well.
        d.cmd("POST", "timeouts", Some(json!({"pageLoad": 15000, "script": 10000, "implicit": 0}))).map_err(StartError::Failed)?;
        Ok(d)
    }

    /// One WebDriver request; returns the `value` member, or an error naming the WebDriver error.
    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let result = match (method, body) {
            ("POST", body) => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json; charset=utf-8")
                .send(body.unwrap_or_else(|| json!({})).to_string()),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, _) => self.agent.get(&url).call(),
        };
        let mut resp = result.map_err(|e| format!("{method} {path}: {e}"))?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().map_err(|e| format!("{method} {path}: reading the answer: {e}"))?;
        let v: Value = serde_json::from_str(&text).map_err(|e| format!("{method} {path}: answer is not JSON ({e}): {text}"))?;
        if status >= 400 || v["value"]["error"].is_string() {
            return Err(format!(
                "{method} {path}: HTTP {status}: {} {}",
                v["value"]["error"].as_str().unwrap_or(""),
                v["value"]["message"].as_str().unwrap_or("")
            ));
        }
        Ok(v["value"].clone())
    }

    /// A request on the current session: `cmd("POST", "url", ...)` → POST /session/ID/url.
    fn cmd(&self, method: &str, what: &str, body: Option<Value>) -> Result<Value, String> {
        let id = self.session.as_deref().ok_or("no session")?;
        self.request(method, &format!("/session/{id}/{what}"), body)
    }

    /// Navigates and waits (bounded by the pageLoad timeout) for the page to load.
    pub fn goto(&self, url: &str) {
        self.cmd("POST", "url", Some(json!({ "url": url }))).unwrap_or_else(|e| panic!("navigate to {url}: {e}"));
    }

    pub fn current_url(&self) -> String {
        self.cmd("GET", "url", None).unwrap_or_else(|e| panic!("get url: {e}")).as_str().unwrap_or("").to_string()
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.try_execute(script, args).unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// As [`Driver::execute`], with the WebDriver error (e.g. during a page reload) returned.
    pub fn try_execute(&self, script: &str, args: Value) -> Result<Value, String> {
        self.cmd("POST", "execute/sync", Some(json!({ "script": script, "args": args })))
    }

    /// Re-runs `script` until `accept` takes its value, for at most `timeout`; errors meanwhile
    /// (a page being reloaded) count as "not yet". Panics naming `what` on time-out.
    pub fn poll(&self, what: &str, script: &str, timeout: Duration, accept: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + timeout;
        let mut last = Err("never ran".to_string());
        while Instant::now() < deadline {
            last = self.try_execute(script, json!([]));
            if let Ok(v) = &last {
                if accept(v) {
                    return v.clone();
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("timed out after {timeout:?} waiting for {what}; last result: {last:?}");
    }

    /// Re-runs `script` until it returns something truthy (not null/false/""/[]/0), for at most
    /// `timeout`; returns the last value either way.
    pub fn wait_for(&self, script: &str, timeout: Duration) -> Value {
        let started = Instant::now();
        loop {
            let v = self.execute(script, json!([]));
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::Object(_) => true,
            };
            if truthy || started.elapsed() > timeout {
                return v;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(id) = self.session.take() {
            let _ = self.request("DELETE", &format!("/session/{id}"), None);
        }
        // If the session could not be closed (a hung page, a dead driver), Chromium would outlive
        // chromedriver: end the process group chromedriver leads (it and the Chromium it
        // started), by its id.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Window size, keyboard and DevTools commands (the accessibility and
/// layout tests).
impl Driver {
    /// Sizes the window so that the page's viewport (`window.innerWidth`) is exactly `width`
    /// CSS pixels: the window's outer width includes the browser's frame, so it is set once,
    /// measured, and corrected. Returns the resulting `innerWidth`.
    pub fn set_viewport_width(&self, width: u32, height: u32) -> u64 {
        let rect = |w: u32| {
            self.cmd("POST", "window/rect", Some(json!({ "width": w, "height": height })))
                .unwrap_or_else(|e| panic!("set window size {w}x{height}: {e}"));
        };
        rect(width);
        let inner = self.execute("return window.innerWidth;", json!([])).as_u64().unwrap_or(0);
        if inner != u64::from(width) {
            rect((2 * u64::from(width)).saturating_sub(inner) as u32);
        }
        self.execute("return window.innerWidth;", json!([])).as_u64().unwrap_or(0)
    }

    /// Presses and releases one key (a WebDriver key value such as `\u{E004}` for Tab).
    pub fn press(&self, key: &str) {
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}
        ]}]});
        self.cmd("POST", "actions", Some(actions)).unwrap_or_else(|e| panic!("press {key:?}: {e}"));
    }

    /// As [`Driver::execute`], retried while the browser answers with a timeout (a large page
    /// on a loaded machine can keep the renderer busy past chromedriver's limits), for at most
    /// `timeout`. The script must be safe to run twice.
    pub fn execute_patiently(&self, script: &str, args: Value, timeout: Duration) -> Value {
        let started = Instant::now();
        loop {
            match self.cmd("POST", "execute/sync", Some(json!({ "script": script, "args": args.clone() }))) {
                Ok(v) => return v,
                Err(e) if e.contains("timeout") && started.elapsed() < timeout => std::thread::sleep(Duration::from_millis(200)),
                Err(e) => panic!("script failed: {e}\n{}", &script[..script.len().min(300)]),
            }
        }
    }

    /// Re-runs `script` until it returns a JSON object, for at most `timeout`, tolerating script
    /// timeouts meanwhile: for results a page computes in the background (axe-core on a large
    /// page keeps the page busy for longer than one script may run).
    pub fn poll_object(&self, script: &str, timeout: Duration) -> Value {
        let started = Instant::now();
        loop {
            match self.cmd("POST", "execute/sync", Some(json!({ "script": script, "args": [] }))) {
                Ok(v) if v.is_object() => return v,
                Ok(_) => {}
                Err(e) if e.contains("timeout") => {}
                Err(e) => panic!("script failed: {e}\n{script}"),
            }
            if started.elapsed() > timeout {
                return Value::Null;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A Chrome DevTools Protocol command through chromedriver (`goog/cdp/execute`), e.g.
    /// `Emulation.setEmulatedMedia`.
    pub fn cdp(&self, command: &str, params: Value) -> Value {
        self.cmd("POST", "goog/cdp/execute", Some(json!({ "cmd": command, "params": params })))
            .unwrap_or_else(|e| panic!("CDP {command}: {e}"))
    }
}
