//! Completion and hover queries on a small documented schema.

mod support;

use domxml_schema::query;
use domxml_syntax::TextSize;
use support::schema;

const SCHEMA: &str = r#"
<start><ref name="domain"/></start>
<define name="domain">
  <element name="domain">
    <a:documentation>A guest.</a:documentation>
    <attribute name="type">
      <a:documentation>The hypervisor.</a:documentation>
      <choice>
        <value>kvm</value>
        <a:documentation>Hardware accelerated.</a:documentation>
        <value>qemu</value>
      </choice>
    </attribute>
    <interleave>
      <element name="name"><a:documentation>Unique name.</a:documentation><text/></element>
      <optional><element name="title"><text/></element></optional>
      <optional><element name="devices"><zeroOrMore><ref name="watchdog"/></zeroOrMore></element></optional>
    </interleave>
  </element>
</define>
<define name="watchdog">
  <element name="watchdog">
    <a:documentation>A watchdog timer.</a:documentation>
    <attribute name="model"><choice><value>i6300esb</value><value>ib700</value></choice></attribute>
    <optional>
      <attribute name="action" a:defaultValue="reset">
        <a:documentation>What to do when it fires.</a:documentation>
        <choice><value>reset</value><value>poweroff</value></choice>
      </attribute>
    </optional>
    <optional><attribute name="timeout"><data type="unsignedInt"/></attribute></optional>
    <empty/>
  </element>
</define>
"#;

fn element_at(doc: &str, name: &str) -> domxml_syntax::ast::Element {
    let parse = domxml_syntax::parse(doc);
    let root = parse.document().root().expect("root");
    std::iter::once(root.clone())
        .chain(
            root.syntax()
                .descendants()
                .filter_map(domxml_syntax::ast::Element::cast),
        )
        .find(|e| e.name().is_some_and(|n| n.text() == name))
        .expect("element")
}

#[test]
fn root_elements_and_children_respect_what_is_present() {
    let cat = schema(SCHEMA);
    let roots: Vec<String> = query::root_elements(&cat)
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(roots, ["domain"]);
    let doc = "<domain type='kvm'><name>x</name>\n</domain>";
    let domain = element_at(doc, "domain");
    let offset = TextSize::from(doc.find('\n').expect("newline") as u32);
    let mut names: Vec<String> = query::allowed_children(&cat, &domain, offset)
        .into_iter()
        .map(|e| e.name)
        .collect();
    names.sort();
    assert_eq!(names, ["devices", "title"], "no second <name>");
    // Before <name>, a second <name> is still not offered (it comes later).
    let at_start = TextSize::from(doc.find("<name>").expect("name") as u32);
    let mut names: Vec<String> = query::allowed_children(&cat, &domain, at_start)
        .into_iter()
        .map(|e| e.name)
        .collect();
    names.sort();
    assert_eq!(names, ["devices", "title"]);
}

#[test]
fn child_element_details() {
    let cat = schema(SCHEMA);
    let doc = "<domain type='kvm'><devices></devices></domain>";
    let devices = element_at(doc, "devices");
    let offset = TextSize::from(doc.find("</devices>").expect("end") as u32);
    let children = query::allowed_children(&cat, &devices, offset);
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].name, "watchdog");
    assert_eq!(children[0].doc.as_deref(), Some("A watchdog timer."));
    assert_eq!(children[0].required_attributes, ["model"]);
    assert!(children[0].empty);
}

#[test]
fn attributes_not_yet_present_with_required_marks_and_values() {
    let cat = schema(SCHEMA);
    let doc = "<domain type='kvm'><devices><watchdog timeout='5'/></devices></domain>";
    let watchdog = element_at(doc, "watchdog");
    let attrs = query::attributes(&cat, &watchdog, false);
    let summary: Vec<String> = attrs
        .iter()
        .map(|a| {
            format!(
                "{}{} [{}] {:?} default={:?}",
                a.name,
                if a.required { "*" } else { "" },
                a.values
                    .iter()
                    .map(|v| v.value.as_str())
                    .collect::<Vec<_>>()
                    .join("|"),
                a.doc,
                a.default
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "model* [i6300esb|ib700] None default=None",
            "action [reset|poweroff] Some(\"What to do when it fires.\") default=Some(\"reset\")"
        ]
    );
    let all = query::attributes(&cat, &watchdog, true);
    assert!(
        all.iter()
            .any(|a| a.name == "timeout" && a.datatype.as_deref() == Some("an unsigned integer"))
    );
}

#[test]
fn values_for_attributes_and_text() {
    let cat = schema(SCHEMA);
    let doc = "<domain type='kvm'><name>x</name></domain>";
    let domain = element_at(doc, "domain");
    let (values, datatype) = query::attribute_values(&cat, &domain, "type");
    let shown: Vec<(String, Option<String>)> =
        values.into_iter().map(|v| (v.value, v.doc)).collect();
    assert_eq!(
        shown,
        [
            ("kvm".to_owned(), Some("Hardware accelerated.".to_owned())),
            ("qemu".to_owned(), None)
        ]
    );
    assert_eq!(datatype, None);
    let name = element_at(doc, "name");
    let (values, datatype) = query::text_values(&cat, &name);
    assert!(values.is_empty());
    assert_eq!(datatype.as_deref(), Some("text"));
}

#[test]
fn a_restricted_release_is_documented_only_on_its_paths() {
    let cat = schema(
        r#"<start><element name="domain"><interleave>
          <element name="disk"><ref name="source"/></element>
          <element name="nvram"><ref name="source"/></element>
        </interleave></element></start>
        <define name="source"><element name="source" dx:since="0.0.3" dx:sinceUnder="disk/source">
          <attribute name="file" dx:since="0.0.3" dx:sinceUnder="disk/source"/>
          <attribute name="query" dx:since="6.2.0"/>
        </element></define>"#,
    );
    let version = |path: &str| {
        let doc = query::documentation(&cat, path, None).expect("documented");
        doc.since.map(|s| s.version)
    };
    assert_eq!(version("domain/disk/source").as_deref(), Some("0.0.3"));
    assert_eq!(
        version("domain/disk/source/@file").as_deref(),
        Some("0.0.3")
    );
    assert_eq!(version("domain/nvram/source"), None);
    assert_eq!(version("domain/nvram/source/@file"), None);
    // An unrestricted release holds on every path.
    assert_eq!(
        version("domain/nvram/source/@query").as_deref(),
        Some("6.2.0")
    );
}

#[test]
fn element_definition_and_documentation_by_path() {
    let cat = schema(SCHEMA);
    let doc = "<domain type='kvm'><name>x</name></domain>";
    let name = element_at(doc, "name");
    let def = query::element_definition(&cat, &name).expect("definition");
    assert_eq!(def.doc.as_deref(), Some("Unique name."));
    let action = query::documentation(&cat, "domain/devices/watchdog/@action", None).expect("doc");
    assert_eq!(action.doc.as_deref(), Some("What to do when it fires."));
    assert_eq!(action.default.as_deref(), Some("reset"));
    assert!(action.exact);
    let kvm = query::documentation(&cat, "domain/@type", Some("kvm")).expect("value doc");
    assert_eq!(kvm.doc.as_deref(), Some("Hardware accelerated."));
    // A path this schema does not have still finds the watchdog by name.
    let fallback = query::documentation(&cat, "domain/hardware/watchdog", None).expect("fallback");
    assert_eq!(fallback.doc.as_deref(), Some("A watchdog timer."));
    assert!(!fallback.exact);
}
