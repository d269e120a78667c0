//! Positioned lines: each line of the text cut into fragments with their
//! horizontal position, numbers kept apart from text runs.
//!
//! This is the seam every input format meets at: the table parser only sees
//! `PositionedLine{page, fragments}`, never the file. For text input x is a
//! character column (pdftotext `-layout` output); a PDF reader would give
//! page units.

use crate::source::Line as TextLine;
use crate::source::Span;
use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::LazyLock;

/// A fragment is a number (always its own fragment) or a run of text.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FragmentKind {
    Text,
    Num,
}

/// One piece of a line: a number, or words separated by single spaces.
#[derive(Clone, Debug)]
pub struct Fragment {
    pub kind: FragmentKind,
    /// character columns, half-open
    pub x0: usize,
    pub x1: usize,
    /// byte span in the original text
    pub s: usize,
    pub e: usize,
    /// text without whitespace
    pub text: String,
}

impl Fragment {
    pub fn span(&self) -> Span {
        Span::new(self.s, self.e)
    }
    pub fn centre(&self) -> f64 {
        (self.x0 + self.x1) as f64 / 2.0
    }
}

/// One line of the text (byte range `s..e`, without its terminator) on its
/// page, cut into fragments.
#[derive(Clone, Debug)]
pub struct PositionedLine {
    pub s: usize,
    pub e: usize,
    pub page: usize,
    pub fragments: Vec<Fragment>,
    /// text of the line with all whitespace removed
    pub norm: String,
}

impl PositionedLine {
    pub fn blank(&self) -> bool {
        self.fragments.is_empty()
    }
    pub fn has_num(&self) -> bool {
        self.fragments.iter().any(|c| c.kind == FragmentKind::Num)
    }
}

static NUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-−]?(?:[0-9０-９]{1,3}(?:,[0-9０-９]{3})+|[0-9０-９]+)(?:\.[0-9０-９]+)?$")
        .expect("static regex")
});

static GLUED_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9０-９]{3}|[0-9０-９]{5}|[0-9０-９]{7})\p{Han}").expect("static regex")
});

pub(crate) fn parse_num(s: &str) -> Option<(Decimal, u32)> {
    if !NUM.is_match(s) {
        return None;
    }
    let clean: String = s
        .chars()
        .filter(|c| *c != ',')
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    let v = Decimal::from_str(&clean).ok()?;
    let decimals = clean
        .split_once('.')
        .map(|(_, f)| f.len() as u32)
        .unwrap_or(0);
    Some((v, decimals))
}

/// The positioned lines of `text`: its [`lines`](crate::source::lines)
/// (the one line splitter), each cut into fragments, with the page it is on
/// (form feeds counted).
pub fn positioned_lines(text: &str, lines: &[TextLine]) -> Vec<PositionedLine> {
    let mut out = Vec::with_capacity(lines.len());
    let mut page = 0usize;
    for line in lines {
        let (s, e) = (line.span.start as usize, line.span.end as usize);
        let body = &text[s..e];
        let ff = body.matches('\x0c').count();
        page += ff;
        let fragments = tokenize(body, s);
        let norm = body
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\x0c')
            .collect();
        out.push(PositionedLine {
            s,
            e,
            page,
            fragments,
            norm,
        });
    }
    out
}

/// Split one line into fragments: numbers (always separate), and text runs
/// (words separated by a single space are joined).
fn tokenize(body: &str, base: usize) -> Vec<Fragment> {
    // words: (x0, x1, byte start, byte end)
    let mut words: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut col = 0usize;
    let mut cur: Option<(usize, usize)> = None; // (x0, byte start)
    for (bi, ch) in body.char_indices() {
        if ch == '\x0c' || ch == '\r' {
            if let Some((x0, b0)) = cur.take() {
                words.push((x0, col, b0, bi));
            }
            continue;
        }
        if ch.is_whitespace() {
            if let Some((x0, b0)) = cur.take() {
                words.push((x0, col, b0, bi));
            }
        } else if cur.is_none() {
            cur = Some((col, bi));
        }
        col += 1;
    }
    if let Some((x0, b0)) = cur.take() {
        words.push((x0, col, b0, body.len()));
    }
    let mut fragments: Vec<Fragment> = Vec::new();
    for (x0, x1, b0, b1) in words {
        let w = &body[b0..b1];
        if parse_num(w).is_some() {
            fragments.push(Fragment {
                kind: FragmentKind::Num,
                x0,
                x1,
                s: base + b0,
                e: base + b1,
                text: w.to_string(),
            });
            continue;
        }
        let mut x0 = x0;
        let mut b0 = b0;
        if let Some(m) = GLUED_CODE.find(w) {
            // code glued to its label: "310资本性支出"
            let digits = w[..m.end()].trim_end_matches(|c: char| !c.is_ascii_digit());
            let n = digits.len();
            fragments.push(Fragment {
                kind: FragmentKind::Num,
                x0,
                x1: x0 + n,
                s: base + b0,
                e: base + b0 + n,
                text: digits.to_string(),
            });
            x0 += n;
            b0 += n;
        }
        let w = &body[b0..b1];
        if let Some(last) = fragments
            .last_mut()
            .filter(|last| last.kind == FragmentKind::Text && x0 <= last.x1 + 1)
        {
            last.x1 = x1;
            last.e = base + b1;
            last.text.push_str(w);
            continue;
        }
        fragments.push(Fragment {
            kind: FragmentKind::Text,
            x0,
            x1,
            s: base + b0,
            e: base + b1,
            text: w.to_string(),
        });
    }
    fragments
}
