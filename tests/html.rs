//! The HTML report page (`--format html`, `-o`, `--output-html`): snapshots
//! of the seed and a corpus report, the summary's figures against the JSON
//! output, escaping, the baseline's hidden findings, atomic writes.
//! The browser test is tests/html_browser.rs.

mod common;
use common::*;

use std::path::{Path, PathBuf};

const SAMPLE: &str = "fixtures/jiangjin_egov_2024_final.txt";
/// A corpus report with errors, warnings, notes and not-checked notes.
const CORPUS_REPORT: &str = "../shared/corpus/pt_ghzyj_2024_final_dept.layout.txt";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Elements of a tag in an HTML text (parsed, not searched as a string).
fn count_tags(html: &str, tag: &str) -> usize {
    let dom = tl::parse(html, tl::ParserOptions::default()).expect("html parses");
    dom.nodes()
        .iter()
        .filter_map(|n| n.as_tag())
        .filter(|t| t.name().as_utf8_str().eq_ignore_ascii_case(tag))
        .count()
}

#[test]
fn seed_html_snapshot() {
    let dir = temp_dir("seed");
    let out = dir.join("report.html");
    let o = gouji(&["check", SAMPLE, "--format", "html", "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "-o writes the file, not stdout");
    let html = std::fs::read_to_string(&out).unwrap();
    insta::assert_snapshot!("seed_html", html);
}

#[test]
fn corpus_html_snapshot() {
    if !common::corpus_present() {
        return;
    }
    let dir = temp_dir("corpus");
    let out = dir.join("report.html");
    let o = gouji(&["check", CORPUS_REPORT, "--output-html", s(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        !html.contains(env!("CARGO_MANIFEST_DIR")),
        "no absolute path"
    );
    insta::assert_snapshot!("corpus_html", html);
}

/// The page's counts are the JSON output's, finding by finding.
#[test]
fn summary_counts_match_the_json_output() {
    if !common::corpus_present() {
        return;
    }
    let dir = temp_dir("counts");
    let (h, j) = (dir.join("r.html"), dir.join("r.json"));
    let o = gouji(&[
        "check",
        CORPUS_REPORT,
        "--output-html",
        s(&h),
        "--output-json",
        s(&j),
        "--format",
        "github",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let html = std::fs::read_to_string(&h).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&j).unwrap()).unwrap();
    let sum = &json["summary"];
    for (cat, key) in [
        ("error", "errors"),
        ("warning", "warnings"),
        ("info", "infos"),
        ("not-checked", "not_checked"),
    ] {
        let want = sum[key].as_u64().unwrap();
        assert!(
            html.contains(&format!("data-total=\"{cat}\">{want}<")),
            "{cat}: {want}"
        );
    }
    assert!(html.contains(&format!(
        "data-figures=\"{}\" data-covered=\"{}\"",
        sum["figures"], sum["figures_covered"]
    )));
    let n = json["diagnostics"].as_array().unwrap().len();
    assert_eq!(html.matches("<article class=\"finding ").count(), n);
    assert!(html.contains("data-exit=\"1\" data-fail-on=\"error\""));
}

#[test]
fn fail_on_level_and_verdict() {
    let dir = temp_dir("failon");
    let out = dir.join("r.html");
    let o = gouji(&[
        "check",
        SAMPLE,
        "--format",
        "html",
        "-o",
        s(&out),
        "--fail-on",
        "warning",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("data-exit=\"1\" data-fail-on=\"warning\""));
    assert!(html.contains("未通过："));
    let o = gouji(&[
        "check",
        SAMPLE,
        "--format",
        "html",
        "-o",
        s(&out),
        "--fail-on",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("data-exit=\"0\" data-fail-on=\"never\""));
}

/// Tables the gate found unreadable are listed, with the rules' abstention.
#[test]
fn tables_read_and_abstained() {
    let o = gouji(&[
        "check",
        "fixtures/tables/final_misread.txt",
        "--format",
        "html",
    ]);
    assert!(o.status.code().is_some_and(|c| c < 2), "{}", stderr(&o));
    let html = String::from_utf8(o.stdout).unwrap();
    let json = gouji(&[
        "check",
        "fixtures/tables/final_misread.txt",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let unreadable = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "gouji::table-unreadable")
        .count();
    assert!(unreadable > 0);
    assert!(html.contains(&format!("data-unreadable=\"{unreadable}\"")));
    assert_eq!(
        html.matches("<tr class=\"unreadable\">").count(),
        unreadable,
        "one table row marked unreadable per note"
    );
    assert!(html.contains("未能可靠识别，规则未作核对"));
}

fn escape_report(dir: &Path) -> PathBuf {
    let text = common::sample_text().replacen(
        "一、单位基本情况",
        "一、单位基本情况\n说明<script>alert(1)</script>，另见\"><img src=x onerror=alert(1)>。",
        1,
    );
    let p = dir.join("escape.txt");
    std::fs::write(&p, text).unwrap();
    p
}

/// Markup in the report text and in a rule's message shows as text.
#[test]
fn markup_in_report_and_message_is_escaped() {
    let dir = temp_dir("escape");
    let report = escape_report(&dir);
    let out = dir.join("r.html");
    let o = gouji(&[
        "check",
        s(&report),
        "--no-default-rules",
        "--rules",
        "tests/data/html-escape-pack",
        "--output-html",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let html = std::fs::read_to_string(&out).unwrap();
    for raw in ["<script>alert", "<img src=x", "<b>不应加粗"] {
        assert!(!html.contains(raw), "{raw} unescaped");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    // Parsed: the page's own script only, no image.
    assert_eq!(count_tags(&html, "script"), 1);
    assert_eq!(count_tags(&html, "img"), 0);
    // Both findings (two matches) are there.
    assert_eq!(
        html.matches("data-rule=\"html-escape\" tabindex").count(),
        2
    );
}

/// Findings a baseline accepts are listed apart, with their reasons.
#[test]
fn baselined_findings_are_listed_apart_with_reasons() {
    let dir = temp_dir("baseline");
    let base = dir.join("baseline.toml");
    let o = gouji(&[
        "check",
        SAMPLE,
        "--write-baseline",
        s(&base),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&base).unwrap();
    let entries = text.matches("[[finding]]").count();
    assert!(entries >= 2, "{text}");
    // A reason on the first entry only.
    let text = text.replacen(
        "message = ",
        "reason = \"已向财政局说明：<原文如此>\"\nmessage = ",
        1,
    );
    std::fs::write(&base, text).unwrap();
    let out = dir.join("r.html");
    let o = gouji(&[
        "check",
        SAMPLE,
        "--baseline",
        s(&base),
        "--output-html",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains(&format!(
        "data-suppressed=\"0\" data-baselined=\"{entries}\""
    )));
    assert_eq!(
        html.matches("<article class=\"hidden-finding").count(),
        entries
    );
    assert!(html.contains("已向财政局说明：&lt;原文如此&gt;"));
    assert_eq!(html.matches("（未写理由）").count(), entries - 1);
}

/// `-o` replaces an existing file atomically and leaves no temp file; a
/// directory that does not exist is exit 2 with a message.
#[test]
fn output_file_is_written_atomically() {
    let dir = temp_dir("atomic");
    let out = dir.join("r.html");
    std::fs::write(&out, "old").unwrap();
    let o = gouji(&["check", SAMPLE, "--format", "html", "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["r.html"]);
    let missing = dir.join("no/such/dir/r.html");
    let o = gouji(&["check", SAMPLE, "--format", "html", "-o", s(&missing)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
    // -o works for the other formats too.
    let j = dir.join("r.json");
    let o = gouji(&["check", SAMPLE, "--format", "json", "-o", s(&j)]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&j).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
}

/// Several reports, one unreadable: a row each in the summary, linked to its
/// section; the verdict says tool error (exit 2).
#[test]
fn several_reports_and_an_input_error() {
    let o = gouji(&[
        "check",
        "fixtures/tables",
        "no-such-report.txt",
        "--format",
        "html",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let html = String::from_utf8(o.stdout).unwrap();
    assert!(html.contains("data-exit=\"2\""));
    let sections = html.matches("<section class=\"report\" id=\"").count();
    let fixtures = std::fs::read_dir("fixtures/tables")
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "txt")
        })
        .count();
    assert!(fixtures >= 6);
    assert_eq!(sections, fixtures + 1, "every fixture and the missing file");
    let rows = html
        .split("<table class=\"reports\"")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap();
    assert_eq!(
        rows.matches("<tr>").count(),
        1 + sections,
        "header and a row each"
    );
    for link in rows.split("href=\"#").skip(1) {
        let id = &link[..link.find('"').unwrap()];
        assert!(html.contains(&format!("<section class=\"report\" id=\"{id}\"")));
    }
    assert!(html.contains("no-such-report.txt: 无法读取（文件不存在）"));
}
