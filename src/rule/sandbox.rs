//! Sandboxed Rhai engine for gouji rule scripts.
//!
//! * [`new_engine`] builds an [`Engine`] that can only compute: no file, network,
//!   process, time or environment access, no `eval`, no `sleep`, strict variables,
//!   and every resource limit of [`SandboxLimits`] applied.
//! * [`set_log_sink`] routes `print` / `debug` to the host with source + position.
//! * [`pack_resolver`] confines `import "x"` to `<pack_dir>/x.rhai` (cached).
//! * [`compile`] / [`run`] / [`eval`] map every Rhai error to a located [`ScriptError`].
//!
//! Wall-clock watchdog and per-run operation budgets are enforced through
//! `Engine::on_progress` and a thread-local run context installed by
//! [`run_with`] / [`eval_with`]; they therefore only apply to scripts started
//! through this module's functions (not `engine.run_ast` called directly).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use rhai::packages::{
    BasicArrayPackage, BasicBlobPackage, BasicMapPackage, BasicMathPackage, BitFieldPackage,
    CorePackage, LogicPackage, MoreStringPackage, Package,
};
/// `rhai::SharedModule` is private; with the `sync` feature it is `Arc<Module>`.
type SharedModule = Arc<Module>;

use rhai::{
    Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Module, ModuleResolver,
    NativeCallContext, ParseError, Position, Scope, AST, INT,
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

#[derive(Clone, Copy)]
struct RunCtx {
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
    static RUN_CTX: RefCell<Option<RunCtx>> = const { RefCell::new(None) };
    /// Canonical paths of modules currently being evaluated on this thread (cycle guard).
    static IMPORT_STACK: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
}

/// Restores the previous run context on drop (supports nested runs, panics).
struct RunCtxGuard(Option<RunCtx>);

impl RunCtxGuard {
    fn install(ctx: RunCtx) -> Self {
        Self(RUN_CTX.with(|c| c.borrow_mut().replace(ctx)))
    }
}

impl Drop for RunCtxGuard {
    fn drop(&mut self) {
        let prev = self.0.take();
        RUN_CTX.with(|c| *c.borrow_mut() = prev);
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
        let ctx = RUN_CTX.with(|c| *c.borrow());
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
// Module resolver confined to the rule pack directory
// --------------------------------------------------------------------------------------------

/// Resolves `import "x"` / `import "sub/x"` to `<pack_dir>/x.rhai` only.
///
/// Rejected: empty paths, absolute paths, `..`/`.` components, backslashes, paths
/// whose canonical form (symlinks followed) leaves the pack dir or does not end in
/// `.rhai`, non-files, files above the size limit, cyclic imports. Evaluated modules
/// are cached by canonical path (shared by all threads using the engine).
pub struct PackResolver {
    root: Root,
    max_file_size: u64,
    cache: RwLock<HashMap<PathBuf, SharedModule>>,
    /// Modules by import path as written, loaded with the pack ([`PackResolver::preload`]),
    /// or the error importing them raises.
    preloaded: RwLock<HashMap<String, Result<SharedModule, String>>>,
    /// Once frozen, nothing is read or evaluated: only preloaded modules are served.
    frozen: std::sync::atomic::AtomicBool,
}

/// Where a pack's modules live: a directory on disk, or the pack embedded in
/// the binary (gouji's shipped pack).
enum Root {
    /// Canonical pack directory (None: it does not exist).
    Disk(Option<PathBuf>),
    /// The embedded root and the pack's folder inside it (include_dir looks
    /// files up by their path from the root).
    Embedded(&'static include_dir::Dir<'static>, PathBuf),
}

impl fmt::Debug for PackResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PackResolver")
            .field(
                "root",
                &match &self.root {
                    Root::Disk(p) => format!("{p:?}"),
                    Root::Embedded(_, base) => format!("<embedded>/{}", base.display()),
                },
            )
            .finish_non_exhaustive()
    }
}

/// Resolver for modules of the rule pack rooted at `pack_dir`.
/// If `pack_dir` cannot be canonicalized, every import fails with "module not found".
pub fn pack_resolver(pack_dir: &Path) -> PackResolver {
    PackResolver {
        root: Root::Disk(pack_dir.canonicalize().ok()),
        max_file_size: SandboxLimits::default().max_module_file_size,
        cache: RwLock::new(HashMap::new()),
        preloaded: RwLock::new(HashMap::new()),
        frozen: std::sync::atomic::AtomicBool::new(false),
    }
}

/// Resolver for modules of a pack embedded in the binary: `import "x"` is the
/// embedded file `<base>/x.rhai` of `root`, with the same path rules as on disk.
pub fn embedded_resolver(root: &'static include_dir::Dir<'static>, base: &Path) -> PackResolver {
    PackResolver {
        root: Root::Embedded(root, base.to_path_buf()),
        max_file_size: SandboxLimits::default().max_module_file_size,
        cache: RwLock::new(HashMap::new()),
        preloaded: RwLock::new(HashMap::new()),
        frozen: std::sync::atomic::AtomicBool::new(false),
    }
}

/// Check a module or script path written in a pack: relative, `/`-separated,
/// no `.`/`..` components. Returns it with `.rhai` appended when missing.
pub fn pack_relative(path: &str) -> Result<PathBuf, String> {
    if path.is_empty() {
        return Err("empty module path".into());
    }
    if path.contains('\\') || path.contains('\0') {
        return Err("module path must use '/' and no special characters".into());
    }
    let rel = Path::new(path);
    if rel.is_absolute() || path.starts_with('/') {
        return Err("absolute module paths are not allowed".into());
    }
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err("module path must not contain '..' or '.' components".into());
    }
    if rel.extension().is_none_or(|e| e != "rhai") {
        let mut s = rel.as_os_str().to_owned();
        s.push(".rhai");
        return Ok(PathBuf::from(s));
    }
    Ok(rel.to_path_buf())
}

