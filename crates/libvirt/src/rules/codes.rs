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
    TpmExternalSource = ("tpm-external-source", Generic, Error, "An external TPM needs a unix socket in connect mode with a path"),
    InputVirtioTransitional = ("input-virtio-transitional", Qemu, Error, "virtio input devices have no (non-)transitional models"),
    // identity
    SysinfoUuidMismatch = ("sysinfo-uuid-mismatch", Generic, Error, "<sysinfo> system uuid must equal <uuid>"),
    SmbiosDateFormat = ("smbios-date-format", Generic, Error, "SMBIOS BIOS date must be mm/dd/yy or mm/dd/yyyy"),
    SeclabelDuplicateModel = ("seclabel-duplicate-model", Generic, Error, "One <seclabel> per security model"),
    SeclabelMissingModel = ("seclabel-missing-model", Generic, Error, "With several <seclabel>, each needs a model"),
    AliasDuplicate = ("alias-duplicate", Generic, Error, "User aliases (ua-) must be unique"),
}
