//! Quick fixes for the problems under the cursor: did-you-mean replacements, missing required
//! attributes and children, duplicate attributes, unclosed elements and tags.

use domxml_libvirt::kinds::DocumentKind;
use domxml_libvirt::model::{SchemaModel, SchemaProblem};
use domxml_libvirt::rules::{self, RuleOptions};
use domxml_schema::Code as SchemaCode;
use domxml_syntax::ast::Element;
use domxml_syntax::{ErrorCode, Parse, SyntaxKind::*, SyntaxNode, TextRange, TextSize};

use crate::completion::preferred_quote;
use crate::diagnostics::schema_problems;
use crate::{Code, Severity, TextEdit};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// The problem this fixes (its range and code identify the published diagnostic).
    pub fixes: Option<(TextRange, Code)>,
    pub preferred: bool,
}

fn touches(a: TextRange, b: TextRange) -> bool {
    a.start() <= b.end() && b.start() <= a.end()
}

/// The range a cursor may be in to get a problem's fixes: a problem on a tag's name or attribute
/// counts for the whole tag (Neovim's `gra` on the `<` asks there).
fn reach(parse: &Parse, range: TextRange) -> TextRange {
    let tag = right_token_at(parse, range.start()).and_then(|t| {
        t.parent_ancestors()
            .find(|n| matches!(n.kind(), START_TAG | EMPTY_ELEM_TAG | END_TAG))
    });
    match tag {
        Some(tag) if tag.text_range().contains_range(range) => tag.text_range(),
        _ => range,
    }
}

pub fn code_actions(
    parse: &Parse,
    text: &str,
    range: TextRange,
    kind: DocumentKind,
    schema: Option<&dyn SchemaModel>,
    rule_options: &RuleOptions,
) -> Vec<CodeAction> {
    let mut problems: Vec<SchemaProblem> = parse
        .errors()
        .iter()
        .filter(|e| touches(reach(parse, e.range), range))
        .map(|e| SchemaProblem {
            range: e.range,
            severity: Severity::Error,
            code: Code::Syntax(e.code),
            message: e.message.clone(),
            suggestion: None,
            expected: vec![],
        })
        .collect();
    let mut findings = Vec::new();
    if let (DocumentKind::Libvirt, Some(schema)) = (kind, schema) {
        problems.extend(
            schema_problems(parse, schema)
                .into_iter()
                .filter(|p| touches(reach(parse, p.range), range)),
        );
        findings = rules::check(parse, text, rule_options);
        findings.retain(|f| touches(reach(parse, f.range), range));
    }
    fixes_of(parse, text, schema, &problems, &findings)
}

