//! Accepted findings: fingerprints, baseline files and `[[suppress]]`
//! entries of `gouji.toml`, applied to the checked reports before they are
//! rendered.
//!
//! A finding's **fingerprint** names it without its position, so that it
//! survives edits elsewhere in the report: a hash of the rule id, the texts
//! of all its labels (the stated figure first, then every figure that took
//! part) and the few characters before the primary label on its line
//! (which tell apart `事业收入0万元，占比0%` and `其他收入0万元，占比0%`).
//! White space is left out, so re-wrapping, CRLF and re-encoding do not
//! change it; messages are left out, so rewording a rule does not either.
//! Changing a figure that took part gives a new fingerprint: a new finding.
//!
//! A **baseline** (`--write-baseline FILE`, `--baseline FILE`) is a TOML
//! file of `[[finding]]` entries keyed by path, rule and fingerprint, each
//! with an optional `reason`. Entries match findings one to one, so a second
//! identical finding is still new. Entries of checked reports that match
//! nothing are reported as `gouji::baseline-stale` (info), located in the
//! baseline file.
//!
//! **Suppressions** (`[[suppress]]` in gouji.toml) match by rule and the
//! primary label's text, or by fingerprint, and need a `reason`. One that
//! matches nothing is reported as `gouji::suppression-unused` (info),
//! located in gouji.toml.
//!
//! Only findings (outcome `Finding`) are baselined or suppressed; tool
//! errors and "not checked" notes always show.

use crate::check::FileReport;
use crate::config::{Config, Suppression};
use crate::diagnostic::{codes, Diagnostic, Label, Outcome, Severity};
use crate::error::LoadError;
use crate::source::{Encoding, SourceFile, Span};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

/// The key of gouji's fingerprint in SARIF `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "gouji/v1";
/// How many characters before the primary label take part in the fingerprint.
const CONTEXT_CHARS: usize = 12;

fn squeeze(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| !c.is_whitespace())
}

/// The fingerprint of a diagnostic (16 hex digits). See the module docs.
pub fn fingerprint(src: Option<&SourceFile>, d: &Diagnostic) -> String {
    let mut h = Sha256::new();
    h.update(b"gouji-fingerprint-1\0");
    h.update(d.code.as_bytes());
    h.update(b"\0");
    match (src, d.labels.first()) {
        (Some(src), Some(primary)) => {
            for l in &d.labels {
                h.update(squeeze(src.slice(l.span)).collect::<String>().as_bytes());
                h.update(b"\0");
            }
            let start = primary.span.start.min(src.text.len() as u32);
            let line_start = src.lines.line_start(src.lines.line_of(start)) as usize;
            let before = src.text.get(line_start..start as usize).unwrap_or("");
            let ctx: Vec<char> = squeeze(before).collect();
            let ctx: String = ctx[ctx.len().saturating_sub(CONTEXT_CHARS)..]
                .iter()
                .collect();
            h.update(b"context\0");
            h.update(ctx.as_bytes());
        }
        // Nothing located: the message is all there is.
        _ => {
            h.update(b"message\0");
            h.update(d.message.as_bytes());
        }
    }
    let digest = h.finalize();
    digest[..8]
        .iter()
        .fold(String::with_capacity(16), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The text a diagnostic's primary label covers ("" without one).
pub fn primary_text<'a>(src: Option<&'a SourceFile>, d: &Diagnostic) -> &'a str {
    match (src, d.primary_span()) {
        (Some(s), Some(span)) => s.slice(span),
        _ => "",
    }
}

/// Paths compare after `\` → `/` and without a leading `./`.
fn norm_path(p: &str) -> String {
    let mut s = p.replace('\\', "/");
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.to_owned();
    }
    s
}

/// Could a diagnostic be baselined or suppressed?
fn acceptable(d: &Diagnostic) -> bool {
    d.outcome == Outcome::Finding
        && d.code != codes::BASELINE_STALE
        && d.code != codes::SUPPRESSION_UNUSED
}

// ---- baseline files ---------------------------------------------------------

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The report, as given on the command line.
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    /// The primary label's text (for people; not used to match).
    #[serde(default)]
    pub text: Option<String>,
    /// The message when recorded (for people; not used to match).
    #[serde(default)]
    pub message: Option<String>,
    /// Why it is accepted.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineSpec {
    version: toml::Spanned<u32>,
    #[serde(default)]
    finding: Vec<toml::Spanned<Entry>>,
}

