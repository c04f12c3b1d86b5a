/**
 * Values already met in this import, by their 53-bit hash: a blocked Bloom
 * filter (4 bits within one 512-bit block per value). `add` answers false
 * only for a value certainly not met before; a true may be a false positive,
 * which costs a slower path and never a wrong result. The block comes from
 * the hash's high bits, so a batch in hash order walks the filter in order.
 */
export class SeenFilter {
  private readonly words: Int32Array;
  private readonly shift: number;

  constructor(bits: number) {
    const blocks = Math.max(1, bits >>> 9);
    this.words = new Int32Array(blocks * 16);
    // block index = top log2(blocks) of the hash's 21 high bits (2^53 / 2^32)
    this.shift = 21 - Math.round(Math.log2(blocks));
  }

  add(hash: number): boolean {
    const high = Math.floor(hash / 4294967296);
    const low = hash >>> 0;
    const base = (this.shift >= 0 ? high >>> this.shift : high << -this.shift) << 4;
    const mixed = Math.imul(low ^ (low >>> 16), 0x45d9f3b);
    let seen = true;
    for (const bit of [low & 511, (low >>> 9) & 511, (low >>> 18) & 511, (mixed >>> 23) & 511]) {
      const word = base + (bit >>> 5);
      const mask = 1 << (bit & 31);
      if ((this.words[word]! & mask) === 0) {
        seen = false;
        this.words[word]! |= mask;
      }
    }
    return seen;
  }
}

/** Bits per value expected: some 1 in 2,000 new values is then taken for a possible repeat (at 2^24 bits for 1M values, 1 in 1,500). */
const BITS_PER_VALUE = 16;

/**
 * Filter size, 128 KiB to 32 MiB: about a bit per input byte (some 25 bits per value of a plain list), or
 * less for an input that holds fewer values per byte, as its first batch (`first`, from the parser thread)
 * tells: 16 bits per value it holds at that rate, but never below a bit per 8 bytes, so that a first batch
 * unlike the rest (a long header) costs a few false positives at most. A filter sized by bytes alone is ten
 * times too large for a CSV whose rows carry their metadata, and it is read at random: each value added
 * then misses the cache.
 */
export function filterBits(sizeHint: number | undefined, first?: { length: number; inputBytes?: number }): number {
  let wanted = sizeHint ?? 16 * 2 ** 20;
  if (sizeHint !== undefined && first?.inputBytes) {
    const values = (sizeHint * first.length) / first.inputBytes;
    wanted = Math.min(sizeHint, Math.max(sizeHint / 8, values * BITS_PER_VALUE));
  }
  return 2 ** Math.ceil(Math.log2(Math.min(Math.max(wanted, 2 ** 20), 2 ** 28)));
}
