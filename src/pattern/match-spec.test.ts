import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePattern, matches } from './compile.ts';
import { flattenObjects, type Observation } from './observation.ts';

const SHA256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f';
const check = (pattern: string, observation: Observation, time?: number) => matches(compilePattern(pattern), observation, time);

describe('9.5 every comparison in one observation expression starts from the same object', () => {
  // the spec's observed-data: two network-traffic objects, one with only a source, one with only a destination
  const apart = flattenObjects({
    0: { type: 'network-traffic', src_ref: '1' },
    1: { type: 'ipv4-addr', value: '203.0.113.10' },
    2: { type: 'network-traffic', dst_ref: '3' },
    3: { type: 'ipv4-addr', value: '198.51.100.58' },
  });
  const pattern = "[ network-traffic:src_ref.value = '203.0.113.10' AND network-traffic:dst_ref.value = '198.51.100.58' ]";

  it('the spec example does not match: no single network-traffic object references both addresses', () => {
    assert.equal(check(pattern, apart), false);
    // each half alone does match, and so does each address as an object of its own
    assert.equal(check("[network-traffic:src_ref.value = '203.0.113.10']", apart), true);
    assert.equal(check("[network-traffic:dst_ref.value = '198.51.100.58']", apart), true);
    assert.equal(check("[ipv4-addr:value = '198.51.100.58']", apart), true);
  });

  it('one network-traffic object referencing both does match', () => {
    const together = flattenObjects({
      0: { type: 'network-traffic', src_ref: '1', dst_ref: '2' },
      1: { type: 'ipv4-addr', value: '203.0.113.10' },
      2: { type: 'ipv4-addr', value: '198.51.100.58' },
    });
    assert.equal(check(pattern, together), true);
  });

  it('AND across two object types never matches; OR across them does', () => {
    const both = { 'ipv4-addr:value': '198.51.100.7', 'network-traffic:dst_port': 80 };
    assert.equal(check("[ipv4-addr:value = '198.51.100.7' AND network-traffic:dst_port = 80]", both), false);
    assert.equal(check("[ipv4-addr:value = '198.51.100.7' OR network-traffic:dst_port = 80]", both), true);
  });

  it("[(type-a … AND type-a …) OR (type-b … AND type-b …)]: each pair on one object of its type", () => {
    const pattern = "[(type-a:property_j = 'W' AND type-a:property_k = 'X') OR (type-b:property_m = 'Y' AND type-b:property_n = 'Z')]";
    assert.equal(check(pattern, { 'type-a:property_j': 'W', 'type-a:property_k': 'X' }), true);
    assert.equal(check(pattern, { 'type-b:property_m': 'Y', 'type-b:property_n': 'Z', 'type-a:property_j': 'W' }), true);
    assert.equal(check(pattern, { 'type-a:property_j': 'W', 'type-b:property_n': 'Z' }), false);
    assert.equal(check(pattern, { 'type-a:property_j': 'W', 'type-a:property_m': 'Y', 'type-b:property_k': 'X', 'type-b:property_n': 'Z' }), false);
  });

  it('AND binds tighter than OR: [j AND k OR l] needs j and k together, or l alone', () => {
    const pattern = "[type-a:property_j = 'W' AND type-a:property_k = 'X' OR type-a:property_l = 'Z']";
    assert.equal(check(pattern, { 'type-a:property_l': 'Z' }), true);
    assert.equal(check(pattern, { 'type-a:property_j': 'W' }), false);
    assert.equal(check(pattern, { 'type-a:property_j': 'W', 'type-a:property_k': 'X' }), true);
  });

  it('objects of one type kept in separate records are not mixed', () => {
    const records = [
      { 'network-traffic:src_ref.value': '203.0.113.10' },
      { 'network-traffic:dst_ref.value': '198.51.100.58' },
    ];
    assert.equal(check(pattern, records), false);
    assert.equal(check("[network-traffic:dst_ref.value = '198.51.100.58']", records), true);
    assert.equal(check(pattern, [{ ...records[0], ...records[1] }]), true);
  });
});

