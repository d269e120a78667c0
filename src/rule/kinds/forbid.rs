//! `forbid`: a pattern that must not occur — in the original text, or in
//! normalised sentences (`on = "sentences"`) — unless `unless` matches
//! around it. With `collapse_over = N`, more than N matches are one finding
//! (the first match primary, the next ones secondary): a document that is
//! still the blank template is one defect, not one per placeholder.

use super::RuleKind;
use crate::diagnostic::Label;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use regex::Regex;

#[derive(Debug, Clone)]
pub struct Forbid {
    pub pattern: Regex,
    pub unless: Option<Regex>,
    /// Match normalised sentences rather than the original text.
    pub sentences: bool,
    /// More matches than this are reported as one finding.
    pub collapse: Option<Collapse>,
}

#[derive(Debug, Clone)]
pub struct Collapse {
    pub over: usize,
    pub message: String,
}

/// How many of the collapsed matches are shown as secondary labels.
const COLLAPSED_LABELS: usize = 9;

impl RuleKind for Forbid {
    const KEYS: &'static [&'static str] = &[
        "pattern",
        "unless",
        "on",
        "collapse_over",
        "collapse_message",
    ];

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
        let collapse = match (&rs.collapse_over, &rs.collapse_message) {
            (None, None) => None,
            (Some(over), Some(message)) => Some(Collapse {
                over: *over.get_ref(),
                message: message.clone(),
            }),
            (Some(over), None) => {
                cx.err(
                    over,
                    "`collapse_over` needs `collapse_message`",
                    "this key",
                    "add `collapse_message = \"… {count} …\"`: the message of the one finding",
                );
                None
            }
            (None, Some(_)) => {
                cx.err(
                    &rs.kind,
                    "`collapse_message` needs `collapse_over`",
                    "this kind",
                    "add `collapse_over = N`: more than N matches become one finding",
                );
                None
            }
        };
        pattern.map(|pattern| Forbid {
            pattern,
            unless,
            sentences,
            collapse,
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        let found = if self.sentences {
            forbid_sentences(cx, &self.pattern, self.unless.as_ref())
        } else {
            forbid(cx, &self.pattern, self.unless.as_ref())
        };
        match &self.collapse {
            Some(c) if found.len() > c.over => {
                let first = found[0].1.clone();
                let values = [
                    ("found", first.clone()),
                    ("label", first),
                    ("count", found.len().to_string()),
                ];
                let mut d = cx.diag(&values);
                d.message = crate::rule::context::interpolate(&c.message, &values);
                d.labels.push(Label::bare(found[0].0));
                for (span, _) in found.iter().skip(1).take(COLLAPSED_LABELS) {
                    d.labels.push(Label::new(*span, "同类"));
                }
                cx.report(d);
            }
            _ => {
                for (span, text) in found {
                    let mut d = cx.diag(&[("found", text.clone()), ("label", text)]);
                    d.labels.push(Label::bare(span));
                    cx.report(d);
                }
            }
        }
    }
}

/// The spans of the matches in scope, in text order.
fn forbid(
    cx: &RuleContext<'_>,
    pattern: &regex::Regex,
    unless: Option<&regex::Regex>,
) -> Vec<(Span, String)> {
    let mut out = Vec::new();
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
        out.push((Span::new(m.start(), m.end()), m.as_str().to_owned()));
    }
    out
}

/// `forbid` on normalised sentences: line breaks and spaces removed,
/// forms folded, so `完成年初预算的\n100%` is one phrase.
fn forbid_sentences(
    cx: &RuleContext<'_>,
    pattern: &regex::Regex,
    unless: Option<&regex::Regex>,
) -> Vec<(Span, String)> {
    let mut out = Vec::new();
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
            // White space removed: a phrase broken over lines reads as one.
            out.push((span, cx.slice(span)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testkit::findings;

    const RULE: &str = "[[rule]]\nid = \"t\"\nkind = \"forbid\"\nseverity = \"warning\"\nmessage = \"残留：{found}\"\npattern = '\\[bookmark:[^\\]]*\\]'\n";

    #[test]
    fn each_match_is_a_finding_on_its_text() {
        let text = "一、单位概况\n[bookmark: _Toc1]本单位负责示例工作。[bookmark: _Toc2]\n";
        assert_eq!(
            findings(RULE, text),
            ["[bookmark: _Toc1]", "[bookmark: _Toc2]"]
        );
    }

    #[test]
    fn text_without_a_match_is_clean() {
        assert!(findings(RULE, "一、单位概况\n本单位负责示例工作。\n").is_empty());
    }
}
