//! The shipped pack on the six real published reports in ../shared/corpus:
//! every warning or error must be a real defect of the report, confirmed by
//! hand and listed here with the evidence. A new finding that is not listed
//! fails this test: it is either a real defect to add here (with evidence) or
//! a false alarm to fix.
//!
//! The corpus lives beside the crate, not in it: without the folder these
//! tests skip with a message, so the crate stays testable on its own.

mod common;

use common::{corpus_present, CORPUS};

use gouji::diagnostic::{Outcome, Severity};
use gouji::source::SourceFile;

/// (report, rule, line, labelled text): confirmed real defects.
const CONFIRMED: &[(&str, &str, u32, &str)] = &[
    // The body's part-2 heading is printed as "上海市规划和自然资源局 2024 年度部门决算表"
    // without "第二部分" (the TOC has it), so the body goes 第一部分 → 第三部分.
    (
        "pt_ghzyj_2024_final_dept",
        "heading-numbering",
        578,
        "第三部分",
    ),
    // "与 2023 年度相比，一般公共预算财政拨款支出增加 1193.20 万元，增长 13.95。" — the % is missing.
    (
        "pt_ghzyj_2024_final_dept",
        "percent-sign-missing",
        627,
        "增长 13.95。",
    ),
    // "减少 0.15 万元，下降（增长）27.78%" — the template's alternative left in.
    (
        "pt_ghzyj_2024_final_dept",
        "template-residue",
        825,
        "下降（增长）",
    ),
    // As in ghzyj: the tables part has no "第二部分" heading in the body.
    (
        "pt_shgzb_2024_final_dept",
        "heading-numbering",
        433,
        "第三部分",
    ),
    (
        "template_2024_final_dept",
        "heading-numbering",
        371,
        "第三部分",
    ),
    // Item 11 names 2200199 by its pre-2019 name 其他国土资源事务支出 (now 其他自然资源事务支出).
    (
        "pt_ghzyj_2024_final_dept",
        "renamed-subject",
        755,
        "其\n\n他国土资源事务支出",
    ),
    // "年初预算为 0 万元，全年预算为 321.02 万元，支出决算为 307.82 万元，完成年初预算的
    // 95.89%": 307.82 ÷ 321.02 = 95.89%, a rate on the 全年 budget named 年初 (RSN-06/07).
    (
        "pt_shgzb_2024_final_dept",
        "completion-rate-basis",
        490,
        "95.89%",
    ),
    // One figure printed two ways at the same precision: the 收入支出决算总表 has
    // 卫生健康支出 236.63 and 城乡社区支出 3845.25, the 支出决算表 236.64 and
    // 3845.24; the 财政拨款收入支出决算总表 236.63 against 236.64 in the
    // 一般公共预算财政拨款支出决算表. The rounding intervals touch, the digits differ.
    (
        "pt_ghzyj_2024_final_dept",
        "cross-final-classes",
        201,
        "236.63",
    ),
    (
        "pt_ghzyj_2024_final_dept",
        "cross-final-classes",
        203,
        "3845.25",
    ),
    (
        "pt_ghzyj_2024_final_dept",
        "cross-final-classes",
        357,
        "236.63",
    ),
    // The prose restates 卫生健康支出 as 236.63 万元; T5 prints 236.64.
    (
        "pt_ghzyj_2024_final_dept",
        "prose-item-amounts",
        639,
        "236.63 万元",
    ),
    // Item 7 of 主要职能 ends "…实行跟踪监督" with no 。 before item 8 (the other items have it).
    (
        "pt_ghzyj_2024_final_dept",
        "sentence-end-missing",
        114,
        "督",
    ),
    // "平均得分99.33分（其中，绩效评级为“优”的项目39个；…“不合格”的项目0个。绩效自评中共发现
    // 问题0个。": the （ opened before 其中 is never closed.
    ("pt_ghzyj_2024_final_dept", "unbalanced-brackets", 903, "（"),
    // The template's unit list ends with placeholder rows "4 。 / 。。" … "8 。 / 。。":
    // residue a report made from it must delete.
    (
        "template_2024_final_dept",
        "doubled-punctuation",
        84,
        "。。",
    ),
    (
        "template_2024_final_dept",
        "doubled-punctuation",
        87,
        "。。",
    ),
    (
        "template_2024_final_dept",
        "doubled-punctuation",
        90,
        "。。",
    ),
    (
        "template_2024_final_dept",
        "doubled-punctuation",
        93,
        "。。",
    ),
    (
        "template_2024_final_dept",
        "doubled-punctuation",
        96,
        "。。",
    ),
    // Item 31: "…住房公积金（项）”350.35万元 … 2023年当年预算执行数为348.52万元，2024年预算安排
    // 352.67万元，比2023年预算执行数增加0.53%". 348.52 → 352.67 is +1.19%; 0.53% is what
    // 350.35 (the item's amount two sentences earlier) gives: the two 2024 figures disagree.
    ("pt_wanli_2024_budget_dept", "growth-rate", 176, "0.53%"),
    // Table rules (rules/tables.toml; details and PDF pages in tests/corpus_tables.rs).
    // PDF p.7: the tables part is headed with the municipal bureau's name, 普陀区 left out.
    (
        "pt_ghzyj_2024_final_dept",
        "unit-name",
        188,
        "上海市规划和自然资源局",
    ),
    // Items named in prose that T5 does not have: item 5's 项 (T5 2080599 is
    // 其他行政事业单位养老支出); item 11's pre-2019 name for 2200199 其他自然资源事务支出;
    // items 12–13 give the 款 as 住房保障支出 (T5 22102 住房改革支出).
    (
        "pt_ghzyj_2024_final_dept",
        "prose-item-names",
        694,
        "机关事业单位退休人员活动费支出",
    ),
    (
        "pt_ghzyj_2024_final_dept",
        "prose-item-names",
        755,
        "其\n\n他国土资源事务支出",
    ),
    (
        "pt_ghzyj_2024_final_dept",
        "prose-item-names",
        763,
        "住房保障支出",
    ),
    (
        "pt_ghzyj_2024_final_dept",
        "prose-item-names",
        774,
        "住房保障支出",
    ),
    // "一般公共预算财政拨款基本支出 5377.64 万元。其中：人员经费 4896.98 万元": T5 基本支出
    // 5364.75 and T6 人员经费合计 4884.09; 5377.64 is T3's 基本支出 of all funds.
    (
        "pt_ghzyj_2024_final_dept",
        "prose-final-figures",
        785,
        "5377.64 万元",
    ),
    (
        "pt_ghzyj_2024_final_dept",
        "prose-final-figures",
        787,
        "4896.98 万元",
    ),
    // "规划与自然资源局" for "规划和自然资源局" in sections 七–九.
    (
        "pt_ghzyj_2024_final_dept",
        "unit-name",
        855,
        "上海市普陀区规划与自然资源局",
    ),
    (
        "pt_ghzyj_2024_final_dept",
        "unit-name",
        870,
        "上海市普陀区规划与自然资源局",
    ),
    (
        "pt_ghzyj_2024_final_dept",
        "unit-name",
        876,
        "上海市普陀区规划与自然资源局",
    ),
    // Item 31's 预算安排 352.67 against the table's 3,503,499 元 = 350.35 万元 (the
    // same defect as the growth-rate finding above, seen against the table).
    (
        "pt_wanli_2024_budget_dept",
        "prose-item-amounts",
        176,
        "352.67万元",
    ),
    // PDF p.31: the 三公 table carries 47.91 万元 etc., its note says it is empty.
    (
        "pt_wanli_2024_budget_dept",
        "empty-table-statement",
        794,
        "注:本部门2024年无“三公”经费和机关运行经费预算，故本表为空表。",
    ),
];

