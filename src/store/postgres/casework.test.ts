import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TixError } from '../../errors.ts';
import { valueHash } from '../../normalise/index.ts';
import { freshPostgresStore, reopenStore } from '../../../test/helpers/stores.ts';
import { Session } from './db.ts';
import type { PostgresStore } from './store.ts';

const NOW = Date.UTC(2026, 5, 1);

/** Organisations and users written straight into the database: this file tests case work, not the access part. */
async function people(store: PostgresStore): Promise<{ police: number; vendor: number; officer: number; analyst: number }> {
  const org = async (name: string, kind: string): Promise<number> =>
    (await store.db.get<{ id: number }>('INSERT INTO organisations (name, kind, created_at) VALUES (?, ?, 0) RETURNING id', [name, kind]))!.id;
  const user = async (name: string, orgId: number, role: string): Promise<number> =>
    (await store.db.get<{ id: number }>("INSERT INTO users (name, org_id, role, created_at, email) VALUES (?, ?, ?, 0, ? || '@example.org') RETURNING id", [name, orgId, role, name]))!.id;
  const police = await org('Police', 'national-police');
  const vendor = await org('Vendor', 'vendor');
  return { police, vendor, officer: await user('officer', police, 'analyst'), analyst: await user('analyst', vendor, 'analyst') };
}

const codeOf = (result: PromiseSettledResult<unknown>): string | undefined => (result.status === 'rejected' ? (result.reason as TixError).code : undefined);

describe('case work on PostgreSQL', () => {
  let store: PostgresStore;
  let other: PostgresStore;
  let ids: Awaited<ReturnType<typeof people>>;

  before(async () => {
    store = await freshPostgresStore();
    other = (await reopenStore(store)) as PostgresStore;
    ids = await people(store);
  });
  after(async () => {
    await other.close();
    await store.close();
  });

  it('two handles replying to the same request at once leave one reply and a status that agrees with it', async () => {
    const investigation = await store.openInvestigation({ org: ids.police, caseNumber: 'C-1', title: 'Fraud', countries: ['KE'], tlp: 'amber', createdAt: NOW });
    await store.inviteMembers(investigation.id, ids.police, [ids.vendor], NOW);
    for (let round = 0; round < 8; round++) {
      const rfi = await store.createRfi({
        investigation: investigation.id,
        from: ids.police,
        to: ids.vendor,
        user: ids.officer,
        subject: `who ${round}`,
        question: 'Who runs it?',
        values: [{ value: 'wallet-1' }],
        priority: 'normal',
        createdAt: NOW,
      });
      const reply = (target: PostgresStore, action: 'answer' | 'decline') =>
        target.replyRfi(rfi.id, { org: ids.vendor, action, text: action, indicators: [], reports: [], at: NOW + 1 });
      // an answer and a decline both need the request open: only one of them may find it so
      const results = await Promise.allSettled([reply(store, 'answer'), reply(other, 'decline')]);
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1, `round ${round}: one reply wins`);
      assert.deepEqual(results.map(codeOf).filter(Boolean), ['TIX_RFI_NOT_OPEN']);
      const final = (await other.getRfi(rfi.id, ids.police))!;
      assert.deepEqual(final.thread.map((message) => message.action).slice(0, 1), ['ask']);
      assert.equal(final.thread.length, 2);
      assert.equal(final.status, final.thread[1]!.action === 'answer' ? 'answered' : 'declined');
    }
  });

  it('queues the notices of a request in its own transaction', async () => {
    const before = (await store.db.get<{ n: number }>('SELECT count(*) AS n FROM mail_outbox'))!.n;
    const investigation = (await store.getInvestigation('C-1', ids.police))!;
    const rfi = await store.createRfi({
      investigation: investigation.id,
      from: ids.police,
      to: ids.vendor,
      user: ids.officer,
      subject: 'mail',
      question: 'Anything?',
      values: [],
      priority: 'urgent',
      createdAt: NOW,
    });
    const asked = await store.db.all<{ user_id: number; kind: string }>('SELECT user_id, kind FROM mail_outbox ORDER BY id OFFSET ?', [before]);
    assert.deepEqual(asked, [{ user_id: ids.analyst, kind: 'rfi-asked' }]);
    // a reply refused by the request's state machine writes neither a message nor a notice
    await other.replyRfi(rfi.id, { org: ids.vendor, action: 'decline', text: 'no', indicators: [], reports: [], at: NOW + 1 });
    await assert.rejects(other.replyRfi(rfi.id, { org: ids.vendor, action: 'answer', text: 'yes', indicators: [], reports: [], at: NOW + 2 }), { code: 'TIX_RFI_NOT_OPEN' });
    const after = await store.db.all<{ user_id: number; kind: string }>('SELECT user_id, kind FROM mail_outbox ORDER BY id OFFSET ?', [before]);
    assert.deepEqual(after, [
      { user_id: ids.analyst, kind: 'rfi-asked' },
      { user_id: ids.officer, kind: 'rfi-declined' },
    ]);
    assert.equal((await store.getRfi(rfi.id, ids.vendor))!.thread.length, 2);
  });

  it('one case number per organisation, and one operation per name whatever its case, when two handles race', async () => {
    const open = (target: PostgresStore) => target.openInvestigation({ org: ids.police, caseNumber: 'RACE-1', title: 'x', countries: [], tlp: 'red', createdAt: NOW });
    const opened = await Promise.allSettled([open(store), open(other)]);
    assert.deepEqual(opened.map(codeOf).sort(), ['TIX_CONFLICT', undefined]);
    const operation = (target: PostgresStore, name: string) => target.createOperation({ name, countries: ['KE'], startsAt: NOW, endsAt: NOW + 1, partners: [ids.vendor], tag: 'op' }, NOW);
    const created = await Promise.allSettled([operation(store, 'Sandstorm'), operation(other, 'SANDSTORM')]);
    assert.deepEqual(created.map(codeOf).sort(), ['TIX_CONFLICT', undefined]);
    assert.deepEqual((await store.findOperation('sandstorm'))?.partners, [ids.vendor]);
  });

  it('a lookup by a name or value holding NUL finds nothing, as in SQLite, rather than failing', async () => {
    assert.equal(await store.getReport('report--\0'), undefined);
    assert.equal(await store.getInvestigation('C-1\0', ids.police), undefined);
    assert.equal(await store.findOperation('Sandstorm\0'), undefined);
    assert.deepEqual(await store.listReports({ indicator: { type: 'domain', value: 'a\0.example' }, limit: 5 }), { items: [] });
    assert.deepEqual(await store.listOutcomes({ indicator: { type: 'domain', value: 'a\0.example' } }), []);
    assert.deepEqual(await store.enrichmentOf([{ type: 'domain', value: 'a\0.example' }]), [undefined]);
  });
});

