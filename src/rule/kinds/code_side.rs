//! `code-side`: in a table of the 经济分类 split into 人员经费 and 公用经费,
//! every amount stands on the side its class belongs to (`classes`:
//! 301 工资福利支出 and 303 对个人和家庭的补助 are 人员经费; 302 商品和服务
//! 支出, 310 资本性支出 … are 公用经费). A two-sided table (the 决算's 基本
//! 支出表) puts each class on one side; a one-sided one (the 预算's 基本支出
//! 经济分类表) gives each class a column. A class that `classes` does not
//! list (307 债务利息, 399 其他支出) is not judged.
//!
//! The reading must be confirmed by the table itself before an amount is
//! called misplaced: the side's (column's) own total (人员经费合计, the 合计
//! row) equals the sum of the classes standing there, and a 款 stands on the
//! side of its class. A row that the reader put on the wrong side (a page
//! of the right side only, a TAB-separated line) fails one of the two and
//! is not judged; the rule says once that it could not check.
//!
//! One finding per table: a table whose sides were read crosswise is one
//! finding, not one per row.

use super::lookup::{cell_doubtful, need_tables};
use super::{first_few, table_name, RuleKind};
use crate::diagnostic::Label;
use crate::document::table::TableName;
use crate::document::text::fold;
use crate::document::{Cell, Table};
use crate::quantity::{Agreement, Quantity};
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct CodeSide {
    pub tables: Vec<TableName>,
    /// Each side's or column's name (folded) and the code prefixes of the
    /// classes that belong to it.
    pub classes: Vec<(String, Vec<String>)>,
}

impl RuleKind for CodeSide {
    const KEYS: &'static [&'static str] = &["table", "tables", "classes"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let tables = need_tables(rs, cx)?;
        let classes: Vec<(String, Vec<String>)> = cx
            .require(&rs.classes, "classes", &rs.kind)?
            .iter()
            .map(|(side, codes)| (fold(side), codes.clone()))
            .collect();
        if classes.len() < 2 {
            cx.err(
                &rs.kind,
                "a `code-side` rule needs at least two sides in `classes`",
                "this kind",
                "classes = { \"人员经费\" = [\"301\", \"303\"], \"公用经费\" = [\"302\", \"310\"] }",
            );
            return None;
        }
        Some(CodeSide { tables, classes })
    }

    fn run(&self, cx: &mut RuleContext) {
        if cx.standard_tables_ready() {
            code_side(cx, self)
        }
    }
}

impl CodeSide {
    /// The side a code's class belongs to (the longest prefix that fits).
    fn owner(&self, code: &str) -> Option<usize> {
        self.classes
            .iter()
            .enumerate()
            .flat_map(|(k, (_, prefixes))| prefixes.iter().map(move |p| (k, p)))
            .filter(|(_, p)| code.starts_with(p.as_str()))
            .max_by_key(|(_, p)| p.len())
            .map(|(k, _)| k)
    }

    /// The side a side or column name stands for.
    fn side_of(&self, name: &str) -> Option<usize> {
        let name = fold(name);
        self.classes
            .iter()
            .position(|(side, _)| name.contains(side.as_str()))
    }
}

/// Where each amount of a table stands: (row, side, cell) for every cell
/// with a figure on a side the rule names.
fn placed<'t>(t: &'t Table, rule: &CodeSide) -> Vec<(usize, usize, &'t Cell)> {
    let mut out = Vec::new();
    for (ri, r) in t.data_rows() {
        let row_side = r.side.as_deref().and_then(|s| rule.side_of(s));
        for c in &r.cells {
            let Some(col) = c.column.as_deref() else {
                continue;
            };
            // A two-sided table: the row's side; else the column's name.
            if let Some(side) = row_side.or_else(|| rule.side_of(col)) {
                if c.number.is_some() {
                    out.push((ri, side, c));
                }
            }
        }
    }
    out
}

/// Does the side's own total (a 合计 row standing there) equal the sum of
/// the classes (3-digit codes) standing there? Only then is the reader's
/// placing of that side trusted.
fn side_confirmed(t: &Table, placed: &[(usize, usize, &Cell)], side: usize) -> bool {
    let mut classes = Vec::new();
    let mut total = None;
    for &(ri, _, c) in placed.iter().filter(|p| p.1 == side) {
        let r = &t.rows[ri];
        let q = c.number.as_ref().map(|n| n.quantity());
        match r.code.as_deref() {
            Some(d) if d.len() == 3 => classes.extend(q),
            None if r.label.as_deref().is_some_and(|l| l.contains("合计")) => total = total.or(q),
            _ => {}
        }
    }
    let Some(total) = total else {
        return false;
    };
    !classes.is_empty() && Quantity::sum(&classes).agrees(&total) == Agreement::Consistent
}

