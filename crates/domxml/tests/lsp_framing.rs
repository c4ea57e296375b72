//! Nothing a client sends ends the session: each malformed input goes through a raw pipe to
//! `domxml lsp` between `initialize` and a hover request. The bad input gets its JSON-RPC error
//! (where the spec asks for one), the hover is still answered, and shutdown/exit ends with 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(30);

struct Session {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    seen: Vec<Value>,
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn framed(body: &str) -> Vec<u8> {
    frame(body.as_bytes())
}

impl Session {
    fn start() -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_domxml"))
            .arg("lsp")
            .env("DOMXML_SCHEMA_PATH", "builtin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    match out.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("the server frames with Content-Length")];
                if out.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("the server writes JSON");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        let mut session = Session {
            child,
            stdin,
            messages,
            seen: Vec::new(),
        };
        session.send(&framed(
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#,
        ));
        session.response(1);
        session.send(&framed(
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        ));
        session
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("the server reads");
        self.stdin.flush().expect("the server reads");
    }

    /// Waits for the response to request `id`, keeping everything received on the way.
    fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) => {
                    self.seen.push(message.clone());
                    if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                        return message;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no response to {id}; seen {:?}", self.seen)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "the server closed its output before answering {id}; seen {:?}",
                        self.seen
                    )
                }
            }
        }
    }

    fn errors(&self) -> Vec<(i64, Value)> {
        self.seen
            .iter()
            .filter_map(|m| {
                let code = m.get("error")?.get("code")?.as_i64()?;
                Some((code, m.get("id").cloned().unwrap_or(Value::Null)))
            })
            .collect()
    }

    fn hover(&mut self, id: i64) -> Value {
        let request = json!({
            "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": "file:///nowhere.xml"}, "position": {"line": 0, "character": 0}},
        });
        self.send(&framed(&request.to_string()));
        self.response(id)
    }

    fn shutdown_and_exit(mut self) {
        self.send(&framed(r#"{"jsonrpc":"2.0","id":99,"method":"shutdown"}"#));
        self.response(99);
        self.send(&framed(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("waitable") {
                assert_eq!(status.code(), Some(0), "{status:?}");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Sends `bad` between initialize and a hover; the hover must be answered and the errors seen
/// must be exactly `expected`.
fn survives(bad: &[u8], expected: &[(i64, Value)]) {
    let mut session = Session::start();
    session.send(bad);
    let hover = session.hover(2);
    assert!(hover.get("error").is_none(), "{hover}");
    assert_eq!(session.errors(), expected);
    // And it keeps serving.
    session.hover(3);
    session.shutdown_and_exit();
}

const PARSE: i64 = -32700;
const INVALID: i64 = -32600;

#[test]
fn truncated_json() {
    survives(
        &framed(r#"{"jsonrpc":"2.0","id":5,"method":"#),
        &[(PARSE, Value::Null)],
    );
}

#[test]
fn empty_array() {
    survives(&framed("[]"), &[(INVALID, Value::Null)]);
}

#[test]
fn null() {
    survives(&framed("null"), &[(INVALID, Value::Null)]);
}

#[test]
fn empty_object() {
    survives(&framed("{}"), &[(INVALID, Value::Null)]);
}

#[test]
fn object_id() {
    survives(
        &framed(r#"{"jsonrpc":"2.0","id":{"x":1},"method":"textDocument/hover"}"#),
        &[(INVALID, Value::Null)],
    );
}

#[test]
fn batch() {
    survives(
        &framed(r#"[{"jsonrpc":"2.0","id":5,"method":"shutdown"}]"#),
        &[(INVALID, Value::Null)],
    );
}

#[test]
fn jsonrpc_1() {
    survives(
        &framed(r#"{"jsonrpc":"1.0","id":5,"method":"shutdown"}"#),
        &[(INVALID, json!(5))],
    );
}

#[test]
fn content_length_too_small() {
    let body = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
    let mut bad = b"Content-Length: 10\r\n\r\n".to_vec();
    bad.extend_from_slice(body.as_bytes());
    survives(&bad, &[(PARSE, Value::Null)]);
}

#[test]
fn content_length_too_large() {
    let body = r#"{"jsonrpc":"2.0","id":5,"method":"shutdown"}"#;
    let mut bad = b"Content-Length: 500\r\n\r\n".to_vec();
    bad.extend_from_slice(body.as_bytes());
    survives(&bad, &[(INVALID, json!(5))]);
}

#[test]
fn content_length_not_a_number() {
    survives(b"Content-Length: abc\r\n\r\n{}", &[(PARSE, Value::Null)]);
}

#[test]
fn content_length_negative() {
    survives(b"Content-Length: -5\r\n\r\n{}", &[(PARSE, Value::Null)]);
}

#[test]
fn content_length_missing() {
    survives(
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}",
        &[(PARSE, Value::Null)],
    );
}

#[test]
fn content_length_beyond_the_limit() {
    survives(
        b"Content-Length: 1000000000000\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        &[(INVALID, Value::Null)],
    );
}

#[test]
fn invalid_utf8() {
    survives(
        &frame(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}"),
        &[(PARSE, Value::Null)],
    );
}

#[test]
fn lone_surrogate() {
    survives(
        &framed(r#"{"jsonrpc":"2.0","id":5,"method":"x","params":"\ud800"}"#),
        &[(PARSE, Value::Null)],
    );
}

#[test]
fn garbage_without_header() {
    survives(b"hello\r\n\r\n", &[(PARSE, Value::Null)]);
}

#[test]
fn good_messages_get_no_error() {
    survives(
        &framed(r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":42}}"#),
        &[],
    );
}
