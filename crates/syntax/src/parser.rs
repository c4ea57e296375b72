//! Builds the tree: `xmlparser` lexes the well-formed stretches, and this recovery layer takes
//! over wherever it stops (it gives up at its first error, and says nothing about `=`, quotes,
//! whitespace inside tags or a tag cut off by the end of input). After each problem the lexer is
//! restarted with `Tokenizer::from_fragment` at the next safe point, so one typo costs one error.
//! Nesting is ours too: end tags are matched against a stack of open elements.

use crate::error::ErrorCode;
use rowan::{GreenNode, TextRange, TextSize};
use xmlparser::{ElementEnd, Token, Tokenizer};

use crate::SyntaxKind::{self, *};
use crate::builder::{Checkpoint, GreenElement, TreeBuilder};
use crate::elements::{ElementTable, TableBuilder};
use crate::error::SyntaxError;
use crate::refs::{self, Piece, is_name_char, is_name_start_char};
use crate::text_range;

pub(crate) struct Parsed {
    pub(crate) green: GreenNode,
    pub(crate) errors: Vec<SyntaxError>,
    /// The root element's table, when asked for.
    pub(crate) elements: Option<ElementTable>,
}

/// Parses a whole document.
pub(crate) fn parse_document(text: &str) -> Parsed {
    parse_whole(Parser::new(text, Mode::Document))
}

/// Parses a whole document and records its root element's table on the way.
pub(crate) fn parse_document_recording(text: &str) -> Parsed {
    let mut p = Parser::new(text, Mode::Document);
    p.elements = Some(TableBuilder::new(text.len()));
    parse_whole(p)
}

fn parse_whole(mut p: Parser<'_>) -> Parsed {
    p.builder.start_node(DOCUMENT);
    p.run();
    p.builder.finish_node();
    Parsed {
        green: p.builder.finish(),
        errors: p.errors,
        elements: p.elements.map(TableBuilder::finish),
    }
}

/// Parses `text[range]` as content of an element, nested inside elements named `ancestors`
/// (outermost first; the last one is the element whose content this is). The text after the
/// range is read for lookahead, as in a full parse. Returns `None` unless the range parses to
/// complete constructs that end exactly at its end and never close an element outside it: only
/// then is the result what a full parse would have built there, provided `text` went on as
/// far as the document does or the result does not want more text. Error ranges are relative
/// to `text`.
pub(crate) fn parse_content_in_context(
    text: &str,
    range: std::ops::Range<usize>,
    ancestors: Vec<String>,
) -> Option<Stretch> {
    let mut p = Parser::new(text, Mode::Content { ancestors });
    p.pos = range.start;
    p.limit = range.end;
    p.builder.start_node(DOCUMENT);
    p.run();
    if p.bailed || p.pos != range.end {
        return None;
    }
    Some(Stretch {
        children: p.builder.finish_children(),
        errors: p.errors,
        wants_more_text: p.wants_more_text,
    })
}

/// A stretch of content parsed by [`parse_content_in_context`].
pub(crate) struct Stretch {
    pub children: Vec<GreenElement>,
    pub errors: Vec<SyntaxError>,
    /// Whether text beyond what the parser got could change the result: then it must be
    /// parsed again with the rest of the document.
    pub wants_more_text: bool,
}

#[derive(PartialEq, Eq)]
enum Mode {
    Document,
    /// Reparsing a stretch of an element's content: end tags may not close any of these
    /// enclosing elements, and there is no prolog.
    Content {
        ancestors: Vec<String>,
    },
}

/// How deep elements nest in the tree. Deeper elements are still read (their tags, and the
/// matching of end tags), but become flat siblings inside the element at this depth: a tree
/// that could be nested without bound would be dropped and walked by recursion somewhere
/// (rowan frees nodes recursively), and a recursion as deep as the input overflows the stack.
/// libxml2, which libvirt parses with, refuses even less (256 levels; 2048 with
/// `XML_PARSE_HUGE`), so no document libvirt accepts comes near this.
pub const MAX_DEPTH: usize = 2048;

struct OpenElement<'t> {
    name: &'t str,
    name_range: TextRange,
    /// Whether an `ELEMENT` node is open for it (false beyond [`MAX_DEPTH`]).
    node: bool,
    /// Whether a child of this element was reported as crossing [`MAX_DEPTH`].
    reported_too_deep: bool,
}

/// A start tag being read: its tokens are emitted already, its node kind is decided at its end.
struct OpenTag<'t> {
    checkpoint: Checkpoint,
    name: &'t str,
    name_range: TextRange,
    /// Where this tag's attribute names start in `Parser::attribute_names` (tags never nest).
    attributes: usize,
    /// End of the last attribute value, to require whitespace before the next attribute.
    after_value: Option<usize>,
}

