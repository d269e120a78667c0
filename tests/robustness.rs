//! No input may make gouji panic or hang: random bytes, truncations and
//! byte-level mutations of the sample, very long lines, deep heading
//! nesting, a 20 MB report. In-process for the thousands, through the binary
//! for a handful (each run ends in exit 0, 1 or 2).

mod common;

use common::*;
use gouji::check::check_source;
use gouji::config::Config;
use gouji::source::SourceFile;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// xorshift64*: deterministic, no extra dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Decode, parse and check; panics are caught and reported with the input.
fn run(bytes: &[u8], what: &str, limit: Duration) {
    let t = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        if let Ok(src) = SourceFile::from_bytes("fuzz.txt", bytes, None) {
            let diags = check_source(&src, shipped(), &Config::default()).diagnostics;
            // Every label lies inside the text, on char boundaries.
            for d in &diags {
                for l in &d.labels {
                    assert!(
                        l.span.end as usize <= src.text.len(),
                        "{what}: label past the end"
                    );
                    assert!(
                        src.text.is_char_boundary(l.span.start as usize),
                        "{what}: label start inside a char"
                    );
                    assert!(
                        src.text.is_char_boundary(l.span.end as usize),
                        "{what}: label end inside a char"
                    );
                }
            }
        }
    }));
    assert!(result.is_ok(), "panic on {what}");
    assert!(t.elapsed() < limit, "{what} took {:?}", t.elapsed());
}

#[test]
fn random_bytes() {
    let mut rng = Rng(0x9E3779B97F4A7C15);
    for i in 0..1000 {
        let len = rng.below(2000);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        run(&bytes, &format!("random #{i}"), Duration::from_secs(5));
    }
}

#[test]
fn truncations_of_the_sample() {
    let bytes = std::fs::read(SAMPLE).unwrap();
    let gb = std::fs::read("fixtures/jiangjin_egov_2024_final.gb18030.txt").unwrap();
    let u16 = std::fs::read("fixtures/jiangjin_egov_2024_final.utf16le-crlf.txt").unwrap();
    for src in [&bytes, &gb, &u16] {
        for cut in (0..src.len()).step_by(37) {
            run(
                &src[..cut],
                &format!("truncated at {cut}"),
                Duration::from_secs(5),
            );
        }
    }
}

#[test]
fn byte_mutations_of_the_sample() {
    let bytes = std::fs::read(SAMPLE).unwrap();
    let mut rng = Rng(42);
    for i in 0..1500 {
        let mut b = bytes.clone();
        for _ in 0..1 + rng.below(5) {
            let at = rng.below(b.len());
            match rng.below(4) {
                0 => b[at] = rng.next() as u8,
                1 => b.insert(at, [b'\t', b'\n', b'\r', b'0', 0xE3, b'%'][rng.below(6)]),
                2 => {
                    b.remove(at);
                }
                _ => {
                    let j = rng.below(b.len());
                    b.swap(at, j);
                }
            }
        }
        run(&b, &format!("mutant #{i}"), Duration::from_secs(5));
    }
}

#[test]
fn long_lines_and_deep_nesting() {
    let line = "本年收入合计308.97万元，较上年增加17.75万元，增长6.10%，其中：".repeat(20_000);
    run(line.as_bytes(), "a 1.6 MB line", Duration::from_secs(300));
    let digits = "1".repeat(1_000_000) + "万元";
    run(
        digits.as_bytes(),
        "a million digits",
        Duration::from_secs(300),
    );
    let mut nested = String::new();
    for i in 1..=3000 {
        nested.push_str(&format!(
            "第{}部分\n一、a\n（一）b\n1.c\n（1）d\n①e\n{}、跳号\n",
            ["一", "二"][i % 2],
            i
        ));
    }
    run(
        nested.as_bytes(),
        "deep and long heading runs",
        Duration::from_secs(300),
    );
    let tabs = "\t\n".repeat(200_000);
    run(
        tabs.as_bytes(),
        "200k empty cells",
        Duration::from_secs(300),
    );
}

/// Figures at the edge of `Decimal`'s range (29 digits: not figures) and at
/// the edge of what is read as a figure (16 digits, in 亿元) in prose and in
/// sums, rates and shares: no panic.
#[test]
fn figures_at_the_edge_of_the_number_range() {
    let max = "79228162514264337593543950335";
    let big = "9999999999999999.9999999999";
    let text = format!(
        "一、收入支出预算总体情况\n\
         收入预算{max}万元，其中：财政拨款收入{max}万元，其他收入{max}万元。\n\
         支出预算{max}万元，较上年增加{max}万元，增长{max}%，占{max}%。\n\
         人均{max}元，平均每批次-{max}万元。\n\
         收入预算{big}亿元，其中：财政拨款收入{big}亿元，其他收入{big}亿元。\n\
         支出预算{big}亿元，较上年增加{big}亿元，增长{big}%，占{big}%。\n"
    );
    run(
        text.as_bytes(),
        "figures at Decimal::MAX",
        Duration::from_secs(300),
    );
}

#[test]
fn a_20_mb_report() {
    let sample = sample_text();
    let big = sample.repeat(20_000_000 / sample.len() + 1);
    assert!(big.len() >= 20_000_000);
    run(big.as_bytes(), "20 MB", Duration::from_secs(600));
}

#[test]
fn the_binary_always_exits_0_1_or_2() {
    let dir = std::env::temp_dir().join(format!("gouji-robust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bytes = std::fs::read(SAMPLE).unwrap();
    let mut rng = Rng(7);
    let mut files = Vec::new();
    for i in 0..20 {
        let mut b = bytes.clone();
        let at = rng.below(b.len());
        b.truncate(at.max(1));
        b.push(rng.next() as u8);
        let p = dir.join(format!("m{i}.txt"));
        std::fs::write(&p, &b).unwrap();
        files.push(p);
    }
    let junk: Vec<u8> = (0..10_000).map(|_| rng.next() as u8).collect();
    std::fs::write(dir.join("junk.txt"), junk).unwrap();
    files.push(dir.join("junk.txt"));
    for f in &files {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_gouji"))
            .args(["check", f.to_str().unwrap()])
            .output()
            .unwrap();
        let code = o.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{}: exit {code:?}",
            f.display()
        );
        assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
