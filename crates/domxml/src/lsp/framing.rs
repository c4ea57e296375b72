//! A resilient reader in front of tower-lsp-server. Its own reader ends the session at the
//! first frame it cannot decode (a bad header, invalid UTF-8, JSON it does not accept), so
//! here the server's stdin is read first: every frame is checked, good ones are handed on
//! through an in-process pipe, and bad ones are answered with a JSON-RPC error and skipped.
//! The session ends only on `exit` or at the end of input.
//!
//! The server's output goes through a second pipe; one writer task owns stdout and writes
//! whole frames from both sides, so an error reply never lands inside a server message.

use std::future::Future;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// Larger messages are skipped without being held in memory.
pub const MAX_MESSAGE_LEN: usize = 64 << 20;
/// A header block longer than this is garbage, not headers.
const MAX_HEADERS_LEN: usize = 8 << 10;
const CONTENT_LENGTH: &[u8] = b"Content-Length";
const PIPE_CAPACITY: usize = 64 << 10;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// What the deframer found in the input.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// The body of a frame whose headers were fine.
    Body(Vec<u8>),
    /// Something that is not a frame; the reader has skipped to the next `Content-Length`.
    Bad(Reply),
}

/// An error reply to send for a bad frame.
#[derive(Debug, PartialEq, Eq)]
pub struct Reply {
    pub code: i64,
    pub message: String,
    /// The id of the request, when it could be read; `null` otherwise.
    pub id: Value,
}

impl Reply {
    fn parse_error(message: impl Into<String>) -> Reply {
        Reply {
            code: PARSE_ERROR,
            message: message.into(),
            id: Value::Null,
        }
    }

    fn invalid_request(message: impl Into<String>, id: Value) -> Reply {
        Reply {
            code: INVALID_REQUEST,
            message: message.into(),
            id,
        }
    }

    /// The reply as a JSON-RPC response.
    pub fn to_json(&self) -> Vec<u8> {
        json!({
            "jsonrpc": "2.0",
            "id": self.id,
            "error": { "code": self.code, "message": self.message },
        })
        .to_string()
        .into_bytes()
    }
}

enum State {
    Headers,
    Body {
        len: usize,
        scanned: usize,
    },
    /// Skipping to the next `Content-Length` after a bad frame.
    Resync,
}

/// Splits a byte stream into frames, sans I/O: feed it bytes, take events.
pub struct Deframer {
    buf: Vec<u8>,
    state: State,
    /// Whether bodies are checked with [`check_message`] (the client's are, the server's not).
    check: bool,
}

impl Deframer {
    pub fn checking() -> Self {
        Deframer {
            buf: Vec::new(),
            state: State::Headers,
            check: true,
        }
    }

