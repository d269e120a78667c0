//! SARIF 2.1.0 output, for code-scanning services (GitHub, Azure DevOps) and
//! SARIF viewers.
//!
//! - `tool.driver.rules` lists every loaded rule with its documentation, and
//!   gouji's own codes that occur (`gouji::baseline-stale`, …).
//! - One result per diagnostic. Findings have `kind: "fail"` and a level
//!   (error, warning, note); "not checked" notes have `kind: "open"` and
//!   level `none`. The primary label is the location; the other labels are
//!   `relatedLocations` with their messages. A diagnostic without labels
//!   is located on its whole file.
//! - Tool and input errors are not results: they are
//!   `invocations[0].toolExecutionNotifications`, and make
//!   `executionSuccessful` false.
//! - Regions carry `byteOffset`/`byteLength` in the file as stored (its
//!   encoding and BOM) and 1-based lines and columns counted in Unicode
//!   code points (`run.columnKind`), end column exclusive.
//! - `partialFingerprints["gouji/v1"]` is the finding's fingerprint
//!   (`crate::baseline::fingerprint`): it does not change when lines are
//!   added or removed elsewhere.
//! - Paths are written as given on the command line, as relative URIs
//!   (percent-encoded); absolute paths become `file://` URIs.

use crate::baseline::{self, FINGERPRINT_KEY};
use crate::check::FileReport;
use crate::diagnostic::{codes, Diagnostic, Label, Outcome, Severity};
use crate::rule::RuleSet;
use crate::source::{Encoding, SourceFile};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as a URI reference: `/` separators, everything but unreserved
/// characters and `/` percent-encoded; absolute paths as `file://` URIs.
pub fn path_to_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let (prefix, rest) = if p.starts_with('/') {
        ("file://", p.as_str())
    } else if p.len() >= 2 && p.as_bytes()[1] == b':' && p.as_bytes()[0].is_ascii_alphabetic() {
        ("file:///", p.as_str())
    } else {
        ("", p.strip_prefix("./").unwrap_or(&p))
    };
    let mut out = String::from(prefix);
    for b in rest.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (b == b':' && !prefix.is_empty())
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn encoding_name(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "utf-8",
        Encoding::Utf16Le => "utf-16le",
        Encoding::Utf16Be => "utf-16be",
        Encoding::Gb18030 => "gb18030",
    }
}

fn artifact_location(uri: &str, index: usize) -> Value {
    json!({ "uri": uri, "index": index })
}

fn region(src: &SourceFile, l: &Label) -> Value {
    let a = src.line_col(l.span.start);
    let b = src.line_col(l.span.end);
    if src.is_rendered() {
        // A PDF, Word or spreadsheet file: lines and columns of its text
        // rendering (`gouji dump`);
        // no byte offset, as the text is not stored in the file as such.
        return json!({
            "startLine": a.line,
            "startColumn": a.column,
            "endLine": b.line,
            "endColumn": b.column,
            "snippet": { "text": src.slice(l.span) },
        });
    }
    let start = src.file_offset(l.span.start);
    let end = src.file_offset(l.span.end);
    json!({
        "startLine": a.line,
        "startColumn": a.column,
        "endLine": b.line,
        "endColumn": b.column,
        "byteOffset": start,
        "byteLength": end - start,
        "snippet": { "text": src.slice(l.span) },
    })
}

/// A label's location; without a label, the whole file (when it was read).
fn location(uri: &str, index: usize, src: Option<&SourceFile>, label: Option<&Label>) -> Value {
    let mut physical = json!({ "artifactLocation": artifact_location(uri, index) });
    let mut loc = Map::new();
    match (src, label) {
        (Some(src), Some(l)) => {
            physical["region"] = region(src, l);
            if let Some(m) = &l.message {
                loc.insert("message".into(), json!({ "text": m }));
            }
        }
        (Some(src), None) if src.is_rendered() => {
            let end = src.line_col(src.text.len() as u32);
            physical["region"] = json!({
                "startLine": 1,
                "startColumn": 1,
                "endLine": end.line,
                "endColumn": end.column,
            });
        }
        (Some(src), None) => {
            let end = src.line_col(src.text.len() as u32);
            let length = src.file_offset(src.text.len() as u32);
            physical["region"] = json!({
                "startLine": 1,
                "startColumn": 1,
                "endLine": end.line,
                "endColumn": end.column,
                "byteOffset": 0,
                "byteLength": length,
            });
        }
        _ => {}
    }
    loc.insert("physicalLocation".into(), physical);
    Value::Object(loc)
}

fn text_of(d: &Diagnostic) -> String {
    match &d.help {
        Some(h) => format!("{}\n{h}", d.message),
        None => d.message.clone(),
    }
}

