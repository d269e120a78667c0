//! Sandboxed Rhai engine for gouji rule scripts.
//!
//! * [`new_engine`] builds an [`Engine`] that can only compute: no file, network,
//!   process, time or environment access, no `eval`, no `sleep`, strict variables,
//!   and every resource limit of [`SandboxLimits`] applied.
//! * [`set_log_sink`] routes `print` / `debug` to the host with source + position.
//! * [`pack_resolver`] confines `import "x"` to `<pack_dir>/x.rhai` (cached; see
//!   [`resolver`]).
//! * [`compile`] / [`run`] / [`eval`] map every Rhai error to a located [`ScriptError`]
//!   (see [`error`]).
//!
//! Wall-clock watchdog and per-run operation budgets are enforced through
//! `Engine::on_progress` and a thread-local [`Watchdog`] installed by
//! [`run_with`] / [`eval_with`]; they therefore only apply to scripts started
//! through this module's functions (not `engine.run_ast` called directly).

mod error;
mod resolver;

pub use error::{byte_offset, ScriptError, ScriptErrorKind};
use error::{eval_error, located, parse_error};
pub use resolver::{
    embedded_resolver, literal_imports, pack_relative, pack_resolver, PackResolver, SharedResolver,
    MAX_IMPORT_DEPTH,
};

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rhai::packages::{
    BasicArrayPackage, BasicBlobPackage, BasicMapPackage, BasicMathPackage, BitFieldPackage,
    CorePackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{
    Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map, NativeCallContext, Position,
    Scope, AST, INT,
};

// --------------------------------------------------------------------------------------------
// Limits
// --------------------------------------------------------------------------------------------

/// Resource limits applied to every script run by a sandboxed engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxLimits {
    /// Hard ceiling on Rhai "operations" per run (each statement/expression/loop
    /// iteration counts). Stops infinite loops.
    pub max_operations: u64,
    /// Maximum depth of script function calls (stops unbounded recursion
    /// before the native stack overflows).
    pub max_call_levels: usize,
    /// Maximum expression nesting depth `(global, inside functions)` accepted by the parser.
    pub max_expr_depth: (usize, usize),
    /// Maximum length of a string, in bytes.
    pub max_string_size: usize,
    /// Maximum number of elements in an array (also BLOBs).
    pub max_array_size: usize,
    /// Maximum number of properties in an object map.
    pub max_map_size: usize,
    /// Maximum number of modules a single run may import.
    pub max_modules: usize,
    /// Maximum number of variables alive at any instant.
    pub max_variables: usize,
    /// Maximum number of functions a script may define.
    pub max_functions: usize,
    /// Default wall-clock budget for one [`run`]/[`eval`] (host watchdog).
    /// Overridden per call by [`RunOptions::deadline`].
    pub max_wall_time: Duration,
    /// Maximum size, in bytes, of an imported module file.
    pub max_module_file_size: u64,
}

impl Default for SandboxLimits {
    fn default() -> Self {
        Self {
            // Measured on the 2-core dev box (gouji, rhai at opt-level 2 in dev
            // builds too): `let n = 0; loop { n += 1; }` hits 2_000_000 ops after
            // ~60 ms in debug and release builds. A 5_000-row table scan with a few
            // checks per row is ~100_000 ops, so this leaves ample room for real rules.
            max_operations: 2_000_000,
            // The deepest nesting these allow needs ~2 MiB of native stack in a
            // debug build (method chains nested in every call level); the watchdog's
            // `MAX_NATIVE_STACK` stops a run at 1 MiB, so the calling thread's
            // 2 MiB suffice.
            max_call_levels: 32,
            max_expr_depth: (64, 32),
            // NB: Rhai's size checks are *aggregate* over nested values (all strings /
            // array elements / map properties inside one value are summed) and run on
            // every mutating call, so host data passed in the scope must stay below
            // these limits too.
            max_string_size: 4 << 20,
            max_array_size: 200_000,
            max_map_size: 200_000,
            max_modules: 32,
            max_variables: 512,
            max_functions: 512,
            max_wall_time: Duration::from_secs(2),
            max_module_file_size: 1 << 20,
        }
    }
}

