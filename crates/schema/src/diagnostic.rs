//! Validation diagnostics: a range, a stable code, a plain message and the data an editor needs
//! for quick fixes.

use domxml_syntax::TextRange;

/// Stable diagnostic codes.
pub mod codes {
    pub const UNKNOWN_ELEMENT: &str = "unknown-element";
    pub const ELEMENT_NOT_ALLOWED: &str = "element-not-allowed";
    pub const UNKNOWN_ATTRIBUTE: &str = "unknown-attribute";
    pub const ATTRIBUTE_NOT_ALLOWED: &str = "attribute-not-allowed";
    pub const INVALID_VALUE: &str = "invalid-value";
    pub const MISSING_ATTRIBUTE: &str = "missing-attribute";
    pub const MISSING_ELEMENT: &str = "missing-element";
    pub const UNEXPECTED_TEXT: &str = "unexpected-text";
    pub const UNDECLARED_PREFIX: &str = "undeclared-prefix";
    pub const WRONG_ROOT: &str = "wrong-root";
    pub const WRONG_NAMESPACE: &str = "wrong-namespace";
    pub const TOO_DEEP: &str = "too-deep";
    /// An order of children RELAX NG allows but libxml2 (libvirt's validator) rejects.
    pub const LIBVIRT_ELEMENT_ORDER: &str = "libvirt-element-order";
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The offending element name, attribute name or value; never the parent.
    pub range: TextRange,
    pub code: &'static str,
    pub message: String,
    /// A replacement for `range` (did-you-mean).
    pub suggestion: Option<String>,
    /// Names or values that would be right here (allowed names, expected values, missing names).
    pub expected: Vec<String>,
}

impl Diagnostic {
    pub fn new(range: TextRange, code: &'static str, message: String) -> Diagnostic {
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