/// A loaded baseline file.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// Display path.
    pub path: String,
    pub text: Arc<String>,
    /// Entries with their spans in `text`.
    pub entries: Vec<(Entry, Span)>,
}

pub const BASELINE_VERSION: u32 = 1;

impl Baseline {
    #[allow(clippy::result_large_err)] // LoadError carries its source, as config and rule packs do
    pub fn parse(path: &str, text: &str) -> Result<Baseline, LoadError> {
        let shared = Arc::new(text.to_owned());
        let spec: BaselineSpec = toml::from_str(text).map_err(|e| {
            LoadError::new(
                path,
                &shared,
                e.span(),
                e.message().trim().to_owned(),
                "here",
                Some("a baseline holds `version = 1` and [[finding]] tables with path, rule, fingerprint and optional text, message, reason; regenerate it with --write-baseline".into()),
            )
        })?;
        if *spec.version.get_ref() != BASELINE_VERSION {
            return Err(LoadError::new(
                path,
                &shared,
                Some(spec.version.span()),
                format!("unsupported baseline version {}", spec.version.get_ref()),
                "this version",
                Some(format!("this gouji reads baseline version {BASELINE_VERSION}; regenerate it with --write-baseline")),
            ));
        }
        Ok(Baseline {
            path: path.to_owned(),
            text: shared,
            entries: spec
                .finding
                .into_iter()
                .map(|s| {
                    let r = s.span();
                    (s.into_inner(), Span::new(r.start, r.end))
                })
                .collect(),
        })
    }

    #[allow(clippy::result_large_err)]
    pub fn load(path: &std::path::Path) -> Result<Baseline, LoadError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            LoadError::new(
                &name,
                &Arc::new(String::new()),
                None,
                format!("cannot read baseline: {e}"),
                "",
                Some("create one with `gouji check --write-baseline FILE …`".into()),
            )
        })?;
        Baseline::parse(&name, &text)
    }
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// The baseline file for the current findings (suppressed ones left out).
/// Reasons of matching entries in `previous` baselines are kept.
pub fn record(reports: &[FileReport], config: &Config, previous: &[&Baseline]) -> String {
    let mut reasons: HashMap<(String, String, String), Vec<String>> = HashMap::new();
    for b in previous {
        for (e, _) in &b.entries {
            if let Some(r) = e.reason.as_ref().filter(|r| !r.trim().is_empty()) {
                reasons
                    .entry((norm_path(&e.path), e.rule.clone(), e.fingerprint.clone()))
                    .or_default()
                    .push(r.clone());
            }
        }
    }
    let mut out = String::from(
        "# gouji baseline: findings accepted for now.\n\
         # `gouji check --baseline FILE` reports only findings not listed here, and\n\
         # entries that no longer occur as gouji::baseline-stale. Entries match by\n\
         # path, rule and fingerprint; `text` and `message` are for people. Add a\n\
         # `reason` to any entry; --write-baseline keeps reasons of entries that\n\
         # still occur. See docs/review-workflow.md.\n",
    );
    let _ = writeln!(out, "version = {BASELINE_VERSION}");
    for r in reports {
        let src = r.source.as_deref();
        for d in r.diagnostics.iter().filter(|d| acceptable(d)) {
            let fp = fingerprint(src, d);
            if config
                .suppress
                .iter()
                .any(|s| suppression_matches(s.get_ref(), r, src, d, &fp))
            {
                continue;
            }
            let key = (norm_path(&r.path), d.code.clone(), fp.clone());
            let reason = reasons
                .get_mut(&key)
                .and_then(|v| (!v.is_empty()).then(|| v.remove(0)));
            let _ = writeln!(out, "\n[[finding]]");
            let _ = writeln!(out, "path = {}", toml_str(&r.path));
            let _ = writeln!(out, "rule = {}", toml_str(&d.code));
            let _ = writeln!(out, "fingerprint = {}", toml_str(&fp));
            let text = primary_text(src, d);
            if !text.is_empty() {
                let _ = writeln!(out, "text = {}", toml_str(text));
            }
            let _ = writeln!(out, "message = {}", toml_str(&d.message));
            if let Some(reason) = reason {
                let _ = writeln!(out, "reason = {}", toml_str(&reason));
            }
        }
    }
    out
}

