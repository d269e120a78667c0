//! Script rules (issue 4): the shipped 自评表 scripts on the sample and on
//! one-cell mutations of it, the sandbox (each misbehaving script becomes a
//! located tool error while the other rules still run), the API's reach
//! (every fact reported), and script syntax errors located in the `.rhai`.

mod common;

use common::*;
use gouji::diagnostic::{Diagnostic, Outcome, Severity};
use gouji::source::SourceFile;

use std::sync::Arc;
use std::time::{Duration, Instant};

const SCRIPT_RULES: &[&str] = &[
    "perf-deviation",
    "perf-unmet-coefficient",
    "perf-unmet-reason",
    "perf-total-score",
    "perf-weights",
    "perf-grade",
    "perf-claim-tables",
];

/// Findings (warning or error) of one rule.
fn of<'a>(diags: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diags
        .iter()
        .filter(|d| {
            d.code == code && d.outcome == Outcome::Finding && d.severity >= Severity::Warning
        })
        .collect()
}

/// The diagnostics of the shipped pack on `src`, with options of one rule
/// set as gouji.toml's `[options.RULE]` would set them.
fn check_with_options(
    src: &SourceFile,
    rule: &str,
    options: &[(&str, toml::Value)],
) -> Vec<Diagnostic> {
    let mut rules = shipped().clone();
    let r = rules.rules.iter_mut().find(|r| r.id == rule).unwrap();
    for (k, v) in options {
        r.options.insert((*k).into(), v.clone());
    }
    gouji::check::check_source(src, &rules, &gouji::config::Config::default()).diagnostics
}

fn texts(src: &SourceFile, d: &Diagnostic) -> Vec<String> {
    d.labels
        .iter()
        .map(|l| src.slice(l.span).to_owned())
        .collect()
}

/// Mutate the sample, check it, and return the one finding of `code`, its
/// labels' texts, and where the change was.
fn fire(from: &str, to: &str, code: &str) -> (SourceFile, Diagnostic, usize) {
    let (text, at) = mutate(&sample_text(), from, to, 0);
    let (src, diags) = check_text(&text);
    assert!(
        diags.iter().all(|d| d.outcome != Outcome::ToolError),
        "a script failed: {diags:#?}"
    );
    let mine = of(&diags, code);
    assert_eq!(mine.len(), 1, "{code} after {from:?} → {to:?}: {mine:#?}");
    (src, mine[0].clone(), at)
}

#[test]
fn the_sample_passes_every_script_rule_but_the_missing_table() {
    let (src, diags) = check_text(&sample_text());
    assert!(
        diags.iter().all(|d| d.outcome != Outcome::ToolError),
        "{diags:#?}"
    );
    for code in SCRIPT_RULES {
        let found = of(&diags, code);
        if *code == "perf-claim-tables" {
            // "对2个项目开展了绩效自评 … 涉及资金66.70万元", one table published.
            assert_eq!(found.len(), 1, "{found:#?}");
            let d = found[0];
            assert_eq!(d.severity, Severity::Warning);
            let at = src.text.find("对2个项目").unwrap() + "对".len();
            assert_eq!(d.labels[0].span.start as usize, at);
            assert_eq!(
                texts(&src, d),
                vec!["2个", "2024年度项目绩效自评表", "66.70万元"]
            );
        } else {
            assert!(found.is_empty(), "{code} on the sample: {found:#?}");
        }
        // None abstains: each found its inputs (the grade rule is silent
        // when no grade is stated).
        let abstained = diags
            .iter()
            .any(|d| d.code == *code && d.outcome == Outcome::NotChecked);
        assert!(!abstained, "{code} did not check the sample");
    }
}

#[test]
fn deviation_recomputed_in_the_tables_own_convention() {
    // 保证正常办公率 ≥ 90, 完成 95: the table writes |B − A| / A = 5.56%.
    let (src, d, at) = fire("\t5.56\n", "\t6.56\n", "perf-deviation");
    assert_eq!(d.labels[0].span.start as usize, at + 1);
    assert_eq!(texts(&src, &d), vec!["6.56", "90", "95", "≥"]);
    assert!(d.message.contains("5.56"), "{}", d.message);
    // The other convention (only the shortfall counts: 0 here) is accepted
    // when the whole table uses it.
    let (text, _) = mutate(&sample_text(), "\t5.56\n", "\t0\n", 0);
    let (_, diags) = check_text(&text);
    assert!(of(&diags, "perf-deviation").is_empty());
}

