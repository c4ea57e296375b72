//! `domxml lsp`: the language server over stdio. A thin adapter: it keeps the open documents
//! (text, incremental tree, line index, version), converts LSP positions through the line index,
//! and answers every request with a function of `domxml-ide`. Diagnostics are computed on one
//! analysis thread that always takes the newest text and never publishes an older one.

mod analysis;
mod config;
mod convert;
mod framing;
mod handlers;
mod store;

use std::sync::{Arc, Mutex, RwLock};

use domxml_syntax::PositionEncoding;
use tower_lsp_server::{Client, LspService, Server};

pub use config::Config;

/// Custom request (and notification the server pushes when it changes): the schema in use.
pub const STATUS_METHOD: &str = "domxml/status";

/// Custom request: the text that auto-closes a tag after the user typed `>` or `</`.
pub const AUTO_CLOSE_METHOD: &str = "domxml/autoClose";

/// Everything the handlers share.
pub struct State {
    pub docs: Mutex<store::Store>,
    /// Woken whenever an applier installs a newer snapshot.
    pub applied: tokio::sync::Notify,
    pub config: RwLock<Config>,
    pub schema: RwLock<Option<Arc<dyn domxml_ide::SchemaModel>>>,
    pub encoding: RwLock<PositionEncoding>,
    pub snippets: RwLock<bool>,
    /// The client answers `workspace/configuration`.
    pub pull_config: RwLock<bool>,
    pub status: RwLock<SchemaStatus>,
    pub analysis: analysis::Queue,
}

/// Which schema is in use, for `domxml/status` (the editor extensions show it).
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaStatus {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub libvirt_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Why the configured schema could not be used (the built-in one is used instead).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl From<domxml_libvirt::select::Status> for SchemaStatus {
    fn from(s: domxml_libvirt::select::Status) -> SchemaStatus {
        SchemaStatus {
            kind: s.kind.to_owned(),
            libvirt_version: s.libvirt_version,
            path: s.path,
            error: None,
        }
    }
}

pub struct Backend {
    pub client: Client,
    pub state: Arc<State>,
}

pub fn run() -> std::process::ExitCode {
    // Logs go to stderr (stdout is the protocol): `DOMXML_LOG=debug domxml lsp`.
    if let Ok(filter) = std::env::var("DOMXML_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .try_init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let (service, socket) = LspService::build(|client| {
            let handle = tokio::runtime::Handle::current();
            let state = Arc::new_cyclic(|weak| State {
                docs: Mutex::new(store::Store::default()),
                applied: tokio::sync::Notify::new(),
                config: RwLock::new(Config::default()),
                schema: RwLock::new(None),
                encoding: RwLock::new(PositionEncoding::Utf16),
                snippets: RwLock::new(false),
                pull_config: RwLock::new(false),
                status: RwLock::new(SchemaStatus::default()),
                analysis: analysis::Queue::start(weak.clone(), client.clone(), handle),
            });
            Backend { client, state }
        })
        .custom_method(STATUS_METHOD, Backend::status)
        .custom_method(AUTO_CLOSE_METHOD, Backend::auto_close)
        .finish();
        // The server reads and writes through `framing`, which keeps bad input away from it.
        framing::run(|input, output| Server::new(input, output, socket).serve(service)).await;
    });
    // The stdin reader is a blocking thread that may still wait for input after `exit`: do not
    // wait for it (nor for an analysis in progress).
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    std::process::ExitCode::SUCCESS
}

/// Runs `f`, turning a panic into an internal error so that one failing request never takes the
/// server down.
pub fn guard<T>(what: &str, f: impl FnOnce() -> T) -> tower_lsp_server::jsonrpc::Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(v) => Ok(v),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            tracing::error!("{what} failed: {msg}");
            let mut e = tower_lsp_server::jsonrpc::Error::internal_error();
            e.message = format!("{what} failed: {msg}").into();
            Err(e)
        }
    }
}

/// Installs a panic hook that logs to stderr without the default backtrace noise (stdout is the
/// protocol channel and must stay clean).
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("domxml lsp: internal error: {info}");
    }));
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panicking_request_becomes_an_internal_error() {
        let ok = super::guard("hover", || 42);
        assert_eq!(ok.ok(), Some(42));
        let failed = super::guard("hover", || -> i32 { panic!("boom on bad input") });
        let e = failed.expect_err("the panic is caught");
        assert_eq!(e.code, tower_lsp_server::jsonrpc::ErrorCode::InternalError);
        assert!(e.message.contains("boom on bad input"), "{}", e.message);
    }
}
