import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readMispFeedHashes, readMispFeedManifest } from './index.ts';

const FEED = fileURLToPath(new URL('../../../test/fixtures/misp/feed-chrome-mal-ids/', import.meta.url));
const manifestText = readFileSync(`${FEED}manifest.json`, 'utf8');
const jq = (filter: string, file: string): string => execFileSync('jq', ['-r', filter, file], { encoding: 'utf8' }).trim();

describe('readMispFeedManifest: the real chrome-mal-ids feed', () => {
  const { events, issues } = readMispFeedManifest(manifestText, 'manifest.json');

  it('lists every event the manifest names, in manifest order, with its file', () => {
    assert.deepEqual(issues, []);
    assert.equal(events.length, 79);
    assert.deepEqual(
      events.map((event) => event.uuid),
      jq('keys_unsorted[]', `${FEED}manifest.json`).split('\n'),
    );
    assert.ok(events.every((event) => event.file === `${event.uuid}.json`));
    // the fixture keeps 6 of the 79 event files; each listed file that is there is the event it names
    const present = events.filter((event) => existsSync(`${FEED}${event.file}`));
    assert.equal(present.length, 6);
    for (const event of present) assert.equal(JSON.parse(readFileSync(`${FEED}${event.file}`, 'utf8')).Event.uuid, event.uuid);
  });

  it('reads info, date, timestamp, tags, TLP and the creator', () => {
    const first = events[0]!;
    assert.deepEqual(first, {
      uuid: 'f947d4ae-77a5-547a-b541-6cb74add70fd',
      file: 'f947d4ae-77a5-547a-b541-6cb74add70fd.json',
      info: '[chrome-mal-ids] AITOPIA impersonator campaign — 2 malicious extension(s)',
      date: Date.UTC(2026, 4, 29),
      timestamp: 1780091866000,
      tags: ['chrome-mal-ids', 'aitopia-impersonator-campaign'],
      tlp: 'clear',
      org: 'chrome-mal-ids',
      line: 2,
    });
    assert.equal(events[1]!.line, 25);
    assert.equal(manifestText.split('\n')[24]!.trim(), `"${events[1]!.uuid}": {`);
  });
});

describe('readMispFeedManifest: bad manifests', () => {
  it('skips keys that are not uuids, so no entry can name a file outside the feed', () => {
    const text = JSON.stringify(
      {
        '../../etc/passwd': { info: 'x', date: '2024-01-01', timestamp: '1' },
        '57c6ac4c-c60c-4f79-a38f-b666950d210f': { info: 'ok', date: '2016-08-31', timestamp: '1472638251', 'integrity:sha256': 'AB'.repeat(32) },
        '5720accd-dd28-45f8-80e5-4605950d210f': 'not an object',
        '5720accd-dd28-45f8-80e5-4605950d2110': { date: 'yesterday' },
      },
      null,
      2,
    );
    const { events, issues } = readMispFeedManifest(text, 'manifest.json');
    assert.deepEqual(
      events.map((event) => [event.file, event.info, event.sha256]),
      [
        ['57c6ac4c-c60c-4f79-a38f-b666950d210f.json', 'ok', 'ab'.repeat(32)],
        ['5720accd-dd28-45f8-80e5-4605950d2110.json', '', undefined],
      ],
    );
    assert.deepEqual(
      issues.map(({ line, field, severity }) => ({ line, field, severity })),
      [
        { line: 2, field: '../../etc/passwd', severity: 'error' },
        { line: 13, field: '5720accd-dd28-45f8-80e5-4605950d210f', severity: 'error' },
        { line: 14, field: '5720accd-dd28-45f8-80e5-4605950d2110.info', severity: 'warning' },
        { line: 14, field: '5720accd-dd28-45f8-80e5-4605950d2110.date', severity: 'warning' },
      ],
    );
  });

  it('reports malformed JSON by position, and a manifest that is not an object', () => {
    assert.deepEqual(readMispFeedManifest('{"a": {}', 'manifest.json').issues, [
      { code: 'TIX_JSON_SYNTAX', file: 'manifest.json', line: 1, message: 'malformed JSON: unexpected end of input at line 1, column 9', severity: 'error' },
    ]);
    assert.match(readMispFeedManifest('[]', 'manifest.json').issues[0]!.message, /not a MISP feed manifest/);
  });
});

describe('readMispFeedHashes', () => {
  it('reads the file-digest layout of the chrome-mal-ids feed, digests that match its files', () => {
    const text = readFileSync(`${FEED}hashes.csv`, 'utf8');
    const hashes = readMispFeedHashes(text, 'hashes.csv');
    assert.equal(hashes.layout, 'files');
    assert.deepEqual(hashes.issues, []);
    assert.equal(hashes.files.length, Number(execFileSync('wc', ['-l', `${FEED}hashes.csv`], { encoding: 'utf8' }).trim().split(' ')[0]));
    let checked = 0;
    for (const entry of hashes.files.filter((file) => existsSync(`${FEED}${file.file}`))) {
      const [md5] = execFileSync('md5sum', [`${FEED}${entry.file}`], { encoding: 'utf8' }).split(' ');
      const [sha1] = execFileSync('sha1sum', [`${FEED}${entry.file}`], { encoding: 'utf8' }).split(' ');
      assert.deepEqual([entry.md5, entry.sha1], [md5, sha1], entry.file);
      checked++;
    }
    assert.equal(checked, 6);
  });

  it("reads MISP's own layout, one line per value part, and reports lines of neither", () => {
    const text = [
      '5d41402abc4b2a76b9719d911017c592,57C6AC4C-C60C-4F79-A38F-B666950D210F',
      '',
      '7d793037a0760186574b0282f2f435e7,57c6ac4c-c60c-4f79-a38f-b666950d210f\r',
      '../x.json,5d41402abc4b2a76b9719d911017c592,aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d',
      'not,a,hash',
    ].join('\n');
    const hashes = readMispFeedHashes(text, 'hashes.csv');
    assert.equal(hashes.layout, 'values');
    assert.deepEqual(hashes.values, [
      { md5: '5d41402abc4b2a76b9719d911017c592', eventUuid: '57c6ac4c-c60c-4f79-a38f-b666950d210f', line: 1 },
      { md5: '7d793037a0760186574b0282f2f435e7', eventUuid: '57c6ac4c-c60c-4f79-a38f-b666950d210f', line: 3 },
    ]);
    assert.deepEqual(
      hashes.issues.map((issue) => [issue.line, issue.code]),
      [
        [4, 'TIX_INPUT_BAD_FIELD'],
        [5, 'TIX_INPUT_BAD_FIELD'],
      ],
    );
    assert.equal(readMispFeedHashes('', 'hashes.csv').layout, 'empty');
  });
});
