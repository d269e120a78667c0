//! gouji's values as LSP values: byte spans become UTF-16 positions,
//! diagnostics and load errors become LSP diagnostics, and content changes
//! given in UTF-16 positions are applied to the text.

use crate::diagnostic::{self, codes, Outcome, Severity};
use crate::error::LoadError;
use crate::source::{LineIndex, SourceFile, Span};
use lsp_types::{self as lt, Url};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A byte span of `text` as an LSP range (0-based lines, UTF-16 columns).
pub fn span_to_range(lines: &LineIndex, text: &str, span: Span) -> lt::Range {
    let (l0, c0) = lines.utf16_position(text, span.start);
    let (l1, c1) = lines.utf16_position(text, span.end.max(span.start));
    lt::Range::new(lt::Position::new(l0, c0), lt::Position::new(l1, c1))
}

/// Apply one content change (ranged or whole-document) to a text.
pub fn apply_change(text: &mut String, change: &lt::TextDocumentContentChangeEvent) {
    match change.range {
        None => text.clone_from(&change.text),
        Some(range) => {
            let lines = LineIndex::new(text);
            let a = lines.offset_of_utf16(text, range.start.line, range.start.character) as usize;
            let b = lines.offset_of_utf16(text, range.end.line, range.end.character) as usize;
            let (a, b) = (a.min(b), a.max(b));
            text.replace_range(a..b, &change.text);
        }
    }
}

fn severity(d: &diagnostic::Diagnostic) -> lt::DiagnosticSeverity {
    match (d.outcome, d.severity) {
        (Outcome::NotChecked, _) => lt::DiagnosticSeverity::INFORMATION,
        (Outcome::ToolError, _) | (_, Severity::Error) => lt::DiagnosticSeverity::ERROR,
        (_, Severity::Warning) => lt::DiagnosticSeverity::WARNING,
        (_, Severity::Info) => lt::DiagnosticSeverity::INFORMATION,
    }
}

pub(super) const NOT_CHECKED: &str = "未能核对";

