//! `item-compared`: each item of a list that the report states with an
//! amount (the 三公 items: 因公出国（境）费, 公务用车购置费, 公务用车运行维护费,
//! 公务接待费) is compared with a base: the budget (`base = "budget"`:
//! 年初预算, 预算数, 完成预算的…) or the year before (`base = "prior-year"`:
//! 上年, 同比, 比2023年度…).
//!
//! An item's passage runs from its name to the next item named (items joined
//! by 、, 和, 及 or 与 share the passage of the last, and so do items listed
//! with their amounts, joined by 、, or by ，when the last says 均/都/分别;
//! parts in parentheses are inside it),
//! or the end of its passage, which runs on into passages that open with a
//! comparison (因公出国（境）费0万元。\n与上年持平。); an item named in a
//! heading has the section's body. An item whose own clause says only how
//! it changed takes the base of the lead-in of its sentence (与上年相比，…)
//! or of the sentence before a 其中 that heads it (…比2023年度减少0.15万元，
//! 其中：…公务接待费减少0.15万元). An item is compared when any passage of it
//! is; one never stated with an amount (a definition) or that the unit does
//! not have (无公务用车) is not judged.

use super::RuleKind;
use crate::diagnostic::Label;
use crate::document::text::Normalized;
use crate::document::{Document, DocumentForm, Paragraph};
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
    Regex::new(r"[0-9０-９]+(?:,[0-9０-９]{3})*(?:\.[0-9０-９]+)?(?:亿元|万元|千元|元|万)")
        .expect("the amount pattern compiles")
});

/// Words that say how an amount stands against another.
static VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"增|减|持平|完成|大于|小于|等于|超|节约|下降|上升|相同|一致|相当|少于|多于|不变|变化|变动",
    )
    .expect("the comparison-verb pattern compiles")
});

/// An amount and a separator between two items listed together.
static AMOUNT_THEN_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:为|支出|决算|预算|数)*[0-9０-９]+(?:,[0-9０-９]{3})*(?:\.[0-9０-９]+)?(?:亿元|万元|千元|元|万)[、,;]$")
        .expect("the listed-amount pattern compiles")
});

/// Words that give one comparison to all the items before them.
static SHARED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"均|都|分别|全部|一致").expect("the shared pattern compiles"));

/// An item the unit does not have, or did not spend on.
static NONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:无|没有|未发生|未安排|未开支)(?:该项|此项|相关)?(?:因公出国|公务用?车|公务接待|出国|接待|购置|支出|费用|开支)")
        .expect("the no-item pattern compiles")
});

/// The budget as a base: 年初预算, 全年预算, 调整预算, 预算数, 预算执行率,
/// 预算完成率, 预算安排…, or 预算 after a word that compares (比预算, 完成预算
/// 的, 与预算持平, 为预算的). 一般公共预算,
/// 预算单位 and 预算管理 name funds and offices, not a figure.
static BUDGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:年初|全年|调整后?的?)预算|预算数|预算执行(?:率|数)|预算完成|预算安排|(?:比|较|与|同|对比|相比|完成|超|超过|低于|高于|少于|多于|占|为)(?:年初|全年)?预算")
        .expect("the budget pattern compiles")
});

/// The year before, in words or as a year compared with; 上年结转/结余
/// are carry-overs, not comparisons.
static PRIOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:上一?年度?|去年|前一年|同比)(结转|结余)?|(?:比|较|与|同|对比|相比|较之)(?:(?P<year>[0-9０-９]{4})|[〇零一二三四五六七八九]{4})年|前年|(?P<bare>[0-9０-９]{4})年度?(?:决算|预算|支出|为|同期)",
    )
    .expect("the prior-year pattern compiles")
});

/// Does this stretch of folded text name the base?
fn names_base(s: &str, base: Base, report_year: Option<u32>) -> bool {
    match base {
        Base::Budget => BUDGET.is_match(s),
        Base::PriorYear => PRIOR.captures_iter(s).any(|c| {
            if c.get(1).is_some() {
                return false;
            }
            match (c.name("year").or(c.name("bare")), report_year) {
                // A year before the report's; the report's own is its
                // budget, a later one no comparison with the year before.
                (Some(y), Some(report)) => y.as_str().parse::<u32>().is_ok_and(|y| y < report),
                // A bare year (2023年决算…) is a comparison only when it is
                // not the report's own, which needs the report's year.
                (Some(_), None) => c.name("bare").is_none(),
                _ => true,
            }
        }),
    }
}

/// Where the sentence holding `pos` starts (after the last 。 before it).
fn sentence_start(t: &str, pos: usize) -> usize {
    t[..pos].rfind('。').map_or(0, |i| i + '。'.len_utf8())
}

