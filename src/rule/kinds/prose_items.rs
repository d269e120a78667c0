//! `prose-items`: the 功能分类 items named in prose (`…（类）…（款）…（项）`)
//! exist in the table under the same names, and their amounts agree.

use super::lookup::*;
use super::{show_q, RuleKind};
use crate::diagnostic::Label;
use crate::document::table::TableName;
use crate::document::text::{fold, folds_to};
use crate::document::Fact;
use crate::quantity::Agreement;
use crate::rule::compile::{many, CompileCx};
use crate::rule::context::{table_list_name, RuleContext};
use crate::rule::spec::RuleSpec;
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct ProseItems {
    pub tables: Vec<TableName>,
    pub column: String,
    /// Labels of the item's amount in the prose.
    pub figure: Vec<String>,
    pub names: bool,
    pub amounts: bool,
}

impl RuleKind for ProseItems {
    const KEYS: &'static [&'static str] = &["table", "tables", "column", "figure", "check"];

    fn compile(rs: &RuleSpec, cx: &mut CompileCx) -> Option<Self> {
        let kind = &rs.kind;
        let tables = need_tables(rs, cx)?;
        let Some(column) = rs.column.as_ref().map(|c| c.get_ref().clone()) else {
            cx.err(
                kind,
                "a `prose-items` rule needs `column`",
                "this kind",
                "add `column = \"合计\"`",
            );
            return None;
        };
        let check = rs
            .check
            .clone()
            .unwrap_or_else(|| vec!["names".into(), "amounts".into()]);
        for c in &check {
            if c != "names" && c != "amounts" {
                cx.err(
                    kind,
                    format!("unknown prose-items check `{c}`"),
                    "this rule",
                    "check takes \"names\" and/or \"amounts\"",
                );
                return None;
            }
        }
        Some(ProseItems {
            tables,
            column,
            figure: many(&rs.figure),
            names: check.iter().any(|c| c == "names"),
            amounts: check.iter().any(|c| c == "amounts"),
        })
    }

    fn run(&self, cx: &mut RuleContext) {
        if cx.standard_tables_ready() {
            items(
                cx,
                &self.tables,
                &self.column,
                &self.figure,
                self.names,
                self.amounts,
            )
        }
    }
}

