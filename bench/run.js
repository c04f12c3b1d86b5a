// npm run bench: ingest throughput (with `sort -u` on the same values side by
// side), peak memory, re-import, lookup latency, STIX import, exports and the
// STIX pattern engine, as steps chosen with TIX_BENCH_STEPS. Prints figures;
// asserts nothing but that every step ran. See bench/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureExporters } from './export.js';
import { bundlePaths, ensureBundle, readBundleManifest } from './lib/bundle.js';
import { printProfile, summariseProfile } from './lib/cpuprofile.js';
import { ensureCorpus } from './lib/generate.js';
import { measureLookups } from './lib/lookups.js';
import { describeLoad, loadCell, startMeter } from './lib/machine.js';
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
const ATTACK = join(ROOT, 'test', 'fixtures', 'stix', 'stix21', 'mitre-attack', 'mobile-attack-17.1.json');
const TARGET_ATTACK_MS = 2000;
const TARGET_BUNDLE_RSS_MB = 1024;
const TARGET_EXPORT_RSS_MB = 300;
const TARGET_CSV_RATE = 100000;

const env = process.env;
const quick = env.TIX_BENCH_QUICK === '1';
const ALL_STEPS = ['ingest', 'lookups', 'stix', 'export', 'pattern', 'profile'];
const steps = new Set((env.TIX_BENCH_STEPS || 'ingest,lookups,stix,export,pattern').split(',').map((s) => s.trim()).filter(Boolean));
if (env.TIX_BENCH_PROFILE === '1') steps.add('profile');
const unknownSteps = [...steps].filter((step) => !ALL_STEPS.includes(step));
if (unknownSteps.length) {
  process.stderr.write(`TIX_BENCH_STEPS: unknown step ${unknownSteps.join(', ')} (steps: ${ALL_STEPS.join(', ')})\n`);
  process.exit(2);
}
const sizes = (quick ? '100000' : env.TIX_BENCH_SIZES || '1000000,10000000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
const csvMax = Number(env.TIX_BENCH_CSV_MAX ?? 1000000);
const csvSizes = csvMax > 0 ? [...new Set(sizes.map((n) => Math.min(n, csvMax)))] : [];
const reimportSize = sizes.includes(1000000) ? 1000000 : Math.min(...sizes);
const lookupCount = Number(env.TIX_BENCH_LOOKUPS || 10000);
const storeBase = env.TIX_BENCH_TMP || tmpdir();
const keep = env.TIX_BENCH_KEEP === '1';
const stixMb = Number(env.TIX_BENCH_STIX_MB ?? (quick ? 16 : 1024));
const exportStoreSize = Number(env.TIX_BENCH_EXPORT_STORE ?? (quick ? 100000 : 1000000));
const exportFormats = (env.TIX_BENCH_EXPORT_FORMATS || 'stix,csv,suricata').split(',').map((s) => s.trim()).filter(Boolean);
const exporterN = Number(env.TIX_BENCH_EXPORT_N ?? (quick ? 100000 : 1000000));
const summary = { ingest: [], lookups: [], stix: [], pattern: [] };
const results = { startedAt: new Date().toISOString(), steps: [...steps], sizes, csvSizes, runs: [] };
/** The list store of the ingest step, kept for the export step when it is the size the export needs. */
let keptExportStore;

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
  const meter = startMeter();
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
  return { ...run, result, rate: result.accepted / (run.wallMs / 1000), load: meter.stop() };
}

function cpuText(run) {
  return run.userS === undefined ? '' : `, CPU ${run.userS.toFixed(1)} s user + ${run.sysS.toFixed(1)} s sys`;
}

function printIngest(label, ingest, sort) {
  const r = ingest.result;
  out(`  ${label.padEnd(11)} ${fmt.int(ingest.rate)} indicators/s   wall ${fmt.s(ingest.wallMs)}   peak RSS ${fmt.mb(ingest.maxRssKb)} (${ingest.rssSource})${cpuText(ingest)}; ${describeLoad(ingest.load)}`);
  out(`              read ${fmt.int(r.read)} lines, accepted ${fmt.int(r.accepted)}, new ${fmt.int(r.new)}, updated ${fmt.int(r.updated)}, unchanged ${fmt.int(r.unchanged)}, rejected ${fmt.int(r.rejected)}`);
  if (sort) out(`  sort -u     wall ${fmt.s(sort.wallMs)} on the same ${fmt.int(r.read)} raw values   tix/sort = ${fmt.x(ingest.wallMs / sort.wallMs)} (long-term goal <= 3x)`);
}

