import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ITEMS, mayRead, MATRIX_NOW, openAccessMatrix, ORGS, READERS, type AccessMatrix, type OrgKey } from '../../test/helpers/access-matrix.ts';
import { tempDir } from '../../test/helpers/cli.ts';
import { load, obs } from '../../test/helpers/ops-store.ts';
import { buildPackages, verifyPackageDir } from './packages.ts';

const DAY = 86_400_000;
const ORG_NAMES: Record<OrgKey, string> = { operator: 'local', ...Object.fromEntries(Object.entries(ORGS).map(([key, org]) => [key, org.name])) } as Record<OrgKey, string>;

/** Every value named anywhere in a package's files. */
function packageText(dir: string): string {
  return readdirSync(dir)
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
}

describe('per-country packages', () => {
  let matrix: AccessMatrix;
  const work = tempDir();
  before(async () => {
    matrix = await openAccessMatrix();
    // the matrix's values sit in a benchmarking range no database locates: place them in Kenya
    await matrix.store.applyEnrichment(
      (type, value) => (value.startsWith('198.18.') ? { country: 'KE', asn: 64500, asOrg: 'Example Net' } : {}),
      [{ kind: 'geo', source: { name: 'test geo', builtAt: Date.UTC(2026, 0, 1) }, appliedAt: MATRIX_NOW }],
      MATRIX_NOW,
    );
    await matrix.store.createOperation(
      { name: 'surge', countries: ['KE', 'NG'], startsAt: MATRIX_NOW - 30 * DAY, endsAt: MATRIX_NOW + 30 * DAY, partners: [], tag: 'surge' },
      MATRIX_NOW,
    );
  });
  after(async () => {
    await matrix.close();
    work.remove();
  });

  it('holds for each recipient exactly what the sharing rules let it read, and nothing else anywhere in its files', async () => {
    const checked: string[] = [];
    for (const reader of READERS) {
      if (reader.anonymous || reader.user) continue;
      const [built] = await buildPackages(matrix.store, {
        operation: 'surge',
        country: 'KE',
        recipient: ORG_NAMES[reader.org!],
        outDir: join(work.path, reader.name),
        dataDir: work.path,
        now: MATRIX_NOW,
      });
      const text = packageText(built!.dir);
      const allowed = ITEMS.filter((item) => mayRead(reader, item));
      assert.equal(built!.items, allowed.length, reader.name);
      for (const item of ITEMS) {
        assert.equal(text.includes(item.value), mayRead(reader, item), `${reader.name} / ${item.key}`);
      }
      checked.push(`${reader.name}:${allowed.length}`);
    }
    assert.equal(checked.length, 7);
  });

  it('shows the stored location in the REST API indicator detail, with its data source', async () => {
    const vendor = matrix.callers.find((caller) => caller.reader.name === 'vendor')!;
    const reply = await vendor.request('/api/v1/indicators/ipv4/198.18.10.10');
    assert.equal(reply.status, 200);
    assert.deepEqual((reply.body as { location?: unknown }).location, { country: 'KE', asn: 64500, asOrg: 'Example Net', data: [{ kind: 'geo', name: 'test geo', builtAt: '2026-01-01T00:00:00.000Z' }] });
  });

  it('gives a country without a partner only what every member may read', async () => {
    const [built] = await buildPackages(matrix.store, { operation: 'surge', country: 'KE', outDir: join(work.path, 'members'), dataDir: work.path, now: MATRIX_NOW });
    const text = packageText(built!.dir);
    for (const item of ITEMS) assert.equal(text.includes(item.value), item.tlp === 'clear' || item.tlp === 'green', item.key);
  });

  it('signs every file; verification fails on any changed, added or missing byte', async () => {
    const [built] = await buildPackages(matrix.store, { operation: 'surge', country: 'KE', recipient: 'Vendor Labs', outDir: join(work.path, 'verify'), dataDir: work.path, now: MATRIX_NOW });
    const dir = built!.dir;
    assert.deepEqual(verifyPackageDir(dir, { now: MATRIX_NOW }).problems, []);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Array<{ path: string }> };
    assert.deepEqual(manifest.files.map((file) => file.path), ['bundle.stix.json', 'c2.csv', 'malicious-ips.csv', 'other.csv', 'phishing.csv', 'report.html', 'summary.json']);
    for (const file of [...manifest.files.map((f) => f.path), 'manifest.json']) {
      const path = join(dir, file);
      const original = readFileSync(path);
      const changed = Buffer.from(original);
      changed[Math.floor(changed.length / 2)]! ^= 1;
      writeFileSync(path, changed);
      const result = verifyPackageDir(dir, { now: MATRIX_NOW });
      assert.equal(result.ok, false, `a flipped bit in ${file}`);
      writeFileSync(path, original);
    }
    writeFileSync(join(dir, 'extra.csv'), 'x');
    assert.deepEqual(verifyPackageDir(dir, { now: MATRIX_NOW }).problems, ['extra.csv: not in the manifest']);
    assert.equal(verifyPackageDir(dir, { now: MATRIX_NOW + 91 * DAY }).expired, true);
  });

  it('counts as new only what was added since the previous package for that country and recipient', async () => {
    const options = { operation: 'surge', country: 'KE', recipient: 'National Police A', outDir: join(work.path, 'again'), dataDir: work.path };
    const [first] = await buildPackages(matrix.store, { ...options, now: MATRIX_NOW + 1 });
    const [second] = await buildPackages(matrix.store, { ...options, now: MATRIX_NOW + 2 });
    assert.ok(first!.items > 0);
    assert.equal(second!.items, first!.items);
    assert.equal(second!.newSinceLast, 0);
  });

  it('prints the report to PDF with headless Chromium, listed and signed in the manifest', async () => {
    const [built] = await buildPackages(matrix.store, { operation: 'surge', country: 'KE', recipient: 'Vendor Labs', outDir: join(work.path, 'pdf'), dataDir: work.path, now: MATRIX_NOW, pdfWith: '/usr/bin/chromium' });
    const pdf = readFileSync(join(built!.dir, 'report.pdf'));
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.length > 10_000, `${pdf.length} bytes`);
    const result = verifyPackageDir(built!.dir, { now: MATRIX_NOW });
    assert.deepEqual(result.problems, []);
    assert.ok(result.manifest!.files.some((file) => file.path === 'report.pdf'));
  });

  it('writes a STIX bundle with a report referring to every indicator and the location', async () => {
    const [built] = await buildPackages(matrix.store, { operation: 'surge', country: 'KE', recipient: 'Vendor Labs', outDir: join(work.path, 'stix'), dataDir: work.path, now: MATRIX_NOW });
    const bundle = JSON.parse(readFileSync(join(built!.dir, 'bundle.stix.json'), 'utf8')) as { objects: Array<Record<string, unknown>> };
    const report = bundle.objects.find((object) => object.type === 'report')!;
    const location = bundle.objects.find((object) => object.type === 'location')!;
    const indicators = bundle.objects.filter((object) => object.type === 'indicator').map((object) => object.id);
    assert.equal(location.country, 'KE');
    assert.deepEqual(report.object_refs, [location.id, ...indicators]);
    assert.equal(indicators.length, built!.items);
  });

  it('brings in values tagged for the operation, placed by TAG:CC, wherever they are located', async () => {
    const seen = { firstSeen: MATRIX_NOW - DAY, lastSeen: MATRIX_NOW - DAY };
    await load(matrix.store, 'tagged', [obs('203.0.113.9', 'ipv4', { ...seen, tags: ['surge:NG'] }), obs('203.0.113.10', 'ipv4', { ...seen, tags: ['other'] })], { tlp: 'clear', startedAt: MATRIX_NOW });
    const built = await buildPackages(matrix.store, { operation: 'surge', recipient: 'Vendor Labs', outDir: join(work.path, 'tagged'), dataDir: work.path, now: MATRIX_NOW });
    const text = (country: string): string => packageText(built.find((p) => p.country === country)!.dir);
    assert.match(text('NG'), /203\.0\.113\.9\b/);
    assert.doesNotMatch(text('KE'), /203\.0\.113\.9\b/);
    assert.doesNotMatch(text('NG') + text('KE'), /203\.0\.113\.10\b/);
  });
});
