//! The standard tables of the six real reports in ../shared/corpus, read
//! through the document model (`gouji::document::parse`), and the table
//! rules (rules/tables.toml) on them:
//!
//! * every standard table is found with its unit and row count, and a few
//!   cells per table are checked by row label (or code) and column header —
//!   value and span (`&text[cell.span]` is the printed number);
//! * each table rule and each prose-against-table rule fires when one cell
//!   or one narrative figure of a real report is changed, located on the
//!   changed figure with the other side as a secondary label;
//! * the findings the table rules raise on the unchanged reports are real
//!   defects, each confirmed by hand (PDF page noted) and listed here.

mod common;

use common::*;
use gouji::diagnostic::{Diagnostic, Outcome, Severity};
use gouji::document::{Document, Row, RowKind, Scope, Stage, Table};
use gouji::source::SourceFile;
use rust_decimal::Decimal;
use std::str::FromStr;

fn load(name: &str) -> String {
    std::fs::read_to_string(format!("{CORPUS}/{name}.layout.txt")).expect("corpus file")
}

fn table<'a>(doc: &'a Document, kind: &str) -> &'a Table {
    let v: Vec<&Table> = doc
        .tables
        .iter()
        .filter(|t| t.kind.as_deref() == Some(kind))
        .collect();
    assert_eq!(v.len(), 1, "exactly one {kind}");
    v[0]
}

fn data_rows(t: &Table) -> usize {
    t.rows.iter().filter(|r| r.kind != RowKind::Header).count()
}

/// A row by code (digits) or label; `side` picks the side of a two-sided table.
fn row<'a>(t: &'a Table, key: &str, side: Option<&str>) -> &'a Row {
    let found = if key.is_empty() {
        // The one unlabeled row of a 三公 table.
        t.rows
            .iter()
            .find(|r| r.kind != RowKind::Header && r.label.is_none())
    } else if key.chars().all(|c| c.is_ascii_digit()) {
        t.rows.iter().find(|r| r.code.as_deref() == Some(key))
    } else if let Some(s) = side {
        t.rows.iter().find(|r| {
            r.side.as_deref() == Some(s)
                && r.label.as_deref() == Some(gouji::document::text::fold(key).as_str())
        })
    } else {
        t.row(key)
    };
    found.unwrap_or_else(|| panic!("{:?}: no row {key}", t.kind))
}

/// The cell (row, column) prints `printed`: text, span and value.
fn cell_is(text: &str, t: &Table, key: &str, side: Option<&str>, col: &str, printed: &str) {
    let r = row(t, key, side);
    let c = r
        .get(col)
        .unwrap_or_else(|| panic!("{:?}: no cell ({key}, {col})", t.kind));
    assert_eq!(
        &text[c.span.range()],
        printed,
        "{:?} ({key}, {col})",
        t.kind
    );
    assert_eq!(c.text, printed);
    let clean: String = printed.chars().filter(|c| *c != ',').collect();
    assert_eq!(
        c.number.as_ref().unwrap().value,
        Decimal::from_str(&clean).unwrap()
    );
}

fn blank(t: &Table, key: &str, side: Option<&str>, col: &str) {
    assert!(
        row(t, key, side).get(col).is_none(),
        "{:?} ({key}, {col}) should be blank",
        t.kind
    );
}

/// (standard name, printed title, unit, data rows)
fn check_tables(name: &str, text: &str, exp: &[(&str, &str, &str, usize)]) -> Document {
    let doc = gouji::document::parse(text);
    let standard: Vec<&Table> = doc.tables.iter().filter(|t| t.kind.is_some()).collect();
    assert_eq!(
        standard.len(),
        exp.len(),
        "{name}: {:?}",
        standard.iter().map(|t| &t.title).collect::<Vec<_>>()
    );
    for &(kind, title, unit, rows) in exp {
        let t = table(&doc, kind);
        assert_eq!(t.title.as_deref(), Some(title), "{name}");
        assert_eq!(t.unit.as_deref(), Some(unit), "{name}: {kind}");
        assert_eq!(&text[t.unit_span.unwrap().range()], unit);
        assert_eq!(data_rows(t), rows, "{name}: {kind} rows");
        for r in &t.rows {
            for c in &r.cells {
                assert!(text.get(c.span.range()).is_some());
            }
        }
    }
    doc
}

