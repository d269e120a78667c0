//! Tables laid out in columns of spaces (`pdftotext -layout` output).
//!
//! Entry point: [`find_layout_tables`]. It scans the text for table titles
//! (a short line ending in `表` followed within a few lines by `单位：万元`-style
//! unit text, or a title recognised as one of the standard 决算/预算 tables),
//! reads the header lines below the title, then the body lines until the
//! footnote (`注：…`, `说明：…`), the next title, or narrative prose.  Pages
//! (form feeds) are followed: a table continues on the next page when that
//! page starts with a repeated header or with table-like lines.
//!
//! # Geometry
//! Positions are measured in **characters** (one column per `char`, CJK or
//! ASCII alike; form feeds count zero), which is how pdftotext lays lines
//! out.  Positions are only approximate: pdftotext pushes a fragment to the
//! right when the text before it on the same line is long, and every page
//! has its own scale (a continuation page without header is usually
//! compressed).  Therefore numbers are mapped to columns by a monotone
//! nearest-anchor alignment (header anchors on pages with a header, clusters
//! of the page's own numbers otherwise), and a line carrying exactly as many
//! numbers as the side has columns is mapped in order.
//!
//! # Representation
//! * `columns` are the *value* columns only (the label/code columns are
//!   `LayoutRow::label`/`code`).  `Column::header` is the header path joined
//!   with `/` ("支出/合计", "本年支出/基本支出", "收入预算/合计").  For the
//!   standard tables the column set is fixed by [`StandardTable`] (so empty
//!   tables still have their columns); the printed header only locates them.
//! * Two-sided tables (T1, T4, T6, 财务收支预算总表, 财政拨款收支预算总表) yield
//!   one `LayoutRow` per side and physical row: `row.side` is the side name
//!   ("收入"/"支出", "本年收入"/"本年支出", "财政拨款收入"/"财政拨款支出",
//!   T6: "人员经费" (left: 301/303) / "公用经费" (right: 302/310)), and only
//!   the cells of columns with the same `side` can be `Some`.  Every row has
//!   `cells.len() == columns.len()`.
//!   So a lookup by (row label or code, column header) is unambiguous; use
//!   [`LayoutTable::cell`], which matches the row by code or label and the
//!   column by full header, key, or header suffix, restricted to the row side.
//! * Wrapped labels are joined (pieces above, on and below the number line);
//!   `label_spans` lists every piece.  Codes are normalised: spaces removed,
//!   a split code `301 2` is padded to `30102` (the `code_span` still points at
//!   the printed text).
//! * The 三公 tables have one unlabeled row (`label == ""`).
//! * `span` covers title to last footnote line; footnotes are not rows.
//!   `empty_statement` is the line saying the table is empty (本表无数据 /
//!   本表为空表), even when the table nevertheless carries numbers.
//! * Pipe rows (`a | b | c |`, FORMS §8 shape 3) are returned as tables with
//!   `kind == None`, the first pipe line as header.

use crate::source::Span;
use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum StandardTable {
    /// T1 收入支出决算总表 (two-sided 收入 | 支出)
    IncomeExpenditureTotal,
    /// T2 收入决算表
    Income,
    /// T3 支出决算表
    Expenditure,
    /// T4 财政拨款收入支出决算总表 (two-sided)
    FiscalIncomeExpenditureTotal,
    /// T5 一般公共预算财政拨款支出决算表
    GeneralPublicExpenditure,
    /// T6 一般公共预算财政拨款基本支出决算表 (two-sided by 经济分类)
    GeneralPublicBasicExpenditure,
    /// T7 财政拨款"三公"经费支出决算表
    ThreeCosts,
    /// T8 政府性基金预算财政拨款收入支出决算表
    GovFund,
    /// T9 国有资本经营预算财政拨款收入支出决算表
    StateCapital,
    /// 部门财务收支预算总表 (two-sided)
    BudgetFinanceTotal,
    /// 部门收入预算总表
    BudgetIncome,
    /// 部门支出预算总表
    BudgetExpenditure,
    /// 部门财政拨款收支预算总表 (two-sided)
    BudgetFiscalTotal,
    /// 部门一般公共预算支出功能分类预算表
    BudgetGeneralPublicFunctional,
    /// 部门政府性基金预算支出功能分类预算表
    BudgetGovFundFunctional,
    /// 部门国有资本经营预算支出功能分类预算表
    BudgetStateCapitalFunctional,
    /// 部门一般公共预算基本支出部门预算经济分类预算表
    BudgetBasicEconomic,
    /// 部门"三公"经费和机关运行经费预算表
    BudgetThreeCosts,
}

impl StandardTable {
    pub fn name(&self) -> &'static str {
        use StandardTable::*;
        match self {
            IncomeExpenditureTotal => "收入支出决算总表",
            Income => "收入决算表",
            Expenditure => "支出决算表",
            FiscalIncomeExpenditureTotal => "财政拨款收入支出决算总表",
            GeneralPublicExpenditure => "一般公共预算财政拨款支出决算表",
            GeneralPublicBasicExpenditure => "一般公共预算财政拨款基本支出决算表",
            ThreeCosts => "财政拨款“三公”经费支出决算表",
            GovFund => "政府性基金预算财政拨款收入支出决算表",
            StateCapital => "国有资本经营预算财政拨款收入支出决算表",
            BudgetFinanceTotal => "部门财务收支预算总表",
            BudgetIncome => "部门收入预算总表",
            BudgetExpenditure => "部门支出预算总表",
            BudgetFiscalTotal => "部门财政拨款收支预算总表",
            BudgetGeneralPublicFunctional => "部门一般公共预算支出功能分类预算表",
            BudgetGovFundFunctional => "部门政府性基金预算支出功能分类预算表",
            BudgetStateCapitalFunctional => "部门国有资本经营预算支出功能分类预算表",
            BudgetBasicEconomic => "部门一般公共预算基本支出部门预算经济分类预算表",
            BudgetThreeCosts => "部门“三公”经费和机关运行经费预算表",
        }
    }

    /// Identify a table from its printed title (numbering, year, quotes and
    /// spaces tolerated).
    pub fn from_title(title: &str) -> Option<StandardTable> {
        use StandardTable::*;
        let t: String = title
            .chars()
            .filter(|c| !c.is_whitespace() && !"“”\"'‘’《》".contains(*c))
            .collect();
        let t = t
            .replace('決', "决")
            .replace('預', "预")
            .replace('撥', "拨")
            .replace('費', "费");
        if !t.ends_with('表') || t.chars().count() > 60 {
            return None;
        }
        let fin = t.contains("决算");
        let bud = t.contains("预算表") || t.contains("预算总表");
        let has = |s: &str| t.contains(s);
        if has("三公") {
            return if fin {
                Some(ThreeCosts)
            } else {
                Some(BudgetThreeCosts)
            };
        }
        if fin {
            if has("国有资本经营预算财政拨款收入支出决算") {
                return Some(StateCapital);
            }
            if has("政府性基金预算财政拨款收入支出决算") {
                return Some(GovFund);
            }
            if has("一般公共预算财政拨款基本支出决算") {
                return Some(GeneralPublicBasicExpenditure);
            }
            if has("一般公共预算财政拨款支出决算") {
                return Some(GeneralPublicExpenditure);
            }
            if has("财政拨款收入支出决算总表") {
                return Some(FiscalIncomeExpenditureTotal);
            }
            if has("收入支出决算总表") {
                return Some(IncomeExpenditureTotal);
            }
            if t.ends_with("收入决算表") {
                return Some(Income);
            }
            if t.ends_with("支出决算表") {
                return Some(Expenditure);
            }
            return None;
        }
        if bud {
            if has("国有资本经营预算支出功能分类预算表") {
                return Some(BudgetStateCapitalFunctional);
            }
            if has("政府性基金预算支出功能分类预算表") {
                return Some(BudgetGovFundFunctional);
            }
            if has("基本支出") && has("经济分类") {
                return Some(BudgetBasicEconomic);
            }
            if has("一般公共预算支出功能分类预算表") {
                return Some(BudgetGeneralPublicFunctional);
            }
            if has("财政拨款收支预算总表") || has("财政拨款收入支出预算总表")
            {
                return Some(BudgetFiscalTotal);
            }
            if has("财务收支预算总表") || has("收支预算总表") {
                return Some(BudgetFinanceTotal);
            }
            if has("收入预算总表") || t.ends_with("收入预算表") {
                return Some(BudgetIncome);
            }
            if has("支出预算总表") || t.ends_with("支出预算表") {
                return Some(BudgetExpenditure);
            }
        }
        None
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Column {
    /// full header path joined with `/`, e.g. "收入/决算数", "本年支出/合计"
    pub header: String,
    /// leaf header text, e.g. "决算数", "合计"
    pub key: String,
    /// side name for two-sided tables
    pub side: Option<String>,
    /// span of the (first piece of the) leaf header as printed, if located
    pub span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LayoutCell {
    pub text: String,
    pub span: Span,
    pub value: Decimal,
    pub decimals: u32,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LayoutRow {
    pub label: String,
    pub label_spans: Vec<Span>,
    pub code: Option<String>,
    pub code_span: Option<Span>,
    pub cells: Vec<Option<LayoutCell>>,
    pub side: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LayoutTable {
    pub title: String,
    pub title_span: Span,
    pub kind: Option<StandardTable>,
    pub unit: Option<String>,
    pub unit_span: Option<Span>,
    pub columns: Vec<Column>,
    pub rows: Vec<LayoutRow>,
    pub span: Span,
    pub empty_statement: Option<Span>,
    /// spans of footnote lines (`注：…`, `说明：…`) belonging to the table
    pub notes: Vec<Span>,
}

impl LayoutTable {
    /// Index of the column named `name` (full header, leaf key, or header
    /// suffix after `/`), restricted to `side` when given.
    pub fn column_index(&self, name: &str, side: Option<&str>) -> Option<usize> {
        let name = norm_key(name);
        let ok_side = |c: &Column| side.is_none() || c.side.as_deref() == side;
        let pass =
            |f: &dyn Fn(&Column) -> bool| self.columns.iter().position(|c| ok_side(c) && f(c));
        pass(&|c| norm_key(&c.header) == name)
            .or_else(|| pass(&|c| norm_key(&c.key) == name))
            .or_else(|| pass(&|c| norm_key(&c.header).ends_with(&format!("/{name}"))))
    }

    /// Rows whose code or label equals `key` (label compared without spaces).
    pub fn rows_matching<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a LayoutRow> + 'a {
        let k: String = key.chars().filter(|c| !c.is_whitespace()).collect();
        self.rows
            .iter()
            .filter(move |r| r.code.as_deref() == Some(k.as_str()) || r.label == k)
    }

    /// Cell at (row code or label, column header); the column is looked up on
    /// the row's side.  `None` when the row/column is unknown or the cell empty.
    pub fn cell(&self, row_key: &str, column: &str) -> Option<&LayoutCell> {
        for r in self.rows_matching(row_key) {
            if let Some(ci) = self.column_index(column, r.side.as_deref()) {
                if let Some(Some(c)) = r.cells.get(ci) {
                    return Some(c);
                }
            }
        }
        None
    }

    /// Convenience: value of [`LayoutTable::cell`].
    pub fn value(&self, row_key: &str, column: &str) -> Option<Decimal> {
        self.cell(row_key, column).map(|c| c.value)
    }
}

/// Find and parse every column-laid-out table (and pipe-row table) in `text`.
pub fn find_layout_tables(text: &str) -> Vec<LayoutTable> {
    let lines = split_lines(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(t) = title_at(text, &lines, i) {
            let (table, end) = parse_table(text, &lines, i, t);
            out.push(table);
            i = end.max(i + 1);
            continue;
        }
        if let Some((table, end)) = pipe_table_at(text, &lines, i) {
            out.push(table);
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------
// Schemas of the standard tables
// ---------------------------------------------------------------------------

struct SideSchema {
    name: Option<&'static str>,
    /// (header path, key)
    cols: &'static [(&'static str, &'static str)],
}

struct Schema {
    sides: Vec<SideSchema>,
    coded: bool,
}

fn schema(kind: StandardTable) -> Schema {
    use StandardTable::*;
    let one = |cols: &'static [(&'static str, &'static str)], coded: bool| Schema {
        sides: vec![SideSchema { name: None, cols }],
        coded,
    };
    let two = |l: &'static str,
               lc: &'static [(&'static str, &'static str)],
               r: &'static str,
               rc: &'static [(&'static str, &'static str)],
               coded: bool| Schema {
        sides: vec![
            SideSchema {
                name: Some(l),
                cols: lc,
            },
            SideSchema {
                name: Some(r),
                cols: rc,
            },
        ],
        coded,
    };
    const FUND: &[(&str, &str)] = &[
        ("年初结转和结余", "年初结转和结余"),
        ("本年收入", "本年收入"),
        ("本年支出/合计", "合计"),
        ("本年支出/基本支出", "基本支出"),
        ("本年支出/项目支出", "项目支出"),
        ("年末结转和结余", "年末结转和结余"),
    ];
    match kind {
        IncomeExpenditureTotal => two(
            "收入",
            &[("收入/决算数", "决算数")],
            "支出",
            &[("支出/决算数", "决算数")],
            false,
        ),
        Income => one(
            &[
                ("本年收入合计", "本年收入合计"),
                ("财政拨款收入", "财政拨款收入"),
                ("上级补助收入", "上级补助收入"),
                ("事业收入", "事业收入"),
                ("经营收入", "经营收入"),
                ("附属单位上缴收入", "附属单位上缴收入"),
                ("其他收入", "其他收入"),
            ],
            true,
        ),
        Expenditure => one(
            &[
                ("本年支出合计", "本年支出合计"),
                ("基本支出", "基本支出"),
                ("项目支出", "项目支出"),
                ("上缴上级支出", "上缴上级支出"),
                ("经营支出", "经营支出"),
                ("对附属单位补助支出", "对附属单位补助支出"),
            ],
            true,
        ),
        FiscalIncomeExpenditureTotal => two(
            "收入",
            &[("收入/决算数", "决算数")],
            "支出",
            &[
                ("支出/合计", "合计"),
                ("支出/一般公共预算财政拨款", "一般公共预算财政拨款"),
                ("支出/政府性基金预算财政拨款", "政府性基金预算财政拨款"),
                ("支出/国有资本经营预算财政拨款", "国有资本经营预算财政拨款"),
            ],
            false,
        ),
        GeneralPublicExpenditure => one(
            &[
                ("合计", "合计"),
                ("基本支出", "基本支出"),
                ("项目支出", "项目支出"),
            ],
            true,
        ),
        GeneralPublicBasicExpenditure => two(
            "人员经费",
            &[("人员经费/决算数", "决算数")],
            "公用经费",
            &[("公用经费/决算数", "决算数")],
            true,
        ),
        ThreeCosts => one(
            &[
                ("合计/预算数", "预算数"),
                ("合计/决算数", "决算数"),
                ("因公出国（境）费/预算数", "预算数"),
                ("因公出国（境）费/决算数", "决算数"),
                ("公务用车购置及运行维护费/小计/预算数", "预算数"),
                ("公务用车购置及运行维护费/小计/决算数", "决算数"),
                ("公务用车购置及运行维护费/公务用车购置费/预算数", "预算数"),
                ("公务用车购置及运行维护费/公务用车购置费/决算数", "决算数"),
                (
                    "公务用车购置及运行维护费/公务用车运行维护费/预算数",
                    "预算数",
                ),
                (
                    "公务用车购置及运行维护费/公务用车运行维护费/决算数",
                    "决算数",
                ),
                ("公务接待费/预算数", "预算数"),
                ("公务接待费/决算数", "决算数"),
            ],
            false,
        ),
        GovFund | StateCapital => one(FUND, true),
        BudgetFinanceTotal => two(
            "本年收入",
            &[("本年收入/预算数", "预算数")],
            "本年支出",
            &[("本年支出/预算数", "预算数")],
            false,
        ),
        BudgetIncome => one(
            &[
                ("收入预算/合计", "合计"),
                ("收入预算/财政拨款收入", "财政拨款收入"),
                ("收入预算/事业收入", "事业收入"),
                ("收入预算/事业单位经营收入", "事业单位经营收入"),
                ("收入预算/其他收入", "其他收入"),
            ],
            true,
        ),
        BudgetExpenditure => one(
            &[
                ("支出预算/合计", "合计"),
                ("支出预算/基本支出", "基本支出"),
                ("支出预算/项目支出", "项目支出"),
            ],
            true,
        ),
        BudgetFiscalTotal => two(
            "财政拨款收入",
            &[("财政拨款收入/预算数", "预算数")],
            "财政拨款支出",
            &[
                ("财政拨款支出/合计", "合计"),
                ("财政拨款支出/一般公共预算", "一般公共预算"),
                ("财政拨款支出/政府性基金预算", "政府性基金预算"),
                ("财政拨款支出/国有资本经营预算", "国有资本经营预算"),
            ],
            false,
        ),
        BudgetGeneralPublicFunctional => one(
            &[
                ("一般公共预算支出/合计", "合计"),
                ("一般公共预算支出/基本支出", "基本支出"),
                ("一般公共预算支出/项目支出", "项目支出"),
            ],
            true,
        ),
        BudgetGovFundFunctional => one(
            &[
                ("政府性基金预算支出/合计", "合计"),
                ("政府性基金预算支出/基本支出", "基本支出"),
                ("政府性基金预算支出/项目支出", "项目支出"),
            ],
            true,
        ),
        BudgetStateCapitalFunctional => one(
            &[
                ("国有资本经营预算支出/合计", "合计"),
                ("国有资本经营预算支出/基本支出", "基本支出"),
                ("国有资本经营预算支出/项目支出", "项目支出"),
            ],
            true,
        ),
        BudgetBasicEconomic => one(
            &[
                ("一般公共预算基本支出/合计", "合计"),
                ("一般公共预算基本支出/人员经费", "人员经费"),
                ("一般公共预算基本支出/公用经费", "公用经费"),
            ],
            true,
        ),
        BudgetThreeCosts => one(
            &[
                ("“三公”经费预算数/合计", "合计"),
                ("“三公”经费预算数/因公出国(境)费", "因公出国(境)费"),
                ("“三公”经费预算数/公务接待费", "公务接待费"),
                ("“三公”经费预算数/公务用车购置及运行费/小计", "小计"),
                ("“三公”经费预算数/公务用车购置及运行费/购置费", "购置费"),
                ("“三公”经费预算数/公务用车购置及运行费/运行费", "运行费"),
                ("机关运行经费预算数", "机关运行经费预算数"),
            ],
            false,
        ),
    }
}

/// Header words of the label/code columns.
const LABEL_WORDS: &[&str] = &["项目", "科目名称", "功能分类科目名称", "经济分类科目名称"];
const CODE_WORDS: &[&str] = &[
    "科目编码",
    "功能分类",
    "经济分类",
    "功能分类科目编码",
    "部门预算经济分类科目",
    "编码",
    "类",
    "款",
    "项",
];

// ---------------------------------------------------------------------------
// Lines and chunks
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum CK {
    Text,
    Num,
}

#[derive(Clone, Debug)]
struct Chunk {
    kind: CK,
    /// character columns, half-open
    x0: usize,
    x1: usize,
    /// byte span in the original text
    s: usize,
    e: usize,
    /// text without whitespace
    text: String,
}

impl Chunk {
    fn span(&self) -> Span {
        Span::new(self.s, self.e)
    }
    fn centre(&self) -> f64 {
        (self.x0 + self.x1) as f64 / 2.0
    }
}

#[derive(Clone, Debug)]
struct Line {
    s: usize,
    e: usize,
    page: usize,
    chunks: Vec<Chunk>,
    /// text of the line with all whitespace removed
    norm: String,
}

impl Line {
    fn blank(&self) -> bool {
        self.chunks.is_empty()
    }
    fn has_num(&self) -> bool {
        self.chunks.iter().any(|c| c.kind == CK::Num)
    }
}

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).expect("static regex"))
}

fn num_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
}

fn glued_code_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"^(\d{3}|\d{5}|\d{7})\p{Han}")
}

