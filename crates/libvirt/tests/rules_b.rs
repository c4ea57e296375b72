//! The rules-b areas (vCPU, NUMA, memory, firmware, video, watchdog, chardev, clock, features,
//! identity) on small documents: each rule fires on its `docs/rules.md` example at the
//! expected text, stays silent once the example is corrected, and its quick fix removes it.

use domxml_libvirt::rules::{self, Finding, RuleCode, RuleOptions};

fn check(text: &str) -> Vec<Finding> {
    rules::check(&domxml_syntax::parse(text), text, &RuleOptions::default())
}

/// The `docs/rules.md` example of `code`.
fn example(code: &str) -> String {
    let path = domxml_testdata::workspace().join("docs/rules.md");
    let text = std::fs::read_to_string(path).expect("docs/rules.md");
    let start = text
        .find(&format!("## `{code}`"))
        .unwrap_or_else(|| panic!("{code} is documented"));
    let rest = &text[start..];
    let xml = rest.find("```xml\n").expect("example") + "```xml\n".len();
    let end = rest[xml..].find("```").expect("closing fence");
    rest[xml..xml + end].to_owned()
}

/// (code, text the finding covers, a correction `from` → `to` that silences it)
const CASES: &[(&str, &str, &str, &str)] = &[
    ("vcpu-current-above-max", "8", "current='8'", "current='2'"),
    (
        "vcpu-id-out-of-range",
        "2",
        "id='2' enabled='no'",
        "id='1' enabled='no'",
    ),
    (
        "vcpu-offline-not-hotpluggable",
        "vcpu",
        "hotpluggable='no'",
        "hotpluggable='yes'",
    ),
    (
        "vcpu-zero-not-static",
        "yes",
        "id='0' enabled='yes' hotpluggable='yes'",
        "id='0' enabled='yes'",
    ),
    (
        "cpu-topology-mismatch",
        "topology",
        "<vcpu>6</vcpu>",
        "<vcpu>8</vcpu>",
    ),
    ("vcpus-need-q35-eim", "288", "machine='pc'", "machine='q35'"),
    (
        "vcpupin-duplicate",
        "0",
        "vcpu='0' cpuset='2'",
        "vcpu='1' cpuset='2'",
    ),
    ("vcpupin-out-of-range", "5", "vcpu='5'", "vcpu='1'"),
    (
        "vcpusched-out-of-range",
        "0-3",
        "vcpus='0-3'",
        "vcpus='0-1'",
    ),
    ("sched-overlap", "1-2", "vcpus='1-2'", "vcpus='2-3'"),
    ("iothread-missing", "2", "iothread='2'", "iothread='1'"),
    (
        "device-iothread-missing",
        "1",
        "  <vcpu>2</vcpu>\n",
        "  <vcpu>2</vcpu>\n  <iothreads>1</iothreads>\n",
    ),
    (
        "iothread-duplicate-id",
        "1",
        "<iothread id='1'/>\n  </io",
        "<iothread id='2'/>\n  </io",
    ),
    ("empty-set", "0,^0", "0,^0", "0"),
    ("cpu-cache-mode", "2", "level='2'", "level='3'"),
    ("cpu-phys-bits", "42", " bits='42'", ""),
    ("cputune-range", "100", ">100<", ">100000<"),
    (
        "numa-cpus-exceed-vcpus",
        "0-3",
        "<vcpu>2</vcpu>",
        "<vcpu>4</vcpu>",
    ),
    ("numa-cpus-overlap", "2-3", "cpus='0-2'", "cpus='0-1'"),
    (
        "numa-cell-id",
        "2",
        "id='1' cpus='0-1' memory='512' unit='MiB'/>\n      <cell id='2'",
        "id='0' cpus='0-1' memory='512' unit='MiB'/>\n      <cell id='1'",
    ),
    ("numa-sibling-missing", "3", "id='3'", "id='1'"),
    (
        "numa-distance-value",
        "20",
        "id='0' value='20'",
        "id='1' value='20'",
    ),
    (
        "numatune-memnode",
        "memnode",
        "  <vcpu>1</vcpu>\n",
        "  <vcpu>1</vcpu>\n  <cpu>\n    <numa>\n      <cell id='0' cpus='0' memory='1024' unit='MiB'/>\n    </numa>\n  </cpu>\n",
    ),
    (
        "numatune-restrictive",
        "strict",
        "mode='strict'",
        "mode='restrictive'",
    ),
    (
        "numatune-static-nodeset",
        "static",
        "placement='static'",
        "nodeset='0'",
    ),
    (
        "numa-memory-sum",
        "1024",
        "memory='256' unit='MiB'/>\n      <cell id='1' cpus='1' memory='256'",
        "memory='512' unit='MiB'/>\n      <cell id='1' cpus='1' memory='512'",
    ),
    (
        "memory-size-missing",
        "domain",
        "  <vcpu>1</vcpu>\n",
        "  <memory>1024</memory>\n  <vcpu>1</vcpu>\n",
    ),
    (
        "memory-devices-exceed-total",
        "memory",
        "<size unit='GiB'>2</size>",
        "<size unit='MiB'>512</size>",
    ),
    (
        "max-memory-below-memory",
        "512",
        "'MiB'>512<",
        "'MiB'>4096<",
    ),
    ("memory-slots-without-max", "0", "'MiB'>0<", "'MiB'>4096<"),
    (
        "memory-target-node",
        "1",
        "<node>1</node>",
        "<node>0</node>",
    ),
    ("current-memory-above-memory", "2048", ">2048<", ">1024<"),
    (
        "hugepages-two-defaults",
        "page",
        "unit='GiB'/>",
        "unit='GiB' nodeset='0'/>\n    </hugepages>\n  </memoryBacking>\n  <cpu>\n    <numa>\n      <cell id='0' cpus='0' memory='1024' unit='MiB'/>\n    </numa>\n  </cpu>\n  <memoryBacking>\n    <hugepages>",
    ),
    (
        "hugepages-nodeset-overlap",
        "1",
        "nodeset='0-1'",
        "nodeset='0'",
    ),
    ("hugepages-node-missing", "4", "nodeset='4'", "nodeset='1'"),
    (
        "memory-align-overflow",
        "9007199254740991",
        "9007199254740991",
        "1048576",
    ),
    (
        "firmware-stateless-nvram",
        "nvram",
        "stateless='yes'",
        "stateless='no'",
    ),
    (
        "firmware-nvram-not-efi",
        "nvram",
        "firmware='bios'",
        "firmware='efi'",
    ),
    (
        "firmware-enrolled-keys",
        "yes",
        "enabled='no' name='secure-boot'",
        "enabled='yes' name='secure-boot'",
    ),
    (
        "firmware-loader-path",
        "loader",
        "type='pflash'/>",
        "type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>",
    ),
    (
        "uefi-requires-acpi",
        "efi",
        "  <vcpu>1</vcpu>\n",
        "  <vcpu>1</vcpu>\n  <features>\n    <acpi/>\n  </features>\n",
    ),
    ("secure-boot-requirements", "yes", " secure='yes'", ""),
    ("boot-timeout-range", "70000", "70000", "3000"),
    (
        "video-multiple-primary",
        "yes",
        "type='qxl' primary='yes'",
        "type='qxl'",
    ),
    (
        "video-none-not-alone",
        "none",
        "    <video>\n      <model type='qxl'/>\n    </video>\n",
        "",
    ),
    (
        "video-secondary-model",
        "vga",
        "type='vga'",
        "type='virtio'",
    ),
    ("video-qxl-only-attribute", "65536", " ram='65536'", ""),
    (
        "video-ramfb-address",
        "address",
        "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n",
        "",
    ),
    ("graphics-egl-headless", "sdl", "type='sdl'", "type='vnc'"),
    (
        "vnc-password-length",
        "much-too-long",
        "much-too-long",
        "short",
    ),
    (
        "watchdog-duplicate-model",
        "itco",
        "<watchdog model='itco' action='reset'/>\n    <watchdog model='itco'",
        "<watchdog model='itco' action='reset'/>\n    <watchdog model='i6300esb'",
    ),
    (
        "watchdog-action-mismatch",
        "poweroff",
        "action='poweroff'",
        "action='reset'",
    ),
    ("watchdog-machine", "ib700", "ib700", "itco"),
    (
        "chardev-reconnect-mode",
        "reconnect",
        "mode='bind'",
        "mode='connect'",
    ),
    (
        "chardev-reconnect-timeout",
        "0",
        "timeout='0'",
        "timeout='5'",
    ),
    (
        "chardev-source-missing",
        "source",
        "<source/>",
        "<source path='/tmp/log'/>",
    ),
    (
        "chardev-generated-path",
        "/var/lib/libvirt/qemu/channel/target/domain-1-demo/org.qemu.guest_agent.0",
        "channel/target/domain-1-demo",
        "channel/custom",
    ),
    ("chardev-tcp-protocol", "tls", "type='tls'", "type='telnet'"),
    (
        "serial-target-machine",
        "pl011",
        "system-serial",
        "isa-serial",
    ),
    ("timer-tickpolicy", "delay", " tickpolicy='delay'", ""),
    (
        "timer-catchup",
        "catchup",
        "tickpolicy='delay'",
        "tickpolicy='catchup'",
    ),
    ("timer-tsc-only", "1000", "name='hpet'", "name='tsc'"),
    (
        "timer-track",
        "guest",
        "name='pit' track='guest'",
        "name='rtc' track='guest'",
    ),
    (
        "timer-qemu-unsupported",
        "merge",
        "tickpolicy='merge'",
        "tickpolicy='catchup'",
    ),
    ("iommu-machine", "intel", "machine='pc'", "machine='q35'"),
    (
        "iommu-virtio-acpi",
        "virtio",
        "  <vcpu>1</vcpu>\n",
        "  <vcpu>1</vcpu>\n  <features>\n    <acpi/>\n  </features>\n",
    ),
    ("iommu-virtio-address", "virtio-mmio", "virtio-mmio", "pci"),
    (
        "iommu-extra-attributes",
        "on",
        "<driver caching_mode='on'/>",
        "<driver/>",
    ),
    ("iommu-intremap", "on", "intremap='on'", "caching_mode='on'"),
    ("tseg-machine", "tseg", "machine='pc'", "machine='q35'"),
    (
        "pseries-only-feature",
        "htm",
        "machine='q35'",
        "machine='pseries'",
    ),
    ("i8042-disabled", "ps2", "state='off'", "state='on'"),
    (
        "shmem-size",
        "12345",
        "<size unit='K'>12345</size>",
        "<size unit='M'>4</size>",
    ),
    (
        "shmem-address-not-pci",
        "isa",
        "<address type='isa'/>",
        "<address type='pci'/>",
    ),
    (
        "tpm-external-source",
        "source",
        "mode='connect'/>",
        "mode='connect' path='/run/swtpm.sock'/>",
    ),
    (
        "input-virtio-transitional",
        "virtio-non-transitional",
        " model='virtio-non-transitional'",
        "",
    ),
    (
        "sysinfo-uuid-mismatch",
        "a94b4335-6a14-8bc4-d6da-f7ea590b6816",
        "a94b4335-6a14-8bc4-d6da-f7ea590b6816",
        "362D1FC1-DF7D-193E-5C18-49A71BD1DA66",
    ),
    (
        "smbios-date-format",
        "2024-01-31",
        "2024-01-31",
        "01/31/2024",
    ),
    (
        "seclabel-duplicate-model",
        "selinux",
        "model='selinux'/>\n</domain>",
        "model='dac'/>\n</domain>",
    ),
    (
        "seclabel-missing-model",
        "seclabel",
        "<seclabel type='none'/>",
        "<seclabel type='none' model='none'/>",
    ),
    (
        "alias-duplicate",
        "ua-port",
        "<alias name='ua-port'/>\n    </channel>",
        "<alias name='ua-chan'/>\n    </channel>",
    ),
];

