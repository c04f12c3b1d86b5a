// The read path on PostgreSQL beside SQLite, over the same rows (dist/; run `npm run build` first):
// exact lookups (`get`, as `tix show` and GET /indicators/{type}/{value} make them) and TAXII-like
// object pages (`listObjects`, 1,000 objects a page, cleared through an agreement, resumed by cursor).
//
// TIX_BENCH_PG: a PostgreSQL server URL; a fresh database is created on it and dropped at the end
// (TIX_BENCH_PG_KEEP=1 keeps it). TIX_BENCH_SIZES: indicator counts, comma-separated (default 1000000;
// 10000000 for the 10M figure). TIX_BENCH_PG_OBJECTS: STIX objects (default 300000). TIX_BENCH_SQLITE=0 with
// TIX_BENCH_PG_LOAD=import measures PostgreSQL alone.
// TIX_BENCH_PG_LOAD: how PostgreSQL is filled: `copy` (default) streams the rows the SQLite import wrote
// into PostgreSQL with COPY, so both backends hold identical rows; `import` runs the PostgreSQL store's
// own import with the same batches; `generate` writes generated rows by COPY (see generateInto). Prints figures; asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { withClient } from './lib/pg.js';
import { SqliteStore } from '../dist/store/sqlite/store.js';
import { PostgresStore } from '../dist/store/postgres/store.js';
import { valueHash } from '../dist/normalise/index.js';
import { fmt, out, percentiles, progress, table } from './lib/report.js';
import { createRng } from './lib/prng.js';

const SERVER = process.env.TIX_BENCH_PG;
if (!SERVER) {
  console.error('set TIX_BENCH_PG to a PostgreSQL server URL (a fresh database is created on it)');
  process.exit(2);
}
const SIZES = (process.env.TIX_BENCH_SIZES ?? '1000000').split(',').map(Number);
const OBJECTS = Number(process.env.TIX_BENCH_PG_OBJECTS ?? 300_000);
const LOAD = process.env.TIX_BENCH_PG_LOAD ?? 'copy';
// TIX_BENCH_SQLITE=0: PostgreSQL alone (loaded by `import` or `generate`), for sizes where the SQLite load is what takes time
const WITH_SQLITE = process.env.TIX_BENCH_SQLITE !== '0' || LOAD === 'copy';
const LOOKUPS = 10_000;
const PAGE = 1000;
const T0 = Date.UTC(2025, 0, 1);
const NOW = T0 + 30 * 86_400_000;
const TABLES = ['organisations', 'agreements', 'agreement_members', 'distributions', 'sources', 'imports', 'indicators', 'cidr_prefixes', 'observations', 'stix_objects'];

/** Value number i, the same on every run: a mix of the types feeds carry most. */
function valueOf(i) {
  switch (i % 4) {
    case 0:
      return { type: 'ipv4', value: `${10 + ((i >>> 24) & 127)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}` };
    case 1:
      return { type: 'domain', value: `d${i.toString(36)}.example${i % 50}.com` };
    case 2:
      return { type: 'url', value: `http://h${i.toString(36)}.example.net/p/${i % 997}` };
    default:
      return { type: 'sha256', value: i.toString(16).padStart(64, '0') };
  }
}

function observation(i) {
  return { ...valueOf(i), firstSeen: T0 + (i % 20) * 3_600_000, lastSeen: T0 + (i % 30) * 3_600_000, tags: i % 5 ? [] : ['botnet'], raw: valueOf(i).value, line: i + 1, tlp: i % 3 ? 'green' : 'amber', ...(i % 7 ? {} : { malware: 'Emotet', threatType: 'botnet_cc' }) };
}

