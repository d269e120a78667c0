//! What kind of document this is: its form (公开说明, a 三公经费 statement
//! on its own, a 绩效自评表 or 绩效自评报告, a government's 本级 report, a
//! page of tables only, one chapter of a report), recognised from the cover
//! title and the structure, with the reason in words.
//!
//! The structural rules (required sections, 三公 items, the standard tables,
//! contents ↔ body) judge a complete 部门/单位 公开说明 only; on any other
//! form they would report parts the document never meant to have. So the
//! form is assumed only on evidence, and in the safe direction: a document is
//! a 公开说明 when its title says so and its body has the parts such a
//! report is made of (概况 first, the 收支 narrative, the tables, 三公,
//! 其他事项, 名词解释), or when the body alone has most of them. When
//! neither title nor structure is clear, the form is 未识别 and the
//! structural rules abstain; arithmetic rules run on every form.
//!
//! The evidence follows from the genre (DOMAIN.md, FORMS.md §7), not from
//! one report's wording: the parts are found by the words their headings
//! use in every template seen (主要职能/概况/基本情况, 收入支出…说明 or
//! 预算编制说明, 三公, 其他…事项, 名词解释), the tables by their standard
//! names.

use super::heading::Delimiter;
use super::text::fold;
use super::{Document, ReportKind, Scope, Stage};
use regex::Regex;
use serde::Serialize;
use std::fmt::Write;
use std::sync::LazyLock;

/// The form of a document.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq, Hash)]
pub enum DocumentForm {
    /// A complete 部门/单位 决算 or 预算 公开说明.
    #[serde(rename = "公开说明")]
    Disclosure,
    /// A “三公”经费 statement published on its own.
    #[serde(rename = "三公经费说明")]
    SanGong,
    /// A 项目支出绩效自评表 or 绩效自评报告.
    #[serde(rename = "绩效自评")]
    SelfEvaluation,
    /// A government's 本级 决算/预算 report (本级财政决算/预算).
    #[serde(rename = "本级财政报告")]
    Government,
    /// Tables only, or a page that lists the tables.
    #[serde(rename = "表格")]
    Tables,
    /// One chapter of a report.
    #[serde(rename = "章节")]
    Chapter,
    /// Neither title nor structure says: structural rules abstain.
    #[default]
    #[serde(rename = "未识别")]
    Unknown,
}

impl DocumentForm {
    pub const ALL: [DocumentForm; 7] = [
        DocumentForm::Disclosure,
        DocumentForm::SanGong,
        DocumentForm::SelfEvaluation,
        DocumentForm::Government,
        DocumentForm::Tables,
        DocumentForm::Chapter,
        DocumentForm::Unknown,
    ];

    /// The word as written in rule packs, `--kind` and the output.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentForm::Disclosure => "公开说明",
            DocumentForm::SanGong => "三公经费说明",
            DocumentForm::SelfEvaluation => "绩效自评",
            DocumentForm::Government => "本级财政报告",
            DocumentForm::Tables => "表格",
            DocumentForm::Chapter => "章节",
            DocumentForm::Unknown => "未识别",
        }
    }
}

impl std::str::FromStr for DocumentForm {
    type Err = UnknownKindWord;
    fn from_str(s: &str) -> Result<DocumentForm, UnknownKindWord> {
        DocumentForm::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownKindWord(s.to_owned()))
    }
}

/// Every word `applies_to` and `--kind` accept: stage, scope, form.
pub const KIND_WORDS: [&str; 11] = [
    "决算",
    "预算",
    "部门",
    "单位",
    "公开说明",
    "三公经费说明",
    "绩效自评",
    "本级财政报告",
    "表格",
    "章节",
    "未识别",
];

/// A word naming no stage, scope or form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown report kind `{0}` (expected one of: {list})", list = KIND_WORDS.join(", "))]
pub struct UnknownKindWord(pub String);

/// One word of `applies_to` or `--kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KindWord {
    Stage(Stage),
    Scope(Scope),
    Form(DocumentForm),
}

