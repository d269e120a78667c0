//! Word and spreadsheet input: files generated from the content of
//! committed text reports (tests/officegen/mod.rs) read back into the same text,
//! the same document model and the same findings on the same figures; bad
//! files each with their message, never a panic.

mod common;
mod officegen;

use common::*;
use gouji::check::check_source;
use gouji::config::Config;
use gouji::input::office::OfficeError;
use gouji::input::InputError;
use gouji::source::SourceFile;
use officegen::*;

fn read(name: &str, bytes: &[u8]) -> SourceFile {
    gouji::input::read(name, bytes, None)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .source
}

fn read_err(name: &str, bytes: &[u8]) -> InputError {
    match gouji::input::read(name, bytes, None) {
        Ok(x) => panic!(
            "{name} read: {:?}",
            &x.source.text[..x.source.text.len().min(200)]
        ),
        Err(e) => e,
    }
}

/// A report's findings as (code, severity, message, the figure its
/// primary label points at): independent of where the figure is.
fn findings_of(src: &SourceFile) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = check_source(src, shipped(), &Config::default())
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.clone(),
                d.severity.as_str().to_owned(),
                d.message.clone(),
                d.primary_span()
                    .map(|s| src.slice(s).to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The seed's Word-export text as Word would hold it: its performance
/// table with merged cells, and the contact line in a text box.
fn seed_blocks() -> Vec<Block> {
    let text = sample_text();
    let mut blocks = word_text_blocks(&text, true);
    let at = blocks
        .iter()
        .position(|b| matches!(b, Block::Para(t) if t.starts_with("联系人：苏杨")))
        .expect("contact line");
    let Block::Para(contact) = blocks.remove(at) else {
        unreachable!()
    };
    let Block::Para(anchor) = blocks[at - 1].clone() else {
        panic!("the line before the contact line is a paragraph")
    };
    blocks[at - 1] = Block::WithBox(anchor, vec![contact]);
    blocks
}

/// The seed's text as a Word rendering gives it back: the bookmark Word
/// leaves in the file is no text, and no line ends in spaces.
fn seed_expected() -> String {
    let text = sample_text().replace("[bookmark: _GoBack]", "");
    let out: Vec<&str> = text.lines().map(|l| l.trim_end_matches(' ')).collect();
    out.join("\n") + "\n"
}

/// Two texts are equal, told line by line (the texts are long).
fn same_text(got: &str, want: &str) {
    for (i, (a, b)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(a, b, "line {}", i + 1);
    }
    assert_eq!(got.lines().count(), want.lines().count(), "line count");
    assert_eq!(got, want);
}

#[test]
fn seed_as_docx_reads_back_as_its_text_with_the_same_findings() {
    let bytes = docx(&seed_blocks(), WORD);
    let src = read("seed.docx", &bytes);
    same_text(&src.text, &seed_expected());
    let text_src = SourceFile::new("seed.txt", seed_expected(), gouji::source::Encoding::Utf8);
    let want = findings_of(&text_src);
    assert!(
        want.iter().any(|f| f.1 == "warning"),
        "the seed has a real finding (the missing 自评表): {want:#?}"
    );
    assert_eq!(findings_of(&src), want);
    // The table is parsed as from the text: the 自评表 with its cells.
    let doc = gouji::document::parse(&src.text);
    let tdoc = gouji::document::parse(&text_src.text);
    assert_eq!(doc.tables.len(), tdoc.tables.len());
    for (a, b) in doc.tables.iter().zip(&tdoc.tables) {
        assert_eq!(a.rows.len(), b.rows.len());
        assert_eq!(a.span, b.span);
    }
}

#[test]
fn seed_as_wps_file_reads_the_same() {
    let bytes = docx(&seed_blocks(), WPS);
    let src = read("seed-wps.docx", &bytes);
    same_text(&src.text, &seed_expected());
}

#[test]
fn another_prefix_and_main_part_read_the_same() {
    let style = Style {
        prefix: "ns0",
        main: "word/document2.xml",
        wps: false,
    };
    let bytes = docx(&seed_blocks(), style);
    same_text(&read("other.docx", &bytes).text, &seed_expected());
}

#[test]
fn native_locators_name_paragraphs_and_table_cells() {
    let bytes = docx(&seed_blocks(), WORD);
    let src = read("seed.docx", &bytes);
    let loc = |needle: &str| {
        let at = src.text.find(needle).unwrap();
        src.native_of(gouji::source::Span::new(at, at + needle.len()))
            .map(|l| l.to_string())
            .unwrap()
    };
    // Line n of the text is paragraph n while no table came before.
    let line = src.text[..src.text.find("收入支出总体情况").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(loc("收入支出总体情况"), format!("第 {line} 段"));
    // 全年执行数 50.7 of the 自评表: its table cell, with the grid column.
    let l = loc("电子政务网络光纤租赁");
    assert!(l.starts_with("表格 1 第 1 行第 2 列，第 "), "{l}");
}

#[test]
fn automatic_numbering_makes_the_headings() {
    let blocks = vec![
        Block::Numbered {
            num_id: 1,
            ilvl: 0,
            text: "部门决算情况".into(),
        },
        Block::Numbered {
            num_id: 1,
            ilvl: 1,
            text: "部门收支总体情况".into(),
        },
        Block::Para("2024年度收入总计308.97万元，较上年增加17.75万元，增长6.10%。".into()),
        Block::Numbered {
            num_id: 1,
            ilvl: 1,
            text: "财政拨款收支总体情况".into(),
        },
        Block::Numbered {
            num_id: 1,
            ilvl: 2,
            text: "收入情况。".into(),
        },
        Block::Numbered {
            num_id: 1,
            ilvl: 0,
            text: "其他需要说明的事项".into(),
        },
    ];
    let src = read("numbered.docx", &docx(&blocks, WORD));
    assert_eq!(
        src.text,
        "一、部门决算情况\n（一）部门收支总体情况\n2024年度收入总计308.97万元，较上年增加17.75万元，增长6.10%。\n（二）财政拨款收支总体情况\n1.收入情况。\n二、其他需要说明的事项\n"
    );
    let doc = gouji::document::parse(&src.text);
    let titles: Vec<&str> = doc.sections.iter().map(|s| s.title.as_str()).collect();
    assert!(
        titles.iter().any(|t| t.contains("部门收支总体情况")),
        "{titles:?}"
    );
}

/// A heading paragraph without a number (Word's 标题 1, a style based on
/// it, or a paragraph's own outline level 0) is a title line: a top-level
/// section, as a centred title line of a PDF is. A level-2 heading without
/// a number, or a level-1 paragraph that reads as a sentence, is not.
#[test]
fn level_one_headings_without_a_number_are_sections() {
    let heading = |style: Option<&'static str>, outline: Option<u32>, text: &str| Block::Styled {
        style,
        outline,
        text: text.into(),
    };
    let blocks = vec![
        Block::Para("上海市示例局2024年度部门决算".into()),
        Block::Numbered {
            num_id: 1,
            ilvl: 0,
            text: "部门决算情况".into(),
        },
        Block::Para("2024年度收入总计308.97万元。".into()),
        heading(Some("Heading2"), None, "补充说明"),
        Block::Para("本年无其他补充。".into()),
        heading(Some("Heading1"), None, "名词解释"),
        Block::Para("财政拨款收入：指本年度从本级财政部门取得的财政拨款。".into()),
        heading(Some("ChapterTitle"), None, "专项经费情况说明"),
        Block::Para("本年专项经费30.00万元。".into()),
        heading(None, Some(0), "附件"),
        Block::Para("附件一份。".into()),
        heading(
            Some("Heading1"),
            None,
            "本年收入合计308.97万元，较上年增加17.75万元。",
        ),
    ];
    for style in [WORD, WPS] {
        let src = read("titles.docx", &docx(&blocks, style));
        let doc = gouji::document::parse_source(&src);
        eprintln!(
            "DEBUG {:?} {:?}",
            src.text,
            src.native.as_ref().map(|n| &n.titles)
        );
        let top: Vec<&str> = doc.sections[0]
            .children
            .iter()
            .map(|&i| doc.sections[i].title.as_str())
            .collect();
        assert_eq!(
            top,
            ["部门决算情况", "名词解释", "专项经费情况说明", "附件"],
            "{:#?}",
            doc.sections
        );
        // The text alone (Word-export text) has no such sections: the
        // titles come from the file's outline levels.
        let plain = gouji::document::parse(&src.text);
        assert_eq!(plain.sections[0].children.len(), 1, "{:#?}", plain.sections);
        // Each title's paragraph lies in its section.
        let of = |needle: &str| {
            let at = src.text.find(needle).unwrap();
            doc.sections[gouji::document::section_at(&doc, at as u32)]
                .title
                .clone()
        };
        assert_eq!(of("财政拨款收入："), "名词解释");
        assert_eq!(of("附件一份"), "附件");
    }
}

// ------------------------------------------------------------- bad input

#[test]
fn a_truncated_docx_is_a_corrupt_zip() {
    let bytes = docx(&seed_blocks(), WORD);
    let e = read_err("cut.docx", &bytes[..bytes.len() / 2]);
    assert!(
        matches!(e, InputError::Office(OfficeError::Corrupt(_))),
        "{e}"
    );
    assert!(e.to_string().contains("zip 文件已损坏"), "{e}");
}

#[test]
fn a_zip_bomb_is_refused_before_parsing() {
    // One entry of 300 MB of zeros (a few hundred KB deflated).
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        z.start_file("word/document.xml", opts).unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..300 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap();
    }
    let e = read_err("bomb.docx", &buf.into_inner());
    assert_eq!(e, InputError::Office(OfficeError::TooLarge(256 << 20)));
    assert!(e.to_string().contains("zip 炸弹"), "{e}");
    // Too many entries.
    let parts: Vec<(String, String)> = (0..10_001)
        .map(|i| (format!("f{i}"), String::new()))
        .collect();
    let e = read_err("many.xlsx", &zip_parts(&parts));
    assert_eq!(
        e,
        InputError::Office(OfficeError::TooManyEntries {
            entries: 10_001,
            max: 10_000
        })
    );
}

