//! From a title to a [`LayoutTable`]: the header lines and their column
//! anchors, the sides of two-sided tables, the body lines cut into side
//! segments, and the continuation of a table on the next page.

use super::classify::{
    is_beside_header, is_blank_cell, is_code_part, is_code_token, is_filler, is_note, is_prose,
    is_total_label, trimmed_span, NUMBERING,
};
use super::rows::{build_rows, map_values, page_positions};
use super::standard::{schema, CODE_WORDS, LABEL_WORDS};
use super::title::{next_nonblank, title_at, title_candidate, TitleInfo};
use super::{Column, LayoutRow, LayoutTable};
use crate::document::text::fold_key;
use crate::input::positioned::{Fragment, FragmentKind, PositionedLine};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

#[derive(Clone, Debug)]
struct ColDef {
    header: String,
    key: String,
    side: usize,
}

/// Per-page geometry.
#[derive(Clone, Debug, Default)]
pub(super) struct Anchors {
    /// per column: anchor position (header centre) if known
    pub(super) cols: Vec<Option<f64>>,
    /// per side: label anchor x, code anchor x
    pub(super) label_x: Vec<Option<f64>>,
    pub(super) code_x: Vec<Option<f64>>,
    /// true when anchors come from a header printed on this page
    pub(super) from_header: bool,
    /// header piece spans per column (first header only)
    pub(super) col_spans: Vec<Option<Span>>,
    /// per side: its columns are printed in another order than the form's
    /// (see [`printed_order`]); their figures are then taken in the
    /// printed order.
    pub(super) reordered: Vec<bool>,
    /// A side's headers are printed in another order than the form's, but
    /// not all of them could be read (see [`printed_order`]).
    pub(super) order_unknown: bool,
    /// Centres of the `行次` / `栏次` headers: the row numbers printed under
    /// them are no figures of the table.
    pub(super) ordinal_x: Vec<f64>,
}

/// The header of a column of row numbers (`项目 | 行次 | 金额`, as the
/// national 决算 template prints its 收支总表).
const ORDINAL_WORDS: [&str; 2] = ["行次", "栏次"];

/// A row number under a `行次` header: a whole number of at most three
/// digits, nearer that header's centre than any figure column's, within a
/// few characters of it.
fn is_row_number(f: &Fragment, a: &Anchors) -> bool {
    if f.kind != FragmentKind::Num
        || f.text.len() > 3
        || !f.text.bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    let c = f.centre();
    let nearest_col = a
        .cols
        .iter()
        .flatten()
        .map(|x| (x - c).abs())
        .fold(f64::MAX, f64::min);
    a.ordinal_x
        .iter()
        .any(|x| (x - c).abs() <= 4.0 && (x - c).abs() < nearest_col)
}

fn header_word(w: &str, keys: &[String]) -> bool {
    let w = fold_key(w);
    LABEL_WORDS.contains(&w.as_str())
        || CODE_WORDS.contains(&w.as_str())
        || keys.iter().any(|k| k.contains(&w))
}

fn is_data_line(l: &PositionedLine, coded: bool, nsides: usize, keys: &[String]) -> bool {
    if l.blank() {
        return false;
    }
    if l.has_num() {
        return true;
    }
    if !keys.is_empty()
        && l.fragments.len() >= 2
        && !NUMBERING.is_match(&l.fragments[0].text)
        && l.fragments.iter().all(|c| header_word(&c.text, keys))
    {
        return false;
    }
    let first = &l.fragments[0];
    if coded && is_code_token(first) {
        return true;
    }
    let t = first.text.as_str();
    if NUMBERING.is_match(t) || is_total_label(t) || is_filler(l) {
        return true;
    }
    let _ = nsides;
    false
}

