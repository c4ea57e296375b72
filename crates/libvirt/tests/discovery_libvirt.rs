//! Version detection on real libvirt schema directories: Debian bookworm's libvirt 9.0 package
//! extracted by `tests/fetch-libvirt-9.sh`, and the libvirt 11.3.0 reference schemas.

use std::path::PathBuf;

use domxml_libvirt::discovery::{
    Inputs, Origin, SchemaChoice, detect_version, detect_versions, discover,
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn libvirt9_schemas() -> Option<PathBuf> {
    domxml_testdata::libvirt9_schemas()
}

#[test]
fn libvirt_9_0_package_is_detected_as_9_0() {
    let Some(dir) = libvirt9_schemas() else {
        return;
    };
    let all = detect_versions(&dir);
    for v in &all {
        println!("libvirt 9.0 package: {v}");
    }
    let best = detect_version(&dir).expect("a version for the 9.0 package");
    assert_eq!(best.short(), "9.0", "{best}");
    assert!(!best.at_least);
    // The schema content alone tells the same release.
    let content = all
        .iter()
        .find(|v| v.how.starts_with("schema content"))
        .expect("content fingerprint");
    assert_eq!(
        (content.short().as_str(), content.at_least),
        ("9.0", false),
        "{content}"
    );

    // As a host directory found by discovery.
    let d = discover(&Inputs {
        explicit: None,
        env: None,
        host_dirs: vec![root().join("target/no-such-dir"), dir.clone()],
    });
    assert_eq!(d.choice, SchemaChoice::Dir(dir));
    assert_eq!(d.origin, Origin::Host);
    assert_eq!(d.libvirt_label().as_deref(), Some("libvirt 9.0"));
}

#[test]
fn libvirt_11_3_reference_schemas() {
    let Some(dir) = domxml_testdata::libvirt11().map(|d| d.join("schemas")) else {
        return;
    };
    if !dir.join("domain.rng").is_file() {
        println!("SKIPPED: ../shared/libvirt-11.3.0 is absent");
        return;
    }
    let all = detect_versions(&dir);
    for v in &all {
        println!("libvirt 11.3.0 reference: {v}");
    }
    assert_eq!(all.first().map(|v| v.version.as_str()), Some("11.3.0"));
    let content = all
        .iter()
        .find(|v| v.how.starts_with("schema content"))
        .expect("content fingerprint");
    assert!(content.at_least, "{content}");
    assert_eq!(content.short(), "11.2");
}
