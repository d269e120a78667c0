//! Any bytes as a report: decode, parse, run the shipped pack, render JSON.
//! Nothing may panic; every outcome is a report or an input error.
#![no_main]

use gouji::check::check_source;
use gouji::config::Config;
use gouji::rule::{self, RuleSet};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static RULES: LazyLock<RuleSet> =
    LazyLock::new(|| rule::compile(&rule::shipped_files()).expect("the shipped pack compiles"));

fuzz_target!(|data: &[u8]| {
    let Ok(extracted) = gouji::input::read("fuzz.txt", data, None) else {
        return;
    };
    let result = check_source(&extracted.source, &RULES, &Config::default());
    // Every span must lie inside the text and on character boundaries.
    let text = &extracted.source.text;
    for d in &result.diagnostics {
        for l in &d.labels {
            let (start, end) = (l.span.start as usize, l.span.end as usize);
            assert!(start <= end && end <= text.len(), "span outside the text");
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        }
    }
    let _ = gouji::dump::dump(&extracted.source, &result.document);
});