struct Parser<'t> {
    text: &'t str,
    builder: TreeBuilder,
    errors: Vec<SyntaxError>,
    stack: Vec<OpenElement<'t>>,
    /// Names of the attributes of the tag being read, for the duplicate check.
    attribute_names: Vec<&'t str>,
    mode: Mode,
    /// Everything before `pos` is in the tree.
    pos: usize,
    /// Where parsing stops (the end of the text, or of the stretch being reparsed).
    limit: usize,
    roots: usize,
    /// Anything but trivia seen yet (the XML declaration must come first).
    seen_markup: bool,
    bailed: bool,
    /// An attribute value without a closing quote was ended at a `<`, where a quote after the
    /// end of the text could have ended it elsewhere: the result depends on text the parser
    /// did not get (see `parse_content_in_context`).
    wants_more_text: bool,
    /// Records the root element's table as the elements are read (full parses only).
    elements: Option<TableBuilder>,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str, mode: Mode) -> Self {
        Parser {
            text,
            builder: TreeBuilder::new(),
            errors: Vec::new(),
            stack: Vec::new(),
            attribute_names: Vec::new(),
            mode,
            pos: 0,
            limit: text.len(),
            roots: 0,
            seen_markup: false,
            bailed: false,
            wants_more_text: false,
            elements: None,
        }
    }

    fn run(&mut self) {
        if self.mode == Mode::Document && self.text.starts_with('\u{FEFF}') {
            self.token(BOM, 0..3);
        }
        while self.pos < self.limit && !self.bailed {
            let failed_in_content = self.lex_with_xmlparser();
            if failed_in_content && self.pos < self.limit && !self.bailed {
                self.recover();
            }
        }
        self.finish();
    }

    /// Feeds xmlparser's tokens into the tree until it ends or fails. A failure inside a start
    /// tag is repaired here; a failure in content returns `true` with `self.pos` at the start of
    /// the construct it could not read.
    fn lex_with_xmlparser(&mut self) -> bool {
        let mut tokens = Tokenizer::from_fragment(self.text, self.pos..self.text.len());
        let mut tag: Option<OpenTag<'t>> = None;
        // Whether `tokens` is behind `self.pos` after constructs lexed by hand.
        let mut behind = false;
        loop {
            if tag.is_none() {
                // After bailing out the result is thrown away, and an end tag that made us bail
                // was left unconsumed.
                if self.pos >= self.limit || self.bailed {
                    return false;
                }
                if self.lex_common_by_hand() {
                    behind = true;
                    continue;
                }
                if behind {
                    tokens = Tokenizer::from_fragment(self.text, self.pos..self.text.len());
                    behind = false;
                }
            }
            match tokens.next() {
                None => {
                    if let Some(tag) = tag {
                        // xmlparser ends silently inside a tag at end of input.
                        self.lex_tag_rest(tag);
                    }
                    return false;
                }
                Some(Err(_)) => match tag {
                    Some(tag) => {
                        self.lex_tag_rest(tag);
                        return false;
                    }
                    None => return true,
                },
                Some(Ok(token)) => match token {
                    Token::ElementStart { span, .. } => {
                        tag = Some(self.start_tag(span.start(), span.end()));
                    }
                    Token::Attribute { span, .. } => {
                        let Some(mut t) = tag.take() else { return true };
                        self.gap_in_tag(span.start());
                        self.lex_attribute(&mut t);
                        if self.pos != span.end() {
                            // Our reading of the attribute disagrees with xmlparser's: trust ours.
                            self.lex_tag_rest(t);
                            return false;
                        }
                        tag = Some(t);
                    }
                    Token::ElementEnd { end, span } => match end {
                        ElementEnd::Open | ElementEnd::Empty => {
                            let Some(t) = tag.take() else { return true };
                            self.gap_in_tag(span.start());
                            self.close_start_tag(t, end == ElementEnd::Empty);
                        }
                        ElementEnd::Close(..) => self.end_tag_from_span(span.start(), span.end()),
                    },
                    Token::Text { text } => self.text_run(text.start(), text.end()),
                    Token::Comment { span, .. } => self.markup(COMMENT, span.start(), span.end()),
                    Token::Cdata { span, .. } => {
                        if self.stack.is_empty() && self.at_top_level() {
                            self.error(
                                ErrorCode::TextOutsideRoot,
                                span.start()..span.end(),
                                "CDATA section outside the root element",
                            );
                        }
                        self.markup(CDATA, span.start(), span.end())
                    }
                    Token::ProcessingInstruction { span, .. } => {
                        self.markup(PI, span.start(), span.end())
                    }
                    // Not produced in fragment mode.
                    Token::Declaration { .. }
                    | Token::DtdStart { .. }
                    | Token::EmptyDtd { .. }
                    | Token::EntityDeclaration { .. }
                    | Token::DtdEnd { .. } => return true,
                },
            }
        }
    }

    /// Lexes the construct at `self.pos` by hand if it is text, a start tag or an end tag whose
    /// name is ASCII up to an ASCII character: there xmlparser's reading, or our recovery where
    /// it fails, is exactly what these functions do, and going through xmlparser (and then
    /// reading its attributes again) costs about twice as much. Returns whether it did.
    fn lex_common_by_hand(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        let pos = self.pos;
        if bytes[pos] != b'<' {
            // xmlparser fails on text with a character XML does not allow or with `]]>`, and
            // recovery then calls this; on other text both end at the next '<' alike.
            self.text_by_hand();
            return true;
        }
        match bytes.get(pos + 1) {
            Some(b'/') if ascii_name_end(bytes, pos + 2).is_some() => {
                // xmlparser reads `</` Name S? `>` with this name, or fails and recovery
                // calls this.
                self.end_tag_by_hand();
                true
            }
            Some(_) => match ascii_name_end(bytes, pos + 1) {
                Some(name_end) => {
                    // xmlparser reads the same name (or fails on a second ':' or a bad local
                    // part, and recovery does this); inside the tag its tokens and our
                    // `lex_tag_rest` agree, and it falls back to `lex_tag_rest` anyway.
                    let tag = self.start_tag(pos, name_end);
                    self.lex_tag_rest(tag);
                    true
                }
                None => false,
            },
            None => false,
        }
    }

    /// Takes over where xmlparser failed in content, consumes the faulty construct with a
    /// precise error, and returns so that xmlparser restarts after it.
    fn recover(&mut self) {
        let rest = &self.text[self.pos..];
        let start = self.pos;
        if let Some(comment) = rest.strip_prefix("<!--") {
            match comment.find("-->") {
                Some(i) => {
                    let end = start + 4 + i + 3;
                    let body = &self.text[start + 4..end - 3];
                    if let Some(j) = body.find("--") {
                        let at = start + 4 + j;
                        self.error(
                            ErrorCode::DoubleHyphenInComment,
                            at..at + 2,
                            "'--' is not allowed inside a comment",
                        );
                    } else {
                        self.error(ErrorCode::InvalidComment, start..end, "malformed comment");
                    }
                    self.markup(COMMENT, start, end);
                }
                None => {
                    self.error(
                        ErrorCode::UnclosedComment,
                        start..start + 4,
                        "unclosed comment: missing '-->'",
                    );
                    self.markup(COMMENT, start, self.text.len());
                }
            }
        } else if rest.starts_with("<![CDATA[") {
            match rest.find("]]>") {
                Some(i) => self.markup(CDATA, start, start + i + 3),
                None => {
                    self.error(
                        ErrorCode::UnclosedCdata,
                        start..start + 9,
                        "unclosed CDATA section: missing ']]>'",
                    );
                    self.markup(CDATA, start, self.text.len());
                }
            }
        } else if is_xml_declaration_start(rest) {
            self.xml_declaration();
        } else if rest.starts_with("<!DOCTYPE") {
            self.doctype();
        } else if rest.starts_with("<?") {
            let end = match rest.find("?>") {
                Some(i) => start + i + 2,
                None => {
                    self.error(
                        ErrorCode::UnclosedPi,
                        start..start + 2,
                        "unclosed processing instruction: missing '?>'",
                    );
                    self.text.len()
                }
            };
            if end != self.text.len() {
                self.error(
                    ErrorCode::InvalidPi,
                    start..end,
                    "malformed processing instruction",
                );
            }
            self.markup(PI, start, end);
        } else if rest.starts_with("</") {
            self.end_tag_by_hand();
        } else if let Some(markup) = rest.strip_prefix("<!") {
            let end = match markup.find(['<', '>']) {
                Some(i) if markup.as_bytes()[i] == b'>' => start + 2 + i + 1,
                Some(i) => start + 2 + i,
                None => self.text.len(),
            };
            self.error(
                ErrorCode::UnknownMarkup,
                start..end,
                "unknown markup: expected '<!--', '<![CDATA[' or '<!DOCTYPE'",
            );
            self.markup(ERROR_TOKEN, start, end);
        } else if let Some(after_lt) = rest.strip_prefix('<') {
            match after_lt.chars().next() {
                Some(c) if is_name_start_char(c) => {
                    let tag = self.start_tag(start, start + 1 + name_len(after_lt));
                    self.lex_tag_rest(tag);
                }
                _ => {
                    self.error(
                        ErrorCode::LtInText,
                        start..start + 1,
                        "'<' must start a tag: write &lt; for a literal '<'",
                    );
                    self.markup(ERROR_TOKEN, start, start + 1);
                    self.text_by_hand();
                }
            }
        } else {
            self.text_by_hand();
        }
    }

    // ----- tags -----

    /// Emits `<` and the name of a start tag spanning `start..name_end`.
    fn start_tag(&mut self, start: usize, name_end: usize) -> OpenTag<'t> {
        self.seen_markup = true;
        let checkpoint = self.builder.checkpoint();
        if let Some(table) = &mut self.elements {
            table.tag();
        }
        self.token(L_ANGLE, start..start + 1);
        let name = &self.text[start + 1..name_end];
        let name_range = text_range(start + 1..name_end);
        self.token(NAME, start + 1..name_end);
        if self.stack.is_empty() && self.at_top_level() {
            self.roots += 1;
            if self.roots > 1 {
                self.error_at(
                    ErrorCode::ContentAfterRoot,
                    name_range,
                    format!("element <{name}> after the root element: a document has exactly one root element"),
                );
            }
        }
        OpenTag {
            checkpoint,
            name,
            name_range,
            attributes: self.attribute_names.len(),
            after_value: None,
        }
    }

    /// Lexes the rest of a start tag by hand, from `self.pos`, after xmlparser stopped in it.
    fn lex_tag_rest(&mut self, mut tag: OpenTag<'t>) {
        loop {
            let rest = &self.text[self.pos..];
            let ws = whitespace_len(rest);
            if ws > 0 {
                self.token(WHITESPACE, self.pos..self.pos + ws);
                continue;
            }
            let Some(c) = rest.chars().next() else {
                self.unterminated_tag(tag, "end of input");
                return;
            };
            if rest.starts_with("/>") || c == '>' {
                self.close_start_tag(tag, c == '/');
                return;
            }
            if c == '<' {
                self.unterminated_tag(tag, "the next tag");
                return;
            }
            if is_name_start_char(c) {
                self.lex_attribute(&mut tag);
            } else {
                let len = c.len_utf8();
                self.error(
                    ErrorCode::UnexpectedInTag,
                    self.pos..self.pos + len,
                    format!("unexpected '{c}' in tag <{}>", tag.name),
                );
                self.token(ERROR_TOKEN, self.pos..self.pos + len);
            }
        }
    }

    fn unterminated_tag(&mut self, tag: OpenTag<'t>, before: &str) {
        self.attribute_names.truncate(tag.attributes);
        self.error_at(
            ErrorCode::UnclosedTag,
            tag.name_range,
            format!(
                "start tag <{}> is not closed: expected '>' or '/>' before {before}",
                tag.name
            ),
        );
        // Treated as an element without content: assuming it open would misplace everything after.
        self.builder.start_node_at(tag.checkpoint, START_TAG);
        self.builder.finish_node();
        if self.nests(tag.name, tag.name_range) {
            self.builder.start_node_at(tag.checkpoint, ELEMENT);
            self.builder.finish_node();
            self.record_open(tag.name_range);
            self.record_close(self.pos);
        } else if let Some(table) = &mut self.elements {
            table.drop_tag();
        }
    }

    /// The element whose name is at `name_range` (after its `<`) starts, in the table; its
    /// start tag ends here.
    fn record_open(&mut self, name_range: TextRange) {
        if let Some(table) = &mut self.elements {
            table.open(
                name_range.start() - TextSize::from(1),
                Some(name_range),
                TextSize::from(self.pos as u32),
            );
        }
    }

    /// The innermost recorded element ends here, its content at `content_end` (where its end
    /// tag starts).
    fn record_close(&mut self, content_end: usize) {
        if let Some(table) = &mut self.elements {
            table.close(
                TextSize::from(content_end as u32),
                TextSize::from(self.pos as u32),
            );
        }
    }

    /// Whether an element starting now gets its own node; reports the first element that
    /// crosses [`MAX_DEPTH`] inside each element at that depth.
    fn nests(&mut self, name: &str, name_range: TextRange) -> bool {
        let depth = self.base_depth() + self.stack.len();
        if depth < MAX_DEPTH {
            return true;
        }
        if let Mode::Content { .. } = self.mode {
            // A full parse decides which element reports the crossing.
            self.bailed = true;
            return false;
        }
        if depth == MAX_DEPTH
            && let Some(parent) = self.stack.last_mut()
            && !parent.reported_too_deep
        {
            parent.reported_too_deep = true;
            self.error_at(
                ErrorCode::TooDeep,
                name_range,
                format!(
                    "element <{name}> is nested more than {MAX_DEPTH} levels deep: it and everything inside it are not analysed"
                ),
            );
        }
        false
    }

    /// Elements enclosing the stretch being parsed.
    fn base_depth(&self) -> usize {
        match &self.mode {
            Mode::Document => 0,
            Mode::Content { ancestors } => ancestors.len(),
        }
    }

    fn close_start_tag(&mut self, tag: OpenTag<'t>, empty: bool) {
        self.attribute_names.truncate(tag.attributes);
        let len = if empty { 2 } else { 1 };
        self.token(
            if empty { SLASH_R_ANGLE } else { R_ANGLE },
            self.pos..self.pos + len,
        );
        self.builder.start_node_at(
            tag.checkpoint,
            if empty { EMPTY_ELEM_TAG } else { START_TAG },
        );
        self.builder.finish_node();
        let node = self.nests(tag.name, tag.name_range);
        if node {
            self.builder.start_node_at(tag.checkpoint, ELEMENT);
            self.record_open(tag.name_range);
            if empty {
                self.builder.finish_node();
                self.record_close(self.pos);
            }
        } else if let Some(table) = &mut self.elements {
            table.drop_tag();
        }
        if !empty {
            self.stack.push(OpenElement {
                name: tag.name,
                name_range: tag.name_range,
                node,
                reported_too_deep: false,
            });
        }
    }

    /// Lexes one attribute at `self.pos` (which starts with a name character): name, `=`, value.
    fn lex_attribute(&mut self, tag: &mut OpenTag<'t>) {
        let start = self.pos;
        if tag.after_value == Some(start) {
            self.error(
                ErrorCode::MissingWhitespace,
                start..start,
                "missing whitespace between attributes",
            );
        }
        let name_end = start + name_len(&self.text[start..]);
        let name = &self.text[start..name_end];
        let name_range = start..name_end;
        if self.attribute_names[tag.attributes..].contains(&name) {
            self.error(
                ErrorCode::DuplicateAttribute,
                name_range.clone(),
                format!("duplicate attribute '{name}' on <{}>", tag.name),
            );
        } else {
            self.attribute_names.push(name);
        }
        if let Some(end) = simple_attribute_end(self.text.as_bytes(), name_end) {
            // `name="value"` without whitespace, '<' or '&': no errors, and the text decides
            // the tree, so a repeated attribute is one lookup.
            if let Some(table) = &mut self.elements {
                table.plain_attribute(
                    text_range(start..name_end),
                    text_range(name_end + 2..end - 1),
                );
            }
            let text = &self.text[start..end];
            if !self.builder.node_by_text(ATTRIBUTE, text) {
                self.builder.start_node(ATTRIBUTE);
                self.token(NAME, start..name_end);
                self.token(EQ, name_end..name_end + 1);
                self.token(ATTR_VALUE, name_end + 1..end);
                self.builder.finish_node();
                self.builder.remember_text(text);
            }
            self.pos = end;
            tag.after_value = Some(end);
            return;
        }
        self.builder.start_node(ATTRIBUTE);
        self.token(NAME, start..name_end);
        let mut value = None;
        let ws = whitespace_len(&self.text[self.pos..]);
        if self.text[self.pos + ws..].starts_with('=') {
            if ws > 0 {
                self.token(WHITESPACE, self.pos..self.pos + ws);
            }
            let eq = self.pos;
            self.token(EQ, eq..eq + 1);
            let ws = whitespace_len(&self.text[self.pos..]);
            let after_ws = &self.text[self.pos + ws..];
            match after_ws.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    if ws > 0 {
                        self.token(WHITESPACE, self.pos..self.pos + ws);
                    }
                    value = Some(self.quoted_value(q, name));
                    tag.after_value = Some(self.pos);
                }
                Some(c) if !matches!(c, '>' | '<' | '/') && !is_xml_space_char(c) => {
                    if ws > 0 {
                        self.token(WHITESPACE, self.pos..self.pos + ws);
                    }
                    let len = after_ws
                        .find(|c: char| is_xml_space_char(c) || matches!(c, '>' | '<' | '"' | '\''))
                        .unwrap_or(after_ws.len());
                    let len = if after_ws[..len].ends_with('/') && after_ws[len..].starts_with('>')
                    {
                        len - 1
                    } else {
                        len
                    };
                    let r = self.pos..self.pos + len;
                    self.error(
                        ErrorCode::UnquotedValue,
                        r.clone(),
                        format!("the value of attribute '{name}' must be in quotes"),
                    );
                    self.check_references(r.clone());
                    self.token(ATTR_VALUE, r.clone());
                    value = Some(r);
                    tag.after_value = Some(self.pos);
                }
                _ => {
                    self.error(
                        ErrorCode::MissingValue,
                        eq..eq + 1,
                        format!(
                            "attribute '{name}' has no value: expected a quoted value after '='"
                        ),
                    );
                }
            }
        } else {
            self.error(
                ErrorCode::MissingEq,
                name_range,
                format!("attribute '{name}' has no value: expected '=' and a quoted value"),
            );
        }
        self.builder.finish_node();
        self.record_attribute(start..name_end, value);
    }

    /// An attribute of the tag being read, in the table: its name and value token.
    fn record_attribute(
        &mut self,
        name: std::ops::Range<usize>,
        value: Option<std::ops::Range<usize>>,
    ) {
        if let Some(table) = &mut self.elements {
            let value = value.map(|r| (&self.text[r.start..r.end], TextSize::from(r.start as u32)));
            table.attribute(text_range(name), value);
        }
    }

    /// A quoted value at `self.pos`. An unterminated one stops before the next `<`, as users
    /// mostly leave a quote open while typing and the next line is the next tag.
    /// Returns the value token's range.
    fn quoted_value(&mut self, quote: char, name: &str) -> std::ops::Range<usize> {
        let start = self.pos;
        // The common case first: the closing quote comes before any '<'.
        let bytes = self.text.as_bytes();
        if let Some(i) = bytes[start + 1..]
            .iter()
            .position(|&b| b == quote as u8 || b == b'<')
        {
            let close = start + 1 + i;
            if bytes[close] == quote as u8 {
                self.check_references(start + 1..close);
                self.token(ATTR_VALUE, start..close + 1);
                return start..close + 1;
            }
        }
        let body = &self.text[start + 1..];
        let close = body.find(quote);
        let lt = body.find('<');
        let looks_like_tag = |from_lt: &str| {
            from_lt[1..]
                .starts_with(|ch: char| is_name_start_char(ch) || matches!(ch, '/' | '!' | '?'))
        };
        let end = match (close, lt) {
            (Some(c), Some(l)) if l < c => {
                let between = &body[l..c];
                if looks_like_tag(between) || between.contains(['>', '\n']) {
                    self.error(
                        ErrorCode::UnclosedValue,
                        start..start + 1,
                        format!("the value of attribute '{name}' is not closed: missing {quote}"),
                    );
                    start + 1 + l
                } else {
                    let at = start + 1 + l;
                    self.error(
                        ErrorCode::LtInValue,
                        at..at + 1,
                        "'<' is not allowed in attribute values: write &lt;",
                    );
                    start + 1 + c + 1
                }
            }
            (Some(c), _) => start + 1 + c + 1,
            (None, Some(l)) => {
                // A quote further on would make a '<' that starts no tag, with no '>' or line
                // end before that quote, part of the value.
                let rest = &body[l..];
                let decided = looks_like_tag(rest) || rest.contains(['>', '\n']);
                self.wants_more_text |= !decided;
                self.error(
                    ErrorCode::UnclosedValue,
                    start..start + 1,
                    format!("the value of attribute '{name}' is not closed: missing {quote}"),
                );
                start + 1 + l
            }
            (None, None) => {
                self.error(
                    ErrorCode::UnclosedValue,
                    start..start + 1,
                    format!("the value of attribute '{name}' is not closed: missing {quote}"),
                );
                self.text.len()
            }
        };
        let inner_end = if end > start + 1 && self.text[..end].ends_with(quote) && end - 1 > start {
            end - 1
        } else {
            end
        };
        self.check_references(start + 1..inner_end);
        self.token(ATTR_VALUE, start..end);
        start..end
    }

    fn check_references(&mut self, range: std::ops::Range<usize>) {
        refs::scan(self.text, range, &mut self.errors, |_| {});
    }

    /// Whitespace between tokens of a tag as xmlparser reports them.
    fn gap_in_tag(&mut self, until: usize) {
        if until > self.pos {
            let gap = self.pos..until;
            let kind = if is_xml_whitespace(&self.text[gap.clone()]) {
                WHITESPACE
            } else {
                ERROR_TOKEN
            };
            self.token(kind, gap);
        }
    }

    /// An end tag that xmlparser read in full: `</name S? >`.
    fn end_tag_from_span(&mut self, start: usize, end: usize) {
        let name_end = start + 2 + name_len(&self.text[start + 2..end]);
        self.end_tag(start, name_end, end, true);
    }

    /// An end tag xmlparser rejected: `</` name? whitespace? `>`?
    fn end_tag_by_hand(&mut self) {
        let start = self.pos;
        let name_end = start + 2 + name_len(&self.text[start + 2..]);
        let after = name_end + whitespace_len(&self.text[name_end..]);
        // A nameless `</` stays just that: looking further ahead would let text after it change
        // what it is, which incremental relexing of that text could not see.
        let closed = name_end > start + 2 && self.text[after..].starts_with('>');
        let end = if closed { after + 1 } else { name_end };
        if name_end == start + 2 {
            self.error(
                ErrorCode::MissingEndTagName,
                start..start + 2,
                "end tag without a name",
            );
        } else if !closed {
            self.error(
                ErrorCode::UnclosedEndTag,
                start + 2..name_end,
                format!(
                    "end tag </{}> is not closed: missing '>'",
                    &self.text[start + 2..name_end]
                ),
            );
        }
        self.end_tag(start, name_end, end, closed);
    }

    /// Matches an end tag against the open elements and emits it.
    fn end_tag(&mut self, start: usize, name_end: usize, end: usize, closed: bool) {
        self.seen_markup = true;
        let name = &self.text[start + 2..name_end];
        let name_range = text_range(start + 2..name_end);
        if name.is_empty() {
            // Already reported as nameless; it closes nothing.
            self.builder.start_node(ERROR);
            self.emit_end_tag(start, name_end, end, closed);
            self.builder.finish_node();
            return;
        }
        let matching = self.stack.iter().rposition(|e| e.name == name);
        match matching {
            Some(depth) => {
                while self.stack.len() > depth + 1 {
                    if let Some(inner) = self.stack.pop() {
                        self.error_at(
                            ErrorCode::UnclosedElement,
                            inner.name_range,
                            format!(
                                "element <{}> is not closed: expected </{}> before </{name}>",
                                inner.name, inner.name
                            ),
                        );
                        if inner.node {
                            self.builder.finish_node();
                            self.record_close(self.pos);
                        }
                    }
                }
                self.emit_end_tag(start, name_end, end, closed);
                if self.stack.pop().is_some_and(|open| open.node) {
                    self.builder.finish_node();
                    self.record_close(start);
                }
            }
            None => {
                let mut innermost = self.stack.last().map(|open| open.name);
                if let Mode::Content { ancestors } = &self.mode {
                    if ancestors.iter().any(|a| a == name) {
                        self.bailed = true; // it would close an element outside the stretch
                        return;
                    }
                    innermost = innermost.or(ancestors.last().map(String::as_str));
                }
                let message = match innermost {
                    Some(open) => {
                        format!("end tag </{name}> does not match the open element <{open}>")
                    }
                    None => format!("end tag </{name}> has no matching start tag"),
                };
                self.error_at(ErrorCode::MismatchedEndTag, name_range, message);
                self.builder.start_node(ERROR);
                self.emit_end_tag(start, name_end, end, closed);
                self.builder.finish_node();
            }
        }
    }

    fn emit_end_tag(&mut self, start: usize, name_end: usize, end: usize, closed: bool) {
        // The text decides the tree: the name is the longest one after `</`, and the tag is
        // closed exactly when the text ends with '>'.
        let text = &self.text[start..end];
        if self.builder.node_by_text(END_TAG, text) {
            self.pos = end;
            return;
        }
        self.builder.start_node(END_TAG);
        self.token(L_ANGLE_SLASH, start..start + 2);
        if name_end > start + 2 {
            self.token(NAME, start + 2..name_end);
        }
        if closed {
            if end - 1 > name_end {
                self.token(WHITESPACE, name_end..end - 1);
            }
            self.token(R_ANGLE, end - 1..end);
        }
        self.builder.finish_node();
        self.builder.remember_text(text);
    }

    // ----- content -----

    fn text_run(&mut self, start: usize, end: usize) {
        if self.stack.is_empty() && self.at_top_level() {
            if is_xml_whitespace(&self.text[start..end]) {
                self.token(WHITESPACE, start..end);
                return;
            }
            let trimmed_start = start + whitespace_len(&self.text[start..end]);
            let trimmed_end = start
                + self.text[start..end]
                    .trim_end_matches([' ', '\t', '\n', '\r'])
                    .len();
            self.error(
                ErrorCode::TextOutsideRoot,
                trimmed_start..trimmed_end,
                "text outside the root element",
            );
        }
        let text = self.text;
        if !text.as_bytes()[start..end].contains(&b'&') {
            // No references: one token, which is what `refs::scan` would find.
            if end > start {
                self.token(text_kind(&text[start..end]), start..end);
            }
            return;
        }
        let builder = &mut self.builder;
        refs::scan(text, start..end, &mut self.errors, |piece| match piece {
            Piece::Text(r) => builder.token(text_kind(&text[r.clone()]), &text[r]),
            Piece::EntityRef(r) => builder.token(ENTITY_REF, &text[r]),
            Piece::CharRef(r) => builder.token(CHAR_REF, &text[r]),
        });
        self.pos = end;
    }

    /// Text xmlparser refused (a control character, `]]>`): up to the next `<`, with the reason.
    fn text_by_hand(&mut self) {
        let start = self.pos;
        let rest = &self.text[start..];
        let end = start + rest.find('<').unwrap_or(rest.len());
        if end == start {
            return;
        }
        let chunk = &self.text[start..end];
        let plain_ascii = chunk
            .bytes()
            .all(|b| (0x20..0x80).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'));
        for (i, c) in chunk
            .char_indices()
            .filter(|(_, c)| !plain_ascii && !refs::is_xml_char(*c))
        {
            self.error(
                ErrorCode::InvalidChar,
                start + i..start + i + c.len_utf8(),
                format!("character U+{:04X} is not allowed in XML", c as u32),
            );
        }
        if chunk.contains(']') {
            for (i, _) in chunk.match_indices("]]>") {
                self.error(
                    ErrorCode::CdataEndInText,
                    start + i..start + i + 3,
                    "']]>' is not allowed in text",
                );
            }
        }
        self.text_run(start, end);
    }

    fn markup(&mut self, kind: SyntaxKind, start: usize, end: usize) {
        if !matches!(kind, COMMENT | PI) {
            self.seen_markup = true;
        }
        self.token(kind, start..end);
    }

    /// `<?xml ...?>`: pseudo-attributes are read like a tag's attributes, then checked.
    fn xml_declaration(&mut self) {
        let start = self.pos;
        let misplaced =
            self.seen_markup || start != self.prolog_start() || self.mode != Mode::Document;
        self.seen_markup = true;
        self.builder.start_node(XML_DECL);
        self.token(PI_START, start..start + 2);
        self.token(NAME, start + 2..start + 5);
        let mut tag = OpenTag {
            checkpoint: self.builder.checkpoint(),
            name: "?xml",
            name_range: text_range(start + 2..start + 5),
            attributes: self.attribute_names.len(),
            after_value: None,
        };
        let mut attrs: Vec<(String, String, TextRange)> = Vec::new();
        let closed = loop {
            let rest = &self.text[self.pos..];
            let ws = whitespace_len(rest);
            if ws > 0 {
                self.token(WHITESPACE, self.pos..self.pos + ws);
                continue;
            }
            if rest.starts_with("?>") {
                self.token(PI_END, self.pos..self.pos + 2);
                break true;
            }
            match rest.chars().next() {
                None | Some('<') => break false,
                Some(c) if is_name_start_char(c) => {
                    let a = self.pos;
                    self.lex_attribute(&mut tag);
                    let raw = &self.text[a..self.pos];
                    let name = raw[..name_len(raw)].to_string();
                    let value = raw.rsplit(['"', '\'']).nth(1).unwrap_or("").to_string();
                    attrs.push((name, value, text_range(a..self.pos)));
                }
                Some(c) => {
                    let len = c.len_utf8();
                    self.error(
                        ErrorCode::BadXmlDeclaration,
                        self.pos..self.pos + len,
                        format!("unexpected '{c}' in the XML declaration"),
                    );
                    self.token(ERROR_TOKEN, self.pos..self.pos + len);
                }
            }
        };
        self.attribute_names.truncate(tag.attributes);
        self.builder.finish_node();
        let whole = text_range(start..self.pos);
        if misplaced {
            self.error_at(
                ErrorCode::MisplacedXmlDeclaration,
                whole,
                "the XML declaration must be the very first thing in the document",
            );
        }
        if !closed {
            self.error(
                ErrorCode::BadXmlDeclaration,
                start..start + 5,
                "unclosed XML declaration: missing '?>'",
            );
        }
        check_declaration(&attrs, whole, &mut self.errors);
    }

    fn prolog_start(&self) -> usize {
        if self.text.starts_with('\u{FEFF}') {
            3
        } else {
            0
        }
    }

    /// `<!DOCTYPE ...>` kept as one opaque token: never interpreted, nothing is fetched.
    fn doctype(&mut self) {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut i = start + 9;
        let mut depth = 0usize;
        let mut quote: Option<u8> = None;
        let mut end = None;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None => match b {
                    b'"' | b'\'' => quote = Some(b),
                    b'[' => depth += 1,
                    b']' => depth = depth.saturating_sub(1),
                    b'>' if depth == 0 => {
                        end = Some(i + 1);
                        break;
                    }
                    _ => {}
                },
            }
            i += 1;
        }
        let end = end.unwrap_or_else(|| {
            self.error(
                ErrorCode::UnclosedDoctype,
                start..start + 9,
                "unclosed DOCTYPE: missing '>'",
            );
            self.text.len()
        });
        if self.roots > 0 || !self.stack.is_empty() || self.mode != Mode::Document {
            self.error(
                ErrorCode::MisplacedDoctype,
                start..start + 9,
                "DOCTYPE is only allowed before the root element",
            );
        }
        self.seen_markup = true;
        self.builder.start_node(DOCTYPE);
        self.token(DOCTYPE_TEXT, start..end);
        self.builder.finish_node();
    }

    fn finish(&mut self) {
        while let Some(open) = self.stack.pop() {
            if let Mode::Content { .. } = self.mode {
                // Open at the end of the stretch: a full parse would have gone on inside it.
                self.bailed = true;
                return;
            }
            self.error_at(
                ErrorCode::UnclosedElement,
                open.name_range,
                format!(
                    "element <{}> is not closed: missing </{}>",
                    open.name, open.name
                ),
            );
            if open.node {
                self.builder.finish_node();
                self.record_close(self.pos);
            }
        }
        if self.mode == Mode::Document && self.roots == 0 {
            let end = self.text.len();
            self.error(
                ErrorCode::MissingRoot,
                end..end,
                "the document has no root element",
            );
        }
    }

    fn at_top_level(&self) -> bool {
        self.mode == Mode::Document
    }

    fn token(&mut self, kind: SyntaxKind, range: std::ops::Range<usize>) {
        self.builder.token(kind, &self.text[range.clone()]);
        self.pos = range.end;
    }

    fn error(
        &mut self,
        code: ErrorCode,
        range: std::ops::Range<usize>,
        message: impl Into<String>,
    ) {
        self.errors
            .push(SyntaxError::new(code, text_range(range), message));
    }

    fn error_at(&mut self, code: ErrorCode, range: TextRange, message: impl Into<String>) {
        self.errors.push(SyntaxError::new(code, range, message));
    }
}

