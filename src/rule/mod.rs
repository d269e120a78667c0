//! Rule packs: TOML specs compiled once into rules (regexes built,
//! expressions and scripts compiled). Every load error is located in its file.

pub mod eval;
pub mod expr;
pub mod script;
pub mod spec;
pub mod tables;

use crate::diagnostic::Severity;
use regex::Regex;
use spec::{chunks, ChunkSpec, DocsSpec, LoadError, OneOrMany, PackHeader, RuleSpec, TestSpec};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// Changes whenever a file of `rules/` is added, removed or resized (see
/// build.rs), so the embedded pack below is rebuilt.
pub const SHIPPED_STAMP: &str = env!("GOUJI_RULES_STAMP");

/// The shipped pack, embedded in the binary.
pub static SHIPPED: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/rules");

/// Where a rule came from.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Display path of the rule file (`rules/sum.toml`, `<shipped>/sum.toml`).
    pub file: String,
    /// The pack directory on disk (None for the embedded pack).
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Sum {
        total: Vec<String>,
        parts: Vec<Vec<String>>,
        /// Parts subtracted (balances: 年末 = 年初 + 收入 − 支出).
        minus: Vec<Vec<String>>,
    },
    Equal {
        /// Groups of alternative labels; all must agree.
        labels: Vec<Vec<String>>,
        /// Labels each checked on its own: all mentions of it agree.
        each: Vec<String>,
    },
    Growth {
        list_deltas: bool,
    },
    Share {
        denominator: Option<Vec<String>>,
        complete_lists: bool,
    },
    Require {
        pattern: Option<Regex>,
        heading: Option<Vec<String>>,
        when: Option<Regex>,
        /// Satisfied also when this matches in scope (`无“三公”经费` covers every item).
        unless: Option<Regex>,
    },
    Forbid {
        pattern: Regex,
        unless: Option<Regex>,
        /// Match normalised sentences rather than the original text.
        sentences: bool,
    },
    Numbering {
        sequence: bool,
        style: bool,
    },
    TableRow {
        table: String,
        expr: Arc<expr::RowExpr>,
        row_filter: Option<String>,
        exact: Vec<String>,
    },
    /// A Rhai script, compiled once (`script/`).
    Script(Arc<script::Script>),
    /// The table kinds of `tables.rs` (table-sum, cross-table, prose-table …).
    Tables(Box<tables::TableKind>),
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Sum { .. } => "sum",
            Kind::Equal { .. } => "equal",
            Kind::Growth { .. } => "growth",
            Kind::Share { .. } => "share",
            Kind::Require { .. } => "require",
            Kind::Forbid { .. } => "forbid",
            Kind::Numbering { .. } => "numbering",
            Kind::TableRow { .. } => "table-row",
            Kind::Script(_) => "script",
            Kind::Tables(k) => k.name(),
        }
    }
}

pub const KINDS: &[&str] = &[
    "sum",
    "equal",
    "growth",
    "share",
    "require",
    "forbid",
    "numbering",
    "table-row",
    "script",
    "table-sum",
    "table-columns",
    "cross-table",
    "prose-table",
    "prose-items",
    "tables-present",
    "empty-table",
    "report-year",
    "unit-name",
    "toc-match",
];

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: Kind,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub docs: Option<DocsSpec>,
    pub scope: Vec<String>,
    pub applies_to: Vec<String>,
    pub origin: Origin,
    pub tests: Vec<TestSpec>,
    pub options: toml::Table,
}

