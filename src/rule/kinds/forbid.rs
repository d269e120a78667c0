//! `forbid`: a pattern that must not occur — in the original text, or in
//! normalised sentences (`on = "sentences"`) — unless `unless` matches
//! around it.

use super::RuleKind;
use crate::diagnostic::Label;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use regex::Regex;

#[derive(Debug, Clone)]
pub struct Forbid {
    pub pattern: Regex,
    pub unless: Option<Regex>,
    /// Match normalised sentences rather than the original text.
    pub sentences: bool,
}

impl RuleKind for Forbid {
    const KEYS: &'static [&'static str] = &["pattern", "unless", "on"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let pattern = cx
            .require(&rs.pattern, "pattern", &rs.kind)
            .cloned()
            .and_then(|p| cx.regex(&p));
        let unless = rs.unless.as_ref().and_then(|p| cx.regex(p));
        let sentences = match &rs.on {
            None => false,
            Some(on) => match on.get_ref().as_str() {
                "text" => false,
                "sentences" => true,
                other => {
                    cx.err(
                        on,
                        format!("unknown `on = \"{other}\"`"),
                        "this value",
                        "`on` is \"text\" (the original text) or \"sentences\" (normalised sentences)",
                    );
                    false
                }
            },
        };
        pattern.map(|pattern| Forbid {
            pattern,
            unless,
            sentences,
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        if self.sentences {
            forbid_sentences(cx, &self.pattern, self.unless.as_ref())
        } else {
            forbid(cx, &self.pattern, self.unless.as_ref())
        }
    }
}

fn forbid(cx: &mut RuleContext<'_>, pattern: &regex::Regex, unless: Option<&regex::Regex>) {
    for m in pattern.find_iter(cx.text) {
        let section = crate::document::section_at(cx.doc, m.start() as u32);
        if !cx.in_scope(section) {
            continue;
        }
        if let Some(u) = unless {
            let ls = cx.text[..m.start()].rfind('\n').map(|i| i + 1).unwrap_or(0);
            let le = cx.text[m.end()..]
                .find('\n')
                .map(|i| m.end() + i)
                .unwrap_or(cx.text.len());
            if u.is_match(&cx.text[ls..le]) {
                continue;
            }
        }
        let found: String = m.as_str().to_owned();
        let mut d = cx.diag(&[("found", found.clone()), ("label", found)]);
        d.labels
            .push(Label::bare(crate::source::Span::new(m.start(), m.end())));
        cx.report(d);
    }
}

/// `forbid` on normalised sentences: line breaks and spaces removed,
/// forms folded, so `完成年初预算的\n100%` is one phrase.
fn forbid_sentences(
    cx: &mut RuleContext<'_>,
    pattern: &regex::Regex,
    unless: Option<&regex::Regex>,
) {
    for (si, sent) in cx.doc.sentences.iter().enumerate() {
        if !cx.in_scope(sent.section) {
            continue;
        }
        let text = cx.doc.sentence_text(si);
        if unless.is_some_and(|u| u.is_match(text)) {
            continue;
        }
        let norm = &cx.doc.paragraphs[sent.paragraph].norm;
        for m in pattern.find_iter(text) {
            let span = norm.original(sent.norm_range.0 + m.start(), sent.norm_range.0 + m.end());
            let found = cx.slice(span);
            let mut d = cx.diag(&[("found", found.clone()), ("label", found)]);
            d.labels.push(Label::bare(span));
            cx.report(d);
        }
    }
}