/// One gouji diagnostic as an LSP diagnostic on `uri`.
pub fn to_lsp_diagnostic(
    src: &SourceFile,
    uri: &Url,
    d: &diagnostic::Diagnostic,
) -> lt::Diagnostic {
    let range = d
        .primary_span()
        .map(|s| span_to_range(&src.lines, &src.text, s))
        .unwrap_or_default();
    let mut message = d.message.clone();
    if d.outcome == Outcome::NotChecked && !message.starts_with(NOT_CHECKED) {
        message = format!("{NOT_CHECKED}：{message}");
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<lt::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .skip(1)
        .map(|l| lt::DiagnosticRelatedInformation {
            location: lt::Location::new(uri.clone(), span_to_range(&src.lines, &src.text, l.span)),
            message: l
                .message
                .clone()
                .unwrap_or_else(|| format!("“{}”", src.slice(l.span))),
        })
        .collect();
    let outcome = match d.outcome {
        Outcome::Finding => "finding",
        Outcome::NotChecked => "not-checked",
        Outcome::ToolError => "tool-error",
    };
    lt::Diagnostic {
        range,
        severity: Some(severity(d)),
        code: Some(lt::NumberOrString::String(d.code.clone())),
        code_description: None,
        source: Some("gouji".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(json!({ "outcome": outcome })),
    }
}

/// Load errors grouped by the file they are in, as LSP diagnostics; errors
/// that are not in a file (a missing pack directory, the embedded pack) come
/// back as plain messages.
pub fn load_error_diagnostics(
    errors: &[LoadError],
    root: Option<&Path>,
) -> (BTreeMap<Url, Vec<lt::Diagnostic>>, Vec<String>) {
    let mut files: BTreeMap<Url, Vec<lt::Diagnostic>> = BTreeMap::new();
    let mut other = Vec::new();
    for e in errors {
        let name = e.src.name();
        let mut path = PathBuf::from(name);
        if path.is_relative() {
            if let Some(r) = root {
                path = r.join(path);
            }
        }
        let uri = if path.is_file() {
            Url::from_file_path(&path).ok()
        } else {
            None
        };
        let mut message = e.message.clone();
        if let Some(help) = &e.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let Some(uri) = uri else {
            other.push(format!("{}: {message}", e.location));
            continue;
        };
        let text: &str = e.src.inner();
        let lines = LineIndex::new(text);
        let range = e
            .span
            .map(|s| span_to_range(&lines, text, Span::new(s.offset(), s.offset() + s.len())))
            .unwrap_or_default();
        let code = if path.file_name().is_some_and(|n| n == "gouji.toml") {
            codes::CONFIG
        } else {
            codes::RULE_PACK
        };
        files.entry(uri).or_default().push(lt::Diagnostic {
            range,
            severity: Some(lt::DiagnosticSeverity::ERROR),
            code: Some(lt::NumberOrString::String(code.into())),
            source: Some("gouji".into()),
            message,
            ..Default::default()
        });
    }
    (files, other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Label};
    use crate::lsp::workspace::load_workspace;
    use crate::source::Encoding;

    fn range(l0: u32, c0: u32, l1: u32, c1: u32) -> lt::Range {
        lt::Range::new(lt::Position::new(l0, c0), lt::Position::new(l1, c1))
    }

    #[test]
    fn spans_become_utf16_ranges_with_astral_characters() {
        // 𠀀 (U+20000) is 4 bytes in UTF-8 and 2 units in UTF-16.
        let text = "标题\n𠀀单位支出合计308.97万元\r\n占比79.41%";
        let lines = LineIndex::new(text);
        let start = text.find("308.97").unwrap();
        let span = Span::new(start, start + "308.97万元".len());
        let prefix = "𠀀单位支出合计";
        let col = prefix.encode_utf16().count() as u32;
        assert_eq!(col, 8);
        let len = "308.97万元".encode_utf16().count() as u32;
        assert_eq!(
            span_to_range(&lines, text, span),
            range(1, col, 1, col + len)
        );
        // After a CRLF line end.
        let s = text.find("79.41%").unwrap();
        assert_eq!(
            span_to_range(&lines, text, Span::new(s, s + "79.41%".len())),
            range(2, 2, 2, 8)
        );
        // A span over a line break ends on the next line.
        let s = text.find("万元\r\n").unwrap();
        assert_eq!(
            span_to_range(&lines, text, Span::new(s, s + "万元\r\n占".len())),
            range(1, col + 6, 2, 1)
        );
    }

    #[test]
    fn ranged_changes_apply_in_utf16_units() {
        let mut text = "𠀀占比79.41%\r\n第二行".to_owned();
        // Replace "79" (after 𠀀 = 2 units and 占比 = 2 units).
        let change = lt::TextDocumentContentChangeEvent {
            range: Some(range(0, 4, 0, 6)),
            range_length: None,
            text: "78".into(),
        };
        apply_change(&mut text, &change);
        assert_eq!(text, "𠀀占比78.41%\r\n第二行");
        // Insert at the start of line 2, and a column past the end clamps.
        apply_change(
            &mut text,
            &lt::TextDocumentContentChangeEvent {
                range: Some(range(1, 0, 1, 0)),
                range_length: None,
                text: "＊".into(),
            },
        );
        apply_change(
            &mut text,
            &lt::TextDocumentContentChangeEvent {
                range: Some(range(0, 99, 0, 99)),
                range_length: None,
                text: "。".into(),
            },
        );
        assert_eq!(text, "𠀀占比78.41%。\r\n＊第二行");
        // Whole-document change.
        apply_change(
            &mut text,
            &lt::TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "新".into(),
            },
        );
        assert_eq!(text, "新");
    }

    #[test]
    fn diagnostics_keep_code_severity_and_related_labels() {
        let text = "本年支出合计308.97万元，其中：基本支出242.27万元，占比79.41%。";
        let src = SourceFile::new("r.txt", text.to_owned(), Encoding::Utf8);
        let uri = Url::parse("file:///w/r.txt").unwrap();
        let at = |s: &str| {
            let i = text.find(s).unwrap();
            Span::new(i, i + s.len())
        };
        let d = Diagnostic::new("share-of-total", Severity::Error, "占比不符")
            .with_label(Label::new(at("79.41%"), "占比"))
            .with_label(Label::new(at("242.27万元"), "金额"))
            .with_label(Label::bare(at("308.97万元")))
            .with_help("复算 78.41%");
        let l = to_lsp_diagnostic(&src, &uri, &d);
        let col = "本年支出合计308.97万元，其中：基本支出242.27万元，占比"
            .encode_utf16()
            .count() as u32;
        assert_eq!(l.range, range(0, col, 0, col + 6));
        assert_eq!(l.severity, Some(lt::DiagnosticSeverity::ERROR));
        assert_eq!(
            l.code,
            Some(lt::NumberOrString::String("share-of-total".into()))
        );
        assert_eq!(l.source.as_deref(), Some("gouji"));
        assert_eq!(l.message, "占比不符\nhelp: 复算 78.41%");
        let rel = l.related_information.unwrap();
        assert_eq!(rel.len(), 2);
        assert_eq!(rel[0].message, "金额");
        assert_eq!(rel[0].location.uri, uri);
        assert_eq!(rel[1].message, "“308.97万元”");
        assert_eq!(rel[1].location.range, range(0, 6, 0, 14));

        let nc = Diagnostic::new("sum-x", Severity::Warning, "找不到合计")
            .with_outcome(Outcome::NotChecked);
        let l = to_lsp_diagnostic(&src, &uri, &nc);
        assert_eq!(l.severity, Some(lt::DiagnosticSeverity::INFORMATION));
        assert_eq!(l.message, "未能核对：找不到合计");
        assert_eq!(l.range, lt::Range::default());
        assert_eq!(l.data, Some(json!({"outcome": "not-checked"})));
        assert!(l.related_information.is_none());
    }

    #[test]
    fn load_errors_land_on_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("gouji.toml"),
            "packs = [\"rules\"]\nno_default_rules = true\n",
        )
        .unwrap();
        std::fs::create_dir(root.join("rules")).unwrap();
        let bad = "# 测试\n[[rule]]\nid = \"x\"\nkind = \"forbid\"\nseverity = \"error\"\nmessage = \"m\"\npattern = \"(\"\n";
        std::fs::write(root.join("rules/bad.toml"), bad).unwrap();
        let errors = load_workspace(Some(root)).unwrap_err();
        let (files, other) = load_error_diagnostics(&errors, Some(root));
        assert!(other.is_empty(), "{other:?}");
        let uri = Url::from_file_path(root.join("rules/bad.toml")).unwrap();
        let diags = &files[&uri];
        assert_eq!(diags.len(), 1);
        let col = "pattern = ".encode_utf16().count() as u32;
        assert_eq!(diags[0].range.start, lt::Position::new(6, col));
        assert!(
            diags[0].message.contains("invalid regex"),
            "{}",
            diags[0].message
        );

        // A missing pack directory is not a file: a plain message.
        std::fs::write(root.join("gouji.toml"), "packs = [\"nowhere\"]\n").unwrap();
        let errors = load_workspace(Some(root)).unwrap_err();
        let (files, other) = load_error_diagnostics(&errors, Some(root));
        assert!(files.is_empty());
        assert_eq!(other.len(), 1);
    }
}