/// The quick fixes of problems already computed: `problems` (syntax and schema, in that order)
/// and libvirt's rules' `findings`, which carry their own repairs. `domxml check` takes its
/// help lines from here, so a file is analysed once.
pub fn fixes_of(
    parse: &Parse,
    text: &str,
    schema: Option<&dyn SchemaModel>,
    problems: &[SchemaProblem],
    findings: &[rules::Finding],
) -> Vec<CodeAction> {
    // Read from the whole document, so only for the fixes that write an attribute.
    let quote = std::cell::OnceCell::new();
    let quote = || *quote.get_or_init(|| preferred_quote(parse));
    let mut out = Vec::new();
    for f in findings {
        let only_one = f.fixes.len() == 1;
        for fix in &f.fixes {
            out.push(CodeAction {
                title: fix.title.clone(),
                edits: fix.edits.clone(),
                fixes: Some((f.range, Code::Rule(f.code))),
                preferred: only_one,
            });
        }
    }
    for p in problems {
        let fixes = Some((p.range, p.code));
        let slice = text
            .get(usize::from(p.range.start())..usize::from(p.range.end()))
            .unwrap_or("");
        if let Some(s) = &p.suggestion {
            let mut edits = vec![TextEdit::new(p.range, s.clone())];
            // A misspelt element name: its end tag is renamed with it.
            if let Some(end) = end_tag_name_of_start_name(parse, p.range)
                && text.get(usize::from(end.start())..usize::from(end.end())) == Some(slice)
            {
                edits.push(TextEdit::new(end, s.clone()));
            }
            out.push(CodeAction {
                title: format!("Replace '{slice}' with '{s}'"),
                edits,
                fixes,
                preferred: true,
            });
        }
        match p.code {
            Code::Schema(SchemaCode::MissingAttribute) => {
                if let Some(element) = element_named_at(parse, p.range) {
                    let at = tag_insert_point(&element);
                    let quote = quote();
                    for name in p.expected.iter().take(4) {
                        out.push(CodeAction {
                            title: format!("Add required attribute '{name}'"),
                            edits: vec![TextEdit::new(
                                TextRange::empty(at),
                                format!(" {name}={quote}{quote}"),
                            )],
                            fixes,
                            preferred: p.expected.len() == 1,
                        });
                    }
                }
            }
            Code::Schema(SchemaCode::MisplacedElement) => {
                out.extend(move_into_home(parse, text, p));
            }
            Code::Schema(SchemaCode::MissingElement) => {
                if let Some(element) = element_named_at(parse, p.range) {
                    let quote = quote();
                    for name in p.expected.iter().take(4) {
                        let required = schema
                            .map(|s| {
                                s.allowed_children(&element, element.syntax().text_range().end())
                                    .into_iter()
                                    .find(|i| &i.name == name)
                                    .map(|i| i.required_attributes)
                                    .unwrap_or_default()
                            })
                            .unwrap_or_default();
                        let attrs: String = required
                            .iter()
                            .map(|a| format!(" {a}={quote}{quote}"))
                            .collect();
                        let child = format!("<{name}{attrs}/>");
                        out.push(CodeAction {
                            title: format!("Add missing child <{name}>"),
                            edits: insert_child(text, &element, &child),
                            fixes,
                            preferred: p.expected.len() == 1,
                        });
                    }
                }
            }
            Code::Syntax(ErrorCode::DuplicateAttribute)
            | Code::Schema(SchemaCode::UnknownAttribute | SchemaCode::AttributeNotAllowed) => {
                if let Some(attr) = attribute_at(parse, p.range.start()) {
                    let name = attr
                        .first_token()
                        .map(|t| t.text().to_string())
                        .unwrap_or_default();
                    let mut r = attr.text_range();
                    if let Some(ws) = attr
                        .prev_sibling_or_token()
                        .filter(|t| t.kind() == WHITESPACE)
                    {
                        r = r.cover(ws.text_range());
                    }
                    let duplicate = p.code == Code::Syntax(ErrorCode::DuplicateAttribute);
                    out.push(CodeAction {
                        title: if duplicate {
                            "Remove the duplicate attribute".into()
                        } else {
                            format!("Remove attribute '{name}'")
                        },
                        edits: vec![TextEdit::new(r, "")],
                        fixes,
                        // A did-you-mean replacement is the better fix when there is one.
                        preferred: duplicate || p.suggestion.is_none(),
                    });
                }
            }
            Code::Syntax(ErrorCode::MismatchedEndTag) => {
                if let Some((end, name)) = mismatched_end_tag_at(parse, p.range.start()) {
                    out.push(CodeAction {
                        title: format!("Change to </{name}>"),
                        edits: vec![TextEdit::new(end, name)],
                        fixes,
                        preferred: true,
                    });
                }
            }
            Code::Syntax(ErrorCode::UnclosedElement) => {
                // Its end tag is there but misspelt: correct it rather than add another.
                if let Some(element) = element_named_at(parse, p.range)
                    && let Some(end) = last_end_tag_name(&element)
                    && let Some(name) = element.name()
                    && end.text() != name.text()
                {
                    out.push(CodeAction {
                        title: format!("Change </{}> to </{}>", end.text(), name.text()),
                        edits: vec![TextEdit::new(end.range(), name.text())],
                        fixes,
                        preferred: true,
                    });
                } else if let Some(element) = element_named_at(parse, p.range)
                    && let Some(name) = element.name()
                {
                    let end = element.syntax().text_range().end();
                    out.push(CodeAction {
                        title: format!("Close <{}>", name.text()),
                        edits: vec![TextEdit::new(
                            TextRange::empty(end),
                            format!("</{}>", name.text()),
                        )],
                        fixes,
                        preferred: true,
                    });
                }
            }
            Code::Syntax(ErrorCode::UnclosedTag) => {
                if let Some(element) = element_named_at(parse, p.range) {
                    let at = tag_insert_point(&element);
                    out.push(CodeAction {
                        title: "Close the tag with '>'".into(),
                        edits: vec![TextEdit::new(TextRange::empty(at), ">")],
                        fixes,
                        preferred: false,
                    });
                    out.push(CodeAction {
                        title: "Close the tag with '/>'".into(),
                        edits: vec![TextEdit::new(TextRange::empty(at), "/>")],
                        fixes,
                        preferred: false,
                    });
                }
            }
            Code::Schema(SchemaCode::LibvirtElementOrder) => {
                if let Some(action) = schema.and_then(|s| reorder_fix(parse, s, p)) {
                    out.push(action);
                }
            }
            _ => {}
        }
    }
    out
}

