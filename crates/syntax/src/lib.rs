//! domxml-syntax: lossless, error-tolerant XML syntax tree (rowan) with incremental reparsing; never depends on schema, ide or LSP.
