import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { extractIndicators } from '../../formats/index.ts';
import { LineSplitter } from '../../io/lines.ts';
import type { IndicatorType } from '../../model/index.ts';
import { RecordMatcher, type Finding } from '../match.ts';
import { readRecord, type FieldKind, type ScanRecord } from '../record.ts';
import { getReader } from '../readers/registry.ts';
import { IntelIndex, IntelIndexBuilder, type ReportMeta } from './intel-index.ts';
import { ByteScreen } from './screen.ts';

const META: ReportMeta = { sources: ['test-feed'], tlp: 'clear', malware: [], threatTypes: ['c2'] };
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'scan');

function indexOf(entries: Array<[IndicatorType, string]>): IntelIndex {
  const builder = new IntelIndexBuilder();
  for (const [type, value] of entries) builder.add(type, value, META);
  return new IntelIndex(builder.build());
}

/** Intel with one indicator of each kind a screen answers for. */
const INTEL: Array<[IndicatorType, string]> = [
  ['ipv4', '103.41.26.58'],
  ['ipv6', '2001:db8::7'],
  ['cidr', '5.63.151.0/24'],
  ['ip-port', '192.9.135.73:1194'],
  ['hostname', 'evil.example.com'],
  ['url', 'http://112.255.161.10/bin.sh'],
  ['url', 'http://shop.example.net:8080/pay'],
  ['md5', 'df7c845e4eadd7bac6cbfe2087bbd482'],
  ['filename', 'Mozi.m'],
];

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('the byte screen', () => {
  const index = indexOf(INTEL);
  const screen = new ByteScreen(index);
  const value = (kind: FieldKind, text: string): boolean => {
    const b = bytes(`xx${text}yy`);
    return screen.value(kind, b, 2, b.length - 2);
  };

  it('answers "may hit" for every value the intel holds, in place in a larger buffer', () => {
    assert.equal(value('ip', '103.41.26.58'), true);
    assert.equal(value('ip', '5.63.151.200'), true, 'inside a CIDR');
    assert.equal(value('host', 'evil.example.com'), true);
    assert.equal(value('host', 'a.b.evil.example.com'), true, 'a parent domain');
    assert.equal(value('host-or-ip', '103.41.26.58:8080'), true);
    assert.equal(value('url', 'http://112.255.161.10/bin.sh'), true);
    assert.equal(value('url', 'http://112.255.161.10/other'), true, 'the weak match on the host of a URL indicator');
    assert.equal(value('md5', 'df7c845e4eadd7bac6cbfe2087bbd482'), true);
    assert.equal(value('hash', 'df7c845e4eadd7bac6cbfe2087bbd482'), true);
    assert.equal(value('filename', '/tmp/Mozi.m'), true);
  });

  it('turns away canonical values the intel does not hold', () => {
    assert.equal(value('ip', '103.41.26.59'), false);
    assert.equal(value('ip', '5.63.152.1'), false);
    assert.equal(value('host', 'example.com'), false);
    assert.equal(value('host', 'localhost'), false, 'a name without a dot is never looked up');
    assert.equal(value('host-or-ip', 'good.example.org:8080'), false);
    assert.equal(value('url', 'http://good.example.org/bin.sh'), false);
    assert.equal(value('md5', 'df7c845e4eadd7bac6cbfe2087bbd483'), false);
    assert.equal(value('filename', '/tmp/other.m'), false);
    assert.equal(value('ip', 'not-an-address'), false);
    assert.equal(value('ip', '103.041.26.58'), false, 'leading zeros are ambiguous: never a match, on either path');
    const v4Only = new ByteScreen(indexOf([['ipv4', '103.41.26.58']]));
    const b = bytes('fe80::1cf4:44d2:904a:14f7 ::ffff:103.41.26.58');
    assert.equal(v4Only.value('ip', b, 0, 25), false, 'IPv6 when the intel holds none');
    assert.equal(v4Only.value('ip', b, 26, b.length), true, 'but an IPv4 address written as IPv6 may still hit');
    const hexMapped = bytes('::FFFF:6729:1a3a');
    assert.equal(v4Only.value('ip', hexMapped, 0, hexMapped.length), true, 'in hex too');
    assert.equal(new RecordMatcher(indexOf([['ipv4', '103.41.26.58']])).lookup('ip', '::FFFF:6729:1a3a').length, 1, '(which the full path maps to 103.41.26.58)');
    assert.equal(v4Only.ipPort(b, 26, 30, 31, 35), false, 'no pair can hit when the intel holds no ip:port');
  });

  it('leaves every value that is not already canonical to the full path', () => {
    for (const [kind, text] of [
      ['ip', '2001:db8::7'],
      ['ip', '[::1]'],
      ['host', 'EVIL.example.com'],
      ['host', 'evil.example.com.'],
      ['host', 'b\\x2eexample.com'],
      ['host', 'bücher.example'],
      ['host-or-ip', '[2001:db8::1]:80'],
      ['url', 'HTTP://evil.example.com/'],
      ['url', 'http://evil.example.com:80/x'],
      ['url', 'http://evil.example.com/a b'],
      ['url', 'http://evil.example.com/a"b'],
      ['url', 'http://evil..example.com/x'],
      ['url', 'http://evil.example.com./x'],
      ['url', 'http://evil_example/x'],
      ['url', 'http:///x'],
      ['url', 'evil.example.com/x'],
      ['md5', 'DF7C845E4EADD7BAC6CBFE2087BBD482'],
      ['filename', 'C:\\Temp\\Mozi.m'],
      ['email', 'boss@evil.example.com'],
      ['x509-sha1', 'aa:bb'],
      ['text', 'anything'],
    ] as Array<[FieldKind, string]>) {
      assert.equal(value(kind, text), true, `${kind} ${text}`);
    }
  });

  it('gives the same answers when its probes are put off and settled by group', () => {
    const cases: Array<[FieldKind, string]> = [
      ['ip', '103.41.26.58'], ['ip', '103.41.26.59'], ['ip', '5.63.151.200'], ['ip', '5.63.152.1'],
      ['host', 'a.b.evil.example.com'], ['host', 'example.com'], ['host', 'EVIL.example.com'],
      ['host-or-ip', '103.41.26.58:8080'], ['host-or-ip', 'good.example.org:8080'],
      ['url', 'http://112.255.161.10/other'], ['url', 'http://good.example.org/bin.sh'],
      ['md5', 'df7c845e4eadd7bac6cbfe2087bbd482'], ['md5', 'df7c845e4eadd7bac6cbfe2087bbd483'],
      ['filename', '/tmp/Mozi.m'], ['filename', '/tmp/other.m'],
    ];
    const alone = cases.map(([kind, text]) => value(kind, text));
    assert.ok(alone.includes(true) && alone.includes(false));
    const deferred = new ByteScreen(index);
    const may = new Uint8Array(cases.length);
    cases.forEach(([kind, text], slot) => {
      deferred.defer(slot);
      const b = bytes(`xx${text}yy`);
      may[slot] = deferred.value(kind, b, 2, b.length - 2) ? 1 : 0;
    });
    // before settling, only the values that need a full read for another reason (not canonical, inside a CIDR) answered
    assert.deepEqual(cases.filter((_, slot) => may[slot] === 1).map(([, text]) => text), ['5.63.151.200', 'EVIL.example.com']);
    deferred.settle(may);
    assert.deepEqual([...may].map((answer) => answer === 1), alone);
    // afterwards it answers at once again, and a new group begins at slot 0 with nothing left over
    const b = bytes('103.41.26.58');
    assert.equal(deferred.value('ip', b, 0, b.length), true);
    deferred.defer(0);
    const again = new Uint8Array(1);
    deferred.settle(again);
    assert.equal(again[0], 0);
  });

  it('composes ip:port pairs and URLs as the plan does', () => {
    const pair = (ip: string, port: string): boolean => {
      const b = bytes(`${ip} ${port}`);
      return screen.ipPort(b, 0, ip.length, ip.length + 1, b.length);
    };
    assert.equal(pair('192.9.135.73', '1194'), true);
    assert.equal(pair('192.9.135.73', '1195'), false);
    assert.equal(pair('192.9.135.73', '0'), false, 'port 0 makes no pair');
    assert.equal(pair('192.9.135.73', '01194'), true, 'not canonical');
    const url = (host: string, path: string, port?: string): boolean => {
      const b = bytes(`${host} ${path} ${port ?? ''}`);
      const pathStart = host.length + 1;
      const portStart = pathStart + path.length + 1;
      return screen.composedUrl(b, 0, host.length, pathStart, pathStart + path.length, port === undefined ? -1 : portStart, port === undefined ? -1 : b.length);
    };
    assert.equal(url('shop.example.net', '/pay', '8080'), true);
    assert.equal(url('shop.example.net:8080', '/pay', '80'), true, 'the Host header carries the port');
    assert.equal(url('shop.example.net', 'pay', '8080'), true, 'a path without its slash');
    assert.equal(url('shop.example.net', '/pay', '8081'), true, 'the weak match on the host of a URL indicator');
    assert.equal(url('good.example.org', '/pay', '8080'), false);
    assert.equal(url('good.example.org', '/pay', '443'), false);
    assert.equal(url('112.255.161.10', '/x', '80'), true, 'the weak match on the host');
    assert.equal(url('good.example.org', 'http://112.255.161.10/bin.sh', '3128'), true, 'a proxy request carries the whole URL');
    assert.equal(url('good.example.org', '/', '80'), false);
    assert.equal(url('Good.example.org', '/', '80'), true, 'not canonical');
    // a default port in the Host header is dropped by normalisation: the URL is screened without it
    assert.equal(url('good.example.org:80', '/pay', '80'), false);
    assert.equal(url('good.example.org:443', '/pay', '443'), false);
    assert.equal(url('112.255.161.10:80', '/bin.sh', '80'), true);
    assert.equal(url('shop.example.net:443', '/pay', '443'), true, 'the weak match on the host, https');
    // a Host header's port is what follows its last colon, when only digits do; anything else is left to the full path
    for (const host of ['good.example.org:', 'good.example.org:8x0', 'a:good.example.org:80', 'good.example.org.', '.good.example.org', 'good..example.org', 'org:80', ':80']) {
      assert.equal(url(host, '/pay', '80'), true, host);
    }
    for (const path of ['/a b', '/a"b', '/a<b', '/a\\b', '/\u00e9']) assert.equal(url('good.example.org', path, '80'), true, path);
  });

  it('reads a Host header as a name or an address, with or without its port', () => {
    assert.equal(value('host-or-ip', 'a.b.evil.example.com:8080'), true);
    assert.equal(value('host-or-ip', '103.41.26.58'), true);
    assert.equal(value('host-or-ip', '5.63.151.7:80'), true, 'inside a CIDR');
    assert.equal(value('host-or-ip', '103.41.26.59:80'), false);
    assert.equal(value('host-or-ip', '1password.example.org'), false, 'a name that starts with a digit');
    assert.equal(value('host-or-ip', '1.2.3'), false, 'dots and digits that make no address are no name either');
    for (const text of ['good.example.org:', 'good.example.org:8x0', 'a:b.example.org:80', '::1', '[::1]:8080', '1.2:3:80', 'Good.example.org']) {
      assert.equal(value('host-or-ip', text), true, text);
    }
  });
});

