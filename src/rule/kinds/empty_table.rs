//! `empty-table`: a table that is empty says so (本表无数据), and a table
//! that says so is empty.

use super::RuleKind;
use crate::diagnostic::{Diagnostic, Label};
use crate::document::table::TableName;
use crate::rule::compile::CompileCx;
use crate::rule::context::interpolate;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;

#[derive(Debug, Clone)]
pub struct EmptyTable {
    /// The tables named in `required`, parsed once (standard or title).
    pub tables: Vec<TableName>,
}

impl RuleKind for EmptyTable {
    const KEYS: &'static [&'static str] = &["required"];

    fn compile(rs: &RuleSpec, _cx: &mut CompileCx) -> Option<Self> {
        Some(EmptyTable {
            tables: rs
                .required
                .iter()
                .flatten()
                .map(|n| TableName::new(n))
                .collect(),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        if cx.standard_tables_ready() {
            empty(cx, &self.tables)
        }
    }
}

fn empty(cx: &mut RuleContext<'_>, names: &[TableName]) {
    if !cx.any_figures() {
        // A blank template: nothing is stated either way.
        return;
    }
    for ti in 0..cx.doc.tables.len() {
        let t = &cx.doc.tables[ti];
        let Some(kind) = t.standard.map(|s| s.name()) else {
            continue;
        };
        if !names.is_empty() && !names.iter().any(|n| t.matches(n)) {
            continue;
        }
        let figures = t.data_rows().any(|(_, r)| {
            r.cells
                .iter()
                .any(|c| c.number.as_ref().is_some_and(|n| !n.value.is_zero()))
        });
        let numbers = t.has_figures();
        match (figures, t.empty_statement) {
            (false, None) if !numbers => {
                let mut d = cx.diag(&[("label", kind.to_owned()), ("found", "空表未说明".into())]);
                d.message = interpolate(&cx.rule.message, &[("label", kind.to_owned())]);
                d.labels.push(Label::new(cx.title_span(ti), "空表"));
                d.help = Some(format!(
                    "没有数据的表也应公开，并在表下说明，例如“本单位本年度没有{}，故本表为空表”",
                    kind.trim_end_matches('表')
                ));
                cx.report(d);
            }
            (true, Some(st)) => {
                let mut d = Diagnostic::new(
                    cx.rule.id.clone(),
                    cx.rule.severity,
                    format!("“{kind}”有数字，却说明本表为空表"),
                );
                d.labels.push(Label::new(st, "空表说明"));
                let first = t
                    .data_rows()
                    .flat_map(|(_, r)| r.cells.iter())
                    .find(|c| c.number.as_ref().is_some_and(|n| !n.value.is_zero()))
                    .map(|c| c.span);
                if let Some(s) = first {
                    d.labels.push(Label::new(s, "表中的数字"));
                }
                d.help = Some("删去不符的空表说明，或核对表中数字".into());
                cx.report(d);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{appropriation_table, findings, run};

    const RULE: &str = "[[rule]]\nid = \"t\"\nkind = \"empty-table\"\nseverity = \"error\"\nmessage = \"“{label}”没有数据，却未说明本表为空表\"\n";

    /// A 一般公共预算财政拨款支出决算表 with figures, then an empty 政府性基金
    /// table, each followed by these notes.
    fn report(appropriation_notes: &str, fund_notes: &str) -> String {
        format!(
            "\
{}{appropriation_notes}
                           政府性基金预算财政拨款收入支出决算表
                                                            单位：万元
         项目
                   年初结转和                                  年末结转和
  功能分类                       本年收入           本年支出
          科目名称      结余                                      结余
  科目编码

         合计                           合计    基本支出   项目支出

注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。
{fund_notes}
",
            appropriation_table()
        )
    }

    const FUND_EMPTY: &str =
        "说明：上海市普陀区示例局本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。";

    #[test]
    fn an_empty_table_that_does_not_say_so() {
        assert_eq!(
            findings(RULE, &report("", "")),
            ["政府性基金预算财政拨款收入支出决算表"]
        );
    }

    #[test]
    fn an_empty_table_that_says_so() {
        assert_eq!(run(RULE, &report("", FUND_EMPTY)), (vec![], vec![]));
    }

    #[test]
    fn a_table_with_figures_that_says_it_is_empty() {
        // A template's statement left under a table that has figures.
        let stale = "说明：上海市普陀区示例局本年度没有一般公共预算财政拨款支出，故本表无数据。";
        assert_eq!(findings(RULE, &report(stale, FUND_EMPTY)), [stale]);
    }

    #[test]
    fn a_blank_template_says_not_checked() {
        // No standard table carries a figure: nothing is stated either way.
        let text = report("", "")
            .replace("257.05", "")
            .replace("149.23", "")
            .replace("107.82", "");
        let (found, notes) = run(RULE, &text);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(notes, ["未能核对：报告的表格中没有数字"]);
    }
}
