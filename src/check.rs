//! Runs a rule set over reports: files in parallel (rayon), results in a
//! deterministic order. One bad file never stops the run.

use crate::config::{Config, Limits};
use crate::diagnostic::{codes, Diagnostic, Label, Outcome, Severity};
use crate::document::{self, Document, FactKind, ReportKind};
use crate::input::{self, InputError};
use crate::rule::RuleSet;
use crate::source::{Encoding, SourceFile, Span};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which figures took part in at least one completed check.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    /// Amounts, percentages and numeric table cells in the report.
    pub figures: usize,
    pub covered: usize,
    /// The figures not verified: (span, label, text).
    pub uncovered: Vec<UncoveredFigure>,
    /// Of the figures not verified, those in tables the gate found
    /// unreliable (表格未能可靠识别).
    #[serde(skip_serializing_if = "is_zero")]
    pub unreadable: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Serialize)]
pub struct UncoveredFigure {
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub column: u32,
    pub label: String,
    pub text: String,
    /// Why no rule checked it, when gouji knows (a table read unreliably).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Coverage {
    pub fn ratio(&self) -> f64 {
        if self.figures == 0 {
            0.0
        } else {
            self.covered as f64 / self.figures as f64
        }
    }
}

/// The result for one input file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    /// None when the file could not be read or decoded.
    pub source: Option<Arc<SourceFile>>,
    pub diagnostics: Vec<Diagnostic>,
    pub coverage: Option<Coverage>,
    /// Rules that ran on this file.
    pub rules_run: Vec<String>,
    /// What kind of document it was taken for, and why (None when unread).
    pub kind: Option<ReportKind>,
}

impl FileReport {
    pub fn input_error(path: &str, message: String) -> FileReport {
        FileReport {
            path: path.to_owned(),
            source: None,
            diagnostics: vec![Diagnostic::new(codes::INPUT, Severity::Error, message)
                .with_outcome(Outcome::ToolError)],
            coverage: None,
            rules_run: Vec::new(),
            kind: None,
        }
    }
}

/// One rule's part in checking a report.
#[derive(Debug, Clone)]
pub struct RuleOutcome {
    pub rule: String,
    /// Fact ids that took part in a completed check of this rule.
    pub covered: BTreeSet<usize>,
    /// This rule's diagnostics (severity overrides applied), in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything `check_source` computes, with the results kept per rule (for
/// an editor's hover: which rules checked a figure and what they found).
#[derive(Debug, Clone)]
pub struct DetailedCheck {
    /// Shared (`Arc`) with script rule runs, which hold it while they run.
    pub document: Arc<Document>,
    /// Rules that ran, in rule-set order.
    pub rules: Vec<RuleOutcome>,
    /// All diagnostics, sorted and deduplicated as `check_source` returns them.
    pub diagnostics: Vec<Diagnostic>,
    pub coverage: Coverage,
}

/// What `check_source` finds in one report: `DetailedCheck` without the
/// per-rule split, only the ids of the rules that ran.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub document: Document,
    /// Sorted and deduplicated.
    pub diagnostics: Vec<Diagnostic>,
    pub coverage: Coverage,
    /// Ids of the rules that ran, in rule-set order.
    pub rules_run: Vec<String>,
}

/// Check one decoded report.
pub fn check_source(src: &SourceFile, rules: &RuleSet, config: &Config) -> CheckResult {
    CheckResult::from(check_source_detailed(src, rules, config))
}

impl From<DetailedCheck> for CheckResult {
    fn from(d: DetailedCheck) -> CheckResult {
        // Every rule has run: no script run holds the document any more.
        let document = Arc::try_unwrap(d.document).unwrap_or_else(|shared| (*shared).clone());
        CheckResult {
            document,
            diagnostics: d.diagnostics,
            coverage: d.coverage,
            rules_run: d.rules.into_iter().map(|r| r.rule).collect(),
        }
    }
}

/// Check one decoded report, keeping each rule's covered facts and findings.
pub fn check_source_detailed(src: &SourceFile, rules: &RuleSet, config: &Config) -> DetailedCheck {
    Parsed::new(src, config).check(src, rules, config)
}

