//! The sample report through the parser: facts with their exact byte spans,
//! links, tables, and the same facts from all three encodings.

mod common;

use common::*;
use gouji::document::{parse, Direction, Document, Fact, FactKind, Role};
use gouji::source::{Encoding, SourceFile};

fn sample() -> (SourceFile, Document) {
    let bytes = std::fs::read(SAMPLE).unwrap();
    let src = SourceFile::from_bytes(SAMPLE, &bytes, None).unwrap();
    let doc = parse(&src.text);
    (src, doc)
}

/// The value fact with this label and written text, asserting its exact span.
fn value<'a>(src: &SourceFile, doc: &'a Document, label: &str, written: &str) -> &'a Fact {
    let f = doc
        .facts
        .iter()
        .find(|f| f.role == Role::Value && f.label == label && src.slice(f.span) == written)
        .unwrap_or_else(|| panic!("no fact {label} {written}"));
    let at = src
        .text
        .find(&format!("{label}{written}"))
        .map(|i| i + label.len());
    if let Some(at) = at {
        assert_eq!(f.span.start as usize, at, "{label} span start");
    }
    assert_eq!(f.span.len(), written.len());
    f
}

#[test]
fn basic_expenditure_with_its_share() {
    let (src, doc) = sample();
    let f = value(&src, &doc, "基本支出", "242.27万元");
    // Line 14 of the sample: the 支出情况 paragraph.
    assert_eq!(src.line_col(f.span.start).line, 14);
    // Byte offset computed independently (python: find("其中：基本支出242.27万元") + len("其中：基本支出")).
    assert_eq!(f.span.start, 2337);
    assert_eq!(f.number.as_ref().unwrap().value.to_string(), "242.27");
    assert_eq!(f.number.as_ref().unwrap().decimals, 2);
    let share = &doc.facts[f.links.share.unwrap()];
    assert_eq!(share.kind, FactKind::Share);
    assert_eq!(src.slice(share.span), "78.41%");
    assert_eq!(share.links.of, Some(f.id));
    // Its total: 本年支出合计 308.97.
    let total = &doc.facts[f.links.total.unwrap()];
    assert_eq!(total.label, "支出合计");
    assert_eq!(src.slice(total.span), "308.97万元");
}

#[test]
fn personnel_costs_with_change_against_prior_year() {
    let (src, doc) = sample();
    let f = value(&src, &doc, "人员经费", "211.73万元");
    assert_eq!(f.span.start, 5463);
    assert_eq!(f.links.changes.len(), 1);
    let c = &doc.facts[f.links.changes[0]];
    let ch = c.change.as_ref().unwrap();
    assert_eq!(ch.direction, Direction::Increase);
    assert_eq!(ch.base.as_deref(), Some("上年决算数"));
    let delta = &doc.facts[ch.delta.unwrap()];
    let rate = &doc.facts[ch.rate.unwrap()];
    assert_eq!(src.slice(delta.span), "10.96万元");
    assert_eq!(src.slice(rate.span), "5.46%");
    assert_eq!(
        delta.span.start as usize,
        src.text.find("10.96万元").unwrap()
    );
    assert_eq!(rate.span.start as usize, src.text.find("5.46%").unwrap());
    // 人员经费 is an item of 一般公共预算财政拨款基本支出.
    assert_eq!(
        doc.facts[f.links.total.unwrap()].label,
        "一般公共预算财政拨款基本支出"
    );
}

#[test]
fn health_expenditure_share_and_decrease_against_budget() {
    let (src, doc) = sample();
    let f = value(&src, &doc, "卫生健康支出", "11.95万元");
    assert_eq!(src.slice(doc.facts[f.links.share.unwrap()].span), "3.87%");
    let ch = doc.facts[f.links.changes[0]].change.as_ref().unwrap();
    assert_eq!(ch.direction, Direction::Decrease);
    assert_eq!(ch.base.as_deref(), Some("年初预算数"));
    assert_eq!(src.slice(doc.facts[ch.delta.unwrap()].span), "0.05万元");
    assert_eq!(src.slice(doc.facts[ch.rate.unwrap()].span), "0.42%");
    // An item of the enumerated 功能分类 list.
    assert_eq!(
        doc.facts[f.links.total.unwrap()].label,
        "一般公共预算财政拨款支出"
    );
}

#[test]
fn self_evaluation_table_cell_by_header() {
    let (src, doc) = sample();
    let table = doc
        .tables
        .iter()
        .find(|t| t.has_header("指标得分"))
        .unwrap();
    assert_eq!(table.title.as_deref(), Some("2024年度项目绩效自评表"));
    let row = table.row("保证正常办公率").unwrap();
    let cell = row.get("指标得分（分）").unwrap();
    assert_eq!(cell.number.as_ref().unwrap().value.to_string(), "30");
    assert_eq!(src.slice(cell.span), "30");
    // The cell on line 191 of the sample: `\t30`.
    assert_eq!(src.line_col(cell.span.start).line, 191);
    assert_eq!(src.line_col(cell.span.start).column, 2);
    // Header keys have their line breaks removed: `执行率\n（%）`.
    assert!(table.headers().contains(&"执行率(%)"));
    let funding = table.row("其中：财政拨款").unwrap();
    assert_eq!(funding.get("全年执行数").unwrap().key, "50.7");
}

