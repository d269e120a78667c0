//! Rows of a layout table: each number mapped to its column (header anchors,
//! or clusters of the page's own numbers), wrapped labels joined.

use super::classify::{is_total_label, NUMBERING};
use super::columns::{Anchors, Seg};
use super::{LayoutCell, LayoutRow};
use crate::input::positioned::{parse_num, Fragment, PositionedLine};
use crate::source::Span;

/// Anchor position per side column for one page: header anchors, or
/// clusters of the page's own numbers. The flag says the clusters were
/// placed by guess: a page without a header whose figures, at a scale of
/// their own, fill fewer columns than the side has and not as many as the
/// page before used (they are then taken as the first ones). A guess may
/// be wrong without any sum showing it (a column of figures moved to its
/// neighbour keeps every total), so the caller asks for a total row that
/// vouches for it, or does not judge the table.
pub(super) fn page_positions(
    segs: &[Seg],
    side_cols: &[usize],
    a: &Anchors,
    prev_used: &[usize],
    learned: &[Option<f64>],
) -> (Vec<Option<f64>>, bool) {
    let n = side_cols.len();
    if a.from_header {
        let v: Vec<Option<f64>> = side_cols
            .iter()
            .map(|&c| a.cols.get(c).copied().flatten())
            .collect();
        if v.iter().any(|x| x.is_some()) {
            return (v, false);
        }
    }
    // clusters of centres
    let mut xs: Vec<f64> = segs
        .iter()
        .flat_map(|s| s.values.iter().map(|c| c.x1 as f64))
        .collect();
    xs.sort_by(|a, b| a.total_cmp(b));
    let mut clusters: Vec<(f64, f64, usize)> = Vec::new(); // (min, max, count)
    for x in xs {
        match clusters.last_mut() {
            Some(c) if x - c.1 <= 3.0 => {
                c.1 = x;
                c.2 += 1;
            }
            _ => clusters.push((x, x, 1)),
        }
    }
    let centres: Vec<f64> = clusters.iter().map(|c| (c.0 + c.1) / 2.0).collect();
    let mut out = vec![None; n];
    let k = centres.len();
    if k == 0 {
        return (out, false);
    }
    let mut guessed = false;
    let targets: Vec<usize> = if k >= n {
        // As many clusters as columns, or more (right edges of left-aligned
        // figures spread): the figures are then placed by nearness.
        (0..n).collect()
    } else if let Some(t) = same_scale(&centres, side_cols, a, learned) {
        t
    } else if prev_used.len() == k {
        // The columns the page before used. Taken as known: a table keeps
        // its columns from page to page (a page whose figures sit in other
        // columns, as many as before, is not told apart).
        prev_used
            .iter()
            .filter_map(|c| side_cols.iter().position(|x| x == c))
            .collect()
    } else {
        guessed = true;
        (0..k).collect()
    };
    for (ci, &t) in targets.iter().enumerate() {
        if let (Some(slot), Some(&x)) = (out.get_mut(t), centres.get(ci)) {
            *slot = Some(x);
        }
    }
    // mark as right-edge anchors by negating? keep simple: values compared by x1
    out.iter_mut().for_each(|o| {
        if let Some(x) = o {
            *x = -*x - 1.0; // encoded: negative means compare right edges
        }
    });
    (out, guessed)
}

/// A page without a header printed at the scale of the pages before it:
/// every cluster of right edges sits where the figures of one column ended
/// there (`learned`, per side column), or where the header places a column
/// no figure has yet shown (its anchor plus the usual offset of figures
/// from their header). Then the clusters are those columns, in order;
/// otherwise `None` (the page has a scale of its own).
fn same_scale(
    centres: &[f64],
    side_cols: &[usize],
    a: &Anchors,
    learned: &[Option<f64>],
) -> Option<Vec<usize>> {
    let anchor = |i: usize| a.cols.get(side_cols[i]).copied().flatten();
    let offsets: Vec<f64> = (0..side_cols.len())
        .filter_map(|i| Some(learned.get(i).copied().flatten()? - anchor(i)?))
        .collect();
    if offsets.is_empty() {
        return None;
    }
    let offset = offsets.iter().sum::<f64>() / offsets.len() as f64;
    let expect: Vec<Option<f64>> = (0..side_cols.len())
        .map(|i| {
            learned
                .get(i)
                .copied()
                .flatten()
                .or_else(|| anchor(i).map(|x| x + offset))
        })
        .collect();
    let mut out = Vec::new();
    for &c in centres {
        let (best, d) = expect
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.map(|e| (i, (e - c).abs())))
            .min_by(|p, q| p.1.total_cmp(&q.1))?;
        if d > 2.5 || out.last().is_some_and(|&l| l >= best) {
            return None;
        }
        out.push(best);
    }
    Some(out)
}

