//! domxml-schema: RELAX NG compiler, catalogue and validator over domxml-syntax trees; never depends on ide, LSP or tokio.
//!
//! - [`compile`] turns `.rng` files (on disk, embedded in the binary or in memory) into one
//!   immutable, shareable [`Catalogue`];
//! - [`Validator`] walks a document's syntax tree against it with derivatives and reports every
//!   problem as a [`Diagnostic`] with a precise range, a stable code and a plain message;
//! - [`query`] answers completion and hover questions (allowed children, attributes, values,
//!   documentation by document path).

mod catalogue;
mod compile;
pub mod datatype;
mod derive;
mod diagnostic;
mod doc_walk;
mod docs;
mod elem_cache;
mod explain;
mod intern;
pub mod inventory;
pub mod libxml2_order;
mod name_class;
mod pattern;
mod pool;
pub mod query;
pub mod serial;
mod sibling_states;
mod sources;
mod suggest;
mod validate;
mod xml_tree;
pub mod xsd_regex;

pub use catalogue::{AttributeDef, Catalogue, ElementDef, Location, Since, ValueDef};
pub use compile::{SchemaError, compile};
pub use diagnostic::{Code, Diagnostic};
pub use sources::{DiskFiles, MemoryFiles, SchemaFiles, resolve_href};
pub use suggest::{did_you_mean, edit_distance};
pub use validate::{Validator, validate, validate_without_reuse};
