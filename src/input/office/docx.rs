//! A Word document (.docx, as Word or WPS saves it) → text of the shape of
//! Word-export text, which the text parser already reads:
//!
//! * each body paragraph is one line (a line break inside it starts another
//!   line), with its automatic numbering written out as Word shows it
//!   (`一、` `（一）` `1.` from `numbering.xml`, through the paragraph's own
//!   numbering or its style's), followed by the level's suffix (a tab or a
//!   space become one space). Headings are found by the text parser from
//!   that numbering, as for every other input. A paragraph without a number
//!   at outline level 1 (its own `w:outlineLvl` 0, or its style's: Word's
//!   and WPS's 标题 1) is a title line, a top-level section of its own, as
//!   a centred title line of a PDF is (`NativeMap::titles`); deeper
//!   outline levels without a number make no heading;
//! * a table is written in the TAB form (`document::table::tab`): each cell
//!   begins a line with a TAB, its further paragraphs follow on their own
//!   lines, a blank line ends a row. One cell per `w:tc`, as Word-export text
//!   has it: a cell merged across columns (`gridSpan`) is one cell, the
//!   continuation of a cell merged down (`vMerge`) an empty one; the native
//!   locator of each cell names its grid column, counted with the spans.
//!   Nested tables are read into the cell that holds them;
//! * except a financial statement (its title above it names a 决算 or 预算
//!   table, not a 绩效 one: see [`is_statement`]): it is laid out in columns
//!   as a spreadsheet is (`sheet::render_sheet`, `gridSpan` and `vMerge` as
//!   merged ranges), because the standard-table recogniser reads tables in
//!   columns, as a PDF prints them, and not TAB tables;
//! * text boxes (DrawingML `wps:txbx` or VML `v:textbox`) are read, each of
//!   their paragraphs a line after the paragraph or table that anchors the
//!   box; of `mc:AlternateContent` only the `mc:Choice` is read (the
//!   `mc:Fallback` repeats it);
//! * footnotes, endnotes, comments, headers and footers are other parts and
//!   not read; deleted text (`w:delText`), field codes (`w:instrText`) and
//!   hidden runs (`w:vanish`) are left out.
//!
//! Elements are matched by the namespace their prefix is bound to (the
//! transitional or strict WordprocessingML namespace), not by the prefix, so
//! a file that binds another prefix reads the same; the main part is the one
//! `_rels/.rels` names, not a fixed path.
//!
//! # Why zip + quick-xml and not a docx crate
//! Measured (release builds, this 2-core machine, a 1.6 MB document of
//! 2,000 paragraphs and 40 tables of 20 × 8 cells written by `docx-rs`
//! itself): `docx-rs` 0.4.22 `read_docx` 42–55 ms per read, giving a
//! document model still to be rendered; this reader 10.5 ms per read for
//! the whole job (every zip entry inflated once more by the bomb check,
//! parsed, numbered and rendered). `docx-rs` would add about 60 crates to
//! the build (an image codec among them); `zip` and `quick-xml` come with
//! calamine, which the spreadsheets need anyway, and add none. More
//! decisive than speed: numbering text has to be computed from
//! `numbering.xml` in either case, text boxes and `mc:AlternateContent`
//! need the raw XML, and every failure here is an error value, where a
//! crate's reader may panic on malformed input.

use super::{attr, part, OfficeError, OfficeText, Zip};
use crate::source::{NativeLoc, NativeMap, NativeRegion, Span};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;
use std::collections::HashMap;

const W_NS: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// The prefixes bound to the WordprocessingML and markup-compatibility
/// namespaces, learnt from the declarations met so far.
#[derive(Default)]
struct Names {
    w: Vec<String>,
    mc: Vec<String>,
}

/// A qualified name's prefix (`""` without one) and local name.
fn split(q: &str) -> (&str, &str) {
    q.split_once(':').unwrap_or(("", q))
}

impl Names {
    fn learn(&mut self, e: &BytesStart<'_>) {
        for a in e.attributes().flatten() {
            let key = a.key.0;
            let prefix = if key == "xmlns" {
                String::new()
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                p.to_owned()
            } else {
                continue;
            };
            let v: &str = a.value.as_ref();
            if W_NS.contains(&v) && !self.w.contains(&prefix) {
                self.w.push(prefix);
            } else if v == MC_NS && !self.mc.contains(&prefix) {
                self.mc.push(prefix);
            }
        }
    }
    /// The local name of a WordprocessingML element.
    fn w<'a>(&self, q: QName<'a>) -> Option<&'a str> {
        let (p, local) = split(q.0);
        self.w.iter().any(|x| x == p).then_some(local)
    }
    fn is_mc(&self, q: QName<'_>, local: &str) -> bool {
        let (p, l) = split(q.0);
        self.mc.iter().any(|x| x == p) && l == local
    }
}

