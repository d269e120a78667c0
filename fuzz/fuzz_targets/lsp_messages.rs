//! Any bytes as the language server's input stream: framing, JSON-RPC and
//! the document requests. Bad messages are answered with errors; the server
//! never panics and always returns.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Cursor;
use std::time::Duration;

fuzz_target!(|data: &[u8]| {
    let input = Cursor::new(data.to_vec());
    let _ = gouji::lsp::run(input, std::io::sink(), Duration::ZERO);
});