const FINAL_NAMES: [&str; 9] = [
    "收入支出决算总表",
    "收入决算表",
    "支出决算表",
    "财政拨款收入支出决算总表",
    "一般公共预算财政拨款支出决算表",
    "一般公共预算财政拨款基本支出决算表",
    "财政拨款“三公”经费支出决算表",
    "政府性基金预算财政拨款收入支出决算表",
    "国有资本经营预算财政拨款收入支出决算表",
];

fn final_tables(rows: [usize; 9]) -> Vec<(&'static str, &'static str, &'static str, usize)> {
    FINAL_NAMES
        .iter()
        .zip(rows)
        .map(|(n, r)| (*n, *n, "万元", r))
        .collect()
}

#[test]
fn ghzyj_final_tables() {
    if !corpus_present() {
        return;
    }
    let text = load("pt_ghzyj_2024_final_dept");
    let doc = check_tables(
        "ghzyj",
        &text,
        &final_tables([40, 25, 25, 36, 25, 67, 1, 0, 0]),
    );
    assert_eq!(doc.kind.stage, Some(Stage::Final));
    assert_eq!(doc.kind.year, Some(2024));
    let t1 = table(&doc, "收入支出决算总表");
    cell_is(&text, t1, "本年收入合计", None, "决算数", "9746.50");
    cell_is(
        &text,
        t1,
        "八、社会保障和就业支出",
        None,
        "支出/决算数",
        "754.75",
    );
    cell_is(&text, t1, "总计", Some("支出"), "决算数", "9859.38");
    cell_is(&text, t1, "年初结转和结余", None, "收入/决算数", "112.88");
    blank(t1, "二、外交支出", None, "决算数");
    let t2 = table(&doc, "收入决算表");
    cell_is(&text, t2, "2080505", None, "财政拨款收入", "446.11");
    cell_is(&text, t2, "合计", None, "本年收入合计", "9746.50");
    blank(t2, "合计", None, "事业收入");
    assert_eq!(
        row(t2, "2080505", None).label.as_deref(),
        Some("机关事业单位基本养老保险缴费支出")
    );
    let t3 = table(&doc, "支出决算表");
    cell_is(&text, t3, "212", None, "项目支出", "2259.65");
    cell_is(&text, t3, "合计", None, "基本支出", "5377.64");
    let t4 = table(&doc, "财政拨款收入支出决算总表");
    cell_is(
        &text,
        t4,
        "十八、自然资源海洋气象等支出",
        None,
        "一般公共预算财政拨款",
        "4461.67",
    );
    cell_is(&text, t4, "本年支出合计", None, "支出/合计", "9746.50");
    blank(
        t4,
        "十八、自然资源海洋气象等支出",
        None,
        "政府性基金预算财政拨款",
    );
    let t5 = table(&doc, "一般公共预算财政拨款支出决算表");
    cell_is(&text, t5, "22102", None, "基本支出", "461.08");
    cell_is(&text, t5, "合计", None, "基本支出", "5364.75");
    assert_eq!(
        row(t5, "2200199", None).label.as_deref(),
        Some("其他自然资源事务支出")
    );
    let t6 = table(&doc, "一般公共预算财政拨款基本支出决算表");
    cell_is(&text, t6, "30217", None, "决算数", "0.39");
    cell_is(&text, t6, "301", None, "人员经费/决算数", "4816.14");
    cell_is(&text, t6, "公用经费合计", None, "决算数", "480.66");
    assert_eq!(row(t6, "30217", None).side.as_deref(), Some("公用经费"));
    let t7 = table(&doc, "财政拨款“三公”经费支出决算表");
    cell_is(&text, t7, "", None, "合计/预算数", "2.85");
    cell_is(&text, t7, "", None, "公务接待费/决算数", "0.39");
    cell_is(
        &text,
        t7,
        "",
        None,
        "公务用车购置及运行维护费/小计/决算数",
        "0.00",
    );
    let t8 = table(&doc, "政府性基金预算财政拨款收入支出决算表");
    assert!(text[t8.empty_statement.unwrap().range()].contains("本表无数据"));
}

