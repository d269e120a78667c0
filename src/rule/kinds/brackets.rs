//! `brackets`: quotation marks and brackets pair up within each prose
//! paragraph (“ ” ‘ ’ （ ） 《 》 〈 〉 〔 〕 【 】 「 」 『 』); a paragraph that
//! the layout cut mid-sentence is paired together with its continuation. A full-width
//! bracket may be closed by its half-width form (（…) is a typographic slip
//! of another kind, not an unclosed bracket). One finding per paragraph: the
//! first unpaired mark, with the paragraph's other unpaired marks beside it,
//! so a passage the parser misjoined is one finding, not a string of them.
//!
//! Not unpaired: the closing bracket of a list number (`1）`, `a)`, `一）`),
//! and ’ between two Latin letters (an apostrophe).

use super::RuleKind;
use crate::diagnostic::Label;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct Brackets;

/// The pairs: (openers, closers). A mark closes the innermost open mark of
/// its own pair.
const PAIRS: &[(&[char], &[char])] = &[
    (&['“'], &['”']),
    (&['‘'], &['’']),
    (&['（', '('], &['）', ')']),
    (&['《'], &['》']),
    (&['〈'], &['〉']),
    (&['〔'], &['〕']),
    (&['【'], &['】']),
    (&['「'], &['」']),
    (&['『'], &['』']),
];

/// How many unpaired marks of one paragraph are shown beside the first.
const MORE_LABELS: usize = 5;

impl RuleKind for Brackets {
    const KEYS: &'static [&'static str] = &[];

    fn compile(_rs: &RuleSpec, _cx: &mut CompileCx) -> Option<Self> {
        Some(Brackets)
    }

    fn run(&self, cx: &mut RuleContext) {
        let doc = std::sync::Arc::clone(cx.doc);
        let mut any = false;
        for run in doc.sentence_runs(cx.text) {
            if !cx.in_scope(doc.paragraphs[run[0]].section) {
                continue;
            }
            any = true;
            let pieces: Vec<(usize, &str)> = run
                .iter()
                .filter_map(|&i| {
                    let span = doc.paragraphs[i].span;
                    Some((span.start as usize, cx.text.get(span.range())?))
                })
                .collect();
            let unpaired = unpaired_in(&pieces);
            let Some(&(first, mark)) = unpaired.first() else {
                continue;
            };
            let span = Span::new(first, first + mark.len_utf8());
            let found = mark.to_string();
            let mut d = cx.diag(&[("found", found.clone()), ("label", found)]);
            d.labels.push(Label::new(span, side(mark)));
            for &(at, m) in unpaired.iter().skip(1).take(MORE_LABELS) {
                d.labels
                    .push(Label::new(Span::new(at, at + m.len_utf8()), side(m)));
            }
            cx.report(d);
        }
        if !any {
            cx.not_checked("报告中没有正文段落".into(), None);
        }
    }
}

fn side(mark: char) -> &'static str {
    if pair_of(mark).is_some_and(|(_, open)| open) {
        "未闭合"
    } else {
        "无对应的开符号"
    }
}

/// Can `c` be one of the marks of [`PAIRS`]? A cheap test first: this runs
/// on every character of the report.
fn may_be_mark(c: char) -> bool {
    matches!(
        c,
        '(' | ')' | '\u{2018}'..='\u{201D}' | '\u{3008}'..='\u{3011}' | '〔' | '〕' | '（' | '）'
    )
}

/// The pair a mark belongs to, and whether it opens.
fn pair_of(c: char) -> Option<(usize, bool)> {
    if !may_be_mark(c) {
        return None;
    }
    PAIRS.iter().enumerate().find_map(|(i, (open, close))| {
        if open.contains(&c) {
            Some((i, true))
        } else if close.contains(&c) {
            Some((i, false))
        } else {
            None
        }
    })
}

/// The unpaired marks of a paragraph: (byte offset, mark), in text order.
#[cfg(test)]
pub(crate) fn unpaired(text: &str) -> Vec<(usize, char)> {
    unpaired_in(&[(0, text)])
}

