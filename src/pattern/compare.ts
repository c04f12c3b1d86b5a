import ipaddr from 'ipaddr.js';
import { normaliseCidr, normaliseIp } from '../normalise/index.ts';

/**
 * Value semantics of STIX patterning comparisons (9.6.1-9.6.4): code point
 * order for strings, unsigned octets for binary, SQL LIKE, PCRE-style
 * MATCHES, CIDR containment. Pure helpers; compile.ts wires them to paths.
 */

/**
 * Strings compare by code point (9.6.2), which differs from JavaScript's
 * UTF-16 order only where a surrogate meets U+E000-U+FFFF: shifting those
 * two ranges past each other fixes it without decoding.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Binary values compare as unsigned octets; a longer value with an equal prefix is greater (9.6.3). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A string as octets, when every code point is below U+0100 (9.2); else it cannot be compared with binary. */
export function latin1Bytes(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return undefined;
    bytes[i] = code;
  }
  return bytes;
}

export function bytesToLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

const HEX = /^(?:[0-9A-Fa-f]{2})*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The octets of a `_hex` or `_bin` property value (9.6.4); undefined when it is not valid. */
export function decodeBinary(text: string, encoding: 'hex' | 'bin'): Uint8Array | undefined {
  if (encoding === 'hex') return HEX.test(text) ? Uint8Array.from(Buffer.from(text, 'hex')) : undefined;
  return BASE64.test(text) && text.length % 4 === 0 ? Uint8Array.from(Buffer.from(text, 'base64')) : undefined;
}

const SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/** SQL LIKE: `%` is any run of characters, `_` exactly one; no escape character (9.6.1). */
export function likeToRegExp(like: string): RegExp {
  let source = '';
  for (const ch of like.normalize('NFC')) {
    source += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(SYNTAX, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su');
}

/**
 * A PCRE expression as a JavaScript RegExp with DOTALL, used as a search
 * (9.6.1). Translated: leading inline flags `(?i)` `(?m)` `(?s)`, `\A`, `\z`,
 * `\Z`, `(?P<name>…)` and `(?P=name)`, and a `]` first in a class. Constructs
 * JavaScript lacks (possessive quantifiers, atomic groups, recursion) throw
 * a SyntaxError. With `unicode`, `.` and classes match whole code points
 * when the expression is valid in JavaScript's stricter unicode mode.
 */
export function pcreToRegExp(pcre: string, unicode: boolean): RegExp {
  let flags = 's';
  let rest = pcre;
  const inline = /^\(\?([ims]+)\)/.exec(rest);
  if (inline) {
    for (const flag of inline[1]!) if (!flags.includes(flag)) flags += flag;
    rest = rest.slice(inline[0].length);
  }
  const source = translatePcre(rest);
  if (unicode) {
    try {
      return new RegExp(source, `${flags}u`);
    } catch (error) {
      // unicode mode rejects escapes PCRE allows (\@, \-); such expressions run without it
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  return new RegExp(source, flags);
}

function translatePcre(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'z') out += '$';
      else if (!inClass && next === 'Z') out += '(?=\\n?$)';
      else out += `\\${next}`;
    } else if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
      if (source[i + 1] === '^') out += source[++i];
      // PCRE reads a ] straight after [ or [^ as a literal; JavaScript as an empty class
      if (source[i + 1] === ']') {
        out += '\\]';
        i++;
      }
    } else if (source.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (source.startsWith('(?P=', i)) {
      const close = source.indexOf(')', i);
      out += `\\k<${source.slice(i + 4, close)}>`;
      i = close;
    } else out += ch;
  }
  return out;
}

export type IpRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** An address or CIDR block as an address range; undefined when it is neither. */
export function ipRange(text: string): IpRange | undefined {
  if (text.includes('/')) return ipaddr.isValidCIDR(text) ? ipaddr.parseCIDR(text) : undefined;
  if (!ipaddr.isValid(text)) return undefined;
  const address = ipaddr.parse(text);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** `inner` lies wholly inside `outer` (identical ranges count, 9.6.1). */
export function rangeWithin(inner: IpRange, outer: IpRange): boolean {
  if (inner[0].kind() !== outer[0].kind() || inner[1] < outer[1]) return false;
  return inner[0].match(outer[0], outer[1]);
}

/** A dotted-quad IPv4 address or block as [address, prefix]: the fast path of ISSUBSET and ISSUPERSET. */
export function ipv4Block(text: string): [number, number] | undefined {
  let address = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) {
      part = part * 10 + code - 0x30;
      if (++digits > 3 || part > 255) return undefined;
    } else if (code === 0x2e) {
      if (digits === 0 || ++dots > 3) return undefined;
      address = address * 256 + part;
      part = 0;
      digits = 0;
    } else if (code === 0x2f) break;
    else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  address = address * 256 + part;
  if (i === text.length) return [address, 32];
  const prefix = text.slice(i + 1);
  return /^\d{1,2}$/.test(prefix) && Number(prefix) <= 32 ? [address, Number(prefix)] : undefined;
}

/** `inner` lies wholly inside `outer`, both IPv4 blocks. */
export function ipv4BlockWithin(inner: [number, number], outer: [number, number]): boolean {
  if (inner[1] < outer[1]) return false;
  // >>> 32 would not shift at all: a /0 holds everything
  return outer[1] === 0 || ((inner[0] ^ outer[0]) >>> (32 - outer[1])) === 0;
}

/** The canonical form tix stores an address or block in, by the normalise rules; undefined if neither. */
export function canonicalIp(text: string): string | undefined {
  const result = text.includes('/') ? normaliseCidr(text) : normaliseIp(text);
  return result.ok ? result.value : undefined;
}
