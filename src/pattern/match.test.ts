import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePattern, matches } from './compile.ts';
import { PatternError } from './errors.ts';
import type { Observation } from './observation.ts';

/** pattern, observation, expected */
type Row = [pattern: string, observation: Observation, expected: boolean];

function table(rows: Row[]): void {
  for (const [pattern, observation, expected] of rows) {
    it(`${pattern} on ${JSON.stringify(observation)} → ${expected}`, () => {
      assert.equal(matches(compilePattern(pattern), observation), expected);
    });
  }
}

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

describe('9.6.1 comparison operators, with the examples of the operator table', () => {
  table([
    ["[file:name = 'foo.dll']", { 'file:name': 'foo.dll' }, true],
    ["[file:name = 'foo.dll']", { 'file:name': 'FOO.dll' }, false],
    ['[file:size != 4112]', { 'file:size': 4112 }, false],
    ['[file:size != 4112]', { 'file:size': 4113 }, true],
    // incompatible types are unequal, so != holds (9.6.1)
    ['[file:size != 4112]', { 'file:size': '4112' }, true],
    ['[file:size = 4112]', { 'file:size': '4112' }, false],
    ['[file:size > 256]', { 'file:size': 257 }, true],
    ['[file:size > 256]', { 'file:size': 256 }, false],
    ['[file:size < 1024]', { 'file:size': 1023.5 }, true],
    ['[file:size < 1024]', { 'file:size': 1024 }, false],
    ['[file:size <= 25145]', { 'file:size': 25145 }, true],
    ['[file:size <= 25145]', { 'file:size': 25146 }, false],
    ['[file:size >= 33312]', { 'file:size': 33312 }, true],
    ['[file:size >= 33312]', { 'file:size': 33311 }, false],
    ["[file:name > 'foo']", { 'file:name': 'fop' }, true],
    ["[file:name < 'foo']", { 'file:name': 'fo' }, true],
    ["[file:size > 'big']", { 'file:size': 5 }, false],
    ["[process:name IN ('proccy', 'proximus', 'badproc')]", { 'process:name': 'proximus' }, true],
    ["[process:name IN ('proccy', 'proximus', 'badproc')]", { 'process:name': 'proc' }, false],
    ["[process:name NOT IN ('proccy', 'proximus', 'badproc')]", { 'process:name': 'proc' }, true],
    ['[process:pid IN (4, 8)]', { 'process:pid': 8 }, true],
    ['[process:pid IN ()]', { 'process:pid': 8 }, false],
    // after STIX unescaping the constant is C:\Windows\%\foo; backslashes are literal, % any run
    ["[directory:path LIKE 'C:\\\\Windows\\\\%\\\\foo']", { 'directory:path': 'C:\\Windows\\System32\\drivers\\foo' }, true],
    ["[directory:path LIKE 'C:\\\\Windows\\\\%\\\\foo']", { 'directory:path': 'C:\\Windows\\\\foo' }, true],
    ["[directory:path LIKE 'C:\\\\Windows\\\\%\\\\foo']", { 'directory:path': 'C:\\Windows\\foo' }, false],
    ["[directory:path LIKE 'C:\\\\Windows\\\\%\\\\foo']", { 'directory:path': 'c:\\windows\\x\\foo' }, false],
    ["[file:name LIKE 'a_c']", { 'file:name': 'abc' }, true],
    ["[file:name LIKE 'a_c']", { 'file:name': 'ac' }, false],
    ["[file:name LIKE 'a_c']", { 'file:name': 'abbc' }, false],
    ["[file:name LIKE 'a_c']", { 'file:name': 'a😀c' }, true],
    ["[file:name LIKE 'a.c']", { 'file:name': 'abc' }, false],
    ["[file:name LIKE '%.exe']", { 'file:name': 'x\n.exe' }, true],
    ["[file:name NOT LIKE '%.exe']", { 'file:name': 'x.dll' }, true],
    // LIKE and MATCHES compare NFC-normalised text
    ["[file:name LIKE 'caf\u00e9%']", { 'file:name': 'cafe\u0301.txt' }, true],
    ["[directory:path MATCHES '^C:\\\\\\\\Windows\\\\w+$']", { 'directory:path': 'C:\\WindowsApps' }, true],
    ["[directory:path MATCHES '^C:\\\\\\\\Windows\\\\w+$']", { 'directory:path': 'C:\\Windows\\Apps' }, false],
    // a search, not a whole-string match; DOTALL is on
    ["[file:name MATCHES 'evil']", { 'file:name': 'my-evil-file' }, true],
    ["[x:text MATCHES 'a.b']", { 'x:text': 'a\nb' }, true],
    ["[x:text NOT MATCHES 'a.b']", { 'x:text': 'a\nb' }, false],
    ["[file:name MATCHES '(?i)^EVIL']", { 'file:name': 'evil.exe' }, true],
    ["[file:name MATCHES '^EVIL']", { 'file:name': 'evil.exe' }, false],
    ["[file:name MATCHES '\\\\Aevil\\\\z']", { 'file:name': 'evil' }, true],
    ["[file:name MATCHES '\\\\Aevil\\\\z']", { 'file:name': 'evil\n' }, false],
    ["[file:name MATCHES '^(?P<x>a)(?P=x)$']", { 'file:name': 'aa' }, true],
    ["[file:name MATCHES '^[]a]+$']", { 'file:name': 'a]a' }, true],
    ["[file:name MATCHES '^.$']", { 'file:name': '😀' }, true],
    ["[file:name MATCHES '.+\\\\@example\\\\.com$']", { 'file:name': 'jdoe@example.com' }, true],
    ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", { 'ipv4-addr:value': '198.51.100.0/27' }, true],
    ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", { 'ipv4-addr:value': '198.51.100.77' }, true],
    ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", { 'ipv4-addr:value': '198.51.100.0/24' }, true],
    ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", { 'ipv4-addr:value': '198.51.0.0/16' }, false],
    ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", { 'ipv4-addr:value': '198.51.101.1' }, false],
    ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", { 'ipv4-addr:value': 'not an address' }, false],
    ["[ipv4-addr:value ISSUBSET '0.0.0.0/0']", { 'ipv4-addr:value': '203.0.113.1' }, true],
    ["[ipv4-addr:value ISSUPERSET '198.51.100.0/27']", { 'ipv4-addr:value': '198.51.100.0/24' }, true],
    ["[ipv4-addr:value ISSUPERSET '198.51.100.0/24']", { 'ipv4-addr:value': '198.51.100.0/27' }, false],
    ["[ipv4-addr:value ISSUPERSET '198.51.100.5']", { 'ipv4-addr:value': '198.51.100.5' }, true],
    ["[ipv6-addr:value ISSUBSET '2001:db8::/32']", { 'ipv6-addr:value': '2001:db8:1::7' }, true],
    ["[ipv6-addr:value ISSUBSET '2001:db8::/32']", { 'ipv6-addr:value': '2001:db9::7' }, false],
    ["[ipv6-addr:value ISSUBSET '2001:db8::/32']", { 'ipv6-addr:value': '198.51.100.1' }, false],
    ["[ipv6-addr:value ISSUPERSET '2001:db8:1::/48']", { 'ipv6-addr:value': '2001:db8::/32' }, true],
    ['[EXISTS windows-registry-key:values]', { 'windows-registry-key:values': [] }, true],
    ['[EXISTS windows-registry-key:values]', { 'windows-registry-key:values[*].name': ['Run'] }, true],
    ['[EXISTS windows-registry-key:values]', { 'windows-registry-key:key': 'HKLM\\x' }, false],
    ['[NOT EXISTS windows-registry-key:values]', { 'windows-registry-key:key': 'HKLM\\x' }, true],
    // NOT EXISTS still needs an object of that type to look at
    ['[NOT EXISTS windows-registry-key:values]', { 'file:name': 'x' }, false],
    ["[file:name NOT = 'x']", { 'file:name': 'y' }, true],
    ["[file:name NOT = 'x']", { 'file:name': 'x' }, false],
    // NOT modifies the operator, and list items are tried one by one (9.7.2)
    ["[network-traffic:protocols[*] NOT = 'tcp']", { 'network-traffic:protocols': ['ipv4', 'tcp'] }, true],
    ["[network-traffic:protocols[*] NOT = 'tcp']", { 'network-traffic:protocols': ['tcp'] }, false],
    ["[network-traffic:protocols[*] NOT IN ('ipv4', 'tcp')]", { 'network-traffic:protocols': ['ipv4', 'tcp'] }, false],
  ]);

  it('an invalid MATCHES expression or ISSUBSET block is refused when compiled, at the constant', () => {
    assert.throws(() => compilePattern("[file:name MATCHES 'a(?>b)']"), (error: unknown) => {
      assert.ok(error instanceof PatternError);
      assert.equal(error.position, 19);
      assert.match(error.message, /^pattern: at 19: MATCHES needs a valid regular expression: /);
      return true;
    });
    assert.throws(() => compilePattern("[ipv4-addr:value ISSUBSET '198.51.100.0/33']"), /at 26: ISSUBSET needs an IP address or CIDR block, not '198.51.100.0\/33'/);
    assert.throws(() => compilePattern("[ipv4-addr:value ISSUPERSET 'example.com']"), /at 28: ISSUPERSET needs an IP address or CIDR block/);
  });
});

