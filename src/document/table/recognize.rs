//! A [`LayoutTable`] as the document's [`Table`](crate::document::Table): the
//! common model every table source ends in, which the rules read.

use super::LayoutTable;
use super::TableColumn;
use crate::document::text::fold;
use crate::document::{Cell, Number, Row, RowKind, Table, TableSource, Unit};

/// A layout table as a document `Table`: a header row naming the columns,
/// then one data row per `LayoutRow`, each number keyed by its column's full
/// header (`支出/合计`; `Row::get` also accepts the leaf `合计`).
pub fn into_table(t: LayoutTable) -> Table {
    let columns: Vec<TableColumn> = t
        .columns
        .iter()
        .map(|c| TableColumn::new(fold(&c.header), c.side.clone()))
        .collect();
    let header_cells: Vec<Cell> = t
        .columns
        .iter()
        .map(|c| {
            let mut cell = Cell::new(c.header.clone(), c.span.unwrap_or(t.title_span));
            cell.number = None;
            cell
        })
        .collect();
    let mut rows = vec![Row {
        kind: RowKind::Header,
        header: None,
        label: None,
        label_span: None,
        code: None,
        side: None,
        cells: header_cells,
    }];
    for r in t.rows {
        // In column order: a figure, or else the words a cell holds.
        let cells: Vec<Cell> = t
            .columns
            .iter()
            .enumerate()
            .filter_map(|(ci, col)| {
                let mut c = match r.cells.get(ci).and_then(Option::as_ref) {
                    Some(cell) => {
                        let mut c = Cell::new(cell.text.clone(), cell.span);
                        c.number = Some(Number {
                            value: cell.value,
                            decimals: cell.decimals,
                            unit: Unit::None,
                            written: cell.text.clone(),
                        });
                        c
                    }
                    None => {
                        let (_, text, span) = r.text_cells.iter().find(|(i, ..)| *i == ci)?;
                        let mut c = Cell::new(text.clone(), *span);
                        c.number = None;
                        c
                    }
                };
                c.column = Some(fold(&col.header));
                Some(c)
            })
            .collect();
        rows.push(Row {
            kind: RowKind::Data,
            header: Some(0),
            label: (!r.label.is_empty()).then(|| fold(&r.label)),
            label_span: r.label_spans.first().copied(),
            code: r.code,
            side: r.side,
            cells,
        });
    }
    Table {
        title: Some(t.title),
        title_span: Some(t.title_span),
        kind: t.kind.map(|k| k.name().to_owned()),
        unit: t.unit,
        unit_span: t.unit_span,
        span: t.span,
        rows,
        source: TableSource::Layout,
        empty_statement: t.empty_statement,
        standard: t.kind,
        columns,
        verdict: Default::default(),
        reading_doubt: if t.order_unknown {
            Some("表头各栏的次序与标准格式不同，且未能逐栏认出，无法确定各栏位置".to_owned())
        } else {
            unplaced_doubt(&t.unplaced_pages).or_else(|| {
                t.dropped_figure.as_ref().map(|(page, text)| {
                    format!(
                        "第 {} 页的数字“{text}”未能归入任何一栏（一行的数字比这一边的栏多）",
                        page + 1
                    )
                })
            })
        },
    }
}

/// The reading doubt of figures placed by guess (`rows::page_positions`).
fn unplaced_doubt(pages: &[usize]) -> Option<String> {
    let list: Vec<String> = pages.iter().map(|p| (p + 1).to_string()).collect();
    (!list.is_empty()).then(|| {
        format!(
            "第 {} 页的数字没有表头可对，无法确定各属哪一栏",
            list.join("、")
        )
    })
}
