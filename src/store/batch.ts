import { INDICATOR_TYPES, type IndicatorType, type Observation } from '../model/index.ts';
import { indexKeysHex, valueHash } from '../normalise/index.ts';
import { mergeBatch } from './merge.ts';

/**
 * A batch of observations as a backend writes them: repeats merged, each
 * value with its hash and index keys, in hash order. Packed into two typed
 * arrays and one string, so that posting it from the thread that parses to
 * the thread that writes copies a few blocks of memory (the typed arrays can
 * be transferred) instead of cloning a million small values.
 */
export interface ObservationBatch {
  /** Rows (distinct values). */
  length: number;
  /** No row carries anything but its dates: rows hold the bare cells only, not the metadata. */
  bare: boolean;
  /** `numberCells(bare)` doubles per row, in `NUMBER` order; NaN for absent. */
  numbers: Float64Array;
  /** The text cells of all rows, one after another: `textCells(bare)` per row, in `TEXT` order. */
  text: string;
  /** Where each text cell ends in `text`; `ABSENT` is set on an absent (null) cell. */
  ends: Uint32Array;
  /** Bytes of input the batch was read from, where known (a batch from the parser thread). */
  inputBytes?: number;
}

/** Number cells of a row. The first 5 are in every row, the rest only where the batch is not bare. */
export const NUMBER = { hash: 0, type: 1, firstSeen: 2, lastSeen: 3, line: 4, confidence: 5, validUntil: 6, revoked: 7 } as const;
/** Text cells of a row: IP keys are hex. The first 5 are in every row, the rest only where the batch is not bare. */
export const TEXT = { value: 0, ipFirst: 1, ipLast: 2, hostKey: 3, raw: 4, threatType: 5, malware: 6, tags: 7, reference: 8, tlp: 9, objectId: 10 } as const;
export const numberCells = (bare: boolean): number => (bare ? 5 : 8);
export const textCells = (bare: boolean): number => (bare ? 5 : 11);
export const ABSENT = 0x80000000;

/** Indicator types by their code in `numbers`. */
export const TYPE_CODES: readonly IndicatorType[] = INDICATOR_TYPES;
const TYPE_CODE = new Map<string, number>(INDICATOR_TYPES.map((type, code) => [type, code]));

function isBare(o: Observation): boolean {
  return (
    o.confidence === undefined &&
    o.threatType === undefined &&
    o.malware === undefined &&
    o.reference === undefined &&
    o.tlp === undefined &&
    o.validUntil === undefined &&
    !o.revoked &&
    o.objectId === undefined &&
    o.tags.length === 0
  );
}

/**
 * Merges repeats (as `mergeBatch` does), computes each value's hash and
 * index keys once, and lays the rows out in hash order: lookups and index
 * inserts then walk each B-tree in one direction. Repeats are found by
 * sorting on the hash rather than through a map of strings: equal values
 * sort next to each other, in the order they were read, and fold in that
 * order as `mergeBatch` folds them.
 */
export function encodeBatch(batch: readonly Observation[]): ObservationBatch {
  const count = batch.length;
  const hashes = new Float64Array(count);
  for (let i = 0; i < count; i++) hashes[i] = valueHash(batch[i]!.type, batch[i]!.value);
  let bare = true;
  for (let i = 0; i < count && bare; i++) bare = isBare(batch[i]!);
  const order = sortedOrder(hashes);
  const rows: Observation[] = [];
  const rowHashes: number[] = [];
  for (let k = 0; k < count; ) {
    // a run of equal hashes: one value read several times (or, very rarely, values whose hashes collide)
    const hash = hashes[order[k]!]!;
    let end = k + 1;
    while (end < count && hashes[order[end]!] === hash) end++;
    if (end === k + 1) {
      rows.push(batch[order[k]!]!);
      rowHashes.push(hash);
    } else {
      const run: Observation[] = [];
      for (let j = k; j < end; j++) run.push(batch[order[j]!]!);
      for (const merged of mergeBatch(run)) {
        rows.push(merged);
        rowHashes.push(hash);
      }
    }
    k = end;
  }
  const rowCount = rows.length;
  const numberWidth = numberCells(bare);
  const numbers = new Float64Array(rowCount * numberWidth);
  const ends = new Uint32Array(rowCount * textCells(bare));
  // appended piece by piece: V8 builds a rope and flattens it once, which is cheaper than joining an array of pieces
  let joined = '';
  let cell = 0;
  const text = (value: string | undefined | null): void => {
    if (value === undefined || value === null) {
      ends[cell++] = joined.length | ABSENT;
      return;
    }
    joined += value;
    ends[cell++] = joined.length;
  };
  for (let i = 0; i < rowCount; i++) {
    const o = rows[i]!;
    const keys = indexKeysHex(o.type, o.value);
    const at = i * numberWidth;
    numbers[at] = rowHashes[i]!;
    numbers[at + 1] = TYPE_CODE.get(o.type)!;
    numbers[at + 2] = o.firstSeen;
    numbers[at + 3] = o.lastSeen;
    numbers[at + 4] = o.line;
    text(o.value);
    text(keys.ipFirst);
    text(keys.ipLast);
    text(keys.hostKey);
    text(o.raw === o.value ? undefined : o.raw);
    if (!bare) {
      numbers[at + 5] = o.confidence ?? NaN;
      numbers[at + 6] = o.validUntil ?? NaN;
      numbers[at + 7] = o.revoked ? 1 : 0;
      text(o.threatType);
      text(o.malware);
      text(o.tags.join(','));
      text(o.reference);
      text(o.tlp);
      text(o.objectId);
    }
  }
  return { length: rowCount, bare, numbers, text: joined, ends };
}

