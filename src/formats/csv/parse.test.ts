import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count, fixture, NOW, parseFile, parseText, where } from '../../../test/helpers/parse-file.ts';

describe('csv: header auto-mapping', () => {
  const text = [
    '# exported by some tool',
    'Indicator,Type,First_Seen,Last_Seen,Confidence,Threat_Type,Malware,Tags,Reference,TLP',
    'evil-example.com,domain,2024-01-02,2024-02-03T04:05:06Z,80,botnet_cc,Pikabot,"C2, Loader",https://example.org/r/1,TLP:AMBER',
    '198.51.100.7:443,ip:port,2024-01-02 10:00:00,,101,phishing,,,,white',
    'D41D8CD98F00B204E9800998ECF8427E,md5_hash,,,,,,,,',
    'hxxp://evil-example[.]com/a,,2024-01-02,,,,,,,',
  ].join('\n');

  it('recognises columns by their common names, in any case', async () => {
    const { accepted, issues } = await parseText('csv', text);
    assert.deepEqual(where(issues), []);
    assert.deepEqual(accepted[0], {
      type: 'domain',
      value: 'evil-example.com',
      firstSeen: Date.UTC(2024, 0, 2),
      lastSeen: Date.UTC(2024, 1, 3, 4, 5, 6),
      confidence: 80,
      threatType: 'c2',
      malware: 'Pikabot',
      tags: ['c2', 'loader'],
      reference: 'https://example.org/r/1',
      tlp: 'amber',
      raw: text.split('\n')[2],
      line: 3,
    });
    assert.deepEqual(accepted[1], {
      type: 'ip-port',
      value: '198.51.100.7:443',
      firstSeen: Date.UTC(2024, 0, 2, 10),
      lastSeen: Date.UTC(2024, 0, 2, 10),
      threatType: 'phishing',
      tags: [],
      tlp: 'clear',
      raw: text.split('\n')[3],
      line: 4,
    }, 'a confidence over 100 is dropped; TLP white is clear');
    assert.deepEqual([accepted[2]!.type, accepted[2]!.value, accepted[2]!.firstSeen], ['md5', 'd41d8cd98f00b204e9800998ecf8427e', NOW]);
    assert.deepEqual([accepted[3]!.type, accepted[3]!.value], ['url', 'http://evil-example.com/a']);
  });

  it('reads a real feed it has no format for by its header names (PhishTank: url, submission_time is no date column)', async () => {
    const file = fixture('phishtank/verified_online-4col.csv');
    const rows = count('awk', ['NR > 1 && NF { n++ } END { print n + 0 }', file]);
    const { accepted, issues } = await parseFile('csv', file);
    assert.deepEqual(where(issues), []);
    assert.equal(accepted.length, rows);
    assert.ok(accepted.every((o) => o.type === 'url' && o.firstSeen === NOW));
  });
});

