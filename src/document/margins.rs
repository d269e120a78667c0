//! Running heads and feet: a line printed at the top or the bottom of many
//! pages with the same text (the unit's name, the report's title, `第 3 页
//! 共 20 页`). They belong to the page, not to the text: a sentence or a
//! table that runs on to the next page runs on past them.
//!
//! Pages are the parts between form feeds (as `pdftotext` and the PDF
//! reader write them). A line is a running one when its text, each run of
//! digits counted alike (page numbers change), is printed at the same edge
//! of at least three pages and of two pages in five: as the first or the
//! last line of a page, or the second from that edge under a running line;
//! and when it is one or two runs of text, not a row of columns, and
//! carries no amount and no unit (`单位：万元`). The first page a running line is printed on keeps
//! it: the cover names the report as a running head would, and a part's
//! heading or a table's title repeated on the pages after it is printed
//! there first. A page number (`- 5 -`, `第 5 页`, `5`) at a page's edge is
//! no text wherever it is.

use super::text::Line;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// A line that is only a page number: `- 5 -`, `第 5 页`, `5`, `5 / 20`.
pub(super) static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s\x0c]*(?:-\s*[0-9０-９]{1,3}\s*-|第?\s*[0-9０-９]{1,3}\s*页?|[0-9０-９]{1,3}\s*/\s*[0-9０-９]{1,3})[\s\x0c]*$")
        .unwrap()
});

/// A figure with decimals or thousands separators: table rows and prose
/// carry them, heads and feet do not.
static AMOUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9０-９][.,，．][0-9０-９]").expect("static regex"));

/// A unit declaration (`单位：万元`) belongs to its table, at any edge.
static UNIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"单位\s*[:：(（]").expect("static regex"));

/// How many lines from the top and from the bottom of a page may be a
/// running head or foot.
const EDGE: usize = 2;

/// Per line of `lines`: is it a running head or foot?
pub(super) fn running_lines(text: &str, lines: &[Line]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    if !text.contains('\x0c') {
        return out;
    }
    let keys: Vec<String> = lines.iter().map(|l| key(&text[l.span.range()])).collect();
    // The non-blank lines of each page, in order.
    let mut pages: Vec<Vec<usize>> = vec![Vec::new()];
    for (i, l) in lines.iter().enumerate() {
        let raw = &text[l.span.range()];
        for _ in 0..raw.matches('\x0c').count() {
            pages.push(Vec::new());
        }
        if !keys[i].is_empty() {
            pages.last_mut().expect("one page at least").push(i);
        }
    }
    let printed = pages.iter().filter(|p| !p.is_empty()).count();
    // Per key, per edge (top, bottom): the pages it is printed on there.
    let mut seen: HashMap<(String, bool), Vec<usize>> = HashMap::new();
    for (pi, page) in pages.iter().enumerate() {
        let n = page.len();
        for (k, &li) in page.iter().enumerate() {
            // On a short page a line may be near both edges.
            for top in [true, false] {
                let near = if top { k < EDGE } else { k + EDGE >= n };
                if !near {
                    continue;
                }
                let on = seen.entry((keys[li].clone(), top)).or_default();
                if on.last() != Some(&pi) {
                    on.push(pi);
                }
            }
        }
    }
    // Is `k` running at this edge, and on a page after the first it is
    // printed on?
    let running = |k: &str, top: bool, pi: usize| {
        seen.get(&(k.to_owned(), top)).is_some_and(|on| {
            on.len() >= 3
                && on.len() * 5 >= printed * 2
                && k.chars().count() <= 60
                && on.first().is_some_and(|&first| pi > first)
        })
    };
    for (pi, page) in pages.iter().enumerate() {
        // From each edge inward: the second line only after the first.
        for top in [true, false] {
            let order: Vec<usize> = if top {
                page.iter().take(EDGE).copied().collect()
            } else {
                page.iter().rev().take(EDGE).copied().collect()
            };
            for (k, li) in order.into_iter().enumerate() {
                let raw = &text[lines[li].span.range()];
                // A page number at the edge needs no other page to be one.
                let number = k == 0 && PAGE_NUMBER.is_match(raw);
                let head = running(&keys[li], top, pi) && runs(raw) <= 2;
                if !number && (!head || AMOUNT.is_match(raw) || UNIT.is_match(raw)) {
                    break;
                }
                out[li] = true;
            }
        }
    }
    out
}

