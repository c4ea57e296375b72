//! Formatting that only ever touches whitespace between markup: element-only content is
//! re-indented (libvirt's two spaces by default), runs of spaces between attributes shrink to
//! one, and everything else (comments, attribute quoting, text, CDATA, line breaks the user put
//! inside a tag) is kept byte for byte. Elements with text content are left alone entirely.

use domxml_syntax::{Parse, SyntaxKind, SyntaxKind::*, SyntaxNode, TextRange, TextSize};

use crate::TextEdit;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatOptions {
    pub indent_width: usize,
    pub use_tabs: bool,
    /// Keep (at most) one blank line where the document has one or more between elements.
    pub keep_blank_lines: bool,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            indent_width: 2,
            use_tabs: false,
            keep_blank_lines: true,
        }
    }
}

/// The whitespace edits that format the document, or only the part that touches `range`.
pub fn format(
    parse: &Parse,
    text: &str,
    options: &FormatOptions,
    range: Option<TextRange>,
) -> Vec<TextEdit> {
    let mut f = Formatter {
        text,
        options,
        edits: Vec::new(),
    };
    f.document(&parse.syntax());
    match range {
        None => f.edits,
        Some(r) => {
            let r = expand_to_lines(text, r);
            f.edits
                .into_iter()
                .filter(|e| e.delete.end() >= r.start() && e.delete.start() < r.end())
                .collect()
        }
    }
}

/// From the end of the line before `r` to the end of `r`'s last line.
fn expand_to_lines(text: &str, r: TextRange) -> TextRange {
    let s = usize::from(r.start()).min(text.len());
    let e = usize::from(r.end()).clamp(s, text.len());
    let start = text.get(..s).and_then(|t| t.rfind('\n')).unwrap_or(0);
    let end = text
        .get(e..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| e + i);
    TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
}

struct Formatter<'a> {
    text: &'a str,
    options: &'a FormatOptions,
    edits: Vec<TextEdit>,
}

/// What formatting an element's content does, in order; child elements are formatted in turn
/// from an explicit stack, so that nesting depth never becomes recursion depth.
enum Step {
    Replace(TextRange, String),
    Element(SyntaxNode, usize),
}

enum Item {
    Whitespace(TextRange),
    Markup(Option<SyntaxNode>, TextRange, SyntaxKind),
}

fn items(node: &SyntaxNode) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    for c in domxml_syntax::chunk::children_with_tokens(node) {
        let r = c.text_range();
        match c.kind() {
            WHITESPACE => match out.last_mut() {
                Some(Item::Whitespace(prev)) => *prev = prev.cover(r),
                _ => out.push(Item::Whitespace(r)),
            },
            kind => out.push(Item::Markup(c.into_node(), r, kind)),
        }
    }
    out
}