fn unit_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"单位\s*[:：]\s*(亿元|万元|萬元|千元|元)")
}

fn numbering_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^(?:[一二三四五六七八九十]+、|\d+[.．、]|[（(][一二三四五六七八九十\d]+[)）])",
    )
}

fn parse_num(s: &str) -> Option<(Decimal, u32)> {
    if !num_re().is_match(s) {
        return None;
    }
    let clean: String = s
        .chars()
        .filter(|c| *c != ',')
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    let v = Decimal::from_str(&clean).ok()?;
    let decimals = clean
        .split_once('.')
        .map(|(_, f)| f.len() as u32)
        .unwrap_or(0);
    Some((v, decimals))
}

fn split_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut page = 0usize;
    let mut pos = 0usize;
    for raw in text.split('\n') {
        let s = pos;
        pos += raw.len() + 1;
        let body = raw.strip_suffix('\r').unwrap_or(raw);
        let e = s + body.len();
        let ff = body.matches('\x0c').count();
        page += ff;
        let chunks = tokenize(body, s);
        let norm = body
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\x0c')
            .collect();
        out.push(Line {
            s,
            e,
            page,
            chunks,
            norm,
        });
    }
    out
}

/// Split one line into chunks: numbers (always separate), and text runs
/// (words separated by a single space are joined).
fn tokenize(body: &str, base: usize) -> Vec<Chunk> {
    // words: (x0, x1, byte start, byte end)
    let mut words: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut col = 0usize;
    let mut cur: Option<(usize, usize)> = None; // (x0, byte start)
    for (bi, ch) in body.char_indices() {
        if ch == '\x0c' || ch == '\r' {
            if let Some((x0, b0)) = cur.take() {
                words.push((x0, col, b0, bi));
            }
            continue;
        }
        if ch.is_whitespace() {
            if let Some((x0, b0)) = cur.take() {
                words.push((x0, col, b0, bi));
            }
        } else if cur.is_none() {
            cur = Some((col, bi));
        }
        col += 1;
    }
    if let Some((x0, b0)) = cur.take() {
        words.push((x0, col, b0, body.len()));
    }
    let mut chunks: Vec<Chunk> = Vec::new();
    for (x0, x1, b0, b1) in words {
        let w = &body[b0..b1];
        if parse_num(w).is_some() {
            chunks.push(Chunk {
                kind: CK::Num,
                x0,
                x1,
                s: base + b0,
                e: base + b1,
                text: w.to_string(),
            });
            continue;
        }
        let mut x0 = x0;
        let mut b0 = b0;
        if let Some(m) = glued_code_re().find(w) {
            // code glued to its label: "310资本性支出"
            let digits = w[..m.end()].trim_end_matches(|c: char| !c.is_ascii_digit());
            let n = digits.len();
            chunks.push(Chunk {
                kind: CK::Num,
                x0,
                x1: x0 + n,
                s: base + b0,
                e: base + b0 + n,
                text: digits.to_string(),
            });
            x0 += n;
            b0 += n;
        }
        let w = &body[b0..b1];
        if let Some(last) = chunks
            .last_mut()
            .filter(|last| last.kind == CK::Text && x0 <= last.x1 + 1)
        {
            last.x1 = x1;
            last.e = base + b1;
            last.text.push_str(w);
            continue;
        }
        chunks.push(Chunk {
            kind: CK::Text,
            x0,
            x1,
            s: base + b0,
            e: base + b1,
            text: w.to_string(),
        });
    }
    chunks
}

fn is_code_token(c: &Chunk) -> bool {
    c.kind == CK::Num
        && c.text.bytes().all(|b| b.is_ascii_digit())
        && matches!(c.text.len(), 3 | 5 | 7)
        && !c.text.starts_with('0')
}

fn is_code_part(c: &Chunk) -> bool {
    c.kind == CK::Num && c.text.bytes().all(|b| b.is_ascii_digit()) && matches!(c.text.len(), 1 | 2)
}

fn has_sentence_punct(s: &str) -> bool {
    s.contains('，') || s.contains('。') || s.contains('；') || s.contains("，")
}

fn is_prose(l: &Line) -> bool {
    let n = l.norm.chars().filter(|c| !c.is_ascii()).count();
    if l.norm.starts_with("第") && l.norm.contains("部分") && n < 40 {
        return true;
    }
    if is_note(l) {
        return false;
    }
    (has_sentence_punct(&l.norm) && n >= 12) || n >= 45
}

fn is_note(l: &Line) -> bool {
    let t = l.norm.as_str();
    t.starts_with("注：")
        || t.starts_with("注:")
        || t.starts_with("说明：")
        || t.starts_with("说明:")
        || t.starts_with("备注")
}

fn is_filler(l: &Line) -> bool {
    !l.norm.is_empty() && l.norm.chars().all(|c| "…。.·-—".contains(c))
}

fn is_total_label(t: &str) -> bool {
    t.ends_with("合计") || t.ends_with("总计") || t == "合计" || t == "总计"
}

fn norm_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !"“”\"".contains(*c))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect()
}

