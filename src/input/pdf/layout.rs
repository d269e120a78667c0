//! Page model → text in the shape `pdftotext -layout` produces (lines with
//! their x positions kept as spaces, pages ended by a form feed), so the
//! text parser and every rule read a PDF as they read extracted text.
//!
//! Unlike `pdftotext`, a ruled table is read by its boxes: each band
//! between two horizontal rulings is one text line, and the text inside
//! one cell (a label wrapped over several lines, a figure centred
//! vertically beside it) is joined into that line at the cell's x
//! position. Text outside ruled tables is grouped into lines by baseline.

use super::model::{Glyph, Page, Rect, Ruling, TextRun};

/// A piece of the rendered text and where it was printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// Byte range in the rendered text.
    pub start: usize,
    pub end: usize,
    /// 1-based page number.
    pub page: usize,
    /// Box on the page (points, top-left origin, y down).
    pub bbox: Rect,
}

/// The text rendering of a document and where each piece came from.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub text: String,
    /// Byte offset where each page's text starts (index 0 = page 1).
    pub page_starts: Vec<usize>,
    /// Page heights (to convert boxes to PDF's bottom-left origin).
    pub page_heights: Vec<f64>,
    /// Every emitted piece, in text order.
    pub regions: Vec<Region>,
}

/// Lay out every page; pages are separated by form feeds.
pub fn render(pages: &[Page]) -> Rendered {
    let mut out = Rendered::default();
    for (i, page) in pages.iter().enumerate() {
        if i > 0 {
            out.text.push('\u{c}');
        }
        out.page_starts.push(out.text.len());
        out.page_heights.push(page.height);
        render_page(page, &mut out);
    }
    out
}

/// Which side of its cell a piece of a ruled table is aligned to, so the
/// rendering keeps that side at its x position (a centred header and the
/// right-aligned figures under it then share character columns, though
/// a Chinese character is wider than a column).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Anchor {
    Left,
    Centre,
    Right,
    /// Centred at this x (a header over the figures of its column).
    CentreAt(f64),
}

/// One piece of a line: text placed at an x position.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    bbox: Rect,
    anchor: Anchor,
}

/// A line of output: its top y and its pieces, left to right.
#[derive(Debug, Clone)]
struct OutLine {
    y: f64,
    bottom: f64,
    size: f64,
    pieces: Vec<Piece>,
}

fn render_page(page: &Page, out: &mut Rendered) {
    let h = merge_rulings(&page.horizontal);
    let v = merge_rulings(&page.vertical);
    let runs = runs(&page.glyphs, &v);
    let grids = grids(&h, &v);
    let mut in_grid: Vec<Vec<TextRun>> = vec![Vec::new(); grids.len()];
    let mut free: Vec<TextRun> = Vec::new();
    for r in runs {
        match grids
            .iter()
            .position(|g| g.bbox.contains_point(r.bbox.cx(), r.bbox.cy()))
        {
            Some(gi) => in_grid[gi].push(r),
            None => free.push(r),
        }
    }
    let mut lines: Vec<OutLine> = Vec::new();
    for (g, rs) in grids.iter().zip(in_grid) {
        lines.extend(grid_lines(g, rs));
    }
    lines.extend(free_lines(free));
    lines.sort_by(|a, b| a.y.total_cmp(&b.y));
    let unit = column_unit(&page.glyphs, !grids.is_empty());
    // Columns count from the page's leftmost text, as in pdftotext.
    let left = lines
        .iter()
        .flat_map(|l| l.pieces.iter().map(|p| p.bbox.x0))
        .fold(f64::MAX, f64::min);
    let mut prev_bottom: Option<(f64, f64)> = None;
    for line in lines {
        if line.pieces.is_empty() {
            continue;
        }
        if let Some((bottom, size)) = prev_bottom {
            // A gap of more than a line's height shows as a blank line.
            if line.y - bottom > 1.2 * size.max(line.size) {
                out.text.push('\n');
            }
        }
        let mut col = 0usize;
        for (k, p) in line.pieces.iter().enumerate() {
            let n = p.text.chars().count() as f64;
            let start = match p.anchor {
                Anchor::Left => (p.bbox.x0 - left) / unit,
                Anchor::Centre => (p.bbox.cx() - left) / unit - n / 2.0,
                Anchor::Right => (p.bbox.x1 - left) / unit - n,
                Anchor::CentreAt(x) => (x - left) / unit - n / 2.0,
            };
            let target = start.round().max(0.0) as usize;
            let at = if k == 0 { target } else { target.max(col + 2) };
            out.text.extend(std::iter::repeat_n(' ', at - col));
            let start = out.text.len();
            out.text.push_str(&p.text);
            out.regions.push(Region {
                start,
                end: out.text.len(),
                page: page.number,
                bbox: p.bbox,
            });
            col = at + p.text.chars().count();
        }
        out.text.push('\n');
        prev_bottom = Some((line.bottom, line.size));
    }
}