#[test]
fn deviation_convention_can_be_fixed_by_option() {
    let src = SourceFile::new("r.txt", sample_text(), gouji::source::Encoding::Utf8);
    let diags = check_with_options(
        &src,
        "perf-deviation",
        &[("convention", toml::Value::from("adverse"))],
    );
    let found = of(&diags, "perf-deviation");
    assert_eq!(found.len(), 1);
    assert_eq!(src.slice(found[0].labels[0].span), "5.56");
}

#[test]
fn unmet_target_with_full_coefficient() {
    // 保证正常办公率 ≥ 90 completed at 85, still 得分系数 100.
    let (src, d, at) = fire("\t95\n", "\t85\n", "perf-unmet-coefficient");
    let coefficient = src.text[at..].find("\t100\n").unwrap() + at + 1;
    assert_eq!(d.labels[0].span.start as usize, coefficient);
    assert_eq!(texts(&src, &d), vec!["100", "85", "90", "≥"]);
}

#[test]
fn unmet_target_without_a_reason() {
    let (src, d, at) = fire("\t95\n", "\t85\n", "perf-unmet-reason");
    assert_eq!(d.labels[0].span.start as usize, at + 1);
    assert_eq!(texts(&src, &d)[..2], ["85", "90"]);
    // With a reason in 说明 it passes.
    let (text, _) = mutate(&sample_text(), "\t95\n", "\t85\n", 0);
    let (text, _) = mutate(
        &text,
        "\t30\n\t30\n\t\n",
        "\t30\n\t30\n\t光纤线路改造停机两周\n",
        0,
    );
    let (_, diags) = check_text(&text);
    assert!(of(&diags, "perf-unmet-reason").is_empty());
}

#[test]
fn total_score_is_the_sum_of_the_scores() {
    // The first "\t100\n" of the sample is the 自评总分 cell.
    let (src, d, at) = fire("\t100\n", "\t99\n", "perf-total-score");
    assert_eq!(d.labels[0].span.start as usize, at + 1);
    assert_eq!(
        texts(&src, &d),
        vec!["99", "10", "10", "20", "20", "30", "10"]
    );
    assert_eq!(d.severity, Severity::Error);
}

#[test]
fn weights_add_up_to_one_hundred() {
    let (src, d, at) = fire(
        "\t5.56\n\t100\n\t30\n",
        "\t5.56\n\t100\n\t35\n",
        "perf-weights",
    );
    assert_eq!(texts(&src, &d)[0], "指标\n权重\n（分）");
    let changed = at + "\t5.56\n\t100\n\t".len();
    assert!(d.labels[1..]
        .iter()
        .any(|l| l.span.start as usize == changed));
    assert!(d.message.contains("105"), "{}", d.message);
    // The execution weight is a jurisdiction parameter: 20 is flagged with
    // the default (10) …
    let (text, _) = mutate(
        &sample_text(),
        "\t100\n\t10\n\t10\n",
        "\t100\n\t20\n\t10\n",
        0,
    );
    let (src, diags) = check_text(&text);
    let found = of(&diags, "perf-weights");
    assert!(
        found.iter().any(|d| src.slice(d.labels[0].span) == "20"),
        "{found:#?}"
    );
    // … and not once gouji.toml says so (the weights then add up to 110: still flagged).
    let diags = check_with_options(
        &src,
        "perf-weights",
        &[
            ("execution_weight", toml::Value::from(20)),
            ("total", toml::Value::from(110)),
        ],
    );
    assert!(of(&diags, "perf-weights").is_empty(), "{diags:#?}");
}

#[test]
fn stated_grade_matches_the_score() {
    let sentence = "电子政务网络光纤租赁项目自评得分100分，评价等级为良。";
    let (src, d, at) = fire(
        "3. 关于绩效自评结果的说明\n无。",
        &format!("3. 关于绩效自评结果的说明\n{sentence}"),
        "perf-grade",
    );
    let grade = at + "3. 关于绩效自评结果的说明\n".len() + sentence.find("良").unwrap();
    assert_eq!(d.labels[0].span.start as usize, grade);
    assert_eq!(texts(&src, &d), vec!["良", "100"]);
    // Bands are options: a jurisdiction whose 良 starts at 100 is satisfied.
    let bands: toml::Table =
        toml::from_str("\"优\" = 101\n\"良\" = 80\n\"中\" = 60\n\"差\" = 0").unwrap();
    let diags = check_with_options(&src, "perf-grade", &[("bands", toml::Value::from(bands))]);
    assert!(of(&diags, "perf-grade").is_empty(), "{diags:#?}");
}

