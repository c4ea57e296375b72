// Drives a real VS Code (code-server) in headless Chromium through playwright-core and checks
// that the domxml extension brings diagnostics, hover and completion from `domxml lsp`.
// Started by run.sh, which prepares: CODE_SERVER, PLAYWRIGHT_CORE, WORK (user/, extensions/ with
// the .vsix installed, workspace/ with the fixtures), DOMXML_BIN.
// Optional: DOMXML_SCREENSHOTS=dir to save the README screenshots (completion.png, hover.png);
// CHROMIUM (default /usr/bin/chromium).
// A feature the server does not advertise is reported SKIP with the reason; anything else that
// does not work is a FAIL (with a screenshot in $WORK/failure-*.png).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run tests/editors/vscode/run.sh)`);
  return value;
};
const CODE_SERVER = env('CODE_SERVER');
const WORK = env('WORK');
const DOMXML_BIN = env('DOMXML_BIN');
const { chromium } = require(env('PLAYWRIGHT_CORE'));
const SHOTS = process.env.DOMXML_SCREENSHOTS;
const TIMEOUT = Number(process.env.DOMXML_TEST_TIMEOUT_MS ?? 20000);
const workspace = join(WORK, 'workspace');
const demoLines = readFileSync(join(workspace, 'demo.xml'), 'utf8').split('\n');

const results = { pass: 0, fail: 0, skip: 0 };
const log = (line) => console.log(line);
class Skip extends Error {}
const QUICK_INPUT = '.quick-input-widget .quick-input-box input.input';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's capabilities, asked directly with an initialize request (to tell SKIP from FAIL). */
async function serverCapabilities() {
  const child = spawn(DOMXML_BIN, ['lsp'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { processId: process.pid, rootUri: null, capabilities: {} },
  });
  child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  let buffer = Buffer.alloc(0);
  const result = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 10000);
    child.stdout.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const header = buffer.indexOf('\r\n\r\n');
        if (header < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, header).toString())?.[1]);
        if (buffer.length < header + 4 + length) return;
        const message = JSON.parse(buffer.subarray(header + 4, header + 4 + length).toString());
        buffer = buffer.subarray(header + 4 + length);
        if (message.id === 1) {
          clearTimeout(timer);
          resolve(message.result);
        }
      }
    });
    child.on('exit', () => resolve(undefined));
  });
  child.kill();
  return result?.capabilities;
}

function startCodeServer() {
  const args = [
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', join(WORK, 'user'),
    '--extensions-dir', join(WORK, 'extensions'),
    workspace,
  ];
  // PATH without any domxml: the extension must use the binary inside the .vsix
  const child = spawn(CODE_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
  let output = '';
  const url = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /HTTP server listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) resolve(match[1].replace(/\/?$/, '/'));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`code-server exited (${code}):\n${output}`)));
    setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output}`)), 60000);
  });
  return { child, url, output: () => output };
}

/** The extension's output channel (domxml.log under the profile's logs), for failures. */
function extensionLog() {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'domxml.log') found.push(path);
    }
  };
  try {
    walk(join(WORK, 'user', 'logs'));
  } catch {
    return '';
  }
  return found.map((file) => readFileSync(file, 'utf8')).join('\n');
}

let page;
let initialStatus = 'builtin';
let shot = 0;
let logShown = false;
async function test(name, fn) {
  try {
    await fn();
    results.pass++;
    log(`ok   - ${name}`);
  } catch (error) {
    if (error instanceof Skip) {
      results.skip++;
      log(`SKIP - ${name}: ${error.message}`);
      return;
    }
    results.fail++;
    const file = join(WORK, `failure-${++shot}.png`);
    await page?.screenshot({ path: file }).catch(() => undefined);
    log(`FAIL - ${name}\n       ${String(error?.stack ?? error).replace(/\n/g, '\n       ')}\n       screenshot: ${file}`);
    if (!logShown) {
      logShown = true;
      const lines = extensionLog().split('\n').filter((line) => line.trim() !== '');
      log(`#      the domxml output channel (last ${Math.min(lines.length, 25)} lines):`);
      for (const line of lines.slice(-25)) log(`#        ${line.slice(0, 240)}`);
    }
  }
}

