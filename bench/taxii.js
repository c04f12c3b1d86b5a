// TAXII 2.1 `GET objects` throughput on loopback over a collection of about 1M objects (dist/; run
// `npm run build` first). The store is filled once from a generated STIX bundle (bench/lib/bundle.js;
// TIX_BENCH_TAXII_MB, default 410: about 1,020,000 objects with bundle v2) and kept in
// bench/.data/taxii-store-<MB>mb, which is reused whatever bundle version it was built from.
// Side by side in one run: a bare fastify route, and TAXII pages of 100 at random positions for the
// owner of the data and for an organisation cleared through an agreement. The load generator is a
// separate process (bench/lib/load.js). Targets: >= 2,000 requests/s, p99 < 50 ms; clearance costs
// under 20%. With TIX_BENCH_PG (a PostgreSQL server URL), the same store is also built in a database
// there (tix_bench_taxii_<MB>mb, kept between runs) and the same pages are measured on it, side by
// side: the PostgreSQL store's target is within 30% of the SQLite one. Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { ensureBundle } from './lib/bundle.js';
import { fmt, out, table } from './lib/report.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const DATA = join(BENCH, '.data');
const MB = Number(process.env.TIX_BENCH_TAXII_MB ?? 410);
const SECONDS = Number(process.env.TIX_BENCH_TAXII_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.TIX_BENCH_TAXII_CONNECTIONS ?? 20);
const TAXII = 'application/taxii+json;version=2.1';
const STORE = join(DATA, `taxii-store-${MB}mb`);

const { openStore } = await import(join(ROOT, 'dist/store/open.js'));
const { buildServer } = await import(join(ROOT, 'dist/api/server.js'));
const { generateApiKey } = await import(join(ROOT, 'dist/auth/index.js'));
const { EVERYTHING_ID } = await import(join(ROOT, 'dist/taxii/collections.js'));
const { FILTERS, parseFilters, queryFingerprint } = await import(join(ROOT, 'dist/taxii/filters.js'));
const { issueToken } = await import(join(ROOT, 'dist/taxii/next-token.js'));

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

mkdirSync(DATA, { recursive: true });
const rows = [];
const load = async (file, authorization = '', accept = '') =>
  JSON.parse(await run(process.execPath, [join(BENCH, 'lib', 'load.js'), file, String(SECONDS), String(CONNECTIONS), authorization, accept]));
const rates = new Map();
const measure = async (name, file, auth) => {
  const result = await load(file, auth, TAXII);
  rates.set(name, result.rps);
  rows.push([name, fmt.int(result.rps), fmt.ms(result.p50), fmt.ms(result.p99), fmt.int(result.errors)]);
};

const bare = Fastify({ logger: false });
bare.get('/bare', async () => ({ more: true, next: 'token', objects: [] }));
const bareBase = await bare.listen({ port: 0, host: '127.0.0.1' });
const bareFile = join(DATA, 'bare-urls.txt');
writeFileSync(bareFile, `${bareBase}/bare\n`);
await measure('bare fastify route', bareFile, '');
await bare.close();

if (!existsSync(join(STORE, 'tix.db'))) {
  out(`building the store from a ${MB} MB STIX bundle in ${STORE} …`);
  const bundle = await ensureBundle(DATA, MB);
  await run(process.execPath, [join(ROOT, 'bin/tix.js'), '--data', STORE, 'ingest', '-q', '--source', 'vendor-feed', bundle]);
}
const { default: Database } = await import(join(ROOT, 'node_modules/better-sqlite3/lib/index.js'));
await benchStore('sqlite', STORE, async () => {
  const peek = new Database(join(STORE, 'tix.db'), { readonly: true });
  const maxSeq = peek.prepare('SELECT max(seq) AS n FROM stix_objects').get().n;
  const at = peek.prepare('SELECT id, modified, added_at FROM stix_objects WHERE seq >= ? ORDER BY seq LIMIT 1');
  return { maxSeq, at: async (seq) => at.get(seq), close: async () => peek.close() };
});

if (process.env.TIX_BENCH_PG) {
  const { default: pg } = await import(join(ROOT, 'node_modules/pg/lib/index.js'));
  const server = new URL(process.env.TIX_BENCH_PG);
  const name = `tix_bench_taxii_${MB}mb`;
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount > 0;
  if (!exists) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  if (!exists) {
    out(`building the same store in PostgreSQL (${name}) …`);
    const bundle = await ensureBundle(DATA, MB);
    await run(process.execPath, [join(ROOT, 'bin/tix.js'), '--data', join(DATA, 'pg-side'), '--db', url.toString(), 'ingest', '-q', '--source', 'vendor-feed', bundle]);
  }
  await benchStore('postgres', url.toString(), async () => {
    const peek = new pg.Client({ connectionString: url.toString() });
    await peek.connect();
    const maxSeq = Number((await peek.query('SELECT max(seq) AS n FROM stix_objects')).rows[0].n);
    const at = async (seq) => {
      const row = (await peek.query('SELECT id, modified, added_at FROM stix_objects WHERE seq >= $1 ORDER BY seq LIMIT 1', [seq])).rows[0];
      return { ...row, added_at: Number(row.added_at) };
    };
    return { maxSeq, at, close: () => peek.end() };
  });
}
out(table(['route', 'requests/s', 'p50', 'p99', 'errors'], rows));
// each PostgreSQL figure as a share of the SQLite one measured the same way in this run
for (const [name, rps] of rates) {
  const sqlite = name.startsWith('postgres: ') && rates.get(name.replace('postgres: ', 'sqlite: '));
  if (sqlite) out(`${name.replace('postgres: ', '')}: PostgreSQL at ${Math.round((100 * rps) / sqlite)}% of SQLite`);
}
out('targets: TAXII >= 2,000 requests/s with p99 < 50 ms; clearance within 20% of the owner; PostgreSQL within 30% of SQLite');