/// Join header words printed over two lines in one cell (`基本` over
/// `支出`, `科目` over `编码`): a piece and the piece right below it, centred
/// alike, whose joined text is a header of the form (a column key or the
/// start of one, a label or code word) while the upper piece alone is no
/// whole key. A group header over its leaves does not join: `本年支出` and
/// `合计` make no key.
fn merge_stacked(
    pieces: Vec<Fragment>,
    lines: Vec<usize>,
    keys: &[String],
) -> (Vec<Fragment>, Vec<usize>) {
    let known = |t: &str| {
        LABEL_WORDS.contains(&t) || CODE_WORDS.contains(&t) || keys.iter().any(|k| k.starts_with(t))
    };
    let mut out: Vec<Fragment> = Vec::new();
    let mut out_lines: Vec<usize> = Vec::new();
    let mut used = vec![false; pieces.len()];
    for i in 0..pieces.len() {
        if used[i] {
            continue;
        }
        let mut p = pieces[i].clone();
        let mut line = lines[i];
        loop {
            let up = fold_key(&p.text);
            let below = (0..pieces.len()).find(|&j| {
                !used[j]
                    && j != i
                    && lines[j] == line + 1
                    && (pieces[j].centre() - p.centre()).abs() <= 2.0
                    && pieces[j].kind == FragmentKind::Text
                    && p.kind == FragmentKind::Text
            });
            let Some(j) = below else { break };
            let joined = format!("{up}{}", fold_key(&pieces[j].text));
            // `项目` over `支出` is 项目支出, not the label column's header
            if keys.contains(&up) || !known(&joined) {
                break;
            }
            used[j] = true;
            p.text = joined;
            p.x0 = p.x0.min(pieces[j].x0);
            p.x1 = p.x1.max(pieces[j].x1);
            line = lines[j];
        }
        out.push(p);
        out_lines.push(lines[i]);
    }
    (out, out_lines)
}

/// Build anchors from header pieces.
fn anchors_from_header(pieces: &[Fragment], cols: &[ColDef], nsides: usize) -> Anchors {
    let split = split_joined(pieces, cols);
    let pieces = split.as_slice();
    let mut a = Anchors {
        cols: vec![None; cols.len()],
        label_x: vec![None; nsides],
        code_x: vec![None; nsides],
        from_header: true,
        col_spans: vec![None; cols.len()],
        reordered: vec![false; nsides],
        order_unknown: false,
        ordinal_x: pieces
            .iter()
            .filter(|p| ORDINAL_WORDS.contains(&p.text.as_str()))
            .map(|p| p.centre())
            .collect(),
    };
    // label / code anchors: occurrences in x order, one per side
    let mut lab: Vec<&Fragment> = pieces
        .iter()
        .filter(|p| LABEL_WORDS.contains(&p.text.as_str()))
        .collect();
    // `项目` over the code and name columns of a coded form is a group
    // header: the names' own header (科目名称) places them.
    if lab.iter().filter(|p| p.text != "项目").count() >= nsides {
        lab.retain(|p| p.text != "项目");
    }
    lab.sort_by_key(|p| p.x0);
    lab.dedup_by(|b, a| b.x0.abs_diff(a.x0) <= 3);
    let mut cod: Vec<&Fragment> = pieces
        .iter()
        .filter(|p| CODE_WORDS.contains(&p.text.as_str()))
        .collect();
    cod.sort_by_key(|p| p.x0);
    cod.dedup_by(|b, a| b.x0.abs_diff(a.x0) <= 6);
    for s in 0..nsides {
        a.label_x[s] = lab.get(s).map(|p| p.x0 as f64);
        a.code_x[s] = cod.get(s).map(|p| p.x0 as f64);
    }
    if nsides == 2 && lab.len() == 1 {
        a.label_x[1] = None;
    }
    // value columns
    let mut used = vec![false; pieces.len()];
    let mut last_x0: i64 = -100;
    // Per side: a column of its own name whose header is printed only left
    // of the columns before it (out of the form's order) and not found.
    let mut behind = vec![false; nsides];
    let keys: Vec<String> = cols.iter().map(|c| fold_key(&c.key)).collect();
    for (ci, c) in cols.iter().enumerate() {
        let key = &keys[ci];
        let unique = keys.iter().filter(|k| *k == key).count() == 1;
        let mut best: Option<usize> = None;
        let mut seen_behind = false;
        for (pi, p) in pieces.iter().enumerate() {
            if used[pi]
                || LABEL_WORDS.contains(&p.text.as_str())
                || CODE_WORDS.contains(&p.text.as_str())
            {
                continue;
            }
            let pt = header_key(p);
            let n = pt.chars().count();
            if pt.is_empty() || !(key.starts_with(&pt) && (n >= 2 || pt == *key)) {
                continue;
            }
            if (p.x0 as i64) + 8 < last_x0 {
                seen_behind = true;
                continue;
            }
            if best.is_none_or(|b| p.x0 < pieces[b].x0) {
                best = Some(pi);
            }
        }
        if let Some(b) = best {
            used[b] = true;
            last_x0 = pieces[b].x0 as i64;
            a.cols[ci] = Some(pieces[b].centre());
            a.col_spans[ci] = Some(pieces[b].span());
        } else if seen_behind && unique {
            behind[c.side] = true;
        }
    }
    for (s, behind) in behind.into_iter().enumerate() {
        if let Some(found) = printed_order(pieces, cols, &keys, s) {
            for (ci, p) in found {
                a.cols[ci] = Some(p.centre());
                a.col_spans[ci] = Some(p.span());
            }
            a.reordered[s] = true;
        } else if behind {
            // Printed in another order, but not every header read word for
            // word: where the columns are is not known.
            a.order_unknown = true;
        }
    }
    interpolate(&mut a.cols);
    a
}

