//! Catalogue coverage: every element (with the element it appears in) and every attribute (with
//! its element) that libvirt 11.3.0's `domain.rng` lets a `<domain>` contain must exist in our
//! embedded catalogue, and every element and attribute definition of ours must be documented.
//! Enumerated values (of attributes and of element text) must all be there too. Names matched
//! only by wildcards (`anyName`, `nsName`) are skipped.

use std::collections::BTreeSet;
use std::path::PathBuf;

use domxml_libvirt::builtin::EmbeddedFiles;
use domxml_schema::inventory::{Inventory, QName, inventory};
use domxml_schema::{DiskFiles, compile};

fn libvirt_domain_rng() -> Option<PathBuf> {
    domxml_testdata::libvirt11().map(|d| d.join("schemas/domain.rng"))
}

fn ours() -> Inventory {
    let cat = compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN)
        .unwrap_or_else(|e| panic!("the embedded catalogue does not compile: {e:?}"));
    inventory(&cat)
}

fn pair(parent: &Option<QName>, name: &QName) -> String {
    match parent {
        Some(p) => format!("{p}/{name}"),
        None => format!("/{name}"),
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// Lists at most 400 lines of `items`.
fn listing(items: &BTreeSet<String>) -> String {
    let mut out: Vec<&str> = items.iter().map(String::as_str).take(400).collect();
    if items.len() > 400 {
        out.push("...");
    }
    out.join("\n  ")
}

#[test]
fn every_libvirt_name_is_in_the_catalogue() {
    let Some(entry) = libvirt_domain_rng() else {
        println!("SKIPPED: ../shared/libvirt-11.3.0/schemas is absent (coverage not checked)");
        return;
    };
    let theirs_cat = compile(&DiskFiles, &entry.to_string_lossy())
        .unwrap_or_else(|e| panic!("libvirt 11.3.0's domain.rng does not compile: {e:?}"));
    let theirs = inventory(&theirs_cat);
    let ours = ours();

    let their_elements = theirs.element_pairs();
    let our_elements = ours.element_pairs();
    let missing_elements: BTreeSet<String> = their_elements
        .iter()
        .filter(|p| !our_elements.contains(*p))
        .map(|(p, n)| pair(p, n))
        .collect();

    let their_attributes = theirs.attribute_pairs();
    let our_attributes = ours.attribute_pairs();
    let missing_attributes: BTreeSet<String> = their_attributes
        .iter()
        .filter(|p| !our_attributes.contains(*p))
        .map(|(p, e, a)| format!("{}/@{a}", pair(p, e)))
        .collect();

    let their_values = theirs.value_triples();
    let our_values = ours.value_triples();
    let missing_values: BTreeSet<String> = their_values
        .iter()
        .filter(|v| !our_values.contains(*v))
        .map(|(p, e, a, v)| match a {
            Some(a) => format!("{}/@{a}={v:?}", pair(p, e)),
            None => format!("{}={v:?}", pair(p, e)),
        })
        .collect();
    let values_present = their_values.len() - missing_values.len();

    let (te, ta) = (their_elements.len(), their_attributes.len());
    println!(
        "libvirt 11.3.0 domain.rng: {te} (parent, element) pairs, {ta} (parent, element, attribute) triples, {} enumerated values, {} wildcard definitions skipped",
        their_values.len(),
        theirs.wildcards
    );
    println!(
        "catalogue coverage: elements {}/{te} ({:.2}%), attributes {}/{ta} ({:.2}%), values {values_present}/{} ({:.2}%)",
        te - missing_elements.len(),
        percent(te - missing_elements.len(), te),
        ta - missing_attributes.len(),
        percent(ta - missing_attributes.len(), ta),
        their_values.len(),
        percent(values_present, their_values.len()),
    );
    assert!(
        te > 500 && ta > 1500,
        "libvirt's schema looks truncated: {te} element pairs, {ta} attribute triples"
    );
    assert!(
        missing_elements.is_empty() && missing_attributes.is_empty(),
        "missing from the catalogue: {} elements (parent/element), {} attributes (parent/element/@attribute):\n  {}\n  {}",
        missing_elements.len(),
        missing_attributes.len(),
        listing(&missing_elements),
        listing(&missing_attributes)
    );
    assert!(
        missing_values.is_empty(),
        "{} enumerated values missing from the catalogue:\n  {}",
        missing_values.len(),
        listing(&missing_values)
    );
}

#[test]
fn every_catalogue_definition_is_documented() {
    let ours = ours();
    let undocumented_elements: BTreeSet<String> = ours
        .elements
        .iter()
        .filter(|e| !e.documented)
        .map(|e| {
            format!(
                "<{}> (in {}) at {}:{}",
                e.name,
                e.parent
                    .as_ref()
                    .map_or("the root".to_owned(), |p| format!("<{p}>")),
                e.location.file,
                e.location.line
            )
        })
        .collect();
    let undocumented_attributes: BTreeSet<String> = ours
        .attributes
        .iter()
        .filter(|a| !a.documented)
        .map(|a| {
            format!(
                "@{} of {} at {}:{}",
                a.name,
                pair(&a.parent, &a.element),
                a.location.file,
                a.location.line
            )
        })
        .collect();
    let elements = ours
        .elements
        .iter()
        .map(|e| (&e.location.file, e.location.line, &e.name))
        .collect::<BTreeSet<_>>()
        .len();
    let attributes = ours
        .attributes
        .iter()
        .map(|a| (&a.location.file, a.location.line, &a.element, &a.name))
        .collect::<BTreeSet<_>>()
        .len();
    let documented_values = ours.values.iter().filter(|v| v.documented).count();
    println!(
        "catalogue documentation: {} element definitions, {} undocumented; {attributes} attribute definitions, {} undocumented; values {documented_values}/{} documented (not asserted)",
        elements,
        undocumented_elements.len(),
        undocumented_attributes.len(),
        ours.values.len()
    );
    assert!(
        elements > 100,
        "the catalogue looks truncated: {elements} elements"
    );
    assert!(
        undocumented_elements.is_empty() && undocumented_attributes.is_empty(),
        "{} undocumented elements, {} undocumented attributes:\n  {}\n  {}",
        undocumented_elements.len(),
        undocumented_attributes.len(),
        listing(&undocumented_elements),
        listing(&undocumented_attributes)
    );
}
