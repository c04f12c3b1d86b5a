/**
 * IP ranges mapped to small integers (an index into the caller's labels),
 * held as sorted typed arrays and searched by bisection: a few hundred
 * thousand ranges take a few megabytes, and a lookup is about twenty
 * comparisons with no allocation. IPv4 keys are 32-bit numbers; IPv6 keys are
 * split into their high and low 64 bits.
 */
export interface IpRanges {
  v4Start: Uint32Array;
  v4End: Uint32Array;
  v4Value: Int32Array;
  v6StartHi: BigUint64Array;
  v6StartLo: BigUint64Array;
  v6EndHi: BigUint64Array;
  v6EndLo: BigUint64Array;
  v6Value: Int32Array;
  /**
   * For each /16, the index of the first IPv4 range starting in or after it
   * (65,537 entries): a lookup bisects only the ranges of its /16, a few
   * comparisons instead of twenty.
   */
  v4Buckets: Uint32Array;
}

/** The /16 index of sorted IPv4 range starts. */
export function v4Buckets(starts: Uint32Array): Uint32Array {
  const buckets = new Uint32Array(65537);
  let at = 0;
  for (let bucket = 0; bucket <= 65536; bucket++) {
    const from = bucket * 65536;
    while (at < starts.length && starts[at]! < from) at++;
    buckets[bucket] = at;
  }
  return buckets;
}

/** The value of the range holding this IPv4 address (as a number), or -1. */
export function findV4(ranges: IpRanges, ip: number): number {
  const starts = ranges.v4Start;
  const bucket = ip >>> 16;
  let lo = ranges.v4Buckets[bucket]!;
  let hi = ranges.v4Buckets[bucket + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= ip) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && ranges.v4End[hi]! >= ip ? ranges.v4Value[hi]! : -1;
}

const le = (aHi: bigint, aLo: bigint, bHi: bigint, bLo: bigint): boolean => aHi < bHi || (aHi === bHi && aLo <= bLo);

/** The value of the range holding this IPv6 address (as its halves), or -1. */
export function findV6(ranges: IpRanges, ipHi: bigint, ipLo: bigint): number {
  let lo = 0;
  let hi = ranges.v6StartHi.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (le(ranges.v6StartHi[mid]!, ranges.v6StartLo[mid]!, ipHi, ipLo)) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && le(ipHi, ipLo, ranges.v6EndHi[hi]!, ranges.v6EndLo[hi]!) ? ranges.v6Value[hi]! : -1;
}

/**
 * Collects ranges in any order, then sorts them, merges neighbours that carry
 * the same value, and drops a range that starts inside the one before it
 * (first come wins), so bisection sees disjoint, ordered ranges.
 */
export class RangeBuilder {
  private v4: Array<[number, number, number]> = [];
  private v6: Array<[bigint, bigint, number]> = [];

  addV4(start: number, end: number, value: number): void {
    this.v4.push([start, end, value]);
  }

  /** Start and end as whole 128-bit values. */
  addV6(start: bigint, end: bigint, value: number): void {
    this.v6.push([start, end, value]);
  }

  get size(): number {
    return this.v4.length + this.v6.length;
  }

  finish(): IpRanges {
    // data files and tree walks come in order: sort only when they do not
    if (!ascending(this.v4)) this.v4.sort((a, b) => a[0] - b[0]);
    if (!ascending(this.v6)) this.v6.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const v4 = disjoint(this.v4, (x) => x + 1);
    const v6 = disjoint(this.v6, (x) => x + 1n);
    const mask = 0xffffffffffffffffn;
    const v4Start = Uint32Array.from(v4, (r) => r[0]);
    return {
      v4Start,
      v4Buckets: v4Buckets(v4Start),
      v4End: Uint32Array.from(v4, (r) => r[1]),
      v4Value: Int32Array.from(v4, (r) => r[2]),
      v6StartHi: BigUint64Array.from(v6, (r) => r[0] >> 64n),
      v6StartLo: BigUint64Array.from(v6, (r) => r[0] & mask),
      v6EndHi: BigUint64Array.from(v6, (r) => r[1] >> 64n),
      v6EndLo: BigUint64Array.from(v6, (r) => r[1] & mask),
      v6Value: Int32Array.from(v6, (r) => r[2]),
    };
  }
}

function ascending<K extends number | bigint>(ranges: Array<[K, K, number]>): boolean {
  for (let i = 1; i < ranges.length; i++) if (ranges[i]![0] < ranges[i - 1]![0]) return false;
  return true;
}

function disjoint<K extends number | bigint>(sorted: Array<[K, K, number]>, next: (key: K) => K): Array<[K, K, number]> {
  const out: Array<[K, K, number]> = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range[0] <= last[1]) continue;
    if (last && last[2] === range[2] && next(last[1]) === range[0]) last[1] = range[1];
    else out.push([range[0], range[1], range[2]]);
  }
  return out;
}

/** Number of ranges held, per family. */
export function rangeCounts(ranges: IpRanges): { v4: number; v6: number } {
  return { v4: ranges.v4Start.length, v6: ranges.v6StartHi.length };
}