/// Native stack size of the thread a script runs on unless [`RunOptions::caller_thread`].
pub const SCRIPT_STACK_SIZE: usize = 16 << 20;

// --------------------------------------------------------------------------------------------
// Per-run context (thread-local, read by the engine's on_progress watchdog)
// --------------------------------------------------------------------------------------------

/// Per-call options for [`run_with`] / [`eval_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Absolute wall-clock deadline. `None` = now + `SandboxLimits::max_wall_time`.
    pub deadline: Option<Instant>,
    /// Operation budget for this run; effective budget is
    /// `min(this, SandboxLimits::max_operations)`.
    pub max_operations: Option<u64>,
    /// Run on the calling thread instead of a dedicated thread with
    /// [`SCRIPT_STACK_SIZE`] of stack. Safe when the caller has
    /// [`MAX_NATIVE_STACK`] of stack left plus a margin (a fresh 2 MiB rayon or test
    /// thread has): the watchdog stops the script before it uses more. Starting a
    /// thread per run costs 0.2–0.5 ms here; gouji runs scripts on the caller.
    pub caller_thread: bool,
}

/// The limits and clock of the run in progress on this thread, read by the
/// engine's `on_progress` callback (see [`new_engine`]).
#[derive(Clone, Copy)]
struct Watchdog {
    start: Instant,
    deadline: Option<Instant>,
    max_operations: Option<u64>,
    /// Address of the stack when the run started (see [`MAX_NATIVE_STACK`]).
    stack_base: usize,
}

/// Native stack a run may use beyond where it started. Rhai recurses for
/// script calls and nested expressions; within the call-depth and
/// expression-depth limits the deepest scripts (method chains nested in
/// every one of 32 call levels) need ~2 MiB in a debug build, more than a
/// rayon worker's 2 MiB. The watchdog stops a run at this depth instead, so
/// scripts can run on the calling thread (no thread per run) without ever
/// overflowing it.
pub const MAX_NATIVE_STACK: usize = 1 << 20;

/// An address on the current stack.
#[inline(never)]
fn stack_position() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

thread_local! {
    static WATCHDOG: RefCell<Option<Watchdog>> = const { RefCell::new(None) };
}

/// Restores the previous watchdog on drop (supports nested runs, panics).
struct WatchdogGuard(Option<Watchdog>);

impl WatchdogGuard {
    fn install(ctx: Watchdog) -> Self {
        Self(WATCHDOG.with(|c| c.borrow_mut().replace(ctx)))
    }
}

impl Drop for WatchdogGuard {
    fn drop(&mut self) {
        let prev = self.0.take();
        WATCHDOG.with(|c| *c.borrow_mut() = prev);
    }
}

/// Prefix of the errors gouji's API functions raise (see [`api_error`]).
const API_ERROR: &str = "gouji API: ";

/// An error raised by a host function when a script misuses it.
pub fn api_error(message: impl fmt::Display) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(format!("{API_ERROR}{message}").into(), Position::NONE).into()
}

const TOKEN_DEADLINE: &str = "gouji:deadline";
const TOKEN_STACK: &str = "gouji:stack";
const TOKEN_BUDGET: &str = "gouji:budget";
/// How often (in operations) the watchdog reads the clock.
const CLOCK_CHECK_INTERVAL: u64 = 256;

// --------------------------------------------------------------------------------------------
// Engine construction
// --------------------------------------------------------------------------------------------

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    assert_send_sync::<AST>();
    assert_send_sync::<PackResolver>();
    assert_send_sync::<ScriptError>();
};