/// The end tag's name of the element whose start-tag name is `range`.
fn end_tag_name_of_start_name(parse: &Parse, range: TextRange) -> Option<TextRange> {
    let element = element_named_at(parse, range)?;
    if element.name()?.range() != range {
        return None;
    }
    element.end_tag()?.name().map(|n| n.range())
}

/// The name of the last end tag among the element's own children, also one the parser kept in
/// an error node because it did not match.
fn last_end_tag_name(element: &Element) -> Option<domxml_syntax::ast::Name> {
    let node = domxml_syntax::chunk::children(element.syntax()).last()?;
    let end = match node.kind() {
        END_TAG => node,
        ERROR => node.children().find(|c| c.kind() == END_TAG)?,
        _ => return None,
    };
    domxml_syntax::ast::EndTag::cast(end)?.name()
}

/// The name range of the end tag at `offset` and the name of the element it should close.
fn mismatched_end_tag_at(parse: &Parse, offset: TextSize) -> Option<(TextRange, String)> {
    let token = right_token_at(parse, offset)?;
    let end_tag = token.parent_ancestors().find(|n| n.kind() == END_TAG)?;
    let element = end_tag.ancestors().find_map(Element::cast)?;
    let end = domxml_syntax::ast::EndTag::cast(end_tag)?.name()?;
    let open = element.name()?;
    (end.text() != open.text()).then(|| (end.range(), open.text().to_owned()))
}

/// Reorders the children of the element whose order libxml2 rejects: the parent of the
/// element the diagnostic names, or the element it is on when it names none.
fn reorder_fix(parse: &Parse, schema: &dyn SchemaModel, p: &SchemaProblem) -> Option<CodeAction> {
    let at = element_named_at(parse, p.range)?;
    let parent = if p.expected.is_empty() {
        at
    } else {
        at.parent()?
    };
    let edit = schema.libvirt_order(&parent)?;
    let name = parent.name()?;
    Some(CodeAction {
        title: format!(
            "Reorder the children of <{}> as libvirt writes them",
            name.text()
        ),
        edits: vec![edit],
        fixes: Some((p.range, p.code)),
        preferred: true,
    })
}

/// The source action "Reorder elements as libvirt writes them": offered on a libvirt document
/// whose root children are not in the order libvirt writes them, whether or not libvirt's
/// validator would refuse the order.
pub fn libvirt_order_action(
    parse: &Parse,
    kind: DocumentKind,
    schema: Option<&dyn SchemaModel>,
) -> Option<CodeAction> {
    let (DocumentKind::Libvirt, Some(schema)) = (kind, schema) else {
        return None;
    };
    let root = parse.document().root()?;
    if root.name()?.local() != "domain" {
        return None;
    }
    let edit = schema.libvirt_order(&root)?;
    Some(CodeAction {
        title: "Reorder elements as libvirt writes them".into(),
        edits: vec![edit],
        fixes: None,
        preferred: false,
    })
}

/// "Move <watchdog> into <devices>": for an element that belongs in a sibling (`p.expected`
/// names the places it belongs), when that sibling exists.
fn move_into_home(parse: &Parse, text: &str, p: &SchemaProblem) -> Option<CodeAction> {
    let element = element_named_at(parse, p.range)?;
    let name = element.name()?;
    let (home, target) = p.expected.iter().find_map(|home| {
        let target = element.parent()?.children().find(|c| c.name_is(home))?;
        Some((home, target))
    })?;
    let mut edits = insert_child(text, &target, &element.syntax().to_string());
    edits.push(TextEdit::new(element.range_with_line_indent(), ""));
    Some(CodeAction {
        title: format!("Move <{}> into <{home}>", name.text()),
        edits,
        fixes: Some((p.range, p.code)),
        preferred: true,
    })
}

/// The token at `offset` (the right one where two meet), found by binary search at each level:
/// fixes are looked up for every problem, and a document can have thousands of problems under
/// one element with thousands of children.
fn right_token_at(parse: &Parse, offset: TextSize) -> Option<domxml_syntax::SyntaxToken> {
    crate::context::tokens_at(&parse.syntax(), offset).1
}

/// The element whose start-tag name is inside `range` (diagnostics point at names).
fn element_named_at(parse: &Parse, range: TextRange) -> Option<Element> {
    let token = right_token_at(parse, range.start())?;
    let tag = token
        .parent_ancestors()
        .find(|n| matches!(n.kind(), START_TAG | EMPTY_ELEM_TAG | ELEMENT))?;
    if tag.kind() == ELEMENT {
        Element::cast(tag)
    } else {
        Element::cast(tag.parent()?)
    }
}

