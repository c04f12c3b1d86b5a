import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count, fixture, grepLines, lineNumbers, parseFile, parseText, where } from '../../../test/helpers/parse-file.ts';

const FILE = fixture('abuse.ch/feodotracker-ipblocklist.csv');
const HEADER = '"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"';

describe('feodo: the real Feodo Tracker blocklist', () => {
  it('gives the ip and the ip:port of every row, and rejects nothing', async () => {
    // rows: lines that are not comments, less the (uncommented) header
    const rows = count('awk', ['!/^#/ && NF { n++ } END { print n - 1 }', FILE]);
    assert.ok(rows > 0);
    const { accepted, issues } = await parseFile('feodo', FILE);
    assert.deepEqual(where(issues), []);
    assert.equal(accepted.length, rows * 2);
    assert.equal(accepted.filter((o) => o.type === 'ipv4').length, rows);
    assert.equal(accepted.filter((o) => o.type === 'ip-port').length, rows);
    // every row's line number appears twice, ip first
    const dataLines = lineNumbers('awk', ['!/^#/ && NF && !/^"first_seen_utc"/ { print NR }', FILE]);
    assert.deepEqual(accepted.map((o) => o.line), dataLines.flatMap((no) => [no, no]));
    assert.deepEqual(accepted.map((o) => o.type), dataLines.flatMap(() => ['ipv4', 'ip-port']));
  });

  it('reads dates as UTC, the C2 status as a tag, the malware and the raw line', async () => {
    const { accepted } = await parseFile('feodo', FILE);
    const [ip, ipPort] = accepted.filter((o) => o.value.startsWith('192.9.135.73'));
    const raw = '"2023-05-23 17:51:44","192.9.135.73","1194","online","2024-04-01","Pikabot"';
    assert.deepEqual(ip, {
      type: 'ipv4',
      value: '192.9.135.73',
      firstSeen: Date.UTC(2023, 4, 23, 17, 51, 44),
      lastSeen: Date.UTC(2024, 3, 1),
      threatType: 'c2',
      malware: 'Pikabot',
      tags: ['c2-status:online'],
      raw,
      line: 10,
    });
    assert.deepEqual(ipPort, { ...ip, type: 'ip-port', value: '192.9.135.73:1194' });
  });

  it('never lets last seen fall before first seen (last_online is a date, first_seen a time)', async () => {
    const { accepted } = await parseFile('feodo', FILE);
    const last = accepted.filter((o) => o.value.startsWith('172.233.221.61'));
    assert.equal(last.length, 2);
    assert.equal(last[0]!.firstSeen, Date.UTC(2024, 3, 4, 7, 3, 3));
    assert.equal(last[0]!.lastSeen, last[0]!.firstSeen);
    assert.deepEqual(last[0]!.tags, ['c2-status:offline']);
    assert.deepEqual(grepLines(['-F', '"172.233.221.61"', FILE]), [last[0]!.line]);
    for (const o of accepted) assert.ok(o.lastSeen >= o.firstSeen, o.raw);
  });
});

describe('feodo: broken input', () => {
  const text = [
    HEADER,
    '"2024-01-01 00:00:00","1.2.3.4","443","online","2024-01-02","Pikabot"',
    '"2024-01-01 00:00:00","999.1.1.1","443","online","2024-01-02","Pikabot"',
    '"2024-01-01 00:00:00","5.6.7.8","443"',
    '"2024-13-01 00:00:00","5.6.7.9","443","online","2024-01-02","Pikabot"',
    '"2024-01-01 00:00:00","5.6.7.10","0","online","2024-01-02","Pikabot"',
    '"2024-01-01 00:00:00","5.6.7.11","443","online","yesterday","Pikabot"',
    '"2024-01-01 00:00:00","5.6.7.12","443","online","2024-01-02","Pikabot',
    '"2024-01-01 00:00:00","010.6.7.13","443","online","2024-01-02","QakBot"',
    '"2024-01-03 10:00:00","5.6.7.14","8080","offline","","Emotet"',
    '# END 9 entries',
  ].join('\n');

  it('reports each bad row by line and field, and keeps the good ones', async () => {
    const { accepted, issues } = await parseText('feodo', text);
    assert.deepEqual(where(issues), [
      { line: 3, field: 'dst_ip', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 4, field: 'row', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 5, field: 'first_seen_utc', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 6, field: 'dst_port', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 7, field: 'last_online', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 8, field: 'row', code: 'TIX_INPUT_BAD_FIELD' },
      { line: 9, field: 'dst_ip', code: 'TIX_INPUT_BAD_VALUE' },
    ]);
    assert.match(issues[0]!.message, /999 is over 255.*"999\.1\.1\.1"/);
    assert.match(issues[1]!.message, /row has 3 field\(s\).*truncated/);
    assert.match(issues[2]!.message, /not a date \(got "2024-13-01 00:00:00"\)/);
    assert.match(issues[3]!.message, /port "0"/);
    assert.match(issues[5]!.message, /unterminated quote/);
    assert.match(issues[6]!.message, /leading zero/);
    assert.ok(issues.every((issue) => issue.file === 'inline.txt' && issue.severity === 'error'));
    assert.deepEqual(
      accepted.map((o) => [o.line, o.type, o.value]),
      [
        [2, 'ipv4', '1.2.3.4'],
        [2, 'ip-port', '1.2.3.4:443'],
        [6, 'ipv4', '5.6.7.10'],
        [10, 'ipv4', '5.6.7.14'],
        [10, 'ip-port', '5.6.7.14:8080'],
      ],
    );
    const emotet = accepted.at(-1)!;
    assert.equal(emotet.lastSeen, emotet.firstSeen, 'an empty last_online is no date');
    assert.equal(emotet.malware, 'Emotet');
  });

  it('reports a missing header once and reads nothing', async () => {
    const { accepted, issues } = await parseText('feodo', text.split('\n').slice(1).join('\n'));
    assert.equal(accepted.length, 0);
    assert.deepEqual(where(issues), [{ line: 1, field: 'header', code: 'TIX_INPUT_BAD_FIELD' }]);
    assert.match(issues[0]!.message, /header lacks column\(s\) dst_ip, first_seen_utc/);
  });

  it('reports input with no header at all at line 0', async () => {
    const { issues } = await parseText('feodo', '# only a comment\n');
    assert.deepEqual(where(issues), [{ line: 0, field: 'header', code: 'TIX_INPUT_BAD_FIELD' }]);
  });
});
