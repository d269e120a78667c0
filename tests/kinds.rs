//! Document forms (issue 12, item 5): the short documents of other forms in
//! fixtures/kinds/ are recognised as what they are and get no structural
//! finding (and no error or warning at all); forced to 公开说明 with
//! `--kind`, the same documents do get the structural findings, so the
//! abstention is what keeps them clean. The corpus reports and the repo's
//! fixtures are recognised as 公开说明.

mod common;

use common::{corpus_present, shipped, CORPUS};
use gouji::check::check_source;
use gouji::config::Config;
use gouji::diagnostic::{Outcome, Severity};
use gouji::document::DocumentForm;
use gouji::source::{Encoding, SourceFile};
use std::path::Path;
use std::process::Command;

/// The rules that judge a report's completeness and layout: required
/// sections, the 三公 items, the standard tables, contents ↔ body, heading
/// numbers.
const STRUCTURAL: &[&str] = &[
    "require-sangong-section",
    "require-operating-costs",
    "require-glossary",
    "require-procurement",
    "require-assets",
    "require-performance",
    "sangong-item-abroad",
    "sangong-item-purchase",
    "sangong-item-operation",
    "sangong-item-reception",
    "sangong-physical-vehicles",
    "sangong-physical-reception",
    "sangong-physical-abroad",
    "required-tables",
    "toc-body",
    "heading-numbering",
];

const FIXTURES: &[(&str, DocumentForm)] = &[
    ("sangong_statement.txt", DocumentForm::SanGong),
    ("perf_self_eval_table.txt", DocumentForm::SelfEvaluation),
    ("perf_self_eval_report.txt", DocumentForm::SelfEvaluation),
    ("government_final.txt", DocumentForm::Government),
    ("toc_page.txt", DocumentForm::Tables),
    ("chapter.txt", DocumentForm::Chapter),
    ("misleading_title.txt", DocumentForm::Chapter),
];

fn read(path: &Path) -> SourceFile {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = gouji::input::text::decode(&bytes, None).unwrap().text;
    SourceFile::new(path.display().to_string(), text, Encoding::Utf8)
}

/// (form, reason, findings as `code: text`) of a file checked with the
/// shipped pack, with `kinds` forced.
fn check(path: &Path, kinds: &[&str]) -> (DocumentForm, String, Vec<(String, Severity)>) {
    let src = read(path);
    let config = Config {
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        kinds_from: "--kind",
        ..Config::default()
    };
    let r = check_source(&src, shipped(), &config);
    let findings = r
        .diagnostics
        .iter()
        .filter(|d| d.outcome == Outcome::Finding)
        .map(|d| {
            let text = d.primary_span().map(|s| src.slice(s)).unwrap_or("");
            (format!("{}: {text}", d.code), d.severity)
        })
        .collect();
    (r.document.kind.form, r.document.kind.reason, findings)
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/kinds")
        .join(name)
}

#[test]
fn every_fixture_of_another_form_is_recognised_and_gets_no_structural_finding() {
    for &(name, want) in FIXTURES {
        let (form, reason, findings) = check(&fixture(name), &[]);
        assert_eq!(form, want, "{name}: {reason}");
        assert!(!reason.is_empty(), "{name}: a form comes with its reason");
        let structural: Vec<&String> = findings
            .iter()
            .map(|(f, _)| f)
            .filter(|f| STRUCTURAL.iter().any(|id| f.starts_with(&format!("{id}:"))))
            .collect();
        assert!(structural.is_empty(), "{name}: {structural:?}");
        // The fixtures are consistent: nothing else is flagged either.
        let serious: Vec<&(String, Severity)> = findings
            .iter()
            .filter(|(_, s)| *s >= Severity::Warning)
            .collect();
        assert!(serious.is_empty(), "{name}: {serious:?}");
    }
}

#[test]
fn the_fixture_set_is_complete() {
    // Every file in fixtures/kinds is listed above with its form.
    let mut names: Vec<String> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|f| f.0.to_owned()).collect();
    listed.sort();
    assert_eq!(names, listed);
}

#[test]
fn forced_to_a_disclosure_the_same_documents_get_structural_findings() {
    // What the abstention saves them from: judged as a complete 公开说明,
    // each is missing its parts.
    for &(name, _) in FIXTURES {
        let (form, reason, findings) = check(&fixture(name), &["公开说明"]);
        assert_eq!(form, DocumentForm::Disclosure);
        assert!(reason.contains("--kind"), "{reason}");
        assert!(
            findings
                .iter()
                .any(|(f, _)| STRUCTURAL.iter().any(|id| f.starts_with(&format!("{id}:")))),
            "{name}: {findings:?}"
        );
    }
}

