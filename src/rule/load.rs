//! Loading rule packs: the shipped pack and pack directories read into
//! rule files, each `[[rule]]` compiled on its own (the common header here,
//! the body by its kind through the registry), and every error of every
//! pack returned together, located.

use super::compile::{labels, shift, CompileCx, Regexes, RuleFile, ScriptHosts};
use super::registry::{keys_of, Kind, COMMON_KEYS, KINDS};
use super::shipped::SHIPPED;
use super::spec::{chunks, ChunkSpec, PackHeader, RuleSpec};
use super::{Origin, Rule, RuleSet};
use crate::document::kind::{KindWord, KIND_WORDS};
use crate::error::LoadError;
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// The shipped pack's files, sorted by name.
pub fn shipped_files() -> Vec<RuleFile> {
    let mut out = Vec::new();
    collect_embedded(&SHIPPED, &mut out);
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn collect_embedded(dir: &include_dir::Dir<'static>, out: &mut Vec<RuleFile>) {
    for f in dir.files() {
        if f.path().extension().is_some_and(|e| e == "toml") {
            if let Some(text) = f.contents_utf8() {
                out.push(RuleFile {
                    name: format!("<shipped>/{}", f.path().display()),
                    text: Arc::new(text.to_owned()),
                    dir: None,
                });
            }
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// The `*.toml` files of a pack directory (sorted), or a located error.
#[expect(
    clippy::result_large_err,
    reason = "a LoadError carries its file's text for miette; one per load, never on a hot path"
)]
pub fn pack_files(dir: &Path) -> Result<Vec<RuleFile>, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        LoadError::new(
            &dir.display().to_string(),
            &Arc::new(String::new()),
            None,
            format!("cannot read rule pack directory: {e}"),
            "",
            Some("--rules takes a directory of *.toml rule files".into()),
        )
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let name = p.display().to_string();
        match std::fs::read(&p) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => out.push(RuleFile {
                    name,
                    text: Arc::new(text),
                    dir: Some(dir.to_path_buf()),
                }),
                Err(_) => {
                    return Err(LoadError::new(
                        &name,
                        &Arc::new(String::new()),
                        None,
                        "rule file is not valid UTF-8",
                        "",
                        None,
                    ))
                }
            },
            Err(e) => {
                return Err(LoadError::new(
                    &name,
                    &Arc::new(String::new()),
                    None,
                    format!("cannot read rule file: {e}"),
                    "",
                    None,
                ))
            }
        }
    }
    Ok(out)
}

/// Compile rule files into a rule set. All errors of all files are returned
/// together; a rule set with any error is not used.
pub fn compile(files: &[RuleFile]) -> Result<RuleSet, Vec<LoadError>> {
    // Each `[[rule]]` chunk compiles on its own, so the chunks of all files
    // compile in parallel: building a pack's regexes and scripts is most of
    // a short check's time. Results are taken in file and chunk order, so
    // rule order and error order do not depend on the threads.
    let jobs: Vec<Job> = files
        .iter()
        .flat_map(|f| {
            let (header, parts) = chunks(&f.text);
            std::iter::once(Job::Header(f, header)).chain(
                parts
                    .into_iter()
                    .map(move |(offset, chunk)| Job::Chunk(f, offset, chunk)),
            )
        })
        .collect();
    let scripts = ScriptHosts::default();
    let regexes = Regexes::default();
    let compiled: Vec<(&RuleFile, Vec<Compiled>)> = jobs
        .into_par_iter()
        .map(|job| match job {
            Job::Header(f, header) => match toml_edit::de::from_str::<PackHeader>(&header) {
                Ok(_) => (f, Vec::new()),
                Err(e) => (f, vec![Err(vec![toml_error(f, 0, &e)])]),
            },
            Job::Chunk(f, offset, chunk) => {
                (f, compile_chunk(f, offset, &chunk, &scripts, &regexes))
            }
        })
        .collect();
    scripts.freeze();
    let mut errors = Vec::new();
    let mut rules = Vec::new();
    let mut seen: HashMap<String, (String, std::ops::Range<usize>)> = HashMap::new();
    for (f, results) in compiled {
        for result in results {
            match result {
                Ok((rule, id_span)) => {
                    if let Some((first, _)) = seen.get(&rule.id) {
                        errors.push(LoadError::new(
                            &f.name,
                            &f.text,
                            Some(id_span),
                            format!("duplicate rule id `{}`", rule.id),
                            "this id is already used",
                            Some(format!("first defined in {first}; rule ids must be unique across loaded packs")),
                        ));
                        continue;
                    }
                    seen.insert(rule.id.clone(), (f.name.clone(), id_span));
                    rules.push(rule);
                }
                Err(mut es) => errors.append(&mut es),
            }
        }
    }
    if errors.is_empty() {
        Ok(RuleSet { rules })
    } else {
        Err(errors)
    }
}