/// Map the values of a segment to global column indices.
pub(super) fn map_values(
    values: &[Fragment],
    side_cols: &[usize],
    pos: &[Option<f64>],
) -> Vec<Option<usize>> {
    let m = values.len();
    let n = side_cols.len();
    if m == 0 {
        return Vec::new();
    }
    if m == n {
        return side_cols.iter().map(|&c| Some(c)).collect();
    }
    if pos.iter().all(|p| p.is_none()) {
        return (0..m).map(|i| side_cols.get(i).copied()).collect();
    }
    let cost = |t: usize, c: usize| -> f64 {
        match pos.get(c).copied().flatten() {
            None => 1e6,
            Some(p) if p < 0.0 => (values[t].x1 as f64 - (-p - 1.0)).abs(),
            Some(p) => (values[t].centre() - p).abs(),
        }
    };
    // DP: assign tokens in order to increasing columns; tokens may be dropped at cost
    const DROP: f64 = 1e5;
    let inf = f64::INFINITY;
    let mut dp = vec![vec![inf; n + 1]; m + 1];
    let mut choice = vec![vec![0u8; n + 1]; m + 1]; // 1 = token t-1 -> col j-1, 2 = skip col, 3 = drop token
    dp[0].iter_mut().for_each(|x| *x = 0.0);
    for t in 1..=m {
        dp[t][0] = dp[t - 1][0] + DROP;
        choice[t][0] = 3;
        for j in 1..=n {
            let a = dp[t - 1][j - 1] + cost(t - 1, j - 1);
            let b = dp[t][j - 1];
            let d = dp[t - 1][j] + DROP;
            let (best, ch) = if a <= b && a <= d {
                (a, 1)
            } else if b <= d {
                (b, 2)
            } else {
                (d, 3)
            };
            dp[t][j] = best;
            choice[t][j] = ch;
        }
    }
    let mut res = vec![None; m];
    let (mut t, mut j) = (m, n);
    while t > 0 {
        match choice[t][j] {
            1 => {
                res[t - 1] = side_cols.get(j - 1).copied();
                t -= 1;
                j -= 1;
            }
            2 if j > 0 => j -= 1,
            _ => t -= 1,
        }
    }
    res
}

const END_CHARS: &str = "出入余计配款金算费资额助补";

/// The rows of the summary tables (收支总表) that are not numbered items.
const ROW_NAMES: &[&str] = &[
    "本年收入合计",
    "本年支出合计",
    "收入总计",
    "支出总计",
    "收入支出总计",
    "使用非财政拨款结余",
    "年初结转和结余",
    "年末结转和结余",
    "年初财政拨款结转和结余",
    "年末财政拨款结转和结余",
    "年初结转",
    "年末结转",
    "上年结转",
    "结转下年",
    "结余分配",
    "用事业基金弥补收支差额",
];

/// Does a label begin a row of a summary table (收支总表)? Its items are
/// numbered (一、 1.), the rest are totals or the carry-over rows of
/// [`ROW_NAMES`], whole or their first piece (three characters or more) when wrapped
/// (`年初财政拨`).
/// Any other text on a line of its own is the wrapped remainder of the
/// label above.
fn starts_row(label: &str) -> bool {
    let l = crate::document::text::fold(label);
    NUMBERING.is_match(&l)
        || is_total_label(&l)
        || ROW_NAMES
            .iter()
            .any(|n| l.starts_with(n) || (l.chars().count() >= 3 && n.starts_with(l.as_str())))
}