/// A report's document model, built before its rules run (so that the
/// first file can be parsed while the rule pack compiles).
pub struct Parsed {
    /// Memory held on this thread since the parse began (`max_memory_mb`).
    held: gouji_meter::Mark,
    /// Shared with script rule runs (their run state cannot borrow: it is
    /// reached through a thread-local).
    doc: Arc<Document>,
    text: Arc<str>,
}

impl Parsed {
    pub fn new(src: &SourceFile, config: &Config) -> Parsed {
        let held = gouji_meter::Mark::new();
        // The rules read a Traditional-character report in Simplified ones,
        // as the document does; spans are the same, and findings are shown
        // on the text as written. One copy serves both.
        let simple = document::text::simplified(&src.text);
        let titles = src.native.as_ref().map_or(&[][..], |n| &n.titles[..]);
        let mut doc = document::parse_with_titles(&simple, titles);
        doc.kind.force(&config.kind_words(), config.kinds_from);
        Parsed {
            held,
            doc: Arc::new(doc),
            text: Arc::from(&*simple),
        }
    }

    /// Run the rules over the document of `src` (see [`run_rules`]).
    pub fn check(self, src: &SourceFile, rules: &RuleSet, config: &Config) -> DetailedCheck {
        let Parsed { held, doc, text } = self;
        let mut diagnostics = Vec::new();
        let mut covered = BTreeSet::new();
        let mut outcomes = Vec::new();
        let selected: Vec<_> = rules
            .rules
            .iter()
            .filter(|r| config.runs(&r.id, r.enabled) && doc.kind.matches(&r.applies_to))
            .collect();
        let (results, stop) = run_rules(&selected, &doc, &text, &config.limits, &held);
        let left = results.iter().filter(|r| r.is_none()).count();
        for (rule, result) in selected.iter().zip(results) {
            let Some(result) = result else { continue };
            covered.extend(result.covered.iter().copied());
            let mut own = Vec::with_capacity(result.diagnostics.len());
            for mut d in result.diagnostics {
                if d.outcome == Outcome::Finding {
                    if let Some(&sev) = config.severity.get(&rule.id) {
                        d.severity = sev;
                    }
                }
                own.push(d);
            }
            diagnostics.extend(own.iter().cloned());
            outcomes.push(RuleOutcome {
                rule: rule.id.clone(),
                covered: result.covered,
                diagnostics: own,
            });
        }
        // A memory stop found after a rule ran is reported even when no
        // rule was left (rules spread over threads: see run_rules).
        if let Some(stop) = stop.filter(|s| left > 0 || matches!(s, Stop::Memory(_))) {
            diagnostics.push(stop.diagnostic(left, &config.limits));
        }
        diagnostics.extend(unreadable_tables(src, &doc));
        diagnostics.extend(unread_pages(src));
        diagnostics.extend(blank_pages(src));
        let coverage = coverage(src, &doc, &covered);
        // A report whose figures mostly went unchecked must not look clean.
        if coverage.figures > 0 && coverage.covered * 2 < coverage.figures && !outcomes.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    codes::COVERAGE,
                    Severity::Info,
                    format!(
                        "未能核对：报告中 {} 个数字只有 {} 个参与了核对（{:.0}%），其余未经验证",
                        coverage.figures,
                        coverage.covered,
                        coverage.ratio() * 100.0
                    ),
                )
                .with_help("用 --coverage 列出未核对的数字")
                .with_outcome(Outcome::NotChecked),
            );
        }
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diagnostics.dedup();
        DetailedCheck {
            document: doc,
            rules: outcomes,
            diagnostics,
            coverage,
        }
    }
}

