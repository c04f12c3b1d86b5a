import { ipKeyRange, normaliseCidr } from '../normalise/index.ts';
import { countryOf } from '../enrich/countries.ts';
import { ipv4Number, ipv6Halves } from '../enrich/ip.ts';
import type { Enrichment } from '../enrich/enricher.ts';

export const CONTACT_SCOPES = ['cidr', 'asn', 'country'] as const;
export type ContactScope = (typeof CONTACT_SCOPES)[number];

/** Who is told: the national police unit, the national CERT, the network's abuse desk. */
export const CONTACT_ROLES = ['police', 'cert', 'abuse'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

/** One directory entry: for this country, AS or CIDR, this role is reached here. */
export interface Contact {
  scope: ContactScope;
  /** Canonical key: alpha-2 country code, AS number as digits, canonical CIDR. */
  key: string;
  role: ContactRole;
  name: string;
  email?: string;
  /** Entered by hand: overrides an imported entry for the same key and role. */
  manual: boolean;
  /** Where an imported entry came from (`file:line`). */
  origin?: string;
}

/** Why a contact was chosen for an address. */
export interface ContactMatch {
  contact: Contact;
  /** `cidr 197.210.0.0/16`, `asn 29465`, `country NG`. */
  matchedBy: string;
}

export type Resolution = Partial<Record<ContactRole, ContactMatch>>;

interface CidrEntry {
  prefix: number;
  contact: Contact;
}

/**
 * The directory compiled for lookups: CIDR blocks per family and prefix
 * length (probed from the longest), then AS, then country. For one key and
 * role a manual entry replaces an imported one.
 */
export interface Directory {
  v4: Map<number, Map<number, Contact[]>>;
  v6: Array<{ first: Buffer; last: Buffer; prefix: number; contact: Contact }>;
  v4Prefixes: number[];
  asn: Map<string, Contact[]>;
  country: Map<string, Contact[]>;
}

/** Imported entries give way to manual ones for the same scope, key and role. */
function effective(contacts: readonly Contact[]): Contact[] {
  const byKey = new Map<string, Contact>();
  for (const contact of contacts) {
    const id = `${contact.scope}|${contact.key}|${contact.role}`;
    const held = byKey.get(id);
    if (!held || (contact.manual && !held.manual)) byKey.set(id, contact);
  }
  return [...byKey.values()];
}

export function buildDirectory(contacts: readonly Contact[]): Directory {
  const directory: Directory = { v4: new Map(), v6: [], v4Prefixes: [], asn: new Map(), country: new Map() };
  const push = <K>(map: Map<K, Contact[]>, key: K, contact: Contact): void => {
    const list = map.get(key);
    if (list) list.push(contact);
    else map.set(key, [contact]);
  };
  for (const contact of effective(contacts)) {
    if (contact.scope === 'country') push(directory.country, contact.key, contact);
    else if (contact.scope === 'asn') push(directory.asn, contact.key, contact);
    else {
      const slash = contact.key.indexOf('/');
      const prefix = Number(contact.key.slice(slash + 1));
      if (contact.key.includes(':')) {
        const range = ipKeyRange(contact.key);
        directory.v6.push({ first: range.first, last: range.last, prefix, contact });
      } else {
        let byNetwork = directory.v4.get(prefix);
        if (!byNetwork) directory.v4.set(prefix, (byNetwork = new Map()));
        push(byNetwork, ipv4Number(contact.key.slice(0, slash)), contact);
      }
    }
  }
  directory.v4Prefixes = [...directory.v4.keys()].sort((a, b) => b - a);
  directory.v6.sort((a, b) => b.prefix - a.prefix);
  return directory;
}

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/**
 * The contact per role for one address: the most specific entry wins (the
 * longest CIDR holding it, then its AS, then its country). Pure: the
 * address's country and AS come from enrichment, handed in.
 */
export function resolveContacts(directory: Directory, ip: string, located: Pick<Enrichment, 'country' | 'asn'>): Resolution {
  const found: Resolution = {};
  const take = (contacts: readonly Contact[] | undefined, matchedBy: string): void => {
    for (const contact of contacts ?? []) if (!found[contact.role]) found[contact.role] = { contact, matchedBy };
  };
  const v4 = ipv4Number(ip);
  if (v4 >= 0) {
    for (const prefix of directory.v4Prefixes) {
      const network = (v4 & maskOf(prefix)) >>> 0;
      const contacts = directory.v4.get(prefix)!.get(network);
      if (contacts) take(contacts, `cidr ${contacts[0]!.key}`);
    }
  } else if (directory.v6.length && ipv6Halves(ip)) {
    const key = ipKeyRange(ip).first;
    for (const entry of directory.v6) if (entry.first.compare(key) <= 0 && key.compare(entry.last) <= 0) take([entry.contact], `cidr ${entry.contact.key}`);
  }
  if (located.asn !== undefined) take(directory.asn.get(String(located.asn)), `asn ${located.asn}`);
  if (located.country) take(directory.country.get(located.country), `country ${located.country}`);
  return found;
}

/** A scope key in canonical form, or the reason it is not one. */
export function contactKey(scope: ContactScope, text: string): { ok: true; key: string } | { ok: false; reason: string } {
  const value = text.trim();
  switch (scope) {
    case 'country': {
      const country = countryOf(value);
      return country && value.length === 2 ? { ok: true, key: country.code } : { ok: false, reason: `not an ISO 3166-1 alpha-2 country code (got "${value.slice(0, 40)}")` };
    }
    case 'asn': {
      const digits = value.replace(/^AS/i, '');
      const asn = Number(digits);
      return /^\d+$/.test(digits) && asn > 0 && asn <= 4294967295 ? { ok: true, key: String(asn) } : { ok: false, reason: `not an AS number (got "${value.slice(0, 40)}")` };
    }
    case 'cidr': {
      const cidr = normaliseCidr(value.includes('/') ? value : `${value}/${value.includes(':') ? 128 : 32}`);
      if (cidr.ok) return { ok: true, key: cidr.value.includes('/') ? cidr.value : `${cidr.value}/${cidr.value.includes(':') ? 128 : 32}` };
      return { ok: false, reason: `not a CIDR block (got "${value.slice(0, 40)}"): ${cidr.reason}` };
    }
  }
}
