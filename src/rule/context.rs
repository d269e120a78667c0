//! What a rule kind sees while it runs on one report: the rule, the
//! document, its text, and the output it writes to.
//!
//! Every kind reports through this one context: [`RuleContext::diag`] builds
//! a finding from the rule's message template, [`RuleContext::not_checked`]
//! is the one way to abstain (an `info` note 未能核对, said once per reason),
//! [`RuleContext::cover`] records the figures a completed check used, and
//! [`RuleContext::in_scope`] applies the rule's `scope`.

use super::Rule;
use crate::diagnostic::{Diagnostic, Label, Outcome, Severity};
use crate::document::table::TableName;
use crate::document::{Document, Fact, Role, Table};
use crate::quantity::Quantity;
use crate::source::Span;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

/// What one rule found on one document.
#[derive(Debug, Default)]
pub struct RuleOutput {
    pub diagnostics: Vec<Diagnostic>,
    /// Facts that took part in a completed check.
    pub covered: BTreeSet<usize>,
    /// Reasons already given in a 未能核对 note.
    reasons: HashSet<String>,
}

impl RuleOutput {
    /// Abstain: an `info` note 未能核对 of rule `rule_id` with the reason,
    /// once per reason (the table kinds and the script API both abstain
    /// through here).
    pub fn not_checked(&mut self, rule_id: &str, reason: &str, at: Option<Span>) {
        let message = format!("未能核对：{reason}");
        if !self.reasons.insert(message.clone()) {
            return;
        }
        let mut d = Diagnostic::new(rule_id.to_owned(), Severity::Info, message)
            .with_outcome(Outcome::NotChecked);
        if let Some(s) = at {
            d.labels.push(Label::bare(s));
        }
        self.diagnostics.push(d);
    }
}

/// One rule running on one document.
pub struct RuleContext<'a> {
    pub rule: &'a Rule,
    pub doc: &'a Arc<Document>,
    /// The text every span of `doc` indexes.
    pub text: &'a Arc<str>,
    pub out: RuleOutput,
    /// Per section: inside the rule's `scope`? Worked out on first use.
    in_scope: std::cell::OnceCell<Vec<bool>>,
}

impl<'a> RuleContext<'a> {
    pub fn new(rule: &'a Rule, doc: &'a Arc<Document>, text: &'a Arc<str>) -> RuleContext<'a> {
        RuleContext {
            rule,
            doc,
            text,
            out: RuleOutput::default(),
            in_scope: std::cell::OnceCell::new(),
        }
    }

    pub fn finish(self) -> RuleOutput {
        self.out
    }

    // ---- reporting ---------------------------------------------------------

    /// A finding of this rule: its severity, its message and help with the
    /// `{placeholders}` filled. Labels are added by the caller.
    pub fn diag(&self, values: &[(&str, String)]) -> Diagnostic {
        let mut d = Diagnostic::new(
            self.rule.id.clone(),
            self.rule.severity,
            interpolate(&self.rule.message, values),
        );
        d.help = self.rule.help.as_ref().map(|h| interpolate(h, values));
        d
    }

    pub fn report(&mut self, d: Diagnostic) {
        self.out.diagnostics.push(d);
    }

    /// Abstain: an `info` note 未能核对 with the reason, once per reason.
    pub fn not_checked(&mut self, reason: String, at: Option<Span>) {
        self.out.not_checked(&self.rule.id, &reason, at);
    }

    /// Record facts as taking part in a completed check.
    pub fn cover(&mut self, ids: impl IntoIterator<Item = usize>) {
        self.out.covered.extend(ids);
    }

    // ---- the report --------------------------------------------------------

    /// Is this section inside the rule's `scope` (every section when the
    /// rule has none)?
    pub fn in_scope(&self, section: usize) -> bool {
        self.rule.scope.is_empty()
            || self
                .in_scope
                .get_or_init(|| self.doc.scope_flags(&self.rule.scope))
                .get(section)
                .copied()
                .unwrap_or(false)
    }

    /// Stated values (not changes or shares) in scope.
    pub fn value_facts(&self) -> impl Iterator<Item = &'a Fact> + '_ {
        self.doc
            .facts
            .iter()
            .filter(|f| f.role == Role::Value && self.in_scope(f.section))
    }

    /// A fact's quantity, money in 万元.
    pub fn q(&self, f: &Fact) -> Option<Quantity> {
        f.quantity_wan().or_else(|| f.quantity())
    }

    /// The unit word for a fact's value in messages.
    pub fn unit_word(&self, f: &Fact) -> &'static str {
        if f.number.as_ref().is_some_and(|n| n.unit.is_money()) {
            "万元"
        } else {
            ""
        }
    }

