// The status bar item: which schema the server validates against.

/**
 * `domxml/status`: a request the client sends once after initialize, and a notification the
 * server may push whenever it changes (e.g. after domxml.schema.path changed). All fields are
 * optional so that a server sending less still shows something.
 */
export const STATUS_METHOD = 'domxml/status';

export interface ServerStatus {
  /** The server's version (also in InitializeResult.serverInfo). */
  version?: string;
  schema?: {
    /** `builtin`: the catalogue compiled into the server; `path`: libvirt schemas read from disk. */
    kind?: 'builtin' | 'path' | string;
    /** The libvirt version the schema comes from, e.g. "11.3.0". */
    libvirtVersion?: string;
    /** The schema directory or file when read from disk. */
    path?: string;
    /** Why a configured schema could not be used (the server then falls back to builtin). */
    error?: string;
  };
}

export function describeStatus(status: ServerStatus): { text: string; tooltip: string; error?: boolean } {
  const schema = status.schema;
  const version = status.version ? ` ${status.version}` : '';
  if (!schema) {
    return { text: '$(check) domxml', tooltip: `domxml${version}: running` };
  }
  const libvirt = schema.libvirtVersion ? `libvirt ${schema.libvirtVersion}` : undefined;
  let label: string;
  let detail: string;
  if (schema.kind === 'path' || (schema.path && schema.kind !== 'builtin')) {
    label = libvirt ?? 'custom schema';
    detail = `schema from ${schema.path ?? 'disk'}${libvirt ? ` (${libvirt})` : ''}`;
  } else {
    label = libvirt ? `builtin (${libvirt})` : 'builtin';
    detail = `builtin schema${libvirt ? ` (${libvirt})` : ''}`;
  }
  const tooltip = [`domxml${version}: ${detail}`, schema.error ? `problem: ${schema.error}` : undefined]
    .filter(Boolean)
    .join('\n');
  return {
    text: `${schema.error ? '$(warning)' : '$(check)'} domxml: ${label}`,
    tooltip,
    error: false,
  };
}
