//! Shared by the table kinds: a figure looked up by (table, rows, column),
//! a cell's value in 万元, and the pairs of figures `cross-table` and
//! `prose-table` compare.
//!
//! Tables, rows and columns are resolved by the document layer
//! (`document/table/resolve.rs`): tables by standard name or title
//! (`Table::matches`), rows by label (numbering such as `一、` ignored) or
//! by code (`Table::rows_named`), columns by header path (`支出/合计`; the
//! leaf `合计` on the row's side, `Table::column`). Money is
//! compared in 万元 with the rounding interval of each figure converted too,
//! so a table in 元 agrees with prose in 万元 exactly when the rounding
//! allows it. A blank cell of a row that is printed counts as 0.

use super::show_q;
pub(super) use crate::document::table::is_numbered;
use crate::document::table::TableName;
use crate::document::text::fold;
use crate::document::{Fact, FactKind, Number, Role, Row, Table};
use crate::quantity::{Agreement, Quantity};
use crate::rule::compile::{many, CompileCx};
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Equal,
    AtMost,
    AtLeast,
}

impl Relation {
    pub(super) fn symbol(self) -> &'static str {
        match self {
            Relation::Equal => "=",
            Relation::AtMost => "≤",
            Relation::AtLeast => "≥",
        }
    }
    /// Does the relation certainly fail? `holds` on the intervals, and for
    /// `=` two figures written at the same precision and unit must be
    /// the same digits ([`Number::differs_at_same_precision`]).
    pub(super) fn fails(
        self,
        a: &Quantity,
        b: &Quantity,
        written: (Option<&Number>, Option<&Number>),
    ) -> bool {
        self.holds(a, b) == Some(false)
            || (self == Relation::Equal && super::digits_differ(written.0, written.1))
    }

    pub(super) fn holds(self, a: &Quantity, b: &Quantity) -> Option<bool> {
        match self {
            Relation::Equal => match a.agrees(b) {
                Agreement::Consistent => Some(true),
                Agreement::Inconsistent => Some(false),
                Agreement::Undefined => None,
            },
            Relation::AtMost => Some(!a.certainly_gt(b)),
            Relation::AtLeast => Some(!a.certainly_lt(b)),
        }
    }
}

/// One comparison of `cross-table` or `prose-table`.
#[derive(Debug, Clone)]
pub struct Pair {
    /// Prose labels (`prose-table`).
    pub label: Vec<String>,
    pub table: TableName,
    /// Rows summed (empty: the table's only row).
    pub row: Vec<String>,
    pub column: Option<String>,
    pub other: Option<TableName>,
    pub other_row: Vec<String>,
    pub other_column: Option<String>,
    pub relation: Relation,
    /// Sections the prose figure must be in (`prose-table`).
    pub scope: Vec<String>,
}

pub(super) fn relation(
    cx: &mut CompileCx,
    s: Option<&str>,
    at: &toml::Spanned<String>,
) -> Relation {
    match s.map(str::trim) {
        None | Some("==") | Some("=") => Relation::Equal,
        Some("<=") | Some("≤") => Relation::AtMost,
        Some(">=") | Some("≥") => Relation::AtLeast,
        Some(other) => {
            cx.err(
                at,
                format!("unknown relation `{other}`"),
                "this rule",
                "relation is one of \"==\", \"<=\", \">=\"",
            );
            Relation::Equal
        }
    }
}

pub(super) use crate::document::table::{bare_label, NUMBERING};

/// A cell's value: the number in the table's own unit and in 万元.
#[derive(Debug, Clone)]
pub(super) struct Val {
    pub(super) native: Quantity,
    pub(super) wan: Quantity,
    pub(super) span: Option<Span>,
    pub(super) written: String,
    /// The figure in its unit (None for a blank cell).
    pub(super) number: Option<Number>,
}

impl Val {
    pub(super) fn blank() -> Val {
        Val {
            native: Quantity::zero(),
            wan: Quantity::zero(),
            span: None,
            written: "（空）".into(),
            number: None,
        }
    }
}

