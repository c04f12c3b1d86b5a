import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IndicatorType } from '../model/index.ts';
import { patternIndicators, type IndicatorValue } from './indicators.ts';
import { parsePattern } from './parser.ts';

const SHA256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA512 = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';
const SSDEEP = '3072:pNvCknyrs4RvRYNth2oWtyWQhJDyG3h4UkHIqmDzqVIjbitLgJ8yIk3:rqrs0vR8CyWwJDyGR4ejDzmLcik3';
const TLSH = 't199f33ad7f800ddbdf80ae33b88570905b270b7a254820b376257b96bfd3a1990567ec6';

const v = (type: IndicatorType, value: string): IndicatorValue => ({ type, value });

describe('patternIndicators: simple patterns give their values, normalised as tix stores them', () => {
  const rows: [pattern: string, values: IndicatorValue[]][] = [
    ["[ipv4-addr:value = '198.51.100.1']", [v('ipv4', '198.51.100.1')]],
    ["[ipv4-addr:value = '198.51.100.1/32']", [v('ipv4', '198.51.100.1')]],
    ["[ipv4-addr:value = '10.1.2.3/8']", [v('cidr', '10.0.0.0/8')]],
    ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", [v('cidr', '198.51.100.0/24')]],
    ["[ipv4-addr:value IN ('198.51.100.1', '198.51.100.2')]", [v('ipv4', '198.51.100.1'), v('ipv4', '198.51.100.2')]],
    ["[ipv6-addr:value = '2001:0DB8::0001']", [v('ipv6', '2001:db8::1')]],
    ["[ipv6-addr:value = '2001:db8::/32']", [v('cidr', '2001:db8::/32')]],
    ["[ipv6-addr:value = '::ffff:198.51.100.1']", [v('ipv4', '198.51.100.1')]],
    ["[domain-name:value = 'Example.CO.UK']", [v('domain', 'example.co.uk')]],
    ["[domain-name:value = 'c2.evil.example.com.']", [v('hostname', 'c2.evil.example.com')]],
    ["[domain-name:value = 'evil[.]example[.]com']", [v('hostname', 'evil.example.com')]],
    ["[url:value = 'HTTP://Example.com:80/a?b=C']", [v('url', 'http://example.com/a?b=C')]],
    ["[email-addr:value = 'Bad@Example.COM']", [v('email', 'Bad@example.com')]],
    ["[email-message:from_ref.value = 'bad@example.com']", [v('email', 'bad@example.com')]],
    [`[file:hashes.'SHA-256' = '${SHA256.toUpperCase()}']`, [v('sha256', SHA256)]],
    [`[file:hashes.SHA256 = '${SHA256}']`, [v('sha256', SHA256)]],
    [`[file:hashes.sha256 = '${SHA256}']`, [v('sha256', SHA256)]],
    [`[file:hashes.MD5 = '${MD5}']`, [v('md5', MD5)]],
    [`[file:hashes.md5 = '${MD5}']`, [v('md5', MD5)]],
    [`[file:hashes.'SHA-1' = '${SHA1}']`, [v('sha1', SHA1)]],
    [`[file:hashes.'SHA-512' = '${SHA512}']`, [v('sha512', SHA512)]],
    [`[file:hashes.SSDEEP = '${SSDEEP}']`, [v('ssdeep', SSDEEP)]],
    [`[file:hashes.TLSH = '${TLSH.slice(2).toUpperCase()}']`, [v('tlsh', TLSH)]],
    [`[artifact:hashes.'SHA-256' = '${SHA256}']`, [v('sha256', SHA256)]],
    [`[file:hashes.'SHA-256' = '${SHA256}' OR file:hashes.MD5 = '${MD5}' OR file:hashes.'SHA-1' = '${SHA1}']`, [v('sha256', SHA256), v('md5', MD5), v('sha1', SHA1)]],
    [`[x509-certificate:hashes.'SHA-1' = '${SHA1.toUpperCase()}']`, [v('x509-sha1', SHA1)]],
    ["[file:name = 'invoice.pdf.exe']", [v('filename', 'invoice.pdf.exe')]],
    ['[autonomous-system:number = 64500]', [v('asn', 'AS64500')]],
    ["[autonomous-system:number = 'AS64501']", [v('asn', 'AS64501')]],
    ["[network-traffic:dst_ref.value = '198.51.100.7']", [v('ipv4', '198.51.100.7')]],
    ["[network-traffic:src_ref.type = 'ipv4-addr' AND network-traffic:src_ref.value = '198.51.100.7']", [v('ipv4', '198.51.100.7')]],
    ["[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'c2.example.com']", [v('hostname', 'c2.example.com')]],
    ["[network-traffic:dst_ref.value = 'example.com']", [v('domain', 'example.com')]],
    ["[network-traffic:dst_ref.value ISSUBSET '2001:db8::/48']", [v('cidr', '2001:db8::/48')]],
    ["[network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 443]", [v('ip-port', '198.51.100.7:443')]],
    ["[network-traffic:dst_port = 8080 AND network-traffic:dst_ref.type = 'ipv6-addr' AND network-traffic:dst_ref.value = '2001:db8::7']", [v('ip-port', '[2001:db8::7]:8080')]],
    ["[ipv4-addr:value = '198.51.100.7' AND network-traffic:dst_port = 80]", [v('ip-port', '198.51.100.7:80')]],
    ["[ipv6-addr:value = '2001:db8::7' AND network-traffic:dst_port = 80]", [v('ip-port', '[2001:db8::7]:80')]],
    [
      "[network-traffic:dst_ref.value IN ('198.51.100.7', '198.51.100.8') AND network-traffic:dst_port IN (80, 443)]",
      [v('ip-port', '198.51.100.7:80'), v('ip-port', '198.51.100.7:443'), v('ip-port', '198.51.100.8:80'), v('ip-port', '198.51.100.8:443')],
    ],
    // OR of observation expressions, each simple: all their values, each once
    ["[domain-name:value = 'a.example.com'] OR [url:value = 'http://a.example.com/x'] OR [domain-name:value = 'A.example.com']", [v('hostname', 'a.example.com'), v('url', 'http://a.example.com/x')]],
    ["([ipv4-addr:value = '198.51.100.1'] OR [ipv4-addr:value = '198.51.100.2'])", [v('ipv4', '198.51.100.1'), v('ipv4', '198.51.100.2')]],
  ];
  for (const [pattern, values] of rows) {
    it(pattern.length > 110 ? `${pattern.slice(0, 109)}…` : pattern, () => {
      assert.deepEqual(patternIndicators(pattern), { values, rejected: [], complex: false });
    });
  }

  it('takes a parsed pattern too', () => {
    assert.deepEqual(patternIndicators(parsePattern("[url:value = 'http://example.com/']")).values, [v('url', 'http://example.com/')]);
  });
});