#[test]
fn shgzb_final_tables() {
    if !corpus_present() {
        return;
    }
    let text = load("pt_shgzb_2024_final_dept");
    let doc = check_tables(
        "shgzb",
        &text,
        &final_tables([42, 18, 18, 38, 18, 67, 0, 0, 0]),
    );
    // The title is centred over three lines.
    assert_eq!(doc.kind.stage, Some(Stage::Final));
    assert_eq!(doc.kind.scope, Some(Scope::Department));
    assert_eq!(doc.kind.year, Some(2024));
    let t1 = table(&doc, "收入支出决算总表");
    cell_is(&text, t1, "一、一般公共服务支出", None, "决算数", "264.87");
    cell_is(
        &text,
        t1,
        "十九、住房保障支出",
        None,
        "支出/决算数",
        "29.42",
    );
    let t3 = table(&doc, "支出决算表");
    cell_is(&text, t3, "2013999", None, "项目支出", "202.24");
    blank(t3, "2013999", None, "基本支出");
    cell_is(&text, t3, "2101101", None, "基本支出", "2.22");
    let t5 = table(&doc, "一般公共预算财政拨款支出决算表");
    cell_is(&text, t5, "201", None, "合计", "264.87");
    cell_is(&text, t5, "合计", None, "项目支出", "202.24");
    let t6 = table(&doc, "一般公共预算财政拨款基本支出决算表");
    cell_is(&text, t6, "30211", None, "决算数", "1.15");
    cell_is(&text, t6, "310", None, "决算数", "0.00");
    let t7 = table(&doc, "财政拨款“三公”经费支出决算表");
    assert!(text[t7.empty_statement.unwrap().range()].contains("本表无数据"));
}

#[test]
fn blank_template_tables_have_no_figures() {
    if !corpus_present() {
        return;
    }
    let text = load("template_2024_final_dept");
    let doc = check_tables(
        "template",
        &text,
        &final_tables([40, 6, 6, 36, 6, 67, 0, 0, 0]),
    );
    for t in &doc.tables {
        for r in &t.rows {
            assert!(r.cells.iter().all(|c| c.number.is_none()), "{:?}", t.kind);
        }
    }
    let t6 = table(&doc, "一般公共预算财政拨款基本支出决算表");
    assert_eq!(row(t6, "30207", None).label.as_deref(), Some("邮电费"));
    // No finding of the table rules (and no crash): nothing to check.
    let (_, diags) = check_text(&text);
    let table_rules = gouji::rule::compile(&gouji::rule::shipped_files()).unwrap();
    let mine: Vec<&str> = table_rules
        .rules
        .iter()
        .filter(|r| r.origin.file.ends_with("tables.toml"))
        .map(|r| r.id.as_str())
        .collect();
    assert!(mine.len() >= 20);
    for d in &diags {
        if mine.contains(&d.code.as_str()) {
            assert_eq!(d.outcome, Outcome::NotChecked, "{d:?}");
        }
    }
}

const BUDGET_NAMES: [&str; 9] = [
    "部门财务收支预算总表",
    "部门收入预算总表",
    "部门支出预算总表",
    "部门财政拨款收支预算总表",
    "部门一般公共预算支出功能分类预算表",
    "部门政府性基金预算支出功能分类预算表",
    "部门国有资本经营预算支出功能分类预算表",
    "部门一般公共预算基本支出部门预算经济分类预算表",
    "部门“三公”经费和机关运行经费预算表",
];

fn budget_tables(
    year: &'static str,
    rows: [usize; 9],
    three_year: bool,
) -> Vec<(&'static str, String, &'static str, usize)> {
    BUDGET_NAMES
        .iter()
        .zip(rows)
        .enumerate()
        .map(|(i, (n, r))| {
            let title = if i < 8 || three_year {
                format!("{year}年{n}")
            } else {
                n.to_string()
            };
            (*n, title, if i == 8 { "万元" } else { "元" }, r)
        })
        .collect()
}

fn check_budget(
    name: &str,
    text: &str,
    exp: Vec<(&'static str, String, &'static str, usize)>,
) -> Document {
    let e: Vec<(&str, &str, &str, usize)> = exp
        .iter()
        .map(|(a, b, c, d)| (*a, b.as_str(), *c, *d))
        .collect();
    check_tables(name, text, &e)
}

