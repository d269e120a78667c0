//! The table gate: every standard table checks its own identities before any
//! rule sees it, and gets a [`Verdict`].
//!
//! The identities are those the forms define (DOMAIN.md, RULES.md §1.1):
//! 类 = Σ 款 = Σ 项 by 功能/经济分类 code, 合计 = Σ 类, a numbered list's
//! 合计 = Σ its items, and the per-row identities of [`ROW_IDENTITIES`]
//! (合计 = 基本支出 + 项目支出 …). Each holds or breaks, within rounding.
//!
//! A figure the report got wrong breaks every identity it takes part in, and
//! by the same amount: changing that one cell would mend them all. A table
//! that was read wrongly (figures on the wrong row, shifted columns, the
//! halves of a two-sided table interleaved) breaks identities that no one
//! cell explains. So: broken identities that a few such *suspects* explain
//! are the report's defects (the rules report them, on those cells); more
//! than one identity that nothing explains, or many suspects, means the
//! table was not read reliably, and no rule may judge its cells.

use super::{bare_label, StandardTable, NUMBERING};
use crate::document::text::fold;
use crate::document::{Row, Table};
use crate::quantity::{Agreement, Quantity};
use crate::source::Span;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

/// The per-row identities of the standard forms: a total column is the sum
/// of its parts. Columns are header paths as [`Table::column`] resolves them;
/// an identity applies to every row of a table (and side) that has all its
/// columns. Shared with the `table-columns` rules, which report them.
pub const ROW_IDENTITIES: &[&str] = &[
    "本年收入合计 = 财政拨款收入 + 上级补助收入 + 事业收入 + 经营收入 + 附属单位上缴收入 + 其他收入",
    "本年支出合计 = 基本支出 + 项目支出 + 上缴上级支出 + 经营支出 + 对附属单位补助支出",
    "支出/合计 = 一般公共预算财政拨款 + 政府性基金预算财政拨款 + 国有资本经营预算财政拨款",
    "合计 = 基本支出 + 项目支出",
    "年末结转和结余 = 年初结转和结余 + 本年收入 - 本年支出/合计",
    "合计/预算数 = 因公出国（境）费/预算数 + 公务用车购置及运行维护费/小计/预算数 + 公务接待费/预算数",
    "合计/决算数 = 因公出国（境）费/决算数 + 公务用车购置及运行维护费/小计/决算数 + 公务接待费/决算数",
    "公务用车购置及运行维护费/小计/预算数 = 公务用车购置及运行维护费/公务用车购置费/预算数 + 公务用车购置及运行维护费/公务用车运行维护费/预算数",
    "公务用车购置及运行维护费/小计/决算数 = 公务用车购置及运行维护费/公务用车购置费/决算数 + 公务用车购置及运行维护费/公务用车运行维护费/决算数",
    "收入预算/合计 = 收入预算/财政拨款收入 + 收入预算/事业收入 + 收入预算/事业单位经营收入 + 收入预算/其他收入",
    "财政拨款支出/合计 = 财政拨款支出/一般公共预算 + 财政拨款支出/政府性基金预算 + 财政拨款支出/国有资本经营预算",
    "一般公共预算基本支出/合计 = 一般公共预算基本支出/人员经费 + 一般公共预算基本支出/公用经费",
    "“三公”经费预算数/合计 = “三公”经费预算数/因公出国(境)费 + “三公”经费预算数/公务接待费 + “三公”经费预算数/公务用车购置及运行费/小计",
    "“三公”经费预算数/公务用车购置及运行费/小计 = “三公”经费预算数/公务用车购置及运行费/购置费 + “三公”经费预算数/公务用车购置及运行费/运行费",
];

/// Labels of the rows that total the 类 rows of a coded table.
const CODE_TOTALS: &[&str] = &["合计", "人员经费合计", "公用经费合计"];
/// Labels of the rows that total a numbered list (收支总表).
const NUMBERED_TOTALS: &[&str] = &["本年收入合计", "本年支出合计", "收入总计", "支出总计"];

/// A per-row identity: `total = plus… − minus…` (column names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIdentity {
    /// As written.
    pub source: String,
    pub total: String,
    pub plus: Vec<String>,
    pub minus: Vec<String>,
}

