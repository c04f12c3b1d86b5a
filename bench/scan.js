// Evidence scanning: throughput of `tix scan` on generated Zeek TSV conn/dns/http
// logs and a Suricata EVE file, matched against N generated indicators (1M by
// default) loaded from an intel snapshot, side by side with `grep -F -f
// values.txt` over the same bytes (capped in time); the index's load time and
// memory against the raw size of the indicator text; file-tree hashing against
// `sha256sum` (a tree of TIX_BENCH_SCAN_HASH_GB, 2 by default); and one scan of a whole evidence set of TIX_BENCH_SCAN_LARGE_GB (10 by default) of
// Zeek and Suricata logs on every core. Run: npm run bench:scan (TIX_BENCH_QUICK=1: 100k indicators,
// 16 MB logs, a 0.25 GB set; TIX_BENCH_SCAN_INDICATORS, TIX_BENCH_SCAN_MB to choose;
// TIX_BENCH_SCAN_LOGS=0: the index figures only, e.g. for 10M indicators). Each log draws
// TIX_BENCH_SCAN_HIT_RATE (0.002) of its addresses, names and URLs from the intel, and its other
// values are checked to be listed nowhere in it, so the share of lines that hit does not grow with
// the number of indicators; one more conn log draws 5% to show what reporting many hits costs.
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntelIndexBuilder } from '../dist/scan/index/intel-index.js';
import { encodeSnapshot } from '../dist/scan/index/snapshot.js';
import { createRng } from './lib/prng.js';
import { writeLog } from './lib/scan-logs.js';
import { fmt, out, table } from './lib/report.js';
import { ipText, ValueFactory } from './lib/values.js';
import { Listed } from './lib/listed.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.env.TIX_BENCH_QUICK === '1';
const INDICATORS = Number(process.env.TIX_BENCH_SCAN_INDICATORS || (quick ? 100_000 : 1_000_000));
const MB = Number(process.env.TIX_BENCH_SCAN_MB || (quick ? 16 : 100));
const HIT_RATE = Number(process.env.TIX_BENCH_SCAN_HIT_RATE || 0.002);
const GREP_SECONDS = Number(process.env.TIX_BENCH_GREP_SECONDS || (quick ? 10 : 30));
/** How much of the evidence set grep is timed over, and for how long at most. */
const GREP_SET_GB = Number(process.env.TIX_BENCH_GREP_SET_GB || (quick ? 0.05 : 1));
const GREP_SET_SECONDS = Number(process.env.TIX_BENCH_GREP_SET_SECONDS || (quick ? 30 : 300));
const LARGE_GB = Number(process.env.TIX_BENCH_SCAN_LARGE_GB ?? (quick ? 0.25 : 10));
const KIND_GB = Number(process.env.TIX_BENCH_SCAN_KIND_GB ?? (quick ? 0.1 : 1));
const HASH_GB = Number(process.env.TIX_BENCH_SCAN_HASH_GB ?? (quick ? 0.25 : 2));
const DIR = join(ROOT, 'bench', '.data', 'scan');
const TIX = join(ROOT, 'bin', 'tix.js');
mkdirSync(DIR, { recursive: true });

const META = { sources: ['bench-feed'], tlp: 'clear', malware: ['BenchBot'], threatTypes: ['c2'], confidence: 75 };