#[test]
fn wanli_budget_tables() {
    if !corpus_present() {
        return;
    }
    let text = load("pt_wanli_2024_budget_dept");
    let doc = check_budget(
        "wanli",
        &text,
        budget_tables("2024", [18, 67, 67, 14, 67, 1, 1, 32, 1], false),
    );
    assert_eq!(doc.kind.stage, Some(Stage::Budget));
    let b1 = table(&doc, "部门财务收支预算总表");
    cell_is(
        &text,
        b1,
        "一、财政拨款收入",
        None,
        "本年收入/预算数",
        "156,211,123",
    );
    cell_is(&text, b1, "八、城乡社区支出", None, "预算数", "119,385,303");
    blank(b1, "2.政府性基金", None, "预算数");
    let b2 = table(&doc, "部门收入预算总表");
    cell_is(&text, b2, "2010507", None, "合计", "257,700");
    cell_is(&text, b2, "合计", None, "财政拨款收入", "156,211,123");
    let b5 = table(&doc, "部门一般公共预算支出功能分类预算表");
    cell_is(&text, b5, "2210201", None, "合计", "3,503,499");
    cell_is(&text, b5, "合计", None, "项目支出", "56,505,103");
    let b8 = table(&doc, "部门一般公共预算基本支出部门预算经济分类预算表");
    cell_is(&text, b8, "30102", None, "合计", "16,623,810");
    cell_is(&text, b8, "30231", None, "公用经费", "215,600");
    let b9 = table(&doc, "部门“三公”经费和机关运行经费预算表");
    cell_is(&text, b9, "", None, "购置费", "25");
    cell_is(&text, b9, "", None, "机关运行经费预算数", "443.18");
    assert!(b9.empty_statement.is_some());
}

#[test]
fn qfb_budget_tables() {
    if !corpus_present() {
        return;
    }
    let text = load("pt_qfb_2025_budget_dept");
    let doc = check_budget(
        "qfb",
        &text,
        budget_tables("2025", [13, 21, 21, 9, 21, 1, 1, 30, 1], true),
    );
    assert_eq!(doc.kind.year, Some(2025));
    let b3 = table(&doc, "部门支出预算总表");
    cell_is(&text, b3, "2010302", None, "项目支出", "46,140,000.00");
    blank(b3, "2010302", None, "基本支出");
    let b4 = table(&doc, "部门财政拨款收支预算总表");
    cell_is(&text, b4, "支出总计", None, "一般公共预算", "91,016,775.35");
    let b9 = table(&doc, "部门“三公”经费和机关运行经费预算表");
    cell_is(&text, b9, "", None, "因公出国(境)费", "839.00");
    cell_is(&text, b9, "", None, "公务接待费", "28.50");
    blank(b9, "", None, "小计");
}

#[test]
fn sww_budget_tables() {
    if !corpus_present() {
        return;
    }
    let text = load("pt_sww_2025_budget_dept");
    let doc = check_budget(
        "sww",
        &text,
        budget_tables("2025", [16, 31, 31, 12, 31, 1, 1, 31, 1], true),
    );
    let b5 = table(&doc, "部门一般公共预算支出功能分类预算表");
    cell_is(&text, b5, "2150899", None, "项目支出", "293,810,000.00");
    cell_is(&text, b5, "2080599", None, "基本支出", "13,260.00");
    let b4 = table(&doc, "部门财政拨款收支预算总表");
    cell_is(
        &text,
        b4,
        "五、资源勘探工业信息等支出",
        None,
        "一般公共预算",
        "293,810,000.00",
    );
    let b9 = table(&doc, "部门“三公”经费和机关运行经费预算表");
    cell_is(&text, b9, "", None, "合计", "1.00");
    blank(b9, "", None, "因公出国(境)费");
}

