//! Script rules (`kind = "script"`): a Rhai script with the report in scope
//! as `doc`, run once per report in the sandbox of [`super::sandbox`].
//!
//! * **Compiled once.** Each script rule gets its own engine (sandboxed, with
//!   a module resolver confined to its pack) and its AST when the pack loads;
//!   both are shared by every worker thread (`rhai` is built with `sync`). A
//!   syntax error is a [`LoadError`] located in the `.rhai` file.
//! * **Read-only views, no copies.** The values a script sees (`Document`,
//!   `Fact`, `Section`, `Table`, `Row`, `Cell`, `Sentence`, `Match`) are small
//!   `Copy` handles: an index into the document plus the serial number of the
//!   run they belong to. The document itself is never copied into Rhai maps;
//!   every property is read from it on access. The handles find the document
//!   through a thread-local set for the duration of one run (see
//!   [`Installed`]); a handle used outside its run (impossible from a script,
//!   since nothing a run creates outlives it) is an API error, not undefined
//!   behaviour.
//! * **Findings are data.** `report(…)` and `not_checked(…)` append
//!   diagnostics to the run; `covered(…)` and every node labelled by `report`
//!   count for `--coverage`. The host adds the rule id and severity.
//! * **Failures are diagnostics.** A script that throws, exceeds a limit or
//!   misuses the API yields one `ToolError` diagnostic naming the rule, the
//!   script file and the position; the run goes on with the other rules and
//!   files, and exits 2.
//!
//! The API is documented for rule authors in README ("Writing a script rule")
//! and, for editors, in `docs/gouji.d.rhai`.

use super::sandbox::{self, api_error, ScriptError, ScriptErrorKind};
use super::spec::LoadError;
use super::{eval::RuleResult, interpolate, Rule, RuleFile, SHIPPED};
use crate::diagnostic::{Diagnostic, Label, Outcome, Severity};
use crate::document::text::fold;
use crate::document::{Document, Fact, RowKind};
use crate::quantity::{Agreement, Quantity};
use crate::source::Span;
use regex::Regex;
use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Scope, AST, INT};
use rust_decimal::Decimal;
use std::cell::{Cell as StdCell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use toml::Spanned;

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// Lines of `print`/`debug` output kept per run; the rest is counted.
const MAX_PRINTS: u32 = 100;

/// A compiled script rule.
pub struct Script {
    /// Display path of the `.rhai` file (`rules/x.rhai`, `<shipped>/x.rhai`).
    pub path: String,
    engine: Engine,
    ast: AST,
    /// A forbidden call (`eval`) found when compiling: reported, located,
    /// each time the rule runs, so that one such rule does not stop the
    /// other rules from checking.
    forbidden: Option<ScriptError>,
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Script")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------
// Compiling
// ---------------------------------------------------------------------------

/// Where a script named in a rule file lives.
enum ScriptSource {
    Disk {
        dir: PathBuf,
    },
    /// The embedded pack: the folder inside [`SHIPPED`].
    Embedded {
        base: PathBuf,
    },
}

/// The engine every script rule runs on: the sandbox plus gouji's API.
pub fn new_engine() -> Engine {
    let mut engine = sandbox::new_engine(&sandbox::SandboxLimits::default());
    sandbox::set_log_sink(&mut engine, log_line);
    register_api(&mut engine);
    engine
}

/// The scope a script is compiled against (strict variables: every name a
/// script may use must be known at compile time).
fn template_scope() -> Scope<'static> {
    let mut scope = Scope::new();
    scope.push("doc", DocNode { run: 0 });
    scope.push("options", Map::new());
    scope
}

/// Compile the script a rule names: `script` is the TOML value (relative to
/// the rule file) and `at` its byte range in the rule file, for errors about
/// the reference itself. Syntax errors point into the `.rhai` file.
pub fn compile(
    file: &RuleFile,
    rule_id: &str,
    script: &Spanned<String>,
    at: std::ops::Range<usize>,
) -> Result<Script, LoadError> {
    let toml_error = |message: String, help: &str| {
        LoadError::new(
            &file.name,
            &file.text,
            Some(at.clone()),
            message,
            "this script",
            Some(help.to_owned()),
        )
    };
    let rel = sandbox::pack_relative(script.get_ref()).map_err(|why| {
        toml_error(
            format!("invalid script path: {why}"),
            "give the path of a .rhai file relative to this rule file, inside the pack",
        )
    })?;
    let source = match file.name.strip_prefix("<shipped>/") {
        Some(inner) if file.dir.is_none() => ScriptSource::Embedded {
            base: Path::new(inner)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        },
        _ => ScriptSource::Disk {
            dir: Path::new(&file.name)
                .parent()
                .map(Path::to_path_buf)
                .or_else(|| file.dir.clone())
                .unwrap_or_default(),
        },
    };
    let (path, text, resolver) = match &source {
        ScriptSource::Disk { dir } => {
            let full = dir.join(&rel);
            let text = std::fs::read(&full)
                .map_err(|e| {
                    toml_error(
                        format!("cannot read script {}: {e}", full.display()),
                        "the path is relative to the rule file",
                    )
                })
                .and_then(|b| {
                    String::from_utf8(b).map_err(|_| {
                        toml_error(
                            format!("script {} is not valid UTF-8", full.display()),
                            "save the script as UTF-8",
                        )
                    })
                })?;
            (
                full.display().to_string(),
                text,
                Arc::new(sandbox::pack_resolver(dir)),
            )
        }
        ScriptSource::Embedded { base } => {
            let full = base.join(&rel);
            let text = SHIPPED
                .get_file(&full)
                .and_then(|f| f.contents_utf8())
                .ok_or_else(|| {
                    toml_error(
                        format!("script {} is not in the shipped pack", full.display()),
                        "the path is relative to the rule file",
                    )
                })?
                .to_owned();
            (
                format!("<shipped>/{}", full.display()),
                text,
                Arc::new(sandbox::embedded_resolver(&SHIPPED, base)),
            )
        }
    };
    let mut engine = new_engine();
    engine.set_module_resolver(sandbox::SharedResolver(resolver.clone()));
    let compiled = sandbox::compile_with_scope(&engine, &template_scope(), &path, &text);
    if let Err(e) = &compiled {
        if e.kind == ScriptErrorKind::Forbidden {
            return Ok(Script {
                path,
                engine,
                ast: AST::empty(),
                forbidden: Some(e.clone()),
            });
        }
    }
    let ast = compiled.map_err(|e| {
        let text = Arc::new(text.clone());
        let start = e.byte_offset.unwrap_or(0).min(text.len());
        let end = text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        let mut err = LoadError::new(
            &path,
            &text,
            Some(start..end),
            e.message.clone(),
            "here",
            Some(format!("rule `{rule_id}`: {}", syntax_help(&e))),
        );
        err.src = miette::NamedSource::new(&path, text).with_language("rhai");
        err
    })?;
    // Modules are read and evaluated now, once; checking a report never
    // touches a file or evaluates module code (and so never needs more
    // native stack than one script's own limits allow; see `run`).
    resolver.preload(&engine, &text);
    resolver.freeze();
    Ok(Script {
        path,
        engine,
        ast,
        forbidden: None,
    })
}

fn syntax_help(e: &ScriptError) -> String {
    if e.message.contains("eval") {
        "eval is disabled in gouji scripts".into()
    } else if e.message.contains("Variable not found") || e.message.contains("variable") {
        "variables must be declared with `let` before use; the report is `doc`, rule options are `options`".into()
    } else {
        "fix the Rhai syntax here (https://rhai.rs/book/)".into()
    }
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

static NEXT_RUN: AtomicU64 = AtomicU64::new(1);

/// What a script sees of the report being checked, for one run.
struct RunCtx<'a> {
    run: u64,
    rule: &'a Rule,
    script: &'a str,
    doc: &'a Document,
    text: &'a str,
    /// Per section: inside the rule's `scope`?
    in_scope: Vec<bool>,
    out: RefCell<RuleResult>,
    prints: StdCell<u32>,
}

thread_local! {
    /// The run in progress on this thread (a `RunCtx` on the stack of
    /// [`run`]), or null.
    static CURRENT: StdCell<*const ()> = const { StdCell::new(std::ptr::null()) };
}

/// Makes a run's context current on this thread until dropped.
///
/// This is the scoped thread-local pattern (as in the `scoped-tls` crate):
/// the pointer is set from a reference that outlives the guard and the
/// previous value is restored on drop, also while unwinding, so a non-null
/// pointer always refers to a live `RunCtx` of this thread.
struct Installed {
    prev: *const (),
}

impl Installed {
    fn new(cx: &RunCtx<'_>) -> Installed {
        let p = cx as *const RunCtx<'_> as *const ();
        Installed {
            prev: CURRENT.with(|c| c.replace(p)),
        }
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.prev));
    }
}

