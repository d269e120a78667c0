//! `prose-table`: a narrative figure that restates a table figure agrees
//! with it.

use super::lookup::*;
use super::{show_q, unit_slip, RuleKind};
use crate::diagnostic::Label;
use crate::document::text::fold;
use crate::document::Fact;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use regex::Regex;
use rust_decimal::Decimal;
use std::sync::LazyLock;

#[derive(Debug, Clone)]
pub struct ProseTable {
    pub pairs: Vec<Pair>,
}

impl RuleKind for ProseTable {
    const KEYS: &'static [&'static str] = &["label", "table", "row", "column", "relation", "pairs"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let pairs = compile_pairs(rs, cx, true)?;
        Some(ProseTable { pairs })
    }

    fn run(&self, cx: &mut RuleContext) {
        if cx.standard_tables_ready() {
            prose(cx, &self.pairs)
        }
    }
}

fn prose(cx: &mut RuleContext<'_>, pairs: &[Pair]) {
    let facts = prose_facts(cx);
    let mut matched_any = false;
    let mut evaluated = 0;
    for p in pairs {
        let year = cx.doc.kind.year;
        let scoped = (!p.scope.is_empty()).then(|| cx.doc.scope_flags(&p.scope));
        let mine: Vec<&Fact> = facts
            .iter()
            .copied()
            .filter(|f| label_matches(&f.label, &p.label, year))
            .filter(|f| !names_another_year(cx.text, f.span, year))
            .filter(|f| {
                scoped
                    .as_ref()
                    .is_none_or(|s| s.get(f.section) == Some(&true))
            })
            .collect();
        if mine.is_empty() {
            continue;
        }
        matched_any = true;
        let found = match lookup(cx, &p.table, &p.row, p.column.as_deref().unwrap_or("")) {
            Ok(f) => f,
            Err(e) => {
                e.note(cx, Some(mine[0].span));
                continue;
            }
        };
        if !cx.doc.tables[found.table].has_figures() && !found.val.contains(Decimal::ZERO) {
            continue;
        }
        for f in mine {
            let Some(q) = f.quantity_wan() else {
                continue;
            };
            evaluated += 1;
            cx.out.covered.insert(f.id);
            let spans: Vec<Span> = found.spans.iter().map(|s| s.0).collect();
            cx.cover_spans(found.table, &spans);
            if !p
                .relation
                .fails(&q, &found.val, (f.number.as_ref(), found.number.as_ref()))
            {
                continue;
            }
            let t = &cx.doc.tables[found.table];
            let unit = unit_word(t);
            let table_shown = if unit == "万元" || unit.is_empty() {
                found.shown("万元")
            } else {
                format!("{}（{}万元）", found.shown(unit), show_q(&found.val))
            };
            let written = f
                .number
                .as_ref()
                .map(|n| n.written.clone())
                .unwrap_or_default();
            let values = [
                ("label", f.label.clone()),
                ("table", p.table.to_string()),
                ("row", found.what.clone()),
                ("stated", written.clone()),
                ("computed", table_shown.clone()),
                ("range", format!("{}万元", found.val.display_range(2))),
            ];
            let mut d = cx.diag(&values);
            // The same digits in another unit (NUM-01): say so at the
            // figure, the reader would otherwise look for a wrong number.
            let slip = unit_slip(f.number.as_ref(), found.number.as_ref());
            let said = match &slip {
                Some(u) => format!("文字所述：单位疑误，表中为同一数字的{u}"),
                None => "文字所述".to_owned(),
            };
            d.labels.push(Label::new(f.span, said));
            for (s, w) in &found.spans {
                d.labels.push(Label::new(*s, format!("{}：{w}", p.table)));
            }
            if let Some(u) = &slip {
                d.help = Some(format!(
                    "说明中“{}”写作 {written}，{}中为 {}{u}：数字相同而单位不同，核对单位是否写错",
                    f.label,
                    p.table,
                    found.number.as_ref().map_or("", |n| n.written.as_str())
                ));
            }
            if d.help.is_none() {
                d.help = Some(format!(
                    "说明中“{}”为 {written}，{}中 {} 为 {table_shown}（折合万元并考虑四舍五入的范围 {}万元）",
                    f.label,
                    p.table,
                    found.what,
                    found.val.display_range(2)
                ));
            }
            cx.report(d);
        }
    }
    if !matched_any && cx.any_figures() {
        cx.not_checked(
            format!(
                "说明中未找到“{}”等数字",
                pairs.first().map(|p| p.label[0].as_str()).unwrap_or("")
            ),
            None,
        );
    } else if matched_any && evaluated == 0 && cx.any_figures() {
        cx.not_checked("说明中的数字无法与表格比较".into(), None);
    }
}