/// Points per character column. On a page with a ruled table: half the
/// median glyph size (the width of a digit), so figures keep their
/// alignment. On other pages: the median glyph width (a Chinese character
/// on a page of prose), as `pdftotext` counts, so a line's indent in
/// columns does not depend on the font size.
fn column_unit(glyphs: &[Glyph], ruled: bool) -> f64 {
    if glyphs.is_empty() {
        return 5.0;
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let size = median(glyphs.iter().map(|g| g.size).collect());
    if ruled {
        return (size / 2.0).clamp(2.5, 10.0);
    }
    let width = median(glyphs.iter().map(|g| g.bbox.width()).collect());
    width.clamp(0.45 * size, 1.1 * size).clamp(2.5, 40.0)
}

/// A glyph set on the full-width grid (ideographs, CJK punctuation and
/// full-width forms): between two of them a gap is spacing, not a word
/// break. Wider than `document::text::is_cjk`, which asks whether a
/// character is an ideograph.
fn sets_full_width(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Glyphs → lines by baseline → runs split at wide gaps and at vertical
/// rulings that cross the line.
fn runs(glyphs: &[Glyph], vertical: &[Ruling]) -> Vec<TextRun> {
    let mut order: Vec<&Glyph> = glyphs.iter().collect();
    order.sort_by(|a, b| a.bbox.cy().total_cmp(&b.bbox.cy()));
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    let mut centre = 0.0f64;
    let mut size = 0.0f64;
    for g in order {
        match lines.last_mut() {
            Some(line) if (g.bbox.cy() - centre).abs() <= 0.3 * g.size.max(size) => {
                line.push(g);
                let n = line.len() as f64;
                centre += (g.bbox.cy() - centre) / n;
                size = size.max(g.size);
            }
            _ => {
                lines.push(vec![g]);
                centre = g.bbox.cy();
                size = g.size;
            }
        }
    }
    let mut out = Vec::new();
    for mut line in lines {
        line.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
        let mut cur: Option<TextRun> = None;
        let mut prev_cx = 0.0f64;
        for g in line {
            let after = std::mem::replace(&mut prev_cx, g.bbox.cx());
            if let Some(run) = cur.as_mut() {
                let gap = g.bbox.x0 - run.bbox.x1;
                let em = g.size.max(run.size);
                let crossed = vertical.iter().any(|v| {
                    v.pos > after
                        && v.pos < g.bbox.cx()
                        && v.from <= g.bbox.cy()
                        && g.bbox.cy() <= v.to
                });
                if gap > 0.9 * em || crossed {
                    out.push(cur.take().expect("run"));
                } else {
                    let last = run.text.chars().last().unwrap_or(' ');
                    let first = g.text.chars().next().unwrap_or(' ');
                    if gap > 0.2 * em && !(sets_full_width(last) && sets_full_width(first)) {
                        run.text.push(' ');
                    }
                    run.text.push_str(&g.text);
                    run.bbox = run.bbox.union(&g.bbox);
                    run.size = run.size.max(g.size);
                    continue;
                }
            }
            cur = Some(TextRun {
                text: g.text.clone(),
                bbox: g.bbox,
                size: g.size,
            });
        }
        out.extend(cur);
    }
    out
}

/// Collinear rulings that touch or overlap become one.
fn merge_rulings(rs: &[Ruling]) -> Vec<Ruling> {
    let mut rs = rs.to_vec();
    rs.sort_by(|a, b| a.pos.total_cmp(&b.pos).then(a.from.total_cmp(&b.from)));
    let mut out: Vec<Ruling> = Vec::new();
    // Group by position (within 1 pt), then merge extents in each group.
    let mut i = 0;
    while i < rs.len() {
        let mut j = i;
        while j + 1 < rs.len() && rs[j + 1].pos - rs[i].pos <= 1.0 {
            j += 1;
        }
        let mut group: Vec<Ruling> = rs[i..=j].to_vec();
        group.sort_by(|a, b| a.from.total_cmp(&b.from));
        let pos = group.iter().map(|r| r.pos).sum::<f64>() / group.len() as f64;
        let mut cur: Option<Ruling> = None;
        for r in group {
            match cur.as_mut() {
                Some(c) if r.from <= c.to + 2.0 => c.to = c.to.max(r.to),
                _ => {
                    out.extend(cur.take());
                    cur = Some(Ruling {
                        pos,
                        from: r.from,
                        to: r.to,
                    });
                }
            }
        }
        out.extend(cur);
        i = j + 1;
    }
    out
}

/// A ruled table: the positions of its lines.
#[derive(Debug, Clone)]
struct Grid {
    bbox: Rect,
    /// Distinct y of its horizontal rulings, top to bottom.
    ys: Vec<f64>,
    /// Distinct x of its vertical rulings, left to right.
    xs: Vec<f64>,
}

/// Connected sets of horizontal and vertical rulings that cross or touch,
/// with at least two columns and one band, are ruled tables.
fn grids(h: &[Ruling], v: &[Ruling]) -> Vec<Grid> {
    const TOL: f64 = 2.0;
    let n = h.len() + v.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for (i, a) in h.iter().enumerate() {
        for (j, b) in v.iter().enumerate() {
            if b.pos >= a.from - TOL
                && b.pos <= a.to + TOL
                && a.pos >= b.from - TOL
                && a.pos <= b.to + TOL
            {
                let (x, y) = (find(&mut parent, i), find(&mut parent, h.len() + j));
                if x != y {
                    parent[x] = y;
                }
            }
        }
    }
    let mut comps: std::collections::BTreeMap<usize, (Vec<Ruling>, Vec<Ruling>)> =
        Default::default();
    for (i, r) in h.iter().enumerate() {
        let root = find(&mut parent, i);
        comps.entry(root).or_default().0.push(*r);
    }
    for (j, r) in v.iter().enumerate() {
        let root = find(&mut parent, h.len() + j);
        comps.entry(root).or_default().1.push(*r);
    }
    let mut out = Vec::new();
    for (hs, vs) in comps.into_values() {
        let ys = distinct(hs.iter().map(|r| r.pos));
        let xs = distinct(vs.iter().map(|r| r.pos));
        if ys.len() < 2 || xs.len() < 3 {
            continue;
        }
        let bbox = Rect::new(
            xs[0] - 1.0,
            ys[0] - 1.0,
            xs[xs.len() - 1] + 1.0,
            ys[ys.len() - 1] + 1.0,
        );
        out.push(Grid { bbox, ys, xs });
    }
    out
}

/// Sorted positions with those within 2 pt of each other taken as one.
fn distinct(it: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut all: Vec<f64> = it.collect();
    all.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for p in all {
        match out.last() {
            Some(&last) if p - last <= 2.0 => {}
            _ => out.push(p),
        }
    }
    out
}

/// Index of the interval of `bounds` (sorted) that holds `x`, clamped.
fn slot(bounds: &[f64], x: f64) -> usize {
    let i = bounds.partition_point(|&b| b <= x);
    i.saturating_sub(1).min(bounds.len().saturating_sub(2))
}

/// One text line per band of a ruled table: each cell's text joined.
fn grid_lines(g: &Grid, runs: Vec<TextRun>) -> Vec<OutLine> {
    // (band, column) → runs
    let mut cells: std::collections::BTreeMap<(usize, usize), Vec<TextRun>> = Default::default();
    for r in runs {
        let band = slot(&g.ys, r.bbox.cy());
        let col = slot(&g.xs, r.bbox.x0 + 0.5);
        cells.entry((band, col)).or_default().push(r);
    }
    // A band with a figure is a row of the table: one line. A band of text
    // only (a header) keeps its lines, as printed.
    let mut with_figures = std::collections::BTreeSet::new();
    for (&(band, _), rs) in &cells {
        if rs.iter().any(|r| is_figure(&r.text)) {
            with_figures.insert(band);
        }
    }
    // Per band, its pieces with the column each starts in.
    let mut bands: std::collections::BTreeMap<usize, Vec<(usize, Piece)>> = Default::default();
    for ((band, col), mut rs) in cells {
        let (cx0, cx1) = (g.xs[col], g.xs[col + 1]);
        let join = with_figures.contains(&band);
        rs.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
        // Runs that overlap in x (one under the other) are one column of
        // the cell: a wrapped label, a centred figure.
        let mut groups: Vec<Piece> = Vec::new();
        for r in rs {
            match groups.iter_mut().find(|p| {
                join && r.bbox.x0 < p.bbox.x1
                    && p.bbox.x0 < r.bbox.x1
                    && r.bbox.cy() > p.bbox.y1 - 0.3 * r.size
            }) {
                Some(p) => {
                    p.text.push_str(&r.text);
                    p.bbox = p.bbox.union(&r.bbox);
                }
                None => groups.push(Piece {
                    text: r.text,
                    bbox: r.bbox,
                    anchor: Anchor::Left,
                }),
            }
        }
        for p in &mut groups {
            let (l, r) = (p.bbox.x0 - cx0, cx1 - p.bbox.x1);
            let slack = (cx1 - cx0 - p.bbox.width()).max(0.0);
            let near = 0.25 * slack + 4.0;
            p.anchor = if r < -1.0 {
                // Wider than its first column: a merged header cell.
                Anchor::Centre
            } else if l <= r && l <= near {
                Anchor::Left
            } else if r < l && r <= near {
                Anchor::Right
            } else {
                Anchor::Centre
            };
        }
        bands
            .entry(band)
            .or_default()
            .extend(groups.into_iter().map(|p| (col, p)));
    }
    // A header centred in its cell is set over the figures of its column:
    // in a wide cell the figures, aligned right, lie far from the cell's
    // centre, nearer the next column's header than their own.
    let mut figures: std::collections::BTreeMap<usize, Rect> = Default::default();
    for (_, pieces) in bands.iter().filter(|(b, _)| with_figures.contains(b)) {
        for (col, p) in pieces.iter().filter(|(_, p)| is_figure(&p.text)) {
            figures
                .entry(*col)
                .and_modify(|r| *r = r.union(&p.bbox))
                .or_insert(p.bbox);
        }
    }
    for (_, pieces) in bands.iter_mut().filter(|(b, _)| !with_figures.contains(b)) {
        for (col, p) in pieces.iter_mut() {
            let within = p.bbox.x1 <= g.xs[*col + 1] + 1.0;
            if let (Anchor::Centre, true, Some(f)) = (p.anchor, within, figures.get(col)) {
                p.anchor = Anchor::CentreAt(f.cx());
            }
        }
    }
    let mut out = Vec::new();
    for (band, pieces) in bands {
        let mut pieces: Vec<Piece> = pieces.into_iter().map(|(_, p)| p).collect();
        if with_figures.contains(&band) {
            pieces.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
            out.push(line_of(pieces));
        } else {
            out.extend(by_baseline(pieces));
        }
    }
    out
}

/// A figure as the table parser reads one: digits with thousands commas,
/// a decimal point, a sign. Looser than [`is_amount`] (a date range
/// passes): it decides which bands of a ruled table are rows to be joined
/// into one line, where a 实施周期 `2025.1.1-2025.12.31` cell is one too.
fn is_figure(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '−' | '%'))
}

