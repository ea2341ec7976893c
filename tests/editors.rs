//! Editors: the JSON Schemas `aimsbook schema` writes, applied by the real yaml-language-server
//! (the npm package, driven over stdio with LSP JSON-RPC) exactly as the README sets it up —
//! the `yaml.schemas` mapping and the modeline. Clean data files get no diagnostics; a broken
//! row gets the expected message at the expected line. The front-matter schema is applied as
//! is to every example document's front matter.

mod common;

use common::clients;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The yaml-language-server entry point, when installed (and node with it).
fn server() -> Option<PathBuf> {
    let bin = clients::npm_file("yaml-language-server", "bin/yaml-language-server")?;
    clients::program("node", "apt-get install nodejs").then_some(bin)
}

fn file_uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// One LSP session with yaml-language-server over stdio.
struct Lsp {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
    /// Settings answered to `workspace/configuration` for the `yaml` section.
    yaml_settings: Value,
    /// Latest diagnostics published per document URI.
    diagnostics: BTreeMap<String, Vec<Value>>,
}

impl Lsp {
    fn start(server: &Path, root: &Path, yaml_settings: Value) -> Lsp {
        let mut child = Command::new("node")
            .arg(server)
            .arg("--stdio")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs yaml-language-server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length:") {
                        length = n.trim().parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).expect("server sends JSON")).is_err() {
                    return;
                }
            }
        });
        let mut lsp = Lsp { child, stdin, messages: rx, next_id: 1, yaml_settings, diagnostics: BTreeMap::new() };
        let uri = file_uri(root);
        let id = lsp.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "repo"}],
                "capabilities": {
                    "workspace": {"configuration": true, "didChangeConfiguration": {"dynamicRegistration": true}, "workspaceFolders": true},
                    "textDocument": {"publishDiagnostics": {}, "synchronization": {}}
                }
            }),
        );
        lsp.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none(), "the initialize response");
        lsp.notify("initialized", json!({}));
        // The server pulls `yaml.*` through workspace/configuration when told settings changed.
        lsp.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
        lsp
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Answers the server's requests and records published diagnostics.
    fn handle(&mut self, m: &Value) {
        // LSP_DEBUG=1 prints every message from the server (for a failing editor test).
        if std::env::var("LSP_DEBUG").is_ok() {
            eprintln!("<< {}", m.to_string().chars().take(400).collect::<String>());
        }
        let method = m.get("method").and_then(Value::as_str);
        if let (Some(method), Some(id)) = (method, m.get("id")) {
            let result = match method {
                "workspace/configuration" => {
                    let items = m["params"]["items"].as_array().cloned().unwrap_or_default();
                    Value::Array(
                        items
                            .iter()
                            .map(|item| match item["section"].as_str() {
                                Some("yaml") => self.yaml_settings.clone(),
                                _ => Value::Null,
                            })
                            .collect(),
                    )
                }
                _ => Value::Null,
            };
            let id = id.clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": result}));
        } else if method == Some("textDocument/publishDiagnostics") {
            let uri = m["params"]["uri"].as_str().unwrap().to_string();
            self.diagnostics.insert(uri, m["params"]["diagnostics"].as_array().cloned().unwrap_or_default());
        }
    }

    fn wait_for(&mut self, done: impl Fn(&Value) -> bool, what: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) => {
                    self.handle(&m);
                    if done(&m) {
                        return m;
                    }
                }
                Err(_) => panic!("yaml-language-server: no {what} within 60 s"),
            }
        }
    }

    /// Opens (or, for a URI already open, replaces the text of) documents and returns the
    /// diagnostics the server settles on for each: it publishes after loading the schema, so
    /// wait until every document has been published and the server has been quiet a while.
    fn diagnose(&mut self, docs: &[(String, String)], version: u32) -> BTreeMap<String, Vec<Value>> {
        for (uri, _) in docs {
            self.diagnostics.remove(uri);
        }
        for (uri, text) in docs {
            if version == 1 {
                self.notify(
                    "textDocument/didOpen",
                    json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
                );
            } else {
                self.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
                );
            }
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let all_published = docs.iter().all(|(uri, _)| self.diagnostics.contains_key(uri));
            let wait = if all_published { Duration::from_millis(1500) } else { deadline.saturating_duration_since(Instant::now()) };
            match self.messages.recv_timeout(wait) {
                Ok(m) => self.handle(&m),
                Err(RecvTimeoutError::Timeout) if all_published => break,
                Err(e) => panic!("yaml-language-server published no diagnostics for every document within 60 s ({e})"),
            }
        }
        docs.iter().map(|(uri, _)| (uri.clone(), self.diagnostics[uri].clone())).collect()
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A repository with the example's data files and the schemas `aimsbook schema` writes.
fn data_files_repo() -> (tempfile::TempDir, PathBuf) {
    // No dot in the path: yaml-language-server's file globs (picomatch) do not match through a
    // hidden folder such as tempfile's default `.tmpXXXX`.
    let tmp = tempfile::Builder::new().prefix("aimsbook-editors-").tempdir().unwrap();
    let repo = tmp.path().join("repo");
    common::copy_dir(&common::crate_root().join("content/data"), &repo.join("content/data"));
    let out = common::run(&["schema", "--root", repo.to_str().unwrap()]);
    assert_eq!(common::code(&out), 0, "{}", common::stderr(&out));
    (tmp, repo)
}

