// Which XML documents are libvirt's: decided by the root element's name, like the Neovim plugin.

export type DocumentFilterMode = 'libvirt' | 'all';

/**
 * Root elements of libvirt's XML formats: the server's list (crates/libvirt/src/kinds.rs);
 * crates/libvirt/tests/editor_roots.rs fails when they differ.
 */
export const LIBVIRT_ROOTS: ReadonlySet<string> = new Set([
  'domain',
  'network',
  'networkport',
  'pool',
  'volume',
  'secret',
  'interface',
  'filter',
  'filterbinding',
  'nwfilter',
  'nwfilterbinding',
  'device',
  'capabilities',
  'domainCapabilities',
  'storagepoolCapabilities',
  'domainsnapshot',
  'domaincheckpoint',
  'domainbackup',
]);

/**
 * The name of the first element of an XML text (after the prolog, comments, processing
 * instructions and a doctype), or undefined when there is none yet.
 */
export function rootElementName(text: string): string | undefined {
  const head = text.length > 65536 ? text.slice(0, 65536) : text;
  let i = 0;
  while (i < head.length) {
    const lt = head.indexOf('<', i);
    if (lt < 0) {
      return undefined;
    }
    if (head.startsWith('<?', lt)) {
      const end = head.indexOf('?>', lt + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (head.startsWith('<!--', lt)) {
      const end = head.indexOf('-->', lt + 4);
      if (end < 0) return undefined;
      i = end + 3;
    } else if (head.startsWith('<!', lt)) {
      const end = head.indexOf('>', lt + 2);
      if (end < 0) return undefined;
      i = end + 1;
    } else {
      const match = /^<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)/.exec(head.slice(lt, lt + 256));
      return match ? match[1] : undefined;
    }
  }
  return undefined;
}

/** `virsh edit` edits a copy in `$TMPDIR/virshXXXXXX.xml` (mkstemps). */
export function isVirshTempFile(fsPath: string): boolean {
  const name = fsPath.split(/[\\/]/).pop() ?? fsPath;
  return /^virsh[A-Za-z0-9]{6}\.xml$/.test(name);
}

/** A libvirt document: its root element is a libvirt kind, or it is a `virsh edit` file. */
export function isLibvirtDocument(text: string, fsPath = ''): boolean {
  if (isVirshTempFile(fsPath)) {
    return true;
  }
  const root = rootElementName(text);
  return root !== undefined && LIBVIRT_ROOTS.has(root);
}

/**
 * A document with no element yet (empty, blank, or only a prolog and comments): a new file that
 * may become libvirt XML. The server gets it too and decides (it offers `<domain>` there).
 */
export function isNewXmlDocument(text: string): boolean {
  if (rootElementName(text) !== undefined) {
    return false;
  }
  const rest = text
    .slice(0, 65536)
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<![^>]*>/g, '');
  return /^\s*<?[\w:.\-]*$/.test(rest);
}

/** What the server gets in `libvirt` mode: libvirt documents and documents with no element yet. */
export function isServedDocument(text: string, fsPath = ''): boolean {
  return isLibvirtDocument(text, fsPath) || isNewXmlDocument(text);
}
