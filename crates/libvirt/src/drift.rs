//! Version drift: the host's libvirt schema is older than the built-in catalogue. When the host
//! schema rejects an element, attribute or value that the (newer) catalogue accepts, the user
//! most likely wrote XML for a newer libvirt: that is reported as drift (a warning naming the
//! host's libvirt version, with the host schema's own message attached) instead of a bare error.
//! Everything else the host schema says stays as it is: the host decides what is valid.
//!
//! Inside an element the host does not know, the host checks nothing; the catalogue's problems
//! there are added (they are mistakes for any libvirt that knows the element).

use domxml_syntax::ast;
use domxml_syntax::{SyntaxKind, TextRange};

use domxml_schema::{Diagnostic, validate};

use crate::model::SchemaProblem;
use crate::{Code, Severity};

/// Codes that name one element, attribute or value (what drift can be about).
fn is_name_or_value_code(code: domxml_schema::Code) -> bool {
    use domxml_schema::Code::*;
    matches!(
        code,
        UnknownElement | ElementNotAllowed | UnknownAttribute | AttributeNotAllowed | InvalidValue
    )
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
        // The child at the range by binary search (a <devices> may have 85,000 children); the
        // scan for an empty range (it may touch two children) or when that finds no element.
        let child = (!range.is_empty())
            .then(|| domxml_syntax::chunk::child_or_token_at(e.syntax(), range.start()))
            .flatten()
            .and_then(|c| c.into_node())
            .and_then(ast::Element::cast)
            .filter(|c| c.range().contains_range(range))
            .or_else(|| e.children().find(|c| c.range().contains_range(range)));
        match child {
            Some(child) => stack.push(child),
            None => return Some(Subject::Text(e)),
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

/// How many earlier siblings of `e` have its name. Read from the green tree: the element may
/// be the last of 85,000 children, and this runs on every keystroke while it is reported.
fn same_named_before(e: &ast::Element) -> usize {
    let Some(parent) = e.parent() else { return 0 };
    let name = element_name(e);
    let parent_start = parent.syntax().text_range().start();
    let target = e.syntax().text_range().start() - parent_start;
    let green = parent.syntax().green();
    let mut count = 0;
    for (offset, child) in domxml_syntax::chunk::green_content(green, 0.into()) {
        if offset >= target {
            break;
        }
        if let Some(node) = child.as_node()
            && node.kind().0 == SyntaxKind::ELEMENT as u16
            && green_element_name(node) == Some(name.as_str())
        {
            count += 1;
        }
    }
    count
}

/// An element's name as written, from its green node (what `ast::Element::name` reads).
fn green_element_name(
    node: &<domxml_syntax::GreenNode as std::ops::Deref>::Target,
) -> Option<&str> {
    let tags = [
        SyntaxKind::START_TAG as u16,
        SyntaxKind::EMPTY_ELEM_TAG as u16,
    ];
    let tag = node
        .children()
        .filter_map(|c| c.into_node())
        .find(|n| tags.contains(&n.kind().0))?;
    tag.children()
        .filter_map(|c| c.into_token())
        .find(|t| t.kind().0 == SyntaxKind::NAME as u16)
        .map(|t| t.text())
}

/// The drift message for an element the host knows but takes fewer times than the catalogue.
fn repeated_message(e: &ast::Element, before: usize, host: &str, host_message: &str) -> String {
    let name = element_name(e);
    let parent = e.parent().map(|p| element_name(&p)).unwrap_or_default();
    let (which, allowed) = match before {
        1 => ("second", "one".to_owned()),
        2 => ("third", "two".to_owned()),
        n => ("next", n.to_string()),
    };
    format!(
        "{host} (host schema) allows only {allowed} <{name}> in <{parent}>: this {which} one would be rejected; the built-in catalogue (a newer libvirt) accepts more. Host schema: {host_message}"
    )
}

/// The one drift merge: `problems` are the host schema's verdict on `doc`; those about an
/// element, attribute or value the built-in catalogue (newer) accepts become version-drift
/// warnings (`host` names the host's libvirt, e.g. `libvirt 9.0`), and the catalogue's problems
/// inside elements the host does not know are added. Only `<domain>` documents drift (the
/// catalogue describes only them).
pub fn apply(doc: &ast::Document, problems: Vec<SchemaProblem>, host: &str) -> Vec<SchemaProblem> {
    // Only a problem about one name or value can be drift: a document without any (most
    // of them, and every valid one) never needs the catalogue loaded.
    let may_drift = problems
        .iter()
        .any(|p| matches!(p.code, Code::Schema(code) if is_name_or_value_code(code)));
    if problems.is_empty() || !is_domain(doc) {
        return problems;
    }
    if !may_drift {
        // In the order a merge leaves them.
        let mut problems = problems;
        problems.sort_by_key(|p| (p.range.start(), p.range.end()));
        return problems;
    }
    // The catalogue is compiled only now that a problem may need reclassifying.
    let Ok(newer) = crate::builtin::catalogue() else {
        return problems;
    };
    merge(doc, problems, &validate(&newer, doc), host)
}

/// Validates `doc` with the catalogue once, so that the first edit the host schema refuses
/// does not wait for a validation from an empty cache (at 5 MB that was 170 ms on the
/// keystroke after which drift began to be checked; later ones reuse what is cached).
pub fn prepare(doc: &ast::Document) {
    if is_domain(doc)
        && let Ok(newer) = crate::builtin::catalogue()
    {
        validate(&newer, doc);
    }
}

/// Only `<domain>` documents drift: the catalogue describes only them.
fn is_domain(doc: &ast::Document) -> bool {
    doc.root()
        .and_then(|r| r.name())
        .is_some_and(|n| n.local() == "domain")
}

/// [`apply`] with the catalogue's diagnostics of the same document given.
pub fn merge(
    doc: &ast::Document,
    mut problems: Vec<SchemaProblem>,
    newer: &[Diagnostic],
    host: &str,
) -> Vec<SchemaProblem> {
    let mut unknown = Vec::new();
    for p in &mut problems {
        let Code::Schema(code) = p.code else { continue };
        if !is_name_or_value_code(code) || newer.iter().any(|d| d.range == p.range) {
            continue;
        }
        let Some(subject) = subject_at(doc, p.range) else {
            continue;
        };
        let before = match &subject {
            Subject::Element(e) => same_named_before(e),
            _ => 0,
        };
        p.message = match &subject {
            Subject::Element(e) if before > 0 => repeated_message(e, before, host, &p.message),
            _ => {
                if let Subject::Element(e) = &subject {
                    unknown.push(e.range());
                }
                drift_message(&subject, host, &p.message)
            }
        };
        p.severity = Severity::Warning;
        p.code = Code::VersionDrift;
        p.suggestion = None;
    }
    // An element's name starts right after its `<`: problems there are the element's own.
    let name_start = |whole: &TextRange| whole.start() + domxml_syntax::TextSize::from(1);
    for d in newer {
        let inside = unknown
            .iter()
            .any(|whole| whole.contains_range(d.range) && name_start(whole) != d.range.start());
        if inside && !problems.iter().any(|p| p.range == d.range) {
            problems.push(SchemaProblem {
                range: d.range,
                severity: Severity::Error,
                code: Code::Schema(d.code),
                message: format!(
                    "{} (checked by the built-in catalogue: {host} does not know the enclosing element)",
                    d.message
                ),
                suggestion: d.suggestion.clone(),
                expected: d.expected.clone(),
            });
        }
    }
    problems.sort_by_key(|p| (p.range.start(), p.range.end()));
    problems
}
