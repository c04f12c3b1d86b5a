import type { Literal } from './ast.ts';
import { PatternError } from './errors.ts';

export const KEYWORDS = new Set([
  'AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'EXISTS',
  'LAST', 'IN', 'START', 'STOP', 'SECONDS', 'WITHIN', 'REPEATS', 'TIMES',
]);

export interface Token {
  kind: 'eof' | 'keyword' | 'ident' | 'literal' | 'punct' | 'op';
  /** The source text; for operators the canonical spelling (`==` is `=`, `<>` is `!=`). */
  text: string;
  at: number;
  end: number;
  /** Identifiers: whether it holds a hyphen (allowed in object types only). */
  hyphen?: boolean;
  literal?: Literal;
}

/** The grammar's WS rule: Unicode white space, as the spec requires (9.4). */
function isSpace(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || code === 0x20 || code === 0x85 || code === 0xa0 || code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f ||
    code === 0x205f || code === 0x3000;
}

const IDENT_START = /[A-Za-z_]/;
const NUMBER = /[+-]?(?:(\d+)(\.\d+)?|\.\d+)/y;
const TIMESTAMP = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(\.\d+)?Z$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;
const HEX = /^(?:[0-9A-Fa-f]{2})*$/;
const PUNCT = new Set(['[', ']', '(', ')', ':', '.', ',', '*']);

/** A short, quoted rendering of a token for error messages. */
export function describe(token: Token): string {
  if (token.kind === 'eof') return 'end of pattern';
  const text = token.text.length > 30 ? `${token.text.slice(0, 29)}…` : token.text;
  return token.kind === 'literal' && token.literal?.kind === 'string' ? text : `'${text}'`;
}

/** [A-Za-z0-9_-] */
function isIdentPart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code === 0x2d;
}

/** Skips white space and comments (`/* … *\/` and `// …`, as the grammar does). */
function skip(src: string, start: number): number {
  let pos = start;
  while (pos < src.length) {
    const code = src.charCodeAt(pos);
    if (isSpace(code)) pos++;
    else if (src.startsWith('/*', pos)) {
      const close = src.indexOf('*/', pos + 2);
      if (close < 0) throw new PatternError(src, pos, 'comment is not closed with */');
      pos = close + 2;
    } else if (src.startsWith('//', pos)) {
      while (pos < src.length && src[pos] !== '\n' && src[pos] !== '\r') pos++;
    } else break;
  }
  return pos;
}

/** The token that starts at or after `start`. */
export function nextToken(src: string, start: number): Token {
  const at = skip(src, start);
  if (at >= src.length) return { kind: 'eof', text: '', at, end: at };
  const ch = src[at]!;
  const next = src[at + 1];
  if (ch === "'") return quoted(src, at, 'string');
  if ((ch === 't' || ch === 'h' || ch === 'b') && next === "'") return quoted(src, at, ch === 't' ? 'timestamp' : ch === 'h' ? 'hex' : 'binary');
  if (IDENT_START.test(ch)) {
    let end = at + 1;
    while (end < src.length && isIdentPart(src.charCodeAt(end))) end++;
    const text = src.slice(at, end);
    if (KEYWORDS.has(text)) return { kind: 'keyword', text, at, end };
    if (text === 'true' || text === 'false') {
      return { kind: 'literal', text, at, end, literal: { kind: 'bool', value: text === 'true', text, at } };
    }
    return { kind: 'ident', text, at, end, hyphen: text.includes('-') };
  }
  if (/[\d+.-]/.test(ch)) {
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(src);
    if (match) return number(src, at, match);
  }
  if (PUNCT.has(ch)) return { kind: 'punct', text: ch, at, end: at + 1 };
  const two = src.slice(at, at + 2);
  if (two === '==' || two === '!=' || two === '<>' || two === '<=' || two === '>=') {
    return { kind: 'op', text: two === '==' ? '=' : two === '<>' ? '!=' : two, at, end: at + 2 };
  }
  if (ch === '=' || ch === '<' || ch === '>') return { kind: 'op', text: ch, at, end: at + 1 };
  const printable = String.fromCodePoint(src.codePointAt(at)!);
  throw new PatternError(src, at, `unexpected character ${JSON.stringify(printable)}`);
}