impl std::str::FromStr for KindWord {
    type Err = UnknownKindWord;
    fn from_str(s: &str) -> Result<KindWord, UnknownKindWord> {
        let s = s.trim();
        if let Ok(st) = s.parse::<Stage>() {
            return Ok(KindWord::Stage(st));
        }
        if let Ok(sc) = s.parse::<Scope>() {
            return Ok(KindWord::Scope(sc));
        }
        s.parse::<DocumentForm>().map(KindWord::Form)
    }
}

impl KindWord {
    pub fn as_str(self) -> &'static str {
        match self {
            KindWord::Stage(s) => s.as_str(),
            KindWord::Scope(s) => s.as_str(),
            KindWord::Form(f) => f.as_str(),
        }
    }
}

impl ReportKind {
    /// Does a rule with these `applies_to` words run on this report? Words
    /// of one sort are alternatives, the sorts must all hold: `["决算",
    /// "公开说明"]` is a 决算 that is a 公开说明; `["决算", "预算"]` is either.
    /// A stage or scope the title does not give does not exclude a rule; a
    /// form does: on a form not recognised, rules for a form abstain.
    pub fn matches(&self, words: &[KindWord]) -> bool {
        let stages: Vec<Stage> = words
            .iter()
            .filter_map(|w| match w {
                KindWord::Stage(s) => Some(*s),
                _ => None,
            })
            .collect();
        let scopes: Vec<Scope> = words
            .iter()
            .filter_map(|w| match w {
                KindWord::Scope(s) => Some(*s),
                _ => None,
            })
            .collect();
        let forms: Vec<DocumentForm> = words
            .iter()
            .filter_map(|w| match w {
                KindWord::Form(f) => Some(*f),
                _ => None,
            })
            .collect();
        (stages.is_empty() || self.stage.is_none_or(|s| stages.contains(&s)))
            && (scopes.is_empty() || self.scope.is_none_or(|s| scopes.contains(&s)))
            && (forms.is_empty() || forms.contains(&self.form))
    }

    /// Force the given words (`--kind`, `kind` in gouji.toml): each replaces
    /// what was recognised; the reason keeps what recognition said.
    pub fn force(&mut self, words: &[KindWord], from: &str) {
        if words.is_empty() {
            return;
        }
        let recognised = format!("识别结果：{}，{}", self.form.as_str(), self.reason);
        for w in words {
            match *w {
                KindWord::Stage(s) => self.stage = Some(s),
                KindWord::Scope(s) => self.scope = Some(s),
                KindWord::Form(f) => self.form = f,
            }
        }
        let said: Vec<&str> = words.iter().map(|w| w.as_str()).collect();
        self.reason = format!("由 {from} 指定为 {}（{recognised}）", said.join("、"));
    }

    /// One line for people: `公开说明 · 部门决算 · 2024年度（依据：…）`.
    pub fn describe(&self) -> String {
        let mut s = format!("文档类型：{}", self.form.as_str());
        let what = format!(
            "{}{}",
            self.scope.map_or("", Scope::as_str),
            self.stage.map_or("", Stage::as_str)
        );
        if !what.is_empty() {
            let _ = write!(s, " · {what}");
        }
        if let Some(y) = self.year {
            let _ = write!(s, " · {y}年度");
        }
        let _ = write!(s, "（依据：{}）", self.reason);
        s
    }
}

// ---------------------------------------------------------------------------
// Recognition
// ---------------------------------------------------------------------------

/// The parts a 公开说明 is made of, as their headings name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    /// 概况, 主要职能, 机构设置, 单位基本情况: always the first part.
    Overview,
    /// The 收支 narrative: 收入支出决算总体情况说明, 预算编制说明 …
    Narrative,
    /// The standard tables (or a heading that names them: 部门决算表).
    Tables,
    /// “三公”经费.
    SanGong,
    /// 其他重要事项 / 其他需要说明的事项 / 机关运行经费 / 政府采购 …
    Other,
    /// 名词解释.
    Glossary,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Overview => "概况",
            Part::Narrative => "收支说明",
            Part::Tables => "表格",
            Part::SanGong => "“三公”经费",
            Part::Other => "其他事项",
            Part::Glossary => "名词解释",
        }
    }
}

