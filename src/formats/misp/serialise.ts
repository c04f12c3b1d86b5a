import type { Evaluation, Indicator, Tlp } from '../../model/index.ts';
import { tlpRank } from './tags.ts';
import { EXPORT_TYPES } from './types.ts';
import { TIX_NAMESPACE, uuidV5 } from '../common/uuid.ts';

/** One indicator as a MISP attribute. */
export interface SerialisedAttribute {
  /** The attribute as compact JSON. */
  json: string;
  /** Its `timestamp`, seconds. */
  timestamp: number;
  tlp: Tlp;
  /** The value's parts as MISP hashes them for hashes.csv: composite values part by part. */
  hashParts: string[];
}

/** Everything an event's closing part says about the event. */
export interface EventSummary {
  uuid: string;
  info: string;
  /** The event's date, epoch ms (written as YYYY-MM-DD). */
  date: number;
  /** Seconds: the newest attribute's timestamp, or when the export was made for an empty event. */
  timestamp: number;
  published: boolean;
  producer: string;
  attributeCount: number;
  /** The most restrictive TLP of the attributes: the event is marked no less strictly than its content. */
  tlp?: Tlp;
}

const TLP_COLOURS: Record<Tlp, string> = { clear: '#ffffff', green: '#339900', amber: '#ffc000', 'amber+strict': '#ffc000', red: '#cc0033' };
const TAG_COLOUR = '#0088cc';
const NETWORK_TYPES = new Set(['ip-dst', 'ip-dst|port', 'domain', 'hostname', 'url']);

/**
 * The opening of an event document. The attributes come first and the
 * event's own fields last, because only after the last attribute are its
 * count, newest timestamp and marking known; JSON objects are unordered,
 * so a reader sees the same event.
 */
export const EVENT_HEAD = '{"Event":{"Attribute":[';

/**
 * An indicator as a MISP attribute of the event `eventUuid`. Ids are "0":
 * they are local to a MISP instance, which assigns its own on import, but
 * the core format requires them. The uuid is derived from the event and the
 * value, so a re-export updates the same attribute.
 */
export function serialiseAttribute(indicator: Indicator, eventUuid: string): SerialisedAttribute {
  const { type, category } = EXPORT_TYPES[indicator.type];
  const value = mispValue(indicator);
  const timestamp = Math.floor(Math.max(indicator.lastSeen, indicator.addedAt) / 1000);
  const delivers = indicator.threatTypes.includes('payload-delivery') || indicator.threatTypes.includes('malware-download');
  const attribute = {
    uuid: uuidV5(eventUuid, `${type}|${value}`),
    id: '0',
    event_id: '0',
    type,
    category: delivers && NETWORK_TYPES.has(type) ? 'Payload delivery' : category,
    value,
    // expired and revoked values are known but no longer to be blocked
    to_ids: indicator.status === 'active',
    deleted: indicator.status === 'revoked',
    distribution: '5',
    sharing_group_id: '0',
    timestamp: String(timestamp),
    first_seen: mispTime(indicator.firstSeen),
    last_seen: mispTime(Math.max(indicator.lastSeen, indicator.firstSeen)),
    comment: describe(indicator),
    disable_correlation: false,
    Tag: [
      tag(`tlp:${indicator.tlp}`, TLP_COLOURS[indicator.tlp]),
      ...indicator.malware.map((name) => tag(`misp-galaxy:malpedia="${name.replaceAll('"', "'")}"`)),
      ...evaluationTags(indicator.evaluation).map((name) => tag(name)),
    ],
  };
  return { json: JSON.stringify(attribute), timestamp, tlp: indicator.tlp, hashParts: type.includes('|') ? value.split('|') : [value] };
}

/** The closing part of an event document opened with EVENT_HEAD. */
export function serialiseEventTail(summary: EventSummary): string {
  const orgc = { id: '0', name: summary.producer, uuid: orgUuid(summary.producer) };
  const fields = {
    uuid: summary.uuid,
    id: '0',
    info: summary.info,
    date: new Date(summary.date).toISOString().slice(0, 10),
    threat_level_id: '4', // undefined: tix has no event-wide threat level
    analysis: '2', // complete: the values are as tix holds them
    published: summary.published,
    timestamp: String(summary.timestamp),
    publish_timestamp: summary.published ? String(summary.timestamp) : '0',
    org_id: '0',
    orgc_id: '0',
    attribute_count: String(summary.attributeCount),
    // your organisation only: the receiving MISP decides how far to share (a feed's settings override it anyway)
    distribution: '0',
    sharing_group_id: '0',
    Orgc: orgc,
    Tag: summary.tlp ? [tag(`tlp:${summary.tlp}`, TLP_COLOURS[summary.tlp])] : [],
  };
  return `]${JSON.stringify(fields).replace(/^\{/, ',')}}`;
}

