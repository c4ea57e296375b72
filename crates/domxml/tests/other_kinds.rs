//! Libvirt XML kinds other than domains, validated through a schema directory (libvirt 11.3.0's
//! reference schemas): `domxml check --schema DIR` picks the schema file by the document's root
//! element (`--print-schema FILE` names it). Each kind has a small valid and a small invalid
//! document; when `xmllint` is installed, its verdict with the selected schema file is checked
//! first (so the expectations are libvirt's).

use std::path::{Path, PathBuf};
use std::process::Command;

struct Kind {
    kind: &'static str,
    valid: &'static str,
    invalid: &'static str,
}

const KINDS: &[Kind] = &[
    Kind {
        kind: "network",
        valid: r#"<network><name>default</name><forward mode="nat"/><bridge name="virbr0"/><ip address="192.168.122.1" netmask="255.255.255.0"><dhcp><range start="192.168.122.2" end="192.168.122.254"/></dhcp></ip></network>"#,
        invalid: r#"<network><name>default</name><forward mode="teleport"/></network>"#,
    },
    Kind {
        kind: "networkport",
        valid: r#"<networkport><uuid>5d0f8a0c-7a6e-4f4f-9f2f-2c1a3e4b5c6d</uuid><owner><name>vm1</name><uuid>11111111-2222-3333-4444-555555555555</uuid></owner><mac address="52:54:00:01:02:03"/><plug type="network" bridge="virbr0"/></networkport>"#,
        invalid: r#"<networkport><uuid>5d0f8a0c-7a6e-4f4f-9f2f-2c1a3e4b5c6d</uuid><mac address="52:54:00:01:02:03"/></networkport>"#,
    },
    Kind {
        kind: "storage pool",
        valid: r#"<pool type="dir"><name>default</name><target><path>/var/lib/libvirt/images</path></target></pool>"#,
        invalid: r#"<pool type="floppy"><name>default</name><target><path>/var/lib/libvirt/images</path></target></pool>"#,
    },
    Kind {
        kind: "storage volume",
        valid: r#"<volume><name>a.qcow2</name><capacity unit="G">10</capacity><target><format type="qcow2"/></target></volume>"#,
        invalid: r#"<volume><name>a.qcow2</name><capacity unit="G">lots</capacity></volume>"#,
    },
    Kind {
        kind: "nwfilter",
        valid: r#"<filter name="no-spoofing" chain="root"><filterref filter="no-mac-spoofing"/><rule action="drop" direction="out" priority="500"><mac match="no" srcmacaddr="$MAC"/></rule></filter>"#,
        invalid: r#"<filter name="x"><rule action="maybe" direction="in"/></filter>"#,
    },
    Kind {
        kind: "nwfilterbinding",
        valid: r#"<filterbinding><owner><name>vm1</name><uuid>11111111-2222-3333-4444-555555555555</uuid></owner><portdev name="vnet0"/><mac address="52:54:00:01:02:03"/><filterref filter="clean-traffic"><parameter name="IP" value="10.0.0.1"/></filterref></filterbinding>"#,
        invalid: r#"<filterbinding><owner><name>vm1</name></owner><portdev name="vnet0"/><mac address="52:54:00:01:02:03"/><filterref filter="clean-traffic"/></filterbinding>"#,
    },
    Kind {
        kind: "secret",
        valid: r#"<secret ephemeral="no" private="yes"><description>disk passphrase</description><usage type="volume"><volume>/var/lib/libvirt/images/a.img</volume></usage></secret>"#,
        invalid: r#"<secret ephemeral="maybe"><usage type="volume"><volume>/x</volume></usage></secret>"#,
    },
    Kind {
        kind: "interface",
        valid: r#"<interface type="ethernet" name="eth0"><start mode="onboot"/><protocol family="ipv4"><dhcp/></protocol></interface>"#,
        invalid: r#"<interface type="wormhole" name="eth0"/>"#,
    },
    Kind {
        kind: "node device",
        valid: r#"<device><name>net_eth0_52_54_00_00_00_01</name><parent>computer</parent><capability type="net"><interface>eth0</interface><address>52:54:00:00:00:01</address></capability></device>"#,
        invalid: r#"<device><name>x</name><capability type="teleporter"/></device>"#,
    },
    Kind {
        kind: "capabilities",
        valid: r#"<capabilities><host><uuid>11111111-2222-3333-4444-555555555555</uuid><cpu><arch>x86_64</arch></cpu></host></capabilities>"#,
        invalid: r#"<capabilities><host><cpu><arch>x86_64</arch></cpu></host><guest/></capabilities>"#,
    },
    Kind {
        kind: "domain snapshot",
        valid: r#"<domainsnapshot><name>snap1</name><description>before upgrade</description><memory snapshot="no"/><disks><disk name="vda" snapshot="external"><source file="/var/lib/libvirt/images/a.snap1"/></disk></disks></domainsnapshot>"#,
        invalid: r#"<domainsnapshot><name>snap1</name><memory snapshot="sometimes"/></domainsnapshot>"#,
    },
    Kind {
        kind: "checkpoint",
        valid: r#"<domaincheckpoint><name>cp1</name><disks><disk name="vda" checkpoint="bitmap"/></disks></domaincheckpoint>"#,
        invalid: r#"<domaincheckpoint><name>cp1</name><disks><disk name="vda" checkpoint="maybe"/></disks></domaincheckpoint>"#,
    },
    Kind {
        kind: "backup",
        valid: r#"<domainbackup mode="push"><disks><disk name="vda" backup="yes" type="file"><target file="/backup/vda.qcow2"/><driver type="qcow2"/></disk></disks></domainbackup>"#,
        invalid: r#"<domainbackup mode="shove"><disks/></domainbackup>"#,
    },
    Kind {
        kind: "domain capabilities",
        valid: r#"<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>kvm</domain><machine>pc-q35-9.2</machine><arch>x86_64</arch><vcpu max="255"/></domainCapabilities>"#,
        invalid: r#"<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>kvm</domain><arch>x86_64</arch><vcpu max="lots"/></domainCapabilities>"#,
    },
];

