//! Word (.docx) and spreadsheet (.xlsx, .xls, .ods) files → the text
//! rendering every rule reads, plus a [`NativeMap`] naming the paragraph or
//! cell each piece came from.
//!
//! * [`docx`] renders paragraphs as lines (automatic numbering written out,
//!   as Word shows it) and tables in the TAB form of Word-export text that
//!   the table parser reads cell by cell (`document::table::tab`).
//! * [`sheet`] renders each worksheet as a table laid out in columns of
//!   spaces, as `pdftotext -layout` prints a table, so the standard 决算/预算
//!   tables are recognised exactly as in a PDF or its extracted text.
//!
//! The rules see the same document model as for text and PDF: only this
//! module knows the formats.
//!
//! # Untrusted input
//! A zip is opened only after [`open_zip`] has counted its entries and
//! inflated every entry into a sink, counting the bytes (both bounded by
//! [`ReadLimits`]): a zip bomb is refused before any XML is parsed,
//! and a size declared in the zip is never trusted. An OLE compound file (the
//! old binary formats, and password-protected OOXML, which Office stores as
//! an OLE file with an `EncryptionInfo` stream) is told apart by its
//! streams' names.

pub mod docx;
pub mod sheet;

use super::ReadLimits;
use crate::source::NativeMap;
use std::io::{Cursor, Read};

/// Why a Word or spreadsheet file could not be read. Each names what the
/// user can do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficeError {
    #[error("这是旧版二进制 Word/WPS 文档（.doc/.wps），gouji 不读这种格式；请在 Word 或 WPS 中“另存为” .docx 后再检查")]
    BinaryWord,
    #[error("文件已加密（打开需要密码），无法读取；请另存一份不加密的文件再检查")]
    Encrypted,
    #[error("这是 OLE 复合文档，但不是 Word 或 Excel 文件；请另存为 .docx 或 .xlsx")]
    UnknownOle,
    #[error("zip 文件已损坏或不完整（{0}）")]
    Corrupt(String),
    #[error(
        "zip 中有 {entries} 个条目，超过上限 {max} 个，不像 Word/Excel 文档（可能是 zip 炸弹；上限可在 gouji.toml 的 [limits] 中用 max_zip_entries 调整）"
    )]
    TooManyEntries { entries: usize, max: usize },
    #[error("解压后超过 {} MB 的上限，不像 Word/Excel 文档（可能是 zip 炸弹；上限可在 gouji.toml 的 [limits] 中用 max_unpacked_mb 调整）", .0 >> 20)]
    TooLarge(u64),
    #[error("zip 文件不是 Word（.docx）或 Excel（.xlsx）文档{0}")]
    NotOffice(String),
    #[error("Word 文档没有正文（{0} 中没有 w:body）")]
    NoBody(String),
    #[error("Word 文档的正文是空的，没有文字")]
    NoText,
    #[error("{part} 不是合格的 XML（{why}），文件可能已损坏")]
    Xml { part: String, why: String },
    #[error("表格文件无法读取（{0}）")]
    Sheet(String),
    #[error("表格文件中没有数据（{0}）")]
    EmptyWorkbook(String),
    #[error("读取文件时出错（{0}）；文件可能已损坏")]
    Failed(String),
}

/// A Word or spreadsheet file read as text.
#[derive(Debug, Clone)]
pub struct OfficeText {
    pub text: String,
    pub native: NativeMap,
}

/// What an Office-like file is, from its bytes and name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Docx { main: String },
    Xlsx,
    Ods,
}

/// The OLE compound file signature.
pub const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A stream name as it is stored in an OLE directory: UTF-16LE.
fn has_stream(bytes: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Read a zip (docx, xlsx, ods) or OLE (xls; refused: doc, wps, encrypted
/// OOXML) file. Never panics: the readers run behind `catch_unwind` as a
/// last guard (calamine overflows on some malformed cell references), a
/// panic becoming [`OfficeError::Failed`].
pub fn extract(bytes: &[u8], limits: &ReadLimits) -> Result<OfficeText, OfficeError> {
    std::panic::catch_unwind(|| extract_unguarded(bytes, limits)).unwrap_or_else(|p| {
        let why = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "读取器内部错误".to_owned());
        Err(OfficeError::Failed(why))
    })
}

fn extract_unguarded(bytes: &[u8], limits: &ReadLimits) -> Result<OfficeText, OfficeError> {
    if bytes.starts_with(&OLE_MAGIC) {
        if has_stream(bytes, "EncryptionInfo") || has_stream(bytes, "EncryptedPackage") {
            return Err(OfficeError::Encrypted);
        }
        if has_stream(bytes, "WordDocument") {
            return Err(OfficeError::BinaryWord);
        }
        if has_stream(bytes, "Workbook") || has_stream(bytes, "Book") {
            return sheet::read_other(bytes, sheet::Other::Xls, limits.max_sheet_cells);
        }
        return Err(OfficeError::UnknownOle);
    }
    let mut zip = open_zip(bytes, limits)?;
    match kind_of(&mut zip)? {
        Kind::Docx { main } => docx::read(&mut zip, &main),
        Kind::Xlsx => sheet::read_xlsx(bytes, limits.max_sheet_cells),
        Kind::Ods => sheet::read_other(bytes, sheet::Other::Ods, limits.max_sheet_cells),
    }
}

pub(crate) type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn corrupt(e: zip::result::ZipError) -> OfficeError {
    match e {
        zip::result::ZipError::UnsupportedArchive(why) if why.contains("ncrypt") => {
            OfficeError::Encrypted
        }
        zip::result::ZipError::InvalidPassword => OfficeError::Encrypted,
        e => OfficeError::Corrupt(e.to_string()),
    }
}

/// Open a zip after checking what it would inflate to: at most
/// `max_zip_entries` entries and `max_unpacked` bytes, counted by inflating
/// each entry (the sizes a zip declares are not trusted).
pub(crate) fn open_zip<'a>(bytes: &'a [u8], limits: &ReadLimits) -> Result<Zip<'a>, OfficeError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    if zip.len() > limits.max_zip_entries {
        return Err(OfficeError::TooManyEntries {
            entries: zip.len(),
            max: limits.max_zip_entries,
        });
    }
    let max = limits.max_unpacked;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(corrupt)?;
        if entry.encrypted() {
            return Err(OfficeError::Encrypted);
        }
        let left = max - total;
        let n = std::io::copy(
            &mut entry.take(left.saturating_add(1)),
            &mut std::io::sink(),
        )
        .map_err(|e| OfficeError::Corrupt(e.to_string()))?;
        total += n;
        if total > max {
            return Err(OfficeError::TooLarge(max));
        }
    }
    Ok(zip)
}

