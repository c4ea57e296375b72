//! Datatypes: RELAX NG's built-in `string`/`token` and the XML Schema datatypes libvirt uses,
//! with their facets; lexical checking, value equality (for `<value>`) and a description of
//! each type in plain words for diagnostics and hover.

use std::borrow::Cow;
use std::fmt::Write as _;

pub const XSD_LIBRARY: &str = "http://www.w3.org/2001/XMLSchema-datatypes";

/// A primitive or derived type from either datatype library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseType {
    /// RELAX NG built-in string / XSD string: whitespace preserved.
    String,
    /// RELAX NG built-in token / XSD token: whitespace collapsed.
    Token,
    NormalizedString,
    Boolean,
    Decimal,
    /// Integer types with optional bounds (inclusive).
    Integer(IntKind),
    Float,
    Double,
    DateTime,
    Date,
    Time,
    Duration,
    HexBinary,
    Base64Binary,
    AnyUri,
    QName,
    Name,
    NcName,
    NmToken,
    Language,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntKind {
    Integer,
    Long,
    Int,
    Short,
    Byte,
    NonNegative,
    Positive,
    NonPositive,
    Negative,
    UnsignedLong,
    UnsignedInt,
    UnsignedShort,
    UnsignedByte,
}

impl IntKind {
    fn bounds(self) -> (Option<i128>, Option<i128>) {
        use IntKind::*;
        match self {
            Integer => (None, None),
            Long => (Some(i64::MIN as i128), Some(i64::MAX as i128)),
            Int => (Some(i32::MIN as i128), Some(i32::MAX as i128)),
            Short => (Some(i16::MIN as i128), Some(i16::MAX as i128)),
            Byte => (Some(i8::MIN as i128), Some(i8::MAX as i128)),
            NonNegative => (Some(0), None),
            Positive => (Some(1), None),
            NonPositive => (None, Some(0)),
            Negative => (None, Some(-1)),
            UnsignedLong => (Some(0), Some(u64::MAX as i128)),
            UnsignedInt => (Some(0), Some(u32::MAX as i128)),
            UnsignedShort => (Some(0), Some(u16::MAX as i128)),
            UnsignedByte => (Some(0), Some(u8::MAX as i128)),
        }
    }

    fn words(self) -> &'static str {
        use IntKind::*;
        match self {
            Integer => "an integer",
            Long => "a 64-bit integer",
            Int => "a 32-bit integer",
            Short => "a 16-bit integer",
            Byte => "an 8-bit integer",
            NonNegative => "a non-negative integer",
            Positive => "a positive integer",
            NonPositive => "a non-positive integer",
            Negative => "a negative integer",
            UnsignedLong => "an unsigned 64-bit integer",
            UnsignedInt => "an unsigned integer",
            UnsignedShort => "an unsigned 16-bit integer",
            UnsignedByte => "an unsigned 8-bit integer",
        }
    }
}

impl BaseType {
    /// Resolves a `type` name in a datatype library; `None` when unknown.
    pub fn resolve(library: &str, name: &str) -> Option<BaseType> {
        use BaseType::*;
        use IntKind as I;
        if library.is_empty() {
            return match name {
                "string" => Some(String),
                "token" => Some(Token),
                _ => None,
            };
        }
        if library != XSD_LIBRARY {
            return None;
        }
        Some(match name {
            "string" => String,
            "token" => Token,
            "normalizedString" => NormalizedString,
            "boolean" => Boolean,
            "decimal" => Decimal,
            "integer" => Integer(I::Integer),
            "long" => Integer(I::Long),
            "int" => Integer(I::Int),
            "short" => Integer(I::Short),
            "byte" => Integer(I::Byte),
            "nonNegativeInteger" => Integer(I::NonNegative),
            "positiveInteger" => Integer(I::Positive),
            "nonPositiveInteger" => Integer(I::NonPositive),
            "negativeInteger" => Integer(I::Negative),
            "unsignedLong" => Integer(I::UnsignedLong),
            "unsignedInt" => Integer(I::UnsignedInt),
            "unsignedShort" => Integer(I::UnsignedShort),
            "unsignedByte" => Integer(I::UnsignedByte),
            "float" => Float,
            "double" => Double,
            "dateTime" => DateTime,
            "date" => Date,
            "time" => Time,
            "duration" => Duration,
            "hexBinary" => HexBinary,
            "base64Binary" => Base64Binary,
            "anyURI" => AnyUri,
            "QName" => QName,
            "Name" => Name,
            "NCName" | "ID" | "IDREF" | "ENTITY" => NcName,
            "NMTOKEN" => NmToken,
            "language" => Language,
            _ => return None,
        })
    }

