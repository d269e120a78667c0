//! Finding things in a document [`Table`] by the names people use: the
//! table by its standard name or title, its rows by label or code, its
//! columns by header path or leaf. The rule kinds, the rule context and the
//! script API all resolve through these.

use super::StandardTable;
use crate::document::text::fold;
use crate::document::{Cell, Row, RowKind, Table};
use regex::Regex;
use std::sync::LazyLock;

/// A year or table number before a title: `2024年度`, `表一：`.
static YEAR_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[0-9０-９]{4}年度?|表[一二三四五六七八九十0-9０-９]+[:、]?)").unwrap()
});

/// A table as a rule pack names it, parsed once when the pack loads: the
/// standard table the name is, if any, and the folded name for title
/// matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName {
    /// As the pack writes it (trimmed), for messages.
    pub written: String,
    /// Folded.
    pub name: String,
    pub standard: Option<StandardTable>,
}

impl TableName {
    pub fn new(name: &str) -> TableName {
        TableName {
            written: name.trim().to_owned(),
            name: fold(name),
            standard: StandardTable::from_name(name),
        }
    }
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.written)
    }
}

impl Table {
    /// Is this the table a rule pack calls `name`? A standard table answers
    /// to its standard name; any table to its title (year and number
    /// prefix ignored); a non-standard table also to a part of its title.
    pub fn matches(&self, name: &TableName) -> bool {
        if self.standard.is_some() && self.standard == name.standard {
            return true;
        }
        let Some(title) = self.title.as_deref() else {
            return false;
        };
        let want = name.name.as_str();
        let title = fold(title);
        let title = YEAR_PREFIX.replace(&title, "");
        title == want || (self.standard.is_none() && title.contains(want))
    }

    /// [`Table::matches`] for a name not parsed yet.
    pub fn matches_name(&self, name: &str) -> bool {
        self.matches(&TableName::new(name))
    }

    /// The rows that are not headers, with their indexes.
    pub fn data_rows(&self) -> impl Iterator<Item = (usize, &Row)> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind != RowKind::Header)
    }

    /// Does any data cell carry a number? (A blank template does not.)
    pub fn has_figures(&self) -> bool {
        self.data_rows()
            .any(|(_, r)| r.cells.iter().any(|c| c.number.is_some()))
    }
}

/// A value column of a document [`Table`]: where a rule or script finds a
/// cell by header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableColumn {
    /// The header path, folded and joined with `/` (`支出/合计`); the
    /// `column` of the cells under it.
    pub path: String,
    /// The last part of the path (`合计`).
    pub leaf: String,
    /// The side of a two-sided table (`收入`, `支出` …) the column is on.
    pub side: Option<String>,
}

impl TableColumn {
    /// A column from its folded header path; the leaf is its last part.
    pub fn new(path: String, side: Option<String>) -> TableColumn {
        let leaf = path.rsplit('/').next().unwrap_or(&path).to_owned();
        TableColumn { path, leaf, side }
    }
}

/// `执行率(%)` → `执行率`; `指标得分(分)` → `指标得分`.
pub fn strip_unit_suffix(s: &str) -> &str {
    if s.ends_with(')') {
        if let Some(i) = s.rfind('(') {
            if i > 0 {
                return &s[..i];
            }
        }
    }
    s
}

/// A list number at the start of a row label: `一、`, `1.`, `(一)`.
pub static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]+[、.]|[0-9０-９]{1,2}[、.]|\([一二三四五六七八九十0-9０-９]+\)、?)")
        .unwrap()
});

/// A label without its list number (`一、`, `1.`, `(一)`) and `其中:`.
pub fn bare_label(l: &str) -> String {
    let f = fold(l);
    let f = f.trim_start_matches("其中:").trim_start_matches("其中");
    NUMBERING.replace(f, "").into_owned()
}

impl Table {
    /// The columns as the header rows name them, for a table built from
    /// its rows (TAB text): the cells of the first row when it is a header
    /// row, else every distinct cell column in order.
    pub fn columns_from_headers(&self) -> Vec<TableColumn> {
        let paths: Vec<String> = match self.rows.first() {
            Some(h) if h.kind == RowKind::Header => h.cells.iter().map(|c| c.key.clone()).collect(),
            _ => self.headers().iter().map(|s| s.to_string()).collect(),
        };
        paths
            .into_iter()
            .map(|p| TableColumn::new(p, None))
            .collect()
    }