fn attribute_at(parse: &Parse, offset: TextSize) -> Option<SyntaxNode> {
    let token = right_token_at(parse, offset)?;
    token.parent_ancestors().find(|n| n.kind() == ATTRIBUTE)
}

/// Where to insert attributes: before `>`/`/>`, else after the last attribute or the name.
fn tag_insert_point(element: &Element) -> TextSize {
    let Some(tag) = element.tag() else {
        return element.syntax().text_range().end();
    };
    let close = tag
        .children_with_tokens()
        .find(|c| matches!(c.kind(), R_ANGLE | SLASH_R_ANGLE));
    if let Some(c) = close {
        // Skip back over whitespace before the close.
        return match c.prev_sibling_or_token().filter(|p| p.kind() == WHITESPACE) {
            Some(ws) => ws.text_range().start(),
            None => c.text_range().start(),
        };
    }
    tag.children_with_tokens()
        .filter(|c| c.kind() != WHITESPACE)
        .last()
        .map_or(tag.text_range().end(), |c| c.text_range().end())
}

/// The indentation (spaces/tabs) of the line `offset` is on.
fn line_indent(text: &str, offset: TextSize) -> &str {
    let o = usize::from(offset).min(text.len());
    let start = text
        .get(..o)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = text.get(start..).unwrap_or("");
    let n = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..n]
}

/// Inserts `child` as the last child of `element`, indented one level deeper.
fn insert_child(text: &str, element: &Element, child: &str) -> Vec<TextEdit> {
    let start = element.syntax().text_range().start();
    let indent = line_indent(text, start);
    let inner = format!("{indent}  ");
    if let Some(end) = element.end_tag() {
        let at = end.syntax().text_range().start();
        // Put the child on its own line before the end tag.
        let before = text.get(..usize::from(at)).unwrap_or("");
        let line_is_blank = before
            .rsplit('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty())
            && before.contains('\n');
        if line_is_blank {
            let line_start = TextSize::from(before.rfind('\n').map_or(0, |i| i + 1) as u32);
            return vec![TextEdit::new(
                TextRange::new(line_start, at),
                format!("{inner}{child}\n{indent}"),
            )];
        }
        return vec![TextEdit::new(
            TextRange::empty(at),
            format!("\n{inner}{child}\n{indent}"),
        )];
    }
    if let (true, Some(tag), Some(name)) =
        (element.is_self_closing(), element.tag(), element.name())
        && let Some(close) = tag
            .children_with_tokens()
            .find(|c| c.kind() == SLASH_R_ANGLE)
    {
        return vec![TextEdit::new(
            close.text_range(),
            format!(">\n{inner}{child}\n{indent}</{}>", name.text()),
        )];
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply_edits;

    fn fix(text: &str, code: ErrorCode) -> Vec<String> {
        let parse = domxml_syntax::parse(text);
        let e = parse
            .errors()
            .iter()
            .find(|e| e.code == code)
            .expect("the error exists");
        code_actions(
            &parse,
            text,
            e.range,
            DocumentKind::OtherXml,
            None,
            &RuleOptions::default(),
        )
        .into_iter()
        .filter(|a| a.fixes.as_ref().is_some_and(|f| f.1 == Code::Syntax(code)))
        .map(|a| apply_edits(text, &a.edits))
        .collect()
    }

    #[test]
    fn syntax_fixes() {
        assert_eq!(
            fix("<a x='1' x='2'/>", ErrorCode::DuplicateAttribute),
            ["<a x='1'/>"]
        );
        assert_eq!(
            fix("<d><w></d>", ErrorCode::UnclosedElement),
            ["<d><w></w></d>"]
        );
        assert_eq!(
            fix("<d><w a='1' </d>", ErrorCode::UnclosedTag),
            ["<d><w a='1'> </d>", "<d><w a='1'/> </d>"]
        );
    }

    #[test]
    fn child_insertion() {
        let text = "<a>\n  <b>\n    <c/>\n  </b>\n  <e/>\n</a>";
        let parse = domxml_syntax::parse(text);
        let b = parse.document().root().unwrap().children().next().unwrap();
        assert_eq!(
            apply_edits(text, &insert_child(text, &b, "<x/>")),
            "<a>\n  <b>\n    <c/>\n    <x/>\n  </b>\n  <e/>\n</a>"
        );
        let e = parse.document().root().unwrap().children().nth(1).unwrap();
        assert_eq!(
            apply_edits(text, &insert_child(text, &e, "<x/>")),
            "<a>\n  <b>\n    <c/>\n  </b>\n  <e>\n    <x/>\n  </e>\n</a>"
        );
    }
}
