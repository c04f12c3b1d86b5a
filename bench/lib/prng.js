// Seeded, reproducible randomness for the benchmark corpora (no Math.random anywhere).

/** sfc32: small, fast, good enough statistically for synthetic data; 32-bit state words. */
export function createRng(seed) {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
  let d = 1;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  const rng = {
    /** Uniform 32-bit unsigned integer. */
    u32: next,
    /** Uniform float in [0, 1). */
    float: () => next() / 4294967296,
    /** Uniform integer in [0, n). */
    int: (n) => Math.floor((next() / 4294967296) * n),
    /** True with probability p. */
    chance: (p) => next() / 4294967296 < p,
    pick: (list) => list[Math.floor((next() / 4294967296) * list.length)],
    /** Index into `weights` (an array of non-negative numbers), chosen proportionally. */
    weighted(weights, total = weights.reduce((s, w) => s + w, 0)) {
      let r = (next() / 4294967296) * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i];
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
    hex(chars) {
      let out = '';
      while (out.length < chars) out += next().toString(16).padStart(8, '0');
      return out.slice(0, chars);
    },
  };
  return rng;
}

/** Keeps a uniform random sample of at most `size` items out of a stream of unknown length (Algorithm R). */
export class Reservoir {
  constructor(rng, size) {
    this.rng = rng;
    this.size = size;
    this.items = [];
    this.seen = 0;
  }

  offer(item) {
    this.seen++;
    if (this.items.length < this.size) this.items.push(item);
    else {
      const j = Math.floor(this.rng.float() * this.seen);
      if (j < this.size) this.items[j] = item;
    }
  }
}