/** Findings of a whole log, through the line splitter, with the screen or without it. */
function scanText(format: string, text: string, index: IntelIndex, screened: boolean): { findings: Finding[]; problems: number[]; read: number; lines: number } {
  const records = getReader(format).createReader(text.slice(0, 65536));
  const matcher = new RecordMatcher(index);
  const screen = matcher.screenFor(records);
  assert.ok(screen, `${format} has a screen`);
  const findings: Finding[] = [];
  const problems: number[] = [];
  let read = 0;
  const splitter = new LineSplitter({
    line(line, no) {
      read++;
      matcher.line = no;
      const problem = records.read(line, no, matcher);
      if (problem) problems.push(problem.line);
      findings.push(...matcher.take());
    },
    problem() {},
    ...(screened ? { screen } : {}),
  });
  // small chunks, so lines also cross chunk boundaries
  const all = Buffer.from(text);
  for (let at = 0; at < all.length; at += 4096) splitter.push(all.subarray(at, at + 4096));
  return { findings, problems, read, lines: splitter.end() };
}

/** Intel from the fixture feeds and, with `ownValues`, values of every kind taken from every 7th record of the logs themselves. */
function intelFor(logs: Array<[format: string, text: string]>, ownValues: boolean): IntelIndex {
  const entries: Array<[IndicatorType, string]> = [];
  for (const name of readdirSync(join(FIXTURES, 'intel'))) {
    for (const item of extractIndicators(readFileSync(join(FIXTURES, 'intel', name), 'utf8'))) entries.push([item.type, item.value]);
  }
  for (const [format, text] of ownValues ? logs : []) {
    const reader = getReader(format).createReader(text.slice(0, 65536));
    text.split('\n').forEach((line, i) => {
      const record = readRecord(reader, line, i + 1);
      if (i % 7 !== 3 || !record || !('values' in record)) return;
      for (const observed of (record as ScanRecord).values) {
        if (observed.kind === 'ip-port') entries.push(['ip-port', observed.value]);
        else if (observed.kind === 'filename') entries.push(['filename', observed.value]);
        for (const item of extractIndicators(observed.value)) entries.push([item.type, item.value]);
      }
    });
  }
  return indexOf(entries);
}

