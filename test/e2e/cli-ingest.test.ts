import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { FEEDS, tempDir, tix } from '../helpers/cli.ts';

describe('tix ingest (end to end)', () => {
  const dir = tempDir();
  const data = join(dir.path, 'data');
  after(() => dir.remove());

  it('ingests a real feed, reports counts, and re-ingest changes nothing', () => {
    const file = join(FEEDS, 'abuse.ch', 'feodotracker-ipblocklist.csv');
    const first = tix(data, ['ingest', file, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const [result] = JSON.parse(first.stdout).results;
    assert.equal(result.format, 'feodo');
    assert.equal(result.source, 'abusech-feodo');
    assert.equal(result.accepted, 56);
    assert.equal(result.new, 56);
    const again = JSON.parse(tix(data, ['ingest', file, '--json']).stdout).results[0];
    assert.deepEqual([again.new, again.updated, again.unchanged], [0, 0, 56]);
    const stats = JSON.parse(tix(data, ['stats', '-o', 'jsonl']).stdout);
    assert.equal(stats.indicators, 56);
    assert.equal(stats.byType.ipv4, 28);
    assert.equal(stats.byType['ip-port'], 28);
  });

  it('reports each bad line with file, line and field, keeps the good ones, and writes a rejects file', () => {
    const file = join(dir.path, 'mixed.txt');
    writeFileSync(file, ['# list', '192.0.2.10', '999.1.1.1', 'evil[.]example[.]com', 'hxxp://bad host/x', '2001:DB8::1', ''].join('\n'));
    const rejects = join(dir.path, 'rejects.txt');
    const run = tix(data, ['ingest', file, '--source', 'mixed', '--rejects', rejects]);
    assert.equal(run.code, 1, 'partial success exits 1');
    assert.match(run.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: value: IPv4 part 999 is over 255`));
    assert.match(run.stderr, /mixed\.txt:5: value: URL host: host name has no top-level domain/);
    assert.doesNotMatch(run.stderr, /at .*\.js:\d+/, 'no stack trace');
    assert.match(run.stdout, /accepted 3, new 3, updated 0, unchanged 0, rejected 2/);
    const logged = readFileSync(rejects, 'utf8').trim().split('\n');
    assert.equal(logged.length, 2);
    const shown = tix(data, ['show', 'evil.example.com', '-o', 'jsonl']);
    assert.equal(shown.code, 0);
    const detail = JSON.parse(shown.stdout);
    assert.equal(detail.type, 'hostname');
    assert.equal(detail.observations[0].raw, 'evil[.]example[.]com');
    assert.equal(detail.observations[0].origin.line, 4);
    assert.equal(tix(data, ['show', '2001:db8::1', '-o', 'jsonl']).code, 0);
  });

  it('refuses a binary file and an unknown format without writing anything', () => {
    const before = tix(data, ['stats', '-o', 'jsonl']).stdout;
    const binary = join(dir.path, 'blob.bin');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 0, 10, 65, 10]));
    const run = tix(data, ['ingest', binary]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /blob\.bin: a binary file, not a text feed; nothing imported/);
    const unknown = tix(data, ['ingest', '--format', 'nope', join(FEEDS, 'ipsum', 'ipsum-level8-sample.txt')]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown format "nope"/);
    assert.equal(tix(data, ['stats', '-o', 'jsonl']).stdout, before);
  });

  it('a wrong forced format imports nothing and says why', () => {
    const before = tix(data, ['stats', '-o', 'jsonl']).stdout;
    const run = tix(data, ['ingest', '--format', 'feodo', join(FEEDS, 'ipsum', 'ipsum-level8-sample.txt')]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /no record in .* could be read as feodo; nothing imported/);
    assert.match(run.stderr, /header: no header with dst_ip|header lacks column/);
    assert.equal(tix(data, ['stats', '-o', 'jsonl']).stdout, before);
  });

  it('handles empty files, non-UTF-8 bytes and 10 MB lines', () => {
    const empty = join(dir.path, 'empty.txt');
    writeFileSync(empty, '');
    const run = tix(data, ['ingest', empty]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /empty\.txt: empty input; nothing imported/);

    const messy = join(dir.path, 'messy.txt');
    writeFileSync(
      messy,
      Buffer.concat([
        Buffer.from('192.0.2.50\n'),
        Buffer.from([0x31, 0x39, 0x32, 0xff, 0xfe, 0x0a]),
        Buffer.from(`${'a'.repeat(10 * 1024 * 1024)}\n`),
        Buffer.from('192.0.2.51\n'),
      ]),
    );
    const messyRun = tix(data, ['ingest', messy, '--source', 'messy']);
    assert.equal(messyRun.code, 1);
    assert.match(messyRun.stderr, /messy\.txt:2: line is not valid UTF-8; skipped/);
    assert.match(messyRun.stderr, /messy\.txt:3: line is longer than 1048576 bytes; skipped/);
    assert.match(messyRun.stdout, /read 4 lines, accepted 2/);
  });

  it('reads gzip, and a truncated gzip leaves the store as it was', () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`).join('\n');
    const gz = join(dir.path, 'list.txt.gz');
    const packed = gzipSync(lines);
    writeFileSync(gz, packed);
    const ok = tix(data, ['ingest', gz, '--source', 'gz', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).results[0].new, 20000);
    const before = tix(data, ['stats', '-o', 'jsonl']).stdout;
    const broken = join(dir.path, 'broken.txt.gz');
    const other = gzipSync(Array.from({ length: 200000 }, (_, i) => `172.${16 + ((i >> 16) & 15)}.${(i >> 8) & 255}.${i & 255}`).join('\n'));
    writeFileSync(broken, other.subarray(0, Math.floor(other.length * 0.8)));
    const run = tix(data, ['ingest', broken, '--source', 'broken']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /broken\.txt\.gz: .*(truncated|corrupt|unexpected end).*nothing imported/i);
    assert.equal(tix(data, ['stats', '-o', 'jsonl']).stdout, before, 'the failed import left nothing behind');
  });

  it('reads stdin and whole directories', () => {
    const run = tix(data, ['ingest', '-', '--source', 'pasted', '--format', 'freetext'], 'C2 at hxxp://203.0.113.9/gate.php and evil-domain[.]top today\n');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /<stdin> \[freetext → pasted\]: read 1 lines, accepted 2/);
    const tree = tix(data, ['ingest', join(FEEDS, 'vxvault'), join(FEEDS, 'cinsscore'), '--json']);
    assert.equal(tree.code, 0, tree.stderr);
    assert.equal(JSON.parse(tree.stdout).results.length, 2);
  });

  it('--help works everywhere and bad options exit 2', () => {
    for (const args of [['--help'], ['ingest', '--help'], ['search', '--help'], ['feeds', 'add', '--help']]) {
      const run = tix(data, args);
      assert.equal(run.code, 0, args.join(' '));
      assert.match(run.stdout, /Usage: tix/);
    }
    assert.equal(tix(data, ['ingest', '--tlp', 'purple', join(FEEDS, 'ipsum', 'ipsum-level8-sample.txt')]).code, 2);
    assert.equal(tix(data, ['frobnicate']).code, 2);
    assert.equal(tix(data, ['ingest', join(dir.path, 'missing.txt')]).code, 2);
  });
});

describe('tix ingest --valid-for', () => {
  const dir = tempDir();
  after(() => dir.remove());
  it('gives values a validity after their last seen, and expired values leave default searches', () => {
    const data = join(dir.path, 'data');
    const file = join(dir.path, 'old.csv');
    writeFileSync(file, 'value,last_seen\n192.0.2.77,2020-01-01\n192.0.2.78,2099-01-01\n');
    const run = tix(data, ['ingest', file, '--valid-for', '30d']);
    assert.equal(run.code, 0, run.stderr);
    const old = JSON.parse(tix(data, ['show', '192.0.2.77', '-o', 'jsonl']).stdout);
    assert.equal(old.observations[0].validUntil, '2020-01-31T00:00:00Z');
    assert.equal(old.status, 'expired');
    const found = tix(data, ['search', '192.0.2.0/24', '-o', 'jsonl']).stdout.trim().split('\n').map((line) => JSON.parse(line).value);
    assert.deepEqual(found, ['192.0.2.78']);
  });
});

describe('tix ingest: a short list that is mostly bad', () => {
  const dir = tempDir();
  after(() => dir.remove());
  it('is still read as a list, so every bad line is reported rather than skipped as prose', () => {
    const file = join(dir.path, 'short.txt');
    writeFileSync(file, 'evil.example.com\n300.1.2.3\nhxxp://bad host/x\n');
    const run = tix(join(dir.path, 'data'), ['ingest', file]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /\[plain-list → short\]: read 3 lines, accepted 1, .* rejected 2/);
    assert.match(run.stderr, /short\.txt:2: value: IPv4 part 300 is over 255/);
  });
});
