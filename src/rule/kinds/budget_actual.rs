//! `budget-actual`: a 决算 item that states its budget and its actual
//! amount (`年初预算为A万元，支出决算为B万元，完成年初预算的C%。决算数小于预算
//! 数…`) is checked against itself:
//! - `rate`: the completion rate C = B ÷ A × 100% (rounding-aware; a rate
//!   that is right once read as truncated is an info finding);
//! - `word`: the comparison words agree with the amounts: 大于/小于 only
//!   when the amounts certainly differ that way, 等于/持平 when their
//!   rounding intervals overlap;
//! - `basis`: a completion rate that names one budget (完成年初预算的C%)
//!   while C follows from the other one, paired with the actual amount
//!   (全年预算为A), and not from the named budget, stated in the same
//!   passage (年初预算为0): the word is wrong. With the named budget
//!   unstated it may equal A (nothing adjusted): not checked.
//! - `reason`: an actual amount that differs from its budget by more than
//!   `threshold` percent of the budget (certainly, after rounding; any
//!   spending against a budget of 0), and from any other budget the passage
//!   states, is explained in its item: the passage and its trailing lines
//!   say something besides the subject, the purpose (主要用于…), the
//!   figures and the bare comparison (决算数小于预算数). RSN-05; the
//!   threshold is a reviewer's choice (no national figure), 10 by default.
//!
//! The pair is bound only where the text binds it: the budget and the
//! actual amount are adjacent figures of one passage (no other amount in
//! between), one labelled 预算 and the other 决算 or 执行. A completion rate
//! or comparison words without such a pair are not checked, never guessed:
//! `其中：因公出国（境）费决算为0.00万元，完成预算的0.00%` names no budget of
//! its own.

use super::percent::percent_mismatch;
use super::{range, says_budget, written, RuleKind};
use crate::diagnostic::Label;
use crate::document::{Document, Fact, FactKind, Role};
use crate::quantity::{Agreement, Quantity};
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use regex::Regex;
use rust_decimal::Decimal;
use std::sync::LazyLock;

#[derive(Debug, Clone)]
pub struct BudgetActual {
    rate: bool,
    word: bool,
    basis: bool,
    /// `reason`: the percent of the budget above which a difference needs
    /// a reason; `None` when not checked.
    reason: Option<Decimal>,
}

