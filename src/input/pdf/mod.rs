//! PDF → text with pages and boxes. `reader` interprets the pages (the
//! only code that knows the PDF crate) into the page model of `model`;
//! `layout` renders that model as `pdftotext -layout`-shaped text, ruled
//! tables read cell by cell, and records where every piece was printed.

pub mod layout;
pub mod model;
mod reader;

use crate::source::{PageMap, PageNote, PageRegion};

/// Why a PDF could not be read. Each names what the user can do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("PDF 已加密（需要密码），无法读取；请提供未加密的文件")]
    Encrypted,
    #[error("PDF 文件已损坏或不完整（交叉引用表与对象无法解析）")]
    Damaged,
    #[error("PDF 中没有页面")]
    NoPages,
    #[error("PDF 有 {pages} 页，超过上限 {max} 页；公开说明一般只有数十页，请确认文件（上限可在 gouji.toml 的 [limits] 中用 max_pages 调整）")]
    TooManyPages { pages: usize, max: usize },
    #[error("PDF 没有文字层（共 {pages} 页，{images} 幅图像），可能是扫描件；gouji 不做文字识别（OCR），请提供带文字的 PDF 或导出的文本")]
    Scanned { pages: usize, images: usize },
    #[error("PDF 中没有文字")]
    NoText,
    #[error("PDF 的字体没有 Unicode 映射，文字无法读出（第 {} 页）；请用导出的文本", pages_list(.0))]
    NoUnicode(Vec<usize>),
    #[error("读取 PDF 时出错（{0}）；文件可能已损坏")]
    Failed(String),
}

fn pages_list(p: &[usize]) -> String {
    let shown: Vec<String> = p.iter().take(20).map(|n| n.to_string()).collect();
    let more = if p.len() > 20 { " …" } else { "" };
    format!("{}{more}", shown.join("、"))
}

/// A PDF read as text.
#[derive(Debug, Clone)]
pub struct PdfText {
    pub text: String,
    pub pages: PageMap,
}

/// Read a PDF of at most `max_pages` pages. Never panics: the interpreter
/// runs behind `catch_unwind` as a last guard, a panic becoming
/// [`PdfError::Failed`].
pub fn extract(bytes: &[u8], max_pages: usize) -> Result<PdfText, PdfError> {
    let pages =
        std::panic::catch_unwind(|| reader::read_pages(bytes, max_pages)).map_err(|p| {
            let why = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "解释器内部错误".to_owned());
            PdfError::Failed(why)
        })??;
    from_pages(&pages)
}

/// The page model → text, page map and notes on pages that could not be read.
pub fn from_pages(pages: &[model::Page]) -> Result<PdfText, PdfError> {
    let mapped: usize = pages.iter().map(|p| p.glyphs.len()).sum();
    if mapped == 0 {
        let unmapped: Vec<usize> = pages
            .iter()
            .filter(|p| p.unmapped > 0)
            .map(|p| p.number)
            .collect();
        if !unmapped.is_empty() {
            return Err(PdfError::NoUnicode(unmapped));
        }
        let images: usize = pages.iter().map(|p| p.images).sum();
        if images > 0 {
            return Err(PdfError::Scanned {
                pages: pages.len(),
                images,
            });
        }
        return Err(PdfError::NoText);
    }
    let mut notes = Vec::new();
    for p in pages {
        if p.unmapped > 0 && p.unmapped >= p.glyphs.len() {
            notes.push(PageNote {
                page: p.number as u32,
                message: format!(
                    "第 {} 页的字体没有 Unicode 映射，{} 个字符无法读出，本页未核对",
                    p.number, p.unmapped
                ),
            });
        } else if p.glyphs.is_empty() && p.images > 0 {
            notes.push(PageNote {
                page: p.number as u32,
                message: format!(
                    "第 {} 页只有图像、没有文字层（可能是扫描页），gouji 不做文字识别，本页未核对",
                    p.number
                ),
            });
        }
    }
    let r = layout::render(pages);
    let regions = r
        .regions
        .iter()
        .map(|g| {
            let h = r.page_heights.get(g.page - 1).copied().unwrap_or(0.0);
            PageRegion {
                start: g.start as u32,
                end: g.end as u32,
                page: g.page as u32,
                // PDF's own orientation: origin bottom-left, y up.
                bbox: [g.bbox.x0, h - g.bbox.y1, g.bbox.x1, h - g.bbox.y0].map(round2),
            }
        })
        .collect();
    Ok(PdfText {
        text: r.text,
        pages: PageMap {
            page_starts: r.page_starts.iter().map(|&s| s as u32).collect(),
            regions,
            notes,
            blank: pages
                .iter()
                .filter(|p| is_blank(p))
                .map(|p| p.number as u32)
                .collect(),
        },
    })
}

/// Nothing printed on the page but rules and a page number (`- 5 -`,
/// `第5页`): no image, no glyph that could not be read, no other text.
fn is_blank(p: &model::Page) -> bool {
    let page_number = |c: char| c.is_ascii_digit() || c.is_whitespace() || "-—–/第页共".contains(c);
    p.images == 0 && p.unmapped == 0 && p.glyphs.iter().all(|g| g.text.chars().all(page_number))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::from_pages;
    use super::model::{Glyph, Page, Rect, Ruling};

    fn line(text: &str, y: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                text: c.to_string(),
                bbox: Rect::new(50.0 + 10.0 * i as f64, y, 60.0 + 10.0 * i as f64, y + 10.0),
                size: 10.0,
            })
            .collect()
    }

    fn page(number: usize, glyphs: Vec<Glyph>) -> Page {
        Page {
            number,
            width: 400.0,
            height: 600.0,
            glyphs,
            ..Page::default()
        }
    }

    /// A page with only a frame and a page number is blank; a page of text,
    /// and a page of images (a scan or a chart), is not.
    #[test]
    fn blank_pages_are_those_with_nothing_printed() {
        let mut framed = page(2, line("- 2 -", 560.0));
        framed.horizontal = vec![Ruling {
            pos: 40.0,
            from: 40.0,
            to: 360.0,
        }];
        let mut image = page(4, Vec::new());
        image.images = 1;
        let pages = [
            page(1, line("一、部门基本情况", 100.0)),
            framed,
            page(3, Vec::new()),
            image,
            page(5, line("第5页", 560.0)),
            page(6, line("（此页无正文）", 100.0)),
        ];
        let r = from_pages(&pages).unwrap();
        assert_eq!(r.pages.blank, [2, 3, 5]);
        // The image page is a page gouji could not read, not a blank one.
        assert_eq!(r.pages.notes.len(), 1);
        assert_eq!(r.pages.notes[0].page, 4);
    }
}
