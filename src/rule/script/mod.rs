//! Script rules (`kind = "script"`): a Rhai script with the report in scope
//! as `doc`, run once per report in the [`sandbox`].
//!
//! * **Compiled once.** The script rules of one pack folder share an engine
//!   (sandboxed, with a module resolver confined to that folder, so a module
//!   they import is evaluated once); each rule gets its AST when the pack
//!   loads. Both are shared by every worker thread (`rhai` is built with
//!   `sync`). A syntax error is a [`LoadError`] located in the `.rhai` file.
//! * **Read-only views, no copies.** The values a script sees (`Document`,
//!   `Fact`, `Section`, `Table`, `Row`, `Cell`, `Sentence`, `Match`) are small
//!   `Copy` handles: an index into the document plus the serial number of the
//!   run they belong to. The document itself is never copied into Rhai maps;
//!   every property is read from it on access. The handles find the document
//!   through a thread-local run state (the `run` module) that shares the
//!   document (`Arc`) for the duration of one run; a handle used outside its
//!   run (impossible from a script, since nothing a run creates outlives it)
//!   is an API error. No `unsafe`.
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
//!
//! Layout: `api/` registers what scripts may call (by topic), `run.rs` is
//! the state of one run and how API calls find it; `rule/sandbox/` (below
//! `compile`, which keeps one engine per pack folder) is the engine, its
//! limits, the pack-confined module resolver and the error mapping.

mod api;
mod run;

use crate::diagnostic::{Diagnostic, Outcome, Severity};
use crate::document::Document;
use crate::error::LoadError;
use crate::rule::compile::{RuleFile, ScriptHost, ScriptHosts};
use crate::rule::context::RuleOutput;
use crate::rule::sandbox::{self, ScriptError, ScriptErrorKind};
use crate::rule::shipped::SHIPPED;
use crate::rule::Rule;
use api::DocNode;
use rhai::{Dynamic, Engine, EvalAltResult, Map, Scope, AST};
use run::{with_current, Installed, ScriptRun};
use rust_decimal::Decimal;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use toml::Spanned;

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// Lines of `print`/`debug` output kept per run; the rest is counted.
const MAX_PRINTS: u32 = 100;

/// A compiled script rule.
pub struct Script {
    /// Display path of the `.rhai` file (`rules/x.rhai`, `<shipped>/x.rhai`).
    pub path: String,
    engine: Arc<Engine>,
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
    api::register_api(&mut engine);
    engine
}

/// An engine for the scripts of one pack folder, importing through `resolver`.
fn new_host(resolver: sandbox::PackResolver) -> ScriptHost {
    let resolver = Arc::new(resolver);
    let mut engine = new_engine();
    engine.set_module_resolver(sandbox::SharedResolver(resolver.clone()));
    ScriptHost {
        engine: Arc::new(engine),
        resolver,
    }
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
#[expect(
    clippy::result_large_err,
    reason = "a LoadError carries its file's text for miette; one per load, never on a hot path"
)]
pub fn compile(
    file: &RuleFile,
    hosts: &ScriptHosts,
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
    let (path, text, host) = match &source {
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
            let key = format!("disk:{}", dir.display());
            (
                full.display().to_string(),
                text,
                hosts.get(&key, || new_host(sandbox::pack_resolver(dir))),
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
            let key = format!("shipped:{}", base.display());
            (
                format!("<shipped>/{}", full.display()),
                text,
                hosts.get(&key, || {
                    new_host(sandbox::embedded_resolver(&SHIPPED, base))
                }),
            )
        }
    };
    let ScriptHost { engine, resolver } = host;
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
    // native stack than one script's own limits allow; see `run`). The
    // loader freezes the resolver once every script is compiled.
    resolver.preload(&engine, &text);
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
pub fn run(rule: &Rule, script: &Script, doc: &Arc<Document>, text: &Arc<str>) -> RuleOutput {
    if let Some(e) = &script.forbidden {
        let mut out = RuleOutput::default();
        out.diagnostics.push(script_failure(rule, &script.path, e));
        return out;
    }
    let cx = Rc::new(ScriptRun::new(rule, &script.path, doc, text));
    let result = {
        let _installed = Installed::new(Rc::clone(&cx));
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
    // The run is over and uninstalled: nothing else holds its state.
    let mut out = cx.out.take();
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
            let src = line.source.as_deref().unwrap_or(&cx.script);
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
