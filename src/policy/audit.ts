import { createHash } from 'node:crypto';

/** The hash before the first entry. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** JSON with sorted keys, so the same entry always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as Record<string, unknown>)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The hash of one audit entry chained to the one before: changing, removing
 * or reordering any entry changes every hash after it.
 */
export function auditHash(prevHash: string, seq: number, entry: object): string {
  return createHash('sha256').update(prevHash).update('\n').update(String(seq)).update('\n').update(canonical(entry)).digest('hex');
}

export interface ChainBreak {
  seq: number;
  reason: string;
}

/** The fields an audit entry's hash covers, as they read back from storage (detail through JSON). */
export function auditContent(entry: { at: number; org?: number; user?: number; key?: number; action: string; target: string; detail: Record<string, unknown>; count?: number }): object {
  return {
    at: entry.at,
    org: entry.org,
    user: entry.user,
    key: entry.key,
    action: entry.action,
    target: entry.target,
    detail: JSON.parse(JSON.stringify(entry.detail)) as unknown,
    count: entry.count,
  };
}

/** Walks entries in order and returns where the chain breaks, if it does. */
export function verifyChain(
  entries: Iterable<{ seq: number; prevHash: string; hash: string; entry: object }>,
  start: { seq: number; hash: string } = { seq: 0, hash: AUDIT_GENESIS },
): ChainBreak | undefined {
  let previous = start;
  for (const record of entries) {
    if (record.seq !== previous.seq + 1) return { seq: record.seq, reason: `entry ${previous.seq + 1} is missing` };
    if (record.prevHash !== previous.hash) return { seq: record.seq, reason: 'does not follow the entry before it' };
    if (auditHash(record.prevHash, record.seq, record.entry) !== record.hash) return { seq: record.seq, reason: 'its content was changed' };
    previous = { seq: record.seq, hash: record.hash };
  }
  return undefined;
}
