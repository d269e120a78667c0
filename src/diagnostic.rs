//! A diagnostic is plain data. It becomes a miette report, JSON, SARIF … only
//! when rendered.

use crate::source::Span;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