    /// The text of a span without white space (line breaks inside a figure).
    pub fn slice(&self, s: Span) -> String {
        self.text
            .get(s.range())
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    // ---- tables ------------------------------------------------------------

    /// Tables whose standard name or title is `name`, in document order,
    /// that rules may judge: a table the gate found unreliable is left out
    /// (its one note, 表格未能可靠识别, stands for every rule).
    pub fn tables(&self, name: &TableName) -> Vec<usize> {
        self.tables_where(|t| t.verdict.usable() && t.matches(name))
    }

    /// Tables matching any of the names, in document order, that rules may
    /// judge (see [`tables`](Self::tables)).
    pub fn tables_any(&self, names: &[TableName]) -> Vec<usize> {
        self.tables_where(|t| t.verdict.usable() && names.iter().any(|n| t.matches(n)))
    }

    /// Is a table of this name in the report at all, however well read?
    pub fn table_present(&self, name: &TableName) -> bool {
        self.doc.tables.iter().any(|t| t.matches(name))
    }

    fn tables_where(&self, keep: impl Fn(&Table) -> bool) -> Vec<usize> {
        (0..self.doc.tables.len())
            .filter(|&i| keep(&self.doc.tables[i]))
            .collect()
    }

    /// The tables named by any of `names`; when there is none, a 未能核对
    /// note says so and the rule abstains (`None`). When they are there
    /// but unreliable, the rule abstains without a note of its own.
    pub fn tables_or_abstain(&mut self, names: &[TableName]) -> Option<Vec<usize>> {
        let tis = self.tables_any(names);
        if tis.is_empty() {
            if names.iter().any(|n| self.table_present(n)) {
                return None;
            }
            let table = table_list_name(names);
            self.not_checked(format!("报告中未找到“{table}”"), None);
            return None;
        }
        Some(tis)
    }

    /// Is this cell of table `ti` one that no rule may judge (the gate found
    /// text where a figure belongs, or the table unreliable)?
    pub fn cell_doubtful(&self, ti: usize, span: Span) -> bool {
        self.doc.tables[ti].verdict.is_doubtful(span)
    }

    /// Do the standard tables carry any figure? (A blank template does not.)
    pub fn any_figures(&self) -> bool {
        self.doc
            .tables
            .iter()
            .any(|t| t.standard.is_some() && t.has_figures())
    }

    /// Record the facts of these cells of table `ti` as covered.
    pub fn cover_spans(&mut self, ti: usize, spans: &[Span]) {
        for (ri, _) in self.doc.tables[ti].rows.iter().enumerate() {
            if let Some(ids) = self.doc.by_row.get(&(ti, ri)) {
                for &id in ids {
                    if spans.contains(&self.doc.facts[id].span) {
                        self.out.covered.insert(id);
                    }
                }
            }
        }
    }

    pub fn title_span(&self, ti: usize) -> Span {
        let t = &self.doc.tables[ti];
        t.title_span.unwrap_or(t.span)
    }

    pub fn row_span(&self, ti: usize, ri: usize) -> Span {
        self.doc.tables[ti].rows[ri]
            .label_span
            .unwrap_or_else(|| self.title_span(ti))
    }

    /// A row as people name it: code and label.
    pub fn row_name(&self, ti: usize, ri: usize) -> String {
        let r = &self.doc.tables[ti].rows[ri];
        match (&r.code, &r.label) {
            (Some(c), Some(l)) => format!("{c} {l}"),
            (None, Some(l)) => l.clone(),
            (Some(c), None) => c.clone(),
            (None, None) => "（本表）".into(),
        }
    }

    /// The gate of the kinds that read the standard tables: `false` when
    /// the report has none (a Word export of the narrative: nothing to say)
    /// or when none carries a figure (a blank template: one note).
    pub fn standard_tables_ready(&mut self) -> bool {
        if self.doc.tables.iter().all(|t| t.standard.is_none()) {
            return false;
        }
        if !self.any_figures() {
            self.not_checked("报告的表格中没有数字".into(), None);
            return false;
        }
        true
    }
}

/// Table names for messages: the one name, or the first with 等表.
pub fn table_list_name(names: &[TableName]) -> String {
    match names {
        [one] => one.written.clone(),
        _ => format!("{}等表", names.first().map_or("", |n| n.written.as_str())),
    }
}

/// Fill `{name}` placeholders of a message template.
pub fn interpolate(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}
