//! domxml-libvirt: libvirt policy over XML and RELAX NG: which documents are libvirt's, which schema and libvirt version apply, and libvirt's rules beyond the schema; never depends on ide, LSP or tokio.

pub mod diagnostic;
pub mod rules;

pub use diagnostic::{Fix, Related, Severity};