/// Call `f` with the current run, checking that a handle of run `run` belongs
/// to it.
fn with_cx<R>(run: u64, f: impl for<'x> FnOnce(&'x RunCtx<'x>) -> RhaiResult<R>) -> RhaiResult<R> {
    let p = CURRENT.with(|c| c.get());
    if p.is_null() {
        return Err(api_error("no report is being checked"));
    }
    // SAFETY: see `Installed`: a non-null pointer is a live `RunCtx` on this
    // thread, only ever accessed through shared references (its mutable
    // parts are in `RefCell`/`Cell`). The higher-ranked closure cannot keep
    // the reference beyond this call.
    let cx: &RunCtx<'_> = unsafe { &*(p as *const RunCtx<'_>) };
    if run != 0 && run != cx.run {
        return Err(api_error("a node of another report was used"));
    }
    f(cx)
}

/// The current run's context, whatever run a value belongs to (for functions
/// that take no node).
fn with_current<R>(f: impl for<'x> FnOnce(&'x RunCtx<'x>) -> RhaiResult<R>) -> RhaiResult<R> {
    with_cx(0, f)
}

/// Run a script rule over one report, on the calling thread.
///
/// Stack: Rhai recurses natively for script calls and nested expressions.
/// Within the limits, the deepest scripts need ~1.2–2 MiB in a debug build
/// (measured: 32 call levels, each with calls or method chains nested to the
/// maximal expression depth), ~0.5 MiB for plain nesting. Rather than a
/// thread of 16 MiB per run (0.2–0.5 ms to start each here), the sandbox's
/// watchdog stops a run that has used `sandbox::MAX_NATIVE_STACK` (1 MiB), so
/// a rayon worker's 2 MiB is always enough. Imported modules are evaluated when
/// the pack loads, never here, so they add nothing to a run's stack.
pub fn run(rule: &Rule, script: &Script, doc: &Document, text: &str) -> RuleResult {
    if let Some(e) = &script.forbidden {
        let mut out = RuleResult::default();
        out.diagnostics.push(script_failure(rule, &script.path, e));
        return out;
    }
    let in_scope = (0..doc.sections.len())
        .map(|s| {
            rule.scope.is_empty() || {
                let key = doc.path_keys.get(s).map(String::as_str).unwrap_or("");
                rule.scope.iter().any(|sc| key.contains(fold(sc).as_str()))
            }
        })
        .collect();
    let cx = RunCtx {
        run: NEXT_RUN.fetch_add(1, Ordering::Relaxed),
        rule,
        script: &script.path,
        doc,
        text,
        in_scope,
        out: RefCell::new(RuleResult::default()),
        prints: StdCell::new(0),
    };
    let result = {
        let _installed = Installed::new(&cx);
        let mut scope = Scope::new();
        scope.push("doc", DocNode { run: cx.run });
        scope.push("options", options_map(&rule.options));
        sandbox::eval_with(
            &script.engine,
            &script.ast,
            &mut scope,
            sandbox::RunOptions {
                caller_thread: true,
                ..Default::default()
            },
        )
        .map(|_| ())
    };
    let prints = cx.prints.get();
    let mut out = cx.out.into_inner();
    let skipped = prints.saturating_sub(MAX_PRINTS);
    if skipped > 0 {
        eprintln!(
            "gouji: {}: {}: {skipped} more line(s) of script output not shown",
            rule.id, script.path
        );
    }
    if let Err(e) = result {
        out.diagnostics.push(script_failure(rule, &script.path, &e));
    }
    out
}

