// Export throughput: synthetic indicators (seeded, shaped like the ingest bench's mix) streamed
// through the exporters of dist/ (run `npm run build` first). Each format runs in a child process
// of its own, so its peak RSS is its own. Prints indicators/s, bytes written and peak RSS; asserts
// nothing but that each run finished. Usage:
//   node bench/export.js                      # 1,000,000 indicators (100,000 with TIX_BENCH_QUICK=1): stix, csv, suricata
//   TIX_BENCH_EXPORT_N=200000 TIX_BENCH_EXPORT_FORMATS=csv,suricata,zeek,nftables node bench/export.js
// `npm run bench` calls measureExporters() as part of its export step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRng } from './lib/prng.js';

const SELF = fileURLToPath(import.meta.url);
const N = Number(process.env.TIX_BENCH_EXPORT_N || (process.env.TIX_BENCH_QUICK === '1' ? 100_000 : 1_000_000));
const FORMATS = (process.env.TIX_BENCH_EXPORT_FORMATS || 'stix,csv,suricata').split(',').map((s) => s.trim()).filter(Boolean);
const TARGET = { csv: 100_000 };
const OPTIONS = { 'suricata-dataset': { type: 'domain,hostname' } };

const TLDS = ['com', 'net', 'org', 'xyz', 'top', 'ru', 'info', 'online', 'site', 'cn'];
const WORDS = ['update', 'secure', 'login', 'cdn', 'mail', 'portal', 'verify', 'cloud', 'account', 'files', 'dl', 'api'];
const PATHS = ['/bins/x86', '/gate.php', '/wp-content/plugins/a.php', '/invoice.exe', '/index.php?id=', '/x', '/mozi.m', '/download/file.zip'];
const SOURCES = ['feodo', 'threatfox', 'urlhaus', 'malwarebazaar', 'ipsum', 'maltrail'];
const MALWARE = ['Pikabot', 'Emotet', 'QakBot', 'AgentTesla', 'Mozi', 'CobaltStrike', 'RedLine'];
const THREATS = ['c2', 'payload-delivery', 'botnet', 'phishing', 'malware-download', 'scanner'];
const T0 = Date.UTC(2024, 0, 1);

/** The i-th synthetic indicator: 42% IPv4, 22% URLs, 15% names, 16% hashes, the rest ip:port, CIDR, IPv6. Values are canonical. */
function makeGenerator(seed) {
  const rng = createRng(seed);
  const ipv4 = () => `${1 + rng.int(223)}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
  const name = (i) => `${rng.pick(WORDS)}-${i.toString(36)}.${rng.pick(TLDS)}`;
  const weights = [42, 22, 8, 7, 8, 4, 4, 3, 1, 1];
  return (i) => {
    let type;
    let value;
    switch (rng.weighted(weights, 100)) {
      case 0: type = 'ipv4'; value = ipv4(); break;
      case 1: type = 'url'; value = `http://${rng.chance(0.4) ? ipv4() : name(i)}${rng.chance(0.2) ? `:${8000 + rng.int(1000)}` : ''}${rng.pick(PATHS)}${rng.chance(0.2) ? rng.int(99999) : ''}`; break;
      case 2: type = 'domain'; value = name(i); break;
      case 3: type = 'hostname'; value = `${rng.pick(WORDS)}.${name(i)}`; break;
      case 4: type = 'sha256'; value = rng.hex(64); break;
      case 5: type = 'md5'; value = rng.hex(32); break;
      case 6: type = 'sha1'; value = rng.hex(40); break;
      case 7: type = 'ip-port'; value = `${ipv4()}:${1 + rng.int(65535)}`; break;
      case 8: type = 'cidr'; value = `${1 + rng.int(223)}.${rng.int(256)}.${rng.int(256)}.0/24`; break;
      default: type = 'ipv6'; value = `2001:db8:${rng.int(65536).toString(16)}::${(1 + rng.int(65535)).toString(16)}`; break;
    }
    const seen = T0 + rng.int(300 * 86_400_000);
    return {
      type,
      value,
      firstSeen: seen,
      lastSeen: seen + rng.int(30 * 86_400_000),
      sources: rng.chance(0.2) ? [rng.pick(SOURCES), rng.pick(SOURCES)] : [rng.pick(SOURCES)],
      confidence: rng.chance(0.7) ? 50 + rng.int(51) : undefined,
      threatTypes: [rng.pick(THREATS)],
      malware: rng.chance(0.6) ? [rng.pick(MALWARE)] : [],
      tlp: rng.chance(0.8) ? 'clear' : 'amber',
      status: 'active',
      addedAt: seen,
    };
  };
}

