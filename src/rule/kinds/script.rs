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

#[cfg(test)]
mod tests {
    use super::super::testkit::{findings, run};
    use crate::rule::RuleFile;
    use std::sync::Arc;

    /// A rule running a script of the shipped pack (paths are relative to
    /// the rule file, here the crate's root), with one subject as options.
    fn rule(script: &str) -> String {
        format!(
            "[[rule]]\nid = \"t\"\nkind = \"script\"\nscript = \"{script}\"\nseverity = \"warning\"\nmessage = \"“{{label}}”的用途写作“{{found}}”\"\noptions.subjects = [{{ name = \"住房公积金\", words = [\"住房公积金\"], own = [\"公积金\", \"住房\"], foreign = [\"医疗\", \"养老\"] }}]\n"
        )
    }

    const SCRIPT: &str = "rules/purpose_mismatch.rhai";

    #[test]
    fn what_the_script_reports_is_a_finding_on_its_text() {
        let text = "住房保障支出（类）住房改革支出（款）住房公积金（项）9.81万元，主要用于职工基本医疗保险缴费。";
        assert_eq!(findings(&rule(SCRIPT), text), ["职工基本医疗保险缴费"]);
    }

    #[test]
    fn nothing_reported_is_no_finding() {
        let text = "住房保障支出（类）住房改革支出（款）住房公积金（项）9.81万元，主要用于按规定为职工缴纳住房公积金。";
        let (found, notes) = run(&rule(SCRIPT), text);
        assert!(found.is_empty() && notes.is_empty(), "{found:?} {notes:?}");
    }

    #[test]
    fn the_scripts_not_checked_is_a_note() {
        let (found, notes) = run(&rule(SCRIPT), "一、部门概况\n本部门负责示例工作。\n");
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with("未能核对："), "{notes:?}");
    }

    #[test]
    fn a_script_that_is_not_there_does_not_load() {
        let file = RuleFile {
            name: "test.toml".into(),
            text: Arc::new(rule("rules/no_such_script.rhai")),
            dir: None,
        };
        let Err(errors) = crate::rule::compile(&[file]) else {
            panic!("a rule whose script is missing loaded");
        };
        assert!(
            errors
                .iter()
                .any(|e| e.message.contains("cannot read script")),
            "{:?}",
            errors.iter().map(|e| &e.message).collect::<Vec<_>>()
        );
    }
}
