//! The analysis thread: computes diagnostics for the newest version of each queued document and
//! publishes them with that version. Requests for the same document that pile up while it works
//! collapse into one (debouncing without a timer), and a result is dropped when the document
//! changed meanwhile, so no client ever sees diagnostics for an older text than the last ones.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Weak};
use std::time::Duration;

use domxml_ide::diagnostics::DiagnosticsOptions;
use domxml_libvirt::kinds::document_kind;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{
    Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Uri,
};

use super::State;

pub enum Job {
    /// Recompute a document (its newest version).
    Analyze(String),
    /// The document was closed: clear its diagnostics.
    Close(String),
}

pub struct Queue {
    tx: std::sync::Mutex<mpsc::Sender<Job>>,
}

impl Queue {
    pub fn start(state: Weak<State>, client: Client, handle: tokio::runtime::Handle) -> Queue {
        let (tx, rx) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("domxml-analysis".into())
            .spawn(move || worker(rx, state, client, handle));
        if let Err(e) = spawned {
            tracing::error!("cannot start the analysis thread: {e}");
        }
        Queue {
            tx: std::sync::Mutex::new(tx),
        }
    }

    pub fn send(&self, job: Job) {
        if let Ok(tx) = self.tx.lock() {
            let _ = tx.send(job);
        }
    }
}

fn worker(
    rx: mpsc::Receiver<Job>,
    state: Weak<State>,
    client: Client,
    handle: tokio::runtime::Handle,
) {
    // Last version published per document, to never go backwards.
    let mut published: HashMap<String, i32> = HashMap::new();
    // Set while a validation that overran its deadline is still running.
    let mut stuck: Option<Arc<AtomicBool>> = None;
    let mut helper: Option<Helper> = None;
    while let Ok(first) = rx.recv() {
        // Collapse everything queued meanwhile: per document, only the last job matters.
        let mut order: Vec<String> = Vec::new();
        let mut last: HashMap<String, Job> = HashMap::new();
        // A close in the batch ends the document's version history even when a reopen follows
        // (the reopened document starts again at any version).
        let mut closed: Vec<String> = Vec::new();
        let mut take = |job: Job| {
            let uri = match &job {
                Job::Analyze(u) | Job::Close(u) => u.clone(),
            };
            if matches!(job, Job::Close(_)) {
                closed.push(uri.clone());
            }
            if !last.contains_key(&uri) {
                order.push(uri.clone());
            }
            last.insert(uri, job);
        };
        take(first);
        while let Ok(job) = rx.try_recv() {
            take(job);
        }
        for uri in &closed {
            published.remove(uri);
        }
        let Some(state) = state.upgrade() else { return };
        for uri in order {
            let Some(job) = last.remove(&uri) else {
                continue;
            };
            match job {
                Job::Close(uri) => {
                    published.remove(&uri);
                    publish(&client, &handle, &uri, Vec::new(), None);
                }
                Job::Analyze(uri) => {
                    let Some(doc) = state.docs.lock().ok().and_then(|d| d.get(&uri)) else {
                        continue;
                    };
                    if published.get(&uri).is_some_and(|&v| v > doc.version) {
                        continue;
                    }
                    let started = std::time::Instant::now();
                    let computed = run_with_deadline(&state, &doc, &mut helper, &mut stuck);
                    tracing::debug!(uri, version = doc.version, elapsed = ?started.elapsed(), "diagnostics computed");
                    let diagnostics = match computed {
                        Ok(d) => d,
                        Err(_) => continue,
                    };
                    // Still the newest text? Otherwise a newer job is queued and will publish.
                    let current = state.docs.lock().ok().and_then(|d| d.version(&uri));
                    if current != Some(doc.version) {
                        continue;
                    }
                    published.insert(uri.clone(), doc.version);
                    publish(&client, &handle, &uri, diagnostics, Some(doc.version));
                }
            }
        }
    }
}

fn publish(
    client: &Client,
    handle: &tokio::runtime::Handle,
    uri: &str,
    diagnostics: Vec<LspDiagnostic>,
    version: Option<i32>,
) {
    let Ok(uri) = uri.parse::<Uri>() else { return };
    handle.block_on(client.publish_diagnostics(uri, diagnostics, version));
}

