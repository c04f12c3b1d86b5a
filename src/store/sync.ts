import type { Tlp } from '../model/index.ts';

/** A remote TAXII 2.1 collection this tix pulls from (`tix sync add`). */
export interface SyncDefinition {
  name: string;
  /** The remote's API root (`https://peer.example/taxii2/api/`). */
  url: string;
  /** The collection pulled from. */
  collection: string;
  /** The collection sightings are pushed to; absent: the one pulled from. */
  pushCollection?: string;
  /** The credential sent to the remote: `user:password` is sent as HTTP Basic, anything else (a tix API key) as a Bearer token. */
  key: string;
  everyMs: number;
  /** The source what it brings is stored under. */
  source: string;
  /** Applied to objects that carry no TLP marking of their own. */
  tlp?: Tlp;
}

export interface SyncState extends SyncDefinition {
  /** The remote's date_added of the last object stored (TAXII timestamp, as the remote wrote it): the next pull asks for what was added after it. */
  checkpoint?: string;
  lastPullAt?: number;
  lastStatus?: string;
  lastError?: string;
  lastCounts?: Record<string, number>;
  createdAt: number;
}

/** The outcome of a run, as `tix sync list` shows it. */
export type SyncRunRecord = Partial<Pick<SyncState, 'checkpoint' | 'lastPullAt' | 'lastStatus' | 'lastError' | 'lastCounts'>>;

/** A sighting recorded here on data a sync brought, not yet pushed to that sync's remote. */
export interface PendingSighting {
  id: number;
  /** The synced STIX object sighted (directly, or the object the sighted value came from). */
  objectId: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
  note?: string;
  createdAt: number;
}

/** The sync part of the Store. */
export interface SyncStore {
  /** Adds a sync, or changes one (its checkpoint and history are kept). */
  addSync(sync: SyncDefinition, now: number): Promise<void>;
  removeSync(name: string): Promise<boolean>;
  listSyncs(): Promise<SyncState[]>;
  getSync(name: string): Promise<SyncState | undefined>;
  /** Records how a run went; a checkpoint given here is for pages where nothing was stored (a page of only skipped objects). */
  recordSyncRun(name: string, record: SyncRunRecord): Promise<void>;
  /** Sightings on data of the sync's source that were not yet pushed to its remote, oldest first. */
  unpushedSightings(name: string, limit: number): Promise<PendingSighting[]>;
  markSightingsPushed(name: string, sightings: readonly number[], at: number): Promise<void>;
}
