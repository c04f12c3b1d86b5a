import type { IndicatorType } from '../model/index.ts';
import { canonicalUrlHost, registrableDomain } from '../normalise/index.ts';
import type { AsEntry } from './asn-csv.ts';
import { ipv4Number, ipv6Halves } from './ip.ts';
import { findV4, findV6, type IpRanges } from './ranges.ts';

/** Where enrichment data came from: shown wherever a country or AS is. */
export interface DataSource {
  /** e.g. `ip-location-db geo-whois-asn-country 2.3.2026061719`, or the operator's file. */
  name: string;
  /** When the data was built (epoch ms), if known. */
  builtAt?: number;
}

export interface GeoTable {
  ranges: IpRanges;
  /** Alpha-2 codes the ranges point at. */
  countries: string[];
  source: DataSource;
}

export interface AsnData {
  ranges: IpRanges;
  entries: AsEntry[];
  source: DataSource;
}

export interface EnrichmentTables {
  geo?: GeoTable;
  asn?: AsnData;
}

/** What enrichment adds to one value. */
export interface Enrichment {
  country?: string;
  asn?: number;
  asOrg?: string;
  /** Registrable domain (public suffix list) of a host-based value. */
  registrable?: string;
}

/** Country and AS of one address (v4 dotted or v6 text); empty when unknown. */
export function lookupIp(tables: EnrichmentTables, ip: string): Enrichment {
  const result: Enrichment = {};
  const v4 = ipv4Number(ip);
  let geo = -1;
  let asn = -1;
  if (v4 >= 0) {
    if (tables.geo) geo = findV4(tables.geo.ranges, v4);
    if (tables.asn) asn = findV4(tables.asn.ranges, v4);
  } else {
    const halves = ipv6Halves(ip);
    if (!halves) return result;
    if (tables.geo) geo = findV6(tables.geo.ranges, halves[0], halves[1]);
    if (tables.asn) asn = findV6(tables.asn.ranges, halves[0], halves[1]);
  }
  if (geo >= 0) result.country = tables.geo!.countries[geo];
  const entry = asn >= 0 ? tables.asn!.entries[asn] : undefined;
  if (entry) {
    result.asn = entry.asn;
    if (entry.org) result.asOrg = entry.org;
  }
  return result;
}

/** The literal IP a value is about, if any: the IP itself, its host in an ip:port or URL, a CIDR's network. */
export function ipOf(type: IndicatorType, value: string): string | undefined {
  switch (type) {
    case 'ipv4':
    case 'ipv6':
      return value;
    case 'cidr':
      return value.slice(0, value.indexOf('/'));
    case 'ip-port':
      return value.startsWith('[') ? value.slice(1, value.indexOf(']')) : value.slice(0, value.lastIndexOf(':'));
    case 'url': {
      const host = canonicalUrlHost(value);
      if (host.startsWith('[')) return host.slice(1, -1);
      return ipv4Number(host) >= 0 ? host : undefined;
    }
    default:
      return undefined;
  }
}

function hostOf(type: IndicatorType, value: string): string | undefined {
  switch (type) {
    case 'domain':
    case 'hostname':
      return value;
    case 'url':
      return canonicalUrlHost(value);
    case 'email':
      return value.slice(value.lastIndexOf('@') + 1);
    default:
      return undefined;
  }
}

/**
 * Enrichment of one stored value: country and AS for values on a literal IP,
 * registrable domain for host-based ones. Pure: the tables are handed in.
 */
export function enrichValue(tables: EnrichmentTables, type: IndicatorType, value: string): Enrichment {
  const ip = ipOf(type, value);
  if (ip !== undefined) return lookupIp(tables, ip);
  const host = hostOf(type, value);
  if (!host) return {};
  const registrable = registrableDomain(host);
  return registrable ? { registrable } : {};
}
