//! The `LanguageServer` implementation: every handler snapshots the document, converts
//! positions, calls `domxml-ide` under a panic guard and converts the result back.

use std::sync::Arc;

use domxml_ide::completion::{CompletionKind, CompletionOptions as IdeCompletionOptions};
use domxml_libvirt::kinds::{DocumentKind, document_kind};
use domxml_syntax::PositionEncoding;
use serde_json::Value;
use tower_lsp_server::LanguageServer;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use domxml_libvirt::select;

use super::analysis::Job;
use super::store::{self, Doc, Snapshot};
use super::{Backend, SchemaStatus, guard};

const MAX_SYMBOLS: usize = 20_000;
/// The source action that reorders a domain's children as libvirt writes them.
const LIBVIRT_ORDER_KIND: &str = "source.libvirtOrder";

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoCloseParams {
    text_document: TextDocumentIdentifier,
    position: Position,
    ch: String,
}

#[derive(Debug, serde::Serialize)]
pub struct AutoCloseResult {
    /// Snippet syntax: `$0` is where the cursor ends up.
    snippet: String,
}

/// The `domxml/status` notification.
enum StatusNotification {}

impl tower_lsp_server::ls_types::notification::Notification for StatusNotification {
    type Params = Value;
    const METHOD: &'static str = super::STATUS_METHOD;
}

