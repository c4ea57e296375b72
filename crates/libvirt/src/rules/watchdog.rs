//! Watchdogs: the QEMU driver's `qemuValidateDomainDefWatchdogs` and
//! `qemuValidateDomainWatchdogDef`.

use std::collections::BTreeMap;

use domxml_syntax::TextRange;

use super::codes::RuleCode;
use super::domain::{Domain, attr_or_name_range};
use super::machine::MachineFamily;
use super::values::arch;
use super::{Findings, finding};

pub(super) fn check(d: &Domain, out: &mut Findings) {
    let family = MachineFamily::of(d.arch, d.machine);
    let mut models: BTreeMap<&str, TextRange> = BTreeMap::new();
    let mut first_action: Option<(&str, TextRange)> = None;
    for w in d.devices_named("watchdog") {
        let model = w.attribute_value("model").unwrap_or_default();
        let model_range = attr_or_name_range(&w, "model");
        if model != "i6300esb" && !model.is_empty() {
            if let Some(first) = models.get(&model) {
                out.push_finding(
                    finding(
                        RuleCode::WatchdogDuplicateModel,
                        model_range,
                        format!(
                            "a second watchdog of the same model would clash; libvirt: \"domain can only have one watchdog with model '{model}'\""
                        ),
                    )
                    .related(*first, "the first watchdog of this model"),
                );
            } else {
                models.insert(model, model_range);
            }
        }
        let action = w.attribute_value("action").unwrap_or("reset");
        match &first_action {
            None => first_action = Some((action, attr_or_name_range(&w, "action"))),
            Some((first, first_range)) if *first != action => out.push_finding(
                finding(
                    RuleCode::WatchdogActionMismatch,
                    attr_or_name_range(&w, "action"),
                    format!("this watchdog's action '{action}' differs from '{first}'; libvirt: \"watchdogs with different actions are not supported with this QEMU binary\""),
                )
                .related(*first_range, "the first watchdog's action"),
            ),
            _ => {}
        }
        let message = match model {
            "ib700" if family != MachineFamily::I440fx => {
                Some("libvirt: \"ib700 model of watchdog cannot be used with this machine type\"")
            }
            "itco" if family != MachineFamily::Q35 => {
                Some("libvirt: \"itco model of watchdog is only part of q35 machine\"")
            }
            "diag288" if !arch(d).starts_with("s390") => {
                Some("libvirt: \"diag288 model of watchdog is allowed for s390 and s390x only\"")
            }
            _ => None,
        };
        if let Some(message) = message {
            out.push(RuleCode::WatchdogMachine, model_range, message);
        }
    }
}