/// Run the selected rules over one document: each rule's output, in the
/// rules' order (`None` for a rule not run), and why the rest stopped.
///
/// Off the pool (one report: `gouji check` of a file, an editor's
/// re-check) the rules run on the pool's idle threads; on a pool thread (a
/// batch, its files already in parallel) in turn.
///
/// In turn, the budget is looked at before each rule: time, and all that
/// this thread has held since the parse began. Spread, time is looked at
/// before each rule and memory after it, as the parse's peak plus the
/// rule's own peak on the thread that ran it (a thread's meter cannot be
/// read from another, and rules running beside each other are not
/// summed); a rule that went over is reported even when every other rule
/// had already started, since the one that went over may well be the last
/// to finish. After a stop, which rules still ran depends on timing.
fn run_rules(
    selected: &[&crate::rule::Rule],
    doc: &Arc<Document>,
    text: &Arc<str>,
    limits: &Limits,
    held: &gouji_meter::Mark,
) -> (Vec<Option<crate::rule::RuleOutput>>, Option<Stop>) {
    let started = std::time::Instant::now();
    if rayon::current_thread_index().is_some() || rayon::current_num_threads() < 2 {
        let mut results = Vec::with_capacity(selected.len());
        let mut stop = None;
        for rule in selected {
            stop = stop.or_else(|| Stop::find(limits, started, held.peak()));
            results.push(stop.is_none().then(|| crate::rule::run(rule, doc, text)));
        }
        return (results, stop);
    }
    let parsed = held.peak();
    let stop = std::sync::Mutex::new(None);
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let halt = |why: Stop| {
        stopped.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut stop = stop.lock().unwrap_or_else(|e| e.into_inner());
        stop.get_or_insert(why);
    };
    let results = selected
        .par_iter()
        .map(|rule| {
            if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                return None;
            }
            if let Some(why) = Stop::find(limits, started, parsed) {
                halt(why);
                return None;
            }
            let own = gouji_meter::Mark::new();
            let result = crate::rule::run(rule, doc, text);
            if let Some(why) = Stop::find_memory(limits, parsed + own.peak()) {
                halt(why);
            }
            Some(result)
        })
        .collect();
    (
        results,
        stop.into_inner().unwrap_or_else(|e| e.into_inner()),
    )
}

/// Why a report's rules stopped: its check ran past `max_seconds_per_file`
/// or held more than `max_memory_mb`.
enum Stop {
    Time(f64),
    Memory(usize),
}

impl Stop {
    fn find(limits: &Limits, started: std::time::Instant, held: usize) -> Option<Stop> {
        let elapsed = started.elapsed();
        if elapsed.as_secs() >= limits.max_seconds_per_file {
            return Some(Stop::Time(elapsed.as_secs_f64()));
        }
        Stop::find_memory(limits, held)
    }

    /// Only the binary's allocator measures memory: in a library without
    /// it, never.
    fn find_memory(limits: &Limits, held: usize) -> Option<Stop> {
        let budget = limits.max_memory_mb.saturating_mul(1 << 20);
        (gouji_meter::installed() && held as u64 > budget).then_some(Stop::Memory(held))
    }

    /// The one error of the report: the `left` rules not run are not run.
    fn diagnostic(&self, left: usize, limits: &Limits) -> Diagnostic {
        let (used, key) = match *self {
            Stop::Time(seconds) => (
                format!(
                    "检查超时：本报告已用 {seconds:.1} 秒，超过每个文件 {} 秒的上限",
                    limits.max_seconds_per_file
                ),
                "max_seconds_per_file",
            ),
            Stop::Memory(bytes) => (
                format!(
                    "内存超限：本报告的检查已占用 {} MB，超过每个文件 {} MB 的上限",
                    mib(bytes),
                    limits.max_memory_mb
                ),
                "max_memory_mb",
            ),
        };
        let rest = if left > 0 {
            format!("，其余 {left} 条规则未运行")
        } else {
            String::new()
        };
        Diagnostic::new(codes::LIMIT, Severity::Error, format!("{used}{rest}"))
            .with_help(format!("在 gouji.toml 的 [limits] 中调整 {key}"))
            .with_outcome(Outcome::ToolError)
    }
}

/// Bytes as MiB with one decimal (`0.4`, not a rounded-down `0`).
fn mib(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / f64::from(1 << 20))
}

/// Has the reading since `held` held more heap than `max_memory_mb`?
fn over_memory(limits: &Limits, held: &gouji_meter::Mark) -> bool {
    Stop::find_memory(limits, held.peak()).is_some()
}

/// One note per table that the gate found unreliable: the rules that would
/// use its cells abstain silently, this says why, once.
fn unreadable_tables(src: &SourceFile, doc: &Document) -> Vec<Diagnostic> {
    doc.tables
        .iter()
        .filter(|t| !t.verdict.usable())
        .map(|t| {
            let name = t.kind.clone().or(t.title.clone()).unwrap_or_default();
            let reason = t.verdict.reason.as_deref().unwrap_or("勾稽关系不成立");
            let page = page_of(&src.text, t.span.start as usize)
                .map(|p| format!("第 {p} 页，"))
                .unwrap_or_default();
            let at = t.title_span.unwrap_or(t.span);
            Diagnostic::new(
                codes::TABLE_UNREADABLE,
                Severity::Info,
                format!("表格未能可靠识别：“{name}”（{page}{reason}），本表数字不作核对"),
            )
            .with_label(Label::new(at, "本表"))
            .with_help("请对照原件人工复核本表；`gouji dump` 显示识别出的单元格")
            .with_outcome(Outcome::NotChecked)
        })
        .collect()
}

