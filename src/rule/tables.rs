//! Rule kinds over the standard tables of published reports and the prose
//! that restates them (RULES.md §1.1–§1.4, §1.6):
//!
//! * `table-sum` — a total row is the sum of rows, per column: named rows,
//!   the numbered rows above it (`一、…八、` → 本年收入合计), or the
//!   功能分类/经济分类 code hierarchy (合计 = Σ 类, 类 = Σ 款, 款 = Σ 项);
//! * `table-columns` — in every row, a total column is the sum of columns;
//! * `cross-table` — a cell (or a sum of rows) of one table equals, or is at
//!   most, a cell of another; or every 类 row of one table against the same
//!   类 in another;
//! * `prose-table` — a narrative figure that restates a table figure agrees
//!   with it;
//! * `prose-items` — the 功能分类 items named in prose (`…（类）…（款）…（项）`)
//!   exist in the table under the same names, and their amounts agree;
//! * `tables-present`, `empty-table`, `report-year`, `unit-name`, `toc-match` —
//!   the structure of the report.
//!
//! Tables are found by their standard name (`Table::kind`, from the title),
//! rows by label (numbering such as `一、` ignored) or by code, columns by
//! header path (`支出/合计`; the leaf `合计` on the row's side). Money is
//! compared in 万元 with the rounding interval of each figure converted too,
//! so a table in 元 agrees with prose in 万元 exactly when the rounding
//! allows it. A blank cell of a row that is printed counts as 0; a table
//! with no figures at all (a blank template) is not checked. Whatever cannot
//! be identified is reported as 未能核对, never guessed.

use super::eval::RuleResult;
use super::spec::{OneOrMany, RuleSpec};
use super::{interpolate, Ctx, Rule};
use crate::diagnostic::{Diagnostic, Label, Outcome, Severity};
use crate::document::text::{fold, Normalized};
use crate::document::{Document, Fact, FactKind, Number, Role, Row, RowKind, Table, Unit};
use crate::quantity::{Agreement, Quantity};
use crate::source::Span;
use regex::Regex;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// The kind names handled here.
pub const TABLE_KINDS: &[&str] = &[
    "table-sum",
    "table-columns",
    "cross-table",
    "prose-table",
    "prose-items",
    "tables-present",
    "empty-table",
    "report-year",
    "unit-name",
    "toc-match",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Equal,
    AtMost,
    AtLeast,
}

impl Relation {
    fn symbol(self) -> &'static str {
        match self {
            Relation::Equal => "=",
            Relation::AtMost => "≤",
            Relation::AtLeast => "≥",
        }
    }
    fn holds(self, a: &Quantity, b: &Quantity) -> Option<bool> {
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
    pub table: String,
    /// Rows summed (empty: the table's only row).
    pub row: Vec<String>,
    pub column: Option<String>,
    pub other: Option<String>,
    pub other_row: Vec<String>,
    pub other_column: Option<String>,
    pub relation: Relation,
    /// Sections the prose figure must be in (`prose-table`).
    pub scope: Vec<String>,
}

/// A per-row identity of `table-columns`: `total = plus… − minus…`.
#[derive(Debug, Clone)]
pub struct Identity {
    pub source: String,
    pub total: String,
    pub plus: Vec<String>,
    pub minus: Vec<String>,
}

