// domxml for VS Code: starts `domxml lsp` and connects it to libvirt XML documents.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  RevealOutputChannelOn,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { AUTO_CLOSE_METHOD, type AutoCloseParams, type AutoCloseResult, registerAutoClose } from './autoClose';
import { isServedDocument, type DocumentFilterMode } from './roots';
import { describeStatus, type ServerStatus, STATUS_METHOD } from './status';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
let starting: Promise<void> | undefined;
/** URIs of the documents the server has (libvirt mode); undefined in `all` mode. */
let served: Set<string> | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('domxml', { log: true });
  statusItem = vscode.window.createStatusBarItem('domxml.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'domxml';
  statusItem.command = 'domxml.showOutput';
  context.subscriptions.push(output, statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand('domxml.restartServer', () => restart(context)),
    vscode.commands.registerCommand('domxml.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The server reads its own settings through workspace/didChangeConfiguration; these are the
      // client's, which only take effect in a new server process.
      if (
        event.affectsConfiguration('domxml.server') ||
        event.affectsConfiguration('domxml.documents')
      ) {
        void restart(context);
      } else if (event.affectsConfiguration('domxml') && client?.isRunning()) {
        output.info(`settings changed: ${JSON.stringify(serverSettings())}`);
        void client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { domxml: serverSettings() },
        });
      }
    }),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatusVisibility()),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document === vscode.window.activeTextEditor?.document) updateStatusVisibility();
    }),
    registerAutoClose(
      () => {
        const running = client;
        if (!running?.isRunning()) return undefined;
        return (params: AutoCloseParams) => running.sendRequest<AutoCloseResult>(AUTO_CLOSE_METHOD, params);
      },
      (document) => document.languageId === 'xml' && isServed(document),
      (message) => output.info(message),
    ),
  );

  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  output.appendLine(`restarting the server (domxml.server.path: ${JSON.stringify(configuredServerPath().value ?? '')})`);
  await stop();
  await start(context);
}

async function stop(): Promise<void> {
  if (starting) {
    await starting.catch(() => undefined);
  }
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop(5000);
    } catch (error) {
      output.appendLine(`stopping the server: ${String(error)}`);
    }
    await old.dispose().catch(() => undefined);
  }
}

function start(context: vscode.ExtensionContext): Promise<void> {
  starting = doStart(context).finally(() => {
    starting = undefined;
  });
  return starting;
}

async function doStart(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration('domxml');
  const found = findServer(context, config);
  if (!found.path) {
    setStatus({ text: '$(error) domxml', tooltip: 'domxml: no server binary found', error: true });
    output.appendLine(found.problem);
    const openSettings = 'Open Settings';
    const showOutput = 'Show Output';
    void vscode.window
      .showErrorMessage(`domxml: ${found.problem}`, openSettings, showOutput)
      .then((choice) => {
        if (choice === openSettings) {
          void openSettingWhereDefined('domxml.server.path');
        } else if (choice === showOutput) {
          output.show(true);
        }
      });
    return;
  }
  output.appendLine(`starting ${found.path} lsp (${found.source})`);
  const probe = await probeServer(found.path);
  if (probe) {
    output.appendLine(probe);
    setStatus({ text: '$(error) domxml', tooltip: `domxml: ${probe}`, error: true });
    const openSettings = 'Open Settings';
    void vscode.window.showErrorMessage(`domxml: ${probe}`, openSettings).then((choice) => {
      if (choice === openSettings) void openSettingWhereDefined('domxml.server.path');
    });
    return;
  }

  const extraEnv = config.get<Record<string, string>>('server.extraEnv') ?? {};
  const serverOptions: ServerOptions = {
    command: found.path,
    // no `transport`: with TransportKind.stdio the client would append `--stdio`
    args: ['lsp'],
    options: { env: { ...process.env, ...extraEnv } },
  };

  const mode = config.get<DocumentFilterMode>('documents') ?? 'libvirt';
  const opened = new Set<string>();
  served = mode === 'all' ? undefined : opened;
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'xml' },
      { scheme: 'untitled', language: 'xml' },
    ],
    outputChannel: output,
    traceOutputChannel: output,
    // one message of our own when it fails (below), not a toast per broken pipe
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationFailedHandler: (error) => {
      output.appendLine(`initialize failed: ${String(error)}`);
      return false;
    },
    errorHandler: {
      error: () => ({ action: ErrorAction.Shutdown, handled: true }),
      closed: () => ({ action: CloseAction.DoNotRestart, handled: true }),
    },
    initializationOptions: serverSettings(),
    middleware: {
      ...documentFilter(mode, opened),
      workspace: {
        configuration: async (params, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) {
            return answer;
          }
          return params.items.map((item, i) => (item.section === 'domxml' ? serverSettings() : answer[i]));
        },
      },
    },
  };

  const next = new LanguageClient('domxml', 'domxml', serverOptions, clientOptions);
  client = next;
  next.onDidChangeState((event) => {
    if (event.newState === State.Stopped && client === next) {
      setStatus({
        text: '$(error) domxml',
        tooltip: 'domxml: the server stopped; click to see its output, or run "domxml: Restart server"',
        error: true,
      });
    }
  });
  setStatus({ text: '$(sync~spin) domxml', tooltip: `domxml: starting ${found.path}` });
  try {
    await next.start();
  } catch (error) {
    output.appendLine(`the server failed to start: ${String(error)}`);
    setStatus({ text: '$(error) domxml', tooltip: `domxml: ${found.path} lsp failed to start`, error: true });
    void vscode.window.showErrorMessage(
      `domxml: \`${found.path} lsp\` failed to start (${String(error)}). Is it a domxml build with the \`lsp\` subcommand? Set domxml.server.path to one that is.`,
    );
    return;
  }
  const info = next.initializeResult?.serverInfo;
  output.appendLine(`connected to ${info?.name ?? 'domxml'} ${info?.version ?? ''}`.trimEnd());

  // Which schema the server validates against: pushed by the server as a `domxml/status`
  // notification (on start and when domxml.schema.path changes) and asked for once with a
  // `domxml/status` request; older servers without either just show their version.
  next.onNotification(STATUS_METHOD, (status: ServerStatus) => showServerStatus(status));
  showServerStatus({ version: info?.version });
  try {
    const status = await next.sendRequest<ServerStatus>(STATUS_METHOD, {});
    if (status) {
      showServerStatus({ version: info?.version, ...status });
    }
  } catch (error) {
    output.appendLine(`the server does not answer ${STATUS_METHOD}: ${String((error as Error)?.message ?? error)}`);
  }
}

