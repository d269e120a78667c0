//! What a positioned line or fragment looks like: a subject code, a total
//! label, prose, a footnote, filler dots.

use crate::input::positioned::{Fragment, FragmentKind, PositionedLine};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

pub(super) fn is_code_token(c: &Fragment) -> bool {
    c.kind == FragmentKind::Num
        && c.text.bytes().all(|b| b.is_ascii_digit())
        && matches!(c.text.len(), 3 | 5 | 7)
        && !c.text.starts_with('0')
}

pub(super) fn is_code_part(c: &Fragment) -> bool {
    c.kind == FragmentKind::Num
        && c.text.bytes().all(|b| b.is_ascii_digit())
        && matches!(c.text.len(), 1 | 2)
}

pub(super) fn has_sentence_punct(s: &str) -> bool {
    s.contains('，') || s.contains('。') || s.contains('；') || s.contains("，")
}

pub(super) fn is_prose(l: &PositionedLine) -> bool {
    let n = l.norm.chars().filter(|c| !c.is_ascii()).count();
    if l.norm.starts_with("第") && l.norm.contains("部分") && n < 40 {
        return true;
    }
    if is_note(l) {
        return false;
    }
    (has_sentence_punct(&l.norm) && n >= 12) || (n >= 45 && !is_row_of_words(l))
}

/// A line of several short words set apart by wide gaps: the header (or a
/// row) of a table with many columns, however many characters it has.
fn is_row_of_words(l: &PositionedLine) -> bool {
    l.fragments.len() >= 4
        && l.fragments.iter().all(|f| f.text.chars().count() <= 12)
        && l.fragments.windows(2).all(|w| w[1].x0 >= w[0].x1 + 2)
}

/// How forms write an empty cell: a dash or a slash where a figure would be.
pub(super) fn is_blank_cell(c: &Fragment) -> bool {
    c.kind == FragmentKind::Text
        && matches!(
            c.text.as_str(),
            "-" | "—" | "——" | "－" | "--" | "/" | "／" | "…" | "x" | "X" | "×"
        )
}

pub(super) fn is_note(l: &PositionedLine) -> bool {
    let t = l.norm.as_str();
    t.starts_with("注：")
        || t.starts_with("注:")
        || t.starts_with("说明：")
        || t.starts_with("说明:")
        || t.starts_with("备注")
}

pub(super) fn is_filler(l: &PositionedLine) -> bool {
    !l.norm.is_empty() && l.norm.chars().all(|c| "…。.·-—".contains(c))
}

pub(super) fn is_total_label(t: &str) -> bool {
    t.ends_with("合计") || t.ends_with("总计") || t == "合计" || t == "总计"
}

pub(super) fn trimmed_span(text: &str, l: &PositionedLine) -> Span {
    let body = text.get(l.s..l.e).unwrap_or("");
    let lead = body.len()
        - body
            .trim_start_matches(|c: char| c.is_whitespace() || c == '\x0c')
            .len();
    let trail = body.len() - body.trim_end().len();
    let s = l.s + lead;
    let e = (l.e - trail).max(s);
    Span::new(s, e)
}

pub(super) static UNIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"单位\s*[:：]\s*(亿元|万元|萬元|千元|元)").expect("static regex"));

pub(super) static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]+、|[0-9０-９]+[.．、]|[（(][一二三四五六七八九十0-9０-９]+[)）])")
        .expect("static regex")
});