impl RowIdentity {
    /// Parse `合计 = 基本支出 + 项目支出` (`-` or `−` subtracts).
    pub fn parse(s: &str) -> Result<RowIdentity, String> {
        const HOW: &str = "write `合计 = 基本支出 + 项目支出`";
        let (lhs, rhs) = s.split_once('=').ok_or_else(|| HOW.to_owned())?;
        let total = lhs.trim().trim_end_matches('=').trim().to_owned();
        let rhs = rhs.trim_start_matches('=');
        let (mut plus, mut minus) = (Vec::new(), Vec::new());
        let mut sign = '+';
        let mut cur = String::new();
        for c in rhs.chars().chain(std::iter::once('+')) {
            if c == '+' || c == '-' || c == '−' {
                let name = cur.trim().to_owned();
                if name.is_empty() {
                    return Err("an empty column name".into());
                }
                if sign == '+' {
                    plus.push(name);
                } else {
                    minus.push(name);
                }
                cur.clear();
                sign = if c == '+' { '+' } else { '-' };
            } else {
                cur.push(c);
            }
        }
        if total.is_empty() || plus.is_empty() {
            return Err(HOW.into());
        }
        Ok(RowIdentity {
            source: s.trim().to_owned(),
            total,
            plus,
            minus,
        })
    }

    /// The standard forms' identities, parsed once.
    pub fn standard() -> &'static [RowIdentity] {
        static PARSED: LazyLock<Vec<RowIdentity>> = LazyLock::new(|| {
            ROW_IDENTITIES
                .iter()
                .map(|s| RowIdentity::parse(s).expect("the standard identities parse"))
                .collect()
        });
        &PARSED
    }
}

/// How far the figures of a table can be trusted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reliability {
    /// No identity could be checked (not a standard table, or no figures).
    #[default]
    Unverified,
    /// Every identity holds, or the broken ones are explained by a few
    /// wrong figures (the report's defects).
    Reliable,
    /// Read, but some cells could not be read as figures: rules skip them.
    Doubtful,
    /// Not read reliably: no rule may judge its cells.
    Unreliable,
}

/// The gate's judgement of one table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Verdict {
    pub reliability: Reliability,
    /// Identities evaluated.
    pub checked: usize,
    /// Identities that do not hold.
    pub broken: usize,
    /// Cells whose one wrong figure explains broken identities: the
    /// report's slips, which the rules report.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suspects: Vec<Span>,
    /// Cells no rule may judge (text where a figure belongs).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub doubtful: Vec<Span>,
    /// Why the table is doubtful or unreliable, in words for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Verdict {
    /// May rules use this table's figures?
    pub fn usable(&self) -> bool {
        self.reliability != Reliability::Unreliable
    }

    /// Is the cell at `span` one that no rule may judge?
    pub fn is_doubtful(&self, span: Span) -> bool {
        self.reliability == Reliability::Unreliable || self.doubtful.contains(&span)
    }
}

/// More suspects than this is a misread table, not a sloppy report.
const MAX_SUSPECTS: usize = 3;

/// A cell of an identity: (row, column path).
type CellKey = (usize, String);

/// One evaluated identity: its terms with their signs, and total − Σ parts.
struct Evaluated {
    terms: Vec<(CellKey, i8)>,
    residual: Quantity,
    broken: bool,
    /// A per-row identity (as opposed to a sum down a column).
    in_row: bool,
    /// The total is printed but none of its parts, or parts (not all zero)
    /// but not the total: figures not found, a reading failure (no report
    /// prints a total over blank items, or items under a blank total).
    one_side_blank: bool,
}

/// Verify a table. Tables that are not standard forms stay `Unverified`.
pub fn verify(t: &Table) -> Verdict {
    if t.standard.is_none() || !t.has_figures() {
        return Verdict::default();
    }
    let doubtful = text_in_figure_cells(t);
    let doubtful_keys: HashSet<CellKey> = doubtful.iter().map(|(k, _)| k.clone()).collect();
    let mut evals = Vec::new();
    code_sums(t, &mut evals);
    numbered_sums(t, &mut evals);
    sides_balance(t, &mut evals);
    row_identities(t, RowIdentity::standard(), &mut evals);
    // An identity through a cell that is not a figure says nothing.
    evals.retain(|e| e.terms.iter().all(|(k, _)| !doubtful_keys.contains(k)));

    let checked = evals.len();
    let broken = evals.iter().filter(|e| e.broken).count();
    let (suspects, unexplained) = suspects(&evals);
    let shifted = shifted_figure(t, &evals);
    let disorder = code_disorder(t);
    let mut verdict = Verdict {
        reliability: Reliability::Reliable,
        checked,
        broken,
        suspects: suspects.iter().filter_map(|k| cell_span(t, k)).collect(),
        doubtful: doubtful.iter().map(|(_, s)| *s).collect(),
        reason: None,
    };
    let one_sided = evals
        .iter()
        .filter(|e| e.broken && e.one_side_blank)
        .count();
    let unreliable = if let Some(doubt) = &t.reading_doubt {
        Some(doubt.clone())
    } else if one_sided > 0 {
        Some(format!(
            "{one_sided} 处合计与其各项只读到一边（共核对 {checked} 处）"
        ))
    } else if let Some(figure) = shifted {
        Some(format!(
            "两处勾稽关系相差同一数额、方向相反：“{figure}”似应在相邻的空栏（读错或印错）"
        ))
    } else if unexplained >= 2 {
        Some(format!(
            "{broken} 处勾稽关系不成立（共核对 {checked} 处），其中 {unexplained} 处无法用个别数字的错误解释"
        ))
    } else if suspects.len() > MAX_SUSPECTS {
        Some(format!(
            "{broken} 处勾稽关系不成立（共核对 {checked} 处），涉及 {} 个互不相关的数字",
            suspects.len()
        ))
    } else if disorder >= 2 {
        Some(format!("{disorder} 行的科目编码不在其上级科目之下"))
    } else if doubtful.len() > MAX_SUSPECTS {
        Some(format!("{} 个数字栏中是文字", doubtful.len()))
    } else {
        None
    };
    if let Some(reason) = unreliable {
        verdict.reliability = Reliability::Unreliable;
        verdict.reason = Some(reason);
    } else if !doubtful.is_empty() {
        verdict.reliability = Reliability::Doubtful;
        verdict.reason = Some(format!("{} 个数字栏中是文字，不作核对", doubtful.len()));
    } else if checked == 0 {
        verdict.reliability = Reliability::Unverified;
    }
    verdict
}

