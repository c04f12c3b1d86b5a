import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePattern } from './compile.ts';
import { PatternLimitError } from './errors.ts';
import type { ObservedRecord, TimedObservation } from './observation.ts';
import { findSequenceMatch, matchSequence } from './sequence.ts';

const S = 1000;
const at = (seconds: number, values: ObservedRecord): TimedObservation => ({ time: Date.UTC(2024, 0, 1) + seconds * S, values });
const A = { 'x-test:name': 'a' };
const B = { 'x-test:name': 'b' };
const C = { 'x-test:name': 'c' };
const OTHER = { 'x-test:name': 'z' };
const a = "[x-test:name = 'a']";
const b = "[x-test:name = 'b']";
const c = "[x-test:name = 'c']";
const seq = (pattern: string, observations: TimedObservation[]) => matchSequence(compilePattern(pattern), observations);

describe('9.5.2 observation operators over a sequence', () => {
  it('AND: both expressions, on different observations, in any order', () => {
    assert.equal(seq(`${a} AND ${b}`, [at(10, B), at(0, A)]), true);
    assert.equal(seq(`${a} AND ${b}`, [at(0, A), at(1, OTHER)]), false);
    // one observation holding both may not serve both sides
    assert.equal(seq("[x-test:name = 'a'] AND [x-test:tag = 't']", [at(0, { ...A, 'x-test:tag': 't' })]), false);
    assert.equal(seq("[x-test:name = 'a'] AND [x-test:tag = 't']", [at(0, { ...A, 'x-test:tag': 't' }), at(1, { 'x-test:tag': 't' })]), true);
    assert.equal(seq(`${a} AND ${a}`, [at(0, A)]), false);
    assert.equal(seq(`${a} AND ${a}`, [at(0, A), at(5, A)]), true);
  });

  it('OR: either expression', () => {
    assert.equal(seq(`${a} OR ${b}`, [at(0, OTHER), at(1, B)]), true);
    assert.equal(seq(`${a} OR ${b}`, [at(0, OTHER), at(1, C)]), false);
  });

  it('FOLLOWEDBY: the right observation no earlier than the left one, and a different one', () => {
    assert.equal(seq(`${a} FOLLOWEDBY ${b}`, [at(0, A), at(1, B)]), true);
    assert.equal(seq(`${a} FOLLOWEDBY ${b}`, [at(1, B), at(0, A)]), true);
    assert.equal(seq(`${a} FOLLOWEDBY ${b}`, [at(0, A), at(0, B)]), true);
    assert.equal(seq(`${a} FOLLOWEDBY ${b}`, [at(1, A), at(0, B)]), false);
    assert.equal(seq(`${a} FOLLOWEDBY ${a}`, [at(0, A)]), false);
    assert.equal(seq(`${a} FOLLOWEDBY ${b} FOLLOWEDBY ${c}`, [at(0, A), at(1, B), at(2, C)]), true);
    assert.equal(seq(`${a} FOLLOWEDBY ${b} FOLLOWEDBY ${c}`, [at(0, A), at(2, B), at(1, C)]), false);
  });

  it("[ a = 'b' ] FOLLOWEDBY [ c = 'd' ] REPEATS 5 TIMES: one a before five c's (6 observations)", () => {
    const pattern = `${a} FOLLOWEDBY ${c} REPEATS 5 TIMES`;
    assert.equal(seq(pattern, [at(0, A), ...[1, 2, 3, 4, 5].map((s) => at(s, C))]), true);
    assert.equal(seq(pattern, [at(0, A), at(-1, C), ...[1, 2, 3, 4].map((s) => at(s, C))]), false);
  });

  it("([ a = 'b' ] FOLLOWEDBY [ c = 'd' ]) REPEATS 5 TIMES: five a-then-c pairs (10 observations)", () => {
    const pattern = `(${a} FOLLOWEDBY ${c}) REPEATS 5 TIMES`;
    const pairs = [0, 10, 20, 30, 40].flatMap((s) => [at(s, A), at(s + 1, C)]);
    assert.equal(seq(pattern, pairs), true);
    assert.equal(seq(pattern, pairs.slice(0, 9)), false);
    assert.equal(findSequenceMatch(compilePattern(pattern), pairs)?.length, 10);
  });
});

