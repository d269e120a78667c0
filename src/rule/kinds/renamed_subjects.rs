//! `renamed-subjects`: a report uses its own year's 功能分类 names. The
//! rule's `renamed` table lists each renamed subject with the year from
//! which the new name holds; a report of that year or later that still
//! writes the old name (in prose, headings or tables) gets one finding per
//! old name, its other places shown beside it. `原…` (a reference to the
//! former name) is not a use of it.
//!
//! A name may be broken by a line or page break in PDF text (`其\n他国土资
//! 源事务支出`), so white space between its characters is allowed.

use super::RuleKind;
use crate::diagnostic::Label;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::{RenamedSpec, RuleSpec};
use crate::source::Span;
use regex::Regex;

#[derive(Debug, Clone)]
pub struct RenamedSubjects {
    renamed: Vec<RenamedSpec>,
    /// Any old name, white space allowed between its characters.
    pattern: Option<Regex>,
}

/// How many further places of one old name are shown beside the first.
const MORE_LABELS: usize = 5;

impl RuleKind for RenamedSubjects {
    const KEYS: &'static [&'static str] = &["renamed"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let Some(renamed) = rs.renamed.clone().filter(|r| !r.is_empty()) else {
            cx.err(
                &rs.kind,
                "a renamed-subjects rule needs `renamed`",
                "this rule",
                "renamed = [{ old = \"医疗卫生与计划生育支出\", new = \"卫生健康支出\", since = 2019 }]",
            );
            return None;
        };
        if let Some(r) = renamed.iter().find(|r| r.old.trim().is_empty()) {
            cx.err(
                &rs.kind,
                format!(
                    "an entry of `renamed` has an empty old name (new name “{}”)",
                    r.new
                ),
                "this rule",
                "give each entry the name no longer in use",
            );
            return None;
        }
        let pattern = old_names_pattern(renamed.iter().map(|r| r.old.as_str()));
        Some(RenamedSubjects { renamed, pattern })
    }

    fn run(&self, cx: &mut RuleContext) {
        let Some(year) = cx.doc.kind.year else {
            cx.not_checked("报告标题中没有年度".into(), None);
            return;
        };
        let Some(pattern) = &self.pattern else {
            return;
        };
        let text = std::sync::Arc::clone(cx.text);
        // Places of each old name in force for this year, by table entry.
        let mut places: Vec<Vec<Span>> = vec![Vec::new(); self.renamed.len()];
        for m in pattern.find_iter(&text) {
            if text[..m.start()].ends_with('原') {
                continue;
            }
            let at = crate::document::section_at(cx.doc, m.start() as u32);
            if !cx.in_scope(at) {
                continue;
            }
            let squeezed: String = m.as_str().chars().filter(|c| !c.is_whitespace()).collect();
            let Some(i) = self.renamed.iter().position(|r| r.old == squeezed) else {
                continue;
            };
            if year >= self.renamed[i].since {
                places[i].push(Span::new(m.start(), m.end()));
            }
        }
        for (r, spans) in self.renamed.iter().zip(&places) {
            let Some(first) = spans.first() else {
                continue;
            };
            let code = r
                .code
                .as_deref()
                .map(|c| format!("（{c}）"))
                .unwrap_or_default();
            let mut d = cx.diag(&[
                ("found", r.old.clone()),
                ("label", format!("{}{code}", r.new)),
                ("other", r.since.to_string()),
                ("total", spans.len().to_string()),
            ]);
            d.labels
                .push(Label::new(*first, format!("{} 年起为“{}”", r.since, r.new)));
            for s in spans.iter().skip(1).take(MORE_LABELS) {
                d.labels.push(Label::new(*s, "同一旧名称"));
            }
            cx.report(d);
        }
    }
}

/// One regex for all old names, white space allowed between characters.
fn old_names_pattern<'a>(olds: impl Iterator<Item = &'a str>) -> Option<Regex> {
    let mut olds: Vec<&str> = olds.collect();
    // Longest first: the alternation takes the first that matches.
    olds.sort_by_key(|o| std::cmp::Reverse(o.chars().count()));
    let alternatives: Vec<String> = olds
        .iter()
        .map(|o| {
            o.chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| regex::escape(&c.to_string()))
                .collect::<Vec<_>>()
                .join(r"\s*")
        })
        .collect();
    Regex::new(&alternatives.join("|")).ok()
}

#[cfg(test)]
mod tests {
    use super::old_names_pattern;

    #[test]
    fn old_names_are_found_across_line_breaks_longest_first() {
        let p = old_names_pattern(["国土资源事务", "其他国土资源事务支出"].into_iter()).unwrap();
        let t = "2200199 其\n\n他国土资源事务支出 10.00";
        let m = p.find(t).unwrap();
        assert_eq!(m.as_str(), "其\n\n他国土资源事务支出");
        assert!(p.find("自然资源事务").is_none());
    }
}
