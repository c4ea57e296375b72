//! `domxml check` picks its schema by discovery and says so with `--print-schema`: the
//! built-in catalogue when nothing else is there, `DOMXML_SCHEMA_PATH` (here: libvirt 9.0's
//! schemas from `tests/fetch-libvirt-9.sh`) with its detected version, and then version drift
//! warnings on a document using a value newer than 9.0.

use std::path::PathBuf;
use std::process::{Command, Output};

fn libvirt9() -> Option<PathBuf> {
    domxml_testdata::libvirt9_schemas()
}

/// `domxml ARGS` with `DOMXML_SCHEMA_PATH` set to `env` (or unset) on a host whose libvirt
/// schema directories are `host` (`DOMXML_HOST_SCHEMA_DIRS`; none by default), whatever this
/// machine has installed.
fn domxml_on(host: &[&PathBuf], env: Option<&PathBuf>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_domxml"));
    cmd.args(args);
    match env {
        Some(dir) => cmd.env("DOMXML_SCHEMA_PATH", dir),
        None => cmd.env_remove("DOMXML_SCHEMA_PATH"),
    };
    let dirs = std::env::join_paths(host.iter().map(|p| p.as_os_str())).expect("paths");
    cmd.env("DOMXML_HOST_SCHEMA_DIRS", dirs);
    cmd.output().expect("domxml runs")
}

fn domxml(env: Option<&PathBuf>, args: &[&str]) -> Output {
    domxml_on(&[], env, args)
}

#[test]
fn print_schema_without_environment_or_host_schemas() {
    let out = domxml(None, &["check", "--print-schema"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("DOMXML_SCHEMA_PATH is not set"), "{text}");
    assert!(
        text.starts_with("schema: built-in domxml catalogue"),
        "{text}"
    );
    assert!(text.contains("libvirt: 11.3"), "{text}");
}

#[test]
fn print_schema_on_a_host_with_libvirt_9() {
    let Some(dir) = libvirt9() else {
        return;
    };
    let out = domxml_on(&[&dir], None, &["check", "--print-schema"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("host's installed libvirt schemas"), "{text}");
    assert!(text.contains("libvirt: 9.0.0"), "{text}");
    // `builtin` named explicitly wins over the host's schemas.
    let out = domxml_on(
        &[&dir],
        None,
        &["check", "--schema", "builtin", "--print-schema"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("schema: built-in domxml catalogue"),
        "{text}"
    );
}

#[test]
fn environment_schema_with_version_and_drift() {
    let Some(dir) = libvirt9() else {
        println!("SKIPPED: libvirt 9.0 schemas absent: run tests/fetch-libvirt-9.sh");
        return;
    };
    let tmp = std::env::temp_dir().join(format!("domxml-print-schema-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let file = tmp.join("vm.xml");
    std::fs::write(
        &file,
        "<domain type='kvm'><name>a</name><memory>1024</memory><os><type machine='q35'>hvm</type></os>\n\
         <devices><watchdog model='itco' action='reset'/></devices></domain>\n",
    )
    .expect("write");
    let file_arg = file.to_string_lossy().into_owned();

    let out = domxml(Some(&dir), &["check", "--print-schema", &file_arg]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("DOMXML_SCHEMA_PATH="), "{text}");
    assert!(text.contains("libvirt: 9.0.0"), "{text}");
    assert!(
        text.contains(&format!("<domain> -> {}", dir.join("domain.rng").display())),
        "{text}"
    );

    let out = domxml(Some(&dir), &["check", "--format", "concise", &file_arg]);
    let text = String::from_utf8_lossy(&out.stdout);
    // A drift warning, not an error: the exit status stays 0.
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("warning: value 'itco' of attribute 'model' of <watchdog> is not known to libvirt 9.0 (host schema)"),
        "{text}"
    );
    assert!(text.contains("[version-drift]"), "{text}");

    // `--schema builtin` overrides the environment: no problem at all.
    let out = domxml(
        Some(&dir),
        &[
            "check", "--format", "concise", "--schema", "builtin", &file_arg,
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let _ = std::fs::remove_dir_all(&tmp);
}