/// The header word of a piece, as a column key would be written: folded,
/// a year in front (`2024年预算数`) left out.
fn header_key(p: &Fragment) -> String {
    let t = fold_key(&p.text);
    match YEAR_PREFIX.find(&t) {
        Some(m) => t[m.end()..].to_string(),
        None => t,
    }
}

/// A side whose columns the report prints in another order than the form
/// (`合计 | 公用经费 | 人员经费` for `合计 | 人员经费 | 公用经费`): the header
/// matching above takes the form's order for granted (it keeps a column
/// right of the one before, so that a word printed twice is not taken from
/// the wrong place), and would place the figures by position. A side is
/// placed by its headers instead when each of its columns has a header of
/// its own, printed once, word for word, and no other column of the table
/// has that name; then each column is where its header is. `None` when the
/// printed order is the form's, or when a header is missing, abbreviated or
/// repeated (a heading shared by both sides, `预算数` under several groups):
/// the order is then not known, and the form's is assumed as before.
fn printed_order<'p>(
    pieces: &'p [Fragment],
    cols: &[ColDef],
    keys: &[String],
    side: usize,
) -> Option<Vec<(usize, &'p Fragment)>> {
    let mut found: Vec<(usize, &Fragment)> = Vec::new();
    for ci in (0..cols.len()).filter(|&ci| cols[ci].side == side) {
        let key = &keys[ci];
        if keys.iter().filter(|k| *k == key).count() != 1 {
            return None;
        }
        let mut hits = pieces
            .iter()
            .filter(|p| p.kind == FragmentKind::Text && header_key(p) == *key);
        let (Some(p), None) = (hits.next(), hits.next()) else {
            return None;
        };
        found.push((ci, p));
    }
    let in_form_order = found.windows(2).all(|w| w[0].1.x0 < w[1].1.x0);
    (found.len() >= 2 && !in_form_order).then_some(found)
}

/// Two column headers printed one space apart read as one fragment
/// (`政府性基金预算 国有资本经营预算`): split it where it is two headers of
/// the form, each with its own position (both keep the fragment's span:
/// the folded text gives no byte offset inside it).
fn split_joined(pieces: &[Fragment], cols: &[ColDef]) -> Vec<Fragment> {
    let keys: Vec<String> = cols.iter().map(|c| fold_key(&c.key)).collect();
    let starts = |t: &str| t.chars().count() >= 2 && keys.iter().any(|k| k.starts_with(t));
    let mut out = Vec::new();
    for p in pieces {
        let t = fold_key(&p.text);
        let n = t.chars().count();
        let cut = (p.kind == FragmentKind::Text && !keys.iter().any(|k| k.starts_with(&t)))
            .then(|| {
                (2..n.saturating_sub(1)).find(|&i| {
                    let a: String = t.chars().take(i).collect();
                    let b: String = t.chars().skip(i).collect();
                    keys.contains(&a) && starts(&b)
                })
            })
            .flatten();
        let Some(i) = cut else {
            out.push(p.clone());
            continue;
        };
        let (a, b): (String, String) = (t.chars().take(i).collect(), t.chars().skip(i).collect());
        let mut first = p.clone();
        first.x1 = (p.x0 + i).min(p.x1);
        first.text = a;
        let mut second = p.clone();
        second.x0 = (p.x0 + i + 1).min(p.x1);
        second.text = b;
        out.push(first);
        out.push(second);
    }
    out
}

static YEAR_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9０-９]{4}年(度)?").expect("static regex"));

/// Fill unknown anchors by linear interpolation / extrapolation (8 columns apart).
fn interpolate(v: &mut [Option<f64>]) {
    let known: Vec<usize> = (0..v.len()).filter(|&i| v[i].is_some()).collect();
    if known.is_empty() {
        return;
    }
    for i in 0..v.len() {
        if v[i].is_some() {
            continue;
        }
        let prev = known.iter().rev().find(|&&k| k < i).copied();
        let next = known.iter().find(|&&k| k > i).copied();
        v[i] = match (prev, next) {
            (Some(p), Some(n)) => {
                let (a, b) = (v[p].unwrap_or(0.0), v[n].unwrap_or(0.0));
                Some(a + (b - a) * (i - p) as f64 / (n - p) as f64)
            }
            (Some(p), None) => Some(v[p].unwrap_or(0.0) + 8.0 * (i - p) as f64),
            (None, Some(n)) => Some(v[n].unwrap_or(0.0) - 8.0 * (n - i) as f64),
            (None, None) => None,
        };
    }
}

