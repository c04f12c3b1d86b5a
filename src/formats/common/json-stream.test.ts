import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonStream } from './json-stream.ts';

/** Feeds `document` in pieces of `size` characters and collects what the stream hands over. */
function split(document: string, size: number) {
  const elements: Array<{ value: unknown; line: number; index: number }> = [];
  const stream = new JsonStream('objects', { element: (text, line, index) => elements.push({ value: JSON.parse(text), line, index }) });
  for (let at = 0; at < document.length; at += size) stream.write(document.slice(at, at + size));
  const end = stream.end();
  return { elements, members: Object.fromEntries([...end.members].map(([key, member]) => [key, JSON.parse(member.text)])), shape: end.shape, damage: end.damage, value: end.value };
}

const BUNDLE = '{"type": "bundle", "id": "bundle--1",\n "objects": [\n  {"id": "a", "s": "x]}\\"{["},\n  {"id": "b", "list": [1, {"deep": [2]}]},\n  7, "text", null\n ],\n "x_after": {"k": [1, 2]}\n}\n';

describe('JsonStream', () => {
  it('hands over every element of the streamed array with its line, whatever the chunk size', () => {
    const whole = split(BUNDLE, BUNDLE.length);
    assert.deepEqual(whole.elements, [
      { value: { id: 'a', s: 'x]}"{[' }, line: 3, index: 0 },
      { value: { id: 'b', list: [1, { deep: [2] }] }, line: 4, index: 1 },
      { value: 7, line: 5, index: 2 },
      { value: 'text', line: 5, index: 3 },
      { value: null, line: 5, index: 4 },
    ]);
    assert.deepEqual(whole.members, { type: 'bundle', id: 'bundle--1', x_after: { k: [1, 2] } });
    assert.equal(whole.shape, 'object');
    for (const size of [1, 2, 3, 7, 64]) assert.deepEqual(split(BUNDLE, size), whole, `chunks of ${size}`);
  });

  it('streams the elements of a top-level array', () => {
    const result = split('[{"a": 1},\n{"b": 2}]', 4);
    assert.deepEqual(result.elements.map((element) => [element.value, element.line]), [[{ a: 1 }, 1], [{ b: 2 }, 2]]);
    assert.equal(result.shape, 'array');
  });

  it('keeps a single object as members, including an "objects" that is not an array', () => {
    const result = split('{"type": "observed-data", "objects": {"0": {"type": "ipv4-addr"}}}', 5);
    assert.deepEqual(result.elements, []);
    assert.deepEqual(result.members.objects, { '0': { type: 'ipv4-addr' } });
  });

  it('reports a truncated document, after handing over the elements that were complete', () => {
    const result = split('{"objects": [{"a": 1}, {"b": ', 3);
    assert.deepEqual(result.elements.map((element) => element.value), [{ a: 1 }]);
    assert.match(result.damage!.message, /ends with 3 unclosed brackets/);
  });

  it('reports mismatched brackets and text after the document with line and column', () => {
    assert.deepEqual(split('{"a": [1}\n', 2).damage, { message: "'}' closes a '['", line: 1, column: 9 });
    assert.equal(split('{"a": 1}\n{"b": 2}', 2).damage?.message, 'text after the end of the document');
    assert.equal(split('{"a": "open', 2).damage?.message, 'the document ends inside a string');
  });

  it('hands a bare value back whole', () => {
    assert.equal(split('  "just text" ', 3).value, '"just text"');
    assert.equal(split('42', 1).shape, 'value');
  });
});