fn trimmed_span(text: &str, l: &Line) -> Span {
    let body = text.get(l.s..l.e).unwrap_or("");
    let lead = body.len()
        - body
            .trim_start_matches(|c: char| c.is_whitespace() || c == '\x0c')
            .len();
    let trail = body.len() - body.trim_end().len();
    let s = l.s + lead;
    let e = (l.e - trail).max(s);
    Span::new(s, e)
}

// ---------------------------------------------------------------------------
// Titles
// ---------------------------------------------------------------------------

struct TitleInfo {
    kind: Option<StandardTable>,
    unit: Option<(String, Span)>,
    /// index of the last line belonging to title/unit block
    unit_line: Option<usize>,
}

fn title_candidate(l: &Line) -> bool {
    let n = l.norm.chars().count();
    (4..=50).contains(&n)
        && l.norm.ends_with('表')
        && !l.norm.contains('…')
        && !has_sentence_punct(&l.norm)
        && !l.norm.contains("见")
        && !l.has_num_chunk_only_data()
}

impl Line {
    /// a line made only of numbers is data, not a title
    fn has_num_chunk_only_data(&self) -> bool {
        self.chunks.iter().all(|c| c.kind == CK::Num)
    }
}

fn find_unit(text: &str, lines: &[Line], i: usize) -> Option<(String, Span, usize)> {
    let mut seen = 0;
    let mut j = i;
    while j < lines.len() && seen < 4 {
        let l = &lines[j];
        if j > i && l.page != lines[i].page {
            break;
        }
        if !l.blank() {
            let body = text.get(l.s..l.e).unwrap_or("");
            if let Some(m) = unit_re().captures(body).and_then(|c| c.get(1)) {
                let u = if m.as_str() == "萬元" {
                    "万元"
                } else {
                    m.as_str()
                };
                return Some((u.to_string(), Span::new(l.s + m.start(), l.s + m.end()), j));
            }
            if j > i {
                seen += 1;
            }
        }
        j += 1;
    }
    None
}

fn next_nonblank(lines: &[Line], i: usize) -> Option<usize> {
    (i + 1..lines.len()).find(|&j| !lines[j].blank())
}

fn title_at(text: &str, lines: &[Line], i: usize) -> Option<TitleInfo> {
    let l = &lines[i];
    if !title_candidate(l) {
        return None;
    }
    let kind = StandardTable::from_title(&l.norm);
    // a book title directly above the real table title: take the lower one
    if let Some(j) = next_nonblank(lines, i).filter(|&j| {
        lines[j].page == l.page && title_candidate(&lines[j]) && find_unit(text, lines, j).is_some()
    }) {
        let kj = StandardTable::from_title(&lines[j].norm);
        if kj.is_some() || kind.is_none() {
            return None;
        }
    }
    let unit = find_unit(text, lines, i);
    if unit.is_none() {
        if kind.is_none() || numbering_re().is_match(&l.norm) || l.norm.starts_with('表') {
            return None;
        }
        // need header-like text right below (a TOC entry is followed by another entry)
        let j = next_nonblank(lines, i)?;
        let nl = &lines[j];
        if nl.page != l.page || title_candidate(nl) || is_prose(nl) {
            return None;
        }
        let near: String = (j..(j + 3).min(lines.len()))
            .map(|k| lines[k].norm.as_str())
            .collect();
        if !["项目", "科目", "合计", "预算数", "决算数", "收入", "支出"]
            .iter()
            .any(|w| near.contains(w))
        {
            return None;
        }
    }
    Some(TitleInfo {
        kind,
        unit_line: unit.as_ref().map(|u| u.2),
        unit: unit.map(|(u, s, _)| (u, s)),
    })
}

// ---------------------------------------------------------------------------
// Table parsing
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct ColDef {
    header: String,
    key: String,
    side: usize,
}

/// Per-page geometry.
#[derive(Clone, Debug, Default)]
struct Anchors {
    /// per column: anchor position (header centre) if known
    cols: Vec<Option<f64>>,
    /// per side: label anchor x, code anchor x
    label_x: Vec<Option<f64>>,
    code_x: Vec<Option<f64>>,
    /// true when anchors come from a header printed on this page
    from_header: bool,
    /// header piece spans per column (first header only)
    col_spans: Vec<Option<Span>>,
}

fn header_word(w: &str, keys: &[String]) -> bool {
    let w = norm_key(w);
    LABEL_WORDS.contains(&w.as_str())
        || CODE_WORDS.contains(&w.as_str())
        || keys.iter().any(|k| k.contains(&w))
}

fn is_data_line(l: &Line, coded: bool, nsides: usize, keys: &[String]) -> bool {
    if l.blank() {
        return false;
    }
    if l.has_num() {
        return true;
    }
    if !keys.is_empty()
        && l.chunks.len() >= 2
        && !numbering_re().is_match(&l.chunks[0].text)
        && l.chunks.iter().all(|c| header_word(&c.text, keys))
    {
        return false;
    }
    let first = &l.chunks[0];
    if coded && is_code_token(first) {
        return true;
    }
    let t = first.text.as_str();
    if numbering_re().is_match(t) || is_total_label(t) || is_filler(l) {
        return true;
    }
    let _ = nsides;
    false
}

/// Build anchors from header pieces.
fn anchors_from_header(pieces: &[Chunk], cols: &[ColDef], nsides: usize) -> Anchors {
    let mut a = Anchors {
        cols: vec![None; cols.len()],
        label_x: vec![None; nsides],
        code_x: vec![None; nsides],
        from_header: true,
        col_spans: vec![None; cols.len()],
    };
    // label / code anchors: occurrences in x order, one per side
    let mut lab: Vec<&Chunk> = pieces
        .iter()
        .filter(|p| LABEL_WORDS.contains(&p.text.as_str()))
        .collect();
    lab.sort_by_key(|p| p.x0);
    lab.dedup_by(|b, a| b.x0.abs_diff(a.x0) <= 3);
    let mut cod: Vec<&Chunk> = pieces
        .iter()
        .filter(|p| CODE_WORDS.contains(&p.text.as_str()))
        .collect();
    cod.sort_by_key(|p| p.x0);
    cod.dedup_by(|b, a| b.x0.abs_diff(a.x0) <= 6);
    for s in 0..nsides {
        a.label_x[s] = lab.get(s).map(|p| p.x0 as f64);
        a.code_x[s] = cod.get(s).map(|p| p.x0 as f64);
    }
    if nsides == 2 && lab.len() == 1 {
        a.label_x[1] = None;
    }
    // value columns
    let mut used = vec![false; pieces.len()];
    let mut last_x0: i64 = -100;
    for (ci, c) in cols.iter().enumerate() {
        let key = norm_key(&c.key);
        let mut best: Option<usize> = None;
        for (pi, p) in pieces.iter().enumerate() {
            if used[pi]
                || LABEL_WORDS.contains(&p.text.as_str())
                || CODE_WORDS.contains(&p.text.as_str())
            {
                continue;
            }
            let mut pt = norm_key(&p.text);
            if let Some(m) = year_prefix_re().find(&pt) {
                pt = pt[m.end()..].to_string();
            }
            let n = pt.chars().count();
            if pt.is_empty() || !(key.starts_with(&pt) && (n >= 2 || pt == key)) {
                continue;
            }
            if (p.x0 as i64) + 8 < last_x0 {
                continue;
            }
            if best.is_none_or(|b| p.x0 < pieces[b].x0) {
                best = Some(pi);
            }
        }
        if let Some(b) = best {
            used[b] = true;
            last_x0 = pieces[b].x0 as i64;
            a.cols[ci] = Some(pieces[b].centre());
            a.col_spans[ci] = Some(pieces[b].span());
        }
    }
    interpolate(&mut a.cols);
    a
}

fn year_prefix_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"^\d{4}年(度)?")
}

/// Fill unknown anchors by linear interpolation / extrapolation (8 columns apart).
fn interpolate(v: &mut [Option<f64>]) {
    let known: Vec<usize> = (0..v.len()).filter(|&i| v[i].is_some()).collect();
    if known.is_empty() {
        return;
    }
    for i in 0..v.len() {
        if v[i].is_some() {
            continue;
        }
        let prev = known.iter().rev().find(|&&k| k < i).copied();
        let next = known.iter().find(|&&k| k > i).copied();
        v[i] = match (prev, next) {
            (Some(p), Some(n)) => {
                let (a, b) = (v[p].unwrap_or(0.0), v[n].unwrap_or(0.0));
                Some(a + (b - a) * (i - p) as f64 / (n - p) as f64)
            }
            (Some(p), None) => Some(v[p].unwrap_or(0.0) + 8.0 * (i - p) as f64),
            (None, Some(n)) => Some(v[n].unwrap_or(0.0) - 8.0 * (n - i) as f64),
            (None, None) => None,
        };
    }
}

/// Generic columns for an unknown table: bottom-most header pieces.
fn generic_columns(pieces: &[Chunk], header_lines: &[usize], piece_line: &[usize]) -> Vec<ColDef> {
    let _ = header_lines;
    let mut leaves: Vec<(usize, &Chunk)> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        if LABEL_WORDS.contains(&p.text.as_str()) || CODE_WORDS.contains(&p.text.as_str()) {
            continue;
        }
        let below = pieces.iter().enumerate().any(|(j, q)| {
            piece_line[j] > piece_line[i]
                && !LABEL_WORDS.contains(&q.text.as_str())
                && !CODE_WORDS.contains(&q.text.as_str())
                && q.x0 < p.x1 + 1
                && p.x0 < q.x1 + 1
        });
        if !below {
            leaves.push((i, p));
        }
    }
    leaves.sort_by_key(|(_, p)| p.x0);
    leaves
        .into_iter()
        .map(|(_, p)| ColDef {
            header: p.text.clone(),
            key: p.text.clone(),
            side: 0,
        })
        .collect()
}

/// A side-segment of one physical line.
#[derive(Clone, Debug)]
struct Seg {
    line: usize,
    page: usize,
    code: Option<(String, Span)>,
    label: Vec<Chunk>,
    values: Vec<Chunk>,
}