function stixObject(i) {
  const id = `indicator--${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
  const stamp = new Date(T0 + i * 1000).toISOString();
  const value = valueOf(i);
  return {
    object: { type: 'indicator', spec_version: '2.1', id, created: stamp, modified: stamp, name: value.value, pattern: `[${value.type === 'ipv4' ? 'ipv4-addr' : 'domain-name'}:value = '${value.value}']`, pattern_type: 'stix', valid_from: stamp, indicator_types: ['malicious-activity'] },
    line: i + 1,
    tlp: i % 3 ? 'green' : 'amber',
  };
}

/** N values and the objects through a store's own import, in batches. */
async function importInto(store, size) {
  const session = await store.beginImport({ source: 'bench-feed', origin: 'bench.txt', format: 'plain-list', startedAt: T0, tlp: 'green' });
  const BATCH = 10_000;
  for (let start = 0; start < size; start += BATCH) {
    await session.add(Array.from({ length: Math.min(BATCH, size - start) }, (_, k) => observation(start + k)));
    progress.update(`import ${store.location}: ${fmt.int(start)} / ${fmt.int(size)} values`);
  }
  for (let start = 0; start < OBJECTS; start += BATCH) {
    await session.addObjects(Array.from({ length: Math.min(BATCH, OBJECTS - start) }, (_, k) => stixObject(start + k)));
    progress.update(`import ${store.location}: ${fmt.int(start)} / ${fmt.int(OBJECTS)} objects`);
  }
  await session.commit({ read: size, accepted: size, rejected: 0 });
}

/** A value as COPY's text format writes it. */
function copyText(value) {
  if (value === null || value === undefined) return '\\N';
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]);
}

/** Every table the reads touch, streamed from the SQLite file into PostgreSQL with COPY. */
async function copyInto(file, url) {
  const source = new Database(file, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    // the seed rows (the local organisation and its distribution) come again with the rest
    await client.query(`TRUNCATE ${TABLES.join(', ')} CASCADE`);
    // secondary indexes built once after the rows, rather than grown row by row
    const { rows: indexes } = await client.query(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
      [TABLES],
    );
    for (const index of indexes) await client.query(`DROP INDEX ${index.indexname}`);
    for (const table of TABLES) {
      const columns = source.prepare(`SELECT * FROM ${table} LIMIT 0`).columns().map((column) => column.name);
      const rows = source.prepare(`SELECT ${columns.join(', ')} FROM ${table}`).raw(true).iterate();
      async function* lines() {
        let chunk = '';
        let n = 0;
        for (const row of rows) {
          chunk += `${row.map(copyText).join('\t')}\n`;
          if (chunk.length > 1 << 20) {
            yield chunk;
            chunk = '';
          }
          if ((++n & 65535) === 0) progress.update(`copy ${table}: ${fmt.int(n)} rows`);
        }
        if (chunk) yield chunk;
      }
      await pipeline(Readable.from(lines()), client.query(copyStreams.from(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
    }
    for (const index of indexes) {
      progress.update(`index ${index.indexname}`);
      await client.query(index.indexdef);
    }
    // identity columns continue after the copied ids
    for (const [table, column] of [['organisations', 'id'], ['agreements', 'id'], ['distributions', 'id'], ['sources', 'id'], ['imports', 'id'], ['indicators', 'id'], ['stix_objects', 'seq']]) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), coalesce((SELECT max(${column}) FROM ${table}), 0) + 1, false)`);
    }
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } finally {
    await client.end();
    source.close();
  }
}

/**
 * `generate`: the rows of values, observations and objects written by COPY straight from here (value
 * hashes computed as the import computes them; no IP or host keys, which exact lookups do not read), one
 * source and one import record around them: the fastest way to 10M values for lookups and pages.
 */
