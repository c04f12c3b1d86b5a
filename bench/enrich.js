// Enrichment, packages and victim grouping over dist/ (run `npm run build` first; `npm run bench:enrich` does).
// Data is generated (seeded); country and AS data are the installed @ip-location-db packages. Prints each
// figure next to its target; asserts nothing but that each step ran. Usage:
//   node bench/enrich.js                     # 1,000,000 stored values and victims (100,000 with TIX_BENCH_QUICK=1)
//   TIX_BENCH_ENRICH_N=250000 node bench/enrich.js
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from './lib/prng.js';

const ROOT = join(import.meta.dirname, '..');
const N = Number(process.env.TIX_BENCH_ENRICH_N || (process.env.TIX_BENCH_QUICK === '1' ? 100_000 : 1_000_000));
const LOOKUPS = 4_000_000;

const { loadTables } = await import(join(ROOT, 'dist/ops/enrich-data.js'));
const { enrichStore } = await import(join(ROOT, 'dist/ops/enrich.js'));
const { buildPackages } = await import(join(ROOT, 'dist/ops/packages.js'));
const { findV4, lookupIp, ipv4Text } = await import(join(ROOT, 'dist/enrich/index.js'));
const { SqliteStore } = await import(join(ROOT, 'dist/store/sqlite/store.js'));
const { readVictims } = await import(join(ROOT, 'dist/ops/notify/victims.js'));
const { groupVictims } = await import(join(ROOT, 'dist/ops/notify/group.js'));

const results = [];
const report = (what, value, unit, target, ok, cpu = cpuSince()) => {
  results.push({ what, value, unit, target, ok });
  process.stdout.write(`${what.padEnd(64)} ${String(value).padStart(10)} ${unit.padEnd(6)} (${cpu})  target ${target}${ok === undefined ? '' : ok ? '  ok' : '  MISSED'}\n`);
};
const seconds = (ms) => Number((ms / 1000).toFixed(2));
// the machine may be shared: CPU time (user + system of this process) is printed beside wall time
let cpuMark = process.cpuUsage();
const cpuSince = () => {
  const used = process.cpuUsage(cpuMark);
  cpuMark = process.cpuUsage();
  return `cpu ${((used.user + used.system) / 1e6).toFixed(2)} s`;
};
const mark = () => {
  cpuMark = process.cpuUsage();
  return performance.now();
};
const work = mkdtempSync(join(tmpdir(), 'tix-bench-enrich-'));
const rng = createRng(7);