    fn preserves_whitespace(self) -> bool {
        matches!(self, BaseType::String)
    }

    /// The value after the type's whitespace facet (borrowed when already normal).
    pub fn normalize(self, s: &str) -> Cow<'_, str> {
        match self {
            BaseType::String => Cow::Borrowed(s),
            BaseType::NormalizedString if !s.contains(['\t', '\n', '\r']) => Cow::Borrowed(s),
            BaseType::NormalizedString => Cow::Owned(s.replace(['\t', '\n', '\r'], " ")),
            _ if is_collapsed(s) => Cow::Borrowed(s),
            _ => Cow::Owned(collapse(s)),
        }
    }

    pub fn words(self) -> &'static str {
        use BaseType::*;
        match self {
            String | Token | NormalizedString => "a string",
            Boolean => "a boolean (true, false, 1 or 0)",
            Decimal => "a decimal number",
            Integer(k) => k.words(),
            Float | Double => "a floating-point number",
            DateTime => "a date and time (YYYY-MM-DDThh:mm:ss)",
            Date => "a date (YYYY-MM-DD)",
            Time => "a time (hh:mm:ss)",
            Duration => "a duration (e.g. P1DT2H)",
            HexBinary => "hexadecimal bytes",
            Base64Binary => "base64 data",
            AnyUri => "a URI",
            QName => "a qualified name",
            Name => "an XML name",
            NcName => "an XML name without ':'",
            NmToken => "a name token",
            Language => "a language tag",
        }
    }
}

/// Whether `s` is already whitespace-collapsed (no edge, tab, newline or double spaces).
fn is_collapsed(s: &str) -> bool {
    let b = s.as_bytes();
    !(b.first() == Some(&b' ')
        || b.last() == Some(&b' ')
        || b.iter().any(|c| matches!(c, b'\t' | b'\n' | b'\r'))
        || s.contains("  "))
}

/// Collapses runs of XML whitespace into one space and trims.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for part in s.split([' ', '\t', '\n', '\r']).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// A `<param>` of a `<data>`.
#[derive(Debug, Clone)]
pub enum Facet {
    Pattern { source: String, regex: LazyRegex },
    Length(usize),
    MinLength(usize),
    MaxLength(usize),
    MinInclusive(Number),
    MaxInclusive(Number),
    MinExclusive(Number),
    MaxExclusive(Number),
}

/// A translated pattern facet, compiled by the `regex` crate on its first use: a schema has
/// a hundred patterns, building their automata was a tenth of compiling libvirt's schema, and
/// most documents only meet a few of them.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    translated: String,
    // Boxed: a lazy DFA is a kilobyte, and most patterns are never used.
    regex: std::sync::OnceLock<Option<Box<crate::xsd_regex::Regex>>>,
}

impl LazyRegex {
    pub(crate) fn new(translated: String) -> LazyRegex {
        LazyRegex {
            translated,
            regex: std::sync::OnceLock::new(),
        }
    }

    /// The pattern in the `regex` crate's syntax (what is compiled on first use).
    pub(crate) fn translated(&self) -> &str {
        &self.translated
    }

    /// Whether `value` matches. A translation the `regex` crate cannot build (beyond its size
    /// limit) constrains nothing rather than rejecting every value.
    pub fn is_match(&self, value: &str) -> bool {
        self.regex
            .get_or_init(|| crate::xsd_regex::build(&self.translated).ok().map(Box::new))
            .as_ref()
            .is_none_or(|r| r.is_match(value))
    }
}