fn code_side(cx: &mut RuleContext<'_>, rule: &CodeSide) {
    let Some(tis) = cx.tables_or_abstain(&rule.tables) else {
        return;
    };
    let mut judged = 0;
    let mut unconfirmed = None;
    for ti in tis {
        let t = &cx.doc.tables[ti];
        let placed = placed(t, rule);
        // The classes standing on each side with an amount.
        let class_on = |code3: &str, side: usize| {
            placed.iter().any(|&(ri, k, c)| {
                k == side
                    && t.rows[ri].code.as_deref() == Some(code3)
                    && c.number.as_ref().is_some_and(|n| !n.value.is_zero())
            })
        };
        // (row, where it stands, the side it belongs to, the amount's text, its span)
        let mut found: Vec<(usize, String, usize, String, Span)> = Vec::new();
        for &(ri, side, c) in &placed {
            let r = &t.rows[ri];
            // Codes are digits only (document::Row::code).
            let Some(code) = r.code.as_deref() else {
                continue;
            };
            let Some(owner) = rule.owner(code) else {
                continue;
            };
            let col = c.column.as_deref().unwrap_or("");
            let amount = c.number.as_ref().is_some_and(|n| !n.value.is_zero());
            if !amount || cell_doubtful(t, r, col) {
                continue;
            }
            judged += 1;
            if side != owner {
                // A 款 away from its class, or a side whose total does not
                // bear the reading out, is a reading to doubt, not a defect.
                let with_class =
                    code.len() == 3 || code.get(..3).is_some_and(|c3| class_on(c3, side));
                if !with_class || !side_confirmed(t, &placed, side) {
                    unconfirmed.get_or_insert(c.span);
                    continue;
                }
                // The side, or the column's own header (人员经费, not
                // 一般公共预算基本支出/人员经费).
                let at = r
                    .side
                    .clone()
                    .unwrap_or_else(|| col.rsplit('/').next().unwrap_or(col).to_owned());
                found.push((ri, at, owner, c.text.clone(), c.span));
            }
        }
        let Some(first) = found.first() else {
            continue;
        };
        let rows = first_few(
            found
                .iter()
                .map(|(ri, at, _, text, _)| format!("{}（{at} {text}）", cx.row_name(ti, *ri))),
            found.len(),
            "行",
        );
        let mut d = cx.diag(&[
            ("table", table_name(t)),
            ("label", cx.row_name(ti, first.0)),
            ("rows", rows),
            ("count", found.len().to_string()),
        ]);
        for (_, at, owner, _, span) in &found {
            let owner = rule.classes[*owner].0.as_str();
            d.labels
                .push(Label::new(*span, format!("列在{at}，应属{owner}")));
        }
        cx.report(d);
    }
    if let Some(at) = unconfirmed {
        cx.not_checked(
            "有金额似在人员经费、公用经费的另一侧，但所属类或该侧合计不能印证这样的读法".into(),
            Some(at),
        );
    }
    if judged == 0 {
        cx.not_checked(
            "表中没有可按经济分类判断人员经费、公用经费归属的金额".into(),
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{findings, run};

    const RULE: &str = "[[rule]]\nid = \"t\"\nkind = \"code-side\"\nseverity = \"error\"\nmessage = \"{rows}\"\ntable = \"一般公共预算财政拨款基本支出决算表\"\nclasses = { \"人员经费\" = [\"301\", \"303\"], \"公用经费\" = [\"302\", \"310\"] }\n";

    /// The two-sided 基本支出决算表 with these rows between its header and
    /// its two totals.
    fn basic(rows: &str, personnel: &str, public: &str) -> String {
        format!(
            "\
                一般公共预算财政拨款基本支出决算表
                                                  单位：万元
经济分类                              经济分类
            科目名称       决算数                      科目名称      决算数
科目编码                              科目编码
{rows}
      人员经费合计           {personnel}       公用经费合计               {public}
    注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。
"
        )
    }

    #[test]
    fn a_302_class_on_the_personnel_side() {
        // 302 and its 款 stand on the 人员经费 side, and that side's total
        // (100.00 + 50.00) bears the reading out.
        let rows = "\
301     工资福利支出          100.00   302     商品和服务支出          42.18
30101    基本工资            100.00   30201    办公费              40.00
302     商品和服务支出         50.00   30217    公务接待费             2.18
30239    其他交通费用          50.00   310     资本性支出              0.00
303     对个人和家庭的补助       0.00";
        assert_eq!(findings(RULE, &basic(rows, "150.00", "42.18")), ["50.00"]);
    }

    #[test]
    fn each_class_on_its_own_side() {
        let rows = "\
301     工资福利支出          150.00   302     商品和服务支出          42.18
30101    基本工资            100.00   30201    办公费              40.00
30102    津贴补贴             50.00   30217    公务接待费             2.18
303     对个人和家庭的补助       0.00   310     资本性支出              0.00";
        let (found, notes) = run(RULE, &basic(rows, "150.00", "42.18"));
        assert!(found.is_empty() && notes.is_empty(), "{found:?} {notes:?}");
    }

    #[test]
    fn a_kuan_away_from_its_class_is_a_misreading_not_judged() {
        // 31002 on the 人员经费 side without its class 310 there: the reader
        // more likely put the row on the wrong side.
        let rows = "\
301     工资福利支出          100.00   302     商品和服务支出          47.18
30101    基本工资            100.00   30201    办公费              40.00
31002    办公设备购置           5.00   30217    公务接待费             2.18
303     对个人和家庭的补助       0.00   310     资本性支出              5.00";
        let (found, notes) = run(RULE, &basic(rows, "100.00", "52.18"));
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(
            notes,
            ["未能核对：有金额似在人员经费、公用经费的另一侧，但所属类或该侧合计不能印证这样的读法"]
        );
    }
}
