//! The document model: sections, paragraphs, sentences, tables and facts,
//! every node with its exact source span. This module is the only code that
//! knows the input's layout.

mod build;
mod cover;
pub mod facts;
pub mod heading;
pub mod items;
pub mod kind;
mod margins;
pub mod number;
mod parallel;
pub mod table;
pub mod text;
mod toc;

pub use build::{parse, parse_source, parse_with_titles, section_at};
pub use kind::{DocumentForm, KindWord};
pub use number::{Number, Unit};
pub use table::strip_unit_suffix;

use crate::source::Span;
use heading::Numbering;
use rust_decimal::Decimal;
use serde::Serialize;
use text::Normalized;

/// What kind of report this is, from its title and structure (or
/// `--kind`): stage, scope and year from the title, the form from both
/// (kind.rs), with the reason the form was assumed.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ReportKind {
    /// 公开说明, 三公经费说明, … or 未识别 (structural rules abstain).
    pub form: DocumentForm,
    /// 决算 or 预算, if the title says.
    pub stage: Option<Stage>,
    /// 部门 or 单位, if the title says.
    pub scope: Option<Scope>,
    pub year: Option<u32>,
    /// Why this form was assumed, in words.
    pub reason: String,
}

/// The stage of a report: the account of a closed year or the plan of the
/// next. Serialised (JSON, dump) and shown to scripts as the Chinese word.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Hash)]
pub enum Stage {
    /// 决算
    #[serde(rename = "决算")]
    Final,
    /// 预算
    #[serde(rename = "预算")]
    Budget,
}

/// Whose report it is: a department (with its units) or one unit.
/// Serialised and shown to scripts as the Chinese word.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Hash)]
pub enum Scope {
    /// 部门
    #[serde(rename = "部门")]
    Department,
    /// 单位
    #[serde(rename = "单位")]
    Unit,
}

impl Stage {
    /// The word as written in reports and rule packs: "决算" or "预算".
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Final => "决算",
            Stage::Budget => "预算",
        }
    }
}

impl Scope {
    /// The word as written in reports and rule packs: "部门" or "单位".
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Department => "部门",
            Scope::Unit => "单位",
        }
    }
}

/// A word that names no report stage or scope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown report kind `{0}` (expected 决算, 预算, 部门 or 单位)")]
pub struct UnknownKind(pub String);