describe('9.5.2 observation operators against a single observation', () => {
  const both = { 'file:name': 'foo.dll', 'windows-registry-key:key': 'HKEY_LOCAL_MACHINE\\foo\\bar' };
  it('AND and FOLLOWEDBY need different observations, so one observation never satisfies them', () => {
    assert.equal(check("[file:name = 'foo.dll'] AND [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']", both), false);
    assert.equal(check("[file:name = 'foo.dll'] FOLLOWEDBY [file:name = 'foo.dll']", both), false);
    assert.equal(check("[file:name = 'foo.dll'] REPEATS 2 TIMES", both), false);
  });
  it('OR, WITHIN and REPEATS 1 TIMES can be satisfied by one', () => {
    assert.equal(check("[file:name = 'bar.dll'] OR [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']", both), true);
    assert.equal(check("[file:name = 'foo.dll'] WITHIN 1 SECONDS", both), true);
    assert.equal(check("[file:name = 'foo.dll'] REPEATS 1 TIMES", both), true);
  });
  it('START/STOP needs the observation time: start inclusive, stop exclusive (9.5.1)', () => {
    const pattern = "[file:name = 'foo.dll'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'";
    assert.equal(check(pattern, both, Date.UTC(2016, 5, 1)), true);
    assert.equal(check(pattern, both, Date.UTC(2016, 5, 15)), true);
    assert.equal(check(pattern, both, Date.UTC(2016, 6, 1)), false);
    assert.equal(check(pattern, both, Date.UTC(2016, 4, 31)), false);
    assert.equal(check(pattern, both), false);
  });
});

describe('9.8 examples, each against an observation it should and one it should not match', () => {
  const rows: [title: string, pattern: string, yes: Observation, no: Observation][] = [
    ['a file with a SHA-256 hash', `[file:hashes.'SHA-256' = '${SHA256}']`, { "file:hashes.'SHA-256'": SHA256 }, { "file:hashes.'SHA-256'": SHA256.toUpperCase() }],
    [
      'an email from an address and attachment name by regular expression',
      "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
      flattenObjects({
        0: { type: 'email-message', is_multipart: true, from_ref: '1', body_multipart: [{ content_type: 'text/plain', body: 'hi' }, { content_type: 'application/octet-stream', body_raw_ref: '2' }] },
        1: { type: 'email-addr', value: 'jdoe@example.com' },
        2: { type: 'file', name: 'Final Report 2024.exe' },
      }),
      flattenObjects({
        0: { type: 'email-message', is_multipart: true, from_ref: '1', body_multipart: [{ body_raw_ref: '2' }] },
        1: { type: 'email-addr', value: 'jdoe@example.org' },
        2: { type: 'file', name: 'Final Report 2024.exe' },
      }),
    ],
    [
      'a file with a SHA-256 hash and a PDF MIME type',
      `[file:hashes.'SHA-256' = '${SHA256}' AND file:mime_type = 'application/x-pdf']`,
      { "file:hashes.'SHA-256'": SHA256, 'file:mime_type': 'application/x-pdf' },
      { "file:hashes.'SHA-256'": SHA256, 'file:mime_type': 'application/zip' },
    ],
    [
      'a Unix user account (one of three in the spec example)',
      "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter']",
      { 'user-account:account_type': 'unix', 'user-account:user_id': '1007', 'user-account:account_login': 'Peter' },
      { 'user-account:account_type': 'unix', 'user-account:user_id': '1008', 'user-account:account_login': 'Peter' },
    ],
    [
      'a file with a Windows path',
      "[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\\\Windows\\\\System32']",
      flattenObjects([{ id: 'file--1', type: 'file', name: 'foo.dll', parent_directory_ref: 'directory--2' }, { id: 'directory--2', type: 'directory', path: 'C:\\Windows\\System32' }]),
      flattenObjects([{ id: 'file--1', type: 'file', name: 'foo.dll', parent_directory_ref: 'directory--2' }, { id: 'directory--2', type: 'directory', path: 'C:\\Windows\\Temp' }]),
    ],
    [
      'a Windows PE file with a high-entropy section',
      "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
      flattenObjects({ 0: { type: 'file', extensions: { 'windows-pebinary-ext': { pe_type: 'exe', sections: [{ name: '.text', entropy: 6.1 }, { name: '.rsrc', entropy: 7.8 }] } } } }),
      flattenObjects({ 0: { type: 'file', extensions: { 'windows-pebinary-ext': { pe_type: 'exe', sections: [{ name: '.text', entropy: 6.1 }] } } } }),
    ],
    [
      'a mismatch between magic number and MIME type',
      "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
      { 'file:mime_type': 'image/bmp', 'file:magic_number_hex': 'FFD8' },
      { 'file:mime_type': 'image/bmp', 'file:magic_number_hex': '424D' },
    ],
    [
      'network traffic to a destination',
      "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
      flattenObjects({ 0: { type: 'network-traffic', dst_ref: '1', protocols: ['tcp'] }, 1: { type: 'ipv4-addr', value: '203.0.113.33' } }),
      flattenObjects({ 0: { type: 'network-traffic', src_ref: '1', protocols: ['tcp'] }, 1: { type: 'ipv4-addr', value: '203.0.113.33' } }),
    ],
    [
      'a domain name with an IPv4 resolution',
      "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
      flattenObjects({ 0: { type: 'domain-name', value: 'www.5z8.info', resolves_to_refs: ['1', '2'] }, 1: { type: 'ipv4-addr', value: '203.0.113.9' }, 2: { type: 'ipv4-addr', value: '198.51.100.1' } }),
      flattenObjects({ 0: { type: 'domain-name', value: 'www.5z8.info', resolves_to_refs: ['1'] }, 1: { type: 'ipv4-addr', value: '198.51.100.2' } }),
    ],
    [
      'a URL',
      "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
      { 'url:value': 'http://example.com/bar' },
      { 'url:value': 'http://example.com/baz' },
    ],
    [
      'an X.509 certificate',
      "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
      { 'x509-certificate:issuer': 'CN=WEBMAIL', 'x509-certificate:serial_number': '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28' },
      { 'x509-certificate:issuer': 'CN=WEBMAIL', 'x509-certificate:serial_number': '4c:0b' },
    ],
    [
      'a Windows registry key',
      "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\CurrentVersion\\\\Run\\\\CryptoLocker_0388']",
      { 'windows-registry-key:key': 'HKEY_CURRENT_USER\\Software\\CryptoLocker\\Files' },
      { 'windows-registry-key:key': 'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' },
    ],
    [
      'a file with a set of properties',
      "[(file:name = 'pdf.exe' OR file:size = 371712) AND file:created = t'2014-01-13T07:03:17Z']",
      { 'file:name': 'other.exe', 'file:size': 371712, 'file:created': '2014-01-13T07:03:17Z' },
      { 'file:name': 'pdf.exe', 'file:created': '2014-01-13T07:03:18Z' },
    ],
    [
      'an email with a sender and subject',
      "[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']",
      { 'email-message:sender_ref.value': 'jdoe@example.com', 'email-message:subject': 'Conference Info' },
      { 'email-message:from_ref.value': 'jdoe@example.com', 'email-message:subject': 'Conference Info' },
    ],
    [
      'a custom USB device',
      "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
      { 'x-usb-device:usbdrive.serial_number': '575833314133343231313937' },
      { 'x-usb-device:serial_number': '575833314133343231313937' },
    ],
    [
      'network traffic to an IPv6 subnet',
      "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
      { 'network-traffic:dst_ref.value': '2001:db8:dead:beef::42' },
      { 'network-traffic:dst_ref.value': '2001:db8:dead:bef0::42' },
    ],
  ];
  for (const [title, pattern, yes, no] of rows) {
    it(title, () => {
      const compiled = compilePattern(pattern);
      assert.equal(matches(compiled, yes), true, `should match ${JSON.stringify(yes)}`);
      assert.equal(matches(compiled, no), false, `should not match ${JSON.stringify(no)}`);
    });
  }
});