/** N indicators of the mix feeds have, as values.txt (one per line) and an intel snapshot. */
async function intel() {
  const values = join(DIR, `values-${INDICATORS}.txt`);
  const snapshot = join(DIR, `intel-${INDICATORS}.tixsnap`);
  const listed = new Listed();
  const sample = { ipv4: [], host: [], url: [], listed };
  const rng = createRng(4242);
  const factory = new ValueFactory(rng);
  const builder = new IntelIndexBuilder();
  const text = createWriteStream(values);
  let lines = [];
  const started = Date.now();
  for (let i = 0; i < INDICATORS; i++) {
    const r = rng.float();
    let type;
    let value;
    if (r < 0.4) [type, value] = ['ipv4', factory.ipv4()];
    else if (r < 0.55) [type, value] = ['hostname', factory.hostname()];
    else if (r < 0.62) [type, value] = ['domain', factory.domain()];
    else if (r < 0.82) [type, value] = ['url', factory.url()];
    else if (r < 0.9) [type, value] = ['sha256', factory.sha256()];
    else if (r < 0.95) [type, value] = ['ip-port', factory.ipPort()];
    else if (r < 0.97) [type, value] = ['cidr', factory.cidr()];
    else [type, value] = ['md5', factory.md5()];
    builder.add(type, value, META);
    lines.push(value);
    list(listed, type, value);
    if (type === 'cidr' && sample.ipv4.length < 5500) sample.ipv4.push(ipText(addressIn(value, rng)));
    if (type === 'ipv4' && sample.ipv4.length < 5000) sample.ipv4.push(value);
    if ((type === 'hostname' || type === 'domain') && sample.host.length < 5000) sample.host.push(value);
    if (type === 'url' && sample.url.length < 5000 && /^http:\/\/[^/:]+\//.test(value)) sample.url.push(value);
    if (lines.length === 10000) {
      if (!text.write(`${lines.join('\n')}\n`)) await once(text, 'drain');
      lines = [];
    }
  }
  // no empty last line: grep -f takes an empty line for a pattern that every line matches
  text.end(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  await once(text, 'finish');
  listed.seal();
  const parts = builder.build();
  const built = Date.now() - started;
  const { chunks, id } = encodeSnapshot(parts, { createdAt: new Date().toISOString(), tool: 'bench', filters: {}, indicators: INDICATORS });
  writeFileSync(snapshot, Buffer.concat(chunks));
  return { values, snapshot, sample, built, id };
}

/** Notes what an indicator lists, so that the generated traffic draws no other hit. */
function list(listed, type, value) {
  if (type === 'ipv4') listed.addAddress(ipNumberOf(value));
  else if (type === 'ip-port') listed.addAddress(ipNumberOf(value.slice(0, value.lastIndexOf(':'))));
  else if (type === 'cidr') {
    const [network, prefix] = value.split('/');
    listed.addNetwork(ipNumberOf(network), Number(prefix));
  } else if (type === 'hostname' || type === 'domain') listed.addName(value);
  else if (type === 'url') {
    // a URL's host hits as a weak match: neither it nor its address may turn up by chance either
    const host = /^https?:\/\/([^/:]+)/.exec(value)[1];
    if (/^[\d.]+$/.test(host)) listed.addAddress(ipNumberOf(host));
    else listed.addName(host);
  }
}

const ipNumberOf = (text) => text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);

/** A random address inside a CIDR, so that some hits come through the listed networks. */
function addressIn(cidr, rng) {
  const [network, prefix] = cidr.split('/');
  return ipNumberOf(network) + rng.int(2 ** (32 - Number(prefix)));
}

/** Loads the snapshot in three fresh processes: the median of each figure (a process's RSS moves by a few MB from run to run). */
function loadFigures(snapshot) {
  const runs = [0, 1, 2].map(() => loadOnce(snapshot));
  const median = (pick) => runs.map(pick).sort((a, b) => a - b)[1];
  return { ms: median((r) => r.ms), rss: median((r) => r.rss), heap: median((r) => r.heap), arrays: runs[0].arrays };
}

/** Loads the snapshot in a fresh process: time, and memory added over a process that loaded nothing. */
function loadOnce(snapshot) {
  const script = `
    const { loadSnapshot } = await import(${JSON.stringify(join(ROOT, 'dist', 'ops', 'scan', 'intel.js'))});
    globalThis.gc?.();
    const before = process.memoryUsage();
    const t = performance.now();
    const intel = loadSnapshot(${JSON.stringify(snapshot)});
    const ms = performance.now() - t;
    globalThis.gc?.();
    const after = process.memoryUsage();
    const arrays = intel.index.parts.table;
    const bytes = arrays.fingerprints.byteLength + arrays.filter.byteLength + arrays.values.byteLength + arrays.dir.byteLength + arrays.arena.byteLength + intel.index.parts.cidr.nets.byteLength * 2 + intel.index.parts.blocks.ipv4.byteLength + intel.index.parts.blocks.ipPort.byteLength;
    console.log(JSON.stringify({ ms, rss: after.rss - before.rss, heap: after.heapUsed - before.heapUsed, arrays: bytes }));`;
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

/** Wall time, and the CPU time the command used (user + system, from GNU time): on a shared machine the CPU time is the fair per-core figure. */
function time(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', 'TIXCPU %U %S', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = /TIXCPU ([\d.]+) ([\d.]+)/.exec(run.stderr ?? '');
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN, run };
}

const mbps = (bytes, ms) => bytes / 2 ** 20 / (ms / 1000);

/** `grep -F -c -f patterns` over `paths` one after another, stopped after `seconds`: its wall time, whether it finished, and the lines it counted. */
function grepOver(patterns, paths, seconds = GREP_SECONDS) {
  const start = process.hrtime.bigint();
  const grep = spawnSync('sh', ['-c', `cat ${paths.map((p) => `"${p}"`).join(' ')} | timeout ${seconds} grep -F -c -f "${patterns}"`], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, finished: grep.status === 0 || grep.status === 1, lines: grep.stdout.trim() };
}

/**
 * grep's start alone (reading the patterns and building its automaton, over no input): the least of up to
 * three runs, fewer when one takes long (10M patterns); `finished` false if it did not start within GREP_SET_SECONDS.
 */
function grepStart(patterns) {
  let best = Number.POSITIVE_INFINITY;
  let finished = false;
  let spent = 0;
  for (let i = 0; i < 3 && spent < 60_000; i++) {
    const run = grepOver(patterns, ['/dev/null'], GREP_SET_SECONDS);
    spent += run.ms;
    if (run.finished) {
      best = Math.min(best, run.ms);
      finished = true;
    } else break;
  }
  return { ms: finished ? best : spent, finished };
}

async function main() {
  out(`# tix scan benchmark: ${fmt.int(INDICATORS)} indicators, ${MB} MB per log, ${availableParallelism()} cores`);
  const { values, snapshot, sample, built } = await intel();
  const rawBytes = statSync(values).size;
  const load = loadFigures(snapshot);
  out('');
  out(table(['index', 'measured', 'target'], [
    ['indicators', fmt.int(INDICATORS), ''],
    ['raw indicator text (values.txt)', fmt.bytes(rawBytes), ''],
    ['built in', fmt.s(built), ''],
    ['IPv4 addresses the IP, ip:port, URL and CIDR indicators cover', `${fmt.int(sample.listed.addresses())} (${((sample.listed.addresses() / 2 ** 32) * 100).toFixed(2)}% of the space)`, ''],
    ['snapshot file', fmt.bytes(statSync(snapshot).size), ''],
    ['load + verify from snapshot', fmt.ms(load.ms), '< 3 s for 10M'],
    ['index arrays in memory', `${fmt.bytes(load.arrays)} (${(load.arrays / rawBytes).toFixed(2)}x raw)`, '≤ 1.5x raw'],
    ['process memory added by the load (RSS)', `${fmt.bytes(load.rss)} (${(load.rss / rawBytes).toFixed(2)}x raw)`, '≤ 1.5x raw'],
  ]));

  if (process.env.TIX_BENCH_SCAN_LOGS === '0') return;
  // the fixed cost of a run (process start, snapshot load, report), measured on an empty log and taken off the per-core figure
  const empty = join(DIR, 'empty.log');
  writeFileSync(empty, '');
  // the least of three: a noisy run would make the fixed cost, and so every rate below, look larger
  const fixed = [0, 1, 2].map(() => time(process.execPath, [TIX, 'scan', '--intel', snapshot, '--report', 'jsonl', '-o', '/dev/null', empty])).reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
  out('');
  out(`fixed cost of one run (start, snapshot load, report): ${fmt.s(fixed.ms)} wall, ${fmt.s(fixed.cpuMs)} CPU; load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
  const rows = [];
  const files = [];
  const start = grepStart(values);
  const grepStartMs = start.ms;
  out(`grep -F -f values.txt, its start alone (over no input): ${start.finished ? '' : 'more than '}${fmt.s(grepStartMs)}`);
  // each log draws HIT_RATE of its addresses, names and URLs from the intel and no other hit; the last
  // row shows what reporting costs when a log hits far more often
  for (const { kind, hitRate, label } of [...['conn', 'dns', 'http', 'eve'].map((kind) => ({ kind, hitRate: HIT_RATE, label: kind })), { kind: 'conn', hitRate: 0.05, label: 'conn, 5% drawn from the intel' }]) {
    const path = join(DIR, `${kind}-${MB}mb-${INDICATORS}-hits${hitRate}.log`);
    if (!existsSync(path)) await writeLog(kind, path, MB, sample, 7, hitRate);
    if (hitRate === HIT_RATE) files.push(path);
    const bytes = statSync(path).size;
    const runs = {};
    // the same log twice in one process: the second pass runs on code the first has compiled, at the rate a large input runs
    const again = `${path}.again`;
    rmSync(again, { force: true });
    linkSync(path, again);
    // the least CPU time of three runs of each, then the difference: a noisy run only ever adds time
    const cpuOf = (inputs) => time(process.execPath, [TIX, 'scan', '--intel', snapshot, '--threads', '0', '--report', 'jsonl', '-o', '/dev/null', ...inputs]).cpuMs;
    const tries = [0, 1, 2].map(() => [cpuOf([path]), cpuOf([path, again])]);
    const warmCpuMs = Math.min(...tries.map(([, two]) => two)) - Math.min(...tries.map(([one]) => one));
    for (const threads of [0, availableParallelism()]) {
      const { ms, cpuMs, run } = time(process.execPath, [TIX, 'scan', '--intel', snapshot, '--threads', String(threads), '--report', 'jsonl', '-o', join(DIR, `report-${kind}.jsonl`), path]);
      if (run.status !== 0 && run.status !== 1) throw new Error(`tix scan failed: ${run.stderr}`);
      const report = readFileSync(join(DIR, `report-${kind}.jsonl`), 'utf8');
      const hits = (report.match(/"kind":"finding"/g) ?? []).length;
      const hitLines = new Set([...report.matchAll(/"kind":"finding","file":"[^"]*","line":(\d+)/g)].map((m) => m[1])).size;
      runs[threads] = { ms, cpuMs, hits, hitLines };
    }
    const { ms: grepMs, finished, lines } = grepOver(values, [path]);
    const grepRate = finished ? `${mbps(bytes, grepMs).toFixed(1)} MB/s (${lines} lines)` : `< ${mbps(bytes, grepMs).toFixed(2)} MB/s (stopped after ${GREP_SECONDS} s)`;
    // grep's rate once it has started (building its automaton of the patterns takes it seconds, timed apart)
    const pastStart = finished && start.finished && grepMs > grepStartMs ? `${mbps(bytes, grepMs - grepStartMs).toFixed(1)} MB/s` : '';
    const single = runs[0];
    const multi = runs[availableParallelism()];
    rows.push([
      label, fmt.bytes(bytes),
      `${mbps(bytes, single.ms).toFixed(1)} MB/s`,
      `${mbps(bytes, Math.min(single.cpuMs, ...tries.map(([one]) => one)) - fixed.cpuMs).toFixed(1)} MB/s`,
      `${mbps(bytes, warmCpuMs).toFixed(1)} MB/s`,
      `${mbps(bytes, multi.ms).toFixed(1)} MB/s`,
      `${single.hits} in ${single.hitLines} lines`,
      grepRate,
      pastStart,
      finished ? fmt.x(grepMs / multi.ms) : `> ${fmt.x(grepMs / multi.ms)}`,
    ]);
  }
  out('');
  out(table(['log', 'size', 'tix 1 thread, wall', 'per CPU second, one run', 'per CPU second, warm', `tix --threads ${availableParallelism()}, wall (threads start from 256 MiB of input)`, 'tix findings', 'grep -F -f values.txt, wall (lines it prints)', 'grep past its start', 'tix faster, wall'], rows));
  out('target: ≥ 150 MB/s per core. Wall figures include process start and the snapshot load. "Per CPU second, one run" is the log bytes over the least CPU time of four 1-thread runs less the fixed cost (which holds on a shared machine); it still carries the one-off cost of compiling the scanner\'s hot code as it warms up. "Warm" is the log bytes over the CPU time a second pass of the same log adds to a run (the least CPU time of three runs with the log twice, less that of three with it once): the rate a large input runs at.');

  oneThreadAtLength(snapshot, files);
  await largeSet(snapshot, files, values, start);

  if (HASH_GB <= 0) return;
  // file-tree hashing: the generated logs linked into a tree of HASH_GB, page cache warm for both
  const tree = join(DIR, `tree-${HASH_GB}gb`);
  const treeFiles = linkedSet(tree, files, HASH_GB);
  spawnSync('sh', ['-c', `cat ${files.map((f) => `"${f}"`).join(' ')} > /dev/null`]);
  const treeBytes = treeFiles.reduce((sum, f) => sum + statSync(f).size, 0);
  const hashing = time(process.execPath, [TIX, 'scan', '--files', '--intel', snapshot, '--report', 'jsonl', '-o', '/dev/null', tree]);
  const sha = time('sha256sum', treeFiles);
  rmSync(tree, { recursive: true, force: true });
  out('');
  out(table(['file-tree hashing', 'measured'], [
    [`tix scan --files (MD5 + SHA-1 + SHA-256), ${treeFiles.length} files, ${fmt.bytes(treeBytes)}`, `${mbps(treeBytes, hashing.ms).toFixed(0)} MB/s (${fmt.s(hashing.ms)}, the run's start included)`],
    ['sha256sum, same files', `${mbps(treeBytes, sha.ms).toFixed(0)} MB/s (${fmt.s(sha.ms)})`],
  ]));
}