pub(super) fn unit_word(t: &Table) -> &str {
    t.unit.as_deref().unwrap_or("")
}

/// Is the cell of `row` under `col` one that no rule may judge (the table
/// gate found text where a figure belongs)?
pub(super) fn cell_doubtful(t: &Table, row: &Row, col: &str) -> bool {
    row.cells
        .iter()
        .find(|c| c.column.as_deref() == Some(col))
        .is_some_and(|c| t.verdict.is_doubtful(c.span))
}

/// Why a lookup found no value.
pub(super) enum Abstain {
    /// The table is there but was not read reliably: its one note
    /// (表格未能可靠识别) speaks for every rule, so no note of the rule's own.
    Unreadable,
    /// Why not, for a 未能核对 note.
    Why(String),
}

impl From<String> for Abstain {
    fn from(why: String) -> Abstain {
        Abstain::Why(why)
    }
}

impl Abstain {
    /// Say why, once, unless the table's own note has said it.
    pub(super) fn note(self, cx: &mut RuleContext<'_>, at: Option<Span>) {
        if let Abstain::Why(why) = self {
            cx.not_checked(why, at);
        }
    }
}

/// The cell of `row` under `col` (a resolved header path), `None` when blank.
pub(super) fn cell_val(row: &Row, col: &str) -> Option<Val> {
    let cell = row
        .cells
        .iter()
        .find(|c| c.column.as_deref() == Some(col))?;
    let n = cell.number.as_ref()?;
    let native = n.quantity();
    // The unit the table gave the cell when it was built (document/table/
    // units.rs, run on every table): a % or 率 column is a percentage, and a
    // 权重 or 分 column a plain number (no unit), in a table whose unit
    // line says 元.
    let number = n.clone();
    let wan = if number.unit.is_money() {
        number.quantity_wan().unwrap_or(native)
    } else {
        native
    };
    Some(Val {
        native,
        wan,
        span: Some(cell.span),
        written: n.written.clone(),
        number: Some(number),
    })
}

/// A resolved lookup: the value (summed over rows) and the cells that make it.
pub(super) struct Found {
    pub(super) table: usize,
    pub(super) val: Quantity,
    pub(super) native: Quantity,
    /// (span, what) of every printed cell taken, or the row label when blank.
    pub(super) spans: Vec<(Span, String)>,
    pub(super) what: String,
    /// The figure as printed, when it is one printed cell.
    pub(super) written: Option<String>,
    /// That one cell's figure, in its unit.
    pub(super) number: Option<Number>,
}

impl Found {
    /// The value for messages, in the table's unit.
    pub(super) fn shown(&self, unit: &str) -> String {
        match &self.written {
            Some(w) => format!("{w}{unit}"),
            None => format!("{}{unit}", show_q(&self.native)),
        }
    }
}

pub(super) fn prose_facts<'a>(cx: &RuleContext<'a>) -> Vec<&'a Fact> {
    let doc = cx.doc;
    doc.facts
        .iter()
        .filter(|f| {
            f.cell.is_none()
                && f.role == Role::Value
                && f.kind == FactKind::Amount
                && cx.in_scope(f.section)
        })
        .collect()
}

