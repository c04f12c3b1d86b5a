import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { table } from '../../test/helpers/normalise-table.ts';
import type { IndicatorType } from '../model/index.ts';
import { INDICATOR_TYPES } from '../model/index.ts';
import { normalise } from './normalise.ts';


const of = (type: IndicatorType, value: string) => ({ type, value });

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SHA512 = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';
const SSDEEP = '3072:pNvCknyrs4RvRYNth2oWtyWQhJDyG3h4UkHIqmDzqVIjbitLgJ8yIk3:rqrs0vR8CyWwJDyGR4ejDzmLcik3';
const TLSH_BODY = '99F33AD7F800DDBDF80AE33B88570905B270B7A254820B376257B96BFD3A1990567EC6';
const TLSH = `t1${TLSH_BODY.toLowerCase()}`;

describe('normalise: hashes by length, lowercased', () => {
  table([
    [MD5.toUpperCase(), undefined, of('md5', MD5)],
    [SHA1.toUpperCase(), undefined, of('sha1', SHA1)],
    [SHA256.toUpperCase(), undefined, of('sha256', SHA256)],
    [SHA512.toUpperCase(), undefined, of('sha512', SHA512)],
    [` ${SHA256} `, 'sha256', of('sha256', SHA256)],
    [MD5, 'md5', of('md5', MD5)],
    [SHA512, 'sha512', of('sha512', SHA512)],
    [SHA1, 'md5', /md5 must be 32 hex digits, got 40/],
    [SHA256.slice(1), 'sha256', /sha256 must be 64 hex digits, got 63/],
    [MD5, 'sha1', /sha1 must be 40 hex digits, got 32/],
    [`${SHA1}0`, 'sha512', /sha512 must be 128 hex digits, got 41/],
    [`g${MD5.slice(1)}`, 'md5', /not hexadecimal/],
    [`${SHA256.slice(0, 63)}z`, 'sha256', /not hexadecimal/],
    [MD5.slice(0, 30), undefined, /length 30 matches no known hash/],
    ['deadbeef', undefined, /length 8 matches no known hash/],
    ['123456', undefined, /bare number/],
  ]);
});

describe('normalise: ja3 and x509-sha1 need a type hint', () => {
  table([
    ['E7D705A3286E19EA42F587B344EE6865', 'ja3', of('ja3', 'e7d705a3286e19ea42f587b344ee6865')],
    // without the hint a 32-digit digest is an md5
    ['E7D705A3286E19EA42F587B344EE6865', undefined, of('md5', 'e7d705a3286e19ea42f587b344ee6865')],
    [SHA1, 'ja3', /ja3 must be 32 hex digits, got 40/],
    ['DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09', 'x509-sha1', of('x509-sha1', SHA1)],
    ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'x509-sha1', of('x509-sha1', SHA1)],
    ['DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07', 'x509-sha1', /x509-sha1 must be 40 hex digits, got 38/],
    ['DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:0G', 'x509-sha1', /not hexadecimal/],
    // colons are only read as a fingerprint's separators with the hint
    ['DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09', undefined, /not an IPv6 address/],
    [`${MD5.slice(0, 16)}:${MD5.slice(16)}`, 'ja3', /not hexadecimal/],
  ]);
});

describe('normalise: ssdeep', () => {
  table([
    [SSDEEP, undefined, of('ssdeep', SSDEEP)],
    [SSDEEP, 'ssdeep', of('ssdeep', SSDEEP)],
    ['96:KKcKnviilkDRuvAgRbRgY0/lSS2pY94Gvj+N:KKcK9ixHL/BcXT1K', undefined, of('ssdeep', '96:KKcKnviilkDRuvAgRbRgY0/lSS2pY94Gvj+N:KKcK9ixHL/BcXT1K')],
    // ssdeep's own output appends ,"file name"
    [`${SSDEEP},"C:\\samples\\x.exe"`, 'ssdeep', of('ssdeep', SSDEEP)],
    ['3072:abc', 'ssdeep', /not an ssdeep hash/],
    ['x:abc:def', 'ssdeep', /not an ssdeep hash/],
    [`3:${'a'.repeat(65)}:abc`, 'ssdeep', /not an ssdeep hash/],
  ]);
});

describe('normalise: TLSH, with and without the T1 prefix, is one value', () => {
  table([
    [`T1${TLSH_BODY}`, undefined, of('tlsh', TLSH)],
    [`T1${TLSH_BODY}`, 'tlsh', of('tlsh', TLSH)],
    [TLSH_BODY, 'tlsh', of('tlsh', TLSH)],
    [TLSH_BODY, undefined, of('tlsh', TLSH)],
    [TLSH_BODY.toLowerCase(), undefined, of('tlsh', TLSH)],
    [TLSH_BODY.slice(1), 'tlsh', /not a TLSH digest/],
    [`T2${TLSH_BODY}`, 'tlsh', /not a TLSH digest/],
    [`T1${TLSH_BODY.slice(0, 69)}Z`, 'tlsh', /not a TLSH digest/],
  ]);
});