fn schemas() -> Option<PathBuf> {
    domxml_testdata::libvirt11().map(|d| d.join("schemas"))
}

/// The schema file `domxml check --print-schema` says the document's root selects.
fn selected_schema(schemas: &Path, file: &Path) -> Option<PathBuf> {
    let output = Command::new(env!("CARGO_BIN_EXE_domxml"))
        .arg("check")
        .arg("--schema")
        .arg(schemas)
        .arg("--print-schema")
        .arg(file)
        .output()
        .expect("domxml runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last()?;
    let (_, selected) = line.rsplit_once(" -> ")?;
    let selected = PathBuf::from(selected);
    selected.is_file().then_some(selected)
}

fn root_of(doc: &str) -> &str {
    let rest = &doc[1..];
    let end = rest.find([' ', '>', '/']).unwrap_or(rest.len());
    &rest[..end]
}

/// `Some(true)` when xmllint says the file validates; `None` when xmllint is not installed.
fn xmllint_verdict(schema: &Path, file: &Path) -> Option<bool> {
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--relaxng")
        .arg(schema)
        .arg(file)
        .output()
        .ok()?;
    Some(output.status.success())
}

struct Checked {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn domxml_check(schemas: &Path, file: &Path) -> Checked {
    let output = Command::new(env!("CARGO_BIN_EXE_domxml"))
        .arg("check")
        .args(["--format", "concise"])
        .arg("--schema")
        .arg(schemas)
        .arg(file)
        .output()
        .expect("domxml runs");
    Checked {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn every_kind_through_a_schema_directory() {
    let Some(schemas) = schemas() else {
        println!("SKIPPED: ../shared/libvirt-11.3.0/schemas is absent (other kinds not checked)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("domxml-kinds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut failures = Vec::new();
    let mut xmllint_ran = false;
    for kind in KINDS {
        for (label, text, want_valid) in [
            ("valid", kind.valid, true),
            ("invalid", kind.invalid, false),
        ] {
            let file = dir.join(format!("{}-{label}.xml", kind.kind.replace(' ', "-")));
            std::fs::write(&file, format!("{text}\n")).expect("write");
            let selected = selected_schema(&schemas, &file).unwrap_or_else(|| {
                panic!(
                    "--print-schema names no schema file for <{}>",
                    root_of(text)
                )
            });
            if let Some(valid) = xmllint_verdict(&selected, &file) {
                xmllint_ran = true;
                assert_eq!(
                    valid, want_valid,
                    "xmllint disagrees with the test's label for the {label} {} document",
                    kind.kind
                );
            }
            let out = domxml_check(&schemas, &file);
            let errors = out
                .stdout
                .lines()
                .filter(|l| l.contains(": error: "))
                .count();
            let ok = if want_valid {
                out.code == Some(0) && out.stdout.trim().is_empty()
            } else {
                out.code == Some(1) && errors > 0
            };
            println!(
                "{} {label}: exit {:?}, {errors} errors{}",
                kind.kind,
                out.code,
                out.stdout
                    .lines()
                    .next()
                    .map(|l| format!(": {l}"))
                    .unwrap_or_default()
            );
            if !ok {
                failures.push(format!(
                    "{} ({label}, root <{}>): exit {:?}\nstdout: {}\nstderr: {}",
                    kind.kind,
                    root_of(text),
                    out.code,
                    out.stdout.trim(),
                    out.stderr.trim()
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    if !xmllint_ran {
        println!("note: xmllint is not installed: the documents' labels were not cross-checked");
    }
    assert!(
        failures.is_empty(),
        "{} of {} documents misjudged:\n{}",
        failures.len(),
        KINDS.len() * 2,
        failures.join("\n")
    );
}
