import type { IndicatorType } from '../model/index.ts';

/** Who reported a sighting: an analyst by hand, the evidence scanner, a sensor, a TAXII peer. */
export const SIGHTING_ORIGINS = ['analyst', 'scanner', 'sensor', 'taxii'] as const;
export type SightingOrigin = (typeof SIGHTING_ORIGINS)[number];

/** What was seen: a value the store holds, or a STIX object of the object store. */
export type SightingTarget = { indicator: { type: IndicatorType; value: string } } | { objectId: string };

/** What a sighting says, however it is addressed. */
interface SightingFacts {
  origin: SightingOrigin;
  firstSeen: number;
  lastSeen: number;
  /** How many times it was seen between first and last seen. */
  count: number;
  /** Where: a host, a log file and line, a country. */
  location?: string;
  note?: string;
  createdAt: number;
}

export interface NewSighting extends SightingFacts {
  target: SightingTarget;
  /** The organisation that saw it. */
  org: number;
  user?: number;
  key?: number;
}

export interface Sighting extends SightingFacts {
  id: number;
  /** The value sighted, when sighted by value. */
  indicator?: { type: IndicatorType; value: string };
  /** The STIX object sighted, when sighted by id. */
  objectId?: string;
  org: number;
  orgName: string;
  user?: number;
}

/**
 * Who reads sightings. A sighting is readable by the organisation that made
 * it and by the owner organisations of what was sighted (the owners of the
 * sources reporting the value, or holding the object): never by everyone.
 */
export interface SightingReader {
  org: number;
}

export interface SightingQuery {
  reader: SightingReader;
  /** Only sightings of this value (by value, or of a STIX object one of its observations came from). */
  indicator?: { type: IndicatorType; value: string };
  /** Only sightings of this STIX object. */
  objectId?: string;
  /** Only sightings made by this organisation. */
  by?: number;
  /** Last seen at or after. */
  seenSince?: number;
  limit: number;
  /** Opaque cursor from a previous page. */
  after?: string;
}

export interface SightingPage {
  items: Sighting[];
  next?: string;
}

/** How often the reader may know a value was seen: only sightings the reader may read are counted. */
export interface SightingSummary {
  /** Sightings recorded. */
  count: number;
  /** Times seen, summed over those sightings. */
  total: number;
  lastSeen?: number;
}

/** The sightings part of the Store: added to it with `extends`, as the access part is. */
export interface SightingStore {
  /** Records a sighting; undefined when the store holds no such value or object. Whether the sighter may see it is the caller's check. */
  addSighting(sighting: NewSighting): Promise<Sighting | undefined>;
  /** Sightings the reader may read, newest first; the rule is applied inside the query. */
  listSightings(query: SightingQuery): Promise<SightingPage>;
  /** The reader's view of how often a value was seen, by value or through the STIX objects its observations came from. */
  sightingSummary(indicator: { type: IndicatorType; value: string }, reader: SightingReader): Promise<SightingSummary>;
}
