//! End-to-end tests of [`find_layout_tables`]: the corpus reports, synthetic
//! layouts (two sides, wrapped labels, page breaks) and mutated inputs.

use super::*;
use crate::document::text::fold_key;
use crate::source::Span;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Test-only accessors of a [`LayoutTable`]: rules resolve rows and columns
/// of the finished [`Table`] through `resolve.rs`.
impl LayoutTable {
    /// Index of the column named `name` (full header, leaf key, or header
    /// suffix after `/`), restricted to `side` when given.
    pub fn column_index(&self, name: &str, side: Option<&str>) -> Option<usize> {
        let name = fold_key(name);
        let ok_side = |c: &Column| side.is_none() || c.side.as_deref() == side;
        let pass =
            |f: &dyn Fn(&Column) -> bool| self.columns.iter().position(|c| ok_side(c) && f(c));
        pass(&|c| fold_key(&c.header) == name)
            .or_else(|| pass(&|c| fold_key(&c.key) == name))
            .or_else(|| pass(&|c| fold_key(&c.header).ends_with(&format!("/{name}"))))
    }

    /// Rows whose code or label equals `key` (label compared without spaces).
    pub fn rows_matching<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a LayoutRow> + 'a {
        let k: String = key.chars().filter(|c| !c.is_whitespace()).collect();
        self.rows
            .iter()
            .filter(move |r| r.code.as_deref() == Some(k.as_str()) || r.label == k)
    }

    /// Cell at (row code or label, column header); the column is looked up on
    /// the row's side.  `None` when the row/column is unknown or the cell empty.
    pub fn cell(&self, row_key: &str, column: &str) -> Option<&LayoutCell> {
        for r in self.rows_matching(row_key) {
            if let Some(ci) = self.column_index(column, r.side.as_deref()) {
                if let Some(Some(c)) = r.cells.get(ci) {
                    return Some(c);
                }
            }
        }
        None
    }

    /// Convenience: value of [`LayoutTable::cell`].
    pub fn value(&self, row_key: &str, column: &str) -> Option<Decimal> {
        self.cell(row_key, column).map(|c| c.value)
    }
}

/// Corpus directory (in the main crate: "../shared/corpus").
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

/// The corpus is not part of the crate: without it these tests say so and pass.
fn corpus_present() -> bool {
    let there = std::path::Path::new(CORPUS).is_dir();
    if !there {
        eprintln!("skipped: {CORPUS} is absent (the corpus is not beside the crate)");
    }
    there
}

fn load(name: &str) -> (String, Vec<LayoutTable>) {
    let text = std::fs::read_to_string(format!("{CORPUS}/{name}.layout.txt")).expect("corpus file");
    let tables = find_layout_tables(&text);
    (text, tables)
}

fn sp(text: &str, s: Span) -> &str {
    text.get(s.start as usize..s.end as usize)
        .expect("span on char boundaries")
}

fn table(ts: &[LayoutTable], kind: StandardTable) -> &LayoutTable {
    let v: Vec<_> = ts.iter().filter(|t| t.kind == Some(kind)).collect();
    assert_eq!(v.len(), 1, "exactly one {kind:?}");
    v[0]
}

/// (kind, title, unit, rows)
fn check_tables(text: &str, ts: &[LayoutTable], exp: &[(StandardTable, &str, &str, usize)]) {
    assert_eq!(
        ts.len(),
        exp.len(),
        "tables: {:?}",
        ts.iter().map(|t| &t.title).collect::<Vec<_>>()
    );
    for &(k, title, unit, nrows) in exp {
        let t = table(ts, k);
        assert_eq!(t.title, title);
        assert_eq!(
            sp(text, t.title_span)
                .split_whitespace()
                .collect::<String>(),
            title
        );
        assert_eq!(t.unit.as_deref(), Some(unit), "{title}");
        assert_eq!(sp(text, t.unit_span.expect("unit span")), unit);
        assert_eq!(t.rows.len(), nrows, "{title} rows");
        for r in &t.rows {
            assert_eq!(r.cells.len(), t.columns.len());
            for c in r.cells.iter().flatten() {
                assert_eq!(sp(text, c.span), c.text);
            }
            for s in &r.label_spans {
                sp(text, *s);
            }
        }
        let region = sp(text, t.span);
        assert_eq!(t.span.start, t.title_span.start);
        for bad in ["第三部分", "其他相关情况说明", "情况说明\n", "主要原因"] {
            assert!(
                !region.contains(bad),
                "{title} region swallows prose ({bad})"
            );
        }
    }
}

fn cell_is(text: &str, t: &LayoutTable, row: &str, col: &str, printed: &str) {
    let c = t
        .cell(row, col)
        .unwrap_or_else(|| panic!("{}: no cell ({row}, {col})", t.title));
    assert_eq!(c.text, printed, "{}: ({row}, {col})", t.title);
    assert_eq!(sp(text, c.span), printed);
    let clean: String = printed.chars().filter(|c| *c != ',').collect();
    assert_eq!(c.value, Decimal::from_str(&clean).unwrap());
}

fn cell_none(t: &LayoutTable, row: &str, col: &str) {
    assert!(
        t.rows_matching(row).next().is_some(),
        "{}: row {row} missing",
        t.title
    );
    assert!(
        t.column_index(col, None).is_some(),
        "{}: column {col} missing",
        t.title
    );
    assert!(
        t.cell(row, col).is_none(),
        "{}: ({row}, {col}) should be empty",
        t.title
    );
}

