import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterAdd, filterMayHold, filterMayHoldMany, filterWords } from './filter.ts';
import { hashBytes } from './table.ts';

const hashOf = (text: string): number => hashBytes(1, new TextEncoder().encode(text));

describe('the key filter', () => {
  it('never turns away a key it holds, and turns away most keys it does not', () => {
    const keys = 100_000;
    const filter = new Uint32Array(filterWords(keys));
    for (let i = 0; i < keys; i++) filterAdd(filter, hashOf(`198.51.${i >>> 8}.${i & 255}-${i}`));
    for (let i = 0; i < keys; i++) assert.ok(filterMayHold(filter, hashOf(`198.51.${i >>> 8}.${i & 255}-${i}`)), `key ${i}`);
    let passed = 0;
    const probes = 200_000;
    for (let i = 0; i < probes; i++) if (filterMayHold(filter, hashOf(`absent-${i}.example`))) passed++;
    // three bits in one word at 10 bits a key: about 3% pass; a broken mix lets far more through
    assert.ok(passed / probes < 0.04, `${passed} of ${probes} absent keys passed`);
  });

  it('answers a group of probes as it answers each alone', () => {
    const filter = new Uint32Array(filterWords(1000));
    for (let i = 0; i < 1000; i++) filterAdd(filter, hashOf(`held-${i}`));
    const hashes = Uint32Array.from({ length: 3000 }, (_, i) => hashOf(i % 2 ? `held-${i % 1000}` : `absent-${i}`));
    const out = new Uint8Array(hashes.length).fill(7);
    filterMayHoldMany(filter, hashes, 2999, out);
    for (let i = 0; i < 2999; i++) assert.equal(out[i], filterMayHold(filter, hashes[i]!) ? 1 : 0, `probe ${i}`);
    assert.equal(out[2999], 7, 'only `count` probes are answered');
    assert.ok(out.subarray(0, 2999).includes(0) && out.subarray(0, 2999).includes(1));
  });

  it('an empty filter holds nothing', () => {
    const filter = new Uint32Array(filterWords(0));
    assert.equal(filter.length, 1);
    assert.equal(filterMayHold(filter, hashOf('1.2.3.4')), false);
  });
});