/// The diagnostic for a script that failed while running.
fn script_failure(rule: &Rule, path: &str, e: &ScriptError) -> Diagnostic {
    let at = match (e.line, e.column) {
        (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
        (Some(l), None) => format!("{path}:{l}"),
        _ => path.to_owned(),
    };
    let help = match e.kind {
        ScriptErrorKind::TooManyOperations
        | ScriptErrorKind::OperationBudget
        | ScriptErrorKind::Timeout => {
            "脚本被沙箱中止：检查循环是否能结束（README：脚本规则的限制）"
        }
        ScriptErrorKind::StackOverflow => "脚本函数递归过深：检查递归的终止条件",
        ScriptErrorKind::DataTooLarge => "脚本生成的字符串、数组或映射超过沙箱上限",
        ScriptErrorKind::Forbidden => "规则脚本不能使用 eval",
        ScriptErrorKind::ApiMisuse => {
            "检查对 gouji 接口的调用（README：编写脚本规则；docs/gouji.d.rhai）"
        }
        ScriptErrorKind::ImportDenied | ScriptErrorKind::ModuleNotFound => {
            "脚本只能导入本规则包目录中的 .rhai 模块"
        }
        _ => "这是规则脚本的错误，不是报告的问题；请修改规则脚本",
    };
    Diagnostic::new(
        rule.id.clone(),
        Severity::Error,
        format!("规则脚本出错（{at}）：{}", e.message),
    )
    .with_outcome(Outcome::ToolError)
    .with_help(help)
}

/// `print` and `debug` go to stderr with the rule and the script position
/// (stdout carries the report).
fn log_line(line: sandbox::LogLine) {
    let _ = with_current(|cx| {
        let n = cx.prints.get() + 1;
        cx.prints.set(n);
        if n <= MAX_PRINTS {
            let pos = match (line.line, line.column) {
                (Some(l), Some(c)) => format!(":{l}:{c}"),
                _ => String::new(),
            };
            let src = line.source.as_deref().unwrap_or(cx.script);
            let what = match line.kind {
                sandbox::LogKind::Print => "print",
                sandbox::LogKind::Debug => "debug",
            };
            eprintln!("gouji: {}: {src}{pos}: {what}: {}", cx.rule.id, line.text);
        }
        Ok(())
    });
}

/// Rule options (`[options.RULE-ID]` in gouji.toml, `options` in the rule)
/// as a Rhai map. Floats become decimals.
fn options_map(t: &toml::Table) -> Map {
    t.iter()
        .map(|(k, v)| (k.as_str().into(), toml_to_dynamic(v)))
        .collect()
}

fn toml_to_dynamic(v: &toml::Value) -> Dynamic {
    match v {
        toml::Value::String(s) => s.clone().into(),
        toml::Value::Integer(i) => Dynamic::from_int(*i),
        toml::Value::Float(f) => {
            Dynamic::from_decimal(f.to_string().parse::<Decimal>().unwrap_or_default())
        }
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::Datetime(d) => d.to_string().into(),
        toml::Value::Array(a) => Dynamic::from_array(a.iter().map(toml_to_dynamic).collect()),
        toml::Value::Table(t) => Dynamic::from_map(options_map(t)),
    }
}

// ---------------------------------------------------------------------------
// The nodes a script sees
// ---------------------------------------------------------------------------

/// `doc`: the report.
#[derive(Debug, Clone, Copy)]
pub struct DocNode {
    run: u64,
}

#[derive(Debug, Clone, Copy)]
pub struct FactNode {
    run: u64,
    id: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct SectionNode {
    run: u64,
    id: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct TableNode {
    run: u64,
    id: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct RowNode {
    run: u64,
    table: u32,
    row: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct CellNode {
    run: u64,
    table: u32,
    row: u32,
    cell: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct SentenceNode {
    run: u64,
    id: u32,
}

/// A regex match in a sentence, with its span in the report.
#[derive(Debug, Clone)]
pub struct MatchNode {
    run: u64,
    span: Span,
    text: ImmutableString,
    groups: Array,
}

fn unit() -> Dynamic {
    Dynamic::UNIT
}

fn opt<T: Clone + Send + Sync + 'static>(v: Option<T>) -> Dynamic {
    v.map_or(Dynamic::UNIT, Dynamic::from)
}

fn int(n: usize) -> Dynamic {
    Dynamic::from_int(n as INT)
}

fn s(v: &str) -> Dynamic {
    Dynamic::from(ImmutableString::from(v))
}

impl RunCtx<'_> {
    fn fact(&self, id: u32) -> RhaiResult<&Fact> {
        self.doc
            .facts
            .get(id as usize)
            .ok_or_else(|| api_error("no such fact"))
    }
    fn fact_node(&self, id: usize) -> Dynamic {
        Dynamic::from(FactNode {
            run: self.run,
            id: id as u32,
        })
    }
    fn opt_fact(&self, id: Option<usize>) -> Dynamic {
        id.map_or(unit(), |i| self.fact_node(i))
    }
    fn section_node(&self, id: usize) -> Dynamic {
        Dynamic::from(SectionNode {
            run: self.run,
            id: id as u32,
        })
    }
    fn table_node(&self, id: usize) -> Dynamic {
        Dynamic::from(TableNode {
            run: self.run,
            id: id as u32,
        })
    }
    fn row_node(&self, table: usize, row: usize) -> Dynamic {
        Dynamic::from(RowNode {
            run: self.run,
            table: table as u32,
            row: row as u32,
        })
    }
    fn cell_node(&self, table: usize, row: usize, cell: usize) -> Dynamic {
        Dynamic::from(CellNode {
            run: self.run,
            table: table as u32,
            row: row as u32,
            cell: cell as u32,
        })
    }
    fn sentence_node(&self, id: usize) -> Dynamic {
        Dynamic::from(SentenceNode {
            run: self.run,
            id: id as u32,
        })
    }
    fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
    fn table(&self, t: u32) -> RhaiResult<&crate::document::Table> {
        self.doc
            .tables
            .get(t as usize)
            .ok_or_else(|| api_error("no such table"))
    }
    fn row(&self, t: u32, r: u32) -> RhaiResult<&crate::document::Row> {
        self.table(t)?
            .rows
            .get(r as usize)
            .ok_or_else(|| api_error("no such row"))
    }
    fn cell(&self, c: &CellNode) -> RhaiResult<&crate::document::Cell> {
        self.row(c.table, c.row)?
            .cells
            .get(c.cell as usize)
            .ok_or_else(|| api_error("no such cell"))
    }
    fn section(&self, id: u32) -> RhaiResult<&crate::document::Section> {
        self.doc
            .sections
            .get(id as usize)
            .ok_or_else(|| api_error("no such section"))
    }
    fn table_section(&self, t: &crate::document::Table) -> usize {
        crate::document::section_at(self.doc, t.span.start)
    }
    fn table_in_scope(&self, t: usize) -> bool {
        let s = self.table_section(&self.doc.tables[t]);
        self.in_scope.get(s).copied().unwrap_or(true)
    }
    fn fact_in_scope(&self, f: &Fact) -> bool {
        self.in_scope.get(f.section).copied().unwrap_or(true)
    }
    /// Facts read from the cell (table, row, cell).
    fn cell_facts(&self, t: u32, r: u32, c: Option<u32>) -> Vec<usize> {
        self.doc
            .by_row
            .get(&(t as usize, r as usize))
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                c.is_none_or(|c| {
                    self.doc.facts[i]
                        .cell
                        .as_ref()
                        .is_some_and(|cr| cr.cell == c as usize)
                })
            })
            .collect()
    }
    fn sentence_span(&self, id: u32) -> RhaiResult<Span> {
        self.doc
            .sentences
            .get(id as usize)
            .map(|s| s.span)
            .ok_or_else(|| api_error("no such sentence"))
    }
}

// ---- regexes ---------------------------------------------------------------

thread_local! {
    static REGEXES: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// A compiled regex, cached per thread (at most 256 patterns).
fn regex(pattern: &str) -> RhaiResult<Regex> {
    if let Some(r) = REGEXES.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(r);
    }
    let r = regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .dfa_size_limit(1 << 20)
        .build()
        .map_err(|e| {
            let msg = e.to_string();
            let last = msg
                .lines()
                .last()
                .unwrap_or("invalid regex")
                .trim()
                .to_owned();
            api_error(format!("invalid regex {pattern:?}: {last}"))
        })?;
    REGEXES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 256 {
            c.clear();
        }
        c.insert(pattern.to_owned(), r.clone());
    });
    Ok(r)
}

// ---------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------

/// The span a node is labelled with, and the facts it stands for (covered
/// when the node takes part in a finding).
fn node_span(cx: &RunCtx<'_>, v: &Dynamic, what: &str) -> RhaiResult<(Span, Vec<usize>)> {
    let wrong = || {
        api_error(format!(
            "{what} must be a fact, cell, row, table, section, sentence or match, not {}",
            v.type_name().rsplit("::").next().unwrap_or("?")
        ))
    };
    if let Some(f) = v.clone().try_cast::<FactNode>() {
        check_run(cx, f.run)?;
        let fact = cx.fact(f.id)?;
        return Ok((fact.span, vec![fact.id]));
    }
    if let Some(c) = v.clone().try_cast::<CellNode>() {
        check_run(cx, c.run)?;
        let cell = cx.cell(&c)?;
        return Ok((cell.span, cx.cell_facts(c.table, c.row, Some(c.cell))));
    }
    if let Some(r) = v.clone().try_cast::<RowNode>() {
        check_run(cx, r.run)?;
        let row = cx.row(r.table, r.row)?;
        let span = row.label_span.or_else(|| {
            row.cells
                .iter()
                .filter(|c| !c.key.is_empty())
                .map(|c| c.span)
                .reduce(|a, b| a.cover(b))
        });
        return Ok((span.unwrap_or_default(), Vec::new()));
    }
    if let Some(t) = v.clone().try_cast::<TableNode>() {
        check_run(cx, t.run)?;
        let table = cx.table(t.id)?;
        return Ok((table.title_span.unwrap_or(table.span), Vec::new()));
    }
    if let Some(sn) = v.clone().try_cast::<SectionNode>() {
        check_run(cx, sn.run)?;
        let sec = cx.section(sn.id)?;
        let span = sec
            .heading
            .map(|h| cx.doc.headings[h].span)
            .unwrap_or(sec.span);
        return Ok((span, Vec::new()));
    }
    if let Some(sn) = v.clone().try_cast::<SentenceNode>() {
        check_run(cx, sn.run)?;
        return Ok((cx.sentence_span(sn.id)?, Vec::new()));
    }
    if let Some(m) = v.clone().try_cast::<MatchNode>() {
        check_run(cx, m.run)?;
        return Ok((m.span, Vec::new()));
    }
    Err(wrong())
}

fn check_run(cx: &RunCtx<'_>, run: u64) -> RhaiResult<()> {
    if run == cx.run {
        Ok(())
    } else {
        Err(api_error("a node of another report was used"))
    }
}

fn to_text(v: &Dynamic) -> String {
    if let Some(q) = v.clone().try_cast::<Quantity>() {
        return q.to_string();
    }
    v.to_string()
}

