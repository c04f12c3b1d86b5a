import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterAdd, filterMayHold, filterWords } from './filter.ts';
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

  it('an empty filter holds nothing', () => {
    const filter = new Uint32Array(filterWords(0));
    assert.equal(filter.length, 1);
    assert.equal(filterMayHold(filter, hashOf('1.2.3.4')), false);
  });
});
