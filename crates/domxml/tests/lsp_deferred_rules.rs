//! libvirt's rules run apart from the change (as for large documents, forced here with
//! `DOMXML_DEFER_RULES_BYTES=0`): a change is published at once with the rules' earlier findings
//! moved through the edit, and again with fresh findings, marked by `domxml/diagnosticsComplete`.

mod common;

use common::Session;
use serde_json::{Value, json};

const URI: &str = "file:///deferred/guest.xml";

const DOMAIN: &str = "<domain type='kvm'>
  <name>g</name>
  <memory unit='KiB'>1048576</memory>
  <os>
    <type arch='x86_64' machine='pc-q35-9.0'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/a.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <source file='/b.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
";

fn duplicates(diagnostics: &Value) -> Vec<Value> {
    diagnostics
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == json!("disk-target-duplicate"))
        .map(|d| d["range"].clone())
        .collect()
}

fn change(session: &mut Session, version: i64, line: u32, col: u32, end_col: u32, text: &str) {
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{
            "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": end_col}},
            "text": text,
        }]}),
    );
}

#[test]
fn findings_move_with_an_edit_at_once_and_are_refreshed_after() {
    let mut session = Session::start_with(&[("DOMXML_DEFER_RULES_BYTES", "0")]);
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "xml", "version": 1, "text": DOMAIN}}),
    );
    let opened = duplicates(&session.complete_diagnostics_at(URI, 1));
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0]["start"]["line"], json!(13));

    // A new line above the disks: the first publish already has the finding, one line down.
    change(&mut session, 2, 1, 0, 0, "  <title>t</title>\n");
    let first = duplicates(&session.diagnostics_at(URI, 2));
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0]["start"]["line"], json!(14));
    assert_eq!(
        first[0]["start"]["character"],
        opened[0]["start"]["character"]
    );
    let complete = duplicates(&session.complete_diagnostics_at(URI, 2));
    assert_eq!(complete, first);

    // Renaming the second target: the moved finding is dropped (the edit touches it), and the
    // fresh run agrees there is none.
    change(&mut session, 3, 14, 19, 22, "vdb");
    assert_eq!(
        duplicates(&session.diagnostics_at(URI, 3)),
        Vec::<Value>::new()
    );
    assert_eq!(
        duplicates(&session.complete_diagnostics_at(URI, 3)),
        Vec::<Value>::new()
    );

    // And back: the moved findings cannot know, the fresh run finds the duplicate again.
    change(&mut session, 4, 14, 19, 22, "vda");
    assert_eq!(
        duplicates(&session.complete_diagnostics_at(URI, 4)).len(),
        1
    );
    session.shutdown_and_exit();
}
