//! Human output through miette's graphical handler: the source snippet with
//! labels under the exact Chinese text. Positions are printed from gouji's
//! own line index (`file:line:column`, column in characters), since miette's
//! header counts bytes.

use crate::check::FileReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::LoadError;
use crate::source::LineIndex;
use crate::source::SourceFile;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceSpan, SpanContents,
};
use std::fmt::Write;

/// Rendering settings.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

/// The report's text as miette reads it: only the lines around a span are
/// handed over, found through gouji's line index (miette's own `String`
/// source scans from the start of the file for every snippet, which is
/// quadratic on large reports).
struct Snippet<'s> {
    name: &'s str,
    text: &'s str,
    lines: &'s LineIndex,
}

impl std::fmt::Debug for Snippet<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl miette::SourceCode for Snippet<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let len = self.text.len();
        let start = span.offset().min(len);
        let end = (span.offset() + span.len()).min(len);
        if span.offset() > len {
            return Err(MietteError::OutOfBounds);
        }
        let count = self.lines.line_count();
        let first_line = self.lines.line_of(start as u32);
        let last_line = self.lines.line_of(end.saturating_sub(1).max(start) as u32);
        let first = first_line.saturating_sub(before);
        let last = (last_line + after).min(count - 1);
        let data_start = self.lines.line_start(first) as usize;
        let data_end = if last + 1 < count {
            self.lines.line_start(last + 1) as usize
        } else {
            len
        };
        let column = if before == 0 {
            self.text[self.lines.line_start(first_line) as usize..start]
                .chars()
                .count()
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            &self.text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            first,
            column,
            last - first + 1,
        )))
    }
}

#[derive(Debug)]
struct Report<'a> {
    d: &'a Diagnostic,
    src: Option<Snippet<'a>>,
}

/// Empty: the message is already on gouji's location line, so miette's
/// severity line (the first line it writes) carries no text and is dropped.
impl std::fmt::Display for Report<'_> {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Ok(())
    }
}
impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h.clone()) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        if self.d.labels.is_empty() {
            None
        } else {
            self.src.as_ref().map(|s| s as &dyn miette::SourceCode)
        }
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.d.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.d.labels.iter().enumerate().map(|(i, l)| {
            let span = (l.span.start as usize, l.span.len());
            if i == 0 {
                LabeledSpan::new_primary_with_span(l.message.clone(), span)
            } else {
                LabeledSpan::new_with_span(l.message.clone(), span)
            }
        })))
    }
}

fn handler(opts: HumanOptions) -> GraphicalReportHandler {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_context_lines(1)
        .with_links(false)
        // miette counts the header's column in bytes; our own location line
        // above each report gives line and column in characters.
        .without_primary_span_start()
}

/// Render one diagnostic: a location line, then miette's snippet.
pub fn render_diagnostic(
    out: &mut String,
    src: Option<&SourceFile>,
    path: &str,
    d: &Diagnostic,
    opts: HumanOptions,
) {
    let loc = match (src, d.primary_span()) {
        (Some(s), Some(span)) => {
            let lc = s.line_col(span.start);
            // A PDF names the printed page too; a Word or spreadsheet file
            // the paragraph or cell.
            let page = s
                .pages
                .as_ref()
                .and_then(|_| s.page_of(span.start))
                .map(|p| format!("（第 {p} 页）"))
                .or_else(|| s.native_of(span).map(|l| format!("（{l}）")))
                .unwrap_or_default();
            format!("{path}:{}:{}{page}", lc.line, lc.column)
        }
        _ => path.to_owned(),
    };
    let _ = writeln!(out, "{loc}: {}[{}] {}", d.severity, d.code, d.message);
    // Labels far from the primary one (another page, another table) are
    // listed by position instead of being drawn: a snippet spanning them
    // would print every line in between.
    let mut near = d.clone();
    let mut far = Vec::new();
    if let (Some(s), Some(primary)) = (src, d.primary_span()) {
        let anchor = s.lines.line_of(primary.start) as i64;
        let (keep, rest): (Vec<_>, Vec<_>) =
            d.labels.iter().cloned().enumerate().partition(|(i, l)| {
                *i == 0 || (s.lines.line_of(l.span.start) as i64 - anchor).abs() <= FAR_LINES
            });
        near.labels = keep.into_iter().map(|(_, l)| l).collect();
        far = rest.into_iter().map(|(_, l)| l).collect();
    }
    let d = &near;
    let report = Report {
        d,
        src: src.map(|s| Snippet {
            name: path,
            text: &s.text,
            lines: &s.lines,
        }),
    };
    let mut buf = String::new();
    if handler(opts).render_report(&mut buf, &report).is_ok() {
        // Without a code, miette starts with the severity line (one line, as
        // the message it shows is empty); the snippet and help follow.
        out.push_str(buf.split_once('\n').map_or("", |(_, rest)| rest));
    }
    if let Some(s) = src {
        for l in &far {
            let lc = s.line_col(l.span.start);
            let _ = writeln!(
                out,
                "  另见 {path}:{}:{} “{}”{}",
                lc.line,
                lc.column,
                s.slice(l.span),
                l.message
                    .as_deref()
                    .map(|m| format!("（{m}）"))
                    .unwrap_or_default()
            );
        }
    }
    out.push('\n');
}