describe('9.5.1 qualifiers', () => {
  it('REPEATS x TIMES: x different observations', () => {
    assert.equal(seq(`${a} REPEATS 3 TIMES`, [at(0, A), at(1, A), at(2, A)]), true);
    assert.equal(seq(`${a} REPEATS 3 TIMES`, [at(0, A), at(1, A), at(2, B)]), false);
  });

  it('WITHIN x SECONDS: the latest is earlier than the earliest plus the window', () => {
    const pattern = `([file:hashes.'SHA-256' = '13987239847'] AND [windows-registry-key:key = 'hkey']) WITHIN 120 SECONDS`;
    const file = { "file:hashes.'SHA-256'": '13987239847' };
    const key = { 'windows-registry-key:key': 'hkey' };
    assert.equal(seq(pattern, [at(0, file), at(119.999, key)]), true);
    assert.equal(seq(pattern, [at(120, file), at(0, key)]), false);
    assert.equal(seq(pattern, [at(0, file), at(500, key), at(400, file)]), true);
    assert.equal(seq(`${a} WITHIN 0.5 SECONDS`, [at(0, A)]), true);
  });

  it('START x STOP y: every observation at or after x and before y', () => {
    const pattern = "[file:name = 'foo.dll'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'";
    const foo = { 'file:name': 'foo.dll' };
    const when = (iso: string): TimedObservation => ({ time: Date.parse(iso), values: foo });
    assert.equal(seq(pattern, [when('2016-06-01T00:00:00Z')]), true);
    assert.equal(seq(pattern, [when('2016-07-01T00:00:00Z')]), false);
    assert.equal(seq(pattern, [when('2016-05-31T23:59:59.999Z'), when('2016-08-01T00:00:00Z')]), false);
    const both = "([file:name = 'foo.dll'] AND [file:name = 'foo.dll']) START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'";
    assert.equal(seq(both, [when('2016-06-02T00:00:00Z'), when('2016-07-02T00:00:00Z')]), false);
    assert.equal(seq(both, [when('2016-06-02T00:00:00Z'), when('2016-06-20T00:00:00Z'), when('2016-07-02T00:00:00Z')]), true);
    assert.equal(seq("[file:name = 'foo.dll'] START t'2016-07-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'", [when('2016-06-15T00:00:00Z')]), false);
  });

  it("9.5: ([ a ] AND [ b ] REPEATS 5 TIMES) WITHIN …: one a and five b's in the window", () => {
    const pattern = `(${a} AND ${b} REPEATS 5 TIMES) WITHIN 300 SECONDS`;
    assert.equal(seq(pattern, [at(0, A), ...[10, 20, 30, 40, 50].map((s) => at(s, B))]), true);
    assert.equal(seq(pattern, [at(0, A), ...[10, 20, 30, 40, 300].map((s) => at(s, B))]), false);
  });

  it("9.5: ([ a ] AND [ b ]) REPEATS 5 TIMES WITHIN …: five a's and five b's (10 observations) in the window", () => {
    const pattern = `(${a} AND ${b}) REPEATS 5 TIMES WITHIN 300 SECONDS`;
    const tenAB = [0, 1, 2, 3, 4].flatMap((i) => [at(i * 10, A), at(i * 10 + 5, B)]);
    assert.equal(seq(pattern, tenAB), true);
    assert.equal(seq(pattern, tenAB.filter((_, i) => i !== 3)), false);
  });
});

describe('9.5.3 precedence: FOLLOWEDBY is loosest', () => {
  it('[a] OR [b] FOLLOWEDBY [c] is ([a] OR [b]) FOLLOWEDBY [c]', () => {
    assert.equal(seq(`${a} OR ${b} FOLLOWEDBY ${c}`, [at(0, A)]), false);
    assert.equal(seq(`${a} OR ${b} FOLLOWEDBY ${c}`, [at(0, B), at(1, C)]), true);
    assert.equal(seq(`${a} OR (${b} FOLLOWEDBY ${c})`, [at(0, A)]), true);
  });
});

