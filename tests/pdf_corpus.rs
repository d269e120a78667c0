//! The corpus PDFs (../shared/corpus) read directly, against the
//! `pdftotext -layout` text of the same report (whose tables and findings
//! tests/corpus.rs and tests/corpus_tables.rs confirm by hand):
//!
//! * the same standard tables, with the same title and unit;
//! * every table the gate finds reliable from the text is reliable from
//!   the PDF, and every cell of it that both read is the same figure;
//! * a few cells per document written out as data (checked against the page
//!   images, `pdftoppm -png -r 80`);
//! * the same warnings and errors — except where the PDF removes a
//!   misreading of the text (listed below with the reason).
//!
//! Skips with a message when the corpus folder is absent.

#![cfg(feature = "pdf")]

mod common;

use common::{corpus_present, shipped, CORPUS};
use gouji::diagnostic::{Outcome, Severity};
use gouji::document::{Document, RowKind, Table};
use gouji::source::SourceFile;
use std::collections::BTreeMap;

const DOCS: [&str; 7] = [
    "pt_ghzyj_2024_final_dept",
    "pt_shgzb_2024_final_dept",
    "template_2024_final_dept",
    "pt_wanli_2024_budget_dept",
    "pt_qfb_2025_budget_dept",
    "pt_sww_2025_budget_dept",
    "pt_qfb_2025_budget_unit",
];

fn from_pdf(name: &str) -> SourceFile {
    let path = format!("{CORPUS}/{name}.pdf");
    let bytes = std::fs::read(&path).unwrap();
    gouji::input::read(path, &bytes, None)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .source
}

fn from_text(name: &str) -> SourceFile {
    let path = format!("{CORPUS}/{name}.layout.txt");
    let bytes = std::fs::read(&path).unwrap();
    gouji::input::read(path, &bytes, None).unwrap().source
}

fn standard(doc: &Document) -> Vec<(String, Option<String>, Option<String>)> {
    let mut v: Vec<_> = doc
        .tables
        .iter()
        .filter_map(|t| Some((t.kind.clone()?, t.title.clone(), t.unit.clone())))
        .collect();
    v.sort();
    v
}

/// (row key, column key) → figure, for the data rows of a table.
fn cells(t: &Table) -> BTreeMap<(String, String), String> {
    let mut m = BTreeMap::new();
    for r in t.rows.iter().filter(|r| r.kind != RowKind::Header) {
        let key = format!(
            "{}|{}|{}",
            r.side.as_deref().unwrap_or(""),
            r.code.as_deref().unwrap_or(""),
            r.label.as_deref().unwrap_or("")
        );
        for c in &r.cells {
            if c.number.is_some() {
                m.insert((key.clone(), c.key.clone()), c.text.clone());
            }
        }
    }
    m
}

#[test]
fn corpus_pdfs_give_the_tables_of_their_text() {
    if !corpus_present() {
        return;
    }
    for name in DOCS {
        let (p, t) = (from_pdf(name), from_text(name));
        let (dp, dt) = (
            gouji::document::parse(&p.text),
            gouji::document::parse(&t.text),
        );
        assert_eq!(standard(&dp), standard(&dt), "{name}: standard tables");
        assert!(!standard(&dp).is_empty(), "{name}");
        for tt in dt.tables.iter().filter(|t| t.kind.is_some()) {
            let tp = dp
                .tables
                .iter()
                .find(|x| x.kind == tt.kind && x.title == tt.title)
                .unwrap();
            if tt.verdict.usable() {
                assert!(
                    tp.verdict.usable(),
                    "{name}: {:?} reliable from text, not from PDF: {:?}",
                    tt.kind,
                    tp.verdict
                );
            }
            if tt.verdict.usable() && tp.verdict.usable() {
                let (cp, ct) = (cells(tp), cells(tt));
                let mut shared = 0;
                for (k, v) in &ct {
                    if let Some(w) = cp.get(k) {
                        assert_eq!(w, v, "{name}: {:?} {k:?}", tt.kind);
                        shared += 1;
                    }
                }
                // Most cells are found under the same row and column.
                assert!(
                    shared * 10 >= ct.len() * 9,
                    "{name}: {:?}: {shared} of {} cells",
                    tt.kind,
                    ct.len()
                );
            }
        }
    }
}