// ---- applying ---------------------------------------------------------------

fn suppression_matches(
    s: &Suppression,
    r: &FileReport,
    src: Option<&SourceFile>,
    d: &Diagnostic,
    fp: &str,
) -> bool {
    if s.rule != d.code || !acceptable(d) {
        return false;
    }
    if let Some(p) = &s.path {
        let (want, have) = (norm_path(p), norm_path(&r.path));
        if have != want && !have.ends_with(&format!("/{want}")) {
            return false;
        }
    }
    match (&s.text, &s.fingerprint) {
        (Some(t), _) => {
            let have = primary_text(src, d);
            !have.is_empty() && squeeze(have).eq(squeeze(t))
        }
        (None, Some(f)) => f.trim() == fp,
        (None, None) => false,
    }
}

/// How a `[[suppress]]` entry was used in this run.
#[derive(Debug, Clone)]
pub struct SuppressionUse {
    pub suppression: Suppression,
    /// 1-based line of the entry in gouji.toml.
    pub line: u32,
    /// Findings it hid.
    pub used: usize,
}

/// What applying suppressions and a baseline did.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// Every `[[suppress]]` entry with its use count.
    pub suppressions: Vec<SuppressionUse>,
    /// Findings hidden by suppressions.
    pub suppressed: usize,
    /// Findings hidden by the baseline.
    pub baselined: usize,
    /// Baseline entries that no longer occur.
    pub stale: usize,
    /// The findings hidden, with why (for reports that list them apart).
    pub hidden: Vec<Hidden>,
}

/// A finding a suppression or the baseline kept out of the output.
#[derive(Debug, Clone)]
pub struct Hidden {
    /// The path of its report (as in `FileReport::path`).
    pub path: String,
    pub diagnostic: Diagnostic,
    /// True: a baseline entry; false: a `[[suppress]]` entry of gouji.toml.
    pub baselined: bool,
    /// The entry's `reason`, when it gives one.
    pub reason: Option<String>,
}

/// `path` relative to the current directory when it lies below it.
fn relative(path: &str) -> String {
    let p = std::path::Path::new(path);
    if p.is_absolute() {
        if let Some(rel) = std::env::current_dir()
            .ok()
            .and_then(|d| p.strip_prefix(d).ok().map(|r| r.display().to_string()))
        {
            return rel;
        }
    }
    path.to_owned()
}

fn meta_report(path: &str, text: &Arc<String>, diagnostics: Vec<Diagnostic>) -> FileReport {
    FileReport {
        path: path.to_owned(),
        source: Some(Arc::new(SourceFile::new(
            path,
            text.as_str().to_owned(),
            Encoding::Utf8,
        ))),
        diagnostics,
        coverage: None,
        rules_run: Vec::new(),
        kind: None,
    }
}

/// Is this a report about gouji's own files (gouji.toml, the baseline)
/// rather than a checked report?
pub fn is_meta_report(r: &FileReport) -> bool {
    r.source.is_some() && r.coverage.is_none()
}

