import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Issue } from '../model/index.ts';
import { fileInput } from '../io/input.ts';
import { SqliteStore } from '../store/sqlite/store.ts';
import { ingest } from './ingest.ts';
import { prestartParser } from './parse-thread.ts';

const directory = mkdtempSync(join(tmpdir(), 'tix-thread-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** A plain list of about 2 MB: IPs, domains, URLs, hashes, repeats and bad lines, defanged here and there. */
function writeList(): string {
  const lines: string[] = ['# a list'];
  for (let i = 0; i < 60_000; i++) {
    const a = (i >> 8) & 255;
    const b = i & 255;
    switch (i % 6) {
      case 0: lines.push(`198.51.${a}.${b}`); break;
      case 1: lines.push(`host${i}.example[.]com`); break;
      case 2: lines.push(`hxxp://site${i % 5000}.example.org/path/${i}?q=1`); break;
      case 3: lines.push(i.toString(16).padStart(64, 'a')); break;
      case 4: lines.push(i % 12 === 4 ? 'not an indicator' : `203.0.113.${b}`); break;
      default: lines.push(`198.51.${a}.${b}`); // a repeat of case 0's value
    }
  }
  const path = join(directory, 'list.txt');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function load(name: string, path: string, parseThread: boolean): Promise<{ store: SqliteStore; result: Awaited<ReturnType<typeof ingest>>; issues: Issue[] }> {
  const store = SqliteStore.open(join(directory, name));
  const issues: Issue[] = [];
  const result = await ingest(store, fileInput(path), { format: 'plain-list', source: 'list', now: 1_700_000_000_000, parseThread, onIssue: (issue) => issues.push(issue) });
  return { store, result, issues };
}

describe('parsing on a second thread', () => {
  it('stores exactly what parsing on the writing thread stores, and reports the same problems on the same lines', async () => {
    const path = writeList();
    const here = await load('here', path, false);
    const there = await load('there', path, true);
    try {
      const { input: _a, ...counted } = here.result;
      const { input: _b, ...threaded } = there.result;
      assert.deepEqual(threaded, counted);
      assert.ok(counted.new > 40_000, `most values are new (${counted.new})`);
      assert.ok(counted.rejected > 0);
      assert.deepEqual(
        there.issues.map((issue) => `${issue.line}:${issue.message}`),
        here.issues.map((issue) => `${issue.line}:${issue.message}`),
      );
      assert.deepEqual(await there.store.stats(), await here.store.stats());
      const wanted = [
        { type: 'ipv4', value: '198.51.0.6' },
        { type: 'hostname', value: 'host7.example.com' },
        { type: 'url', value: 'http://site8.example.org/path/8?q=1' },
      ] as const;
      for (const { type, value } of wanted) {
        const [a, b] = await Promise.all([here.store.get(type, value, 1_700_000_000_000), there.store.get(type, value, 1_700_000_000_000)]);
        assert.ok(a, value);
        assert.deepEqual(b, a);
      }
    } finally {
      await here.store.close();
      await there.store.close();
    }
  });

  it('takes a thread started ahead of the import, which then parses as a fresh one does', async () => {
    const path = writeList();
    const fresh = await load('fresh', path, true);
    prestartParser();
    prestartParser(); // a second call keeps the one thread started
    const ahead = await load('ahead', path, true);
    try {
      const { input: _a, ...freshCounts } = fresh.result;
      const { input: _b, ...aheadCounts } = ahead.result;
      assert.deepEqual(aheadCounts, freshCounts);
      assert.deepEqual(await ahead.store.stats(), await fresh.store.stats());
    } finally {
      await fresh.store.close();
      await ahead.store.close();
    }
  });

  it('lets the process end when a thread started ahead is never taken', () => {
    const script = `import { prestartParser } from ${JSON.stringify(new URL('./parse-thread.ts', import.meta.url).href)}; prestartParser(); console.log('started');`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.error, undefined, 'the process ended by itself');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'started');
  });
});