/// The example's data files and the register schema each follows (as listed in the README).
const DATA_FILES: [(&str, &str); 5] = [
    ("ai-systems.yaml", "systems"),
    ("risks.yaml", "risks"),
    ("nonconformities.yaml", "entries"),
    ("training.yaml", "records"),
    ("soa.yaml", "controls"),
];

/// A short list of (line, message) for assertion messages; lines 1-based like an editor shows.
fn summary(diags: &[Value]) -> Vec<(u64, String)> {
    diags.iter().map(|d| (d["range"]["start"]["line"].as_u64().unwrap() + 1, d["message"].as_str().unwrap().to_string())).collect()
}

/// The risk register with two faults a user makes: a likelihood written as a word, and an impact
/// beyond the 1–5 scale. (Status words are the organisation's own, declared under `x-aimsbook`
/// and checked by aimsbook as REG005, so an editor does not restrict them.) Returns the text and the 1-based lines of the two faults.
fn broken_risks(text: &str) -> (String, usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let likelihood = lines.iter().position(|l| l.trim() == "likelihood: 4").expect("a likelihood: 4 row") + 1;
    let status = lines.iter().enumerate().skip(likelihood).find(|(_, l)| l.trim().starts_with("impact:")).unwrap().0 + 1;
    let broken: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == likelihood {
                l.replace("likelihood: 4", "likelihood: high")
            } else if i + 1 == status {
                format!("{}impact: 9", &l[..l.len() - l.trim_start().len()])
            } else {
                l.to_string()
            }
        })
        .collect();
    (broken.join("\n") + "\n", likelihood, status)
}

fn assert_broken_risks_flagged(diags: &[Value], likelihood: usize, status: usize) {
    let found = summary(diags);
    assert_eq!(found.len(), 2, "exactly the two faults: {found:?}");
    assert_eq!(found[0].0 as usize, likelihood, "{found:?}");
    assert!(found[0].1.contains("Incorrect type") && found[0].1.contains("integer"), "{found:?}");
    assert_eq!(found[1].0 as usize, status, "{found:?}");
    assert!(found[1].1.contains("maximum") && found[1].1.contains('5'), "{found:?}");
}