/// Build a compute-only engine.
///
/// Packages: Core (minus `sleep`), BitField, Logic, BasicMath, Array, Blob, Map, MoreString —
/// i.e. `StandardPackage` without `BasicTimePackage` (`timestamp`, `elapsed`).
/// No module resolver is installed (every `import` fails) until the host calls
/// `engine.set_module_resolver(pack_resolver(dir))`. `print`/`debug` are discarded until
/// [`set_log_sink`] is called.
pub fn new_engine(limits: &SandboxLimits) -> Engine {
    // `new_raw`: no packages, no module resolver, print/debug = None, no file access.
    let mut engine = Engine::new_raw();

    for module in [
        CorePackage::new().as_shared_module(),
        BitFieldPackage::new().as_shared_module(),
        LogicPackage::new().as_shared_module(),
        BasicMathPackage::new().as_shared_module(),
        BasicArrayPackage::new().as_shared_module(),
        BasicBlobPackage::new().as_shared_module(),
        BasicMapPackage::new().as_shared_module(),
        MoreStringPackage::new().as_shared_module(),
    ] {
        engine.register_global_module(module);
    }

    // `sleep(INT)` lives in CorePackage (LanguageCorePackage) and blocks the thread
    // without consuming operations. Shadow it in the global namespace (searched before
    // packages), so even `call(Fn("sleep"), 9999)` cannot reach the real one.
    engine.register_fn("sleep", |_secs: INT| -> Result<(), Box<EvalAltResult>> {
        Err("sleep() is not available in the sandbox / 沙箱中不允许使用 sleep()".into())
    });

    engine.disable_symbol("eval");
    engine.set_strict_variables(true);
    engine.set_fail_on_invalid_map_property(false);

    engine.set_max_operations(limits.max_operations);
    engine.set_max_call_levels(limits.max_call_levels);
    engine.set_max_expr_depths(limits.max_expr_depth.0, limits.max_expr_depth.1);
    engine.set_max_string_size(limits.max_string_size);
    engine.set_max_array_size(limits.max_array_size);
    engine.set_max_map_size(limits.max_map_size);
    engine.set_max_modules(limits.max_modules);
    engine.set_max_variables(limits.max_variables);
    engine.set_max_functions(limits.max_functions);

    let default_wall = limits.max_wall_time;
    engine.on_progress(move |ops| {
        let ctx = WATCHDOG.with(|c| *c.borrow());
        let ctx = ctx?;
        if ctx.max_operations.is_some_and(|budget| ops > budget) {
            return Some(TOKEN_BUDGET.into());
        }
        if ctx.stack_base.abs_diff(stack_position()) > MAX_NATIVE_STACK {
            return Some(TOKEN_STACK.into());
        }
        if ops % CLOCK_CHECK_INTERVAL == 0 {
            let deadline = ctx.deadline.unwrap_or(ctx.start + default_wall);
            if Instant::now() >= deadline {
                return Some(TOKEN_DEADLINE.into());
            }
        }
        None
    });

    engine
}

// --------------------------------------------------------------------------------------------
// Logging
// --------------------------------------------------------------------------------------------

/// Which script statement produced a [`LogLine`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    Print,
    Debug,
}

/// One `print(..)` / `debug(..)` from a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub kind: LogKind,
    /// Source name of the script (the `source_name` given to [`compile`], or the
    /// import path for code in an imported module).
    pub source: Option<String>,
    /// 1-based line of the call.
    pub line: Option<usize>,
    /// 1-based column (in chars) of the call.
    pub column: Option<usize>,
    pub text: String,
}

