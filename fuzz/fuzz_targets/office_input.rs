//! Any bytes as a Word or spreadsheet file: the zip and OLE checks, the
//! .docx reader, calamine behind its guard, the sheet layout and a whole
//! check. A broken, hostile or huge file is an input error or a report,
//! never a panic. Seeded with the generated fixtures of tests/office.rs
//! (fuzz/seed.sh).
#![no_main]

use gouji::check::check_source;
use gouji::config::Config;
use gouji::rule::{self, RuleSet};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static RULES: LazyLock<RuleSet> =
    LazyLock::new(|| rule::compile(&rule::shipped_files()).expect("the shipped pack compiles"));

fuzz_target!(|data: &[u8]| {
    // The name decides nothing but the messages: the bytes are sniffed.
    let Ok(extracted) = gouji::input::read("fuzz.docx", data, None) else {
        return;
    };
    let src = &extracted.source;
    if let Some(map) = &src.native {
        for r in &map.regions {
            assert!(r.start <= r.end && r.end as usize <= src.text.len());
            assert!(src.text.is_char_boundary(r.start as usize));
        }
    }
    let _ = check_source(src, &RULES, &Config::default());
});
