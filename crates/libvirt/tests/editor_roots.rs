//! The editor plugins carry a copy of libvirt's root element names (to decide which XML files
//! to hand to the server): it must equal the server's one list.

use std::collections::BTreeSet;

use domxml_libvirt::kinds::ROOT_KINDS;

/// The quoted names between `start` and the next `end` in `file`.
fn quoted_names(file: &str, start: &str, end: &str) -> BTreeSet<String> {
    let path = domxml_testdata::workspace().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{file}: no `{start}`"))
        + start.len();
    let list = &text[from..];
    let list = &list[..list
        .find(end)
        .unwrap_or_else(|| panic!("{file}: no `{end}`"))];
    list.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn server() -> BTreeSet<String> {
    ROOT_KINDS.iter().map(|k| k.root.to_owned()).collect()
}

#[test]
fn vscode_roots_equal_the_servers() {
    let vscode = quoted_names(
        "editors/vscode/src/roots.ts",
        "LIBVIRT_ROOTS: ReadonlySet<string> = new Set([",
        "]);",
    );
    assert_eq!(vscode, server());
}

#[test]
fn neovim_roots_equal_the_servers() {
    let nvim = quoted_names("editors/nvim/lua/domxml/init.lua", "M.roots = {", "}");
    assert_eq!(nvim, server());
}
