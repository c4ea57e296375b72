//! Fixtures for the boot, address, controller, disk, hostdev and interface rules: each rule
//! fires on its broken document, on the expected text, and not on the repaired one; each quick
//! fix makes its rule go away. Rules never panic, on any corpus file or a truncated one.

use domxml_libvirt::rules::{self, Finding, RuleOptions};

fn check(text: &str) -> Vec<Finding> {
    let parse = domxml_syntax::parse(text);
    rules::check(&parse, text, &RuleOptions::default())
}

fn dom(machine: &str, os_extra: &str, devices: &str) -> String {
    format!(
        "<domain type='kvm'>\n  <name>t</name>\n  <memory>1048576</memory>\n  <os>\n    <type \
         arch='x86_64' machine='{machine}'>hvm</type>{os_extra}\n  </os>\n  <devices>\n{devices}\n  \
         </devices>\n</domain>\n"
    )
}

fn slices<'a>(text: &'a str, code: &str) -> Vec<&'a str> {
    check(text)
        .into_iter()
        .filter(|f| f.code.as_str() == code)
        .map(|f| &text[std::ops::Range::<usize>::from(f.range)])
        .collect()
}

/// `bad` reports `code` exactly on `slice`; `good` does not report it.
fn case(code: &str, bad: &str, slice: &str, good: &str) {
    assert_eq!(slices(bad, code), [slice], "{code} on:\n{bad}");
    assert!(slices(good, code).is_empty(), "{code} fires on:\n{good}");
}

/// The first finding of `code` in `text`.
fn finding(text: &str, code: &str) -> Finding {
    check(text)
        .into_iter()
        .find(|f| f.code.as_str() == code)
        .unwrap_or_else(|| panic!("{code} does not fire on:\n{text}"))
}

/// Applying each fix of `code` in `text` silences `code`.
fn fixes_work(code: &str, text: &str) {
    let f = finding(text, code);
    assert!(!f.fixes.is_empty(), "{code} has no fix");
    for fix in &f.fixes {
        let mut edits = fix.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.delete.start()));
        let mut fixed = text.to_owned();
        for e in &edits {
            e.apply(&mut fixed);
        }
        assert!(
            slices(&fixed, code).is_empty(),
            "{code} still fires after '{}':\n{fixed}",
            fix.title
        );
    }
}

const VDA_BOOT1: &str =
    "<disk type='file'><source file='/a'/><target dev='vda' bus='virtio'/><boot order='1'/></disk>";

#[test]
fn boot() {
    let bad = dom("q35", "<boot dev='hd'/>", VDA_BOOT1);
    case(
        "boot-order-with-os-boot",
        &bad,
        "boot",
        &dom("q35", "", VDA_BOOT1),
    );
    fixes_work("boot-order-with-os-boot", &bad);
    let two = format!(
        "{VDA_BOOT1}\n<disk type='file'><source file='/b'/><target dev='vdb' bus='virtio'/><boot order='1'/></disk>"
    );
    case(
        "boot-order-duplicate",
        &dom("q35", "", &two),
        "1",
        &dom(
            "q35",
            "",
            &two.replacen("order='1'/></disk>\n", "order='2'/></disk>\n", 1),
        ),
    );
    fixes_work("boot-order-duplicate", &dom("q35", "", &two));
}

