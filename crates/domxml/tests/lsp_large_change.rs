//! Requests never wait for a large edit: right after a change that replaces a 10 MB document,
//! a request (selectionRange: it answers without a schema) is answered from the newest applied snapshot instead of waiting for the new text to be
//! parsed; once the change is applied, requests see the new text.

mod common;

use std::time::{Duration, Instant};

use common::Session;
use serde_json::{Value, json};

const URI: &str = "file:///large/catalog.xml";

/// About `bytes` of XML that is not libvirt's (diagnostics are well-formedness only, so the test
/// measures the edit, not the analysis): `<item>` elements named `tag`.
fn document(tag: &str, bytes: usize) -> String {
    let mut text = String::from("<catalog>\n");
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&format!("  <{tag} n='{i}'>Grüße {i} 🚀</{tag}>\n"));
        i += 1;
    }
    text.push_str("</catalog>\n");
    text
}

/// A selection range inside the first element's name (its extent tells `alpha` from `beta`)
/// and how long it took.
fn ask(session: &mut Session, id: i64) -> (Value, Duration) {
    let started = Instant::now();
    let response = session.request(
        id,
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": URI}, "positions": [{"line": 1, "character": 4}]}),
    );
    assert!(response.get("error").is_none(), "{response}");
    (response["result"].clone(), started.elapsed())
}

#[test]
fn a_request_after_replacing_ten_megabytes_is_answered_from_the_previous_snapshot() {
    let mut session = Session::start();
    let old = document("alpha", 10 << 20);
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "xml", "version": 1, "text": old}}),
    );
    session.diagnostics_at(URI, 1);
    let (before, _) = ask(&mut session, 2);

    // Replace everything: the new text has to be parsed from scratch.
    let new = document("beta", 10 << 20);
    let sent = Instant::now();
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": new}]}),
    );
    let (during, latency) = ask(&mut session, 3);
    session.diagnostics_at(URI, 2);
    let applied = sent.elapsed();
    let (after, _) = ask(&mut session, 4);
    session.shutdown_and_exit();
    eprintln!(
        "request right after the change: {latency:?}; change applied and analysed: {applied:?}"
    );

    assert_ne!(before, after, "the change shows");
    // Either the answer came from the old snapshot, quickly, or the change was applied before
    // the request was read (a machine fast enough to parse 10 MB within the wait).
    // The answer's latency is reading the 10 MB notification, not parsing it.
    if during == before {
        assert!(
            latency * 2 < applied,
            "the request waited {latency:?} (the change took {applied:?})"
        );
    } else {
        assert_eq!(during, after);
    }
}
