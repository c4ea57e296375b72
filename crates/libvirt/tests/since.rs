//! The catalogue's `dx:since` annotations: well formed, never newer than the libvirt it
//! describes, and found where libvirt's documentation puts them.

use domxml_schema::query::documentation;

/// The libvirt release the built-in catalogue describes.
const CATALOGUE_LIBVIRT: (u32, u32, u32) = (11, 3, 0);
const DRIVERS: &[&str] = &["QEMU", "Xen", "LXC"];

#[test]
fn every_since_is_a_release_no_newer_than_the_catalogue() {
    let cat = domxml_libvirt::builtin::catalogue().expect("compiles");
    let mut count = 0;
    for since in cat.releases() {
        count += 1;
        let numbers = since.numbers();
        assert!(
            numbers.is_some() && since.version.split('.').count() == 3,
            "not a major.minor.micro version: {since:?}"
        );
        assert!(
            numbers <= Some(CATALOGUE_LIBVIRT),
            "newer than libvirt 11.3: {since:?}"
        );
        if let Some(driver) = &since.driver {
            assert!(DRIVERS.contains(&driver.as_str()), "{since:?}");
        }
    }
    // Coverage does not silently drop: several hundred items carry libvirt's release.
    assert!(count >= 600, "only {count} annotated items");
}

fn since_of(path: &str, value: Option<&str>) -> Option<(String, Option<String>)> {
    let cat = domxml_libvirt::builtin::catalogue().expect("compiles");
    let doc = documentation(&cat, path, value)?;
    assert!(doc.exact, "{path} found by name only");
    doc.since.map(|s| (s.version, s.driver))
}

