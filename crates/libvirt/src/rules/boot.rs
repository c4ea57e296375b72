//! Boot order: per-device `<boot order>` against `<os><boot dev>`, and unique orders
//! (libvirt's `virDomainDefBootOrderPostParse`, which runs for HVM domains only).

use domxml_syntax::TextEdit;
use domxml_syntax::elements::El;

use super::domain::{attr, children, is_hvm, name_range, parse_decimal};
use super::{Domain, Findings, RuleCode, finding};
use crate::Fix;

pub(super) fn check(d: &Domain, out: &mut Findings) {
    let device_boots: Vec<El> = d
        .device_parts()
        .iter()
        .filter_map(|p| p.boot)
        .filter(|b| b.has_attribute("order"))
        .collect();
    // Both checks need a per-device boot order; the OS type is read only then.
    if device_boots.is_empty() || !is_hvm(d) {
        return;
    }
    os_boot_conflict(d, &device_boots, out);
    duplicate_orders(&device_boots, out);
}

fn os_boot_conflict(d: &Domain, device_boots: &[El], out: &mut Findings) {
    let code = RuleCode::BootOrderWithOsBoot;
    if device_boots.is_empty() || !out.wants(code) {
        return;
    }
    let Some(os) = d.top("os") else {
        return;
    };
    let os_boots: Vec<El> = children(&os, "boot").collect();
    let Some(first) = os_boots.first() else {
        return;
    };
    let mut f = finding(
        code,
        name_range(first),
        "`<os><boot dev>` and per-device `<boot order>` cannot be mixed; keep one of them. \
         libvirt: \"per-device boot elements cannot be used together with os/boot elements\"",
    );
    for b in device_boots {
        f = f.related(name_range(b), "a per-device boot order");
    }
    f = f
        .fix(Fix::new(
            "Remove the <os><boot> elements",
            os_boots
                .iter()
                .map(|b| TextEdit::new(b.range_with_line_indent(), ""))
                .collect(),
        ))
        .fix(Fix::new(
            "Remove the per-device <boot order> elements",
            device_boots
                .iter()
                .map(|b| TextEdit::new(b.range_with_line_indent(), ""))
                .collect(),
        ));
    out.push_finding(f);
}

fn duplicate_orders(device_boots: &[El], out: &mut Findings) {
    let code = RuleCode::BootOrderDuplicate;
    if !out.wants(code) {
        return;
    }
    let orders: Vec<(u64, &str, domxml_syntax::TextRange)> = device_boots
        .iter()
        .filter_map(|b| {
            let (text, range) = attr(b, "order")?;
            Some((parse_decimal(text)?, text, range))
        })
        .collect();
    for (i, (value, text, range)) in orders.iter().enumerate() {
        let Some((_, _, first)) = orders[..i].iter().find(|(v, _, _)| v == value) else {
            continue;
        };
        let mut free = value.saturating_add(1);
        while orders.iter().any(|(v, _, _)| *v == free) {
            free = free.saturating_add(1);
        }
        out.push_finding(
            finding(
                code,
                *range,
                format!(
                    "boot order {text} is already given to another device. \
                     libvirt: \"boot order '{text}' used for more than one device\""
                ),
            )
            .related(*first, "the first device with this order")
            .fix(Fix::new(
                format!("Use boot order {free}"),
                vec![TextEdit::new(*range, free.to_string())],
            )),
        );
    }
}