/// `report(#{ primary, message | values, help, label, secondary })`.
fn report_map(m: Map) -> RhaiResult<()> {
    with_current(|cx| {
        const KEYS: &[&str] = &["primary", "message", "values", "help", "label", "secondary"];
        if let Some(k) = m.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(api_error(format!(
                "report: unknown key `{k}` (keys: {})",
                KEYS.join(", ")
            )));
        }
        let values: Vec<(String, String)> = match m.get("values") {
            None => Vec::new(),
            Some(v) => match v.read_lock::<Map>() {
                Some(vm) => vm
                    .iter()
                    .map(|(k, v)| (k.to_string(), to_text(v)))
                    .collect(),
                None => return Err(api_error("report: `values` must be a map")),
            },
        };
        let values_ref: Vec<(&str, String)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let message = match m.get("message") {
            Some(v) if v.is_string() => v.to_string(),
            Some(_) => return Err(api_error("report: `message` must be a string")),
            None => interpolate(&cx.rule.message, &values_ref),
        };
        let mut d = Diagnostic::new(cx.rule.id.clone(), cx.rule.severity, message);
        d.help = match m.get("help") {
            Some(v) if v.is_string() => Some(v.to_string()),
            Some(_) => return Err(api_error("report: `help` must be a string")),
            None => cx.rule.help.as_ref().map(|h| interpolate(h, &values_ref)),
        };
        let mut covered = Vec::new();
        let primary = m
            .get("primary")
            .ok_or_else(|| api_error("report: the map needs `primary` (the node to underline)"))?;
        let (span, facts) = node_span(cx, primary, "report: `primary`")?;
        covered.extend(facts);
        d.labels.push(match m.get("label") {
            Some(l) => Label::new(span, l.to_string()),
            None => Label::bare(span),
        });
        if let Some(sec) = m.get("secondary") {
            let Some(arr) = sec.read_lock::<Array>().map(|a| a.clone()) else {
                return Err(api_error("report: `secondary` must be an array of nodes"));
            };
            for item in arr {
                // A node, [node, "label"], or #{ node, label }.
                let (node, label) = if let Some(pair) = item.read_lock::<Array>() {
                    match pair.as_slice() {
                        [n, l] => (n.clone(), Some(l.to_string())),
                        _ => {
                            return Err(api_error(
                                "report: a secondary label as an array is [node, \"label\"]",
                            ))
                        }
                    }
                } else if let Some(lm) = item.read_lock::<Map>() {
                    let n = lm.get("node").cloned().ok_or_else(|| {
                        api_error("report: a secondary label as a map needs `node`")
                    })?;
                    (n, lm.get("label").map(|l| l.to_string()))
                } else {
                    (item.clone(), None)
                };
                let (span, facts) = node_span(cx, &node, "report: a secondary label")?;
                covered.extend(facts);
                d.labels.push(match label {
                    Some(l) => Label::new(span, l),
                    None => Label::bare(span),
                });
            }
        }
        let mut out = cx.out.borrow_mut();
        out.covered.extend(covered);
        out.diagnostics.push(d);
        Ok(())
    })
}

fn report_node(node: Dynamic, message: ImmutableString) -> RhaiResult<()> {
    let mut m = Map::new();
    m.insert("primary".into(), node);
    m.insert("message".into(), message.into());
    report_map(m)
}

fn not_checked(node: Option<Dynamic>, reason: ImmutableString) -> RhaiResult<()> {
    with_current(|cx| {
        let mut d = Diagnostic::new(
            cx.rule.id.clone(),
            Severity::Info,
            format!("未能核对：{reason}"),
        )
        .with_outcome(Outcome::NotChecked);
        if let Some(n) = node {
            let (span, _) = node_span(cx, &n, "not_checked: the node")?;
            d.labels.push(Label::bare(span));
        }
        cx.out.borrow_mut().diagnostics.push(d);
        Ok(())
    })
}

fn covered(v: Dynamic) -> RhaiResult<()> {
    with_current(|cx| {
        let mut ids = Vec::new();
        collect_covered(cx, &v, &mut ids)?;
        cx.out.borrow_mut().covered.extend(ids);
        Ok(())
    })
}

fn collect_covered(cx: &RunCtx<'_>, v: &Dynamic, ids: &mut Vec<usize>) -> RhaiResult<()> {
    if let Some(a) = v.read_lock::<Array>() {
        for x in a.iter() {
            collect_covered(cx, x, ids)?;
        }
        return Ok(());
    }
    if let Some(r) = v.clone().try_cast::<RowNode>() {
        check_run(cx, r.run)?;
        ids.extend(cx.cell_facts(r.table, r.row, None));
        return Ok(());
    }
    if let Some(t) = v.clone().try_cast::<TableNode>() {
        check_run(cx, t.run)?;
        let n = cx.table(t.id)?.rows.len() as u32;
        for r in 0..n {
            ids.extend(cx.cell_facts(t.id, r, None));
        }
        return Ok(());
    }
    let (_, facts) = node_span(cx, v, "covered: the node")?;
    ids.extend(facts);
    Ok(())
}

// ---------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------

fn register_api(e: &mut Engine) {
    super::expr::register_quantity(e);
    register_quantity_extras(e);
    register_doc(e);
    register_fact(e);
    register_section(e);
    register_table(e);
    register_sentence(e);

    e.register_fn("report", report_map);
    e.register_fn("report", report_node);
    e.register_fn("not_checked", |reason: ImmutableString| {
        not_checked(None, reason)
    });
    e.register_fn("not_checked", |node: Dynamic, reason: ImmutableString| {
        not_checked(Some(node), reason)
    });
    e.register_fn("covered", covered);

    // Plain regex helpers on strings.
    e.register_fn("is_match", |text: &str, re: &str| -> RhaiResult<bool> {
        Ok(regex(re)?.is_match(text))
    });
    e.register_fn("captures", |text: &str, re: &str| -> RhaiResult<Array> {
        let r = regex(re)?;
        Ok(match r.captures(text) {
            None => Array::new(),
            Some(c) => c
                .iter()
                .map(|m| m.map_or(unit(), |m| s(m.as_str())))
                .collect(),
        })
    });
    // Folding as the parser does (full-width to ASCII, spaces removed).
    e.register_fn("fold", |text: &str| fold(text));
}

