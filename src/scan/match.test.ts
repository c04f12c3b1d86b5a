import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IndicatorType } from '../model/index.ts';
import { IntelIndex, IntelIndexBuilder, type ReportMeta } from './index/intel-index.ts';
import { RecordMatcher } from './match.ts';
import type { FieldKind } from './record.ts';

const META: ReportMeta = { sources: ['test-feed'], tlp: 'clear', malware: ['Mozi'], threatTypes: ['malware-download'], confidence: 80 };

function indexOf(entries: Array<[IndicatorType, string]>): IntelIndex {
  const builder = new IntelIndexBuilder();
  for (const [type, value] of entries) builder.add(type, value, META);
  return new IntelIndex(builder.build());
}

function hits(index: IntelIndex, kind: FieldKind, value: string): string[] {
  const matcher = new RecordMatcher(index);
  return matcher.match({ line: 1, values: [{ field: 'f', kind, value }] }).map((f) => `${f.via}:${f.indicatorType}:${f.indicator}`);
}

describe('matching evidence values against the index', () => {
  const index = indexOf([
    ['ipv4', '103.41.26.58'],
    ['ipv6', '2001:db8::7'],
    ['cidr', '5.63.151.0/24'],
    ['cidr', '45.83.0.0/16'],
    ['cidr', '2001:db8:1::/48'],
    ['ip-port', '192.9.135.73:1194'],
    ['hostname', 'evil.example.com'],
    ['hostname', 'c2.duckdns.org'],
    ['domain', 'co.uk'],
    ['url', 'http://103.41.26.58/Mozi.m'],
    ['md5', 'df7c845e4eadd7bac6cbfe2087bbd482'],
    ['ja3', 'e7d705a3286e19ea42f587b344ee6865'],
    ['x509-sha1', 'aabbccddeeff00112233445566778899aabbccdd'],
    ['email', 'Boss@evil.example.com'],
    ['filename', 'Mozi.m'],
    ['ssdeep', '3:abc:def'],
  ]);

  it('IPs exactly and inside the longest CIDR, IPv4 and IPv6', () => {
    assert.deepEqual(hits(index, 'ip', '103.41.26.58'), ['exact:ipv4:103.41.26.58']);
    assert.deepEqual(hits(index, 'ip', '5.63.151.200'), ['cidr:cidr:5.63.151.0/24']);
    assert.deepEqual(hits(index, 'ip', '45.83.66.1'), ['cidr:cidr:45.83.0.0/16']);
    assert.deepEqual(hits(index, 'ip', '2001:0db8:0000::7'), ['exact:ipv6:2001:db8::7']);
    assert.deepEqual(hits(index, 'ip', '2001:db8:1:ffff::1'), ['cidr:cidr:2001:db8:1::/48']);
    assert.deepEqual(hits(index, 'ip', '5.63.152.1'), []);
    assert.deepEqual(hits(index, 'ip', '103.041.26.58'), [], 'leading zeros are ambiguous, never a match');
  });

  it('ip:port pairs', () => {
    assert.deepEqual(hits(index, 'ip-port', '192.9.135.73:1194'), ['exact:ip-port:192.9.135.73:1194']);
    assert.deepEqual(hits(index, 'ip-port', '192.9.135.73:1195'), []);
  });

  it('a host hits itself and its parent domains, never a bare public suffix', () => {
    assert.deepEqual(hits(index, 'host', 'EVIL.example.com.'), ['exact:hostname:evil.example.com']);
    assert.deepEqual(hits(index, 'host', 'a.b.evil.example.com'), ['parent-domain:hostname:evil.example.com']);
    assert.deepEqual(hits(index, 'host', 'example.com'), []);
    assert.deepEqual(hits(index, 'host', 'x.c2.duckdns.org'), ['parent-domain:domain:c2.duckdns.org']);
    assert.deepEqual(hits(index, 'host', 'other.duckdns.org'), []);
    // "co.uk" was refused when the index was built: nothing under it hits
    assert.deepEqual(hits(index, 'host', 'bank.co.uk'), []);
    assert.deepEqual(index.parts.info.skipped, { 'domain: a bare public suffix': 1, 'ssdeep: not matched against logs': 1 });
  });

  it('URLs by canonical form, and a weak host-only match reported as such', () => {
    assert.deepEqual(hits(index, 'url', 'HTTP://103.41.26.58:80/Mozi.m'), ['exact:url:http://103.41.26.58/Mozi.m']);
    assert.deepEqual(hits(index, 'url', 'http://103.41.26.58/other'), ['url-host:url:103.41.26.58']);
    assert.deepEqual(hits(index, 'url', 'http://103.41.26.59/Mozi.m'), []);
  });

  it('hashes, JA3, certificate SHA-1 with colons, e-mail addresses, file names', () => {
    assert.deepEqual(hits(index, 'md5', 'DF7C845E4EADD7BAC6CBFE2087BBD482'), ['exact:md5:df7c845e4eadd7bac6cbfe2087bbd482']);
    assert.deepEqual(hits(index, 'hash', 'df7c845e4eadd7bac6cbfe2087bbd482'), ['exact:md5:df7c845e4eadd7bac6cbfe2087bbd482']);
    assert.deepEqual(hits(index, 'md5', 'e7d705a3286e19ea42f587b344ee6865'), [], 'a JA3 is not a file digest');
    assert.deepEqual(hits(index, 'ja3', 'e7d705a3286e19ea42f587b344ee6865'), ['exact:ja3:e7d705a3286e19ea42f587b344ee6865']);
    assert.deepEqual(hits(index, 'x509-sha1', 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD'), ['exact:x509-sha1:aabbccddeeff00112233445566778899aabbccdd']);
    assert.deepEqual(hits(index, 'email', 'The Boss <Boss@EVIL.example.com>'), ['exact:email:Boss@evil.example.com']);
    assert.deepEqual(hits(index, 'filename', '/tmp/Mozi.m'), ['exact:filename:Mozi.m']);
  });

  it('free text: every indicator in the line', () => {
    assert.deepEqual(hits(index, 'text', 'callback to hxxp://103.41.26[.]58/Mozi.m and www.evil.example.com'), [
      'exact:url:http://103.41.26.58/Mozi.m', 'parent-domain:hostname:evil.example.com',
    ]);
  });
});
