//! `require`: a heading or a pattern must be present (in scope), only
//! `when` another pattern occurs, and `unless` a statement covers it.

use super::RuleKind;
use crate::diagnostic::Label;
use crate::document::text::{fold, Normalized};
use crate::rule::compile::labels;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use regex::Regex;

#[derive(Debug, Clone)]
pub struct Require {
    pub pattern: Option<Regex>,
    pub heading: Option<Vec<String>>,
    pub when: Option<Regex>,
    /// Satisfied also when this matches in scope (`无“三公”经费` covers every item).
    pub unless: Option<Regex>,
}

impl RuleKind for Require {
    const KEYS: &'static [&'static str] = &["pattern", "heading", "when", "unless"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let pattern = rs.pattern.as_ref().and_then(|p| cx.regex(p));
        let when = rs.when.as_ref().and_then(|p| cx.regex(p));
        let heading = rs.heading.as_ref().map(labels);
        if rs.pattern.is_none() && heading.is_none() {
            cx.err(
                &rs.kind,
                "a `require` rule needs `pattern` or `heading`",
                "this kind",
                "add `heading = \"…\"` or `pattern = \"…\"`",
            );
        }
        let unless = rs.unless.as_ref().and_then(|p| cx.regex(p));
        Some(Require {
            pattern,
            heading,
            when,
            unless,
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        require(
            cx,
            self.pattern.as_ref(),
            self.heading.as_deref(),
            self.when.as_ref(),
            self.unless.as_ref(),
        )
    }
}

fn require(
    cx: &mut RuleContext<'_>,
    pattern: Option<&regex::Regex>,
    heading: Option<&[String]>,
    when: Option<&regex::Regex>,
    unless: Option<&regex::Regex>,
) {
    if let Some(w) = when {
        let folded = || {
            let all = Span::new(0, cx.text.len());
            w.is_match(&Normalized::from_pieces(cx.text, &[all]).text)
        };
        if !w.is_match(cx.text) && !folded() {
            return;
        }
    }
    let scope_sections: Vec<usize> = (0..cx.doc.sections.len())
        .filter(|&s| cx.in_scope(s))
        .collect();
    if !cx.rule.scope.is_empty() && scope_sections.is_empty() {
        cx.not_checked(
            format!("未找到适用范围“{}”对应的章节", cx.rule.scope.join("、")),
            None,
        );
        return;
    }
    let mut ok = true;
    if let Some(alts) = heading {
        let alts: Vec<String> = alts.iter().map(|a| fold(a)).collect();
        let numbered = cx.doc.sections.iter().skip(1).any(|s| {
            let t = fold(&s.title);
            cx.in_scope(s.id) && alts.iter().any(|a| t.contains(a.as_str()))
        });
        // An unnumbered title line (`名词解释` centred on its own line).
        let unnumbered = cx.doc.paragraphs.iter().any(|p| {
            p.norm.text.chars().count() <= 20
                && cx.in_scope(p.section)
                && alts.iter().any(|a| p.norm.text.contains(a.as_str()))
        });
        ok &= numbered || unnumbered;
    }
    // A match on a line of the table of contents names the part, it is not
    // the part: only matches outside the contents count.
    // Matched as written first; then, only if that fails, on the folded
    // text (Traditional characters, full-width forms, a word broken across
    // lines), mapped back to find the contents.
    let matches_in = |p: &regex::Regex, from: usize, hay: &str| {
        p.find_iter(hay)
            .any(|m| !cx.doc.in_toc(from + m.start(), from + m.end()))
            || {
                let n = Normalized::from_pieces(cx.text, &[Span::new(from, from + hay.len())]);
                p.find_iter(&n.text).any(|m| {
                    let s = n.original_of(&m);
                    !cx.doc.in_toc(s.start as usize, s.end as usize)
                })
            }
    };
    let found = |p: &regex::Regex| {
        if cx.rule.scope.is_empty() {
            matches_in(p, 0, cx.text)
        } else {
            scope_sections.iter().filter(|&&s| s != 0).any(|&s| {
                let span = cx.doc.sections[s].span;
                matches_in(
                    p,
                    span.start as usize,
                    cx.text.get(span.range()).unwrap_or(""),
                )
            })
        }
    };
    if let Some(p) = pattern {
        ok &= found(p);
    }
    if !ok && unless.is_some_and(found) {
        ok = true;
    }
    if !ok {
        // Located on the scope's heading, or on the report's title.
        let scoped = (!cx.rule.scope.is_empty())
            .then(|| scope_sections.iter().find(|&&s| s != 0))
            .flatten()
            .and_then(|&s| cx.doc.sections[s].heading)
            .map(|h| cx.doc.headings[h].span);
        let at = scoped.or(cx.doc.title.as_ref().map(|t| t.1)).or(cx
            .doc
            .headings
            .first()
            .map(|h| h.span));
        let what = heading
            .map(|h| h.join("/"))
            .or(pattern.map(|p| p.as_str().to_owned()))
            .unwrap_or_default();
        let mut d = cx.diag(&[("label", what)]);
        if let Some(s) = at {
            d.labels.push(Label::new(s, "应在此处说明"));
        }
        cx.report(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::rule::{compile, shipped_files};
    use std::sync::Arc;

    fn findings(rule: &str, text: &str) -> Vec<String> {
        let rules = compile(&shipped_files()).unwrap();
        let doc = Arc::new(crate::document::parse(text));
        let t: Arc<str> = text.into();
        crate::rule::run(rules.get(rule).unwrap(), &doc, &t)
            .diagnostics
            .iter()
            .filter(|d| d.outcome == crate::diagnostic::Outcome::Finding)
            .map(|d| t[d.primary_span().unwrap().range()].to_owned())
            .collect()
    }

    const REPORT: &str = "示例局2024年度部门决算\n目   录\n\
        一、单位基本情况……1\n二、收入支出决算总体情况说明……2\n三、政府采购支出情况说明……3\n\n\
        一、单位基本情况\n本单位负责示例工作。\n\
        二、收入支出决算总体情况说明\n2024年度收入总计100.00万元，支出总计100.00万元。\n";

    #[test]
    fn a_contents_line_is_not_the_section_it_names() {
        // 政府采购 only in the contents: the requirement is not met.
        assert_eq!(
            findings("require-procurement", REPORT),
            vec!["示例局2024年度部门决算"]
        );
        // In the body too: met.
        let both = format!("{REPORT}三、政府采购支出情况说明\n本单位未发生政府采购支出。\n");
        assert_eq!(findings("require-procurement", &both), Vec::<String>::new());
    }
}
