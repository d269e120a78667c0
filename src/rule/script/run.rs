//! The state of one script run and how API calls find it.
//!
//! Rhai calls gouji's API functions with nothing but their arguments, so the
//! run in progress is made current on the thread for the duration of the
//! run; the node handles a script holds carry the run's serial number, and a
//! handle of another run (or used outside any run) is an API error.

use super::api::{unit, CellNode, FactNode, RowNode, SectionNode, SentenceNode, TableNode};
use super::sandbox::api_error;
use super::RhaiResult;
use crate::document::{Document, Fact};
use crate::rule::{eval::RuleResult, Rule};
use crate::source::Span;
use rhai::Dynamic;
use std::cell::{Cell as StdCell, RefCell};
use std::sync::atomic::AtomicU64;

pub(super) static NEXT_RUN: AtomicU64 = AtomicU64::new(1);

/// What a script sees of the report being checked, for one run.
pub(super) struct ScriptRun<'a> {
    pub(super) run: u64,
    pub(super) rule: &'a Rule,
    pub(super) script: &'a str,
    pub(super) doc: &'a Document,
    pub(super) text: &'a str,
    /// Per section: inside the rule's `scope`?
    pub(super) in_scope: Vec<bool>,
    pub(super) out: RefCell<RuleResult>,
    pub(super) prints: StdCell<u32>,
}

thread_local! {
    /// The run in progress on this thread (a `ScriptRun` on the stack of
    /// [`run`]), or null.
    static CURRENT: StdCell<*const ()> = const { StdCell::new(std::ptr::null()) };
}

/// Makes a run's context current on this thread until dropped.
///
/// This is the scoped thread-local pattern (as in the `scoped-tls` crate):
/// the pointer is set from a reference that outlives the guard and the
/// previous value is restored on drop, also while unwinding, so a non-null
/// pointer always refers to a live `ScriptRun` of this thread.
pub(super) struct Installed {
    prev: *const (),
}

impl Installed {
    pub(super) fn new(cx: &ScriptRun<'_>) -> Installed {
        let p = cx as *const ScriptRun<'_> as *const ();
        Installed {
            prev: CURRENT.with(|c| c.replace(p)),
        }
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.prev));
    }
}

/// Call `f` with the current run, checking that a handle of run `run` belongs
/// to it.
pub(super) fn with_cx<R>(
    run: u64,
    f: impl for<'x> FnOnce(&'x ScriptRun<'x>) -> RhaiResult<R>,
) -> RhaiResult<R> {
    let p = CURRENT.with(|c| c.get());
    if p.is_null() {
        return Err(api_error("no report is being checked"));
    }
    // SAFETY: see `Installed`: a non-null pointer is a live `ScriptRun` on this
    // thread, only ever accessed through shared references (its mutable
    // parts are in `RefCell`/`Cell`). The higher-ranked closure cannot keep
    // the reference beyond this call.
    let cx: &ScriptRun<'_> = unsafe { &*(p as *const ScriptRun<'_>) };
    if run != 0 && run != cx.run {
        return Err(api_error("a node of another report was used"));
    }
    f(cx)
}

/// The current run's context, whatever run a value belongs to (for functions
/// that take no node).
pub(super) fn with_current<R>(
    f: impl for<'x> FnOnce(&'x ScriptRun<'x>) -> RhaiResult<R>,
) -> RhaiResult<R> {
    with_cx(0, f)
}

impl ScriptRun<'_> {
    pub(super) fn fact(&self, id: u32) -> RhaiResult<&Fact> {
        self.doc
            .facts
            .get(id as usize)
            .ok_or_else(|| api_error("no such fact"))
    }
    pub(super) fn fact_node(&self, id: usize) -> Dynamic {
        Dynamic::from(FactNode {
            run: self.run,
            id: id as u32,
        })
    }
    pub(super) fn opt_fact(&self, id: Option<usize>) -> Dynamic {
        id.map_or(unit(), |i| self.fact_node(i))
    }
    pub(super) fn section_node(&self, id: usize) -> Dynamic {
        Dynamic::from(SectionNode {
            run: self.run,
            id: id as u32,
        })
    }
    pub(super) fn table_node(&self, id: usize) -> Dynamic {
        Dynamic::from(TableNode {
            run: self.run,
            id: id as u32,
        })
    }
    pub(super) fn row_node(&self, table: usize, row: usize) -> Dynamic {
        Dynamic::from(RowNode {
            run: self.run,
            table: table as u32,
            row: row as u32,
        })
    }
    pub(super) fn cell_node(&self, table: usize, row: usize, cell: usize) -> Dynamic {
        Dynamic::from(CellNode {
            run: self.run,
            table: table as u32,
            row: row as u32,
            cell: cell as u32,
        })
    }
    pub(super) fn sentence_node(&self, id: usize) -> Dynamic {
        Dynamic::from(SentenceNode {
            run: self.run,
            id: id as u32,
        })
    }
    pub(super) fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
    pub(super) fn table(&self, t: u32) -> RhaiResult<&crate::document::Table> {
        self.doc
            .tables
            .get(t as usize)
            .ok_or_else(|| api_error("no such table"))
    }
    pub(super) fn row(&self, t: u32, r: u32) -> RhaiResult<&crate::document::Row> {
        self.table(t)?
            .rows
            .get(r as usize)
            .ok_or_else(|| api_error("no such row"))
    }
    pub(super) fn cell(&self, c: &CellNode) -> RhaiResult<&crate::document::Cell> {
        self.row(c.table, c.row)?
            .cells
            .get(c.cell as usize)
            .ok_or_else(|| api_error("no such cell"))
    }
    pub(super) fn section(&self, id: u32) -> RhaiResult<&crate::document::Section> {
        self.doc
            .sections
            .get(id as usize)
            .ok_or_else(|| api_error("no such section"))
    }
    pub(super) fn table_section(&self, t: &crate::document::Table) -> usize {
        crate::document::section_at(self.doc, t.span.start)
    }
    pub(super) fn table_in_scope(&self, t: usize) -> bool {
        let s = self.table_section(&self.doc.tables[t]);
        self.in_scope.get(s).copied().unwrap_or(true)
    }
    pub(super) fn fact_in_scope(&self, f: &Fact) -> bool {
        self.in_scope.get(f.section).copied().unwrap_or(true)
    }
    /// Facts read from the cell (table, row, cell).
    pub(super) fn cell_facts(&self, t: u32, r: u32, c: Option<u32>) -> Vec<usize> {
        self.doc
            .by_row
            .get(&(t as usize, r as usize))
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                c.is_none_or(|c| {
                    self.doc.facts[i]
                        .cell
                        .as_ref()
                        .is_some_and(|cr| cr.cell == c as usize)
                })
            })
            .collect()
    }
    pub(super) fn sentence_span(&self, id: u32) -> RhaiResult<Span> {
        self.doc
            .sentences
            .get(id as usize)
            .map(|s| s.span)
            .ok_or_else(|| api_error("no such sentence"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{new_engine, template_scope};
    use rhai::Dynamic;

    #[test]
    fn a_node_outside_a_run_is_an_api_error() {
        let engine = new_engine();
        let mut scope = template_scope();
        let err = engine
            .eval_with_scope::<Dynamic>(&mut scope, "doc.facts()")
            .unwrap_err();
        assert!(
            err.to_string().contains("no report is being checked"),
            "{err}"
        );
    }
}