async function generateInto(url, size) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO sources (id, name, created_at) VALUES (1, 'bench-feed', ${T0})`);
    await client.query(`INSERT INTO imports (id, source_id, origin, format, started_at, finished_at, status) VALUES (1, 1, 'bench.txt', 'plain-list', ${T0}, ${T0}, 'committed')`);
    const { rows: indexes } = await client.query(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('indicators', 'observations', 'stix_objects') AND indexname NOT IN (SELECT conname FROM pg_constraint)",
    );
    for (const index of indexes) await client.query(`DROP INDEX ${index.indexname}`);
    const copy = async (table, columns, count, line) => {
      async function* lines() {
        let chunk = '';
        for (let i = 0; i < count; i++) {
          chunk += line(i);
          if (chunk.length > 1 << 20) {
            yield chunk;
            chunk = '';
            progress.update(`generate ${table}: ${fmt.int(i)} / ${fmt.int(count)}`);
          }
        }
        if (chunk) yield chunk;
      }
      await pipeline(Readable.from(lines()), client.query(copyStreams.from(`COPY ${table} (${columns}) FROM STDIN`)));
    };
    await copy('indicators', 'id, hash, type, value, first_seen, last_seen, added_at', size, (i) => {
      const o = observation(i);
      return `${i + 1}\t${valueHash(o.type, o.value)}\t${o.type}\t${copyText(o.value)}\t${o.firstSeen}\t${o.lastSeen}\t${T0}\n`;
    });
    await copy('observations', 'indicator_id, source_id, first_seen, last_seen, threat_type, malware, tags, tlp, origin_import, origin_line, added_at, updated_at', size, (i) => {
      const o = observation(i);
      return `${i + 1}\t1\t${o.firstSeen}\t${o.lastSeen}\t${o.threatType ?? '\\N'}\t${o.malware ?? '\\N'}\t${o.tags.join(',')}\t${o.tlp}\t1\t${o.line}\t${T0}\t${T0}\n`;
    });
    await copy('stix_objects', 'seq, id, type, modified, spec_version, tlp, source_id, origin_import, origin_line, added_at, json', OBJECTS, (i) => {
      const { object, tlp } = stixObject(i);
      return `${i + 1}\t${object.id}\tindicator\t${object.modified.replace('Z', '000000Z')}\t2.1\t${tlp}\t1\t1\t${i + 1}\t${T0}\t${copyText(JSON.stringify(object))}\n`;
    });
    for (const index of indexes) {
      progress.update(`index ${index.indexname}`);
      await client.query(index.indexdef);
    }
    for (const [table, column] of [['sources', 'id'], ['imports', 'id'], ['indicators', 'id'], ['stix_objects', 'seq']]) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), coalesce((SELECT max(${column}) FROM ${table}), 0) + 1, false)`);
    }
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

function admin(sql) {
  return withClient(SERVER, (client) => client.query(sql));
}

async function timeGets(store, size, clearance) {
  const rng = createRng(size);
  const wanted = Array.from({ length: LOOKUPS }, () => valueOf(rng.int(size)));
  for (const { type, value } of wanted.slice(0, 500)) await store.get(type, value, NOW, clearance);
  const times = new Float64Array(LOOKUPS);
  let found = 0;
  for (let i = 0; i < LOOKUPS; i++) {
    const started = performance.now();
    if (await store.get(wanted[i].type, wanted[i].value, NOW, clearance)) found++;
    times[i] = performance.now() - started;
  }
  return { ...percentiles(times), found };
}

/** Pages of 1,000 objects as TAXII asks for them: cleared, whole additions, each resumed from the cursor of the one before. */
async function walkPages(store, clearance, seconds = 6) {
  let pages = 0;
  let bytes = 0;
  let after;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const page = await store.listObjects({ clearance, limit: PAGE, wholeAdditions: true, ...(after ? { after } : {}) });
    for (const item of page.items) bytes += item.json.length;
    pages++;
    after = page.next;
  }
  const elapsed = (performance.now() - started) / 1000;
  return { pagesPerSecond: pages / elapsed, bytes };
}

/** The same, by several readers at once from random places (PostgreSQL only: the SQLite store answers one call at a time). */
async function concurrentPages(store, clearance, cursors, readers, seconds = 6) {
  let pages = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: readers }, async (_, r) => {
      let i = r;
      while (performance.now() - started < seconds * 1000) {
        await store.listObjects({ clearance, limit: PAGE, wholeAdditions: true, after: cursors[i++ % cursors.length] });
        pages++;
      }
    }),
  );
  return pages / ((performance.now() - started) / 1000);
}

