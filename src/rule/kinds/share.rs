//! `share`: every share (`占比78.41%`) is recomputed as amount / its total
//! (a named denominator, the list's head, or the stated base), and the
//! shares of a complete list add up to 100%.

use super::percent::percent_mismatch;
use super::{range, show, RuleKind};
use crate::diagnostic::{Diagnostic, Label};
use crate::document::text::fold;
use crate::document::{Fact, FactKind, Role};
use crate::quantity::{Agreement, Quantity};
use crate::rule::compile::labels;
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub struct Share {
    pub denominator: Option<Vec<String>>,
    /// Also check that a complete list's shares add up to 100%.
    pub complete_lists: bool,
}

impl RuleKind for Share {
    const KEYS: &'static [&'static str] = &["denominator", "complete_lists"];

    fn compile(rs: &RuleSpec, _cx: &mut CompileCx) -> Option<Self> {
        Some(Share {
            denominator: rs.denominator.as_ref().map(labels),
            complete_lists: rs.complete_lists.unwrap_or(true),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        share(cx, self.denominator.as_deref(), self.complete_lists)
    }
}

fn share(cx: &mut RuleContext<'_>, denominator: Option<&[String]>, complete_lists: bool) {
    let hundred = Quantity::exact(Decimal::ONE_HUNDRED);
    let shares: Vec<&Fact> = cx
        .doc
        .facts
        .iter()
        .filter(|f| f.kind == FactKind::Share && cx.in_scope(f.section))
        .collect();
    for s in &shares {
        let Some(amount) = s.links.of.map(|i| &cx.doc.facts[i]) else {
            cx.not_checked("找不到占比所属的金额".into(), Some(s.span));
            continue;
        };
        let total = share_total(cx, s, amount, denominator);
        let Some(total) = total else {
            cx.not_checked(
                format!("找不到“{}”占比的分母（合计）", amount.label),
                Some(s.span),
            );
            continue;
        };
        let (Some(a), Some(t), Some(sq)) = (cx.q(amount), cx.q(total), s.quantity()) else {
            continue;
        };
        let computed = a.div(&t).mul(&hundred);
        if computed.is_undefined() {
            // 0 of 0: any stated share is undefined; 0% is the convention.
            continue;
        }
        cx.cover([s.id, amount.id, total.id]);
        if computed.agrees(&sq) == Agreement::Inconsistent {
            let n = s.number.as_ref().unwrap();
            let (mut d, values) = percent_mismatch(
                cx,
                &amount.label,
                "占比",
                n,
                &computed,
                &[("total", total.label.clone())],
            );
            d.labels.push(Label::new(s.span, "占比"));
            d.labels.push(Label::new(amount.span, "金额"));
            d.labels
                .push(Label::new(total.span, format!("分母：{}", total.label)));
            if d.help.is_none() {
                d.help = Some(format!(
                    "占比 = {} ÷ {} × 100% = {}，考虑四舍五入的范围 {}",
                    amount.number.as_ref().unwrap().written,
                    total.number.as_ref().unwrap().written,
                    values[2].1,
                    values[3].1
                ));
            }
            cx.report(d);
        }
    }
    if complete_lists {
        let totals: Vec<&Fact> = cx
            .value_facts()
            .filter(|f| f.links.items.len() >= 2)
            .collect();
        for t in totals {
            let items: Vec<&Fact> = t.links.items.iter().map(|&i| &cx.doc.facts[i]).collect();
            let Some(sh) = items
                .iter()
                .map(|f| f.links.share.map(|s| &cx.doc.facts[s]))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let (Some(tq), Some(iq)) = (
                cx.q(t),
                items.iter().map(|f| cx.q(f)).collect::<Option<Vec<_>>>(),
            ) else {
                continue;
            };
            // Only a complete list (its items add up to the total).
            if Quantity::sum(&iq).agrees(&tq) != Agreement::Consistent {
                continue;
            }
            let Some(sq) = sh.iter().map(|f| f.quantity()).collect::<Option<Vec<_>>>() else {
                continue;
            };
            let sum = Quantity::sum(&sq);
            if sum.agrees(&hundred) == Agreement::Inconsistent {
                let mut d = Diagnostic::new(
                    cx.rule.id.clone(),
                    cx.rule.severity,
                    format!(
                        "{}各项占比之和为 {}%，不等于 100%",
                        t.label,
                        show(sum.mid())
                    ),
                );
                for f in &sh {
                    d.labels.push(Label::new(f.span, "占比"));
                }
                d.help = Some(format!(
                    "完整列举的各项占比之和应为 100%（考虑四舍五入的范围 {}%）",
                    range(&sum, 2)
                ));
                cx.report(d);
            }
        }
    }
}

fn share_total<'a>(
    cx: &RuleContext<'a>,
    s: &Fact,
    amount: &Fact,
    denominator: Option<&[String]>,
) -> Option<&'a Fact> {
    let doc = cx.doc;
    let before = |f: &&Fact| f.span.start < s.span.start;
    if let Some(base) = s.share_base.as_deref() {
        let want = fold(base);
        let want = want.trim_start_matches("本年");
        // The nearest earlier amount so named, within the same top-level
        // section (prose facts are in document order).
        let named = |f: &&Fact| {
            let l = f.key.as_str();
            f.cell.is_none()
                && f.role == Role::Value
                && f.kind == FactKind::Amount
                && !want.is_empty()
                && (l == want
                    || l.ends_with(want)
                    || l.trim_start_matches("本年") == want
                    // `占“三公”经费的100%`: the base is the 三公经费支出.
                    || l.strip_suffix("支出") == Some(want))
        };
        let top = doc.top_section(s.section);
        let found = doc.facts[..s.id]
            .iter()
            .rev()
            .take_while(|f| f.cell.is_none() && doc.top_section(f.section) == top)
            .find(named);
        if found.is_some() {
            return found;
        }
        // `占支出总预算 P %` in a later part: the base stated once in an
        // earlier part, when every amount so named states the same figure.
        // The base is the one named exactly (`基本支出合计` is not the
        // `支出合计` of another part), and any amount whose name ends so
        // must agree with it.
        let exactly = |f: &&Fact| named(f) && f.key.trim_start_matches("本年") == want;
        let mut earlier = doc.facts[..s.id].iter().filter(named);
        let first = earlier.next()?;
        let q = cx.q(first)?;
        if earlier.all(|f| {
            cx.q(f)
                .is_some_and(|o| o.agrees(&q) == Agreement::Consistent)
        }) {
            return doc.facts[..s.id].iter().rfind(exactly);
        }
        // A named base that is not found, or not one figure: do not guess.
        return None;
    }
    if let Some(t) = amount.links.total {
        return Some(&doc.facts[t]);
    }
    if let Some(alts) = denominator {
        return doc
            .facts_with_labels(alts)
            .into_iter()
            .map(|i| &doc.facts[i])
            .filter(|f| f.role == Role::Value)
            .rfind(before);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{findings, run};

    const RULE: &str =
        "[[rule]]\nid = \"t\"\nkind = \"share\"\nseverity = \"error\"\nmessage = \"{label}\"\n";

    #[test]
    fn a_share_that_does_not_follow_from_the_amounts() {
        let text = "本年支出合计308.97万元。其中：基本支出242.27万元，占比79.41%；项目支出66.70万元，占比21.59%。";
        let found = findings(RULE, text);
        assert!(!found.is_empty(), "{:?}", run(RULE, text));
        assert!(found.iter().all(|f| f == "79.41%"), "{found:?}");
    }

    #[test]
    fn shares_within_rounding() {
        // 242.27 / 308.97 = 78.412…%, 66.70 / 308.97 = 21.587…%
        let text = "本年支出合计308.97万元。其中：基本支出242.27万元，占比78.41%；项目支出66.70万元，占比21.59%。";
        assert!(findings(RULE, text).is_empty());
    }
}
