import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count, fixture, lineNumbers, parseFile, parseText, where } from '../../../test/helpers/parse-file.ts';

const FILE = fixture('viriback/viriback-c2-tracker-dump-sample.csv');

describe('viriback: the real C2 tracker dump', () => {
  it('gives the panel URL and its IP for every row, and rejects nothing', async () => {
    const rows = count('awk', ['NR > 1 && NF { n++ } END { print n + 0 }', FILE]);
    const withIp = count('awk', ['-F', ',', 'NR > 1 && $3 != "" { n++ } END { print n + 0 }', FILE]);
    assert.ok(rows > 0);
    const { accepted, issues } = await parseFile('viriback', FILE);
    assert.deepEqual(where(issues), []);
    assert.equal(accepted.length, rows + withIp);
    assert.equal(accepted.filter((o) => o.type === 'url').length, rows);
    assert.equal(accepted.filter((o) => o.type === 'ipv4').length, withIp);
    assert.deepEqual(
      [...new Set(accepted.map((o) => o.line))],
      lineNumbers('awk', ['NR > 1 && NF { print NR }', FILE]),
    );
  });

  it('reads DD-MM-YYYY dates as UTC days and the family as the malware', async () => {
    const { accepted } = await parseFile('viriback', FILE);
    const [url, ip] = accepted;
    assert.deepEqual(url, {
      type: 'url',
      value: 'http://officeman.tk/images/admin.php',
      firstSeen: Date.UTC(2026, 0, 3),
      lastSeen: Date.UTC(2026, 0, 3),
      threatType: 'c2',
      malware: 'Pony',
      tags: [],
      raw: 'Pony,http://officeman.tk/images/admin.php,207.180.230.128,03-01-2026',
      line: 2,
    });
    assert.deepEqual(ip, { ...url, type: 'ipv4', value: '207.180.230.128' });
    // the last line has no newline after it
    const last = accepted.filter((o) => o.line === 11);
    assert.deepEqual(
      last.map((o) => [o.type, o.value, o.malware, o.firstSeen]),
      [
        ['url', 'http://unimasa.icu/dapper/five/PvqDq929BSx_A_D_M1n_a.php', 'Lokibot', Date.UTC(2026, 9, 17)],
        ['ipv4', '5.253.62.205', 'Lokibot', Date.UTC(2026, 9, 17)],
      ],
    );
  });
});

describe('viriback: broken input', () => {
  const text = [
    'Family,URL,IP,FirstSeen',
    'Pony,http://ok.example.com/admin.php,198.51.100.7,03-01-2026',
    'Pony,http://ok.example.com/b.php,,04-01-2026',
    'Pony,http://ok.example.com/c.php,198.51.100.8,31-02-2026',
    'Pony,http://ok.example.com/d.php,999.1.1.1,05-01-2026',
    'Pony,http://bad host.example.com/,198.51.100.9,06-01-2026',
    'Pony,http://ok.example.com/e.php',
    'Lokibot,http://ok.example.com/f.php,198.51.100.10,2026-01-07',
    'Pony,"http://ok.example.com/g.php,198.51.100.11,08-01-2026',
  ].join('\n');

  it('reports each bad field by line, and keeps what is good in the row', async () => {
    const { accepted, issues } = await parseText('viriback', text);
    assert.deepEqual(where(issues), [
      { line: 4, field: 'FirstSeen', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 5, field: 'IP', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 6, field: 'URL', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 7, field: 'row', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 9, field: 'row', code: 'TIX_INPUT_BAD_FIELD' },
    ]);
    assert.match(issues[0]!.message, /not a DD-MM-YYYY date \(got "31-02-2026"\)/);
    assert.match(issues[3]!.message, /row has 2 field\(s\)/);
    assert.match(issues[4]!.message, /unterminated quote/);
    assert.deepEqual(
      accepted.map((o) => [o.line, o.type, o.value]),
      [
        [2, 'url', 'http://ok.example.com/admin.php'],
        [2, 'ipv4', '198.51.100.7'],
        [3, 'url', 'http://ok.example.com/b.php'],
        [5, 'url', 'http://ok.example.com/d.php'],
        [6, 'ipv4', '198.51.100.9'],
        [8, 'url', 'http://ok.example.com/f.php'],
        [8, 'ipv4', '198.51.100.10'],
      ],
    );
    assert.equal(accepted.at(-1)!.firstSeen, Date.UTC(2026, 0, 7), 'an ISO date is read too');
  });

  it('reports a missing header once', async () => {
    const { accepted, issues } = await parseText('viriback', text.split('\n').slice(1).join('\n'));
    assert.equal(accepted.length, 0);
    assert.deepEqual(where(issues), [{ line: 1, field: 'header', code: 'TIX_INPUT_BAD_FIELD' }]);
  });
});