/// Generic columns for an unknown table: bottom-most header pieces.
fn generic_columns(
    pieces: &[Fragment],
    header_lines: &[usize],
    piece_line: &[usize],
) -> Vec<ColDef> {
    let _ = header_lines;
    let mut leaves: Vec<(usize, &Fragment)> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        if LABEL_WORDS.contains(&p.text.as_str()) || CODE_WORDS.contains(&p.text.as_str()) {
            continue;
        }
        let below = pieces.iter().enumerate().any(|(j, q)| {
            piece_line[j] > piece_line[i]
                && !LABEL_WORDS.contains(&q.text.as_str())
                && !CODE_WORDS.contains(&q.text.as_str())
                && q.x0 < p.x1 + 1
                && p.x0 < q.x1 + 1
        });
        if !below {
            leaves.push((i, p));
        }
    }
    leaves.sort_by_key(|(_, p)| p.x0);
    leaves
        .into_iter()
        .map(|(_, p)| ColDef {
            header: p.text.clone(),
            key: p.text.clone(),
            side: 0,
        })
        .collect()
}

/// A side-segment of one physical line.
#[derive(Clone, Debug)]
pub(super) struct Seg {
    pub(super) line: usize,
    pub(super) page: usize,
    pub(super) code: Option<(String, Span)>,
    pub(super) label: Vec<Fragment>,
    pub(super) values: Vec<Fragment>,
}

