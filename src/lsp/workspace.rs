//! The workspace as `gouji check` sees it: gouji.toml and its rule packs,
//! which documents are reports, and which findings its `[[suppress]]`
//! entries leave visible.

use crate::check::{self, DetailedCheck};
use crate::config::Config;
use crate::diagnostic;
use crate::error::LoadError;
use crate::rule::{self, RuleSet};
use crate::source::SourceFile;
use lsp_types::Url;
use std::path::Path;
use std::sync::Arc;

/// Load `gouji.toml` (found in `root` or its parents) and the rule packs it
/// names, as `gouji check` does without command-line rule options.
pub fn load_workspace(root: Option<&Path>) -> Result<(Config, RuleSet), Vec<LoadError>> {
    let start = root
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok());
    let config = match start.as_deref().and_then(Config::discover) {
        Some(p) => Config::load(&p).map_err(|e| vec![e])?,
        None => Config::default(),
    };
    let rules = rule::load_for(&config, &[], false)?;
    Ok((config, rules))
}

pub(super) fn is_rule_file(uri: &Url) -> bool {
    let p = uri.path();
    p.ends_with(".toml") || p.ends_with(".rhai")
}

pub(super) fn is_report(uri: &Url, language_id: &str) -> bool {
    let p = uri.path().to_ascii_lowercase();
    if is_rule_file(uri) {
        // An editor without TOML support calls gouji.toml plain text.
        return false;
    }
    language_id == "plaintext"
        || language_id == "gouji"
        || p.ends_with(".txt")
        || p.ends_with(".text")
}

/// The findings of a check less those that a `[[suppress]]` entry of
/// gouji.toml accepts (as `gouji check` applies them; baselines are CLI-only).
pub fn visible(
    config: &Config,
    src: &SourceFile,
    c: &DetailedCheck,
) -> Vec<diagnostic::Diagnostic> {
    if config.suppress.is_empty() {
        return c.diagnostics.clone();
    }
    let mut reports = vec![check::FileReport {
        path: src.path.clone(),
        source: Some(Arc::new(src.clone())),
        diagnostics: c.diagnostics.clone(),
        coverage: Some(c.coverage.clone()),
        rules_run: Vec::new(),
        kind: Some(c.document.kind.clone()),
    }];
    crate::baseline::apply(&mut reports, config, None);
    reports
        .into_iter()
        .find(|r| !crate::baseline::is_meta_report(r) && r.path == src.path)
        .map(|r| r.diagnostics)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Encoding;

    #[test]
    fn suppressed_findings_are_not_shown() {
        let text = "本年支出合计308.97万元，其中：基本支出242.27万元，占比79.41%；项目支出66.70万元，占比21.59%。";
        let src = SourceFile::new("/w/r.txt", text.to_owned(), Encoding::Utf8);
        let files = vec![rule::RuleFile {
            name: "t.toml".into(),
            text: Arc::new(
                "[[rule]]\nid = \"t-forbid\"\nkind = \"forbid\"\nseverity = \"error\"\nmessage = \"{found}\"\npattern = \"\\\\d+\\\\.41%\"\n"
                    .into(),
            ),
            dir: None,
        }];
        let rules = rule::compile(&files).unwrap();
        let plain = Config::default();
        // Findings only: the report also gets a coverage note (a forbid rule
        // verifies no figure).
        let findings = |v: Vec<diagnostic::Diagnostic>| {
            v.into_iter()
                .filter(|d| d.outcome == diagnostic::Outcome::Finding)
                .count()
        };
        let c = check::check_source_detailed(&src, &rules, &plain);
        assert_eq!(findings(visible(&plain, &src, &c)), 1);
        let config = Config::parse(
            "gouji.toml",
            "[[suppress]]\nrule = \"t-forbid\"\ntext = \"79.41%\"\nreason = \"测试\"\n",
        )
        .unwrap();
        let c = check::check_source_detailed(&src, &rules, &config);
        assert_eq!(findings(c.diagnostics.clone()), 1);
        assert_eq!(findings(visible(&config, &src, &c)), 0);
    }

    #[test]
    fn reports_are_txt_or_plaintext_but_not_rule_files() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(is_report(&u("file:///w/2024决算.txt"), "text"));
        assert!(is_report(&u("file:///w/REPORT.TXT"), ""));
        assert!(is_report(&u("untitled:Untitled-1"), "plaintext"));
        assert!(!is_report(&u("file:///w/gouji.toml"), "plaintext"));
        assert!(!is_report(&u("file:///w/rules/x.rhai"), "plaintext"));
        assert!(!is_report(&u("file:///w/notes.md"), "markdown"));
    }
}
