import { Reader } from 'mmdb-lib';
import { InputError } from '../errors.ts';
import { RangeBuilder, type IpRanges } from './ranges.ts';

/** Labels (country codes, or AS entries) found in a database, and the ranges pointing at them. */
export interface LabelledRanges<L> {
  ranges: IpRanges;
  labels: L[];
  /** The database's own description: type and build time. */
  databaseType: string;
  builtAt: number;
}

/** The internals of mmdb-lib's Reader that a whole-tree walk needs. */
interface TreeAccess {
  walker: { left(offset: number): number; right(offset: number): number };
  ipv4StartNodeNumber: number;
  resolveDataPointer(pointer: number): unknown;
}

/**
 * Turns a MaxMind DB (MMDB) into range arrays by walking its whole search
 * tree once: every leaf is a CIDR with a data record, and `label` picks what
 * to keep of the record (a country code, an AS number and name). Lookups then
 * bisect arrays instead of walking the tree bit by bit, about ten times
 * faster. IPv4 ranges come from the IPv4 subtree; in an IPv6 tree the aliases
 * of that subtree (::ffff:0:0/96, 2002::/16) are left out of the IPv6 ranges.
 */
export function rangesFromMmdb<L>(buffer: Buffer, label: (record: unknown) => L | undefined, key: (label: L) => string, file = 'mmdb'): LabelledRanges<L> {
  let reader: Reader<never>;
  try {
    reader = new Reader<never>(buffer);
  } catch (error) {
    throw new InputError('TIX_ENRICH_BAD_DATABASE', `${file}: not a MaxMind DB file: ${(error as Error).message}`, { file }, { cause: error });
  }
  const tree = reader as unknown as TreeAccess;
  const { nodeCount, nodeByteSize, ipVersion } = reader.metadata;
  const labels: L[] = [];
  const byKey = new Map<string, number>();
  const byPointer = new Map<number, number>();
  const valueOf = (pointer: number): number => {
    let index = byPointer.get(pointer);
    if (index !== undefined) return index;
    const found = label(tree.resolveDataPointer(pointer));
    if (found === undefined) index = -1;
    else {
      const name = key(found);
      index = byKey.get(name);
      if (index === undefined) {
        index = labels.length;
        labels.push(found);
        byKey.set(name, index);
      }
    }
    byPointer.set(pointer, index);
    return index;
  };
  const builder = new RangeBuilder();
  const v4Root = ipVersion === 4 ? 0 : tree.ipv4StartNodeNumber;
  // IPv4: numbers are exact up to 2^53, so plain arithmetic
  const stack4: Array<[number, number, number]> = [[v4Root, 0, 0]];
  while (stack4.length) {
    const [node, depth, prefix] = stack4.pop()!;
    if (node >= nodeCount) {
      if (node > nodeCount) {
        const value = valueOf(node);
        if (value >= 0) builder.addV4(prefix, prefix + 2 ** (32 - depth) - 1, value);
      }
      continue;
    }
    if (depth >= 32) continue;
    const offset = node * nodeByteSize;
    stack4.push([tree.walker.right(offset), depth + 1, prefix + 2 ** (31 - depth)], [tree.walker.left(offset), depth + 1, prefix]);
  }
  if (ipVersion === 6) {
    const stack6: Array<[number, number, bigint]> = [[0, 0, 0n]];
    while (stack6.length) {
      const [node, depth, prefix] = stack6.pop()!;
      if (node === v4Root && depth > 0) continue;
      if (node >= nodeCount) {
        if (node > nodeCount) {
          const value = valueOf(node);
          if (value >= 0) builder.addV6(prefix, prefix + (1n << BigInt(128 - depth)) - 1n, value);
        }
        continue;
      }
      if (depth >= 128) continue;
      const offset = node * nodeByteSize;
      stack6.push([tree.walker.right(offset), depth + 1, prefix | (1n << BigInt(127 - depth))], [tree.walker.left(offset), depth + 1, prefix]);
    }
  }
  return { ranges: builder.finish(), labels, databaseType: reader.metadata.databaseType, builtAt: reader.metadata.buildEpoch.getTime() };
}

const field = (record: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((at, name) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[name] : undefined), record);

/** The country code of a record: ip-location-db's `country_code`, or MaxMind's `country.iso_code` / `registered_country.iso_code`. */
export function countryOfRecord(record: unknown): string | undefined {
  const code = field(record, 'country_code') ?? field(record, 'country', 'iso_code') ?? field(record, 'registered_country', 'iso_code');
  return typeof code === 'string' && /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : undefined;
}

/** The AS of a record, as MaxMind's ASN databases and ip-location-db's asn-mmdb write it. */
export function asOfRecord(record: unknown): { asn: number; org: string } | undefined {
  const asn = field(record, 'autonomous_system_number');
  if (typeof asn !== 'number' || !Number.isInteger(asn) || asn <= 0) return undefined;
  const org = field(record, 'autonomous_system_organization');
  return { asn, org: typeof org === 'string' ? org : '' };
}
