//! Content-Length framing on the byte streams, and the events the main loop
//! reacts to. Our own reader instead of `lsp-server`'s: a payload that is
//! not valid JSON is answered with a JSON-RPC error and reading goes on.

use super::log;
use lsp_server::{ErrorCode, Message};
use lsp_types::Url;
use serde_json::Value;
use std::io::{self, BufRead, Read};
use std::sync::mpsc::Sender;

/// The largest message body accepted (bigger ones are skipped with an error).
const MAX_BODY: usize = 256 << 20;

/// What the main loop reacts to.
#[derive(Debug)]
pub(super) enum Event {
    Message(Message),
    /// A payload that is not a JSON-RPC message: answer with this error
    /// (`id` is JSON: a number, a string or null).
    Malformed {
        id: Value,
        code: i32,
        message: String,
    },
    /// The debounce delay after a change of this document has passed.
    Recheck(Url),
    /// A payload that needs no answer (an unreadable notification).
    Ignored,
    /// Input closed.
    Eof,
}

pub(super) fn reader_loop<R: BufRead>(mut input: R, tx: Sender<Event>) {
    loop {
        let event = match read_frame(&mut input) {
            Ok(None) => Event::Eof,
            Ok(Some(body)) => parse_payload(&body),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                log(&format!("bad message framing: {e}"));
                continue;
            }
            Err(e) => {
                log(&format!("input error: {e}"));
                Event::Eof
            }
        };
        let last = matches!(&event, Event::Eof)
            || matches!(&event, Event::Message(Message::Notification(n)) if n.method == "exit");
        if tx.send(event).is_err() || last {
            return;
        }
    }
}

/// Read one `Content-Length` framed body. `Ok(None)` at a clean end of input;
/// `InvalidData` for a header block that cannot be used (the block has been
/// consumed, so the next call starts at the next message).
fn read_frame<R: BufRead>(r: &mut R) -> io::Result<Option<Vec<u8>>> {
    let mut headers: Vec<String> = Vec::new();
    loop {
        let mut raw = Vec::new();
        if r.read_until(b'\n', &mut raw)? == 0 {
            if headers.is_empty() {
                return Ok(None);
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "input ended inside a header",
            ));
        }
        let line = String::from_utf8_lossy(&raw);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if headers.is_empty() {
                continue; // stray blank line between messages
            }
            break;
        }
        headers.push(line.to_owned());
    }
    let mut length = None;
    for h in &headers {
        let Some((name, value)) = h.split_once(':') else {
            return Err(invalid(format!("not a header: {h:?}")));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| invalid(format!("bad Content-Length: {value:?}")))?,
            );
        }
    }
    let Some(length) = length else {
        return Err(invalid("no Content-Length header".into()));
    };
    if length > MAX_BODY {
        io::copy(&mut r.take(length as u64), &mut io::sink())?;
        return Err(invalid(format!("message of {length} bytes is too large")));
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body)?;
    Ok(Some(body))
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// Turn a body into a message, or into the error that answers it.
fn parse_payload(body: &[u8]) -> Event {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Event::Malformed {
                id: Value::Null,
                code: ErrorCode::ParseError as i32,
                message: format!("parse error: {e}"),
            }
        }
    };
    if !value.is_object() {
        // Batches are not part of LSP; serde would read an array as a struct.
        return Event::Malformed {
            id: Value::Null,
            code: ErrorCode::InvalidRequest as i32,
            message: "invalid request: expected a JSON object".into(),
        };
    }
    let raw_id = value
        .get("id")
        .filter(|id| id.is_string() || id.is_number())
        .cloned();
    let has_id = value.get("id").is_some_and(|id| !id.is_null());
    match serde_json::from_value::<Message>(value.clone()) {
        // A request whose id does not fit (a float, a huge number) parses as
        // a notification; it still expects an answer.
        Ok(Message::Notification(_)) if has_id => Event::Malformed {
            id: raw_id.unwrap_or(Value::Null),
            code: ErrorCode::InvalidRequest as i32,
            message: "invalid request id (use an integer or a string)".into(),
        },
        Ok(m) => Event::Message(m),
        Err(e) => {
            if !has_id {
                // A notification we cannot read: notifications get no answer.
                log(&format!("ignored malformed notification: {e}"));
                Event::Ignored
            } else {
                Event::Malformed {
                    id: raw_id.unwrap_or(Value::Null),
                    code: ErrorCode::InvalidRequest as i32,
                    message: format!("invalid request: {e}"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_are_read_and_bad_payloads_answered() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = format!(
            "\r\nContent-Length: 7\r\n\r\n{{bad: 1Garbage\r\n\r\nContent-Length: {}\r\nContent-Type: x\r\n\r\n{good}",
            good.len()
        );
        let mut r = io::Cursor::new(input.into_bytes());
        let body = read_frame(&mut r).unwrap().unwrap();
        match parse_payload(&body) {
            Event::Malformed { id, code, .. } => {
                assert_eq!(id, Value::Null);
                assert_eq!(code, -32700);
            }
            e => panic!("{e:?}"),
        }
        // A header block without Content-Length is skipped.
        assert_eq!(
            read_frame(&mut r).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        let body = read_frame(&mut r).unwrap().unwrap();
        assert!(
            matches!(parse_payload(&body), Event::Message(Message::Request(q)) if q.method == "shutdown")
        );
        assert!(read_frame(&mut r).unwrap().is_none());

        // Valid JSON that is not a message: InvalidRequest with its id.
        match parse_payload(br#"{"jsonrpc":"2.0","id":7}"#) {
            Event::Message(Message::Response(_)) => {}
            e => panic!("{e:?}"),
        }
        match parse_payload(br#"{"jsonrpc":"2.0","id":2.5,"method":"textDocument/hover"}"#) {
            Event::Malformed { id, code, .. } => {
                assert_eq!(id, json!(2.5));
                assert_eq!(code, -32600);
            }
            e => panic!("{e:?}"),
        }
        match parse_payload(b"[1,2]") {
            Event::Malformed { code, .. } => assert_eq!(code, -32600),
            e => panic!("{e:?}"),
        }
    }
}
