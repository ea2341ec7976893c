//! Starting `aimsbook serve` from a test: the child is killed when the handle drops, its
//! stderr is collected, and the port is read from the `serving … on http://127.0.0.1:PORT/`
//! line.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// Kills the child process when dropped, so a failing assertion never leaks a server.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A started server: the child, its port and everything it printed on stderr so far.
pub struct Started {
    pub child: KillOnDrop,
    pub port: u16,
    pub log: Arc<Mutex<String>>,
}

/// Starts `aimsbook serve --root ROOT --port 0 --today TODAY EXTRA…` and waits (at most
/// `wait`) for it to announce its address.
pub fn start(root: &Path, extra: &[&str], wait: Duration) -> Started {
    let child = Command::new(env!("CARGO_BIN_EXE_aimsbook"))
        .args(["serve", "--root", root.to_str().unwrap(), "--port", "0", "--today", super::TODAY])
        .args(extra)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("aimsbook serve starts");
    let mut child = KillOnDrop(child);
    let stderr = child.0.stderr.take().unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = mpsc::channel();
    {
        let log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.strip_prefix("serving ").and_then(|l| l.split("http://127.0.0.1:").nth(1)) {
                    if let Ok(port) = rest.split('/').next().unwrap_or("").parse::<u16>() {
                        let _ = tx.send(port);
                    }
                }
                let mut l = log.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
    }
    let port = match rx.recv_timeout(wait) {
        Ok(p) => p,
        Err(_) => {
            let status = child.0.try_wait().ok().flatten();
            panic!(
                "serve printed no `serving … on http://127.0.0.1:PORT/` line within {wait:?} (exit: {status:?}); stderr:\n{}",
                log.lock().unwrap()
            )
        }
    };
    Started { child, port, log }
}