impl RuleKind for BudgetActual {
    const KEYS: &'static [&'static str] = &["check", "threshold"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let check = rs
            .check
            .clone()
            .unwrap_or_else(|| vec!["rate".into(), "word".into()]);
        for c in &check {
            if !["rate", "word", "basis", "reason"].contains(&c.as_str()) {
                cx.err(
                    &rs.kind,
                    format!("unknown budget-actual check `{c}`"),
                    "this rule",
                    "check takes \"rate\", \"word\", \"basis\" and/or \"reason\"",
                );
            }
        }
        let reason = check.iter().any(|c| c == "reason");
        if let Some(t) = rs.threshold.as_ref().filter(|_| !reason) {
            cx.err(
                t,
                "`threshold` is the `reason` check's",
                "no `reason` in `check`",
                "add \"reason\" to check, or remove threshold",
            );
        }
        let threshold = rs.threshold.as_ref().map_or(10, |t| *t.get_ref());
        Some(BudgetActual {
            rate: check.iter().any(|c| c == "rate"),
            word: check.iter().any(|c| c == "word"),
            basis: check.iter().any(|c| c == "basis"),
            reason: reason.then(|| Decimal::from(threshold)),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        let doc = std::sync::Arc::clone(cx.doc);
        let text = std::sync::Arc::clone(cx.text);
        let mut seen = false;
        for run in doc.sentence_runs(&text) {
            let first = &doc.paragraphs[run[0]];
            if !cx.in_scope(first.section) {
                continue;
            }
            let end = doc.paragraphs[*run.last().expect("a run is never empty")]
                .span
                .end as usize;
            let facts: Vec<&Fact> = doc
                .facts
                .iter()
                .filter(|f| f.paragraph.is_some_and(|p| run.contains(&p)))
                .collect();
            let pairs = pairs(&facts, end);
            for pair in &pairs {
                seen = true;
                if self.rate {
                    self.check_rate(cx, pair);
                }
                if self.word {
                    self.check_word(cx, pair, &text);
                }
                if self.basis {
                    check_basis(cx, pair, &facts);
                }
            }
            if let Some(threshold) = self.reason {
                let start = first.span.start as usize;
                for pair in &pairs {
                    let to = item_end(&doc, &text, end, pair.budget);
                    check_reason(
                        cx,
                        pair,
                        threshold,
                        &facts,
                        text.get(start..to).unwrap_or(""),
                    );
                }
            }
            if self.rate {
                for (k, c) in facts.iter().enumerate() {
                    if c.role != Role::Completion
                        || pairs.iter().any(|p| p.rate.is_some_and(|r| r.id == c.id))
                    {
                        continue;
                    }
                    if let Some(by) = by_difference(&doc, &facts, k) {
                        seen = true;
                        check_by_difference(cx, &by);
                    } else {
                        cx.not_checked("完成率所依据的预算数没有在同一处写明".into(), Some(c.span));
                    }
                }
            }
        }
        if !seen {
            cx.not_checked("报告中没有同时写明预算数和决算数的项目".into(), None);
        }
    }
}

/// A budget and an actual amount that the text states side by side, with
/// the completion rate that follows them and the end of the passage that
/// speaks of them (where comparison words are looked for).
struct Pair<'a> {
    budget: &'a Fact,
    actual: &'a Fact,
    rate: Option<&'a Fact>,
    /// The text after the pair, up to the next amount or the passage end.
    tail: Span,
}

fn is_amount(f: &Fact) -> bool {
    f.role == Role::Value && f.kind == FactKind::Amount && f.number.is_some()
}

fn is_budget(f: &Fact) -> bool {
    says_budget(&f.label) && !f.label.contains("决算") && !f.label.contains("执行")
}

fn is_actual(f: &Fact) -> bool {
    (f.label.contains("决算") || f.label.contains("执行")) && !says_budget(&f.label)
}

/// The pairs of one passage: an amount labelled as a budget directly
/// followed by one labelled as an actual amount. (The other order is not
/// paired: after `决算B，年初预算A` the A may as well open the next item.)
fn pairs<'a>(facts: &[&'a Fact], end: usize) -> Vec<Pair<'a>> {
    let amounts: Vec<usize> = (0..facts.len()).filter(|&i| is_amount(facts[i])).collect();
    let mut out = Vec::new();
    for (k, w) in amounts.windows(2).enumerate() {
        let (budget, actual) = (facts[w[0]], facts[w[1]]);
        if !is_budget(budget) || !is_actual(actual) {
            continue;
        }
        let rate = facts[w[1] + 1..]
            .iter()
            .take_while(|f| !is_amount(f))
            // `of` is unset when the layout cut the rate off into a
            // paragraph of its own; no amount stands between, so it is
            // this actual amount's rate.
            .find(|f| f.role == Role::Completion && f.links.of.is_none_or(|o| o == actual.id))
            .copied();
        let from = rate.unwrap_or(actual).span.end as usize;
        let next = amounts.get(k + 2).map(|&i| facts[i].span.start as usize);
        let to = next.unwrap_or(end).max(from);
        out.push(Pair {
            budget,
            actual,
            rate,
            tail: Span::new(from, to),
        });
    }
    out
}

/// `决算为1055.93万元，完成年初预算的105.59%，决算数大于预算数55.93万元`: a
/// completion rate whose budget is given as the actual amount's difference
/// from it (FORMS.md §4).
struct ByDifference<'a> {
    rate: &'a Fact,
    actual: &'a Fact,
    difference: &'a Fact,
    /// 大于 (the budget is actual − difference) or 小于 (actual + difference).
    greater: bool,
}