/** One backend's figures, or none when it is not measured. */
async function figures(store) {
  if (!store) return undefined;
  const gets = [];
  for (const clearance of [undefined, CLEARED]) gets.push(await timeGets(store, SIZE_NOW, clearance));
  return { gets, pages: (await walkPages(store, CLEARED)).pagesPerSecond };
}

// a reader of another organisation cleared for the source's AMBER, as through an agreement: the TAXII case that costs most
// (the source is shared under the local organisation's distribution, 1, on both backends)
const CLEARED = { clear: true, green: true, own: [], amber: [1], strict: [], red: [] };
let SIZE_NOW = 0;

for (const size of SIZES) {
  SIZE_NOW = size;
  const directory = mkdtempSync(join(tmpdir(), 'tix-bench-pg-'));
  const name = `tix_bench_reads_${process.pid}_${size}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  try {
    out(`${fmt.int(size)} indicators, ${fmt.int(OBJECTS)} STIX objects; PostgreSQL filled by ${{ import: 'its own import', generate: 'COPY of rows generated here' }[LOAD] ?? 'COPY of the rows the SQLite import wrote'}${WITH_SQLITE ? '' : '; SQLite not measured'}`);
    const sqlite = WITH_SQLITE ? SqliteStore.open(directory) : undefined;
    const postgres = await PostgresStore.open(url.toString());
    let started = performance.now();
    if (sqlite) await importInto(sqlite, size);
    const sqliteLoad = performance.now() - started;
    started = performance.now();
    if (LOAD === 'import') await importInto(postgres, size);
    else if (LOAD === 'generate') await generateInto(url.toString(), size);
    else await copyInto(join(directory, 'tix.db'), url.toString());
    const postgresLoad = performance.now() - started;
    out(`loaded: SQLite ${sqlite ? fmt.s(sqliteLoad) : '-'} (import), PostgreSQL ${fmt.s(postgresLoad)} (${LOAD})`);
    const a = await figures(sqlite);
    const b = await figures(postgres);
    out(
      table(
        ['exact lookup (10,000 random values)', 'SQLite p50', 'SQLite p99', 'PostgreSQL p50', 'PostgreSQL p99', 'found (PG)'],
        ['get, operator', 'get, cleared for AMBER'].map((label, i) => [label, fmt.ms(a?.gets[i].p50), fmt.ms(a?.gets[i].p99), fmt.ms(b.gets[i].p50), fmt.ms(b.gets[i].p99), `${fmt.int(b.gets[i].found)}/${fmt.int(LOOKUPS)}`]),
      ),
    );
    const cursors = [];
    for (let page = await postgres.listObjects({ clearance: CLEARED, limit: PAGE, wholeAdditions: true }); page.next; page = await postgres.listObjects({ clearance: CLEARED, limit: PAGE, wholeAdditions: true, after: page.next })) cursors.push(page.next);
    const concurrent = await concurrentPages(postgres, CLEARED, cursors.sort(() => Math.random() - 0.5), 8);
    const ratio = (n) => (a ? `${((n / a.pages) * 100).toFixed(0)}%` : '-');
    out(
      table(
        ['listObjects, 1,000-object pages, cleared', 'SQLite pages/s', 'PostgreSQL pages/s', 'PG / SQLite'],
        [
          ['one reader, page after page', fmt.int(a?.pages), fmt.int(b.pages), ratio(b.pages)],
          ['8 readers at random places (PG pool of 10)', fmt.int(a?.pages), fmt.int(concurrent), ratio(concurrent)],
        ],
      ),
    );
    await sqlite?.close();
    await postgres.close();
  } finally {
    rmSync(directory, { recursive: true, force: true });
    if (!process.env.TIX_BENCH_PG_KEEP) await admin(`DROP DATABASE IF EXISTS ${name}`);
  }
}
