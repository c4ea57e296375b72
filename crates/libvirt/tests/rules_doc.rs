//! `docs/rules.md` documents every rule code, and each section's example produces its rule.

use domxml_libvirt::rules::{self, RuleCode, RuleOptions};

struct Section {
    code: String,
    example: Option<String>,
}

fn sections() -> Vec<Section> {
    let path = domxml_testdata::workspace().join("docs/rules.md");
    let text = std::fs::read_to_string(&path).expect("docs/rules.md");
    let mut out: Vec<Section> = Vec::new();
    let mut in_xml = false;
    for line in text.lines() {
        if let Some(code) = line
            .strip_prefix("## `")
            .and_then(|rest| rest.split('`').next())
        {
            out.push(Section {
                code: code.to_owned(),
                example: None,
            });
            in_xml = false;
        } else if line.trim() == "```xml" {
            in_xml = out.last().is_some_and(|s| s.example.is_none());
            if let Some(s) = out.last_mut().filter(|_| in_xml) {
                s.example = Some(String::new());
            }
        } else if line.trim() == "```" {
            in_xml = false;
        } else if in_xml && let Some(example) = out.last_mut().and_then(|s| s.example.as_mut()) {
            example.push_str(line);
            example.push('\n');
        }
    }
    out
}

#[test]
fn every_code_is_documented_once() {
    let documented: Vec<String> = sections().into_iter().map(|s| s.code).collect();
    for code in RuleCode::ALL {
        let n = documented.iter().filter(|d| *d == code.as_str()).count();
        assert_eq!(
            n,
            1,
            "docs/rules.md documents `{}` {n} times",
            code.as_str()
        );
    }
    for d in &documented {
        assert!(
            RuleCode::from_name(d).is_some(),
            "docs/rules.md documents `{d}`, which is no rule code"
        );
    }
}

#[test]
fn every_example_produces_its_rule() {
    for s in sections() {
        let example = s
            .example
            .unwrap_or_else(|| panic!("`{}` has no ```xml example", s.code));
        let parse = domxml_syntax::parse(&example);
        assert!(
            parse.errors().is_empty(),
            "`{}`: example is not well-formed",
            s.code
        );
        let found = rules::check(&parse, &example, &RuleOptions::default());
        assert!(
            found.iter().any(|f| f.code.as_str() == s.code),
            "`{}`: its example produces {:?}",
            s.code,
            found.iter().map(|f| f.code.as_str()).collect::<Vec<_>>()
        );
    }
}
