// The HTTP load generator of the loopback benchmarks (autocannon), run as its own process so it does
// not share the server's event loop: CONNECTIONS concurrent keep-alive connections, each requesting
// the URLs of a list in turn (cycled) for SECONDS, each connection from its own place in the list, so
// that concurrent requests never ask for the same thing. The same load runs unmeasured for
// TIX_BENCH_WARMUP_SECONDS (2) first: a process just started has neither its JIT nor its caches warm.
//   node bench/lib/load.js URLS_FILE SECONDS CONNECTIONS [AUTHORIZATION [ACCEPT]]
// Prints one JSON line: { requests, errors, seconds, rps, p50, p90, p99, max } (latencies in ms;
// errors counts failed requests and non-200 answers).
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [file, seconds = '5', connections = '20', authorization = '', accept = ''] = process.argv.slice(2);
const urls = readFileSync(file, 'utf8').trim().split('\n').map((line) => new URL(line));
const headers = {};
if (authorization) headers.authorization = authorization;
if (accept) headers.accept = accept;

const requests = urls.map((url) => ({ method: 'GET', path: `${url.pathname}${url.search}` }));
let clients = 0;
const result = await autocannon({
  url: urls[0].origin,
  connections: Number(connections),
  duration: Number(seconds),
  headers,
  requests,
  warmup: { connections: Number(connections), duration: Number(process.env.TIX_BENCH_WARMUP_SECONDS ?? 2) },
  setupClient(client) {
    const from = Math.floor((clients++ * requests.length) / Number(connections));
    client.setRequests([...requests.slice(from), ...requests.slice(0, from)]);
  },
});
const total = result.requests.total;
process.stdout.write(
  `${JSON.stringify({
    requests: total,
    errors: result.errors + result.timeouts + result.non2xx,
    seconds: result.duration,
    rps: total / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  })}\n`,
);
