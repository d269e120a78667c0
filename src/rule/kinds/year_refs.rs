//! `year-refs`: the years the prose refers to fit the report's year (from
//! its title).
//! - `comparison`: a change is stated against the year before the report's
//!   (`与2023年度相比` in a 2024 report); `比2025年预算增加` inside the 2025
//!   budget compares the year with itself.
//! - `as-of`: a 决算's `截至…` date is the last day of the report year; a
//!   预算's lies in the year before it (the budget is drawn up then) or in
//!   the report year itself.
//! - `period`: a project's 实施周期 (`2025.1.1-2025.12.31`, `2023年至2025年`)
//!   spans the report year; a period wholly before or after it is a copied
//!   text or a slip. The period is the text after `实施周期` in a paragraph,
//!   or the first paragraph of a section headed `实施周期`.
//!
//! Figures may be spaced as PDF extraction leaves them (`截至 2024 年 12 月
//! 31 日`). A report whose title gives no year is not checked.

use super::RuleKind;
use crate::diagnostic::Label;
use crate::document::Stage;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone)]
pub struct YearRefs {
    comparison: bool,
    as_of: bool,
    period: bool,
}

const CHECKS: [&str; 3] = ["comparison", "as-of", "period"];

impl RuleKind for YearRefs {
    const KEYS: &'static [&'static str] = &["check"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let check = rs
            .check
            .clone()
            .unwrap_or_else(|| CHECKS.iter().map(|&c| c.to_owned()).collect());
        for c in &check {
            if !CHECKS.contains(&c.as_str()) {
                cx.err(
                    &rs.kind,
                    format!("unknown year-refs check `{c}`"),
                    "this rule",
                    "check takes \"comparison\", \"as-of\" and/or \"period\"",
                );
            }
        }
        Some(YearRefs {
            comparison: check.iter().any(|c| c == "comparison"),
            as_of: check.iter().any(|c| c == "as-of"),
            period: check.iter().any(|c| c == "period"),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        let Some(year) = cx.doc.kind.year else {
            cx.not_checked("报告标题中没有年度".into(), None);
            return;
        };
        if self.comparison {
            comparison_years(cx, year);
        }
        if self.as_of {
            as_of_dates(cx, year);
        }
        if self.period {
            periods(cx, year);
        }
    }
}

/// `与2023年度相比`, `比 2023 年度增加`, `较2023年预算执行数`, `同2023年决算数持平`.
static COMPARED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:比|较|与|同)\s*(?P<year>[0-9０-９]{4})\s*年\s*(?:度|预算|决算|同期|相比|比较|增加|减少|增长|下降|持平|的)",
    )
    .expect("the comparison-year pattern compiles")
});

/// `截至2024年12月31日`, `截止 2024 年 8 月 31 日`.
static AS_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"截[至止]\s*(?P<year>[0-9０-９]{4})\s*年\s*(?P<month>[0-9０-９]{1,2})\s*月\s*(?:(?P<day>[0-9０-９]{1,2})\s*日)?",
    )
    .expect("the as-of pattern compiles")
});

/// Where a match starts inside a longer number (a code or an amount), it
/// is not a year.
fn inside_number(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit() || c == '.')
}

/// Each match of `re` in the prose of the rule's scope, read on the
/// paragraphs' folded text (so 與2023年度相比 and a year broken across
/// lines are read too): the captures, the whole match's span and the
/// `year` group's span in the report.
fn prose_matches<'t>(cx: &RuleContext<'t>, re: &Regex) -> Vec<(regex::Captures<'t>, Span, Span)> {
    let doc: &'t crate::document::Document = cx.doc;
    let mut out = Vec::new();
    for p in doc.paragraphs.iter().filter(|p| cx.in_scope(p.section)) {
        let text = p.norm.text.as_str();
        for c in re.captures_iter(text) {
            let g = c.name("year").expect("the pattern has a year");
            if inside_number(text, g.start()) {
                continue;
            }
            let whole = p
                .norm
                .original_of(&c.get(0).expect("group 0 always matches"));
            let year = p.norm.original_of(&g);
            out.push((c, whole, year));
        }
    }
    out
}

