import ipaddr from 'ipaddr.js';
import type { IndicatorType } from '../model/index.ts';

/** How a MISP warninglist matches: whole values, parts of values, names and everything below them, networks, or patterns. */
export const WARNINGLIST_TYPES = ['string', 'substring', 'hostname', 'cidr', 'regex'] as const;
export type WarninglistType = (typeof WARNINGLIST_TYPES)[number];

/** A MISP warninglist: values known to be benign (public resolvers, private ranges, top sites). */
export interface Warninglist {
  /** The list's folder name, a stable id (`rfc1918`). */
  id: string;
  name: string;
  description: string;
  version: number;
  type: WarninglistType;
  entries: string[];
  /** MISP attribute types the list applies to (`ip-src`, `domain`, `url`…); empty: all. */
  matchingAttributes: string[];
}

/**
 * A warninglist check over compiled lists: which lists hold a canonical
 * value of an indicator type. Pure; built once per scan or import.
 */

/** MISP attribute types of each tix indicator type, for a list's `matching_attributes`. */
const ATTRIBUTE_TYPES: Partial<Record<IndicatorType, string[]>> = {
  ipv4: ['ip-src', 'ip-dst', 'domain|ip', 'ip-src|port', 'ip-dst|port'],
  ipv6: ['ip-src', 'ip-dst', 'domain|ip', 'ip-src|port', 'ip-dst|port'],
  'ip-port': ['ip-src|port', 'ip-dst|port', 'ip-src', 'ip-dst'],
  cidr: ['ip-src', 'ip-dst'],
  domain: ['domain', 'hostname', 'domain|ip'],
  hostname: ['hostname', 'domain', 'domain|ip'],
  url: ['url', 'uri', 'link'],
  email: ['email', 'email-src', 'email-dst'],
  md5: ['md5', 'filename|md5'],
  sha1: ['sha1', 'filename|sha1'],
  sha256: ['sha256', 'filename|sha256'],
  sha512: ['sha512', 'filename|sha512'],
  filename: ['filename'],
  ja3: ['ja3-fingerprint-md5'],
  'x509-sha1': ['x509-fingerprint-sha1'],
};

interface CompiledList {
  id: string;
  applies: (type: IndicatorType) => boolean;
  test: (type: IndicatorType, value: string) => boolean;
}

/** The host of a URL, an ip:port's address: what host and network lists look at. */
function hostPart(type: IndicatorType, value: string): string | undefined {
  if (type === 'url') return /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)/i.exec(value)?.[1]?.replace(/^\[|\]$/g, '').toLowerCase();
  if (type === 'ip-port') return value.startsWith('[') ? value.slice(1, value.indexOf(']')) : value.slice(0, value.lastIndexOf(':'));
  return value;
}

