//! `repeated-passage`: a passage of prose printed twice, as when a page
//! that overflowed was pasted again at the top of the next one. Lines of
//! prose paragraphs are compared with white space removed (the two copies
//! may be indented or broken differently by the extraction); a run of
//! consecutive lines that recurs later, in the same order, is reported
//! once, on its second copy, when it
//! - holds at least `min_chars` characters (100 unless set), and
//! - contains at least one whole paragraph.
//!
//! The second condition keeps out two paragraphs that end with the same
//! wording (`…较上年增加17.75万元，增长6.10%，主要原因是…` said of income
//! and of expenditure wraps into identical lines, yet each paragraph is
//! printed once). Tables are not prose, so a header repeated on each page
//! is not a passage. A line met more than `MAX_COPIES` times is boiler-
//! plate, not a passage, and is left out; so is a line that still holds a
//! template placeholder (`XX`, `××`, `某某`): the blank template repeats its
//! instructions in every part, and `template-residue` speaks for it.

use super::RuleKind;
use crate::diagnostic::Label;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct RepeatedPassage {
    min_chars: usize,
}

const DEFAULT_MIN_CHARS: usize = 100;
/// A line printed more often than this is boilerplate (a running header).
const MAX_COPIES: usize = 8;

impl RuleKind for RepeatedPassage {
    const KEYS: &'static [&'static str] = &["min_chars"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let min_chars = rs.min_chars.unwrap_or(DEFAULT_MIN_CHARS);
        if min_chars < 20 {
            cx.err(
                &rs.kind,
                format!("min_chars = {min_chars} would report short formulas repeated on purpose"),
                "this rule",
                "min_chars is 20 or more (100 unless set)",
            );
            return None;
        }
        Some(RepeatedPassage { min_chars })
    }

    fn run(&self, cx: &mut RuleContext) {
        let doc = std::sync::Arc::clone(cx.doc);
        let lines = prose_lines(&doc, cx.text, |s| cx.in_scope(s));
        for r in repeats(&lines, self.min_chars) {
            let first = lines[r.first].span.cover(lines[r.first + r.len - 1].span);
            let second = lines[r.second].span.cover(lines[r.second + r.len - 1].span);
            let chars: usize = lines[r.second..r.second + r.len]
                .iter()
                .map(|l| l.text.chars().count())
                .sum();
            let start: String = lines[r.second].text.chars().take(16).collect();
            let mut d = cx.diag(&[
                ("found", format!("{start}…")),
                ("total", chars.to_string()),
                ("other", r.len.to_string()),
            ]);
            d.labels.push(Label::new(second, "重复的一段"));
            d.labels.push(Label::new(first, "第一次出现"));
            cx.report(d);
        }
    }
}

/// One line of a prose paragraph, white space removed.
struct Line {
    text: String,
    /// False for a template line: it breaks a run, never makes one.
    comparable: bool,
    span: Span,
    paragraph: usize,
    /// First / last line of its paragraph.
    opens: bool,
    closes: bool,
}

fn prose_lines(
    doc: &crate::document::Document,
    text: &str,
    in_scope: impl Fn(usize) -> bool,
) -> Vec<Line> {
    let mut out = Vec::new();
    for (pi, p) in doc.paragraphs.iter().enumerate() {
        if !in_scope(p.section) {
            continue;
        }
        let Some(body) = text.get(p.span.range()) else {
            continue;
        };
        let from = out.len();
        let mut at = p.span.start as usize;
        for raw in body.split_inclusive('\n') {
            let squeezed: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
            if !squeezed.is_empty() {
                let lead = raw.len() - raw.trim_start().len();
                let end = at + raw.trim_end().len();
                out.push(Line {
                    comparable: !has_placeholder(&squeezed),
                    text: squeezed,
                    span: Span::new(at + lead, end.max(at + lead)),
                    paragraph: pi,
                    opens: false,
                    closes: false,
                });
            }
            at += raw.len();
        }
        if out.len() > from {
            out[from].opens = true;
            let last = out.len() - 1;
            out[last].closes = true;
        }
    }
    out
}

/// Does a line still hold a template placeholder?
fn has_placeholder(line: &str) -> bool {
    ["XX", "xx", "ＸＸ", "××", "某某"]
        .iter()
        .any(|p| line.contains(p))
}