fn register_quantity_extras(e: &mut Engine) {
    fn q_int(i: INT) -> Quantity {
        Quantity::exact(Decimal::from(i))
    }
    e.register_get("lo", |q: &mut Quantity| q.lo());
    e.register_get("hi", |q: &mut Quantity| q.hi());
    e.register_get("mid", |q: &mut Quantity| q.mid());
    e.register_get("is_undefined", |q: &mut Quantity| q.is_undefined());
    e.register_get("is_point", |q: &mut Quantity| q.is_point());
    e.register_fn("to_debug", |q: &mut Quantity| format!("Quantity({q})"));
    fn agrees(a: &Quantity, b: &Quantity) -> ImmutableString {
        a.agrees(b).as_str().into()
    }
    e.register_fn("agrees", |a: &mut Quantity, b: Quantity| agrees(a, &b));
    e.register_fn("agrees", |a: &mut Quantity, b: INT| agrees(a, &q_int(b)));
    e.register_fn("agrees", |a: &mut Quantity, b: Decimal| {
        agrees(a, &Quantity::exact(b))
    });
    e.register_fn("contains", |a: &mut Quantity, v: Decimal| a.contains(v));
    e.register_fn("contains", |a: &mut Quantity, v: INT| {
        a.contains(Decimal::from(v))
    });
    e.register_fn("certainly_lt", |a: &mut Quantity, b: Quantity| {
        a.certainly_lt(&b)
    });
    e.register_fn("certainly_gt", |a: &mut Quantity, b: Quantity| {
        a.certainly_gt(&b)
    });
    e.register_fn("certainly_lt", |a: &mut Quantity, b: INT| {
        a.certainly_lt(&q_int(b))
    });
    e.register_fn("certainly_gt", |a: &mut Quantity, b: INT| {
        a.certainly_gt(&q_int(b))
    });
    // The midpoint rounded to `dp` places, for messages: `5.56`.
    e.register_fn("show", |a: &mut Quantity, dp: INT| {
        if a.is_undefined() {
            return "无定义".to_string();
        }
        a.mid()
            .round_dp_with_strategy(
                dp.clamp(0, 10) as u32,
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            )
            .normalize()
            .to_string()
    });
    e.register_fn("range", |a: &mut Quantity, dp: INT| {
        a.display_range(dp.clamp(0, 10) as u32)
    });
    // Figures as written: `stated(5.56)` is [5.555, 5.565].
    e.register_fn("stated", Quantity::from_written);
    e.register_fn("stated", |v: INT| Quantity::stated(Decimal::from(v), 0));
    e.register_fn("stated", |v: Decimal, decimals: INT| {
        Quantity::stated(v, decimals.clamp(0, 20) as u32)
    });
    e.register_fn("stated", |v: INT, decimals: INT| {
        Quantity::stated(Decimal::from(v), decimals.clamp(0, 20) as u32)
    });
    e.register_fn("undefined", Quantity::undefined);
    e.register_fn("sum", |a: Array| -> RhaiResult<Quantity> {
        let mut acc = Quantity::zero();
        for v in a {
            let q = if let Some(q) = v.clone().try_cast::<Quantity>() {
                q
            } else if let Ok(i) = v.as_int() {
                q_int(i)
            } else if let Ok(d) = v.as_decimal() {
                Quantity::exact(d)
            } else {
                return Err(api_error(format!(
                    "sum: not a quantity or number: {}",
                    v.type_name()
                )));
            };
            acc = acc.add(&q);
        }
        Ok(acc)
    });
    // Comparisons with decimals, as expr.rs has them with integers.
    e.register_fn("<=", |a: Quantity, b: Decimal| {
        !a.certainly_gt(&Quantity::exact(b))
    });
    e.register_fn(">=", |a: Quantity, b: Decimal| {
        !a.certainly_lt(&Quantity::exact(b))
    });
    // `<` / `>` mean "possibly less / greater", as between two quantities.
    fn possibly_lt(a: &Quantity, b: &Quantity) -> bool {
        !(a.certainly_gt(b) || a.agrees(b) == Agreement::Consistent && a.is_point() && b.is_point())
    }
    e.register_fn("<", |a: Quantity, b: INT| possibly_lt(&a, &q_int(b)));
    e.register_fn(">", |a: Quantity, b: INT| possibly_lt(&q_int(b), &a));
    e.register_fn("<", |a: Quantity, b: Decimal| {
        possibly_lt(&a, &Quantity::exact(b))
    });
    e.register_fn(">", |a: Quantity, b: Decimal| {
        possibly_lt(&Quantity::exact(b), &a)
    });
}

fn register_doc(e: &mut Engine) {
    e.register_type_with_name::<DocNode>("Document");
    e.register_fn("to_string", |_: &mut DocNode| "Document".to_string());
    e.register_fn("to_debug", |_: &mut DocNode| "Document".to_string());
    e.register_fn("facts", |d: &mut DocNode| -> RhaiResult<Array> {
        with_cx(d.run, |cx| {
            Ok(cx
                .doc
                .facts
                .iter()
                .filter(|f| cx.fact_in_scope(f))
                .map(|f| cx.fact_node(f.id))
                .collect())
        })
    });
    e.register_fn(
        "facts",
        |d: &mut DocNode, label: &str| -> RhaiResult<Array> {
            with_cx(d.run, |cx| {
                Ok(cx
                    .doc
                    .facts_with_labels(&[label.to_owned()])
                    .into_iter()
                    .filter(|&i| cx.fact_in_scope(&cx.doc.facts[i]))
                    .map(|i| cx.fact_node(i))
                    .collect())
            })
        },
    );
    e.register_fn(
        "facts_matching",
        |d: &mut DocNode, re: &str| -> RhaiResult<Array> {
            let r = regex(re)?;
            with_cx(d.run, |cx| {
                Ok(cx
                    .doc
                    .facts
                    .iter()
                    .filter(|f| cx.fact_in_scope(f) && r.is_match(&f.label))
                    .map(|f| cx.fact_node(f.id))
                    .collect())
            })
        },
    );
    e.register_fn("sections", |d: &mut DocNode| -> RhaiResult<Array> {
        with_cx(d.run, |cx| {
            Ok((0..cx.doc.sections.len())
                .filter(|&s| cx.in_scope[s])
                .map(|s| cx.section_node(s))
                .collect())
        })
    });
    e.register_fn(
        "section",
        |d: &mut DocNode, title: &str| -> RhaiResult<Dynamic> {
            let want = fold(title);
            with_cx(d.run, |cx| {
                Ok(cx
                    .doc
                    .sections
                    .iter()
                    .find(|s| {
                        cx.in_scope[s.id]
                            && s.id != 0
                            && (fold(&s.title).contains(&want)
                                || cx.doc.path_keys[s.id].contains(&want))
                    })
                    .map_or(unit(), |s| cx.section_node(s.id)))
            })
        },
    );
    e.register_fn("tables", |d: &mut DocNode| -> RhaiResult<Array> {
        with_cx(d.run, |cx| {
            Ok((0..cx.doc.tables.len())
                .filter(|&t| cx.table_in_scope(t))
                .map(|t| cx.table_node(t))
                .collect())
        })
    });
    e.register_fn(
        "tables",
        |d: &mut DocNode, header: &str| -> RhaiResult<Array> {
            with_cx(d.run, |cx| {
                Ok((0..cx.doc.tables.len())
                    .filter(|&t| cx.table_in_scope(t) && cx.doc.tables[t].has_header(header))
                    .map(|t| cx.table_node(t))
                    .collect())
            })
        },
    );
    e.register_fn(
        "table",
        |d: &mut DocNode, header: &str| -> RhaiResult<Dynamic> {
            with_cx(d.run, |cx| {
                Ok((0..cx.doc.tables.len())
                    .find(|&t| cx.table_in_scope(t) && cx.doc.tables[t].has_header(header))
                    .map_or(unit(), |t| cx.table_node(t)))
            })
        },
    );
    e.register_fn("sentences", |d: &mut DocNode| -> RhaiResult<Array> {
        with_cx(d.run, |cx| {
            Ok(cx
                .doc
                .sentences
                .iter()
                .filter(|s| cx.in_scope.get(s.section).copied().unwrap_or(true))
                .map(|s| cx.sentence_node(s.id))
                .collect())
        })
    });
    e.register_fn(
        "sentences_matching",
        |d: &mut DocNode, re: &str| -> RhaiResult<Array> {
            let r = regex(re)?;
            with_cx(d.run, |cx| {
                Ok(cx
                    .doc
                    .sentences
                    .iter()
                    .filter(|s| {
                        cx.in_scope.get(s.section).copied().unwrap_or(true)
                            && r.is_match(cx.doc.sentence_text(s.id))
                    })
                    .map(|s| cx.sentence_node(s.id))
                    .collect())
            })
        },
    );
    e.register_get("title", |d: &mut DocNode| -> RhaiResult<Dynamic> {
        with_cx(d.run, |cx| {
            Ok(cx.doc.title.as_ref().map_or(unit(), |t| s(&t.0)))
        })
    });
    e.register_get("stage", |d: &mut DocNode| -> RhaiResult<Dynamic> {
        with_cx(d.run, |cx| {
            Ok(cx.doc.kind.stage.map_or(unit(), |k| s(k.as_str())))
        })
    });
    e.register_get("unit_kind", |d: &mut DocNode| -> RhaiResult<Dynamic> {
        with_cx(d.run, |cx| {
            Ok(cx.doc.kind.scope.map_or(unit(), |k| s(k.as_str())))
        })
    });
    e.register_get("year", |d: &mut DocNode| -> RhaiResult<Dynamic> {
        with_cx(d.run, |cx| {
            Ok(cx.doc.kind.year.map_or(unit(), |y| int(y as usize)))
        })
    });
}

