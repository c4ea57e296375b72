//! Version drift against libvirt 9.0's schemas (Debian bookworm, `tests/fetch-libvirt-9.sh`):
//! a document using an element (`<throttlegroups>`, libvirt 11.2), an attribute
//! (`discard_no_unref`, 9.5) and a value (watchdog model `itco`, 9.1) newer than 9.0 gets one
//! drift warning for each, while its plain mistakes stay errors.

use std::path::PathBuf;

use domxml_schema::discovery::detect_version;
use domxml_schema::drift;
use domxml_schema::{DiskFiles, EmbeddedFiles, compile};

fn libvirt9_schemas() -> Option<PathBuf> {
    let dir = match std::env::var_os("DOMXML_LIBVIRT9_SCHEMAS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/libvirt-9.0/usr/share/libvirt/schemas"),
    };
    dir.join("domain.rng").is_file().then_some(dir)
}

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
        println!(
            "SKIPPED: libvirt 9.0 schemas absent: run tests/fetch-libvirt-9.sh or set DOMXML_LIBVIRT9_SCHEMAS"
        );
        return;
    };
    let host = compile(&DiskFiles, &dir.join("domain.rng").to_string_lossy())
        .unwrap_or_else(|e| panic!("libvirt 9.0 schemas do not compile: {e:?}"));
    let newer = compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN)
        .unwrap_or_else(|e| panic!("the catalogue does not compile: {e:?}"));
    let version = detect_version(&dir).expect("the 9.0 package's version");
    let label = format!("libvirt {}", version.short());
    assert_eq!(label, "libvirt 9.0");

    let parse = domxml_syntax::parse(DOC);
    assert!(parse.errors().is_empty());
    let doc = parse.document();
    // Baseline: the host schema alone rejects all of it.
    let plain = domxml_schema::validate(&host, &doc);
    assert!(plain.len() >= 4, "{plain:#?}");

    let checked = drift::check(&host, &newer, &label, &doc);
    for c in &checked {
        println!(
            "{} {:?} {}",
            if c.drift { "warning" } else { "error" },
            &DOC[c.diagnostic.range],
            c.diagnostic.message
        );
    }
    let drift_on = |covered: &str| {
        checked
            .iter()
            .find(|c| &DOC[c.diagnostic.range] == covered)
            .unwrap_or_else(|| panic!("no diagnostic on {covered:?}: {checked:#?}"))
    };
    let element = drift_on("throttlegroups");
    assert!(element.drift);
    assert!(
        element.diagnostic.message.starts_with(
            "<throttlegroups> is not known to libvirt 9.0 (host schema): it would be rejected or silently dropped"
        ),
        "{}",
        element.diagnostic.message
    );
    // The host schema's own message is attached.
    let host_message = plain
        .iter()
        .find(|d| &DOC[d.range] == "throttlegroups")
        .map(|d| d.message.clone())
        .expect("host message");
    assert!(element.diagnostic.message.ends_with(&host_message));

    let attribute = drift_on("discard_no_unref");
    assert!(attribute.drift);
    assert!(
        attribute
            .diagnostic
            .message
            .starts_with("attribute 'discard_no_unref' of <driver> is not known to libvirt 9.0"),
        "{}",
        attribute.diagnostic.message
    );

    let value = drift_on("itco");
    assert!(value.drift);
    assert!(
        value.diagnostic.message.starts_with(
            "value 'itco' of attribute 'model' of <watchdog> is not known to libvirt 9.0"
        ),
        "{}",
        value.diagnostic.message
    );

    // A mistake for every libvirt stays an error.
    let bogus = drift_on("bogus");
    assert!(!bogus.drift, "{bogus:?}");
    assert_eq!(
        checked.iter().filter(|c| c.drift).count(),
        3,
        "{checked:#?}"
    );
}

#[test]
fn a_document_valid_for_the_host_has_nothing() {
    let Some(dir) = libvirt9_schemas() else {
        println!("SKIPPED: libvirt 9.0 schemas absent");
        return;
    };
    let host = compile(&DiskFiles, &dir.join("domain.rng").to_string_lossy()).expect("compiles");
    let newer = compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN).expect("compiles");
    let text = r#"<domain type="kvm"><name>a</name><memory>1024</memory><os><type>hvm</type></os></domain>"#;
    let parse = domxml_syntax::parse(text);
    assert_eq!(
        drift::check(&host, &newer, "libvirt 9.0", &parse.document()),
        Vec::new()
    );
}

#[test]
fn mistakes_inside_an_element_the_host_does_not_know_are_still_errors() {
    let Some(dir) = libvirt9_schemas() else {
        println!("SKIPPED: libvirt 9.0 schemas absent");
        return;
    };
    let host = compile(&DiskFiles, &dir.join("domain.rng").to_string_lossy()).expect("compiles");
    let newer = compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN).expect("compiles");
    let text = r#"<domain type="kvm"><name>a</name><memory>1024</memory><os><type>hvm</type></os>
<throttlegroups><throttlegroup><total_bytes_sec>many</total_bytes_sec><group_name>g</group_name></throttlegroup></throttlegroups>
</domain>"#;
    let parse = domxml_syntax::parse(text);
    let checked = drift::check(&host, &newer, "libvirt 9.0", &parse.document());
    for c in &checked {
        println!(
            "{} {:?} {}",
            c.drift, &text[c.diagnostic.range], c.diagnostic.message
        );
    }
    assert!(
        checked
            .iter()
            .any(|c| c.drift && &text[c.diagnostic.range] == "throttlegroups")
    );
    let inner = checked
        .iter()
        .find(|c| &text[c.diagnostic.range] == "many")
        .expect("the bad value inside <throttlegroups> is reported");
    assert!(!inner.drift);
    assert!(
        inner
            .diagnostic
            .message
            .contains("checked by the built-in catalogue"),
        "{}",
        inner.diagnostic.message
    );
}