/// `决算数大于预算数`, `决算小于年初预算`: the label of a stated difference.
static DIFFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^决算数?(?P<op>大于|多于|高于|超过|超出|小于|少于|低于)(?:年初|全年|调整后?|年度)?的?预算数?$")
        .expect("the difference pattern compiles")
});

/// The rate at `facts[k]`, the amount it is of (not a budget) and the
/// difference stated right after it, with no other amount in between.
fn by_difference<'a>(
    doc: &'a crate::document::Document,
    facts: &[&'a Fact],
    k: usize,
) -> Option<ByDifference<'a>> {
    let rate = facts[k];
    let actual = &doc.facts[rate.links.of?];
    if !is_amount(actual) || is_budget(actual) {
        return None;
    }
    let difference = facts[k + 1..].iter().find(|f| is_amount(f))?;
    let m = DIFFERENCE.captures(&difference.label)?;
    if !same_budget(rate.share_base.as_deref().unwrap_or(""), &difference.label) {
        return None;
    }
    let greater = !matches!(&m["op"], "小于" | "少于" | "低于");
    Some(ByDifference {
        rate,
        actual,
        difference,
        greater,
    })
}

fn check_by_difference(cx: &mut RuleContext, by: &ByDifference) {
    let (Some(a), Some(d), Some(stated), Some(n)) = (
        cx.q(by.actual),
        cx.q(by.difference),
        by.rate.quantity(),
        by.rate.number.as_ref(),
    ) else {
        return;
    };
    let budget = if by.greater { a.sub(&d) } else { a.add(&d) };
    let computed = a.div(&budget).mul(&Quantity::exact(Decimal::ONE_HUNDRED));
    if computed.is_undefined() {
        return;
    }
    cx.cover([by.rate.id, by.actual.id, by.difference.id]);
    if computed.agrees(&stated) != Agreement::Inconsistent {
        return;
    }
    let (mut diag, _) = percent_mismatch(
        cx,
        &by.actual.label,
        "完成率",
        n,
        &computed,
        &[(
            "other",
            format!(
                "预算数（{}{}）",
                by.difference.label,
                written(by.difference)
            ),
        )],
    );
    diag.help.get_or_insert_with(|| {
        format!(
            "预算数 = {} {} {}，完成率 = 决算数 ÷ 预算数 × 100% ≈ {}%",
            written(by.actual),
            if by.greater { "−" } else { "+" },
            written(by.difference),
            range(&computed, 2)
        )
    });
    diag.labels.push(Label::new(by.rate.span, "完成率"));
    diag.labels.push(Label::new(by.actual.span, "决算数"));
    diag.labels
        .push(Label::new(by.difference.span, "决算数与预算数之差"));
    cx.report(diag);
}

/// The qualifier of a budget word: 年初 (the budget as passed) or 全年 /
/// 调整 (the budget as adjusted during the year); `None` when unqualified.
fn budget_kind(words: &str) -> Option<&'static str> {
    if words.contains("年初") {
        Some("年初")
    } else if words.contains("全年") || words.contains("调整") {
        Some("全年")
    } else {
        None
    }
}

/// Do two budget words name the same budget (an unqualified one names any)?
fn same_budget(a: &str, b: &str) -> bool {
    match (budget_kind(a), budget_kind(b)) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// `决算数小于预算数`, `决算数同年初预算数持平`, `决算数大于全年预算数`.
static COMPARISON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"决算数?(?P<op>大于|多于|高于|超过|超出|小于|少于|低于|等于|同|与|和)(?P<base>年初|全年|调整后?|年度)?的?预算数?(?P<eq>持平|相等|一致)?",
    )
    .expect("the comparison pattern compiles")
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Greater,
    Less,
    Equal,
}