#[test]
fn claimed_money_agrees_with_the_tables() {
    let claim = "对2个项目开展了绩效自评，其中，以填报目标自评表形式开展自评2项，涉及资金66.70万元";
    let one = "对1个项目开展了绩效自评，其中，以填报目标自评表形式开展自评1项，涉及资金50.70万元";
    let (text, _) = mutate(&sample_text(), claim, one, 0);
    let (_, diags) = check_text(&text);
    assert!(of(&diags, "perf-claim-tables").is_empty(), "{diags:#?}");
    // The table's 全年执行数 / 全年预算数 / 年初预算数 are 50.7 / 50.7 / 51.34.
    let (text, at) = mutate(&text, "涉及资金50.70万元", "涉及资金60.70万元", 0);
    let (src, diags) = check_text(&text);
    let found = of(&diags, "perf-claim-tables");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].labels[0].span.start as usize,
        at + "涉及资金".len()
    );
    assert_eq!(src.slice(found[0].labels[0].span), "60.70万元");
    // 项目支出 66.70 is not the money of the performance projects (PERF-19).
    assert!(!found[0].message.contains("项目支出"));
}

// ---------------------------------------------------------------------------
// The sandbox
// ---------------------------------------------------------------------------

#[test]
fn misbehaving_scripts_become_located_tool_errors() {
    let o = gouji(&[
        "check",
        SAMPLE,
        "--rules",
        "tests/data/script-sandbox",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let diags = out["diagnostics"].as_array().unwrap();
    let expect = [
        ("sandbox-loop", "loop.rhai:4:", "operation limit"),
        (
            "sandbox-recursion",
            "recursion.rhai:5:1",
            "nested too deeply",
        ),
        ("sandbox-huge-string", "huge_string.rhai:4:", "size limit"),
        (
            "sandbox-undefined-function",
            "undefined_function.rhai:2:13",
            "no_such_function",
        ),
        ("sandbox-eval", "eval.rhai:3:9", "eval"),
        (
            "sandbox-import-outside",
            "import_outside.rhai:3:",
            "import denied",
        ),
        (
            "sandbox-api-misuse",
            "api_misuse.rhai:2:",
            "`primary` must be",
        ),
        ("sandbox-huge-array", "huge_array.rhai:4:", "size limit"),
        // No file or process functions exist in the sandbox.
        ("sandbox-file-access", "file_access.rhai:2:", "open_file"),
        (
            "sandbox-process",
            "process.rhai:2:",
            "function not found: system",
        ),
        // A shadowed built-in that never returns is still stopped.
        (
            "sandbox-override-builtin",
            "override_builtin.rhai:",
            "operation limit",
        ),
    ];
    for (code, at, what) in expect {
        let d = diags
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no diagnostic of {code}"));
        assert_eq!(d["outcome"], "tool-error", "{d}");
        assert_eq!(d["severity"], "error");
        let msg = d["message"].as_str().unwrap();
        assert!(
            msg.contains(&format!("tests/data/script-sandbox/{at}")),
            "{code}: {msg}"
        );
        assert!(msg.contains(what), "{code}: {msg}");
    }
    // The other rules still ran: the shipped pack's findings and a script
    // that imports a module of its own pack.
    for code in [
        "heading-numbering",
        "conversion-debris",
        "perf-claim-tables",
        "sandbox-import-inside",
    ] {
        assert!(
            diags
                .iter()
                .any(|d| d["code"] == code && d["outcome"] == "finding"),
            "{code}"
        );
    }
    // print goes to stderr with the rule and the position, never to stdout.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("sandbox-import-inside: tests/data/script-sandbox/import_inside.rhai:4:1: print: 项目数：1"),
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&o.stdout).contains("项目数："));
}

