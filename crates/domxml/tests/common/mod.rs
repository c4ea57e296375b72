//! A raw-pipe LSP client for tests: frames by hand, so that tests can send anything.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Session {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    pub seen: Vec<Value>,
}

pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

pub fn framed(body: &str) -> Vec<u8> {
    frame(body.as_bytes())
}

impl Session {
    pub fn start() -> Session {
        Session::start_with(&[])
    }

    /// A server started with these environment variables set.
    pub fn start_with(env: &[(&str, &str)]) -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_domxml"))
            .arg("lsp")
            .env("DOMXML_SCHEMA_PATH", "builtin")
            .envs(env.iter().copied())
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

    pub fn send(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("the server reads");
        self.stdin.flush().expect("the server reads");
    }

    /// Waits for the response to request `id`, keeping everything received on the way.
    pub fn response(&mut self, id: i64) -> Value {
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

    pub fn errors(&self) -> Vec<(i64, Value)> {
        self.seen
            .iter()
            .filter_map(|m| {
                let code = m.get("error")?.get("code")?.as_i64()?;
                Some((code, m.get("id").cloned().unwrap_or(Value::Null)))
            })
            .collect()
    }

    pub fn hover(&mut self, id: i64) -> Value {
        let request = json!({
            "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": "file:///nowhere.xml"}, "position": {"line": 0, "character": 0}},
        });
        self.send(&framed(&request.to_string()));
        self.response(id)
    }

    pub fn shutdown_and_exit(mut self) {
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

impl Session {
    /// Sends a request and waits for its response.
    pub fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send(&framed(&request.to_string()));
        self.response(id)
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let notification = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send(&framed(&notification.to_string()));
    }
}

impl Session {
    /// Waits for a message the server sends that satisfies `wanted` (already seen ones count),
    /// within `timeout`.
    pub fn wait_for(&mut self, timeout: Duration, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(m) = self.seen.iter().rev().find(|m| wanted(m)) {
            return m.clone();
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) => {
                    let hit = wanted(&message);
                    self.seen.push(message);
                    if hit {
                        return self.seen.last().cloned().unwrap_or(Value::Null);
                    }
                }
                Err(_) => panic!(
                    "no such message within {timeout:?}; last seen {:?}",
                    self.seen.last()
                ),
            }
        }
    }

    /// The diagnostics published for `uri` at `version`.
    pub fn diagnostics_at(&mut self, uri: &str, version: i64) -> Value {
        let message = self.wait_for(TIMEOUT, |m| {
            m.get("method").and_then(Value::as_str) == Some("textDocument/publishDiagnostics")
                && m["params"]["uri"] == json!(uri)
                && m["params"]["version"] == json!(version)
        });
        message["params"]["diagnostics"].clone()
    }

    /// The diagnostics published for `uri` at `version` once the server says they are complete
    /// (the rules' findings for that text are in): the last publish for it.
    pub fn complete_diagnostics_at(&mut self, uri: &str, version: i64) -> Value {
        self.wait_for(TIMEOUT, |m| {
            m.get("method").and_then(Value::as_str) == Some("domxml/diagnosticsComplete")
                && m["params"]["uri"] == json!(uri)
                && m["params"]["version"] == json!(version)
        });
        self.diagnostics_at(uri, version)
    }

    /// Forgets the messages seen so far (long sessions), but for the notifications about the
    /// newest version: the last change's diagnostics may have arrived before a response.
    pub fn forget_seen(&mut self) {
        let version = |m: &Value| m["params"]["version"].as_i64();
        let newest = self.seen.iter().filter_map(version).max();
        self.seen
            .retain(|m| newest.is_some() && version(m) == newest);
    }
}