/// A rule's "friendly name": `share-of-total` → `ShareOfTotal`.
fn friendly_name(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule_descriptor(r: &crate::rule::Rule) -> Value {
    let mut v = json!({
        "id": r.id,
        "name": friendly_name(&r.id),
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": { "tags": ["gouji", r.kind.name()] },
    });
    match &r.docs {
        Some(d) => {
            v["shortDescription"] = json!({ "text": d.what });
            v["fullDescription"] = json!({ "text": d.why });
            let mut text = format!(
                "{}\n\n{}\n\n错误示例：{}\n正确示例：{}",
                d.what, d.why, d.bad, d.good
            );
            let mut md = format!(
                "{}\n\n{}\n\n**错误示例**\n\n```text\n{}\n```\n\n**正确示例**\n\n```text\n{}\n```",
                d.what, d.why, d.bad, d.good
            );
            if !d.catalogue.is_empty() {
                text.push_str(&format!("\n规则目录：{}", d.catalogue.join(", ")));
                md.push_str(&format!("\n\n规则目录：{}", d.catalogue.join(", ")));
            }
            v["help"] = json!({ "text": text, "markdown": md });
        }
        None => {
            v["shortDescription"] = json!({ "text": r.message });
            v["help"] = json!({ "text": r.help.clone().unwrap_or_else(|| r.message.clone()) });
        }
    }
    v
}

/// The SARIF log as a JSON value.
pub fn value(reports: &[FileReport], rules: &RuleSet) -> Value {
    // Rules: every loaded rule, then gouji's own codes that occur in results.
    let mut descriptors: Vec<Value> = rules.rules.iter().map(rule_descriptor).collect();
    let mut rule_index: BTreeMap<String, usize> = rules
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let mut own: Vec<&str> = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| d.outcome != Outcome::ToolError && !rule_index.contains_key(&d.code))
        .map(|d| d.code.as_str())
        .collect();
    own.sort_unstable();
    own.dedup();
    for code in own {
        let (short, full) = codes::describe(code);
        rule_index.insert(code.to_owned(), descriptors.len());
        descriptors.push(json!({
            "id": code,
            "name": friendly_name(code),
            "shortDescription": { "text": short },
            "fullDescription": { "text": full },
            "help": { "text": full },
            "defaultConfiguration": { "level": "note" },
            "properties": { "tags": ["gouji"] },
        }));
    }

    let mut artifacts = Vec::new();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for (index, r) in reports.iter().enumerate() {
        let uri = path_to_uri(&r.path);
        let src = r.source.as_deref();
        // gouji.toml and the baseline file hold results about themselves.
        let role = if baseline::is_meta_report(r) {
            "userSpecifiedConfiguration"
        } else {
            "analysisTarget"
        };
        let mut artifact = json!({ "location": { "uri": uri }, "roles": [role] });
        if let Some(s) = src {
            artifact["encoding"] = json!(encoding_name(s.encoding));
        }
        artifacts.push(artifact);
        for d in &r.diagnostics {
            if d.outcome == Outcome::ToolError {
                notifications.push(json!({
                    "level": "error",
                    "message": { "text": text_of(d) },
                    "descriptor": { "id": d.code },
                    "locations": [location(&uri, index, src, d.labels.first())],
                }));
                continue;
            }
            let mut res = json!({
                "ruleId": d.code,
                "message": { "text": text_of(d) },
                "locations": [location(&uri, index, src, d.labels.first())],
                "partialFingerprints": { FINGERPRINT_KEY: baseline::fingerprint(src, d) },
            });
            if let Some(&i) = rule_index.get(&d.code) {
                res["ruleIndex"] = json!(i);
            }
            // A PDF: the page (1-based) and box (PDF points, origin
            // bottom-left) where the primary label is printed.
            if let Some(b) = src.zip(d.primary_span()).and_then(|(s, sp)| s.box_of(sp)) {
                res["properties"] = json!({ "page": b.page, "box": b.bbox });
            }
            // A Word or spreadsheet file: the paragraph or cell of the
            // primary label.
            if let Some(n) = src
                .zip(d.primary_span())
                .and_then(|(s, sp)| s.native_of(sp))
            {
                res["properties"] = json!({ "locator": n.to_string(), "native": n });
            }
            if d.outcome == Outcome::NotChecked {
                res["kind"] = json!("open");
                res["level"] = json!("none");
            } else {
                res["kind"] = json!("fail");
                res["level"] = json!(level(d.severity));
            }
            if src.is_some() && d.labels.len() > 1 {
                let related: Vec<Value> = d.labels[1..]
                    .iter()
                    .enumerate()
                    .map(|(k, l)| {
                        let mut v = location(&uri, index, src, Some(l));
                        v["id"] = json!(k + 1);
                        v
                    })
                    .collect();
                res["relatedLocations"] = json!(related);
            }
            results.push(res);
        }
    }

    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "gouji",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": descriptors,
                }
            },
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

pub fn render(reports: &[FileReport], rules: &RuleSet) -> String {
    serde_json::to_string_pretty(&value(reports, rules)).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(path_to_uri("fixtures/a.txt"), "fixtures/a.txt");
        assert_eq!(path_to_uri("./a b.txt"), "a%20b.txt");
        assert_eq!(
            path_to_uri("报告/决算.txt"),
            "%E6%8A%A5%E5%91%8A/%E5%86%B3%E7%AE%97.txt"
        );
        assert_eq!(path_to_uri("/tmp/x.txt"), "file:///tmp/x.txt");
        assert_eq!(path_to_uri("C:\\r\\x.txt"), "file:///C:/r/x.txt");
        assert_eq!(path_to_uri("a#b%.txt"), "a%23b%25.txt");
    }

    #[test]
    fn friendly_names() {
        assert_eq!(friendly_name("share-of-total"), "ShareOfTotal");
        assert_eq!(friendly_name(codes::BASELINE_STALE), "GoujiBaselineStale");
    }
}
