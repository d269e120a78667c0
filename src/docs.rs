//! Rule documentation: `gouji explain` and the README rule table come from
//! the same `docs` text of each rule.

use crate::rule::{Rule, RuleSet};
use std::fmt::Write;

pub fn explain(r: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}, {})", r.id, r.kind.name(), r.severity);
    let _ = writeln!(out, "定义于 {}", r.origin.file);
    if !r.enabled {
        let _ = writeln!(
            out,
            "默认不运行：在 gouji.toml 的 select 中写明 \"{}\" 才运行",
            r.id
        );
    }
    match &r.docs {
        Some(d) => {
            let _ = writeln!(
                out,
                "\n检查什么\n  {}\n\n为什么\n  {}\n\n错误示例\n  {}\n\n正确示例\n  {}",
                d.what, d.why, d.bad, d.good
            );
            if !d.catalogue.is_empty() {
                let _ = writeln!(out, "\n规则目录\n  {}", d.catalogue.join(", "));
            }
        }
        None => {
            let _ = writeln!(out, "\n（此规则没有文档）");
        }
    }
    out
}

/// The README table of rules (Markdown), generated from the docs.
pub fn rules_table(rules: &RuleSet) -> String {
    let mut out =
        String::from("| id | kind | severity | checks | catalogue |\n|---|---|---|---|---|\n");
    for r in &rules.rules {
        let (what, cat) = r
            .docs
            .as_ref()
            .map(|d| {
                (
                    d.what.replace('|', "\\|").replace('\n', " "),
                    d.catalogue.join(", "),
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            r.id,
            r.kind.name(),
            if r.enabled {
                r.severity.to_string()
            } else {
                format!("{}, off unless selected", r.severity)
            },
            what,
            cat
        );
    }
    out
}