impl Identity {
    fn parse(s: &str) -> Result<Identity, String> {
        let (lhs, rhs) = s
            .split_once('=')
            .ok_or_else(|| "write `合计 = 基本支出 + 项目支出`".to_owned())?;
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
            return Err("write `合计 = 基本支出 + 项目支出`".into());
        }
        Ok(Identity {
            source: s.trim().to_owned(),
            total,
            plus,
            minus,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartsBy {
    /// Parts named in `parts`.
    Named,
    /// The numbered rows (`一、`) above the total on its side.
    Numbered,
    /// Top-level codes, and every code against its children.
    Codes,
}

#[derive(Debug, Clone)]
pub enum TableKind {
    Sum {
        tables: Vec<String>,
        total: Vec<String>,
        parts: Vec<Vec<String>>,
        by: PartsBy,
    },
    Columns {
        tables: Vec<String>,
        identities: Vec<Identity>,
    },
    Cross {
        pairs: Vec<Pair>,
        classes: bool,
    },
    Prose {
        pairs: Vec<Pair>,
    },
    Items {
        tables: Vec<String>,
        column: String,
        figure: Vec<String>,
        names: bool,
        amounts: bool,
    },
    Present {
        required: Vec<String>,
    },
    Empty {
        tables: Vec<String>,
    },
    Year,
    UnitName,
    Toc,
}

impl TableKind {
    pub fn name(&self) -> &'static str {
        match self {
            TableKind::Sum { .. } => "table-sum",
            TableKind::Columns { .. } => "table-columns",
            TableKind::Cross { .. } => "cross-table",
            TableKind::Prose { .. } => "prose-table",
            TableKind::Items { .. } => "prose-items",
            TableKind::Present { .. } => "tables-present",
            TableKind::Empty { .. } => "empty-table",
            TableKind::Year => "report-year",
            TableKind::UnitName => "unit-name",
            TableKind::Toc => "toc-match",
        }
    }
}

// ---------------------------------------------------------------------------
// Compiling
// ---------------------------------------------------------------------------

fn many(v: &Option<toml::Spanned<OneOrMany>>) -> Vec<String> {
    v.as_ref().map(|s| s.get_ref().to_vec()).unwrap_or_default()
}

fn relation(cx: &mut Ctx, s: Option<&str>, at: &toml::Spanned<String>) -> Relation {
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

/// Compile the table kinds; `None` after an error was recorded in `cx`.
pub(super) fn compile(name: &str, rs: &RuleSpec, cx: &mut Ctx) -> Option<TableKind> {
    let kind = &rs.kind;
    let table = rs.table.as_ref().map(|t| t.get_ref().trim().to_owned());
    let mut all_tables: Vec<String> = table.iter().cloned().collect();
    all_tables.extend(rs.tables.iter().flatten().cloned());
    let need_tables = |cx: &mut Ctx| -> Option<Vec<String>> {
        if all_tables.is_empty() {
            cx.err(
                kind,
                format!("a `{name}` rule needs `table` or `tables`"),
                "this kind",
                "add `table = \"收入支出决算总表\"` (a standard table name or title)",
            );
            return None;
        }
        Some(all_tables.clone())
    };
    match name {
        "table-sum" => {
            let tables = need_tables(cx)?;
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
                _ => {
                    let at = rs.by.as_ref().unwrap_or(kind);
                    cx.err(
                        at,
                        "a `table-sum` rule needs `parts` (row labels) or `by = \"codes\"` / `by = \"numbered\"`",
                        "here",
                        "by = \"codes\" sums 类 rows and checks 类 = Σ 款 = Σ 项; by = \"numbered\" sums the rows numbered 一、二、… above the total",
                    );
                    return None;
                }
            };
            Some(TableKind::Sum {
                tables,
                total,
                parts,
                by,
            })
        }
        "table-columns" => {
            let tables = need_tables(cx)?;
            let mut identities = Vec::new();
            for i in rs.identities.iter().flatten() {
                match Identity::parse(i.get_ref()) {
                    Ok(id) => identities.push(id),
                    Err(e) => cx.err(i, format!("identity does not parse: {e}"), "this identity", "columns are written as in the header (a path such as `合计/预算数` where needed), joined by + and -"),
                }
            }
            if rs.identities.is_none() {
                cx.err(
                    kind,
                    "a `table-columns` rule needs `identities`",
                    "this kind",
                    "add `identities = [\"合计 = 基本支出 + 项目支出\"]`",
                );
            }
            if identities.is_empty() {
                return None;
            }
            Some(TableKind::Columns { tables, identities })
        }
        "cross-table" | "prose-table" => {
            let prose = name == "prose-table";
            let base = Pair {
                label: many(&rs.label),
                table: table.clone().unwrap_or_default(),
                row: many(&rs.row),
                column: rs.column.as_ref().map(|c| c.get_ref().clone()),
                other: rs.other.as_ref().map(|c| c.get_ref().clone()),
                other_row: many(&rs.other_row),
                other_column: rs.other_column.as_ref().map(|c| c.get_ref().clone()),
                relation: Relation::Equal,
                scope: Vec::new(),
            };
            let rel_at = rs.relation.as_ref().unwrap_or(kind);
            let base = Pair {
                relation: relation(
                    cx,
                    rs.relation.as_ref().map(|r| r.get_ref().as_str()),
                    rel_at,
                ),
                ..base
            };
            let mut pairs = Vec::new();
            for p in rs.pairs.iter().flatten() {
                let pair = Pair {
                    label: p
                        .label
                        .as_ref()
                        .map(|l| l.to_vec())
                        .unwrap_or(base.label.clone()),
                    table: p.table.clone().unwrap_or(base.table.clone()),
                    row: p
                        .row
                        .as_ref()
                        .map(|l| l.to_vec())
                        .unwrap_or(base.row.clone()),
                    column: p.column.clone().or(base.column.clone()),
                    other: p.other.clone().or(base.other.clone()),
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
            let classes = rs.by.as_ref().is_some_and(|b| b.get_ref() == "classes");
            if let Some(b) = rs.by.as_ref().filter(|b| b.get_ref() != "classes" || prose) {
                cx.err(
                    b,
                    format!("`by` is not used by `{name}` this way"),
                    "here",
                    "cross-table takes by = \"classes\" (every 类 row against the same 类 of `other`)",
                );
                return None;
            }
            if pairs.is_empty() {
                pairs.push(base);
            }
            for p in &pairs {
                let missing = if p.table.is_empty() {
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
            Some(if prose {
                TableKind::Prose { pairs }
            } else {
                TableKind::Cross { pairs, classes }
            })
        }
        "prose-items" => {
            let tables = need_tables(cx)?;
            let Some(column) = rs.column.as_ref().map(|c| c.get_ref().clone()) else {
                cx.err(
                    kind,
                    "a `prose-items` rule needs `column`",
                    "this kind",
                    "add `column = \"合计\"`",
                );
                return None;
            };
            let check = rs
                .check
                .clone()
                .unwrap_or_else(|| vec!["names".into(), "amounts".into()]);
            for c in &check {
                if c != "names" && c != "amounts" {
                    cx.err(
                        kind,
                        format!("unknown prose-items check `{c}`"),
                        "this rule",
                        "check takes \"names\" and/or \"amounts\"",
                    );
                    return None;
                }
            }
            Some(TableKind::Items {
                tables,
                column,
                figure: many(&rs.figure),
                names: check.iter().any(|c| c == "names"),
                amounts: check.iter().any(|c| c == "amounts"),
            })
        }
        "tables-present" => {
            let required = rs.required.clone().unwrap_or_default();
            if required.is_empty() {
                cx.err(
                    kind,
                    "a `tables-present` rule needs `required` (table names)",
                    "this kind",
                    "add `required = [\"收入支出决算总表\", …]`",
                );
                return None;
            }
            Some(TableKind::Present { required })
        }
        "empty-table" => Some(TableKind::Empty {
            tables: rs.required.clone().unwrap_or_default(),
        }),
        "report-year" => Some(TableKind::Year),
        "unit-name" => Some(TableKind::UnitName),
        "toc-match" => Some(TableKind::Toc),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Tables, rows, columns, cells
// ---------------------------------------------------------------------------

static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]+[、.]|\d{1,2}[、.]|\([一二三四五六七八九十\d]+\)、?)")
        .unwrap()
});
static YEAR_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\d{4}年度?|表[一二三四五六七八九十\d]+[:、]?)").unwrap());

/// A label without its list number (`一、`, `1.`, `(一)`) and `其中:`.
fn bare_label(l: &str) -> String {
    let f = fold(l);
    let f = f.trim_start_matches("其中:").trim_start_matches("其中");
    NUMBERING.replace(f, "").into_owned()
}

fn is_numbered(l: &str) -> bool {
    let f = fold(l);
    f.starts_with(|c: char| "一二三四五六七八九十".contains(c)) && NUMBERING.is_match(&f)
}

fn table_matches(t: &Table, name: &str) -> bool {
    let want = fold(name);
    if t.kind.as_deref().map(fold).as_deref() == Some(want.as_str()) {
        return true;
    }
    let Some(title) = t.title.as_deref() else {
        return false;
    };
    let title = fold(title);
    let title = YEAR_PREFIX.replace(&title, "");
    title == want || (t.kind.is_none() && title.contains(want.as_str()))
}

/// Folded header paths of a table's columns.
fn columns_of(t: &Table) -> Vec<String> {
    if let Some(h) = t.rows.iter().find(|r| r.kind == RowKind::Header) {
        if t.rows.first().is_some_and(|r| r.kind == RowKind::Header) {
            return h.cells.iter().map(|c| c.key.clone()).collect();
        }
    }
    t.headers().iter().map(|s| s.to_string()).collect()
}

/// The column named `want` on a side: full path, leaf, path suffix, or
/// without a unit suffix.
fn resolve_col(cols: &[String], want: &str, side: Option<&str>) -> Option<String> {
    let want = fold(want);
    let on_side = |c: &&String| match side {
        Some(s) => c.starts_with(&format!("{}/", fold(s))) || !c.contains('/'),
        None => true,
    };
    let cands: Vec<&String> = cols.iter().filter(on_side).collect();
    let leaf = |c: &str| c.rsplit('/').next().unwrap_or(c).to_owned();
    let strip = |c: &str| crate::document::strip_unit_suffix(c).to_owned();
    cands
        .iter()
        .find(|c| ***c == want)
        .or_else(|| cands.iter().find(|c| leaf(c) == want))
        .or_else(|| cands.iter().find(|c| c.ends_with(&format!("/{want}"))))
        .or_else(|| cands.iter().find(|c| strip(&leaf(c)) == strip(&want)))
        .map(|c| (*c).clone())
}

fn data_rows(t: &Table) -> impl Iterator<Item = (usize, &Row)> {
    t.rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind != RowKind::Header)
}

fn has_figures(t: &Table) -> bool {
    data_rows(t).any(|(_, r)| r.cells.iter().any(|c| c.number.is_some()))
}

/// Rows whose code (all digits) or label (numbering ignored) is `key`.
fn rows_named(t: &Table, key: &str) -> Vec<usize> {
    let k = fold(key);
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_digit()) {
        return data_rows(t)
            .filter(|(_, r)| r.code.as_deref() == Some(k.as_str()))
            .map(|(i, _)| i)
            .collect();
    }
    let exact: Vec<usize> = data_rows(t)
        .filter(|(_, r)| r.label.as_deref().map(fold).as_deref() == Some(k.as_str()))
        .map(|(i, _)| i)
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let bk = bare_label(&k);
    data_rows(t)
        .filter(|(_, r)| r.label.as_deref().is_some_and(|l| bare_label(l) == bk))
        .map(|(i, _)| i)
        .collect()
}

/// A cell's value: the number in the table's own unit and in 万元.
#[derive(Debug, Clone)]
struct Val {
    native: Quantity,
    wan: Quantity,
    span: Option<Span>,
    written: String,
}

impl Val {
    fn blank() -> Val {
        Val {
            native: Quantity::zero(),
            wan: Quantity::zero(),
            span: None,
            written: "（空）".into(),
        }
    }
}

fn table_unit(t: &Table) -> Unit {
    t.unit
        .as_deref()
        .map(Unit::from_written)
        .unwrap_or(Unit::None)
}

fn unit_word(t: &Table) -> &str {
    t.unit.as_deref().unwrap_or("")
}

/// The cell of `row` under `col` (a resolved header path), `None` when blank.
fn cell_val(t: &Table, row: &Row, col: &str) -> Option<Val> {
    let cell = row
        .cells
        .iter()
        .find(|c| c.column.as_deref() == Some(col))?;
    let n = cell.number.as_ref()?;
    let native = n.quantity();
    let unit = table_unit(t);
    let wan = if unit.is_money() {
        Number { unit, ..n.clone() }
            .quantity_wan()
            .unwrap_or(native)
    } else {
        native
    };
    Some(Val {
        native,
        wan,
        span: Some(cell.span),
        written: n.written.clone(),
    })
}

fn show(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A value for messages: midpoint, rounded to the figures' precision.
fn show_q(q: &Quantity) -> String {
    show(q.mid().round_dp(4))
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

struct Run<'a> {
    rule: &'a Rule,
    doc: &'a Document,
    text: &'a str,
    out: &'a mut RuleResult,
}

pub(super) fn run(kind: &TableKind, rule: &Rule, doc: &Document, text: &str, out: &mut RuleResult) {
    // A report whose text has no standard table at all (a Word export of
    // the narrative only): the table rules do not apply; `tables-present`
    // says once that nothing could be checked.
    let table_kind = !matches!(
        kind,
        TableKind::Present { .. } | TableKind::Year | TableKind::UnitName | TableKind::Toc
    );
    if table_kind && doc.tables.iter().all(|t| t.kind.is_none()) {
        return;
    }
    // Tables without a single figure (a blank template): one note.
    if table_kind
        && !doc
            .tables
            .iter()
            .any(|t| t.kind.is_some() && has_figures(t))
    {
        out.diagnostics.push(
            Diagnostic::new(
                rule.id.clone(),
                Severity::Info,
                "未能核对：报告的表格中没有数字",
            )
            .with_outcome(Outcome::NotChecked),
        );
        return;
    }
    let first = out.diagnostics.len();
    let mut r = Run {
        rule,
        doc,
        text,
        out,
    };
    match kind {
        TableKind::Sum {
            tables,
            total,
            parts,
            by,
        } => r.table_sum(tables, total, parts, *by),
        TableKind::Columns { tables, identities } => r.table_columns(tables, identities),
        TableKind::Cross { pairs, classes } => {
            if *classes {
                for p in pairs {
                    r.cross_classes(p);
                }
            } else {
                r.cross(pairs)
            }
        }
        TableKind::Prose { pairs } => r.prose(pairs),
        TableKind::Items {
            tables,
            column,
            figure,
            names,
            amounts,
        } => r.items(tables, column, figure, *names, *amounts),
        TableKind::Present { required } => r.present(required),
        TableKind::Empty { tables } => r.empty(tables),
        TableKind::Year => r.year(),
        TableKind::UnitName => r.unit_name(),
        TableKind::Toc => r.toc(),
    }
    // One note per reason.
    let mut seen = HashSet::new();
    let mut i = first;
    while i < out.diagnostics.len() {
        let d = &out.diagnostics[i];
        if d.outcome == Outcome::NotChecked && !seen.insert(d.message.clone()) {
            out.diagnostics.remove(i);
        } else {
            i += 1;
        }
    }
}

/// A resolved lookup: the value (summed over rows) and the cells that make it.
struct Found {
    table: usize,
    val: Quantity,
    native: Quantity,
    /// (span, what) of every printed cell taken, or the row label when blank.
    spans: Vec<(Span, String)>,
    what: String,
    /// The figure as printed, when it is one printed cell.
    written: Option<String>,
}

impl Found {
    /// The value for messages, in the table's unit.
    fn shown(&self, unit: &str) -> String {
        match &self.written {
            Some(w) => format!("{w}{unit}"),
            None => format!("{}{unit}", show_q(&self.native)),
        }
    }
}

impl<'a> Run<'a> {
    fn tables(&self, name: &str) -> Vec<usize> {
        (0..self.doc.tables.len())
            .filter(|&i| table_matches(&self.doc.tables[i], name))
            .collect()
    }

    /// Tables matching any of the names, in document order.
    fn tables_any(&self, names: &[String]) -> Vec<usize> {
        (0..self.doc.tables.len())
            .filter(|&i| names.iter().any(|n| table_matches(&self.doc.tables[i], n)))
            .collect()
    }

    fn names(names: &[String]) -> String {
        match names {
            [one] => one.clone(),
            _ => format!("{}等表", names.first().map(String::as_str).unwrap_or("")),
        }
    }

    /// Do the standard tables carry any figure? (A blank template does not.)
    fn any_figures(&self) -> bool {
        self.doc
            .tables
            .iter()
            .any(|t| t.kind.is_some() && has_figures(t))
    }

    fn diag(&self, values: &[(&str, String)]) -> Diagnostic {
        let mut d = Diagnostic::new(
            self.rule.id.clone(),
            self.rule.severity,
            interpolate(&self.rule.message, values),
        );
        d.help = self.rule.help.as_ref().map(|h| interpolate(h, values));
        d
    }

    fn not_checked(&mut self, reason: String, at: Option<Span>) {
        let mut d = Diagnostic::new(
            self.rule.id.clone(),
            Severity::Info,
            format!("未能核对：{reason}"),
        )
        .with_outcome(Outcome::NotChecked);
        if let Some(s) = at {
            d.labels.push(Label::bare(s));
        }
        self.out.diagnostics.push(d);
    }

    /// Record the facts of these cells as covered.
    fn cover_spans(&mut self, ti: usize, spans: &[Span]) {
        for (ri, _) in self.doc.tables[ti].rows.iter().enumerate() {
            if let Some(ids) = self.doc.by_row.get(&(ti, ri)) {
                for &id in ids {
                    if spans.contains(&self.doc.facts[id].span) {
                        self.out.covered.insert(id);
                    }
                }
            }
        }
    }

    fn title_span(&self, ti: usize) -> Span {
        let t = &self.doc.tables[ti];
        t.title_span.unwrap_or(t.span)
    }

    fn row_span(&self, ti: usize, ri: usize) -> Span {
        self.doc.tables[ti].rows[ri]
            .label_span
            .unwrap_or_else(|| self.title_span(ti))
    }

    fn row_name(&self, ti: usize, ri: usize) -> String {
        let r = &self.doc.tables[ti].rows[ri];
        match (&r.code, &r.label) {
            (Some(c), Some(l)) => format!("{c} {l}"),
            (None, Some(l)) => l.clone(),
            (Some(c), None) => c.clone(),
            (None, None) => "（本表）".into(),
        }
    }

    // ---- table-sum -------------------------------------------------------

    fn table_sum(
        &mut self,
        tables: &[String],
        total: &[String],
        parts: &[Vec<String>],
        by: PartsBy,
    ) {
        let table = Self::names(tables);
        let tis = self.tables_any(tables);
        if tis.is_empty() {
            self.not_checked(format!("报告中未找到“{table}”"), None);
            return;
        }
        let mut evaluated = 0;
        for ti in tis {
            let t = &self.doc.tables[ti];
            if !has_figures(t) {
                continue;
            }
            let cols = columns_of(t);
            if by == PartsBy::Codes {
                evaluated += self.code_hierarchy(ti, &cols);
            }
            let totals: Vec<usize> = data_rows(t)
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
                        data_rows(t)
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
                    PartsBy::Named => {
                        let mut found = Vec::new();
                        let mut missing = None;
                        for alts in parts {
                            let cands: Vec<usize> = alts
                                .iter()
                                .flat_map(|a| rows_named(t, a))
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
                            let at = self.row_span(ti, ri);
                            self.not_checked(
                                format!("“{}”：表中未找到“{m}”行", self.row_name(ti, ri)),
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
                evaluated += self.check_rows_sum(ti, ri, &part_rows, &cols);
            }
        }
        if evaluated == 0 {
            self.not_checked(
                format!("“{table}”中没有可核对“{}”的数字", total.join("/")),
                None,
            );
        }
    }

    /// Every code with children equals the sum of its children (类 = Σ 款,
    /// 款 = Σ 项), per column. Returns the number of comparisons made.
    fn code_hierarchy(&mut self, ti: usize, cols: &[String]) -> usize {
        let t = &self.doc.tables[ti];
        let mut first: HashMap<(Option<String>, String), usize> = HashMap::new();
        for (i, r) in data_rows(t) {
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
            n += self.check_rows_sum(ti, ri, &kids, cols);
        }
        n
    }

    /// Row `ri` = Σ rows `parts`, for each column of its side that is printed
    /// in the total row. Returns the number of comparisons.
    fn check_rows_sum(&mut self, ti: usize, ri: usize, parts: &[usize], cols: &[String]) -> usize {
        let t = &self.doc.tables[ti];
        let row = &t.rows[ri];
        let side = row.side.as_deref();
        let mut n = 0;
        for col in cols {
            if let Some(s) = side {
                if !col.starts_with(&format!("{}/", fold(s))) {
                    continue;
                }
            }
            let Some(tv) = cell_val(t, row, col) else {
                continue;
            };
            let vals: Vec<(usize, Val)> = parts
                .iter()
                .map(|&p| (p, cell_val(t, &t.rows[p], col).unwrap_or_else(Val::blank)))
                .collect();
            let sum = Quantity::sum(vals.iter().map(|(_, v)| &v.native));
            n += 1;
            let mut spans: Vec<Span> = vals.iter().filter_map(|(_, v)| v.span).collect();
            spans.extend(tv.span);
            self.cover_spans(ti, &spans);
            if sum.agrees(&tv.native) != Agreement::Inconsistent {
                continue;
            }
            let unit = unit_word(t);
            let leaf = col.rsplit('/').next().unwrap_or(col);
            let names: Vec<String> = vals
                .iter()
                .filter(|(_, v)| v.span.is_some())
                .map(|(p, v)| format!("{}{}", self.row_name(ti, *p), v.written))
                .collect();
            let values = [
                ("label", self.row_name(ti, ri)),
                ("table", t.title.clone().unwrap_or_default()),
                ("column", col.clone()),
                ("stated", format!("{}{unit}", tv.written)),
                ("computed", format!("{}{unit}", show_q(&sum))),
                ("range", format!("{}{unit}", sum.display_range(2))),
                ("parts", names.join(" + ")),
            ];
            let mut d = self.diag(&values);
            d.labels
                .push(Label::new(tv.span.unwrap(), format!("{leaf}（合计）")));
            for (p, v) in vals.iter().filter(|(_, v)| v.span.is_some()).take(12) {
                d.labels.push(Label::new(
                    v.span.unwrap(),
                    format!("{}（各项之一）", self.row_name(ti, *p)),
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
            self.out.diagnostics.push(d);
        }
        n
    }

    // ---- table-columns ---------------------------------------------------

    fn table_columns(&mut self, tables: &[String], identities: &[Identity]) {
        let table = Self::names(tables);
        let tis = self.tables_any(tables);
        if tis.is_empty() {
            self.not_checked(format!("报告中未找到“{table}”"), None);
            return;
        }
        let mut evaluated = 0;
        for ti in tis {
            let t = &self.doc.tables[ti];
            if !has_figures(t) {
                continue;
            }
            let cols = columns_of(t);
            for id in identities {
                for (ri, row) in data_rows(t) {
                    let side = row.side.as_deref();
                    // An identity applies to the tables (and sides) that have
                    // all its columns.
                    let Some(tc) = resolve_col(&cols, &id.total, side) else {
                        continue;
                    };
                    let resolve = |names: &[String]| -> Option<Vec<String>> {
                        names.iter().map(|p| resolve_col(&cols, p, side)).collect()
                    };
                    let (Some(plus), Some(minus)) = (resolve(&id.plus), resolve(&id.minus)) else {
                        continue;
                    };
                    let Some(tv) = cell_val(t, row, &tc) else {
                        continue;
                    };
                    let val =
                        |c: &String| (c.clone(), cell_val(t, row, c).unwrap_or_else(Val::blank));
                    let pv: Vec<(String, Val)> = plus.iter().map(val).collect();
                    let mv: Vec<(String, Val)> = minus.iter().map(val).collect();
                    let sum = Quantity::sum(pv.iter().map(|(_, v)| &v.native))
                        .sub(&Quantity::sum(mv.iter().map(|(_, v)| &v.native)));
                    evaluated += 1;
                    let mut spans: Vec<Span> =
                        pv.iter().chain(&mv).filter_map(|(_, v)| v.span).collect();
                    spans.extend(tv.span);
                    self.cover_spans(ti, &spans);
                    if sum.agrees(&tv.native) != Agreement::Inconsistent {
                        continue;
                    }
                    let unit = unit_word(t);
                    let values = [
                        ("label", self.row_name(ti, ri)),
                        ("table", t.title.clone().unwrap_or_default()),
                        ("column", tc.clone()),
                        ("stated", format!("{}{unit}", tv.written)),
                        ("computed", format!("{}{unit}", show_q(&sum))),
                        ("range", format!("{}{unit}", sum.display_range(2))),
                        ("parts", id.source.clone()),
                    ];
                    let mut d = self.diag(&values);
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
                    self.out.diagnostics.push(d);
                }
            }
        }
        if evaluated == 0 && self.any_figures() {
            self.not_checked(format!("“{table}”中没有可按栏目核对的行"), None);
        }
    }

    // ---- lookups ----------------------------------------------------------

    /// The value of (rows summed, column) in a table. `Err` says why not.
    fn lookup(&self, table: &str, rows: &[String], column: &str) -> Result<Found, String> {
        let tis = self.tables(table);
        let Some(&ti) = tis.first() else {
            return Err(format!("报告中未找到“{table}”"));
        };
        // Prefer a table of that name that carries figures.
        let ti = tis
            .iter()
            .copied()
            .find(|&i| has_figures(&self.doc.tables[i]))
            .unwrap_or(ti);
        let t = &self.doc.tables[ti];
        let cols = columns_of(t);
        let data: Vec<usize> = data_rows(t).map(|(i, _)| i).collect();
        let leaf = fold(column);
        let leaf = leaf.rsplit('/').next().unwrap_or("").to_owned();
        let what = if rows.is_empty() {
            fold(column)
        } else {
            format!("{}（{leaf}）", rows.join("+"))
        };
        if data.is_empty() || !has_figures(t) {
            if t.empty_statement.is_some() || data.is_empty() {
                // An empty table: every figure is 0.
                return Ok(Found {
                    table: ti,
                    val: Quantity::zero(),
                    native: Quantity::zero(),
                    spans: vec![(self.title_span(ti), "空表".into())],
                    what,
                    written: None,
                });
            }
            return Err(format!("“{table}”中没有数字"));
        }
        let picked: Vec<usize> = if rows.is_empty() {
            if data.len() != 1 {
                return Err(format!("“{table}”有多行，规则未指明行"));
            }
            data.clone()
        } else {
            let mut out = Vec::new();
            let coded = data.iter().any(|&i| t.rows[i].code.is_some());
            for r in rows {
                let cands = rows_named(t, r);
                // A code the table does not list has no amount.
                if cands.is_empty() && coded && r.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                // The row whose side has the column, printed first.
                let pick = cands
                    .iter()
                    .copied()
                    .find(|&i| {
                        resolve_col(&cols, column, t.rows[i].side.as_deref())
                            .is_some_and(|c| cell_val(t, &t.rows[i], &c).is_some())
                    })
                    .or_else(|| {
                        cands.iter().copied().find(|&i| {
                            resolve_col(&cols, column, t.rows[i].side.as_deref()).is_some()
                        })
                    });
                match pick {
                    Some(i) => out.push(i),
                    None => return Err(format!("“{table}”中未找到“{r}”行的“{column}”")),
                }
            }
            out
        };
        let mut val = Quantity::zero();
        let mut native = Quantity::zero();
        let mut spans = Vec::new();
        let mut written = Vec::new();
        let what = if picked.is_empty() || rows.is_empty() {
            what
        } else {
            let names: Vec<String> = picked.iter().map(|&ri| self.row_name(ti, ri)).collect();
            format!("{}（{leaf}）", names.join("+"))
        };
        if picked.is_empty() {
            spans.push((self.title_span(ti), "表中未列此科目".to_owned()));
        }
        for &ri in &picked {
            let r = &t.rows[ri];
            let Some(col) = resolve_col(&cols, column, r.side.as_deref()) else {
                return Err(format!("“{table}”中没有“{column}”栏"));
            };
            match cell_val(t, r, &col) {
                Some(v) => {
                    val = val.add(&v.wan);
                    native = native.add(&v.native);
                    spans.push((v.span.unwrap(), self.row_name(ti, ri)));
                    written.push(v.written.clone());
                }
                None => spans.push((
                    self.row_span(ti, ri),
                    format!("{}（空白）", self.row_name(ti, ri)),
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
        })
    }

    // ---- cross-table -----------------------------------------------------

    fn cross(&mut self, pairs: &[Pair]) {
        let mut evaluated = 0;
        for p in pairs {
            let a = self.lookup(&p.table, &p.row, p.column.as_deref().unwrap_or(""));
            let other = p.other.as_deref().unwrap_or("");
            let b = self.lookup(other, &p.other_row, p.other_column.as_deref().unwrap_or(""));
            let (a, b) = match (a, b) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => {
                    self.not_checked(e, None);
                    continue;
                }
            };
            // Two empty tables (or a blank template): nothing to compare.
            if !has_figures(&self.doc.tables[a.table]) && !has_figures(&self.doc.tables[b.table]) {
                continue;
            }
            evaluated += 1;
            let sa: Vec<Span> = a.spans.iter().map(|s| s.0).collect();
            let sb: Vec<Span> = b.spans.iter().map(|s| s.0).collect();
            self.cover_spans(a.table, &sa);
            self.cover_spans(b.table, &sb);
            if p.relation.holds(&a.val, &b.val) != Some(false) {
                continue;
            }
            self.report_pair(p, &a, &b);
        }
        if evaluated == 0 && self.any_figures() {
            self.not_checked("没有可比较的表格数字".into(), None);
        }
    }

    fn report_pair(&mut self, p: &Pair, a: &Found, b: &Found) {
        let ta = &self.doc.tables[a.table];
        let tb = &self.doc.tables[b.table];
        let same_unit = ta.unit == tb.unit;
        let (sa, sb, unit) = if same_unit {
            let u = unit_word(ta);
            (a.shown(""), b.shown(""), u.to_owned())
        } else {
            (show_q(&a.val), show_q(&b.val), "万元".to_owned())
        };
        let values = [
            ("label", a.what.clone()),
            ("table", p.table.clone()),
            ("other", p.other.clone().unwrap_or_default()),
            ("row", b.what.clone()),
            ("stated", format!("{sa}{unit}")),
            ("computed", format!("{sb}{unit}")),
            ("range", b.val.display_range(2)),
            ("relation", p.relation.symbol().to_owned()),
        ];
        let mut d = self.diag(&values);
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
                    p.other.as_deref().unwrap_or(""),
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
                p.other.as_deref().unwrap_or(""),
                b.what,
                p.relation.symbol()
            ));
        }
        self.out.diagnostics.push(d);
    }

    /// Every 类 row of `table` against the same 类 in `other`.
    fn cross_classes(&mut self, p: &Pair) {
        let (Some(col_a), Some(other), Some(col_b)) = (
            p.column.as_deref(),
            p.other.as_deref(),
            p.other_column.as_deref(),
        ) else {
            return;
        };
        let (ta, tb) = (self.tables(&p.table), self.tables(other));
        let (Some(&ia), Some(&ib)) = (ta.first(), tb.first()) else {
            let missing = if ta.is_empty() { &p.table } else { other };
            self.not_checked(format!("报告中未找到“{missing}”"), None);
            return;
        };
        let (t1, t2) = (&self.doc.tables[ia], &self.doc.tables[ib]);
        if !has_figures(t1) && !has_figures(t2) {
            return;
        }
        let (c1, c2) = (columns_of(t1), columns_of(t2));
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
        let pairs: Vec<(usize, usize)> = data_rows(t1)
            .filter_map(|(i, r)| {
                let name = class_of(r)?;
                resolve_col(&c1, col_a, r.side.as_deref())?;
                let j = data_rows(t2)
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
                resolve_col(&c1, col_a, r1.side.as_deref()),
                resolve_col(&c2, col_b, r2.side.as_deref()),
            ) else {
                continue;
            };
            let (v1, v2) = (cell_val(t1, r1, &k1), cell_val(t2, r2, &k2));
            if v1.is_none() && v2.is_none() {
                continue;
            }
            let (v1, v2) = (v1.unwrap_or_else(Val::blank), v2.unwrap_or_else(Val::blank));
            evaluated += 1;
            let s1: Vec<Span> = v1.span.into_iter().collect();
            let s2: Vec<Span> = v2.span.into_iter().collect();
            self.cover_spans(ia, &s1);
            self.cover_spans(ib, &s2);
            if p.relation.holds(&v1.wan, &v2.wan) != Some(false) {
                continue;
            }
            let a = Found {
                table: ia,
                val: v1.wan,
                native: v1.native,
                spans: vec![(
                    v1.span.unwrap_or_else(|| self.row_span(ia, i)),
                    self.row_name(ia, i),
                )],
                what: self.row_name(ia, i),
                written: v1.span.map(|_| v1.written.clone()),
            };
            let b = Found {
                table: ib,
                val: v2.wan,
                native: v2.native,
                spans: vec![(
                    v2.span.unwrap_or_else(|| self.row_span(ib, j)),
                    self.row_name(ib, j),
                )],
                what: self.row_name(ib, j),
                written: v2.span.map(|_| v2.written.clone()),
            };
            self.report_pair(p, &a, &b);
        }
        for i in unmatched {
            let r = &t1.rows[i];
            let has = resolve_col(&c1, col_a, r.side.as_deref())
                .and_then(|k| cell_val(t1, r, &k))
                .is_some_and(|v| !v.native.contains(Decimal::ZERO));
            if has {
                let at = self.row_span(ia, i);
                self.not_checked(
                    format!("“{}”在“{other}”中没有同名的类", self.row_name(ia, i)),
                    Some(at),
                );
            }
        }
        if evaluated == 0 {
            self.not_checked(format!("“{}”与“{other}”之间没有可比较的类", p.table), None);
        }
    }

    // ---- prose-table -----------------------------------------------------

    fn prose_facts(&self) -> Vec<&'a Fact> {
        let doc = self.doc;
        doc.facts
            .iter()
            .filter(|f| {
                f.cell.is_none()
                    && f.role == Role::Value
                    && f.kind == FactKind::Amount
                    && self.in_scope(f.section)
            })
            .collect()
    }

    fn in_scope(&self, section: usize) -> bool {
        self.rule.scope.is_empty() || self.in_scopes(section, &self.rule.scope)
    }

    fn in_scopes(&self, section: usize, scope: &[String]) -> bool {
        let joined = self
            .doc
            .path_keys
            .get(section)
            .map(String::as_str)
            .unwrap_or("");
        scope.iter().any(|s| joined.contains(fold(s).as_str()))
    }

    fn prose(&mut self, pairs: &[Pair]) {
        let facts = self.prose_facts();
        let mut matched_any = false;
        let mut evaluated = 0;
        for p in pairs {
            let year = self.doc.kind.year;
            let mine: Vec<&Fact> = facts
                .iter()
                .copied()
                .filter(|f| label_matches(&f.label, &p.label, year))
                .filter(|f| p.scope.is_empty() || self.in_scopes(f.section, &p.scope))
                .collect();
            if mine.is_empty() {
                continue;
            }
            matched_any = true;
            let found = match self.lookup(&p.table, &p.row, p.column.as_deref().unwrap_or("")) {
                Ok(f) => f,
                Err(e) => {
                    self.not_checked(e, Some(mine[0].span));
                    continue;
                }
            };
            if !has_figures(&self.doc.tables[found.table]) && !found.val.contains(Decimal::ZERO) {
                continue;
            }
            for f in mine {
                let Some(q) = f.quantity_wan() else {
                    continue;
                };
                evaluated += 1;
                self.out.covered.insert(f.id);
                let spans: Vec<Span> = found.spans.iter().map(|s| s.0).collect();
                self.cover_spans(found.table, &spans);
                if p.relation.holds(&q, &found.val) != Some(false) {
                    continue;
                }
                let t = &self.doc.tables[found.table];
                let unit = unit_word(t);
                let table_shown = if unit == "万元" || unit.is_empty() {
                    found.shown("万元")
                } else {
                    format!("{}（{}万元）", found.shown(unit), show_q(&found.val))
                };
                let written = f
                    .number
                    .as_ref()
                    .map(|n| n.written.clone())
                    .unwrap_or_default();
                let values = [
                    ("label", f.label.clone()),
                    ("table", p.table.clone()),
                    ("row", found.what.clone()),
                    ("stated", written.clone()),
                    ("computed", table_shown.clone()),
                    ("range", format!("{}万元", found.val.display_range(2))),
                ];
                let mut d = self.diag(&values);
                d.labels.push(Label::new(f.span, "文字所述"));
                for (s, w) in &found.spans {
                    d.labels.push(Label::new(*s, format!("{}：{w}", p.table)));
                }
                if d.help.is_none() {
                    d.help = Some(format!(
                        "说明中“{}”为 {written}，{}中 {} 为 {table_shown}（折合万元并考虑四舍五入的范围 {}万元）",
                        f.label,
                        p.table,
                        found.what,
                        found.val.display_range(2)
                    ));
                }
                self.out.diagnostics.push(d);
            }
        }
        if !matched_any && self.any_figures() {
            self.not_checked(
                format!(
                    "说明中未找到“{}”等数字",
                    pairs.first().map(|p| p.label[0].as_str()).unwrap_or("")
                ),
                None,
            );
        } else if matched_any && evaluated == 0 && self.any_figures() {
            self.not_checked("说明中的数字无法与表格比较".into(), None);
        }
    }

    // ---- prose-items -----------------------------------------------------

    fn items(
        &mut self,
        tables: &[String],
        column: &str,
        figure: &[String],
        names: bool,
        amounts: bool,
    ) {
        let table_names = Self::names(tables);
        let table = table_names.as_str();
        let tis: Vec<usize> = self
            .tables_any(tables)
            .into_iter()
            .filter(|&i| has_figures(&self.doc.tables[i]))
            .collect();
        let found = self.prose_items();
        if found.is_empty() {
            return;
        }
        let Some(&ti) = tis.first() else {
            if self.tables_any(tables).is_empty() {
                let at = Span::new(found[0].start as usize, found[0].end as usize);
                self.not_checked(format!("说明中列有科目，但报告中未找到“{table}”"), Some(at));
            }
            return;
        };
        let t = &self.doc.tables[ti];
        let title = t
            .kind
            .clone()
            .or(t.title.clone())
            .unwrap_or(table_names.clone());
        let table = title.as_str();
        let cols = columns_of(t);
        let Some(col) = resolve_col(&cols, column, None) else {
            let at = self.title_span(ti);
            self.not_checked(format!("“{table}”中没有“{column}”栏"), Some(at));
            return;
        };
        let facts = self.prose_facts();
        let mut evaluated = 0;
        for (k, item) in found.iter().enumerate() {
            let region_end = found
                .get(k + 1)
                .map_or(self.text.len() as u32, |n| n.start)
                .min(item.limit.unwrap_or(u32::MAX));
            let start = item.start;
            // Within the section that lists the items (the item may itself be
            // a heading).
            let mut sec = crate::document::section_at(self.doc, start);
            while let Some(h) = self.doc.sections[sec].heading {
                let hs = self.doc.headings[h].span;
                if hs.start <= start && start < hs.end.max(hs.start + 1) {
                    sec = self.doc.sections[sec].parent.unwrap_or(0);
                } else {
                    break;
                }
            }
            let sec_end = if sec == 0 {
                self.text.len() as u32
            } else {
                self.doc.sections[sec].span.end
            };
            let end = region_end.min(sec_end);
            // Resolve 类 → 款 → 项 in the table.
            let mut parent: Option<usize> = None;
            let mut resolved = true;
            for (level, (name, range)) in item.names.iter().enumerate() {
                let len = 3 + 2 * level;
                let want = fold(name);
                let hit = data_rows(t)
                    .filter(|(_, r)| {
                        r.code.as_deref().is_some_and(|c| {
                            c.len() == len
                                && parent.is_none_or(|p| {
                                    c.starts_with(t.rows[p].code.as_deref().unwrap_or("-"))
                                })
                        })
                    })
                    .find(|(_, r)| r.label.as_deref().is_some_and(|l| fold(l) == want))
                    .map(|(i, _)| i);
                match hit {
                    Some(i) => parent = Some(i),
                    None => {
                        resolved = false;
                        if names {
                            let at = *range;
                            let level_name = ["类", "款", "项"][level];
                            let under = parent.map(|p| self.row_name(ti, p));
                            let msg = match &under {
                                Some(u) => format!(
                                    "说明中的{level_name}“{name}”在“{table}”的“{u}”下不存在"
                                ),
                                None => format!("说明中的{level_name}“{name}”在“{table}”中不存在"),
                            };
                            let mut d = self.diag(&[
                                ("label", name.clone()),
                                ("table", table.to_owned()),
                                ("found", msg.clone()),
                            ]);
                            if self.rule.message.is_empty() {
                                d.message = msg;
                            }
                            d.labels.push(Label::new(at, format!("{level_name}名称")));
                            if let Some(p) = parent {
                                d.labels
                                    .push(Label::new(self.row_span(ti, p), "表中的上级科目"));
                            }
                            if d.help.is_none() {
                                d.help = Some(format!(
                                    "科目名称应与“{table}”一致（现行政府收支分类科目）；核对名称或编码"
                                ));
                            }
                            self.out.diagnostics.push(d);
                        }
                        break;
                    }
                }
            }
            if !amounts {
                continue;
            }
            let amount_facts: Vec<&Fact> = facts
                .iter()
                .copied()
                .filter(|f| f.span.start >= start && f.span.start < end)
                .filter(|f| {
                    let l = fold(&f.label);
                    l.contains("(项)")
                        || l.ends_with("(类)")
                        || l.ends_with("科目")
                        || figure.iter().any(|a| fold(a) == l)
                })
                .collect();
            if amount_facts.is_empty() {
                continue;
            }
            let Some(ri) = parent.filter(|_| resolved) else {
                if !names {
                    self.not_checked(
                        format!("说明中的科目“{}”在表中找不到，金额未核对", item.path()),
                        Some(amount_facts[0].span),
                    );
                }
                continue;
            };
            let row = &t.rows[ri];
            let v = cell_val(t, row, &col).unwrap_or_else(Val::blank);
            for f in amount_facts {
                let Some(q) = f.quantity_wan() else {
                    continue;
                };
                evaluated += 1;
                self.out.covered.insert(f.id);
                let s: Vec<Span> = v.span.into_iter().collect();
                self.cover_spans(ti, &s);
                if q.agrees(&v.wan) != Agreement::Inconsistent {
                    continue;
                }
                let unit = unit_word(t);
                let table_shown = if unit == "万元" || unit.is_empty() {
                    format!("{}万元", v.written)
                } else {
                    format!("{}{unit}（{}万元）", v.written, show_q(&v.wan))
                };
                let written = f
                    .number
                    .as_ref()
                    .map(|n| n.written.clone())
                    .unwrap_or_default();
                let values = [
                    ("label", item.path()),
                    ("table", table.to_owned()),
                    ("row", self.row_name(ti, ri)),
                    ("stated", written.clone()),
                    ("computed", table_shown.clone()),
                    ("range", format!("{}万元", v.wan.display_range(2))),
                ];
                let mut d = self.diag(&values);
                d.labels.push(Label::new(f.span, "文字所述"));
                d.labels.push(Label::new(
                    v.span.unwrap_or_else(|| self.row_span(ti, ri)),
                    format!("{table}：{}", self.row_name(ti, ri)),
                ));
                if d.help.is_none() {
                    d.help = Some(format!(
                        "说明中“{}”为 {written}，{table}中 {} 的“{column}”为 {table_shown}",
                        item.path(),
                        self.row_name(ti, ri)
                    ));
                }
                self.out.diagnostics.push(d);
            }
        }
        if evaluated == 0 && amounts && !names {
            self.not_checked("说明中的科目金额无法与表格比较".into(), None);
        }
    }

    /// The 功能分类 items named in paragraphs and headings, in order.
    fn prose_items(&self) -> Vec<ItemAt> {
        let mut out = Vec::new();
        let mut take = |n: &Normalized| {
            for it in find_items(&n.text) {
                // `…（类）754.75万元，占7.74%；`: only the amount right after it.
                let limit = (it.names.len() == 1)
                    .then(|| n.text[it.end..].find([';', '。', ',']))
                    .flatten()
                    .map(|p| n.original_offset(it.end + p));
                out.push(ItemAt {
                    start: n.original_offset(it.start),
                    end: n.original(it.start, it.end).end,
                    limit,
                    names: it
                        .names
                        .iter()
                        .map(|(s, (a, b))| (s.clone(), n.original(*a, *b)))
                        .collect(),
                });
            }
        };
        for p in &self.doc.paragraphs {
            take(&p.norm);
        }
        for h in &self.doc.headings {
            take(&Normalized::from_pieces(self.text, &[h.span]));
        }
        out.sort_by_key(|i| (i.start, std::cmp::Reverse(i.end)));
        // The same item read from a heading and from a paragraph: once.
        let mut kept: Vec<ItemAt> = Vec::new();
        for it in out {
            if kept.last().is_none_or(|k| it.start >= k.end) {
                kept.push(it);
            }
        }
        kept
    }

    // ---- structure ---------------------------------------------------------

    fn present(&mut self, required: &[String]) {
        if self.doc.tables.iter().all(|t| t.kind.is_none()) && self.doc.toc.is_empty() {
            self.not_checked("报告中没有识别出任何标准表格".into(), None);
            return;
        }
        let body = fold(self.text);
        for name in required {
            if !self.tables(name).is_empty() {
                continue;
            }
            let want = fold(name);
            // Printed somewhere outside the contents but not parsed: abstain.
            let toc_hits = self
                .doc
                .toc
                .iter()
                .filter(|(t, _)| fold(t).contains(&want))
                .count();
            if body.matches(want.as_str()).count() > toc_hits {
                self.not_checked(format!("“{name}”的标题存在，但表格未能识别"), None);
                continue;
            }
            let promise = self
                .doc
                .toc
                .iter()
                .find(|(t, _)| fold(t).contains(&want))
                .map(|(_, s)| *s);
            let at = promise.or(self.doc.title.as_ref().map(|t| t.1));
            let mut d = self.diag(&[("label", name.clone())]);
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
            self.out.diagnostics.push(d);
        }
    }

    fn empty(&mut self, names: &[String]) {
        if !self.any_figures() {
            // A blank template: nothing is stated either way.
            return;
        }
        for ti in 0..self.doc.tables.len() {
            let t = &self.doc.tables[ti];
            let Some(kind) = t.kind.as_deref() else {
                continue;
            };
            if !names.is_empty() && !names.iter().any(|n| table_matches(t, n)) {
                continue;
            }
            let figures = data_rows(t).any(|(_, r)| {
                r.cells
                    .iter()
                    .any(|c| c.number.as_ref().is_some_and(|n| !n.value.is_zero()))
            });
            let numbers = has_figures(t);
            match (figures, t.empty_statement) {
                (false, None) if !numbers => {
                    let mut d =
                        self.diag(&[("label", kind.to_owned()), ("found", "空表未说明".into())]);
                    d.message = interpolate(&self.rule.message, &[("label", kind.to_owned())]);
                    d.labels.push(Label::new(self.title_span(ti), "空表"));
                    d.help = Some(format!(
                        "没有数据的表也应公开，并在表下说明，例如“本单位本年度没有{}，故本表为空表”",
                        kind.trim_end_matches('表')
                    ));
                    self.out.diagnostics.push(d);
                }
                (true, Some(st)) => {
                    let mut d = Diagnostic::new(
                        self.rule.id.clone(),
                        self.rule.severity,
                        format!("“{kind}”有数字，却说明本表为空表"),
                    );
                    d.labels.push(Label::new(st, "空表说明"));
                    let first = data_rows(t)
                        .flat_map(|(_, r)| r.cells.iter())
                        .find(|c| c.number.as_ref().is_some_and(|n| !n.value.is_zero()))
                        .map(|c| c.span);
                    if let Some(s) = first {
                        d.labels.push(Label::new(s, "表中的数字"));
                    }
                    d.help = Some("删去不符的空表说明，或核对表中数字".into());
                    self.out.diagnostics.push(d);
                }
                _ => {}
            }
        }
    }

    fn year(&mut self) {
        static MENTION: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(\d+)\s*年?\s*度?\s*(?:部门|单位)\s*(?:决算|预算)").unwrap()
        });
        static TITLE_YEAR: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^\s*(\d+)\s*年").unwrap());
        let Some(year) = self.doc.kind.year else {
            self.not_checked("报告标题中没有年度".into(), None);
            return;
        };
        let want = year.to_string();
        let title_span = self.doc.title.as_ref().map(|t| t.1);
        let mut bad: Vec<Span> = Vec::new();
        for m in MENTION.captures_iter(self.text) {
            let g = m.get(1).unwrap();
            // Part of a longer number (a code, an amount): not a year.
            let before = self.text[..g.start()].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',') {
                continue;
            }
            if g.as_str() != want && (g.as_str().len() != 4 || g.as_str().starts_with("20")) {
                bad.push(Span::new(g.start(), g.end()));
            }
        }
        for t in &self.doc.tables {
            let (Some(title), Some(ts)) = (t.title.as_deref(), t.title_span) else {
                continue;
            };
            if t.kind.is_none() {
                continue;
            }
            if let Some(c) = TITLE_YEAR.captures(title) {
                let g = c.get(1).unwrap();
                if g.as_str() != want {
                    let src = &self.text[ts.range()];
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
            let found = self.text[s.range()].to_owned();
            let mut d = self.diag(&[("found", found.clone()), ("label", want.clone())]);
            d.labels.push(Label::new(s, "年度"));
            if let Some(t) = title_span {
                d.labels
                    .push(Label::new(t, format!("报告标题：{want} 年度")));
            }
            if d.help.is_none() {
                d.help = Some(format!("标题、目录、各部分标题和表名中的年度应为 {want}"));
            }
            self.out.diagnostics.push(d);
        }
    }

    fn unit_name(&mut self) {
        let norm = Normalized::from_pieces(self.text, &[Span::new(0, self.text.len())]);
        let title = self.doc.title.as_ref().map(|t| t.0.as_str());
        let Some(canon) = canonical_unit(&norm.text, title) else {
            self.not_checked("未能确定报告单位的全称".into(), None);
            return;
        };
        let chars: Vec<(usize, char)> = norm.text.char_indices().collect();
        let cn: Vec<char> = canon.chars().collect();
        let tail: String = cn[cn.len().saturating_sub(3)..].iter().collect();
        let head: String = cn[..2.min(cn.len())].iter().collect();
        let mut canon_at: Option<Span> = None;
        let mut seen = HashSet::new();
        for (pos, _) in norm.text.match_indices(&tail) {
            let end = pos + tail.len();
            // Look back for the head within the canonical length + 4 characters.
            let ci = chars.partition_point(|&(b, _)| b < end);
            let lo = ci.saturating_sub(cn.len() + 4);
            let window: String = chars[lo..ci].iter().map(|&(_, c)| c).collect();
            let Some(hpos) = window.rfind(&head) else {
                continue;
            };
            // Prefer the head that gives the closest match to the name.
            let cand_starts: Vec<usize> = window.match_indices(&head).map(|(i, _)| i).collect();
            let best = cand_starts
                .iter()
                .map(|&h| window[h..].to_owned())
                .min_by_key(|c| edit_distance(c, &canon))
                .unwrap_or_else(|| window[hpos..].to_owned());
            let start = end - best.len();
            let span = norm.original(start, end);
            if best == canon {
                canon_at.get_or_insert(span);
                continue;
            }
            if !is_variant(&best, &canon) || !seen.insert((span.start, span.end)) {
                continue;
            }
            let mut d = self.diag(&[("found", best.clone()), ("label", canon.clone())]);
            d.labels.push(Label::new(span, "单位名称"));
            if let Some(c) = canon_at {
                d.labels.push(Label::new(c, "全称"));
            }
            if d.help.is_none() {
                d.help = Some(format!("单位全称为“{canon}”，各处应一致，不用简称或他称"));
            }
            self.out.diagnostics.push(d);
        }
    }

    fn toc(&mut self) {
        if self.doc.toc.is_empty() {
            return;
        }
        // Entries wrapped over two lines (`…部门决算` + `表`) are joined.
        let mut entries: Vec<(String, Span)> = Vec::new();
        for (t, s) in &self.doc.toc {
            let f = fold(t);
            let numbered = NUMBERING.is_match(&f)
                || f.starts_with('第')
                || f.starts_with(|c: char| c.is_ascii_digit());
            if !numbered && f.chars().count() <= 6 {
                if let Some(last) = entries.last_mut() {
                    last.0.push_str(&f);
                    last.1 = last.1.cover(*s);
                    continue;
                }
            }
            entries.push((f, *s));
        }
        let toc_spans: Vec<Span> = self.doc.toc.iter().map(|t| t.1).collect();
        let in_toc = |s: Span| {
            toc_spans
                .iter()
                .any(|t| t.start <= s.start && s.end <= t.end)
        };
        // Body titles: headings, table titles, short paragraphs, in order; a
        // title wrapped over two lines is also tried joined.
        let mut titles: Vec<(u32, String)> = Vec::new();
        for h in &self.doc.headings {
            if !in_toc(h.span) {
                titles.push((h.span.start, fold(&self.text[h.span.range()])));
            }
        }
        for t in &self.doc.tables {
            if let (Some(tt), Some(s)) = (&t.title, t.title_span) {
                titles.push((s.start, fold(tt)));
            }
        }
        for p in &self.doc.paragraphs {
            if in_toc(p.span) {
                continue;
            }
            if p.norm.text.chars().count() <= 60 {
                titles.push((p.span.start, p.norm.text.clone()));
            } else {
                // A title line glued to the paragraph below it.
                let rest = &self.text[p.span.start as usize..];
                let line = rest.split(['\n', '\r']).next().unwrap_or("");
                if line.chars().count() <= 60 {
                    titles.push((p.span.start, fold(line)));
                }
            }
        }
        titles.sort();
        titles.dedup();
        let mut cores: Vec<String> = titles.iter().map(|t| toc_core(&t.1)).collect();
        for w in titles.windows(2) {
            cores.push(toc_core(&format!("{}{}", w[0].1, w[1].1)));
        }
        for (entry, span) in entries {
            let core = toc_core(&entry);
            if core.chars().count() < 2 {
                continue;
            }
            let grams = bigrams(&core);
            let best = cores
                .iter()
                .map(|c| {
                    let g2 = bigrams(c);
                    grams.iter().filter(|g| g2.contains(g)).count() as f64
                        / grams.len().max(1) as f64
                })
                .fold(0.0, f64::max);
            if best >= 0.7 {
                continue;
            }
            let mut d = self.diag(&[("found", entry.clone()), ("label", entry.clone())]);
            d.labels.push(Label::new(span, "目录条目"));
            if d.help.is_none() {
                d.help =
                    Some("目录条目应在正文中有对应的标题或表格（措辞可按模板略有不同）".into());
            }
            self.out.diagnostics.push(d);
        }
    }
}

/// Does a prose label name this item? Equal, or the item preceded by the
/// report's unit name or year (`上海市…局2024年度收入支出总计`).
fn label_matches(label: &str, alts: &[String], year: Option<u32>) -> bool {
    let unquote = |s: &str| fold(s).replace('"', "");
    let l = unquote(label);
    let l = l.as_str();
    let this_year = |p: &str| {
        p == "本年"
            || p.ends_with("本年度")
            || year
                .is_some_and(|y| p.ends_with(&format!("{y}年")) || p.ends_with(&format!("{y}年度")))
    };
    alts.iter().any(|a| {
        let a = unquote(a);
        if l == a {
            return true;
        }
        match l.strip_suffix(a.as_str()) {
            Some(prefix) => {
                this_year(prefix)
                    || prefix.ends_with([
                        '局', '室', '会', '处', '部', '心', '院', '所', '站', '队', '府', '委',
                        '厅', '办', '司', '馆', '校',
                    ])
            }
            None => false,
        }
    })
}

/// A 功能分类 item named in prose: its 类, 款, 项 names with their byte
/// ranges in the normalised text.
struct Item {
    start: usize,
    end: usize,
    names: Vec<(String, (usize, usize))>,
}

/// An item located in the original text.
struct ItemAt {
    start: u32,
    end: u32,
    /// Where its amounts end, for a 类 named on its own.
    limit: Option<u32>,
    names: Vec<(String, Span)>,
}

impl ItemAt {
    fn path(&self) -> String {
        self.names
            .iter()
            .map(|n| n.0.as_str())
            .collect::<Vec<_>>()
            .join("-")
    }
}

/// `社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）`
/// and `"一般公共服务支出-政府办公厅(室)及相关机构事务-行政运行"科目`.
fn find_items(norm: &str) -> Vec<Item> {
    static LEVELS: LazyLock<Regex> = LazyLock::new(|| {
        let name = r"((?:[^。;,:\x22()]|\([^类款项()]{1,3}\))+?)";
        Regex::new(&format!(r"{name}\(类\){name}\(款\){name}\(项\)")).unwrap()
    });
    static DASHED: LazyLock<Regex> = LazyLock::new(|| {
        let name = r"((?:[^。;,:\x22\-()]|\([^()]{1,3}\))+?)";
        Regex::new(&format!(r#""{name}-{name}-{name}"科目"#)).unwrap()
    });
    static CLASS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"((?:[^。;,:\x22()]|\([^类款项()]{1,3}\))+?)\(类\)").unwrap());
    let mut out = Vec::new();
    for re in [&*LEVELS, &*DASHED, &*CLASS] {
        for c in re.captures_iter(norm) {
            // A 类 on its own is an item when its amount follows.
            if std::ptr::eq(re, &*CLASS)
                && !norm[c.get(0).unwrap().end()..].starts_with(|ch: char| ch.is_ascii_digit())
            {
                continue;
            }
            let names: Vec<(String, (usize, usize))> = (1..=3)
                .filter_map(|i| c.get(i))
                .map(|m| {
                    // A list number or quote before the 类 name is not part of it.
                    let s = m.as_str();
                    let trimmed = s
                        .trim_start_matches(|ch: char| {
                            ch.is_ascii_digit() || "、.)(\"".contains(ch)
                        })
                        .trim_start_matches("其中")
                        .to_owned();
                    let off = s.len() - trimmed.len();
                    (trimmed, (m.start() + off, m.end()))
                })
                .collect();
            if names.iter().any(|n| n.0.is_empty()) {
                continue;
            }
            let m = c.get(0).unwrap();
            out.push(Item {
                start: m.start(),
                end: m.end(),
                names,
            });
        }
    }
    out.sort_by_key(|i| i.start);
    out
}

/// The report unit's full name: the most frequent of the names that the
/// report gives in its set phrases (`预算主管部门：`, `编制部门：`,
/// `…（部门）主要职能`, `第一部分 …概况`, `…本级`).
fn canonical_unit(norm: &str, title: Option<&str>) -> Option<String> {
    static ANCHORS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
        let name = r"([\p{Han}()]{4,40}?(?:局|办公室|委员会|办事处|部|中心|院|所|站|队|府|委|厅|会|处|馆|校|室))";
        [
            format!(r"(?:预算主管部门|编制部门|编制单位|单位名称):{name}"),
            format!(r"第一部分{name}(?:概况|基本情况)"),
            format!(r"{name}\((?:部门|单位)\)"),
            format!(r"{name}\(本级\)"),
        ]
        .iter()
        .map(|p| Regex::new(p).unwrap())
        .collect()
    });
    static TITLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([\p{Han}()]{4,40}?(?:局|办公室|委员会|办事处|部|中心|院|所|站|队|委|厅|会|处|馆|校|室))\d{4}年").unwrap()
    });
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    // The title names the unit before the year.
    let title = title.map(fold).unwrap_or_default();
    if let Some(c) = TITLE.captures(&title) {
        order.push(c[1].to_owned());
        counts.insert(c[1].to_owned(), 1);
    }
    for re in ANCHORS.iter() {
        for c in re.captures_iter(norm) {
            let n = c[1].to_owned();
            if !order.contains(&n) {
                order.push(n.clone());
            }
            *counts.entry(n).or_default() += 1;
        }
    }
    // The most frequent; the first on ties.
    let n = order.len();
    order
        .into_iter()
        .enumerate()
        .max_by_key(|(i, name)| (counts[name], n - i))
        .map(|(_, name)| name)
        .filter(|name| name.chars().count() >= 5)
}