describe('9.6 a path that is not present makes the comparison false, whatever the operator', () => {
  table([
    ["[file:name NOT = 'x']", { 'file:size': 1 }, false],
    ['[file:size != 1]', { 'file:name': 'x' }, false],
    ["[file:name NOT LIKE 'x%']", {}, false],
    ["[file:name = 'x']", { 'file:name': null }, false],
  ]);
});

describe('9.6.2 strings compare by code point, without normalisation', () => {
  // the spec's order: 'o' U+006f < 'oz' < 'ò' U+006f U+0300 < 'z' < 'ò' U+00f2
  const ordered = ['o', 'oz', 'o\u0300', 'z', '\u00f2'];
  for (let i = 0; i + 1 < ordered.length; i++) {
    const [low, high] = [ordered[i]!, ordered[i + 1]!];
    table([
      [`[x:s < '${high}']`, { 'x:s': low }, true],
      [`[x:s > '${low}']`, { 'x:s': high }, true],
      [`[x:s >= '${high}']`, { 'x:s': low }, false],
    ]);
  }
  table([
    // U+1F600 is above U+FFFD by code point, below it in UTF-16 units
    ["[x:s > '\uFFFD']", { 'x:s': '😀' }, true],
    ["[x:s < '\uFFFD']", { 'x:s': '😀' }, false],
    ["[x:s = 'caf\u00e9']", { 'x:s': 'cafe\u0301' }, false],
    ["[x:s < 'oz']", { 'x:s': 'oz' }, false],
    ["[x:s <= 'oz']", { 'x:s': 'oz' }, true],
  ]);
});

