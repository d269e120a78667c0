//! Each identity that holds in the sample (../shared/DOMAIN.md, "What holds
//! in the sample"): change one figure and the right rule fires, its primary
//! label on the changed figure or on the figure it must agree with, and
//! secondary labels on the others. The unchanged sample raises no error.

mod common;

use common::*;
use gouji::diagnostic::{Diagnostic, Severity};
use gouji::source::SourceFile;

/// Mutate, check, and return the diagnostics of `code`.
fn fire(from: &str, to: &str, nth: usize, code: &str) -> (SourceFile, Vec<Diagnostic>, usize) {
    let (text, at) = mutate(&sample_text(), from, to, nth);
    let (src, diags) = check_text(&text);
    let mine: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| d.code == code && d.severity >= Severity::Warning)
        .collect();
    assert!(!mine.is_empty(), "{code} did not fire after {from} → {to}");
    (src, mine, at)
}

/// The text a label covers.
fn texts(src: &SourceFile, d: &Diagnostic) -> Vec<String> {
    d.labels
        .iter()
        .map(|l| src.slice(l.span).to_owned())
        .collect()
}

fn changed_span(d: &Diagnostic, at: usize, len: usize) -> bool {
    d.labels
        .iter()
        .any(|l| l.span.start as usize == at && l.span.len() == len)
}