impl Backend {
    /// The document as the client sees it, once the changes sent before this request are
    /// applied; when they take longer than [`store::edit_wait`], the newest applied snapshot.
    async fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let deadline = tokio::time::Instant::now() + store::edit_wait();
        loop {
            // Registered before looking, so that an install in between is not missed.
            let applied = self.state.applied.notified();
            tokio::pin!(applied);
            applied.as_mut().enable();
            let (doc, pending) = self.state.docs.lock().ok()?.latest(uri.as_str())?;
            if !pending || tokio::time::timeout_at(deadline, applied).await.is_err() {
                return Some(doc);
            }
        }
    }

    /// Applies the queued changes of one document until none is left, off the server's task.
    fn start_applier(&self, ticket: store::Ticket) {
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || {
            loop {
                let encoding = state
                    .encoding
                    .read()
                    .map(|e| *e)
                    .unwrap_or(PositionEncoding::Utf16);
                let Some((mut doc, batch)) =
                    state.docs.lock().ok().and_then(|mut d| d.take(&ticket))
                else {
                    state.applied.notify_waiters();
                    return;
                };
                let started = std::time::Instant::now();
                for change in batch {
                    let before = doc.clone();
                    let version = change.version;
                    doc = guard("change", move || {
                        doc.apply(change.changes, version, encoding);
                        doc
                    })
                    // A change that cannot be applied is dropped (the next full sync repairs it).
                    .unwrap_or(before);
                }
                let version = doc.version;
                let installed = state
                    .docs
                    .lock()
                    .map(|mut d| d.install(&ticket, doc))
                    .unwrap_or(false);
                tracing::debug!(version, elapsed = ?started.elapsed(), installed, "changes applied");
                state.applied.notify_waiters();
                if installed {
                    state.analysis.send(Job::Analyze(ticket.uri.clone()));
                }
            }
        });
    }

    /// Readies the schema for the edits of a document just opened, in the background.
    fn prepare(&self, uri: &str) {
        let Some(doc) = self.state.docs.lock().ok().and_then(|d| d.get(uri)) else {
            return;
        };
        let Some(schema) = self.schema_for(&doc) else {
            return;
        };
        tokio::task::spawn_blocking(move || {
            let _ = guard("prepare", || {
                schema.prepare(&doc.document.parse().document())
            });
        });
    }

    fn encoding(&self) -> PositionEncoding {
        self.state
            .encoding
            .read()
            .map(|e| *e)
            .unwrap_or(PositionEncoding::Utf16)
    }

    fn schema(&self) -> Option<Arc<dyn domxml_ide::SchemaModel>> {
        self.state.schema.read().ok().and_then(|s| s.clone())
    }

    /// The schema for a document that is libvirt XML, else None.
    fn schema_for(&self, doc: &Doc) -> Option<Arc<dyn domxml_ide::SchemaModel>> {
        match document_kind(doc.document.parse(), &doc.uri) {
            DocumentKind::Libvirt => self.schema(),
            DocumentKind::OtherXml => None,
        }
    }

    fn reanalyze_all(&self) {
        let uris: Vec<String> = self.state.docs.lock().map(|d| d.uris()).unwrap_or_default();
        for uri in uris {
            self.state.analysis.send(Job::Analyze(uri));
        }
    }

    /// Loads the configured schema, falling back to the built-in catalogue when it cannot be
    /// used; returns the problem for the user in that case.
    fn load_schema(&self) -> Option<String> {
        let path = self
            .state
            .config
            .read()
            .ok()
            .and_then(|c| c.schema_path.clone());
        let started = std::time::Instant::now();
        let discovery = select::discover_first(path.as_deref(), "setting domxml.schema.path");
        let (schema, status, problem) = match select::open(&discovery) {
            Ok(schema) => (
                Some(schema),
                SchemaStatus::from(select::status(&discovery)),
                None,
            ),
            Err(e) => {
                let fallback = select::discover(Some("builtin"), "fallback");
                let mut status = SchemaStatus::from(select::status(&fallback));
                status.error = Some(e.clone());
                (select::open(&fallback).ok(), status, Some(e))
            }
        };
        tracing::debug!(?path, elapsed = ?started.elapsed(), "schema loaded");
        if let Ok(mut s) = self.state.schema.write() {
            *s = schema;
        }
        if let Ok(mut s) = self.state.status.write() {
            *s = status;
        }
        problem
    }

    fn status_value(&self) -> Value {
        let schema = self
            .state
            .status
            .read()
            .map(|s| s.clone())
            .unwrap_or_default();
        serde_json::json!({ "version": env!("CARGO_PKG_VERSION"), "schema": schema })
    }

    /// `domxml/status`: the schema in use.
    pub async fn status(&self, _params: Value) -> Result<Value> {
        Ok(self.status_value())
    }

    /// `domxml/autoClose` `{textDocument, position, ch}`: after the editor inserted `ch` (`>` or
    /// the `/` of `</`) with the cursor at `position` just after it, the snippet to insert
    /// there (`$0` marks the cursor), or null.
    pub async fn auto_close(&self, params: AutoCloseParams) -> Result<Option<AutoCloseResult>> {
        let Some(doc) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let Some(ch) = params
            .ch
            .chars()
            .next()
            .filter(|_| params.ch.chars().count() == 1)
        else {
            return Ok(None);
        };
        let encoding = self.encoding();
        guard("auto close", || {
            let lines = doc.lines(encoding);
            domxml_ide::autoclose::auto_close(
                doc.document.parse(),
                doc.document.text(),
                lines.offset(params.position),
                ch,
            )
            .map(|snippet| AutoCloseResult { snippet })
        })
    }

    async fn push_status(&self) {
        self.client
            .send_notification::<StatusNotification>(self.status_value())
            .await;
    }

    async fn apply_settings(&self, settings: &Value) {
        let before = self
            .state
            .config
            .read()
            .map(|c| c.clone())
            .unwrap_or_default();
        let after = {
            let Ok(mut c) = self.state.config.write() else {
                return;
            };
            c.update(settings);
            c.clone()
        };
        if before.schema_path != after.schema_path {
            if let Some(err) = self.load_schema() {
                self.client.show_message(MessageType::WARNING, err).await;
            }
            self.push_status().await;
        }
        if before != after {
            self.reanalyze_all();
        }
    }
}

fn negotiate_encoding(params: &InitializeParams) -> PositionEncoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

fn completion_kind(k: CompletionKind) -> CompletionItemKind {
    match k {
        CompletionKind::Element => CompletionItemKind::CLASS,
        CompletionKind::Attribute => CompletionItemKind::PROPERTY,
        CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::EndTag => CompletionItemKind::KEYWORD,
    }
}