/// A run of `len` lines starting at `first` printed again at `second`.
#[derive(Debug, PartialEq, Eq)]
struct Repeat {
    first: usize,
    second: usize,
    len: usize,
}

fn repeats(lines: &[Line], min_chars: usize) -> Vec<Repeat> {
    let mut at: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, l) in lines.iter().enumerate().filter(|(_, l)| l.comparable) {
        at.entry(l.text.as_str()).or_default().push(i);
    }
    let mut out: Vec<Repeat> = Vec::new();
    // Lines already inside a reported second copy.
    let mut covered_to = 0;
    for i in 0..lines.len() {
        if i < covered_to || !lines[i].comparable {
            continue;
        }
        let copies = &at[lines[i].text.as_str()];
        if copies.len() > MAX_COPIES {
            continue;
        }
        for &j in copies.iter().take_while(|&&j| j < i) {
            // Only maximal runs: not one that the previous lines extend.
            if j > 0 && lines[j - 1].text == lines[i - 1].text {
                continue;
            }
            let mut len = 0;
            while i + len < lines.len()
                && j + len < i
                && lines[i + len].comparable
                && lines[j + len].text == lines[i + len].text
            {
                len += 1;
            }
            let run = &lines[i..i + len];
            let chars: usize = run.iter().map(|l| l.text.chars().count()).sum();
            // A paragraph's lines are consecutive: one pass finds one
            // opened and closed inside the run.
            let mut opened = None;
            let whole_paragraph = run.iter().any(|l| {
                if l.opens {
                    opened = Some(l.paragraph);
                }
                l.closes && opened == Some(l.paragraph)
            });
            if chars >= min_chars && whole_paragraph {
                out.push(Repeat {
                    first: j,
                    second: i,
                    len,
                });
                covered_to = i + len;
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines from paragraphs given as lists of lines.
    fn lines(paragraphs: &[&[&str]]) -> Vec<Line> {
        let mut out = Vec::new();
        for (pi, p) in paragraphs.iter().enumerate() {
            for (k, t) in p.iter().enumerate() {
                out.push(Line {
                    comparable: !has_placeholder(t),
                    text: t.to_string(),
                    span: Span::default(),
                    paragraph: pi,
                    opens: k == 0,
                    closes: k + 1 == p.len(),
                });
            }
        }
        out
    }

    #[test]
    fn an_overflowed_page_pasted_again_is_one_repeat() {
        let a = "甲".repeat(40);
        let b = "乙".repeat(40);
        let c = "丙".repeat(40);
        let d = "丁".repeat(40);
        // Paragraph 1 ends with b; 2 is c; then the tail b + c again, then d.
        let ls = lines(&[&[&a, &b], &[&c], &[&b], &[&c], &[&d]]);
        let r = repeats(&ls, 60);
        assert_eq!(
            r,
            vec![Repeat {
                first: 1,
                second: 3,
                len: 2
            }]
        );
    }

    #[test]
    fn two_paragraphs_ending_alike_are_not_a_repeat() {
        let tail =
            "较上年增加17.75万元，增长6.10%，主要原因是人员工资调标和养老保险基数增加".repeat(2);
        let ls = lines(&[
            &["1.收入情况。收入308.97万元，", &tail],
            &["2.支出情况。支出308.97万元，", &tail],
        ]);
        assert!(
            repeats(&ls, 60).is_empty(),
            "no whole paragraph is repeated"
        );
        assert!(repeats(&lines(&[&["短句。"], &["短句。"]]), 60).is_empty());
    }

    #[test]
    fn template_lines_break_a_run() {
        let a = "甲".repeat(40);
        let b = "乙".repeat(40);
        let ls = lines(&[
            &[&a, "1、XX（类）XX（款）", &b],
            &[&a, "1、XX（类）XX（款）", &b],
        ]);
        assert!(repeats(&ls, 60).is_empty(), "{:?}", repeats(&ls, 60));
        let ls = lines(&[
            &[&a, "1、一般公共服务支出（类）", &b],
            &[&a, "1、一般公共服务支出（类）", &b],
        ]);
        assert_eq!(repeats(&ls, 60).len(), 1);
    }
}
