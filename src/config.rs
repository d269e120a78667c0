//! `gouji.toml`: packs to load, rule selection, severity overrides, rule
//! options, suppressions (`[[suppress]]`, applied by `crate::baseline`).
//! Found in the current directory or its parents, or given with
//! `--config`. Errors are located like rule-file errors.

use crate::diagnostic::Severity;
use crate::error::LoadError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Extra rule pack directories, relative to the config file.
    #[serde(default)]
    pub packs: Vec<PathBuf>,
    /// Leave the shipped pack out.
    #[serde(default)]
    pub no_default_rules: bool,
    /// Rule ids or id prefixes to run (all when empty).
    #[serde(default)]
    pub select: Vec<String>,
    /// Rule ids or id prefixes not to run.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Per-rule severity overrides.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Per-rule options: `[options.RULE-ID]`.
    #[serde(default)]
    pub options: BTreeMap<String, toml::Table>,
    /// Accepted findings: `[[suppress]]` tables (see [`Suppression`]).
    #[serde(default)]
    pub suppress: Vec<toml::Spanned<Suppression>>,
    /// Hard limits per report: `[limits]`.
    #[serde(default)]
    pub limits: Limits,
    /// Where the config was read from (set after loading).
    #[serde(skip)]
    pub dir: Option<PathBuf>,
    /// The config file's display path and text (set when parsed), so that a
    /// diagnostic about the config (an unused suppression) can point into it.
    #[serde(skip)]
    pub source: Option<(String, Arc<String>)>,
    /// `kind = ["公开说明"]`: the document kind of every report checked
    /// with this config (stage, scope or form words, as `--kind`), instead
    /// of what is recognised. `--kind` replaces it.
    #[serde(default)]
    pub kind: Option<toml::Spanned<crate::rule::spec::OneOrMany>>,
    /// Report kinds forced (`gouji check --kind 决算`, or `kind` above):
    /// they replace what title and structure say, for `applies_to`.
    #[serde(skip)]
    pub kinds: Vec<String>,
    /// Where `kinds` came from (`--kind`, `gouji.toml`), for the output.
    #[serde(skip)]
    pub kinds_from: &'static str,
}

/// Hard limits per report (`[limits]` in gouji.toml). A report over one gets
/// one located error and the run goes on with the next file. Fixed, see the
/// README: the PDF reader's glyph and ruling caps, script operations and
/// sizes, the language server's message size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest report file read, in MiB (checked before reading it).
    pub max_input_mb: u64,
    /// Longest time the rules may take on one report, in seconds (checked
    /// before each rule; a script rule has its own, shorter deadline).
    pub max_seconds_per_file: u64,
    /// Most heap memory one report may hold, in MiB: its reading (PDF,
    /// .docx, .xlsx) and its check (parsing and the rules) are each held to
    /// it (measured per thread by the binary's allocator; looked at after
    /// reading, after parsing and around each rule: see `check::run_rules`).
    pub max_memory_mb: u64,
    /// Most pages of a PDF.
    pub max_pages: usize,
    /// Most entries of a zip (.docx, .xlsx, .ods).
    pub max_zip_entries: usize,
    /// Most MiB all entries of a zip may inflate to (a zip bomb's defence).
    pub max_unpacked_mb: u64,
    /// Most values of a workbook (.xlsx, .xls, .ods), all sheets together.
    pub max_sheet_cells: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        // The readers' defaults are theirs (input::ReadLimits), stated once.
        let reader = crate::input::ReadLimits::default();
        Limits {
            max_input_mb: 64,
            max_seconds_per_file: 120,
            max_memory_mb: 2048,
            max_pages: reader.max_pages,
            max_zip_entries: reader.max_zip_entries,
            max_unpacked_mb: reader.max_unpacked >> 20,
            max_sheet_cells: reader.max_sheet_cells,
        }
    }
}

impl Limits {
    /// The readers' part of the limits.
    pub fn reader(&self) -> crate::input::ReadLimits {
        crate::input::ReadLimits {
            max_pages: self.max_pages,
            max_zip_entries: self.max_zip_entries,
            max_unpacked: self.max_unpacked_mb.saturating_mul(1 << 20),
            max_sheet_cells: self.max_sheet_cells,
        }
    }
}

/// One `[[suppress]]` entry: findings of `rule` whose primary label covers
/// exactly `text`, or whose fingerprint is `fingerprint`, are not reported.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// The rule id.
    pub rule: String,
    /// The text the finding's primary label covers (e.g. `"79.41%"`).
    pub text: Option<String>,
    /// The finding's fingerprint (SARIF `partialFingerprints`, JSON
    /// `fingerprint`, baseline files).
    pub fingerprint: Option<String>,
    /// Only in this report (its path as given on the command line).
    pub path: Option<String>,
    /// Why the finding is accepted. Required.
    pub reason: String,
}

