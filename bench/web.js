// The web UI's HTTP calls over a store of about 1M indicators (dist/; `npm run bench:web` builds first):
// the overview (GET /api/v1/overview, the counts the overview page draws, plus the sightings and session
// calls it makes) and searches (GET /api/v1/indicators as the search page calls it: single values, IPs with
// CIDR containment, domains and below, CIDRs, pasted text of 20 values, filtered listings and their next
// pages), as p50/p95 on loopback, for the owner of the data and for an organisation cleared through an
// agreement; then the overview page in chromium (if /usr/bin/chromium exists). The store is built once from the generated 1M-value plain list (bench/lib/generate.js) plus a
// 100k ThreatFox CSV (threat types, malware), and kept in bench/.data/web-store-<size>.
// TIX_BENCH_WEB_SIZE overrides the list size. Targets: overview < 1 s, search p95 < 200 ms.
// Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus } from './lib/generate.js';
import { fmt, out, percentiles, table } from './lib/report.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const DATA = join(BENCH, '.data');
const SIZE = Number(process.env.TIX_BENCH_WEB_SIZE ?? 1_000_000);
const STORE = join(DATA, `web-store-${SIZE}`);
const ROUNDS = Number(process.env.TIX_BENCH_WEB_ROUNDS ?? 40);

const { SqliteStore } = await import(join(ROOT, 'dist/store/sqlite/store.js'));
const { buildServer } = await import(join(ROOT, 'dist/api/server.js'));
const { hashPassword } = await import(join(ROOT, 'dist/auth/index.js'));

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', reject);
    // 1: done, with the corpus's deliberately invalid lines rejected
    child.on('close', (code) => (code === 0 || code === 1 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

mkdirSync(DATA, { recursive: true });
const list = await ensureCorpus(DATA, 'list', SIZE);
const threatfox = await ensureCorpus(DATA, 'threatfox', Math.max(1000, Math.round(SIZE / 10)));
if (!existsSync(join(STORE, 'done'))) {
  out(`building the store in ${STORE} …`);
  rmSync(STORE, { recursive: true, force: true });
  const tix = join(ROOT, 'bin/tix.js');
  await run(process.execPath, [tix, '--data', STORE, 'ingest', '-q', '--source', 'bench-list', '--tlp', 'amber', list.paths.data]);
  await run(process.execPath, [tix, '--data', STORE, 'ingest', '-q', '--source', 'bench-threatfox', '--tlp', 'green', threatfox.paths.data]);
  writeFileSync(join(STORE, 'done'), '');
}

const store = await SqliteStore.open(STORE);
const now = Date.now();
const org = async (name, kind) => (await store.findOrganisation(name)) ?? (await store.createOrganisation({ name, kind, createdAt: now }));
const vendor = await org('Bench Vendor', 'vendor');
const police = await org('Bench Police', 'national-police');
let agreement = await store.findAgreement('bench-op');
agreement ??= await store.createAgreement({ name: 'bench-op', members: [vendor.id, police.id], countries: [], purpose: 'bench', startsAt: now - 1000, maxTlp: 'amber', mayShareOnward: false }, now);
const distribution = await store.distribution({ owner: vendor.id, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] });
await store.setSourceDistribution('bench-list', distribution.id);
await store.setSourceDistribution('bench-threatfox', (await store.distribution({ owner: vendor.id, agreements: [], recipientOrgs: [], recipientUsers: [] })).id);
for (const [name, owner] of [['bench-vendor', vendor], ['bench-police', police]]) {
  if (!(await store.findUser(name))) await store.createUser({ name, org: owner.id, role: 'analyst', passwordHash: await hashPassword(`${name}-pw`), createdAt: now });
}
const total = (await store.stats()).indicators;

const app = await buildServer({ store, rateLimit: 10_000_000 });
const base = await app.listen({ port: 0, host: '127.0.0.1' });

/** Signs in as the web UI does and returns the session cookie. */
async function signIn(user) {
  const response = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: `${user}-pw` }) });
  if (response.status !== 200) throw new Error(`sign-in as ${user}: ${response.status}`);
  return response.headers.get('set-cookie').split(';')[0];
}

async function timed(path, cookie) {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, { headers: { cookie } });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  return { ms: performance.now() - started, body };
}

const samples = list.manifest.samples;
const pick = (items, i) => items[(i * 7919) % items.length];
const pasted = (i) =>
  Array.from({ length: 20 }, (_, k) => pick(samples.present, i * 20 + k).value.replace(/\./g, '[.]').replace(/^http/, 'hxxp')).join(' , seen with ');

