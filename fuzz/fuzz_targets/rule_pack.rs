//! Any bytes as a rule pack file: load and compile it; when it compiles,
//! run it over the sample report. Bad rules are located errors, never panics.
#![no_main]

use gouji::check::check_source;
use gouji::config::Config;
use gouji::rule::{self, RuleFile};
use gouji::source::SourceFile;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, LazyLock};

static SAMPLE: LazyLock<SourceFile> = LazyLock::new(|| {
    let bytes = include_bytes!("../../fixtures/jiangjin_egov_2024_final.txt");
    gouji::input::read("sample.txt", bytes, None)
        .expect("the sample decodes")
        .source
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = RuleFile {
        name: "fuzz.toml".into(),
        text: Arc::new(text.to_owned()),
        dir: None,
    };
    match rule::compile(&[file]) {
        Ok(rules) => {
            let _ = check_source(&SAMPLE, &rules, &Config::default());
        }
        Err(errors) => assert!(!errors.is_empty(), "a failed load names its errors"),
    }
});
