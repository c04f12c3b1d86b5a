import type { MailStore } from './mail.ts';
import type { CoordinationStore } from './coordination.ts';
import type { Clearance } from '../policy/index.ts';
import type { AccessStore } from './access.ts';
import type { ObservationBatch } from './batch.ts';
import type { SightingStore } from './sightings.ts';
import type { InvestigationStore } from './investigations.ts';
import type { ReportStore } from './reports.ts';
import type { WarninglistStore } from './warninglists.ts';
import type { OperationsStore } from './operations.ts';
import type { SyncStore } from './sync.ts';
import type { Evaluation, Indicator, IndicatorDetail, IndicatorType, Observation, Pap, Reliability, StixObject, ThreatType, Tlp } from '../model/index.ts';

/** What an import is: which source says it, from where, and how to treat its absences. */
export interface ImportMeta {
  source: string;
  /** The input as the user named it (file path or URL). */
  origin: string;
  format: string;
  startedAt: number;
  /** Applied to observations that carry no TLP of their own. */
  tlp: Tlp;
  /** Applied to observations that carry no confidence of their own. */
  confidence?: number;
  /**
   * The input is the source's complete current list: values of this source
   * missing from it are delisted (last seen frozen) and, with
   * `expireAfterMs`, expire that long after they were last seen.
   */
  fullDump?: { expireAfterMs?: number };
  /** Size of the input in bytes, if known: lets a backend choose a bulk-load path for large inputs. */
  sizeHint?: number;
  /** Share the source under this distribution (owner, agreements, recipients); absent: as it is shared now (new sources: the local organisation's). */
  distribution?: number;
  /** A sync's page: its checkpoint moves to `addedAfter` in the same transaction as the import, so a pull stopped halfway resumes after the last page stored. */
  checkpoint?: { sync: string; addedAfter: string };
}

export interface ImportCounts {
  /** Values the store had never held. */
  new: number;
  /** Values already held whose view from this source changed (or that this source reports for the first time). */
  updated: number;
  /** Values already held exactly as this input says. */
  unchanged: number;
  /** With a full dump: this source's values no longer in its list. */
  delisted: number;
  /** Exchange objects (STIX) stored: versions the store did not hold. */
  objects: number;
}

/** A STIX object as an import hands it to the store. */
export interface StoredObject {
  object: StixObject;
  /** Line of the input where the object starts, for provenance. */
  line: number;
  /** The object's TLP marking, if it carries one (object_marking_refs); the import's default applies otherwise. */
  tlp?: Tlp;
}

/**
 * Objects of the object store, in the order they were added: what a TAXII
 * collection serves ("objects added after T, paged").
 */
export interface ObjectQuery {
  /** Only objects added strictly after this time (epoch ms). */
  addedAfter?: number;
  /** Only objects added at or before this time. */
  addedBefore?: number;
  ids?: string[];
  types?: string[];
  /** Which versions of each object: the latest (default), the first, all, or a list ORing `modified` timestamps, `first` and `last`; first and last are of the versions the reader may see. */
  versions?: 'last' | 'first' | 'all' | string[];
  specVersions?: string[];
  /** Only objects these sources reported. */
  sources?: string[];
  /** Only objects of sources shared under this agreement (its id). */
  agreement?: number;
  /** What the reader is cleared for, applied inside the query. Absent: everything. */
  clearance?: Clearance;
  /** Only objects marked at most this restrictively (unmarked objects count as the import's TLP). */
  maxTlp?: Tlp;
  limit: number;
  /**
   * End a page that would split a run of objects added at the same time
   * before that run (when anything is left of the page), so resuming with
   * `addedAfter` = the page's last date added skips nothing (TAXII §3.5).
   */
  wholeAdditions?: boolean;
  /** Opaque cursor from a previous page: names the last object of that page (one the reader may see) and resumes after it in (date added, order of addition); stateless. */
  after?: string;
}