#[test]
fn pci_addresses() {
    let balloon = |slot: &str, f: &str| {
        format!(
            "<controller type='ide' index='0'/>\n<memballoon model='virtio'><address type='pci' domain='0x0000' bus='0x00' slot='{slot}' function='{f}'/></memballoon>"
        )
    };
    let bad = dom("pc", "", &balloon("0x01", "0x1"));
    case(
        "pci-address-in-use",
        &bad,
        "0x01",
        &dom("pc", "", &balloon("0x05", "0x0")),
    );
    fixes_work("pci-address-in-use", &bad);
    // Two explicit devices: the second is reported, the first is related.
    let two = "<watchdog model='i6300esb'><address type='pci' bus='0' slot='5'/></watchdog>\n<memballoon model='virtio'><address type='pci' bus='0' slot='5'/></memballoon>";
    let f = finding(&dom("q35", "", two), "pci-address-in-use");
    assert_eq!(f.related.len(), 1);
    fixes_work("pci-address-in-use", &dom("q35", "", two));
    // q35's chipset does not occupy 00:01.1.
    assert!(
        slices(
            &dom("q35", "", &balloon("0x01", "0x1")),
            "pci-address-in-use"
        )
        .is_empty()
    );
    // Never on other drivers.
    let xen = dom("pc", "", &balloon("0x01", "0x1")).replace("type='kvm'", "type='xen'");
    assert!(slices(&xen, "pci-address-in-use").is_empty());

    let port = |slot: &str| {
        format!(
            "<controller type='pci' index='0' model='pcie-root'/>\n<controller type='pci' index='1' model='pcie-root-port'/>\n<memballoon model='virtio'><address type='pci' bus='1' slot='{slot}'/></memballoon>"
        )
    };
    case(
        "pci-slot-out-of-range",
        &dom("q35", "", &port("2")),
        "2",
        &dom("q35", "", &port("0")),
    );

    let dmi = |bus: &str| {
        format!(
            "<controller type='pci' index='0' model='pcie-root'/>\n<controller type='pci' index='1' model='pcie-root-port'/>\n<controller type='pci' index='2' model='dmi-to-pci-bridge'><address type='pci' bus='{bus}' slot='0x1e'/></controller>"
        )
    };
    case(
        "pci-controller-incompatible",
        &dom("q35", "", &dmi("1")),
        "1",
        &dom("q35", "", &dmi("0")),
    );

    let iommu = |bus: &str| {
        format!("<iommu model='virtio'><address type='pci' bus='{bus}' slot='2'/></iommu>")
    };
    case(
        "pci-integrated-device-bus",
        &dom("q35", "", &iommu("1")),
        "1",
        &dom("q35", "", &iommu("0")),
    );
    case(
        "pci-no-bus",
        &dom("isapc", "", "<controller type='usb' index='0'/>"),
        "controller",
        &dom(
            "isapc",
            "",
            "<controller type='usb' index='0' model='none'/>",
        ),
    );
}

#[test]
fn drive_and_usb_addresses() {
    let hostdev = |unit: &str| {
        format!(
            "<disk type='file'><source file='/a'/><target dev='sda' bus='scsi'/></disk>\n<controller type='scsi' index='0' model='virtio-scsi'/>\n<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host2'/><address bus='0' target='0' unit='1'/></source><address type='drive' controller='0' bus='0' target='0' unit='{unit}'/></hostdev>"
        )
    };
    case(
        "drive-address-in-use",
        &dom("q35", "", &hostdev("0")),
        "sda",
        &dom("q35", "", &hostdev("1")),
    );

    let usb = |port: &str| {
        format!(
            "<controller type='usb' index='0' model='qemu-xhci'/>\n<hub type='usb'><address type='usb' bus='0' port='1'/></hub>\n<input type='tablet' bus='usb'><address type='usb' bus='0' port='{port}'/></input>"
        )
    };
    case(
        "usb-port-missing",
        &dom("q35", "", &usb("1.9")),
        "1.9",
        &dom("q35", "", &usb("1.8")),
    );
    case(
        "usb-port-missing",
        &dom("q35", "", &usb("2.1")),
        "2.1",
        &dom("q35", "", &usb("1.1")),
    );
    case(
        "usb-port-in-use",
        &dom("q35", "", &usb("1")),
        "1",
        &dom("q35", "", &usb("2")),
    );
    case(
        "usb-disabled",
        &dom(
            "q35",
            "",
            "<controller type='usb' model='none'/>\n<hub type='usb'/>",
        ),
        "hub",
        &dom("q35", "", "<controller type='usb' model='none'/>"),
    );
}

#[test]
fn controllers() {
    let dup = "<controller type='pci' index='0' model='pcie-root'/>\n<controller type='pci' index='1' model='pcie-root-port'/>\n<controller type='pci' index='1' model='pcie-root-port'/>";
    let text = dom("q35", "", dup);
    let found = slices(&text, "controller-index-duplicate");
    assert_eq!(found, ["1"]);
    fixes_work("controller-index-duplicate", &dom("q35", "", dup));
    let usb_twice = "<controller type='usb' index='0' model='ich9-ehci1'/>\n<controller type='usb' index='0' model='ich9-uhci1'><master startport='0'/></controller>";
    assert!(slices(&dom("q35", "", usb_twice), "controller-index-duplicate").is_empty());

    let root = |m: &str| format!("<controller type='pci' index='0' model='{m}'/>");
    case(
        "pci-root-model",
        &dom("q35", "", &root("pci-root")),
        "pci-root",
        &dom("q35", "", &root("pcie-root")),
    );
    case(
        "pci-root-model",
        &dom("pc", "", &root("pcie-root")),
        "pcie-root",
        &dom("pc", "", &root("pci-root")),
    );
    fixes_work("pci-root-model", &dom("q35", "", &root("pci-root")));
    case(
        "usb-companion-without-master",
        &dom(
            "q35",
            "",
            "<controller type='usb' index='0' model='ich9-uhci1'><master startport='0'/></controller>",
        ),
        "master",
        &dom("q35", "", usb_twice),
    );
    let xhci = |p: &str| format!("<controller type='usb' index='0' model='nec-xhci' ports='{p}'/>");
    case(
        "usb-controller-ports-limit",
        &dom("q35", "", &xhci("16")),
        "16",
        &dom("q35", "", &xhci("15")),
    );
    fixes_work("usb-controller-ports-limit", &dom("q35", "", &xhci("16")));
}