/// A number used by the bound facets.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub enum Number {
    Int(i128),
    Float(f64),
}

impl Number {
    fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
    fn cmp(self, other: Number) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

/// A datatype with its facets, as compiled from one `<data>` element.
#[derive(Debug, Clone)]
pub struct Datatype {
    pub base: BaseType,
    pub facets: Vec<Facet>,
    /// The `<define>` whose body this `<data>` is, e.g. "UUID": a human hint for messages.
    pub label: Option<String>,
    /// What the type means in words with an example, given by whoever knows the schema
    /// (`Catalogue::describe_datatypes`); preferred over anything derived from the facets.
    pub words: Option<String>,
}

impl Datatype {
    pub fn new(base: BaseType) -> Datatype {
        Datatype {
            base,
            facets: Vec::new(),
            label: None,
            words: None,
        }
    }

    /// Adds a facet from a `<param>`; an error message when the facet is unknown or malformed.
    pub fn add_param(&mut self, name: &str, value: &str) -> Result<(), String> {
        let facet = match name {
            "pattern" => {
                let translated = crate::xsd_regex::translate(value).map_err(|e| {
                    format!(
                        "pattern '{value}' cannot be used: {} (at char {})",
                        e.message, e.offset
                    )
                })?;
                Facet::Pattern {
                    source: value.to_owned(),
                    regex: LazyRegex::new(translated),
                }
            }
            "length" | "minLength" | "maxLength" => {
                let n: usize = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("{name} needs a number, not '{value}'"))?;
                match name {
                    "length" => Facet::Length(n),
                    "minLength" => Facet::MinLength(n),
                    _ => Facet::MaxLength(n),
                }
            }
            "minInclusive" | "maxInclusive" | "minExclusive" | "maxExclusive" => {
                let n = parse_number(value.trim())
                    .ok_or_else(|| format!("{name} needs a number, not '{value}'"))?;
                match name {
                    "minInclusive" => Facet::MinInclusive(n),
                    "maxInclusive" => Facet::MaxInclusive(n),
                    "minExclusive" => Facet::MinExclusive(n),
                    _ => Facet::MaxExclusive(n),
                }
            }
            "whiteSpace" | "totalDigits" | "fractionDigits" | "enumeration" => {
                return Err(format!("facet '{name}' is not supported"));
            }
            _ => return Err(format!("unknown facet '{name}'")),
        };
        self.facets.push(facet);
        Ok(())
    }

    /// Whether `raw` (as written in the document) belongs to this type.
    pub fn allows(&self, raw: &str) -> bool {
        let normalized = self.base.normalize(raw);
        let value: &str = &normalized;
        let Some(number) = lexical_check(self.base, value) else {
            return false;
        };
        self.facets.iter().all(|facet| match facet {
            Facet::Pattern { regex, .. } => regex.is_match(value),
            Facet::Length(n) => self.length_of(value) == Some(*n),
            Facet::MinLength(n) => self.length_of(value).is_some_and(|l| l >= *n),
            Facet::MaxLength(n) => self.length_of(value).is_some_and(|l| l <= *n),
            Facet::MinInclusive(b) => number.and_then(|v| v.cmp(*b)).is_some_and(|o| o.is_ge()),
            Facet::MaxInclusive(b) => number.and_then(|v| v.cmp(*b)).is_some_and(|o| o.is_le()),
            Facet::MinExclusive(b) => number.and_then(|v| v.cmp(*b)).is_some_and(|o| o.is_gt()),
            Facet::MaxExclusive(b) => number.and_then(|v| v.cmp(*b)).is_some_and(|o| o.is_lt()),
        })
    }