async function waitFor(what, fn, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Ctrl+G line:column (1-based), in the active editor. */
async function goTo(line, column) {
  await page.keyboard.press('Control+G');
  await page.waitForSelector(QUICK_INPUT, { state: 'visible', timeout: TIMEOUT });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await sleep(150);
}

/** The text of line `n` (1-based) as rendered by the editor (undefined when scrolled away). */
async function renderedLine(n) {
  return page.evaluate((number) => {
    const outsideSticky = (el) => !el.closest('.sticky-widget');
    const editor = document.querySelector('.editor-instance');
    if (!editor) return undefined;
    const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].filter(outsideSticky);
    const gutter = numbers.find((el) => el.textContent?.trim() === String(number));
    if (!gutter) return undefined;
    const top = gutter.getBoundingClientRect().top;
    const line = [...editor.querySelectorAll('.view-lines .view-line')]
      .filter(outsideSticky)
      .find((el) => Math.abs(el.getBoundingClientRect().top - top) < 3);
    return line?.textContent?.replace(/\u00a0/g, ' ');
  }, n);
}

/** Runs a command by its title from the command palette (F1). */
async function runCommand(title) {
  await page.keyboard.press('F1');
  await page.waitForSelector(QUICK_INPUT, { state: 'visible' });
  await page.keyboard.type(title);
  await sleep(300);
  await page.keyboard.press('Enter');
  await sleep(300);
}

/** Types `value` into a string setting (Remote tab: code-server is a remote window). */
async function setSetting(key, value) {
  await page.keyboard.press('Control+Comma');
  await page.waitForSelector('.settings-editor', { state: 'visible' });
  await page.keyboard.press('Control+A');
  await page.keyboard.type(key);
  await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: /^Remote/ }).first().click();
  await page.locator('.settings-editor .settings-count-widget', { hasText: '1 Setting Found' }).waitFor();
  const input = page.locator('.settings-editor .settings-tree-container .setting-item-contents input:not([type=number]):not([type=checkbox])').first();
  await input.waitFor({ state: 'visible' });
  await input.fill(value);
  await input.press('Tab');
}

async function closeSettingsAndOpen(name) {
  const settingsTab = page.locator('.tabs-container .tab', { hasText: 'Settings' });
  if ((await settingsTab.count()) > 0) {
    await settingsTab.first().click();
    await page.keyboard.press('Control+W');
  }
  await page.locator('.tabs-container .tab', { hasText: name }).first().click();
  await page.locator('.editor-instance .view-lines').first().click();
}

/** Opens a workspace file by name with Quick Open. */
async function quickOpen(name) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector(QUICK_INPUT, { state: 'visible' });
  await page.keyboard.type(name);
  await waitFor(`${name} first in quick open`, async () =>
    ((await page.locator('.quick-input-list .monaco-list-row').first().getAttribute('aria-label')) ?? '').includes(name),
  );
  await page.keyboard.press('Enter');
  await sleep(500);
}

async function toasts() {
  return page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
}

async function problems() {
  return page.evaluate(() =>
    [...document.querySelectorAll('.markers-panel .monaco-list-row')].map((row) => row.textContent ?? ''),
  );
}

/** The domxml status bar item: its text and its aria-label (icon name + text, then the tooltip). */
async function statusItem() {
  return page.evaluate(() => {
    const item = [...document.querySelectorAll('.statusbar-item')].find((el) =>
      (el.textContent ?? '').includes('domxml'),
    );
    if (!item) return undefined;
    const label = item.querySelector('[aria-label]')?.getAttribute('aria-label') ?? item.getAttribute('aria-label') ?? '';
    return { text: (item.textContent ?? '').trim(), label };
  });
}

async function statusText() {
  return (await statusItem())?.text;
}

async function visibleSuggestions() {
  return page.evaluate(() =>
    [...document.querySelectorAll('.suggest-widget.visible .monaco-list-row')].map(
      (row) => row.getAttribute('aria-label') ?? row.textContent ?? '',
    ),
  );
}

const capabilities = await serverCapabilities();
if (!capabilities) {
  log(`FAIL - setup: \`${DOMXML_BIN} lsp\` does not answer initialize`);
  process.exit(1);
}
log(`# server capabilities: ${Object.keys(capabilities).join(', ')}`);