/// The span of a suspect: its cell, or for a whole row its label.
fn cell_span(t: &Table, (ri, col): &CellKey) -> Option<Span> {
    let row = &t.rows[*ri];
    if col == "*" {
        return row.label_span.or_else(|| row.cells.first().map(|c| c.span));
    }
    row.cells
        .iter()
        .find(|c| c.column.as_deref() == Some(col.as_str()))
        .map(|c| c.span)
}

/// A cell's value; a blank cell of a printed row counts as 0.
fn value(row: &Row, col: &str) -> Quantity {
    row.cells
        .iter()
        .find(|c| c.column.as_deref() == Some(col))
        .and_then(|c| c.number.as_ref())
        .map_or_else(Quantity::zero, |n| n.quantity())
}

fn printed(row: &Row, col: &str) -> bool {
    row.cells
        .iter()
        .any(|c| c.column.as_deref() == Some(col) && c.number.is_some())
}

/// Cells of value columns that hold text but no figure.
fn text_in_figure_cells(t: &Table) -> Vec<(CellKey, Span)> {
    let mut out = Vec::new();
    for (ri, row) in t.data_rows() {
        for c in &row.cells {
            let Some(col) = &c.column else { continue };
            if c.number.is_none()
                && !c.key.is_empty()
                && !is_blank_mark(&c.key)
                && t.columns.iter().any(|tc| &tc.path == col)
            {
                out.push(((ri, col.clone()), c.span));
            }
        }
    }
    out
}

/// How forms write an empty cell.
fn is_blank_mark(s: &str) -> bool {
    matches!(
        s,
        "-" | "—" | "——" | "－" | "/" | "…" | "*" | "x" | "X" | "×"
    )
}

/// Push `total = Σ parts` for each column of the total row's side that the
/// total row prints.
fn push_sum(t: &Table, total: usize, parts: &[usize], evals: &mut Vec<Evaluated>) {
    let row = &t.rows[total];
    for col in &t.columns {
        if row.side.is_some() && col.side != row.side {
            continue;
        }
        let path = col.path.as_str();
        // A blank total is 0: a total left blank over figures is a
        // reading failure (`one_side_blank`), as is a total over blanks.
        let total_printed = printed(row, path);
        if !total_printed && !parts.iter().any(|&p| printed(&t.rows[p], path)) {
            continue;
        }
        let mut terms = vec![((total, path.to_owned()), 1)];
        terms.extend(parts.iter().map(|&p| ((p, path.to_owned()), -1)));
        let sum = Quantity::sum(
            parts
                .iter()
                .map(|&p| value(&t.rows[p], path))
                .collect::<Vec<_>>()
                .iter(),
        );
        let blank = !total_printed || parts.iter().all(|&p| !printed(&t.rows[p], path));
        push_eval(evals, terms, value(row, path), sum, false, blank);
    }
}

fn push_eval(
    evals: &mut Vec<Evaluated>,
    terms: Vec<(CellKey, i8)>,
    total: Quantity,
    sum: Quantity,
    in_row: bool,
    parts_blank: bool,
) {
    let agreement = sum.agrees(&total);
    if agreement == Agreement::Undefined {
        return;
    }
    evals.push(Evaluated {
        terms,
        residual: total.sub(&sum),
        broken: agreement == Agreement::Inconsistent,
        in_row,
        one_side_blank: parts_blank,
    });
}

