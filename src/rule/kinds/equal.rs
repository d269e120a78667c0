//! `equal`: figures that must be equal (收入总计 = 支出总计), and figures
//! stated several times that must agree with each other.

use super::{digits_differ, matches_label, range, show, unit_slip, written, RuleKind};
use crate::diagnostic::Label;
use crate::document::{Fact, FactKind};
use crate::quantity::{Agreement, Quantity};
use crate::rule::compile::{groups, many, CompileCx};
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Equal {
    /// Groups of alternative labels; all must agree.
    pub labels: Vec<Vec<String>>,
    /// Labels each checked on its own: all mentions of it agree.
    pub each: Vec<String>,
}

impl RuleKind for Equal {
    const KEYS: &'static [&'static str] = &["labels", "label"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let labels = groups(&rs.labels);
        let each = many(&rs.label);
        if labels.is_empty() && each.is_empty() {
            cx.err(&rs.kind, "an `equal` rule needs `label` (figures each stated several times) or `labels` (figures that must be equal)", "this kind", "add `labels = [\"收入总计\", \"支出总计\"]`");
        }
        Some(Equal { labels, each })
    }

    fn run(&self, cx: &mut RuleContext) {
        if !self.labels.is_empty() {
            equal(cx, &self.labels)
        }
        for l in &self.each {
            equal(cx, &[vec![l.clone()]]);
        }
    }
}