/** One format in this process: generation timed alone first, then generation plus export. */
async function child(format) {
  const { createExporter, getExporter } = await import('../dist/export/registry.js');
  const module = getExporter(format);
  const types = module.types ? new Set(module.types) : undefined;
  let generate = makeGenerator(1);
  let started = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < N; i++) sink += generate(i).value.length;
  const generateNs = Number(process.hrtime.bigint() - started);

  generate = makeGenerator(1);
  const exporter = createExporter(format, { now: Date.UTC(2025, 0, 1), producer: { name: 'bench' }, options: OPTIONS[format] ?? {} });
  let bytes = 0;
  let written = 0;
  let typeSkipped = 0;
  started = process.hrtime.bigint();
  bytes += Buffer.byteLength(exporter.begin());
  // bytes are counted, not kept, as a writer to a file would hand them on
  for (let i = 0; i < N; i++) {
    const item = generate(i);
    if (types && !types.has(item.type)) {
      typeSkipped++;
      continue;
    }
    const text = exporter.indicator(item);
    if (text.length > 0) bytes += Buffer.byteLength(text);
    written++;
  }
  bytes += Buffer.byteLength(exporter.end());
  const totalNs = Number(process.hrtime.bigint() - started);
  const skipped = typeSkipped + (exporter.skipped ? exporter.skipped() : 0);
  process.stdout.write(
    JSON.stringify({ format, n: N, given: written, skipped, bytes, generateNs, totalNs, exportNs: Math.max(totalNs - generateNs, 1), maxRssKb: process.resourceUsage().maxRSS, sink }),
  );
}

/**
 * Each format in a child process of its own (so its peak RSS is its own): { format, n, given, skipped,
 * bytes, generateNs, exportNs, rate, maxRssKb } per format, or { format, error } when the child failed.
 */
export function measureExporters({ n = N, formats = FORMATS } = {}) {
  const results = [];
  for (const format of formats) {
    const result = spawnSync(process.execPath, [SELF, '--child', format], { encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, TIX_BENCH_EXPORT_N: String(n) } });
    if (result.status !== 0) {
      results.push({ format, error: `exit ${result.status}: ${result.stderr.slice(-2000)}` });
      continue;
    }
    const r = JSON.parse(result.stdout);
    results.push({ ...r, rate: r.n / (r.exportNs / 1e9) });
  }
  return results;
}

function parent() {
  console.log(`export bench: ${N.toLocaleString('en')} synthetic indicators per format (node ${process.version})\n`);
  const rows = [];
  for (const r of measureExporters()) {
    if (r.error) {
      console.error(`${r.format}: failed (${r.error})`);
      process.exitCode = 1;
      continue;
    }
    const target = TARGET[r.format];
    rows.push([
      r.format,
      `${Math.round(r.rate).toLocaleString('en')}/s`,
      `${(r.exportNs / 1e9).toFixed(2)} s`,
      `${(r.bytes / 1e6).toFixed(1)} MB`,
      `${(r.skipped).toLocaleString('en')}`,
      `${Math.round(r.maxRssKb / 1024)} MB`,
      target ? (r.rate >= target ? `≥ ${target.toLocaleString('en')}/s: met` : `≥ ${target.toLocaleString('en')}/s: NOT MET`) : '',
    ]);
  }
  const header = ['format', 'indicators/s', 'export time', 'written', 'skipped', 'peak RSS', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  console.log('\nindicators/s: all N indicators over export time (generation timed separately and taken out); skipped: types or values the format cannot express.');
}

if (process.argv[1] === SELF) {
  if (process.argv[2] === '--child') await child(process.argv[3]);
  else parent();
}