/**
 * The settings the server reads (everything under `domxml.` except the client's own), sent as
 * initializationOptions, in workspace/didChangeConfiguration ({settings: {domxml: ...}}) and as
 * the answer to workspace/configuration for the section `domxml`.
 */
function serverSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('domxml');
  return {
    // "" (not null) when unset: the server keeps its current value for null, "" means builtin
    schema: { path: config.get<string | null>('schema.path')?.trim() || '' },
    diagnostics: { enable: config.get<boolean>('diagnostics.enable') ?? true },
    format: {
      enable: config.get<boolean>('format.enable') ?? true,
      indentWidth: config.get<number>('format.indentWidth') ?? 2,
      useTabs: config.get<boolean>('format.useTabs') ?? false,
      keepBlankLines: config.get<boolean>('format.keepBlankLines') ?? true,
    },
  };
}

/**
 * Hands the server only the XML documents whose root element is a libvirt kind (in `libvirt`
 * mode). A document that becomes one while typed (an empty new file) is opened on the server at
 * that moment; requests for the others are not sent.
 */
function documentFilter(mode: DocumentFilterMode, opened: Set<string>): LanguageClientOptions['middleware'] {
  if (mode === 'all') {
    return {};
  }
  const accepted = (document: vscode.TextDocument) => opened.has(document.uri.toString());
  return {
    didOpen: async (document, next) => {
      if (isServedDocument(document.getText(), document.uri.fsPath)) {
        opened.add(document.uri.toString());
        updateStatusVisibility();
        return next(document);
      }
    },
    didChange: async (event, next) => {
      const uri = event.document.uri.toString();
      if (opened.has(uri)) {
        return next(event);
      }
      if (isServedDocument(event.document.getText(), event.document.uri.fsPath) && client) {
        opened.add(uri);
        updateStatusVisibility();
        await client.sendNotification('textDocument/didOpen', {
          textDocument: {
            uri: client.code2ProtocolConverter.asUri(event.document.uri),
            languageId: event.document.languageId,
            version: event.document.version,
            text: event.document.getText(),
          },
        });
      }
    },
    willSave: async (event, next) => (accepted(event.document) ? next(event) : undefined),
    willSaveWaitUntil: async (event, next) => (accepted(event.document) ? next(event) : []),
    didSave: async (document, next) => (accepted(document) ? next(document) : undefined),
    didClose: async (document, next) => {
      if (opened.delete(document.uri.toString())) {
        return next(document);
      }
    },
    provideCompletionItem: (document, position, context, token, next) =>
      accepted(document) ? next(document, position, context, token) : undefined,
    provideHover: (document, position, token, next) =>
      accepted(document) ? next(document, position, token) : undefined,
    provideDocumentFormattingEdits: (document, options, token, next) =>
      accepted(document) ? next(document, options, token) : undefined,
    provideDocumentRangeFormattingEdits: (document, range, options, token, next) =>
      accepted(document) ? next(document, range, options, token) : undefined,
    provideCodeActions: (document, range, context, token, next) =>
      accepted(document) ? next(document, range, context, token) : undefined,
    provideDocumentSymbols: (document, token, next) => (accepted(document) ? next(document, token) : undefined),
    provideFoldingRanges: (document, context, token, next) =>
      accepted(document) ? next(document, context, token) : undefined,
    provideDefinition: (document, position, token, next) =>
      accepted(document) ? next(document, position, token) : undefined,
    provideReferences: (document, position, options, token, next) =>
      accepted(document) ? next(document, position, options, token) : undefined,
    provideDocumentHighlights: (document, position, token, next) =>
      accepted(document) ? next(document, position, token) : undefined,
    provideRenameEdits: (document, position, newName, token, next) =>
      accepted(document) ? next(document, position, newName, token) : undefined,
    prepareRename: (document, position, token, next) =>
      accepted(document) ? next(document, position, token) : undefined,
    provideSelectionRanges: (document, positions, token, next) =>
      accepted(document) ? next(document, positions, token) : undefined,
    provideDocumentLinks: (document, token, next) => (accepted(document) ? next(document, token) : undefined),
    provideSignatureHelp: (document, position, context, token, next) =>
      accepted(document) ? next(document, position, context, token) : undefined,
    provideLinkedEditingRange: (document, position, token, next) =>
      accepted(document) ? next(document, position, token) : undefined,
    provideOnTypeFormattingEdits: (document, position, ch, options, token, next) =>
      accepted(document) ? next(document, position, ch, options, token) : undefined,
    provideDocumentSemanticTokens: (document, token, next) =>
      accepted(document) ? next(document, token) : undefined,
    provideDocumentSemanticTokensEdits: (document, previousResultId, token, next) =>
      accepted(document) ? next(document, previousResultId, token) : undefined,
    provideDocumentRangeSemanticTokens: (document, range, token, next) =>
      accepted(document) ? next(document, range, token) : undefined,
    provideInlayHints: (document, range, token, next) =>
      accepted(document) ? next(document, range, token) : undefined,
    provideCodeLenses: (document, token, next) => (accepted(document) ? next(document, token) : undefined),
    provideDocumentColors: (document, token, next) => (accepted(document) ? next(document, token) : undefined),
  };
}

