//! Any bytes as a PDF: the reader, the page layout and a whole check. A
//! broken, hostile or huge PDF is an input error or a report, never a panic.
#![no_main]

use gouji::check::check_source;
use gouji::config::Config;
use gouji::rule::{self, RuleSet};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static RULES: LazyLock<RuleSet> =
    LazyLock::new(|| rule::compile(&rule::shipped_files()).expect("the shipped pack compiles"));

fuzz_target!(|data: &[u8]| {
    // Every input is taken for a PDF: the reader must refuse what is not one.
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend_from_slice(data.strip_prefix(b"%PDF-1.7\n").unwrap_or(data));
    let Ok(extracted) = gouji::input::read("fuzz.pdf", &bytes, None) else {
        return;
    };
    let _ = check_source(&extracted.source, &RULES, &Config::default());
});
