//! Running one compiled rule over one document.
//!
//! Every numeric kind compares quantities (intervals), never a tolerance.
//! A rule that cannot find its inputs says so with an `info` diagnostic of
//! outcome `NotChecked` ("未能核对"), never silence.

use super::{interpolate, Kind, Rule};
use crate::diagnostic::{Diagnostic, Label, Outcome, Severity};
use crate::document::text::fold;
use crate::document::{Direction, Document, Fact, FactKind, Role, RowKind};
use crate::quantity::{Agreement, Quantity};
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// What one rule found on one document.
#[derive(Debug, Default)]
pub struct RuleResult {
    pub diagnostics: Vec<Diagnostic>,
    /// Facts that took part in a completed check.
    pub covered: BTreeSet<usize>,
}

struct Run<'a> {
    rule: &'a Rule,
    doc: &'a Document,
    text: &'a str,
    out: RuleResult,
}

pub fn run(rule: &Rule, doc: &Arc<Document>, text: &Arc<str>) -> RuleResult {
    let mut r = Run {
        rule,
        doc,
        text,
        out: RuleResult::default(),
    };
    match &rule.kind {
        Kind::Sum {
            total,
            parts,
            minus,
        } => {
            if parts.is_empty() {
                r.sum_linked(total)
            } else {
                r.sum_named(total, parts, minus)
            }
        }
        Kind::Equal { labels, each } => {
            if !labels.is_empty() {
                r.equal(labels)
            }
            for l in each {
                r.equal(&[vec![l.clone()]]);
            }
        }
        Kind::Growth { list_deltas } => r.growth(*list_deltas),
        Kind::Share {
            denominator,
            complete_lists,
        } => r.share(denominator.as_deref(), *complete_lists),
        Kind::Require {
            pattern,
            heading,
            when,
            unless,
        } => r.require(
            pattern.as_ref(),
            heading.as_deref(),
            when.as_ref(),
            unless.as_ref(),
        ),
        Kind::Forbid {
            pattern,
            unless,
            sentences,
        } => {
            if *sentences {
                r.forbid_sentences(pattern, unless.as_ref())
            } else {
                r.forbid(pattern, unless.as_ref())
            }
        }
        Kind::Numbering { sequence, style } => r.numbering(*sequence, *style),
        Kind::TableRow {
            table,
            expr,
            row_filter,
            exact,
        } => r.table_row(table, expr, row_filter.as_deref(), exact),
        Kind::Script(script) => r.out = super::script::run(rule, script, doc, text),
        Kind::Tables(k) => super::tables::run(k, rule, doc, text, &mut r.out),
    }
    r.out
}

