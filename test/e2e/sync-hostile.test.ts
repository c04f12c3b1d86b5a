/**
 * A sync against a remote that misbehaves (a small node:http server on
 * loopback): garbage, another media type, a 500, no answer in time, objects
 * of unknown markings. Each is reported in the sync's state, what cannot be
 * accepted is skipped, and the checkpoint never passes a page not stored.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sealSecret } from '../../src/auth/sealed.ts';
import type { Store } from '../../src/store/store.ts';
import { runSync, type SyncOutcome } from '../../src/sync/pull.ts';
import { tixAsync, tempDir } from '../helpers/cli.ts';
import { freshStore, reopenStore } from '../helpers/stores.ts';
import { indicator, START, tlpMarking } from '../helpers/sync-world.ts';

const TAXII = 'application/taxii+json;version=2.1';
type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const envelope = (response: ServerResponse, body: unknown, last: string, type = TAXII): void => {
  response.writeHead(200, { 'content-type': type, 'x-taxii-date-added-first': last, 'x-taxii-date-added-last': last }).end(JSON.stringify(body));
};

describe('sync: a remote that misbehaves', () => {
  let server: Server;
  let handler: Handler;
  let root: string;
  let store: Store;
  const requests: URL[] = [];
  const run = (timeoutMs = 2_000): Promise<SyncOutcome> => store.getSync('peer').then((sync) => runSync(store, sync!, { now: () => START, timeoutMs }));

  before(async () => {
    server = createServer((request, response) => {
      requests.push(new URL(request.url ?? '/', 'http://peer'));
      handler(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/taxii2/api/`;
  });

  beforeEach(async () => {
    store = await freshStore();
    requests.length = 0;
    await store.addSync({ name: 'peer', url: root, collection: 'c1', key: 'tix_abc_secret', everyMs: 60_000, source: 'peer' }, START);
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('asks for TAXII 2.1 with the key as a Bearer token (user:password as Basic)', async () => {
    const seen: Array<string | undefined> = [];
    handler = (request, response) => {
      seen.push(request.headers.authorization, request.headers.accept);
      envelope(response, {}, '1970-01-01T00:00:00.000000Z');
    };
    assert.equal((await run()).status, 'ok');
    await store.addSync({ name: 'peer', url: root, collection: 'c1', key: 'alice:s3cret', everyMs: 60_000, source: 'peer' }, START);
    await run();
    assert.deepEqual(seen, ['Bearer tix_abc_secret', TAXII, `Basic ${Buffer.from('alice:s3cret').toString('base64')}`, TAXII]);
    assert.equal(requests[0]!.pathname, '/taxii2/api/collections/c1/objects/');
  });

  it('opens a key stored sealed with the secret key, and refuses to pull (asking nothing) without it or with another', async () => {
    const secret = randomBytes(32);
    const seen: Array<string | undefined> = [];
    handler = (request, response) => {
      seen.push(request.headers.authorization);
      envelope(response, {}, '1970-01-01T00:00:00.000000Z');
    };
    await store.addSync({ name: 'peer', url: root, collection: 'c1', key: sealSecret(secret, 'tix_sealed_secret'), everyMs: 60_000, source: 'peer' }, START);
    assert.doesNotMatch((await store.getSync('peer'))!.key, /tix_sealed_secret/);
    const sealedRun = (key?: Buffer): Promise<SyncOutcome> =>
      store.getSync('peer').then((sync) => runSync(store, sync!, { now: () => START, timeoutMs: 2_000, ...(key ? { secret: key } : {}) }));
    for (const key of [undefined, randomBytes(32)]) {
      const refused = await sealedRun(key);
      assert.equal(refused.status, 'error');
      assert.match((await store.getSync('peer'))!.lastError ?? '', /^TIX_SECRET_SEALED: sync peer: its key is stored sealed/);
    }
    assert.deepEqual(seen, [], 'nothing is asked of the remote with a key that cannot be opened');
    assert.equal((await sealedRun(secret)).status, 'ok');
    assert.deepEqual(seen, ['Bearer tix_sealed_secret']);
  });

  it('garbage: reported as a bad page, nothing stored, the checkpoint unmoved', async () => {
    handler = (_request, response) => response.writeHead(200, { 'content-type': TAXII }).end('<html>not json</html>');
    const outcome = await run();
    assert.equal(outcome.status, 'error');
    const state = await store.getSync('peer');
    assert.equal(state?.lastStatus, 'error');
    assert.match(state?.lastError ?? '', /^TIX_SYNC_BAD_PAGE: .*not JSON/);
    assert.equal(state?.checkpoint, undefined);
  });

  it('another media type: refused, even when the JSON is an envelope', async () => {
    handler = (_request, response) => envelope(response, { objects: [indicator(1, '192.0.2.1', [tlpMarking('green')])] }, '2026-06-01T00:00:00.000000Z', 'application/json');
    const outcome = await run();
    assert.equal(outcome.status, 'error');
    assert.match(outcome.error ?? '', /TIX_SYNC_BAD_PAGE: the remote answered application\/json/);
    assert.equal((await store.listObjects({ limit: 10 })).items.length, 0);
    assert.equal((await store.getSync('peer'))?.checkpoint, undefined);
  });

  it('a 500: reported with its status, the checkpoint unmoved', async () => {
    await store.recordSyncRun('peer', { checkpoint: '2026-05-01T00:00:00.000000Z' });
    handler = (_request, response) => response.writeHead(500, { 'content-type': 'text/plain' }).end('database on fire');
    const outcome = await run();
    assert.equal(outcome.status, 'error');
    assert.match(outcome.error ?? '', /TIX_SYNC_FETCH: .*answered 500.*database on fire/);
    assert.equal(requests[0]!.searchParams.get('added_after'), '2026-05-01T00:00:00.000000Z');
    assert.equal((await store.getSync('peer'))?.checkpoint, '2026-05-01T00:00:00.000000Z');
  });

  it('no answer within the timeout: reported, and the run ends', async () => {
    handler = () => {
      // never answers
    };
    const started = Date.now();
    const outcome = await run(300);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(outcome.status, 'error');
    assert.match(outcome.error ?? '', /TIX_SYNC_FETCH: .*no answer within 0.3s/);
    assert.equal((await store.getSync('peer'))?.checkpoint, undefined);
  });

  it('objects of unknown markings are skipped and reported by id; the rest of the page is stored and the checkpoint moves', async () => {
    const good = indicator(1, '192.0.2.1', [tlpMarking('green')]);
    const unknown = indicator(2, '192.0.2.2', ['marking-definition--0badc0de-0000-4000-8000-000000000002']);
    const statement = { type: 'marking-definition', spec_version: '2.1', id: 'marking-definition--0badc0de-0000-4000-8000-000000000003', created: '2026-01-01T00:00:00.000Z', definition_type: 'statement', definition: { statement: 'do not share' } };
    const byStatement = indicator(3, '192.0.2.3', [statement.id]);
    const red = indicator(4, '192.0.2.4', [tlpMarking('red')]);
    handler = (_request, response) => envelope(response, { more: false, objects: [good, unknown, statement, byStatement, red] }, '2026-06-01T00:00:00.000000Z');
    const outcome = await run();
    assert.equal(outcome.status, 'ok');
    assert.deepEqual(outcome.refused.map((item) => item.id), [unknown.id, statement.id, byStatement.id, red.id]);
    const state = await store.getSync('peer');
    assert.equal(state?.checkpoint, '2026-06-01T00:00:00.000000Z');
    assert.equal(state?.lastCounts?.refused, 4);
    for (const id of [unknown.id, statement.id, byStatement.id, red.id]) assert.ok(state?.lastError?.includes(id as string), `${id} is reported`);
    const held = (await store.listObjects({ versions: 'all', limit: 10 })).items.map((record) => [record.object.id, record.tlp]);
    assert.deepEqual(held, [[good.id, 'green']]);
    assert.equal(await store.get('ipv4', '192.0.2.2', START), undefined);
  });

  it('a good page then garbage: the first page is kept, the checkpoint is its last date added, and the next run resumes there', async () => {
    const first = indicator(1, '192.0.2.1', [tlpMarking('clear')]);
    const second = indicator(2, '192.0.2.2', [tlpMarking('clear')]);
    let broken = true;
    handler = (request, response) => {
      const url = new URL(request.url ?? '/', 'http://peer');
      if (!url.searchParams.has('added_after')) return envelope(response, { more: true, objects: [first] }, '2026-06-01T00:00:01.000000Z');
      if (broken) return void response.writeHead(200, { 'content-type': TAXII }).end('{"objects": [');
      envelope(response, { more: false, objects: [second] }, '2026-06-01T00:00:02.000000Z');
    };
    const outcome = await run();
    assert.equal(outcome.status, 'error');
    // more followed the page, so the checkpoint stops just before its last date added
    assert.equal((await store.getSync('peer'))?.checkpoint, '2026-06-01T00:00:00.999999Z');
    assert.equal((await store.listObjects({ limit: 10 })).items.length, 1);
    broken = false;
    const resumed = await run();
    assert.equal(resumed.status, 'ok');
    assert.equal(requests[requests.length - 1]!.searchParams.get('added_after'), '2026-06-01T00:00:00.999999Z');
    assert.equal((await store.getSync('peer'))?.checkpoint, '2026-06-01T00:00:02.000000Z');
    assert.deepEqual((await store.listObjects({ limit: 10 })).items.map((record) => record.object.id), [first.id, second.id]);
  });

  it('two handles of one store (two server processes): while one pulls a sync the other finds it busy, then starts from the checkpoint the first left', async () => {
    const other = await reopenStore(store);
    try {
      const stale = (await other.getSync('peer'))!;
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      let asked!: () => void;
      const arrived = new Promise<void>((resolve) => (asked = resolve));
      handler = (_request, response) => {
        asked();
        void gate.then(() => envelope(response, { objects: [indicator(1, '192.0.2.1', [tlpMarking('green')])] }, '2026-06-01T00:00:00.000000Z'));
      };
      const first = run();
      await arrived;
      assert.equal((await runSync(other, stale, { now: () => START, timeoutMs: 2_000 })).status, 'busy');
      open();
      assert.equal((await first).status, 'ok');
      const again = await runSync(other, stale, { now: () => START, timeoutMs: 2_000 });
      assert.equal(again.status, 'ok');
      assert.equal(requests[requests.length - 1]!.searchParams.get('added_after'), '2026-06-01T00:00:00.000000Z', 'the second read the checkpoint under the lock');
      assert.equal((await other.listObjects({ versions: 'all', limit: 10 })).items.length, 1);
    } finally {
      await other.close();
    }
  });

  it('tix sync list shows the last status, error and counts; tix sync run exits non-zero', async () => {
    const data = tempDir('tix-sync-cli-');
    try {
      handler = (_request, response) => response.writeHead(503).end();
      const add = await tixAsync(data.path, ['sync', 'add', 'peer', root, '--collection', 'c1', '--key', 'tix_abc_secret', '--every', '15m']);
      assert.equal(add.code, 0, add.stderr);
      const pulled = await tixAsync(data.path, ['sync', 'run', 'peer', '--timeout', '5s']);
      assert.equal(pulled.code, 2);
      assert.match(pulled.stderr, /TIX_SYNC_FETCH/);
      const listed = await tixAsync(data.path, ['sync', 'list', '-o', 'jsonl']);
      assert.equal(listed.code, 0, listed.stderr);
      const row = JSON.parse(listed.stdout.trim()) as Record<string, unknown>;
      assert.equal(row.name, 'peer');
      assert.equal(row.lastStatus, 'error');
      assert.match(String(row.lastError), /answered 503/);
      assert.equal(row.key, undefined, 'the key is not shown');
      assert.deepEqual((row.lastCounts as Record<string, number>).pages, 0);
      assert.equal((await tixAsync(data.path, ['sync', 'remove', 'peer'])).code, 0);
      assert.equal((await tixAsync(data.path, ['sync', 'remove', 'peer'])).code, 2);
    } finally {
      data.remove();
    }
  });
});
