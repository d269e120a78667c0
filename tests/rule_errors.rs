//! Broken rule files, one per kind of mistake: a located error rendered by
//! miette (file, line, column, the offending key or value underlined, a help
//! line), exit 2, and no report checked.

use std::process::Command;

fn broken(name: &str) -> (i32, String, String) {
    let dir = format!("tests/data/broken/{name}");
    // The duplicate-id case clashes with the shipped pack; the others load alone.
    let mut args = vec![
        "check",
        "fixtures/jiangjin_egov_2024_final.txt",
        "--rules",
        &dir,
    ];
    if name != "duplicate-id" {
        args.push("--no-default-rules");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(&args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Each error's message is on its location line and nowhere else (miette's
/// own × line would repeat it).
fn message_once(err: &str) {
    let messages: Vec<&str> = err
        .lines()
        .filter_map(|l| l.split_once(": error: ").map(|(_, m)| m))
        .collect();
    assert!(!messages.is_empty(), "no located error: {err}");
    for m in &messages {
        let lines = messages.iter().filter(|x| *x == m).count();
        assert_eq!(
            err.matches(m).count(),
            lines,
            "message printed more than once: {m}\n{err}"
        );
    }
}

macro_rules! broken_case {
    ($test:ident, $dir:literal, $expect:literal) => {
        #[test]
        fn $test() {
            let (code, out, err) = broken($dir);
            assert_eq!(code, 2, "{err}");
            assert!(out.is_empty(), "no report may be checked: {out}");
            assert!(err.contains($expect), "{err}");
            message_once(&err);
            insta::assert_snapshot!($dir, err);
        }
    };
}

broken_case!(toml_syntax_error, "syntax", "rules.toml:5:");
broken_case!(unknown_key, "unknown-key", "unknown field `patern`");
broken_case!(wrong_type, "wrong-type", "rules.toml:6:11");
broken_case!(unknown_kind, "unknown-kind", "unknown rule kind `summ`");
broken_case!(invalid_regex, "invalid-regex", "invalid regex");
broken_case!(
    duplicate_id,
    "duplicate-id",
    "duplicate rule id `share-of-total`"
);
broken_case!(
    expression_does_not_parse,
    "bad-expression",
    "expression does not parse"
);
broken_case!(missing_required_key, "missing-key", "needs `assert`");
broken_case!(all_errors_at_once, "several", "3 error(s)");
broken_case!(
    key_of_another_kind,
    "key-of-another-kind",
    "`identities` is not a key of a `growth` rule"
);
broken_case!(
    unknown_applies_to_word,
    "unknown-applies-to",
    "rules.toml:5:21: error: unknown report kind `公开` in `applies_to`"
);
broken_case!(
    alias_of_no_column,
    "alias-not-a-column",
    "`aliases` names `全年预算`, which is not a column of `assert`"
);
broken_case!(
    threshold_without_its_check,
    "threshold-without-reason",
    "`threshold` is the `reason` check's"
);
broken_case!(
    misspelt_standard_table,
    "misspelt-table",
    "`收人支出决算总表` is not a standard table's name"
);
