import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { ROOT, tempDir, tix } from '../helpers/cli.ts';
import { bundleErrors } from '../helpers/stix-schema.ts';

const STIX = join(ROOT, 'test', 'fixtures', 'stix');

function ingestJson(data: string, args: string[]): { results: Array<Record<string, number | string>> } {
  const run = tix(data, ['ingest', '--json', '-q', ...args]);
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  return JSON.parse(run.stdout) as { results: Array<Record<string, number | string>> };
}

function valuesOf(data: string, extra: string[] = []): string[] {
  const run = tix(data, ['search', '-a', '-n', '100000', '-o', 'jsonl', ...extra]);
  return run.stdout.trim() === '' ? [] : run.stdout.trim().split('\n').map((line) => {
    const item = JSON.parse(line) as { type: string; value: string };
    return `${item.type} ${item.value}`;
  }).sort();
}

describe('STIX through the CLI: import, object store, export, round trip', () => {
  const data = tempDir();
  const again = tempDir();
  const out = tempDir();
  after(() => {
    data.remove();
    again.remove();
    out.remove();
  });

  before(() => {
    ingestJson(data.path, [
      join(STIX, 'stix21/feeds2stix'),
      join(STIX, 'stix20/cisco-talos'),
      join(STIX, 'stix21/oasis-examples/examples/threat-reports/poisonivy.json'),
      join(STIX, 'stix21/oasis-examples/examples/threat-reports/apt1.json'),
    ]);
  });

  it('keeps every object, versioned, and re-importing the same bundle adds no version', async () => {
    const first = ingestJson(data.path, [join(STIX, 'stix21/mitre-attack/mobile-attack-17.1.json')]).results[0]!;
    assert.equal(first.objects, 2148);
    assert.equal(first.accepted, 0);
    const second = ingestJson(data.path, [join(STIX, 'stix21/mitre-attack/mobile-attack-17.1.json')]).results[0]!;
    assert.equal(second.objects, 0);
    const store = await SqliteStore.open(data.path);
    try {
      const relationships = await store.listObjects({ types: ['relationship'], addedAfter: 0, limit: 10_000 });
      const inBundle = (JSON.parse(readFileSync(join(STIX, 'stix21/mitre-attack/mobile-attack-17.1.json'), 'utf8')) as { objects: Array<{ type: string }> }).objects;
      const expected = inBundle.filter((object) => object.type === 'relationship').length;
      const fromFeeds = relationships.items.filter((record) => record.source !== 'mobile-attack-17.1').length;
      assert.equal(relationships.items.length - fromFeeds, expected);
    } finally {
      await store.close();
    }
  });

  it('pages the object store in order of addition and serves each version', async () => {
    const dir = join(STIX, 'stix21/cti-python-stix2-testdata/stix2_data');
    const run = ingestJson(data.path, ['--source', 'python-stix2', dir]);
    assert.ok(run.results.length >= 30);
    const store = await SqliteStore.open(data.path);
    try {
      const versions = await store.objectVersions('malware--6b616fc1-1505-48e3-8b2c-0d19337bff38');
      assert.deepEqual(versions?.versions.map((version) => version.modified), [
        '2017-05-31T21:32:58.226Z',
        '2018-11-01T23:24:48.456Z',
        '2018-11-01T23:24:48.457Z',
        '2018-11-16T22:54:20.390Z',
      ]);
      const latest = await store.listObjects({ ids: ['malware--6b616fc1-1505-48e3-8b2c-0d19337bff38'], limit: 10 });
      assert.deepEqual(latest.items.map((record) => record.object.modified), ['2018-11-16T22:54:20.390Z']);
      const all = await store.listObjects({ ids: ['malware--6b616fc1-1505-48e3-8b2c-0d19337bff38'], versions: 'all', limit: 10 });
      assert.equal(all.items.length, 4);
      // paging: every object exactly once, in order of addition
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listObjects({ versions: 'all', limit: 250, ...(cursor ? { after: cursor } : {}) });
        seen.push(...page.items.map((record) => `${record.object.id} ${String(record.object.modified ?? '')}`));
        cursor = page.next;
      } while (cursor);
      assert.equal(new Set(seen).size, seen.length);
      const whole = await store.listObjects({ versions: 'all', limit: 100_000 });
      assert.equal(seen.length, whole.items.length);
    } finally {
      await store.close();
    }
  });

  it('links STIX indicators to the malware they indicate', () => {
    const run = tix(data.path, ['search', '--source', 'poisonivy', '--malware', 'PIVY Variant (08709f35581e0958d1ca4e50b7d86dba)', '-o', 'jsonl']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.trim().split('\n').length >= 1);
  });

  it('exports a STIX 2.1 bundle that validates against the OASIS schemas', () => {
    const file = join(out.path, 'all.json');
    const run = tix(data.path, ['export', 'stix', '-a', '-o', file, '--producer', 'Example CERT']);
    assert.equal(run.code, 0, run.stderr);
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { objects: Array<{ type: string; object_marking_refs?: string[] }> };
    assert.deepEqual(bundleErrors(bundle), []);
    const indicators = bundle.objects.filter((object) => object.type === 'indicator');
    assert.equal(indicators.length, valuesOf(data.path).filter((value) => !value.startsWith('ja3 ')).length);
    assert.ok(bundle.objects.some((object) => object.type === 'malware'));
    assert.ok(bundle.objects.some((object) => object.type === 'identity'));
    assert.match(run.stderr, /exported \d+ indicators as stix/);
  });

  it('round trip STIX → tix → STIX → tix keeps every indicator', () => {
    const file = join(out.path, 'round.json');
    assert.equal(tix(data.path, ['export', 'stix', '-a', '-o', file]).code, 0);
    ingestJson(again.path, [file]);
    assert.deepEqual(valuesOf(again.path), valuesOf(data.path));
    // the TLP and malware survive the trip
    const original = tix(data.path, ['search', '-a', '--source', 'poisonivy', '-n', '1000', '-o', 'jsonl']).stdout.trim().split('\n').map((line) => JSON.parse(line) as { value: string; malware: string[]; tlp: string });
    const back = new Map(
      tix(again.path, ['search', '-a', '-n', '100000', '-o', 'jsonl']).stdout.trim().split('\n').map((line) => {
        const item = JSON.parse(line) as { value: string; malware: string[]; tlp: string };
        return [item.value, item];
      }),
    );
    for (const item of original) {
      assert.deepEqual(back.get(item.value)?.malware, item.malware, item.value);
      assert.equal(back.get(item.value)?.tlp, item.tlp, item.value);
    }
  });

  it('filters an export and writes nothing when nothing matches', () => {
    const file = join(out.path, 'none.json');
    const run = tix(data.path, ['export', 'stix', '--source', 'no-such-source', '-o', file]);
    assert.equal(run.code, 1);
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { objects: Array<{ type: string }> };
    assert.equal(bundle.objects.filter((object) => object.type === 'indicator').length, 0);
    const unknown = tix(data.path, ['export', 'stixx']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown export format "stixx"/);
  });
});