/// The readers' limits are the caller's (`[limits]` in gouji.toml): a file
/// within the defaults is refused under tighter ones, with the limit named.
#[test]
fn the_reader_limits_can_be_set() {
    use gouji::input::{read_with, ReadLimits};
    let tight = |f: &dyn Fn(&mut ReadLimits)| {
        let mut l = ReadLimits::default();
        f(&mut l);
        l
    };
    let workbook = xlsx(&final_sheets(false));
    assert!(read_with("t.xlsx", &workbook, None, &ReadLimits::default()).is_ok());
    // Entries: the workbook is a zip of a dozen or so parts.
    let e = read_with(
        "t.xlsx",
        &workbook,
        None,
        &tight(&|l| l.max_zip_entries = 3),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            InputError::Office(OfficeError::TooManyEntries { max: 3, .. })
        ),
        "{e}"
    );
    assert!(e.to_string().contains("max_zip_entries"), "{e}");
    // Inflated bytes.
    let e = read_with(
        "t.xlsx",
        &workbook,
        None,
        &tight(&|l| l.max_unpacked = 1000),
    )
    .unwrap_err();
    assert_eq!(e, InputError::Office(OfficeError::TooLarge(1000)));
    // Values of the workbook.
    let e = read_with(
        "t.xlsx",
        &workbook,
        None,
        &tight(&|l| l.max_sheet_cells = 10),
    )
    .unwrap_err();
    assert!(e.to_string().contains("单元格超过 10 个"), "{e}");
    assert!(e.to_string().contains("max_sheet_cells"), "{e}");
}