fn parse_table(text: &str, lines: &[Line], ti: usize, info: TitleInfo) -> (LayoutTable, usize) {
    let tl = &lines[ti];
    let kind = info.kind;
    let sch = kind.map(schema);
    let nsides = sch.as_ref().map(|s| s.sides.len()).unwrap_or(1);
    let coded = sch.as_ref().map(|s| s.coded).unwrap_or(true);
    let side_names: Vec<Option<&'static str>> = sch
        .as_ref()
        .map(|s| s.sides.iter().map(|x| x.name).collect())
        .unwrap_or(vec![None]);

    let keys_v: Vec<String> = sch
        .as_ref()
        .map(|s| {
            s.sides
                .iter()
                .flat_map(|sd| sd.cols.iter().flat_map(|(h, _)| h.split('/').map(norm_key)))
                .collect()
        })
        .unwrap_or_default();
    let keys = keys_v.as_slice();
    // ---- header of the first page
    let hstart = info.unit_line.map(|u| u.max(ti) + 1).unwrap_or(ti + 1);
    let mut i = hstart;
    let mut header_pieces: Vec<Chunk> = Vec::new();
    let mut piece_line: Vec<usize> = Vec::new();
    let mut header_norms: Vec<String> = Vec::new();
    while i < lines.len() && lines[i].page == tl.page && i < hstart + 14 {
        let l = &lines[i];
        if is_data_line(l, coded, nsides, keys) || is_note(l) || is_prose(l) || title_candidate(l) {
            break;
        }
        // a label piece wrapped above the first data row ends the header
        if coded
            && !keys.is_empty()
            && !l.blank()
            && l.chunks
                .iter()
                .all(|c| c.kind == CK::Text && !header_word(&c.text, keys))
            && next_nonblank(lines, i).is_some_and(|j| is_data_line(&lines[j], coded, nsides, keys))
        {
            break;
        }
        for c in &l.chunks {
            if c.text.contains("单位") || c.text.contains("编制部门") {
                continue;
            }
            header_pieces.push(c.clone());
            piece_line.push(i);
        }
        if !l.blank() {
            header_norms.push(norm_key(&l.norm));
        }
        i += 1;
    }
    // header pieces that sit on the title line (unlikely) are ignored.
    let cols: Vec<ColDef> = match &sch {
        Some(s) => s
            .sides
            .iter()
            .enumerate()
            .flat_map(|(si, sd)| {
                sd.cols.iter().map(move |(h, k)| ColDef {
                    header: h.to_string(),
                    key: k.to_string(),
                    side: si,
                })
            })
            .collect(),
        None => generic_columns(&header_pieces, &[], &piece_line),
    };
    let first_anchors = anchors_from_header(&header_pieces, &cols, nsides);
    let header_set: Vec<String> = header_pieces.iter().map(|p| norm_key(&p.text)).collect();

    // ---- body
    let mut body: Vec<usize> = Vec::new();
    let mut page_anchor: Vec<(usize, Anchors)> = vec![(tl.page, first_anchors.clone())];
    let mut notes: Vec<usize> = Vec::new();
    let mut last_line = i.saturating_sub(1).max(ti);
    let mut cur_page = tl.page;
    let mut in_notes = false;
    while i < lines.len() {
        let l = &lines[i];
        if l.page != cur_page {
            // page break: does the table continue?
            cur_page = l.page;
            if in_notes {
                break;
            }
            match continuation(text, lines, i, coded, nsides, &header_set, &keys_v) {
                Cont::End => break,
                Cont::Data => {
                    page_anchor.push((
                        l.page,
                        Anchors {
                            from_header: false,
                            ..first_anchors.clone()
                        },
                    ));
                }
                Cont::Header(next) => {
                    let mut pcs = Vec::new();
                    for hl in lines.iter().take(next).skip(i) {
                        for c in &hl.chunks {
                            if !c.text.contains("单位") && !c.text.contains("编制部门") {
                                pcs.push(c.clone());
                            }
                        }
                    }
                    let mut a = anchors_from_header(&pcs, &cols, nsides);
                    for s in 0..nsides {
                        if a.label_x[s].is_none() {
                            a.label_x[s] = first_anchors.label_x.get(s).copied().flatten();
                        }
                        if a.code_x[s].is_none() {
                            a.code_x[s] = first_anchors.code_x.get(s).copied().flatten();
                        }
                    }
                    page_anchor.push((l.page, a));
                    last_line = next.saturating_sub(1).max(last_line);
                    i = next;
                    continue;
                }
            }
        }
        if l.blank() {
            i += 1;
            continue;
        }
        if in_notes {
            let prev_open = notes
                .last()
                .map(|&n| !lines[n].norm.ends_with('。'))
                .unwrap_or(false);
            if is_note(l)
                || l.norm.contains("本表")
                || (prev_open && !title_candidate(l) && !l.has_num() && l.norm.chars().count() < 60)
            {
                notes.push(i);
                last_line = i;
                i += 1;
                continue;
            }
            break;
        }
        if is_note(l) {
            in_notes = true;
            notes.push(i);
            last_line = i;
            i += 1;
            continue;
        }
        if (title_candidate(l) && title_at(text, lines, i).is_some()) || is_prose(l) {
            break;
        }
        if is_filler(l) {
            last_line = i;
            i += 1;
            continue;
        }
        body.push(i);
        last_line = i;
        i += 1;
    }
    let end = last_line + 1;

    // ---- segments per side
    let anchors_for = |page: usize| -> &Anchors {
        page_anchor
            .iter()
            .rev()
            .find(|(p, _)| *p <= page)
            .map(|(_, a)| a)
            .unwrap_or(&page_anchor[0].1)
    };
    let mut segs: Vec<Vec<Seg>> = vec![Vec::new(); nsides];
    for &li in &body {
        let l = &lines[li];
        let a = anchors_for(l.page);
        for (s, chunks) in split_sides(&l.chunks, nsides, coded, a, &cols) {
            if let Some(seg) = make_seg(li, l.page, chunks, coded, a, &cols, s) {
                segs[s].push(seg);
            }
        }
    }

    // ---- value → column mapping per page and side
    let mut rows: Vec<LayoutRow> = Vec::new();
    for (s, side_segs) in segs.iter().enumerate() {
        let side_cols: Vec<usize> = (0..cols.len()).filter(|&c| cols[c].side == s).collect();
        let mut assigned: Vec<Vec<Option<usize>>> = Vec::with_capacity(side_segs.len());
        let mut prev_used: Vec<usize> = Vec::new();
        let mut k = 0;
        while k < side_segs.len() {
            let page = side_segs[k].page;
            let mut k2 = k;
            while k2 < side_segs.len() && side_segs[k2].page == page {
                k2 += 1;
            }
            let a = anchors_for(page);
            let pos = page_positions(&side_segs[k..k2], &side_cols, a, &prev_used);
            let mut used_here: Vec<usize> = Vec::new();
            for sg in &side_segs[k..k2] {
                let m = map_values(&sg.values, &side_cols, &pos);
                for c in m.iter().flatten() {
                    if !used_here.contains(c) {
                        used_here.push(*c);
                    }
                }
                assigned.push(m);
            }
            used_here.sort_unstable();
            if !used_here.is_empty() {
                prev_used = used_here;
            }
            k = k2;
        }
        let side_name = side_names.get(s).copied().flatten().map(|x| x.to_string());
        rows.extend(build_rows(
            side_segs,
            &assigned,
            coded,
            lines,
            cols.len(),
            side_name,
        ));
    }
    // order rows by first line, then side
    rows.sort_by_key(|r| {
        r.label_spans
            .first()
            .map(|s| s.start)
            .or(r.code_span.map(|c| c.start))
            .or_else(|| r.cells.iter().flatten().next().map(|c| c.span.start))
    });

    let columns: Vec<Column> = cols
        .iter()
        .enumerate()
        .map(|(ci, c)| Column {
            header: c.header.clone(),
            key: c.key.clone(),
            side: side_names
                .get(c.side)
                .copied()
                .flatten()
                .map(|x| x.to_string()),
            span: first_anchors.col_spans.get(ci).copied().flatten(),
        })
        .collect();

    let empty_statement = notes
        .iter()
        .chain(body.iter())
        .find(|&&n| {
            let t = &lines[n].norm;
            t.contains("本表无数据")
                || t.contains("空表")
                || t.contains("故本表无")
                || t.contains("本表为空")
        })
        .map(|&n| trimmed_span(text, &lines[n]));

    let title_span = trimmed_span(text, tl);
    let end_span = trimmed_span(text, &lines[end.saturating_sub(1).max(ti)]);
    let table = LayoutTable {
        title: tl.norm.clone(),
        title_span,
        kind,
        unit: info.unit.as_ref().map(|u| u.0.clone()),
        unit_span: info.unit.as_ref().map(|u| u.1),
        columns,
        rows,
        span: Span::new(
            title_span.start as usize,
            (end_span.end.max(title_span.end)) as usize,
        ),
        empty_statement,
        notes: notes
            .iter()
            .map(|&n| trimmed_span(text, &lines[n]))
            .collect(),
    };
    let _ = header_norms;
    (table, end)
}

enum Cont {
    End,
    Data,
    /// repeated header: index of first line after it
    Header(usize),
}

fn continuation(
    text: &str,
    lines: &[Line],
    i: usize,
    coded: bool,
    nsides: usize,
    header_set: &[String],
    keys: &[String],
) -> Cont {
    let page = lines[i].page;
    let Some(first) = (i..lines.len())
        .take_while(|&k| lines[k].page == page)
        .find(|&k| !lines[k].blank())
    else {
        return Cont::End;
    };
    let fl = &lines[first];
    if (title_candidate(fl) && title_at(text, lines, first).is_some()) || is_prose(fl) {
        return Cont::End;
    }
    // repeated header?
    let mut k = first;
    let mut hits = 0;
    let mut total = 0;
    while k < lines.len() && lines[k].page == page && k < first + 10 {
        let l = &lines[k];
        if is_data_line(l, coded, nsides, keys) || is_note(l) || is_prose(l) {
            break;
        }
        for c in &l.chunks {
            total += 1;
            if header_set.contains(&norm_key(&c.text)) {
                hits += 1;
            }
        }
        k += 1;
    }
    if total > 0 && hits * 2 >= total && hits >= 2 {
        return Cont::Header(k);
    }
    if is_data_line(fl, coded, nsides, keys) || is_note(fl) {
        return Cont::Data;
    }
    // label-only lines: continue when a data line follows before any prose
    for l in lines.iter().skip(first).take(8) {
        if l.page != page || is_prose(l) || title_candidate(l) {
            return Cont::End;
        }
        if l.has_num() || (coded && l.chunks.first().is_some_and(is_code_token)) {
            return Cont::Data;
        }
        if l.norm.chars().count() > 30 {
            return Cont::End;
        }
    }
    Cont::End
}

/// Assign the chunks of a line to sides.
fn split_sides(
    chunks: &[Chunk],
    nsides: usize,
    coded: bool,
    a: &Anchors,
    cols: &[ColDef],
) -> Vec<(usize, Vec<Chunk>)> {
    if nsides <= 1 || chunks.is_empty() {
        return vec![(0, chunks.to_vec())];
    }
    let nearest = |xs: &[Option<f64>], x: f64| -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (s, v) in xs.iter().enumerate() {
            if let Some(v) = v {
                let d = (v - x).abs();
                if best.is_none_or(|b| d < b.1) {
                    best = Some((s, d));
                }
            }
        }
        best.map(|b| b.0)
    };
    let mut out: Vec<(usize, Vec<Chunk>)> = Vec::new();
    let mut side = 0usize;
    let mut prev_was_value = false;
    let mut prev_was_code = false;
    for (idx, c) in chunks.iter().enumerate() {
        let after_gap_text = idx > 0
            && (chunks[idx - 1].kind == CK::Text || prev_was_code)
            && c.x0 >= chunks[idx - 1].x1 + 3;
        let is_code = coded && is_code_token(c) && (idx == 0 || prev_was_value || after_gap_text);
        let is_part = !is_code && prev_was_code && is_code_part(c);
        let s = if is_part {
            side
        } else {
            let pref = if c.kind == CK::Text {
                nearest(&a.label_x, c.x0 as f64).or_else(|| nearest(&a.code_x, c.x0 as f64))
            } else if is_code {
                nearest(&a.code_x, c.x0 as f64).or_else(|| nearest(&a.label_x, c.x0 as f64))
            } else {
                cols.iter()
                    .enumerate()
                    .filter_map(|(ci, _)| a.cols.get(ci).copied().flatten().map(|x| (ci, x)))
                    .min_by(|p, q| {
                        (p.1 - c.centre())
                            .abs()
                            .total_cmp(&(q.1 - c.centre()).abs())
                    })
                    .map(|(ci, _)| cols[ci].side)
            };
            let mut s = pref.unwrap_or(side).max(side);
            if side == 0
                && (c.kind == CK::Text || is_code)
                && (prev_was_value || (is_code && idx > 0))
            {
                s = 1;
            }
            s.min(nsides - 1)
        };
        side = s;
        match out.last_mut() {
            Some((ls, v)) if *ls == s => v.push(c.clone()),
            _ => out.push((s, vec![c.clone()])),
        }
        prev_was_code = is_code || is_part;
        prev_was_value = c.kind == CK::Num && !is_code && !is_part;
    }
    out
}

fn make_seg(
    line: usize,
    page: usize,
    chunks: Vec<Chunk>,
    coded: bool,
    a: &Anchors,
    cols: &[ColDef],
    side: usize,
) -> Option<Seg> {
    let mut k = 0;
    let mut code: Option<(String, Span)> = None;
    if coded && chunks.first().is_some_and(is_code_token) {
        let c0 = &chunks[0];
        let mut code_s = c0.text.clone();
        let mut span = c0.span();
        k = 1;
        if c0.text.len() == 3 {
            let mut parts = 0;
            while k < chunks.len() && parts < 2 && is_code_part(&chunks[k]) {
                // a part must be followed by text or another part, not be the last value
                let nxt = chunks.get(k + 1);
                if nxt.is_none_or(|n| n.kind == CK::Num && !is_code_part(n))
                    && parts == 0
                    && nxt.is_none()
                {
                    break;
                }
                let p = &chunks[k].text;
                if p.len() == 1 {
                    code_s.push('0');
                }
                code_s.push_str(p);
                span.end = chunks[k].e as u32;
                k += 1;
                parts += 1;
            }
        }
        code = Some((code_s, span));
    }
    // label limit: first value anchor of the side (header pages only)
    let first_val = if a.from_header {
        cols.iter()
            .enumerate()
            .filter(|(_, c)| c.side == side)
            .filter_map(|(ci, _)| a.cols.get(ci).copied().flatten())
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x))))
    } else {
        None
    };
    let mut label = Vec::new();
    let mut values = Vec::new();
    for c in &chunks[k..] {
        match c.kind {
            CK::Text => {
                if values.is_empty()
                    && first_val.is_none_or(|fv| (c.x0 as f64) < fv - 2.0 || label.is_empty())
                {
                    if let Some(fv) = first_val {
                        if !label.is_empty() && (c.x0 as f64) >= fv - 2.0 {
                            continue;
                        }
                        if label.is_empty()
                            && code.is_none()
                            && (c.x0 as f64) >= fv + 4.0
                            && nsides_one(cols)
                        {
                            // text in the value area of a one-sided table: header remnant
                            continue;
                        }
                    }
                    label.push(c.clone());
                }
            }
            CK::Num => values.push(c.clone()),
        }
    }
    if code.is_none() && label.is_empty() && values.is_empty() {
        return None;
    }
    Some(Seg {
        line,
        page,
        code,
        label,
        values,
    })
}

