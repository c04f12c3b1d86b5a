import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactTable, TableBuilder, hashBytes, keyShape, tableEntries } from './table.ts';

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
    const keys = Array.from({ length: 40_000 }, (_, i) => new TextEncoder().encode(i % 2 ? `203.0.${(i >>> 1) >>> 8}.${(i >>> 1) & 255}-${i >>> 1}` : `absent-${i}`));
    const hashes = Uint32Array.from(keys, (key) => hashBytes(1, key));
    const shapes = Uint16Array.from(keys, (key) => keyShape(key.length, key[key.length - 1]!));
    const out = new Uint8Array(hashes.length);
    table.mayHoldMany(hashes, shapes, hashes.length, out);
    let absentPassed = 0;
    for (let i = 0; i < hashes.length; i++) {
      assert.equal(out[i], table.mayHold(hashes[i]!, shapes[i]!) ? 1 : 0, `probe ${i}`);
      if (i % 2) assert.equal(out[i], 1, `held key ${i >>> 1}`);
      else absentPassed += out[i]!;
    }
    assert.ok(absentPassed < 100, `${absentPassed} of 20,000 absent keys passed the filter and the fingerprints`);
  });

  it('turns away a value whose 32-bit hash equals a key\'s but whose length or last byte differ', () => {
    // two texts of one hash, found by drawing (the first pair among them is always the same)
    const encoder = new TextEncoder();
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const text = `v${i.toString(36)}${'x'.repeat(i % 3)}`;
      const h = hashBytes(1, encoder.encode(text));
      const other = seen.get(h);
      if (other !== undefined && (other.length !== text.length || other.at(-1) !== text.at(-1))) pair = [other, text];
      else seen.set(h, text);
    }
    const [key, lookalike] = pair;
    const builder = new TableBuilder();
    builder.add(1, key, 1);
    const arrays = builder.build();
    const shapeOf = (text: string): number => keyShape(text.length, text.charCodeAt(text.length - 1));
    const h = hashBytes(1, encoder.encode(lookalike));
    assert.equal(h, hashBytes(1, encoder.encode(key)));
    assert.equal(new CompactTable(arrays).mayHold(h, shapeOf(key)), true);
    assert.equal(new CompactTable(arrays).mayHold(h, shapeOf(lookalike)), false, `${lookalike} shares the hash of ${key}`);
    const unshaped = new CompactTable({ ...arrays, shaped: false, fingerprints: Uint16Array.of(h & 0xffff) });
    assert.equal(unshaped.mayHold(h, shapeOf(lookalike)), true, 'fingerprints of the hash alone (snapshots before version 3) cannot tell them apart');
  });

  it('an empty table finds nothing', () => {
    const table = new CompactTable(new TableBuilder().build());
    assert.equal(table.get(0, '1.2.3.4'), -1);
  });
});
