//! Node and token kinds of the XML tree, and the rowan language tying them together.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u16)]
#[allow(non_camel_case_types)]
pub enum SyntaxKind {
    // Tokens.
    /// Whitespace: between markup, inside tags, or whitespace-only text.
    WHITESPACE = 0,
    /// A byte-order mark at the very start of the document.
    BOM,
    /// Character data containing something other than whitespace.
    TEXT,
    /// `&lt;` and the other predefined entities, or an unknown `&name;`.
    ENTITY_REF,
    /// `&#38;` / `&#x26;`.
    CHAR_REF,
    /// `<!-- ... -->`, delimiters included.
    COMMENT,
    /// `<![CDATA[ ... ]]>`, delimiters included.
    CDATA,
    /// `<?target ...?>` other than the XML declaration.
    PI,
    /// The whole `<!DOCTYPE ...>` text, never interpreted.
    DOCTYPE_TEXT,
    /// `<`
    L_ANGLE,
    /// `</`
    L_ANGLE_SLASH,
    /// `>`
    R_ANGLE,
    /// `/>`
    SLASH_R_ANGLE,
    /// `<?` of the XML declaration.
    PI_START,
    /// `?>` of the XML declaration.
    PI_END,
    /// An element or attribute name, possibly prefixed.
    NAME,
    /// `=`
    EQ,
    /// An attribute value with its quotes (or unquoted, which is an error).
    ATTR_VALUE,
    /// Bytes that fit nowhere.
    ERROR_TOKEN,

    // Nodes.
    DOCUMENT,
    XML_DECL,
    DOCTYPE,
    ELEMENT,
    START_TAG,
    END_TAG,
    EMPTY_ELEM_TAG,
    ATTRIBUTE,
    /// Wraps markup that cannot take part in the tree, e.g. an end tag that closes nothing.
    ERROR,
    /// A run of a long element's content, grouping it into a balanced tree (`chunk.rs`);
    /// carries no meaning, and the typed layer sees through it.
    CHUNK,
}

impl SyntaxKind {
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            SyntaxKind::WHITESPACE | SyntaxKind::COMMENT | SyntaxKind::BOM
        )
    }
}

impl From<SyntaxKind> for rowan::SyntaxKind {
    fn from(kind: SyntaxKind) -> Self {
        rowan::SyntaxKind(kind as u16)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum XmlLanguage {}

impl rowan::Language for XmlLanguage {
    type Kind = SyntaxKind;

    fn kind_from_raw(raw: rowan::SyntaxKind) -> SyntaxKind {
        assert!(
            raw.0 <= SyntaxKind::CHUNK as u16,
            "unknown syntax kind {}",
            raw.0
        );
        // SAFETY: SyntaxKind is repr(u16) with contiguous discriminants 0..=CHUNK, checked above.
        unsafe { std::mem::transmute::<u16, SyntaxKind>(raw.0) }
    }

    fn kind_to_raw(kind: SyntaxKind) -> rowan::SyntaxKind {
        kind.into()
    }
}

pub type SyntaxNode = rowan::SyntaxNode<XmlLanguage>;
pub type SyntaxToken = rowan::SyntaxToken<XmlLanguage>;
pub type SyntaxElement = rowan::SyntaxElement<XmlLanguage>;
