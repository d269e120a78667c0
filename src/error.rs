//! Located load errors: a rule pack, `gouji.toml` or a baseline file that
//! cannot be used. Each error carries its file's text, so miette can
//! underline the place, and a `file:line:column` for plain-text output.

use miette::{NamedSource, SourceSpan};
use std::sync::Arc;

/// A located error in a rule file or a config file.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code("gouji::rule-pack"))]
pub struct LoadError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<Arc<String>>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
    /// For plain-text output: file:line:column.
    pub location: String,
}

impl LoadError {
    pub fn new(
        path: &str,
        text: &Arc<String>,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> LoadError {
        let location = match &span {
            Some(r) => {
                let idx = crate::source::LineIndex::new(text);
                let lc = idx.line_col(text, r.start as u32);
                format!("{path}:{}:{}", lc.line, lc.column)
            }
            None => path.to_owned(),
        };
        LoadError {
            message: message.into(),
            src: NamedSource::new(path, text.clone()).with_language("toml"),
            span: span.map(|r| SourceSpan::from(r.start..r.end.max(r.start))),
            label: label.into(),
            help,
            location,
        }
    }
}