static OVERVIEW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"概况|主要职能|职能职责|机构设置|单位构成|(?:部门|单位)基本情况|^基本情况").unwrap()
});
static NARRATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"收入支出|收支|收入(?:决算|预算)|支出(?:决算|预算)|预算编制|决算情况|财政拨款")
        .unwrap()
});
static TABLES_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:决算|预算)(?:表|公开表)$|附表$").unwrap());
static OTHER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"其他.{0,6}事项|其他相关情况|机关运行经费|政府采购|国有资产|绩效管理|项目经费")
        .unwrap()
});
static GLOSSARY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"名词解释").unwrap());

/// Words of the cover title.
static TITLE_DEPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:部门|单位)(?:决算|预算)").unwrap());
static TITLE_DISCLOSURE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"公开说明|(?:决算|预算)(?:公开|情况说明)").unwrap());
static TITLE_PERF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"绩效自评|自评(?:表|报告)|绩效评价(?:表|报告)|绩效目标(?:自评|完成)").unwrap()
});
static TITLE_GOV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"本级|财政总?(?:决算|预算)|总决算|预算执行情况|(?:预算|决算)草案").unwrap()
});
/// A heading of a performance self-evaluation (a budget's 绩效目标 are
/// targets, not an evaluation: they need scores or 自评 to count).
static PERF_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"自评|偏离.{0,6}原因").unwrap());

/// What the document shows of itself.
#[derive(Debug, Default)]
struct Evidence {
    /// The cover (folded): its title lines and the lines beside them
    /// (`预算主管部门：…`), for the title's words.
    title: String,
    /// The title as shown in the reason: the report title when one was
    /// found, else the cover.
    shown: String,
    parts: Vec<Part>,
    /// Sentences of explanatory prose (terminated, not a table's note).
    prose: usize,
    tables: usize,
    toc: usize,
    /// Headings that name a table (`1.收入支出决算总表`).
    table_headings: usize,
    /// A table or heading of a performance evaluation.
    perf: bool,
    /// The first numbered heading of a top style (`第三部分`, `三、`) when it
    /// does not start at one: (its value, as written).
    starts_late: Option<String>,
}

impl Evidence {
    fn has(&self, p: Part) -> bool {
        self.parts.contains(&p)
    }
    fn parts_list(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Tables if self.tables > 0 => format!("表格（{} 张）", self.tables),
                p => p.name().to_owned(),
            })
            .collect::<Vec<_>>()
            .join("、")
    }
    fn title_shown(&self) -> String {
        let t: String = self.shown.chars().take(40).collect();
        if t.chars().count() < self.shown.chars().count() {
            format!("{t}…")
        } else {
            t
        }
    }
}

/// The lines of the cover: from the start, the short unterminated lines
/// before the first heading, table or contents (at most four).
fn cover_text(doc: &Document, text: &str) -> String {
    let end = [
        doc.toc.first().map(|t| t.1.start),
        doc.headings
            .iter()
            .find(|h| h.numbering.is_some())
            .map(|h| h.span.start),
        doc.tables.first().map(|t| t.span.start),
    ]
    .into_iter()
    .flatten()
    .min()
    .map_or(text.len(), |e| e as usize)
    .min(text.len());
    let mut out = String::new();
    let mut taken = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        if start >= end || taken == 4 {
            break;
        }
        let l = fold(line);
        if l.is_empty() {
            continue;
        }
        // A cover line is short and stands alone: a numbered line, a
        // sentence or a line of running text is the body.
        if l.starts_with("目录")
            || l.chars().count() > 40
            || l.ends_with(['。', ';', '!', '?'])
            || super::heading::parse_numbering(line.trim_start()).is_some()
        {
            break;
        }
        out.push_str(&l);
        taken += 1;
    }
    if let Some((t, _)) = &doc.title {
        let t = fold(t);
        if !out.contains(&t) {
            out.push_str(&t);
        }
    }
    out
}