#[test]
fn dump_lists_every_table_with_title_and_unit() {
    if !corpus_present() {
        return;
    }
    let text = load("pt_ghzyj_2024_final_dept");
    let src = SourceFile::new("ghzyj.txt", text.clone(), gouji::source::Encoding::Utf8);
    let doc = gouji::document::parse(&text);
    let v = gouji::dump::dump(&src, &doc);
    let tables = v["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 9);
    for (t, name) in tables.iter().zip(FINAL_NAMES) {
        assert_eq!(t["title"], name);
        assert_eq!(t["kind"], name);
        assert_eq!(t["unit"], "万元");
    }
}

// ---------------------------------------------------------------------------
// One figure changed: the rule fires on it
// ---------------------------------------------------------------------------

/// Change the `nth` `from` into `to` in a corpus report; the rule `code`
/// must report an error or warning whose primary label is on `changed` (a
/// part of `to`; the label may take the unit after it) and whose other
/// labels include `other`.
fn fires(
    name: &str,
    from: &str,
    to: &str,
    nth: usize,
    code: &str,
    changed: &str,
    other: &str,
) -> Diagnostic {
    let (text, at) = mutate(&load(name), from, to, nth);
    let changed_at = at + to.find(changed).expect("changed is part of to");
    let (src, diags) = check_text(&text);
    let mine: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| {
            d.code == code && d.outcome == Outcome::Finding && d.severity >= Severity::Warning
        })
        .collect();
    let hit = mine.iter().find(|d| {
        d.labels[0].span.start as usize == changed_at
            && src.slice(d.labels[0].span).starts_with(changed)
    });
    let Some(d) = hit else {
        panic!(
            "{name}: {code} did not fire on {changed:?} after {from:?} → {to:?}; found {:?}",
            mine.iter()
                .map(|d| (src.slice(d.labels[0].span).to_owned(), d.message.clone()))
                .collect::<Vec<_>>()
        );
    };
    let others: Vec<&str> = d.labels[1..].iter().map(|l| src.slice(l.span)).collect();
    assert!(
        others
            .iter()
            .any(|o| o.split_whitespace().collect::<String>() == other),
        "{code}: secondary labels {others:?} lack {other:?}"
    );
    d.clone()
}

const GHZYJ: &str = "pt_ghzyj_2024_final_dept";
const SHGZB: &str = "pt_shgzb_2024_final_dept";
const WANLI: &str = "pt_wanli_2024_budget_dept";
const QFB: &str = "pt_qfb_2025_budget_dept";
const SWW: &str = "pt_sww_2025_budget_dept";

#[test]
fn a_kuan_that_is_not_the_sum_of_its_xiang() {
    if !corpus_present() {
        return;
    }
    // T3 22001 自然资源事务 项目支出 2122.09 = 2077.09 + 45.00.
    let d = fires(
        GHZYJ,
        "22001     自然资源事务        4461.67   2339.58   2122.09",
        "22001     自然资源事务        4461.67   2339.58   2122.90",
        0,
        "table-code-sums",
        "2122.90",
        "2077.09",
    );
    assert!(d.message.contains("2122.09"), "{}", d.message);
}

#[test]
fn a_total_row_that_is_not_the_sum_of_the_classes() {
    if !corpus_present() {
        return;
    }
    fires(
        GHZYJ,
        "本年支出合计         9759.38",
        "本年支出合计         9759.83",
        0,
        "table-numbered-totals",
        "9759.83",
        "3845.25",
    );
}

#[test]
fn t1_grand_total_against_its_parts() {
    if !corpus_present() {
        return;
    }
    fires(
        GHZYJ,
        "总计           9859.38",
        "总计           9859.83",
        0,
        "table-t1-grand-totals",
        "9859.83",
        "9759.38",
    );
}

#[test]
fn t4_grand_total_against_its_parts() {
    if !corpus_present() {
        return;
    }
    fires(
        GHZYJ,
        "总计      9746.50   9746.50",
        "总计      9746.05   9746.50",
        0,
        "table-t4-grand-totals",
        "9746.05",
        "9746.50",
    );
}

#[test]
fn a_row_total_that_is_not_basic_plus_project() {
    if !corpus_present() {
        return;
    }
    fires(
        GHZYJ,
        "212       城乡社区支出        3845.24   1585.59   2259.65",
        "212       城乡社区支出        3854.24   1585.59   2259.65",
        0,
        "table-columns",
        "3854.24",
        "1585.59",
    );
}

#[test]
fn t1_income_against_t2() {
    if !corpus_present() {
        return;
    }
    fires(
        GHZYJ,
        "本年收入合计         9746.50",
        "本年收入合计         9764.50",
        0,
        "cross-final-totals",
        "9764.50",
        "9746.50",
    );
}

#[test]
fn t1_class_against_t3() {
    if !corpus_present() {
        return;
    }
    fires(
        GHZYJ,
        "十一、城乡社区支出             3845.25",
        "十一、城乡社区支出             3854.25",
        0,
        "cross-final-classes",
        "3854.25",
        "3845.24",
    );
}

