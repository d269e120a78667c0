//! Bytes → [`Extracted`]: the only code that knows file formats.
//!
//! Every input becomes one UTF-8 text (the [`SourceFile`] every `Span`
//! indexes) and its positioned lines (what the table parser reads): text
//! (`pdftotext -layout` output or Word-export text, in any encoding
//! [`text`] decodes), or a PDF read by [`pdf`] into text of the same shape
//! with a page map (page and box of every piece), or a Word or spreadsheet
//! file read by [`office`] into text with a native map (the paragraph or
//! cell of every piece). Zip and OLE files are recognised by their first
//! bytes, never read as undecodable text; a file named `.pdf` that is not
//! one (an HTML page saved under that name) is refused with a clear input
//! error.

pub mod office;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod positioned;
pub mod text;

use crate::source::{Encoding, SourceFile};
use positioned::PositionedLine;
use text::DecodeError;

/// What a file holds, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `%PDF`
    Pdf,
    /// `PK\x03\x04`: a zip container (docx, xlsx, ods).
    Zip,
    /// `D0 CF 11 E0`: an OLE compound file (xls; doc, wps and encrypted
    /// OOXML, which are refused).
    Ole,
    /// Anything else is read as text.
    Text,
}

/// Recognise the format by its magic bytes; everything else is text. A PDF
/// header may follow up to 1024 bytes of junk (as readers allow).
pub fn sniff(bytes: &[u8]) -> Format {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") || bytes.starts_with(b"%PDF") {
        Format::Pdf
    } else if bytes.starts_with(b"PK\x03\x04") {
        Format::Zip
    } else if bytes.starts_with(&office::OLE_MAGIC) {
        Format::Ole
    } else {
        Format::Text
    }
}

/// A report as gouji reads it: its text, and on demand the text's
/// positioned lines.
#[derive(Debug, Clone)]
pub struct Extracted {
    pub source: SourceFile,
}

impl Extracted {
    /// The positioned lines of the text. Computed on demand: the parser
    /// still finds them itself, so a check that computed them here threw
    /// them away (8% of a batch).
    pub fn lines(&self) -> Vec<PositionedLine> {
        positioned::positioned_lines(&self.source.text, &crate::source::lines(&self.source.text))
    }
}

/// Why a file could not be read as a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("{0} files are not supported yet; extract the text first (pdftotext -layout)")]
    Unsupported(&'static str),
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Named `.pdf` but not a PDF.
    #[error("文件名是 .pdf，但内容不是 PDF（开头是“{0}”），可能是网页或下载失败的文件")]
    NotPdf(String),
    /// Named `.docx`, `.xlsx` … but neither a zip nor an OLE file.
    #[error("文件名是 .{0}，但内容不是 Word/Excel 文件（开头是“{1}”），可能是网页、文本或下载失败的文件")]
    NotOffice(String, String),
    #[cfg(feature = "pdf")]
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error(transparent)]
    Office(#[from] office::OfficeError),
}

/// The limits that protect the readers from a hostile file, configurable
/// in `[limits]` of gouji.toml (see [`crate::config::Limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Pages of a PDF beyond this are refused.
    pub max_pages: usize,
    /// Entries of a zip (.docx, .xlsx, .ods) beyond this are refused.
    pub max_zip_entries: usize,
    /// Bytes all entries of a zip may inflate to.
    pub max_unpacked: u64,
    /// Values a workbook (all its sheets) may hold.
    pub max_sheet_cells: usize,
}

impl Default for ReadLimits {
    fn default() -> ReadLimits {
        ReadLimits {
            max_pages: 400,
            max_zip_entries: 10_000,
            max_unpacked: 256 << 20,
            max_sheet_cells: 1_000_000,
        }
    }
}

/// Read the bytes of the file at `path` (named in spans and messages).
/// `forced` overrides the detected text encoding. The readers' limits are
/// the defaults; [`read_with`] takes others.
pub fn read(
    path: impl Into<String>,
    bytes: &[u8],
    forced: Option<Encoding>,
) -> Result<Extracted, InputError> {
    read_with(path, bytes, forced, &ReadLimits::default())
}

