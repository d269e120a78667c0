//! The review workflow as CI runs it: output formats (SARIF, GitHub, JUnit,
//! JSON), several outputs in one run, baselines and suppressions.
//!
//! These tests use the small pack in tests/data/review-pack (not the shipped
//! pack) so their snapshots follow the formats, not the shipped rules. Runs
//! on temporary copies use the temporary directory as the current directory
//! and relative paths, so no absolute path reaches a snapshot.

use std::path::Path;
use std::process::{Command, Output};

const SAMPLE: &str = "fixtures/jiangjin_egov_2024_final.txt";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pack() -> String {
    root().join("tests/data/review-pack").display().to_string()
}

fn empty_config() -> String {
    root()
        .join("tests/data/review.gouji.toml")
        .display()
        .to_string()
}

/// Run gouji in `dir` with the review pack (and no gouji.toml found by
/// accident, unless `args` name one).
fn gouji_in(dir: &Path, args: &[&str]) -> Output {
    let pack = pack();
    let config = empty_config();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--no-default-rules", "--rules", &pack]);
    if !args.contains(&"--config") {
        all.extend(["--config", &config]);
    }
    Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(&all)
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .output()
        .expect("run gouji")
}

fn gouji(args: &[&str]) -> Output {
    gouji_in(root(), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn sample_text() -> String {
    std::fs::read_to_string(root().join(SAMPLE)).unwrap()
}

/// A temporary directory holding `report.txt` (the sample with `edits`).
fn workdir(edits: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_report(dir.path(), edits);
    dir
}

fn write_report(dir: &Path, edits: &[(&str, &str)]) {
    let mut text = sample_text();
    for (from, to) in edits {
        assert!(text.contains(from), "{from} not in the sample");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(dir.join("report.txt"), text).unwrap();
}

const MUTATION: (&str, &str) = ("占比78.41%", "占比79.41%");

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

// ---- formats ------------------------------------------------------------------

#[test]
fn formats_on_the_sample() {
    for format in ["sarif", "github", "junit", "json"] {
        let o = gouji(&["check", SAMPLE, "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        insta::assert_snapshot!(format!("sample_{format}"), stdout(&o));
    }
}

#[test]
fn formats_on_a_report_with_findings() {
    let dir = workdir(&[MUTATION]);
    for format in ["sarif", "github", "junit", "json"] {
        let o = gouji_in(dir.path(), &["check", "report.txt", "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        insta::assert_snapshot!(format!("mutated_{format}"), stdout(&o));
    }
}

#[test]
fn several_outputs_in_one_run() {
    let dir = workdir(&[MUTATION]);
    let o = gouji_in(
        dir.path(),
        &[
            "check",
            "report.txt",
            "--output-sarif",
            "out/gouji.sarif",
            "--output-json",
            "out/gouji.json",
            "--output-junit",
            "out/junit.xml",
            "--color",
            "never",
        ],
    );
    // The output directory does not exist: a write error, exit 2.
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot write out/gouji.sarif"),
        "{}",
        stderr(&o)
    );
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let o = gouji_in(
        dir.path(),
        &[
            "check",
            "report.txt",
            "--output-sarif",
            "out/gouji.sarif",
            "--output-json",
            "out/gouji.json",
            "--output-junit",
            "out/junit.xml",
            "--color",
            "never",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("error[review-share]"),
        "human output on stdout"
    );
    for (file, format) in [
        ("out/gouji.sarif", "sarif"),
        ("out/gouji.json", "json"),
        ("out/junit.xml", "junit"),
    ] {
        let written = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let alone = stdout(&gouji_in(
            dir.path(),
            &["check", "report.txt", "--format", format],
        ));
        assert_eq!(written, alone, "{file} is what --format {format} prints");
    }
    // No temporary files left beside the outputs.
    let names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

fn sarif(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend(args);
    json(&gouji_in(dir, &all))
}

#[test]
fn sarif_locations_and_fingerprints() {
    let dir = workdir(&[MUTATION]);
    let v = sarif(dir.path(), &["report.txt"]);
    let run = &v["runs"][0];
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let share = rules.iter().find(|r| r["id"] == "review-share").unwrap();
    assert_eq!(share["defaultConfiguration"]["level"], "error");
    assert!(
        share["help"]["text"]
            .as_str()
            .unwrap()
            .contains("占比79.41%"),
        "bad example in help"
    );
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "review-share")
        .unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["snippet"]["text"], "79.41%");
    assert_eq!(region["startLine"], 14);
    // Byte offsets point at the figure in the file as stored.
    let bytes = std::fs::read(dir.path().join("report.txt")).unwrap();
    let (at, len) = (
        region["byteOffset"].as_u64().unwrap() as usize,
        region["byteLength"].as_u64().unwrap() as usize,
    );
    assert_eq!(&bytes[at..at + len], "79.41%".as_bytes());
    assert_eq!(result["relatedLocations"][0]["message"]["text"], "金额");
    assert_eq!(
        result["relatedLocations"][1]["message"]["text"],
        "分母：支出合计"
    );
    let fp = result["partialFingerprints"]["gouji/v1"]
        .as_str()
        .unwrap()
        .to_owned();

    // Lines added at the top: the finding moves, its fingerprint stays.
    let text = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    std::fs::write(
        dir.path().join("report.txt"),
        format!("（审计说明）\n\n{text}"),
    )
    .unwrap();
    let v = sarif(dir.path(), &["report.txt"]);
    let moved = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "review-share")
        .unwrap()
        .clone();
    assert_eq!(
        moved["locations"][0]["physicalLocation"]["region"]["startLine"],
        16
    );
    assert_eq!(moved["partialFingerprints"]["gouji/v1"], fp.as_str());
}

#[test]
fn sarif_byte_offsets_follow_the_file_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let text = sample_text()
        .replacen(MUTATION.0, MUTATION.1, 1)
        .replace('\n', "\r\n");
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(dir.path().join("gb.txt"), &gb).unwrap();
    let v = sarif(dir.path(), &["gb.txt"]);
    let run = &v["runs"][0];
    assert_eq!(run["artifacts"][0]["encoding"], "gb18030");
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "review-share")
        .unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    let (at, len) = (
        region["byteOffset"].as_u64().unwrap() as usize,
        region["byteLength"].as_u64().unwrap() as usize,
    );
    assert_eq!(&gb[at..at + len], "79.41%".as_bytes());
    assert_eq!(region["startLine"], 14);
    // A label in Chinese text: its bytes in GB18030 decode to the snippet.
    let related = &result["relatedLocations"][0]["physicalLocation"]["region"];
    let (at, len) = (
        related["byteOffset"].as_u64().unwrap() as usize,
        related["byteLength"].as_u64().unwrap() as usize,
    );
    let (decoded, _) = encoding_rs::GB18030.decode_without_bom_handling(&gb[at..at + len]);
    assert_eq!(decoded, related["snippet"]["text"].as_str().unwrap());
}

#[test]
fn sarif_for_unreadable_input_has_no_result_but_a_notification() {
    let dir = tempfile::tempdir().unwrap();
    let v = sarif(dir.path(), &["missing.txt"]);
    let run = &v["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 0);
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let n = &inv["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "error");
    assert_eq!(n["descriptor"]["id"], "gouji::input");
    assert_eq!(
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "missing.txt"
    );
}

#[test]
fn github_commands_escape_data_and_properties() {
    let dir = workdir(&[MUTATION]);
    std::fs::create_dir(dir.path().join("a,b")).unwrap();
    std::fs::rename(
        dir.path().join("report.txt"),
        dir.path().join("a,b/r:1.txt"),
    )
    .unwrap();
    let o = gouji_in(
        dir.path(),
        &["check", "a,b/r:1.txt", "missing.txt", "--format", "github"],
    );
    let out = stdout(&o);
    assert!(out.contains("::error file=a%2Cb/r%3A1.txt,line=14,col=129,endLine=14,endColumn=134,title=review-share::基本支出占比 79.41%25 与复算的 78.41%25 不符%0A"), "{out}");
    assert!(out.contains("::notice file=a%2Cb/r%3A1.txt,line=13,col=131,endLine=13,endColumn=139,title=review-odd-chars::escape test (a,b: 100%25)"), "{out}");
    assert!(
        out.contains("::error file=missing.txt,title=gouji%3A%3Ainput::missing.txt: 无法读取"),
        "{out}"
    );
    assert!(
        out.lines().all(|l| l.starts_with("::")),
        "one line per diagnostic: {out}"
    );
}

#[test]
fn junit_follows_the_threshold() {
    let dir = workdir(&[MUTATION]);
    let out = stdout(&gouji_in(
        dir.path(),
        &[
            "check",
            "report.txt",
            "--format",
            "junit",
            "--fail-on",
            "never",
        ],
    ));
    assert!(!out.contains("<failure"), "{out}");
    let out = stdout(&gouji_in(
        dir.path(),
        &[
            "check",
            "report.txt",
            "--format",
            "junit",
            "--fail-on",
            "info",
        ],
    ));
    assert_eq!(out.matches("<failure").count(), 3, "{out}");
    assert!(
        out.contains(
            "<testcase classname=\"report.txt\" name=\"review-not-checked\">\n      <system-out>"
        ),
        "{out}"
    );
}

// ---- baseline -------------------------------------------------------------------

fn codes(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["outcome"] == "finding")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
                d["labels"][0]["text"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn strings(v: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    v.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn baseline_write_rerun_change_restore() {
    let dir = workdir(&[MUTATION]);
    let d = dir.path();
    // Write: the findings are recorded, and this run reports none of them.
    let o = gouji_in(
        d,
        &[
            "check",
            "report.txt",
            "--write-baseline",
            "baseline.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("wrote 3 finding(s) to baseline baseline.toml"),
        "{}",
        stderr(&o)
    );
    assert!(codes(&json(&o)).is_empty());
    let written = std::fs::read_to_string(d.join("baseline.toml")).unwrap();
    insta::assert_snapshot!("baseline_file", written);

    // Re-run against it: nothing new, exit 0 even at --fail-on info.
    let o = gouji_in(
        d,
        &[
            "check",
            "report.txt",
            "--baseline",
            "baseline.toml",
            "--fail-on",
            "info",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v = json(&o);
    assert!(codes(&v).is_empty(), "{v}");
    assert_eq!(v["summary"]["baselined"], 3);
    // Not-checked notes are never baselined.
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["outcome"] == "not-checked"));

    // Change one figure elsewhere: exactly that finding is new.
    write_report(d, &[MUTATION, ("占3.17%", "占4.17%")]);
    let o = gouji_in(
        d,
        &[
            "check",
            "report.txt",
            "--baseline",
            "baseline.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        codes(&json(&o)),
        strings(&[("report.txt", "review-share", "4.17%")])
    );

    // Restore the baselined figure: its entry is stale (info, in the baseline file).
    write_report(d, &[]);
    let o = gouji_in(
        d,
        &[
            "check",
            "report.txt",
            "--baseline",
            "baseline.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    let found = codes(&v);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("baseline.toml", "gouji::baseline-stale")
    );
    assert!(
        found[0].2.contains("rule = \"review-share\"") && found[0].2.contains("79.41%"),
        "{found:?}"
    );
    assert_eq!(v["summary"]["baseline_stale"], 1);
    assert_eq!(
        v["summary"]["reports"], 1,
        "the baseline file is not counted as a report"
    );
    let human = stdout(&gouji_in(
        d,
        &[
            "check",
            "report.txt",
            "--baseline",
            "baseline.toml",
            "--color",
            "never",
        ],
    ));
    assert!(human.contains("baseline.toml:"), "{human}");
    assert!(
        human.contains(
            "info[gouji::baseline-stale] 基线条目已不再出现：review-share “79.41%”（report.txt）"
        ),
        "{human}"
    );
    // Stale entries count at --fail-on info, so a strict gate keeps the baseline clean.
    let o = gouji_in(
        d,
        &[
            "check",
            "report.txt",
            "--baseline",
            "baseline.toml",
            "--fail-on",
            "info",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    // The SARIF of such a run is located in the baseline file.
    let v = sarif(d, &["report.txt", "--baseline", "baseline.toml"]);
    assert!(v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["ruleId"] == "gouji::baseline-stale"
            && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "baseline.toml"));
}

#[test]
fn rewriting_a_baseline_keeps_reasons() {
    let dir = workdir(&[MUTATION]);
    let d = dir.path();
    assert_eq!(
        gouji_in(d, &["check", "report.txt", "--write-baseline", "b.toml"])
            .status
            .code(),
        Some(0)
    );
    let text = std::fs::read_to_string(d.join("b.toml")).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("message = \"基本支出"))
        .unwrap();
    let with_reason = text.replacen(
        line,
        &format!("{line}\nreason = \"2025-03 财政局确认口径\""),
        1,
    );
    assert_ne!(text, with_reason);
    std::fs::write(d.join("b.toml"), &with_reason).unwrap();
    assert_eq!(
        gouji_in(d, &["check", "report.txt", "--write-baseline", "b.toml"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        std::fs::read_to_string(d.join("b.toml")).unwrap(),
        with_reason
    );
}

#[test]
fn a_broken_or_missing_baseline_is_exit_2_and_a_failed_write_keeps_the_old_one() {
    let dir = workdir(&[MUTATION]);
    let d = dir.path();
    let o = gouji_in(d, &["check", "report.txt", "--baseline", "nope.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read baseline"),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        d.join("bad.toml"),
        "version = 1\n[[finding]]\npath = \"report.txt\"\n",
    )
    .unwrap();
    let o = gouji_in(d, &["check", "report.txt", "--baseline", "bad.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.toml:2:1"), "{}", stderr(&o));

    // Writing where the temporary file cannot be created fails before the
    // old baseline is touched (the kill-mid-write case is unit-tested in
    // src/fsutil.rs).
    let o = gouji_in(
        d,
        &[
            "check",
            "report.txt",
            "--write-baseline",
            "no/such/dir/b.toml",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot write baseline"),
        "{}",
        stderr(&o)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = d.join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::write(locked.join("b.toml"), "old baseline\n").unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        let o = gouji_in(
            d,
            &["check", "report.txt", "--write-baseline", "locked/b.toml"],
        );
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        // (Root writes anyway; then there is nothing to check.)
        if o.status.code() == Some(2) {
            assert!(
                stderr(&o).contains("cannot write baseline"),
                "{}",
                stderr(&o)
            );
            assert_eq!(
                std::fs::read_to_string(locked.join("b.toml")).unwrap(),
                "old baseline\n"
            );
        }
    }
}

// ---- suppressions ----------------------------------------------------------------

fn config_dir(config: &str) -> tempfile::TempDir {
    let dir = workdir(&[MUTATION]);
    std::fs::write(dir.path().join("gouji.toml"), config).unwrap();
    dir
}

#[test]
fn suppressions_hide_findings_and_unused_ones_are_reported() {
    let dir = workdir(&[MUTATION]);
    // The debris finding's fingerprint, from the JSON output.
    let v = json(&gouji_in(
        dir.path(),
        &["check", "report.txt", "--format", "json"],
    ));
    let fp = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "review-debris")
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let config = format!(
        "[[suppress]]\nrule = \"review-share\"\ntext = \"79.41%\"\nreason = \"已在更正公告中说明\"\n\n\
         [[suppress]]\nrule = \"review-debris\"\nfingerprint = \"{fp}\"\nreason = \"转换工具问题，原件无误\"\n\n\
         [[suppress]]\nrule = \"review-share\"\ntext = \"21.59%\"\nreason = \"旧问题\"\n"
    );
    std::fs::write(dir.path().join("gouji.toml"), config).unwrap();
    let o = gouji_in(
        dir.path(),
        &[
            "check",
            "report.txt",
            "--config",
            "gouji.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(
        codes(&v),
        strings(&[("report.txt", "review-odd-chars", "100%；事业收入")])
            .into_iter()
            .chain([(
                "gouji.toml".to_owned(),
                "gouji::suppression-unused".to_owned(),
                "[[suppress]]\nrule = \"review-share\"\ntext = \"21.59%\"\nreason = \"旧问题\""
                    .to_owned()
            )])
            .collect::<Vec<_>>()
    );
    assert_eq!(v["summary"]["suppressed"], 2);
    let used: Vec<u64> = v["suppressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["used"].as_u64().unwrap())
        .collect();
    assert_eq!(used, [1, 1, 0]);
    let human = stdout(&gouji_in(
        dir.path(),
        &[
            "check",
            "report.txt",
            "--config",
            "gouji.toml",
            "--color",
            "never",
        ],
    ));
    insta::assert_snapshot!("suppression_unused_human", human);
    // Suppressed findings are not written into a baseline.
    gouji_in(
        dir.path(),
        &[
            "check",
            "report.txt",
            "--config",
            "gouji.toml",
            "--write-baseline",
            "b.toml",
        ],
    );
    let b = std::fs::read_to_string(dir.path().join("b.toml")).unwrap();
    assert_eq!(b.matches("[[finding]]").count(), 1, "{b}");
}

#[test]
fn a_suppression_needs_a_reason() {
    let dir = config_dir("[[suppress]]\nrule = \"review-share\"\ntext = \"79.41%\"\n");
    let o = gouji_in(
        dir.path(),
        &["check", "report.txt", "--config", "gouji.toml"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("missing field `reason`"),
        "{}",
        stderr(&o)
    );
    let dir = config_dir("[[suppress]]\nrule = \"review-share\"\nreason = \"x\"\n");
    let o = gouji_in(
        dir.path(),
        &["check", "report.txt", "--config", "gouji.toml"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("exactly one of `text` and `fingerprint`"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("gouji.toml:1:1"), "{}", stderr(&o));
}
