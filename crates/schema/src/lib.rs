//! domxml-schema: RELAX NG compiler, catalogue and validator over domxml-syntax trees; never depends on ide, LSP or tokio.
