//! `growth`: every change clause (`较上年增加17.75万元，增长6.10%`) is
//! recomputed from its amounts: rate = delta / (amount ∓ delta), direction
//! words against signs, and the deltas of a broken-down list add up.

use super::percent::percent_mismatch;
use super::{range, show, without_unit, written, RuleKind};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::document::{Direction, Fact, FactKind, Role};
use crate::quantity::{Agreement, Quantity};
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub struct Growth {
    /// Also check that the deltas of a broken-down list add up.
    pub list_deltas: bool,
}

impl RuleKind for Growth {
    const KEYS: &'static [&'static str] = &["list_deltas"];

    fn compile(rs: &RuleSpec, _cx: &mut CompileCx) -> Option<Self> {
        Some(Growth {
            list_deltas: rs.list_deltas.unwrap_or(true),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        growth(cx, self.list_deltas)
    }
}

/// Comparison bases grouped: prior year, initial budget, adjusted budget.
fn base_class(base: &str) -> &'static str {
    if base.contains("年初") {
        "initial"
    } else if base.contains("全年") || base.contains("调整") {
        "adjusted"
    } else if base.contains("预算") {
        "budget"
    } else {
        "prior"
    }
}

fn growth(cx: &mut RuleContext<'_>, list_deltas: bool) {
    let hundred = Quantity::exact(Decimal::ONE_HUNDRED);
    let changes: Vec<&Fact> = cx
        .doc
        .facts
        .iter()
        .filter(|f| f.kind == FactKind::Change && cx.in_scope(f.section))
        .collect();
    for c in &changes {
        let ch = c.change.as_ref().unwrap();
        let delta = ch.delta.map(|i| &cx.doc.facts[i]);
        let rate = ch.rate.map(|i| &cx.doc.facts[i]);
        let amount = c.links.of.map(|i| &cx.doc.facts[i]);
        // Direction words must agree with each other.
        if let Some((rd, rspan)) = ch.rate_direction {
            if rd != ch.direction
                && rd != Direction::Unchanged
                && ch.direction != Direction::Unchanged
            {
                let mut d = Diagnostic::new(
                    cx.rule.id.clone(),
                    cx.rule.severity,
                    format!(
                        "增减方向矛盾：“{}”与“{}”",
                        cx.slice(ch.direction_span),
                        cx.slice(rspan)
                    ),
                );
                d.labels.push(Label::new(rspan, "变动率的方向"));
                d.labels.push(Label::new(ch.direction_span, "变动额的方向"));
                d.help = Some("增加应与增长、上升搭配，减少应与下降、降低搭配".into());
                cx.report(d);
                continue;
            }
        }
        if ch.direction == Direction::Unchanged {
            for f in [delta, rate].into_iter().flatten() {
                if let Some(q) = f.quantity() {
                    cx.cover([f.id]);
                    if q.agrees(&Quantity::zero()) == Agreement::Inconsistent {
                        let mut d = Diagnostic::new(
                            cx.rule.id.clone(),
                            cx.rule.severity,
                            format!(
                                "“{}”却写有变动 {}",
                                cx.slice(ch.direction_span),
                                f.number.as_ref().unwrap().written
                            ),
                        );
                        d.labels.push(Label::new(f.span, "非零变动"));
                        d.labels.push(Label::new(ch.direction_span, "持平"));
                        cx.report(d);
                    }
                }
            }
            continue;
        }
        // `较上年的2190万元减少221万元`: the compared-with amount is written.
        if let Some(prior) = ch.prior.map(|i| &cx.doc.facts[i]) {
            match (amount, rate.or(delta)) {
                // `公务接待费较上年2.08减少0.03万元，减少了1.44%`: with no current
                // amount, the rate is still delta ÷ prior.
                (cur, Some(_)) if cur.is_some() || delta.is_some() && rate.is_some() => {
                    match judge_prior(cx, c, cur, prior, delta, rate) {
                        Verdict::Fits(ids) => cx.cover(ids),
                        Verdict::Wrong(ids, d) => {
                            cx.cover(ids);
                            cx.report(*d);
                        }
                        Verdict::Skip => {}
                    }
                }
                _ => cx.not_checked(
                    format!("找不到变动“{}”所对应的金额", cx.slice(c.span)),
                    Some(c.span),
                ),
            }
            continue;
        }
        let (Some(delta), Some(rate)) = (delta, rate) else {
            if let (Some(rate), None) = (rate, delta) {
                if !rate_from_inline_prior(cx, c, rate, amount) {
                    cx.not_checked(
                        format!("“{}”只有变动率，没有变动额，无法复算", c.label),
                        Some(c.span),
                    );
                }
            }
            continue;
        };
        let Some(amount) = amount else {
            cx.not_checked(
                format!("找不到变动“{}”所对应的金额", cx.slice(c.span)),
                Some(c.span),
            );
            continue;
        };
        let first = judge(cx, c, amount, delta, rate, &hundred);
        // A change after the last item of a list may be the head's: when
        // one of the two readings fits, the text is consistent; when
        // neither does, which amount it is about is not known.
        let alt = c.links.alt_of.map(|i| &cx.doc.facts[i]);
        match (first, alt) {
            (Verdict::Fits(ids), _) => cx.cover(ids),
            (Verdict::Skip, _) => {}
            (Verdict::Wrong(ids, d), None) => {
                cx.cover(ids);
                cx.report(*d);
            }
            (Verdict::Wrong(..), Some(head)) => match judge(cx, c, head, delta, rate, &hundred) {
                Verdict::Fits(ids) => cx.cover(ids),
                _ => cx.not_checked(
                    format!(
                        "“{}”写在列举之后，可能是“{}”或“{}”的变动，按两者复算均不相符，无法确定所指",
                        cx.slice(c.span),
                        amount.label,
                        head.label
                    ),
                    Some(c.span),
                ),
            },
        }
    }
    if list_deltas {
        check_list_deltas(cx);
    }
}

