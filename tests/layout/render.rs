//! Render a generated table as `pdftotext -layout` text, in one of many
//! layouts, and record where each figure landed (byte spans) and which
//! cell it is: the answer the parser must give, or abstain.
//!
//! Positions are characters (one column per `char`, CJK or ASCII alike),
//! as pdftotext lays lines out.

use super::model::{Form, GTable};
use super::rng::Rng;
use gouji::document::text::fold;
use rust_decimal::Decimal;

/// How the report prints a zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zero {
    Print,
    Blank,
    Dash,
}

/// Where the figures sit beside a wrapped label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigLine {
    Upper,
    Middle,
    Lower,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub yuan: bool,
    pub yuan_decimals: bool,
    pub thousands: bool,
    pub zero: Zero,
    /// Wrap labels longer than this many characters.
    pub wrap: Option<usize>,
    pub fig_line: FigLine,
    pub indent: usize,
    /// Per-column gaps (varying widths) or one gap.
    pub gaps: Vec<usize>,
    pub extra: Vec<usize>,
    pub left_aligned: bool,
    /// Page break before this body row, header repeated or not.
    pub page_break: Option<(usize, bool)>,
    /// Leaf headers (and label/code heads) printed over two lines.
    pub header_two_lines: bool,
    /// `编制部门：… 单位：元` on one line (else the unit alone, right).
    pub unit_with_dept: bool,
    /// Blank lines between some rows.
    pub blank_lines: bool,
    /// `项目` printed above the code and label columns.
    pub project_banner: bool,
    /// A footnote `注：…` after the table.
    pub note: bool,
    /// A page number printed at the foot of the page before the break
    /// (`- 1 -`, `第 1 页`, `1`); set by the case, not drawn here.
    pub page_number: Option<&'static str>,
}

impl Layout {
    pub fn random(rng: &mut Rng, t: &GTable) -> Layout {
        let ncols: usize = t.sides.iter().map(|s| s.cols.len() + 2).sum();
        let varying = rng.chance(50);
        let g = rng.range(1, 6);
        let nrows = t.sides.iter().map(|s| s.rows.len()).max().unwrap_or(1);
        Layout {
            yuan: rng.chance(50),
            yuan_decimals: rng.chance(50),
            thousands: rng.chance(60),
            zero: *rng.pick(&[Zero::Print, Zero::Print, Zero::Blank, Zero::Dash]),
            wrap: if rng.chance(55) {
                Some(rng.range(5, 12))
            } else {
                None
            },
            fig_line: *rng.pick(&[FigLine::Upper, FigLine::Middle, FigLine::Lower]),
            indent: rng.range(0, 4),
            gaps: (0..ncols)
                .map(|_| if varying { rng.range(1, 8) } else { g })
                .collect(),
            extra: (0..ncols)
                .map(|_| if varying { rng.range(0, 6) } else { 0 })
                .collect(),
            left_aligned: rng.chance(15),
            page_break: if nrows > 2 && rng.chance(35) {
                Some((rng.range(1, nrows - 1), rng.chance(50)))
            } else {
                None
            },
            header_two_lines: rng.chance(40),
            unit_with_dept: t.form != Form::Final && rng.chance(70) || rng.chance(20),
            blank_lines: rng.chance(30),
            project_banner: rng.chance(60),
            note: rng.chance(50),
            page_number: None,
        }
    }

    /// The layout's features, for counting abstentions by feature.
    pub fn features(&self, t: &GTable) -> Vec<String> {
        let mut f = vec![if self.yuan {
            if self.yuan_decimals {
                "元 (.00)"
            } else {
                "元"
            }
        } else {
            "万元"
        }
        .to_owned()];
        f.push(if self.thousands { "1,000" } else { "1000" }.into());
        f.push(
            match self.zero {
                Zero::Print => "zero printed",
                Zero::Blank => "zero blank",
                Zero::Dash => "zero as -",
            }
            .into(),
        );
        if self.wrap.is_some() {
            f.push(
                match self.fig_line {
                    FigLine::Upper => "wrapped, figures upper",
                    FigLine::Middle => "wrapped, figures middle",
                    FigLine::Lower => "wrapped, figures lower",
                }
                .into(),
            );
        } else {
            f.push("labels unwrapped".into());
        }
        if self.gaps.windows(2).any(|w| w[0] != w[1]) || self.extra.iter().any(|&e| e > 0) {
            f.push("varying widths".into());
        } else if self.gaps.first() == Some(&1) {
            f.push("gap 1".into());
        }
        if self.left_aligned {
            f.push("figures left-aligned".into());
        }
        match self.page_break {
            Some((_, true)) => f.push("page break, header repeated".into()),
            Some((_, false)) => f.push("page break, no header".into()),
            None => {}
        }
        if self.header_two_lines {
            f.push("header over two lines".into());
        }
        if self.page_break.is_some() && self.page_number.is_some() {
            f.push("page number at the break".into());
        }
        if self.blank_lines {
            f.push("blank lines".into());
        }
        if t.sides.len() == 2 {
            f.push("two-sided".into());
        }
        if t.split_codes {
            f.push("codes 类 款 项".into());
        }
        f
    }
}

