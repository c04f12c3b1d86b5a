import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { valueHash } from '../../normalise/index.ts';
import { filterBits, SeenFilter } from '../seen-filter.ts';
import { flagRepeats } from './import-copy.ts';

const hashes = (values: string[]): Float64Array => Float64Array.from(values, (value) => valueHash('domain', value));
const range = (from: number, to: number, prefix = 'h'): string[] => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}.example`);

describe('flagging the rows that may repeat an earlier batch', () => {
  it('flags every value of an earlier batch, never one of the first batch, and few that are new', () => {
    const seen = new SeenFilter(filterBits(undefined));
    assert.deepEqual([...flagRepeats(seen, hashes(range(0, 50_000)))], new Array(50_000).fill(0), 'a first batch repeats nothing');
    // the second batch: 10,000 values of the first, 40,000 new
    const second = flagRepeats(seen, hashes([...range(40_000, 50_000), ...range(50_000, 90_000)]));
    assert.ok(second.subarray(0, 10_000).every((flag) => flag === 1), 'no repeat is missed');
    const falseMaybes = second.subarray(10_000).reduce((sum, flag) => sum + flag, 0);
    assert.ok(falseMaybes < 40, `false maybes: ${falseMaybes}`);
    // a third batch sees values of both earlier ones
    const third = flagRepeats(seen, hashes([...range(0, 5), ...range(85_000, 85_005), ...range(0, 5, 'fresh')]));
    assert.deepEqual([...third.subarray(0, 10)], new Array(10).fill(1));
  });
});
