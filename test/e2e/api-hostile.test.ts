/**
 * Hostile input over HTTP: garbage, SQL metacharacters, huge values, path
 * traversal and malformed bodies on every route never crash the server or
 * earn a 5xx, and every refusal is problem+json naming what is wrong; body
 * size limits; per-key rate limits, and failed sign-ins limited per address.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, isProblem, makeKey, openApiWorld, type ApiWorld, type Reply } from '../helpers/api.ts';

const API = '/api/v1';

/** A seeded generator (mulberry32): the same garbage on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  "' OR '1'='1",
  '"; DROP TABLE indicators; --',
  "1.2.3.4' UNION SELECT password_hash FROM users --",
  '%',
  '_',
  '\\',
  '../../../../etc/passwd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%00',
  '\u0000',
  '\u202e\u{1F4A5}',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'A'.repeat(9000),
  '9'.repeat(400),
  '-1',
  '1e400',
  'NaN',
  '[]',
  '{}',
  'true',
];

const FILTERS = ['q', 'type', 'source', 'malware', 'threat', 'tag', 'since', 'min_confidence', 'max_tlp', 'reliability', 'max_accuracy', 'max_pap', 'all'];
/** Route templates (`{}` is a path slot that gets garbage too) and the query parameters each reads: garbage goes into real parameters, past the first check. */
const GETS: Array<[string, string[]]> = [
  [`${API}/indicators`, [...FILTERS, 'limit', 'next']],
  [`${API}/indicators/count`, FILTERS],
  [`${API}/indicators/{}/{}`, []],
  [`${API}/indicators/ipv4/{}`, []],
  [`${API}/objects`, ['type', 'id', 'added_after', 'versions', 'limit', 'next']],
  [`${API}/objects/{}`, []],
  [`${API}/sightings`, ['type', 'value', 'object_id', 'mine', 'since', 'limit', 'next']],
  [`${API}/sources`, []],
  [`${API}/exports/{}`, ['q', 'producer', 'option.zone']],
  [`${API}/exports/rpz`, [...FILTERS, 'producer', 'option.zone', 'option.action', 'option.nope']],
  [`${API}/organisations`, []],
  [`${API}/agreements`, []],
  [`${API}/users`, ['org']],
  [`${API}/keys`, ['org']],
];
const STRANGE_NAMES = ['__proto__', 'constructor', 'limit[]', 'q[0]', ''];
const POSTS = [`${API}/indicators`, `${API}/indicators/revoke`, `${API}/sightings`, `${API}/organisations`, `${API}/agreements`, `${API}/users`, `${API}/keys`, `${API}/keys/{}/revoke`];

function assertHandled(reply: Reply, what: string): void {
  assert.ok(reply.status < 500, `${what}: ${reply.status} ${reply.text.slice(0, 300)}`);
  // 431 (headers too large) is Node's own answer, before the application sees the request
  if (reply.status >= 400 && reply.status !== 431) assert.ok(isProblem(reply, reply.status), `${what}: not problem+json: ${reply.status} ${reply.text.slice(0, 200)}`);
}

