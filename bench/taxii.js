// TAXII 2.1 `GET objects` throughput on loopback over a collection of about 1M objects (dist/; run
// `npm run build` first). The store is filled once from a generated STIX bundle (bench/lib/bundle.js;
// TIX_BENCH_TAXII_MB, default 330: about 820,000 objects with bundle v2, 1M with v1) and kept in
// bench/.data/taxii-store-<MB>mb, which is reused whatever bundle version it was built from.
// Side by side in one run: a bare fastify route, and TAXII pages of 100 at random positions for the
// owner of the data and for an organisation cleared through an agreement. The load generator is a
// separate process (bench/lib/load.js). Targets: >= 2,000 requests/s, p99 < 50 ms; clearance costs
// under 20%. Prints figures; asserts nothing.
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
const MB = Number(process.env.TIX_BENCH_TAXII_MB ?? 330);
const SECONDS = Number(process.env.TIX_BENCH_TAXII_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.TIX_BENCH_TAXII_CONNECTIONS ?? 20);
const TAXII = 'application/taxii+json;version=2.1';
const STORE = join(DATA, `taxii-store-${MB}mb`);

const { SqliteStore } = await import(join(ROOT, 'dist/store/sqlite/store.js'));
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
if (!existsSync(join(STORE, 'tix.db'))) {
  out(`building the store from a ${MB} MB STIX bundle in ${STORE} …`);
  const bundle = await ensureBundle(DATA, MB);
  await run(process.execPath, [join(ROOT, 'bin/tix.js'), '--data', STORE, 'ingest', '-q', '--source', 'vendor-feed', bundle]);
}

const store = await SqliteStore.open(STORE);
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
const app = await buildServer({ store, rateLimit: 10_000_000 });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const bare = Fastify({ logger: false });
bare.get('/bare', async () => ({ more: true, next: 'token', objects: [] }));
const bareBase = await bare.listen({ port: 0, host: '127.0.0.1' });

// pages at random positions: a next token names the last object of a page (its id and version) and is
// MAC'd over the query, so the bench issues tokens for random objects with the server's key
const { default: Database } = await import(join(ROOT, 'node_modules/better-sqlite3/lib/index.js'));
const peek = new Database(join(STORE, 'tix.db'), { readonly: true });
const maxSeq = peek.prepare('SELECT max(seq) AS n FROM stix_objects').get().n;
const at = peek.prepare('SELECT id, modified, added_at FROM stix_objects WHERE seq >= ? ORDER BY seq LIMIT 1');
const fingerprint = queryFingerprint(`${EVERYTHING_ID}/objects/`, parseFilters({ limit: '100' }, FILTERS.objects, 1000));
const urls = Array.from({ length: 5000 }, (_, i) => {
  const row = at.get(Math.floor((((i * 7919) % 5000) / 5000) * maxSeq));
  const cursor = Buffer.from(`${row.id}|${row.modified}`).toString('base64url');
  const token = issueToken(TOKEN_KEY, { addedAt: row.added_at, cursor }, fingerprint);
  return `${base}/taxii2/api/collections/${EVERYTHING_ID}/objects/?limit=100&next=${encodeURIComponent(token)}`;
});
peek.close();
const urlFile = join(DATA, 'taxii-urls.txt');
writeFileSync(urlFile, urls.join('\n'));
const bareFile = join(DATA, 'bare-urls.txt');
writeFileSync(bareFile, `${bareBase}/bare\n`);

const load = async (file, authorization = '', accept = '') =>
  JSON.parse(await run(process.execPath, [join(BENCH, 'lib', 'load.js'), file, String(SECONDS), String(CONNECTIONS), authorization, accept]));

out(`store: ${STORE}, ${fmt.int(maxSeq)} STIX objects, ${fmt.int(total)} indicators; ${CONNECTIONS} connections, ${SECONDS} s each`);
const rows = [];
const measure = async (name, file, auth) => {
  const result = await load(file, auth, TAXII);
  rows.push([name, fmt.int(result.rps), fmt.ms(result.p50), fmt.ms(result.p99), fmt.int(result.errors)]);
};
await measure('bare fastify route', bareFile, '');
await measure('TAXII objects ?limit=100, owner', urlFile, vendorKey);
await measure('TAXII objects ?limit=100, cleared by agreement', urlFile, policeKey);
await app.close();
await bare.close();
await store.close();

// the same pages from `tix serve --workers N` (default: one per core), the way an operator runs it
const WORKERS = Number(process.env.TIX_BENCH_TAXII_WORKERS ?? cpus().length);
if (WORKERS > 1) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [join(ROOT, 'bin/tix.js'), '--data', STORE, 'serve', '--port', String(port), '--workers', String(WORKERS), '--rate-limit', '100000000'], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  const served = join(DATA, 'taxii-urls-served.txt');
  writeFileSync(served, urls.map((url) => url.replace(base, `http://127.0.0.1:${port}`)).join('\n'));
  await measure(`TAXII objects ?limit=100, owner, tix serve --workers ${WORKERS}`, served, vendorKey);
  await measure(`TAXII objects ?limit=100, cleared, tix serve --workers ${WORKERS}`, served, policeKey);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}
out(table(['route', 'requests/s', 'p50', 'p99', 'errors'], rows));
out('targets: TAXII >= 2,000 requests/s with p99 < 50 ms; clearance within 20% of the owner');