/// The outcome of recomputing one change against one amount.
enum Verdict {
    /// Consistent: the facts that took part.
    Fits(Vec<usize>),
    /// Inconsistent: the facts and the finding.
    Wrong(Vec<usize>, Box<Diagnostic>),
    /// Not comparable (a figure without a value).
    Skip,
}

/// Recompute a change's rate from its delta and the amount it qualifies:
/// rate = delta / (amount ∓ delta).
fn judge(
    cx: &RuleContext<'_>,
    c: &Fact,
    amount: &Fact,
    delta: &Fact,
    rate: &Fact,
    hundred: &Quantity,
) -> Verdict {
    let ch = c.change.as_ref().unwrap();
    let (Some(a), Some(dq), Some(rq)) = (cx.q(amount), cx.q(delta), rate.quantity()) else {
        return Verdict::Skip;
    };
    let ids = vec![amount.id, delta.id, rate.id];
    let base = if ch.direction == Direction::Increase {
        a.sub(&dq)
    } else {
        a.add(&dq)
    };
    if base.hi() < Decimal::ZERO {
        let mut d = cx.diag(&[
            ("label", c.label.clone()),
            ("stated", rate.number.as_ref().unwrap().written.clone()),
            ("computed", "无定义".into()),
            ("range", "—".into()),
        ]);
        d.message = format!(
            "{}的增加额 {} 大于金额 {}",
            c.label,
            delta.number.as_ref().unwrap().written,
            amount.number.as_ref().unwrap().written
        );
        d.labels.push(Label::new(delta.span, "变动额"));
        d.labels.push(Label::new(amount.span, "金额"));
        return Verdict::Wrong(ids, Box::new(d));
    }
    let computed = dq.div(&base).mul(hundred);
    if computed.is_undefined() {
        let mut d = Diagnostic::new(
            cx.rule.id.clone(),
            Severity::Info,
            format!(
                "{}的比较基数为 0，变动率 {} 无定义",
                c.label,
                rate.number.as_ref().unwrap().written
            ),
        );
        d.labels.push(Label::new(rate.span, "变动率"));
        d.labels.push(Label::new(delta.span, "变动额"));
        d.help = Some("上年（或预算）为 0 时宜写“上年无此项，增长率无可比性”".into());
        return Verdict::Wrong(ids, Box::new(d));
    }
    if computed.agrees(&rq) != Agreement::Inconsistent {
        return Verdict::Fits(ids);
    }
    let rn = rate.number.as_ref().unwrap();
    let (mut d, values) = percent_mismatch(cx, &c.label, "变动率", rn, &computed, &[]);
    // The amount or the change in another money unit than the other, whose
    // digits read in that unit give the rate (公用经费30.54元，较上年减少
    // 3.19万元，下降9.46%): a slip of unit (NUM-01).
    let slip = slip_of_unit(amount, delta, ch.direction, &rq, hundred);
    let note = |f: &Fact, what: &str| match &slip {
        Some((id, unit)) if *id == f.id => format!("{what}：单位疑误，按{unit}计则变动率相符"),
        _ => what.to_owned(),
    };
    d.labels.push(Label::new(rate.span, "变动率"));
    d.labels.push(Label::new(delta.span, note(delta, "变动额")));
    d.labels
        .push(Label::new(amount.span, note(amount, "本期金额")));
    if let Some((id, unit)) = slip {
        let f = if id == amount.id { amount } else { delta };
        let said = written(f);
        let digits = without_unit(said);
        d.help = Some(format!(
            "“{}”写作 {said}：若为 {digits}{unit}，变动率与所写相符；核对单位是否写错",
            f.label,
        ));
    }
    if d.help.is_none() {
        d.help = Some(format!(
            "变动率 = 变动额 ÷ 比较基数 = {} ÷ ({} {} {}) × 100% = {}，考虑四舍五入的范围 {}",
            delta.number.as_ref().unwrap().written,
            amount.number.as_ref().unwrap().written,
            if ch.direction == Direction::Increase {
                "−"
            } else {
                "+"
            },
            delta.number.as_ref().unwrap().written,
            values[2].1,
            values[3].1
        ));
    }
    Verdict::Wrong(ids, Box::new(d))
}

