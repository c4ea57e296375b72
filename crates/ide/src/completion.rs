//! Completion: child elements allowed at the cursor (as snippets with their required attributes
//! and closing tag), attributes not yet present, attribute and text values with their docs, and
//! the end tag after `</`.

use std::collections::HashSet;

use domxml_syntax::ast::Element;
use domxml_syntax::{Parse, SyntaxKind::*, TextEdit, TextRange, TextSize};

use crate::context::{CursorContext, cursor_context, element_to_close};
use crate::ranking::{self, Facts};
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
    /// Edits elsewhere in the document (a namespace declaration on the root).
    pub additional_edits: Vec<TextEdit>,
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
            additional_edits: Vec::new(),
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
                out = element_items(
                    &infos,
                    parent.as_ref(),
                    replace,
                    !bare_name_only,
                    quote,
                    options,
                    "",
                );
            }
            let typed = slice(text, replace);
            if let (Some(parent), None) = (&parent, &tag)
                && replace.is_empty()
                && let closing = element_to_close(parent, offset)
                && closing.end_tag().is_none_or(|e| e.name().is_none())
                && let Some(name) = closing.name()
            {
                let mut item = CompletionItem::new(
                    format!("/{}", name.text()),
                    CompletionKind::EndTag,
                    replace,
                    format!("/{}>", name.text()),
                );
                item.detail = Some("end tag".into());
                out.insert(0, item);
            }
            rank(&mut out, typed);
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
            let mut items = attrs
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
                .collect::<Vec<_>>();
            rank(&mut items, slice(text, replace));
            items
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
            let (values, datatype) = schema.attribute_values(&element, &name);
            let preferred = ranking::preferred_values(&Facts::of(parse), &element, &name);
            let mut items = value_items(
                &values,
                preferred,
                datatype.is_some(),
                default.as_deref(),
                replace,
                options,
            );
            rank(&mut items, slice(text, replace));
            if let Some(q) = missing_quote {
                for item in &mut items {
                    item.insert.push(q);
                }
            }
            items
        }
        CursorContext::Text { element, replace } => {
            let Some(schema) = schema else { return vec![] };
            let (values, datatype) = schema.text_values(&element);
            let preferred = ranking::preferred_values(&Facts::of(parse), &element, "");
            let mut items = value_items(
                &values,
                preferred,
                datatype.is_some(),
                None,
                replace,
                options,
            );
            if !items.is_empty() {
                rank(&mut items, slice(text, replace));
                return items;
            }
            if !replace.is_empty() {
                return vec![];
            }
            // In element content with nothing typed: offer the children with their `<`.
            let infos = schema.allowed_children(&element, offset);
            let mut items =
                element_items(&infos, Some(&element), replace, true, quote, options, "<");
            rank(&mut items, "");
            items
        }
        CursorContext::None => vec![],
    }
}

fn escape_snippet(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('$', "\\$")
        .replace('}', "\\}")
}

/// The name to write for an element the schema allows under `parent`: libvirt's own elements
/// bare, extension elements with the prefix declared for their namespace (or the conventional
/// one, with an edit declaring it on the root).
fn qualified_name(
    info: &ElementInfo,
    parent: Option<&Element>,
    quote: char,
) -> (String, Option<TextEdit>) {
    if info.namespace.is_empty() {
        return (info.name.clone(), None);
    }
    let declared = parent.and_then(|p| {
        std::iter::once(p.clone())
            .chain(p.ancestors())
            .flat_map(|e| e.attributes())
            .find_map(|a| {
                let name = a.name()?;
                let prefix = name.text().strip_prefix("xmlns:")?.to_owned();
                (a.value()?.unquoted() == info.namespace).then_some(prefix)
            })
    });
    if let Some(prefix) = declared {
        return (format!("{prefix}:{}", info.name), None);
    }
    let prefix = ranking::conventional_prefix(&info.namespace).unwrap_or("ns");
    let root = parent.and_then(|p| p.ancestors().last().or_else(|| Some(p.clone())));
    // After the root's last attribute (or its name), where people put declarations.
    let at = root.and_then(|r| {
        r.attributes()
            .last()
            .map(|a| a.syntax().text_range().end())
            .or_else(|| r.name().map(|n| n.range().end()))
    });
    let edit = at.map(|at| {
        TextEdit::new(
            TextRange::empty(at),
            format!(" xmlns:{prefix}={quote}{}{quote}", info.namespace),
        )
    });
    (format!("{prefix}:{}", info.name), edit)
}

/// Element items, one per name, ranked by the table of what people write first.
fn element_items(
    infos: &[ElementInfo],
    parent: Option<&Element>,
    range: TextRange,
    full: bool,
    quote: char,
    options: &CompletionOptions,
    prefix: &str,
) -> Vec<CompletionItem> {
    let parent_name = parent.and_then(|p| p.name().map(|n| n.local().to_owned()));
    let hypervisor = parent
        .and_then(|p| p.ancestors().last().or_else(|| Some(p.clone())))
        .and_then(|root| root.attribute_value("type"));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, info) in infos.iter().enumerate() {
        let (qname, declare) = qualified_name(info, parent, quote);
        // Another driver's extensions (lxc: on a kvm domain) only when the document already
        // declares their namespace.
        if declare.is_some() && !ranking::extension_applies(&info.namespace, hypervisor.as_deref())
        {
            continue;
        }
        if !seen.insert(qname.clone()) {
            continue;
        }
        let rank = ranking::child_rank(parent_name.as_deref(), &qname);
        let mut item = element_item(info, &qname, range, full, quote, options, prefix);
        item.sort_text = Some(format!("{:04}", rank.unwrap_or(100 + i)));
        item.additional_edits.extend(declare);
        out.push(item);
    }
    out
}