/// One part of a checked zip, `None` when absent.
pub(crate) fn part(zip: &mut Zip<'_>, name: &str) -> Result<Option<Vec<u8>>, OfficeError> {
    let mut f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(corrupt(e)),
    };
    // Bounded: `open_zip` inflated every entry and counted the bytes.
    let mut out = Vec::new();
    f.by_ref()
        .read_to_end(&mut out)
        .map_err(|e| OfficeError::Corrupt(e.to_string()))?;
    Ok(Some(out))
}

/// The main part of an OOXML package (from `_rels/.rels`), or the kind of
/// an OpenDocument file (from `mimetype`).
fn kind_of(zip: &mut Zip<'_>) -> Result<Kind, OfficeError> {
    if let Some(m) = part(zip, "mimetype")? {
        let m = String::from_utf8_lossy(&m);
        return if m.contains("opendocument.spreadsheet") {
            Ok(Kind::Ods)
        } else if m.contains("opendocument.text") {
            Err(OfficeError::NotOffice(
                "（是 OpenDocument 文本 .odt；请另存为 .docx）".into(),
            ))
        } else {
            Err(OfficeError::NotOffice(format!(
                "（mimetype 为 {}）",
                m.trim()
            )))
        };
    }
    let main = part(zip, "_rels/.rels")?
        .and_then(|rels| office_document_target(&rels))
        .unwrap_or_default();
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if !main.is_empty() && has(&main) {
        let types = part(zip, "[Content_Types].xml")?.unwrap_or_default();
        let types = String::from_utf8_lossy(&types);
        let declared = content_type_of(&types, &main);
        if declared.contains("wordprocessingml") || main.starts_with("word/") {
            return Ok(Kind::Docx { main });
        }
        if declared.contains("spreadsheetml") || main.starts_with("xl/") {
            return Ok(Kind::Xlsx);
        }
    }
    if has("word/document.xml") {
        return Ok(Kind::Docx {
            main: "word/document.xml".into(),
        });
    }
    if has("xl/workbook.xml") {
        return Ok(Kind::Xlsx);
    }
    if names.iter().any(|n| n.starts_with("ppt/")) {
        return Err(OfficeError::NotOffice("（是 PowerPoint 演示文稿）".into()));
    }
    Err(OfficeError::NotOffice(String::new()))
}

/// The `Target` of the relationship whose type ends in `/officeDocument`.
fn office_document_target(rels: &[u8]) -> Option<String> {
    let mut r = quick_xml::Reader::from_reader(rels);
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.name().0.rsplit(':').next() == Some("Relationship") =>
            {
                let ty = attr(&e, "Type").unwrap_or_default();
                if ty.ends_with("/officeDocument") {
                    let t = attr(&e, "Target")?;
                    return Some(t.trim_start_matches('/').to_owned());
                }
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// The content type `[Content_Types].xml` declares for a part.
fn content_type_of(types: &str, part: &str) -> String {
    let key = format!("PartName=\"/{part}\"");
    types
        .split('<')
        .find(|el| el.contains(&key))
        .and_then(|el| el.split("ContentType=\"").nth(1))
        .and_then(|v| v.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// An attribute's unescaped value, matched by local name.
pub(crate) fn attr(e: &quick_xml::events::BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.0.rsplit(':').next() == Some(local))
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ole_files_are_told_apart_by_their_streams() {
        let ole = |stream: &str| {
            let mut b = OLE_MAGIC.to_vec();
            b.extend([0u8; 100]);
            b.extend(stream.encode_utf16().flat_map(|u| u.to_le_bytes()));
            b
        };
        assert_eq!(
            extract(&ole("WordDocument"), &ReadLimits::default()).unwrap_err(),
            OfficeError::BinaryWord
        );
        assert_eq!(
            extract(&ole("EncryptionInfo"), &ReadLimits::default()).unwrap_err(),
            OfficeError::Encrypted
        );
        assert_eq!(
            extract(&ole("Other"), &ReadLimits::default()).unwrap_err(),
            OfficeError::UnknownOle
        );
    }

    #[test]
    fn a_corrupt_zip_is_an_error_not_a_panic() {
        let e = extract(b"PK\x03\x04\x14\x00garbage", &ReadLimits::default()).unwrap_err();
        assert!(matches!(e, OfficeError::Corrupt(_)), "{e}");
    }

    #[test]
    fn content_types_and_rels() {
        let rels = br#"<?xml version="1.0"?><Relationships xmlns="x"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
        assert_eq!(
            office_document_target(rels).as_deref(),
            Some("word/document2.xml")
        );
        let types = r#"<Types><Override PartName="/word/document2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
        assert!(content_type_of(types, "word/document2.xml").contains("wordprocessingml"));
    }
}
