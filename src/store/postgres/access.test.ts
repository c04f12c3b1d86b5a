import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError } from '../../errors.ts';
import { auditContent, auditHash, AUDIT_GENESIS } from '../../policy/index.ts';
import { eventually } from '../../../test/helpers/eventually.ts';
import { freshDatabase } from '../../../test/helpers/stores.ts';
import { PostgresStore } from './store.ts';

const NOW = Date.UTC(2026, 10, 2, 9);

/** Two handles on one database, as two `tix serve` processes behind one load balancer would have. */
describe('postgres: two server processes on one database', () => {
  let one: PostgresStore;
  let two: PostgresStore;
  before(async () => {
    const url = await freshDatabase();
    one = await PostgresStore.open(url);
    two = await PostgresStore.open(url);
  });
  after(async () => {
    await one.close();
    await two.close();
  });

  it('finds a key made by the other by its prefix, stored only as a hash, and sees its revocation at once', async () => {
    const org = await one.createOrganisation({ name: 'Keys Org', kind: 'vendor', createdAt: 0 });
    const made = await one.createApiKey({ prefix: 'aabbccddeeff', hash: 'scrypt$hash', org: org.id, role: 'reader', createdAt: NOW });
    assert.equal((made as unknown as { hash?: string }).hash, undefined);
    const found = await two.findApiKey('aabbccddeeff');
    assert.equal(found?.id, made.id);
    assert.equal(found?.hash, 'scrypt$hash');
    assert.ok((await two.listApiKeys(org.id)).every((key) => !('hash' in key)));
    assert.equal(await two.revokeApiKey('aabbccddeeff', NOW + 1), true);
    assert.equal((await one.findApiKey('aabbccddeeff'))?.revokedAt, NOW + 1);
    assert.equal(await one.revokeApiKey('aabbccddeeff', NOW + 2), false);
  });

  it('shares web sessions: one opened by one process is seen, touched and closed by the other', async () => {
    const org = await one.createOrganisation({ name: 'Session Org', kind: 'vendor', createdAt: 0 });
    const user = await one.createUser({ name: 'sam', org: org.id, role: 'analyst', createdAt: 0 });
    await one.saveWebSession({ id: 'h1', user: user.id, userName: 'sam', csrf: 'c', createdAt: NOW, usedAt: NOW });
    assert.deepEqual(await two.findWebSession('h1'), { id: 'h1', user: user.id, userName: 'sam', csrf: 'c', createdAt: NOW, usedAt: NOW });
    await two.touchWebSession('h1', NOW + 5);
    assert.equal((await one.findWebSession('h1'))?.usedAt, NOW + 5);
    await two.deleteWebSession('h1');
    assert.equal(await one.findWebSession('h1'), undefined);
  });

  it('answers listAgreements and listDistributions with the other process\'s changes as they commit, frozen', async () => {
    const vendor = await one.createOrganisation({ name: 'Agreement Vendor', kind: 'vendor', createdAt: 0 });
    const police = await one.createOrganisation({ name: 'Agreement Police', kind: 'national-police', createdAt: 0 });
    const before = (await two.listAgreements()).length;
    const agreement = await one.createAgreement({ name: 'op-x', members: [police.id, vendor.id], countries: ['NG'], purpose: 'p', startsAt: 0, maxTlp: 'amber', mayShareOnward: false }, NOW);
    // the other process learns of the change by a notice, a moment after the commit
    assert.ok(await eventually(async () => (await two.listAgreements()).some((a) => a.id === agreement.id)));
    const seen = (await two.listAgreements()).find((a) => a.id === agreement.id);
    assert.equal((await two.listAgreements()).length, before + 1);
    assert.deepEqual(seen?.members, [vendor.id, police.id].sort((a, b) => a - b));
    assert.throws(() => (seen!.members as number[]).push(99), TypeError);
    // a change made behind the store's back (another node, or by hand) shows too
    await one.db.run('DELETE FROM agreement_members WHERE agreement_id = ? AND org_id = ?', [agreement.id, police.id]);
    assert.ok(await eventually(async () => (await two.listAgreements()).find((a) => a.id === agreement.id)?.members.length === 1));
    assert.deepEqual((await two.listAgreements()).find((a) => a.id === agreement.id)?.members, [vendor.id]);
    const shared = await one.distribution({ owner: vendor.id, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] });
    assert.ok(await eventually(async () => (await two.listDistributions()).some((d) => d.id === shared.id)));
    // the same combination asked for by the other process is the same row
    assert.equal((await two.distribution({ owner: vendor.id, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] })).id, shared.id);
  });

  it('refuses a second organisation, user or agreement of the same name, whatever its case, as SQLite does', async () => {
    await one.createOrganisation({ name: 'Unique Org', kind: 'vendor', createdAt: 0 });
    await assert.rejects(two.createOrganisation({ name: 'unique org', kind: 'vendor', createdAt: 0 }), ConflictError);
    assert.equal((await two.findOrganisation('UNIQUE ORG'))?.name, 'Unique Org');
    await one.createUser({ name: 'Kim', org: 1, role: 'reader', createdAt: 0 });
    await assert.rejects(two.createUser({ name: 'kim', org: 1, role: 'reader', createdAt: 0 }), ConflictError);
    await one.createAgreement({ name: 'Dup', members: [], countries: [], purpose: '', startsAt: 0, maxTlp: 'green', mayShareOnward: false }, NOW);
    await assert.rejects(two.createAgreement({ name: 'DUP', members: [], countries: [], purpose: '', startsAt: 0, maxTlp: 'green', mayShareOnward: false }, NOW), ConflictError);
  });

  it('keeps one audit chain when both processes append at once', async () => {
    const entry = (n: number) => ({ at: NOW + n, action: 'write:test', target: `/t/${n}`, detail: { n } });
    await Promise.all(Array.from({ length: 20 }, (_, n) => (n % 2 ? one : two).appendAudits([entry(n * 2), entry(n * 2 + 1)])));
    const log = await one.listAudit({ limit: 1000 });
    assert.equal(log.length, 40);
    let prev = AUDIT_GENESIS;
    for (const [i, record] of log.entries()) {
      assert.equal(record.seq, i + 1);
      assert.equal(record.prevHash, prev);
      assert.equal(record.hash, auditHash(prev, record.seq, auditContent(record)));
      prev = record.hash;
    }
  });

  it('agrees on one instance secret when both make it at once', async () => {
    const [a, b] = await Promise.all([one.instanceSecret('taxii-next'), two.instanceSecret('taxii-next')]);
    assert.equal(a.length, 32);
    assert.deepEqual(a, b);
  });

  it('hands each due notice to exactly one of the processes claiming at once', async () => {
    const user = await one.createUser({ name: 'mailed', org: 1, role: 'analyst', email: 'm@x.example', createdAt: 0 });
    for (let i = 0; i < 60; i++) {
      await one.db.run('INSERT INTO mail_outbox (user_id, kind, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)', [user.id, 'rfi-asked', `s${i}`, 'b', NOW, NOW]);
    }
    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).claimMail(NOW, 60_000, 7)));
    const ids = claims.flat().map((mail) => mail.id);
    assert.equal(new Set(ids).size, ids.length, 'a notice was claimed twice');
    assert.equal(ids.length, 60);
    // leased: nothing is due again until the lease runs out, then all of it is
    assert.deepEqual(await two.claimMail(NOW + 59_999, 60_000, 100), []);
    assert.equal((await one.claimMail(NOW + 60_000, 60_000, 100)).length, 60);
  });
});