fn register_fact(e: &mut Engine) {
    e.register_type_with_name::<FactNode>("Fact");
    fn get<R>(
        f: &FactNode,
        g: impl for<'x> FnOnce(&'x RunCtx<'x>, &'x Fact) -> R,
    ) -> RhaiResult<R> {
        with_cx(f.run, |cx| {
            let fact = cx.fact(f.id)?;
            Ok(g(cx, fact))
        })
    }
    e.register_fn("to_string", |f: &mut FactNode| -> RhaiResult<String> {
        get(f, |cx, fact| {
            format!("{} {}", fact.label, cx.slice(fact.span))
        })
    });
    e.register_fn("to_debug", |f: &mut FactNode| -> RhaiResult<String> {
        get(f, |cx, fact| {
            format!("Fact#{}({} {})", fact.id, fact.label, cx.slice(fact.span))
        })
    });
    e.register_get("id", |f: &mut FactNode| get(f, |_, x| x.id as INT));
    e.register_get("kind", |f: &mut FactNode| {
        get(f, |_, x| x.kind.as_str().to_string())
    });
    e.register_get("role", |f: &mut FactNode| {
        get(f, |_, x| {
            serde_json::to_value(x.role)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
    });
    e.register_get("label", |f: &mut FactNode| get(f, |_, x| x.label.clone()));
    e.register_get("text", |f: &mut FactNode| {
        get(f, |cx, x| cx.slice(x.span).to_owned())
    });
    e.register_get("start", |f: &mut FactNode| {
        get(f, |_, x| x.span.start as INT)
    });
    e.register_get("end", |f: &mut FactNode| get(f, |_, x| x.span.end as INT));
    e.register_get("value", |f: &mut FactNode| get(f, |_, x| opt(x.quantity())));
    e.register_get("wan", |f: &mut FactNode| {
        get(f, |_, x| opt(x.quantity_wan()))
    });
    e.register_get("exact", |f: &mut FactNode| {
        get(f, |_, x| opt(x.value().map(Quantity::exact)))
    });
    e.register_get("number", |f: &mut FactNode| get(f, |_, x| opt(x.value())));
    e.register_get("decimals", |f: &mut FactNode| {
        get(f, |_, x| {
            x.number
                .as_ref()
                .map_or(unit(), |n| int(n.decimals as usize))
        })
    });
    e.register_get("unit", |f: &mut FactNode| {
        get(f, |_, x| {
            x.number
                .as_ref()
                .map(|n| n.unit.as_str().to_owned())
                .unwrap_or_default()
        })
    });
    e.register_get("section", |f: &mut FactNode| {
        get(f, |cx, x| cx.section_node(x.section))
    });
    e.register_get("sentence", |f: &mut FactNode| {
        get(f, |cx, x| {
            x.sentence.map_or(unit(), |s| cx.sentence_node(s))
        })
    });
    e.register_get("cell", |f: &mut FactNode| {
        get(f, |cx, x| {
            x.cell
                .as_ref()
                .map_or(unit(), |c| cx.cell_node(c.table, c.row, c.cell))
        })
    });
    e.register_get("of", |f: &mut FactNode| {
        get(f, |cx, x| cx.opt_fact(x.links.of))
    });
    e.register_get("share", |f: &mut FactNode| {
        get(f, |cx, x| cx.opt_fact(x.links.share))
    });
    e.register_get("total", |f: &mut FactNode| {
        get(f, |cx, x| cx.opt_fact(x.links.total))
    });
    e.register_get("items", |f: &mut FactNode| {
        get(f, |cx, x| -> Array {
            x.links.items.iter().map(|&i| cx.fact_node(i)).collect()
        })
    });
    e.register_get("changes", |f: &mut FactNode| {
        get(f, |cx, x| -> Array {
            x.links.changes.iter().map(|&i| cx.fact_node(i)).collect()
        })
    });
    e.register_get("direction", |f: &mut FactNode| {
        get(f, |_, x| {
            x.change.as_ref().map_or(unit(), |c| {
                s(match c.direction {
                    crate::document::Direction::Increase => "increase",
                    crate::document::Direction::Decrease => "decrease",
                    crate::document::Direction::Unchanged => "unchanged",
                })
            })
        })
    });
    e.register_get("base", |f: &mut FactNode| {
        get(f, |_, x| {
            x.change
                .as_ref()
                .and_then(|c| c.base.as_deref())
                .map_or(unit(), s)
        })
    });
    e.register_get("delta", |f: &mut FactNode| {
        get(f, |cx, x| {
            cx.opt_fact(x.change.as_ref().and_then(|c| c.delta))
        })
    });
    e.register_get("rate", |f: &mut FactNode| {
        get(f, |cx, x| {
            cx.opt_fact(x.change.as_ref().and_then(|c| c.rate))
        })
    });
    e.register_get("share_base", |f: &mut FactNode| {
        get(f, |_, x| x.share_base.as_deref().map_or(unit(), s))
    });
}

fn register_section(e: &mut Engine) {
    e.register_type_with_name::<SectionNode>("Section");
    fn get<R>(
        n: &SectionNode,
        g: impl for<'x> FnOnce(&'x RunCtx<'x>, &'x crate::document::Section) -> R,
    ) -> RhaiResult<R> {
        with_cx(n.run, |cx| {
            let sec = cx.section(n.id)?;
            Ok(g(cx, sec))
        })
    }
    e.register_fn("to_string", |n: &mut SectionNode| {
        get(n, |_, x| x.title.clone())
    });
    e.register_fn("to_debug", |n: &mut SectionNode| {
        get(n, |_, x| format!("Section#{}({})", x.id, x.path.join("/")))
    });
    e.register_get("id", |n: &mut SectionNode| get(n, |_, x| x.id as INT));
    e.register_get("title", |n: &mut SectionNode| {
        get(n, |_, x| x.title.clone())
    });
    e.register_get("level", |n: &mut SectionNode| get(n, |_, x| x.level as INT));
    e.register_get("path", |n: &mut SectionNode| {
        get(n, |_, x| -> Array { x.path.iter().map(|p| s(p)).collect() })
    });
    e.register_get("text", |n: &mut SectionNode| {
        get(n, |cx, x| cx.slice(x.span).to_owned())
    });
    e.register_get("start", |n: &mut SectionNode| {
        get(n, |_, x| x.span.start as INT)
    });
    e.register_get("end", |n: &mut SectionNode| {
        get(n, |_, x| x.span.end as INT)
    });
    e.register_get("parent", |n: &mut SectionNode| {
        get(n, |cx, x| x.parent.map_or(unit(), |p| cx.section_node(p)))
    });
    e.register_get("children", |n: &mut SectionNode| {
        get(n, |cx, x| -> Array {
            x.children.iter().map(|&c| cx.section_node(c)).collect()
        })
    });
    e.register_fn("facts", |n: &mut SectionNode| {
        get(n, |cx, x| -> Array {
            cx.doc
                .facts
                .iter()
                .filter(|f| cx.doc.section_within(f.section, x.id))
                .map(|f| cx.fact_node(f.id))
                .collect()
        })
    });
    e.register_fn("tables", |n: &mut SectionNode| {
        get(n, |cx, x| -> Array {
            (0..cx.doc.tables.len())
                .filter(|&t| {
                    cx.doc
                        .section_within(cx.table_section(&cx.doc.tables[t]), x.id)
                })
                .map(|t| cx.table_node(t))
                .collect()
        })
    });
    e.register_fn("sentences", |n: &mut SectionNode| {
        get(n, |cx, x| -> Array {
            cx.doc
                .sentences
                .iter()
                .filter(|st| cx.doc.section_within(st.section, x.id))
                .map(|st| cx.sentence_node(st.id))
                .collect()
        })
    });
}

