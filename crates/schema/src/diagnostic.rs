//! Validation diagnostics: a range, a stable code, a plain message and the data an editor needs
//! for quick fixes.

use domxml_syntax::TextRange;

macro_rules! schema_codes {
    ($($variant:ident = $name:literal,)*) => {
        /// The kind of a validation problem: a stable code shown to users.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

schema_codes! {
    UnknownElement = "unknown-element",
    ElementNotAllowed = "element-not-allowed",
    MisplacedElement = "misplaced-element",
    UnknownAttribute = "unknown-attribute",
    AttributeNotAllowed = "attribute-not-allowed",
    InvalidValue = "invalid-value",
    MissingAttribute = "missing-attribute",
    MissingElement = "missing-element",
    UnexpectedText = "unexpected-text",
    UndeclaredPrefix = "undeclared-prefix",
    WrongRoot = "wrong-root",
    WrongNamespace = "wrong-namespace",
    TooDeep = "too-deep",
    LibvirtElementOrder = "libvirt-element-order",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The offending element name, attribute name or value; never the parent.
    pub range: TextRange,
    pub code: Code,
    pub message: String,
    /// A replacement for `range` (did-you-mean).
    pub suggestion: Option<String>,
    /// Names or values that would be right here (allowed names, expected values, missing names).
    pub expected: Vec<String>,
}

impl Diagnostic {
    pub fn new(range: TextRange, code: Code, message: String) -> Diagnostic {
        Diagnostic {
            range,
            code,
            message,
            suggestion: None,
            expected: Vec::new(),
        }
    }
}

/// "a", "a or b", "a, b or c" with the list cut after `max` items.
pub fn one_of(items: &[String], max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    let more = items.len().saturating_sub(max);
    match shown.len() {
        0 => String::new(),
        1 if more == 0 => shown[0].to_owned(),
        _ if more > 0 => format!("{}, ... ({more} more)", shown.join(", ")),
        n => format!("{} or {}", shown[..n - 1].join(", "), shown[n - 1]),
    }
}
