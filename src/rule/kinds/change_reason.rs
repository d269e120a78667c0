//! `change-reason`: a stated increase or decrease (较上年增加…, 比年初预算
//! 减少…) is explained. The explanation may come anywhere in the passage
//! that states the change (the paragraph, joined over breaks the layout
//! put in), or open the passage right after it (主要原因是… on a line of
//! its own), or, for a total whose breakdown follows (…增加25万元。其中：),
//! in the items after it. A change of nothing (持平, 增加0.00万元) needs none.
//!
//! One finding per passage: several changes explained by one sentence of
//! reasons are the usual form, so a passage without any is one omission.

use super::RuleKind;
use crate::diagnostic::Label;
use crate::document::{Direction, Fact, FactKind, Unit};
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use regex::Regex;
use std::sync::{Arc, LazyLock};

/// Words that give, or point to, a reason. `因` alone only where it starts
/// a clause and is not 因公 (因公出国).
const REASONS: &str = r"原因|主要是|主要系|系因|由于|因为|是因|源于|缘于|归因|受[^，。；]{0,30}影响|用于|主要为|详见|(?:^|[，,。；;：:])因[^公此]";

static DEFAULT_REASONS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(REASONS).expect("REASONS is a valid regex (tested below)"));

#[derive(Debug, Clone)]
pub struct ChangeReason {
    reason: Regex,
}

impl RuleKind for ChangeReason {
    const KEYS: &'static [&'static str] = &["pattern"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let reason = match &rs.pattern {
            Some(p) => cx.regex(p)?,
            None => DEFAULT_REASONS.clone(),
        };
        Some(ChangeReason { reason })
    }

    fn run(&self, cx: &mut RuleContext) {
        change_reason(cx, &self.reason)
    }
}

/// A change that needs a reason: a direction other than 持平 and a figure
/// of money or a rate other than zero. Changes in counts (接待批次增加5批次,
/// 保有量减少1辆) are statistics that back a reason, not changes to explain;
/// a change in words only (有所增加) is not judged either.
fn needs_reason(doc: &crate::document::Document, f: &Fact) -> bool {
    let Some(c) = &f.change else {
        return false;
    };
    if f.kind != FactKind::Change || c.direction == Direction::Unchanged {
        return false;
    }
    [c.delta, c.rate]
        .into_iter()
        .flatten()
        .filter_map(|i| doc.facts.get(i))
        .any(|d| {
            d.number.as_ref().is_some_and(|n| {
                (n.unit.is_money() || n.unit == Unit::Percent) && !n.value.is_zero()
            })
        })
}

fn change_reason(cx: &mut RuleContext<'_>, reason: &Regex) {
    let doc = Arc::clone(cx.doc);
    let text = Arc::clone(cx.text);
    let runs = doc.sentence_runs(&text);
    let run_span = |run: &[usize]| {
        let first = doc.paragraphs[run[0]].span;
        let last = doc.paragraphs[run[run.len() - 1]].span;
        Span::new(first.start as usize, last.end as usize)
    };
    // The changes that need a reason, by passage, in one pass over the facts.
    let mut run_of = vec![0; doc.paragraphs.len()];
    for (k, run) in runs.iter().enumerate() {
        for &p in run {
            run_of[p] = k;
        }
    }
    let mut changes_in: Vec<Vec<&Fact>> = vec![Vec::new(); runs.len()];
    for f in &doc.facts {
        if let Some(p) = f.paragraph.filter(|_| needs_reason(&doc, f)) {
            changes_in[run_of[p]].push(f);
        }
    }
    let mut checked = 0;
    for (k, run) in runs.iter().enumerate() {
        let section = doc.paragraphs[run[0]].section;
        let changes = &changes_in[k];
        let Some(first) = changes.first() else {
            continue;
        };
        if !cx.in_scope(section) {
            continue;
        }
        checked += 1;
        // Without white space: a reason word may be broken over lines (主要原\n因).
        let body = cx.slice(run_span(run));
        if reason.is_match(&body) {
            continue;
        }
        let later = runs[k + 1..]
            .iter()
            .take_while(|next| doc.paragraphs[next[0]].section == section);
        let explained = if body.ends_with('：') || body.ends_with(':') {
            // A total whose breakdown follows (…增加25万元。其中：): the
            // items that follow give the reasons.
            later
                .map(|next| cx.slice(run_span(next)))
                .any(|t| reason.is_match(&t))
        } else {
            // The reason opens the next passage (主要原因是… set apart).
            later.take(1).any(|next| {
                let head: String = cx.slice(run_span(next)).chars().take(12).collect();
                reason.is_match(&head)
            })
        };
        if explained {
            continue;
        }
        let found = cx.slice(first.span);
        // The item: the change's own label, else the amount it qualifies.
        let label = Some(first.label.as_str())
            .filter(|l| !l.is_empty())
            .or_else(|| {
                first
                    .links
                    .of
                    .and_then(|i| doc.facts.get(i))
                    .map(|a| a.label.as_str())
            })
            .filter(|l| !l.is_empty())
            .unwrap_or("该项")
            .to_owned();
        let mut d = cx.diag(&[("label", label), ("found", found)]);
        for f in changes {
            d.labels.push(Label::new(f.span, "增减变动"));
        }
        cx.report(d);
    }
    if checked == 0 {
        cx.not_checked("范围内没有写明增减变动的段落".into(), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gives_reason(s: &str) -> bool {
        DEFAULT_REASONS.is_match(s)
    }

    #[test]
    fn reason_words_in_the_forms_reports_use() {
        for s in [
            "较上年增加17.75万元，增长6.10%，主要原因为人员工资调标。",
            "比上年减少2.00万元。主要是会议次数减少。",
            "较上年减少0.5万元，系因公务接待批次减少。",
            "比上年增加3万元，因新增购置车辆1辆。",
            "比上年下降10%，受疫情影响出国团组减少。",
            "比上年增加1.2万元，详见第三部分说明。",
        ] {
            assert!(gives_reason(s), "{s}");
        }
    }

    #[test]
    fn a_change_with_no_reason_words() {
        for s in [
            "因公出国（境）费较上年增加2.00万元，增长50.00%。",
            "公务接待费比上年减少0.30万元。",
            "收入合计308.97万元，比上年增加17.75万元，增长6.10%。因此，",
        ] {
            assert!(!gives_reason(s), "{s}");
        }
    }
}