describe('enrichment on PostgreSQL', () => {
  const VALUES = 200_000;
  let store: PostgresStore;
  const writes: string[] = [];
  const run = Session.prototype.run;

  before(async () => {
    store = await freshPostgresStore();
    await store.db.run(
      `INSERT INTO indicators (hash, type, value, ip_first, first_seen, last_seen, added_at)
       SELECT n, 'ipv4', '10.' || (n >> 16) || '.' || ((n >> 8) & 255) || '.' || (n & 255), int4send(n), 0, 0, 0 FROM generate_series(1, ?::int) AS n`,
      [VALUES],
    );
    // the values looked up by enrichmentOf carry their real hash
    for (const value of ['10.0.1.3', '10.0.1.4']) await store.db.run('UPDATE indicators SET hash = ? WHERE value = ?', [valueHash('ipv4', value), value]);
    Session.prototype.run = async function (sql: string, params?: readonly unknown[]) {
      if (/indicator_locations/.test(sql)) writes.push(sql);
      return run.call(this, sql, params);
    };
  });
  after(async () => {
    Session.prototype.run = run;
    await store.close();
  });

  const countryOf = (value: string): string => (Number(value.split('.')[3]) % 2 ? 'KE' : 'NG');

  it('writes a few hundred thousand changed values in batches, and nothing on a second run', async () => {
    const first = await store.applyEnrichment((_, value) => ({ country: countryOf(value), asn: 64_500, asOrg: 'Example' }), [{ kind: 'geo', source: { name: 'geo', builtAt: 1.5 }, appliedAt: NOW }], NOW);
    assert.deepEqual(first, { scanned: VALUES, changed: VALUES, located: VALUES });
    assert.ok(writes.length > 1 && writes.length <= Math.ceil(VALUES / 10_000), `${writes.length} statements wrote ${VALUES} rows`);
    assert.equal((await store.db.get<{ n: number }>('SELECT count(*) AS n FROM indicator_locations'))!.n, VALUES);
    writes.length = 0;
    const second = await store.applyEnrichment((_, value) => ({ country: countryOf(value), asn: 64_500, asOrg: 'Example' }), [], NOW + 1);
    assert.deepEqual(second, { scanned: VALUES, changed: 0, located: VALUES });
    assert.deepEqual(writes, []);
    assert.deepEqual(await store.enrichmentOf([{ type: 'ipv4', value: '10.0.1.3' }, { type: 'ipv4', value: '192.0.2.1' }, { type: 'ipv4', value: '10.0.1.4' }]), [
      { country: 'KE', asn: 64_500, asOrg: 'Example' },
      undefined,
      { country: 'NG', asn: 64_500, asOrg: 'Example' },
    ]);
    assert.deepEqual(await store.enrichmentSources(), [{ kind: 'geo', source: { name: 'geo', builtAt: 2 }, appliedAt: NOW }]);
  });

  it('removes what a value no longer has, in batches too', async () => {
    writes.length = 0;
    const third = await store.applyEnrichment((_, value) => (countryOf(value) === 'KE' ? { country: 'KE' } : {}), [], NOW + 2);
    assert.deepEqual(third, { scanned: VALUES, changed: VALUES, located: VALUES / 2 });
    assert.ok(writes.length <= Math.ceil(VALUES / 10_000) + 1, `${writes.length} statements`);
    assert.equal((await store.db.get<{ n: number }>('SELECT count(*) AS n FROM indicator_locations WHERE asn IS NULL'))!.n, VALUES / 2);
    assert.deepEqual(await store.enrichmentOf([{ type: 'ipv4', value: '10.0.1.4' }]), [undefined]);
  });
});
