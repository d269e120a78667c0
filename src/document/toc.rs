//! The table of contents: from `目录` to the line that repeats its first
//! entry, the next page, or a line of prose. Its entries are kept (folded)
//! for the rules; its lines are not prose.

use super::build::indent_len;
use super::heading::parse_numbering;
use super::text::{fold, Line};
use super::Document;
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

static TOC_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\s\x0c]*目\s*录[\s\x0c]*$").unwrap());
static TOC_TAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[.…·\s0-9０-９]+$").unwrap());

/// Read the contents into `doc.toc`; per line, whether it belongs to them.
pub(super) fn read_toc(doc: &mut Document, text: &str, all_lines: &[Line]) -> Vec<bool> {
    let mut in_toc = vec![false; all_lines.len()];
    if let Some(start) = all_lines
        .iter()
        .position(|l| TOC_TITLE.is_match(&text[l.span.range()]))
    {
        in_toc[start] = true;
        let mut first: Option<String> = None;
        let mut count = 0;
        for i in start + 1..all_lines.len().min(start + 200) {
            let raw = &text[all_lines[i].span.range()];
            let key = fold(&TOC_TAIL.replace(raw.trim(), ""));
            if key.is_empty() {
                in_toc[i] = true;
                continue;
            }
            // The contents end where the first entry comes again, at the next
            // page, or at a line of prose.
            let new_page = raw.contains('\x0c');
            let body = raw.trim_start_matches([' ', '\u{3000}', '\x0c', '\t']);
            let toc_like = raw.contains("……")
                || raw.contains("....")
                || parse_numbering(body).is_some()
                || body.starts_with('第');
            if count >= 2
                && (first.as_deref() == Some(key.as_str())
                    || key.chars().count() > 45
                    || (new_page && !toc_like))
            {
                break;
            }
            if first.is_none() {
                first = Some(key.clone());
            }
            count += 1;
            in_toc[i] = true;
            let s = all_lines[i].span;
            let lead = indent_len(raw);
            doc.toc
                .push((key, Span::new(s.start as usize + lead, s.end as usize)));
        }
        if first.is_none() || doc.toc.len() > 150 {
            // Not a real table of contents.
            in_toc.iter_mut().for_each(|f| *f = false);
            doc.toc.clear();
        }
    }

    in_toc
}

impl Document {
    /// Does this byte range lie within one line of the table of contents?
    /// A contents line names a part; it is not the part.
    pub fn in_toc(&self, start: usize, end: usize) -> bool {
        self.toc
            .iter()
            .any(|(_, s)| s.start as usize <= start && end <= s.end as usize)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn contents_lines_are_known() {
        let text = "示例局2024年度部门决算\n目   录\n一、收入支出决算总表……1\n二、政府采购情况说明……2\n\n一、收入支出决算总表\n";
        let doc = crate::document::parse(text);
        let at = text.find("政府采购").unwrap();
        assert!(doc.in_toc(at, at + "政府采购".len()));
        let body = text.rfind("收入支出决算总表").unwrap();
        assert!(!doc.in_toc(body, body + 3));
        assert!(!doc.in_toc(0, 3));
    }
}
