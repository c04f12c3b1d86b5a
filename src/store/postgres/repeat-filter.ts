/** Bits of the filter: 8 MiB, about 2% false "maybe" at 10M values (two probes), 0.02% at 1M. */
const BITS = 2 ** 26;
const MASK = BITS - 1;

/**
 * Which rows of an import may repeat a value of an earlier batch: a Bloom
 * filter over the values' 53-bit hashes. "No" is certain, "maybe" is checked
 * exactly on the server, which then numbers the repeats of only the values
 * flagged instead of grouping every row of the stage. Memory is taken only
 * once a second batch comes (a single batch repeats nothing).
 */
export class RepeatFilter {
  private bits: Uint32Array | undefined;
  private pending: Float64Array | undefined;

  /** Whether each hash of a batch may have come in an earlier batch; then records the batch's hashes. */
  mark(hashes: Float64Array): Uint8Array {
    const maybe = new Uint8Array(hashes.length);
    if (!this.bits && !this.pending) {
      this.pending = hashes.slice();
      return maybe;
    }
    const bits = this.filter();
    for (let i = 0; i < hashes.length; i++) {
      const [a, b] = probes(hashes[i]!);
      maybe[i] = (bits[a >>> 5]! >>> (a & 31)) & (bits[b >>> 5]! >>> (b & 31)) & 1;
    }
    for (let i = 0; i < hashes.length; i++) add(bits, hashes[i]!);
    return maybe;
  }

  private filter(): Uint32Array {
    if (this.bits) return this.bits;
    const bits = new Uint32Array(BITS / 32);
    for (const hash of this.pending!) add(bits, hash);
    this.pending = undefined;
    return (this.bits = bits);
  }
}

/** Two bit positions from the hash's low 26 bits and the 27 above them. */
function probes(hash: number): [number, number] {
  return [hash % BITS & MASK, Math.floor(hash / BITS) & MASK];
}

function add(bits: Uint32Array, hash: number): void {
  const [a, b] = probes(hash);
  bits[a >>> 5]! |= 1 << (a & 31);
  bits[b >>> 5]! |= 1 << (b & 31);
}
