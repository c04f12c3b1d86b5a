import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { storeContract } from '../store.contract.ts';
import { SqliteStore } from './store.ts';
import { migrate } from './migrations.ts';
import { sqliteAccess } from './access.ts';
import { sqliteSightings } from './sightings.ts';
import { sqliteReports } from './reports.ts';
import { sqliteInvestigations } from './investigations.ts';
import { sqliteWarninglists } from './warninglists.ts';
import { sqliteEnrichment } from './enrichment.ts';
import { sqliteOperations } from './operations.ts';
import { sqliteMail } from './mail.ts';
import { sqliteCoordination } from './coordination.ts';
import { auditContent, verifyChain } from '../../policy/index.ts';

const directories: string[] = [];
after(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

storeContract('sqlite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'tix-store-'));
  directories.push(directory);
  return SqliteStore.open(directory);
});

describe('sqlite: clearance inputs read once per change', () => {
  it('agreements and distributions changed by another handle of the store (or by hand) are seen at once, and what is shared cannot be altered', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tix-store-'));
    directories.push(directory);
    const reader = SqliteStore.open(directory);
    const writer = SqliteStore.open(directory);
    const vendor = await writer.createOrganisation({ name: 'Vendor', kind: 'vendor', createdAt: 0 });
    const police = await writer.createOrganisation({ name: 'Police', kind: 'national-police', createdAt: 0 });
    assert.deepEqual(await reader.listAgreements(), []);
    const agreement = await writer.createAgreement({ name: 'op', members: [vendor.id], countries: ['NG'], purpose: 'p', startsAt: 0, maxTlp: 'amber', mayShareOnward: false }, 0);
    assert.deepEqual((await reader.listAgreements()).map((a) => a.members), [[vendor.id]]);
    const before = (await reader.listDistributions()).length;
    const shared = await writer.distribution({ owner: vendor.id, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] });
    assert.equal((await reader.listDistributions()).length, before + 1);
    assert.ok((await reader.listDistributions()).some((d) => d.id === shared.id));
    // a change made behind the store's back, in SQL
    const db = new Database(join(directory, 'tix.db'));
    db.prepare('INSERT INTO agreement_members (agreement_id, org_id) VALUES (?, ?)').run(agreement.id, police.id);
    db.close();
    const [seen] = await reader.listAgreements();
    assert.deepEqual(seen!.members, [vendor.id, police.id]);
    assert.throws(() => (seen!.members as number[]).push(99), TypeError);
    assert.deepEqual((await reader.listAgreements())[0]!.members, [vendor.id, police.id]);
    await reader.close();
    await writer.close();
  });
});

describe('sqlite: the parts of the store', () => {
  it('no two parts mixed into the store define the same method (one would silently replace the other)', async () => {
    const db = new Database(':memory:');
    migrate(db);
    const parts: Record<string, object> = {
      access: sqliteAccess(db),
      sightings: sqliteSightings(db),
      reports: sqliteReports(db),
      investigations: sqliteInvestigations(db),
      warninglists: sqliteWarninglists(db),
      enrichment: sqliteEnrichment(db),
      operations: sqliteOperations(db),
      mail: sqliteMail(db),
      coordination: sqliteCoordination(db),
    };
    const owner = new Map<string, string>(Object.getOwnPropertyNames(SqliteStore.prototype).map((name) => [name, 'SqliteStore']));
    const clashes: string[] = [];
    for (const [part, methods] of Object.entries(parts)) {
      for (const name of Object.keys(methods)) {
        if (owner.has(name)) clashes.push(`${name}: ${owner.get(name)} and ${part}`);
        owner.set(name, part);
      }
    }
    assert.deepEqual(clashes, []);
    db.close();
  });
});

describe('sqlite: audit entries written while an import is open', () => {
  const open = (): SqliteStore => {
    const directory = mkdtempSync(join(tmpdir(), 'tix-store-'));
    directories.push(directory);
    return SqliteStore.open(directory);
  };
  const observation = { type: 'ipv4' as const, value: '192.0.2.1', firstSeen: 1, lastSeen: 1, tags: [], raw: '192.0.2.1', line: 1 };
  const meta = { source: 'feed', origin: 'feed.txt', format: 'plain-list', startedAt: 1, tlp: 'clear' as const };

  for (const outcome of ['rolled back', 'committed'] as const) {
    it(`are kept, once each and chained, when the import is ${outcome}`, async () => {
      const store = open();
      await store.appendAudit({ at: 1, action: 'read:indicators', target: '/before', detail: {} });
      const session = await store.beginImport(meta);
      await session.add([observation]);
      // another request, served while the import runs on the same connection
      await store.appendAudits([
        { at: 2, action: 'read:indicators', target: '/during', detail: { q: 'x' }, count: 1 },
        { at: 3, action: 'write:key', target: 'tix_ab12', detail: {} },
      ]);
      if (outcome === 'committed') await session.commit({ read: 1, accepted: 1, rejected: 0 });
      else await session.rollback();
      await store.appendAudit({ at: 4, action: 'read:indicators', target: '/after', detail: {} });
      const log = await store.listAudit({ limit: 10 });
      assert.deepEqual(
        log.map((record) => [record.seq, record.target]),
        [
          [1, '/before'],
          [2, '/during'],
          [3, 'tix_ab12'],
          [4, '/after'],
        ],
      );
      assert.equal(verifyChain(log.map((record) => ({ seq: record.seq, prevHash: record.prevHash, hash: record.hash, entry: auditContent(record) }))), undefined);
      assert.equal((await store.stats()).indicators, outcome === 'committed' ? 1 : 0);
      await store.close();
    });
  }
});
