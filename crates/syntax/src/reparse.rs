//! Incremental reparsing, after rust-analyzer's `reparsing.rs`: relex one token when the edit stays
//! inside it and it still lexes the same way; else reparse the smallest enclosing element whose
//! tags still balance and splice its green node; else parse everything again. Errors outside the
//! reparsed stretch keep their meaning and shift with the text.

use crate::error::ErrorCode;
use rowan::{NodeOrToken, TextRange};

use crate::SyntaxKind::*;
use crate::builder::GreenElement;
use crate::error::{SyntaxError, sort_errors};
use crate::parser::{self, is_xml_whitespace};
use crate::text::TextSource;
use crate::{Parse, SyntaxElement, SyntaxNode, SyntaxToken, TextEdit, chunk, refs};

pub(crate) fn reparse<T: TextSource + ?Sized>(old: &Parse, edit: &TextEdit, new_text: &T) -> Parse {
    reparse_token(old, edit, new_text)
        .or_else(|| reparse_content(old, edit, new_text))
        .unwrap_or_else(|| crate::parse(&new_text.slice(0..new_text.len()).unwrap_or_default()))
}

/// How much text after a reparsed stretch is read with it (see `parse_stretch`). Whatever the
/// parser needs of the text after the stretch it reads until a construct ends, past the
/// stretch (the parse is then refused) or at the end of what it was given: a few bytes make
/// the difference between the two, and small ones keep the property tests on this path.
const LOOKAHEAD: usize = 16;

/// Error codes a token's own text can produce, so that relexing the token recomputes them all.
const TOKEN_LOCAL_ERRORS: [ErrorCode; 3] = [
    ErrorCode::UnknownEntity,
    ErrorCode::BareAmpersand,
    ErrorCode::InvalidCharRef,
];

fn reparse_token<T: TextSource + ?Sized>(
    old: &Parse,
    edit: &TextEdit,
    new_text: &T,
) -> Option<Parse> {
    let root = old.syntax();
    let token = match root.covering_element(edit.delete) {
        NodeOrToken::Token(t) => t,
        NodeOrToken::Node(_) => return None,
    };
    let range = token.text_range();
    if !(range.start() < edit.delete.start() && edit.delete.end() < range.end()) {
        return None;
    }
    let new_len = u32::from(range.len()) as i64 + edit.delta();
    let start = usize::from(range.start());
    let new_token_text = new_text.slice(start..start + usize::try_from(new_len).ok()?)?;
    let new_token_text = &*new_token_text;
    let new_kind = relexed_kind(&token, new_token_text)?;

    if looked_ahead_into(old, range) || follows_unclosed_end_tag(old, range) {
        return None;
    }
    let inside = |e: &SyntaxError| owned_by(e.range, range);
    if old
        .errors()
        .iter()
        .any(|e| inside(e) && !TOKEN_LOCAL_ERRORS.contains(&e.code))
    {
        return None;
    }
    let mut new_errors = Vec::new();
    if matches!(new_kind, ATTR_VALUE) {
        refs::scan(
            new_token_text,
            1..new_token_text.len() - 1,
            &mut new_errors,
            |_| {},
        );
        new_errors = new_errors
            .into_iter()
            .map(|e| e.shifted(start as i64))
            .collect();
    }
    // Through the parent, since rowan's token replacement insists on the same kind.
    let parent = token.parent()?;
    let new_token = rowan::GreenToken::new(new_kind.into(), new_token_text);
    let new_parent = splice_children(
        parent.green(),
        token.index()..token.index() + 1,
        vec![new_token.into()],
    );
    let green = replace_in_tree(&parent, new_parent);
    Some(Parse {
        green,
        errors: merge_errors(old.errors(), range, edit.delta(), new_errors).into(),
        elements: None,
    })
}