/** TAXII pages over one store: in this process, then from `tix serve --workers N`. */
async function benchStore(label, location, openPeek) {

  const store = await openStore(location);
  const now = Date.now();
  const org = async (name, kind) => (await store.findOrganisation(name)) ?? (await store.createOrganisation({ name, kind, createdAt: now }));
  const vendor = await org('Bench Vendor', 'vendor');
  const police = await org('Bench Police', 'national-police');
  let agreement = await store.findAgreement('bench-op');
  agreement ??= await store.createAgreement({ name: 'bench-op', members: [vendor.id, police.id], countries: [], purpose: 'bench', startsAt: now - 1000, maxTlp: 'amber', mayShareOnward: false }, now);
  const distribution = await store.distribution({ owner: vendor.id, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] });
  await store.setSourceDistribution('vendor-feed', distribution.id);
  const key = async (owner) => {
    const fresh = generateApiKey();
    await store.createApiKey({ prefix: fresh.prefix, hash: fresh.hash, org: owner.id, role: 'reader', createdAt: now });
    return `Bearer ${fresh.token}`;
  };
  const vendorKey = await key(vendor);
  const policeKey = await key(police);
  const total = (await store.stats()).indicators;

  // the key of next tokens is a secret of the store: every server of it (this one, and `tix serve --workers`) shares it
  const TOKEN_KEY = await store.instanceSecret('taxii-next-token');
  const app = await buildServer({ store, dataDir: label === 'postgres' ? join(DATA, 'pg-side') : location, rateLimit: 10_000_000 });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });

  // pages at random positions: a next token names the last object of a page (its id and version) and is
  // MAC'd over the query, so the bench issues tokens for random objects with the server's key
  const peek = await openPeek();
  const maxSeq = peek.maxSeq;
  const fingerprint = queryFingerprint(`${EVERYTHING_ID}/objects/`, parseFilters({ limit: '100' }, FILTERS.objects, 1000));
  const urls = [];
  for (let i = 0; i < 5000; i++) {
    const row = await peek.at(Math.floor((((i * 7919) % 5000) / 5000) * maxSeq));
    const cursor = Buffer.from(`${row.id}|${row.modified}`).toString('base64url');
    const token = issueToken(TOKEN_KEY, { addedAt: row.added_at, cursor }, fingerprint);
    urls.push(`${base}/taxii2/api/collections/${EVERYTHING_ID}/objects/?limit=100&next=${encodeURIComponent(token)}`);
  }
  await peek.close();
  const urlFile = join(DATA, `taxii-urls-${label}.txt`);
  writeFileSync(urlFile, urls.join('\n'));

  out(`${label} store: ${location.replace(/:[^:@/]*@/, ':***@')}, ${fmt.int(maxSeq)} STIX objects, ${fmt.int(total)} indicators; ${CONNECTIONS} connections, ${SECONDS} s each`);
  await measure(`${label}: TAXII objects ?limit=100, owner`, urlFile, vendorKey);
  await measure(`${label}: TAXII objects ?limit=100, cleared by agreement`, urlFile, policeKey);
  await app.close();
  await store.close();

  // the same pages from `tix serve --workers N` (default: one per core), the way an operator runs it
  const WORKERS = Number(process.env.TIX_BENCH_TAXII_WORKERS ?? cpus().length);
  if (WORKERS > 1) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const target = label === 'postgres' ? ['--data', join(DATA, 'pg-side'), '--db', location] : ['--data', location];
    const child = spawn(process.execPath, [join(ROOT, 'bin/tix.js'), ...target, 'serve', '--port', String(port), '--workers', String(WORKERS), '--rate-limit', '100000000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk) => {
        text += chunk;
        if (/TAXII/.test(text)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`tix serve exited ${code}`)));
    });
    // the processes listen one after the other: give the last a moment
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const served = join(DATA, `taxii-urls-served-${label}.txt`);
    writeFileSync(served, urls.map((url) => url.replace(base, `http://127.0.0.1:${port}`)).join('\n'));
    await measure(`${label}: TAXII objects ?limit=100, owner, tix serve --workers ${WORKERS}`, served, vendorKey);
    await measure(`${label}: TAXII objects ?limit=100, cleared, tix serve --workers ${WORKERS}`, served, policeKey);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
