//! Helpers shared by the integration tests.
#![allow(dead_code)]

use gouji::check::check_source;
use gouji::config::Config;
use gouji::diagnostic::{Diagnostic, Outcome};
use gouji::rule::{compile, shipped_files, RuleSet};
use gouji::source::{Encoding, SourceFile};
use std::sync::OnceLock;

pub const SAMPLE: &str = "fixtures/jiangjin_egov_2024_final.txt";

pub fn sample_text() -> String {
    std::fs::read_to_string(SAMPLE).unwrap()
}

pub fn shipped() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| compile(&shipped_files()).expect("the shipped pack compiles"))
}

/// Check a text with the shipped pack; returns the source and findings.
pub fn check_text(text: &str) -> (SourceFile, Vec<Diagnostic>) {
    let src = SourceFile::new("report.txt", text.to_owned(), Encoding::Utf8);
    let diags = check_source(&src, shipped(), &Config::default()).diagnostics;
    (src, diags)
}

/// Replace the `n`th (0-based) occurrence of `from` with `to`; returns the
/// text and the byte offset of the change.
pub fn mutate(text: &str, from: &str, to: &str, n: usize) -> (String, usize) {
    let at = text
        .match_indices(from)
        .nth(n)
        .unwrap_or_else(|| panic!("{from} #{n} not in text"))
        .0;
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..at]);
    out.push_str(to);
    out.push_str(&text[at + from.len()..]);
    (out, at)
}

/// Findings (warnings and errors) only.
pub fn findings(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| {
            d.outcome == Outcome::Finding && d.severity >= gouji::diagnostic::Severity::Warning
        })
        .collect()
}

/// The corpus of real reports beside the crate (../shared/corpus).
pub const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

/// The corpus is not part of the crate: without it, tests that need it say
/// so and pass.
pub fn corpus_present() -> bool {
    let present = std::path::Path::new(CORPUS).is_dir();
    if !present {
        eprintln!("skipped: {CORPUS} is absent (the corpus is not beside the crate)");
    }
    present
}

/// Run the gouji binary from the crate root, without colour.
pub fn gouji(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run gouji")
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh, empty temporary directory of this test process.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("gouji-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
