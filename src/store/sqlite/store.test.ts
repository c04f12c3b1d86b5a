import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { storeContract } from '../store.contract.ts';
import { SqliteStore } from './store.ts';

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