    fn length_of(&self, value: &str) -> Option<usize> {
        match self.base {
            BaseType::HexBinary => Some(value.len() / 2),
            BaseType::Base64Binary => {
                let n = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '=')
                    .count();
                Some(n * 3 / 4)
            }
            _ => Some(value.chars().count()),
        }
    }

    /// The type in plain words, e.g. "an unsigned integer between 0 and 31".
    pub fn describe(&self) -> String {
        if let Some(words) = &self.words {
            return words.clone();
        }
        match self.label_words() {
            Some(label) => format!("{label} ({})", self.describe_plain()),
            None => self.describe_plain(),
        }
    }

    /// The define's name in words with an article ("a PCI slot"), when it says something.
    pub fn label_words(&self) -> Option<String> {
        self.label
            .as_deref()
            .and_then(humanize)
            .map(|w| with_article(&w))
    }

    /// The type and facets in words, without the define's name.
    pub fn describe_plain(&self) -> String {
        let mut out = String::from(self.base.words());
        let mut min = None;
        let mut max = None;
        for facet in &self.facets {
            match facet {
                Facet::MinInclusive(n) => min = Some(n.to_string()),
                Facet::MinExclusive(n) => min = Some(format!("more than {n}")),
                Facet::MaxInclusive(n) => max = Some(n.to_string()),
                Facet::MaxExclusive(n) => max = Some(format!("less than {n}")),
                _ => {}
            }
        }
        match (min, max) {
            (Some(a), Some(b)) => {
                let _ = write!(out, " from {a} to {b}");
            }
            (Some(a), None) => {
                let _ = write!(out, " of at least {a}");
            }
            (None, Some(b)) => {
                let _ = write!(out, " of at most {b}");
            }
            (None, None) => {}
        }
        for facet in &self.facets {
            match facet {
                Facet::Length(n) => {
                    let _ = write!(out, " of exactly {n} characters");
                }
                Facet::MinLength(n) => {
                    let _ = write!(out, " of at least {n} characters");
                }
                Facet::MaxLength(n) => {
                    let _ = write!(out, " of at most {n} characters");
                }
                _ => {}
            }
        }
        let patterns: Vec<&str> = self
            .facets
            .iter()
            .filter_map(|f| match f {
                Facet::Pattern { source, .. } => Some(source.as_str()),
                _ => None,
            })
            .collect();
        // A pattern is for machines: people get the define's name in words (or the caller's
        // description), never the regular expression.
        if !patterns.is_empty() && self.label_words().is_none() {
            out.push_str(" in a particular format");
        }
        out
    }
}