fn label_of<'a>(t: &'a LayoutTable, code: &str) -> &'a str {
    &t.rows_matching(code)
        .next()
        .unwrap_or_else(|| panic!("row {code}"))
        .label
}

fn only_row(t: &LayoutTable) -> &LayoutRow {
    assert_eq!(t.rows.len(), 1);
    &t.rows[0]
}

fn single(text: &str, t: &LayoutTable, col: &str, printed: Option<&str>) {
    let r = only_row(t);
    let ci = t
        .column_index(col, None)
        .unwrap_or_else(|| panic!("column {col}"));
    match (&r.cells[ci], printed) {
        (Some(c), Some(p)) => {
            assert_eq!(c.text, p, "{col}");
            assert_eq!(sp(text, c.span), p);
        }
        (None, None) => {}
        (got, want) => panic!("{col}: got {got:?}, want {want:?}"),
    }
}

use StandardTable::*;

#[test]
fn ghzyj_2024_final() {
    if !corpus_present() {
        return;
    }
    let (text, ts) = load("pt_ghzyj_2024_final_dept");
    check_tables(
        &text,
        &ts,
        &[
            (IncomeExpenditureTotal, "收入支出决算总表", "万元", 40),
            (Income, "收入决算表", "万元", 25),
            (Expenditure, "支出决算表", "万元", 25),
            (
                FiscalIncomeExpenditureTotal,
                "财政拨款收入支出决算总表",
                "万元",
                36,
            ),
            (
                GeneralPublicExpenditure,
                "一般公共预算财政拨款支出决算表",
                "万元",
                25,
            ),
            (
                GeneralPublicBasicExpenditure,
                "一般公共预算财政拨款基本支出决算表",
                "万元",
                67,
            ),
            (ThreeCosts, "财政拨款“三公”经费支出决算表", "万元", 1),
            (GovFund, "政府性基金预算财政拨款收入支出决算表", "万元", 0),
            (
                StateCapital,
                "国有资本经营预算财政拨款收入支出决算表",
                "万元",
                0,
            ),
        ],
    );
    let t1 = table(&ts, IncomeExpenditureTotal);
    cell_is(&text, t1, "八、社会保障和就业支出", "支出/决算数", "754.75");
    cell_is(&text, t1, "年初结转和结余", "决算数", "112.88");
    cell_is(&text, t1, "本年支出合计", "决算数", "9759.38");
    cell_is(
        &text,
        t1,
        "一、一般公共预算财政拨款收入",
        "收入/决算数",
        "9746.50",
    );
    cell_none(t1, "二、外交支出", "支出/决算数");
    assert_eq!(t1.rows.iter().filter(|r| r.label == "总计").count(), 2);
    let t2 = table(&ts, Income);
    cell_is(&text, t2, "2080505", "财政拨款收入", "446.11");
    assert_eq!(label_of(t2, "2080505"), "机关事业单位基本养老保险缴费支出");
    assert_eq!(
        t2.rows_matching("2080505")
            .next()
            .unwrap()
            .label_spans
            .len(),
        2
    );
    cell_is(&text, t2, "2200199", "本年收入合计", "45.00");
    cell_none(t2, "合计", "事业收入");
    let t3 = table(&ts, Expenditure);
    cell_is(&text, t3, "2200199", "基本支出", "0.00");
    cell_is(&text, t3, "212", "项目支出", "2259.65");
    cell_is(&text, t3, "合计", "本年支出合计", "9759.38");
    assert_eq!(label_of(t3, "2080599"), "其他行政事业单位养老支出");
    let t4 = table(&ts, FiscalIncomeExpenditureTotal);
    cell_is(
        &text,
        t4,
        "十八、自然资源海洋气象等支出",
        "一般公共预算财政拨款",
        "4461.67",
    );
    cell_is(&text, t4, "本年支出合计", "支出/合计", "9746.50");
    cell_is(&text, t4, "本年收入合计", "收入/决算数", "9746.50");
    assert!(t4
        .rows_matching("二十二、灾害防治及应急管理支出")
        .next()
        .is_some());
    let t5 = table(&ts, GeneralPublicExpenditure);
    cell_is(&text, t5, "2080505", "合计", "446.11");
    assert_eq!(label_of(t5, "2080505"), "机关事业单位基本养老保险缴费支出");
    assert_eq!(label_of(t5, "208"), "社会保障和就业支出");
    assert_eq!(label_of(t5, "2200199"), "其他自然资源事务支出");
    cell_is(&text, t5, "22102", "基本支出", "461.08");
    cell_is(&text, t5, "合计", "项目支出", "4381.74");
    let t6 = table(&ts, GeneralPublicBasicExpenditure);
    cell_is(&text, t6, "30207", "决算数", "8.05");
    cell_is(&text, t6, "30108", "决算数", "446.11");
    assert_eq!(label_of(t6, "30108"), "机关事业单位基本养老保险缴费");
    cell_is(&text, t6, "31007", "决算数", "0.00");
    assert_eq!(label_of(t6, "31007"), "信息网络及软件购置更新");
    cell_is(&text, t6, "公用经费合计", "决算数", "480.66");
    cell_is(&text, t6, "301", "人员经费/决算数", "4816.14");
    assert_eq!(
        t6.rows_matching("30217").next().unwrap().side.as_deref(),
        Some("公用经费")
    );
    let t7 = table(&ts, ThreeCosts);
    single(&text, t7, "公务接待费/预算数", Some("2.85"));
    single(&text, t7, "合计/决算数", Some("0.39"));
    single(
        &text,
        t7,
        "公务用车购置及运行维护费/小计/决算数",
        Some("0.00"),
    );
    let t8 = table(&ts, GovFund);
    assert!(sp(&text, t8.empty_statement.unwrap()).contains("本表无数据"));
    assert_eq!(t8.columns.len(), 6);
}