impl PackResolver {
    /// Override the maximum module file size (bytes).
    pub fn with_max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
        self
    }

    /// Drop all cached modules (e.g. when the pack is reloaded).
    pub fn clear_cache(&self) {
        self.cache
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Map an import string to a canonical file inside the pack, or explain why not.
    fn locate(&self, path: &str) -> Result<PathBuf, String> {
        let rel = pack_relative(path)?;
        let root = match &self.root {
            Root::Disk(Some(root)) => root,
            Root::Disk(None) => return Err("rule pack directory does not exist".into()),
            Root::Embedded(dir, base) => {
                let full = base.join(&rel);
                return match dir.get_file(&full) {
                    Some(f) if f.contents().len() as u64 <= self.max_file_size => Ok(full),
                    Some(_) => Err(format!(
                        "module file larger than {} bytes",
                        self.max_file_size
                    )),
                    None => Err("module file not found".into()),
                };
            }
        };
        let candidate = root.join(rel);
        let canonical = candidate
            .canonicalize()
            .map_err(|_| "module file not found".to_string())?;
        if !canonical.starts_with(root) {
            return Err("module resolves outside the rule pack directory".into());
        }
        if canonical.extension().is_none_or(|e| e != "rhai") {
            return Err("module does not resolve to a .rhai file".into());
        }
        let meta = canonical
            .metadata()
            .map_err(|_| "module file not found".to_string())?;
        if !meta.is_file() {
            return Err("module path is not a regular file".into());
        }
        if meta.len() > self.max_file_size {
            return Err(format!(
                "module file larger than {} bytes",
                self.max_file_size
            ));
        }
        Ok(canonical)
    }

    /// The text of a located module.
    fn read(&self, file: &Path) -> Result<String, String> {
        match &self.root {
            Root::Embedded(dir, _) => dir
                .get_file(file)
                .and_then(|f| f.contents_utf8())
                .map(str::to_owned)
                .ok_or_else(|| "module file is not UTF-8".to_string()),
            Root::Disk(_) => {
                std::fs::read_to_string(file).map_err(|e| format!("cannot read module file: {e}"))
            }
        }
    }
}