describe('REST API under hostile input', () => {
  let w: ApiWorld;
  before(async () => {
    w = await openApiWorld({ bodyLimit: 64 * 1024 });
    await w.call(`${API}/indicators`, w.keys['Vendor-analyst'], { body: [{ value: '192.0.2.1', tlp: 'green' }, { value: 'evil.example.com', tlp: 'green' }] });
  });
  after(async () => w?.close());

  it('answers garbage in paths and queries on every route with a 4xx problem, never a 5xx', async () => {
    const next = random(20260601);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const garbage = (): string => {
      if (next() < 0.6) return pick(NASTY);
      return Array.from({ length: 1 + Math.floor(next() * 40) }, () => String.fromCharCode(Math.floor(next() * 0x2ff))).join('');
    };
    for (const key of [w.keys['local-admin'], w.keys['Vendor-reader']]) {
      for (const [template, names] of GETS) {
        for (let round = 0; round < 12; round++) {
          const path = template.replace(/\{\}/g, () => encodeURIComponent(garbage()));
          const name = (): string => (names.length && next() < 0.9 ? pick(names) : pick(STRANGE_NAMES));
          const query = Array.from({ length: 1 + Math.floor(next() * 2) }, () => `${encodeURIComponent(name())}=${encodeURIComponent(garbage())}`).join('&');
          assertHandled(await w.call(`${path}?${query}`, key), `GET ${path}?${query.slice(0, 100)}`);
        }
        // raw, unencoded metacharacters and traversal, as a hand-written client would send them
        const raw = template.replace(/\{\}/g, '..%2f..%2f%2e%2e%2fetc%2fpasswd');
        assertHandled(await w.call(`${raw}?q=%27%20OR%201=1--&type=ipv4%00&limit=1%20OR%201=1`, key), `GET ${raw}`);
      }
    }
    // malformed percent-encodings reach the router itself
    for (const path of [`${API}/indicators/ipv4/%E0%A4%A`, `${API}/objects/%zz`, `${API}/indicators?q=%E0%A4%A`]) assertHandled(await w.call(path, w.keys['Vendor-reader']), path);
  });

  it('answers malformed and hostile bodies on every write with a 4xx problem, never a 5xx', async () => {
    const bodies: Array<[string, string]> = [
      ['{', 'application/json'],
      ['', 'application/json'],
      ['null', 'application/json'],
      ['"text"', 'application/json'],
      ['12', 'application/json'],
      ['[null, 1, "x", [], {}]', 'application/json'],
      ['[' .repeat(3000) + ']'.repeat(3000), 'application/json'],
      ['{"__proto__": {"admin": true}, "value": "192.0.2.9"}', 'application/json'],
      ['{"constructor": {"prototype": {"admin": true}}}', 'application/json'],
      [JSON.stringify({ value: "192.0.2.9' OR 1=1 --", type: 'ipv4' }), 'application/json'],
      [JSON.stringify({ value: 'x'.repeat(20_000) }), 'application/json'],
      [JSON.stringify({ value: '192.0.2.9', confidence: 1e400 }), 'application/json'],
      [JSON.stringify({ name: '../../etc/passwd', kind: 'cert', role: 'admin', members: ['%'], org: "' OR 1=1" }), 'application/json'],
      [JSON.stringify(Array.from({ length: 3000 }, () => 1)), 'application/json'],
      ['value=192.0.2.9', 'application/x-www-form-urlencoded'],
      ['192.0.2.9', 'text/plain'],
      ['<xml/>', 'application/xml'],
    ];
    for (const key of [w.keys['local-admin'], w.keys['Vendor-reader']]) {
      for (const template of POSTS) {
        const path = template.replace('{}', encodeURIComponent('../../x'));
        for (const [body, type] of bodies) {
          const reply = await w.call(path, key, { body, headers: { 'content-type': type } });
          assertHandled(reply, `POST ${path} ${body.slice(0, 60)} (${type})`);
        }
      }
    }
    // nothing hostile landed, and the server still answers
    const count = await w.call(`${API}/indicators/count?all=true`, w.keys['local-admin']);
    assert.equal(count.body.count, 2);
    assert.equal(Object.prototype.hasOwnProperty.call({}, 'admin'), false);
  });

  it('refuses a body over the size limit with 413, as problem+json', async () => {
    const big = JSON.stringify(Array.from({ length: 900 }, (_, i) => ({ value: `10.1.${i >> 8}.${i & 255}`, tags: ['x'.repeat(60)] })));
    assert.ok(big.length > 64 * 1024);
    const reply = await w.call(`${API}/indicators`, w.keys['Vendor-analyst'], { body: big });
    assert.ok(isProblem(reply, 413), reply.text);
  });

  it('refuses a request line or headers too large for the server, without answering from the application', async () => {
    const reply = await w.call(`${API}/indicators?q=${'A'.repeat(70_000)}`, w.keys['Vendor-reader']);
    assert.ok(reply.status === 431 || reply.status === 414 || reply.status === 400, String(reply.status));
    assert.equal((await w.call(`${API}/indicators`, w.keys['Vendor-reader'])).status, 200);
  });
});

describe('REST API rate limits', () => {
  let w: ApiWorld;
  before(async () => {
    // 6 a minute with the smallest burst (10), and a pinned clock: nothing refills during the test
    w = await openApiWorld({ rateLimit: 6 });
  });
  after(async () => w?.close());

  it('limits each key on its own, with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let last: Reply | undefined;
    for (let i = 0; i < 12; i++) {
      last = await w.call(`${API}/sources`, w.keys['Vendor-reader']);
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [...Array(10).fill(200), 429, 429]);
    assert.ok(isProblem(last!, 429));
    assert.equal(last!.headers.get('retry-after'), '10');
    // another key of the same organisation is not held back
    assert.equal((await w.call(`${API}/sources`, w.keys['Vendor-analyst'])).status, 200);
  });

  it('limits failed sign-ins per address', async () => {
    const fresh = await makeKey(w.store, w.orgs.Police, 'reader');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await call(w.base, `${API}/sources`, { auth: `${fresh.slice(0, 18)}${'x'.repeat(43)}` })).status);
    assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429]);
    // a valid key still gets in: its own bucket
    assert.equal((await call(w.base, `${API}/sources`, { auth: fresh })).status, 200);
  });
});