const server = startCodeServer();
const url = await server.url;
log(`# code-server at ${url}`);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
});
try {
  page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(`${url}?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
  await page.waitForSelector('.explorer-folders-view, .explorer-viewlet', { timeout: 90000 }).catch(() => undefined);

  await test('opening a domain XML activates the extension and starts domxml lsp', async () => {
    await sleep(1000);
    await page.keyboard.press('Control+P');
    await page.waitForSelector(QUICK_INPUT, { state: 'visible' });
    await page.keyboard.type('demo.xml');
    await waitFor('demo.xml first in quick open', async () =>
      ((await page.locator('.quick-input-list .monaco-list-row').first().getAttribute('aria-label')) ?? '').includes('demo.xml'),
    );
    await page.keyboard.press('Enter');
    await waitFor('the editor with demo.xml', async () => (await renderedLine(1))?.includes('<domain'));
    const item = await waitFor('the domxml status bar item to leave "starting"', async () => {
      const item = await statusItem();
      return item && !/starting|sync~spin/.test(item.label) ? item : undefined;
    }, 60000);
    log(`#      status bar: ${item.text} (${item.label})`);
    if (/error|stopped|not found|failed/i.test(item.label)) {
      throw new Error(`the server did not start: ${item.label}`);
    }
    await page.locator('.editor-instance .view-lines').first().click();
  });

  await test('status bar shows the schema in use', async () => {
    const text = (await statusText()) ?? '';
    if (!/builtin|libvirt|schema/.test(text)) {
      throw new Skip(`the server does not report its schema (no domxml/status) yet; status bar: "${text}"`);
    }
    // builtin, or a discovered one (DOMXML_SCHEMA_PATH, the host's libvirt schemas)
    if (!/builtin|libvirt \d|custom schema/.test(text)) throw new Error(`no schema in the status bar: "${text}"`);
    initialStatus = text;
  });

  await test('setting domxml.schema.path switches the server to libvirt\'s schema (status bar), and back', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const rng = resolve(here, '../../../../shared/libvirt-11.3.0/schemas/domain.rng');
    if (!existsSync(rng)) throw new Skip(`no libvirt schemas at ${rng}`);
    // as a user does: the Settings editor, search, type the path into the setting's text box
    const setSchemaPath = async (value) => {
      await page.keyboard.press('Control+Comma');
      const search = page.locator('.settings-editor .suggest-input-container .monaco-editor textarea, .settings-editor .settings-header textarea').first();
      await search.waitFor({ state: 'visible' });
      await page.keyboard.press('Control+A');
      await page.keyboard.type('domxml.schema.path');
      // machine-overridable: in code-server (a remote window) it lives in the Remote settings
      await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: /^Remote/ }).first().click();
      await page.locator('.settings-editor .settings-count-widget', { hasText: '1 Setting Found' }).waitFor();
      const input = page.locator('.settings-editor .settings-tree-container .setting-item-contents input:not([type=number]):not([type=checkbox])').first();
      await input.waitFor({ state: 'visible' });
      await input.fill(value);
      await input.press('Tab');
    };
    const backToDemo = async () => {
      // close the Settings editor; the status bar item shows on XML editors
      const settingsTab = page.locator('.tabs-container .tab', { hasText: 'Settings' });
      if ((await settingsTab.count()) > 0) {
        await settingsTab.first().click();
        await page.keyboard.press('Control+W');
      }
      await page.locator('.tabs-container .tab', { hasText: 'demo.xml' }).first().click();
      await page.locator('.editor-instance .view-lines').first().click();
    };
    try {
      await setSchemaPath(rng);
      await backToDemo();
      const libvirt = await waitFor('the status bar to show libvirt 11.3.0', async () => {
        const text = await statusText();
        return text && /libvirt 11\.3\.0/.test(text) ? text : undefined;
      }, 60000);
      log(`#      status bar: ${libvirt}`);
    } finally {
      await setSchemaPath('').catch((error) => log(`#      could not reset domxml.schema.path: ${error.message}`));
      await backToDemo();
    }
    const text = await waitFor(`the first schema again (${initialStatus})`, async () => {
      const text = await statusText();
      return text === initialStatus ? text : undefined;
    }, 30000);
    log(`#      status bar: ${text}`);
  });

  const vcpuLine = demoLines.findIndex((line) => line.includes('</vcpu>')) + 1;
  await test('diagnostics: a broken end tag is underlined and listed in Problems, and cleared when fixed', async () => {
    await goTo(vcpuLine, demoLines[vcpuLine - 1].indexOf('</vcpu>') + 7);
    await page.keyboard.type('x');
    await waitFor('the edit', async () => (await renderedLine(vcpuLine))?.includes('</vcpux>'));
    await waitFor('an error squiggle', async () => (await page.locator('.squiggly-error').count()) > 0);
    await page.keyboard.press('Control+Shift+M');
    const rows = await waitFor('a problem in the Problems panel', async () => {
      const rows = await problems();
      return rows.length > 0 ? rows : undefined;
    });
    log(`#      problems: ${rows.join(' | ').slice(0, 200)}`);
    await page.locator('.editor-instance .view-lines').first().click();
    await goTo(vcpuLine, 1);
    await page.keyboard.press('Control+Z');
    await waitFor('the edit to be undone', async () => (await renderedLine(vcpuLine))?.includes('</vcpu>'));
    await waitFor('the squiggle to go away', async () => (await page.locator('.squiggly-error').count()) === 0);
  });

  const emptyLine = demoLines.findIndex((line, i) => i > 0 && line.trim() === '' && demoLines[i + 1]?.includes('</devices>')) + 1;
  await test('diagnostics: an element the schema does not allow is reported', async () => {
    await goTo(emptyLine, 1);
    await page.keyboard.type('    <bogus/>');
    const rows = await waitFor('a problem about <bogus/>', async () => {
      const rows = await problems();
      return rows.some((row) => row.includes('bogus')) ? rows : undefined;
    }).catch((error) => {
      throw new Error(`${error.message} (schema validation diagnostics did not arrive)`);
    });
    log(`#      problems: ${rows.join(' | ').slice(0, 200)}`);
    await page.locator('.editor-instance .view-lines').first().click();
    await goTo(emptyLine, 1);
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete');
    await waitFor('the line to be empty again', async () => (await renderedLine(emptyLine))?.trim() === '');
    await waitFor('the problem to go away', async () => !(await problems()).some((row) => row.includes('bogus')));
  });

  if (SHOTS) {
    // tidy the window for the README pictures
    await runCommand('View: Close Primary Side Bar');
    await runCommand('View: Close Panel');
    await page.locator('.editor-instance .view-lines').first().click();
  }

  const memoryLine = demoLines.findIndex((line) => line.includes('<memory')) + 1;
  await test('hover over <memory> shows its documentation', async () => {
    if (!capabilities.hoverProvider) throw new Skip('the server does not advertise hoverProvider yet');
    await goTo(memoryLine, demoLines[memoryLine - 1].indexOf('memory') + 3);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const text = await waitFor('the hover widget', async () => {
      const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents, .monaco-hover:not(.hidden) .rendered-markdown');
      const count = await hover.count();
      if (count === 0) return undefined;
      const text = (await hover.allTextContents()).join(' ').trim();
      return text.length > 0 ? text : undefined;
    });
    log(`#      hover: ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
    if (!/memory/i.test(text)) throw new Error(`the hover does not mention memory: ${text}`);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await sleep(1000); // the hover fades in
      await page.screenshot({ path: join(SHOTS, 'hover.png') });
    }
    await page.keyboard.press('Escape');
  });

  await test('completion after "<" inside <devices> offers device elements', async () => {
    if (!capabilities.completionProvider) throw new Skip('the server does not advertise completionProvider yet');
    await goTo(emptyLine, 1);
    await page.keyboard.type('    <');
    await sleep(1000);
    if ((await visibleSuggestions()).length === 0) {
      await page.keyboard.press('Control+Space');
    }
    const rows = await waitFor('the suggest widget', async () => {
      const rows = await visibleSuggestions();
      return rows.length > 0 ? rows : undefined;
    });
    log(`#      suggestions: ${rows.slice(0, 10).join(' | ').slice(0, 200)}`);
    // ranked: the list starts with an element people put in <devices> (not <audio> or <crypto>)
    const elements = rows.filter((row) => !row.startsWith('/'));
    const first = /^<?([\w-]+)/.exec(elements[0] ?? '')?.[1];
    if (!['disk', 'interface', 'controller', 'graphics', 'video', 'console', 'serial', 'channel', 'input', 'emulator', 'hostdev', 'filesystem', 'rng', 'tpm', 'memballoon', 'watchdog', 'sound'].includes(first)) {
      throw new Error(`the list starts with <${first}>: ${rows.slice(0, 5).join(' | ')}`);
    }
    await page.keyboard.type('inter');
    const filtered = await waitFor('<interface> among the suggestions', async () => {
      const rows = await visibleSuggestions();
      return rows.some((row) => /^<?interface\b/.test(row)) ? rows : undefined;
    });
    log(`#      after "inter": ${filtered.slice(0, 5).join(' | ')}`);
    if (SHOTS) {
      // the README picture: the list for "<" with the documentation of the selected item
      for (let i = 0; i < 5; i++) await page.keyboard.press('Backspace');
      await waitFor('the unfiltered list again', async () => (await visibleSuggestions()).length > 3);
      const rows = await visibleSuggestions();
      const disk = rows.findIndex((row) => /^<?disk\b/.test(row));
      for (let i = 0; i < disk; i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Control+Space'); // show the details pane
      await sleep(1000);
      await page.screenshot({ path: join(SHOTS, 'completion.png') });
    }
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await goTo(emptyLine, 1);
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete');
    await waitFor('the line to be empty again', async () => (await renderedLine(emptyLine))?.trim() === '');
  });


  await test('auto-close: ">" after a start tag inserts its end tag, "</" closes the open element', async () => {
    await page.locator('.tabs-container .tab', { hasText: 'demo.xml' }).first().click();
    await page.locator('.editor-instance .view-lines').first().click();
    try {
    await goTo(emptyLine, 1);
    await page.keyboard.type('    <video');
    await sleep(300);
    await page.keyboard.press('Escape');
    await page.keyboard.type('>');
    const line = await waitFor('</video> after ">"', async () => {
      const text = await renderedLine(emptyLine);
      return text?.includes('</video>') ? text : undefined;
    });
    log(`#      after ">": ${line.trim()}`);
    if (line.trim() !== '<video></video>') throw new Error(`line: ${line}`);
    // the cursor stayed between the tags
    await page.keyboard.type('X');
    await waitFor('X between the tags', async () => (await renderedLine(emptyLine))?.trim() === '<video>X</video>');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.type('    <');
    await sleep(300);
    await page.keyboard.type('/');
    const closed = await waitFor('</devices> after "</"', async () => {
      const text = await renderedLine(emptyLine);
      return text?.includes('</devices>') ? text : undefined;
    });
    log(`#      after "</": ${closed.trim()}`);
    } finally {
      await page.keyboard.press('Escape');
      await goTo(emptyLine, 1);
      await page.keyboard.press('Shift+End');
      await page.keyboard.press('Delete');
      await waitFor('the line to be empty again', async () => (await renderedLine(emptyLine))?.trim() === '');
      await page.keyboard.press('Control+S');
    }
  });

  await test('a new, empty vm.xml: "<" offers <domain> at once', async () => {
    await quickOpen('vm.xml');
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.type('<');
    await sleep(1000);
    if ((await visibleSuggestions()).length === 0) await page.keyboard.press('Control+Space');
    const rows = await waitFor('<domain> in the suggest widget', async () => {
      const rows = await visibleSuggestions();
      return rows.some((row) => /^<?domain\b/.test(row)) ? rows : undefined;
    });
    log(`#      suggestions: ${rows.slice(0, 5).join(' | ').slice(0, 200)}`);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    await page.keyboard.press('Control+W');
  });

  await test('other XML (root <project>) is not handed to the server', async () => {
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('Control+P');
    await page.waitForSelector(QUICK_INPUT, { state: 'visible' });
    await page.keyboard.type('not-libvirt.xml');
    await waitFor('not-libvirt.xml first in quick open', async () =>
      ((await page.locator('.quick-input-list .monaco-list-row').first().getAttribute('aria-label')) ?? '').includes('not-libvirt'),
    );
    await page.keyboard.press('Enter');
    await waitFor('the editor with not-libvirt.xml', async () => (await renderedLine(2))?.includes('<project'));
    const label = await waitFor('the status bar to say it is not libvirt XML', async () => {
      const text = await statusText();
      return text && /not libvirt/.test(text) ? text : undefined;
    });
    log(`#      status bar: ${label}`);
    await page.locator('.editor-instance .view-lines').first().click();
    await goTo(3, 3);
    await page.keyboard.type('<broken');
    await sleep(3000);
    const squiggles = await page.locator('.squiggly-error').count();
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    if (squiggles > 0) throw new Error('broken non-libvirt XML got diagnostics: it was handed to the server');
    await page.keyboard.press('Control+W');
  });

  await test('"domxml: Restart server" restarts it', async () => {
    await page.locator('.editor-instance .view-lines').first().click();
    await runCommand('domxml: Restart server');
    await waitFor('the output channel to log a restart', async () => /restarting the server/.test(extensionLog()));
    const item = await waitFor('the server to run again', async () => {
      const item = await statusItem();
      return item && item.text === initialStatus ? item : undefined;
    }, 30000);
    log(`#      status bar: ${item.text}`);
    // and it still answers: a fresh diagnostic
    await goTo(vcpuLine, demoLines[vcpuLine - 1].indexOf('</vcpu>') + 7);
    await page.keyboard.type('x');
    await waitFor('an error squiggle from the restarted server', async () => (await page.locator('.squiggly-error').count()) > 0);
    await page.keyboard.press('Control+Z');
    await waitFor('the squiggle to go away', async () => (await page.locator('.squiggly-error').count()) === 0);
  });


  await test('"Restart server" keeps the binary set in domxml.server.path', async () => {
    const copy = join(WORK, 'bin', 'domxml');
    const started = () => (extensionLog().match(new RegExp(`starting ${copy.replace(/[/.]/g, '\\$&')} lsp \\(domxml.server.path\\)`, 'g')) ?? []).length;
    try {
      await setSetting('domxml.server.path', copy);
      await closeSettingsAndOpen('demo.xml');
      await waitFor(`the server started from ${copy}`, async () => started() >= 1, 30000);
      await waitFor('the server to run', async () => (await statusText()) === initialStatus, 30000);
      const before = started();
      await runCommand('domxml: Restart server');
      await waitFor(`the restarted server from ${copy} again`, async () => started() > before, 30000);
      const lines = extensionLog().split('\n').filter((line) => /^.*starting .* lsp \(/.test(line));
      log(`#      ${lines[lines.length - 1].replace(/^.*(starting)/, '$1')}`);
      if (/bundled with the extension/.test(lines[lines.length - 1])) throw new Error('restart fell back to the bundled binary');
    } finally {
      await setSetting('domxml.server.path', '').catch((error) => log(`#      could not reset: ${error.message}`));
      await closeSettingsAndOpen('demo.xml');
    }
    await waitFor('the server to run again', async () => (await statusText()) === initialStatus, 30000);
  });

  await test('a binary that is not domxml gets one clear message (no broken-pipe errors)', async () => {
    const other = join(WORK, 'bin', 'other');
    let messages;
    try {
      await setSetting('domxml.server.path', other);
      const message = await waitFor('an error notification about the binary', async () => (await toasts()).find((text) => text.includes(other)));
      log(`#      notification: ${message.slice(0, 200)}`);
      if (!/not the domxml language server/.test(message)) throw new Error(`unclear message: ${message}`);
      await sleep(3000);
      messages = await toasts();
    } finally {
      await setSetting('domxml.server.path', '').catch((error) => log(`#      could not reset: ${error.message}`));
      await closeSettingsAndOpen('demo.xml');
    }
    await runCommand('Notifications: Clear All Notifications');
    const noise = messages.filter((text) => /EPIPE|connection|closed|crashed/i.test(text));
    if (noise.length > 0) throw new Error(`more messages: ${noise.join(' | ')}`);
    await waitFor('the server to run again', async () => (await statusText()) === initialStatus, 30000);
  });

  await test('a missing server binary gives a clear message with the fix', async () => {
    const setServerPath = async (value) => {
      await page.keyboard.press('Control+Comma');
      await page.waitForSelector('.settings-editor', { state: 'visible' });
      await page.keyboard.press('Control+A');
      await page.keyboard.type('domxml.server.path');
      await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: /^Remote/ }).first().click();
      await page.locator('.settings-editor .settings-count-widget', { hasText: '1 Setting Found' }).waitFor();
      const input = page.locator('.settings-editor .settings-tree-container .setting-item-contents input:not([type=number]):not([type=checkbox])').first();
      await input.waitFor({ state: 'visible' });
      await input.fill(value);
      await input.press('Tab');
    };
    try {
      await setServerPath('/nonexistent/domxml');
      const message = await waitFor('an error notification about domxml.server.path', async () => {
        const texts = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
        return texts.find((text) => text.includes('domxml.server.path'));
      });
      log(`#      notification: ${message.slice(0, 200)}`);
      if (!/not an executable/.test(message)) throw new Error(`unclear message: ${message}`);
    } finally {
      await setServerPath('').catch((error) => log(`#      could not reset domxml.server.path: ${error.message}`));
    }
    await page.keyboard.press('Control+W');
    await page.locator('.tabs-container .tab', { hasText: 'demo.xml' }).first().click();
    const item = await waitFor('the server to run again', async () => {
      const item = await statusItem();
      return item && item.text === initialStatus ? item : undefined;
    }, 30000);
    log(`#      status bar: ${item.text}`);
  });
} finally {
  await browser.close().catch(() => undefined);
  server.child.kill();
}

log(`# ${results.pass} passed, ${results.fail} failed, ${results.skip} skipped`);
process.exit(results.fail === 0 ? 0 : 1);