#[test]
fn the_sample_has_no_error() {
    let (_, diags) = check_text(&sample_text());
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn income_total_equals_expenditure_total() {
    let (src, ds, at) = fire(
        "收入总计308.97万元",
        "收入总计309.97万元",
        0,
        "equal-grand-totals",
    );
    let d = &ds[0];
    assert_eq!(texts(&src, d), vec!["308.97万元", "309.97万元"]);
    assert!(changed_span(d, at + "收入总计".len(), "309.97万元".len()));
}

#[test]
fn income_total_is_income_plus_balances() {
    let (src, ds, at) = fire(
        "收入总计308.97万元",
        "收入总计309.97万元",
        0,
        "sum-income-total",
    );
    assert_eq!(ds[0].labels[0].span.start as usize, at + "收入总计".len());
    assert_eq!(texts(&src, &ds[0])[1..], ["308.97万元", "0万元", "0万元"]);
}

#[test]
fn income_equals_its_sources() {
    let (src, ds, at) = fire("事业收入0万元", "事业收入1.00万元", 0, "sum-linked-list");
    let d = &ds[0];
    assert_eq!(src.slice(d.labels[0].span), "308.97万元"); // 本年收入合计
    assert!(changed_span(d, at + "事业收入".len(), "1.00万元".len()));
    assert_eq!(d.labels.len(), 4);
}

#[test]
fn expenditure_equals_basic_plus_project() {
    let (src, ds, at) = fire(
        "项目支出66.70万元",
        "项目支出76.70万元",
        0,
        "sum-linked-list",
    );
    let d = &ds[0];
    assert_eq!(src.slice(d.labels[0].span), "308.97万元");
    assert!(changed_span(d, at + "项目支出".len(), "76.70万元".len()));
}

#[test]
fn share_of_basic_expenditure() {
    let (src, ds, at) = fire("占比78.41%", "占比79.41%", 0, "share-of-total");
    let d = &ds[0];
    assert_eq!(d.labels[0].span.start as usize, at + "占比".len());
    assert_eq!(texts(&src, d), vec!["79.41%", "242.27万元", "308.97万元"]);
}

#[test]
fn basic_expenditure_is_personnel_plus_public() {
    let (src, ds, at) = fire(
        "公用经费30.54万元",
        "公用经费31.54万元",
        0,
        "sum-basic-expenditure",
    );
    let d = &ds[0];
    assert_eq!(src.slice(d.labels[0].span), "242.27万元");
    assert!(changed_span(d, at + "公用经费".len(), "31.54万元".len()));
}

#[test]
fn function_classification_items_sum_to_the_total() {
    let (src, ds, at) = fire("教育支出0.15万元", "教育支出1.15万元", 0, "sum-linked-list");
    let d = ds
        .iter()
        .find(|d| d.labels.len() == 6)
        .expect("the five 功能分类 items and their total");
    assert_eq!(src.slice(d.labels[0].span), "308.97万元");
    assert!(changed_span(d, at + "教育支出".len(), "1.15万元".len()));
}

#[test]
fn item_changes_add_up_to_the_total_change() {
    let (src, ds, at) = fire("增加9.78万元", "增加9.88万元", 0, "growth-rate");
    let d = ds
        .iter()
        .find(|d| d.message.contains("分项变动额之和"))
        .unwrap();
    assert_eq!(src.slice(d.labels[0].span), "21.44万元");
    assert!(changed_span(d, at + "增加".len(), "9.88万元".len()));
    assert_eq!(d.labels.len(), 6);
}

#[test]
fn growth_rate_of_a_change_clause() {
    let (src, ds, at) = fire("增长6.10%", "增长6.20%", 0, "growth-rate");
    let d = &ds[0];
    assert_eq!(d.labels[0].span.start as usize, at + "增长".len());
    assert_eq!(texts(&src, d), vec!["6.20%", "17.75万元", "308.97万元"]);
}

/// 1.08 / (0.15 + 1.08) = 87.80%; with rounding the rate may lie in about
/// [86.7%, 88.9%], so 88.80% would be consistent: 90.80% is not.
#[test]
fn decrease_rate_of_a_change_clause() {
    let (src, ds, at) = fire("下降87.80%", "下降90.80%", 0, "growth-rate");
    assert_eq!(ds[0].labels[0].span.start as usize, at + "下降".len());
    assert_eq!(texts(&src, &ds[0])[1..], ["1.08万元", "0.15万元"]);
}

#[test]
fn housing_share_printed_317_is_consistent_but_319_is_not() {
    // 9.81 / 308.97 = 3.1751%, printed 3.17%: consistent once rounding of both
    // figures is allowed for.
    let (_, diags) = check_text(&sample_text());
    assert!(!diags.iter().any(|d| d.code == "share-of-total"));
    let (src, ds, at) = fire("占3.17%", "占3.19%", 0, "share-of-total");
    assert_eq!(ds[0].labels[0].span.start as usize, at + "占".len());
    assert_eq!(src.slice(ds[0].labels[0].span), "3.19%");
}

#[test]
fn sangong_total_equals_its_items() {
    let (src, ds, at) = fire("公务接待费0万元", "公务接待费1.00万元", 0, "sum-sangong");
    let d = &ds[0];
    assert_eq!(src.slice(d.labels[0].span), "0万元");
    assert!(changed_span(d, at + "公务接待费".len(), "1.00万元".len()));
    assert_eq!(d.labels.len(), 5);
}

#[test]
fn execution_rate_of_the_self_evaluation_table() {
    let (_, ds, _) = fire(
        "\t100\n\t10\n\t10\n",
        "\t90\n\t10\n\t9\n",
        0,
        "perf-execution-rate",
    );
    assert_eq!(ds.len(), 1);
}

#[test]
fn execution_score_of_the_self_evaluation_table() {
    let (src, ds, at) = fire(
        "\t100\n\t10\n\t10\n",
        "\t100\n\t10\n\t9\n",
        0,
        "perf-execution-score",
    );
    assert_eq!(
        ds[0].labels[0].span.start as usize,
        at + "\t100\n\t10\n\t".len()
    );
    assert_eq!(texts(&src, &ds[0]), vec!["9", "10", "100"]);
}

#[test]
fn indicator_score_is_weight_times_coefficient() {
    let from = "\t5.56\n\t100\n\t30\n\t30\n";
    let (src, ds, at) = fire(
        from,
        "\t5.56\n\t100\n\t30\n\t25\n",
        0,
        "perf-indicator-score",
    );
    assert_eq!(
        ds[0].labels[0].span.start as usize,
        at + "\t5.56\n\t100\n\t30\n\t".len()
    );
    assert_eq!(texts(&src, &ds[0]), vec!["25", "30", "100"]);
}
