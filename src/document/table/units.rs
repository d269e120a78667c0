//! The unit of every figure in a table, decided once when the table is
//! built, so that facts, rules and scripts read it from the cell. A figure
//! written with its unit (`100%`) keeps it. Otherwise its column's header
//! decides (`执行率（%）`, `得分（分）`), then the header block the row sits
//! under (`项目资金（万元）`), then the table's unit line (`单位：万元`) for a
//! money column, then a header that names 万元 itself.

use crate::document::number::Unit;
use crate::document::{RowKind, Table};

/// Give every figure of `t` its unit.
pub fn settle_units(t: &mut Table) {
    let Table { unit, rows, .. } = t;
    let table_unit = unit.as_deref().map(Unit::from_written);
    for r in 0..rows.len() {
        if rows[r].kind == RowKind::Header {
            continue;
        }
        // A header such as `项目资金（万元）` sets the unit of its block.
        let block_in_wan = rows[r]
            .header
            .is_some_and(|h| rows[h].cells.iter().any(|c| c.key.contains("(万元)")));
        let money_unit = if block_in_wan {
            Some(&Unit::WanYuan)
        } else {
            table_unit.as_ref()
        };
        for cell in &mut rows[r].cells {
            let column = cell.column.as_deref().unwrap_or("");
            if let Some(number) = cell.number.as_mut() {
                if number.unit == Unit::None {
                    number.unit = column_unit(column, money_unit);
                }
            }
        }
    }
}

/// The unit a figure without one takes from its column header (folded)
/// and the unit in force for money columns. A header that says % is a
/// percentage (`得分系数（%）`); a weight or score is a plain number, even
/// when its name has 率 in it (`执行率权重`, `执行率得分（分）`).
fn column_unit(column: &str, money_unit: Option<&Unit>) -> Unit {
    if column.contains('%') {
        Unit::Percent
    } else if column.contains("权重") || column.contains('分') {
        Unit::None
    } else if column.contains('率') {
        Unit::Percent
    } else if let Some(u) = money_unit {
        u.clone()
    } else if column.contains("万元") {
        Unit::WanYuan
    } else {
        Unit::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse;

    /// The units of the figures of the first table whose title has `title`.
    fn units(text: &str, title: &str) -> Vec<(String, String, String)> {
        let doc = parse(text);
        let t = doc
            .tables
            .iter()
            .find(|t| t.title.as_deref().is_some_and(|s| s.contains(title)))
            .expect("table");
        t.rows
            .iter()
            .flat_map(|r| r.cells.iter())
            .filter_map(|c| {
                let n = c.number.as_ref()?;
                Some((
                    c.column.clone().unwrap_or_default(),
                    n.written.clone(),
                    n.unit.as_str().to_owned(),
                ))
            })
            .collect()
    }

    #[test]
    fn column_header_decides() {
        let wan = Some(&Unit::WanYuan);
        for (column, money, want) in [
            ("执行率(%)", wan, Unit::Percent),
            ("得分系数(%)", wan, Unit::Percent),
            ("执行率", None, Unit::Percent),
            ("执行率权重", wan, Unit::None),
            ("执行率得分(分)", wan, Unit::None),
            ("指标权重(分)", wan, Unit::None),
            ("全年执行数", Some(&Unit::Yuan), Unit::Yuan),
            ("金额(万元)", None, Unit::WanYuan),
            ("指标值", None, Unit::None),
        ] {
            assert_eq!(column_unit(column, money), want, "{column}");
        }
    }

    /// A 自评表 exported from Word: its funding block is in 万元 from the
    /// block header, its rate in %, its weight and score plain numbers.
    #[test]
    fn block_header_gives_money_unit() {
        let text = "项目支出绩效自评表\n\n\t项目资金（万元）\n\t年度总金额\n\t年初预算数\n\t全年执行数\n\t执行率（%）\n\t执行率权重\n\n\t\n\t其中：财政拨款\n\t51.34\n\t50.7\n\t98.75\n\t10\n";
        let got = units(text, "自评表");
        let unit_of = |col: &str| {
            got.iter()
                .find(|(c, _, _)| c == col)
                .map(|(_, _, u)| u.as_str())
                .unwrap_or("missing")
        };
        assert_eq!(unit_of("年初预算数"), "万元", "{got:?}");
        assert_eq!(unit_of("全年执行数"), "万元", "{got:?}");
        assert_eq!(unit_of("执行率(%)"), "%", "{got:?}");
        assert_eq!(unit_of("执行率权重"), "", "{got:?}");
    }

    /// A standard table whose unit line says 元: its money cells are in 元.
    #[test]
    fn table_unit_line_gives_money_unit() {
        let text = include_str!("../../../fixtures/tables/budget_ok.txt");
        let got = units(text, "部门收入预算总表");
        assert!(got.len() >= 4, "{got:?}");
        assert!(got.iter().all(|(_, _, u)| u == "元"), "{got:?}");
    }
}