/** The manifest.json entry of an event (MISP core format, "Manifest"). */
export function manifestEntry(summary: EventSummary): Record<string, unknown> {
  return {
    info: summary.info,
    Orgc: { name: summary.producer, uuid: orgUuid(summary.producer) },
    analysis: '2',
    threat_level_id: '4',
    timestamp: String(summary.timestamp),
    date: new Date(summary.date).toISOString().slice(0, 10),
    Tag: summary.tlp ? [{ name: `tlp:${summary.tlp}`, colour: TLP_COLOURS[summary.tlp] }] : [],
  };
}

/** The producer as a MISP organisation: the same name, the same uuid, in every export. */
function orgUuid(producer: string): string {
  return uuidV5(TIX_NAMESPACE, `misp-org:${producer}`);
}

export function stricterTlp(a: Tlp | undefined, b: Tlp): Tlp {
  return a === undefined || tlpRank(b) > tlpRank(a) ? b : a;
}

/** MISP spells some values its own way: ip|port, and AS numbers without "AS". */
function mispValue(indicator: Indicator): string {
  if (indicator.type === 'ip-port') {
    const at = indicator.value.lastIndexOf(':');
    return `${indicator.value.slice(0, at).replace(/^\[(.*)\]$/, '$1')}|${indicator.value.slice(at + 1)}`;
  }
  if (indicator.type === 'asn') return indicator.value.replace(/^AS/i, '');
  return indicator.value;
}

const times = new Map<number, string>();

/**
 * ISO 8601 with microseconds and an explicit offset, as the core format's
 * examples write first_seen. Feeds repeat the same few times (a day's
 * midnight, a pull's time), so the text of recent ones is kept.
 */
function mispTime(ms: number): string {
  let text = times.get(ms);
  if (text === undefined) {
    if (times.size >= 4096) times.clear();
    text = `${new Date(ms).toISOString().slice(0, -1)}000+00:00`;
    times.set(ms, text);
  }
  return text;
}

function describe(indicator: Indicator): string {
  const parts = [`sources: ${indicator.sources.join(', ') || 'tix'}`];
  const threats = indicator.threatTypes.filter((threat) => threat !== 'unknown');
  if (threats.length) parts.push(`threat: ${threats.join(', ')}`);
  if (indicator.confidence !== undefined) parts.push(`confidence: ${indicator.confidence}`);
  // MISP has no expiry of its own (its decaying models work from sightings): say it where an analyst reads
  if (indicator.validUntil !== undefined) parts.push(`valid until ${new Date(indicator.validUntil).toISOString().slice(0, 10)}`);
  if (indicator.status !== 'active') parts.push(indicator.status);
  return parts.join('; ');
}

function tag(name: string, colour = TAG_COLOUR): { name: string; colour: string; exportable: boolean } {
  return { name, colour, exportable: true };
}

/** PAP and the 4x4 evaluation as the MISP taxonomies write them (`PAP:GREEN`, `admiralty-scale:source-reliability="b"`). */
export function evaluationTags(evaluation: Evaluation | undefined): string[] {
  if (!evaluation) return [];
  const tags: string[] = [];
  if (evaluation.pap) tags.push(`PAP:${evaluation.pap.toUpperCase()}`);
  // the 4x4's X (cannot be judged) is the admiralty scale's F
  if (evaluation.reliability) tags.push(`admiralty-scale:source-reliability="${evaluation.reliability === 'X' ? 'f' : evaluation.reliability.toLowerCase()}"`);
  if (evaluation.accuracy !== undefined) tags.push(`admiralty-scale:information-credibility="${evaluation.accuracy}"`);
  if (evaluation.handling) tags.push(`handling-code:${evaluation.handling}`);
  return tags;
}