#[test]
fn disks() {
    let two = |b: &str| {
        format!(
            "<disk type='file'><source file='/a'/><target dev='vda' bus='virtio'/></disk>\n<disk type='file'><source file='/b'/><target dev='{b}' bus='virtio'/></disk>"
        )
    };
    case(
        "disk-target-duplicate",
        &dom("q35", "", &two("vda")),
        "vda",
        &dom("q35", "", &two("vdb")),
    );
    fixes_work("disk-target-duplicate", &dom("q35", "", &two("vda")));
    let one = |t: &str| {
        format!("<disk type='file'><source file='/a'/><target dev='{t}' bus='virtio'/></disk>")
    };
    case(
        "disk-target-partition",
        &dom("q35", "", &one("vdb1")),
        "vdb1",
        &dom("q35", "", &one("vdb")),
    );
    fixes_work("disk-target-partition", &dom("q35", "", &one("vdb1")));
    case(
        "disk-target-prefix",
        &dom("q35", "", &one("nvme0")),
        "nvme0",
        &dom("q35", "", &one("vdc")),
    );
    let sata = |ty: &str| {
        format!(
            "<disk type='file'><source file='/a'/><target dev='sda' bus='sata'/><address type='{ty}'/></disk>"
        )
    };
    case(
        "disk-address-type",
        &dom("q35", "", &sata("pci")),
        "pci",
        &dom("q35", "", &sata("drive")),
    );
    let iso = |f: &str| {
        format!(
            "<disk type='file' device='cdrom'><driver name='qemu' type='{f}'/><source file='/a.iso'/><target dev='sda' bus='sata'/></disk>"
        )
    };
    case(
        "disk-format-iso",
        &dom("q35", "", &iso("iso")),
        "iso",
        &dom("q35", "", &iso("raw")),
    );
    fixes_work("disk-format-iso", &dom("q35", "", &iso("iso")));
}

/// Past a few dozen disks the duplicate checks look targets and drive addresses up in a map
/// instead of comparing pairs: both ways find the same duplicates.
#[test]
fn many_disks_find_duplicates_as_few_do() {
    let target = |i: usize| match i {
        0..=24 => format!("vd{}", char::from(b'b' + i as u8)),
        _ => format!("vda{}", char::from(b'a' + (i - 25) as u8)),
    };
    for others in [0, 1, 40] {
        let mut devices = String::from(
            "<disk type='file'><source file='/a'/><target dev='vda' bus='virtio'/></disk>\n",
        );
        for i in 0..others {
            devices += &format!(
                "<disk type='file'><source file='/{i}'/><target dev='{}' bus='virtio'/></disk>\n",
                target(i)
            );
        }
        devices += "<disk type='file'><source file='/b'/><target dev='vda' bus='virtio'/></disk>\n\
            <disk type='file'><source file='/c'/><target dev='sdb' bus='sata'/></disk>\n\
            <disk type='file'><source file='/d'/><target dev='sdc' bus='sata'/>\
            <address type='drive' controller='0' bus='0' target='0' unit='1'/></disk>";
        let text = dom("q35", "", &devices);
        assert_eq!(
            slices(&text, "disk-target-duplicate"),
            ["vda"],
            "{others} disks"
        );
        assert_eq!(
            slices(&text, "drive-address-in-use"),
            ["address"],
            "{others} disks"
        );
        fixes_work("disk-target-duplicate", &text);
    }
}