interface Found {
  path?: string;
  source: string;
  problem: string;
}

/** `domxml.server.path`, else the binary inside the extension, else `domxml` on PATH. */
function findServer(context: vscode.ExtensionContext, config: vscode.WorkspaceConfiguration): Found {
  const exe = process.platform === 'win32' ? 'domxml.exe' : 'domxml';
  const fix =
    'Install it (`cargo install --path crates/domxml` from the domxml repository, or a release binary) so that `domxml` is on PATH, or set "domxml.server.path" to the binary.';

  const configured = configuredServerPath().value ?? config.get<string | null>('server.path');
  if (configured && configured.trim() !== '') {
    const resolved = expandPath(configured.trim());
    if (isExecutable(resolved)) {
      return { path: resolved, source: 'domxml.server.path', problem: '' };
    }
    return {
      source: 'domxml.server.path',
      problem: `"domxml.server.path" is ${configured}, which is not an executable file. Fix the setting, or clear it to use the bundled server or \`domxml\` on PATH.`,
    };
  }

  const bundled = path.join(context.extensionPath, 'server', `${process.platform}-${process.arch}`, exe);
  if (isExecutable(bundled)) {
    return { path: bundled, source: 'bundled with the extension', problem: '' };
  }

  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  dirs.push(path.join(os.homedir(), '.cargo', 'bin'));
  for (const dir of dirs) {
    const candidate = path.join(dir, exe);
    if (isExecutable(candidate)) {
      return { path: candidate, source: 'PATH', problem: '' };
    }
  }
  return {
    source: 'none',
    problem: `the language server \`domxml\` was not found (no "domxml.server.path" setting, no binary bundled for ${process.platform}-${process.arch}, none on PATH). ${fix}`,
  };
}