/// The most grid columns a cell may span (Word allows 63 columns).
const MAX_SPAN: u32 = 1000;

fn xml_error(part: &str, e: impl std::fmt::Display) -> OfficeError {
    OfficeError::Xml {
        part: part.to_owned(),
        why: e.to_string(),
    }
}

/// A `w:val`-style attribute: matched by local name.
fn val(e: &BytesStart<'_>) -> Option<String> {
    attr(e, "val")
}

// ---------------------------------------------------------------- numbering

#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    fmt: String,
    text: String,
    /// `tab` (the default), `space` or `nothing`.
    suff: String,
    legal: bool,
}

#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides by level)
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
    /// Counters by abstract numbering, per level.
    counters: HashMap<String, [Option<u32>; 9]>,
    /// numIds whose start overrides were applied.
    started: std::collections::HashSet<String>,
}

fn parse_numbering(xml: &[u8]) -> Result<Numbering, OfficeError> {
    let mut n = Numbering::default();
    let mut names = Names::default();
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut abs: Option<(String, Vec<Level>)> = None;
    let mut lvl: Option<(usize, Level)> = None;
    let mut num: Option<(String, String, HashMap<usize, u32>)> = None;
    let mut over: Option<usize> = None;
    loop {
        let ev = r
            .read_event_into(&mut buf)
            .map_err(|e| xml_error("word/numbering.xml", e))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                names.learn(e);
                let empty = matches!(ev, Event::Empty(_));
                let Some(name) = names.w(e.name()) else {
                    continue;
                };
                match name {
                    "abstractNum" if !empty => {
                        abs = Some((attr(e, "abstractNumId").unwrap_or_default(), Vec::new()))
                    }
                    "lvl" if !empty => {
                        let i = attr(e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        lvl = Some((
                            i,
                            Level {
                                start: 1,
                                suff: "tab".into(),
                                ..Level::default()
                            },
                        ));
                    }
                    "start" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.start = val(e).and_then(|v| v.parse().ok()).unwrap_or(1);
                        }
                    }
                    "numFmt" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.fmt = val(e).unwrap_or_default();
                        }
                    }
                    "lvlText" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.text = val(e).unwrap_or_default();
                        }
                    }
                    "suff" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.suff = val(e).unwrap_or_default();
                        }
                    }
                    "isLgl" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.legal = val(e).is_none_or(|v| v != "0" && v != "false");
                        }
                    }
                    "num" if !empty => {
                        num = Some((
                            attr(e, "numId").unwrap_or_default(),
                            String::new(),
                            HashMap::new(),
                        ))
                    }
                    "abstractNumId" => {
                        if let Some(nm) = num.as_mut() {
                            nm.1 = val(e).unwrap_or_default();
                        }
                    }
                    "lvlOverride" if !empty => {
                        over = attr(e, "ilvl").and_then(|v| v.parse().ok());
                    }
                    "startOverride" => {
                        if let (Some(nm), Some(i)) = (num.as_mut(), over) {
                            nm.2.insert(i, val(e).and_then(|v| v.parse().ok()).unwrap_or(1));
                        }
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => match names.w(e.name()) {
                Some("lvl") => {
                    if let (Some((_, levels)), Some((i, l))) = (abs.as_mut(), lvl.take()) {
                        if i < 9 {
                            if levels.len() <= i {
                                levels.resize(i + 1, Level::default());
                            }
                            levels[i] = l;
                        }
                    }
                }
                Some("abstractNum") => {
                    if let Some((id, levels)) = abs.take() {
                        n.abstracts.insert(id, levels);
                    }
                }
                Some("num") => {
                    if let Some((id, a, o)) = num.take() {
                        n.nums.insert(id, (a, o));
                    }
                }
                Some("lvlOverride") => over = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(n)
}

impl Numbering {
    /// The label of the next paragraph of list `num_id` at level `ilvl`
    /// (its text and the suffix after it), counting it.
    fn next(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        let (abs_id, overrides) = self.nums.get(num_id)?.clone();
        let levels = self.abstracts.get(&abs_id)?.clone();
        let ilvl = ilvl.min(8);
        let level = levels.get(ilvl)?.clone();
        let counters = self.counters.entry(abs_id).or_insert([None; 9]);
        if !overrides.is_empty() && self.started.insert(num_id.to_owned()) {
            for (&i, &s) in &overrides {
                if i < 9 {
                    counters[i] = Some(s.saturating_sub(1));
                }
            }
        }
        let n = counters[ilvl].map_or(level.start, |c| c.saturating_add(1));
        counters[ilvl] = Some(n);
        for deeper in counters.iter_mut().skip(ilvl + 1) {
            *deeper = None;
        }
        if level.fmt == "bullet" || level.fmt == "none" {
            return None;
        }
        let mut label = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('%', Some(k @ 1..=9)) => {
                    chars.next();
                    let k = k as usize - 1;
                    let l = levels.get(k).cloned().unwrap_or_default();
                    let v = counters[k].unwrap_or(l.start);
                    let fmt = if level.legal && k < ilvl {
                        "decimal"
                    } else {
                        l.fmt.as_str()
                    };
                    label.push_str(&format_number(v, fmt));
                }
                _ => label.push(c),
            }
        }
        if label.is_empty() {
            return None;
        }
        if level.suff != "nothing" {
            label.push(' ');
        }
        Some(label)
    }
}

