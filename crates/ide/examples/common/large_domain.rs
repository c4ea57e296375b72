//! The large domain the typing examples edit: the LSP fixture with `<disk>`s added to reach a
//! size, and the device line typed into it (as `bench/lsp_typing.py` builds them).

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