/// A figure as printed, and the cell it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    pub start: usize,
    pub end: usize,
    pub side: Option<String>,
    /// The row's code, else its label (folded).
    pub row: String,
    /// The column path (folded).
    pub column: String,
    pub value: Decimal,
}

pub struct Rendered {
    pub text: String,
    pub cells: Vec<Expected>,
    /// What was drawn where, for printing the same table as a page.
    pub drawn: Drawn,
}

/// Which side of its place a piece of text is aligned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Left,
    Centre,
    Right,
}

/// One piece of text as put on the canvas.
#[derive(Debug, Clone)]
pub struct Piece {
    pub line: usize,
    pub col: usize,
    pub text: String,
    pub anchor: Anchor,
    /// Index into [`Rendered::cells`] when the piece is a figure.
    pub cell: Option<usize>,
    /// A figure or code beside a label: a page centres it on its row.
    pub beside_label: bool,
}

/// A ruled row of the table: lines `first..first + count`; `level` is its
/// place in the header (0 = top), None for a body row, whose text takes
/// its first `text_lines` lines (a blank line may follow).
#[derive(Debug, Clone, Copy)]
pub struct Band {
    pub first: usize,
    pub count: usize,
    pub level: Option<usize>,
    pub text_lines: usize,
}

/// The table as drawn: its pieces, its rows (header and body, in line
/// order, a repeated header again) and its column boundaries.
#[derive(Debug, Clone, Default)]
pub struct Drawn {
    pub pieces: Vec<Piece>,
    pub bands: Vec<Band>,
    /// Column boundaries (in character columns) and the header level
    /// from which each runs down: a boundary inside a merged header cell
    /// starts below it.
    pub verticals: Vec<(f64, usize)>,
}

struct Canvas {
    lines: Vec<(String, Vec<char>)>,
    pieces: Vec<Piece>,
}

impl Canvas {
    fn line(&mut self) -> usize {
        self.lines.push((String::new(), Vec::new()));
        self.lines.len() - 1
    }

    /// Put `s` left-aligned at column `col` of line `l`.
    fn put(&mut self, l: usize, col: usize, s: &str) -> usize {
        self.put_as(l, col, s, Anchor::Left)
    }

    /// Put `s` at column `col` of line `l`; pushed right past any text
    /// already there (as pdftotext does), keeping one space before it.
    fn put_as(&mut self, l: usize, col: usize, s: &str, anchor: Anchor) -> usize {
        let n = s.chars().count();
        let line = &mut self.lines[l].1;
        let mut col = col;
        loop {
            let lo = col.saturating_sub(1);
            let busy = (lo..col + n + 1).any(|i| line.get(i).is_some_and(|c| *c != ' '));
            if !busy {
                break;
            }
            col += 1;
        }
        if line.len() < col + n {
            line.resize(col + n, ' ');
        }
        for (i, c) in s.chars().enumerate() {
            line[col + i] = c;
        }
        self.pieces.push(Piece {
            line: l,
            col,
            text: s.to_owned(),
            anchor,
            cell: None,
            beside_label: false,
        });
        col
    }

    fn byte_at(&self, l: usize, col: usize) -> usize {
        let before: usize = self.lines[..l]
            .iter()
            .map(|(p, c)| p.len() + trimmed(c).iter().map(|c| c.len_utf8()).sum::<usize>() + 1)
            .sum();
        let (p, c) = &self.lines[l];
        before + p.len() + c[..col].iter().map(|c| c.len_utf8()).sum::<usize>()
    }

    fn text(&self) -> String {
        let mut s = String::new();
        for (p, c) in &self.lines {
            s.push_str(p);
            s.extend(trimmed(c));
            s.push('\n');
        }
        s
    }
}