#[test]
fn basic_expenditure_sangong_line_above_the_sangong_table() {
    if !corpus_present() {
        return;
    }
    // 30217 公务接待费 0.39 ≤ 三公 公务接待费 决算数 0.39.
    fires(
        GHZYJ,
        "公务接待费                  0.39",
        "公务接待费                  0.93",
        0,
        "cross-final-sangong",
        "0.93",
        "0.39",
    );
}

#[test]
fn budget_totals_across_tables() {
    if !corpus_present() {
        return;
    }
    fires(
        WANLI,
        "支出总计           156,211,123",
        "支出总计           156,211,132",
        0,
        "cross-budget-totals",
        "156,211,132",
        "156,211,123",
    );
}

#[test]
fn budget_class_against_the_functional_table() {
    if !corpus_present() {
        return;
    }
    // 部门财政拨款收支预算总表, 八、城乡社区支出, 一般公共预算 column.
    let text = load(WANLI);
    let line = text
        .lines()
        .find(|l| l.contains("八、城乡社区支出") && l.matches("119,385,303").count() == 2)
        .unwrap()
        .to_owned();
    let to =
        line.replacen("119,385,303", "119,385,330", 2)
            .replacen("119,385,330", "119,385,303", 1);
    fires(
        WANLI,
        &line,
        &to,
        0,
        "cross-budget-classes",
        "119,385,330",
        "119,385,303",
    );
}

#[test]
fn budget_basic_reception_above_the_sangong_budget() {
    if !corpus_present() {
        return;
    }
    fires(
        WANLI,
        "公务接待费             13,500            0       13,500",
        "公务接待费             23,500            0       23,500",
        0,
        "cross-budget-sangong",
        "23,500",
        "1.35",
    );
}

#[test]
fn prose_total_against_t1() {
    if !corpus_present() {
        return;
    }
    fires(
        GHZYJ,
        "本年支出合计 9759.38 万元",
        "本年支出合计 9795.38 万元",
        0,
        "prose-final-figures",
        "9795.38",
        "9759.38",
    );
}

#[test]
fn prose_sangong_against_t7() {
    if !corpus_present() {
        return;
    }
    fires(
        GHZYJ,
        "公务接待费支出决算 0.39 万元",
        "公务接待费支出决算 0.93 万元",
        0,
        "prose-final-sangong",
        "0.93",
        "0.39",
    );
}

#[test]
fn budget_prose_against_the_income_table() {
    if !corpus_present() {
        return;
    }
    let d = fires(
        QFB,
        "财政拨款收入9,101.68万元",
        "财政拨款收入9,110.68万元",
        0,
        "prose-budget-figures",
        "9,110.68万元",
        "91,016,775.35",
    );
    // The table is in 元: compared in 万元.
    assert!(d.message.contains("91,016,775.35元"), "{}", d.message);
}

#[test]
fn budget_prose_against_the_sangong_table() {
    if !corpus_present() {
        return;
    }
    fires(
        QFB,
        "（三）公务接待费28.50万元",
        "（三）公务接待费28.05万元",
        0,
        "prose-budget-sangong",
        "28.05万元",
        "28.50",
    );
}

#[test]
fn an_item_amount_against_the_functional_table() {
    if !corpus_present() {
        return;
    }
    fires(
        GHZYJ,
        "支出决算为 54.53",
        "支出决算为 54.35",
        0,
        "prose-item-amounts",
        "54.35",
        "54.53",
    );
    fires(
        SWW,
        "”1,720.00万元",
        "”1,702.00万元",
        0,
        "prose-item-amounts",
        "1,702.00",
        "17,200,000.00",
    );
    fires(
        GHZYJ,
        "康支出（类）236.63",
        "康支出（类）263.63",
        0,
        "prose-item-amounts",
        "263.63",
        "236.64",
    );
}

#[test]
fn an_item_name_not_in_the_table() {
    if !corpus_present() {
        return;
    }
    fires(
        GHZYJ,
        "行政单位离退休（项）",
        "行政单位退休（项）",
        0,
        "prose-item-names",
        "行政单位退休",
        "行政事业单位",
    );
}