/// 类 = Σ 款, 款 = Σ 项 (a code's children are two digits longer), and the
/// 合计 rows = Σ 类.
fn code_sums(t: &Table, evals: &mut Vec<Evaluated>) {
    let mut first: BTreeMap<(Option<String>, String), usize> = BTreeMap::new();
    for (i, r) in t.data_rows() {
        if let Some(c) = &r.code {
            first.entry((r.side.clone(), c.clone())).or_insert(i);
        }
    }
    for ((side, code), &ri) in &first {
        let kids: Vec<usize> = first
            .range((side.clone(), code.clone())..)
            .take_while(|((s, c), _)| s == side && c.starts_with(code.as_str()))
            .filter(|((_, c), _)| c.len() == code.len() + 2)
            .map(|(_, &i)| i)
            .collect();
        if !kids.is_empty() {
            push_sum(t, ri, &kids, evals);
        }
    }
    for (ri, r) in t.data_rows() {
        if !labelled(r, CODE_TOTALS) {
            continue;
        }
        let classes: Vec<usize> = first
            .iter()
            .filter(|((s, c), _)| *s == r.side && c.len() == 3)
            .map(|(_, &i)| i)
            .collect();
        if !classes.is_empty() {
            push_sum(t, ri, &classes, evals);
        }
    }
}

/// In the 收支总表: 本年收入合计 (…) = Σ the numbered rows above it, back
/// to the previous total of its side.
fn numbered_sums(t: &Table, evals: &mut Vec<Evaluated>) {
    if !matches!(
        t.standard,
        Some(
            StandardTable::IncomeExpenditureTotal
                | StandardTable::FiscalIncomeExpenditureTotal
                | StandardTable::BudgetFinanceTotal
                | StandardTable::BudgetFiscalTotal
        )
    ) {
        return;
    }
    let is_total = |r: &Row| {
        r.label.as_deref().is_some_and(|l| {
            let b = bare_label(l);
            b.contains("合计") || b.contains("总计")
        })
    };
    for (ri, r) in t.data_rows() {
        if !labelled(r, NUMBERED_TOTALS) {
            continue;
        }
        let start = (0..ri)
            .rev()
            .find(|&i| t.rows[i].side == r.side && is_total(&t.rows[i]))
            .map_or(0, |i| i + 1);
        let parts: Vec<usize> = t
            .data_rows()
            .filter(|&(i, p)| i >= start && i < ri && p.side == r.side)
            .filter(|(_, p)| p.label.as_deref().is_some_and(is_numbered))
            .map(|(i, _)| i)
            .collect();
        if !parts.is_empty() {
            push_sum(t, ri, &parts, evals);
        }
    }
    fund_sums(t, evals);
}

/// The three funds that make up 财政拨款 (by definition of the term).
const FUNDS: [&str; 3] = ["一般公共预算", "政府性基金", "国有资本经营"];

/// 财政拨款 is its three funds: under a numbered `一、财政拨款收入` row the
/// sub-items `1.一般公共预算资金`, `2.政府性基金`, `3.国有资本经营预算`
/// (部门财务收支预算总表) add up to it. The sub-items of row `ri`: rows
/// numbered 1., 2., … right under it on its side, each naming a different
/// fund, two at least, one of them with a figure; `None` when `ri` is no
/// such head. Other sub-items need not add up (a `其中` line lists a part),
/// so they are not taken.
pub fn fund_items(t: &Table, ri: usize) -> Option<Vec<usize>> {
    let r = t.rows.get(ri)?;
    let l = r.label.as_deref()?;
    if !is_numbered(l) || !bare_label(l).contains("财政拨款") {
        return None;
    }
    let fund_of = |p: &Row| -> Option<usize> {
        let l = fold(p.label.as_deref()?);
        if !l.starts_with(|c: char| c.is_ascii_digit()) || !NUMBERING.is_match(&l) {
            return None;
        }
        let b = bare_label(&l);
        FUNDS.iter().position(|f| b.contains(f))
    };
    let mut seen = Vec::new();
    let parts: Vec<usize> = t
        .data_rows()
        .filter(|&(i, p)| i > ri && p.side == r.side)
        .map_while(|(i, p)| {
            let f = fund_of(p).filter(|f| !seen.contains(f))?;
            seen.push(f);
            Some(i)
        })
        .collect();
    // Sub-items all left blank are a template not filled in, not a sum.
    let printed = parts
        .iter()
        .any(|&i| t.rows[i].cells.iter().any(|c| c.number.is_some()));
    (parts.len() >= 2 && printed).then_some(parts)
}

fn fund_sums(t: &Table, evals: &mut Vec<Evaluated>) {
    for (ri, _) in t.data_rows() {
        if let Some(parts) = fund_items(t, ri) {
            push_sum(t, ri, &parts, evals);
        }
    }
}

