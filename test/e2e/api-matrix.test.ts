/**
 * The authorisation matrix over every REST read path: six organisations and
 * the operator × data of every TLP under every kind of sharing × search,
 * lookup, count, export, STIX objects, sightings and sources. Zero leaks (not
 * in items, counts, pages or anywhere in a body), nothing visible missing;
 * bad, expired and revoked credentials refused everywhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  checkReadPaths,
  ITEMS,
  itemOf,
  mayRead,
  openAccessMatrix,
  READERS,
  type AccessMatrix,
  type Caller,
  type Finding,
  type ReadPath,
  type Revealed,
} from '../helpers/access-matrix.ts';
import { call, isProblem, type Json, type Reply } from '../helpers/api.ts';

const API = '/api/v1';
const MARKER = /198\.18\.\d{2}\.\d{2}/g;

/** Every page of a listing, following `next`; a refusal is reported as such. */
async function walk(caller: Caller, path: string): Promise<{ items: Json[]; texts: string[] } | { refused: number; texts: string[] }> {
  const items: Json[] = [];
  const texts: string[] = [];
  let next: string | undefined;
  for (let guard = 0; guard < 200; guard++) {
    const reply = await caller.request(`${path}${next === undefined ? '' : `&next=${encodeURIComponent(next)}`}`);
    texts.push(String(reply.status), reply.text, JSON.stringify([...reply.headers]));
    if (reply.status !== 200) return { refused: reply.status, texts };
    items.push(...(reply.body.items as Json[]));
    if (reply.body.more !== true) {
      assert.equal(reply.body.next, undefined, `${path}: next without more`);
      return { items, texts };
    }
    next = reply.body.next as string;
  }
  throw new Error(`${path}: paging did not end`);
}

/** The matrix items a body names, for formats that are not JSON pages (exports). */
const markersIn = (text: string): string[] => [...new Set(text.match(MARKER) ?? [])].map((value) => itemOf(value)?.key ?? `unknown ${value}`);

const keyOf = (marker: string): string => itemOf(marker)?.key ?? `unknown ${marker}`;

async function single(caller: Caller, path: string, read: (reply: Reply) => Finding): Promise<Revealed> {
  const reply = await caller.request(path);
  const texts = [String(reply.status), reply.text];
  const headers = [JSON.stringify([...reply.headers].filter(([name]) => name !== 'date'))];
  if (reply.status === 401) return { refused: 401, texts, headers };
  return { ...read(reply), texts, headers } as Revealed;
}

const expectStatus = (reply: Reply, ...statuses: number[]): void => {
  if (!statuses.includes(reply.status)) throw new Error(`${reply.status} ${reply.text.slice(0, 300)}`);
};

