//! `code-depth`: a table classified by 功能分类 or 经济分类 itemises every
//! amount down to the level the form asks for: 项 (7-digit codes) for the
//! 功能分类 tables, 款 (5 digits) for the 经济分类 ones. A coded row that
//! carries money and has no coded row below it is a leaf; a leaf above the
//! required level is a subject left unbroken.
//!
//! One finding per table, however many rows stop short: a table printed at
//! 类 level only is one defect, not one per 类.

use super::lookup::need_tables;
use super::{first_few, table_name, RuleKind};
use crate::diagnostic::Label;
use crate::document::table::TableName;
use crate::rule::compile::{many, CompileCx};
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;

#[derive(Debug, Clone)]
pub struct CodeDepth {
    pub tables: Vec<TableName>,
    /// Digits of the codes every amount must reach (7 = 项, 5 = 款).
    pub depth: usize,
    /// Codes the classification does not break down (227 预备费).
    pub except: Vec<String>,
}

impl RuleKind for CodeDepth {
    const KEYS: &'static [&'static str] = &["table", "tables", "depth", "except"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let tables = need_tables(rs, cx)?;
        let depth = match &rs.depth {
            Some(d) if [5, 7].contains(d.get_ref()) => *d.get_ref(),
            Some(d) => {
                cx.err(
                    d,
                    format!(
                        "depth = {} is not a level of the classification",
                        d.get_ref()
                    ),
                    "depth",
                    "depth = 7 (项, 功能分类) or depth = 5 (款, 经济分类)",
                );
                return None;
            }
            None => {
                cx.err(
                    &rs.kind,
                    "a `code-depth` rule needs `depth`",
                    "this kind",
                    "add `depth = 7` (项, 功能分类) or `depth = 5` (款, 经济分类)",
                );
                return None;
            }
        };
        let except = many(&rs.except);
        Some(CodeDepth {
            tables,
            depth,
            except,
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        if cx.standard_tables_ready() {
            code_depth(cx, &self.tables, self.depth, &self.except)
        }
    }
}

/// The level a code of this many digits names.
fn level(digits: usize) -> &'static str {
    match digits {
        3 => "类",
        5 => "款",
        7 => "项",
        _ => "科目",
    }
}

/// A coded row as [`short_leaves`] sees it.
struct Coded<'a> {
    code: &'a str,
    side: Option<&'a str>,
    /// Some cell of the row holds a figure other than 0.
    money: bool,
}

/// The rows (indices into `rows`) that carry money, stop above `depth`
/// digits, and have no row below them: no code on the same side extends
/// theirs.
fn short_leaves(rows: &[Coded], depth: usize) -> Vec<usize> {
    (0..rows.len())
        .filter(|&i| {
            let r = &rows[i];
            r.money
                && r.code.len() < depth
                && !rows.iter().any(|o| {
                    o.side == r.side && o.code.len() > r.code.len() && o.code.starts_with(r.code)
                })
        })
        .collect()
}

fn code_depth(cx: &mut RuleContext<'_>, tables: &[TableName], depth: usize, except: &[String]) {
    let Some(tis) = cx.tables_or_abstain(tables) else {
        return;
    };
    let mut evaluated = 0;
    for ti in tis {
        let t = &cx.doc.tables[ti];
        if !t.has_figures() {
            continue;
        }
        let coded: Vec<(usize, &str)> = t
            .data_rows()
            .filter_map(|(i, r)| r.code.as_deref().map(|c| (i, c)))
            .filter(|(_, c)| !except.iter().any(|e| e == c))
            .collect();
        if coded.is_empty() {
            continue;
        }
        evaluated += 1;
        let rows: Vec<Coded> = coded
            .iter()
            .map(|&(i, code)| Coded {
                code,
                side: t.rows[i].side.as_deref(),
                money: t.rows[i]
                    .cells
                    .iter()
                    .any(|c| c.number.as_ref().is_some_and(|n| !n.value.is_zero())),
            })
            .collect();
        let short: Vec<usize> = short_leaves(&rows, depth)
            .into_iter()
            .map(|k| coded[k].0)
            .collect();
        let Some(&first) = short.first() else {
            continue;
        };
        let rows = first_few(short.iter().map(|&i| cx.row_name(ti, i)), short.len(), "个");
        let mut d = cx.diag(&[
            ("table", table_name(t)),
            ("label", cx.row_name(ti, first)),
            ("rows", rows),
            ("count", short.len().to_string()),
            ("level", level(depth).to_owned()),
        ]);
        for &i in &short {
            let found = level(t.rows[i].code.as_deref().map_or(0, str::len));
            d.labels.push(Label::new(
                cx.row_span(ti, i),
                format!("只列到{found}级，下面没有{}级科目", level(depth)),
            ));
        }
        cx.report(d);
    }
    if evaluated == 0 {
        cx.not_checked("表中没有带科目编码的数据行".into(), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows<'a>(spec: &[(&'a str, Option<&'a str>, bool)]) -> Vec<Coded<'a>> {
        spec.iter()
            .map(|&(code, side, money)| Coded { code, side, money })
            .collect()
    }

    #[test]
    fn a_kuan_with_money_and_no_xiang_is_short() {
        let r = rows(&[
            ("201", None, true),
            ("20103", None, true),
            ("2010301", None, true),
            ("20106", None, true),
        ]);
        assert_eq!(short_leaves(&r, 7), vec![3]);
    }

    #[test]
    fn a_zero_row_need_not_be_broken_down() {
        let r = rows(&[
            ("201", None, true),
            ("20103", None, true),
            ("2010301", None, true),
            ("20106", None, false),
        ]);
        assert!(short_leaves(&r, 7).is_empty());
    }

    #[test]
    fn a_table_at_lei_level_names_every_lei() {
        let r = rows(&[
            ("201", None, true),
            ("208", None, true),
            ("221", None, true),
        ]);
        assert_eq!(short_leaves(&r, 7), vec![0, 1, 2]);
    }

    #[test]
    fn children_count_on_their_own_side_only() {
        // A two-sided 经济分类 table: 301 on the 人员经费 side has its 款 on
        // that side; 302 on the 公用经费 side has none.
        let r = rows(&[
            ("301", Some("人员经费"), true),
            ("30101", Some("人员经费"), true),
            ("302", Some("公用经费"), true),
            ("30201", Some("人员经费"), true),
        ]);
        assert_eq!(short_leaves(&r, 5), vec![2]);
    }

    #[test]
    fn depth_five_accepts_kuan_leaves() {
        let r = rows(&[
            ("301", None, true),
            ("30101", None, true),
            ("30102", None, true),
        ]);
        assert!(short_leaves(&r, 5).is_empty());
        assert_eq!(short_leaves(&r, 7), vec![1, 2]);
    }
}
