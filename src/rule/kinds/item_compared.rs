//! `item-compared`: each item of a list that the report states with an
//! amount (the 三公 items: 因公出国（境）费, 公务用车购置费, 公务用车运行维护费,
//! 公务接待费) is compared with a base: the budget (`base = "budget"`:
//! 年初预算, 预算数, 完成预算的…) or the year before (`base = "prior-year"`:
//! 上年, 同比, 比2023年度…).
//!
//! An item's passage runs from its name to the next item named, the next
//! numbered paragraph or the section's end, so a comparison in the sentence
//! after the amount counts (因公出国（境）费0万元。费用支出与年初预算数持平).
//! An item after 其中 takes the base of its sentence's head when its own
//! clause says how it changed (…比2023年度减少0.15万元，其中：…公务接待费
//! 减少0.15万元). An item is compared when any passage of it is; one that is
//! never stated with an amount (a definition, 无…支出) is not judged.

use super::RuleKind;
use crate::diagnostic::Label;
use crate::document::text::Normalized;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use regex::Regex;
use std::sync::{Arc, LazyLock};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    Budget,
    PriorYear,
}

impl Base {
    fn word(self) -> &'static str {
        match self {
            Base::Budget => "年初预算",
            Base::PriorYear => "上年",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ItemCompared {
    /// One pattern per item (its alternatives joined).
    items: Vec<Regex>,
    base: Base,
    /// A statement in a section that covers every item (无“三公”经费支出).
    unless: Option<Regex>,
}

impl RuleKind for ItemCompared {
    const KEYS: &'static [&'static str] = &["labels", "base", "unless"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let mut items = Vec::new();
        for entry in cx.require(&rs.labels, "labels", &rs.kind)?.clone() {
            let joined = entry.get_ref().to_vec().join("|");
            let spanned = toml::Spanned::new(entry.span(), joined);
            items.push(cx.regex(&spanned)?);
        }
        let base = cx.require(&rs.base, "base", &rs.kind)?.clone();
        let base = match base.get_ref().as_str() {
            "budget" => Base::Budget,
            "prior-year" => Base::PriorYear,
            other => {
                cx.err(
                    &base,
                    format!("unknown base `{other}`"),
                    "this base",
                    "base is \"budget\" or \"prior-year\"",
                );
                return None;
            }
        };
        let unless = rs.unless.as_ref().and_then(|p| cx.regex(p));
        Some(ItemCompared {
            items,
            base,
            unless,
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        item_compared(cx, self)
    }
}

/// An amount of money (on folded text: no spaces, ASCII digits).
static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d+(?:,\d{3})*(?:\.\d+)?(?:亿元|万元|千元|元|万)")
        .expect("the amount pattern compiles")
});

/// Words that say how an amount stands against another.
static VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"增|减|持平|完成|大于|小于|等于|超|节约|下降|上升|相同|一致|相当|少于|多于")
        .expect("the comparison-verb pattern compiles")
});

/// 预算 as a base; 预算单位 is an organisation, not a figure.
static BUDGET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"预算(单位)?").expect("the budget pattern compiles"));

/// The year before, in words or as a year compared with; 上年结转/结余
/// are carry-overs, not comparisons.
static PRIOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:上一?年度?|去年|前一年|同比)(结转|结余)?|(?:比|较|与|同|对比|相比|较之)(?P<year>\d{4})年",
    )
    .expect("the prior-year pattern compiles")
});

/// Does this stretch of folded text name the base?
fn names_base(s: &str, base: Base, report_year: Option<u32>) -> bool {
    match base {
        Base::Budget => BUDGET.captures_iter(s).any(|c| c.get(1).is_none()),
        Base::PriorYear => PRIOR.captures_iter(s).any(|c| {
            if c.get(1).is_some() {
                return false;
            }
            match (c.name("year"), report_year) {
                // The report's own year is the budget, not the year before.
                (Some(y), Some(report)) => y.as_str().parse::<u32>().ok() != Some(report),
                _ => true,
            }
        }),
    }
}

/// Is the item, named at `m` with its passage `own`, compared with the
/// base there, or through the head of its sentence when it follows 其中?
fn compares(t: &str, m: &Mention, own: &str, base: Base, year: Option<u32>) -> bool {
    if names_base(own, base, year) {
        return true;
    }
    let sentence_start = t[..m.start].rfind('。').map_or(0, |i| i + '。'.len_utf8());
    let head = &t[sentence_start..m.start];
    head.find("其中")
        .is_some_and(|k| VERB.is_match(own) && names_base(&head[..k], base, year))
}

/// A mention of an item in a section's folded text.
struct Mention {
    item: usize,
    start: usize,
    end: usize,
}

