//! Normalised text for matching, with a map back to the original bytes.
//!
//! Reports break lines inside sentences and numbers (`增\n加 90.09 万元`),
//! mix full- and half-width forms (`３０８．９７`, `％`, `：`) and put spaces
//! between numbers and units. Matching runs on a normalised copy: line breaks
//! and spaces removed (one space kept between two ASCII alphanumerics, or
//! `%` and a digit, so `43.2 37.24` stays two numbers), full-width ASCII folded to ASCII, CJK
//! punctuation folded to its ASCII twin. Every byte of the copy remembers the
//! original span of the character it came from, so a match maps back to the
//! exact original bytes.

use crate::source::Span;

/// Text prepared for matching, with a map back to the original offsets.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    pub text: String,
    /// The map back, as runs of `text` in order (the first at 0). A run of
    /// characters copied from contiguous original text of the same length
    /// (most of a report) is one entry, so the map costs a few bytes per
    /// folded character instead of eight per byte of text.
    runs: Vec<Run>,
}

/// One run of [`Normalized::text`]: where it starts there and in the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    /// Its first byte in the normalised text (a character boundary).
    at: u32,
    /// The original start of its first character.
    start: u32,
    /// [`COPIED`]: characters whose original bytes are as long and follow
    /// each other. Otherwise the run is one character (folded to another
    /// length, or a space standing for white space) and this is its
    /// original end.
    end: u32,
}

/// [`Run::end`] of a run of copied characters.
const COPIED: u32 = u32::MAX;

/// Fold one character to its matching form, or `None` to drop it.
pub fn fold_char(c: char) -> Option<char> {
    Some(match c {
        // Full-width ASCII block (digits, letters, ％ ． ， ： ； （ ） …).
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        '\u{3000}' => ' ',
        '“' | '”' | '„' => '"',
        '‘' | '’' => '\'',
        '〔' | '【' => '[',
        '〕' | '】' => ']',
        '\u{00A0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' => ' ',
        '﹪' => '%',
        '\u{FF61}' => '。',
        '—' | '–' => '-',
        // Traditional-character mirrors of mainland pages (FORMS.md §1):
        // folded one to one, so spans stay exact; the bitmap test first,
        // as fold runs on every character of the report.
        _ if is_traditional(c) => crate::traditional::to_simplified(c),
        _ => c,
    })
}

/// The text with every Traditional character replaced by its Simplified
/// form (FORMS.md §1: mirror sites). Byte offsets do not move (each pair
/// has the same UTF-8 length), so a span into it is a span into the
/// original. Borrowed when there is nothing to replace.
pub fn simplified(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(at) = text
        .char_indices()
        .find(|&(_, c)| is_traditional(c))
        .map(|(i, _)| i)
    else {
        return std::borrow::Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..at]);
    out.extend(text[at..].chars().map(|c| {
        if is_traditional(c) {
            crate::traditional::to_simplified(c)
        } else {
            c
        }
    }));
    debug_assert_eq!(out.len(), text.len());
    std::borrow::Cow::Owned(out)
}

/// Is `c` a Traditional character with a Simplified form? A bitmap over
/// the common CJK blocks keeps the test for Simplified text cheap.
fn is_traditional(c: char) -> bool {
    const FROM: u32 = 0x3400;
    const TO: u32 = 0xA000;
    static MAP: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
        let mut map = vec![0u64; ((TO - FROM) as usize).div_ceil(64)];
        for &(t, _) in crate::traditional::PAIRS {
            let u = t as u32;
            if (FROM..TO).contains(&u) {
                let i = (u - FROM) as usize;
                map[i / 64] |= 1 << (i % 64);
            }
        }
        map
    });
    let u = c as u32;
    if u < FROM {
        false
    } else if u < TO {
        let i = (u - FROM) as usize;
        MAP[i / 64] >> (i % 64) & 1 == 1
    } else {
        crate::traditional::to_simplified(c) != c
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\x0c'
}