/// The amount or the delta (fact id, and the other's unit) whose digits,
/// read in the other's money unit, make the stated rate fit.
fn slip_of_unit(
    amount: &Fact,
    delta: &Fact,
    direction: Direction,
    rate: &Quantity,
    hundred: &Quantity,
) -> Option<(usize, String)> {
    let (an, dn) = (amount.number.as_ref()?, delta.number.as_ref()?);
    if an.unit == dn.unit || !an.unit.is_money() || !dn.unit.is_money() {
        return None;
    }
    let fits = |a: &Quantity, dq: &Quantity| {
        let base = if direction == Direction::Increase {
            a.sub(dq)
        } else {
            a.add(dq)
        };
        base.lo() > Decimal::ZERO
            && dq.div(&base).mul(hundred).agrees(rate) == Agreement::Consistent
    };
    let in_unit = |n: &crate::document::Number, u: &crate::document::Unit| {
        let mut m = n.clone();
        m.unit = u.clone();
        m.quantity_wan()
    };
    let (aq, dq) = (an.quantity_wan()?, dn.quantity_wan()?);
    if fits(&in_unit(an, &dn.unit)?, &dq) {
        return Some((amount.id, dn.unit.as_str().to_owned()));
    }
    if fits(&aq, &in_unit(dn, &an.unit)?) {
        return Some((delta.id, an.unit.as_str().to_owned()));
    }
    None
}