fn items(
    cx: &mut RuleContext<'_>,
    tables: &[TableName],
    column: &str,
    figure: &[String],
    names: bool,
    amounts: bool,
) {
    let table_names = table_list_name(tables);
    let table = table_names.as_str();
    let usable = cx.tables_any(tables);
    let tis: Vec<usize> = usable
        .iter()
        .copied()
        .filter(|&i| cx.doc.tables[i].has_figures())
        .collect();
    let found = crate::document::items::prose_items(cx.doc, cx.text);
    if found.is_empty() {
        return;
    }
    let Some(&ti) = tis.first() else {
        // Not there: say so. There but read without figures (an empty
        // table): say so too. There but not read reliably: the table gate
        // has said so once.
        let at = Span::new(found[0].start as usize, found[0].end as usize);
        if !tables.iter().any(|n| cx.table_present(n)) {
            cx.not_checked(format!("说明中列有科目，但报告中未找到“{table}”"), Some(at));
        } else if let Some(&empty) = usable.first() {
            let at = cx.title_span(empty);
            cx.not_checked(format!("说明中列有科目，但“{table}”中没有数字"), Some(at));
        }
        return;
    };
    let t = &cx.doc.tables[ti];
    let title = t
        .kind
        .clone()
        .or(t.title.clone())
        .unwrap_or(table_names.clone());
    let table = title.as_str();
    let Some(col) = t.column(column, None).map(|c| c.path.clone()) else {
        let at = cx.title_span(ti);
        cx.not_checked(format!("“{table}”中没有“{column}”栏"), Some(at));
        return;
    };
    let facts = prose_facts(cx);
    let mut evaluated = 0;
    for (k, item) in found.iter().enumerate() {
        let region_end = found
            .get(k + 1)
            .map_or(cx.text.len() as u32, |n| n.start)
            .min(item.limit.unwrap_or(u32::MAX));
        let start = item.start;
        // Within the section that lists the items (the item may itself be
        // a heading).
        let mut sec = crate::document::section_at(cx.doc, start);
        while let Some(h) = cx.doc.sections[sec].heading {
            let hs = cx.doc.headings[h].span;
            if hs.start <= start && start < hs.end.max(hs.start + 1) {
                sec = cx.doc.sections[sec].parent.unwrap_or(0);
            } else {
                break;
            }
        }
        let sec_end = if sec == 0 {
            cx.text.len() as u32
        } else {
            cx.doc.sections[sec].span.end
        };
        let end = region_end.min(sec_end);
        // Resolve 类 → 款 → 项 in the table.
        let mut parent: Option<usize> = None;
        let mut resolved = true;
        for (level, (name, range)) in item.names.iter().enumerate() {
            let len = 3 + 2 * level;
            let want = fold(name);
            let hit = t
                .data_rows()
                .filter(|(_, r)| {
                    r.code.as_deref().is_some_and(|c| {
                        c.len() == len
                            && parent.is_none_or(|p| {
                                c.starts_with(t.rows[p].code.as_deref().unwrap_or("-"))
                            })
                    })
                })
                .find(|(_, r)| r.label.as_deref().is_some_and(|l| fold(l) == want))
                .map(|(i, _)| i);
            match hit {
                Some(i) => parent = Some(i),
                None => {
                    resolved = false;
                    if names {
                        let at = *range;
                        let level_name = ["类", "款", "项"][level];
                        let under = parent.map(|p| cx.row_name(ti, p));
                        let msg = match &under {
                            Some(u) => {
                                format!("说明中的{level_name}“{name}”在“{table}”的“{u}”下不存在")
                            }
                            None => format!("说明中的{level_name}“{name}”在“{table}”中不存在"),
                        };
                        let mut d = cx.diag(&[
                            ("label", name.clone()),
                            ("table", table.to_owned()),
                            ("found", msg.clone()),
                        ]);
                        if cx.rule.message.is_empty() {
                            d.message = msg;
                        }
                        d.labels.push(Label::new(at, format!("{level_name}名称")));
                        if let Some(p) = parent {
                            d.labels
                                .push(Label::new(cx.row_span(ti, p), "表中的上级科目"));
                        }
                        if d.help.is_none() {
                            d.help = Some(format!(
                                "科目名称应与“{table}”一致（现行政府收支分类科目）；核对名称或编码"
                            ));
                        }
                        cx.report(d);
                    }
                    break;
                }
            }
        }
        if !amounts {
            continue;
        }
        let amount_facts: Vec<&Fact> = facts
            .iter()
            .copied()
            .filter(|f| f.span.start >= start && f.span.start < end)
            .filter(|f| {
                let l = f.key.as_str();
                l.contains("(项)")
                    || l.ends_with("(类)")
                    || l.ends_with("科目")
                    || figure.iter().any(|a| folds_to(a, l))
            })
            .collect();
        if amount_facts.is_empty() {
            continue;
        }
        let Some(ri) = parent.filter(|_| resolved) else {
            if !names {
                cx.not_checked(
                    format!("说明中的科目“{}”在表中找不到，金额未核对", item.path()),
                    Some(amount_facts[0].span),
                );
            }
            continue;
        };
        let row = &t.rows[ri];
        let v = cell_val(row, &col).unwrap_or_else(Val::blank);
        for f in amount_facts {
            let Some(q) = f.quantity_wan() else {
                continue;
            };
            evaluated += 1;
            cx.out.covered.insert(f.id);
            let s: Vec<Span> = v.span.into_iter().collect();
            cx.cover_spans(ti, &s);
            // Same precision and unit: the digits must be the same.
            let restated_differs = super::digits_differ(f.number.as_ref(), v.number.as_ref());
            if !restated_differs && q.agrees(&v.wan) != Agreement::Inconsistent {
                continue;
            }
            let unit = unit_word(t);
            let table_shown = if unit == "万元" || unit.is_empty() {
                format!("{}万元", v.written)
            } else {
                format!("{}{unit}（{}万元）", v.written, show_q(&v.wan))
            };
            let written = f
                .number
                .as_ref()
                .map(|n| n.written.clone())
                .unwrap_or_default();
            let values = [
                ("label", item.path()),
                ("table", table.to_owned()),
                ("row", cx.row_name(ti, ri)),
                ("stated", written.clone()),
                ("computed", table_shown.clone()),
                ("range", format!("{}万元", v.wan.display_range(2))),
            ];
            let mut d = cx.diag(&values);
            d.labels.push(Label::new(f.span, "文字所述"));
            d.labels.push(Label::new(
                v.span.unwrap_or_else(|| cx.row_span(ti, ri)),
                format!("{table}：{}", cx.row_name(ti, ri)),
            ));
            if d.help.is_none() {
                d.help = Some(format!(
                    "说明中“{}”为 {written}，{table}中 {} 的“{column}”为 {table_shown}",
                    item.path(),
                    cx.row_name(ti, ri)
                ));
            }
            cx.report(d);
        }
    }
    if evaluated == 0 && amounts && !names {
        cx.not_checked("说明中的科目金额无法与表格比较".into(), None);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{appropriation_table, findings, run, BASIC_EXPENDITURE};

    fn rule(check: &str) -> String {
        format!("[[rule]]\nid = \"t\"\nkind = \"prose-items\"\nseverity = \"error\"\nmessage = \"{{label}}\"\ntable = \"一般公共预算财政拨款支出决算表\"\ncolumn = \"合计\"\nfigure = \"支出决算\"\ncheck = [\"{check}\"]\n")
    }

    /// The prose on one item: its 项 name and its 支出决算.
    fn prose(item: &str, spent: &str) -> String {
        format!(
            "\
五、一般公共预算财政拨款支出决算具体情况
1、一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）{item}（项）。年初预算为 260.00 万元，支出决算为 {spent}，完成年初预算的 98.87%。
"
        )
    }

    #[test]
    fn an_item_whose_amount_differs_from_its_row() {
        let text = format!(
            "{}{}",
            appropriation_table(),
            prose("行政运行", "257.50 万元")
        );
        assert_eq!(findings(&rule("amounts"), &text), ["257.50 万元"]);
    }

    #[test]
    fn an_item_whose_amount_is_its_row() {
        let text = format!(
            "{}{}",
            appropriation_table(),
            prose("行政运行", "257.05 万元")
        );
        let (found, notes) = run(&rule("amounts"), &text);
        assert!(found.is_empty() && notes.is_empty(), "{found:?} {notes:?}");
    }

    #[test]
    fn an_item_name_the_table_does_not_have() {
        let text = format!(
            "{}{}",
            appropriation_table(),
            prose("机关运行", "257.05 万元")
        );
        assert_eq!(findings(&rule("names"), &text), ["机关运行"]);
    }

    #[test]
    fn items_without_their_table_say_not_checked() {
        // Another standard table is there, not the one the items are in.
        let text = format!("{BASIC_EXPENDITURE}{}", prose("行政运行", "257.50 万元"));
        let (found, notes) = run(&rule("amounts"), &text);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(
            notes,
            ["未能核对：说明中列有科目，但报告中未找到“一般公共预算财政拨款支出决算表”"]
        );
    }

    /// The table is there but holds no figures (本表无数据) while the prose
    /// lists its items: not checked, and said so, not a silent pass.
    #[test]
    fn items_beside_an_empty_table_say_not_checked() {
        let empty: String = appropriation_table()
            .lines()
            .filter(|l| !l.contains("257.05"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .replace(
                "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
                "说明：本单位本年度没有一般公共预算财政拨款支出，故本表无数据。",
            );
        let text = format!(
            "{BASIC_EXPENDITURE}{empty}{}",
            prose("行政运行", "257.50 万元")
        );
        let (found, notes) = run(&rule("amounts"), &text);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(
            notes,
            ["未能核对：说明中列有科目，但“一般公共预算财政拨款支出决算表”中没有数字"],
            "{empty}"
        );
    }
}