export interface ObjectRecord {
  /** The object, parsed from `json` when first read. */
  readonly object: StixObject;
  /** The object serialised as stored: a page can be sent without parsing and serialising each object again. */
  readonly json: string;
  /** When this version was added to tix (TAXII's date_added). */
  addedAt: number;
  source: string;
  tlp: Tlp;
}

export interface ObjectPage {
  items: ObjectRecord[];
  next?: string;
}

export interface ObjectVersions {
  id: string;
  versions: Array<{ modified: string; addedAt: number }>;
}

/**
 * One atomic import. Nothing is visible to readers until `commit`;
 * `rollback` (or a crash) leaves the store as it was.
 */
export interface ImportSession {
  readonly id: number;
  add(batch: readonly Observation[]): Promise<void>;
  /** The same, for a batch already merged and keyed (`encodeBatch`, e.g. on a parser thread); the store may mark its cells. */
  addBatch(batch: ObservationBatch): Promise<void>;
  /** Keeps exchange objects as they came, one row per (id, modified); a version already held is left as it is. */
  addObjects(batch: readonly StoredObject[]): Promise<void>;
  commit(summary: { read: number; accepted: number; rejected: number }): Promise<ImportCounts>;
  rollback(): Promise<void>;
}

export interface IndicatorQuery {
  /** Exact canonical values (any of). */
  values?: Array<{ type: IndicatorType; value: string }>;
  /** IP-based indicators (IPs, ip:port, CIDRs, URLs on a literal IP) inside this canonical CIDR or equal to this IP. */
  within?: string;
  /** CIDR indicators that contain this canonical IP. */
  containing?: string;
  /** Host-based indicators (domains, hostnames, URLs, e-mail addresses) on this domain or below it. */
  under?: string;
  types?: IndicatorType[];
  source?: string;
  malware?: string;
  threatType?: ThreatType;
  tag?: string;
  /** Last seen at or after. */
  seenSince?: number;
  /** Only values some source gives at least this confidence. */
  minConfidence?: number;
  /** Only values some source marks at most this restrictively. */
  maxTlp?: Tlp;
  /** Only values some source of these reliability grades reports. */
  reliability?: Reliability[];
  /** Only values some source grades at least this accurate (1 best, 4 worst). */
  maxAccuracy?: number;
  /** Only values some source lets recipients act on at least this freely (PAP at most this restrictive). */
  maxPap?: Pap;
  /** Include revoked and expired values. */
  includeInactive?: boolean;
  /** The clock against which validity is judged. */
  now: number;
  /** What the reader is cleared for; applied inside the query, so pages and counts see only that. Absent: everything (the operator). */
  clearance?: Clearance;
  limit: number;
  /** Opaque cursor from a previous page. */
  after?: string;
}

export interface IndicatorPage {
  items: Indicator[];
  /** Cursor for the next page; absent on the last page. */
  next?: string;
}

export interface StoreStats {
  indicators: number;
  observations: number;
  byType: Record<string, number>;
  bySource: Array<{ source: string; indicators: number; lastImport?: number }>;
  byThreatType: Record<string, number>;
  byTlp: Record<string, number>;
}

/** The overview of what a reader may see: values counted once each, observations per source and per day first seen. */
export interface OverviewStats {
  /** Values with at least one observation the reader may see. */
  indicators: number;
  byType: Record<string, number>;
  /** Values by the threat types of their visible observations (a value with two counts under both). */
  byThreatType: Record<string, number>;
  /** Values by the TLP of their visible observations. */
  byTlp: Record<string, number>;
  /** Visible observations per source, most first. */
  bySource: Array<{ source: string; observations: number }>;
  /** Values by the day (UTC, epoch ms of its start) they were first seen. */
  firstSeenPerDay: Array<{ day: number; indicators: number }>;
}

export interface FeedDefinition {
  name: string;
  url: string;
  format?: string;
  everyMs: number;
  mode: 'full' | 'delta';
  expireAfterMs?: number;
  tlp?: Tlp;
  confidence?: number;
}