/// A list number in one of Word's number formats.
fn format_number(n: u32, fmt: &str) -> String {
    const CIRCLED: &str = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";
    const PAREN: &str = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇";
    const STOP: &str = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛";
    let nth = |set: &str| {
        set.chars()
            .nth((n as usize).wrapping_sub(1))
            .map(String::from)
            .unwrap_or_else(|| n.to_string())
    };
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => chinese(n),
        "chineseLegalSimplified" => chinese(n)
            .chars()
            .map(|c| match c {
                '一' => '壹',
                '二' => '贰',
                '三' => '叁',
                '四' => '肆',
                '五' => '伍',
                '六' => '陆',
                '七' => '柒',
                '八' => '捌',
                '九' => '玖',
                '十' => '拾',
                '百' => '佰',
                '千' => '仟',
                c => c,
            })
            .collect(),
        "ideographDigital" | "taiwaneseDigital" | "japaneseDigitalTenThousand" => n
            .to_string()
            .chars()
            .map(|d| {
                "〇一二三四五六七八九"
                    .chars()
                    .nth(d as usize - '0' as usize)
                    .unwrap_or(d)
            })
            .collect(),
        "ideographTraditional" => nth("甲乙丙丁戊己庚辛壬癸"),
        "ideographZodiac" => nth("子丑寅卯辰巳午未申酉戌亥"),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" | "ideographEnclosedCircle" => {
            nth(CIRCLED)
        }
        "decimalEnclosedParen" => nth(PAREN),
        "decimalEnclosedFullstop" => nth(STOP),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|d| char::from_u32(d as u32 - '0' as u32 + '０' as u32).unwrap_or(d))
            .collect(),
        "decimalZero" => format!("{n:02}"),
        "upperLetter" | "lowerLetter" => {
            let base = if fmt == "upperLetter" { b'A' } else { b'a' };
            let k = n.max(1) - 1;
            let c = (base + (k % 26) as u8) as char;
            std::iter::repeat_n(c, (k / 26) as usize + 1).collect()
        }
        "upperRoman" | "lowerRoman" => {
            let r = roman(n);
            if fmt == "lowerRoman" {
                r.to_lowercase()
            } else {
                r
            }
        }
        _ => n.to_string(),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五.
fn chinese(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return D[0].into();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let units = ["千", "百", "十", ""];
    let mut s = String::new();
    let mut zero = false;
    for (i, &d) in digits.iter().enumerate() {
        if d == 0 {
            zero = !s.is_empty();
            continue;
        }
        if zero {
            s.push_str(D[0]);
            zero = false;
        }
        // 十二, not 一十二, at the head of the number.
        if !(i == 2 && d == 1 && s.is_empty()) {
            s.push_str(D[d as usize]);
        }
        s.push_str(units[i]);
    }
    s
}