pub(super) fn parse_table(
    text: &str,
    lines: &[PositionedLine],
    ti: usize,
    info: TitleInfo,
) -> (LayoutTable, usize) {
    let tl = &lines[ti];
    let kind = info.kind;
    let sch = kind.map(schema);
    let nsides = sch.as_ref().map(|s| s.sides.len()).unwrap_or(1);
    let coded = sch.as_ref().map(|s| s.coded).unwrap_or(true);
    let side_names: Vec<Option<&'static str>> = sch
        .as_ref()
        .map(|s| s.sides.iter().map(|x| x.name).collect())
        .unwrap_or(vec![None]);

    let keys_v: Vec<String> = sch
        .as_ref()
        .map(|s| {
            s.sides
                .iter()
                .flat_map(|sd| sd.cols.iter().flat_map(|(h, _)| h.split('/').map(fold_key)))
                .collect()
        })
        .unwrap_or_default();
    let keys = keys_v.as_slice();
    // ---- header of the first page
    let hstart = info.unit_line.map(|u| u.max(ti) + 1).unwrap_or(ti + 1);
    let mut i = hstart;
    let mut header_pieces: Vec<Fragment> = Vec::new();
    let mut piece_line: Vec<usize> = Vec::new();
    let mut header_norms: Vec<String> = Vec::new();
    while i < lines.len() && lines[i].page == tl.page && i < hstart + 14 {
        let l = &lines[i];
        if is_data_line(l, coded, nsides, keys) || is_note(l) || is_prose(l) || title_candidate(l) {
            break;
        }
        // a label piece wrapped above the first data row ends the header
        if coded
            && !keys.is_empty()
            && !l.blank()
            && l.fragments
                .iter()
                .all(|c| c.kind == FragmentKind::Text && !header_word(&c.text, keys))
            && next_nonblank(lines, i).is_some_and(|j| is_data_line(&lines[j], coded, nsides, keys))
        {
            break;
        }
        for c in &l.fragments {
            if is_beside_header(&c.text) {
                continue;
            }
            header_pieces.push(c.clone());
            piece_line.push(i);
        }
        if !l.blank() {
            header_norms.push(fold_key(&l.norm));
        }
        i += 1;
    }
    // the words as printed, for knowing a header repeated on the next page
    let mut header_set: Vec<String> = header_pieces.iter().map(|p| fold_key(&p.text)).collect();
    let (header_pieces, piece_line) = merge_stacked(header_pieces, piece_line, keys);
    // header pieces that sit on the title line (unlikely) are ignored.
    let cols: Vec<ColDef> = match &sch {
        Some(s) => s
            .sides
            .iter()
            .enumerate()
            .flat_map(|(si, sd)| {
                sd.cols.iter().map(move |(h, k)| ColDef {
                    header: h.to_string(),
                    key: k.to_string(),
                    side: si,
                })
            })
            .collect(),
        None => generic_columns(&header_pieces, &[], &piece_line),
    };
    let first_anchors = anchors_from_header(&header_pieces, &cols, nsides);
    header_set.extend(header_pieces.iter().map(|p| fold_key(&p.text)));

    // ---- body
    let mut body: Vec<usize> = Vec::new();
    let mut page_anchor: Vec<(usize, Anchors)> = vec![(tl.page, first_anchors.clone())];
    let mut notes: Vec<usize> = Vec::new();
    let mut last_line = i.saturating_sub(1).max(ti);
    let mut cur_page = tl.page;
    let mut in_notes = false;
    while i < lines.len() {
        let l = &lines[i];
        if l.page != cur_page {
            // page break: does the table continue?
            cur_page = l.page;
            if in_notes {
                break;
            }
            match continuation(text, lines, i, coded, nsides, &header_set, &keys_v) {
                Cont::End => break,
                Cont::Data => {
                    page_anchor.push((
                        l.page,
                        Anchors {
                            from_header: false,
                            ..first_anchors.clone()
                        },
                    ));
                }
                Cont::Header(next) => {
                    let mut pcs = Vec::new();
                    let mut pl = Vec::new();
                    for (li, hl) in lines.iter().enumerate().take(next).skip(i) {
                        for c in &hl.fragments {
                            if !is_beside_header(&c.text) {
                                pcs.push(c.clone());
                                pl.push(li);
                            }
                        }
                    }
                    let (pcs, _) = merge_stacked(pcs, pl, keys);
                    let mut a = anchors_from_header(&pcs, &cols, nsides);
                    for s in 0..nsides {
                        if a.label_x[s].is_none() {
                            a.label_x[s] = first_anchors.label_x.get(s).copied().flatten();
                        }
                        if a.code_x[s].is_none() {
                            a.code_x[s] = first_anchors.code_x.get(s).copied().flatten();
                        }
                    }
                    page_anchor.push((l.page, a));
                    last_line = next.saturating_sub(1).max(last_line);
                    i = next;
                    continue;
                }
            }
        }
        if l.blank() {
            i += 1;
            continue;
        }
        if in_notes {
            let prev_open = notes
                .last()
                .map(|&n| !lines[n].norm.ends_with('。'))
                .unwrap_or(false);
            if is_note(l)
                || l.norm.contains("本表")
                || (prev_open && !title_candidate(l) && !l.has_num() && l.norm.chars().count() < 60)
            {
                notes.push(i);
                last_line = i;
                i += 1;
                continue;
            }
            break;
        }
        if is_note(l) {
            in_notes = true;
            notes.push(i);
            last_line = i;
            i += 1;
            continue;
        }
        if (title_candidate(l) && title_at(text, lines, i).is_some()) || is_prose(l) {
            break;
        }
        if is_filler(l) {
            last_line = i;
            i += 1;
            continue;
        }
        body.push(i);
        last_line = i;
        i += 1;
    }
    let end = last_line + 1;

    // ---- segments per side
    let anchors_for = |page: usize| -> &Anchors {
        page_anchor
            .iter()
            .rev()
            .find(|(p, _)| *p <= page)
            .map(|(_, a)| a)
            .unwrap_or(&page_anchor[0].1)
    };
    let mut segs: Vec<Vec<Seg>> = vec![Vec::new(); nsides];
    for &li in &body {
        let l = &lines[li];
        let a = anchors_for(l.page);
        let numbered: Vec<Fragment>;
        let fragments = if a.ordinal_x.is_empty() {
            &l.fragments
        } else {
            numbered = l
                .fragments
                .iter()
                .filter(|f| !is_row_number(f, a))
                .cloned()
                .collect();
            &numbered
        };
        for (s, chunks) in split_sides(fragments, nsides, coded, a, &cols) {
            if let Some(seg) = make_seg(li, l.page, chunks, coded, a, &cols, s) {
                segs[s].push(seg);
            }
        }
    }

    // ---- value → column mapping per page and side
    let mut rows: Vec<LayoutRow> = Vec::new();
    let mut unplaced_pages: Vec<usize> = Vec::new();
    let mut dropped_figure: Option<(usize, String)> = None;
    for (s, side_segs) in segs.iter().enumerate() {
        let mut side_cols: Vec<usize> = (0..cols.len()).filter(|&c| cols[c].side == s).collect();
        // Figures are taken in the order of the columns as printed.
        if first_anchors.reordered.get(s) == Some(&true) {
            let x = |c: usize| first_anchors.cols[c].unwrap_or(f64::MAX);
            side_cols.sort_by(|&p, &q| x(p).total_cmp(&x(q)));
        }
        let mut assigned: Vec<Vec<Option<usize>>> = Vec::with_capacity(side_segs.len());
        let mut prev_used: Vec<usize> = Vec::new();
        let mut guessed_pages: Vec<usize> = Vec::new();
        // where the figures of each side column ended on header pages
        let mut ends: Vec<(f64, usize)> = vec![(0.0, 0); side_cols.len()];
        let mut k = 0;
        while k < side_segs.len() {
            let page = side_segs[k].page;
            let mut k2 = k;
            while k2 < side_segs.len() && side_segs[k2].page == page {
                k2 += 1;
            }
            let a = anchors_for(page);
            let learned: Vec<Option<f64>> = ends
                .iter()
                .map(|&(sum, n)| (n > 0).then(|| sum / n as f64))
                .collect();
            let (pos, guessed) =
                page_positions(&side_segs[k..k2], &side_cols, a, &prev_used, &learned);
            // A repeated header whose order could not be read, under a first
            // header read in another order than the form's: the page's
            // anchors and the printed order disagree.
            let order_unknown = a.from_header
                && first_anchors.reordered.get(s) == Some(&true)
                && a.reordered.get(s) != Some(&true);
            if guessed || order_unknown {
                guessed_pages.push(page);
            }
            let mut used_here: Vec<usize> = Vec::new();
            for sg in &side_segs[k..k2] {
                let m = map_values(&sg.values, &side_cols, &pos);
                if dropped_figure.is_none() {
                    dropped_figure = sg
                        .values
                        .iter()
                        .zip(&m)
                        .find(|(v, c)| c.is_none() && !is_blank_cell(v))
                        .map(|(v, _)| (sg.page, v.text.clone()));
                }
                if a.from_header {
                    for (v, c) in sg.values.iter().zip(&m) {
                        let i = c.and_then(|c| side_cols.iter().position(|&x| x == c));
                        if let Some(i) = i {
                            ends[i].0 += v.x1 as f64;
                            ends[i].1 += 1;
                        }
                    }
                }
                for c in m.iter().flatten() {
                    if !used_here.contains(c) {
                        used_here.push(*c);
                    }
                }
                assigned.push(m);
            }
            used_here.sort_by_key(|c| side_cols.iter().position(|x| x == c));
            if !used_here.is_empty() {
                prev_used = used_here;
            }
            k = k2;
        }
        // Figures placed by guess are vouched for by a total row whose
        // figures were placed by the header: moved to a neighbouring column,
        // they would break that column's sum. Without such a row a move
        // keeps every sum, and the table is not judged.
        let pinned = side_segs.iter().any(|sg| {
            let label: String = sg.label.iter().map(|f| fold_key(&f.text)).collect();
            !guessed_pages.contains(&sg.page)
                && anchors_for(sg.page).from_header
                && !sg.values.is_empty()
                && is_total_label(&label)
        });
        if !pinned {
            for p in guessed_pages {
                if !unplaced_pages.contains(&p) {
                    unplaced_pages.push(p);
                }
            }
        }
        let side_name = side_names.get(s).copied().flatten().map(|x| x.to_string());
        rows.extend(build_rows(
            side_segs,
            &assigned,
            coded,
            lines,
            cols.len(),
            side_name,
        ));
    }
    // order rows by first line, then side
    rows.sort_by_key(|r| {
        r.label_spans
            .first()
            .map(|s| s.start)
            .or(r.code_span.map(|c| c.start))
            .or_else(|| r.cells.iter().flatten().next().map(|c| c.span.start))
    });

    let columns: Vec<Column> = cols
        .iter()
        .enumerate()
        .map(|(ci, c)| Column {
            header: c.header.clone(),
            key: c.key.clone(),
            side: side_names
                .get(c.side)
                .copied()
                .flatten()
                .map(|x| x.to_string()),
            span: first_anchors.col_spans.get(ci).copied().flatten(),
        })
        .collect();

    let empty_statement = notes
        .iter()
        .chain(body.iter())
        .find(|&&n| {
            let t = &lines[n].norm;
            t.contains("本表无数据")
                || t.contains("空表")
                || t.contains("故本表无")
                || t.contains("本表为空")
        })
        .map(|&n| trimmed_span(text, &lines[n]));

    let title_span = trimmed_span(text, tl);
    let end_span = trimmed_span(text, &lines[end.saturating_sub(1).max(ti)]);
    let table = LayoutTable {
        title: tl.norm.clone(),
        title_span,
        kind,
        unit: info.unit.as_ref().map(|u| u.0.clone()),
        unit_span: info.unit.as_ref().map(|u| u.1),
        columns,
        rows,
        span: Span::new(
            title_span.start as usize,
            (end_span.end.max(title_span.end)) as usize,
        ),
        empty_statement,
        notes: notes
            .iter()
            .map(|&n| trimmed_span(text, &lines[n]))
            .collect(),
        unplaced_pages,
        dropped_figure,
        order_unknown: first_anchors.order_unknown,
    };
    let _ = header_norms;
    (table, end)
}