/// The heads whose base an item named at `at` may take when its own clause
/// says only how it changed: its sentence before it (与上年相比，因公出国
/// （境）费持平); the sentence before a 其中 that opens its sentence
/// (…增加25万元。其中：…); and the sentence of a 其中 whose list runs on
/// over numbered items (其中：\n（一）…。\n（二）…).
fn heads(t: &str, at: usize, sec: &SectionText, mentions: &[Mention]) -> Vec<(usize, usize)> {
    let breaks = &sec.breaks;
    let before = |k: usize| {
        let s = sentence_start(t, k);
        if s == k && k > 0 {
            // 其中 opens its sentence: the sentence before is the head.
            (sentence_start(t, k - '。'.len_utf8()), k)
        } else {
            (s, k)
        }
    };
    let s0 = sentence_start(t, at);
    // Up to the first item the sentence names: another item's comparison
    // is not a head (…与上年持平；公务接待费1.35万元，比年初预算减少…).
    let lead_in = mentions
        .iter()
        .map(|o| o.start)
        .find(|&o| o >= s0)
        .unwrap_or(at)
        .min(at);
    let mut out = vec![(s0, lead_in)];
    if t[s0..at].starts_with("其中") {
        out.push(before(s0));
    }
    // Each 其中 before it whose list has run on to it over numbered items
    // only (an inner 其中 of the item before does not end the outer list).
    for (k, _) in t[..at].rmatch_indices("其中") {
        let numbered = t[k..at]
            .match_indices('。')
            .all(|(q, _)| breaks.contains(&(k + q + '。'.len_utf8())));
        if !numbered {
            break;
        }
        out.push(before(k));
    }
    // A 其中 that ends its paragraph heads the numbered items after it, however
    // long they are (…增加25万元。其中：\n（一）…\n（二）…。其中：…\n（三）…).
    for (k, _) in t[..at].rmatch_indices("其中") {
        let mut after = k + "其中".len();
        if t[after..].starts_with(':') {
            after += 1;
        }
        if !breaks.contains(&after) {
            continue;
        }
        let all_numbered = sec
            .passage_ends
            .iter()
            .filter(|&&e| e >= after && e < at)
            .all(|e| breaks.contains(e));
        if all_numbered {
            out.push(before(k));
        }
        break;
    }
    out
}

/// A mention of an item in a section's folded text.
struct Mention {
    item: usize,
    start: usize,
    end: usize,
}

/// A section's heading and paragraphs, folded for matching, with where its
/// numbered paragraphs start and its passages end.
struct SectionText {
    norm: Normalized,
    /// End of the heading in the folded text (0 without one).
    heading_end: usize,
    breaks: Vec<usize>,
    /// End of each passage (paragraphs joined over layout breaks).
    passage_ends: Vec<usize>,
}

impl SectionText {
    fn new(doc: &Document, text: &str, s: usize, runs: &[Vec<usize>]) -> Option<SectionText> {
        let paras: Vec<&Paragraph> = doc.paragraphs.iter().filter(|p| p.section == s).collect();
        if paras.is_empty() {
            return None;
        }
        let heading = doc.sections[s]
            .heading
            .and_then(|h| doc.headings.get(h))
            .map(|h| h.span);
        let spans: Vec<Span> = heading
            .into_iter()
            .chain(paras.iter().map(|p| p.span))
            .collect();
        let norm = Normalized::from_pieces(text, &spans);
        let heading_end = heading.map_or(0, |h| norm.position_of(h.end));
        let breaks = paras
            .iter()
            .filter(|p| p.numbering.is_some())
            .map(|p| norm.position_of(p.span.start))
            .collect();
        let passage_ends = runs
            .iter()
            .filter(|run| doc.paragraphs[run[0]].section == s)
            .filter_map(|run| run.last())
            .map(|&p| norm.position_of(doc.paragraphs[p].span.end))
            .collect();
        Some(SectionText {
            norm,
            heading_end,
            breaks,
            passage_ends,
        })
    }
}

/// Separators of items that share one comparison (因公出国（境）费、公务接待
/// 费均与上年持平).
fn only_separators(s: &str) -> bool {
    s.chars()
        .all(|c| matches!(c, '、' | '和' | '及' | '与' | ','))
}