fn register_table(e: &mut Engine) {
    use crate::document::{Row, Table};
    e.register_type_with_name::<TableNode>("Table");
    e.register_type_with_name::<RowNode>("Row");
    e.register_type_with_name::<CellNode>("Cell");
    fn table<R>(
        n: &TableNode,
        g: impl for<'x> FnOnce(&'x RunCtx<'x>, &'x Table) -> R,
    ) -> RhaiResult<R> {
        with_cx(n.run, |cx| {
            let t = cx.table(n.id)?;
            Ok(g(cx, t))
        })
    }
    fn row<R>(n: &RowNode, g: impl for<'x> FnOnce(&'x RunCtx<'x>, &'x Row) -> R) -> RhaiResult<R> {
        with_cx(n.run, |cx| {
            let r = cx.row(n.table, n.row)?;
            Ok(g(cx, r))
        })
    }
    fn cell<R>(
        n: &CellNode,
        g: impl for<'x> FnOnce(&'x RunCtx<'x>, &'x crate::document::Cell) -> R,
    ) -> RhaiResult<R> {
        with_cx(n.run, |cx| {
            let c = cx.cell(n)?;
            Ok(g(cx, c))
        })
    }
    /// The cell of row `r` of table `t` under `header`.
    fn cell_under(cx: &RunCtx<'_>, t: usize, r: usize, header: &str) -> Dynamic {
        let row = &cx.doc.tables[t].rows[r];
        row.get(header)
            .and_then(|c| row.cells.iter().position(|x| std::ptr::eq(x, c)))
            .map_or(unit(), |i| cx.cell_node(t, r, i))
    }
    fn data_rows(t: &Table) -> impl Iterator<Item = usize> + '_ {
        (0..t.rows.len()).filter(|&r| t.rows[r].kind != RowKind::Header)
    }

    // Table
    e.register_fn("to_string", |n: &mut TableNode| {
        table(n, |_, t| t.title.clone().unwrap_or_else(|| "table".into()))
    });
    e.register_fn("to_debug", |n: &mut TableNode| {
        table(n, |_, t| {
            format!("Table#{}({})", n.id, t.title.as_deref().unwrap_or(""))
        })
    });
    e.register_get("id", |n: &mut TableNode| {
        Ok::<_, Box<EvalAltResult>>(n.id as INT)
    });
    e.register_get("title", |n: &mut TableNode| {
        table(n, |_, t| t.title.as_deref().map_or(unit(), s))
    });
    e.register_get("kind", |n: &mut TableNode| {
        table(n, |_, t| t.kind.as_deref().map_or(unit(), s))
    });
    e.register_get("unit", |n: &mut TableNode| {
        table(n, |_, t| t.unit.as_deref().map_or(unit(), s))
    });
    e.register_get("start", |n: &mut TableNode| {
        table(n, |_, t| t.span.start as INT)
    });
    e.register_get("end", |n: &mut TableNode| {
        table(n, |_, t| t.span.end as INT)
    });
    e.register_get("section", |n: &mut TableNode| {
        table(n, |cx, t| cx.section_node(cx.table_section(t)))
    });
    e.register_get("headers", |n: &mut TableNode| {
        table(n, |_, t| -> Array {
            t.headers().into_iter().map(s).collect()
        })
    });
    e.register_get("rows", |n: &mut TableNode| {
        table(n, |cx, t| -> Array {
            data_rows(t)
                .map(|r| cx.row_node(n.id as usize, r))
                .collect()
        })
    });
    e.register_get("header_rows", |n: &mut TableNode| {
        table(n, |cx, t| -> Array {
            (0..t.rows.len())
                .filter(|&r| t.rows[r].kind == RowKind::Header)
                .map(|r| cx.row_node(n.id as usize, r))
                .collect()
        })
    });
    e.register_fn("has_header", |n: &mut TableNode, h: &str| {
        table(n, |_, t| t.has_header(h))
    });
    e.register_fn("row", |n: &mut TableNode, label: &str| {
        table(n, |cx, t| {
            t.row(label)
                .and_then(|r| t.rows.iter().position(|x| std::ptr::eq(x, r)))
                .map_or(unit(), |r| cx.row_node(n.id as usize, r))
        })
    });
    // The first non-empty cell under a column header, in any row.
    e.register_fn("cell", |n: &mut TableNode, header: &str| {
        table(n, |cx, t| {
            data_rows(t)
                .map(|r| cell_under(cx, n.id as usize, r, header))
                .find(|c| {
                    c.clone().try_cast::<CellNode>().is_some_and(|c| {
                        !t.rows[c.row as usize].cells[c.cell as usize].key.is_empty()
                    })
                })
                .unwrap_or_else(unit)
        })
    });
    // Every non-empty cell under a column header.
    e.register_fn("cells", |n: &mut TableNode, header: &str| {
        table(n, |cx, t| -> Array {
            data_rows(t)
                .map(|r| cell_under(cx, n.id as usize, r, header))
                .filter(|c| {
                    c.clone().try_cast::<CellNode>().is_some_and(|c| {
                        !t.rows[c.row as usize].cells[c.cell as usize].key.is_empty()
                    })
                })
                .collect()
        })
    });
    e.register_fn("facts", |n: &mut TableNode| {
        table(n, |cx, t| -> Array {
            (0..t.rows.len())
                .flat_map(|r| cx.cell_facts(n.id, r as u32, None))
                .map(|i| cx.fact_node(i))
                .collect()
        })
    });

    // Row
    e.register_fn("to_string", |n: &mut RowNode| {
        row(n, |_, r| r.label.clone().unwrap_or_default())
    });
    e.register_fn("to_debug", |n: &mut RowNode| {
        row(n, |_, r| {
            format!(
                "Row#{}.{}({})",
                n.table,
                n.row,
                r.label.as_deref().unwrap_or("")
            )
        })
    });
    e.register_get("index", |n: &mut RowNode| {
        Ok::<_, Box<EvalAltResult>>(n.row as INT)
    });
    e.register_get("table", |n: &mut RowNode| {
        with_cx(n.run, |cx| Ok(cx.table_node(n.table as usize)))
    });
    e.register_get("label", |n: &mut RowNode| {
        row(n, |_, r| r.label.as_deref().map_or(unit(), s))
    });
    e.register_get("code", |n: &mut RowNode| {
        row(n, |_, r| r.code.as_deref().map_or(unit(), s))
    });
    e.register_get("side", |n: &mut RowNode| {
        row(n, |_, r| r.side.as_deref().map_or(unit(), s))
    });
    e.register_get("kind", |n: &mut RowNode| {
        row(n, |_, r| {
            match r.kind {
                RowKind::Header => "header",
                RowKind::Data => "data",
                RowKind::KeyValue => "key-value",
            }
            .to_string()
        })
    });
    e.register_get("cells", |n: &mut RowNode| {
        row(n, |cx, r| -> Array {
            (0..r.cells.len())
                .map(|c| cx.cell_node(n.table as usize, n.row as usize, c))
                .collect()
        })
    });
    e.register_fn("get", |n: &mut RowNode, header: &str| {
        with_cx(n.run, |cx| {
            cx.row(n.table, n.row)?;
            Ok(cell_under(cx, n.table as usize, n.row as usize, header))
        })
    });
    e.register_indexer_get(|n: &mut RowNode, header: &str| {
        with_cx(n.run, |cx| {
            cx.row(n.table, n.row)?;
            Ok(cell_under(cx, n.table as usize, n.row as usize, header))
        })
    });
    e.register_fn("facts", |n: &mut RowNode| {
        with_cx(n.run, |cx| -> RhaiResult<Array> {
            Ok(cx
                .cell_facts(n.table, n.row, None)
                .into_iter()
                .map(|i| cx.fact_node(i))
                .collect())
        })
    });

    // Cell
    e.register_fn("to_string", |n: &mut CellNode| {
        cell(n, |_, c| c.text.clone())
    });
    e.register_fn("to_debug", |n: &mut CellNode| {
        cell(n, |_, c| {
            format!("Cell({}={})", c.column.as_deref().unwrap_or(""), c.key)
        })
    });
    e.register_get("text", |n: &mut CellNode| cell(n, |_, c| c.text.clone()));
    e.register_get("key", |n: &mut CellNode| cell(n, |_, c| c.key.clone()));
    e.register_get("column", |n: &mut CellNode| {
        cell(n, |_, c| c.column.as_deref().map_or(unit(), s))
    });
    e.register_get("is_empty", |n: &mut CellNode| {
        cell(n, |_, c| c.key.is_empty())
    });
    e.register_get("value", |n: &mut CellNode| {
        cell(n, |_, c| opt(c.number.as_ref().map(|n| n.quantity())))
    });
    e.register_get("exact", |n: &mut CellNode| {
        cell(n, |_, c| {
            opt(c.number.as_ref().map(|n| Quantity::exact(n.value)))
        })
    });
    e.register_get("number", |n: &mut CellNode| {
        cell(n, |_, c| opt(c.number.as_ref().map(|n| n.value)))
    });
    e.register_get("decimals", |n: &mut CellNode| {
        cell(n, |_, c| {
            c.number
                .as_ref()
                .map_or(unit(), |n| int(n.decimals as usize))
        })
    });
    e.register_get("start", |n: &mut CellNode| {
        cell(n, |_, c| c.span.start as INT)
    });
    e.register_get("end", |n: &mut CellNode| cell(n, |_, c| c.span.end as INT));
    e.register_get("row", |n: &mut CellNode| {
        with_cx(
            n.run,
            |cx| Ok(cx.row_node(n.table as usize, n.row as usize)),
        )
    });
    e.register_get("table", |n: &mut CellNode| {
        with_cx(n.run, |cx| Ok(cx.table_node(n.table as usize)))
    });
    e.register_get("fact", |n: &mut CellNode| {
        with_cx(n.run, |cx| {
            Ok(cx
                .cell_facts(n.table, n.row, Some(n.cell))
                .first()
                .map_or(unit(), |&i| cx.fact_node(i)))
        })
    });
}