fn markdown(s: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: s,
    })
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = negotiate_encoding(&params);
        if let Ok(mut e) = self.state.encoding.write() {
            *e = encoding;
        }
        let snippets = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        if let Ok(mut s) = self.state.snippets.write() {
            *s = snippets;
        }
        let pull = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.configuration)
            .unwrap_or(false);
        if let Ok(mut p) = self.state.pull_config.write() {
            *p = pull;
        }
        if let Some(opts) = &params.initialization_options
            && let Ok(mut c) = self.state.config.write()
        {
            c.update(opts);
        }
        if let Some(err) = self.load_schema() {
            // The built-in catalogue is in use instead; say why.
            tracing::warn!("{err}");
            self.client.show_message(MessageType::WARNING, err).await;
        }
        let encoding_kind = match encoding {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        };
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding_kind),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..Default::default()
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(
                        ["<", " ", "\"", "'", "/"]
                            .iter()
                            .map(|s| s.to_string())
                            .collect(),
                    ),
                    ..Default::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new(LIBVIRT_ORDER_KIND),
                        ]),
                        ..Default::default()
                    },
                )),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                linked_editing_range_provider: Some(LinkedEditingRangeServerCapabilities::Simple(
                    true,
                )),
                document_highlight_provider: Some(OneOf::Left(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: Default::default(),
                }),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                document_formatting_provider: Some(OneOf::Left(true)),
                document_range_formatting_provider: Some(OneOf::Left(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "domxml".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.push_status().await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let uri = td.uri.as_str().to_string();
        let doc = guard("open", || Doc::new(uri.clone(), td.text, td.version));
        let Ok(doc) = doc else { return };
        let replaced = match self.state.docs.lock() {
            Ok(mut docs) => docs.open(doc),
            Err(_) => false,
        };
        if replaced {
            // Opened again without a close: its versions start over.
            self.state.analysis.send(Job::Close(uri.clone()));
        }
        self.state.analysis.send(Job::Analyze(uri.clone()));
        self.prepare(&uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri.as_str().to_string();
        let change = store::Change {
            changes: params.content_changes,
            version: params.text_document.version,
        };
        let ticket = self
            .state
            .docs
            .lock()
            .ok()
            .and_then(|mut docs| docs.queue(&uri, change));
        if let Some(ticket) = ticket {
            self.start_applier(ticket);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri.as_str().to_string();
        if let Ok(mut docs) = self.state.docs.lock() {
            docs.close(&uri);
        }
        self.state.analysis.send(Job::Close(uri));
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let has_ours = params.settings.get("domxml").is_some()
            || params
                .settings
                .as_object()
                .is_some_and(|o| o.keys().any(|k| k.starts_with("domxml")));
        let pull = self.state.pull_config.read().map(|p| *p).unwrap_or(false);
        if has_ours || !pull {
            self.apply_settings(&params.settings).await;
            return;
        }
        // Pull model: the notification only says "something changed"; ask for our section.
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("domxml".into()),
        }];
        match self.client.configuration(items).await {
            Ok(values) => {
                if let Some(v) = values.into_iter().next().filter(|v| !v.is_null()) {
                    self.apply_settings(&serde_json::json!({ "domxml": v }))
                        .await;
                }
            }
            Err(_) => self.apply_settings(&params.settings).await,
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let trigger = params
            .context
            .as_ref()
            .filter(|c| c.trigger_kind == CompletionTriggerKind::TRIGGER_CHARACTER)
            .and_then(|c| c.trigger_character.as_deref())
            .and_then(|t| t.chars().next());
        let pos = params.text_document_position;
        let Some(doc) = self.snapshot(&pos.text_document.uri).await else {
            return Ok(None);
        };
        let schema = self.schema_for(&doc);
        let snippets = self.state.snippets.read().map(|s| *s).unwrap_or(false);
        let encoding = self.encoding();
        guard("completion", || {
            let lines = doc.lines(encoding);
            let offset = lines.offset(pos.position);
            let items = domxml_ide::completion::completions(
                doc.document.parse(),
                doc.document.text(),
                offset,
                schema.as_deref(),
                &IdeCompletionOptions { snippets, trigger },
            );
            if items.is_empty() {
                return None;
            }
            let items = items
                .into_iter()
                .map(|i| CompletionItem {
                    label: i.label,
                    kind: Some(completion_kind(i.kind)),
                    detail: i.detail,
                    documentation: i.documentation.map(markdown),
                    sort_text: i.sort_text,
                    filter_text: i.filter_text,
                    preselect: i.preselect.then_some(true),
                    insert_text_format: Some(if i.snippet {
                        InsertTextFormat::SNIPPET
                    } else {
                        InsertTextFormat::PLAIN_TEXT
                    }),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                        range: lines.range(i.range),
                        new_text: i.insert,
                    })),
                    additional_text_edits: (!i.additional_edits.is_empty()).then(|| {
                        i.additional_edits
                            .iter()
                            .map(|e| TextEdit {
                                range: lines.range(e.delete),
                                new_text: e.insert.clone(),
                            })
                            .collect()
                    }),
                    command: i.retrigger.then(|| Command {
                        title: "Suggest values".into(),
                        command: "editor.action.triggerSuggest".into(),
                        arguments: None,
                    }),
                    ..Default::default()
                })
                .collect();
            Some(CompletionResponse::List(CompletionList {
                is_incomplete: false,
                items,
            }))
        })
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let Some(doc) = self.snapshot(&pos.text_document.uri).await else {
            return Ok(None);
        };
        let schema = self.schema_for(&doc);
        let encoding = self.encoding();
        guard("hover", || {
            let lines = doc.lines(encoding);
            let h = domxml_ide::hover::hover(
                doc.document.parse(),
                lines.offset(pos.position),
                schema.as_deref(),
            )?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(lines.range(h.range)),
            })
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let Some(doc) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let schema = self.schema_for(&doc);
        let encoding = self.encoding();
        let uri = params.text_document.uri.clone();
        let rule_options = self
            .state
            .config
            .read()
            .map(|c| c.rule_options())
            .unwrap_or_default();
        guard("code actions", || {
            let lines = doc.lines(encoding);
            let range = lines.text_range(params.range);
            let kind = document_kind(doc.document.parse(), &doc.uri);
            let quick_fixes = domxml_ide::actions::code_actions(
                doc.document.parse(),
                doc.document.text(),
                range,
                kind,
                schema.as_deref(),
                &rule_options,
            );
            let reorder = domxml_ide::actions::libvirt_order_action(
                doc.document.parse(),
                kind,
                schema.as_deref(),
            );
            let wanted = |k: &CodeActionKind| match &params.context.only {
                // A requested kind covers its sub-kinds ("source" covers "source.libvirtOrder").
                Some(only) => only.iter().any(|o| {
                    k.as_str() == o.as_str() || k.as_str().starts_with(&format!("{}.", o.as_str()))
                }),
                None => true,
            };
            let out: Vec<CodeActionOrCommand> = quick_fixes
                .into_iter()
                .map(|a| (a, CodeActionKind::QUICKFIX))
                .chain(reorder.map(|a| (a, CodeActionKind::new(LIBVIRT_ORDER_KIND))))
                .filter(|(_, k)| wanted(k))
                .map(|(a, action_kind)| {
                    let edits: Vec<TextEdit> = a
                        .edits
                        .iter()
                        .map(|e| TextEdit {
                            range: lines.range(e.delete),
                            new_text: e.insert.clone(),
                        })
                        .collect();
                    let diagnostics = a.fixes.as_ref().map(|(r, code)| {
                        let lsp_range = lines.range(*r);
                        params
                            .context
                            .diagnostics
                            .iter()
                            .filter(|d| {
                                d.range == lsp_range
                                    && d.code == Some(NumberOrString::String(code.as_str().into()))
                            })
                            .cloned()
                            .collect::<Vec<_>>()
                    });
                    CodeActionOrCommand::CodeAction(CodeAction {
                        title: a.title,
                        kind: Some(action_kind),
                        diagnostics: diagnostics.filter(|d| !d.is_empty()),
                        edit: Some(WorkspaceEdit {
                            changes: Some([(uri.clone(), edits)].into_iter().collect()),
                            ..Default::default()
                        }),
                        is_preferred: a.preferred.then_some(true),
                        ..Default::default()
                    })
                })
                .collect();
            (!out.is_empty()).then_some(out)
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(doc) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        guard("document symbols", || {
            let lines = doc.lines(encoding);
            fn convert(
                s: domxml_ide::structure::Symbol,
                lines: &super::convert::Lines,
            ) -> DocumentSymbol {
                #[allow(deprecated)]
                DocumentSymbol {
                    name: if s.name.is_empty() {
                        "?".into()
                    } else {
                        s.name
                    },
                    detail: s.detail,
                    kind: if s.container {
                        SymbolKind::OBJECT
                    } else {
                        SymbolKind::FIELD
                    },
                    tags: None,
                    deprecated: None,
                    range: lines.range(s.range),
                    selection_range: lines.range(s.selection_range),
                    children: Some(s.children.into_iter().map(|c| convert(c, lines)).collect()),
                }
            }
            let symbols =
                domxml_ide::structure::document_symbols(doc.document.parse(), MAX_SYMBOLS);
            Some(DocumentSymbolResponse::Nested(
                symbols.into_iter().map(|s| convert(s, &lines)).collect(),
            ))
        })
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(doc) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        guard("folding ranges", || {
            let lines = doc.lines(encoding);
            let folds =
                domxml_ide::structure::folding_ranges(doc.document.parse(), doc.document.text());
            let out: Vec<FoldingRange> = folds
                .into_iter()
                .filter_map(|f| {
                    let start = lines.position(f.start).line;
                    let end_pos = lines.position(f.end);
                    // Element folds end on the line before the end tag; comments on their last line.
                    let end = if f.comment {
                        end_pos.line
                    } else {
                        end_pos.line.saturating_sub(1)
                    };
                    (end > start).then(|| FoldingRange {
                        start_line: start,
                        end_line: end,
                        kind: f.comment.then_some(FoldingRangeKind::Comment),
                        ..Default::default()
                    })
                })
                .collect();
            Some(out)
        })
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        let Some(doc) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        guard("selection ranges", || {
            let lines = doc.lines(encoding);
            let out = params
                .positions
                .iter()
                .map(|p| {
                    let offset = lines.offset(*p);
                    let ranges =
                        domxml_ide::structure::selection_ranges(doc.document.parse(), offset);
                    let mut sel: Option<SelectionRange> = None;
                    for r in ranges.into_iter().rev() {
                        sel = Some(SelectionRange {
                            range: lines.range(r),
                            parent: sel.map(Box::new),
                        });
                    }
                    sel.unwrap_or(SelectionRange {
                        range: Range { start: *p, end: *p },
                        parent: None,
                    })
                })
                .collect();
            Some(out)
        })
    }

    async fn linked_editing_range(
        &self,
        params: LinkedEditingRangeParams,
    ) -> Result<Option<LinkedEditingRanges>> {
        let pos = params.text_document_position_params;
        let Some(doc) = self.snapshot(&pos.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        guard("linked editing", || {
            let lines = doc.lines(encoding);
            let ranges = domxml_ide::tags::linked_editing_ranges(
                doc.document.parse(),
                doc.document.text(),
                lines.offset(pos.position),
            )?;
            Some(LinkedEditingRanges {
                ranges: ranges.into_iter().map(|r| lines.range(r)).collect(),
                word_pattern: Some(r"[A-Za-z_][-A-Za-z0-9_.:]*".into()),
            })
        })
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let pos = params.text_document_position_params;
        let Some(doc) = self.snapshot(&pos.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        guard("document highlight", || {
            let lines = doc.lines(encoding);
            let offset = lines.offset(pos.position);
            // An id (iothread, NUMA cell, vCPU, boot order) first, else the tag pair.
            let ids = domxml_ide::navigation::highlights(doc.document.parse(), offset);
            if !ids.is_empty() {
                return Some(
                    ids.into_iter()
                        .map(|h| DocumentHighlight {
                            range: lines.range(h.range),
                            kind: Some(if h.declaration {
                                DocumentHighlightKind::WRITE
                            } else {
                                DocumentHighlightKind::READ
                            }),
                        })
                        .collect(),
                );
            }
            let ranges = domxml_ide::tags::highlights(doc.document.parse(), offset);
            (!ranges.is_empty()).then(|| {
                ranges
                    .into_iter()
                    .map(|r| DocumentHighlight {
                        range: lines.range(r),
                        kind: Some(DocumentHighlightKind::TEXT),
                    })
                    .collect()
            })
        })
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        let Some(doc) = self.snapshot(&pos.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let uri = pos.text_document.uri;
        guard("definition", || {
            let lines = doc.lines(encoding);
            let ranges = domxml_ide::navigation::definition(
                doc.document.parse(),
                lines.offset(pos.position),
            );
            (!ranges.is_empty()).then(|| {
                GotoDefinitionResponse::Array(
                    ranges
                        .into_iter()
                        .map(|r| Location::new(uri.clone(), lines.range(r)))
                        .collect(),
                )
            })
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let pos = params.text_document_position;
        let Some(doc) = self.snapshot(&pos.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let uri = pos.text_document.uri;
        let include_declaration = params.context.include_declaration;
        guard("references", || {
            let lines = doc.lines(encoding);
            let ranges = domxml_ide::navigation::references(
                doc.document.parse(),
                lines.offset(pos.position),
                include_declaration,
            );
            (!ranges.is_empty()).then(|| {
                ranges
                    .into_iter()
                    .map(|r| Location::new(uri.clone(), lines.range(r)))
                    .collect()
            })
        })
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let Some(doc) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        guard("document links", || {
            let lines = doc.lines(encoding);
            let links = domxml_ide::links::document_links(doc.document.parse(), MAX_SYMBOLS);
            Some(
                links
                    .into_iter()
                    .filter_map(|l| {
                        Some(DocumentLink {
                            range: lines.range(l.range),
                            target: Some(l.target.parse::<Uri>().ok()?),
                            tooltip: Some("Open the file".into()),
                            data: None,
                        })
                    })
                    .collect(),
            )
        })
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some(doc) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        guard("prepare rename", || {
            let lines = doc.lines(encoding);
            let range = domxml_ide::tags::prepare_rename(
                doc.document.parse(),
                lines.offset(params.position),
            )?;
            Some(PrepareRenameResponse::Range(lines.range(range)))
        })
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let pos = params.text_document_position;
        let Some(doc) = self.snapshot(&pos.text_document.uri).await else {
            return Ok(None);
        };
        if !domxml_ide::tags::is_xml_name(&params.new_name) {
            return Err(Error::invalid_params(format!(
                "'{}' is not an XML element name",
                params.new_name
            )));
        }
        let encoding = self.encoding();
        let uri = pos.text_document.uri.clone();
        guard("rename", || {
            let lines = doc.lines(encoding);
            let edits = domxml_ide::tags::rename(
                doc.document.parse(),
                lines.offset(pos.position),
                &params.new_name,
            )?;
            let edits = edits
                .into_iter()
                .map(|e| TextEdit {
                    range: lines.range(e.delete),
                    new_text: e.insert,
                })
                .collect();
            Some(WorkspaceEdit {
                changes: Some([(uri, edits)].into_iter().collect()),
                ..Default::default()
            })
        })
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let Some(doc) = self.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        guard("inlay hints", || {
            let lines = doc.lines(encoding);
            let range = lines.text_range(params.range);
            let hints = domxml_ide::hints::inlay_hints(doc.document.parse(), range, MAX_SYMBOLS);
            Some(
                hints
                    .into_iter()
                    .map(|h| InlayHint {
                        position: lines.position(h.offset),
                        label: InlayHintLabel::String(h.label),
                        kind: None,
                        text_edits: None,
                        tooltip: None,
                        padding_left: Some(true),
                        padding_right: None,
                        data: None,
                    })
                    .collect(),
            )
        })
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.format(&params.text_document.uri, None, &params.options)
            .await
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        self.format(
            &params.text_document.uri,
            Some(params.range),
            &params.options,
        )
        .await
    }
}

impl Backend {
    async fn format(
        &self,
        uri: &Uri,
        range: Option<Range>,
        options: &FormattingOptions,
    ) -> Result<Option<Vec<TextEdit>>> {
        let Some(doc) = self.snapshot(uri).await else {
            return Ok(None);
        };
        let config = self
            .state
            .config
            .read()
            .map(|c| c.clone())
            .map_err(|_| Error::internal_error())?;
        if !config.format_enable {
            return Ok(None);
        }
        let format_options = config.format_options(options.tab_size, options.insert_spaces);
        let encoding = self.encoding();
        guard("formatting", || {
            let lines = doc.lines(encoding);
            let range = range.map(|r| lines.text_range(r));
            let edits = domxml_ide::format::format(
                doc.document.parse(),
                doc.document.text(),
                &format_options,
                range,
            );
            Some(
                edits
                    .into_iter()
                    .map(|e| TextEdit {
                        range: lines.range(e.delete),
                        new_text: e.insert,
                    })
                    .collect(),
            )
        })
    }
}
