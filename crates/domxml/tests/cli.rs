//! The command line as users and CI meet it: human output (plain and coloured), GitHub
//! annotations, standard input, `domxml fmt` and exit codes, through the real binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use expect_test::expect;

const DOMAIN: &str = r#"<domain type="kvm">
  <name>a</name>
  <memory unit="KiB">1024</memory>
  <os><type arch="x86_64">hvm</type><boot dev="hd"/></os>
  <devices>
    <disk type="file" device="disk"><source file="/a"/><target dev="vda" bus="virtio"/><boot order="1"/></disk>
    <disk type="file" device="disk"><source file="/b"/><target dev="vdb" bus="virtoi"/></disk>
  </devices>
</domain>
"#;

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("domxml-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Dir(dir)
    }
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn domxml(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_domxml"))
        .args(args)
        .current_dir(dir)
        .env("DOMXML_SCHEMA_PATH", "builtin")
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        input.write_all(bytes).expect("stdin written");
    }
    drop(input);
    child.wait_with_output().expect("the binary ends")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn human_output_plain() {
    let d = Dir::new("human");
    d.write("vm.xml", DOMAIN);
    d.write(
        "ok.xml",
        DOMAIN
            .replace("virtoi", "virtio")
            .replace("<boot dev=\"hd\"/>", ""),
    );
    let out = domxml(&d.0, &["check", "vm.xml", "ok.xml"], None);
    assert_eq!(out.status.code(), Some(1));
    expect![[r#"
        error[boot-order-with-os-boot]: `<os><boot dev>` and per-device `<boot order>` cannot be mixed; keep one of them. libvirt: "per-device boot elements cannot be used together with os/boot elements"
         --> vm.xml:4:38
          |
        4 |   <os><type arch="x86_64">hvm</type><boot dev="hd"/></os>
          |                                      ^^^^
          |
         ::: vm.xml:6:89
          |
        6 |     <disk type="file" device="disk"><source file="/a"/><target dev="vda" bus="virtio"/><boot order="1"/></disk>
          |                                                                                         ---- a per-device boot order
          |
          = help: Remove the <os><boot> elements
          = help: Remove the per-device <boot order> elements

        error[invalid-value]: invalid value 'virtoi' for attribute 'bus' of <target>: expected one of 'ide', 'fdc', 'scsi', 'virtio', 'xen', 'usb', 'uml', 'sata' or 'sd'; did you mean 'virtio'?
         --> vm.xml:7:79
          |
        7 |     <disk type="file" device="disk"><source file="/b"/><target dev="vdb" bus="virtoi"/></disk>
          |                                                                               ^^^^^^
          |
          = help: Replace 'virtoi' with 'virtio'

        2 errors, 0 warnings in 1 of 2 files
    "#]]
    .assert_eq(&text(&out.stdout));
}

#[test]
fn human_output_coloured_only_when_asked_or_on_a_terminal() {
    let d = Dir::new("colour");
    d.write("bad.xml", "<domain type='kvm'><name>a</nam></domain>\n");
    let out = domxml(&d.0, &["check", "--color", "always", "bad.xml"], None);
    expect![[r#"
        [1m[91merror[memory-size-missing][0m[1m: the guest has no memory size; libvirt: "Memory size must be specified via <memory> or in the <numa> configuration"[0m
         [1m[94m--> [0mbad.xml:1:2
          [1m[94m|[0m
        [1m[94m1[0m [1m[94m|[0m <domain type='kvm'><name>a</nam></domain>
          [1m[94m|[0m  [1m[91m^^^^^^[0m

        [1m[91merror[unclosed-element][0m[1m: element <name> is not closed: expected </name> before </domain>[0m
         [1m[94m--> [0mbad.xml:1:21
          [1m[94m|[0m
        [1m[94m1[0m [1m[94m|[0m <domain type='kvm'><name>a</nam></domain>
          [1m[94m|[0m                     [1m[91m^^^^[0m
          [1m[94m|[0m
          [1m[94m= [0m[1mhelp[0m: Change </nam> to </name>

        [1m[91merror[mismatched-end-tag][0m[1m: end tag </nam> does not match the open element <name>[0m
         [1m[94m--> [0mbad.xml:1:29
          [1m[94m|[0m
        [1m[94m1[0m [1m[94m|[0m <domain type='kvm'><name>a</nam></domain>
          [1m[94m|[0m                             [1m[91m^^^[0m
          [1m[94m|[0m
          [1m[94m= [0m[1mhelp[0m: Change to </name>

        3 errors, 0 warnings in 1 of 1 file
    "#]]
    .assert_eq(&text(&out.stdout));
    // Piped: no colour by default (NO_COLOR and terminals: `render`'s unit test).
    let piped = domxml(&d.0, &["check", "bad.xml"], None);
    assert!(!text(&piped.stdout).contains('\x1b'));
    let never = domxml(&d.0, &["check", "--color", "never", "bad.xml"], None);
    assert_eq!(never.stdout, piped.stdout);
}

#[test]
fn concise_and_json_keep_their_forms() {
    let d = Dir::new("concise");
    d.write("vm.xml", DOMAIN);
    let out = domxml(&d.0, &["check", "--format", "concise", "vm.xml"], None);
    expect![[r#"
        vm.xml:4:38: error: `<os><boot dev>` and per-device `<boot order>` cannot be mixed; keep one of them. libvirt: "per-device boot elements cannot be used together with os/boot elements" [boot-order-with-os-boot]
        vm.xml:7:79: error: invalid value 'virtoi' for attribute 'bus' of <target>: expected one of 'ide', 'fdc', 'scsi', 'virtio', 'xen', 'usb', 'uml', 'sata' or 'sd'; did you mean 'virtio'? [invalid-value]
    "#]]
    .assert_eq(&text(&out.stdout));
    let out = domxml(&d.0, &["check", "--format", "json", "vm.xml"], None);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON line");
    let sources: Vec<&str> = line["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["source"].as_str())
        .collect();
    assert_eq!(sources, ["semantic", "schema"]);
    assert_eq!(line["file"], "vm.xml");
}

#[test]
fn github_annotations() {
    let d = Dir::new("github");
    d.write(
        "a,b:c.xml",
        "<domain type='kvm'><title>50%</title>\n<nam/></domain>\n",
    );
    let out = domxml(&d.0, &["check", "--format", "github", "a,b:c.xml"], None);
    assert_eq!(out.status.code(), Some(1));
    expect![[r#"
        ::error file=a%2Cb%3Ac.xml,line=1,col=2,endLine=1,endColumn=8,title=domxml missing-element::<domain> is missing required child element <name>%0Ahelp: Add missing child <name>
        ::error file=a%2Cb%3Ac.xml,line=1,col=2,endLine=1,endColumn=8,title=domxml memory-size-missing::the guest has no memory size; libvirt: "Memory size must be specified via <memory> or in the <numa> configuration"
        ::error file=a%2Cb%3Ac.xml,line=2,col=2,endLine=2,endColumn=5,title=domxml unknown-element::unknown element <nam> in <domain>: did you mean <name>?%0Ahelp: Replace 'nam' with 'name'
    "#]]
    .assert_eq(&text(&out.stdout));
}

#[test]
fn standard_input_is_named_in_messages() {
    let d = Dir::new("stdin");
    let out = domxml(
        &d.0,
        &["check", "--format", "concise", "-"],
        Some(b"<domain type='kvm'><name>a</nam></domain>"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("\n<stdin>:1:29: error: end tag"),
        "{}",
        text(&out.stdout)
    );
    let out = domxml(
        &d.0,
        &[
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "vm.xml",
            "-",
        ],
        Some(b"<domain type='kvm'><name>a</nam></domain>"),
    );
    assert!(
        text(&out.stdout).contains("\nvm.xml:1:29:"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn bytes_that_are_not_utf8_are_a_problem_of_the_file() {
    let d = Dir::new("latin");
    d.write(
        "bad.xml",
        b"<domain type='kvm'>\n<name>\xe9</name></domain>\n",
    );
    let out = domxml(
        &d.0,
        &["check", "--syntax-only", "--format", "concise", "bad.xml"],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    expect![[r#"
        bad.xml:2:7: error: byte 0xE9 at offset 26 is not UTF-8, and the document declares no other encoding: libvirt refuses it [invalid-encoding]
    "#]]
    .assert_eq(&text(&out.stdout));
    d.write(
        "latin.xml",
        b"<?xml version='1.0' encoding='ISO-8859-1'?>\n<domain type='kvm'><name>\xe9</name></domain>\n",
    );
    let out = domxml(&d.0, &["check", "--syntax-only", "latin.xml"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn other_libvirt_documents_are_said_to_get_syntax_only() {
    let d = Dir::new("network");
    d.write("net.xml", "<network><name>default</name></network>\n");
    d.write("pool.xml", "<pool type='dir'><name>p</name></pool>\n");
    let out = domxml(&d.0, &["check", "net.xml", "pool.xml"], None);
    assert_eq!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert_eq!(
        err.matches("note: only well-formedness was checked")
            .count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("<network>, <pool>") && err.contains("--schema DIR"),
        "{err}"
    );
}

#[test]
fn large_documents_are_validated() {
    let d = Dir::new("large");
    let mut doc = String::from("<domain type='kvm'><name>a</name><memory>1</memory><devices>\n");
    while doc.len() < 9 << 20 {
        doc.push_str("<!-- padding padding padding padding padding padding padding -->\n");
    }
    doc.push_str("<bogus/></devices></domain>\n");
    d.write("big.xml", &doc);
    let out = domxml(&d.0, &["check", "--format", "concise", "big.xml"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("<bogus>"),
        "{}",
        text(&out.stdout)
    );
}

const UNFORMATTED: &str = "<domain type='kvm'>\n<name>a</name>\n      <!-- keep  me -->\n<devices><disk   type=\"file\"/></devices>\n</domain>\n";
const FORMATTED: &str = "<domain type='kvm'>\n  <name>a</name>\n  <!-- keep  me -->\n  <devices>\n    <disk type=\"file\"/>\n  </devices>\n</domain>\n";

#[test]
fn fmt_rewrites_in_place_keeping_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new("fmt");
    let file = d.write("vm.xml", UNFORMATTED);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let check = domxml(&d.0, &["fmt", "--check", "vm.xml"], None);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(text(&check.stdout), "would reformat: vm.xml\n");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), UNFORMATTED);
    let out = domxml(&d.0, &["fmt", "vm.xml"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&file).expect("read"), FORMATTED);
    let mode = std::fs::metadata(&file).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // Nothing left behind by the temporary file.
    let names: Vec<_> = std::fs::read_dir(&d.0)
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["vm.xml"]);
    let again = domxml(&d.0, &["fmt", "--check", "vm.xml"], None);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(text(&again.stdout), "");
}

#[test]
fn fmt_replaces_the_file_atomically() {
    // A reader holding the old file keeps seeing it whole: the new one is renamed over it.
    let d = Dir::new("atomic");
    let file = d.write("vm.xml", UNFORMATTED);
    let held = std::fs::File::open(&file).expect("open");
    let before = std::fs::metadata(&file).expect("stat");
    let out = domxml(&d.0, &["fmt", "vm.xml"], None);
    assert_eq!(out.status.code(), Some(0));
    use std::io::Read;
    let mut old = String::new();
    (&held).read_to_string(&mut old).expect("read");
    assert_eq!(old, UNFORMATTED);
    use std::os::unix::fs::MetadataExt;
    assert_ne!(std::fs::metadata(&file).expect("stat").ino(), before.ino());
}

#[test]
fn fmt_stdin_writes_stdout() {
    let d = Dir::new("fmt-stdin");
    let out = domxml(&d.0, &["fmt", "-"], Some(UNFORMATTED.as_bytes()));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), FORMATTED);
}

#[test]
fn fmt_never_writes_a_file_with_syntax_errors() {
    let d = Dir::new("fmt-bad");
    let file = d.write("bad.xml", "<domain>\n<name>a</nam>\n</domain>\n");
    let out = domxml(&d.0, &["fmt", "bad.xml"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not formatted: it has syntax errors"));
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "<domain>\n<name>a</nam>\n</domain>\n"
    );
    let missing = domxml(&d.0, &["fmt", "missing.xml"], None);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn fmt_libvirt_order() {
    let d = Dir::new("fmt-order");
    let file = d.write(
        "vm.xml",
        "<domain type='kvm'>\n<devices/>\n<memory>1</memory>\n<name>a</name>\n</domain>\n",
    );
    let out = domxml(&d.0, &["fmt", "--libvirt-order", "vm.xml"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "<domain type='kvm'>\n  <name>a</name>\n  <memory>1</memory>\n  <devices/>\n</domain>\n"
    );
}
