//! `doc`: the report as a whole (facts, sections, tables, sentences, kind).

use super::*;
use crate::rule::script::run::with_cx;

pub(super) fn register(e: &mut Engine) {
    e.register_type_with_name::<DocNode>("Document");
    e.register_fn("to_string", |_: &mut DocNode| "Document".to_string());
    e.register_fn("to_debug", |_: &mut DocNode| "Document".to_string());
    e.register_fn("facts", |d: &mut DocNode| -> RhaiResult<Array> {
        with_cx(d.run, |cx| {
            Ok(cx
                .doc
                .facts
                .iter()
                .filter(|f| cx.fact_in_scope(f))
                .map(|f| cx.fact_node(f.id))
                .collect())
        })
    });
    e.register_fn(
        "facts",
        |d: &mut DocNode, label: &str| -> RhaiResult<Array> {
            with_cx(d.run, |cx| {
                Ok(cx
                    .doc
                    .facts_with_labels(&[label.to_owned()])
                    .into_iter()
                    .filter(|&i| cx.fact_in_scope(&cx.doc.facts[i]))
                    .map(|i| cx.fact_node(i))
                    .collect())
            })
        },
    );
    e.register_fn(
        "facts_matching",
        |d: &mut DocNode, re: &str| -> RhaiResult<Array> {
            let r = regex(re)?;
            with_cx(d.run, |cx| {
                Ok(cx
                    .doc
                    .facts
                    .iter()
                    .filter(|f| cx.fact_in_scope(f) && r.is_match(&f.label))
                    .map(|f| cx.fact_node(f.id))
                    .collect())
            })
        },
    );
    e.register_fn("sections", |d: &mut DocNode| -> RhaiResult<Array> {
        with_cx(d.run, |cx| {
            Ok((0..cx.doc.sections.len())
                .filter(|&s| cx.in_scope[s])
                .map(|s| cx.section_node(s))
                .collect())
        })
    });
    e.register_fn(
        "section",
        |d: &mut DocNode, title: &str| -> RhaiResult<Dynamic> {
            let want = fold(title);
            with_cx(d.run, |cx| {
                // The first section whose title or path holds it (a path
                // ends with the section's own title).
                let mut first = None;
                cx.doc.for_each_path_key(|id, key| {
                    if first.is_none() && id != 0 && cx.in_scope[id] && key.contains(&want) {
                        first = Some(id);
                    }
                });
                Ok(first.map_or(unit(), |s| cx.section_node(s)))
            })
        },
    );
    e.register_fn("tables", |d: &mut DocNode| -> RhaiResult<Array> {
        with_cx(d.run, |cx| {
            Ok((0..cx.doc.tables.len())
                .filter(|&t| cx.table_in_scope(t))
                .map(|t| cx.table_node(t))
                .collect())
        })
    });
    e.register_fn(
        "tables",
        |d: &mut DocNode, header: &str| -> RhaiResult<Array> {
            with_cx(d.run, |cx| {
                Ok((0..cx.doc.tables.len())
                    .filter(|&t| cx.table_in_scope(t) && cx.doc.tables[t].has_header(header))
                    .map(|t| cx.table_node(t))
                    .collect())
            })
        },
    );
    e.register_fn(
        "table",
        |d: &mut DocNode, header: &str| -> RhaiResult<Dynamic> {
            with_cx(d.run, |cx| {
                Ok((0..cx.doc.tables.len())
                    .find(|&t| cx.table_in_scope(t) && cx.doc.tables[t].has_header(header))
                    .map_or(unit(), |t| cx.table_node(t)))
            })
        },
    );
    e.register_fn("sentences", |d: &mut DocNode| -> RhaiResult<Array> {
        with_cx(d.run, |cx| {
            Ok(cx
                .doc
                .sentences
                .iter()
                .filter(|s| cx.in_scope.get(s.section).copied().unwrap_or(true))
                .map(|s| cx.sentence_node(s.id))
                .collect())
        })
    });
    e.register_fn(
        "sentences_matching",
        |d: &mut DocNode, re: &str| -> RhaiResult<Array> {
            let r = regex(re)?;
            with_cx(d.run, |cx| {
                Ok(cx
                    .doc
                    .sentences
                    .iter()
                    .filter(|s| {
                        cx.in_scope.get(s.section).copied().unwrap_or(true)
                            && r.is_match(cx.doc.sentence_text(s.id))
                    })
                    .map(|s| cx.sentence_node(s.id))
                    .collect())
            })
        },
    );
    e.register_get("title", |d: &mut DocNode| -> RhaiResult<Dynamic> {
        with_cx(d.run, |cx| {
            Ok(cx.doc.title.as_ref().map_or(unit(), |t| s(&t.0)))
        })
    });
    e.register_get("stage", |d: &mut DocNode| -> RhaiResult<Dynamic> {
        with_cx(d.run, |cx| {
            Ok(cx.doc.kind.stage.map_or(unit(), |k| s(k.as_str())))
        })
    });
    e.register_get("form", |d: &mut DocNode| -> RhaiResult<Dynamic> {
        with_cx(d.run, |cx| Ok(s(cx.doc.kind.form.as_str())))
    });
    e.register_get("unit_kind", |d: &mut DocNode| -> RhaiResult<Dynamic> {
        with_cx(d.run, |cx| {
            Ok(cx.doc.kind.scope.map_or(unit(), |k| s(k.as_str())))
        })
    });
    e.register_get("year", |d: &mut DocNode| -> RhaiResult<Dynamic> {
        with_cx(d.run, |cx| {
            Ok(cx.doc.kind.year.map_or(unit(), |y| int(y as usize)))
        })
    });
}
