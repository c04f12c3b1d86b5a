// PostgreSQL against SQLite on the same input: `tix ingest` (the CLI over dist/, one process each) of a
// generated ThreatFox-style CSV (every row with its metadata and its line kept), then of a generated plain
// list (values alone), each into a fresh store of each backend, then the same file again into the store
// it filled (every row then merges into a value already held). PostgreSQL needs TIX_BENCH_PG, the
// URL of a server where a database may be created (tix_bench_ingest_<pid>, dropped at the end). Rows:
// TIX_BENCH_PG_ROWS (default 1,000,000). Prints indicators/s and the tix process's peak RSS (the
// PostgreSQL server's own memory is not counted); asserts nothing. Target: >= 100,000 indicators/s.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus } from './lib/generate.js';
import { describeLoad, loadCell, startMeter } from './lib/machine.js';
import { withClient } from './lib/pg.js';
import { runMeasured } from './lib/proc.js';
import { bar, fmt, out, progress, table } from './lib/report.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const TIX = join(ROOT, 'bin/tix.js');
const ROWS = Number(process.env.TIX_BENCH_PG_ROWS ?? 1_000_000);
const TARGET_RATE = 100_000;

if (!process.env.TIX_BENCH_PG) {
  console.error('TIX_BENCH_PG is not set: give the URL of a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres');
  process.exit(2);
}
/** A new database on the server; its URL and a function that drops it. */
async function freshDatabase(server) {
  const name = `tix_bench_ingest_${process.pid}`;
  await withClient(server, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(server);
  url.pathname = `/${name}`;
  const drop = () => withClient(server, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name}`));
  return { url: url.toString(), drop };
}

/**
 * A checkpoint before each PostgreSQL run, so that none starts with the writes of the one before still
 * owed to disk (SQLite's runs start from files of their own). Needs a superuser; skipped, and said, if not.
 */
function checkpoint(server) {
  return withClient(server, (admin) => admin.query('CHECKPOINT').catch((error) => out(`  (no CHECKPOINT before the run: ${error.message})`)));
}

/** The server settings a bulk load depends on, as one line. */
function serverSettings(server) {
  const names = ['server_version', 'shared_buffers', 'max_wal_size', 'wal_level', 'synchronous_commit', 'fsync', 'max_parallel_maintenance_workers'];
  return withClient(server, async (client) => {
    const shown = [];
    for (const name of names) shown.push(`${name} ${(await client.query(`SHOW ${name}`)).rows[0][name]}`);
    return shown.join(', ');
  });
}

/** One `tix ingest` of `file`, measured from outside. */
async function ingest(label, storeArgs, file, bytes) {
  const started = Date.now();
  const meter = startMeter();
  const run = await runMeasured(process.execPath, [TIX, ...storeArgs, 'ingest', file, '--json', '-q'], {
    watch: file,
    onPoll: ({ position, rssKb }) => {
      const done = position !== undefined ? bar(position / bytes) : 'committing';
      progress.update(`  ${label}: ${done} ${((Date.now() - started) / 1000).toFixed(0)} s, RSS ${fmt.mb(rssKb)}`);
    },
  });
  progress.clear();
  if (run.code !== 0 && run.code !== 1) throw new Error(`${label}: tix ingest failed with exit code ${run.code}:\n${run.stderr.slice(-2000)}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '').results[0];
  const rate = result.accepted / (run.wallMs / 1000);
  const load = meter.stop();
  out(`  ${label.padEnd(28)} ${fmt.int(rate).padStart(9)} indicators/s   wall ${fmt.s(run.wallMs)}   peak RSS ${fmt.mb(run.maxRssKb)}   ` +
    `new ${fmt.int(result.new)}, updated ${fmt.int(result.updated)}, unchanged ${fmt.int(result.unchanged)}; ${describeLoad(load)}`);
  return { label, rate, wallMs: run.wallMs, maxRssKb: run.maxRssKb, result, load };
}

/** The four runs on one input: each backend's fresh store, then the same file again into it. */
async function compare(kind, label, title) {
  const corpus = await ensureCorpus(join(BENCH, '.data'), kind, ROWS, (i, n) => progress.update(`  generating: ${bar(i / n)}`));
  progress.clear();
  const file = corpus.paths.data;
  const bytes = statSync(file).size;
  out(`== tix ingest of ${title}, ${fmt.int(ROWS)} rows (${fmt.bytes(bytes)}): SQLite and PostgreSQL ==`);
  const runs = [];
  const sqliteDir = mkdtempSync(join(tmpdir(), 'tix-bench-pg-'));
  const database = await freshDatabase(process.env.TIX_BENCH_PG);
  try {
    const sqlite = ['--data', sqliteDir];
    const postgres = ['--data', join(sqliteDir, 'pg-side'), '--db', database.url];
    runs.push(['SQLite', 'fresh store', await ingest('SQLite, fresh store', sqlite, file, bytes)]);
    await checkpoint(process.env.TIX_BENCH_PG);
    runs.push(['PostgreSQL', 'fresh store', await ingest('PostgreSQL, fresh store', postgres, file, bytes)]);
    runs.push(['SQLite', 're-import', await ingest('SQLite, re-import', sqlite, file, bytes)]);
    await checkpoint(process.env.TIX_BENCH_PG);
    runs.push(['PostgreSQL', 're-import', await ingest('PostgreSQL, re-import', postgres, file, bytes)]);
  } finally {
    rmSync(sqliteDir, { recursive: true, force: true });
    await database.drop();
  }
  return runs.map(([backend, kind, run], i) => [i === 0 ? label : '', backend, kind, run]);
}

out(`PostgreSQL server: ${await serverSettings(process.env.TIX_BENCH_PG)}`);
const rows = [
  // every row with its metadata (malware, threat type, tags, reference, confidence) and its line kept as read
  ...(await compare('threatfox', 'ThreatFox CSV', 'a ThreatFox-style CSV, every row with its metadata and line')),
  // values alone, as most blocklists are
  ...(await compare('list', 'plain list', 'a plain list, values alone')),
];
out();
out(
  table(
    ['input', 'backend', 'import', 'indicators/s', 'wall', 'peak RSS (tix)', 'load/others', 'target'],
    rows.map(([input, backend, kind, run]) => [input, backend, kind, fmt.int(run.rate), fmt.s(run.wallMs), fmt.mb(run.maxRssKb), loadCell(run.load), `>=${fmt.int(TARGET_RATE)}/s ${run.rate >= TARGET_RATE ? 'met' : 'MISSED'}`]),
  ),
);