/// The value of (rows summed, column) in a table. `Err` says why not.
pub(super) fn lookup(
    cx: &RuleContext<'_>,
    table: &TableName,
    rows: &[String],
    column: &str,
) -> Result<Found, Abstain> {
    let tis = cx.tables(table);
    let Some(&ti) = tis.first() else {
        if cx.table_present(table) {
            return Err(Abstain::Unreadable);
        }
        return Err(format!("报告中未找到“{table}”").into());
    };
    // Prefer a table of that name that carries figures.
    let ti = tis
        .iter()
        .copied()
        .find(|&i| cx.doc.tables[i].has_figures())
        .unwrap_or(ti);
    let t = &cx.doc.tables[ti];
    let data: Vec<usize> = t.data_rows().map(|(i, _)| i).collect();
    let leaf = fold(column);
    let leaf = leaf.rsplit('/').next().unwrap_or("").to_owned();
    let what = if rows.is_empty() {
        fold(column)
    } else {
        format!("{}（{leaf}）", rows.join("+"))
    };
    if data.is_empty() || !t.has_figures() {
        if t.empty_statement.is_some() || data.is_empty() {
            // An empty table: every figure is 0.
            return Ok(Found {
                table: ti,
                val: Quantity::zero(),
                native: Quantity::zero(),
                spans: vec![(cx.title_span(ti), "空表".into())],
                what,
                written: None,
                number: None,
            });
        }
        return Err(format!("“{table}”中没有数字").into());
    }
    let picked: Vec<usize> = if rows.is_empty() {
        if data.len() != 1 {
            return Err(format!("“{table}”有多行，规则未指明行").into());
        }
        data.clone()
    } else {
        let mut out = Vec::new();
        let coded = data.iter().any(|&i| t.rows[i].code.is_some());
        for r in rows {
            let cands = t.rows_named(r);
            // A code the table does not list has no amount.
            if cands.is_empty() && coded && r.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            // The row whose side has the column, printed first.
            let pick = cands
                .iter()
                .copied()
                .find(|&i| {
                    t.column(column, t.rows[i].side.as_deref())
                        .is_some_and(|c| cell_val(&t.rows[i], &c.path).is_some())
                })
                .or_else(|| {
                    cands
                        .iter()
                        .copied()
                        .find(|&i| t.column(column, t.rows[i].side.as_deref()).is_some())
                });
            match pick {
                Some(i) => out.push(i),
                None => return Err(format!("“{table}”中未找到“{r}”行的“{column}”").into()),
            }
        }
        out
    };
    let mut val = Quantity::zero();
    let mut native = Quantity::zero();
    let mut spans = Vec::new();
    let mut written = Vec::new();
    let mut numbers = Vec::new();
    let what = if picked.is_empty() || rows.is_empty() {
        what
    } else {
        let names: Vec<String> = picked.iter().map(|&ri| cx.row_name(ti, ri)).collect();
        format!("{}（{leaf}）", names.join("+"))
    };
    if picked.is_empty() {
        spans.push((cx.title_span(ti), "表中未列此科目".to_owned()));
    }
    for &ri in &picked {
        let r = &t.rows[ri];
        let Some(col) = t.column(column, r.side.as_deref()).map(|c| c.path.clone()) else {
            return Err(format!("“{table}”中没有“{column}”栏").into());
        };
        if cell_doubtful(t, r, &col) {
            let name = cx.row_name(ti, ri);
            return Err(format!("“{table}”中“{name}”行的“{column}”不是可识别的数字").into());
        }
        match cell_val(r, &col) {
            Some(v) => {
                val = val.add(&v.wan);
                native = native.add(&v.native);
                spans.push((v.span.unwrap(), cx.row_name(ti, ri)));
                written.push(v.written.clone());
                numbers.extend(v.number);
            }
            None => spans.push((
                cx.row_span(ti, ri),
                format!("{}（空白）", cx.row_name(ti, ri)),
            )),
        }
    }
    Ok(Found {
        table: ti,
        val,
        native,
        spans,
        what,
        written: (written.len() == 1 && picked.len() == 1).then(|| written.remove(0)),
        number: (numbers.len() == 1 && picked.len() == 1).then(|| numbers.remove(0)),
    })
}

