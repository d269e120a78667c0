//! `toc-match`: the table of contents lists the parts and tables the body
//! has, under the same names.

use super::lookup::*;
use super::RuleKind;
use crate::diagnostic::Label;
use crate::document::text::fold;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct TocMatch;

impl RuleKind for TocMatch {
    const KEYS: &'static [&'static str] = &[];

    fn compile(_rs: &RuleSpec, _cx: &mut CompileCx) -> Option<Self> {
        Some(TocMatch)
    }

    fn run(&self, cx: &mut RuleContext) {
        toc(cx)
    }
}

fn toc(cx: &mut RuleContext<'_>) {
    if cx.doc.toc.is_empty() {
        return;
    }
    // Entries wrapped over two lines (`…部门决算` + `表`) are joined.
    let mut entries: Vec<(String, Span)> = Vec::new();
    for (t, s) in &cx.doc.toc {
        let f = fold(t);
        let numbered = NUMBERING.is_match(&f)
            || f.starts_with('第')
            || f.starts_with(|c: char| c.is_ascii_digit());
        if !numbered && f.chars().count() <= 6 {
            if let Some(last) = entries.last_mut() {
                last.0.push_str(&f);
                last.1 = last.1.cover(*s);
                continue;
            }
        }
        entries.push((f, *s));
    }
    let in_toc = |s: Span| cx.doc.in_toc(s.start as usize, s.end as usize);
    // Body titles: headings, table titles, short paragraphs, in order; a
    // title wrapped over two lines is also tried joined.
    let mut titles: Vec<(u32, String)> = Vec::new();
    for h in &cx.doc.headings {
        if !in_toc(h.span) {
            titles.push((h.span.start, fold(&cx.text[h.span.range()])));
        }
    }
    for t in &cx.doc.tables {
        if let (Some(tt), Some(s)) = (&t.title, t.title_span) {
            titles.push((s.start, fold(tt)));
        }
    }
    for p in &cx.doc.paragraphs {
        if in_toc(p.span) {
            continue;
        }
        if p.norm.text.chars().count() <= 60 {
            titles.push((p.span.start, p.norm.text.clone()));
        } else {
            // A title line glued to the paragraph below it.
            let rest = &cx.text[p.span.start as usize..];
            let line = rest.split(['\n', '\r']).next().unwrap_or("");
            if line.chars().count() <= 60 {
                titles.push((p.span.start, fold(line)));
            }
        }
    }
    titles.sort();
    titles.dedup();
    let mut cores: Vec<String> = titles
        .iter()
        .map(|t| crate::document::items::toc_core(&t.1))
        .collect();
    for w in titles.windows(2) {
        cores.push(crate::document::items::toc_core(&format!(
            "{}{}",
            w[0].1, w[1].1
        )));
    }
    // Each title's bigrams once, sorted for lookup (they were recomputed for
    // every entry: entries × titles on a long report).
    let core_grams: Vec<Vec<(char, char)>> = cores
        .iter()
        .map(|c| {
            let mut g = bigrams(c);
            g.sort_unstable();
            g.dedup();
            g
        })
        .collect();
    for (entry, span) in entries {
        let core = crate::document::items::toc_core(&entry);
        if core.chars().count() < 2 {
            continue;
        }
        let grams = bigrams(&core);
        let best = core_grams
            .iter()
            .map(|g2| {
                grams.iter().filter(|g| g2.binary_search(g).is_ok()).count() as f64
                    / grams.len().max(1) as f64
            })
            .fold(0.0, f64::max);
        if best >= 0.7 {
            continue;
        }
        let mut d = cx.diag(&[("found", entry.clone()), ("label", entry.clone())]);
        d.labels.push(Label::new(span, "目录条目"));
        if d.help.is_none() {
            d.help = Some("目录条目应在正文中有对应的标题或表格（措辞可按模板略有不同）".into());
        }
        cx.report(d);
    }
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let c: Vec<char> = s.chars().collect();
    if c.len() == 1 {
        return vec![(c[0], c[0])];
    }
    c.windows(2).map(|w| (w[0], w[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{findings, run};

    const RULE: &str = "[[rule]]\nid = \"t\"\nkind = \"toc-match\"\nseverity = \"warning\"\nmessage = \"{found}\"\n";

    /// A report whose contents list three parts, and whose body has these
    /// headings.
    fn report(body: &str) -> String {
        format!(
            "\
上海市普陀区示例局2024年度部门决算
目   录
一、部门主要职能
二、部门机构设置
三、其他重要事项说明
{body}"
        )
    }

    #[test]
    fn an_entry_the_body_does_not_have() {
        let body = "\
一、部门主要职能
本局负责本区示例工作。
二、部门机构设置
本局内设三个科室。
";
        assert_eq!(findings(RULE, &report(body)), ["三、其他重要事项说明"]);
    }

    #[test]
    fn every_entry_in_the_body_in_the_templates_wording() {
        // The body names the unit for 部门 and words the third part a little
        // otherwise: the same parts.
        let body = "\
一、部门主要职能
本局负责本区示例工作。
二、上海市普陀区示例局机构设置
本局内设三个科室。
三、其他重要事项的情况说明
本局本年度无其他重要事项。
";
        let (found, notes) = run(RULE, &report(body));
        assert!(found.is_empty() && notes.is_empty(), "{found:?} {notes:?}");
    }
}
