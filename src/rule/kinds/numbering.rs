//! `numbering`: heading numbers run in sequence (一、二、三、) and the levels
//! keep one style each.

use super::RuleKind;
use crate::diagnostic::{Diagnostic, Label};
use crate::document::{Document, DocumentForm, NumberingIssue};
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;

#[derive(Debug, Clone)]
pub struct Numbering {
    pub sequence: bool,
    pub style: bool,
}

impl RuleKind for Numbering {
    const KEYS: &'static [&'static str] = &["check"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let check = rs
            .check
            .clone()
            .unwrap_or_else(|| vec!["sequence".into(), "style".into()]);
        for c in &check {
            if c != "sequence" && c != "style" {
                cx.err(
                    &rs.kind,
                    format!("unknown numbering check `{c}`"),
                    "this rule",
                    "check takes \"sequence\" and/or \"style\"",
                );
            }
        }
        Some(Numbering {
            sequence: check.iter().any(|c| c == "sequence"),
            style: check.iter().any(|c| c == "style"),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        numbering(cx, self.sequence, self.style)
    }
}

fn numbering(cx: &mut RuleContext<'_>, sequence: bool, style: bool) {
    for issue in &cx.doc.numbering_issues {
        if (issue.kind == "sequence" && !sequence) || (issue.kind == "style" && !style) {
            continue;
        }
        if starts_excerpt(cx.doc, issue) {
            continue;
        }
        let h = &cx.doc.headings[issue.heading];
        if !cx.in_scope(h.section) {
            continue;
        }
        let at = h.number_span.unwrap_or(h.span);
        let message = if issue.kind == "style" {
            format!(
                "同一级标题编号样式不一致：此处为“{}”，同级前文为“{}”",
                issue.found, issue.expected
            )
        } else {
            format!(
                "标题编号不连续：应为 {}，此处为 {}",
                issue.expected, issue.found
            )
        };
        let mut d = Diagnostic::new(cx.rule.id.clone(), cx.rule.severity, message);
        d.labels.push(Label::new(at, "此标题"));
        if let Some(o) = issue.other {
            let oh = &cx.doc.headings[o];
            d.labels.push(Label::new(
                oh.number_span.unwrap_or(oh.span),
                "同级的前一标题",
            ));
        }
        d.help = cx.rule.help.clone();
        cx.report(d);
    }
}

/// Only a complete 公开说明 must start its numbering at one: a chapter
/// (`三、“三公”经费…` on its own), a statement or an excerpt starts where
/// its part of the report starts. So on any other form the first heading of
/// a style, with none of that style before it, is not out of sequence.
fn starts_excerpt(doc: &Document, issue: &NumberingIssue) -> bool {
    if doc.kind.form == DocumentForm::Disclosure
        || issue.kind != "sequence"
        || issue.other.is_some()
    {
        return false;
    }
    let Some(n) = doc.headings[issue.heading].numbering else {
        return false;
    };
    !doc.headings[..issue.heading]
        .iter()
        .any(|h| h.numbering.is_some_and(|m| m.same_style(&n)))
}

#[cfg(test)]
mod tests {
    use crate::rule::{compile, shipped_files};
    use std::sync::Arc;

    fn issues(text: &str) -> Vec<String> {
        let rules = compile(&shipped_files()).unwrap();
        let rule = rules.get("heading-numbering").unwrap();
        let doc = Arc::new(crate::document::parse(text));
        let t: Arc<str> = text.into();
        crate::rule::run(rule, &doc, &t)
            .diagnostics
            .iter()
            .map(|d| t[d.primary_span().unwrap().range()].to_owned())
            .collect()
    }

    #[test]
    fn a_chapter_starts_where_its_part_starts() {
        let chapter =
            "三、“三公”经费财政拨款支出决算情况说明\n2024年度“三公”经费财政拨款支出0万元。\n\
            （一）因公出国（境）费\n因公出国（境）费0万元。\n（二）公务接待费\n公务接待费0万元。\n\
            四、其他重要事项的情况说明\n本单位机关运行经费支出10.00万元。\n";
        assert_eq!(
            crate::document::parse(chapter).kind.form,
            crate::document::DocumentForm::Chapter
        );
        // The parser records the start at 三、 (a 公开说明 would be flagged);
        // on a chapter it is where the chapter starts.
        assert_eq!(crate::document::parse(chapter).numbering_issues.len(), 1);
        assert_eq!(issues(chapter), Vec::<String>::new());
        // A real gap inside the chapter is still one.
        let gap = chapter.replace("四、其他", "五、其他");
        assert_eq!(issues(&gap), vec!["五、"]);
        // And a second level that starts at （二） after its first run.
        let sub = chapter.replace(
            "四、其他重要事项的情况说明\n",
            "四、其他重要事项的情况说明\n（二）政府采购\n本单位未发生政府采购。\n",
        );
        assert_eq!(issues(&sub), vec!["（二）"]);
    }
}
