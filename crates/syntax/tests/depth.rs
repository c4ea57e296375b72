//! Documents nested deeper than `MAX_DEPTH`: one `too-deep` error, a tree no deeper than the
//! limit (so nothing that walks or frees it recurses without bound), every byte kept.

use domxml_syntax::{MAX_DEPTH, SyntaxKind, TextEdit, TextRange, TextSize, parse};

fn chain(depth: usize) -> String {
    let mut text = String::with_capacity(depth * 8);
    for _ in 0..depth {
        text.push_str("<a>");
    }
    for _ in 0..depth {
        text.push_str("</a>");
    }
    text
}

fn tree_depth(parse: &domxml_syntax::Parse) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for event in parse.syntax().preorder() {
        match event {
            domxml_syntax::WalkEvent::Enter(_) => {
                depth += 1;
                max = max.max(depth);
            }
            domxml_syntax::WalkEvent::Leave(_) => depth -= 1,
        }
    }
    max
}

#[test]
fn a_chain_within_the_limit_has_no_error() {
    let text = chain(MAX_DEPTH);
    let p = parse(&text);
    assert!(p.errors().is_empty(), "{:?}", p.errors());
    assert_eq!(
        p.document()
            .root()
            .unwrap()
            .syntax()
            .descendants()
            .filter(|n| n.kind() == SyntaxKind::ELEMENT)
            .count(),
        MAX_DEPTH
    );
}

#[test]
fn a_100k_deep_chain_gets_one_error_on_the_crossing_element() {
    let text = chain(100_000);
    let p = parse(&text);
    let codes: Vec<_> = p.errors().iter().map(|e| e.code).collect();
    assert_eq!(codes, [domxml_syntax::ErrorCode::TooDeep]);
    // The name of the element at depth MAX_DEPTH + 1.
    let at = MAX_DEPTH * 3 + 1;
    assert_eq!(
        p.errors()[0].range,
        TextRange::new(TextSize::from(at as u32), TextSize::from(at as u32 + 1))
    );
    assert_eq!(p.syntax().text().to_string(), text);
    // Document, the elements up to the limit, the chunks of the deepest one's 200,000 tags
    // (three levels), a tag, its name.
    assert!(tree_depth(&p) <= MAX_DEPTH + 6, "{}", tree_depth(&p));
}

#[test]
fn a_1m_deep_chain_parses() {
    let text = chain(1_000_000);
    let p = parse(&text);
    assert_eq!(p.errors().len(), 1);
    assert_eq!(
        p.syntax().text_range().len(),
        TextSize::from(text.len() as u32)
    );
}

#[test]
fn unclosed_deep_elements_are_reported_and_kept() {
    let text = "<a>".repeat(MAX_DEPTH + 10);
    let p = parse(&text);
    let too_deep = p
        .errors()
        .iter()
        .filter(|e| e.code == domxml_syntax::ErrorCode::TooDeep)
        .count();
    let unclosed = p
        .errors()
        .iter()
        .filter(|e| e.code == domxml_syntax::ErrorCode::UnclosedElement)
        .count();
    assert_eq!((too_deep, unclosed), (1, MAX_DEPTH + 10));
    assert_eq!(p.syntax().text().to_string(), text);
}

#[test]
fn each_element_at_the_limit_reports_its_first_deep_child_once() {
    let prefix = "<a>".repeat(MAX_DEPTH - 1);
    let suffix = "</a>".repeat(MAX_DEPTH - 1);
    let text = format!("{prefix}<b><c/><c/></b><b><d><e/></d></b>{suffix}");
    let p = parse(&text);
    let names: Vec<_> = p
        .errors()
        .iter()
        .map(|e| &text[std::ops::Range::<usize>::from(e.range)])
        .collect();
    assert_eq!(names, ["c", "d"]);
}

#[test]
fn edits_near_the_limit_reparse_like_a_full_parse() {
    let text = chain(MAX_DEPTH + 5);
    let old = parse(&text);
    let limit_tag = MAX_DEPTH * 3;
    for (offset, delete, insert) in [
        (limit_tag - 3, 3, ""),
        (limit_tag - 3, 0, "<b/>"),
        (limit_tag, 0, "<b></b>"),
        (limit_tag + 3, 0, "x"),
        (limit_tag - 6, 0, "<c><d/></c>"),
        (text.len() / 2, 4, ""),
    ] {
        let edit = TextEdit::new(
            TextRange::at(TextSize::from(offset as u32), TextSize::from(delete as u32)),
            insert,
        );
        let mut new_text = text.clone();
        edit.apply(&mut new_text);
        let incremental = old.reparse(&edit, new_text.as_str());
        assert_eq!(incremental, parse(&new_text), "edit at {offset}");
    }
}