#[test]
fn an_endless_loop_is_stopped_within_a_second() {
    let files = gouji::rule::pack_files(std::path::Path::new("tests/data/script-sandbox")).unwrap();
    let rules = gouji::rule::compile(&files).unwrap();
    let rule = rules.get("sandbox-loop").unwrap();
    let text: Arc<str> = sample_text().into();
    let doc = Arc::new(gouji::document::parse(&text));
    let t = Instant::now();
    let r = gouji::rule::run(rule, &doc, &text);
    let took = t.elapsed();
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(r.diagnostics[0].outcome, Outcome::ToolError);
    eprintln!("endless loop stopped after {took:?}");
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

/// The diagnostics of rule `code` from a test pack alone, run on the sample.
fn pack_diagnostics(pack: &str, code: &str) -> Vec<serde_json::Value> {
    let o = gouji(&[
        "check",
        SAMPLE,
        "--rules",
        pack,
        "--no-default-rules",
        "--format",
        "json",
    ]);
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .cloned()
        .collect()
}

#[test]
fn a_script_can_report_every_fact() {
    let reported = pack_diagnostics("tests/data/script-pack", "report-every-fact").len();
    let dump = gouji(&["dump", SAMPLE]);
    let dump: serde_json::Value = serde_json::from_slice(&dump.stdout).unwrap();
    let facts = dump["facts"].as_array().unwrap().len();
    assert!(facts > 100);
    assert_eq!(reported, facts);
}

// ---------------------------------------------------------------------------
// Load errors
// ---------------------------------------------------------------------------

fn load_error(dir: &str) -> String {
    let o = gouji(&["check", SAMPLE, "--rules", dir, "--no-default-rules"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "no report may be checked");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn script_syntax_error_is_located_in_the_script() {
    let err = load_error("tests/data/broken/script-syntax");
    // Line 3, column 29 (in characters: the CJK text before counts one each).
    assert!(
        err.starts_with("tests/data/broken/script-syntax/broken.rhai:3:29: error:"),
        "{err}"
    );
    insta::assert_snapshot!("script-syntax", err);
}

#[test]
fn missing_script_is_located_in_the_rule_file() {
    let err = load_error("tests/data/broken/script-missing");
    assert!(
        err.contains("rules.toml:6:10: error: cannot read script"),
        "{err}"
    );
    assert!(err.contains("a `script` rule needs `script`"), "{err}");
    insta::assert_snapshot!("script-missing", err);
}

// ---------------------------------------------------------------------------
// Documentation
// ---------------------------------------------------------------------------

/// Names in docs/gouji.d.rhai: `fn name(`, `fn get name(` (as `get$name`), `op x(`.
fn documented_names() -> std::collections::BTreeSet<String> {
    let defs = std::fs::read_to_string("docs/gouji.d.rhai").unwrap();
    let mut out = std::collections::BTreeSet::new();
    for line in defs.lines() {
        let (rest, prefix) = if let Some(r) = line.strip_prefix("fn get ") {
            (r, "get$")
        } else if let Some(r) = line
            .strip_prefix("fn ")
            .or_else(|| line.strip_prefix("op "))
        {
            (r, "")
        } else {
            continue;
        };
        let name = &rest[..rest.find('(').unwrap()];
        out.insert(format!("{prefix}{name}"));
    }
    out
}

#[test]
fn definitions_file_matches_the_engine() {
    let engine = gouji::rule::script::new_engine();
    let registered: std::collections::BTreeSet<String> = engine
        .gen_fn_signatures(false)
        .iter()
        .map(|s| s[..s.find('(').unwrap()].to_owned())
        .collect();
    let documented = documented_names();
    for d in &documented {
        assert!(
            registered.contains(d),
            "{d} is in docs/gouji.d.rhai but not registered"
        );
    }
    // The sandbox's own (print routed to the log, sleep shadowed), display
    // conversions and the row indexer are not API functions.
    let internal = [
        "print",
        "debug",
        "sleep",
        "to_string",
        "to_debug",
        "index$get$",
    ];
    for r in &registered {
        if internal.contains(&r.as_str()) || !r.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        assert!(
            documented.contains(r),
            "{r} is registered but not in docs/gouji.d.rhai"
        );
    }
}

#[test]
fn readme_example_is_the_tested_pack() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let a = readme.find("<!-- script-rules:start -->").unwrap();
    let b = readme.find("<!-- script-rules:end -->").unwrap();
    let section = &readme[a..b];
    let toml = std::fs::read_to_string("tests/data/readme-script/rules.toml").unwrap();
    let rhai = std::fs::read_to_string("tests/data/readme-script/overspent.rhai").unwrap();
    assert!(
        section.contains(&format!("# my-pack/rules.toml\n{}\n```", toml.trim_end())),
        "README's rules.toml differs from tests/data/readme-script"
    );
    assert!(
        section.contains(&format!(
            "// my-pack/overspent.rhai\n{}\n```",
            rhai.trim_end()
        )),
        "README's overspent.rhai differs from tests/data/readme-script"
    );
    let rules = gouji::rule::compile(
        &gouji::rule::pack_files(std::path::Path::new("tests/data/readme-script")).unwrap(),
    )
    .unwrap();
    let reports = gouji::testing::run_all(&rules);
    assert!(
        reports.iter().all(|r| r.passed() && r.cases.len() == 2),
        "{reports:#?}"
    );
}

/// Scripts run on the calling thread (a rayon worker has 2 MiB of stack).
/// The deepest nesting the limits allow — 32 script calls, each nested to
/// the maximal expression depth with blocks, parentheses, branches, calls,
/// closures or method chains — needs up to ~2 MiB in a debug build: the
/// watchdog stops each at 1 MiB with a located error instead of a crash.
#[test]
fn the_deepest_script_fits_in_a_worker_stack() {
    let dir = tempfile::tempdir().unwrap();
    let nest = |open: &str, close: &str, n: usize| {
        format!("{}f(n + 1){}", open.repeat(n), close.repeat(n))
    };
    let bodies = [
        ("block", nest("{ let y = 1; ", " }", 12)),
        ("paren", nest("(1 + ", ")", 12)),
        ("branch", nest("if n >= 0 { ", " } else { 0 }", 8)),
        ("call", nest("abs(", ")", 12)),
        ("closure", nest("[1].map(|x| ", ")[0]", 4)),
        ("method", nest("exact(", ").abs()", 12)),
    ];
    let mut toml = String::new();
    for (name, body) in &bodies {
        std::fs::write(
            dir.path().join(format!("{name}.rhai")),
            format!("fn f(n) {{ {body} }}\nf(0);\n"),
        )
        .unwrap();
        toml.push_str(&format!(
            "[[rule]]\nid = \"deep-{name}\"\nkind = \"script\"\nseverity = \"info\"\nmessage = \"-\"\nscript = \"{name}.rhai\"\n\n"
        ));
    }
    std::fs::write(dir.path().join("rules.toml"), toml).unwrap();
    let rules = gouji::rule::compile(&gouji::rule::pack_files(dir.path()).unwrap()).unwrap();
    let text: Arc<str> = sample_text().into();
    let doc = Arc::new(gouji::document::parse(&text));
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn_scoped(s, || {
                for rule in &rules.rules {
                    let r = gouji::rule::run(rule, &doc, &text);
                    assert_eq!(r.diagnostics.len(), 1, "{}", rule.id);
                    let d = &r.diagnostics[0];
                    assert_eq!(d.outcome, Outcome::ToolError);
                    assert!(
                        d.message.contains("nested too deeply"),
                        "{}: {}",
                        rule.id,
                        d.message
                    );
                }
            })
            .unwrap()
            .join()
            .unwrap();
    });
}