fn item_compared(cx: &mut RuleContext<'_>, rule: &ItemCompared) {
    let doc = Arc::clone(cx.doc);
    let text = Arc::clone(cx.text);
    let year = doc.kind.year;
    let n = rule.items.len();
    // Per item: the first mention stated with an amount, and whether any
    // of its passages is compared with the base.
    let mut stated: Vec<Option<(Span, String, bool)>> = vec![None; n];
    let mut compared = vec![false; n];
    let mut in_scope = false;
    let mut nothing_to_itemise = false;
    for s in (0..doc.sections.len()).filter(|&s| cx.in_scope(s)) {
        let paras: Vec<_> = doc.paragraphs.iter().filter(|p| p.section == s).collect();
        if paras.is_empty() {
            continue;
        }
        in_scope = true;
        let spans: Vec<Span> = paras.iter().map(|p| p.span).collect();
        let norm = Normalized::from_pieces(&text, &spans);
        let t = norm.text.as_str();
        if rule.unless.as_ref().is_some_and(|u| u.is_match(t)) {
            // The section says there is nothing to itemise.
            nothing_to_itemise = true;
            continue;
        }
        // A numbered paragraph starts another item or heading.
        let breaks: Vec<usize> = paras
            .iter()
            .filter(|p| p.numbering.is_some())
            .map(|p| norm.position_of(p.span.start))
            .collect();
        let mut mentions: Vec<Mention> = rule
            .items
            .iter()
            .enumerate()
            .flat_map(|(item, re)| {
                re.find_iter(t).map(move |m| Mention {
                    item,
                    start: m.start(),
                    end: m.end(),
                })
            })
            .collect();
        mentions.sort_by_key(|m| (m.start, m.item));
        for m in &mentions {
            let next_mention = mentions
                .iter()
                .map(|o| o.start)
                .find(|&o| o > m.start)
                .unwrap_or(t.len());
            let next_break = breaks
                .iter()
                .copied()
                .find(|&b| b > m.start)
                .unwrap_or(t.len());
            let end = next_mention.min(next_break).max(m.end);
            let own = &t[m.end..end];
            // The comparison may come where the item is named again without
            // its amount (其中：因公出国（境）费支出与上一年度持平).
            if !compared[m.item] && compares(t, m, own, rule.base, year) {
                compared[m.item] = true;
            }
            if !AMOUNT.is_match(own) {
                continue;
            }
            // Named after its own mention where it has one (公务用车运行费
            // rather than 公务用车购置及运行费, which names two items).
            let shared = mentions
                .iter()
                .any(|o| o.start == m.start && o.item != m.item);
            if stated[m.item].as_ref().is_none_or(|st| st.2 && !shared) {
                let span = norm.original(m.start, m.end);
                let said: String = text
                    .get(span.range())
                    .unwrap_or("")
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                stated[m.item] = Some((span, said, shared));
            }
        }
    }
    if !in_scope {
        cx.not_checked(
            format!("未找到适用范围“{}”对应的章节", cx.rule.scope.join("、")),
            None,
        );
        return;
    }
    if nothing_to_itemise {
        return;
    }
    if stated.iter().all(Option::is_none) {
        cx.not_checked("范围内没有写明金额的分项".into(), None);
        return;
    }
    for (item, first) in stated.into_iter().enumerate() {
        let Some((span, label, _)) = first else {
            continue;
        };
        if compared[item] {
            continue;
        }
        let mut d = cx.diag(&[("label", label), ("base", rule.base.word().to_owned())]);
        d.labels.push(Label::new(span, "未与之比较"));
        cx.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_in_the_forms_reports_use() {
        let y = Some(2024);
        for s in [
            "费用支出与年初预算数持平",
            "决算为0.00万元,完成预算的0.00%",
            "比年初预算增加1.00万元",
        ] {
            assert!(names_base(s, Base::Budget, y), "{s}");
        }
        for s in [
            "与上年支出数持平",
            "与上一年度持平",
            "比2023年度减少0.15万元",
            "较去年同期增加",
            "同比下降5%",
        ] {
            assert!(names_base(s, Base::PriorYear, y), "{s}");
        }
    }

    #[test]
    fn what_is_not_a_base() {
        let y = Some(2024);
        // 预算单位 is an organisation; 上年结转 a carry-over; the report's
        // own year compared with is its budget.
        assert!(!names_base("所属各预算单位开支", Base::Budget, y));
        assert!(!names_base("上年结转资金0.50万元", Base::PriorYear, y));
        assert!(!names_base("与2024年预算持平", Base::PriorYear, y));
        assert!(names_base("与2024年预算持平", Base::PriorYear, Some(2025)));
    }
}
