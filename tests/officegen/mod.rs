//! Writers of the Word and Excel fixtures of `tests/office.rs` and
//! `tests/office_cli.rs`: every fixture is generated here, at test time,
//! from the content of a committed text report (the seed's Word-export
//! text, `fixtures/tables/final_*.txt`), so no binary fixture is kept and
//! each test says what the file holds.
//!
//! * [`docx`] writes a minimal WordprocessingML package from [`Block`]s:
//!   paragraphs (optionally auto-numbered), tables (with `gridSpan` and
//!   `vMerge`), text boxes (DrawingML with a VML fallback, as Word writes
//!   them, or VML only, as WPS does).
//! * [`word_text_blocks`] turns Word-export text (TAB tables) into blocks.
//! * Spreadsheets are written with `rust_xlsxwriter` in the tests.
#![allow(dead_code)]

use std::io::Write;

mod xls;
pub use xls::xls;

/// One block of a Word body.
#[derive(Debug, Clone)]
pub enum Block {
    Para(String),
    /// A paragraph numbered by list `num_id` at level `ilvl`; `text` is what
    /// follows the number.
    Numbered {
        num_id: u32,
        ilvl: u32,
        text: String,
    },
    /// A paragraph in paragraph style `style` (an id of [`styles`]: `Heading1`,
    /// `Heading2`, `ChapterTitle` based on `Heading1`), with its own
    /// outline level `outline` when given.
    Styled {
        style: Option<&'static str>,
        outline: Option<u32>,
        text: String,
    },
    /// A paragraph anchoring a text box: (anchor text, box paragraphs).
    WithBox(String, Vec<String>),
    Table(Vec<Vec<Cell>>),
}

#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub paras: Vec<String>,
    pub span: u32,
    /// `Some(true)`: a vertical merge starts here; `Some(false)`: continues.
    pub vmerge: Option<bool>,
}

/// How the package is written.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// The prefix bound to the WordprocessingML namespace.
    pub prefix: &'static str,
    /// The main part's name.
    pub main: &'static str,
    /// WPS habits: `docProps/app.xml` naming WPS Office, the
    /// `wpsCustomData` namespace, runs cut into pieces, text boxes in VML
    /// only.
    pub wps: bool,
}

pub const WORD: Style = Style {
    prefix: "w",
    main: "word/document.xml",
    wps: false,
};

pub const WPS: Style = Style {
    prefix: "w",
    main: "word/document.xml",
    wps: true,
};

pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn runs(p: &str, text: &str, style: Style) -> String {
    if text.is_empty() {
        return String::new();
    }
    if !style.wps {
        return format!(
            r#"<{p}:r><{p}:t xml:space="preserve">{}</{p}:t></{p}:r>"#,
            esc(text)
        );
    }
    // WPS cuts text into many runs, each with its own properties.
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(7)
        .map(|c| {
            let s: String = c.iter().collect();
            format!(
                r#"<{p}:r><{p}:rPr><{p}:rFonts {p}:hint="eastAsia"/><{p}:lang {p}:val="en-US" {p}:eastAsia="zh-CN"/></{p}:rPr><{p}:t xml:space="preserve">{}</{p}:t></{p}:r>"#,
                esc(&s)
            )
        })
        .collect()
}

fn para(p: &str, text: &str, style: Style) -> String {
    // A bookmark, as Word leaves `_GoBack` behind: no text.
    if let Some(rest) = text.strip_prefix("[bookmark: _GoBack]") {
        return format!(
            r#"<{p}:p><{p}:bookmarkStart {p}:id="0" {p}:name="_GoBack"/><{p}:bookmarkEnd {p}:id="0"/>{}</{p}:p>"#,
            runs(p, rest, style)
        );
    }
    format!("<{p}:p>{}</{p}:p>", runs(p, text, style))
}

fn text_box(p: &str, paras: &[String], style: Style) -> String {
    let inner: String = paras.iter().map(|t| para(p, t, style)).collect();
    let content = format!("<{p}:txbxContent>{inner}</{p}:txbxContent>");
    let vml = format!(
        r#"<{p}:pict><v:shape id="tb1" style="width:200pt;height:40pt"><v:textbox>{content}</v:textbox></v:shape></{p}:pict>"#
    );
    if style.wps {
        return format!("<{p}:r>{vml}</{p}:r>");
    }
    format!(
        r#"<{p}:r><mc:AlternateContent><mc:Choice Requires="wps"><{p}:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></{p}:drawing></mc:Choice><mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></{p}:r>"#
    )
}