#[test]
fn shgzb_2024_final() {
    if !corpus_present() {
        return;
    }
    let (text, ts) = load("pt_shgzb_2024_final_dept");
    check_tables(
        &text,
        &ts,
        &[
            (IncomeExpenditureTotal, "收入支出决算总表", "万元", 42),
            (Income, "收入决算表", "万元", 18),
            (Expenditure, "支出决算表", "万元", 18),
            (
                FiscalIncomeExpenditureTotal,
                "财政拨款收入支出决算总表",
                "万元",
                38,
            ),
            (
                GeneralPublicExpenditure,
                "一般公共预算财政拨款支出决算表",
                "万元",
                18,
            ),
            (
                GeneralPublicBasicExpenditure,
                "一般公共预算财政拨款基本支出决算表",
                "万元",
                67,
            ),
            (ThreeCosts, "财政拨款“三公”经费支出决算表", "万元", 0),
            (GovFund, "政府性基金预算财政拨款收入支出决算表", "万元", 0),
            (
                StateCapital,
                "国有资本经营预算财政拨款收入支出决算表",
                "万元",
                0,
            ),
        ],
    );
    let t1 = table(&ts, IncomeExpenditureTotal);
    cell_is(&text, t1, "一、一般公共服务支出", "决算数", "264.87");
    cell_is(&text, t1, "十九、住房保障支出", "支出/决算数", "29.42");
    let t3 = table(&ts, Expenditure);
    cell_is(&text, t3, "2013999", "项目支出", "202.24");
    cell_none(t3, "2013999", "基本支出");
    cell_is(&text, t3, "2101101", "基本支出", "2.22");
    assert_eq!(label_of(t3, "2080505"), "机关事业单位基本养老保险缴费支出");
    let t5 = table(&ts, GeneralPublicExpenditure);
    cell_is(&text, t5, "201", "合计", "264.87");
    assert_eq!(label_of(t5, "201"), "一般公共服务支出");
    assert_eq!(label_of(t5, "2013999"), "其他社会工作事务支出");
    cell_none(t5, "2013999", "基本支出");
    let t6 = table(&ts, GeneralPublicBasicExpenditure);
    cell_is(&text, t6, "310", "决算数", "0.00");
    assert_eq!(label_of(t6, "310"), "资本性支出");
    assert_eq!(label_of(t6, "30399"), "其他对个人和家庭的补助");
    cell_is(&text, t6, "30211", "决算数", "1.15");
    let t7 = table(&ts, ThreeCosts);
    assert!(t7.empty_statement.is_some());
}

#[test]
fn template_2024_final_has_no_values() {
    if !corpus_present() {
        return;
    }
    let (text, ts) = load("template_2024_final_dept");
    check_tables(
        &text,
        &ts,
        &[
            (IncomeExpenditureTotal, "收入支出决算总表", "万元", 40),
            (Income, "收入决算表", "万元", 6),
            (Expenditure, "支出决算表", "万元", 6),
            (
                FiscalIncomeExpenditureTotal,
                "财政拨款收入支出决算总表",
                "万元",
                36,
            ),
            (
                GeneralPublicExpenditure,
                "一般公共预算财政拨款支出决算表",
                "万元",
                6,
            ),
            (
                GeneralPublicBasicExpenditure,
                "一般公共预算财政拨款基本支出决算表",
                "万元",
                67,
            ),
            (ThreeCosts, "财政拨款“三公”经费支出决算表", "万元", 0),
            (GovFund, "政府性基金预算财政拨款收入支出决算表", "万元", 0),
            (
                StateCapital,
                "国有资本经营预算财政拨款收入支出决算表",
                "万元",
                0,
            ),
        ],
    );
    for t in &ts {
        for r in &t.rows {
            assert!(r.cells.iter().all(|c| c.is_none()), "{}: {r:?}", t.title);
        }
    }
    let t2 = table(&ts, Income);
    assert_eq!(label_of(t2, "20799"), "其他文化旅游体育与传媒支出");
    let t5 = table(&ts, GeneralPublicExpenditure);
    assert_eq!(label_of(t5, "207"), "文化旅游体育与传媒支出");
    let t6 = table(&ts, GeneralPublicBasicExpenditure);
    assert_eq!(label_of(t6, "30207"), "邮电费");
    assert_eq!(label_of(t6, "31007"), "信息网络及软件购置更新");
}