/// perf-low-execution: 76% is below the default 90% and has no reason; a
/// jurisdiction whose threshold is 70 (or that switches the rule off with
/// `threshold = false`) gets no finding. The reason, once written, silences it.
#[test]
fn low_execution_threshold_is_an_option() {
    let text = std::fs::read_to_string("fixtures/perf/low_execution.txt").unwrap();
    let (src, diags) = check_text(&text);
    let found = of(&diags, "perf-low-execution");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(src.slice(found[0].labels[0].span), "76.00");
    for threshold in [toml::Value::from(70), toml::Value::from(false)] {
        let diags = check_with_options(
            &src,
            "perf-low-execution",
            &[("threshold", threshold.clone())],
        );
        assert!(
            of(&diags, "perf-low-execution").is_empty(),
            "{threshold}: {diags:#?}"
        );
    }
    let explained = text.replace(
        "| 76.00% |  |",
        "| 76.00% | 执行率偏低的原因是设备采购合同尾款未到支付节点 |",
    );
    let (_, diags) = check_text(&explained);
    assert!(of(&diags, "perf-low-execution").is_empty(), "{diags:#?}");
}

/// perf-qualitative-band: 部分达成 scored 100% is outside 60–80%; the bands
/// are an option, and a jurisdiction's own bands are what the rule applies.
#[test]
fn qualitative_bands_are_an_option() {
    let text = std::fs::read_to_string("fixtures/perf/qualitative_band.txt").unwrap();
    let (src, diags) = check_text(&text);
    let found = of(&diags, "perf-qualitative-band");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(src.slice(found[0].labels[0].span), "100");
    assert_eq!(src.slice(found[0].labels[1].span), "部分达成");
    let bands: toml::Table =
        toml::from_str("\"达成\" = [80, 100]\n\"部分达成\" = [50, 100]\n\"未达成\" = [0, 50]")
            .unwrap();
    let diags = check_with_options(
        &src,
        "perf-qualitative-band",
        &[("bands", toml::Value::from(bands))],
    );
    assert!(of(&diags, "perf-qualitative-band").is_empty(), "{diags:#?}");
}

/// `show(dp)` writes the places asked for, as the figures beside it are
/// printed (128.50, not 128.5), and rounds half away from zero.
#[test]
fn show_writes_the_places_asked_for() {
    let found = pack_diagnostics("tests/data/show-pack", "show-places");
    let messages: Vec<&str> = found.iter().filter_map(|d| d["message"].as_str()).collect();
    assert_eq!(messages, vec!["128.50|100.00|5.56|7"]);
}
