//! The same report in the surface forms other sites publish it in (FORMS.md
//! §1–§3) must read the same: the same findings on the same lines, the same
//! "not checked" notes and the same figures checked. Variants: Traditional
//! characters (a mirror site; the committed copy is made by
//! scripts/to_traditional.py with OpenCC's table), half-width punctuation,
//! and PDF-style spaces between Chinese text and figures. The corpus
//! reports (when ../shared/corpus is present) are checked in half-width
//! punctuation and in a Traditional rendering of the sample's characters.

mod common;

use common::shipped;
use gouji::check::check_source;
use gouji::config::Config;
use gouji::source::{Encoding, SourceFile};

/// What a check says about a report, independent of its characters:
/// (rule, outcome, severity, lines of the labels), sorted; and the
/// figures checked / in the report.
type Reading = (Vec<(String, String, String, Vec<usize>)>, usize, usize);

fn reading(text: &str) -> Reading {
    let src = SourceFile::new("report.txt", text.to_owned(), Encoding::Utf8);
    let r = check_source(&src, shipped(), &Config::default());
    let mut found: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| {
            let lines = d
                .labels
                .iter()
                .map(|l| src.lines.line_of(l.span.start))
                .collect();
            (
                d.code.clone(),
                format!("{:?}", d.outcome),
                format!("{:?}", d.severity),
                lines,
            )
        })
        .collect();
    found.sort();
    (found, r.coverage.covered, r.coverage.figures)
}

fn assert_same(original: &str, variant: &str, what: &str) {
    let (a, b) = (reading(original), reading(variant));
    assert!(!a.0.is_empty(), "{what}: the check says something");
    let only = |x: &Reading, y: &Reading| -> Vec<_> {
        x.0.iter().filter(|d| !y.0.contains(d)).cloned().collect()
    };
    assert!(
        a.0 == b.0,
        "{what}: only in the original {:?}; only in the variant {:?}",
        only(&a, &b),
        only(&b, &a)
    );
    assert_eq!((a.1, a.2), (b.1, b.2), "{what}: figures checked / figures");
}

const SAMPLE: &str = "fixtures/jiangjin_egov_2024_final.txt";

#[test]
fn traditional_characters_read_as_simplified() {
    let original = std::fs::read_to_string(SAMPLE).unwrap();
    let variant =
        std::fs::read_to_string("fixtures/variants/jiangjin_egov_2024_final.traditional.txt")
            .unwrap();
    // The variant really is Traditional: the words the rules look for are
    // not there as written.
    for word in ["决算", "财政拨款", "机关运行经费", "项目", "合计"] {
        assert!(!variant.contains(word), "{word}");
    }
    assert_same(&original, &variant, "Traditional characters");
}

#[test]
fn half_width_punctuation_reads_as_full_width() {
    let original = std::fs::read_to_string(SAMPLE).unwrap();
    let variant = half_width(&original);
    assert_ne!(original, variant);
    assert_same(&original, &variant, "half-width punctuation");
}

#[test]
fn pdf_spacing_around_figures_reads_as_without() {
    // `308.97万元` → `308.97 万元`, `2024年` → `2024 年`: an ASCII space
    // between a figure and the Chinese text on either side, in prose only
    // (table lines keep their columns).
    let original = std::fs::read_to_string(SAMPLE).unwrap();
    let mut variant = String::with_capacity(original.len() * 2);
    for line in original.split_inclusive('\n') {
        let prose = !line.contains('\t') && line.chars().any(|c| c == '。' || c == '，');
        let mut prev: Option<char> = None;
        for c in line.chars() {
            if let Some(p) = prev {
                let cjk = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
                if prose && (p.is_ascii_digit() && cjk(c) || cjk(p) && c.is_ascii_digit()) {
                    variant.push(' ');
                }
            }
            variant.push(c);
            prev = Some(c);
        }
    }
    assert!(variant.contains("308.97 万元"));
    assert_same(&original, &variant, "PDF spacing");
}

/// Half-width punctuation, as the pages corpus prints it.
fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '，' => ',',
            '：' => ':',
            '；' => ';',
            '（' => '(',
            '）' => ')',
            '％' => '%',
            _ => c,
        })
        .collect()
}

/// Simplified → Traditional for the characters the committed Traditional
/// sample shows: each pair of characters that differ between the two
/// copies of the sample.
fn traditional_of_sample() -> std::collections::HashMap<char, char> {
    let s = std::fs::read_to_string(SAMPLE).unwrap();
    let t = std::fs::read_to_string("fixtures/variants/jiangjin_egov_2024_final.traditional.txt")
        .unwrap();
    s.chars().zip(t.chars()).filter(|(a, b)| a != b).collect()
}

#[test]
fn corpus_reports_read_the_same_in_other_surface_forms() {
    let Ok(dir) = std::fs::read_dir("../shared/corpus") else {
        eprintln!("skipped: ../shared/corpus is not beside the crate");
        return;
    };
    let mut paths: Vec<_> = dir
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".layout.txt"))
        .collect();
    paths.sort();
    let st = traditional_of_sample();
    assert!(
        st.len() > 100,
        "the sample's Traditional copy differs in {} characters",
        st.len()
    );
    for p in &paths {
        let original = std::fs::read_to_string(p).unwrap();
        let name = p.display();
        assert_same(
            &original,
            &half_width(&original),
            &format!("{name}, half-width"),
        );
        let traditional: String = original
            .chars()
            .map(|c| *st.get(&c).unwrap_or(&c))
            .collect();
        assert_ne!(traditional, original);
        assert_same(&original, &traditional, &format!("{name}, Traditional"));
    }
}