#[test]
fn wanli_2024_budget() {
    if !corpus_present() {
        return;
    }
    let (text, ts) = load("pt_wanli_2024_budget_dept");
    check_tables(
        &text,
        &ts,
        &[
            (BudgetFinanceTotal, "2024年部门财务收支预算总表", "元", 18),
            (BudgetIncome, "2024年部门收入预算总表", "元", 67),
            (BudgetExpenditure, "2024年部门支出预算总表", "元", 67),
            (
                BudgetFiscalTotal,
                "2024年部门财政拨款收支预算总表",
                "元",
                14,
            ),
            (
                BudgetGeneralPublicFunctional,
                "2024年部门一般公共预算支出功能分类预算表",
                "元",
                67,
            ),
            (
                BudgetGovFundFunctional,
                "2024年部门政府性基金预算支出功能分类预算表",
                "元",
                1,
            ),
            (
                BudgetStateCapitalFunctional,
                "2024年部门国有资本经营预算支出功能分类预算表",
                "元",
                1,
            ),
            (
                BudgetBasicEconomic,
                "2024年部门一般公共预算基本支出部门预算经济分类预算表",
                "元",
                32,
            ),
            (
                BudgetThreeCosts,
                "部门“三公”经费和机关运行经费预算表",
                "万元",
                1,
            ),
        ],
    );
    let b1 = table(&ts, BudgetFinanceTotal);
    cell_is(
        &text,
        b1,
        "一、财政拨款收入",
        "本年收入/预算数",
        "156,211,123",
    );
    cell_is(&text, b1, "八、城乡社区支出", "预算数", "119,385,303");
    cell_none(b1, "2.政府性基金", "预算数");
    let b2 = table(&ts, BudgetIncome);
    cell_is(&text, b2, "2010507", "合计", "257,700");
    cell_is(&text, b2, "合计", "财政拨款收入", "156,211,123");
    cell_is(&text, b2, "2080505", "其他收入", "0");
    let r = b2.rows_matching("2010507").next().unwrap();
    assert_eq!(sp(&text, r.code_span.unwrap()), "201   05   07");
    let b3 = table(&ts, BudgetExpenditure);
    cell_is(&text, b3, "208", "基本支出", "13,368,164");
    let b5 = table(&ts, BudgetGeneralPublicFunctional);
    cell_is(&text, b5, "22102", "基本支出", "6,705,199");
    cell_is(&text, b5, "合计", "项目支出", "56,505,103");
    let b4 = table(&ts, BudgetFiscalTotal);
    cell_is(
        &text,
        b4,
        "六、社会保障和就业支出",
        "一般公共预算",
        "19,604,064",
    );
    cell_is(&text, b4, "收入总计", "财政拨款收入/预算数", "156,211,123");
    cell_none(b4, "六、社会保障和就业支出", "政府性基金预算");
    let b6 = table(&ts, BudgetGovFundFunctional);
    assert!(sp(&text, b6.empty_statement.unwrap()).contains("空表"));
    let b8 = table(&ts, BudgetBasicEconomic);
    cell_is(&text, b8, "30102", "合计", "16,623,810");
    assert_eq!(
        sp(
            &text,
            b8.rows_matching("30102").next().unwrap().code_span.unwrap()
        ),
        "301   2"
    );
    cell_is(&text, b8, "30231", "公用经费", "215,600");
    let b9 = table(&ts, BudgetThreeCosts);
    single(&text, b9, "购置费", Some("25"));
    single(&text, b9, "机关运行经费预算数", Some("443.18"));
    single(&text, b9, "因公出国(境)费", Some("0"));
    // the table says it is empty although it carries figures: both are reported
    assert!(b9.empty_statement.is_some());
}

#[test]
fn qfb_2025_budget() {
    if !corpus_present() {
        return;
    }
    let (text, ts) = load("pt_qfb_2025_budget_dept");
    check_tables(
        &text,
        &ts,
        &[
            (BudgetFinanceTotal, "2025年部门财务收支预算总表", "元", 13),
            (BudgetIncome, "2025年部门收入预算总表", "元", 21),
            (BudgetExpenditure, "2025年部门支出预算总表", "元", 21),
            (BudgetFiscalTotal, "2025年部门财政拨款收支预算总表", "元", 9),
            (
                BudgetGeneralPublicFunctional,
                "2025年部门一般公共预算支出功能分类预算表",
                "元",
                21,
            ),
            (
                BudgetGovFundFunctional,
                "2025年部门政府性基金预算支出功能分类预算表",
                "元",
                1,
            ),
            (
                BudgetStateCapitalFunctional,
                "2025年部门国有资本经营预算支出功能分类预算表",
                "元",
                1,
            ),
            (
                BudgetBasicEconomic,
                "2025年部门一般公共预算基本支出部门预算经济分类预算表",
                "元",
                30,
            ),
            (
                BudgetThreeCosts,
                "2025年部门“三公”经费和机关运行经费预算表",
                "万元",
                1,
            ),
        ],
    );
    let b3 = table(&ts, BudgetExpenditure);
    cell_is(&text, b3, "2010302", "项目支出", "46,140,000.00");
    cell_none(b3, "2010302", "基本支出");
    cell_is(&text, b3, "2010399", "合计", "20,120,000.00");
    assert_eq!(
        label_of(b3, "2010399"),
        "其他政府办公厅（室）及相关机构事务支出"
    );
    let b2 = table(&ts, BudgetIncome);
    cell_is(&text, b2, "2010399", "财政拨款收入", "20,120,000.00");
    cell_none(b2, "2010399", "事业收入");
    let b5 = table(&ts, BudgetGeneralPublicFunctional);
    cell_is(&text, b5, "2101101", "基本支出", "782,855.28");
    let b8 = table(&ts, BudgetBasicEconomic);
    cell_is(&text, b8, "31002", "公用经费", "200,000.00");
    cell_none(b8, "31002", "人员经费");
    let b9 = table(&ts, BudgetThreeCosts);
    single(&text, b9, "因公出国(境)费", Some("839.00"));
    single(&text, b9, "公务接待费", Some("28.50"));
    single(&text, b9, "机关运行经费预算数", Some("213.28"));
    single(&text, b9, "小计", None);
    assert!(b9.empty_statement.is_none());
}