/// A change whose compared-with amount is written (`较上年的2190万元减少
/// 221万元，下降10.1%`): delta = |current − prior|, rate = delta / prior,
/// and the direction follows the sign. Without the current amount, only
/// rate = delta / prior.
fn judge_prior(
    cx: &RuleContext<'_>,
    c: &Fact,
    cur: Option<&Fact>,
    prior: &Fact,
    delta: Option<&Fact>,
    rate: Option<&Fact>,
) -> Verdict {
    let Some(before) = cx.q(prior) else {
        return Verdict::Skip;
    };
    let Some(cur) = cur else {
        let (Some(delta), Some(rate)) = (delta, rate) else {
            return Verdict::Skip;
        };
        let Some(dq) = cx.q(delta) else {
            return Verdict::Skip;
        };
        let ids = vec![prior.id, delta.id, rate.id];
        return rate_on_prior(
            cx,
            c,
            prior,
            &before,
            &dq,
            rate,
            Label::new(delta.span, "变动额"),
            ids,
        );
    };
    let ch = c.change.as_ref().unwrap();
    let Some(now) = cx.q(cur) else {
        return Verdict::Skip;
    };
    let diff = now.sub(&before);
    let mut ids = vec![cur.id, prior.id];
    ids.extend(delta.map(|f| f.id));
    ids.extend(rate.map(|f| f.id));
    let wrong_way = match ch.direction {
        Direction::Increase => diff.hi() < Decimal::ZERO,
        Direction::Decrease => diff.lo() > Decimal::ZERO,
        Direction::Unchanged => false,
    };
    if wrong_way {
        let mut d = Diagnostic::new(
            cx.rule.id.clone(),
            cx.rule.severity,
            format!(
                "{}：由 {} 变为 {}，方向与“{}”不符",
                c.label,
                written(prior),
                written(cur),
                cx.slice(ch.direction_span)
            ),
        );
        d.labels.push(Label::new(ch.direction_span, "变动方向"));
        d.labels.push(Label::new(cur.span, "本期"));
        d.labels.push(Label::new(prior.span, "比较基数"));
        return Verdict::Wrong(ids, Box::new(d));
    }
    if let Some(delta) = delta {
        let Some(dq) = cx.q(delta) else {
            return Verdict::Skip;
        };
        if diff.abs().agrees(&dq) == Agreement::Inconsistent {
            let mut d = Diagnostic::new(
                cx.rule.id.clone(),
                cx.rule.severity,
                format!(
                    "{}的变动额 {} 与 {} − {} = {} 不符",
                    c.label,
                    written(delta),
                    written(cur),
                    written(prior),
                    show(diff.mid())
                ),
            );
            d.labels.push(Label::new(delta.span, "变动额"));
            d.labels.push(Label::new(cur.span, "本期"));
            d.labels.push(Label::new(prior.span, "比较基数"));
            d.help = Some(format!(
                "本期与比较基数之差考虑四舍五入的范围为 {}",
                range(&diff.abs(), 3)
            ));
            return Verdict::Wrong(ids, Box::new(d));
        }
    }
    let Some(rate) = rate else {
        return Verdict::Fits(ids);
    };
    let numerator = delta.and_then(|d| cx.q(d)).unwrap_or(diff.abs());
    rate_on_prior(
        cx,
        c,
        prior,
        &before,
        &numerator,
        rate,
        Label::new(cur.span, "本期"),
        ids,
    )
}

