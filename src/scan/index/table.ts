import { filterAdd, filterMayHold, filterMayHoldMany, filterWords } from './filter.ts';

/**
 * A read-only set of (tag, text) keys with a small number attached to each,
 * in a few typed arrays instead of one JavaScript string per key: 10 million
 * keys cost their UTF-8 bytes plus about 8 bytes each, and the arrays can be
 * written to a file and mapped back without parsing.
 *
 * Layout: a small Bloom filter (filter.ts) turns most absent keys away
 * first. Keys are sorted by a 32-bit hash; its top bits pick a bucket of 8
 * to 16 keys (`dir` holds where each bucket starts in the key order and in
 * the byte arena), and its low 16 bits are kept per key as a fingerprint. A
 * lookup hashes the probe, asks the filter, scans the bucket's fingerprints,
 * and verifies a matching fingerprint byte for byte. The arena holds each
 * key as tag, length (LEB128) and bytes.
 *
 * A fingerprint also folds in the key's shape (keyShape: its length and last
 * byte). The bucket and the fingerprint share the hash's 32 bits, so without
 * it a value whose hash equals some key's would pass as "may hold": at 10M
 * keys, one absent value in 400 did, and the screen then read its whole line
 * for nothing. Two keys of equal hash now also need equal shapes.
 */
export interface TableArrays {
  /** The low 16 bits of each key's hash, xor its shape when `shaped`, in key order (keys are sorted by the whole hash). */
  fingerprints: Uint16Array<ArrayBufferLike>;
  /** Whether the fingerprints fold in the keys' shapes (snapshots before version 3 kept the hash's bits alone). */
  shaped: boolean;
  /** The Bloom filter over the keys' hashes. */
  filter: Uint32Array<ArrayBufferLike>;
  /** The number attached to each key (an index into the report metadata): 16 bits wide when every number fits. */
  values: Uint32Array<ArrayBufferLike> | Uint16Array<ArrayBufferLike>;
  /** For bucket b: dir[2b] the first key, dir[2b+1] its byte offset in the arena; dir[2·buckets] and dir[2·buckets+1] close the last. */
  dir: Uint32Array<ArrayBufferLike>;
  arena: Uint8Array<ArrayBufferLike>;
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(1024);

/**
 * FNV-1a over the tag and the key's UTF-8 bytes taken last to first, finished
 * with murmur3's mixer so the top bits spread. Last to first: the running
 * hash of a host name passes through the hash of each of its parent domains
 * on the way, so one pass over `a.b.evil.example` probes all of them.
 */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashBytes(tag: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = hashSeed(tag);
  for (let i = end - 1; i >= start; i--) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return mix(h);
}

/** 16 bits from a key's length in bytes and its last byte (0 when it is empty). */
export const keyShape = (length: number, last: number): number => Math.imul(length * 256 + last, 0x9e3779b1) >>> 16;

export const hashSeed = (tag: number): number => Math.imul(0x811c9dc5 ^ tag, 0x01000193);
export const hashStep = (h: number, byte: number): number => Math.imul(h ^ byte, 0x01000193);
export const hashFinish = mix;

/** The UTF-8 bytes of `text` in a reused buffer, or undefined when it is ASCII (its char codes are its bytes). */
function utf8(text: string): Uint8Array | undefined {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
      const { written } = encoder.encodeInto(text, scratch);
      return scratch.subarray(0, written);
    }
  }
  return undefined;
}

export class CompactTable {
  private readonly shift: number;
  private readonly buckets: number;
  /** 0xffff when fingerprints fold in shapes, else 0: a shape is masked with it. */
  private readonly shapeMask: number;
  /** mayHoldMany's scratch: which values passed the filter, and their buckets' bounds. */
  private passedAt = new Int32Array(1024);
  private firstAt = new Int32Array(1024);
  private lastAt = new Int32Array(1024);

  constructor(readonly arrays: TableArrays) {
    this.buckets = (arrays.dir.length >>> 1) - 1;
    this.shift = 32 - Math.log2(this.buckets);
    this.shapeMask = arrays.shaped ? 0xffff : 0;
  }

  get size(): number {
    return this.arrays.fingerprints.length;
  }