/** `files` linked again and again under new names in `dir` (made afresh) up to `gb`; the paths. */
function linkedSet(dir, files, gb) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const paths = [];
  let bytes = 0;
  for (let i = 0; bytes < gb * 2 ** 30; i++) {
    const file = files[i % files.length];
    const path = join(dir, `${String(i).padStart(4, '0')}-${basename(file)}`);
    linkSync(file, path);
    paths.push(path);
    bytes += statSync(file).size;
  }
  return paths;
}

/**
 * Each kind of log at length on one thread: KIND_GB of it (the log linked again and again) in one run, its
 * CPU time taken whole (start, snapshot load, the scanner's warm-up, hashing for the chain of custody): the
 * rate per core a large input of that kind is scanned at.
 */
function oneThreadAtLength(snapshot, files) {
  if (KIND_GB <= 0) return;
  const rows = [];
  for (const file of files) {
    const kind = /\/(\w+)-\d+mb-/.exec(file)[1];
    const dir = join(DIR, `kind-${kind}`);
    const bytes = linkedSet(dir, [file], KIND_GB).reduce((sum, f) => sum + statSync(f).size, 0);
    const { ms, cpuMs, run } = time(process.execPath, [TIX, 'scan', '--intel', snapshot, '--threads', '0', '--report', 'jsonl', '-o', '/dev/null', dir]);
    rmSync(dir, { recursive: true, force: true });
    if (run.status !== 0 && run.status !== 1) throw new Error(`tix scan failed: ${run.stderr}`);
    const perCpu = mbps(bytes, cpuMs);
    rows.push([kind, fmt.bytes(bytes), `${fmt.s(ms)} (${mbps(bytes, ms).toFixed(0)} MB/s)`, `${perCpu.toFixed(0)} MB/s`, `≥ 150 MB/s: ${perCpu >= 150 ? 'met' : 'MISSED'}`]);
  }
  out('');
  out(table(['log, one thread, at length', 'size', 'wall', 'per CPU second, all of the run', 'target'], rows));
}

