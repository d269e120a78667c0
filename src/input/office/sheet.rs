//! Spreadsheets (.xlsx; .xls and .ods through calamine) → each sheet a table
//! laid out in columns of spaces, as `pdftotext -layout` prints a table, so
//! that the table parser recognises the standard 决算/预算 tables, their
//! title, unit line and header rows exactly as in a PDF or its text.
//!
//! * Rows without any value are left out; the sheets follow each other,
//!   separated by blank lines, in workbook order.
//! * A column is as wide as its widest value (in characters, as the layout
//!   parser counts); columns are four spaces apart. A value merged over
//!   several columns is centred over them; a row holding a single value (a
//!   title, a unit line) does not widen its column.
//! * A column holding mostly text (labels, codes) is left-aligned. In the
//!   others, numbers are right-aligned and text (headers) centred, so that
//!   a header and the figures under it share their columns.
//! * A number is printed with the decimals of the cell's number format
//!   (`0.00` → `66.70`, as the author sees it; the rounding rules depend on
//!   the printed decimals), with thousands separators when the format has
//!   them; a zero whose format section prints no figure is blank, or the
//!   dash the format prints; text that is a number (`1,234.56`, full-width
//!   digits) is a number too, printed in ASCII digits.
//! * Hidden sheets are not read: each is named in an info note. A formula
//!   without a cached value (a file written by a program that does not
//!   compute formulas) cannot be read: the cells are named in a note.
//!
//! Memory: an .xlsx sheet is streamed cell by cell (calamine's cell reader),
//! so a sheet of a million empty rows costs nothing; at most
//! `max_sheet_cells` values ([`crate::input::ReadLimits`]) are kept. An .xls or .ods sheet is read through calamine's
//! `worksheet_range`, which allocates the sheet's whole used rectangle: an
//! .xls is at most 65,536 × 256 cells by its format, an .ods is not bounded
//! by calamine beyond the input size limit.

use super::{OfficeError, OfficeText};
use crate::source::{NativeLoc, NativeMap, NativeRegion};
use calamine::{Data, DataRef, Dimensions, Reader, SheetType, SheetVisible, Xlsx};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

/// Spaces between two columns.
const GAP: usize = 4;

/// The formats calamine reads besides .xlsx.
#[derive(Debug, Clone, Copy)]
pub enum Other {
    Xls,
    Ods,
}

/// One value as printed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Val {
    text: String,
    num: bool,
}

/// One sheet's values, by (row, column), and its merged ranges.
#[derive(Debug, Default)]
pub(crate) struct Sheet {
    pub name: String,
    pub cells: BTreeMap<(u32, u32), Val>,
    pub merges: Vec<Dimensions>,
}

/// `C12` of 0-based (row, column).
pub fn address(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col as i64;
    loop {
        letters.push((b'A' + (c % 26) as u8) as char);
        c = c / 26 - 1;
        if c < 0 {
            break;
        }
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), row + 1)
}

fn sheet_error(e: impl std::fmt::Display) -> OfficeError {
    OfficeError::Sheet(e.to_string())
}

/// How a number format prints: decimals, separators, percent, zero.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct NumFormat {
    decimals: Option<usize>,
    thousands: bool,
    percent: bool,
    /// The format's zero section prints no figure (`0.00;-0.00;` shows a
    /// blank, `…;"-"` a dash): what it shows instead.
    zero: Option<Zero>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Zero {
    Blank,
    Dash,
}

/// A format section without quoted text, escapes and [colour]/[condition]
/// brackets, and the quoted or escaped text it prints.
fn section(code: &str) -> (String, String) {
    let mut plain = String::new();
    let mut literal = String::new();
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    for c in code.chars() {
        match c {
            c if escaped => {
                escaped = false;
                literal.push(c);
            }
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            c if quoted => literal.push(c),
            _ if bracket => {}
            c => plain.push(c),
        }
    }
    (plain, literal)
}

