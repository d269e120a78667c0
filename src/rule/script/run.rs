//! The state of one script run and how API calls find it.
//!
//! Rhai calls gouji's API functions with nothing but their arguments, so the
//! run in progress is made current on the thread for the duration of the run
//! ([`Installed`]). The run state is `'static`: it owns (shares) the document
//! and the report text, so the thread-local holds an `Rc` to it and no
//! borrow. The node handles a script holds carry the run's serial number; a
//! handle of another run, or used outside any run, is an API error.

use super::api::{unit, CellNode, FactNode, RowNode, SectionNode, SentenceNode, TableNode};
use super::RhaiResult;
use crate::diagnostic::Severity;
use crate::document::{Document, Fact};
use crate::rule::context::RuleOutput;
use crate::rule::sandbox::api_error;
use crate::rule::Rule;
use crate::source::Span;
use rhai::Dynamic;
use std::cell::{Cell as StdCell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

static NEXT_RUN: AtomicU64 = AtomicU64::new(1);

/// What a script sees of the report being checked, for one run.
pub(super) struct ScriptRun {
    /// Serial number of the run (never 0), carried by every node handle.
    pub(super) run: u64,
    pub(super) rule: RuleInfo,
    /// Display path of the script, for log lines.
    pub(super) script: String,
    pub(super) doc: Arc<Document>,
    pub(super) text: Arc<str>,
    /// Per section: inside the rule's `scope`?
    pub(super) in_scope: Vec<bool>,
    pub(super) out: RefCell<RuleOutput>,
    pub(super) prints: StdCell<u32>,
}

/// The fields of the rule a run reports with (copied, so that the run state
/// borrows nothing).
pub(super) struct RuleInfo {
    pub(super) id: String,
    pub(super) severity: Severity,
    pub(super) message: String,
    pub(super) help: Option<String>,
}

impl ScriptRun {
    /// A new run of `rule`'s script `script_path` over one report.
    pub(super) fn new(
        rule: &Rule,
        script_path: &str,
        doc: &Arc<Document>,
        text: &Arc<str>,
    ) -> ScriptRun {
        let in_scope = if rule.scope.is_empty() {
            vec![true; doc.sections.len()]
        } else {
            doc.scope_flags(&rule.scope)
        };
        ScriptRun {
            run: NEXT_RUN.fetch_add(1, Ordering::Relaxed),
            rule: RuleInfo {
                id: rule.id.clone(),
                severity: rule.severity,
                message: rule.message.clone(),
                help: rule.help.clone(),
            },
            script: script_path.to_owned(),
            doc: Arc::clone(doc),
            text: Arc::clone(text),
            in_scope,
            out: RefCell::new(RuleOutput::default()),
            prints: StdCell::new(0),
        }
    }
}

thread_local! {
    /// The run in progress on this thread, if any.
    static CURRENT: RefCell<Option<Rc<ScriptRun>>> = const { RefCell::new(None) };
}

/// Makes a run current on this thread until dropped; the previous one (if
/// any) is restored on drop, also while unwinding.
pub(super) struct Installed {
    prev: Option<Rc<ScriptRun>>,
}

impl Installed {
    pub(super) fn new(cx: Rc<ScriptRun>) -> Installed {
        Installed {
            prev: CURRENT.with(|c| c.borrow_mut().replace(cx)),
        }
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        let prev = self.prev.take();
        let ended = CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), prev));
        drop(ended);
    }
}

/// Call `f` with the current run, checking that a handle of run `run` belongs
/// to it (`run == 0`: any run). The thread-local is not borrowed while `f`
/// runs, so `f` may call back into the API.
pub(super) fn with_cx<R>(run: u64, f: impl FnOnce(&ScriptRun) -> RhaiResult<R>) -> RhaiResult<R> {
    let Some(cx) = CURRENT.with(|c| c.borrow().clone()) else {
        return Err(api_error("no report is being checked"));
    };
    if run != 0 && run != cx.run {
        return Err(api_error("a node of another report was used"));
    }
    f(&cx)
}

/// The current run's context, whatever run a value belongs to (for functions
/// that take no node).
pub(super) fn with_current<R>(f: impl FnOnce(&ScriptRun) -> RhaiResult<R>) -> RhaiResult<R> {
    with_cx(0, f)
}

impl ScriptRun {
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
        crate::document::section_at(&self.doc, t.span.start)
    }
    /// In the rule's scope, and read reliably enough for rules to judge
    /// (the table gate's verdict; an unreliable table has had its one note).
    pub(super) fn table_in_scope(&self, t: usize) -> bool {
        if !self.doc.tables[t].verdict.usable() {
            return false;
        }
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
