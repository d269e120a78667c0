//! From text to `Document`: lines → blocks (headings, paragraphs, tables) →
//! section tree → sentences → facts and links.

use super::facts::{clean_label, read_paragraph};
use super::heading::{parse_numbering, Delimiter, Numbering};
use super::table::{self, tab};
use super::text::{fold, lines, trim_end, Line, Normalized};
use super::*;
use regex::Regex;
use std::sync::LazyLock;

static AMOUNT_IN_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9０-９]+(?:\.[0-9０-９]+)?(?:万元|亿元|元|%|万)").unwrap());
static DEBRIS_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\[bookmark:[^\]]*\]\s*)+").unwrap());
static REPORT_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<year>[0-9０-９]{4})\s*年?\s*度?[^。，,0-9０-９]{0,8}?(?P<scope>部门|单位)?\s*(?P<stage>决算|预算)",
    )
    .unwrap()
});

/// One block of lines before it is known to be a heading or a paragraph.
struct Block {
    pieces: Vec<Span>,
    numbering: Option<Numbering>,
    /// Byte offset in the original where the marker starts.
    marker_start: u32,
    /// Leading white space of the first line, in characters.
    indent: usize,
}

fn is_terminated(s: &str) -> bool {
    s.trim_end()
        .ends_with(['。', '；', '：', '！', '？', ';', ':', '!', '?', '.'])
}

/// Leading indentation (spaces, full-width spaces, form feeds), in bytes.
pub(super) fn indent_len(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '\u{3000}', '\x0c', '\t']).len()
}

/// Text → `Document`, in steps: tables (their lines are not prose), the table
/// of contents, prose blocks, headings and paragraphs in a section tree, the
/// tables themselves, sections closed and linked, table facts, the cover
/// title, indexes.
/// A report in Traditional characters is read in Simplified ones (the
/// spans are the same).
pub fn parse(text: &str) -> Document {
    parse_with_titles(text, &[])
}

/// The document of a decoded file: [`parse`], with the lines the file marks
/// as titles (a Word heading without a number).
pub fn parse_source(src: &crate::source::SourceFile) -> Document {
    let titles = src.native.as_ref().map_or(&[][..], |n| &n.titles[..]);
    parse_with_titles(&src.text, titles)
}

/// [`parse`], with `titles`: lines that the file itself marks as title
/// lines, read as a centred title line of a PDF is.
pub fn parse_with_titles(text: &str, titles: &[Span]) -> Document {
    let simple = super::text::simplified(text);
    let text: &str = &simple;
    let all_lines = lines(text);
    let mut doc = Document::default();
    // Running heads and feet are no part of the text or of any table.
    let running = super::margins::running_lines(text, &all_lines);
    let tables = find_tables(text, &all_lines, &running);
    let layout_mode = is_layout_text(text, &all_lines);
    let in_toc = toc::read_toc(&mut doc, text, &all_lines);
    let skip: Vec<bool> = tables
        .in_table
        .iter()
        .zip(&in_toc)
        .map(|(a, b)| *a || *b)
        .collect();
    let blocks = prose_blocks(text, &all_lines, &skip, &running, layout_mode, titles);
    headings_and_paragraphs(&mut doc, text, blocks, layout_mode, titles);
    push_tables(&mut doc, text, &all_lines, tables);
    finish_sections(&mut doc, text.len());
    link_enumerations(&mut doc);
    add_table_facts(&mut doc);
    super::cover::cover_title(&mut doc, text);
    strip_unit_name(&mut doc);
    doc.build_indexes();
    doc
}