/// One piece of compiling: a file's header, or one `[[rule]]` chunk at its
/// byte offset in the file.
enum Job<'a> {
    Header(&'a RuleFile, String),
    Chunk(&'a RuleFile, usize, String),
}

/// A compiled rule with its id's place in the file, or the chunk's errors.
type Compiled = Result<(Rule, std::ops::Range<usize>), Vec<LoadError>>;

/// The rules of one `[[rule]]` chunk.
fn compile_chunk(
    f: &RuleFile,
    offset: usize,
    chunk: &str,
    scripts: &ScriptHosts,
    regexes: &Regexes,
) -> Vec<Compiled> {
    // One parse serves both the rules and the places of their keys.
    let doc = match toml_edit::ImDocument::parse(chunk) {
        Ok(d) => d,
        Err(e) => return vec![Err(vec![toml_error(f, offset, &e.into())])],
    };
    let keys = rule_keys(&doc);
    let spec = match ChunkSpec::deserialize(toml_edit::de::Deserializer::from(doc)) {
        Ok(s) => s,
        Err(e) => return vec![Err(vec![toml_error(f, offset, &e)])],
    };
    spec.rule
        .into_iter()
        .enumerate()
        .map(|(i, rs)| {
            let id_span = shift(rs.id.span(), offset);
            let keys = keys.get(i).map_or(&[][..], Vec::as_slice);
            compile_rule(f, offset, rs, keys, scripts, regexes).map(|rule| (rule, id_span))
        })
        .collect()
}

/// The keys each `[[rule]]` of a chunk writes, with their places: read
/// apart from `RuleSpec` so that a key another kind reads is located too.
/// (A chunk starts with its `[[rule]]` header: `rule` is an array of tables.)
fn rule_keys(doc: &toml_edit::ImDocument<&str>) -> Vec<Vec<Spanned<String>>> {
    let Some(tables) = doc
        .as_table()
        .get("rule")
        .and_then(|r| r.as_array_of_tables())
    else {
        return Vec::new();
    };
    tables
        .iter()
        .map(|t| {
            t.iter()
                .map(|(k, _)| {
                    let span = t.key(k).and_then(|key| key.span()).unwrap_or(0..0);
                    Spanned::new(span, k.to_owned())
                })
                .collect()
        })
        .collect()
}

fn toml_error(f: &RuleFile, offset: usize, e: &toml_edit::de::Error) -> LoadError {
    let span = e.span().map(|r| shift(r, offset));
    let msg = e.message().trim().to_owned();
    let help = if msg.contains("unknown field") {
        Some("check the key's spelling; README lists the keys of each rule kind".to_owned())
    } else if msg.contains("invalid type") {
        Some("the value has the wrong type for this key".to_owned())
    } else if msg.contains("unknown variant") {
        Some("severity is one of error, warning, info".to_owned())
    } else {
        Some("fix the TOML syntax here".to_owned())
    };
    LoadError::new(&f.name, &f.text, span, msg, "here", help)
}

/// A located error for every key the rule's kind does not read.
fn check_keys(cx: &mut CompileCx, kind: &str, keys: &[Spanned<String>]) {
    let Some(own) = keys_of(kind) else {
        return;
    };
    let mut keys: Vec<&Spanned<String>> = keys.iter().collect();
    keys.sort_by_key(|k| k.span().start);
    for key in keys {
        let k = key.get_ref().as_str();
        if COMMON_KEYS.contains(&k) || own.contains(&k) {
            continue;
        }
        let used_by: Vec<&str> = KINDS
            .iter()
            .copied()
            .filter(|n| keys_of(n).is_some_and(|ks| ks.contains(&k)))
            .collect();
        let help = if own.is_empty() {
            format!("a `{kind}` rule takes no keys of its own; remove `{k}`")
        } else {
            format!(
                "a `{kind}` rule reads {}; `{k}` is read by {}",
                own.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                used_by.join(", ")
            )
        };
        cx.err(
            key,
            format!("`{k}` is not a key of a `{kind}` rule"),
            "this key",
            help,
        );
    }
}

fn compile_rule(
    f: &RuleFile,
    offset: usize,
    rs: RuleSpec,
    keys: &[Spanned<String>],
    scripts: &ScriptHosts,
    regexes: &Regexes,
) -> Result<Rule, Vec<LoadError>> {
    let id = rs.id.get_ref().trim().to_owned();
    let mut cx = CompileCx::new(f, offset, id.clone(), scripts, regexes);
    if id.is_empty() || id.contains(char::is_whitespace) {
        cx.err(
            &rs.id,
            "rule id must be non-empty and without spaces",
            "this id",
            "use an id such as `sum-linked-lists`",
        );
    }
    let kind_name = rs.kind.get_ref().as_str();
    check_keys(&mut cx, kind_name, keys);
    let kind = match Kind::compile(kind_name, &rs, &mut cx) {
        Some(k) => k,
        None => {
            cx.err(
                &rs.kind,
                format!("unknown rule kind `{kind_name}`"),
                "this kind",
                format!("kind is one of: {}", KINDS.join(", ")),
            );
            None
        }
    };
    let applies_to = applies_to(&mut cx, rs.applies_to.as_deref().unwrap_or_default());
    check_table_names(&mut cx, &rs);
    let kind = match kind {
        Some(kind) if cx.errors.is_empty() => kind,
        // Every kind records why it gave up; should one not, the rule must
        // still not vanish without a word.
        None if cx.errors.is_empty() => {
            cx.err(
                &rs.kind,
                format!("this `{kind_name}` rule could not be compiled"),
                "this kind",
                "a bug in gouji: please report this rule",
            );
            return Err(cx.errors);
        }
        _ => return Err(cx.errors),
    };
    Ok(Rule {
        id,
        kind,
        severity: *rs.severity.get_ref(),
        message: rs.message.get_ref().clone(),
        help: rs.help,
        docs: rs.docs,
        scope: rs.scope.as_ref().map(labels).unwrap_or_default(),
        applies_to,
        enabled: rs.enabled.unwrap_or(true),
        origin: Origin {
            file: f.name.clone(),
            dir: f.dir.clone(),
        },
        tests: rs.tests,
        options: rs.options.unwrap_or_default(),
    })
}

/// A table the rule names that is one or two characters away from a
/// standard table's name is a misspelling (收入支出决算总 表, 收人支出决算总表):
/// named so, the rule would find no table and say only 未找到 at run time.
/// Any other name is a title, which may be any table's.
fn check_table_names(cx: &mut CompileCx, rs: &RuleSpec) {
    let mut named: Vec<(String, &toml::Spanned<String>)> = Vec::new();
    for key in [&rs.table, &rs.other].into_iter().flatten() {
        named.push((key.get_ref().clone(), key));
    }
    // `tables` and `pairs` carry no spans of their own: the rule's id.
    let more = rs.tables.iter().flatten().cloned().chain(
        rs.pairs
            .iter()
            .flatten()
            .flat_map(|p| [p.table.clone(), p.other.clone()])
            .flatten(),
    );
    named.extend(more.map(|n| (n, &rs.id)));
    for (name, at) in named {
        if let Some(meant) = misspelt_standard_name(&name) {
            cx.err(
                at,
                format!("`{name}` is not a standard table's name"),
                "this table",
                format!("did you mean `{meant}`? (a title is matched only as printed)"),
            );
        }
    }
}

/// The standard table name that `name` misspells, if any.
fn misspelt_standard_name(name: &str) -> Option<&'static str> {
    use crate::document::table::StandardTable;
    use crate::document::text::{edit_distance, fold};
    if StandardTable::from_name(name).is_some() {
        return None;
    }
    let want = fold(name);
    StandardTable::ALL
        .into_iter()
        .map(|k| k.name())
        .find(|n| (1..=2).contains(&edit_distance(&want, &fold(n))))
}