/// How long schema validation may take before the document gets well-formedness diagnostics
/// only (a validator bug must not freeze diagnostics for good): 5 s, or
/// `DOMXML_SCHEMA_DEADLINE_MS`.
fn schema_deadline() -> Duration {
    static DEADLINE: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *DEADLINE.get_or_init(|| {
        std::env::var("DOMXML_SCHEMA_DEADLINE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(Duration::from_secs(5), Duration::from_millis)
    })
}

type Computed = tower_lsp_server::jsonrpc::Result<Vec<LspDiagnostic>>;

/// A long-lived validation thread (no thread start per keystroke).
pub struct Helper {
    jobs: std::sync::mpsc::Sender<(Arc<State>, super::store::Snapshot)>,
    results: std::sync::mpsc::Receiver<Computed>,
    /// True while the helper is computing.
    busy: Arc<AtomicBool>,
}

impl Helper {
    fn start() -> Option<Helper> {
        let (jobs, job_rx) = std::sync::mpsc::channel::<(Arc<State>, super::store::Snapshot)>();
        let (result_tx, results) = std::sync::mpsc::channel();
        let busy = Arc::new(AtomicBool::new(false));
        let flag = busy.clone();
        std::thread::Builder::new()
            .name("domxml-validate".into())
            .spawn(move || {
                while let Ok((state, doc)) = job_rx.recv() {
                    let result = super::guard("diagnostics", || compute(&state, &doc, Mode::Full));
                    flag.store(false, Ordering::Release);
                    if result_tx.send(result).is_err() {
                        return;
                    }
                }
            })
            .ok()?;
        Some(Helper {
            jobs,
            results,
            busy,
        })
    }
}

/// Computes on the helper thread with a deadline; after a timeout the helper is abandoned and,
/// until its validation ends, documents get syntax diagnostics with a note instead.
fn run_with_deadline(
    state: &Arc<State>,
    doc: &super::store::Snapshot,
    helper: &mut Option<Helper>,
    stuck: &mut Option<Arc<AtomicBool>>,
) -> Computed {
    if stuck.as_ref().is_some_and(|s| !s.load(Ordering::Acquire)) {
        *stuck = None;
    }
    if stuck.is_some() {
        return super::guard("diagnostics", || {
            compute(state, doc, Mode::SyntaxOnlyAfterTimeout)
        });
    }
    if helper.is_none() {
        *helper = Helper::start();
    }
    let Some(h) = helper.as_ref() else {
        return super::guard("diagnostics", || compute(state, doc, Mode::Full));
    };
    h.busy.store(true, Ordering::Release);
    if h.jobs.send((state.clone(), doc.clone())).is_err() {
        *helper = None;
        return super::guard("diagnostics", || compute(state, doc, Mode::Full));
    }
    match h.results.recv_timeout(schema_deadline()) {
        Ok(result) => result,
        Err(_) => {
            tracing::error!(
                uri = doc.uri,
                version = doc.version,
                "schema validation overran its deadline"
            );
            *stuck = helper.take().map(|h| h.busy);
            super::guard("diagnostics", || {
                compute(state, doc, Mode::SyntaxOnlyAfterTimeout)
            })
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Full,
    SyntaxOnlyAfterTimeout,
}

/// The LSP diagnostics of a snapshot.
fn compute(state: &State, doc: &super::store::Snapshot, mode: Mode) -> Vec<LspDiagnostic> {
    let config = state.config.read().map(|c| c.clone()).unwrap_or_default();
    if !config.diagnostics_enable {
        return Vec::new();
    }
    let schema = match mode {
        Mode::Full => state.schema.read().ok().and_then(|s| s.clone()),
        Mode::SyntaxOnlyAfterTimeout => None,
    };
    let encoding = state
        .encoding
        .read()
        .map(|e| *e)
        .unwrap_or(domxml_syntax::PositionEncoding::Utf16);
    let kind = document_kind(doc.document.parse(), &doc.uri);
    let started = std::time::Instant::now();
    let diagnostics = domxml_ide::diagnostics::diagnostics(
        doc.document.parse(),
        doc.document.text(),
        kind,
        schema.as_deref(),
        &DiagnosticsOptions {
            rules: config.rule_options(),
            ..DiagnosticsOptions::default()
        },
    );
    tracing::trace!(elapsed = ?started.elapsed(), count = diagnostics.len(), "ide diagnostics");
    let mut diagnostics = diagnostics;
    if mode == Mode::SyntaxOnlyAfterTimeout {
        diagnostics.push(domxml_ide::Diagnostic {
            range: domxml_syntax::TextRange::empty(0.into()),
            severity: domxml_ide::Severity::Information,
            source: domxml_ide::Source::Schema,
            code: domxml_ide::Code::AnalysisLimited,
            message: format!(
                "schema validation did not finish within {} ms: only well-formedness is checked for now",
                schema_deadline().as_millis()
            ),
            related: Vec::new(),
        });
    }
    let lines = doc.lines(encoding);
    diagnostics
        .into_iter()
        .map(|d| LspDiagnostic {
            range: lines.range(d.range),
            severity: Some(match d.severity {
                domxml_ide::Severity::Error => DiagnosticSeverity::ERROR,
                domxml_ide::Severity::Warning => DiagnosticSeverity::WARNING,
                domxml_ide::Severity::Information => DiagnosticSeverity::INFORMATION,
                domxml_ide::Severity::Hint => DiagnosticSeverity::HINT,
            }),
            code: Some(NumberOrString::String(d.code.as_str().into())),
            source: Some(format!("domxml-{}", d.source.as_str())),
            message: d.message,
            related_information: related_information(&d.related, &lines, &doc.uri),
            ..Default::default()
        })
        .collect()
}

/// The other places of a diagnostic, in the same document.
fn related_information(
    related: &[domxml_libvirt::Related],
    lines: &super::convert::Lines<'_>,
    uri: &str,
) -> Option<Vec<DiagnosticRelatedInformation>> {
    let uri: tower_lsp_server::ls_types::Uri = uri.parse().ok()?;
    let out: Vec<_> = related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: lines.range(r.range),
            },
            message: r.message.clone(),
        })
        .collect();
    (!out.is_empty()).then_some(out)
}