    /// The column named `want` on a side (a row's side; `None`: any): by
    /// full path, then leaf, then path suffix, then leaf without a unit
    /// suffix (`执行率` for `执行率(%)`). A column of no side (a path
    /// without `/`) is on every side.
    pub fn column(&self, want: &str, side: Option<&str>) -> Option<&TableColumn> {
        let want = fold(want);
        let cands: Vec<&TableColumn> = self
            .columns
            .iter()
            .filter(|c| match side {
                Some(s) => c.side.as_deref() == Some(s) || !c.path.contains('/'),
                None => true,
            })
            .collect();
        let suffix = format!("/{want}");
        cands
            .iter()
            .find(|c| c.path == want)
            .or_else(|| cands.iter().find(|c| c.leaf == want))
            .or_else(|| cands.iter().find(|c| c.path.ends_with(&suffix)))
            .or_else(|| {
                cands
                    .iter()
                    .find(|c| strip_unit_suffix(&c.leaf) == strip_unit_suffix(&want))
            })
            .copied()
    }

    /// Data rows whose code (`key` all digits) or label is `key`: the label
    /// exactly (folded), else without list numbers and `其中:`.
    pub fn rows_named(&self, key: &str) -> Vec<usize> {
        let k = fold(key);
        if !k.is_empty() && k.chars().all(|c| c.is_ascii_digit()) {
            return self
                .data_rows()
                .filter(|(_, r)| r.code.as_deref() == Some(k.as_str()))
                .map(|(i, _)| i)
                .collect();
        }
        let exact: Vec<usize> = self
            .data_rows()
            .filter(|(_, r)| r.label.as_deref().map(fold).as_deref() == Some(k.as_str()))
            .map(|(i, _)| i)
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        let bk = bare_label(&k);
        self.data_rows()
            .filter(|(_, r)| r.label.as_deref().is_some_and(|l| bare_label(l) == bk))
            .map(|(i, _)| i)
            .collect()
    }
}

impl Row {
    /// The cell under a column header, matched after folding; a header
    /// written with a unit (`指标得分（分）`) also answers to `指标得分`.
    /// The scripts' resolver, over a row's own cells: unlike
    /// [`Table::column`] it knows no side and no path suffix, and drops the
    /// unit suffix from the whole path (kept so scripts see no change).
    pub fn get(&self, header: &str) -> Option<&Cell> {
        let want = fold(header);
        self.cells
            .iter()
            .find(|c| c.column.as_deref() == Some(want.as_str()))
            // A layout table keys cells by header path (`支出/合计`).
            .or_else(|| {
                self.cells.iter().find(|c| {
                    c.column
                        .as_deref()
                        .and_then(|col| col.rsplit('/').next())
                        .is_some_and(|leaf| leaf == want)
                })
            })
            .or_else(|| {
                self.cells.iter().find(|c| {
                    c.column
                        .as_deref()
                        .is_some_and(|col| strip_unit_suffix(col) == strip_unit_suffix(&want))
                })
            })
    }
}

impl Table {
    /// The data row with this label (folded comparison; `其中：` ignored).
    pub fn row(&self, label: &str) -> Option<&Row> {
        let want = fold(label);
        self.rows.iter().find(|r| {
            r.kind != RowKind::Header
                && r.label
                    .as_deref()
                    .is_some_and(|l| strip_list_prefix(l) == strip_list_prefix(&want))
        })
    }
}