fn trimmed(c: &[char]) -> &[char] {
    let n = c.iter().rposition(|c| *c != ' ').map_or(0, |i| i + 1);
    &c[..n]
}

/// A printed figure (text, value), or None for a blank cell.
type Figure = Option<(String, Decimal)>;

/// A figure (hundredths of 万元) as the layout prints it; None: blank.
fn figure(l: &Layout, v: i64) -> Option<(String, Decimal)> {
    if v == 0 {
        match l.zero {
            Zero::Blank => return None,
            Zero::Dash => return Some(("-".into(), Decimal::ZERO)),
            Zero::Print => {}
        }
    }
    let (int, frac) = if l.yuan {
        (v * 100, if l.yuan_decimals { Some(0) } else { None })
    } else {
        (v / 100, Some(v % 100))
    };
    let mut digits = int.to_string();
    if l.thousands {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        digits = out;
    }
    let text = match frac {
        Some(f) => format!("{digits}.{f:02}"),
        None => digits,
    };
    let value = match frac {
        Some(f) => Decimal::new(int * 100 + f, 2),
        None => Decimal::from(int),
    };
    Some((text, value))
}

/// Cut `s` into pieces of at most `w` characters.
fn wrap(s: &str, w: Option<usize>) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    match w {
        Some(w) if chars.len() > w => chars.chunks(w).map(|c| c.iter().collect()).collect(),
        _ => vec![s.to_owned()],
    }
}

