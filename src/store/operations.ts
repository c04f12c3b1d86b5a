import type { Contact } from '../contacts/index.ts';
import type { DataSource, Enrichment } from '../enrich/index.ts';
import type { IndicatorType, ThreatType, Tlp } from '../model/index.ts';
import type { Clearance } from '../policy/index.ts';
import type { NewOperation, NewOutcome, Operation, Outcome } from '../ops/operation.ts';

export interface EnrichmentRun {
  /** Values looked at: those on a literal IP and those with a host name. */
  scanned: number;
  /** Values whose stored enrichment changed. */
  changed: number;
  /** Values that now have a country. */
  located: number;
}

export interface EnrichmentSourceRecord {
  kind: 'geo' | 'asn';
  source: DataSource;
  appliedAt: number;
}

/** One visible observation of a value in an operation's scope, with the value's enrichment. */
export interface ScopeRow {
  id: number;
  type: IndicatorType;
  value: string;
  firstSeen: number;
  lastSeen: number;
  addedAt: number;
  country?: string;
  asn?: number;
  asOrg?: string;
  source: string;
  threatType?: ThreatType;
  malware?: string;
  tags: string[];
  tlp: Tlp;
  confidence?: number;
}

export interface ScopeQuery {
  countries: readonly string[];
  /** Values some observation tags with this (or `tag:CC`) are in scope wherever they are. */
  tag: string;
  /** Seen within [from, to]: first seen at or before `to`, last seen at or after `from`. */
  from: number;
  to: number;
  /** What the recipient is cleared for, applied inside the query. Absent: everything. */
  clearance?: Clearance;
  now: number;
  /** Rows per batch yielded. */
  batch?: number;
}

export interface PackageRecord {
  operation: number;
  country: string;
  recipient?: number;
  createdAt: number;
  expiresAt: number;
  path: string;
  manifestSha256: string;
  items: number;
}

export interface SentNotification {
  recipient: string;
  subject: string;
  sentAt: number;
  messageId?: string;
  /** Event keys the message covered (`ip|family|day`). */
  events: readonly string[];
}

/**
 * Enrichment kept with values, the contacts directory, operations with their
 * outcomes and packages, and the record of notifications sent. Added to the
 * Store with `extends`, as the access part is.
 */
export interface OperationsStore {
  /** Runs `enrich` over every value on a literal IP or with a host name, storing what changed; records the data sources. */
  applyEnrichment(enrich: (type: IndicatorType, value: string) => Enrichment, sources: readonly EnrichmentSourceRecord[], now: number): Promise<EnrichmentRun>;
  /** The stored enrichment of values (undefined for a value not held or not enriched). */
  enrichmentOf(values: ReadonlyArray<{ type: IndicatorType; value: string }>): Promise<Array<Enrichment | undefined>>;
  enrichmentSources(): Promise<EnrichmentSourceRecord[]>;
  /** Adds or replaces contacts (per scope, key, role and manual or not), all or none. */
  putContacts(contacts: readonly Contact[], now: number): Promise<number>;
  listContacts(): Promise<Contact[]>;
  createOperation(operation: NewOperation, now: number): Promise<Operation>;
  findOperation(name: string): Promise<Operation | undefined>;
  listOperations(): Promise<Operation[]>;
  addOperationOutcome(operation: number, outcome: NewOutcome, now: number): Promise<Outcome>;
  listOperationOutcomes(operation: number): Promise<Outcome[]>;
  /** The visible observations of values in scope (by country or tag, within the window), in batches, ordered by value. */
  scopeRows(query: ScopeQuery): AsyncIterable<ScopeRow[]>;
  recordPackage(record: PackageRecord): Promise<void>;
  /** The latest package made for this operation, country and recipient. */
  lastPackage(operation: number, country: string, recipient?: number): Promise<PackageRecord | undefined>;
  /** Of these events, those already notified to this recipient. */
  notifiedEvents(recipient: string, events: readonly string[]): Promise<Set<string>>;
  /** Records a message sent and the events it covered, in one transaction. */
  recordNotification(sent: SentNotification): Promise<void>;
}
