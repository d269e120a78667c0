//! HTML output: one self-contained page for the people who approve a report
//! (finance staff, not terminal users). It opens from a mail attachment: the
//! CSS and a small script are inline, there are no fonts, images or links
//! outside the page, and a Content-Security-Policy forbids any fetch.
//!
//! The page holds a summary (counts by rule, coverage, the tables read and
//! those that abstained, the `--fail-on` verdict), each finding with its
//! passage (the primary label and every secondary one highlighted, in colour
//! *and* with an underline style, so a black-and-white print tells them
//! apart), the findings suppressions and the baseline hid (with their
//! reasons), and the whole text of each report with every finding marked and
//! linked both ways (`#f-N` the finding, `#d-N` its place in the text).
//!
//! Every text of a report, a rule or a path goes through maud's escaping
//! splices; only the constant CSS and script below are `PreEscaped`.
//!
//! Markup the browser test (tests/html_browser.rs) relies on:
//! - `article.finding` with `data-n` (1-based number), `data-cat`, `data-rule`;
//! - in its passage, `mark.hl` elements with `data-l` (the label indices of
//!   that finding they cover);
//! - in the document text, `mark.hl` elements with `data-r` (`N.L` pairs:
//!   finding N, label L) and `a.ref#d-N` back links after a primary label;
//! - line terminators and form feeds are never inside a mark: a label across
//!   lines is one mark per line, a form feed becomes a page-break element.

use crate::baseline::{Applied, Hidden};
use crate::check::{self, FileReport};
use crate::diagnostic::{codes, Diagnostic, Outcome, Severity};
use crate::document::table::Reliability;
use crate::source::{SourceFile, Span};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use std::collections::BTreeMap;

/// Rendering settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlOptions<'a> {
    /// The `--fail-on` threshold (`None`: never).
    pub fail_on: Option<Severity>,
    /// What suppressions and the baseline did: the hidden findings are listed
    /// apart with their reasons.
    pub applied: Option<&'a Applied>,
    /// List the figures no check used (`--coverage`).
    pub coverage: bool,
}

/// The Content-Security-Policy of the page: nothing may be fetched; only the
/// inline style and script run, images only from `data:` URLs.
pub const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/// Lines of context around a label in a finding's passage.
const CONTEXT_LINES: usize = 1;

// ---- categories -------------------------------------------------------------

/// The filter category of a diagnostic: its severity, or its outcome when
/// that is not a plain finding.
fn category(d: &Diagnostic) -> &'static str {
    match d.outcome {
        Outcome::NotChecked => "not-checked",
        Outcome::ToolError => "tool-error",
        Outcome::Finding => d.severity.as_str(),
    }
}

/// Categories in display order, with their names for people.
const CATEGORIES: [(&str, &str); 5] = [
    ("error", "错误"),
    ("warning", "警告"),
    ("info", "提示"),
    ("not-checked", "未能核对"),
    ("tool-error", "工具错误"),
];

fn category_index(cat: &str) -> usize {
    CATEGORIES.iter().position(|(c, _)| *c == cat).unwrap_or(0)
}

fn category_name(cat: &str) -> &'static str {
    CATEGORIES[category_index(cat)].1
}

// ---- pages ------------------------------------------------------------------

/// Page numbers of a source: a PDF's page map when the source has one, else
/// the form feeds that separate pages (as `pdftotext` writes them); a text
/// without either has no pages. Agrees with `SourceFile::page_of`, with the
/// form feeds found once for the whole page rather than once per line.
struct Pages<'a> {
    src: &'a SourceFile,
    /// Byte offsets of the form feeds.
    breaks: Vec<u32>,
}

