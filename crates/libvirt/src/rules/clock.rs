//! `<clock>` timers: libvirt's `virDomainDefPostParseTimer` and the QEMU driver's
//! `qemuValidateDomainDefClockTimers`.

use super::codes::RuleCode;
use super::domain::{Domain, attr, attr_or_name_range, child, children, name_range};
use super::values::{is_arm_virt, is_x86_arch};
use super::{Findings, finding};
use domxml_syntax::elements::El;

pub(super) fn check(d: &Domain, out: &mut Findings) {
    let Some(clock) = d.top("clock") else {
        return;
    };
    for timer in children(&clock, "timer") {
        let Some(name) = timer.attribute_value("name") else {
            continue;
        };
        let tickpolicy = timer.attribute_value("tickpolicy");
        if matches!(name, "kvmclock" | "hypervclock")
            && let Some((_, r)) = attr(&timer, "tickpolicy")
        {
            out.push(
                RuleCode::TimerTickpolicy,
                r,
                format!("this paravirtual clock has no tick policy to set; libvirt: \"timer {name} doesn't support setting of timer tickpolicy\""),
            );
        }
        if let Some(catchup) = child(&timer, "catchup")
            && tickpolicy != Some("catchup")
            && ["threshold", "slew", "limit"]
                .iter()
                .any(|a| attr(&catchup, a).is_some_and(|(v, _)| v.trim() != "0"))
        {
            let mut f = finding(
                RuleCode::TimerCatchup,
                name_range(&catchup),
                "<catchup> only applies with tickpolicy='catchup'; libvirt: \"setting of timer catchup policies is only supported with tickpolicy='catchup'\"",
            );
            if let Some((_, r)) = attr(&timer, "tickpolicy") {
                f = f.related(r, "the tick policy");
            }
            out.push_finding(f);
        }
        if name != "tsc" {
            if let Some((v, r)) = attr(&timer, "frequency")
                && v.trim() != "0"
            {
                out.push(
                    RuleCode::TimerTscOnly,
                    r,
                    format!("only the tsc timer has a frequency; libvirt: \"timer {name} doesn't support setting of timer frequency\""),
                );
            }
            if let Some((_, r)) = attr(&timer, "mode") {
                out.push(
                    RuleCode::TimerTscOnly,
                    r,
                    format!("only the tsc timer has a mode; libvirt: \"timer {name} doesn't support setting of timer mode\""),
                );
            }
        }
        if name != "rtc"
            && name != "platform"
            && let Some((_, r)) = attr(&timer, "track")
        {
            out.push(
                RuleCode::TimerTrack,
                r,
                format!("only the rtc timer tracks a clock; libvirt: \"timer {name} doesn't support setting of timer track\""),
            );
        }
        qemu(d, &timer, name, tickpolicy, out);
    }
}

fn qemu(d: &Domain, timer: &El, name: &str, tickpolicy: Option<&str>, out: &mut Findings) {
    let present = timer.attribute_value("present") == Some("yes");
    let track = timer.attribute_value("track");
    let (range, message) = match name {
        "platform" => (
            attr_or_name_range(timer, "name"),
            "QEMU has no 'platform' timer; libvirt: \"unsupported timer type (name) 'platform'\"".to_owned(),
        ),
        "rtc" if track == Some("boot") => (
            attr_or_name_range(timer, "track"),
            "QEMU's rtc cannot track the boot time; libvirt: \"unsupported rtc timer track 'boot'\"".to_owned(),
        ),
        "rtc" if matches!(tickpolicy, Some("merge" | "discard")) => (
            attr_or_name_range(timer, "tickpolicy"),
            format!("QEMU's rtc supports only the delay and catchup tick policies; libvirt: \"unsupported rtc timer tickpolicy '{}'\"", tickpolicy.unwrap_or_default()),
        ),
        "pit" if tickpolicy == Some("merge") => (
            attr_or_name_range(timer, "tickpolicy"),
            "QEMU's pit cannot merge missed ticks; libvirt: \"unsupported pit tickpolicy 'merge'\"".to_owned(),
        ),
        "hpet" if present && !is_x86_arch(d) => (
            attr_or_name_range(timer, "present"),
            "the HPET exists only on x86 guests; libvirt: \"hpet timer is not supported by this architecture\"".to_owned(),
        ),
        "armvtimer" if !is_arm_virt(d) || d.root.attribute_value("type") != Some("kvm") => (
            attr_or_name_range(timer, "name"),
            "the armvtimer timer exists on KVM ARM virt guests only; libvirt: \"Configuring the 'armvtimer' timer is not supported for virtType=... guests\"".to_owned(),
        ),
        _ => return,
    };
    out.push(RuleCode::TimerQemuUnsupported, range, message);
}
