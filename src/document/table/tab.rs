//! Tables in the Word-export text form: a cell begins a line with a TAB and
//! may run on over the following lines; a blank line ends a row; merged cells
//! are empty cells.
//!
//! A table may hold several header rows, each keying the data rows under it
//! (the 项目绩效自评表 has a funding block and an indicator block), and
//! key–value rows (`项目名称 | 电子政务网络光纤租赁 | 自评总分（分） | 100`).

use crate::document::text::{trim, Line};
use crate::document::{Cell, Row, RowKind, Table, TableSource};
use crate::source::Span;

/// A region of TAB-table lines found in the text: `lines[first..last]`.
pub struct Region {
    pub first: usize,
    pub last: usize,
}

/// Find the TAB-table regions: runs of lines in which cells start with a TAB,
/// with their run-on lines and the blank lines between rows.
pub fn find_regions(text: &str, lines: &[Line]) -> Vec<Region> {
    let starts_tab = |l: &Line| text.as_bytes().get(l.span.start as usize) == Some(&b'\t');
    let blank = |l: &Line| is_blank(&text[l.span.range()]);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !starts_tab(&lines[i]) {
            i += 1;
            continue;
        }
        let first = i;
        let mut last = i + 1;
        let mut j = i + 1;
        while j < lines.len() {
            if starts_tab(&lines[j]) {
                last = j + 1;
            } else if blank(&lines[j]) {
                // A blank line ends a row; the table goes on if a TAB line follows.
                if !lines.get(j + 1).is_some_and(starts_tab) {
                    break;
                }
            } else if j == last {
                // A run-on line of the cell above.
                last = j + 1;
            } else {
                break;
            }
            j += 1;
        }
        out.push(Region { first, last });
        i = last.max(i + 1);
    }
    out
}

/// A blank line ends a row; a line holding only a TAB is an empty cell.
fn is_blank(s: &str) -> bool {
    !s.starts_with('\t') && s.trim().is_empty()
}

