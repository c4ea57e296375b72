//! The analysis thread: computes diagnostics for the newest version of each queued document and
//! publishes them with that version. Requests for the same document that pile up while it works
//! collapse into one (debouncing without a timer), and a result is dropped when the document
//! changed meanwhile, so no client ever sees diagnostics for an older text than the last ones.
//!
//! In a large document libvirt's rules cost far more than the (incremental) schema validation,
//! so they run off the keystroke path, on their own thread: a change is published at once with
//! its syntax and schema diagnostics and the rules' last findings moved through the edits since
//! (dropping those an edit touches), then published again when the rules' fresh findings for it
//! are in (a run whose text is already older only refreshes what the next change reuses). Every
//! publish whose findings are all fresh is followed by [`COMPLETE_METHOD`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Weak};
use std::time::Duration;

use domxml_ide::Diagnostic;
use domxml_ide::diagnostics::DiagnosticsOptions;
use domxml_libvirt::kinds::document_kind;
use domxml_libvirt::rules::RuleOptions;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{
    Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Uri,
};

use super::State;
use super::store::{Mark, Snapshot};

pub enum Job {
    /// Recompute a document (its newest version).
    Analyze(String),
    /// The document was closed: clear its diagnostics.
    Close(String),
    /// The rules thread's findings for a snapshot.
    RulesDone(RulesResult),
}

/// Notification `{uri, version}` after the diagnostics published for that version: they include
/// the rules' findings for exactly that text, and no other publish for it follows.
pub const COMPLETE_METHOD: &str = "domxml/diagnosticsComplete";

enum CompleteNotification {}

impl tower_lsp_server::ls_types::notification::Notification for CompleteNotification {
    type Params = serde_json::Value;
    const METHOD: &'static str = COMPLETE_METHOD;
}

