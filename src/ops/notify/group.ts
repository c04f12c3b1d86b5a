import { buildDirectory, resolveContacts, type Contact } from '../../contacts/index.ts';
import { lookupIp, type EnrichmentTables } from '../../enrich/index.ts';
import type { Victims } from './victims.ts';

/** Who is told about a set of victims: a network's abuse desk, or the country's CERT where the network has none. */
export interface NotificationGroup {
  /** The e-mail address, or `unassigned:AS…` / `unassigned:CC` when the directory names none. */
  recipient: string;
  contact?: Contact;
  /** How the contact was found (`asn 29465`, `country NG`). */
  matchedBy?: string;
  /** Indices into the victim list. */
  victims: number[];
  /** AS numbers and countries among them. */
  asns: Set<number>;
  countries: Set<string>;
}

export interface Grouping {
  groups: Map<string, NotificationGroup>;
  /** Per country: victims, and networks they sit in. */
  byCountry: Map<string, { victims: number; asns: Set<number> }>;
  /** Per victim: its AS (0 unknown) and country ('' unknown). */
  asn: Uint32Array;
  country: string[];
}

/**
 * Groups victims per network owner and per country: each victim's country
 * and AS come from the offline tables, its recipient from the contacts
 * directory (the abuse contact of its CIDR or AS; failing that its country's
 * CERT; failing that it is left unassigned, grouped by AS).
 */
export function groupVictims(victims: Victims, tables: EnrichmentTables, contacts: readonly Contact[]): Grouping {
  const directory = buildDirectory(contacts);
  const groups = new Map<string, NotificationGroup>();
  const byCountry = new Map<string, { victims: number; asns: Set<number> }>();
  const asnOf = new Uint32Array(victims.ips.length);
  const countryOf: string[] = new Array<string>(victims.ips.length);
  // victims of one AS and country resolve alike unless a CIDR entry exists: cache by AS and country then
  const cidrs = directory.v4Prefixes.length > 0 || directory.v6.length > 0;
  const cache = new Map<string, { recipient: string; contact?: Contact; matchedBy?: string }>();
  for (let i = 0; i < victims.ips.length; i++) {
    const ip = victims.ips[i]!;
    const located = lookupIp(tables, ip);
    const asn = located.asn ?? 0;
    const country = located.country ?? '';
    asnOf[i] = asn;
    countryOf[i] = country;
    const cacheKey = `${asn}|${country}`;
    let target = cidrs ? undefined : cache.get(cacheKey);
    if (!target) {
      const resolved = resolveContacts(directory, ip, located);
      const match = (resolved.abuse?.contact.email ? resolved.abuse : undefined) ?? (resolved.cert?.contact.email ? resolved.cert : undefined);
      target = match
        ? { recipient: match.contact.email!.toLowerCase(), contact: match.contact, matchedBy: match.matchedBy }
        : { recipient: asn ? `unassigned:AS${asn}` : `unassigned:${country || 'ZZ'}` };
      if (!cidrs) cache.set(cacheKey, target);
    }
    let group = groups.get(target.recipient);
    if (!group) {
      group = { recipient: target.recipient, victims: [], asns: new Set(), countries: new Set() };
      if (target.contact) group.contact = target.contact;
      if (target.matchedBy) group.matchedBy = target.matchedBy;
      groups.set(target.recipient, group);
    }
    group.victims.push(i);
    if (asn) group.asns.add(asn);
    if (country) group.countries.add(country);
    const key = country || 'ZZ';
    let perCountry = byCountry.get(key);
    if (!perCountry) byCountry.set(key, (perCountry = { victims: 0, asns: new Set() }));
    perCountry.victims++;
    if (asn) perCountry.asns.add(asn);
  }
  return { groups, byCountry, asn: asnOf, country: countryOf };
}

/** The event a victim row is: one infected IP, one family, one day. A recipient is told of an event once. */
export function eventKey(victims: Victims, i: number): string {
  return `${victims.ips[i]}|${victims.families[victims.family[i]!]}|${new Date(victims.times[i]!).toISOString().slice(0, 10)}`;
}