const logFiles = (dir: string): string[] => readdirSync(join(FIXTURES, 'logs', dir)).map((name) => readFileSync(join(FIXTURES, 'logs', dir, name), 'utf8'));

describe('screened scans find exactly what full scans find', () => {
  const tricky = {
    'zeek-tsv': [
      '#separator \\x09',
      '#set_separator\t,',
      '#empty_field\t(empty)',
      '#unset_field\t-',
      '#path\thttp',
      '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\thost\turi\treferrer\tanswers\tfilename\tmd5',
      '#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tvector[string]\tstring\tstring',
      '1.0\tC1\t10.0.0.1\t5000\t103.41.26.58\t80\tEVIL.example.com\t/x\t-\t-\t-\t-',
      '2.0\tC2\t10.0.0.1\t5000\t10.0.0.2\t443\tevil\\x2eexample.com\t/x\t-\t(empty)\t-\t-',
      '3.0\tC3\t10.0.0.1\t5000\t10.0.0.2\t8080\tshop.example.net\tpay\t-\t-\t-\t-',
      '4.0\tC4\t10.0.0.1\t5000\t10.0.0.2\t3128\tproxy.example.org\thttp://112.255.161.10/bin.sh\t-\t-\t-\t-',
      '5.0\tC5\t2001:db8::1\t5000\t2001:db8::7\t80\t[2001:db8::7]:80\t/\t-\t-\t-\t-',
      '6.0\tC6\t10.0.0.1\t5000\t10.0.0.2\t80\tgood.example.org\t/\thttp://a.b.evil.example.com/r\tgood.example.org,5.63.151.9\tC:\\\\Temp\\\\Mozi.m\tDF7C845E4EADD7BAC6CBFE2087BBD482',
      '7.0\tC7\t10.0.0.1\t5000\t192.9.135.73\t1194\tgood.example.org\t/\t-\t-\t-\t-',
      '8.0\tC8\t10.0.0.1\t5000',
      '9.0\tC9\t10.0.0.1\t5000\t10.0.0.2\t80\tgood.example.org\t/\t-\t-\t-\t-\r',
      '9.5\tC9a\t10.0.0.1\t5000\t10.0.0.2\t80\t112.255.161.10:80\t/bin.sh\t-\t-\t-\t-',
      '9.6\tC9b\t10.0.0.1\t5000\t10.0.0.2\t443\tgood.example.org:443\t/bin.sh\t-\t-\t-\t-',
      '9.7\tC9c\t10.0.0.1\t5000\t10.0.0.2\t80\tshop.example.net:\t/pay\t-\t-\t-\t-',
      '9.8\tC9d\t10.0.0.1\t5000\t10.0.0.2\t80\tshop.example.net:80x\t/pay\t-\t-\t-\t-',
      '9.9\tC9e\t10.0.0.1\t5000\t10.0.0.2\t80\tshop.example.net.:8080\t/pay\t-\t-\t-\t-',
      '9.91\tC9f\t10.0.0.1\t5000\t10.0.0.2\t8080\tshop.example.net\t/pay"x\t-\t-\t-\t-',
      '9.92\tC9g\t10.0.0.1\t5000\t10.0.0.2\t80\t103.41.26.58:8080\t/x\t-\t-\t-\t-',
      // a dns log: many columns passed over between the ones matched, and rows cut short among them
      '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected',
      '10.0\tC10\t10.0.0.1\t5000\t10.0.0.53\t53\tudp\t1\t0.001\tgood.example.org\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\tgood.example.org,103.41.26.58\t300,300\tF',
      '11.0\tC11\t10.0.0.1\t5000\t10.0.0.53\t53\tudp\t1\t0.001\ta.b.evil.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t-\t-\tF',
      '12.0\tC12\t10.0.0.1\t5000\t10.0.0.53\t53\tudp\t1\t0.001\tgood.example.org\t1\tC_INTERNET\t1',
      '13.0\tC13\t10.0.0.1\t5000\t10.0.0.53\t53\tudp\t1\t0.001\tgood..example.org\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t5.63.151.9,good.example.org\t300\tF',
      '14.0\tC14\t10.0.0.1\t5000\t10.0.0.53\t53\tudp\t1\t0.001\tgood.example.org\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t192.9.135.73\t300',
      '15.0\tC15\t10.0.0.1\t5000\t10.0.0.53\t53\tudp\t1\t0.001\t-evil.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t-\t-\tF',
    ].join('\n'),
    'suricata-eve': [
      '{"timestamp":"2026-11-23T10:00:00.000000+0000","event_type":"http","src_ip":"10.0.0.1","src_port":5000,"dest_ip":"10.0.0.2","dest_port":80,"http":{"hostname":"EVIL.example.com","url":"/x"}}',
      '{"timestamp":"2026-11-23T10:00:00.000000+0000","event_type":"dns","src_ip":"10.0.0.1","src_port":5000,"dest_ip":"10.0.0.2","dest_port":53,"dns":{"rrname":"evil\\u002eexample.com"}}',
      '{"timestamp":"2026-11-23T10:00:00.000000+0000","event_type":"dns","src_ip":"10.0.0.1","src_port":5000,"dest_ip":"10.0.0.2","dest_port":53,"dns":{"answers":[{"rrname":"good.example.org","rdata":"5.63.151.9"}],"grouped":{"A":["103.41.26.58"]}}}',
      '{"timestamp":"2026-11-23T10:00:00.000000+0000","event_type":"flow","src_ip":"10.0.0.1","src_port":5000,"dest_ip":"192.9.135.73","dest_port":1194}',
      '{"timestamp":"2026-11-23T10:00:00.000000+0000","event_type":"http","src_ip":"10.0.0.1","src_port":5000,"dest_ip":"10.0.0.2","dest_port":8080,"http":{"hostname":"shop.example.net","url":"/pay","http_port":8080}}',
      '{"timestamp":"2026-11-23T10:00:00.000000+0000","event_type":"fileinfo","fileinfo":{"filename":"/a/Mozi.m","md5":"DF7C845E4EADD7BAC6CBFE2087BBD482"}}',
      '{"src_ip":"10.0.0.1","src_ip":"192.9.135.73","src_port":1194}',
      '  {"src_ip" : "192.9.135.73", "src_port" : 1194}  ',
      '{"timestamp": broken',
      '{"event_type":"flow" x" "src_ip":"103.41.26.58" y"}',
      '',
    ].join('\n'),
  };
  const trickyIntel = indexOf(INTEL);

  for (const [format, text] of Object.entries(tricky)) {
    it(`${format}: lines written to trip the screen (escapes, case, IPv6, ports, proxies, short rows, CRLF)`, () => {
      const full = scanText(format, text, trickyIntel, false);
      const screened = scanText(format, text, trickyIntel, true);
      assert.ok(full.findings.length >= 6, `the crafted lines hit (${full.findings.length})`);
      assert.deepEqual(screened.findings, full.findings);
      assert.deepEqual(screened.problems, full.problems, 'short rows are read, and reported, on both paths');
      assert.equal(screened.lines, full.lines);
    });
  }

  it('suricata-eve: a key that only looks like a wanted one (its length, first, middle and last byte) is passed over', () => {
    // sXc_ip and dXst_ip share the table slots of src_ip and dest_ip
    const text = ['{"event_type":"flow"}', '{"sXc_ip":"103.41.26.58","dXst_ip":"103.41.26.58"}', '{"src_ip":"103.41.26.58"}', ''].join('\n');
    const full = scanText('suricata-eve', text, trickyIntel, false);
    const screened = scanText('suricata-eve', text, trickyIntel, true);
    assert.equal(full.findings.length, 1);
    assert.deepEqual(screened.findings, full.findings);
    assert.equal(screened.read, 2, 'the first line (never screened) and the one whose src_ip may hit');
  });

  const real: Array<[string, string]> = [
    ...logFiles('zeek-tsv').map((text): [string, string] => ['zeek-tsv', text]),
    ...logFiles('zeek-json').map((text): [string, string] => ['zeek-json', text]),
    ['suricata-eve', readFileSync(join(FIXTURES, 'logs', 'eve.json'), 'utf8')],
  ];
  const feeds = intelFor(real, false);
  const own = intelFor(real, true);

  for (const [format, text] of real) {
    it(`${format}: the real ${text.length}-byte log, against the fixture feeds and against values of its own records`, () => {
      const full = scanText(format, text, feeds, false);
      const screened = scanText(format, text, feeds, true);
      assert.deepEqual(screened.findings, full.findings);
      assert.equal(screened.lines, full.lines);
      // the screen does its job: the lines decoded are those that hit, the headers, and those a chunk boundary cuts
      const hitLines = new Set(full.findings.map((f) => f.line)).size;
      const chunks = Math.ceil(Buffer.byteLength(text) / 4096);
      const headers = text.split('\n').filter((line) => line.startsWith('#')).length;
      assert.ok(screened.read < full.read && screened.read <= hitLines + chunks + headers, `${screened.read} of ${full.read} lines read, ${hitLines} hit`);
      const fullOwn = scanText(format, text, own, false);
      assert.ok(fullOwn.findings.length > full.findings.length);
      assert.deepEqual(scanText(format, text, own, true).findings, fullOwn.findings);
    });
  }

  it('a STIX pattern indicator in the intel turns the screen off: patterns see every record', () => {
    const builder = new IntelIndexBuilder();
    builder.addPattern('indicator--1', "[network-traffic:dst_port = 1194]", META);
    const matcher = new RecordMatcher(new IntelIndex(builder.build()));
    assert.equal(matcher.screenFor(getReader('zeek-tsv').createReader()), undefined);
  });
});
