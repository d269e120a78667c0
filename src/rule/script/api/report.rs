//! Findings: `report`, `not_checked` and `covered` append to the current
//! run's result; the host adds the rule id and severity.

use super::*;
use crate::diagnostic::{Diagnostic, Label};
use crate::quantity::Quantity;
use crate::rule::context::interpolate;
use crate::rule::script::run::{with_current, ScriptRun};
use rhai::Map;

/// The span a node is labelled with, and the facts it stands for (covered
/// when the node takes part in a finding).
pub(super) fn node_span(cx: &ScriptRun, v: &Dynamic, what: &str) -> RhaiResult<(Span, Vec<usize>)> {
    let wrong = || {
        api_error(format!(
            "{what} must be a fact, cell, row, table, section, sentence or match, not {}",
            v.type_name().rsplit("::").next().unwrap_or("?")
        ))
    };
    if let Some(f) = v.clone().try_cast::<FactNode>() {
        check_run(cx, f.run)?;
        let fact = cx.fact(f.id)?;
        return Ok((fact.span, vec![fact.id]));
    }
    if let Some(c) = v.clone().try_cast::<CellNode>() {
        check_run(cx, c.run)?;
        let cell = cx.cell(&c)?;
        return Ok((cell.span, cx.cell_facts(c.table, c.row, Some(c.cell))));
    }
    if let Some(r) = v.clone().try_cast::<RowNode>() {
        check_run(cx, r.run)?;
        let row = cx.row(r.table, r.row)?;
        let span = row.label_span.or_else(|| {
            row.cells
                .iter()
                .filter(|c| !c.key.is_empty())
                .map(|c| c.span)
                .reduce(|a, b| a.cover(b))
        });
        return Ok((span.unwrap_or_default(), Vec::new()));
    }
    if let Some(t) = v.clone().try_cast::<TableNode>() {
        check_run(cx, t.run)?;
        let table = cx.table(t.id)?;
        return Ok((table.title_span.unwrap_or(table.span), Vec::new()));
    }
    if let Some(sn) = v.clone().try_cast::<SectionNode>() {
        check_run(cx, sn.run)?;
        let sec = cx.section(sn.id)?;
        let span = sec
            .heading
            .map(|h| cx.doc.headings[h].span)
            .unwrap_or(sec.span);
        return Ok((span, Vec::new()));
    }
    if let Some(sn) = v.clone().try_cast::<SentenceNode>() {
        check_run(cx, sn.run)?;
        return Ok((cx.sentence_span(sn.id)?, Vec::new()));
    }
    if let Some(m) = v.clone().try_cast::<MatchNode>() {
        check_run(cx, m.run)?;
        return Ok((m.span, Vec::new()));
    }
    Err(wrong())
}

pub(super) fn check_run(cx: &ScriptRun, run: u64) -> RhaiResult<()> {
    if run == cx.run {
        Ok(())
    } else {
        Err(api_error("a node of another report was used"))
    }
}

pub(super) fn to_text(v: &Dynamic) -> String {
    if let Some(q) = v.clone().try_cast::<Quantity>() {
        return q.to_string();
    }
    v.to_string()
}