/// How many lines from the primary label a secondary label may stand and
/// still be drawn in the same snippet.
const FAR_LINES: i64 = 40;

/// A load error as miette draws it, without its message: gouji's location
/// line above the drawing carries the message, as for a finding.
struct LoadReport<'a>(&'a LoadError);

impl std::fmt::Display for LoadReport<'_> {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Ok(())
    }
}
impl std::fmt::Debug for LoadReport<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl std::error::Error for LoadReport<'_> {}

impl miette::Diagnostic for LoadReport<'_> {
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.0
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.span.map(|_| &self.0.src as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.0.span?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(
                Some(self.0.label.clone()).filter(|l| !l.is_empty()),
                span,
            ),
        )))
    }
}

/// Errors in rule packs, gouji.toml or a baseline: `file:line:column:
/// error: message`, then the snippet and the help, each message once.
pub fn render_load_errors(errors: &[LoadError], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Our location line gives the column in characters; miette's counts bytes.
    let handler = GraphicalReportHandler::new_themed(theme).without_primary_span_start();
    let mut out = String::new();
    for e in errors {
        let _ = writeln!(out, "{}: error: {}", e.location, e.message);
        let mut buf = String::new();
        if handler.render_report(&mut buf, &LoadReport(e)).is_ok() {
            // Without a code, miette starts with the severity line, empty
            // as the message it shows is; the snippet and help follow.
            out.push_str(buf.split_once('\n').map_or("", |(_, rest)| rest));
        }
        out.push('\n');
    }
    out
}

/// All reports, then a summary line.
pub fn render(reports: &[FileReport], opts: HumanOptions, show_coverage: bool) -> String {
    let mut out = String::new();
    let (mut e, mut w, mut i, mut nc) = (0, 0, 0, 0);
    for r in reports {
        // Which kind of document it was taken for, and why.
        if let Some(k) = &r.kind {
            let _ = writeln!(out, "{}: {}\n", r.path, k.describe());
        }
        for d in &r.diagnostics {
            render_diagnostic(&mut out, r.source.as_deref(), &r.path, d, opts);
            match (d.outcome, d.severity) {
                (crate::diagnostic::Outcome::NotChecked, _) => nc += 1,
                (_, Severity::Error) => e += 1,
                (_, Severity::Warning) => w += 1,
                (_, Severity::Info) => i += 1,
            }
        }
        if show_coverage {
            if let Some(c) = &r.coverage {
                let _ = writeln!(
                    out,
                    "{}: 数字核对覆盖率 {}/{} = {:.1}%（{} 个数字未参与任何核对）",
                    r.path,
                    c.covered,
                    c.figures,
                    c.ratio() * 100.0,
                    c.uncovered.len()
                );
                if c.unreadable > 0 {
                    let _ = writeln!(out, "  其中 {} 个在未能可靠识别的表格中", c.unreadable);
                }
                for u in &c.uncovered {
                    let why = u
                        .reason
                        .as_deref()
                        .map(|r| format!("，{r}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "  {}:{}:{}: 未核对 {}（{}{why}）",
                        r.path, u.line, u.column, u.text, u.label
                    );
                }
            }
        }
    }
    let _ = write!(
        out,
        "{} 个报告：{} 个错误，{} 个警告，{} 个提示，{} 项未能核对",
        reports
            .iter()
            .filter(|r| !crate::baseline::is_meta_report(r))
            .count(),
        e,
        w,
        i,
        nc
    );
    // How much was verified at all: a clean report with little coverage is
    // not a clean report.
    let (figs, cov) = reports
        .iter()
        .filter_map(|r| r.coverage.as_ref())
        .fold((0, 0), |(f, c), x| (f + x.figures, c + x.covered));
    if figs > 0 {
        let _ = write!(out, "；{cov}/{figs} 个数字参与了核对");
    }
    out.push('\n');
    out
}
