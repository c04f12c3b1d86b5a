import type { IndicatorType, ThreatType } from '../../model/index.ts';
import type { ParseContext, ParseSink } from '../format.ts';
import { parseFeedDate } from '../common/dates.ts';
import { badField, emitRecord } from '../common/record.ts';
import { isRecord, readTags, type TagMeaning, tagNames } from './tags.ts';
import { IMPORT_TYPES, IP_PORT_TYPES, MISP_ATTRIBUTE_TYPES, PAIR_TYPES } from './types.ts';

/** What every attribute of one event shares. */
export interface EventScope {
  ctx: ParseContext;
  sink: ParseSink;
  uuid?: string;
  /** The event's `date`, else its `timestamp`: the fallback for attributes without dates. */
  date?: number;
  tags: TagMeaning;
  reference?: string;
  /** Attributes of known MISP types that are not indicators (text, link, regkey…): counted, reported once per event. */
  skipped: Map<string, { count: number; first: string }>;
}

/** What a MISP object lends the attributes inside it. */
export interface ObjectScope {
  deleted: boolean;
  firstSeen?: number;
  lastSeen?: number;
  timestamp?: number;
  comment: string;
}

const NETWORK: ReadonlySet<IndicatorType> = new Set(['ipv4', 'ipv6', 'cidr', 'ip-port', 'domain', 'hostname', 'url']);
const FILE: ReadonlySet<IndicatorType> = new Set(['md5', 'sha1', 'sha256', 'sha512', 'ssdeep', 'tlsh', 'filename']);
const C2 = /\b(c2|c&c|cnc|command[- ]and[- ]control)\b/i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * One MISP attribute (at `path`, starting on `line`) to zero, one or two
 * observations: composite `a|b` types give one per part tix stores.
 */
export function readAttribute(attribute: unknown, path: string, line: number, event: EventScope, object?: ObjectScope): void {
  const { ctx, sink } = event;
  if (!isRecord(attribute)) return badField(sink, ctx, line, path, 'not an attribute object');
  const type = attribute.type;
  if (typeof type !== 'string' || type === '') return badField(sink, ctx, line, `${path}.type`, 'no attribute type');
  const rawValue = attribute.value;
  const value = typeof rawValue === 'string' || typeof rawValue === 'number' ? String(rawValue) : undefined;

  // the type first: a value is only checked where it could be an indicator
  const types = IMPORT_TYPES[type];
  if (types === undefined || (type === 'uri' && value !== undefined && !HAS_SCHEME.test(value.trim()))) {
    if (!MISP_ATTRIBUTE_TYPES.has(type)) {
      sink.reject({
        code: 'TIX_INPUT_SKIPPED',
        file: ctx.file,
        line,
        field: `${path}.type`,
        message: `unknown MISP attribute type "${type}"; attribute skipped`,
        severity: 'warning',
      });
      return;
    }
    const key = type === 'uri' && types !== undefined ? 'uri (a path, no scheme)' : type;
    const seen = event.skipped.get(key);
    if (seen) seen.count++;
    else event.skipped.set(key, { count: 1, first: path });
    return;
  }
  if (value === undefined) return badField(sink, ctx, line, `${path}.value`, 'no value');

  const parts = splitValue(type, value);
  if (parts === undefined) return badField(sink, ctx, line, `${path}.value`, `a ${type} value has two parts, "a|b" (got "${value.slice(0, 60)}")`);

  const own = readTags(tagNames(attribute));
  const toIds = flag(attribute.to_ids);
  const tags = new Set([...event.tags.tags, ...own.tags]);
  if (toIds === false) tags.add('to_ids:false'); // MISP: not for automatic detection; a blocklist export can leave these out
  if (event.uuid) tags.add(`misp-event:${event.uuid}`);

  const stamp = epochSeconds(attribute.timestamp) ?? object?.timestamp;
  const firstSeen = isoDate(attribute.first_seen) ?? object?.firstSeen ?? stamp ?? event.date;
  const lastSeen = isoDate(attribute.last_seen) ?? object?.lastSeen ?? stamp ?? firstSeen;
  const revoked = flag(attribute.deleted) === true || object?.deleted === true;
  const category = typeof attribute.category === 'string' ? attribute.category : '';
  const comment = `${typeof attribute.comment === 'string' ? attribute.comment : ''} ${object?.comment ?? ''}`;
  const uuid = typeof attribute.uuid === 'string' && attribute.uuid !== '' ? attribute.uuid : undefined;
  // attachments and samples carry their file base64-encoded: not evidence of the value
  const raw = JSON.stringify(attribute, (key, item: unknown) => (key === 'data' ? undefined : item));

  const sorted = [...tags].sort();
  parts.forEach((part, index) => {
    const tixType = types[index];
    if (tixType === undefined || part.trim() === '') return;
    emitRecord(sink, ctx, line, raw, {
      value: tixType === 'filename' ? baseName(part) : part,
      type: tixType,
      field: `${path}.value`,
      firstSeen: firstSeen ?? ctx.now,
      lastSeen: lastSeen ?? ctx.now,
      threatType: threatType(category, tixType, comment),
      malware: own.malware ?? event.tags.malware,
      tags: [...sorted],
      reference: event.reference,
      tlp: own.tlp ?? event.tags.tlp,
      revoked,
      objectId: uuid,
    });
  });
}

/** The parts of a value: composites split at `|`, an address and port joined as tix writes ip:port. */
function splitValue(type: string, value: string): string[] | undefined {
  if (!type.includes('|') && !PAIR_TYPES.has(type)) return [value];
  const parts = value.split('|');
  if (parts.length !== 2) return undefined;
  if (IP_PORT_TYPES.has(type)) {
    const [ip, port] = parts as [string, string];
    return [ip.includes(':') ? `[${ip.trim()}]:${port.trim()}` : `${ip.trim()}:${port.trim()}`];
  }
  return parts;
}

/** MISP file names are often paths (`%PUBLIC%\Videos\audev.exe`); the indicator is the name. */
function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * The threat type an attribute's category implies, where it implies one:
 * files delivered or installed are malware, network values in "Payload
 * delivery" deliver it, and a network value whose comment says C2 is one.
 */
function threatType(category: string, type: IndicatorType, comment: string): ThreatType | undefined {
  if (category === 'Network activity' && NETWORK.has(type) && C2.test(comment)) return 'c2';
  if (category === 'Payload delivery') return NETWORK.has(type) ? 'payload-delivery' : FILE.has(type) ? 'malware' : undefined;
  if (category === 'Payload installation' || category === 'Artifacts dropped') return FILE.has(type) ? 'malware' : undefined;
  if (category === 'Financial fraud') return 'fraud';
  return undefined;
}

/** MISP booleans: JSON booleans, and "0"/"1" or 0/1 in older exports. */
export function flag(value: unknown): boolean | undefined {
  if (value === true || value === 1 || value === '1' || value === 'true') return true;
  if (value === false || value === 0 || value === '0' || value === 'false') return false;
  return undefined;
}

/** MISP timestamps: seconds since the epoch, as a string or a number. */
export function epochSeconds(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,12}$/.test(text) || text === '0') return undefined;
  return Number(text) * 1000;
}

/** MISP first_seen/last_seen and event dates: ISO 8601, or null. */
export function isoDate(value: unknown): number | undefined {
  return typeof value === 'string' && value !== '' ? parseFeedDate(value) : undefined;
}
