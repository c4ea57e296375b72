//! What the value types of libvirt's schemas (and of the built-in catalogue) mean, in words with
//! an example, by the name of the define that declares them. Messages and hovers say "an absolute
//! path such as /var/lib/libvirt/images/vm.qcow2", never a regular expression or a define name.

/// Define name -> description. Both libvirt's names (`absFilePath`) and the built-in
/// catalogue's (`types.path.absFile`) are listed.
const WORDS: &[(&[&str], &str)] = &[
    (
        &["absFilePath", "types.path.absFile"],
        "an absolute file path such as /var/lib/libvirt/images/vm.qcow2",
    ),
    (
        &["absDirPath", "types.path.absDir"],
        "an absolute directory path such as /var/lib/libvirt/images",
    ),
    (
        &["filePath", "path", "types.path"],
        "a file path such as /var/lib/libvirt/images/vm.qcow2",
    ),
    (
        &["dirPath", "types.path.dir"],
        "a directory path such as /srv/share",
    ),
    (
        &["vmwarePath", "types.path.vmware"],
        "a VMware datastore path such as [datastore1] vm/vm.vmdk",
    ),
    (
        &["UUID", "types.uuid"],
        "a UUID such as 4dea22b3-1d52-d8f3-2516-782e98ab3fa0",
    ),
    (
        &["uniMacAddr", "types.mac.unicast"],
        "a unicast MAC address such as 52:54:00:12:34:56",
    ),
    (
        &["multiMacAddr", "types.mac.multicast"],
        "a multicast MAC address such as 01:00:5e:00:00:01",
    ),
    (
        &["macAddr", "addrMAC", "mac", "types.mac"],
        "a MAC address such as 52:54:00:12:34:56",
    ),
    (
        &["ipv4Addr", "types.ipv4"],
        "an IPv4 address such as 192.168.122.1",
    ),
    (
        &["ipv6Addr", "types.ipv6"],
        "an IPv6 address such as fe80::1",
    ),
    (
        &["addrIP", "addrIPv6"],
        "an IP address such as 192.168.122.1 or fe80::1",
    ),
    (
        &["ipv4Prefix", "types.ipv4.prefix"],
        "an IPv4 prefix length from 0 to 32 such as 24",
    ),
    (
        &["ipv6Prefix", "types.ipv6.prefix"],
        "an IPv6 prefix length from 0 to 128 such as 64",
    ),
    (
        &["addrMask", "addrMaskv6"],
        "a network mask such as 255.255.255.0",
    ),
    (
        &["dnsName", "types.hostname"],
        "a host name such as host.example.com",
    ),
    (
        &["objectName", "types.name.object"],
        "a name without a slash such as vm1",
    ),
    (
        &["objectNameWithSlash"],
        "a name (a slash is allowed) such as pool/vm1",
    ),
    (
        &["genericName", "types.name.generic"],
        "a name of letters, digits, dashes, underscores, dots and plus signs such as vm-1",
    ),
    (
        &["types.name.line"],
        "one line of text (no line breaks) such as My web server",
    ),
    (
        &["deviceName", "types.name.device"],
        "a device name such as vda",
    ),
    (
        &["diskTargetDev"],
        "a disk target name such as vda, sda or hdc",
    ),
    (
        &["aliasName", "types.name.alias"],
        "an alias such as ua-disk0",
    ),
    (
        &["volName", "types.name.volume"],
        "a volume name such as vm1.qcow2",
    ),
    (
        &["zoneName", "types.name.zone"],
        "a zone name such as public",
    ),
    (&["timeZone"], "a time zone such as Europe/Paris or UTC"),
    (
        &["cpuset", "types.cpuset"],
        "a set of CPUs such as 0-3,8,^2",
    ),
    (
        &["pciSlot", "types.pci.slot"],
        "a PCI slot number such as 0x01",
    ),
    (
        &["pciFunc", "types.pci.function"],
        "a PCI function number from 0 to 7 such as 0x0",
    ),
    (
        &["ccwCssidRange", "types.ccw.cssid"],
        "a channel subsystem number such as 0xfe",
    ),
    (
        &["ccwSsidRange", "types.ccw.ssid"],
        "a subchannel set number from 0 to 3 such as 0x0",
    ),
    (
        &["ccwDevnoRange", "types.ccw.devno"],
        "a CCW device number such as 0x0001",
    ),
    (
        &["usbAddr", "types.usb.addr"],
        "a USB bus or device number such as 3 (a leading 0 means octal)",
    ),
    (
        &["usbId", "types.usb.id"],
        "a USB id such as 0x1234 (hex needs the 0x)",
    ),
    (
        &["usbIdDefault", "types.usb.anyId"],
        "a USB id such as 0x1234 (hex needs the 0x), or -1 for any",
    ),
    (&["usbClass", "types.usb.class"], "a USB class such as 0x08"),
    (
        &["usbVersion", "types.usb.version"],
        "a USB version such as 2.0",
    ),
    (
        &["usbPort", "types.usb.port"],
        "a USB port path such as 1.2",
    ),
    (
        &["wwn", "types.wwn"],
        "a World Wide Name of 16 hex digits such as 5000c50015ea71ac",
    ),
    (
        &["unit", "types.unit"],
        "a size unit such as KiB, MiB, GiB or bytes",
    ),
    (
        &["memoryKB", "types.sizeKiB"],
        "a size in KiB such as 4194304",
    ),
    (
        &["octalMode", "types.octalMode", "types.fileMode"],
        "an octal file mode such as 0644",
    ),
    (
        &["hexuint", "types.hexUint"],
        "a hexadecimal number such as 0x1f",
    ),
    (
        &["dbusAddr", "types.dbusAddress"],
        "a D-Bus address such as unix:path=/run/dbus.sock",
    ),
    (
        &["PortNumber", "port", "types.port"],
        "a port number such as 5900",
    ),
    (
        &["timeDelta", "clock.delta"],
        "a number of seconds, possibly negative, such as -3600",
    ),
    (
        &["diskSerial"],
        "a disk serial number of letters, digits, dashes, underscores and dots such as WD-1234",
    ),
    (
        &["IscsiQualifiedName"],
        "an iSCSI name such as iqn.2013-07.com.example:target",
    ),
    (
        &["vlan-id", "vlan-vlanid"],
        "a VLAN id from 0 to 4095 such as 42",
    ),
    (
        &["duidUUID", "duidLL", "duidLLT", "duidEN"],
        "a DHCP unique id (DUID)",
    ),
    (
        &["virtualPortProfileID", "profileName"],
        "a port profile name such as finance",
    ),
    (
        &["featureName", "netfeaturename", "monitorFeature"],
        "a feature name such as vmx",
    ),
    (
        &[
            "driveController",
            "driveBus",
            "driveTarget",
            "driveUnit",
            "driveSCSITarget",
            "driveSCSIUnit",
        ],
        "a drive address number such as 0",
    ),
    (&["vcpuid", "cpu.vcpuId"], "a vCPU number such as 0"),
    (
        &["weight", "resources.blkio.weight"],
        "a weight from 100 to 1000 such as 500",
    ),
    (
        &["positiveInteger", "types.positive"],
        "a positive whole number such as 1",
    ),
];

/// The description in words of the datatype declared by define `label`, when known.
pub fn datatype_words(label: &str) -> Option<String> {
    WORDS
        .iter()
        .find(|(names, _)| names.contains(&label))
        .map(|(_, words)| (*words).to_owned())
}
