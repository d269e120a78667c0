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
    let p = style.prefix;
    let mut body = String::new();
    for b in blocks {
        match b {
            Block::Para(t) => body.push_str(&para(p, t, style)),
            Block::Numbered { num_id, ilvl, text } => body.push_str(&format!(
                r#"<{p}:p><{p}:pPr><{p}:numPr><{p}:ilvl {p}:val="{ilvl}"/><{p}:numId {p}:val="{num_id}"/></{p}:numPr></{p}:pPr>{}</{p}:p>"#,
                runs(p, text, style)
            )),
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
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/{main}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/{dir}/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#
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
        (main.into(), document),
    ];
    zip_parts(&parts)
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
