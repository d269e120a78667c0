//! Generated PDFs with known cells (tests/pdfgen/gen.py, committed under
//! fixtures/pdf/): every cell read from the PDF is the cell printed, or the
//! table abstains (the gate finds it unreliable) — never a wrong cell.

#![cfg(feature = "pdf")]

use gouji::document::{Document, Row, RowKind, Table};

fn read(name: &str) -> (String, Document) {
    let path = format!("fixtures/pdf/{name}.pdf");
    let bytes = std::fs::read(&path).expect("fixture");
    let x = gouji::input::read(path, &bytes, None).expect("reads");
    let doc = gouji::document::parse(&x.source.text);
    (x.source.text, doc)
}

fn table<'a>(doc: &'a Document, kind: &str) -> Option<&'a Table> {
    doc.tables.iter().find(|t| t.kind.as_deref() == Some(kind))
}

fn row<'a>(t: &'a Table, key: &str, side: Option<&str>) -> Option<&'a Row> {
    if key.chars().all(|c| c.is_ascii_digit()) {
        t.rows.iter().find(|r| r.code.as_deref() == Some(key))
    } else {
        t.rows.iter().find(|r| {
            r.kind != RowKind::Header
                && side.is_none_or(|s| r.side.as_deref() == Some(s))
                && r.label.as_deref() == Some(gouji::document::text::fold(key).as_str())
        })
    }
}

/// (row key, side, column, printed figure or "" for a blank cell)
type Expect<'a> = [(&'a str, Option<&'a str>, &'a str, &'a str)];

/// Every expected cell is recovered exactly.
fn exact(text: &str, t: &Table, exp: &Expect) {
    assert!(t.verdict.usable(), "{:?}: {:?}", t.kind, t.verdict);
    for &(key, side, col, printed) in exp {
        let r = row(t, key, side).unwrap_or_else(|| panic!("{:?}: no row {key}", t.kind));
        match r.get(col) {
            Some(c) => {
                assert_eq!(c.text, printed, "{:?} ({key}, {col})", t.kind);
                assert_eq!(&text[c.span.range()], printed);
            }
            None => assert_eq!(printed, "", "{:?} ({key}, {col}) read blank", t.kind),
        }
    }
}

/// The general budget table of gen.py: (code, 合计, 基本支出, 项目支出).
const GPB: [(&str, &str, &str, &str); 10] = [
    ("201", "264.87", "62.63", "202.24"),
    ("20139", "264.87", "62.63", "202.24"),
    ("2013901", "51.32", "51.32", ""),
    ("2013950", "11.31", "11.31", ""),
    ("2013999", "202.24", "", "202.24"),
    ("208", "10.82", "10.82", ""),
    ("20805", "10.82", "10.82", ""),
    ("2080505", "6.18", "6.18", ""),
    ("2080506", "4.64", "4.64", ""),
    ("合计", "275.69", "73.45", "202.24"),
];

fn gpb_expect() -> Vec<(
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
)> {
    GPB.iter()
        .flat_map(|&(k, a, b, p)| {
            [
                (k, None, "合计", a),
                (k, None, "基本支出", b),
                (k, None, "项目支出", p),
            ]
        })
        .collect()
}

const GPB_NAME: &str = "一般公共预算财政拨款支出决算表";

#[test]
fn wrapped_labels_with_centred_figures() {
    let (text, doc) = read("wrapped");
    let t = table(&doc, GPB_NAME).expect("table found");
    exact(&text, t, &gpb_expect());
    // Labels wrapped over two to four lines in their cell come back whole.
    for (code, label) in [
        ("201", "一般公共服务支出"),
        ("2013999", "其他社会工作事务支出"),
        ("2080505", "机关事业单位基本养老保险缴费支出"),
    ] {
        assert_eq!(row(t, code, None).unwrap().label.as_deref(), Some(label));
    }
}

#[test]
fn no_ruling_lines() {
    let (text, doc) = read("bare");
    let t = table(&doc, GPB_NAME).expect("table found");
    exact(&text, t, &gpb_expect());
}

#[test]
fn two_sided_table() {
    let (text, doc) = read("two_sided");
    let t = table(&doc, "收入支出决算总表").expect("table found");
    exact(
        &text,
        t,
        &[
            (
                "一、一般公共预算财政拨款收入",
                None,
                "收入/决算数",
                "307.82",
            ),
            ("二、政府性基金预算财政拨款收入", None, "收入/决算数", ""),
            ("一、一般公共服务支出", None, "支出/决算数", "264.87"),
            ("八、社会保障和就业支出", None, "支出/决算数", "10.82"),
            ("九、卫生健康支出", None, "支出/决算数", "2.71"),
            ("十九、住房保障支出", None, "支出/决算数", "29.42"),
            ("二、外交支出", None, "支出/决算数", ""),
            ("本年收入合计", None, "收入/决算数", "307.82"),
            ("本年支出合计", None, "支出/决算数", "307.82"),
        ],
    );
}

#[test]
fn table_over_two_pages_never_gives_a_wrong_cell() {
    let (text, doc) = read("two_pages");
    // gen.py: 12 groups 213kk of three items 213kkjj = 10k + 0.37j (万元).
    let mut exp: Vec<(String, String)> = Vec::new();
    for k in 1..=12u32 {
        let mut sum = 0u32;
        for j in 1..=3u32 {
            let c = 1000 * k + 37 * j;
            sum += c;
            exp.push((
                format!("213{k:02}{j:02}"),
                format!("{}.{:02}", c / 100, c % 100),
            ));
        }
        exp.push((
            format!("213{k:02}"),
            format!("{}.{:02}", sum / 100, sum % 100),
        ));
    }
    let Some(t) = table(&doc, GPB_NAME).filter(|t| t.verdict.usable()) else {
        return; // the table abstains: allowed, as long as no cell is wrong
    };
    let mut found = 0;
    for (code, v) in &exp {
        if let Some(c) = row(t, code, None).and_then(|r| r.get("合计")) {
            assert_eq!(&c.text, v, "({code}, 合计)");
            assert_eq!(&text[c.span.range()], v);
            found += 1;
        }
    }
    assert!(found > 0, "a usable table with none of its rows");
}
