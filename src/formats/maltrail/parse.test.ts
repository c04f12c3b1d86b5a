import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count, fixture, grepLines, lineNumbers, NOW, parseFile, parseText, where } from '../../../test/helpers/parse-file.ts';

const AGENTTESLA = fixture('maltrail/malware-agenttesla.txt');
const EMOTET = fixture('maltrail/malware-emotet.txt');
const SCANNERS = fixture('maltrail/mass_scanner_cidr.txt');

/** Trails: lines that are neither comments nor empty. */
const trails = (file: string): number => count('awk', ['!/^#/ && NF { n++ } END { print n + 0 }', file]);
/** Path-only trails (`/gate.php`): maltrail matches them on any host; tix cannot store them. */
const pathOnly = (file: string): number[] => lineNumbers('awk', ['!/^#/ && $1 ~ /^\\// { print NR }', file]);
const shaped = (file: string, test: string): number => count('awk', [`!/^#/ && NF && ${test} { n++ } END { print n + 0 }`, file]);

describe('maltrail: the real trail files', () => {
  for (const [name, file] of [
    ['agenttesla', AGENTTESLA],
    ['emotet', EMOTET],
    ['mass_scanner_cidr', SCANNERS],
  ] as const) {
    it(`${name}: accepts every trail but the path-only ones, which are warned about by line`, async () => {
      const total = trails(file);
      const paths = pathOnly(file);
      const { accepted, issues } = await parseFile('maltrail', file);
      assert.equal(accepted.length + issues.length, total);
      assert.equal(accepted.length, total - paths.length);
      assert.deepEqual(
        where(issues),
        paths.map((line) => ({ line, field: 'trail', code: 'TIX_INPUT_BAD_VALUE' })),
      );
      assert.ok(issues.every((issue) => issue.severity === 'warning' && /path-only trail/.test(issue.message)));
      // every accepted trail comes from a non-comment line, with the raw line as evidence
      const data = new Set(lineNumbers('awk', ['!/^#/ && NF { print NR }', file]));
      assert.ok(accepted.every((o) => data.has(o.line) && o.raw.trim().length > 0));
    });
  }

  it('agenttesla: reads each kind of trail as its type', async () => {
    const { accepted } = await parseFile('maltrail', AGENTTESLA);
    const byType = (type: string) => accepted.filter((o) => o.type === type).length;
    assert.equal(byType('ip-port'), shaped(AGENTTESLA, '$1 ~ /^[0-9.]+:[0-9]+$/'));
    assert.equal(byType('url'), shaped(AGENTTESLA, '$1 !~ /^\\// && $1 ~ /\\//'));
    assert.equal(byType('domain') + byType('hostname'), shaped(AGENTTESLA, '$1 !~ /[\\/:]/'));
    assert.ok(byType('domain') > 0 && byType('hostname') > 0);
  });

  it('agenttesla: the file names the malware and the Reference above a trail is its provenance', async () => {
    const { accepted } = await parseFile('maltrail', AGENTTESLA);
    assert.deepEqual(accepted[0], {
      type: 'hostname',
      value: 'host2.azaronline.com',
      firstSeen: NOW,
      lastSeen: NOW,
      threatType: 'malware',
      malware: 'agenttesla',
      tags: [],
      reference: 'https://twitter.com/James_inthe_box/status/1040718336173137920',
      raw: 'host2.azaronline.com',
      line: 8,
    }, 'undated trails take the context clock');
    const find = (value: string) => accepted.find((o) => o.value === value)!;
    // under two Reference lines, the nearer one
    assert.equal(find('http://37.59.117.243/').reference, 'https://www.virustotal.com/#/ip-address/37.59.117.243');
    assert.equal(find('http://37.59.117.243/').line, 17);
    assert.equal(find('ftp://ftp.fasttradeco.com/').type, 'url');
    assert.deepEqual(
      [find('190.97.166.194:8080').type, find('190.97.166.194:8080').reference],
      ['ip-port', 'http://tracker.viriback.com/dump.php'],
    );
    assert.ok(accepted.every((o) => o.malware === 'agenttesla'), 'the Aliases line (aggha, …) does not rename the malware');
  });

  it('emotet: takes the spelling of the name from its Aliases line, and reads ip:port and URL trails', async () => {
    const { accepted } = await parseFile('maltrail', EMOTET);
    assert.ok(accepted.every((o) => o.malware === 'Emotet' && o.threatType === 'malware'));
    assert.deepEqual(
      accepted.slice(0, 2).map((o) => [o.line, o.type, o.value, o.reference]),
      [
        [8, 'ip-port', '66.210.228.178:443', 'https://twitter.com/_lockhum/status/1221213324525867008'],
        [9, 'ip-port', '66.210.228.178:80', 'https://twitter.com/_lockhum/status/1221213324525867008'],
      ],
    );
    assert.equal(accepted.filter((o) => o.type === 'ip-port').length, shaped(EMOTET, '$1 ~ /^[0-9.]+:[0-9]+$/'));
    assert.equal(accepted.filter((o) => o.type === 'url').length, shaped(EMOTET, '$1 !~ /^\\// && $1 ~ /\\//'));
  });

  it('mass_scanner_cidr: CIDRs with comments, /32 as addresses, and the scanner threat type', async () => {
    const { accepted } = await parseFile('maltrail', SCANNERS);
    const cidrs = shaped(SCANNERS, '$1 ~ /\\// && $1 !~ /\\/32$/');
    assert.equal(accepted.filter((o) => o.type === 'cidr').length, cidrs);
    assert.equal(accepted.filter((o) => o.type === 'ipv4').length, trails(SCANNERS) - cidrs);
    assert.ok(accepted.every((o) => o.threatType === 'scanner' && o.malware === undefined));
    // trails above the first Reference line have none
    const [firstReference] = grepLines(['-m', '1', '^# Reference:', SCANNERS]);
    assert.ok(firstReference! > 7);
    assert.ok(accepted.every((o) => (o.line < firstReference!) === (o.reference === undefined)));
    assert.deepEqual(
      [accepted[0]!.line, accepted[0]!.type, accepted[0]!.value, accepted[0]!.raw],
      [7, 'cidr', '5.63.151.0/24', '5.63.151.0/24 # scanners.labs.rapid7.com'],
    );
  });
});