impl<'a> Pages<'a> {
    fn of(src: &'a SourceFile) -> Pages<'a> {
        Pages {
            src,
            breaks: src
                .text
                .match_indices('\u{c}')
                .map(|(i, _)| i as u32)
                .collect(),
        }
    }

    /// The 1-based page of a byte offset, when the source has pages.
    fn page_of(&self, at: u32) -> Option<usize> {
        if self.src.pages.is_some() {
            return self.src.page_of(at).map(|p| p as usize);
        }
        if self.breaks.is_empty() {
            return None;
        }
        Some(self.breaks.partition_point(|&f| f < at) + 1)
    }
}

// ---- cutting lines into pieces ------------------------------------------------

/// A span to highlight: finding `n`'s label `label`.
#[derive(Debug, Clone, Copy)]
struct MarkSpec {
    span: Span,
    n: usize,
    label: usize,
    cat: &'static str,
}

impl MarkSpec {
    fn primary(&self) -> bool {
        self.label == 0
    }
}

/// One piece of a line as the page shows it.
#[derive(Debug, PartialEq)]
enum Piece<'t> {
    Text(&'t str),
    /// Highlighted text; `keys` are the (finding, label) pairs covering it.
    Mark {
        text: &'t str,
        primary: bool,
        cat: &'static str,
        keys: Vec<(usize, usize)>,
    },
    /// A form feed: the start of this page.
    PageBreak(usize),
    /// The back link after finding `n`'s primary label.
    Ref(usize, &'static str),
}

/// A span moved onto char boundaries inside `text` (spans come from rules;
/// a wrong one must not panic the renderer).
fn clean_span(text: &str, span: Span) -> Span {
    let len = text.len();
    let mut a = (span.start as usize).min(len);
    let mut b = (span.end as usize).min(len).max(a);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    while !text.is_char_boundary(b) {
        b += 1;
    }
    Span::new(a, b)
}

/// Cut the line `line` (its content, without the terminator) into pieces.
/// `owned_end` is where the next line starts: a label ending in the line's
/// terminator gets its back link at the line's end. `marks` may hold marks
/// of other lines (they are ignored); `refs`: put a back link after each
/// primary label.
fn line_pieces<'t>(
    text: &'t str,
    line: Span,
    owned_end: usize,
    marks: &[MarkSpec],
    pages: &Pages,
    refs: bool,
) -> Vec<Piece<'t>> {
    let (ls, le) = (line.start as usize, line.end as usize);
    let on_line = |q: usize| q >= ls && (q < owned_end || (q == owned_end && q == text.len()));
    // Point events: empty labels at their place, back links after the last
    // byte of a primary label (on that byte's line). Sorted by position,
    // empty labels before back links.
    let mut events: Vec<(usize, u8, Piece<'t>)> = Vec::new();
    for m in marks {
        let (s, e) = (m.span.start as usize, m.span.end as usize);
        if s == e && on_line(s) {
            events.push((
                s.min(le),
                0,
                Piece::Mark {
                    text: "",
                    primary: m.primary(),
                    cat: m.cat,
                    keys: vec![(m.n, m.label)],
                },
            ));
        }
        if refs && m.primary() && on_line(if s == e { s } else { e - 1 }) {
            events.push((e.clamp(ls, le), 1, Piece::Ref(m.n, m.cat)));
        }
    }
    events.sort_by_key(|(p, k, _)| (*p, *k));
    let mut events = events.into_iter().peekable();
    let mut cuts = vec![ls, le];
    for m in marks {
        for p in [m.span.start as usize, m.span.end as usize] {
            if p > ls && p < le {
                cuts.push(p);
            }
        }
    }
    let first_break = pages.breaks.partition_point(|&f| (f as usize) < ls);
    for &f in pages.breaks[first_break..].iter() {
        let f = f as usize;
        if f >= le {
            break;
        }
        cuts.push(f);
        cuts.push(f + 1);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    for (i, &a) in cuts.iter().enumerate() {
        while let Some((_, _, p)) = events.next_if(|(p, _, _)| *p == a) {
            out.push(p);
        }
        let Some(&b) = cuts.get(i + 1) else { break };
        let piece = &text[a..b];
        if piece == "\u{c}" {
            out.push(Piece::PageBreak(pages.page_of(a as u32).unwrap_or(1) + 1));
            continue;
        }
        let covering: Vec<&MarkSpec> = marks
            .iter()
            .filter(|m| {
                !m.span.is_empty() && m.span.start as usize <= a && b <= m.span.end as usize
            })
            .collect();
        if covering.is_empty() {
            out.push(Piece::Text(piece));
        } else {
            let primary = covering.iter().any(|m| m.primary());
            // The most serious of the primaries (or of all, when none is).
            let cat = covering
                .iter()
                .filter(|m| m.primary() == primary)
                .map(|m| m.cat)
                .min_by_key(|c| category_index(c))
                .unwrap_or("info");
            out.push(Piece::Mark {
                text: piece,
                primary,
                cat,
                keys: covering.iter().map(|m| (m.n, m.label)).collect(),
            });
        }
    }
    out
}

// ---- the model of the page --------------------------------------------------

/// One finding as the page shows it.
struct Finding<'r> {
    n: usize,
    report: &'r FileReport,
    d: &'r Diagnostic,
}

/// The text of labels as written (for the figure table).
fn label_text(src: Option<&SourceFile>, span: Span) -> &str {
    match src {
        Some(s) => {
            let sp = clean_span(&s.text, span);
            &s.text[sp.range()]
        }
        None => "",
    }
}

/// `行 12 列 5` and the page, when the source has pages.
fn position(src: &SourceFile, pages: &Pages, at: u32) -> String {
    let lc = src.line_col(at);
    // A Word or spreadsheet file: the paragraph or cell first.
    if let Some(n) = src.native_of(crate::source::Span::new(at as usize, at as usize)) {
        return format!("{n} · 第 {} 行第 {} 列", lc.line, lc.column);
    }
    match pages.page_of(at) {
        Some(p) => format!("第 {p} 页 · 第 {} 行第 {} 列", lc.line, lc.column),
        None => format!("第 {} 行第 {} 列", lc.line, lc.column),
    }
}

/// Line ranges (0-based, inclusive) of a finding's passage: each label's
/// lines with context, merged where they meet.
fn passage_groups(src: &SourceFile, labels: &[Span], line_count: usize) -> Vec<(usize, usize)> {
    if line_count == 0 {
        return Vec::new();
    }
    let last = line_count - 1;
    let mut ranges: Vec<(usize, usize)> = labels
        .iter()
        .map(|s| {
            let a = src.lines.line_of(s.start).min(last);
            let b = src
                .lines
                .line_of(s.end.saturating_sub(1).max(s.start))
                .min(last);
            (
                a.saturating_sub(CONTEXT_LINES),
                (b + CONTEXT_LINES).min(last),
            )
        })
        .collect();
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (a, b) in ranges {
        match out.last_mut() {
            Some(prev) if a <= prev.1 + 1 => prev.1 = prev.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Per report: its lines (content spans) and pages, computed once.
struct SourceView<'s> {
    src: &'s SourceFile,
    lines: Vec<crate::source::Line>,
    pages: Pages<'s>,
}

impl<'s> SourceView<'s> {
    fn new(src: &'s SourceFile) -> SourceView<'s> {
        SourceView {
            src,
            lines: crate::source::lines(&src.text),
            pages: Pages::of(src),
        }
    }

    /// Where line `i` ends for point events: the next line's start.
    fn owned_end(&self, i: usize) -> usize {
        self.lines
            .get(i + 1)
            .map_or(self.src.text.len(), |l| l.span.start as usize)
    }
}

// ---- rendering ----------------------------------------------------------------

/// The page for the checked reports (after suppressions and the baseline
/// were applied; `opts.applied` lists what they hid).
pub fn render(reports: &[FileReport], opts: &HtmlOptions) -> String {
    // Number the findings across reports, in output order.
    let mut findings: Vec<Vec<Finding>> = Vec::with_capacity(reports.len());
    let mut n = 0;
    for r in reports {
        // Errors first, then warnings, notes and what was not checked; in
        // the order of the text within each.
        let mut ds: Vec<&Diagnostic> = r.diagnostics.iter().collect();
        ds.sort_by_key(|d| category_index(category(d)));
        findings.push(
            ds.into_iter()
                .map(|d| {
                    n += 1;
                    Finding { n, report: r, d }
                })
                .collect(),
        );
    }
    let all: Vec<&Finding> = findings.iter().flatten().collect();
    let hidden: &[Hidden] = opts.applied.map_or(&[], |a| a.hidden.as_slice());
    let checked: Vec<&FileReport> = reports
        .iter()
        .filter(|r| !crate::baseline::is_meta_report(r))
        .collect();
    let title = match checked.as_slice() {
        [one] => format!("勾稽审核报告：{}", one.path),
        many => format!("勾稽审核报告：{} 个报告", many.len()),
    };
    let page = html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                "\n" meta charset="utf-8";
                "\n" meta http-equiv="Content-Security-Policy" content=(CSP);
                "\n" meta name="viewport" content="width=device-width, initial-scale=1";
                "\n" meta name="generator" content="gouji";
                "\n" title { (title) }
                "\n" style { (PreEscaped(CSS)) } "\n"
            }
            "\n"
            body {
                header.top {
                    h1 { (title) }
                    p.legend {
                        "图例："
                        span.chip.p.c-error { "所核数字" } "（实线下划线）"
                        span.chip.s { "参与计算的数字" } "（虚线下划线）"
                    }
                }
                "\n" (summary(reports, &all, hidden, opts))
                "\n" (toolbar(&all))
                "\n" main {
                    @for (r, fs) in reports.iter().zip(&findings) {
                        "\n" (report_section(r, fs, opts))
                    }
                    @if !hidden.is_empty() {
                        "\n" (hidden_section(reports, hidden))
                    }
                }
                "\n" footer { "由 gouji（勾稽）生成。数字核对考虑四舍五入：以 d 位小数写出的数代表区间 [v − ½·10⁻ᵈ, v + ½·10⁻ᵈ]。" }
                "\n" script { (PreEscaped(SCRIPT)) } "\n"
            }
        }
        "\n"
    };
    page.into_string()
}

fn summary(
    reports: &[FileReport],
    all: &[&Finding],
    hidden: &[Hidden],
    opts: &HtmlOptions,
) -> Markup {
    let mut totals = [0usize; 5];
    let mut by_rule: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for f in all {
        let i = category_index(category(f.d));
        totals[i] += 1;
        by_rule.entry(f.d.code.as_str()).or_default()[i] += 1;
    }
    let exit = check::exit_code(reports, opts.fail_on);
    let level = opts.fail_on.map_or("never", Severity::as_str);
    let at_or_above = opts.fail_on.map_or(0, |t| {
        all.iter()
            .filter(|f| f.d.outcome == Outcome::Finding && f.d.severity >= t)
            .count()
    });
    let (verdict_class, verdict) = match exit {
        2 => (
            "fail",
            "工具或输入错误：有报告未能读取或有规则运行失败（退出码 2）".to_owned(),
        ),
        1 => (
            "fail",
            format!("未通过：{at_or_above} 项发现达到 --fail-on {level} 门槛（退出码 1）"),
        ),
        _ if opts.fail_on.is_none() => (
            "pass",
            "不设门槛（--fail-on never）：发现不影响结论（退出码 0）".to_owned(),
        ),
        _ => (
            "pass",
            format!("通过：没有达到 --fail-on {level} 门槛的发现（退出码 0）"),
        ),
    };
    // The rules with errors first, then warnings …; by id within.
    let mut by_rule: Vec<(&str, [usize; 5])> = by_rule.into_iter().collect();
    by_rule.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let suppressed = hidden.iter().filter(|h| !h.baselined).count();
    let baselined = hidden.len() - suppressed;
    html! {
        section #summary {
            h2 { "概要" }
            p.verdict.(verdict_class) #verdict data-exit=(exit) data-fail-on=(level) { (verdict) }
            table.counts #counts {
                thead { tr {
                    th { "规则" }
                    @for (cat, name) in CATEGORIES { th.(cat_class(cat)) { (name) } }
                } }
                tbody {
                    @for (rule, c) in &by_rule {
                        "\n" tr data-rule=(rule) {
                            td { button.rule type="button" data-rule=(rule) title="只看这条规则的发现" { code { (rule) } } }
                            @for v in c { td.num { @if *v > 0 { (v) } } }
                        }
                    }
                }
                tfoot { tr {
                    th { "合计" }
                    @for (i, (cat, _)) in CATEGORIES.iter().enumerate() {
                        td.num data-total=(cat) { (totals[i]) }
                    }
                } }
            }
            @if reports.len() > 1 {
                (report_list(reports, all))
            }
            @if !hidden.is_empty() {
                p #hidden-count data-suppressed=(suppressed) data-baselined=(baselined) {
                    "另有 " (hidden.len()) " 项已知发现未计入（" (suppressed) " 项由 gouji.toml 抑制，"
                    (baselined) " 项由基线接受），"
                    a href="#hidden" { "见下文" } "。"
                }
            }
        }
    }
}