/// Parse one region into a table.
pub fn parse_region(
    text: &str,
    lines: &[Line],
    region: &Region,
    title: Option<(String, Span)>,
) -> Table {
    // Cells: each TAB line opens one; run-on lines extend it.
    let mut rows: Vec<Vec<(Vec<Span>, Span)>> = Vec::new();
    let mut current: Vec<(Vec<Span>, Span)> = Vec::new();
    for line in &lines[region.first..region.last] {
        let s = &text[line.span.range()];
        if is_blank(s) {
            if !current.is_empty() {
                rows.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(rest) = s.strip_prefix('\t') {
            let start = line.span.start as usize + 1;
            let content = Span::new(start, start + rest.len());
            current.push((vec![content], content));
        } else if let Some(cell) = current.last_mut() {
            cell.0.push(line.span);
            cell.1 = cell.1.cover(line.span);
        }
    }
    if !current.is_empty() {
        rows.push(current);
    }

    let mut table = Table {
        title: title.as_ref().map(|t| t.0.clone()),
        title_span: title.map(|t| t.1),
        kind: None,
        unit: None,
        unit_span: None,
        span: Span::new(
            lines[region.first].span.start as usize,
            lines[region.last - 1].span.end as usize,
        ),
        rows: Vec::new(),
        source: TableSource::TabText,
        empty_statement: None,
        standard: None,
        columns: Vec::new(),
        verdict: Default::default(),
        reading_doubt: None,
    };

    for raw in rows {
        let cells: Vec<Cell> = raw
            .into_iter()
            .map(|(pieces, span)| {
                let joined: String = pieces
                    .iter()
                    .map(|p| text[p.range()].trim_end_matches(['\r', '\n']))
                    .collect::<Vec<_>>()
                    .join("\n");
                Cell::new(joined, trim(text, span))
            })
            .collect();
        table.rows.push(Row {
            kind: RowKind::Data,
            header: None,
            label: None,
            label_span: None,
            code: None,
            side: None,
            cells,
        });
    }
    key_rows(&mut table);
    label_bare_rows(&mut table);
    table.columns = table.columns_from_headers();
    table
}

/// Decide header, data and key–value rows, and key each data cell by the
/// header of its column.
fn key_rows(table: &mut Table) {
    let n = table.rows.len();
    let mut header: Option<usize> = None;
    for i in 0..n {
        let row = &table.rows[i];
        let texty = row
            .cells
            .iter()
            .filter(|c| !c.key.is_empty())
            .all(|c| c.number.is_none());
        let filled = row.cells.iter().filter(|c| !c.key.is_empty()).count();
        // A header is followed by a row of the same width that is not
        // itself a full row of labels (then this row is key–value pairs).
        let next_fits = table.rows.get(i + 1).is_some_and(|r| {
            let full_texty = r
                .cells
                .iter()
                .all(|c| !c.key.is_empty() && c.number.is_none());
            r.cells.len() == row.cells.len() && !full_texty
        });
        if texty && filled >= 3 && next_fits {
            table.rows[i].kind = RowKind::Header;
            header = Some(i);
            continue;
        }
        let keyed_by = header.filter(|&h| table.rows[h].cells.len() == table.rows[i].cells.len());
        if let Some(h) = keyed_by {
            let keys: Vec<String> = table.rows[h].cells.iter().map(|c| c.key.clone()).collect();
            let row = &mut table.rows[i];
            row.kind = RowKind::Data;
            row.header = Some(h);
            for (cell, key) in row.cells.iter_mut().zip(keys) {
                if !key.is_empty() {
                    cell.column = Some(key);
                }
            }
            // The row label: the first non-empty, non-numeric cell.
            if let Some(c) = row
                .cells
                .iter()
                .find(|c| !c.key.is_empty() && c.number.is_none())
            {
                row.label = Some(c.key.clone());
                row.label_span = Some(c.span);
            }
        } else {
            // Key–value pairs: label, value, label, value …
            header = None;
            let row = &mut table.rows[i];
            row.kind = RowKind::KeyValue;
            let mut k = 0;
            while k + 1 < row.cells.len() {
                let key = row.cells[k].key.clone();
                if !key.is_empty() && row.cells[k].number.is_none() {
                    row.cells[k + 1].column = Some(key);
                }
                k += 2;
            }
            if let Some(c) = row.cells.first().filter(|c| !c.key.is_empty()) {
                row.label = Some(c.key.clone());
                row.label_span = Some(c.span);
            }
        }
    }
}

/// A data row with no text cell (`\t\t51.34\t50.7…` under the header
/// `项目资金（万元） | 年度总金额 | …`) is the row of the column in which its
/// sibling rows carry their labels: it takes that column's header.
fn label_bare_rows(table: &mut Table) {
    for i in 0..table.rows.len() {
        if table.rows[i].kind != RowKind::Data || table.rows[i].label.is_some() {
            continue;
        }
        let Some(h) = table.rows[i].header else {
            continue;
        };
        let label_col = table.rows.iter().find_map(|r| {
            (r.header == Some(h) && r.label.is_some())
                .then(|| {
                    r.cells
                        .iter()
                        .position(|c| Some(&c.key) == r.label.as_ref())
                })
                .flatten()
        });
        if let Some(col) = label_col {
            if let Some(head) = table.rows[h].cells.get(col) {
                let (key, span) = (head.key.clone(), head.span);
                table.rows[i].label = Some(key);
                table.rows[i].label_span = Some(span);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::text::lines;

    const TEXT: &str = "项目支出绩效自评表\n\t项目名称\n\t示例项目\n\n\t一级指标\n\t二级\n指标\n\t分值\n\n\t产出指标\n\t数量指标\n\t20\n\n说明：以上为示例。\n";

    #[test]
    fn a_region_runs_from_the_first_tab_line_to_the_last_row() {
        let ls = lines(TEXT);
        let regions = find_regions(TEXT, &ls);
        assert_eq!(regions.len(), 1);
        let r = &regions[0];
        assert_eq!(&TEXT[ls[r.first].span.range()], "\t项目名称");
        assert_eq!(&TEXT[ls[r.last - 1].span.range()], "\t20");
    }

    #[test]
    fn cells_run_on_over_lines_and_blank_lines_end_rows() {
        let ls = lines(TEXT);
        let r = &find_regions(TEXT, &ls)[0];
        let t = parse_region(TEXT, &ls, r, None);
        let cells: Vec<Vec<&str>> = t
            .rows
            .iter()
            .map(|row| row.cells.iter().map(|c| c.key.as_str()).collect())
            .collect();
        assert_eq!(
            cells,
            [
                vec!["项目名称", "示例项目"],
                vec!["一级指标", "二级指标", "分值"],
                vec!["产出指标", "数量指标", "20"],
            ]
        );
        // Spans point at the cell's text (after the TAB), across its lines.
        let run_on = &t.rows[1].cells[1];
        assert!(TEXT[run_on.span.range()].starts_with("二级"));
        assert!(TEXT[run_on.span.range()].ends_with("指标"));
        assert_eq!(
            t.rows[2].cells[2]
                .number
                .as_ref()
                .map(|n| n.written.as_str()),
            Some("20")
        );
    }

    #[test]
    fn text_without_tabs_has_no_region() {
        let t = "一、部门概况\n本部门职能如下。\n\n";
        assert!(find_regions(t, &lines(t)).is_empty());
    }
}