fn roman(mut n: u32) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in table {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

// ------------------------------------------------------------------- styles

/// A paragraph style's numbering and parent, from `styles.xml`.
#[derive(Debug, Default, Clone)]
struct Style {
    num_id: Option<String>,
    ilvl: Option<usize>,
    /// `w:outlineLvl`: 0 for a level-1 heading, 9 for body text.
    outline: Option<u8>,
    based_on: Option<String>,
}

fn parse_styles(xml: &[u8]) -> Result<HashMap<String, Style>, OfficeError> {
    let mut out = HashMap::new();
    let mut names = Names::default();
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut cur: Option<(String, Style)> = None;
    loop {
        let ev = r
            .read_event_into(&mut buf)
            .map_err(|e| xml_error("word/styles.xml", e))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                names.learn(e);
                let empty = matches!(ev, Event::Empty(_));
                match names.w(e.name()) {
                    Some("style") if !empty => {
                        cur = Some((attr(e, "styleId").unwrap_or_default(), Style::default()))
                    }
                    Some("basedOn") => {
                        if let Some((_, s)) = cur.as_mut() {
                            s.based_on = val(e);
                        }
                    }
                    Some("numId") => {
                        if let Some((_, s)) = cur.as_mut() {
                            s.num_id = val(e);
                        }
                    }
                    Some("ilvl") => {
                        if let Some((_, s)) = cur.as_mut() {
                            s.ilvl = val(e).and_then(|v| v.parse().ok());
                        }
                    }
                    Some("outlineLvl") => {
                        if let Some((_, s)) = cur.as_mut() {
                            s.outline = val(e).and_then(|v| v.parse().ok());
                        }
                    }
                    _ => {}
                }
            }
            Event::End(ref e) if names.w(e.name()) == Some("style") => {
                if let Some((id, s)) = cur.take() {
                    out.insert(id, s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// A style and its parents (`basedOn`), at most 16 deep.
fn style_chain<'a>(
    styles: &'a HashMap<String, Style>,
    id: &str,
) -> impl Iterator<Item = &'a Style> {
    let mut at = styles.get(id);
    std::iter::from_fn(move || {
        let s = at?;
        at = s.based_on.as_ref().and_then(|b| styles.get(b));
        Some(s)
    })
    .take(16)
}

/// The numbering a style gives its paragraphs, through its parents.
fn style_numbering(styles: &HashMap<String, Style>, id: &str) -> (Option<String>, Option<usize>) {
    let (mut num, mut ilvl) = (None, None);
    for s in style_chain(styles, id) {
        num = num.or(s.num_id.clone());
        ilvl = ilvl.or(s.ilvl);
    }
    (num, ilvl)
}

/// The outline level a style gives its paragraphs, through its parents.
fn style_outline(styles: &HashMap<String, Style>, id: &str) -> Option<u8> {
    style_chain(styles, id).find_map(|s| s.outline)
}

// ----------------------------------------------------------------- document

/// A paragraph being read.
#[derive(Debug, Default)]
struct Para {
    n: u32,
    label: Option<String>,
    text: String,
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<usize>,
    outline: Option<u8>,
    numbered: bool,
}

/// A finished paragraph: its text and number.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    n: u32,
    /// A level-1 heading without a number: a title line.
    title: bool,
}

#[derive(Debug, Default)]
struct Cell {
    paras: Vec<Line>,
    col: u32,
    span: u32,
    /// `Some(true)` starts a vertical merge, `Some(false)` continues one.
    vmerge: Option<bool>,
}

#[derive(Debug, Default)]
struct TableB {
    rows: Vec<Vec<Cell>>,
    row: Option<Vec<Cell>>,
    cell: Option<Cell>,
    grid_col: u32,
}

#[derive(Debug)]
enum Block {
    Para(Line),
    Table(Vec<Vec<Cell>>),
}

/// Everything the reader keeps between events.
struct State {
    numbering: Numbering,
    styles: HashMap<String, Style>,
    paras: Vec<Para>,
    /// Open tables, outermost first.
    tables: Vec<TableB>,
    /// Depth of open text boxes.
    boxes: usize,
    /// Paragraphs of text boxes, written after the block that anchors them.
    box_lines: Vec<Line>,
    blocks: Vec<Block>,
    next_para: u32,
    in_t: bool,
    in_ppr: bool,
    in_rpr: bool,
    vanish: bool,
    body: bool,
}

impl State {
    /// Text of a `w:t` (other text, of instructions or of the XML's
    /// layout, is not the document's).
    fn text(&mut self, s: &str) {
        if self.in_t {
            self.insert(s);
        }
    }

    /// Text a run element stands for: a tab, a line break.
    fn insert(&mut self, s: &str) {
        if self.vanish {
            return;
        }
        if let Some(p) = self.paras.last_mut() {
            push_clean(&mut p.text, s);
        }
    }

    /// The paragraph's properties are known: count its list number.
    fn number(&mut self) {
        let Some(p) = self.paras.last_mut() else {
            return;
        };
        if p.numbered {
            return;
        }
        p.numbered = true;
        let (sn, sl) = p
            .style
            .as_deref()
            .map(|s| style_numbering(&self.styles, s))
            .unwrap_or_default();
        let num = p.num_id.clone().or(sn);
        let ilvl = p.ilvl.or(sl).unwrap_or(0);
        if let Some(num) = num.filter(|n| n != "0") {
            p.label = self.numbering.next(&num, ilvl);
        }
    }

    fn end_para(&mut self) {
        self.number();
        let Some(p) = self.paras.pop() else {
            return;
        };
        let outline = p.outline.or_else(|| {
            p.style
                .as_deref()
                .and_then(|s| style_outline(&self.styles, s))
        });
        let title = p.label.is_none() && outline == Some(0);
        let text = match p.label {
            Some(l) => format!("{l}{}", p.text),
            None => p.text,
        };
        let line = Line {
            text,
            n: p.n,
            title,
        };
        if self.boxes > 0 {
            self.box_lines.push(line);
        } else if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            cell.paras.push(line);
        } else if self.tables.is_empty() {
            self.blocks.push(Block::Para(line));
            self.flush_boxes();
        } else {
            // A paragraph in a table but outside any cell: malformed; keep it.
            self.box_lines.push(line);
        }
    }

    fn end_table(&mut self) {
        let Some(mut t) = self.tables.pop() else {
            return;
        };
        if let Some(row) = t.row.take() {
            t.rows.push(row);
        }
        if self.tables.is_empty() {
            self.blocks.push(Block::Table(t.rows));
            self.flush_boxes();
        } else if let Some(outer) = self.tables.last_mut().and_then(|o| o.cell.as_mut()) {
            // A nested table: its cells' paragraphs go into the outer cell.
            for row in t.rows {
                for c in row {
                    outer.paras.extend(c.paras);
                }
            }
        }
    }

    fn flush_boxes(&mut self) {
        for l in std::mem::take(&mut self.box_lines) {
            self.blocks.push(Block::Para(l));
        }
    }
}

/// Append text, tabs as four spaces and without control characters (a TAB
/// at a line start would read as a table cell).
fn push_clean(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\t' => out.push_str("    "),
            '\n' | '\r' => out.push('\n'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// The predefined XML entities and character references.
fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let s = name.strip_prefix('#')?;
            let n = match s.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => s.parse().ok()?,
            };
            char::from_u32(n)?
        }
    })
}