fn is_xml_declaration_start(s: &str) -> bool {
    s.starts_with("<?xml") && s[5..].starts_with(|c: char| is_xml_space_char(c) || c == '?')
}

fn check_declaration(
    attrs: &[(String, String, TextRange)],
    whole: TextRange,
    errors: &mut Vec<SyntaxError>,
) {
    let order = ["version", "encoding", "standalone"];
    let mut last = None;
    for (name, value, range) in attrs {
        let Some(rank) = order.iter().position(|o| o == name) else {
            errors.push(SyntaxError::new(
                ErrorCode::BadXmlDeclaration,
                *range,
                format!("unknown '{name}' in the XML declaration: only version, encoding and standalone are allowed"),
            ));
            continue;
        };
        if last.is_some_and(|l| rank <= l) {
            errors.push(SyntaxError::new(
                ErrorCode::BadXmlDeclaration,
                *range,
                "the XML declaration must list version, encoding, standalone in that order",
            ));
        }
        last = Some(rank);
        let ok = match rank {
            0 => value
                .strip_prefix("1.")
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())),
            1 => {
                let mut chars = value.chars();
                chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                    && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            }
            _ => matches!(value.as_str(), "yes" | "no"),
        };
        if !ok {
            let expected = [
                "a version like \"1.0\"",
                "an encoding name like \"UTF-8\"",
                "\"yes\" or \"no\"",
            ][rank];
            errors.push(SyntaxError::new(
                ErrorCode::BadXmlDeclaration,
                *range,
                format!("bad {name} '{value}' in the XML declaration: expected {expected}"),
            ));
        }
    }
    if !attrs.iter().any(|(n, _, _)| n == "version") {
        errors.push(SyntaxError::new(
            ErrorCode::BadXmlDeclaration,
            whole,
            "the XML declaration must start with version=\"1.0\"",
        ));
    }
}