/// Remove suppressed and baselined findings from `reports`, and append a
/// report for gouji.toml and one for the baseline file when they hold
/// unused or stale entries (info diagnostics located on those entries).
pub fn apply(
    reports: &mut Vec<FileReport>,
    config: &Config,
    baseline: Option<&Baseline>,
) -> Applied {
    let mut applied = Applied::default();
    let mut used = vec![0usize; config.suppress.len()];
    let mut pool: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
    if let Some(b) = baseline {
        for (i, (e, _)) in b.entries.iter().enumerate() {
            pool.entry((
                norm_path(&e.path),
                e.rule.clone(),
                e.fingerprint.trim().to_owned(),
            ))
            .or_default()
            .push(i);
        }
    }
    let mut matched = vec![false; baseline.map_or(0, |b| b.entries.len())];
    for r in reports.iter_mut() {
        let src = r.source.clone();
        let src = src.as_deref();
        let mut kept = Vec::with_capacity(r.diagnostics.len());
        for d in std::mem::take(&mut r.diagnostics) {
            if !acceptable(&d) {
                kept.push(d);
                continue;
            }
            let fp = fingerprint(src, &d);
            let mut hidden: Option<String> = None;
            for (i, s) in config.suppress.iter().enumerate() {
                if suppression_matches(s.get_ref(), r, src, &d, &fp) {
                    used[i] += 1;
                    hidden.get_or_insert_with(|| s.get_ref().reason.clone());
                }
            }
            if let Some(reason) = hidden {
                applied.suppressed += 1;
                applied.hidden.push(Hidden {
                    path: r.path.clone(),
                    diagnostic: d,
                    baselined: false,
                    reason: Some(reason),
                });
                continue;
            }
            if let Some(list) = pool.get_mut(&(norm_path(&r.path), d.code.clone(), fp)) {
                if !list.is_empty() {
                    let i = list.remove(0);
                    matched[i] = true;
                    applied.baselined += 1;
                    let reason = baseline.and_then(|b| b.entries[i].0.reason.clone());
                    applied.hidden.push(Hidden {
                        path: r.path.clone(),
                        diagnostic: d,
                        baselined: true,
                        reason: reason.filter(|r| !r.trim().is_empty()),
                    });
                    continue;
                }
            }
            kept.push(d);
        }
        r.diagnostics = kept;
    }
    let checked: Vec<String> = reports
        .iter()
        .filter(|r| r.source.is_some() && !is_meta_report(r))
        .map(|r| norm_path(&r.path))
        .collect();
    let in_scope = |p: &str| checked.contains(&norm_path(p));
    let in_scope_suffix = |p: &str| {
        let p = norm_path(p);
        checked
            .iter()
            .any(|c| *c == p || c.ends_with(&format!("/{p}")))
    };

    let mut meta = Vec::new();
    if let Some((cpath, ctext)) = &config.source {
        let cpath = relative(cpath);
        let index = crate::source::LineIndex::new(ctext);
        let mut diags = Vec::new();
        for (s, n) in config.suppress.iter().zip(&used) {
            let entry = s.get_ref();
            let span = Span::new(s.span().start, s.span().end);
            applied.suppressions.push(SuppressionUse {
                suppression: entry.clone(),
                line: index.line_col(ctext, span.start).line,
                used: *n,
            });
            // A suppression for a report not checked in this run is not unused.
            if *n > 0 || entry.path.as_deref().is_some_and(|p| !in_scope_suffix(p)) {
                continue;
            }
            let what = match (&entry.text, &entry.fingerprint) {
                (Some(t), _) => format!("“{t}”"),
                (_, Some(f)) => format!("指纹 {f}"),
                _ => String::new(),
            };
            diags.push(
                Diagnostic::new(
                    codes::SUPPRESSION_UNUSED,
                    Severity::Info,
                    format!("未使用的抑制：{} {what} 未匹配任何发现", entry.rule),
                )
                .with_label(Label::new(span, "未匹配任何发现"))
                .with_help("这项发现已不再出现（已修正或数字已改变）；删除此 [[suppress]] 条目"),
            );
        }
        if !diags.is_empty() {
            meta.push(meta_report(&cpath, ctext, diags));
        }
    }
    if let Some(b) = baseline {
        let mut diags = Vec::new();
        for ((e, span), m) in b.entries.iter().zip(&matched) {
            if *m || !in_scope(&e.path) {
                continue;
            }
            applied.stale += 1;
            let text = e
                .text
                .as_deref()
                .map(|t| format!(" “{t}”"))
                .unwrap_or_default();
            diags.push(
                Diagnostic::new(
                    codes::BASELINE_STALE,
                    Severity::Info,
                    format!("基线条目已不再出现：{}{text}（{}）", e.rule, e.path),
                )
                .with_label(Label::new(*span, "不再出现"))
                .with_help(
                    "这项发现已修正或已改变；删除此条目，或用 --write-baseline 重新生成基线",
                ),
            );
        }
        if !diags.is_empty() {
            meta.push(meta_report(&b.path, &b.text, diags));
        }
    }
    meta.sort_by(|a, b| a.path.cmp(&b.path));
    reports.extend(meta);
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "其中：基本支出242.27万元，占比79.41%；\n事业收入0万元，占比0%；其他收入0万元，占比0%。\n";

    fn src() -> SourceFile {
        SourceFile::new("r.txt", TEXT.to_owned(), Encoding::Utf8)
    }

    fn diag_at(needle: &str, nth: usize) -> Diagnostic {
        let at = TEXT.match_indices(needle).nth(nth).unwrap().0;
        Diagnostic::new("rule-a", Severity::Error, "m")
            .with_label(Label::new(Span::new(at, at + needle.len()), "占比"))
    }

    #[test]
    fn fingerprint_ignores_position_and_message_but_not_figures() {
        let s = src();
        let d = diag_at("79.41%", 0);
        let fp = fingerprint(Some(&s), &d);
        assert_eq!(fp.len(), 16);
        // Lines added above and the message reworded: same fingerprint.
        let moved = SourceFile::new("r.txt", format!("新的一行\r\n\n{TEXT}"), Encoding::Utf8);
        let at = moved.text.find("79.41%").unwrap();
        let d2 = Diagnostic::new("rule-a", Severity::Warning, "另一种说法")
            .with_label(Label::new(Span::new(at, at + "79.41%".len()), "x"));
        assert_eq!(fingerprint(Some(&moved), &d2), fp);
        // Another rule, or another figure: different.
        let mut other = d.clone();
        other.code = "rule-b".into();
        assert_ne!(fingerprint(Some(&s), &other), fp);
        let changed = SourceFile::new("r.txt", TEXT.replace("79.41%", "79.42%"), Encoding::Utf8);
        assert_ne!(fingerprint(Some(&changed), &d), fp);
    }

    #[test]
    fn same_figure_in_different_context_differs() {
        let s = src();
        let a = fingerprint(Some(&s), &diag_at("0%", 0));
        let b = fingerprint(Some(&s), &diag_at("0%", 1));
        assert_ne!(a, b);
    }

    #[test]
    fn unlocated_diagnostics_use_the_message() {
        let a = Diagnostic::new("x", Severity::Error, "one");
        let b = Diagnostic::new("x", Severity::Error, "two");
        assert_ne!(fingerprint(None, &a), fingerprint(None, &b));
    }

    fn report() -> FileReport {
        FileReport {
            path: "r.txt".into(),
            source: Some(Arc::new(src())),
            diagnostics: vec![diag_at("79.41%", 0), diag_at("0%", 0), diag_at("0%", 1)],
            coverage: Some(Default::default()),
            rules_run: vec!["rule-a".into()],
            kind: None,
        }
    }

    #[test]
    fn record_then_apply_hides_everything_and_finds_stale_entries() {
        let config = Config::default();
        let text = record(&[report()], &config, &[]);
        let b = Baseline::parse("baseline.toml", &text).unwrap();
        assert_eq!(b.entries.len(), 3);
        let mut reports = vec![report()];
        let applied = apply(&mut reports, &config, Some(&b));
        assert_eq!(applied.baselined, 3);
        assert_eq!(reports.len(), 1);
        assert!(reports[0].diagnostics.is_empty());

        // The 79.41% finding fixed: its entry is stale, located in the baseline.
        let mut fixed = report();
        fixed.diagnostics.remove(0);
        let mut reports = vec![fixed];
        let applied = apply(&mut reports, &config, Some(&b));
        assert_eq!(applied.stale, 1);
        assert_eq!(reports.len(), 2);
        let meta = &reports[1];
        assert_eq!(meta.path, "baseline.toml");
        assert_eq!(meta.diagnostics[0].code, codes::BASELINE_STALE);
        let span = meta.diagnostics[0].labels[0].span;
        assert!(b.text[span.range()].contains("79.41%"));

        // A report not checked in this run: its entries are not stale.
        let mut other = report();
        other.path = "other.txt".into();
        other.diagnostics.clear();
        let mut reports = vec![other];
        assert_eq!(apply(&mut reports, &config, Some(&b)).stale, 0);
    }

    #[test]
    fn entries_match_one_to_one() {
        let config = Config::default();
        let b = Baseline::parse("b.toml", &record(&[report()], &config, &[])).unwrap();
        let mut twice = report();
        let dup = twice.diagnostics[0].clone();
        twice.diagnostics.push(dup);
        let mut reports = vec![twice];
        apply(&mut reports, &config, Some(&b));
        assert_eq!(reports[0].diagnostics.len(), 1);
    }

    #[test]
    fn reasons_survive_rewriting() {
        let config = Config::default();
        let text = record(&[report()], &config, &[]);
        let with_reason = text.replacen("message = ", "reason = \"已向财政局说明\"\nmessage = ", 1);
        let old = Baseline::parse("b.toml", &with_reason).unwrap();
        let again = record(&[report()], &config, &[&old]);
        assert!(again.contains("reason = \"已向财政局说明\""));
        assert_eq!(Baseline::parse("b.toml", &again).unwrap().entries.len(), 3);
    }

    #[test]
    fn hidden_findings_are_kept_with_their_reasons() {
        let config = Config::parse(
            "gouji.toml",
            "[[suppress]]\nrule = \"rule-a\"\ntext = \"79.41%\"\nreason = \"已更正\"\n",
        )
        .unwrap();
        let text = record(&[report()], &Config::default(), &[]);
        let text = text.replacen("message = ", "reason = \"无此收入\"\nmessage = ", 2);
        let b = Baseline::parse("b.toml", &text).unwrap();
        let mut reports = vec![report()];
        let applied = apply(&mut reports, &config, Some(&b));
        let s = src();
        let hidden: Vec<_> = applied
            .hidden
            .iter()
            .map(|h| {
                (
                    h.baselined,
                    h.reason.as_deref(),
                    primary_text(Some(&s), &h.diagnostic),
                )
            })
            .collect();
        assert_eq!(
            hidden,
            [
                (false, Some("已更正"), "79.41%"),
                (true, Some("无此收入"), "0%"),
                (true, None, "0%"),
            ]
        );
        assert_eq!(applied.suppressed + applied.baselined, applied.hidden.len());
    }

    #[test]
    fn baseline_errors_are_located() {
        let e = Baseline::parse(
            "b.toml",
            "version = 1\n[[finding]]\npath = \"a\"\nrule = \"r\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("fingerprint"), "{e}");
        let e = Baseline::parse("b.toml", "version = 2\n").unwrap_err();
        assert!(e.to_string().contains("version"), "{e}");
    }

    #[test]
    fn suppressions_by_text_and_fingerprint() {
        let fp = fingerprint(Some(&src()), &diag_at("0%", 1));
        let toml = format!(
            "[[suppress]]\nrule = \"rule-a\"\ntext = \"79.41%\"\nreason = \"已更正\"\n\n\
             [[suppress]]\nrule = \"rule-a\"\nfingerprint = \"{fp}\"\nreason = \"无此收入\"\n\n\
             [[suppress]]\nrule = \"rule-a\"\ntext = \"12.00%\"\nreason = \"旧\"\n"
        );
        let config = Config::parse("gouji.toml", &toml).unwrap();
        let mut reports = vec![report()];
        let applied = apply(&mut reports, &config, None);
        assert_eq!(applied.suppressed, 2);
        assert_eq!(
            applied
                .suppressions
                .iter()
                .map(|s| s.used)
                .collect::<Vec<_>>(),
            vec![1, 1, 0]
        );
        assert_eq!(applied.suppressions[2].line, 11);
        assert_eq!(reports[0].diagnostics.len(), 1);
        let meta = &reports[1];
        assert_eq!(meta.path, "gouji.toml");
        assert_eq!(meta.diagnostics.len(), 1);
        assert_eq!(meta.diagnostics[0].code, codes::SUPPRESSION_UNUSED);
        // Suppressed findings are not written into a baseline.
        let text = record(&[report()], &config, &[]);
        assert_eq!(Baseline::parse("b.toml", &text).unwrap().entries.len(), 1);
    }

    #[test]
    fn suppression_needs_reason_and_one_matcher() {
        for bad in [
            "[[suppress]]\nrule = \"a\"\ntext = \"1%\"\n",
            "[[suppress]]\nrule = \"a\"\ntext = \"1%\"\nreason = \" \"\n",
            "[[suppress]]\nrule = \"a\"\nreason = \"r\"\n",
            "[[suppress]]\nrule = \"a\"\ntext = \"1%\"\nfingerprint = \"ab\"\nreason = \"r\"\n",
            "[[suppress]]\nrule = \"a\"\ntext = \"1%\"\nreason = \"r\"\nwhy = \"x\"\n",
        ] {
            assert!(Config::parse("gouji.toml", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn not_checked_and_tool_errors_are_never_hidden() {
        let nc =
            Diagnostic::new("rule-a", Severity::Info, "未能核对").with_outcome(Outcome::NotChecked);
        let mut r = report();
        r.diagnostics = vec![nc];
        let text = record(&[r.clone()], &Config::default(), &[]);
        assert!(Baseline::parse("b.toml", &text).unwrap().entries.is_empty());
    }
}
