//! String interning for names and namespace URIs of a catalogue.

use rustc_hash::FxHashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

#[derive(Debug, Default)]
pub struct Interner {
    strings: Vec<Box<str>>,
    // Fx, not SipHash: names come from schemas, and hashing them was a tenth of loading a
    // precompiled catalogue.
    index: FxHashMap<Box<str>, Sym>,
}

impl Interner {
    /// Room for `n` more names without growing.
    pub fn reserve(&mut self, n: usize) {
        self.strings.reserve(n);
        self.index.reserve(n);
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(sym) = self.index.get(s) {
            return *sym;
        }
        let sym = Sym(self.strings.len() as u32);
        self.strings.push(s.into());
        self.index.insert(s.into(), sym);
        sym
    }

    pub fn lookup(&self, s: &str) -> Option<Sym> {
        self.index.get(s).copied()
    }

    pub fn get(&self, sym: Sym) -> &str {
        &self.strings[sym.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    pub fn heap_bytes(&self) -> usize {
        self.strings.iter().map(|s| s.len() * 2 + 40).sum()
    }
}