    pub fn trusting() -> Self {
        Deframer {
            check: false,
            ..Deframer::checking()
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next event that the bytes fed so far make complete.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            match self.state {
                State::Resync => {
                    if let Some(at) = find(&self.buf, CONTENT_LENGTH, 0) {
                        self.buf.drain(..at);
                        self.state = State::Headers;
                    } else {
                        // Keep what could be the start of a cut `Content-Length`.
                        let keep = self.buf.len().min(CONTENT_LENGTH.len() - 1);
                        self.buf.drain(..self.buf.len() - keep);
                        return None;
                    }
                }
                State::Headers => {
                    // Line breaks between frames are tolerated.
                    let blank = self
                        .buf
                        .iter()
                        .take_while(|b| matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
                        .count();
                    self.buf.drain(..blank);
                    let Some(end) = find(&self.buf, b"\r\n\r\n", 0) else {
                        if self.buf.len() > MAX_HEADERS_LEN {
                            return Some(self.bad(Reply::parse_error(
                                "no frame header (expected 'Content-Length: <n>')",
                            )));
                        }
                        return None;
                    };
                    match content_length(&self.buf[..end]) {
                        Ok(len) if len > MAX_MESSAGE_LEN => {
                            self.buf.drain(..end + 4);
                            return Some(self.bad(Reply::invalid_request(
                                format!(
                                    "message of {len} bytes is larger than the limit of {MAX_MESSAGE_LEN} bytes"
                                ),
                                Value::Null,
                            )));
                        }
                        Ok(len) => {
                            self.buf.drain(..end + 4);
                            self.state = State::Body { len, scanned: 0 };
                        }
                        Err(message) => {
                            // Resynchronise from inside the bad block: it may be garbage
                            // glued in front of a good header.
                            self.buf.drain(..1);
                            return Some(self.bad(Reply::parse_error(message)));
                        }
                    }
                }
                State::Body { len, scanned } => {
                    if self.buf.len() >= len {
                        let body: Vec<u8> = self.buf.drain(..len).collect();
                        self.state = State::Headers;
                        if self.check
                            && let Err(reply) = check_message(&body)
                        {
                            // A length that cut the message leaves its rest before the next
                            // header.
                            return Some(self.bad(reply));
                        }
                        return Some(Event::Body(body));
                    }
                    // A Content-Length larger than the message would swallow the frames that
                    // follow (and wait for bytes that never come): a header right after a
                    // complete JSON value gives it away.
                    let from = scanned.saturating_sub(CONTENT_LENGTH.len());
                    let mut at = from;
                    while let Some(hit) = find(&self.buf, CONTENT_LENGTH, at) {
                        if is_complete_json(&self.buf[..hit]) {
                            let body: Vec<u8> = self.buf.drain(..hit).collect();
                            self.state = State::Headers;
                            let message = format!(
                                "Content-Length {len} is larger than the message ({} bytes)",
                                body.len()
                            );
                            return Some(Event::Bad(Reply::invalid_request(message, id_of(&body))));
                        }
                        at = hit + 1;
                    }
                    self.state = State::Body {
                        len,
                        scanned: self.buf.len(),
                    };
                    return None;
                }
            }
        }
    }

    fn bad(&mut self, reply: Reply) -> Event {
        self.state = State::Resync;
        Event::Bad(reply)
    }
}

/// The value of the `Content-Length` header of a header block (without its final blank line).
fn content_length(block: &[u8]) -> Result<usize, String> {
    let block = std::str::from_utf8(block).map_err(|_| "frame header is not UTF-8".to_string())?;
    let mut length = None;
    for line in block.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("malformed frame header line {line:?}"));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("invalid Content-Length {value:?}"));
            }
            // Only digits: failing to parse means it overflows, which is too large anyway.
            length = Some(value.parse::<usize>().unwrap_or(usize::MAX));
        }
    }
    length.ok_or_else(|| "frame header without Content-Length".to_string())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

fn is_complete_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes.trim_ascii_end()).is_ok()
}

/// The id of a message, if it is one tower-lsp could answer with (a number or a string).
fn id_of(body: &[u8]) -> Value {
    let Ok(Value::Object(message)) = serde_json::from_slice::<Value>(body) else {
        return Value::Null;
    };
    match message.get("id") {
        Some(id @ Value::String(_)) => id.clone(),
        Some(Value::Number(n)) if n.is_i64() => Value::Number(n.clone()),
        _ => Value::Null,
    }
}

