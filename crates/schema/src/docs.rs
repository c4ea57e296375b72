//! Documentation text from `a:documentation`: normalized indentation so Markdown survives.

/// Removes the common indentation and surrounding blank lines of an annotation's text.
pub fn clean(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let indent = lines
        .iter()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            out.push(line.trim().to_owned());
        } else {
            out.push(
                line.get(indent..)
                    .unwrap_or(line.trim_start())
                    .trim_end()
                    .to_owned(),
            );
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn dedents() {
        assert_eq!(
            super::clean("First.\n      Second\n        indented\n    "),
            "First.\nSecond\n  indented"
        );
    }
}
