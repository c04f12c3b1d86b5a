import { clip } from '../../errors.ts';
import type { IndicatorType, StixObject, ThreatType, Tlp } from '../../model/index.ts';
import type { DocumentSink, ParseContext } from '../format.ts';
import { emitRecord, type RawRecord } from '../common/record.ts';
import { STIX_HASH_TYPES } from '../../pattern/index.ts';
import { indicatorValues } from './pattern-values.ts';

export interface ValueContext {
  ctx: ParseContext;
  sink: DocumentSink;
  line: number;
  /** Where the object is in the document, for messages: `objects[12] (indicator--…)`. */
  path: string;
  tlp: Tlp | undefined;
}

/** STIX 2.1 indicator-type vocabulary → tix threat types, where one says the other. */
const THREAT_OF_INDICATOR_TYPE: Record<string, ThreatType> = {
  compromised: 'compromised-host',
  anonymization: 'anonymiser',
};

function time(stamp: unknown): number | undefined {
  if (typeof stamp !== 'string') return undefined;
  const ms = Date.parse(stamp);
  return Number.isNaN(ms) ? undefined : ms;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function referenceOf(object: StixObject): string | undefined {
  const references = Array.isArray(object.external_references) ? (object.external_references as Array<{ url?: unknown }>) : [];
  const url = references.find((reference) => typeof reference?.url === 'string')?.url;
  return typeof url === 'string' ? url : undefined;
}

/** The values an indicator's STIX pattern names; patterns of other languages (YARA, Sigma, Snort) stay in the object store only. */
export function valuesOfIndicator(object: StixObject, at: ValueContext): void {
  if (object.pattern_type !== undefined && object.pattern_type !== 'stix') return;
  const pattern = object.pattern as string;
  const found = indicatorValues(pattern);
  if (!found.ok) {
    at.sink.reject({
      code: 'TIX_STIX_PATTERN',
      file: at.ctx.file,
      line: at.line,
      field: `${at.path}.pattern`,
      message: `${found.message} in ${JSON.stringify(clip(pattern, 120))}; the object is kept, no value indexed`,
      severity: 'error',
    });
    return;
  }
  const types = strings(object.indicator_types);
  const validFrom = time(object.valid_from) ?? time(object.created);
  const modified = time(object.modified) ?? validFrom;
  const base: Omit<RawRecord, 'value'> = {
    field: `${at.path}.pattern`,
    tags: [...new Set([...types, ...strings(object.labels)])],
    objectId: object.id,
    revoked: object.revoked === true,
  };
  if (validFrom !== undefined) base.firstSeen = validFrom;
  if (modified !== undefined) base.lastSeen = Math.max(modified, validFrom ?? modified);
  const validUntil = time(object.valid_until);
  if (validUntil !== undefined) base.validUntil = validUntil;
  if (typeof object.confidence === 'number') base.confidence = object.confidence;
  const threatType = types.map((type) => THREAT_OF_INDICATOR_TYPE[type]).find((type) => type !== undefined);
  if (threatType) base.threatType = threatType;
  const reference = referenceOf(object);
  if (reference) base.reference = reference;
  if (at.tlp) base.tlp = at.tlp;
  for (const value of found.values) {
    emitRecord(at.sink, at.ctx, at.line, pattern, { ...base, value: value.value, type: value.type });
  }
  for (const problem of found.rejected) {
    at.sink.reject({
      code: 'TIX_INPUT_BAD_VALUE',
      file: at.ctx.file,
      line: at.line,
      field: `${at.path}.pattern`,
      message: `${problem.reason} (got "${clip(problem.value, 60)}")`,
      severity: 'error',
    });
  }
}

/** The values of one cyber-observable object (the properties an indicator index can hold). */
function scoValues(object: Record<string, unknown>): Array<{ type?: IndicatorType; value: string; field: string }> {
  const value = object.value;
  switch (object.type) {
    case 'ipv4-addr':
      return typeof value === 'string' ? [{ type: value.includes('/') ? 'cidr' : 'ipv4', value, field: 'value' }] : [];
    case 'ipv6-addr':
      return typeof value === 'string' ? [{ type: value.includes('/') ? 'cidr' : 'ipv6', value, field: 'value' }] : [];
    case 'domain-name':
      return typeof value === 'string' ? [{ type: 'domain', value, field: 'value' }] : [];
    case 'url':
      return typeof value === 'string' ? [{ type: 'url', value, field: 'value' }] : [];
    case 'email-addr':
      return typeof value === 'string' ? [{ type: 'email', value, field: 'value' }] : [];
    case 'autonomous-system':
      return typeof object.number === 'number' ? [{ type: 'asn', value: String(object.number), field: 'number' }] : [];
    case 'file':
    case 'x509-certificate': {
      const hashes = (object.hashes ?? {}) as Record<string, unknown>;
      return Object.entries(hashes).flatMap(([algorithm, hash]) => {
        let type = STIX_HASH_TYPES[algorithm.toUpperCase()] ?? STIX_HASH_TYPES[algorithm];
        if (type === 'sha1' && object.type === 'x509-certificate') type = 'x509-sha1';
        return type && typeof hash === 'string' ? [{ type, value: hash, field: `hashes.${algorithm}` }] : [];
      });
    }
    default:
      return [];
  }
}

/**
 * Observables as values: a 2.1 SCO on its own, or the objects embedded in an
 * observed-data (2.0's `objects` dictionary, deprecated but still written),
 * dated by the observation's first and last observed.
 */
export function observablesOf(object: StixObject, at: ValueContext): void {
  const emit = (sco: Record<string, unknown>, field: string, dates: Pick<RawRecord, 'firstSeen' | 'lastSeen'>, objectId: string): void => {
    for (const found of scoValues(sco)) {
      const record: RawRecord = { ...dates, value: found.value, field: `${field}.${found.field}`, tags: ['observable'], objectId };
      if (found.type) record.type = found.type;
      if (at.tlp) record.tlp = at.tlp;
      emitRecord(at.sink, at.ctx, at.line, clip(JSON.stringify(sco), 2000), record);
    }
  };
  if (object.type === 'observed-data') {
    const embedded = object.objects;
    if (typeof embedded !== 'object' || embedded === null) return;
    const dates: Pick<RawRecord, 'firstSeen' | 'lastSeen'> = {};
    const first = time(object.first_observed);
    const last = time(object.last_observed);
    if (first !== undefined) dates.firstSeen = first;
    if (last !== undefined) dates.lastSeen = last;
    for (const [key, sco] of Object.entries(embedded as Record<string, unknown>)) {
      if (typeof sco === 'object' && sco !== null) emit(sco as Record<string, unknown>, `${at.path}.objects.${key}`, dates, object.id);
    }
    return;
  }
  emit(object, at.path, {}, object.id);
}
