//! Completion: child elements allowed at the cursor (as snippets with their required attributes
//! and closing tag), attributes not yet present, attribute and text values with their docs, and
//! the end tag after `</`.

use domxml_syntax::{Parse, SyntaxKind::*, TextRange, TextSize};

use crate::context::{CursorContext, cursor_context, element_to_close};
use domxml_libvirt::model::{AttributeInfo, ElementInfo, SchemaModel, ValueInfo};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Element,
    Attribute,
    Value,
    EndTag,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// What the insertion replaces (the partly typed word or value).
    pub range: TextRange,
    pub insert: String,
    /// `insert` is a snippet with `$1`/`$0` tab stops.
    pub snippet: bool,
    /// Ask the editor for completion again after inserting (attribute -> its values).
    pub retrigger: bool,
    pub sort_text: Option<String>,
    pub filter_text: Option<String>,
    pub preselect: bool,
}

impl CompletionItem {
    fn new(
        label: impl Into<String>,
        kind: CompletionKind,
        range: TextRange,
        insert: impl Into<String>,
    ) -> Self {
        CompletionItem {
            label: label.into(),
            kind,
            detail: None,
            documentation: None,
            range,
            insert: insert.into(),
            snippet: false,
            retrigger: false,
            sort_text: None,
            filter_text: None,
            preselect: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletionOptions {
    /// The client accepts snippets.
    pub snippets: bool,
    /// The character that triggered completion automatically, if any: each trigger only
    /// completes where it means something (a space in a tag, a quote in a value, `<` for an
    /// element, `/` for an end tag), so typing indentation or text never pops up a list.
    pub trigger: Option<char>,
}

impl Default for CompletionOptions {
    fn default() -> Self {
        CompletionOptions {
            snippets: true,
            trigger: None,
        }
    }
}

fn trigger_applies(trigger: Option<char>, context: &CursorContext) -> bool {
    match trigger {
        None => true,
        Some(' ') => matches!(context, CursorContext::AttributeName { .. }),
        Some('"' | '\'') => matches!(context, CursorContext::AttributeValue { .. }),
        Some('<') => matches!(context, CursorContext::ElementName { .. }),
        Some('/') => matches!(context, CursorContext::EndTag { .. }),
        Some(_) => true,
    }
}

pub fn completions(
    parse: &Parse,
    text: &str,
    offset: TextSize,
    schema: Option<&dyn SchemaModel>,
    options: &CompletionOptions,
) -> Vec<CompletionItem> {
    let quote = preferred_quote(parse);
    let context = cursor_context(parse, text, offset);
    if !trigger_applies(options.trigger, &context) {
        return Vec::new();
    }
    match context {
        CursorContext::ElementName {
            parent,
            tag,
            replace,
        } => {
            let mut out = Vec::new();
            // Renaming an existing tag (it has attributes or is closed): the name only.
            let bare_name_only = tag.as_ref().is_some_and(|t| {
                t.attributes().next().is_some()
                    || t.tag().is_some_and(|tag| {
                        tag.children_with_tokens()
                            .any(|c| matches!(c.kind(), R_ANGLE | SLASH_R_ANGLE))
                    })
            });
            if let Some(schema) = schema {
                let infos = match &parent {
                    Some(p) => {
                        let at = replace
                            .start()
                            .checked_sub(TextSize::from(1))
                            .unwrap_or(replace.start());
                        schema.allowed_children(p, at)
                    }
                    None => schema.root_elements(),
                };
                for (i, info) in infos.iter().enumerate() {
                    out.push(element_item(
                        info,
                        replace,
                        !bare_name_only,
                        quote,
                        options,
                        i,
                        "",
                    ));
                }
            }
            if let (Some(parent), None) = (&parent, &tag)
                && replace.is_empty()
                && let Some(name) = element_to_close(parent, offset).name()
            {
                let mut item = CompletionItem::new(
                    format!("/{}", name.text()),
                    CompletionKind::EndTag,
                    replace,
                    format!("/{}>", name.text()),
                );
                item.detail = Some("end tag".into());
                item.sort_text = Some("0".into());
                out.push(item);
            }
            out
        }
        CursorContext::EndTag { element, replace } => match element.name() {
            Some(name) => {
                let mut item = CompletionItem::new(
                    name.text(),
                    CompletionKind::EndTag,
                    replace,
                    format!("{}>", name.text()),
                );
                item.detail = Some(format!("closes <{}>", name.text()));
                item.preselect = true;
                vec![item]
            }
            None => vec![],
        },
        CursorContext::AttributeName {
            element,
            attribute,
            replace,
        } => {
            let Some(schema) = schema else { return vec![] };
            let present: Vec<String> = element
                .attributes()
                .filter(|a| Some(a) != attribute.as_ref())
                .filter_map(|a| a.name().map(|n| n.text().to_string()))
                .collect();
            // With the attribute under the cursor being (re)typed, ask for every attribute and
            // filter the others out; else ask what can still be added.
            let include_present = attribute.is_some();
            let has_value = attribute
                .as_ref()
                .is_some_and(|a| a.syntax().children_with_tokens().any(|c| c.kind() == EQ));
            let mut attrs: Vec<AttributeInfo> = schema
                .attributes(&element, include_present)
                .into_iter()
                .filter(|a| !present.contains(&a.name) && !a.name.starts_with("xmlns"))
                .collect();
            attrs.sort_by_key(|a| !a.required);
            attrs
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let mut item = CompletionItem::new(
                        a.name.clone(),
                        CompletionKind::Attribute,
                        replace,
                        a.name.clone(),
                    );
                    if !has_value {
                        if options.snippets {
                            item.insert = format!("{}={quote}$1{quote}", a.name);
                            item.snippet = true;
                        } else {
                            item.insert = format!("{}={quote}{quote}", a.name);
                        }
                        item.retrigger = true;
                    }
                    item.detail = Some(if a.required {
                        "required attribute".into()
                    } else {
                        "attribute".into()
                    });
                    item.documentation = Some(attribute_doc_markdown(a));
                    item.sort_text = Some(format!("{:04}", i));
                    item
                })
                .collect()
        }
        CursorContext::AttributeValue {
            element,
            name,
            replace,
            missing_quote,
            ..
        } => {
            let Some(schema) = schema else { return vec![] };
            let default = domxml_libvirt::model::find_attribute(schema, &element, &name)
                .and_then(|a| a.default);
            let (values, _) = schema.attribute_values(&element, &name);
            let mut items = value_items(&values, default.as_deref(), replace, options);
            if let Some(q) = missing_quote {
                for item in &mut items {
                    item.insert.push(q);
                }
            }
            items
        }
        CursorContext::Text { element, replace } => {
            let Some(schema) = schema else { return vec![] };
            let (values, _) = schema.text_values(&element);
            if !values.is_empty() {
                return value_items(&values, None, replace, options);
            }
            if !replace.is_empty() {
                return vec![];
            }
            // In element content with nothing typed: offer the children with their `<`.
            schema
                .allowed_children(&element, offset)
                .iter()
                .enumerate()
                .map(|(i, info)| element_item(info, replace, true, quote, options, i, "<"))
                .collect()
        }
        CursorContext::None => vec![],
    }
}

fn escape_snippet(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('$', "\\$")
        .replace('}', "\\}")
}

fn element_item(
    info: &ElementInfo,
    range: TextRange,
    full: bool,
    quote: char,
    options: &CompletionOptions,
    index: usize,
    prefix: &str,
) -> CompletionItem {
    let name = &info.name;
    let mut item = CompletionItem::new(
        name.clone(),
        CompletionKind::Element,
        range,
        format!("{prefix}{name}"),
    );
    if full {
        let mut s = format!("{prefix}{name}");
        for (i, a) in info.required_attributes.iter().enumerate() {
            if options.snippets {
                s.push_str(&format!(" {a}={quote}${}{quote}", i + 1));
            } else {
                s.push_str(&format!(" {a}={quote}{quote}"));
            }
        }
        let stop = if options.snippets { "$0" } else { "" };
        if info.empty {
            s.push_str(&format!("/>{stop}"));
        } else {
            s.push_str(&format!(">{stop}</{name}>"));
        }
        item.insert = s;
        item.snippet = options.snippets;
    }
    item.detail = Some(if info.empty {
        format!("<{name}/>")
    } else {
        format!("<{name}>…</{name}>")
    });
    item.documentation = info.doc.clone();
    item.sort_text = Some(format!("{index:04}"));
    if !prefix.is_empty() {
        item.filter_text = Some(name.clone());
    }
    item
}

fn value_items(
    values: &[ValueInfo],
    default: Option<&str>,
    range: TextRange,
    options: &CompletionOptions,
) -> Vec<CompletionItem> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let insert = if options.snippets {
                escape_snippet(&v.value)
            } else {
                v.value.clone()
            };
            let mut item =
                CompletionItem::new(v.value.clone(), CompletionKind::Value, range, insert);
            item.snippet = options.snippets;
            item.documentation = v.doc.clone();
            let is_default = default == Some(v.value.as_str());
            if is_default {
                item.detail = Some("default".into());
                item.preselect = true;
            }
            item.sort_text = Some(format!("{i:04}"));
            item
        })
        .collect()
}

