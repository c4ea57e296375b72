//! libvirt's rules beyond the schema: what `virsh define` refuses (or silently rewrites) in a
//! document that its RELAX NG schema accepts.
//!
//! One file per area; each area has a `check(&Domain, &mut Findings)` that reports with a
//! [`RuleCode`]. A code's metadata (name, driver scope, severity, summary) lives in one list,
//! `codes.rs`; `docs/rules.md` documents every code with an example that a test runs.
//!
//! Rules read the document through its element table (`domxml_syntax::elements`: names,
//! attributes and text without syntax cursors) and must never panic on any document, valid or
//! not: a value that does not parse is the schema's business, and the rule stays silent.

mod addresses;
mod boot;
mod chardev;
mod clock;
mod codes;
mod controllers;
mod disks;
mod domain;
mod features;
mod firmware;
mod hostdev;
mod identity;
mod interface;
pub mod machine;
mod memory;
mod numa;
mod usb_numbers;
mod values;
mod vcpu;
mod video;
mod watchdog;

use domxml_syntax::elements::{ElementTable, Elements};
use domxml_syntax::{Parse, TextRange};

pub use codes::{RuleCode, Scope};
pub use domain::{Domain, Driver};

use crate::{Fix, Related, Severity};

/// One broken rule, on the element or attribute that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub range: TextRange,
    pub severity: Severity,
    pub code: RuleCode,
    /// Our words, then libvirt's own short error text in quotes so users recognise it.
    pub message: String,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
}

impl Finding {
    pub fn related(mut self, range: TextRange, message: impl Into<String>) -> Finding {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }

    pub fn fix(mut self, fix: Fix) -> Finding {
        self.fixes.push(fix);
        self
    }
}

/// Which rules run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleOptions {
    pub disabled: Vec<RuleCode>,
}

impl RuleOptions {
    /// Whether every rule is off (one pass: `disabled` may list every code, per file).
    pub fn disables_all(&self) -> bool {
        let mut off = vec![false; RuleCode::ALL.len()];
        for code in &self.disabled {
            off[*code as usize] = true;
        }
        off.iter().all(|o| *o)
    }
}

/// Where the areas put what they find: skips disabled rules and rules of another driver.
pub struct Findings {
    driver: Driver,
    disabled: Vec<RuleCode>,
    found: Vec<Finding>,
}

impl Findings {
    /// Whether `code` would be kept: lets an area skip work for a rule that is off.
    pub fn wants(&self, code: RuleCode) -> bool {
        !self.disabled.contains(&code)
            && match code.scope() {
                Scope::Generic => true,
                Scope::Qemu => self.driver == Driver::Qemu,
            }
    }

    /// Reports `code` at `range` with its default severity.
    pub fn push(&mut self, code: RuleCode, range: TextRange, message: impl Into<String>) {
        self.push_finding(finding(code, range, message));
    }

    /// Reports a finding built with related places and fixes.
    pub fn push_finding(&mut self, finding: Finding) {
        if self.wants(finding.code) {
            self.found.push(finding);
        }
    }
}

/// A finding for `code` with its default severity, to add related places and fixes to.
pub fn finding(code: RuleCode, range: TextRange, message: impl Into<String>) -> Finding {
    Finding {
        range,
        severity: code.severity(),
        code,
        message: message.into(),
        related: Vec::new(),
        fixes: Vec::new(),
    }
}

/// Every rule the document breaks, sorted by position. Documents whose root is not
/// `<domain>` have none. `text` is the parsed text; the parse's recorded element table is
/// used when it has one (`domxml_syntax::parse_with_elements`), else the tree is walked once.
pub fn check(parse: &Parse, text: &str, options: &RuleOptions) -> Vec<Finding> {
    let Some(root) = parse.document().root() else {
        return Vec::new();
    };
    if !root.name_is("domain") {
        return Vec::new();
    }
    // With every rule off (`--disable` of each code) nothing is read: `bench/rules-cost.sh`
    // measures the checks' cost this way.
    if options.disables_all() {
        return Vec::new();
    }
    let walked;
    let table = match parse.recorded_elements() {
        Some(recorded) => recorded,
        None => {
            walked = ElementTable::of(&root);
            &walked
        }
    };
    let Some(tree) = Elements::new(table, text, &root) else {
        return Vec::new();
    };
    let Some(domain) = Domain::new(&tree) else {
        return Vec::new();
    };
    let mut out = Findings {
        driver: domain.driver,
        disabled: options.disabled.clone(),
        found: Vec::new(),
    };
    for area in AREAS {
        area(&domain, &mut out);
    }
    let mut found = out.found;
    found.sort_by_key(|f| (f.range.start(), f.range.end(), f.code));
    found
}

/// Every area's check, in no particular order.
const AREAS: &[fn(&Domain, &mut Findings)] = &[
    boot::check,
    addresses::check,
    controllers::check,
    disks::check,
    hostdev::check,
    usb_numbers::check,
    interface::check,
    vcpu::check,
    numa::check,
    memory::check,
    firmware::check,
    video::check,
    watchdog::check,
    chardev::check,
    clock::check,
    features::check,
    identity::check,
];

#[cfg(test)]
mod options_tests {
    use super::{RuleCode, RuleOptions};

    #[test]
    fn every_code_off_and_one_left_on() {
        let all = RuleOptions {
            disabled: RuleCode::ALL.to_vec(),
        };
        assert!(all.disables_all());
        let one_on = RuleOptions {
            disabled: RuleCode::ALL[1..].to_vec(),
        };
        assert!(!one_on.disables_all());
        assert!(!RuleOptions::default().disables_all());
    }
}