try {
  // 1. lookups
  let started = mark();
  const cold = loadTables({ cacheDir: join(work, 'cold') });
  report('compile country + AS tables from the npm data (first run)', seconds(performance.now() - started), 's', '(once per data version)');
  started = mark();
  const { tables } = loadTables({ cacheDir: join(work, 'cold') });
  report('load compiled tables (snapshot)', seconds(performance.now() - started), 's', '');
  void cold;
  const ips = new Uint32Array(LOOKUPS);
  for (let i = 0; i < LOOKUPS; i++) ips[i] = rng.u32();
  let hits = 0;
  started = mark();
  for (let i = 0; i < LOOKUPS; i++) {
    if (findV4(tables.geo.ranges, ips[i]) >= 0) hits++;
    if (findV4(tables.asn.ranges, ips[i]) >= 0) hits++;
  }
  let rate = Math.round(LOOKUPS / ((performance.now() - started) / 1000));
  report('country + AS lookups (IPv4 as numbers)', rate, 'IPs/s', '≥ 2,000,000', rate >= 2_000_000);
  // addresses as they come from a file or the store (one string split into lines), not as freshly concatenated strings
  const texts = Array.from({ length: 1_000_000 }, (_, i) => ipv4Text(ips[i])).join('\n').split('\n');
  // a warm-up pass first: the timed pass measures the compiled lookup, not its first calls through the interpreter
  for (let i = 0; i < 200_000; i++) if (lookupIp(tables, texts[i]).country) hits++;
  started = mark();
  for (const ip of texts) if (lookupIp(tables, ip).country) hits++;
  rate = Math.round(texts.length / ((performance.now() - started) / 1000));
  report('country + AS lookups (dotted text, parsed each time)', rate, 'IPs/s', '≥ 2,000,000', rate >= 2_000_000);
  if (!hits) throw new Error('no lookup found anything');

  // 2. enrichment of N stored IP values, end to end (data loaded from the compiled snapshot)
  const dataDir = join(work, 'data');
  const store = SqliteStore.open(dataDir);
  const THREATS = ['c2', 'c2', 'botnet', 'scanner', 'phishing'];
  const FAMILIES = ['Pikabot', 'Emotet', 'QakBot', 'AgentTesla', 'Mozi', 'CobaltStrike', 'RedLine', 'Vidar'];
  const T0 = Date.UTC(2026, 0, 1);
  started = mark();
  const session = await store.beginImport({ source: 'bench-feed', origin: 'bench', format: 'plain-list', startedAt: T0, tlp: 'clear' });
  const seen = new Set();
  for (let made = 0; made < N; ) {
    const batch = [];
    while (batch.length < 100_000 && made < N) {
      const ip = ipv4Text(1 + rng.int(0xdfffffff));
      if (seen.has(ip)) continue;
      seen.add(ip);
      made++;
      const threat = rng.pick(THREATS);
      const url = threat === 'phishing';
      const value = url ? `http://${ip}/login/${made.toString(36)}` : ip;
      const day = rng.int(120);
      batch.push({ type: url ? 'url' : 'ipv4', value, firstSeen: T0 + day * 86_400_000, lastSeen: T0 + (day + rng.int(10)) * 86_400_000, threatType: threat, malware: url ? undefined : rng.pick(FAMILIES), tags: [], raw: value, line: made });
    }
    await session.add(batch);
  }
  await session.commit({ read: N, accepted: N, rejected: 0 });
  seen.clear();
  report(`(setup) import of ${N.toLocaleString('en')} values`, seconds(performance.now() - started), 's', '');
  loadTables({ cacheDir: join(dataDir, 'enrich') }); // the data package's tables, compiled once
  started = mark();
  const run = await enrichStore(store, { dataDir, now: Date.now() });
  const enrichS = seconds(performance.now() - started);
  report(`enrich ${run.scanned.toLocaleString('en')} stored values (${run.located.toLocaleString('en')} located)`, enrichS, 's', N === 1_000_000 ? '< 5 s' : '(1M: < 5 s)', N === 1_000_000 ? enrichS < 5 : undefined);

  // 3. packages for the 25 countries holding most values
  const counts = new Map();
  for (const ip of texts.slice(0, 200_000)) {
    const country = lookupIp(tables, ip).country;
    if (country) counts.set(country, (counts.get(country) ?? 0) + 1);
  }
  const countries = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([country]) => country);
  await store.createOperation({ name: 'bench-op', countries, startsAt: T0, endsAt: T0 + 200 * 86_400_000, partners: [], tag: 'bench-op' }, Date.now());
  started = mark();
  const packages = await buildPackages(store, { operation: 'bench-op', outDir: join(work, 'packages'), dataDir, now: Date.now() });
  const packageS = seconds(performance.now() - started);
  const items = packages.reduce((sum, p) => sum + p.items, 0);
  report(`packages for ${packages.length} countries (${items.toLocaleString('en')} items of ${N.toLocaleString('en')})`, packageS, 's', N === 1_000_000 ? '< 30 s' : '(1M: < 30 s)', N === 1_000_000 ? packageS < 30 : undefined);
  await store.close();

  // 4. grouping N victims per AS contact and country
  const asns = new Map();
  for (const ip of texts.slice(0, 200_000)) {
    const { asn } = lookupIp(tables, ip);
    if (asn) asns.set(asn, (asns.get(asn) ?? 0) + 1);
  }
  const contacts = [
    ...[...asns].sort((a, b) => b[1] - a[1]).slice(0, 2000).map(([asn]) => ({ scope: 'asn', key: String(asn), role: 'abuse', name: `AS${asn} abuse`, email: `abuse@as${asn}.example`, manual: false })),
    ...countries.map((country) => ({ scope: 'country', key: country, role: 'cert', name: `${country} CERT`, email: `cert@${country.toLowerCase()}.example`, manual: false })),
    { scope: 'cidr', key: '41.90.0.0/16', role: 'abuse', name: 'a CIDR desk', email: 'desk@example.org', manual: false },
  ];
  const lines = ['ip,timestamp,family'];
  for (let i = 0; i < N; i++) lines.push(`${ipv4Text(1 + rng.int(0xdfffffff))},${new Date(T0 + rng.int(120 * 86_400_000)).toISOString()},${rng.pick(FAMILIES)}`);
  started = mark();
  const { victims } = readVictims([{ name: 'victims.csv', lines }]);
  const parseS = seconds(performance.now() - started);
  const parseCpu = cpuSince();
  started = mark();
  const grouping = groupVictims(victims, tables, contacts);
  const groupS = seconds(performance.now() - started);
  const groupCpu = cpuSince();
  report(`read ${N.toLocaleString('en')} victim rows (CSV)`, parseS, 's', '', undefined, parseCpu);
  report(`group ${N.toLocaleString('en')} victims per AS contact and country (${grouping.groups.size} groups)`, groupS, 's', N === 1_000_000 ? '< 10 s' : '(1M: < 10 s)', N === 1_000_000 ? parseS + groupS < 10 : undefined, groupCpu);
  process.stdout.write(`load average ${(await import('node:os')).loadavg().map((n) => n.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores\n`);
  process.stdout.write(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