/// Read a format code: its first section (`#,##0.00;[Red]-#,##0.00`), and
/// its third (zero) section when it prints no figure.
fn num_format(code: &str) -> NumFormat {
    if code.eq_ignore_ascii_case("general") || code.is_empty() {
        return NumFormat::default();
    }
    let sections: Vec<&str> = code.split(';').collect();
    let (plain, _) = section(sections[0]);
    if !plain.contains(['0', '#', '?']) {
        return NumFormat::default();
    }
    let zero = sections.get(2).and_then(|z| {
        let (p, lit) = section(z);
        // `?` pads with spaces: a zero section of only `?` shows no digit.
        (!p.contains(['0', '#'])).then(|| {
            if lit.contains(['-', '－', '—']) || p.contains('-') {
                Zero::Dash
            } else {
                Zero::Blank
            }
        })
    });
    let decimals = plain
        .split_once('.')
        .map(|(_, f)| {
            f.chars()
                .take_while(|c| matches!(c, '0' | '#' | '?'))
                .count()
        })
        .unwrap_or(0);
    NumFormat {
        decimals: Some(decimals),
        thousands: plain.contains(','),
        percent: plain.contains('%'),
        zero,
    }
}

/// A number cell as its format shows it: a figure, a dash, or nothing.
fn number_val(v: f64, f: NumFormat) -> Option<Val> {
    match f.zero {
        Some(Zero::Blank) if v == 0.0 => None,
        Some(Zero::Dash) if v == 0.0 => Some(Val {
            text: "-".into(),
            num: false,
        }),
        _ => Some(Val {
            text: print_number(v, f),
            num: true,
        }),
    }
}

/// A float as the format prints it; without a format, its shortest form
/// without binary noise (0.30000000000000004 → 0.3).
fn print_number(v: f64, f: NumFormat) -> String {
    let v = if f.percent { v * 100.0 } else { v };
    let mut s = match f.decimals {
        Some(d) => format!("{v:.d$}"),
        None => {
            let s = format!("{v}");
            if s.len() > 15 && !s.contains('e') {
                let t = format!("{v:.10}");
                t.trim_end_matches('0').trim_end_matches('.').to_owned()
            } else {
                s
            }
        }
    };
    if f.thousands {
        s = group_thousands(&s);
    }
    if f.percent {
        s.push('%');
    }
    s
}

fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// Text that is a number (`1,234.56`, `３０８．９７`, `－0.5`), in ASCII.
fn numeric_text(s: &str) -> Option<String> {
    let t: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '，' => ',',
            '－' | '−' => '-',
            c => c,
        })
        .collect();
    crate::input::positioned::parse_num(&t).map(|_| t)
}

pub(crate) fn text_val(s: &str) -> Option<Val> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    Some(match numeric_text(s) {
        Some(n) => Val { text: n, num: true },
        None => Val {
            // One line per cell: a line break inside a cell is a space.
            text: s.split_whitespace().collect::<Vec<_>>().join(" "),
            num: false,
        },
    })
}