  /** The number attached to (tag, text), or -1 when the table does not hold it. */
  get(tag: number, text: string): number {
    // hash as ASCII in the same pass that checks the text is ASCII (almost always)
    let h = hashSeed(tag);
    let ascii = true;
    for (let i = text.length - 1; i >= 0; i--) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) {
        ascii = false;
        break;
      }
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (ascii) return this.probe(tag, mix(h), keyShape(text.length, text.charCodeAt(text.length - 1) || 0), text, 0, undefined);
    const bytes = utf8(text)!;
    return this.probe(tag, hashBytes(tag, bytes), keyShape(bytes.length, bytes[bytes.length - 1]!), text, 0, bytes);
  }

  /** Whether some key has the finished hash `h`: false means the key is certainly absent (a probe that never leaves the filter or the bucket's fingerprints). */
  mayHold(h: number, shape: number): boolean {
    return filterMayHold(this.arrays.filter, h) && this.inBucket(h, shape);
  }

  /** `mayHold` for `count` hashes and shapes at once, into `out` (1: may hold): the filter is read for all of them first (see filterMayHoldMany). */
  mayHoldMany(hashes: Uint32Array, shapes: Uint16Array, count: number, out: Uint8Array): void {
    filterMayHoldMany(this.arrays.filter, hashes, count, out);
    // as the filter's words, the buckets are read in loops where no read waits on the one before: first the
    // bounds of every bucket wanted, then their fingerprints
    if (this.passedAt.length < count) [this.passedAt, this.firstAt, this.lastAt] = [new Int32Array(count * 2), new Int32Array(count * 2), new Int32Array(count * 2)];
    const { passedAt, firstAt, lastAt } = this;
    const { fingerprints, dir } = this.arrays;
    let passed = 0;
    for (let n = 0; n < count; n++) if (out[n] === 1) passedAt[passed++] = n;
    for (let k = 0; k < passed; k++) {
      const bucket = this.bucketOf(hashes[passedAt[k]!]!);
      firstAt[k] = dir[bucket * 2]!;
      lastAt[k] = dir[bucket * 2 + 2]!;
    }
    for (let k = 0; k < passed; k++) {
      const n = passedAt[k]!;
      out[n] = holdsFingerprint(fingerprints, firstAt[k]!, lastAt[k]!, this.fingerprintOf(hashes[n]!, shapes[n]!)) ? 1 : 0;
    }
  }

  /** Whether the bucket of the finished hash `h` holds its fingerprint. */
  private inBucket(h: number, shape: number): boolean {
    const { fingerprints, dir } = this.arrays;
    const bucket = this.bucketOf(h);
    return holdsFingerprint(fingerprints, dir[bucket * 2]!, dir[bucket * 2 + 2]!, this.fingerprintOf(h, shape));
  }

  /** The bucket of finished hash `h`: its top bits. */
  private bucketOf(h: number): number {
    return this.shift === 32 ? 0 : h >>> this.shift;
  }

  /** The 16-bit fingerprint a key of finished hash `h` and shape `shape` is stored under. */
  private fingerprintOf(h: number, shape: number): number {
    return (h ^ (shape & this.shapeMask)) & 0xffff;
  }

  /**
   * The number attached to (tag, text from `start`) given the key's finished
   * hash and its shape, or -1; `bytes` when the text is not ASCII (then
   * `start` is 0).
   */
  probe(tag: number, h: number, shape: number, text: string, start: number, bytes?: Uint8Array): number {
    const { fingerprints, dir, arena, filter } = this.arrays;
    if (!filterMayHold(filter, h)) return -1;
    const bucket = this.bucketOf(h);
    const first = dir[bucket * 2]!;
    const last = dir[bucket * 2 + 2]!;
    const fingerprint = this.fingerprintOf(h, shape);
    let at = dir[bucket * 2 + 1]!;
    for (let i = first; i < last; i++) {
      // keys before a matching fingerprint are skipped in the arena by their lengths
      if (fingerprints[i] === fingerprint && equals(arena, at, tag, text, start, bytes)) return this.arrays.values[i]!;
      at = skip(arena, at);
    }
    return -1;
  }
}

