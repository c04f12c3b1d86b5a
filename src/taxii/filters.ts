import { badFilter } from './errors.ts';
import { timestampMs } from './time.ts';

const STIX_TYPE = /^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$/;
/** A STIX identifier: type, `--`, a UUID. Anything else names nothing a store could hold. */
export const STIX_ID = /^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** What a `next` token can look like at all; its content is checked by next-token.ts. */
const TOKEN = /^[A-Za-z0-9_.-]{1,1200}$/;
const SPEC_VERSIONS = ['2.0', '2.1'];
/** The most values one match[] filter takes: a bound on the SQL a request can make. */
const MAX_VALUES = 100;

/** The filters each endpoint takes (§5.3, §5.4, §5.6, §5.8); others are ignored, as the spec allows. */
export const FILTERS = {
  objects: ['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]'],
  object: ['added_after', 'limit', 'next', 'match[version]', 'match[spec_version]'],
  versions: ['added_after', 'limit', 'next', 'match[spec_version]'],
} as const;

/** The filters of a request, checked; the store's ObjectQuery is built from them (with the caller's clearance). */
export interface TaxiiFilters {
  addedAfter?: number;
  ids?: string[];
  types?: string[];
  /** `last` (the default), `first`, `all`, or a list ORing `first`, `last` and exact `modified` timestamps. */
  versions?: 'last' | 'first' | 'all' | string[];
  specVersions?: string[];
  limit: number;
  /** The `next` token as sent; next-token.ts decodes and checks it. */
  next?: string;
}

function single(value: unknown, name: string): string {
  if (typeof value !== 'string') throw badFilter(`${name} must be given once`);
  return value;
}

function list(value: unknown, name: string): string[] {
  const items = single(value, name).split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw badFilter(`${name} has an empty value`);
  if (items.length > MAX_VALUES) throw badFilter(`${name} takes at most ${MAX_VALUES} values`);
  return items;
}

function parseVersions(value: unknown): TaxiiFilters['versions'] {
  const versions = list(value, 'match[version]');
  if (versions.includes('all')) {
    // §3.4.2: "all" MUST NOT be used with any other version parameter
    if (versions.length > 1) throw badFilter('match[version]=all cannot be combined with other values');
    return 'all';
  }
  if (!versions.every((version) => version === 'first' || version === 'last' || timestampMs(version) !== undefined)) {
    throw badFilter('match[version] takes first, last, all or STIX timestamps');
  }
  return versions.length === 1 && (versions[0] === 'first' || versions[0] === 'last') ? versions[0] : [...new Set(versions)];
}

/**
 * The filters of an objects, manifest, object or versions request (§3.4),
 * checked: a malformed parameter is a 400, never ignored nor passed on as it
 * came. Distinct match fields AND, comma-separated values OR. `limit` above
 * the server's page size is lowered to it (§3.4.1 lets the server cap it).
 */
export function parseFilters(raw: Readonly<Record<string, unknown>>, allowed: readonly string[], maxLimit: number): TaxiiFilters {
  const filters: TaxiiFilters = { limit: maxLimit };
  for (const [name, value] of Object.entries(raw)) {
    if (!allowed.includes(name)) continue; // unknown (and this endpoint's inapplicable) filters MAY be ignored
    switch (name) {
      case 'added_after': {
        const ms = timestampMs(single(value, name));
        if (ms === undefined) throw badFilter('added_after must be a timestamp like 2024-01-31T12:00:00.000000Z');
        filters.addedAfter = ms;
        break;
      }
      case 'limit': {
        const text = single(value, name);
        if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw badFilter('limit must be a whole number greater than 0');
        filters.limit = Math.min(Number(text), maxLimit);
        break;
      }
      case 'next': {
        const text = single(value, name);
        if (!TOKEN.test(text)) throw badFilter('next is not a token this server issued');
        filters.next = text;
        break;
      }
      case 'match[id]': {
        const ids = list(value, name);
        if (!ids.every((id) => STIX_ID.test(id))) throw badFilter('match[id] takes STIX identifiers (type--UUID)');
        filters.ids = ids;
        break;
      }
      case 'match[type]': {
        const types = list(value, name);
        if (!types.every((type) => STIX_TYPE.test(type))) throw badFilter('match[type] takes STIX type names');
        filters.types = types;
        break;
      }
      case 'match[version]':
        filters.versions = parseVersions(value);
        break;
      case 'match[spec_version]': {
        const versions = list(value, name);
        if (!versions.every((version) => SPEC_VERSIONS.includes(version))) throw badFilter('match[spec_version] takes 2.0 or 2.1');
        filters.specVersions = versions;
        break;
      }
    }
  }
  return filters;
}

/**
 * What a query asks, without its page position and size: the part a `next`
 * token is bound to, so a token is only ever resumed in the query that issued it.
 */
export function queryFingerprint(scope: string, filters: TaxiiFilters): string {
  const { addedAfter, ids, types, versions, specVersions } = filters;
  return JSON.stringify([scope, addedAfter ?? null, ids ?? null, types ?? null, versions ?? null, specVersions ?? null]);
}