/// The runs of text on a line, apart by two spaces or more: a head or a foot
/// has one or two (`示例局      2024年度部门决算`); a table's repeated column
/// header has more.
fn runs(raw: &str) -> usize {
    raw.replace('\x0c', " ")
        .split("  ")
        .filter(|r| !r.trim().is_empty())
        .count()
}

/// A line's text for comparison: without white space and form feeds, each
/// run of digits one and the same (`第 9 页` and `第 10 页` are one foot).
fn key(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars().filter(|c| !c.is_whitespace() && *c != '\x0c') {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::text::lines;

    fn running(text: &str) -> Vec<String> {
        let ls = lines(text);
        running_lines(text, &ls)
            .iter()
            .zip(&ls)
            .filter(|(r, _)| **r)
            .map(|(_, l)| {
                text[l.span.range()]
                    .trim()
                    .trim_start_matches('\x0c')
                    .to_owned()
            })
            .collect()
    }

    fn pages(head: &str, foot: &str, bodies: &[&str]) -> String {
        let mut t = String::from("示例局2024年度部门决算\n封面\n");
        for (i, b) in bodies.iter().enumerate() {
            t.push('\x0c');
            if !head.is_empty() {
                t.push_str(&format!("        {head}\n"));
            }
            t.push_str(b);
            t.push('\n');
            if !foot.is_empty() {
                t.push_str(&format!(
                    "      {}\n",
                    foot.replace('N', &(i + 2).to_string())
                ));
            }
        }
        t
    }

    #[test]
    fn a_head_and_a_foot_on_every_page_are_running_lines() {
        let t = pages(
            "示例局2024年度部门决算",
            "第 N 页",
            &["一、部门职责\n正文一", "正文二\n正文三", "正文四", "正文五"],
        );
        let r = running(&t);
        assert_eq!(r.len(), 8, "{r:?}");
        // The cover's title stays: it is the report's title.
        let ls = lines(&t);
        assert!(!running_lines(&t, &ls)[0]);
    }

    #[test]
    fn a_heading_repeated_on_the_pages_after_it_keeps_its_first_print() {
        // 第二部分 heads every table page of its part: printed first as the
        // part's heading, it stays there.
        let part = "第二部分 2024年度部门决算表";
        let t = pages(
            "",
            "",
            &[
                "第一部分 部门概况\n正文一",
                &format!("{part}\n收入支出决算总表\n单位：万元"),
                &format!("{part}\n收入决算表\n单位：万元"),
                &format!("{part}\n支出决算表\n单位：万元"),
            ],
        );
        assert_eq!(running(&t), vec![part.to_owned(), part.to_owned()]);
        let ls = lines(&t);
        let first = ls
            .iter()
            .position(|l| t[l.span.range()].contains(part))
            .unwrap();
        assert!(!running_lines(&t, &ls)[first]);
    }

    #[test]
    fn page_counts_of_any_length_are_one_foot() {
        assert_eq!(key("第 9 页 共 12 页"), key("第 10 页 共 12 页"));
        let bodies: Vec<String> = "甲乙丙丁戊己庚辛壬癸子丑"
            .chars()
            .map(|c| format!("正文{c}"))
            .collect();
        let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
        let t = pages("", "第 N 页 共 13 页", &bodies);
        // Every foot but the first (pages 2 to 13: 9 and 10 alike).
        assert_eq!(running(&t).len(), 11);
    }

    #[test]
    fn text_repeated_in_the_body_is_not_a_running_line() {
        // 正文 lines in the middle of pages, even when alike, are text.
        let t = pages(
            "",
            "",
            &[
                "开头一\n单位：万元\n中间\n结尾一",
                "开头二\n单位：万元\n中间\n结尾二",
                "开头三\n单位：万元\n中间\n结尾三",
            ],
        );
        assert_eq!(running(&t), Vec::<String>::new());
    }

    #[test]
    fn a_line_on_two_pages_or_on_few_of_many_is_not_running() {
        let t = pages("页眉", "", &["正文一", "正文二"]);
        assert!(running(&t).is_empty(), "two pages are not enough");
        let mut bodies = vec!["正文"; 9];
        bodies[0] = "表一\n正文";
        bodies[1] = "表一\n正文";
        bodies[2] = "表一\n正文";
        let t = pages("", "", &bodies);
        // 表一 heads 3 pages of 10: less than two in five.
        assert!(!running(&t).iter().any(|l| l == "表一"));
    }

    #[test]
    fn unit_lines_column_headers_and_rows_at_page_edges_stay() {
        // Each table page: title, unit, column header; continuation pages
        // open with the repeated column header. None of it is a head.
        let row = |c: &str| format!("{c}      一般公共服务支出      1.00      1.00");
        let body = |first: &str| {
            format!(
                "{first}\n{}\n{}\n        合计   2.00",
                row("201"),
                row("202")
            )
        };
        let t = pages(
            "",
            "",
            &[
                &body("收入决算表\n单位：万元\n项目    合计    基本支出"),
                &body("支出决算表\n单位：万元\n项目    合计    基本支出"),
                &body("项目    合计    基本支出"),
                &body("项目    合计    基本支出"),
                &body("项目    合计    基本支出"),
            ],
        );
        assert_eq!(running(&t), Vec::<String>::new());
    }

    #[test]
    fn no_form_feed_no_pages() {
        assert!(running("页眉\n正文\n页眉\n正文\n页眉\n").is_empty());
    }

    /// A report with a running head and foot on every page after the cover.
    fn report(pages: &[&str]) -> String {
        let mut t = String::from("        示例局2024年度部门决算\n\n        二〇二五年九月\n");
        for (i, p) in pages.iter().enumerate() {
            t.push_str(&format!(
                "\x0c          示例局2024年度部门决算\n{p}\n                第 {} 页\n",
                i + 2
            ));
        }
        t
    }

    #[test]
    fn a_sentence_runs_on_past_the_head_and_foot_of_the_next_page() {
        let t = report(&[
            "一、收入支出决算总体情况说明\n  本部门2024年度收入总计",
            "309.38万元，比上年增加10.00万元。",
            "二、其他说明\n  无。",
        ]);
        let doc = crate::document::parse(&t);
        let f = doc
            .facts
            .iter()
            .find(|f| &t[f.span.range()] == "309.38万元")
            .expect("the amount is a fact");
        assert_eq!(f.label, "收入总计", "{f:?}");
    }

    #[test]
    fn a_table_runs_on_past_the_head_of_the_next_page() {
        let head = "                         一般公共预算财政拨款支出决算表\n                                                    单位：万元\n  科目编码      科目名称                      合计        基本支出      项目支出";
        let t = report(&[
            &format!(
                "{head}\n                合计                         300.00        200.00       100.00\n  201           一般公共服务支出             250.00        150.00       100.00\n  20101         人大事务                     250.00        150.00       100.00"
            ),
            "  2010101       行政运行                     250.00        150.00       100.00\n  208           社会保障和就业支出            50.00         50.00         0.00\n  20805         行政事业单位养老支出          50.00         50.00         0.00\n  2080505       机关事业单位基本养老保险缴费  50.00         50.00         0.00",
        ]);
        let doc = crate::document::parse(&t);
        let table = doc
            .tables
            .iter()
            .find(|t| t.standard.is_some())
            .expect("the table");
        let codes: Vec<&str> = table
            .rows
            .iter()
            .filter_map(|r| r.code.as_deref())
            .collect();
        assert_eq!(
            codes,
            ["201", "20101", "2010101", "208", "20805", "2080505"]
        );
        assert_eq!(
            table.verdict.reliability,
            crate::document::table::Reliability::Reliable
        );
    }
}