/// Markdown for an attribute: its documentation, allowed values and default.
pub fn attribute_doc_markdown(a: &AttributeInfo) -> String {
    let mut parts = Vec::new();
    if let Some(doc) = &a.doc {
        parts.push(doc.clone());
    }
    if !a.values.is_empty() {
        let list: Vec<String> = a
            .values
            .iter()
            .take(40)
            .map(|v| format!("`{}`", v.value))
            .collect();
        let more = if a.values.len() > 40 {
            format!(" … ({} more)", a.values.len() - 40)
        } else {
            String::new()
        };
        parts.push(format!("Allowed values: {}{more}", list.join(", ")));
    } else if let Some(dt) = &a.datatype {
        parts.push(format!("Type: `{dt}`"));
    }
    if let Some(d) = &a.default {
        parts.push(format!("Default: `{d}`"));
    }
    if a.required {
        parts.push("Required.".into());
    }
    parts.join("\n\n")
}

/// The quote most attributes in the document use (virsh writes `'`), else `"`.
pub fn preferred_quote(parse: &Parse) -> char {
    let (mut single, mut double) = (0usize, 0usize);
    for t in parse
        .syntax()
        .descendants_with_tokens()
        .filter_map(|c| c.into_token())
        .filter(|t| t.kind() == ATTR_VALUE)
        .take(200)
    {
        match t.text().chars().next() {
            Some('\'') => single += 1,
            Some('"') => double += 1,
            _ => {}
        }
    }
    if single > double { '\'' } else { '"' }
}
