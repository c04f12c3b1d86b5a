import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { valueHash } from '../normalise/index.ts';
import { filterBits, SeenFilter } from './seen-filter.ts';

const MiB = 2 ** 20;

describe('the size of the filter of values met in an import', () => {
  it('takes about a bit per input byte, rounded up to a power of two, within 2^20 and 2^28 bits', () => {
    assert.equal(filterBits(26 * MiB), 2 ** 25);
    assert.equal(filterBits(10), 2 ** 20);
    assert.equal(filterBits(2 ** 40), 2 ** 28);
    assert.equal(filterBits(undefined), 2 ** 24, 'an input of unknown size is taken for 16 MiB');
  });

  it('takes 16 bits per value for an input whose first batch shows few values per byte', () => {
    // a 215 MiB ThreatFox CSV: some 4,870 rows per MiB read, each with its metadata and line
    assert.equal(filterBits(215 * MiB, { length: 4_870, inputBytes: MiB }), 2 ** 25, 'where bytes alone would give 2^28');
    // a plain list of 26 MiB: some 40,000 values per MiB, 26 bits each by bytes
    assert.equal(filterBits(26 * MiB, { length: 40_000, inputBytes: MiB }), 2 ** 24);
    // a list of 10M values (260 MB) still takes the largest filter
    assert.equal(filterBits(260 * MiB, { length: 40_000, inputBytes: MiB }), 2 ** 28);
  });

  it('never takes more than by bytes, nor less than a bit per 8 bytes when the first batch is unlike the rest', () => {
    // a first batch of one-byte values: more values per byte than bytes can hold bits for
    assert.equal(filterBits(26 * MiB, { length: MiB / 2, inputBytes: MiB }), filterBits(26 * MiB));
    // a first batch that was mostly a long header: 10 values in its MiB
    assert.equal(filterBits(200 * MiB, { length: 10, inputBytes: MiB }), 2 ** 25);
    // a batch made in the writer's own thread carries no input size
    assert.equal(filterBits(215 * MiB, { length: 4_870 }), filterBits(215 * MiB));
  });

  it('at the size it takes for 1M values of a CSV, takes fewer than 1 in 1,000 new values for a possible repeat', () => {
    const rows = 1_000_000;
    const filter = new SeenFilter(filterBits(215 * MiB, { length: 4_870, inputBytes: MiB }));
    const hashes = Float64Array.from({ length: rows }, (_, i) => valueHash('domain', `h${i}.example`));
    let maybe = 0;
    // added in batches in hash order, as imports add them
    for (let start = 0; start < rows; start += 5_000) for (const hash of hashes.subarray(start, start + 5_000).sort()) if (filter.add(hash)) maybe++;
    assert.ok(maybe < rows / 1_000, `${maybe} false positives`);
    assert.ok([...hashes.subarray(0, 1_000)].every((hash) => filter.add(hash)), 'every value met is met again');
  });
});