/// Whether ../shared/corpus is there; says so on stderr when it is not.
fn findings(name: &str) -> Vec<(String, u32, String)> {
    let path = format!("{CORPUS}/{name}.layout.txt");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let src = SourceFile::from_bytes(path, &bytes, None).unwrap();
    let diags =
        gouji::check::check_source(&src, common::shipped(), &gouji::config::Config::default())
            .diagnostics;
    diags
        .iter()
        .filter(|d| d.outcome == Outcome::Finding && d.severity >= Severity::Warning)
        .map(|d| {
            let span = d.labels[0].span;
            (
                d.code.clone(),
                src.line_col(span.start).line,
                src.slice(span).to_owned(),
            )
        })
        .collect()
}

fn check_report(name: &str) {
    if !corpus_present() {
        return;
    }
    let found = findings(name);
    let mut unexpected = Vec::new();
    for (code, line, text) in &found {
        // The blank template is full of placeholders: one finding says so
        // (asserted in blank_template_raises_only_template_findings).
        if name == "template_2024_final_dept" && code == "template-residue" {
            continue;
        }
        if !CONFIRMED
            .iter()
            .any(|c| c.0 == name && c.1 == code && c.2 == *line && c.3 == text)
        {
            unexpected.push(format!("{code} at line {line}: {text:?}"));
        }
    }
    assert!(
        unexpected.is_empty(),
        "{name}: findings not confirmed as real defects:\n{}",
        unexpected.join("\n")
    );
    for c in CONFIRMED.iter().filter(|c| c.0 == name) {
        assert!(
            found.iter().any(|f| f.0 == c.1 && f.1 == c.2 && f.2 == c.3),
            "{name}: the confirmed defect {} at line {} is no longer found",
            c.1,
            c.2
        );
    }
}

#[test]
fn ghzyj_final_accounts() {
    check_report("pt_ghzyj_2024_final_dept");
}

#[test]
fn shgzb_final_accounts() {
    check_report("pt_shgzb_2024_final_dept");
}

#[test]
fn qfb_budget() {
    check_report("pt_qfb_2025_budget_dept");
}

#[test]
fn sww_budget() {
    check_report("pt_sww_2025_budget_dept");
}

#[test]
fn wanli_budget() {
    check_report("pt_wanli_2024_budget_dept");
}

#[test]
fn blank_template_raises_only_template_findings() {
    if !corpus_present() {
        return;
    }
    check_report("template_2024_final_dept");
    let found = findings("template_2024_final_dept");
    // Its ~200 placeholders are one finding, not one each (issue 13 item 4).
    let residue: Vec<_> = found.iter().filter(|f| f.0 == "template-residue").collect();
    assert_eq!(residue.len(), 1, "{residue:?}");
    // No arithmetic finding: the template has no figures.
    for (code, ..) in &found {
        assert!(
            !code.starts_with("sum-") && !code.starts_with("share") && !code.starts_with("growth"),
            "{code}"
        );
    }
}