fn evidence(doc: &Document, text: &str) -> Evidence {
    let cover = cover_text(doc, text);
    let mut ev = Evidence {
        shown: doc
            .title
            .as_ref()
            .map_or_else(|| cover.clone(), |t| fold(&t.0)),
        title: cover,
        tables: doc.tables.iter().filter(|t| t.standard.is_some()).count(),
        toc: doc.toc.len(),
        ..Evidence::default()
    };
    let add = |parts: &mut Vec<Part>, p: Part| {
        if !parts.contains(&p) {
            parts.push(p);
        }
    };
    // Body titles: headings, and short unterminated lines standing alone.
    let mut titles: Vec<String> = doc.headings.iter().map(|h| fold(&h.title)).collect();
    titles.extend(
        doc.paragraphs
            .iter()
            .filter(|p| {
                let n = p.norm.text.chars().count();
                (2..=30).contains(&n) && !p.norm.text.ends_with(['。', ';', ':'])
            })
            .map(|p| p.norm.text.clone()),
    );
    for t in &titles {
        // A 项目 overview belongs to a performance report, not to a unit's.
        if OVERVIEW.is_match(t) && !t.contains("项目") {
            add(&mut ev.parts, Part::Overview);
        }
        if t.contains("三公") {
            add(&mut ev.parts, Part::SanGong);
        } else if NARRATIVE.is_match(t) && !t.ends_with('表') {
            add(&mut ev.parts, Part::Narrative);
        }
        if OTHER.is_match(t) {
            add(&mut ev.parts, Part::Other);
        }
        if GLOSSARY.is_match(t) {
            add(&mut ev.parts, Part::Glossary);
        }
        if TABLES_HEADING.is_match(t) {
            add(&mut ev.parts, Part::Tables);
        }
        if t.ends_with('表') {
            ev.table_headings += 1;
        }
        if PERF_HEADING.is_match(t) {
            ev.perf = true;
        }
    }
    if ev.tables > 0 {
        add(&mut ev.parts, Part::Tables);
    }
    ev.parts.sort();
    // A 自评表: indicators with their scores.
    ev.perf |= doc
        .tables
        .iter()
        .any(|t| t.has_header("指标") && t.has_header("得分"));
    // Explanatory prose: terminated sentences outside the tables' notes.
    for p in &doc.paragraphs {
        let body = p.norm.text.as_str();
        if body.starts_with("注") || body.starts_with("备注") || body.starts_with("说明:本表")
        {
            continue;
        }
        ev.prose += p
            .sentences
            .iter()
            .filter(|&&s| {
                let t = doc.sentence_text(s);
                t.chars().count() >= 12 && t.ends_with(['。', '!', '?', ';'])
            })
            .count();
    }
    // The first numbered heading of a top style.
    if let Some(h) = doc.headings.iter().find(|h| {
        h.numbering.is_some_and(|n| {
            n.delimiter == Delimiter::Part
                || (n.delimiter == Delimiter::Comma
                    && n.numeral == super::heading::Numeral::Chinese)
        })
    }) {
        let n = h.numbering.unwrap();
        if n.value > 1 {
            let written = h
                .number_span
                .and_then(|s| text.get(s.range()))
                .unwrap_or("")
                .trim()
                .to_owned();
            ev.starts_late = Some(written);
        }
    }
    ev
}

/// Recognise the form; sets `doc.kind.form` and `doc.kind.reason`.
pub(super) fn recognise(doc: &mut Document, text: &str) {
    let ev = evidence(doc, text);
    let (form, reason) = decide(&ev);
    doc.kind.form = form;
    doc.kind.reason = reason;
}