/// With several reports: one row each, linked to its section.
fn report_list(reports: &[FileReport], all: &[&Finding]) -> Markup {
    let rows: Vec<(&FileReport, [usize; 5])> = reports
        .iter()
        .map(|r| {
            let mut c = [0usize; 5];
            for f in all.iter().filter(|f| std::ptr::eq(f.report, r)) {
                c[category_index(category(f.d))] += 1;
            }
            (r, c)
        })
        .collect();
    html! {
        table.reports #reports {
            thead { tr {
                th { "报告" }
                @for (cat, name) in CATEGORIES { th.(cat_class(cat)) { (name) } }
                th { "数字核对覆盖" }
            } }
            tbody {
                @for (r, c) in &rows {
                    "\n" tr {
                        td { a href={ "#" (report_id(r)) } { code { (r.path) } } }
                        @for v in c { td.num { @if *v > 0 { (v) } } }
                        td.num { @if let Some(cov) = &r.coverage { (cov.covered) " / " (cov.figures) } }
                    }
                }
            }
        }
    }
}

fn cat_class(cat: &str) -> String {
    format!("c-{cat}")
}

fn toolbar(all: &[&Finding]) -> Markup {
    let mut rules: Vec<&str> = all.iter().map(|f| f.d.code.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    let present: Vec<(&str, &str, usize)> = CATEGORIES
        .iter()
        .map(|(c, name)| {
            (
                *c,
                *name,
                all.iter().filter(|f| category(f.d) == *c).count(),
            )
        })
        .filter(|(c, _, k)| *k > 0 || *c != "tool-error")
        .collect();
    html! {
        nav.toolbar #toolbar aria-label="筛选与导航" {
            span.group {
                "级别："
                @for (cat, name, k) in &present {
                    label.(cat_class(cat)) {
                        input type="checkbox" checked data-filter-cat=(cat);
                        (name) "（" (k) "）"
                    }
                }
            }
            label.group {
                "规则："
                select #rule-filter {
                    option value="" { "全部规则" }
                    @for r in &rules { option value=(r) { (r) } }
                }
            }
            span.group {
                button type="button" #prev title="上一项（k 或 p）" { "↑ 上一项" }
                button type="button" #next title="下一项（j 或 n）" { "↓ 下一项" }
                span.hint { "键盘：j/n 下一项，k/p 上一项" }
            }
            span.group { "显示 " span #shown { (all.len()) } " / " (all.len()) " 项" }
        }
    }
}