impl Normalized {
    /// Normalise the given pieces of the original text (each a span, in
    /// order). Pieces are joined without separator: they are the lines of one
    /// paragraph.
    pub fn from_pieces(original: &str, pieces: &[Span]) -> Normalized {
        let mut n = Normalized::default();
        // Folding never lengthens the text: reserve once instead of growing
        // it byte by byte (reallocation was ~9% of a batch).
        n.text.reserve(pieces.iter().map(|p| p.range().len()).sum());
        fold_pieces(original, pieces, |c, start, end| n.push(c, start, end));
        n
    }

    /// Append `c`, which stands for the original bytes `start..end`.
    fn push(&mut self, c: char, start: u32, end: u32) {
        let at = self.text.len() as u32;
        let copied = end - start == c.len_utf8() as u32;
        let extends = self
            .runs
            .last()
            .is_some_and(|r| r.end == COPIED && r.start + (at - r.at) == start);
        if !(copied && extends) {
            let end = if copied { COPIED } else { end };
            self.runs.push(Run { at, start, end });
        }
        self.text.push(c);
    }

    /// The original span of the character holding byte `q` of the text
    /// (`q < text.len()`).
    fn char_span(&self, q: usize) -> Span {
        let k = self.runs.partition_point(|r| r.at as usize <= q).max(1) - 1;
        // No run: `text` was set by hand, without a map.
        let Some(&r) = self.runs.get(k) else {
            return Span::default();
        };
        if r.end != COPIED {
            return Span {
                start: r.start,
                end: r.end,
            };
        }
        let mut b = q;
        while !self.text.is_char_boundary(b) {
            b -= 1;
        }
        let len = self.text[b..].chars().next().map_or(0, char::len_utf8);
        let start = r.start + (b as u32 - r.at);
        Span {
            start,
            end: start + len as u32,
        }
    }

    /// Original span of a byte range of the normalised text.
    pub fn original(&self, start: usize, end: usize) -> Span {
        let len = self.text.len();
        if len == 0 {
            return Span::default();
        }
        let s = start.min(len - 1);
        let e = end.max(start + 1).min(len);
        let first = self.char_span(s).start;
        Span {
            start: first,
            end: self.char_span(e - 1).end.max(first),
        }
    }

    pub fn original_of(&self, m: &regex::Match) -> Span {
        self.original(m.start(), m.end())
    }

    /// The normalised text from `pos` (a character boundary) on, with its map.
    pub fn slice_from(&self, pos: usize) -> Normalized {
        let pos = pos.min(self.text.len());
        let text = self.text[pos..].to_owned();
        let k = self.runs.partition_point(|r| r.at as usize <= pos);
        let mut runs = Vec::with_capacity((self.runs.len() + 1).saturating_sub(k.max(1)));
        // The run that holds `pos` starts the slice's map (none: no text
        // left, or `text` set by hand without a map).
        let holder = self.runs.get(k.max(1) - 1).filter(|_| !text.is_empty());
        if let Some(&r) = holder {
            let cut = pos as u32 - r.at;
            let start = if r.end == COPIED {
                r.start + cut
            } else {
                r.start
            };
            runs.push(Run {
                at: 0,
                start,
                end: r.end,
            });
            runs.extend(self.runs[k..].iter().map(|r| Run {
                at: r.at - pos as u32,
                ..*r
            }));
        }
        Normalized { text, runs }
    }

    /// The first normalised byte position whose character starts at or
    /// after an original offset (the inverse of `original_offset`).
    pub fn position_of(&self, offset: u32) -> usize {
        // Runs start in the original's order: the first run starting at or
        // after `offset`, unless a character of the copied run before it does.
        let k = self.runs.partition_point(|r| r.start < offset);
        let next = self.runs.get(k).map_or(self.text.len(), |r| r.at as usize);
        if let Some(r) = k.checked_sub(1).map(|k| self.runs[k]) {
            if r.end == COPIED {
                let mut b = r.at as usize + (offset - r.start) as usize;
                while b < next && !self.text.is_char_boundary(b) {
                    b += 1;
                }
                if b < next {
                    return b;
                }
            }
        }
        next
    }

