import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactTable, TableBuilder, hashBytes, tableEntries } from './table.ts';

describe('CompactTable', () => {
  it('finds every key it was given, with its number, and nothing else', () => {
    const builder = new TableBuilder();
    const keys: Array<[number, string]> = [];
    for (let i = 0; i < 5000; i++) keys.push([i % 3, `host-${i}.example.com`]);
    keys.push([1, 'bücher.example'], [2, 'x'.repeat(300)]);
    keys.forEach(([tag, text], i) => builder.add(tag, text, i));
    const table = new CompactTable(builder.build());
    assert.equal(table.size, keys.length);
    keys.forEach(([tag, text], i) => assert.equal(table.get(tag, text), i, text));
    assert.equal(table.get(0, 'host-1.example.com'), -1, 'same text under another tag');
    assert.equal(table.get(1, 'host-1.example.co'), -1);
    assert.equal(table.get(1, 'bücher.exampl'), -1);
    assert.equal(table.get(2, 'x'.repeat(299)), -1);
  });

  it('keeps the first number of a key added twice', () => {
    const builder = new TableBuilder();
    builder.add(4, 'evil.example', 7);
    builder.add(4, 'evil.example', 9);
    builder.add(4, 'other.example', 1);
    const arrays = builder.build();
    const table = new CompactTable(arrays);
    assert.equal(table.size, 2);
    assert.equal(table.get(4, 'evil.example'), 7);
    assert.deepEqual([...tableEntries(arrays)].map((entry) => entry.text).sort(), ['evil.example', 'other.example']);
  });

  it('answers a group of mayHold probes as it answers each alone, and never turns a held key away', () => {
    const builder = new TableBuilder();
    for (let i = 0; i < 20_000; i++) builder.add(1, `203.0.${i >>> 8}.${i & 255}-${i}`, i);
    const table = new CompactTable(builder.build());
    const hashes = Uint32Array.from({ length: 40_000 }, (_, i) => hashBytes(1, new TextEncoder().encode(i % 2 ? `203.0.${(i >>> 1) >>> 8}.${(i >>> 1) & 255}-${i >>> 1}` : `absent-${i}`)));
    const out = new Uint8Array(hashes.length);
    table.mayHoldMany(hashes, hashes.length, out);
    let absentPassed = 0;
    for (let i = 0; i < hashes.length; i++) {
      assert.equal(out[i], table.mayHold(hashes[i]!) ? 1 : 0, `probe ${i}`);
      if (i % 2) assert.equal(out[i], 1, `held key ${i >>> 1}`);
      else absentPassed += out[i]!;
    }
    assert.ok(absentPassed < 100, `${absentPassed} of 20,000 absent keys passed the filter and the fingerprints`);
  });

  it('an empty table finds nothing', () => {
    const table = new CompactTable(new TableBuilder().build());
    assert.equal(table.get(0, '1.2.3.4'), -1);
  });
});
