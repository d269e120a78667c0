//! JUnit XML, for CI systems that show test results (GitLab, Jenkins,
//! Azure Pipelines).
//!
//! One `<testsuite>` per report (named by its path), one `<testcase>` per
//! rule that ran on it, then one per gouji code that occurs
//! (`gouji::input`, `gouji::baseline-stale`, …). A testcase fails with a
//! `<failure>` when it has findings at or above the `--fail-on` threshold,
//! so the test results agree with the exit code; tool and input errors are
//! `<error>`s; other diagnostics (below the threshold, "not checked") go to
//! `<system-out>`. Each diagnostic is written `path:line:column: severity[code]
//! message`, its help on the next line.

use crate::check::FileReport;
use crate::diagnostic::{Diagnostic, Outcome, Severity};
use std::fmt::Write;

/// Escape text for XML 1.0 content and attribute values; characters XML
/// cannot hold (most C0 controls) become U+FFFD.
pub fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn describe(r: &FileReport, d: &Diagnostic) -> String {
    let loc = match (r.source.as_deref(), d.primary_span()) {
        (Some(s), Some(span)) => {
            let lc = s.line_col(span.start);
            format!("{}:{}:{}", r.path, lc.line, lc.column)
        }
        _ => r.path.clone(),
    };
    let kind = if d.outcome == Outcome::NotChecked {
        "not-checked"
    } else {
        d.severity.as_str()
    };
    let mut s = format!("{loc}: {kind}[{}] {}", d.code, d.message);
    if let Some(h) = &d.help {
        let _ = write!(s, "\n  help: {h}");
    }
    s
}

#[derive(Default)]
struct Case<'a> {
    failures: Vec<&'a Diagnostic>,
    errors: Vec<&'a Diagnostic>,
    other: Vec<&'a Diagnostic>,
}

fn first_message(ds: &[&Diagnostic]) -> String {
    match ds {
        [] => String::new(),
        [d] => d.message.clone(),
        [d, rest @ ..] => format!("{}（另有 {} 项）", d.message, rest.len()),
    }
}

fn body(r: &FileReport, ds: &[&Diagnostic]) -> String {
    ds.iter()
        .map(|d| describe(r, d))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Render all reports. `threshold` is `--fail-on` (None for `never`).
pub fn render(reports: &[FileReport], threshold: Option<Severity>) -> String {
    let mut suites = String::new();
    let (mut all_tests, mut all_failures, mut all_errors) = (0, 0, 0);
    for r in reports {
        let mut names: Vec<&str> = r.rules_run.iter().map(String::as_str).collect();
        for d in &r.diagnostics {
            if !names.contains(&d.code.as_str()) {
                names.push(&d.code);
            }
        }
        let mut cases: Vec<(&str, Case)> = names.iter().map(|n| (*n, Case::default())).collect();
        for d in &r.diagnostics {
            let case = &mut cases
                .iter_mut()
                .find(|(n, _)| *n == d.code)
                .expect("every code has a case")
                .1;
            match d.outcome {
                Outcome::ToolError => case.errors.push(d),
                Outcome::Finding if threshold.is_some_and(|t| d.severity >= t) => {
                    case.failures.push(d)
                }
                _ => case.other.push(d),
            }
        }
        let failures = cases.iter().filter(|(_, c)| !c.failures.is_empty()).count();
        let errors = cases.iter().filter(|(_, c)| !c.errors.is_empty()).count();
        all_tests += cases.len();
        all_failures += failures;
        all_errors += errors;
        let path = escape(&r.path, true);
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\">",
            cases.len()
        );
        for (name, c) in &cases {
            let name = escape(name, true);
            if c.failures.is_empty() && c.errors.is_empty() && c.other.is_empty() {
                let _ = writeln!(
                    suites,
                    "    <testcase classname=\"{path}\" name=\"{name}\"/>"
                );
                continue;
            }
            let _ = writeln!(
                suites,
                "    <testcase classname=\"{path}\" name=\"{name}\">"
            );
            if !c.errors.is_empty() {
                let _ = writeln!(
                    suites,
                    "      <error type=\"{name}\" message=\"{}\">{}</error>",
                    escape(&first_message(&c.errors), true),
                    escape(&body(r, &c.errors), false)
                );
            }
            if !c.failures.is_empty() {
                let _ = writeln!(
                    suites,
                    "      <failure type=\"{name}\" message=\"{}\">{}</failure>",
                    escape(&first_message(&c.failures), true),
                    escape(&body(r, &c.failures), false)
                );
            }
            if !c.other.is_empty() {
                let _ = writeln!(
                    suites,
                    "      <system-out>{}</system-out>",
                    escape(&body(r, &c.other), false)
                );
            }
            let _ = writeln!(suites, "    </testcase>");
        }
        let _ = writeln!(suites, "  </testsuite>");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gouji\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"{all_errors}\">\n{suites}</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping() {
        assert_eq!(escape("a<b>&\"'", false), "a&lt;b&gt;&amp;\"'");
        assert_eq!(escape("a\"'\n", true), "a&quot;&apos;&#10;");
        assert_eq!(escape("x\u{1}\u{c}y\tz", false), "x\u{FFFD}\u{FFFD}y\tz");
    }
}