/// A define name as words for messages: "types.pci.slot" -> "PCI slot", "UUID" -> "UUID",
/// "uniMacAddr" -> "uni MAC addr". `None` for names that say nothing more than the type.
pub fn humanize(label: &str) -> Option<String> {
    const ACRONYMS: &[&str] = &[
        "uuid", "pci", "mac", "ip", "usb", "ccw", "wwn", "cpu", "numa", "iommu", "scsi", "tpm",
        "vnc", "uri", "dns", "kib", "id", "cpuset", "dbus", "url", "ssid", "cssid",
    ];
    const GENERIC: &[&str] = &[
        "int",
        "uint",
        "ulong",
        "ushort",
        "integer",
        "positive",
        "number",
        "string",
        "text",
        "name",
        "value",
        "uint8",
        "uint16",
        "uint24",
        "uint32",
        "hex uint",
        "unsigned int",
        "unsigned long",
        "yes no",
        "on off",
        "generic",
        "name generic",
    ];
    let segments: Vec<&str> = label.split('.').collect();
    let kept = if segments.len() > 1 {
        &segments[1..]
    } else {
        &segments[..]
    };
    let mut words: Vec<String> = Vec::new();
    for segment in kept {
        let mut word = String::new();
        let mut prev_lower = false;
        for c in segment.chars() {
            if ((c.is_uppercase() && prev_lower) || c == '_' || c == '-') && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            if c != '_' && c != '-' {
                word.push(c);
            }
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    if lower.is_empty() || GENERIC.contains(&lower.join(" ").as_str()) {
        return None;
    }
    let shown: Vec<String> = lower
        .iter()
        .map(|w| {
            if let Some(v) = w.strip_prefix("ipv") {
                format!("IPv{v}")
            } else if ACRONYMS.contains(&w.as_str()) {
                w.to_uppercase()
            } else if let Some((_, full)) = ABBREVIATIONS.iter().find(|(a, _)| a == w) {
                (*full).to_owned()
            } else {
                w.clone()
            }
        })
        .collect();
    Some(shown.join(" "))
}

/// Short forms in define names, spelt out for people.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("addr", "address"),
    ("abs", "absolute"),
    ("dir", "directory"),
    ("num", "number"),
    ("func", "function"),
    ("dev", "device"),
    ("devno", "device number"),
    ("kb", "KiB"),
    ("uint", "number"),
    ("hexuint", "hexadecimal number"),
    ("vcpuid", "vCPU number"),
    ("param", "parameter"),
    ("delta", "offset"),
];

fn with_article(words: &str) -> String {
    let article = match words.chars().next() {
        // Vowel letters that do not sound like vowels here: "a UUID", "a USB ...", "a uni...".
        Some(c)
            if "aeiouAEIOU".contains(c)
                && !["UUID", "USB", "uni", "use", "one"]
                    .iter()
                    .any(|p| words.starts_with(p)) =>
        {
            "an"
        }
        _ => "a",
    };
    format!("{article} {words}")
}

/// Checks the lexical space of `base` on a whitespace-normalized value. Returns `None` when the
/// value is not in the lexical space, otherwise the numeric value when the type is numeric.
fn lexical_check(base: BaseType, v: &str) -> Option<Option<Number>> {
    use BaseType::*;
    let ok = |b: bool| if b { Some(None) } else { None };
    match base {
        String | Token | NormalizedString => Some(None),
        Boolean => ok(matches!(v, "true" | "false" | "1" | "0")),
        Decimal => parse_decimal(v).map(|f| Some(Number::Float(f))),
        Integer(kind) => {
            let n = parse_integer(v)?;
            let (lo, hi) = kind.bounds();
            if lo.is_some_and(|lo| n < lo) || hi.is_some_and(|hi| n > hi) {
                return None;
            }
            Some(Some(Number::Int(n)))
        }
        Float | Double => parse_float(v).map(|f| Some(Number::Float(f))),
        DateTime => ok(is_date_time(v)),
        Date => ok(is_date(v)),
        Time => ok(is_time(v)),
        Duration => ok(is_duration(v)),
        HexBinary => ok(v.len().is_multiple_of(2) && v.bytes().all(|b| b.is_ascii_hexdigit())),
        Base64Binary => ok(is_base64(v)),
        AnyUri => ok(!v.chars().any(|c| c.is_control())),
        QName => ok(match v.split_once(':') {
            Some((p, l)) => is_ncname(p) && is_ncname(l),
            None => is_ncname(v),
        }),
        Name => ok(is_name(v)),
        NcName => ok(is_ncname(v)),
        NmToken => ok(!v.is_empty() && v.chars().all(is_name_char)),
        Language => ok(is_language(v)),
    }
}

fn parse_integer(v: &str) -> Option<i128> {
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Very long numbers are out of every bounded type's range; saturate instead of failing.
    let trimmed = digits.trim_start_matches('0');
    let magnitude: i128 = if trimmed.len() > 38 {
        i128::MAX
    } else {
        trimmed.parse().unwrap_or(0)
    };
    Some(if v.starts_with('-') {
        -magnitude
    } else {
        magnitude
    })
}

fn parse_decimal(v: &str) -> Option<f64> {
    let body = v.strip_prefix(['+', '-']).unwrap_or(v);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse::<f64>().ok().or(Some(0.0))
}

fn parse_float(v: &str) -> Option<f64> {
    match v {
        "INF" | "+INF" => return Some(f64::INFINITY),
        "-INF" => return Some(f64::NEG_INFINITY),
        "NaN" => return Some(f64::NAN),
        _ => {}
    }
    let (mantissa, exponent) = match v.find(['e', 'E']) {
        Some(i) => (&v[..i], Some(&v[i + 1..])),
        None => (v, None),
    };
    parse_decimal(mantissa)?;
    if let Some(e) = exponent {
        parse_integer(e)?;
    }
    v.parse::<f64>().ok()
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_date(v: &str) -> bool {
    let v = strip_timezone(v);
    let v = v.strip_prefix('-').unwrap_or(v);
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() == 3
        && parts[0].len() >= 4
        && parts[0].bytes().all(|b| b.is_ascii_digit())
        && digits(parts[1], 2)
        && digits(parts[2], 2)
        && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0))
}