/// rate = numerator ÷ prior × 100%, rounding-aware. `also` is the label
/// of the figure beside the prior (the current amount, or the delta).
#[allow(clippy::too_many_arguments)]
fn rate_on_prior(
    cx: &RuleContext<'_>,
    c: &Fact,
    prior: &Fact,
    before: &Quantity,
    numerator: &Quantity,
    rate: &Fact,
    also: Label,
    ids: Vec<usize>,
) -> Verdict {
    let Some(rq) = rate.quantity() else {
        return Verdict::Skip;
    };
    let computed = numerator
        .div(before)
        .mul(&Quantity::exact(Decimal::ONE_HUNDRED));
    if computed.is_undefined() || computed.agrees(&rq) != Agreement::Inconsistent {
        return Verdict::Fits(ids);
    }
    let rn = rate.number.as_ref().unwrap();
    let (mut d, values) = percent_mismatch(cx, &c.label, "变动率", rn, &computed, &[]);
    d.labels.push(Label::new(rate.span, "变动率"));
    d.labels.push(Label::new(prior.span, "比较基数"));
    d.labels.push(also);
    if d.help.is_none() {
        d.help = Some(format!(
            "变动率 = 变动额 ÷ 比较基数 {} × 100% = {}，考虑四舍五入的范围 {}",
            written(prior),
            values[2].1,
            values[3].1
        ));
    }
    Verdict::Wrong(ids, Box::new(d))
}

/// `2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年
/// 预算执行数减少57.14%`: a rate with no delta, the prior value stated in
/// the same sentence. Returns whether the rate could be checked.
fn rate_from_inline_prior(
    cx: &mut RuleContext<'_>,
    c: &Fact,
    rate: &Fact,
    amount: Option<&Fact>,
) -> bool {
    let Some(cur) = amount else { return false };
    let prior_words = ["执行", "上年", "去年", "上一年"];
    let priors: Vec<&Fact> = cx
        .doc
        .facts
        .iter()
        .filter(|f| f.sentence.is_some() && f.sentence == c.sentence && f.id != cur.id)
        .filter(|f| f.role == Role::Value && f.kind == FactKind::Amount)
        .filter(|f| prior_words.iter().any(|w| f.label.contains(w)))
        .collect();
    let [prior] = priors.as_slice() else {
        return false;
    };
    if prior_words.iter().any(|w| cur.label.contains(w)) {
        return false;
    }
    let (Some(now), Some(before), Some(rq)) = (cx.q(cur), cx.q(prior), rate.quantity()) else {
        return false;
    };
    let ch = c.change.as_ref().unwrap();
    let hundred = Quantity::exact(Decimal::ONE_HUNDRED);
    let diff = now.sub(&before);
    let computed = diff.abs().div(&before).mul(&hundred);
    if computed.is_undefined() {
        return false;
    }
    cx.cover([cur.id, prior.id, rate.id]);
    let wrong_way = match ch.direction {
        Direction::Increase => diff.hi() < Decimal::ZERO,
        Direction::Decrease => diff.lo() > Decimal::ZERO,
        Direction::Unchanged => false,
    };
    if wrong_way || computed.agrees(&rq) == Agreement::Inconsistent {
        let rn = rate.number.as_ref().unwrap();
        let values = [
            ("label", c.label.clone()),
            ("stated", rn.written.clone()),
            ("computed", format!("{}%", computed.mid().round_dp(2))),
            ("range", format!("{}%", range(&computed, 2))),
        ];
        let mut d = cx.diag(&values);
        if wrong_way {
            d.message = format!(
                "{}：由 {} 变为 {}，方向与“{}”不符",
                c.label,
                prior.number.as_ref().unwrap().written,
                cur.number.as_ref().unwrap().written,
                cx.slice(ch.direction_span)
            );
        }
        d.labels.push(Label::new(rate.span, "变动率"));
        d.labels.push(Label::new(cur.span, "本期"));
        d.labels.push(Label::new(prior.span, "比较基数"));
        d.help = Some(format!(
            "变动率 = |{} − {}| ÷ {} × 100% = {}，考虑四舍五入的范围 {}",
            cur.number.as_ref().unwrap().written,
            prior.number.as_ref().unwrap().written,
            prior.number.as_ref().unwrap().written,
            values[2].1,
            values[3].1
        ));
        cx.report(d);
    }
    true
}