/// Documents larger than this (bytes) get the rules' findings in a second publish: 128 KiB, or
/// `DOMXML_DEFER_RULES_BYTES` (0: always).
fn defer_rules_above() -> usize {
    static BYTES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *BYTES.get_or_init(|| {
        std::env::var("DOMXML_DEFER_RULES_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(128 << 10)
    })
}

/// What the rules found in one snapshot, in its byte ranges.
pub struct RulesResult {
    uri: String,
    mark: Mark,
    version: i32,
    rules: RuleOptions,
    findings: Vec<Diagnostic>,
}

/// A snapshot for the rules thread.
struct RulesJob {
    doc: Snapshot,
    rules: RuleOptions,
}

/// The rules' latest findings for a document, in the byte ranges of the snapshot at `mark`.
struct Known {
    mark: Mark,
    findings: Vec<Diagnostic>,
}

/// A version published with its syntax and schema diagnostics, waiting for the rules.
struct Awaiting {
    doc: Snapshot,
    base: Vec<Diagnostic>,
    options: DiagnosticsOptions,
    encoding: domxml_syntax::PositionEncoding,
}

pub struct Queue {
    tx: std::sync::Mutex<mpsc::Sender<Job>>,
}

impl Queue {
    pub fn start(state: Weak<State>, client: Client, handle: tokio::runtime::Handle) -> Queue {
        let (tx, rx) = mpsc::channel::<Job>();
        let (rules_tx, rules_rx) = mpsc::channel::<RulesJob>();
        let back = tx.clone();
        let weak = state.clone();
        let spawned = std::thread::Builder::new()
            .name("domxml-rules".into())
            .spawn(move || rules_worker(rules_rx, back, weak));
        // Without it the rules run on the analysis thread.
        let rules_tx = match spawned {
            Ok(_) => Some(rules_tx),
            Err(e) => {
                tracing::error!("cannot start the rules thread: {e}");
                None
            }
        };
        let spawned = std::thread::Builder::new()
            .name("domxml-analysis".into())
            .spawn(move || worker(rx, rules_tx, state, client, handle));
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
    rules_tx: Option<mpsc::Sender<RulesJob>>,
    state: Weak<State>,
    client: Client,
    handle: tokio::runtime::Handle,
) {
    // Last version published per document, to never go backwards.
    let mut published: HashMap<String, i32> = HashMap::new();
    let mut known: HashMap<String, Known> = HashMap::new();
    let mut awaiting: HashMap<String, Awaiting> = HashMap::new();
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
        // The rules' results, each kept (a later one only refreshes what is known).
        let mut done: Vec<RulesResult> = Vec::new();
        let mut take = |job: Job| {
            let uri = match job {
                Job::Analyze(ref u) | Job::Close(ref u) => u.clone(),
                Job::RulesDone(r) => {
                    done.push(r);
                    return;
                }
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
            known.remove(uri);
            awaiting.remove(uri);
        }
        let Some(state) = state.upgrade() else { return };
        for result in done {
            let current = state.docs.lock().ok().and_then(|d| d.version(&result.uri));
            let Some(current) = current else { continue };
            let fresh = awaiting.get(&result.uri).is_some_and(|a| {
                a.doc.mark() == result.mark
                    && a.doc.version == result.version
                    && a.options.rules == result.rules
                    && current == result.version
            });
            if fresh && let Some(a) = awaiting.remove(&result.uri) {
                let all =
                    domxml_ide::diagnostics::merge(a.base, result.findings.clone(), &a.options);
                let lsp = to_lsp(&a.doc, a.encoding, all);
                if published
                    .get(&result.uri)
                    .is_none_or(|&v| v <= a.doc.version)
                {
                    published.insert(result.uri.clone(), a.doc.version);
                    publish(&client, &handle, &result.uri, lsp, Some(a.doc.version));
                    complete(&client, &handle, &result.uri, a.doc.version);
                }
            }
            known.insert(
                result.uri,
                Known {
                    mark: result.mark,
                    findings: result.findings,
                },
            );
        }
        for uri in order {
            let Some(job) = last.remove(&uri) else {
                continue;
            };
            match job {
                Job::Close(uri) => {
                    published.remove(&uri);
                    publish(&client, &handle, &uri, Vec::new(), None);
                }
                Job::RulesDone(_) => {}
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
                    let Ok(analysed) = computed else { continue };
                    // Still the newest text? Otherwise a newer job is queued and will publish.
                    let current = state.docs.lock().ok().and_then(|d| d.version(&uri));
                    if current != Some(doc.version) {
                        continue;
                    }
                    let encoding = state
                        .encoding
                        .read()
                        .map(|e| *e)
                        .unwrap_or(domxml_syntax::PositionEncoding::Utf16);
                    published.insert(uri.clone(), doc.version);
                    match analysed {
                        Analysed::Complete(diagnostics) => {
                            awaiting.remove(&uri);
                            let lsp = to_lsp(&doc, encoding, diagnostics);
                            publish(&client, &handle, &uri, lsp, Some(doc.version));
                            complete(&client, &handle, &uri, doc.version);
                        }
                        Analysed::Base { base, options } => {
                            let Some(tx) = &rules_tx else {
                                // No rules thread could start: the rules run here.
                                awaiting.remove(&uri);
                                let semantic = domxml_ide::diagnostics::semantic_diagnostics(
                                    doc.document.parse(),
                                    doc.document.text(),
                                    &options.rules,
                                );
                                let all = domxml_ide::diagnostics::merge(base, semantic, &options);
                                let lsp = to_lsp(&doc, encoding, all);
                                publish(&client, &handle, &uri, lsp, Some(doc.version));
                                complete(&client, &handle, &uri, doc.version);
                                continue;
                            };
                            let moved = known
                                .get(&uri)
                                .and_then(|k| {
                                    let edits = doc.edits_since(k.mark)?;
                                    Some(domxml_ide::diagnostics::map_through(&k.findings, &edits))
                                })
                                .unwrap_or_default();
                            let all = domxml_ide::diagnostics::merge(base.clone(), moved, &options);
                            publish(
                                &client,
                                &handle,
                                &uri,
                                to_lsp(&doc, encoding, all),
                                Some(doc.version),
                            );
                            let _ = tx.send(RulesJob {
                                doc: doc.clone(),
                                rules: options.rules.clone(),
                            });
                            awaiting.insert(
                                uri,
                                Awaiting {
                                    doc,
                                    base,
                                    options,
                                    encoding,
                                },
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The longest pause in changes the rules thread waits for before a run (it waits as long as
/// the document's last run took, up to this); changes that keep coming defer a run by at most
/// four times this.
const MAX_QUIET: Duration = Duration::from_millis(100);

/// Runs the rules for the newest snapshot of each document queued (older ones are skipped),
/// once changes pause, and hands the findings back to the analysis thread.
///
/// It keeps the default priority: at nice 10 (tried for issue 13, 5 MB domain, two cores) the
/// first publish came no sooner, since it waits on the applier and the validation, not on this
/// thread, and the rules' own publish came later.
fn rules_worker(rx: mpsc::Receiver<RulesJob>, back: mpsc::Sender<Job>, state: Weak<State>) {
    // How long the last run for each document took.
    let mut took: HashMap<String, Duration> = HashMap::new();
    while let Ok(first) = rx.recv() {
        let mut order: Vec<String> = Vec::new();
        let mut last: HashMap<String, RulesJob> = HashMap::new();
        let take = |job: RulesJob, order: &mut Vec<String>, last: &mut HashMap<_, _>| {
            if !last.contains_key(&job.doc.uri) {
                order.push(job.doc.uri.clone());
            }
            last.insert(job.doc.uri.clone(), job);
        };
        take(first, &mut order, &mut last);
        while let Ok(job) = rx.try_recv() {
            take(job, &mut order, &mut last);
        }
        // Wait for a pause in the changes as long as the last run took: while changes come
        // faster than the rules finish, each run would be superseded before it is published
        // and would only take the CPU from the keystrokes' own analysis.
        let quiet = last
            .keys()
            .filter_map(|uri| took.get(uri))
            .max()
            .map_or(Duration::ZERO, |&t| t.min(MAX_QUIET));
        let waiting_since = std::time::Instant::now();
        while !quiet.is_zero() && waiting_since.elapsed() < MAX_QUIET * 4 {
            match rx.recv_timeout(quiet) {
                Ok(job) => take(job, &mut order, &mut last),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        for uri in order {
            let Some(job) = last.remove(&uri) else {
                continue;
            };
            let Some(state) = state.upgrade() else { return };
            // Superseded before it started: a job for the newer text is on its way.
            let current = state.docs.lock().ok().and_then(|d| d.version(&uri));
            if current != Some(job.doc.version) {
                continue;
            }
            drop(state);
            let started = std::time::Instant::now();
            let findings = super::guard("rules", || {
                domxml_ide::diagnostics::semantic_diagnostics(
                    job.doc.document.parse(),
                    job.doc.document.text(),
                    &job.rules,
                )
            });
            took.insert(uri.clone(), started.elapsed());
            tracing::debug!(uri, version = job.doc.version, elapsed = ?started.elapsed(), "rules run");
            let Ok(findings) = findings else { continue };
            let result = RulesResult {
                uri,
                mark: job.doc.mark(),
                version: job.doc.version,
                rules: job.rules,
                findings,
            };
            if back.send(Job::RulesDone(result)).is_err() {
                return;
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

fn complete(client: &Client, handle: &tokio::runtime::Handle, uri: &str, version: i32) {
    handle.block_on(client.send_notification::<CompleteNotification>(
        serde_json::json!({ "uri": uri, "version": version }),
    ));
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

/// A snapshot's diagnostics, in its byte ranges.
enum Analysed {
    /// All of them (the rules ran, or do not apply).
    Complete(Vec<Diagnostic>),
    /// Syntax and schema: the rules are still to run, with these options.
    Base {
        base: Vec<Diagnostic>,
        options: DiagnosticsOptions,
    },
}

type Computed = tower_lsp_server::jsonrpc::Result<Analysed>;

/// A long-lived validation thread (no thread start per keystroke).
pub struct Helper {
    jobs: std::sync::mpsc::Sender<(Arc<State>, Snapshot)>,
    results: std::sync::mpsc::Receiver<Computed>,
    /// True while the helper is computing.
    busy: Arc<AtomicBool>,
}

impl Helper {
    fn start() -> Option<Helper> {
        let (jobs, job_rx) = std::sync::mpsc::channel::<(Arc<State>, Snapshot)>();
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
    doc: &Snapshot,
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

/// The diagnostics of a snapshot; the rules of a large document are left out, to run apart.
fn compute(state: &State, doc: &Snapshot, mode: Mode) -> Analysed {
    let config = state.config.read().map(|c| c.clone()).unwrap_or_default();
    if !config.diagnostics_enable {
        return Analysed::Complete(Vec::new());
    }
    let schema = match mode {
        Mode::Full => state.schema.read().ok().and_then(|s| s.clone()),
        Mode::SyntaxOnlyAfterTimeout => None,
    };
    let kind = document_kind(doc.document.parse(), &doc.uri);
    let options = DiagnosticsOptions {
        rules: config.rule_options(),
        ..DiagnosticsOptions::default()
    };
    let started = std::time::Instant::now();
    let parse = doc.document.parse();
    let base = domxml_ide::diagnostics::base_diagnostics(parse, kind, schema.as_deref(), &options);
    tracing::trace!(elapsed = ?started.elapsed(), count = base.diagnostics.len(), "syntax and schema diagnostics");
    // The text itself is read only by the rules: a large document's keystrokes never need it
    // as one string.
    if base.rules_apply && usize::from(doc.document.len()) > defer_rules_above() {
        return Analysed::Base {
            base: base.diagnostics,
            options,
        };
    }
    let semantic = if base.rules_apply {
        domxml_ide::diagnostics::semantic_diagnostics(parse, doc.document.text(), &options.rules)
    } else {
        Vec::new()
    };
    let mut diagnostics = domxml_ide::diagnostics::merge(base.diagnostics, semantic, &options);
    if mode == Mode::SyntaxOnlyAfterTimeout {
        diagnostics.push(Diagnostic {
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
    Analysed::Complete(diagnostics)
}

/// Diagnostics in the snapshot's byte ranges as LSP diagnostics.
fn to_lsp(
    doc: &Snapshot,
    encoding: domxml_syntax::PositionEncoding,
    diagnostics: Vec<Diagnostic>,
) -> Vec<LspDiagnostic> {
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