/** Every REST read path, as the matrix runs them. */
const REST_PATHS: readonly ReadPath[] = [
  {
    name: 'search (every page)',
    all: async (caller) => {
      const result = await walk(caller, `${API}/indicators?all=true&limit=7`);
      return 'refused' in result ? result : { items: result.items.map((item) => keyOf(item.value as string)), texts: result.texts };
    },
  },
  {
    name: 'search by value',
    each: (caller, item) =>
      single(caller, `${API}/indicators?all=true&q=${item.value}`, (reply) => {
        expectStatus(reply, 200);
        return { items: (reply.body.items as Json[]).map((found) => keyOf(found.value as string)) };
      }),
  },
  {
    name: 'get',
    each: (caller, item) =>
      single(caller, `${API}/indicators/ipv4/${item.value}`, (reply) => {
        expectStatus(reply, 200, 404);
        return { items: reply.status === 200 ? [keyOf(reply.body.value as string)] : [] };
      }),
  },
  {
    name: 'sighting count on get',
    reveals: 'sightings',
    each: (caller, item) =>
      single(caller, `${API}/indicators/ipv4/${item.value}`, (reply) => {
        expectStatus(reply, 200, 404);
        return { count: reply.status === 200 ? (reply.body.sightings.count as number) : 0 };
      }),
  },
  {
    name: 'count (everything)',
    all: (caller) =>
      single(caller, `${API}/indicators/count?all=true`, (reply) => {
        expectStatus(reply, 200);
        return { count: reply.body.count as number };
      }),
  },
  {
    name: 'count by value',
    each: (caller, item) =>
      single(caller, `${API}/indicators/count?all=true&q=${item.value}`, (reply) => {
        expectStatus(reply, 200);
        return { count: reply.body.count as number };
      }),
  },
  ...['plain-list', 'csv', 'stix', 'misp', 'suricata'].map(
    (format): ReadPath => ({
      name: `export ${format}`,
      all: (caller) =>
        single(caller, `${API}/exports/${format}?all=true`, (reply) => {
          expectStatus(reply, 200);
          return { items: markersIn(reply.text) };
        }),
    }),
  ),
  {
    name: 'export csv by value',
    each: (caller, item) =>
      single(caller, `${API}/exports/csv?all=true&q=${item.value}`, (reply) => {
        expectStatus(reply, 200);
        return { items: markersIn(reply.text) };
      }),
  },
  {
    name: 'objects (every page, every version)',
    all: async (caller) => {
      const result = await walk(caller, `${API}/objects?versions=all&limit=7`);
      return 'refused' in result ? result : { items: result.items.map((record) => keyOf(record.object.id as string)), texts: result.texts };
    },
  },
  {
    name: 'objects of a type',
    all: async (caller) => {
      const result = await walk(caller, `${API}/objects?type=indicator,malware&limit=1000`);
      return 'refused' in result ? result : { items: result.items.map((record) => keyOf(record.object.id as string)), texts: result.texts };
    },
  },
  {
    name: 'object by id',
    each: (caller, item) =>
      single(caller, `${API}/objects/${item.objectId}`, (reply) => {
        expectStatus(reply, 200, 404);
        return { items: reply.status === 200 ? [keyOf(reply.body.object.id as string)] : [] };
      }),
  },
  {
    name: 'objects filtered by id',
    each: (caller, item) =>
      single(caller, `${API}/objects?id=${item.objectId}&versions=all`, (reply) => {
        expectStatus(reply, 200);
        return { items: (reply.body.items as Json[]).map((record) => keyOf(record.object.id as string)) };
      }),
  },
  {
    name: 'sightings (every page)',
    membersOnly: true,
    reveals: 'sightings',
    all: async (caller) => {
      const result = await walk(caller, `${API}/sightings?limit=4`);
      return 'refused' in result ? result : { sightings: result.items.map((sighting) => sighting.id as number), texts: result.texts };
    },
  },
  {
    name: 'sightings of a value',
    membersOnly: true,
    reveals: 'sightings',
    each: (caller, item) =>
      single(caller, `${API}/sightings?value=${item.value}`, (reply) => {
        expectStatus(reply, 200);
        return { sightings: (reply.body.items as Json[]).map((sighting) => sighting.id as number) };
      }),
  },
  {
    name: 'sources (observations counted)',
    all: (caller) =>
      single(caller, `${API}/sources`, (reply) => {
        expectStatus(reply, 200);
        return { count: (reply.body.items as Json[]).reduce((sum, source) => sum + (source.indicators as number), 0) };
      }),
  },
  {
    name: 'sources (objects counted)',
    all: (caller) =>
      single(caller, `${API}/sources`, (reply) => {
        expectStatus(reply, 200);
        return { count: (reply.body.items as Json[]).reduce((sum, source) => sum + (source.objects as number), 0) };
      }),
  },
];

