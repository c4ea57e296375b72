//! Prints the schema diagnostics of XML files: `cargo run --example check_one -- SCHEMA FILE...`
//! (SCHEMA: an .rng file or `builtin`).
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(schema) = args.next() else {
        eprintln!("usage: check_one SCHEMA FILE...");
        return;
    };
    let started = std::time::Instant::now();
    let compiled = if schema == "builtin" {
        domxml_schema::compile(
            &domxml_libvirt::builtin::EmbeddedFiles,
            domxml_libvirt::builtin::EmbeddedFiles::DOMAIN,
        )
    } else {
        domxml_schema::compile(&domxml_schema::DiskFiles, &schema)
    };
    let cat = match compiled {
        Ok(cat) => cat,
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            return;
        }
    };
    eprintln!(
        "compiled in {:?}: {} patterns, {} elements, ~{} KiB",
        started.elapsed(),
        cat.pattern_count(),
        cat.element_count(),
        cat.heap_bytes() / 1024
    );
    let mut validator = domxml_schema::Validator::new(&cat);
    for file in args {
        let Ok(text) = std::fs::read_to_string(&file) else {
            eprintln!("{file}: cannot read");
            continue;
        };
        let parse = domxml_syntax::parse(&text);
        for d in validator.validate(&parse.document()) {
            let line = text[..usize::from(d.range.start())].matches('\n').count() + 1;
            println!(
                "{file}:{line}: [{}] {} {:?}",
                d.code, d.message, &text[d.range]
            );
        }
    }
}
