//! The binary on PDF input: pages in every output format, and bad PDFs
//! (made here from bytes) each with a clear message and exit 2, never a
//! panic.

#![cfg(feature = "pdf")]

mod common;
use common::*;

use std::path::Path;

/// A PDF from its objects (numbered from 1), with a correct xref table.
fn pdf(objects: &[String], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dict: &str, data: &[u8]) -> String {
    format!(
        "<< {dict} /Length {} >>\nstream\n{}\nendstream",
        data.len(),
        String::from_utf8_lossy(data)
    )
}

/// One page drawing `content`, with `resources`.
fn one_page(resources: &str, content: &str, extra: &[String]) -> Vec<String> {
    let mut objs = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {resources} /Contents 4 0 R >>"
        ),
        stream("", content.as_bytes()),
    ];
    objs.extend_from_slice(extra);
    objs
}

/// Three A4 pages in Helvetica, drawing `contents` one per page.
fn three_pages(contents: [&[u8]; 3]) -> Vec<u8> {
    let font = "<< /Font << /F1 6 0 R >> >>";
    let page = |c: usize| {
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {font} /Contents {c} 0 R >>"
        )
    };
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>".to_owned(),
        page(7),
        page(8),
        page(9),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    objects.extend(contents.iter().map(|c| stream("", c)));
    pdf(&objects, "")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

