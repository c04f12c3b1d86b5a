import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count, fixture, lineNumbers, parseFile, parseText, where } from '../../../test/helpers/parse-file.ts';

const FILE = fixture('phishtank/verified_online-4col.csv');

describe('phishtank: the real 4-column export', () => {
  it('gives one phishing URL per row, and rejects nothing', async () => {
    const rows = count('awk', ['NR > 1 && NF { n++ } END { print n + 0 }', FILE]);
    assert.ok(rows > 1000);
    const { accepted, issues } = await parseFile('phishtank', FILE);
    assert.deepEqual(where(issues), []);
    assert.equal(accepted.length, rows);
    assert.ok(accepted.every((o) => o.type === 'url' && o.threatType === 'phishing'));
    assert.deepEqual(
      accepted.map((o) => o.line),
      lineNumbers('awk', ['NR > 1 && NF { print NR }', FILE]),
    );
  });

  it('reads the submission time with its offset, and the detail page as the reference', async () => {
    const { accepted } = await parseFile('phishtank', FILE);
    assert.deepEqual(accepted[0], {
      type: 'url',
      value: 'https://7yp9m4-8080.csb.app/',
      firstSeen: Date.UTC(2024, 2, 22, 20, 40, 23),
      lastSeen: Date.UTC(2024, 2, 22, 20, 40, 23),
      threatType: 'phishing',
      tags: [],
      reference: 'http://www.phishtank.com/phish_detail.php?phish_id=8504226',
      raw: '8504226,https://7yp9m4-8080.csb.app/,http://www.phishtank.com/phish_detail.php?phish_id=8504226,2024-03-22T20:40:23+00:00',
      line: 2,
    });
    // a URL without a path gets one
    assert.equal(accepted[3]!.value, 'https://bw-sms.com/');
    assert.equal(accepted[3]!.line, 5);
    // the last row has no newline after it and still arrives
    const lastId = count('sh', ['-c', `tail -c 300 '${FILE}' | awk -F, 'END { print $1 }'`]);
    assert.equal(accepted.at(-1)!.reference, `http://www.phishtank.com/phish_detail.php?phish_id=${lastId}`);
  });
});

describe('phishtank: the 8-column layout', () => {
  const text = [
    'phish_id,url,phish_detail_url,submission_time,verified,verification_time,online,target',
    '1001,https://login.example-bank.com.phish-example.net/,http://www.phishtank.com/phish_detail.php?phish_id=1001,2024-03-22T20:40:23+00:00,yes,2024-03-22T21:00:00+00:00,yes,Example Bank',
    '1002,"http://evil.example/a,b?c=1",http://www.phishtank.com/phish_detail.php?phish_id=1002,2024-03-22T20:40:23+02:00,yes,,yes,Other',
  ].join('\n');

  it('takes the verification time as last seen and the target as a tag', async () => {
    const { accepted, issues } = await parseText('phishtank', text);
    assert.deepEqual(where(issues), []);
    assert.equal(accepted.length, 2);
    assert.equal(accepted[0]!.firstSeen, Date.UTC(2024, 2, 22, 20, 40, 23));
    assert.equal(accepted[0]!.lastSeen, Date.UTC(2024, 2, 22, 21));
    assert.deepEqual(accepted[0]!.tags, ['target:Example Bank']);
    // a quoted URL with a comma; +02:00 is two hours earlier in UTC; "Other" is no target
    assert.equal(accepted[1]!.value, 'http://evil.example/a,b?c=1');
    assert.equal(accepted[1]!.firstSeen, Date.UTC(2024, 2, 22, 18, 40, 23));
    assert.equal(accepted[1]!.lastSeen, accepted[1]!.firstSeen);
    assert.deepEqual(accepted[1]!.tags, []);
  });
});

describe('phishtank: broken input', () => {
  const text = [
    'phish_id,url,phish_detail_url,submission_time',
    '1,https://ok.example.com/login,http://www.phishtank.com/phish_detail.php?phish_id=1,2024-03-22T20:40:23+00:00',
    '2,https://bad date.example.com/,http://www.phishtank.com/phish_detail.php?phish_id=2,2024-03-22T20:40:23+00:00',
    '3,https://ok2.example.com/,http://www.phishtank.com/phish_detail.php?phish_id=3,22/03/2024',
    '4,https://ok3.example.com/',
    '5,"https://ok4.example.com/,http://www.phishtank.com/phish_detail.php?phish_id=5,2024-03-22T20:40:23+00:00',
    '6,http://999.1.1.1/x,http://www.phishtank.com/phish_detail.php?phish_id=6,2024-03-22T20:40:23+00:00',
    '7,https://ok5.example.com/,http://www.phishtank.com/phish_detail.php?phish_id=7,2024-03-22T20:40:23Z',
  ].join('\r\n');

  it('reports each bad row by line and field, and keeps the good ones', async () => {
    const { accepted, issues } = await parseText('phishtank', text);
    assert.deepEqual(where(issues), [
      { line: 3, field: 'url', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 4, field: 'submission_time', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 5, field: 'row', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 6, field: 'row', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 7, field: 'url', code: 'TIX_INPUT_BAD_VALUE' },
    ]);
    assert.match(issues[0]!.message, /spaces/);
    assert.match(issues[1]!.message, /not a date \(got "22\/03\/2024"\)/);
    assert.deepEqual(
      accepted.map((o) => [o.line, o.value]),
      [
        [2, 'https://ok.example.com/login'],
        [8, 'https://ok5.example.com/'],
      ],
    );
  });

  it('reports a missing header once', async () => {
    const { accepted, issues } = await parseText('phishtank', text.split('\r\n').slice(1).join('\n'));
    assert.equal(accepted.length, 0);
    assert.deepEqual(where(issues), [{ line: 1, field: 'header', code: 'TIX_INPUT_BAD_FIELD' }]);
    assert.match(issues[0]!.message, /header lacks column\(s\) url, phish_id, submission_time/);
  });
});