fn table(p: &str, rows: &[Vec<Cell>], style: Style) -> String {
    let width = rows
        .iter()
        .map(|r| r.iter().map(|c| c.span.max(1)).sum::<u32>())
        .max()
        .unwrap_or(1);
    let grid: String = (0..width)
        .map(|_| format!(r#"<{p}:gridCol {p}:w="900"/>"#))
        .collect();
    let mut out = format!(
        r#"<{p}:tbl><{p}:tblPr><{p}:tblStyle {p}:val="TableGrid"/></{p}:tblPr><{p}:tblGrid>{grid}</{p}:tblGrid>"#
    );
    for row in rows {
        out.push_str(&format!("<{p}:tr>"));
        for c in row {
            let mut pr = String::new();
            if c.span > 1 {
                pr.push_str(&format!(r#"<{p}:gridSpan {p}:val="{}"/>"#, c.span));
            }
            match c.vmerge {
                Some(true) => pr.push_str(&format!(r#"<{p}:vMerge {p}:val="restart"/>"#)),
                Some(false) => pr.push_str(&format!("<{p}:vMerge/>")),
                None => {}
            }
            let paras: String = if c.paras.is_empty() {
                format!("<{p}:p/>")
            } else {
                c.paras.iter().map(|t| para(p, t, style)).collect()
            };
            out.push_str(&format!(
                "<{p}:tc><{p}:tcPr>{pr}</{p}:tcPr>{paras}</{p}:tc>"
            ));
        }
        out.push_str(&format!("</{p}:tr>"));
    }
    out.push_str(&format!("</{p}:tbl>"));
    out
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Numbering: list 1 is the heading outline `一、` / `（一）` / `1.`.
/// Paragraph styles as Word writes its built-in headings: `Heading1` at
/// outline level 0, `Heading2` at 1, and `ChapterTitle` based on `Heading1`.
fn styles(p: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{p}:styles xmlns:{p}="{W_NS}"><{p}:style {p}:type="paragraph" {p}:default="1" {p}:styleId="Normal"><{p}:name {p}:val="Normal"/></{p}:style><{p}:style {p}:type="paragraph" {p}:styleId="Heading1"><{p}:name {p}:val="heading 1"/><{p}:basedOn {p}:val="Normal"/><{p}:pPr><{p}:keepNext/><{p}:outlineLvl {p}:val="0"/></{p}:pPr></{p}:style><{p}:style {p}:type="paragraph" {p}:styleId="Heading2"><{p}:name {p}:val="heading 2"/><{p}:basedOn {p}:val="Normal"/><{p}:pPr><{p}:outlineLvl {p}:val="1"/></{p}:pPr></{p}:style><{p}:style {p}:type="paragraph" {p}:styleId="ChapterTitle"><{p}:name {p}:val="Chapter Title"/><{p}:basedOn {p}:val="Heading1"/><{p}:pPr><{p}:jc {p}:val="center"/></{p}:pPr></{p}:style></{p}:styles>"#
    )
}

fn numbering(p: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{p}:numbering xmlns:{p}="{W_NS}"><{p}:abstractNum {p}:abstractNumId="0">
<{p}:lvl {p}:ilvl="0"><{p}:start {p}:val="1"/><{p}:numFmt {p}:val="chineseCounting"/><{p}:lvlText {p}:val="%1、"/><{p}:suff {p}:val="nothing"/></{p}:lvl>
<{p}:lvl {p}:ilvl="1"><{p}:start {p}:val="1"/><{p}:numFmt {p}:val="chineseCounting"/><{p}:lvlText {p}:val="（%2）"/><{p}:suff {p}:val="nothing"/></{p}:lvl>
<{p}:lvl {p}:ilvl="2"><{p}:start {p}:val="1"/><{p}:numFmt {p}:val="decimal"/><{p}:lvlText {p}:val="%3."/><{p}:suff {p}:val="nothing"/></{p}:lvl>
</{p}:abstractNum><{p}:num {p}:numId="1"><{p}:abstractNumId {p}:val="0"/></{p}:num></{p}:numbering>"#
    )
}

/// A .docx of `blocks`.
pub fn docx(blocks: &[Block], style: Style) -> Vec<u8> {
    zip_parts(&docx_parts(blocks, style))
}

/// The parts of a .docx of `blocks`: (name, content).
pub fn docx_parts(blocks: &[Block], style: Style) -> Vec<(String, String)> {
    let p = style.prefix;
    let mut body = String::new();
    for b in blocks {
        match b {
            Block::Para(t) => body.push_str(&para(p, t, style)),
            Block::Numbered { num_id, ilvl, text } => body.push_str(&format!(
                r#"<{p}:p><{p}:pPr><{p}:numPr><{p}:ilvl {p}:val="{ilvl}"/><{p}:numId {p}:val="{num_id}"/></{p}:numPr></{p}:pPr>{}</{p}:p>"#,
                runs(p, text, style)
            )),
            Block::Styled {
                style: para_style,
                outline,
                text,
            } => {
                let para_style =
                    para_style.map_or(String::new(), |s| format!(r#"<{p}:pStyle {p}:val="{s}"/>"#));
                let outline =
                    outline.map_or(String::new(), |l| format!(r#"<{p}:outlineLvl {p}:val="{l}"/>"#));
                body.push_str(&format!(
                    r#"<{p}:p><{p}:pPr>{para_style}{outline}</{p}:pPr>{}</{p}:p>"#,
                    runs(p, text, style)
                ))
            }
            Block::WithBox(t, boxed) => body.push_str(&format!(
                "<{p}:p>{}{}</{p}:p>",
                runs(p, t, style),
                text_box(p, boxed, style)
            )),
            Block::Table(rows) => body.push_str(&table(p, rows, style)),
        }
    }
    let wps_ns = if style.wps {
        r#" xmlns:wpsCustomData="http://www.wps.cn/officeDocument/2013/wpsCustomData""#
    } else {
        ""
    };
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{p}:document xmlns:{p}="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"{wps_ns} mc:Ignorable="wps"><{p}:body>{body}<{p}:sectPr/></{p}:body></{p}:document>"#
    );
    let app = if style.wps {
        "WPS Office_12.1.0.16120_F1E327BC-269C-435d-A152-05C5408002CA"
    } else {
        "Microsoft Office Word"
    };
    let main = style.main;
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let parts: Vec<(String, String)> = vec![
        (
            "[Content_Types].xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/{main}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/{dir}/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/{dir}/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#
            ),
        ),
        (
            "_rels/.rels".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{main}"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#
            ),
        ),
        (
            "docProps/app.xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>{app}</Application></Properties>"#
            ),
        ),
        (format!("{dir}/numbering.xml"), numbering(p)),
        (format!("{dir}/styles.xml"), styles(p)),
        (main.into(), document),
    ];
    parts
}

/// A zip of (name, content) parts, deflated.
pub fn zip_parts(parts: &[(String, String)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in parts {
            z.start_file(name.as_str(), opts).unwrap();
            z.write_all(content.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// Word-export text (the seed's shape) → blocks: a TAB line opens a table
/// cell, the lines after it continue the cell, a blank line ends a row; any
/// other line is a paragraph. With `merge`, a table is written as Word
/// writes a merged one: an empty first cell under a filled one continues a
/// vertical merge, and a row with fewer cells than the widest spreads the
/// difference over its cells as `gridSpan`.
pub fn word_text_blocks(text: &str, merge: bool) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with('\t') {
            out.push(Block::Para(lines[i].to_owned()));
            i += 1;
            continue;
        }
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut row: Vec<Cell> = Vec::new();
        while i < lines.len() {
            let l = lines[i];
            if let Some(rest) = l.strip_prefix('\t') {
                row.push(Cell {
                    paras: if rest.is_empty() {
                        vec![]
                    } else {
                        vec![rest.to_owned()]
                    },
                    span: 1,
                    vmerge: None,
                });
            } else if l.trim().is_empty() {
                if !row.is_empty() {
                    rows.push(std::mem::take(&mut row));
                }
                if !lines.get(i + 1).is_some_and(|n| n.starts_with('\t')) {
                    i += 1;
                    break;
                }
            } else if let Some(c) = row.last_mut() {
                c.paras.push(l.to_owned());
            } else {
                break;
            }
            i += 1;
        }
        if !row.is_empty() {
            rows.push(row);
        }
        if merge {
            spread(&mut rows);
        }
        out.push(Block::Table(rows));
        // The blank lines after the table are paragraphs of their own.
        while i < lines.len() && lines[i].trim().is_empty() {
            out.push(Block::Para(String::new()));
            i += 1;
        }
    }
    out
}

fn spread(rows: &mut [Vec<Cell>]) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0) as u32;
    for row in rows.iter_mut() {
        let n = row.len() as u32;
        if n < width && n > 1 {
            let extra = width - n;
            let others = n - 1;
            for (k, c) in row.iter_mut().skip(1).enumerate() {
                c.span = 1 + extra / others + u32::from((k as u32) < extra % others);
            }
        }
    }
    let mut above_filled: Option<usize> = None;
    for r in 0..rows.len() {
        let Some(first) = rows[r].first() else {
            continue;
        };
        if first.paras.is_empty() {
            if let Some(a) = above_filled {
                rows[a][0].vmerge = Some(true);
                rows[r][0].vmerge = Some(false);
            }
        } else {
            above_filled = Some(r);
        }
    }
}

/// A cell of a generated sheet.
#[derive(Debug, Clone)]
pub enum V {
    Text(&'static str),
    /// A figure, stored as a number with the format `0.00`.
    Num(f64),
    /// A figure stored as text, as some exports do.
    NumText(&'static str),
    Empty,
}

/// A sheet: title, unit, header rows (with merges as (row, col, last row,
/// last col) in sheet coordinates), body rows, footnote.
pub struct SheetSpec {
    pub name: &'static str,
    pub title: &'static str,
    pub width: u16,
    pub header: Vec<Vec<V>>,
    pub header_merges: Vec<(u32, u16, u32, u16)>,
    pub body: Vec<Vec<V>>,
    /// Body rows whose first two cells are one merged cell.
    pub merged_label_rows: Vec<usize>,
    pub note: &'static str,
    pub hidden: bool,
}

/// One value of a sheet as written: a value in a cell, or a range merged
/// with its text in the first cell.
pub enum Put {
    Value(u32, u16, V),
    Merged {
        first: (u32, u16),
        last: (u32, u16),
        text: &'static str,
    },
}

/// Where the values of `s` go: the title merged over the width in row 1,
/// the unit in the last column of row 2, then the header and body rows,
/// then the footnote.
pub fn placed(s: &SheetSpec) -> Vec<Put> {
    let text_of = |v: &V| match v {
        V::Text(t) => *t,
        _ => "",
    };
    let last = s.width - 1;
    let mut out = vec![
        Put::Merged {
            first: (0, 0),
            last: (0, last),
            text: s.title,
        },
        Put::Value(1, last, V::Text("单位：万元")),
    ];
    let mut row = 2u32;
    for cells in &s.header {
        for (c, v) in cells.iter().enumerate() {
            let c = c as u16;
            if let Some(&(_, _, r1, c1)) = s.header_merges.iter().find(|m| m.0 == row && m.1 == c) {
                out.push(Put::Merged {
                    first: (row, c),
                    last: (r1, c1),
                    text: text_of(v),
                });
            } else if !s
                .header_merges
                .iter()
                .any(|m| (m.0..=m.2).contains(&row) && (m.1..=m.3).contains(&c))
            {
                out.push(Put::Value(row, c, v.clone()));
            }
        }
        row += 1;
    }
    for (i, cells) in s.body.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            let c = c as u16;
            if s.merged_label_rows.contains(&i) && c < 2 {
                if c == 0 {
                    out.push(Put::Merged {
                        first: (row, 0),
                        last: (row, 1),
                        text: text_of(v),
                    });
                }
                continue;
            }
            out.push(Put::Value(row, c, v.clone()));
        }
        row += 1;
    }
    if !s.note.is_empty() {
        out.push(Put::Value(row, 0, V::Text(s.note)));
    }
    out
}

/// Write `sheets` as one .xlsx workbook, each laid out by [`placed`].
pub fn xlsx(sheets: &[SheetSpec]) -> Vec<u8> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let mut wb = Workbook::new();
    let two = Format::new().set_num_format("0.00");
    let centre = Format::new().set_align(FormatAlign::Center);
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.name).unwrap();
        for put in placed(s) {
            match put {
                Put::Merged { first, last, text } => {
                    ws.merge_range(first.0, first.1, last.0, last.1, text, &centre)
                        .unwrap();
                }
                Put::Value(r, c, V::Text(t) | V::NumText(t)) => {
                    ws.write_string(r, c, t).unwrap();
                }
                Put::Value(r, c, V::Num(x)) => {
                    ws.write_number_with_format(r, c, x, &two).unwrap();
                }
                Put::Value(_, _, V::Empty) => {}
            }
        }
        if s.hidden {
            ws.set_hidden(true);
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The tables of `fixtures/tables/final_ok.txt` as sheets: 收入支出决算总表,
/// 一般公共预算财政拨款支出决算表 (figures as text when `as_text`) and
/// 一般公共预算财政拨款基本支出决算表.
pub fn final_sheets(as_text: bool) -> Vec<SheetSpec> {
    use V::*;
    let n = |x: f64, t: &'static str| if as_text { NumText(t) } else { Num(x) };
    let income = [
        ("一、一般公共预算财政拨款收入", Num(300.0)),
        ("二、政府性基金预算财政拨款收入", Empty),
        ("三、国有资本经营预算财政拨款收入", Empty),
        ("四、上级补助收入", Empty),
        ("五、事业收入", Empty),
        ("六、经营收入", Empty),
        ("七、附属单位上缴收入", Empty),
        ("八、其他收入", Num(7.82)),
    ];
    let spend = [
        ("一、一般公共服务支出", Num(264.87)),
        ("二、外交支出", Empty),
        ("三、社会保障和就业支出", Num(42.95)),
    ];
    let mut t1 = Vec::new();
    for (i, (l, v)) in income.into_iter().enumerate() {
        let (sl, sv) = spend
            .get(i)
            .cloned()
            .map_or((Empty, Empty), |(a, b)| (Text(a), b));
        t1.push(vec![Text(l), v, sl, sv]);
    }
    t1.push(vec![
        Text("本年收入合计"),
        Num(307.82),
        Text("本年支出合计"),
        Num(307.82),
    ]);
    t1.push(vec![
        Text("使用非财政拨款结余"),
        Empty,
        Text("结余分配"),
        Empty,
    ]);
    t1.push(vec![
        Text("年初结转和结余"),
        Num(10.0),
        Text("年末结转和结余"),
        Num(10.0),
    ]);
    t1.push(vec![Text("总计"), Num(317.82), Text("总计"), Num(317.82)]);
    let gpb = vec![
        vec![
            Text("201"),
            Text("一般公共服务支出"),
            n(257.05, "257.05"),
            n(149.23, "149.23"),
            n(107.82, "107.82"),
        ],
        vec![
            Text("20103"),
            Text("政府办公厅（室）及相关机构事务"),
            n(257.05, "257.05"),
            n(149.23, "149.23"),
            n(107.82, "107.82"),
        ],
        vec![
            Text("2010301"),
            Text("行政运行"),
            n(257.05, "257.05"),
            n(149.23, "149.23"),
            n(107.82, "107.82"),
        ],
        vec![
            Text("208"),
            Text("社会保障和就业支出"),
            n(42.95, "42.95"),
            n(42.95, "42.95"),
            n(0.0, "0.00"),
        ],
        vec![
            Text("20805"),
            Text("行政事业单位养老支出"),
            n(42.95, "42.95"),
            n(42.95, "42.95"),
            n(0.0, "0.00"),
        ],
        vec![
            Text("2080505"),
            Text("机关事业单位基本养老保险缴费支出"),
            n(42.95, "42.95"),
            n(42.95, "42.95"),
            n(0.0, "0.00"),
        ],
        vec![
            Text("合计"),
            Empty,
            n(300.0, "300.00"),
            n(192.18, "192.18"),
            n(107.82, "107.82"),
        ],
    ];
    let basic = vec![
        vec![
            Text("301"),
            Text("工资福利支出"),
            Num(150.0),
            Text("302"),
            Text("商品和服务支出"),
            Num(42.18),
        ],
        vec![
            Text("30101"),
            Text("基本工资"),
            Num(100.0),
            Text("30201"),
            Text("办公费"),
            Num(40.0),
        ],
        vec![
            Text("30102"),
            Text("津贴补贴"),
            Num(50.0),
            Text("30217"),
            Text("公务接待费"),
            Num(2.18),
        ],
        vec![
            Text("303"),
            Text("对个人和家庭的补助"),
            Num(0.0),
            Text("310"),
            Text("资本性支出"),
            Num(0.0),
        ],
        vec![
            Text("人员经费合计"),
            Empty,
            Num(150.0),
            Text("公用经费合计"),
            Empty,
            Num(42.18),
        ],
    ];
    vec![
        SheetSpec {
            name: "表1",
            title: "收入支出决算总表",
            width: 4,
            header: vec![
                vec![Text("收入"), Empty, Text("支出"), Empty],
                vec![Text("项目"), Text("决算数"), Text("项目"), Text("决算数")],
            ],
            header_merges: vec![(2, 0, 2, 1), (2, 2, 2, 3)],
            body: t1,
            merged_label_rows: vec![],
            note: "注：本表反映部门本年度的总收支和年末结转结余情况。",
            hidden: false,
        },
        SheetSpec {
            name: "表5",
            title: "一般公共预算财政拨款支出决算表",
            width: 5,
            header: vec![
                vec![
                    Text("项目"),
                    Empty,
                    Text("合计"),
                    Text("基本支出"),
                    Text("项目支出"),
                ],
                vec![
                    Text("功能分类科目编码"),
                    Text("科目名称"),
                    Empty,
                    Empty,
                    Empty,
                ],
            ],
            header_merges: vec![(2, 0, 2, 1), (2, 2, 3, 2), (2, 3, 3, 3), (2, 4, 3, 4)],
            body: gpb,
            merged_label_rows: vec![6],
            note: "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
            hidden: false,
        },
        SheetSpec {
            name: "表6",
            title: "一般公共预算财政拨款基本支出决算表",
            width: 6,
            header: vec![vec![
                Text("经济分类科目编码"),
                Text("科目名称"),
                Text("决算数"),
                Text("经济分类科目编码"),
                Text("科目名称"),
                Text("决算数"),
            ]],
            header_merges: vec![],
            body: basic,
            merged_label_rows: vec![],
            note: "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
            hidden: false,
        },
    ]
}

/// A minimal .xlsx written by hand: one sheet of this `<sheetData>` body
/// (inline strings), as a program that does not compute formulas writes
/// one.
pub fn hand_xlsx(sheet_data: &str) -> Vec<u8> {
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    zip_parts(&[
        (
            "[Content_Types].xml".into(),
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into(),
        ),
        (
            "_rels/.rels".into(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml".into(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="表1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels".into(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ),
        (
            "xl/worksheets/sheet1.xml".into(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><dimension ref="A1:XFD1048576"/><sheetData>{sheet_data}</sheetData></worksheet>"#),
        ),
    ])
}

/// An inline-string cell.
pub fn s_cell(r: &str, t: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{}</t></is></c>"#, esc(t))
}

/// A sheet as a Word document holds it: a title paragraph, the unit line,
/// a Word table (merges as `gridSpan` and `vMerge`), the footnote.
pub fn sheet_as_word(s: &SheetSpec) -> Vec<Block> {
    let text = |v: &V| match v {
        V::Text(t) | V::NumText(t) => (*t).to_owned(),
        V::Num(x) => format!("{x:.2}"),
        V::Empty => String::new(),
    };
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let all: Vec<&Vec<V>> = s.header.iter().chain(&s.body).collect();
    for (ri, cells) in all.iter().enumerate() {
        let sheet_row = ri as u32 + 2;
        let body = ri.checked_sub(s.header.len());
        let mut row = Vec::new();
        let mut c = 0u16;
        while (c as usize) < cells.len() {
            let v = &cells[c as usize];
            let merge = s
                .header_merges
                .iter()
                .find(|m| (m.0..=m.2).contains(&sheet_row) && (m.1..=m.3).contains(&c));
            let (span, vmerge, shown) = match merge {
                Some(m) => (
                    (m.3 - m.1 + 1) as u32,
                    (m.2 > m.0).then_some(m.0 == sheet_row),
                    m.0 == sheet_row,
                ),
                None if body.is_some_and(|b| s.merged_label_rows.contains(&b)) && c == 0 => {
                    (2, None, true)
                }
                None => (1, None, true),
            };
            let t = if shown { text(v) } else { String::new() };
            row.push(Cell {
                paras: if t.is_empty() { vec![] } else { vec![t] },
                span,
                vmerge,
            });
            c += span as u16;
        }
        rows.push(row);
    }
    let mut out = vec![
        Block::Para(s.title.to_owned()),
        Block::Para("单位：万元".to_owned()),
        Block::Table(rows),
    ];
    if !s.note.is_empty() {
        out.push(Block::Para(s.note.to_owned()));
    }
    out
}
