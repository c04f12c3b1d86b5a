import { domainToASCII } from 'node:url';
import { extractIndicators } from '../formats/index.ts';
import type { IndicatorType } from '../model/index.ts';
import { normaliseEmail, normaliseHash, normaliseIpPort, normaliseIpv6, splitUrl } from '../normalise/index.ts';
import { normaliseUrl } from '../normalise/index.ts';
import type { IndexHit, IntelIndex, MatchVia } from './index/intel-index.ts';
import type { FindingType } from './report-wire.ts';
import { TAG, TYPE_TAG, ipv4Number, portNumber } from './index/keys.ts';
import { PatternSet } from './patterns.ts';
import type { LineScreen } from '../io/lines.ts';
import type { FieldKind, RecordReader, ScanRecord, ValueSink } from './record.ts';
import { ByteScreen } from './index/screen.ts';

export type { FindingType } from './report-wire.ts';

/** One match of an evidence value against the intel. */
export interface Finding {
  line: number;
  time?: number;
  field: string;
  /** The value as the evidence writes it. */
  value: string;
  /** Its canonical form, as it was looked up (and as warninglists are checked). */
  canonical: string;
  canonicalType: FindingType;
  indicator: string;
  indicatorType: FindingType;
  via: MatchVia;
  /** Index of the indicator's report metadata. */
  meta: number;
}

type Lookup = { canonical: string; canonicalType: IndicatorType; hit: IndexHit };

const NONE: Lookup[] = [];
const NO_FINDINGS: Finding[] = [];

const ASCII_HOST = /^[a-z0-9._-]+$/;
const HEX = /^[0-9a-f]+$/;
const HASH_BY_LENGTH: Record<number, IndicatorType> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };

/** A host name as normalise/ writes it (lowercase, punycode, no trailing dot or wildcard label), without the checks a lookup does not need. */
export function canonicalHost(raw: string): string | undefined {
  // most names in logs are already canonical: check in one pass before copying anything
  let plain = raw.length > 2;
  let dot = false;
  for (let i = 0; i < raw.length && plain; i++) {
    const c = raw.charCodeAt(i);
    if (c === 46) dot = true;
    else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95)) plain = false;
  }
  if (plain && dot && raw.charCodeAt(raw.length - 1) !== 46) return raw;
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

