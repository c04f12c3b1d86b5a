import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, symlinkSync, copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open.ts';
import { ROOT, tempDir, tix, type Run } from '../helpers/cli.ts';

/**
 * tix scan end to end on real logs (Slips' Zeek and Suricata captures) with
 * intel from real feeds and values picked from the logs. The expected hits of
 * each log are computed without tix by test/fixtures/scan/expected/make.sh
 * (jq, awk, Python's ipaddress); each must be found exactly, nothing more.
 */
const FIXTURES = join(ROOT, 'test', 'fixtures', 'scan');
const LOGS = join(FIXTURES, 'logs');

interface JsonFinding {
  kind: 'finding';
  file: string;
  line: number;
  field: string;
  value: string;
  indicator: string;
  verdict: string;
  sources: string[];
  tlp: string;
  warninglists?: string[];
}

function findings(run: Run): JsonFinding[] {
  return run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { kind: string }).filter((o): o is JsonFinding => o.kind === 'finding');
}

function summary(run: Run): { files: Array<{ path: string; sha256: string; size: number; lines: number; format: string; modifiedAt?: string; incomplete?: string }>; intel: { id: string } } {
  const line = run.stdout.split('\n').find((l) => l.startsWith('{"kind":"summary"'));
  assert.ok(line, `no summary in ${run.stdout.slice(0, 300)} / ${run.stderr}`);
  return JSON.parse(line);
}

function problems(run: Run): Array<{ file: string; line?: number; code: string; message: string }> {
  return run.stdout.split('\n').filter((line) => line.startsWith('{"kind":"problem"')).map((line) => JSON.parse(line));
}

const rows = (found: JsonFinding[]): string[] => found.map((f) => [f.line, f.field, f.value, f.indicator, f.verdict].join('\t')).sort();
const expected = (name: string): string[] => readFileSync(join(FIXTURES, 'expected', `${name}.tsv`), 'utf8').split('\n').filter(Boolean).sort();