/// [`read`] within `limits`.
pub fn read_with(
    path: impl Into<String>,
    bytes: &[u8],
    forced: Option<Encoding>,
    limits: &ReadLimits,
) -> Result<Extracted, InputError> {
    let path = path.into();
    match sniff(bytes) {
        #[cfg(feature = "pdf")]
        Format::Pdf => {
            let got = pdf::extract(bytes, limits.max_pages)?;
            let mut source = SourceFile::new(path, got.text, Encoding::Utf8);
            source.pages = Some(got.pages);
            Ok(Extracted { source })
        }
        #[cfg(not(feature = "pdf"))]
        Format::Pdf => Err(InputError::Unsupported("PDF")),
        Format::Text if path.to_lowercase().ends_with(".pdf") => {
            Err(InputError::NotPdf(head(bytes)))
        }
        Format::Text if office_extension(&path).is_some() => Err(InputError::NotOffice(
            office_extension(&path).unwrap_or_default(),
            head(bytes),
        )),
        Format::Zip | Format::Ole => {
            let got = office::extract(bytes, limits)?;
            let mut source = SourceFile::new(path, got.text, Encoding::Utf8);
            source.native = Some(got.native);
            Ok(Extracted { source })
        }
        Format::Text => {
            let source = SourceFile::from_bytes(path, bytes, forced)?;
            Ok(Extracted { source })
        }
    }
}

/// The first characters of a file, for a message.
fn head(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(40)])
        .chars()
        .filter(|c| !c.is_control())
        .take(20)
        .collect()
}

/// The extension of a Word or spreadsheet file name, lower case.
fn office_extension(path: &str) -> Option<String> {
    let ext = path.rsplit_once('.')?.1.to_lowercase();
    ["docx", "xlsx", "xls", "ods", "doc", "wps", "et"]
        .contains(&ext.as_str())
        .then_some(ext)
}