/** Largest batch whose positions fit beside 32 bits of hash in a double (53 bits). */
const PACKED_MAX = 2 ** 21;

/**
 * Positions 0..n-1 ordered by hash, ties in input order. The high 32 bits of
 * each hash and its position are packed into one double, so a plain numeric
 * sort (no comparator calls) does it; equal high bits with unequal hashes
 * (rare) are put right by a second pass.
 */
function sortedOrder(hashes: Float64Array): Uint32Array {
  const count = hashes.length;
  const order = new Uint32Array(count);
  if (count > PACKED_MAX) {
    for (let i = 0; i < count; i++) order[i] = i;
    return order.sort((a, b) => hashes[a]! - hashes[b]! || a - b);
  }
  const packed = new Float64Array(count);
  for (let i = 0; i < count; i++) packed[i] = Math.floor(hashes[i]! / PACKED_MAX) * PACKED_MAX + i;
  packed.sort();
  for (let i = 0; i < count; i++) order[i] = packed[i]! % PACKED_MAX;
  // runs with the same high bits: order by the whole hash, then position
  for (let k = 0; k < count; ) {
    const high = Math.floor(hashes[order[k]!]! / PACKED_MAX);
    let end = k + 1;
    while (end < count && Math.floor(hashes[order[end]!]! / PACKED_MAX) === high) end++;
    if (end - k > 1) {
      const run = Array.from(order.subarray(k, end)).sort((a, b) => hashes[a]! - hashes[b]! || a - b);
      order.set(run, k);
    }
    k = end;
  }
  return order;
}

/**
 * Reads a batch row by row: `next()` moves to the next row and sets the
 * fields (null where absent), without building an object per row.
 */
export class BatchReader {
  hash = 0;
  type: IndicatorType = 'ipv4';
  value = '';
  /** hex */
  ipFirst: string | null = null;
  /** hex; null where the range is the single key `ipFirst` */
  ipLast: string | null = null;
  hostKey: string | null = null;
  firstSeen = 0;
  lastSeen = 0;
  /** null where the line was the value itself */
  raw: string | null = null;
  line = 0;
  confidence: number | null = null;
  threatType: string | null = null;
  malware: string | null = null;
  /** comma-joined */
  tags = '';
  reference: string | null = null;
  tlp: string | null = null;
  validUntil: number | null = null;
  revoked = 0;
  objectId: string | null = null;
  private row = -1;
  private cell = 0;
  private start = 0;
  private readonly numberWidth: number;

  constructor(private readonly batch: ObservationBatch) {
    this.numberWidth = numberCells(batch.bare);
  }

  /** Moves to the next row. */
  next(): void {
    const { numbers, bare } = this.batch;
    const n = ++this.row * this.numberWidth;
    this.hash = numbers[n]!;
    this.type = TYPE_CODES[numbers[n + 1]!]!;
    this.firstSeen = numbers[n + 2]!;
    this.lastSeen = numbers[n + 3]!;
    this.line = numbers[n + 4]!;
    if (!bare) {
      const confidence = numbers[n + 5]!;
      const validUntil = numbers[n + 6]!;
      this.confidence = Number.isNaN(confidence) ? null : confidence;
      this.validUntil = Number.isNaN(validUntil) ? null : validUntil;
      this.revoked = numbers[n + 7]!;
    }
    this.value = this.text()!;
    this.ipFirst = this.text();
    this.ipLast = this.text();
    this.hostKey = this.text();
    this.raw = this.text();
    if (bare) return;
    this.threatType = this.text();
    this.malware = this.text();
    this.tags = this.text() ?? '';
    this.reference = this.text();
    this.tlp = this.text();
    this.objectId = this.text();
  }

  private text(): string | null {
    const end = this.batch.ends[this.cell++]!;
    if (end >= ABSENT) return null;
    const value = this.batch.text.slice(this.start, end);
    this.start = end;
    return value;
  }
}
