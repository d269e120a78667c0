//! Drives `gouji lsp` over stdio as an editor would. Every wait has a
//! deadline: a misbehaving server fails the test instead of hanging it.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

const REPORT: &str = "一、收入支出情况\n本年支出合计308.97万元，其中：基本支出242.27万元，占比79.41%；项目支出66.70万元，占比21.59%。\n";

const RULES: &str = r#"
[[rule]]
id = "lsp-test-share"
kind = "share"
severity = "error"
message = "{label}占比 {stated} 与复算的 {computed} 不符（{label} ÷ {total}）"

[[rule]]
id = "lsp-test-forbid"
kind = "forbid"
severity = "warning"
message = "不应出现 {found}"
pattern = "79\\.41%"
"#;

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Everything received, for failure messages.
    seen: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        Client::start_with(&[])
    }

    fn start_with(args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gouji"))
            .arg("lsp")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start gouji lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    match r.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length:") {
                        length = v.trim().parse::<usize>().ok();
                    }
                }
                let Some(n) = length else { return };
                let mut body = vec![0; n];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("server sent invalid JSON");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 1,
            seen: Vec::new(),
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message matching `pred`; others are skipped (and kept).
    fn wait_for(&mut self, what: &str, mut pred: impl FnMut(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(v) => {
                    self.seen.push(v.clone());
                    if pred(&v) {
                        return v;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting for {what}; received: {:#?}", self.seen)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "server closed its output while waiting for {what}; received: {:#?}",
                        self.seen
                    )
                }
            }
        }
    }

    fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), |v| {
            v["id"] == json!(id) && v.get("method").is_none()
        })
    }

    fn diagnostics_for(&mut self, uri: &str) -> Value {
        self.wait_for(&format!("diagnostics for {uri}"), |v| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
        })["params"]
            .clone()
    }

    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn initialize(&mut self, root: &Path) -> Value {
        let id = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri_of(root),
                "capabilities": {
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                    "textDocument": {"publishDiagnostics": {"relatedInformation": true}}
                }
            }),
        );
        let init = self.response(id);
        self.notify("initialized", json!({}));
        init
    }

    fn shutdown_and_exit(&mut self) {
        let id = self.request("shutdown", Value::Null);
        let r = self.response(id);
        assert_eq!(r["result"], Value::Null, "{r}");
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let status = self.wait_exit();
        assert_eq!(status.code(), Some(0), "exit status after shutdown + exit");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri_of(p: &Path) -> String {
    format!("file://{}", p.display())
}

fn workspace() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(
        root.join("gouji.toml"),
        "no_default_rules = true\npacks = [\"rules\"]\n",
    )
    .unwrap();
    std::fs::create_dir(root.join("rules")).unwrap();
    let rules = root.join("rules/lsp-test.toml");
    std::fs::write(&rules, RULES).unwrap();
    let report = root.join("report.txt");
    std::fs::write(&report, REPORT).unwrap();
    (dir, root, report)
}

/// UTF-16 column of the first `needle` on the 0-based `line` of `text`.
fn col16(text: &str, line: usize, needle: &str) -> u64 {
    let l = text.lines().nth(line).unwrap();
    let i = l.find(needle).unwrap();
    l[..i].encode_utf16().count() as u64
}

fn range(line: u64, c0: u64, c1: u64) -> Value {
    json!({"start": {"line": line, "character": c0}, "end": {"line": line, "character": c1}})
}

fn with_code<'a>(diags: &'a Value, code: &str) -> Vec<&'a Value> {
    diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