/// Loaded, compiled rules.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// A rule file to load: display name, text, pack directory.
pub struct RuleFile {
    pub name: String,
    pub text: Arc<String>,
    pub dir: Option<PathBuf>,
}

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
    let mut errors = Vec::new();
    let mut rules = Vec::new();
    let mut seen: HashMap<String, (String, std::ops::Range<usize>)> = HashMap::new();
    for f in files {
        let (header, parts) = chunks(&f.text);
        if let Err(e) = toml::from_str::<PackHeader>(&header) {
            errors.push(toml_error(f, 0, &e));
        }
        for (offset, chunk) in parts {
            let spec: ChunkSpec = match toml::from_str(&chunk) {
                Ok(s) => s,
                Err(e) => {
                    errors.push(toml_error(f, offset, &e));
                    continue;
                }
            };
            for rs in spec.rule {
                let id_span = shift(rs.id.span(), offset);
                match compile_rule(f, offset, rs) {
                    Ok(rule) => {
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
    }
    if errors.is_empty() {
        Ok(RuleSet { rules })
    } else {
        Err(errors)
    }
}

fn shift(r: std::ops::Range<usize>, by: usize) -> std::ops::Range<usize> {
    r.start + by..r.end + by
}

fn toml_error(f: &RuleFile, offset: usize, e: &toml::de::Error) -> LoadError {
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

struct Ctx<'a> {
    f: &'a RuleFile,
    offset: usize,
    errors: Vec<LoadError>,
}

impl Ctx<'_> {
    fn err<T>(
        &mut self,
        at: &Spanned<T>,
        message: impl Into<String>,
        label: &str,
        help: impl Into<String>,
    ) {
        self.errors.push(LoadError::new(
            &self.f.name,
            &self.f.text,
            Some(shift(at.span(), self.offset)),
            message,
            label,
            Some(help.into()),
        ));
    }
    fn regex(&mut self, s: &Spanned<String>) -> Option<Regex> {
        match Regex::new(s.get_ref()) {
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
    fn require<'s, T>(
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

fn labels(v: &Spanned<OneOrMany>) -> Vec<String> {
    v.get_ref().to_vec()
}

fn compile_rule(f: &RuleFile, offset: usize, rs: RuleSpec) -> Result<Rule, Vec<LoadError>> {
    let mut cx = Ctx {
        f,
        offset,
        errors: Vec::new(),
    };
    let id = rs.id.get_ref().trim().to_owned();
    if id.is_empty() || id.contains(char::is_whitespace) {
        cx.err(
            &rs.id,
            "rule id must be non-empty and without spaces",
            "this id",
            "use an id such as `sum-linked-lists`",
        );
    }
    let kind_name = rs.kind.get_ref().as_str();
    let kind = match kind_name {
        "sum" => {
            let total = rs.total.as_ref().map(labels).unwrap_or_default();
            let parts: Vec<Vec<String>> = rs.parts.iter().flatten().map(labels).collect();
            if !parts.is_empty() && total.is_empty() {
                cx.err(
                    &rs.kind,
                    "a `sum` rule with `parts` needs `total`",
                    "this rule",
                    "name the total's label with `total = \"…\"`",
                );
            }
            let minus: Vec<Vec<String>> = rs.minus.iter().flatten().map(labels).collect();
            Some(Kind::Sum {
                total,
                parts,
                minus,
            })
        }
        "equal" => {
            let groups: Vec<Vec<String>> = rs.labels.iter().flatten().map(labels).collect();
            let each = rs.label.as_ref().map(labels).unwrap_or_default();
            if groups.is_empty() && each.is_empty() {
                cx.err(&rs.kind, "an `equal` rule needs `label` (figures each stated several times) or `labels` (figures that must be equal)", "this kind", "add `labels = [\"收入总计\", \"支出总计\"]`");
            }
            Some(Kind::Equal {
                labels: groups,
                each,
            })
        }
        "growth" => Some(Kind::Growth {
            list_deltas: rs.list_deltas.unwrap_or(true),
        }),
        "share" => Some(Kind::Share {
            denominator: rs.denominator.as_ref().map(labels),
            complete_lists: rs.complete_lists.unwrap_or(true),
        }),
        "require" => {
            let pattern = rs.pattern.as_ref().and_then(|p| cx.regex(p));
            let when = rs.when.as_ref().and_then(|p| cx.regex(p));
            let heading = rs.heading.as_ref().map(labels);
            if rs.pattern.is_none() && heading.is_none() {
                cx.err(
                    &rs.kind,
                    "a `require` rule needs `pattern` or `heading`",
                    "this kind",
                    "add `heading = \"…\"` or `pattern = \"…\"`",
                );
            }
            let unless = rs.unless.as_ref().and_then(|p| cx.regex(p));
            Some(Kind::Require {
                pattern,
                heading,
                when,
                unless,
            })
        }
        "forbid" => {
            let pattern = cx
                .require(&rs.pattern, "pattern", &rs.kind)
                .cloned()
                .and_then(|p| cx.regex(&p));
            let unless = rs.unless.as_ref().and_then(|p| cx.regex(p));
            let sentences = match rs.on.as_ref().map(|o| o.get_ref().as_str()) {
                None | Some("text") => false,
                Some("sentences") => true,
                Some(other) => {
                    cx.err(
                        rs.on.as_ref().unwrap(),
                        format!("unknown `on = \"{other}\"`"),
                        "this value",
                        "`on` is \"text\" (the original text) or \"sentences\" (normalised sentences)",
                    );
                    false
                }
            };
            pattern.map(|pattern| Kind::Forbid {
                pattern,
                unless,
                sentences,
            })
        }
        "numbering" => {
            let check = rs
                .check
                .clone()
                .unwrap_or_else(|| vec!["sequence".into(), "style".into()]);
            for c in &check {
                if c != "sequence" && c != "style" {
                    cx.err(
                        &rs.kind,
                        format!("unknown numbering check `{c}`"),
                        "this rule",
                        "check takes \"sequence\" and/or \"style\"",
                    );
                }
            }
            Some(Kind::Numbering {
                sequence: check.iter().any(|c| c == "sequence"),
                style: check.iter().any(|c| c == "style"),
            })
        }
        "table-row" => {
            let table = cx
                .require(&rs.table, "table", &rs.kind)
                .map(|t| t.get_ref().clone());
            let expr = match cx.require(&rs.assert, "assert", &rs.kind).cloned() {
                Some(a) => match expr::RowExpr::compile(a.get_ref()) {
                    Ok(e) => Some(e),
                    Err(msg) => {
                        cx.err(&a, format!("expression does not parse: {msg}"), "this expression", "write e.g. `指标得分 == 指标权重 * 得分系数 / 100`; column names are written as they appear in the header, without their unit");
                        None
                    }
                },
                None => None,
            };
            match (table, expr) {
                (Some(table), Some(expr)) => Some(Kind::TableRow {
                    table,
                    expr: Arc::new(expr),
                    row_filter: rs.row_filter.as_ref().map(|s| s.get_ref().clone()),
                    exact: rs.exact.clone().unwrap_or_default(),
                }),
                _ => None,
            }
        }
        k if tables::TABLE_KINDS.contains(&k) => {
            tables::compile(k, &rs, &mut cx).map(|k| Kind::Tables(Box::new(k)))
        }
        "script" => match cx.require(&rs.script, "script", &rs.kind).cloned() {
            Some(s) => match script::compile(f, &id, &s, shift(s.span(), offset)) {
                Ok(s) => Some(Kind::Script(Arc::new(s))),
                Err(e) => {
                    cx.errors.push(e);
                    None
                }
            },
            None => None,
        },
        other => {
            cx.err(
                &rs.kind,
                format!("unknown rule kind `{other}`"),
                "this kind",
                format!("kind is one of: {}", KINDS.join(", ")),
            );
            None
        }
    };
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    let Some(kind) = kind else {
        return Err(cx.errors);
    };
    Ok(Rule {
        id,
        kind,
        severity: *rs.severity.get_ref(),
        message: rs.message.get_ref().clone(),
        help: rs.help,
        docs: rs.docs,
        scope: rs.scope.as_ref().map(labels).unwrap_or_default(),
        applies_to: rs.applies_to.unwrap_or_default(),
        origin: Origin {
            file: f.name.clone(),
            dir: f.dir.clone(),
        },
        tests: rs.tests,
        options: rs.options.unwrap_or_default(),
    })
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
    let mut files = Vec::new();
    if !no_default && !config.no_default_rules {
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
        Ok(mut set) if errors.is_empty() => {
            for r in &mut set.rules {
                if let Some(opts) = config.options.get(&r.id) {
                    for (k, v) in opts {
                        r.options.insert(k.clone(), v.clone());
                    }
                }
            }
            Ok(set)
        }
        Ok(_) => Err(errors),
        Err(mut e) => {
            errors.append(&mut e);
            Err(errors)
        }
    }
}

/// Fill `{name}` placeholders of a message template.
pub fn interpolate(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}
