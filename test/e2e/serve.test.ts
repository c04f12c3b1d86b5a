import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServe, tempDir, tix } from '../helpers/cli.ts';

const serve = startServe;

const basic = (user: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${user}-demo-2026`).toString('base64')}` });

describe('tix serve --demo: the first command of the README', () => {
  const data = tempDir();
  let server: Awaited<ReturnType<typeof serve>>;
  before(async () => {
    server = await serve(data.path, ['--demo']);
  });
  after(() => {
    server?.child.kill('SIGTERM');
    data.remove();
  });

  it('seeds the demo and prints where to go and who to sign in as', () => {
    assert.match(server.output(), /Demo users/);
    assert.match(server.output(), /TAXII\s+http:\/\/localhost:\d+\/taxii2\//);
  });

  it('serves each organisation what it is cleared for: the operation sees the vendor\'s AMBER C2, the ISP does not', async () => {
    const search = async (user: string): Promise<Array<{ value: string; tlp: string; sources: string[] }>> => {
      const response = await fetch(`${server.url}/api/v1/indicators?q=192.9.135.73`, { headers: basic(user) });
      assert.equal(response.status, 200);
      return ((await response.json()) as { items: Array<{ value: string; tlp: string; sources: string[] }> }).items;
    };
    const police = await search('ip-analyst');
    assert.ok(police.some((item) => item.value === '192.9.135.73' && item.tlp === 'amber'));
    assert.deepEqual(await search('isp-noc'), []);
    assert.ok((await search('vendor-analyst')).length >= police.length);
  });

  it('serves the public feeds to everyone signed in, as TLP:CLEAR: the ISP finds the README\'s defanged example', async () => {
    const response = await fetch(`${server.url}/api/v1/indicators?q=${encodeURIComponent('hxxp://45[.]133[.]74[.]103/x86')}`, { headers: basic('isp-noc') });
    assert.equal(response.status, 200);
    const items = ((await response.json()) as { items: Array<{ value: string; tlp: string }> }).items;
    assert.deepEqual(items.map((item) => [item.value, item.tlp]), [['http://45.133.74.103/x86', 'clear']]);
  });

  it('refuses bad credentials and anonymous reads', async () => {
    assert.equal((await fetch(`${server.url}/api/v1/indicators`)).status, 401);
    const wrong = await fetch(`${server.url}/api/v1/indicators`, { headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  });

  it('records every read in a hash chain that verifies, and notices tampering', async () => {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    const verified = tix(data.path, ['audit', 'verify']);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /audit log intact: \d+ entries/);
    const reads = tix(data.path, ['audit', 'list', '-o', 'jsonl']).stdout.trim().split('\n').map((line) => JSON.parse(line) as { action: string; count?: number });
    assert.ok(reads.some((entry) => entry.action === 'read:indicators' && entry.count !== undefined));
    // an edit made behind tix's back breaks the chain at that entry
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(data.path, 'tix.db'));
    db.prepare("UPDATE audit_log SET count = 0 WHERE seq = 2").run();
    db.close();
    const broken = tix(data.path, ['audit', 'verify']);
    assert.equal(broken.code, 2);
    assert.match(broken.stdout, /BROKEN at entry 2: its content was changed/);
  });
});

describe('tix serve --workers 2: processes sharing the port and the store behave as one server', () => {
  const data = tempDir();
  let server: Awaited<ReturnType<typeof serve>>;
  before(async () => {
    server = await serve(data.path, ['--demo', '--workers', '2']);
  });
  after(() => {
    server?.child.kill('SIGTERM');
    data.remove();
  });

  it('answers concurrent reads from both processes, and a TAXII status on whichever process is asked', async () => {
    assert.match(server.output(), /with 2 processes/);
    const replies = await Promise.all(
      Array.from({ length: 40 }, () => fetch(`${server.url}/api/v1/indicators?q=192.9.135.73`, { headers: { ...basic('ip-analyst'), connection: 'close' } })),
    );
    assert.deepEqual([...new Set(replies.map((reply) => reply.status))], [200]);
    const taxii = { ...basic('vendor-analyst'), accept: 'application/taxii+json;version=2.1', 'content-type': 'application/taxii+json;version=2.1' };
    const collections = (await (await fetch(`${server.url}/taxii2/api/collections/`, { headers: taxii })).json()) as { collections: Array<{ id: string; can_write: boolean }> };
    const inbox = collections.collections.find((collection) => collection.can_write);
    assert.ok(inbox, 'the vendor has an inbox');
    const indicator = {
      type: 'indicator', spec_version: '2.1', id: 'indicator--3f0a2d6e-9a57-4c1e-8d0b-6f7c2e1a9b41', created: '2026-11-01T00:00:00.000Z', modified: '2026-11-01T00:00:00.000Z',
      pattern: "[ipv4-addr:value = '203.0.113.77']", pattern_type: 'stix', valid_from: '2026-11-01T00:00:00Z',
    };
    const posted = await fetch(`${server.url}/taxii2/api/collections/${inbox.id}/objects/`, { method: 'POST', headers: taxii, body: JSON.stringify({ objects: [indicator] }) });
    assert.equal(posted.status, 202);
    const status = (await posted.json()) as { id: string; success_count: number };
    assert.equal(status.success_count, 1);
    // new connections are spread over the processes: each must know the status
    for (let i = 0; i < 8; i++) {
      const read = await fetch(`${server.url}/taxii2/api/status/${status.id}/`, { headers: { ...taxii, connection: 'close' } });
      assert.equal(read.status, 200);
      assert.equal(((await read.json()) as { id: string }).id, status.id);
    }
  });

  it('stops every process on SIGTERM, and the audit chain written by both verifies', async () => {
    server.child.kill('SIGTERM');
    const code = await new Promise((resolve) => server.child.once('exit', resolve));
    assert.equal(code, 0);
    const verified = tix(data.path, ['audit', 'verify']);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const entries = Number(/audit log intact: (\d+) entries/.exec(verified.stdout)?.[1]);
    assert.ok(entries >= 50, `the 40 reads, the post and the 8 status reads are audited (${entries})`);
  });
});