/// The page of a byte offset when the text has pages (form feeds, as
/// `pdftotext` writes them).
fn page_of(text: &str, at: usize) -> Option<usize> {
    if !text.contains('\u{c}') {
        return None;
    }
    Some(text.get(..at)?.matches('\u{c}').count() + 1)
}

fn coverage(src: &SourceFile, doc: &Document, covered: &BTreeSet<usize>) -> Coverage {
    let mut c = Coverage::default();
    // Facts read from tables the gate found unreliable.
    let mut unreadable = std::collections::HashSet::new();
    for (&(ti, _), ids) in &doc.by_row {
        if !doc.tables[ti].verdict.usable() {
            unreadable.extend(ids.iter().copied());
        }
    }
    for f in &doc.facts {
        if !matches!(
            f.kind,
            FactKind::Amount | FactKind::Percent | FactKind::Share | FactKind::Number
        ) {
            continue;
        }
        c.figures += 1;
        if covered.contains(&f.id) {
            c.covered += 1;
        } else {
            let lc = src.line_col(f.span.start);
            c.uncovered.push(UncoveredFigure {
                start: f.span.start,
                end: f.span.end,
                line: lc.line,
                column: lc.column,
                label: f.label.clone(),
                text: src.slice(f.span).to_owned(),
                reason: unreadable
                    .contains(&f.id)
                    .then(|| "表格未能可靠识别".to_owned())
                    // A prose figure bound to either of two amounts (issue 12 item 6).
                    .or_else(|| document::facts::binding_doubt(&doc.facts, f).map(str::to_owned)),
            });
            c.unreadable += usize::from(unreadable.contains(&f.id));
        }
    }
    c
}

/// Report files under the given paths: files as given, directories walked
/// for `*.txt`, `*.pdf`, `*.docx`, `*.xlsx`, `*.xls` and `*.ods` (sorted). A directory without reports is an
/// input error.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileReport>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found);
            found.sort();
            if found.is_empty() {
                errors.push(FileReport::input_error(
                    &p.display().to_string(),
                    format!(
                        "{}: 目录中没有报告文件（*.txt、*.pdf、*.docx、*.xlsx、*.xls、*.ods）",
                        p.display()
                    ),
                ));
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    (files, errors)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| {
            let x = x.to_string_lossy().to_lowercase();
            x == "txt"
                || x == "text"
                || (cfg!(feature = "pdf") && x == "pdf")
                || OFFICE_EXTENSIONS.contains(&x.as_str())
        }) {
            out.push(p);
        }
    }
}

/// The Word and spreadsheet files a folder is searched for.
pub const OFFICE_EXTENSIONS: [&str; 4] = ["docx", "xlsx", "xls", "ods"];

/// One note per page of a PDF that could not be read (a font without a
/// Unicode map, a scanned page), and per part of a Word or spreadsheet file
/// that was not read (a hidden sheet, formulas without a cached value): its
/// figures are not checked.
fn unread_pages(src: &SourceFile) -> Vec<Diagnostic> {
    let pages = src
        .pages
        .iter()
        .flat_map(|m| m.notes.iter().map(|n| &n.message));
    let native = src.native.iter().flat_map(|m| m.notes.iter());
    pages
        .chain(native)
        .map(|n| {
            Diagnostic::new(codes::INPUT, Severity::Info, format!("未能核对：{n}"))
                .with_outcome(Outcome::NotChecked)
        })
        .collect()
}