fn is_time_no_tz(v: &str) -> bool {
    let (hms, frac) = v.split_once('.').unwrap_or((v, "0"));
    let parts: Vec<&str> = hms.split(':').collect();
    parts.len() == 3
        && parts.iter().all(|p| digits(p, 2))
        && !frac.is_empty()
        && frac.bytes().all(|b| b.is_ascii_digit())
        && parts[0].parse::<u32>().unwrap_or(99) <= 24
        && parts[1].parse::<u32>().unwrap_or(99) < 60
        && parts[2].parse::<u32>().unwrap_or(99) < 60
}

fn strip_timezone(v: &str) -> &str {
    if let Some(rest) = v.strip_suffix('Z') {
        return rest;
    }
    // "+hh:mm" / "-hh:mm": six ASCII bytes (checked on bytes: the value is user data).
    let b = v.as_bytes();
    if b.len() > 6 {
        let tz = &b[b.len() - 6..];
        let digit = |c: u8| c.is_ascii_digit();
        if (tz[0] == b'+' || tz[0] == b'-')
            && digit(tz[1])
            && digit(tz[2])
            && tz[3] == b':'
            && digit(tz[4])
            && digit(tz[5])
        {
            return &v[..v.len() - 6];
        }
    }
    v
}

fn is_time(v: &str) -> bool {
    is_time_no_tz(strip_timezone(v))
}

fn is_date_time(v: &str) -> bool {
    let Some((date, time)) = v.split_once('T') else {
        return false;
    };
    is_date(date) && is_time(time)
}

fn is_duration(v: &str) -> bool {
    let v = v.strip_prefix('-').unwrap_or(v);
    let Some(rest) = v.strip_prefix('P') else {
        return false;
    };
    if rest.is_empty() || rest.ends_with('T') {
        return false;
    }
    let mut any = false;
    let mut num = false;
    for c in rest.chars() {
        match c {
            '0'..='9' | '.' => num = true,
            'Y' | 'M' | 'D' | 'H' | 'S' | 'W' => {
                if !num {
                    return false;
                }
                num = false;
                any = true;
            }
            'T' => {}
            _ => return false,
        }
    }
    any && !num
}

fn is_base64(v: &str) -> bool {
    let compact: String = v.chars().filter(|c| *c != ' ').collect();
    compact.len().is_multiple_of(4)
        && compact
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
}