impl Comparison {
    fn word(self) -> &'static str {
        match self {
            Comparison::Greater => "大于",
            Comparison::Less => "小于",
            Comparison::Equal => "等于",
        }
    }
}

/// The comparison a passage states, with its span in the report: the
/// passage's whitespace is skipped (PDF text breaks `决算\n数小于`).
fn comparison(text: &str, tail: Span) -> Option<(Comparison, Option<&'static str>, Span, String)> {
    let slice = text.get(tail.range())?;
    let mut squeezed = String::with_capacity(slice.len());
    let mut at: Vec<usize> = Vec::with_capacity(slice.len());
    for (i, c) in slice.char_indices() {
        if !c.is_whitespace() {
            for k in 0..c.len_utf8() {
                at.push(tail.start as usize + i + k);
            }
            squeezed.push(c);
        }
    }
    let m = COMPARISON.captures(&squeezed)?;
    let op = match &m["op"] {
        "大于" | "多于" | "高于" | "超过" | "超出" => Comparison::Greater,
        "小于" | "少于" | "低于" => Comparison::Less,
        "等于" => Comparison::Equal,
        // 同/与/和 compare only with 持平/相等/一致 after them.
        _ if m.name("eq").is_some() => Comparison::Equal,
        _ => return None,
    };
    let whole = m.get(0).expect("group 0 always matches");
    let span = Span::new(at[whole.start()], at[whole.end() - 1] + 1);
    let base = m.name("base").and_then(|b| budget_kind(b.as_str()));
    Some((op, base, span, whole.as_str().to_owned()))
}

/// How the actual amount compares with the budget, where the figures
/// decide it. Two figures printed at the same precision in the same unit
/// compare as printed (their rounding intervals are half-open, so 2.22 is
/// below 2.23 for certain); otherwise by their intervals, `None` when they
/// overlap without being equal as printed.
fn decided(actual: &Fact, budget: &Fact, b: &Quantity, a: &Quantity) -> Option<Comparison> {
    if let (Some(x), Some(y)) = (&actual.number, &budget.number) {
        if x.decimals == y.decimals && x.unit == y.unit {
            return Some(match x.value.cmp(&y.value) {
                std::cmp::Ordering::Greater => Comparison::Greater,
                std::cmp::Ordering::Less => Comparison::Less,
                std::cmp::Ordering::Equal => Comparison::Equal,
            });
        }
    }
    if b.certainly_gt(a) {
        Some(Comparison::Greater)
    } else if b.certainly_lt(a) {
        Some(Comparison::Less)
    } else {
        None
    }
}

/// The rate names the other budget than the one it follows from. Judged
/// only where the passage states both budgets (`年初预算为0万元，全年预算为
/// 321.02万元，支出决算为307.82万元，完成年初预算的95.89%`): the rate follows
/// from the paired budget and not from the one it names. With the named
/// budget unstated, the two budgets may be equal (nothing was adjusted), so
/// the name may be right: not checked.
fn check_basis(cx: &mut RuleContext, p: &Pair, facts: &[&Fact]) {
    let Some(rate) = p.rate else {
        return;
    };
    let named = rate.share_base.as_deref().unwrap_or("");
    if same_budget(named, &p.budget.label) {
        return;
    }
    let (Some(b), Some(a), Some(stated)) = (cx.q(p.actual), cx.q(p.budget), rate.quantity()) else {
        return;
    };
    let percent = |base: &Quantity| b.div(base).mul(&Quantity::exact(Decimal::ONE_HUNDRED));
    if percent(&a).agrees(&stated) != Agreement::Consistent {
        // Not from the stated budget: `completion-rate` says why it does not judge it.
        return;
    }
    let Some(other) = facts
        .iter()
        .find(|f| is_amount(f) && is_budget(f) && budget_kind(&f.label) == budget_kind(named))
    else {
        cx.not_checked(
            format!(
                "完成率写作“完成{named}的”，而这一预算数没有写明：无法判断是否与写明的{}相同",
                p.budget.label
            ),
            Some(rate.span),
        );
        return;
    };
    cx.cover([rate.id, p.actual.id, p.budget.id, other.id]);
    let Some(o) = cx.q(other) else {
        return;
    };
    if percent(&o).agrees(&stated) == Agreement::Consistent {
        return;
    }
    let mut d = cx.diag(&[
        (
            "stated",
            rate.number
                .as_ref()
                .map_or_else(String::new, |n| n.written.clone()),
        ),
        ("found", named.to_owned()),
        ("other", p.budget.label.clone()),
        ("label", p.actual.label.clone()),
    ]);
    d.labels.push(Label::new(rate.span, format!("写作{named}")));
    d.labels.push(Label::new(
        p.budget.span,
        format!("按{}算出", p.budget.label),
    ));
    d.labels
        .push(Label::new(other.span, format!("写明的{}", other.label)));
    d.labels.push(Label::new(p.actual.span, "决算数"));
    cx.report(d);
}

