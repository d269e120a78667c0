//! `table-row`: a per-row formula over a text table's columns (the
//! 项目绩效自评表: 指标得分 == 指标权重 * 得分系数 / 100), on quantities.

use super::{range, show, RuleKind};
use crate::diagnostic::{Diagnostic, Label, Outcome, Severity};
use crate::document::text::fold;
use crate::document::RowKind;
use crate::quantity::Quantity;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::expr::RowExpr;
use crate::rule::spec::RuleSpec;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct TableRow {
    /// A header the table must have.
    pub table: String,
    pub expr: Arc<RowExpr>,
    pub row_filter: Option<String>,
    /// Columns whose integers are exact (weights, coefficients).
    pub exact: Vec<String>,
    /// Other headers of a column of the expression (its name folded).
    pub aliases: HashMap<String, Vec<String>>,
}

impl RuleKind for TableRow {
    const KEYS: &'static [&'static str] = &["table", "assert", "row_filter", "exact", "aliases"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let table = cx
            .require(&rs.table, "table", &rs.kind)
            .map(|t| t.get_ref().clone());
        let expr = match cx.require(&rs.assert, "assert", &rs.kind).cloned() {
            Some(a) => match RowExpr::compile(a.get_ref()) {
                Ok(e) => Some(e),
                Err(msg) => {
                    cx.err(&a, format!("expression does not parse: {msg}"), "this expression", "write e.g. `指标得分 == 指标权重 * 得分系数 / 100`; column names are written as they appear in the header, without their unit");
                    None
                }
            },
            None => None,
        };
        let expr = expr?;
        let mut aliases = HashMap::new();
        for (name, others) in rs.aliases.iter().flatten() {
            let key = fold(name);
            if !expr.columns.contains(&key) {
                cx.err(
                    &rs.kind,
                    format!("`aliases` names `{name}`, which is not a column of `assert`"),
                    "this rule",
                    format!(
                        "aliases are keyed by a column of the expression: {}",
                        expr.columns.join(", ")
                    ),
                );
                return None;
            }
            aliases.insert(key, others.clone());
        }
        Some(TableRow {
            table: table?,
            expr: Arc::new(expr),
            row_filter: rs.row_filter.as_ref().map(|s| s.get_ref().clone()),
            exact: rs.exact.clone().unwrap_or_default(),
            aliases,
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        table_row(
            cx,
            &self.table,
            &self.expr,
            self.row_filter.as_deref(),
            &self.exact,
            &self.aliases,
        )
    }
}

fn table_row(
    cx: &mut RuleContext<'_>,
    table: &str,
    expr: &RowExpr,
    row_filter: Option<&str>,
    exact: &[String],
    aliases: &HashMap<String, Vec<String>>,
) {
    use crate::rule::expr::RowOutcome;
    let tables: Vec<usize> = (0..cx.doc.tables.len())
        .filter(|&t| cx.doc.tables[t].has_header(table))
        .collect();
    let mut evaluated = 0;
    let mut undefined = 0;
    for &ti in &tables {
        let t = &cx.doc.tables[ti];
        for (ri, row) in t.rows.iter().enumerate() {
            if row.kind == RowKind::Header {
                continue;
            }
            if let Some(f) = row_filter {
                if row.get(f).is_none_or(|c| c.key.is_empty()) {
                    continue;
                }
            }
            let mut cols = HashMap::new();
            let mut spans = Vec::new();
            let mut complete = true;
            for c in &expr.columns {
                let cell = row.get(c).or_else(|| {
                    aliases
                        .get(c)
                        .into_iter()
                        .flatten()
                        .find_map(|a| row.get(a))
                });
                match cell.and_then(|cell| cell.number.as_ref().map(|n| (cell, n))) {
                    Some((cell, n)) => {
                        let is_exact = exact.iter().any(|e| {
                            crate::document::strip_unit_suffix(&fold(e))
                                == crate::document::strip_unit_suffix(c)
                        }) && n.decimals == 0;
                        let q = if is_exact {
                            Quantity::exact(n.value)
                        } else {
                            n.quantity()
                        };
                        cols.insert(c.clone(), q);
                        spans.push((c.clone(), cell.span));
                    }
                    None => complete = false,
                }
            }
            if !complete {
                continue;
            }
            let ids: Vec<usize> = cx
                .doc
                .by_row
                .get(&(ti, ri))
                .into_iter()
                .flatten()
                .copied()
                .filter(|&i| spans.iter().any(|s| s.1 == cx.doc.facts[i].span))
                .collect();
            let label = row.label.clone().unwrap_or_default();
            match expr.eval(&cols) {
                RowOutcome::Pass => {
                    evaluated += 1;
                    cx.cover(ids);
                }
                RowOutcome::Fail(left, right) => {
                    evaluated += 1;
                    cx.cover(ids);
                    // The computed value to two places, as the figures are
                    // printed; its exact interval is in `range`.
                    let computed = show(right.mid().round_dp(2));
                    let values = [
                        ("label", label.clone()),
                        ("stated", show(left.mid())),
                        ("computed", computed.clone()),
                        ("range", range(&right, 2)),
                        ("expr", expr.source.clone()),
                    ];
                    let mut d = cx.diag(&values);
                    for (i, (c, s)) in spans.iter().enumerate() {
                        let msg = if i == 0 {
                            format!("{c}（所述）")
                        } else {
                            c.clone()
                        };
                        d.labels.push(Label::new(*s, msg));
                    }
                    if d.help.is_none() {
                        d.help = Some(format!(
                            "{}：{} 应为 {}（考虑四舍五入的范围 {}）",
                            expr.source,
                            show(left.mid()),
                            computed,
                            range(&right, 2)
                        ));
                    }
                    cx.report(d);
                }
                RowOutcome::Undefined => {
                    undefined += 1;
                    cx.not_checked(
                        format!("“{label}”行：{} 中出现除以 0，无法计算", expr.source),
                        spans.first().map(|s| s.1),
                    );
                }
                RowOutcome::Missing(_) => {}
                RowOutcome::Error(e) => {
                    let mut d = Diagnostic::new(
                        cx.rule.id.clone(),
                        Severity::Error,
                        format!("规则表达式出错：{e}"),
                    )
                    .with_outcome(Outcome::ToolError);
                    d.help = Some(format!("在规则文件 {} 中检查 assert", cx.rule.origin.file));
                    cx.report(d);
                    return;
                }
            }
        }
    }
    // Rows that divided by 0 have had their own note.
    if evaluated == 0 && undefined == 0 {
        let at = tables.first().map(|&t| cx.doc.tables[t].span);
        if tables.is_empty() {
            cx.not_checked(format!("未找到表头含“{table}”的表格"), None);
        } else {
            cx.not_checked(
                format!("表格中没有可计算“{}”的行", expr.source),
                at.map(|s| crate::source::Span::new(s.start as usize, s.start as usize + 1)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{findings, run};

    const SCORE: &str = "[[rule]]\nid = \"t\"\nkind = \"table-row\"\nseverity = \"error\"\nmessage = \"{label}\"\ntable = \"指标得分\"\nassert = \"指标得分 == 指标权重 * 得分系数 / 100\"\nexact = [\"指标权重\", \"得分系数\"]\n";

    /// A 项目支出绩效自评表 with one indicator row.
    fn self_evaluation(row: &str) -> String {
        format!(
            "\
2025年度项目支出绩效自评表
绩效指标 | 指标名称 | 指标值 | 全年完成值 | 得分系数（%） | 指标权重（分） | 指标得分（分） |
{row}
"
        )
    }

    #[test]
    fn a_score_that_is_not_weight_times_coefficient() {
        let text = self_evaluation("产出指标 | 保证正常办公率 | ≥90% | 95% | 100 | 30 | 25 |");
        assert_eq!(findings(SCORE, &text), ["25"]);
    }

    #[test]
    fn a_score_that_is() {
        let text = self_evaluation("产出指标 | 保证正常办公率 | ≥90% | 95% | 100 | 30 | 30 |");
        let (found, notes) = run(SCORE, &text);
        assert!(found.is_empty() && notes.is_empty(), "{found:?} {notes:?}");
    }

    #[test]
    fn without_a_table_that_has_the_header_it_says_not_checked() {
        let (found, notes) = run(SCORE, "一、绩效自评结果\n本局对1个项目开展了绩效自评。\n");
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(notes, ["未能核对：未找到表头含“指标得分”的表格"]);
    }

    #[test]
    fn a_division_by_zero_says_not_checked() {
        let rule = "[[rule]]\nid = \"t\"\nkind = \"table-row\"\nseverity = \"error\"\nmessage = \"{label}\"\ntable = \"执行率\"\nassert = \"执行率 == 全年执行数 / 全年预算数 * 100\"\n";
        let text = "\
2025年度项目支出绩效自评表
项目资金 | 年初预算数 | 全年预算数 | 全年执行数 | 执行率 |
年度资金总额 | 0.00 | 0.00 | 0.00 | 100 |
";
        let (found, notes) = run(rule, text);
        assert!(found.is_empty(), "{found:?}");
        // One note: not followed by one that no row could be computed.
        assert_eq!(
            notes,
            ["未能核对：“年度资金总额”行：执行率 == 全年执行数 / 全年预算数 * 100 中出现除以 0，无法计算"]
        );
    }
}
