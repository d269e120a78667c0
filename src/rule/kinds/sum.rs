//! `sum`: a total equals the sum of its parts — the linked lists of the
//! prose (`其中：…；…`, enumerated items) or named parts, with `minus` for
//! balances (年末 = 年初 + 收入 − 支出).

use super::{digits_differ, matches_label, range, show, without_unit, written, RuleKind};
use crate::diagnostic::Label;
use crate::document::{Fact, FactKind, Role};
use crate::quantity::{Agreement, Quantity};
use crate::rule::compile::{groups, many, CompileCx};
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;

#[derive(Debug, Clone)]
pub struct Sum {
    /// The total's labels (any linked list when empty and no `parts`).
    pub total: Vec<String>,
    pub parts: Vec<Vec<String>>,
    /// Parts subtracted (balances: 年末 = 年初 + 收入 − 支出).
    pub minus: Vec<Vec<String>>,
}

impl RuleKind for Sum {
    const KEYS: &'static [&'static str] = &["total", "parts", "minus"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let total = many(&rs.total);
        let parts = groups(&rs.parts);
        if !parts.is_empty() && total.is_empty() {
            cx.err(
                &rs.kind,
                "a `sum` rule with `parts` needs `total`",
                "this rule",
                "name the total's label with `total = \"…\"`",
            );
        }
        Some(Sum {
            total,
            parts,
            minus: groups(&rs.minus),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        if self.parts.is_empty() {
            sum_linked(cx, &self.total)
        } else {
            sum_named(cx, &self.total, &self.parts, &self.minus)
        }
    }
}

fn sum_linked(cx: &mut RuleContext<'_>, total_filter: &[String]) {
    let totals: Vec<&Fact> = cx
        .value_facts()
        .filter(|f| f.links.items.len() >= 2)
        .filter(|f| total_filter.is_empty() || matches_label(f, total_filter))
        .collect();
    for t in totals {
        let items: Vec<&Fact> = t.links.items.iter().map(|&i| &cx.doc.facts[i]).collect();
        let (Some(tq), Some(qs)) = (
            cx.q(t),
            items.iter().map(|f| cx.q(f)).collect::<Option<Vec<_>>>(),
        ) else {
            continue;
        };
        let sum = Quantity::sum(&qs);
        let all_shares = items.iter().all(|f| f.links.share.is_some());
        let restated_differs = digits_differ(restated_part(&items, &[]), t.number.as_ref());
        let agreement = if restated_differs {
            Agreement::Inconsistent
        } else {
            sum.agrees(&tq)
        };
        match agreement {
            Agreement::Consistent => {
                cx.cover(std::iter::once(t.id).chain(items.iter().map(|f| f.id)));
            }
            Agreement::Inconsistent => {
                let over = sum.certainly_gt(&tq);
                // `其中` may list only some items: a smaller sum is no error,
                // unless one item's digits in the total's unit make it whole.
                if !over && !all_shares && unit_slip_part(cx, t, &items, items.len(), &tq).is_none()
                {
                    continue;
                }
                cx.cover(std::iter::once(t.id).chain(items.iter().map(|f| f.id)));
                report_sum(cx, t, &items, items.len(), &sum, &tq);
            }
            Agreement::Undefined => {}
        }
    }
}

/// The one part that is not a bare zero, when every other part is one: the
/// total then restates it, and at the same precision and unit must print
/// the same digits (`308.98 = 308.97 + 0 + 0` is wrong although the
/// rounding intervals touch). A bare `0` says there was none; `0.00` may
/// be a sum under half a cent of its unit, so it keeps the rounding rule.
/// Every subtracted item must be a bare zero too.
fn restated_part<'a>(plus: &[&'a Fact], minus: &[&Fact]) -> Option<&'a crate::document::Number> {
    let bare_zero = |f: &&Fact| {
        f.number
            .as_ref()
            .is_some_and(|n| n.value.is_zero() && n.decimals == 0)
    };
    if !minus.iter().all(bare_zero) {
        return None;
    }
    let mut others = plus.iter().filter(|f| !bare_zero(f));
    let one = others.next()?;
    others.next().is_none().then_some(one.number.as_ref()?)
}

