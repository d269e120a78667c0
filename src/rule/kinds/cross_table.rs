//! `cross-table`: a cell (or a sum of rows) of one table equals, or is at
//! most, a cell of another; or (`by = "classes"`) every 类 row of one table
//! against the same 类 in another.

use super::lookup::*;
use super::{show_q, RuleKind};
use crate::diagnostic::Label;
use crate::document::Row;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub struct CrossTable {
    pub pairs: Vec<Pair>,
    /// Every 类 row against the same 类 of `other`.
    pub classes: bool,
}

impl RuleKind for CrossTable {
    const KEYS: &'static [&'static str] = &[
        "table",
        "row",
        "column",
        "other",
        "other_row",
        "other_column",
        "relation",
        "pairs",
        "by",
    ];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let classes = rs.by.as_ref().is_some_and(|b| b.get_ref() == "classes");
        if let Some(b) = rs.by.as_ref().filter(|b| b.get_ref() != "classes") {
            cx.err(
                b,
                "`by` is not used by `cross-table` this way",
                "here",
                "cross-table takes by = \"classes\" (every 类 row against the same 类 of `other`)",
            );
            return None;
        }
        let pairs = compile_pairs(rs, cx, false)?;
        Some(CrossTable { pairs, classes })
    }

    fn run(&self, cx: &mut RuleContext) {
        if !cx.standard_tables_ready() {
            return;
        }
        if self.classes {
            for p in &self.pairs {
                cross_classes(cx, p);
            }
        } else {
            cross(cx, &self.pairs)
        }
    }
}

fn cross(cx: &mut RuleContext<'_>, pairs: &[Pair]) {
    let mut evaluated = 0;
    let mut noted = 0;
    for p in pairs {
        // A cross-table pair without `other` does not load.
        let Some(other) = p.other.as_ref() else {
            continue;
        };
        let a = lookup(cx, &p.table, &p.row, p.column.as_deref().unwrap_or(""));
        let b = lookup(
            cx,
            other,
            &p.other_row,
            p.other_column.as_deref().unwrap_or(""),
        );
        let (a, b) = match (a, b) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                e.note(cx, None);
                noted += 1;
                continue;
            }
        };
        // Two empty tables (or a blank template): nothing to compare.
        if !cx.doc.tables[a.table].has_figures() && !cx.doc.tables[b.table].has_figures() {
            continue;
        }
        evaluated += 1;
        let sa: Vec<Span> = a.spans.iter().map(|s| s.0).collect();
        let sb: Vec<Span> = b.spans.iter().map(|s| s.0).collect();
        cx.cover_spans(a.table, &sa);
        cx.cover_spans(b.table, &sb);
        if !p
            .relation
            .fails(&a.val, &b.val, (a.number.as_ref(), b.number.as_ref()))
        {
            continue;
        }
        report_pair(cx, p, &a, &b);
    }
    // A pair whose table or row was not found has said so; one whose table
    // was read unreliably has the table's own note (said once, for every
    // rule that would have used it).
    if evaluated == 0 && noted == 0 && cx.any_figures() {
        cx.not_checked("没有可比较的表格数字".into(), None);
    }
}

fn report_pair(cx: &mut RuleContext<'_>, p: &Pair, a: &Found, b: &Found) {
    let ta = &cx.doc.tables[a.table];
    let tb = &cx.doc.tables[b.table];
    let same_unit = ta.unit == tb.unit;
    let (sa, sb, unit) = if same_unit {
        let u = unit_word(ta);
        (a.shown(""), b.shown(""), u.to_owned())
    } else {
        (show_q(&a.val), show_q(&b.val), "万元".to_owned())
    };
    let values = [
        ("label", a.what.clone()),
        ("table", p.table.to_string()),
        (
            "other",
            p.other.as_ref().map(|o| o.to_string()).unwrap_or_default(),
        ),
        ("row", b.what.clone()),
        ("stated", format!("{sa}{unit}")),
        ("computed", format!("{sb}{unit}")),
        ("range", b.val.display_range(2)),
        ("relation", p.relation.symbol().to_owned()),
    ];
    let mut d = cx.diag(&values);
    for (i, (s, w)) in a.spans.iter().enumerate() {
        let msg = if i == 0 {
            format!("{}：{w}", p.table)
        } else {
            w.clone()
        };
        d.labels.push(Label::new(*s, msg));
    }
    for (s, w) in &b.spans {
        d.labels.push(Label::new(
            *s,
            format!(
                "{}：{w}（{}）",
                p.other.as_ref().map_or("", |o| o.written.as_str()),
                match p.relation {
                    Relation::Equal => "应与之相等",
                    Relation::AtMost => "不应小于前者",
                    Relation::AtLeast => "不应大于前者",
                }
            ),
        ));
    }
    if d.help.is_none() {
        d.help = Some(format!(
            "{}中 {} = {sa}{unit}，{}中 {} = {sb}{unit}，应满足 前者 {} 后者（按四舍五入范围比较）",
            p.table,
            a.what,
            p.other.as_ref().map_or("", |o| o.written.as_str()),
            b.what,
            p.relation.symbol()
        ));
    }
    cx.report(d);
}

