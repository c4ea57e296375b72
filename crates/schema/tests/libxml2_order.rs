//! The orders libxml2 rejects although RELAX NG allows them, on small schemas whose verdicts
//! were taken from `xmllint --relaxng` (libxml2 2.9.14).

mod support;

use support::{check, schema};

/// An interleave whose first branch is itself an interleave (like libvirt's `resources`).
const NESTED: &str = r#"
<start><element name="r"><interleave>
  <ref name="A"/>
  <zeroOrMore><element name="b"><empty/></element></zeroOrMore>
  <optional><element name="c"><empty/></element></optional>
</interleave></element></start>
<define name="A"><interleave>
  <element name="a1"><empty/></element>
  <element name="a2"><empty/></element>
</interleave></define>
"#;

#[test]
fn a_nested_interleave_split_by_a_repeated_sibling_is_rejected() {
    let cat = schema(NESTED);
    // xmllint: "Extra element a2 in interleave".
    let got = check(&cat, "<r><a1/><b/><a2/><b/></r>");
    assert!(got.starts_with("libvirt-element-order @\"a2\""), "{got}");
    assert!(got.contains("To fix it, move <a2> before <b>."), "{got}");
    assert!(got.contains("`virsh edit`"), "{got}");
}

#[test]
fn orders_xmllint_accepts_stay_valid() {
    let cat = schema(NESTED);
    for doc in [
        "<r><a1/><b/><b/><a2/></r>",
        "<r><b/><a1/><b/><a2/></r>",
        "<r><a1/><a2/><b/><b/></r>",
        "<r><a1/><c/><a2/></r>",
        "<r><a1/><b/><a2/><c/></r>",
        "<r><b/><a1/><c/><b/><a2/></r>",
    ] {
        assert_eq!(check(&cat, doc), "valid\n", "{doc}");
    }
}