enum Cont {
    End,
    Data,
    /// repeated header: index of first line after it
    Header(usize),
}

fn continuation(
    text: &str,
    lines: &[PositionedLine],
    i: usize,
    coded: bool,
    nsides: usize,
    header_set: &[String],
    keys: &[String],
) -> Cont {
    let page = lines[i].page;
    let Some(first) = (i..lines.len())
        .take_while(|&k| lines[k].page == page)
        .find(|&k| !lines[k].blank())
    else {
        return Cont::End;
    };
    let fl = &lines[first];
    if (title_candidate(fl) && title_at(text, lines, first).is_some()) || is_prose(fl) {
        return Cont::End;
    }
    // repeated header?
    let mut k = first;
    let mut hits = 0;
    let mut total = 0;
    while k < lines.len() && lines[k].page == page && k < first + 10 {
        let l = &lines[k];
        if is_data_line(l, coded, nsides, keys) || is_note(l) || is_prose(l) {
            break;
        }
        let here = l
            .fragments
            .iter()
            .filter(|c| header_set.contains(&fold_key(&c.text)))
            .count();
        // a line of no header word after the header: wrapped label pieces
        // of the first row, not header
        if here == 0 && hits > 0 && !l.blank() {
            break;
        }
        total += l.fragments.len();
        hits += here;
        k += 1;
    }
    if total > 0 && hits * 2 >= total && hits >= 2 {
        return Cont::Header(k);
    }
    if is_data_line(fl, coded, nsides, keys) || is_note(fl) {
        return Cont::Data;
    }
    // label-only lines: continue when a data line follows before any prose
    for l in lines.iter().skip(first).take(8) {
        if l.page != page || is_prose(l) || title_candidate(l) {
            return Cont::End;
        }
        if l.has_num() || (coded && l.fragments.first().is_some_and(is_code_token)) {
            return Cont::Data;
        }
        if l.norm.chars().count() > 30 {
            return Cont::End;
        }
    }
    Cont::End
}