function compileCidrs(entries: readonly string[]): (ip: string) => boolean {
  const v4: Array<[number, number]> = [];
  const v6: Array<[ipaddr.IPv6, number]> = [];
  for (const entry of entries) {
    try {
      const [address, prefix] = ipaddr.parseCIDR(entry.includes('/') ? entry : `${entry}/${entry.includes(':') ? 128 : 32}`);
      if (address.kind() === 'ipv4') {
        const bytes = (address as ipaddr.IPv4).octets;
        v4.push([((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0, prefix]);
      } else v6.push([address as ipaddr.IPv6, prefix]);
    } catch {
      // a malformed entry matches nothing; the rest of the list still counts
      continue;
    }
  }
  return (ip) => {
    if (!ipaddr.isValid(ip)) return false;
    const address = ipaddr.parse(ip);
    if (address.kind() === 'ipv4') {
      const b = (address as ipaddr.IPv4).octets;
      const n = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
      return v4.some(([net, prefix]) => prefix === 0 || (n & (0xffffffff << (32 - prefix))) >>> 0 === net);
    }
    return v6.some(([net, prefix]) => (address as ipaddr.IPv6).match(net, prefix));
  };
}

function compileRegex(entry: string): RegExp | undefined {
  const delimited = /^\/(.*)\/([a-z]*)$/s.exec(entry);
  try {
    return delimited ? new RegExp(delimited[1]!, delimited[2]!.replace(/[^imsu]/g, '')) : new RegExp(entry, 'i');
  } catch {
    return undefined;
  }
}

function compileList(list: Warninglist): CompiledList {
  const wanted = new Set(list.matchingAttributes);
  const applies = (type: IndicatorType): boolean => wanted.size === 0 || (ATTRIBUTE_TYPES[type] ?? []).some((attribute) => wanted.has(attribute));
  const lower = list.entries.map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
  let test: CompiledList['test'];
  switch (list.type) {
    case 'string': {
      const set = new Set(lower.map((entry) => entry.replace(/\.$/, '')));
      test = (type, value) => set.has(value.toLowerCase()) || (type === 'url' && set.has(hostPart(type, value) ?? ''));
      break;
    }
    case 'substring':
      test = (_, value) => {
        const text = value.toLowerCase();
        return lower.some((entry) => text.includes(entry));
      };
      break;
    case 'hostname': {
      const set = new Set(lower.map((entry) => entry.replace(/^\*?\./, '').replace(/\.$/, '')));
      test = (type, value) => {
        let host = hostPart(type, value);
        while (host) {
          if (set.has(host)) return true;
          const dot = host.indexOf('.');
          host = dot < 0 ? undefined : host.slice(dot + 1);
        }
        return false;
      };
      break;
    }
    case 'cidr': {
      const contains = compileCidrs(lower);
      test = (type, value) => {
        const host = hostPart(type, value);
        return host !== undefined && contains(host);
      };
      break;
    }
    case 'regex': {
      const patterns = list.entries.map(compileRegex).filter((pattern): pattern is RegExp => pattern !== undefined);
      test = (_, value) => patterns.some((pattern) => pattern.test(value));
      break;
    }
  }
  return { id: list.id, applies, test };
}

/** Compiles lists once; the result answers which lists call a value benign. */
export function compileWarninglists(lists: readonly Warninglist[]): (type: IndicatorType, value: string) => string[] {
  const compiled = lists.map(compileList);
  // hits repeat (the same resolver on every line): answers are remembered, within bounds
  let memo = new Map<string, string[]>();
  return (type, value) => {
    const key = `${type}\u0000${value}`;
    let found = memo.get(key);
    if (found === undefined) {
      found = compiled.filter((list) => list.applies(type) && list.test(type, value)).map((list) => list.id);
      if (memo.size >= 10_000) memo = new Map();
      memo.set(key, found);
    }
    return found;
  };
}

/** Reads one MISP list.json document; throws on a document that is not a warninglist. */
export function parseWarninglist(id: string, document: unknown): Warninglist {
  const doc = document as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') throw new Error('not a JSON object');
  const type = doc.type;
  if (typeof type !== 'string' || !(WARNINGLIST_TYPES as readonly string[]).includes(type)) throw new Error(`type: "${String(type)}" is not one of ${WARNINGLIST_TYPES.join(', ')}`);
  if (!Array.isArray(doc.list) || !doc.list.every((entry) => typeof entry === 'string')) throw new Error('list: not an array of strings');
  const attributes = Array.isArray(doc.matching_attributes) ? doc.matching_attributes.filter((a): a is string => typeof a === 'string') : [];
  return {
    id,
    name: typeof doc.name === 'string' ? doc.name : id,
    description: typeof doc.description === 'string' ? doc.description : '',
    version: typeof doc.version === 'number' ? doc.version : 0,
    type: type as WarninglistType,
    entries: doc.list as string[],
    matchingAttributes: attributes,
  };
}

/** The warning an import gives for a value on warninglists (imported all the same). */
export function warninglistIssue(file: string, line: number, value: string, lists: readonly string[]): { code: string; file: string; line: number; field: string; message: string; severity: 'warning' } {
  return { code: 'TIX_INPUT_WARNINGLISTED', file, line, field: 'value', message: `${value} is on warninglist ${lists.join(', ')} (known benign); imported`, severity: 'warning' };
}
