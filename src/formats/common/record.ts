import { clip } from '../../errors.ts';
import type { IndicatorType, Observation, ThreatType, Tlp } from '../../model/index.ts';
import { normalise } from '../../normalise/index.ts';
import type { ParseContext, ParseSink } from '../format.ts';

/** What a feed line says about a value, before normalisation. */
export interface RawRecord {
  value: string;
  type?: IndicatorType;
  /** Field the value came from, for messages (`ioc_value`, `dst_ip`). */
  field?: string;
  firstSeen?: number;
  lastSeen?: number;
  confidence?: number;
  threatType?: ThreatType;
  malware?: string;
  tags?: string[];
  reference?: string;
  tlp?: Tlp;
  validUntil?: number;
  revoked?: boolean;
  /** The exchange object the value came from. */
  objectId?: string;
}

/**
 * Normalises one record's value and hands it to the sink, or reports why not.
 * Every format ends in this one place, so every value that reaches the store
 * has passed the same checks.
 */
export function emitRecord(sink: ParseSink, ctx: ParseContext, no: number, raw: string, record: RawRecord): boolean {
  const withNul = fieldWithNul(raw, record);
  if (withNul) {
    badField(sink, ctx, no, withNul, 'holds a NUL character, which is not text; record skipped');
    return false;
  }
  const normalised = normalise(record.value, record.type);
  if (!normalised.ok) {
    sink.reject({
      code: 'TIX_INPUT_BAD_VALUE',
      file: ctx.file,
      line: no,
      field: record.field ?? 'value',
      message: `${normalised.reason} (got "${clip(record.value.trim(), 60)}")`,
      severity: 'error',
    });
    return false;
  }
  const firstSeen = record.firstSeen ?? record.lastSeen ?? ctx.now;
  const lastSeen = Math.max(record.lastSeen ?? firstSeen, firstSeen);
  const observation: Observation = {
    type: normalised.type,
    value: normalised.value,
    firstSeen,
    lastSeen,
    tags: record.tags ?? [],
    raw,
    line: no,
  };
  if (record.confidence !== undefined) observation.confidence = record.confidence;
  if (record.threatType !== undefined) observation.threatType = record.threatType;
  if (record.malware) observation.malware = record.malware;
  if (record.reference) observation.reference = record.reference;
  if (record.tlp) observation.tlp = record.tlp;
  if (record.validUntil !== undefined) observation.validUntil = record.validUntil;
  if (record.revoked) observation.revoked = true;
  if (record.objectId) observation.objectId = record.objectId;
  sink.accept(observation);
  return true;
}

/**
 * The first text field of a record that holds a NUL character, if any. No feed means one, and one such record
 * must not cost the rest of its import: PostgreSQL refuses NUL in text, and SQLite would keep it where no reader
 * expects it.
 */
function fieldWithNul(raw: string, record: RawRecord): string | undefined {
  if (record.value.includes('\0')) return record.field ?? 'value';
  if (record.malware?.includes('\0')) return 'malware';
  if (record.reference?.includes('\0')) return 'reference';
  if (record.objectId?.includes('\0')) return 'id';
  if (record.tags?.some((tag) => tag.includes('\0'))) return 'tags';
  // the line itself, kept as evidence
  return raw.includes('\0') ? 'line' : undefined;
}

export function badField(sink: ParseSink, ctx: ParseContext, no: number, field: string, message: string): void {
  sink.reject({ code: 'TIX_INPUT_BAD_FIELD', file: ctx.file, line: no, field, message, severity: 'error' });
}

/** Feeds write "n/a", "None", "" and "-" for nothing. */
export function present(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  // the words for nothing are at most 7 letters: longer text needs no pattern test
  if (trimmed.length > 7) return trimmed;
  if (trimmed === '' || trimmed === '-' || NOTHING.test(trimmed)) return undefined;
  return trimmed;
}

const NOTHING = /^(n\/a|none|null|unknown)$/i;

const CONFIDENCE = /^\d{1,3}$/;

export function splitTags(text: string | undefined): string[] {
  const value = present(text);
  if (!value) return [];
  return [...new Set(value.split(',').map((tag) => tag.trim().toLowerCase()).filter(Boolean))].sort();
}

export function parseConfidence(text: string | undefined): number | undefined {
  const value = present(text);
  if (value === undefined || !CONFIDENCE.test(value)) return undefined;
  const number = Number(value);
  return number <= 100 ? number : undefined;
}
