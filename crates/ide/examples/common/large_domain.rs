//! The large domain the typing examples edit: the LSP fixture with `<disk>`s added to reach a
//! size, and the keystrokes typing a device line into it (as `bench/lsp_typing.py` does).

const BASE: &str = include_str!("../../../../tests/lsp/data/domain.xml");
pub const LINE: &str = "<watchdog model='i6300esb' action='reset'/>";

pub fn domain_of_size(target: usize) -> String {
    let (head, tail) = BASE
        .split_once("    <console")
        .expect("the fixture has a console");
    let mut out = head.to_string();
    let mut i = 0;
    while out.len() + tail.len() < target {
        out.push_str(&format!(
            "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2' cache='none'/>\n      <source file='/var/lib/libvirt/images/disk{i}.qcow2'/>\n      <target dev='vd{i}' bus='virtio'/>\n    </disk>\n"
        ));
        i += 1;
    }
    out + "    <console" + tail
}

/// One keystroke per edit: a new indented line opened after `<devices>`, `LINE` typed into it
/// character by character, then deleted from its end (as `bench/lsp_typing.py` types).
pub fn typing_edits(text: &str) -> Vec<domxml_syntax::TextEdit> {
    use domxml_syntax::{TextEdit, TextRange, TextSize};
    let at = text.find("<devices>\n").expect("devices") + "<devices>\n".len();
    let mut edits = vec![TextEdit::new(
        TextRange::empty(TextSize::from(at as u32)),
        "    \n",
    )];
    for (i, c) in LINE.char_indices() {
        let p = (at + 4 + i) as u32;
        edits.push(TextEdit::new(TextRange::empty(p.into()), c.to_string()));
    }
    for i in (0..LINE.len()).rev() {
        let p = (at + 4 + i) as u32;
        edits.push(TextEdit::new(TextRange::new(p.into(), (p + 1).into()), ""));
    }
    edits
}