/// The kind of `token` after its text became `new`, if it is still one token of that family.
fn relexed_kind(token: &SyntaxToken, new: &str) -> Option<crate::SyntaxKind> {
    if !new.chars().all(refs::is_xml_char) {
        return None;
    }
    let in_element_content = token
        .parent()
        .is_some_and(|p| matches!(p.kind(), ELEMENT | CHUNK));
    match token.kind() {
        ATTR_VALUE => {
            // Values of the XML declaration's pseudo-attributes are checked as a whole.
            let in_tag = token
                .parent()
                .and_then(|attr| attr.parent())
                .is_some_and(|tag| matches!(tag.kind(), START_TAG | EMPTY_ELEM_TAG));
            if !in_tag {
                return None;
            }
            let q = new.chars().next().filter(|c| matches!(c, '"' | '\''))?;
            let ok = new.len() >= 2
                && new.ends_with(q)
                && !new[1..new.len() - 1].contains([q, '<'])
                && token.text().ends_with(q)
                && token.text().len() >= 2;
            ok.then_some(ATTR_VALUE)
        }
        COMMENT => {
            let inner = new.strip_prefix("<!--")?.strip_suffix("-->")?;
            let ok = !inner.contains("--") && !inner.ends_with('-') && new.len() >= 7;
            ok.then_some(COMMENT)
        }
        TEXT | WHITESPACE if in_element_content => {
            let ok = !new.is_empty() && !new.contains(['<', '&']) && !new.contains("]]>");
            ok.then(|| {
                if is_xml_whitespace(new) {
                    WHITESPACE
                } else {
                    TEXT
                }
            })
        }
        WHITESPACE => {
            let in_tag = token.parent().is_some_and(|p| {
                matches!(p.kind(), START_TAG | EMPTY_ELEM_TAG | ATTRIBUTE | END_TAG)
            });
            (in_tag && !new.is_empty() && is_xml_whitespace(new)).then_some(WHITESPACE)
        }
        _ => None,
    }
}

/// Reparses the run of an element's children that the edit touches (with one neighbour on each
/// side, so that text merging across the edges and lookahead into the run are seen) and splices
/// the result into that element. Tries the innermost enclosing element first.
fn reparse_content<T: TextSource + ?Sized>(
    old: &Parse,
    edit: &TextEdit,
    new_text: &T,
) -> Option<Parse> {
    let root = old.syntax();
    let covering = match root.covering_element(edit.delete) {
        NodeOrToken::Node(n) => n,
        NodeOrToken::Token(t) => t.parent()?,
    };
    let half = u32::from(root.text_range().len()) / 2;
    for parent in covering.ancestors().filter(|n| n.kind() == ELEMENT) {
        let Some(content) = content_range(&parent) else {
            continue;
        };
        if !(content.start() <= edit.delete.start() && edit.delete.end() <= content.end()) {
            continue;
        }
        // The children touching the edit (chunks seen through), widened by one on each side
        // but kept between the start tag and the end tag.
        let (Some(start_tag), Some(end_tag)) =
            (parent.first_child_or_token(), parent.last_child_or_token())
        else {
            continue;
        };
        let at = |offset| chunk::child_or_token_at(&parent, offset);
        let (Some(first), Some(last)) = (at(edit.delete.start()), at(edit.delete.end())) else {
            continue;
        };
        let is_tag = |e: &SyntaxElement| *e == start_tag || *e == end_tag;
        let lo = match chunk::prev_sibling_or_token(&first) {
            Some(prev) if prev != start_tag => prev,
            _ if first != start_tag => first,
            _ => match chunk::next_sibling_or_token(&first) {
                Some(next) => next,
                None => continue,
            },
        };
        let hi = match chunk::next_sibling_or_token(&last) {
            Some(next) if next != end_tag => next,
            _ if last != end_tag => last,
            _ => match chunk::prev_sibling_or_token(&last) {
                Some(prev) => prev,
                None => continue,
            },
        };
        let stretch =
            if !is_tag(&lo) && !is_tag(&hi) && lo.text_range().start() <= hi.text_range().start() {
                TextRange::new(lo.text_range().start(), hi.text_range().end())
            } else {
                // No content at all: the stretch is the empty gap between the tags.
                TextRange::empty(content.start())
            };
        if !(stretch.start() <= edit.delete.start() && edit.delete.end() <= stretch.end()) {
            continue;
        }
        if u32::from(stretch.len()) > half {
            return None;
        }
        if looked_ahead_into(old, stretch) {
            return None;
        }
        let Some(mut ancestors) = ancestor_names(&parent) else {
            continue;
        };
        ancestors.push(
            crate::ast::Element::cast(parent.clone())?
                .name()?
                .text()
                .to_string(),
        );
        let start = usize::from(stretch.start());
        let new_end = usize::try_from(u32::from(stretch.end()) as i64 + edit.delta()).ok()?;
        if new_end > new_text.len() || !new_text.is_char_boundary(new_end) {
            return None;
        }
        let (new_children, mut errors) = parse_stretch(new_text, start..new_end, ancestors)?;
        sort_errors(&mut errors);
        let Some(NodeOrToken::Node(new_parent)) = chunk::splice(
            parent.green(),
            parent.text_range().start(),
            stretch,
            new_children,
        )
        .pop() else {
            return None;
        };
        let green = replace_in_tree(&parent, new_parent);
        return Some(Parse {
            green,
            errors: merge_errors(old.errors(), stretch, edit.delta(), errors).into(),
            elements: None,
        });
    }
    None
}

