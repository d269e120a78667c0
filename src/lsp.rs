//! `gouji lsp`: a language server over stdio.
//!
//! - Reports (`*.txt`, `*.text`, or any document with languageId `plaintext`)
//!   are checked when opened and saved, and 300 ms after the last change
//!   (a debouncer thread sends the re-check through the event channel).
//! - Spans (UTF-8 byte offsets) become LSP positions in UTF-16 code units;
//!   secondary labels become `relatedInformation`; "未能核对" is Information
//!   with `data.outcome = "not-checked"` and a message prefix.
//! - Hover on a figure lists the rules that checked it and what they found.
//! - `gouji.toml` and the rule packs are read from the workspace root and
//!   reloaded when they change. A broken pack is shown as diagnostics on the
//!   rule file; the server keeps the last good rule set (at first the
//!   shipped pack).
//!
//! The message types are `lsp-server`'s, but the stdio framing is our own:
//! `lsp-server`'s reader thread stops at the first payload that is not valid
//! JSON, while this one answers it with a JSON-RPC error and reads on. Only
//! the main thread writes to stdout.

use crate::check::{self, DetailedCheck};
use crate::config::Config;
use crate::diagnostic::{self, Outcome, Severity};
use crate::document::{Fact, FactKind};
use crate::rule::{self, spec::LoadError, RuleSet};
use crate::source::{Encoding, LineIndex, SourceFile, Span};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{self as lt, Url};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, BufRead, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Quiet time after the last change before a report is re-checked.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// The largest message body accepted (bigger ones are skipped with an error).
const MAX_BODY: usize = 256 << 20;

const WATCH_ID: &str = "gouji-watch-rule-files";

/// Serve the language server protocol on stdin/stdout until `exit`.
/// Returns the process exit code: 0 after `shutdown` + `exit`, else 1.
pub fn run_stdio() -> i32 {
    run(io::BufReader::new(io::stdin()), io::stdout(), DEBOUNCE)
}

/// Serve over any byte streams (the reader runs on its own thread).
pub fn run<R, W>(input: R, output: W, debounce: Duration) -> i32
where
    R: BufRead + Send + 'static,
    W: Write,
{
    let (tx, rx) = mpsc::channel();
    let reader_tx = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("gouji-lsp-reader".into())
        .spawn(move || reader_loop(input, reader_tx));
    if spawned.is_err() {
        return 1;
    }
    let debouncer = spawn_debouncer(tx, debounce);
    let mut server = Server::new(output, debouncer);
    server.main_loop(rx)
}

// ---- transport ---------------------------------------------------------

/// What the main loop reacts to.
#[derive(Debug)]
enum Event {
    Message(Message),
    /// A payload that is not a JSON-RPC message: answer with this error
    /// (`id` is JSON: a number, a string or null).
    Malformed {
        id: Value,
        code: i32,
        message: String,
    },
    /// The debounce delay after a change of this document has passed.
    Recheck(Url),
    /// A payload that needs no answer (an unreadable notification).
    Ignored,
    /// Input closed.
    Eof,
}

fn reader_loop<R: BufRead>(mut input: R, tx: Sender<Event>) {
    loop {
        let event = match read_frame(&mut input) {
            Ok(None) => Event::Eof,
            Ok(Some(body)) => parse_payload(&body),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                log(&format!("bad message framing: {e}"));
                continue;
            }
            Err(e) => {
                log(&format!("input error: {e}"));
                Event::Eof
            }
        };
        let last = matches!(&event, Event::Eof)
            || matches!(&event, Event::Message(Message::Notification(n)) if n.method == "exit");
        if tx.send(event).is_err() || last {
            return;
        }
    }
}

/// Read one `Content-Length` framed body. `Ok(None)` at a clean end of input;
/// `InvalidData` for a header block that cannot be used (the block has been
/// consumed, so the next call starts at the next message).
fn read_frame<R: BufRead>(r: &mut R) -> io::Result<Option<Vec<u8>>> {
    let mut headers: Vec<String> = Vec::new();
    loop {
        let mut raw = Vec::new();
        if r.read_until(b'\n', &mut raw)? == 0 {
            if headers.is_empty() {
                return Ok(None);
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "input ended inside a header",
            ));
        }
        let line = String::from_utf8_lossy(&raw);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if headers.is_empty() {
                continue; // stray blank line between messages
            }
            break;
        }
        headers.push(line.to_owned());
    }
    let mut length = None;
    for h in &headers {
        let Some((name, value)) = h.split_once(':') else {
            return Err(invalid(format!("not a header: {h:?}")));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| invalid(format!("bad Content-Length: {value:?}")))?,
            );
        }
    }
    let Some(length) = length else {
        return Err(invalid("no Content-Length header".into()));
    };
    if length > MAX_BODY {
        io::copy(&mut r.take(length as u64), &mut io::sink())?;
        return Err(invalid(format!("message of {length} bytes is too large")));
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body)?;
    Ok(Some(body))
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// Turn a body into a message, or into the error that answers it.
fn parse_payload(body: &[u8]) -> Event {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Event::Malformed {
                id: Value::Null,
                code: ErrorCode::ParseError as i32,
                message: format!("parse error: {e}"),
            }
        }
    };
    if !value.is_object() {
        // Batches are not part of LSP; serde would read an array as a struct.
        return Event::Malformed {
            id: Value::Null,
            code: ErrorCode::InvalidRequest as i32,
            message: "invalid request: expected a JSON object".into(),
        };
    }
    let raw_id = value
        .get("id")
        .filter(|id| id.is_string() || id.is_number())
        .cloned();
    let has_id = value.get("id").is_some_and(|id| !id.is_null());
    match serde_json::from_value::<Message>(value.clone()) {
        // A request whose id does not fit (a float, a huge number) parses as
        // a notification; it still expects an answer.
        Ok(Message::Notification(_)) if has_id => Event::Malformed {
            id: raw_id.unwrap_or(Value::Null),
            code: ErrorCode::InvalidRequest as i32,
            message: "invalid request id (use an integer or a string)".into(),
        },
        Ok(m) => Event::Message(m),
        Err(e) => {
            if !has_id {
                // A notification we cannot read: notifications get no answer.
                log(&format!("ignored malformed notification: {e}"));
                Event::Ignored
            } else {
                Event::Malformed {
                    id: raw_id.unwrap_or(Value::Null),
                    code: ErrorCode::InvalidRequest as i32,
                    message: format!("invalid request: {e}"),
                }
            }
        }
    }
}

