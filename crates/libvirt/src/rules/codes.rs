//! The one list of rule codes: name, driver scope, default severity and a one-line summary.

use crate::Severity;

/// Which domains a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// libvirt's driver-independent checks (`src/conf/`): every domain.
    Generic,
    /// The QEMU driver's checks (`src/qemu/`): only `type='kvm'` and `type='qemu'` domains.
    Qemu,
}

macro_rules! rule_codes {
    ($($variant:ident = ($name:literal, $scope:ident, $severity:ident, $summary:literal),)*) => {
        /// A stable rule code, as shown to users and accepted by `--disable`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleCode {
            $($variant,)*
        }

        impl RuleCode {
            pub const ALL: &[RuleCode] = &[$(RuleCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleCode::$variant => $name,)*
                }
            }

            pub fn scope(self) -> Scope {
                match self {
                    $(RuleCode::$variant => Scope::$scope,)*
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(RuleCode::$variant => Severity::$severity,)*
                }
            }

            pub fn summary(self) -> &'static str {
                match self {
                    $(RuleCode::$variant => $summary,)*
                }
            }

            pub fn from_name(name: &str) -> Option<RuleCode> {
                RuleCode::ALL.iter().copied().find(|c| c.as_str() == name)
            }
        }
    };
}

rule_codes! {
    // boot
    BootOrderWithOsBoot = ("boot-order-with-os-boot", Generic, Error, "per-device <boot order> together with <os><boot dev>"),
    BootOrderDuplicate = ("boot-order-duplicate", Generic, Error, "the same boot order on two devices"),
    // addresses
    PciAddressInUse = ("pci-address-in-use", Qemu, Error, "two devices, or a device and the machine's chipset, on one PCI address"),
    PciSlotOutOfRange = ("pci-slot-out-of-range", Qemu, Error, "a PCI slot the controller does not have"),
    PciControllerIncompatible = ("pci-controller-incompatible", Qemu, Error, "a device on a PCI controller that cannot take it"),
    PciIntegratedDeviceBus = ("pci-integrated-device-bus", Qemu, Error, "an integrated device off PCI bus 0"),
    PciNoBus = ("pci-no-bus", Qemu, Error, "a PCI device on a machine without PCI"),
    PciChipsetControllerAddress = ("pci-chipset-controller-address", Qemu, Error, "the chipset's own IDE/USB/SATA controller moved off its fixed address"),
    DriveAddressInUse = ("drive-address-in-use", Generic, Error, "two disks or SCSI host devices on one drive address"),
    UsbPortInUse = ("usb-port-in-use", Qemu, Error, "two USB devices or hubs on one port"),
    UsbPortMissing = ("usb-port-missing", Qemu, Error, "a USB port or hub that the bus does not have"),
    UsbDisabled = ("usb-disabled", Generic, Error, "USB controllers or devices with <controller type='usb' model='none'>"),
    // controllers
    ControllerIndexDuplicate = ("controller-index-duplicate", Generic, Error, "two controllers of one type with the same index"),
    PciRootModel = ("pci-root-model", Qemu, Error, "the PCI controller at index 0 is not the machine's root model"),
    PciRootIndex = ("pci-root-index", Qemu, Error, "a pci-root or pcie-root controller with an index other than 0"),
    PciRootAddress = ("pci-root-address", Generic, Error, "a pci-root or pcie-root controller with an address"),
    PciExpanderBusMachine = ("pci-expander-bus-machine", Qemu, Error, "a PCI expander bus the machine type cannot have"),
    PciExpanderBusNumaNode = ("pci-expander-bus-numa-node", Qemu, Error, "a PCI expander bus on a guest NUMA node that does not exist"),
    UsbCompanionWithoutMaster = ("usb-companion-without-master", Generic, Error, "a USB companion controller without its EHCI master"),
    UsbControllerPortsLimit = ("usb-controller-ports-limit", Qemu, Error, "an xHCI controller with more than 15 ports"),
    ControllerIothreadUnsupported = ("controller-iothread-unsupported", Generic, Error, "an iothread on a controller other than virtio-scsi"),
    // disks
    DiskTargetDuplicate = ("disk-target-duplicate", Generic, Error, "two disks with the same <target dev>"),
    DiskTargetPrefix = ("disk-target-prefix", Generic, Error, "a disk target name libvirt does not know"),
    DiskTargetPartition = ("disk-target-partition", Qemu, Error, "a partition number in a disk target"),
    DiskAddressType = ("disk-address-type", Generic, Error, "an address type the disk's bus cannot have"),
    DiskUsbAddressType = ("disk-usb-address-type", Qemu, Error, "a USB disk with an address other than USB"),
    DiskFloppyBus = ("disk-floppy-bus", Generic, Error, "a floppy off the fdc bus, or the fdc bus for a non-floppy"),
    DiskLunSource = ("disk-lun-source", Generic, Error, "a device='lun' disk without a block or iSCSI source"),
    DiskEncryptionFormat = ("disk-encryption-format", Qemu, Error, "disk encryption on an image format other than raw or qcow2"),
    DiskFormatIso = ("disk-format-iso", Qemu, Error, "the 'iso' image format"),
    DiskProtocolRemoved = ("disk-protocol-removed", Generic, Error, "a network disk protocol no hypervisor supports any more"),
    DiskDefinedTwice = ("disk-defined-twice", Generic, Error, "<auth> or <encryption> both on the disk and in its source"),
    DiskSecretType = ("disk-secret-type", Generic, Error, "a disk secret type that does not fit the protocol"),
    DiskUsbEmpty = ("disk-usb-empty", Qemu, Error, "a USB disk or cdrom without a source"),
    DiskVendorProductBus = ("disk-vendor-product-bus", Qemu, Error, "<vendor>/<product> on a disk not on the scsi bus"),
    DiskVendorProductLength = ("disk-vendor-product-length", Generic, Error, "a disk vendor over 8 or product over 16 characters"),
    DiskShareableFormat = ("disk-shareable-format", Qemu, Error, "a shareable disk in an image format that cannot be shared"),
    // hostdev
    HostdevDuplicate = ("hostdev-duplicate", Generic, Error, "the same host device assigned twice"),
    PciNumberRadix = ("pci-number-radix", Generic, Hint, "a PCI source number with a leading 0 is read as octal"),
    HostdevMdevAddress = ("hostdev-mdev-address", Generic, Error, "a mediated device with an address its model cannot have"),
    HostdevMdevDisplayGraphics = ("hostdev-mdev-display-graphics", Qemu, Error, "a mediated device with display='on' and no graphics"),
    HostdevMdevRamfbMultiple = ("hostdev-mdev-ramfb-multiple", Generic, Error, "more than one mediated device with ramfb='on'"),
    HostdevVhostScsiBoot = ("hostdev-vhost-scsi-boot", Qemu, Error, "a boot order on a vhost-scsi host device"),
    // interface
    NetFilterrefUnsupported = ("net-filterref-unsupported", Generic, Error, "a <filterref> on an interface type that has no tap device"),
    NetPortForwardBackend = ("net-port-forward-backend", Generic, Error, "<portForward> without the passt backend"),
    NetRequiresSharedMemory = ("net-requires-shared-memory", Qemu, Error, "a vhost-user interface without shared guest memory"),
    NetQueueSizePowerOfTwo = ("net-queue-size-power-of-two", Qemu, Error, "a virtio rx/tx queue size that is not a power of two"),
}