#[test]
fn every_case_names_a_rule() {
    for (code, ..) in CASES {
        assert!(
            domxml_libvirt::rules::RuleCode::from_name(code).is_some(),
            "{code} is no rule code"
        );
    }
}

#[test]
fn each_rule_fires_at_its_text_and_not_after_the_correction() {
    for (code, covered, from, to) in CASES {
        let bad = example(code);
        let found = check(&bad);
        let hit = found
            .iter()
            .find(|f| f.code.as_str() == *code)
            .unwrap_or_else(|| panic!("{code}: not reported, got {:?}", codes(&found)));
        let slice = &bad[std::ops::Range::<usize>::from(hit.range)];
        assert_eq!(slice, *covered, "{code}: covers the wrong text");
        assert!(bad.contains(from), "{code}: correction does not apply");
        let good = bad.replacen(from, to, 1);
        let after = check(&good);
        assert!(
            !after.iter().any(|f| f.code.as_str() == *code),
            "{code}: still reported after the correction:\n{good}"
        );
    }
}

fn codes(found: &[Finding]) -> Vec<&'static str> {
    found.iter().map(|f| f.code.as_str()).collect()
}

fn apply_first_fix(text: &str, f: &Finding) -> String {
    let fix = f.fixes.first().expect("a fix");
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.delete.start()));
    let mut out = text.to_owned();
    for e in &edits {
        e.apply(&mut out);
    }
    out
}

