//! RELAX NG name classes (`name`, `anyName`, `nsName`, `except`, `choice`) over interned names.

use crate::intern::{Interner, Sym};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NcId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NameClass {
    Name { ns: Sym, local: Sym },
    AnyName { except: Option<NcId> },
    NsName { ns: Sym, except: Option<NcId> },
    Choice(NcId, NcId),
}

/// All name classes of a catalogue.
#[derive(Debug, Default)]
pub struct NameClasses {
    classes: Vec<NameClass>,
    index: rustc_hash::FxHashMap<NameClass, NcId>,
}

impl NameClasses {
    /// Room for `n` more classes without growing.
    pub fn reserve(&mut self, n: usize) {
        self.classes.reserve(n);
        self.index.reserve(n);
    }

    pub fn add(&mut self, nc: NameClass) -> NcId {
        if let Some(id) = self.index.get(&nc) {
            return *id;
        }
        let id = NcId(self.classes.len() as u32);
        self.classes.push(nc.clone());
        self.index.insert(nc, id);
        id
    }

    pub fn get(&self, id: NcId) -> &NameClass {
        &self.classes[id.0 as usize]
    }

    /// Whether the class contains the name `{ns}local`.
    pub fn contains(&self, names: &Interner, id: NcId, ns: &str, local: &str) -> bool {
        match self.get(id) {
            NameClass::Name { ns: n, local: l } => names.get(*l) == local && names.get(*n) == ns,
            NameClass::AnyName { except } => {
                !except.is_some_and(|e| self.contains(names, e, ns, local))
            }
            NameClass::NsName { ns: n, except } => {
                names.get(*n) == ns && !except.is_some_and(|e| self.contains(names, e, ns, local))
            }
            NameClass::Choice(a, b) => {
                self.contains(names, *a, ns, local) || self.contains(names, *b, ns, local)
            }
        }
    }

    /// The explicit names of a class (what completion can offer); wildcards contribute nothing.
    pub fn names(&self, id: NcId, out: &mut Vec<(Sym, Sym)>) {
        match self.get(id) {
            NameClass::Name { ns, local } => out.push((*ns, *local)),
            NameClass::Choice(a, b) => {
                self.names(*a, out);
                self.names(*b, out);
            }
            NameClass::AnyName { .. } | NameClass::NsName { .. } => {}
        }
    }

    /// Whether the class accepts names beyond its explicit ones (anyName / nsName).
    pub fn is_wildcard(&self, id: NcId) -> bool {
        match self.get(id) {
            NameClass::Name { .. } => false,
            NameClass::AnyName { .. } | NameClass::NsName { .. } => true,
            NameClass::Choice(a, b) => self.is_wildcard(*a) || self.is_wildcard(*b),
        }
    }

    pub fn len(&self) -> usize {
        self.classes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }
}