fn item_compared(cx: &mut RuleContext<'_>, rule: &ItemCompared) {
    let doc = Arc::clone(cx.doc);
    let text = Arc::clone(cx.text);
    let year = doc.kind.year;
    let runs = doc.sentence_runs(&text);
    let n = rule.items.len();
    // A 三公 statement published on its own is about its items throughout.
    let whole = doc.kind.form == DocumentForm::SanGong;
    // Per item: the first mention stated with an amount (span, text, and
    // whether the mention names another item too), and whether any of its
    // passages is compared with the base.
    let mut stated: Vec<Option<(Span, String, bool)>> = vec![None; n];
    let mut compared = vec![false; n];
    let mut in_scope = false;
    let mut nothing_to_itemise = false;
    for s in (0..doc.sections.len()).filter(|&s| whole || cx.in_scope(s)) {
        let Some(sec) = SectionText::new(&doc, &text, s, &runs) else {
            continue;
        };
        in_scope = true;
        let t = sec.norm.text.as_str();
        if rule.unless.as_ref().is_some_and(|u| u.is_match(t)) {
            // The section says there is nothing to itemise.
            nothing_to_itemise = true;
            continue;
        }
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
            let end = passage_end(t, &sec, &mentions, m, year);
            let own = &t[m.end..end.max(m.end)];
            let inherited = || {
                VERB.is_match(own)
                    && heads(t, m.start, &sec, &mentions)
                        .into_iter()
                        .any(|(a, b)| names_base(&t[a..b], rule.base, year))
            };
            // An item the unit does not have (本单位无公务用车，该项支出0万元)
            // has nothing to compare.
            // Its own clause only: from the item before it (or its sentence's
            // start) to its passage's end, so one item's 无… excuses no other.
            let none = || {
                let from = mentions
                    .iter()
                    .map(|o| o.end)
                    .filter(|&e| e <= m.start)
                    .max()
                    .unwrap_or(0)
                    .max(sentence_start(t, m.start));
                NONE.is_match(&t[from..m.end + own.len()])
            };
            // The comparison may come where the item is named again without
            // its amount (其中：因公出国（境）费支出与上一年度持平).
            if !compared[m.item] && (names_base(own, rule.base, year) || inherited() || none()) {
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
                let span = sec.norm.original(m.start, m.end);
                stated[m.item] = Some((span, cx.slice(span), shared));
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
    if stated.iter().all(Option::is_none) {
        if !nothing_to_itemise {
            cx.not_checked("范围内没有写明金额的分项".into(), None);
        }
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

/// Where the passage of the item named at `m` ends: at the next item named
/// (items joined by 、 or 和 share the passage of the last), the next
/// numbered paragraph, or the end of its passage, which runs on into the
/// next passage when that one opens with a comparison (…0万元。\n与上年持平。).
/// An item named in the section's heading has the section's body.
fn passage_end(
    t: &str,
    sec: &SectionText,
    mentions: &[Mention],
    m: &Mention,
    year: Option<u32>,
) -> usize {
    let mut last_end = m.end;
    let mut next = t.len();
    // Where the passage ends unless the items listed with their amounts
    // share one comparison (…0万元、…0万元，均与上年持平).
    let mut own_end: Option<usize> = None;
    for o in mentions.iter().filter(|o| o.start >= m.end) {
        if o.start < last_end {
            continue;
        }
        // Parts in parentheses after the item (…46.56万元（其中：购置费25万元，
        // 运行费21.56万元），比上年增加…) do not end its passage.
        let between = &t[m.end..o.start];
        if between.matches('(').count() > between.matches(')').count() {
            continue;
        }
        let gap = &t[last_end..o.start];
        if only_separators(gap) {
            last_end = last_end.max(o.end);
            continue;
        }
        if AMOUNT_THEN_SEPARATOR.is_match(gap) {
            // A list joined by 、 shares what follows it; one joined by ，
            // only when its last clause says so.
            if !gap.ends_with('、') {
                own_end.get_or_insert(o.start);
            }
            last_end = last_end.max(o.end);
            continue;
        }
        next = o.start;
        break;
    }
    if let Some(own) = own_end {
        // The last item's clause must say the comparison is shared.
        if !SHARED.is_match(&t[last_end..next]) {
            next = own;
        }
    }
    if m.start < sec.heading_end {
        return next;
    }
    // Its passage, and the passages after it that open with a comparison
    // and name no item (…0万元。\n1.与年初预算相比减少…\n2.与上年相比…).
    let mut ends = sec.passage_ends.iter().copied().filter(|&e| e > m.start);
    let mut passage = ends.next().unwrap_or(t.len());
    for following in ends {
        let opening: String = t[passage..following].chars().take(12).collect();
        let compares =
            names_base(&opening, Base::Budget, year) || names_base(&opening, Base::PriorYear, year);
        if !compares {
            break;
        }
        let named = mentions
            .iter()
            .any(|o| o.start >= passage && o.start < following);
        passage = following;
        if named {
            // It runs to the next item named in it (`next`).
            break;
        }
    }
    next.min(passage)
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
            "与二〇二三年持平",
            "2023年决算2.20万元",
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
        assert!(!names_base("使用一般公共预算拨款3.00万元", Base::Budget, y));
        assert!(!names_base("严格执行预算管理规定", Base::Budget, y));
        assert!(!names_base("上年结转资金0.50万元", Base::PriorYear, y));
        assert!(!names_base("与2024年预算持平", Base::PriorYear, y));
        assert!(names_base("与2024年预算持平", Base::PriorYear, Some(2025)));
    }
}