describe('maltrail: broken input', () => {
  const text = [
    '# Copyright (c) 2014-2026 Maltrail developers (https://github.com/stamparm/maltrail/)',
    "# See the file 'LICENSE' for copying permission",
    '',
    '# Aliases: exbot, ExampleBot',
    '',
    '# Reference: https://example.org/report-1',
    '',
    'evil-example.com',
    '999.1.1.1',
    '/gate.php',
    '1.2.3.4:70000',
    'cdn.evil-example.com/panel/login.php',
    '203.0.113.0/24 # a scanner net',
    '',
    '# Reference: https://example.org/report-2 (# 2024-01-01)',
    '',
    '198.51.100.7:8080',
    '-bad-.com',
  ].join('\n');

  it('reports bad trails by line and keeps the good ones with their reference', async () => {
    const { accepted, issues } = await parseText('maltrail', text, {}, 'trails/malware-examplebot.txt');
    assert.deepEqual(where(issues), [
      { line: 9, field: 'trail', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 10, field: 'trail', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 11, field: 'trail', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 18, field: 'trail', code: 'TIX_INPUT_BAD_VALUE' },
    ]);
    assert.deepEqual(issues.map((issue) => issue.severity), ['error', 'warning', 'error', 'error']);
    assert.match(issues[0]!.message, /999 is over 255/);
    assert.match(issues[2]!.message, /port "70000"/);
    assert.deepEqual(
      accepted.map((o) => [o.line, o.type, o.value, o.reference]),
      [
        [8, 'domain', 'evil-example.com', 'https://example.org/report-1'],
        [12, 'url', 'http://cdn.evil-example.com/panel/login.php', 'https://example.org/report-1'],
        [13, 'cidr', '203.0.113.0/24', 'https://example.org/report-1'],
        [17, 'ip-port', '198.51.100.7:8080', 'https://example.org/report-2'],
      ],
    );
    assert.ok(accepted.every((o) => o.malware === 'ExampleBot' && o.threatType === 'malware'));
  });

  it('names the malware by the first alias when the file name does not', async () => {
    const { accepted } = await parseText('maltrail', text, {}, 'custom trails.txt');
    assert.ok(accepted.length > 0);
    assert.ok(accepted.every((o) => o.malware === 'exbot' && o.threatType === 'unknown'));
  });
});