/// Route script `print` and `debug` to `sink`.
///
/// Rhai's own `on_print` callback gets no position, so `print` is re-registered in
/// the engine's global namespace (which shadows the package overloads) for every
/// argument type the string package handles; `debug` uses `on_debug`.
pub fn set_log_sink(engine: &mut Engine, sink: impl Fn(LogLine) + Send + Sync + 'static) {
    let sink: Arc<dyn Fn(LogLine) + Send + Sync> = Arc::new(sink);

    fn emit(sink: &Arc<dyn Fn(LogLine) + Send + Sync>, ctx: &NativeCallContext, text: String) {
        let pos = ctx.call_position();
        sink(LogLine {
            kind: LogKind::Print,
            source: ctx.call_source().map(str::to_string),
            line: pos.line(),
            column: pos.position(),
            text,
        });
    }
    fn stringify(ctx: &NativeCallContext, value: Dynamic) -> String {
        match ctx.call_native_fn::<ImmutableString>("to_string", (value.clone(),)) {
            Ok(s) => s.to_string(),
            Err(_) => value.to_string(),
        }
    }

    let s = sink.clone();
    engine.register_fn("print", move |ctx: NativeCallContext| {
        emit(&s, &ctx, String::new())
    });
    let s = sink.clone();
    engine.register_fn(
        "print",
        move |ctx: NativeCallContext, v: ImmutableString| emit(&s, &ctx, v.to_string()),
    );
    let s = sink.clone();
    engine.register_fn("print", move |ctx: NativeCallContext, v: char| {
        emit(&s, &ctx, v.to_string())
    });
    let s = sink.clone();
    engine.register_fn("print", move |ctx: NativeCallContext, v: bool| {
        emit(&s, &ctx, v.to_string())
    });
    let s = sink.clone();
    engine.register_fn("print", move |ctx: NativeCallContext, _v: ()| {
        emit(&s, &ctx, String::new())
    });
    let s = sink.clone();
    engine.register_fn("print", move |ctx: NativeCallContext, v: Array| {
        let t = stringify(&ctx, v.into());
        emit(&s, &ctx, t)
    });
    let s = sink.clone();
    engine.register_fn("print", move |ctx: NativeCallContext, v: Map| {
        let t = stringify(&ctx, v.into());
        emit(&s, &ctx, t)
    });
    let s = sink.clone();
    engine.register_fn("print", move |ctx: NativeCallContext, v: Dynamic| {
        let t = stringify(&ctx, v);
        emit(&s, &ctx, t)
    });

    engine.on_debug(move |text, source, pos| {
        sink(LogLine {
            kind: LogKind::Debug,
            source: source.map(str::to_string),
            line: pos.line(),
            column: pos.position(),
            text: text.to_string(),
        })
    });
}

// --------------------------------------------------------------------------------------------
// Compile / run
// --------------------------------------------------------------------------------------------

/// Compile `script`, tagging the AST with `source_name` (used in log lines and errors).
pub fn compile(engine: &Engine, source_name: &str, script: &str) -> Result<AST, ScriptError> {
    let mut ast = engine
        .compile(script)
        .map_err(|e| parse_error(source_name, script, &e))?;
    ast.set_source(source_name);
    Ok(ast)
}

/// Compile against a template scope. With strict variables on, every variable the
/// host will push into the run scope must be declared here (values are irrelevant;
/// avoid `push_constant` unless the value is really fixed: the optimizer inlines it).
pub fn compile_with_scope(
    engine: &Engine,
    scope: &Scope,
    source_name: &str,
    script: &str,
) -> Result<AST, ScriptError> {
    let mut ast = engine
        .compile_with_scope(scope, script)
        .map_err(|e| parse_error(source_name, script, &e))?;
    ast.set_source(source_name);
    Ok(ast)
}

/// Run `ast` with the engine's default limits (wall clock = `max_wall_time`).
pub fn run(engine: &Engine, ast: &AST, scope: &mut Scope) -> Result<(), ScriptError> {
    run_with(engine, ast, scope, RunOptions::default())
}

/// Run `ast` with a host-provided deadline and/or operation budget.
pub fn run_with(
    engine: &Engine,
    ast: &AST,
    scope: &mut Scope,
    opts: RunOptions,
) -> Result<(), ScriptError> {
    eval_with(engine, ast, scope, opts).map(|_| ())
}