/// Assign the chunks of a line to sides.
fn split_sides(
    chunks: &[Fragment],
    nsides: usize,
    coded: bool,
    a: &Anchors,
    cols: &[ColDef],
) -> Vec<(usize, Vec<Fragment>)> {
    if nsides <= 1 || chunks.is_empty() {
        return vec![(0, chunks.to_vec())];
    }
    let nearest = |xs: &[Option<f64>], x: f64| -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (s, v) in xs.iter().enumerate() {
            if let Some(v) = v {
                let d = (v - x).abs();
                if best.is_none_or(|b| d < b.1) {
                    best = Some((s, d));
                }
            }
        }
        best.map(|b| b.0)
    };
    let mut out: Vec<(usize, Vec<Fragment>)> = Vec::new();
    let mut side = 0usize;
    let mut prev_was_value = false;
    let mut prev_was_code = false;
    for (idx, c) in chunks.iter().enumerate() {
        let after_gap_text = idx > 0
            && (chunks[idx - 1].kind == FragmentKind::Text || prev_was_code)
            && c.x0 >= chunks[idx - 1].x1 + 3;
        let mut is_code =
            coded && is_code_token(c) && (idx == 0 || prev_was_value || after_gap_text);
        // A figure of 3, 5 or 7 digits after a label (`奖金  600`) is a
        // figure of this side when it sits under this side's figures, not
        // where the next side's codes begin.
        if is_code && idx > 0 && side + 1 < nsides {
            let next_code = a.code_x.get(side + 1).copied().flatten();
            let own_value = cols
                .iter()
                .enumerate()
                .filter(|(_, cd)| cd.side == side)
                .filter_map(|(ci, _)| a.cols.get(ci).copied().flatten())
                .map(|x| (x - c.centre()).abs())
                .min_by(|p, q| p.total_cmp(q));
            if let (Some(cx), Some(dv)) = (next_code, own_value) {
                if dv + 1.0 < (c.x0 as f64 - cx).abs() {
                    is_code = false;
                }
            }
        }
        let is_part = !is_code && prev_was_code && is_code_part(c);
        let blank = is_blank_cell(c);
        let s = if is_part {
            side
        } else {
            let pref = if c.kind == FragmentKind::Text && !blank {
                nearest(&a.label_x, c.x0 as f64).or_else(|| nearest(&a.code_x, c.x0 as f64))
            } else if is_code {
                nearest(&a.code_x, c.x0 as f64).or_else(|| nearest(&a.label_x, c.x0 as f64))
            } else {
                cols.iter()
                    .enumerate()
                    .filter_map(|(ci, _)| a.cols.get(ci).copied().flatten().map(|x| (ci, x)))
                    .min_by(|p, q| {
                        (p.1 - c.centre())
                            .abs()
                            .total_cmp(&(q.1 - c.centre()).abs())
                    })
                    .map(|(ci, _)| cols[ci].side)
            };
            let mut s = pref.unwrap_or(side).max(side);
            if side == 0
                && ((c.kind == FragmentKind::Text && !blank) || is_code)
                && (prev_was_value || (is_code && idx > 0))
            {
                s = 1;
            }
            s.min(nsides - 1)
        };
        side = s;
        match out.last_mut() {
            Some((ls, v)) if *ls == s => v.push(c.clone()),
            _ => out.push((s, vec![c.clone()])),
        }
        prev_was_code = is_code || is_part;
        prev_was_value = (c.kind == FragmentKind::Num || blank) && !is_code && !is_part;
    }
    out
}

