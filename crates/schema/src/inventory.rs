//! Everything a compiled schema lets a document contain, as plain names: each element with the
//! element it may appear in, each attribute with its element, each enumerated value with its
//! attribute or element, and whether each definition carries documentation. Reachability starts
//! at the schema's start pattern. Used to compare two schemas (the catalogue-coverage test,
//! version drift) without looking at patterns.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::catalogue::{Catalogue, Location};
use crate::explain;
use crate::name_class::NcId;
use crate::pattern::{ElemId, Node, Pat};

/// A qualified name: namespace URI ("" for libvirt's own names) and local name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    pub namespace: String,
    pub local: String,
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.local)
        } else {
            write!(f, "{{{}}}{}", self.namespace, self.local)
        }
    }
}

/// One element definition reachable from the start, once per element name it may appear in
/// (pairs are by name: the same name defined twice in one parent gives two entries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementEntry {
    /// The containing element's name; `None` for a root element.
    pub parent: Option<QName>,
    pub name: QName,
    pub documented: bool,
    pub location: Location,
}

/// One attribute definition of a reachable element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeEntry {
    /// The name of the element containing `element`; `None` when `element` is the root.
    pub parent: Option<QName>,
    pub element: QName,
    pub name: QName,
    pub documented: bool,
    pub location: Location,
}

/// One enumerated value: of an attribute (`attribute` is `Some`) or of an element's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueEntry {
    pub parent: Option<QName>,
    pub element: QName,
    pub attribute: Option<QName>,
    pub value: String,
    pub documented: bool,
}

/// What a schema lets a document contain. Names matched only by wildcards (`anyName`,
/// `nsName`) are not listed; `wildcards` counts the definitions skipped for that reason.
#[derive(Debug, Default)]
pub struct Inventory {
    pub elements: Vec<ElementEntry>,
    pub attributes: Vec<AttributeEntry>,
    pub values: Vec<ValueEntry>,
    pub wildcards: usize,
}

fn qnames(cat: &Catalogue, nc: NcId) -> Vec<QName> {
    cat.class_names(nc)
        .into_iter()
        .map(|(ns, local)| QName {
            namespace: ns.to_owned(),
            local: local.to_owned(),
        })
        .collect()
}

/// Enumerated values directly in `p` (not inside elements or attributes).
fn values_in(cat: &Catalogue, p: Pat) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    explain::walk(cat, p, explain::Reach::Anywhere, |node| {
        if let Node::Value(v) = node {
            let def = cat.value(v);
            out.push((def.raw.clone(), def.doc.is_some()));
        }
    });
    out
}

/// The inventory of everything reachable from the catalogue's start pattern.
pub fn inventory(cat: &Catalogue) -> Inventory {
    let mut inv = Inventory::default();
    // Reachable element definitions, and the names of the elements each may appear in
    // (`None`: the root).
    let mut parents: BTreeMap<ElemId, BTreeSet<Option<QName>>> = BTreeMap::new();
    let mut queue: Vec<ElemId> = Vec::new();
    for id in explain::all_elements(cat, cat.start()) {
        parents.entry(id).or_default().insert(None);
        queue.push(id);
    }
    let mut visited: BTreeSet<ElemId> = BTreeSet::new();
    while let Some(id) = queue.pop() {
        let def = cat.element(id);
        if def.content == Pat::NOT_ALLOWED || !visited.insert(id) {
            continue;
        }
        let names = qnames(cat, def.name);
        for child in explain::all_elements(cat, def.content) {
            let entry = parents.entry(child).or_default();
            for name in &names {
                entry.insert(Some(name.clone()));
            }
            queue.push(child);
        }
    }
    for id in &visited {
        let def = cat.element(*id);
        let names = qnames(cat, def.name);
        if names.is_empty() || cat.name_classes().is_wildcard(def.name) {
            inv.wildcards += 1;
        }
        let attributes: Vec<_> = explain::attributes(cat, def.content)
            .into_iter()
            .map(|(nc, content, aid)| {
                if cat.name_classes().is_wildcard(nc) {
                    inv.wildcards += 1;
                }
                (qnames(cat, nc), values_in(cat, content), cat.attribute(aid))
            })
            .collect();
        let text_values = values_in(cat, def.content);
        for parent in parents.get(id).into_iter().flatten() {
            for name in &names {
                inv.elements.push(ElementEntry {
                    parent: parent.clone(),
                    name: name.clone(),
                    documented: def.doc.is_some(),
                    location: def.location.clone(),
                });
                for (value, documented) in &text_values {
                    inv.values.push(ValueEntry {
                        parent: parent.clone(),
                        element: name.clone(),
                        attribute: None,
                        value: value.clone(),
                        documented: *documented,
                    });
                }
                for (anames, avalues, adef) in &attributes {
                    for aname in anames {
                        inv.attributes.push(AttributeEntry {
                            parent: parent.clone(),
                            element: name.clone(),
                            name: aname.clone(),
                            documented: adef.doc.is_some(),
                            location: adef.location.clone(),
                        });
                        for (value, documented) in avalues {
                            inv.values.push(ValueEntry {
                                parent: parent.clone(),
                                element: name.clone(),
                                attribute: Some(aname.clone()),
                                value: value.clone(),
                                documented: *documented,
                            });
                        }
                    }
                }
            }
        }
    }
    inv
}

