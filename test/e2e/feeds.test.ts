import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { FEEDS, tempDir, tixAsync } from '../helpers/cli.ts';

/** A feed server on loopback that honours ETag and If-Modified-Since, like abuse.ch does. */
interface Served {
  body: Buffer;
  etag: string;
  lastModified: string;
  status?: number;
  gzip?: boolean;
}

describe('tix feeds (HTTP on loopback)', () => {
  const dir = tempDir();
  const data = join(dir.path, 'data');
  const requests: Array<{ path: string; ifNoneMatch?: string; ifModifiedSince?: string }> = [];
  const served: Record<string, Served> = {};
  let server: Server;
  let base = '';

  before(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      requests.push({
        path,
        ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}),
        ...(req.headers['if-modified-since'] ? { ifModifiedSince: String(req.headers['if-modified-since']) } : {}),
      });
      const feed = served[path];
      if (!feed) {
        res.writeHead(404).end('not found');
        return;
      }
      if (feed.status) {
        res.writeHead(feed.status).end('server error');
        return;
      }
      if (req.headers['if-none-match'] === feed.etag) {
        res.writeHead(304).end();
        return;
      }
      const body = feed.gzip ? gzipSync(feed.body) : feed.body;
      res.writeHead(200, {
        etag: feed.etag,
        'last-modified': feed.lastModified,
        'content-type': 'text/plain',
        ...(feed.gzip ? { 'content-encoding': 'gzip' } : {}),
      });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    dir.remove();
  });

  it('pulls a feed, then asks conditionally and gets 304', async () => {
    served['/feodo.csv'] = {
      body: readFileSync(join(FEEDS, 'abuse.ch', 'feodotracker-ipblocklist.csv')),
      etag: '"v1"',
      lastModified: 'Thu, 04 Apr 2024 07:03:03 GMT',
      gzip: true,
    };
    const add = await tixAsync(data, ['feeds', 'add', 'feodo', `${base}/feodo.csv`, '--format', 'feodo', '--every', '1h']);
    assert.equal(add.code, 0, add.stderr);
    const first = await tixAsync(data, ['feeds', 'pull', 'feodo']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /feodo \[feodo\]: read 38, accepted 56, new 56/);
    const second = await tixAsync(data, ['feeds', 'pull', 'feodo']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /feodo: not modified since the last pull/);
    assert.equal(requests.at(-1)?.ifNoneMatch, '"v1"');
    assert.equal(requests.at(-1)?.ifModifiedSince, 'Thu, 04 Apr 2024 07:03:03 GMT');
    const list = await tixAsync(data, ['feeds', 'list', '-o', 'jsonl']);
    const feed = JSON.parse(list.stdout.trim());
    assert.equal(feed.lastStatus, 'not-modified');
    assert.equal(feed.due, false, 'just pulled, so not due for an hour');
    const due = await tixAsync(data, ['feeds', 'pull']);
    assert.match(due.stdout, /no feed is due/);
  });

  it('a full-dump feed delists values that disappear, freezing their last seen', async () => {
    served['/list.txt'] = { body: Buffer.from('192.0.2.1\n192.0.2.2\n192.0.2.3\n'), etag: '"a"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' };
    await tixAsync(data, ['feeds', 'add', 'blocklist', `${base}/list.txt`, '--every', '15m', '--expire-after', '30d']);
    const first = await tixAsync(data, ['feeds', 'pull', 'blocklist']);
    assert.match(first.stdout, /new 3/);
    const before = JSON.parse((await tixAsync(data, ['show', '192.0.2.3', '-o', 'jsonl'])).stdout);
    served['/list.txt'] = { body: Buffer.from('192.0.2.1\n192.0.2.2\n'), etag: '"b"', lastModified: 'Tue, 02 Jan 2024 00:00:00 GMT' };
    const second = await tixAsync(data, ['feeds', 'pull', 'blocklist']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /delisted 1/);
    const gone = JSON.parse((await tixAsync(data, ['show', '192.0.2.3', '-o', 'jsonl'])).stdout);
    assert.equal(gone.observations[0].listed, false);
    assert.equal(gone.observations[0].lastSeen, before.observations[0].lastSeen, 'last seen frozen');
    assert.ok(gone.observations[0].validUntil, 'expiry set from --expire-after');
    const still = JSON.parse((await tixAsync(data, ['show', '192.0.2.1', '-o', 'jsonl'])).stdout);
    assert.equal(still.observations[0].listed, true);
  });

  it('a delta feed does not delist what a pull leaves out', async () => {
    served['/new.txt'] = { body: Buffer.from('198.51.100.1\n'), etag: '"1"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' };
    await tixAsync(data, ['feeds', 'add', 'newonly', `${base}/new.txt`, '--delta']);
    await tixAsync(data, ['feeds', 'pull', 'newonly']);
    served['/new.txt'] = { body: Buffer.from('198.51.100.2\n'), etag: '"2"', lastModified: 'Tue, 02 Jan 2024 00:00:00 GMT' };
    const second = await tixAsync(data, ['feeds', 'pull', 'newonly']);
    assert.match(second.stdout, /new 1, updated 0, unchanged 0, rejected 0, delisted 0/);
    const first = JSON.parse((await tixAsync(data, ['show', '198.51.100.1', '-o', 'jsonl'])).stdout);
    assert.equal(first.observations[0].listed, true);
  });

  it('a failing server is reported, recorded, and changes nothing', async () => {
    served['/broken.txt'] = { body: Buffer.from(''), etag: '"x"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT', status: 500 };
    await tixAsync(data, ['feeds', 'add', 'broken', `${base}/broken.txt`]);
    const stats = (await tixAsync(data, ['stats', '-o', 'jsonl'])).stdout;
    const run = await tixAsync(data, ['feeds', 'pull', 'broken']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /broken: .*answered 500/);
    assert.equal((await tixAsync(data, ['stats', '-o', 'jsonl'])).stdout, stats);
    const list = (await tixAsync(data, ['feeds', 'list', '-o', 'jsonl'])).stdout.trim().split('\n').map((line) => JSON.parse(line));
    const broken = list.find((feed: { name: string }) => feed.name === 'broken');
    assert.equal(broken.lastStatus, 'error');
    assert.match(broken.lastError, /500/);
    const missing = await tixAsync(data, ['feeds', 'pull', 'nosuchfeed']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no feed named nosuchfeed/);
  });

  it('tix ingest takes a URL directly', async () => {
    served['/plain.txt'] = { body: Buffer.from('evil-one.example.com\nevil-two.example.com\n'), etag: '"p"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' };
    const run = await tixAsync(data, ['ingest', `${base}/plain.txt`, '--source', 'url-test']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /accepted 2, new 2/);
  });
});
