/**
 * Administration over HTTP: organisations and agreements (the operator's
 * admins), users and API keys (each organisation's admins for their own, the
 * operator's for all), and what each role may do.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic, isProblem, NOW, openApiWorld, type ApiWorld, type Json } from '../helpers/api.ts';

const API = '/api/v1';
const DAY = 86_400_000;

describe('REST API: administration', () => {
  let w: ApiWorld;
  before(async () => {
    w = await openApiWorld();
  });
  after(async () => w?.close());

  it('lists organisations to every member; only the operator\'s admins add them', async () => {
    const list = await w.call(`${API}/organisations`, w.keys['Police-reader']);
    assert.deepEqual((list.body.items as Json[]).map((org) => org.name), ['local', 'Vendor', 'Police']);
    const created = await w.call(`${API}/organisations`, w.keys['local-admin'], { body: { name: 'National CERT', kind: 'cert', country: 'NG' } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual([created.body.name, created.body.kind, created.body.country], ['National CERT', 'cert', 'NG']);
    assert.ok(isProblem(await w.call(`${API}/organisations`, w.keys['Vendor-admin'], { body: { name: 'Rogue', kind: 'other' } }), 403));
    assert.ok(isProblem(await w.call(`${API}/organisations`, w.keys['local-admin'], { body: { name: 'national cert', kind: 'cert' } }), 409));
    for (const body of [{ name: 'X', kind: 'bank' }, { name: ' padded', kind: 'cert' }, { name: 'X', kind: 'cert', country: 'Nigeria' }, { name: 'line\nbreak', kind: 'cert' }, { kind: 'cert' }]) {
      const reply = await w.call(`${API}/organisations`, w.keys['local-admin'], { body });
      assert.ok(isProblem(reply, 400), JSON.stringify(body));
    }
    assert.ok(isProblem(await w.call(`${API}/organisations`, undefined), 401));
  });

  it('makes agreements (operator admins) and shows each member only its own', async () => {
    const made = await w.call(`${API}/agreements`, w.keys['local-admin'], {
      body: { name: 'Operation Sentinel', members: ['Vendor', w.orgs.Police], countries: ['NG', 'GH'], purpose: 'takedown', endsAt: new Date(NOW + 90 * DAY).toISOString(), maxTlp: 'amber' },
    });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual((made.body.members as Json[]).map((org) => org.name), ['Vendor', 'Police']);
    assert.equal(made.body.active, true);
    await w.call(`${API}/agreements`, w.keys['local-admin'], { body: { name: 'Vendor only', members: ['Vendor'], startsAt: new Date(NOW + DAY).toISOString() } });
    const police = await w.call(`${API}/agreements`, w.keys['Police-reader']);
    assert.deepEqual((police.body.items as Json[]).map((agreement) => agreement.name), ['Operation Sentinel']);
    const vendor = await w.call(`${API}/agreements`, w.keys['Vendor-reader']);
    assert.deepEqual((vendor.body.items as Json[]).map((agreement) => [agreement.name, agreement.active]), [['Operation Sentinel', true], ['Vendor only', false]]);
    assert.equal((await w.call(`${API}/agreements`, w.keys['local-admin'])).body.items.length, 2);
    assert.ok(isProblem(await w.call(`${API}/agreements`, w.keys['Vendor-admin'], { body: { name: 'Mine', members: ['Vendor'] } }), 403));
    const unknown = await w.call(`${API}/agreements`, w.keys['local-admin'], { body: { name: 'Ghosts', members: ['Vendor', 'Nobody'] } });
    assert.ok(isProblem(unknown, 400));
    assert.match(unknown.body.detail, /members\.1: no organisation "Nobody"/);
    const backwards = await w.call(`${API}/agreements`, w.keys['local-admin'], { body: { name: 'Backwards', members: ['Vendor'], startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' } });
    assert.ok(isProblem(backwards, 400));
    assert.ok(isProblem(await w.call(`${API}/agreements`, w.keys['local-admin'], { body: { name: 'Operation Sentinel', members: ['Vendor'] } }), 409));
  });

  it('lets an organisation\'s admins manage its users, and the operator\'s admins everyone\'s', async () => {
    const created = await w.call(`${API}/users`, w.keys['Vendor-admin'], { body: { name: 'ana', role: 'analyst' } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual([created.body.user.org.name, created.body.user.role], ['Vendor', 'analyst']);
    const password = created.body.password as string;
    assert.ok(password.length >= 20);
    // the new user signs in with the password shown once
    const signedIn = await w.call(`${API}/indicators`, basic('ana', password));
    assert.equal(signedIn.status, 200, signedIn.text);
    assert.ok(isProblem(await w.call(`${API}/indicators`, basic('ana', 'wrong-password')), 401));
    const chosen = await w.call(`${API}/users`, w.keys['local-admin'], { body: { name: 'pat', org: 'Police', role: 'reader', password: 'correct horse battery staple' } });
    assert.equal(chosen.status, 201);
    assert.equal(chosen.body.password, undefined);
    assert.ok(isProblem(await w.call(`${API}/users`, w.keys['Vendor-admin'], { body: { name: 'mole', org: 'Police', role: 'admin' } }), 403));
    assert.ok(isProblem(await w.call(`${API}/users`, w.keys['Vendor-analyst'], { body: { name: 'self', role: 'admin' } }), 403));
    assert.ok(isProblem(await w.call(`${API}/users`, w.keys['Vendor-admin'], { body: { name: 'ANA', role: 'reader' } }), 409));
    assert.ok(isProblem(await w.call(`${API}/users`, w.keys['Vendor-admin'], { body: { name: 'short', role: 'reader', password: 'short' } }), 400));
    assert.ok(isProblem(await w.call(`${API}/users`, w.keys['Vendor-admin'], { body: { name: '../etc', role: 'reader' } }), 400));
    assert.ok(isProblem(await w.call(`${API}/users`, w.keys['Vendor-admin'], { body: { name: 'x', role: 'root' } }), 400));
    const vendorUsers = await w.call(`${API}/users`, w.keys['Vendor-admin']);
    assert.deepEqual((vendorUsers.body.items as Json[]).map((user) => user.name), ['ana']);
    assert.ok(!vendorUsers.text.includes('scrypt'), 'no password hash is ever sent');
    assert.ok(isProblem(await w.call(`${API}/users?org=Police`, w.keys['Vendor-admin']), 403));
    assert.deepEqual((await w.call(`${API}/users`, w.keys['local-admin'])).body.items.map((user: Json) => user.name), ['ana', 'pat']);
    assert.deepEqual((await w.call(`${API}/users?org=Police`, w.keys['local-admin'])).body.items.map((user: Json) => user.name), ['pat']);
    assert.ok(isProblem(await w.call(`${API}/users`, w.keys['Vendor-reader']), 403));
  });

  it('creates keys shown once, lists them without secrets, revokes them at once', async () => {
    const created = await w.call(`${API}/keys`, w.keys['Vendor-admin'], { body: { role: 'reader', label: 'SIEM', expiresAt: new Date(NOW + 30 * DAY).toISOString() } });
    assert.equal(created.status, 201, created.text);
    const token = created.body.key as string;
    assert.match(token, /^tix_[0-9a-f]{12}_/);
    assert.deepEqual([created.body.org.name, created.body.role, created.body.label], ['Vendor', 'reader', 'SIEM']);
    assert.equal((await w.call(`${API}/indicators`, token)).status, 200);
    // a reader key reads but does not write
    assert.ok(isProblem(await w.call(`${API}/indicators`, token, { body: { value: '192.0.2.1' } }), 403));
    const list = await w.call(`${API}/keys`, w.keys['Vendor-admin']);
    assert.ok((list.body.items as Json[]).every((key) => key.org.name === 'Vendor'));
    assert.ok((list.body.items as Json[]).some((key) => key.prefix === created.body.prefix && key.label === 'SIEM'));
    // tix_<12 hex>_<secret>: the secret (base64url, which may hold "_") starts at 17
    assert.ok(!list.text.includes(token.slice(17)), 'the secret is never listed');
    assert.ok(!/"hash"/.test(list.text));
    // another organisation's admin: no such key
    assert.ok(isProblem(await w.call(`${API}/keys/${created.body.prefix}/revoke`, w.keys['Police-admin'], { method: 'POST' }), 404));
    assert.ok(isProblem(await w.call(`${API}/keys/not-a-prefix/revoke`, w.keys['Vendor-admin'], { method: 'POST' }), 400));
    const revoked = await w.call(`${API}/keys/${created.body.prefix}/revoke`, w.keys['Vendor-admin'], { method: 'POST' });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.body.revokedAt, new Date(NOW).toISOString());
    const refused = await w.call(`${API}/indicators`, token);
    assert.ok(isProblem(refused, 401));
    assert.match(refused.body.detail, /revoked/);
    assert.ok(isProblem(await w.call(`${API}/keys/${created.body.prefix}/revoke`, w.keys['Vendor-admin'], { method: 'POST' }), 409));
    // the operator's admins make and see keys for any organisation
    const forPolice = await w.call(`${API}/keys`, w.keys['local-admin'], { body: { org: 'Police', role: 'sync' } });
    assert.equal(forPolice.body.org.name, 'Police');
    assert.ok(isProblem(await w.call(`${API}/keys`, w.keys['Vendor-admin'], { body: { org: 'Police' } }), 403));
    const all = await w.call(`${API}/keys`, w.keys['local-admin']);
    assert.deepEqual([...new Set((all.body.items as Json[]).map((key) => key.org.name))].sort(), ['Police', 'Vendor', 'local']);
    assert.ok(isProblem(await w.call(`${API}/keys`, w.keys['Vendor-admin'], { body: { expiresAt: '2020-01-01T00:00:00Z' } }), 400));
    assert.ok(isProblem(await w.call(`${API}/keys`, w.keys['Vendor-analyst'], { body: {} }), 403));
    assert.ok(isProblem(await w.call(`${API}/keys`, w.keys['Vendor-reader']), 403));
  });

  it('audits every administrative write', async () => {
    const actions = new Set((await w.store.listAudit({ limit: 1_000_000 })).map((entry) => entry.action));
    for (const action of ['write:organisation', 'write:agreement', 'write:user', 'write:key', 'write:key-revoke', 'read:users', 'read:keys', 'read:agreements', 'read:organisations']) {
      assert.ok(actions.has(action), action);
    }
  });
});
