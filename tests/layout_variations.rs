//! Layout-variation tests of the table parser and gate (issue 12).
//!
//! Every standard table of each form (决算, 部门预算, 单位预算) with
//! consistent figures is rendered in many layouts (tests/layout) and
//! checked as a whole report:
//! * a consistent table: its cells are recovered exactly, or it abstains
//!   (one `gouji::table-unreadable` note); never an error or warning;
//! * one figure changed: when the table is read as reliable, a finding
//!   lands on that figure.
//!
//! CI runs a fixed seed. By hand: `GOUJI_LAYOUT_CASES=200` (rounds; each
//! round is one case per table), `GOUJI_LAYOUT_SEED=7` (first seed),
//! `GOUJI_LAYOUT_SHOW=1` (print every failing case's text),
//! `GOUJI_LAYOUT_DUMP=dir` (write each failing report to dir/SEED.txt).

mod common;
mod layout;

use common::*;
use gouji::check::check_source;
use gouji::config::Config;
use gouji::diagnostic::{Diagnostic, Severity};
use gouji::document::table::Reliability;
use gouji::document::text::fold;
use gouji::document::{RowKind, Table};
use gouji::source::{Encoding, SourceFile};
use layout::render::Expected;
use layout::rng::Rng;
use layout::{assert_change_rates, env_u64, pct, unreadable, Case};
use std::collections::BTreeMap;

/// Rounds (one case per standard table per form each), first seed, and
/// whether to print failing cases.
fn knobs() -> (u64, u64, bool) {
    (
        env_u64("GOUJI_LAYOUT_CASES", 20),
        env_u64("GOUJI_LAYOUT_SEED", 0x5eed_2024),
        std::env::var_os("GOUJI_LAYOUT_SHOW").is_some(),
    )
}

/// Every case of the run: `rounds` × every standard table of every form.
fn cases() -> impl Iterator<Item = Case> {
    let (rounds, seed, _) = knobs();
    layout::cases(rounds, seed)
}

struct Checked {
    diags: Vec<Diagnostic>,
    table: Option<Table>,
}

fn run(c: &Case, text: &str) -> Checked {
    let src = SourceFile::new("report.txt", text.to_owned(), Encoding::Utf8);
    let r = check_source(&src, shipped(), &Config::default());
    let mut tables = r
        .document
        .tables
        .into_iter()
        .filter(|t| t.standard == Some(c.kind));
    let table = tables.next();
    Checked {
        diags: r.diagnostics,
        table,
    }
}

/// The figures the parser read: same shape as the generator's answer.
fn parsed_cells(t: &Table) -> Vec<Expected> {
    let mut out = Vec::new();
    for r in t.rows.iter().filter(|r| r.kind == RowKind::Data) {
        for c in &r.cells {
            let (Some(n), Some(col)) = (&c.number, &c.column) else {
                continue;
            };
            out.push(Expected {
                start: c.span.start as usize,
                end: c.span.end as usize,
                side: r.side.clone(),
                row: r
                    .code
                    .clone()
                    .unwrap_or_else(|| fold(r.label.as_deref().unwrap_or(""))),
                column: col.clone(),
                value: n.value,
            });
        }
    }
    out.sort();
    out
}

/// Warnings and errors with a label inside the table.
fn findings_in<'a>(c: &Case, diags: &'a [Diagnostic]) -> Vec<&'a Diagnostic> {
    let (a, b) = c.table_range;
    findings(diags)
        .into_iter()
        .filter(|d| {
            d.labels
                .iter()
                .any(|l| (l.span.start as usize) < b && (l.span.end as usize) > a)
        })
        .collect()
}

enum Outcome {
    Exact,
    Abstained(String),
    /// A failure: what went wrong.
    Failed(String),
}