fn equal(cx: &mut RuleContext<'_>, groups: &[Vec<String>]) {
    let facts: Vec<&Fact> = cx
        .value_facts()
        .filter(|f| matches!(f.kind, FactKind::Amount | FactKind::Count))
        .filter(|f| groups.iter().any(|g| matches_label(f, g)))
        .collect();
    if groups.len() > 1 {
        let present = groups
            .iter()
            .filter(|g| facts.iter().any(|f| matches_label(f, g)))
            .count();
        if present < groups.len() {
            let names: Vec<&str> = groups.iter().map(|g| g[0].as_str()).collect();
            cx.not_checked(
                format!("{}：报告中未同时出现这些项目", names.join(" = ")),
                facts.first().map(|f| f.span),
            );
            return;
        }
    }
    if facts.len() < 2 {
        return;
    }
    // One label stated several times: compare within a top-level section,
    // since the same words can name figures of different scope elsewhere.
    let single = groups.len() == 1;
    let top = |f: &Fact| -> usize {
        let mut s = f.section;
        while let Some(p) = cx.doc.sections[s].parent {
            if p == 0 || cx.doc.sections[s].level <= 2 {
                break;
            }
            s = p;
        }
        s
    };
    // An item of a `其中` list is that list's figure: `其中：基本支出0元，项目
    // 支出P元` written under each of several items are different figures.
    // Items compare with items of the same total (same label, same value:
    // a restated total); a figure outside any list compares with them only
    // when every such item in the section breaks down that one total.
    let head_of = |f: &Fact| -> Option<(String, String)> {
        let h = &cx.doc.facts[f.links.total?];
        Some((
            h.key.clone(),
            h.number.as_ref().map(|n| n.value.normalize().to_string())?,
        ))
    };
    let mut heads: HashMap<usize, Vec<(String, String)>> = HashMap::new();
    for f in &facts {
        if let Some(h) = head_of(f) {
            let seen = heads.entry(if single { top(f) } else { 0 }).or_default();
            if !seen.contains(&h) {
                seen.push(h);
            }
        }
    }
    let mut clusters: HashMap<(usize, usize), Vec<&Fact>> = HashMap::new();
    for f in &facts {
        let t = if single { top(f) } else { 0 };
        let split = single && heads.get(&t).is_some_and(|h| h.len() > 1);
        let sub = match head_of(f).filter(|_| split) {
            Some(h) => 1 + heads[&t].iter().position(|x| *x == h).unwrap_or(0),
            None => 0,
        };
        clusters.entry((t, sub)).or_default().push(f);
    }
    let mut keys: Vec<(usize, usize)> = clusters.keys().copied().collect();
    keys.sort();
    for k in keys {
        let fs = &clusters[&k];
        if fs.len() < 2 {
            continue;
        }
        let qs: Vec<Quantity> = fs.iter().filter_map(|f| cx.q(f)).collect();
        if qs.len() != fs.len() {
            continue;
        }
        // Disagree: intervals apart, or the same precision and unit with
        // other digits (a restatement rounded alike prints the same digits).
        let differ = |i: usize, j: usize| {
            qs[i].agrees(&qs[j]) == Agreement::Inconsistent
                || digits_differ(fs[i].number.as_ref(), fs[j].number.as_ref())
        };
        let agree =
            |i: usize, j: usize| qs[i].agrees(&qs[j]) == Agreement::Consistent && !differ(i, j);
        // The reference: the figure most others agree with (earliest on ties).
        let best = (0..fs.len())
            .max_by_key(|&i| {
                (
                    (0..fs.len()).filter(|&j| agree(j, i)).count(),
                    usize::MAX - i,
                )
            })
            .unwrap_or(0);
        cx.cover(fs.iter().map(|f| f.id));
        for i in 0..fs.len() {
            if !differ(i, best) {
                continue;
            }
            let unit = cx.unit_word(fs[i]);
            let values = [
                ("label", fs[i].label.clone()),
                ("stated", format!("{}{unit}", show(qs[i].mid()))),
                ("computed", format!("{}{unit}", show(qs[best].mid()))),
                ("other", fs[best].label.clone()),
                ("range", range(&qs[best], 2)),
            ];
            let mut d = cx.diag(&values);
            // The same digits in another unit (NUM-01): say so, the reader
            // would otherwise look for a wrong number.
            let slip = unit_slip(fs[i].number.as_ref(), fs[best].number.as_ref());
            let own = match &slip {
                Some(u) => format!("{}：单位疑误，另一处为同一数字的{u}", fs[i].label),
                None => fs[i].label.clone(),
            };
            d.labels.push(Label::new(fs[i].span, own));
            d.labels.push(Label::new(
                fs[best].span,
                format!("{}（应与之相等）", fs[best].label),
            ));
            if let Some(u) = slip {
                d.help = Some(format!(
                    "“{}”一处写作 {}，另一处为 {}：数字相同而单位不同（另一处为{u}），核对单位是否写错",
                    fs[i].label,
                    written(fs[i]),
                    written(fs[best]),
                ));
            }
            cx.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{findings, run};

    const RULE: &str = "[[rule]]\nid = \"t\"\nkind = \"equal\"\nseverity = \"error\"\nmessage = \"{label}\"\nlabels = [[\"收入总计\"], [\"支出总计\"]]\n";

    #[test]
    fn two_figures_that_must_be_equal_and_are_not() {
        let text = "2024年度收入总计99278.25万元，支出总计99598.25万元。";
        assert_eq!(findings(RULE, text), ["99598.25万元"]);
    }

    #[test]
    fn one_step_apart_at_the_same_precision_is_two_figures() {
        // The rounding intervals touch, but a figure restated at the same
        // precision in the same unit must print the same digits.
        let text = "2024年度收入总计308.97万元，支出总计308.98万元。";
        assert_eq!(findings(RULE, text), ["308.98万元"]);
    }

    #[test]
    fn the_same_amount_in_another_unit_agrees_within_rounding() {
        let text = "2024年度收入总计3,089,750.00元，支出总计308.98万元。";
        assert!(findings(RULE, text).is_empty());
    }

    #[test]
    fn without_both_figures_it_says_not_checked() {
        let (found, notes) = run(RULE, "2024年度收入总计308.97万元。");
        assert!(found.is_empty());
        assert_eq!(notes.len(), 1, "{notes:?}");
    }
}
