import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentBytes as readContent } from './rule-grammar.contract.ts';
import { contentText, createSidAllocator, dnsWireContent, metadataToken, msgText } from './rule-language.ts';

describe('rule language', () => {
  it('keeps plain content as it is and writes every risky byte as hex', () => {
    assert.equal(contentText('evil.example/gate.php?a=1&b=2'), 'evil.example/gate.php?a=1&b=2');
    assert.equal(contentText('a"b;c\\d|e f\n'), 'a|22|b|3B|c|5C|d|7C|e|20|f|0A|');
    assert.equal(contentText('é'), '|C3 A9|');
    for (const text of ['";sid:1;)', '|||', '\\"', 'x\u0000y', 'ü;ü', ' ']) {
      assert.deepEqual(readContent(contentText(text)), Buffer.from(text, 'utf8'), text);
    }
  });

  it('writes DNS names in wire form', () => {
    assert.deepEqual(dnsWireContent('www.example.com'), { content: '|03|www|07|example|03|com|00|', length: 17 });
    assert.deepEqual(dnsWireContent('a-very-long-label-of-sixteen.x'), { content: '|1C|a-very-long-label-of-sixteen|01|x|00|', length: 32 });
  });

  it('escapes msg text and drops what is not printable ASCII', () => {
    assert.equal(msgText('a";b\\c'), 'a\\"\\;b\\\\c');
    assert.equal(msgText('line\nbreak ü'), 'line?break ?');
  });

  it('makes one token of a metadata value', () => {
    assert.equal(metadataToken('threat fox, 2;x'), 'threat_fox_2_x');
    assert.equal(metadataToken('amber+strict'), 'amber+strict');
    assert.equal(metadataToken(''), '_');
  });

  it('allocates deterministic sids, moving only the later of two that collide', () => {
    const a = createSidAllocator('t', {});
    const b = createSidAllocator('t', {});
    const keys = Array.from({ length: 1000 }, (_, i) => `ip ipv4 10.0.${i >> 8}.${i & 255}`);
    const first = keys.map((key) => a.sid(key));
    assert.deepEqual(keys.map((key) => b.sid(key)), first);
    assert.equal(new Set(first).size, keys.length);
    // the same key twice is a collision with itself: the second gets the next sid up
    const fresh = createSidAllocator('t', {}).sid('k');
    const c = createSidAllocator('t', {});
    assert.equal(c.sid('k'), fresh);
    assert.equal(c.sid('k'), fresh + 1);
  });
});