/// The deltas of a broken-down list add up to the delta of its total,
/// for changes against the same base.
fn check_list_deltas(cx: &mut RuleContext<'_>) {
    let doc = cx.doc;
    let signed = |f: &Fact| -> Option<(String, Quantity, Option<usize>)> {
        let ch = f.change.as_ref()?;
        let base = base_class(ch.base.as_deref()?);
        let q = match (ch.direction, ch.delta) {
            (Direction::Unchanged, _) => Quantity::exact(Decimal::ZERO),
            (_, None) => return None,
            (dir, Some(d)) => {
                let q = doc.facts[d].quantity_wan()?;
                if dir == Direction::Decrease {
                    q.neg()
                } else {
                    q
                }
            }
        };
        Some((base.to_owned(), q, ch.delta))
    };
    let totals: Vec<&Fact> = cx
        .value_facts()
        .filter(|f| f.links.items.len() >= 2)
        .collect();
    for t in totals {
        for &tc in &t.links.changes {
            let Some((base, tq, tdelta)) = signed(&doc.facts[tc]) else {
                continue;
            };
            let Some(tdelta) = tdelta else { continue };
            let mut parts = Vec::new();
            for &item in &t.links.items {
                let found = doc.facts[item]
                    .links
                    .changes
                    .iter()
                    .filter_map(|&c| signed(&doc.facts[c]).map(|s| (c, s)))
                    .find(|(_, s)| s.0 == base);
                match found {
                    Some((c, s)) => parts.push((c, s.1, s.2)),
                    None => {
                        parts.clear();
                        break;
                    }
                }
            }
            if parts.len() < t.links.items.len() {
                continue;
            }
            let sum = Quantity::sum(&parts.iter().map(|p| p.1).collect::<Vec<_>>());
            cx.cover(std::iter::once(tdelta).chain(parts.iter().filter_map(|p| p.2)));
            if sum.agrees(&tq) == Agreement::Inconsistent {
                let mut d = Diagnostic::new(
                    cx.rule.id.clone(),
                    cx.rule.severity,
                    format!(
                        "{}的变动额 {} 与各分项变动额之和 {} 不符",
                        t.label,
                        show(tq.mid()),
                        show(sum.mid())
                    ),
                );
                d.labels
                    .push(Label::new(doc.facts[tdelta].span, "合计的变动额"));
                for p in &parts {
                    let span =
                        p.2.map(|d| doc.facts[d].span)
                            .unwrap_or(doc.facts[p.0].span);
                    d.labels.push(Label::new(span, "分项变动"));
                }
                d.help = Some(format!(
                    "分项变动额（增加为正、减少为负）之和为 {}，范围 {}",
                    show(sum.mid()),
                    range(&sum, 3)
                ));
                cx.report(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::findings;

    const RULE: &str =
        "[[rule]]\nid = \"t\"\nkind = \"growth\"\nseverity = \"error\"\nmessage = \"{label}\"\n";

    #[test]
    fn a_rate_that_does_not_follow_from_the_amounts() {
        let text = "本年收入合计308.97万元，较上年增加17.75万元，增长6.20%。";
        assert_eq!(findings(RULE, text), ["6.20%"]);
    }

    #[test]
    fn a_rate_that_does_within_rounding() {
        // 17.75 / (308.97 - 17.75) = 6.095…%
        let text = "本年收入合计308.97万元，较上年增加17.75万元，增长6.10%。";
        assert!(findings(RULE, text).is_empty());
    }

    #[test]
    fn a_decrease_is_divided_by_the_year_before() {
        // 10 / (90 + 10) = 10%, not 10 / 90.
        let ok = "本年支出合计90.00万元，较上年减少10.00万元，下降10.00%。";
        let bad = "本年支出合计90.00万元，较上年减少10.00万元，下降11.11%。";
        assert!(findings(RULE, ok).is_empty());
        assert_eq!(findings(RULE, bad), ["11.11%"]);
    }
}
