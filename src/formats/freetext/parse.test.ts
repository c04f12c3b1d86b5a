import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NOW, parseText, where } from '../../../test/helpers/parse-file.ts';
import { extractIndicators } from './extract.ts';

const REPORT = [
  'Incident summary (TLP:CLEAR), see report.pdf for the timeline, e.g. section 4.',
  'The actor staged payloads at hxxps://cdn-update[.]evil-example[.]com/dl/Stage2.bin and beaconed to 203[.]0[.]113[.]77:8443 (daily).',
  'Phishing mails came from billing[at]invoices-example[.]co[.]uk; the dropper (v1.2, build 2024) had SHA-256 E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855.',
  'Fallback C2: update.evil-example(.)net, 198.51.100.23, and [2001:db8::bad]:443. Version 10.0.19041.1 and 1.2.3 are not IPs; neither is 42.',
  'Hash d41d8cd98f00b204e9800998ecf8427e, file invoice.exe, time 12:30, path C:\\Windows\\file.exe, ratio 3:1, "evil-example.com".',
  'Also seen: hxxp://198.51.100.23/gate.php?id=7, **bad-example.org**, i.e. nothing else. Not IPs: 999.1.1.1 and 010.1.1.1.',
  'Again: 198.51.100.23 and 198[.]51[.]100[.]23, once each per line.',
].join('\n');

describe('freetext: a defanged incident report', () => {
  it('extracts every indicator, refanged, with the line it is on', async () => {
    const { accepted, issues } = await parseText('freetext', REPORT);
    assert.deepEqual(where(issues), []);
    assert.deepEqual(
      accepted.map((o) => [o.line, o.type, o.value]),
      [
        [2, 'url', 'https://cdn-update.evil-example.com/dl/Stage2.bin'],
        [2, 'ip-port', '203.0.113.77:8443'],
        [3, 'email', 'billing@invoices-example.co.uk'],
        [3, 'sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
        [4, 'hostname', 'update.evil-example.net'],
        [4, 'ipv4', '198.51.100.23'],
        [4, 'ip-port', '[2001:db8::bad]:443'],
        [5, 'md5', 'd41d8cd98f00b204e9800998ecf8427e'],
        [5, 'domain', 'evil-example.com'],
        [6, 'url', 'http://198.51.100.23/gate.php?id=7'],
        [6, 'domain', 'bad-example.org'],
        [7, 'ipv4', '198.51.100.23'],
      ],
    );
  });

  it('does not take words for indicators', async () => {
    const { accepted } = await parseText('freetext', REPORT);
    const values = accepted.map((o) => o.value);
    for (const word of ['report.pdf', 'e.g', 'e.g.', 'v1.2', '1.2', '42', '2024', '10.0.19041.1', '1.2.3', 'invoice.exe', 'i.e', '999.1.1.1', '010.1.1.1', '12:30', 'C:\\Windows\\file.exe', '3:1']) {
      assert.ok(!values.includes(word), `${word} was extracted`);
      assert.equal(extractIndicators(word).length, 0, `${word} alone`);
    }
    assert.ok(!accepted.some((o) => o.type === 'filename' || o.type === 'asn' || o.type === 'cidr'));
  });

  it('keeps the whole line as evidence and dates values by the context clock', async () => {
    const { accepted } = await parseText('freetext', REPORT);
    const url = accepted[0]!;
    assert.equal(url.raw, REPORT.split('\n')[1]);
    assert.equal(url.firstSeen, NOW);
    assert.deepEqual(url.tags, []);
    assert.equal(url.threatType, undefined);
  });
});

describe('extractIndicators', () => {
  const rows: Array<[string, Array<[string, string]>]> = [
    ['Nothing to see here, just words and 3.14 and v2.0.1.', []],
    ['C2 at 45[.]133[.]74[.]103.', [['ipv4', '45.133.74.103']]],
    ['Download from hXXp://45.133.74.103/x86!', [['url', 'http://45.133.74.103/x86']]],
    ['Mail (user[@]evil-example[dot]com) and <admin@evil-example.com>', [['email', 'user@evil-example.com'], ['email', 'admin@evil-example.com']]],
    ['IPv6 2001:DB8::1 and [2001:db8::2] and [2001:db8::3]:8080.', [['ipv6', '2001:db8::1'], ['ipv6', '2001:db8::2'], ['ip-port', '[2001:db8::3]:8080']]],
    ['Blocked 5.63.151.0/24; see [evil-example.com].', [['cidr', '5.63.151.0/24'], ['domain', 'evil-example.com']]],
    ['A bare suffix co.uk and a file report.docx are not indicators.', []],
    ['Same value twice: evil-example.com, EVIL-EXAMPLE.COM.', [['domain', 'evil-example.com']]],
  ];
  for (const [line, expected] of rows) {
    it(line, () => assert.deepEqual(extractIndicators(line).map((e) => [e.type, e.value]), expected));
  }
});
