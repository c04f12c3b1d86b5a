// STIX patterning throughput: parse rate over the real patterns in
// src/pattern/fixtures, indicator extraction, and matcher evaluations per
// second for a simple and a compound pattern, plus one sequence match.
// Prints figures only. Run after `npm run build`: node bench/pattern.js
// (`--json`: one JSON line instead, as `npm run bench` reads it; TIX_BENCH_QUICK=1: 0.3 s per figure).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePattern, matchSequence, matches, parsePattern, patternIndicators } from '../dist/pattern/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REAL = JSON.parse(readFileSync(join(ROOT, 'src', 'pattern', 'fixtures', 'real-patterns.json'), 'utf8')).map((row) => row.pattern);
const quick = process.env.TIX_BENCH_QUICK === '1';
const seconds = Number(process.env.TIX_BENCH_PATTERN_SECONDS || (quick ? 0.3 : 1.5));

/** Runs `fn` in batches until `seconds` have passed; returns calls per second. */
function rate(fn, batch = 1000) {
  for (let i = 0; i < batch; i++) fn(i); // warm up
  let calls = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < batch; i++) fn(calls + i);
    calls += batch;
    elapsed = process.hrtime.bigint() - start;
  }
  return calls / (Number(elapsed) / 1e9);
}

/** Every figure, in order: { key, label, rate, unit }. */
function measure() {
  const results = [];
  const add = (key, label, perSecond, unit) => results.push({ key, label, rate: perSecond, unit });
  const chars = REAL.reduce((sum, p) => sum + p.length, 0) / REAL.length;
  add('parse', `parse, real patterns (mean ${Math.round(chars)} chars)`, rate((i) => parsePattern(REAL[i % REAL.length])), 'patterns');
  add('indicators', 'patternIndicators, real patterns (parse + normalise)', rate((i) => patternIndicators(REAL[i % REAL.length])), 'patterns');
  add('compile', 'compile, real patterns', rate((i) => compilePattern(REAL[i % REAL.length])), 'patterns');

  // observations shaped like flattened network/file telemetry; one in eight matches
  const records = Array.from({ length: 64 }, (_, i) => ({
    'ipv4-addr:value': i % 8 === 0 ? '198.51.100.7' : `203.0.${i}.${(i * 7) % 250}`,
    'network-traffic:dst_ref.value': i % 8 === 0 ? '198.51.100.7' : `203.0.${i}.9`,
    'network-traffic:dst_port': i % 8 === 0 ? 443 : 1024 + i,
    'network-traffic:protocols': ['ipv4', 'tcp'],
    "file:hashes.'SHA-256'": `${i.toString(16).padStart(2, '0')}${'ab'.repeat(31)}`,
    'file:name': i % 8 === 0 ? 'invoice-2024.exe' : `report-${i}.pdf`,
  }));

  const simple = compilePattern("[ipv4-addr:value = '198.51.100.7']");
  const compound = compilePattern(
    "[network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24' AND network-traffic:dst_port IN (80, 443, 8443) AND network-traffic:protocols[*] = 'tcp']" +
      " OR [file:hashes.'SHA-256' = '" + 'ff'.repeat(32) + "' OR file:name MATCHES '^invoice-\\\\d+\\\\.exe$']",
  );
  let hits = 0;
  add('match-simple', 'matches, simple [ipv4-addr:value = …]', rate((i) => { if (matches(simple, records[i & 63])) hits++; }, 10000), 'evaluations');
  add('match-compound', 'matches, compound (ISSUBSET, IN, [*], OR, MATCHES)', rate((i) => { if (matches(compound, records[i & 63])) hits++; }, 10000), 'evaluations');

  // beaconing (STIX 2.1 section 9.8): 5 matching connections within 30 minutes among 1,000 observations
  const beacon = compilePattern("[network-traffic:dst_ref.value = '198.51.100.7'] REPEATS 5 TIMES WITHIN 1800 SECONDS");
  const timeline = Array.from({ length: 1000 }, (_, i) => ({ time: i * 60_000, values: records[(i * 5) & 63] }));
  add('sequence', 'matchSequence, REPEATS 5 TIMES WITHIN 1800 SECONDS, 1,000 obs.', rate(() => { if (matchSequence(beacon, timeline)) hits++; }, 10), 'sequences');
  if (hits === 0) throw new Error('no evaluation matched: the bench measures nothing');
  return { realPatterns: REAL.length, secondsPerFigure: seconds, results };
}

const measured = measure();
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(measured)}\n`);
} else {
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(`STIX patterning (${REAL.length} distinct real patterns; node ${process.version})`);
  for (const r of measured.results) console.log(`${r.label.padEnd(58)} ${fmt(r.rate).padStart(12)} ${r.unit}/s`);
}