/// The words of `applies_to`, each a stage, scope or form; any other word
/// is an error located at it (it would otherwise never match, silently).
fn applies_to(cx: &mut CompileCx, words: &[Spanned<String>]) -> Vec<KindWord> {
    let mut out = Vec::new();
    for w in words {
        match w.get_ref().parse::<KindWord>() {
            Ok(k) => out.push(k),
            Err(_) => cx.err(
                w,
                format!("unknown report kind `{}` in `applies_to`", w.get_ref()),
                "this word",
                format!("applies_to takes: {}", KIND_WORDS.join(", ")),
            ),
        }
    }
    out
}

/// The shipped pack, compiled once per process: the language server
/// reloads its rules whenever gouji.toml changes, and a compile of the whole
/// pack costs tens of milliseconds where a copy costs well under one.
pub fn shipped() -> Result<RuleSet, Vec<LoadError>> {
    static SHIPPED: std::sync::OnceLock<Result<RuleSet, Vec<LoadError>>> =
        std::sync::OnceLock::new();
    SHIPPED.get_or_init(|| compile(&shipped_files())).clone()
}

/// A compiled set with gouji.toml's `[options.<rule>]` applied.
fn with_options(mut set: RuleSet, config: &crate::config::Config) -> RuleSet {
    for r in &mut set.rules {
        if let Some(opts) = config.options.get(&r.id) {
            for (k, v) in opts {
                r.options.insert(k.clone(), v.clone());
            }
        }
    }
    set
}

