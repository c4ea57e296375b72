//! Number-aware hovers: sizes with a libvirt `unit` shown in a readable binary unit, and
//! integers shown in the other bases (libvirt accepts hex `0x..`, octal `0..` and decimal in
//! addresses, ids and masks).

/// Multiplier of a libvirt scaled-size unit (`virScaleInteger`): bytes, k/K/KiB = 1024,
/// KB = 1000, ... up to exbibytes. Case-insensitive like libvirt.
pub fn unit_bytes(unit: &str) -> Option<u128> {
    let u = unit.trim();
    if u.is_empty() {
        return None;
    }
    let lower = u.to_ascii_lowercase();
    if lower == "b" || lower == "bytes" {
        return Some(1);
    }
    let (letter, rest) = lower.split_at(1);
    let power = match letter {
        "k" => 1,
        "m" => 2,
        "g" => 3,
        "t" => 4,
        "p" => 5,
        "e" => 6,
        _ => return None,
    };
    let base: u128 = match rest {
        "" | "ib" => 1024,
        "b" => 1000,
        _ => return None,
    };
    Some(base.pow(power))
}

/// "4 GiB", "1.5 MiB", "512 bytes": the largest binary unit the size reaches, at most 2 decimals.
pub fn human_bytes(bytes: u128) -> String {
    const UNITS: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut unit = 0;
    while unit + 1 < UNITS.len() && bytes >= 1u128 << (10 * (unit + 1)) {
        unit += 1;
    }
    if unit == 0 {
        return format!("{bytes} bytes");
    }
    let div = 1u128 << (10 * unit);
    if bytes.is_multiple_of(div) {
        return format!("{} {}", bytes / div, UNITS[unit]);
    }
    let value = bytes as f64 / div as f64;
    let s = format!("{value:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s} {}", UNITS[unit])
}

/// `4194304 KiB = 4 GiB (4294967296 bytes)` for a size written with a unit.
pub fn describe_size(value: &str, unit: &str) -> Option<String> {
    let n: u128 = value.trim().parse().ok()?;
    let mult = unit_bytes(unit)?;
    let bytes = n.checked_mul(mult)?;
    let human = human_bytes(bytes);
    let written = format!("{} {}", value.trim(), unit.trim());
    if human == written {
        return Some(format!("{written} ({bytes} bytes)"));
    }
    Some(format!("{written} = {human} ({bytes} bytes)"))
}

/// A parsed integer literal: its value and the base it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntLiteral {
    pub value: u128,
    pub base: u32,
}

pub fn parse_int(s: &str) -> Option<IntLiteral> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if hex.is_empty() || hex.len() > 32 {
            return None;
        }
        return u128::from_str_radix(hex, 16)
            .ok()
            .map(|value| IntLiteral { value, base: 16 });
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) || s.is_empty() || s.len() > 38 {
        return None;
    }
    if s.len() > 1 && s.starts_with('0') && s.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return u128::from_str_radix(&s[1..], 8)
            .ok()
            .map(|value| IntLiteral { value, base: 8 });
    }
    s.parse().ok().map(|value| IntLiteral { value, base: 10 })
}

/// `0x1f = 31 = 0o37`: the integer in the bases it was not written in.
pub fn describe_int(s: &str) -> Option<String> {
    let lit = parse_int(s)?;
    let v = lit.value;
    let parts: Vec<String> = match lit.base {
        16 => vec![format!("{v} (decimal)"), format!("0{v:o} (octal)")],
        8 => vec![format!("{v} (decimal)"), format!("{v:#x} (hex)")],
        _ => {
            if v < 10 {
                return None;
            }
            vec![format!("{v:#x} (hex)"), format!("0{v:o} (octal)")]
        }
    };
    Some(format!("`{}` = {}", s.trim(), parts.join(" = ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(
            describe_size("4194304", "KiB").as_deref(),
            Some("4194304 KiB = 4 GiB (4294967296 bytes)")
        );
        assert_eq!(
            describe_size("1536", "MiB").as_deref(),
            Some("1536 MiB = 1.5 GiB (1610612736 bytes)")
        );
        assert_eq!(
            describe_size("1000", "KB").as_deref(),
            Some("1000 KB = 976.56 KiB (1000000 bytes)")
        );
        assert_eq!(
            describe_size("2", "G").as_deref(),
            Some("2 G = 2 GiB (2147483648 bytes)")
        );
        assert_eq!(
            describe_size("4", "GiB").as_deref(),
            Some("4 GiB (4294967296 bytes)")
        );
        assert_eq!(describe_size("x", "KiB"), None);
        assert_eq!(describe_size("1", "furlong"), None);
        assert_eq!(
            describe_size("99999999999999999999999999999999999999", "EiB"),
            None
        );
    }

    #[test]
    fn integers() {
        assert_eq!(
            describe_int("0x1f").as_deref(),
            Some("`0x1f` = 31 (decimal) = 037 (octal)")
        );
        assert_eq!(
            describe_int("0755").as_deref(),
            Some("`0755` = 493 (decimal) = 0x1ed (hex)")
        );
        assert_eq!(
            describe_int("4096").as_deref(),
            Some("`4096` = 0x1000 (hex) = 010000 (octal)")
        );
        assert_eq!(describe_int("0"), None);
        assert_eq!(describe_int("08"), None);
        assert_eq!(
            describe_int("0x0000").as_deref(),
            Some("`0x0000` = 0 (decimal) = 00 (octal)")
        );
        assert_eq!(describe_int("vda"), None);
        assert_eq!(describe_int("0x"), None);
    }
}