/// A sentence or clause that says what the money is for (`主要用于：…`,
/// `该科目反映…`): not why it differs from the budget.
static PURPOSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:该(?:科目|项目|项|款|类))?(?:主要)?(?:用于|反映|包括)")
        .expect("the purpose pattern compiles")
});

/// Item numbering at the start of a sentence (`1、`, `2.`, `（三）`, `四、`).
static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[0-9０-９]{1,3}[、.．]|[（(][0-9一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|[①-⑳])")
        .expect("the numbering pattern compiles")
});

/// `s` without its item numbering (`2.5万元` is a figure, not item 2).
fn strip_numbering(s: &str) -> &str {
    match NUMBERING.find(s) {
        Some(m) if !s[m.end()..].starts_with(|c: char| c.is_ascii_digit()) => &s[m.end()..],
        _ => s,
    }
}

/// A clause that names the item's subject (`…（类）…（款）…（项）`).
static SUBJECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[（(][类款项][）)]").expect("the subject pattern compiles"));

/// A clause that is only a subject restated (`行政运行支出`, `公务接待费`).
static SUBJECT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\p{Han}“”（）()、]{1,24}?(?:支出|经费|费)$")
        .expect("the subject-name pattern compiles")
});

/// A clause that only compares, in any of the ways reports say it
/// (`决算数小于年初预算数`, `支出决算比年初预算增加`, `较年初预算有所增加`,
/// `超过年初预算`, `决算数与预算数存在差异`).
static COMPARISON_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^(?:[0-9０-９]{4}年度?)?[^，。]{0,24}?(?:(?:决算|执行|实际支出|支出)数?)?(?:(?:大于|多于|高于|超过|超出|小于|少于|低于|等于)|(?:比|较|与|同|和))?(?:年初|全年|调整后?|年度)?的?预算数?(?:有所|略有|大幅)?(?:增加|减少|增长|下降|持平|相等|一致|存在差异|有差异|有差距)?(?:较多|较少|较大)?$"#,
    )
    .expect("the comparison-only pattern compiles")
});

/// Words that name a cause, even in a clause that ends with a figure
/// (`系年中追加人员经费50.00万元`, `主要是新增2名在编人员`).
static CAUSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"原因|由于|因为|所致|导致|是因|^因[^公私]|^受|影响|^系|主要是|主要系|主要为|追加|新增|调剂|调增|调减|结转|未完成|未执行|未实施|延期|推迟|节约|压减|退休|增员|减员|按实际|据实",
    )
    .expect("the cause pattern compiles")
});

/// Words that start an explanation without a figure (`减少公用经费`,
/// `调整支出结构`, `严格控制…`).
static ACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:减少|增加|控制|压缩|严格|调整|加强|落实)")
        .expect("the action pattern compiles")
});