describe('tix scan', () => {
  const data = tempDir('tix-scan-');
  const work = tempDir('tix-scan-work-');

  before(() => {
    const intel = join(FIXTURES, 'intel');
    assert.equal(tix(data.path, ['ingest', join(intel, 'binarydefense-sample.txt'), '--source', 'binarydefense', '--tlp', 'clear']).code, 0);
    assert.equal(tix(data.path, ['ingest', join(intel, 'mass-scanner-sample.txt'), '--format', 'maltrail', '--source', 'mass-scanner']).code, 0);
    // `cz` is refused (a bare public suffix): exit 1, the rest lands
    const picked = tix(data.path, ['ingest', join(intel, 'picked.txt'), '--source', 'picked', '--tlp', 'amber']);
    assert.equal(picked.code, 1, picked.stderr);
    assert.match(picked.stderr, /picked\.txt:6/);
    assert.equal(tix(data.path, ['warninglists', 'import', join(FIXTURES, 'warninglists')]).code, 0);
  });

  after(() => {
    data.remove();
    work.remove();
  });

  for (const [name, path] of [
    ['eve', 'eve.json'],
    ['conn', 'zeek-tsv/conn.log'],
    ['http', 'zeek-json/http.log'],
    ['dns', 'zeek-json/dns.log'],
    ['files', 'zeek-json/files.log'],
  ] as const) {
    it(`${path}: exactly the hits computed independently`, () => {
      const run = tix(data.path, ['scan', join(LOGS, path), '--report', 'jsonl']);
      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual(rows(findings(run)), expected(name));
    });
  }

  it('each hit carries the indicator\'s sources, TLP and warninglists; the chain of custody names every file with its SHA-256', () => {
    const run = tix(data.path, ['scan', join(LOGS, 'eve.json'), '--json']);
    const found = findings(run);
    const benign = found.find((f) => f.value === '192.168.1.1')!;
    assert.equal(benign.verdict, 'known-benign');
    assert.deepEqual(benign.warninglists, ['rfc1918']);
    assert.deepEqual(benign.sources, ['picked']);
    assert.equal(benign.tlp, 'amber');
    const cidr = found.find((f) => f.indicator.includes('/'))!;
    assert.deepEqual(cidr.sources, ['mass-scanner']);
    const file = summary(run).files[0]!;
    const bytes = readFileSync(join(LOGS, 'eve.json'));
    assert.equal(file.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(file.size, bytes.length);
    assert.equal(file.format, 'suricata-eve');
  });

  it('--no-warninglists reports the private address as a hit', () => {
    const found = findings(tix(data.path, ['scan', join(LOGS, 'eve.json'), '--json', '--no-warninglists']));
    assert.ok(found.filter((f) => f.value === '192.168.1.1').every((f) => f.verdict === 'hit'));
    assert.ok(found.some((f) => f.value === '192.168.1.1'));
  });

  it('warninglists check flags the stored values a warninglist calls benign', () => {
    const run = tix(data.path, ['warninglists', 'check', '--source', 'picked']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split('\n'), ['ipv4\t192.168.1.1\trfc1918\tpicked']);
    assert.match(run.stderr, /1 of 6 values are on warninglists/);
  });

  it('ingest flags values on warninglists with a warning and imports them all the same', () => {
    const list = join(work.path, 'resolvers.txt');
    writeFileSync(list, '8.8.8.8\n10.20.30.40\n192.9.135.73\n');
    const run = tix(data.path, ['ingest', list, '--source', 'noisy-feed']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /resolvers\.txt:1: value: 8\.8\.8\.8 is on warninglist public-dns-v4 \(known benign\); imported/);
    assert.match(run.stderr, /resolvers\.txt:2: value: 10\.20\.30\.40 is on warninglist rfc1918/);
    assert.doesNotMatch(run.stderr, /192\.9\.135\.73 is on/);
    assert.match(run.stdout + run.stderr, /accepted 3/);
  });

  it('a bare public suffix never hits: the refused `cz` leaves isatap.felk.cvut.cz alone', () => {
    const found = findings(tix(data.path, ['scan', join(LOGS, 'zeek-json', 'dns.log'), '--json']));
    assert.ok(!found.some((f) => f.value.endsWith('.cz')));
  });

  it('a directory: recursive, formats detected per file; exit 0 when nothing hits', () => {
    const run = tix(data.path, ['scan', LOGS, '--json']);
    assert.equal(run.code, 1);
    assert.deepEqual(summary(run).files.map((f) => f.format).sort(), ['suricata-eve', 'zeek-json', 'zeek-json', 'zeek-json', 'zeek-tsv', 'zeek-tsv', 'zeek-tsv']);
    const clean = join(work.path, 'clean.log');
    writeFileSync(clean, '{"ts":1.0,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":2}\n');
    assert.equal(tix(data.path, ['scan', clean]).code, 0);
  });

  it('bad input is reported with file and line and the scan goes on: truncated gzip, binary file, an over-long line, bad UTF-8', () => {
    const dir = join(work.path, 'evidence');
    mkdirSync(dir);
    const eve = readFileSync(join(LOGS, 'eve.json'));
    const gz = gzipSync(eve);
    writeFileSync(join(dir, 'a-truncated.json.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    writeFileSync(join(dir, 'b-binary.log'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
    const lines = readFileSync(join(LOGS, 'zeek-json', 'http.log'), 'utf8').split('\n');
    writeFileSync(join(dir, 'c-long.log'), [lines[0], `{"ts":1,"uid":"x","host":"${'a'.repeat(3_000_000)}"}`, lines[1], ''].join('\n'));
    writeFileSync(join(dir, 'd-latin1.log'), Buffer.concat([Buffer.from(`${lines[0]}\n`), Buffer.from('{"ts":2,"uid":"caf\xe9"}\n', 'latin1'), Buffer.from(`${lines[1]}\n`)]));
    const run = tix(data.path, ['scan', dir, '--json']);
    assert.equal(run.code, 1, 'hits were found, so 1, whatever else happened');
    const seen = problems(run).map((p) => `${p.file.slice(dir.length + 1)}:${p.line ?? '-'}:${p.code}`);
    assert.ok(seen.some((p) => p.startsWith('a-truncated.json.gz:-:TIX_GZIP_TRUNCATED')), seen.join(' '));
    assert.ok(seen.includes('b-binary.log:-:TIX_INPUT_BINARY'), seen.join(' '));
    assert.ok(seen.includes('c-long.log:2:TIX_INPUT_LINE_TOO_LONG'), seen.join(' '));
    assert.ok(seen.includes('d-latin1.log:2:TIX_INPUT_ENCODING'), seen.join(' '));
    const found = findings(run);
    // the truncated gzip's first lines were still scanned, and the lines after the long one too
    assert.ok(found.some((f) => f.file.endsWith('a-truncated.json.gz')));
    assert.ok(found.some((f) => f.file.endsWith('c-long.log') && f.line === 3));
    const truncated = summary(run).files.find((f) => f.path.endsWith('a-truncated.json.gz'))!;
    assert.ok(truncated.incomplete);
    // errors and no hits: 2
    assert.equal(tix(data.path, ['scan', join(dir, 'b-binary.log')]).code, 2);
  });

  it('scan threads give the same findings, in file order, with the right line numbers', () => {
    // 300 copies of the EVE sample: several blocks, spread over the threads
    const eve = readFileSync(join(LOGS, 'eve.json'), 'utf8');
    const big = join(work.path, 'big-eve.json');
    writeFileSync(big, eve.repeat(300));
    const lines = eve.split('\n').length - 1;
    const threaded = findings(tix(data.path, ['scan', big, '--json', '--threads', '2', '--thread-min-bytes', '0']));
    const here = findings(tix(data.path, ['scan', big, '--json', '--threads', '0']));
    assert.equal(threaded.length, 300 * expected('eve').length);
    assert.deepEqual(threaded.map((f) => `${f.line}:${f.field}:${f.value}`), here.map((f) => `${f.line}:${f.field}:${f.value}`));
    // each copy's findings are the sample's, on the same line of its copy
    const shifted = threaded.map((f) => [((f.line - 1) % lines) + 1, f.field, f.value, f.indicator, f.verdict].join('\t'));
    assert.deepEqual([...new Set(shifted)].sort(), expected('eve'));
  });

  it('scan threads give a gzip log (cut from the gunzipped stream, not read into shared blocks) the findings one thread does', () => {
    const eve = readFileSync(join(LOGS, 'eve.json'), 'utf8');
    const big = join(work.path, 'big-eve.json.gz');
    writeFileSync(big, gzipSync(eve.repeat(300)));
    const threaded = findings(tix(data.path, ['scan', big, '--json', '--threads', '2', '--thread-min-bytes', '0']));
    const here = findings(tix(data.path, ['scan', big, '--json', '--threads', '0']));
    assert.equal(threaded.length, 300 * expected('eve').length);
    assert.deepEqual(threaded.map((f) => `${f.line}:${f.field}:${f.value}`), here.map((f) => `${f.line}:${f.field}:${f.value}`));
  });

  it('scan threads take one input after another, each with its own reader, as one thread does', () => {
    const dir = join(work.path, 'many');
    mkdirSync(dir);
    const eve = readFileSync(join(LOGS, 'eve.json'), 'utf8');
    const conn = readFileSync(join(LOGS, 'zeek-tsv', 'conn.log'), 'utf8');
    // a Zeek log, a Suricata log, and the Zeek log again: the threads change readers twice
    writeFileSync(join(dir, 'a-conn.log'), conn.repeat(40));
    writeFileSync(join(dir, 'b-eve.json'), eve.repeat(40));
    writeFileSync(join(dir, 'c-conn.log'), conn.repeat(40));
    const [threaded, here] = [['--threads', '2', '--thread-min-bytes', '0'], ['--threads', '0']].map((threads) => {
      const run = tix(data.path, ['scan', dir, '--json', ...threads]);
      return findings(run).map((f) => `${f.file.slice(dir.length + 1)}:${f.line}:${f.field}:${f.value}`);
    });
    assert.deepEqual(new Set(threaded!.map((f) => f.split(':')[0])), new Set(['a-conn.log', 'b-eve.json', 'c-conn.log']));
    assert.deepEqual(threaded, here);
  });

  it('scan threads number the lines around an over-long line as one thread does', () => {
    // the first long line spans several reads, while the lines before it wait for a block to fill; the second is
    // longer than a whole block of the threads, and is skipped across blocks
    const eve = readFileSync(join(LOGS, 'eve.json'), 'utf8');
    const big = join(work.path, 'long-eve.json');
    const long = (bytes: number): string => `{"event_type":"dns","dns":{"rrname":"${'a'.repeat(bytes)}"}}\n`;
    writeFileSync(big, `${eve.repeat(20)}${long(3_000_000)}${eve.repeat(20)}${long(7_000_000)}${eve.repeat(5)}`);
    const eveLines = eve.split('\n').length - 1;
    const longLine = eveLines * 20 + 1;
    const runs = [['--threads', '2', '--thread-min-bytes', '0'], ['--threads', '0']].map((threads) => tix(data.path, ['scan', big, '--json', ...threads]));
    const [threaded, here] = runs.map((run) => ({
      findings: findings(run).map((f) => `${f.line}:${f.field}:${f.value}`),
      problems: problems(run).map((p) => `${p.line}:${p.code}`),
    }));
    assert.deepEqual(here!.problems, [`${longLine}:TIX_INPUT_LINE_TOO_LONG`, `${longLine + eveLines * 20 + 1}:TIX_INPUT_LINE_TOO_LONG`]);
    assert.deepEqual(threaded, here);
    assert.ok(here!.findings.some((f) => Number(f.split(':')[0]) > longLine), 'lines after the long one found');
  });

  it('stdin, and a forced format', () => {
    const run = tix(data.path, ['scan', '-', '--json', '--format', 'text'], '10.0.0.1 talked to 195.113.232.73 and msftncsi.com\n');
    assert.equal(run.code, 1);
    assert.deepEqual(findings(run).map((f) => `${f.file}:${f.line}:${f.indicator}`), ['<stdin>:1:195.113.232.73', '<stdin>:1:msftncsi.com']);
  });

  it('a pipe given by name (as <(zcat log.gz) gives one) is read as a stream, on one thread and on the threads', () => {
    const fifo = join(work.path, 'eve-pipe');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    for (const threads of [['--threads', '0'], ['--threads', '2', '--thread-min-bytes', '0']]) {
      // a writer of its own: the pipe opens once both ends are taken
      const writer = spawn('sh', ['-c', `cat "${join(LOGS, 'eve.json')}" > "${fifo}"`]);
      const run = tix(data.path, ['scan', fifo, '--json', ...threads]);
      writer.kill();
      assert.equal(run.code, 1, run.stderr + JSON.stringify(problems(run)));
      const shifted = findings(run).map((f) => [f.line, f.field, f.value, f.indicator, f.verdict].join('\t'));
      assert.deepEqual([...new Set(shifted)].sort(), expected('eve'));
    }
  });

  it('an intel snapshot scans with no store; a damaged one is refused', () => {
    const snapshot = join(work.path, 'intel.tixsnap');
    const exported = tix(data.path, ['snapshot', 'export', '-o', snapshot]);
    assert.equal(exported.code, 0, exported.stderr);
    const noStore = join(work.path, 'no-store');
    const run = tix(noStore, ['scan', '--intel', snapshot, join(LOGS, 'eve.json'), '--json']);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(rows(findings(run)), expected('eve'), 'the same hits, warninglists included');
    assert.throws(() => readFileSync(join(noStore, 'tix.db')));
    const damaged = join(work.path, 'damaged.tixsnap');
    copyFileSync(snapshot, damaged);
    const bytes = readFileSync(damaged);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    writeFileSync(damaged, bytes);
    const refused = tix(noStore, ['scan', '--intel', damaged, join(LOGS, 'eve.json')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /content hash mismatch/);
  });

  it('--record-sightings writes each hit back as a sighting of the scanning organisation, on what it may read alone', async () => {
    assert.equal(tix(data.path, ['org', 'add', 'Example CERT', '--kind', 'cert']).code, 0);
    // the hit is on a value of the operator's AMBER source: the CERT is not cleared for it, so it records nothing
    const refused = tix(data.path, ['scan', join(LOGS, 'zeek-tsv', 'conn.log'), '--record-sightings', '--org', 'Example CERT', '-o', '/dev/null']);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /recorded 0 sightings for Example CERT \(1 hit value not held by this store or not readable by Example CERT\)/);
    assert.ok(statSync('/dev/null').isCharacterDevice(), '-o /dev/null writes into the device, never replaces it');
    const run = tix(data.path, ['scan', join(LOGS, 'zeek-tsv', 'conn.log'), '--record-sightings', '--org', 'local', '-o', join(work.path, 'report.txt')]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /recorded 1 sighting for local\n/);
    const store = await openStore(data.path);
    try {
      assert.equal((await store.listSightings({ reader: { org: (await store.findOrganisation('Example CERT'))!.id }, limit: 10 })).items.length, 0);
      const org = (await store.findOrganisation('local'))!;
      const page = await store.listSightings({ reader: { org: org.id }, limit: 10 });
      assert.equal(page.items.length, 1);
      assert.deepEqual(page.items[0]!.indicator, { type: 'ipv4', value: '195.113.232.73' });
      assert.equal(page.items[0]!.origin, 'scanner');
      assert.equal(page.items[0]!.count, 1);
    } finally {
      await store.close();
    }
    assert.match(readFileSync(join(work.path, 'report.txt'), 'utf8'), /Chain of custody:/);
  });

  it('--files hashes a tree and matches digests; links out of the tree are not followed', () => {
    const tree = join(work.path, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    // the MD5 of this content is not known in advance: the file is the payload whose digest the feed lists
    const payload = join(tree, 'sub', 'bin.sh');
    writeFileSync(payload, 'not the real payload\n');
    const md5 = createHash('md5').update('not the real payload\n').digest('hex');
    const list = join(work.path, 'hashes.txt');
    writeFileSync(list, `${md5}\n`);
    assert.equal(tix(data.path, ['ingest', list, '--source', 'hash-feed']).code, 0);
    symlinkSync('/etc/hostname', join(tree, 'outside'));
    const run = tix(data.path, ['scan', '--files', tree, '--json']);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(findings(run).map((f) => `${f.field}:${f.value}:${f.file.slice(tree.length)}`), [`md5:${md5}:/sub/bin.sh`]);
    assert.ok(problems(run).some((p) => p.file.endsWith('outside') && /out of the tree/.test(p.message)));
  });

  it("--files on threads: every digest and the chain of custody as on one thread, a large file's digests made on two", () => {
    const tree = join(work.path, 'threaded-tree');
    mkdirSync(join(tree, 'disk'), { recursive: true });
    // past the size whose digests are split over two threads (32 MiB), and some small files around it
    const image = Buffer.alloc(33 * 2 ** 20);
    for (let i = 0; i < image.length; i += 4096) image.writeUInt32LE(i * 2654435761 >>> 0, i);
    writeFileSync(join(tree, 'disk', 'image.dd'), image);
    for (let i = 0; i < 6; i++) writeFileSync(join(tree, `note-${i}.txt`), `note ${i}\n`);
    const digest = (name: string, data: Buffer | string): string => createHash(name).update(data).digest('hex');
    const list = join(work.path, 'tree-hashes.txt');
    writeFileSync(list, `${digest('md5', image)}\n${digest('sha1', 'note 3\n')}\n${digest('sha256', image)}\n`);
    assert.equal(tix(data.path, ['ingest', list, '--source', 'tree-hashes']).code, 0);
    const [threaded, here] = ['2', '0'].map((threads) => tix(data.path, ['scan', '--files', tree, '--json', '--threads', threads]));
    for (const run of [threaded!, here!]) {
      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual(findings(run).map((f) => `${f.field}:${f.file.slice(tree.length)}`), ['md5:/disk/image.dd', 'sha256:/disk/image.dd', 'sha1:/note-3.txt']);
    }
    const custody = (run: Run) => summary(run).files.map((f) => `${f.path.slice(tree.length)} ${f.size} ${f.sha256} ${f.modifiedAt}`);
    assert.deepEqual(custody(threaded!), custody(here!));
    // whole milliseconds, cut as tix cuts every time (stat's own Date rounds a fraction of .5 or more up)
    const modified = new Date(Math.trunc(statSync(join(tree, 'disk', 'image.dd')).mtimeMs)).toISOString();
    assert.equal(custody(here!)[0], `/disk/image.dd ${image.length} ${digest('sha256', image)} ${modified}`);
  });

  it('STIX indicators whose patterns are more than values are evaluated on each record', () => {
    const stixData = tempDir('tix-scan-stix-');
    try {
      const bundle = join(stixData.path, 'bundle.json');
      writeFileSync(bundle, JSON.stringify({
        type: 'bundle',
        id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
        objects: [{
          type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
          created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', valid_from: '2024-01-01T00:00:00Z',
          name: 'NCSI probes', pattern_type: 'stix', pattern: "[domain-name:value LIKE '%.msftncsi.com']",
        }],
      }));
      const ingested = tix(stixData.path, ['ingest', bundle, '--source', 'stix-test']);
      assert.ok(ingested.code <= 1, ingested.stderr);
      const run = tix(stixData.path, ['scan', join(LOGS, 'zeek-json', 'dns.log'), '--json']);
      assert.equal(run.code, 1, run.stderr);
      // jq -r 'input_line_number as $n | select(.query | test("\\.msftncsi\\.com$")) | $n' dns.log
      assert.deepEqual(findings(run).map((f) => `${f.line}:${f.indicator}:${f.verdict}:${f.sources.join()}`), ['5:indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f:hit:stix-test']);
    } finally {
      stixData.remove();
    }
  });

  it('CSV and HTML reports', () => {
    const csv = tix(data.path, ['scan', join(LOGS, 'zeek-tsv', 'conn.log'), '--report', 'csv']).stdout;
    assert.match(csv, /^# tix /);
    assert.match(csv, /\nfile,line,time,field,value,indicator/);
    const html = tix(data.path, ['scan', join(LOGS, 'zeek-tsv', 'conn.log'), '--report', 'html']).stdout;
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /195\.113\.232\.73/);
    assert.doesNotMatch(html, /<script/);
  });

  it('JSON lines to -o hold every finding, then the summary; a scan that fails leaves the old report and no partial file', () => {
    const out = join(work.path, 'report.jsonl');
    writeFileSync(out, 'the old report\n');
    const big = join(work.path, 'many-eve.json');
    writeFileSync(big, readFileSync(join(LOGS, 'eve.json'), 'utf8').repeat(40));
    const run = tix(data.path, ['scan', big, '--json', '-o', out, '--threads', '0']);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, '', 'the report went to the file');
    const written = { stdout: readFileSync(out, 'utf8'), stderr: '', code: 0 } as Run;
    assert.equal(findings(written).length, 40 * expected('eve').length);
    assert.ok(written.stdout.trimEnd().split('\n').at(-1)!.startsWith('{"kind":"summary"'), 'the summary comes last');
    assert.equal(summary(written).files[0]!.path, big);
    // an unknown format is refused once the scan has begun: the report before stays, nothing is left beside it
    const before = readFileSync(out, 'utf8');
    const failed = tix(data.path, ['scan', big, '--json', '-o', out, '--format', 'no-such-format']);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /no-such-format/);
    assert.equal(readFileSync(out, 'utf8'), before);
    assert.deepEqual(readdirSync(work.path).filter((name) => name.startsWith('report.jsonl.tmp')), []);
  });

  it('-o naming an evidence file, or a file inside an evidence directory, is refused before anything is read or written', () => {
    const evidence = join(work.path, 'evidence-eve.json');
    copyFileSync(join(LOGS, 'eve.json'), evidence);
    const original = readFileSync(evidence);
    const over = tix(data.path, ['scan', evidence, '--json', '-o', evidence]);
    assert.equal(over.code, 2);
    assert.match(over.stderr, /-o .*evidence-eve\.json: is the evidence file .*; evidence is never written/);
    assert.equal(over.stdout, '');
    assert.deepEqual(readFileSync(evidence), original, 'the evidence is as it was');
    const tree = join(work.path, 'seized-tree');
    mkdirSync(tree, { recursive: true });
    copyFileSync(join(LOGS, 'eve.json'), join(tree, 'eve.json'));
    const into = tix(data.path, ['scan', tree, '--report', 'html', '-o', join(tree, 'report.html')]);
    assert.equal(into.code, 2);
    assert.match(into.stderr, /is inside the evidence directory/);
    assert.deepEqual(readdirSync(tree), ['eve.json'], 'nothing was added to the tree');
  });
});
