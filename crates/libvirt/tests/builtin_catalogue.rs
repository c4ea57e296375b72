//! The built-in catalogue compiles and validates.

#[test]
fn embedded_catalogue_compiles_and_validates() {
    let cat = domxml_libvirt::builtin::catalogue().expect("the built-in catalogue compiles");
    let doc = "<domain type='kvm'><name>vm</name><memory unit='KiB'>1024</memory><os><type>hvm</type></os></domain>";
    let parse = domxml_syntax::parse(doc);
    let diagnostics = domxml_schema::validate(&cat, &parse.document());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let parse = domxml_syntax::parse("<domain type='kvmm'><name>vm</name></domain>");
    let diagnostics = domxml_schema::validate(&cat, &parse.document());
    assert!(
        diagnostics
            .iter()
            .any(|d| d.code == domxml_schema::Code::InvalidValue
                && d.suggestion.as_deref() == Some("kvm"))
    );
}
