//! Version drift against libvirt 9.0's schemas (Debian bookworm, `tests/fetch-libvirt-9.sh`):
//! a document using an element (`<throttlegroups>`, libvirt 11.2), an attribute
//! (`discard_no_unref`, 9.5) and a value (watchdog model `itco`, 9.1) newer than 9.0 gets one
//! drift warning for each, while its plain mistakes stay errors.

use std::sync::Arc;

use domxml_libvirt::Code;
use domxml_libvirt::discovery::detect_version;
use domxml_libvirt::model::{CatalogueModel, HostModel, SchemaModel, SchemaProblem};
use domxml_schema::{DiskFiles, compile};
use domxml_testdata::libvirt9_schemas;

const DOC: &str = r#"<domain type="kvm">
  <name>drift</name>
  <memory unit="MiB">1024</memory>
  <vcpu>1</vcpu>
  <os><type arch="x86_64" machine="q35">hvm</type></os>
  <throttlegroups>
    <throttlegroup>
      <total_bytes_sec>10000000</total_bytes_sec>
      <group_name>limit0</group_name>
    </throttlegroup>
  </throttlegroups>
  <devices>
    <disk type="file" device="disk">
      <driver name="qemu" type="qcow2" discard_no_unref="on"/>
      <source file="/var/lib/libvirt/images/a.qcow2"/>
      <target dev="vda" bus="virtio"/>
    </disk>
    <watchdog model="itco" action="reset"/>
    <memballoon model="virtio" bogus="1"/>
  </devices>
</domain>
"#;

#[test]
fn newer_constructs_are_drift_warnings_on_libvirt_9_0() {
    let Some(dir) = libvirt9_schemas() else {
        return;
    };
    let host = compile(&DiskFiles, &dir.join("domain.rng").to_string_lossy())
        .unwrap_or_else(|e| panic!("libvirt 9.0 schemas do not compile: {e:?}"));
    let version = detect_version(&dir).expect("the 9.0 package's version");
    let label = format!("libvirt {}", version.short());
    assert_eq!(label, "libvirt 9.0");

    let parse = domxml_syntax::parse(DOC);
    assert!(parse.errors().is_empty());
    let doc = parse.document();
    // Baseline: the host schema alone rejects all of it.
    let plain = domxml_schema::validate(&host, &doc);
    assert!(plain.len() >= 4, "{plain:#?}");

    let checked = checked(host, &label, &doc);
    for c in &checked {
        println!(
            "{} {:?} {}",
            if c.code == Code::VersionDrift {
                "warning"
            } else {
                "error"
            },
            &DOC[c.range],
            c.message
        );
    }
    let drift_on = |covered: &str| {
        checked
            .iter()
            .find(|c| &DOC[c.range] == covered)
            .unwrap_or_else(|| panic!("no diagnostic on {covered:?}: {checked:#?}"))
    };
    let element = drift_on("throttlegroups");
    assert!((element.code == Code::VersionDrift));
    assert!(
        element.message.starts_with(
            "<throttlegroups> is not known to libvirt 9.0 (host schema): it would be rejected or silently dropped"
        ),
        "{}",
        element.message
    );
    // The host schema's own message is attached.
    let host_message = plain
        .iter()
        .find(|d| &DOC[d.range] == "throttlegroups")
        .map(|d| d.message.clone())
        .expect("host message");
    assert!(element.message.ends_with(&host_message));

    let attribute = drift_on("discard_no_unref");
    assert!((attribute.code == Code::VersionDrift));
    assert!(
        attribute
            .message
            .starts_with("attribute 'discard_no_unref' of <driver> is not known to libvirt 9.0"),
        "{}",
        attribute.message
    );

    let value = drift_on("itco");
    assert!((value.code == Code::VersionDrift));
    assert!(
        value.message.starts_with(
            "value 'itco' of attribute 'model' of <watchdog> is not known to libvirt 9.0"
        ),
        "{}",
        value.message
    );

    // A mistake for every libvirt stays an error.
    let bogus = drift_on("bogus");
    assert!(bogus.code != Code::VersionDrift, "{bogus:?}");
    assert_eq!(
        checked
            .iter()
            .filter(|c| c.code == Code::VersionDrift)
            .count(),
        3,
        "{checked:#?}"
    );
}

