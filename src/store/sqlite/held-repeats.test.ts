import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Observation } from '../../model/index.ts';
import type { ImportCounts } from '../store.ts';
import { SqliteStore } from './store.ts';

const directories: string[] = [];
after(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const DISTINCT = 60_000;
const BATCH = 1000;

/** A deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A feed in which a quarter of the values come back up to four more times, far apart, with seen times that tie
 * or go back, and metadata that is sometimes missing: every case the merge rule treats apart.
 */
function feed(): Observation[] {
  const next = random(7);
  const pick = <T,>(choices: readonly T[]): T => choices[Math.floor(next() * choices.length)]!;
  const rows: Observation[] = [];
  for (let i = 0; i < DISTINCT; i++) {
    const value = `198.${(i >> 8) & 255}.${i & 255}.${(i >> 16) + 1}`;
    const times = i % 4 === 0 ? 2 + Math.floor(next() * 4) : 1;
    for (let k = 0; k < times; k++) {
      const lastSeen = T0 + pick([0, 1, 1, 2, 3]) * DAY;
      rows.push({
        type: 'ipv4',
        value,
        firstSeen: lastSeen - pick([0, DAY]),
        lastSeen,
        malware: pick([undefined, 'Emotet', 'QakBot']),
        threatType: pick([undefined, 'c2', 'botnet']),
        confidence: pick([undefined, 50, 90]),
        tags: pick([[], ['a'], ['b', 'c']]),
        raw: `${value},${k}`,
        line: 0,
      });
    }
  }
  // spread each value's reports over the whole feed, in an order of their own
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  rows.forEach((row, index) => (row.line = index + 1));
  return rows;
}

async function load(store: SqliteStore, rows: readonly Observation[], source = 'feed'): Promise<ImportCounts> {
  // the smallest filter of values seen, so that some values it never met look met
  const session = await store.beginImport({ source, origin: `${source}.csv`, format: 'csv', startedAt: T0 + 10 * DAY, tlp: 'clear', sizeHint: 1 });
  for (let at = 0; at < rows.length; at += BATCH) await session.add(rows.slice(at, at + BATCH));
  return session.commit({ read: rows.length, accepted: rows.length, rejected: 0 });
}

/** The feed's values and observations as stored, by value (ids and the import's own times left out). */
function stored(file: string): unknown[][] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT i.value, i.first_seen, i.last_seen, o.first_seen, o.last_seen, o.confidence, o.threat_type, o.malware, o.tags, o.tlp,
           o.valid_until, o.revoked_at, o.listed, o.raw, o.origin_line
         FROM indicators i JOIN observations o ON o.indicator_id = i.id JOIN sources s ON s.id = o.source_id
         WHERE s.name = 'feed' ORDER BY i.value`,
      )
      .raw()
      .all() as unknown[][];
  } finally {
    db.close();
  }
}

describe('sqlite: repeats held back by a first load', () => {
  it('merge exactly as the same batches do into a store that already holds values', async () => {
    const rows = feed();
    const emptyDir = mkdtempSync(join(tmpdir(), 'tix-held-'));
    const heldDir = mkdtempSync(join(tmpdir(), 'tix-held-'));
    directories.push(emptyDir, heldDir);

    const first = SqliteStore.open(emptyDir);
    const firstCounts = await load(first, rows);
    await first.close();

    // one value from elsewhere makes the same feed an ordinary import, batch by batch
    const other = SqliteStore.open(heldDir);
    await load(other, [{ type: 'ipv4', value: '203.0.113.9', firstSeen: T0, lastSeen: T0, tags: [], raw: '203.0.113.9', line: 1 }], 'other');
    const otherCounts = await load(other, rows);
    await other.close();

    assert.equal(firstCounts.new, DISTINCT);
    assert.deepEqual(firstCounts, otherCounts);
    assert.ok(firstCounts.updated > 10_000, `repeats merged: ${firstCounts.updated}`);
    const merged = stored(join(emptyDir, 'tix.db'));
    assert.equal(merged.length, DISTINCT);
    assert.deepEqual(merged, stored(join(heldDir, 'tix.db')));

    // the filter of values seen answers "maybe" for some values it had not met: those took the path of new values
    // at commit, and so an id out of the order in which their values were first read
    const db = new Database(join(emptyDir, 'tix.db'), { readonly: true });
    const firstRead = [...new Set(rows.map((row) => row.value))];
    const ids = new Map((db.prepare('SELECT value, id FROM indicators').raw().all() as [string, number][]).map(([value, id]) => [value, id]));
    db.close();
    const outOfOrder = firstRead.filter((value, index) => ids.get(value) !== index + 1).length;
    assert.ok(outOfOrder > 0, 'some values were new after all');
  });
});
