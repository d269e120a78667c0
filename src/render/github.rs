//! GitHub Actions workflow commands: one `::error`, `::warning` or
//! `::notice` line per diagnostic, which the runner turns into annotations
//! on the report's lines.
//!
//! `::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=RULE-ID::MESSAGE`
//!
//! Lines and columns are 1-based, columns in code points, `endColumn` the
//! column of the last character (GitHub counts both ends inclusively). The
//! columns are left out when a span crosses lines (GitHub ignores them
//! then). The message holds the help and the other labels on further lines.
//! Data is escaped as the workflow-command spec says (`%`, CR, LF; in
//! properties also `:` and `,`).

use crate::check::FileReport;
use crate::diagnostic::{Outcome, Severity};
use std::fmt::Write;

/// Escape a command's data (after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=…`, `title=…`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let src = r.source.as_deref();
        for d in &r.diagnostics {
            let command = match (d.outcome, d.severity) {
                (Outcome::ToolError, _) | (Outcome::Finding, Severity::Error) => "error",
                (Outcome::Finding, Severity::Warning) => "warning",
                _ => "notice",
            };
            let mut props = vec![format!("file={}", escape_property(&r.path))];
            if let (Some(s), Some(span)) = (src, d.primary_span()) {
                let a = s.line_col(span.start);
                let last = if span.is_empty() {
                    span.start
                } else {
                    // The last character's start.
                    let t = s.slice(span);
                    span.start + t.char_indices().last().map_or(0, |(i, _)| i as u32)
                };
                let b = s.line_col(last);
                props.push(format!("line={}", a.line));
                if a.line == b.line {
                    props.push(format!("col={}", a.column));
                }
                props.push(format!("endLine={}", b.line));
                if a.line == b.line {
                    props.push(format!("endColumn={}", b.column));
                }
            }
            props.push(format!("title={}", escape_property(&d.code)));
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                let _ = write!(message, "\n{h}");
            }
            if let Some(s) = src {
                for l in d.labels.iter().skip(1) {
                    let lc = s.line_col(l.span.start);
                    let what = l.message.as_deref().unwrap_or("相关");
                    let _ = write!(
                        message,
                        "\n{what}：{}（{}:{}:{}）",
                        s.slice(l.span),
                        r.path,
                        lc.line,
                        lc.column
                    );
                }
            }
            let _ = writeln!(
                out,
                "::{command} {}::{}",
                props.join(","),
                escape_data(&message)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
        assert_eq!(escape_property("gouji::x,y%\n"), "gouji%3A%3Ax%2Cy%25%0A");
    }
}
