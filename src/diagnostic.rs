//! A diagnostic is plain data. It becomes a miette report, JSON, SARIF … only
//! when rendered.

use crate::source::Span;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The codes of gouji's own diagnostics, as opposed to a rule's (whose code
/// is the rule id). One spelling: `gouji::` and a kebab-case name. SARIF
/// lists the ones that occur as rule descriptors, described by `describe`.
pub mod codes {
    /// A report that could not be read or decoded (a tool error).
    pub const INPUT: &str = "gouji::input";
    /// A report whose figures mostly went unchecked.
    pub const COVERAGE: &str = "gouji::coverage";
    /// An error in a rule pack. `LoadError`'s miette code must match.
    pub const RULE_PACK: &str = "gouji::rule-pack";
    /// An error in gouji.toml.
    pub const CONFIG: &str = "gouji::config";
    /// A baseline entry that no longer occurs.
    pub const BASELINE_STALE: &str = "gouji::baseline-stale";
    /// A `[[suppress]]` entry of gouji.toml that matched nothing.
    pub const SUPPRESSION_UNUSED: &str = "gouji::suppression-unused";
    /// gouji itself failed (the language server, checking a report).
    pub const INTERNAL: &str = "gouji::internal";
    /// A table whose figures break its own identities in a way no wrong
    /// figure explains: read unreliably, so no rule judges its cells.
    pub const TABLE_UNREADABLE: &str = "gouji::table-unreadable";
    /// A report over a limit of `[limits]` (its check time): the rules not
    /// yet run are left out, and the run goes on with the next file.
    pub const LIMIT: &str = "gouji::limit";
    /// A page of a PDF with nothing printed on it but a frame or a page
    /// number.
    pub const BLANK_PAGE: &str = "gouji::blank-page";

    /// Every code above.
    pub const ALL: &[&str] = &[
        INPUT,
        COVERAGE,
        RULE_PACK,
        CONFIG,
        BASELINE_STALE,
        SUPPRESSION_UNUSED,
        INTERNAL,
        TABLE_UNREADABLE,
        LIMIT,
        BLANK_PAGE,
    ];

    /// A short and a full description of one of gouji's codes (SARIF's
    /// `shortDescription` and `fullDescription`).
    pub fn describe(code: &str) -> (&'static str, &'static str) {
        match code {
            BASELINE_STALE => (
                "A baseline entry no longer matches any finding.",
                "The finding was fixed or its figures changed. Delete the entry or regenerate the baseline with --write-baseline.",
            ),
            SUPPRESSION_UNUSED => (
                "A [[suppress]] entry of gouji.toml matched no finding.",
                "The finding was fixed or its figures changed. Delete the suppression.",
            ),
            TABLE_UNREADABLE => (
                "A table was not read reliably; its figures were not checked.",
                "The table's own identities (totals, 类 = Σ 款 = Σ 项, row totals) break in a way that no single wrong figure explains, so the layout was probably misread. No rule judges its cells. Check the table by hand against the original, or give gouji the .docx/.xlsx or PDF.",
            ),
            BLANK_PAGE => (
                "A page of the PDF has nothing printed on it.",
                "No text and no image on the page, only a frame, a rule or a page number: a page left over from layout, or content lost when the PDF was made. Delete the page or restore what it should hold. Known for PDF input only; a text file cannot tell a blank page from a page of images.",
            ),
            _ => ("A diagnostic of gouji itself.", "Reported by gouji, not by a rule of a pack."),
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn codes_are_gouji_and_kebab_case() {
            for code in super::ALL {
                let name = code.strip_prefix("gouji::").unwrap();
                assert!(
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                    "{code}"
                );
            }
        }
    }
}

/// How serious a finding is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One underlined span with an optional short message. The first label of a
/// diagnostic is the primary one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: Option<String>,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: Some(message.into()),
        }
    }
    pub fn bare(span: Span) -> Label {
        Label {
            span,
            message: None,
        }
    }
}

/// What kind of finding this is, beyond its severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// A finding about the report.
    #[default]
    Finding,
    /// "未能核对": a rule could not find its inputs. Never counted by `--fail-on`.
    NotChecked,
    /// The tool or a rule failed (a script that threw, an unreadable file).
    /// Always makes the run exit 2.
    ToolError,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule id (or a `gouji::…` code for the parser's and the tool's own).
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub outcome: Outcome,
}

impl Diagnostic {
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            severity,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            outcome: Outcome::Finding,
        }
    }
    pub fn with_label(mut self, label: Label) -> Self {
        self.labels.push(label);
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn with_outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
    /// Sort key for deterministic output: position, then code, then message.
    pub fn sort_key(&self) -> (u32, u32, &str, &str) {
        let s = self.primary_span().unwrap_or_default();
        (s.start, s.end, &self.code, &self.message)
    }
}