/// Read the document whose main part is `main`.
pub fn read(zip: &mut Zip<'_>, main: &str) -> Result<OfficeText, OfficeError> {
    let xml = part(zip, main)?.ok_or_else(|| OfficeError::NoBody(main.to_owned()))?;
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let sibling = |name: &str| {
        if dir.is_empty() {
            name.to_owned()
        } else {
            format!("{dir}/{name}")
        }
    };
    let numbering = match part(zip, &sibling("numbering.xml"))? {
        Some(x) => parse_numbering(&x)?,
        None => Numbering::default(),
    };
    let styles = match part(zip, &sibling("styles.xml"))? {
        Some(x) => parse_styles(&x)?,
        None => HashMap::new(),
    };
    let blocks = read_body(&xml, main, numbering, styles)?;
    let out = render(&blocks);
    if out.text.trim().is_empty() {
        return Err(OfficeError::NoText);
    }
    Ok(out)
}

fn read_body(
    xml: &[u8],
    part_name: &str,
    numbering: Numbering,
    styles: HashMap<String, Style>,
) -> Result<Vec<Block>, OfficeError> {
    let mut st = State {
        numbering,
        styles,
        paras: Vec::new(),
        tables: Vec::new(),
        boxes: 0,
        box_lines: Vec::new(),
        blocks: Vec::new(),
        next_para: 0,
        in_t: false,
        in_ppr: false,
        in_rpr: false,
        vanish: false,
        body: false,
    };
    let mut names = Names::default();
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut skip = Vec::new();
    loop {
        let ev = r
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(part_name, e))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                names.learn(e);
                let empty = matches!(ev, Event::Empty(_));
                if !empty && names.is_mc(e.name(), "Fallback") {
                    let end = e.name().0.to_owned();
                    r.read_to_end_into(QName(end.as_str()), &mut skip)
                        .map_err(|e| xml_error(part_name, e))?;
                    skip.clear();
                    continue;
                }
                let Some(name) = names.w(e.name()) else {
                    continue;
                };
                if !st.body && name != "body" {
                    continue;
                }
                match name {
                    "body" => st.body = true,
                    "p" => {
                        st.next_para += 1;
                        st.paras.push(Para {
                            n: st.next_para,
                            ..Para::default()
                        });
                        if empty {
                            st.end_para();
                        }
                    }
                    "pPr" if !empty => st.in_ppr = true,
                    "pStyle" if st.in_ppr && !st.in_rpr => {
                        if let Some(p) = st.paras.last_mut() {
                            p.style = val(e);
                        }
                    }
                    "numId" if st.in_ppr => {
                        if let Some(p) = st.paras.last_mut() {
                            p.num_id = val(e);
                        }
                    }
                    "ilvl" if st.in_ppr => {
                        if let Some(p) = st.paras.last_mut() {
                            p.ilvl = val(e).and_then(|v| v.parse().ok());
                        }
                    }
                    "outlineLvl" if st.in_ppr => {
                        if let Some(p) = st.paras.last_mut() {
                            p.outline = val(e).and_then(|v| v.parse().ok());
                        }
                    }
                    "r" if !empty => st.vanish = false,
                    "rPr" if !empty => st.in_rpr = true,
                    "vanish" | "specVanish" if st.in_rpr && !st.in_ppr => {
                        st.vanish = val(e).is_none_or(|v| v != "0" && v != "false");
                    }
                    "t" if !empty => st.in_t = true,
                    "delText" | "instrText" if !empty => {
                        let end = e.name().0.to_owned();
                        r.read_to_end_into(QName(end.as_str()), &mut skip)
                            .map_err(|e| xml_error(part_name, e))?;
                        skip.clear();
                    }
                    "tab" if !st.in_ppr => st.insert("\t"),
                    // A page or column break is no line of text.
                    "br" | "cr" if attr(e, "type").is_none_or(|t| t == "textWrapping") => {
                        st.insert("\n")
                    }
                    "noBreakHyphen" => st.insert("-"),
                    "txbxContent" if !empty => st.boxes += 1,
                    "tbl" if !empty => st.tables.push(TableB::default()),
                    "tr" if !empty => {
                        if let Some(t) = st.tables.last_mut() {
                            if let Some(row) = t.row.take() {
                                t.rows.push(row);
                            }
                            t.row = Some(Vec::new());
                            t.grid_col = 0;
                        }
                    }
                    "gridBefore" => {
                        if let Some(t) = st.tables.last_mut() {
                            let n: u32 = val(e).and_then(|v| v.parse().ok()).unwrap_or(0);
                            t.grid_col = t.grid_col.saturating_add(n.min(MAX_SPAN));
                        }
                    }
                    "tc" if !empty => {
                        if let Some(t) = st.tables.last_mut() {
                            t.cell = Some(Cell {
                                paras: Vec::new(),
                                col: t.grid_col,
                                span: 1,
                                vmerge: None,
                            });
                        }
                    }
                    "vMerge" => {
                        if let Some(c) = st.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                            c.vmerge = Some(val(e).is_some_and(|v| v == "restart"));
                        }
                    }
                    "gridSpan" => {
                        if let Some(c) = st.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                            c.span = val(e)
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(1)
                                .clamp(1, MAX_SPAN);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(ref e) => st.text(&e.xml10_content()),
            Event::CData(ref e) => st.text(e),
            Event::GeneralRef(ref e) => {
                if let Some(c) = entity(e) {
                    st.text(c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::End(ref e) => {
                let Some(name) = names.w(e.name()) else {
                    continue;
                };
                match name {
                    "p" => st.end_para(),
                    "pPr" => {
                        st.in_ppr = false;
                        st.number();
                    }
                    "rPr" => st.in_rpr = false,
                    "r" => st.vanish = false,
                    "t" => st.in_t = false,
                    "txbxContent" => st.boxes = st.boxes.saturating_sub(1),
                    "tc" => {
                        if let Some(t) = st.tables.last_mut() {
                            if let Some(c) = t.cell.take() {
                                t.grid_col = t.grid_col.saturating_add(c.span);
                                t.row.get_or_insert_with(Vec::new).push(c);
                            }
                        }
                    }
                    "tr" => {
                        if let Some(t) = st.tables.last_mut() {
                            if let Some(row) = t.row.take() {
                                t.rows.push(row);
                            }
                        }
                    }
                    "tbl" => st.end_table(),
                    "body" => {
                        while !st.paras.is_empty() {
                            st.end_para();
                        }
                        while !st.tables.is_empty() {
                            st.end_table();
                        }
                        st.flush_boxes();
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !st.body {
        return Err(OfficeError::NoBody(part_name.to_owned()));
    }
    // A truncated document: keep what was read.
    while !st.paras.is_empty() {
        st.end_para();
    }
    while !st.tables.is_empty() {
        st.end_table();
    }
    st.flush_boxes();
    Ok(st.blocks)
}

/// Whether the table at `blocks[i]` is a financial statement (收入支出决算总表
/// and the like): the nearest paragraph with text above it (or one of the
/// three nearest, past a 单位 line) is a title naming a 决算 or 预算 table
/// and not a 绩效 one. Such a table is laid out in columns, as its PDF
/// would print it, so that the standard-table recogniser reads it (it
/// reads tables in columns, not TAB tables); every other table (the
/// 自评表, key–value tables) keeps the TAB form.
fn is_statement(blocks: &[Block], i: usize) -> bool {
    blocks[..i]
        .iter()
        .rev()
        .take_while(|b| matches!(b, Block::Para(_)))
        .filter_map(|b| match b {
            Block::Para(l) if !l.text.trim().is_empty() => Some(l.text.trim()),
            _ => None,
        })
        .take(3)
        .any(|t| {
            t.chars().count() <= 60
                && t.contains('表')
                && (t.contains("决算") || t.contains("预算"))
                && !t.contains("绩效")
        })
}

/// A Word table as a sheet: each cell at its grid column, its paragraphs
/// joined (a header wrapped in its cell is one header), `gridSpan` and
/// `vMerge` as merged ranges; with the first paragraph number of each cell.
fn as_sheet(
    rows: &[Vec<Cell>],
) -> (
    super::sheet::Sheet,
    std::collections::BTreeMap<(u32, u32), u32>,
) {
    use calamine::Dimensions;
    let mut sheet = super::sheet::Sheet::default();
    let mut paras = std::collections::BTreeMap::new();
    for (ri, row) in rows.iter().enumerate() {
        let r = ri as u32;
        for c in row {
            if c.vmerge == Some(false) {
                continue;
            }
            let text: String = c.paras.iter().map(|p| p.text.trim()).collect();
            if let Some(v) = super::sheet::text_val(&text) {
                sheet.cells.insert((r, c.col), v);
                if let Some(p) = c.paras.first() {
                    paras.insert((r, c.col), p.n);
                }
            }
            let mut end_row = r;
            if c.vmerge == Some(true) {
                for below in rows.iter().skip(ri + 1) {
                    if below
                        .iter()
                        .any(|b| b.col == c.col && b.vmerge == Some(false))
                    {
                        end_row += 1;
                    } else {
                        break;
                    }
                }
            }
            if c.span > 1 || end_row > r {
                sheet.merges.push(Dimensions {
                    start: (r, c.col),
                    end: (end_row, c.col.saturating_add(c.span - 1)),
                });
            }
        }
    }
    (sheet, paras)
}

/// Blocks → text and the paragraph or cell of every line.
fn render(blocks: &[Block]) -> OfficeText {
    let mut text = String::new();
    let mut regions = Vec::new();
    let mut titles = Vec::new();
    let mut tables = 0u32;
    fn emit(text: &mut String, regions: &mut Vec<NativeRegion>, line: &str, loc: NativeLoc) {
        let start = text.len();
        text.push_str(line);
        if text.len() > start {
            regions.push(NativeRegion {
                start: start as u32,
                end: text.len() as u32,
                loc,
            });
        }
    }
    for (bi, b) in blocks.iter().enumerate() {
        match b {
            Block::Table(rows) if is_statement(blocks, bi) => {
                tables += 1;
                let (sheet, paras) = as_sheet(rows);
                let t = tables;
                super::sheet::render_sheet(&sheet, &mut text, &mut regions, &|r, c| {
                    let mut loc = NativeLoc::paragraph(paras.get(&(r, c)).copied().unwrap_or(0));
                    loc.table_cell = Some([t, r + 1, c + 1]);
                    loc
                });
            }
            Block::Para(l) => {
                for piece in l.text.split('\n') {
                    let start = text.len() as u32;
                    emit(
                        &mut text,
                        &mut regions,
                        piece.trim_end(),
                        NativeLoc::paragraph(l.n),
                    );
                    if l.title && text.len() as u32 > start {
                        titles.push(Span {
                            start,
                            end: text.len() as u32,
                        });
                    }
                    text.push('\n');
                }
            }
            Block::Table(rows) => {
                tables += 1;
                for (ri, row) in rows.iter().enumerate() {
                    for cell in row {
                        text.push('\t');
                        let pieces = cell.paras.iter().flat_map(|p| {
                            p.text
                                .split('\n')
                                .map(|s| s.trim())
                                .filter(|s| !s.is_empty())
                                .map(move |s| (s, p.n))
                        });
                        let mut first = true;
                        for (s, n) in pieces {
                            if !first {
                                text.push('\n');
                            }
                            first = false;
                            let mut loc = NativeLoc::paragraph(n);
                            loc.table_cell = Some([tables, ri as u32 + 1, cell.col + 1]);
                            emit(&mut text, &mut regions, s, loc);
                        }
                        text.push('\n');
                    }
                    // A blank line ends the row.
                    text.push('\n');
                }
            }
        }
    }
    OfficeText {
        text,
        native: NativeMap {
            regions,
            titles,
            ..NativeMap::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_numbers_in_word_formats() {
        assert_eq!(chinese(1), "一");
        assert_eq!(chinese(10), "十");
        assert_eq!(chinese(12), "十二");
        assert_eq!(chinese(20), "二十");
        assert_eq!(chinese(105), "一百零五");
        assert_eq!(chinese(110), "一百一十");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(28, "upperLetter"), "BB");
        assert_eq!(format_number(14, "lowerRoman"), "xiv");
        assert_eq!(format_number(12, "decimalFullWidth"), "１２");
    }

    const NUMBERING: &str = r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="2"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
</w:numbering>"#;

    #[test]
    fn numbering_counts_levels_and_restarts_deeper_ones() {
        let mut n = parse_numbering(NUMBERING.as_bytes()).unwrap();
        let got: Vec<String> = [(0, "1"), (1, "1"), (1, "1"), (2, "1"), (0, "1"), (1, "1")]
            .iter()
            .map(|&(l, id)| n.next(id, l).unwrap())
            .collect();
        assert_eq!(got, ["一、", "（一）", "（二）", "1. ", "二、", "（一）"]);
        // A start override applies once, when the list is first used.
        assert_eq!(n.next("2", 2).unwrap(), "5. ");
        assert_eq!(n.next("2", 2).unwrap(), "6. ");
    }

    fn body(inner: &str) -> Vec<Block> {
        let xml = format!(
            r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{inner}</w:body></w:document>"#
        );
        read_body(
            xml.as_bytes(),
            "word/document.xml",
            parse_numbering(NUMBERING.as_bytes()).unwrap(),
            HashMap::new(),
        )
        .unwrap()
    }

    #[test]
    fn paragraphs_tables_text_boxes_and_what_is_left_out() {
        let blocks = body(concat!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>收入</w:t></w:r></w:p>"#,
            r#"<w:p><w:r><w:t xml:space="preserve">合计 &amp; </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"#,
            r#"<w:del><w:r><w:delText>删去</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText><w:t>308.97</w:t></w:r>"#,
            r#"<w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"#,
            r#"<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"#,
            r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>项目</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>名称</w:t></w:r></w:p></w:tc>"#,
            r#"<w:tc><w:p><w:r><w:t>50.7</w:t></w:r></w:p></w:tc></w:tr>"#,
            r#"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        ));
        let out = render(&blocks);
        assert_eq!(
            out.text,
            "一、收入\n合计 & 308.97\n文本框\n\t项目\n名称\n\t50.7\n\n\t\n\t1\n\n"
        );
        let at = |s: &str| {
            let a = out.text.find(s).unwrap() as u32;
            out.native
                .regions
                .iter()
                .find(|r| r.start <= a && a < r.end)
                .map(|r| r.loc.to_string())
                .unwrap()
        };
        assert_eq!(at("收入"), "第 1 段");
        assert_eq!(at("308.97"), "第 2 段");
        assert_eq!(at("文本框"), "第 3 段");
        assert_eq!(at("名称"), "表格 1 第 1 行第 1 列，第 6 段");
        // The cell after one spanning two grid columns is grid column 3.
        assert_eq!(at("50.7"), "表格 1 第 1 行第 3 列，第 7 段");
    }

    #[test]
    fn huge_spans_do_not_overflow() {
        let blocks = body(concat!(
            r#"<w:p><w:r><w:t>收入支出决算总表</w:t></w:r></w:p>"#,
            r#"<w:tbl><w:tr><w:trPr><w:gridBefore w:val="4294967295"/></w:trPr>"#,
            r#"<w:tc><w:tcPr><w:gridSpan w:val="4294967295"/><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc>"#,
            r#"<w:tc><w:tcPr><w:gridSpan w:val="4294967295"/></w:tcPr><w:p><w:r><w:t>1.00</w:t></w:r></w:p></w:tc></w:tr>"#,
            r#"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"#,
        ));
        let out = render(&blocks);
        assert!(
            out.text.contains("项目") && out.text.contains("1.00"),
            "{}",
            out.text
        );
    }

    #[test]
    fn another_prefix_for_the_same_namespace_reads_the_same() {
        let xml = r#"<ns0:document xmlns:ns0="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><ns0:body><ns0:p><ns0:r><ns0:t>支出合计</ns0:t></ns0:r></ns0:p></ns0:body></ns0:document>"#;
        let b = read_body(xml.as_bytes(), "d", Numbering::default(), HashMap::new()).unwrap();
        assert_eq!(render(&b).text, "支出合计\n");
        let e = read_body(b"<x/>", "d", Numbering::default(), HashMap::new()).unwrap_err();
        assert_eq!(e, OfficeError::NoBody("d".into()));
    }
}
