//! `numbering`: heading numbers run in sequence (一、二、三、) and the levels
//! keep one style each.

use super::RuleKind;
use crate::diagnostic::{Diagnostic, Label};
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;

#[derive(Debug, Clone)]
pub struct Numbering {
    pub sequence: bool,
    pub style: bool,
}

impl RuleKind for Numbering {
    const KEYS: &'static [&'static str] = &["check"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
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
        Some(Numbering {
            sequence: check.iter().any(|c| c == "sequence"),
            style: check.iter().any(|c| c == "style"),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        numbering(cx, self.sequence, self.style)
    }
}

fn numbering(cx: &mut RuleContext<'_>, sequence: bool, style: bool) {
    for issue in &cx.doc.numbering_issues {
        if (issue.kind == "sequence" && !sequence) || (issue.kind == "style" && !style) {
            continue;
        }
        let h = &cx.doc.headings[issue.heading];
        if !cx.in_scope(h.section) {
            continue;
        }
        let at = h.number_span.unwrap_or(h.span);
        let message = if issue.kind == "style" {
            format!(
                "同一级标题编号样式不一致：此处为“{}”，同级前文为“{}”",
                issue.found, issue.expected
            )
        } else {
            format!(
                "标题编号不连续：应为 {}，此处为 {}",
                issue.expected, issue.found
            )
        };
        let mut d = Diagnostic::new(cx.rule.id.clone(), cx.rule.severity, message);
        d.labels.push(Label::new(at, "此标题"));
        if let Some(o) = issue.other {
            let oh = &cx.doc.headings[o];
            d.labels.push(Label::new(
                oh.number_span.unwrap_or(oh.span),
                "同级的前一标题",
            ));
        }
        d.help = cx.rule.help.clone();
        cx.report(d);
    }
}
