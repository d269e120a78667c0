//! What a script may call: gouji's API registered on a script engine, by
//! topic. The values scripts see are the small `Copy` node handles below (an
//! index into the document plus the serial number of their run); every
//! property is read from the current run's document when accessed.

mod doc;
mod fact;
mod quantity;
mod report;
mod section;
mod sentence;
mod table;

use super::RhaiResult;
use crate::document::text::fold;
use crate::source::Span;
use regex::Regex;
use rhai::{Array, Dynamic, Engine, ImmutableString, INT};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::rule::sandbox::api_error;

/// `doc`: the report.
#[derive(Debug, Clone, Copy)]
pub struct DocNode {
    pub(super) run: u64,
}

#[derive(Debug, Clone, Copy)]
pub struct FactNode {
    pub(super) run: u64,
    pub(super) id: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct SectionNode {
    pub(super) run: u64,
    pub(super) id: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct TableNode {
    pub(super) run: u64,
    pub(super) id: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct RowNode {
    pub(super) run: u64,
    pub(super) table: u32,
    pub(super) row: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct CellNode {
    pub(super) run: u64,
    pub(super) table: u32,
    pub(super) row: u32,
    pub(super) cell: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct SentenceNode {
    pub(super) run: u64,
    pub(super) id: u32,
}

/// A regex match in a sentence, with its span in the report.
#[derive(Debug, Clone)]
pub struct MatchNode {
    pub(super) run: u64,
    pub(super) span: Span,
    pub(super) text: ImmutableString,
    pub(super) groups: Array,
}

pub(super) fn unit() -> Dynamic {
    Dynamic::UNIT
}

pub(super) fn opt<T: Clone + Send + Sync + 'static>(v: Option<T>) -> Dynamic {
    v.map_or(Dynamic::UNIT, Dynamic::from)
}

pub(super) fn int(n: usize) -> Dynamic {
    Dynamic::from_int(n as INT)
}

pub(super) fn s(v: &str) -> Dynamic {
    Dynamic::from(ImmutableString::from(v))
}

// ---- regexes ---------------------------------------------------------------

thread_local! {
    static REGEXES: RefCell<HashMap<String, Rc<Regex>>> = RefCell::new(HashMap::new());
}

/// A compiled regex, cached per thread (at most 256 patterns). Shared, not
/// cloned: a cloned `Regex` starts with an empty pool of match caches, and
/// allocating one costs more than a short match.
fn regex(pattern: &str) -> RhaiResult<Rc<Regex>> {
    if let Some(r) = REGEXES.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(r);
    }
    let r = regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .dfa_size_limit(1 << 20)
        .build()
        .map(Rc::new)
        .map_err(|e| {
            let msg = e.to_string();
            let last = msg
                .lines()
                .last()
                .unwrap_or("invalid regex")
                .trim()
                .to_owned();
            api_error(format!("invalid regex {pattern:?}: {last}"))
        })?;
    REGEXES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 256 {
            c.clear();
        }
        c.insert(pattern.to_owned(), r.clone());
    });
    Ok(r)
}

pub(super) fn register_api(e: &mut Engine) {
    crate::rule::expr::register_quantity(e, false);
    quantity::register(e);
    doc::register(e);
    fact::register(e);
    section::register(e);
    table::register(e);
    sentence::register(e);

    e.register_fn("report", report::report_map);
    e.register_fn("report", report::report_node);
    e.register_fn("not_checked", |reason: ImmutableString| {
        report::not_checked(None, reason)
    });
    e.register_fn("not_checked", |node: Dynamic, reason: ImmutableString| {
        report::not_checked(Some(node), reason)
    });
    e.register_fn("covered", report::covered);

    // Plain regex helpers on strings.
    e.register_fn("is_match", |text: &str, re: &str| -> RhaiResult<bool> {
        Ok(regex(re)?.is_match(text))
    });
    e.register_fn("captures", |text: &str, re: &str| -> RhaiResult<Array> {
        let r = regex(re)?;
        Ok(match r.captures(text) {
            None => Array::new(),
            Some(c) => c
                .iter()
                .map(|m| m.map_or(unit(), |m| s(m.as_str())))
                .collect(),
        })
    });
    // Folding as the parser does (full-width to ASCII, spaces removed).
    e.register_fn("fold", |text: &str| fold(text));
}