#[test]
fn yaml_schemas_setting_from_the_readme_validates_the_example_data_files() {
    let Some(server) = server() else { return };
    let (_tmp, repo) = data_files_repo();
    // The README's `yaml.schemas` mapping, paths relative to the workspace folder.
    let mut schemas = serde_json::Map::new();
    for (file, schema) in DATA_FILES {
        schemas.insert(format!("./schemas/registers/{schema}.schema.json"), json!(format!("content/data/{file}")));
    }
    let mut lsp = Lsp::start(&server, &repo, json!({"validate": true, "schemas": schemas, "schemaStore": {"enable": false}}));
    let docs: Vec<(String, String)> = DATA_FILES
        .iter()
        .map(|(file, _)| {
            let path = repo.join("content/data").join(file);
            (file_uri(&path), std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    let clean = lsp.diagnose(&docs, 1);
    for (uri, diags) in &clean {
        assert!(diags.is_empty(), "{uri}: {:?}", summary(diags));
    }
    // The same session, the risk register edited into two faults: the schema was applied.
    let risks_uri = file_uri(&repo.join("content/data/risks.yaml"));
    let risks_text = &docs.iter().find(|(u, _)| *u == risks_uri).unwrap().1;
    let (broken, likelihood, status) = broken_risks(risks_text);
    let diags = lsp.diagnose(&[(risks_uri.clone(), broken)], 2);
    assert_broken_risks_flagged(&diags[&risks_uri], likelihood, status);
}

#[test]
fn modeline_from_the_readme_validates_the_example_data_files() {
    let Some(server) = server() else { return };
    let (_tmp, repo) = data_files_repo();
    let mut lsp = Lsp::start(&server, &repo, json!({"validate": true, "schemaStore": {"enable": false}}));
    let with_modeline = |file: &str, schema: &str| {
        let path = repo.join("content/data").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        (file_uri(&path), format!("# yaml-language-server: $schema=../../schemas/registers/{schema}.schema.json\n{text}"))
    };
    let docs: Vec<(String, String)> = DATA_FILES.iter().map(|(f, s)| with_modeline(f, s)).collect();
    for (uri, diags) in lsp.diagnose(&docs, 1) {
        assert!(diags.is_empty(), "{uri}: {:?}", summary(&diags));
    }
    let (risks_uri, risks_text) = with_modeline("risks.yaml", "risks");
    let (broken, likelihood, status) = broken_risks(&risks_text);
    let diags = lsp.diagnose(&[(risks_uri.clone(), broken)], 2);
    assert_broken_risks_flagged(&diags[&risks_uri], likelihood, status);

    // A SoA row whose applicability is a word instead of true/false, and a meta without its
    // document. (Extra columns such as `notes` are allowed: registers are open world.)
    let (soa_uri, soa_text) = with_modeline("soa.yaml", "controls");
    let soa_lines: Vec<&str> = soa_text.lines().collect();
    let applicable = soa_lines.iter().position(|l| l.trim_start().starts_with("applicable: true")).unwrap();
    let document = soa_lines.iter().position(|l| l.trim_start().starts_with("document:")).unwrap();
    let broken: Vec<String> = soa_lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == applicable {
                l.replace("applicable: true", "applicable: perhaps")
            } else if i == document {
                l.replace("document:", "owner:")
            } else {
                l.to_string()
            }
        })
        .collect();
    let diags = lsp.diagnose(&[(soa_uri.clone(), broken.join("\n"))], 2);
    let found = summary(&diags[&soa_uri]);
    assert!(found.iter().any(|(l, m)| *l as usize == applicable + 1 && m.contains("Incorrect type") && m.contains("boolean")), "{found:?}");
    assert!(found.iter().any(|(_, m)| m.contains("Missing property \"document\"")), "{found:?}");
}

#[test]
fn another_organisations_register_with_its_own_list_key_uses_the_same_schema() {
    let Some(server) = server() else { return };
    let (_tmp, repo) = data_files_repo();
    // Different folders, id scheme and list key (`meta.schema` names the schema): the file
    // schema takes the rows under whatever key holds them.
    let path = repo.join("aims/registers/hazards.yaml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = "# yaml-language-server: $schema=../../schemas/registers/risks.schema.json\n\
                meta:\n  document: HZ-REG\n  schema: risks\n\
                hazard_log:\n  - id: HZ.17\n    title: Chatbot invents a refund policy\n    likelihood: 2\n    impact: 5\n    \
                treatment: avoid\n    owner: Service desk lead\n    status: open\n  - id: HZ.18\n    title: Model drift\n    \
                likelihood: 6\n    impact: 2\n    treatment: accept\n    owner: Data team\n    status: closed\n";
    std::fs::write(&path, text).unwrap();
    let mut lsp = Lsp::start(&server, &repo, json!({"validate": true, "schemaStore": {"enable": false}}));
    let uri = file_uri(&path);
    let diags = lsp.diagnose(&[(uri.clone(), text.to_string())], 1);
    let found = summary(&diags[&uri]);
    // Only HZ.18's likelihood of 6 (line 15) is wrong.
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 15, "{found:?}");
    assert!(found[0].1.contains("5"), "{found:?}");

    // aimsbook reads the same file with the same row definition: one source of truth.
    let schemas = aimsbook::parse::schemas::Schemas::load(&repo).unwrap();
    let row = json!({"id": "HZ.18", "title": "Model drift", "likelihood": 6, "impact": 2, "treatment": "accept", "owner": "Data team", "status": "closed"});
    let errors: Vec<String> = schemas.registers["risks"].iter_errors(&row).map(|e| e.instance_path().as_str().to_string()).collect();
    assert_eq!(errors, vec!["/likelihood"]);
}

/// The front matter of a Markdown file (the text between the `---` fences), or None.
fn front_matter(text: &str) -> Option<String> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---")?;
    Some(rest[..end + 1].to_string())
}

#[test]
fn front_matter_schema_applies_as_is_to_every_example_document() {
    let Some(server) = server() else { return };
    let (_tmp, repo) = data_files_repo();
    // Each document's front matter as its own YAML file, with a modeline to the schema.
    let content = common::crate_root().join("content");
    let mut docs = Vec::new();
    for entry in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Some(yaml) = front_matter(&std::fs::read_to_string(entry.path()).unwrap()) else { continue };
        let rel = entry.path().strip_prefix(&content).unwrap().with_extension("yaml");
        let path = repo.join("front-matter").join(rel.to_string_lossy().replace('/', "__"));
        docs.push((file_uri(&path), format!("# yaml-language-server: $schema=../schemas/document.schema.json\n{yaml}")));
    }
    assert!(docs.len() > 40, "the example's documents: {}", docs.len());
    let mut lsp = Lsp::start(&server, &repo, json!({"validate": true, "schemaStore": {"enable": false}}));
    for (uri, diags) in lsp.diagnose(&docs, 1) {
        assert!(diags.is_empty(), "{uri}: {:?}", summary(&diags));
    }
    // A wrong status and an unknown field, at their lines (modeline is line 1).
    let (uri, text) = docs[0].clone();
    let lines: Vec<&str> = text.lines().collect();
    let status = lines.iter().position(|l| l.starts_with("status:")).unwrap();
    let broken: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| if i == status { "status: published\nreviewer: Someone".to_string() } else { l.to_string() })
        .collect();
    let diags = lsp.diagnose(&[(uri.clone(), broken.join("\n"))], 2);
    let found = summary(&diags[&uri]);
    assert!(found.iter().any(|(l, m)| *l as usize == status + 1 && m.contains("Value is not accepted")), "{found:?}");
    assert!(found.iter().any(|(l, m)| *l as usize == status + 2 && m.contains("reviewer") && m.contains("not allowed")), "{found:?}");
}
