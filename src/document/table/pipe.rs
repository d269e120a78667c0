//! Pipe rows (`a | b | c |`, FORMS §8 shape 3): a table without a standard
//! kind whose first pipe line is its header.

use super::classify::{is_prose, trimmed_span, UNIT};
use super::{Column, LayoutCell, LayoutRow, LayoutTable};
use crate::document::text::fold_key;
use crate::input::positioned::{parse_num, PositionedLine};
use crate::source::Span;

fn pipe_cells(text: &str, l: &PositionedLine) -> Option<Vec<(String, Span)>> {
    let body = text.get(l.s..l.e)?;
    if body.matches('|').count() < 2 {
        return None;
    }
    let mut out = Vec::new();
    let mut start = 0usize;
    for (bi, ch) in body.char_indices() {
        if ch == '|' {
            out.push((start, bi));
            start = bi + 1;
        }
    }
    out.push((start, body.len()));
    let cells: Vec<(String, Span)> = out
        .into_iter()
        .map(|(a, b)| {
            let piece = &body[a..b];
            let lead = piece.len() - piece.trim_start().len();
            let t = piece.trim();
            (
                t.to_string(),
                Span::new(l.s + a + lead, l.s + a + lead + t.len()),
            )
        })
        .collect();
    // drop empty edge cells produced by leading/trailing pipes
    let mut cells = cells;
    if cells.first().is_some_and(|c| c.0.is_empty()) {
        cells.remove(0);
    }
    if cells.last().is_some_and(|c| c.0.is_empty()) {
        cells.pop();
    }
    if cells.len() < 2 {
        None
    } else {
        Some(cells)
    }
}

/// Do pipe rows start within the three lines below line `i` (a title, and
/// perhaps a unit line, over a pipe table)?
pub(super) fn pipe_rows_follow(text: &str, lines: &[PositionedLine], i: usize) -> bool {
    (i + 1..lines.len().min(i + 4)).any(|k| pipe_cells(text, &lines[k]).is_some())
}

/// A line that only gives the unit: `（单位：万元）`, `单位：元`.
fn is_unit_line(l: &PositionedLine) -> bool {
    let n = l.norm.trim_start_matches(['(', '（']);
    n.starts_with("单位") || n.starts_with("金额单位")
}

pub(super) fn pipe_table_at(
    text: &str,
    lines: &[PositionedLine],
    i: usize,
) -> Option<(LayoutTable, usize)> {
    let head = pipe_cells(text, &lines[i])?;
    let mut j = i + 1;
    let mut body: Vec<Vec<(String, Span)>> = Vec::new();
    while j < lines.len() {
        match pipe_cells(text, &lines[j]) {
            Some(c) => body.push(c),
            None => break,
        }
        j += 1;
    }
    if body.is_empty() {
        return None;
    }
    // The title is a line or two above, past a unit line (`（单位：万元）`).
    let title_line = (0..i)
        .rev()
        .take(3)
        .find(|&k| !lines[k].blank() && !is_prose(&lines[k]) && !is_unit_line(&lines[k]));
    let (title, title_span) = match title_line {
        Some(k) => (lines[k].norm.clone(), trimmed_span(text, &lines[k])),
        None => (String::new(), trimmed_span(text, &lines[i])),
    };
    let unit = (i.saturating_sub(2)..j).find_map(|k| {
        let body = text.get(lines[k].s..lines[k].e)?;
        let c = UNIT.captures(body)?;
        let m = c.get(1)?;
        Some((
            m.as_str().replace('萬', "万"),
            Span::new(lines[k].s + m.start(), lines[k].s + m.end()),
        ))
    });
    let ncols = head.len().saturating_sub(1);
    let columns: Vec<Column> = head
        .iter()
        .skip(1)
        .map(|(t, s)| Column {
            header: fold_key(t),
            key: fold_key(t),
            side: None,
            span: Some(*s),
        })
        .collect();
    let rows = body
        .iter()
        .map(|cells| {
            let (lab, ls) = cells[0].clone();
            let mut out: Vec<Option<LayoutCell>> = vec![None; ncols];
            let mut text_cells = Vec::new();
            for (ci, (t, s)) in cells.iter().skip(1).enumerate().take(ncols) {
                let tt = t.trim_end_matches('%');
                match parse_num(tt) {
                    Some((v, d)) => {
                        out[ci] = Some(LayoutCell {
                            text: tt.to_string(),
                            span: Span::new(s.start as usize, s.start as usize + tt.len()),
                            value: v,
                            decimals: d,
                        })
                    }
                    None if !t.is_empty() => text_cells.push((ci, t.clone(), *s)),
                    None => {}
                }
            }
            LayoutRow {
                label: fold_key(&lab),
                label_spans: vec![ls],
                code: None,
                code_span: None,
                cells: out,
                text_cells,
                side: None,
            }
        })
        .collect();
    let last = trimmed_span(text, &lines[j - 1]);
    Some((
        LayoutTable {
            title,
            title_span,
            kind: None,
            unit: unit.as_ref().map(|u| u.0.clone()),
            unit_span: unit.map(|u| u.1),
            columns,
            rows,
            span: Span::new(
                title_span.start.min(trimmed_span(text, &lines[i]).start) as usize,
                last.end as usize,
            ),
            empty_statement: None,
            notes: Vec::new(),
            unplaced_pages: Vec::new(),
            dropped_figure: None,
            order_unknown: false,
        },
        j,
    ))
}

#[cfg(test)]
mod tests {
    use crate::document::table::find_layout_tables;

    #[test]
    fn synthetic_pipe_rows() {
        let text = "绩效自评表\n项目 | 年初预算数 | 全年执行数 | 执行率 |\n总额 | 0.00 | 3.36 | 100.00% |\n其中:财政拨款 | 90 | 89.974 | 99.9% |\n\n正文。\n";
        let ts = find_layout_tables(text);
        assert_eq!(ts.len(), 1);
        let t = &ts[0];
        assert_eq!(t.columns.len(), 3);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.cell("总额", "全年执行数").unwrap().text, "3.36");
        let c = t.cell("其中:财政拨款", "执行率").unwrap();
        assert_eq!(&text[c.span.range()], "99.9");
    }

    /// A titled table with a unit line over pipe rows is read as one pipe
    /// table (not as a space-separated table of whole lines), and a cell of
    /// words (`说明`) stays in its row.
    #[test]
    fn titled_pipe_table_keeps_word_cells() {
        let text = "2025年度项目支出绩效自评表\n（单位：万元）\n项目资金 | 全年预算数 | 全年执行数 | 说明 |\n年度资金总额 | 130.00 | 133.50 | 年中追加维护费 |\n其中：当年财政拨款 | 100.00 | 99.00 | — |\n\n正文。\n";
        let ts = find_layout_tables(text);
        assert_eq!(ts.len(), 1, "{ts:#?}");
        let t = ts[0].clone();
        assert_eq!(t.title, "2025年度项目支出绩效自评表");
        assert_eq!(t.unit.as_deref(), Some("万元"));
        assert_eq!(t.columns.len(), 3);
        let t = crate::document::table::recognize::into_table(t);
        let total = t.row("年度资金总额").unwrap();
        assert_eq!(total.get("全年执行数").unwrap().key, "133.50");
        let note = total.get("说明").unwrap();
        assert_eq!(&text[note.span.range()], "年中追加维护费");
        assert!(note.number.is_none());
        // Cells stay in column order.
        let columns: Vec<_> = total
            .cells
            .iter()
            .map(|c| c.column.clone().unwrap())
            .collect();
        assert_eq!(columns, ["全年预算数", "全年执行数", "说明"]);
    }
}