/// Pieces on the same baseline are one line, left to right.
fn by_baseline(mut pieces: Vec<Piece>) -> Vec<OutLine> {
    pieces.sort_by(|a, b| a.bbox.cy().total_cmp(&b.bbox.cy()));
    let mut lines: Vec<(f64, f64, Vec<Piece>)> = Vec::new();
    for p in pieces {
        let size = p.bbox.height();
        match lines.last_mut() {
            Some((cy, sz, ps)) if (p.bbox.cy() - *cy).abs() <= 0.3 * size.max(*sz) => ps.push(p),
            _ => lines.push((p.bbox.cy(), size, vec![p])),
        }
    }
    lines
        .into_iter()
        .map(|(_, _, mut ps)| {
            ps.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
            line_of(ps)
        })
        .collect()
}

fn line_of(pieces: Vec<Piece>) -> OutLine {
    let y = pieces.iter().map(|p| p.bbox.y0).fold(f64::MAX, f64::min);
    let bottom = pieces.iter().map(|p| p.bbox.y1).fold(f64::MIN, f64::max);
    let size = pieces.iter().map(|p| p.bbox.height()).fold(0.0, f64::max);
    OutLine {
        y,
        bottom,
        size,
        pieces,
    }
}

/// Text outside ruled tables: runs on the same baseline are one line.
///
/// An amount keeps the edge it is aligned by: a table without rulings
/// aligns its figures (right, as a rule), and a digit is half as wide as
/// the column unit of a page of Chinese text, so a right-aligned figure
/// placed by its left edge would reach, in the text, past its column into
/// the next one. An amount is aligned by the edge more amounts on other
/// lines share (the right one when as many share each); an amount alone
/// in its column keeps its centre, the least it can be off by.
///
/// Text on a line of several pieces and no amount (a table's header) keeps
/// its centre: on a page of figures the column unit is a digit's width,
/// and a Chinese header placed by its left edge would take half its width
/// in the text, ending up over the figures of the column before. A prose
/// line (one piece) and a row's label keep their left edge.
fn free_lines(runs: Vec<TextRun>) -> Vec<OutLine> {
    let amounts: Vec<&Rect> = runs
        .iter()
        .filter(|r| is_amount(&r.text))
        .map(|r| &r.bbox)
        .collect();
    let aligned = |b: &Rect, edge: fn(&Rect) -> f64| {
        amounts
            .iter()
            .filter(|o| (o.cy() - b.cy()).abs() > 0.5 * b.height())
            .filter(|o| (edge(o) - edge(b)).abs() < 1.0)
            .count()
    };
    let anchor = |r: &TextRun| {
        if !is_amount(&r.text) {
            return Anchor::Left;
        }
        match (aligned(&r.bbox, |b| b.x0), aligned(&r.bbox, |b| b.x1)) {
            (0, 0) => Anchor::Centre,
            (left, right) if left > right => Anchor::Left,
            _ => Anchor::Right,
        }
    };
    let anchors: Vec<Anchor> = runs.iter().map(anchor).collect();
    let mut lines = by_baseline(
        runs.into_iter()
            .zip(anchors)
            .map(|(r, anchor)| Piece {
                text: r.text,
                bbox: r.bbox,
                anchor,
            })
            .collect(),
    );
    join_centred_figures(&mut lines);
    for line in lines
        .iter_mut()
        .filter(|l| l.pieces.len() > 1 && !l.pieces.iter().any(|p| is_amount(&p.text)))
    {
        for p in line.pieces.iter_mut().filter(|p| !is_amount(&p.text)) {
            p.anchor = Anchor::Centre;
        }
    }
    lines
}

