//! `amount-count`: an amount spent must have something it was spent on
//! (SG-06). 公务接待费 certainly above zero while every count of 接待 批次
//! the report gives is 0, or 公务用车购置费 above zero while the report says
//! no vehicle was bought, cannot both be true.
//!
//! Only that direction is judged. An amount of `0.00万元` may hide a sum
//! under 50 元, and a vehicle may be transferred rather than bought, so a
//! count without an amount is no finding.
//!
//! - amounts: prose figures (not table cells) in the rule's `scope` whose
//!   label contains one of `label`;
//! - counts: prose counts anywhere in the report whose label contains one
//!   of `counts` (a budget report states its planned purchases under
//!   国有资产, not under 三公经费);
//! - `except`: label words that keep a figure out on either side
//!   (`公务用车购置及运行维护费` is not the 购置 amount);
//! - `per`: the counts' units, when only those count (`辆`: 购置 of
//!   furniture in 套 is not a vehicle bought);
//! - in a 决算, figures labelled 预算 and not 决算 are the plan, not the
//!   year's account, and are left out on both sides.
//!
//! Without an amount or without a count the rule says "not checked".

use super::{folded_words, has_word, in_units, plan_in_final, RuleKind};
use crate::diagnostic::Label;
use crate::document::{Fact, FactKind, Role, Stage};
use crate::rule::compile::{many, CompileCx};
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;

#[derive(Debug, Clone)]
pub struct AmountCount {
    /// Amount label words.
    label: Vec<String>,
    /// Count label words.
    counts: Vec<String>,
    /// Label words that keep a figure out.
    except: Vec<String>,
    /// The counts' units (`辆`), when only those count; empty: any unit.
    per: Vec<String>,
}

impl RuleKind for AmountCount {
    const KEYS: &'static [&'static str] = &["label", "counts", "except", "per"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let label = folded_words(many(&rs.label));
        let counts = folded_words(many(&rs.counts));
        if label.is_empty() || counts.is_empty() {
            cx.err(
                &rs.kind,
                "an amount-count rule needs `label` (the amount) and `counts` (what it pays for)",
                "this rule",
                "label = \"公务接待费\"\ncounts = [\"公务接待\", \"接待\"]",
            );
            return None;
        }
        Some(AmountCount {
            label,
            counts,
            except: folded_words(many(&rs.except)),
            per: rs.per.clone().unwrap_or_default(),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        let doc = std::sync::Arc::clone(cx.doc);
        let is_final = doc.kind.stage == Some(Stage::Final);
        let usable = |f: &Fact, words: &[String]| {
            f.role == Role::Value
                && f.cell.is_none()
                && f.number.is_some()
                && has_word(&f.key, words)
                && !has_word(&f.key, &self.except)
                && !plan_in_final(is_final, f)
        };
        let amounts: Vec<&Fact> = doc
            .facts
            .iter()
            .filter(|f| f.kind == FactKind::Amount && cx.in_scope(f.section))
            .filter(|f| usable(f, &self.label))
            .collect();
        let counts: Vec<&Fact> = doc
            .facts
            .iter()
            .filter(|f| f.kind == FactKind::Count && usable(f, &self.counts))
            .filter(|f| in_units(f, &self.per))
            .collect();
        let Some(first) = amounts.first() else {
            cx.not_checked(format!("没有找到名称含“{}”的金额", self.label[0]), None);
            return;
        };
        if counts.is_empty() {
            cx.not_checked(
                format!(
                    "没有找到与“{}”对应的数量（名称含“{}”）",
                    first.label,
                    self.counts.join("”“")
                ),
                Some(first.span),
            );
            return;
        }
        cx.cover(amounts.iter().chain(&counts).map(|f| f.id));
        let spent = amounts.iter().find(|f| {
            cx.q(f)
                .is_some_and(|q| q.lo() > rust_decimal::Decimal::ZERO)
        });
        let Some(spent) = spent else {
            return;
        };
        if counts
            .iter()
            .any(|c| c.value().is_none_or(|v| !v.is_zero()))
        {
            return;
        }
        let shown: Vec<String> = counts
            .iter()
            .map(|c| format!("{}{}", c.label, cx.slice(c.span)))
            .collect();
        let mut d = cx.diag(&[
            ("label", spent.label.clone()),
            ("stated", cx.slice(spent.span)),
            ("other", shown.join("，")),
        ]);
        d.labels.push(Label::new(spent.span, "金额大于零"));
        for c in counts.iter().take(4) {
            d.labels.push(Label::new(c.span, "数量为零"));
        }
        cx.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::text::fold;

    #[test]
    fn words_match_labels_written_in_either_width_and_with_spaces() {
        let words = folded_words(vec!["因公出国（境）".into(), " ".into()]);
        assert_eq!(
            words.len(),
            1,
            "a blank word is dropped, not matched everywhere"
        );
        assert!(has_word(&fold("安排因公出国(境) 团组"), &words));
        assert!(!has_word(&fold("公务接待"), &words));
    }
}