/// Check the consistent case: exact, abstained, or a failure.
fn judge(c: &Case, got: &Checked) -> Outcome {
    let fa = findings_in(c, &got.diags);
    let notes = unreadable(&got.diags);
    let Some(t) = &got.table else {
        return Outcome::Failed("the table was not found".into());
    };
    if !fa.is_empty() {
        let what: Vec<String> = fa
            .iter()
            .map(|d| format!("{} [{}] {}", d.code, severity(d), d.message))
            .collect();
        return Outcome::Failed(format!("findings on a consistent table: {what:#?}"));
    }
    if t.verdict.reliability == Reliability::Unreliable {
        if notes.len() != 1 || notes[0].severity != Severity::Info {
            return Outcome::Failed(format!("abstained with {} notes", notes.len()));
        }
        return Outcome::Abstained(t.verdict.reason.clone().unwrap_or_default());
    }
    if !notes.is_empty() {
        return Outcome::Failed("a table-unreadable note on a usable table".into());
    }
    let mut want = c.cells.clone();
    want.sort();
    let have = parsed_cells(t);
    if want == have {
        return Outcome::Exact;
    }
    let missing: Vec<&Expected> = want.iter().filter(|e| !have.contains(e)).collect();
    let extra: Vec<&Expected> = have.iter().filter(|e| !want.contains(e)).collect();
    Outcome::Failed(format!(
        "read as {:?} but misread: {} cells wrong\n  expected: {:#?}\n  read: {:#?}",
        t.verdict.reliability,
        missing.len(),
        missing.iter().take(4).collect::<Vec<_>>(),
        extra.iter().take(4).collect::<Vec<_>>()
    ))
}

fn severity(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        _ => "info",
    }
}

/// The rows as read, one line each (for a failing case).
fn rows_read(t: &Table) -> String {
    let mut out = format!("verdict {:?}\n", t.verdict);
    for r in t.rows.iter().filter(|r| r.kind == RowKind::Data) {
        let cells: Vec<String> = r
            .cells
            .iter()
            .filter(|c| c.number.is_some() || !c.key.is_empty())
            .map(|c| format!("{}={}", c.column.as_deref().unwrap_or("?"), c.key))
            .collect();
        out.push_str(&format!(
            "  [{}] {} {}: {}\n",
            r.side.as_deref().unwrap_or(""),
            r.code.as_deref().unwrap_or(""),
            r.label.as_deref().unwrap_or(""),
            cells.join("  ")
        ));
    }
    out
}

fn show(c: &Case, why: &str) {
    eprintln!(
        "--- seed {} {:?} {} features {:?}\n{why}",
        c.seed,
        c.form,
        c.kind.name(),
        c.features
    );
    if knobs().2 {
        eprintln!("{}", &c.text[c.table_range.0..c.table_range.1]);
    }
    if let Some(dir) = std::env::var_os("GOUJI_LAYOUT_DUMP") {
        let p = std::path::Path::new(&dir).join(format!("{}.txt", c.seed));
        std::fs::write(&p, &c.text).expect("GOUJI_LAYOUT_DUMP is a writable folder");
    }
}

#[derive(Default)]
struct Tally {
    n: usize,
    abstained: usize,
}

/// Consistent tables in every layout: exact or abstained, never a finding.
/// Per feature: how often it abstains.
#[test]
fn consistent_tables_are_read_exactly_or_abstain() {
    let mut by_feature: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_table: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let (mut n, mut exact, mut abstained) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for c in cases() {
        let got = run(&c, &c.text);
        let outcome = judge(&c, &got);
        n += 1;
        let abst = matches!(outcome, Outcome::Abstained(_));
        for f in &c.features {
            let e = by_feature.entry(f.clone()).or_default();
            e.n += 1;
            e.abstained += abst as usize;
        }
        let e = by_table.entry(c.kind.name()).or_default();
        e.n += 1;
        e.abstained += abst as usize;
        match outcome {
            Outcome::Exact => exact += 1,
            Outcome::Abstained(why) => {
                abstained += 1;
                let key: String = why.chars().filter(|c| !c.is_ascii_digit()).collect();
                *reasons.entry(key).or_default() += 1;
            }
            Outcome::Failed(why) => {
                show(&c, &why);
                if let (true, Some(t)) = (knobs().2, &got.table) {
                    eprintln!("{}", rows_read(t));
                }
                failures.push(format!("seed {} {}", c.seed, c.kind.name()));
            }
        }
    }
    eprintln!(
        "{n} tables: {exact} read exactly ({:.1}%), {abstained} abstained ({:.1}%), {} failed",
        pct(exact, n),
        pct(abstained, n),
        failures.len()
    );
    eprintln!("abstained, by feature:");
    for (f, t) in &by_feature {
        eprintln!(
            "  {f:<32} {:>4}/{:<4} {:5.1}%",
            t.abstained,
            t.n,
            pct(t.abstained, t.n)
        );
    }
    eprintln!("abstained, by table:");
    for (f, t) in &by_table {
        eprintln!(
            "  {f:<36} {:>4}/{:<4} {:5.1}%",
            t.abstained,
            t.n,
            pct(t.abstained, t.n)
        );
    }
    eprintln!("reasons: {reasons:#?}");
    assert!(
        failures.is_empty(),
        "{} failed: {failures:#?}",
        failures.len()
    );
    // Measured on the CI seed (see README, table gate); a drop is a
    // regression of the parser.
    assert!(
        pct(exact, n) >= EXACT_FLOOR,
        "only {:.1}% read exactly (floor {EXACT_FLOOR}%)",
        pct(exact, n)
    );
}