/// The decision, in order: the title's own forms (unless the body is a
/// complete 公开说明 its title also names), then the structure.
fn decide(ev: &Evidence) -> (DocumentForm, String) {
    use DocumentForm as F;
    let t = &ev.title;
    let shown = ev.title_shown();
    let dept = TITLE_DEPT.is_match(t);
    let says_disclosure = dept || TITLE_DISCLOSURE.is_match(t);
    // Most of a 公开说明's parts, the first of them (概况) included: a
    // document without it is a part of a report, however much of the rest
    // it has.
    let complete = ev.parts.len() >= 3
        && ev.has(Part::Overview)
        && [Part::Narrative, Part::Tables, Part::SanGong]
            .iter()
            .filter(|p| ev.has(**p))
            .count()
            >= 2;
    let disclosure = |why: &str| (F::Disclosure, format!("{why}；正文有{}", ev.parts_list()));
    if says_disclosure && complete && ev.prose > 0 {
        return disclosure(&format!("标题“{shown}”"));
    }
    if let Some(m) = TITLE_PERF.find(t) {
        return (
            F::SelfEvaluation,
            format!("标题“{shown}”含“{}”", m.as_str()),
        );
    }
    if ev.prose == 0 && (ev.tables > 0 || ev.toc > 0 || ev.table_headings >= 2) {
        let what = match (ev.tables, ev.toc) {
            (0, 0) => format!("{} 个表名", ev.table_headings),
            (0, n) => format!("目录 {n} 条"),
            (n, 0) => format!("{n} 张表"),
            (n, m) => format!("{n} 张表、目录 {m} 条"),
        };
        return (
            F::Tables,
            format!("只有表格或表格目录（{what}），没有说明文字"),
        );
    }
    if t.contains("三公") {
        return (F::SanGong, format!("标题“{shown}”含“三公”"));
    }
    if let Some(m) = TITLE_GOV.find(t).filter(|_| !dept) {
        return (F::Government, format!("标题“{shown}”含“{}”", m.as_str()));
    }
    if ev.perf
        && ![Part::Overview, Part::Narrative, Part::Tables, Part::SanGong]
            .iter()
            .any(|p| ev.has(*p))
    {
        return (
            F::SelfEvaluation,
            "正文只有绩效自评（指标得分、自评结论），没有收支说明和表格".to_owned(),
        );
    }
    if let Some(n) = &ev.starts_late {
        if !ev.has(Part::Overview) {
            let parts = if ev.parts.is_empty() {
                String::new()
            } else {
                format!("，只有{}", ev.parts_list())
            };
            let title = if says_disclosure {
                format!("标题“{shown}”像完整的公开说明，但")
            } else {
                String::new()
            };
            return (
                F::Chapter,
                format!("{title}正文从“{n}”开始，没有概况部分{parts}：是报告的一部分"),
            );
        }
    }
    if complete && ev.parts.len() >= 4 && ev.prose > 0 {
        return disclosure("标题未写明类型，按结构判断");
    }
    if ev.parts == [Part::SanGong] && ev.prose > 0 {
        return (
            F::SanGong,
            "正文只有“三公”经费部分，没有收支说明和表格".to_owned(),
        );
    }
    let why = if says_disclosure {
        let has = if ev.parts.is_empty() {
            "没有可辨认的组成部分".to_owned()
        } else {
            format!("只有{}", ev.parts_list())
        };
        format!("标题“{shown}”像公开说明，但正文{has}，不足以判断为完整的公开说明")
    } else if ev.title.is_empty() {
        format!(
            "没有标题，正文的组成部分不足以判断（{}）",
            if ev.parts.is_empty() {
                "无".to_owned()
            } else {
                ev.parts_list()
            }
        )
    } else {
        format!("标题“{shown}”与正文结构都不足以判断文档类型")
    };
    (F::Unknown, why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse;

    fn form(text: &str) -> (DocumentForm, String) {
        let d = parse(text);
        (d.kind.form, d.kind.reason)
    }

    const DISCLOSURE: &str = "示例局2024年度部门决算公开说明\n\
        一、单位基本情况\n（一）职能职责\n本单位负责示例工作，内设科室三个。\n\
        二、收入支出决算总体情况说明\n2024年度收入总计100.00万元，支出总计100.00万元。\n\
        三、“三公”经费财政拨款支出决算情况说明\n2024年度“三公”经费财政拨款支出0万元。\n\
        四、其他重要事项的情况说明\n（一）机关运行经费支出情况\n本单位机关运行经费支出10.00万元。\n\
        五、名词解释\n（一）财政拨款收入：指本级财政当年拨付的资金。\n";

    #[test]
    fn form_words_round_trip() {
        for f in DocumentForm::ALL {
            assert_eq!(f.as_str().parse(), Ok(f));
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.as_str())
            );
        }
        for w in KIND_WORDS {
            assert_eq!(w.parse::<KindWord>().unwrap().as_str(), w);
        }
        assert!("公开".parse::<KindWord>().is_err());
        assert!("年度".parse::<KindWord>().is_err());
    }

    #[test]
    fn a_complete_disclosure() {
        let (f, why) = form(DISCLOSURE);
        assert_eq!(f, DocumentForm::Disclosure, "{why}");
        assert!(why.contains("概况") && why.contains("名词解释"), "{why}");
    }

    #[test]
    fn a_disclosure_recognised_by_its_structure_alone() {
        let text = DISCLOSURE.replace("示例局2024年度部门决算公开说明\n", "示例局信息公开\n");
        let (f, why) = form(&text);
        assert_eq!(f, DocumentForm::Disclosure, "{why}");
        assert!(why.contains("按结构"), "{why}");
    }

    #[test]
    fn the_chapter_of_a_disclosure() {
        // The third part alone, under the report's own title: a chapter.
        let text = "示例局2024年度部门决算公开说明\n\
            三、“三公”经费财政拨款支出决算情况说明\n2024年度“三公”经费财政拨款支出0万元。因公出国（境）费0万元。\n\
            四、其他重要事项的情况说明\n本单位机关运行经费支出10.00万元。\n";
        let (f, why) = form(text);
        assert_eq!(f, DocumentForm::Chapter, "{why}");
        assert!(why.contains("三、"), "{why}");
        // The same with 第三部分.
        let text = "第三部分 示例局2024年度部门决算情况说明\n一、收入支出决算总体情况说明\n2024年度收入总计100.00万元，支出总计100.00万元。\n";
        assert_eq!(form(text).0, DocumentForm::Chapter);
    }

    #[test]
    fn title_forms() {
        let cases = [
            ("示例局2024年度“三公”经费决算情况说明\n2024年度，本单位“三公”经费财政拨款支出0万元，与上年持平。\n", DocumentForm::SanGong),
            ("2024年度项目支出绩效自评表\n项目名称：示例项目\n", DocumentForm::SelfEvaluation),
            ("示例项目2024年度绩效自评报告\n一、项目概况\n本项目年度预算10.00万元，执行10.00万元。\n二、绩效目标完成情况\n各项指标均已完成。\n", DocumentForm::SelfEvaluation),
            ("示例区2024年区本级财政决算\n一、一般公共预算收支决算情况\n2024年区本级一般公共预算收入100.00亿元，比上年增长5.0%。\n", DocumentForm::Government),
            ("关于示例区2024年预算执行情况和2025年预算草案的报告\n各位代表：现将预算执行情况报告如下，请予审议。\n", DocumentForm::Government),
        ];
        for (text, want) in cases {
            let (f, why) = form(text);
            assert_eq!(f, want, "{text}: {why}");
            assert!(why.contains("标题"), "{why}");
        }
    }

    #[test]
    fn a_department_budget_is_not_a_government_report() {
        // 区级 is the level of the department, not a government's 本级.
        let (f, _) = form("示例区2025年区级部门预算\n一、部门主要职能\n负责示例工作。\n");
        assert_ne!(f, DocumentForm::Government);
    }

    #[test]
    fn tables_only() {
        let toc = "示例局2024年度部门决算\n目   录\n一、收入支出决算总表……1\n二、收入决算表……2\n三、支出决算表……3\n";
        let (f, why) = form(toc);
        assert_eq!(f, DocumentForm::Tables, "{why}");
        let list = "2024年度部门决算公开表\n1.收入支出决算总表\n2.收入决算表\n3.支出决算表\n4.财政拨款收入支出决算总表\n";
        let (f, why) = form(list);
        assert_eq!(f, DocumentForm::Tables, "{why}");
    }

    #[test]
    fn a_three_public_statement_without_a_title_word() {
        let text = "一、“三公”经费总体情况\n2024年度“三公”经费财政拨款支出0万元，与上年持平。\n二、“三公”经费分项情况\n因公出国（境）费0万元，公务接待费0万元。\n";
        assert_eq!(form(text).0, DocumentForm::SanGong);
    }

    #[test]
    fn a_budgets_performance_targets_are_not_a_self_evaluation() {
        // 绩效目标 of a budget's project: targets, no scores, no 自评.
        let text = "项目经费情况说明\n一、项目概况\n本项目用于示例工作。\n二、绩效目标\n完成示例工作，服务对象满意度不低于90%。\n";
        let (f, why) = form(text);
        assert_ne!(f, DocumentForm::SelfEvaluation, "{why}");
        // With 自评 it is one.
        let text = "项目绩效情况\n一、项目概况\n本项目用于示例工作。\n二、自评结论\n经自评，本项目得分95分。\n";
        assert_eq!(form(text).0, DocumentForm::SelfEvaluation);
    }

    #[test]
    fn the_cover_is_short_lines_before_the_body() {
        // A part's title line and the numbered line under it are not a cover
        // that names 三公 or 本级.
        let text = "名词解释\n（一）财政拨款收入：是区级预算主管部门及所属预算单位从本级财政部门取得的\n财政预算资金。\n";
        let (f, why) = form(text);
        assert_eq!(f, DocumentForm::Unknown, "{why}");
        let text = "其他相关情况说明\n一、2025年“三公”经费预算情况说明\n2025年“三公”经费预算数为0万元。\n二、机关运行经费预算\n本部门机关运行经费预算为10万元。\n";
        let (f, why) = form(text);
        assert_ne!(f, DocumentForm::SanGong, "{why}");
    }

    #[test]
    fn unsure_is_unknown() {
        for text in [
            "",
            "本单位2024年度收入总计100.00万元。\n",
            "示例局2024年度部门决算公开说明\n一、单位基本情况\n本单位负责示例工作，内设科室三个。\n",
        ] {
            let (f, why) = form(text);
            assert_eq!(f, DocumentForm::Unknown, "{text:?}: {why}");
            assert!(!why.is_empty());
        }
    }

    #[test]
    fn applies_to_words() {
        let k = ReportKind {
            stage: Some(Stage::Final),
            scope: None,
            year: Some(2024),
            form: DocumentForm::Disclosure,
            reason: String::new(),
        };
        let w = |s: &[&str]| -> Vec<KindWord> { s.iter().map(|x| x.parse().unwrap()).collect() };
        assert!(k.matches(&[]));
        assert!(k.matches(&w(&["决算", "公开说明"])));
        assert!(k.matches(&w(&["决算", "预算"])));
        assert!(!k.matches(&w(&["预算", "公开说明"])));
        // No scope in the title: a scope word does not exclude the rule.
        assert!(k.matches(&w(&["单位"])));
        assert!(!k.matches(&w(&["章节"])));
        assert!(k.matches(&w(&["章节", "公开说明"])));
        let unknown = ReportKind {
            form: DocumentForm::Unknown,
            ..k.clone()
        };
        assert!(!unknown.matches(&w(&["公开说明"])));
        assert!(unknown.matches(&w(&["决算"])));
    }

    #[test]
    fn forced_words_keep_the_recognised_reason() {
        let mut k = ReportKind {
            form: DocumentForm::Chapter,
            reason: "正文从“三、”开始".into(),
            ..ReportKind::default()
        };
        k.force(
            &["公开说明".parse().unwrap(), "预算".parse().unwrap()],
            "--kind",
        );
        assert_eq!(k.form, DocumentForm::Disclosure);
        assert_eq!(k.stage, Some(Stage::Budget));
        assert!(
            k.reason.contains("--kind") && k.reason.contains("章节"),
            "{}",
            k.reason
        );
        assert!(k
            .describe()
            .starts_with("文档类型：公开说明 · 预算（依据："));
    }
}
