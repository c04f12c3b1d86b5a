import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lookupIp } from '../enrich/index.ts';
import { TixError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { freshStore } from '../../test/helpers/stores.ts';
import { tempDir } from '../../test/helpers/cli.ts';
import { load, obs } from '../../test/helpers/ops-store.ts';
import { enrichStore } from './enrich.ts';
import { loadTables } from './enrich-data.ts';

describe('tix enrich on a store', () => {
  const dir = tempDir();
  let store: Store;
  before(async () => {
    store = await freshStore();
    await load(store, 'feodo', [
      obs('192.9.135.73', 'ipv4', { threatType: 'c2' }),
      obs('197.210.0.1', 'ipv4'),
      obs('http://41.203.0.1:8080/gate.php', 'url'),
      obs('2606:4700:4700::1111', 'ipv6'),
      obs('login.evil.co.uk', 'hostname'),
      obs('a'.repeat(64), 'sha256'),
    ]);
  });
  after(async () => {
    await store.close();
    dir.remove();
  });

  it('stores what the lookup gives, for IPs, URLs on an IP and host names, and records the data sources', async () => {
    const now = Date.UTC(2026, 10, 1);
    const run = await enrichStore(store, { dataDir: dir.path, now });
    assert.equal(run.scanned, 5, 'the hash is not looked at');
    assert.equal(run.changed, 5);
    const { tables } = loadTables({ cacheDir: `${dir.path}/enrich` });
    const stored = await store.enrichmentOf([
      { type: 'ipv4', value: '197.210.0.1' },
      { type: 'url', value: 'http://41.203.0.1:8080/gate.php' },
      { type: 'ipv6', value: '2606:4700:4700::1111' },
      { type: 'hostname', value: 'login.evil.co.uk' },
      { type: 'sha256', value: 'a'.repeat(64) },
    ]);
    assert.deepEqual(stored[0], lookupIp(tables, '197.210.0.1'));
    assert.equal(stored[0]!.country, 'NG');
    assert.deepEqual(stored[1], lookupIp(tables, '41.203.0.1'));
    assert.deepEqual(stored[2], lookupIp(tables, '2606:4700:4700::1111'));
    assert.deepEqual(stored[3], { registrable: 'evil.co.uk' });
    assert.equal(stored[4], undefined);
    const sources = await store.enrichmentSources();
    assert.deepEqual(sources.map((record) => record.kind), ['asn', 'geo']);
    assert.ok(sources.every((record) => record.appliedAt === now && record.source.builtAt! > 0));
  });

  it('writes nothing on a second run over the same data', async () => {
    const run = await enrichStore(store, { dataDir: dir.path, now: 1 });
    assert.equal(run.changed, 0);
    assert.equal(run.located, 4);
  });

  it('refuses a missing or broken operator file and leaves the store as it was', async () => {
    const before = await store.enrichmentOf([{ type: 'ipv4', value: '197.210.0.1' }]);
    await assert.rejects(enrichStore(store, { dataDir: dir.path, now: 2, geo: `${dir.path}/missing.mmdb` }), (error: TixError) => error.code === 'TIX_INPUT_UNREADABLE');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir.path}/broken.mmdb`, 'not a database');
    await assert.rejects(enrichStore(store, { dataDir: dir.path, now: 2, geo: `${dir.path}/broken.mmdb` }), (error: TixError) => error.code === 'TIX_ENRICH_BAD_DATABASE');
    assert.deepEqual(await store.enrichmentOf([{ type: 'ipv4', value: '197.210.0.1' }]), before);
  });

  it("uses an operator's ASN CSV, reporting its bad rows", async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir.path}/asn.csv`, '197.210.0.0,197.210.255.255,64500,Example Carrier\nnot,a,row\n');
    const run = await enrichStore(store, { dataDir: dir.path, now: 3, asn: [`${dir.path}/asn.csv`] });
    assert.deepEqual(run.issues.map((issue) => `${issue.line}:${issue.field}`), ['2:asn']);
    const [stored] = await store.enrichmentOf([{ type: 'ipv4', value: '197.210.0.1' }]);
    assert.equal(stored!.asn, 64500);
    assert.equal(stored!.country, 'NG', 'the installed country data still applies');
    assert.equal((await store.enrichmentSources()).find((record) => record.kind === 'asn')!.source.name, 'asn.csv');
  });
});
