//! Rule packs: TOML specs compiled once into rules (regexes built,
//! expressions and scripts compiled). Every load error is located in its file.
//!
//! The modules depend on each other in one direction:
//! `spec` ← `compile` ← `context` ← `kinds/*` ← `registry` ← `load`.
//! `script` (the Rhai host) and `expr` (table-row expressions) serve the
//! kinds of the same names.

pub mod compile;
pub mod context;
pub mod expr;
pub mod kinds;
pub mod load;
pub mod registry;
pub mod sandbox;
pub mod schema;
pub mod script;
pub mod shipped;
pub mod spec;

use crate::diagnostic::Severity;
use crate::document::Document;
use spec::{DocsSpec, TestSpec};
use std::path::PathBuf;
use std::sync::Arc;

pub use compile::RuleFile;
pub use context::{interpolate, RuleContext, RuleOutput};
pub use load::{compile, load_for, pack_files, shipped, shipped_files};
pub use registry::{Kind, KINDS};
pub use shipped::{SHIPPED, SHIPPED_STAMP};

/// Where a rule came from.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Display path of the rule file (`rules/sum.toml`, `<shipped>/sum.toml`).
    pub file: String,
    /// The pack directory on disk (None for the embedded pack).
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: Kind,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub docs: Option<DocsSpec>,
    pub scope: Vec<String>,
    /// The report kinds it runs on (none: every report).
    pub applies_to: Vec<crate::document::KindWord>,
    /// `false`: run only when the config selects this id by name.
    pub enabled: bool,
    pub origin: Origin,
    pub tests: Vec<TestSpec>,
    pub options: toml::Table,
}

/// Loaded, compiled rules.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Run one compiled rule over one document. The document and its text are
/// shared, so that a script run can hold them without borrowing.
pub fn run(rule: &Rule, doc: &Arc<Document>, text: &Arc<str>) -> RuleOutput {
    let mut cx = RuleContext::new(rule, doc, text);
    rule.kind.run(&mut cx);
    cx.finish()
}