#[test]
fn known_items_carry_their_release() {
    let v = |s: &str| Some((s.to_owned(), None));
    let qemu = |s: &str| Some((s.to_owned(), Some("QEMU".to_owned())));
    assert_eq!(
        since_of("domain/devices/watchdog/@model", Some("itco")),
        v("9.1.0")
    );
    assert_eq!(
        since_of("domain/devices/watchdog/@model", Some("diag288")),
        v("1.2.17")
    );
    assert_eq!(since_of("domain/devices/watchdog", None), qemu("0.7.3"));
    assert_eq!(
        since_of("domain/devices/panic/@model", Some("pvpanic")),
        qemu("9.1.0")
    );
    assert_eq!(since_of("domain/cputune/cachetune", None), v("4.1.0"));
    // Tags that version discovery fingerprints carry their release too.
    assert_eq!(since_of("domain/features/aia", None), qemu("11.1.0"));
    assert_eq!(
        since_of("domain/devices/filesystem/driver/@type", Some("mtp")),
        qemu("10.2.0")
    );
    assert_eq!(
        since_of("domain/devices/interface/backend/@type", Some("passt")),
        qemu("9.0.0")
    );
    assert_eq!(
        since_of("domain/features/kvm/dirty-ring", None),
        qemu("8.0.0")
    );
    // Firmware auto-selection (the attribute) came before its feature filter (the element).
    assert_eq!(since_of("domain/os/@firmware", None), qemu("5.2.0"));
    assert_eq!(since_of("domain/os/firmware", None), qemu("7.2.0"));
    assert_eq!(
        since_of("domain/devices/disk/driver/@cache", Some("directsync")),
        v("0.9.5")
    );
    assert_eq!(
        since_of("domain/features/hyperv/relaxed", None),
        qemu("1.0.0")
    );
    assert_eq!(
        since_of("domain/devices/audio/@type", Some("pipewire")),
        qemu("9.10.0")
    );
    assert_eq!(
        since_of("domain/devices/filesystem/@type", Some("ram")),
        Some(("0.9.13".to_owned(), Some("LXC".to_owned())))
    );
    assert_eq!(
        since_of("domain/devices/graphics/channel/@name", Some("usbredir")),
        v("0.9.12")
    );
    assert_eq!(
        since_of("domain/devices/graphics/listen/@type", Some("socket")),
        qemu("2.0.0")
    );
    assert_eq!(
        since_of("domain/devices/serial/target/@type", Some("isa-debug")),
        v("8.1.0")
    );
    assert_eq!(
        since_of("domain/devices/serial/target/model/@name", Some("16550a")),
        v("4.7.0")
    );
    assert_eq!(
        since_of("domain/devices/tpm/@model", Some("spapr-tpm-proxy")),
        v("6.5.0")
    );
    assert_eq!(
        since_of("domain/devices/memory/@model", Some("virtio-mem")),
        v("7.9.0")
    );
    assert_eq!(
        since_of("domain/devices/memory/@model", Some("sgx-epc")),
        qemu("8.10.0")
    );
    assert_eq!(
        since_of("domain/devices/iommu/@model", Some("smmuv3")),
        v("5.5.0")
    );
    assert_eq!(since_of("domain/devices/iommu", None), v("2.1.0"));
    assert_eq!(since_of("domain/seclabel/@type", Some("none")), v("0.9.10"));
    assert_eq!(
        since_of(
            "domain/devices/interface/virtualport/@type",
            Some("midonet")
        ),
        v("1.2.13")
    );
    assert_eq!(
        since_of("domain/devices/sound/@model", Some("ich7")),
        v("6.7.0")
    );
    assert_eq!(
        since_of("domain/devices/video/model/@vram64", None),
        v("1.3.3")
    );
    assert_eq!(since_of("domain/devices/pstore", None), v("10.6.0"));
    // A release stated per driver is kept only with its driver.
    assert_eq!(
        since_of("domain/devices/video/model/acceleration/@accel3d", None),
        qemu("1.3.0")
    );
    // A shared definition whose uses came in different releases carries the release of
    // the use libvirt documents, restricted to it (`dx:sinceUnder`): the disk source's
    // `file` is also the NVRAM source's (libvirt 8.5) and the backing store's.
    assert_eq!(
        since_of("domain/devices/disk/source/@file", None),
        v("0.0.3")
    );
    assert_eq!(since_of("domain/os/nvram/source/@file", None), None);
    assert_eq!(
        since_of("domain/devices/disk/backingStore/source/@file", None),
        None
    );
    assert_eq!(
        since_of("domain/devices/disk/@type", Some("network")),
        v("0.8.7")
    );
    assert_eq!(since_of("domain/os/nvram/@type", Some("network")), None);
    assert_eq!(since_of("domain/os/nvram/@type", Some("file")), v("8.5.0"));
    assert_eq!(since_of("domain/devices/disk/@type", Some("file")), None);
    assert_eq!(
        since_of("domain/devices/disk/mirror/@type", Some("network")),
        None
    );
    // The mirror's `<source>` (1.2.6) is the disk's `<source>` pattern.
    assert_eq!(
        since_of("domain/devices/disk/mirror/source", None),
        v("1.2.6")
    );
    assert_eq!(since_of("domain/devices/disk/source", None), None);
    // Virtio options: 3.5 for the devices documented then, nothing for vsock's `<driver>`
    // (7.1), whose `packed` cannot predate it.
    assert_eq!(
        since_of("domain/devices/interface/driver/@iommu", None),
        v("3.5.0")
    );
    assert_eq!(
        since_of("domain/devices/rng/driver/@packed", None),
        qemu("6.3.0")
    );
    assert_eq!(since_of("domain/devices/vsock/driver/@packed", None), None);
    assert_eq!(since_of("domain/devices/vsock/driver", None), v("7.1.0"));
    assert_eq!(since_of("domain/devices/rng/driver", None), None);
    // Per-device boot: 0.8.8 for disks and interfaces, not for host devices (0.8.8 for PCI
    // but 1.0.1 for USB ones).
    assert_eq!(since_of("domain/devices/interface/boot", None), v("0.8.8"));
    assert_eq!(since_of("domain/devices/hostdev/boot", None), None);
    // One `unit` attribute serves twenty elements; 0.9.11 is documented for a few.
    assert_eq!(since_of("domain/memory/@unit", None), v("0.9.11"));
    assert_eq!(
        since_of("domain/memtune/swap_hard_limit/@unit", None),
        v("0.9.11")
    );
    assert_eq!(
        since_of("domain/devices/memory/target/size/@unit", None),
        None
    );
    // iotune's elements are also the throttle groups' (11.2).
    assert_eq!(
        since_of("domain/devices/disk/iotune/group_name", None),
        qemu("3.0.0")
    );
    assert_eq!(
        since_of("domain/throttlegroups/throttlegroup/group_name", None),
        None
    );
    // `ramfb` is one attribute for mdev (5.10) and PCI (10.3) host devices; the VNC
    // display's `<audio>` is also the D-Bus display's (8.4).
    assert_eq!(since_of("domain/devices/hostdev/@ramfb", None), None);
    assert_eq!(since_of("domain/devices/graphics/audio", None), None);
    // A memory module's `<nodemask>` is older for dimm than for sgx-epc (8.10).
    assert_eq!(
        since_of("domain/devices/memory/source/nodemask", None),
        None
    );
    // Values libvirt's documentation gives no release for carry none.
    assert_eq!(
        since_of("domain/devices/watchdog/@model", Some("i6300esb")),
        None
    );
}