#[test]
fn the_misleading_title_is_seen_through() {
    let (form, reason, _) = check(&fixture("misleading_title.txt"), &[]);
    assert_eq!(form, DocumentForm::Chapter);
    // The reason names both what the title claims and what the body shows.
    assert!(
        reason.contains("部门决算公开说明") && reason.contains("七、"),
        "{reason}"
    );
}

#[test]
fn the_repo_fixtures_are_disclosures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["fixtures", "fixtures/tables"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                paths.push(p);
            }
        }
    }
    assert!(paths.len() >= 15);
    for p in paths {
        let (form, reason, _) = check(&p, &[]);
        assert_eq!(form, DocumentForm::Disclosure, "{}: {reason}", p.display());
    }
}

#[test]
fn the_corpus_reports_are_disclosures() {
    if !corpus_present() {
        return;
    }
    let mut n = 0;
    for e in std::fs::read_dir(CORPUS).unwrap() {
        let p = e.unwrap().path();
        if p.to_string_lossy().ends_with(".layout.txt") {
            let (form, reason, _) = check(&p, &[]);
            assert_eq!(form, DocumentForm::Disclosure, "{}: {reason}", p.display());
            n += 1;
        }
    }
    assert_eq!(n, 7);
}

// ---------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------

fn gouji(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("gouji runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).expect("JSON output")
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["outcome"] == "finding")
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_output_says_which_kind_was_assumed_and_why() {
    let path = "fixtures/kinds/chapter.txt";
    let (code, out, _) = gouji(&["check", path]);
    assert_eq!(code, 0);
    let line = out.lines().next().unwrap();
    assert!(
        line.starts_with("fixtures/kinds/chapter.txt: 文档类型：章节（依据："),
        "{line}"
    );
    let (_, out, _) = gouji(&["check", path, "--format", "json"]);
    let v = json(&out);
    let kind = &v["files"][0]["kind"];
    assert_eq!(kind["form"], "章节");
    assert!(kind["reason"].as_str().unwrap().contains("二、"), "{kind}");
    for key in ["stage", "scope", "year"] {
        assert!(kind.get(key).is_some(), "{key} in {kind}");
    }
    let (_, out, _) = gouji(&["dump", path]);
    assert_eq!(json(&out)["kind"]["form"], "章节");
}

#[test]
fn kind_flag_takes_the_forms() {
    let path = "fixtures/kinds/sangong_statement.txt";
    let (_, out, _) = gouji(&["check", path, "--format", "json"]);
    let v = json(&out);
    assert_eq!(v["files"][0]["kind"]["form"], "三公经费说明");
    assert!(!codes(&v).iter().any(|c| c == "require-glossary"));
    // Forced to a 公开说明: the structural rules run, and the output says so.
    let (code, out, _) = gouji(&[
        "check",
        path,
        "--format",
        "json",
        "--kind",
        "公开说明,决算",
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, 0);
    let v = json(&out);
    let kind = &v["files"][0]["kind"];
    assert_eq!(kind["form"], "公开说明");
    assert_eq!(kind["stage"], "决算");
    let reason = kind["reason"].as_str().unwrap();
    assert!(
        reason.contains("--kind") && reason.contains("三公经费说明"),
        "{reason}"
    );
    assert!(codes(&v).iter().any(|c| c == "require-glossary"));
    // A word that names no kind is refused (exit 2).
    let (code, _, err) = gouji(&["check", path, "--kind", "公开"]);
    assert_eq!(code, 2);
    assert!(err.contains("公开说明"), "{err}");
}

#[test]
fn config_kind_applies_and_a_bad_word_is_located() {
    let dir = std::env::temp_dir().join(format!("gouji-kinds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/kinds/toc_page.txt");
    let cfg = dir.join("gouji.toml");
    std::fs::write(&cfg, "kind = [\"公开说明\"]\n").unwrap();
    let (_, out, err) = gouji(&[
        "check",
        report.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    let v = json(&out);
    assert_eq!(v["files"][0]["kind"]["form"], "公开说明", "{err}");
    assert!(v["files"][0]["kind"]["reason"]
        .as_str()
        .unwrap()
        .contains("gouji.toml"));
    // --kind replaces the config's kind.
    let (_, out, _) = gouji(&[
        "check",
        report.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--format",
        "json",
        "--kind",
        "表格",
    ]);
    assert_eq!(json(&out)["files"][0]["kind"]["form"], "表格");
    std::fs::write(&cfg, "select = []\nkind = \"公开\"\n").unwrap();
    let (code, out, err) = gouji(&[
        "check",
        report.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("gouji.toml:2:8"), "{err}");
    assert!(err.contains("unknown document kind `公开`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------
// Generated variations of the real reports
// ---------------------------------------------------------------------------

/// The corpus reports and the repo's 公开说明 fixtures, as (name, text).
fn disclosures() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![
        root.join("fixtures/jiangjin_egov_2024_final.txt"),
        root.join("fixtures/tables/final_ok.txt"),
        root.join("fixtures/tables/budget_ok.txt"),
    ];
    if Path::new(CORPUS).is_dir() {
        for e in std::fs::read_dir(CORPUS).unwrap() {
            let p = e.unwrap().path();
            if p.to_string_lossy().ends_with(".layout.txt") {
                paths.push(p);
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .map(|p| (p.display().to_string(), read(p).text))
        .collect()
}

/// Where the cover ends: the contents' title, else the first heading.
fn cover_end(text: &str) -> usize {
    let doc = gouji::document::parse(text);
    let first_heading = doc
        .headings
        .first()
        .map_or(text.len(), |h| h.span.start as usize);
    match text
        .find("目   录")
        .or(text.find("目 录"))
        .or(text.find("目录"))
    {
        Some(at) if at < first_heading => text[..at].rfind('\n').map_or(0, |n| n + 1),
        _ => text[..first_heading].rfind('\n').map_or(0, |n| n + 1),
    }
}

#[test]
fn a_disclosure_without_its_cover_title_is_still_recognised_by_its_structure() {
    for (name, text) in disclosures() {
        let body = &text[cover_end(&text)..];
        let doc = gouji::document::parse(body);
        assert_eq!(
            doc.kind.form,
            DocumentForm::Disclosure,
            "{name}: {}",
            doc.kind.reason
        );
        assert!(
            doc.kind.reason.contains("按结构"),
            "{name}: {}",
            doc.kind.reason
        );
    }
}

#[test]
fn a_part_cut_from_a_disclosure_is_never_taken_for_a_whole_one() {
    // Every top-level part after the 概况, on its own and under the report's
    // own cover title (a misleading title), as a reader might publish or
    // paste it: never a 公开说明, so no structural rule runs on it.
    let overview = regex::Regex::new("概况|职能|机构设置|单位构成|基本情况").unwrap();
    let mut cuts = 0;
    let mut forms = std::collections::BTreeMap::<&str, usize>::new();
    for (name, text) in disclosures() {
        let doc = gouji::document::parse(&text);
        let cover = &text[..cover_end(&text)];
        let starts: Vec<(usize, String)> = doc
            .sections
            .iter()
            .filter(|s| s.level == 1 && !overview.is_match(&s.title))
            .filter_map(|s| {
                s.heading
                    .map(|h| (doc.headings[h].span.start as usize, s.title.clone()))
            })
            .collect();
        for (at, title) in starts {
            let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            let part = &text[line_start..];
            for variant in [part.to_owned(), format!("{cover}{part}")] {
                let d = gouji::document::parse(&variant);
                assert_ne!(
                    d.kind.form,
                    DocumentForm::Disclosure,
                    "{name}, from “{title}”: {}",
                    d.kind.reason
                );
                cuts += 1;
                *forms.entry(d.kind.form.as_str()).or_default() += 1;
            }
        }
    }
    // Each report has several parts after its 概况.
    assert!(cuts >= 20, "only {cuts} cuts");
    eprintln!("{cuts} parts cut from the reports, none taken for a 公开说明: {forms:?}");
}

#[test]
fn scripts_read_the_form() {
    // A script rule that says which form it saw, on the first section.
    let dir = std::env::temp_dir().join(format!("gouji-kinds-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("rules.toml"),
        "[[rule]]\nid = \"form-seen\"\nkind = \"script\"\nseverity = \"info\"\nmessage = \"{form}\"\nscript = \"form.rhai\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("form.rhai"),
        "report(doc.sections()[1], \"文档类型 \" + doc.form);\n",
    )
    .unwrap();
    let (code, out, err) = gouji(&[
        "check",
        "fixtures/kinds/chapter.txt",
        "--no-default-rules",
        "--rules",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let messages: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "form-seen")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages, vec!["文档类型 章节"], "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
