/**
 * A blocked Bloom filter over the table's key hashes: one 32-bit word per
 * key's probe, three bits set in it, 10 bits a key. It answers "certainly
 * absent" for some 97% of the values a log holds from 1.25 MB at 1M keys,
 * which the CPU caches mostly keep while the table's fingerprints, larger,
 * do not; at 10M keys (12.5 MB) the caches no longer hold it either, and the
 * screen probes it by group (filterMayHoldMany). The word and the bits
 * come from a second mix of the key's hash, so they say nothing about the
 * bucket or the fingerprint the table checks next.
 */

/** Words for `keys` keys: 10 bits a key (three bits a key in one word turn away more than two or four would), at least one word. */
export function filterWords(keys: number): number {
  return Math.max(1, Math.ceil((keys * 10) / 32));
}

function remix(h: number): number {
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The word (the remixed hash range-reduced by a multiplication) and the three bits of a key. */
function wordOf(g: number, words: number): number {
  return Math.floor((g * words) / 4294967296);
}

function bitsOf(g: number): number {
  return (1 << (g & 31)) | (1 << ((g >>> 5) & 31)) | (1 << ((g >>> 10) & 31));
}

/** Sets the bits of the finished key hash `h`. */
export function filterAdd(filter: Uint32Array<ArrayBufferLike>, h: number): void {
  const g = remix(h);
  const word = wordOf(g, filter.length);
  filter[word] = filter[word]! | bitsOf(g);
}

/** False: no key with the finished hash `h` was added. */
export function filterMayHold(filter: Uint32Array<ArrayBufferLike>, h: number): boolean {
  const g = remix(h);
  const bits = bitsOf(g);
  return (filter[wordOf(g, filter.length)]! & bits) === bits;
}

/**
 * `filterMayHold` for `count` hashes at once, into `out` (1: may hold). The
 * words and bits are worked out first, then read in a loop so short that the
 * CPU has many reads in flight at once: a filter of 10M keys (12.5 MB) is out
 * of the caches, and one probe at a time costs a full trip to memory each.
 * With the table's bucket reads split the same way (CompactTable.mayHoldMany),
 * the probes of 100 MB of Zeek http at 10M keys took 102 ms instead of 140.
 */
export function filterMayHoldMany(filter: Uint32Array<ArrayBufferLike>, hashes: Uint32Array, count: number, out: Uint8Array): void {
  const words = filter.length;
  if (wordsAt.length < count) {
    wordsAt = new Int32Array(count * 2);
    bitsAt = new Int32Array(count * 2);
  }
  const at = wordsAt;
  const want = bitsAt;
  for (let i = 0; i < count; i++) {
    const g = remix(hashes[i]!);
    at[i] = wordOf(g, words);
    want[i] = bitsOf(g);
  }
  for (let i = 0; i < count; i++) {
    const bits = want[i]!;
    out[i] = (filter[at[i]!]! & bits) === bits ? 1 : 0;
  }
}

let wordsAt = new Int32Array(1024);
let bitsAt = new Int32Array(1024);