fn comparison_years(cx: &mut RuleContext, year: u32) {
    let mut any = false;
    for (c, whole, at) in prose_matches(cx, &COMPARED) {
        any = true;
        let Ok(said) = c["year"].parse::<u32>() else {
            continue;
        };
        if said + 1 == year {
            continue;
        }
        let why = if said == year {
            format!("{year} 年度的报告与 {said} 年比较，是与本年自身比较")
        } else {
            format!("{year} 年度的报告应与上年（{}年）比较", year - 1)
        };
        let found = cx.slice(whole).to_owned();
        let mut d = cx.diag(&[
            ("found", found),
            ("label", year.to_string()),
            ("other", why),
        ]);
        d.labels.push(Label::new(at, "比较的年度"));
        cx.report(d);
    }
    if !any {
        cx.not_checked("说明中没有写明比较年度的增减".into(), None);
    }
}

fn as_of_dates(cx: &mut RuleContext, year: u32) {
    let Some(stage) = cx.doc.kind.stage else {
        cx.not_checked("报告标题中没有写明决算或预算".into(), None);
        return;
    };
    let mut any = false;
    for (c, span, _) in prose_matches(cx, &AS_OF) {
        any = true;
        let said: u32 = c["year"].parse().unwrap_or(0);
        let month: u32 = c["month"].parse().unwrap_or(0);
        let day: Option<u32> = c.name("day").and_then(|d| d.as_str().parse().ok());
        let (fits, want) = match stage {
            Stage::Final => (
                said == year && month == 12 && day.is_none_or(|d| d == 31),
                format!("决算的截至日期应为 {year} 年 12 月 31 日"),
            ),
            Stage::Budget => (
                said + 1 == year || said == year,
                format!("{year} 年预算的截至日期应在 {} 年或 {year} 年", year - 1),
            ),
        };
        if fits {
            continue;
        }
        let found = cx.slice(span).to_owned();
        let mut d = cx.diag(&[
            ("found", found),
            ("label", year.to_string()),
            ("other", want),
        ]);
        d.labels.push(Label::new(span, "截至日期"));
        cx.report(d);
    }
    if !any {
        cx.not_checked("说明中没有“截至…年…月…日”的日期".into(), None);
    }
}

/// A year in a period: `2025` of `2025.1.1`, `2025年`, `2025全年度`.
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<year>(?:19|20)[0-9０-９]{2})").expect("the year pattern compiles")
});

/// The years a period text names, each with its span in the paragraph's
/// folded text; a four-digit run inside a longer number is no year.
fn period_years(text: &str) -> Vec<(u32, std::ops::Range<usize>)> {
    YEAR.captures_iter(text)
        .filter_map(|c| {
            let g = c.name("year")?;
            let after_digit = text[g.end()..].starts_with(|c: char| c.is_ascii_digit());
            if inside_number(text, g.start()) || after_digit {
                return None;
            }
            Some((g.as_str().parse().ok()?, g.range()))
        })
        .collect()
}

/// The periods stated after `实施周期` (`实施周期：…`, `实施周期为…`, each up
/// to the end of its sentence), as byte ranges of `text`; a mere mention of
/// the words (`实施周期一般为三年`) states none.
fn inline_periods(text: &str) -> Vec<std::ops::Range<usize>> {
    text.match_indices("实施周期")
        .filter_map(|(at, w)| {
            let at = at + w.len();
            let rest = &text[at..];
            let body = rest.trim_start();
            let states = body.starts_with(['：', ':', '为', '是'])
                || body.starts_with(|c: char| c.is_ascii_digit());
            let end = rest.find(['。', '；', ';']).unwrap_or(rest.len());
            states.then_some(at..at + end)
        })
        .collect()
}