/// The rule set a run uses: the shipped pack (unless `no_default` or the
/// config leaves it out), the `extra` pack directories, then the config's
/// packs (relative to the config file); the config's rule options applied.
/// Every error of every pack is returned together.
pub fn load_for(
    config: &crate::config::Config,
    extra: &[PathBuf],
    no_default: bool,
) -> Result<RuleSet, Vec<LoadError>> {
    let default = !no_default && !config.no_default_rules;
    if default && extra.is_empty() && config.packs.is_empty() {
        return Ok(with_options(shipped()?, config));
    }
    let mut files = Vec::new();
    if default {
        files.extend(shipped_files());
    }
    let mut errors = Vec::new();
    let config_packs = config.packs.iter().map(|p| {
        config
            .dir
            .as_ref()
            .map(|d| d.join(p))
            .unwrap_or_else(|| p.clone())
    });
    for dir in extra.iter().cloned().chain(config_packs) {
        match pack_files(&dir) {
            Ok(mut f) => files.append(&mut f),
            Err(e) => errors.push(e),
        }
    }
    match compile(&files) {
        Ok(set) if errors.is_empty() => Ok(with_options(set, config)),
        Ok(_) => Err(errors),
        Err(mut e) => {
            errors.append(&mut e);
            Err(errors)
        }
    }
}

#[cfg(test)]
mod table_name_tests {
    use super::misspelt_standard_name;

    #[test]
    fn a_standard_name_misspelt_is_told_from_a_title() {
        assert_eq!(
            misspelt_standard_name("收人支出决算总表"),
            Some("收入支出决算总表")
        );
        assert_eq!(misspelt_standard_name("收入支出决算总表"), None);
        assert_eq!(misspelt_standard_name("收入支出决算 总表"), None);
        // A title of a table of its own is no misspelling.
        assert_eq!(misspelt_standard_name("项目支出绩效自评表"), None);
    }
}