/// The unpaired marks of a run of text pieces, each given with its byte
/// offset in the report: (offset, mark), in text order. Between pieces
/// stands a line break, so a list number may start a piece.
fn unpaired_in(pieces: &[(usize, &str)]) -> Vec<(usize, char)> {
    let mut chars: Vec<(usize, char)> = Vec::new();
    for (k, &(start, text)) in pieces.iter().enumerate() {
        if k > 0 {
            chars.push((start, '\n'));
        }
        chars.extend(text.char_indices().map(|(at, c)| (start + at, c)));
    }
    let mut open: Vec<(usize, char, usize)> = Vec::new();
    let mut bad: Vec<(usize, char)> = Vec::new();
    for (k, &(at, c)) in chars.iter().enumerate() {
        if let Some((pair, opens)) = pair_of(c) {
            if opens {
                open.push((at, c, pair));
            } else if let Some(pos) = open.iter().rposition(|&(_, _, p)| p == pair) {
                // Marks opened inside this pair and never closed are unpaired.
                for (a, m, _) in open.drain(pos..).skip(1) {
                    bad.push((a, m));
                }
            } else if !is_list_number_close(&chars, k) && !is_apostrophe(&chars, k) {
                bad.push((at, c));
            }
        }
    }
    bad.extend(open.into_iter().map(|(a, m, _)| (a, m)));
    bad.sort_unstable();
    bad
}

/// `1）`, `(2)`-less `2)`, `a)`, `一）` at the start of the paragraph or after
/// a space or a punctuation mark: a list number, closed by design.
fn is_list_number_close(chars: &[(usize, char)], k: usize) -> bool {
    if !matches!(chars[k].1, '）' | ')') {
        return false;
    }
    let mut j = k;
    let mut n = 0;
    while j > 0 {
        let c = chars[j - 1].1;
        let numeral = c.is_ascii_alphanumeric()
            || ('０'..='９').contains(&c)
            || "一二三四五六七八九十".contains(c);
        if !numeral {
            break;
        }
        j -= 1;
        n += 1;
    }
    if n == 0 || n > 3 {
        return false;
    }
    match j.checked_sub(1).map(|i| chars[i].1) {
        None => true,
        Some(c) => c.is_whitespace() || "。；;：:，,、".contains(c),
    }
}

/// ’ between two Latin letters: an apostrophe (People’s).
fn is_apostrophe(chars: &[(usize, char)], k: usize) -> bool {
    chars[k].1 == '’'
        && k > 0
        && chars[k - 1].1.is_ascii_alphabetic()
        && chars.get(k + 1).is_some_and(|c| c.1.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::{may_be_mark, unpaired, unpaired_in, PAIRS};

    #[test]
    fn every_mark_passes_the_quick_test() {
        for (open, close) in PAIRS {
            for &c in open.iter().chain(close.iter()) {
                assert!(may_be_mark(c), "{c}");
            }
        }
        assert!(!may_be_mark('a') && !may_be_mark('收') && !may_be_mark('。'));
    }

    fn marks(text: &str) -> Vec<char> {
        unpaired(text).into_iter().map(|(_, c)| c).collect()
    }

    #[test]
    fn paired_marks_pass() {
        assert!(
            marks("根据《预算法》规定，“三公”经费（含因公出国（境）费）为3.2万元。").is_empty()
        );
        assert!(marks("（一）收入支出决算总体情况").is_empty());
    }

    #[test]
    fn a_half_width_close_closes_a_full_width_open() {
        assert!(marks("详见附表（表2)。").is_empty());
    }

    #[test]
    fn unclosed_and_unopened_marks_are_found_with_offsets() {
        let t = "评价等级为“优。另有说明）。";
        let u = unpaired(t);
        assert_eq!(u.len(), 2);
        assert_eq!(u[0], (t.find('“').unwrap(), '“'));
        assert_eq!(u[1], (t.find('）').unwrap(), '）'));
    }

    #[test]
    fn crossed_marks_leave_the_inner_one_unclosed() {
        // 《 is opened inside “ … ” and never closed.
        assert_eq!(marks("按照“《预算法”要求。"), vec!['《']);
    }

    #[test]
    fn list_numbers_and_apostrophes_are_not_brackets() {
        assert!(marks("1）办公费；2）印刷费；a) 其他。").is_empty());
        assert!(marks("主要用于：一）日常办公。").is_empty());
        assert!(marks("People’s Daily 报道。").is_empty());
        // A closing bracket after a word is not a list number.
        assert_eq!(marks("支出10万元）。"), vec!['）']);
    }

    #[test]
    fn straight_quotes_are_left_alone() {
        assert!(marks("所谓\"三公\"经费。").is_empty());
    }

    #[test]
    fn pieces_pair_across_the_cut_and_keep_report_offsets() {
        let a = "构成（仅有一个单位的部门";
        let b = "不需要填写）。";
        assert!(unpaired_in(&[(100, a), (200, b)]).is_empty());
        // A list number may open the next piece.
        assert!(unpaired_in(&[(0, "主要用于："), (50, "1）办公费。")]).is_empty());
        let u = unpaired_in(&[(100, "评价为“优。"), (200, "其他）。")]);
        assert_eq!(
            u,
            vec![(100 + "评价为".len(), '“'), (200 + "其他".len(), '）')]
        );
    }
}
