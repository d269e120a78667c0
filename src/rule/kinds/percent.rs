//! Shared by `growth` and `share`: a stated percentage that disagrees with
//! the one recomputed from its amounts, downgraded when the figure looks
//! truncated rather than rounded.

use super::range;
use crate::diagnostic::{Diagnostic, Severity};
use crate::quantity::{Agreement, Quantity};
use crate::rule::context::RuleContext;

/// A stated percentage that disagrees with the one recomputed: the
/// rule's diagnostic with `{label}`, `{stated}`, `{computed}`, `{range}`
/// (and `extra`) filled in, downgraded to `info` when the figure is right
/// once read as truncated rather than rounded (RULES.md §11). Returns the
/// values too, for the caller's help text (`values[2]` computed,
/// `values[3]` range).
pub(super) fn percent_mismatch(
    cx: &RuleContext<'_>,
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
    let mut d = cx.diag(&values);
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
