//! JSON output (format version 1): one object with a `diagnostics` array.
//! Label positions: `start`/`end` are byte offsets into the decoded UTF-8
//! text; `line`/`column` are 1-based, the column in Unicode code points.
//! A label in a PDF has `page` and `box`; in a Word or spreadsheet file,
//! `locator` (`第 12 段`, `表3!C12`) and `native` (the same as an object:
//! `paragraph`, `table_cell`, `sheet`, `cell`, `file`, and `page` for a
//! PDF joined with other files).
//! `fingerprint` names a diagnostic independently of its position (see
//! `crate::baseline`); use it in `[[suppress]]` entries.

use crate::baseline::{self, Applied};
use crate::check::FileReport;
use crate::diagnostic::{Outcome, Severity};
use serde_json::{json, Value};

pub const FORMAT_VERSION: u32 = 1;

pub fn diagnostics_value(reports: &[FileReport]) -> Value {
    let mut diags = Vec::new();
    let mut counts = [0usize; 3];
    let mut not_checked = 0;
    for r in reports {
        for d in &r.diagnostics {
            let labels: Vec<Value> = d
                .labels
                .iter()
                .map(|l| {
                    let mut v = json!({ "start": l.span.start, "end": l.span.end });
                    if let Some(src) = &r.source {
                        let a = src.line_col(l.span.start);
                        let b = src.line_col(l.span.end);
                        v["line"] = json!(a.line);
                        v["column"] = json!(a.column);
                        v["end_line"] = json!(b.line);
                        v["end_column"] = json!(b.column);
                        v["text"] = json!(src.slice(l.span));
                        // A PDF: where the label is printed.
                        if let Some(b) = src.box_of(l.span) {
                            v["page"] = json!(b.page);
                            v["box"] = json!(b.bbox);
                        }
                        // A Word or spreadsheet file: the paragraph or cell.
                        if let Some(n) = src.native_of(l.span) {
                            v["locator"] = json!(n.to_string());
                            v["native"] = json!(n);
                        }
                    }
                    if let Some(m) = &l.message {
                        v["message"] = json!(m);
                    }
                    v
                })
                .collect();
            let mut v = json!({
                "code": d.code,
                "severity": d.severity.as_str(),
                "outcome": d.outcome,
                "message": d.message,
                "path": r.path,
                "labels": labels,
                "fingerprint": baseline::fingerprint(r.source.as_deref(), d),
            });
            if let Some(h) = &d.help {
                v["help"] = json!(h);
            }
            diags.push(v);
            if d.outcome == Outcome::NotChecked {
                not_checked += 1;
            } else {
                counts[match d.severity {
                    Severity::Error => 0,
                    Severity::Warning => 1,
                    Severity::Info => 2,
                }] += 1;
            }
        }
    }
    let (figs, cov) = reports
        .iter()
        .filter_map(|r| r.coverage.as_ref())
        .fold((0, 0), |(f, c), x| (f + x.figures, c + x.covered));
    json!({
        "version": FORMAT_VERSION,
        "diagnostics": diags,
        "summary": {
            "reports": reports.iter().filter(|r| !baseline::is_meta_report(r)).count(),
            "errors": counts[0],
            "warnings": counts[1],
            "infos": counts[2],
            "not_checked": not_checked,
            "figures": figs,
            "figures_covered": cov,
        },
    })
}

/// `files`: each report's path, the kind of document it was taken for
/// (`kind`: form, stage, scope, year, reason; absent for a file not read),
/// and with `coverage` its coverage.
pub fn files_value(reports: &[FileReport], with_coverage: bool) -> Value {
    Value::Array(
        reports
            .iter()
            .map(|r| {
                let mut v = json!({ "path": r.path });
                if let Some(k) = &r.kind {
                    v["kind"] = json!(k);
                }
                if with_coverage {
                    v["coverage"] = json!(r.coverage);
                }
                v
            })
            .collect(),
    )
}

pub fn render(reports: &[FileReport], with_coverage: bool) -> String {
    render_with(reports, with_coverage, None)
}

/// With what suppressions and the baseline did: `summary.suppressed`,
/// `summary.baselined`, `summary.baseline_stale`, and `suppressions`
/// (each `[[suppress]]` entry with `used`, how many findings it hid).
pub fn render_with(
    reports: &[FileReport],
    with_coverage: bool,
    applied: Option<&Applied>,
) -> String {
    let mut v = diagnostics_value(reports);
    v["files"] = files_value(reports, with_coverage);
    if let Some(a) = applied {
        v["summary"]["suppressed"] = json!(a.suppressed);
        v["summary"]["baselined"] = json!(a.baselined);
        v["summary"]["baseline_stale"] = json!(a.stale);
        v["suppressions"] = Value::Array(
            a.suppressions
                .iter()
                .map(|u| {
                    let s = &u.suppression;
                    let mut e = json!({ "rule": s.rule, "reason": s.reason, "line": u.line, "used": u.used });
                    if let Some(t) = &s.text {
                        e["text"] = json!(t);
                    }
                    if let Some(f) = &s.fingerprint {
                        e["fingerprint"] = json!(f);
                    }
                    if let Some(p) = &s.path {
                        e["path"] = json!(p);
                    }
                    e
                })
                .collect(),
        );
    }
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