/// Is `cand` a slip for the name `canon`: a level left out
/// (`上海市规划和自然资源局`) or one character changed (`规划与自然资源局`)?
/// Two or more characters replaced make another name (`经济委员会` for
/// `商务委员会`, a second plate the unit carries), not a variant.
fn is_variant(cand: &str, canon: &str) -> bool {
    let a: Vec<char> = cand.chars().collect();
    let b: Vec<char> = canon.chars().collect();
    if a == b {
        return false;
    }
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suf = a.len().min(b.len()) - pre;
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suf)
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (a.len() - pre - suf, b.len() - pre - suf);
    pre >= 2 && suf >= 2 && ((mid_a == 0 && (1..=4).contains(&mid_b)) || (mid_a == 1 && mid_b == 1))
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// What a title says once numbering, unit names, years, part numbers and
/// punctuation are removed: `第二部分 上海市…局 2024 年度部门决算表` → `部门决算表`.
fn toc_core(s: &str) -> String {
    static NOISE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]+\)|\d+[.、])*").unwrap()
    });
    static ORG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^[\p{Han}()]*?(?:局|办公室|委员会|办事处|工作部|部|中心)(?:\(部门\)|\(单位\))?",
        )
        .unwrap()
    });
    static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d{2,4}年度?").unwrap());
    let f = fold(s);
    let f = NOISE.replace(&f, "");
    let f = YEAR.replace_all(&f, "");
    // The template's `部门` stands for the unit's name in the body.
    let f = f.trim_start_matches("部门").trim_start_matches("单位");
    let f: String = f
        .chars()
        .filter(|c| !"\"'《》<>:;,.、…·".contains(*c))
        .collect();
    // A leading unit name, when something remains after it.
    match ORG.find(&f) {
        Some(m) if m.end() < f.len() && f[m.end()..].chars().count() >= 2 => {
            f[m.end()..].to_owned()
        }
        _ => f,
    }
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let c: Vec<char> = s.chars().collect();
    if c.len() == 1 {
        return vec![(c[0], c[0])];
    }
    c.windows(2).map(|w| (w[0], w[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_with_unit_or_year_prefix() {
        let alts = vec!["收入支出总计".to_owned()];
        let y = Some(2024);
        assert!(label_matches(
            "上海市普陀区规划和自然资源局2024年度收入支出总计",
            &alts,
            y
        ));
        assert!(label_matches("收入支出总计", &alts, y));
        assert!(!label_matches("财政拨款收入支出总计", &alts, y));
        assert!(!label_matches("2023年度收入支出总计", &alts, y));
        let alts = vec!["支出决算".to_owned()];
        assert!(!label_matches("公务接待费支出决算", &alts, y));
        let alts = vec!["收入预算".to_owned()];
        assert!(label_matches(
            "上海市普陀区人民政府万里街道办事处收入预算",
            &alts,
            y
        ));
    }

    #[test]
    fn items_in_prose() {
        let n = fold(
            "1、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）。主要用于",
        );
        let items = find_items(&n);
        assert_eq!(items.len(), 1);
        let names: Vec<&str> = items[0].names.iter().map(|n| n.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "社会保障和就业支出",
                "行政事业单位养老支出",
                "行政单位离退休"
            ]
        );
        let n = fold("“一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目1,202.95万元");
        let items = find_items(&n);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].names[1].0, "政府办公厅(室)及相关机构事务");
    }

    #[test]
    fn toc_cores() {
        assert_eq!(
            toc_core("第二部分上海市普陀区规划和自然资源局2024年度部门决算表"),
            "部门决算表"
        );
        assert_eq!(toc_core("一、收入支出决算总表"), "收入支出决算总表");
        assert_eq!(
            edit_distance("上海市规划和自然资源局", "上海市普陀区规划和自然资源局"),
            3
        );
        assert!(is_variant(
            "上海市规划和自然资源局",
            "上海市普陀区规划和自然资源局"
        ));
        assert!(is_variant(
            "上海市普陀区规划与自然资源局",
            "上海市普陀区规划和自然资源局"
        ));
        assert!(!is_variant(
            "上海市普陀区经济委员会",
            "上海市普陀区商务委员会"
        ));
        assert!(!is_variant(
            "上海市普陀区商务委员会",
            "上海市普陀区商务委员会"
        ));
    }
}
