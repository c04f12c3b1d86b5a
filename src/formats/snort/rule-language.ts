/**
 * Pieces of the Snort rule language that Suricata speaks too: content
 * strings, msg text, metadata and sids. Both exporters build rules from these,
 * so a value from a feed reaches a rule only through one of them.
 */
import { InputError } from '../../errors.ts';
import type { Indicator } from '../../model/index.ts';
import { normalise } from '../../normalise/index.ts';

/** Printable ASCII that needs no escape inside content:"…": everything but space, `"`, `;`, `\` and `|`. */
const PLAIN_CONTENT = /^[\x21\x23-\x3a\x3c-\x5b\x5d-\x7b\x7d\x7e]*$/;

function isPlainByte(byte: number): boolean {
  return byte > 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x3b && byte !== 0x5c && byte !== 0x7c;
}

/**
 * The inside of a content:"…" string. `"` `;` `\` `|`, space, control bytes
 * and every non-ASCII byte are written as |hex|: both engines read hex the
 * same way, whereas their backslash escapes differ between versions.
 */
export function contentText(text: string): string {
  if (PLAIN_CONTENT.test(text)) return text;
  return contentBytes(Buffer.from(text, 'utf8'));
}

export function contentBytes(bytes: Uint8Array): string {
  let out = '';
  let inHex = false;
  for (const byte of bytes) {
    if (isPlainByte(byte)) {
      if (inHex) out += '|';
      inHex = false;
      out += String.fromCharCode(byte);
    } else {
      out += inHex ? ' ' : '|';
      inHex = true;
      out += byte.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return inHex ? `${out}|` : out;
}

/** A DNS name in wire form (`|03|www|07|example|03|com|00|`), as classic Snort DNS rules match it. */
export function dnsWireContent(name: string): { content: string; length: number } {
  const labels = name.split('.');
  let content = '';
  let length = 1;
  for (const label of labels) {
    content += `|${label.length.toString(16).toUpperCase().padStart(2, '0')}|${contentText(label)}`;
    length += label.length + 1;
  }
  return { content: `${content}|00|`, length };
}

/**
 * msg text: printable ASCII only (anything else becomes `?`), with `\` `"`
 * and `;` escaped by a backslash, the escapes the msg keyword documents in
 * both engines. A value can end a quoted string or a rule option only
 * through those three characters.
 */
export function msgText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/["\\;]/g, '\\$&');
}

/** A metadata value: one token, since `,` ends an entry and `;` the option. */
export function metadataToken(text: string): string {
  const token = text.replace(/[^A-Za-z0-9_.+-]+/g, '_').slice(0, 64);
  return token === '' ? '_' : token;
}

const MAX_CONTEXT = 120;

/** `tix <type> <value> <malware> <threat types>`, the msg of every rule tix writes. */
export function ruleMessage(indicator: Indicator): string {
  let context = [indicator.malware.join(','), indicator.threatTypes.filter((t) => t !== 'unknown').join(',')].filter(Boolean).join(' ');
  if (context.length > MAX_CONTEXT) context = `${context.slice(0, MAX_CONTEXT - 3)}...`;
  return msgText(`tix ${indicator.type} ${indicator.value}${context ? ` ${context}` : ''}`);
}

/** `metadata:` entries: TLP, confidence and each source, so a SIEM can route alerts by them. */
export function ruleMetadata(indicator: Indicator): string {
  const entries = [`tlp ${metadataToken(indicator.tlp)}`];
  if (indicator.confidence !== undefined) entries.push(`confidence ${indicator.confidence}`);
  for (const source of indicator.sources) entries.push(`tix_source ${metadataToken(source)}`);
  return `metadata:${entries.join(', ')};`;
}

export const DEFAULT_SID_BASE = 9_000_000;
/** Sids are 32-bit unsigned in both engines. */
const MAX_SID = 4_294_967_295;
/** How far above the base sids spread; wide, so that hashed sids rarely collide. */
const SID_SPAN = 1_000_000_000;

export interface SidAllocator {
  /** The sid of one rule, from a key naming the rule (rule kind, type, value). */
  sid(key: string): number;
}

/**
 * Deterministic sids: a hash of the rule's key, placed in
 * [sid-base, sid-base + 10^9). The same value keeps the same sid from one
 * export to the next, so suppressions, thresholds and alert history keyed on
 * sids survive a refresh. A collision within one export takes the next free
 * sid, so only the rarer of two colliding rules can move between exports.
 */
export function createSidAllocator(format: string, options: Readonly<Record<string, string>>): SidAllocator {
  const base = readSidBase(format, options['sid-base']);
  const span = Math.min(SID_SPAN, MAX_SID - base + 1);
  const used = new Set<number>();
  return {
    sid(key) {
      if (used.size >= span) {
        throw new InputError('TIX_CONFIG_BAD_OPTION', `${format}: no free sid left above sid-base ${base}; choose a lower sid-base`, { field: 'sid-base' });
      }
      let offset = hash32(key) % span;
      while (used.has(offset)) offset = offset + 1 === span ? 0 : offset + 1;
      used.add(offset);
      return base + offset;
    },
  };
}

function readSidBase(format: string, text: string | undefined): number {
  if (text === undefined) return DEFAULT_SID_BASE;
  const base = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(base >= 1 && base <= MAX_SID)) {
    throw new InputError('TIX_CONFIG_BAD_OPTION', `${format}: sid-base must be a whole number from 1 to ${MAX_SID} (got "${text}")`, {
      field: 'sid-base',
      value: text,
    });
  }
  return base;
}

/** FNV-1a with a murmur3 finaliser: cheap, and spread well enough for a modulus. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A rule file's first line: who made it and when, as a comment (names are cut to printable text). */
export function ruleFileHeader(format: string, producer: string, now: number): string {
  const name = producer.replace(/[^\x20-\x7e]/g, '?');
  return `# ${format} rules exported by tix for ${name} at ${new Date(now).toISOString()}\n`;
}

/** Host names and addresses as tix stores them never need quoting; anything else is refused before it reaches a rule. */
export function isCanonical(indicator: Indicator): boolean {
  const result = normalise(indicator.value, indicator.type);
  if (!result.ok || result.value !== indicator.value) return false;
  return result.type === indicator.type || (NAME_TYPES.has(result.type) && NAME_TYPES.has(indicator.type));
}

const NAME_TYPES: ReadonlySet<string> = new Set(['domain', 'hostname']);

/** The address and port of an ipv4, ipv6, cidr or ip-port value, as a rule header writes them. */
export function headerAddress(indicator: Indicator): { address: string; port: string } {
  if (indicator.type !== 'ip-port') return { address: indicator.value, port: 'any' };
  const colon = indicator.value.lastIndexOf(':');
  const host = indicator.value.slice(0, colon);
  return { address: host.startsWith('[') ? host.slice(1, -1) : host, port: indicator.value.slice(colon + 1) };
}