export interface FeedState extends FeedDefinition {
  etag?: string;
  lastModified?: string;
  lastPullAt?: number;
  lastStatus?: string;
  lastError?: string;
  lastCounts?: Record<string, number>;
  createdAt: number;
}

export interface ImportRecord {
  id: number;
  source: string;
  origin: string;
  format: string;
  startedAt: number;
  finishedAt?: number;
  status: 'running' | 'committed' | 'rolled-back';
  counts: Record<string, number>;
}

export interface RevokeRequest {
  type: IndicatorType;
  value: string;
  source: string;
  at: number;
  reason?: string;
}

/** One source as a reader sees it: only what the reader may read is counted. */
export interface SourceSummary {
  name: string;
  /** The organisation that owns the source's data. */
  owner: number;
  /** Observations of the source the reader may read (revoked and expired ones included). */
  indicators: number;
  /** STIX object versions of the source the reader may read. */
  objects: number;
  lastImport?: number;
  evaluation?: Evaluation;
}

/**
 * The one storage interface. SQLite (embedded) and PostgreSQL (server)
 * implement it; nothing outside src/store knows which one is behind it.
 */
export interface Store extends AccessStore, SightingStore, ReportStore, InvestigationStore, WarninglistStore, OperationsStore, MailStore, CoordinationStore, SyncStore {
  readonly location: string;
  beginImport(meta: ImportMeta): Promise<ImportSession>;
  search(query: IndicatorQuery): Promise<IndicatorPage>;
  /** Every source's view of one value the reader may see, or undefined. */
  get(type: IndicatorType, value: string, now: number, clearance?: Clearance): Promise<IndicatorDetail | undefined>;
  stats(): Promise<StoreStats>;
  /** The ids of the exchange (STIX) objects this value's observations came from, of the observations the reader may see. */
  objectIdsOf(type: IndicatorType, value: string, clearance?: Clearance): Promise<string[]>;
  /** Counts for an overview under a clearance (absent: everything), each value counted once; cheap enough for every page view. */
  overview(clearance?: Clearance): Promise<OverviewStats>;
  /** Values the reader may see per country they are located in (`tix enrich`), each value counted once; the clearance applies inside the query. */
  countByCountry(clearance?: Clearance): Promise<Array<{ country: string; indicators: number }>>;
  /** How many values a search with these filters finds in all (its clearance applied inside the count, so it counts only what the reader may see). */
  count(query: Omit<IndicatorQuery, 'limit' | 'after'>): Promise<number>;
  /** The sources the reader may see something of, with what it may see of each; absent clearance: every source, everything counted. */
  listSources(clearance?: Clearance): Promise<SourceSummary[]>;
  /** A source withdraws a value. Returns false if that source never reported it. */
  revoke(request: RevokeRequest): Promise<boolean>;
  /** Objects of the object store, oldest addition first. */
  listObjects(query: ObjectQuery): Promise<ObjectPage>;
  /** The versions held of one object, oldest first; undefined if the object is unknown. */
  objectVersions(id: string, clearance?: Clearance): Promise<ObjectVersions | undefined>;
  listImports(limit: number): Promise<ImportRecord[]>;
  /** Distinct CIDR prefix lengths held, per family, so containment lookups probe only those. */
  cidrPrefixes(): Promise<{ v4: number[]; v6: number[] }>;
  addFeed(feed: FeedDefinition, now: number): Promise<void>;
  removeFeed(name: string): Promise<boolean>;
  listFeeds(): Promise<FeedState[]>;
  getFeed(name: string): Promise<FeedState | undefined>;
  recordPull(name: string, state: Partial<Pick<FeedState, 'etag' | 'lastModified' | 'lastPullAt' | 'lastStatus' | 'lastError' | 'lastCounts'>>): Promise<void>;
  close(): Promise<void>;
}