/// A two-sided table balances: the 总计 of one side equals the other's, in
/// each side's first column (收入总计 = 支出总计).
fn sides_balance(t: &Table, evals: &mut Vec<Evaluated>) {
    let mut sides: Vec<&str> = Vec::new();
    for c in &t.columns {
        if let Some(s) = c.side.as_deref() {
            if !sides.contains(&s) {
                sides.push(s);
            }
        }
    }
    let [left, right] = sides[..] else { return };
    let grand = |side: &str| -> Option<(usize, String)> {
        let col = t.columns.iter().find(|c| c.side.as_deref() == Some(side))?;
        let (ri, _) = t.data_rows().find(|(_, r)| {
            r.side.as_deref() == Some(side)
                && r.label
                    .as_deref()
                    .is_some_and(|l| bare_label(l).ends_with("总计"))
        })?;
        printed(&t.rows[ri], &col.path).then(|| (ri, col.path.clone()))
    };
    let (Some(a), Some(b)) = (grand(left), grand(right)) else {
        return;
    };
    let (va, vb) = (value(&t.rows[a.0], &a.1), value(&t.rows[b.0], &b.1));
    push_eval(evals, vec![(a, 1), (b, -1)], va, vb, false, false);
}

/// Is the row's label (without its list number) one of `names`?
fn labelled(r: &Row, names: &[&str]) -> bool {
    r.label
        .as_deref()
        .is_some_and(|l| names.iter().any(|a| fold(a) == bare_label(l)))
}

/// A label numbered 一、二、… (the items of a 收支总表).
pub fn is_numbered(l: &str) -> bool {
    let f = fold(l);
    f.starts_with(|c: char| "一二三四五六七八九十".contains(c)) && NUMBERING.is_match(&f)
}