/// A thread that turns "document changed" into "re-check now" once the
/// document has been quiet for `delay`.
fn spawn_debouncer(events: Sender<Event>, delay: Duration) -> Sender<Url> {
    let (tx, rx) = mpsc::channel::<Url>();
    let _ = std::thread::Builder::new()
        .name("gouji-lsp-debounce".into())
        .spawn(move || debounce_loop(rx, events, delay));
    tx
}

fn debounce_loop(rx: Receiver<Url>, events: Sender<Event>, delay: Duration) {
    let mut due: HashMap<Url, Instant> = HashMap::new();
    loop {
        let received = match due.values().min() {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(t) => rx.recv_timeout(t.saturating_duration_since(Instant::now())),
        };
        match received {
            Ok(uri) => {
                due.insert(uri, Instant::now() + delay);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        let now = Instant::now();
        let fired: Vec<Url> = due
            .iter()
            .filter(|(_, &t)| t <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in fired {
            due.remove(&uri);
            if events.send(Event::Recheck(uri)).is_err() {
                return;
            }
        }
    }
}

fn log(msg: &str) {
    eprintln!("gouji lsp: {msg}");
}

// ---- conversions -------------------------------------------------------

/// A byte span of `text` as an LSP range (0-based lines, UTF-16 columns).
pub fn span_to_range(lines: &LineIndex, text: &str, span: Span) -> lt::Range {
    let (l0, c0) = lines.utf16_position(text, span.start);
    let (l1, c1) = lines.utf16_position(text, span.end.max(span.start));
    lt::Range::new(lt::Position::new(l0, c0), lt::Position::new(l1, c1))
}

/// Apply one content change (ranged or whole-document) to a text.
pub fn apply_change(text: &mut String, change: &lt::TextDocumentContentChangeEvent) {
    match change.range {
        None => text.clone_from(&change.text),
        Some(range) => {
            let lines = LineIndex::new(text);
            let a = lines.offset_of_utf16(text, range.start.line, range.start.character) as usize;
            let b = lines.offset_of_utf16(text, range.end.line, range.end.character) as usize;
            let (a, b) = (a.min(b), a.max(b));
            text.replace_range(a..b, &change.text);
        }
    }
}

fn severity(d: &diagnostic::Diagnostic) -> lt::DiagnosticSeverity {
    match (d.outcome, d.severity) {
        (Outcome::NotChecked, _) => lt::DiagnosticSeverity::INFORMATION,
        (Outcome::ToolError, _) | (_, Severity::Error) => lt::DiagnosticSeverity::ERROR,
        (_, Severity::Warning) => lt::DiagnosticSeverity::WARNING,
        (_, Severity::Info) => lt::DiagnosticSeverity::INFORMATION,
    }
}

const NOT_CHECKED: &str = "未能核对";

/// One gouji diagnostic as an LSP diagnostic on `uri`.
pub fn to_lsp_diagnostic(
    src: &SourceFile,
    uri: &Url,
    d: &diagnostic::Diagnostic,
) -> lt::Diagnostic {
    let range = d
        .primary_span()
        .map(|s| span_to_range(&src.lines, &src.text, s))
        .unwrap_or_default();
    let mut message = d.message.clone();
    if d.outcome == Outcome::NotChecked && !message.starts_with(NOT_CHECKED) {
        message = format!("{NOT_CHECKED}：{message}");
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<lt::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .skip(1)
        .map(|l| lt::DiagnosticRelatedInformation {
            location: lt::Location::new(uri.clone(), span_to_range(&src.lines, &src.text, l.span)),
            message: l
                .message
                .clone()
                .unwrap_or_else(|| format!("“{}”", src.slice(l.span))),
        })
        .collect();
    let outcome = match d.outcome {
        Outcome::Finding => "finding",
        Outcome::NotChecked => "not-checked",
        Outcome::ToolError => "tool-error",
    };
    lt::Diagnostic {
        range,
        severity: Some(severity(d)),
        code: Some(lt::NumberOrString::String(d.code.clone())),
        code_description: None,
        source: Some("gouji".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(json!({ "outcome": outcome })),
    }
}

/// Load errors grouped by the file they are in, as LSP diagnostics; errors
/// that are not in a file (a missing pack directory, the embedded pack) come
/// back as plain messages.
pub fn load_error_diagnostics(
    errors: &[LoadError],
    root: Option<&Path>,
) -> (BTreeMap<Url, Vec<lt::Diagnostic>>, Vec<String>) {
    let mut files: BTreeMap<Url, Vec<lt::Diagnostic>> = BTreeMap::new();
    let mut other = Vec::new();
    for e in errors {
        let name = e.src.name();
        let mut path = PathBuf::from(name);
        if path.is_relative() {
            if let Some(r) = root {
                path = r.join(path);
            }
        }
        let uri = if path.is_file() {
            Url::from_file_path(&path).ok()
        } else {
            None
        };
        let mut message = e.message.clone();
        if let Some(help) = &e.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let Some(uri) = uri else {
            other.push(format!("{}: {message}", e.location));
            continue;
        };
        let text: &str = e.src.inner();
        let lines = LineIndex::new(text);
        let range = e
            .span
            .map(|s| span_to_range(&lines, text, Span::new(s.offset(), s.offset() + s.len())))
            .unwrap_or_default();
        let code = if path.file_name().is_some_and(|n| n == "gouji.toml") {
            "gouji::config"
        } else {
            "gouji::rule-pack"
        };
        files.entry(uri).or_default().push(lt::Diagnostic {
            range,
            severity: Some(lt::DiagnosticSeverity::ERROR),
            code: Some(lt::NumberOrString::String(code.into())),
            source: Some("gouji".into()),
            message,
            ..Default::default()
        });
    }
    (files, other)
}

// ---- workspace ---------------------------------------------------------

/// Load `gouji.toml` (found in `root` or its parents) and the rule packs it
/// names, as `gouji check` does without command-line rule options.
pub fn load_workspace(root: Option<&Path>) -> Result<(Config, RuleSet), Vec<LoadError>> {
    let start = root
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok());
    let config = match start.as_deref().and_then(Config::discover) {
        Some(p) => Config::load(&p).map_err(|e| vec![e])?,
        None => Config::default(),
    };
    let rules = rule::load_for(&config, &[], false)?;
    Ok((config, rules))
}

fn is_rule_file(uri: &Url) -> bool {
    let p = uri.path();
    p.ends_with(".toml") || p.ends_with(".rhai")
}

fn is_report(uri: &Url, language_id: &str) -> bool {
    let p = uri.path().to_ascii_lowercase();
    if is_rule_file(uri) {
        // An editor without TOML support calls gouji.toml plain text.
        return false;
    }
    language_id == "plaintext"
        || language_id == "gouji"
        || p.ends_with(".txt")
        || p.ends_with(".text")
}

/// The findings of a check less those that a `[[suppress]]` entry of
/// gouji.toml accepts (as `gouji check` applies them; baselines are CLI-only).
pub fn visible(
    config: &Config,
    src: &SourceFile,
    c: &DetailedCheck,
) -> Vec<diagnostic::Diagnostic> {
    if config.suppress.is_empty() {
        return c.diagnostics.clone();
    }
    let mut reports = vec![check::FileReport {
        path: src.path.clone(),
        source: Some(Arc::new(src.clone())),
        diagnostics: c.diagnostics.clone(),
        coverage: Some(c.coverage.clone()),
        rules_run: Vec::new(),
    }];
    crate::baseline::apply(&mut reports, config, None);
    reports
        .into_iter()
        .find(|r| !crate::baseline::is_meta_report(r) && r.path == src.path)
        .map(|r| r.diagnostics)
        .unwrap_or_default()
}

// ---- hover -------------------------------------------------------------

fn kind_name(k: FactKind) -> &'static str {
    match k {
        FactKind::Amount => "金额",
        FactKind::Percent => "百分比",
        FactKind::Share => "占比",
        FactKind::Change => "增减",
        FactKind::Count => "数量",
        FactKind::Number => "数值",
    }
}

/// The innermost figure at a byte offset (its end counts as inside).
fn fact_at(check: &DetailedCheck, offset: u32) -> Option<&Fact> {
    check
        .document
        .facts
        .iter()
        .filter(|f| f.span.start <= offset && offset <= f.span.end)
        .min_by_key(|f| (f.span.len(), f.id))
}

/// Hover text for a figure: what it is, and each rule's verdict on it.
pub fn hover_markdown(src: &SourceFile, check: &DetailedCheck, fact: &Fact) -> String {
    let mut out = String::new();
    let label = if fact.label.is_empty() {
        "（无标签）"
    } else {
        fact.label.as_str()
    };
    out.push_str(&format!(
        "**{label}** · {} ({})\n\n",
        kind_name(fact.kind),
        fact.kind.as_str()
    ));
    match &fact.number {
        Some(n) => {
            let unit = n.unit.as_str();
            let unit = if unit.is_empty() { "—" } else { unit };
            out.push_str(&format!("数值 value: `{}` · 单位 unit: {unit}", n.value));
        }
        None => out.push_str(&format!("原文 text: `{}`", src.slice(fact.span))),
    }
    out.push_str("\n\n");
    let mut lines = Vec::new();
    for r in &check.rules {
        let touching: Vec<&diagnostic::Diagnostic> = r
            .diagnostics
            .iter()
            .filter(|d| {
                d.labels
                    .iter()
                    .any(|l| l.span.overlaps(fact.span) || l.span == fact.span)
            })
            .collect();
        let mut verdicts: Vec<String> = touching
            .iter()
            .map(|d| {
                let what = match (d.outcome, d.severity) {
                    (Outcome::NotChecked, _) => "未能核对 not checked",
                    (Outcome::ToolError, _) => "出错 failed",
                    (Outcome::Finding, Severity::Info) => "提示 note",
                    (Outcome::Finding, _) => "不一致 inconsistent",
                };
                let message = d
                    .message
                    .strip_prefix(NOT_CHECKED)
                    .map(|m| m.trim_start_matches(['：', ':', ' ']))
                    .unwrap_or(&d.message);
                format!("{what} ({message})")
            })
            .collect();
        verdicts.dedup();
        if verdicts.is_empty() && r.covered.contains(&fact.id) {
            verdicts.push("一致 consistent".into());
        }
        for v in verdicts {
            lines.push(format!("- `{}`: {v}", r.rule));
        }
    }
    if lines.is_empty() {
        out.push_str("没有规则核对这个数字 · not checked by any rule");
    } else {
        out.push_str("核对 checks:\n\n");
        out.push_str(&lines.join("\n"));
    }
    out
}

// ---- the server --------------------------------------------------------

struct Analysis {
    version: i32,
    src: SourceFile,
    /// None when checking panicked (reported as a tool error).
    check: Option<DetailedCheck>,
    /// The findings to show: `check.diagnostics` less those accepted by a
    /// `[[suppress]]` entry of gouji.toml.
    shown: Vec<diagnostic::Diagnostic>,
}

struct Doc {
    version: i32,
    text: String,
    report: bool,
    analysis: Option<Arc<Analysis>>,
    published: Option<i32>,
}

#[derive(PartialEq, Eq)]
enum Phase {
    Uninitialized,
    Running,
    ShutDown,
}

struct Server<W: Write> {
    out: W,
    broken: bool,
    phase: Phase,
    debouncer: Sender<Url>,
    docs: HashMap<Url, Doc>,
    root: Option<PathBuf>,
    config: Config,
    rules: RuleSet,
    /// Rule and config files that have load-error diagnostics published.
    error_files: BTreeSet<Url>,
    show_not_checked: bool,
    dynamic_watch: bool,
    next_id: i32,
}

impl<W: Write> Server<W> {
    fn new(out: W, debouncer: Sender<Url>) -> Self {
        Server {
            out,
            broken: false,
            phase: Phase::Uninitialized,
            debouncer,
            docs: HashMap::new(),
            root: None,
            config: Config::default(),
            rules: RuleSet::default(),
            error_files: BTreeSet::new(),
            show_not_checked: true,
            dynamic_watch: false,
            next_id: 1,
        }
    }

    fn main_loop(&mut self, events: Receiver<Event>) -> i32 {
        while let Ok(event) = events.recv() {
            match event {
                Event::Eof => break,
                Event::Ignored => {}
                Event::Malformed { id, code, message } => {
                    self.write_raw(&json!({
                        "jsonrpc": "2.0",
                        "id": id,
                        "error": { "code": code, "message": message },
                    }));
                }
                Event::Recheck(uri) => {
                    if self.phase == Phase::Running {
                        self.guarded("re-check", |s| s.publish_if_stale(&uri));
                    }
                }
                Event::Message(Message::Notification(n)) if n.method == "exit" => {
                    return if self.phase == Phase::ShutDown { 0 } else { 1 };
                }
                Event::Message(Message::Request(req)) => self.on_request(req),
                Event::Message(Message::Notification(n)) => {
                    if self.phase == Phase::Running {
                        let method = n.method.clone();
                        self.guarded(&method, |s| s.on_notification(n));
                    }
                }
                Event::Message(Message::Response(r)) => {
                    if let Some(e) = r.error {
                        log(&format!(
                            "client answered request {} with error {}: {}",
                            r.id, e.code, e.message
                        ));
                    }
                }
            }
            if self.broken {
                break;
            }
        }
        1
    }

    /// Run a handler; a panic inside is logged and the server goes on.
    fn guarded(&mut self, what: &str, f: impl FnOnce(&mut Self)) -> bool {
        match catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(()) => true,
            Err(_) => {
                log(&format!("internal error while handling {what}"));
                false
            }
        }
    }

    // -- output --

    fn send(&mut self, msg: Message) {
        if self.broken {
            return;
        }
        if msg.write(&mut self.out).is_err() {
            self.broken = true;
        }
    }

    fn write_raw(&mut self, v: &Value) {
        let body = v.to_string();
        let r = write!(self.out, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|_| self.out.flush());
        if r.is_err() {
            self.broken = true;
        }
    }

    fn respond_ok(&mut self, id: RequestId, result: impl serde::Serialize) {
        let value = serde_json::to_value(result).unwrap_or(Value::Null);
        self.send(Message::Response(Response {
            id,
            result: Some(value),
            error: None,
        }));
    }

    fn respond_err(&mut self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Message::Response(Response::new_err(
            id,
            code as i32,
            message,
        )));
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) {
        let params = serde_json::to_value(params).unwrap_or(Value::Null);
        self.send(Message::Notification(Notification {
            method: method.into(),
            params,
        }));
    }

    fn show_message(&mut self, typ: lt::MessageType, message: String) {
        self.notify("window/showMessage", lt::ShowMessageParams { typ, message });
    }

    // -- requests --

    fn on_request(&mut self, req: Request) {
        let id = req.id.clone();
        match (&self.phase, req.method.as_str()) {
            (Phase::Uninitialized, "initialize") => {
                let ok = self.guarded("initialize", |s| s.initialize(req));
                if !ok {
                    self.respond_err(id, ErrorCode::InternalError, "initialize failed".into());
                }
            }
            (Phase::Uninitialized, _) => {
                self.respond_err(
                    id,
                    ErrorCode::ServerNotInitialized,
                    "the server is not initialized yet".into(),
                );
            }
            (Phase::ShutDown, _) => {
                self.respond_err(
                    id,
                    ErrorCode::InvalidRequest,
                    "the server is shutting down".into(),
                );
            }
            (Phase::Running, "initialize") => {
                self.respond_err(
                    id,
                    ErrorCode::InvalidRequest,
                    "initialize was already received".into(),
                );
            }
            (Phase::Running, "shutdown") => {
                self.phase = Phase::ShutDown;
                self.respond_ok(id, Value::Null);
            }
            (Phase::Running, "textDocument/hover") => {
                let ok = self.guarded("hover", |s| {
                    match serde_json::from_value::<lt::HoverParams>(req.params) {
                        Ok(p) => {
                            let h = s.hover(&p);
                            s.respond_ok(req.id, h);
                        }
                        Err(e) => s.respond_err(
                            req.id,
                            ErrorCode::InvalidParams,
                            format!("invalid hover params: {e}"),
                        ),
                    }
                });
                if !ok {
                    self.respond_err(
                        id,
                        ErrorCode::InternalError,
                        "internal error during hover".into(),
                    );
                }
            }
            (Phase::Running, m) => {
                let m = m.to_owned();
                self.respond_err(
                    id,
                    ErrorCode::MethodNotFound,
                    format!("unsupported request: {m}"),
                );
            }
        }
    }

    fn initialize(&mut self, req: Request) {
        let params: lt::InitializeParams = match serde_json::from_value(req.params) {
            Ok(p) => p,
            Err(e) => {
                self.respond_err(
                    req.id,
                    ErrorCode::InvalidParams,
                    format!("invalid initialize params: {e}"),
                );
                return;
            }
        };
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|u| u.to_file_path().ok())
            .or_else(|| params.root_path.as_ref().map(PathBuf::from));
        self.root = root;
        if let Some(opts) = &params.initialization_options {
            if let Some(b) = opts.get("showNotChecked").and_then(Value::as_bool) {
                self.show_not_checked = b;
            }
        }
        self.dynamic_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let caps = lt::ServerCapabilities {
            text_document_sync: Some(lt::TextDocumentSyncCapability::Options(
                lt::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lt::TextDocumentSyncKind::INCREMENTAL),
                    will_save: None,
                    will_save_wait_until: None,
                    save: Some(lt::TextDocumentSyncSaveOptions::SaveOptions(
                        lt::SaveOptions {
                            include_text: Some(false),
                        },
                    )),
                },
            )),
            hover_provider: Some(lt::HoverProviderCapability::Simple(true)),
            ..Default::default()
        };
        let result = lt::InitializeResult {
            capabilities: caps,
            server_info: Some(lt::ServerInfo {
                name: "gouji".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        self.phase = Phase::Running;
        self.respond_ok(req.id, result);
        // Rules are loaded now, before any document arrives; errors are
        // published once the client has sent `initialized`.
        self.reload(false);
    }

    fn hover(&mut self, p: &lt::HoverParams) -> Option<lt::Hover> {
        let uri = &p.text_document_position_params.text_document.uri;
        let pos = p.text_document_position_params.position;
        let a = self.analysis(uri)?;
        let check = a.check.as_ref()?;
        let offset = a
            .src
            .lines
            .offset_of_utf16(&a.src.text, pos.line, pos.character);
        let fact = fact_at(check, offset)?;
        Some(lt::Hover {
            contents: lt::HoverContents::Markup(lt::MarkupContent {
                kind: lt::MarkupKind::Markdown,
                value: hover_markdown(&a.src, check, fact),
            }),
            range: Some(span_to_range(&a.src.lines, &a.src.text, fact.span)),
        })
    }

    // -- notifications --

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "initialized" => {
                self.register_watchers();
                self.reload(true);
            }
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<lt::DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    let report = is_report(&d.uri, &d.language_id);
                    self.docs.insert(
                        d.uri.clone(),
                        Doc {
                            version: d.version,
                            text: d.text,
                            report,
                            analysis: None,
                            published: None,
                        },
                    );
                    if report {
                        self.publish_if_stale(&d.uri);
                    }
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<lt::DidChangeTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    if let Some(doc) = self.docs.get_mut(&uri) {
                        for c in &p.content_changes {
                            apply_change(&mut doc.text, c);
                        }
                        doc.version = p.text_document.version;
                        if doc.report {
                            let _ = self.debouncer.send(uri);
                        }
                    }
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = serde_json::from_value::<lt::DidSaveTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    if is_rule_file(&uri) {
                        self.reload(true);
                    } else if self.docs.get(&uri).is_some_and(|d| d.report) {
                        if let Some(doc) = self.docs.get_mut(&uri) {
                            doc.published = None;
                        }
                        self.publish_if_stale(&uri);
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<lt::DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    if self.docs.remove(&uri).is_some_and(|d| d.report) {
                        self.publish(uri, Vec::new(), None);
                    }
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(p) = serde_json::from_value::<lt::DidChangeWatchedFilesParams>(n.params) {
                    if p.changes.iter().any(|c| is_rule_file(&c.uri)) {
                        self.reload(true);
                    }
                }
            }
            _ => {} // unknown notifications are ignored
        }
    }

    fn register_watchers(&mut self) {
        if !self.dynamic_watch {
            return;
        }
        let watchers: Vec<lt::FileSystemWatcher> = ["**/gouji.toml", "**/*.toml", "**/*.rhai"]
            .iter()
            .map(|g| lt::FileSystemWatcher {
                glob_pattern: lt::GlobPattern::String((*g).into()),
                kind: None,
            })
            .collect();
        let options = lt::DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = lt::RegistrationParams {
            registrations: vec![lt::Registration {
                id: WATCH_ID.into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let id = RequestId::from(self.next_id);
        self.next_id += 1;
        let params = serde_json::to_value(params).unwrap_or(Value::Null);
        self.send(Message::Request(Request {
            id,
            method: "client/registerCapability".into(),
            params,
        }));
    }

    /// (Re)load config and rules. On errors keep the previous rules; with
    /// `publish`, show the errors on their files and re-check open reports.
    fn reload(&mut self, publish: bool) {
        let loaded = catch_unwind(AssertUnwindSafe(|| load_workspace(self.root.as_deref())))
            .unwrap_or_else(|_| {
                Err(vec![LoadError::new(
                    "gouji.toml",
                    &Arc::new(String::new()),
                    None,
                    "internal error while loading the rules",
                    "",
                    None,
                )])
            });
        let mut errors = Vec::new();
        match loaded {
            Ok((config, rules)) => {
                self.config = config;
                self.rules = rules;
            }
            Err(e) => {
                if self.rules.rules.is_empty() {
                    // Nothing good yet: fall back to the shipped pack.
                    if let Ok(set) = rule::compile(&rule::shipped_files()) {
                        self.config = Config::default();
                        self.rules = set;
                    }
                }
                errors = e;
            }
        }
        if !publish {
            return;
        }
        let (files, other) = load_error_diagnostics(&errors, self.root.as_deref());
        let stale: Vec<Url> = self
            .error_files
            .iter()
            .filter(|u| !files.contains_key(u))
            .cloned()
            .collect();
        for uri in stale {
            self.publish(uri, Vec::new(), None);
        }
        self.error_files = files.keys().cloned().collect();
        for (uri, diags) in files {
            self.publish(uri, diags, None);
        }
        if !errors.is_empty() {
            let mut msg = format!(
                "gouji: {} error(s) in gouji.toml or the rule packs; the previous rules stay in use",
                errors.len()
            );
            for o in &other {
                msg.push('\n');
                msg.push_str(o);
            }
            self.show_message(lt::MessageType::ERROR, msg);
        }
        let reports: Vec<Url> = self
            .docs
            .iter()
            .filter(|(_, d)| d.report)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in reports {
            if let Some(d) = self.docs.get_mut(&uri) {
                d.analysis = None;
                d.published = None;
            }
            self.publish_if_stale(&uri);
        }
    }

    // -- checking --

    /// The analysis of the document's current text (computed when stale).
    fn analysis(&mut self, uri: &Url) -> Option<Arc<Analysis>> {
        let doc = self.docs.get(uri)?;
        if !doc.report {
            return None;
        }
        if let Some(a) = &doc.analysis {
            if a.version == doc.version {
                return Some(a.clone());
            }
        }
        let path = uri
            .to_file_path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| uri.to_string());
        let src = SourceFile::new(path, doc.text.clone(), Encoding::Utf8);
        let version = doc.version;
        let check = catch_unwind(AssertUnwindSafe(|| {
            check::check_source_detailed(&src, &self.rules, &self.config)
        }))
        .ok();
        let shown = match &check {
            Some(c) => catch_unwind(AssertUnwindSafe(|| visible(&self.config, &src, c)))
                .unwrap_or_else(|_| c.diagnostics.clone()),
            None => Vec::new(),
        };
        let a = Arc::new(Analysis {
            version,
            src,
            check,
            shown,
        });
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.analysis = Some(a.clone());
        }
        Some(a)
    }

    fn publish_if_stale(&mut self, uri: &Url) {
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        if !doc.report || doc.published == Some(doc.version) {
            return;
        }
        let Some(a) = self.analysis(uri) else { return };
        let diags: Vec<lt::Diagnostic> = match &a.check {
            Some(_) => a
                .shown
                .iter()
                .filter(|d| self.show_not_checked || d.outcome != Outcome::NotChecked)
                .map(|d| to_lsp_diagnostic(&a.src, uri, d))
                .collect(),
            None => vec![lt::Diagnostic {
                severity: Some(lt::DiagnosticSeverity::ERROR),
                code: Some(lt::NumberOrString::String("gouji::internal".into())),
                source: Some("gouji".into()),
                message: "gouji 内部错误：检查这个报告时出错（internal error while checking this report）".into(),
                ..Default::default()
            }],
        };
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.published = Some(a.version);
        }
        self.publish(uri.clone(), diags, Some(a.version));
    }

    fn publish(&mut self, uri: Url, diagnostics: Vec<lt::Diagnostic>, version: Option<i32>) {
        self.notify(
            "textDocument/publishDiagnostics",
            lt::PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Label};

    fn range(l0: u32, c0: u32, l1: u32, c1: u32) -> lt::Range {
        lt::Range::new(lt::Position::new(l0, c0), lt::Position::new(l1, c1))
    }

    #[test]
    fn spans_become_utf16_ranges_with_astral_characters() {
        // 𠀀 (U+20000) is 4 bytes in UTF-8 and 2 units in UTF-16.
        let text = "标题\n𠀀单位支出合计308.97万元\r\n占比79.41%";
        let lines = LineIndex::new(text);
        let start = text.find("308.97").unwrap();
        let span = Span::new(start, start + "308.97万元".len());
        let prefix = "𠀀单位支出合计";
        let col = prefix.encode_utf16().count() as u32;
        assert_eq!(col, 8);
        let len = "308.97万元".encode_utf16().count() as u32;
        assert_eq!(
            span_to_range(&lines, text, span),
            range(1, col, 1, col + len)
        );
        // After a CRLF line end.
        let s = text.find("79.41%").unwrap();
        assert_eq!(
            span_to_range(&lines, text, Span::new(s, s + "79.41%".len())),
            range(2, 2, 2, 8)
        );
        // A span over a line break ends on the next line.
        let s = text.find("万元\r\n").unwrap();
        assert_eq!(
            span_to_range(&lines, text, Span::new(s, s + "万元\r\n占".len())),
            range(1, col + 6, 2, 1)
        );
    }

    #[test]
    fn ranged_changes_apply_in_utf16_units() {
        let mut text = "𠀀占比79.41%\r\n第二行".to_owned();
        // Replace "79" (after 𠀀 = 2 units and 占比 = 2 units).
        let change = lt::TextDocumentContentChangeEvent {
            range: Some(range(0, 4, 0, 6)),
            range_length: None,
            text: "78".into(),
        };
        apply_change(&mut text, &change);
        assert_eq!(text, "𠀀占比78.41%\r\n第二行");
        // Insert at the start of line 2, and a column past the end clamps.
        apply_change(
            &mut text,
            &lt::TextDocumentContentChangeEvent {
                range: Some(range(1, 0, 1, 0)),
                range_length: None,
                text: "＊".into(),
            },
        );
        apply_change(
            &mut text,
            &lt::TextDocumentContentChangeEvent {
                range: Some(range(0, 99, 0, 99)),
                range_length: None,
                text: "。".into(),
            },
        );
        assert_eq!(text, "𠀀占比78.41%。\r\n＊第二行");
        // Whole-document change.
        apply_change(
            &mut text,
            &lt::TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "新".into(),
            },
        );
        assert_eq!(text, "新");
    }

    #[test]
    fn diagnostics_keep_code_severity_and_related_labels() {
        let text = "本年支出合计308.97万元，其中：基本支出242.27万元，占比79.41%。";
        let src = SourceFile::new("r.txt", text.to_owned(), Encoding::Utf8);
        let uri = Url::parse("file:///w/r.txt").unwrap();
        let at = |s: &str| {
            let i = text.find(s).unwrap();
            Span::new(i, i + s.len())
        };
        let d = Diagnostic::new("share-of-total", Severity::Error, "占比不符")
            .with_label(Label::new(at("79.41%"), "占比"))
            .with_label(Label::new(at("242.27万元"), "金额"))
            .with_label(Label::bare(at("308.97万元")))
            .with_help("复算 78.41%");
        let l = to_lsp_diagnostic(&src, &uri, &d);
        let col = "本年支出合计308.97万元，其中：基本支出242.27万元，占比"
            .encode_utf16()
            .count() as u32;
        assert_eq!(l.range, range(0, col, 0, col + 6));
        assert_eq!(l.severity, Some(lt::DiagnosticSeverity::ERROR));
        assert_eq!(
            l.code,
            Some(lt::NumberOrString::String("share-of-total".into()))
        );
        assert_eq!(l.source.as_deref(), Some("gouji"));
        assert_eq!(l.message, "占比不符\nhelp: 复算 78.41%");
        let rel = l.related_information.unwrap();
        assert_eq!(rel.len(), 2);
        assert_eq!(rel[0].message, "金额");
        assert_eq!(rel[0].location.uri, uri);
        assert_eq!(rel[1].message, "“308.97万元”");
        assert_eq!(rel[1].location.range, range(0, 6, 0, 14));

        let nc = Diagnostic::new("sum-x", Severity::Warning, "找不到合计")
            .with_outcome(Outcome::NotChecked);
        let l = to_lsp_diagnostic(&src, &uri, &nc);
        assert_eq!(l.severity, Some(lt::DiagnosticSeverity::INFORMATION));
        assert_eq!(l.message, "未能核对：找不到合计");
        assert_eq!(l.range, lt::Range::default());
        assert_eq!(l.data, Some(json!({"outcome": "not-checked"})));
        assert!(l.related_information.is_none());
    }

    #[test]
    fn frames_are_read_and_bad_payloads_answered() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = format!(
            "\r\nContent-Length: 7\r\n\r\n{{bad: 1Garbage\r\n\r\nContent-Length: {}\r\nContent-Type: x\r\n\r\n{good}",
            good.len()
        );
        let mut r = io::Cursor::new(input.into_bytes());
        let body = read_frame(&mut r).unwrap().unwrap();
        match parse_payload(&body) {
            Event::Malformed { id, code, .. } => {
                assert_eq!(id, Value::Null);
                assert_eq!(code, -32700);
            }
            e => panic!("{e:?}"),
        }
        // A header block without Content-Length is skipped.
        assert_eq!(
            read_frame(&mut r).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        let body = read_frame(&mut r).unwrap().unwrap();
        assert!(
            matches!(parse_payload(&body), Event::Message(Message::Request(q)) if q.method == "shutdown")
        );
        assert!(read_frame(&mut r).unwrap().is_none());

        // Valid JSON that is not a message: InvalidRequest with its id.
        match parse_payload(br#"{"jsonrpc":"2.0","id":7}"#) {
            Event::Message(Message::Response(_)) => {}
            e => panic!("{e:?}"),
        }
        match parse_payload(br#"{"jsonrpc":"2.0","id":2.5,"method":"textDocument/hover"}"#) {
            Event::Malformed { id, code, .. } => {
                assert_eq!(id, json!(2.5));
                assert_eq!(code, -32600);
            }
            e => panic!("{e:?}"),
        }
        match parse_payload(b"[1,2]") {
            Event::Malformed { code, .. } => assert_eq!(code, -32600),
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn hover_lists_each_rules_verdict() {
        let text = "一、收入支出情况\n本年支出合计308.97万元，其中：基本支出242.27万元，占比79.41%；项目支出66.70万元，占比21.59%。\n";
        let src = SourceFile::new("r.txt", text.to_owned(), Encoding::Utf8);
        let files = vec![rule::RuleFile {
            name: "t.toml".into(),
            text: Arc::new(
                "[[rule]]\nid = \"t-share\"\nkind = \"share\"\nseverity = \"error\"\nmessage = \"{label}占比 {stated} 与复算的 {computed} 不符\"\n"
                    .into(),
            ),
            dir: None,
        }];
        let rules = rule::compile(&files).unwrap();
        let check = check::check_source_detailed(&src, &rules, &Config::default());
        assert_eq!(check.rules.len(), 1);
        let fact_of = |s: &str| fact_at(&check, text.find(s).unwrap() as u32 + 1).unwrap();
        let h = hover_markdown(&src, &check, fact_of("79.41%"));
        assert!(h.contains("`t-share`: 不一致"), "{h}");
        assert!(h.contains("79.41%"), "{h}");
        let h = hover_markdown(&src, &check, fact_of("21.59%"));
        assert!(h.contains("**项目支出**"), "{h}");
        // The project share is right, but the list of shares does not add
        // up to 100%, which names this figure too.
        assert!(h.contains("`t-share`"), "{h}");
        let h = hover_markdown(&src, &check, fact_of("66.70"));
        assert!(h.contains("`t-share`: 一致"), "{h}");
        assert!(h.contains("66.7"), "{h}");
    }

    #[test]
    fn suppressed_findings_are_not_shown() {
        let text = "本年支出合计308.97万元，其中：基本支出242.27万元，占比79.41%；项目支出66.70万元，占比21.59%。";
        let src = SourceFile::new("/w/r.txt", text.to_owned(), Encoding::Utf8);
        let files = vec![rule::RuleFile {
            name: "t.toml".into(),
            text: Arc::new(
                "[[rule]]\nid = \"t-forbid\"\nkind = \"forbid\"\nseverity = \"error\"\nmessage = \"{found}\"\npattern = \"\\\\d+\\\\.41%\"\n"
                    .into(),
            ),
            dir: None,
        }];
        let rules = rule::compile(&files).unwrap();
        let plain = Config::default();
        // Findings only: the report also gets a coverage note (a forbid rule
        // verifies no figure).
        let findings = |v: Vec<diagnostic::Diagnostic>| {
            v.into_iter()
                .filter(|d| d.outcome == diagnostic::Outcome::Finding)
                .count()
        };
        let c = check::check_source_detailed(&src, &rules, &plain);
        assert_eq!(findings(visible(&plain, &src, &c)), 1);
        let config = Config::parse(
            "gouji.toml",
            "[[suppress]]\nrule = \"t-forbid\"\ntext = \"79.41%\"\nreason = \"测试\"\n",
        )
        .unwrap();
        let c = check::check_source_detailed(&src, &rules, &config);
        assert_eq!(findings(c.diagnostics.clone()), 1);
        assert_eq!(findings(visible(&config, &src, &c)), 0);
    }

    #[test]
    fn reports_are_txt_or_plaintext_but_not_rule_files() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(is_report(&u("file:///w/2024决算.txt"), "text"));
        assert!(is_report(&u("file:///w/REPORT.TXT"), ""));
        assert!(is_report(&u("untitled:Untitled-1"), "plaintext"));
        assert!(!is_report(&u("file:///w/gouji.toml"), "plaintext"));
        assert!(!is_report(&u("file:///w/rules/x.rhai"), "plaintext"));
        assert!(!is_report(&u("file:///w/notes.md"), "markdown"));
    }

    #[test]
    fn load_errors_land_on_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("gouji.toml"),
            "packs = [\"rules\"]\nno_default_rules = true\n",
        )
        .unwrap();
        std::fs::create_dir(root.join("rules")).unwrap();
        let bad = "# 测试\n[[rule]]\nid = \"x\"\nkind = \"forbid\"\nseverity = \"error\"\nmessage = \"m\"\npattern = \"(\"\n";
        std::fs::write(root.join("rules/bad.toml"), bad).unwrap();
        let errors = load_workspace(Some(root)).unwrap_err();
        let (files, other) = load_error_diagnostics(&errors, Some(root));
        assert!(other.is_empty(), "{other:?}");
        let uri = Url::from_file_path(root.join("rules/bad.toml")).unwrap();
        let diags = &files[&uri];
        assert_eq!(diags.len(), 1);
        let col = "pattern = ".encode_utf16().count() as u32;
        assert_eq!(diags[0].range.start, lt::Position::new(6, col));
        assert!(
            diags[0].message.contains("invalid regex"),
            "{}",
            diags[0].message
        );

        // A missing pack directory is not a file: a plain message.
        std::fs::write(root.join("gouji.toml"), "packs = [\"nowhere\"]\n").unwrap();
        let errors = load_workspace(Some(root)).unwrap_err();
        let (files, other) = load_error_diagnostics(&errors, Some(root));
        assert!(files.is_empty());
        assert_eq!(other.len(), 1);
    }
}