fn strip_list_prefix(s: &str) -> &str {
    s.trim_start_matches("其中:").trim_start_matches("其中")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::TableSource;
    use crate::source::Span;

    fn row(kind: RowKind, label: Option<&str>, code: Option<&str>, side: Option<&str>) -> Row {
        Row {
            kind,
            header: None,
            label: label.map(fold),
            label_span: None,
            code: code.map(str::to_owned),
            side: side.map(str::to_owned),
            cells: vec![Cell::new("1.00".into(), Span::new(0, 4))],
        }
    }

    fn table(columns: &[(&str, Option<&str>)], rows: Vec<Row>) -> Table {
        Table {
            title: Some("2024年度收入支出决算总表".into()),
            title_span: None,
            kind: None,
            unit: Some("万元".into()),
            unit_span: None,
            span: Span::new(0, 0),
            rows,
            source: TableSource::Layout,
            empty_statement: None,
            standard: None,
            columns: columns
                .iter()
                .map(|(p, s)| TableColumn::new(fold(p), s.map(str::to_owned)))
                .collect(),
            verdict: Default::default(),
            reading_doubt: None,
        }
    }

    /// T1-like: 收入/决算数 | 支出/决算数, plus a side-less 执行率（%）.
    fn two_sided() -> Table {
        table(
            &[
                ("收入/决算数", Some("收入")),
                ("支出/合计", Some("支出")),
                ("支出/基本支出", Some("支出")),
                ("执行率（%）", None),
            ],
            vec![
                row(RowKind::Header, None, None, None),
                row(RowKind::Data, Some("一、财政拨款收入"), None, Some("收入")),
                row(
                    RowKind::Data,
                    Some("一般公共服务支出"),
                    Some("201"),
                    Some("支出"),
                ),
                row(RowKind::Data, Some("其中：基本支出"), None, Some("支出")),
            ],
        )
    }

    #[test]
    fn column_by_path_leaf_suffix_and_unit() {
        let t = two_sided();
        let path = |w: &str, s: Option<&str>| t.column(w, s).map(|c| c.path.as_str());
        // Full path, on any side.
        assert_eq!(path("支出/合计", None), Some("支出/合计"));
        // Leaf: the first column of that leaf on the row's side.
        assert_eq!(path("决算数", Some("收入")), Some("收入/决算数"));
        assert_eq!(path("合计", Some("支出")), Some("支出/合计"));
        assert_eq!(path("决算数", Some("支出")), None);
        assert_eq!(path("合计", Some("收入")), None);
        // Path suffix.
        assert_eq!(path("支出 / 基本支出", None), Some("支出/基本支出"));
        // Without the unit suffix; a side-less column is on every side.
        assert_eq!(path("执行率", Some("收入")), Some("执行率(%)"));
        assert_eq!(path("执行率(%)", Some("支出")), Some("执行率(%)"));
        let c = t.column("基本支出", None).unwrap();
        assert_eq!(
            (c.leaf.as_str(), c.side.as_deref()),
            ("基本支出", Some("支出"))
        );
    }

    #[test]
    fn rows_by_code_label_and_bare_label() {
        let t = two_sided();
        assert_eq!(t.rows_named("201"), vec![2]);
        assert_eq!(t.rows_named("999"), Vec::<usize>::new());
        assert_eq!(t.rows_named("一、财政拨款收入"), vec![1]);
        // Numbering and 其中 ignored when no label matches exactly.
        assert_eq!(t.rows_named("财政拨款收入"), vec![1]);
        assert_eq!(t.rows_named("基本支出"), vec![3]);
        // Header rows are never found.
        assert_eq!(t.data_rows().map(|(i, _)| i).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(t.has_figures());
    }

    #[test]
    fn standard_name_or_title() {
        let mut t = two_sided();
        // Not identified: the title (year dropped) or a part of it.
        assert!(t.matches_name("收入支出决算总表"));
        assert!(t.matches_name("决算总表"));
        t.standard = Some(StandardTable::IncomeExpenditureTotal);
        t.title = Some("表一：部门收支总表".into());
        // Identified: its standard name; a title part no longer does.
        assert!(t.matches_name("收入支出决算总表"));
        assert!(t.matches_name("部门收支总表"));
        assert!(!t.matches_name("收支总表"));
        assert!(!t.matches_name("收入决算表"));
    }

    #[test]
    fn columns_from_tab_header_rows() {
        let mut head = row(RowKind::Header, None, None, None);
        head.cells = ["项目名称", "指标得分（分）"]
            .iter()
            .map(|s| Cell::new((*s).into(), Span::new(0, 0)))
            .collect();
        let t = table(&[], vec![head, row(RowKind::Data, Some("甲"), None, None)]);
        let cols = t.columns_from_headers();
        assert_eq!(
            cols.iter().map(|c| c.path.as_str()).collect::<Vec<_>>(),
            ["项目名称", "指标得分(分)"]
        );
        assert!(cols.iter().all(|c| c.side.is_none()));
    }
}