/// Show a decimal without trailing zeros beyond what matters.
fn show(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The range a computed quantity allows, to `dp` decimals.
fn range(q: &Quantity, dp: u32) -> String {
    q.display_range(dp.max(2))
}

fn matches_label(f: &Fact, alts: &[String]) -> bool {
    let l = fold(&f.label);
    alts.iter().any(|a| fold(a) == l)
}

impl<'a> Run<'a> {
    fn in_scope(&self, section: usize) -> bool {
        if self.rule.scope.is_empty() {
            return true;
        }
        let joined = self
            .doc
            .path_keys
            .get(section)
            .map(String::as_str)
            .unwrap_or("");
        self.rule
            .scope
            .iter()
            .any(|s| joined.contains(fold(s).as_str()))
    }

    fn value_facts(&self) -> impl Iterator<Item = &'a Fact> + '_ {
        self.doc
            .facts
            .iter()
            .filter(|f| f.role == Role::Value && self.in_scope(f.section))
    }

    fn q(&self, f: &Fact) -> Option<Quantity> {
        f.quantity_wan().or_else(|| f.quantity())
    }

    fn unit_word(&self, f: &Fact) -> &'static str {
        if f.number.as_ref().is_some_and(|n| n.unit.is_money()) {
            "万元"
        } else {
            ""
        }
    }

    fn diag(&self, values: &[(&str, String)]) -> Diagnostic {
        let mut d = Diagnostic::new(
            self.rule.id.clone(),
            self.rule.severity,
            interpolate(&self.rule.message, values),
        );
        d.help = self.rule.help.as_ref().map(|h| interpolate(h, values));
        d
    }

    fn not_checked(&mut self, reason: String, at: Option<crate::source::Span>) {
        let mut d = Diagnostic::new(
            self.rule.id.clone(),
            Severity::Info,
            format!("未能核对：{reason}"),
        )
        .with_outcome(Outcome::NotChecked);
        if let Some(s) = at {
            d.labels.push(Label::bare(s));
        }
        self.out.diagnostics.push(d);
    }

    fn cover(&mut self, ids: impl IntoIterator<Item = usize>) {
        self.out.covered.extend(ids);
    }

    // ---- sum -------------------------------------------------------------

    fn sum_linked(&mut self, total_filter: &[String]) {
        let totals: Vec<&Fact> = self
            .value_facts()
            .filter(|f| f.links.items.len() >= 2)
            .filter(|f| total_filter.is_empty() || matches_label(f, total_filter))
            .collect();
        for t in totals {
            let items: Vec<&Fact> = t.links.items.iter().map(|&i| &self.doc.facts[i]).collect();
            let (Some(tq), Some(qs)) = (
                self.q(t),
                items.iter().map(|f| self.q(f)).collect::<Option<Vec<_>>>(),
            ) else {
                continue;
            };
            let sum = Quantity::sum(&qs);
            let all_shares = items.iter().all(|f| f.links.share.is_some());
            match sum.agrees(&tq) {
                Agreement::Consistent => {
                    self.cover(std::iter::once(t.id).chain(items.iter().map(|f| f.id)));
                }
                Agreement::Inconsistent => {
                    let over = sum.certainly_gt(&tq);
                    if !over && !all_shares {
                        // `其中` may list only some items: a smaller sum is no error.
                        continue;
                    }
                    self.cover(std::iter::once(t.id).chain(items.iter().map(|f| f.id)));
                    self.report_sum(t, &items, items.len(), &sum, &tq);
                }
                Agreement::Undefined => {}
            }
        }
    }

    /// Report a total that disagrees with its parts; the items after the
    /// first `n_plus` are subtracted.
    fn report_sum(
        &mut self,
        t: &Fact,
        items: &[&Fact],
        n_plus: usize,
        sum: &Quantity,
        tq: &Quantity,
    ) {
        let unit = self.unit_word(t);
        let mut formula = String::new();
        for (i, f) in items.iter().enumerate() {
            if i > 0 {
                formula.push_str(if i < n_plus { " + " } else { " − " });
            }
            formula.push_str(&format!(
                "{}{}",
                f.label,
                show(self.q(f).map(|q| q.mid()).unwrap_or_default())
            ));
        }
        let values = [
            ("label", t.label.clone()),
            ("stated", format!("{}{unit}", show(tq.mid()))),
            ("computed", format!("{}{unit}", show(sum.mid()))),
            ("range", format!("{}{unit}", range(sum, 3))),
            ("parts", formula.clone()),
        ];
        let mut d = self.diag(&values);
        d.labels.push(Label::new(t.span, "合计"));
        for (i, f) in items.iter().enumerate() {
            let role = if i < n_plus { "各项之一" } else { "减项" };
            d.labels
                .push(Label::new(f.span, format!("{}（{role}）", f.label)));
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
        self.out.diagnostics.push(d);
    }

    /// Find a fact with one of `alts` as label near `t`: among its linked
    /// items, in its paragraph, its section, then its parent section.
    fn find_near(&self, t: &Fact, alts: &[String]) -> Option<&'a Fact> {
        let doc = self.doc;
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
            .filter(|f| self.in_scope(f.section))
            .min_by_key(|f| (rank(f), f.span.start.abs_diff(t.span.start)))
            .copied();
        if near.is_some() {
            return near;
        }
        // Anywhere else: the closest on either side.
        let at = cands.partition_point(|f| f.span.start < t.span.start);
        let before = cands[..at].iter().rev().find(|f| self.in_scope(f.section));
        let after = cands[at..].iter().find(|f| self.in_scope(f.section));
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

    fn sum_named(&mut self, total: &[String], parts: &[Vec<String>], minus: &[Vec<String>]) {
        let totals: Vec<&Fact> = self
            .value_facts()
            .filter(|f| matches_label(f, total) && f.kind != FactKind::Change)
            .collect();
        let mut checked = false;
        let mut first_missing: Option<(String, crate::source::Span)> = None;
        for t in &totals {
            let all: Vec<&Vec<String>> = parts.iter().chain(minus).collect();
            let found: Vec<Option<&Fact>> =
                all.iter().map(|alts| self.find_near(t, alts)).collect();
            if let Some(missing) = found.iter().position(|f| f.is_none()) {
                if first_missing.is_none() {
                    first_missing = Some((all[missing][0].clone(), t.span));
                }
                continue;
            }
            let items: Vec<&Fact> = found.into_iter().flatten().collect();
            let (Some(tq), Some(qs)) = (
                self.q(t),
                items.iter().map(|f| self.q(f)).collect::<Option<Vec<_>>>(),
            ) else {
                continue;
            };
            checked = true;
            self.cover(std::iter::once(t.id).chain(items.iter().map(|f| f.id)));
            let (plus_q, minus_q) = qs.split_at(parts.len());
            let sum = Quantity::sum(plus_q).sub(&Quantity::sum(minus_q));
            if sum.agrees(&tq) == Agreement::Inconsistent {
                self.report_sum(t, &items, parts.len(), &sum, &tq);
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
                (None, _) => self.not_checked(format!("{what}：报告中未找到“{}”", total[0]), None),
                (Some(_), Some((m, at))) => {
                    self.not_checked(format!("{what}：未找到与之对应的“{m}”"), Some(at))
                }
                (Some(t), None) => self.not_checked(format!("{what}：数值无法比较"), Some(t.span)),
            }
        }
    }

    // ---- equal -----------------------------------------------------------

    fn equal(&mut self, groups: &[Vec<String>]) {
        let facts: Vec<&Fact> = self
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
                self.not_checked(
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
            while let Some(p) = self.doc.sections[s].parent {
                if p == 0 || self.doc.sections[s].level <= 2 {
                    break;
                }
                s = p;
            }
            s
        };
        let mut clusters: HashMap<usize, Vec<&Fact>> = HashMap::new();
        for f in &facts {
            clusters
                .entry(if single { top(f) } else { 0 })
                .or_default()
                .push(f);
        }
        let mut keys: Vec<usize> = clusters.keys().copied().collect();
        keys.sort();
        for k in keys {
            let fs = &clusters[&k];
            if fs.len() < 2 {
                continue;
            }
            let qs: Vec<Quantity> = fs.iter().filter_map(|f| self.q(f)).collect();
            if qs.len() != fs.len() {
                continue;
            }
            // The reference: the figure most others agree with (earliest on ties).
            let best = (0..fs.len())
                .max_by_key(|&i| {
                    (
                        qs.iter()
                            .filter(|q| q.agrees(&qs[i]) == Agreement::Consistent)
                            .count(),
                        usize::MAX - i,
                    )
                })
                .unwrap_or(0);
            self.cover(fs.iter().map(|f| f.id));
            for i in 0..fs.len() {
                if qs[i].agrees(&qs[best]) != Agreement::Inconsistent {
                    continue;
                }
                let unit = self.unit_word(fs[i]);
                let values = [
                    ("label", fs[i].label.clone()),
                    ("stated", format!("{}{unit}", show(qs[i].mid()))),
                    ("computed", format!("{}{unit}", show(qs[best].mid()))),
                    ("other", fs[best].label.clone()),
                    ("range", range(&qs[best], 2)),
                ];
                let mut d = self.diag(&values);
                d.labels.push(Label::new(fs[i].span, fs[i].label.clone()));
                d.labels.push(Label::new(
                    fs[best].span,
                    format!("{}（应与之相等）", fs[best].label),
                ));
                self.out.diagnostics.push(d);
            }
        }
    }

    // ---- growth ----------------------------------------------------------

    fn growth(&mut self, list_deltas: bool) {
        let hundred = Quantity::exact(Decimal::ONE_HUNDRED);
        let changes: Vec<&Fact> = self
            .doc
            .facts
            .iter()
            .filter(|f| f.kind == FactKind::Change && self.in_scope(f.section))
            .collect();
        for c in &changes {
            let ch = c.change.as_ref().unwrap();
            let delta = ch.delta.map(|i| &self.doc.facts[i]);
            let rate = ch.rate.map(|i| &self.doc.facts[i]);
            let amount = c.links.of.map(|i| &self.doc.facts[i]);
            // Direction words must agree with each other.
            if let Some((rd, rspan)) = ch.rate_direction {
                if rd != ch.direction
                    && rd != Direction::Unchanged
                    && ch.direction != Direction::Unchanged
                {
                    let mut d = Diagnostic::new(
                        self.rule.id.clone(),
                        self.rule.severity,
                        format!(
                            "增减方向矛盾：“{}”与“{}”",
                            self.slice(ch.direction_span),
                            self.slice(rspan)
                        ),
                    );
                    d.labels.push(Label::new(rspan, "变动率的方向"));
                    d.labels.push(Label::new(ch.direction_span, "变动额的方向"));
                    d.help = Some("增加应与增长、上升搭配，减少应与下降、降低搭配".into());
                    self.out.diagnostics.push(d);
                    continue;
                }
            }
            if ch.direction == Direction::Unchanged {
                for f in [delta, rate].into_iter().flatten() {
                    if let Some(q) = f.quantity() {
                        self.cover([f.id]);
                        if q.agrees(&Quantity::zero()) == Agreement::Inconsistent {
                            let mut d = Diagnostic::new(
                                self.rule.id.clone(),
                                self.rule.severity,
                                format!(
                                    "“{}”却写有变动 {}",
                                    self.slice(ch.direction_span),
                                    f.number.as_ref().unwrap().written
                                ),
                            );
                            d.labels.push(Label::new(f.span, "非零变动"));
                            d.labels.push(Label::new(ch.direction_span, "持平"));
                            self.out.diagnostics.push(d);
                        }
                    }
                }
                continue;
            }
            let (Some(delta), Some(rate)) = (delta, rate) else {
                if let (Some(rate), None) = (rate, delta) {
                    if !self.rate_from_inline_prior(c, rate, amount) {
                        self.not_checked(
                            format!("“{}”只有变动率，没有变动额，无法复算", c.label),
                            Some(c.span),
                        );
                    }
                }
                continue;
            };
            let Some(amount) = amount else {
                self.not_checked(
                    format!("找不到变动“{}”所对应的金额", self.slice(c.span)),
                    Some(c.span),
                );
                continue;
            };
            let (Some(a), Some(dq), Some(rq)) = (self.q(amount), self.q(delta), rate.quantity())
            else {
                continue;
            };
            let base = if ch.direction == Direction::Increase {
                a.sub(&dq)
            } else {
                a.add(&dq)
            };
            self.cover([amount.id, delta.id, rate.id]);
            if base.hi() < Decimal::ZERO {
                let mut d = self.diag(&[
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
                self.out.diagnostics.push(d);
                continue;
            }
            let computed = dq.div(&base).mul(&hundred);
            if computed.is_undefined() {
                let mut d = Diagnostic::new(
                    self.rule.id.clone(),
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
                self.out.diagnostics.push(d);
                continue;
            }
            let agree = computed.agrees(&rq);
            if agree == Agreement::Inconsistent {
                let rn = rate.number.as_ref().unwrap();
                let (mut d, values) = self.percent_mismatch(&c.label, "变动率", rn, &computed, &[]);
                d.labels.push(Label::new(rate.span, "变动率"));
                d.labels.push(Label::new(delta.span, "变动额"));
                d.labels.push(Label::new(amount.span, "本期金额"));
                if d.help.is_none() {
                    d.help = Some(format!(
                        "变动率 = 变动额 ÷ 比较基数 = {} ÷ ({} {} {}) × 100% = {}，考虑四舍五入的范围 {}",
                        delta.number.as_ref().unwrap().written,
                        amount.number.as_ref().unwrap().written,
                        if ch.direction == Direction::Increase { "−" } else { "+" },
                        delta.number.as_ref().unwrap().written,
                        values[2].1,
                        values[3].1
                    ));
                }
                self.out.diagnostics.push(d);
            }
        }
        if list_deltas {
            self.list_deltas();
        }
    }

    /// `2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年
    /// 预算执行数减少57.14%`: a rate with no delta, the prior value stated in
    /// the same sentence. Returns whether the rate could be checked.
    fn rate_from_inline_prior(&mut self, c: &Fact, rate: &Fact, amount: Option<&Fact>) -> bool {
        let Some(cur) = amount else { return false };
        let prior_words = ["执行", "上年", "去年", "上一年"];
        let priors: Vec<&Fact> = self
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
        let (Some(now), Some(before), Some(rq)) = (self.q(cur), self.q(prior), rate.quantity())
        else {
            return false;
        };
        let ch = c.change.as_ref().unwrap();
        let hundred = Quantity::exact(Decimal::ONE_HUNDRED);
        let diff = now.sub(&before);
        let computed = diff.abs().div(&before).mul(&hundred);
        if computed.is_undefined() {
            return false;
        }
        self.cover([cur.id, prior.id, rate.id]);
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
            let mut d = self.diag(&values);
            if wrong_way {
                d.message = format!(
                    "{}：由 {} 变为 {}，方向与“{}”不符",
                    c.label,
                    prior.number.as_ref().unwrap().written,
                    cur.number.as_ref().unwrap().written,
                    self.slice(ch.direction_span)
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
            self.out.diagnostics.push(d);
        }
        true
    }

    /// A stated percentage that disagrees with the one recomputed: the
    /// rule's diagnostic with `{label}`, `{stated}`, `{computed}`, `{range}`
    /// (and `extra`) filled in, downgraded to `info` when the figure is right
    /// once read as truncated rather than rounded (RULES.md §11). Returns the
    /// values too, for the caller's help text (`values[2]` computed,
    /// `values[3]` range).
    fn percent_mismatch(
        &self,
        label: &str,
        what: &str,
        stated: &crate::document::Number,
        computed: &Quantity,
        extra: &[(&'static str, String)],
    ) -> (Diagnostic, Vec<(&'static str, String)>) {
        let mut values = vec![
            ("label", label.to_owned()),
            ("stated", stated.written.clone()),
            ("computed", format!("{}%", computed.mid().round_dp(2))),
            ("range", format!("{}%", range(computed, 2))),
        ];
        values.extend(extra.iter().cloned());
        let mut d = self.diag(&values);
        let truncated = computed.agrees(&Quantity::truncated(stated.value, stated.decimals))
            == Agreement::Consistent;
        if truncated {
            d.severity = Severity::Info;
            d.message = format!(
                "{label}：{what} {} 似为截断而非四舍五入（复算 {}）",
                stated.written, values[2].1
            );
        }
        (d, values)
    }

    fn slice(&self, s: crate::source::Span) -> String {
        self.text
            .get(s.range())
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    /// The deltas of a broken-down list add up to the delta of its total,
    /// for changes against the same base.
    fn list_deltas(&mut self) {
        let doc = self.doc;
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
        let totals: Vec<&Fact> = self
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
                self.cover(std::iter::once(tdelta).chain(parts.iter().filter_map(|p| p.2)));
                if sum.agrees(&tq) == Agreement::Inconsistent {
                    let mut d = Diagnostic::new(
                        self.rule.id.clone(),
                        self.rule.severity,
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
                    self.out.diagnostics.push(d);
                }
            }
        }
    }

    // ---- share -----------------------------------------------------------

    fn share(&mut self, denominator: Option<&[String]>, complete_lists: bool) {
        let hundred = Quantity::exact(Decimal::ONE_HUNDRED);
        let shares: Vec<&Fact> = self
            .doc
            .facts
            .iter()
            .filter(|f| f.kind == FactKind::Share && self.in_scope(f.section))
            .collect();
        for s in &shares {
            let Some(amount) = s.links.of.map(|i| &self.doc.facts[i]) else {
                self.not_checked("找不到占比所属的金额".into(), Some(s.span));
                continue;
            };
            let total = self.share_total(s, amount, denominator);
            let Some(total) = total else {
                self.not_checked(
                    format!("找不到“{}”占比的分母（合计）", amount.label),
                    Some(s.span),
                );
                continue;
            };
            let (Some(a), Some(t), Some(sq)) = (self.q(amount), self.q(total), s.quantity()) else {
                continue;
            };
            let computed = a.div(&t).mul(&hundred);
            if computed.is_undefined() {
                // 0 of 0: any stated share is undefined; 0% is the convention.
                continue;
            }
            self.cover([s.id, amount.id, total.id]);
            if computed.agrees(&sq) == Agreement::Inconsistent {
                let n = s.number.as_ref().unwrap();
                let (mut d, values) = self.percent_mismatch(
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
                self.out.diagnostics.push(d);
            }
        }
        if complete_lists {
            let totals: Vec<&Fact> = self
                .value_facts()
                .filter(|f| f.links.items.len() >= 2)
                .collect();
            for t in totals {
                let items: Vec<&Fact> = t.links.items.iter().map(|&i| &self.doc.facts[i]).collect();
                let Some(sh) = items
                    .iter()
                    .map(|f| f.links.share.map(|s| &self.doc.facts[s]))
                    .collect::<Option<Vec<_>>>()
                else {
                    continue;
                };
                let (Some(tq), Some(iq)) = (
                    self.q(t),
                    items.iter().map(|f| self.q(f)).collect::<Option<Vec<_>>>(),
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
                        self.rule.id.clone(),
                        self.rule.severity,
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
                    self.out.diagnostics.push(d);
                }
            }
        }
    }

    fn share_total(
        &self,
        s: &Fact,
        amount: &Fact,
        denominator: Option<&[String]>,
    ) -> Option<&'a Fact> {
        let doc = self.doc;
        let before = |f: &&Fact| f.span.start < s.span.start;
        if let Some(base) = s.share_base.as_deref() {
            let want = fold(base);
            let want = want.trim_start_matches("本年");
            // The nearest earlier amount so named, within the same top-level
            // section (prose facts are in document order).
            let top = doc.top_section(s.section);
            let found = doc.facts[..s.id]
                .iter()
                .rev()
                .take_while(|f| f.cell.is_none() && doc.top_section(f.section) == top)
                .filter(|f| f.role == Role::Value && f.kind == FactKind::Amount)
                .find(|f| {
                    let l = fold(&f.label);
                    !want.is_empty()
                        && (l == want || l.ends_with(want) || l.trim_start_matches("本年") == want)
                });
            if found.is_some() {
                return found;
            }
            // A named base that is not found: do not guess.
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

    // ---- require / forbid / numbering --------------------------------------

    fn require(
        &mut self,
        pattern: Option<&regex::Regex>,
        heading: Option<&[String]>,
        when: Option<&regex::Regex>,
        unless: Option<&regex::Regex>,
    ) {
        if let Some(w) = when {
            if !w.is_match(self.text) {
                return;
            }
        }
        let scope_sections: Vec<usize> = (0..self.doc.sections.len())
            .filter(|&s| self.in_scope(s))
            .collect();
        if !self.rule.scope.is_empty() && scope_sections.is_empty() {
            self.not_checked(
                format!("未找到适用范围“{}”对应的章节", self.rule.scope.join("、")),
                None,
            );
            return;
        }
        let mut ok = true;
        if let Some(alts) = heading {
            let alts: Vec<String> = alts.iter().map(|a| fold(a)).collect();
            let numbered = self.doc.sections.iter().skip(1).any(|s| {
                let t = fold(&s.title);
                self.in_scope(s.id) && alts.iter().any(|a| t.contains(a.as_str()))
            });
            // An unnumbered title line (`名词解释` centred on its own line).
            let unnumbered = self.doc.paragraphs.iter().any(|p| {
                p.norm.text.chars().count() <= 20
                    && self.in_scope(p.section)
                    && alts.iter().any(|a| p.norm.text.contains(a.as_str()))
            });
            ok &= numbered || unnumbered;
        }
        let found = |p: &regex::Regex| {
            if self.rule.scope.is_empty() {
                p.is_match(self.text)
            } else {
                scope_sections.iter().filter(|&&s| s != 0).any(|&s| {
                    let span = self.doc.sections[s].span;
                    p.is_match(self.text.get(span.range()).unwrap_or(""))
                })
            }
        };
        if let Some(p) = pattern {
            ok &= found(p);
        }
        if !ok && unless.is_some_and(found) {
            ok = true;
        }
        if !ok {
            // Located on the scope's heading, or on the report's title.
            let scoped = (!self.rule.scope.is_empty())
                .then(|| scope_sections.iter().find(|&&s| s != 0))
                .flatten()
                .and_then(|&s| self.doc.sections[s].heading)
                .map(|h| self.doc.headings[h].span);
            let at = scoped.or(self.doc.title.as_ref().map(|t| t.1)).or(self
                .doc
                .headings
                .first()
                .map(|h| h.span));
            let what = heading
                .map(|h| h.join("/"))
                .or(pattern.map(|p| p.as_str().to_owned()))
                .unwrap_or_default();
            let mut d = self.diag(&[("label", what)]);
            if let Some(s) = at {
                d.labels.push(Label::new(s, "应在此处说明"));
            }
            self.out.diagnostics.push(d);
        }
    }

    fn forbid(&mut self, pattern: &regex::Regex, unless: Option<&regex::Regex>) {
        for m in pattern.find_iter(self.text) {
            let section = crate::document::section_at(self.doc, m.start() as u32);
            if !self.in_scope(section) {
                continue;
            }
            if let Some(u) = unless {
                let ls = self.text[..m.start()]
                    .rfind('\n')
                    .map(|i| i + 1)
                    .unwrap_or(0);
                let le = self.text[m.end()..]
                    .find('\n')
                    .map(|i| m.end() + i)
                    .unwrap_or(self.text.len());
                if u.is_match(&self.text[ls..le]) {
                    continue;
                }
            }
            let found: String = m.as_str().to_owned();
            let mut d = self.diag(&[("found", found.clone()), ("label", found)]);
            d.labels
                .push(Label::bare(crate::source::Span::new(m.start(), m.end())));
            self.out.diagnostics.push(d);
        }
    }

    /// `forbid` on normalised sentences: line breaks and spaces removed,
    /// forms folded, so `完成年初预算的\n100%` is one phrase.
    fn forbid_sentences(&mut self, pattern: &regex::Regex, unless: Option<&regex::Regex>) {
        for (si, sent) in self.doc.sentences.iter().enumerate() {
            if !self.in_scope(sent.section) {
                continue;
            }
            let text = self.doc.sentence_text(si);
            if unless.is_some_and(|u| u.is_match(text)) {
                continue;
            }
            let norm = &self.doc.paragraphs[sent.paragraph].norm;
            for m in pattern.find_iter(text) {
                let span =
                    norm.original(sent.norm_range.0 + m.start(), sent.norm_range.0 + m.end());
                let found = self.slice(span);
                let mut d = self.diag(&[("found", found.clone()), ("label", found)]);
                d.labels.push(Label::bare(span));
                self.out.diagnostics.push(d);
            }
        }
    }

    fn numbering(&mut self, sequence: bool, style: bool) {
        for issue in &self.doc.numbering_issues {
            if (issue.kind == "sequence" && !sequence) || (issue.kind == "style" && !style) {
                continue;
            }
            let h = &self.doc.headings[issue.heading];
            if !self.in_scope(h.section) {
                continue;
            }
            let at = h.number_span.unwrap_or(h.span);
            let message = if issue.kind == "style" {
                format!(
                    "同一级标题编号样式不一致：此处为“{}”，同级前文为“{}”",
                    issue.found, issue.expected
                )
            } else {
                format!(
                    "标题编号不连续：应为 {}，此处为 {}",
                    issue.expected, issue.found
                )
            };
            let mut d = Diagnostic::new(self.rule.id.clone(), self.rule.severity, message);
            d.labels.push(Label::new(at, "此标题"));
            if let Some(o) = issue.other {
                let oh = &self.doc.headings[o];
                d.labels.push(Label::new(
                    oh.number_span.unwrap_or(oh.span),
                    "同级的前一标题",
                ));
            }
            d.help = self.rule.help.clone();
            self.out.diagnostics.push(d);
        }
    }

    // ---- table-row -------------------------------------------------------

    fn table_row(
        &mut self,
        table: &str,
        expr: &super::expr::RowExpr,
        row_filter: Option<&str>,
        exact: &[String],
    ) {
        use super::expr::RowOutcome;
        let tables: Vec<usize> = (0..self.doc.tables.len())
            .filter(|&t| self.doc.tables[t].has_header(table))
            .collect();
        let mut evaluated = 0;
        for &ti in &tables {
            let t = &self.doc.tables[ti];
            for (ri, row) in t.rows.iter().enumerate() {
                if row.kind == RowKind::Header {
                    continue;
                }
                if let Some(f) = row_filter {
                    if row.get(f).is_none_or(|c| c.key.is_empty()) {
                        continue;
                    }
                }
                let mut cols = HashMap::new();
                let mut spans = Vec::new();
                let mut complete = true;
                for c in &expr.columns {
                    match row
                        .get(c)
                        .and_then(|cell| cell.number.as_ref().map(|n| (cell, n)))
                    {
                        Some((cell, n)) => {
                            let is_exact = exact.iter().any(|e| {
                                crate::document::strip_unit_suffix(&fold(e))
                                    == crate::document::strip_unit_suffix(c)
                            }) && n.decimals == 0;
                            let q = if is_exact {
                                Quantity::exact(n.value)
                            } else {
                                n.quantity()
                            };
                            cols.insert(c.clone(), q);
                            spans.push((c.clone(), cell.span));
                        }
                        None => complete = false,
                    }
                }
                if !complete {
                    continue;
                }
                let ids: Vec<usize> = self
                    .doc
                    .by_row
                    .get(&(ti, ri))
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&i| spans.iter().any(|s| s.1 == self.doc.facts[i].span))
                    .collect();
                let label = row.label.clone().unwrap_or_default();
                match expr.eval(&cols) {
                    RowOutcome::Pass => {
                        evaluated += 1;
                        self.cover(ids);
                    }
                    RowOutcome::Fail(left, right) => {
                        evaluated += 1;
                        self.cover(ids);
                        let values = [
                            ("label", label.clone()),
                            ("stated", show(left.mid())),
                            ("computed", show(right.mid())),
                            ("range", range(&right, 2)),
                            ("expr", expr.source.clone()),
                        ];
                        let mut d = self.diag(&values);
                        for (i, (c, s)) in spans.iter().enumerate() {
                            let msg = if i == 0 {
                                format!("{c}（所述）")
                            } else {
                                c.clone()
                            };
                            d.labels.push(Label::new(*s, msg));
                        }
                        if d.help.is_none() {
                            d.help = Some(format!(
                                "{}：{} 应为 {}（考虑四舍五入的范围 {}）",
                                expr.source,
                                show(left.mid()),
                                show(right.mid()),
                                range(&right, 2)
                            ));
                        }
                        self.out.diagnostics.push(d);
                    }
                    RowOutcome::Undefined => {
                        self.not_checked(
                            format!("“{label}”行：{} 中出现除以 0，无法计算", expr.source),
                            spans.first().map(|s| s.1),
                        );
                    }
                    RowOutcome::Missing(_) => {}
                    RowOutcome::Error(e) => {
                        let mut d = Diagnostic::new(
                            self.rule.id.clone(),
                            Severity::Error,
                            format!("规则表达式出错：{e}"),
                        )
                        .with_outcome(Outcome::ToolError);
                        d.help = Some(format!(
                            "在规则文件 {} 中检查 assert",
                            self.rule.origin.file
                        ));
                        self.out.diagnostics.push(d);
                        return;
                    }
                }
            }
        }
        if evaluated == 0 {
            let at = tables.first().map(|&t| self.doc.tables[t].span);
            if tables.is_empty() {
                self.not_checked(format!("未找到表头含“{table}”的表格"), None);
            } else {
                self.not_checked(
                    format!("表格中没有可计算“{}”的行", expr.source),
                    at.map(|s| crate::source::Span::new(s.start as usize, s.start as usize + 1)),
                );
            }
        }
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
