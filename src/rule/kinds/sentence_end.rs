//! `sentence-end`: a sentence of prose, or a numbered item written as one,
//! ends with its 。 (or ；：！？) before the next item or heading starts.
//!
//! Only passages that are sentences are judged: ones with a figure and a
//! comma (a clause). A heading, a caption or a bare list entry
//! (`1.办公费`) has neither and is left alone. A sentence the layout cut
//! over lines or pages is joined first ([`Document::sentence_runs`]), so a
//! page break is not a missing full stop.
//!
//! [`Document::sentence_runs`]: crate::document::Document::sentence_runs

use super::RuleKind;
use crate::diagnostic::Label;
use crate::document::ends_sentence;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct SentenceEnd;

/// How many characters of the passage's end the message quotes.
const QUOTED: usize = 12;

impl RuleKind for SentenceEnd {
    const KEYS: &'static [&'static str] = &[];

    fn compile(_rs: &RuleSpec, _cx: &mut CompileCx) -> Option<Self> {
        Some(SentenceEnd)
    }

    fn run(&self, cx: &mut RuleContext) {
        let doc = std::sync::Arc::clone(cx.doc);
        let mut any = false;
        for run in doc.sentence_runs(cx.text) {
            let last = &doc.paragraphs[*run.last().expect("a run is never empty")];
            if !cx.in_scope(last.section) {
                continue;
            }
            any = true;
            let Some(end) = cx.text.get(last.span.range()) else {
                continue;
            };
            if ends_sentence(end) {
                continue;
            }
            let passage: String = run
                .iter()
                .filter_map(|&i| cx.text.get(doc.paragraphs[i].span.range()))
                .collect();
            if !is_clause(&passage) {
                continue;
            }
            let trimmed = end.trim_end();
            let Some(mark) = trimmed.chars().next_back() else {
                continue;
            };
            let at = last.span.start as usize + trimmed.len() - mark.len_utf8();
            let tail: String = {
                let cs: Vec<char> = trimmed.chars().collect();
                cs[cs.len().saturating_sub(QUOTED)..].iter().collect()
            };
            let mut d = cx.diag(&[("found", tail.clone()), ("label", tail)]);
            d.labels.push(Label::new(
                Span::new(at, at + mark.len_utf8()),
                "此处缺少句末标点",
            ));
            cx.report(d);
        }
        if !any {
            cx.not_checked("报告中没有正文段落".into(), None);
        }
    }
}

/// A passage written as a sentence: it holds a figure and a comma, so it is
/// a clause and not a heading, a caption or a bare list entry.
fn is_clause(passage: &str) -> bool {
    passage.contains(['，', ','])
        && passage
            .chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::is_clause;

    #[test]
    fn a_clause_has_a_figure_and_a_comma() {
        assert!(is_clause("1.基本支出100.00万元，主要用于人员经费"));
        assert!(is_clause("收入合计１０万元, 较上年增加"));
        assert!(!is_clause("（一）收入支出决算总体情况"));
        assert!(!is_clause("1.办公费10.00万元"));
        assert!(!is_clause("主要用于人员经费，日常公用经费"));
    }
}
