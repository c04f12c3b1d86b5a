import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ComparisonNode, PatternNode, PropTest } from './ast.ts';
import { compilePattern, matches } from './compile.ts';
import { formatPattern } from './format.ts';
import { patternIndicators } from './indicators.ts';
import type { ObservedRecord, ObservedValue } from './observation.ts';
import { parsePattern } from './parser.ts';
import { pathKey } from './path.ts';

/** Every distinct pattern of the STIX 2.0 and 2.1 sample files (see fixtures/NOTICE). */
const REAL = JSON.parse(readFileSync(new URL('./fixtures/real-patterns.json', import.meta.url), 'utf8')) as { file: string; pattern: string }[];

/** The equality tests of the first AND-group of the first observation expression. */
function firstGroup(node: PatternNode): PropTest[] {
  while (node.kind !== 'observation') node = 'operand' in node ? node.operand : node.left;
  const group: PropTest[] = [];
  const visit = (comparison: ComparisonNode): void => {
    if (comparison.kind === 'or') visit(comparison.left);
    else if (comparison.kind === 'and') {
      visit(comparison.left);
      visit(comparison.right);
    } else group.push(comparison);
  };
  visit(node.comparison);
  return group;
}

describe(`real patterns: the ${REAL.length} distinct patterns of the STIX 2.0 and 2.1 sample files`, () => {
  it('there are as many as were extracted, and no duplicates', () => {
    assert.equal(REAL.length, 578);
    assert.equal(new Set(REAL.map((row) => row.pattern)).size, REAL.length);
  });

  it('every one parses, and prints back to a spelling that parses to the same text', () => {
    for (const { file, pattern } of REAL) {
      const printed = formatPattern(parsePattern(pattern));
      assert.equal(formatPattern(parsePattern(printed)), printed, `${file}: ${pattern}`);
    }
  });

  it('every one compiles, and matches an observation built from its own constants', () => {
    let built = 0;
    for (const { file, pattern } of REAL) {
      const compiled = compilePattern(pattern);
      const group = firstGroup(compiled.pattern.root);
      if (!group.every((test) => test.operator === '=')) continue;
      const record: Record<string, ObservedValue> = {};
      for (const test of group) if (test.operator === '=') record[pathKey(test.path)] = test.value.value as ObservedValue;
      assert.equal(matches(compiled, record as ObservedRecord), true, `${file}: ${pattern}`);
      // and not the same observation with every constant changed
      const changed = Object.fromEntries(Object.entries(record).map(([key, value]) => [key, `${String(value)}-other`]));
      assert.equal(matches(compiled, changed), false, `${file}: ${pattern}`);
      built++;
    }
    assert.equal(built, REAL.length - 3);
  });
});

