//! Where libvirt documents each element: the section of https://libvirt.org/formatdomain.html,
//! by element name (optionally after its parent's: `os/type`). Data; hovers link to it.

const PAGE: &str = "https://libvirt.org/formatdomain.html";

/// First match wins: specific (parent/child) lines before plain names.
const ANCHORS: &[(&str, &str)] = &[
    ("domain", "element-and-attribute-overview"),
    ("name", "general-metadata"),
    ("uuid", "general-metadata"),
    ("genid", "general-metadata"),
    ("title", "general-metadata"),
    ("description", "general-metadata"),
    ("metadata", "general-metadata"),
    ("os/type", "bios-bootloader"),
    ("os", "operating-system-booting"),
    ("loader", "bios-bootloader"),
    ("nvram", "bios-bootloader"),
    ("bootmenu", "bios-bootloader"),
    ("os/boot", "bios-bootloader"),
    ("bootloader", "host-bootloader"),
    ("bootloader_args", "host-bootloader"),
    ("kernel", "direct-kernel-boot"),
    ("initrd", "direct-kernel-boot"),
    ("cmdline", "direct-kernel-boot"),
    ("dtb", "direct-kernel-boot"),
    ("init", "container-boot"),
    ("initarg", "container-boot"),
    ("sysinfo", "smbios-system-information"),
    ("smbios", "smbios-system-information"),
    ("vcpu", "cpu-allocation"),
    ("vcpus", "cpu-allocation"),
    ("iothreads", "iothreads-allocation"),
    ("iothreadids", "iothreads-allocation"),
    ("defaultiothread", "iothreads-allocation"),
    ("cputune", "cpu-tuning"),
    ("vcpupin", "cpu-tuning"),
    ("emulatorpin", "cpu-tuning"),
    ("iothreadpin", "cpu-tuning"),
    ("memory", "memory-allocation"),
    ("maxMemory", "memory-allocation"),
    ("currentMemory", "memory-allocation"),
    ("memoryBacking", "memory-backing"),
    ("memtune", "memory-tuning"),
    ("numatune", "numa-node-tuning"),
    ("memnode", "numa-node-tuning"),
    ("blkiotune", "block-i-o-tuning"),
    ("resource", "resource-partitioning"),
    ("cpu", "cpu-model-and-topology"),
    ("topology", "cpu-model-and-topology"),
    ("numa", "cpu-model-and-topology"),
    ("cell", "cpu-model-and-topology"),
    ("on_poweroff", "events-configuration"),
    ("on_reboot", "events-configuration"),
    ("on_crash", "events-configuration"),
    ("on_lockfailure", "events-configuration"),
    ("pm", "power-management"),
    ("throttlegroups", "disk-throttle-group-management"),
    ("features", "hypervisor-features"),
    ("hyperv", "hypervisor-features"),
    ("clock", "time-keeping"),
    ("timer", "time-keeping"),
    ("perf", "performance-monitoring-events"),
    ("devices", "devices"),
    ("emulator", "devices"),
    ("disk", "hard-drives-floppy-disks-cdroms"),
    ("filesystem", "filesystems"),
    ("address", "device-addresses"),
    ("controller", "controllers"),
    ("lease", "device-leases"),
    ("hostdev", "host-device-assignment"),
    ("redirdev", "redirected-devices"),
    ("smartcard", "smartcard-devices"),
    ("interface", "network-interfaces"),
    ("mac", "network-interfaces"),
    ("input", "input-devices"),
    ("hub", "hub-devices"),
    ("graphics", "graphical-framebuffers"),
    ("video", "video-devices"),
    ("serial", "serial-port"),
    ("parallel", "parallel-port"),
    ("console", "console"),
    ("channel", "channel"),
    ("sound", "sound-devices"),
    ("audio", "audio-backends"),
    ("watchdog", "watchdog-devices"),
    ("memballoon", "memory-balloon-device"),
    ("rng", "random-number-generator-device"),
    ("tpm", "tpm-device"),
    ("panic", "panic-device"),
    ("shmem", "shared-memory-device"),
    ("iommu", "iommu-devices"),
    ("vsock", "vsock"),
    ("crypto", "crypto"),
    ("pstore", "pstore"),
    ("seclabel", "security-label"),
    ("keywrap", "key-wrap"),
    ("launchSecurity", "launch-security"),
    ("interface/model", "setting-the-nic-model"),
    ("interface/driver", "setting-nic-driver-specific-options"),
    ("interface/boot", "specifying-boot-order"),
    ("interface/rom", "interface-rom-bios-configuration"),
    ("interface/bandwidth", "quality-of-service"),
    (
        "interface/vlan",
        "setting-vlan-tag-on-supported-network-types-only",
    ),
    ("interface/link", "modifying-virtual-link-state"),
    ("interface/mtu", "mtu-configuration"),
    ("interface/filterref", "traffic-filtering-with-nwfilter"),
];

/// The documentation link for an element named `local` under `parent`, if libvirt documents it.
pub fn element_link(parent: Option<&str>, local: &str) -> Option<String> {
    let specific = parent.map(|p| format!("{p}/{local}"));
    let anchor = ANCHORS
        .iter()
        .find(|(k, _)| specific.as_deref() == Some(*k))
        .or_else(|| ANCHORS.iter().find(|(k, _)| *k == local))
        .map(|(_, a)| *a)?;
    Some(format!("{PAGE}#{anchor}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_go_to_the_element_s_section() {
        assert_eq!(
            element_link(Some("devices"), "hostdev").as_deref(),
            Some("https://libvirt.org/formatdomain.html#host-device-assignment")
        );
        assert_eq!(
            element_link(Some("interface"), "model").as_deref(),
            Some("https://libvirt.org/formatdomain.html#setting-the-nic-model")
        );
        assert_eq!(element_link(Some("video"), "model"), None);
    }

    /// Every anchor is a section of libvirt 11.3's formatdomain.rst.
    #[test]
    fn anchors_exist_in_libvirt_s_documentation() {
        let Some(dir) = domxml_testdata::libvirt11() else {
            return;
        };
        let Ok(rst) = std::fs::read_to_string(dir.join("docs/formatdomain.rst")) else {
            return;
        };
        let lines: Vec<&str> = rst.lines().collect();
        let mut sections = Vec::new();
        for pair in lines.windows(2) {
            let (title, rule) = (pair[0].trim(), pair[1]);
            if !title.is_empty()
                && rule.len() >= 3
                && rule.chars().all(|c| "=-~^'\"`".contains(c))
                && !title.chars().all(|c| "=-~^'\"`".contains(c))
            {
                let mut id = String::new();
                for c in title.to_lowercase().chars() {
                    if c.is_ascii_alphanumeric() {
                        id.push(c);
                    } else if !id.ends_with('-') {
                        id.push('-');
                    }
                }
                sections.push(id.trim_matches('-').to_owned());
            }
        }
        for (element, anchor) in ANCHORS {
            assert!(sections.iter().any(|s| s == anchor), "{element}: #{anchor}");
        }
    }
}