fn element_item(
    info: &ElementInfo,
    name: &str,
    range: TextRange,
    full: bool,
    quote: char,
    options: &CompletionOptions,
    prefix: &str,
) -> CompletionItem {
    let mut item = CompletionItem::new(
        name,
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
        // The cursor lands in the first required attribute's value: offer its values.
        item.retrigger = options.snippets && !info.required_attributes.is_empty();
    }
    item.detail = Some(if info.empty {
        format!("<{name}/>")
    } else {
        format!("<{name}>…</{name}>")
    });
    item.documentation = with_since(info.doc.clone(), info.since.as_ref());
    item.filter_text = Some(name.to_owned());
    item
}

/// Orders items for people: those whose label starts with what was typed first, then by the
/// rank already in `sort_text`; preselects the best of them when something was typed.
fn rank(items: &mut [CompletionItem], typed: &str) {
    let typed = typed.to_ascii_lowercase();
    let matches =
        |i: &CompletionItem| !typed.is_empty() && i.label.to_ascii_lowercase().starts_with(&typed);
    for (i, item) in items.iter_mut().enumerate() {
        let base = item.sort_text.take().unwrap_or_else(|| format!("{i:04}"));
        let group = if matches(item) { 0 } else { 1 };
        item.sort_text = Some(format!("{group}{base}"));
        if item.filter_text.is_none() {
            item.filter_text = Some(item.label.clone());
        }
    }
    if typed.is_empty() {
        return;
    }
    let best = items
        .iter()
        .enumerate()
        .filter(|(_, i)| matches(i))
        .min_by(|a, b| a.1.sort_text.cmp(&b.1.sort_text))
        .map(|(n, _)| n);
    if let Some(best) = best {
        for (n, item) in items.iter_mut().enumerate() {
            item.preselect = n == best;
        }
    }
}

fn slice(text: &str, range: TextRange) -> &str {
    text.get(usize::from(range.start())..usize::from(range.end()))
        .unwrap_or("")
}

/// Value items: the schema's values ranked by the table, then the table's well-known values
/// the schema cannot list (only where it takes a free datatype, never next to a closed list).
fn value_items(
    values: &[ValueInfo],
    preferred: &[&str],
    free: bool,
    default: Option<&str>,
    range: TextRange,
    options: &CompletionOptions,
) -> Vec<CompletionItem> {
    let mut all: Vec<(ValueInfo, bool)> = values.iter().map(|v| (v.clone(), false)).collect();
    if free {
        for p in preferred {
            if !values.iter().any(|v| v.value == *p) {
                all.push((
                    ValueInfo {
                        value: (*p).to_owned(),
                        doc: None,
                        since: None,
                    },
                    true,
                ));
            }
        }
    }
    all.into_iter()
        .enumerate()
        .map(|(i, (v, common))| {
            let insert = if options.snippets {
                escape_snippet(&v.value)
            } else {
                v.value.clone()
            };
            let mut item =
                CompletionItem::new(v.value.clone(), CompletionKind::Value, range, insert);
            item.snippet = options.snippets;
            item.documentation = with_since(v.doc.clone(), v.since.as_ref());
            if common {
                item.detail = Some("common value".into());
            }
            let is_default = default == Some(v.value.as_str());
            if is_default {
                item.detail = Some("default".into());
                item.preselect = true;
            }
            let rank = preferred
                .iter()
                .position(|p| *p == v.value)
                .unwrap_or(100 + i);
            item.sort_text = Some(format!("{rank:04}"));
            item
        })
        .collect()
}

/// Documentation followed by the release that introduced the item, when known.
fn with_since(doc: Option<String>, since: Option<&domxml_schema::Since>) -> Option<String> {
    let Some(since) = since else { return doc };
    let line = crate::hover::since_line(since);
    Some(match doc {
        Some(doc) => format!("{doc}\n\n{line}"),
        None => line,
    })
}

/// Markdown for an attribute: its documentation, allowed values, default and release.
pub fn attribute_doc_markdown(a: &AttributeInfo) -> String {
    let mut parts = Vec::new();
    if let Some(doc) = &a.doc {
        parts.push(doc.clone());
    }
    let list = |values: &[ValueInfo]| {
        let shown: Vec<String> = values
            .iter()
            .take(40)
            .map(|v| format!("`{}`", v.value))
            .collect();
        let more = if values.len() > 40 {
            format!(" … ({} more)", values.len() - 40)
        } else {
            String::new()
        };
        format!("{}{more}", shown.join(", "))
    };
    match (&a.datatype, a.values.is_empty()) {
        (None, false) => parts.push(format!("Allowed values: {}", list(&a.values))),
        (Some(dt), true) => parts.push(format!("Expected: {dt}")),
        (Some(dt), false) => parts.push(format!("Expected: {dt}, or one of {}", list(&a.values))),
        (None, true) => {}
    }
    if let Some(d) = &a.default {
        parts.push(format!("Default: `{d}`"));
    }
    if a.required {
        parts.push("Required.".into());
    }
    if let Some(since) = &a.since {
        parts.push(crate::hover::since_line(since));
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