#[test]
fn count_of_projects_in_the_performance_section() {
    let (src, doc) = sample();
    let f = doc
        .facts
        .iter()
        .find(|f| f.kind == FactKind::Count && f.label == "项目")
        .unwrap();
    assert_eq!(src.slice(f.span), "2个");
    assert_eq!(f.number.as_ref().unwrap().value.to_string(), "2");
    assert!(doc
        .section_path(f.section)
        .iter()
        .any(|p| p.contains("绩效")));
}

#[test]
fn section_tree_survives_mixed_numbering() {
    let (_, doc) = sample();
    let titles = |level: usize| -> Vec<&str> {
        doc.sections
            .iter()
            .filter(|s| s.level == level)
            .map(|s| s.title.as_str())
            .collect()
    };
    assert_eq!(
        titles(1),
        vec![
            "单位基本情况",
            "部门决算情况",
            "“三公”经费情况",
            "其他需要说明的事项",
            "预算绩效管理情况",
            "专业名词解释",
            "决算公开联系方式"
        ]
    );
    let s = doc
        .sections
        .iter()
        .find(|s| s.title == "一般公共预算财政拨款基本支出情况")
        .unwrap();
    assert_eq!(
        doc.section_path(s.id),
        vec!["部门决算情况", "一般公共预算财政拨款基本支出情况"]
    );
    let s = doc.sections.iter().find(|s| s.title == "机构设置").unwrap();
    assert_eq!(doc.section_path(s.id), vec!["单位基本情况", "机构设置"]);
    assert_eq!(doc.path_key(s.id), "单位基本情况/机构设置");
    assert!(doc.section_path(0).is_empty());
    // Built one section from its parent's, each key is the walked-up one.
    let mut seen = 0;
    doc.for_each_path_key(|id, key| {
        assert_eq!(key, doc.path_key(id), "section {id}");
        seen += 1;
    });
    assert_eq!(seen, doc.sections.len());
    let flags = doc.scope_flags(&["基本支出".into()]);
    for (id, &inside) in flags.iter().enumerate() {
        assert_eq!(
            inside,
            doc.path_key(id).contains("基本支出"),
            "section {id}"
        );
    }
    assert!(flags.iter().any(|&f| f) && !flags.iter().all(|&f| f));
}

#[test]
fn three_encodings_give_identical_facts() {
    let read = |p: &str| {
        let bytes = std::fs::read(p).unwrap();
        let src = SourceFile::from_bytes(p, &bytes, None).unwrap();
        let doc = parse(&src.text);
        (src, doc)
    };
    let (u8src, u8doc) = read(SAMPLE);
    let (gbsrc, gbdoc) = read("fixtures/jiangjin_egov_2024_final.gb18030.txt");
    let (u16src, u16doc) = read("fixtures/jiangjin_egov_2024_final.utf16le-crlf.txt");
    assert_eq!(gbsrc.encoding, Encoding::Gb18030);
    assert_eq!(u16src.encoding, Encoding::Utf16Le);
    assert_eq!(u8doc.facts.len(), gbdoc.facts.len());
    assert_eq!(u8doc.facts.len(), u16doc.facts.len());
    for ((a, b), c) in u8doc.facts.iter().zip(&gbdoc.facts).zip(&u16doc.facts) {
        assert_eq!((a.kind, &a.label, a.value()), (b.kind, &b.label, b.value()));
        assert_eq!((a.kind, &a.label, a.value()), (c.kind, &c.label, c.value()));
        // GB18030 decodes to the same text: identical spans.
        assert_eq!(a.span, b.span);
        // CRLF shifts the spans; each points at the same text in its own source.
        assert_eq!(u8src.slice(a.span), u16src.slice(c.span));
        assert_eq!(u8src.line_col(a.span.start), u16src.line_col(c.span.start));
    }
}

#[test]
fn every_figure_of_the_sample_has_a_label() {
    let (src, doc) = sample();
    let unlabelled: Vec<&str> = doc
        .facts
        .iter()
        .filter(|f| f.kind != FactKind::Change && f.label.is_empty())
        .map(|f| src.slice(f.span))
        .collect();
    assert!(unlabelled.is_empty(), "facts without label: {unlabelled:?}");
}

/// A 2 MB report holds some 23,000 facts: each one's size is memory.
/// (480 bytes while a fact held its change inline; 376 with it boxed.)
#[test]
fn a_fact_stays_small() {
    assert!(
        std::mem::size_of::<Fact>() <= 400,
        "a Fact is {} bytes",
        std::mem::size_of::<Fact>()
    );
}