/// The tables a table kind applies to (`table` and `tables`); an error on
/// `kind` when there are none.
pub(super) fn need_tables(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Vec<TableName>> {
    let all = crate::rule::compile::table_names(rs);
    if all.is_empty() {
        cx.err(
            &rs.kind,
            format!("a `{}` rule needs `table` or `tables`", rs.kind.get_ref()),
            "this kind",
            "add `table = \"收入支出决算总表\"` (a standard table name or title)",
        );
        return None;
    }
    Some(all)
}

/// The comparisons of a `cross-table` (`prose = false`) or `prose-table`
/// rule: the rule's own keys, or each of `pairs` with the rule's keys as
/// defaults. `None` after an error.
pub(super) fn compile_pairs(rs: &RuleSpec, cx: &mut CompileCx, prose: bool) -> Option<Vec<Pair>> {
    let kind = &rs.kind;
    let name = kind.get_ref().as_str();
    let rel_at = rs.relation.as_ref().unwrap_or(kind);
    let base = Pair {
        label: many(&rs.label),
        table: TableName::new(rs.table.as_ref().map_or("", |t| t.get_ref().as_str())),
        row: many(&rs.row),
        column: rs.column.as_ref().map(|c| c.get_ref().clone()),
        other: rs.other.as_ref().map(|c| TableName::new(c.get_ref())),
        other_row: many(&rs.other_row),
        other_column: rs.other_column.as_ref().map(|c| c.get_ref().clone()),
        relation: relation(
            cx,
            rs.relation.as_ref().map(|r| r.get_ref().as_str()),
            rel_at,
        ),
        scope: Vec::new(),
    };
    let mut pairs = Vec::new();
    for p in rs.pairs.iter().flatten() {
        let pair = Pair {
            label: p
                .label
                .as_ref()
                .map(|l| l.to_vec())
                .unwrap_or(base.label.clone()),
            table: p
                .table
                .as_deref()
                .map_or(base.table.clone(), TableName::new),
            row: p
                .row
                .as_ref()
                .map(|l| l.to_vec())
                .unwrap_or(base.row.clone()),
            column: p.column.clone().or(base.column.clone()),
            other: p
                .other
                .as_deref()
                .map(TableName::new)
                .or(base.other.clone()),
            other_row: p
                .other_row
                .as_ref()
                .map(|l| l.to_vec())
                .unwrap_or(base.other_row.clone()),
            other_column: p.other_column.clone().or(base.other_column.clone()),
            relation: match &p.relation {
                Some(r) => relation(cx, Some(r), rel_at),
                None => base.relation,
            },
            scope: p.scope.as_ref().map(|s| s.to_vec()).unwrap_or_default(),
        };
        pairs.push(pair);
    }
    if pairs.is_empty() {
        pairs.push(base);
    }
    for p in &pairs {
        let missing = if p.table.written.is_empty() {
            Some("table")
        } else if p.column.is_none() {
            Some("column")
        } else if prose && p.label.is_empty() {
            Some("label")
        } else if !prose && p.other.is_none() {
            Some("other")
        } else if !prose && p.other_column.is_none() {
            Some("other_column")
        } else {
            None
        };
        if let Some(m) = missing {
            cx.err(
                kind,
                format!("a `{name}` rule needs `{m}` (in the rule or in each of `pairs`)"),
                "this kind",
                "see README, rule kinds",
            );
            return None;
        }
    }
    Some(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{parse, Unit};

    /// A percentage column of a table in 元 stays a percentage (read with
    /// the table's unit it would be taken for 90 元, 0.009 万元), a weight a
    /// plain number.
    #[test]
    fn a_cell_keeps_the_unit_its_table_gave_it() {
        let text = "2024年度项目支出绩效自评表\n单位：元\n项目 | 全年预算数 | 全年执行数 | 执行率 | 权重 |\n年度资金总额 | 1000 | 900 | 90% | 10 |\n";
        let doc = parse(text);
        let t = &doc.tables[0];
        let row = t.row("年度资金总额").expect("the row");
        let rate = cell_val(row, "执行率").expect("the rate");
        assert_eq!(rate.number.as_ref().map(|n| &n.unit), Some(&Unit::Percent));
        assert_eq!(rate.wan, rate.native);
        let spent = cell_val(row, "全年执行数").expect("the amount");
        assert_eq!(spent.number.as_ref().map(|n| &n.unit), Some(&Unit::Yuan));
        assert_eq!(spent.wan.mid(), rust_decimal::Decimal::new(9, 2));
        let weight = cell_val(row, "权重").expect("the weight");
        assert_eq!(weight.number.as_ref().map(|n| &n.unit), Some(&Unit::None));
        assert_eq!(weight.wan, weight.native);
    }
}
