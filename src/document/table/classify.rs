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
    // Full-width only: an ASCII comma is a thousands separator in a figure.
    s.contains('，') || s.contains('。') || s.contains('；')
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

/// Text printed among a table's header lines that heads no column: the
/// unit (`单位：万元`, `金额单位（元）`) and who compiled the table
/// (`编制部门：…`, `编制单位：…`). Not a heading that merely contains
/// 单位 (`附属单位` over `上缴收入`).
pub(super) fn is_beside_header(t: &str) -> bool {
    static ASIDE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"单位\s*[:：(（]|编制部门").expect("static regex"));
    ASIDE.is_match(t)
}

pub(super) static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]+、|[0-9０-９]+[.．、]|[（(][一二三四五六七八九十0-9０-９]+[)）])")
        .expect("static regex")
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::text;
    use crate::input::positioned::positioned_lines;

    fn line(t: &str) -> PositionedLine {
        positioned_lines(t, &text::lines(t)).remove(0)
    }

    #[test]
    fn total_labels() {
        for t in ["合计", "总计", "本年收入合计", "支出总计"] {
            assert!(is_total_label(t), "{t}");
        }
        for t in ["合计数", "其中：合计以外", "小计"] {
            assert!(!is_total_label(t), "{t}");
        }
    }

    #[test]
    fn notes_and_fillers() {
        assert!(is_note(&line("注：本表反映部门本年度的总收支。")));
        assert!(is_note(&line("备注 无")));
        assert!(!is_note(&line("一般公共服务支出 300.00")));
        assert!(is_filler(&line("……………")));
        assert!(!is_filler(&line("   ")));
        assert!(!is_filler(&line("…合计")));
    }

    #[test]
    fn prose_against_a_row_of_header_words() {
        assert!(is_prose(&line(
            "2024年度收入总计308.97万元，支出总计308.97万元，收支较上年增加17.75万元。"
        )));
        assert!(is_prose(&line("第二部分 2024年度部门决算表")));
        // Many characters in short words set apart: a header, not prose.
        assert!(!is_prose(&line(
            "项目  本年收入合计  财政拨款收入  上级补助收入  事业收入  经营收入  附属单位上缴收入  其他收入  年初结转和结余"
        )));
        assert!(!is_prose(&line(
            "注：本表反映部门本年度的总收支和年末结转结余情况，金额单位为万元。"
        )));
    }

    #[test]
    fn sentence_punctuation_is_full_width() {
        assert!(has_sentence_punct("收入增加，主要原因是"));
        assert!(has_sentence_punct("详见附表。"));
        assert!(!has_sentence_punct("1,234.56"));
    }

    #[test]
    fn dashes_and_slashes_are_empty_cells() {
        let l = line("合计  -  /  ——  0.00");
        let blank: Vec<bool> = l.fragments.iter().map(is_blank_cell).collect();
        assert_eq!(blank, [false, true, true, true, false]);
    }

    #[test]
    fn codes_and_numbering() {
        assert!(NUMBERING.is_match("一、一般公共预算财政拨款收入"));
        assert!(NUMBERING.is_match("（三）项目支出"));
        assert!(NUMBERING.is_match("２．其他"));
        assert!(!NUMBERING.is_match("2010301 行政运行"));
        assert!(UNIT.is_match("单位： 万元"));
        assert!(!UNIT.is_match("单位名称：示例局"));
    }

    #[test]
    fn unit_and_compiler_are_beside_the_header_a_heading_with_danwei_is_not() {
        for t in [
            "单位：万元",
            "金额单位（元）",
            "编制部门：示例局",
            "编制单位：示例所",
            "单位:元",
        ] {
            assert!(is_beside_header(t), "{t}");
        }
        for t in ["附属单位", "附属单位上缴收入", "上缴收入", "单位名称"] {
            assert!(!is_beside_header(t), "{t}");
        }
    }
}
