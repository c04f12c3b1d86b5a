import { compilePattern, matches, observationKey, type CompiledPattern, type ObservedRecord } from '../pattern/index.ts';
import type { FieldKind } from './record.ts';

/** A STIX indicator whose pattern is more than a list of values (`!=`, `LIKE`, `MATCHES`, ranges of ports…): evaluated against each record. */
export interface PatternIndicator {
  /** The STIX id of the indicator. */
  id: string;
  name?: string;
  pattern: string;
  /** Index of its report metadata. */
  meta: number;
}

/** Where a value of a log field goes in a STIX observation, by kind and, for addresses and ports, by which end of the connection. */
function observationPaths(field: string, kind: FieldKind, value: string): Array<[string, string | number]> {
  const source = /(orig|src)/.test(field);
  switch (kind) {
    case 'ip':
      return [[value.includes(':') ? 'ipv6-addr:value' : 'ipv4-addr:value', value], [source ? 'network-traffic:src_ref.value' : 'network-traffic:dst_ref.value', value]];
    case 'ip-port': {
      const port = Number(value.slice(value.lastIndexOf(':') + 1));
      return [[source ? 'network-traffic:src_port' : 'network-traffic:dst_port', port]];
    }
    case 'host':
      return [['domain-name:value', value.toLowerCase()]];
    case 'host-or-ip':
      return /^[\d.]+$/.test(value) ? [['ipv4-addr:value', value]] : [['domain-name:value', value.toLowerCase()]];
    case 'url':
      return [['url:value', value]];
    case 'md5':
      return [["file:hashes.MD5", value.toLowerCase()]];
    case 'sha1':
      return [["file:hashes.'SHA-1'", value.toLowerCase()]];
    case 'sha256':
      return [["file:hashes.'SHA-256'", value.toLowerCase()]];
    case 'filename':
      return [['file:name', value]];
    case 'email':
      return [['email-addr:value', value]];
    case 'x509-sha1':
      return [["x509-certificate:hashes.'SHA-1'", value.replaceAll(':', '').toLowerCase()]];
    default:
      return [];
  }
}

const KEYS = new Map<string, string>();
const keyOf = (path: string): string => {
  let key = KEYS.get(path);
  if (key === undefined) {
    key = observationKey(path);
    KEYS.set(path, key);
  }
  return key;
};

/**
 * STIX patterns evaluated against records: the values of one record are put
 * together as one observation (several values of a path are candidates) and
 * every pattern runs on it. Patterns that do not compile are left out and
 * counted. Pure.
 */
export class PatternSet {
  private readonly compiled: Array<{ indicator: PatternIndicator; pattern: CompiledPattern }> = [];
  readonly failed: number;

  constructor(indicators: readonly PatternIndicator[]) {
    let failed = 0;
    for (const indicator of indicators) {
      try {
        this.compiled.push({ indicator, pattern: compilePattern(indicator.pattern) });
      } catch {
        failed++;
      }
    }
    this.failed = failed;
  }

  get size(): number {
    return this.compiled.length;
  }

  /** The patterns a record's values satisfy. */
  match(values: ReadonlyArray<{ field: string; kind: FieldKind; value: string }>): PatternIndicator[] {
    const record: Record<string, Array<string | number>> = {};
    for (const { field, kind, value } of values) {
      for (const [path, observed] of observationPaths(field, kind, value)) (record[keyOf(path)] ??= []).push(observed);
    }
    const out: PatternIndicator[] = [];
    for (const { indicator, pattern } of this.compiled) if (matches(pattern, record as ObservedRecord)) out.push(indicator);
    return out;
  }
}
