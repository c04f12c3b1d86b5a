/**
 * Operations over REST: listed to the organisations taking part, with per-country
 * counts of what the caller may read and outcomes; a country's package built
 * for the caller's organisation, downloaded as a tar archive that verifies.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyPackageDir } from '../../src/ops/packages.ts';
import { isProblem, makeKey, NOW, openApiWorld, type ApiWorld, type Json } from '../helpers/api.ts';
import { tempDir } from '../helpers/cli.ts';

describe('operations over REST', () => {
  let world: ApiWorld;
  const dir = tempDir('tix-api-ops-');

  before(async () => {
    world = await openApiWorld();
    const created = await world.call('/api/v1/indicators', world.keys['Vendor-analyst'], {
      body: [
        { value: '198.51.100.7', tlp: 'clear', threatType: 'c2', malware: 'Pikabot', tags: ['sentinel:NG'] },
        { value: 'phish.sentinel.example', tlp: 'clear', threatType: 'phishing', tags: ['sentinel:GH'] },
        { value: '198.51.100.8', tlp: 'amber', threatType: 'c2', tags: ['sentinel:NG'] },
      ],
    });
    assert.equal(created.status, 201, created.text);
    const op = await world.store.createOperation({ name: 'sentinel', countries: ['GH', 'NG'], startsAt: Date.UTC(2026, 0, 1), endsAt: Date.UTC(2026, 11, 31), partners: [world.orgs.Police, world.orgs.Vendor], tag: 'sentinel' }, NOW);
    await world.store.addOperationOutcome(op.id, { kind: 'takedown', country: 'NG', at: Date.UTC(2026, 5, 2), count: 3, note: 'C2 servers' }, NOW);
  });

  after(async () => {
    await world.close();
    dir.remove();
  });

  it('lists an operation to its partners with the per-country counts they may read and its outcomes', async () => {
    const reply = await world.call('/api/v1/operations', world.keys['Police-reader']);
    assert.equal(reply.status, 200, reply.text);
    const [op] = reply.body.items as Json[];
    assert.equal(op!.name, 'sentinel');
    assert.deepEqual(op!.countries, [
      { code: 'GH', numeric: '288', name: 'Ghana' },
      { code: 'NG', numeric: '566', name: 'Nigeria' },
    ]);
    // the vendor's AMBER value is in scope but not readable by the police unit
    assert.deepEqual(op!.counts, { GH: 1, NG: 1 });
    assert.deepEqual(
      (op!.partners as Json[]).map((partner) => partner.name).sort(),
      ['Police', 'Vendor'],
    );
    assert.deepEqual(op!.outcomes, [{ kind: 'takedown', country: 'NG', at: '2026-06-02T00:00:00.000Z', count: 3, note: 'C2 servers' }]);
    const vendor = await world.call('/api/v1/operations', world.keys['Vendor-reader']);
    assert.deepEqual((vendor.body.items as Json[])[0]!.counts, { GH: 1, NG: 2 }, 'the vendor reads its own AMBER value');
  });

  it('shows nothing of it to an organisation not taking part', async () => {
    const outsider = await world.store.createOrganisation({ name: 'Outsider', kind: 'cert', country: 'KE', createdAt: 0 });
    const key = await makeKey(world.store, outsider.id, 'admin');
    const reply = await world.call('/api/v1/operations', key);
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.body.items, []);
    const denied = await world.call('/api/v1/operations/sentinel/packages/NG', key);
    assert.ok(isProblem(denied, 404), denied.text);
  });

  it('builds a country\'s package for the caller\'s organisation, downloaded as a tar that verifies', async () => {
    const response = await fetch(`${world.base}/api/v1/operations/sentinel/packages/ng`, { headers: { authorization: `Bearer ${world.keys['Police-reader']}` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-tar');
    const tar = join(dir.path, 'package.tar');
    writeFileSync(tar, Buffer.from(await response.arrayBuffer()));
    const out = join(dir.path, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xf', tar, '-C', out]);
    const [name] = execFileSync('ls', [out]).toString().trim().split('\n');
    assert.match(name!, /^sentinel_ng_police_/);
    const verified = verifyPackageDir(join(out, name!), { now: NOW });
    assert.ok(verified.ok, verified.problems.join('\n'));
    const summary = JSON.parse(readFileSync(join(out, name!, 'summary.json'), 'utf8'));
    assert.equal(summary.items, 1, 'only what the police unit may read');
    const unknown = await world.call('/api/v1/operations/sentinel/packages/KE', world.keys['Police-reader']);
    assert.ok(isProblem(unknown, 404), unknown.text);
  });
});
