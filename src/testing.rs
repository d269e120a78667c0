//! `gouji test`: each rule's test cases, run like code. A case is a report
//! snippet with the findings it must produce (by the exact text the primary
//! label covers) and, with `clean = true`, the promise that nothing else is
//! flagged.

use crate::diagnostic::Outcome;
use crate::rule::{Rule, RuleSet};
use crate::source::SourceFile;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseResult {
    Passed,
    /// Expected findings not produced.
    Missing(Vec<String>),
    /// Unexpected findings (their primary texts).
    Noisy(Vec<String>),
    /// Expected findings missing while others were produced instead:
    /// (expected, found).
    WrongSpan(Vec<String>, Vec<String>),
    /// The findings were right but not as many as `count` says:
    /// (expected, found).
    WrongCount(usize, usize),
    /// The case could not be read.
    Broken(String),
}

#[derive(Debug, Clone)]
pub struct RuleTestReport {
    pub rule: String,
    pub cases: Vec<(String, CaseResult)>,
}

impl RuleTestReport {
    pub fn passed(&self) -> bool {
        self.cases.iter().all(|c| c.1 == CaseResult::Passed)
    }
}

fn case_text(rule: &Rule, case: &crate::rule::spec::TestSpec) -> Result<String, String> {
    if let Some(t) = &case.text {
        return Ok(t.clone());
    }
    let Some(f) = &case.file else {
        return Err("a test case needs `text` or `file`".into());
    };
    let mut candidates = Vec::new();
    if let Some(dir) = &rule.origin.dir {
        candidates.push(dir.join(f));
        if let Some(parent) = dir.parent() {
            candidates.push(parent.join(f));
        }
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(f));
    for c in &candidates {
        if let Ok(bytes) = std::fs::read(c) {
            return crate::input::text::decode(&bytes, None)
                .map(|d| d.text)
                .map_err(|e| format!("{}: {e}", c.display()));
        }
    }
    Err(format!("test file `{f}` not found"))
}

pub fn run_rule_tests(rule: &Rule) -> RuleTestReport {
    let mut cases = Vec::new();
    for (i, case) in rule.tests.iter().enumerate() {
        let name = case
            .name
            .clone()
            .unwrap_or_else(|| format!("case {}", i + 1));
        let text = match case_text(rule, case) {
            Ok(t) => t,
            Err(e) => {
                cases.push((name, CaseResult::Broken(e)));
                continue;
            }
        };
        let src = SourceFile::new("<test>", text, crate::source::Encoding::Utf8);
        let doc = std::sync::Arc::new(crate::document::parse_source(&src));
        let text: std::sync::Arc<str> = src.text.as_str().into();
        let result = crate::rule::run(rule, &doc, &text);
        // A rule that fails on the case (a script that threw) is broken,
        // not merely silent: say why.
        if let Some(e) = result
            .diagnostics
            .iter()
            .find(|d| d.outcome == Outcome::ToolError)
        {
            cases.push((name, CaseResult::Broken(e.message.clone())));
            continue;
        }
        let found: Vec<String> = result
            .diagnostics
            .iter()
            .filter(|d| d.outcome == Outcome::Finding)
            .map(|d| {
                d.primary_span()
                    .map(|s| src.slice(s).to_owned())
                    .unwrap_or_default()
            })
            .collect();
        let missing: Vec<String> = case
            .expect
            .iter()
            .filter(|e| !found.contains(e))
            .cloned()
            .collect();
        let noisy: Vec<String> = found
            .iter()
            .filter(|f| !case.expect.contains(f))
            .cloned()
            .collect();
        let r = if !missing.is_empty() && !noisy.is_empty() {
            CaseResult::WrongSpan(missing, noisy)
        } else if !missing.is_empty() {
            CaseResult::Missing(missing)
        } else if case.clean && !noisy.is_empty() {
            CaseResult::Noisy(noisy)
        } else if let Some(n) = case.count.filter(|&n| n != found.len()) {
            CaseResult::WrongCount(n, found.len())
        } else {
            CaseResult::Passed
        };
        cases.push((name, r));
    }
    RuleTestReport {
        rule: rule.id.clone(),
        cases,
    }
}

pub fn run_all(rules: &RuleSet) -> Vec<RuleTestReport> {
    rules.rules.iter().map(run_rule_tests).collect()
}

/// Text output: one line per rule, details for failures; and the failure count.
pub fn render(reports: &[RuleTestReport]) -> (String, usize) {
    use std::fmt::Write;
    let mut out = String::new();
    let (mut passed, mut failed, mut untested) = (0, 0, 0);
    for r in reports {
        if r.cases.is_empty() {
            untested += 1;
            let _ = writeln!(out, "{:<34} no test cases", r.rule);
            continue;
        }
        if r.passed() {
            passed += 1;
            let _ = writeln!(out, "{:<34} passed ({} cases)", r.rule, r.cases.len());
            continue;
        }
        failed += 1;
        let _ = writeln!(out, "{:<34} FAILED", r.rule);
        for (name, c) in &r.cases {
            let line = match c {
                CaseResult::Passed => continue,
                CaseResult::Missing(m) => {
                    format!("missing: expected finding on {m:?} not produced")
                }
                CaseResult::Noisy(n) => format!("noisy: unexpected finding on {n:?}"),
                CaseResult::WrongSpan(e, f) => format!("wrong span: expected {e:?}, found {f:?}"),
                CaseResult::WrongCount(e, f) => {
                    format!("wrong count: expected {e} findings, found {f}")
                }
                CaseResult::Broken(e) => format!("broken case: {e}"),
            };
            let _ = writeln!(out, "  {name}: {line}");
        }
    }
    let _ = writeln!(
        out,
        "rule tests: {passed} passed, {failed} failed, {untested} without cases"
    );
    (out, failed + untested)
}
