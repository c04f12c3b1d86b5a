import ipaddr from 'ipaddr.js';
import { getDomain } from 'tldts';
import type { IndicatorType, ThreatType, Tlp } from '../../model/index.ts';
import { urlHost } from '../../normalise/index.ts';
import type { PatternIndicator } from '../patterns.ts';
import { TAG, TYPE_TAG, ipv4Number, numberToIpv4 } from './keys.ts';
import { CompactTable, TableBuilder, grow, hashFinish, hashSeed, hashStep, keyShape, type TableArrays } from './table.ts';
import type { MatchVia } from '../report-wire.ts';

/** What a report says about the indicator behind a hit; shared by every indicator that says the same. */
export interface ReportMeta {
  sources: string[];
  tlp: Tlp;
  malware: string[];
  threatTypes: ThreatType[];
  confidence?: number;
}

/** Everything about an index that is not a typed array: small, kept as JSON in a snapshot. */
export interface IndexInfo {
  metas: ReportMeta[];
  /** Prefix lengths of the IPv6 CIDR indicators held. */
  v6Prefixes: number[];
  /** Indicators held, by type. */
  counts: Partial<Record<IndicatorType, number>>;
  /** Indicators left out, with why: `ssdeep: not matched against logs`, `co.uk: a bare public suffix`. */
  skipped: Record<string, number>;
  /** STIX indicators whose patterns are evaluated against each record rather than looked up by value. */
  patterns?: PatternIndicator[];
}

/** IPv4 CIDR indicators: one group per prefix length, networks ascending within it. */
export interface CidrArrays {
  /** [prefix, first, end) triples, longest prefix first. */
  groups: Uint32Array<ArrayBufferLike>;
  nets: Uint32Array<ArrayBufferLike>;
  values: Uint32Array<ArrayBufferLike>;
}

/**
 * One bit per IPv4 block: set where some IPv4 indicator, or the address of
 * some ip:port indicator, lies. A block is a /16 to a /24, the finest that
 * leaves about eight bits per address (BLOCK_BITS_PER_ADDRESS), so most bits
 * stay clear: the array's length says which (2^(prefix - 5) words). They
 * turn away the internal addresses most log lines carry (a client in
 * 10.0.0.0/8), and most outside ones, before the table is probed for them.
 */
export interface AddressBlocks {
  ipv4: Uint32Array<ArrayBufferLike>;
  ipPort: Uint32Array<ArrayBufferLike>;
}

/** Blocks as snapshots before version 4 wrote them: one bit per /16. */
export const BLOCK_WORDS = 2048;
/** The coarsest and finest blocks: a /16 (8 KB) and a /24 (2 MB). */
export const BLOCK_PREFIXES = { min: 16, max: 24 } as const;
/** Bits per address the blocks are sized to: about one bit in nine set, where addresses spread. */
const BLOCK_BITS_PER_ADDRESS = 8;

export interface IndexParts {
  table: TableArrays;
  cidr: CidrArrays;
  blocks: AddressBlocks;
  info: IndexInfo;
}

/** Blocks with every bit set, for intel whose blocks are not known (a snapshot written before they were): nothing is turned away. */
export function allBlocks(): AddressBlocks {
  return { ipv4: new Uint32Array(BLOCK_WORDS).fill(0xffffffff), ipPort: new Uint32Array(BLOCK_WORDS).fill(0xffffffff) };
}

/** The prefix length of blocks with this many words, or undefined if no blocks have that many. */
export function blockPrefix(words: number): number | undefined {
  const prefix = Math.log2(words) + 5;
  return Number.isInteger(prefix) && prefix >= BLOCK_PREFIXES.min && prefix <= BLOCK_PREFIXES.max ? prefix : undefined;
}

