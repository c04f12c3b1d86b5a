/**
 * Two `tix serve` processes on one PostgreSQL database behave as one: a key
 * made with the CLI works on both, a browser session opened on one is good
 * on the other and signing out on one ends it on both, the request budget
 * is one budget, and a feed asked of both at once is pulled once.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { call } from '../helpers/api.ts';
import { startServe, tempDir, tixAsync } from '../helpers/cli.ts';
import { freshDatabase } from '../helpers/stores.ts';

describe('several API nodes on one PostgreSQL store', () => {
  const dir = tempDir('tix-nodes-');
  const nodes: Array<{ child: ChildProcess; url: string }> = [];
  let db = '';
  let key = '';
  let budgetKey = '';
  let operatorKey = '';
  let feedServer: Server;
  let feedRequests = 0;
  const cli = async (args: string[]) => {
    const run = await tixAsync(dir.path, ['--db', db, ...args]);
    assert.equal(run.code, 0, `tix ${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  };

  before(async () => {
    db = await freshDatabase();
    await cli(['org', 'add', 'Interpol', '--kind', 'international-police']);
    const newKey = async (org: string, role: string) => /tix_[A-Za-z0-9_-]+/.exec(await cli(['key', 'create', '--org', org, '--role', role]))![0];
    key = await newKey('Interpol', 'admin');
    budgetKey = await newKey('Interpol', 'reader');
    // feeds are the operator's (the organisation the store was made with)
    operatorKey = await newKey('local', 'admin');
    // a feed that answers slowly, so two pulls asked at once overlap
    feedServer = createServer((_req, res) => {
      feedRequests++;
      setTimeout(() => res.end('192.0.2.10\n192.0.2.11\n'), 1_000);
    });
    await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
    await cli(['feeds', 'add', 'slow-list', `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/list.txt`, '--format', 'plain-list']);
    for (let i = 0; i < 2; i++) nodes.push(await startServe(dir.path, ['--db', db, '--rate-limit', '60']));
  });
  after(async () => {
    for (const node of nodes) node.child.kill('SIGTERM');
    await new Promise<void>((resolve) => feedServer.close(() => resolve()));
    dir.remove();
  });

  it('a key made with the CLI works on every node', async () => {
    for (const node of nodes) {
      const reply = await call(node.url, '/api/v1/session', { auth: key });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.org.name, 'Interpol');
    }
  });

  it('a session opened on one node is good on the other, and signing out on one ends it on both', async () => {
    const a = nodes[0]!;
    const b = nodes[1]!;
    const admin = await call(a.url, '/api/v1/users', { auth: key, body: { name: 'analyst', org: 'Interpol', role: 'analyst', password: 'a long enough password' } });
    assert.ok(admin.status === 200 || admin.status === 201, admin.text);
    const signIn = await call(a.url, '/api/v1/session', { body: { user: 'analyst', password: 'a long enough password' } });
    assert.equal(signIn.status, 200, signIn.text);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const onB = await call(b.url, '/api/v1/session', { headers: { cookie } });
    assert.equal(onB.body.user, 'analyst');
    const out = await call(b.url, '/api/v1/session/logout', { method: 'POST', headers: { cookie, 'x-tix-csrf': signIn.body.csrf } });
    assert.ok(out.status < 300, out.text);
    const onA = await call(a.url, '/api/v1/session', { headers: { cookie } });
    assert.equal(onA.status, 401, 'signed out on every node');
  });

  it('the request budget is one budget across the nodes', async () => {
    // --rate-limit 60: a burst of 10 for a caller, whichever node it asks
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await call(nodes[i % 2]!.url, '/api/v1/indicators?q=192.0.2.1', { auth: budgetKey })).status);
    const ok = statuses.filter((status) => status === 200).length;
    assert.ok(ok <= 11 && ok >= 9, `about 10 requests of 14 pass across both nodes, not 14: ${statuses.join(' ')}`);
    assert.equal(statuses[13], 429);
  });

  it('a feed asked of both nodes at once is pulled by one of them', async () => {
    const before = feedRequests;
    const replies = await Promise.all(nodes.map((node) => call(node.url, '/api/v1/feeds/slow-list/pull', { method: 'POST', auth: operatorKey })));
    assert.deepEqual(replies.map((reply) => reply.status), [200, 200]);
    assert.deepEqual(replies.map((reply) => reply.body.status).sort(), ['busy', 'ok']);
    assert.equal(feedRequests - before, 1, 'fetched once');
    assert.match(await cli(['search', '192.0.2.11']), /slow-list/, 'the pull landed in the shared store');
  });
});
