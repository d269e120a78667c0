//! Text input: decoding a report's bytes (BOM, then UTF-8 validity, then
//! GB18030; UTF-16 by its BOM; or the encoding forced by `--encoding`).
//!
//! The decoded text is the one every `Span` indexes; the encoding and BOM
//! are kept on the `SourceFile` so SARIF can give offsets into the stored
//! file.

use crate::source::{Encoding, SourceFile};

/// Why a file could not be turned into report text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("the file holds no text (only white space)")]
    Blank,
    #[error("the file looks binary (it contains NUL or control bytes), not a report")]
    Binary,
    #[error("the bytes are not valid {0}")]
    Invalid(Encoding),
}

/// Decoded text and the encoding it was read as.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    pub had_bom: bool,
}

/// Decide the encoding from the bytes (BOM, then UTF-8 validity, then GB18030)
/// unless one is forced, and decode. The BOM is not part of the text.
pub fn decode(bytes: &[u8], forced: Option<Encoding>) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let (encoding, body, had_bom) = match forced {
        Some(enc) => {
            let (body, bom) = strip_bom(bytes, enc);
            (enc, body, bom)
        }
        None => detect(bytes),
    };
    let text = match encoding {
        Encoding::Utf8 => std::str::from_utf8(body)
            .map_err(|_| DecodeError::Invalid(Encoding::Utf8))?
            .to_owned(),
        Encoding::Utf16Le | Encoding::Utf16Be => {
            if body.len() % 2 != 0 {
                return Err(DecodeError::Invalid(encoding));
            }
            let units = body.chunks_exact(2).map(|c| {
                if encoding == Encoding::Utf16Le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .map_err(|_| DecodeError::Invalid(encoding))?
        }
        Encoding::Gb18030 => {
            match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(body) {
                Some(text) => text.into_owned(),
                None => return Err(DecodeError::Invalid(Encoding::Gb18030)),
            }
        }
    };
    if looks_binary(&text) {
        return Err(DecodeError::Binary);
    }
    if text.trim().is_empty() {
        return Err(DecodeError::Blank);
    }
    Ok(Decoded {
        text,
        encoding,
        had_bom,
    })
}

fn strip_bom(bytes: &[u8], enc: Encoding) -> (&[u8], bool) {
    let bom: &[u8] = match enc {
        Encoding::Utf8 => &[0xEF, 0xBB, 0xBF],
        Encoding::Utf16Le => &[0xFF, 0xFE],
        Encoding::Utf16Be => &[0xFE, 0xFF],
        Encoding::Gb18030 => &[0x84, 0x31, 0x95, 0x33],
    };
    match bytes.strip_prefix(bom) {
        Some(rest) => (rest, true),
        None => (bytes, false),
    }
}

fn detect(bytes: &[u8]) -> (Encoding, &[u8], bool) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (Encoding::Utf8, rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (Encoding::Utf16Le, rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (Encoding::Utf16Be, rest, true);
    }
    if std::str::from_utf8(bytes).is_ok() {
        return (Encoding::Utf8, bytes, false);
    }
    (Encoding::Gb18030, bytes, false)
}

/// NUL or a run of C0 control characters (other than TAB, LF, CR, FF) marks
/// a binary file. A few stray control bytes (PDF extraction leaves some) do not.
fn looks_binary(text: &str) -> bool {
    let mut controls = 0usize;
    let mut total = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return true;
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c') {
            controls += 1;
        }
    }
    controls > 8 && controls * 50 > total
}

impl SourceFile {
    /// Decode bytes read from `path`.
    pub fn from_bytes(
        path: impl Into<String>,
        bytes: &[u8],
        forced: Option<Encoding>,
    ) -> Result<SourceFile, DecodeError> {
        let decoded = decode(bytes, forced)?;
        let mut src = SourceFile::new(path, decoded.text, decoded.encoding);
        src.had_bom = decoded.had_bom;
        Ok(src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "一、单位基本情况\r\n支出合计308.97万元\r基本支出242.27万元\n";

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(SAMPLE.as_bytes(), None).unwrap();
        assert_eq!(plain.encoding, Encoding::Utf8);
        assert!(!plain.had_bom);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(SAMPLE.as_bytes());
        let d = decode(&bom, None).unwrap();
        assert_eq!(d.text, SAMPLE);
        assert!(d.had_bom);
    }

    #[test]
    fn file_offsets_follow_the_stored_encoding() {
        let at = SAMPLE.find("支出合计").unwrap();
        let plain = SourceFile::from_bytes("a", SAMPLE.as_bytes(), None).unwrap();
        assert_eq!(plain.file_offset(at as u32), at as u64);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(SAMPLE.as_bytes());
        let b = SourceFile::from_bytes("a", &bom, None).unwrap();
        assert_eq!(b.file_offset(at as u32), at as u64 + 3);
        let mut le = vec![0xFF, 0xFE];
        for u in SAMPLE.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let u = SourceFile::from_bytes("a", &le, None).unwrap();
        let want = 2 + SAMPLE[..at].encode_utf16().count() as u64 * 2;
        assert_eq!(u.file_offset(at as u32), want);
        let (gb, _, _) = encoding_rs::GB18030.encode(SAMPLE);
        let g = SourceFile::from_bytes("a", &gb, None).unwrap();
        let want = encoding_rs::GB18030.encode(&SAMPLE[..at]).0.len() as u64;
        assert_eq!(g.file_offset(at as u32), want);
        assert_eq!(
            &gb[want as usize..want as usize + 2],
            &encoding_rs::GB18030.encode("支").0[..]
        );
    }

    #[test]
    fn utf16_both_orders() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in SAMPLE.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&le, None).unwrap().text, SAMPLE);
        assert_eq!(decode(&le, None).unwrap().encoding, Encoding::Utf16Le);
        assert_eq!(decode(&be, None).unwrap().text, SAMPLE);
        assert_eq!(decode(&be, None).unwrap().encoding, Encoding::Utf16Be);
        // Odd length is invalid, not a panic.
        assert!(decode(&le[..le.len() - 1], None).is_err());
    }

    #[test]
    fn gb18030_detected_when_not_utf8() {
        let (bytes, _, _) = encoding_rs::GB18030.encode(SAMPLE);
        assert!(std::str::from_utf8(&bytes).is_err());
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, Encoding::Gb18030);
        assert_eq!(d.text, SAMPLE);
    }

    #[test]
    fn forced_encoding_wins() {
        let (bytes, _, _) = encoding_rs::GB18030.encode(SAMPLE);
        assert_eq!(
            decode(&bytes, Some(Encoding::Utf8)).unwrap_err(),
            DecodeError::Invalid(Encoding::Utf8)
        );
        assert_eq!(
            decode(&bytes, Some(Encoding::Gb18030)).unwrap().text,
            SAMPLE
        );
    }

    #[test]
    fn empty_blank_and_binary_are_errors() {
        assert_eq!(decode(b"", None).unwrap_err(), DecodeError::Empty);
        assert_eq!(decode(b" \n\r\n ", None).unwrap_err(), DecodeError::Blank);
        assert_eq!(decode(b"ab\0cd", None).unwrap_err(), DecodeError::Binary);
        let junk: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
        assert!(decode(&junk, None).is_err());
    }
}
