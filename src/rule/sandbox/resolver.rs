//! `import` in rule scripts: confined to the script's own rule pack, on disk
//! or embedded in the binary, and loaded once when the pack loads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use rhai::{Engine, EvalAltResult, Module, ModuleResolver, Position, Scope};

use super::{eval_error, stack_position, SandboxLimits, Watchdog, WatchdogGuard, WATCHDOG};

/// `rhai::SharedModule` is private; with the `sync` feature it is `Arc<Module>`.
type SharedModule = Arc<Module>;

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
    /// Held while a script's imports are preloaded: the scripts of one pack
    /// folder compile on several threads, and a module two of them import
    /// is evaluated once, not once per thread.
    preloading: std::sync::Mutex<()>,
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
        preloading: std::sync::Mutex::new(()),
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
        preloading: std::sync::Mutex::new(()),
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

thread_local! {
    /// Canonical paths of modules currently being evaluated on this thread (cycle guard).
    static IMPORT_STACK: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
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
        let _one_at_a_time = self.preloading.lock().unwrap_or_else(|p| p.into_inner());
        self.preload_imports(engine, script);
    }

    /// [`PackResolver::preload`] under its lock: also for the imports of a
    /// module being preloaded (the lock is not taken again).
    fn preload_imports(&self, engine: &Engine, script: &str) {
        // Module code runs now, at load time: under the same watchdog as a run
        // (stack and wall clock), counted from the outermost preload.
        let _guard = WATCHDOG.with(|c| c.borrow().is_none()).then(|| {
            WatchdogGuard::install(Watchdog {
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
        self.preload_imports(engine, &text);
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

#[cfg(test)]
mod tests {
    use super::super::tests::{engine, run_src};
    use super::*;
    use crate::rule::sandbox::ScriptErrorKind;

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
    fn literal_imports_are_found() {
        let src =
            "import \"perf\" as p;\nfn f() { import \"lib/x\" as x; }\nlet s = \"no import here\";";
        assert_eq!(literal_imports(src), vec!["perf", "lib/x"]);
    }
}