/// One warning per blank page of a PDF, located at the page (its page
/// break when the page holds no text at all); in a joined report, per blank
/// page of each PDF, named by file and page.
fn blank_pages(src: &SourceFile) -> Vec<Diagnostic> {
    let len = src.text.len() as u32;
    // (start, end) of the page's text, and how the message names the page.
    let mut blank: Vec<(u32, u32, String)> = Vec::new();
    if let Some(map) = &src.pages {
        for &page in &map.blank {
            let i = page.saturating_sub(1) as usize;
            let start = map.page_starts.get(i).copied().unwrap_or(len).min(len);
            let end = map.page_starts.get(i + 1).copied().unwrap_or(len).min(len);
            blank.push((start, end, format!("第 {page} 页")));
        }
    }
    for r in src.native.iter().flat_map(|m| &m.blank_pages) {
        blank.push((r.start.min(len), r.end.min(len), r.loc.to_string()));
    }
    blank
        .into_iter()
        .map(|(start, end, page)| {
            // The page's own text (a page number), or else its page break.
            let printed = src
                .text
                .get(start as usize..end as usize)
                .map_or(0, |t| t.trim_end().len() as u32);
            let (start, end) = if printed > 0 {
                (start, start + printed)
            } else {
                (start.saturating_sub(1), start)
            };
            let d = Diagnostic::new(
                codes::BLANK_PAGE,
                Severity::Warning,
                format!("{page}是空白页：除边框、页码外没有任何文字或图像"),
            )
            .with_help("删去空白页；若该页本应有内容（表格、说明），检查生成 PDF 时是否丢失");
            if start < end {
                d.with_label(Label::new(
                    Span::new(start as usize, end as usize),
                    "空白页",
                ))
            } else {
                d
            }
        })
        .collect()
}

/// Read and decode one file into a source, or an input error report.
#[expect(
    clippy::result_large_err,
    reason = "the error is the file's report, built once per unreadable file"
)]
pub fn read_source(
    path: &Path,
    encoding: Option<Encoding>,
    limits: &Limits,
) -> Result<SourceFile, FileReport> {
    let name = path.display().to_string();
    // Checked before reading, so a huge file costs no memory.
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_file() && meta.len() > limits.max_input_mb.saturating_mul(1 << 20) {
            return Err(FileReport::input_error(
                &name,
                format!(
                    "{name}: 文件过大（{:.1} MB，上限 {} MB；可在 gouji.toml 的 [limits] 中调整 max_input_mb）",
                    meta.len() as f64 / f64::from(1 << 20),
                    limits.max_input_mb
                ),
            ));
        }
    }
    let bytes = std::fs::read(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "文件不存在".to_owned(),
            std::io::ErrorKind::PermissionDenied => "没有读取权限".to_owned(),
            _ if path.is_dir() => "是目录".to_owned(),
            _ => e.to_string(),
        };
        FileReport::input_error(&name, format!("{name}: 无法读取（{why}）"))
    })?;
    let held = gouji_meter::Mark::new();
    match input::read_with(name.clone(), &bytes, encoding, &limits.reader()) {
        Ok(_) if over_memory(limits, &held) => Err(FileReport::input_error(
            &name,
            format!(
                "{name}: 读取时内存超限（占用 {} MB，上限 {} MB；可在 gouji.toml 的 [limits] 中调整 max_memory_mb）",
                mib(held.peak()),
                limits.max_memory_mb
            ),
        )),
        Ok(extracted) => Ok(extracted.source),
        Err(InputError::Decode(e)) => Err(FileReport::input_error(
            &name,
            format!("{name}: 无法解码：{e}"),
        )),
        Err(e @ InputError::Unsupported(_)) => Err(FileReport::input_error(
            &name,
            format!("{name}: 暂不支持：{e}"),
        )),
        Err(e) => Err(FileReport::input_error(
            &name,
            format!("{name}: 无法读取：{e}"),
        )),
    }
}

/// How far a batch has got, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// This many files are about to be checked.
    Start(usize),
    /// One more file is done.
    Done,
}

/// Check many files in parallel; reports come back sorted by path.
pub fn check_paths(
    paths: &[PathBuf],
    rules: &RuleSet,
    config: &Config,
    encoding: Option<Encoding>,
) -> Vec<FileReport> {
    let (files, mut reports) = collect_inputs(paths);
    reports.append(&mut check_files(&files, rules, config, encoding, &|_| {}));
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    reports
}

