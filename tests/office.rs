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
    assert_eq!(e, InputError::Office(OfficeError::TooLarge));
    assert!(e.to_string().contains("zip 炸弹"), "{e}");
    // Too many entries.
    let parts: Vec<(String, String)> = (0..10_001)
        .map(|i| (format!("f{i}"), String::new()))
        .collect();
    let e = read_err("many.xlsx", &zip_parts(&parts));
    assert_eq!(e, InputError::Office(OfficeError::TooManyEntries(10_001)));
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
