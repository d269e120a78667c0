//! `Table`, `Row`, `Cell`: the tables of the report.

use super::*;
use crate::document::RowKind;
use crate::quantity::Quantity;
use crate::rule::script::run::{with_cx, ScriptRun};
use rhai::EvalAltResult;

pub(super) fn register(e: &mut Engine) {
    use crate::document::{Row, Table};
    e.register_type_with_name::<TableNode>("Table");
    e.register_type_with_name::<RowNode>("Row");
    e.register_type_with_name::<CellNode>("Cell");
    fn table<R>(
        n: &TableNode,
        g: impl for<'x> FnOnce(&'x ScriptRun, &'x Table) -> R,
    ) -> RhaiResult<R> {
        with_cx(n.run, |cx| {
            let t = cx.table(n.id)?;
            Ok(g(cx, t))
        })
    }
    fn row<R>(n: &RowNode, g: impl for<'x> FnOnce(&'x ScriptRun, &'x Row) -> R) -> RhaiResult<R> {
        with_cx(n.run, |cx| {
            let r = cx.row(n.table, n.row)?;
            Ok(g(cx, r))
        })
    }
    fn cell<R>(
        n: &CellNode,
        g: impl for<'x> FnOnce(&'x ScriptRun, &'x crate::document::Cell) -> R,
    ) -> RhaiResult<R> {
        with_cx(n.run, |cx| {
            let c = cx.cell(n)?;
            Ok(g(cx, c))
        })
    }
    /// The cell of row `r` of table `t` under `header`.
    fn cell_under(cx: &ScriptRun, t: usize, r: usize, header: &str) -> Dynamic {
        let row = &cx.doc.tables[t].rows[r];
        row.get(header)
            .and_then(|c| row.cells.iter().position(|x| std::ptr::eq(x, c)))
            .map_or(unit(), |i| cx.cell_node(t, r, i))
    }
    fn data_rows(t: &Table) -> impl Iterator<Item = usize> + '_ {
        (0..t.rows.len()).filter(|&r| t.rows[r].kind != RowKind::Header)
    }

    // Table
    e.register_fn("to_string", |n: &mut TableNode| {
        table(n, |_, t| t.title.clone().unwrap_or_else(|| "table".into()))
    });
    e.register_fn("to_debug", |n: &mut TableNode| {
        table(n, |_, t| {
            format!("Table#{}({})", n.id, t.title.as_deref().unwrap_or(""))
        })
    });
    e.register_get("id", |n: &mut TableNode| {
        Ok::<_, Box<EvalAltResult>>(n.id as INT)
    });
    e.register_get("title", |n: &mut TableNode| {
        table(n, |_, t| t.title.as_deref().map_or(unit(), s))
    });
    e.register_get("kind", |n: &mut TableNode| {
        table(n, |_, t| t.kind.as_deref().map_or(unit(), s))
    });
    e.register_get("unit", |n: &mut TableNode| {
        table(n, |_, t| t.unit.as_deref().map_or(unit(), s))
    });
    e.register_get("start", |n: &mut TableNode| {
        table(n, |_, t| t.span.start as INT)
    });
    e.register_get("end", |n: &mut TableNode| {
        table(n, |_, t| t.span.end as INT)
    });
    e.register_get("section", |n: &mut TableNode| {
        table(n, |cx, t| cx.section_node(cx.table_section(t)))
    });
    e.register_get("headers", |n: &mut TableNode| {
        table(n, |_, t| -> Array {
            t.headers().into_iter().map(s).collect()
        })
    });
    e.register_get("rows", |n: &mut TableNode| {
        table(n, |cx, t| -> Array {
            data_rows(t)
                .map(|r| cx.row_node(n.id as usize, r))
                .collect()
        })
    });
    e.register_get("header_rows", |n: &mut TableNode| {
        table(n, |cx, t| -> Array {
            (0..t.rows.len())
                .filter(|&r| t.rows[r].kind == RowKind::Header)
                .map(|r| cx.row_node(n.id as usize, r))
                .collect()
        })
    });
    e.register_fn("has_header", |n: &mut TableNode, h: &str| {
        table(n, |_, t| t.has_header(h))
    });
    e.register_fn("row", |n: &mut TableNode, label: &str| {
        table(n, |cx, t| {
            t.row(label)
                .and_then(|r| t.rows.iter().position(|x| std::ptr::eq(x, r)))
                .map_or(unit(), |r| cx.row_node(n.id as usize, r))
        })
    });
    // The first non-empty cell under a column header, in any row.
    e.register_fn("cell", |n: &mut TableNode, header: &str| {
        table(n, |cx, t| {
            data_rows(t)
                .map(|r| cell_under(cx, n.id as usize, r, header))
                .find(|c| {
                    c.clone().try_cast::<CellNode>().is_some_and(|c| {
                        !t.rows[c.row as usize].cells[c.cell as usize].key.is_empty()
                    })
                })
                .unwrap_or_else(unit)
        })
    });
    // Every non-empty cell under a column header.
    e.register_fn("cells", |n: &mut TableNode, header: &str| {
        table(n, |cx, t| -> Array {
            data_rows(t)
                .map(|r| cell_under(cx, n.id as usize, r, header))
                .filter(|c| {
                    c.clone().try_cast::<CellNode>().is_some_and(|c| {
                        !t.rows[c.row as usize].cells[c.cell as usize].key.is_empty()
                    })
                })
                .collect()
        })
    });
    e.register_fn("facts", |n: &mut TableNode| {
        table(n, |cx, t| -> Array {
            (0..t.rows.len())
                .flat_map(|r| cx.cell_facts(n.id, r as u32, None))
                .map(|i| cx.fact_node(i))
                .collect()
        })
    });

    // Row
    e.register_fn("to_string", |n: &mut RowNode| {
        row(n, |_, r| r.label.clone().unwrap_or_default())
    });
    e.register_fn("to_debug", |n: &mut RowNode| {
        row(n, |_, r| {
            format!(
                "Row#{}.{}({})",
                n.table,
                n.row,
                r.label.as_deref().unwrap_or("")
            )
        })
    });
    e.register_get("index", |n: &mut RowNode| {
        Ok::<_, Box<EvalAltResult>>(n.row as INT)
    });
    e.register_get("table", |n: &mut RowNode| {
        with_cx(n.run, |cx| Ok(cx.table_node(n.table as usize)))
    });
    e.register_get("label", |n: &mut RowNode| {
        row(n, |_, r| r.label.as_deref().map_or(unit(), s))
    });
    e.register_get("code", |n: &mut RowNode| {
        row(n, |_, r| r.code.as_deref().map_or(unit(), s))
    });
    e.register_get("side", |n: &mut RowNode| {
        row(n, |_, r| r.side.as_deref().map_or(unit(), s))
    });
    e.register_get("kind", |n: &mut RowNode| {
        row(n, |_, r| {
            match r.kind {
                RowKind::Header => "header",
                RowKind::Data => "data",
                RowKind::KeyValue => "key-value",
            }
            .to_string()
        })
    });
    e.register_get("cells", |n: &mut RowNode| {
        row(n, |cx, r| -> Array {
            (0..r.cells.len())
                .map(|c| cx.cell_node(n.table as usize, n.row as usize, c))
                .collect()
        })
    });
    e.register_fn("get", |n: &mut RowNode, header: &str| {
        with_cx(n.run, |cx| {
            cx.row(n.table, n.row)?;
            Ok(cell_under(cx, n.table as usize, n.row as usize, header))
        })
    });
    e.register_indexer_get(|n: &mut RowNode, header: &str| {
        with_cx(n.run, |cx| {
            cx.row(n.table, n.row)?;
            Ok(cell_under(cx, n.table as usize, n.row as usize, header))
        })
    });
    e.register_fn("facts", |n: &mut RowNode| {
        with_cx(n.run, |cx| -> RhaiResult<Array> {
            Ok(cx
                .cell_facts(n.table, n.row, None)
                .into_iter()
                .map(|i| cx.fact_node(i))
                .collect())
        })
    });

    // Cell
    e.register_fn("to_string", |n: &mut CellNode| {
        cell(n, |_, c| c.text.clone())
    });
    e.register_fn("to_debug", |n: &mut CellNode| {
        cell(n, |_, c| {
            format!("Cell({}={})", c.column.as_deref().unwrap_or(""), c.key)
        })
    });
    e.register_get("text", |n: &mut CellNode| cell(n, |_, c| c.text.clone()));
    e.register_get("key", |n: &mut CellNode| cell(n, |_, c| c.key.clone()));
    e.register_get("column", |n: &mut CellNode| {
        cell(n, |_, c| c.column.as_deref().map_or(unit(), s))
    });
    e.register_get("is_empty", |n: &mut CellNode| {
        cell(n, |_, c| c.key.is_empty())
    });
    e.register_get("value", |n: &mut CellNode| {
        cell(n, |_, c| opt(c.number.as_ref().map(|n| n.quantity())))
    });
    e.register_get("exact", |n: &mut CellNode| {
        cell(n, |_, c| {
            opt(c.number.as_ref().map(|n| Quantity::exact(n.value)))
        })
    });
    e.register_get("number", |n: &mut CellNode| {
        cell(n, |_, c| opt(c.number.as_ref().map(|n| n.value)))
    });
    e.register_get("decimals", |n: &mut CellNode| {
        cell(n, |_, c| {
            c.number
                .as_ref()
                .map_or(unit(), |n| int(n.decimals as usize))
        })
    });
    e.register_get("start", |n: &mut CellNode| {
        cell(n, |_, c| c.span.start as INT)
    });
    e.register_get("end", |n: &mut CellNode| cell(n, |_, c| c.span.end as INT));
    e.register_get("row", |n: &mut CellNode| {
        with_cx(
            n.run,
            |cx| Ok(cx.row_node(n.table as usize, n.row as usize)),
        )
    });
    e.register_get("table", |n: &mut CellNode| {
        with_cx(n.run, |cx| Ok(cx.table_node(n.table as usize)))
    });
    e.register_get("fact", |n: &mut CellNode| {
        with_cx(n.run, |cx| {
            Ok(cx
                .cell_facts(n.table, n.row, Some(n.cell))
                .first()
                .map_or(unit(), |&i| cx.fact_node(i)))
        })
    });
}
