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
    UsbNumberInvalid = ("usb-number-invalid", Generic, Error, "a USB id or host bus/device number libvirt cannot read: hex without 0x, 8 or 9 after a leading 0, vendor 0"),
    UsbNumberRadix = ("usb-number-radix", Generic, Warning, "a USB id without 0x is read as decimal (or octal after a leading 0), a zero-padded bus/device number as octal"),
    UsbAddressNotDecimal = ("usb-address-not-decimal", Generic, Error, "a guest USB address (bus, port) written in hex: libvirt reads it in base 10 only"),
    // interface
    NetFilterrefUnsupported = ("net-filterref-unsupported", Generic, Error, "a <filterref> on an interface type that has no tap device"),
    NetPortForwardBackend = ("net-port-forward-backend", Generic, Error, "<portForward> without the passt backend"),
    NetRequiresSharedMemory = ("net-requires-shared-memory", Qemu, Error, "a vhost-user interface without shared guest memory"),
    NetQueueSizePowerOfTwo = ("net-queue-size-power-of-two", Qemu, Error, "a virtio rx/tx queue size that is not a power of two"),
    // vcpu
    VcpuCurrentAboveMax = ("vcpu-current-above-max", Generic, Error, "The current vCPU count must be between 1 and the maximum"),
    VcpuIdOutOfRange = ("vcpu-id-out-of-range", Generic, Error, "A <vcpus><vcpu id> must be below the maximum vCPU count"),
    VcpuOfflineNotHotpluggable = ("vcpu-offline-not-hotpluggable", Generic, Error, "An offline vCPU must be hotpluggable"),
    VcpuZeroNotStatic = ("vcpu-zero-not-static", Qemu, Error, "vCPU 0 must be enabled and not hotpluggable"),
    CpuTopologyMismatch = ("cpu-topology-mismatch", Qemu, Error, "sockets*dies*clusters*cores*threads must equal the maximum vCPU count"),
    VcpusNeedQ35Eim = ("vcpus-need-q35-eim", Qemu, Error, "More than 255 vCPUs on x86 need a q35 machine and an IOMMU with eim='on'"),
    VcpupinDuplicate = ("vcpupin-duplicate", Generic, Error, "Each vCPU may be pinned once"),
    VcpupinOutOfRange = ("vcpupin-out-of-range", Generic, Warning, "A <vcpupin> for a vCPU beyond the maximum is silently dropped"),
    VcpuschedOutOfRange = ("vcpusched-out-of-range", Generic, Error, "<vcpusched vcpus> must name existing vCPUs"),
    SchedOverlap = ("sched-overlap", Generic, Error, "Two <vcpusched> (or <iothreadsched>) must not share a thread"),
    IothreadMissing = ("iothread-missing", Generic, Error, "<iothreadpin>/<iothreadsched> must name a defined IOThread"),
    DeviceIothreadMissing = ("device-iothread-missing", Qemu, Error, "A disk or controller <driver iothread> must name a defined IOThread"),
    IothreadDuplicateId = ("iothread-duplicate-id", Generic, Error, "IOThread ids must be unique"),
    EmptySet = ("empty-set", Generic, Error, "A cpuset, nodeset or vcpus list must select at least one id"),
    CpuCacheMode = ("cpu-cache-mode", Qemu, Error, "<cpu><cache> mode and level must fit together and with the CPU mode"),
    CpuPhysBits = ("cpu-phys-bits", Qemu, Error, "<maxphysaddr mode='passthrough'> takes no bits"),
    CputuneRange = ("cputune-range", Generic, Error, "cputune periods must be 1000..1000000 and quotas 1000..17592186044415 (or negative)"),
    // numa
    NumaCpusExceedVcpus = ("numa-cpus-exceed-vcpus", Generic, Error, "NUMA cell cpus must be below the maximum vCPU count"),
    NumaCpusOverlap = ("numa-cpus-overlap", Generic, Error, "NUMA cells must not share vCPUs"),
    NumaCellId = ("numa-cell-id", Generic, Error, "NUMA cell ids must run 0..n-1, each once"),
    NumaSiblingMissing = ("numa-sibling-missing", Generic, Error, "A NUMA distance sibling must name an existing cell"),
    NumaDistanceValue = ("numa-distance-value", Generic, Error, "A NUMA distance is 10 to the cell itself and 11..255 to others"),
    NumatuneMemnode = ("numatune-memnode", Generic, Error, "<memnode> needs guest NUMA cells, an existing cellid, once, and no automatic placement"),
    NumatuneRestrictive = ("numatune-restrictive", Generic, Error, "mode='restrictive' must be used by <memory> and every <memnode> alike"),
    NumatuneStaticNodeset = ("numatune-static-nodeset", Generic, Error, "placement='static' numatune needs a nodeset"),
    NumaMemorySum = ("numa-memory-sum", Generic, Warning, "libvirt replaces <memory> by the NUMA cells' sum plus memory devices"),
    // memory
    MemorySizeMissing = ("memory-size-missing", Generic, Error, "The guest needs a memory size, in <memory> or the NUMA cells"),
    MemoryDevicesExceedTotal = ("memory-devices-exceed-total", Generic, Error, "Memory devices must not exceed <memory>"),
    MaxMemoryBelowMemory = ("max-memory-below-memory", Generic, Error, "<maxMemory> must be at least <memory>"),
    MemorySlotsWithoutMax = ("memory-slots-without-max", Generic, Error, "Memory slots need a maximum memory size"),
    MemoryTargetNode = ("memory-target-node", Generic, Error, "A memory device's target node must be an existing NUMA cell"),
    CurrentMemoryAboveMemory = ("current-memory-above-memory", Generic, Warning, "libvirt lowers a <currentMemory> above <memory> to <memory>"),
    HugepagesTwoDefaults = ("hugepages-two-defaults", Generic, Error, "Only one hugepage size may apply without a nodeset"),
    HugepagesNodesetOverlap = ("hugepages-nodeset-overlap", Generic, Error, "Hugepage nodesets must not intersect"),
    HugepagesNodeMissing = ("hugepages-node-missing", Generic, Error, "A hugepage nodeset must name existing NUMA cells"),
    MemoryAlignOverflow = ("memory-align-overflow", Qemu, Error, "Memory sizes must stay representable after QEMU's alignment"),
    // firmware
    FirmwareStatelessNvram = ("firmware-stateless-nvram", Generic, Error, "A stateless loader takes no NVRAM and no NVRAM template"),
    FirmwareNvramNotEfi = ("firmware-nvram-not-efi", Generic, Error, "NVRAM needs EFI firmware (or, without autoselection, a pflash loader)"),
    FirmwareEnrolledKeys = ("firmware-enrolled-keys", Generic, Error, "enrolled-keys cannot be enabled with secure-boot disabled"),
    FirmwareLoaderPath = ("firmware-loader-path", Generic, Error, "Without firmware autoselection, the loader needs a path"),
    UefiRequiresAcpi = ("uefi-requires-acpi", Qemu, Error, "UEFI on x86 needs <features><acpi/>"),
    SecureBootRequirements = ("secure-boot-requirements", Qemu, Error, "Secure boot needs a q35 machine, x86_64 and SMM"),
    BootTimeoutRange = ("boot-timeout-range", Generic, Error, "Boot menu timeout is 0..65535, rebootTimeout -1..65535"),
    // video
    VideoMultiplePrimary = ("video-multiple-primary", Generic, Error, "Only one video device can be primary"),
    VideoNoneNotAlone = ("video-none-not-alone", Generic, Error, "A 'none' video must be the only video device"),
    VideoSecondaryModel = ("video-secondary-model", Qemu, Error, "Only qxl and virtio video can be secondary or have several heads"),
    VideoQxlOnlyAttribute = ("video-qxl-only-attribute", Generic, Error, "ram, vram64 and vgamem apply to qxl video only"),
    VideoRamfbAddress = ("video-ramfb-address", Generic, Error, "A ramfb video takes no address"),
    GraphicsEglHeadless = ("graphics-egl-headless", Qemu, Error, "egl-headless pairs only with vnc or spice, and not with spice OpenGL"),
    VncPasswordLength = ("vnc-password-length", Qemu, Error, "A VNC password has at most 8 characters"),
    // watchdog
    WatchdogDuplicateModel = ("watchdog-duplicate-model", Qemu, Error, "One watchdog per model (i6300esb excepted)"),
    WatchdogActionMismatch = ("watchdog-action-mismatch", Qemu, Error, "All watchdogs must share one action"),
    WatchdogMachine = ("watchdog-machine", Qemu, Error, "ib700 needs an i440fx machine, itco a q35 machine, diag288 s390"),
    // chardev
    ChardevReconnectMode = ("chardev-reconnect-mode", Generic, Error, "Reconnect applies only to a character device in connect mode"),
    ChardevReconnectTimeout = ("chardev-reconnect-timeout", Qemu, Error, "An enabled reconnect needs a timeout other than 0"),
    ChardevSourceMissing = ("chardev-source-missing", Generic, Error, "A character device source needs its path, host or service"),
    ChardevGeneratedPath = ("chardev-generated-path", Qemu, Error, "libvirt drops a generated channel path and listens, so reconnect fails"),
    ChardevTcpProtocol = ("chardev-tcp-protocol", Qemu, Error, "QEMU does not take protocol 'tls' on a TCP character device"),
    SerialTargetMachine = ("serial-target-machine", Qemu, Error, "A serial target type/model must fit the architecture and machine"),
    // clock
    TimerTickpolicy = ("timer-tickpolicy", Generic, Error, "kvmclock and hypervclock take no tickpolicy"),
    TimerCatchup = ("timer-catchup", Generic, Error, "<catchup> needs tickpolicy='catchup'"),
    TimerTscOnly = ("timer-tsc-only", Generic, Error, "frequency and mode apply to the tsc timer only"),
    TimerTrack = ("timer-track", Generic, Error, "track applies to the rtc and platform timers only"),
    TimerQemuUnsupported = ("timer-qemu-unsupported", Qemu, Error, "A timer setting QEMU cannot provide"),
    // features
    IommuMachine = ("iommu-machine", Qemu, Error, "An IOMMU model must fit the machine: intel on q35, smmuv3 on ARM virt, virtio on q35/virt"),
    IommuVirtioAcpi = ("iommu-virtio-acpi", Qemu, Error, "A virtio IOMMU needs ACPI"),
    IommuVirtioAddress = ("iommu-virtio-address", Qemu, Error, "A virtio IOMMU takes a PCI address only"),
    IommuExtraAttributes = ("iommu-extra-attributes", Generic, Error, "virtio and smmuv3 IOMMUs take no intel driver attributes"),
    IommuIntremap = ("iommu-intremap", Generic, Error, "IOMMU intremap needs <ioapic driver='qemu'/>, and eim needs intremap"),
    TsegMachine = ("tseg-machine", Qemu, Error, "SMM TSEG needs a q35 machine and a size in whole MiB"),
    PseriesOnlyFeature = ("pseries-only-feature", Qemu, Error, "A pSeries machine feature on another machine"),
    I8042Disabled = ("i8042-disabled", Qemu, Error, "PS/2 inputs and vmport need the ps2 feature not disabled"),
    ShmemSize = ("shmem-size", Qemu, Error, "A shmem size must be a power of two, at least 1 MiB"),
    ShmemAddressNotPci = ("shmem-address-not-pci", Qemu, Warning, "A shmem device sits on PCI: with an address of another type the guest does not start"),
    TpmExternalSource = ("tpm-external-source", Generic, Error, "An external TPM needs a unix socket in connect mode with a path"),
    InputVirtioTransitional = ("input-virtio-transitional", Qemu, Error, "virtio input devices have no (non-)transitional models"),
    // identity
    SysinfoUuidMismatch = ("sysinfo-uuid-mismatch", Generic, Error, "<sysinfo> system uuid must equal <uuid>"),
    SmbiosDateFormat = ("smbios-date-format", Generic, Error, "SMBIOS BIOS date must be mm/dd/yy or mm/dd/yyyy"),
    SeclabelDuplicateModel = ("seclabel-duplicate-model", Generic, Error, "One <seclabel> per security model"),
    SeclabelMissingModel = ("seclabel-missing-model", Generic, Error, "With several <seclabel>, each needs a model"),
    AliasDuplicate = ("alias-duplicate", Generic, Error, "User aliases (ua-) must be unique"),
}
