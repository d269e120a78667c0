//! `script`: a Rhai script from the pack, compiled once at load and run in
//! the sandbox (`rule/script/`). Its metadata, docs and tests live in
//! the TOML like every other rule's.

use super::RuleKind;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::script as host;
use crate::rule::spec::RuleSpec;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Script {
    pub script: Arc<host::Script>,
}

impl RuleKind for Script {
    const KEYS: &'static [&'static str] = &["script", "options"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let s = cx.require(&rs.script, "script", &rs.kind).cloned()?;
        let at = cx.file_span(s.span());
        match host::compile(cx.file, cx.scripts, &cx.id, &s, at) {
            Ok(script) => Some(Script {
                script: Arc::new(script),
            }),
            Err(e) => {
                cx.errors.push(e);
                None
            }
        }
    }

    fn run(&self, cx: &mut RuleContext) {
        let out = host::run(cx.rule, &self.script, cx.doc, cx.text);
        for d in out.diagnostics {
            cx.report(d);
        }
        cx.cover(out.covered);
    }
}