impl std::str::FromStr for Stage {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Stage, UnknownKind> {
        match s {
            "决算" => Ok(Stage::Final),
            "预算" => Ok(Stage::Budget),
            _ => Err(UnknownKind(s.to_owned())),
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Scope, UnknownKind> {
        match s {
            "部门" => Ok(Scope::Department),
            "单位" => Ok(Scope::Unit),
            _ => Err(UnknownKind(s.to_owned())),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub numbering: Option<Numbering>,
    /// The title without its number, as written (white space removed).
    pub title: String,
    /// The whole heading line (number and title).
    pub span: Span,
    pub number_span: Option<Span>,
    pub title_span: Span,
    pub section: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: usize,
    pub title: String,
    /// 0 for the document root, 1 for top-level headings …
    pub level: usize,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub heading: Option<usize>,
    /// From the heading to the end of the section's last content.
    pub span: Span,
}

/// A numbering observation for the `numbering` rule kind.
#[derive(Debug, Clone, Serialize)]
pub struct NumberingIssue {
    pub heading: usize,
    /// "sequence" or "style".
    pub kind: &'static str,
    pub expected: String,
    pub found: String,
    /// The heading whose style or number this one breaks with.
    pub other: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Paragraph {
    pub id: usize,
    pub section: usize,
    pub span: Span,
    /// The paragraph's lines joined and normalised for matching.
    pub norm: Normalized,
    pub sentences: Vec<usize>,
    /// The list number it starts with, if any (`（1）…`, `1.…`).
    pub numbering: Option<Numbering>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sentence {
    pub id: usize,
    pub paragraph: usize,
    pub section: usize,
    pub span: Span,
    /// Byte range in the paragraph's normalised text.
    #[serde(skip)]
    pub norm_range: (usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TableSource {
    /// Word-export text: cells start with a TAB.
    TabText,
    /// `pdftotext -layout`: columns of spaces.
    Layout,
    /// Pipe rows: `a | b | c |`.
    Pipe,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowKind {
    Header,
    Data,
    KeyValue,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// As written, with its line breaks.
    pub text: String,
    /// Folded text: line breaks and spaces removed (`执行率（%）`).
    pub key: String,
    pub span: Span,
    /// The header of this cell's column (folded), for data and key–value cells.
    pub column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<Number>,
}

impl Cell {
    pub fn new(text: String, span: Span) -> Cell {
        let key = text::fold(&text);
        let number = number::parse_cell_number(&key);
        Cell {
            text,
            key,
            span,
            column: None,
            number,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub kind: RowKind,
    /// Index of the header row that keys this row.
    pub header: Option<usize>,
    pub label: Option<String>,
    pub label_span: Option<Span>,
    /// 功能分类/经济分类 code, digits only.
    pub code: Option<String>,
    /// For two-sided tables: "收入" or "支出".
    pub side: Option<String>,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub title: Option<String>,
    pub title_span: Option<Span>,
    /// The standard table's name ("收入支出决算总表" …): always
    /// `standard.map(StandardTable::name)`, kept for serialisation, dumps
    /// and scripts. Rules go by `standard`.
    pub kind: Option<String>,
    pub unit: Option<String>,
    pub unit_span: Option<Span>,
    pub span: Span,
    pub rows: Vec<Row>,
    pub source: TableSource,
    pub empty_statement: Option<Span>,
    /// The standard table this is, when identified from its title.
    #[serde(skip)]
    pub standard: Option<table::StandardTable>,
    /// The value columns: header path, leaf and side.
    #[serde(skip)]
    pub columns: Vec<table::TableColumn>,
    /// The gate's judgement: may rules use these figures? (table/verify.rs)
    pub verdict: table::Verdict,
    /// Why the reader is not sure where it put the figures, when it is not
    /// (figures placed under columns by guess): the gate then judges the
    /// table unreliable, whatever its sums say.
    #[serde(skip)]
    pub reading_doubt: Option<String>,
}

impl Table {
    /// All header texts of the table (folded).
    pub fn headers(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.rows {
            for c in &r.cells {
                if let Some(col) = c.column.as_deref() {
                    if !out.contains(&col) {
                        out.push(col);
                    }
                }
            }
        }
        out
    }
    /// Does any header (or title) contain this text?
    pub fn has_header(&self, text_: &str) -> bool {
        let want = text::fold(text_);
        self.headers().iter().any(|h| h.contains(&want))
            || self
                .rows
                .iter()
                .any(|r| r.kind == RowKind::Header && r.cells.iter().any(|c| c.key.contains(&want)))
            || self
                .title
                .as_deref()
                .is_some_and(|t| text::fold(t).contains(&want))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FactKind {
    Amount,
    Percent,
    Share,
    Change,
    Count,
    /// A numeric table cell without a money or percent unit.
    Number,
}

impl FactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FactKind::Amount => "amount",
            FactKind::Percent => "percent",
            FactKind::Share => "share",
            FactKind::Change => "change",
            FactKind::Count => "count",
            FactKind::Number => "number",
        }
    }
}

/// What a figure does in its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The amount of an item: `基本支出242.27万元`.
    Value,
    /// The amount of a change: `增加17.75万元`.
    Delta,
    /// The rate of a change: `增长6.10%`.
    Rate,
    /// A share: `占比78.41%`.
    Share,
    /// A completion rate: `完成年初预算的102.27%`.
    Completion,
    /// A table cell.
    Cell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Increase,
    Decrease,
    Unchanged,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub direction: Direction,
    pub direction_span: Span,
    /// The direction word of the rate, if stated separately (`增长` in
    /// `增加17.75万元，增长6.10%`).
    pub rate_direction: Option<(Direction, Span)>,
    /// What it compares with, as written: `上年`, `年初预算数`, `2023年度` …
    pub base: Option<String>,
    pub base_span: Option<Span>,
    /// Fact ids.
    pub delta: Option<usize>,
    pub rate: Option<usize>,
    /// The compared-with amount when the text names it (`较上年的2190万元减少
    /// 221万元`): a fact id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prior: Option<usize>,
}

/// Links between facts (all fact ids).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Links {
    /// For a share, change, delta or rate: the amount it qualifies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<usize>,
    /// For an amount: its share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<usize>,
    /// For an amount: its change clauses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<usize>,
    /// For a total: the items that break it down.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<usize>,
    /// For an item: its total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<usize>,
    /// For a change written after the last item of a `其中` list: the list's
    /// head, which it may qualify instead of `of` (the text does not say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_of: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CellRef {
    pub table: usize,
    pub row: usize,
    pub cell: usize,
    pub column: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub id: usize,
    pub kind: FactKind,
    pub role: Role,
    /// The item the figure is about (`基本支出`, `收入总计`), prefixes stripped.
    pub label: String,
    /// `label` folded ([`text::fold`]), set once parsing is done
    /// ([`Document::build_indexes`]) so rules compare without re-folding.
    #[serde(skip)]
    pub key: String,
    /// The number as written (None for a change clause).
    pub number: Option<Number>,
    /// The figure and its unit as written in the source.
    pub span: Span,
    pub section: usize,
    pub paragraph: Option<usize>,
    pub sentence: Option<usize>,
    pub links: Links,
    /// Boxed: most facts are not changes, and `Change` would add a
    /// quarter to every fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Box<Change>>,
    /// For a share: the denominator named in the text (`占本年支出合计的…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_base: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<CellRef>,
}

impl Fact {
    pub fn value(&self) -> Option<Decimal> {
        self.number.as_ref().map(|n| n.value)
    }
    /// The figure as a rounding-aware quantity, in its own unit.
    pub fn quantity(&self) -> Option<crate::quantity::Quantity> {
        self.number.as_ref().map(|n| n.quantity())
    }
    /// Amounts converted to 万元 (with the rounding interval converted too).
    pub fn quantity_wan(&self) -> Option<crate::quantity::Quantity> {
        self.number.as_ref().and_then(|n| n.quantity_wan())
    }
}

/// A parsed report.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub kind: ReportKind,
    pub title: Option<(String, Span)>,
    pub headings: Vec<Heading>,
    pub sections: Vec<Section>,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub tables: Vec<Table>,
    pub facts: Vec<Fact>,
    /// Table of contents entries: (text, span).
    pub toc: Vec<(String, Span)>,
    pub numbering_issues: Vec<NumberingIssue>,
    /// Fact ids by folded label.
    pub by_label: std::collections::HashMap<String, Vec<usize>>,
    /// Fact ids of each table row: (table, row) → facts.
    pub by_row: std::collections::HashMap<(usize, usize), Vec<usize>>,
    /// Each section's title, folded (its path's part of a rule scope key).
    pub title_keys: Vec<String>,
}

impl Document {
    /// Paragraphs grouped into runs that read as one: a paragraph that does
    /// not end a sentence (。！？；： or an ellipsis) runs on into the next
    /// paragraph of its section, unless that one starts a numbered item. So a
    /// sentence the layout cut (at a page break, or a line the extraction set
    /// apart) is one run. Indices into `paragraphs`, in order; `text` is the
    /// text the spans index.
    pub fn sentence_runs(&self, text: &str) -> Vec<Vec<usize>> {
        let mut runs: Vec<Vec<usize>> = Vec::new();
        let mut open = false;
        for (i, p) in self.paragraphs.iter().enumerate() {
            let joins = open
                && p.numbering.is_none()
                && runs
                    .last()
                    .and_then(|r| r.last())
                    .is_some_and(|&j| self.paragraphs[j].section == p.section);
            match runs.last_mut() {
                Some(run) if joins => run.push(i),
                _ => runs.push(vec![i]),
            }
            open = !ends_sentence(text.get(p.span.range()).unwrap_or(""));
        }
        runs
    }

    /// Build the lookup indexes once parsing is done.
    pub fn build_indexes(&mut self) {
        self.by_label.clear();
        self.by_row.clear();
        for f in &mut self.facts {
            f.key = text::fold(&f.label);
            self.by_label.entry(f.key.clone()).or_default().push(f.id);
            if let Some(c) = &f.cell {
                self.by_row.entry((c.table, c.row)).or_default().push(f.id);
            }
        }
        self.title_keys = self.sections.iter().map(|s| text::fold(&s.title)).collect();
    }

    /// Facts with any of these labels (folded), in document order.
    pub fn facts_with_labels(&self, labels: &[String]) -> Vec<usize> {
        let mut ids: Vec<usize> = labels
            .iter()
            .filter_map(|l| self.by_label.get(&text::fold(l)))
            .flatten()
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The top-level (level 1) section containing `section`, or the root.
    pub fn top_section(&self, mut section: usize) -> usize {
        while let Some(p) = self.sections[section].parent {
            if p == 0 {
                return section;
            }
            section = p;
        }
        section
    }

    /// The titles from the top level down to `section` (none for the root).
    /// Walked up, not stored: a stored path per section grows with the
    /// square of the nesting.
    pub fn section_path(&self, section: usize) -> Vec<&str> {
        let mut path: Vec<&str> = self.below_root(section).map(|s| s.title.as_str()).collect();
        path.reverse();
        path
    }

    /// `section`'s path folded and joined with `/`: what a rule's `scope`
    /// is looked for in.
    pub fn path_key(&self, section: usize) -> String {
        let mut keys: Vec<_> = self
            .below_root(section)
            .map(|s| self.title_key(s.id))
            .collect();
        keys.reverse();
        keys.join("/")
    }

    /// `section` and its ancestors, innermost first, the root left out.
    fn below_root(&self, section: usize) -> impl Iterator<Item = &Section> {
        std::iter::successors(self.sections.get(section), |s| {
            s.parent.and_then(|p| self.sections.get(p))
        })
        .take_while(|s| s.parent.is_some())
    }

    /// A section's title folded (before `build_indexes`, on a document put
    /// together by hand, folded here).
    fn title_key(&self, section: usize) -> std::borrow::Cow<'_, str> {
        match self.title_keys.get(section) {
            Some(k) => std::borrow::Cow::Borrowed(k.as_str()),
            None => std::borrow::Cow::Owned(text::fold(&self.sections[section].title)),
        }
    }

    /// Every section's [`path_key`](Self::path_key), in order, each built
    /// from its parent's: the time of one pass and the memory of the
    /// deepest path, where asking each section walks up its whole path.
    pub fn for_each_path_key(&self, mut f: impl FnMut(usize, &str)) {
        let mut key = String::new();
        // The open sections: (id, the key's length up to its title).
        let mut open: Vec<(usize, usize)> = Vec::new();
        for s in &self.sections {
            let Some(parent) = s.parent else {
                open.clear();
                key.clear();
                open.push((s.id, 0));
                f(s.id, "");
                continue;
            };
            while open.last().is_some_and(|&(id, _)| id != parent) {
                open.pop();
            }
            let Some(&(_, len)) = open.last() else {
                // A section before its parent (never built so): walk up.
                f(s.id, &self.path_key(s.id));
                continue;
            };
            key.truncate(len);
            if self
                .sections
                .get(parent)
                .is_some_and(|p| p.parent.is_some())
            {
                key.push('/');
            }
            key.push_str(&self.title_key(s.id));
            open.push((s.id, key.len()));
            f(s.id, &key);
        }
    }

    /// Per section: is it inside one of these headings (text or path,
    /// folded)? What a rule's `scope` selects.
    pub fn scope_flags(&self, scope: &[String]) -> Vec<bool> {
        let wanted: Vec<String> = scope.iter().map(|s| text::fold(s)).collect();
        let mut flags = vec![false; self.sections.len()];
        self.for_each_path_key(|id, key| {
            flags[id] = wanted.iter().any(|w| key.contains(w.as_str()));
        });
        flags
    }

    /// Is `section` the section `ancestor` or inside it?
    pub fn section_within(&self, mut section: usize, ancestor: usize) -> bool {
        loop {
            if section == ancestor {
                return true;
            }
            match self.sections[section].parent {
                Some(p) => section = p,
                None => return false,
            }
        }
    }
    /// The normalised text of a sentence.
    pub fn sentence_text(&self, s: usize) -> &str {
        let sent = &self.sentences[s];
        let p = &self.paragraphs[sent.paragraph];
        p.norm
            .text
            .get(sent.norm_range.0..sent.norm_range.1)
            .unwrap_or("")
    }
    /// Facts whose label matches (folded, exact).
    pub fn facts_labelled<'a>(&'a self, label: &str) -> impl Iterator<Item = &'a Fact> + 'a {
        let want = text::fold(label);
        self.facts.iter().filter(move |f| f.key == want)
    }
}

impl Serialize for Paragraph {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Paragraph", 4)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("section", &self.section)?;
        st.serialize_field("span", &self.span)?;
        st.serialize_field("sentences", &self.sentences)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_units_own_name_is_not_part_of_a_label() {
        let doc = parse("上海市普陀区示例局 2024 年度部门决算\n\n一、收入支出决算总体情况说明\n上海市普陀区示例局2024年度收入总计317.82万元，支出总计317.82万元。\n");
        let labels: Vec<&str> = doc
            .facts
            .iter()
            .filter(|f| f.number.is_some())
            .map(|f| f.label.as_str())
            .collect();
        assert_eq!(labels, ["收入总计", "支出总计"]);
    }

    #[test]
    fn report_kind_words() {
        assert_eq!("决算".parse(), Ok(Stage::Final));
        assert_eq!("单位".parse(), Ok(Scope::Unit));
        assert!("决算".parse::<Scope>().is_err());
        for st in [Stage::Final, Stage::Budget] {
            assert_eq!(st.as_str().parse(), Ok(st));
        }
        let kind = ReportKind {
            stage: Some(Stage::Budget),
            scope: Some(Scope::Department),
            year: Some(2025),
            form: DocumentForm::Disclosure,
            reason: "标题".into(),
        };
        assert_eq!(
            serde_json::to_string(&kind).unwrap(),
            r#"{"form":"公开说明","stage":"预算","scope":"部门","year":2025,"reason":"标题"}"#
        );
    }
}

#[test]
fn a_sentence_ends_with_its_mark_or_a_note_after_it() {
    assert!(ends_sentence("增长5.00%。 "));
    assert!(ends_sentence("主要用于：\n"));
    assert!(ends_sentence("增长5.00%。（如持平作持平表述）"));
    assert!(!ends_sentence("增长5.00%"));
    assert!(!ends_sentence("增长5.00%（见附表）"));
}

/// Whether a passage ends a sentence: its last visible mark is 。！？；：
/// (full- or half-width) or an ellipsis, or it is a bracketed note after one
/// (`…增长5.00%。（如持平作持平表述）`).
pub fn ends_sentence(passage: &str) -> bool {
    const ENDS: [char; 10] = ['。', '！', '？', '；', '：', '…', '!', '?', ';', ':'];
    let p = passage.trim_end();
    if p.ends_with(ENDS) {
        return true;
    }
    p.strip_suffix(['）', ')'])
        .and_then(|inner| inner.rfind(['（', '(']))
        .is_some_and(|open| p[..open].trim_end().ends_with(ENDS))
}
