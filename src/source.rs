//! The decoded report: the `Span` type, the line index and `SourceFile`
//! (decoding its bytes is `input`'s job).
//!
//! One offset unit inside gouji: UTF-8 byte offsets into the decoded text.
//! Line and column numbers are computed only when something is printed:
//! columns in Unicode code points for people and SARIF, in UTF-16 code
//! units for LSP.

use serde::Serialize;
use std::fmt;

/// A half-open byte range `[start, end)` into a decoded report text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// The encodings gouji reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Gb18030 => "GB18030",
        })
    }
}

/// Byte offsets of line starts, built once per file. A line ends at `\n`,
/// `\r\n` or a lone `\r`.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// The line breaks of `text` (`\n`, `\r\n` or a lone `\r`): for each, where
/// the line's content ends and where the next line starts. The one
/// definition of a line, shared by [`lines`] and [`LineIndex`].
fn line_breaks(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0usize;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i;
            i += 1;
            match bytes[at] {
                b'\n' => return Some((at, i)),
                b'\r' => {
                    if bytes.get(i) == Some(&b'\n') {
                        i += 1;
                    }
                    return Some((at, i));
                }
                _ => {}
            }
        }
        None
    })
}

/// One physical line of the text: its content span (without the line
/// terminator).
#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub span: Span,
}

/// Split into lines at `\n`, `\r\n` or lone `\r`; a final line without a
/// terminator counts, an empty one after the last terminator does not.
pub fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0usize;
    for (end, next) in line_breaks(text) {
        out.push(Line {
            span: Span::new(start, end),
        });
        start = next;
    }
    if start < text.len() {
        out.push(Line {
            span: Span::new(start, text.len()),
        });
    }
    out
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u32];
        starts.extend(line_breaks(text).map(|(_, next)| next as u32));
        LineIndex { starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> u32 {
        self.starts[line]
    }

    /// 1-based line and column, the column counted in code points.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = clamp_to_char(text, offset);
        let line = self.line_of(offset);
        let start = self.starts[line] as usize;
        let column = text[start..offset as usize].chars().count() as u32 + 1;
        LineCol {
            line: line as u32 + 1,
            column,
        }
    }

    /// 0-based line and UTF-16 column, as LSP counts.
    pub fn utf16_position(&self, text: &str, offset: u32) -> (u32, u32) {
        let offset = clamp_to_char(text, offset);
        let line = self.line_of(offset);
        let start = self.starts[line] as usize;
        let col: usize = text[start..offset as usize]
            .chars()
            .map(char::len_utf16)
            .sum();
        (line as u32, col as u32)
    }

    /// Byte offset of a 0-based line and UTF-16 column (LSP), clamped to the line.
    pub fn offset_of_utf16(&self, text: &str, line: u32, col: u32) -> u32 {
        let Some(&start) = self.starts.get(line as usize) else {
            return text.len() as u32;
        };
        let end = self
            .starts
            .get(line as usize + 1)
            .map(|&e| e as usize)
            .unwrap_or(text.len());
        let mut units = 0u32;
        for (i, c) in text[start as usize..end].char_indices() {
            if units >= col || c == '\n' || c == '\r' {
                return start + i as u32;
            }
            units += c.len_utf16() as u32;
        }
        end as u32
    }
}

/// Move an offset back to the nearest char boundary (never panics on a bad offset).
fn clamp_to_char(text: &str, offset: u32) -> u32 {
    let mut o = (offset as usize).min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o as u32
}

/// A decoded report with its path and line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    pub encoding: Encoding,
    /// The file started with a byte-order mark (not part of `text`).
    pub had_bom: bool,
    pub lines: LineIndex,
    /// For a PDF: where each piece of the text was printed.
    pub pages: Option<PageMap>,
    /// For Word and spreadsheet files, and reports joined from several
    /// files: the paragraph, cell, or file and page each piece of the text
    /// rendering came from.
    pub native: Option<NativeMap>,
}

/// Where the text rendering of a Word or spreadsheet file, or of a report
/// joined from several files, came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NativeMap {
    /// Pieces of the text with their place in the file, in text order,
    /// not overlapping.
    pub regions: Vec<NativeRegion>,
    /// What could not be read (a hidden sheet, formulas without a cached
    /// value, a PDF page without a text layer): each becomes an info note
    /// of the report.
    pub notes: Vec<String>,
    /// Blank pages of the PDFs of a joined report: the byte range of each
    /// page's text and its place. Each is a warning, as for a PDF checked
    /// alone.
    pub blank_pages: Vec<NativeRegion>,
    /// Lines that the file itself marks as titles: a Word paragraph at
    /// outline level 1 without a number. The text parser makes each a
    /// top-level section, as it does a centred title line of a PDF.
    pub titles: Vec<Span>,
}

/// A byte range of the text that came from one paragraph, cell or page.
#[derive(Debug, Clone, PartialEq)]
pub struct NativeRegion {
    pub start: u32,
    pub end: u32,
    pub loc: NativeLoc,
}