describe('normalise: AS numbers', () => {
  table([
    ['AS123', undefined, of('asn', 'AS123')],
    ['as123', undefined, of('asn', 'AS123')],
    ['As64500', 'asn', of('asn', 'AS64500')],
    ['123', 'asn', of('asn', 'AS123')],
    ['AS0064500', 'asn', of('asn', 'AS64500')],
    ['4294967295', 'asn', of('asn', 'AS4294967295')],
    ['123', undefined, /bare number is not an indicator/],
    ['AS4294967296', undefined, /over 4294967295/],
    ['ASX', 'asn', /not an AS number/],
    ['AS-123', 'asn', /not an AS number/],
  ]);
});

describe('normalise: file names', () => {
  table([
    ['invoice.pdf.exe', 'filename', of('filename', 'invoice.pdf.exe')],
    ['  FNB PROOF OF PAYMENT.bat ', 'filename', of('filename', 'FNB PROOF OF PAYMENT.bat')],
    ['Cotizacion industrial Flow.exe', 'filename', of('filename', 'Cotizacion industrial Flow.exe')],
    ['samples/x.exe', 'filename', /not a file name/],
    ['C:\\Users\\x.exe', 'filename', /not a file name/],
    ['a\u0001b.exe', 'filename', /not a file name/],
    [`${'x'.repeat(252)}.exe`, 'filename', /not a file name/],
  ]);
});

describe('normalise: empty input', () => {
  table([
    ['', undefined, /empty value/],
    ['   ', 'ipv4', /empty value/],
    ['\t', 'url', /empty value/],
  ]);
});

describe('normalise: untyped values find their type', () => {
  const rows: Array<[string, IndicatorType, string]> = [
    ['192.9.135.73', 'ipv4', '192.9.135.73'],
    ['2001:db8::1', 'ipv6', '2001:db8::1'],
    ['10.1.2.3/8', 'cidr', '10.0.0.0/8'],
    ['1.2.3.4:443', 'ip-port', '1.2.3.4:443'],
    ['evil.co.uk', 'domain', 'evil.co.uk'],
    ['a.evil.co.uk', 'hostname', 'a.evil.co.uk'],
    ['hxxp://evil[.]com', 'url', 'http://evil.com/'],
    ['evil.com/gate.php', 'url', 'http://evil.com/gate.php'],
    ['User@Evil.com', 'email', 'User@evil.com'],
    [MD5, 'md5', MD5],
    [SHA1, 'sha1', SHA1],
    [SHA256, 'sha256', SHA256],
    [SHA512, 'sha512', SHA512],
    [SSDEEP, 'ssdeep', SSDEEP],
    [TLSH_BODY, 'tlsh', TLSH],
    ['AS15169', 'asn', 'AS15169'],
  ];
  for (const [input, type, value] of rows) {
    it(`${input.slice(0, 40)} is ${type}`, () => assert.deepEqual(normalise(input), { ok: true, type, value }));
  }

  it('detects every type but ja3, x509-sha1 and filename, which need a hint', () => {
    const detected = new Set(rows.map(([input]) => normalise(input)).flatMap((r) => (r.ok ? [r.type] : [])));
    const hintOnly = INDICATOR_TYPES.filter((type) => !detected.has(type));
    assert.deepEqual(hintOnly.sort(), ['filename', 'ja3', 'x509-sha1']);
  });
});

describe('normalise: every type hint accepts its canonical value', () => {
  const canonical: Record<IndicatorType, string> = {
    ipv4: '1.2.3.4',
    ipv6: '2001:db8::1',
    cidr: '1.2.3.0/24',
    'ip-port': '[2001:db8::1]:443',
    domain: 'evil.com',
    hostname: 'a.evil.com',
    url: 'https://evil.com/a?b=c',
    email: 'x@evil.com',
    md5: MD5,
    sha1: SHA1,
    sha256: SHA256,
    sha512: SHA512,
    ssdeep: SSDEEP,
    tlsh: TLSH,
    asn: 'AS64500',
    ja3: MD5,
    'x509-sha1': SHA1,
    filename: 'x.exe',
  };
  for (const type of INDICATOR_TYPES) {
    it(type, () => assert.deepEqual(normalise(canonical[type], type), { ok: true, type, value: canonical[type] }));
  }
});
