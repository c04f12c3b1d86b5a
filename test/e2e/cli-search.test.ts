import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FEEDS, tempDir, tix } from '../helpers/cli.ts';

describe('tix search, show, stats, revoke (end to end, real feeds)', () => {
  const dir = tempDir();
  const data = join(dir.path, 'data');
  before(() => {
    const run = tix(data, [
      'ingest',
      join(FEEDS, 'abuse.ch', 'feodotracker-ipblocklist.csv'),
      join(FEEDS, 'abuse.ch', 'threatfox-full_urls.csv'),
      join(FEEDS, 'maltrail', 'mass_scanner_cidr.txt'),
      join(FEEDS, 'vxvault', 'vxvault-urllist-sample.txt'),
      join(FEEDS, 'phishtank', 'verified_online-4col.csv'),
    ]);
    assert.ok(run.code <= 1, run.stderr);
  });
  after(() => dir.remove());

  const jsonl = (stdout: string): Array<Record<string, unknown>> =>
    stdout.trim() === '' ? [] : stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

  it('finds an IP with its ip:port, and the CIDRs that hold it', () => {
    const run = tix(data, ['search', '192.9.135.73', '-o', 'jsonl']);
    assert.equal(run.code, 0, run.stderr);
    const values = jsonl(run.stdout).map((row) => row.value).sort();
    assert.deepEqual(values, ['192.9.135.73', '192.9.135.73:1194']);
    const scanner = tix(data, ['search', '5.63.151.7', '-o', 'jsonl']);
    assert.deepEqual(jsonl(scanner.stdout).map((row) => row.value), ['5.63.151.0/24']);
  });

  it('finds everything inside a CIDR', () => {
    const run = tix(data, ['search', '192.9.135.0/24', '-o', 'jsonl']);
    assert.deepEqual(jsonl(run.stdout).map((row) => row.value).sort(), ['192.9.135.73', '192.9.135.73:1194']);
  });

  it('finds a domain and everything below it, never matching a sibling', () => {
    const run = tix(data, ['search', 'marsalek.cy', '-o', 'jsonl']);
    const values = jsonl(run.stdout).map((row) => row.value);
    assert.ok(values.length >= 2);
    for (const value of values) assert.match(String(value), /^https?:\/\/([a-z0-9-]+\.)*marsalek\.cy[/:]/);
  });

  it('looks up defanged and pasted values', () => {
    const run = tix(data, ['search', 'hxxps://marsalek[.]cy/static/abcfg.exe', '-o', 'jsonl']);
    assert.deepEqual(jsonl(run.stdout).map((row) => row.value), ['https://marsalek.cy/static/abcfg.exe']);
    const pasted = tix(data, ['search', 'seen: 192.9.135.73 and hxxps://marsalek[.]cy/static/abcfg.exe, also 8.8.8.8', '-o', 'jsonl']);
    assert.deepEqual(jsonl(pasted.stdout).map((row) => row.value).sort(), ['192.9.135.73', 'https://marsalek.cy/static/abcfg.exe']);
  });

  it('filters by type, source, malware, threat and time, in every output format', () => {
    const c2 = jsonl(tix(data, ['search', '--malware', 'pikabot', '--type', 'ipv4', '-n', '1000', '-o', 'jsonl']).stdout);
    assert.ok(c2.length > 0);
    for (const row of c2) {
      assert.equal(row.type, 'ipv4');
      assert.deepEqual(row.malware, ['Pikabot']);
      assert.deepEqual(row.threatTypes, ['c2']);
    }
    const phishing = jsonl(tix(data, ['search', '--threat', 'phishing', '--source', 'phishtank', '-n', '5', '-o', 'jsonl']).stdout);
    assert.equal(phishing.length, 5);
    const recent = jsonl(tix(data, ['search', '--source', 'abusech-threatfox', '--since', '2025-12-07', '-n', '1000', '-o', 'jsonl']).stdout);
    assert.ok(recent.length > 0);
    for (const row of recent) assert.ok(String(row.lastSeen) >= '2025-12-07');
    const csv = tix(data, ['search', '192.9.135.73', '-o', 'csv']).stdout.trim().split('\n');
    assert.equal(csv[0], 'type,value,status,first_seen,last_seen,sources,threat,malware,confidence,tlp');
    assert.equal(csv.length, 3);
    const table = tix(data, ['search', '192.9.135.73']).stdout;
    assert.match(table, /^TYPE\s+VALUE\s+STATUS/);
  });

  it('exits 1 when nothing is found and 2 on a query that is not an indicator', () => {
    const none = tix(data, ['search', '203.0.113.200']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no indicator found/);
    const bad = tix(data, ['search', 'hello']);
    assert.equal(bad.code, 2);
    assert.equal(tix(data, ['show', '203.0.113.200']).code, 1);
  });

  it('show gives every source\'s view with the raw line; revoke removes it from default searches', () => {
    const shown = JSON.parse(tix(data, ['show', '192.9.135.73', '-o', 'jsonl']).stdout);
    assert.equal(shown.observations.length, 1);
    const view = shown.observations[0];
    assert.equal(view.source, 'abusech-feodo');
    assert.equal(view.firstSeen, '2023-05-23T17:51:44Z');
    assert.equal(view.lastSeen, '2024-04-01T00:00:00Z');
    assert.equal(view.raw, '"2023-05-23 17:51:44","192.9.135.73","1194","online","2024-04-01","Pikabot"');
    assert.equal(view.origin.line, 10);
    assert.equal(view.tlp, 'clear');
    const revoked = tix(data, ['revoke', '192.9.135.73', '--source', 'abusech-feodo', '--reason', 'sinkholed']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(tix(data, ['search', '192.9.135.0/24', '-o', 'jsonl', '--type', 'ipv4']).code, 1);
    const all = jsonl(tix(data, ['search', '192.9.135.0/24', '--all', '--type', 'ipv4', '-o', 'jsonl']).stdout);
    assert.equal(all[0]?.status, 'revoked');
  });

  it('stats counts by type, threat, TLP and source', () => {
    const table = tix(data, ['stats']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^GROUP +KEY +COUNT +LAST_IMPORT\ntotal +indicators +\d+\n/);
    const stats = JSON.parse(tix(data, ['stats', '-o', 'jsonl']).stdout);
    assert.equal(stats.byType['ip-port'], 28);
    // 1,106 trails; 1,092 distinct CIDR strings, 1,089 distinct networks once host bits are cleared and /32s become IPs (Python's ipaddress agrees)
    assert.equal(stats.byType.cidr, 1089);
    assert.ok(stats.byThreatType.phishing >= 1060);
    const sources = stats.bySource.map((row: { source: string }) => row.source);
    assert.deepEqual(sources, ['abusech-feodo', 'abusech-threatfox', 'maltrail-mass_scanner_cidr', 'phishtank', 'vxvault-urllist-sample']);
  });
});