/// The exact-read rate measured on the CI seed (100.0% of 540 tables),
/// less a little slack.
const EXACT_FLOOR: f64 = 99.5;

/// Change the last digit of the figure at `e` (+3 mod 10).
fn change(text: &str, e: &Expected) -> String {
    let cell = &text[e.start..e.end];
    let (i, d) = cell
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_digit())
        .expect("a figure has a digit");
    let new = char::from_digit((d.to_digit(10).unwrap() + 3) % 10, 10).unwrap();
    let at = e.start + i;
    format!("{}{new}{}", &text[..at], &text[at + 1..])
}

/// One figure changed: whenever the table is read as reliable, a finding
/// lands on that figure.
#[test]
fn a_changed_figure_is_caught_on_that_figure() {
    const PER_CASE: usize = 3;
    let (mut tried, mut reliable, mut caught, mut abstained) = (0, 0, 0, 0);
    let mut missed: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for c in cases() {
        let got = run(&c, &c.text);
        if !matches!(judge(&c, &got), Outcome::Exact) || c.cells.is_empty() {
            continue;
        }
        let mut rng = Rng::new(c.seed ^ 0x00c4_a76e);
        for _ in 0..PER_CASE.min(c.cells.len()) {
            let e = &c.cells[rng.below(c.cells.len())];
            let text = change(&c.text, e);
            let got = run(&c, &text);
            tried += 1;
            let Some(t) = &got.table else {
                failures.push(format!("seed {}: table lost", c.seed));
                continue;
            };
            if t.verdict.reliability == Reliability::Unreliable {
                abstained += 1;
                if unreadable(&got.diags).len() != 1 || !findings_in(&c, &got.diags).is_empty() {
                    show(&c, "abstained with findings or not one note");
                    failures.push(format!("seed {}: abstained badly", c.seed));
                }
                continue;
            }
            reliable += 1;
            let hit = findings(&got.diags).iter().any(|d| {
                d.severity == Severity::Error
                    && d.labels
                        .iter()
                        .any(|l| l.span.start as usize == e.start && l.span.end as usize == e.end)
            });
            if hit {
                caught += 1;
            } else {
                *missed.entry(c.kind.name()).or_default() += 1;
                if knobs().2 {
                    show(
                        &c,
                        &format!(
                            "changed {} ({}, {}) not caught",
                            &text[e.start..e.end],
                            e.row,
                            e.column
                        ),
                    );
                }
            }
        }
    }
    eprintln!(
        "{tried} single-figure changes: {reliable} read reliable, {caught} caught on the figure ({:.1}%), {abstained} abstained ({:.1}%); missed by table: {missed:?}",
        pct(caught, reliable),
        pct(abstained, tried)
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert_change_rates(tried, reliable, caught, (CAUGHT_FLOOR, RELIABLE_FLOOR));
}

/// The share of changed tables still read as reliable (98.4% of 1,606 on the CI seed),
/// less a little slack.
const RELIABLE_FLOOR: f64 = 96.0;

/// The caught rate measured on the CI seed (96.7% of the changes read as
/// reliable; the misses are figures in no identity: the 1./2./3. sub-items
/// of 部门财务收支预算总表 and the 机关运行经费 column), less a little slack.
const CAUGHT_FLOOR: f64 = 96.0;
