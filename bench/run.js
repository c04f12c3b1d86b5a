// npm run bench: ingest throughput (with `sort -u` on the same values side by
// side), peak memory, re-import, and lookup latency. Prints figures; asserts
// nothing but that every step ran. See bench/README.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printProfile, summariseProfile } from './lib/cpuprofile.js';
import { ensureCorpus } from './lib/generate.js';
import { measureLookups } from './lib/lookups.js';
import { runMeasured, timeSortUnique } from './lib/proc.js';
import { bar, fmt, out, progress, table } from './lib/report.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const DATA = join(BENCH, '.data');
const TIX = join(ROOT, 'bin', 'tix.js');
const TARGET_RATE = 100000;
const AIM_RATE = 200000;
const TARGET_RSS_MB = 500;
const TARGET_P99_MS = 1;

const env = process.env;
const quick = env.TIX_BENCH_QUICK === '1';
const sizes = (quick ? '100000' : env.TIX_BENCH_SIZES || '1000000,10000000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
const csvMax = Number(env.TIX_BENCH_CSV_MAX ?? 1000000);
const csvSizes = csvMax > 0 ? [...new Set(sizes.map((n) => Math.min(n, csvMax)))] : [];
const reimportSize = sizes.includes(1000000) ? 1000000 : Math.min(...sizes);
const lookupCount = Number(env.TIX_BENCH_LOOKUPS || 10000);
const storeBase = env.TIX_BENCH_TMP || tmpdir();
const keep = env.TIX_BENCH_KEEP === '1';
const summary = { ingest: [], lookups: [] };
const results = { startedAt: new Date().toISOString(), sizes, csvSizes, runs: [] };

function machine() {
  let sqlite = '?';
  let commit = '?';
  try {
    sqlite = execFileSync(process.execPath, ['-e', "const D=require('better-sqlite3');process.stdout.write(new D(':memory:').prepare('select sqlite_version() v').get().v)"], { cwd: ROOT }).toString();
  } catch {}
  try {
    const git = (...args) => execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    commit = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--', 'src', 'bin', 'package.json') ? ' + uncommitted changes in src/' : '');
  } catch {}
  return `node ${process.version}, SQLite ${sqlite}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, tix ${commit}`;
}

/** Newest modification time under dist/: a rebuild while the bench runs would mix two versions of tix in one report. */
function newestBuild(dir = join(ROOT, 'dist')) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestBuild(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function directorySize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directorySize(path) : statSync(path).size;
  }
  return total;
}

async function corpus(kind, size) {
  const label = `generating ${kind}-${size}`;
  const started = Date.now();
  const made = await ensureCorpus(DATA, kind, size, (done, total) => {
    const seconds = (Date.now() - started) / 1000;
    progress.update(`${label} ${bar(done / total)} ${fmt.int(done / Math.max(seconds, 0.001))} lines/s`);
  });
  const bytes = statSync(made.paths.data).size;
  const how = made.reused ? 'reused from bench/.data' : `generated in ${made.manifest.seconds.toFixed(1)} s`;
  out(`  corpus      ${made.paths.data.replace(`${ROOT}/`, '')}: ${fmt.int(made.manifest.lines)} lines, ${fmt.bytes(bytes)}, ${how}`);
  return { ...made, bytes };
}

/** `tix ingest` as a user runs it, in a child process; returns its JSON summary and what it cost. */
async function ingestCli(label, file, bytes, dataDir, extraNodeArgs = []) {
  const started = Date.now();
  let opened = false;
  const run = await runMeasured(process.execPath, [...extraNodeArgs, TIX, '--data', dataDir, 'ingest', file, '--json', '-q'], {
    watch: file,
    onPoll: ({ position, rssKb }) => {
      const seconds = (Date.now() - started) / 1000;
      if (position !== undefined) opened = true;
      const done = position !== undefined ? bar(position / bytes) : opened ? 'input read, committing' : 'starting';
      progress.update(`  ${label}: ${done} ${seconds.toFixed(0)} s, RSS ${fmt.mb(rssKb)}`);
    },
  });
  progress.clear();
  const last = run.stdout.trim().split('\n').pop() ?? '';
  if (run.code !== 0 && run.code !== 1) {
    throw new Error(`tix ingest ${file} failed with exit code ${run.code}:\n${run.stderr.slice(-2000)}`);
  }
  const result = JSON.parse(last).results[0];
  return { ...run, result, rate: result.accepted / (run.wallMs / 1000) };
}

