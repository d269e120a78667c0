//! Compiling one rule spec: the context every kind's `compile` writes its
//! located errors to, and the small helpers they share (labels, regexes,
//! required keys, relations).
//!
//! A kind's `compile` returns `None` after recording at least one error;
//! the loader then reports every error of every rule at once.

use super::sandbox::PackResolver;
use super::spec::{OneOrMany, RuleSpec};
use crate::document::table::TableName;
use crate::error::LoadError;
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use toml::Spanned;

/// A script engine and the module resolver of its pack folder.
#[derive(Clone)]
pub struct ScriptHost {
    pub engine: Arc<rhai::Engine>,
    pub resolver: Arc<PackResolver>,
}

/// The script engines of one load, one per pack folder, shared by the
/// script rules compiled from it: building an engine (the API registered)
/// and evaluating a module each script imports cost about 1 ms apiece, and
/// a pack of twenty scripts paid it twenty times at every start. Rules
/// compile on several threads, hence the lock.
#[derive(Default)]
pub struct ScriptHosts {
    hosts: Mutex<HashMap<String, ScriptHost>>,
}

impl ScriptHosts {
    /// The host of the pack folder `key`, made by `make` the first time.
    pub fn get(&self, key: &str, make: impl FnOnce() -> ScriptHost) -> ScriptHost {
        self.hosts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(key.to_owned())
            .or_insert_with(make)
            .clone()
    }

    /// Every script is compiled and its imports preloaded: from now on the
    /// resolvers serve preloaded modules only.
    pub fn freeze(&self) {
        let hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        for h in hosts.values() {
            h.resolver.freeze();
        }
    }
}

/// The regexes of one load, each pattern built once: the shipped pack
/// writes one `unless` eight times, and building a regex is most of what
/// compiling a pack costs. Rules compile on several threads, hence the
/// lock; each pattern is built outside it.
#[derive(Default)]
pub struct Regexes {
    built: Mutex<HashMap<String, Arc<BuiltOnce>>>,
}

/// One pattern's regex, built by the first rule that asks for it.
type BuiltOnce = OnceLock<Result<Regex, regex::Error>>;

impl Regexes {
    fn get(&self, pattern: &str) -> Result<Regex, regex::Error> {
        let slot = self
            .built
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(pattern.to_owned())
            .or_default()
            .clone();
        slot.get_or_init(|| Regex::new(pattern)).clone()
    }
}

/// A rule file to load: display name, text, pack directory (None for the
/// embedded pack).
pub struct RuleFile {
    pub name: String,
    pub text: Arc<String>,
    pub dir: Option<PathBuf>,
}

/// Where one rule is being compiled: its file, the byte offset of its
/// `[[rule]]` chunk in the file, its id, and the errors found so far.
pub struct CompileCx<'a> {
    pub file: &'a RuleFile,
    pub offset: usize,
    /// The rule's id, trimmed.
    pub id: String,
    pub errors: Vec<LoadError>,
    /// The script engines of this load, one per pack folder, shared by
    /// the script rules compiled from it.
    pub scripts: &'a ScriptHosts,
    /// The regexes built so far in this load.
    pub regexes: &'a Regexes,
}

impl<'a> CompileCx<'a> {
    pub fn new(
        file: &'a RuleFile,
        offset: usize,
        id: String,
        scripts: &'a ScriptHosts,
        regexes: &'a Regexes,
    ) -> CompileCx<'a> {
        CompileCx {
            file,
            offset,
            id,
            errors: Vec::new(),
            scripts,
            regexes,
        }
    }

    /// A span of the chunk as a span of the file.
    pub fn file_span(&self, r: Range<usize>) -> Range<usize> {
        shift(r, self.offset)
    }

    /// Record an error located at a spanned value of the rule.
    pub fn err<T>(
        &mut self,
        at: &Spanned<T>,
        message: impl Into<String>,
        label: &str,
        help: impl Into<String>,
    ) {
        self.errors.push(LoadError::new(
            &self.file.name,
            &self.file.text,
            Some(self.file_span(at.span())),
            message,
            label,
            Some(help.into()),
        ));
    }

    /// Build a regex, or record where and why it does not parse.
    pub fn regex(&mut self, s: &Spanned<String>) -> Option<Regex> {
        match self.regexes.get(s.get_ref()) {
            Ok(r) => Some(r),
            Err(e) => {
                let msg = e.to_string();
                let last = msg.lines().last().unwrap_or("invalid regex");
                let last = last.trim().trim_start_matches("error:").trim().to_owned();
                self.err(
                    s,
                    format!("invalid regex: {last}"),
                    "this pattern",
                    "regex syntax: https://docs.rs/regex/#syntax",
                );
                None
            }
        }
    }

    /// A key this kind cannot do without; an error on `kind` when absent.
    pub fn require<'s, T>(
        &mut self,
        v: &'s Option<T>,
        key: &str,
        kind: &Spanned<String>,
    ) -> Option<&'s T> {
        if v.is_none() {
            self.err(
                kind,
                format!("a `{}` rule needs `{key}`", kind.get_ref()),
                "this kind",
                format!("add `{key} = …` to the rule"),
            );
        }
        v.as_ref()
    }
}

/// The labels of a one-or-many key.
pub fn labels(v: &Spanned<OneOrMany>) -> Vec<String> {
    v.get_ref().to_vec()
}

/// The labels of an optional one-or-many key (none when absent).
pub fn many(v: &Option<Spanned<OneOrMany>>) -> Vec<String> {
    v.as_ref().map(labels).unwrap_or_default()
}

/// Each of a list of one-or-many keys (`parts = [["a", "b"], "c"]`).
pub fn groups(v: &Option<Vec<Spanned<OneOrMany>>>) -> Vec<Vec<String>> {
    v.iter().flatten().map(labels).collect()
}

/// The tables a table kind applies to: `table` and `tables` together,
/// resolved once.
pub fn table_names(rs: &RuleSpec) -> Vec<TableName> {
    rs.table
        .as_ref()
        .map(|t| t.get_ref().as_str())
        .into_iter()
        .chain(rs.tables.iter().flatten().map(String::as_str))
        .map(TableName::new)
        .collect()
}

pub fn shift(r: Range<usize>, by: usize) -> Range<usize> {
    r.start + by..r.end + by
}
