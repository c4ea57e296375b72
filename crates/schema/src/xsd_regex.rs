//! Translation of XML Schema regular expressions (the `pattern` facet) into the `regex` crate's
//! syntax. XSD regexes are implicitly anchored, treat `^`/`$` as ordinary characters and give
//! `\s \i \c \w .` XML meanings, so a direct pass-through would silently accept other languages.

use std::fmt::Write as _;

/// Why an XSD regex could not be translated; `offset` is a char index into the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexError {
    pub offset: usize,
    pub message: String,
}

/// Translates `pattern` into an anchored `regex` crate pattern.
pub fn translate(pattern: &str) -> Result<String, RegexError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut t = Translator {
        chars: &chars,
        pos: 0,
        out: String::with_capacity(pattern.len() * 2),
    };
    t.out.push_str(r"\A(?:");
    t.regex()?;
    if t.pos < chars.len() {
        return Err(t.err("unbalanced ')'"));
    }
    t.out.push_str(r")\z");
    Ok(t.out)
}

/// Translates and compiles `pattern`.
pub fn compile(pattern: &str) -> Result<Regex, RegexError> {
    build(&translate(pattern)?)
}

/// A compiled pattern: answers only whether a whole value matches, with a lazy DFA that runs
/// forward from the start (the translation is anchored at both ends). The `regex` crate's
/// general engine also builds a reverse automaton, a literal prefilter and, whenever some
/// dependency turns on regex-automata's `dfa-build` (one does), a full DFA for small patterns:
/// that was a quarter of a one-file `domxml check`, for values a few dozen bytes long.
pub struct Regex {
    dfa: regex_automata::hybrid::dfa::DFA,
    cache: std::sync::Mutex<regex_automata::hybrid::dfa::Cache>,
}

impl Regex {
    /// Whether all of `value` matches. A search the lazy DFA gives up on (it does not for
    /// these patterns) constrains nothing rather than rejecting the value.
    pub fn is_match(&self, value: &str) -> bool {
        use regex_automata::{Anchored, Input};
        let input = Input::new(value).anchored(Anchored::Yes).earliest(true);
        let Ok(mut cache) = self.cache.lock() else {
            return true;
        };
        self.dfa
            .try_search_fwd(&mut cache, &input)
            .map_or(true, |m| m.is_some())
    }
}

impl Clone for Regex {
    fn clone(&self) -> Regex {
        Regex {
            cache: std::sync::Mutex::new(self.dfa.create_cache()),
            dfa: self.dfa.clone(),
        }
    }
}

impl std::fmt::Debug for Regex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Regex").finish_non_exhaustive()
    }
}

/// Compiles a pattern `translate` produced.
pub fn build(translated: &str) -> Result<Regex, RegexError> {
    use regex_automata::hybrid::dfa::DFA;
    use regex_automata::nfa::thompson;
    let dfa = DFA::builder()
        .thompson(
            thompson::Config::new()
                .which_captures(thompson::WhichCaptures::None)
                .nfa_size_limit(Some(1 << 24)),
        )
        .build(translated)
        .map_err(|e| RegexError {
            offset: 0,
            message: format!("cannot compile regex: {e}"),
        })?;
    Ok(Regex {
        cache: std::sync::Mutex::new(dfa.create_cache()),
        dfa,
    })
}

struct Translator<'a> {
    chars: &'a [char],
    pos: usize,
    out: String,
}

// XML 1.0 NameStartChar / NameChar approximated by Unicode categories (as XSD 1.0's \i and \c
// are defined on XML 1.0's Letter classes, which are essentially \p{L}).
const NAME_START: &str = r"\p{L}_:";
const NAME_CHAR: &str = r"\p{L}\p{Nd}\p{Mn}\p{Mc}\p{Lm}._:\-\x{B7}";
// XSD \w: every char except punctuation, separators and "other".
const WORD: &str = r"[^\p{P}\p{Z}\p{C}]";
const NOT_WORD: &str = r"[\p{P}\p{Z}\p{C}]";

