import { domainToASCII } from 'node:url';
import { extractIndicators } from '../formats/index.ts';
import type { IndicatorType } from '../model/index.ts';
import { normaliseEmail, normaliseHash, normaliseIpPort, normaliseIpv6, splitUrl } from '../normalise/index.ts';
import { normaliseUrl } from '../normalise/index.ts';
import type { IndexHit, IntelIndex, MatchVia } from './index/intel-index.ts';
import { TAG, TYPE_TAG, ipv4Number } from './index/keys.ts';
import type { FieldKind, Observed, ScanRecord } from './record.ts';

/** One match of an evidence value against the intel. */
export interface Finding {
  line: number;
  time?: number;
  field: string;
  /** The value as the evidence writes it. */
  value: string;
  /** Its canonical form, as it was looked up (and as warninglists are checked). */
  canonical: string;
  canonicalType: IndicatorType;
  indicator: string;
  indicatorType: IndicatorType;
  via: MatchVia;
  /** Index of the indicator's report metadata. */
  meta: number;
}

type Lookup = { canonical: string; canonicalType: IndicatorType; hit: IndexHit };

const ASCII_HOST = /^[a-z0-9._-]+$/;
const HEX = /^[0-9a-f]+$/;
const HASH_BY_LENGTH: Record<number, IndicatorType> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };

/** A host name as normalise/ writes it (lowercase, punycode, no trailing dot or wildcard label), without the checks a lookup does not need. */
export function canonicalHost(raw: string): string | undefined {
  let host = raw.trim();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.startsWith('*.')) host = host.slice(2);
  host = host.toLowerCase();
  if (!ASCII_HOST.test(host)) {
    host = domainToASCII(host);
    if (host === '') return undefined;
  }
  return host.includes('.') ? host : undefined;
}

function canonicalIp(raw: string): { value: string; type: IndicatorType } | undefined {
  if (ipv4Number(raw) >= 0) return { value: raw, type: 'ipv4' };
  if (!raw.includes(':')) return undefined;
  const v6 = normaliseIpv6(raw);
  return v6.ok ? { value: v6.value, type: v6.type } : undefined;
}

const looksIp = (text: string): boolean => /^[\d.]+$/.test(text) || (text.includes(':') && /^[0-9a-fA-F:.[\]]+$/.test(text));

/**
 * Matches the values of one record against the index. Pure; repeated values
 * (the same IP on every line) are answered from a bounded memo.
 */
export class RecordMatcher {
  private memo = new Map<string, Lookup[]>();

  constructor(private readonly index: IntelIndex) {}

  match(record: ScanRecord): Finding[] {
    let out: Finding[] | undefined;
    for (const observed of record.values) {
      const lookups = this.lookupCached(observed);
      for (const { canonical, canonicalType, hit } of lookups) {
        const finding: Finding = {
          line: record.line,
          field: observed.field,
          value: observed.value,
          canonical,
          canonicalType,
          indicator: hit.indicator,
          indicatorType: hit.type,
          via: hit.via,
          meta: hit.meta,
        };
        if (record.time !== undefined) finding.time = record.time;
        (out ??= []).push(finding);
      }
    }
    return out ?? [];
  }

  private lookupCached(observed: Observed): Lookup[] {
    if (observed.kind === 'text') return this.lookup(observed.kind, observed.value);
    const key = `${observed.kind}\u0000${observed.value}`;
    let found = this.memo.get(key);
    if (found === undefined) {
      found = this.lookup(observed.kind, observed.value);
      if (this.memo.size >= 100_000) this.memo = new Map();
      this.memo.set(key, found);
    }
    return found;
  }

  /** Every hit of one value of one kind. */
  lookup(kind: FieldKind, raw: string): Lookup[] {
    const index = this.index;
    const one = (canonical: string, canonicalType: IndicatorType, hit: IndexHit | undefined): Lookup[] => (hit ? [{ canonical, canonicalType, hit }] : []);
    switch (kind) {
      case 'ip': {
        const ip = canonicalIp(raw.startsWith('[') ? raw.slice(1, -1) : raw);
        return ip ? one(ip.value, ip.type, index.ip(ip.value)) : [];
      }
      case 'host-or-ip':
        return looksIp(raw) ? this.lookup('ip', raw) : this.lookup('host', raw);
      case 'host': {
        const host = canonicalHost(raw);
        return host ? one(host, 'hostname', index.host(host)) : [];
      }
      case 'ip-port': {
        const pair = normaliseIpPort(raw);
        return pair.ok ? one(pair.value, 'ip-port', index.exact(TAG.ipPort, pair.value, 'ip-port')) : [];
      }
      case 'url': {
        const url = normaliseUrl(raw);
        if (!url.ok) return [];
        const parts = splitUrl(url.value);
        return one(url.value, 'url', index.url(url.value, parts.ok ? parts.value.host : ''));
      }
      case 'md5':
      case 'sha1':
      case 'sha256':
      case 'sha512':
      case 'ja3':
      case 'hash': {
        const hex = raw.trim().toLowerCase();
        if (!HEX.test(hex)) return [];
        const type = kind === 'hash' ? HASH_BY_LENGTH[hex.length] : kind;
        if (!type || (kind !== 'hash' && kind !== 'ja3' && HASH_BY_LENGTH[hex.length] !== kind)) return [];
        return one(hex, type, index.exact(TYPE_TAG[type]!, hex, type));
      }
      case 'x509-sha1': {
        const hash = normaliseHash(raw, 'x509-sha1');
        return hash.ok ? one(hash.value, 'x509-sha1', index.exact(TAG.x509Sha1, hash.value, 'x509-sha1')) : [];
      }
      case 'email': {
        const address = /<([^<>\s]+@[^<>\s]+)>/.exec(raw)?.[1] ?? raw;
        const email = normaliseEmail(address);
        return email.ok ? one(email.value, 'email', index.exact(TAG.email, email.value, 'email')) : [];
      }
      case 'filename': {
        const name = raw.slice(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
        return name ? one(name, 'filename', index.exact(TAG.filename, name, 'filename')) : [];
      }
      case 'text': {
        const out: Lookup[] = [];
        for (const item of extractIndicators(raw)) out.push(...this.lookupTyped(item.type, item.value));
        return out;
      }
    }
  }

  /** A value already canonical and typed (free-text extraction gives those). */
  private lookupTyped(type: IndicatorType, value: string): Lookup[] {
    const index = this.index;
    const one = (hit: IndexHit | undefined): Lookup[] => (hit ? [{ canonical: value, canonicalType: type, hit }] : []);
    switch (type) {
      case 'ipv4':
      case 'ipv6':
        return one(index.ip(value));
      case 'domain':
      case 'hostname':
        return one(index.host(value));
      case 'url': {
        const parts = splitUrl(value);
        return one(index.url(value, parts.ok ? parts.value.host : ''));
      }
      default: {
        const tag = TYPE_TAG[type];
        return tag === undefined ? [] : one(index.exact(tag, value, type));
      }
    }
  }
}