describe('REST API authorisation matrix', () => {
  let matrix: AccessMatrix;
  before(async () => {
    matrix = await openAccessMatrix();
  });
  after(async () => matrix?.close());

  it('the rules the matrix expects, counted by hand', () => {
    const counts = Object.fromEntries(READERS.map((reader) => [reader.name, ITEMS.filter((item) => mayRead(reader, item)).length]));
    // 6 sharing variants x 5 TLPs; CLEAR and GREEN (12) reach every member
    assert.deepEqual(counts, { operator: 12, vendor: 24, interpol: 13, policeA: 16, policeB: 12, cert: 17, isp: 12, ispAnalyst: 13, anonymous: 6 });
    assert.equal(ITEMS.length, 30);
  });

  it('no path reveals or counts anything a reader may not read, and none misses what it may', async () => {
    const failures = await checkReadPaths(matrix, REST_PATHS);
    assert.deepEqual(failures, []);
  });

  it('sightings: the sighter and the owner of what was sighted read them, no one else', async () => {
    const vendor = matrix.callers.find((caller) => caller.reader.name === 'vendor')!;
    const isp = matrix.callers.find((caller) => caller.reader.name === 'isp')!;
    const interpol = matrix.callers.find((caller) => caller.reader.name === 'interpol')!;
    // the ISP sighted the vendor's CLEAR value; the vendor (owner) and the ISP see it, Interpol (who may read the value) does not
    const value = ITEMS.find((item) => item.key === 'own/clear')!.value;
    const byIsp = (reply: Reply): Json[] => (reply.body.items as Json[]).filter((sighting) => sighting.organisation.name === 'Regional ISP');
    assert.equal(byIsp(await vendor.request(`${API}/sightings?value=${value}`)).length, 1);
    assert.equal(byIsp(await isp.request(`${API}/sightings?value=${value}`)).length, 1);
    assert.deepEqual((await interpol.request(`${API}/sightings?value=${value}`)).body.items, []);
    assert.equal((await interpol.request(`${API}/indicators/ipv4/${value}`)).body.sightings.count, 0);
    assert.equal((await vendor.request(`${API}/indicators/ipv4/${value}`)).body.sightings.count, 2);
  });

  it('refuses unknown, malformed, expired and revoked keys, wrong passwords and disabled users on every path, and tells nothing', async () => {
    const paths = [
      `${API}/indicators?all=true`,
      `${API}/indicators/count`,
      `${API}/indicators/ipv4/${ITEMS[0]!.value}`,
      `${API}/exports/csv`,
      `${API}/objects`,
      `${API}/objects/${ITEMS[0]!.objectId}`,
      `${API}/sightings`,
      `${API}/sources`,
      `${API}/organisations`,
      `${API}/agreements`,
      `${API}/keys`,
      `${API}/users`,
    ];
    for (const [name, credential] of Object.entries(matrix.badCredentials)) {
      // a password check costs a deliberately slow hash: those credentials try a few paths, keys try them all
      for (const path of credential.startsWith('Basic') ? paths.slice(0, 3) : paths) {
        for (const base of [matrix.base, matrix.anonymousBase]) {
          const reply = await call(base, path, { auth: credential });
          assert.ok(isProblem(reply, 401), `${name} ${path}: ${reply.status} ${reply.text.slice(0, 200)}`);
          assert.match(reply.headers.get('www-authenticate') ?? '', /Bearer/);
          assert.equal(JSON.stringify({ ...reply.body, instance: undefined }).match(MARKER), null, `${name} ${path} leaked a value`);
          assert.match(String(reply.body.detail), /API key|password|user|scheme/);
        }
      }
    }
    // no credentials at all: refused where the operator keeps CLEAR in, CLEAR only where it lets it out
    assert.ok(isProblem(await call(matrix.base, `${API}/indicators`), 401));
    const anonymous = await call(matrix.anonymousBase, `${API}/indicators?all=true&limit=1000`);
    assert.deepEqual((anonymous.body.items as Json[]).map((item) => item.tlp).sort(), Array(6).fill('clear'));
  });
});
