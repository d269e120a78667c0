//! Any bytes as a Rhai script rule: compiled and run over the sample report
//! in the sandbox. Loops, recursion and huge values are stopped and located.
#![no_main]

use gouji::check::check_source;
use gouji::config::Config;
use gouji::rule::{self, RuleFile};
use gouji::source::SourceFile;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

static SAMPLE: LazyLock<SourceFile> = LazyLock::new(|| {
    let bytes = include_bytes!("../../fixtures/jiangjin_egov_2024_final.txt");
    gouji::input::read("sample.txt", bytes, None)
        .expect("the sample decodes")
        .source
});

/// A private pack directory per fuzzing process; the script is rewritten
/// there for each input.
static PACK: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("gouji-fuzz-rhai-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
});

const RULES: &str = r#"
[[rule]]
id = "fuzz-script"
kind = "script"
severity = "warning"
message = "script finding"
script = "fuzz.rhai"
"#;

fuzz_target!(|data: &[u8]| {
    let Ok(script) = std::str::from_utf8(data) else {
        return;
    };
    if std::fs::write(PACK.join("fuzz.rhai"), script).is_err() {
        return;
    }
    let file = RuleFile {
        name: PACK.join("rules.toml").display().to_string(),
        text: Arc::new(RULES.to_owned()),
        dir: Some(PACK.clone()),
    };
    if let Ok(rules) = rule::compile(&[file]) {
        let _ = check_source(&SAMPLE, &rules, &Config::default());
    }
});
