//! Hover: Markdown documentation for the element, attribute or value under the cursor, with the
//! allowed values, the default, where the definition comes from, and numbers made readable
//! (`4194304 KiB = 4 GiB`, `0x1f = 31`).

use domxml_syntax::ast::{Attribute, Element};
use domxml_syntax::{Parse, SyntaxKind::*, SyntaxToken, TextRange, TextSize};

use crate::completion::attribute_doc_markdown;
use crate::numbers::{describe_int, describe_size};
use domxml_libvirt::model::{SchemaModel, Since, find_attribute};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverResult {
    pub range: TextRange,
    pub markdown: String,
}

use crate::hints::KIB_BY_DEFAULT;

fn pick_token(parse: &Parse, offset: TextSize) -> Option<SyntaxToken> {
    let interesting = |t: &SyntaxToken| matches!(t.kind(), NAME | ATTR_VALUE | TEXT);
    let (l, r) = crate::context::tokens_at(&parse.syntax(), offset);
    r.filter(interesting).or(l.filter(interesting))
}

/// The schema in use and, for an element libvirt documents, a link to its section. Never a
/// schema file name: users do not have our files.
fn footer(schema: &dyn SchemaModel, element: Option<&Element>) -> String {
    let mut s = String::from("\n\n---\n");
    if let Some(e) = element
        && let Some(name) = e.name()
    {
        let parent = e
            .parent()
            .and_then(|p| p.name().map(|n| n.local().to_owned()));
        if let Some(link) = crate::doclinks::element_link(parent.as_deref(), name.local()) {
            s.push_str(&format!("[libvirt documentation]({link}) · "));
        }
    }
    s.push_str(&schema.label());
    s
}

/// "Since libvirt 6.2" (the micro number only when it is not 0), with the driver that had it
/// first: "Since libvirt 1.2.8 (QEMU)".
pub(crate) fn since_line(since: &Since) -> String {
    let version = match since.numbers() {
        Some((major, minor, 0)) => format!("{major}.{minor}"),
        Some((major, minor, micro)) => format!("{major}.{minor}.{micro}"),
        None => since.version.clone(),
    };
    match &since.driver {
        Some(driver) => format!("Since libvirt {version} ({driver})"),
        None => format!("Since libvirt {version}"),
    }
}

pub fn hover(
    parse: &Parse,
    offset: TextSize,
    schema: Option<&dyn SchemaModel>,
) -> Option<HoverResult> {
    let token = pick_token(parse, offset)?;
    let range = token.text_range();
    let parent = domxml_syntax::chunk::token_parent(&token)?;
    match (token.kind(), parent.kind()) {
        (NAME, START_TAG | EMPTY_ELEM_TAG | END_TAG) => {
            let element = Element::cast(parent.parent()?)?;
            let schema = schema?;
            let info = schema.element_info(&element)?;
            let mut md = format!("**`<{}>`**", info.name);
            if let Some(doc) = &info.doc {
                md.push_str(&format!("\n\n{doc}"));
            }
            if let Some(since) = &info.since {
                md.push_str(&format!("\n\n{}", since_line(since)));
            }
            if !info.required_attributes.is_empty() {
                let list: Vec<String> = info
                    .required_attributes
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect();
                md.push_str(&format!("\n\nRequired attributes: {}", list.join(", ")));
            }
            if let Some(size) = element_size(&element) {
                md.push_str(&format!("\n\n{size}"));
            }
            md.push_str(&footer(schema, Some(&element)));
            Some(HoverResult {
                range,
                markdown: md,
            })
        }
        (NAME, ATTRIBUTE) => {
            let attribute = Attribute::cast(parent)?;
            let element = attribute.element()?;
            let schema = schema?;
            let name = token.text();
            let info = find_attribute(schema, &element, name)?;
            let element_name = element
                .name()
                .map(|n| n.text().to_string())
                .unwrap_or_default();
            let mut md = format!(
                "**`{name}`** attribute of `<{element_name}>`\n\n{}",
                attribute_doc_markdown(&info)
            );
            if let Some(since) = &info.since {
                md.push_str(&format!("\n\n{}", since_line(since)));
            }
            let common =
                crate::ranking::preferred_values(&crate::ranking::Facts::of(parse), &element, name);
            if info.datatype.is_some() && !common.is_empty() {
                let list: Vec<String> = common.iter().map(|v| format!("`{v}`")).collect();
                md.push_str(&format!(
                    "\n\nCommon values for this domain: {}",
                    list.join(", ")
                ));
            }
            md.push_str(&footer(schema, Some(&element)));
            Some(HoverResult {
                range,
                markdown: md,
            })
        }
        (ATTR_VALUE, ATTRIBUTE) => {
            let attribute = Attribute::cast(parent)?;
            let element = attribute.element()?;
            let value = attribute.value()?;
            let raw = value.unquoted();
            let name = attribute.name()?.text().to_string();
            let mut parts: Vec<String> = Vec::new();
            if let Some(schema) = schema
                && let Some(info) = find_attribute(schema, &element, &name)
            {
                if let Some(v) = info.values.iter().find(|v| v.value == raw.trim()) {
                    parts.push(format!("**`{}`** — value of `{name}`", v.value));
                    if let Some(doc) = &v.doc {
                        parts.push(doc.clone());
                    }
                    parts.extend(v.since.as_ref().map(since_line));
                } else if let Some(dt) = &info.datatype {
                    parts.push(format!("`{name}`: {dt}"));
                }
                if info.default.as_deref() == Some(raw.trim()) {
                    parts.push("(this is the default)".into());
                }
            }
            let unit = element.attribute_value("unit");
            let number = match (&unit, name.as_str()) {
                (Some(u), n) if n != "unit" => describe_size(&raw, u),
                (Some(_), _) => element_size(&element),
                _ => None,
            }
            .or_else(|| describe_int(&raw));
            parts.extend(number);
            (!parts.is_empty()).then(|| HoverResult {
                range: value.value_range(),
                markdown: parts.join("\n\n"),
            })
        }
        (TEXT, ELEMENT) => {
            let element = Element::cast(parent)?;
            let value = element.text();
            let trimmed = value.trim();
            let mut parts: Vec<String> = Vec::new();
            if let Some(schema) = schema {
                let (values, datatype) = schema.text_values(&element);
                if let Some(v) = values.iter().find(|v| v.value == trimmed) {
                    parts.push(format!("**`{}`**", v.value));
                    if let Some(doc) = &v.doc {
                        parts.push(doc.clone());
                    }
                    parts.extend(v.since.as_ref().map(since_line));
                } else if let Some(dt) = datatype {
                    parts.push(format!("Expected: {dt}"));
                }
            }
            parts.extend(element_size(&element).or_else(|| describe_int(trimmed)));
            (!parts.is_empty()).then(|| HoverResult {
                range,
                markdown: parts.join("\n\n"),
            })
        }
        _ => None,
    }
}

/// `4194304 KiB = 4 GiB` for an element whose text is a size.
fn element_size(element: &Element) -> Option<String> {
    let name = element.name()?;
    let unit = element.attribute_value("unit");
    let unit = match unit {
        Some(u) => u,
        None if KIB_BY_DEFAULT.contains(&name.local()) => "KiB".to_string(),
        None => return None,
    };
    describe_size(element.text().trim(), &unit)
}
