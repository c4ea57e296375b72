//! Any depth: documents nested far deeper than the syntax tree's limit are checked (exit 0 or
//! 1, never a signal) and served (every request answered, the session ends normally).

mod common;

use std::process::Command;

use common::Session;
use serde_json::{Value, json};

fn deep_domain(depth: usize) -> String {
    let mut text = String::with_capacity(depth * 8 + 64);
    text.push_str("<domain type='kvm'><name>deep</name><devices>");
    for _ in 0..depth {
        text.push_str("<a>");
    }
    for _ in 0..depth {
        text.push_str("</a>");
    }
    text.push_str("</devices></domain>\n");
    text
}

fn check(depth: usize, syntax_only: bool) {
    let dir = std::env::temp_dir().join(format!(
        "domxml-deep-{}-{depth}-{syntax_only}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("deep.xml");
    std::fs::write(&file, deep_domain(depth)).expect("the document is written");
    let mut command = Command::new(env!("CARGO_BIN_EXE_domxml"));
    command
        .args(["check", "--format", "concise"])
        .env("DOMXML_SCHEMA_PATH", "builtin");
    if syntax_only {
        command.arg("--syntax-only");
    }
    let output = command.arg(&file).output().expect("the binary runs");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{:?}\n{stdout}",
        output.status
    );
    // The syntax tree's one error at the crossing element (the schema never gets that deep:
    // <a> is not allowed in <devices>).
    assert_eq!(stdout.matches("levels deep").count(), 1, "{stdout}");
    assert_eq!(stdout.matches("[too-deep]").count(), 1, "{stdout}");
}

/// A document cut off after 100,000 open elements, all on one line: as many problems, each on
/// a line of 300 KB. The report (human, the default format) shows each by its place rather than
/// drawing the line, and only the problems reported get their fixes looked up: before, this
/// took minutes.
#[test]
fn check_a_cut_off_100k_deep_document_on_one_line() {
    let dir = std::env::temp_dir().join(format!("domxml-cut-off-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("cut.xml");
    std::fs::write(
        &file,
        format!("<domain type='kvm'>{}", "<a>".repeat(100_000)),
    )
    .expect("the document is written");
    let output = Command::new(env!("CARGO_BIN_EXE_domxml"))
        .args(["check", "--color", "never"])
        .env("DOMXML_SCHEMA_PATH", "builtin")
        .arg(&file)
        .output()
        .expect("the binary runs");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("element <domain> is not closed"),
        "{}",
        &stdout[..stdout.len().min(2000)]
    );
    // Shown by place: `--> path:1:column`, no source line.
    assert!(
        stdout.contains("cut.xml:1:21\n"),
        "{}",
        &stdout[..stdout.len().min(2000)]
    );
    assert!(!stdout.contains("<a><a><a>"), "the long line is not drawn");
    // 100,001 unclosed elements and a few schema and rule problems; the first 2,000 are
    // reported, and the report says how many more there are.
    assert!(
        stdout.contains("more problems from here on are not reported: at most 2000 are"),
        "{}",
        &stdout[stdout.len().saturating_sub(2000)..]
    );
}

#[test]
fn check_a_100k_deep_document() {
    check(100_000, false);
}

#[test]
fn check_a_100k_deep_document_syntax_only() {
    check(100_000, true);
}

#[test]
fn check_a_1m_deep_document() {
    check(1_000_000, false);
}

#[test]
fn check_a_1m_deep_document_syntax_only() {
    check(1_000_000, true);
}

#[test]
fn every_request_on_a_100k_deep_document_is_answered() {
    let text = deep_domain(100_000);
    let uri = "file:///srv/vms/deep.xml";
    let mut session = Session::start();
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "xml", "version": 1, "text": text}}),
    );
    let doc = json!({"uri": uri});
    let mut id = 10;
    let mut ask = |session: &mut Session, method: &str, params: Value| {
        id += 1;
        let response = session.request(id, method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response
    };
    let symbols = ask(
        &mut session,
        "textDocument/documentSymbol",
        json!({"textDocument": doc}),
    );
    assert!(symbols["result"].is_array(), "{symbols}");
    ask(
        &mut session,
        "textDocument/foldingRange",
        json!({"textDocument": doc}),
    );
    ask(
        &mut session,
        "textDocument/formatting",
        json!({"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let len = text.len();
    for offset in [1, 50, 6_200, len / 4, len / 2, len - 30, len - 1] {
        let position = json!({"line": 0, "character": offset});
        let at = json!({"textDocument": doc, "position": position});
        ask(&mut session, "textDocument/hover", at.clone());
        ask(&mut session, "textDocument/completion", at.clone());
        ask(&mut session, "textDocument/linkedEditingRange", at.clone());
        ask(&mut session, "textDocument/documentHighlight", at);
        ask(
            &mut session,
            "textDocument/selectionRange",
            json!({"textDocument": doc, "positions": [position]}),
        );
    }
    session.shutdown_and_exit();
}