#[test]
fn editor_session_diagnostics_debounce_hover_shutdown() {
    let (_dir, root, report) = workspace();
    let uri = uri_of(&report);
    // A long pause (the default is 50 ms) so that the two quick edits below
    // certainly fall inside it, even on a loaded machine.
    let mut c = Client::start_with(&["--debounce-ms", "300"]);

    let init = c.initialize(&root);
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["hoverProvider"], true, "{init}");
    assert_eq!(init["result"]["serverInfo"]["name"], "gouji");

    // The server asks to watch the config and rule files.
    let reg = c.wait_for("client/registerCapability", |v| {
        v["method"] == "client/registerCapability"
    });
    let globs: Vec<&str> = reg["params"]["registrations"][0]["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(globs, ["**/gouji.toml", "**/*.toml", "**/*.rhai"]);
    c.send(json!({"jsonrpc": "2.0", "id": reg["id"].clone(), "result": null}));

    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": REPORT}}),
    );
    let p = c.diagnostics_for(&uri);
    assert_eq!(p["version"], 1);
    let diags = &p["diagnostics"];

    // The wrong share, located in UTF-16 units after the Chinese text.
    let start = col16(REPORT, 1, "79.41%");
    assert_eq!(start, 33);
    let share_range = range(1, start, start + "79.41%".encode_utf16().count() as u64);
    let forbid = with_code(diags, "lsp-test-forbid");
    assert_eq!(forbid.len(), 1, "{diags:#}");
    assert_eq!(forbid[0]["range"], share_range);
    assert_eq!(forbid[0]["severity"], 2);
    assert_eq!(forbid[0]["source"], "gouji");

    let share = with_code(diags, "lsp-test-share");
    let wrong = share
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("79.41%"))
        .unwrap_or_else(|| panic!("no share finding: {diags:#}"));
    assert_eq!(wrong["range"], share_range);
    assert_eq!(wrong["severity"], 1);
    // The amount and the total it was divided by are related locations.
    let related = wrong["relatedInformation"].as_array().unwrap();
    let amount = col16(REPORT, 1, "242.27万元");
    let total = col16(REPORT, 1, "308.97万元");
    let mut ranges: Vec<&Value> = related.iter().map(|r| &r["location"]["range"]).collect();
    ranges.sort_by_key(|r| r["start"]["character"].as_u64());
    assert_eq!(
        ranges,
        [&range(1, total, total + 8), &range(1, amount, amount + 8)],
        "{related:#?}"
    );
    for r in related {
        assert_eq!(r["location"]["uri"], uri);
        assert!(!r["message"].as_str().unwrap().is_empty());
    }

    // Two quick edits (incremental): only the last version is checked, after
    // the debounce delay, and the fixed figure clears the diagnostics.
    let t0 = Instant::now();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": range(1, start, start + 5), "text": "77.41"}]}),
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3},
               "contentChanges": [{"range": range(1, start, start + 2), "text": "78"}]}),
    );
    let p = c.diagnostics_for(&uri);
    let waited = t0.elapsed();
    assert_eq!(p["version"], 3, "version 2 must not be published: {p:#}");
    assert_eq!(p["diagnostics"], json!([]), "{p:#}");
    assert!(
        waited >= Duration::from_millis(250),
        "published after {waited:?}, before the debounce delay"
    );

    // Hover on a figure: what it is and which rules checked it.
    let at = col16(REPORT, 1, "242.27") + 2;
    let id = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": at}}),
    );
    let h = c.response(id);
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{h}"));
    assert!(text.contains("基本支出"), "{text}");
    assert!(text.contains("242.27"), "{text}");
    assert!(text.contains("`lsp-test-share`: 一致"), "{text}");
    assert_eq!(h["result"]["range"], range(1, amount, amount + 8));

    // No figure under the cursor: null.
    let id = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}),
    );
    assert_eq!(c.response(id)["result"], Value::Null);

    c.shutdown_and_exit();
}

#[test]
fn broken_rule_pack_keeps_last_rules_and_bad_input_gets_errors() {
    let (_dir, root, report) = workspace();
    let uri = uri_of(&report);
    let rules_path = root.join("rules/lsp-test.toml");
    let rules_uri = uri_of(&rules_path);
    let mut c = Client::start();
    c.initialize(&root);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": REPORT}}),
    );
    let p = c.diagnostics_for(&uri);
    assert_eq!(
        with_code(&p["diagnostics"], "lsp-test-forbid").len(),
        1,
        "{p:#}"
    );

    // Break the pack: an invalid regex. The error lands on the rule file.
    let broken = RULES.replace(r#"pattern = "79\\.41%""#, r#"pattern = "79\\.41%(""#);
    assert_ne!(broken, RULES);
    std::fs::write(&rules_path, &broken).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": rules_uri, "type": 2}]}),
    );
    let p = c.diagnostics_for(&rules_uri);
    let d = &p["diagnostics"][0];
    let line = broken
        .lines()
        .position(|l| l.starts_with("pattern"))
        .unwrap() as u64;
    assert_eq!(
        d["range"]["start"],
        json!({"line": line, "character": 10}),
        "{p:#}"
    );
    assert_eq!(d["severity"], 1);
    assert!(d["message"].as_str().unwrap().contains("regex"), "{d}");
    c.wait_for("showMessage", |v| v["method"] == "window/showMessage");
    // The report is re-checked with the last good rules.
    let p = c.diagnostics_for(&uri);
    assert_eq!(
        with_code(&p["diagnostics"], "lsp-test-forbid").len(),
        1,
        "{p:#}"
    );

    // Fix it and save: the rule file's diagnostics are cleared.
    std::fs::write(&rules_path, RULES).unwrap();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": rules_uri}}),
    );
    let p = c.diagnostics_for(&rules_uri);
    assert_eq!(p["diagnostics"], json!([]));

    // Not JSON: a parse error with a null id, and the server reads on.
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let e = c.wait_for("parse error", |v| v["error"]["code"] == -32700);
    assert_eq!(e["id"], Value::Null);
    // Bad params, unknown request, unknown notification.
    let id = c.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(c.response(id)["error"]["code"], -32602);
    let id = c.request("gouji/nothing", json!({}));
    assert_eq!(c.response(id)["error"]["code"], -32601);
    c.notify("$/somethingElse", json!({"x": 1}));
    c.notify("textDocument/didChange", json!({"bogus": true}));
    // Still serving.
    let at = col16(REPORT, 1, "79.41%");
    let id = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": at}}),
    );
    let h = c.response(id);
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{h}"));
    assert!(text.contains("`lsp-test-share`: 不一致"), "{text}");

    c.shutdown_and_exit();
}

#[test]
fn requests_before_initialize_and_exit_without_shutdown() {
    let mut c = Client::start();
    let id = c.request("textDocument/hover", json!({}));
    assert_eq!(c.response(id)["error"]["code"], -32002);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(1));
}