function number(src: string, at: number, match: RegExpExecArray): Token {
  const text = match[0];
  const end = at + text.length;
  const whole = match[1];
  const isFloat = text.includes('.');
  // the grammar's integers are 0 or start with 1-9
  if (whole !== undefined && whole.length > 1 && whole.startsWith('0')) {
    throw new PatternError(src, at, `number ${text} has a leading zero`);
  }
  const value = Number(text);
  if (!isFloat && !Number.isSafeInteger(value)) {
    throw new PatternError(src, at, `integer ${text} is too large to compare exactly`);
  }
  return { kind: 'literal', text, at, end, literal: { kind: isFloat ? 'float' : 'int', value, text, at } };
}

/** A quoted constant: `'…'`, `t'…'`, `h'…'` or `b'…'`. Only `\'` and `\\` are escapes (9.2). */
function quoted(src: string, at: number, kind: 'string' | 'timestamp' | 'hex' | 'binary'): Token {
  const open = kind === 'string' ? at : at + 1;
  let pos = open + 1;
  let body = '';
  let chunk = pos;
  for (;;) {
    if (pos >= src.length) throw new PatternError(src, at, `${kind} constant is not closed with '`);
    const code = src.charCodeAt(pos);
    if (code === 0x27) break;
    if (code === 0x5c) {
      const escaped = src[pos + 1];
      if (escaped !== "'" && escaped !== '\\') {
        throw new PatternError(src, pos, "only \\' and \\\\ may be escaped in a string constant");
      }
      body += src.slice(chunk, pos) + escaped;
      pos += 2;
      chunk = pos;
    } else pos++;
  }
  body += src.slice(chunk, pos);
  const end = pos + 1;
  const text = src.slice(at, end);
  const literal = decode(src, at, kind, body, text);
  return { kind: 'literal', text, at, end, literal };
}

function decode(src: string, at: number, kind: 'string' | 'timestamp' | 'hex' | 'binary', body: string, text: string): Literal {
  switch (kind) {
    case 'string':
      return { kind, value: body, text, at };
    case 'hex':
      if (!HEX.test(body)) throw new PatternError(src, at, `hex constant ${text} must hold an even number of hex digits`);
      return { kind, value: Uint8Array.from(Buffer.from(body, 'hex')), text, at };
    case 'binary': {
      // line feeds in base64 are allowed and ignored (9.2)
      const base64 = body.replace(/[\r\n]/g, '');
      if (!BASE64.test(base64)) throw new PatternError(src, at, `binary constant ${text} is not padded base64`);
      return { kind, value: Uint8Array.from(Buffer.from(base64, 'base64')), text, at };
    }
    case 'timestamp': {
      const value = parseTimestamp(body);
      if (value === undefined) {
        throw new PatternError(src, at, `timestamp constant ${text} is not a valid YYYY-MM-DDTHH:MM:SS[.fraction]Z time`);
      }
      return { kind, value, text, at };
    }
  }
}

/** A STIX timestamp (RFC 3339, UTC, `Z`) as milliseconds since the epoch; undefined if invalid. */
export function parseTimestamp(text: string): number | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const month = Number(mo);
  const day = Number(d);
  // a constant naming no real day (2023-02-30) is invalid rather than rolled over into March
  if (day > utc(Number(y), month, 0).getUTCDate()) return undefined;
  const ms = utc(Number(y), month - 1, day, Number(h), Number(mi), Number(s)).getTime();
  return fraction === undefined ? ms : ms + Number(fraction) * 1000;
}

/** Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear does not. */
function utc(year: number, month: number, day: number, hours = 0, minutes = 0, seconds = 0): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hours, minutes, seconds, 0);
  return date;
}