/// Checks that a body is a JSON-RPC 2.0 message tower-lsp-server accepts.
pub fn check_message(body: &[u8]) -> Result<(), Reply> {
    let text = std::str::from_utf8(body)
        .map_err(|e| Reply::parse_error(format!("message is not UTF-8: {e}")))?;
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Reply::parse_error(format!("message is not JSON: {e}")))?;
    let id = id_of(body);
    match &value {
        Value::Object(message) => {
            if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
                return Err(Reply::invalid_request(
                    "not a JSON-RPC 2.0 message (expected \"jsonrpc\": \"2.0\")",
                    id,
                ));
            }
        }
        Value::Array(_) => {
            return Err(Reply::invalid_request(
                "batches are not supported by the language server protocol",
                Value::Null,
            ));
        }
        _ => {
            return Err(Reply::invalid_request(
                "a message must be a JSON object",
                Value::Null,
            ));
        }
    }
    // Exactly what the server's own decoder tries: a response, else a request.
    if serde_json::from_str::<Response>(text).is_ok()
        || serde_json::from_str::<Request>(text).is_ok()
    {
        return Ok(());
    }
    Err(Reply::invalid_request(
        "not a valid request, notification or response (check \"id\", \"method\" and \"params\")",
        id,
    ))
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Runs `serve` (the server, given its input and output pipes) between the process's stdin and
/// stdout, until it returns.
pub async fn run<F, Fut>(serve: F)
where
    F: FnOnce(DuplexStream, DuplexStream) -> Fut,
    Fut: Future<Output = ()>,
{
    let (server_in, mut feed) = tokio::io::duplex(PIPE_CAPACITY);
    let (server_out, from_server) = tokio::io::duplex(PIPE_CAPACITY);
    let (frames, mut to_write) = mpsc::channel::<Vec<u8>>(64);

    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(frame) = to_write.recv().await {
            if stdout.write_all(&frame).await.is_err() || stdout.flush().await.is_err() {
                break;
            }
        }
    });
    let server_frames = frames.clone();
    let relay = tokio::spawn(async move {
        // The server's own frames, whole, in order.
        let mut input = Input::new(from_server, Deframer::trusting());
        while let Some(event) = input.next().await {
            if let Event::Body(body) = event
                && server_frames.send(frame(&body)).await.is_err()
            {
                break;
            }
        }
    });
    let reader = tokio::spawn(async move {
        let mut input = Input::new(tokio::io::stdin(), Deframer::checking());
        while let Some(event) = input.next().await {
            let sent = match event {
                Event::Body(body) => feed.write_all(&frame(&body)).await.is_ok(),
                Event::Bad(reply) => {
                    tracing::warn!("bad message from the client: {}", reply.message);
                    frames.send(frame(&reply.to_json())).await.is_ok()
                }
            };
            if !sent {
                break;
            }
        }
        // End of input: the server sees it too, and ends.
        drop(feed);
    });

    serve(server_in, server_out).await;
    // Everything the server wrote is relayed before the writer may stop.
    let _ = relay.await;
    // The reader may still wait on stdin (some clients keep it open after `exit`).
    reader.abort();
    let _ = reader.await;
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), writer).await;
}

/// Events read from a byte stream.
struct Input<R> {
    input: R,
    deframer: Deframer,
    chunk: Vec<u8>,
}

impl<R: AsyncRead + Unpin> Input<R> {
    fn new(input: R, deframer: Deframer) -> Self {
        Input {
            input,
            deframer,
            chunk: vec![0u8; 64 << 10],
        }
    }

