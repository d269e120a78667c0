//! `table-columns`: in every row of a table, a total column is the sum of
//! columns (`合计 = 基本支出 + 项目支出`).

use super::lookup::*;
use super::{show_q, RuleKind};
use crate::diagnostic::Label;
use crate::document::table::RowIdentity as Identity;
use crate::document::table::TableName;
use crate::quantity::{Agreement, Quantity};
use crate::rule::compile::CompileCx;
use crate::rule::context::{table_list_name, RuleContext};
use crate::rule::spec::RuleSpec;
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct TableColumns {
    pub tables: Vec<TableName>,
    pub identities: Vec<Identity>,
}

impl RuleKind for TableColumns {
    const KEYS: &'static [&'static str] = &["table", "tables", "identities"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let tables = need_tables(rs, cx)?;
        // Without `identities`, the standard forms' own (the table gate's).
        let mut identities = Vec::new();
        match &rs.identities {
            None => identities = Identity::standard().to_vec(),
            Some(list) => {
                for i in list {
                    match Identity::parse(i.get_ref()) {
                        Ok(id) => identities.push(id),
                        Err(e) => cx.err(i, format!("identity does not parse: {e}"), "this identity", "columns are written as in the header (a path such as `合计/预算数` where needed), joined by + and -"),
                    }
                }
            }
        }
        if identities.is_empty() {
            return None;
        }
        Some(TableColumns { tables, identities })
    }

    fn run(&self, cx: &mut RuleContext) {
        if cx.standard_tables_ready() {
            table_columns(cx, &self.tables, &self.identities)
        }
    }
}

fn table_columns(cx: &mut RuleContext<'_>, tables: &[TableName], identities: &[Identity]) {
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
        for id in identities {
            for (ri, row) in t.data_rows() {
                let side = row.side.as_deref();
                // An identity applies to the tables (and sides) that have
                // all its columns.
                let Some(tc) = t.column(&id.total, side).map(|c| c.path.clone()) else {
                    continue;
                };
                let resolve = |names: &[String]| -> Option<Vec<String>> {
                    names
                        .iter()
                        .map(|p| t.column(p, side).map(|c| c.path.clone()))
                        .collect()
                };
                let (Some(plus), Some(minus)) = (resolve(&id.plus), resolve(&id.minus)) else {
                    continue;
                };
                let Some(tv) = cell_val(row, &tc) else {
                    continue;
                };
                // No finding from a cell the table gate could not read.
                if std::iter::once(&tc)
                    .chain(&plus)
                    .chain(&minus)
                    .any(|c| cell_doubtful(t, row, c))
                {
                    continue;
                }
                let val = |c: &String| (c.clone(), cell_val(row, c).unwrap_or_else(Val::blank));
                let pv: Vec<(String, Val)> = plus.iter().map(val).collect();
                let mv: Vec<(String, Val)> = minus.iter().map(val).collect();
                let sum = Quantity::sum(pv.iter().map(|(_, v)| &v.native))
                    .sub(&Quantity::sum(mv.iter().map(|(_, v)| &v.native)));
                evaluated += 1;
                let mut spans: Vec<Span> =
                    pv.iter().chain(&mv).filter_map(|(_, v)| v.span).collect();
                spans.extend(tv.span);
                cx.cover_spans(ti, &spans);
                if sum.agrees(&tv.native) != Agreement::Inconsistent {
                    continue;
                }
                let unit = unit_word(t);
                let values = [
                    ("label", cx.row_name(ti, ri)),
                    ("table", t.title.clone().unwrap_or_default()),
                    ("column", tc.clone()),
                    ("stated", format!("{}{unit}", tv.written)),
                    ("computed", format!("{}{unit}", show_q(&sum))),
                    ("range", format!("{}{unit}", sum.display_range(2))),
                    ("parts", id.source.clone()),
                ];
                let mut d = cx.diag(&values);
                d.labels
                    .push(Label::new(tv.span.unwrap(), format!("{tc}（合计）")));
                for (c, v) in pv.iter().chain(&mv) {
                    if let Some(s) = v.span {
                        d.labels.push(Label::new(s, c.clone()));
                    }
                }
                if d.help.is_none() {
                    d.help = Some(format!(
                        "{}：复算 {}{unit}（考虑四舍五入的范围 {}{unit}），表中为 {}{unit}；空白栏按 0 计",
                        id.source,
                        show_q(&sum),
                        sum.display_range(2),
                        tv.written
                    ));
                }
                cx.report(d);
            }
        }
    }
    if evaluated == 0 && cx.any_figures() {
        cx.not_checked(format!("“{table}”中没有可按栏目核对的行"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{findings, run, APPROPRIATION_HEAD};

    const RULE: &str = "[[rule]]\nid = \"t\"\nkind = \"table-columns\"\nseverity = \"error\"\nmessage = \"{label}\"\ntable = \"一般公共预算财政拨款支出决算表\"\nidentities = [\"合计 = 基本支出 + 项目支出\"]\n";

    /// The 一般公共预算财政拨款支出决算表 with its 208 row's 基本支出 as given.
    fn appropriation(basic_208: &str) -> String {
        format!(
            "\
{APPROPRIATION_HEAD}201        一般公共服务支出     257.05       149.23     107.82
20103      政府办公厅（室）及相关机构事务  257.05  149.23  107.82
2010301    行政运行           257.05       149.23     107.82
208        社会保障和就业支出    42.95        {basic_208}       0.00
20805      行政事业单位养老支出   42.95        42.95       0.00
2080505    机关事业单位基本养老保险缴费支出  42.95  42.95   0.00
           合计            300.00       192.18     107.82
注：本表反映部门本年度一般公共预算财政拨款支出情况。
"
        )
    }

    #[test]
    fn a_row_whose_total_is_not_the_sum_of_its_columns() {
        // 42.59 + 0.00 ≠ 42.95: the finding stands on the row's 合计.
        assert_eq!(findings(RULE, &appropriation("42.59")), ["42.95"]);
    }

    #[test]
    fn rows_whose_columns_add_up() {
        let (found, notes) = run(RULE, &appropriation("42.95"));
        assert!(found.is_empty() && notes.is_empty(), "{found:?} {notes:?}");
    }

    #[test]
    fn a_table_without_the_columns_says_not_checked() {
        // The table is there, but no row has 合计, 基本支出 and 项目支出.
        let rule = RULE.replace("基本支出 + 项目支出", "基本支出 + 经营支出");
        let (found, notes) = run(&rule, &appropriation("42.95"));
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(
            notes,
            ["未能核对：“一般公共预算财政拨款支出决算表”中没有可按栏目核对的行"]
        );
    }
}