/// Read and check `files` in parallel, telling `progress` of each one done
/// (from the worker threads, in any order).
fn check_files(
    files: &[PathBuf],
    rules: &RuleSet,
    config: &Config,
    encoding: Option<Encoding>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Vec<FileReport> {
    files
        .par_iter()
        .map(|p| match read_source(p, encoding, &config.limits) {
            Err(r) => r,
            Ok(src) => checked_report(src, rules, config),
        })
        .inspect(|_| progress(Progress::Done))
        .collect()
}

/// [`check_paths`] with the rules still to be loaded: `load`
/// runs on a thread of its own (compiling the pack on the pool) while this
/// thread reads and parses the first file, so that a one-file check waits
/// for the longer of the two, not for both (a PDF's reading is as long as
/// the pack's compiling). The first file's rules then run on the pool's
/// threads, then the other files in parallel. When `load` fails, nothing is checked and
/// its error is returned.
pub fn check_paths_loading<E: Send>(
    paths: &[PathBuf],
    load: impl FnOnce() -> Result<RuleSet, E> + Send,
    config: &Config,
    encoding: Option<Encoding>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(RuleSet, Vec<FileReport>), E> {
    let (files, mut reports) = collect_inputs(paths);
    let (loaded, first) = std::thread::scope(|s| {
        let loading = s.spawn(load);
        let first = files
            .first()
            .map(|p| match read_source(p, encoding, &config.limits) {
                Ok(src) => {
                    let parsed = Parsed::new(&src, config);
                    Ok((src, parsed))
                }
                Err(report) => Err(Box::new(report)),
            });
        // A panic while loading is a bug: pass it on as one.
        let loaded = loading
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (loaded, first)
    });
    let rules = loaded?;
    progress(Progress::Start(files.len()));
    if let Some(first) = first {
        reports.push(match first {
            Err(report) => *report,
            Ok((src, parsed)) => {
                let d = parsed.check(&src, &rules, config);
                file_report(src, d)
            }
        });
        progress(Progress::Done);
    }
    let rest = files.get(1..).unwrap_or_default();
    reports.append(&mut check_files(rest, &rules, config, encoding, progress));
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((rules, reports))
}

/// Check a source that was read and keep it for rendering.
fn checked_report(src: SourceFile, rules: &RuleSet, config: &Config) -> FileReport {
    let d = check_source_detailed(&src, rules, config);
    file_report(src, d)
}

/// A checked source as a report, kept for rendering.
fn file_report(src: SourceFile, d: DetailedCheck) -> FileReport {
    let CheckResult {
        diagnostics,
        coverage,
        rules_run,
        document,
    } = CheckResult::from(d);
    FileReport {
        path: src.path.clone(),
        source: Some(Arc::new(src)),
        diagnostics,
        coverage: Some(coverage),
        rules_run,
        kind: Some(document.kind),
    }
}

/// Check the files as one report (`--join`): a 说明 and its tables in
/// separate files. Any file that cannot be read makes the report an input
/// error: checking the rest alone would report what is only missing.
pub fn check_joined(
    paths: &[PathBuf],
    rules: &RuleSet,
    config: &Config,
    encoding: Option<Encoding>,
) -> Vec<FileReport> {
    let (files, mut errors) = collect_inputs(paths);
    let mut parts = Vec::new();
    for p in &files {
        match read_source(p, encoding, &config.limits) {
            Ok(src) => parts.push(src),
            Err(r) => errors.push(r),
        }
    }
    if !errors.is_empty() {
        return errors;
    }
    let Some(src) = input::join(parts) else {
        return errors;
    };
    vec![checked_report(src, rules, config)]
}

/// Exit code: 2 on any tool, input or rule error; 1 on a finding at or above
/// the threshold (never counting "not checked"); else 0.
pub fn exit_code(reports: &[FileReport], fail_on: Option<Severity>) -> i32 {
    let diags = reports.iter().flat_map(|r| &r.diagnostics);
    if diags.clone().any(|d| d.outcome == Outcome::ToolError) {
        return 2;
    }
    match fail_on {
        Some(t)
            if diags
                .clone()
                .any(|d| d.outcome == Outcome::Finding && d.severity >= t) =>
        {
            1
        }
        _ => 0,
    }
}

/// A label's span as 1-based line/column (code points) at both ends.
pub fn span_positions(src: &SourceFile, span: Span) -> (u32, u32, u32, u32) {
    let a = src.line_col(span.start);
    let b = src.line_col(span.end);
    (a.line, a.column, b.line, b.column)
}