function skip(arena: Uint8Array<ArrayBufferLike>, at: number): number {
  let p = at + 1;
  let length = 0;
  let shift = 0;
  for (;;) {
    const b = arena[p++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
    shift += 7;
  }
  return p + length;
}

function equals(arena: Uint8Array<ArrayBufferLike>, at: number, tag: number, text: string, start: number, bytes: Uint8Array | undefined): boolean {
  if (arena[at] !== tag) return false;
  let p = at + 1;
  let length = 0;
  let shift = 0;
  for (;;) {
    const b = arena[p++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
    shift += 7;
  }
  if (bytes) {
    if (length !== bytes.length) return false;
    for (let i = 0; i < length; i++) if (arena[p + i] !== bytes[i]) return false;
    return true;
  }
  if (length !== text.length - start) return false;
  for (let i = 0; i < length; i++) if (arena[p + i] !== text.charCodeAt(start + i)) return false;
  return true;
}

/** The keys of a table with their numbers, in table order; for tests and snapshot checks. */
export function* tableEntries(arrays: TableArrays): Generator<{ tag: number; text: string; value: number }> {
  const decoder = new TextDecoder();
  let at = 0;
  for (let i = 0; i < arrays.fingerprints.length; i++) {
    const tag = arrays.arena[at]!;
    const next = skip(arrays.arena, at);
    let p = at + 1;
    while (arrays.arena[p]! >= 0x80) p++;
    yield { tag, text: decoder.decode(arrays.arena.subarray(p + 1, next)), value: arrays.values[i]! };
    at = next;
  }
}

/** The fingerprints and filter of keys whose whole 32-bit hashes are known (in key order): a snapshot of the first version kept those. */
export function fromWholeHashes(hashes: Uint32Array<ArrayBufferLike>): Pick<TableArrays, 'fingerprints' | 'filter' | 'shaped'> {
  const fingerprints = new Uint16Array(hashes.length);
  const filter = new Uint32Array(filterWords(hashes.length));
  for (let i = 0; i < hashes.length; i++) {
    fingerprints[i] = hashes[i]! & 0xffff;
    filterAdd(filter, hashes[i]!);
  }
  return { fingerprints, filter, shaped: false };
}

/**
 * Collects keys, then lays them out as a CompactTable. Keys are staged as
 * bytes (never as a string each); a key added twice keeps its first number.
 */
export class TableBuilder {
  private staged = new Uint8Array(1 << 16);
  private used = 0;
  private starts: Uint32Array<ArrayBuffer> = new Uint32Array(1024);
  private hashes: Uint32Array<ArrayBuffer> = new Uint32Array(1024);
  private values: Uint32Array<ArrayBuffer> = new Uint32Array(1024);
  private shapes: Uint16Array<ArrayBuffer> = new Uint16Array(1024);
  private count = 0;

  add(tag: number, text: string, value: number): void {
    const need = this.used + 6 + text.length * 3;
    if (need > this.staged.length) {
      const grown = new Uint8Array(Math.max(need, this.staged.length * 2));
      grown.set(this.staged.subarray(0, this.used));
      this.staged = grown;
    }
    if (this.count === this.starts.length) {
      this.starts = grow(this.starts);
      this.hashes = grow(this.hashes);
      this.values = grow(this.values);
      const shapes = new Uint16Array(this.shapes.length * 2);
      shapes.set(this.shapes);
      this.shapes = shapes;
    }
    const start = this.used;
    const bytes = encoder.encode(text);
    this.staged[this.used++] = tag;
    let length = bytes.length;
    while (length >= 0x80) {
      this.staged[this.used++] = (length & 0x7f) | 0x80;
      length = Math.floor(length / 128);
    }
    this.staged[this.used++] = length;
    this.staged.set(bytes, this.used);
    this.used += bytes.length;
    this.starts[this.count] = start;
    this.hashes[this.count] = hashBytes(tag, bytes);
    this.values[this.count] = value;
    this.shapes[this.count] = keyShape(bytes.length, bytes.length > 0 ? bytes[bytes.length - 1]! : 0);
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** Lays the keys out; `alloc` provides the memory (a SharedArrayBuffer for threads, or a plain one). */
  build(alloc: (bytes: number) => ArrayBufferLike = (bytes) => new ArrayBuffer(bytes)): TableArrays {
    const n = this.count;
    let buckets = 1;
    while (buckets * 16 < n) buckets *= 2;
    const shift = 32 - Math.log2(buckets);
    const bucketOf = (h: number): number => (shift === 32 ? 0 : h >>> shift);
    // counting sort by bucket, then each (small) bucket by fingerprint
    const counts = new Uint32Array(buckets + 1);
    for (let i = 0; i < n; i++) counts[bucketOf(this.hashes[i]!) + 1]!++;
    for (let b = 0; b < buckets; b++) counts[b + 1]! += counts[b]!;
    const order = new Uint32Array(n);
    const fill = counts.slice(0, buckets);
    for (let i = 0; i < n; i++) order[fill[bucketOf(this.hashes[i]!)]!++] = i;
    for (let b = 0; b < buckets; b++) {
      const from = counts[b]!;
      const to = counts[b + 1]!;
      for (let i = from + 1; i < to; i++) {
        const key = order[i]!;
        const h = this.hashes[key]!;
        let j = i - 1;
        while (j >= from && (this.hashes[order[j]!]! > h || (this.hashes[order[j]!]! === h && order[j]! > key))) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = key;
      }
    }
    // drop repeated keys (same fingerprint and bytes), keeping the first added
    const keep = new Uint8Array(n).fill(1);
    let kept = n;
    let arenaBytes = 0;
    for (let i = 0; i < n; i++) {
      const key = order[i]!;
      for (let j = i - 1; j >= 0 && this.hashes[order[j]!] === this.hashes[key]; j--) {
        if (keep[j] && this.sameKey(order[j]!, key)) {
          keep[i] = 0;
          kept--;
          break;
        }
      }
      if (keep[i]) arenaBytes += this.keyLength(key);
    }
    const fingerprints = new Uint16Array(alloc(Math.max(kept * 2, 2)), 0, kept);
    const filter = new Uint32Array(alloc(filterWords(kept) * 4));
    let widest = 0;
    for (let i = 0; i < n; i++) if (this.values[i]! > widest) widest = this.values[i]!;
    const values = widest < 65536 ? new Uint16Array(alloc(Math.max(kept * 2, 2)), 0, kept) : new Uint32Array(alloc(Math.max(kept * 4, 4)), 0, kept);
    const dir = new Uint32Array(alloc((buckets + 1) * 8));
    const arena = new Uint8Array(alloc(Math.max(arenaBytes, 1)));
    let out = 0;
    let at = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      const key = order[i]!;
      const bucket = bucketOf(this.hashes[key]!);
      while (b <= bucket) {
        dir[b * 2] = out;
        dir[b * 2 + 1] = at;
        b++;
      }
      if (!keep[i]) continue;
      fingerprints[out] = (this.hashes[key]! ^ this.shapes[key]!) & 0xffff;
      filterAdd(filter, this.hashes[key]!);
      values[out] = this.values[key]!;
      const length = this.keyLength(key);
      arena.set(this.staged.subarray(this.starts[key]!, this.starts[key]! + length), at);
      at += length;
      out++;
    }
    while (b <= buckets) {
      dir[b * 2] = out;
      dir[b * 2 + 1] = at;
      b++;
    }
    return { fingerprints, filter, shaped: true, values, dir, arena };
  }

  private keyLength(key: number): number {
    const end = key + 1 < this.count ? this.starts[key + 1]! : this.used;
    return end - this.starts[key]!;
  }

  private sameKey(a: number, b: number): boolean {
    const length = this.keyLength(a);
    if (length !== this.keyLength(b)) return false;
    const sa = this.starts[a]!;
    const sb = this.starts[b]!;
    for (let i = 0; i < length; i++) if (this.staged[sa + i] !== this.staged[sb + i]) return false;
    return true;
  }
}

/** Whether fingerprints [first, last) (a bucket) hold `fingerprint`. */
function holdsFingerprint(fingerprints: Uint16Array<ArrayBufferLike>, first: number, last: number, fingerprint: number): boolean {
  for (let i = first; i < last; i++) if (fingerprints[i] === fingerprint) return true;
  return false;
}

/** A copy of `array` twice as long: room for a growing list of numbers. */
export function grow(array: Uint32Array): Uint32Array<ArrayBuffer> {
  const grown = new Uint32Array(array.length * 2);
  grown.set(array);
  return grown;
}