/// Is a prose figure another year's than the report's? The last year its
/// sentence names before it decides (`2024年…，2023年机关运行经费支出50.00
/// 万元`, `2023年度，机关运行经费支出…`, `上年…`; `截至2024年12月31日…` and
/// `本年…` are this year's): the label keeps no year, so the figure would
/// otherwise pass for this year's. With the report's year unknown (an
/// excerpt without its title), only 上年/去年 are told apart.
fn names_another_year(text: &str, figure: Span, year: Option<u32>) -> bool {
    static YEAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"([0-9]{4})\s*年|(?:^|[^以])(上一?年|去年)|本年|今年")
            .expect("the year pattern compiles")
    });
    let before = text.get(..figure.start as usize).unwrap_or("");
    let sentence = before
        .rfind(['。', '；', ';'])
        .map_or(before, |i| &before[i..]);
    // Folded: full-width digits (２０２３年) are years too.
    let folded = fold(sentence);
    let Some(last) = YEAR.captures_iter(&folded).last() else {
        return false;
    };
    match (last.get(1), last.get(2)) {
        (Some(y), _) => year.is_some_and(|r| y.as_str().parse::<u32>().ok() != Some(r)),
        (None, prior) => prior.is_some(),
    }
}

/// Does a prose label name this item? Equal, or the item preceded by the
/// report's unit name or year (`上海市…局2024年度收入支出总计`).
fn label_matches(label: &str, alts: &[String], year: Option<u32>) -> bool {
    let unquote = |s: &str| fold(s).replace('"', "");
    let l = unquote(label);
    let l = l.as_str();
    let this_year = |p: &str| {
        p == "本年"
            || p.ends_with("本年度")
            || year
                .is_some_and(|y| p.ends_with(&format!("{y}年")) || p.ends_with(&format!("{y}年度")))
    };
    alts.iter().any(|a| {
        let a = unquote(a);
        if l == a {
            return true;
        }
        match l.strip_suffix(a.as_str()) {
            Some(prefix) => {
                this_year(prefix)
                    || prefix.ends_with([
                        '局', '室', '会', '处', '部', '心', '院', '所', '站', '队', '府', '委',
                        '厅', '办', '司', '馆', '校',
                    ])
            }
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_with_unit_or_year_prefix() {
        let alts = vec!["收入支出总计".to_owned()];
        let y = Some(2024);
        assert!(label_matches(
            "上海市普陀区城建和交通局2024年度收入支出总计",
            &alts,
            y
        ));
        assert!(label_matches("收入支出总计", &alts, y));
        assert!(!label_matches("财政拨款收入支出总计", &alts, y));
        assert!(!label_matches("2023年度收入支出总计", &alts, y));
        let alts = vec!["支出决算".to_owned()];
        assert!(!label_matches("公务接待费支出决算", &alts, y));
        let alts = vec!["收入预算".to_owned()];
        assert!(label_matches(
            "上海市普陀区人民政府万里街道办事处收入预算",
            &alts,
            y
        ));
    }
}