/** A URL already in canonical form (lowercase http(s), lowercase ASCII host, a path): looked up as it is, without parsing. */
const CANONICAL_URL = /^https?:\/\/([a-z0-9_-]+(?:\.[a-z0-9_-]+)+)(:[1-9][0-9]{0,4})?\/[^\s<>"\\\x00-\x1f\x7f]*$/;
const DEFAULT_PORT = /^http:\/\/[^/]*:80\/|^https:\/\/[^/]*:443\//;

/**
 * Matches values against the index. A reader hands it the values of a line
 * (`value`, as a ValueSink) and the driver takes the findings (`take`).
 * STIX pattern indicators, if the intel has any, are evaluated on the values
 * of each record when its findings are taken. Pure.
 */
export class RecordMatcher implements ValueSink {
  /** The line whose values are coming in. */
  line = 0;
  private pending: Finding[] = [];
  private readonly patterns: PatternSet | undefined;
  /** The values of the current line, kept only when there are patterns to evaluate. */
  private values: Array<{ field: string; kind: FieldKind; value: string }> = [];

  /** The byte screen for readers that have one; none when STIX patterns must see every record's values. */
  private readonly valueScreen: ByteScreen | undefined;

  constructor(private readonly index: IntelIndex) {
    const patterns = index.parts.info.patterns ?? [];
    this.patterns = patterns.length ? new PatternSet(patterns) : undefined;
    this.valueScreen = this.patterns ? undefined : ByteScreen.of(index);
  }

  /** A line screen for a reader (see LineScreen): lines none of whose values can hit are passed over; undefined when every line must be read. */
  screenFor(records: RecordReader): LineScreen | undefined {
    const screen = this.valueScreen;
    if (!screen || !records.screen) return undefined;
    return {
      line(bytes, start, end, slot) {
        screen.defer(slot);
        return records.screen!(bytes, start, end, screen);
      },
      settle: (may) => screen.settle(may),
    };
  }

  value(field: string, kind: FieldKind, value: string): void {
    if (this.patterns) this.values.push({ field, kind, value });
    const lookups = this.lookupFast(kind, value);
    if (lookups === NONE) return;
    for (const { canonical, canonicalType, hit } of lookups) {
      this.pending.push({
        line: this.line,
        field,
        value,
        canonical,
        canonicalType,
        indicator: hit.indicator,
        indicatorType: hit.type,
        via: hit.via,
        meta: hit.meta,
      });
    }
  }

  /** The findings since the last take (the end of a record: STIX patterns are evaluated on its values here). */
  take(): Finding[] {
    if (this.patterns && this.values.length) {
      for (const indicator of this.patterns.match(this.values)) {
        const summary = indicator.name ?? indicator.pattern;
        this.pending.push({
          line: this.line,
          field: 'record',
          value: summary.length > 120 ? `${summary.slice(0, 119)}…` : summary,
          canonical: indicator.id,
          canonicalType: 'stix-pattern',
          indicator: indicator.id,
          indicatorType: 'stix-pattern',
          via: 'pattern',
          meta: indicator.meta,
        });
      }
      this.values = [];
    }
    if (this.pending.length === 0) return NO_FINDINGS;
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** A whole record: its findings, with its time. */
  match(record: ScanRecord): Finding[] {
    this.line = record.line;
    for (const observed of record.values) this.value(observed.field, observed.kind, observed.value);
    const found = this.take();
    if (record.time !== undefined) for (const finding of found) finding.time = record.time;
    return found;
  }

  /** The hot kinds without allocation when nothing hits; the rest through the memo. */
  private lookupFast(kind: FieldKind, raw: string): Lookup[] {
    if (kind === 'ip') {
      const v4 = ipv4Number(raw);
      if (v4 >= 0) {
        const hit = this.index.ipv4(raw, v4);
        return hit ? [{ canonical: raw, canonicalType: 'ipv4', hit }] : NONE;
      }
    } else if (kind === 'ip-port') {
      const colon = raw.lastIndexOf(':');
      // parsed in place: this runs for every ip:port a connection log composes
      if (colon > 0 && raw.indexOf(':') === colon && ipv4Number(raw, 0, colon) >= 0 && portNumber(raw, colon + 1) > 0) {
        const hit = this.index.exact(TAG.ipPort, raw, 'ip-port');
        return hit ? [{ canonical: raw, canonicalType: 'ip-port', hit }] : NONE;
      }
    } else if (kind === 'host') {
      const host = canonicalHost(raw);
      if (host === undefined) return NONE;
      const hit = this.index.host(host);
      return hit ? [{ canonical: host, canonicalType: 'hostname', hit }] : NONE;
    } else if (kind === 'url') {
      const canonical = CANONICAL_URL.exec(raw);
      if (canonical && !DEFAULT_PORT.test(raw)) {
        const hit = this.index.url(raw, canonical[1]!);
        return hit ? [{ canonical: raw, canonicalType: 'url', hit }] : NONE;
      }
    }
    const found = this.lookup(kind, raw);
    return found.length ? found : NONE;
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
      case 'host-or-ip': {
        // an HTTP Host header may carry a port (host:8080, [2001:db8::1]:8080)
        const port = raw.includes(':') ? /^(\[[^\]]+\]|[^:]+):\d+$/.exec(raw) : null;
        const host = port ? port[1]! : raw;
        return looksIp(host) ? this.lookupFast('ip', host) : this.lookupFast('host', host);
      }
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