/**
 * The issue's figure for a whole evidence set: LARGE_GB of Zeek conn and Suricata EVE logs (the generated
 * logs linked again and again under new names, so the page cache holds them: this measures the scan, not
 * the disk) scanned by one `tix scan DIR` on every core.
 */
async function largeSet(snapshot, files, values, start) {
  if (LARGE_GB <= 0) return;
  const logs = files.filter((f) => /\/(conn|eve)-/.test(f));
  const dir = join(DIR, `large-${LARGE_GB}gb`);
  const linked = linkedSet(dir, logs, LARGE_GB);
  const bytes = linked.reduce((sum, f) => sum + statSync(f).size, 0);
  // grep over the same set, estimated (over all of it, it would take many minutes): its start once, then the
  // rest at the rate it read the set's first GREP_SET_GB (the same mix of logs), timed in one run
  const sample = [];
  let sampleBytes = 0;
  for (const file of linked) {
    // whole rounds of the logs, so the sample has the set's mix
    if (sampleBytes >= GREP_SET_GB * 2 ** 30 && sample.length % logs.length === 0) break;
    sample.push(file);
    sampleBytes += statSync(file).size;
  }
  spawnSync('sh', ['-c', `cat ${logs.map((f) => `"${f}"`).join(' ')} > /dev/null`]);
  const grepSample = grepOver(values, sample, GREP_SET_SECONDS);
  const grepFinished = grepSample.finished && start.finished;
  const grepMs = start.ms + Math.max(0, grepSample.ms - start.ms) * (bytes / sampleBytes);
  const { ms, cpuMs, run } = time(process.execPath, [TIX, 'scan', '--intel', snapshot, '--threads', String(availableParallelism()), '--report', 'jsonl', '-o', '/dev/null', dir]);
  rmSync(dir, { recursive: true, force: true });
  if (run.status !== 0 && run.status !== 1) throw new Error(`tix scan failed: ${run.stderr}`);
  const tenGb = (ms / bytes) * 10 * 2 ** 30;
  out('');
  out(table(['evidence set', 'measured', 'target'], [
    [`${fmt.bytes(bytes)} of Zeek conn and Suricata EVE logs, ${availableParallelism()} threads, wall`, `${fmt.s(ms)} (${mbps(bytes, ms).toFixed(0)} MB/s)`, ''],
    ['the same, for 10 GB', fmt.s(tenGb), `< 45 s: ${tenGb < 45_000 ? 'met' : 'MISSED'}`],
    ['log bytes per CPU second, all threads', `${mbps(bytes, cpuMs).toFixed(0)} MB/s`, '≥ 150 MB/s per core'],
    [
      `grep -F -f values.txt over the same set, one thread (estimated: its start, then the rest at its rate past its start over the set's first ${fmt.bytes(sampleBytes)}, ${fmt.s(grepSample.ms)}${grepFinished ? '' : ', stopped'})`,
      `${grepFinished ? '' : 'more than '}${fmt.s(grepMs)} (${grepFinished ? '' : 'under '}${mbps(bytes, grepMs).toFixed(1)} MB/s): tix ${grepFinished ? '' : 'more than '}${fmt.x(grepMs / ms)} faster`,
      `> 25x: ${grepMs / ms > 25 ? 'met' : 'MISSED'}`,
    ],
  ]));
}

await main();