impl Formatter<'_> {
    fn indent(&self, depth: usize) -> String {
        if self.options.use_tabs {
            "\t".repeat(depth)
        } else {
            " ".repeat(depth * self.options.indent_width)
        }
    }

    fn slice(&self, r: TextRange) -> &str {
        self.text
            .get(usize::from(r.start())..usize::from(r.end()))
            .unwrap_or("")
    }

    fn replace(&mut self, r: TextRange, want: &str) {
        if self.slice(r) != want {
            self.edits.push(TextEdit::new(r, want));
        }
    }

    /// The separator before an item on its own line: keeps one blank line when there was one.
    fn line_break(&self, existing: Option<TextRange>, depth: usize, allow_blank: bool) -> String {
        let blank = allow_blank
            && self.options.keep_blank_lines
            && existing.is_some_and(|r| self.slice(r).matches('\n').count() >= 2);
        format!("{}\n{}", if blank { "\n" } else { "" }, self.indent(depth))
    }

    fn document(&mut self, doc: &SyntaxNode) {
        let items = items(doc);
        let mut seen_markup = false;
        let mut pending_ws: Option<TextRange> = None;
        let mut last_end = TextSize::from(0);
        for item in &items {
            match item {
                Item::Whitespace(r) => pending_ws = Some(*r),
                Item::Markup(node, r, kind) => {
                    if let Some(n) = node.as_ref().filter(|n| n.kind() == ELEMENT) {
                        self.element(n, 0);
                    }
                    let is_text =
                        matches!(kind, TEXT | ERROR_TOKEN | ENTITY_REF | CHAR_REF | CDATA);
                    if seen_markup && !is_text {
                        let want = self.line_break(pending_ws, 0, true);
                        let at = pending_ws.unwrap_or(TextRange::empty(r.start()));
                        self.replace(at, &want);
                    }
                    if *kind != BOM {
                        seen_markup = true;
                    }
                    pending_ws = None;
                    last_end = r.end();
                }
            }
        }
        if seen_markup {
            let at = pending_ws.unwrap_or(TextRange::empty(last_end));
            self.replace(at, "\n");
        }
    }

    fn element(&mut self, element: &SyntaxNode, depth: usize) {
        let mut stack = vec![self.element_steps(element, depth).into_iter()];
        while let Some(steps) = stack.last_mut() {
            match steps.next() {
                None => {
                    stack.pop();
                }
                Some(Step::Replace(r, want)) => self.replace(r, &want),
                Some(Step::Element(child, depth)) => {
                    let steps = self.element_steps(&child, depth);
                    stack.push(steps.into_iter());
                }
            }
        }
    }

    /// Formats an element's tags, and returns what formatting its content takes.
    fn element_steps(&mut self, element: &SyntaxNode, depth: usize) -> Vec<Step> {
        let mut steps = Vec::new();
        let items = items(element);
        let mut tag_seen = false;
        let mut mixed = false;
        for item in &items {
            if let Item::Markup(node, _, _) = item {
                match node.as_ref().map(SyntaxNode::kind) {
                    Some(START_TAG | EMPTY_ELEM_TAG | END_TAG) => {
                        if let Some(n) = node {
                            self.tag(n);
                        }
                        tag_seen = true;
                    }
                    Some(ELEMENT) => {}
                    Some(_) => mixed = true,
                    None => {}
                }
            }
        }
        if !tag_seen {
            return steps;
        }
        // Token children other than comments and PIs are text: leave the content alone.
        for c in domxml_syntax::chunk::children_with_tokens(element) {
            if let Some(t) = c.as_token()
                && !matches!(t.kind(), WHITESPACE | COMMENT | PI)
            {
                mixed = true;
            }
        }
        if mixed {
            return steps;
        }
        let content: Vec<&Item> = items
            .iter()
            .filter(|i| !matches!(i, Item::Markup(Some(n), _, _) if matches!(n.kind(), START_TAG | EMPTY_ELEM_TAG | END_TAG)))
            .collect();
        let has_markup = content.iter().any(|i| matches!(i, Item::Markup(..)));
        let end_tag = items.iter().find_map(|i| match i {
            Item::Markup(Some(n), r, _) if n.kind() == END_TAG => Some(*r),
            _ => None,
        });
        let mut pending_ws: Option<TextRange> = None;
        let mut first = true;
        for item in content {
            match item {
                Item::Whitespace(r) => pending_ws = Some(*r),
                Item::Markup(node, r, _) => {
                    let want = self.line_break(pending_ws, depth + 1, !first);
                    steps.push(Step::Replace(
                        pending_ws.unwrap_or(TextRange::empty(r.start())),
                        want,
                    ));
                    if let Some(n) = node.as_ref().filter(|n| n.kind() == ELEMENT) {
                        steps.push(Step::Element(n.clone(), depth + 1));
                    }
                    first = false;
                    pending_ws = None;
                }
            }
        }
        if let Some(end) = end_tag {
            if has_markup {
                let want = self.line_break(pending_ws, depth, false);
                steps.push(Step::Replace(
                    pending_ws.unwrap_or(TextRange::empty(end.start())),
                    want,
                ));
            } else if let Some(ws) = pending_ws
                && self.slice(ws).contains('\n')
            {
                steps.push(Step::Replace(ws, format!("\n{}", self.indent(depth))));
            }
        }
        steps
    }

    /// Inside a tag: one space between attributes on a line, nothing before `>` or `/>`; line
    /// breaks the user put between attributes stay.
    fn tag(&mut self, tag: &SyntaxNode) {
        let children: Vec<_> = tag.children_with_tokens().collect();
        for (i, c) in children.iter().enumerate() {
            if c.kind() != WHITESPACE {
                continue;
            }
            let r = c.text_range();
            if self.slice(r).contains(['\n', '\r']) {
                continue;
            }
            let next: Option<SyntaxKind> = children.get(i + 1).map(|n| n.kind());
            match next {
                Some(R_ANGLE | SLASH_R_ANGLE) => self.replace(r, ""),
                Some(ATTRIBUTE) => self.replace(r, " "),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply_edits;

    fn fmt(text: &str) -> String {
        let parse = domxml_syntax::parse(text);
        apply_edits(text, &format(&parse, text, &FormatOptions::default(), None))
    }

    #[test]
    fn reindents_element_content() {
        let text = "<?xml version='1.0'?>\n<!-- vm -->\n<domain   type='kvm' >\n<name>web1</name>\n      <devices><disk type=\"file\"><!-- main -->\n<target dev='vda'   bus=\"virtio\" /></disk>\n\n\n<description>\n  keep   this\n</description></devices></domain>";
        expect_test::expect![[r#"
            <?xml version='1.0'?>
            <!-- vm -->
            <domain type='kvm'>
              <name>web1</name>
              <devices>
                <disk type="file">
                  <!-- main -->
                  <target dev='vda' bus="virtio"/>
                </disk>

                <description>
              keep   this
            </description>
              </devices>
            </domain>
        "#]]
        .assert_eq(&fmt(text));
    }

    #[test]
    fn formatting_is_idempotent_and_lossless_outside_whitespace() {
        let text = "<domain>\n <a x='1'\n    y='2'/>\n <b>t</b>\n <c>\n </c>\n</domain>\n";
        let once = fmt(text);
        assert_eq!(fmt(&once), once);
        assert!(once.contains("<a x='1'\n    y='2'/>"), "{once}");
        assert!(once.contains("<c>\n  </c>"), "{once}");
        let strip = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(strip(&once), strip(text));
    }

    #[test]
    fn range_formatting_only_touches_the_range() {
        let text = "<a>\n<b/>\n<c/>\n</a>\n";
        let parse = domxml_syntax::parse(text);
        let c = text.find("<c/>").unwrap() as u32;
        let edits = format(
            &parse,
            text,
            &FormatOptions::default(),
            Some(TextRange::new(c.into(), (c + 4).into())),
        );
        assert_eq!(apply_edits(text, &edits), "<a>\n<b/>\n  <c/>\n</a>\n");
    }

    #[test]
    fn broken_documents_do_not_panic() {
        for text in [
            "<a><b",
            "<a>\n<b x='1' </a>",
            "</a>",
            "<a>text<b/>  </a>",
            "\u{feff}<a/>",
            "<a/>\n<b/>",
            "",
        ] {
            let _ = fmt(text);
        }
    }
}