describe('9.6.3 binary values compare as unsigned octets', () => {
  table([
    ["[file:magic_number_hex = h'ffd8']", { 'file:magic_number_hex': 'ffd8' }, true],
    ["[file:magic_number_hex = h'ffd8']", { 'file:magic_number_hex': 'FFD8' }, true],
    ["[file:magic_number_hex = h'ffd8']", { 'file:magic_number_hex': 'ffd9' }, false],
    ["[file:magic_number_hex > h'00']", { 'file:magic_number_hex': 'ff' }, true],
    ["[file:magic_number_hex > h'00']", { 'file:magic_number_hex': '0000' }, true],
    ["[file:magic_number_hex < h'0000']", { 'file:magic_number_hex': '00' }, true],
    ["[x:data = h'00ff']", { 'x:data': Uint8Array.from([0, 255]) }, true],
    ["[x:data = b'AP8=']", { 'x:data': Uint8Array.from([0, 255]) }, true],
  ]);
});

describe('9.6.4 native format: binary properties are decoded before comparison', () => {
  // the spec's artifact: payload_bin holds base64 of "this is a test"
  const artifact = { 'artifact:mime_type': 'application/octet-stream', 'artifact:payload_bin': 'dGhpcyBpcyBhIHRlc3Q=' };
  table([
    ["[artifact:payload_bin = 'dGhpcyBpcyBhIHRlc3Q=']", artifact, false],
    ["[artifact:payload_bin = 'this is a test']", artifact, true],
    ["[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']", artifact, true],
    ["[artifact:payload_bin = h'7468697320697320612074657374']", artifact, true],
    // code points of U+0100 and above cannot become octets: false, except for !=
    ["[artifact:payload_bin = 'this is a t€st']", artifact, false],
    ["[artifact:payload_bin != 'this is a t€st']", artifact, true],
    // 9.8: matching an artifact's PCAP header
    [
      "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
      { 'artifact:mime_type': 'application/vnd.tcpdump.pcap', 'artifact:payload_bin': b64([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0]) },
      true,
    ],
    [
      "[artifact:payload_bin MATCHES '^\\\\xd4\\\\xc3']",
      { 'artifact:payload_bin': b64([0xa1, 0xb2, 0xc3, 0xd4]) },
      false,
    ],
  ]);
});

