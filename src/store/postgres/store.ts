import { StoreError } from '../../errors.ts';
import type { AccessStore } from '../access.ts';
import type { CoordinationStore } from '../coordination.ts';
import { postgresCoordination } from './coordination.ts';
import type { InvestigationStore } from '../investigations.ts';
import type { MailStore } from '../mail.ts';
import type { OperationsStore } from '../operations.ts';
import type { ReportStore } from '../reports.ts';
import type { SightingStore } from '../sightings.ts';
import type { Store } from '../store.ts';
import type { WarninglistStore } from '../warninglists.ts';
import { AccessCache } from './access-cache.ts';
import { postgresAccess } from './access.ts';
import { Db } from './db.ts';
import { postgresEnrichment } from './enrichment.ts';
import { postgresImports, type ImportsPart } from './imports.ts';
import { postgresInvestigations } from './investigations.ts';
import { postgresMail } from './mail.ts';
import { migrate } from './migrations.ts';
import { postgresOperations } from './operations.ts';
import { postgresReads, type ReadsPart } from './reads.ts';
import { postgresReports } from './reports.ts';
import { postgresSightings } from './sightings.ts';
import { postgresWarninglists } from './warninglists.ts';
import { postgresSync } from './sync.ts';
import type { SyncStore } from '../sync.ts';

// the parts of the Store interface live in modules of their own, as in the SQLite store
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface PostgresStore extends ImportsPart, ReadsPart, AccessStore, SightingStore, ReportStore, InvestigationStore, WarninglistStore, OperationsStore, MailStore, CoordinationStore, SyncStore {}

/**
 * The server store: one PostgreSQL database, shared by every `tix serve`
 * process and CLI command pointed at it. The only thing held in the process
 * is the access lists, dropped whenever any process changes them, so any
 * number of API nodes behave as one.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class PostgresStore implements Store {
  private constructor(
    readonly location: string,
    readonly db: Db,
    readonly accessCache: AccessCache,
  ) {
    Object.assign(
      this,
      postgresImports(db),
      postgresReads(db),
      postgresAccess(db, accessCache),
      postgresSightings(db),
      postgresReports(db),
      postgresInvestigations(db),
      postgresWarninglists(db),
      postgresEnrichment(db),
      postgresOperations(db),
      postgresMail(db),
      postgresCoordination(db),
      postgresSync(db),
    );
  }

  /** Connects to the database at `url` and brings its schema up to date. */
  static async open(url: string, options: { poolSize?: number } = {}): Promise<PostgresStore> {
    const db = Db.connect(url, options.poolSize);
    try {
      await migrate(db);
    } catch (error) {
      await db.close().catch(() => {});
      if (error instanceof StoreError) throw error;
      throw new StoreError('TIX_STORE_FAILED', `cannot open the PostgreSQL store at ${redact(url)}: ${(error as Error).message}`, { cause: error });
    }
    return new PostgresStore(redact(url), db, new AccessCache(url));
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.accessCache.close();
    await this.db.close();
  }
}

/** A connection URL without its password, fit for messages and logs. */
export function redact(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@/]*@/i, '$1:***@');
}
