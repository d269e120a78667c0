//! The server state and the main loop: documents, the loaded rules, and the
//! answers to requests and notifications. Only this thread writes to the
//! output.

use super::convert::{apply_change, load_error_diagnostics, span_to_range, to_lsp_diagnostic};
use super::hover::{fact_at, hover_markdown};
use super::log;
use super::transport::Event;
use super::workspace::{is_report, is_rule_file, load_workspace, visible};
use crate::check::{self, DetailedCheck};
use crate::config::Config;
use crate::diagnostic::{self, codes, Outcome};
use crate::error::LoadError;
use crate::rule::{self, RuleSet};
use crate::source::{Encoding, SourceFile};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{self as lt, Url};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;

const WATCH_ID: &str = "gouji-watch-rule-files";

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

pub(super) struct Server<W: Write> {
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
    pub(super) fn new(out: W, debouncer: Sender<Url>) -> Self {
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

    pub(super) fn main_loop(&mut self, events: Receiver<Event>) -> i32 {
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
                    if let Ok(set) = rule::shipped() {
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
                code: Some(lt::NumberOrString::String(codes::INTERNAL.into())),
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