fn is_language(v: &str) -> bool {
    let mut parts = v.split('-');
    let first = parts.next().unwrap_or("");
    (1..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

pub fn is_name_start_char(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == ':'
}

pub fn is_name_char(c: char) -> bool {
    is_name_start_char(c) || c.is_numeric() || matches!(c, '-' | '.' | '\u{B7}')
}

pub fn is_name(v: &str) -> bool {
    let mut chars = v.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

pub fn is_ncname(v: &str) -> bool {
    is_name(v) && !v.contains(':')
}

/// Parses a bound facet's number.
fn parse_number(v: &str) -> Option<Number> {
    if let Some(i) = parse_integer(v) {
        return Some(Number::Int(i));
    }
    parse_float(v).map(Number::Float)
}

/// Whether two values of `base` are equal in the value space (used by `<value>`).
pub fn values_equal(base: BaseType, expected_normalized: &str, raw: &str) -> bool {
    if raw == expected_normalized {
        return true;
    }
    let actual = base.normalize(raw);
    if actual == expected_normalized {
        return true;
    }
    if !matches!(
        base,
        BaseType::Integer(_)
            | BaseType::Decimal
            | BaseType::Float
            | BaseType::Double
            | BaseType::Boolean
    ) {
        return false;
    }
    let actual: &str = &actual;
    if base.preserves_whitespace() {
        return false;
    }
    match base {
        BaseType::Integer(_) => {
            parse_integer(actual).is_some()
                && parse_integer(actual) == parse_integer(expected_normalized)
        }
        BaseType::Decimal | BaseType::Float | BaseType::Double => {
            matches!((parse_float(actual), parse_float(expected_normalized)), (Some(a), Some(b)) if a == b)
        }
        BaseType::Boolean => {
            let truth = |s: &str| matches!(s, "true" | "1");
            lexical_check(base, actual).is_some() && truth(actual) == truth(expected_normalized)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(name: &str, params: &[(&str, &str)]) -> Datatype {
        let mut d = Datatype::new(BaseType::resolve(XSD_LIBRARY, name).expect(name));
        for (n, v) in params {
            d.add_param(n, v).expect("param");
        }
        d
    }

    #[test]
    fn integers_and_bounds() {
        let u = dt("unsignedInt", &[]);
        assert!(u.allows("42"));
        assert!(u.allows(" 42 "));
        assert!(u.allows("+42"));
        assert!(!u.allows("-1"));
        assert!(!u.allows("4294967296"));
        assert!(!u.allows("0x10"));
        let r = dt("int", &[("minInclusive", "-1"), ("maxInclusive", "31")]);
        assert!(r.allows("-1") && r.allows("31"));
        assert!(!r.allows("32"));
        assert_eq!(r.describe(), "a 32-bit integer from -1 to 31");
    }

    #[test]
    fn strings_with_facets() {
        let s = dt("string", &[("pattern", "[a-f0-9]{2}"), ("maxLength", "2")]);
        assert!(s.allows("0a"));
        assert!(!s.allows(" 0a"));
        let t = dt("token", &[("minLength", "2")]);
        assert!(t.allows("  ab  "));
        assert!(!t.allows("  a "));
    }

    #[test]
    fn other_lexical_spaces() {
        assert!(dt("boolean", &[]).allows("true"));
        assert!(!dt("boolean", &[]).allows("yes"));
        assert!(dt("double", &[]).allows("1.5e3"));
        assert!(!dt("double", &[]).allows("1.5e"));
        assert!(dt("dateTime", &[]).allows("2024-01-02T03:04:05Z"));
        assert!(!dt("dateTime", &[]).allows("2024-01-02"));
        assert!(dt("dateTime", &[]).allows("2024-01-02T03:04:05+01:00"));
        assert!(!dt("dateTime", &[]).allows("2024-01-02T03:04:05ééé"));
        assert!(dt("NCName", &[]).allows("abc-d"));
        assert!(!dt("NCName", &[]).allows("a:b"));
        assert!(dt("positiveInteger", &[]).allows("1"));
        assert!(!dt("positiveInteger", &[]).allows("0"));
    }

    #[test]
    fn labels_in_words() {
        assert_eq!(humanize("types.pci.slot").as_deref(), Some("PCI slot"));
        assert_eq!(humanize("UUID").as_deref(), Some("UUID"));
        assert_eq!(humanize("uniMacAddr").as_deref(), Some("uni MAC address"));
        assert_eq!(with_article("uni MAC address"), "a uni MAC address");
        assert_eq!(humanize("types.ipv4").as_deref(), Some("IPv4"));
        assert_eq!(humanize("types.uint"), None);
        assert_eq!(with_article("UUID"), "a UUID");
        assert_eq!(with_article("MAC address"), "a MAC address");
        assert_eq!(with_article("IPv4"), "an IPv4");
    }

    #[test]
    fn value_equality() {
        assert!(values_equal(BaseType::Token, "a b", "  a   b "));
        assert!(!values_equal(BaseType::String, "a", " a"));
        assert!(values_equal(BaseType::Integer(IntKind::Int), "1", "01"));
    }
}
