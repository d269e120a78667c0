//! Hover on a figure: what it is, and each rule's verdict on it.

use super::convert::NOT_CHECKED;
use crate::check::DetailedCheck;
use crate::diagnostic::{self, Outcome, Severity};
use crate::document::{Fact, FactKind};
use crate::source::SourceFile;

fn kind_name(k: FactKind) -> &'static str {
    match k {
        FactKind::Amount => "金额",
        FactKind::Percent => "百分比",
        FactKind::Share => "占比",
        FactKind::Change => "增减",
        FactKind::Count => "数量",
        FactKind::Number => "数值",
    }
}

/// The innermost figure at a byte offset (its end counts as inside).
pub(super) fn fact_at(check: &DetailedCheck, offset: u32) -> Option<&Fact> {
    check
        .document
        .facts
        .iter()
        .filter(|f| f.span.start <= offset && offset <= f.span.end)
        .min_by_key(|f| (f.span.len(), f.id))
}

/// Hover text for a figure: what it is, and each rule's verdict on it.
pub fn hover_markdown(src: &SourceFile, check: &DetailedCheck, fact: &Fact) -> String {
    let mut out = String::new();
    let label = if fact.label.is_empty() {
        "（无标签）"
    } else {
        fact.label.as_str()
    };
    out.push_str(&format!(
        "**{label}** · {} ({})\n\n",
        kind_name(fact.kind),
        fact.kind.as_str()
    ));
    match &fact.number {
        Some(n) => {
            let unit = n.unit.as_str();
            let unit = if unit.is_empty() { "—" } else { unit };
            out.push_str(&format!("数值 value: `{}` · 单位 unit: {unit}", n.value));
        }
        None => out.push_str(&format!("原文 text: `{}`", src.slice(fact.span))),
    }
    out.push_str("\n\n");
    let mut lines = Vec::new();
    for r in &check.rules {
        let touching: Vec<&diagnostic::Diagnostic> = r
            .diagnostics
            .iter()
            .filter(|d| {
                d.labels
                    .iter()
                    .any(|l| l.span.overlaps(fact.span) || l.span == fact.span)
            })
            .collect();
        let mut verdicts: Vec<String> = touching
            .iter()
            .map(|d| {
                let what = match (d.outcome, d.severity) {
                    (Outcome::NotChecked, _) => "未能核对 not checked",
                    (Outcome::ToolError, _) => "出错 failed",
                    (Outcome::Finding, Severity::Info) => "提示 note",
                    (Outcome::Finding, _) => "不一致 inconsistent",
                };
                let message = d
                    .message
                    .strip_prefix(NOT_CHECKED)
                    .map(|m| m.trim_start_matches(['：', ':', ' ']))
                    .unwrap_or(&d.message);
                format!("{what} ({message})")
            })
            .collect();
        verdicts.dedup();
        if verdicts.is_empty() && r.covered.contains(&fact.id) {
            verdicts.push("一致 consistent".into());
        }
        for v in verdicts {
            lines.push(format!("- `{}`: {v}", r.rule));
        }
    }
    if lines.is_empty() {
        out.push_str("没有规则核对这个数字 · not checked by any rule");
    } else {
        out.push_str("核对 checks:\n\n");
        out.push_str(&lines.join("\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;
    use crate::config::Config;
    use crate::rule;
    use crate::source::Encoding;
    use std::sync::Arc;

    #[test]
    fn hover_lists_each_rules_verdict() {
        let text = "一、收入支出情况\n本年支出合计308.97万元，其中：基本支出242.27万元，占比79.41%；项目支出66.70万元，占比21.59%。\n";
        let src = SourceFile::new("r.txt", text.to_owned(), Encoding::Utf8);
        let files = vec![rule::RuleFile {
            name: "t.toml".into(),
            text: Arc::new(
                "[[rule]]\nid = \"t-share\"\nkind = \"share\"\nseverity = \"error\"\nmessage = \"{label}占比 {stated} 与复算的 {computed} 不符\"\n"
                    .into(),
            ),
            dir: None,
        }];
        let rules = rule::compile(&files).unwrap();
        let check = check::check_source_detailed(&src, &rules, &Config::default());
        assert_eq!(check.rules.len(), 1);
        let fact_of = |s: &str| fact_at(&check, text.find(s).unwrap() as u32 + 1).unwrap();
        let h = hover_markdown(&src, &check, fact_of("79.41%"));
        assert!(h.contains("`t-share`: 不一致"), "{h}");
        assert!(h.contains("79.41%"), "{h}");
        let h = hover_markdown(&src, &check, fact_of("21.59%"));
        assert!(h.contains("**项目支出**"), "{h}");
        // The project share is right, but the list of shares does not add
        // up to 100%, which names this figure too.
        assert!(h.contains("`t-share`"), "{h}");
        let h = hover_markdown(&src, &check, fact_of("66.70"));
        assert!(h.contains("`t-share`: 一致"), "{h}");
        assert!(h.contains("66.7"), "{h}");
    }
}