fn name_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    match bytes.first() {
        Some(&b) if b < 0x80 && ASCII_NAME[b as usize] & NAME_START != 0 => {}
        Some(&b) if b < 0x80 => return 0,
        None => return 0,
        Some(_) => return name_len_from(s, 0),
    }
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        if b >= 0x80 {
            return name_len_from(s, i);
        }
        if ASCII_NAME[b as usize] & NAME_CHAR == 0 {
            return i;
        }
    }
    bytes.len()
}

/// `name_len` from `at` on, a character boundary where a non-ASCII character may follow.
fn name_len_from(s: &str, at: usize) -> usize {
    let mut chars = s[at..].char_indices();
    if at == 0 {
        match chars.next() {
            Some((_, c)) if is_name_start_char(c) => {}
            _ => return 0,
        }
    }
    chars
        .find(|(_, c)| !is_name_char(*c))
        .map_or(s.len(), |(i, _)| at + i)
}

const NAME_START: u8 = 1;
const NAME_CHAR: u8 = 2;

/// For each ASCII byte: whether it may start a name, and whether it may continue one.
static ASCII_NAME: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let start = c == b':' || c == b'_' || c.is_ascii_alphabetic();
        let continues = start || c == b'-' || c == b'.' || c.is_ascii_digit();
        table[b] = if start { NAME_START } else { 0 } | if continues { NAME_CHAR } else { 0 };
        b += 1;
    }
    table
};

