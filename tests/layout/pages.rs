//! A generated case printed as pages: the page model the PDF reader makes
//! of a PDF (glyphs with their boxes, ruling lines), so the reading of
//! tables from geometry (src/input/pdf/layout.rs) meets the same layouts
//! as the text parser, plus what only a page has:
//! * glyphs of their real widths (a Chinese character twice a digit), a
//!   figure aligned to its column's right edge, a header centred over it;
//! * a ruled table (half the cases), header cells merged over the columns
//!   they head;
//! * half the tables, ruled or not, centre each row vertically: a figure
//!   and a code beside a label wrapped over two lines lie between its
//!   lines (as Word and WPS print a cell centred vertically), a one-line
//!   label in a row made taller by the other side's is centred too; the
//!   others keep the figures on the label's upper, middle or lower line;
//! * of the tables not ruled, half are three-line tables (三线表: a rule
//!   above and below the header and one under the last row, no vertical
//!   rules).
//!
//! Page breaks are where the text rendering put its form feeds.

use super::render::{Anchor, Band, Drawn};
use super::rng::Rng;
use super::Case;
use gouji::input::pdf::model::{Glyph, Page, Rect, Ruling};

/// Font size (points).
const SIZE: f64 = 10.0;
/// Distance between two text lines.
const PITCH: f64 = 16.0;
/// One character column of the text rendering: a Chinese character's
/// width.
const COL: f64 = 10.0;
const LEFT: f64 = 40.0;
const TOP: f64 = 50.0;

/// Pages, and where each figure's last digit was printed.
pub struct Printed {
    pub pages: Vec<Page>,
    /// Per cell of [`Case::cells`]: (page index, glyph index) of its last
    /// digit.
    pub last_digit: Vec<Option<(usize, usize)>>,
    pub ruled: bool,
    /// Rules above and below the header and under the last row only.
    pub three_line: bool,
    /// Figures centred beside wrapped labels (else on the label's upper,
    /// middle or lower line, as the text rendering has them).
    pub centred: bool,
}

/// A glyph's advance: full width for Chinese and full-width forms, half
/// for ASCII (digits, separators, spaces).
fn advance(c: char) -> f64 {
    if c.is_ascii() {
        COL / 2.0
    } else {
        COL
    }
}

/// One line's pieces: (character column, text, anchor, figure cell, where
/// it is printed when not on its own line: the band's first line and the
/// lines below it, fractional).
type LinePiece = (usize, String, Anchor, Option<usize>, Option<(usize, f64)>);

