import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Observation } from '../../model/index.ts';
import { DIRECT_WRITE_MIN_BYTES } from './import-fresh.ts';
import { SqliteStore } from './store.ts';

const directories: string[] = [];
after(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function directory(): string {
  const made = mkdtempSync(join(tmpdir(), 'tix-first-load-'));
  directories.push(made);
  return made;
}

const meta = (sizeHint: number) => ({ source: 'feed', origin: 'feed.txt', format: 'plain-list', startedAt: 1, tlp: 'clear' as const, sizeHint });
/** Values long enough that a few thousand of them spill out of the page cache into the file before commit. */
function observations(count: number, from = 0): Observation[] {
  return Array.from({ length: count }, (_, i) => {
    const value = `http://host-${from + i}.example.org/${'p'.repeat(200)}`;
    return { type: 'url' as const, value, firstSeen: 1, lastSeen: 1, tags: [], raw: `${value} # ${'r'.repeat(300)}`, line: from + i + 1 };
  });
}

function journalMode(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('journal_mode', { simple: true }) as string;
  } finally {
    db.close();
  }
}

/** A large first load under way: 5,000 values added, not yet committed. */
async function loading(store: SqliteStore) {
  const session = await store.beginImport(meta(DIRECT_WRITE_MIN_BYTES));
  await session.add(observations(5000));
  return session;
}

const size = (file: string): number => (existsSync(file) ? statSync(file).size : 0);

describe('sqlite: the first load of a large input', () => {
  it('is written into the file, not through the WAL, and leaves the store in WAL mode once committed', async () => {
    const dir = directory();
    const file = join(dir, 'tix.db');
    const store = SqliteStore.open(dir);
    const session = await store.beginImport(meta(DIRECT_WRITE_MIN_BYTES));
    for (let k = 0; k < 4; k++) await session.add(observations(5000, k * 5000));
    assert.ok(existsSync(`${file}-journal`), 'a rollback journal while the load runs');
    assert.equal(size(`${file}-wal`), 0, 'nothing written to the WAL');
    await session.commit({ read: 20000, accepted: 20000, rejected: 0 });
    assert.equal(journalMode(file), 'wal');
    assert.equal((await store.stats()).indicators, 20000);
    // the next import, into a store that holds values, goes through the WAL
    const next = await store.beginImport(meta(DIRECT_WRITE_MIN_BYTES));
    await next.add(observations(100, 20000));
    await next.commit({ read: 100, accepted: 100, rejected: 0 });
    assert.ok(size(`${file}-wal`) > 0);
    assert.equal((await store.stats()).indicators, 20100);
    await store.close();
  });

  it('holds the store until it commits: another process that opens it meanwhile is told why it cannot', async () => {
    const dir = directory();
    const store = SqliteStore.open(dir);
    const session = await loading(store);
    assert.throws(() => SqliteStore.open(dir), /database is locked \(another tix process is writing it, as a first load of a large feed does until it commits/);
    await session.commit({ read: 5000, accepted: 5000, rejected: 0 });
    const other = SqliteStore.open(dir);
    assert.equal((await other.stats()).indicators, 5000);
    await other.close();
    await store.close();
  });

  it('rolled back, leaves the empty store in WAL mode', async () => {
    const dir = directory();
    const store = SqliteStore.open(dir);
    const session = await loading(store);
    await session.rollback();
    assert.equal(journalMode(join(dir, 'tix.db')), 'wal');
    assert.equal((await store.stats()).indicators, 0);
    await store.close();
  });

  it('a small input, or a store another connection has open, goes through the WAL, and that reader sees the store as it was until commit', async () => {
    const dir = directory();
    const file = join(dir, 'tix.db');
    const store = SqliteStore.open(dir);
    const small = await store.beginImport(meta(DIRECT_WRITE_MIN_BYTES - 1));
    await small.add(observations(2000));
    assert.ok(size(`${file}-wal`) > 0);
    await small.rollback();
    const reader = new Database(file, { readonly: true });
    const count = reader.prepare('SELECT count(*) AS n FROM indicators');
    const session = await loading(store);
    assert.ok(size(`${file}-wal`) > 0);
    assert.equal((count.get() as { n: number }).n, 0);
    await session.commit({ read: 5000, accepted: 5000, rejected: 0 });
    assert.equal((count.get() as { n: number }).n, 5000);
    reader.close();
    assert.equal(journalMode(file), 'wal');
    await store.close();
  });

  it('stopped by a crash halfway, leaves the empty store: the journal is rolled back when the store is next opened', async () => {
    const dir = directory();
    SqliteStore.open(dir).close();
    const child = `
      const { SqliteStore } = await import(${JSON.stringify(new URL('./store.ts', import.meta.url).href)});
      const store = SqliteStore.open(${JSON.stringify(dir)});
      const session = await store.beginImport(${JSON.stringify(meta(DIRECT_WRITE_MIN_BYTES))});
      for (let k = 0; k < 4; k++) {
        await session.add(Array.from({ length: 5000 }, (_, i) => {
          const value = 'http://host-' + (k * 5000 + i) + '.example.org/' + 'p'.repeat(200);
          return { type: 'url', value, firstSeen: 1, lastSeen: 1, tags: [], raw: value + ' # ' + 'r'.repeat(300), line: k * 5000 + i + 1 };
        }));
      }
      process.kill(process.pid, 'SIGKILL');
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { encoding: 'utf8' });
    assert.equal(run.signal, 'SIGKILL', run.stderr);
    const file = join(dir, 'tix.db');
    assert.ok(existsSync(`${file}-journal`), 'the crash left a hot journal');
    const store = SqliteStore.open(dir);
    assert.equal((await store.stats()).indicators, 0);
    assert.equal(journalMode(file), 'wal');
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
    await store.close();
  });
});
