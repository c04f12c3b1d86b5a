// Lookup latency over a built store, in process: the calls `tix search` and
// `tix show` make, timed one by one against the SqliteStore from dist/.
import { normalise } from '../../dist/normalise/index.js';
import { interpretSearch } from '../../dist/query/index.js';
import { SqliteStore } from '../../dist/store/sqlite/store.js';
import { createRng } from './prng.js';
import { ipText } from './values.js';
import { percentiles } from './report.js';

/** Values certainly not in the corpus: IPs in 198.18.0.0/15 (never generated), names with a label the generator never makes. */
function absentValues(count) {
  const rng = createRng(7);
  const kinds = ['ipv4', 'url', 'domain', 'sha256', 'md5', 'ip-port'];
  const values = [];
  for (let i = 0; i < count; i++) {
    const ip = ipText(((198 << 24) | ((18 + rng.int(2)) << 16) | rng.int(65536)) >>> 0);
    const name = `zz${rng.hex(10)}-absent.${rng.pick(['com', 'net', 'ru', 'xyz'])}`;
    const kind = kinds[i % kinds.length];
    const raw = { ipv4: ip, url: `http://${name}/x.exe`, domain: name, sha256: rng.hex(64), md5: rng.hex(32), 'ip-port': `${ip}:4444` }[kind];
    values.push(raw);
  }
  return values;
}

/** Canonical {type, value} for raw values, as `tix search` would normalise what is typed. */
function canonical(raws) {
  const out = [];
  for (const raw of raws) {
    const n = normalise(raw);
    if (n.ok) out.push({ type: n.type, value: n.value });
  }
  return out;
}

function cycle(list, count) {
  return Array.from({ length: Math.min(count, list.length ? count : 0) }, (_, i) => list[i % list.length]);
}

async function series(label, inputs, call, onProgress) {
  globalThis.gc?.();
  const times = new Float64Array(inputs.length);
  let hits = 0;
  for (let i = 0; i < inputs.length; i++) {
    const started = performance.now();
    const result = await call(inputs[i]);
    times[i] = performance.now() - started;
    if (result && (result.items ? result.items.length > 0 : true)) hits++;
    if ((i & 255) === 0) onProgress?.(`${label}: ${i.toLocaleString('en')}/${inputs.length.toLocaleString('en')}`);
  }
  return { label, hits, ...percentiles(times) };
}

/**
 * Opens the store in `dataDir` and times, for `count` present and `count`
 * absent values: exact search, get (the `tix show` read), IP search with CIDR
 * containment, and domain search with everything below it.
 */
export async function measureLookups(dataDir, samples, { count = 10000, onProgress } = {}) {
  const store = SqliteStore.open(dataDir);
  try {
    const now = Date.now();
    const present = cycle(canonical(samples.present.map((sample) => sample.value)), count);
    const absent = cycle(canonical(absentValues(count)), count);
    const queryOf = (raw) => ({ ...interpretSearch(raw), now, limit: 10 });
    const ipCount = Math.min(count, 2000);
    const ips = cycle(samples.ips, ipCount).map(queryOf);
    const noIps = absentValues(ipCount * 6).filter((_, i) => i % 6 === 0).map(queryOf);
    const domains = cycle(samples.domains, ipCount).map(queryOf);
    const noDomains = absentValues(ipCount * 6).filter((_, i) => i % 6 === 2).map(queryOf);
    const openStarted = performance.now();
    const first = await store.search({ values: [present[0]], now, limit: 10 });
    const firstMs = performance.now() - openStarted;
    // warm-up, untimed: statement preparation and the first pages into the cache
    for (const q of present.slice(0, 200)) await store.search({ values: [q], now, limit: 10 });
    const search = (q) => store.search({ values: [q], now, limit: 10 });
    const get = async (q) => store.get(q.type, q.value, now);
    const query = (q) => store.search(q);
    const results = [
      await series('search exact, present', present, search, onProgress),
      await series('search exact, absent', absent, search, onProgress),
      await series('get (tix show), present', present, get, onProgress),
      await series('get (tix show), absent', absent, get, onProgress),
      await series('search IP: within+containing, present', ips, query, onProgress),
      await series('search IP: within+containing, absent', noIps, query, onProgress),
      await series('search domain: under, present', domains, query, onProgress),
      await series('search domain: under, absent', noDomains, query, onProgress),
    ];
    return { firstMs, firstFound: first.items.length, prefixes: await store.cidrPrefixes(), results };
  } finally {
    await store.close();
  }
}