/// A clause that states a figure and nothing more (`年初预算为100.00万元`,
/// `完成年初预算的150.00%`, `比上年增加5.00万元`): it ends with the figure.
static FIGURE_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9０-９][0-9０-９.,．]*(?:万元|元|%|％|个百分点)?[）)]?$")
        .expect("the figure-only pattern compiles")
});

/// Does an item's text explain itself beyond its figures? What every item
/// has is set aside: its numbering, its subject (`…（项）`, `行政运行支出`),
/// its purpose (`主要用于：…`), the clauses that state a figure and end
/// with it (`年初预算为A万元`, `完成年初预算的C%`), the comparison however
/// worded (`决算数小于预算数`, `较年初预算有所增加`), a unit note and
/// joining words (`其中`). Any clause left (`受疫情影响`, `系人员退休`,
/// `具体如下`) is taken for the explanation, whatever its words; a clause
/// that names a cause (`主要原因是…`, `追加…`, `新增…`) always is.
fn explains(item: &str) -> bool {
    // Budget labels are not causes: 调整预算 is a budget, not an adjustment.
    let squeezed: String = item
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace("调整后预算", "预算")
        .replace("调整预算", "预算");
    for sentence in squeezed.split(['。', '；', ';', '！', '!']) {
        let sentence = strip_numbering(sentence);
        if PURPOSE.is_match(sentence) {
            continue;
        }
        for clause in sentence.split(['，', ',', '：', ':']) {
            let clause = strip_numbering(clause.trim_matches(|c: char| "（）()“”".contains(c)));
            if SUBJECT.is_match(clause) {
                // `原在…（项）列支的经费调整至本科目` is a reason naming a subject.
                if clause.contains("原因") || clause.contains("由于") || clause.contains("调整至")
                {
                    return true;
                }
                continue;
            }
            if CAUSE.is_match(clause) {
                return true;
            }
            let figure = clause
                .chars()
                .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
            if clause.chars().count() < 2
                || (figure && FIGURE_ONLY.is_match(clause))
                || COMPARISON_ONLY.is_match(clause)
                || PURPOSE.is_match(clause)
                || (SUBJECT_NAME.is_match(clause) && !ACTION.is_match(clause))
                || [
                    "其中", "另外", "此外", "合计", "共计", "总计", "分别", "单位", "万元", "元",
                ]
                .contains(&clause)
            {
                continue;
            }
            return true;
        }
    }
    false
}

/// The start of the next item: a numbered line (`8、`, `8.`, `（八）`,
/// `八、`, `(2)`, `2）`, `②`) or a line that names a subject (`…（项）`).
static NUMBERED_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^[ \t\u{3000}]*(?:[0-9０-９]{1,3}(?:、|[.．][^0-9０-９]|[)）])|[（(](?:[0-9０-９]{1,2}|[一二三四五六七八九十]+)[)）]|[一二三四五六七八九十]+、|[①-⑳]|[^\n]*?[（(][类款项][）)])",
    )
    .expect("the numbered-line pattern compiles")
});

/// Where the item whose passage ends at `from` ends: the passage, and the
/// lines after it up to the next item's first line, the next budget amount of
/// another item (not a restatement of `budget`) or the end of the section,
/// whichever comes first. PDF text sets the item's last sentence
/// (`决算数小于预算数的主要原因：…`) on an indented line of its own, outside
/// the passage.
fn item_end(doc: &Document, text: &str, from: usize, budget: &Fact) -> usize {
    let section = doc.sections[crate::document::section_at(doc, from as u32)]
        .span
        .end as usize;
    let same =
        |f: &Fact| f.number.as_ref().map(|n| &n.value) == budget.number.as_ref().map(|n| &n.value);
    let next_budget = doc
        .facts
        .iter()
        .filter(|f| f.span.start as usize >= from && is_amount(f) && is_budget(f) && !same(f))
        .map(|f| f.span.start as usize)
        .min()
        .unwrap_or(text.len());
    let to = section.min(next_budget).max(from).min(text.len());
    text.get(from..to)
        .and_then(|t| NUMBERED_LINE.find(t))
        .map_or(to, |m| from + m.start())
}

