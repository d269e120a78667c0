//! `report-year`: the years in the title, headings and table titles are
//! the report's year.

use super::RuleKind;
use crate::diagnostic::Label;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone)]
pub struct ReportYear;

impl RuleKind for ReportYear {
    const KEYS: &'static [&'static str] = &[];

    fn compile(_rs: &RuleSpec, _cx: &mut CompileCx) -> Option<Self> {
        Some(ReportYear)
    }

    fn run(&self, cx: &mut RuleContext) {
        year(cx)
    }
}

fn year(cx: &mut RuleContext<'_>) {
    static MENTION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"([0-9０-９]+)\s*年?\s*度?\s*(?:部门|单位)\s*(?:决算|预算)").unwrap()
    });
    static TITLE_YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*([0-9０-９]+)\s*年").unwrap());
    let Some(year) = cx.doc.kind.year else {
        cx.not_checked("报告标题中没有年度".into(), None);
        return;
    };
    let want = year.to_string();
    let title_span = cx.doc.title.as_ref().map(|t| t.1);
    let mut bad: Vec<Span> = Vec::new();
    for m in MENTION.captures_iter(cx.text) {
        let g = m.get(1).unwrap();
        // Part of a longer number (a code, an amount): not a year.
        let before = cx.text[..g.start()].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',') {
            continue;
        }
        if g.as_str() != want && (g.as_str().len() != 4 || g.as_str().starts_with("20")) {
            bad.push(Span::new(g.start(), g.end()));
        }
    }
    for t in &cx.doc.tables {
        let (Some(title), Some(ts)) = (t.title.as_deref(), t.title_span) else {
            continue;
        };
        if t.standard.is_none() {
            continue;
        }
        if let Some(c) = TITLE_YEAR.captures(title) {
            let g = c.get(1).unwrap();
            if g.as_str() != want {
                let src = &cx.text[ts.range()];
                if let Some(pos) = src.find(g.as_str()) {
                    bad.push(Span::new(
                        ts.start as usize + pos,
                        ts.start as usize + pos + g.len(),
                    ));
                }
            }
        }
    }
    bad.sort_by_key(|s| s.start);
    bad.dedup();
    for s in bad {
        if title_span.is_some_and(|t| t.start <= s.start && s.end <= t.end) {
            continue;
        }
        let found = cx.text[s.range()].to_owned();
        let mut d = cx.diag(&[("found", found.clone()), ("label", want.clone())]);
        d.labels.push(Label::new(s, "年度"));
        if let Some(t) = title_span {
            d.labels
                .push(Label::new(t, format!("报告标题：{want} 年度")));
        }
        if d.help.is_none() {
            d.help = Some(format!("标题、目录、各部分标题和表名中的年度应为 {want}"));
        }
        cx.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::findings;

    const RULE: &str = "[[rule]]\nid = \"t\"\nkind = \"report-year\"\nseverity = \"error\"\nmessage = \"{found}\"\n";

    #[test]
    fn a_heading_with_another_year_is_flagged() {
        let text = include_str!("../../../fixtures/tables/final_defects.txt");
        assert_eq!(findings(RULE, text), ["202"]);
    }

    #[test]
    fn consistent_years_are_not() {
        let text = include_str!("../../../fixtures/tables/final_ok.txt");
        assert!(findings(RULE, text).is_empty());
    }
}
