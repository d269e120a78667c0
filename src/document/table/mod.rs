//! Tables in the text: laid out in columns of spaces (`pdftotext -layout`
//! output, this module), in pipe rows ([`pipe`]) or in TAB-separated Word text
//! ([`tab`]). Each ends as a document [`Table`](crate::document::Table)
//! (layout tables via [`into_table`]).
//!
//! # Layout tables
//!
//! Entry point: [`find_layout_tables`]. It scans the text for table titles
//! (a short line ending in `表` followed within a few lines by `单位：万元`-style
//! unit text, or a title recognised as one of the standard 决算/预算 tables),
//! reads the header lines below the title, then the body lines until the
//! footnote (`注：…`, `说明：…`), the next title, or narrative prose.  Pages
//! (form feeds) are followed: a table continues on the next page when that
//! page starts with a repeated header or with table-like lines.
//!
//! # Geometry
//! Positions are measured in **characters** (one column per `char`, CJK or
//! ASCII alike; form feeds count zero), which is how pdftotext lays lines
//! out.  Positions are only approximate: pdftotext pushes a fragment to the
//! right when the text before it on the same line is long, and every page
//! has its own scale (a continuation page without header is usually
//! compressed).  Therefore numbers are mapped to columns by a monotone
//! nearest-anchor alignment (header anchors on pages with a header, clusters
//! of the page's own numbers otherwise), and a line carrying exactly as many
//! numbers as the side has columns is mapped in order.
//!
//! # Representation
//! * `columns` are the *value* columns only (the label/code columns are
//!   `LayoutRow::label`/`code`).  `Column::header` is the header path joined
//!   with `/` ("支出/合计", "本年支出/基本支出", "收入预算/合计").  For the
//!   standard tables the column set is fixed by [`StandardTable`] (so empty
//!   tables still have their columns); the printed header only locates them.
//! * Two-sided tables (T1, T4, T6, 财务收支预算总表, 财政拨款收支预算总表) yield
//!   one `LayoutRow` per side and physical row: `row.side` is the side name
//!   ("收入"/"支出", "本年收入"/"本年支出", "财政拨款收入"/"财政拨款支出",
//!   T6: "人员经费" (left: 301/303) / "公用经费" (right: 302/310)), and only
//!   the cells of columns with the same `side` can be `Some`.  Every row has
//!   `cells.len() == columns.len()`.
//!   So a lookup by (row label or code, column header) is unambiguous; use
//!   [`LayoutTable::cell`], which matches the row by code or label and the
//!   column by full header, key, or header suffix, restricted to the row side.
//! * Wrapped labels are joined (pieces above, on and below the number line);
//!   `label_spans` lists every piece.  Codes are normalised: spaces removed,
//!   a split code `301 2` is padded to `30102` (the `code_span` still points at
//!   the printed text).
//! * The 三公 tables have one unlabeled row (`label == ""`).
//! * `span` covers title to last footnote line; footnotes are not rows.
//!   `empty_statement` is the line saying the table is empty (本表无数据 /
//!   本表为空表), even when the table nevertheless carries numbers.
//! * Pipe rows (`a | b | c |`, FORMS §8 shape 3) are returned as tables with
//!   `kind == None`, the first pipe line as header.

mod classify;
mod columns;
mod pipe;
mod recognize;
mod resolve;
mod rows;
mod standard;
pub mod tab;
mod title;
mod units;
mod verify;

pub use recognize::into_table;
pub use resolve::{bare_label, strip_unit_suffix, TableColumn, TableName, NUMBERING};
pub use standard::StandardTable;
pub use units::settle_units;
pub use verify::{
    fund_items, is_numbered, verify, Reliability, RowIdentity, Verdict, ROW_IDENTITIES,
};

use crate::document::text;
use crate::input::positioned::positioned_lines;
use crate::source::Span;
use columns::parse_table;
use pipe::{pipe_rows_follow, pipe_table_at};
use rust_decimal::Decimal;
use title::title_at;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Column {
    /// full header path joined with `/`, e.g. "收入/决算数", "本年支出/合计"
    pub header: String,
    /// leaf header text, e.g. "决算数", "合计"
    pub key: String,
    /// side name for two-sided tables
    pub side: Option<String>,
    /// span of the (first piece of the) leaf header as printed, if located
    pub span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LayoutCell {
    pub text: String,
    pub span: Span,
    pub value: Decimal,
    pub decimals: u32,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LayoutRow {
    pub label: String,
    pub label_spans: Vec<Span>,
    pub code: Option<String>,
    pub code_span: Option<Span>,
    pub cells: Vec<Option<LayoutCell>>,
    /// Cells that hold words, not a figure (a 说明 or 偏差原因 column of a
    /// pipe table), as (column index, text, span).
    pub text_cells: Vec<(usize, String, Span)>,
    pub side: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LayoutTable {
    pub title: String,
    pub title_span: Span,
    pub kind: Option<StandardTable>,
    pub unit: Option<String>,
    pub unit_span: Option<Span>,
    pub columns: Vec<Column>,
    pub rows: Vec<LayoutRow>,
    pub span: Span,
    pub empty_statement: Option<Span>,
    /// spans of footnote lines (`注：…`, `说明：…`) belonging to the table
    pub notes: Vec<Span>,
    /// Pages (0-based) whose figures were placed under columns by guess
    /// (see `rows::page_positions`): the table is then not judged.
    pub unplaced_pages: Vec<usize>,
    /// Figures printed in a row but taken into no column (more figures
    /// than the side has columns where they stand): page (0-based) and
    /// text of the first. The row was not understood; the table is then
    /// not judged.
    pub dropped_figure: Option<(usize, String)>,
    /// The header prints the columns in another order than the form's and
    /// not every header could be read: the table is then not judged.
    pub order_unknown: bool,
}

/// Find and parse every column-laid-out table (and pipe-row table) in `text`.
pub fn find_layout_tables(text: &str) -> Vec<LayoutTable> {
    let lines = text::lines(text);
    find_layout_tables_in(text, &lines, &vec![false; lines.len()])
}

/// [`find_layout_tables`] on the already split [`text::lines`] of `text`;
/// the lines flagged in `hidden` (running heads and feet) read as blank.
pub fn find_layout_tables_in(
    text: &str,
    text_lines: &[text::Line],
    hidden: &[bool],
) -> Vec<LayoutTable> {
    let mut lines = positioned_lines(text, text_lines);
    for (l, _) in lines.iter_mut().zip(hidden).filter(|(_, h)| **h) {
        l.fragments.clear();
        l.norm.clear();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(t) = title_at(text, &lines, i) {
            // A title over pipe rows is the pipe table's title, read with it.
            if !pipe_rows_follow(text, &lines, i) {
                let (table, end) = parse_table(text, &lines, i, t);
                out.push(table);
                i = end.max(i + 1);
                continue;
            }
        }
        if let Some((table, end)) = pipe_table_at(text, &lines, i) {
            out.push(table);
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests;