/// RSN-05: an actual amount that certainly differs from its budget by more
/// than `threshold` percent of it (any spending against a budget of 0), and
/// from the item's other budget if it states one (a 全年预算 that the
/// amount meets: the adjustment is the reason), needs an explanation in
/// its `item` (the passage and its trailing lines, [`item_end`];
/// [`explains`]). Pairs that share a passage share its explanation
/// (`其中：` items and one reason after them).
fn check_reason(cx: &mut RuleContext, p: &Pair, threshold: Decimal, facts: &[&Fact], item: &str) {
    let Some(b) = cx.q(p.actual) else {
        return;
    };
    let share = |percent: Decimal| Quantity::exact(percent / Decimal::ONE_HUNDRED);
    let differs = |a: &Quantity| {
        b.certainly_gt(&a.mul(&share(Decimal::ONE_HUNDRED + threshold)))
            || b.certainly_lt(&a.mul(&share(Decimal::ONE_HUNDRED - threshold)))
    };
    let Some(a) = cx.q(p.budget) else {
        return;
    };
    cx.cover([p.actual.id, p.budget.id]);
    if !differs(&a) {
        return;
    }
    // The other budget of the same item (`年初预算为0万元，全年预算为321.02万元，
    // 支出决算为307.82万元`): the amount just before the budget or just after
    // the actual amount, when it is a budget of the other kind.
    let amounts: Vec<&Fact> = facts.iter().copied().filter(|f| is_amount(f)).collect();
    let at = |f: &Fact| amounts.iter().position(|g| g.id == f.id);
    let before = at(p.budget)
        .and_then(|i| i.checked_sub(1))
        .map(|i| amounts[i]);
    let after = at(p.actual).and_then(|i| amounts.get(i + 1).copied());
    let other_kind =
        |f: &Fact| is_budget(f) && budget_kind(&f.label) != budget_kind(&p.budget.label);
    for other in [before, after]
        .into_iter()
        .flatten()
        .filter(|f| other_kind(f))
    {
        if cx.q(other).is_some_and(|o| !differs(&o)) {
            return;
        }
    }
    if explains(item) {
        return;
    }
    let computed = b.div(&a).mul(&Quantity::exact(Decimal::ONE_HUNDRED));
    let computed = if computed.is_undefined() {
        "预算数为 0".to_owned()
    } else {
        format!("完成预算的约 {}%", computed.mid().round_dp(1))
    };
    let mut d = cx.diag(&[
        ("label", p.actual.label.clone()),
        ("stated", written(p.actual).to_owned()),
        ("other", written(p.budget).to_owned()),
        ("computed", computed),
        ("threshold", threshold.to_string()),
    ]);
    d.labels.push(Label::new(p.actual.span, "决算数"));
    d.labels.push(Label::new(p.budget.span, "预算数"));
    cx.report(d);
}