fn register_sentence(e: &mut Engine) {
    e.register_type_with_name::<SentenceNode>("Sentence");
    e.register_type_with_name::<MatchNode>("Match");
    e.register_fn("to_string", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| {
            Ok(cx.doc.sentence_text(n.id as usize).to_owned())
        })
    });
    e.register_fn("to_debug", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| {
            Ok(format!(
                "Sentence#{}({})",
                n.id,
                cx.doc.sentence_text(n.id as usize)
            ))
        })
    });
    e.register_get("id", |n: &mut SentenceNode| {
        Ok::<_, Box<EvalAltResult>>(n.id as INT)
    });
    e.register_get("text", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| {
            cx.sentence_span(n.id)?;
            Ok(cx.doc.sentence_text(n.id as usize).to_owned())
        })
    });
    e.register_get("start", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| Ok(cx.sentence_span(n.id)?.start as INT))
    });
    e.register_get("end", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| Ok(cx.sentence_span(n.id)?.end as INT))
    });
    e.register_get("section", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| {
            cx.sentence_span(n.id)?;
            Ok(cx.section_node(cx.doc.sentences[n.id as usize].section))
        })
    });
    e.register_fn("facts", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| -> RhaiResult<Array> {
            cx.sentence_span(n.id)?;
            Ok(cx
                .doc
                .facts
                .iter()
                .filter(|f| f.sentence == Some(n.id as usize))
                .map(|f| cx.fact_node(f.id))
                .collect())
        })
    });
    /// Matches of `re` in the sentence's normalised text, mapped back to the report.
    fn find(n: &SentenceNode, re: &str, all: bool) -> RhaiResult<Array> {
        let r = regex(re)?;
        with_cx(n.run, |cx| {
            let sent = cx
                .doc
                .sentences
                .get(n.id as usize)
                .ok_or_else(|| api_error("no such sentence"))?;
            let para = &cx.doc.paragraphs[sent.paragraph];
            let (a, b) = sent.norm_range;
            let text = para.norm.text.get(a..b).unwrap_or("");
            let mk = |m: regex::Match<'_>| MatchNode {
                run: cx.run,
                span: para.norm.original(a + m.start(), a + m.end()),
                text: m.as_str().into(),
                groups: Array::new(),
            };
            let mut out = Array::new();
            for c in r.captures_iter(text) {
                let Some(whole) = c.get(0) else { continue };
                let mut node = mk(whole);
                node.groups = c
                    .iter()
                    .skip(1)
                    .map(|g| g.map_or(unit(), |g| Dynamic::from(mk(g))))
                    .collect();
                out.push(Dynamic::from(node));
                if !all {
                    break;
                }
            }
            Ok(out)
        })
    }
    e.register_fn("find_all", |n: &mut SentenceNode, re: &str| {
        find(n, re, true)
    });
    e.register_fn(
        "find",
        |n: &mut SentenceNode, re: &str| -> RhaiResult<Dynamic> {
            Ok(find(n, re, false)?.into_iter().next().unwrap_or_else(unit))
        },
    );
    e.register_fn(
        "is_match",
        |n: &mut SentenceNode, re: &str| -> RhaiResult<bool> {
            let r = regex(re)?;
            with_cx(n.run, |cx| {
                cx.sentence_span(n.id)?;
                Ok(r.is_match(cx.doc.sentence_text(n.id as usize)))
            })
        },
    );

    e.register_fn("to_string", |m: &mut MatchNode| m.text.to_string());
    e.register_fn("to_debug", |m: &mut MatchNode| format!("Match({})", m.text));
    e.register_get("text", |m: &mut MatchNode| m.text.clone());
    e.register_get("start", |m: &mut MatchNode| m.span.start as INT);
    e.register_get("end", |m: &mut MatchNode| m.span.end as INT);
    e.register_get("groups", |m: &mut MatchNode| m.groups.clone());
    // Facts whose figure lies inside the match.
    e.register_fn("facts", |m: &mut MatchNode| {
        let (run, span) = (m.run, m.span);
        with_cx(run, |cx| -> RhaiResult<Array> {
            Ok(cx
                .doc
                .facts
                .iter()
                .filter(|f| span.contains(f.span))
                .map(|f| cx.fact_node(f.id))
                .collect())
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_outside_a_run_is_an_api_error() {
        let engine = new_engine();
        let mut scope = template_scope();
        let err = engine
            .eval_with_scope::<Dynamic>(&mut scope, "doc.facts()")
            .unwrap_err();
        assert!(
            err.to_string().contains("no report is being checked"),
            "{err}"
        );
    }

    #[test]
    fn options_become_rhai_values() {
        let t: toml::Table =
            toml::from_str("a = 1\nb = 0.5\nc = \"x\"\nd = [1, 2]\n[e]\nf = true").unwrap();
        let m = options_map(&t);
        assert_eq!(m["a"].as_int().unwrap(), 1);
        assert_eq!(m["b"].as_decimal().unwrap(), Decimal::new(5, 1));
        assert_eq!(m["c"].clone().into_string().unwrap(), "x");
        assert_eq!(m["d"].clone().into_array().unwrap().len(), 2);
        let e = m["e"].clone().cast::<Map>();
        assert!(e["f"].as_bool().unwrap());
    }

    #[test]
    fn literal_imports_are_found() {
        let src =
            "import \"perf\" as p;\nfn f() { import \"lib/x\" as x; }\nlet s = \"no import here\";";
        assert_eq!(sandbox::literal_imports(src), vec!["perf", "lib/x"]);
    }
}
