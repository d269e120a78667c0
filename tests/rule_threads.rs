//! The rules of one report run on the pool's idle threads when the check is
//! not itself on the pool (`gouji check` of one file, an editor's
//! re-check), and in turn when it is (a batch, whose files are already in
//! parallel). Both must report the same, in the same order.

mod common;

use common::*;
use gouji::check::{check_source_detailed, DetailedCheck};
use gouji::config::Config;
use gouji::diagnostic::codes;
use gouji::source::{Encoding, SourceFile};

/// Two threads in the global pool, so that a check off the pool spreads its
/// rules (this binary's only tests; the pool is built before any use).
fn two_threads() -> rayon::ThreadPool {
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build_global();
    assert!(
        rayon::current_num_threads() >= 2,
        "the global pool has one thread"
    );
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
}

/// What a check reports: the rules run (in order), each rule's findings and
/// covered facts, and all diagnostics.
fn report(d: &DetailedCheck) -> Vec<String> {
    let rules = d
        .rules
        .iter()
        .map(|r| format!("{} {:?} {:?}", r.rule, r.covered, r.diagnostics));
    let all = d.diagnostics.iter().map(|x| format!("{x:?}"));
    rules.chain(all).collect()
}

#[test]
fn rules_on_idle_threads_report_what_they_report_in_turn() {
    let pool = two_threads();
    let seed = std::fs::read_dir("../shared/seeds")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "txt"));
    let mut texts = vec![("sample".to_owned(), sample_text())];
    if let Some(seed) = seed {
        texts.push(("seed".to_owned(), std::fs::read_to_string(seed).unwrap()));
    }
    for (name, text) in texts {
        let src = SourceFile::new("report.txt", text, Encoding::Utf8);
        let config = Config::default();
        let spread = check_source_detailed(&src, shipped(), &config);
        let in_turn = pool.install(|| check_source_detailed(&src, shipped(), &config));
        assert!(
            spread.rules.len() > 40,
            "{name}: {} rules ran",
            spread.rules.len()
        );
        assert!(!spread.diagnostics.is_empty(), "{name}: nothing reported");
        assert_eq!(report(&spread), report(&in_turn), "{name}");
    }
}

#[test]
fn a_spent_time_budget_stops_the_rules_either_way() {
    let pool = two_threads();
    let src = SourceFile::new("report.txt", sample_text(), Encoding::Utf8);
    let mut config = Config::default();
    config.limits.max_seconds_per_file = 0;
    let spread = check_source_detailed(&src, shipped(), &config);
    let in_turn = pool.install(|| check_source_detailed(&src, shipped(), &config));
    for d in [&spread, &in_turn] {
        assert!(d.rules.is_empty(), "a rule ran: {:?}", d.rules[0].rule);
        let limits: Vec<_> = d
            .diagnostics
            .iter()
            .filter(|x| x.code == codes::LIMIT)
            .collect();
        assert_eq!(limits.len(), 1, "{:?}", d.diagnostics);
        assert!(
            limits[0].message.contains("检查超时"),
            "{}",
            limits[0].message
        );
    }
    assert_eq!(report(&spread), report(&in_turn));
}
