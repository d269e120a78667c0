//! The report's title and kind from its cover.
//!
//! A published PDF centres its title over several lines (`中共上海市普陀区委` /
//! `社会工作部 2024 年度` / `部门决算`), so no single line names year, scope
//! and stage. When the block-level title detection found none (or only its
//! last line), the cover — the text before the table of contents, the first
//! heading or the first table — is read as one title.

use super::text::Normalized;
use super::Document;
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<year>[0-9０-９]{4})年?度?[^。,0-9０-９]{0,12}?(?P<scope>部门|单位)?(?P<stage>决算|预算)")
        .unwrap()
});
static CONTENTS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"目\s*录").unwrap());

/// Complete `doc.title` and `doc.kind` from the cover, then recognise the
/// document's form from title and structure (kind.rs).
pub(super) fn cover_title(doc: &mut Document, text: &str) {
    read_cover(doc, text);
    super::kind::recognise(doc, text);
}

fn read_cover(doc: &mut Document, text: &str) {
    // A sentence is not a title: the block-level detection takes the first
    // block that names a year and 决算/预算, which may be the statement's
    // opening sentence (`根据…做好2024年度部门决算公开工作的要求，…如下。`)
    // when the real title names them farther apart. The cover decides then.
    if doc
        .title
        .as_ref()
        .is_some_and(|(t, _)| t.trim_end().ends_with(['。', '；', ';']) || t.chars().count() > 80)
    {
        doc.title = None;
        doc.kind = Default::default();
    }
    let mut end = [
        doc.toc.first().map(|t| t.1.start),
        doc.headings.first().map(|h| h.span.start),
        doc.tables.first().map(|t| t.span.start),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(text.len() as u32) as usize;
    end = end.min(text.len()).min(400);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if let Some(m) = CONTENTS.find(&text[..end]) {
        end = m.start();
    }
    let lead = text.len() - text.trim_start().len();
    if lead >= end {
        return;
    }
    match &doc.title {
        // A title found on one of the cover's lines: widen it to the whole
        // cover above it.
        Some((_, span)) if doc.kind.year.is_some() && doc.kind.stage.is_some() => {
            let (s, e) = (span.start as usize, span.end as usize);
            if s > lead
                && s <= end
                && text[lead..s].chars().filter(|c| !c.is_whitespace()).count() <= 40
            {
                let norm = Normalized::from_pieces(text, &[Span::new(lead, e)]);
                doc.title = Some((norm.text, Span::new(lead, e)));
            }
        }
        _ => {
            let norm = Normalized::from_pieces(text, &[Span::new(lead, end)]);
            let Some(c) = TITLE.captures(&norm.text) else {
                return;
            };
            let m = c.get(0).unwrap();
            let span = norm.original(0, m.end());
            doc.title = Some((norm.text[..m.end()].to_owned(), span));
            doc.kind.year = c["year"].parse().ok();
            doc.kind.stage = c["stage"].parse().ok();
            doc.kind.scope = c.name("scope").and_then(|m| m.as_str().parse().ok());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_opening_sentence_is_not_the_title() {
        let text = "示例局\n2024年度“三公”经费财政拨款支出决算情况说明\n\n根据区财政局关于做好2024年度部门决算公开工作的要求，现说明如下。\n\n一、总体情况\n支出0万元。\n";
        let doc = crate::document::parse(text);
        let (title, span) = doc.title.unwrap();
        assert!(!title.contains("根据"), "{title}");
        assert!(text[span.range()].starts_with("示例局"));
        assert_eq!(doc.kind.year, Some(2024));
        assert_eq!(doc.kind.stage, Some(crate::document::Stage::Final));
        // 部门 in the sentence is not the report's scope.
        assert_eq!(doc.kind.scope, None);
    }

    #[test]
    fn title_over_three_centred_lines() {
        let text = "中共上海市普陀区委\n社会工作部 2024 年度\n   部门决算\n               目   录\n\n\n第一部分 概况\n";
        let doc = crate::document::parse(text);
        assert_eq!(doc.kind.year, Some(2024));
        assert_eq!(doc.kind.stage, Some(crate::document::Stage::Final));
        assert_eq!(doc.kind.scope, Some(crate::document::Scope::Department));
        let (title, span) = doc.title.unwrap();
        assert_eq!(title, "中共上海市普陀区委社会工作部2024年度部门决算");
        assert_eq!(
            &text[span.range()],
            "中共上海市普陀区委\n社会工作部 2024 年度\n   部门决算"
        );
    }
}