impl BudgetActual {
    fn check_rate(&self, cx: &mut RuleContext, p: &Pair) {
        let Some(rate) = p.rate else {
            return;
        };
        if !same_budget(rate.share_base.as_deref().unwrap_or(""), &p.budget.label) {
            cx.not_checked(
                "完成率所依据的预算（年初或全年）与写明的预算数不是同一口径".into(),
                Some(rate.span),
            );
            return;
        }
        let (Some(b), Some(a), Some(stated), Some(n)) = (
            cx.q(p.actual),
            cx.q(p.budget),
            rate.quantity(),
            rate.number.as_ref(),
        ) else {
            return;
        };
        let computed = b.div(&a).mul(&Quantity::exact(Decimal::ONE_HUNDRED));
        if computed.is_undefined() {
            // A budget of zero: no rate follows from the amounts.
            return;
        }
        cx.cover([rate.id, p.actual.id, p.budget.id]);
        if computed.agrees(&stated) == Agreement::Inconsistent {
            let (mut d, _) = percent_mismatch(
                cx,
                &p.actual.label,
                "完成率",
                n,
                &computed,
                &[("other", p.budget.label.clone())],
            );
            d.help.get_or_insert_with(|| {
                format!(
                    "{} ÷ {} × 100% ≈ {}%",
                    p.actual.number.as_ref().map_or("", |n| &n.written),
                    p.budget.number.as_ref().map_or("", |n| &n.written),
                    range(&computed, 2)
                )
            });
            d.labels.push(Label::new(rate.span, "完成率"));
            d.labels.push(Label::new(p.actual.span, "决算数"));
            d.labels.push(Label::new(p.budget.span, "预算数"));
            cx.report(d);
        }
    }

    fn check_word(&self, cx: &mut RuleContext, p: &Pair, text: &str) {
        let Some((op, base, span, found)) = comparison(text, p.tail) else {
            return;
        };
        if base.is_some_and(|b| !same_budget(b, &p.budget.label)) {
            cx.not_checked(
                "比较所说的预算（年初或全年）与写明的预算数不是同一口径".into(),
                Some(span),
            );
            return;
        }
        let (Some(b), Some(a)) = (cx.q(p.actual), cx.q(p.budget)) else {
            return;
        };
        let truth = decided(p.actual, p.budget, &b, &a);
        // 大于/小于 must be decided by the figures; 等于 holds unless they
        // certainly differ.
        let holds = match (op, truth) {
            (Comparison::Equal, None) => true,
            (_, None) => false,
            (op, Some(t)) => op == t,
        };
        cx.cover([p.actual.id, p.budget.id]);
        if holds {
            return;
        }
        let truth = truth.map_or("与预算数的大小无法由数字确定", |t| match t {
            Comparison::Greater => "大于预算数",
            Comparison::Less => "小于预算数",
            Comparison::Equal => "等于预算数",
        });
        let mut d = cx.diag(&[
            ("found", found),
            ("label", p.actual.label.clone()),
            ("stated", written(p.actual).to_owned()),
            ("other", written(p.budget).to_owned()),
            ("computed", truth.to_owned()),
        ]);
        d.labels
            .push(Label::new(span, format!("说“{}”", op.word())));
        d.labels.push(Label::new(p.actual.span, "决算数"));
        d.labels.push(Label::new(p.budget.span, "预算数"));
        cx.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::{comparison, same_budget, Comparison};
    use crate::source::Span;

    #[test]
    fn comparison_words_are_read_across_line_breaks() {
        let t = "。决算\n\n数小于预算数的主要原因：";
        let (op, base, span, found) = comparison(t, Span::new(0, t.len())).unwrap();
        assert_eq!(op, Comparison::Less);
        assert_eq!(base, None);
        assert_eq!(&t[span.range()], "决算\n\n数小于预算数");
        assert_eq!(found, "决算数小于预算数");
        let t = "决算数同年初预算数持平。";
        let (op, base, ..) = comparison(t, Span::new(0, t.len())).unwrap();
        assert_eq!((op, base), (Comparison::Equal, Some("年初")));
        // 与 without 持平/相等/一致 states no comparison.
        let t = "决算数与预算数的差异主要是";
        assert!(comparison(t, Span::new(0, t.len())).is_none());
    }

    #[test]
    fn budget_words_of_one_kind_match() {
        assert!(same_budget("年初预算", "支出年初预算"));
        assert!(same_budget("预算", "全年预算数"));
        assert!(same_budget("调整预算", "全年预算"));
        assert!(!same_budget("年初预算", "全年预算数"));
    }
}
