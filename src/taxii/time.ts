import { timestampKey } from '../model/index.ts';

/** A TAXII timestamp (§2): RFC 3339, UTC, microsecond precision (tix keeps milliseconds, so the last three digits are 0). */
export function taxiiTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Epoch milliseconds of a STIX/TAXII timestamp, rounded down: `added_at >
 * floor(t)` is exactly "added after t" for times held in milliseconds.
 * Undefined for anything else, including impossible dates.
 */
export function timestampMs(text: string): number | undefined {
  const key = timestampKey(text);
  if (!key) return undefined;
  const ms = Date.parse(`${key.slice(0, 19)}.${key.slice(20, 23)}Z`);
  // Date.parse rolls 2026-02-30 over to March: a date that is not in the calendar is not a timestamp
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === key.slice(0, 19) ? ms : undefined;
}