describe('real patterns: indexable values', () => {
  const results = REAL.map(({ file, pattern }) => ({ file, pattern, result: patternIndicators(pattern) }));

  it('values by type, over all of them', () => {
    const byType: Record<string, number> = {};
    for (const { result } of results) for (const value of result.values) byType[value.type] = (byType[value.type] ?? 0) + 1;
    assert.deepEqual(byType, {
      cidr: 4,
      domain: 16,
      filename: 2,
      hostname: 67,
      ipv4: 293,
      md5: 3,
      sha1: 96,
      sha256: 65,
      url: 157,
      'x509-sha1': 5,
    });
  });

  it('only the MATCHES patterns and the x509 issuer-and-serial patterns are complex', () => {
    const complex = results.filter(({ result }) => result.complex).map(({ pattern, result }) => [pattern, result.reason]);
    assert.deepEqual(complex, [
      ["[email-message:from_ref.value MATCHES '.+\\\\banking@g0thamnatl\\\\.com$']", 'MATCHES on email-message:from_ref.value matches more than one value'],
      ["[email-message:subject MATCHES '^[IMPORTANT] Please Review Before']", 'MATCHES on email-message:subject matches more than one value'],
      ["[email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']", 'MATCHES on email-message:body_multipart[*].body_raw_ref.name matches more than one value'],
      ["[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']", 'x509-certificate:issuer has no indicator type'],
      ["[x509-certificate:issuer = 'CN=LM-68AB71FBD8F5' AND x509-certificate:serial_number = '0e:97:88:1c:6c:a1:37:96:42:03:bc:45:42:24:75:6c']", 'x509-certificate:issuer has no indicator type'],
    ].sort(([a], [b]) => REAL.findIndex((r) => r.pattern === a) - REAL.findIndex((r) => r.pattern === b)));
  });

  it('two constants are not valid indicators and are reported', () => {
    const rejected = results.flatMap(({ result }) => result.rejected);
    assert.deepEqual(rejected.map((r) => [r.path, r.value.slice(0, 41), r.reason]), [
      ['url:value', 'http://e.nail.ru.imbox.link/home/files/\\%', 'URL contains spaces, quotes, angle brackets, backslashes or control characters'],
      ['domain-name:value', 'domain autuo.xicp.net', 'not a valid internationalised domain name'],
    ]);
    // the pattern that held the bad domain still gives its address
    const poisonIvy = results.find(({ pattern }) => pattern.includes('domain autuo.xicp.net'))!;
    assert.deepEqual(poisonIvy.result.values, [{ type: 'ipv4', value: '60.10.1.115' }]);
  });

  it("each [url:value = '…'] gives its URL, refanged and normalised but with path and query kept", () => {
    const urls = results.filter(({ pattern }) => /^\[url:value ?= ?'[^']*'\]$/.test(pattern));
    assert.equal(urls.length, 158);
    for (const { pattern, result } of urls) {
      assert.equal(result.values.length + result.rejected.length, 1, pattern);
      const written = /'([^']*)'/.exec(pattern)![1]!;
      const pathAndQuery = written.replace(/^[a-z]+:\/\/[^/]*/i, '') || '/';
      if (result.values[0]) assert.ok(result.values[0].value.endsWith(pathAndQuery), `${result.values[0].value} from ${pattern}`);
    }
  });

  it('network-traffic src_ref/dst_ref patterns (Cisco Talos, STIX 2.0) give the address they name', () => {
    const traffic = results.filter(({ pattern }) => pattern.startsWith('[network-traffic:'));
    assert.equal(traffic.length, 190);
    for (const { pattern, result } of traffic) {
      const address = /_ref\.value = '([^']*)'/.exec(pattern)![1]!;
      assert.deepEqual(result.values, [{ type: 'ipv4', value: address }], pattern);
    }
  });

  it('the abuse.ch Cobalt Strike OR of file hashes gives every SHA-1 in it', () => {
    const { pattern, result } = results.find(({ file }) => file.endsWith('abuse_ch_sslblacklist_cobaltstrike.json'))!;
    const written = new Set([...pattern.matchAll(/'SHA-1' = '([0-9a-f]{40})'/g)].map((m) => m[1]));
    assert.equal(written.size, 96);
    assert.deepEqual(new Set(result.values.map((value) => value.value)), written);
    assert.ok(result.values.every((value) => value.type === 'sha1'));
  });

  it('the STIX 2.0 hash spellings hashes.SHA256 and hashes.md5 are read as SHA-256 and MD5', () => {
    const talos = results.filter(({ pattern }) => pattern.startsWith('[file:hashes.SHA256 = '));
    const apt1 = results.filter(({ pattern }) => pattern.startsWith('[file:hashes.md5 = '));
    assert.deepEqual([talos.length, apt1.length], [64, 3]);
    assert.ok(talos.every(({ result }) => result.values.length === 1 && result.values[0]!.type === 'sha256'));
    assert.ok(apt1.every(({ result }) => result.values.length === 1 && result.values[0]!.type === 'md5'));
  });
});