/// In a table without rulings, figures centred beside a label wrapped over
/// an even number of lines lie between two of its lines, on a line of
/// their own, which a reader of lines takes for a row without a label.
/// Such a line (a figure, no text where the label is), centred between two
/// lines of text closer than two of its lines' height whose pieces lie one
/// over the other (the label, wrapped), is set on the upper one: the
/// figures beside a line of their label (its first of two, its second of
/// four), the rest of the label around them.
fn join_centred_figures(lines: &mut Vec<OutLine>) {
    let overlaps = |a: &Piece, b: &Piece| a.bbox.x0 < b.bbox.x1 && b.bbox.x0 < a.bbox.x1;
    let mut i = 1;
    while i + 1 < lines.len() {
        let (above, line, below) = (&lines[i - 1], &lines[i], &lines[i + 1]);
        let centre = |l: &OutLine| (l.y + l.bottom) / 2.0;
        let between = below.y - above.y < 2.0 * line.size
            && (centre(line) - (centre(above) + centre(below)) / 2.0).abs() < 0.25 * line.size;
        let wrapped_label = above.pieces.iter().any(|a| {
            !is_amount(&a.text)
                && below
                    .pieces
                    .iter()
                    .any(|b| !is_amount(&b.text) && overlaps(a, b))
                && !line.pieces.iter().any(|p| overlaps(a, p))
        });
        if between && wrapped_label && line.pieces.iter().any(|p| is_amount(&p.text)) {
            let moved = lines.remove(i);
            let above = &mut lines[i - 1];
            above.bottom = above.bottom.max(moved.bottom);
            above.pieces.extend(moved.pieces);
            above.pieces.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
        } else {
            i += 1;
        }
    }
}