describe('patternIndicators: invalid constants are reported, never returned', () => {
  const rows: [pattern: string, values: IndicatorValue[], rejected: { path: string; value: string; reason: RegExp }[]][] = [
    ["[ipv4-addr:value = '2001:db8::1']", [], [{ path: 'ipv4-addr:value', value: '2001:db8::1', reason: /ipv4-addr:value holds an IPv6 address/ }]],
    ["[ipv6-addr:value = '198.51.100.1']", [], [{ path: 'ipv6-addr:value', value: '198.51.100.1', reason: /holds an IPv4 address/ }]],
    ["[ipv4-addr:value = '010.1.1.1']", [], [{ path: 'ipv4-addr:value', value: '010.1.1.1', reason: /leading zero/ }]],
    ["[domain-name:value = 'co.uk']", [], [{ path: 'domain-name:value', value: 'co.uk', reason: /public suffix/ }]],
    [`[file:hashes.'SHA-256' = '${SHA1}']`, [], [{ path: "file:hashes.'SHA-256'", value: SHA1, reason: /sha256 must be 64 hex digits, got 40/ }]],
    ['[file:name = 42]', [], [{ path: 'file:name', value: '42', reason: /needs a string constant/ }]],
    [
      `[file:hashes.MD5 = '${MD5}' OR file:hashes.MD5 = 'nope']`,
      [v('md5', MD5)],
      [{ path: 'file:hashes.MD5', value: 'nope', reason: /not hexadecimal/ }],
    ],
    ["[network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 0]", [], [{ path: 'network-traffic:dst_port', value: '0', reason: /port number/ }]],
    ["[ipv4-addr:value = '10.0.0.0/8' AND network-traffic:dst_port = 80]", [], [{ path: 'ipv4-addr:value', value: '10.0.0.0/8', reason: /single address, not a cidr/ }]],
  ];
  for (const [pattern, values, rejected] of rows) {
    it(pattern, () => {
      const result = patternIndicators(pattern);
      assert.equal(result.complex, false);
      assert.deepEqual(result.values, values);
      assert.equal(result.rejected.length, rejected.length, JSON.stringify(result.rejected));
      rejected.forEach((expected, i) => {
        assert.equal(result.rejected[i]!.path, expected.path);
        assert.equal(result.rejected[i]!.value, expected.value);
        assert.match(result.rejected[i]!.reason, expected.reason);
      });
    });
  }
});

