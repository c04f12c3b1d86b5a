import { timestampKey } from '../model/index.ts';
import type { ObjectQuery } from '../store/store.ts';
import { TaxiiError } from './errors.ts';

/** A TAXII timestamp (§2): RFC 3339, UTC, microsecond precision. */
export function taxiiTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const STIX_TYPE = /^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$/;
const STIX_ID = /^[a-z0-9][a-z0-9-]*--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KNOWN = new Set(['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]']);

function list(value: unknown, name: string): string[] {
  if (typeof value !== 'string') throw new TaxiiError(400, 'Bad filter', `${name} must be given once`);
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new TaxiiError(400, 'Bad filter', `${name} has an empty value`);
  return items;
}

/**
 * The filters of objects, manifest, object and versions requests (§3.4),
 * checked: a malformed parameter is a 400, never ignored or passed on.
 * `allowed` are the filters the endpoint takes.
 */
export function parseFilters(raw: Record<string, unknown>, allowed: readonly string[], maxLimit: number): Omit<ObjectQuery, 'clearance'> {
  const query: Omit<ObjectQuery, 'clearance'> = { limit: maxLimit };
  for (const [name, value] of Object.entries(raw)) {
    if (!KNOWN.has(name)) continue; // unknown match[...] fields MAY be ignored
    if (!allowed.includes(name)) throw new TaxiiError(400, 'Bad filter', `${name} is not a filter of this endpoint`);
    switch (name) {
      case 'added_after': {
        const text = typeof value === 'string' ? value : '';
        if (!timestampKey(text)) throw new TaxiiError(400, 'Bad filter', 'added_after must be a timestamp like 2024-01-31T12:00:00.000000Z');
        query.addedAfter = Math.floor(Date.parse(text));
        break;
      }
      case 'limit': {
        const text = typeof value === 'string' ? value : '';
        if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new TaxiiError(400, 'Bad filter', 'limit must be a whole number greater than 0');
        query.limit = Math.min(Number(text), maxLimit);
        break;
      }
      case 'next':
        if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new TaxiiError(400, 'Bad filter', 'next is not a token this server issued');
        query.after = value;
        break;
      case 'match[id]': {
        const ids = list(value, name);
        if (!ids.every((id) => STIX_ID.test(id))) throw new TaxiiError(400, 'Bad filter', 'match[id] must be STIX identifiers');
        query.ids = ids;
        break;
      }
      case 'match[type]': {
        const types = list(value, name);
        if (!types.every((type) => STIX_TYPE.test(type))) throw new TaxiiError(400, 'Bad filter', 'match[type] must be STIX type names');
        query.types = types;
        break;
      }
      case 'match[version]': {
        const versions = list(value, name);
        if (versions.includes('all')) {
          if (versions.length > 1) throw new TaxiiError(400, 'Bad filter', 'match[version]=all cannot be combined with other values');
          query.versions = 'all';
        } else if (versions.length === 1 && (versions[0] === 'first' || versions[0] === 'last')) {
          query.versions = versions[0];
        } else {
          if (!versions.every((version) => version === 'first' || version === 'last' || timestampKey(version))) {
            throw new TaxiiError(400, 'Bad filter', 'match[version] takes first, last, all or timestamps');
          }
          // first/last combined with timestamps: the store answers one kind; timestamps are the precise request
          const stamps = versions.filter((version) => version !== 'first' && version !== 'last');
          query.versions = stamps.length ? stamps : 'last';
        }
        break;
      }
      case 'match[spec_version]': {
        const versions = list(value, name);
        if (!versions.every((version) => version === '2.0' || version === '2.1')) throw new TaxiiError(400, 'Bad filter', 'match[spec_version] takes 2.0 or 2.1');
        query.specVersions = versions;
        break;
      }
    }
  }
  return query;
}
