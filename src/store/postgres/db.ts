import { createHash } from 'node:crypto';
import pg from 'pg';
import { StoreError } from '../../errors.ts';

// counts, ids and epoch-millisecond times are int8: read them as numbers (all stay below 2^53)
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (text) => Number(text));

/**
 * `?` placeholders (the SQLite style every SQL builder of tix emits) as
 * PostgreSQL's `$1, $2, …`, outside quoted strings and identifiers. Cached:
 * the same few hundred statements are seen again and again.
 */
const numbered = new Map<string, { text: string; name: string }>();
export function toPostgres(sql: string): { text: string; name: string } {
  let found = numbered.get(sql);
  if (found) return found;
  let text = '';
  let n = 0;
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      text += c;
    } else if (c === '-' && sql[i + 1] === '-') {
      // a comment, to the end of its line (it may hold an apostrophe or a question mark)
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "'" || c === '"') {
      quote = c;
      text += c;
    } else if (c === '?') {
      text += `$${++n}`;
    } else {
      text += c;
    }
  }
  found = { text, name: `t${createHash('sha1').update(text).digest('base64url').slice(0, 20)}` };
  if (numbered.size > 5_000) numbered.clear();
  numbered.set(sql, found);
  return found;
}

/**
 * PostgreSQL text cannot hold NUL, and a parameter with one fails the whole
 * statement. No stored text has one, so a NUL becomes U+FFFF, a
 * noncharacter no input carries: a lookup of such a value finds nothing, as
 * on SQLite, instead of failing.
 */
function withoutNul(value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFF') : value;
}

/** Something SQL can be sent to: the pool, or one client inside a transaction. */
export interface Sql {
  /** All rows, as objects keyed by column name. */
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** All rows, as arrays of the columns in the order selected: for the hottest reads, where naming each column of each row costs. */
  tuples<T extends unknown[]>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** The first row, if any. */
  get<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a statement; the number of rows it touched. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Several statements without parameters (a migration). */
  exec(sql: string): Promise<void>;
}

type Queryable = pg.Pool | pg.PoolClient;

class Statements implements Sql {
  constructor(protected readonly target: Queryable) {}

  private async query(sql: string, params: readonly unknown[] = [], rowMode?: 'array'): Promise<pg.QueryResult> {
    const { text, name } = toPostgres(sql);
    try {
      // named: each connection parses and plans a statement once
      return await this.target.query({ name, text, values: params.map(withoutNul), ...(rowMode && { rowMode }) });
    } catch (error) {
      throw asStoreError(error, text);
    }
  }

  async all<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async tuples<T extends unknown[]>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return (await this.query(sql, params, 'array')).rows as T[];
  }

  async get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async run(sql: string, params?: readonly unknown[]): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.target.query(sql);
    } catch (error) {
      throw asStoreError(error, sql);
    }
  }
}

/** One client, checked out of the pool for a transaction or a COPY. */
export class Session extends Statements {
  constructor(readonly client: pg.PoolClient) {
    super(client);
  }
}

/** The pool of a PostgreSQL store, with transactions that retry on serialization failures. */
export class Db extends Statements {
  constructor(readonly pool: pg.Pool) {
    super(pool);
  }

  static connect(url: string, max = 10): Db {
    // no JIT: tix's statements are short, and compiling one costs more than running it (500 ms against 1 ms for a TAXII page)
    const pool = new pg.Pool({ connectionString: url, max, application_name: 'tix', options: '-c jit=off' });
    // an idle client that loses its server must not crash the process
    pool.on('error', () => {});
    return new Db(pool);
  }

  /** Runs `work` inside one transaction on one client; rolled back if it throws. */
  async transaction<T>(work: (sql: Session) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const result = await work(new Session(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    } finally {
      client.release();
    }
  }

  /** A client of its own for longer work (an import); release it when done. */
  async session(): Promise<{ sql: Session; release: (error?: Error) => void }> {
    const client = await this.pool.connect();
    return { sql: new Session(client), release: (error) => client.release(error) };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** PostgreSQL's errors as the store's: the code names the class, the message the statement's first words. */
function asStoreError(error: unknown, sql: string): Error {
  if (error instanceof StoreError) return error;
  const e = error as Error & { code?: string };
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    const wrapped = new StoreError('TIX_STORE_FAILED', `PostgreSQL: ${e.message} (${e.code}) in: ${sql.replace(/\s+/g, ' ').trim().slice(0, 120)}`, { cause: error });
    (wrapped as Error & { pgCode?: string }).pgCode = e.code;
    return wrapped;
  }
  return e;
}

/** The PostgreSQL error code (SQLSTATE) of a store error, if it came from the server. */
export function pgCode(error: unknown): string | undefined {
  const own = (error as { pgCode?: string } | undefined)?.pgCode;
  if (own) return own;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
