import ipaddr from 'ipaddr.js';
import type { IndicatorType } from '../model/index.ts';
import { reversedHost } from './host.ts';

/**
 * The ordered keys the store indexes a value under: the IP range it covers
 * (for "inside this CIDR" and "CIDRs holding this IP"), its reversed host
 * (for "everything under this domain") and a hash of the value (for exact
 * lookups through a small integer index). Pure, so every backend agrees.
 */
export interface IndexKeys {
  ipFirst?: Buffer;
  ipLast?: Buffer;
  hostKey?: string;
}

/**
 * IP keys are a family byte then the address, big-endian: 5 bytes for IPv4,
 * 17 for IPv6. Byte order is numeric order, so a CIDR is one key range, and
 * the two families never interleave.
 */
export interface IpKeyRange {
  first: Buffer;
  last: Buffer;
}

const V4 = 4;
const V6 = 6;

function ipv4Key(dotted: string): Buffer {
  const key = Buffer.allocUnsafe(5);
  key[0] = V4;
  let part = 0;
  let at = 1;
  for (let i = 0; i < dotted.length; i++) {
    const code = dotted.charCodeAt(i);
    if (code === 46) {
      key[at++] = part;
      part = 0;
    } else part = part * 10 + (code - 48);
  }
  key[at] = part;
  return key;
}

function ipv6Key(text: string): Buffer {
  return Buffer.from([V6, ...ipaddr.IPv6.parse(text).toByteArray()]);
}

function addressKey(text: string): Buffer {
  return text.includes(':') ? ipv6Key(text) : ipv4Key(text);
}

/** The key range of a canonical IP address or CIDR block. */
export function ipKeyRange(addressOrCidr: string): IpKeyRange {
  const slash = addressOrCidr.indexOf('/');
  if (slash < 0) {
    const key = addressKey(addressOrCidr);
    return { first: key, last: key };
  }
  const first = addressKey(addressOrCidr.slice(0, slash));
  const prefix = Number(addressOrCidr.slice(slash + 1));
  const last = Buffer.from(first);
  for (let bit = prefix; bit < (last.length - 1) * 8; bit++) last[1 + (bit >> 3)]! |= 0x80 >> (bit & 7);
  return { first, last };
}

/**
 * The host of a URL already in canonical form (`scheme://[userinfo@]host[:port]/…`),
 * by position alone: it was validated when it was normalised, so it is not parsed again.
 */
export function canonicalUrlHost(url: string): string {
  const start = url.indexOf('://') + 3;
  let end = url.indexOf('/', start);
  if (end < 0) end = url.length;
  let authority = url.slice(start, end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith('[')) return authority.slice(0, authority.indexOf(']') + 1);
  const colon = authority.lastIndexOf(':');
  return colon >= 0 ? authority.slice(0, colon) : authority;
}

function hostOfIpPort(value: string): string {
  return value.startsWith('[') ? value.slice(1, value.indexOf(']')) : value.slice(0, value.lastIndexOf(':'));
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** `ipv4Key` as hex, without a buffer. */
function ipv4KeyHex(dotted: string): string {
  let out = '04';
  let part = 0;
  for (let i = 0; i < dotted.length; i++) {
    const code = dotted.charCodeAt(i);
    if (code === 46) {
      out += HEX[part]!;
      part = 0;
    } else part = part * 10 + (code - 48);
  }
  return out + HEX[part]!;
}

function addressKeyHex(text: string): string {
  return text.includes(':') ? ipv6Key(text).toString('hex') : ipv4KeyHex(text);
}

/** The keys of `indexKeys` with the IP keys in hex (`ipLast` only where it differs from `ipFirst`): for packing many values at once. */
export interface IndexKeysHex {
  ipFirst?: string;
  ipLast?: string;
  hostKey?: string;
}

export function indexKeysHex(type: IndicatorType, value: string): IndexKeysHex {
  switch (type) {
    case 'ipv4':
      return { ipFirst: ipv4KeyHex(value) };
    case 'ipv6':
      return { ipFirst: ipv6Key(value).toString('hex') };
    case 'cidr': {
      const range = ipKeyRange(value);
      const first = range.first.toString('hex');
      const last = range.last.toString('hex');
      return last === first ? { ipFirst: first } : { ipFirst: first, ipLast: last };
    }
    case 'ip-port':
      return { ipFirst: addressKeyHex(hostOfIpPort(value)) };
    case 'url': {
      const host = canonicalUrlHost(value);
      if (host.startsWith('[')) return { ipFirst: ipv6Key(host.slice(1, -1)).toString('hex') };
      if (DOTTED.test(host)) return { ipFirst: ipv4KeyHex(host) };
      return { hostKey: reversedHost(host) };
    }
    default: {
      const keys = indexKeys(type, value);
      return keys.hostKey === undefined ? {} : { hostKey: keys.hostKey };
    }
  }
}

const DOTTED = /^\d+\.\d+\.\d+\.\d+$/;

export function indexKeys(type: IndicatorType, value: string): IndexKeys {
  switch (type) {
    case 'ipv4':
    case 'ipv6':
    case 'cidr': {
      const range = ipKeyRange(value);
      return { ipFirst: range.first, ipLast: range.last };
    }
    case 'ip-port': {
      const key = addressKey(hostOfIpPort(value));
      return { ipFirst: key, ipLast: key };
    }
    case 'domain':
    case 'hostname':
      return { hostKey: reversedHost(value) };
    case 'email':
      return { hostKey: reversedHost(value.slice(value.lastIndexOf('@') + 1)) };
    case 'url': {
      const host = canonicalUrlHost(value);
      if (host.startsWith('[') || DOTTED.test(host)) {
        const key = addressKey(host.startsWith('[') ? host.slice(1, -1) : host);
        return { ipFirst: key, ipLast: key };
      }
      return { hostKey: reversedHost(host) };
    }
    default:
      return {};
  }
}

/**
 * A 53-bit hash of a typed value (two 32-bit FNV-1a-style lanes mixed with
 * Math.imul). The store indexes this small integer instead of the value's
 * text and compares the text on lookup, so a collision costs a second row
 * read, never a wrong answer.
 */
export function valueHash(type: string, value: string): number {
  let h1 = 0x811c9dc5 ^ type.length;
  let h2 = 0x01000193 ^ type.charCodeAt(0);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 0x01000193);
    h2 = Math.imul(h2 ^ code, 0x5bd1e995);
  }
  for (let i = 0; i < type.length; i++) h1 = Math.imul(h1 ^ type.charCodeAt(i), 0x01000193);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b) ^ Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  return (h2 & 0x1fffff) * 4294967296 + (h1 >>> 0);
}