function printIngest(label, ingest, sort) {
  const r = ingest.result;
  const cpu = ingest.userS === undefined ? '' : `, CPU ${ingest.userS.toFixed(1)} s user + ${ingest.sysS.toFixed(1)} s sys`;
  out(`  ${label.padEnd(11)} ${fmt.int(ingest.rate)} indicators/s   wall ${fmt.s(ingest.wallMs)}   peak RSS ${fmt.mb(ingest.maxRssKb)} (${ingest.rssSource})${cpu}`);
  out(`              read ${fmt.int(r.read)} lines, accepted ${fmt.int(r.accepted)}, new ${fmt.int(r.new)}, updated ${fmt.int(r.updated)}, unchanged ${fmt.int(r.unchanged)}, rejected ${fmt.int(r.rejected)}`);
  if (sort) out(`  sort -u     wall ${fmt.s(sort.wallMs)} on the same ${fmt.int(r.read)} raw values   tix/sort = ${fmt.x(ingest.wallMs / sort.wallMs)} (long-term goal <= 3x)`);
}

function verdict(ok) {
  return ok ? 'met' : 'MISSED';
}

async function ingestBench(kind, size) {
  out();
  out(`== ${kind === 'list' ? 'plain list (mixed types)' : 'ThreatFox CSV export'}, ${fmt.int(size)} indicators ==`);
  const made = await corpus(kind, size);
  progress.update(`  sort -u ${made.paths.values}`, true);
  const sort = await timeSortUnique(made.paths.values);
  const dataDir = mkdtempSync(join(storeBase, `tix-bench-${kind}-${size}-`));
  const run = { kind, size, corpus: made.paths.data, sortMs: sort.wallMs };
  try {
    const ingest = await ingestCli('tix ingest', made.paths.data, made.bytes, dataDir);
    printIngest('tix ingest', ingest, sort);
    const storeBytes = directorySize(dataDir);
    out(`  store       ${fmt.bytes(storeBytes)} on disk (${fmt.int(storeBytes / ingest.result.accepted)} bytes per indicator)`);
    Object.assign(run, { wallMs: ingest.wallMs, rate: ingest.rate, maxRssKb: ingest.maxRssKb, userS: ingest.userS, sysS: ingest.sysS, result: ingest.result, storeBytes });
    summary.ingest.push([`ingest ${kind} ${fmt.int(size)} (CLI)`, `${fmt.int(ingest.rate)}/s`, fmt.s(ingest.wallMs), fmt.s(sort.wallMs), fmt.x(ingest.wallMs / sort.wallMs), fmt.mb(ingest.maxRssKb), `>=${fmt.int(TARGET_RATE)}/s ${verdict(ingest.rate >= TARGET_RATE)}`]);
    if (kind === 'list' && size === reimportSize) {
      const again = await ingestCli('re-import', made.paths.data, made.bytes, dataDir);
      printIngest('re-import', again);
      run.reimport = { wallMs: again.wallMs, rate: again.rate, maxRssKb: again.maxRssKb, result: again.result };
      summary.ingest.push([`re-import list ${fmt.int(size)} (CLI)`, `${fmt.int(again.rate)}/s`, fmt.s(again.wallMs), fmt.s(sort.wallMs), fmt.x(again.wallMs / sort.wallMs), fmt.mb(again.maxRssKb), `>=${fmt.int(TARGET_RATE)}/s ${verdict(again.rate >= TARGET_RATE)}`]);
    }
    if (kind === 'list') run.lookups = await lookupBench(dataDir, made.manifest, size);
  } finally {
    if (keep) out(`  kept store  ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  results.runs.push(run);
}

async function lookupBench(dataDir, manifest, size) {
  out(`  lookups     in process, SqliteStore from dist/, ${fmt.int(lookupCount)} present + ${fmt.int(lookupCount)} absent values, limit 10 (after 200 untimed warm-up searches)`);
  const measured = await measureLookups(dataDir, manifest.samples, { count: lookupCount, onProgress: (text) => progress.update(`  lookups ${text}`) });
  progress.clear();
  out(`              first search after opening: ${fmt.ms(measured.firstMs)}; CIDR prefix lengths held: v4 [${measured.prefixes.v4.sort((a, b) => a - b).join(',')}]`);
  const rows = measured.results.map((r) => [r.label, fmt.int(r.n), fmt.int(r.hits), fmt.ms(r.p50), fmt.ms(r.p90), fmt.ms(r.p99), fmt.ms(r.p999), fmt.ms(r.max)]);
  out(table(['  query', 'n', 'found', 'p50', 'p90', 'p99', 'p99.9', 'max'], rows.map(([first, ...rest]) => [`  ${first}`, ...rest])));
  for (const r of measured.results) {
    summary.lookups.push([`${r.label} @${fmt.int(size)}`, fmt.ms(r.p50), fmt.ms(r.p99), fmt.ms(r.p999), fmt.ms(r.max), `p99 < ${TARGET_P99_MS} ms ${verdict(r.p99 < TARGET_P99_MS)}`]);
  }
  // a one-shot `tix search` as a user types it: process start, open, query, print, exit
  const ip = manifest.samples.ips[0];
  const walls = [];
  for (let i = 0; i < 5; i++) walls.push((await runMeasured(process.execPath, [TIX, '--data', dataDir, 'search', ip, '-n', '10'])).wallMs);
  walls.sort((a, b) => a - b);
  out(`  tix search  CLI one-shot "tix search ${ip}" (node start to exit), median of 5: ${fmt.ms(walls[2])}`);
  summary.lookups.push([`tix search CLI one-shot (median of 5) @${fmt.int(size)}`, fmt.ms(walls[2]), '-', '-', '-', 'whole process']);
  return { ...measured, cliSearchMedianMs: walls[2] };
}

async function profileBench() {
  const size = Math.min(...sizes);
  out();
  out(`== CPU profile of tix ingest, list ${fmt.int(size)} (node --cpu-prof) ==`);
  const made = await corpus('list', size);
  const dataDir = mkdtempSync(join(storeBase, 'tix-bench-profile-'));
  const profDir = join(DATA, 'profiles');
  rmSync(profDir, { recursive: true, force: true });
  try {
    const ingest = await ingestCli('tix ingest --cpu-prof', made.paths.data, made.bytes, dataDir, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
    out(`  profiled run: ${fmt.int(ingest.rate)} indicators/s, wall ${fmt.s(ingest.wallMs)}`);
    const file = readdirSync(profDir).find((name) => name.endsWith('.cpuprofile'));
    printProfile(summariseProfile(join(profDir, file), { top: 15 }), (line) => out(`  ${line}`));
    out(`  profile file: ${join(profDir, file).replace(`${ROOT}/`, '')} (open in Chrome DevTools > Performance)`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const started = Date.now();
  const build = newestBuild();
  out(`tix benchmark — ${machine()}`);
  out(`sizes ${sizes.map(fmt.int).join(', ')} (list)${csvSizes.length ? `; ThreatFox CSV ${csvSizes.map(fmt.int).join(', ')} rows (capped at TIX_BENCH_CSV_MAX=${fmt.int(csvMax)})` : ''}; stores under ${storeBase}`);
  out('ingest: end to end through `node bin/tix.js ingest FILE --json -q` in a child process, into a fresh data directory');
  for (const size of sizes) await ingestBench('list', size);
  for (const size of csvSizes) await ingestBench('threatfox', size);
  if (env.TIX_BENCH_PROFILE === '1') await profileBench();

  out();
  out('== summary ==');
  out(table(['ingest', 'indicators/s', 'wall', 'sort -u', 'tix/sort', 'peak RSS', 'target'], summary.ingest));
  out();
  out(table(['lookup', 'p50', 'p99', 'p99.9', 'max', 'target'], summary.lookups));
  const big = results.runs.filter((r) => r.kind === 'list').sort((a, b) => b.size - a.size)[0];
  if (big?.maxRssKb) out(`peak RSS ingesting the ${fmt.int(big.size)}-line list: ${fmt.mb(big.maxRssKb)} (target < ${TARGET_RSS_MB} MB: ${verdict(big.maxRssKb / 1024 < TARGET_RSS_MB)})`);
  out(`ingest targets: >= ${fmt.int(TARGET_RATE)} indicators/s (aim ${fmt.int(AIM_RATE)}), within 3x of sort -u; lookups p99 < ${TARGET_P99_MS} ms`);
  if (newestBuild() !== build) out('WARNING: dist/ was rebuilt while the bench ran; figures may mix two versions of tix. Run it again.');
  out(`bench finished in ${fmt.s(Date.now() - started)}`);
  results.finishedAt = new Date().toISOString();
  writeFileSync(join(DATA, 'last-results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error) => {
  progress.clear();
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