struct ImportGuard;
impl Drop for ImportGuard {
    fn drop(&mut self) {
        IMPORT_STACK.with(|s| s.borrow_mut().pop());
    }
}

/// Nested imports deeper than this are refused: every module is evaluated
/// with fresh call-level counters, so the native stack a load needs grows
/// with the nesting.
pub const MAX_IMPORT_DEPTH: usize = 4;

/// The string-literal paths of the `import` statements of a script.
pub fn literal_imports(script: &str) -> Vec<String> {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"\bimport\s*"((?:[^"\\\n]|\\.)*)""#).expect("valid regex")
    });
    let mut out: Vec<String> = RE
        .captures_iter(script)
        .map(|c| c[1].replace("\\\"", "\"").replace("\\\\", "\\"))
        .collect();
    out.dedup();
    out
}

/// `ModuleResolver` for a resolver shared with the host (which preloads and
/// freezes it after handing it to the engine).
pub struct SharedResolver(pub Arc<PackResolver>);

impl ModuleResolver for SharedResolver {
    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<SharedModule, Box<EvalAltResult>> {
        self.0.resolve_path(engine, source, path, pos)
    }
}

impl ModuleResolver for PackResolver {
    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<SharedModule, Box<EvalAltResult>> {
        self.resolve_path(engine, source, path, pos)
    }
}

impl PackResolver {
    /// Load every module a script imports by a string literal (and, through
    /// them, the modules they import), so that checking reports never reads a
    /// file or evaluates module code. Failures are kept and raised, located,
    /// by the `import` statement when a script runs.
    pub fn preload(&self, engine: &Engine, script: &str) {
        // Module code runs now, at load time: under the same watchdog as a run
        // (stack and wall clock), counted from the outermost preload.
        let _guard = RUN_CTX.with(|c| c.borrow().is_none()).then(|| {
            RunCtxGuard::install(RunCtx {
                start: Instant::now(),
                deadline: None,
                max_operations: None,
                stack_base: stack_position(),
            })
        });
        for path in literal_imports(script) {
            let result = self
                .resolve_path(engine, None, &path, Position::NONE)
                .map_err(|e| match *e {
                    EvalAltResult::ErrorRuntime(ref v, _) => v.to_string(),
                    ref other => {
                        let err = eval_error(other, None, engine.max_operations());
                        let at = match (err.line, err.column) {
                            (Some(l), Some(c)) => format!(" at {l}:{c}"),
                            _ => String::new(),
                        };
                        format!("import failed: module '{path}'{at}: {}", err.message)
                    }
                });
            self.preloaded
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path, result);
        }
    }

    /// From now on serve preloaded modules only.
    pub fn freeze(&self) {
        self.frozen.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn resolve_path(
        &self,
        engine: &Engine,
        _source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<SharedModule, Box<EvalAltResult>> {
        let denied = |why: String| -> Box<EvalAltResult> {
            EvalAltResult::ErrorRuntime(format!("import denied: {why}").into(), pos).into()
        };
        if self.frozen.load(std::sync::atomic::Ordering::SeqCst) {
            return match self
                .preloaded
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .get(path)
            {
                Some(Ok(m)) => Ok(m.clone()),
                Some(Err(msg)) => Err(EvalAltResult::ErrorRuntime(msg.clone().into(), pos).into()),
                None => Err(denied(match self.locate(path) {
                    Err(why) => why,
                    Ok(_) => "modules are loaded with the rule pack: write the path as a \
                              string literal (import \"name\" as m;)"
                        .into(),
                })),
            };
        }
        let file = self.locate(path).map_err(denied)?;

        if let Some(m) = self
            .cache
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&file)
        {
            return Ok(m.clone());
        }

        // Cycle guard: a -> b -> a would otherwise recurse until the native stack overflows
        // (each module is evaluated with a fresh GlobalRuntimeState, so Rhai's own
        // max_modules / call-level counters do not see the nesting).
        let cyclic = IMPORT_STACK.with(|s| {
            let mut s = s.borrow_mut();
            if s.contains(&file) || s.len() >= MAX_IMPORT_DEPTH.min(engine.max_modules().max(1)) {
                true
            } else {
                s.push(file.clone());
                false
            }
        });
        if cyclic {
            return Err(denied("cyclic or too deeply nested import".into()));
        }
        let _guard = ImportGuard;

        let text = self.read(&file).map_err(denied)?;
        let mut ast = engine.compile(&text).map_err(|e| -> Box<EvalAltResult> {
            EvalAltResult::ErrorInModule(path.to_string(), e.into(), pos).into()
        })?;
        ast.set_source(path);
        // Imports inside the module's functions run later: load them now.
        self.preload(engine, &text);
        let module = Module::eval_ast_as_new(Scope::new(), &ast, engine).map_err(
            |e| -> Box<EvalAltResult> {
                EvalAltResult::ErrorInModule(path.to_string(), e, pos).into()
            },
        )?;
        let module: SharedModule = module.into();
        self.cache
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(file, module.clone());
        Ok(module)
    }
}

// --------------------------------------------------------------------------------------------
// Errors
// --------------------------------------------------------------------------------------------

/// Classification of a script failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptErrorKind {
    Syntax,
    /// A call the sandbox does not allow (`eval`), found when compiling.
    Forbidden,
    TooManyOperations,
    OperationBudget,
    Timeout,
    StackOverflow,
    DataTooLarge,
    TooManyVariables,
    TooManyModules,
    FunctionNotFound,
    VariableNotFound,
    ModuleNotFound,
    ImportDenied,
    Thrown,
    /// A gouji API function was called wrongly (a `()` where a node belongs,
    /// an unknown key in a `report` map, an invalid regex …).
    ApiMisuse,
    TypeMismatch,
    Arithmetic,
    IndexOutOfBounds,
    Runtime,
}