fn data_ref_val(v: &DataRef<'_>, f: NumFormat) -> Option<Val> {
    match v {
        DataRef::Empty => None,
        DataRef::Int(i) => number_val(*i as f64, f),
        DataRef::Float(x) => number_val(*x, f),
        DataRef::String(s) => text_val(s),
        DataRef::SharedString(s) => text_val(s),
        DataRef::Bool(b) => text_val(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(d) => text_val(&d.to_string()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text_val(s),
        DataRef::Error(e) => text_val(&e.to_string()),
    }
}

fn data_val(v: &Data) -> Option<Val> {
    match v {
        Data::Empty => None,
        Data::Int(i) => Some(Val {
            text: i.to_string(),
            num: true,
        }),
        Data::Float(x) => Some(Val {
            text: print_number(*x, NumFormat::default()),
            num: true,
        }),
        Data::String(s) => text_val(s),
        Data::Bool(b) => text_val(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(d) => text_val(&d.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => text_val(s),
        Data::Error(e) => text_val(&e.to_string()),
    }
}

/// Cells shown in a note: the first twenty.
fn cell_list(cells: &[(u32, u32)]) -> String {
    let shown: Vec<String> = cells.iter().take(20).map(|&(r, c)| address(r, c)).collect();
    let more = if cells.len() > 20 {
        format!(" 等 {} 个", cells.len())
    } else {
        String::new()
    };
    format!("{}{more}", shown.join("、"))
}

/// The worksheets to read; each hidden one gets a note instead.
fn visible_worksheets(metas: &[calamine::Sheet], notes: &mut Vec<String>) -> Vec<calamine::Sheet> {
    metas
        .iter()
        .filter(|m| m.typ == SheetType::WorkSheet)
        .filter(|m| {
            let shown = m.visible == SheetVisible::Visible;
            if !shown {
                notes.push(format!(
                    "工作表“{}”是隐藏的，未读取；如其中有应公开的表格，请取消隐藏",
                    m.name
                ));
            }
            shown
        })
        .cloned()
        .collect()
}

/// Read an .xlsx workbook.
pub fn read_xlsx(bytes: &[u8], max_cells: usize) -> Result<OfficeText, OfficeError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(sheet_error)?;
    let mut notes = Vec::new();
    let metas = visible_worksheets(wb.sheets_metadata(), &mut notes);
    let mut sheets = Vec::new();
    let mut total = 0usize;
    for meta in metas {
        let mut sheet = Sheet {
            name: meta.name.clone(),
            ..Sheet::default()
        };
        // Values, with the decimals of their number formats.
        {
            let mut r = wb.worksheet_cells_reader(&meta.name).map_err(sheet_error)?;
            let formats: Vec<NumFormat> = r
                .styles()
                .iter()
                .map(|s| {
                    s.number_format
                        .as_ref()
                        .map(|f| num_format(&f.format_code))
                        .unwrap_or_default()
                })
                .collect();
            while let Some((cell, style)) = r.next_cell_with_style_id().map_err(sheet_error)? {
                let f = formats.get(style).copied().unwrap_or_default();
                if let Some(v) = data_ref_val(cell.get_value(), f) {
                    total += 1;
                    if total > max_cells {
                        return Err(OfficeError::Sheet(format!(
                            "单元格超过 {max_cells} 个，不像公开说明的表格（上限可在 gouji.toml 的 [limits] 中用 max_sheet_cells 调整）"
                        )));
                    }
                    let (row, col) = cell.get_position();
                    sheet.cells.insert((row, col), v);
                }
            }
        }
        // Formulas whose result was never stored.
        {
            let mut r = wb.worksheet_cells_reader(&meta.name).map_err(sheet_error)?;
            let mut uncached = Vec::new();
            while let Some(f) = r.next_formula().map_err(sheet_error)? {
                let pos = f.get_position();
                if !f.get_value().is_empty() && !sheet.cells.contains_key(&pos) {
                    uncached.push(pos);
                }
            }
            uncached_note(&meta.name, &uncached, &mut notes);
        }
        sheet.merges = wb.merge_cells_by_sheet_name(&meta.name).unwrap_or_default();
        sheets.push(sheet);
    }
    finish(sheets, notes)
}

/// Read an .xls or .ods workbook.
pub fn read_other(bytes: &[u8], kind: Other, max_cells: usize) -> Result<OfficeText, OfficeError> {
    let cursor = Cursor::new(bytes);
    let mut wb = match kind {
        Other::Xls => calamine::Sheets::Xls(calamine::open_workbook_from_rs(cursor).map_err(
            |e: calamine::XlsError| match e {
                calamine::XlsError::Password => OfficeError::Encrypted,
                e => sheet_error(e),
            },
        )?),
        Other::Ods => calamine::Sheets::Ods(
            calamine::open_workbook_from_rs(cursor)
                .map_err(|e: calamine::OdsError| sheet_error(e))?,
        ),
    };
    let mut notes = Vec::new();
    let metas = visible_worksheets(wb.sheets_metadata(), &mut notes);
    let mut sheets = Vec::new();
    let mut total = 0usize;
    for meta in metas {
        let range = wb.worksheet_range(&meta.name).map_err(sheet_error)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut sheet = Sheet {
            name: meta.name.clone(),
            ..Sheet::default()
        };
        let mut floats = Vec::new();
        for (r, c, v) in range.used_cells() {
            if let Some(val) = data_val(v) {
                total += 1;
                if total > max_cells {
                    return Err(OfficeError::Sheet(format!(
                        "单元格超过 {max_cells} 个，不像公开说明的表格（上限可在 gouji.toml 的 [limits] 中用 max_sheet_cells 调整）"
                    )));
                }
                let at = (r0 + r as u32, c0 + c as u32);
                if let Data::Float(x) = v {
                    floats.push((at, *x));
                }
                sheet.cells.insert(at, val);
            }
        }
        pad_to_column_decimals(&mut sheet, &floats);
        // Formulas whose result was never stored (a file written by a
        // program that does not compute them): their cells read as empty.
        if let Ok(formulas) = wb.worksheet_formula(&meta.name) {
            let (f0, g0) = formulas.start().unwrap_or((0, 0));
            let uncached: Vec<(u32, u32)> = formulas
                .used_cells()
                .map(|(r, c, _)| (f0 + r as u32, g0 + c as u32))
                // A stored result that reads as nothing (an empty string
                // from `=IF(…,"",…)`) is a result all the same.
                .filter(|&pos| matches!(range.get_value(pos), None | Some(calamine::Data::Empty)))
                .collect();
            uncached_note(&meta.name, &uncached, &mut notes);
        }
        if let calamine::Sheets::Xls(x) = &wb {
            sheet.merges = x.merge_cells_by_sheet_name(&meta.name).unwrap_or_default();
        }
        sheets.push(sheet);
    }
    finish(sheets, notes)
}

/// An .xls or .ods number comes without its format (calamine tells an .xls
/// format only as a date or not; an .ods cell's value is read, not its
/// shown text), so it prints in its shortest form: `150` where the sheet
/// shows `150.00`. Printed so, a column of figures loses the width and the
/// look the table reader goes by: `150` beside a code `302` reads as two
/// codes or two figures. So each figure gets the decimals of its column's
/// figure with the most; in a column of whole numbers only, the most of
/// the sheet's figures, unless it is a column of codes, ordinals or years:
/// every value a 3-, 5- or 7-digit number (classification codes stored as
/// numbers), or a header above naming one (编码, 行次, 序号, 年份, …). A
/// row of column numbers (栏次 1, 2, 3) keeps its numbers too. Only
/// trailing zeros are added (at most 6 places): the value is the same,
/// exact as stored.
fn pad_to_column_decimals(sheet: &mut Sheet, floats: &[((u32, u32), f64)]) {
    /// What the figures of one column are like.
    struct Column {
        /// The most decimals of its figures.
        most: usize,
        /// Codes, ordinals or years, not amounts.
        not_amounts: bool,
        /// The row of its first figure.
        first_row: u32,
    }
    const NOT_AMOUNTS: [&str; 8] = [
        "编码", "代码", "编号", "序号", "行次", "栏次", "项次", "年份",
    ];
    // The decimals a figure printed with (its shortest form, `data_val`).
    let decimals = |at: &(u32, u32)| {
        let t = &sheet.cells.get(at)?.text;
        (!t.contains('e')).then(|| t.split_once('.').map_or(0, |(_, d)| d.len()))
    };
    let code_like =
        |x: f64| x > 0.0 && x.fract() == 0.0 && [3, 5, 7].contains(&format!("{x}").len());
    let mut columns: BTreeMap<u32, Column> = BTreeMap::new();
    for &(at @ (r, c), x) in floats {
        let col = columns.entry(c).or_insert(Column {
            most: 0,
            not_amounts: true,
            first_row: r,
        });
        if let Some(d) = decimals(&at).filter(|&d| d <= 6) {
            col.most = col.most.max(d);
        }
        col.not_amounts &= code_like(x);
        col.first_row = col.first_row.min(r);
    }
    // A header above a column's figures that names codes or ordinals.
    for (&(r, c), v) in &sheet.cells {
        if let Some(col) = columns.get_mut(&c) {
            if !v.num && r < col.first_row && NOT_AMOUNTS.iter().any(|w| v.text.contains(w)) {
                col.not_amounts = true;
            }
        }
    }
    // A row of column numbers (`栏次 | 1 | 2 | 3`) under the header.
    let ordinal_rows: BTreeSet<u32> = sheet
        .cells
        .iter()
        .filter(|(_, v)| !v.num && ["栏次", "行次"].contains(&v.text.as_str()))
        .map(|(&(r, _), _)| r)
        .collect();
    let sheet_most = columns.values().map(|c| c.most).max().unwrap_or(0);
    let mut padded = Vec::new();
    for &(at, x) in floats {
        if ordinal_rows.contains(&at.0) {
            continue;
        }
        let (Some(d), Some(col)) = (decimals(&at), columns.get(&at.1)) else {
            continue;
        };
        let want = match col.most {
            0 if col.not_amounts => 0,
            0 => sheet_most,
            m => m,
        };
        if d < want {
            let f = NumFormat {
                decimals: Some(want),
                ..NumFormat::default()
            };
            padded.push((at, print_number(x, f)));
        }
    }
    for (at, text) in padded {
        if let Some(v) = sheet.cells.get_mut(&at) {
            v.text = text;
        }
    }
}

/// The note naming a sheet's formula cells that have no stored result.
fn uncached_note(sheet: &str, cells: &[(u32, u32)], notes: &mut Vec<String>) {
    if cells.is_empty() {
        return;
    }
    notes.push(format!(
        "工作表“{sheet}”中 {} 个公式单元格没有保存计算结果（{}），无法读出；请在 Excel 或 WPS 中打开、重新计算并保存后再检查",
        cells.len(),
        cell_list(cells)
    ));
}

fn finish(sheets: Vec<Sheet>, notes: Vec<String>) -> Result<OfficeText, OfficeError> {
    let mut text = String::new();
    let mut regions = Vec::new();
    for s in &sheets {
        if s.cells.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        render_sheet(s, &mut text, &mut regions, &|r, c| {
            NativeLoc::cell(&s.name, address(r, c))
        });
    }
    if text.trim().is_empty() {
        let why = if notes.is_empty() {
            "所有工作表都是空的".to_owned()
        } else {
            notes.join("；")
        };
        return Err(OfficeError::EmptyWorkbook(why));
    }
    Ok(OfficeText {
        text,
        native: NativeMap {
            regions,
            notes,
            ..NativeMap::default()
        },
    })
}

/// Lay one sheet (or a Word table read as one) out as text; `loc` names
/// the place of the value at (row, column).
pub(crate) fn render_sheet(
    s: &Sheet,
    out: &mut String,
    regions: &mut Vec<NativeRegion>,
    loc: &dyn Fn(u32, u32) -> NativeLoc,
) {
    // Columns that hold a value, in order: empty columns take no room.
    let used: BTreeSet<u32> = s.cells.keys().map(|&(_, c)| c).collect();
    let index: BTreeMap<u32, usize> = used.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let n = used.len();
    // The used columns a value spans: its merge, if it starts one.
    let span_of = |row: u32, col: u32| -> (usize, usize) {
        let first = index[&col];
        let last = s
            .merges
            .iter()
            .find(|m| m.start == (row, col))
            .map(|m| {
                used.range(col..=m.end.1.max(col))
                    .next_back()
                    .map_or(first, |c| index[c])
            })
            .unwrap_or(first);
        (first, last.max(first))
    };
    let mut rows: BTreeMap<u32, Vec<(u32, &Val)>> = BTreeMap::new();
    for (&(r, c), v) in &s.cells {
        rows.entry(r).or_default().push((c, v));
    }
    // Widths from the values of rows with more than one value.
    let width = |v: &Val| v.text.chars().count();
    let mut widths = vec![1usize; n];
    let mut spanning = Vec::new();
    let mut texty = vec![(0usize, 0usize); n];
    for (&r, vals) in &rows {
        for &(c, v) in vals {
            let (a, b) = span_of(r, c);
            if a == b {
                let t = &mut texty[a];
                if v.num {
                    t.1 += 1;
                } else {
                    t.0 += 1;
                }
            }
            if vals.len() < 2 {
                continue;
            }
            if a == b {
                widths[a] = widths[a].max(width(v));
            } else {
                spanning.push((a, b, width(v)));
            }
        }
    }
    for (a, b, w) in spanning {
        let have: usize = widths[a..=b].iter().sum::<usize>() + GAP * (b - a);
        if have < w {
            widths[b] += w - have;
        }
    }
    let label_col: Vec<bool> = texty
        .iter()
        .enumerate()
        .map(|(i, &(t, k))| i == 0 || t > k)
        .collect();
    let mut x = Vec::with_capacity(n);
    let mut at = 0usize;
    for w in &widths {
        x.push(at);
        at += w + GAP;
    }
    for (&r, vals) in &rows {
        let mut line = String::new();
        let mut col = 0usize; // characters written
        for &(c, v) in vals {
            let (a, b) = span_of(r, c);
            let (left, right) = (x[a], x[b] + widths[b]);
            let w = width(v);
            let room = right.saturating_sub(left);
            let start = if a != b {
                left + room.saturating_sub(w) / 2
            } else if label_col[a] {
                left
            } else if v.num {
                left + room.saturating_sub(w)
            } else {
                left + room.saturating_sub(w) / 2
            };
            // Never glued to the value before it.
            let start = if col == 0 { start } else { start.max(col + 2) };
            line.extend(std::iter::repeat_n(' ', start - col));
            let s0 = out.len() + line.len();
            line.push_str(&v.text);
            regions.push(NativeRegion {
                start: s0 as u32,
                end: (s0 + v.text.len()) as u32,
                loc: loc(r, c),
            });
            col = start + w;
        }
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(address(0, 0), "A1");
        assert_eq!(address(11, 2), "C12");
        assert_eq!(address(0, 25), "Z1");
        assert_eq!(address(0, 26), "AA1");
        assert_eq!(address(4, 701), "ZZ5");
        assert_eq!(address(0, 702), "AAA1");
    }

    #[test]
    fn number_formats_give_the_printed_figure() {
        let f = num_format("0.00");
        assert_eq!(print_number(66.7, f), "66.70");
        assert_eq!(print_number(1234.5, num_format("#,##0.00")), "1,234.50");
        assert_eq!(
            print_number(-1234567.0, num_format("#,##0;[Red]-#,##0")),
            "-1,234,567"
        );
        assert_eq!(print_number(0.9746, num_format("0.00%")), "97.46%");
        assert_eq!(print_number(308.97, num_format("General")), "308.97");
        assert_eq!(print_number(0.1 + 0.2, NumFormat::default()), "0.3");
        assert_eq!(num_format(r##""¥"#,##0.00"##).decimals, Some(2));
        // A zero section without a figure: blank, or the dash it prints.
        let f = num_format(r#"#,##0.00;-#,##0.00;"""#);
        assert_eq!(number_val(0.0, f), None);
        assert_eq!(number_val(7.5, f).unwrap().text, "7.50");
        let f = num_format(r#"_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_ "#);
        assert_eq!(
            number_val(0.0, f),
            Some(Val {
                text: "-".into(),
                num: false,
            })
        );
        assert_eq!(number_val(-3.0, f).unwrap().text, "-3.00");
        assert_eq!(number_val(0.0, num_format("0.00")).unwrap().text, "0.00");
    }

    /// Figures without a format get their column's decimals, or in a
    /// column of whole numbers the sheet's; codes and ordinals keep theirs.
    #[test]
    fn figures_without_a_format_get_their_columns_decimals() {
        let mut sheet = Sheet::default();
        let mut floats = Vec::new();
        let mut put = |r: u32, c: u32, x: Option<f64>, text: &str| {
            if let Some(x) = x {
                floats.push(((r, c), x));
            }
            let v = x.map_or_else(|| text_val(text), data_val_of);
            sheet.cells.insert((r, c), v.unwrap());
        };
        put(0, 0, None, "行次");
        put(0, 1, None, "科目编码");
        put(0, 3, None, "决算数");
        put(0, 4, None, "预算数");
        for (r, (n, code, amount, budget)) in [(1.0, 301.0, 150.0, 42.18), (2.0, 30101.0, 0.0, 2.5)]
            .into_iter()
            .enumerate()
        {
            let r = r as u32 + 1;
            put(r, 0, Some(n), "");
            put(r, 1, Some(code), "");
            put(r, 3, Some(amount), "");
            put(r, 4, Some(budget), "");
        }
        put(3, 0, None, "栏次");
        put(3, 3, Some(1.0), "");
        put(3, 4, Some(2.0), "");
        pad_to_column_decimals(&mut sheet, &floats);
        let text = |r: u32, c: u32| sheet.cells[&(r, c)].text.clone();
        assert_eq!(
            [text(3, 3), text(3, 4)],
            ["1", "2"],
            "column numbers as they are"
        );
        assert_eq!([text(1, 0), text(2, 0)], ["1", "2"], "ordinals as they are");
        assert_eq!(
            [text(1, 1), text(2, 1)],
            ["301", "30101"],
            "codes as they are"
        );
        assert_eq!(
            [text(1, 3), text(2, 3)],
            ["150.00", "0.00"],
            "the sheet's decimals"
        );
        assert_eq!(
            [text(1, 4), text(2, 4)],
            ["42.18", "2.50"],
            "the column's decimals"
        );
    }

    fn data_val_of(x: f64) -> Option<Val> {
        data_val(&Data::Float(x))
    }

    #[test]
    fn numbers_stored_as_text_are_numbers() {
        assert_eq!(numeric_text("1,234.56").as_deref(), Some("1,234.56"));
        assert_eq!(numeric_text(" ３０８．９７ ").as_deref(), Some("308.97"));
        assert_eq!(numeric_text("－0.5").as_deref(), Some("-0.5"));
        assert_eq!(numeric_text("201"), Some("201".into()));
        assert_eq!(numeric_text("一般公共服务支出"), None);
        assert_eq!(numeric_text("12.5万元"), None);
    }

    #[test]
    fn a_sheet_is_laid_out_in_columns() {
        let mut s = Sheet {
            name: "表1".into(),
            ..Sheet::default()
        };
        let mut put = |r, c, t: &str| {
            s.cells.insert((r, c), text_val(t).unwrap());
        };
        put(0, 0, "收入支出决算总表");
        put(1, 3, "单位：万元");
        put(2, 0, "项目");
        put(2, 2, "决算数");
        put(3, 0, "一、一般公共预算财政拨款收入");
        put(3, 2, "300.00");
        put(4, 0, "本年收入合计");
        put(4, 2, "307.82");
        put(1_000_000, 3, "末行");
        s.merges.push(Dimensions {
            start: (0, 0),
            end: (0, 3),
        });
        let mut out = String::new();
        let mut regions = Vec::new();
        render_sheet(&s, &mut out, &mut regions, &|r, c| {
            NativeLoc::cell("表1", address(r, c))
        });
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 6, "{out}");
        assert_eq!(lines[3], "一、一般公共预算财政拨款收入    300.00");
        // The header centred over its column, the figures right-aligned.
        assert_eq!(lines[2], format!("项目{}决算数", " ".repeat(17)));
        assert!(lines[0].trim() == "收入支出决算总表" && lines[0].starts_with("  "));
        let at = out.find("307.82").unwrap() as u32;
        let r = regions.iter().find(|r| r.start == at).unwrap();
        assert_eq!(r.loc.to_string(), "表1!C5");
        assert_eq!(regions.last().unwrap().loc.to_string(), "表1!D1000001");
    }
}