function expandPath(value: string): string {
  let result = value;
  if (result === '~' || result.startsWith('~/')) {
    result = path.join(os.homedir(), result.slice(1));
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) {
    result = result.replace(/\$\{workspaceFolder\}/g, folder);
    if (!path.isAbsolute(result)) {
      result = path.join(folder, result);
    }
  }
  return result;
}

function isExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let lastStatus: { text: string; tooltip: string; error?: boolean } | undefined;

function showServerStatus(status: ServerStatus): void {
  const described = describeStatus(status);
  if (status.schema) {
    output.info(`schema in use: ${JSON.stringify(status.schema)}`);
  }
  setStatus(described);
}

function setStatus(status: { text: string; tooltip: string; error?: boolean }): void {
  lastStatus = status;
  statusItem.text = status.text;
  statusItem.tooltip = status.tooltip;
  statusItem.backgroundColor = status.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  updateStatusVisibility();
}

/** Whether the server has (or is about to get) the document: the filter's own decision. */
function isServed(document: vscode.TextDocument): boolean {
  return (
    served === undefined ||
    served.has(document.uri.toString()) ||
    isServedDocument(document.getText(), document.uri.fsPath)
  );
}

function updateStatusVisibility(): void {
  const editor = vscode.window.activeTextEditor;
  const xml = editor?.document.languageId === 'xml';
  if (lastStatus && xml && !lastStatus.error && editor && !isServed(editor.document)) {
    // the server does not have this file: say so rather than show a schema it does not use
    statusItem.text = '$(circle-slash) domxml: not libvirt XML';
    statusItem.tooltip =
      'domxml: this XML file is not a libvirt document (its root element is not domain, network, pool, ...), so the server does not check it. Set "domxml.documents" to "all" to hand every XML file to the server.';
    statusItem.backgroundColor = undefined;
    statusItem.show();
    return;
  }
  if (lastStatus) {
    statusItem.text = lastStatus.text;
    statusItem.tooltip = lastStatus.tooltip;
    statusItem.backgroundColor = lastStatus.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
  if (lastStatus && (lastStatus.error || xml)) {
    statusItem.show();
  } else {
    statusItem.hide();
  }
}

/** The most specific value of domxml.server.path that is set, and where it is set. */
function configuredServerPath(): { value?: string; scope?: 'workspaceFolder' | 'workspace' | 'user' } {
  const inspected = vscode.workspace.getConfiguration('domxml').inspect<string>('server.path');
  const nonEmpty = (value: string | undefined) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
  if (nonEmpty(inspected?.workspaceFolderValue)) return { value: inspected?.workspaceFolderValue, scope: 'workspaceFolder' };
  if (nonEmpty(inspected?.workspaceValue)) return { value: inspected?.workspaceValue, scope: 'workspace' };
  if (nonEmpty(inspected?.globalValue)) return { value: inspected?.globalValue, scope: 'user' };
  return {};
}

/** Opens the Settings editor on `key` in the scope where it is set (user, remote, workspace). */
async function openSettingWhereDefined(key: string): Promise<void> {
  const { scope } = configuredServerPath();
  const command =
    scope === 'workspace' || scope === 'workspaceFolder'
      ? 'workbench.action.openWorkspaceSettings'
      : scope === 'user' && vscode.env.remoteName
        ? 'workbench.action.openRemoteSettings'
        : 'workbench.action.openSettings';
  try {
    await vscode.commands.executeCommand(command, { query: key });
  } catch {
    await vscode.commands.executeCommand('workbench.action.openSettings', key);
  }
}

/**
 * Runs `<binary> --version` and says what is wrong when the binary is not domxml (undefined when
 * it is), so that a wrong binary gets one clear message instead of broken-pipe errors.
 */
function probeServer(binary: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(binary, ['--version'], { timeout: 10000 }, (error, stdout, stderr) => {
      const printed = `${stdout}${stderr}`.trim().split('\n')[0]?.slice(0, 120) ?? '';
      if (/^domxml\b/.test(stdout.trim())) {
        resolve(undefined);
      } else if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        resolve(`${binary} does not exist.`);
      } else {
        resolve(
          `${binary} is not the domxml language server (\`${path.basename(binary)} --version\` printed ${printed ? `"${printed}"` : 'nothing'}${error ? `, ${error.message.split('\n')[0]}` : ''}). Set "domxml.server.path" to a domxml binary, or clear it to use the bundled one.`,
        );
      }
    });
  });
}
