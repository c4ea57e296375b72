//! Trees and errors for the broken inputs users produce while typing.

use expect_test::{Expect, expect};

fn check(src: &str, expect: Expect) {
    let parse = domxml_syntax::parse(src);
    assert_eq!(parse.syntax().text().to_string(), src, "lossless");
    let mut out = domxml_syntax::debug_tree(&parse.syntax());
    for e in parse.errors() {
        out.push_str(&format!("error {:?} {}: {}\n", e.range, e.code, e.message));
    }
    expect.assert_eq(&out);
}

#[test]
fn attribute_without_value_before_end_tag() {
    check(
        "<devices><watchdog action=</devices>",
        expect![[r#"
        DOCUMENT@0..36
          ELEMENT@0..36
            START_TAG@0..9
              L_ANGLE@0..1 "<"
              NAME@1..8 "devices"
              R_ANGLE@8..9 ">"
            ELEMENT@9..26
              START_TAG@9..26
                L_ANGLE@9..10 "<"
                NAME@10..18 "watchdog"
                WHITESPACE@18..19 " "
                ATTRIBUTE@19..26
                  NAME@19..25 "action"
                  EQ@25..26 "="
            END_TAG@26..36
              L_ANGLE_SLASH@26..28 "</"
              NAME@28..35 "devices"
              R_ANGLE@35..36 ">"
        error 10..18 unclosed-tag: start tag <watchdog> is not closed: expected '>' or '/>' before the next tag
        error 25..26 missing-value: attribute 'action' has no value: expected a quoted value after '='
    "#]],
    );
}

#[test]
fn attribute_without_equals() {
    check(
        "<a b='1' c>",
        expect![[r#"
        DOCUMENT@0..11
          ELEMENT@0..11
            START_TAG@0..11
              L_ANGLE@0..1 "<"
              NAME@1..2 "a"
              WHITESPACE@2..3 " "
              ATTRIBUTE@3..8
                NAME@3..4 "b"
                EQ@4..5 "="
                ATTR_VALUE@5..8 "'1'"
              WHITESPACE@8..9 " "
              ATTRIBUTE@9..10
                NAME@9..10 "c"
              R_ANGLE@10..11 ">"
        error 1..2 unclosed-element: element <a> is not closed: missing </a>
        error 9..10 missing-eq: attribute 'c' has no value: expected '=' and a quoted value
    "#]],
    );
}

#[test]
fn unknown_entity() {
    check(
        "<a>&bogus;</a>",
        expect![[r#"
        DOCUMENT@0..14
          ELEMENT@0..14
            START_TAG@0..3
              L_ANGLE@0..1 "<"
              NAME@1..2 "a"
              R_ANGLE@2..3 ">"
            ENTITY_REF@3..10 "&bogus;"
            END_TAG@10..14
              L_ANGLE_SLASH@10..12 "</"
              NAME@12..13 "a"
              R_ANGLE@13..14 ">"
        error 3..10 unknown-entity: unknown entity '&bogus;': only &lt; &gt; &amp; &apos; &quot; and character references like &#38; are defined
    "#]],
    );
}

#[test]
fn unclosed_comment() {
    check(
        "<a><!-- half a comment",
        expect![[r#"
        DOCUMENT@0..22
          ELEMENT@0..22
            START_TAG@0..3
              L_ANGLE@0..1 "<"
              NAME@1..2 "a"
              R_ANGLE@2..3 ">"
            COMMENT@3..22 "<!-- half a comment"
        error 1..2 unclosed-element: element <a> is not closed: missing </a>
        error 3..7 unclosed-comment: unclosed comment: missing '-->'
    "#]],
    );
}

#[test]
fn input_ends_mid_tag() {
    check(
        "<domain type='kvm'><name",
        expect![[r#"
        DOCUMENT@0..24
          ELEMENT@0..24
            START_TAG@0..19
              L_ANGLE@0..1 "<"
              NAME@1..7 "domain"
              WHITESPACE@7..8 " "
              ATTRIBUTE@8..18
                NAME@8..12 "type"
                EQ@12..13 "="
                ATTR_VALUE@13..18 "'kvm'"
              R_ANGLE@18..19 ">"
            ELEMENT@19..24
              START_TAG@19..24
                L_ANGLE@19..20 "<"
                NAME@20..24 "name"
        error 1..7 unclosed-element: element <domain> is not closed: missing </domain>
        error 20..24 unclosed-tag: start tag <name> is not closed: expected '>' or '/>' before end of input
    "#]],
    );
}

#[test]
fn crossed_end_tags() {
    check(
        "<a><b></a></b>",
        expect![[r#"
        DOCUMENT@0..14
          ELEMENT@0..10
            START_TAG@0..3
              L_ANGLE@0..1 "<"
              NAME@1..2 "a"
              R_ANGLE@2..3 ">"
            ELEMENT@3..6
              START_TAG@3..6
                L_ANGLE@3..4 "<"
                NAME@4..5 "b"
                R_ANGLE@5..6 ">"
            END_TAG@6..10
              L_ANGLE_SLASH@6..8 "</"
              NAME@8..9 "a"
              R_ANGLE@9..10 ">"
          ERROR@10..14
            END_TAG@10..14
              L_ANGLE_SLASH@10..12 "</"
              NAME@12..13 "b"
              R_ANGLE@13..14 ">"
        error 4..5 unclosed-element: element <b> is not closed: expected </b> before </a>
        error 12..13 mismatched-end-tag: end tag </b> has no matching start tag
    "#]],
    );
}

#[test]
fn duplicate_attributes() {
    check(
        "<model type='vga' type='qxl'/>",
        expect![[r#"
        DOCUMENT@0..30
          ELEMENT@0..30
            EMPTY_ELEM_TAG@0..30
              L_ANGLE@0..1 "<"
              NAME@1..6 "model"
              WHITESPACE@6..7 " "
              ATTRIBUTE@7..17
                NAME@7..11 "type"
                EQ@11..12 "="
                ATTR_VALUE@12..17 "'vga'"
              WHITESPACE@17..18 " "
              ATTRIBUTE@18..28
                NAME@18..22 "type"
                EQ@22..23 "="
                ATTR_VALUE@23..28 "'qxl'"
              SLASH_R_ANGLE@28..30 "/>"
        error 18..22 duplicate-attribute: duplicate attribute 'type' on <model>
    "#]],
    );
}

#[test]
fn value_left_open_at_the_next_tag() {
    check(
        "<d>\n<watchdog action='res\n<memballoon model='virtio'/>\n</d>",
        expect![[r#"
            DOCUMENT@0..59
              ELEMENT@0..59
                START_TAG@0..3
                  L_ANGLE@0..1 "<"
                  NAME@1..2 "d"
                  R_ANGLE@2..3 ">"
                WHITESPACE@3..4 "\n"
                ELEMENT@4..26
                  START_TAG@4..26
                    L_ANGLE@4..5 "<"
                    NAME@5..13 "watchdog"
                    WHITESPACE@13..14 " "
                    ATTRIBUTE@14..26
                      NAME@14..20 "action"
                      EQ@20..21 "="
                      ATTR_VALUE@21..26 "'res\n"
                ELEMENT@26..54
                  EMPTY_ELEM_TAG@26..54
                    L_ANGLE@26..27 "<"
                    NAME@27..37 "memballoon"
                    WHITESPACE@37..38 " "
                    ATTRIBUTE@38..52
                      NAME@38..43 "model"
                      EQ@43..44 "="
                      ATTR_VALUE@44..52 "'virtio'"
                    SLASH_R_ANGLE@52..54 "/>"
                WHITESPACE@54..55 "\n"
                END_TAG@55..59
                  L_ANGLE_SLASH@55..57 "</"
                  NAME@57..58 "d"
                  R_ANGLE@58..59 ">"
            error 5..13 unclosed-tag: start tag <watchdog> is not closed: expected '>' or '/>' before the next tag
            error 21..22 unclosed-value: the value of attribute 'action' is not closed: missing '
        "#]],
    );
}

#[test]
fn less_than_and_ampersand_in_text() {
    check(
        "<a>1 < 2 & 3 &#0; &#x41;</a>",
        expect![[r#"
        DOCUMENT@0..28
          ELEMENT@0..28
            START_TAG@0..3
              L_ANGLE@0..1 "<"
              NAME@1..2 "a"
              R_ANGLE@2..3 ">"
            TEXT@3..5 "1 "
            ERROR_TOKEN@5..6 "<"
            TEXT@6..13 " 2 & 3 "
            CHAR_REF@13..17 "&#0;"
            WHITESPACE@17..18 " "
            CHAR_REF@18..24 "&#x41;"
            END_TAG@24..28
              L_ANGLE_SLASH@24..26 "</"
              NAME@26..27 "a"
              R_ANGLE@27..28 ">"
        error 5..6 lt-in-text: '<' must start a tag: write &lt; for a literal '<'
        error 9..10 bare-ampersand: '&' must start an entity or character reference: write &amp; for a literal '&'
        error 13..17 invalid-char-ref: character reference '&#0;' names a character XML does not allow
    "#]],
    );
}

#[test]
fn content_after_the_root_and_missing_root() {
    check(
        "<a/>text<b/>",
        expect![[r#"
        DOCUMENT@0..12
          ELEMENT@0..4
            EMPTY_ELEM_TAG@0..4
              L_ANGLE@0..1 "<"
              NAME@1..2 "a"
              SLASH_R_ANGLE@2..4 "/>"
          TEXT@4..8 "text"
          ELEMENT@8..12
            EMPTY_ELEM_TAG@8..12
              L_ANGLE@8..9 "<"
              NAME@9..10 "b"
              SLASH_R_ANGLE@10..12 "/>"
        error 4..8 text-outside-root: text outside the root element
        error 9..10 content-after-root: element <b> after the root element: a document has exactly one root element
    "#]],
    );
    check(
        "<!-- only a comment -->",
        expect![[r#"
        DOCUMENT@0..23
          COMMENT@0..23 "<!-- only a comment -->"
        error 23..23 missing-root: the document has no root element
    "#]],
    );
}

#[test]
fn xml_declaration_and_doctype() {
    check(
        "<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n<a>&x;</a>",
        expect![[r#"
        DOCUMENT@0..104
          XML_DECL@0..38
            PI_START@0..2 "<?"
            NAME@2..5 "xml"
            WHITESPACE@5..6 " "
            ATTRIBUTE@6..19
              NAME@6..13 "version"
              EQ@13..14 "="
              ATTR_VALUE@14..19 "'1.0'"
            WHITESPACE@19..20 " "
            ATTRIBUTE@20..36
              NAME@20..28 "encoding"
              EQ@28..29 "="
              ATTR_VALUE@29..36 "'UTF-8'"
            PI_END@36..38 "?>"
          WHITESPACE@38..39 "\n"
          DOCTYPE@39..93
            DOCTYPE_TEXT@39..93 "<!DOCTYPE a [<!ENTITY ..."
          WHITESPACE@93..94 "\n"
          ELEMENT@94..104
            START_TAG@94..97
              L_ANGLE@94..95 "<"
              NAME@95..96 "a"
              R_ANGLE@96..97 ">"
            ENTITY_REF@97..100 "&x;"
            END_TAG@100..104
              L_ANGLE_SLASH@100..102 "</"
              NAME@102..103 "a"
              R_ANGLE@103..104 ">"
        error 97..100 unknown-entity: unknown entity '&x;': only &lt; &gt; &amp; &apos; &quot; and character references like &#38; are defined
    "#]],
    );
    check(
        "<?xml encoding='UTF-8' version='2'?><a/>",
        expect![[r#"
        DOCUMENT@0..40
          XML_DECL@0..36
            PI_START@0..2 "<?"
            NAME@2..5 "xml"
            WHITESPACE@5..6 " "
            ATTRIBUTE@6..22
              NAME@6..14 "encoding"
              EQ@14..15 "="
              ATTR_VALUE@15..22 "'UTF-8'"
            WHITESPACE@22..23 " "
            ATTRIBUTE@23..34
              NAME@23..30 "version"
              EQ@30..31 "="
              ATTR_VALUE@31..34 "'2'"
            PI_END@34..36 "?>"
          ELEMENT@36..40
            EMPTY_ELEM_TAG@36..40
              L_ANGLE@36..37 "<"
              NAME@37..38 "a"
              SLASH_R_ANGLE@38..40 "/>"
        error 23..34 bad-xml-declaration: bad version '2' in the XML declaration: expected a version like "1.0"
        error 23..34 bad-xml-declaration: the XML declaration must list version, encoding, standalone in that order
    "#]],
    );
    check(
        "<a/><?xml version='1.0'?>",
        expect![[r#"
        DOCUMENT@0..25
          ELEMENT@0..4
            EMPTY_ELEM_TAG@0..4
              L_ANGLE@0..1 "<"
              NAME@1..2 "a"
              SLASH_R_ANGLE@2..4 "/>"
          XML_DECL@4..25
            PI_START@4..6 "<?"
            NAME@6..9 "xml"
            WHITESPACE@9..10 " "
            ATTRIBUTE@10..23
              NAME@10..17 "version"
              EQ@17..18 "="
              ATTR_VALUE@18..23 "'1.0'"
            PI_END@23..25 "?>"
        error 4..25 misplaced-xml-declaration: the XML declaration must be the very first thing in the document
    "#]],
    );
}

#[test]
fn unquoted_value_and_junk_in_tag() {
    check(
        "<a b=1 \"c\"/>",
        expect![[r#"
        DOCUMENT@0..12
          ELEMENT@0..12
            EMPTY_ELEM_TAG@0..12
              L_ANGLE@0..1 "<"
              NAME@1..2 "a"
              WHITESPACE@2..3 " "
              ATTRIBUTE@3..6
                NAME@3..4 "b"
                EQ@4..5 "="
                ATTR_VALUE@5..6 "1"
              WHITESPACE@6..7 " "
              ERROR_TOKEN@7..8 "\""
              ATTRIBUTE@8..9
                NAME@8..9 "c"
              ERROR_TOKEN@9..10 "\""
              SLASH_R_ANGLE@10..12 "/>"
        error 5..6 unquoted-value: the value of attribute 'b' must be in quotes
        error 7..8 unexpected-in-tag: unexpected '"' in tag <a>
        error 8..9 missing-eq: attribute 'c' has no value: expected '=' and a quoted value
        error 9..10 unexpected-in-tag: unexpected '"' in tag <a>
    "#]],
    );
}