describe('9.8 examples over sequences', () => {
  it('a file with an MD5 followed by a registry key within 5 minutes', () => {
    const pattern = "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN 300 SECONDS";
    const file = { 'file:hashes.MD5': '79054025255fb1a26e4bc422aef54eb4' };
    const key = { 'windows-registry-key:key': 'HKEY_LOCAL_MACHINE\\foo\\bar' };
    assert.equal(seq(pattern, [at(0, file), at(299, key)]), true);
    assert.equal(seq(pattern, [at(0, file), at(301, key)]), false);
    assert.equal(seq(pattern, [at(10, file), at(0, key)]), false);
  });

  it('three specific Unix accounts, each in its own observation', () => {
    const account = (id: string, login: string) => `[user-account:account_type = 'unix' AND user-account:user_id = '${id}' AND user-account:account_login = '${login}']`;
    const pattern = `${account('1007', 'Peter')} AND ${account('1008', 'Paul')} AND ${account('1009', 'Mary')}`;
    const seen = (id: string, login: string) => ({ 'user-account:account_type': 'unix', 'user-account:user_id': id, 'user-account:account_login': login });
    assert.equal(seq(pattern, [at(0, seen('1009', 'Mary')), at(1, seen('1007', 'Peter')), at(2, seen('1008', 'Paul'))]), true);
    assert.equal(seq(pattern, [at(0, seen('1009', 'Mary')), at(1, seen('1007', 'Peter')), at(2, seen('1008', 'Peter'))]), false);
  });

  it('malware beaconing to a domain: five connections within 30 minutes', () => {
    const pattern = "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS";
    const beacon = { 'network-traffic:dst_ref.type': 'domain-name', 'network-traffic:dst_ref.value': 'example.com' };
    const every = (seconds: number, count: number) => Array.from({ length: count }, (_, i) => at(i * seconds, beacon));
    assert.equal(seq(pattern, every(420, 5)), true); // 0 … 28 minutes
    assert.equal(seq(pattern, every(600, 8)), false); // never five within 30 minutes
    assert.equal(seq(pattern, [...every(600, 8), at(601, beacon), at(602, beacon)]), true);
  });

  it('two processes with given command lines within a time window', () => {
    const pattern = "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES'^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS";
    const root = { 'process:command_line': 'certutil.exe>-add GlobalSign.cer -c -s -r localMachine Root' };
    const publisher = { 'process:command_line': 'certutil.exe>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher' };
    // the qualifier applies to the second expression only (qualifiers are not greedy)
    assert.equal(seq(pattern, [at(0, root), at(3600, publisher)]), true);
    assert.equal(seq(pattern, [at(3600, root), at(0, publisher)]), false);
  });

  it('a file and a registry key, or one of two processes', () => {
    const pattern = "([file:name = 'foo.dll'] AND [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) OR [process:image_ref.name = 'fooproc' OR process:image_ref.name = 'procfoo']";
    assert.equal(seq(pattern, [at(0, { 'file:name': 'foo.dll' }), at(9, { 'windows-registry-key:key': 'HKEY_LOCAL_MACHINE\\foo\\bar' })]), true);
    assert.equal(seq(pattern, [at(0, { 'file:name': 'foo.dll' })]), false);
    assert.equal(seq(pattern, [at(0, { 'process:image_ref.name': 'procfoo' })]), true);
  });

  it('a file by SHA-256 or MD5, and a different file by another SHA-256, in two observations', () => {
    const pattern = "[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']";
    const first = { 'file:hashes.MD5': 'cead3f77f6cda6ec00f57d76c9a6879f' };
    const second = { "file:hashes.'SHA-256'": 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' };
    assert.equal(seq(pattern, [at(0, second), at(7, first)]), true);
    assert.equal(seq(pattern, [at(0, second)]), false);
  });
});

describe('findSequenceMatch and its limit', () => {
  it('returns the indexes of the observations that matched, ascending', () => {
    const observations = [at(0, OTHER), at(5, B), at(1, A), at(9, C)];
    assert.deepEqual(findSequenceMatch(compilePattern(`${a} FOLLOWEDBY ${b}`), observations), [1, 2]);
    assert.equal(findSequenceMatch(compilePattern(`${b} FOLLOWEDBY ${a}`), observations), undefined);
  });

  it('refuses, rather than answering false, when a pattern has too many candidate combinations', () => {
    const many = Array.from({ length: 20 }, (_, i) => at(i, A));
    const pattern = compilePattern(`(${a} REPEATS 3 TIMES) AND ${b}`);
    assert.throws(() => matchSequence(pattern, many, { maxBindings: 100 }), PatternLimitError);
    // the same pattern within the default limit answers
    assert.equal(matchSequence(pattern, many), false);
    assert.equal(matchSequence(pattern, [...many, at(30, B)]), true);
  });
});