/// Split a header text over two lines (when it has more than 3 chars).
fn two_lines(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 3 {
        return vec![s.to_owned()];
    }
    let h = chars.len().div_ceil(2);
    vec![chars[..h].iter().collect(), chars[h..].iter().collect()]
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Column geometry of one side.
struct Geo {
    code: Option<(usize, usize)>,
    label: Option<(usize, usize)>,
    /// (start, width) per value column
    cols: Vec<(usize, usize)>,
    end: usize,
}

fn code_text(code: &str, split: bool) -> String {
    if !split {
        return code.to_owned();
    }
    let mut s = code[..3.min(code.len())].to_owned();
    if code.len() >= 5 {
        s.push_str("   ");
        s.push_str(&code[3..5]);
    }
    if code.len() >= 7 {
        s.push_str("   ");
        s.push_str(&code[5..7]);
    }
    s
}

pub fn render(t: &GTable, l: &Layout, rng: &mut Rng) -> Rendered {
    // Texts of every cell, per side and row.
    // per side, row and column: the figure as printed and its value
    let figs: Vec<Vec<Vec<Figure>>> = t
        .sides
        .iter()
        .map(|s| {
            s.rows
                .iter()
                .map(|r| {
                    r.cells
                        .iter()
                        .map(|c| c.and_then(|v| figure(l, v)))
                        .collect()
                })
                .collect()
        })
        .collect();
    let labels: Vec<Vec<Vec<String>>> = t
        .sides
        .iter()
        .map(|s| s.rows.iter().map(|r| wrap(&r.label, l.wrap)).collect())
        .collect();
    let head_pieces = |s: &str| -> Vec<String> {
        if l.header_two_lines {
            two_lines(s)
        } else {
            vec![s.to_owned()]
        }
    };

    // Geometry.
    let mut geos = Vec::new();
    let mut x = l.indent;
    let mut gi = 0;
    let mut gap = || {
        gi += 1;
        l.gaps[(gi - 1) % l.gaps.len()]
    };
    let mut ei = 0;
    let mut extra = || {
        ei += 1;
        l.extra[(ei - 1) % l.extra.len()]
    };
    for (si, s) in t.sides.iter().enumerate() {
        if si > 0 {
            x += gap() + 1;
        }
        let code = s.code_head.map(|h| {
            let mut w = s
                .rows
                .iter()
                .filter_map(|r| r.code.as_deref())
                .map(|c| width(&code_text(c, t.split_codes)))
                .max()
                .unwrap_or(3);
            w = w.max(head_pieces(h).iter().map(|p| width(p)).max().unwrap_or(0));
            let g = (x, w);
            x += w + gap() + 1;
            g
        });
        let label = s.label_head.map(|h| {
            let w = labels[si]
                .iter()
                .flatten()
                .map(|p| width(p))
                .chain(head_pieces(h).iter().map(|p| width(p)))
                .max()
                .unwrap_or(2);
            let g = (x, w);
            x += w;
            g
        });
        let mut cols = Vec::new();
        for (ci, c) in s.cols.iter().enumerate() {
            x += gap() + 1;
            let fw = figs[si]
                .iter()
                .filter_map(|r| r[ci].as_ref())
                .map(|(t, _)| width(t))
                .max()
                .unwrap_or(1);
            let hw = c
                .head
                .last()
                .map(|h| head_pieces(h).iter().map(|p| width(p)).max().unwrap_or(0))
                .unwrap_or(0);
            let w = fw.max(hw) + extra();
            cols.push((x, w));
            x += w;
        }
        geos.push(Geo {
            code,
            label,
            cols,
            end: x,
        });
    }
    let total_width = x;

    let mut cv = Canvas {
        lines: Vec::new(),
        pieces: Vec::new(),
    };
    // Title and unit line.
    let tl = cv.line();
    let tw = width(&t.title);
    cv.put(
        tl,
        (total_width.saturating_sub(tw) / 2).max(l.indent),
        &t.title,
    );
    let unit = if l.yuan {
        "单位：元"
    } else {
        "单位：万元"
    };
    let ul = cv.line();
    if l.unit_with_dept {
        let who = if t.form == Form::Unit {
            "编制单位：上海市普陀区示例所"
        } else {
            "编制部门：上海市普陀区示例局"
        };
        cv.put(ul, 0, who);
    }
    cv.put(ul, total_width.saturating_sub(width(unit)).max(30), unit);

    // Header.
    let header_start = cv.lines.len();
    let header_pieces = cv.pieces.len();
    let (header_bands, project_level) = render_header(&mut cv, t, l, &geos, &head_pieces);
    let header_end = cv.lines.len();
    let header_copy: Vec<Piece> = cv.pieces[header_pieces..].to_vec();
    let mut bands = header_bands.clone();

    // Body.
    let mut cells = Vec::new();
    let nrows = t.sides.iter().map(|s| s.rows.len()).max().unwrap_or(0);
    let mut pending_ff = false;
    for p in 0..nrows {
        if let Some((at, repeat)) = l.page_break {
            if at == p {
                if let Some(number) = l.page_number {
                    let ln = cv.line();
                    cv.put(ln, total_width / 2, number);
                }
                if repeat {
                    let copy: Vec<(String, Vec<char>)> =
                        cv.lines[header_start..header_end].to_vec();
                    let first = cv.lines.len();
                    cv.lines.extend(copy);
                    cv.lines[first].0.insert(0, '\u{c}');
                    let moved = |line: usize| line - header_start + first;
                    cv.pieces.extend(header_copy.iter().map(|p| Piece {
                        line: moved(p.line),
                        ..p.clone()
                    }));
                    bands.extend(header_bands.iter().map(|b| Band {
                        first: moved(b.first),
                        ..*b
                    }));
                } else {
                    pending_ff = true;
                }
            }
        }
        let h = t
            .sides
            .iter()
            .enumerate()
            .filter(|(_, s)| p < s.rows.len())
            .map(|(si, _)| labels[si][p].len())
            .max()
            .unwrap_or(1);
        let pos = |k: usize| match l.fig_line {
            FigLine::Upper => 0,
            FigLine::Middle => (k - 1) / 2,
            FigLine::Lower => k - 1,
        };
        let f = pos(h);
        let first = cv.lines.len();
        for _ in 0..h {
            cv.line();
        }
        if std::mem::take(&mut pending_ff) {
            cv.lines[first].0.insert(0, '\u{c}');
        }
        for (si, s) in t.sides.iter().enumerate() {
            let Some(row) = s.rows.get(p) else { continue };
            let g = &geos[si];
            let pieces = &labels[si][p];
            let start = f - pos(pieces.len());
            if let (Some((lx, _)), false) = (g.label, row.label.is_empty()) {
                for (i, piece) in pieces.iter().enumerate() {
                    cv.put(first + start + i, lx, piece);
                }
            }
            if let (Some((cx, _)), Some(code)) = (g.code, row.code.as_deref()) {
                cv.put(first + f, cx, &code_text(code, t.split_codes));
                cv.pieces.last_mut().expect("just put").beside_label = true;
            }
            for (ci, fig) in figs[si][p].iter().enumerate() {
                let Some((text, value)) = fig else { continue };
                let (cx, w) = g.cols[ci];
                let at = if l.left_aligned {
                    cx
                } else {
                    cx + w - width(text)
                };
                let anchor = if l.left_aligned {
                    Anchor::Left
                } else {
                    Anchor::Right
                };
                let col = cv.put_as(first + f, at, text, anchor);
                let piece = cv.pieces.last_mut().expect("just put");
                piece.beside_label = true;
                if text == "-" {
                    continue;
                }
                piece.cell = Some(cells.len());
                cells.push((
                    first + f,
                    col,
                    text.clone(),
                    Expected {
                        start: 0,
                        end: 0,
                        side: s.name.map(str::to_owned),
                        row: row.code.clone().unwrap_or_else(|| fold(&row.label)),
                        column: fold(s.cols[ci].path),
                        value: *value,
                    },
                ));
            }
        }
        let mut count = h;
        if l.blank_lines && rng.chance(50) {
            cv.line();
            count += 1;
        }
        bands.push(Band {
            first,
            count,
            level: None,
            text_lines: h,
        });
    }
    if l.note {
        let nl = cv.line();
        cv.put(nl, l.indent, "注：本表反映本年度的相关情况。");
    }
    let text = cv.text();
    let cells = cells
        .into_iter()
        .map(|(ln, col, s, mut e)| {
            e.start = cv.byte_at(ln, col);
            e.end = e.start + s.len();
            debug_assert_eq!(&text[e.start..e.end], s);
            e
        })
        .collect();
    let verticals = verticals(t, &geos, &header_bands, project_level);
    Rendered {
        text,
        cells,
        drawn: Drawn {
            pieces: cv.pieces,
            bands,
            verticals,
        },
    }
}

/// The column boundaries of a ruled table, each with the header level
/// from which it runs down. The outer edges and the edges between sides
/// run from the top; inside a side, below the side's banner; between the
/// code and the label, below `项目`; between two value columns, below the
/// last group heading the two share.
fn verticals(
    t: &GTable,
    geos: &[Geo],
    header: &[Band],
    project_level: Option<usize>,
) -> Vec<(f64, usize)> {
    let banner = usize::from(t.sides.iter().any(|s| s.banner.is_some()));
    let depth = t
        .sides
        .iter()
        .flat_map(|s| s.cols.iter().map(|c| c.head.len()))
        .max()
        .unwrap_or(1);
    // Header bands: banner?, project (alone)?, group levels, leaves, 类款项?
    let groups_at = header.len()
        - 1
        - depth.saturating_sub(1)
        - usize::from(t.split_codes && geos.iter().any(|g| g.code.is_some()));
    let leaf_at = groups_at + depth.saturating_sub(1);
    let between = |a: usize, b: usize| (a as f64 + b as f64) / 2.0;
    let mut out = Vec::new();
    for (si, (s, g)) in t.sides.iter().zip(geos).enumerate() {
        let mut edges: Vec<(usize, usize)> = Vec::new(); // (start, end) per column
        edges.extend(g.code.map(|(x, w)| (x, x + w)));
        edges.extend(g.label.map(|(x, w)| (x, x + w)));
        edges.extend(g.cols.iter().map(|&(x, w)| (x, x + w)));
        let first = edges.first().map_or(0, |e| e.0);
        if si == 0 {
            out.push((first as f64 - 1.0, 0));
        }
        let lead = usize::from(g.code.is_some()) + usize::from(g.label.is_some());
        for k in 1..edges.len() {
            let x = between(edges[k - 1].1, edges[k].0);
            let level = if k < lead {
                project_level.map_or(banner, |p| p + 1)
            } else if k == lead {
                banner
            } else {
                let (a, b) = (&s.cols[k - lead - 1], &s.cols[k - lead]);
                (0..depth.saturating_sub(1))
                    .find(|&l| {
                        a.head.len() < l + 2 || b.head.len() < l + 2 || a.head[..=l] != b.head[..=l]
                    })
                    .map_or(leaf_at, |l| groups_at + l)
            };
            out.push((x, level));
        }
        let end = edges.last().map_or(first, |e| e.1);
        out.push((end as f64 + 1.0, 0));
    }
    out
}

/// The header lines: side banners, group levels, leaves (one or two lines),
/// and the 类 款 项 line of split codes. Returns the header's rows as a
/// page would rule them, and the level of a `项目` line of its own.
fn render_header(
    cv: &mut Canvas,
    t: &GTable,
    l: &Layout,
    geos: &[Geo],
    head_pieces: &dyn Fn(&str) -> Vec<String>,
) -> (Vec<Band>, Option<usize>) {
    let mut bands: Vec<Band> = Vec::new();
    let band = |bands: &mut Vec<Band>, first: usize, count: usize| {
        let level = Some(bands.len());
        bands.push(Band {
            first,
            count,
            level,
            text_lines: count,
        });
    };
    let mut project_level = None;
    let center = |cv: &mut Canvas, ln: usize, x: usize, w: usize, s: &str| {
        let sw = width(s);
        cv.put_as(ln, x + w.saturating_sub(sw) / 2, s, Anchor::Centre);
    };
    if t.sides.iter().any(|s| s.banner.is_some()) {
        let ln = cv.line();
        band(&mut bands, ln, 1);
        for (s, g) in t.sides.iter().zip(geos) {
            if let Some(b) = s.banner {
                let x0 = g.label.map_or(g.cols[0].0, |(x, _)| x);
                center(cv, ln, x0, g.end - x0, b);
            }
        }
    }
    let depth = t
        .sides
        .iter()
        .flat_map(|s| s.cols.iter().map(|c| c.head.len()))
        .max()
        .unwrap_or(1);
    let coded = t.sides.iter().any(|s| s.code_head.is_some());
    if l.project_banner && coded && depth == 1 {
        let ln = cv.line();
        project_level = Some(bands.len());
        band(&mut bands, ln, 1);
        project(cv, ln, geos, &center);
    }
    // Group levels 0..depth-1.
    for level in 0..depth.saturating_sub(1) {
        let ln = cv.line();
        if level == 0 && l.project_banner && coded {
            project_level = Some(bands.len());
            project(cv, ln, geos, &center);
        }
        band(&mut bands, ln, 1);
        for (s, g) in t.sides.iter().zip(geos) {
            let mut ci = 0;
            while ci < s.cols.len() {
                let c = &s.cols[ci];
                if c.head.len() < 2 || level >= c.head.len() - 1 {
                    ci += 1;
                    continue;
                }
                let key = &c.head[..=level];
                let mut cj = ci;
                while cj + 1 < s.cols.len()
                    && s.cols[cj + 1].head.len() > level + 1
                    && &s.cols[cj + 1].head[..=level] == key
                {
                    cj += 1;
                }
                let x0 = g.cols[ci].0;
                let x1 = g.cols[cj].0 + g.cols[cj].1;
                center(cv, ln, x0, x1 - x0, c.head[level]);
                ci = cj + 1;
            }
        }
    }
    // Leaf line(s).
    let n = if l.header_two_lines { 2 } else { 1 };
    let first = cv.lines.len();
    for _ in 0..n {
        cv.line();
    }
    band(&mut bands, first, n);
    for (s, g) in t.sides.iter().zip(geos) {
        let put_pieces = |cv: &mut Canvas, x: usize, w: usize, text: &str| {
            let pieces = head_pieces(text);
            let off = n - pieces.len();
            for (i, p) in pieces.iter().enumerate() {
                center(cv, first + off / 2 + i, x, w, p);
            }
        };
        if let (Some(h), Some((x, w))) = (s.code_head, g.code) {
            put_pieces(cv, x, w, h);
        }
        if let (Some(h), Some((x, w))) = (s.label_head, g.label) {
            put_pieces(cv, x, w, h);
        }
        for (c, &(x, w)) in s.cols.iter().zip(&g.cols) {
            if let Some(leaf) = c.head.last() {
                put_pieces(cv, x, w, leaf);
            }
        }
    }
    if t.split_codes {
        let ln = cv.line();
        if geos.iter().any(|g| g.code.is_some()) {
            band(&mut bands, ln, 1);
        }
        for g in geos {
            if let Some((cx, _)) = g.code {
                cv.put(ln, cx, "类");
                cv.put(ln, cx + 6, "款");
                cv.put(ln, cx + 11, "项");
            }
        }
    }
    (bands, project_level)
}

/// `项目` over the code and label columns.
fn project(
    cv: &mut Canvas,
    ln: usize,
    geos: &[Geo],
    center: &dyn Fn(&mut Canvas, usize, usize, usize, &str),
) {
    for g in geos {
        if let (Some((cx, _)), Some((lx, lw))) = (g.code, g.label) {
            center(cv, ln, cx, lx + lw - cx, "项目");
        }
    }
}