describe('flattenObjects: STIX objects as observation records', () => {
  it('follows _ref and _refs, keeps plain lists whole, indexes lists of objects, canonicalises hash names', () => {
    const [file, directory] = flattenObjects({
      0: { type: 'file', name: 'a.exe', hashes: { 'sha-256': 'ab', MD5: 'cd' }, parent_directory_ref: '1', x_tags: ['p', 'q'] },
      1: { type: 'directory', path: '/tmp', contains_refs: ['0'] },
    });
    assert.deepEqual(file, {
      'file:type': 'file',
      'file:name': 'a.exe',
      "file:hashes.'SHA-256'": 'ab',
      'file:hashes.MD5': 'cd',
      'file:parent_directory_ref.type': 'directory',
      'file:parent_directory_ref.path': '/tmp',
      'file:x_tags': ['p', 'q'],
    });
    // the directory's contained file is followed, but not back from the file to the directory
    assert.equal(directory!['directory:contains_refs[*].name'], 'a.exe');
    assert.equal(directory!['directory:contains_refs[0].name'], 'a.exe');
    assert.equal(Object.keys(directory!).some((key) => key.includes('contains_refs[*].parent_directory_ref')), false);
  });

  it('an array of objects without ids gives one record per object', () => {
    const records = flattenObjects([{ type: 'file', name: 'a.exe' }, { type: 'file', name: 'b.exe' }, 'not an object']);
    assert.deepEqual(records, [{ 'file:type': 'file', 'file:name': 'a.exe' }, { 'file:type': 'file', 'file:name': 'b.exe' }]);
    assert.equal(check("[file:name = 'a.exe' AND file:name = 'b.exe']", records), false);
    assert.equal(check("[file:name = 'b.exe']", records), true);
  });
});
