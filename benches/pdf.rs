//! gouji's whole check of each corpus PDF (read the PDF, lay out the text,
//! parse, run the shipped pack) against `pdftotext -layout` extracting the
//! same file, run as a process (as a user would before gouji read PDFs).
//! Skips with a message when the corpus or pdftotext is absent.
//!
//! `cargo bench --bench pdf`

use criterion::{criterion_group, criterion_main, Criterion};
use gouji::check::check_source;
use gouji::config::Config;
use gouji::rule::{compile, shipped_files};
use std::process::Command;

const CORPUS: &str = "../shared/corpus";

fn corpus() -> Vec<(String, Vec<u8>, String)> {
    let Ok(rd) = std::fs::read_dir(CORPUS) else {
        eprintln!("bench pdf: {CORPUS} not found, skipped");
        return Vec::new();
    };
    let mut v: Vec<_> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap(), p.display().to_string())
        })
        .collect();
    v.sort();
    v
}

fn bench(c: &mut Criterion) {
    let rules = compile(&shipped_files()).expect("shipped pack");
    let config = Config::default();
    let docs = corpus();
    let pdftotext = Command::new("pdftotext").arg("-v").output().is_ok();
    if !pdftotext {
        eprintln!("bench pdf: pdftotext not installed, its side skipped");
    }
    let mut g = c.benchmark_group("pdf");
    g.sample_size(20);
    for (name, bytes, path) in &docs {
        g.bench_function(format!("gouji-check/{name}"), |b| {
            b.iter(|| {
                let x = gouji::input::read(path.clone(), bytes, None).unwrap();
                check_source(&x.source, &rules, &config).diagnostics.len()
            })
        });
        if pdftotext {
            g.bench_function(format!("pdftotext-layout/{name}"), |b| {
                b.iter(|| {
                    let o = Command::new("pdftotext")
                        .args(["-layout", path, "-"])
                        .output()
                        .unwrap();
                    o.stdout.len()
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
