//! domxml-libvirt: libvirt policy over XML and RELAX NG: which documents are libvirt's, which schema and libvirt version apply, and libvirt's rules beyond the schema; never depends on ide, LSP or tokio.
//!
//! - [`kinds`]: the one table of libvirt root elements and their schema files;
//! - [`discovery`]: the host's libvirt schemas and version (the only host I/O of domxml's
//!   libraries), [`select`]: from a discovery to the [`model::SchemaModel`] every front end
//!   shares, [`report`]: `--print-schema`;
//! - [`builtin`]: the embedded, documented catalogue of libvirt 11.3; [`drift`]: what an older
//!   host schema rejects but the catalogue accepts;
//! - [`rules`]: libvirt's semantic rules; [`diagnostic`]: the one vocabulary of codes.

pub mod builtin;
pub mod cache;
pub mod diagnostic;
pub mod discovery;
pub mod drift;
pub mod kinds;
pub mod model;
pub mod report;
pub mod rules;
pub mod select;
pub mod words;

pub use diagnostic::{Code, Fix, Related, Severity};