/// Report a total that disagrees with its parts; the items after the
/// first `n_plus` are subtracted.
fn report_sum(
    cx: &mut RuleContext<'_>,
    t: &Fact,
    items: &[&Fact],
    n_plus: usize,
    sum: &Quantity,
    tq: &Quantity,
) {
    let unit = cx.unit_word(t);
    let mut formula = String::new();
    for (i, f) in items.iter().enumerate() {
        if i > 0 {
            formula.push_str(if i < n_plus { " + " } else { " − " });
        }
        formula.push_str(&format!(
            "{}{}",
            f.label,
            show(cx.q(f).map(|q| q.mid()).unwrap_or_default())
        ));
    }
    let values = [
        ("label", t.label.clone()),
        ("stated", format!("{}{unit}", show(tq.mid()))),
        ("computed", format!("{}{unit}", show(sum.mid()))),
        ("range", format!("{}{unit}", range(sum, 3))),
        ("parts", formula.clone()),
    ];
    let mut d = cx.diag(&values);
    let slip = unit_slip_part(cx, t, items, n_plus, tq);
    d.labels.push(Label::new(t.span, "合计"));
    for (i, f) in items.iter().enumerate() {
        let role = if i < n_plus { "各项之一" } else { "减项" };
        let note = if slip == Some(i) {
            format!("：单位疑误，按{}计则合计相符", written_unit(t))
        } else {
            String::new()
        };
        d.labels
            .push(Label::new(f.span, format!("{}（{role}）{note}", f.label)));
    }
    if let Some(i) = slip {
        let said = written(items[i]);
        let digits = without_unit(said);
        d.help = Some(format!(
            "“{}”写作 {said}：若为 {digits}{}，各项之和与合计相符；核对单位是否写错",
            items[i].label,
            written_unit(t),
        ));
    }
    if d.help.is_none() {
        d.help = Some(format!(
            "{} = {}{unit}，考虑四舍五入后的范围为 {}{unit}，与 {}{unit} 不符",
            formula,
            show(sum.mid()),
            range(sum, 3),
            show(tq.mid())
        ));
    }
    cx.report(d);
}

/// The unit a fact is written in (万元, 元 …).
fn written_unit(f: &Fact) -> &str {
    f.number.as_ref().map_or("", |n| n.unit.as_str())
}

/// The one item whose digits, read in the total's money unit, make the
/// total agree (项目支出66.70元 in a list in 万元): a slip of unit, not of
/// figure (NUM-01). None when no item, or more than one, would.
fn unit_slip_part(
    cx: &RuleContext<'_>,
    t: &Fact,
    items: &[&Fact],
    n_plus: usize,
    tq: &Quantity,
) -> Option<usize> {
    let unit = &t.number.as_ref()?.unit;
    if !unit.is_money() {
        return None;
    }
    let qs: Vec<Quantity> = items.iter().map(|f| cx.q(f)).collect::<Option<_>>()?;
    let mut fits = (0..items.len()).filter(|&i| {
        let Some(n) = items[i].number.as_ref() else {
            return false;
        };
        if !n.unit.is_money() || &n.unit == unit || n.value.is_zero() {
            return false;
        }
        let mut as_total = n.clone();
        as_total.unit = unit.clone();
        let Some(qi) = as_total.quantity_wan() else {
            return false;
        };
        let sum = qs.iter().enumerate().fold(Quantity::zero(), |s, (j, q)| {
            let q = if j == i { &qi } else { q };
            if j < n_plus {
                s.add(q)
            } else {
                s.sub(q)
            }
        });
        sum.agrees(tq) == Agreement::Consistent
    });
    let one = fits.next()?;
    fits.next().is_none().then_some(one)
}

/// Find a fact with one of `alts` as label near `t`: among its linked
/// items, in its paragraph, its section, then its parent section.
fn find_near<'a>(cx: &RuleContext<'a>, t: &Fact, alts: &[String]) -> Option<&'a Fact> {
    let doc = cx.doc;
    if let Some(f) = t
        .links
        .items
        .iter()
        .map(|&i| &doc.facts[i])
        .find(|f| matches_label(f, alts))
    {
        return Some(f);
    }
    // Nearest first: same paragraph, same section, same parent section,
    // then anywhere; within a rank, the closest in the text. Candidates
    // are searched by position, so large reports stay linear.
    let parent = doc.sections[t.section].parent.unwrap_or(0);
    let rank = |f: &Fact| -> u8 {
        if f.paragraph.is_some() && f.paragraph == t.paragraph {
            0
        } else if f.section == t.section {
            1
        } else if parent != 0 && doc.section_within(f.section, parent) {
            2
        } else {
            3
        }
    };
    let mut cands: Vec<&Fact> = doc
        .facts_with_labels(alts)
        .into_iter()
        .map(|i| &doc.facts[i])
        .filter(|f| f.role == Role::Value && f.id != t.id && f.kind == t.kind)
        .collect();
    cands.sort_by_key(|f| f.span.start);
    let window = if parent != 0 {
        doc.sections[parent].span
    } else {
        doc.sections[t.section].span
    };
    let lo = cands.partition_point(|f| f.span.start < window.start);
    let hi = cands.partition_point(|f| f.span.start < window.end);
    let near = cands[lo..hi]
        .iter()
        .filter(|f| cx.in_scope(f.section))
        .min_by_key(|f| (rank(f), f.span.start.abs_diff(t.span.start)))
        .copied();
    if near.is_some() {
        return near;
    }
    // Anywhere else: the closest on either side.
    let at = cands.partition_point(|f| f.span.start < t.span.start);
    let before = cands[..at].iter().rev().find(|f| cx.in_scope(f.section));
    let after = cands[at..].iter().find(|f| cx.in_scope(f.section));
    match (before, after) {
        (Some(b), Some(a)) => Some(
            if t.span.start - b.span.start <= a.span.start - t.span.start {
                b
            } else {
                a
            },
        ),
        (b, a) => b.or(a).copied(),
    }
}

