//! `gouji.toml`: packs to load, rule selection, severity overrides, rule
//! options. Found in the current directory or its parents, or given with
//! `--config`. Errors are located like rule-file errors.

use crate::diagnostic::Severity;
use crate::rule::spec::LoadError;
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
    /// Where the config was read from (set after loading).
    #[serde(skip)]
    pub dir: Option<PathBuf>,
}

impl Config {
    /// Is a rule id selected by `select`/`ignore` (ids or prefixes)?
    pub fn selects(&self, id: &str) -> bool {
        let hit = |list: &[String]| list.iter().any(|p| id == p || id.starts_with(p.as_str()));
        (self.select.is_empty() || hit(&self.select)) && !hit(&self.ignore)
    }

    pub fn parse(path: &str, text: &str) -> Result<Config, LoadError> {
        toml::from_str::<Config>(text).map_err(|e| {
            LoadError::new(
                path,
                &Arc::new(text.to_owned()),
                e.span(),
                e.message().trim().to_owned(),
                "here",
                Some("gouji.toml keys: packs, no_default_rules, select, ignore, [severity], [options.RULE-ID]".into()),
            )
        })
    }

    pub fn load(path: &Path) -> Result<Config, LoadError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            LoadError::new(&name, &Arc::new(String::new()), None, format!("cannot read config: {e}"), "", None)
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
