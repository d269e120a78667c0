//! The restructuring guard (issue 10): the findings on the sample, every
//! fixture, the seed and every corpus report, as `gouji check --format json
//! --coverage` prints them, and the document model of the sample, the table
//! fixtures and the corpus, as `gouji dump` prints it, are identical to
//! snapshots. They were taken before the first move of the restructuring and
//! have since been re-blessed only by commits that meant to change findings
//! (new rules, fixed false alarms), each saying so. A change of behaviour
//! shows here as a snapshot diff; one that is meant must be reviewed (`cargo
//! insta review`) and said in its commit.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The reports of a folder (relative to the crate root) whose names end in `suffix`.
fn reports(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(Path::new(ROOT).join(dir)) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .map(|p| Path::new(dir).join(p.file_name().unwrap()))
        .collect();
    out.sort();
    out
}

fn gouji(args: &[&str], path: &Path) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(args)
        .arg(path)
        .env("NO_COLOR", "1")
        .current_dir(ROOT)
        .output()
        .expect("run gouji");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("JSON output is UTF-8")
}

fn check_json(path: &Path) -> String {
    gouji(
        &[
            "check",
            "--format",
            "json",
            "--coverage",
            "--fail-on",
            "never",
        ],
        path,
    )
}

fn dump_json(path: &Path) -> String {
    gouji(&["dump", "--format", "json"], path)
}

fn snapshot_name(p: &Path) -> String {
    p.file_name()
        .unwrap()
        .to_string_lossy()
        .trim_end_matches(".txt")
        .replace('.', "_")
}

fn snapshot_all(paths: &[PathBuf]) {
    for p in paths {
        insta::assert_snapshot!(snapshot_name(p), check_json(p));
    }
}

#[test]
fn fixtures_unchanged() {
    let mut paths = reports("fixtures", ".txt");
    paths.extend(reports("fixtures/tables", ".txt"));
    paths.extend(reports("fixtures/perf", ".txt"));
    assert!(paths.len() >= 15, "fixtures missing: {paths:?}");
    snapshot_all(&paths);
}

#[test]
fn seed_and_corpus_unchanged() {
    let mut paths = reports("../shared/seeds", ".txt");
    paths.extend(reports("../shared/corpus", ".layout.txt"));
    if paths.is_empty() {
        eprintln!("skipped: ../shared/seeds and ../shared/corpus are not beside the crate");
        return;
    }
    snapshot_all(&paths);
}

#[test]
fn document_model_unchanged() {
    let mut paths = vec![PathBuf::from("fixtures/jiangjin_egov_2024_final.txt")];
    paths.extend(reports("fixtures/tables", ".txt"));
    let corpus = reports("../shared/corpus", ".layout.txt");
    if corpus.is_empty() {
        eprintln!("corpus skipped: ../shared/corpus is not beside the crate");
    }
    paths.extend(corpus);
    for p in &paths {
        insta::assert_snapshot!(format!("dump_{}", snapshot_name(p)), dump_json(p));
    }
}
