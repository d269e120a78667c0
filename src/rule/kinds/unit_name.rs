//! `unit-name`: the unit's name is written the same way throughout (a
//! variant one or two characters off the cover's name is flagged).

use super::RuleKind;
use crate::diagnostic::Label;
use crate::document::text::{edit_distance, Normalized};
use crate::rule::compile::CompileCx;
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;
use crate::source::Span;
use std::collections::HashSet;

#[derive(Debug, Clone)]
pub struct UnitName;

impl RuleKind for UnitName {
    const KEYS: &'static [&'static str] = &[];

    fn compile(_rs: &RuleSpec, _cx: &mut CompileCx) -> Option<Self> {
        Some(UnitName)
    }

    fn run(&self, cx: &mut RuleContext) {
        unit_name(cx)
    }
}

fn unit_name(cx: &mut RuleContext<'_>) {
    let norm = Normalized::from_pieces(cx.text, &[Span::new(0, cx.text.len())]);
    let title = cx.doc.title.as_ref().map(|t| t.0.as_str());
    let Some(canon) = crate::document::items::unit_name(&norm.text, title) else {
        cx.not_checked("未能确定报告单位的全称".into(), None);
        return;
    };
    let cn: Vec<char> = canon.chars().collect();
    let tail: String = cn[cn.len().saturating_sub(3)..].iter().collect();
    let head: String = cn[..2.min(cn.len())].iter().collect();
    let mut canon_at: Option<Span> = None;
    let mut seen = HashSet::new();
    for (pos, _) in norm.text.match_indices(&tail) {
        let end = pos + tail.len();
        // Look back for the head within the canonical length + 4 characters.
        let lo = norm.text[..end]
            .char_indices()
            .rev()
            .nth(cn.len() + 3)
            .map_or(0, |(i, _)| i);
        let window = &norm.text[lo..end];
        let Some(hpos) = window.rfind(&head) else {
            continue;
        };
        // Prefer the head that gives the closest match to the name.
        let cand_starts: Vec<usize> = window.match_indices(&head).map(|(i, _)| i).collect();
        let best = cand_starts
            .iter()
            .map(|&h| window[h..].to_owned())
            .min_by_key(|c| edit_distance(c, &canon))
            .unwrap_or_else(|| window[hpos..].to_owned());
        let start = end - best.len();
        let span = norm.original(start, end);
        if best == canon {
            canon_at.get_or_insert(span);
            continue;
        }
        if !is_variant(&best, &canon) || !seen.insert((span.start, span.end)) {
            continue;
        }
        let mut d = cx.diag(&[("found", best.clone()), ("label", canon.clone())]);
        d.labels.push(Label::new(span, "单位名称"));
        if let Some(c) = canon_at {
            d.labels.push(Label::new(c, "全称"));
        }
        if d.help.is_none() {
            d.help = Some(format!("单位全称为“{canon}”，各处应一致，不用简称或他称"));
        }
        cx.report(d);
    }
}

/// Is `cand` a slip for the name `canon`: a level left out
/// (`上海市城建和交通局`) or one character changed (`城建与交通局`)?
/// Two or more characters replaced make another name (`经济委员会` for
/// `商务委员会`, a second plate the unit carries), not a variant.
fn is_variant(cand: &str, canon: &str) -> bool {
    let a: Vec<char> = cand.chars().collect();
    let b: Vec<char> = canon.chars().collect();
    if a == b {
        return false;
    }
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suf = a.len().min(b.len()) - pre;
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suf)
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (a.len() - pre - suf, b.len() - pre - suf);
    pre >= 2 && suf >= 2 && ((mid_a == 0 && (1..=4).contains(&mid_b)) || (mid_a == 1 && mid_b == 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_name_variants() {
        assert_eq!(
            edit_distance("上海市城建和交通局", "上海市普陀区城建和交通局"),
            3
        );
        assert!(is_variant("上海市城建和交通局", "上海市普陀区城建和交通局"));
        assert!(is_variant(
            "上海市普陀区城建与交通局",
            "上海市普陀区城建和交通局"
        ));
        assert!(!is_variant(
            "上海市普陀区经济委员会",
            "上海市普陀区商务委员会"
        ));
        assert!(!is_variant(
            "上海市普陀区商务委员会",
            "上海市普陀区商务委员会"
        ));
    }
}