fn nsides_one(cols: &[ColDef]) -> bool {
    cols.iter().all(|c| c.side == 0)
}

/// Anchor position per side column for one page: header anchors, or
/// clusters of the page's own numbers.
fn page_positions(
    segs: &[Seg],
    side_cols: &[usize],
    a: &Anchors,
    prev_used: &[usize],
) -> Vec<Option<f64>> {
    let n = side_cols.len();
    if a.from_header {
        let v: Vec<Option<f64>> = side_cols
            .iter()
            .map(|&c| a.cols.get(c).copied().flatten())
            .collect();
        if v.iter().any(|x| x.is_some()) {
            return v;
        }
    }
    // clusters of centres
    let mut xs: Vec<f64> = segs
        .iter()
        .flat_map(|s| s.values.iter().map(|c| c.x1 as f64))
        .collect();
    xs.sort_by(|a, b| a.total_cmp(b));
    let mut clusters: Vec<(f64, f64, usize)> = Vec::new(); // (min, max, count)
    for x in xs {
        match clusters.last_mut() {
            Some(c) if x - c.1 <= 3.0 => {
                c.1 = x;
                c.2 += 1;
            }
            _ => clusters.push((x, x, 1)),
        }
    }
    let centres: Vec<f64> = clusters.iter().map(|c| (c.0 + c.1) / 2.0).collect();
    let mut out = vec![None; n];
    let k = centres.len();
    if k == 0 {
        return out;
    }
    let targets: Vec<usize> = if k >= n {
        (0..n).collect()
    } else if prev_used.len() == k {
        prev_used
            .iter()
            .filter_map(|c| side_cols.iter().position(|x| x == c))
            .collect()
    } else {
        (0..k).collect()
    };
    for (ci, &t) in targets.iter().enumerate() {
        if let (Some(slot), Some(&x)) = (out.get_mut(t), centres.get(ci)) {
            *slot = Some(x);
        }
    }
    // mark as right-edge anchors by negating? keep simple: values compared by x1
    out.iter_mut().for_each(|o| {
        if let Some(x) = o {
            *x = -*x - 1.0; // encoded: negative means compare right edges
        }
    });
    out
}

/// Map the values of a segment to global column indices.
fn map_values(values: &[Chunk], side_cols: &[usize], pos: &[Option<f64>]) -> Vec<Option<usize>> {
    let m = values.len();
    let n = side_cols.len();
    if m == 0 {
        return Vec::new();
    }
    if m == n {
        return side_cols.iter().map(|&c| Some(c)).collect();
    }
    if pos.iter().all(|p| p.is_none()) {
        return (0..m).map(|i| side_cols.get(i).copied()).collect();
    }
    let cost = |t: usize, c: usize| -> f64 {
        match pos.get(c).copied().flatten() {
            None => 1e6,
            Some(p) if p < 0.0 => (values[t].x1 as f64 - (-p - 1.0)).abs(),
            Some(p) => (values[t].centre() - p).abs(),
        }
    };
    // DP: assign tokens in order to increasing columns; tokens may be dropped at cost
    const DROP: f64 = 1e5;
    let inf = f64::INFINITY;
    let mut dp = vec![vec![inf; n + 1]; m + 1];
    let mut choice = vec![vec![0u8; n + 1]; m + 1]; // 1 = token t-1 -> col j-1, 2 = skip col, 3 = drop token
    dp[0].iter_mut().for_each(|x| *x = 0.0);
    for t in 1..=m {
        dp[t][0] = dp[t - 1][0] + DROP;
        choice[t][0] = 3;
        for j in 1..=n {
            let a = dp[t - 1][j - 1] + cost(t - 1, j - 1);
            let b = dp[t][j - 1];
            let d = dp[t - 1][j] + DROP;
            let (best, ch) = if a <= b && a <= d {
                (a, 1)
            } else if b <= d {
                (b, 2)
            } else {
                (d, 3)
            };
            dp[t][j] = best;
            choice[t][j] = ch;
        }
    }
    let mut res = vec![None; m];
    let (mut t, mut j) = (m, n);
    while t > 0 {
        match choice[t][j] {
            1 => {
                res[t - 1] = side_cols.get(j - 1).copied();
                t -= 1;
                j -= 1;
            }
            2 if j > 0 => j -= 1,
            _ => t -= 1,
        }
    }
    res
}

const END_CHARS: &str = "出入余计配款金算费资额助补";