/// Print the case. Whether the table is ruled is drawn from a stream of
/// its own, so the case stays what the text tests see.
pub fn print(c: &Case) -> Printed {
    let mut own = Rng::new(c.seed ^ 0x9d6f_5eed);
    let ruled = own.chance(50);
    let centred = own.chance(50);
    let three_line = !ruled && own.chance(50);
    let (a, b) = c.table_range;
    let (head, table, tail) = (&c.text[..a], &c.text[a..b], &c.text[b..]);
    let d: &Drawn = &c.drawn;

    // Every line of the report with its pieces; the table's lines hold
    // the pieces the renderer put.
    let mut lines: Vec<(bool, Vec<LinePiece>)> = Vec::new();
    let plain = |line: &str| -> (bool, Vec<LinePiece>) {
        let ff = line.starts_with('\u{c}');
        let line = line.trim_start_matches('\u{c}');
        let indent = line.chars().take_while(|c| *c == ' ').count();
        let text = line.trim();
        let pieces = if text.is_empty() {
            Vec::new()
        } else {
            vec![(indent, text.to_owned(), Anchor::Left, None, None)]
        };
        (ff, pieces)
    };
    lines.extend(head.lines().map(plain));
    let first_table_line = lines.len();
    for l in table.lines() {
        lines.push((l.starts_with('\u{c}'), Vec::new()));
    }
    lines.extend(tail.lines().map(plain));
    let band_of = |line: usize| {
        d.bands
            .iter()
            .find(|b| b.first <= line && line < b.first + b.count)
            .copied()
    };
    // Centred, every cell of a body row is set around the middle of the
    // row's text lines: a figure or code on it, a label's lines around it
    // (a label as tall as the row stays where it is).
    let label_lines = |b: &Band, col: usize| {
        d.pieces
            .iter()
            .filter(|q| q.col == col && !q.beside_label)
            .filter(|q| b.first <= q.line && q.line < b.first + b.text_lines)
            .count()
    };
    for p in &d.pieces {
        let band = band_of(p.line).filter(|b| b.level.is_none() && b.text_lines > 1);
        let at = match band {
            Some(b) if centred => {
                let middle = (b.text_lines - 1) as f64 / 2.0;
                if p.beside_label {
                    Some((b.first, middle))
                } else {
                    let k = label_lines(&b, p.col);
                    let j = d.pieces[..]
                        .iter()
                        .filter(|q| q.col == p.col && !q.beside_label)
                        .filter(|q| b.first <= q.line && q.line < p.line)
                        .count();
                    Some((b.first, middle + j as f64 - (k as f64 - 1.0) / 2.0))
                }
            }
            _ => None,
        };
        lines[first_table_line + p.line]
            .1
            .push((p.col, p.text.clone(), p.anchor, p.cell, at));
    }

    // Lay the lines out on pages.
    let mut pages: Vec<Page> = Vec::new();
    let mut page_of_line = Vec::with_capacity(lines.len());
    let mut y_of_line = Vec::with_capacity(lines.len());
    let mut k = 0usize;
    for (i, (ff, _)) in lines.iter().enumerate() {
        if i == 0 || *ff {
            pages.push(Page {
                number: pages.len() + 1,
                width: 595.0,
                height: 842.0,
                ..Page::default()
            });
            k = 0;
        }
        page_of_line.push(pages.len() - 1);
        y_of_line.push(TOP + k as f64 * PITCH);
        k += 1;
    }
    let band_top = |b: &Band| y_of_line[first_table_line + b.first] - (PITCH - SIZE) / 2.0;
    let band_bottom = |b: &Band| {
        y_of_line[first_table_line + b.first + b.count - 1] + SIZE + (PITCH - SIZE) / 2.0
    };

    let mut last_digit = vec![None; c.cells.len()];
    for (i, (_, pieces)) in lines.iter().enumerate() {
        let page = &mut pages[page_of_line[i]];
        for (col, text, anchor, cell, at) in pieces {
            let n = text.chars().count() as f64;
            let w: f64 = text.chars().map(advance).sum();
            let x0 = match anchor {
                Anchor::Left => LEFT + *col as f64 * COL,
                Anchor::Right => LEFT + (*col as f64 + n) * COL - w,
                Anchor::Centre => LEFT + (*col as f64 + n / 2.0) * COL - w / 2.0,
            };
            let y = match at {
                Some((first, lines)) => y_of_line[first_table_line + first] + lines * PITCH,
                None => y_of_line[i],
            };
            let mut x = x0;
            for ch in text.chars() {
                if ch != ' ' {
                    if cell.is_some() && ch.is_ascii_digit() {
                        last_digit[cell.unwrap()] = Some((page_of_line[i], page.glyphs.len()));
                    }
                    page.glyphs.push(Glyph {
                        text: ch.to_string(),
                        bbox: Rect::new(x, y, x + advance(ch), y + SIZE),
                        size: SIZE,
                    });
                }
                x += advance(ch);
            }
        }
    }

    if ruled {
        let xs: Vec<f64> = d.verticals.iter().map(|v| LEFT + v.0 * COL).collect();
        let (x_min, x_max) = (
            xs.iter().copied().fold(f64::MAX, f64::min),
            xs.iter().copied().fold(f64::MIN, f64::max),
        );
        for b in &d.bands {
            let page = &mut pages[page_of_line[first_table_line + b.first]];
            let (top, bottom) = (band_top(b), band_bottom(b));
            for y in [top, bottom] {
                page.horizontal.push(Ruling {
                    pos: y,
                    from: x_min,
                    to: x_max,
                });
            }
            for (&x, &(_, level)) in xs.iter().zip(&d.verticals) {
                if b.level.is_none_or(|k| k >= level) {
                    page.vertical.push(Ruling {
                        pos: x,
                        from: top,
                        to: bottom,
                    });
                }
            }
        }
    }
    if three_line {
        let xs: Vec<f64> = d.verticals.iter().map(|v| LEFT + v.0 * COL).collect();
        let (from, to) = (
            xs.iter().copied().fold(f64::MAX, f64::min),
            xs.iter().copied().fold(f64::MIN, f64::max),
        );
        let mut rule = |b: &Band, y: f64| {
            pages[page_of_line[first_table_line + b.first]]
                .horizontal
                .push(Ruling { pos: y, from, to });
        };
        for (i, b) in d.bands.iter().enumerate() {
            let next = d.bands.get(i + 1);
            let page = |b: &Band| page_of_line[first_table_line + b.first];
            if b.level == Some(0) {
                rule(b, band_top(b));
            }
            let header_ends = b.level.is_some() && next.is_none_or(|n| n.level.is_none());
            let body_ends =
                b.level.is_none() && next.is_none_or(|n| n.level.is_some() || page(n) != page(b));
            if header_ends || body_ends {
                rule(b, band_bottom(b));
            }
        }
    }
    for p in &mut pages {
        let right = p.glyphs.iter().map(|g| g.bbox.x1).fold(0.0, f64::max);
        let bottom = p.glyphs.iter().map(|g| g.bbox.y1).fold(0.0, f64::max);
        p.width = p.width.max(right + LEFT);
        p.height = p.height.max(bottom + TOP);
    }
    Printed {
        pages,
        last_digit,
        ruled,
        three_line,
        centred,
    }
}