pub(super) fn build_rows(
    segs: &[Seg],
    assigned: &[Vec<Option<usize>>],
    coded: bool,
    lines: &[PositionedLine],
    ncols: usize,
    side: Option<String>,
) -> Vec<LayoutRow> {
    // Proto rows: indexes of segs that are row anchors; wrap pieces assigned later.
    struct Proto {
        seg: usize,
        code: Option<(String, Span)>,
        above: Vec<usize>,
        below: Vec<usize>,
    }
    let mut protos: Vec<Proto> = Vec::new();
    // wrap segments (label-only) with the proto index gap they sit in
    let mut gaps: Vec<Vec<usize>> = vec![Vec::new()];
    let mut pending_code: Option<(String, Span, usize)> = None; // code-only seg waiting for its data line
    for (si, sg) in segs.iter().enumerate() {
        let has_vals = !sg.values.is_empty();
        let label_txt: String = sg.label.iter().map(|c| c.text.as_str()).collect();
        if sg.code.is_some() && !has_vals && sg.label.is_empty() {
            if let Some((c, s, psi)) = pending_code.take() {
                protos.push(Proto {
                    seg: psi,
                    code: Some((c, s)),
                    above: vec![],
                    below: vec![],
                });
                gaps.push(Vec::new());
            }
            let (c, s) = sg.code.clone().unwrap_or_default();
            pending_code = Some((c, s, si));
            continue;
        }
        if let Some((c, s, psi)) = pending_code.take() {
            let adjacent = sg.line
                <= segs[psi].line
                    + 1
                    + usize::from(lines.get(segs[psi].line + 1).is_some_and(|l| l.blank()));
            if sg.code.is_none() && has_vals && adjacent {
                protos.push(Proto {
                    seg: si,
                    code: Some((c, s)),
                    above: vec![],
                    below: vec![],
                });
                gaps.push(Vec::new());
                continue;
            }
            protos.push(Proto {
                seg: psi,
                code: Some((c, s)),
                above: vec![],
                below: vec![],
            });
            gaps.push(Vec::new());
        }
        // Summary tables: figures on the lower line of a wrapped label
        // ("1. 一般公共预算资" / "金   1,000"): a line with figures whose
        // label starts no row (no number, no total, no carry-over) right
        // below the start of a row that has a label but no figures is that
        // row's figure line.
        if !coded && has_vals && sg.code.is_none() && !label_txt.is_empty() {
            if let Some(p) = protos.last_mut() {
                let head = &segs[p.seg];
                let prev_txt: String = head
                    .label
                    .iter()
                    .chain(p.below.iter().flat_map(|&b| segs[b].label.iter()))
                    .map(|c| c.text.as_str())
                    .collect();
                let last_line = p.below.last().map_or(head.line, |&b| segs[b].line);
                if head.values.is_empty()
                    && p.code.is_none()
                    && sg.line <= last_line + 2
                    && !starts_row(&label_txt)
                    && starts_row(&prev_txt)
                {
                    let mut above = vec![p.seg];
                    above.append(&mut p.below);
                    p.seg = si;
                    p.above = above;
                    continue;
                }
            }
        }
        let is_row = if has_vals || sg.code.is_some() {
            true
        } else if coded {
            is_total_label(&label_txt) || NUMBERING.is_match(&label_txt)
        } else {
            // summary tables: a label-only line is a row unless it continues the previous label
            let cont = protos.last().is_some_and(|p| {
                let last_line = p
                    .below
                    .last()
                    .map(|&b| segs[b].line)
                    .unwrap_or(segs[p.seg].line);
                let prev_txt: String = p
                    .above
                    .iter()
                    .flat_map(|&a| segs[a].label.iter())
                    .chain(segs[p.seg].label.iter())
                    .chain(p.below.iter().flat_map(|&b| segs[b].label.iter()))
                    .map(|c| c.text.as_str())
                    .collect();
                let near = sg.line <= last_line + 2;
                near && !starts_row(&label_txt)
                    && (starts_row(&prev_txt)
                        || prev_txt
                            .chars()
                            .last()
                            .is_some_and(|ch| !END_CHARS.contains(ch))
                        || label_txt.chars().count() <= 1)
            });
            if cont {
                if let Some(p) = protos.last_mut() {
                    p.below.push(si);
                }
                continue;
            }
            true
        };
        if is_row {
            protos.push(Proto {
                seg: si,
                code: sg.code.clone(),
                above: vec![],
                below: vec![],
            });
            gaps.push(Vec::new());
        } else if let Some(g) = gaps.last_mut() {
            g.push(si);
        }
    }
    if let Some((c, s, psi)) = pending_code.take() {
        protos.push(Proto {
            seg: psi,
            code: Some((c, s)),
            above: vec![],
            below: vec![],
        });
        gaps.push(Vec::new());
    }
    // gaps[i] sits before protos[i]; gaps[n] after the last.
    let n = protos.len();
    if coded && n > 0 {
        // DP over split points
        let k: Vec<usize> = gaps.iter().map(|g| g.len()).collect();
        let strong = |g: usize, j: usize| -> bool {
            // boundary before position j in gap g (between piece j-1 and j, or row/piece)
            let prev_line = if j == 0 {
                if g == 0 {
                    return true;
                } else {
                    segs[protos[g - 1].seg].line
                }
            } else {
                segs[gaps[g][j - 1]].line
            };
            let next_line = if j == k[g] {
                if g == n {
                    return true;
                } else {
                    segs[protos[g].seg].line
                }
            } else {
                segs[gaps[g][j]].line
            };
            next_line > prev_line + 1
                || lines.get(next_line).map(|l| l.page) != lines.get(prev_line).map(|l| l.page)
        };
        let gap_has_strong = |g: usize| (0..=k[g]).any(|j| strong(g, j));
        let split_cost = |g: usize, j: usize| -> f64 {
            if g == 0 && j > 0 || g == n && j < k[g] {
                return 1e6;
            }
            if gap_has_strong(g) && !strong(g, j) {
                1.0
            } else {
                0.0
            }
        };
        let row_cost = |r: usize, u: usize, d: usize| -> f64 {
            let inline = !segs[protos[r].seg].label.is_empty();
            let own: String = segs[protos[r].seg]
                .label
                .iter()
                .map(|c| c.text.as_str())
                .collect();
            // A total row (合计, 人员经费合计) is never a wrapped label.
            if inline && is_total_label(&own) && u + d > 0 {
                return 10.0 * (u + d) as f64;
            }
            // No label is one character long (`计` is the end of `…合计`
            // wrapped above it).
            let joined: usize = gaps[r][k[r] - u..]
                .iter()
                .chain(&gaps[r + 1][..d])
                .flat_map(|&g| segs[g].label.iter())
                .map(|c| c.text.chars().count())
                .sum::<usize>()
                + own.chars().count();
            if inline && joined <= 1 {
                return 3.0;
            }
            if inline {
                if u == 0 && d <= 1 {
                    0.0
                } else if u == d {
                    0.05 * u as f64
                } else if d == u + 1 {
                    0.3
                } else {
                    u.abs_diff(d) as f64
                }
            } else if u == d && u > 0 {
                0.0
            } else if u + d == 1 {
                0.5
            } else if u == 0 && d == 0 {
                0.6
            } else {
                u.abs_diff(d) as f64
            }
        };
        // dp[g][j] = min cost of rows < g given split j in gap g
        let mut dp: Vec<Vec<f64>> = k.iter().map(|&kk| vec![f64::INFINITY; kk + 1]).collect();
        let mut back: Vec<Vec<usize>> = k.iter().map(|&kk| vec![0; kk + 1]).collect();
        for (j, x) in dp[0].iter_mut().enumerate() {
            *x = split_cost(0, j);
        }
        for g in 1..=n {
            for j in 0..=k[g] {
                let mut best = f64::INFINITY;
                let mut bj = 0;
                for (pj, prev) in dp[g - 1].iter().enumerate() {
                    let u = k[g - 1] - pj;
                    let c = prev + row_cost(g - 1, u, j);
                    if c < best {
                        best = c;
                        bj = pj;
                    }
                }
                dp[g][j] = best + split_cost(g, j);
                back[g][j] = bj;
            }
        }
        let mut j = (0..=k[n])
            .min_by(|&a, &b| dp[n][a].total_cmp(&dp[n][b]))
            .unwrap_or(0);
        for g in (0..=n).rev() {
            if g < n {
                protos[g].above = gaps[g][j..].to_vec();
            }
            if g > 0 {
                protos[g - 1].below.extend(gaps[g][..j].iter().copied());
                j = back[g][j];
            }
        }
    }
    protos
        .iter()
        .map(|p| {
            let mut pieces: Vec<&Fragment> = Vec::new();
            for &a in &p.above {
                pieces.extend(segs[a].label.iter());
            }
            pieces.extend(segs[p.seg].label.iter());
            for &b in &p.below {
                pieces.extend(segs[b].label.iter());
            }
            let mut cells: Vec<Option<LayoutCell>> = vec![None; ncols];
            let sg = &segs[p.seg];
            if let Some(m) = assigned.get(p.seg) {
                for (v, c) in sg.values.iter().zip(m.iter()) {
                    let target = c.and_then(|ci| match (cells.get_mut(ci), parse_num(&v.text)) {
                        (Some(slot), Some(num)) if slot.is_none() => Some((slot, num)),
                        _ => None,
                    });
                    if let Some((slot, (val, dec))) = target {
                        *slot = Some(LayoutCell {
                            text: v.text.clone(),
                            span: v.span(),
                            value: val,
                            decimals: dec,
                        });
                    }
                }
            }
            LayoutRow {
                label: pieces.iter().map(|c| c.text.as_str()).collect(),
                label_spans: pieces.iter().map(|c| c.span()).collect(),
                code: p.code.as_ref().map(|c| c.0.clone()),
                code_span: p.code.as_ref().map(|c| c.1),
                cells,
                text_cells: Vec::new(),
                side: side.clone(),
            }
        })
        .collect()
}
