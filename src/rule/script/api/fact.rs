//! `Fact`: a figure read from the report, with its label, value and place.

use super::*;
use crate::document::Fact;
use crate::quantity::Quantity;
use crate::rule::script::run::{with_cx, ScriptRun};

pub(super) fn register(e: &mut Engine) {
    e.register_type_with_name::<FactNode>("Fact");
    fn get<R>(f: &FactNode, g: impl for<'x> FnOnce(&'x ScriptRun, &'x Fact) -> R) -> RhaiResult<R> {
        with_cx(f.run, |cx| {
            let fact = cx.fact(f.id)?;
            Ok(g(cx, fact))
        })
    }
    e.register_fn("to_string", |f: &mut FactNode| -> RhaiResult<String> {
        get(f, |cx, fact| {
            format!("{} {}", fact.label, cx.slice(fact.span))
        })
    });
    e.register_fn("to_debug", |f: &mut FactNode| -> RhaiResult<String> {
        get(f, |cx, fact| {
            format!("Fact#{}({} {})", fact.id, fact.label, cx.slice(fact.span))
        })
    });
    e.register_get("id", |f: &mut FactNode| get(f, |_, x| x.id as INT));
    e.register_get("kind", |f: &mut FactNode| {
        get(f, |_, x| x.kind.as_str().to_string())
    });
    e.register_get("role", |f: &mut FactNode| {
        get(f, |_, x| {
            serde_json::to_value(x.role)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
    });
    e.register_get("label", |f: &mut FactNode| get(f, |_, x| x.label.clone()));
    e.register_get("text", |f: &mut FactNode| {
        get(f, |cx, x| cx.slice(x.span).to_owned())
    });
    e.register_get("start", |f: &mut FactNode| {
        get(f, |_, x| x.span.start as INT)
    });
    e.register_get("end", |f: &mut FactNode| get(f, |_, x| x.span.end as INT));
    e.register_get("value", |f: &mut FactNode| get(f, |_, x| opt(x.quantity())));
    e.register_get("wan", |f: &mut FactNode| {
        get(f, |_, x| opt(x.quantity_wan()))
    });
    e.register_get("exact", |f: &mut FactNode| {
        get(f, |_, x| opt(x.value().map(Quantity::exact)))
    });
    e.register_get("number", |f: &mut FactNode| get(f, |_, x| opt(x.value())));
    e.register_get("decimals", |f: &mut FactNode| {
        get(f, |_, x| {
            x.number
                .as_ref()
                .map_or(unit(), |n| int(n.decimals as usize))
        })
    });
    e.register_get("unit", |f: &mut FactNode| {
        get(f, |_, x| {
            x.number
                .as_ref()
                .map(|n| n.unit.as_str().to_owned())
                .unwrap_or_default()
        })
    });
    e.register_get("section", |f: &mut FactNode| {
        get(f, |cx, x| cx.section_node(x.section))
    });
    e.register_get("sentence", |f: &mut FactNode| {
        get(f, |cx, x| {
            x.sentence.map_or(unit(), |s| cx.sentence_node(s))
        })
    });
    e.register_get("cell", |f: &mut FactNode| {
        get(f, |cx, x| {
            x.cell
                .as_ref()
                .map_or(unit(), |c| cx.cell_node(c.table, c.row, c.cell))
        })
    });
    e.register_get("of", |f: &mut FactNode| {
        get(f, |cx, x| cx.opt_fact(x.links.of))
    });
    e.register_get("share", |f: &mut FactNode| {
        get(f, |cx, x| cx.opt_fact(x.links.share))
    });
    e.register_get("total", |f: &mut FactNode| {
        get(f, |cx, x| cx.opt_fact(x.links.total))
    });
    e.register_get("items", |f: &mut FactNode| {
        get(f, |cx, x| -> Array {
            x.links.items.iter().map(|&i| cx.fact_node(i)).collect()
        })
    });
    e.register_get("changes", |f: &mut FactNode| {
        get(f, |cx, x| -> Array {
            x.links.changes.iter().map(|&i| cx.fact_node(i)).collect()
        })
    });
    e.register_get("direction", |f: &mut FactNode| {
        get(f, |_, x| {
            x.change.as_ref().map_or(unit(), |c| {
                s(match c.direction {
                    crate::document::Direction::Increase => "increase",
                    crate::document::Direction::Decrease => "decrease",
                    crate::document::Direction::Unchanged => "unchanged",
                })
            })
        })
    });
    e.register_get("base", |f: &mut FactNode| {
        get(f, |_, x| {
            x.change
                .as_ref()
                .and_then(|c| c.base.as_deref())
                .map_or(unit(), s)
        })
    });
    e.register_get("delta", |f: &mut FactNode| {
        get(f, |cx, x| {
            cx.opt_fact(x.change.as_ref().and_then(|c| c.delta))
        })
    });
    e.register_get("rate", |f: &mut FactNode| {
        get(f, |cx, x| {
            cx.opt_fact(x.change.as_ref().and_then(|c| c.rate))
        })
    });
    e.register_get("share_base", |f: &mut FactNode| {
        get(f, |_, x| x.share_base.as_deref().map_or(unit(), s))
    });
}
