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

/** Every field the reader sets, row by row. */
function read(): Record<string, unknown>[] {
  const batch = encodeBatch(rows);
  const reader = new BatchReader(batch);
  const out = [];
  for (let row = 0; row < batch.length; row++) {
    reader.next();
    const { hash, type, value, ipFirst, ipLast, hostKey, firstSeen, lastSeen, raw, line, confidence, threatType, malware, tags, reference, tlp, validUntil, objectId } = reader;
    out.push({ hash, type, value, ipFirst, ipLast, hostKey, firstSeen, lastSeen, raw, line, confidence, threatType, malware, tags, reference, tlp, validUntil, objectId });
  }
  return out;
}

describe('BatchReader', () => {
  it('reads each row as it was encoded, absent cells as null', () => {
    const all = read();
    assert.equal(all.length, rows.length);
    assert.ok(all.some((row) => row.raw === null) && all.some((row) => row.objectId === 'indicator--1'), 'absent and present cells both met');
    for (const source of rows) {
      const row = all.find((candidate) => candidate.value === source.value)!;
      assert.deepEqual(
        { type: row.type, firstSeen: row.firstSeen, lastSeen: row.lastSeen, line: row.line, raw: row.raw, tags: row.tags, malware: row.malware, reference: row.reference, threatType: row.threatType, tlp: row.tlp, objectId: row.objectId, confidence: row.confidence },
        {
          type: source.type, firstSeen: source.firstSeen, lastSeen: source.lastSeen, line: source.line,
          // the line is kept only where it is not the value itself
          raw: source.raw === source.value ? null : source.raw,
          tags: source.tags.join(','), malware: source.malware ?? null, reference: source.reference ?? null, threatType: source.threatType ?? null,
          tlp: source.tlp ?? null, objectId: source.objectId ?? null, confidence: source.confidence ?? null,
        },
      );
    }
  });

  it('reads the values and dates of a bare batch', () => {
    const bare: Observation[] = [
      { type: 'ipv4', value: '192.0.2.9', firstSeen: T0, lastSeen: T0, tags: [], raw: '192.0.2.9', line: 1 },
      { type: 'domain', value: 'c.example', firstSeen: T0, lastSeen: T0, tags: [], raw: 'c.example # note', line: 2 },
    ];
    const batch = encodeBatch(bare);
    assert.equal(batch.bare, true);
    const reader = new BatchReader(batch);
    const seen = [];
    const read = [];
    for (let row = 0; row < batch.length; row++) {
      reader.next();
      seen.push(reader.raw);
      read.push(reader.value);
    }
    assert.deepEqual(new Set(seen), new Set([null, 'c.example # note']));
    assert.deepEqual(new Set(read), new Set(['192.0.2.9', 'c.example']));
  });
});