fn sum_named(
    cx: &mut RuleContext<'_>,
    total: &[String],
    parts: &[Vec<String>],
    minus: &[Vec<String>],
) {
    let totals: Vec<&Fact> = cx
        .value_facts()
        .filter(|f| matches_label(f, total) && f.kind != FactKind::Change)
        .collect();
    let mut checked = false;
    let mut first_missing: Option<(String, crate::source::Span)> = None;
    for t in &totals {
        let all: Vec<&Vec<String>> = parts.iter().chain(minus).collect();
        let found: Vec<Option<&Fact>> = all.iter().map(|alts| find_near(cx, t, alts)).collect();
        if let Some(missing) = found.iter().position(|f| f.is_none()) {
            if first_missing.is_none() {
                first_missing = Some((all[missing][0].clone(), t.span));
            }
            continue;
        }
        let items: Vec<&Fact> = found.into_iter().flatten().collect();
        let (Some(tq), Some(qs)) = (
            cx.q(t),
            items.iter().map(|f| cx.q(f)).collect::<Option<Vec<_>>>(),
        ) else {
            continue;
        };
        checked = true;
        cx.cover(std::iter::once(t.id).chain(items.iter().map(|f| f.id)));
        let (plus_q, minus_q) = qs.split_at(parts.len());
        let sum = Quantity::sum(plus_q).sub(&Quantity::sum(minus_q));
        let (plus, minus) = items.split_at(parts.len());
        let restated_differs = digits_differ(restated_part(plus, minus), t.number.as_ref());
        if restated_differs || sum.agrees(&tq) == Agreement::Inconsistent {
            report_sum(cx, t, &items, parts.len(), &sum, &tq);
        }
    }
    if !checked {
        let what = format!(
            "{} = {}",
            total[0],
            parts
                .iter()
                .map(|p| p[0].as_str())
                .collect::<Vec<_>>()
                .join(" + ")
        );
        match (totals.first(), first_missing) {
            (None, _) => cx.not_checked(format!("{what}：报告中未找到“{}”", total[0]), None),
            (Some(_), Some((m, at))) => {
                cx.not_checked(format!("{what}：未找到与之对应的“{m}”"), Some(at))
            }
            (Some(t), None) => cx.not_checked(format!("{what}：数值无法比较"), Some(t.span)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::findings;

    const RULE: &str =
        "[[rule]]\nid = \"t\"\nkind = \"sum\"\nseverity = \"error\"\nmessage = \"{label}\"\n";

    #[test]
    fn items_that_exceed_their_total_are_flagged_on_the_total() {
        let text = "本年支出合计308.97万元。其中：基本支出242.27万元，项目支出76.70万元。";
        assert_eq!(findings(RULE, text), ["308.97万元"]);
    }

    #[test]
    fn items_that_add_up_are_not() {
        let text = "本年支出合计308.97万元。其中：基本支出242.27万元，项目支出66.70万元。";
        assert!(findings(RULE, text).is_empty());
    }

    #[test]
    fn rounding_is_allowed_for_and_no_more() {
        // Items printed 0.1 and 0.2 may be as small as 0.05 and 0.15: a total
        // printed 0.2 can hold them, one printed 0.1 cannot. (A total larger
        // than its items is not flagged: a 其中 list may be partial.)
        let ok = "本年支出合计0.2万元，其中：基本支出0.1万元，项目支出0.2万元。";
        let bad = "本年支出合计0.1万元，其中：基本支出0.1万元，项目支出0.2万元。";
        assert!(findings(RULE, ok).is_empty());
        assert_eq!(findings(RULE, bad), ["0.1万元"]);
    }
}
