//! One file per rule kind. Each kind is a struct holding its compiled
//! options, with the keys it reads, a `compile` from the rule spec and a
//! `run` over one report ([`RuleKind`]); its unit tests sit at the bottom of
//! its file. `registry.rs` lists them once.
//!
//! Every numeric kind compares quantities (intervals), never a tolerance. A
//! kind that cannot find its inputs abstains with
//! [`RuleContext::not_checked`](super::context::RuleContext::not_checked),
//! never silence.

use super::compile::CompileCx;
use super::context::RuleContext;
use super::spec::RuleSpec;
use crate::document::text::{fold, folds_to};
use crate::document::Fact;
use crate::quantity::Quantity;
use rust_decimal::Decimal;

pub mod amount_count;
pub mod average;
pub mod brackets;
pub mod budget_actual;
pub mod change_reason;
pub mod code_depth;
pub mod code_side;
pub mod cross_table;
pub mod empty_table;
pub mod equal;
pub mod forbid;
pub mod growth;
pub mod item_compared;
pub mod lookup;
pub mod negative_cells;
pub mod numbering;
mod percent;
pub mod prose_items;
pub mod prose_table;
pub mod renamed_subjects;
pub mod repeated_passage;
pub mod report_scope;
pub mod report_year;
pub mod require;
pub mod script;
pub mod sentence_end;
pub mod share;
pub mod sum;
pub mod table_columns;
pub mod table_row;
pub mod table_sum;
pub mod tables_present;
pub mod toc_match;
pub mod unit_name;
pub mod year_refs;

/// A rule kind: what a `kind = "…"` rule compiles to.
pub trait RuleKind: Sized {
    /// The keys this kind reads, besides the ones every rule has (id, kind,
    /// severity, message, help, docs, scope, applies_to, tests). A rule
    /// with any other key is a load error located at that key.
    const KEYS: &'static [&'static str];

    /// Compile the kind's keys; `None` after recording an error in `cx`.
    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self>;

    /// Run over one report.
    fn run(&self, cx: &mut RuleContext);
}

/// Items named in a one-per-table finding before the rest are only counted.
const NAMED: usize = 3;

/// The first few names, then how many in all: `A、B、C等 5 个` (`measure`
/// is the counting word, 个 or 处).
fn first_few(names: impl Iterator<Item = String>, total: usize, measure: &str) -> String {
    let mut s = names.take(NAMED).collect::<Vec<_>>().join("、");
    if total > NAMED {
        s.push_str(&format!("等 {total} {measure}"));
    }
    s
}

/// A table as messages name it: its standard name, else its title.
fn table_name(t: &crate::document::Table) -> String {
    t.standard
        .map(|s| s.name().to_owned())
        .or_else(|| t.title.clone())
        .unwrap_or_default()
}

/// A written figure without its unit, however the unit is written
/// (`50.00万元`, `50萬元`, `50元` → `50.00`, `50`, `50`).
fn without_unit(written: &str) -> &str {
    written.trim_end_matches(|c: char| !c.is_ascii_digit())
}

/// A fact's figure as the report writes it (empty for a fact without one).
fn written(f: &Fact) -> &str {
    f.number.as_ref().map_or("", |n| n.written.as_str())
}

