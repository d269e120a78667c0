//! `gouji dump`: the document model as JSON, for rule authors.

use crate::document::Document;
use crate::source::{SourceFile, Span};
use serde_json::{json, Value};

fn pos(src: &SourceFile, s: Span) -> Value {
    let lc = src.line_col(s.start);
    let mut v = json!({ "start": s.start, "end": s.end, "line": lc.line, "column": lc.column });
    locate(src, s, &mut v);
    v
}

/// A Word or spreadsheet file: the paragraph or cell a span came from.
fn locate(src: &SourceFile, s: Span, v: &mut Value) {
    if let Some(n) = src.native_of(s) {
        v["locator"] = json!(n.to_string());
    }
}

pub fn dump(src: &SourceFile, doc: &Document) -> Value {
    let sections: Vec<Value> = doc
        .sections
        .iter()
        .map(|s| {
            let mut v = json!({
                "id": s.id, "title": s.title, "level": s.level, "path": doc.section_path(s.id),
                "parent": s.parent, "span": pos(src, s.span),
            });
            if let Some(h) = s.heading {
                let h = &doc.headings[h];
                v["heading"] = json!({
                    "span": pos(src, h.span),
                    "number": h.numbering.map(|n| n.style_name()),
                    "value": h.numbering.map(|n| n.value),
                });
            }
            v
        })
        .collect();
    let tables: Vec<Value> = doc
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({
                "id": i, "title": t.title, "kind": t.kind, "unit": t.unit, "source": t.source,
                "span": pos(src, t.span), "headers": t.headers(), "verdict": t.verdict,
                "rows": t.rows.iter().map(|r| json!({
                    "kind": r.kind, "label": r.label, "code": r.code, "side": r.side,
                    "cells": r.cells.iter().map(|c| {
                        let mut v = json!({
                            "text": c.text, "key": c.key, "column": c.column,
                            "value": c.number.as_ref().map(|n| n.value.to_string()),
                            "start": c.span.start, "end": c.span.end,
                            "line": src.line_col(c.span.start).line,
                        });
                        locate(src, c.span, &mut v);
                        v
                    }).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let facts: Vec<Value> = doc
        .facts
        .iter()
        .map(|f| {
            let lc = src.line_col(f.span.start);
            let mut v = json!({
                "id": f.id, "kind": f.kind, "role": f.role, "label": f.label,
                "value": f.number.as_ref().map(|n| n.value.to_string()),
                "decimals": f.number.as_ref().map(|n| n.decimals),
                "unit": f.number.as_ref().map(|n| n.unit.as_str().to_owned()),
                "wan": f.number.as_ref().and_then(|n| n.wan()).map(|w| w.to_string()),
                "text": src.slice(f.span),
                "start": f.span.start, "end": f.span.end, "line": lc.line, "column": lc.column,
                "section": doc.section_path(f.section),
                "links": f.links,
            });
            locate(src, f.span, &mut v);
            if let Some(c) = &f.change {
                v["change"] = json!({
                    "direction": c.direction, "base": c.base, "delta": c.delta, "rate": c.rate,
                });
                if let Some(p) = c.prior {
                    v["change"]["prior"] = json!(p);
                }
            }
            if let Some(b) = &f.share_base {
                v["share_base"] = json!(b);
            }
            if let Some(c) = &f.cell {
                v["cell"] = json!(c);
            }
            if let Some(s) = f.sentence {
                v["sentence"] = json!(src.slice(doc.sentences[s].span));
            }
            v
        })
        .collect();
    json!({
        "version": crate::render::json::FORMAT_VERSION,
        "path": src.path,
        "encoding": src.encoding,
        "kind": doc.kind,
        "title": doc.title.as_ref().map(|t| &t.0),
        "sections": sections,
        "tables": tables,
        "facts": facts,
        "toc": doc.toc.iter().map(|(t, s)| json!({"text": t, "span": pos(src, *s)})).collect::<Vec<_>>(),
    })
}