#[test]
fn an_empty_table_without_its_statement() {
    if !corpus_present() {
        return;
    }
    let (text, _) = mutate(&load(GHZYJ), "说明：上海市普陀区规划和自然资源局本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。", "", 0);
    let (src, diags) = check_text(&text);
    let d = diags
        .iter()
        .find(|d| d.code == "empty-table-statement")
        .expect("fires");
    assert_eq!(
        src.slice(d.labels[0].span),
        "政府性基金预算财政拨款收入支出决算表"
    );
}

#[test]
fn a_missing_table_is_located_on_its_contents_entry() {
    if !corpus_present() {
        return;
    }
    let text = load(GHZYJ);
    let a = text
        .find("                       国有资本经营预算财政拨款收入支出决算表")
        .unwrap();
    let b = text
        .rfind("第三部分 上海市普陀区规划和自然资源局 2024 年度部门决算\n\n")
        .unwrap();
    let cut = format!("{}{}", &text[..a], &text[b..]);
    let (src, diags) = check_text(&cut);
    let d = diags
        .iter()
        .find(|d| d.code == "required-tables")
        .expect("fires");
    assert_eq!(
        src.slice(d.labels[0].span),
        "九、国有资本经营预算财政拨款收入支出决算表"
    );
    assert_eq!(d.severity, Severity::Error);
}

#[test]
fn a_wrong_year_in_one_heading() {
    if !corpus_present() {
        return;
    }
    let d = fires(
        GHZYJ,
        "第三部分 上海市普陀区规划和自然资源局 2024 年度部门决算",
        "第三部分 上海市普陀区规划和自然资源局 2023 年度部门决算",
        1,
        "report-year",
        "2023",
        "上海市普陀区规划和自然\n    资源局\n 2024 年度部门决算"
            .split_whitespace()
            .collect::<String>()
            .as_str(),
    );
    assert!(d.message.contains("2024"));
}

#[test]
fn a_contents_entry_without_a_body_heading() {
    if !corpus_present() {
        return;
    }
    // The template's wording differs from the body's heading (其他重要事项说明
    // / 其他重要事项的情况说明): no finding. A heading that is gone: one.
    let (text, _) = mutate(
        &load(GHZYJ),
        "  十一、其他重要事项的情况说明",
        "  十一、附记",
        0,
    );
    let (src, diags) = check_text(&text);
    let d = diags.iter().find(|d| d.code == "toc-body").expect("fires");
    assert_eq!(src.slice(d.labels[0].span), "十一、其他重要事项说明");
    assert_eq!(d.severity, Severity::Warning);
}

// ---------------------------------------------------------------------------
// Real defects of the unchanged reports
// ---------------------------------------------------------------------------

/// The findings of the table rules on a corpus report: (rule, line, text).
fn table_findings(name: &str) -> Vec<(String, u32, String)> {
    let text = load(name);
    let (src, diags) = check_text(&text);
    let rules = gouji::rule::compile(&gouji::rule::shipped_files()).unwrap();
    diags
        .iter()
        .filter(|d| d.outcome == Outcome::Finding && d.severity >= Severity::Warning)
        .filter(|d| {
            rules
                .get(&d.code)
                .is_some_and(|r| r.origin.file.ends_with("tables.toml"))
        })
        .map(|d| {
            let s = d.labels[0].span;
            let text: String = src.slice(s).split_whitespace().collect();
            (d.code.clone(), src.line_col(s.start).line, text)
        })
        .collect()
}

