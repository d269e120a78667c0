//! `Section`: a heading and what lies under it.

use super::*;
use crate::rule::script::run::{with_cx, ScriptRun};

pub(super) fn register(e: &mut Engine) {
    e.register_type_with_name::<SectionNode>("Section");
    fn get<R>(
        n: &SectionNode,
        g: impl for<'x> FnOnce(&'x ScriptRun, &'x crate::document::Section) -> R,
    ) -> RhaiResult<R> {
        with_cx(n.run, |cx| {
            let sec = cx.section(n.id)?;
            Ok(g(cx, sec))
        })
    }
    e.register_fn("to_string", |n: &mut SectionNode| {
        get(n, |_, x| x.title.clone())
    });
    e.register_fn("to_debug", |n: &mut SectionNode| {
        get(n, |cx, x| {
            format!("Section#{}({})", x.id, cx.doc.section_path(x.id).join("/"))
        })
    });
    e.register_get("id", |n: &mut SectionNode| get(n, |_, x| x.id as INT));
    e.register_get("title", |n: &mut SectionNode| {
        get(n, |_, x| x.title.clone())
    });
    e.register_get("level", |n: &mut SectionNode| get(n, |_, x| x.level as INT));
    e.register_get("path", |n: &mut SectionNode| {
        get(n, |cx, x| -> Array {
            cx.doc.section_path(x.id).into_iter().map(s).collect()
        })
    });
    e.register_get("text", |n: &mut SectionNode| {
        get(n, |cx, x| cx.slice(x.span).to_owned())
    });
    e.register_get("start", |n: &mut SectionNode| {
        get(n, |_, x| x.span.start as INT)
    });
    e.register_get("end", |n: &mut SectionNode| {
        get(n, |_, x| x.span.end as INT)
    });
    e.register_get("parent", |n: &mut SectionNode| {
        get(n, |cx, x| x.parent.map_or(unit(), |p| cx.section_node(p)))
    });
    e.register_get("children", |n: &mut SectionNode| {
        get(n, |cx, x| -> Array {
            x.children.iter().map(|&c| cx.section_node(c)).collect()
        })
    });
    e.register_fn("facts", |n: &mut SectionNode| {
        get(n, |cx, x| -> Array {
            cx.doc
                .facts
                .iter()
                .filter(|f| cx.doc.section_within(f.section, x.id))
                .map(|f| cx.fact_node(f.id))
                .collect()
        })
    });
    e.register_fn("tables", |n: &mut SectionNode| {
        get(n, |cx, x| -> Array {
            (0..cx.doc.tables.len())
                .filter(|&t| {
                    cx.doc
                        .section_within(cx.table_section(&cx.doc.tables[t]), x.id)
                })
                .map(|t| cx.table_node(t))
                .collect()
        })
    });
    e.register_fn("sentences", |n: &mut SectionNode| {
        get(n, |cx, x| -> Array {
            cx.doc
                .sentences
                .iter()
                .filter(|st| cx.doc.section_within(st.section, x.id))
                .map(|st| cx.sentence_node(st.id))
                .collect()
        })
    });
}
