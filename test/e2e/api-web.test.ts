/**
 * What the web UI needs from the server, over HTTP on loopback: the session
 * cookie as a third way to sign in (CSRF-safe), the overview's counts under
 * the caller's clearance, and the UI's files with their types and caching.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../../src/auth/index.ts';
import { NOW, openApiWorld, type ApiWorld, type Json } from '../helpers/api.ts';
import { ROOT, tempDir } from '../helpers/cli.ts';
import { behindTheBack, reopenStore } from '../helpers/stores.ts';
import { buildServer } from '../../src/api/server.ts';

describe('web UI server side: sessions, overview counts, static files', () => {
  let world: ApiWorld;
  const web = tempDir('tix-web-root-');

  before(async () => {
    const built = spawnSync(process.execPath, [join(ROOT, 'web', 'build.mjs'), web.path], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    world = await openApiWorld({ webRoot: web.path });
    for (const [name, org] of [
      ['vera', world.orgs.Vendor],
      ['paul', world.orgs.Police],
    ] as const) {
      await world.store.createUser({ name, org, role: 'analyst', passwordHash: await hashPassword(`${name}-secret`), createdAt: 0 });
    }
  });
  after(async () => {
    await world?.close();
    web.remove();
  });

  const signIn = async (user: string, password = `${user}-secret`): Promise<{ status: number; cookie: string; setCookie: string; body: Json }> => {
    const reply = await world.call('/api/v1/session', undefined, { body: { user, password } });
    const setCookie = reply.headers.get('set-cookie') ?? '';
    return { status: reply.status, cookie: setCookie.split(';')[0]!, setCookie, body: reply.body };
  };

  it('signs in with a password and sets an HttpOnly, SameSite=Strict cookie; a wrong password is a 401 and no cookie', async () => {
    const wrong = await signIn('vera', 'nope');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.setCookie, '');
    const ok = await signIn('vera');
    assert.equal(ok.status, 200);
    assert.match(ok.setCookie, /^tix_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    assert.equal(ok.body.org.name, 'Vendor');
    assert.equal(ok.body.role, 'analyst');
    assert.ok(ok.body.csrf.length >= 20);
    const me = await world.call('/api/v1/session', undefined, { headers: { cookie: ok.cookie } });
    assert.equal(me.status, 200);
    assert.equal(me.body.user, 'vera');
    assert.equal(me.body.csrf, ok.body.csrf);
  });

  it('reads with the cookie, refuses a state-changing request without the CSRF header, accepts it with the header', async () => {
    const { cookie, body } = await signIn('vera');
    assert.equal((await world.call('/api/v1/indicators?q=192.0.2.1', undefined, { headers: { cookie } })).status, 200);
    const forged = await world.call('/api/v1/indicators', undefined, { headers: { cookie }, body: { value: 'forged.example.org' } });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.code, 'TIX_SESSION_CSRF');
    const wrongToken = await world.call('/api/v1/indicators', undefined, { headers: { cookie, 'x-tix-csrf': 'x'.repeat(body.csrf.length) }, body: { value: 'forged.example.org' } });
    assert.equal(wrongToken.status, 403);
    const made = await world.call('/api/v1/indicators', undefined, { headers: { cookie, 'x-tix-csrf': body.csrf }, body: { value: 'made-in-the-ui.example.org', tlp: 'green' } });
    assert.equal(made.status, 201);
    assert.equal(made.body.source, 'api:Vendor');
  });

  it('keeps Bearer and Basic working, and a bad Authorization header still wins over a good cookie: 401', async () => {
    const { cookie } = await signIn('vera');
    assert.equal((await world.call('/api/v1/session', world.keys['Police-reader'])).body.org.name, 'Police');
    const bad = await world.call('/api/v1/session', 'tix_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { headers: { cookie } });
    assert.equal(bad.status, 401);
  });

  it('signs out on the server: the old cookie no longer signs anyone in', async () => {
    const { cookie, body } = await signIn('paul');
    const out = await world.call('/api/v1/session/logout', undefined, { method: 'POST', headers: { cookie, 'x-tix-csrf': body.csrf } });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /^tix_session=; .*Max-Age=0/);
    assert.equal((await world.call('/api/v1/session', undefined, { headers: { cookie } })).status, 401);
  });

  it('keeps sessions in the store: another server of the same store (a worker, or after a restart) knows them, and a sign-out ends them there too', async () => {
    const { cookie, body } = await signIn('vera');
    const other = await reopenStore(world.store);
    const second = await buildServer({ store: other, now: () => NOW, rateLimit: 1_000_000 });
    const base = await second.listen({ port: 0, host: '127.0.0.1' });
    try {
      const me = await fetch(`${base}/api/v1/session`, { headers: { cookie } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as Json).user, 'vera');
      const out = await fetch(`${base}/api/v1/session/logout`, { method: 'POST', headers: { cookie, 'x-tix-csrf': body.csrf } });
      assert.equal(out.status, 204);
      assert.equal((await world.call('/api/v1/session', undefined, { headers: { cookie } })).status, 401);
    } finally {
      await second.close();
      await other.close();
    }
  });

  it('counts for the overview only what the caller may read, each value once, equal to the count under the same clearance', async () => {
    const post = async (key: string, items: Json[]): Promise<void> => assert.equal((await world.call('/api/v1/indicators', key, { body: items })).status, 201);
    await post(world.keys['Vendor-analyst'], [
      { value: '198.51.100.7', tlp: 'amber', threatType: 'c2' },
      { value: 'strict.vendor.example', tlp: 'amber+strict', threatType: 'c2' },
      { value: 'shared.example.net', tlp: 'green', threatType: 'phishing' },
    ]);
    await post(world.keys['Police-analyst'], [{ value: 'shared.example.net', tlp: 'green', threatType: 'phishing' }]);
    // the vendor's source is shared with the police under an agreement: AMBER travels, AMBER+STRICT does not
    const agreement = await world.store.createAgreement({ name: 'Op', members: [world.orgs.Vendor, world.orgs.Police], countries: [], purpose: '', startsAt: 0, maxTlp: 'amber', mayShareOnward: false }, 0);
    const distribution = await world.store.distribution({ owner: world.orgs.Vendor, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] });
    await world.store.setSourceDistribution('api:Vendor', distribution.id);

    const police = (await world.call('/api/v1/overview', world.keys['Police-reader'])).body;
    const vendor = (await world.call('/api/v1/overview', world.keys['Vendor-reader'])).body;
    const policeCount = (await world.call('/api/v1/indicators/count?all=true', world.keys['Police-reader'])).body.count;
    const vendorCount = (await world.call('/api/v1/indicators/count?all=true', world.keys['Vendor-reader'])).body.count;
    assert.equal(police.indicators, policeCount);
    assert.equal(vendor.indicators, vendorCount);
    assert.equal(vendor.indicators - police.indicators, 1, 'only the AMBER+STRICT value is missing for the police');
    assert.equal(police.byTlp['amber+strict'], undefined);
    assert.equal(vendor.byTlp['amber+strict'], 1);
    assert.equal(police.byTlp.amber, 1);
    // shared.example.net is reported by both organisations' sources, and counted once
    assert.equal(police.byThreatType.phishing, 1);
    assert.equal(police.byType.hostname, 2, 'shared.example.net once, and the GREEN value made through the UI above');
    assert.equal(police.indicators, 3);
    const sum = (record: Record<string, number>): number => Object.values(record).reduce((total, n) => total + n, 0);
    assert.equal(sum(police.byType), police.indicators);
    assert.deepEqual(
      (police.bySource as Json[]).map((entry) => entry.source).sort(),
      ['api:Police', 'api:Vendor'],
    );
    assert.equal(sum(Object.fromEntries((police.firstSeenPerDay as Json[]).map((entry) => [entry.day, entry.indicators]))), 3, 'values by day first seen');
    // counts follow new data at once
    await post(world.keys['Police-analyst'], [{ value: '203.0.113.9', tlp: 'red' }]);
    assert.equal((await world.call('/api/v1/overview', world.keys['Police-reader'])).body.indicators, police.indicators + 1);
    assert.equal((await world.call('/api/v1/overview', world.keys['Vendor-reader'])).body.indicators, vendor.indicators);
    // no one signed in, nothing counted
    assert.equal((await world.call('/api/v1/overview', undefined)).status, 401);
  });

  it('keeps the overview counts up to date import by import, exactly as a count from scratch gives them', async () => {
    const post = async (key: string, items: Json[]): Promise<void> => assert.equal((await world.call('/api/v1/indicators', key, { body: items })).status, 201);
    const before = await world.store.overview();
    // new values, a value changing its threat type and TLP, a second organisation reporting a value the first holds
    await post(world.keys['Vendor-analyst'], [
      { value: '198.51.100.7', tlp: 'green', threatType: 'scanner', lastSeen: '2026-05-30T00:00:00Z' },
      { value: 'new-one.example.com', tlp: 'amber', threatType: 'phishing', firstSeen: '2026-01-02T00:00:00Z' },
      { value: 'd41d8cd98f00b204e9800998ecf8427e', tlp: 'clear' },
    ]);
    await post(world.keys['Police-analyst'], [{ value: 'strict.vendor.example', tlp: 'amber', threatType: 'c2', firstSeen: '2025-12-01T00:00:00Z' }]);
    const updated = await world.store.overview();
    assert.equal(updated.indicators, before.indicators + 2);
    const fresh = await reopenStore(world.store);
    try {
      assert.deepEqual(updated, await fresh.overview(), 'the same counts as one pass over the store');
      for (const key of [world.keys['Police-reader'], world.keys['Vendor-reader']]) {
        const reply = (await world.call('/api/v1/overview', key)).body;
        assert.equal(reply.indicators, (await world.call('/api/v1/indicators/count?all=true', key)).body.count);
      }
    } finally {
      await fresh.close();
    }
  });

  it('shows the audit log, verified, and the scheduled feeds to the operator\'s admins only', async () => {
    for (const path of ['/api/v1/audit', '/api/v1/feeds']) {
      assert.equal((await world.call(path, world.keys['Vendor-admin'])).status, 403, path);
      assert.equal((await world.call(path, world.keys['Police-reader'])).status, 403, path);
    }
    await world.store.addFeed({ name: 'feodo', url: 'https://feodotracker.abuse.ch/downloads/ipblocklist.csv', format: 'feodo', everyMs: 3_600_000, mode: 'full' }, 0);
    await world.store.recordPull('feodo', { lastPullAt: 1000, lastStatus: 'failed', lastError: 'HTTP 503' });
    const feeds = await world.call('/api/v1/feeds', world.keys['local-admin']);
    assert.equal(feeds.status, 200);
    assert.deepEqual(feeds.body.items, [{ name: 'feodo', url: 'https://feodotracker.abuse.ch/downloads/ipblocklist.csv', format: 'feodo', every: 3600, mode: 'full', lastPullAt: '1970-01-01T00:00:01.000Z', lastStatus: 'failed', lastError: 'HTTP 503' }]);
    const feed = { name: 'urlhaus', url: 'https://urlhaus.abuse.ch/downloads/text/' };
    assert.equal((await world.call('/api/v1/feeds', world.keys['Vendor-admin'], { body: feed })).status, 403);
    assert.equal((await world.call('/api/v1/feeds', world.keys['local-admin'], { body: { ...feed, url: 'file:///etc/passwd' } })).status, 400);
    assert.equal((await world.call('/api/v1/feeds', world.keys['local-admin'], { body: feed })).status, 201);
    assert.equal((await world.call('/api/v1/feeds/urlhaus/pull', world.keys['Police-admin'], { method: 'POST' })).status, 403);
    assert.equal((await world.call('/api/v1/feeds/nothing/pull', world.keys['local-admin'], { method: 'POST' })).status, 404);
    const audit = await world.call('/api/v1/audit?action=write:session&limit=3', world.keys['local-admin']);
    assert.equal(audit.status, 200);
    assert.equal(audit.body.verification.intact, true);
    assert.ok(audit.body.verification.entries > 10);
    assert.equal(audit.body.items.length, 3);
    assert.ok(audit.body.items.every((entry: Json) => String(entry.action).startsWith('write:session')));
    assert.ok(audit.body.items[0].seq > audit.body.items[1].seq, 'newest first');
    // an entry changed behind tix's back breaks the chain, and the page says where
    const file = await behindTheBack(world.store);
    try {
      const original = (await file.get<{ target: string }>('SELECT target FROM audit_log WHERE seq = 3'))!.target;
      await file.run('UPDATE audit_log SET target = ? WHERE seq = 3', ['/nothing/to/see']);
      const broken = (await world.call('/api/v1/audit?limit=1', world.keys['local-admin'])).body.verification;
      assert.deepEqual(broken, { intact: false, entries: broken.entries, brokenAt: 3, reason: 'its content was changed' });
      await file.run('UPDATE audit_log SET target = ? WHERE seq = 3', [original]);
      assert.equal((await world.call('/api/v1/audit?limit=1', world.keys['local-admin'])).body.verification.intact, true);
    } finally {
      await file.close();
    }
  });

  it('serves the page at / with a strict CSP and no caching, and hashed assets with their types, cached for a year', async () => {
    const page = await world.call('/', undefined);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
    const assets = readdirSync(join(web.path, 'assets'));
    const script = assets.find((name) => name.endsWith('.js'))!;
    const style = assets.find((name) => name.endsWith('.css'))!;
    assert.ok(page.text.includes(`/assets/${script}`) && page.text.includes(`/assets/${style}`));
    const js = await world.call(`/assets/${script}`, undefined);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match((await world.call(`/assets/${style}`, undefined)).headers.get('content-type') ?? '', /^text\/css/);
    assert.equal((await world.call('/assets/..%2F..%2Fpackage.json', undefined)).status, 404);
    assert.equal((await world.call('/assets/nothing.js', undefined)).status, 404);
    // the API and its documentation are where they were
    assert.equal((await world.call('/api/v1/indicators', undefined)).status, 401);
    assert.equal((await world.call('/docs', undefined)).status, 200);
  });
});