/// The end of `="value"` or `='value'` at `at` if the value holds neither '<' nor '&'.
fn simple_attribute_end(bytes: &[u8], at: usize) -> Option<usize> {
    if bytes.get(at) != Some(&b'=') {
        return None;
    }
    let quote = *bytes.get(at + 1)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let mut i = at + 2;
    while let Some(&b) = bytes.get(i) {
        if b == quote {
            return Some(i + 1);
        }
        if b == b'<' || b == b'&' {
            return None;
        }
        i += 1;
    }
    None
}

/// The end of the name at `at` if it starts with an ASCII name start character, goes on with
/// ASCII name characters and ends at an ASCII character or the end of the text.
fn ascii_name_end(bytes: &[u8], at: usize) -> Option<usize> {
    let first = *bytes.get(at)?;
    if first >= 0x80 || ASCII_NAME[first as usize] & NAME_START == 0 {
        return None;
    }
    let mut i = at + 1;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            return None;
        }
        if ASCII_NAME[b as usize] & NAME_CHAR == 0 {
            break;
        }
        i += 1;
    }
    Some(i)
}

fn text_kind(s: &str) -> SyntaxKind {
    if is_xml_whitespace(s) {
        WHITESPACE
    } else {
        TEXT
    }
}

fn whitespace_len(s: &str) -> usize {
    s.bytes()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .count()
}

pub(crate) fn is_xml_space_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

pub(crate) fn is_xml_whitespace(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}
