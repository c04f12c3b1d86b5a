import { TLP_LEVELS, type Indicator, type IndicatorType, type ThreatType, type Tlp } from '../../model/index.ts';
import type { ScopeRow } from '../../store/operations.ts';
import { scopeCountry, type Operation } from '../operation.ts';

/** The lists a package is made of. */
export const PACKAGE_LISTS = ['c2', 'phishing', 'malicious-ip', 'other'] as const;
export type PackageList = (typeof PACKAGE_LISTS)[number];

/** One value in a package: every visible source's view of it merged. */
export interface PackageItem {
  type: IndicatorType;
  value: string;
  firstSeen: number;
  lastSeen: number;
  addedAt: number;
  country: string;
  asn?: number;
  asOrg?: string;
  sources: string[];
  threatTypes: ThreatType[];
  malware: string[];
  tlp: Tlp;
  confidence?: number;
  list: PackageList;
}

const IP_TYPES: ReadonlySet<IndicatorType> = new Set(['ipv4', 'ipv6', 'ip-port', 'cidr']);
const PHISHING_TYPES: ReadonlySet<IndicatorType> = new Set(['url', 'domain', 'hostname']);

/** C2 servers first, then phishing URLs and domains, then other malicious IPs. */
export function listOf(type: IndicatorType, threatTypes: readonly ThreatType[]): PackageList {
  if (threatTypes.includes('c2')) return 'c2';
  if (threatTypes.includes('phishing') && PHISHING_TYPES.has(type)) return 'phishing';
  if (IP_TYPES.has(type)) return 'malicious-ip';
  return 'other';
}

const rank = (tlp: Tlp): number => TLP_LEVELS.indexOf(tlp);

/**
 * Folds scope rows (one per visible observation, ordered by value) into
 * package items per country, as the operation's scope rules place them.
 * Rows arrive in batches; a value's rows may straddle two batches, so the
 * grouper keeps the value it is building until the next one starts.
 */
export class ItemGrouper {
  readonly byCountry = new Map<string, PackageItem[]>();
  private current: { id: number; rows: ScopeRow[] } | undefined;

  constructor(private readonly operation: Pick<Operation, 'countries' | 'tag'>) {}

  add(rows: readonly ScopeRow[]): void {
    for (const row of rows) {
      if (this.current && this.current.id === row.id) this.current.rows.push(row);
      else {
        this.flush();
        this.current = { id: row.id, rows: [row] };
      }
    }
  }

  /** Call once after the last batch. */
  finish(): Map<string, PackageItem[]> {
    this.flush();
    return this.byCountry;
  }

  private flush(): void {
    const group = this.current;
    this.current = undefined;
    if (!group) return;
    const first = group.rows[0]!;
    const tags = group.rows.length === 1 ? first.tags : group.rows.flatMap((row) => row.tags);
    const country = scopeCountry(this.operation, first.country, tags);
    if (!country) return;
    let threatTypes: ThreatType[];
    let malware: string[];
    let tlp: Tlp = first.tlp;
    let confidence = first.confidence;
    if (group.rows.length === 1) {
      // most values have one source: no sets to build
      threatTypes = first.threatType ? [first.threatType] : [];
      malware = first.malware ? [first.malware] : [];
    } else {
      const threats = new Set<ThreatType>();
      const families = new Set<string>();
      for (const row of group.rows) {
        if (row.threatType) threats.add(row.threatType);
        if (row.malware) families.add(row.malware);
        if (rank(row.tlp) > rank(tlp)) tlp = row.tlp;
        if (row.confidence !== undefined && (confidence === undefined || row.confidence > confidence)) confidence = row.confidence;
      }
      threatTypes = [...threats];
      malware = [...families];
    }
    const item: PackageItem = {
      type: first.type,
      value: first.value,
      firstSeen: first.firstSeen,
      lastSeen: first.lastSeen,
      addedAt: first.addedAt,
      country,
      sources: group.rows.map((row) => row.source),
      threatTypes,
      malware,
      tlp,
      list: listOf(first.type, threatTypes),
    };
    if (first.asn !== undefined) item.asn = first.asn;
    if (first.asOrg !== undefined) item.asOrg = first.asOrg;
    if (confidence !== undefined) item.confidence = confidence;
    const list = this.byCountry.get(country);
    if (list) list.push(item);
    else this.byCountry.set(country, [item]);
  }
}

/** A package item as the exporters' Indicator. */
export function asIndicator(item: PackageItem): Indicator {
  const indicator: Indicator = {
    type: item.type,
    value: item.value,
    firstSeen: item.firstSeen,
    lastSeen: item.lastSeen,
    sources: item.sources,
    threatTypes: item.threatTypes,
    malware: item.malware,
    tlp: item.tlp,
    status: 'active',
    addedAt: item.addedAt,
  };
  if (item.confidence !== undefined) indicator.confidence = item.confidence;
  return indicator;
}

/** What a package says about its country. */
export interface PackageSummary {
  country: string;
  items: number;
  byList: Record<PackageList, number>;
  byThreatType: Array<[string, number]>;
  topFamilies: Array<[string, number]>;
  topAsns: Array<{ asn: number; org: string; count: number }>;
  /** Added to tix after the previous package for this country and recipient (all, for a first package). */
  newSinceLast: number;
  previousPackageAt?: number;
}

const top = (counts: Map<string, number>, n: number): Array<[string, number]> =>
  [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n);

export function summarise(country: string, items: readonly PackageItem[], previousPackageAt?: number): PackageSummary {
  const byList = Object.fromEntries(PACKAGE_LISTS.map((list) => [list, 0])) as Record<PackageList, number>;
  const threats = new Map<string, number>();
  const families = new Map<string, number>();
  const asns = new Map<number, { org: string; count: number }>();
  let fresh = 0;
  for (const item of items) {
    byList[item.list]++;
    for (const threat of item.threatTypes.length ? item.threatTypes : ['unknown']) threats.set(threat, (threats.get(threat) ?? 0) + 1);
    for (const family of item.malware) families.set(family, (families.get(family) ?? 0) + 1);
    if (item.asn !== undefined) {
      const held = asns.get(item.asn);
      if (held) held.count++;
      else asns.set(item.asn, { org: item.asOrg ?? '', count: 1 });
    }
    if (previousPackageAt === undefined || item.addedAt > previousPackageAt) fresh++;
  }
  const summary: PackageSummary = {
    country,
    items: items.length,
    byList,
    byThreatType: top(threats, 100),
    topFamilies: top(families, 10),
    topAsns: [...asns]
      .map(([asn, { org, count }]) => ({ asn, org, count }))
      .sort((a, b) => b.count - a.count || a.asn - b.asn)
      .slice(0, 10),
    newSinceLast: fresh,
  };
  if (previousPackageAt !== undefined) summary.previousPackageAt = previousPackageAt;
  return summary;
}