#[test]
fn sww_2025_budget() {
    if !corpus_present() {
        return;
    }
    let (text, ts) = load("pt_sww_2025_budget_dept");
    check_tables(
        &text,
        &ts,
        &[
            (BudgetFinanceTotal, "2025年部门财务收支预算总表", "元", 16),
            (BudgetIncome, "2025年部门收入预算总表", "元", 31),
            (BudgetExpenditure, "2025年部门支出预算总表", "元", 31),
            (
                BudgetFiscalTotal,
                "2025年部门财政拨款收支预算总表",
                "元",
                12,
            ),
            (
                BudgetGeneralPublicFunctional,
                "2025年部门一般公共预算支出功能分类预算表",
                "元",
                31,
            ),
            (
                BudgetGovFundFunctional,
                "2025年部门政府性基金预算支出功能分类预算表",
                "元",
                1,
            ),
            (
                BudgetStateCapitalFunctional,
                "2025年部门国有资本经营预算支出功能分类预算表",
                "元",
                1,
            ),
            (
                BudgetBasicEconomic,
                "2025年部门一般公共预算基本支出部门预算经济分类预算表",
                "元",
                31,
            ),
            (
                BudgetThreeCosts,
                "2025年部门“三公”经费和机关运行经费预算表",
                "万元",
                1,
            ),
        ],
    );
    let b9 = table(&ts, BudgetThreeCosts);
    single(&text, b9, "公务接待费", Some("1.00"));
    single(&text, b9, "因公出国(境)费", None);
    single(&text, b9, "合计", Some("1.00"));
    let b5 = table(&ts, BudgetGeneralPublicFunctional);
    cell_is(&text, b5, "2150899", "项目支出", "293,810,000.00");
    cell_none(b5, "2150899", "基本支出");
    cell_is(&text, b5, "2080599", "基本支出", "13,260.00");
    let b4 = table(&ts, BudgetFiscalTotal);
    cell_is(
        &text,
        b4,
        "五、资源勘探工业信息等支出",
        "一般公共预算",
        "293,810,000.00",
    );
    let b3 = table(&ts, BudgetExpenditure);
    cell_is(&text, b3, "206", "项目支出", "17,200,000.00");
    cell_none(b3, "206", "基本支出");
}

// ---------------------------------------------------------------- synthetic

#[test]
fn synthetic_two_sided() {
    let text = "\
                    收入支出决算总表
                                               单位：万元
              收入                          支出
         项目        决算数               项目         决算数
一、一般公共预算财政拨款收入     307.82   一、一般公共服务支出          264.87
二、政府性基金预算财政拨款收入             二、外交支出
                            三、国防支出                  -16.77
    本年收入合计       1,307.82          本年支出合计       307.82
注：本表反映部门本年度的总收支和年末结转结余情况。
一、收入支出决算总体情况说明，本年度收入支出总计增加。
";
    let ts = find_layout_tables(text);
    assert_eq!(ts.len(), 1);
    let t = &ts[0];
    assert_eq!(t.kind, Some(IncomeExpenditureTotal));
    assert_eq!(
        t.rows.len(),
        7,
        "{:#?}",
        t.rows
            .iter()
            .map(|r| (&r.label, &r.side))
            .collect::<Vec<_>>()
    );
    cell_is(text, t, "一、一般公共服务支出", "支出/决算数", "264.87");
    cell_is(text, t, "三、国防支出", "决算数", "-16.77");
    cell_is(text, t, "本年收入合计", "决算数", "1,307.82");
    assert_eq!(t.cell("本年收入合计", "决算数").unwrap().decimals, 2);
    cell_none(t, "二、外交支出", "决算数");
    assert_eq!(
        t.rows_matching("三、国防支出")
            .next()
            .unwrap()
            .side
            .as_deref(),
        Some("支出")
    );
    assert!(!sp(text, t.span).contains("总体情况说明"));
    assert_eq!(t.notes.len(), 1);
}

#[test]
fn synthetic_wrapped_label_and_dropped_cell() {
    let text = "\
                  一般公共预算财政拨款支出决算表
                                         单位：万元
           项目
                        合计      基本支出     项目支出
  功能分类
                科目名称
  科目编码
            其他社会工作
 2013999               202.24            202.24
            事务支出
            机关事业单位
 208 05 05  基本养老保险      6.18     6.18
            缴费支出
 2101101    行政单位医疗      2.22     2.22
           合计          210.64   8.40    202.24
注：本表反映部门本年度一般公共预算财政拨款支出情况。
";
    let ts = find_layout_tables(text);
    assert_eq!(ts.len(), 1);
    let t = &ts[0];
    assert_eq!(t.rows.len(), 4);
    assert_eq!(label_of(t, "2013999"), "其他社会工作事务支出");
    cell_is(text, t, "2013999", "项目支出", "202.24");
    cell_none(t, "2013999", "基本支出");
    assert_eq!(label_of(t, "2080505"), "机关事业单位基本养老保险缴费支出");
    let r = t.rows_matching("2080505").next().unwrap();
    assert_eq!(sp(text, r.code_span.unwrap()), "208 05 05");
    assert_eq!(r.label_spans.len(), 3);
    cell_is(text, t, "合计", "基本支出", "8.40");
}

