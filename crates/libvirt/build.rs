//! Embeds every `catalogue/**.rng` file into the binary as an in-memory file table, so the
//! built-in schema needs no files at run time and `include href` resolves against the table;
//! and the catalogue compiled from them, serialised, so a run loads it instead of compiling.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rng") {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, path));
        }
    }
}

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join("catalogue");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    let mut code = String::from("pub static FILES: &[(&str, &str)] = &[\n");
    for (rel, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("embedded_catalogue.rs"), code).expect("OUT_DIR is writable");
    // Compiled from the same table the binary embeds. A catalogue that does not compile is
    // left empty here: the run compiles it and reports the errors.
    let table: Vec<(String, String)> = files
        .iter()
        .map(|(rel, path)| {
            let text = std::fs::read_to_string(path).expect("catalogue files are readable");
            (rel.clone(), text)
        })
        .collect();
    let compiled = domxml_schema::compile(&domxml_schema::MemoryFiles(table), "domain.rng")
        .map(|cat| domxml_schema::serial::to_bytes(&cat))
        .unwrap_or_default();
    std::fs::write(out.join("builtin.catalogue"), compiled).expect("OUT_DIR is writable");
}