impl Translator<'_> {
    fn err(&self, message: &str) -> RegexError {
        RegexError {
            offset: self.pos,
            message: message.to_owned(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn regex(&mut self) -> Result<(), RegexError> {
        self.branch()?;
        while self.peek() == Some('|') {
            self.pos += 1;
            self.out.push('|');
            self.branch()?;
        }
        Ok(())
    }

    fn branch(&mut self) -> Result<(), RegexError> {
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            self.atom()?;
            self.quantifier()?;
        }
        Ok(())
    }

    fn quantifier(&mut self) -> Result<(), RegexError> {
        match self.peek() {
            Some(c @ ('?' | '*' | '+')) => {
                self.pos += 1;
                self.out.push(c);
            }
            Some('{') => {
                self.pos += 1;
                let min = self
                    .number()
                    .ok_or_else(|| self.err("expected a number after '{'"))?;
                let mut max = min;
                if self.peek() == Some(',') {
                    self.pos += 1;
                    match self.number() {
                        Some(n) => max = n,
                        None => {
                            let _ = write!(self.out, "{{{min},}}");
                            return self.close_brace();
                        }
                    }
                }
                if max < min {
                    return Err(self.err("quantifier maximum is smaller than its minimum"));
                }
                if max == min {
                    let _ = write!(self.out, "{{{min}}}");
                } else {
                    let _ = write!(self.out, "{{{min},{max}}}");
                }
                return self.close_brace();
            }
            _ => return Ok(()),
        }
        if matches!(self.peek(), Some('?' | '*' | '+' | '{')) {
            return Err(self.err("a quantifier cannot follow a quantifier"));
        }
        Ok(())
    }

    fn close_brace(&mut self) -> Result<(), RegexError> {
        if self.peek() != Some('}') {
            return Err(self.err("expected '}'"));
        }
        self.pos += 1;
        if matches!(self.peek(), Some('?' | '*' | '+' | '{')) {
            return Err(self.err("a quantifier cannot follow a quantifier"));
        }
        Ok(())
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while matches!(self.peek(), Some('0'..='9')) {
            self.pos += 1;
        }
        if start == self.pos {
            return None;
        }
        self.chars[start..self.pos]
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }

    fn atom(&mut self) -> Result<(), RegexError> {
        let Some(c) = self.peek() else { return Ok(()) };
        self.pos += 1;
        match c {
            '(' => {
                self.out.push_str("(?:");
                self.regex()?;
                if self.peek() != Some(')') {
                    return Err(self.err("missing ')'"));
                }
                self.pos += 1;
                self.out.push(')');
            }
            '[' => self.class_expr(true)?,
            '.' => self.out.push_str(r"[^\n\r]"),
            '\\' => self.escape_outside()?,
            '?' | '*' | '+' | '{' => return Err(self.err("quantifier without an atom")),
            ']' | '}' => push_literal(&mut self.out, c),
            c => push_literal(&mut self.out, c),
        }
        Ok(())
    }

    /// An escape outside a character class: either a single char or a class.
    fn escape_outside(&mut self) -> Result<(), RegexError> {
        match self.escape()? {
            Escaped::Char(c) => push_literal(&mut self.out, c),
            Escaped::Class(class) => self.out.push_str(&class.as_standalone()),
        }
        Ok(())
    }

    fn escape(&mut self) -> Result<Escaped, RegexError> {
        let Some(c) = self.peek() else {
            return Err(self.err("trailing backslash"));
        };
        self.pos += 1;
        Ok(match c {
            'n' => Escaped::Char('\n'),
            'r' => Escaped::Char('\r'),
            't' => Escaped::Char('\t'),
            '\\' | '|' | '.' | '-' | '^' | '?' | '*' | '+' | '{' | '}' | '(' | ')' | '[' | ']' => {
                Escaped::Char(c)
            }
            's' => Escaped::Class(ClassEsc::new(r"\x20\t\n\r", false)),
            'S' => Escaped::Class(ClassEsc::new(r"\x20\t\n\r", true)),
            'i' => Escaped::Class(ClassEsc::new(NAME_START, false)),
            'I' => Escaped::Class(ClassEsc::new(NAME_START, true)),
            'c' => Escaped::Class(ClassEsc::new(NAME_CHAR, false)),
            'C' => Escaped::Class(ClassEsc::new(NAME_CHAR, true)),
            'd' => Escaped::Class(ClassEsc::new(r"\p{Nd}", false)),
            'D' => Escaped::Class(ClassEsc::new(r"\p{Nd}", true)),
            'w' => Escaped::Class(ClassEsc::raw(WORD, NOT_WORD)),
            'W' => Escaped::Class(ClassEsc::raw(NOT_WORD, WORD)),
            'p' | 'P' => {
                let name = self.property_name()?;
                let prop = translate_property(&name).ok_or_else(|| {
                    self.err(&format!(
                        "unsupported Unicode property or block '\\{c}{{{name}}}'"
                    ))
                })?;
                Escaped::Class(ClassEsc::new(&prop, c == 'P'))
            }
            other => return Err(self.err(&format!("unknown escape '\\{other}'"))),
        })
    }

    fn property_name(&mut self) -> Result<String, RegexError> {
        if self.peek() != Some('{') {
            return Err(self.err("expected '{' after \\p"));
        }
        self.pos += 1;
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == '}' {
                let name: String = self.chars[start..self.pos].iter().collect();
                self.pos += 1;
                return Ok(name);
            }
            self.pos += 1;
        }
        Err(self.err("missing '}' in \\p{...}"))
    }

    /// A character class expression; the opening '[' is consumed. Emits a Rust class.
    fn class_expr(&mut self, top: bool) -> Result<(), RegexError> {
        let _ = top;
        let mut body = String::new();
        let negated = if self.peek() == Some('^') {
            self.pos += 1;
            true
        } else {
            false
        };
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("missing ']'"));
            };
            match c {
                ']' if !first => {
                    self.pos += 1;
                    break;
                }
                '-' if !first && self.chars.get(self.pos + 1) == Some(&'[') => {
                    // Subtraction: [base-[sub]] must end right after the subtracted class.
                    self.pos += 2;
                    let saved = std::mem::take(&mut self.out);
                    self.class_expr(false)?;
                    let sub = std::mem::replace(&mut self.out, saved);
                    if self.peek() != Some(']') {
                        return Err(self.err("a subtraction must be the last part of a class"));
                    }
                    self.pos += 1;
                    let base = if negated {
                        format!("[^{body}]")
                    } else {
                        format!("[{body}]")
                    };
                    let _ = write!(self.out, "[{base}--{sub}]");
                    return Ok(());
                }
                '[' => return Err(self.err("'[' must be escaped inside a character class")),
                _ => {}
            }
            first = false;
            let lo = self.class_char()?;
            match lo {
                Escaped::Class(class) => body.push_str(&class.as_member()),
                Escaped::Char(lo) => {
                    let is_range = self.peek() == Some('-')
                        && !matches!(self.chars.get(self.pos + 1), Some(']' | '[') | None);
                    if is_range {
                        self.pos += 1;
                        match self.class_char()? {
                            Escaped::Char(hi) => {
                                if hi < lo {
                                    return Err(self.err("character range is out of order"));
                                }
                                push_class_char(&mut body, lo);
                                body.push('-');
                                push_class_char(&mut body, hi);
                            }
                            Escaped::Class(_) => {
                                return Err(self.err("a range cannot end with a class escape"));
                            }
                        }
                    } else {
                        push_class_char(&mut body, lo);
                    }
                }
            }
        }
        if body.is_empty() && !negated {
            return Err(self.err("empty character class"));
        }
        if negated {
            let _ = write!(self.out, "[^{body}]");
        } else {
            let _ = write!(self.out, "[{body}]");
        }
        Ok(())
    }

    fn class_char(&mut self) -> Result<Escaped, RegexError> {
        let Some(c) = self.peek() else {
            return Err(self.err("missing ']'"));
        };
        self.pos += 1;
        if c == '\\' {
            self.escape()
        } else {
            Ok(Escaped::Char(c))
        }
    }
}