/// `某市某区示例局2024年度收入支出总计`: the report's own
/// unit, named in front of a prose label, is its subject (as 本单位 is), not
/// part of the item. The unit's name is the title's text before its year.
fn strip_unit_name(doc: &mut Document) {
    static YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[0-9０-９]{4}").expect("static regex"));
    let Some((title, _)) = &doc.title else {
        return;
    };
    let title: String = fold(title).chars().filter(|c| !c.is_whitespace()).collect();
    let Some(year) = YEAR.find(&title) else {
        return;
    };
    let name = &title[..year.start()];
    if name.chars().count() < 4 {
        return;
    }
    for f in doc.facts.iter_mut().filter(|f| f.cell.is_none()) {
        if let Some(rest) = f.label.strip_prefix(name) {
            let rest = clean_label(rest);
            if !rest.is_empty() {
                f.label = rest;
            }
        }
    }
}

/// The tables found in the text, before they join the document.
struct FoundTables {
    tab_regions: Vec<tab::Region>,
    layout_tables: Vec<table::LayoutTable>,
    /// Per line: whether it belongs to a table.
    in_table: Vec<bool>,
}

/// Tables first: their lines are not prose.
fn find_tables(text: &str, all_lines: &[Line], running: &[bool]) -> FoundTables {
    let mut in_table = vec![false; all_lines.len()];
    let tab_regions = tab::find_regions(text, all_lines);
    for r in &tab_regions {
        for flag in &mut in_table[r.first..r.last] {
            *flag = true;
        }
    }
    let layout_tables = table::find_layout_tables_in(text, all_lines, running);
    if !layout_tables.is_empty() {
        for (i, l) in all_lines.iter().enumerate() {
            // Any overlap: a table's span starts at its title text, after the
            // title line's indentation.
            if layout_tables.iter().any(|t| t.span.overlaps(l.span)) {
                in_table[i] = true;
            }
        }
    }

    FoundTables {
        tab_regions,
        layout_tables,
        in_table,
    }
}

/// `pdftotext -layout` text (form feeds, or mostly indented lines) rather
/// than Word-export text: blank lines then do not end paragraphs, and
/// indentation starts them.
fn is_layout_text(text: &str, all_lines: &[Line]) -> bool {
    text.contains('\x0c') || {
        let nonblank: Vec<&Line> = all_lines
            .iter()
            .filter(|l| !text[l.span.range()].trim().is_empty())
            .collect();
        let indented = nonblank
            .iter()
            .filter(|l| text[l.span.range()].starts_with(' '))
            .count();
        nonblank.len() > 10 && indented * 10 > nonblank.len() * 3
    }
}

/// Blocks of prose lines. Lines in `skip` (tables, contents) end a block;
/// lines in `running` (heads and feet of pages) are passed over.
fn prose_blocks(
    text: &str,
    all_lines: &[Line],
    skip: &[bool],
    running: &[bool],
    layout_mode: bool,
    titles: &[Span],
) -> Vec<Block> {
    // A line the file marks as a title is a block of its own.
    let marked = |s: Span| is_marked(titles, s);
    let mut blocks: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    let not_prose: Vec<bool> = skip.iter().zip(running).map(|(a, b)| *a || *b).collect();
    let full = full_width(text, all_lines, &not_prose);
    for (i, line) in all_lines.iter().enumerate() {
        if running[i] {
            continue;
        }
        if skip[i] {
            if let Some(b) = current.take() {
                blocks.push(b);
            }
            continue;
        }
        let raw = &text[line.span.range()];
        if raw.trim().is_empty() {
            if !layout_mode {
                if let Some(b) = current.take() {
                    blocks.push(b);
                }
            }
            continue;
        }
        if layout_mode && super::margins::PAGE_NUMBER.is_match(raw) {
            continue;
        }
        let lead = indent_len(raw);
        let content = Span::new(line.span.start as usize + lead, line.span.end as usize);
        let body = &raw[lead..];
        // `[bookmark: _GoBack]（十三）…`: the debris (flagged by a rule) does
        // not hide the heading number behind it.
        let debris = DEBRIS_PREFIX.find(body).map_or(0, |m| m.end());
        let numbering = parse_numbering(&body[debris..]);
        let marker_start = content.start + debris as u32;
        let starts_new = numbering.is_some()
            || current.is_none()
            || marked(content)
            || current.as_ref().is_some_and(|b| marked(b.pieces[0]))
            || if layout_mode {
                lead > 0
                    && raw[..lead].contains([' ', '\u{3000}'])
                    && lead >= 2
                    && !current
                        .as_ref()
                        .is_some_and(|b| wraps(text, b, full, &raw[lead..]))
            } else {
                let prev = current.as_ref().unwrap();
                let prev_text = &text[prev.pieces.last().unwrap().range()];
                !runs_on(prev_text) || looks_like_heading(prev, text)
            };
        if starts_new {
            if let Some(b) = current.take() {
                blocks.push(b);
            }
            current = Some(Block {
                pieces: vec![content],
                numbering,
                marker_start,
                indent: raw[..lead].chars().count(),
            });
        } else if let Some(b) = current.as_mut() {
            b.pieces.push(content);
        }
    }
    if let Some(b) = current.take() {
        blocks.push(b);
    }

    blocks
}