fn report_section(r: &FileReport, fs: &[Finding], opts: &HtmlOptions) -> Markup {
    let meta = crate::baseline::is_meta_report(r);
    let view = r.source.as_deref().map(SourceView::new);
    html! {
        section.report id=(report_id(r)) data-path=(r.path) {
            h2 {
                @if meta { "gouji 自身的文件：" } @else { "报告：" }
                code { (r.path) }
            }
            @if let (Some(v), false) = (&view, meta) {
                (report_facts(r, v, fs, opts))
            }
            h3 { "发现（" (fs.len()) " 项）" }
            @if fs.is_empty() {
                p.none { "没有发现。" }
            }
            @for f in fs {
                "\n" (finding_card(f, view.as_ref()))
            }
            @if let (Some(v), false) = (&view, meta) {
                (document_text(r, v, fs))
            }
        }
    }
}

fn pct(covered: usize, figures: usize) -> String {
    if figures == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", covered as f64 * 100.0 / figures as f64)
    }
}

fn reliability_name(r: Reliability) -> &'static str {
    match r {
        Reliability::Unverified => "未能验证（无勾稽关系可核）",
        Reliability::Reliable => "可靠",
        Reliability::Doubtful => "部分单元格存疑",
        Reliability::Unreliable => "未能可靠识别，规则未作核对",
    }
}

