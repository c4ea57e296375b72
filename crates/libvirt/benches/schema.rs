//! Schema compile time (libvirt's domain.rng when ../shared is present, and the embedded
//! catalogue) and validation time of a typical domain document.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use domxml_libvirt::builtin::EmbeddedFiles;
use domxml_schema::{DiskFiles, Validator, compile};

fn libvirt_schemas() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/libvirt-11.3.0");
    dir.join("schemas/domain.rng").is_file().then_some(dir)
}

const DOC: &str = r#"<domain type='kvm'>
  <name>bench</name>
  <uuid>c7a5fdbd-cdaf-9455-926a-d65c16db1809</uuid>
  <memory unit='KiB'>219136</memory>
  <currentMemory unit='KiB'>219136</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='block' device='disk'>
      <source dev='/dev/HostVG/QEMUGuest1'/>
      <target dev='hda' bus='ide'/>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
    </disk>
    <controller type='usb' index='0'/>
    <controller type='ide' index='0'/>
    <controller type='pci' index='0' model='pci-root'/>
    <interface type='network'>
      <mac address='52:54:00:8c:2f:6a'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <input type='mouse' bus='ps2'/>
    <input type='keyboard' bus='ps2'/>
    <graphics type='vnc' port='-1' autoport='yes'/>
    <video><model type='vga' vram='16384' heads='1'/></video>
    <memballoon model='virtio'/>
  </devices>
</domain>
"#;

fn benches(c: &mut Criterion) {
    if let Some(shared) = libvirt_schemas() {
        let entry = shared
            .join("schemas/domain.rng")
            .to_string_lossy()
            .into_owned();
        c.bench_function("compile libvirt 11.3 domain.rng", |b| {
            b.iter(|| compile(&DiskFiles, &entry).expect("libvirt schemas compile"))
        });
        let cat = compile(&DiskFiles, &entry).expect("libvirt schemas compile");
        let parse = domxml_syntax::parse(DOC);
        let mut validator = Validator::new(&cat);
        assert!(validator.validate(&parse.document()).is_empty());
        c.bench_function("validate typical domain (libvirt schemas, warm)", |b| {
            b.iter(|| validator.validate(&parse.document()))
        });
        c.bench_function(
            "parse + validate typical domain (libvirt schemas, warm)",
            |b| {
                b.iter(|| {
                    let parse = domxml_syntax::parse(DOC);
                    domxml_schema::validate(&cat, &parse.document())
                })
            },
        );
    } else {
        println!("../shared/libvirt-11.3.0 absent: libvirt schema benches skipped");
    }
    c.bench_function("compile embedded catalogue", |b| {
        b.iter(|| {
            compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN).expect("embedded catalogue compiles")
        })
    });
}

criterion_group!(schema, benches);
criterion_main!(schema);
