//! Table titles: a short line ending in `表`, followed within a few lines of
//! the same page by its unit (`单位：万元`), or naming a standard table with
//! header-like text right below.

use super::classify::{has_sentence_punct, is_prose, NUMBERING, UNIT};
use super::standard::StandardTable;
use crate::input::positioned::{FragmentKind, PositionedLine};
use crate::source::Span;

pub(super) struct TitleInfo {
    pub(super) kind: Option<StandardTable>,
    pub(super) unit: Option<(String, Span)>,
    /// index of the last line belonging to title/unit block
    pub(super) unit_line: Option<usize>,
}

pub(super) fn title_candidate(l: &PositionedLine) -> bool {
    let n = l.norm.chars().count();
    (4..=50).contains(&n)
        && l.norm.ends_with('表')
        && !l.norm.contains('…')
        && !has_sentence_punct(&l.norm)
        && !l.norm.contains("见")
        && !l.only_numbers()
}

impl PositionedLine {
    /// A line made only of numbers is data, not a title.
    fn only_numbers(&self) -> bool {
        self.fragments.iter().all(|c| c.kind == FragmentKind::Num)
    }
}

fn find_unit(text: &str, lines: &[PositionedLine], i: usize) -> Option<(String, Span, usize)> {
    let mut seen = 0;
    let mut j = i;
    while j < lines.len() && seen < 4 {
        let l = &lines[j];
        if j > i && l.page != lines[i].page {
            break;
        }
        if !l.blank() {
            let body = text.get(l.s..l.e).unwrap_or("");
            if let Some(m) = UNIT.captures(body).and_then(|c| c.get(1)) {
                let u = if m.as_str() == "萬元" {
                    "万元"
                } else {
                    m.as_str()
                };
                return Some((u.to_string(), Span::new(l.s + m.start(), l.s + m.end()), j));
            }
            if j > i {
                seen += 1;
            }
        }
        j += 1;
    }
    None
}

pub(super) fn next_nonblank(lines: &[PositionedLine], i: usize) -> Option<usize> {
    (i + 1..lines.len()).find(|&j| !lines[j].blank())
}

pub(super) fn title_at(text: &str, lines: &[PositionedLine], i: usize) -> Option<TitleInfo> {
    let l = &lines[i];
    if !title_candidate(l) {
        return None;
    }
    let kind = StandardTable::from_title(&l.norm);
    // a book title directly above the real table title: take the lower one
    if let Some(j) = next_nonblank(lines, i).filter(|&j| {
        lines[j].page == l.page && title_candidate(&lines[j]) && find_unit(text, lines, j).is_some()
    }) {
        let kj = StandardTable::from_title(&lines[j].norm);
        if kj.is_some() || kind.is_none() {
            return None;
        }
    }
    let unit = find_unit(text, lines, i);
    if unit.is_none() {
        if kind.is_none() || NUMBERING.is_match(&l.norm) || l.norm.starts_with('表') {
            return None;
        }
        // need header-like text right below (a TOC entry is followed by another entry)
        let j = next_nonblank(lines, i)?;
        let nl = &lines[j];
        if nl.page != l.page || title_candidate(nl) || is_prose(nl) {
            return None;
        }
        let near: String = (j..(j + 3).min(lines.len()))
            .map(|k| lines[k].norm.as_str())
            .collect();
        if !["项目", "科目", "合计", "预算数", "决算数", "收入", "支出"]
            .iter()
            .any(|w| near.contains(w))
        {
            return None;
        }
    }
    Some(TitleInfo {
        kind,
        unit_line: unit.as_ref().map(|u| u.2),
        unit: unit.map(|(u, s, _)| (u, s)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::text;
    use crate::input::positioned::positioned_lines;

    fn lines(t: &str) -> Vec<PositionedLine> {
        positioned_lines(t, &text::lines(t))
    }

    #[test]
    fn a_standard_title_takes_the_unit_below_it() {
        let t = "            收入支出决算总表\n                       单位：万元\n   项目      决算数\n";
        let ls = lines(t);
        let info = title_at(t, &ls, 0).expect("a title");
        assert_eq!(info.kind, Some(StandardTable::IncomeExpenditureTotal));
        let (unit, span) = info.unit.expect("its unit");
        assert_eq!(unit, "万元");
        assert_eq!(&t[span.range()], "万元");
        assert_eq!(info.unit_line, Some(1));
    }

    #[test]
    fn the_unit_written_with_the_traditional_wan_is_wan_yuan() {
        let t = "收入决算表\n单位：萬元\n";
        let info = title_at(t, &lines(t), 0).expect("a title");
        assert_eq!(info.unit.map(|u| u.0).as_deref(), Some("万元"));
    }

    #[test]
    fn a_contents_entry_is_not_a_title() {
        // A standard name followed by the next entry, with no unit: a TOC.
        let t = "收入支出决算总表\n收入决算表\n支出决算表\n";
        let ls = lines(t);
        assert!(title_at(t, &ls, 0).is_none());
        assert!(title_at(t, &ls, 1).is_none());
    }

    #[test]
    fn a_book_title_gives_way_to_the_table_title_below() {
        let t = "2024年度部门决算表\n收入支出决算总表\n单位：万元\n项目 决算数\n";
        let ls = lines(t);
        assert!(title_at(t, &ls, 0).is_none());
        let info = title_at(t, &ls, 1).expect("the table title");
        assert_eq!(info.kind, Some(StandardTable::IncomeExpenditureTotal));
    }

    #[test]
    fn a_sentence_or_a_reference_is_not_a_title() {
        for t in [
            "详见收入支出决算总表",
            "本年收入，详见附表。收入决算表",
            "……………收入决算表",
        ] {
            let ls = lines(t);
            assert!(!title_candidate(&ls[0]), "{t}");
        }
    }

    #[test]
    fn a_unit_on_another_page_is_not_the_titles() {
        let t = "收入决算表\n\u{c}单位：万元\n";
        let info = title_at(t, &lines(t), 0);
        assert!(info.is_none_or(|i| i.unit.is_none()), "{t:?}");
    }
}
