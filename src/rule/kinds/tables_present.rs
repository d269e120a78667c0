//! `tables-present`: the standard tables a report of its kind must publish
//! are there (by title or in the table of contents).

use super::RuleKind;
use crate::diagnostic::Label;
use crate::document::table::TableName;
use crate::document::text::fold;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;

#[derive(Debug, Clone)]
pub struct TablesPresent {
    pub required: Vec<TableName>,
}

impl RuleKind for TablesPresent {
    const KEYS: &'static [&'static str] = &["required"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let required = rs.required.clone().unwrap_or_default();
        if required.is_empty() {
            cx.err(
                &rs.kind,
                "a `tables-present` rule needs `required` (table names)",
                "this kind",
                "add `required = [\"收入支出决算总表\", …]`",
            );
            return None;
        }
        Some(TablesPresent {
            required: required.iter().map(|n| TableName::new(n)).collect(),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        present(cx, &self.required)
    }
}

fn present(cx: &mut RuleContext<'_>, required: &[TableName]) {
    if cx.doc.tables.iter().all(|t| t.standard.is_none()) && cx.doc.toc.is_empty() {
        cx.not_checked("报告中没有识别出任何标准表格".into(), None);
        return;
    }
    let body = fold(cx.text);
    for name in required {
        if cx.table_present(name) {
            continue;
        }
        let want = &name.name;
        // Printed somewhere outside the contents but not parsed: abstain.
        let toc_hits = cx
            .doc
            .toc
            .iter()
            .filter(|(t, _)| fold(t).contains(want.as_str()))
            .count();
        if body.matches(want.as_str()).count() > toc_hits {
            cx.not_checked(format!("“{name}”的标题存在，但表格未能识别"), None);
            continue;
        }
        let promise = cx
            .doc
            .toc
            .iter()
            .find(|(t, _)| fold(t).contains(want.as_str()))
            .map(|(_, s)| *s);
        let at = promise.or(cx.doc.title.as_ref().map(|t| t.1));
        let mut d = cx.diag(&[("label", name.to_string())]);
        if let Some(s) = at {
            d.labels.push(Label::new(
                s,
                if promise.is_some() {
                    "目录列有此表"
                } else {
                    "报告"
                },
            ));
        }
        cx.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::run;

    const OK: &str = include_str!("../../../fixtures/tables/final_ok.txt");

    fn rule(required: &str) -> String {
        format!("[[rule]]\nid = \"t\"\nkind = \"tables-present\"\nseverity = \"error\"\nmessage = \"缺少“{{label}}”\"\nrequired = [{required}]\n")
    }

    #[test]
    fn tables_that_are_there() {
        let (found, notes) = run(&rule("\"收入支出决算总表\", \"收入决算表\""), OK);
        assert!(found.is_empty() && notes.is_empty(), "{found:?} {notes:?}");
    }

    #[test]
    fn a_table_named_nowhere_is_missing_on_the_report_title() {
        // Not in the contents either: the finding stands on the title.
        let (found, notes) = run(&rule("\"收入支出决算总表\", \"项目支出绩效目标表\""), OK);
        assert_eq!(
            found,
            ["上海市普陀区示例局\n 2024 年度部门决算"],
            "{notes:?}"
        );
    }

    #[test]
    fn a_report_without_any_standard_table_is_not_judged() {
        let (found, notes) = run(
            &rule("\"收入决算表\""),
            "一、部门概况\n本部门负责示例工作。\n",
        );
        assert!(found.is_empty());
        assert_eq!(notes, ["未能核对：报告中没有识别出任何标准表格"]);
    }
}