/// The per-row identities, in every row of a table (and side) that has all
/// the identity's columns and prints its total.
fn row_identities(t: &Table, ids: &[RowIdentity], evals: &mut Vec<Evaluated>) {
    for id in ids {
        for (ri, row) in t.data_rows() {
            let side = row.side.as_deref();
            let path = |name: &String| t.column(name, side).map(|c| c.path.clone());
            let Some(total) = path(&id.total) else {
                continue;
            };
            let (Some(plus), Some(minus)) = (
                id.plus.iter().map(path).collect::<Option<Vec<_>>>(),
                id.minus.iter().map(path).collect::<Option<Vec<_>>>(),
            ) else {
                continue;
            };
            let total_printed = printed(row, &total);
            if !total_printed && !plus.iter().chain(&minus).any(|p| printed(row, p)) {
                continue;
            }
            let mut terms = vec![((ri, total.clone()), 1)];
            terms.extend(plus.iter().map(|p| ((ri, p.clone()), -1)));
            terms.extend(minus.iter().map(|p| ((ri, p.clone()), 1)));
            let sum = Quantity::sum(
                plus.iter()
                    .map(|p| value(row, p))
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .sub(&Quantity::sum(
                minus
                    .iter()
                    .map(|p| value(row, p))
                    .collect::<Vec<_>>()
                    .iter(),
            ));
            let blank = !total_printed || plus.iter().chain(&minus).all(|p| !printed(row, p));
            push_eval(evals, terms, value(row, &total), sum, true, blank);
        }
    }
}

/// The cells that explain the broken identities, and how many broken
/// identities nothing explains.
///
/// A cell explains the identities it breaks when every identity through it
/// is broken and each would be mended by one and the same change of that
/// cell (a wrong figure is wrong by one amount). Suspects are taken
/// greedily, the one explaining most first.
fn suspects(evals: &[Evaluated]) -> (Vec<CellKey>, usize) {
    let mut through: HashMap<&CellKey, Vec<(usize, i8)>> = HashMap::new();
    for (i, e) in evals.iter().enumerate() {
        for (k, sign) in &e.terms {
            through.entry(k).or_default().push((i, *sign));
        }
    }
    // The change of a cell that mends identity i: −sign·residual.
    let fix = |i: usize, s: i8| {
        let r = &evals[i].residual;
        if s > 0 {
            r.neg()
        } else {
            *r
        }
    };
    let one_fix = |uses: &[(usize, i8)]| {
        let fixes: Vec<Quantity> = uses.iter().map(|&(i, s)| fix(i, s)).collect();
        fixes
            .iter()
            .all(|f| fixes.iter().all(|g| f.agrees(g) != Agreement::Inconsistent))
    };
    // Cell suspects: every identity through the cell broken, one change
    // mends them all.
    let mut candidates: Vec<(CellKey, Vec<usize>)> = Vec::new();
    for (k, uses) in &through {
        if uses.iter().all(|&(i, _)| evals[i].broken) && one_fix(uses) {
            candidates.push(((*k).clone(), uses.iter().map(|&(i, _)| i).collect()));
        }
    }
    // Row suspects: a row printed wrong as a whole (its total and a part
    // changed together, so its own row identities still hold) breaks the
    // column sums through its cells, each mended by one change per cell.
    let mut rows: BTreeMap<usize, Vec<&CellKey>> = BTreeMap::new();
    for (k, uses) in &through {
        if uses
            .iter()
            .any(|&(i, _)| evals[i].broken && !evals[i].in_row)
        {
            rows.entry(k.0).or_default().push(k);
        }
    }
    for (row, cells) in rows {
        let mut explained = Vec::new();
        let all = cells.iter().all(|k| {
            let down: Vec<(usize, i8)> = through[k]
                .iter()
                .copied()
                .filter(|&(i, _)| !evals[i].in_row)
                .collect();
            explained.extend(down.iter().map(|&(i, _)| i));
            down.iter().all(|&(i, _)| evals[i].broken) && one_fix(&down)
        });
        let own_hold = evals
            .iter()
            .filter(|e| e.in_row && e.terms.iter().any(|(k, _)| k.0 == row))
            .all(|e| !e.broken);
        if all && own_hold && cells.len() > 1 {
            explained.sort_unstable();
            explained.dedup();
            candidates.push(((row, "*".to_owned()), explained));
        }
    }
    // Deterministic order: most identities first, then by cell.
    candidates.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    let mut open: HashSet<usize> = (0..evals.len()).filter(|&i| evals[i].broken).collect();
    let mut picked = Vec::new();
    while !open.is_empty() {
        let best = candidates
            .iter()
            .filter(|(_, ids)| ids.iter().any(|i| open.contains(i)))
            .max_by_key(|(k, ids)| {
                (
                    ids.iter().filter(|i| open.contains(i)).count(),
                    std::cmp::Reverse(k),
                )
            });
        let Some((k, ids)) = best else { break };
        for i in ids {
            open.remove(i);
        }
        picked.push(k.clone());
    }
    // A lone broken identity that no cell explains alone is still one slip
    // (two wrong figures in one identity): the report's, not the reading's.
    (picked, open.len())
}

/// A figure in the column beside its own (read there, or printed there)
/// breaks two identities that share no cell, by its own amount, in
/// opposite directions: counted in the one, missing from the other. Each
/// alone looks like a slip, one suspect each; together they say the
/// figure is one column off, and the table is not judged. Returns the
/// figure, as printed, when two broken identities with no cell in common
/// are off by opposite amounts equal to a figure of one of them whose
/// neighbouring cell in the same row, in the other identity, is blank.
fn shifted_figure(t: &Table, evals: &[Evaluated]) -> Option<String> {
    let column_at = |path: &str| t.columns.iter().position(|c| c.path == path);
    let broken: Vec<&Evaluated> = evals.iter().filter(|e| e.broken).collect();
    for (i, a) in broken.iter().enumerate() {
        for b in &broken[i + 1..] {
            let shared = a
                .terms
                .iter()
                .any(|(k, _)| b.terms.iter().any(|(l, _)| k == l));
            if shared || a.residual.agrees(&b.residual.neg()) != Agreement::Consistent {
                continue;
            }
            let amount = a.residual.abs();
            let moved = |from: &Evaluated, to: &Evaluated| {
                from.terms.iter().find_map(|((ri, col), _)| {
                    let row = &t.rows[*ri];
                    let cell = row
                        .cells
                        .iter()
                        .find(|c| c.column.as_deref() == Some(col.as_str()))?;
                    let n = cell.number.as_ref()?;
                    let at = column_at(col)?;
                    let beside_blank = to.terms.iter().any(|((rj, other), _)| {
                        rj == ri
                            && column_at(other).is_some_and(|o| o.abs_diff(at) == 1)
                            && !printed(row, other)
                    });
                    (beside_blank
                        && !n.value.is_zero()
                        && n.quantity().agrees(&amount) == Agreement::Consistent)
                        .then(|| cell.text.clone())
                })
            };
            if let Some(figure) = moved(a, b).or_else(|| moved(b, a)) {
                return Some(figure);
            }
        }
    }
    None
}

/// Coded rows whose parent code is printed in the table but not above them
/// (a 项 after another 类 began): the sign of rows read out of place.
fn code_disorder(t: &Table) -> usize {
    let mut by_side: HashMap<Option<&str>, Vec<&str>> = HashMap::new();
    for (_, r) in t.data_rows() {
        if let Some(c) = r.code.as_deref() {
            by_side.entry(r.side.as_deref()).or_default().push(c);
        }
    }
    let mut n = 0;
    for codes in by_side.values() {
        let all: HashSet<&str> = codes.iter().copied().collect();
        let mut open: Vec<&str> = Vec::new();
        for c in codes {
            while open
                .last()
                .is_some_and(|p| !(c.starts_with(p) && c.len() > p.len()))
            {
                open.pop();
            }
            let parent = c.get(..c.len().saturating_sub(2)).filter(|p| p.len() >= 3);
            if let Some(p) = parent {
                if all.contains(p) && open.last() != Some(&p) {
                    n += 1;
                }
            }
            open.push(c);
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse;

    const HEAD: &str = "一般公共预算财政拨款支出决算表\n                                              单位：万元\n  科目编码      科目名称                      合计        基本支出      项目支出\n";

    fn table(body: &str) -> Table {
        let text = format!("{HEAD}{body}");
        let doc = parse(&text);
        doc.tables
            .into_iter()
            .find(|t| t.standard.is_some())
            .expect("a standard table")
    }

    const OK: &str = "                合计                         300.00        200.00       100.00\n  201           一般公共服务支出             250.00        150.00       100.00\n  20101         人大事务                     250.00        150.00       100.00\n  2010101       行政运行                     250.00        150.00       100.00\n  208           社会保障和就业支出            50.00         50.00         0.00\n  20805         行政事业单位养老支出          50.00         50.00         0.00\n  2080505       机关事业单位基本养老保险缴费  50.00         50.00         0.00\n";

    #[test]
    fn a_consistent_table_is_reliable() {
        let v = table(OK).verdict;
        assert_eq!(v.reliability, Reliability::Reliable, "{v:?}");
        assert!(v.checked >= 15, "{v:?}");
        assert_eq!(v.broken, 0);
    }

    #[test]
    fn one_wrong_figure_is_the_reports_slip_on_that_cell() {
        // 2010101 基本支出 150.00 → 151.00: breaks 20101 = Σ 项 and its own
        // row's 合计 = 基本 + 项目, both mended by −1.00 on that cell.
        let bad = OK.replacen(
            "2010101       行政运行                     250.00        150.00",
            "2010101       行政运行                     250.00        151.00",
            1,
        );
        let t = table(&bad);
        let v = &t.verdict;
        assert_eq!(v.reliability, Reliability::Reliable, "{v:?}");
        assert_eq!(v.broken, 2);
        let text = format!("{HEAD}{bad}");
        let s = v.suspects.first().expect("a suspect");
        assert_eq!(&text[s.range()], "151.00");
    }

    #[test]
    fn shifted_columns_are_a_reading_failure() {
        // Two rows whose figures moved one column left: identities break
        // that no single figure explains.
        let bad = OK
            .replace(
                "2010101       行政运行                     250.00        150.00       100.00",
                "2010101       行政运行                     150.00        100.00",
            )
            .replace(
                "20805         行政事业单位养老支出          50.00         50.00         0.00",
                "20805         行政事业单位养老支出          50.00          0.00",
            );
        let v = table(&bad).verdict;
        assert_eq!(v.reliability, Reliability::Unreliable, "{v:?}");
        assert!(v.reason.is_some());
    }

    #[test]
    fn codes_out_of_place_are_a_reading_failure() {
        let lines: Vec<&str> = OK.lines().collect();
        // 项 rows moved under the other 类.
        let bad = [
            lines[0], lines[1], lines[4], lines[2], lines[5], lines[3], lines[6],
        ]
        .join("\n")
            + "\n";
        let v = table(&bad).verdict;
        assert_eq!(v.reliability, Reliability::Unreliable, "{v:?}");
    }

    #[test]
    fn two_sided_totals_balance() {
        let text = "部门财务收支预算总表\n                                   单位：元\n       本年收入                      本年支出\n   项目          预算数          项目            预算数\n一、财政拨款收入  1,000,000   一、一般公共服务支出  1,000,000\n   收入总计       1,000,000      支出总计         1,000,500\n";
        let doc = parse(text);
        let t = doc.tables.iter().find(|t| t.standard.is_some()).unwrap();
        // 支出总计 breaks its own list's sum and the balance, both mended
        // by −500 on that cell.
        assert_eq!(
            t.verdict.reliability,
            Reliability::Reliable,
            "{:?}",
            t.verdict
        );
        assert_eq!(t.verdict.broken, 2, "{:?}", t.verdict);
        let s = t.verdict.suspects[0];
        assert_eq!(&text[s.range()], "1,000,500");
    }

    #[test]
    fn identities_parse() {
        let id = RowIdentity::parse("年末 = 年初 + 收入 − 支出").unwrap();
        assert_eq!(id.total, "年末");
        assert_eq!(id.plus, ["年初", "收入"]);
        assert_eq!(id.minus, ["支出"]);
        assert!(RowIdentity::parse("合计").is_err());
        assert!(RowIdentity::parse("合计 = + 项目").is_err());
        assert_eq!(RowIdentity::standard().len(), ROW_IDENTITIES.len());
    }

    #[test]
    fn a_table_that_is_not_a_standard_form_is_unverified() {
        let doc = parse(
            "项目支出绩效自评表\n单位：万元\n  指标     分值    得分\n  产出     50      48\n",
        );
        for t in &doc.tables {
            assert_eq!(t.verdict.reliability, Reliability::Unverified);
        }
    }

    /// 部门财务收支预算总表 with its fund sub-items as printed.
    fn finance_total(text: &str) -> Table {
        parse(text)
            .tables
            .into_iter()
            .find(|t| t.standard == Some(StandardTable::BudgetFinanceTotal))
            .expect("the table")
    }

    /// 部门财务收支预算总表 (of fixtures/tables/budget_ok.txt) with the
    /// figure of `1.一般公共预算资金` as given (blank: "").
    fn finance_text(fund_1: &str) -> String {
        format!(
            "\
                         2024年部门财务收支预算总表
编制部门：上海市普陀区示例局                                                单位：元

                  本年收入                                   本年支出

           项目             预算数                       项目          预算数

一、财政拨款收入                   1,000,000 一、一般公共服务支出                    800,000

1. 一般公共预算资金{fund_1:>25} 二、社会保障和就业支出                  200,000

2. 政府性基金

3. 国有资本经营预算

二、事业收入

三、事业单位经营收入

四、其他收入

            收入总计               1,000,000            支出总计                1,000,000
"
        )
    }

    #[test]
    fn fund_sub_items_left_blank_are_no_sum() {
        let t = finance_total(&finance_text(""));
        let head = t
            .rows
            .iter()
            .position(|r| r.label.as_deref() == Some("一、财政拨款收入"));
        assert_eq!(fund_items(&t, head.expect("the 财政拨款 row")), None);
        assert_eq!(
            t.verdict.reliability,
            Reliability::Reliable,
            "{:?}",
            t.verdict
        );
    }

    #[test]
    fn a_fund_sub_item_short_of_its_head_is_the_suspect() {
        let text = finance_text("900,000");
        let t = finance_total(&text);
        let head = t
            .rows
            .iter()
            .position(|r| r.label.as_deref() == Some("一、财政拨款收入"));
        assert_eq!(
            fund_items(&t, head.expect("the 财政拨款 row")).map(|p| p.len()),
            Some(3)
        );
        assert_eq!(
            t.verdict.reliability,
            Reliability::Reliable,
            "{:?}",
            t.verdict
        );
        assert_eq!(t.verdict.broken, 1);
        let suspect = t.verdict.suspects.first().expect("a suspect");
        assert_eq!(&text[suspect.range()], "900,000");
    }

    /// A figure read into the column beside its own (here 37.45, the
    /// 预算数 of 因公出国（境）费, taken for its 决算数, as a one-row table of a
    /// generated page came out of the PDF layout): the 预算数 and 决算数 sums are off by
    /// +37.45 and −37.45 with no cell in common. One suspect each would
    /// pass for two slips of the report; the gate sees the move.
    const SHIFTED: &str = "\
                                       表一财政拨款“三公”经费支出决算表
编制部门：上海市普陀区示例局                                                                              单位：万元
           合计           因公出国（境）费                    公务用车购置及运行维护费                       公务接待费
                                          小计             公务用车购置费       公务用车运行维护费
      预算数       决算数     预算数   决算数     预算数      决算数       预算数     决算数  预算数   决算数       预算数     决算数

      121,909.06  940.54  37.45      59,927.63  940.54  59,927.63            940.54  61,943.98
";

    #[test]
    fn a_figure_read_into_the_next_column_makes_the_table_unreliable() {
        let doc = parse(SHIFTED);
        let t = doc
            .tables
            .iter()
            .find(|t| t.standard == Some(StandardTable::ThreeCosts))
            .expect("the table");
        assert_eq!(
            t.verdict.reliability,
            Reliability::Unreliable,
            "{:?}",
            t.verdict
        );
        assert!(
            t.verdict
                .reason
                .as_deref()
                .unwrap_or("")
                .contains("“37.45”似应在相邻的空栏"),
            "{:?}",
            t.verdict
        );
    }

    /// The same row read right (37.45 under 预算数), then with two slips of
    /// the report off by opposite amounts, ±940.54, in the 预算数 and the
    /// 决算数 sums: 940.54 is printed in the one (小计), but between two
    /// printed cells, so no figure moved: two slips, judged.
    #[test]
    fn opposite_slips_without_a_moved_figure_are_judged() {
        let row = "      121,909.06  940.54  37.45      59,927.63";
        let right = "      121,909.06  940.54 37.45       59,927.63";
        let read = |text: &str| {
            parse(text)
                .tables
                .into_iter()
                .find(|t| t.standard == Some(StandardTable::ThreeCosts))
                .expect("the table")
                .verdict
        };
        let v = read(&SHIFTED.replace(row, right));
        assert_eq!(
            (v.reliability, v.broken),
            (Reliability::Reliable, 0),
            "{v:?}"
        );
        let slips = SHIFTED
            .replace(row, &right.replace("940.54 37.45", "  0.00 37.45"))
            .replace("61,943.98", "61,003.44");
        let v = read(&slips);
        assert_eq!(
            (v.reliability, v.broken),
            (Reliability::Reliable, 2),
            "{v:?}"
        );
    }
}