fn make_seg(
    line: usize,
    page: usize,
    chunks: Vec<Fragment>,
    coded: bool,
    a: &Anchors,
    cols: &[ColDef],
    side: usize,
) -> Option<Seg> {
    let mut k = 0;
    let mut code: Option<(String, Span)> = None;
    if coded && chunks.first().is_some_and(is_code_token) {
        let c0 = &chunks[0];
        let mut code_s = c0.text.clone();
        let mut span = c0.span();
        k = 1;
        if c0.text.len() == 3 {
            let mut parts = 0;
            while k < chunks.len() && parts < 2 && is_code_part(&chunks[k]) {
                // a part must be followed by text or another part, not be the last value
                let nxt = chunks.get(k + 1);
                if nxt.is_none_or(|n| n.kind == FragmentKind::Num && !is_code_part(n))
                    && parts == 0
                    && nxt.is_none()
                {
                    break;
                }
                let p = &chunks[k].text;
                if p.len() == 1 {
                    code_s.push('0');
                }
                code_s.push_str(p);
                span.end = chunks[k].e as u32;
                k += 1;
                parts += 1;
            }
        }
        code = Some((code_s, span));
    }
    // label limit: first value anchor of the side (header pages only)
    let first_val = if a.from_header {
        cols.iter()
            .enumerate()
            .filter(|(_, c)| c.side == side)
            .filter_map(|(ci, _)| a.cols.get(ci).copied().flatten())
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x))))
    } else {
        None
    };
    let mut label = Vec::new();
    let mut values = Vec::new();
    for c in &chunks[k..] {
        // A dash where a figure would be is an empty cell: it holds its
        // column's place among the values, and is no part of the label.
        if is_blank_cell(c) {
            values.push(c.clone());
            continue;
        }
        match c.kind {
            FragmentKind::Text => {
                if values.is_empty()
                    && first_val.is_none_or(|fv| (c.x0 as f64) < fv - 2.0 || label.is_empty())
                {
                    if let Some(fv) = first_val {
                        if !label.is_empty() && (c.x0 as f64) >= fv - 2.0 {
                            continue;
                        }
                        if label.is_empty()
                            && code.is_none()
                            && (c.x0 as f64) >= fv + 4.0
                            && nsides_one(cols)
                        {
                            // text in the value area of a one-sided table: header remnant
                            continue;
                        }
                    }
                    label.push(c.clone());
                }
            }
            FragmentKind::Num => values.push(c.clone()),
        }
    }
    if code.is_none() && label.is_empty() && values.is_empty() {
        return None;
    }
    Some(Seg {
        line,
        page,
        code,
        label,
        values,
    })
}

fn nsides_one(cols: &[ColDef]) -> bool {
    cols.iter().all(|c| c.side == 0)
}
