//! One small schema per RELAX NG construct and per diagnostic kind.

mod support;

use expect_test::expect;
use support::{check, errors, schema, schema_with};

#[test]
fn element_attribute_and_text() {
    let cat = schema(
        r#"<start><element name="vm"><attribute name="type"><choice><value>kvm</value><value>qemu</value></choice></attribute><element name="name"><text/></element></element></start>"#,
    );
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(&cat, "<vm type='kvm'><name>x</name></vm>"));
    expect![[r#"
        invalid-value @"kvmm": invalid value 'kvmm' for attribute 'type' of <vm>: expected one of 'kvm' or 'qemu'; did you mean 'kvm'? [fix: kvm]
    "#]]
    .assert_eq(&check(&cat, "<vm type='kvmm'><name>x</name></vm>"));
    expect![[r#"
        missing-attribute @"vm": <vm> is missing required attribute 'type'
        missing-element @"vm": <vm> is missing required child element <name>
    "#]]
    .assert_eq(&check(&cat, "<vm></vm>"));
}

#[test]
fn unknown_element_and_attribute_with_suggestions() {
    let cat = schema(
        r#"<start><element name="domain"><optional><attribute name="id"><data type="unsignedInt"/></attribute></optional><interleave><element name="memory"><data type="unsignedLong"/></element><optional><element name="vcpu"><data type="unsignedInt"/></element></optional></interleave></element></start>"#,
    );
    expect![[r#"
        missing-element @"domain": <domain> is missing required child element <memory>
        unknown-attribute @"idd": unknown attribute 'idd' on <domain>: did you mean 'id'? [fix: id]
        unknown-element @"memroy": unknown element <memroy> in <domain>: did you mean <memory>? [fix: memory]
        unknown-element @"zzz": unknown element <zzz> in <domain>; allowed: memory or vcpu
    "#]]
    .assert_eq(&check(&cat, "<domain idd='1'><memroy>1</memroy><zzz/></domain>"));
    expect![[r#"
        invalid-value @"-1": invalid value '-1' for attribute 'id' of <domain>: expected an unsigned integer
        invalid-value @"lots": invalid value 'lots' in <memory>: expected an unsigned 64-bit integer
    "#]]
    .assert_eq(&check(&cat, "<domain id='-1'><memory>lots</memory><vcpu>2</vcpu></domain>"));
}

#[test]
fn too_many_and_out_of_order() {
    let cat = schema(
        r#"<start><element name="a"><element name="first"><empty/></element><optional><element name="second"><empty/></element></optional></element></start>"#,
    );
    expect![[r#"
        element-not-allowed @"second": too many <second> in <a>: it is not allowed again here
    "#]]
    .assert_eq(&check(&cat, "<a><first/><second/><second/></a>"));
    expect![[r#"
        element-not-allowed @"second": <second> is not allowed here in <a>; expected <first>
    "#]]
    .assert_eq(&check(&cat, "<a><second/><first/></a>"));
}

#[test]
fn unexpected_text_and_recovery_in_children() {
    let cat = schema(
        r#"<start><element name="a"><zeroOrMore><element name="b"><attribute name="x"><data type="int"/></attribute></element></zeroOrMore></element></start>"#,
    );
    expect![[r#"
        unexpected-text @"hello": text is not allowed in <a>
        invalid-value @"one": invalid value 'one' for attribute 'x' of <b>: expected a 32-bit integer
        missing-attribute @"b": <b> is missing required attribute 'x'
        invalid-value @"3.5": invalid value '3.5' for attribute 'x' of <b>: expected a 32-bit integer
    "#]]
    .assert_eq(&check(&cat, "<a>hello<b x='one'/><b/><b x='3.5'/></a>"));
}

#[test]
fn group_interleave_oneormore_mixed() {
    let cat = schema(
        r#"<start><element name="r"><group><oneOrMore><element name="x"><empty/></element></oneOrMore><mixed><element name="y"><empty/></element></mixed></group></element></start>"#,
    );
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(&cat, "<r><x/><x/>text<y/>more</r>"));
    expect![[r#"
        missing-element @"r": <r> is missing required child elements <x>, <y>
    "#]]
    .assert_eq(&check(&cat, "<r></r>"));
}

#[test]
fn list_and_data_except() {
    let cat = schema(
        r#"<start><element name="r"><attribute name="l"><list><oneOrMore><data type="int"/></oneOrMore></list></attribute><attribute name="n"><data type="string"><except><choice><value>.</value><value>..</value></choice></except></data></attribute></element></start>"#,
    );
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(&cat, "<r l=' 1 2  3 ' n='a'/>"));
    expect![[r#"
        invalid-value @"1 x": invalid value '1 x' for attribute 'l' of <r>: expected a whitespace-separated list of a 32-bit integer
        invalid-value @"..": invalid value '..' for attribute 'n' of <r>: expected a string
    "#]]
    .assert_eq(&check(&cat, "<r l='1 x' n='..'/>"));
}

#[test]
fn facets() {
    let cat = schema(
        r#"<start><element name="r"><attribute name="slot"><data type="string"><param name="pattern">0x[0-9a-fA-F]{1,2}</param></data></attribute><attribute name="port"><data type="int"><param name="minInclusive">1</param><param name="maxInclusive">65535</param></data></attribute><attribute name="s"><data type="string"><param name="minLength">2</param><param name="maxLength">3</param></data></attribute><attribute name="e"><data type="double"><param name="minExclusive">0</param><param name="maxExclusive">1</param></data></attribute><attribute name="k"><data type="token"><param name="length">2</param></data></attribute></element></start>"#,
    );
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(
        &cat,
        "<r slot='0x1f' port='22' s='ab' e='0.5' k=' ab '/>",
    ));
    expect![[r#"
        invalid-value @"0x123": invalid value '0x123' for attribute 'slot' of <r>: expected a string in a particular format
        invalid-value @"0": invalid value '0' for attribute 'port' of <r>: expected a 32-bit integer from 1 to 65535
        invalid-value @"abcd": invalid value 'abcd' for attribute 's' of <r>: expected a string of at least 2 characters of at most 3 characters
        invalid-value @"1": invalid value '1' for attribute 'e' of <r>: expected a floating-point number from more than 0 to less than 1
        invalid-value @"abc": invalid value 'abc' for attribute 'k' of <r>: expected a string of exactly 2 characters
    "#]]
    .assert_eq(&check(&cat, "<r slot='0x123' port='0' s='abcd' e='1' k='abc'/>"));
}

#[test]
fn defines_combine_and_refs() {
    let cat = schema(
        r#"<start><ref name="root"/></start>
        <define name="root"><element name="r"><ref name="attrs"/><zeroOrMore><ref name="child"/></zeroOrMore></element></define>
        <define name="attrs"><attribute name="a"/></define>
        <define name="attrs" combine="interleave"><optional><attribute name="b"/></optional></define>
        <define name="child"><element name="c"><empty/></element></define>
        <define name="child" combine="choice"><element name="d"><empty/></element></define>"#,
    );
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(&cat, "<r b='2' a='1'><c/><d/><c/></r>"));
}

#[test]
fn recursion_through_elements() {
    let cat = schema(
        r#"<start><ref name="node"/></start><define name="node"><element name="n"><zeroOrMore><ref name="node"/></zeroOrMore></element></define>"#,
    );
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(&cat, "<n><n><n/></n><n/></n>"));
}

#[test]
fn include_with_overrides_and_div() {
    let lib = format!(
        r#"<grammar {}><define name="kind"><value>a</value></define><div><define name="other"><element name="o"><empty/></element></define></div></grammar>"#,
        support::HEADER
    );
    let cat = schema_with(
        r#"<start><element name="r"><attribute name="k"><ref name="kind"/></attribute><ref name="other"/></element></start>
        <include href="lib/types.rng"><define name="kind"><value>b</value></define></include>"#,
        &[("lib/types.rng", &lib)],
    )
    .expect("compiles");
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(&cat, "<r k='b'><o/></r>"));
    expect![[r#"
        invalid-value @"a": invalid value 'a' for attribute 'k' of <r>: expected 'b'
    "#]]
    .assert_eq(&check(&cat, "<r k='a'><o/></r>"));
}

#[test]
fn external_ref_nested_grammar_and_parent_ref() {
    let ext = format!(
        r#"<element name="ext" {}><text/></element>"#,
        support::HEADER
    );
    let cat = schema_with(
        r#"<start><element name="r"><externalRef href="ext.rng"/><grammar><start><element name="inner"><parentRef name="leaf"/></element></start></grammar></element></start>
        <define name="leaf"><element name="leaf"><empty/></element></define>"#,
        &[("ext.rng", &ext)],
    )
    .expect("compiles");
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(&cat, "<r><ext>t</ext><inner><leaf/></inner></r>"));
}

#[test]
fn namespaces_and_name_classes() {
    let cat = schema(
        r#"<start><element name="domain"><zeroOrMore><choice>
             <element name="q:commandline" xmlns:q="urn:qemu"><zeroOrMore><element name="q:arg"><attribute name="value"/></element></zeroOrMore></element>
             <element name="metadata"><zeroOrMore><element><anyName/><zeroOrMore><choice><attribute><anyName/></attribute><text/></choice></zeroOrMore></element></zeroOrMore></element>
             <element><nsName ns="urn:other"/><empty/></element>
             <element><anyName><except><nsName ns=""/><nsName ns="urn:qemu"/><nsName ns="urn:other"/></except></anyName><empty/></element>
           </choice></zeroOrMore></element></start>"#,
    );
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(
        &cat,
        r#"<domain xmlns:qemu="urn:qemu"><qemu:commandline><qemu:arg value="-S"/></qemu:commandline><metadata><app:x xmlns:app="urn:app" k="v">t</app:x></metadata><o:y xmlns:o="urn:other"/><z:w xmlns:z="urn:z"/></domain>"#,
    ));
    expect![[r#"
        wrong-namespace @"commandline": <commandline> in <domain> must be in namespace 'urn:qemu' (declare a prefix for it, e.g. xmlns:p="urn:qemu", and write <p:commandline>)
        undeclared-prefix @"qemu:arg": namespace prefix 'qemu' is not declared
    "#]]
    .assert_eq(&check(&cat, r#"<domain><commandline/><qemu:arg value="x"/><o:y xmlns:o="urn:q"/></domain>"#));
}

#[test]
fn ns_inheritance_and_datatype_library_inheritance() {
    let cat = schema(
        r#"<start><element name="r" ns="urn:r"><element name="c"><data type="int"/></element><element name="t" datatypeLibrary=""><data type="token"/></element></element></start>"#,
    );
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(&cat, r#"<r xmlns="urn:r"><c>1</c><t>x</t></r>"#));
    expect![[r#"
        wrong-root @"r": <r> must be in namespace 'urn:r' to be the root element (add xmlns="urn:r")
    "#]]
    .assert_eq(&check(&cat, r#"<r><c>1</c><t>x</t></r>"#));
}

#[test]
fn whitespace_and_values_by_type() {
    let cat = schema(
        r#"<start><element name="r"><element name="tok"><value>a b</value></element><element name="str"><value type="string">a</value></element><element name="num"><value type="int">7</value></element></element></start>"#,
    );
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(
        &cat,
        "<r>\n  <tok>  a   b </tok>\n  <str>a</str>\n  <num> 07 </num>\n</r>",
    ));
    expect![[r#"
        invalid-value @" a ": invalid value 'a' in <str>: expected 'a'
    "#]]
    .assert_eq(&check(
        &cat,
        "<r><tok>a b</tok><str> a </str><num>7</num></r>",
    ));
}

#[test]
fn not_allowed_and_empty_content() {
    let cat = schema(
        r#"<start><element name="r"><optional><element name="private"><notAllowed/></element></optional><element name="e"><empty/></element></element></start>"#,
    );
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(&cat, "<r><e/></r>"));
    expect![[r#"
        unexpected-text @"x": text is not allowed in <e>
    "#]]
    .assert_eq(&check(&cat, "<r><e>x</e></r>"));
    expect![[r#"
        element-not-allowed @"private": <private> is not allowed here in <r>; expected <e>
    "#]]
    .assert_eq(&check(&cat, "<r><private/><e/></r>"));
}

#[test]
fn missing_one_of_attributes() {
    let cat = schema(
        r#"<start><element name="r"><choice><attribute name="file"/><attribute name="dev"/></choice></element></start>"#,
    );
    expect![[r#"
        missing-attribute @"r": <r> is missing an attribute: one of dev or file
    "#]]
    .assert_eq(&check(&cat, "<r/>"));
}

#[test]
fn schema_errors_are_values_with_locations() {
    expect![[r#"
        main.rng:2: reference to an undefined pattern 'nope'
    "#]]
    .assert_eq(&errors(
        schema_with(r#"<start><ref name="nope"/></start>"#, &[]).expect_err("error"),
    ));
    expect![[r#"
        main.rng:2: no schema file 'missing.rng'
    "#]]
    .assert_eq(&errors(
        schema_with(
            r#"<start><element name="a"><empty/></element></start><include href="missing.rng"/>"#,
            &[],
        )
        .expect_err("error"),
    ));
    expect![[r#"
        main.rng:3: 'loop' refers to itself without an element in between
    "#]]
    .assert_eq(&errors(
        schema_with(
            "<start><ref name=\"loop\"/></start>\n<define name=\"loop\"><choice><empty/><group><attribute name=\"a\"/><ref name=\"loop\"/></group></choice></define>",
            &[],
        )
        .expect_err("error"),
    ));
    expect![[r#"
        main.rng:2: pattern '\p{IsBasicLatin}+' cannot be used: unsupported Unicode property or block '\p{IsBasicLatin}' (at char 16)
    "#]]
    .assert_eq(&errors(
        schema_with(
            r#"<start><element name="a"><data type="string"><param name="pattern">\p{IsBasicLatin}+</param></data></element></start>"#,
            &[],
        )
        .expect_err("error"),
    ));
    expect![[r#"
        main.rng:2: unknown datatype 'frobnicate' in 'http://www.w3.org/2001/XMLSchema-datatypes'
    "#]]
    .assert_eq(&errors(
        schema_with(
            r#"<start><element name="a"><data type="frobnicate"/></element></start>"#,
            &[],
        )
        .expect_err("error"),
    ));
    expect![[r#"
        main.rng:2: include cycle: 'x.rng' includes itself
    "#]]
    .assert_eq(&errors(
        schema_with(
            r#"<start><element name="a"><empty/></element></start><include href="x.rng"/>"#,
            &[(
                "x.rng",
                &format!(
                    r#"<grammar {}><include href="main.rng"/></grammar>"#,
                    support::HEADER
                ),
            )],
        )
        .expect_err("error"),
    ));
}

#[test]
fn network_hrefs_are_refused() {
    let e = schema_with(
        r#"<start><externalRef href="http://example.com/x.rng"/></start>"#,
        &[],
    )
    .expect_err("error");
    assert!(errors(e).contains("never fetched over the network"));
}

#[test]
fn named_types_are_described_by_their_define() {
    let cat = schema(
        r#"<start><element name="address"><attribute name="slot"><ref name="types.pci.slot"/></attribute><attribute name="uuid"><ref name="UUID"/></attribute></element></start>
        <define name="types.pci.slot"><choice><data type="string"><param name="pattern">0x[0-1]?[0-9a-fA-F]</param></data><data type="int"><param name="minInclusive">0</param><param name="maxInclusive">31</param></data></choice></define>
        <define name="UUID"><data type="string"><param name="pattern">[a-f0-9]{32}</param></data></define>"#,
    );
    expect![[r#"
        invalid-value @"0x20": invalid value '0x20' for attribute 'slot' of <address>: expected a PCI slot (a string or a 32-bit integer from 0 to 31)
        invalid-value @"x": invalid value 'x' for attribute 'uuid' of <address>: expected a UUID (a string)
    "#]].assert_eq(&check(&cat, "<address slot='0x20' uuid='x'/>"));
}

#[test]
fn name_and_choice_name_classes() {
    let cat = schema(
        r#"<start><element><choice><name>kvm</name><name ns="urn:x">xen</name></choice><attribute><choice><name>a</name><name>b</name></choice></attribute><empty/></element></start>"#,
    );
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(&cat, "<kvm a='1'/>"));
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(&cat, "<x:xen xmlns:x='urn:x' b='2'/>"));
    expect![[r#"
        missing-attribute @"kvm": <kvm> is missing required attribute 'a' or 'b'
        unknown-attribute @"c": unknown attribute 'c' on <kvm>; allowed: a or b
    "#]]
    .assert_eq(&check(&cat, "<kvm c='1'/>"));
    expect![[r#"
        wrong-root @"xen": <xen> must be in namespace 'urn:x' to be the root element (add xmlns="urn:x")
    "#]].assert_eq(&check(&cat, "<xen a='1'/>"));
}

#[test]
fn an_attribute_value_that_takes_no_children_is_one_problem_naming_the_value() {
    // As libvirt's <hyperv mode='passthrough'> (empty) vs mode='custom' (feature children).
    let cat = schema(
        r#"<start><element name="hyperv"><choice><attribute name="mode"><value>passthrough</value></attribute><group><optional><attribute name="mode"><value>custom</value></attribute></optional><interleave><optional><element name="relaxed"><empty/></element></optional><optional><element name="vapic"><empty/></element></optional></interleave></group></choice></element></start>"#,
    );
    expect![[r#"
        element-not-allowed @"passthrough": <hyperv mode='passthrough'> takes no child elements, but it has <relaxed> and 1 other child: they apply with mode='custom'; remove them or change the value [fix: custom]
    "#]]
    .assert_eq(&check(
        &cat,
        "<hyperv mode='passthrough'><relaxed/><vapic/></hyperv>",
    ));
    expect![[r#"
        valid
    "#]]
    .assert_eq(&check(
        &cat,
        "<hyperv mode='custom'><relaxed/><vapic/></hyperv>",
    ));
    // A misspelt child is still named (it is not explained by the mode).
    expect![[r#"
        element-not-allowed @"passthrough": <hyperv mode='passthrough'> takes no child elements, but it has <relaxed> and 1 other child: they apply with mode='custom'; remove them or change the value [fix: custom]
        unknown-element @"vapc": unknown element <vapc> in <hyperv>: did you mean <vapic>? [fix: vapic]
    "#]]
    .assert_eq(&check(
        &cat,
        "<hyperv mode='passthrough'><relaxed/><vapc/></hyperv>",
    ));
}