function verdict(ok) {
  return ok ? 'met' : 'MISSED';
}

async function ingestBench(kind, size) {
  const measure = steps.has('ingest');
  const lookups = kind === 'list' && steps.has('lookups');
  out();
  out(`== ${kind === 'list' ? 'plain list (mixed types)' : 'ThreatFox CSV export'}, ${fmt.int(size)} indicators ==`);
  const made = await corpus(kind, size);
  let sort;
  if (measure) {
    progress.update(`  sort -u ${made.paths.values}`, true);
    sort = await timeSortUnique(made.paths.values);
  }
  const dataDir = mkdtempSync(join(storeBase, `tix-bench-${kind}-${size}-`));
  const run = { kind, size, corpus: made.paths.data, sortMs: sort?.wallMs };
  let kept = false;
  try {
    const ingest = await ingestCli('tix ingest', made.paths.data, made.bytes, dataDir);
    printIngest(measure ? 'tix ingest' : 'store', ingest, sort);
    const storeBytes = directorySize(dataDir);
    out(`  store       ${fmt.bytes(storeBytes)} on disk (${fmt.int(storeBytes / ingest.result.accepted)} bytes per indicator)`);
    Object.assign(run, { wallMs: ingest.wallMs, rate: ingest.rate, maxRssKb: ingest.maxRssKb, userS: ingest.userS, sysS: ingest.sysS, result: ingest.result, storeBytes, load: ingest.load });
    if (measure) {
      summary.ingest.push([`ingest ${kind} ${fmt.int(size)} (CLI)`, `${fmt.int(ingest.rate)}/s`, fmt.s(ingest.wallMs), fmt.s(sort.wallMs), fmt.x(ingest.wallMs / sort.wallMs), fmt.mb(ingest.maxRssKb), loadCell(ingest.load), `>=${fmt.int(TARGET_RATE)}/s ${verdict(ingest.rate >= TARGET_RATE)}`]);
    }
    if (measure && kind === 'list' && size === reimportSize) {
      const again = await ingestCli('re-import', made.paths.data, made.bytes, dataDir);
      printIngest('re-import', again);
      run.reimport = { wallMs: again.wallMs, rate: again.rate, maxRssKb: again.maxRssKb, result: again.result, load: again.load };
      summary.ingest.push([`re-import list ${fmt.int(size)} (CLI)`, `${fmt.int(again.rate)}/s`, fmt.s(again.wallMs), fmt.s(sort.wallMs), fmt.x(again.wallMs / sort.wallMs), fmt.mb(again.maxRssKb), loadCell(again.load), `>=${fmt.int(TARGET_RATE)}/s ${verdict(again.rate >= TARGET_RATE)}`]);
    }
    if (lookups) run.lookups = await lookupBench(dataDir, made.manifest, size);
    if (kind === 'list' && steps.has('export') && size === exportStoreSize && !keptExportStore) {
      keptExportStore = { dataDir, size, ingest: { wallMs: ingest.wallMs, accepted: ingest.result.accepted, new: ingest.result.new }, storeBytes };
      kept = true;
    }
  } finally {
    if (kept) out('  store       kept for the export step');
    else if (keep) out(`  kept store  ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  results.runs.push(run);
}

async function lookupBench(dataDir, manifest, size) {
  out(`  lookups     in process, SqliteStore from dist/, ${fmt.int(lookupCount)} present + ${fmt.int(lookupCount)} absent values, limit 10 (after 200 untimed warm-up searches)`);
  const meter = startMeter();
  const measured = await measureLookups(dataDir, manifest.samples, { count: lookupCount, onProgress: (text) => progress.update(`  lookups ${text}`) });
  const load = meter.stop();
  progress.clear();
  out(`              first search after opening: ${fmt.ms(measured.firstMs)}; CIDR prefix lengths held: v4 [${measured.prefixes.v4.sort((a, b) => a - b).join(',')}]; ${describeLoad(load)}`);
  const rows = measured.results.map((r) => [r.label, fmt.int(r.n), fmt.int(r.hits), fmt.ms(r.p50), fmt.ms(r.p90), fmt.ms(r.p99), fmt.ms(r.p999), fmt.ms(r.max)]);
  out(table(['  query', 'n', 'found', 'p50', 'p90', 'p99', 'p99.9', 'max'], rows.map(([first, ...rest]) => [`  ${first}`, ...rest])));
  for (const r of measured.results) {
    summary.lookups.push([`${r.label} @${fmt.int(size)}`, fmt.ms(r.p50), fmt.ms(r.p99), fmt.ms(r.p999), fmt.ms(r.max), loadCell(load), `p99 < ${TARGET_P99_MS} ms ${verdict(r.p99 < TARGET_P99_MS)}`]);
  }
  // a one-shot `tix search` as a user types it: process start, open, query, print, exit
  const ip = manifest.samples.ips[0];
  const walls = [];
  for (let i = 0; i < 5; i++) walls.push((await runMeasured(process.execPath, [TIX, '--data', dataDir, 'search', ip, '-n', '10'])).wallMs);
  walls.sort((a, b) => a - b);
  out(`  tix search  CLI one-shot "tix search ${ip}" (node start to exit), median of 5: ${fmt.ms(walls[2])}`);
  summary.lookups.push([`tix search CLI one-shot (median of 5) @${fmt.int(size)}`, fmt.ms(walls[2]), '-', '-', '-', loadCell(load), 'whole process']);
  return { ...measured, cliSearchMedianMs: walls[2], load };
}

/** A STIX document through `tix ingest` into a fresh store: objects/s, values/s, RSS. */
async function stixImport(label, file, target) {
  const bytes = statSync(file).size;
  const dataDir = mkdtempSync(join(storeBase, 'tix-bench-stix-'));
  try {
    const ingest = await ingestCli(`tix ingest ${label}`, file, bytes, dataDir);
    const r = ingest.result;
    const seconds = ingest.wallMs / 1000;
    const storeBytes = directorySize(dataDir);
    const objectRate = r.objects / seconds;
    out(`  ${label}: ${file.replace(`${ROOT}/`, '')} (${fmt.bytes(bytes)})`);
    out(`    wall ${fmt.s(ingest.wallMs)}   ${fmt.int(objectRate)} objects/s   ${fmt.int(ingest.rate)} values/s   ${fmt.bytes(bytes / seconds)}/s   peak RSS ${fmt.mb(ingest.maxRssKb)} (${ingest.rssSource})${cpuText(ingest)}`);
    out(`    read ${fmt.int(r.read)} lines, ${fmt.int(r.objects)} objects kept, values accepted ${fmt.int(r.accepted)}, new ${fmt.int(r.new)}, unchanged ${fmt.int(r.unchanged)}, rejected ${fmt.int(r.rejected)}; store ${fmt.bytes(storeBytes)}; ${describeLoad(ingest.load)}`);
    const met = target.check(ingest);
    summary.stix.push([`import ${label}`, fmt.s(ingest.wallMs), `${fmt.int(objectRate)} obj/s, ${fmt.int(ingest.rate)} values/s`, fmt.bytes(bytes), fmt.mb(ingest.maxRssKb), loadCell(ingest.load), `${target.text} ${verdict(met)}`]);
    return { file, bytes, wallMs: ingest.wallMs, objectsPerS: objectRate, valuesPerS: ingest.rate, maxRssKb: ingest.maxRssKb, userS: ingest.userS, sysS: ingest.sysS, result: r, storeBytes, load: ingest.load, met };
  } finally {
    if (keep) out(`    kept store ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

async function stixBench() {
  out();
  out('== STIX import (tix ingest of a bundle, CLI, fresh store) ==');
  const attack = await stixImport('ATT&CK Mobile 17.1', ATTACK, { text: `< ${TARGET_ATTACK_MS / 1000} s`, check: (run) => run.wallMs < TARGET_ATTACK_MS });
  const stix = { attack };
  if (stixMb > 0) {
    const started = Date.now();
    const reused = existsSync(bundlePaths(DATA, stixMb).manifest);
    const file = await ensureBundle(DATA, stixMb, (done, total) => progress.update(`  generating ${stixMb} MB STIX bundle ${bar(done / total)} ${fmt.bytes(done / Math.max((Date.now() - started) / 1000, 0.001))}/s`));
    progress.clear();
    const manifest = readBundleManifest(DATA, stixMb);
    const how = reused ? 'reused from bench/.data' : `generated in ${manifest.seconds.toFixed(1)} s`;
    out(`  bundle: ${fmt.int(manifest.objects)} objects: ${fmt.int(manifest.indicators)} indicators (${Object.entries(manifest.byKind).map(([k, n]) => `${k} ${fmt.int(n)}`).join(', ')}; ${fmt.int(manifest.repeats)} repeat a value), as many observables, ${fmt.int(manifest.relationships)} relationships; ${how}`);
    stix.bundle = { ...(await stixImport(`generated bundle ${stixMb} MB`, file, { text: `RSS < ${TARGET_BUNDLE_RSS_MB} MB`, check: (run) => run.maxRssKb / 1024 < TARGET_BUNDLE_RSS_MB })), manifest };
  }
  results.stix = stix;
}

/** `tix export FORMAT -a -o FILE` over the store; the file is measured and deleted. */
async function exportCli(dataDir, format) {
  const file = join(dataDir, `bench-export.${format}`);
  const started = Date.now();
  const meter = startMeter();
  const run = await runMeasured(process.execPath, [TIX, '--data', dataDir, 'export', format, '-a', '-o', file], {
    onPoll: ({ rssKb }) => progress.update(`  tix export ${format}: ${((Date.now() - started) / 1000).toFixed(0)} s, RSS ${fmt.mb(rssKb)}`),
  });
  const load = meter.stop();
  progress.clear();
  if (run.code !== 0) throw new Error(`tix export ${format} failed with exit code ${run.code}:\n${run.stderr.slice(-2000)}`);
  const written = Number(/exported (\d+)/.exec(run.stderr)?.[1] ?? NaN);
  const skipped = Number(/(\d+) skipped/.exec(run.stderr)?.[1] ?? 0);
  const bytes = statSync(file).size;
  rmSync(file, { force: true });
  return { format, wallMs: run.wallMs, written, skipped, rate: (written + skipped) / (run.wallMs / 1000), bytes, maxRssKb: run.maxRssKb, rssSource: run.rssSource, userS: run.userS, sysS: run.sysS, load };
}

async function exportBench() {
  out();
  out(`== export (tix export FORMAT -a -o FILE, CLI) ==`);
  const exportResults = { formats: exportFormats, cli: [], inProcess: [] };
  if (exportStoreSize > 0 && exportFormats.length) {
    let store = keptExportStore;
    if (store) out(`  store: the ${fmt.int(store.size)}-value list store of the ingest step (${fmt.int(store.ingest.new)} new values), ${fmt.bytes(store.storeBytes)}`);
    else {
      const made = await corpus('list', exportStoreSize);
      const dataDir = mkdtempSync(join(storeBase, `tix-bench-export-${exportStoreSize}-`));
      keptExportStore = { dataDir, size: exportStoreSize };
      const ingest = await ingestCli('building the store', made.paths.data, made.bytes, dataDir);
      store = Object.assign(keptExportStore, { ingest: { wallMs: ingest.wallMs, accepted: ingest.result.accepted, new: ingest.result.new }, storeBytes: directorySize(dataDir) });
      out(`  store: ${made.paths.data.replace(`${ROOT}/`, '')} ingested in ${fmt.s(ingest.wallMs)}: ${fmt.int(ingest.result.new)} values, ${fmt.bytes(store.storeBytes)}`);
    }
    exportResults.store = { size: store.size, ...store.ingest, storeBytes: store.storeBytes };
    try {
      for (const format of exportFormats) {
        const r = await exportCli(store.dataDir, format);
        exportResults.cli.push(r);
        const skipped = r.skipped ? ` (+ ${fmt.int(r.skipped)} not expressible, skipped)` : '';
        out(`  ${format.padEnd(9)} ${fmt.int(r.rate)} indicators/s   wall ${fmt.s(r.wallMs)}   ${fmt.int(r.written)} written${skipped}, ${fmt.bytes(r.bytes)}   peak RSS ${fmt.mb(r.maxRssKb)}${cpuText(r)}; ${describeLoad(r.load)}`);
        const checks = [[`RSS < ${TARGET_EXPORT_RSS_MB} MB`, r.maxRssKb / 1024 < TARGET_EXPORT_RSS_MB]];
        if (format === 'csv') checks.push([`>= ${fmt.int(TARGET_CSV_RATE)}/s`, r.rate >= TARGET_CSV_RATE]);
        r.targets = Object.fromEntries(checks.map(([text, ok]) => [text, ok]));
        summary.stix.push([`export ${format}, ${fmt.int(store.size)}-value store (CLI)`, fmt.s(r.wallMs), `${fmt.int(r.rate)} indicators/s`, fmt.bytes(r.bytes), fmt.mb(r.maxRssKb), loadCell(r.load), checks.map(([text, ok]) => `${text} ${verdict(ok)}`).join(', ')]);
      }
    } finally {
      if (keep) out(`  kept store  ${store.dataDir}`);
      else rmSync(store.dataDir, { recursive: true, force: true });
      keptExportStore = undefined;
    }
  }
  if (exporterN > 0 && exportFormats.length) {
    out(`  exporters in process (bench/export.js): ${fmt.int(exporterN)} synthetic indicators streamed through createExporter() of dist/, no store, bytes counted not written`);
    for (const format of exportFormats) {
      progress.update(`  exporter ${format} in process`, true);
      const meter = startMeter();
      const [r] = measureExporters({ n: exporterN, formats: [format] });
      const load = meter.stop();
      progress.clear();
      if (r.error) throw new Error(`bench/export.js ${format} failed: ${r.error}`);
      exportResults.inProcess.push({ ...r, load });
      const cli = exportResults.cli.find((c) => c.format === format);
      const share = cli ? `; at this rate formatting is ~${fmt.s((cli.written + cli.skipped) / r.rate * 1000)} of the CLI's ${fmt.s(cli.wallMs)}` : '';
      out(`  ${format.padEnd(9)} ${fmt.int(r.rate)} indicators/s   ${fmt.s(r.exportNs / 1e6)}   ${fmt.bytes(r.bytes)}${r.skipped ? `, ${fmt.int(r.skipped)} skipped` : ''}   peak RSS ${fmt.mb(r.maxRssKb)}${share}; ${describeLoad(load)}`);
      summary.stix.push([`exporter ${format}, ${fmt.int(exporterN)} synthetic (in process)`, fmt.s(r.exportNs / 1e6), `${fmt.int(r.rate)} indicators/s`, fmt.bytes(r.bytes), fmt.mb(r.maxRssKb), loadCell(load), format === 'csv' ? `>= ${fmt.int(TARGET_CSV_RATE)}/s ${verdict(r.rate >= TARGET_CSV_RATE)}` : '']);
    }
  }
  results.export = exportResults;
}

async function patternBench() {
  out();
  out('== STIX pattern engine (bench/pattern.js, in a child process) ==');
  progress.update('  pattern: measuring', true);
  const meter = startMeter();
  const run = await runMeasured(process.execPath, [join(BENCH, 'pattern.js'), '--json']);
  const load = meter.stop();
  progress.clear();
  if (run.code !== 0) throw new Error(`bench/pattern.js failed with exit code ${run.code}:\n${run.stderr.slice(-2000)}`);
  const measured = JSON.parse(run.stdout.trim().split('\n').pop());
  out(`  ${fmt.int(measured.realPatterns)} distinct real patterns (src/pattern/fixtures); each figure run for ${measured.secondsPerFigure} s after a warm-up; ${describeLoad(load)}`);
  for (const r of measured.results) {
    out(`  ${r.label.padEnd(64)} ${fmt.int(r.rate).padStart(12)} ${r.unit}/s`);
    summary.pattern.push([r.label, `${fmt.int(r.rate)}/s`, r.unit, loadCell(load)]);
  }
  results.pattern = { ...measured, load };
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
  out(`steps ${[...steps].join(', ')} (TIX_BENCH_STEPS); stores under ${storeBase}; load: 1-minute load average (uptime), others: cores used by other processes meanwhile`);
  const listSteps = steps.has('ingest') || steps.has('lookups');
  if (listSteps) {
    out(`sizes ${sizes.map(fmt.int).join(', ')} (list)${steps.has('ingest') && csvSizes.length ? `; ThreatFox CSV ${csvSizes.map(fmt.int).join(', ')} rows (capped at TIX_BENCH_CSV_MAX=${fmt.int(csvMax)})` : ''}`);
    out('ingest: end to end through `node bin/tix.js ingest FILE --json -q` in a child process, into a fresh data directory');
  }
  try {
    if (listSteps) for (const size of sizes) await ingestBench('list', size);
    if (steps.has('ingest')) for (const size of csvSizes) await ingestBench('threatfox', size);
    if (steps.has('stix')) await stixBench();
    if (steps.has('export')) await exportBench();
    if (steps.has('pattern')) await patternBench();
    if (steps.has('profile')) await profileBench();
  } finally {
    if (keptExportStore && !keep) rmSync(keptExportStore.dataDir, { recursive: true, force: true });
  }

  out();
  out('== summary ==');
  if (summary.ingest.length) {
    out(table(['ingest', 'indicators/s', 'wall', 'sort -u', 'tix/sort', 'peak RSS', 'load/others', 'target'], summary.ingest));
    out();
  }
  if (summary.lookups.length) {
    out(table(['lookup', 'p50', 'p99', 'p99.9', 'max', 'load/others', 'target'], summary.lookups));
    out();
  }
  if (summary.stix.length) {
    out(table(['STIX import and export', 'wall', 'rate', 'size', 'peak RSS', 'load/others', 'target'], summary.stix));
    out();
  }
  if (summary.pattern.length) {
    out(table(['STIX pattern engine', 'rate', 'unit', 'load/others'], summary.pattern));
    out();
  }
  const big = results.runs.filter((r) => r.kind === 'list').sort((a, b) => b.size - a.size)[0];
  if (steps.has('ingest') && big?.maxRssKb) out(`peak RSS ingesting the ${fmt.int(big.size)}-line list: ${fmt.mb(big.maxRssKb)} (target < ${TARGET_RSS_MB} MB: ${verdict(big.maxRssKb / 1024 < TARGET_RSS_MB)})`);
  if (steps.has('ingest')) out(`ingest targets: >= ${fmt.int(TARGET_RATE)} indicators/s (aim ${fmt.int(AIM_RATE)}), within 3x of sort -u`);
  if (steps.has('lookups')) out(`lookup target: p99 < ${TARGET_P99_MS} ms`);
  if (steps.has('stix') || steps.has('export')) out(`STIX and export targets: ATT&CK import < ${TARGET_ATTACK_MS / 1000} s; generated bundle RSS < ${TARGET_BUNDLE_RSS_MB} MB; export RSS < ${TARGET_EXPORT_RSS_MB} MB; CSV >= ${fmt.int(TARGET_CSV_RATE)} indicators/s`);
  out('load/others: 1-minute load average at the end of the measurement / cores other processes used during it (2 cores: 1.0 = a whole core taken)');
  if (newestBuild() !== build) out('WARNING: dist/ was rebuilt while the bench ran; figures may mix two versions of tix. Run it again.');
  out(`bench finished in ${fmt.s(Date.now() - started)}`);
  results.finishedAt = new Date().toISOString();
  mkdirSync(DATA, { recursive: true });
  writeFileSync(join(DATA, 'last-results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error) => {
  progress.clear();
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
