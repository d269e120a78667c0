//! `Sentence` and `Match`: prose, searched with regexes.

use super::*;
use crate::rule::script::run::with_cx;
use rhai::EvalAltResult;

pub(super) fn register(e: &mut Engine) {
    e.register_type_with_name::<SentenceNode>("Sentence");
    e.register_type_with_name::<MatchNode>("Match");
    e.register_fn("to_string", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| {
            Ok(cx.doc.sentence_text(n.id as usize).to_owned())
        })
    });
    e.register_fn("to_debug", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| {
            Ok(format!(
                "Sentence#{}({})",
                n.id,
                cx.doc.sentence_text(n.id as usize)
            ))
        })
    });
    e.register_get("id", |n: &mut SentenceNode| {
        Ok::<_, Box<EvalAltResult>>(n.id as INT)
    });
    e.register_get("text", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| {
            cx.sentence_span(n.id)?;
            Ok(cx.doc.sentence_text(n.id as usize).to_owned())
        })
    });
    e.register_get("start", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| Ok(cx.sentence_span(n.id)?.start as INT))
    });
    e.register_get("end", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| Ok(cx.sentence_span(n.id)?.end as INT))
    });
    e.register_get("section", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| {
            cx.sentence_span(n.id)?;
            Ok(cx.section_node(cx.doc.sentences[n.id as usize].section))
        })
    });
    e.register_fn("facts", |n: &mut SentenceNode| {
        with_cx(n.run, |cx| -> RhaiResult<Array> {
            cx.sentence_span(n.id)?;
            Ok(cx
                .doc
                .facts
                .iter()
                .filter(|f| f.sentence == Some(n.id as usize))
                .map(|f| cx.fact_node(f.id))
                .collect())
        })
    });
    /// Matches of `re` in the sentence's normalised text, mapped back to the report.
    fn find(n: &SentenceNode, re: &str, all: bool) -> RhaiResult<Array> {
        let r = regex(re)?;
        with_cx(n.run, |cx| {
            let sent = cx
                .doc
                .sentences
                .get(n.id as usize)
                .ok_or_else(|| api_error("no such sentence"))?;
            let para = &cx.doc.paragraphs[sent.paragraph];
            let (a, b) = sent.norm_range;
            let text = para.norm.text.get(a..b).unwrap_or("");
            let mk = |m: regex::Match<'_>| MatchNode {
                run: cx.run,
                span: para.norm.original(a + m.start(), a + m.end()),
                text: m.as_str().into(),
                groups: Array::new(),
            };
            let mut out = Array::new();
            for c in r.captures_iter(text) {
                let Some(whole) = c.get(0) else { continue };
                let mut node = mk(whole);
                node.groups = c
                    .iter()
                    .skip(1)
                    .map(|g| g.map_or(unit(), |g| Dynamic::from(mk(g))))
                    .collect();
                out.push(Dynamic::from(node));
                if !all {
                    break;
                }
            }
            Ok(out)
        })
    }
    e.register_fn("find_all", |n: &mut SentenceNode, re: &str| {
        find(n, re, true)
    });
    e.register_fn(
        "find",
        |n: &mut SentenceNode, re: &str| -> RhaiResult<Dynamic> {
            Ok(find(n, re, false)?.into_iter().next().unwrap_or_else(unit))
        },
    );
    e.register_fn(
        "is_match",
        |n: &mut SentenceNode, re: &str| -> RhaiResult<bool> {
            let r = regex(re)?;
            with_cx(n.run, |cx| {
                cx.sentence_span(n.id)?;
                Ok(r.is_match(cx.doc.sentence_text(n.id as usize)))
            })
        },
    );

    e.register_fn("to_string", |m: &mut MatchNode| m.text.to_string());
    e.register_fn("to_debug", |m: &mut MatchNode| format!("Match({})", m.text));
    e.register_get("text", |m: &mut MatchNode| m.text.clone());
    e.register_get("start", |m: &mut MatchNode| m.span.start as INT);
    e.register_get("end", |m: &mut MatchNode| m.span.end as INT);
    e.register_get("groups", |m: &mut MatchNode| m.groups.clone());
    // Facts whose figure lies inside the match.
    e.register_fn("facts", |m: &mut MatchNode| {
        let (run, span) = (m.run, m.span);
        with_cx(run, |cx| -> RhaiResult<Array> {
            Ok(cx
                .doc
                .facts
                .iter()
                .filter(|f| span.contains(f.span))
                .map(|f| cx.fact_node(f.id))
                .collect())
        })
    });
}
