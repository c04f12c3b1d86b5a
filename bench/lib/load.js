// A small HTTP load generator for loopback benchmarks, run as its own process so it does not share
// the server's event loop: CONNECTIONS concurrent keep-alive clients, each requesting the next URL
// of a list (cycled) for SECONDS, recording every latency.
//   node bench/lib/load.js URLS_FILE SECONDS CONNECTIONS [AUTHORIZATION [ACCEPT]]
// Prints one JSON line: { requests, errors, seconds, rps, p50, p90, p99, max }.
import { readFileSync } from 'node:fs';

const [file, seconds = '5', connections = '20', authorization = '', accept = ''] = process.argv.slice(2);
const urls = readFileSync(file, 'utf8').trim().split('\n');
const headers = {};
if (authorization) headers.authorization = authorization;
if (accept) headers.accept = accept;
const latencies = [];
let errors = 0;
let next = 0;
const end = performance.now() + Number(seconds) * 1000;

async function client() {
  while (performance.now() < end) {
    const url = urls[next++ % urls.length];
    const started = performance.now();
    try {
      const response = await fetch(url, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) errors++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - started);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: Number(connections) }, client));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
process.stdout.write(`${JSON.stringify({ requests: latencies.length, errors, seconds: elapsed, rps: latencies.length / elapsed, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies.at(-1) ?? 0 })}\n`);
