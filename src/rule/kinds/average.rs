//! `average`: a per-head or per-vehicle figure (人均接待费, 车均运行费) is its
//! amount divided by its count (SG-06), rounding-aware on both sides.
//!
//! - `label`: the average's label words (`人均接待费`);
//! - `total`: the amount's label words (`公务接待费`);
//! - `counts`: the count's label words, `per`: the count's units (`人次`,
//!   `人`: 人均 divides by people, not by 批次);
//! - `except`: label words that keep an amount or count out (外宾).
//!
//! The figures are looked for in the rule's `scope`. The amount and the
//! count must each be stated once, or restated with one value; two
//! different candidates is ambiguity, and the rule says "not checked"
//! rather than pick one. Over a count of zero the average is undefined,
//! never a division: a stated average above zero is then the finding, and
//! an average of 0 is left alone.

use super::{folded_words, has_word, in_units, plan_in_final, range, show, RuleKind};
use crate::diagnostic::Label;
use crate::document::{Fact, FactKind, Role, Stage};
use crate::quantity::{Agreement, Quantity};
use crate::rule::compile::{many, CompileCx};
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub struct Average {
    label: Vec<String>,
    total: Vec<String>,
    counts: Vec<String>,
    per: Vec<String>,
    except: Vec<String>,
}

impl RuleKind for Average {
    const KEYS: &'static [&'static str] = &["label", "total", "counts", "per", "except"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let label = folded_words(many(&rs.label));
        let total = folded_words(many(&rs.total));
        let counts = folded_words(many(&rs.counts));
        if label.is_empty() || total.is_empty() || counts.is_empty() {
            cx.err(
                &rs.kind,
                "an average rule needs `label` (the average), `total` (the amount) and `counts` (what it is divided by)",
                "this rule",
                "label = \"人均接待费\"\ntotal = \"公务接待费\"\ncounts = \"接待\"\nper = [\"人次\", \"人\"]",
            );
            return None;
        }
        Some(Average {
            label,
            total,
            counts,
            per: rs.per.clone().unwrap_or_default(),
            except: folded_words(many(&rs.except)),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        let doc = std::sync::Arc::clone(cx.doc);
        let is_final = doc.kind.stage == Some(Stage::Final);
        // A 决算's 预算 figures are the plan, not what the average is of.
        let prose = |f: &&Fact| {
            f.role == Role::Value
                && f.cell.is_none()
                && f.number.is_some()
                && cx.in_scope(f.section)
                && !has_word(&f.key, &self.except)
                && !plan_in_final(is_final, f)
        };
        let averages: Vec<&Fact> = doc
            .facts
            .iter()
            .filter(prose)
            .filter(|f| f.kind == FactKind::Amount && has_word(&f.key, &self.label))
            .collect();
        if averages.is_empty() {
            return; // Most reports state no average: nothing to check.
        }
        let totals: Vec<&Fact> = doc
            .facts
            .iter()
            .filter(prose)
            .filter(|f| f.kind == FactKind::Amount && has_word(&f.key, &self.total))
            .filter(|f| !has_word(&f.key, &self.label))
            .collect();
        let counts: Vec<&Fact> = doc
            .facts
            .iter()
            .filter(prose)
            .filter(|f| f.kind == FactKind::Count && has_word(&f.key, &self.counts))
            .filter(|f| in_units(f, &self.per))
            .collect();
        let at = Some(averages[0].span);
        let Some(total) = one_value(&totals) else {
            cx.not_checked(why("金额", &totals, &averages[0].label), at);
            return;
        };
        let Some(count) = one_value(&counts) else {
            cx.not_checked(why("数量", &counts, &averages[0].label), at);
            return;
        };
        // A count is a whole number, exact: 2辆 is not 1.5 to 2.5.
        let (Some(tq), Some(cq)) = (total.quantity_wan(), count.value().map(Quantity::exact))
        else {
            return;
        };
        cx.cover(averages.iter().map(|f| f.id).chain([total.id, count.id]));
        for avg in &averages {
            let Some(aq) = avg.quantity_wan() else {
                continue;
            };
            let zero_count = count.value().is_some_and(|v| v.is_zero());
            let computed = if zero_count { None } else { Some(tq.div(&cq)) };
            let wrong = match &computed {
                // Undefined: only a stated average above zero is wrong.
                None => aq.lo() > Decimal::ZERO,
                Some(c) => c.agrees(&aq) == Agreement::Inconsistent,
            };
            if !wrong {
                continue;
            }
            let scale = |q: &Quantity| {
                // The average's own unit: 元 figures shown in 元.
                let per_yuan = avg.number.as_ref().is_some_and(|n| n.unit.as_str() == "元");
                if per_yuan {
                    q.mul(&Quantity::exact(Decimal::from(10_000)))
                } else {
                    *q
                }
            };
            let unit = avg.number.as_ref().map_or("", |n| n.unit.as_str());
            let (shown, range_shown) = match &computed {
                Some(c) => (
                    format!("{}{unit}", show(scale(c).mid().round_dp(2))),
                    format!("{}{unit}", range(&scale(c), 2)),
                ),
                None => ("无定义（数量为零）".to_owned(), "—".to_owned()),
            };
            let mut d = cx.diag(&[
                ("label", avg.label.clone()),
                ("stated", cx.slice(avg.span)),
                ("computed", shown),
                ("range", range_shown),
                ("total", cx.slice(total.span)),
                ("other", cx.slice(count.span)),
            ]);
            d.labels.push(Label::new(avg.span, "平均数"));
            d.labels.push(Label::new(total.span, total.label.clone()));
            d.labels.push(Label::new(count.span, count.label.clone()));
            cx.report(d);
        }
    }
}

/// The one figure of these, or `None` when there is none or when they
/// disagree (two candidates: the rule will not guess).
fn one_value<'a>(facts: &[&'a Fact]) -> Option<&'a Fact> {
    let first = *facts.first()?;
    let q = first.quantity_wan().or_else(|| first.quantity())?;
    facts
        .iter()
        .all(|f| {
            f.quantity_wan()
                .or_else(|| f.quantity())
                .is_some_and(|o| o.agrees(&q) == Agreement::Consistent)
        })
        .then_some(first)
}

fn why(what: &str, found: &[&Fact], avg: &str) -> String {
    if found.is_empty() {
        format!("没有找到“{avg}”所依据的{what}")
    } else {
        format!("“{avg}”所依据的{what}有多个不同的数字，无法确定")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::text::fold;
    use crate::document::{Number, Unit};

    fn fact(label: &str, digits: &str, unit: Unit) -> Fact {
        Fact {
            id: 0,
            kind: FactKind::Amount,
            role: Role::Value,
            label: label.into(),
            key: fold(label),
            number: Number::parse(digits, unit, digits),
            span: Default::default(),
            section: 0,
            paragraph: None,
            sentence: None,
            links: Default::default(),
            change: None,
            share_base: None,
            cell: None,
        }
    }

    #[test]
    fn one_value_abstains_on_two_different_candidates() {
        let a = fact("公务接待费", "1.20", Unit::WanYuan);
        let b = fact("公务接待费支出", "1.20", Unit::WanYuan);
        let c = fact("国内公务接待费", "0.80", Unit::WanYuan);
        assert!(one_value(&[&a, &b]).is_some(), "a restatement is one value");
        assert!(one_value(&[&a, &c]).is_none(), "two values: no guess");
        assert!(one_value(&[]).is_none());
    }
}
