//! `domxml check --print-schema`: which schema is used and why, which libvirt version, and for
//! each file which schema file its root element selects.

use std::path::Path;

use crate::builtin;
use crate::discovery::{Discovery, SchemaChoice};
use crate::kinds::{root_name, schema_file_for_root};
use crate::select::drift_label;

/// The report's head: schema, reason, version, notes, drift.
pub fn describe(d: &Discovery) -> String {
    let mut out = format!("schema: {}\nwhy: {}\n", d.choice, d.reason);
    match &d.version {
        Some(v) => out.push_str(&format!("libvirt: {v}\n")),
        None => out.push_str("libvirt: version unknown\n"),
    }
    for note in &d.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    if let Some(label) = drift_label(d) {
        out.push_str(&format!(
            "drift: what {label} rejects but the built-in catalogue (libvirt {}) accepts is reported as a warning\n",
            builtin::LIBVIRT_VERSION
        ));
    }
    out
}

/// One line: the schema file that `file`'s root element selects.
pub fn describe_file(d: &Discovery, file: &Path) -> String {
    let root = std::fs::read_to_string(file)
        .ok()
        .and_then(|text| root_name(&domxml_syntax::parse(&text)));
    let shown = file.display();
    match (&root, &d.choice) {
        (None, _) => format!("{shown}: no root element (or unreadable): syntax only"),
        (Some(root), SchemaChoice::Builtin) if root == "domain" => {
            format!("{shown}: <domain> -> the built-in catalogue")
        }
        (Some(root), SchemaChoice::Builtin) => format!(
            "{shown}: <{root}> -> syntax only (the built-in catalogue covers <domain>; give --schema a libvirt schema directory)"
        ),
        (Some(root), SchemaChoice::Dir(dir)) => match schema_file_for_root(root) {
            Some(f) => format!("{shown}: <{root}> -> {}", dir.join(f).display()),
            None => format!("{shown}: <{root}> -> syntax only (not a libvirt document)"),
        },
        (Some(root), SchemaChoice::File(f)) => format!("{shown}: <{root}> -> {}", f.display()),
    }
}

/// The whole report for `files`.
pub fn report(d: &Discovery, files: &[impl AsRef<Path>]) -> String {
    let mut out = describe(d);
    for file in files {
        out.push_str(&describe_file(d, file.as_ref()));
        out.push('\n');
    }
    out
}
