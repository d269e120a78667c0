//! Positioned lines: each line of the text cut into fragments ([`Chunk`]s) with
//! their character columns, numbers kept apart from text runs.
//!
//! This is the seam every input format meets at: the column parser only sees
//! `Line{page, chunks}`, never the raw text layout.

use crate::document::text::Line as TextLine;
use crate::source::Span;
use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::LazyLock;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum ChunkKind {
    Text,
    Num,
}

#[derive(Clone, Debug)]
pub(super) struct Chunk {
    pub(super) kind: ChunkKind,
    /// character columns, half-open
    pub(super) x0: usize,
    pub(super) x1: usize,
    /// byte span in the original text
    pub(super) s: usize,
    pub(super) e: usize,
    /// text without whitespace
    pub(super) text: String,
}

impl Chunk {
    pub(super) fn span(&self) -> Span {
        Span::new(self.s, self.e)
    }
    pub(super) fn centre(&self) -> f64 {
        (self.x0 + self.x1) as f64 / 2.0
    }
}

#[derive(Clone, Debug)]
pub(super) struct Line {
    pub(super) s: usize,
    pub(super) e: usize,
    pub(super) page: usize,
    pub(super) chunks: Vec<Chunk>,
    /// text of the line with all whitespace removed
    pub(super) norm: String,
}

impl Line {
    pub(super) fn blank(&self) -> bool {
        self.chunks.is_empty()
    }
    pub(super) fn has_num(&self) -> bool {
        self.chunks.iter().any(|c| c.kind == ChunkKind::Num)
    }
}

static NUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$").expect("static regex")
});

static GLUED_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{3}|\d{5}|\d{7})\p{Han}").expect("static regex"));

pub(super) static UNIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"单位\s*[:：]\s*(亿元|万元|萬元|千元|元)").expect("static regex"));

pub(super) static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]+、|\d+[.．、]|[（(][一二三四五六七八九十\d]+[)）])")
        .expect("static regex")
});

pub(super) fn parse_num(s: &str) -> Option<(Decimal, u32)> {
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

/// The positioned lines of `text`: its [`text::lines`](crate::document::text::lines)
/// (the one line splitter), each cut into chunks, with the page it is on
/// (form feeds counted).
pub(super) fn positioned_lines(text: &str, lines: &[TextLine]) -> Vec<Line> {
    let mut out = Vec::with_capacity(lines.len());
    let mut page = 0usize;
    for line in lines {
        let (s, e) = (line.span.start as usize, line.span.end as usize);
        let body = &text[s..e];
        let ff = body.matches('\x0c').count();
        page += ff;
        let chunks = tokenize(body, s);
        let norm = body
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\x0c')
            .collect();
        out.push(Line {
            s,
            e,
            page,
            chunks,
            norm,
        });
    }
    out
}

/// Split one line into chunks: numbers (always separate), and text runs
/// (words separated by a single space are joined).
fn tokenize(body: &str, base: usize) -> Vec<Chunk> {
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
    let mut chunks: Vec<Chunk> = Vec::new();
    for (x0, x1, b0, b1) in words {
        let w = &body[b0..b1];
        if parse_num(w).is_some() {
            chunks.push(Chunk {
                kind: ChunkKind::Num,
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
            chunks.push(Chunk {
                kind: ChunkKind::Num,
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
        if let Some(last) = chunks
            .last_mut()
            .filter(|last| last.kind == ChunkKind::Text && x0 <= last.x1 + 1)
        {
            last.x1 = x1;
            last.e = base + b1;
            last.text.push_str(w);
            continue;
        }
        chunks.push(Chunk {
            kind: ChunkKind::Text,
            x0,
            x1,
            s: base + b0,
            e: base + b1,
            text: w.to_string(),
        });
    }
    chunks
}
