import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, tempDir, tix } from '../helpers/cli.ts';

const MISP = join(ROOT, 'test', 'fixtures', 'misp');

function values(data: string): string[] {
  const run = tix(data, ['search', '-a', '-n', '100000', '-o', 'jsonl']);
  return run.stdout.trim() === '' ? [] : run.stdout.trim().split('\n').map((line) => {
    const item = JSON.parse(line) as { type: string; value: string; tlp: string; status: string };
    return `${item.type} ${item.value} ${item.tlp} ${item.status}`;
  }).sort();
}

describe('MISP through the CLI: events, a feed directory, feed export, round trip', () => {
  const first = tempDir();
  const second = tempDir();
  const out = tempDir();
  after(() => {
    first.remove();
    second.remove();
    out.remove();
  });

  it('reads a feed directory through its manifest, reporting the events the manifest lists but the directory lacks', () => {
    const feed = join(MISP, 'feed-chrome-mal-ids');
    const run = tix(first.path, ['ingest', '--json', feed]);
    const summary = JSON.parse(run.stdout) as { results: Array<{ input: string; format: string; source: string }>; rejectsFile: string };
    const eventFiles = readdirSync(feed).filter((name) => /^[0-9a-f-]{36}\.json$/.test(name));
    assert.equal(summary.results.length, eventFiles.length);
    assert.ok(summary.results.every((result) => result.format === 'misp' && result.source === 'feed-chrome-mal-ids'));
    const listed = (JSON.parse(readFileSync(join(feed, 'manifest.json'), 'utf8')) as Record<string, unknown>);
    const missing = Object.keys(listed).length - eventFiles.length;
    assert.equal((run.stderr.match(/which is not in the feed directory/g) ?? []).length, Math.min(missing, 20), 'the first 20 problems on screen');
    const problems = readFileSync(summary.rejectsFile, 'utf8').trim().split('\n');
    const absent = problems.filter((line) => line.endsWith('which is not in the feed directory'));
    assert.equal(absent.length, missing);
    assert.ok(absent.every((line) => line.includes('manifest.json:')));
    // the events' text attributes are reported once per event, as skipped, not as errors
    assert.equal(problems.length - absent.length, eventFiles.length);
  });

  it('round trip MISP → tix → MISP feed → tix keeps every value with its TLP and status', () => {
    assert.ok(tix(first.path, ['ingest', '-q', join(MISP, 'events')]).code <= 1);
    const feed = join(out.path, 'feed');
    const exported = tix(first.path, ['export', 'misp-feed', '-a', '-o', feed]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.ok(existsSync(join(feed, 'manifest.json')) && existsSync(join(feed, 'hashes.csv')));
    const events = readdirSync(feed).filter((name) => name.endsWith('.json') && name !== 'manifest.json');
    assert.equal(Object.keys(JSON.parse(readFileSync(join(feed, 'manifest.json'), 'utf8')) as object).length, events.length);
    const back = tix(second.path, ['ingest', '-q', feed]);
    assert.equal(back.code, 0, back.stderr);
    const before = values(first.path);
    assert.ok(before.length > 300);
    assert.deepEqual(values(second.path), before);
  });

  it('replaces an exported feed directory whole, leaving no temporary files', () => {
    const feed = join(out.path, 'again');
    assert.equal(tix(first.path, ['export', 'misp-feed', '-a', '-o', feed]).code, 0);
    assert.equal(tix(first.path, ['export', 'misp-feed', '-a', '--type', 'sha256', '-o', feed]).code, 0);
    const events = readdirSync(feed).filter((name) => name.endsWith('.json') && name !== 'manifest.json');
    const types = new Set(events.flatMap((name) => (JSON.parse(readFileSync(join(feed, name), 'utf8')) as { Event: { Attribute: Array<{ type: string }> } }).Event.Attribute.map((attribute) => attribute.type)));
    assert.deepEqual([...types], ['sha256']);
    assert.deepEqual(readdirSync(out.path).filter((name) => name.includes('.tmp-') || name.includes('.old-')), []);
  });

  it('exports one MISP event', () => {
    const run = tix(first.path, ['export', 'misp', '--type', 'domain']);
    assert.equal(run.code, 0, run.stderr);
    const event = JSON.parse(run.stdout) as { Event: { Attribute: Array<{ type: string; value: string }> } };
    assert.ok(event.Event.Attribute.length > 0);
    assert.ok(event.Event.Attribute.every((attribute) => attribute.type === 'domain'));
  });
});