#[test]
fn a_document_valid_for_the_host_has_nothing() {
    let Some(dir) = libvirt9_schemas() else {
        return;
    };
    let host = compile(&DiskFiles, &dir.join("domain.rng").to_string_lossy()).expect("compiles");
    let text = r#"<domain type="kvm"><name>a</name><memory>1024</memory><os><type>hvm</type></os></domain>"#;
    let parse = domxml_syntax::parse(text);
    assert_eq!(checked(host, "libvirt 9.0", &parse.document()), Vec::new());
}

#[test]
fn mistakes_inside_an_element_the_host_does_not_know_are_still_errors() {
    let Some(dir) = libvirt9_schemas() else {
        return;
    };
    let host = compile(&DiskFiles, &dir.join("domain.rng").to_string_lossy()).expect("compiles");
    let text = r#"<domain type="kvm"><name>a</name><memory>1024</memory><os><type>hvm</type></os>
<throttlegroups><throttlegroup><total_bytes_sec>many</total_bytes_sec><group_name>g</group_name></throttlegroup></throttlegroups>
</domain>"#;
    let parse = domxml_syntax::parse(text);
    let checked = checked(host, "libvirt 9.0", &parse.document());
    for c in &checked {
        println!(
            "{} {:?} {}",
            (c.code == Code::VersionDrift),
            &text[c.range],
            c.message
        );
    }
    assert!(
        checked
            .iter()
            .any(|c| (c.code == Code::VersionDrift) && &text[c.range] == "throttlegroups")
    );
    let inner = checked
        .iter()
        .find(|c| &text[c.range] == "many")
        .expect("the bad value inside <throttlegroups> is reported");
    assert!(inner.code != Code::VersionDrift);
    assert!(
        inner.message.contains("checked by the built-in catalogue"),
        "{}",
        inner.message
    );
}

/// The production path: the host schema's model wrapped for drift (as `select::open` does).
fn checked(
    host: domxml_schema::Catalogue,
    label: &str,
    doc: &domxml_syntax::ast::Document,
) -> Vec<SchemaProblem> {
    let inner = Arc::new(CatalogueModel::new(Arc::new(host), "host", None));
    HostModel::new(inner, Some(label.to_owned()), None).validate(doc)
}

#[test]
fn a_second_element_the_host_takes_once_is_named_as_such() {
    let Some(dir) = libvirt9_schemas() else {
        return;
    };
    let host = compile(&DiskFiles, &dir.join("domain.rng").to_string_lossy()).expect("compiles");
    let text = r#"<domain type="kvm"><name>a</name><memory>1024</memory><os><type>hvm</type></os>
<devices><watchdog model="i6300esb"/><watchdog model="ib700"/></devices></domain>"#;
    let parse = domxml_syntax::parse(text);
    let checked = checked(host, "libvirt 9.0", &parse.document());
    assert_eq!(checked.len(), 1, "{checked:#?}");
    let second = text.rfind("watchdog model").expect("second watchdog");
    assert_eq!(usize::from(checked[0].range.start()), second);
    assert_eq!(checked[0].code, Code::VersionDrift);
    assert!(
        checked[0].message.starts_with(
            "libvirt 9.0 (host schema) allows only one <watchdog> in <devices>: this second one"
        ),
        "{}",
        checked[0].message
    );
    assert!(!checked[0].message.contains("is not known"));
}

#[test]
fn a_host_schema_is_named_in_hovers_with_its_release_once() {
    let Some(dir) = libvirt9_schemas() else {
        return;
    };
    let d = domxml_libvirt::select::discover(Some(&dir.to_string_lossy()), "--schema");
    let model = domxml_libvirt::select::open(&d).expect("libvirt 9.0's schemas compile");
    assert_eq!(
        model.label(),
        format!(
            "schema `{}` (libvirt 9.0)",
            dir.join("domain.rng").display()
        )
    );
}