    /// The original offset of a normalised byte position (for a boundary).
    pub fn original_offset(&self, pos: usize) -> u32 {
        if pos < self.text.len() {
            self.char_span(pos).start
        } else if self.text.is_empty() {
            0
        } else {
            self.char_span(self.text.len() - 1).end
        }
    }
}

/// The normalisation itself: each character of the normalised text, in
/// order, with the original bytes it stands for.
fn fold_pieces(original: &str, pieces: &[Span], mut emit: impl FnMut(char, u32, u32)) {
    // The last character emitted.
    let mut last: Option<char> = None;
    // Whether a space is pending between two ASCII alphanumerics.
    let mut pending_space: Option<(u32, u32)> = None;
    for piece in pieces {
        let Some(slice) = original.get(piece.range()) else {
            continue;
        };
        let mut skip_to = 0usize;
        for (i, c) in slice.char_indices() {
            if i < skip_to {
                continue;
            }
            let start = piece.start + i as u32;
            let end = start + c.len_utf8() as u32;
            // `經(jīng)費`: a pinyin gloss after a character is dropped.
            if (c == '(' || c == '（') && last.is_some_and(is_cjk) {
                if let Some(len) = pinyin_gloss(&slice[i + c.len_utf8()..]) {
                    skip_to = i + c.len_utf8() + len;
                    continue;
                }
            }
            if is_space(c) {
                if pending_space.is_none() {
                    pending_space = Some((start, end));
                }
                continue;
            }
            let Some(f) = fold_char(c) else { continue };
            if let Some((s, e)) = pending_space.take() {
                if last.is_some_and(|p| p.is_ascii_alphanumeric() || p == '%')
                    && f.is_ascii_alphanumeric()
                {
                    emit(' ', s, e);
                }
            }
            emit(f, start, end);
            last = Some(f);
        }
        // A line break counts as a space for the ASCII rule.
        if pending_space.is_none() && piece.end > piece.start {
            pending_space = Some((piece.end, piece.end));
        }
    }
}

/// A CJK unified ideograph (the basic block U+4E00–U+9FFF, which holds
/// every character of this genre's vocabulary; the extensions are not
/// matched).
pub fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// The length of `jīng)` at the start of `s` (1–8 pinyin letters, at least
/// one with a tone mark, then a closing parenthesis), if it is one.
fn pinyin_gloss(s: &str) -> Option<usize> {
    const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ";
    let mut letters = 0;
    let mut toned = false;
    for (i, c) in s.char_indices() {
        if c == ')' || c == '）' {
            return (letters > 0 && toned).then_some(i + c.len_utf8());
        }
        if TONED.contains(c) {
            toned = true;
        } else if !(c.is_ascii_lowercase() || c == 'ü') {
            return None;
        }
        letters += 1;
        if letters > 8 {
            return None;
        }
    }
    None
}

/// Fold a label or header written by a rule author the same way report text
/// is folded, so `因公出国（境）费` matches `因公出国(境)费`.
pub fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !is_space(*c))
        .filter_map(fold_char)
        .collect()
}

/// Levenshtein distance in characters (a name one or two characters off
/// another: a misspelt table name, a variant of the unit's name).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let swap = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = swap.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `fold(raw) == folded`, without building the folded string (rules compare
/// their labels with every fact's key).
pub fn folds_to(raw: &str, folded: &str) -> bool {
    let mut want = folded.chars();
    raw.chars()
        .filter(|c| !is_space(*c))
        .filter_map(fold_char)
        .all(|c| want.next() == Some(c))
        && want.next().is_none()
}

/// [`fold`] for table header and row-label keys: quotation marks are
/// dropped as well, so a header printed `“三公”经费预算数` and a schema key
/// `三公经费预算数` are one column.
pub fn fold_key(s: &str) -> String {
    fold(s).chars().filter(|c| *c != '"').collect()
}