/// Cells read from the PDFs, written out: the shgzb ones checked by eye
/// against the page image (`pdftoppm -png -r 80 -f 12 -l 12`), the ghzyj
/// ones are cells tests/corpus_tables.rs confirms, the qfb ones read off the
/// printed rows of the .layout.txt.
#[test]
fn corpus_pdf_cells_as_printed() {
    if !corpus_present() {
        return;
    }
    // (report, table, row code or label, column, printed)
    let exp: &[(&str, &str, &str, &str, &str)] = &[
        // shgzb p.12: labels wrapped over two or three lines in their cells,
        // the figures centred beside them.
        (
            "pt_shgzb_2024_final_dept",
            "一般公共预算财政拨款支出决算表",
            "2013999",
            "项目支出",
            "202.24",
        ),
        (
            "pt_shgzb_2024_final_dept",
            "一般公共预算财政拨款支出决算表",
            "2080505",
            "合计",
            "6.18",
        ),
        (
            "pt_shgzb_2024_final_dept",
            "一般公共预算财政拨款支出决算表",
            "合计",
            "基本支出",
            "105.58",
        ),
        (
            "pt_ghzyj_2024_final_dept",
            "收入决算表",
            "2080505",
            "财政拨款收入",
            "446.11",
        ),
        (
            "pt_ghzyj_2024_final_dept",
            "支出决算表",
            "212",
            "项目支出",
            "2259.65",
        ),
        (
            "pt_qfb_2025_budget_unit",
            "部门收入预算总表",
            "20103",
            "合计",
            "82,096,797.42",
        ),
        (
            "pt_qfb_2025_budget_unit",
            "部门支出预算总表",
            "2010301",
            "项目支出",
            "110,000.00",
        ),
    ];
    for &(name, kind, key, col, printed) in exp {
        let src = from_pdf(name);
        let doc = gouji::document::parse(&src.text);
        let t = doc
            .tables
            .iter()
            .find(|t| t.kind.as_deref() == Some(kind))
            .unwrap_or_else(|| panic!("{name}: no {kind}"));
        let r = if key.chars().all(|c| c.is_ascii_digit()) {
            t.rows.iter().find(|r| r.code.as_deref() == Some(key))
        } else {
            t.row(key)
        }
        .unwrap_or_else(|| panic!("{name}: {kind}: no row {key}"));
        let c = r
            .get(col)
            .unwrap_or_else(|| panic!("{name}: {kind}: no cell ({key}, {col})"));
        assert_eq!(c.text, printed, "{name}: {kind} ({key}, {col})");
        assert_eq!(&src.text[c.span.range()], printed);
        let b = src.box_of(c.span).expect("a PDF cell has a box");
        assert!(b.page >= 1 && b.bbox[0] < b.bbox[2], "{b:?}");
        if name == "pt_shgzb_2024_final_dept" {
            assert_eq!(b.page, 12, "{key}");
        }
    }
    // The wrapped labels come back whole.
    let src = from_pdf("pt_shgzb_2024_final_dept");
    let doc = gouji::document::parse(&src.text);
    let t = doc
        .tables
        .iter()
        .find(|t| t.kind.as_deref() == Some("一般公共预算财政拨款支出决算表"))
        .unwrap();
    for (code, label) in [
        ("2013999", "其他社会工作事务支出"),
        ("2080505", "机关事业单位基本养老保险缴费支出"),
        ("2080506", "机关事业单位职业年金缴费支出"),
    ] {
        let r = t
            .rows
            .iter()
            .find(|r| r.code.as_deref() == Some(code))
            .unwrap();
        assert_eq!(r.label.as_deref(), Some(label));
    }
}

fn findings(src: &SourceFile) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> =
        gouji::check::check_source(src, shipped(), &gouji::config::Config::default())
            .diagnostics
            .iter()
            .filter(|d| d.outcome == Outcome::Finding && d.severity >= Severity::Warning)
            .map(|d| (d.code.clone(), d.message.clone()))
            .collect();
    v.sort();
    v
}

#[test]
fn corpus_pdfs_give_the_findings_of_their_text() {
    if !corpus_present() {
        return;
    }
    for name in DOCS {
        let (p, t) = (findings(&from_pdf(name)), findings(&from_text(name)));
        let new: Vec<_> = p.iter().filter(|f| !t.contains(f)).collect();
        assert!(
            new.is_empty(),
            "{name}: findings only from the PDF: {new:#?}"
        );
        let gone: Vec<_> = t.iter().filter(|f| !p.contains(f)).collect();
        // Both paths now read the same: the text path's misread of the
        // qfb unit's 财政拨款收支预算总表 (two headers one space apart) was
        // mended in the table parser, and its four false errors went with it.
        assert!(
            gone.is_empty(),
            "{name}: findings lost from the PDF: {gone:#?}"
        );
    }
}