/// Show a decimal without trailing zeros beyond what matters.
fn show(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A value for messages: midpoint, rounded to the figures' precision.
fn show_q(q: &Quantity) -> String {
    show(q.mid().round_dp(4))
}

/// The range a computed quantity allows, to `dp` decimals.
fn range(q: &Quantity, dp: u32) -> String {
    q.display_range(dp.max(2))
}

/// Does a label speak of a budget figure (`年初预算`, `预算数`)? `预算单位`
/// names a kind of unit, not the plan (`所属各预算单位开支…的保有量`).
fn says_budget(label: &str) -> bool {
    label.replace("预算单位", "").contains("预算")
}

/// Label words folded once, as fact labels are ([`fold`]); blank words
/// dropped (they would match every label).
fn folded_words(words: Vec<String>) -> Vec<String> {
    words
        .iter()
        .map(|w| fold(w))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Does a folded label contain one of these folded words?
fn has_word(key: &str, words: &[String]) -> bool {
    words.iter().any(|w| key.contains(w.as_str()))
}

/// The second figure's unit when the two print the same digits in two
/// money units (`7.82元` against `7.82` in a table in 万元): a slip of unit,
/// not of figure (NUM-01).
fn unit_slip(
    a: Option<&crate::document::Number>,
    b: Option<&crate::document::Number>,
) -> Option<String> {
    let (a, b) = (a?, b?);
    (a.value == b.value
        && !a.value.is_zero()
        && a.unit != b.unit
        && a.unit.is_money()
        && b.unit.is_money())
    .then(|| b.unit.as_str().to_owned())
}

/// Two written figures at the same precision and unit with other digits
/// (a restatement rounded alike prints the same digits); false when either
/// is missing.
fn digits_differ(a: Option<&crate::document::Number>, b: Option<&crate::document::Number>) -> bool {
    a.zip(b)
        .is_some_and(|(a, b)| a.differs_at_same_precision(b))
}

/// Is the figure in one of these units (any unit when none are given)?
fn in_units(f: &Fact, units: &[String]) -> bool {
    let unit = f.number.as_ref().map_or("", |n| n.unit.as_str());
    units.is_empty() || units.iter().any(|u| u == unit)
}

/// In a 决算, a figure labelled 预算 and not 决算 is the plan, not the
/// year's account.
fn plan_in_final(is_final: bool, f: &Fact) -> bool {
    is_final && says_budget(&f.label) && !f.label.contains("决算")
}

/// Is the fact's label one of these (folded)?
fn matches_label(f: &Fact, alts: &[String]) -> bool {
    alts.iter().any(|a| folds_to(a, &f.key))
}

/// Running one rule written in TOML on a report text, for the kinds' unit
/// tests.
#[cfg(test)]
pub(crate) mod testkit {
    use crate::diagnostic::Outcome;
    use crate::rule::compile::RuleFile;
    use std::sync::Arc;

    /// What one rule (a `[[rule]]` table with id `t`) gives on `text`:
    /// the text under each finding's primary label, and each 未能核对 note.
    pub(crate) fn run(rule: &str, text: &str) -> (Vec<String>, Vec<String>) {
        let file = RuleFile {
            name: "test.toml".into(),
            text: Arc::new(rule.to_owned()),
            dir: None,
        };
        let rules = crate::rule::compile(&[file]).unwrap_or_else(|e| panic!("{e:?}"));
        let doc = Arc::new(crate::document::parse(text));
        let t: Arc<str> = text.into();
        let out = crate::rule::run(rules.get("t").expect("a rule `t`"), &doc, &t);
        let mut found = Vec::new();
        let mut notes = Vec::new();
        for d in out.diagnostics {
            match d.outcome {
                Outcome::NotChecked => notes.push(d.message),
                Outcome::ToolError => found.push(format!("tool error: {}", d.message)),
                Outcome::Finding => found.push(
                    d.primary_span()
                        .map_or(String::new(), |s| t[s.range()].to_owned()),
                ),
            }
        }
        (found, notes)
    }

    /// The findings only.
    pub(crate) fn findings(rule: &str, text: &str) -> Vec<String> {
        run(rule, text).0
    }

    /// Title, unit and header of the 一般公共预算财政拨款支出决算表 as
    /// `pdftotext -layout` prints them; its rows follow.
    pub(crate) const APPROPRIATION_HEAD: &str = "\
                 一般公共预算财政拨款支出决算表
                                              单位：万元
          项目
                       合计          基本支出       项目支出
 功能分类
               科目名称
 科目编码
";

    /// The 一般公共预算财政拨款支出决算表 with one 项, 行政运行, spending
    /// 257.05 (149.23 basic, 107.82 project), and its note.
    pub(crate) fn appropriation_table() -> String {
        format!(
            "\
{APPROPRIATION_HEAD}201        一般公共服务支出     257.05       149.23     107.82
20103      政府办公厅（室）及相关机构事务  257.05  149.23  107.82
2010301    行政运行           257.05       149.23     107.82
           合计            257.05       149.23     107.82
注：本表反映部门本年度一般公共预算财政拨款支出情况。
"
        )
    }

    /// The 一般公共预算财政拨款基本支出决算表: 人员经费合计 150.00, 公用经费合计
    /// 42.18.
    pub(crate) const BASIC_EXPENDITURE: &str = "\
                一般公共预算财政拨款基本支出决算表
                                                  单位：万元
经济分类                              经济分类
            科目名称       决算数                      科目名称      决算数
科目编码                              科目编码
301     工资福利支出          150.00   302     商品和服务支出          42.18
30101    基本工资            100.00   30201    办公费              40.00
30102    津贴补贴             50.00   30217    公务接待费             2.18
303     对个人和家庭的补助       0.00   310     资本性支出              0.00
      人员经费合计           150.00       公用经费合计               42.18
    注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。
";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Number, Unit};

    #[test]
    fn unit_slip_is_the_same_digits_in_another_money_unit() {
        let n = |d: &str, u: Unit| Number::parse(d, u, d);
        let wan = n("7.82", Unit::WanYuan);
        assert_eq!(
            unit_slip(n("7.82", Unit::Yuan).as_ref(), wan.as_ref()),
            Some("万元".into())
        );
        // Other digits, the same unit, a zero, a percentage: no slip.
        assert_eq!(
            unit_slip(n("7.83", Unit::Yuan).as_ref(), wan.as_ref()),
            None
        );
        assert_eq!(
            unit_slip(n("7.82", Unit::WanYuan).as_ref(), wan.as_ref()),
            None
        );
        assert_eq!(
            unit_slip(n("0", Unit::Yuan).as_ref(), n("0", Unit::WanYuan).as_ref()),
            None
        );
        assert_eq!(
            unit_slip(n("7.82", Unit::Percent).as_ref(), wan.as_ref()),
            None
        );
    }
}