/** Blocks for these addresses, as fine as BLOCK_BITS_PER_ADDRESS allows. */
export function blocksOf(addresses: Uint32Array, make: (bytes: number) => ArrayBufferLike = (bytes) => new ArrayBuffer(bytes)): Uint32Array<ArrayBufferLike> {
  const wanted = Math.ceil(Math.log2(Math.max(1, addresses.length * BLOCK_BITS_PER_ADDRESS)));
  const prefix = Math.min(BLOCK_PREFIXES.max, Math.max(BLOCK_PREFIXES.min, wanted));
  const blocks = new Uint32Array(make(2 ** (prefix - 3)));
  const shift = 32 - prefix;
  for (const ip of addresses) {
    const block = ip >>> shift;
    blocks[block >>> 5]! |= 1 << (block & 31);
  }
  return blocks;
}

/** Whether bit `block` is set. */
const inBlock = (blocks: Uint32Array<ArrayBufferLike>, block: number): boolean => (blocks[block >>> 5]! & (1 << (block & 31))) !== 0;

/** IPv4 addresses as numbers, in a typed array that grows. */
class AddressList {
  private items = new Uint32Array(1024);
  private length = 0;
  push(ip: number): void {
    if (this.length === this.items.length) this.items = grow(this.items);
    this.items[this.length++] = ip;
  }
  get values(): Uint32Array {
    return this.items.subarray(0, this.length);
  }
}

export type { MatchVia } from '../report-wire.ts';

export interface IndexHit {
  indicator: string;
  type: IndicatorType;
  meta: number;
  via: MatchVia;
}

/** Collects indicators and lays them out as IndexParts. */
export class IntelIndexBuilder {
  private readonly table = new TableBuilder();
  private readonly cidrs: Array<[prefix: number, net: number, meta: number]> = [];
  private readonly metas: ReportMeta[] = [];
  private readonly metaIds = new Map<string, number>();
  private readonly v6Prefixes = new Set<number>();
  private readonly urlHosts = new Set<string>();
  private readonly ipv4Addresses = new AddressList();
  private readonly ipPortAddresses = new AddressList();
  private readonly patterns: PatternIndicator[] = [];
  readonly counts: Partial<Record<IndicatorType, number>> = {};
  readonly skipped: Record<string, number> = {};

  /** Adds one canonical indicator (as the store holds it). */
  add(type: IndicatorType, value: string, meta: ReportMeta): void {
    const id = this.metaId(meta);
    if (type === 'cidr') {
      const slash = value.lastIndexOf('/');
      const prefix = Number(value.slice(slash + 1));
      const net = ipv4Number(value.slice(0, slash));
      if (net >= 0) this.cidrs.push([prefix, net, id]);
      else {
        this.v6Prefixes.add(prefix);
        this.table.add(TAG.cidr6, value, id);
      }
    } else {
      const tag = TYPE_TAG[type];
      if (tag === undefined) {
        this.skip(`${type}: not matched against logs`);
        return;
      }
      if (tag === TAG.host && getDomain(value, { allowPrivateDomains: true }) === null) {
        // a bare public suffix would make every name below it a hit
        this.skip(`${type}: a bare public suffix`);
        return;
      }
      this.table.add(tag, value, id);
      if (tag === TAG.ip) {
        const ip = ipv4Number(value);
        if (ip >= 0) this.ipv4Addresses.push(ip);
      } else if (tag === TAG.ipPort) {
        const ip = ipv4Number(value, 0, value.lastIndexOf(':'));
        if (ip >= 0) this.ipPortAddresses.push(ip);
      } else if (tag === TAG.url) {
        const host = urlHost(value);
        if (host && !this.urlHosts.has(host)) {
          this.urlHosts.add(host);
          this.table.add(TAG.urlHost, host, id);
        }
      }
    }
    this.counts[type] = (this.counts[type] ?? 0) + 1;
  }

  /** A STIX indicator to evaluate against records (its pattern is not only values). */
  addPattern(id: string, pattern: string, meta: ReportMeta, name?: string): void {
    this.patterns.push({ id, pattern, meta: this.metaId(meta), ...(name ? { name } : {}) });
  }