impl Config {
    /// The forced kind words (`--kind`, `kind`), parsed; words that name no
    /// kind were refused when they were read.
    pub fn kind_words(&self) -> Vec<crate::document::KindWord> {
        self.kinds.iter().filter_map(|k| k.parse().ok()).collect()
    }

    /// Is a rule id selected by `select`/`ignore` (ids or prefixes)?
    pub fn selects(&self, id: &str) -> bool {
        let hit = |list: &[String]| list.iter().any(|p| id == p || id.starts_with(p.as_str()));
        (self.select.is_empty() || hit(&self.select)) && !hit(&self.ignore)
    }

    /// Does a rule run? As [`selects`](Self::selects), but a rule off by
    /// default (`enabled = false`) runs only when `select` names its id
    /// exactly: a prefix selecting a family does not switch on a local
    /// template's check.
    pub fn runs(&self, id: &str, enabled: bool) -> bool {
        self.selects(id) && (enabled || self.select.iter().any(|s| s == id))
    }

    #[expect(
        clippy::result_large_err,
        reason = "a LoadError carries its file's text for miette; one per load, never on a hot path"
    )]
    pub fn parse(path: &str, text: &str) -> Result<Config, LoadError> {
        let shared = Arc::new(text.to_owned());
        let mut config = toml::from_str::<Config>(text).map_err(|e| {
            LoadError::new(
                path,
                &shared,
                e.span(),
                e.message().trim().to_owned(),
                "here",
                Some("gouji.toml keys: packs, no_default_rules, select, ignore, kind, [severity], [options.RULE-ID], [[suppress]]".into()),
            )
        })?;
        if let Some(k) = &config.kind {
            let words = k.get_ref().to_vec();
            if let Some(bad) = words
                .iter()
                .find(|w| w.parse::<crate::document::KindWord>().is_err())
            {
                return Err(LoadError::new(
                    path,
                    &shared,
                    Some(k.span()),
                    format!("unknown document kind `{bad}`"),
                    "this kind",
                    Some(format!(
                        "kind takes: {}",
                        crate::document::kind::KIND_WORDS.join(", ")
                    )),
                ));
            }
            config.kinds = words;
            config.kinds_from = "gouji.toml";
        }
        for s in &config.suppress {
            let entry = s.get_ref();
            let problem = if entry.rule.trim().is_empty() {
                Some("a suppression needs a non-empty `rule`")
            } else if entry.text.is_some() == entry.fingerprint.is_some() {
                Some("a suppression needs exactly one of `text` and `fingerprint`")
            } else if entry.reason.trim().is_empty() {
                Some("a suppression needs a non-empty `reason`")
            } else {
                None
            };
            if let Some(message) = problem {
                return Err(LoadError::new(
                    path,
                    &shared,
                    Some(s.span()),
                    message,
                    "this suppression",
                    Some("[[suppress]] takes rule = \"ID\", text = \"79.41%\" or fingerprint = \"…\", reason = \"why it is accepted\", and optionally path = \"report.txt\"".into()),
                ));
            }
        }
        config.source = Some((path.to_owned(), shared));
        Ok(config)
    }

    #[expect(
        clippy::result_large_err,
        reason = "a LoadError carries its file's text for miette; one per load, never on a hot path"
    )]
    pub fn load(path: &Path) -> Result<Config, LoadError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            LoadError::new(
                &name,
                &Arc::new(String::new()),
                None,
                format!("cannot read config: {e}"),
                "",
                None,
            )
        })?;
        let mut c = Config::parse(&name, &text)?;
        c.dir = path.parent().map(Path::to_path_buf);
        Ok(c)
    }

    /// `gouji.toml` in `start` or its parents.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            let p = d.join("gouji.toml");
            if p.is_file() {
                return Some(p);
            }
            dir = d.parent();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_off_by_default_runs_only_when_selected_by_its_id() {
        let all = Config::parse("gouji.toml", "").unwrap();
        let family = Config::parse("gouji.toml", "select = [\"require-\"]").unwrap();
        let named = Config::parse("gouji.toml", "select = [\"require-contact\"]").unwrap();
        let ignored = Config::parse(
            "gouji.toml",
            "select = [\"require-contact\"]\nignore = [\"require-\"]",
        )
        .unwrap();
        assert!(all.runs("require-glossary", true));
        assert!(!all.runs("require-contact", false));
        assert!(!family.runs("require-contact", false));
        assert!(family.runs("require-glossary", true));
        assert!(named.runs("require-contact", false));
        assert!(!ignored.runs("require-contact", false));
    }
}
