import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count, fixture, grepLines, lineNumbers, NOW, parseFile, parseText, sh, where } from '../../../test/helpers/parse-file.ts';

/** Values: non-empty lines that are not # ; or // comments. */
const values = (file: string): number[] => lineNumbers('awk', ['NF && !/^[ \\t]*(#|;|\\/\\/)/ { print NR }', file]);

const LISTS = [
  'cinsscore/ci-badguys-sample.txt',
  'ipsum/ipsum-level8-sample.txt',
  'vxvault/vxvault-urllist-sample.txt',
  'cisco-talos/2023_03_YoroTrooper.txt',
  'cisco-talos/2025_04_new_XorDDoS_controller_and_infrastructure.txt',
  'criticalpathsecurity/abuse-ch-ipblocklist.txt',
  'criticalpathsecurity/binarydefense.txt',
  'criticalpathsecurity/cobaltstrike_ips.txt',
  'criticalpathsecurity/compromised-ips.txt',
  'criticalpathsecurity/drb-ra-verified.txt',
  'criticalpathsecurity/threatfox.txt',
  'criticalpathsecurity/tor-exit.txt',
];

describe('plain-list: the real lists', () => {
  for (const name of LISTS) {
    it(`${name}: one value per line; only genuinely malformed lines are rejected`, async () => {
      const file = fixture(name);
      const lines = values(file);
      // the one malformed value in these lists: a Talos URL that ends in a stray quote
      const bad = grepLines(['-E', '"[[:space:]]*$', file]);
      assert.ok(lines.length > 0);
      const { accepted, issues } = await parseFile('plain-list', file);
      assert.equal(accepted.length + issues.length, lines.length);
      assert.deepEqual(where(issues), bad.map((line) => ({ line, field: 'value', code: 'TIX_INPUT_BAD_VALUE' })));
      assert.deepEqual(accepted.map((o) => o.line), lines.filter((line) => !bad.includes(line)));
      for (const o of accepted) {
        assert.equal(o.firstSeen, NOW, 'undated lists take the context clock');
        assert.deepEqual(o.tags, []);
        assert.equal(o.threatType, undefined);
      }
    });
  }

  it('the IP lists hold nothing but IPv4 addresses', async () => {
    for (const name of LISTS.filter((n) => n.startsWith('criticalpath') || n.startsWith('cinsscore') || n.startsWith('ipsum'))) {
      const { accepted } = await parseFile('plain-list', fixture(name));
      assert.ok(accepted.every((o) => o.type === 'ipv4'), name);
    }
  });

  it('Talos YoroTrooper: its stray quote is the one rejected line, by number', async () => {
    const file = fixture('cisco-talos/2023_03_YoroTrooper.txt');
    const { accepted, issues } = await parseFile('plain-list', file);
    assert.deepEqual(where(issues), [{ line: 143, field: 'value', code: 'TIX_INPUT_BAD_VALUE' }]);
    assert.match(issues[0]!.message, /quotes, angle brackets, backslashes or control characters \(got "http:\/\/178\.20\.45\.52\/sec\/pes\.exe""\)/);
    const types = (type: string) => accepted.filter((o) => o.type === type).length;
    assert.equal(types('sha256'), count('grep', ['-cE', '^[0-9a-f]{64}[[:space:]]*$', file]));
    assert.equal(types('url'), count('grep', ['-cE', '^https?://', file]) - 1);
    assert.equal(types('ipv4'), count('grep', ['-cE', '^[0-9.]+[[:space:]]*$', file]));
    const mixed = accepted.find((o) => o.value.startsWith('https://mail.mfa.az-link.email/'))!;
    assert.equal(mixed.value, 'https://mail.mfa.az-link.email/+CSCO+0075676763663A2F2F31302E3130302E3230302E32++/+CSCO+0075676763663A2F2F31302E3130302E3230302E32++/_task=login/');
  });

  it('Talos XorDDoS: defanged values with trailing spaces; a host:port gives the host', async () => {
    const file = fixture('cisco-talos/2025_04_new_XorDDoS_controller_and_infrastructure.txt');
    const { accepted, lines } = await parseFile('plain-list', file);
    const at = (line: number) => accepted.filter((o) => o.line === line).map((o) => [o.type, o.value, o.raw]);
    assert.deepEqual(at(3), [['hostname', 'ppp.xxxatat456.com', 'ppp[.]xxxatat456[.]com:1520  ']]);
    assert.deepEqual(at(6), [['ipv4', '58.60.184.214', '58[.]60[.]184[.]214 ']]);
    assert.equal(accepted.filter((o) => o.type === 'hostname').length, count('grep', ['-c', ':1520', file]));
    // the last line has no newline after it and still arrives
    const total = count('awk', ['END { print NR }', file]);
    assert.equal(accepted.at(-1)!.line, total);
    assert.equal(lines, total);
    // refanged by sed, independently of the parser
    assert.equal(accepted.at(-1)!.value, sh('sed', ['-n', '$s/\\[\\.\\]/./g; $s/[[:space:]]*$//p', file]));
  });

  it('VXVault: CRLF line ends are not part of the URL', async () => {
    const { accepted } = await parseFile('plain-list', fixture('vxvault/vxvault-urllist-sample.txt'));
    assert.deepEqual(accepted.slice(0, 3).map((o) => o.value), [
      'https://cloudaxis.cc/gsmft/yueu/fkvqld/tvqqwh/ushu/22.exe',
      'http://45.133.74.103/x86',
      'https://marsalek.cy/static/abcfg.exe',
    ]);
    assert.ok(accepted.every((o) => !o.raw.endsWith('\r')));
  });
});

describe('plain-list: OpenPhish-shaped lines (written for this test)', () => {
  const text = [
    'https://secure-login.example-bank.com.phish-example.net/signin?session=Abc123',
    'http://203.0.113.15/wp-admin/PayPal/',
    'https://example-wallet-verify.web.app/',
    'https://docs-share.example.org/%7Euser/Invoice.html#section',
    'http://account-update.example.com:8080',
    'https://xn--pypal-4ve.example.net/login',
  ].join('\n');

  it('reads each URL in canonical form, path untouched', async () => {
    const { accepted, issues } = await parseText('plain-list', `${text}\n`);
    assert.deepEqual(where(issues), []);
    assert.deepEqual(accepted.map((o) => [o.line, o.type, o.value]), [
      [1, 'url', 'https://secure-login.example-bank.com.phish-example.net/signin?session=Abc123'],
      [2, 'url', 'http://203.0.113.15/wp-admin/PayPal/'],
      [3, 'url', 'https://example-wallet-verify.web.app/'],
      [4, 'url', 'https://docs-share.example.org/%7Euser/Invoice.html#section'],
      [5, 'url', 'http://account-update.example.com:8080/'],
      [6, 'url', 'https://xn--pypal-4ve.example.net/login'],
    ]);
  });
});

describe('plain-list: broken input', () => {
  const text = [
    '# a comment',
    '; another',
    '// and another',
    '',
    '198.51.100.7 8',
    '999.1.1.1',
    'evil-example[.]com',
    '1.2.3',
    '   ',
    'hxxps://evil[.]example[.]com/a b',
    'co.uk',
    'D41D8CD98F00B204E9800998ECF8427E',
    '010.1.1.1',
    '2001:db8::1',
  ].join('\n');

  it('reports each bad value by line, and keeps the good ones', async () => {
    const { accepted, issues } = await parseText('plain-list', text);
    assert.deepEqual(where(issues), [
      { line: 6, field: 'value', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 8, field: 'value', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 11, field: 'value', code: 'TIX_INPUT_BAD_VALUE' },
      { line: 13, field: 'value', code: 'TIX_INPUT_BAD_VALUE' },
    ]);
    assert.match(issues[0]!.message, /999 is over 255/);
    assert.match(issues[2]!.message, /public suffix/);
    assert.match(issues[3]!.message, /leading zero/);
    assert.deepEqual(accepted.map((o) => [o.line, o.type, o.value]), [
      [5, 'ipv4', '198.51.100.7'],
      [7, 'domain', 'evil-example.com'],
      // the first token: a list line is "value [score]", so the space ends the URL
      [10, 'url', 'https://evil.example.com/a'],
      [12, 'md5', 'd41d8cd98f00b204e9800998ecf8427e'],
      [14, 'ipv6', '2001:db8::1'],
    ]);
  });
});