/// Several files read as one report (`gouji check --join`): their texts
/// one after the other in the order given, separated by a blank line (a
/// form feed next to a PDF), so that the rules see one document (a 说明 in
/// .docx and its tables in .xlsx). The report takes the first file's path;
/// every piece of the text is located in its own file by the native map: a
/// paragraph or cell of a Word or spreadsheet file, the page of a PDF (its
/// boxes are not carried over), the file's name for a text.
pub fn join(parts: Vec<SourceFile>) -> Option<SourceFile> {
    use crate::source::{NativeLoc, NativeMap, NativeRegion, Span};
    let path = parts.first()?.path.clone();
    let mut text = String::new();
    let mut map = NativeMap::default();
    let mut after_pdf = false;
    for part in parts {
        if !text.is_empty() {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            // After or before a PDF the next file starts on a page of its
            // own: a blank line alone would let a table at the end of one
            // file take the next file's first line as a wrapped label.
            let pdf = after_pdf || part.pages.is_some();
            text.push(if pdf { '\u{c}' } else { '\n' });
        }
        after_pdf = part.pages.is_some();
        let base = text.len() as u32;
        let file = std::path::Path::new(&part.path)
            .file_name()
            .map_or(part.path.clone(), |f| f.to_string_lossy().into_owned());
        // A PDF's pages become regions of their own (file and page); its
        // unread and blank pages become notes, so that nothing it said
        // about itself is lost in the join.
        if let Some(pages) = &part.pages {
            let end = base + part.text.len() as u32;
            let page = |i: usize| {
                let at = |k: usize| pages.page_starts.get(k).map_or(end, |&s| base + s).min(end);
                NativeRegion {
                    start: if i == 0 { base } else { at(i) },
                    end: at(i + 1),
                    loc: NativeLoc {
                        file: Some(file.clone()),
                        page: Some(i as u32 + 1),
                        ..NativeLoc::default()
                    },
                }
            };
            // A PDF without pages (nothing could be read) is one region.
            let n = pages.page_starts.len().max(1);
            map.regions.extend((0..n).map(page));
            map.notes
                .extend(pages.notes.iter().map(|n| format!("{file}：{}", n.message)));
            map.blank_pages.extend(
                pages
                    .blank
                    .iter()
                    .map(|&p| page(p.saturating_sub(1) as usize)),
            );
        }
        match part.native {
            Some(native) => {
                map.regions
                    .extend(native.regions.into_iter().map(|r| NativeRegion {
                        start: r.start + base,
                        end: r.end + base,
                        loc: NativeLoc {
                            file: Some(file.clone()),
                            ..r.loc
                        },
                    }));
                map.notes
                    .extend(native.notes.into_iter().map(|n| format!("{file}：{n}")));
                map.titles.extend(native.titles.into_iter().map(|t| Span {
                    start: t.start + base,
                    end: t.end + base,
                }));
            }
            None if part.pages.is_some() => {}
            None => map.regions.push(NativeRegion {
                start: base,
                end: base + part.text.len() as u32,
                loc: NativeLoc {
                    file: Some(file.clone()),
                    ..NativeLoc::default()
                },
            }),
        }
        text.push_str(&part.text);
    }
    let mut joined = SourceFile::new(path, text, Encoding::Utf8);
    joined.native = Some(map);
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joined_pdf_is_located_by_file_and_page() {
        use crate::source::{PageMap, Span};
        let mut docx = SourceFile::new("说明.docx", "一、概况\n".into(), Encoding::Utf8);
        docx.native = Some(crate::source::NativeMap::default());
        // Three pages: "p1\n", "\x0cp2\n" (blank but for its number), "\x0cp3\n".
        let text = "p1\n\u{c}p2\n\u{c}p3\n";
        let mut pdf = SourceFile::new("dir/附表.pdf", text.into(), Encoding::Utf8);
        pdf.pages = Some(PageMap {
            page_starts: vec![0, 3, 7],
            blank: vec![2],
            ..PageMap::default()
        });
        let joined = join(vec![docx, pdf]).unwrap();
        let at = |needle: &str| {
            let s = joined.text.find(needle).unwrap();
            Span::new(s, s + needle.len())
        };
        for (needle, page) in [("p1", 1), ("p2", 2), ("p3", 3)] {
            let loc = joined.native_of(at(needle)).unwrap();
            assert_eq!(loc.file.as_deref(), Some("附表.pdf"));
            assert_eq!(loc.page, Some(page), "{needle}");
            assert_eq!(joined.page_of(at(needle).start), Some(page), "{needle}");
            assert_eq!(loc.to_string(), format!("附表.pdf 第 {page} 页"));
        }
        // The 说明 has no pages, and a form feed starts the PDF.
        assert_eq!(joined.page_of(0), None);
        assert!(joined.text.contains("概况\n\u{c}p1"), "{:?}", joined.text);
        let blank = &joined.native.as_ref().unwrap().blank_pages;
        assert_eq!(blank.len(), 1);
        assert_eq!(
            &joined.text[blank[0].start as usize..blank[0].end as usize],
            "\u{c}p2\n"
        );
    }

    #[test]
    fn sniffs_pdf_zip_and_text() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(sniff(b"PK\x03\x04\x14\x00"), Format::Zip);
        assert_eq!(sniff("一、单位基本情况".as_bytes()), Format::Text);
        assert_eq!(sniff(b""), Format::Text);
    }

    #[test]
    fn reads_text_and_refuses_broken_pdf() {
        let x = read("r.txt", "表\n项目  合计\n".as_bytes(), None).unwrap();
        assert_eq!(x.source.text, "表\n项目  合计\n");
        let lines = x.lines();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].fragments.len(), 2);
        let e = read("r.pdf", b"%PDF-1.4 ...", None).unwrap_err();
        assert!(
            matches!(e, InputError::Pdf(_) | InputError::Unsupported("PDF")),
            "{e}"
        );
        let e = read("r.PDF", b"<!DOCTYPE html><html>", None).unwrap_err();
        assert!(matches!(e, InputError::NotPdf(_)), "{e}");
        assert_eq!(
            read("e.txt", b"", None).unwrap_err(),
            InputError::Decode(DecodeError::Empty)
        );
    }
}