  private skip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }

  private metaId(meta: ReportMeta): number {
    const key = JSON.stringify([meta.sources, meta.tlp, meta.malware, meta.threatTypes, meta.confidence]);
    let id = this.metaIds.get(key);
    if (id === undefined) {
      id = this.metas.length;
      this.metas.push(meta);
      this.metaIds.set(key, id);
    }
    return id;
  }

  build(alloc?: (bytes: number) => ArrayBufferLike): IndexParts {
    const make = alloc ?? ((bytes: number) => new ArrayBuffer(bytes));
    this.cidrs.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    const nets = new Uint32Array(make(this.cidrs.length * 4));
    const values = new Uint32Array(make(this.cidrs.length * 4));
    const groups: number[] = [];
    this.cidrs.forEach(([prefix, net, meta], i) => {
      nets[i] = net;
      values[i] = meta;
      if (groups.length === 0 || groups[groups.length - 3] !== prefix) groups.push(prefix, i, i + 1);
      else groups[groups.length - 1] = i + 1;
    });
    const groupArray = new Uint32Array(make(groups.length * 4));
    groupArray.set(groups);
    return {
      table: this.table.build(make),
      cidr: { groups: groupArray, nets, values },
      blocks: { ipv4: blocksOf(this.ipv4Addresses.values, make), ipPort: blocksOf(this.ipPortAddresses.values, make) },
      info: { metas: this.metas, v6Prefixes: [...this.v6Prefixes].sort((a, b) => b - a), counts: this.counts, skipped: this.skipped, patterns: this.patterns },
    };
  }
}

function blockPrefixOrThrow(words: number): number {
  const prefix = blockPrefix(words);
  if (prefix === undefined) throw new Error(`address blocks of ${words} words are not blocks of a /${BLOCK_PREFIXES.min} to a /${BLOCK_PREFIXES.max}`);
  return prefix;
}

/** Lookups over IndexParts; canonical values in, the indicator behind a hit out. */
export class IntelIndex {
  readonly table: CompactTable;
  /** One bit per IPv4 /20: set when some CIDR indicator covers part of it. Most addresses are turned away here, before any search. */
  private readonly cidrBlocks = new Uint32Array(1 << 15);
  private readonly ipv4Blocks: Uint32Array<ArrayBufferLike>;
  private readonly ipPortBlocks: Uint32Array<ArrayBufferLike>;
  /** How far an address is shifted to the right to give its block's number, in each. */
  private readonly ipv4Shift: number;
  private readonly ipPortShift: number;

  constructor(readonly parts: IndexParts) {
    this.table = new CompactTable(parts.table);
    this.ipv4Blocks = parts.blocks.ipv4;
    this.ipPortBlocks = parts.blocks.ipPort;
    this.ipv4Shift = 32 - blockPrefixOrThrow(this.ipv4Blocks.length);
    this.ipPortShift = 32 - blockPrefixOrThrow(this.ipPortBlocks.length);
    const { groups, nets } = parts.cidr;
    for (let g = 0; g < groups.length; g += 3) {
      const prefix = groups[g]!;
      const span = prefix >= 20 ? 1 : 2 ** (20 - prefix);
      for (let i = groups[g + 1]!; i < groups[g + 2]!; i++) {
        const first = nets[i]! >>> 12;
        for (let block = first; block < first + span; block++) this.cidrBlocks[block >>> 5]! |= 1 << (block & 31);
      }
    }
  }

  get size(): number {
    return this.table.size + this.parts.cidr.nets.length;
  }

  meta(id: number): ReportMeta {
    return this.parts.info.metas[id]!;
  }

  /** A canonical key of one tag, exactly. */
  exact(tag: number, value: string, type: IndicatorType): IndexHit | undefined {
    const meta = this.table.get(tag, value);
    return meta < 0 ? undefined : { indicator: value, type, meta, via: 'exact' };
  }

  /** A canonical IPv4 address and its number: itself, else the longest CIDR holding it. */
  ipv4(value: string, number: number): IndexHit | undefined {
    const own = this.table.get(TAG.ip, value);
    if (own >= 0) return { indicator: value, type: 'ipv4', meta: own, via: 'exact' };
    return this.parts.cidr.nets.length ? this.cidr4(number) : undefined;
  }