/// Evaluate `ast` and return its final value.
pub fn eval(engine: &Engine, ast: &AST, scope: &mut Scope) -> Result<Dynamic, ScriptError> {
    eval_with(engine, ast, scope, RunOptions::default())
}

/// Evaluate `ast` with a host-provided deadline and/or operation budget.
/// `exit(v)` in the script is a normal termination yielding `v`. A panic inside the
/// evaluation (e.g. in a host-registered function) becomes a `Runtime` error.
pub fn eval_with(
    engine: &Engine,
    ast: &AST,
    scope: &mut Scope,
    opts: RunOptions,
) -> Result<Dynamic, ScriptError> {
    let start = Instant::now();
    let work = move |scope: &mut Scope| {
        let _guard = WatchdogGuard::install(Watchdog {
            start,
            deadline: opts.deadline,
            max_operations: opts.max_operations,
            stack_base: stack_position(),
        });
        match engine.eval_ast_with_scope::<Dynamic>(scope, ast) {
            Ok(v) => Ok(v),
            Err(e) => match *e {
                EvalAltResult::Exit(v, _) => Ok(v),
                ref err => Err(eval_error(err, ast.source(), engine.max_operations())),
            },
        }
    };
    let outcome = if opts.caller_thread {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(scope)))
    } else {
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .name("gouji-script".into())
                .stack_size(SCRIPT_STACK_SIZE)
                .spawn_scoped(s, || work(scope))
                .map_err(|e| {
                    located(
                        ScriptErrorKind::Runtime,
                        format!("cannot start script thread: {e} / 无法启动脚本线程：{e}"),
                        ast.source(),
                        Position::NONE,
                    )
                })
                .map(|h| h.join())
        })
        .unwrap_or_else(|e| Ok(Err(e)))
    };
    outcome.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(located(
            ScriptErrorKind::Runtime,
            format!(
                "internal error (panic) while running script: {what} / 脚本运行时内部错误：{what}"
            ),
            ast.source(),
            Position::NONE,
        ))
    })
}
// --------------------------------------------------------------------------------------------
// Tests
// --------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    pub(super) fn engine() -> Engine {
        new_engine(&SandboxLimits::default())
    }

    pub(super) fn run_src(engine: &Engine, src: &str) -> Result<Dynamic, ScriptError> {
        let ast = compile(engine, "test.rhai", src)?;
        eval(engine, &ast, &mut Scope::new())
    }

    fn expect_err(engine: &Engine, src: &str, kind: ScriptErrorKind) -> ScriptError {
        let t = Instant::now();
        let err = run_src(engine, src).expect_err("script should fail");
        assert_eq!(err.kind, kind, "{err}");
        assert!(!err.message.is_empty());
        assert!(
            err.line.is_some() && err.column.is_some(),
            "no position: {err:?}"
        );
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "took {:?}",
            t.elapsed()
        );
        err
    }

    #[test]
    fn infinite_loop_stopped_by_operation_limit() {
        let e = engine();
        let err = expect_err(
            &e,
            "let x = 0;\nloop {}",
            ScriptErrorKind::TooManyOperations,
        );
        assert_eq!(err.line, Some(2));
        expect_err(
            &e,
            "let x = 0;\nwhile true { x += 1 }",
            ScriptErrorKind::TooManyOperations,
        );
    }

    #[test]
    fn host_budget_and_deadline() {
        let e = engine();
        let ast = compile(&e, "b.rhai", "let x = 0; loop { x += 1; }").unwrap();
        let err = run_with(
            &e,
            &ast,
            &mut Scope::new(),
            RunOptions {
                max_operations: Some(1000),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.kind, ScriptErrorKind::OperationBudget, "{err}");

        let t = Instant::now();
        let err = run_with(
            &e,
            &ast,
            &mut Scope::new(),
            RunOptions {
                deadline: Some(Instant::now()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.kind, ScriptErrorKind::Timeout, "{err}");
        assert!(t.elapsed() < Duration::from_millis(100));
        assert!(err.line.is_some());
    }

    #[test]
    fn unbounded_recursion() {
        let e = engine();
        let err = expect_err(
            &e,
            "fn f(n) {\n  f(n + 1)\n}\nf(0);",
            ScriptErrorKind::StackOverflow,
        );
        // Rhai reports call-depth overflow at the outermost call site.
        assert_eq!((err.line, err.column), (Some(4), Some(1)), "{err}");
    }

    /// Worst case for the native stack: every call level nested to the maximum
    /// function expression depth. Started from a 2 MiB thread (rayon's default) in a
    /// debug build, this aborts the process unless the script runs on its own
    /// big-stack thread.
    fn worst_case_recursion(e: &Engine) -> String {
        let mut nest = 0;
        let src = |n: usize| {
            format!(
                "fn f(n) {{ {}f(n + 1){} }}\nf(0);",
                "{ let y = 1; ".repeat(n),
                " }".repeat(n)
            )
        };
        while compile(e, "w.rhai", &src(nest + 1)).is_ok() {
            nest += 1;
        }
        assert!(nest >= 8, "{nest}");
        src(nest)
    }

    #[test]
    fn deep_recursion_from_small_stack_thread() {
        let h = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let e = engine();
                let src = worst_case_recursion(&e);
                run_src(&e, &src).unwrap_err().kind
            })
            .unwrap();
        assert_eq!(h.join().unwrap(), ScriptErrorKind::StackOverflow);
    }

    #[test]
    fn deep_recursion_caller_thread_with_big_stack() {
        let h = std::thread::Builder::new()
            .stack_size(SCRIPT_STACK_SIZE)
            .spawn(|| {
                let e = engine();
                let ast = compile(&e, "w.rhai", &worst_case_recursion(&e)).unwrap();
                let opts = RunOptions {
                    caller_thread: true,
                    ..Default::default()
                };
                run_with(&e, &ast, &mut Scope::new(), opts)
                    .unwrap_err()
                    .kind
            })
            .unwrap();
        assert_eq!(h.join().unwrap(), ScriptErrorKind::StackOverflow);
    }

    #[test]
    fn panic_in_host_function_is_an_error() {
        let mut e = engine();
        e.register_fn("boom", || -> INT { panic!("host bug") });
        let err = run_src(&e, "boom()").unwrap_err();
        assert_eq!(err.kind, ScriptErrorKind::Runtime);
        assert!(err.message.contains("host bug"), "{err}");
        let ast = compile(&e, "p.rhai", "boom()").unwrap();
        let opts = RunOptions {
            caller_thread: true,
            ..Default::default()
        };
        let err = run_with(&e, &ast, &mut Scope::new(), opts).unwrap_err();
        assert!(err.message.contains("host bug"), "{err}");
    }

    #[test]
    fn huge_string() {
        let e = engine();
        expect_err(
            &e,
            "let s = \"x\";\nloop { s += s; }",
            ScriptErrorKind::DataTooLarge,
        );
        expect_err(
            &e,
            "let s = \"x\"; s.pad(100000000, \"y\");",
            ScriptErrorKind::DataTooLarge,
        );
        expect_err(
            &e,
            "let a = []; a.pad(100000000, 0);",
            ScriptErrorKind::DataTooLarge,
        );
        expect_err(
            &e,
            "let b = blob(100000000);",
            ScriptErrorKind::DataTooLarge,
        );
        // Map growth through `m[k] = v` is only size-checked when `m` is next passed
        // to a function (Rhai checks the assigned value, not the container).
        let small = new_engine(&SandboxLimits {
            max_map_size: 1000,
            ..Default::default()
        });
        let err = expect_err(
            &small,
            "let m = #{};\nfor i in 0..2000 { m[`k${i}`] = i; }\nm.len()",
            ScriptErrorKind::DataTooLarge,
        );
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn undefined_function_and_variable() {
        let e = engine();
        let err = expect_err(
            &e,
            "let a = 1;\nlet b = nope(a);",
            ScriptErrorKind::FunctionNotFound,
        );
        assert_eq!((err.line, err.column), (Some(2), Some(9)));
        assert!(err.message.contains("nope"));
        // strict variables: undefined variable is a compile-time error
        let err = compile(&e, "v.rhai", "let a = 1;\nlet b = c + 1;").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(9)), "{err}");
        assert!(err.message.contains('c'));
    }

    #[test]
    fn eval_is_disabled() {
        let e = engine();
        let err = compile(&e, "e.rhai", "let x = 1;\nlet y = eval(\"1+1\");").unwrap_err();
        assert_eq!(err.kind, ScriptErrorKind::Forbidden);
        assert_eq!((err.line, err.column), (Some(2), Some(9)));
        // also not reachable through a function pointer
        assert!(run_src(&e, "let f = Fn(\"eval\"); f.call(\"1+1\")").is_err());
        assert!(run_src(&e, "call(Fn(\"eval\"), \"1+1\")").is_err());
    }

    #[test]
    fn no_time_no_sleep_no_files() {
        let e = engine();
        for src in ["let t = timestamp();", "let t = timestamp(); t.elapsed"] {
            let err = run_src(&e, src).unwrap_err();
            assert!(
                matches!(
                    err.kind,
                    ScriptErrorKind::FunctionNotFound | ScriptErrorKind::Syntax
                ),
                "{err}"
            );
        }
        let t = Instant::now();
        assert!(run_src(&e, "sleep(100);").is_err());
        assert!(run_src(&e, "call(Fn(\"sleep\"), 100);").is_err());
        assert!(run_src(&e, "let f = Fn(\"sleep\"); f.call(100);").is_err());
        assert!(t.elapsed() < Duration::from_secs(1));
        // no resolver installed: import fails
        let err = run_src(&e, "import \"x\" as x;").unwrap_err();
        assert_eq!(err.kind, ScriptErrorKind::ModuleNotFound, "{err}");
    }

    #[test]
    fn decimal_literals() {
        let e = engine();
        let v = run_src(&e, "0.1 + 0.2 == 0.3").unwrap();
        assert!(v.as_bool().unwrap());
        let v = run_src(&e, "1.5").unwrap();
        assert!(v.is::<rust_decimal::Decimal>(), "{}", v.type_name());
        assert_eq!(
            v.cast::<rust_decimal::Decimal>(),
            rust_decimal::Decimal::new(15, 1)
        );
        let v = run_src(&e, "type_of(1.5)").unwrap();
        assert_eq!(v.to_string(), "decimal");
        let v = run_src(&e, "type_of(2)").unwrap();
        assert_eq!(v.to_string(), "i64");
        // host-provided decimals in scope
        let mut scope = Scope::new();
        scope.push("amount", rust_decimal::Decimal::ZERO);
        assert!(
            compile(&e, "d.rhai", "amount * 2 == 3.00").is_err(),
            "strict variables"
        );
        let ast = compile_with_scope(&e, &scope, "d.rhai", "amount * 2 == 3.00").unwrap();
        scope.set_value("amount", rust_decimal::Decimal::new(150, 2));
        assert!(eval(&e, &ast, &mut scope).unwrap().as_bool().unwrap());
    }

    #[test]
    fn syntax_error_positions_after_chinese_text() {
        let e = engine();
        // Chinese is fine in strings/comments (not in identifiers: Rhai's default
        // identifiers are ASCII-only without the `unicode-xid-ident` feature).
        let src = "let a = 1;\nlet name = \"预算支出（万元）\"; let b = ; // 注释";
        let err = compile(&e, "zh.rhai", src).unwrap_err();
        assert_eq!(err.kind, ScriptErrorKind::Syntax);
        assert_eq!(err.line, Some(2));
        // Rhai columns count chars, not bytes: the stray ';' is char 32 of line 2.
        let line2 = src.lines().nth(1).unwrap();
        let semi_byte = line2.find("= ;").unwrap() + 2;
        let semi_char = line2[..semi_byte].chars().count() + 1;
        assert_eq!(semi_char, 32);
        assert_ne!(
            semi_byte + 1,
            semi_char,
            "test must have multi-byte chars before the error"
        );
        assert_eq!(err.column, Some(semi_char), "{err}");
        let off = err.byte_offset.unwrap();
        assert!(src[off..].starts_with("; // 注释"), "{err:?}");

        let err = compile(&e, "zh.rhai", "let 名称 = 1;").unwrap_err();
        assert_eq!((err.line, err.column), (Some(1), Some(5)), "{err}");

        // runtime error after Chinese text, located back into the script
        let src = "let s = \"中文说明\"; let x = undefined_fn(1);";
        let ast = compile(&e, "zh2.rhai", src).unwrap();
        let mut err = run(&e, &ast, &mut Scope::new()).unwrap_err();
        err.locate_in(src);
        assert!(
            src[err.byte_offset.unwrap()..].starts_with("undefined_fn"),
            "{err:?}"
        );
    }

    #[test]
    fn thrown_error_and_function_position() {
        let e = engine();
        let err = expect_err(
            &e,
            "fn check(x) {\n  if x > 1 {\n    throw \"金额不平\";\n  }\n}\ncheck(5);",
            ScriptErrorKind::Thrown,
        );
        assert_eq!(err.line, Some(3), "{err}");
        assert!(err.message.contains("金额不平"));
        assert!(err.message.contains("check"));
    }

    #[test]
    fn print_and_debug_go_to_sink() {
        let mut e = engine();
        let lines = Arc::new(Mutex::new(Vec::<LogLine>::new()));
        let l = lines.clone();
        set_log_sink(&mut e, move |line| l.lock().unwrap().push(line));
        let src = "let unit = \"财政局\";\nprint(unit);\n  print(42); print([1, 2]); print(1.5); print();\n debug(\"x\");";
        let ast = compile(&e, "log.rhai", src).unwrap();
        run(&e, &ast, &mut Scope::new()).unwrap();
        let lines = lines.lock().unwrap();
        let got: Vec<_> = lines
            .iter()
            .map(|l| (l.kind, l.line.unwrap(), l.column.unwrap(), l.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (LogKind::Print, 2, 1, "财政局"),
                (LogKind::Print, 3, 3, "42"),
                (LogKind::Print, 3, 14, "[1, 2]"),
                (LogKind::Print, 3, 29, "1.5"),
                (LogKind::Print, 3, 41, ""),
                (LogKind::Debug, 4, 2, "\"x\""),
            ]
        );
        assert!(lines
            .iter()
            .all(|l| l.source.as_deref() == Some("log.rhai")));
    }

    #[test]
    fn exit_is_normal_termination() {
        let e = engine();
        assert_eq!(run_src(&e, "exit(7); 1").unwrap().as_int().unwrap(), 7);
    }

    /// Timing probe: `cargo test --release -- --ignored --nocapture time_to_stop`.
    #[test]
    #[ignore]
    fn time_to_stop() {
        let e = engine();
        for src in ["loop {}", "let x = 0; while true { x += 1 }"] {
            let ast = compile(&e, "t.rhai", src).unwrap();
            let mut best = Duration::MAX;
            for _ in 0..5 {
                let t = Instant::now();
                let err = run(&e, &ast, &mut Scope::new()).unwrap_err();
                best = best.min(t.elapsed());
                assert_eq!(err.kind, ScriptErrorKind::TooManyOperations);
            }
            println!(
                "{src:40} stopped after {} ops in {best:?}",
                e.max_operations()
            );
        }
    }
}
