//! Throughput: parse + the full shipped pack on the sample, and over a
//! synthetic corpus of 1,000 reports made by scaling the sample's money
//! figures by whole numbers (so every identity, share and rate still holds),
//! on one thread and on all cores.
//!
//! `cargo bench --bench throughput`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gouji::check::check_source;
use gouji::config::Config;
use gouji::document::{parse, FactKind};
use gouji::rule::{compile, shipped_files};
use gouji::source::{Encoding, SourceFile};
use rayon::prelude::*;
use rust_decimal::Decimal;

const SAMPLE: &str = "fixtures/jiangjin_egov_2024_final.txt";

/// The sample with every money figure multiplied by `k`: sums, shares and
/// growth rates are unchanged, so the report stays valid.
fn scaled(text: &str, k: u32) -> String {
    let doc = parse(text);
    let mut edits: Vec<(usize, usize, String)> = doc
        .facts
        .iter()
        .filter(|f| f.kind == FactKind::Amount)
        .filter_map(|f| {
            let n = f.number.as_ref()?;
            let digits_end = f.span.start as usize
                + text[f.span.range()].find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
            let v = (n.value * Decimal::from(k)).round_dp(n.decimals);
            Some((
                f.span.start as usize,
                digits_end,
                format!("{:.*}", n.decimals as usize, v),
            ))
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (s, e, v) in edits {
        out.replace_range(s..e, &v);
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let rules = compile(&shipped_files()).unwrap();
    let config = Config::default();
    let corpus: Vec<SourceFile> = (1..=1000)
        .map(|k| SourceFile::new(format!("r{k}.txt"), scaled(&text, k), Encoding::Utf8))
        .collect();

    // The synthetic reports must stay valid: no error on any of them.
    let errors: usize = corpus
        .par_iter()
        .map(|s| {
            check_source(s, &rules, &config)
                .diagnostics
                .iter()
                .filter(|d| d.severity == gouji::diagnostic::Severity::Error)
                .count()
        })
        .sum();
    assert_eq!(errors, 0, "the scaled reports raise errors");

    let mut g = c.benchmark_group("check");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1));
    let sample = SourceFile::new(SAMPLE, text.clone(), Encoding::Utf8);
    g.bench_function("sample (parse + full pack)", |b| {
        b.iter(|| check_source(&sample, &rules, &config).diagnostics.len())
    });
    // What the language server computes on each re-check of a 50 KB report
    // (issue 15 goal: < 10 ms).
    let big = text.repeat(50_000usize.div_ceil(text.len()));
    let big = SourceFile::new("lsp.txt", big, Encoding::Utf8);
    g.bench_function("lsp re-check, 50 KB report", |b| {
        b.iter(|| check_source(&big, &rules, &config).diagnostics.len())
    });
    g.throughput(Throughput::Elements(corpus.len() as u64));
    g.bench_function("1000 reports, one thread", |b| {
        b.iter(|| {
            corpus
                .iter()
                .map(|s| check_source(s, &rules, &config).diagnostics.len())
                .sum::<usize>()
        })
    });
    g.bench_function(
        format!("1000 reports, {} threads", rayon::current_num_threads()),
        |b| {
            b.iter(|| {
                corpus
                    .par_iter()
                    .map(|s| check_source(s, &rules, &config).diagnostics.len())
                    .sum::<usize>()
            })
        },
    );
    g.finish();

    let mut g = c.benchmark_group("load");
    g.sample_size(20);
    g.bench_function("compile the shipped pack", |b| {
        b.iter(|| compile(&shipped_files()).unwrap().rules.len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