impl Inventory {
    /// The distinct (parent, element) name pairs.
    pub fn element_pairs(&self) -> HashSet<(Option<QName>, QName)> {
        self.elements
            .iter()
            .map(|e| (e.parent.clone(), e.name.clone()))
            .collect()
    }

    /// The distinct (parent, element, attribute) name triples.
    pub fn attribute_pairs(&self) -> HashSet<(Option<QName>, QName, QName)> {
        self.attributes
            .iter()
            .map(|a| (a.parent.clone(), a.element.clone(), a.name.clone()))
            .collect()
    }

    /// The distinct (parent, element, attribute or none, value) tuples.
    pub fn value_triples(&self) -> HashSet<(Option<QName>, QName, Option<QName>, String)> {
        self.values
            .iter()
            .map(|v| {
                (
                    v.parent.clone(),
                    v.element.clone(),
                    v.attribute.clone(),
                    v.value.clone(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::MemoryFiles;

    #[test]
    fn lists_reachable_names_with_parents_and_docs() {
        let schema = r#"<grammar xmlns="http://relaxng.org/ns/structure/1.0" xmlns:a="http://relaxng.org/ns/compatibility/annotations/1.0">
  <start><element name="root"><a:documentation>Root.</a:documentation>
    <attribute name="kind"><choice><value>a</value><value>b</value></choice></attribute>
    <zeroOrMore><ref name="child"/></zeroOrMore>
    <optional><element name="other"><ref name="child"/></element></optional>
  </element></start>
  <define name="child"><element name="child"><a:documentation>Child.</a:documentation><text/></element></define>
  <define name="unused"><element name="unused"><empty/></element></define>
</grammar>"#;
        let cat = crate::compile(&MemoryFiles(vec![("s.rng".into(), schema.into())]), "s.rng")
            .expect("compiles");
        let inv = super::inventory(&cat);
        let mut pairs: Vec<String> = inv
            .element_pairs()
            .into_iter()
            .map(|(p, n)| format!("{}/{n}", p.map(|p| p.to_string()).unwrap_or_default()))
            .collect();
        pairs.sort();
        assert_eq!(pairs, ["/root", "other/child", "root/child", "root/other"]);
        assert_eq!(inv.attributes.len(), 1);
        assert_eq!(inv.attributes[0].parent, None);
        assert!(!inv.attributes[0].documented);
        assert_eq!(inv.values.len(), 2);
        assert!(
            inv.elements
                .iter()
                .filter(|e| e.name.local == "child")
                .all(|e| e.documented)
        );
        assert!(
            !inv.elements
                .iter()
                .any(|e| e.name.local == "other" && e.documented)
        );
    }
}