#[test]
fn hostdevs_and_interfaces() {
    let pci = |slot: &str| {
        format!(
            "<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='6' slot='{slot}' function='0'/></source></hostdev>"
        )
    };
    let twice = format!("{}\n{}", pci("0x12"), pci("18"));
    assert_eq!(
        slices(&dom("q35", "", &twice), "hostdev-duplicate"),
        ["source"]
    );
    assert!(
        slices(
            &dom("q35", "", &format!("{}\n{}", pci("0x12"), pci("0x13"))),
            "hostdev-duplicate"
        )
        .is_empty()
    );
    let hint = finding(&dom("q35", "", &pci("010")), "pci-number-radix");
    assert_eq!(hint.severity, domxml_libvirt::Severity::Hint);
    assert!(hint.message.contains("octal: 8"), "{}", hint.message);
    assert!(slices(&dom("q35", "", &pci("10")), "pci-number-radix").is_empty());
    assert!(slices(&dom("q35", "", &pci("0")), "pci-number-radix").is_empty());

    let rx = |n: &str| {
        format!(
            "<interface type='network'><source network='default'/><model type='virtio'/><driver rx_queue_size='{n}'/></interface>"
        )
    };
    case(
        "net-queue-size-power-of-two",
        &dom("q35", "", &rx("511")),
        "511",
        &dom("q35", "", &rx("512")),
    );
    let pf = |backend: &str| {
        format!(
            "<interface type='user'><portForward proto='tcp'><range start='22'/></portForward>{backend}</interface>"
        )
    };
    case(
        "net-port-forward-backend",
        &dom("q35", "", &pf("")),
        "portForward",
        &dom("q35", "", &pf("<backend type='passt'/>")),
    );
}

#[test]
fn usb_numbers() {
    let usb = |vendor: &str, product: &str, bus: &str, device: &str| {
        dom(
            "q35",
            "",
            &format!(
                "<hostdev mode='subsystem' type='usb'><source><vendor id='{vendor}'/><product id='{product}'/><address bus='{bus}' device='{device}'/></source></hostdev>"
            ),
        )
    };
    let fine = usb("0x1234", "0xbeef", "1", "14");
    assert!(slices(&fine, "usb-number-radix").is_empty());
    assert!(slices(&fine, "usb-number-invalid").is_empty());

    // Hex digits without 0x: libvirt refuses them, quoting its own parse error.
    let beef = usb("0x1234", "beef", "1", "14");
    case("usb-number-invalid", &beef, "beef", &fine);
    let f = finding(&beef, "usb-number-invalid");
    assert!(
        f.message.contains(
            "Invalid value for attribute 'id' in element 'product': 'beef'. Expected non-negative integer value"
        ),
        "{}",
        f.message
    );
    fixes_work("usb-number-invalid", &beef);
    // An 8 or 9 after a leading 0, and a zero vendor, are refused too.
    assert_eq!(
        slices(&usb("0129", "0x1", "009", "14"), "usb-number-invalid"),
        ["0129", "009"]
    );
    fixes_work("usb-number-invalid", &usb("0x1234", "0x1", "009", "14"));
    assert_eq!(
        slices(&usb("0x0000", "0x1", "1", "2"), "usb-number-invalid"),
        ["0x0000"]
    );

    // Digits only: decimal (or octal after a leading 0), not the hex lsusb shows.
    let decimal = usb("1234", "0xbeef", "1", "14");
    case("usb-number-radix", &decimal, "1234", &fine);
    let f = finding(&decimal, "usb-number-radix");
    assert_eq!(f.severity, domxml_libvirt::Severity::Warning);
    assert!(f.message.contains("as decimal"), "{}", f.message);
    assert!(f.message.contains("1234, which is 0x04d2"), "{}", f.message);
    assert!(
        f.message.contains("if you meant 0x1234, write 0x1234"),
        "{}",
        f.message
    );
    assert_eq!(f.fixes[0].title, "Write 0x1234");
    fixes_work("usb-number-radix", &decimal);
    let octal = usb("0x1234", "0123", "1", "14");
    assert_eq!(slices(&octal, "usb-number-radix"), ["0123"]);
    fixes_work("usb-number-radix", &octal);
    // One digit, or 00-07 after a leading 0, reads the same in every base.
    assert!(slices(&usb("0x1234", "7", "1", "14"), "usb-number-radix").is_empty());
    assert!(slices(&usb("0x1234", "07", "1", "14"), "usb-number-radix").is_empty());

    // Bus and device numbers: lsusb's zero-padded decimal is octal to libvirt.
    let padded = usb("0x1234", "0xbeef", "001", "010");
    assert_eq!(slices(&padded, "usb-number-radix"), ["010"]);
    let f = finding(&padded, "usb-number-radix");
    assert!(f.message.contains("as octal"), "{}", f.message);
    assert_eq!(f.fixes[0].title, "Write 10");
    fixes_work("usb-number-radix", &padded);

    // A redirection filter reads class, vendor and product the same way; -1 is "any".
    let filter = |class: &str, vendor: &str| {
        dom(
            "q35",
            "",
            &format!(
                "<redirfilter><usbdev class='{class}' vendor='{vendor}' product='-1' allow='yes'/></redirfilter>"
            ),
        )
    };
    assert!(slices(&filter("-1", "0x15E1"), "usb-number-radix").is_empty());
    assert!(slices(&filter("-1", "0x15E1"), "usb-number-invalid").is_empty());
    assert_eq!(slices(&filter("10", "-1"), "usb-number-radix"), ["10"]);
    let f = finding(&filter("-1", "15e1"), "usb-number-invalid");
    assert!(
        f.message
            .contains("in element 'usbdev': '15e1'. Expected integer value"),
        "{}",
        f.message
    );
    fixes_work("usb-number-invalid", &filter("-1", "15e1"));
    // What the schema refuses stays the schema's business.
    assert!(slices(&usb("0x1234", "zz", "1", "12345"), "usb-number-invalid").is_empty());
}