#[test]
fn ghzyj_real_defects() {
    if !corpus_present() {
        return;
    }
    let found = table_findings(GHZYJ);
    let want: &[(&str, u32, &str)] = &[
        // PDF p.7: the tables part is headed "上海市规划和自然资源局 2024 年度部门决算表" —
        // the municipal bureau's name, without 普陀区.
        ("unit-name", 188, "上海市规划和自然资源局"),
        // The 收入支出决算总表 prints 卫生健康支出 236.63 and 城乡社区支出 3845.25;
        // the 支出决算表 prints 236.64 and 3845.24 (and the 财政拨款 总表 236.63
        // against 236.64). Same unit, same two decimals: one figure printed two
        // ways, although the rounding intervals touch.
        ("cross-final-classes", 201, "236.63"),
        ("cross-final-classes", 203, "3845.25"),
        ("cross-final-classes", 357, "236.63"),
        // The same 236.63 in item 4 of the 支出 passage, against 236.64 in T5.
        ("prose-item-amounts", 639, "236.63万元"),
        // PDF p.22: item 5 names a 项 "机关事业单位退休人员活动费支出" that T5 does
        // not have; the 0.88 is T5's 2080599 其他行政事业单位养老支出.
        ("prose-item-names", 694, "机关事业单位退休人员活动费支出"),
        // PDF p.24: "其他国土资源事务支出" is the pre-2019 name; T5 2200199 is
        // 其他自然资源事务支出.
        ("prose-item-names", 755, "其他国土资源事务支出"),
        // The same pre-2019 name, found by the renamed-subjects table.
        ("renamed-subject", 755, "其他国土资源事务支出"),
        // PDF p.24: items 12 and 13 give the 款 as "住房保障支出"; T5's 款 22102 is
        // 住房改革支出.
        ("prose-item-names", 763, "住房保障支出"),
        ("prose-item-names", 774, "住房保障支出"),
        // PDF p.24: "一般公共预算财政拨款基本支出 5377.64 万元。其中：人员经费
        // 4896.98 万元" — T5 基本支出 is 5364.75 and T6 人员经费合计 4884.09; 5377.64
        // is T3's 基本支出 of all funds (12.89 of it not 一般公共预算).
        ("prose-final-figures", 785, "5377.64万元"),
        ("prose-final-figures", 787, "4896.98万元"),
        // "上海市普陀区规划与自然资源局" in sections 七–九 for "规划和自然资源局".
        ("unit-name", 855, "上海市普陀区规划与自然资源局"),
        ("unit-name", 870, "上海市普陀区规划与自然资源局"),
        ("unit-name", 876, "上海市普陀区规划与自然资源局"),
    ];
    let found: Vec<(&str, u32, &str)> = found
        .iter()
        .map(|(a, b, c)| (a.as_str(), *b, c.as_str()))
        .collect();
    assert_eq!(found, want);
}

#[test]
fn wanli_real_defects() {
    if !corpus_present() {
        return;
    }
    let found = table_findings(WANLI);
    let found: Vec<(&str, u32, &str)> = found
        .iter()
        .map(|(a, b, c)| (a.as_str(), *b, c.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            // PDF p.9: item 31 住房公积金 "350.35万元 … 2024年预算安排352.67万元";
            // the table has 3,503,499 元 = 350.35 万元 (and the stated 0.53% rise on
            // 348.52 fits 350.35, not 352.67).
            ("prose-item-amounts", 176, "352.67万元"),
            // PDF p.31: the 三公 table carries 47.91 万元 etc., yet its note says
            // "本部门2024年无“三公”经费和机关运行经费预算，故本表为空表".
            (
                "empty-table-statement",
                794,
                "注:本部门2024年无“三公”经费和机关运行经费预算，故本表为空表。"
            ),
        ]
    );
}

#[test]
fn other_reports_raise_nothing() {
    if !corpus_present() {
        return;
    }
    for name in [SHGZB, QFB, SWW, "template_2024_final_dept"] {
        assert_eq!(table_findings(name), vec![], "{name}");
    }
}

// ---------------------------------------------------------------------------
// Report kinds: from the title, or forced with --kind
// ---------------------------------------------------------------------------

fn run_gouji(args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("gouji runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn codes(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).expect("json output");
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["outcome"] == "finding")
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn kind_flag_overrides_the_title() {
    if !corpus_present() {
        return;
    }
    let path = format!("{CORPUS}/{GHZYJ}.layout.txt");
    let (_, out) = run_gouji(&["check", &path, "--format", "json"]);
    assert!(codes(&out).iter().any(|c| c == "prose-final-figures"));
    // Read as a budget, the 决算-only rules do not run.
    let (_, out) = run_gouji(&["check", &path, "--format", "json", "--kind", "预算"]);
    assert!(!codes(&out).iter().any(|c| c == "prose-final-figures"));
    // Repeatable and comma lists.
    let (_, out) = run_gouji(&["check", &path, "--format", "json", "--kind", "单位,预算"]);
    assert!(!codes(&out).iter().any(|c| c == "prose-final-figures"));
    let (_, out2) = run_gouji(&[
        "check", &path, "--format", "json", "--kind", "单位", "--kind", "预算",
    ]);
    assert_eq!(codes(&out), codes(&out2));
    let (code, _) = run_gouji(&["check", &path, "--kind", "年度"]);
    assert_eq!(code, 2);
}