    /// The next event, or `None` at the end of the input.
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.deframer.next_event() {
                return Some(event);
            }
            match self.input.read(&mut self.chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => self.deframer.feed(&self.chunk[..n]),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(input: &[u8]) -> Vec<Event> {
        let mut d = Deframer::checking();
        let mut out = Vec::new();
        // Byte by byte: frames cut anywhere are read the same.
        for b in input {
            d.feed(std::slice::from_ref(b));
            while let Some(e) = d.next_event() {
                out.push(e);
            }
        }
        out
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const GOOD: &str = r#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#;

    fn bodies_and_codes(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .map(|e| match e {
                Event::Body(b) => String::from_utf8_lossy(b).into_owned(),
                Event::Bad(r) => format!("{} {}", r.code, r.id),
            })
            .collect()
    }

    #[test]
    fn good_frames_pass_whole() {
        let input = format!("{}{}", framed(GOOD), framed(GOOD));
        assert_eq!(bodies_and_codes(&events(input.as_bytes())), [GOOD, GOOD]);
    }

    #[test]
    fn bad_headers_are_reported_and_skipped() {
        for header in [
            "Content-Length: abc",
            "Content-Length: -5",
            "Content-Type: application/json",
            "garbage",
        ] {
            let input = format!("{header}\r\n\r\n{GOOD}{}", framed(GOOD));
            assert_eq!(
                bodies_and_codes(&events(input.as_bytes())),
                ["-32700 null", GOOD],
                "{header}"
            );
        }
    }

    #[test]
    fn garbage_before_a_header_costs_one_error() {
        let input = format!("xyz{}", framed(GOOD));
        assert_eq!(
            bodies_and_codes(&events(input.as_bytes())),
            ["-32700 null", GOOD]
        );
    }

    #[test]
    fn a_short_content_length_cuts_the_message_and_resynchronises() {
        let input = format!("Content-Length: 10\r\n\r\n{GOOD}{}", framed(GOOD));
        assert_eq!(
            bodies_and_codes(&events(input.as_bytes())),
            ["-32700 null", GOOD]
        );
    }

    #[test]
    fn a_long_content_length_is_caught_at_the_next_header() {
        let input = format!("Content-Length: 500\r\n\r\n{GOOD}{}", framed(GOOD));
        assert_eq!(
            bodies_and_codes(&events(input.as_bytes())),
            ["-32600 7", GOOD]
        );
    }

    #[test]
    fn a_huge_message_is_skipped_without_being_held() {
        let mut d = Deframer::checking();
        d.feed(format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE_LEN + 1).as_bytes());
        assert!(matches!(d.next_event(), Some(Event::Bad(r)) if r.code == INVALID_REQUEST));
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..70 {
            d.feed(&chunk);
            assert_eq!(d.next_event(), None);
            assert!(d.buf.len() < 64, "{}", d.buf.len());
        }
        d.feed(framed(GOOD).as_bytes());
        assert_eq!(d.next_event(), Some(Event::Body(GOOD.as_bytes().to_vec())));
    }

    #[test]
    fn a_content_length_inside_a_string_is_not_a_header() {
        let body = r#"{"jsonrpc":"2.0","method":"x","params":{"text":"Content-Length: 3"}}"#;
        assert_eq!(bodies_and_codes(&events(framed(body).as_bytes())), [body]);
    }

    #[test]
    fn messages_are_checked_like_json_rpc_2() {
        let code = |body: &[u8]| check_message(body).map_err(|r| (r.code, r.id));
        assert_eq!(code(GOOD.as_bytes()), Ok(()));
        assert_eq!(code(br#"{"jsonrpc":"2.0","id":1,"result":null}"#), Ok(()));
        assert_eq!(
            code(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
            Ok(())
        );
        assert_eq!(
            code(br#"{"jsonrpc":"2.0","id":"#),
            Err((PARSE_ERROR, Value::Null))
        );
        assert_eq!(code(b"\xff\xfe"), Err((PARSE_ERROR, Value::Null)));
        assert_eq!(code(br#""\ud800""#), Err((PARSE_ERROR, Value::Null)));
        for body in [
            &b"[]"[..],
            b"null",
            b"{}",
            b"42",
            br#"[{"jsonrpc":"2.0","id":1,"method":"x"}]"#,
        ] {
            assert_eq!(code(body), Err((INVALID_REQUEST, Value::Null)), "{body:?}");
        }
        assert_eq!(
            code(br#"{"jsonrpc":"1.0","id":3,"method":"x"}"#),
            Err((INVALID_REQUEST, json!(3)))
        );
        assert_eq!(
            code(br#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#),
            Err((INVALID_REQUEST, Value::Null))
        );
        assert_eq!(
            code(br#"{"jsonrpc":"2.0","id":"q","method":5}"#),
            Err((INVALID_REQUEST, json!("q")))
        );
    }
}
