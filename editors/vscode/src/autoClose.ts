// Auto-closing tags: after `>` ends a start tag the end tag goes after the cursor; after `</` the
// innermost open element is closed. The server answers `domxml/autoClose`; when it does not know
// the request (MethodNotFound) the end tag is worked out here from the text.
import * as vscode from 'vscode';

export const AUTO_CLOSE_METHOD = 'domxml/autoClose';
const METHOD_NOT_FOUND = -32601;

export interface AutoCloseParams {
  textDocument: { uri: string };
  position: { line: number; character: number };
  ch: '>' | '/';
}
export type AutoCloseResult = { snippet: string } | null;

const NAME = /^<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)/;

/** The name of the start tag a `>` at the end of `before` closes, unless `after` has its end tag. */
export function startTagBefore(before: string, after: string): string | undefined {
  if (before.endsWith('/>')) return undefined;
  const lt = before.lastIndexOf('<', before.length - 2);
  if (lt < 0) return undefined;
  const tag = before.slice(lt);
  const name = NAME.exec(tag)?.[1];
  if (!name) return undefined;
  let quote: string | undefined;
  for (const ch of tag.slice(name.length + 1, -1)) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    }
  }
  if (quote) return undefined;
  if (new RegExp(`^\\s*</${name.replace(/[.\-]/g, '\\$&')}\\s*>`).test(after)) return undefined;
  return name;
}

/** The innermost element still open at the end of `text` (comments, CDATA, PIs skipped). */
export function openElement(text: string): string | undefined {
  const stack: string[] = [];
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const skipTo = (end: string, from: number) => {
      const e = text.indexOf(end, from);
      return e < 0 ? -1 : e + end.length;
    };
    if (text.startsWith('<!--', lt)) {
      i = skipTo('-->', lt + 4);
    } else if (text.startsWith('<![CDATA[', lt)) {
      i = skipTo(']]>', lt + 9);
    } else if (text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
      i = skipTo('>', lt + 2);
    } else if (text.startsWith('</', lt)) {
      const name = /^<\/([^\s>]+)/.exec(text.slice(lt, lt + 256))?.[1];
      const k = name ? stack.lastIndexOf(name) : -1;
      if (k >= 0) stack.length = k;
      i = skipTo('>', lt + 2);
    } else {
      const name = NAME.exec(text.slice(lt, lt + 256))?.[1];
      if (!name) {
        i = lt + 1;
        continue;
      }
      let quote: string | undefined;
      let close = -1;
      for (let j = lt + 1 + name.length; j < text.length; j++) {
        const ch = text[j];
        if (quote) {
          if (ch === quote) quote = undefined;
        } else if (ch === '"' || ch === "'") {
          quote = ch;
        } else if (ch === '>') {
          close = j;
          break;
        }
      }
      if (close < 0) break;
      if (text[close - 1] !== '/') stack.push(name);
      i = close + 1;
    }
    if (i < 0) break;
  }
  return stack[stack.length - 1];
}

/** The snippet to insert at the cursor after `ch`, worked out from the document's text. */
export function localClose(document: vscode.TextDocument, position: vscode.Position, ch: '>' | '/'): string | undefined {
  const before = document.getText(new vscode.Range(new vscode.Position(0, 0), position));
  const after = document.lineAt(position.line).text.slice(position.character);
  if (ch === '>') {
    const name = startTagBefore(before, after);
    return name ? `$0</${name}>` : undefined;
  }
  if (before.endsWith('</')) {
    const name = openElement(before.slice(0, -2));
    if (name && !new RegExp(`^${name.replace(/[.\-]/g, '\\$&')}\\s*>`).test(after)) return `${name}>$0`;
  }
  return undefined;
}

type Request = (params: AutoCloseParams) => Promise<AutoCloseResult>;

/**
 * Watches typing in accepted documents and closes tags. `request` sends `domxml/autoClose`;
 * `accepted` says whether the server has the document.
 */
export function registerAutoClose(
  request: () => Request | undefined,
  accepted: (document: vscode.TextDocument) => boolean,
  log: (message: string) => void,
): vscode.Disposable {
  let serverCloses: boolean | undefined;
  return vscode.workspace.onDidChangeTextDocument(async (event) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document !== event.document || event.contentChanges.length !== 1) return;
    if (event.reason === vscode.TextDocumentChangeReason.Undo || event.reason === vscode.TextDocumentChangeReason.Redo) return;
    if (!vscode.workspace.getConfiguration('domxml', event.document).get<boolean>('autoCloseTags', true)) return;
    if (!accepted(event.document)) return;
    const change = event.contentChanges[0];
    const ch = change.text;
    if ((ch !== '>' && ch !== '/') || change.rangeLength !== 0) return;
    const document = event.document;
    const position = change.range.start.translate(0, 1);
    const version = document.version;
    let snippet: string | undefined;
    const send = serverCloses === false ? undefined : request();
    if (send) {
      try {
        const result = await send({
          textDocument: { uri: document.uri.toString() },
          position: { line: position.line, character: position.character },
          ch,
        });
        serverCloses = true;
        // The client may deliver the typed character's didChange after this request: a null
        // answer can come from the text before it, so the text here has the last word then.
        snippet = result?.snippet || localClose(document, position, ch);
      } catch (error) {
        if ((error as { code?: number })?.code === METHOD_NOT_FOUND) {
          serverCloses = false;
          log(`the server does not answer ${AUTO_CLOSE_METHOD}: tags are closed from the text`);
        } else {
          log(`${AUTO_CLOSE_METHOD} failed: ${String((error as Error)?.message ?? error)}`);
        }
        snippet = localClose(document, position, ch);
      }
    } else {
      snippet = localClose(document, position, ch);
    }
    // the editor moves its cursor after this event: let it, then insert only where the cursor
    // still is, right after the character
    await new Promise((resolve) => setTimeout(resolve, 0));
    const now = vscode.window.activeTextEditor;
    if (!snippet) return;
    if (now?.document !== document || document.version !== version) {
      log(`auto-close: the document changed meanwhile (version ${version} -> ${document.version})`);
      return;
    }
    if (!now.selection.isEmpty || !now.selection.active.isEqual(position)) {
      log(`auto-close: the cursor moved (${now.selection.active.line}:${now.selection.active.character})`);
      return;
    }
    await now.insertSnippet(new vscode.SnippetString(snippet), position, { undoStopBefore: false, undoStopAfter: false });
  });
}
