// STIX and export benchmarks through the real CLI (dist/; run `npm run build` first):
//   1. import of the ATT&CK Mobile bundle (4 MB, 2,148 objects, no indicators): wall and peak RSS (target < 2 s)
//   2. import of a generated STIX 2.1 bundle of TIX_BENCH_STIX_MB megabytes (default 1024; 0 skips):
//      objects/s, values/s and peak RSS (target < 1 GB RSS)
//   3. export of a store of TIX_BENCH_EXPORT_STORE values (default 1,000,000, the bench's plain list)
//      as STIX 2.1, CSV and Suricata: indicators/s, bytes and peak RSS (targets: RSS < 300 MB, CSV ≥ 100,000/s)
// Prints figures; asserts nothing but that every step ran.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus } from './lib/generate.js';
import { ensureBundle } from './lib/bundle.js';
import { runMeasured } from './lib/proc.js';
import { fmt, out, table } from './lib/report.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const DATA = join(BENCH, '.data');
const TIX = join(ROOT, 'bin', 'tix.js');
const ATTACK = join(ROOT, 'test', 'fixtures', 'stix', 'stix21', 'mitre-attack', 'mobile-attack-17.1.json');
const STIX_MB = Number(process.env.TIX_BENCH_STIX_MB ?? 1024);
const EXPORT_STORE = Number(process.env.TIX_BENCH_EXPORT_STORE ?? 1_000_000);
const EXPORT_FORMATS = (process.env.TIX_BENCH_EXPORT_FORMATS || 'stix,csv,suricata').split(',').map((s) => s.trim()).filter(Boolean);
const base = process.env.TIX_BENCH_TMP || tmpdir();
const mb = (kb) => (kb === undefined ? '?' : `${Math.round(kb / 1024)} MB`);

async function tix(data, args, watch) {
  const result = await runMeasured(process.execPath, [TIX, '--data', data, ...args], watch ? { watch } : {});
  if (typeof result.code !== 'number' || result.code > 1) throw new Error(`tix ${args.join(' ')} failed (${result.code}): ${result.stderr.slice(0, 2000)}`);
  return result;
}

const rows = [];
const fresh = () => mkdtempSync(join(base, 'tix-bench-stix-'));

{
  const data = fresh();
  const result = await tix(data, ['ingest', '--json', '-q', ATTACK]);
  const summary = JSON.parse(result.stdout).results[0];
  rows.push(['import ATT&CK Mobile (4 MB)', `${fmt.s(result.wallMs)}`, `${summary.objects} objects`, mb(result.maxRssKb), result.wallMs < 2000 ? 'met (< 2 s)' : 'MISSED (< 2 s)']);
  rmSync(data, { recursive: true, force: true });
}

if (STIX_MB > 0) {
  out(`generating (or reusing) a ${STIX_MB} MB STIX bundle in ${DATA} …`);
  const file = await ensureBundle(DATA, STIX_MB);
  const data = fresh();
  const result = await tix(data, ['ingest', '--json', '-q', file], file);
  const summary = JSON.parse(result.stdout).results[0];
  const seconds = result.wallMs / 1000;
  rows.push([
    `import generated bundle (${fmt.int(Math.round(statSync(file).size / 2 ** 20))} MB)`,
    `${fmt.s(result.wallMs)}`,
    `${fmt.int(Math.round(summary.objects / seconds))} objects/s, ${fmt.int(Math.round(summary.accepted / seconds))} values/s`,
    mb(result.maxRssKb),
    result.maxRssKb < 1024 * 1024 ? 'met (< 1 GB)' : 'MISSED (< 1 GB)',
  ]);
  rmSync(data, { recursive: true, force: true });
}

if (EXPORT_STORE > 0 && EXPORT_FORMATS.length) {
  const list = (await ensureCorpus(DATA, 'list', EXPORT_STORE)).paths.data;
  const data = fresh();
  await tix(data, ['ingest', '--json', '-q', list]);
  for (const format of EXPORT_FORMATS) {
    const target = join(data, `export.${format}`);
    const result = await tix(data, ['export', format, '-a', '-o', target]);
    const written = Number(/exported (\d+)/.exec(result.stderr)?.[1] ?? 0);
    const rate = written / (result.wallMs / 1000);
    const verdicts = [result.maxRssKb < 300 * 1024 ? 'RSS met (< 300 MB)' : 'RSS MISSED (< 300 MB)'];
    if (format === 'csv') verdicts.push(rate >= 100_000 ? 'rate met (≥ 100k/s)' : 'rate MISSED (≥ 100k/s)');
    rows.push([`export ${fmt.int(written)} as ${format}`, `${fmt.s(result.wallMs)}`, `${fmt.int(Math.round(rate))} indicators/s, ${fmt.int(Math.round(statSync(target).size / 2 ** 20))} MB`, mb(result.maxRssKb), verdicts.join(', ')]);
  }
  rmSync(data, { recursive: true, force: true });
}

out('');
out(table(['step', 'wall', 'rate / size', 'peak RSS', 'target'], rows));