/// An OLE compound file holding a stream of this name (enough for the
/// format to be told: the directory names the streams in UTF-16).
fn ole(stream: &str) -> Vec<u8> {
    let mut b = gouji::input::office::OLE_MAGIC.to_vec();
    b.resize(512, 0);
    b.extend(stream.encode_utf16().flat_map(|u| u.to_le_bytes()));
    b.resize(2048, 0);
    b
}

#[test]
fn binary_word_and_encrypted_files_say_what_to_do() {
    let e = read_err("old.doc", &ole("WordDocument"));
    assert_eq!(e, InputError::Office(OfficeError::BinaryWord));
    assert!(e.to_string().contains("另存为” .docx"), "{e}");
    let e = read_err("locked.docx", &ole("EncryptionInfo"));
    assert_eq!(e, InputError::Office(OfficeError::Encrypted));
    assert!(e.to_string().contains("密码"), "{e}");
}

#[test]
fn a_docx_without_body_or_text() {
    let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let pkg = |document: String| {
        zip_parts(&[
            (
                "_rels/.rels".into(),
                r#"<Relationships><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.into(),
            ),
            ("word/document.xml".into(), document),
        ])
    };
    let e = read_err(
        "nobody.docx",
        &pkg(format!(r#"<w:document xmlns:w="{w}"></w:document>"#)),
    );
    assert_eq!(
        e,
        InputError::Office(OfficeError::NoBody("word/document.xml".into()))
    );
    let e = read_err(
        "empty.docx",
        &pkg(format!(
            r#"<w:document xmlns:w="{w}"><w:body><w:p/><w:p/></w:body></w:document>"#
        )),
    );
    assert_eq!(e, InputError::Office(OfficeError::NoText));
    let e = read_err(
        "broken.docx",
        &pkg(format!(
            r#"<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>收入</w:r></w:p></w:body></w:document>"#
        )),
    );
    assert!(
        matches!(e, InputError::Office(OfficeError::Xml { .. })),
        "{e}"
    );
    let e = read_err(
        "slides.pptx",
        &zip_parts(&[("ppt/presentation.xml".into(), "<p/>".into())]),
    );
    assert!(e.to_string().contains("PowerPoint"), "{e}");
}

// ------------------------------------------------------------ spreadsheets

/// Every cell of a standard table: (side, row code or label, column,
/// printed text), for the cells that hold a figure.
fn table_cells(
    doc: &gouji::document::Document,
    kind: &str,
) -> Vec<(String, String, String, String)> {
    let t = doc
        .tables
        .iter()
        .find(|t| t.kind.as_deref() == Some(kind))
        .unwrap_or_else(|| panic!("no {kind}"));
    assert!(t.verdict.usable(), "{kind}: {:?}", t.verdict);
    let mut v: Vec<_> = t
        .rows
        .iter()
        .filter(|r| r.kind != gouji::document::RowKind::Header)
        .flat_map(|r| {
            let key = r.code.clone().or(r.label.clone()).unwrap_or_default();
            let side = r.side.clone().unwrap_or_default();
            r.cells.iter().filter(|c| c.number.is_some()).map(move |c| {
                (
                    side.clone(),
                    key.clone(),
                    c.column.clone().unwrap_or_default(),
                    c.text.clone(),
                )
            })
        })
        .collect();
    v.sort();
    v
}

const FINAL_TABLES: [&str; 3] = [
    "收入支出决算总表",
    "一般公共预算财政拨款支出决算表",
    "一般公共预算财政拨款基本支出决算表",
];

fn final_ok_doc() -> gouji::document::Document {
    let text = std::fs::read_to_string("fixtures/tables/final_ok.txt").unwrap();
    gouji::document::parse(&text)
}

/// A workbook of `final_sheets` reads as the tables of final_ok.txt, cell
/// for cell, each figure located in its cell.
fn reads_as_the_final_tables(src: &SourceFile) {
    let doc = gouji::document::parse(&src.text);
    let want = final_ok_doc();
    for kind in FINAL_TABLES {
        let got = table_cells(&doc, kind);
        assert!(!got.is_empty(), "{kind}\n{}", src.text);
        assert_eq!(got, table_cells(&want, kind), "{kind}\n{}", src.text);
    }
    let at = src.text.find("317.82").unwrap();
    let loc = src.native_of(gouji::source::Span::new(at, at + 6)).unwrap();
    assert_eq!(loc.to_string(), "表1!B16");
}

/// A workbook of `final_sheets` with its third sheet hidden: the sheet is
/// not read, and a note names it.
fn hidden_sheet_is_noted(src: &SourceFile) {
    assert!(!src.text.contains("一般公共预算财政拨款基本支出决算表"));
    assert_eq!(
        notes(src),
        ["工作表“表6”是隐藏的，未读取；如其中有应公开的表格，请取消隐藏"]
    );
}

fn with_third_sheet_hidden() -> Vec<SheetSpec> {
    let mut sheets = final_sheets(false);
    sheets[2].hidden = true;
    sheets
}

#[test]
fn sheets_read_as_the_same_tables_as_their_text() {
    reads_as_the_final_tables(&read("tables.xlsx", &xlsx(&final_sheets(false))));
}

/// An .xls workbook (BIFF8, as Excel 97–2003 saves it) reads as the same
/// tables as its .xlsx, each figure located in its sheet and cell, and a
/// hidden sheet is noted as in an .xlsx. The .xls carries no number
/// formats here (nor does calamine read them): its figures get their
/// column's decimals (`300.00` beside `192.18`), as the sheet shows them.
#[test]
fn an_xls_workbook_reads_as_its_xlsx() {
    reads_as_the_final_tables(&read("tables.xls", &xls(&final_sheets(false))));
    hidden_sheet_is_noted(&read("hidden.xls", &xls(&with_third_sheet_hidden())));
}

#[test]
fn figures_stored_as_text_are_read_as_figures() {
    let src = read("text-figures.xlsx", &xlsx(&final_sheets(true)));
    let doc = gouji::document::parse(&src.text);
    let kind = "一般公共预算财政拨款支出决算表";
    assert_eq!(table_cells(&doc, kind), table_cells(&final_ok_doc(), kind));
}

// ------------------------------------------------- one report, two files

/// The 说明 of `final_ok.txt` (its third part) as paragraphs.
fn final_prose(text: &str) -> Vec<Block> {
    let from = text.rfind("第三部分").unwrap();
    let from = text[..from].rfind('\n').map_or(0, |i| i + 1);
    text[from..]
        .lines()
        .map(|l| Block::Para(l.trim().to_owned()))
        .collect()
}

/// The text of a standard table in `final_ok.txt`: its title line to its
/// footnote.
fn table_block(text: &str, kind: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = (0..lines.len())
        .find(|&i| {
            lines[i].trim() == kind && lines.get(i + 1).is_some_and(|n| n.contains("单位："))
        })
        .unwrap_or_else(|| panic!("{kind}"));
    let end = (start..lines.len())
        .find(|&i| lines[i].trim_start().starts_with("注："))
        .unwrap();
    lines[start..=end].join("\n")
}

/// (docx, xlsx, the same content as one text) of `final_ok.txt`, with
/// `defects` (figure printed, figure instead) in the tables.
fn final_report(defects: &[(&str, &str)]) -> (Vec<u8>, Vec<u8>, String) {
    let text = std::fs::read_to_string("fixtures/tables/final_ok.txt").unwrap();
    let prose = final_prose(&text);
    let d = docx(&prose, WORD);
    let mut sheets = final_sheets(false);
    let mut blocks: Vec<String> = FINAL_TABLES.iter().map(|k| table_block(&text, k)).collect();
    for &(from, to) in defects {
        let v: f64 = to.parse().unwrap();
        let mut hit = false;
        for s in &mut sheets {
            for row in s.body.iter_mut() {
                for c in row.iter_mut() {
                    if matches!(c, V::Num(x) if format!("{x:.2}") == from) && !hit {
                        *c = V::Num(v);
                        hit = true;
                    }
                }
            }
        }
        assert!(hit, "{from} in the sheets");
        let b = blocks.iter_mut().find(|b| b.contains(from)).unwrap();
        *b = b.replacen(from, to, 1);
    }
    let x = xlsx(&sheets);
    let prose_text = read("说明.docx", &d).text;
    let joined = format!("{prose_text}\n{}\n", blocks.join("\n\n"));
    (d, x, joined)
}

fn joined(d: &[u8], x: &[u8]) -> SourceFile {
    gouji::input::join(vec![read("说明.docx", d), read("表格.xlsx", x)]).unwrap()
}

#[test]
fn a_docx_and_its_xlsx_are_one_report() {
    let (d, x, text) = final_report(&[]);
    let src = joined(&d, &x);
    let want = SourceFile::new("final.txt", text, gouji::source::Encoding::Utf8);
    assert_eq!(findings_of(&src), findings_of(&want));
    // The prose ↔ table checks see both files: the 说明 says 本年收入合计
    // 307.82, the table agrees, and a share in the prose is checked
    // against the table's total.
    let doc = gouji::document::parse(&src.text);
    assert!(doc
        .tables
        .iter()
        .any(|t| t.kind.as_deref() == Some("收入支出决算总表")));
    // Locators name the file.
    let at = src.text.find("317.82").unwrap();
    let loc = src.native_of(gouji::source::Span::new(at, at + 6)).unwrap();
    let line = src.text[..at].matches('\n').count() + 1;
    assert_eq!(loc.to_string(), format!("说明.docx 第 {line} 段"));
    let at = src.text.rfind("317.82").unwrap();
    let loc = src.native_of(gouji::source::Span::new(at, at + 6)).unwrap();
    assert_eq!(loc.to_string(), "表格.xlsx 表1!D16");
}

#[test]
fn defects_in_the_xlsx_are_found_as_in_the_text() {
    // 八、其他收入 7.82 → 7.28; 201 基本支出 149.23 → 149.32 (first of each).
    let defects = [("7.82", "7.28"), ("149.23", "149.32")];
    let (d, x, text) = final_report(&defects);
    let src = joined(&d, &x);
    let want = SourceFile::new("final.txt", text, gouji::source::Encoding::Utf8);
    let got = findings_of(&src);
    assert_eq!(got, findings_of(&want));
    let errors: Vec<_> = got.iter().filter(|f| f.1 == "error").collect();
    assert!(
        errors.iter().any(|f| f.3 == "307.82" || f.3 == "7.28"),
        "the wrong 其他收入 is found: {errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|f| f.3.contains("149.32") || f.2.contains("149.32")),
        "the wrong 基本支出 is found: {errors:#?}"
    );
}

// ------------------------------------------------- bad spreadsheets

fn notes(src: &SourceFile) -> Vec<String> {
    src.native.as_ref().unwrap().notes.clone()
}

#[test]
fn a_hidden_sheet_is_noted_not_read() {
    let src = read("hidden.xlsx", &xlsx(&with_third_sheet_hidden()));
    hidden_sheet_is_noted(&src);
    // The note is an info of the report: not checked, not a finding.
    let d = check_source(&src, shipped(), &Config::default()).diagnostics;
    assert!(
        d.iter()
            .any(|d| d.code == "gouji::input" && d.message.contains("表6")),
        "{d:#?}"
    );
}

#[test]
fn formulas_without_a_cached_value_are_named() {
    let rows = format!(
        r#"<row r="1">{}</row><row r="3">{}<c r="B3"><v>300</v></c></row><row r="4">{}<c r="B4"><f>SUM(B3:B3)</f></c><c r="C4"><f>B4*2</f><v>600</v></c></row>"#,
        s_cell("A1", "收入支出决算总表"),
        s_cell("A3", "一、一般公共预算财政拨款收入"),
        s_cell("A4", "本年收入合计"),
    );
    let src = read("formulas.xlsx", &hand_xlsx(&rows));
    // B4 has no value; C4's cached 600 is read.
    assert!(src.text.contains("600"), "{}", src.text);
    assert_eq!(
        notes(&src),
        ["工作表“表1”中 1 个公式单元格没有保存计算结果（B4），无法读出；请在 Excel 或 WPS 中打开、重新计算并保存后再检查"]
    );
}

#[test]
fn a_million_empty_rows_cost_nothing() {
    // Rows 2 … 1,000,001 exist but are empty; a value far down and far
    // right (XFD1048576) does not make a dense grid either.
    let mut rows = format!(r#"<row r="1">{}</row>"#, s_cell("A1", "收入支出决算总表"));
    for r in 2..=1_000_001u32 {
        rows.push_str(&format!(r#"<row r="{r}"/>"#));
    }
    rows.push_str(&format!(
        r#"<row r="1048576">{}</row>"#,
        s_cell("XFD1048576", "末格")
    ));
    let t = std::time::Instant::now();
    let src = read("sparse.xlsx", &hand_xlsx(&rows));
    assert_eq!(src.text.lines().count(), 2, "{}", src.text);
    let at = src.text.find("末格").unwrap();
    assert_eq!(
        src.native_of(gouji::source::Span::new(at, at + 6))
            .unwrap()
            .to_string(),
        "表1!XFD1048576"
    );
    assert!(t.elapsed().as_secs() < 30, "{:?}", t.elapsed());
}

#[test]
fn empty_and_corrupt_workbooks_are_input_errors() {
    let e = read_err("empty.xlsx", &hand_xlsx(r#"<row r="1"/>"#));
    assert!(
        matches!(e, InputError::Office(OfficeError::EmptyWorkbook(_))),
        "{e}"
    );
    let mut sheets = final_sheets(false);
    for s in &mut sheets {
        s.hidden = true;
    }
    sheets[0].hidden = false;
    let mut bytes = xlsx(&sheets);
    bytes.truncate(bytes.len() * 2 / 3);
    let e = read_err("cut.xlsx", &bytes);
    assert!(
        matches!(e, InputError::Office(OfficeError::Corrupt(_))),
        "{e}"
    );
    // A sheet part that is not XML.
    let rows = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>收入</t></is></c></row><row"#;
    let e = read_err("bad.xlsx", &hand_xlsx(rows));
    assert!(
        matches!(e, InputError::Office(OfficeError::Sheet(_))),
        "{e}"
    );
}

// ------------------------------------------------- no panic, ever

/// xorshift64*: deterministic, no extra dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Cut, repeat or insert markup at random places of an XML text.
fn mutate_xml(rng: &mut Rng, xml: &str, tokens: &[&str]) -> String {
    let mut s = xml.to_owned();
    for _ in 0..1 + rng.below(4) {
        let floor = |s: &str, mut i: usize| {
            i = i.min(s.len());
            while !s.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let a = floor(&s, rng.below(s.len()));
        let b = floor(&s, a + rng.below(400));
        match rng.below(3) {
            0 => s.replace_range(a..b, ""),
            1 => {
                let piece = s[a..b].to_owned();
                s.insert_str(b, &piece);
            }
            _ => s.insert_str(a, tokens[rng.below(tokens.len())]),
        }
    }
    s
}

/// Read; a file that reads has a native map inside its text, in order.
/// Whether it read.
fn read_never_panics(name: &str, bytes: &[u8]) -> bool {
    let r = std::panic::catch_unwind(|| gouji::input::read(name, bytes, None));
    let Ok(r) = r else {
        panic!("{name}: panicked");
    };
    if let Ok(x) = r {
        let src = x.source;
        let mut last = 0;
        for reg in &src.native.as_ref().unwrap().regions {
            assert!(reg.start >= last && reg.start <= reg.end, "{name}: {reg:?}");
            assert!((reg.end as usize) <= src.text.len(), "{name}: {reg:?}");
            assert!(src.text.is_char_boundary(reg.start as usize));
            assert!(src.text.is_char_boundary(reg.end as usize));
            last = reg.end;
        }
        return true;
    }
    false
}

#[test]
fn mangled_word_and_excel_files_never_panic() {
    let mut rng = Rng(0x9E3779B97F4A7C15);
    let parts = docx_parts(&seed_blocks(), WORD);
    let tokens = [
        "<w:p>",
        "</w:p>",
        "<w:tbl>",
        "</w:tbl>",
        "<w:tr>",
        "</w:tc>",
        "<w:tc>",
        "<w:txbxContent>",
        "</w:txbxContent>",
        "<mc:Fallback>",
        "<w:t>",
        "</w:t>",
        "&amp;",
        "&#x0;",
        "&bogus;",
        "<w:gridSpan w:val=\"99999999999\"/>",
        "<w:gridSpan w:val=\"4294967295\"/>",
        "<w:gridBefore w:val=\"4294967295\"/>",
        "<w:vMerge w:val=\"restart\"/>",
        "<w:vMerge/>",
        "<w:numPr><w:ilvl w:val=\"8\"/><w:numId w:val=\"1\"/></w:numPr>",
        "<w:lvl w:ilvl=\"4294967295\">",
        "<w:start w:val=\"4294967295\"/>",
    ];
    let mut read = 0;
    for i in 0..150 {
        let mut p = parts.clone();
        let k = if i % 5 == 0 { p.len() - 2 } else { p.len() - 1 };
        p[k].1 = mutate_xml(&mut rng, &p[k].1, &tokens);
        read += usize::from(read_never_panics(&format!("m{i}.docx"), &zip_parts(&p)));
    }
    // Most mutations break the XML (an error, as it should be); some must
    // still read, or the reader was never put to work.
    assert!(read > 10, "{read} of 150 read");
    let sheet: String = [
        format!(r#"<row r="1">{}</row>"#, s_cell("A1", "收入支出决算总表")),
        format!(
            r#"<row r="3">{}<c r="B3" s="0"><v>300</v></c><c r="C3"><f>B3</f></c></row>"#,
            s_cell("A3", "一、一般公共预算财政拨款收入")
        ),
    ]
    .concat();
    let tokens = [
        "<row r=\"0\">",
        "<row r=\"4294967296\">",
        "<c r=\"ZZZZZZ1\">",
        "<v>1e308</v>",
        "<v>NaN</v>",
        "</c>",
        "<c r=\"A1\" t=\"s\"><v>99</v></c>",
        "<f>",
        "</row>",
        "</sheetData><mergeCells><mergeCell ref=\"C3:A1\"/></mergeCells><sheetData>",
    ];
    let mut read = 0;
    for i in 0..150 {
        let xml = mutate_xml(&mut rng, &sheet, &tokens);
        read += usize::from(read_never_panics(&format!("m{i}.xlsx"), &hand_xlsx(&xml)));
    }
    assert!(read > 10, "{read} of 150 read");
    // Bytes of the zip itself.
    let bytes = docx(&seed_blocks(), WORD);
    for i in 0..100 {
        let mut b = bytes.clone();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(b.len());
            b[at] = rng.next() as u8;
        }
        read_never_panics(&format!("z{i}.docx"), &b);
    }
}

/// An .ods file of one sheet whose `table:table` holds `rows`.
fn hand_ods(sheet: &str, rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="{sheet}">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip_parts(&[
        (
            "mimetype".into(),
            "application/vnd.oasis.opendocument.spreadsheet".into(),
        ),
        ("content.xml".into(), content),
        (
            "META-INF/manifest.xml".into(),
            r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#.into(),
        ),
    ])
}

#[test]
fn ods_formulas_without_a_cached_value_are_named() {
    let text = |t: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
        )
    };
    let rows = [
        format!("<table:table-row>{}</table:table-row>", text("收入支出决算总表")),
        format!(
            r#"<table:table-row>{}<table:table-cell office:value-type="float" office:value="300"><text:p>300</text:p></table:table-cell></table:table-row>"#,
            text("一、一般公共预算财政拨款收入")
        ),
        // B3 is a formula never computed; C3's cached 600 is read; D3's
        // result is an empty string, stored all the same.
        format!(
            r#"<table:table-row>{}<table:table-cell table:formula="of:=SUM([.B2])"/><table:table-cell table:formula="of:=[.B2]*2" office:value-type="float" office:value="600"><text:p>600</text:p></table:table-cell><table:table-cell table:formula="of:=IF([.B2]&gt;0;&quot;&quot;;1)" office:value-type="string" office:string-value=""><text:p/></table:table-cell></table:table-row>"#,
            text("本年收入合计")
        ),
    ]
    .concat();
    let src = read("formulas.ods", &hand_ods("表1", &rows));
    assert!(src.text.contains("600"), "{}", src.text);
    assert_eq!(
        notes(&src),
        ["工作表“表1”中 1 个公式单元格没有保存计算结果（B3），无法读出；请在 Excel 或 WPS 中打开、重新计算并保存后再检查"]
    );
}

#[test]
fn an_ods_sheet_is_read_as_a_table() {
    let cell = |t: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
        )
    };
    let num = |v: &str| {
        format!(
            r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    let rows = [
        format!("<table:table-row>{}</table:table-row>", cell("一般公共预算财政拨款支出决算表")),
        format!(
            "<table:table-row>{}{}{}</table:table-row>",
            cell("科目编码"),
            cell("科目名称"),
            cell("合计")
        ),
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="3"/></table:table-row>"#.to_string(),
        format!(
            "<table:table-row>{}{}{}</table:table-row>",
            cell("201"),
            cell("一般公共服务支出"),
            num("257.05")
        ),
    ]
    .concat();
    let bytes = hand_ods("表5", &rows);
    let src = read("tables.ods", &bytes);
    let lines: Vec<&str> = src.text.lines().collect();
    assert_eq!(lines.len(), 3, "{}", src.text);
    assert!(
        lines[2].starts_with("201") && lines[2].ends_with("257.05"),
        "{}",
        src.text
    );
    let at = src.text.find("257.05").unwrap();
    assert_eq!(
        src.native_of(gouji::source::Span::new(at, at + 6))
            .unwrap()
            .to_string(),
        "表5!C1000003"
    );
}

#[test]
fn a_file_named_docx_that_is_no_office_file() {
    let e = read_err("saved-page.docx", b"<!DOCTYPE html><html>");
    assert_eq!(
        e,
        // The first 20 characters.
        InputError::NotOffice("docx".into(), "<!DOCTYPE html><html".into())
    );
    assert!(e.to_string().contains("不是 Word/Excel 文件"), "{e}");
}

#[test]
fn standard_tables_in_a_word_document_are_read_as_in_the_text() {
    // The 说明 with its tables as Word tables (merged title cells are
    // paragraphs in Word; header cells merged across and down).
    let mut blocks = Vec::new();
    for s in &final_sheets(false) {
        blocks.extend(sheet_as_word(s));
        blocks.push(Block::Para(String::new()));
    }
    let src = read("with-tables.docx", &docx(&blocks, WORD));
    let doc = gouji::document::parse(&src.text);
    let want = final_ok_doc();
    for kind in FINAL_TABLES {
        assert_eq!(
            table_cells(&doc, kind),
            table_cells(&want, kind),
            "{kind}\n{}",
            src.text
        );
    }
    // A figure is located in its Word table cell.
    let at = src.text.find("317.82").unwrap();
    let loc = src.native_of(gouji::source::Span::new(at, at + 6)).unwrap();
    assert!(
        loc.to_string().starts_with("表格 1 第 14 行第 2 列，第 "),
        "{loc}"
    );
}

/// `fuzz/seed.sh` seeds the `office_input` fuzz target with the files these
/// tests generate: set `GOUJI_OFFICE_SEEDS` to a folder to write them.
#[test]
fn write_fuzz_seeds() {
    let Some(dir) = std::env::var_os("GOUJI_OFFICE_SEEDS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut word_tables = Vec::new();
    for s in &final_sheets(false) {
        word_tables.extend(sheet_as_word(s));
    }
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("seed.docx", docx(&seed_blocks(), WORD)),
        ("seed-wps.docx", docx(&seed_blocks(), WPS)),
        ("tables.docx", docx(&word_tables, WORD)),
        ("tables.xlsx", xlsx(&final_sheets(false))),
        ("text-figures.xlsx", xlsx(&final_sheets(true))),
    ];
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// A table's title styled as a heading (标题 1, so that it shows in Word's
/// navigation pane) stays the title of its table: the tables read as in
/// the text, and no section is made of their titles.
#[test]
fn table_titles_styled_as_headings_stay_table_titles() {
    let mut blocks = Vec::new();
    for s in &final_sheets(false) {
        let mut b = sheet_as_word(s);
        b[0] = Block::Styled {
            style: Some("Heading1"),
            outline: None,
            text: s.title.to_owned(),
        };
        blocks.extend(b);
        blocks.push(Block::Para(String::new()));
    }
    let src = read("titled-tables.docx", &docx(&blocks, WORD));
    assert_eq!(src.native.as_ref().map(|n| n.titles.len()), Some(3));
    let doc = gouji::document::parse_source(&src);
    let want = final_ok_doc();
    for kind in FINAL_TABLES {
        assert_eq!(table_cells(&doc, kind), table_cells(&want, kind), "{kind}");
    }
    assert_eq!(doc.sections.len(), 1, "{:#?}", doc.sections);
}