fn build_rows(
    segs: &[Seg],
    assigned: &[Vec<Option<usize>>],
    coded: bool,
    lines: &[Line],
    ncols: usize,
    side: Option<String>,
) -> Vec<LayoutRow> {
    // Proto rows: indexes of segs that are row anchors; wrap pieces assigned later.
    struct Proto {
        seg: usize,
        code: Option<(String, Span)>,
        above: Vec<usize>,
        below: Vec<usize>,
    }
    let mut protos: Vec<Proto> = Vec::new();
    // wrap segments (label-only) with the proto index gap they sit in
    let mut gaps: Vec<Vec<usize>> = vec![Vec::new()];
    let mut pending_code: Option<(String, Span, usize)> = None; // code-only seg waiting for its data line
    for (si, sg) in segs.iter().enumerate() {
        let has_vals = !sg.values.is_empty();
        let label_txt: String = sg.label.iter().map(|c| c.text.as_str()).collect();
        if sg.code.is_some() && !has_vals && sg.label.is_empty() {
            if let Some((c, s, psi)) = pending_code.take() {
                protos.push(Proto {
                    seg: psi,
                    code: Some((c, s)),
                    above: vec![],
                    below: vec![],
                });
                gaps.push(Vec::new());
            }
            let (c, s) = sg.code.clone().unwrap_or_default();
            pending_code = Some((c, s, si));
            continue;
        }
        if let Some((c, s, psi)) = pending_code.take() {
            let adjacent = sg.line
                <= segs[psi].line
                    + 1
                    + usize::from(lines.get(segs[psi].line + 1).is_some_and(|l| l.blank()));
            if sg.code.is_none() && has_vals && adjacent {
                protos.push(Proto {
                    seg: si,
                    code: Some((c, s)),
                    above: vec![],
                    below: vec![],
                });
                gaps.push(Vec::new());
                continue;
            }
            protos.push(Proto {
                seg: psi,
                code: Some((c, s)),
                above: vec![],
                below: vec![],
            });
            gaps.push(Vec::new());
        }
        let is_row = if has_vals || sg.code.is_some() {
            true
        } else if coded {
            is_total_label(&label_txt) || numbering_re().is_match(&label_txt)
        } else {
            // summary tables: a label-only line is a row unless it continues the previous label
            let cont = protos.last().is_some_and(|p| {
                let last_line = p
                    .below
                    .last()
                    .map(|&b| segs[b].line)
                    .unwrap_or(segs[p.seg].line);
                let prev_txt: String = segs[p.seg]
                    .label
                    .iter()
                    .chain(p.below.iter().flat_map(|&b| segs[b].label.iter()))
                    .map(|c| c.text.as_str())
                    .collect();
                let near = sg.line <= last_line + 2;
                near && !numbering_re().is_match(&label_txt)
                    && !is_total_label(&label_txt)
                    && (prev_txt
                        .chars()
                        .last()
                        .is_some_and(|ch| !END_CHARS.contains(ch))
                        || label_txt.chars().count() <= 1)
            });
            if cont {
                if let Some(p) = protos.last_mut() {
                    p.below.push(si);
                }
                continue;
            }
            true
        };
        if is_row {
            protos.push(Proto {
                seg: si,
                code: sg.code.clone(),
                above: vec![],
                below: vec![],
            });
            gaps.push(Vec::new());
        } else if let Some(g) = gaps.last_mut() {
            g.push(si);
        }
    }
    if let Some((c, s, psi)) = pending_code.take() {
        protos.push(Proto {
            seg: psi,
            code: Some((c, s)),
            above: vec![],
            below: vec![],
        });
        gaps.push(Vec::new());
    }
    // gaps[i] sits before protos[i]; gaps[n] after the last.
    let n = protos.len();
    if coded && n > 0 {
        // DP over split points
        let k: Vec<usize> = gaps.iter().map(|g| g.len()).collect();
        let strong = |g: usize, j: usize| -> bool {
            // boundary before position j in gap g (between piece j-1 and j, or row/piece)
            let prev_line = if j == 0 {
                if g == 0 {
                    return true;
                } else {
                    segs[protos[g - 1].seg].line
                }
            } else {
                segs[gaps[g][j - 1]].line
            };
            let next_line = if j == k[g] {
                if g == n {
                    return true;
                } else {
                    segs[protos[g].seg].line
                }
            } else {
                segs[gaps[g][j]].line
            };
            next_line > prev_line + 1
                || lines.get(next_line).map(|l| l.page) != lines.get(prev_line).map(|l| l.page)
        };
        let gap_has_strong = |g: usize| (0..=k[g]).any(|j| strong(g, j));
        let split_cost = |g: usize, j: usize| -> f64 {
            if g == 0 && j > 0 || g == n && j < k[g] {
                return 1e6;
            }
            if gap_has_strong(g) && !strong(g, j) {
                1.0
            } else {
                0.0
            }
        };
        let row_cost = |r: usize, u: usize, d: usize| -> f64 {
            let inline = !segs[protos[r].seg].label.is_empty();
            if inline {
                if u == 0 && d <= 1 {
                    0.0
                } else if u == d {
                    0.05 * u as f64
                } else if d == u + 1 {
                    0.3
                } else {
                    u.abs_diff(d) as f64
                }
            } else if u == d && u > 0 {
                0.0
            } else if u + d == 1 {
                0.5
            } else if u == 0 && d == 0 {
                0.6
            } else {
                u.abs_diff(d) as f64
            }
        };
        // dp[g][j] = min cost of rows < g given split j in gap g
        let mut dp: Vec<Vec<f64>> = k.iter().map(|&kk| vec![f64::INFINITY; kk + 1]).collect();
        let mut back: Vec<Vec<usize>> = k.iter().map(|&kk| vec![0; kk + 1]).collect();
        for (j, x) in dp[0].iter_mut().enumerate() {
            *x = split_cost(0, j);
        }
        for g in 1..=n {
            for j in 0..=k[g] {
                let mut best = f64::INFINITY;
                let mut bj = 0;
                for (pj, prev) in dp[g - 1].iter().enumerate() {
                    let u = k[g - 1] - pj;
                    let c = prev + row_cost(g - 1, u, j);
                    if c < best {
                        best = c;
                        bj = pj;
                    }
                }
                dp[g][j] = best + split_cost(g, j);
                back[g][j] = bj;
            }
        }
        let mut j = (0..=k[n])
            .min_by(|&a, &b| dp[n][a].total_cmp(&dp[n][b]))
            .unwrap_or(0);
        for g in (0..=n).rev() {
            if g < n {
                protos[g].above = gaps[g][j..].to_vec();
            }
            if g > 0 {
                protos[g - 1].below.extend(gaps[g][..j].iter().copied());
                j = back[g][j];
            }
        }
    }
    protos
        .iter()
        .map(|p| {
            let mut pieces: Vec<&Chunk> = Vec::new();
            for &a in &p.above {
                pieces.extend(segs[a].label.iter());
            }
            pieces.extend(segs[p.seg].label.iter());
            for &b in &p.below {
                pieces.extend(segs[b].label.iter());
            }
            let mut cells: Vec<Option<LayoutCell>> = vec![None; ncols];
            let sg = &segs[p.seg];
            if let Some(m) = assigned.get(p.seg) {
                for (v, c) in sg.values.iter().zip(m.iter()) {
                    let target = c.and_then(|ci| match (cells.get_mut(ci), parse_num(&v.text)) {
                        (Some(slot), Some(num)) if slot.is_none() => Some((slot, num)),
                        _ => None,
                    });
                    if let Some((slot, (val, dec))) = target {
                        *slot = Some(LayoutCell {
                            text: v.text.clone(),
                            span: v.span(),
                            value: val,
                            decimals: dec,
                        });
                    }
                }
            }
            LayoutRow {
                label: pieces.iter().map(|c| c.text.as_str()).collect(),
                label_spans: pieces.iter().map(|c| c.span()).collect(),
                code: p.code.as_ref().map(|c| c.0.clone()),
                code_span: p.code.as_ref().map(|c| c.1),
                cells,
                side: side.clone(),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Pipe rows
// ---------------------------------------------------------------------------

fn pipe_cells(text: &str, l: &Line) -> Option<Vec<(String, Span)>> {
    let body = text.get(l.s..l.e)?;
    if body.matches('|').count() < 2 {
        return None;
    }
    let mut out = Vec::new();
    let mut start = 0usize;
    for (bi, ch) in body.char_indices() {
        if ch == '|' {
            out.push((start, bi));
            start = bi + 1;
        }
    }
    out.push((start, body.len()));
    let cells: Vec<(String, Span)> = out
        .into_iter()
        .map(|(a, b)| {
            let piece = &body[a..b];
            let lead = piece.len() - piece.trim_start().len();
            let t = piece.trim();
            (
                t.to_string(),
                Span::new(l.s + a + lead, l.s + a + lead + t.len()),
            )
        })
        .collect();
    // drop empty edge cells produced by leading/trailing pipes
    let mut cells = cells;
    if cells.first().is_some_and(|c| c.0.is_empty()) {
        cells.remove(0);
    }
    if cells.last().is_some_and(|c| c.0.is_empty()) {
        cells.pop();
    }
    if cells.len() < 2 {
        None
    } else {
        Some(cells)
    }
}

fn pipe_table_at(text: &str, lines: &[Line], i: usize) -> Option<(LayoutTable, usize)> {
    let head = pipe_cells(text, &lines[i])?;
    let mut j = i + 1;
    let mut body: Vec<Vec<(String, Span)>> = Vec::new();
    while j < lines.len() {
        match pipe_cells(text, &lines[j]) {
            Some(c) => body.push(c),
            None => break,
        }
        j += 1;
    }
    if body.is_empty() {
        return None;
    }
    let title_line = (0..i)
        .rev()
        .take(2)
        .find(|&k| !lines[k].blank() && !is_prose(&lines[k]));
    let (title, title_span) = match title_line {
        Some(k) => (lines[k].norm.clone(), trimmed_span(text, &lines[k])),
        None => (String::new(), trimmed_span(text, &lines[i])),
    };
    let unit = (i.saturating_sub(2)..j).find_map(|k| {
        let body = text.get(lines[k].s..lines[k].e)?;
        let c = unit_re().captures(body)?;
        let m = c.get(1)?;
        Some((
            m.as_str().replace('萬', "万"),
            Span::new(lines[k].s + m.start(), lines[k].s + m.end()),
        ))
    });
    let ncols = head.len().saturating_sub(1);
    let columns: Vec<Column> = head
        .iter()
        .skip(1)
        .map(|(t, s)| Column {
            header: norm_key(t),
            key: norm_key(t),
            side: None,
            span: Some(*s),
        })
        .collect();
    let rows = body
        .iter()
        .map(|cells| {
            let (lab, ls) = cells[0].clone();
            let mut out: Vec<Option<LayoutCell>> = vec![None; ncols];
            for (ci, (t, s)) in cells.iter().skip(1).enumerate() {
                let tt = t.trim_end_matches('%');
                if let (Some(slot), Some((v, d))) = (out.get_mut(ci), parse_num(tt)) {
                    *slot = Some(LayoutCell {
                        text: tt.to_string(),
                        span: Span::new(s.start as usize, s.start as usize + tt.len()),
                        value: v,
                        decimals: d,
                    });
                }
            }
            LayoutRow {
                label: norm_key(&lab),
                label_spans: vec![ls],
                code: None,
                code_span: None,
                cells: out,
                side: None,
            }
        })
        .collect();
    let last = trimmed_span(text, &lines[j - 1]);
    Some((
        LayoutTable {
            title,
            title_span,
            kind: None,
            unit: unit.as_ref().map(|u| u.0.clone()),
            unit_span: unit.map(|u| u.1),
            columns,
            rows,
            span: Span::new(
                title_span.start.min(trimmed_span(text, &lines[i]).start) as usize,
                last.end as usize,
            ),
            empty_statement: None,
            notes: Vec::new(),
        },
        j,
    ))
}

// ---------------------------------------------------------------------------
// Into the document model
// ---------------------------------------------------------------------------

/// A layout table as a document `Table`: a header row naming the columns,
/// then one data row per `LayoutRow`, each number keyed by its column's full
/// header (`支出/合计`; `Row::get` also accepts the leaf `合计`).
pub fn into_table(t: LayoutTable) -> super::Table {
    use super::{text::fold, Cell, Row, RowKind, Table, TableSource};
    let header_cells: Vec<Cell> = t
        .columns
        .iter()
        .map(|c| {
            let mut cell = Cell::new(c.header.clone(), c.span.unwrap_or(t.title_span));
            cell.number = None;
            cell
        })
        .collect();
    let mut rows = vec![Row {
        kind: RowKind::Header,
        header: None,
        label: None,
        label_span: None,
        code: None,
        side: None,
        cells: header_cells,
    }];
    for r in t.rows {
        let cells: Vec<Cell> = r
            .cells
            .iter()
            .zip(&t.columns)
            .filter_map(|(cell, col)| {
                let cell = cell.as_ref()?;
                let mut c = Cell::new(cell.text.clone(), cell.span);
                c.column = Some(fold(&col.header));
                c.number = Some(super::Number {
                    value: cell.value,
                    decimals: cell.decimals,
                    unit: super::Unit::None,
                    written: cell.text.clone(),
                });
                Some(c)
            })
            .collect();
        rows.push(Row {
            kind: RowKind::Data,
            header: Some(0),
            label: (!r.label.is_empty()).then(|| fold(&r.label)),
            label_span: r.label_spans.first().copied(),
            code: r.code,
            side: r.side,
            cells,
        });
    }
    Table {
        title: Some(t.title),
        title_span: Some(t.title_span),
        kind: t.kind.map(|k| k.name().to_owned()),
        unit: t.unit,
        unit_span: t.unit_span,
        span: t.span,
        rows,
        source: TableSource::Layout,
        empty_statement: t.empty_statement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Corpus directory (in the main crate: "../shared/corpus").
    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

    fn load(name: &str) -> (String, Vec<LayoutTable>) {
        let text =
            std::fs::read_to_string(format!("{CORPUS}/{name}.layout.txt")).expect("corpus file");
        let tables = find_layout_tables(&text);
        (text, tables)
    }

    fn sp(text: &str, s: Span) -> &str {
        text.get(s.start as usize..s.end as usize)
            .expect("span on char boundaries")
    }

    fn table(ts: &[LayoutTable], kind: StandardTable) -> &LayoutTable {
        let v: Vec<_> = ts.iter().filter(|t| t.kind == Some(kind)).collect();
        assert_eq!(v.len(), 1, "exactly one {kind:?}");
        v[0]
    }

    /// (kind, title, unit, rows)
    fn check_tables(text: &str, ts: &[LayoutTable], exp: &[(StandardTable, &str, &str, usize)]) {
        assert_eq!(
            ts.len(),
            exp.len(),
            "tables: {:?}",
            ts.iter().map(|t| &t.title).collect::<Vec<_>>()
        );
        for &(k, title, unit, nrows) in exp {
            let t = table(ts, k);
            assert_eq!(t.title, title);
            assert_eq!(
                sp(text, t.title_span)
                    .split_whitespace()
                    .collect::<String>(),
                title
            );
            assert_eq!(t.unit.as_deref(), Some(unit), "{title}");
            assert_eq!(sp(text, t.unit_span.expect("unit span")), unit);
            assert_eq!(t.rows.len(), nrows, "{title} rows");
            for r in &t.rows {
                assert_eq!(r.cells.len(), t.columns.len());
                for c in r.cells.iter().flatten() {
                    assert_eq!(sp(text, c.span), c.text);
                }
                for s in &r.label_spans {
                    sp(text, *s);
                }
            }
            let region = sp(text, t.span);
            assert_eq!(t.span.start, t.title_span.start);
            for bad in ["第三部分", "其他相关情况说明", "情况说明\n", "主要原因"]
            {
                assert!(
                    !region.contains(bad),
                    "{title} region swallows prose ({bad})"
                );
            }
        }
    }

    fn cell_is(text: &str, t: &LayoutTable, row: &str, col: &str, printed: &str) {
        let c = t
            .cell(row, col)
            .unwrap_or_else(|| panic!("{}: no cell ({row}, {col})", t.title));
        assert_eq!(c.text, printed, "{}: ({row}, {col})", t.title);
        assert_eq!(sp(text, c.span), printed);
        let clean: String = printed.chars().filter(|c| *c != ',').collect();
        assert_eq!(c.value, Decimal::from_str(&clean).unwrap());
    }

    fn cell_none(t: &LayoutTable, row: &str, col: &str) {
        assert!(
            t.rows_matching(row).next().is_some(),
            "{}: row {row} missing",
            t.title
        );
        assert!(
            t.column_index(col, None).is_some(),
            "{}: column {col} missing",
            t.title
        );
        assert!(
            t.cell(row, col).is_none(),
            "{}: ({row}, {col}) should be empty",
            t.title
        );
    }

    fn label_of<'a>(t: &'a LayoutTable, code: &str) -> &'a str {
        &t.rows_matching(code)
            .next()
            .unwrap_or_else(|| panic!("row {code}"))
            .label
    }

    fn only_row(t: &LayoutTable) -> &LayoutRow {
        assert_eq!(t.rows.len(), 1);
        &t.rows[0]
    }

    fn single(text: &str, t: &LayoutTable, col: &str, printed: Option<&str>) {
        let r = only_row(t);
        let ci = t
            .column_index(col, None)
            .unwrap_or_else(|| panic!("column {col}"));
        match (&r.cells[ci], printed) {
            (Some(c), Some(p)) => {
                assert_eq!(c.text, p, "{col}");
                assert_eq!(sp(text, c.span), p);
            }
            (None, None) => {}
            (got, want) => panic!("{col}: got {got:?}, want {want:?}"),
        }
    }

    use StandardTable::*;

    #[test]
    fn ghzyj_2024_final() {
        let (text, ts) = load("pt_ghzyj_2024_final_dept");
        check_tables(
            &text,
            &ts,
            &[
                (IncomeExpenditureTotal, "收入支出决算总表", "万元", 40),
                (Income, "收入决算表", "万元", 25),
                (Expenditure, "支出决算表", "万元", 25),
                (
                    FiscalIncomeExpenditureTotal,
                    "财政拨款收入支出决算总表",
                    "万元",
                    36,
                ),
                (
                    GeneralPublicExpenditure,
                    "一般公共预算财政拨款支出决算表",
                    "万元",
                    25,
                ),
                (
                    GeneralPublicBasicExpenditure,
                    "一般公共预算财政拨款基本支出决算表",
                    "万元",
                    67,
                ),
                (ThreeCosts, "财政拨款“三公”经费支出决算表", "万元", 1),
                (GovFund, "政府性基金预算财政拨款收入支出决算表", "万元", 0),
                (
                    StateCapital,
                    "国有资本经营预算财政拨款收入支出决算表",
                    "万元",
                    0,
                ),
            ],
        );
        let t1 = table(&ts, IncomeExpenditureTotal);
        cell_is(&text, t1, "八、社会保障和就业支出", "支出/决算数", "754.75");
        cell_is(&text, t1, "年初结转和结余", "决算数", "112.88");
        cell_is(&text, t1, "本年支出合计", "决算数", "9759.38");
        cell_is(
            &text,
            t1,
            "一、一般公共预算财政拨款收入",
            "收入/决算数",
            "9746.50",
        );
        cell_none(t1, "二、外交支出", "支出/决算数");
        assert_eq!(t1.rows.iter().filter(|r| r.label == "总计").count(), 2);
        let t2 = table(&ts, Income);
        cell_is(&text, t2, "2080505", "财政拨款收入", "446.11");
        assert_eq!(label_of(t2, "2080505"), "机关事业单位基本养老保险缴费支出");
        assert_eq!(
            t2.rows_matching("2080505")
                .next()
                .unwrap()
                .label_spans
                .len(),
            2
        );
        cell_is(&text, t2, "2200199", "本年收入合计", "45.00");
        cell_none(t2, "合计", "事业收入");
        let t3 = table(&ts, Expenditure);
        cell_is(&text, t3, "2200199", "基本支出", "0.00");
        cell_is(&text, t3, "212", "项目支出", "2259.65");
        cell_is(&text, t3, "合计", "本年支出合计", "9759.38");
        assert_eq!(label_of(t3, "2080599"), "其他行政事业单位养老支出");
        let t4 = table(&ts, FiscalIncomeExpenditureTotal);
        cell_is(
            &text,
            t4,
            "十八、自然资源海洋气象等支出",
            "一般公共预算财政拨款",
            "4461.67",
        );
        cell_is(&text, t4, "本年支出合计", "支出/合计", "9746.50");
        cell_is(&text, t4, "本年收入合计", "收入/决算数", "9746.50");
        assert!(t4
            .rows_matching("二十二、灾害防治及应急管理支出")
            .next()
            .is_some());
        let t5 = table(&ts, GeneralPublicExpenditure);
        cell_is(&text, t5, "2080505", "合计", "446.11");
        assert_eq!(label_of(t5, "2080505"), "机关事业单位基本养老保险缴费支出");
        assert_eq!(label_of(t5, "208"), "社会保障和就业支出");
        assert_eq!(label_of(t5, "2200199"), "其他自然资源事务支出");
        cell_is(&text, t5, "22102", "基本支出", "461.08");
        cell_is(&text, t5, "合计", "项目支出", "4381.74");
        let t6 = table(&ts, GeneralPublicBasicExpenditure);
        cell_is(&text, t6, "30207", "决算数", "8.05");
        cell_is(&text, t6, "30108", "决算数", "446.11");
        assert_eq!(label_of(t6, "30108"), "机关事业单位基本养老保险缴费");
        cell_is(&text, t6, "31007", "决算数", "0.00");
        assert_eq!(label_of(t6, "31007"), "信息网络及软件购置更新");
        cell_is(&text, t6, "公用经费合计", "决算数", "480.66");
        cell_is(&text, t6, "301", "人员经费/决算数", "4816.14");
        assert_eq!(
            t6.rows_matching("30217").next().unwrap().side.as_deref(),
            Some("公用经费")
        );
        let t7 = table(&ts, ThreeCosts);
        single(&text, t7, "公务接待费/预算数", Some("2.85"));
        single(&text, t7, "合计/决算数", Some("0.39"));
        single(
            &text,
            t7,
            "公务用车购置及运行维护费/小计/决算数",
            Some("0.00"),
        );
        let t8 = table(&ts, GovFund);
        assert!(sp(&text, t8.empty_statement.unwrap()).contains("本表无数据"));
        assert_eq!(t8.columns.len(), 6);
    }

    #[test]
    fn shgzb_2024_final() {
        let (text, ts) = load("pt_shgzb_2024_final_dept");
        check_tables(
            &text,
            &ts,
            &[
                (IncomeExpenditureTotal, "收入支出决算总表", "万元", 42),
                (Income, "收入决算表", "万元", 18),
                (Expenditure, "支出决算表", "万元", 18),
                (
                    FiscalIncomeExpenditureTotal,
                    "财政拨款收入支出决算总表",
                    "万元",
                    38,
                ),
                (
                    GeneralPublicExpenditure,
                    "一般公共预算财政拨款支出决算表",
                    "万元",
                    18,
                ),
                (
                    GeneralPublicBasicExpenditure,
                    "一般公共预算财政拨款基本支出决算表",
                    "万元",
                    67,
                ),
                (ThreeCosts, "财政拨款“三公”经费支出决算表", "万元", 0),
                (GovFund, "政府性基金预算财政拨款收入支出决算表", "万元", 0),
                (
                    StateCapital,
                    "国有资本经营预算财政拨款收入支出决算表",
                    "万元",
                    0,
                ),
            ],
        );
        let t1 = table(&ts, IncomeExpenditureTotal);
        cell_is(&text, t1, "一、一般公共服务支出", "决算数", "264.87");
        cell_is(&text, t1, "十九、住房保障支出", "支出/决算数", "29.42");
        let t3 = table(&ts, Expenditure);
        cell_is(&text, t3, "2013999", "项目支出", "202.24");
        cell_none(t3, "2013999", "基本支出");
        cell_is(&text, t3, "2101101", "基本支出", "2.22");
        assert_eq!(label_of(t3, "2080505"), "机关事业单位基本养老保险缴费支出");
        let t5 = table(&ts, GeneralPublicExpenditure);
        cell_is(&text, t5, "201", "合计", "264.87");
        assert_eq!(label_of(t5, "201"), "一般公共服务支出");
        assert_eq!(label_of(t5, "2013999"), "其他社会工作事务支出");
        cell_none(t5, "2013999", "基本支出");
        let t6 = table(&ts, GeneralPublicBasicExpenditure);
        cell_is(&text, t6, "310", "决算数", "0.00");
        assert_eq!(label_of(t6, "310"), "资本性支出");
        assert_eq!(label_of(t6, "30399"), "其他对个人和家庭的补助");
        cell_is(&text, t6, "30211", "决算数", "1.15");
        let t7 = table(&ts, ThreeCosts);
        assert!(t7.empty_statement.is_some());
    }

    #[test]
    fn template_2024_final_has_no_values() {
        let (text, ts) = load("template_2024_final_dept");
        check_tables(
            &text,
            &ts,
            &[
                (IncomeExpenditureTotal, "收入支出决算总表", "万元", 40),
                (Income, "收入决算表", "万元", 6),
                (Expenditure, "支出决算表", "万元", 6),
                (
                    FiscalIncomeExpenditureTotal,
                    "财政拨款收入支出决算总表",
                    "万元",
                    36,
                ),
                (
                    GeneralPublicExpenditure,
                    "一般公共预算财政拨款支出决算表",
                    "万元",
                    6,
                ),
                (
                    GeneralPublicBasicExpenditure,
                    "一般公共预算财政拨款基本支出决算表",
                    "万元",
                    67,
                ),
                (ThreeCosts, "财政拨款“三公”经费支出决算表", "万元", 0),
                (GovFund, "政府性基金预算财政拨款收入支出决算表", "万元", 0),
                (
                    StateCapital,
                    "国有资本经营预算财政拨款收入支出决算表",
                    "万元",
                    0,
                ),
            ],
        );
        for t in &ts {
            for r in &t.rows {
                assert!(r.cells.iter().all(|c| c.is_none()), "{}: {r:?}", t.title);
            }
        }
        let t2 = table(&ts, Income);
        assert_eq!(label_of(t2, "20799"), "其他文化旅游体育与传媒支出");
        let t5 = table(&ts, GeneralPublicExpenditure);
        assert_eq!(label_of(t5, "207"), "文化旅游体育与传媒支出");
        let t6 = table(&ts, GeneralPublicBasicExpenditure);
        assert_eq!(label_of(t6, "30207"), "邮电费");
        assert_eq!(label_of(t6, "31007"), "信息网络及软件购置更新");
    }

    #[test]
    fn wanli_2024_budget() {
        let (text, ts) = load("pt_wanli_2024_budget_dept");
        check_tables(
            &text,
            &ts,
            &[
                (BudgetFinanceTotal, "2024年部门财务收支预算总表", "元", 18),
                (BudgetIncome, "2024年部门收入预算总表", "元", 67),
                (BudgetExpenditure, "2024年部门支出预算总表", "元", 67),
                (
                    BudgetFiscalTotal,
                    "2024年部门财政拨款收支预算总表",
                    "元",
                    14,
                ),
                (
                    BudgetGeneralPublicFunctional,
                    "2024年部门一般公共预算支出功能分类预算表",
                    "元",
                    67,
                ),
                (
                    BudgetGovFundFunctional,
                    "2024年部门政府性基金预算支出功能分类预算表",
                    "元",
                    1,
                ),
                (
                    BudgetStateCapitalFunctional,
                    "2024年部门国有资本经营预算支出功能分类预算表",
                    "元",
                    1,
                ),
                (
                    BudgetBasicEconomic,
                    "2024年部门一般公共预算基本支出部门预算经济分类预算表",
                    "元",
                    32,
                ),
                (
                    BudgetThreeCosts,
                    "部门“三公”经费和机关运行经费预算表",
                    "万元",
                    1,
                ),
            ],
        );
        let b1 = table(&ts, BudgetFinanceTotal);
        cell_is(
            &text,
            b1,
            "一、财政拨款收入",
            "本年收入/预算数",
            "156,211,123",
        );
        cell_is(&text, b1, "八、城乡社区支出", "预算数", "119,385,303");
        cell_none(b1, "2.政府性基金", "预算数");
        let b2 = table(&ts, BudgetIncome);
        cell_is(&text, b2, "2010507", "合计", "257,700");
        cell_is(&text, b2, "合计", "财政拨款收入", "156,211,123");
        cell_is(&text, b2, "2080505", "其他收入", "0");
        let r = b2.rows_matching("2010507").next().unwrap();
        assert_eq!(sp(&text, r.code_span.unwrap()), "201   05   07");
        let b3 = table(&ts, BudgetExpenditure);
        cell_is(&text, b3, "208", "基本支出", "13,368,164");
        let b5 = table(&ts, BudgetGeneralPublicFunctional);
        cell_is(&text, b5, "22102", "基本支出", "6,705,199");
        cell_is(&text, b5, "合计", "项目支出", "56,505,103");
        let b4 = table(&ts, BudgetFiscalTotal);
        cell_is(
            &text,
            b4,
            "六、社会保障和就业支出",
            "一般公共预算",
            "19,604,064",
        );
        cell_is(&text, b4, "收入总计", "财政拨款收入/预算数", "156,211,123");
        cell_none(b4, "六、社会保障和就业支出", "政府性基金预算");
        let b6 = table(&ts, BudgetGovFundFunctional);
        assert!(sp(&text, b6.empty_statement.unwrap()).contains("空表"));
        let b8 = table(&ts, BudgetBasicEconomic);
        cell_is(&text, b8, "30102", "合计", "16,623,810");
        assert_eq!(
            sp(
                &text,
                b8.rows_matching("30102").next().unwrap().code_span.unwrap()
            ),
            "301   2"
        );
        cell_is(&text, b8, "30231", "公用经费", "215,600");
        let b9 = table(&ts, BudgetThreeCosts);
        single(&text, b9, "购置费", Some("25"));
        single(&text, b9, "机关运行经费预算数", Some("443.18"));
        single(&text, b9, "因公出国(境)费", Some("0"));
        // the table says it is empty although it carries figures: both are reported
        assert!(b9.empty_statement.is_some());
    }

    #[test]
    fn qfb_2025_budget() {
        let (text, ts) = load("pt_qfb_2025_budget_dept");
        check_tables(
            &text,
            &ts,
            &[
                (BudgetFinanceTotal, "2025年部门财务收支预算总表", "元", 13),
                (BudgetIncome, "2025年部门收入预算总表", "元", 21),
                (BudgetExpenditure, "2025年部门支出预算总表", "元", 21),
                (BudgetFiscalTotal, "2025年部门财政拨款收支预算总表", "元", 9),
                (
                    BudgetGeneralPublicFunctional,
                    "2025年部门一般公共预算支出功能分类预算表",
                    "元",
                    21,
                ),
                (
                    BudgetGovFundFunctional,
                    "2025年部门政府性基金预算支出功能分类预算表",
                    "元",
                    1,
                ),
                (
                    BudgetStateCapitalFunctional,
                    "2025年部门国有资本经营预算支出功能分类预算表",
                    "元",
                    1,
                ),
                (
                    BudgetBasicEconomic,
                    "2025年部门一般公共预算基本支出部门预算经济分类预算表",
                    "元",
                    30,
                ),
                (
                    BudgetThreeCosts,
                    "2025年部门“三公”经费和机关运行经费预算表",
                    "万元",
                    1,
                ),
            ],
        );
        let b3 = table(&ts, BudgetExpenditure);
        cell_is(&text, b3, "2010302", "项目支出", "46,140,000.00");
        cell_none(b3, "2010302", "基本支出");
        cell_is(&text, b3, "2010399", "合计", "20,120,000.00");
        assert_eq!(
            label_of(b3, "2010399"),
            "其他政府办公厅（室）及相关机构事务支出"
        );
        let b2 = table(&ts, BudgetIncome);
        cell_is(&text, b2, "2010399", "财政拨款收入", "20,120,000.00");
        cell_none(b2, "2010399", "事业收入");
        let b5 = table(&ts, BudgetGeneralPublicFunctional);
        cell_is(&text, b5, "2101101", "基本支出", "782,855.28");
        let b8 = table(&ts, BudgetBasicEconomic);
        cell_is(&text, b8, "31002", "公用经费", "200,000.00");
        cell_none(b8, "31002", "人员经费");
        let b9 = table(&ts, BudgetThreeCosts);
        single(&text, b9, "因公出国(境)费", Some("839.00"));
        single(&text, b9, "公务接待费", Some("28.50"));
        single(&text, b9, "机关运行经费预算数", Some("213.28"));
        single(&text, b9, "小计", None);
        assert!(b9.empty_statement.is_none());
    }

    #[test]
    fn sww_2025_budget() {
        let (text, ts) = load("pt_sww_2025_budget_dept");
        check_tables(
            &text,
            &ts,
            &[
                (BudgetFinanceTotal, "2025年部门财务收支预算总表", "元", 16),
                (BudgetIncome, "2025年部门收入预算总表", "元", 31),
                (BudgetExpenditure, "2025年部门支出预算总表", "元", 31),
                (
                    BudgetFiscalTotal,
                    "2025年部门财政拨款收支预算总表",
                    "元",
                    12,
                ),
                (
                    BudgetGeneralPublicFunctional,
                    "2025年部门一般公共预算支出功能分类预算表",
                    "元",
                    31,
                ),
                (
                    BudgetGovFundFunctional,
                    "2025年部门政府性基金预算支出功能分类预算表",
                    "元",
                    1,
                ),
                (
                    BudgetStateCapitalFunctional,
                    "2025年部门国有资本经营预算支出功能分类预算表",
                    "元",
                    1,
                ),
                (
                    BudgetBasicEconomic,
                    "2025年部门一般公共预算基本支出部门预算经济分类预算表",
                    "元",
                    31,
                ),
                (
                    BudgetThreeCosts,
                    "2025年部门“三公”经费和机关运行经费预算表",
                    "万元",
                    1,
                ),
            ],
        );
        let b9 = table(&ts, BudgetThreeCosts);
        single(&text, b9, "公务接待费", Some("1.00"));
        single(&text, b9, "因公出国(境)费", None);
        single(&text, b9, "合计", Some("1.00"));
        let b5 = table(&ts, BudgetGeneralPublicFunctional);
        cell_is(&text, b5, "2150899", "项目支出", "293,810,000.00");
        cell_none(b5, "2150899", "基本支出");
        cell_is(&text, b5, "2080599", "基本支出", "13,260.00");
        let b4 = table(&ts, BudgetFiscalTotal);
        cell_is(
            &text,
            b4,
            "五、资源勘探工业信息等支出",
            "一般公共预算",
            "293,810,000.00",
        );
        let b3 = table(&ts, BudgetExpenditure);
        cell_is(&text, b3, "206", "项目支出", "17,200,000.00");
        cell_none(b3, "206", "基本支出");
    }

    // ---------------------------------------------------------------- synthetic

    #[test]
    fn synthetic_two_sided() {
        let text = "\
                    收入支出决算总表
                                               单位：万元
              收入                          支出
         项目        决算数               项目         决算数
一、一般公共预算财政拨款收入     307.82   一、一般公共服务支出          264.87
二、政府性基金预算财政拨款收入             二、外交支出
                            三、国防支出                  -16.77
    本年收入合计       1,307.82          本年支出合计       307.82
注：本表反映部门本年度的总收支和年末结转结余情况。
一、收入支出决算总体情况说明，本年度收入支出总计增加。
";
        let ts = find_layout_tables(text);
        assert_eq!(ts.len(), 1);
        let t = &ts[0];
        assert_eq!(t.kind, Some(IncomeExpenditureTotal));
        assert_eq!(
            t.rows.len(),
            7,
            "{:#?}",
            t.rows
                .iter()
                .map(|r| (&r.label, &r.side))
                .collect::<Vec<_>>()
        );
        cell_is(text, t, "一、一般公共服务支出", "支出/决算数", "264.87");
        cell_is(text, t, "三、国防支出", "决算数", "-16.77");
        cell_is(text, t, "本年收入合计", "决算数", "1,307.82");
        assert_eq!(t.cell("本年收入合计", "决算数").unwrap().decimals, 2);
        cell_none(t, "二、外交支出", "决算数");
        assert_eq!(
            t.rows_matching("三、国防支出")
                .next()
                .unwrap()
                .side
                .as_deref(),
            Some("支出")
        );
        assert!(!sp(text, t.span).contains("总体情况说明"));
        assert_eq!(t.notes.len(), 1);
    }

    #[test]
    fn synthetic_wrapped_label_and_dropped_cell() {
        let text = "\
                  一般公共预算财政拨款支出决算表
                                         单位：万元
           项目
                        合计      基本支出     项目支出
  功能分类
                科目名称
  科目编码
            其他社会工作
 2013999               202.24            202.24
            事务支出
            机关事业单位
 208 05 05  基本养老保险      6.18     6.18
            缴费支出
 2101101    行政单位医疗      2.22     2.22
           合计          210.64   8.40    202.24
注：本表反映部门本年度一般公共预算财政拨款支出情况。
";
        let ts = find_layout_tables(text);
        assert_eq!(ts.len(), 1);
        let t = &ts[0];
        assert_eq!(t.rows.len(), 4);
        assert_eq!(label_of(t, "2013999"), "其他社会工作事务支出");
        cell_is(text, t, "2013999", "项目支出", "202.24");
        cell_none(t, "2013999", "基本支出");
        assert_eq!(label_of(t, "2080505"), "机关事业单位基本养老保险缴费支出");
        let r = t.rows_matching("2080505").next().unwrap();
        assert_eq!(sp(text, r.code_span.unwrap()), "208 05 05");
        assert_eq!(r.label_spans.len(), 3);
        cell_is(text, t, "合计", "基本支出", "8.40");
    }

    #[test]
    fn synthetic_page_break_repeated_header_and_crlf() {
        let page1 = "\
                       2025年部门一般公共预算支出功能分类预算表
编制部门：上海市普陀区某部门                                       单位：元
                       项目                             一般公共预算支出
功能分类科目编码
                         功能分类科目名称      合计              基本支出             项目支出
类     款    项
201             一般公共服务支出              82,096,797.42     15,686,797.42   66,410,000.00
201   03   02   一般行政管理事务              46,140,000.00                     46,140,000.00
";
        let page2 = "\
\x0c                        项目                          一般公共预算支出
功能分类科目编码
                         功能分类科目名称    合计              基本支出             项目支出
类     款    项
210   11   01   行政单位医疗                782,855.28         782,855.28
                        合计          91,016,775.35     24,606,775.35   66,410,000.00
\x0c                          其他相关情况说明
  一、2025年“三公”经费预算情况说明
    2025年“三公”经费预算数为867.50万元，与2024年预算持平。
";
        let text = format!("{page1}{page2}");
        for text in [text.clone(), text.replace('\n', "\r\n")] {
            let ts = find_layout_tables(&text);
            assert_eq!(ts.len(), 1, "{ts:#?}");
            let t = &ts[0];
            assert_eq!(t.kind, Some(BudgetGeneralPublicFunctional));
            assert_eq!(t.rows.len(), 4);
            cell_is(&text, t, "2010302", "项目支出", "46,140,000.00");
            cell_none(t, "2010302", "基本支出");
            cell_is(&text, t, "2101101", "基本支出", "782,855.28");
            cell_none(t, "2101101", "项目支出");
            cell_is(&text, t, "合计", "一般公共预算支出/合计", "91,016,775.35");
            assert!(!sp(&text, t.span).contains("其他相关情况说明"));
        }
    }

    #[test]
    fn synthetic_continuation_without_header() {
        let text = "\
                                      收入决算表
                                                                           单位：万元
            项目
                                                                         附属单位
  功能分类                    本年收入合计      财政拨款收入      上级补助收入   事业收入   经营收入          其他收入
                 科目名称                                                    上缴收入
  科目编码
            合计              9746.50     9746.50
208       社会保障和就业支出          754.75      754.75
\x0c212       城乡社区支出        3832.36   3832.36
21201     城乡社区管理事务      1092.80   1092.80
注：本表反映部门本年度取得的各项收入情况。
";
        let ts = find_layout_tables(text);
        assert_eq!(ts.len(), 1);
        let t = &ts[0];
        assert_eq!(t.rows.len(), 4);
        cell_is(text, t, "212", "财政拨款收入", "3832.36");
        cell_is(text, t, "21201", "本年收入合计", "1092.80");
        cell_none(t, "212", "上级补助收入");
    }

    #[test]
    fn synthetic_pipe_rows() {
        let text = "绩效自评表\n项目 | 年初预算数 | 全年执行数 | 执行率 |\n总额 | 0.00 | 3.36 | 100.00% |\n其中:财政拨款 | 90 | 89.974 | 99.9% |\n\n正文。\n";
        let ts = find_layout_tables(text);
        assert_eq!(ts.len(), 1);
        let t = &ts[0];
        assert_eq!(t.columns.len(), 3);
        assert_eq!(t.rows.len(), 2);
        cell_is(text, t, "总额", "全年执行数", "3.36");
        cell_is(text, t, "其中:财政拨款", "执行率", "99.9");
    }

    #[test]
    fn standard_table_from_title_variants() {
        assert_eq!(
            StandardTable::from_title("表一：收入支出决算总表"),
            Some(IncomeExpenditureTotal)
        );
        assert_eq!(
            StandardTable::from_title("2024年度 收入决算表"),
            Some(Income)
        );
        assert_eq!(
            StandardTable::from_title("财政拨款\"三公\"经费支出决算表"),
            Some(ThreeCosts)
        );
        assert_eq!(
            StandardTable::from_title("2024年部门“三公”经费和机关运行经费预算表"),
            Some(BudgetThreeCosts)
        );
        assert_eq!(
            StandardTable::from_title("上海市XX局2024年度部门决算表"),
            None
        );
        for k in [
            IncomeExpenditureTotal,
            GovFund,
            BudgetBasicEconomic,
            BudgetFiscalTotal,
        ] {
            assert_eq!(StandardTable::from_title(k.name()), Some(k));
        }
    }

    // ---------------------------------------------------------------- robustness

    fn assert_spans_ok(text: &str, ts: &[LayoutTable]) {
        for t in ts {
            let mut spans = vec![t.span, t.title_span];
            spans.extend(t.unit_span);
            spans.extend(t.empty_statement);
            spans.extend(t.columns.iter().filter_map(|c| c.span));
            for r in &t.rows {
                spans.extend(r.label_spans.iter().copied());
                spans.extend(r.code_span);
                spans.extend(r.cells.iter().flatten().map(|c| c.span));
            }
            for s in spans {
                assert!(s.start <= s.end);
                assert!(
                    text.get(s.start as usize..s.end as usize).is_some(),
                    "bad span {s:?}"
                );
            }
        }
    }

    #[test]
    fn robustness_truncation_and_mutation() {
        let names = [
            "pt_ghzyj_2024_final_dept",
            "pt_shgzb_2024_final_dept",
            "template_2024_final_dept",
            "pt_wanli_2024_budget_dept",
            "pt_qfb_2025_budget_dept",
            "pt_sww_2025_budget_dept",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: &[&[u8]] = &[
            b" ",
            b"  ",
            b"\n",
            b"\r\n",
            b"\x0c",
            b"0",
            b"7",
            b".",
            b",",
            b"-",
            b"|",
            b"\t",
            "表".as_bytes(),
            "合计".as_bytes(),
            "单位：万元".as_bytes(),
            "　".as_bytes(),
            &[0xE4],
            &[0x80],
            "注：".as_bytes(),
            "201 05 07".as_bytes(),
        ];
        for name in names {
            let text = std::fs::read_to_string(format!("{CORPUS}/{name}.layout.txt")).unwrap();
            // truncations at many points (char boundaries and raw bytes made lossy)
            let step = (text.len() / 60).max(1);
            let mut cut = 0;
            while cut < text.len() {
                let s = String::from_utf8_lossy(&text.as_bytes()[..cut]).into_owned();
                let ts = find_layout_tables(&s);
                assert_spans_ok(&s, &ts);
                let s2 = String::from_utf8_lossy(&text.as_bytes()[cut..]).into_owned();
                let ts2 = find_layout_tables(&s2);
                assert_spans_ok(&s2, &ts2);
                cut += step + (rnd() % 7) as usize;
            }
            // random byte-level mutations
            for _ in 0..25 {
                let mut b = text.as_bytes().to_vec();
                let n = 1 + (rnd() % 40) as usize;
                for _ in 0..n {
                    if b.is_empty() {
                        break;
                    }
                    let at = (rnd() as usize) % b.len();
                    match rnd() % 3 {
                        0 => {
                            b[at] = (rnd() % 256) as u8;
                        }
                        1 => {
                            let ins = alphabet[(rnd() as usize) % alphabet.len()];
                            b.splice(at..at, ins.iter().copied());
                        }
                        _ => {
                            let end = (at + (rnd() % 30) as usize).min(b.len());
                            b.drain(at..end);
                        }
                    }
                }
                let s = String::from_utf8_lossy(&b).into_owned();
                let ts = find_layout_tables(&s);
                assert_spans_ok(&s, &ts);
            }
        }
        // degenerate inputs
        for s in [
            "",
            "\x0c",
            "表",
            "单位：万元\n表\n",
            "|||\n|||\n",
            "收入决算表\n单位：元\n\n\x0c\x0c",
            "301\n302\n",
        ] {
            let ts = find_layout_tables(s);
            assert_spans_ok(s, &ts);
        }
    }
}
