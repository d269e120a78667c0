//! `negative-cells`: the standard tables carry no negative figure, except
//! in a row or column whose name allows one (`except`: 比上年增减,
//! 经营结余 …). A 收入, 支出 or 结转 amount below zero is a slip of sign
//! or a figure typed into the wrong cell.
//!
//! One finding per table, with every negative cell labelled: a table whose
//! signs were read wrongly is one finding, not one per cell.

use super::lookup::cell_doubtful;
use super::{first_few, table_name, RuleKind};
use crate::diagnostic::Label;
use crate::document::table::TableName;
use crate::document::text::fold;
use crate::rule::compile::{many, table_names, CompileCx};
use crate::rule::context::RuleContext;
use crate::rule::spec::RuleSpec;

#[derive(Debug, Clone)]
pub struct NegativeCells {
    /// The tables judged; every standard table when empty.
    pub tables: Vec<TableName>,
    /// Words of a row label or column header under which a negative is
    /// allowed, folded.
    pub except: Vec<String>,
}

impl RuleKind for NegativeCells {
    const KEYS: &'static [&'static str] = &["table", "tables", "except"];

    fn compile(rs: &RuleSpec, _cx: &mut CompileCx) -> Option<Self> {
        Some(NegativeCells {
            tables: table_names(rs),
            except: many(&rs.except).iter().map(|w| fold(w)).collect(),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        if cx.standard_tables_ready() {
            negative_cells(cx, &self.tables, &self.except)
        }
    }
}

/// Does a row label or column header name a figure that may be negative?
fn allows(except: &[String], name: &str) -> bool {
    let name = fold(name);
    except.iter().any(|w| name.contains(w.as_str()))
}

fn negative_cells(cx: &mut RuleContext<'_>, tables: &[TableName], except: &[String]) {
    let tis: Vec<usize> = if tables.is_empty() {
        (0..cx.doc.tables.len())
            .filter(|&i| cx.doc.tables[i].standard.is_some() && cx.doc.tables[i].verdict.usable())
            .collect()
    } else {
        match cx.tables_or_abstain(tables) {
            Some(t) => t,
            None => return,
        }
    };
    let allowed = |name: &str| allows(except, name);
    for ti in tis {
        let t = &cx.doc.tables[ti];
        let mut found = Vec::new();
        for (ri, r) in t.data_rows() {
            if r.label.as_deref().is_some_and(allowed) {
                continue;
            }
            for c in &r.cells {
                let Some(col) = c.column.as_deref() else {
                    continue;
                };
                let negative = c
                    .number
                    .as_ref()
                    .is_some_and(|n| n.value.is_sign_negative() && !n.value.is_zero());
                if negative && !allowed(col) && !cell_doubtful(t, r, col) {
                    found.push((ri, col.to_owned(), c.text.clone(), c.span));
                }
            }
        }
        let Some(first) = found.first() else {
            continue;
        };
        let cells = first_few(
            found
                .iter()
                .map(|(ri, col, text, _)| format!("{}/{col} {text}", cx.row_name(ti, *ri))),
            found.len(),
            "处",
        );
        let mut d = cx.diag(&[
            ("table", table_name(t)),
            ("label", cx.row_name(ti, first.0)),
            ("found", first.2.clone()),
            ("cells", cells),
            ("count", found.len().to_string()),
        ]);
        for (_, col, _, span) in &found {
            d.labels.push(Label::new(*span, format!("{col}为负数")));
        }
        cx.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn except_words_match_headers_as_printed() {
        let except: Vec<String> = ["增减", "经营结余"].iter().map(|w| fold(w)).collect();
        assert!(allows(&except, "比上年增减（%）"));
        assert!(allows(&except, "支出/比上年 增减"));
        assert!(allows(&except, "其中：经营结余"));
        assert!(!allows(&except, "项目支出"));
        assert!(!allows(&except, "年末结转和结余"));
    }
}