#[test]
fn quick_fixes_remove_their_finding() {
    for code in [
        "vcpu-current-above-max",
        "cpu-topology-mismatch",
        "numa-memory-sum",
        "current-memory-above-memory",
        "shmem-address-not-pci",
    ] {
        let bad = example(code);
        let found = check(&bad);
        let f = found
            .iter()
            .find(|f| f.code.as_str() == code)
            .unwrap_or_else(|| panic!("{code}: not reported"));
        let fixed = apply_first_fix(&bad, f);
        let after = check(&fixed);
        assert!(
            !after.iter().any(|g| g.code.as_str() == code),
            "{code}: the fix leaves it:\n{fixed}"
        );
    }
}

#[test]
fn topology_fix_also_lowers_a_current_count_above_the_new_maximum() {
    let text = "<domain type='kvm'><name>d</name><memory>1024</memory><vcpu current='6'>6</vcpu>\
                <cpu><topology sockets='1' cores='2' threads='2'/></cpu>\
                <os><type arch='x86_64' machine='q35'>hvm</type></os></domain>";
    let found = check(text);
    let f = found
        .iter()
        .find(|f| f.code == RuleCode::CpuTopologyMismatch)
        .expect("topology mismatch");
    let fixed = apply_first_fix(text, f);
    assert!(fixed.contains("<vcpu current='4'>4</vcpu>"), "{fixed}");
    assert!(check(&fixed).is_empty(), "{:?}", codes(&check(&fixed)));
}

#[test]
fn qemu_rules_stay_silent_on_other_drivers() {
    for (code, ..) in CASES {
        let Some(rule) = RuleCode::from_name(code) else {
            continue;
        };
        if rule.scope() != rules::Scope::Qemu {
            continue;
        }
        let xen = example(code).replacen("type='kvm'", "type='xen'", 1);
        assert!(
            !check(&xen).iter().any(|f| f.code == rule),
            "{code} fires on a xen domain"
        );
    }
}

#[test]
fn malformed_and_huge_values_do_not_panic() {
    for (code, ..) in CASES {
        let text = example(code);
        for replacement in [
            "",
            "x",
            "-1",
            "99999999999999999999999999",
            "18446744073709551615",
            "0",
        ] {
            let mut mutated = String::new();
            let mut in_number = false;
            for ch in text.chars() {
                if ch.is_ascii_digit() {
                    if !in_number {
                        mutated.push_str(replacement);
                    }
                    in_number = true;
                } else {
                    in_number = false;
                    mutated.push(ch);
                }
            }
            let _ = check(&mutated);
        }
    }
}