/// Exit 2, the file named, the expected words in the message; no panic.
fn refused(path: &str, words: &str) {
    let o = gouji(&["check", path]);
    let out = stdout(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{path}: {out}{err}");
    assert!(!err.contains("panicked"), "{path}: {err}");
    assert!(out.contains(path), "{out}");
    assert!(out.contains(words), "{path}: want “{words}” in {out}");
}

#[test]
fn finding_on_a_pdf_names_its_page_in_every_format() {
    let pdf = "fixtures/pdf/defect.pdf";
    let o = gouji(&["check", pdf, "--color", "never"]);
    assert_eq!(o.status.code(), Some(1));
    let human = stdout(&o);
    let line = human
        .lines()
        .find(|l| l.contains("error[table-code-sums]"))
        .expect("the wrong 合计 is found");
    assert!(line.contains("（第 1 页）"), "{line}");
    assert!(line.contains("73.54"), "{line}");

    let o = gouji(&["check", pdf, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "table-code-sums")
        .unwrap();
    let l = &d["labels"][0];
    assert_eq!(l["text"], "73.54");
    assert_eq!(l["page"], 1);
    let b: Vec<f64> = l["box"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    // A box on an A4 page (points), x0 < x1, y0 < y1, in the lower half of
    // the page as printed (the 合计 row ends the table).
    assert!(
        b[0] < b[2] && b[1] < b[3] && b[2] <= 596.0 && b[3] <= 842.0,
        "{b:?}"
    );
    assert!(b[3] - b[1] < 20.0, "one line high: {b:?}");

    let o = gouji(&["check", pdf, "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "table-code-sums")
        .unwrap();
    assert_eq!(r["properties"]["page"], 1);
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["snippet"]["text"], "73.54");
    assert!(
        region.get("byteOffset").is_none(),
        "no byte offset into a PDF"
    );
}

#[test]
fn dump_and_directory_walk_read_pdfs() {
    let o = gouji(&["dump", "fixtures/pdf/wrapped.pdf"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["kind"] == "一般公共预算财政拨款支出决算表"));
    let d = temp_dir("walk");
    std::fs::copy("fixtures/pdf/defect.pdf", d.join("a.pdf")).unwrap();
    let o = gouji(&["check", d.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["reports"], 1, "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn bad_pdfs_are_refused_with_a_reason() {
    let d = temp_dir("bad");
    // Encrypted with a password (the empty one does not open it).
    let enc = pdf(
        &one_page("<< >>", "", &["<< /Filter /Standard /V 1 /R 2 /O <00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF> /U <FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100> /P -4 >>".to_owned()]),
        "/Encrypt 5 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]",
    );
    refused(&write(&d, "enc.pdf", &enc), "加密");
    // A scan: one image, no text.
    let img = stream(
        "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8",
        &[0u8, 255, 255, 0],
    );
    let scan = pdf(
        &one_page(
            "<< /XObject << /Im1 5 0 R >> >>",
            "q 500 0 0 700 40 60 cm /Im1 Do Q",
            &[img],
        ),
        "",
    );
    refused(&write(&d, "scan.pdf", &scan), "OCR");
    // A Type3 font without ToUnicode nor glyph names: text not readable.
    let t3 = "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /a 6 0 R >> /Encoding << /Type /Encoding /Differences [] >> /FirstChar 65 /LastChar 70 /Widths [1000 1000 1000 1000 1000 1000] >>".to_owned();
    let proc_ = stream("", b"1000 0 0 0 1000 1000 d1 0 0 1000 1000 re f");
    let nomap = pdf(
        &one_page(
            "<< /Font << /F1 5 0 R >> >>",
            "BT /F1 12 Tf 72 700 Td (ABCDEF) Tj ET",
            &[t3, proc_],
        ),
        "",
    );
    refused(&write(&d, "nomap.pdf", &nomap), "Unicode");
    // Damaged: a header and nothing a reader can use.
    refused(
        &write(
            &d,
            "damaged.pdf",
            b"%PDF-1.7\n\x00\x01garbage 1 0 obj << /Type /Foo",
        ),
        "PDF",
    );
    // An HTML page saved as .pdf.
    refused(
        &write(
            &d,
            "page.pdf",
            b"<!DOCTYPE html><html><body>404</body></html>",
        ),
        "不是 PDF",
    );
    // Too many pages.
    let n = gouji::input::ReadLimits::default().max_pages + 1;
    let mut objs = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {n} >>",
            (0..n)
                .map(|i| format!("{} 0 R", i + 3))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    ];
    for _ in 0..n {
        objs.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_owned());
    }
    refused(&write(&d, "huge.pdf", &pdf(&objs, "")), "超过上限");
}

/// `max_pages` in gouji.toml's `[limits]` replaces the default (400).
#[test]
fn the_page_limit_is_configurable() {
    let d = temp_dir("max-pages");
    let config = write(&d, "gouji.toml", b"[limits]\nmax_pages = 1\n");
    let pdf = "fixtures/pdf/two_pages.pdf";
    let o = gouji(&["check", "--config", &config, pdf]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("PDF 有 2 页，超过上限 1 页"), "{out}");
    assert!(out.contains("max_pages"), "{out}");
    // Within the default it is read.
    let o = gouji(&["check", pdf]);
    assert_ne!(o.status.code(), Some(2), "{}", stdout(&o));
}

#[test]
fn truncated_pdf_never_panics() {
    let d = temp_dir("trunc");
    let full = std::fs::read("fixtures/pdf/wrapped.pdf").unwrap();
    for cut in [full.len() / 10, full.len() / 2, full.len() - 200] {
        let p = write(&d, &format!("cut{cut}.pdf"), &full[..cut]);
        let o = gouji(&["check", &p]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{p}: {err}");
        // Either what could be read is checked, or a clear refusal.
        match o.status.code() {
            Some(2) => assert!(stdout(&o).contains(&p)),
            Some(0 | 1) => {}
            c => panic!("{p}: exit {c:?}"),
        }
    }
}

/// The JSON diagnostics of `code`.
fn coded<'a>(diags: &'a [serde_json::Value], code: &str) -> Vec<&'a serde_json::Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

/// A page with only a frame and a page number between two pages of text:
/// one warning, located at that page; the pages of text are not blank.
#[test]
fn a_blank_page_is_a_warning_on_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = three_pages([
        b"BT /F1 12 Tf 72 770 Td (Report 2024 page one) Tj ET",
        b"1 w 40 40 515 762 re S BT /F1 10 Tf 290 20 Td (- 2 -) Tj ET",
        b"BT /F1 12 Tf 72 770 Td (Page three) Tj ET",
    ]);
    let path = write(dir.path(), "blank.pdf", &bytes);
    // A warning: the gate fails on it once asked to.
    let o = gouji(&["check", &path, "--fail-on", "warning", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let blank = coded(v["diagnostics"].as_array().unwrap(), "gouji::blank-page");
    assert_eq!(blank.len(), 1, "{blank:#?}");
    assert_eq!(blank[0]["severity"], "warning");
    assert!(blank[0]["message"].as_str().unwrap().contains("第 2 页"));
    assert_eq!(blank[0]["labels"][0]["page"], 2);
    assert_eq!(blank[0]["labels"][0]["text"], "- 2 -");
}

#[test]
fn joined_pdfs_keep_their_pages() {
    let dir = tempfile::tempdir().unwrap();
    // A second PDF whose second page is blank.
    let bytes = three_pages([
        b"BT /F1 12 Tf 72 770 Td (Annex page one) Tj ET",
        b"BT /F1 10 Tf 290 20 Td (- 2 -) Tj ET",
        b"BT /F1 12 Tf 72 770 Td (Annex page three) Tj ET",
    ]);
    let annex = write(dir.path(), "annex.pdf", &bytes);
    let main = "fixtures/pdf/defect.pdf";

    let o = gouji(&["check", "--join", main, &annex, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    // The finding on the first file names that file and its page.
    let d = diags
        .iter()
        .find(|d| d["code"] == "table-code-sums")
        .unwrap_or_else(|| panic!("{v:#}"));
    let l = &d["labels"][0];
    assert_eq!(l["text"], "73.54");
    assert_eq!(l["native"]["file"], "defect.pdf");
    assert_eq!(l["native"]["page"], 1);
    assert_eq!(l["locator"], "defect.pdf 第 1 页");
    // The second file's blank page is not lost in the join: a warning on
    // that file's page 2 (its page number), as for the PDF checked alone.
    let blank = coded(diags, "gouji::blank-page");
    assert_eq!(blank.len(), 1, "{v:#}");
    assert_eq!(blank[0]["severity"], "warning");
    assert!(
        blank[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("annex.pdf 第 2 页是空白页"),
        "{:#}",
        blank[0]
    );
    let l = &blank[0]["labels"][0];
    assert_eq!(l["text"], "- 2 -");
    assert_eq!(l["native"]["file"], "annex.pdf");
    assert_eq!(l["native"]["page"], 2);

    let o = gouji(&["check", "--join", main, &annex, "--color", "never"]);
    let human = stdout(&o);
    let line = human
        .lines()
        .find(|l| l.contains("error[table-code-sums]"))
        .unwrap_or_else(|| panic!("{human}"));
    assert!(line.contains("（defect.pdf 第 1 页）"), "{line}");

    // A table at the end of one file does not take the next file's first
    // line (its title) as a wrapped row label: each copy is read alone.
    let copy = write(dir.path(), "copy.pdf", &std::fs::read(main).unwrap());
    let o = gouji(&["check", "--join", main, &copy, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    let sums: Vec<&serde_json::Value> = diags
        .iter()
        .filter(|d| d["code"] == "table-columns")
        .collect();
    assert_eq!(sums.len(), 2, "{v:#}");
    assert!(
        sums.iter()
            .all(|d| d["message"].as_str().unwrap().contains("“合计”行")),
        "{sums:#?}"
    );
    let files: Vec<&str> = sums
        .iter()
        .map(|d| d["labels"][0]["native"]["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["defect.pdf", "copy.pdf"]);
}
