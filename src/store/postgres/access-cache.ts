import pg from 'pg';
import { ACCESS_CHANNEL } from './schema/access.ts';

/** How long a lost listener waits before it connects again. */
const RECONNECT_MS = 1_000;
/** The longest anything is held, notice or not: a listener whose server vanished without a word is not noticed at once. */
const MAX_AGE_MS = 30_000;

/**
 * The access lists every request compiles its clearance from (organisations,
 * agreements, distributions), held in the process between changes, as the
 * SQLite store holds them between changes of its file.
 *
 * A change made by any process on the database reaches every process through
 * LISTEN/NOTIFY (a statement trigger on each of those tables); a change made
 * by this process is forgotten at once, before its call returns. Nothing is
 * held while the listener is not connected: every read then goes to the
 * database. A read that overlaps a change (begun before, ended after) is
 * not kept, and nothing is held longer than MAX_AGE_MS in any case.
 *
 * tix only ever adds rows to these tables (agreements end by their end date,
 * not by an update), so in the moment between another node's commit and its
 * notice arriving here, a reader can only miss an access it was just given,
 * never keep one that was taken away. Keys, which are revoked, are not held:
 * each request reads its key.
 */
export class AccessCache {
  private generation = 0;
  private listening = false;
  private starting = false;
  private closed = false;
  private listener: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly held = new Map<string, { value: unknown; at: number }>();

  constructor(
    private readonly url: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The value under `key`, from memory while nothing has changed since it was read, else from `load`. */
  async read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const held = this.listening ? this.held.get(key) : undefined;
    if (held && this.clock() - held.at < MAX_AGE_MS) return held.value as T;
    this.listen();
    const generation = this.generation;
    const at = this.clock();
    const value = await load();
    if (this.listening && generation === this.generation) this.held.set(key, { value, at });
    return value;
  }

  /** Forgets everything held: called on each notice, and by this process's own writes once committed. */
  changed(): void {
    this.generation++;
    this.held.clear();
  }

  /** Whether reads are served from memory now (the listener is connected). */
  get active(): boolean {
    return this.listening;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.stopped();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => {});
  }

  /** Connects the listener in the background, once; reads go to the database until it listens. */
  private listen(): void {
    if (this.listening || this.starting || this.closed) return;
    this.starting = true;
    // keep-alive: a server that vanished is noticed by the socket, not only by the next notice that never comes
    const client = new pg.Client({ connectionString: this.url, application_name: 'tix-listen', keepAlive: true });
    const lost = (): void => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.stopped();
      client.end().catch(() => {});
      if (!this.closed) {
        this.retry = setTimeout(() => this.listen(), RECONNECT_MS);
        this.retry.unref();
      }
    };
    client.on('notification', () => this.changed());
    client.on('error', lost);
    client.on('end', lost);
    this.listener = client;
    void (async () => {
      try {
        await client.connect();
        await client.query(`LISTEN ${ACCESS_CHANNEL}`);
        if (this.listener !== client || this.closed) return;
        // what changed before LISTEN took effect was never noticed: start from nothing held
        this.changed();
        this.listening = true;
      } catch {
        lost();
      } finally {
        this.starting = false;
      }
    })();
  }

  private stopped(): void {
    this.listening = false;
    this.changed();
  }
}