enum Escaped {
    Char(char),
    Class(ClassEsc),
}

/// A class escape usable both alone (`\s`) and inside a class (`[\s,]`).
struct ClassEsc {
    alone: String,
    member: String,
}

impl ClassEsc {
    fn new(members: &str, negated: bool) -> ClassEsc {
        if negated {
            ClassEsc {
                alone: format!("[^{members}]"),
                member: format!("[^{members}]"),
            }
        } else {
            ClassEsc {
                alone: format!("[{members}]"),
                member: members.to_owned(),
            }
        }
    }
    fn raw(alone: &str, _complement: &str) -> ClassEsc {
        ClassEsc {
            alone: alone.to_owned(),
            member: alone.to_owned(),
        }
    }
    fn as_standalone(&self) -> String {
        self.alone.clone()
    }
    fn as_member(&self) -> String {
        self.member.clone()
    }
}

fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || c == '_' || c == ' ' {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", c as u32);
    }
}

fn push_class_char(out: &mut String, c: char) {
    push_literal(out, c);
}

/// Maps an XSD `\p{...}` name to the `regex` crate's syntax; blocks (`IsBasicLatin`) are not
/// supported by the `regex` crate and yield `None`.
fn translate_property(name: &str) -> Option<String> {
    const CATEGORIES: &[&str] = &[
        "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc",
        "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Z", "Zs", "Zl", "Zp", "S", "Sm", "Sc", "Sk", "So",
        "C", "Cc", "Cf", "Co", "Cn",
    ];
    if CATEGORIES.contains(&name) {
        return Some(format!(r"\p{{{name}}}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, s: &str) -> bool {
        compile(pattern).expect(pattern).is_match(s)
    }

    #[test]
    fn anchored() {
        assert!(matches("[0-9]+", "123"));
        assert!(!matches("[0-9]+", "a123"));
        assert!(!matches("[0-9]+", "123\n"));
        assert!(matches("a|b", "b"));
        assert!(!matches("a|b", "ab"));
    }

    #[test]
    fn dollar_and_caret_are_literal() {
        assert!(matches("$[ ]*[a-z]+", "$ abc"));
        assert!(matches("a^b", "a^b"));
    }

    #[test]
    fn xml_escapes() {
        assert!(matches(r"\s", " "));
        assert!(!matches(r"\s", "\u{A0}"));
        assert!(matches(r"\i\c*", "_a-b.c"));
        assert!(!matches(r"\i\c*", "-a"));
        assert!(matches(r"\d+", "42"));
        assert!(matches(r"\w+", "abc1"));
        assert!(!matches(r"\w", "!"));
        assert!(matches(r"\W", " "));
        assert!(matches(r"[\s,]+", " ,"));
        assert!(!matches(".", "\r"));
    }

    #[test]
    fn class_subtraction() {
        assert!(matches("[a-z-[aeiou]]+", "bcd"));
        assert!(!matches("[a-z-[aeiou]]+", "bad"));
    }

    #[test]
    fn class_edge_dashes_and_escapes() {
        assert!(matches(r"[a-zA-Z0-9\-_]+", "a-b_c"));
        assert!(matches(r"[a-zA-Z0-9_\-.]+", "a.b-c"));
        assert!(matches(r"[!#$%&'*+\-.0-9A-Z\^_`a-z|~]+", "a^b|c"));
        assert!(matches(
            r#""?[!#$%&'()*+\-./0-9:>=<?@A-Z\^_`\[\]a-z|~]+"?"#,
            "\"[x]\""
        ));
        assert!(matches("[-a]+", "-a"));
        assert!(matches("[a-]+", "-a"));
        assert!(matches("[^/]+", "abc"));
        assert!(!matches("[^/]+", "a/b"));
    }

    #[test]
    fn quantifiers() {
        assert!(matches("[0-9]{1,2}", "12"));
        assert!(!matches("[0-9]{1,2}", "123"));
        assert!(matches("a{2,}", "aaaa"));
        assert!(matches("a{3}", "aaa"));
    }

    #[test]
    fn untranslatable_is_an_error() {
        assert!(translate(r"\p{IsBasicLatin}").is_err());
        assert!(translate("(a").is_err());
        assert!(translate("a**").is_err());
        assert!(translate(r"\q").is_err());
        assert!(translate("[z-a]").is_err());
    }
}