/// An amount as printed in a table: an optional sign, digits with
/// thousands commas, at most one decimal point, an optional `%` (not a
/// date `2025.1.1` or a range `1-12`).
fn is_amount(s: &str) -> bool {
    let body = s.strip_prefix(['-', '−']).unwrap_or(s);
    let body = body.strip_suffix('%').unwrap_or(body);
    body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        && body.matches('.').count() <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs of `text` from (x, y) (top of the line), `size` points each,
    /// digits half as wide as Chinese characters.
    fn glyphs(text: &str, x: f64, y: f64, size: f64) -> Vec<Glyph> {
        let mut out = Vec::new();
        let mut x = x;
        for c in text.chars() {
            let w = if c.is_ascii() { size / 2.0 } else { size };
            out.push(Glyph {
                text: c.to_string(),
                bbox: Rect::new(x, y, x + w, y + size),
                size,
            });
            x += w;
        }
        out
    }

    fn h(y: f64, x0: f64, x1: f64) -> Ruling {
        Ruling {
            pos: y,
            from: x0,
            to: x1,
        }
    }

    /// A page of `glyphs`, without rulings.
    fn unruled(glyphs: Vec<Glyph>) -> Page {
        Page {
            number: 1,
            width: 500.0,
            height: 300.0,
            glyphs,
            ..Page::default()
        }
    }

    /// A page of `glyphs` ruled as a grid: rows at `ys`, columns at `xs`.
    fn ruled(glyphs: Vec<Glyph>, ys: &[f64], xs: &[f64]) -> Page {
        let (left, right) = (xs[0], xs[xs.len() - 1]);
        let (top, bottom) = (ys[0], ys[ys.len() - 1]);
        Page {
            horizontal: ys.iter().map(|&y| h(y, left, right)).collect(),
            vertical: xs.iter().map(|&x| h(x, top, bottom)).collect(),
            ..unruled(glyphs)
        }
    }

    #[test]
    fn a_wrapped_label_and_its_centred_figure_are_one_line() {
        // Columns 50 | 100 | 200 | 300; rows 100 | 140 | 160.
        let mut g = glyphs("其他社会工作", 105.0, 105.0, 10.0);
        g.extend(glyphs("事务支出", 105.0, 117.0, 10.0));
        g.extend(glyphs("202.24", 260.0, 112.0, 10.0)); // centred vertically
        g.extend(glyphs("2013999", 52.0, 112.0, 10.0));
        g.extend(glyphs("合计", 105.0, 145.0, 10.0));
        g.extend(glyphs("307.82", 260.0, 145.0, 10.0));
        let page = ruled(g, &[100.0, 140.0, 160.0], &[50.0, 100.0, 200.0, 300.0]);
        let r = render(&[page]);
        let lines: Vec<&str> = r.text.lines().map(str::trim_end).collect();
        assert_eq!(lines.len(), 2, "{}", r.text);
        let words: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(words, ["2013999", "其他社会工作事务支出", "202.24"]);
        let words: Vec<&str> = lines[1].split_whitespace().collect();
        assert_eq!(words, ["合计", "307.82"]);
        // The figures of both rows share their character columns.
        assert_eq!(
            lines[0]
                .find("202.24")
                .map(|b| lines[0][..b].chars().count()),
            lines[1]
                .find("307.82")
                .map(|b| lines[1][..b].chars().count())
        );
        // Every piece has its page and box.
        let fig = r
            .regions
            .iter()
            .find(|g| &r.text[g.start..g.end] == "202.24")
            .unwrap();
        assert_eq!(fig.page, 1);
        assert!((fig.bbox.x0 - 260.0).abs() < 1e-9 && (fig.bbox.y0 - 112.0).abs() < 1e-9);
    }

    /// The character columns of `word` in `line` (the first occurrence).
    fn cols_of(line: &str, word: &str) -> std::ops::Range<usize> {
        let b = line
            .find(word)
            .unwrap_or_else(|| panic!("{word} in {line}"));
        let start = line[..b].chars().count();
        start..start + word.chars().count()
    }

    fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
        a.start < b.end && b.start < a.end
    }

    /// A table without rulings: figures right-aligned in their column
    /// under a centred header stay under it in the text, though a digit is
    /// half a column wide (placed by their left edges, the long ones
    /// reached past the header into the next column's); left-aligned
    /// figures keep their left edges.
    #[test]
    fn unruled_figures_keep_the_edge_they_are_aligned_by() {
        // Columns: labels from 50; 财政拨款收入 over 200..300 (right edge
        // 295); 事业收入 over 300..380 (right edge 375).
        let mut g = glyphs("项目", 50.0, 100.0, 10.0);
        g.extend(glyphs("财政拨款收入", 220.0, 100.0, 10.0));
        g.extend(glyphs("事业收入", 320.0, 100.0, 10.0));
        let rows = [
            ("一般公共服务支出", "1615700", "3,300"),
            ("行政运行", "8,600", "12"),
        ];
        for (i, (label, a, b)) in rows.iter().enumerate() {
            let y = 120.0 + 20.0 * i as f64;
            g.extend(glyphs(label, 50.0, y, 10.0));
            g.extend(glyphs(a, 295.0 - 5.0 * a.len() as f64, y, 10.0));
            g.extend(glyphs(b, 375.0 - 5.0 * b.len() as f64, y, 10.0));
        }
        let page = unruled(g);
        let r = render(&[page]);
        let lines: Vec<&str> = r.text.lines().collect();
        let (head1, head2) = (
            cols_of(lines[0], "财政拨款收入"),
            cols_of(lines[0], "事业收入"),
        );
        for (line, (_, a, b)) in lines[1..].iter().zip(&rows) {
            let (a, b) = (cols_of(line, a), cols_of(line, b));
            assert!(overlaps(&a, &head1) && !overlaps(&a, &head2), "{}", r.text);
            assert!(
                !overlaps(&b, &head1) && b.start >= head2.start,
                "{}",
                r.text
            );
        }
        // Right-aligned: the figures of one column end in one column.
        assert_eq!(
            cols_of(lines[1], "1615700").end,
            cols_of(lines[2], "8,600").end
        );

        // The same figures aligned left keep their left edges.
        let mut g = glyphs("财政拨款收入", 220.0, 100.0, 10.0);
        g.extend(glyphs("1615700", 205.0, 120.0, 10.0));
        g.extend(glyphs("8,600", 205.0, 140.0, 10.0));
        let page = unruled(g);
        let r = render(&[page]);
        let lines: Vec<&str> = r.text.lines().collect();
        assert_eq!(
            cols_of(lines[1], "1615700").start,
            cols_of(lines[2], "8,600").start
        );
    }

    /// On a page of figures (column unit: a digit's width) a header on a
    /// line of several pieces keeps its centre: placed by its left edge,
    /// it took half its printed width in the text, and a short figure of
    /// its column came nearer the next column's header.
    #[test]
    fn headers_over_unruled_figures_keep_their_centres() {
        // Columns 180..300 and 300..420, headers centred, figures right.
        let mut g = glyphs("财政拨款收入", 210.0, 100.0, 10.0);
        g.extend(glyphs("上级补助收入", 330.0, 100.0, 10.0));
        let rows = [
            ("1,665.44", "82,766.39"),
            ("0.64", ""),
            ("895.92", "82,766.39"),
        ];
        for (i, (a, b)) in rows.iter().enumerate() {
            let y = 120.0 + 20.0 * i as f64;
            g.extend(glyphs(a, 295.0 - 5.0 * a.len() as f64, y, 10.0));
            g.extend(glyphs(b, 415.0 - 5.0 * b.len() as f64, y, 10.0));
        }
        let page = unruled(g);
        let r = render(&[page]);
        let lines: Vec<&str> = r.text.lines().collect();
        let centre = |c: std::ops::Range<usize>| (c.start + c.end) as f64 / 2.0;
        let (h1, h2) = (
            centre(cols_of(lines[0], "财政拨款收入")),
            centre(cols_of(lines[0], "上级补助收入")),
        );
        let small = centre(cols_of(lines[2], "0.64"));
        assert!((small - h1).abs() < (small - h2).abs(), "{}", r.text);
    }

    /// A ruled table whose wide cell centres its header far from its
    /// right-aligned figures, beside a narrow cell: the header is set over
    /// its column's figures, so a figure stays nearer its own header than
    /// the next one.
    #[test]
    fn a_header_in_a_wide_ruled_cell_is_set_over_its_figures() {
        // Columns 50 | 100 | 260 | 300; bands 90 | 110 | 130 | 150.
        let mut g = glyphs("财政拨款收入", 150.0, 95.0, 10.0);
        g.extend(glyphs("事业收入", 260.0, 95.0, 10.0));
        g.extend(glyphs("合计", 55.0, 115.0, 10.0));
        g.extend(glyphs("59,016.04", 210.0, 115.0, 10.0));
        g.extend(glyphs("0.76", 270.0, 115.0, 10.0));
        g.extend(glyphs("行政运行", 55.0, 135.0, 10.0));
        g.extend(glyphs("430.15", 225.0, 135.0, 10.0));
        let page = ruled(
            g,
            &[90.0, 110.0, 130.0, 150.0],
            &[50.0, 100.0, 260.0, 300.0],
        );
        let r = render(&[page]);
        let lines: Vec<&str> = r.text.lines().collect();
        let centre = |c: std::ops::Range<usize>| (c.start + c.end) as f64 / 2.0;
        let (h1, h2) = (
            centre(cols_of(lines[0], "财政拨款收入")),
            centre(cols_of(lines[0], "事业收入")),
        );
        for (line, fig) in [(lines[1], "59,016.04"), (lines[2], "430.15")] {
            let f = centre(cols_of(line, fig));
            assert!((f - h1).abs() < (f - h2).abs(), "{fig}:\n{}", r.text);
        }
    }

    /// Without rulings, figures centred beside a label over two lines lie
    /// between its lines; they are set on its first line, the rest of the
    /// label below it. Lines further apart than a wrapped label's are not
    /// joined.
    #[test]
    fn unruled_figures_between_the_lines_of_their_label_join_its_first_line() {
        let mut g = glyphs("2013999", 50.0, 108.0, 10.0);
        g.extend(glyphs("其他社会工作", 100.0, 100.0, 10.0));
        g.extend(glyphs("事务支出", 100.0, 116.0, 10.0));
        g.extend(glyphs("202.24", 250.0, 108.0, 10.0));
        g.extend(glyphs("合计", 100.0, 140.0, 10.0));
        g.extend(glyphs("307.82", 250.0, 140.0, 10.0));
        // A figure alone between two lines of prose far apart.
        g.extend(glyphs("一段文字", 100.0, 200.0, 10.0));
        g.extend(glyphs("12.00", 250.0, 215.0, 10.0));
        g.extend(glyphs("又一段文字", 100.0, 230.0, 10.0));
        let page = unruled(g);
        let r = render(&[page]);
        let words: Vec<Vec<&str>> = r
            .text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            words,
            [
                vec!["2013999", "其他社会工作", "202.24"],
                vec!["事务支出"],
                vec!["合计", "307.82"],
                vec!["一段文字"],
                vec!["12.00"],
                vec!["又一段文字"],
            ],
            "{}",
            r.text
        );
    }

    #[test]
    fn an_amount_is_not_a_date_or_a_range() {
        for yes in ["1615700", "1,615,700.00", "-3.5", "−12", "12.5%", "0"] {
            assert!(is_amount(yes), "{yes}");
        }
        for no in [
            "2025.1.1-2025.12.31",
            "1-12",
            "2025.1.1",
            "",
            "-",
            "第5页",
            ".5",
        ] {
            assert!(!is_amount(no), "{no}");
        }
    }

    #[test]
    fn unruled_text_keeps_its_lines_and_columns() {
        let mut g = glyphs("基本支出", 50.0, 100.0, 10.0);
        g.extend(glyphs("242.27", 200.0, 100.0, 10.0));
        g.extend(glyphs("项目支出", 50.0, 114.0, 10.0));
        g.extend(glyphs("66.70", 205.0, 114.0, 10.0));
        let page = unruled(g);
        let r = render(&[page.clone(), page]);
        assert_eq!(
            r.text.matches('\u{c}').count(),
            1,
            "pages end with a form feed"
        );
        assert_eq!(r.page_starts.len(), 2);
        let first: Vec<&str> = r.text[..r.page_starts[1]].lines().collect();
        assert_eq!(
            first[0].split_whitespace().collect::<Vec<_>>(),
            ["基本支出", "242.27"]
        );
        assert_eq!(
            first[1].split_whitespace().collect::<Vec<_>>(),
            ["项目支出", "66.70"]
        );
        // Right edges of the figures align (same end column).
        let end = |l: &str, w: &str| l.find(w).map(|b| l[..b].chars().count() + w.len());
        assert_eq!(end(first[0], "242.27"), end(first[1], "66.70"));
    }

    #[test]
    fn collinear_rulings_are_merged_and_a_frame_is_no_table() {
        let m = merge_rulings(&[h(10.0, 0.0, 50.0), h(10.3, 51.0, 90.0), h(30.0, 0.0, 90.0)]);
        assert_eq!(m.len(), 2);
        assert!((m[0].from - 0.0).abs() < 1e-9 && (m[0].to - 90.0).abs() < 1e-9);
        // Two horizontal and two vertical lines: a box around text, not a table.
        let v = [h(0.0, 10.0, 30.0), h(90.0, 10.0, 30.0)];
        assert!(grids(&m, &v).is_empty());
        let v3 = [h(0.0, 10.0, 30.0), h(45.0, 10.0, 30.0), h(90.0, 10.0, 30.0)];
        assert_eq!(grids(&m, &v3).len(), 1);
    }
}