/// A place in a Word or spreadsheet file, or a page of a joined PDF, as its
/// author finds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NativeLoc {
    /// The file, when the report was joined from several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// A Word paragraph, 1-based, counting the body's paragraphs in order
    /// (those inside tables and text boxes included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<u32>,
    /// A Word table cell: table (1-based), row, grid column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_cell: Option<[u32; 3]>,
    /// A spreadsheet's sheet name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// A spreadsheet cell address (`C12`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// A PDF page, 1-based, when a PDF was joined with other files (a PDF
    /// checked alone keeps its whole page map instead).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

impl fmt::Display for NativeLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file} ")?;
        }
        if let (Some(sheet), Some(cell)) = (&self.sheet, &self.cell) {
            return write!(f, "{sheet}!{cell}");
        }
        if let Some(sheet) = &self.sheet {
            return write!(f, "{sheet}");
        }
        if let Some(page) = self.page {
            return write!(f, "第 {page} 页");
        }
        if let Some([t, r, c]) = self.table_cell {
            write!(f, "表格 {t} 第 {r} 行第 {c} 列，")?;
        }
        match self.paragraph {
            Some(p) => write!(f, "第 {p} 段"),
            None => Ok(()),
        }
    }
}

impl NativeLoc {
    pub fn paragraph(n: u32) -> NativeLoc {
        NativeLoc {
            paragraph: Some(n),
            ..NativeLoc::default()
        }
    }
    pub fn cell(sheet: &str, cell: String) -> NativeLoc {
        NativeLoc {
            sheet: Some(sheet.to_owned()),
            cell: Some(cell),
            ..NativeLoc::default()
        }
    }
}

/// Where the text of a PDF came from: pages and boxes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageMap {
    /// Byte offset where each page's text starts (index 0 = page 1).
    pub page_starts: Vec<u32>,
    /// Every piece of the text with its page and box, in text order.
    pub regions: Vec<PageRegion>,
    /// Pages that could not be read, and why.
    pub notes: Vec<PageNote>,
    /// Pages with nothing printed on them but a frame, a rule or a page
    /// number: no other text, no image (1-based).
    pub blank: Vec<u32>,
}

/// A byte range of the text, printed on `page` inside `bbox`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageRegion {
    pub start: u32,
    pub end: u32,
    /// 1-based.
    pub page: u32,
    /// `[x0, y0, x1, y1]` in PDF points, origin at the page's bottom-left
    /// corner (after rotation and crop box), y up.
    pub bbox: [f64; 4],
}

/// A page that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageNote {
    pub page: u32,
    pub message: String,
}