/// `report(#{ primary, message | values, help, label, secondary })`.
pub(super) fn report_map(m: Map) -> RhaiResult<()> {
    with_current(|cx| {
        const KEYS: &[&str] = &["primary", "message", "values", "help", "label", "secondary"];
        if let Some(k) = m.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(api_error(format!(
                "report: unknown key `{k}` (keys: {})",
                KEYS.join(", ")
            )));
        }
        let values: Vec<(String, String)> = match m.get("values") {
            None => Vec::new(),
            Some(v) => match v.read_lock::<Map>() {
                Some(vm) => vm
                    .iter()
                    .map(|(k, v)| (k.to_string(), to_text(v)))
                    .collect(),
                None => return Err(api_error("report: `values` must be a map")),
            },
        };
        let values_ref: Vec<(&str, String)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let message = match m.get("message") {
            Some(v) if v.is_string() => v.to_string(),
            Some(_) => return Err(api_error("report: `message` must be a string")),
            None => interpolate(&cx.rule.message, &values_ref),
        };
        let mut d = Diagnostic::new(cx.rule.id.clone(), cx.rule.severity, message);
        d.help = match m.get("help") {
            Some(v) if v.is_string() => Some(v.to_string()),
            Some(_) => return Err(api_error("report: `help` must be a string")),
            None => cx.rule.help.as_ref().map(|h| interpolate(h, &values_ref)),
        };
        let mut covered = Vec::new();
        let primary = m
            .get("primary")
            .ok_or_else(|| api_error("report: the map needs `primary` (the node to underline)"))?;
        let (span, facts) = node_span(cx, primary, "report: `primary`")?;
        covered.extend(facts);
        d.labels.push(match m.get("label") {
            Some(l) => Label::new(span, l.to_string()),
            None => Label::bare(span),
        });
        if let Some(sec) = m.get("secondary") {
            let Some(arr) = sec.read_lock::<Array>().map(|a| a.clone()) else {
                return Err(api_error("report: `secondary` must be an array of nodes"));
            };
            for item in arr {
                // A node, [node, "label"], or #{ node, label }.
                let (node, label) = if let Some(pair) = item.read_lock::<Array>() {
                    match pair.as_slice() {
                        [n, l] => (n.clone(), Some(l.to_string())),
                        _ => {
                            return Err(api_error(
                                "report: a secondary label as an array is [node, \"label\"]",
                            ))
                        }
                    }
                } else if let Some(lm) = item.read_lock::<Map>() {
                    let n = lm.get("node").cloned().ok_or_else(|| {
                        api_error("report: a secondary label as a map needs `node`")
                    })?;
                    (n, lm.get("label").map(|l| l.to_string()))
                } else {
                    (item.clone(), None)
                };
                let (span, facts) = node_span(cx, &node, "report: a secondary label")?;
                covered.extend(facts);
                d.labels.push(match label {
                    Some(l) => Label::new(span, l),
                    None => Label::bare(span),
                });
            }
        }
        let mut out = cx.out.borrow_mut();
        out.covered.extend(covered);
        out.diagnostics.push(d);
        Ok(())
    })
}

pub(super) fn report_node(node: Dynamic, message: ImmutableString) -> RhaiResult<()> {
    let mut m = Map::new();
    m.insert("primary".into(), node);
    m.insert("message".into(), message.into());
    report_map(m)
}

pub(super) fn not_checked(node: Option<Dynamic>, reason: ImmutableString) -> RhaiResult<()> {
    with_current(|cx| {
        let at = match node {
            Some(n) => Some(node_span(cx, &n, "not_checked: the node")?.0),
            None => None,
        };
        cx.out.borrow_mut().not_checked(&cx.rule.id, &reason, at);
        Ok(())
    })
}

pub(super) fn covered(v: Dynamic) -> RhaiResult<()> {
    with_current(|cx| {
        let mut ids = Vec::new();
        collect_covered(cx, &v, &mut ids)?;
        cx.out.borrow_mut().covered.extend(ids);
        Ok(())
    })
}

pub(super) fn collect_covered(cx: &ScriptRun, v: &Dynamic, ids: &mut Vec<usize>) -> RhaiResult<()> {
    if let Some(a) = v.read_lock::<Array>() {
        for x in a.iter() {
            collect_covered(cx, x, ids)?;
        }
        return Ok(());
    }
    if let Some(r) = v.clone().try_cast::<RowNode>() {
        check_run(cx, r.run)?;
        ids.extend(cx.cell_facts(r.table, r.row, None));
        return Ok(());
    }
    if let Some(t) = v.clone().try_cast::<TableNode>() {
        check_run(cx, t.run)?;
        let n = cx.table(t.id)?.rows.len() as u32;
        for r in 0..n {
            ids.extend(cx.cell_facts(t.id, r, None));
        }
        return Ok(());
    }
    let (_, facts) = node_span(cx, v, "covered: the node")?;
    ids.extend(facts);
    Ok(())
}