const rows = [];
for (const user of ['bench-vendor', 'bench-police']) {
  const cookie = await signIn(user);
  // the overview page: its counts (the first call after start builds the aggregate), its sightings, the header's session
  const cold = await timed('/api/v1/overview', cookie);
  rows.push([user, 'overview counts, first call (one pass; tix serve does it at start)', fmt.int(cold.body.indicators), fmt.ms(cold.ms), '-', '< 1 s']);
  const overview = [];
  const page = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    const [counts] = await Promise.all([timed('/api/v1/overview', cookie), timed('/api/v1/sightings?limit=10', cookie), timed('/api/v1/session', cookie)]);
    page.push(performance.now() - started);
    overview.push(counts.ms);
  }
  const o = percentiles(overview);
  const p = percentiles(page);
  rows.push([user, 'overview counts', fmt.int(cold.body.indicators), fmt.ms(o.p50), fmt.ms(pctl(overview, 95)), '< 1 s']);
  rows.push([user, 'overview page data (3 calls)', '-', fmt.ms(p.p50), fmt.ms(pctl(page, 95)), '< 1 s']);

  const kinds = {
    'exact value': (i) => `/api/v1/indicators?limit=50&q=${encodeURIComponent(pick(samples.present, i).value)}`,
    'IP (+ CIDRs, URLs on it)': (i) => `/api/v1/indicators?limit=50&q=${encodeURIComponent(pick(samples.ips, i))}`,
    'domain and below': (i) => `/api/v1/indicators?limit=50&q=${encodeURIComponent(pick(samples.domains, i))}`,
    'CIDR /16': (i) => `/api/v1/indicators?limit=50&q=${encodeURIComponent(`${pick(samples.ips, i).split('.').slice(0, 2).join('.')}.0.0/16`)}`,
    'pasted text, 20 values': (i) => `/api/v1/indicators?limit=50&q=${encodeURIComponent(pasted(i))}`,
    'filter: type=url': () => '/api/v1/indicators?limit=50&type=url',
    'filter: threat=c2': () => '/api/v1/indicators?limit=50&threat=c2',
  };
  for (const [name, url] of Object.entries(kinds)) {
    const times = [];
    let found = 0;
    for (let i = 0; i < ROUNDS * 2; i++) {
      const result = await timed(url(i), cookie);
      times.push(result.ms);
      found += result.body.items.length;
    }
    const stats = percentiles(times);
    rows.push([user, `search: ${name}`, fmt.int(found / times.length), fmt.ms(stats.p50), fmt.ms(pctl(times, 95)), '< 200 ms']);
  }
  // paging on: a listing's next pages (keyset tokens)
  const times = [];
  let next = (await timed('/api/v1/indicators?limit=50&type=ipv4', cookie)).body.next;
  for (let i = 0; i < ROUNDS && next; i++) {
    const result = await timed(`/api/v1/indicators?limit=50&type=ipv4&next=${next}`, cookie);
    times.push(result.ms);
    next = result.body.next;
  }
  const stats = percentiles(times);
  rows.push([user, 'search: next pages (type=ipv4)', '50', fmt.ms(stats.p50), fmt.ms(pctl(times, 95)), '< 200 ms']);
}

// after an import: the next overview brings its counts up to date with what the import touched
{
  const cookie = await signIn('bench-vendor');
  const csrf = (await timed('/api/v1/session', cookie)).body.csrf;
  const items = Array.from({ length: 1000 }, (_, i) => ({ value: `fresh-${i}.bench-web.example`, tlp: 'amber', threatType: 'c2' }));
  const posted = await fetch(`${base}/api/v1/indicators`, { method: 'POST', headers: { cookie, 'x-tix-csrf': csrf, 'content-type': 'application/json' }, body: JSON.stringify(items) });
  if (posted.status !== 201) throw new Error(`POST /indicators: ${posted.status}`);
  const after = await timed('/api/v1/overview', cookie);
  rows.push(['bench-vendor', 'overview after a 1,000-value import', fmt.int(after.body.indicators), fmt.ms(after.ms), '-', '< 1 s']);
  // a pull of an existing 100k-value feed: its source's observations are looked through for what changed
  const lines = threatfox.paths.data;
  const { readFileSync, writeFileSync } = await import('node:fs');
  const text = readFileSync(lines, 'utf8').split('\n');
  const sample = join(DATA, 'web-threatfox-pull.csv');
  writeFileSync(sample, [...text.filter((line) => line.startsWith('#')).slice(0, 20), ...text.filter((line) => !line.startsWith('#')).slice(0, 2000)].join('\n'));
  await run(process.execPath, [join(ROOT, 'bin/tix.js'), '--data', STORE, 'ingest', '-q', '--source', 'bench-threatfox', '--format', 'threatfox', sample]);
  const pulled = await timed('/api/v1/overview', cookie);
  rows.push(['bench-vendor', 'overview after a 2,000-row pull of the 100k feed', fmt.int(pulled.body.indicators), fmt.ms(pulled.ms), '-', '< 1 s']);
  const again = await timed('/api/v1/overview', cookie);
  rows.push(['bench-vendor', 'overview, next call', fmt.int(again.body.indicators), fmt.ms(again.ms), '-', '< 1 s']);
}

// the overview page in a real browser (Debian's chromium, if installed): from navigation to the counts, chart and map drawn
if (existsSync('/usr/bin/chromium')) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  for (const user of ['bench-vendor', 'bench-police']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const cookie = (await signIn(user)).split('=');
    await context.addCookies([{ name: cookie[0], value: cookie.slice(1).join('='), url: base }]);
    const page = await context.newPage();
    const times = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await page.goto(`${base}/#/overview?round=${i}`);
      await page.locator('svg.map path.country').nth(100).waitFor();
      await page.locator('svg.chart rect.column').first().waitFor();
      times.push(performance.now() - started);
    }
    rows.push([user, 'overview page in chromium, navigation to drawn', '-', fmt.ms(pctl(times, 50)), fmt.ms(pctl(times, 95)), '< 1 s']);
    await context.close();
  }
  await browser.close();
}

function pctl(samples, p) {
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

out(`web UI HTTP timings on loopback, ${fmt.int(total)} indicators in the store (${ROUNDS} overview rounds, ${ROUNDS * 2} searches of each kind)`);
out(table(['caller', 'call', 'items', 'p50', 'p95', 'target'], rows));
await app.close();
await store.close();