/// Does `span` lie in one of the lines the file marks as titles (in text
/// order, not overlapping)?
fn is_marked(titles: &[Span], span: Span) -> bool {
    let i = titles.partition_point(|t| t.start <= span.start);
    i > 0 && span.end <= titles[i - 1].end
}

// ---- wrapped lines whose continuation is indented (issue 12, item 6) ----

/// Display width of a line (CJK characters take two columns).
fn display_width(s: &str) -> usize {
    s.trim_end()
        .chars()
        .map(|c| {
            if super::text::is_cjk(c) || ('\u{3000}'..='\u{FFEF}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// The width of a full prose line: the 90th percentile of the prose lines' widths.
fn full_width(text: &str, all_lines: &[Line], skip: &[bool]) -> usize {
    let mut w: Vec<usize> = all_lines
        .iter()
        .zip(skip)
        .filter(|(l, s)| !**s && !text[l.span.range()].trim().is_empty())
        .map(|(l, _)| display_width(&text[l.span.range()]))
        .collect();
    w.sort_unstable();
    w.get(w.len() * 9 / 10).copied().unwrap_or(usize::MAX)
}

/// Does `next` continue the block, however the extractor indented it? When
/// the block's last line runs to the right margin without ending its
/// sentence (`…收入预算1,250.00万元，其`), or `next` opens with what cannot
/// open a paragraph: a unit after a figure (`5,000.00` / `元，其中`), or a
/// clause separator. (A lone `。` under a heading stays apart: it does not
/// make the heading a sentence.)
fn wraps(text: &str, block: &Block, full: usize, next: &str) -> bool {
    let Some(last) = block.pieces.last() else {
        return false;
    };
    let line_start = text[..last.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..last.end as usize].trim_end();
    let unit_after_figure = line.ends_with(|c: char| c.is_ascii_digit())
        && ["元", "万元", "亿元", "%", "％"]
            .iter()
            .any(|u| next.starts_with(u));
    let closing = next.starts_with(['，', '；', '、', ',', ';', '%', '％']);
    // A full line without a comma is a title (`八、…情况说明`), not a sentence.
    let sentence = line.contains(['，', ',']);
    runs_on(line)
        && (unit_after_figure
            || closing
            || sentence && display_width(line) * 10 >= full * 8 && full >= 40)
}

/// A line that does not end its sentence, or ends with `其中：`, which opens
/// a list its items continue.
fn runs_on(line: &str) -> bool {
    let line = line.trim_end();
    !is_terminated(line) || line.ends_with("其中：") || line.ends_with("其中:")
}

// ---- end of wrapped lines ----

/// Headings, paragraphs and the section tree, from the prose blocks; the
/// report title and kind from the lines before the first heading.
fn headings_and_paragraphs(
    doc: &mut Document,
    text: &str,
    blocks: Vec<Block>,
    layout_mode: bool,
    titles: &[Span],
) {
    doc.sections.push(Section {
        id: 0,
        title: String::new(),
        level: 0,
        parent: None,
        children: Vec::new(),
        heading: None,
        span: Span::new(0, text.len()),
    });
    // Open levels: (section id, numbering of the level's first heading, last value).
    let mut stack: Vec<(usize, Numbering, u32)> = Vec::new();
    let mut title_done = false;
    // The last numbered block of each style: (value, was it a heading).
    let mut last_numbered: Vec<(Numbering, bool)> = Vec::new();
    for block in blocks {
        let norm = Normalized::from_pieces(text, &block.pieces);
        if norm.text.is_empty() {
            continue;
        }
        let block_span = Span::new(
            block.pieces[0].start as usize,
            block.pieces.last().unwrap().end as usize,
        );
        let mut heading_split = block
            .numbering
            .and_then(|n| heading_title(&norm, n, text, block.marker_start).map(|t| (n, t)));
        // A numbered run is either headings or list items: `2.` after the
        // list item `1.履行…职责。` is an item too, however short its title.
        if let Some(n) = block.numbering {
            let prev = last_numbered.iter().rev().find(|(m, _)| m.same_style(&n));
            if prev.is_some_and(|&(m, was_heading)| m.value + 1 == n.value && !was_heading) {
                heading_split = None;
            }
            last_numbered.retain(|(m, _)| !m.same_style(&n));
            last_numbered.push((n, heading_split.is_some()));
        }
        // `具体包括： 1. …`: item 1 inline, so the `2.` below is an item too.
        if let Some(n) = super::heading::inline_list_start(&norm.text) {
            last_numbered.retain(|(m, _)| !m.same_style(&n));
            last_numbered.push((n, false));
        }
        if !title_done
            && block.numbering.is_none()
            && doc.headings.is_empty()
            && doc.title.is_none()
        {
            // Lines before the first heading: the report's title.
            if REPORT_TITLE.is_match(&norm.text) && doc.title.is_none() {
                doc.title = Some((norm.text.clone(), block_span));
                if let Some(c) = REPORT_TITLE.captures(&norm.text) {
                    doc.kind.year = c["year"].parse().ok();
                    doc.kind.stage = c["stage"].parse().ok();
                    doc.kind.scope = c.name("scope").and_then(|m| m.as_str().parse().ok());
                }
            }
        }
        // In PDF text, a short line centred on its own is a title
        // (`名词解释`, `科技创新专项经费情况说明`): a top-level section, and
        // the numbering under it starts afresh. So is a line the file marks
        // as a title (a Word heading without a number).
        let is_title_line = (layout_mode && block.indent >= 8 || is_marked(titles, block_span))
            && block.numbering.is_none()
            && block.pieces.len() == 1
            && doc.title.as_ref().is_none_or(|t| t.1 != block_span)
            && {
                let n = norm.text.chars().count();
                (2..=30).contains(&n)
                    && !norm.text.contains(['。', ';', ':', ','])
                    // `（如持平作持平表述）`: a note, not a title.
                    && !norm.text.starts_with('(')
                    && !norm.text.ends_with(')')
                    && !AMOUNT_IN_TITLE.is_match(&norm.text)
            };
        if is_title_line {
            title_done = true;
            stack.clear();
            let section_id = doc.sections.len();
            let heading_id = doc.headings.len();
            let title: String = text[block_span.range()]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            doc.sections.push(Section {
                id: section_id,
                title: title.clone(),
                level: 1,
                parent: Some(0),
                children: Vec::new(),
                heading: Some(heading_id),
                span: block_span,
            });
            doc.sections[0].children.push(section_id);
            doc.headings.push(Heading {
                numbering: None,
                title,
                span: block_span,
                number_span: None,
                title_span: block_span,
                section: section_id,
            });
            let title_level = Numbering {
                numeral: super::heading::Numeral::Chinese,
                delimiter: Delimiter::Title,
                value: 0,
                len: 0,
            };
            stack.push((section_id, title_level, 0));
            continue;
        }
        if let Some((numbering, (title_end_norm, title))) = heading_split {
            title_done = true;
            let (parent, level_style) = place_heading(doc, &mut stack, numbering);
            let section_id = doc.sections.len();
            let heading_id = doc.headings.len();
            let title_span = norm.original(
                numbering_norm_len(&norm, numbering, text, block.marker_start),
                title_end_norm,
            );
            let number_span = Span::new(
                block.marker_start as usize,
                (block.marker_start as usize + numbering.len).min(text.len()),
            );
            doc.sections.push(Section {
                id: section_id,
                title: title.clone(),
                level: doc.sections[parent].level + 1,
                parent: Some(parent),
                children: Vec::new(),
                heading: Some(heading_id),
                span: block_span,
            });
            doc.sections[parent].children.push(section_id);
            doc.headings.push(Heading {
                numbering: Some(numbering),
                title,
                span: number_span.cover(title_span),
                number_span: Some(trim_end(text, number_span)),
                title_span,
                section: section_id,
            });
            stack.push((section_id, level_style, numbering.value));
            // Body text after the title on the same block.
            let rest_start = skip_separators(&norm.text, title_end_norm);
            if rest_start < norm.text.len() {
                let body = norm.slice_from(rest_start);
                push_paragraph(doc, body, section_id, None);
            }
        } else {
            let section = stack.last().map(|s| s.0).unwrap_or(0);
            push_paragraph(doc, norm, section, block.numbering);
        }
    }
}

/// The tables join the document in text order: TAB tables with the title
/// line above them, layout tables as they were read.
fn push_tables(doc: &mut Document, text: &str, all_lines: &[Line], tables: FoundTables) {
    let FoundTables {
        tab_regions,
        layout_tables,
        ..
    } = tables;
    for r in &tab_regions {
        let title = (r.first > 0)
            .then(|| {
                (0..r.first)
                    .rev()
                    .find(|&i| !text[all_lines[i].span.range()].trim().is_empty())
            })
            .flatten()
            .and_then(|i| {
                let s = text[all_lines[i].span.range()].trim();
                (s.contains('表') && s.chars().count() <= 40).then(|| {
                    let sp = all_lines[i].span;
                    let lead = indent_len(&text[sp.range()]);
                    (
                        fold(s),
                        Span::new(sp.start as usize + lead, sp.end as usize),
                    )
                })
            });
        let table = tab::parse_region(text, all_lines, r, title);
        doc.tables.push(table);
    }
    for lt in layout_tables {
        doc.tables.push(table::into_table(lt));
    }
    doc.tables.sort_by_key(|t| t.span.start);
    for t in &mut doc.tables {
        table::settle_units(t);
        t.verdict = table::verify(t);
    }
}

/// In plain (Word-export) text a short unterminated line with no figures is a
/// title or heading, and the next line does not continue it.
fn looks_like_heading(block: &Block, text: &str) -> bool {
    if block.pieces.len() > 1 {
        return false;
    }
    let s = text[block.pieces[0].range()].trim();
    s.chars().count() <= 40 && !AMOUNT_IN_TITLE.is_match(s) && block.numbering.is_some()
}

/// Byte length, in the normalised text, of the numbering marker.
fn numbering_norm_len(norm: &Normalized, n: Numbering, _text: &str, marker_start: u32) -> usize {
    let marker_end = marker_start as usize + n.len;
    // First normalised byte whose original start is at or past the marker end.
    let mut pos = 0;
    for (i, _) in norm.text.char_indices() {
        if norm.original_offset(i) as usize >= marker_end {
            return i;
        }
        pos = i + norm.text[i..].chars().next().map_or(0, char::len_utf8);
    }
    pos
}

/// The title of a numbered block, if the block is a heading: text after the
/// number up to the first sentence mark, short, with no amounts in it.
/// Returns (end of title in the normalised text, title).
fn heading_title(
    norm: &Normalized,
    n: Numbering,
    text: &str,
    marker_start: u32,
) -> Option<(usize, String)> {
    let start = numbering_norm_len(norm, n, text, marker_start);
    let rest = &norm.text[start..];
    let end_rel = rest.find(['。', ';', ':', '!', '?']).unwrap_or(rest.len());
    let title = rest[..end_rel].trim();
    let has_body =
        end_rel < rest.len() && !rest[end_rel..].trim_matches(['。', ';', ':']).is_empty();
    let max = if has_body { 25 } else { 40 };
    let chars = title.chars().count();
    if chars == 0
        || chars > max
        || AMOUNT_IN_TITLE.is_match(title)
        // A title is a short phrase; a comma makes it a sentence.
        || title.contains(',')
    {
        return None;
    }
    // The title as written (white space removed), not folded.
    let span = norm.original(start, start + end_rel);
    let written: String = text[span.range()]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    Some((
        start + end_rel,
        if written.is_empty() {
            title.to_owned()
        } else {
            written
        },
    ))
}

fn skip_separators(s: &str, mut pos: usize) -> usize {
    while let Some(c) = s[pos..].chars().next() {
        if matches!(c, '。' | ';' | ':' | ',' | ' ') {
            pos += c.len_utf8();
        } else {
            break;
        }
    }
    pos
}

/// Find the parent section of a new heading from the open levels. A number
/// that continues an open level (value = last + 1, compatible style) makes a
/// sibling there, even in a mixed style (`2、` among `一、`); a first number
/// opens a child level. Anything else is out of sequence: it goes beside the
/// innermost level of its style, and is recorded.
fn place_heading(
    doc: &mut Document,
    stack: &mut Vec<(usize, Numbering, u32)>,
    n: Numbering,
) -> (usize, Numbering) {
    let heading_id = doc.headings.len();
    let top = |stack: &Vec<(usize, Numbering, u32)>| stack.last().map(|s| s.0).unwrap_or(0);
    // A part heading always goes to the top; parts are numbered through the
    // whole report, whatever titles stand between them.
    if n.delimiter == Delimiter::Part {
        let previous = doc.headings.iter().enumerate().rev().find_map(|(i, h)| {
            h.numbering
                .filter(|m| m.delimiter == Delimiter::Part)
                .map(|m| (i, m))
        });
        let expected = previous.map_or(1, |(_, m)| m.value + 1);
        if n.value != expected {
            doc.numbering_issues.push(NumberingIssue {
                heading: heading_id,
                kind: "sequence",
                expected: expected.to_string(),
                found: n.value.to_string(),
                other: previous.map(|(i, _)| i),
            });
        }
        stack.clear();
        return (0, n);
    }
    // A level that expects this number: in the same style first (anywhere on
    // the stack), then in a compatible style (`2、` continuing `一、`).
    let expects = |p: usize, same: bool| {
        let (_, first, last) = stack[p];
        n.value == last + 1
            && if same {
                first.same_style(&n)
            } else {
                first.compatible(&n)
            }
    };
    let found = (0..stack.len())
        .rev()
        .find(|&p| expects(p, true))
        .or_else(|| (0..stack.len()).rev().find(|&p| expects(p, false)));
    if let Some(pos) = found {
        let (sid, first, _) = stack[pos];
        {
            if !first.same_style(&n) {
                doc.numbering_issues.push(NumberingIssue {
                    heading: heading_id,
                    kind: "style",
                    expected: first.style_name().to_owned(),
                    found: n.style_name().to_owned(),
                    other: doc.sections[sid].heading,
                });
            }
            stack.truncate(pos);
            // A sibling keeps the style its level started with.
            return (top(stack), first);
        }
    }
    if n.value == 1 {
        return (top(stack), n);
    }
    // Out of sequence: beside the innermost open level of the same style.
    if let Some(pos) = (0..stack.len()).rev().find(|&p| stack[p].1.same_style(&n)) {
        let (sid, first, last) = stack[pos];
        record_sequence(doc, heading_id, sid, last, &n);
        stack.truncate(pos);
        return (top(stack), first);
    }
    doc.numbering_issues.push(NumberingIssue {
        heading: heading_id,
        kind: "sequence",
        expected: "1".to_owned(),
        found: n.value.to_string(),
        other: None,
    });
    (top(stack), n)
}

fn record_sequence(
    doc: &mut Document,
    heading: usize,
    prev_section: usize,
    last: u32,
    n: &Numbering,
) {
    doc.numbering_issues.push(NumberingIssue {
        heading,
        kind: "sequence",
        expected: (last + 1).to_string(),
        found: n.value.to_string(),
        other: doc.sections[prev_section].heading,
    });
}

fn push_paragraph(
    doc: &mut Document,
    norm: Normalized,
    section: usize,
    numbering: Option<Numbering>,
) {
    let id = doc.paragraphs.len();
    let span = norm.original(0, norm.text.len());
    // Sentences end at 。！？ (folded: 。 ! ?).
    let mut ranges = Vec::new();
    let mut start = 0;
    for (i, c) in norm.text.char_indices() {
        if matches!(c, '。' | '!' | '?') {
            let end = i + c.len_utf8();
            ranges.push((start, end));
            start = end;
        }
    }
    if start < norm.text.len() {
        ranges.push((start, norm.text.len()));
    }
    let mut sentence_ids = Vec::new();
    let mut numbered = Vec::new();
    for (s, e) in ranges {
        let sid = doc.sentences.len();
        doc.sentences.push(Sentence {
            id: sid,
            paragraph: id,
            section,
            span: norm.original(s, e),
            norm_range: (s, e),
        });
        sentence_ids.push(sid);
        numbered.push((sid, (s, e)));
    }
    let facts = read_paragraph(&norm, &numbered, section, id, doc.facts.len());
    doc.facts.extend(facts);
    doc.paragraphs.push(Paragraph {
        id,
        section,
        span,
        norm,
        sentences: sentence_ids,
        numbering,
    });
}

/// Section spans run from the heading to the next heading at the same or a
/// higher level; tables and paragraphs are assigned by position.
fn finish_sections(doc: &mut Document, len: usize) {
    let n = doc.sections.len();
    for i in 1..n {
        let level = doc.sections[i].level;
        let start = doc.sections[i].span.start;
        let end = (i + 1..n)
            .find(|&j| doc.sections[j].level <= level)
            .map(|j| doc.sections[j].span.start)
            .unwrap_or(len as u32);
        doc.sections[i].span = Span {
            start,
            end: end.max(start),
        };
    }
}

/// The section a position falls in (the innermost): the last section that
/// starts at or before it, or the nearest ancestor of that one that still
/// contains it. Sections are in document order.
pub fn section_at(doc: &Document, pos: u32) -> usize {
    let n = doc
        .sections
        .partition_point(|s| s.id == 0 || s.span.start <= pos);
    let mut s = n.saturating_sub(1);
    while s != 0 {
        let sec = &doc.sections[s];
        if sec.span.start <= pos && pos < sec.span.end {
            return s;
        }
        s = sec.parent.unwrap_or(0);
    }
    0
}

/// `本单位…支出主要用于以下几个方面：` followed by numbered (or bulleted) paragraphs: each
/// paragraph's first amount is an item of the named total (the latest amount
/// with that label before the introduction).
fn link_enumerations(doc: &mut Document) {
    static INTRO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?P<label>[^。,;:]*?)(?:主要用于|主要包括|包括|具体如下|如下)(?:以下|如下)?[^。]{0,12}[:：]$").unwrap()
    });
    let np = doc.paragraphs.len();
    for p in 0..np {
        let text = doc.paragraphs[p].norm.text.clone();
        let Some(c) = INTRO.captures(text.trim_end_matches('。')) else {
            continue;
        };
        let label = clean_label(&c["label"]);
        let intro_start = doc.paragraphs[p]
            .norm
            .original_offset(c.get(0).map_or(0, |m| m.start()));
        let want = fold(&label);
        // The latest amount with that label before the introduction, within
        // the same top-level section (facts are in document order). With no
        // label (`…支出4,000万元，比上年增加…。主要用于以下方面：`), the
        // amount the sentence before states first, in the same paragraph.
        let top = doc.top_section(doc.paragraphs[p].section);
        let total = if label.is_empty() {
            let sentences = &doc.paragraphs[p].sentences;
            let before = sentences
                .iter()
                .rev()
                .find(|&&s| doc.sentences[s].span.end <= intro_start);
            before.and_then(|&s| {
                doc.facts
                    .iter()
                    .find(|f| {
                        f.sentence == Some(s) && f.kind == FactKind::Amount && f.role == Role::Value
                    })
                    .map(|f| f.id)
            })
        } else {
            doc.facts
                .iter()
                .rev()
                .skip_while(|f| f.span.start >= intro_start)
                .take_while(|f| doc.top_section(f.section) == top)
                .find(|f| {
                    f.kind == FactKind::Amount && f.role == Role::Value && fold(&f.label) == want
                })
                .map(|f| f.id)
        };
        let Some(total) = total else {
            continue;
        };
        // Items numbered 1, 2, 3 … or all led by one bullet (`——`, `●`).
        let bullet_of = |q: usize| {
            doc.paragraphs
                .get(q)
                .and_then(|p| p.norm.text.chars().next())
                .filter(|c| matches!(c, '-' | '●' | '•' | '·'))
        };
        let bullet = bullet_of(p + 1);
        for (expected, q) in (1..).zip(p + 1..np) {
            if bullet.is_some() {
                if bullet_of(q) != bullet {
                    break;
                }
            } else if doc.paragraphs[q].numbering.map(|n| n.value) != Some(expected) {
                break;
            }
            let item = doc
                .facts
                .iter()
                .find(|f| {
                    f.paragraph == Some(q) && f.kind == FactKind::Amount && f.role == Role::Value
                })
                .map(|f| f.id);
            if let Some(item) = item {
                if doc.facts[item].links.total.is_none() {
                    doc.facts[item].links.total = Some(total);
                    doc.facts[total].links.items.push(item);
                }
            }
        }
    }
}

/// Numeric table cells become facts: label from the row, column from the header.
fn add_table_facts(doc: &mut Document) {
    for t in 0..doc.tables.len() {
        let section = section_at(doc, doc.tables[t].span.start);
        for r in 0..doc.tables[t].rows.len() {
            let row = &doc.tables[t].rows[r];
            if row.kind == RowKind::Header {
                continue;
            }
            for c in 0..row.cells.len() {
                let cell = &row.cells[c];
                // Its unit was settled with the table (table/units.rs).
                let Some(number) = cell.number.clone() else {
                    continue;
                };
                let column = cell.column.clone();
                let kind = match &number.unit {
                    u if u.is_money() => FactKind::Amount,
                    Unit::Percent => FactKind::Percent,
                    _ => FactKind::Number,
                };
                // A key–value cell is about its key (`自评总分（分）`), not the row.
                let label = if row.kind == RowKind::KeyValue {
                    column
                        .clone()
                        .or_else(|| row.label.clone())
                        .unwrap_or_default()
                } else {
                    row.label.clone().unwrap_or_default()
                };
                let id = doc.facts.len();
                let span = cell.span;
                doc.facts.push(Fact {
                    id,
                    kind,
                    role: Role::Cell,
                    label,
                    key: String::new(),
                    number: Some(number),
                    span,
                    section,
                    paragraph: None,
                    sentence: None,
                    links: Links::default(),
                    change: None,
                    share_base: None,
                    cell: Some(CellRef {
                        table: t,
                        row: r,
                        cell: c,
                        column,
                    }),
                });
            }
        }
    }
}
