//! `report-scope` (STR-07): a report names itself by its year and scope
//! (`2025年单位预算`, `2024 年度部门决算`) in its title, contents, part
//! headings and text; a 单位 report must not call itself 部门 and the other
//! way round. The scope is the title's; a report whose title names no scope
//! is not checked. Only a mention that names a report (a year right before
//! it) counts: `部门预算经济分类` in a standard table's name or
//! `所属单位决算` names other things.

use super::RuleKind;
use crate::diagnostic::Label;
use crate::document::Scope;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone)]
pub struct ReportScope;

impl RuleKind for ReportScope {
    const KEYS: &'static [&'static str] = &[];

    fn compile(_rs: &RuleSpec, _cx: &mut CompileCx) -> Option<Self> {
        Some(ReportScope)
    }

    fn run(&self, cx: &mut RuleContext) {
        scope(cx)
    }
}

/// `2024 年度部门决算`, `2025年区级单位预算`: a year, then the scope word.
static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[0-9０-９]{4}\s*年\s*度?\s*(?:区级|市级|县级|省级|本级)?\s*(?P<scope>部门|单位)\s*(?:决算|预算)",
    )
    .expect("the mention pattern compiles")
});

fn scope(cx: &mut RuleContext<'_>) {
    let Some(scope) = cx.doc.kind.scope else {
        cx.not_checked("报告标题中没有写明部门或单位".into(), None);
        return;
    };
    let other = match scope {
        Scope::Department => Scope::Unit,
        Scope::Unit => Scope::Department,
    };
    let (own, other) = (scope.as_str(), other.as_str());
    let title = cx.doc.title.as_ref().map(|t| t.1);
    let stage = cx.doc.kind.stage.map_or("", |s| s.as_str());
    let mut wrong = Vec::new();
    for m in MENTION.captures_iter(cx.text) {
        let g = m.name("scope").expect("the pattern has a scope");
        if g.as_str() == other {
            let whole = m.get(0).expect("group 0 always matches");
            wrong.push((
                Span::new(whole.start(), whole.end()),
                Span::new(g.start(), g.end()),
            ));
        }
    }
    for (whole, word) in wrong {
        let found = cx.slice(whole);
        let mut d = cx.diag(&[("found", found), ("label", own.to_owned())]);
        d.labels.push(Label::new(word, format!("应为“{own}”")));
        if let Some(t) = title {
            d.labels
                .push(Label::new(t, format!("报告标题：{own}{stage}")));
        }
        cx.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::MENTION;

    #[test]
    fn mentions_name_a_report_by_its_year() {
        for (text, scope) in [
            ("2024 年度 部门决算", "部门"),
            ("2025年区级单位预算", "单位"),
            ("2024年度单位决算", "单位"),
        ] {
            assert_eq!(&MENTION.captures(text).unwrap()["scope"], scope, "{text}");
        }
        for text in [
            "单位一般公共预算基本支出部门预算经济分类预算表",
            "下属行政事业单位决算",
        ] {
            assert!(MENTION.captures(text).is_none(), "{text}");
        }
    }
}