  /** A canonical IP: itself, else the longest CIDR holding it. */
  ip(value: string): IndexHit | undefined {
    const v4 = ipv4Number(value);
    const own = this.table.get(TAG.ip, value);
    if (own >= 0) return { indicator: value, type: v4 >= 0 ? 'ipv4' : 'ipv6', meta: own, via: 'exact' };
    if (v4 >= 0) return this.cidr4(v4);
    return this.cidr6(value);
  }

  /** False when no IPv4 indicator lies in ip's block (CIDRs aside: see nearCidr4). */
  nearIpv4(ip: number): boolean {
    return inBlock(this.ipv4Blocks, ip >>> this.ipv4Shift);
  }

  /** False when no ip:port indicator's address lies in ip's block. */
  nearIpPort(ip: number): boolean {
    return inBlock(this.ipPortBlocks, ip >>> this.ipPortShift);
  }

  /** False when no IPv4 CIDR indicator covers any address of ip's /20: a test of one bit in 128 KB. */
  nearCidr4(ip: number): boolean {
    return inBlock(this.cidrBlocks, ip >>> 12);
  }

  private cidr4(ip: number): IndexHit | undefined {
    if (!this.nearCidr4(ip)) return undefined;
    const { groups, nets, values } = this.parts.cidr;
    for (let g = 0; g < groups.length; g += 3) {
      const prefix = groups[g]!;
      const net = prefix === 0 ? 0 : (ip & (0xffffffff << (32 - prefix))) >>> 0;
      let lo = groups[g + 1]!;
      let hi = groups[g + 2]! - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const candidate = nets[mid]!;
        if (candidate === net) return { indicator: `${numberToIpv4(net)}/${prefix}`, type: 'cidr', meta: values[mid]!, via: 'cidr' };
        if (candidate < net) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    return undefined;
  }

  private cidr6(ip: string): IndexHit | undefined {
    const prefixes = this.parts.info.v6Prefixes;
    if (prefixes.length === 0) return undefined;
    for (const prefix of prefixes) {
      const key = `${ipaddr.IPv6.networkAddressFromCIDR(`${ip}/${prefix}`).toString()}/${prefix}`;
      const meta = this.table.get(TAG.cidr6, key);
      if (meta >= 0) return { indicator: key, type: 'cidr', meta, via: 'cidr' };
    }
    return undefined;
  }

  /**
   * A canonical (ASCII) host name: itself, else its nearest parent domain
   * held, never a bare top-level label. One pass from the end hashes every
   * parent on the way (see table.ts); nothing is allocated unless it hits.
   */
  host(name: string): IndexHit | undefined {
    let h = hashSeed(TAG.host);
    let found = -1;
    let foundAt = -1;
    let dots = 0;
    for (let i = name.length - 1; i >= 0; i--) {
      const c = name.charCodeAt(i);
      if (c === 46) dots++;
      h = hashStep(h, c);
      if (dots > 0 && c !== 46 && (i === 0 || name.charCodeAt(i - 1) === 46)) {
        const meta = this.table.probe(TAG.host, hashFinish(h), keyShape(name.length - i, name.charCodeAt(name.length - 1)), name, i);
        if (meta >= 0) {
          found = meta;
          foundAt = i;
        }
      }
    }
    if (found < 0) return undefined;
    const candidate = foundAt === 0 ? name : name.slice(foundAt);
    const type: IndicatorType = getDomain(candidate, { allowPrivateDomains: true }) === candidate ? 'domain' : 'hostname';
    return { indicator: candidate, type, meta: found, via: foundAt === 0 ? 'exact' : 'parent-domain' };
  }

  /** A canonical URL; else, weakly, a URL indicator on the same host. */
  url(url: string, host: string): IndexHit | undefined {
    const meta = this.table.get(TAG.url, url);
    if (meta >= 0) return { indicator: url, type: 'url', meta, via: 'exact' };
    const weak = this.table.get(TAG.urlHost, host);
    return weak < 0 ? undefined : { indicator: host, type: 'url', meta: weak, via: 'url-host' };
  }
}