/// A located script error. `line`/`column` are 1-based (column counts chars, as Rhai
/// does); `byte_offset` is the 0-based byte offset into the script text (for miette),
/// available when the script text is known (always after [`compile`]; after [`run`]
/// call [`ScriptError::locate_in`] with the script text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScriptError {
    pub kind: ScriptErrorKind,
    pub message: String,
    /// Source name the position refers to.
    pub source_name: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub byte_offset: Option<usize>,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.source_name {
            write!(f, "{s}")?;
        }
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, ":{l}:{c}")?,
            (Some(l), None) => write!(f, ":{l}")?,
            _ => (),
        }
        if self.source_name.is_some() || self.line.is_some() {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl ScriptError {
    /// Fill `byte_offset` from `line`/`column` using the script text.
    pub fn locate_in(&mut self, script: &str) -> &mut Self {
        self.byte_offset = match (self.line, self.column) {
            (Some(l), c) => byte_offset(script, l, c.unwrap_or(1)),
            _ => None,
        };
        self
    }
}

/// Convert a Rhai position (1-based line, 1-based column counted in `char`s) into a
/// byte offset into `script`. Lines are split on `'\n'` (a `'\r'` counts as a column,
/// exactly as in Rhai's tokenizer). Positions past the end clamp to the end of the
/// line / text.
pub fn byte_offset(script: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0usize;
    for _ in 1..line {
        match script[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return Some(script.len()),
        }
    }
    let line_text = &script[start..];
    let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
    let col = column.max(1) - 1;
    let within = line_text
        .char_indices()
        .nth(col)
        .map_or(line_text.len(), |(i, _)| i);
    Some(start + within)
}

fn located(
    kind: ScriptErrorKind,
    message: String,
    source: Option<&str>,
    pos: Position,
) -> ScriptError {
    ScriptError {
        kind,
        message,
        source_name: source.map(str::to_string),
        line: pos.line(),
        column: pos.position(),
        byte_offset: None,
    }
}

fn parse_error(source_name: &str, script: &str, e: &ParseError) -> ScriptError {
    let msg = e.err_type().to_string();
    let (kind, message) = match e.err_type() {
        rhai::ParseErrorType::BadInput(rhai::LexError::ImproperSymbol(w, _)) if w == "eval" => (
            ScriptErrorKind::Forbidden,
            "eval is not allowed in gouji scripts / 规则脚本中不允许使用 eval".to_owned(),
        ),
        _ => (
            ScriptErrorKind::Syntax,
            format!("syntax error: {msg} / 语法错误：{msg}"),
        ),
    };
    let mut err = located(kind, message, Some(source_name), e.position());
    err.locate_in(script);
    err
}

/// `err`'s Display text without Rhai's trailing " (line L, position C)".
fn plain(err: &EvalAltResult) -> String {
    let text = err.to_string();
    let pos = err.position();
    if pos.is_none() {
        return text;
    }
    let suffix = format!(" ({pos})");
    text.strip_suffix(&suffix)
        .map_or(text.clone(), str::to_string)
}

/// Describe the root cause of a (non-wrapper) Rhai error in English / Chinese.
fn describe(err: &EvalAltResult, limits_ops: u64) -> (ScriptErrorKind, String) {
    use EvalAltResult as E;
    use ScriptErrorKind as K;
    match err {
        E::ErrorTooManyOperations(_) => (
            K::TooManyOperations,
            format!(
                "script exceeded the operation limit ({limits_ops}); possible infinite loop / \
                 脚本运算次数超过上限（{limits_ops}），可能存在死循环"
            ),
        ),
        E::ErrorTerminated(tok, _) if tok.to_string() == TOKEN_BUDGET => (
            K::OperationBudget,
            "script exceeded the operation budget given by the host; possible infinite loop / \
             脚本运算次数超过宿主设定的预算，可能存在死循环"
                .into(),
        ),
        E::ErrorTerminated(tok, _) if tok.to_string() == TOKEN_STACK => (
            K::StackOverflow,
            format!(
                "script nested too deeply: more than {} KiB of native stack / \
                 脚本嵌套过深，超过栈空间上限（{} KiB）",
                MAX_NATIVE_STACK >> 10,
                MAX_NATIVE_STACK >> 10
            ),
        ),
        E::ErrorTerminated(tok, _) if tok.to_string() == TOKEN_DEADLINE => (
            K::Timeout,
            "script exceeded its wall-clock time limit / 脚本运行超时".into(),
        ),
        E::ErrorTerminated(tok, _) => (
            K::Runtime,
            format!("script terminated: {tok} / 脚本被终止：{tok}"),
        ),
        E::ErrorStackOverflow(_) => (
            K::StackOverflow,
            "function calls nested too deeply (stack overflow / runaway recursion) / \
             函数调用层数过深（栈溢出或无限递归）"
                .into(),
        ),
        E::ErrorDataTooLarge(what, _) => (
            K::DataTooLarge,
            format!("{what} exceeds the sandbox size limit / 数据大小超过沙箱上限：{what}"),
        ),
        E::ErrorTooManyVariables(_) => (
            K::TooManyVariables,
            "too many variables / 变量数量超过上限".into(),
        ),
        E::ErrorTooManyModules(_) => (
            K::TooManyModules,
            "too many imported modules / 导入模块数量超过上限".into(),
        ),
        E::ErrorFunctionNotFound(sig, _) => (
            K::FunctionNotFound,
            format!("function not found: {sig} / 函数未定义：{sig}"),
        ),
        E::ErrorVariableNotFound(name, _) => (
            K::VariableNotFound,
            format!("variable not found: {name} / 变量未定义：{name}"),
        ),
        E::ErrorModuleNotFound(name, _) => (
            K::ModuleNotFound,
            format!("module not found: '{name}' / 找不到模块：'{name}'"),
        ),
        E::ErrorRuntime(v, _) => {
            let v = v.to_string();
            if let Some(why) = v.strip_prefix(API_ERROR) {
                (
                    K::ApiMisuse,
                    format!("API misuse: {why} / 接口使用错误：{why}"),
                )
            } else if let Some(why) = v.strip_prefix("import failed: ") {
                (
                    K::ImportDenied,
                    format!("imported module failed: {why} / 导入的模块出错：{why}"),
                )
            } else if let Some(why) = v.strip_prefix("import denied: ") {
                (
                    K::ImportDenied,
                    format!("import denied: {why} / 禁止导入：{why}"),
                )
            } else {
                (
                    K::Thrown,
                    format!("script threw an error: {v} / 脚本抛出错误：{v}"),
                )
            }
        }
        E::ErrorParsing(p, _) => (K::Syntax, format!("syntax error: {p} / 语法错误：{p}")),
        E::ErrorMismatchDataType(..) | E::ErrorMismatchOutputType(..) => (
            K::TypeMismatch,
            format!("type mismatch: {t} / 类型不匹配：{t}", t = plain(err)),
        ),
        E::ErrorArithmetic(m, _) => (
            K::Arithmetic,
            format!("arithmetic error: {m} / 算术错误：{m}"),
        ),
        E::ErrorArrayBounds(..) | E::ErrorStringBounds(..) | E::ErrorBitFieldBounds(..) => (
            K::IndexOutOfBounds,
            format!("index out of bounds: {t} / 下标越界：{t}", t = plain(err)),
        ),
        other => (
            K::Runtime,
            format!("runtime error: {t} / 运行时错误：{t}", t = plain(other)),
        ),
    }
}

/// Map an evaluation error to a [`ScriptError`].
///
/// The reported position is the innermost one that lies in the main script: errors
/// inside script functions defined in the same script point at the failing statement
/// inside the function; errors inside imported modules point at the `import`/call
/// site, with the module's own position included in the message.
fn eval_error(err: &EvalAltResult, main_source: Option<&str>, max_ops: u64) -> ScriptError {
    use EvalAltResult as E;
    let mut pos = err.position();
    let mut cur = err;
    let mut context: Vec<String> = Vec::new();
    let same = |s: &str| s.is_empty() || Some(s) == main_source;
    loop {
        match cur {
            E::ErrorInFunctionCall(name, src, inner, p) => {
                if same(src) {
                    if !p.is_none() && pos.is_none() {
                        pos = *p;
                    }
                    context.push(format!("in function '{name}'"));
                    if !inner.position().is_none() {
                        pos = inner.position();
                    }
                } else {
                    let ip = inner.position();
                    context.push(format!("in function '{name}' of module '{src}' at {ip}"));
                }
                cur = inner;
            }
            E::ErrorInModule(name, inner, p) => {
                if !p.is_none() {
                    pos = *p;
                }
                let ip = inner.position();
                if ip.is_none() {
                    context.push(format!("in module '{name}'"));
                } else {
                    context.push(format!("in module '{name}' at {ip}"));
                }
                // Everything below lives in another file: keep the import-site position.
                let mut c = inner.as_ref();
                while let E::ErrorInFunctionCall(.., i, _) | E::ErrorInModule(_, i, _) = c {
                    c = i;
                }
                cur = c;
                break;
            }
            _ => break,
        }
    }
    let (kind, mut message) = describe(cur, max_ops);
    if !context.is_empty() {
        message.push_str(" [");
        message.push_str(&context.join("; "));
        message.push(']');
    }
    located(kind, message, main_source, pos)
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
        let _guard = RunCtxGuard::install(RunCtx {
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

    fn engine() -> Engine {
        new_engine(&SandboxLimits::default())
    }

    fn run_src(engine: &Engine, src: &str) -> Result<Dynamic, ScriptError> {
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

    /// Unique scratch dir under the system temp dir.
    fn temp_pack(tag: &str) -> PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "gouji-sandbox-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
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
    fn byte_offset_helper() {
        let s = "ab\r\n中文x\n";
        assert_eq!(byte_offset(s, 1, 1), Some(0));
        assert_eq!(byte_offset(s, 2, 1), Some(4));
        assert_eq!(byte_offset(s, 2, 3), Some(4 + 6));
        assert_eq!(byte_offset(s, 2, 99), Some(4 + 7));
        assert_eq!(byte_offset(s, 9, 1), Some(s.len()));
        assert_eq!(byte_offset(s, 0, 1), None);
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
    fn pack_imports() {
        let dir = temp_pack("imports");
        std::fs::write(
            dir.join("helper.rhai"),
            "fn double(x) { x * 2 }\nexport const RATE = 0.5;",
        )
        .unwrap();
        std::fs::create_dir_all(dir.join("lib")).unwrap();
        std::fs::write(
            dir.join("lib/util.rhai"),
            "fn boom() { throw \"内部错误\"; }",
        )
        .unwrap();
        std::fs::write(dir.join("bad.rhai"), "let = ;").unwrap();
        std::fs::write(dir.join("cyc_a.rhai"), "import \"cyc_b\" as b;").unwrap();
        std::fs::write(dir.join("cyc_b.rhai"), "import \"cyc_a\" as a;").unwrap();
        std::fs::write(dir.join("notes.txt"), "fn x() {}").unwrap();
        let outside = temp_pack("outside");
        std::fs::write(outside.join("outside.rhai"), "fn secret() { 1 }").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.join("outside.rhai"), dir.join("link.rhai"))
                .unwrap();
            std::os::unix::fs::symlink(dir.join("notes.txt"), dir.join("txt.rhai")).unwrap();
        }

        let mut e = engine();
        e.set_module_resolver(pack_resolver(&dir));

        let v = run_src(&e, "import \"helper\" as h;\nh::double(21) + h::RATE * 2").unwrap();
        assert_eq!(
            v.cast::<rust_decimal::Decimal>(),
            rust_decimal::Decimal::from(43)
        );
        let v = run_src(&e, "import \"helper.rhai\" as h; h::double(1)").unwrap();
        assert_eq!(v.as_int().unwrap(), 2);
        // cached: same module served again, also across threads
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    assert_eq!(
                        run_src(&e, "import \"helper\" as h; h::double(4)")
                            .unwrap()
                            .as_int()
                            .unwrap(),
                        8
                    )
                });
            }
        });

        let denied = |src: &str| {
            let err = run_src(&e, src).unwrap_err();
            assert_eq!(err.kind, ScriptErrorKind::ImportDenied, "{src}: {err}");
            assert_eq!(err.line, Some(2), "{err}");
            assert!(err.column.is_some());
            err
        };
        denied("let a = 1;\nimport \"../outside\" as o;");
        let abs = outside.join("outside").to_string_lossy().into_owned();
        denied(&format!("let a = 1;\nimport \"{abs}\" as o;"));
        denied(&format!("let a = 1;\nimport \"{abs}.rhai\" as o;"));
        denied("let a = 1;\nimport \"lib/../helper\" as o;");
        denied("let a = 1;\nimport \"notes.txt\" as o;");
        denied("let a = 1;\nimport \"cyc_a\" as o;");
        #[cfg(unix)]
        {
            denied("let a = 1;\nimport \"link\" as o;");
            denied("let a = 1;\nimport \"txt\" as o;");
        }
        let err = denied("let a = 1;\nimport \"missing\" as o;");
        assert!(err.message.contains("not found"), "{err}");

        // error inside module code: located at the call site in the main script
        let err = run_src(&e, "import \"lib/util\" as u;\nu::boom();").unwrap_err();
        assert_eq!(err.kind, ScriptErrorKind::Thrown, "{err}");
        assert_eq!(err.line, Some(2), "{err}");
        assert!(err.message.contains("内部错误"));
        // syntax error inside module
        let err = run_src(&e, "let a = 1;\nimport \"bad\" as b;").unwrap_err();
        assert_eq!(err.kind, ScriptErrorKind::Syntax, "{err}");
        assert_eq!(err.line, Some(2));

        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&outside);
    }

    #[test]
    fn pack_resolver_missing_dir() {
        let mut e = engine();
        e.set_module_resolver(pack_resolver(Path::new("/nonexistent/gouji/pack")));
        let err = run_src(&e, "import \"x\" as x;").unwrap_err();
        assert_eq!(err.kind, ScriptErrorKind::ImportDenied, "{err}");
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
