import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from '../../../test/helpers/cli.ts';
import { verifyPackageDir } from '../packages.ts';
import { signingKey } from '../signing-key.ts';
import type { PackageItem } from './items.ts';
import { shareJobs, writePackagesOn } from './threads.ts';
import type { PackageJob, PackageRun } from './write.ts';

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;

function itemsOf(country: string, count: number): PackageItem[] {
  return Array.from({ length: count }, (_, i) => ({
    type: i % 3 ? 'ipv4' : 'url',
    value: i % 3 ? `198.18.${i >> 8}.${i & 255}` : `http://198.18.0.${i & 255}/login,"${country}"/${i}`,
    firstSeen: NOW - (i % 40) * DAY,
    lastSeen: NOW - (i % 7) * DAY,
    addedAt: NOW - DAY,
    country,
    ...(i % 2 ? { asn: 64500 + (i % 5), asOrg: `Net, ${i % 5}` } : {}),
    sources: i % 4 ? ['feed-a'] : ['feed-a', 'feed-b'],
    threatTypes: i % 3 ? ['c2'] : ['phishing'],
    malware: i % 3 ? ['Emotet'] : [],
    tlp: i % 5 ? 'clear' : 'green',
    ...(i % 2 ? {} : { confidence: 70 }),
    list: i % 3 ? 'c2' : 'phishing',
  }));
}

/** Every file of every package under `dir`, path to bytes. */
function filesUnder(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const packageDir of readdirSync(dir)) for (const file of readdirSync(join(dir, packageDir))) files.set(`${packageDir}/${file}`, readFileSync(join(dir, packageDir, file)));
  return files;
}

describe('package writing threads', () => {
  const work = tempDir();
  after(() => work.remove());
  const counts = new Map([['KE', 40], ['NG', 25], ['GH', 3], ['ZZ', 0]]);
  const jobs: PackageJob[] = [...counts].map(([country, count]) => ({ country, items: itemsOf(country, count), previousAt: country === 'NG' ? NOW - 3 * DAY : undefined, counts }));
  const run = (outDir: string): PackageRun => ({
    operation: { name: 'surge', startsAt: NOW - 30 * DAY, endsAt: NOW + 30 * DAY },
    outcomes: [],
    sources: [{ name: 'test geo', builtAt: Date.UTC(2026, 0, 1) }],
    producer: 'tix',
    now: NOW,
    expiresAt: NOW + 90 * DAY,
    outDir,
    key: signingKey(work.path),
  });

  it('shares jobs out by items, each job once, largest first to the lightest share', () => {
    const shares = shareJobs(jobs, 2);
    assert.deepEqual(shares, [[0], [1, 2, 3]]);
    assert.deepEqual(shareJobs(jobs, 8).flat().sort(), [0, 1, 2, 3]);
    assert.deepEqual(shareJobs(jobs, 1), [[0, 1, 2, 3]]);
    assert.deepEqual(shareJobs(jobs, 0), [[0, 1, 2, 3]]);
    assert.deepEqual(shareJobs([], 2), []);
  });

  it('writes on several threads exactly the bytes one thread writes, in the order of the jobs', async () => {
    const one = await writePackagesOn(1, run(join(work.path, 'one')), jobs);
    const three = await writePackagesOn(3, run(join(work.path, 'three')), jobs);
    assert.deepEqual(
      three.map((written) => [written.items, written.newSinceLast, written.files, written.manifestSha256]),
      one.map((written) => [written.items, written.newSinceLast, written.files, written.manifestSha256]),
    );
    assert.deepEqual(one.map((written) => written.items), [40, 25, 3, 0]);
    const [a, b] = [filesUnder(join(work.path, 'one')), filesUnder(join(work.path, 'three'))];
    assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
    for (const [path, bytes] of a) assert.ok(bytes.equals(b.get(path)!), path);
    for (const written of three) assert.deepEqual(verifyPackageDir(written.dir, { now: NOW }).problems, []);
  });

  it("reports a thread's failure and leaves no half package", async () => {
    const blocked = join(work.path, 'one'); // holds the packages already: a thread cannot rename its directory onto one
    await assert.rejects(writePackagesOn(2, run(blocked), jobs));
    assert.deepEqual(readdirSync(blocked).filter((name) => name.endsWith('.partial')), []);
  });
});

describe('package items in columns', () => {
  it('come back as they went, absent fields absent', async () => {
    const { fromColumns, toColumns } = await import('./columns.ts');
    const items = [...itemsOf('KE', 30), { ...itemsOf('NG', 1)[0]!, sources: ['=x', '["a","b"]'], malware: [] }, { ...itemsOf('NG', 1)[0]!, sources: ['["a","b"]'] }];
    assert.deepEqual(fromColumns(toColumns(items)), items);
    assert.deepEqual(fromColumns(toColumns([])), []);
  });
});