/// A span's place on the printed page.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PageBox {
    pub page: u32,
    #[serde(rename = "box")]
    pub bbox: [f64; 4],
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String, encoding: Encoding) -> SourceFile {
        let lines = LineIndex::new(&text);
        SourceFile {
            path: path.into(),
            text,
            encoding,
            had_bom: false,
            lines,
            pages: None,
            native: None,
        }
    }

    /// Read from a Word or spreadsheet file (not a plain text, not a PDF):
    /// its text is a rendering, located by line and column, not by bytes.
    pub fn is_rendered(&self) -> bool {
        self.pages.is_some() || self.native.is_some()
    }

    /// The paragraph, cell, or file and page a span of a rendered text came
    /// from: the first piece it touches.
    pub fn native_of(&self, span: Span) -> Option<&NativeLoc> {
        let map = self.native.as_ref()?;
        let first = map.regions.partition_point(|r| r.end <= span.start);
        map.regions
            .get(first)
            .filter(|r| r.start < span.end.max(span.start + 1))
            .map(|r| &r.loc)
    }

    /// The 1-based page of a byte offset: from the page map of a PDF, from
    /// the native map of a joined report (the page within its own PDF;
    /// `None` outside a PDF), from the form feeds of a text that has them
    /// (`pdftotext` output); `None` for a text without pages.
    pub fn page_of(&self, offset: u32) -> Option<u32> {
        if let Some(map) = &self.pages {
            let i = map.page_starts.partition_point(|&s| s <= offset);
            return Some(i.max(1) as u32);
        }
        if self.native.is_some() {
            return self
                .native_of(Span::new(offset as usize, offset as usize))?
                .page;
        }
        if !self.text.contains('\u{c}') {
            return None;
        }
        let at = clamp_to_char(&self.text, offset) as usize;
        Some(self.text[..at].matches('\u{c}').count() as u32 + 1)
    }

    /// The page and box (the union of the printed pieces it touches on its
    /// first page) of a span of a PDF's text; `None` for text input.
    pub fn box_of(&self, span: Span) -> Option<PageBox> {
        let map = self.pages.as_ref()?;
        let first = map.regions.partition_point(|r| r.end <= span.start);
        let mut out: Option<PageBox> = None;
        for r in &map.regions[first..] {
            if r.start >= span.end.max(span.start + 1) {
                break;
            }
            match out.as_mut() {
                None => {
                    out = Some(PageBox {
                        page: r.page,
                        bbox: r.bbox,
                    })
                }
                Some(b) if b.page == r.page => {
                    b.bbox = [
                        b.bbox[0].min(r.bbox[0]),
                        b.bbox[1].min(r.bbox[1]),
                        b.bbox[2].max(r.bbox[2]),
                        b.bbox[3].max(r.bbox[3]),
                    ]
                }
                Some(_) => break,
            }
        }
        out
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The byte offset in the file as stored (its encoding and BOM) of a
    /// byte offset into the decoded text, for formats that locate by file
    /// bytes (SARIF `byteOffset`).
    pub fn file_offset(&self, offset: u32) -> u64 {
        let offset = clamp_to_char(&self.text, offset) as usize;
        let prefix = &self.text[..offset];
        let (bom, body) = match self.encoding {
            Encoding::Utf8 => (3, prefix.len()),
            Encoding::Utf16Le | Encoding::Utf16Be => (2, prefix.encode_utf16().count() * 2),
            Encoding::Gb18030 => (4, encoding_rs::GB18030.encode(prefix).0.len()),
        };
        (if self.had_bom { bom } else { 0 } + body) as u64
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_line_index_agree_on_every_break() {
        let text = "一、收入\r\n（一）支出\r合计308.97万元\n\n末行";
        let ls = lines(text);
        let shown: Vec<&str> = ls.iter().map(|l| &text[l.span.range()]).collect();
        assert_eq!(
            shown,
            ["一、收入", "（一）支出", "合计308.97万元", "", "末行"]
        );
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), ls.len());
        for (n, l) in ls.iter().enumerate() {
            assert_eq!(
                idx.line_of(l.span.start),
                n,
                "line {n} starts where the index says"
            );
        }
        // A final terminator ends the last line; it does not start an empty one.
        assert_eq!(lines("a\n").len(), 1);
        assert_eq!(LineIndex::new("a\n").line_count(), 2);
    }

    const SAMPLE: &str = "一、单位基本情况\r\n支出合计308.97万元\r基本支出242.27万元\n";

    #[test]
    fn line_index_handles_crlf_cr_and_cjk_columns() {
        let idx = LineIndex::new(SAMPLE);
        assert_eq!(idx.line_count(), 4);
        let off = SAMPLE.find("308.97").unwrap() as u32;
        // "支出合计" is 4 characters of 3 bytes each: column 5, byte offset +12.
        assert_eq!(idx.line_col(SAMPLE, off), LineCol { line: 2, column: 5 });
        let off = SAMPLE.find("242.27").unwrap() as u32;
        assert_eq!(idx.line_col(SAMPLE, off), LineCol { line: 3, column: 5 });
        // An offset inside a character is clamped, never a panic.
        assert_eq!(idx.line_col(SAMPLE, 1), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn utf16_columns_count_astral_chars_twice() {
        let text = "一𠀀2";
        let idx = LineIndex::new(text);
        let off = text.find('2').unwrap() as u32;
        assert_eq!(idx.utf16_position(text, off), (0, 3));
        assert_eq!(idx.line_col(text, off).column, 3);
        assert_eq!(idx.offset_of_utf16(text, 0, 3), off);
    }

    #[test]
    fn pages_from_form_feeds_or_the_page_map() {
        let text = "第一页\n\u{c}第二页 合计 307.82\n".to_owned();
        let mut src = SourceFile::new("r.txt", text.clone(), Encoding::Utf8);
        let at = text.find("307.82").unwrap() as u32;
        assert_eq!(src.page_of(0), Some(1));
        assert_eq!(src.page_of(at), Some(2));
        assert_eq!(src.box_of(Span::new(at as usize, at as usize + 6)), None);
        let two = text.find('\u{c}').unwrap() as u32 + 1;
        src.pages = Some(PageMap {
            page_starts: vec![0, two],
            regions: vec![
                PageRegion {
                    start: two,
                    end: two + 9,
                    page: 2,
                    bbox: [50.0, 700.0, 80.0, 712.0],
                },
                PageRegion {
                    start: at,
                    end: at + 6,
                    page: 2,
                    bbox: [200.0, 700.0, 230.0, 712.0],
                },
            ],
            notes: Vec::new(),
            blank: Vec::new(),
        });
        assert_eq!(src.page_of(at), Some(2));
        let b = src.box_of(Span::new(at as usize, at as usize + 6)).unwrap();
        assert_eq!((b.page, b.bbox), (2, [200.0, 700.0, 230.0, 712.0]));
        // A span over two pieces: the box covering both.
        let b = src
            .box_of(Span::new(two as usize, at as usize + 6))
            .unwrap();
        assert_eq!(b.bbox, [50.0, 700.0, 230.0, 712.0]);
    }

    #[test]
    fn span_helpers() {
        let a = Span::new(3, 9);
        let b = Span::new(6, 12);
        assert_eq!(a.cover(b), Span::new(3, 12));
        assert!(a.overlaps(b));
        assert!(!a.contains(b));
        assert_eq!(a.len(), 6);
    }
}
