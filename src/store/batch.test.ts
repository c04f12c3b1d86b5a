import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation } from '../model/index.ts';
import { BatchReader, encodeBatch } from './batch.ts';

const T0 = Date.UTC(2024, 0, 1);
const rows: Observation[] = [
  { type: 'url', value: 'http://a.example/x', firstSeen: T0, lastSeen: T0, tags: ['c2'], raw: 'line one', line: 1, malware: 'win.remcos', reference: 'https://r/1' },
  // absent cells between present ones: no raw (the line was the value), no malware, no reference
  { type: 'ipv4', value: '192.0.2.1', firstSeen: T0, lastSeen: T0 + 1, tags: [], raw: '192.0.2.1', line: 2, threatType: 'c2', tlp: 'amber', objectId: 'indicator--1' },
  { type: 'cidr', value: '198.51.100.0/24', firstSeen: T0, lastSeen: T0, tags: [], raw: 'line three', line: 3, confidence: 80 },
  { type: 'domain', value: 'b.example', firstSeen: T0, lastSeen: T0, tags: ['x', 'y'], raw: 'b.example', line: 4 },
];

/** Every field the reader sets, row by row, reading `part` of each. */
function read(part?: 'all' | 'value' | 'observation'): Record<string, unknown>[] {
  const batch = encodeBatch(rows);
  const reader = new BatchReader(batch);
  const out = [];
  for (let row = 0; row < batch.length; row++) {
    reader.next(part);
    const { hash, type, value, ipFirst, ipLast, hostKey, firstSeen, lastSeen, raw, line, confidence, threatType, malware, tags, reference, tlp, validUntil, objectId } = reader;
    out.push({ hash, type, value, ipFirst, ipLast, hostKey, firstSeen, lastSeen, raw, line, confidence, threatType, malware, tags, reference, tlp, validUntil, objectId });
  }
  return out;
}

describe('BatchReader', () => {
  it('reads a part of each row as the whole row has it, the rest left empty', () => {
    const all = read();
    assert.equal(all.length, rows.length);
    assert.ok(all.some((row) => row.raw === null) && all.some((row) => row.objectId === 'indicator--1'), 'absent and present cells both met');
    const values = read('value');
    const observations = read('observation');
    for (let row = 0; row < all.length; row++) {
      const { value, ipFirst, ipLast, hostKey, raw, threatType, malware, tags, reference, tlp, objectId, ...numbers } = all[row]!;
      assert.deepEqual(values[row], { ...numbers, value, ipFirst, ipLast, hostKey, raw: null, threatType: null, malware: null, tags: '', reference: null, tlp: null, objectId: null });
      assert.deepEqual(observations[row], { ...numbers, value: '', ipFirst: null, ipLast: null, hostKey: null, raw, threatType, malware, tags, reference, tlp, objectId });
    }
  });

  it('reads a part of each row of a bare batch (values and dates alone)', () => {
    const bare: Observation[] = [
      { type: 'ipv4', value: '192.0.2.9', firstSeen: T0, lastSeen: T0, tags: [], raw: '192.0.2.9', line: 1 },
      { type: 'domain', value: 'c.example', firstSeen: T0, lastSeen: T0, tags: [], raw: 'c.example # note', line: 2 },
    ];
    const batch = encodeBatch(bare);
    assert.equal(batch.bare, true);
    const observations = new BatchReader(batch);
    const values = new BatchReader(batch);
    const seen = [];
    const read = [];
    for (let row = 0; row < batch.length; row++) {
      observations.next('observation');
      values.next('value');
      seen.push(observations.raw);
      read.push(values.value);
    }
    assert.deepEqual(new Set(seen), new Set([null, 'c.example # note']));
    assert.deepEqual(new Set(read), new Set(['192.0.2.9', 'c.example']));
  });
});