/// Parses `stretch` of the new text as content inside `ancestors`, reading the text after it
/// only when it must (a rope would otherwise be copied to its end at every keystroke).
///
/// The parser may read past the stretch: a token that crosses its end makes it give up, and a
/// construct looks for its end as far as the text goes. So it first gets only [`LOOKAHEAD`]
/// more bytes. A construct whose end it does not find there runs to the end of what it got,
/// past the stretch, and the parse is refused as it would be with the whole text (where that
/// end lies further still). The one exception is an attribute value without its closing quote
/// ended at a `<` that a later quote could have taken into the value: the parser says so, and
/// the stretch is parsed again with the rest of the text.
fn parse_stretch<T: TextSource + ?Sized>(
    new_text: &T,
    stretch: std::ops::Range<usize>,
    ancestors: Vec<String>,
) -> Option<(Vec<GreenElement>, Vec<SyntaxError>)> {
    let start = stretch.start;
    let mut end = (stretch.end + LOOKAHEAD).min(new_text.len());
    while !new_text.is_char_boundary(end) {
        end += 1;
    }
    let limit = stretch.end - start;
    let parse_to = |end: usize, ancestors| {
        let window = new_text.slice(start..end)?;
        parser::parse_content_in_context(&window, 0..limit, ancestors)
    };
    let mut parsed = parse_to(end, ancestors.clone())?;
    if parsed.wants_more_text && end < new_text.len() {
        parsed = parse_to(new_text.len(), ancestors)?;
    }
    let errors = parsed.errors.into_iter().map(|e| e.shifted(start as i64));
    Some((parsed.children, errors.collect()))
}

/// The stretch between an element's start tag and its end tag, if it has both.
fn content_range(element: &SyntaxNode) -> Option<TextRange> {
    // The element's first and last children must be exactly these tags (never tokens).
    let first = element.first_child_or_token()?.into_node()?;
    let last = element.last_child_or_token()?.into_node()?;
    if first.kind() != START_TAG || last.kind() != END_TAG || first == last {
        return None;
    }
    Some(TextRange::new(
        first.text_range().end(),
        last.text_range().start(),
    ))
}

/// Names of the elements enclosing `node`, outermost first; `None` if one has no name.
fn ancestor_names(node: &SyntaxNode) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for a in node
        .ancestors()
        .skip(1)
        .filter_map(crate::ast::Element::cast)
    {
        names.push(a.name()?.text().to_string());
    }
    names.reverse();
    Some(names)
}

