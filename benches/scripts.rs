//! The cost of script rules: one run of each shipped script rule on the
//! sample report, an empty script (the constant a script rule adds per
//! report: scope, handles, sandbox bookkeeping), a declarative rule for
//! comparison, and the whole shipped pack with and without its script rules.
//!
//! `cargo bench --bench scripts`

use criterion::{criterion_group, criterion_main, Criterion};
use gouji::check::check_source;
use gouji::config::Config;
use gouji::document::parse;
use gouji::rule::{compile, pack_files, shipped_files, RuleSet};
use gouji::source::{Encoding, SourceFile};
use std::hint::black_box;
use std::sync::Arc;

const SAMPLE: &str = "fixtures/jiangjin_egov_2024_final.txt";

/// A pack of two script rules in a temporary directory: one that does
/// nothing, one that walks every fact of the report.
fn probe_pack() -> (tempfile::TempDir, RuleSet) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.toml"),
        r#"
[[rule]]
id = "empty-script"
kind = "script"
severity = "info"
message = "-"
script = "empty.rhai"

[[rule]]
id = "walk-facts"
kind = "script"
severity = "info"
message = "-"
script = "walk.rhai"
"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.rhai"), "0;\n").unwrap();
    std::fs::write(
        dir.path().join("walk.rhai"),
        "let n = 0;\nfor f in doc.facts() { if f.value != () { n += 1; } }\n",
    )
    .unwrap();
    let set = compile(&pack_files(dir.path()).unwrap()).unwrap();
    (dir, set)
}

fn bench(c: &mut Criterion) {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let doc = Arc::new(parse(&text));
    let shared_text: Arc<str> = text.as_str().into();
    let shipped = compile(&shipped_files()).unwrap();
    let (_dir, probes) = probe_pack();

    let mut g = c.benchmark_group("script rule on the sample");
    for r in probes.rules.iter().chain(
        shipped
            .rules
            .iter()
            .filter(|r| r.kind.name() == "script" || r.id == "perf-indicator-score"),
    ) {
        g.bench_function(&r.id, |b| {
            b.iter(|| black_box(gouji::rule::run(r, &doc, &shared_text)))
        });
    }
    g.finish();

    let src = SourceFile::new(SAMPLE, text.clone(), Encoding::Utf8);
    let config = Config::default();
    let declarative = RuleSet {
        rules: shipped
            .rules
            .iter()
            .filter(|r| r.kind.name() != "script")
            .cloned()
            .collect(),
    };
    let mut g = c.benchmark_group("check the sample");
    g.bench_function("shipped pack", |b| {
        b.iter(|| black_box(check_source(&src, &shipped, &config)))
    });
    g.bench_function("without script rules", |b| {
        b.iter(|| black_box(check_source(&src, &declarative, &config)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
