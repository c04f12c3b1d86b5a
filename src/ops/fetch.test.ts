import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TixError } from '../errors.ts';
import { freshStore } from '../../test/helpers/stores.ts';
import { pullFeed } from './feeds.ts';
import { fetchFeed, spool } from './fetch.ts';

const LIST = '192.0.2.1\n192.0.2.2\n198.51.100.7\n';
const IDLE_MS = 300;
const SIZED = Array.from({ length: 1000 }, (_, i) => `198.51.${i >> 8}.${i & 255}`).join('\n') + '\n';

describe('feed downloads: saved before they are imported, given up when they stall', { timeout: 20_000 }, () => {
  let server: Server;
  let base = '';
  const spoolDirectory = mkdtempSync(join(tmpdir(), 'tix-spool-test-'));
  const open = new Set<import('node:http').ServerResponse>();
  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/sized.txt') {
        // a larger list, sent in two parts, with its length announced
        response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(SIZED.length) });
        response.write(SIZED.slice(0, 4096));
        setTimeout(() => response.end(SIZED.slice(4096)), 20);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' });
      if (request.url === '/stalls.txt') {
        // the first lines, then nothing: the connection stays open
        response.write('192.0.2.1\n192.0.2.2\n');
        open.add(response);
        return;
      }
      response.end(LIST);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const response of open) response.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(spoolDirectory, { recursive: true, force: true });
  });

  it('a body that stops sending fails with its URL, the bytes it got and the idle time; no file is left', async () => {
    const outcome = await fetchFeed(`${base}/stalls.txt`, {}, { idleMs: IDLE_MS });
    assert.equal(outcome.status, 'ok');
    const started = Date.now();
    await assert.rejects(
      spool(outcome.status === 'ok' ? outcome.input : assert.fail('not ok'), spoolDirectory),
      (error: unknown) => {
        assert.ok(error instanceof TixError);
        assert.equal(error.code, 'TIX_FEED_FETCH');
        assert.equal(error.message, `${base}/stalls.txt: the download broke off after 20 bytes (no data for 0.3s)`);
        return true;
      },
    );
    assert.ok(Date.now() - started < 5_000, 'given up after the idle time, not the server');
    assert.deepEqual(readdirSync(spoolDirectory), []);
  });

  it('a pull that stalls is recorded as an error and imports nothing; a good pull imports the saved file and removes it', async () => {
    const store = await freshStore();
    const now = Date.UTC(2026, 0, 1);
    await store.addFeed({ name: 'stalling', url: `${base}/stalls.txt`, format: 'plain-list', everyMs: 3_600_000, mode: 'full' }, now);
    await store.addFeed({ name: 'good', url: `${base}/good.txt`, format: 'plain-list', everyMs: 3_600_000, mode: 'full' }, now);

    const stalled = await pullFeed(store, (await store.getFeed('stalling'))!, now, { idleMs: IDLE_MS, spoolDirectory });
    assert.equal(stalled.status, 'error');
    assert.match(stalled.status === 'error' ? stalled.error : '', /stalls\.txt: the download broke off after 20 bytes \(no data for 0\.3s\)/);
    assert.equal((await store.getFeed('stalling'))!.lastStatus, 'error');
    assert.equal((await store.stats()).indicators, 0);

    const good = await pullFeed(store, (await store.getFeed('good'))!, now, { idleMs: IDLE_MS, spoolDirectory });
    assert.equal(good.status, 'ok');
    assert.equal(good.status === 'ok' ? good.result.new : 0, 3);
    // messages and the import's origin name the feed's URL, not the file it was saved in
    assert.equal(good.status === 'ok' ? good.result.input : '', `${base}/good.txt`);
    assert.equal((await store.stats()).indicators, 3);
    assert.deepEqual(readdirSync(spoolDirectory), []);
    await store.close();
  });

  it('tells the bytes of a download as they come, with its announced size, before the import', async () => {
    const store = await freshStore();
    const now = Date.UTC(2026, 0, 1);
    await store.addFeed({ name: 'sized', url: `${base}/sized.txt`, format: 'plain-list', everyMs: 3_600_000, mode: 'full' }, now);
    const events: string[] = [];
    const pulled = await pullFeed(store, (await store.getFeed('sized'))!, now, {
      spoolDirectory,
      onDownload: (received, size) => events.push(`download ${received}/${size}`),
      onProgress: () => events.push('import'),
    });
    assert.equal(pulled.status === 'ok' ? pulled.result.new : 0, 1000);
    const downloads = events.filter((event) => event.startsWith('download'));
    assert.ok(downloads.length >= 2, `the two parts told apart: ${downloads.join(', ')}`);
    assert.equal(downloads.at(-1), `download ${SIZED.length}/${SIZED.length}`);
    const received = downloads.map((event) => Number(event.split(' ')[1]!.split('/')[0]));
    assert.deepEqual(received, [...received].sort((a, b) => a - b));
    assert.ok(events.lastIndexOf(downloads.at(-1)!) < events.indexOf('import'), 'the download ends before the import begins');
    await store.close();
  });
});