fn periods(cx: &mut RuleContext, year: u32) {
    let doc = cx.doc;
    let mut any = false;
    let mut headed_done = std::collections::HashSet::new();
    let paragraphs: Vec<_> = doc
        .paragraphs
        .iter()
        .filter(|p| cx.in_scope(p.section))
        .collect();
    for p in paragraphs {
        let text = p.norm.text.as_str();
        // The period: after 实施周期 in the paragraph, up to the sentence's
        // end; or the first paragraph of a section headed 实施周期.
        let mut stated = inline_periods(text);
        if stated.is_empty()
            && doc.sections[p.section].title.contains("实施周期")
            && headed_done.insert(p.section)
        {
            stated.push(0..text.len());
        }
        for period in stated {
            any |= check_period(cx, p, period, year);
        }
    }
    if !any {
        cx.not_checked("说明中没有写明年份的实施周期".into(), None);
    }
}

/// One period of paragraph `p`: a finding when its years leave out `year`.
/// Whether the period names a year at all (else it is not checked).
fn check_period(
    cx: &mut RuleContext,
    p: &crate::document::Paragraph,
    period: std::ops::Range<usize>,
    year: u32,
) -> bool {
    let text = p.norm.text.as_str();
    let years = period_years(&text[period.clone()]);
    let (Some(lo), Some(hi)) = (
        years.iter().map(|y| y.0).min(),
        years.iter().map(|y| y.0).max(),
    ) else {
        return false;
    };
    if (lo..=hi).contains(&year) {
        return true;
    }
    // From the first year to the end of the last date (`2024.12.31`,
    // `2023 年 12 月`).
    let first = years[0].1.start + period.start;
    let mut last = years[years.len() - 1].1.end + period.start;
    let date_char = |c: char| c.is_ascii_digit() || " .-/年月日号".contains(c);
    while let Some(c) = text[last..period.end]
        .chars()
        .next()
        .filter(|&c| date_char(c))
    {
        last += c.len_utf8();
    }
    let last = first + text[first..last].trim_end().len();
    let span = p.norm.original(first, last);
    let found = cx.slice(span).to_owned();
    let mut d = cx.diag(&[
        ("found", found),
        ("label", year.to_string()),
        (
            "other",
            format!("实施周期 {lo}–{hi} 年不含报告年度 {year} 年"),
        ),
    ]);
    d.labels.push(Label::new(span, "实施周期"));
    cx.report(d);
    true
}

#[cfg(test)]
mod tests {
    use super::{inline_periods, period_years, AS_OF, COMPARED};

    #[test]
    fn years_are_read_with_pdf_spacing() {
        let c = AS_OF
            .captures("截至 2024 年 12 月 31 日，本部门共有车辆")
            .unwrap();
        assert_eq!((&c["year"], &c["month"], &c["day"]), ("2024", "12", "31"));
        let c = COMPARED.captures("与 2023 年度相比，收入增加").unwrap();
        assert_eq!(&c["year"], "2023");
        let c = COMPARED.captures("比2025年预算增加10万元").unwrap();
        assert_eq!(&c["year"], "2025");
        // A year that is not compared with.
        assert!(COMPARED.captures("2024年部门预算").is_none());
    }

    #[test]
    fn period_years_are_years_not_parts_of_numbers() {
        let years = |t: &str| period_years(t).into_iter().map(|y| y.0).collect::<Vec<_>>();
        assert_eq!(years("2025.1.1-2025.12.31"), [2025, 2025]);
        assert_eq!(years("2023年至2025年"), [2023, 2025]);
        assert_eq!(years("2025全年度。"), [2025]);
        // An amount or a code is no year.
        assert!(years("预算12025.00万元").is_empty());
        assert!(years("第一季度审价、审计").is_empty());
    }

    #[test]
    fn a_period_is_stated_not_merely_mentioned() {
        let text = "项目实施周期为 2022 年 1 月至 2023 年 12 月。此类项目实施周期一般不超过三年（2019年办法）。另一项目实施周期：2025.1.1-2025.12.31";
        let stated: Vec<&str> = inline_periods(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            stated,
            ["为 2022 年 1 月至 2023 年 12 月", "：2025.1.1-2025.12.31"]
        );
    }
}
