//! `table-sum`: a total row is the sum of rows, per column: named rows,
//! the numbered rows above it (`一、…八、` → 本年收入合计), or the
//! 功能分类/经济分类 code hierarchy (合计 = Σ 类, 类 = Σ 款, 款 = Σ 项).

use super::lookup::*;
use super::{show_q, RuleKind};
use crate::diagnostic::Label;
use crate::document::table::TableName;
use crate::document::table::{fund_items, TableColumn};
use crate::document::text::fold;
use crate::document::{Row, RowKind};
use crate::quantity::{Agreement, Quantity};
use crate::rule::compile::{many, CompileCx};
use crate::rule::context::{table_list_name, RuleContext};
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartsBy {
    /// Parts named in `parts`.
    Named,
    /// The numbered rows (`一、`) above the total on its side.
    Numbered,
    /// Top-level codes, and every code against its children.
    Codes,
    /// The fund sub-items (`1.一般公共预算资金` …) under a `财政拨款` row.
    Funds,
}

#[derive(Debug, Clone)]
pub struct TableSum {
    pub tables: Vec<TableName>,
    pub total: Vec<String>,
    pub parts: Vec<Vec<String>>,
    pub by: PartsBy,
}

impl RuleKind for TableSum {
    const KEYS: &'static [&'static str] = &["table", "tables", "total", "parts", "by"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let kind = &rs.kind;
        let tables = need_tables(rs, cx)?;
        let total = many(&rs.total);
        if total.is_empty() {
            cx.err(
                kind,
                "a `table-sum` rule needs `total` (the label of the total row)",
                "this kind",
                "add `total = \"合计\"`",
            );
            return None;
        }
        let parts: Vec<Vec<String>> = rs
            .parts
            .iter()
            .flatten()
            .map(|p| p.get_ref().to_vec())
            .collect();
        let by = match rs.by.as_ref().map(|b| b.get_ref().as_str()) {
            None if !parts.is_empty() => PartsBy::Named,
            Some("codes") => PartsBy::Codes,
            Some("numbered") => PartsBy::Numbered,
            Some("funds") => PartsBy::Funds,
            _ => {
                let at = rs.by.as_ref().unwrap_or(kind);
                cx.err(
                    at,
                    "a `table-sum` rule needs `parts` (row labels) or `by = \"codes\"` / `by = \"numbered\"` / `by = \"funds\"`",
                    "here",
                    "by = \"codes\" sums 类 rows and checks 类 = Σ 款 = Σ 项; by = \"numbered\" sums the rows numbered 一、二、… above the total; by = \"funds\" sums the fund sub-items 1.一般公共预算资金 … under a 财政拨款 row",
                );
                return None;
            }
        };
        Some(TableSum {
            tables,
            total,
            parts,
            by,
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        if cx.standard_tables_ready() {
            table_sum(cx, &self.tables, &self.total, &self.parts, self.by)
        }
    }
}

fn table_sum(
    cx: &mut RuleContext<'_>,
    tables: &[TableName],
    total: &[String],
    parts: &[Vec<String>],
    by: PartsBy,
) {
    let table = table_list_name(tables);
    let Some(tis) = cx.tables_or_abstain(tables) else {
        return;
    };
    let mut evaluated = 0;
    for ti in tis {
        let t = &cx.doc.tables[ti];
        if !t.has_figures() {
            continue;
        }
        let cols = &t.columns;
        if by == PartsBy::Codes {
            evaluated += code_hierarchy(cx, ti, cols);
        }
        let totals: Vec<usize> = t
            .data_rows()
            .filter(|(_, r)| {
                r.label
                    .as_deref()
                    .is_some_and(|l| total.iter().any(|a| fold(a) == bare_label(l)))
            })
            .map(|(i, _)| i)
            .collect();
        for ri in totals {
            let row = &t.rows[ri];
            let side = row.side.clone();
            let same_side = |r: &Row| r.side == side;
            let part_rows: Vec<usize> = match by {
                PartsBy::Codes => {
                    let mut seen = HashSet::new();
                    t.data_rows()
                        .filter(|(_, r)| same_side(r))
                        .filter(|(_, r)| r.code.as_deref().is_some_and(|c| c.len() == 3))
                        .filter(|(_, r)| seen.insert(r.code.clone()))
                        .map(|(i, _)| i)
                        .collect()
                }
                PartsBy::Numbered => {
                    let start = (0..ri)
                        .rev()
                        .find(|&i| {
                            let r = &t.rows[i];
                            r.kind != RowKind::Header
                                && same_side(r)
                                && r.label.as_deref().is_some_and(|l| {
                                    let b = bare_label(l);
                                    b.contains("合计")
                                        || b.contains("总计")
                                        || total.iter().any(|a| fold(a) == b)
                                })
                        })
                        .map_or(0, |i| i + 1);
                    (start..ri)
                        .filter(|&i| {
                            let r = &t.rows[i];
                            r.kind != RowKind::Header
                                && same_side(r)
                                && r.label.as_deref().is_some_and(is_numbered)
                        })
                        .collect()
                }
                PartsBy::Funds => fund_items(t, ri).unwrap_or_default(),
                PartsBy::Named => {
                    let mut found = Vec::new();
                    let mut missing = None;
                    for alts in parts {
                        let cands: Vec<usize> = alts
                            .iter()
                            .flat_map(|a| t.rows_named(a))
                            .filter(|&i| same_side(&t.rows[i]) && i != ri)
                            .collect();
                        // The nearest above the total, else any.
                        let pick = cands
                            .iter()
                            .filter(|&&i| i < ri)
                            .max()
                            .or_else(|| cands.iter().min())
                            .copied();
                        match pick {
                            Some(i) => found.push(i),
                            None => missing = Some(alts[0].clone()),
                        }
                    }
                    if let Some(m) = missing {
                        let at = cx.row_span(ti, ri);
                        cx.not_checked(
                            format!("“{}”：表中未找到“{m}”行", cx.row_name(ti, ri)),
                            Some(at),
                        );
                        continue;
                    }
                    found
                }
            };
            if part_rows.is_empty() {
                continue;
            }
            evaluated += check_rows_sum(cx, ti, ri, &part_rows, cols);
        }
    }
    if evaluated == 0 {
        cx.not_checked(
            format!("“{table}”中没有可核对“{}”的数字", total.join("/")),
            None,
        );
    }
}

/// Every code with children equals the sum of its children (类 = Σ 款,
/// 款 = Σ 项), per column. Returns the number of comparisons made.
fn code_hierarchy(cx: &mut RuleContext<'_>, ti: usize, cols: &[TableColumn]) -> usize {
    let t = &cx.doc.tables[ti];
    let mut first: HashMap<(Option<String>, String), usize> = HashMap::new();
    for (i, r) in t.data_rows() {
        if let Some(c) = &r.code {
            first.entry((r.side.clone(), c.clone())).or_insert(i);
        }
    }
    let mut parents: Vec<usize> = first.values().copied().collect();
    parents.sort_unstable();
    let mut n = 0;
    for ri in parents {
        let r = &t.rows[ri];
        let code = r.code.clone().unwrap_or_default();
        let mut kids: Vec<usize> = first
            .iter()
            .filter(|((side, c), _)| {
                *side == r.side && c.len() == code.len() + 2 && c.starts_with(&code)
            })
            .map(|(_, &i)| i)
            .collect();
        if kids.is_empty() {
            continue;
        }
        kids.sort_unstable();
        n += check_rows_sum(cx, ti, ri, &kids, cols);
    }
    n
}

/// Row `ri` = Σ rows `parts`, for each column of its side that is printed
/// in the total row. Returns the number of comparisons.
fn check_rows_sum(
    cx: &mut RuleContext<'_>,
    ti: usize,
    ri: usize,
    parts: &[usize],
    cols: &[TableColumn],
) -> usize {
    let t = &cx.doc.tables[ti];
    let row = &t.rows[ri];
    let side = row.side.as_deref();
    let mut n = 0;
    for col in cols {
        if side.is_some() && col.side.as_deref() != side {
            continue;
        }
        let col = col.path.as_str();
        let Some(tv) = cell_val(row, col) else {
            continue;
        };
        // No finding from a cell the table gate could not read as a figure.
        if std::iter::once(ri)
            .chain(parts.iter().copied())
            .any(|p| cell_doubtful(t, &t.rows[p], col))
        {
            continue;
        }
        let vals: Vec<(usize, Val)> = parts
            .iter()
            .map(|&p| (p, cell_val(&t.rows[p], col).unwrap_or_else(Val::blank)))
            .collect();
        let sum = Quantity::sum(vals.iter().map(|(_, v)| &v.native));
        n += 1;
        let mut spans: Vec<Span> = vals.iter().filter_map(|(_, v)| v.span).collect();
        spans.extend(tv.span);
        cx.cover_spans(ti, &spans);
        if sum.agrees(&tv.native) != Agreement::Inconsistent {
            continue;
        }
        let unit = unit_word(t);
        let leaf = col.rsplit('/').next().unwrap_or(col);
        let names: Vec<String> = vals
            .iter()
            .filter(|(_, v)| v.span.is_some())
            .map(|(p, v)| format!("{}{}", cx.row_name(ti, *p), v.written))
            .collect();
        let values = [
            ("label", cx.row_name(ti, ri)),
            ("table", t.title.clone().unwrap_or_default()),
            ("column", col.to_owned()),
            ("stated", format!("{}{unit}", tv.written)),
            ("computed", format!("{}{unit}", show_q(&sum))),
            ("range", format!("{}{unit}", sum.display_range(2))),
            ("parts", names.join(" + ")),
        ];
        let mut d = cx.diag(&values);
        d.labels
            .push(Label::new(tv.span.unwrap(), format!("{leaf}（合计）")));
        for (p, v) in vals.iter().filter(|(_, v)| v.span.is_some()).take(12) {
            d.labels.push(Label::new(
                v.span.unwrap(),
                format!("{}（各项之一）", cx.row_name(ti, *p)),
            ));
        }
        if d.help.is_none() {
            d.help = Some(format!(
                "各项之和 = {}{unit}（考虑四舍五入的范围 {}{unit}），表中合计为 {}{unit}；空白栏按 0 计",
                show_q(&sum),
                sum.display_range(2),
                tv.written
            ));
        }
        cx.report(d);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{findings, run, APPROPRIATION_HEAD};

    const NUMBERED: &str = "[[rule]]\nid = \"t\"\nkind = \"table-sum\"\nseverity = \"error\"\nmessage = \"{label}\"\ntable = \"收入支出决算总表\"\ntotal = [\"本年收入合计\", \"本年支出合计\"]\nby = \"numbered\"\n";

    const CODES: &str = "[[rule]]\nid = \"t\"\nkind = \"table-sum\"\nseverity = \"error\"\nmessage = \"{label}\"\ntable = \"一般公共预算财政拨款支出决算表\"\ntotal = \"合计\"\nby = \"codes\"\n";

    /// The 收入支出决算总表 with its 本年收入合计 as given.
    fn final_total(income_total: &str) -> String {
        format!(
            "\
                    收入支出决算总表
                                               单位：万元
              收入                          支出
         项目        决算数               项目         决算数
一、一般公共预算财政拨款收入     300.00   一、一般公共服务支出          264.87
八、其他收入                 7.82   三、社会保障和就业支出          42.95
    本年收入合计       {income_total}          本年支出合计       307.82
注：本表反映部门本年度的总收支和年末结转结余情况。
"
        )
    }

    /// The 一般公共预算财政拨款支出决算表 with its 2010350 row as given.
    fn appropriation(item: &str) -> String {
        format!(
            "\
{APPROPRIATION_HEAD}201        一般公共服务支出     257.05       149.23     107.82
20103      政府办公厅（室）及相关机构事务  257.05  149.23  107.82
2010301    行政运行           200.00       142.18      57.82
{item}
           合计            257.05       149.23     107.82
注：本表反映部门本年度一般公共预算财政拨款支出情况。
"
        )
    }

    #[test]
    fn a_total_that_is_not_the_sum_of_the_numbered_rows_above_it() {
        // 300.00 + 7.82 = 307.82; the 支出 side adds up.
        assert_eq!(findings(NUMBERED, &final_total("317.82")), ["317.82"]);
        assert_eq!(run(NUMBERED, &final_total("307.82")), (vec![], vec![]));
    }

    #[test]
    fn a_kuan_that_is_not_the_sum_of_its_xiang() {
        // 事业运行 printed 57.50 = 7.50 + 50.00: 20103 is then short in 合计
        // and 基本支出, where its two 项 add up to 257.50 and 149.68.
        let bad = appropriation("2010350    事业运行            57.50         7.50      50.00");
        let ok = appropriation("2010350    事业运行            57.05         7.05      50.00");
        assert_eq!(findings(CODES, &bad), ["257.05", "149.23"]);
        assert_eq!(run(CODES, &ok), (vec![], vec![]));
    }

    #[test]
    fn without_its_table_it_says_not_checked() {
        // The report has a standard table, but not the rule's.
        let text = appropriation("2010350    事业运行            57.05         7.05      50.00");
        let (found, notes) = run(NUMBERED, &text);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(notes, ["未能核对：报告中未找到“收入支出决算总表”"]);
    }
}
