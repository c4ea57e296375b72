//! Version drift: the host's libvirt schema is older than the built-in catalogue. When the host
//! schema rejects an element, attribute or value that the (newer) catalogue accepts, the user
//! most likely wrote XML for a newer libvirt: that is reported as drift (a warning naming the
//! host's libvirt version, with the host schema's own message attached) instead of a bare error.
//! Everything else the host schema says stays as it is: the host decides what is valid.
//!
//! Inside an element the host does not know, the host checks nothing; the catalogue's problems
//! there are added (they are mistakes for any libvirt that knows the element).

use domxml_syntax::TextRange;
use domxml_syntax::ast;

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, codes};
use crate::validate::validate;

/// One problem of a document validated against the host schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub diagnostic: Diagnostic,
    /// The host schema rejects what the newer catalogue accepts (report as a warning).
    pub drift: bool,
}

/// Codes that name one element, attribute or value (what drift can be about).
fn is_name_or_value_code(code: &str) -> bool {
    [
        codes::UNKNOWN_ELEMENT,
        codes::ELEMENT_NOT_ALLOWED,
        codes::UNKNOWN_ATTRIBUTE,
        codes::ATTRIBUTE_NOT_ALLOWED,
        codes::INVALID_VALUE,
    ]
    .contains(&code)
}

/// What a diagnostic's range covers in the document.
enum Subject {
    Element(ast::Element),
    Attribute(ast::Element, ast::Attribute),
    AttributeValue(ast::Element, ast::Attribute),
    Text(ast::Element),
}

fn subject_at(doc: &ast::Document, range: TextRange) -> Option<Subject> {
    let root = doc.root()?;
    let mut stack = vec![root];
    while let Some(e) = stack.pop() {
        if !e.range().contains_range(range) {
            continue;
        }
        if e.name().is_some_and(|n| n.range() == range) {
            return Some(Subject::Element(e));
        }
        for a in e.attributes() {
            if a.name().is_some_and(|n| n.range() == range) {
                return Some(Subject::Attribute(e, a));
            }
            if let Some(v) = a.value()
                && (v.value_range() == range || v.range() == range)
            {
                return Some(Subject::AttributeValue(e, a));
            }
        }
        let children: Vec<ast::Element> = e.children().collect();
        if let Some(child) = children.iter().find(|c| c.range().contains_range(range)) {
            stack.push(child.clone());
        } else {
            return Some(Subject::Text(e));
        }
    }
    None
}

fn element_name(e: &ast::Element) -> String {
    e.name().map(|n| n.text().to_owned()).unwrap_or_default()
}

/// The drift message: what is unknown to which libvirt, and the host schema's own words.
fn drift_message(subject: &Subject, host: &str, host_message: &str) -> String {
    let what = match subject {
        Subject::Element(e) => format!("<{}>", element_name(e)),
        Subject::Attribute(e, a) => format!(
            "attribute '{}' of <{}>",
            a.name().map(|n| n.text().to_owned()).unwrap_or_default(),
            element_name(e)
        ),
        Subject::AttributeValue(e, a) => format!(
            "value '{}' of attribute '{}' of <{}>",
            a.value().map(|v| v.unquoted()).unwrap_or_default(),
            a.name().map(|n| n.text().to_owned()).unwrap_or_default(),
            element_name(e)
        ),
        Subject::Text(e) => format!("value '{}' of <{}>", e.text().trim(), element_name(e)),
    };
    format!(
        "{what} is not known to {host} (host schema): it would be rejected or silently dropped; the built-in catalogue (a newer libvirt) accepts it. Host schema: {host_message}"
    )
}

/// Validates `doc` against the host schema and the newer catalogue and merges the verdicts:
/// host problems about an element, attribute or value the catalogue accepts become drift
/// (`host` names the host's libvirt, e.g. `libvirt 9.0`).
pub fn check(
    host_schema: &Catalogue,
    newer: &Catalogue,
    host: &str,
    doc: &ast::Document,
) -> Vec<Checked> {
    let host_diagnostics = validate(host_schema, doc);
    if host_diagnostics.is_empty() {
        return Vec::new();
    }
    let newer_diagnostics = validate(newer, doc);
    classify(doc, host_diagnostics, &newer_diagnostics, host)
}

/// A host problem found to be drift: the new message, and for an unknown element its whole
/// range (the host checked nothing inside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reclassified {
    pub message: String,
    pub unknown_element: Option<TextRange>,
}

/// Whether one host problem (`range`, `code`, `host_message`) is drift, given the newer
/// catalogue's diagnostics of the same document; `None`: it stays what it is.
pub fn reclassify(
    doc: &ast::Document,
    range: TextRange,
    code: &str,
    host_message: &str,
    newer_diagnostics: &[Diagnostic],
    host: &str,
) -> Option<Reclassified> {
    if !is_name_or_value_code(code) || newer_diagnostics.iter().any(|d| d.range == range) {
        return None;
    }
    let subject = subject_at(doc, range)?;
    let unknown_element = match &subject {
        Subject::Element(e) => Some(e.range()),
        _ => None,
    };
    Some(Reclassified {
        message: drift_message(&subject, host, host_message),
        unknown_element,
    })
}

/// The newer catalogue's problems inside elements the host does not know (`unknown`: their
/// ranges), other than the element names themselves, with a note saying who checked them.
pub fn inside_unknown_elements(
    unknown: &[TextRange],
    newer_diagnostics: &[Diagnostic],
    host: &str,
) -> Vec<Diagnostic> {
    // An element's name starts right after its `<`: problems there are the element's own.
    let name_start = |whole: &TextRange| whole.start() + domxml_syntax::TextSize::from(1);
    newer_diagnostics
        .iter()
        .filter(|d| {
            unknown
                .iter()
                .any(|whole| whole.contains_range(d.range) && name_start(whole) != d.range.start())
        })
        .map(|d| {
            let mut d = d.clone();
            d.message = format!(
                "{} (checked by the built-in catalogue: {host} does not know the enclosing element)",
                d.message
            );
            d
        })
        .collect()
}

/// The merge of [`check`], for diagnostics computed elsewhere.
pub fn classify(
    doc: &ast::Document,
    host_diagnostics: Vec<Diagnostic>,
    newer_diagnostics: &[Diagnostic],
    host: &str,
) -> Vec<Checked> {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for d in host_diagnostics {
        match reclassify(doc, d.range, d.code, &d.message, newer_diagnostics, host) {
            Some(r) => {
                unknown.extend(r.unknown_element);
                out.push(Checked {
                    diagnostic: Diagnostic {
                        message: r.message,
                        ..d
                    },
                    drift: true,
                });
            }
            None => out.push(Checked {
                diagnostic: d,
                drift: false,
            }),
        }
    }
    for d in inside_unknown_elements(&unknown, newer_diagnostics, host) {
        if !out.iter().any(|c| c.diagnostic.range == d.range) {
            out.push(Checked {
                diagnostic: d,
                drift: false,
            });
        }
    }
    out.sort_by_key(|c| (c.diagnostic.range.start(), c.diagnostic.range.end()));
    out
}