/// An error belongs to a reparsed stretch when it lies inside it; a zero-width error at either
/// edge belongs to the neighbour, as the stretch starts and ends with its own characters.
fn owned_by(error: TextRange, stretch: TextRange) -> bool {
    if error.is_empty() {
        return error.start() > stretch.start() && error.start() < stretch.end();
    }
    error.start() >= stretch.start() && error.end() <= stretch.end()
}

fn merge_errors(
    old: &[SyntaxError],
    stretch: TextRange,
    delta: i64,
    new: Vec<SyntaxError>,
) -> Vec<SyntaxError> {
    let mut out: Vec<SyntaxError> = old
        .iter()
        .filter(|e| !owned_by(e.range, stretch))
        .map(|e| {
            if e.range.start() >= stretch.end() {
                e.clone().shifted(delta)
            } else if e.range.end() >= stretch.end() {
                // Encloses the stretch: only its end moves.
                e.clone().with_end_shifted(delta)
            } else {
                e.clone()
            }
        })
        .collect();
    out.extend(new);
    sort_errors(&mut out);
    out
}

/// An end tag without '>' (`</name` then whitespace and something else) looked at the token
/// right after its name to decide that: relexing that token alone could close it.
fn follows_unclosed_end_tag(old: &Parse, token: TextRange) -> bool {
    old.errors()
        .iter()
        .any(|e| e.code == ErrorCode::UnclosedEndTag && e.range.end() == token.start())
}

/// An unterminated attribute value decides where it ends by looking arbitrarily far ahead, maybe
/// into `stretch`: then the text before the stretch may parse differently after the edit.
fn looked_ahead_into(old: &Parse, stretch: TextRange) -> bool {
    old.errors()
        .iter()
        .any(|e| e.code == ErrorCode::UnclosedValue && e.range.start() < stretch.start())
}

/// The root of the tree `node` is in, with `node` replaced by `replacement`: rowan's
/// `replace_with`, but rebuilding each ancestor with [`splice_children`], which measured faster
/// than rowan's `replace_child` on `<devices>` with 8600 children (0.13 against 0.20 ms).
fn replace_in_tree(node: &SyntaxNode, replacement: rowan::GreenNode) -> rowan::GreenNode {
    let mut node = node.clone();
    let mut green = replacement;
    while let Some(parent) = node.parent() {
        let index = node.index();
        green = splice_children(parent.green(), index..index + 1, vec![green.into()]);
        node = parent;
    }
    green
}

/// `green` with the children in `range` replaced by `new`, built in one pass: rowan's
/// `splice_children` first copies all children into a `Vec`, which matters for elements with
/// thousands of children (`<devices>`).
///
/// This is the floor of every edit below such an element: rowan's children are a flat array of
/// `Arc`s, so the new parent costs an atomic increment per child now and a decrement when it is
/// dropped (for the bench's 17,203 children of `<devices>`, a bare copy and drop is 0.84M
/// instructions, ~0.13 ms). Doing better needs a bounded fan-out (a different tree shape) or
/// persistent children arrays in the green tree (a rowan fork).
fn splice_children(
    green: &rowan::GreenNodeData,
    range: std::ops::Range<usize>,
    new: Vec<GreenElement>,
) -> rowan::GreenNode {
    let old = green.children();
    let len = old.len() - range.len() + new.len();
    let children = old
        .clone()
        .take(range.start)
        .map(|c| c.to_owned())
        .chain(new)
        .chain(old.skip(range.end).map(|c| c.to_owned()));
    rowan::GreenNode::new(
        green.kind(),
        ExactLen {
            inner: children,
            len,
        },
    )
}

/// An iterator known to yield exactly `len` items (`Chain` does not say so itself).
struct ExactLen<I> {
    inner: I,
    len: usize,
}

impl<I: Iterator> Iterator for ExactLen<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let item = self.inner.next()?;
        self.len -= 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl<I: Iterator> ExactSizeIterator for ExactLen<I> {}
