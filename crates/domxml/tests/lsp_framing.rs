//! Nothing a client sends ends the session: each malformed input goes through a raw pipe to
//! `domxml lsp` between `initialize` and a hover request. The bad input gets its JSON-RPC error
//! (where the spec asks for one), the hover is still answered, and shutdown/exit ends with 0.

mod common;

use common::{Session, frame, framed};
use serde_json::{Value, json};

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
