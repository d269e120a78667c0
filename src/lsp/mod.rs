//! `gouji lsp`: a language server over stdio.
//!
//! - Reports (`*.txt`, `*.text`, or any document with languageId `plaintext`)
//!   are checked when opened and saved, and 50 ms (`--debounce-ms`) after the last change
//!   (a debouncer thread sends the re-check through the event channel).
//! - Spans (UTF-8 byte offsets) become LSP positions in UTF-16 code units;
//!   secondary labels become `relatedInformation`; "未能核对" is Information
//!   with `data.outcome = "not-checked"` and a message prefix.
//! - Hover on a figure lists the rules that checked it and what they found.
//! - `gouji.toml` and the rule packs are read from the workspace root and
//!   reloaded when they change. A broken pack is shown as diagnostics on the
//!   rule file; the server keeps the last good rule set (at first the
//!   shipped pack).
//!
//! The message types are `lsp-server`'s, but the stdio framing is our own:
//! `lsp-server`'s reader thread stops at the first payload that is not valid
//! JSON, while this one answers it with a JSON-RPC error and reads on. Only
//! the main thread writes to stdout.

mod convert;
mod debounce;
mod hover;
mod server;
mod transport;
mod workspace;

pub use convert::{apply_change, load_error_diagnostics, span_to_range, to_lsp_diagnostic};
pub use debounce::DEBOUNCE;
pub use hover::hover_markdown;
pub use workspace::{load_workspace, visible};

use debounce::spawn_debouncer;
use server::Server;
use std::io::{self, BufRead, Write};
use std::sync::mpsc;
use std::time::Duration;
use transport::reader_loop;

/// Serve the language server protocol on stdin/stdout until `exit`.
/// Returns the process exit code: 0 after `shutdown` + `exit`, else 1.
/// A document is re-checked once it has been quiet for `debounce`.
pub fn run_stdio(debounce: Duration) -> i32 {
    run(io::BufReader::new(io::stdin()), io::stdout(), debounce)
}

/// Serve over any byte streams (the reader runs on its own thread).
pub fn run<R, W>(input: R, output: W, debounce: Duration) -> i32
where
    R: BufRead + Send + 'static,
    W: Write,
{
    let (tx, rx) = mpsc::channel();
    let reader_tx = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("gouji-lsp-reader".into())
        .spawn(move || reader_loop(input, reader_tx));
    if spawned.is_err() {
        return 1;
    }
    let debouncer = spawn_debouncer(tx, debounce);
    let mut server = Server::new(output, debouncer);
    server.main_loop(rx)
}

fn log(msg: &str) {
    eprintln!("gouji lsp: {msg}");
}