/// Coverage and tables of one checked report.
fn report_facts(r: &FileReport, v: &SourceView, fs: &[Finding], opts: &HtmlOptions) -> Markup {
    let rid = report_id(r);
    // The document is parsed again for the list of tables (a report keeps
    // only its diagnostics and coverage); parsing is deterministic, so these
    // are the tables the rules saw.
    let doc = crate::document::parse_source(v.src);
    let abstained: Vec<&Finding> = fs
        .iter()
        .filter(|f| f.d.code == codes::TABLE_UNREADABLE)
        .collect();
    html! {
        div.facts {
            @if let Some(c) = &r.coverage {
                p.coverage data-figures=(c.figures) data-covered=(c.covered) {
                    "数字核对覆盖：" b { (c.covered) " / " (c.figures) } " 个数字参与了核对（"
                    (pct(c.covered, c.figures)) "），" (c.figures - c.covered) " 个未参与任何核对"
                    @if c.unreadable > 0 { "，其中 " (c.unreadable) " 个在未能可靠识别的表格中" }
                    "。"
                }
                @if opts.coverage && !c.uncovered.is_empty() {
                    details.uncovered {
                        summary { "未核对的数字（" (c.uncovered.len()) " 个）" }
                        ul {
                            @for u in &c.uncovered {
                                "\n" li {
                                    a href={ "#" (rid) "-L" (u.line) } { "第 " (u.line) " 行" }
                                    " " span.fig { (u.text) } "（" (u.label)
                                    @if let Some(why) = &u.reason { "，" (why) }
                                    "）"
                                }
                            }
                        }
                    }
                }
            }
            p.tables data-tables=(doc.tables.len()) data-unreadable=(abstained.len()) {
                "识别出的表格：" (doc.tables.len()) " 张"
                @if !abstained.is_empty() { "，其中 " (abstained.len()) " 张未能可靠识别（规则未作核对）" }
                "。"
            }
            @if !doc.tables.is_empty() {
                details.tablelist {
                    summary { "表格清单" }
                    table {
                        thead { tr { th { "表格" } th { "位置" } th { "行数" } th { "识别结论" } } }
                        tbody {
                            @for t in &doc.tables {
                                @let line = v.src.line_col(t.title_span.unwrap_or(t.span).start).line;
                                "\n" tr.(if t.verdict.usable() { "usable" } else { "unreadable" }) {
                                    td { (t.kind.as_deref().or(t.title.as_deref()).unwrap_or("（无标题）")) }
                                    td { a href={ "#" (rid) "-L" (line) } {
                                        @if let Some(p) = v.pages.page_of(t.span.start) { "第 " (p) " 页，" }
                                        "第 " (line) " 行"
                                    } }
                                    td.num { (t.rows.len()) }
                                    td {
                                        (reliability_name(t.verdict.reliability))
                                        @if let Some(why) = &t.verdict.reason { "：" (why) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !abstained.is_empty() {
                ul.abstained {
                    @for f in &abstained {
                        li { a href={ "#f-" (f.n) } { "#" (f.n) } " " (f.d.message) }
                    }
                }
            }
        }
    }
}

/// An id for a report's elements (its lines: `{id}-L{line}`).
fn report_id(r: &FileReport) -> String {
    // Stable and safe in an id: a short hash of the path.
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(r.path.as_bytes());
    format!("r{:02x}{:02x}{:02x}{:02x}", h[0], h[1], h[2], h[3])
}

fn finding_card(f: &Finding, view: Option<&SourceView>) -> Markup {
    let d = f.d;
    let cat = category(d);
    let src = view.map(|v| v.src);
    let located = src.is_some() && !d.labels.is_empty();
    html! {
        article.finding.(cat_class(cat)) id={ "f-" (f.n) } data-n=(f.n) data-cat=(cat) data-rule=(d.code) tabindex="-1" {
            header {
                span.num { "#" (f.n) }
                span.badge.(cat_class(cat)) { (category_name(cat)) }
                code.rule { (d.code) }
                @if let (Some(v), Some(p)) = (view, d.primary_span()) {
                    span.loc { (f.report.path) " · " (position(v.src, &v.pages, p.start)) }
                    @if !crate::baseline::is_meta_report(f.report) {
                        a.jump href={ "#d-" (f.n) } { "在全文中查看 ↓" }
                    }
                } @else {
                    span.loc { (f.report.path) }
                }
            }
            p.msg { (d.message) }
            @if located {
                (figure_table(d, view))
            }
            @if let Some(h) = &d.help {
                p.help { b { "复算与说明：" } (h) }
            }
            @if let (Some(v), true) = (view, located) {
                (passage(f.n, d, v))
            }
        }
    }
}

/// Each label: its role, the text it covers, what the rule says of it, where.
fn figure_table(d: &Diagnostic, view: Option<&SourceView>) -> Markup {
    let cat = category(d);
    html! {
        table.figures {
            thead { tr { th { "标注" } th { "原文" } th { "说明" } th { "位置" } } }
            tbody {
                @for (i, l) in d.labels.iter().enumerate() {
                    "\n" tr {
                        td { @if i == 0 { "主要" } @else { "相关" } }
                        td {
                            @if i == 0 {
                                span.chip.p.(cat_class(cat)) { (label_text(view.map(|v| v.src), l.span)) }
                            } @else {
                                span.chip.s { (label_text(view.map(|v| v.src), l.span)) }
                            }
                        }
                        td { @if let Some(m) = &l.message { (m) } }
                        td.pos { @if let Some(v) = view { (position(v.src, &v.pages, l.span.start)) } }
                    }
                }
            }
        }
    }
}

/// The lines around a finding's labels, each label highlighted.
fn passage(n: usize, d: &Diagnostic, v: &SourceView) -> Markup {
    let cat = category(d);
    let marks: Vec<MarkSpec> = d
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| MarkSpec {
            span: clean_span(&v.src.text, l.span),
            n,
            label: i,
            cat,
        })
        .collect();
    let spans: Vec<Span> = marks.iter().map(|m| m.span).collect();
    let groups = passage_groups(v.src, &spans, v.lines.len());
    html! {
        div.passage.src {
            @for (gi, (a, b)) in groups.iter().enumerate() {
                @if gi > 0 { div.gap { "⋯" } }
                @for i in *a..=*b {
                    @let pieces = line_pieces(&v.src.text, v.lines[i].span, v.owned_end(i), &marks, &v.pages, false);
                    @let (page, rest) = leading_break(&pieces);
                    @if let Some(page) = page { "\n" div.pb data-page=(page) {} }
                    "\n" div.ln data-n=(i + 1) {
                        @for p in rest { (piece(p, false)) }
                    }
                }
            }
        }
    }
}

fn label_keys(keys: &[(usize, usize)]) -> String {
    keys.iter()
        .map(|(_, l)| l.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn finding_keys(keys: &[(usize, usize)]) -> String {
    keys.iter()
        .map(|(n, l)| format!("{n}.{l}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A page break that starts a line is shown before the line (so the line
/// number stays beside the line's text); the rest of the line.
fn leading_break<'p, 't>(pieces: &'p [Piece<'t>]) -> (Option<usize>, &'p [Piece<'t>]) {
    match pieces.split_first() {
        Some((Piece::PageBreak(page), rest)) => (Some(*page), rest),
        _ => (None, pieces),
    }
}

/// One piece as markup. In a finding's passage a mark names the labels it
/// covers (`data-l`); in the document text, the findings and labels
/// (`data-r`).
fn piece(p: &Piece, in_document: bool) -> Markup {
    match p {
        Piece::Text(t) => html! { (t) },
        Piece::Mark {
            text,
            primary,
            cat,
            keys,
        } => {
            let class = if *primary {
                format!("hl p c-{cat}")
            } else {
                "hl s".to_owned()
            };
            let (l, r) = if in_document {
                (None, Some(finding_keys(keys)))
            } else {
                (Some(label_keys(keys)), None)
            };
            html! { mark class=(class) data-l=[l] data-r=[r] { (text) } }
        }
        Piece::PageBreak(page) => html! { span.pb data-page=(page) {} },
        Piece::Ref(n, cat) => html! {
            a.ref.(cat_class(cat)) id={ "d-" (n) } href={ "#f-" (n) } data-f=(n) title="回到这项发现" { (n) }
        },
    }
}

/// The whole text of a report, every finding's labels marked.
fn document_text(r: &FileReport, v: &SourceView, fs: &[Finding]) -> Markup {
    let rid = report_id(r);
    let mut marks: Vec<MarkSpec> = Vec::new();
    for f in fs {
        let cat = category(f.d);
        for (i, l) in f.d.labels.iter().enumerate() {
            marks.push(MarkSpec {
                span: clean_span(&v.src.text, l.span),
                n: f.n,
                label: i,
                cat,
            });
        }
    }
    marks.sort_by_key(|m| (m.span.start, m.span.end));
    // Sweep: the marks that may touch each line, in order.
    let mut next = 0;
    let mut active: Vec<MarkSpec> = Vec::new();
    let mut lines = Vec::with_capacity(v.lines.len());
    for (i, l) in v.lines.iter().enumerate() {
        let owned = v.owned_end(i);
        while next < marks.len() && marks[next].span.start as usize <= owned {
            active.push(marks[next]);
            next += 1;
        }
        active.retain(|m| m.span.end as usize >= l.span.start as usize);
        lines.push((
            i,
            line_pieces(&v.src.text, l.span, owned, &active, &v.pages, true),
        ));
    }
    html! {
        section.doc {
            h3 { "报告全文" }
            p.note { "标出了每项发现的数字；上标编号链接到该项发现，发现中的“在全文中查看”链接到这里。" }
            div.src.full id={ (rid) "-text" } {
                @for (i, pieces) in &lines {
                    @let (page, rest) = leading_break(pieces);
                    @if let Some(page) = page { "\n" div.pb data-page=(page) {} }
                    "\n" div.ln id={ (rid) "-L" (i + 1) } data-n=(i + 1) {
                        @for p in rest { (piece(p, true)) }
                    }
                }
            }
        }
    }
}

fn hidden_section(reports: &[FileReport], hidden: &[Hidden]) -> Markup {
    html! {
        section #hidden {
            h2 { "已知发现（未计入，" (hidden.len()) " 项）" }
            p.note { "这些发现由 gouji.toml 的 [[suppress]] 条目或基线文件接受，不影响结论；列出其理由以便复核。" }
            @for (i, h) in hidden.iter().enumerate() {
                @let r = reports.iter().find(|r| r.path == h.path);
                @let view = r.and_then(|r| r.source.as_deref()).map(SourceView::new);
                @let cat = category(&h.diagnostic);
                "\n" article.hidden-finding id={ "h-" (i + 1) } data-cat=(cat) data-rule=(h.diagnostic.code) {
                    header {
                        span.badge.(cat_class(cat)) { (category_name(cat)) }
                        code.rule { (h.diagnostic.code) }
                        span.loc {
                            (h.path)
                            @if let (Some(v), Some(p)) = (&view, h.diagnostic.primary_span()) {
                                " · " (position(v.src, &v.pages, p.start))
                            }
                        }
                        span.by { @if h.baselined { "基线接受" } @else { "gouji.toml 抑制" } }
                    }
                    p.msg { (h.diagnostic.message) }
                    p.reason {
                        b { "理由：" }
                        @match &h.reason { Some(r) => (r), None => i { "（未写理由）" } }
                    }
                    @if let Some(v) = &view {
                        @if !h.diagnostic.labels.is_empty() {
                            (figure_table(&h.diagnostic, Some(v)))
                            (passage(0, &h.diagnostic, v))
                        }
                    }
                }
            }
        }
    }
}

const CSS: &str = include_str!("html/page.css");
const SCRIPT: &str = include_str!("html/page.js");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;
    use crate::source::Encoding;

    fn src(text: &str) -> SourceFile {
        SourceFile::new("r.txt", text.to_owned(), Encoding::Utf8)
    }

    fn at(text: &str, needle: &str) -> Span {
        let a = text.find(needle).unwrap();
        Span::new(a, a + needle.len())
    }

    fn mark(span: Span, n: usize, label: usize) -> MarkSpec {
        MarkSpec {
            span,
            n,
            label,
            cat: "error",
        }
    }

    /// The text of the pieces, marks in brackets (primary `[…]`, secondary
    /// `{…}`), back links `^N`, page breaks `|pN|`.
    fn show(pieces: &[Piece]) -> String {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.to_string(),
                Piece::Mark {
                    text,
                    primary: true,
                    ..
                } => format!("[{text}]"),
                Piece::Mark { text, .. } => format!("{{{text}}}"),
                Piece::PageBreak(n) => format!("|p{n}|"),
                Piece::Ref(n, _) => format!("^{n}"),
            })
            .collect()
    }

    #[test]
    fn marks_cut_chinese_text_at_byte_offsets_and_overlap() {
        let text = "支出合计308.97万元，其中基本支出242.27万元，占比79.41%。";
        let s = src(text);
        let v = SourceView::new(&s);
        let share = at(text, "79.41%");
        let amount = at(text, "242.27万元");
        // A second finding whose primary is the amount and runs into "，占比".
        let wide = Span::new(amount.start as usize, share.start as usize);
        let marks = [mark(share, 1, 0), mark(amount, 1, 1), mark(wide, 2, 0)];
        let line = v.lines[0].span;
        let pieces = line_pieces(text, line, text.len(), &marks, &v.pages, true);
        assert_eq!(
            show(&pieces),
            "支出合计308.97万元，其中基本支出[242.27万元][，占比]^2[79.41%]^1。"
        );
        // The amount is covered by finding 1's label 1 and finding 2's label 0.
        let keys: Vec<_> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Mark { text, keys, .. } if *text == "242.27万元" => Some(keys.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(keys, vec![vec![(1, 1), (2, 0)]]);
        // Without back links (a finding's passage).
        let pieces = line_pieces(text, line, text.len(), &marks[..2], &v.pages, false);
        assert_eq!(
            show(&pieces),
            "支出合计308.97万元，其中基本支出{242.27万元}，占比[79.41%]。"
        );
    }

    #[test]
    fn labels_across_lines_form_feeds_and_empty_labels() {
        let text = "第一行甲乙\r\n\u{c}第二行丙丁\n末行";
        let s = src(text);
        let v = SourceView::new(&s);
        assert_eq!(v.lines.len(), 3);
        // From 甲 to 丙, over the CRLF and the form feed.
        let a = text.find('甲').unwrap();
        let b = text.find('丁').unwrap();
        let across = Span::new(a, b);
        // An empty label at the end of the last line.
        let empty = Span::new(text.len(), text.len());
        let marks = [mark(across, 1, 0), mark(empty, 2, 0)];
        let shown: Vec<String> = (0..v.lines.len())
            .map(|i| {
                show(&line_pieces(
                    text,
                    v.lines[i].span,
                    v.owned_end(i),
                    &marks,
                    &v.pages,
                    true,
                ))
            })
            .collect();
        assert_eq!(shown, ["第一行[甲乙]", "|p2|[第二行丙]^1丁", "末行[]^2"]);
        assert_eq!(v.pages.page_of(a as u32), Some(1));
        assert_eq!(v.pages.page_of(b as u32), Some(2));
        assert_eq!(Pages::of(&src("无分页")).page_of(3), None);
    }

    #[test]
    fn a_label_ending_in_a_line_terminator_links_back_on_its_line() {
        let text = "甲乙\r\n丙";
        let s = src(text);
        let v = SourceView::new(&s);
        // Covers "乙\r" (ends between CR and LF).
        let a = text.find('乙').unwrap();
        let m = [mark(Span::new(a, a + "乙\r".len()), 1, 0)];
        let first = line_pieces(text, v.lines[0].span, v.owned_end(0), &m, &v.pages, true);
        let second = line_pieces(text, v.lines[1].span, v.owned_end(1), &m, &v.pages, true);
        assert_eq!(show(&first), "甲[乙]^1");
        assert_eq!(show(&second), "丙");
    }

    #[test]
    fn spans_off_char_boundaries_are_moved_not_panicked_on() {
        let text = "甲乙丙";
        assert_eq!(clean_span(text, Span::new(1, 4)), Span::new(0, 6));
        assert_eq!(clean_span(text, Span::new(7, 99)), Span::new(6, 9));
        assert_eq!(clean_span(text, Span::new(99, 99)), Span::new(9, 9));
    }

    #[test]
    fn passages_merge_nearby_labels_and_keep_far_ones_apart() {
        let text: String = (1..=20).map(|i| format!("第{i}行\n")).collect();
        let s = src(&text);
        let spans = [at(&text, "第3行"), at(&text, "第5行"), at(&text, "第15行")];
        assert_eq!(passage_groups(&s, &spans, 20), vec![(1, 5), (13, 15)]);
    }

    #[test]
    fn report_text_is_escaped_and_findings_are_numbered_by_severity() {
        let text = "说明<script>alert(1)</script>和\"><img src=x onerror=alert(1)>。";
        let s = std::sync::Arc::new(src(text));
        let bad = at(text, "<script>alert(1)</script>");
        let report = FileReport {
            path: "r<b>.txt".into(),
            source: Some(s),
            diagnostics: vec![
                Diagnostic::new("a-info", Severity::Info, "<i>注意</i>")
                    .with_label(Label::bare(bad)),
                Diagnostic::new(
                    "b-error",
                    Severity::Error,
                    "\"><img src=x onerror=alert(1)>",
                )
                .with_label(Label::new(at(text, "<img"), "<b>标注</b>")),
            ],
            coverage: Some(Default::default()),
            rules_run: vec![],
            kind: None,
        };
        let page = render(&[report], &HtmlOptions::default());
        for raw in ["<script>alert", "<img", "<i>注意", "<b>标注", "r<b>.txt"] {
            assert!(!page.contains(raw), "{raw} unescaped");
        }
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        // The error is #1 though it comes second in the text.
        let first = page.find("id=\"f-1\"").unwrap();
        assert!(page[first..].starts_with("id=\"f-1\" data-n=\"1\" data-cat=\"error\""));
    }
}