describe('9.2 constants: numbers, booleans and timestamps', () => {
  table([
    // an integer constant is compared with a float in full, not truncated
    ['[x:n = 1]', { 'x:n': 1.5 }, false],
    ['[x:n = 1]', { 'x:n': 1 }, true],
    ['[x:n = 1.0]', { 'x:n': 1 }, true],
    ['[x:n = -3]', { 'x:n': -3 }, true],
    ['[x:b = true]', { 'x:b': true }, true],
    ['[x:b = true]', { 'x:b': 'true' }, false],
    ["[file:created = t'2014-01-13T07:03:17Z']", { 'file:created': '2014-01-13T07:03:17.000Z' }, true],
    ["[file:created = t'2014-01-13T07:03:17Z']", { 'file:created': '2014-01-13T07:03:18Z' }, false],
    ["[file:created > t'2014-01-13T07:03:17Z']", { 'file:created': '2014-01-13T07:03:17.001Z' }, true],
    ["[file:created < t'2014-01-13T07:03:17Z']", { 'file:created': Date.UTC(2014, 0, 13, 7, 3, 16) }, true],
    ["[file:created = t'2014-01-13T07:03:17Z']", { 'file:created': 'yesterday' }, false],
  ]);
});

describe('9.7 object paths: lists, dictionaries, references', () => {
  table([
    // 9.7.2 a list stored whole, or element by element
    ["[network-traffic:protocols[0] = 'ipv4']", { 'network-traffic:protocols': ['ipv4', 'tcp'] }, true],
    ["[network-traffic:protocols[1] = 'ipv4']", { 'network-traffic:protocols': ['ipv4', 'tcp'] }, false],
    ["[network-traffic:protocols[5] = 'ipv4']", { 'network-traffic:protocols': ['ipv4', 'tcp'] }, false],
    ["[network-traffic:protocols[-1] = 'tcp']", { 'network-traffic:protocols': ['ipv4', 'tcp'] }, false],
    ["[network-traffic:protocols[*] = 'tcp']", { 'network-traffic:protocols': ['ipv4', 'tcp'] }, true],
    ["[network-traffic:protocols[*] = 'udp']", { 'network-traffic:protocols': ['ipv4', 'tcp'] }, false],
    ["[network-traffic:protocols[1] = 'tcp']", { 'network-traffic:protocols[1]': 'tcp' }, true],
    ['[file:extensions.\'windows-pebinary-ext\'.sections[*].entropy > 7.0]', {
      "file:extensions.'windows-pebinary-ext'.sections[0].entropy": 3.2,
      "file:extensions.'windows-pebinary-ext'.sections[1].entropy": 7.6,
    }, true],
    ['[file:extensions.\'windows-pebinary-ext\'.sections[*].entropy > 7.0]', {
      "file:extensions.'windows-pebinary-ext'.sections[*].entropy": [3.2, 6.9],
    }, false],
    // 9.7.3 dictionaries; hash names in any of their usual spellings
    ["[file:hashes.ssdeep = '3:a:b']", { 'file:hashes.SSDEEP': '3:a:b' }, true],
    ["[file:hashes.SHA256 = 'ab']", { "file:hashes.'SHA-256'": 'ab' }, true],
    ["[file:hashes.'sha-1' = 'ab']", { "file:hashes.'SHA-1'": 'ab' }, true],
    ["[file:extensions.'raster-image-ext'.image_height > 100]", { "file:extensions.'raster-image-ext'.image_height": 768 }, true],
    // 9.7.4 references are followed by writing the path through them
    ["[email-message:from_ref.value = 'a@example.com']", { 'email-message:from_ref.value': 'a@example.com' }, true],
    ["[directory:contains_refs[*].name = 'x.dll']", { 'directory:contains_refs[*].name': ['a.txt', 'x.dll'] }, true],
    ["[directory:contains_refs[0].name = 'x.dll']", { 'directory:contains_refs[1].name': 'x.dll' }, false],
  ]);
});

describe('9.3 an address equals its one-address block; IPv6 in any spelling', () => {
  const pattern = "[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128']";
  table([
    [pattern, { 'ipv4-addr:value': '198.51.100.1' }, true],
    [pattern, { 'ipv4-addr:value': '203.0.113.33/32' }, true],
    [pattern, { 'ipv6-addr:value': '2001:db8:dead:beef:dead:beef:dead:1' }, true],
    [pattern, { 'ipv6-addr:value': '2001:DB8:DEAD:BEEF:DEAD:BEEF:DEAD:0001' }, true],
    [pattern, { 'ipv4-addr:value': '198.51.100.2' }, false],
    [pattern, { 'ipv6-addr:value': '198.51.100.1' }, false],
    ["[ipv4-addr:value IN ('198.51.100.1/32', '203.0.113.33')]", { 'ipv4-addr:value': '198.51.100.1' }, true],
    ["[ipv4-addr:value != '198.51.100.1/32']", { 'ipv4-addr:value': '198.51.100.1' }, false],
    // only `value` paths read constants as addresses
    ["[x509-certificate:subject = '198.51.100.1/32']", { 'x509-certificate:subject': '198.51.100.1' }, false],
  ]);
});
