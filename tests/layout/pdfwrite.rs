//! Pages of the PDF reader's model written as a PDF file: each glyph shown
//! at its box, each ruling stroked. One Type0 font (Identity-H, the code of
//! a glyph its Unicode scalar, a ToUnicode map, widths of 1000 for Chinese
//! and 500 for ASCII) and no font program: the reader needs a glyph's
//! Unicode text and its advance, not its outline. So the generated layouts
//! go through the whole PDF path (parser, interpreter, reader, layout).

use gouji::input::pdf::model::Page;
use std::collections::BTreeSet;
use std::fmt::Write;

/// Where the reader puts a glyph's top, below its baseline's top-left
/// origin: its box runs from 0.8 em above the baseline to 0.2 em below.
const ASCENT: f64 = 0.8;

fn width(c: char) -> u32 {
    if c.is_ascii() {
        500
    } else {
        1000
    }
}

/// The PDF file of `pages`. Characters outside the Basic Multilingual
/// Plane are not written (none is generated).
pub fn write(pages: &[Page]) -> Vec<u8> {
    let chars: BTreeSet<char> = pages
        .iter()
        .flat_map(|p| p.glyphs.iter().flat_map(|g| g.text.chars()))
        .filter(|c| (*c as u32) <= 0xFFFF)
        .collect();
    // Objects 1 catalog, 2 pages, 3 font, 4 CID font, 5 descriptor,
    // 6 ToUnicode, then per page its page object and its content.
    let mut objs: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 7 + 2 * i))
        .collect();
    objs.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objs.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objs.push(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
          /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>"
            .to_vec(),
    );
    let widths: String = chars
        .iter()
        .map(|&c| format!("{} [{}]", c as u32, width(c)))
        .collect::<Vec<_>>()
        .join(" ");
    objs.push(
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor 5 0 R /DW 1000 /W [{widths}] /CIDToGIDMap /Identity >>"
        )
        .into_bytes(),
    );
    objs.push(
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -200 1000 800] \
          /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>"
            .to_vec(),
    );
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
         1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    let list: Vec<char> = chars.iter().copied().collect();
    for chunk in list.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for &c in chunk {
            let _ = writeln!(cmap, "<{:04X}> <{:04X}>", c as u32, c as u32);
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end");
    objs.push(stream(cmap.as_bytes()));
    for p in pages {
        let h = p.height;
        let mut content = String::new();
        for g in &p.glyphs {
            let code: String = g
                .text
                .chars()
                .filter(|c| (*c as u32) <= 0xFFFF)
                .map(|c| format!("{:04X}", c as u32))
                .collect();
            let baseline = h - (g.bbox.y0 + ASCENT * g.size);
            let _ = writeln!(
                content,
                "BT /F1 {:.2} Tf 1 0 0 1 {:.2} {:.2} Tm <{code}> Tj ET",
                g.size, g.bbox.x0, baseline
            );
        }
        content.push_str("0.5 w\n");
        for r in &p.horizontal {
            let _ = writeln!(
                content,
                "{:.2} {:.2} m {:.2} {:.2} l S",
                r.from,
                h - r.pos,
                r.to,
                h - r.pos
            );
        }
        for r in &p.vertical {
            let _ = writeln!(
                content,
                "{:.2} {:.2} m {:.2} {:.2} l S",
                r.pos,
                h - r.from,
                r.pos,
                h - r.to
            );
        }
        let n = objs.len();
        objs.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {:.2} {:.2}] \
                 /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                p.width,
                h,
                n + 2
            )
            .into_bytes(),
        );
        objs.push(stream(content.as_bytes()));
    }
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::with_capacity(objs.len());
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1);
    for o in offsets {
        let _ = writeln!(tail, "{o:010} 00000 n ");
    }
    let _ = write!(
        tail,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objs.len() + 1
    );
    out.extend_from_slice(tail.as_bytes());
    out
}

fn stream(data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< /Length {} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}
