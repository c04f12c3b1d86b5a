import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanJson } from './json-scan.ts';

const none = (): boolean => false;
const errorOf = (text: string) => scanJson(text, none).error;

describe('scanJson', () => {
  it('accepts what JSON.parse accepts', () => {
    for (const text of ['{}', '[]', '0', '-0.5e+10', '"a\\u00e9\\n"', 'true', ' null ', '\uFEFF{"a":[1,{"b":false}]}', '{"k\\"ey":"v"}']) {
      assert.doesNotThrow(() => JSON.parse(text.replace(/^\uFEFF/, '')), text);
      assert.equal(errorOf(text), undefined, text);
    }
  });

  it('says where malformed JSON goes wrong, by line and column', () => {
    const cases: Array<[string, string, number, number]> = [
      ['{\n  "a": 1\n  "b": 2\n}', "expected ',' or '}'", 3, 3],
      ['{"a": [1, 2,]}', 'unexpected character "]"', 1, 13],
      ['{"a": 01}', 'malformed number', 1, 7],
      ['{"a": "x\ny"}', 'unterminated string (line break inside a string)', 1, 7],
      ['{"a": "\\q"}', 'bad escape in a string', 1, 7],
      ['{"a": tru}', 'unexpected character "t"', 1, 7],
      ['{a: 1}', 'expected a member name in double quotes', 1, 2],
      ['{"a" 1}', "expected ':' after a member name", 1, 6],
      ['{"a": 1}}', 'unexpected text after the JSON value', 1, 9],
      ['{"a": [\n', 'unexpected end of input', 2, 1],
      ['', 'unexpected end of input', 1, 1],
    ];
    for (const [text, message, line, column] of cases) {
      assert.throws(() => JSON.parse(text), SyntaxError, text);
      assert.deepEqual(errorOf(text), { message, offset: errorOf(text)!.offset, line, column }, text);
    }
  });

  it('refuses nesting deep enough to be an attack, without recursion', () => {
    assert.match(errorOf('['.repeat(100_000))!.message, /nested deeper than 512 levels/);
    assert.equal(errorOf(`${'['.repeat(500)}${']'.repeat(500)}`), undefined);
  });

  it('notes the line of the values asked for, by JSON path', () => {
    const text = '{"response": [\n {"Event": {\n  "Attribute": [\n   {"a": 1},\n   {"b": {"c": [2]}}\n  ],\n  "Ob\\u006aect": [{"Attribute": [{}]}]\n }}\n]}';
    const scan = scanJson(text, (key, inArray, depth) => depth === 0 || (inArray ? key === 'Attribute' || key === 'Object' : key === 'Event'));
    assert.equal(scan.error, undefined);
    assert.deepEqual(Object.fromEntries(scan.lines), {
      '': 1,
      'response[0].Event': 2,
      'response[0].Event.Attribute[0]': 4,
      'response[0].Event.Attribute[1]': 5,
      'response[0].Event.Object[0]': 7,
      'response[0].Event.Object[0].Attribute[0]': 7,
    });
  });
});