#[test]
fn synthetic_page_break_repeated_header_and_crlf() {
    let page1 = "\
                       2025年部门一般公共预算支出功能分类预算表
编制部门：上海市普陀区某部门                                       单位：元
                       项目                             一般公共预算支出
功能分类科目编码
                         功能分类科目名称      合计              基本支出             项目支出
类     款    项
201             一般公共服务支出              82,096,797.42     15,686,797.42   66,410,000.00
201   03   02   一般行政管理事务              46,140,000.00                     46,140,000.00
";
    let page2 = "\
\x0c                        项目                          一般公共预算支出
功能分类科目编码
                         功能分类科目名称    合计              基本支出             项目支出
类     款    项
210   11   01   行政单位医疗                782,855.28         782,855.28
                        合计          91,016,775.35     24,606,775.35   66,410,000.00
\x0c                          其他相关情况说明
  一、2025年“三公”经费预算情况说明
    2025年“三公”经费预算数为867.50万元，与2024年预算持平。
";
    let text = format!("{page1}{page2}");
    for text in [text.clone(), text.replace('\n', "\r\n")] {
        let ts = find_layout_tables(&text);
        assert_eq!(ts.len(), 1, "{ts:#?}");
        let t = &ts[0];
        assert_eq!(t.kind, Some(BudgetGeneralPublicFunctional));
        assert_eq!(t.rows.len(), 4);
        cell_is(&text, t, "2010302", "项目支出", "46,140,000.00");
        cell_none(t, "2010302", "基本支出");
        cell_is(&text, t, "2101101", "基本支出", "782,855.28");
        cell_none(t, "2101101", "项目支出");
        cell_is(&text, t, "合计", "一般公共预算支出/合计", "91,016,775.35");
        assert!(!sp(&text, t.span).contains("其他相关情况说明"));
    }
}

#[test]
fn synthetic_continuation_without_header() {
    let text = "\
                                      收入决算表
                                                                           单位：万元
            项目
                                                                         附属单位
  功能分类                    本年收入合计      财政拨款收入      上级补助收入   事业收入   经营收入          其他收入
                 科目名称                                                    上缴收入
  科目编码
            合计              9746.50     9746.50
208       社会保障和就业支出          754.75      754.75
\x0c212       城乡社区支出        3832.36   3832.36
21201     城乡社区管理事务      1092.80   1092.80
注：本表反映部门本年度取得的各项收入情况。
";
    let ts = find_layout_tables(text);
    assert_eq!(ts.len(), 1);
    let t = &ts[0];
    assert_eq!(t.rows.len(), 4);
    cell_is(text, t, "212", "财政拨款收入", "3832.36");
    cell_is(text, t, "21201", "本年收入合计", "1092.80");
    cell_none(t, "212", "上级补助收入");
}

// ---------------------------------------------------------------- robustness

fn assert_spans_ok(text: &str, ts: &[LayoutTable]) {
    for t in ts {
        let mut spans = vec![t.span, t.title_span];
        spans.extend(t.unit_span);
        spans.extend(t.empty_statement);
        spans.extend(t.columns.iter().filter_map(|c| c.span));
        for r in &t.rows {
            spans.extend(r.label_spans.iter().copied());
            spans.extend(r.code_span);
            spans.extend(r.cells.iter().flatten().map(|c| c.span));
        }
        for s in spans {
            assert!(s.start <= s.end);
            assert!(
                text.get(s.start as usize..s.end as usize).is_some(),
                "bad span {s:?}"
            );
        }
    }
}

