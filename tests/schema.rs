//! The JSON Schema of rule files (`gouji rules --schema`,
//! docs/gouji-rules.schema.json): fail when the committed file is stale, and
//! check the rule files against it with a real validator (boon).
//! Regenerate: `gouji rules --schema > docs/gouji-rules.schema.json` (or run
//! this test with GOUJI_BLESS=1).

use gouji::rule::registry::{keys_of, COMMON_KEYS, KINDS};
use gouji::rule::schema::{rules_schema, rules_schema_json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const SCHEMA_FILE: &str = "docs/gouji-rules.schema.json";

#[test]
fn committed_schema_is_current() {
    let generated = rules_schema_json();
    if std::env::var_os("GOUJI_BLESS").is_some() {
        std::fs::write(SCHEMA_FILE, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(SCHEMA_FILE).unwrap_or_default();
    assert!(
        committed == generated,
        "{SCHEMA_FILE} is stale: run `GOUJI_BLESS=1 cargo test --test schema`"
    );
}

#[test]
fn schema_is_deterministic() {
    assert_eq!(rules_schema_json(), rules_schema_json());
}

/// The spec structs and the kinds' declarations name the same keys: each
/// property of a rule is common or read by some kind, and each key a kind
/// reads is a property.
#[test]
fn rule_properties_are_the_declared_keys() {
    let schema = rules_schema();
    let props: BTreeSet<&str> = schema["definitions"]["RuleSpec"]["properties"]
        .as_object()
        .expect("RuleSpec properties")
        .keys()
        .map(String::as_str)
        .collect();
    let declared: BTreeSet<&str> = COMMON_KEYS
        .iter()
        .chain(KINDS.iter().flat_map(|k| keys_of(k).unwrap()))
        .copied()
        .collect();
    assert_eq!(props, declared);
}

fn compile_schema() -> (boon::Schemas, boon::SchemaIndex) {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let url = "https://gouji.invalid/gouji-rules.schema.json";
    compiler.add_resource(url, rules_schema()).unwrap();
    let index = compiler
        .compile(url, &mut schemas)
        .unwrap_or_else(|e| panic!("schema does not compile: {e:#}"));
    (schemas, index)
}

/// A rule file as JSON, the way an editor's TOML tooling sees it.
fn as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let value: toml::Value =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::to_value(value).unwrap()
}

fn validate(path: &Path) -> Result<(), String> {
    let (schemas, index) = compile_schema();
    schemas
        .validate(&as_json(path), index)
        .map_err(|e| format!("{e:#}"))
}

/// The shipped packs and the test packs that are meant to load.
fn loading_packs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("rules")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "shipped rule files: {files:?}");
    for dir in [
        "failing-pack",
        "only-notchecked",
        "readme-script",
        "review-pack",
        "script-pack",
        "script-sandbox",
    ] {
        files.push(Path::new("tests/data").join(dir).join("rules.toml"));
    }
    files
}

#[test]
fn every_loading_pack_is_valid() {
    let mut failures = Vec::new();
    for path in loading_packs() {
        // They do load: the schema must not be stricter than the loader.
        gouji::rule::load_for(
            &Default::default(),
            &[path.parent().unwrap().to_path_buf()],
            true,
        )
        .unwrap_or_else(|_| panic!("{} does not load", path.display()));
        if let Err(e) = validate(&path) {
            failures.push(format!("{}:\n{e}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn rejection(dir: &str) -> String {
    let path = Path::new("tests/data/broken").join(dir).join("rules.toml");
    match validate(&path) {
        Ok(()) => panic!("{} passes the schema", path.display()),
        Err(e) => e,
    }
}

#[test]
fn key_of_another_kind_is_rejected() {
    let e = rejection("key-of-another-kind");
    // Both rules: `identities` and `pattern` on a growth rule, `table` on a
    // report-year one.
    for key in ["'identities'", "'pattern'", "'table'"] {
        assert!(e.contains(&format!("invalid property {key}")), "{e}");
    }
}

#[test]
fn unknown_key_is_rejected() {
    let e = rejection("unknown-key");
    assert!(e.contains("patern"), "{e}");
}

#[test]
fn unknown_kind_is_rejected() {
    let e = rejection("unknown-kind");
    assert!(e.contains("/rule/0/kind"), "{e}");
}

#[test]
fn cli_prints_the_schema() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(["rules", "--schema"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), rules_schema_json());
}