describe('patternIndicators: patterns only the matcher can use give no values and say why', () => {
  const rows: [pattern: string, reason: RegExp][] = [
    ["[ipv4-addr:value != '198.51.100.1']", /^!= on ipv4-addr:value matches more than one value$/],
    ["[url:value LIKE 'http://%']", /^LIKE on url:value/],
    ["[url:value MATCHES '^http']", /^MATCHES on url:value/],
    ["[ipv4-addr:value NOT = '198.51.100.1']", /^NOT negates the comparison on ipv4-addr:value$/],
    ["[ipv4-addr:value NOT IN ('198.51.100.1')]", /^NOT negates/],
    ["[ipv4-addr:value ISSUPERSET '198.51.100.1']", /^ISSUPERSET on ipv4-addr:value/],
    ['[file:size > 5]', /^> on file:size/],
    ['[EXISTS file:name]', /^EXISTS tests that file:name is present/],
    ["[ipv4-addr:value = '198.51.100.1'] WITHIN 5 SECONDS", /WITHIN qualifier/],
    ["[ipv4-addr:value = '198.51.100.1'] REPEATS 2 TIMES", /REPEATS qualifier/],
    ["[ipv4-addr:value = '198.51.100.1'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'", /START\/STOP qualifier/],
    ["[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [domain-name:value = 'example.com']", /^FOLLOWEDBY orders observations in time$/],
    ["[ipv4-addr:value = '198.51.100.1'] AND [domain-name:value = 'example.com']", /^observation expressions joined by AND need several observations$/],
    ["[ipv4-addr:value = '198.51.100.1'] OR ([domain-name:value = 'example.com'] WITHIN 5 SECONDS)", /WITHIN/],
    ["[ipv4-addr:value = '198.51.100.1' AND domain-name:value = 'example.com']", /^AND across different objects \(ipv4-addr, domain-name\)/],
    [`[file:hashes.'SHA-256' = '${SHA256}' AND file:mime_type = 'application/x-pdf']`, /^file:mime_type further restricts file:hashes.'SHA-256'$/],
    [`[file:hashes.'SHA-256' = '${SHA256}' AND file:hashes.MD5 = '${MD5}']`, /^file:hashes.MD5 further restricts/],
    ["[(ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '198.51.100.2') AND ipv4-addr:value = '198.51.100.3']", /^OR inside AND/],
    ["[ipv4-addr:value = '198.51.100.1' AND ipv4-addr:value = '198.51.100.2']", /^ipv4-addr:value is compared twice in one AND$/],
    ["[url:value = 'http://example.com/' OR url:value LIKE '%evil%']", /^LIKE on url:value/],
    ["[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b']", /^x509-certificate:issuer has no indicator type$/],
    ["[mutex:name = 'Global\\\\x']", /^mutex:name has no indicator type$/],
    [`[file:hashes.'SHA3-256' = '${SHA256}']`, /^file:hashes.'SHA3-256' has no indicator type$/],
    ["[domain-name:value ISSUBSET '198.51.100.0/24']", /^ISSUBSET on domain-name:value has no indicator type$/],
    ["[network-traffic:dst_port = 443]", /^network-traffic:dst_port has no indicator type$/],
    ["[network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:protocols[*] = 'tcp']", /^network-traffic:protocols\[\*\] further restricts network-traffic:dst_ref.value$/],
    ["[network-traffic:dst_ref.type = 'mac-addr' AND network-traffic:dst_ref.value = '00:00:5e:00:53:00']", /dst_ref.type 'mac-addr' has no indicator type/],
    ["[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com' AND network-traffic:dst_port = 443]", /no indicator type for a host name with a port/],
    ["[ipv4-addr:value = '198.51.100.7' AND network-traffic:src_port = 80]", /^AND across different objects/],
  ];
  for (const [pattern, reason] of rows) {
    it(pattern.length > 110 ? `${pattern.slice(0, 109)}…` : pattern, () => {
      const result = patternIndicators(pattern);
      assert.equal(result.complex, true);
      assert.deepEqual(result.values, []);
      assert.deepEqual(result.rejected, []);
      assert.match(result.reason ?? '', reason);
    });
  }
});