/// Every 类 row of `table` against the same 类 in `other`.
fn cross_classes(cx: &mut RuleContext<'_>, p: &Pair) {
    let (Some(col_a), Some(other), Some(col_b)) = (
        p.column.as_deref(),
        p.other.as_ref(),
        p.other_column.as_deref(),
    ) else {
        return;
    };
    let (ta, tb) = (cx.tables(&p.table), cx.tables(other));
    let (Some(&ia), Some(&ib)) = (ta.first(), tb.first()) else {
        let missing = if ta.is_empty() { &p.table } else { other };
        // A table that is there but unreliable has had its own note.
        if !cx.table_present(missing) {
            cx.not_checked(format!("报告中未找到“{missing}”"), None);
        }
        return;
    };
    let (t1, t2) = (&cx.doc.tables[ia], &cx.doc.tables[ib]);
    if !t1.has_figures() && !t2.has_figures() {
        return;
    }
    let class_of = |r: &Row| -> Option<String> {
        let l = r.label.as_deref()?;
        match &r.code {
            Some(c) if c.len() == 3 => Some(bare_label(l)),
            None if is_numbered(l) && bare_label(l).ends_with("支出") => Some(bare_label(l)),
            _ => None,
        }
    };
    let mut evaluated = 0;
    let mut unmatched = Vec::new();
    let pairs: Vec<(usize, usize)> = t1
        .data_rows()
        .filter_map(|(i, r)| {
            let name = class_of(r)?;
            t1.column(col_a, r.side.as_deref())?;
            let j = t2
                .data_rows()
                .find(|(_, r2)| class_of(r2).as_deref() == Some(name.as_str()))
                .map(|(j, _)| j);
            match j {
                Some(j) => Some((i, j)),
                None => {
                    unmatched.push(i);
                    None
                }
            }
        })
        .collect();
    for (i, j) in pairs {
        let (r1, r2) = (&t1.rows[i], &t2.rows[j]);
        let (Some(k1), Some(k2)) = (
            t1.column(col_a, r1.side.as_deref()),
            t2.column(col_b, r2.side.as_deref()),
        ) else {
            continue;
        };
        if cell_doubtful(t1, r1, &k1.path) || cell_doubtful(t2, r2, &k2.path) {
            continue;
        }
        let (v1, v2) = (cell_val(r1, &k1.path), cell_val(r2, &k2.path));
        if v1.is_none() && v2.is_none() {
            continue;
        }
        let (v1, v2) = (v1.unwrap_or_else(Val::blank), v2.unwrap_or_else(Val::blank));
        evaluated += 1;
        let s1: Vec<Span> = v1.span.into_iter().collect();
        let s2: Vec<Span> = v2.span.into_iter().collect();
        cx.cover_spans(ia, &s1);
        cx.cover_spans(ib, &s2);
        if !p
            .relation
            .fails(&v1.wan, &v2.wan, (v1.number.as_ref(), v2.number.as_ref()))
        {
            continue;
        }
        let a = Found {
            table: ia,
            val: v1.wan,
            native: v1.native,
            spans: vec![(
                v1.span.unwrap_or_else(|| cx.row_span(ia, i)),
                cx.row_name(ia, i),
            )],
            what: cx.row_name(ia, i),
            written: v1.span.map(|_| v1.written.clone()),
            number: v1.number.clone(),
        };
        let b = Found {
            table: ib,
            val: v2.wan,
            native: v2.native,
            spans: vec![(
                v2.span.unwrap_or_else(|| cx.row_span(ib, j)),
                cx.row_name(ib, j),
            )],
            what: cx.row_name(ib, j),
            written: v2.span.map(|_| v2.written.clone()),
            number: v2.number.clone(),
        };
        report_pair(cx, p, &a, &b);
    }
    for i in unmatched {
        let r = &t1.rows[i];
        let has = t1
            .column(col_a, r.side.as_deref())
            .and_then(|k| cell_val(r, &k.path))
            .is_some_and(|v| !v.native.contains(Decimal::ZERO));
        if has {
            let at = cx.row_span(ia, i);
            cx.not_checked(
                format!("“{}”在“{other}”中没有同名的类", cx.row_name(ia, i)),
                Some(at),
            );
        }
    }
    if evaluated == 0 {
        cx.not_checked(format!("“{}”与“{other}”之间没有可比较的类", p.table), None);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{findings, run, APPROPRIATION_HEAD, BASIC_EXPENDITURE};

    const RULE: &str = "[[rule]]\nid = \"t\"\nkind = \"cross-table\"\nseverity = \"error\"\nmessage = \"{label}\"\ntable = \"一般公共预算财政拨款支出决算表\"\nrow = \"合计\"\ncolumn = \"基本支出\"\nother = \"一般公共预算财政拨款基本支出决算表\"\nother_row = [\"人员经费合计\", \"公用经费合计\"]\nother_column = \"决算数\"\n";

    /// The 一般公共预算财政拨款支出决算表 with its 合计 and 基本支出 as given
    /// (every row the same: one 项).
    fn appropriation(total: &str, basic: &str) -> String {
        format!(
            "\
{APPROPRIATION_HEAD}201        一般公共服务支出     {total}       {basic}     107.82
20103      政府办公厅（室）及相关机构事务  {total}  {basic}  107.82
2010301    行政运行           {total}       {basic}     107.82
           合计            {total}       {basic}     107.82
注：本表反映部门本年度一般公共预算财政拨款支出情况。
"
        )
    }

    #[test]
    fn a_cell_that_differs_from_the_sum_of_rows_in_another_table() {
        let text = appropriation("300.63", "192.81") + BASIC_EXPENDITURE;
        assert_eq!(findings(RULE, &text), ["192.81"]);
    }

    #[test]
    fn the_same_figure_in_both_tables() {
        let text = appropriation("300.00", "192.18") + BASIC_EXPENDITURE;
        assert_eq!(run(RULE, &text), (vec![], vec![]));
    }

    #[test]
    fn without_the_other_table_it_says_not_checked() {
        let (found, notes) = run(RULE, &appropriation("300.00", "192.18"));
        assert!(found.is_empty(), "{found:?}");
        // One note: not followed by a general one that nothing was compared.
        assert_eq!(
            notes,
            ["未能核对：报告中未找到“一般公共预算财政拨款基本支出决算表”"]
        );
    }
}
