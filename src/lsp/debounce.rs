//! The debouncer thread: a document is re-checked once it has been quiet
//! for the delay, not on every keystroke. It only sends events; the main
//! thread does the work.

use super::transport::Event;
use lsp_types::Url;
use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// Quiet time after the last change before a report is re-checked, unless
/// `gouji lsp --debounce-ms` says otherwise. A re-check takes about 3 ms for
/// the 15 KB seed and about 15 ms for a 60 KB report (measured with the CLI,
/// 2026-12-05; benches/throughput.rs has "lsp re-check, 50 KB report"), so a
/// short pause feels immediate without checking every keystroke of a burst.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// A thread that turns "document changed" into "re-check now" once the
/// document has been quiet for `delay`.
pub(super) fn spawn_debouncer(events: Sender<Event>, delay: Duration) -> Sender<Url> {
    let (tx, rx) = mpsc::channel::<Url>();
    let _ = std::thread::Builder::new()
        .name("gouji-lsp-debounce".into())
        .spawn(move || debounce_loop(rx, events, delay));
    tx
}

fn debounce_loop(rx: Receiver<Url>, events: Sender<Event>, delay: Duration) {
    let mut due: HashMap<Url, Instant> = HashMap::new();
    loop {
        let received = match due.values().min() {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(t) => rx.recv_timeout(t.saturating_duration_since(Instant::now())),
        };
        match received {
            Ok(uri) => {
                due.insert(uri, Instant::now() + delay);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        let now = Instant::now();
        let fired: Vec<Url> = due
            .iter()
            .filter(|(_, &t)| t <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in fired {
            due.remove(&uri);
            if events.send(Event::Recheck(uri)).is_err() {
                return;
            }
        }
    }
}