describe('csv: explicit mapping through the format options', () => {
  const text = ['date;indicator;comment', '2024-03-01;evil-example.com;first', '2024-03-02;198.51.100.9;second', '2024-03-03;;empty'].join('\n');

  it('maps value and first_seen to named columns, with a ";" separator', async () => {
    const { accepted, issues } = await parseText('csv', text, { value: 'indicator', first_seen: 'date', separator: ';' });
    assert.deepEqual(
      accepted.map((o) => [o.line, o.type, o.value, o.firstSeen]),
      [
        [2, 'domain', 'evil-example.com', Date.UTC(2024, 2, 1)],
        [3, 'ipv4', '198.51.100.9', Date.UTC(2024, 2, 2)],
      ],
    );
    assert.deepEqual(where(issues), [{ line: 4, field: 'indicator', code: 'TIX_INPUT_BAD_VALUE' }]);
    assert.match(issues[0]!.message, /empty value/);
  });

  it('reads tab-separated input and day-first dates when asked', async () => {
    const tsv = 'seen\tioc\n03-04-2024\tevil-example.com\n';
    const { accepted, issues } = await parseText('csv', tsv, { value: 'ioc', first_seen: 'seen', separator: '\\t', dayfirst: 'true' });
    assert.deepEqual(where(issues), []);
    assert.deepEqual(accepted.map((o) => [o.value, o.firstSeen]), [['evil-example.com', Date.UTC(2024, 3, 3)]]);
  });

  it('reports a mapped column missing from the header, and reads the rest', async () => {
    const { accepted, issues } = await parseText('csv', text, { value: 'indicator', first_seen: 'when', separator: ';' });
    assert.deepEqual(where(issues), [
      { line: 1, field: 'header', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 4, field: 'indicator', code: 'TIX_INPUT_BAD_VALUE' },
    ]);
    assert.match(issues[0]!.message, /mapped column "when" for first_seen is not in the header/);
    assert.deepEqual(accepted.map((o) => [o.value, o.firstSeen]), [['evil-example.com', NOW], ['198.51.100.9', NOW]]);
  });

  it('reports a header without a value column once, and reads nothing', async () => {
    const { accepted, issues } = await parseText('csv', 'when,what\n2024-01-01,evil-example.com\n2024-01-02,198.51.100.1\n');
    assert.equal(accepted.length, 0);
    assert.deepEqual(where(issues), [{ line: 1, field: 'header', code: 'TIX_INPUT_BAD_FIELD' }]);
    assert.match(issues[0]!.message, /no value column: map one with --map value=COLUMN/);
  });

  it('reports a mapped value column missing from the header, and reads nothing', async () => {
    const { accepted, issues } = await parseText('csv', 'value,date\nevil-example.com,2024-01-01\n', { value: 'ioc' });
    assert.equal(accepted.length, 0);
    assert.deepEqual(where(issues), [
      { line: 1, field: 'header', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 1, field: 'header', code: 'TIX_INPUT_BAD_FIELD' },
    ]);
    assert.match(issues[0]!.message, /mapped column "ioc" for value/);
  });
});

describe('csv: broken input', () => {
  const text = [
    'value,type,first_seen,tags',
    'evil-example.com,domain,2024-01-01,a',
    '999.1.1.1,,2024-01-01,b',
    'evil-example.org,frobnicator,2024-01-01,c',
    'evil-example.net,domain,2024-02-30,d',
    'evil-example.info,domain',
    '"evil-example.biz,domain,2024-01-01,e',
    'evil-example.com,url,2024-01-01,"f,g"',
    '1.2.3.4/40,cidr,2024-01-01,',
  ].join('\n');

  it('reports each bad row by line and field, and keeps the good ones', async () => {
    const { accepted, issues } = await parseText('csv', text);
    assert.deepEqual(where(issues), [
      { line: 3, field: 'value', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 4, field: 'type', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 5, field: 'first_seen', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 6, field: 'row', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 7, field: 'row', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 9, field: 'value', code: 'TIX_INPUT_BAD_VALUE' },
    ]);
    assert.match(issues[1]!.message, /unknown indicator type "frobnicator"/);
    assert.match(issues[2]!.message, /not a date \(got "2024-02-30"\)/);
    assert.match(issues[3]!.message, /row has 2 field\(s\).*truncated/);
    assert.match(issues[4]!.message, /unterminated quote/);
    assert.match(issues[5]!.message, /CIDR prefix \/40 is longer than 32/);
    assert.deepEqual(
      accepted.map((o) => [o.line, o.type, o.value, o.tags]),
      [
        [2, 'domain', 'evil-example.com', ['a']],
        [8, 'url', 'http://evil-example.com/', ['f', 'g']],
      ],
    );
  });

  it('reports input with no header row at line 0', async () => {
    const { issues } = await parseText('csv', '# nothing but comments\n');
    assert.deepEqual(where(issues), [{ line: 0, field: 'header', code: 'TIX_INPUT_BAD_FIELD' }]);
    assert.equal(issues[0]!.message, 'no header row found');
  });
});