#[test]
fn usb_address_not_decimal() {
    let tablet = |bus: &str, port: &str| {
        dom(
            "q35",
            "",
            &format!(
                "<controller type='usb' index='0' model='qemu-xhci'/><input type='tablet' bus='usb'><address type='usb' bus='{bus}' port='{port}'/></input>"
            ),
        )
    };
    let fine = tablet("0", "1.2");
    assert!(slices(&fine, "usb-address-not-decimal").is_empty());
    // Leading zeros are decimal here (base 10), not octal.
    assert!(slices(&tablet("00", "010"), "usb-address-not-decimal").is_empty());
    case(
        "usb-address-not-decimal",
        &tablet("0x1", "1.2"),
        "0x1",
        &fine,
    );
    case(
        "usb-address-not-decimal",
        &tablet("0", "1.0xa"),
        "1.0xa",
        &fine,
    );
    case("usb-address-not-decimal", &tablet("0", "b"), "b", &fine);
    let port = finding(&tablet("0", "1.0xa"), "usb-address-not-decimal");
    assert!(port.message.contains("write 1.10"), "{}", port.message);
    assert!(
        port.message
            .contains("Cannot parse <address> 'port' attribute"),
        "{}",
        port.message
    );
    fixes_work("usb-address-not-decimal", &tablet("0x1", "1.2"));
    fixes_work("usb-address-not-decimal", &tablet("0", "0x2.3"));
}

#[test]
fn usb_hostdev_duplicates_compare_numbers() {
    let source = |vendor: &str, address: &str| {
        format!(
            "<hostdev mode='subsystem' type='usb'><source><vendor id='{vendor}'/><product id='0xbeef'/>{address}</source></hostdev>"
        )
    };
    // The same id written two ways is one device.
    let twice = format!("{}\n{}", source("0x1234", ""), source("4660", ""));
    assert_eq!(
        slices(&dom("q35", "", &twice), "hostdev-duplicate"),
        ["source"]
    );
    // Two sticks of one model at two host addresses are two devices (libvirt compares the
    // addresses when they are given)...
    let two = format!(
        "{}\n{}",
        source("0x1234", "<address bus='1' device='2'/>"),
        source("0x1234", "<address bus='1' device='3'/>")
    );
    assert!(slices(&dom("q35", "", &two), "hostdev-duplicate").is_empty());
    // ...and one address written two ways is one device.
    let same = format!(
        "{}\n{}",
        source("0x1234", "<address bus='1' device='10'/>"),
        source("0x1234", "<address bus='1' device='0xa'/>")
    );
    assert_eq!(
        slices(&dom("q35", "", &same), "hostdev-duplicate"),
        ["source"]
    );
}

#[test]
fn rules_never_panic() {
    let Some(corpus) = domxml_testdata::domain_corpus() else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    for (i, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).expect("corpus file");
        check(&text);
        if i % 97 == 0 {
            for cut in (0..text.len()).step_by(53) {
                if text.is_char_boundary(cut) {
                    check(&text[..cut]);
                }
            }
        }
    }
    // Malformed numbers and missing attributes are the schema's business.
    for devices in [
        "<memballoon model='virtio'><address type='pci' slot='zz' bus='-1'/></memballoon>",
        "<controller type='pci' index='x' model='pcie-root'/><controller type='usb' ports='99999999999999999999' model='qemu-xhci'/>",
        "<input type='tablet' bus='usb'><address type='usb' port='1.2.3.4.5.6'/></input><hub type='usb'><address type='usb' port='..'/></hub>",
        "<disk><target dev='sd'/><address type='drive' unit='x'/></disk><disk><target dev='sd'/></disk>",
        "<hostdev type='pci'><source><address slot='09'/></source></hostdev>",
    ] {
        check(&dom("q35", "<boot order='x'/>", devices));
    }
}