#[test]
fn robustness_truncation_and_mutation() {
    if !corpus_present() {
        return;
    }
    let names = [
        "pt_ghzyj_2024_final_dept",
        "pt_shgzb_2024_final_dept",
        "template_2024_final_dept",
        "pt_wanli_2024_budget_dept",
        "pt_qfb_2025_budget_dept",
        "pt_sww_2025_budget_dept",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet: &[&[u8]] = &[
        b" ",
        b"  ",
        b"\n",
        b"\r\n",
        b"\x0c",
        b"0",
        b"7",
        b".",
        b",",
        b"-",
        b"|",
        b"\t",
        "表".as_bytes(),
        "合计".as_bytes(),
        "单位：万元".as_bytes(),
        "　".as_bytes(),
        &[0xE4],
        &[0x80],
        "注：".as_bytes(),
        "201 05 07".as_bytes(),
    ];
    for name in names {
        let text = std::fs::read_to_string(format!("{CORPUS}/{name}.layout.txt")).unwrap();
        // truncations at many points (char boundaries and raw bytes made lossy)
        let step = (text.len() / 60).max(1);
        let mut cut = 0;
        while cut < text.len() {
            let s = String::from_utf8_lossy(&text.as_bytes()[..cut]).into_owned();
            let ts = find_layout_tables(&s);
            assert_spans_ok(&s, &ts);
            let s2 = String::from_utf8_lossy(&text.as_bytes()[cut..]).into_owned();
            let ts2 = find_layout_tables(&s2);
            assert_spans_ok(&s2, &ts2);
            cut += step + (rnd() % 7) as usize;
        }
        // random byte-level mutations
        for _ in 0..25 {
            let mut b = text.as_bytes().to_vec();
            let n = 1 + (rnd() % 40) as usize;
            for _ in 0..n {
                if b.is_empty() {
                    break;
                }
                let at = (rnd() as usize) % b.len();
                match rnd() % 3 {
                    0 => {
                        b[at] = (rnd() % 256) as u8;
                    }
                    1 => {
                        let ins = alphabet[(rnd() as usize) % alphabet.len()];
                        b.splice(at..at, ins.iter().copied());
                    }
                    _ => {
                        let end = (at + (rnd() % 30) as usize).min(b.len());
                        b.drain(at..end);
                    }
                }
            }
            let s = String::from_utf8_lossy(&b).into_owned();
            let ts = find_layout_tables(&s);
            assert_spans_ok(&s, &ts);
        }
    }
    // degenerate inputs
    for s in [
        "",
        "\x0c",
        "表",
        "单位：万元\n表\n",
        "|||\n|||\n",
        "收入决算表\n单位：元\n\n\x0c\x0c",
        "301\n302\n",
    ] {
        let ts = find_layout_tables(s);
        assert_spans_ok(s, &ts);
    }
}

// --------------------------------------------- found by the layout variations

#[test]
fn a_dash_is_an_empty_cell_not_label_text() {
    let text = "\
                    部门财政拨款收支预算总表
                                                              单位：万元
          财政拨款收入                            财政拨款支出
     项目        预算数         项目          合计     一般公共预算
 一、一般公共预算资金    3.80    一、一般公共服务支出     0.19    0.19
 二、政府性基金          -    二、社会保障和就业支出    3.61    3.61
 收入总计          3.80    支出总计           3.80    3.80
";
    let ts = find_layout_tables(text);
    let t = table(&ts, BudgetFiscalTotal);
    cell_is(text, t, "二、社会保障和就业支出", "合计", "3.61");
    cell_none(t, "二、政府性基金", "预算数");
    assert!(t.rows.iter().all(|r| !r.label.contains('-')));
}

#[test]
fn two_headers_one_space_apart_are_two_columns() {
    // as in a corpus 单位预算: `政府性基金预算 国有资本经营预算` is one
    // fragment; unsplit, 政府性基金预算 was placed one column on from
    // 一般公共预算 and took its figures.
    let text = "\
                    部门财政拨款收支预算总表
                                                                          单位：元
       财政拨款收入                              财政拨款支出
     项目         预算数        项目           合计        一般公共预算          政府性基金预算 国有资本经营预算
一、一般公共预算资金 9,016.35 一、一般公共服务支出  8,096.42             8,096.42
二、政府性基金              二、社会保障和就业支出    920.00             920.00
   收入总计      9,016.35      支出总计     9,016.42         9,016.42
";
    let ts = find_layout_tables(text);
    let t = table(&ts, BudgetFiscalTotal);
    cell_is(text, t, "二、社会保障和就业支出", "一般公共预算", "920.00");
    cell_none(t, "二、社会保障和就业支出", "政府性基金预算");
}

#[test]
fn a_summary_label_wrapped_above_its_figures_is_one_row() {
    let text = "\
                    部门财务收支预算总表
                                                   单位：万元
               本年收入                       本年支出
       项目           预算数          项目             预算数
   一、财政拨款收入      4,513.30      一、一般公共服务支出   3,856.01
   1. 一般公共预算资
   金                4,513.30      二、住房保障支出       657.29
   收入总计          4,513.30      支出总计             4,513.30
";
    let ts = find_layout_tables(text);
    let t = table(&ts, BudgetFinanceTotal);
    cell_is(text, t, "1.一般公共预算资金", "预算数", "4,513.30");
    assert!(t.rows.iter().all(|r| r.label != "金"));
}

#[test]
fn header_words_over_two_lines_are_one_header() {
    let text = "\
                    一般公共预算财政拨款支出决算表
                                                     单位：万元
     科目      科目                合计          基本          项目
     编码      名称                              支出          支出
   201       一般公共服务支出    300.00                       300.00
             合计                300.00                       300.00
";
    let ts = find_layout_tables(text);
    let t = table(&ts, GeneralPublicExpenditure);
    cell_is(text, t, "201", "项目支出", "300.00");
    cell_none(t, "201", "基本支出");
}

#[test]
fn columns_printed_in_another_order_are_placed_by_their_headers() {
    // The form's order is 合计 | 人员经费 | 公用经费; this report prints
    // 公用经费 first. Taken by position, every 人员经费 figure became a
    // 公用经费 one.
    let text = "\
              部门一般公共预算基本支出部门预算经济分类预算表
                                                              单位：万元
   科目编码        科目名称                   合计            公用经费            人员经费
   301         工资福利支出             120.00                          120.00
   30101       基本工资                80.00                           80.00
   30102       津贴补贴                40.00                           40.00
   302         商品和服务支出             30.00           30.00
   30201       办公费                 30.00           30.00
               合计                 150.00           30.00          120.00
";
    let ts = find_layout_tables(text);
    let t = table(&ts, BudgetBasicEconomic);
    cell_is(text, t, "301", "人员经费", "120.00");
    cell_none(t, "301", "公用经费");
    cell_is(text, t, "30201", "公用经费", "30.00");
    cell_none(t, "30201", "人员经费");
    cell_is(text, t, "合计", "公用经费", "30.00");
    cell_is(text, t, "合计", "人员经费", "120.00");
    cell_is(text, t, "合计", "合计", "150.00");
    // The column keeps the span of its own header.
    let ci = t.column_index("人员经费", None).unwrap();
    assert_eq!(sp(text, t.columns[ci].span.unwrap()), "人员经费");
}

#[test]
fn a_reordered_header_that_is_not_word_for_word_is_not_placed() {
    // `人员` alone is no whole header: the printed order cannot be read
    // column by column, and taking the form's order would put the 人员经费
    // figures under 公用经费 with every sum still holding. Not judged.
    let text = "\
              部门一般公共预算基本支出部门预算经济分类预算表
                                                              单位：万元
   科目编码        科目名称                   合计            公用经费              人员
   301         工资福利支出             120.00                          120.00
   302         商品和服务支出             30.00           30.00
               合计                 150.00           30.00          120.00
";
    let ts = find_layout_tables(text);
    let t = table(&ts, BudgetBasicEconomic);
    assert!(t.order_unknown);
    let doc = crate::document::parse(text);
    let v = &doc.tables[0].verdict;
    assert_eq!(v.reliability, Reliability::Unreliable, "{v:?}");
}

#[test]
fn a_header_in_the_form_order_is_not_out_of_order() {
    // The same table with its headers in the form's order is placed as
    // before (`人员` abbreviated is found by its prefix).
    let text = "\
              部门一般公共预算基本支出部门预算经济分类预算表
                                                              单位：万元
   科目编码        科目名称                   合计              人员            公用经费
   301         工资福利支出             120.00          120.00
   302         商品和服务支出             30.00                           30.00
               合计                 150.00          120.00           30.00
";
    let ts = find_layout_tables(text);
    let t = table(&ts, BudgetBasicEconomic);
    assert!(!t.order_unknown);
    cell_is(text, t, "302", "公用经费", "30.00");
    cell_none(t, "302", "人员经费");
}

/// A page without a header whose figures, at a scale of their own, fill
/// fewer columns than the table has, and not those of the page before:
/// they are placed by guess (as the first columns), which puts the
/// 对附属单位补助支出 figures in a column before their own with every sum
/// still holding: the total row is on that page too.
const GUESSED_PAGE: &str = "\
                     支出决算表
                                                            单位：万元
  科目编码      科目名称                  本年支出合计        基本支出        项目支出        上缴上级支出        经营支出     对附属单位补助支出
  201       一般公共服务支出              300.00      300.00
  20101     人大事务                  300.00      300.00
\u{c}  208       社会保障和就业支出    50.00                                   50.00
  20805     行政事业单位养老支出   50.00                                   50.00
            合计          350.00  300.00                           50.00
";

#[test]
fn figures_placed_by_guess_without_a_total_placed_by_the_header_are_unplaced() {
    let ts = find_layout_tables(GUESSED_PAGE);
    let t = table(&ts, Expenditure);
    assert_eq!(t.unplaced_pages, vec![1]);
    // The gate does not judge such a table, whatever its sums say.
    let doc = crate::document::parse(GUESSED_PAGE);
    let v = &doc.tables[0].verdict;
    assert_eq!(v.reliability, Reliability::Unreliable, "{v:?}");
    assert!(
        v.reason.as_deref().unwrap_or("").contains("第 2 页"),
        "{v:?}"
    );
}

#[test]
fn figures_placed_by_guess_under_a_total_placed_by_the_header_are_vouched_for() {
    // The 合计 row sits on the header's page: a figure moved on the next
    // page would break its column's sum, so the guess is checked by the gate.
    let text = "\
                     支出决算表
                                                            单位：万元
  科目编码      科目名称                  本年支出合计        基本支出        项目支出        上缴上级支出        经营支出     对附属单位补助支出
            合计                    350.00      300.00       50.00
  208       社会保障和就业支出              50.00                   50.00
  20805     行政事业单位养老支出             50.00                   50.00
\u{c}  201       一般公共服务支出    300.00  300.00
  20101     人大事务        300.00  300.00
";
    let ts = find_layout_tables(text);
    let t = table(&ts, Expenditure);
    assert!(t.unplaced_pages.is_empty());
    cell_is(text, t, "201", "基本支出", "300.00");
    let doc = crate::document::parse(text);
    assert_eq!(doc.tables[0].verdict.reliability, Reliability::Reliable);
}

/// A row with more figures than its side has columns (a report that prints
/// 合计 | 基本支出 | 项目支出 where the form has one 预算数): the figures that
/// fit no column were dropped, silently, and the rest read one column off.
/// Now the table names the first dropped figure and is not judged.
#[test]
fn a_figure_taken_into_no_column_makes_the_table_unreliable() {
    let text = "\
                     部门财务收支预算总表
                                                            单位：元
    项目             预算数               项目                                预算数
一、财政拨款收入         300.00 一、一般公共服务支出    300.00   100.00   200.00
                                                   
   收入总计          300.00      支出总计     300.00   100.00   200.00
";
    let ts = find_layout_tables(text);
    let t = table(&ts, BudgetFinanceTotal);
    let (page, figure) = t.dropped_figure.clone().expect("a figure was dropped");
    assert_eq!(page, 0);
    assert!(["300.00", "100.00", "200.00"].contains(&figure.as_str()));
    let doc = crate::document::parse(text);
    let v = &doc.tables[0].verdict;
    assert_eq!(v.reliability, Reliability::Unreliable, "{v:?}");
    assert!(
        v.reason
            .as_deref()
            .unwrap_or("")
            .contains("未能归入任何一栏"),
        "{v:?}"
    );
}

#[test]
fn figures_that_fit_their_columns_drop_nothing() {
    let ts = find_layout_tables(GUESSED_PAGE);
    assert_eq!(table(&ts, Expenditure).dropped_figure, None);
}

/// The national 决算 template prints a 行次 column of row numbers beside
/// the figures (`项目 | 行次 | 决算数`): they are no figures of the table,
/// neither taken into a column nor dropped as figures that fit none.
#[test]
fn row_numbers_under_a_row_number_header_are_no_figures() {
    let text = "\
                              收入支出决算总表
编制部门：上海市普陀区示例局                                              单位：万元
                 收入                                          支出
    项目               行次          决算数    项目                   行次          决算数
    一、财政拨款收入          1       100.00    一、一般公共服务支出           28       100.00
    二、上级补助收入          2                 二、社会保障和就业支出          29
    本年收入合计            6       100.00    本年支出合计               57       100.00
";
    let ts = find_layout_tables(text);
    let t = table(&ts, IncomeExpenditureTotal);
    assert_eq!(t.dropped_figure, None);
    cell_is(text, t, "一、一般公共服务支出", "决算数", "100.00");
    cell_none(t, "二、社会保障和就业支出", "决算数");
    let doc = crate::document::parse(text);
    assert_eq!(doc.tables[0].verdict.reliability, Reliability::Reliable);
}