/// `span` without the white space at its end.
pub fn trim_end(text: &str, span: Span) -> Span {
    let t = text[span.range()].trim_end();
    Span::new(span.start as usize, span.start as usize + t.len())
}

/// `span` without the white space at both ends; an all-blank span becomes
/// the empty span at its start.
pub fn trim(text: &str, span: Span) -> Span {
    let s = &text[span.range()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail >= s.len() {
        return Span::new(span.start as usize, span.start as usize);
    }
    Span::new(span.start as usize + lead, span.end as usize - trail)
}

// The one line splitter lives beside `Span` and `LineIndex`, which use the
// same line breaks; input/ and document/ both split with it.
pub use crate::source::{lines, Line};

#[cfg(test)]
mod tests {
    use super::*;

    /// The map as it was kept before it was compressed: per byte of the
    /// normalised text, the original start and end of its character.
    struct PerByte {
        text: String,
        starts: Vec<u32>,
        ends: Vec<u32>,
    }

    impl PerByte {
        fn new(original: &str, pieces: &[Span]) -> PerByte {
            let mut p = PerByte {
                text: String::new(),
                starts: Vec::new(),
                ends: Vec::new(),
            };
            fold_pieces(original, pieces, |c, start, end| {
                p.text.push(c);
                for _ in 0..c.len_utf8() {
                    p.starts.push(start);
                    p.ends.push(end);
                }
            });
            p
        }

        fn slice_from(&self, pos: usize) -> PerByte {
            PerByte {
                text: self.text[pos..].to_owned(),
                starts: self.starts[pos..].to_vec(),
                ends: self.ends[pos..].to_vec(),
            }
        }

        fn original(&self, start: usize, end: usize) -> Span {
            if self.starts.is_empty() {
                return Span::default();
            }
            let s = start.min(self.starts.len() - 1);
            let e = end.max(start + 1).min(self.ends.len());
            Span {
                start: self.starts[s],
                end: self.ends[e - 1].max(self.starts[s]),
            }
        }

        fn position_of(&self, offset: u32) -> usize {
            self.starts.partition_point(|&s| s < offset)
        }

        fn original_offset(&self, pos: usize) -> u32 {
            if pos < self.starts.len() {
                self.starts[pos]
            } else {
                self.ends.last().copied().unwrap_or(0)
            }
        }
    }

    /// Every query of the compressed map against the per-byte one.
    fn agree(n: &Normalized, p: &PerByte, original_len: usize, what: &str) {
        assert_eq!(n.text, p.text, "{what}");
        let len = n.text.len();
        for s in 0..=len + 1 {
            for e in s.saturating_sub(1)..=(s + 7).min(len + 1) {
                assert_eq!(
                    n.original(s, e),
                    p.original(s, e),
                    "{what}: original({s}, {e})"
                );
            }
            assert_eq!(
                n.original_offset(s),
                p.original_offset(s),
                "{what}: offset {s}"
            );
        }
        assert_eq!(n.original(0, len), p.original(0, len), "{what}");
        for o in 0..=original_len as u32 + 2 {
            assert_eq!(
                n.position_of(o),
                p.position_of(o),
                "{what}: position_of({o})"
            );
        }
    }

    #[test]
    fn the_compressed_map_answers_as_the_per_byte_map() {
        // Characters that fold to another length, fold to the same length,
        // vanish, or stand for white space: the cases the runs must follow.
        const PARTS: &[&str] = &[
            "收入",
            "支出",
            "３０８．９７",
            "，",
            "。",
            "（",
            "）",
            "(jīng)",
            "經費",
            " ",
            "  ",
            "\n",
            "\u{3000}",
            "12",
            "%",
            "A",
            "b",
            "“",
            "”",
            "—",
            "\u{00A0}",
            "万元",
            "增\n加",
            "（jīng）",
            "x",
            "﹪",
            "【",
            "】",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as usize
        };
        for case in 0..600 {
            let mut original = String::new();
            for _ in 0..next(24) {
                original.push_str(PARTS[next(PARTS.len())]);
            }
            // One to five pieces on character boundaries, in order, with gaps.
            let bounds: Vec<usize> = (0..=original.len())
                .filter(|&b| original.is_char_boundary(b))
                .collect();
            let mut cuts: Vec<usize> = (0..next(5)).map(|_| bounds[next(bounds.len())]).collect();
            cuts.push(0);
            cuts.push(original.len());
            cuts.sort_unstable();
            let pieces: Vec<Span> = cuts
                .windows(2)
                .enumerate()
                .filter(|(i, _)| case % 3 != 0 || i % 2 == 0)
                .map(|(_, w)| Span::new(w[0], w[1]))
                .collect();
            let n = Normalized::from_pieces(&original, &pieces);
            let p = PerByte::new(&original, &pieces);
            let what = format!("case {case}: {original:?} {pieces:?}");
            agree(&n, &p, original.len(), &what);
            for pos in (0..=n.text.len()).filter(|&b| n.text.is_char_boundary(b)) {
                let what = format!("{what} from {pos}");
                agree(
                    &n.slice_from(pos),
                    &p.slice_from(pos),
                    original.len(),
                    &what,
                );
            }
        }
    }

    #[test]
    fn copied_text_is_one_run() {
        let text = "一般公共预算财政拨款支出 308.97 万元，比上年增加 12.5%。";
        let n = Normalized::from_pieces(text, &[Span::new(0, text.len())]);
        // The copied stretches and each folded `，` `。`.
        assert!(n.runs.len() <= 8, "{:?}", n.runs);
        let at = n.text.find("308.97").unwrap();
        let span = n.original(at, at + "308.97".len());
        assert_eq!(&text[span.range()], "308.97");
        let at = n.text.find("万元").unwrap();
        assert_eq!(&text[n.original(at, at + 6).range()], "万元");
    }

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("收入决算表", "收入决算表"), 0);
        assert_eq!(edit_distance("收入决算表", "收人决算表"), 1);
        assert_eq!(
            edit_distance("上海市城建和交通局", "上海市普陀区城建和交通局"),
            3
        );
        assert_eq!(edit_distance("局", ""), 1);
        assert_eq!(edit_distance("", "部门"), 2);
    }

    #[test]
    fn folds_to_agrees_with_fold() {
        for (raw, other) in [
            ("因公出国（境）费", "因公出国(境)费"),
            ("“三公”经费 合计", "\"三公\"经费合计"),
            ("基本支出", "基本支出合计"),
            ("", ""),
            ("收入", ""),
        ] {
            assert_eq!(
                folds_to(raw, &fold(other)),
                fold(raw) == fold(other),
                "{raw} / {other}"
            );
            assert!(folds_to(raw, &fold(raw)));
        }
        assert!(!folds_to("基本支出合计", "基本支出"));
    }

    #[test]
    fn joins_broken_lines_and_maps_back() {
        let text = "较上年增\n加 90.09 万元，增长６．１０％";
        let ls = lines(text);
        let pieces: Vec<Span> = ls.iter().map(|l| l.span).collect();
        let n = Normalized::from_pieces(text, &pieces);
        assert_eq!(n.text, "较上年增加90.09万元,增长6.10%");
        let pos = n.text.find("增加").unwrap();
        let span = n.original(pos, pos + "增加".len());
        assert_eq!(&text[span.range()], "增\n加");
        let pos = n.text.find("90.09万元").unwrap();
        let span = n.original(pos, pos + "90.09万元".len());
        assert_eq!(&text[span.range()], "90.09 万元");
        let pos = n.text.find("6.10%").unwrap();
        let span = n.original(pos, pos + "6.10%".len());
        assert_eq!(&text[span.range()], "６．１０％");
    }

    #[test]
    fn keeps_one_space_between_ascii_numbers() {
        let text = "43.2 43.2  37.24\n10 86% 9";
        let pieces: Vec<Span> = lines(text).iter().map(|l| l.span).collect();
        let n = Normalized::from_pieces(text, &pieces);
        assert_eq!(n.text, "43.2 43.2 37.24 10 86% 9");
    }

    #[test]
    fn crlf_and_cr_lines() {
        let ls = lines("a\r\nb\rc\nd");
        assert_eq!(ls.len(), 4);
        assert_eq!(ls[1].span, Span::new(3, 4));
    }

    #[test]
    fn traditional_characters_and_pinyin_glosses() {
        let text = "經(jīng)費支出1,234.50萬元，較上年增長5.00%";
        let n = Normalized::from_pieces(text, &[Span::new(0, text.len())]);
        assert_eq!(n.text, "经费支出1,234.50万元,较上年增长5.00%");
        let pos = n.text.find("1,234.50万元").unwrap();
        let span = n.original(pos, pos + "1,234.50万元".len());
        assert_eq!(&text[span.range()], "1,234.50萬元");
        // Not a gloss: a parenthesised ASCII word without tone marks.
        let text = "收入(abc)";
        let n = Normalized::from_pieces(text, &[Span::new(0, text.len())]);
        assert_eq!(n.text, "收入(abc)");
    }

    #[test]
    fn traditional_characters_beyond_the_genre_vocabulary() {
        // Characters no hand list had: 財 總 體 況 衛 醫 療 養 險 職.
        assert_eq!(
            fold("財政撥款收入支出決算總體情況；衛生健康支出（醫療保障）、養老保險、職業年金"),
            "财政拨款收入支出决算总体情况;卫生健康支出(医疗保障)、养老保险、职业年金"
        );
        // Characters that Simplified text also writes stay as they are
        // (显著, 乾坤: in GB 2312); those it does not write in their own
        // right fold although GB 2312 has them (用於, 以後).
        assert_eq!(fold("显著乾坤"), "显著乾坤");
        assert_eq!(
            fold("主要用於以下方面，以後年度"),
            "主要用于以下方面,以后年度"
        );
        // Every pair keeps the byte length, so the byte map stays exact,
        // and the table is sorted for the binary search.
        use crate::traditional::PAIRS;
        assert!(PAIRS.len() > 3000);
        assert!(PAIRS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(PAIRS.iter().all(|(t, s)| t.len_utf8() == s.len_utf8()));
        let text = "2024年度財政撥款支出1,200.00萬元";
        let simple = simplified(text);
        assert_eq!(simple, "2024年度财政拨款支出1,200.00万元");
        assert_eq!(simple.len(), text.len());
        assert!(matches!(
            simplified("财政拨款"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(PAIRS.iter().all(|&(t, _)| is_traditional(t)));
        assert!(!"财政拨款收入支出决算总表".chars().any(is_traditional));
        let n = Normalized::from_pieces(text, &[Span::new(0, text.len())]);
        let pos = n.text.find("财政拨款支出").unwrap();
        let span = n.original(pos, pos + "财政拨款支出".len());
        assert_eq!(&text[span.range()], "財政撥款支出");
    }

    #[test]
    fn fold_labels() {
        assert_eq!(fold("因公出国（境）费"), "因公出国(境)费");
        assert_eq!(fold("执行率\n（%）"), "执行率(%)");
    }

    #[test]
    fn fold_key_drops_quotes() {
        assert_eq!(fold_key("“三公”经费预算数"), "三公经费预算数");
        assert_eq!(fold_key("因公出国（境）费"), "因公出国(境)费");
    }

    #[test]
    fn trim_and_trim_end() {
        let text = "  a b  |   ";
        assert_eq!(trim(text, Span::new(0, 7)), Span::new(2, 5));
        assert_eq!(trim_end(text, Span::new(0, 7)), Span::new(0, 5));
        assert_eq!(trim(text, Span::new(8, 11)), Span::new(8, 8));
    }
}
