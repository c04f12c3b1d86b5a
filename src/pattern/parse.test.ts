import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../errors.ts';
import type { ComparisonNode, Literal, PatternNode, PropTest } from './ast.ts';
import { PatternError } from './errors.ts';
import { formatPattern } from './format.ts';
import { observationKey } from './observation.ts';
import { parseObjectPath, parsePattern } from './parser.ts';

const SHA256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f';

/** A compact rendering of the tree, so precedence shows: (a AND b) OR c. */
function shape(node: PatternNode | ComparisonNode): string {
  switch (node.kind) {
    case 'test':
      return 'value' in node && !Array.isArray(node.value) ? `${node.path.steps.map((s) => ('key' in s ? s.key : s.index)).join('.')}` : node.operator;
    case 'observation':
      return `[${shape(node.comparison)}]`;
    case 'and':
    case 'or':
    case 'followedby':
      return `(${shape(node.left)} ${node.kind.toUpperCase()} ${shape(node.right)})`;
    case 'within':
      return `${shape(node.operand)} WITHIN ${node.seconds}`;
    case 'repeats':
      return `${shape(node.operand)} REPEATS ${node.times}`;
    case 'start-stop':
      return `${shape(node.operand)} START-STOP`;
  }
}

function firstTest(pattern: string): PropTest {
  let node: PatternNode = parsePattern(pattern).root;
  while (node.kind !== 'observation') node = 'operand' in node ? node.operand : node.left;
  let comparison: ComparisonNode = node.comparison;
  while (comparison.kind !== 'test') comparison = comparison.left;
  return comparison;
}

function constant(pattern: string): Literal {
  const test = firstTest(pattern);
  assert.ok('value' in test && !Array.isArray(test.value));
  return test.value as Literal;
}

describe('parse: precedence and associativity (9.5.3, 9.6)', () => {
  const rows: [string, string][] = [
    ["[a:j = 'W' AND a:k = 'X' OR a:l = 'Z']", '[((j AND k) OR l)]'],
    ["[a:j = 'W' OR a:k = 'X' AND a:l = 'Z']", '[(j OR (k AND l))]'],
    ["[(a:j = 'W' OR a:k = 'X') AND a:l = 'Z']", '[((j OR k) AND l)]'],
    ['[a:x = 1 AND a:y = 2 AND a:z = 3]', '[((x AND y) AND z)]'],
    ['[a:x = 1] AND [a:y = 2] OR [a:z = 3]', '(([x] AND [y]) OR [z])'],
    ['[a:x = 1] OR [a:y = 2] FOLLOWEDBY [a:z = 3]', '(([x] OR [y]) FOLLOWEDBY [z])'],
    ['[a:x = 1] FOLLOWEDBY [a:y = 2] FOLLOWEDBY [a:z = 3]', '(([x] FOLLOWEDBY [y]) FOLLOWEDBY [z])'],
    ['[a:x = 1] FOLLOWEDBY ([a:y = 2] FOLLOWEDBY [a:z = 3])', '([x] FOLLOWEDBY ([y] FOLLOWEDBY [z]))'],
    // 9.5.2: qualifiers are not greedy: REPEATS applies to [c] only
    ["[a:b = 'b'] FOLLOWEDBY [a:c = 'd'] REPEATS 5 TIMES", '([b] FOLLOWEDBY [c] REPEATS 5)'],
    ["([a:b = 'b'] FOLLOWEDBY [a:c = 'd']) REPEATS 5 TIMES", '([b] FOLLOWEDBY [c]) REPEATS 5'],
    // 9.5: ([ a ] AND [ b ] REPEATS 5 TIMES) WITHIN …
    ['([a:a = 1] AND [a:b = 1] REPEATS 5 TIMES) WITHIN 300 SECONDS', '([a] AND [b] REPEATS 5) WITHIN 300'],
    ['[a:a = 1] REPEATS 5 TIMES WITHIN 1800 SECONDS', '[a] REPEATS 5 WITHIN 1800'],
    ["[a:a = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z' WITHIN 1.5 SECONDS", '[a] START-STOP WITHIN 1.5'],
  ];
  for (const [pattern, expected] of rows) {
    it(`${pattern} → ${expected}`, () => assert.equal(shape(parsePattern(pattern).root), expected));
  }
});

describe('parse: the canonical spelling parses back to the same tree', () => {
  const rows: [string, string][] = [
    [`[file:hashes.'SHA-256' = '${SHA256}']`, `[file:hashes.'SHA-256' = '${SHA256}']`],
    ["  [ file : name\n\t=  'x' ] /* a comment */ // and a line comment", "[file:name = 'x']"],
    ["[file:name == 'x' AND file:size <> 5]", "[file:name = 'x' AND file:size != 5]"],
    ["[file:'name' = 'x']", "[file:name = 'x']"],
    ["[x:'a.b' = 1 AND x:'IN' = 2]", "[x:'a.b' = 1 AND x:'IN' = 2]"],
    ['[file:size NOT >= +5]', '[file:size NOT >= +5]'],
    ["[process:name NOT IN ('proccy','proximus')]", "[process:name NOT IN ('proccy', 'proximus')]"],
    ['[x:y IN ()]', '[x:y IN ()]'],
    ['[x:y IN (1, 2.5, -3)]', '[x:y IN (1, 2.5, -3)]'],
    ['[NOT EXISTS windows-registry-key:values]', '[NOT EXISTS windows-registry-key:values]'],
    ["[(a:x = 1 OR a:y = 2) AND (a:z = 3 OR a:w = 4)]", '[(a:x = 1 OR a:y = 2) AND (a:z = 3 OR a:w = 4)]'],
    ["[a:x = 1 OR (a:y = 2 OR a:z = 3)]", '[a:x = 1 OR (a:y = 2 OR a:z = 3)]'],
    ["([a:x = 1] AND [a:y = 2]) WITHIN 120 SECONDS", '([a:x = 1] AND [a:y = 2]) WITHIN 120 SECONDS'],
    ["[a:x = 1] AND ([a:y = 2] OR [a:z = 3])", '[a:x = 1] AND ([a:y = 2] OR [a:z = 3])'],
    ["[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]", "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]"],
    ["[x:list[-1] = h'FFd8' OR x:b = b'ABI=' OR x:c = true]", "[x:list[-1] = h'FFd8' OR x:b = b'ABI=' OR x:c = true]"],
    ["[x:s = 'it\\'s a \\\\ test']", "[x:s = 'it\\'s a \\\\ test']"],
  ];
  for (const [pattern, expected] of rows) {
    it(JSON.stringify(pattern), () => {
      const once = formatPattern(parsePattern(pattern));
      assert.equal(once, expected);
      assert.equal(formatPattern(parsePattern(once)), once);
      assert.equal(shape(parsePattern(once).root), shape(parsePattern(pattern).root));
    });
  }
});

describe('parse: constants (9.2)', () => {
  it("strings: only \\' and \\\\ are escapes", () => {
    assert.deepEqual(constant("[x:s = 'it\\'s C:\\\\Windows']"), { kind: 'string', value: "it's C:\\Windows", text: "'it\\'s C:\\\\Windows'", at: 7 });
  });
  it('integers and floats, signed', () => {
    assert.equal(constant('[x:n = -42]').value, -42);
    assert.equal(constant('[x:n = -42]').kind, 'int');
    assert.equal(constant('[x:n = +7]').value, 7);
    assert.equal(constant('[x:n = .5]').value, 0.5);
    assert.equal(constant('[x:n = -1.25]').kind, 'float');
    assert.equal(constant('[x:n = 0]').value, 0);
  });
  it('booleans', () => {
    assert.equal(constant('[x:b = true]').value, true);
    assert.equal(constant('[x:b = false]').value, false);
  });
  it("hex h'…' and binary b'…' decode to octets; line feeds in base64 are ignored", () => {
    assert.deepEqual([...(constant("[x:h = h'ffD8']").value as Uint8Array)], [0xff, 0xd8]);
    assert.deepEqual([...(constant("[x:h = h'']").value as Uint8Array)], []);
    assert.equal(Buffer.from(constant("[x:b = b'dGhpcyBpcyBhIHRlc3Q=']").value as Uint8Array).toString(), 'this is a test');
    assert.equal(Buffer.from(constant("[x:b = b'dGhpcyBp\ncyBhIHRlc3Q=']").value as Uint8Array).toString(), 'this is a test');
  });
  it("timestamps t'…' become milliseconds since the epoch, fractions kept", () => {
    assert.equal(constant("[x:t = t'2014-01-13T07:03:17Z']").value, Date.UTC(2014, 0, 13, 7, 3, 17));
    assert.equal(constant("[x:t = t'2014-01-13T07:03:17.25Z']").value, Date.UTC(2014, 0, 13, 7, 3, 17, 250));
    assert.equal(constant("[x:t = t'2016-02-29T23:59:60Z']").value, Date.UTC(2016, 2, 1, 0, 0, 0));
    // years below 100 are not read as 19xx
    assert.equal(constant("[x:t = t'0099-01-01T00:00:00Z']").value, Date.parse('0099-01-01T00:00:00.000Z'));
    assert.notEqual(constant("[x:t = t'0099-01-01T00:00:00Z']").value, Date.UTC(1999, 0, 1));
  });
});

describe('parse: object paths (9.7)', () => {
  it('dotted properties, quoted names, list indexes and references', () => {
    const path = firstTest("[email-message:body_multipart[*].body_raw_ref.'x-name'[2] = 'a']").path;
    assert.deepEqual(path, {
      objectType: 'email-message',
      steps: [{ key: 'body_multipart' }, { index: '*' }, { key: 'body_raw_ref' }, { key: 'x-name' }, { index: 2 }],
      at: 1,
    });
  });
  it('custom object types may hold hyphens; property names only when quoted', () => {
    assert.equal(firstTest("[x-usb-device:usbdrive.serial_number = '5758']").path.objectType, 'x-usb-device');
    assert.deepEqual(firstTest("[file:hashes.'SHA-256' = 'a']").path.steps, [{ key: 'hashes' }, { key: 'SHA-256' }]);
  });
  it('record keys: hash names in the STIX spelling, names quoted only where needed', () => {
    assert.equal(observationKey('file:hashes.sha256'), "file:hashes.'SHA-256'");
    assert.equal(observationKey("file:hashes.'md5'"), 'file:hashes.MD5');
    assert.equal(observationKey('file:hashes.SHA_1'), "file:hashes.'SHA-1'");
    assert.equal(observationKey("x509-certificate:hashes.'sha-256'"), "x509-certificate:hashes.'SHA-256'");
    assert.equal(observationKey("file:'name'"), 'file:name');
    assert.equal(observationKey("x:'a.b'[ * ]"), "x:'a.b'[*]");
    assert.equal(observationKey("file:hashes.'X-CUSTOM'"), "file:hashes.'X-CUSTOM'");
    assert.throws(() => parseObjectPath('file:name ='), /at 10: expected '\.' or '\[' or the end of the pattern but found '='/);
  });
});

describe('parse: malformed patterns name the position and the problem', () => {
  const rows: [pattern: string, position: number, message: RegExp][] = [
    ['', 0, /expected '\[' or '\(' but found end of pattern/],
    ["[ipv4-addr:value = '198.51.100.1'", 33, /expected '\]' but found end of pattern/],
    ["[ipv4-addr:value = '198.51.100.1'] AND", 38, /expected '\[' or '\(' but found end of pattern/],
    ["([ipv4-addr:value = '1.2.3.4']", 30, /expected '\)' but found end of pattern/],
    ["[(file:name = 'x']", 17, /expected '\)' but found '\]'/],
    ["[file:hashes.SHA-256 = 'x']", 13, /property name SHA-256 holds a hyphen, so it must be quoted: 'SHA-256'/],
    ["[file:name 'x']", 11, /expected a comparison operator \(=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET\) but found 'x'/],
    ['[file:name = ]', 13, /expected a constant but found '\]'/],
    ['[file:name LIKE 5]', 16, /LIKE needs a string constant, not 5/],
    ['[file:name MATCHES x:y]', 19, /expected a string constant after MATCHES but found 'x'/],
    ['[file:size > true]', 13, /> cannot order a boolean/],
    ["[file:name IN ('a', 1)]", 20, /IN needs constants of one type, but 1 is a int and 'a' a string/],
    ["[file:name = 'a\\n']", 15, /only \\' and \\\\ may be escaped/],
    ["[file:name = 'abc]", 13, /string constant is not closed with '/],
    ["[x:y = h'abc']", 7, /hex constant h'abc' must hold an even number of hex digits/],
    ["[x:y = h'zz']", 7, /hex constant/],
    ["[x:y = b'abc']", 7, /binary constant b'abc' is not padded base64/],
    ["[x:y = b'']", 7, /binary constant/],
    ["[x:y = t'2016-02-30T00:00:00Z']", 7, /timestamp constant t'2016-02-30T00:00:00Z' is not a valid/],
    ["[x:y = t'2016-01-01 00:00:00Z']", 7, /timestamp constant/],
    ["[x:y = t'2016-01-01T00:00:00+01:00']", 7, /timestamp constant/],
    ['[x:y = 007]', 7, /number 007 has a leading zero/],
    ['[x:y = 99999999999999999999]', 7, /integer 99999999999999999999 is too large/],
    ['[x:y = 1] WITHIN 0 SECONDS', 17, /WITHIN needs a positive number of seconds, not 0/],
    ['[x:y = 1] WITHIN -5 SECONDS', 17, /WITHIN needs a positive number of seconds, not -5/],
    ['[x:y = 1] WITHIN 5 MINUTES', 19, /expected 'SECONDS' but found 'MINUTES'/],
    ['[x:y = 1] REPEATS 2.5 TIMES', 18, /expected REPEATS a positive whole number but found '2.5'/],
    ['[x:y = 1] REPEATS 2 TIMES REPEATS 3 TIMES', 26, /only one REPEATS qualifier/],
    ["[x:y = 1] START t'2016-01-01T00:00:00Z'", 39, /expected 'STOP' but found end of pattern/],
    ["[x:y = 1] START '2016-01-01T00:00:00Z' STOP t'2016-02-01T00:00:00Z'", 16, /expected a timestamp t'…' after START/],
    ['[NOT x:y = 1]', 5, /expected EXISTS \(NOT goes after the object path/],
    ['[x:y = 1] [a:b = 2]', 10, /expected AND, OR, FOLLOWEDBY or a qualifier or the end of the pattern but found '\['/],
    ['[x:y = 1] and [a:b = 2]', 10, /but found 'and'/],
    ['[x:y = 1 ~ 2]', 9, /unexpected character "~"/],
    ['[x:y = 1] /* never closed', 10, /comment is not closed/],
    ['[x:y[a] = 1]', 5, /expected a list index \(a whole number or '\*'\) but found 'a'/],
    ['[x: = 1]', 4, /expected a property name but found '='/],
    [':y = 1]', 0, /expected '\[' or '\(' but found ':'/],
    ['[:y = 1]', 1, /expected an object path, '\(' or EXISTS but found ':'/],
    ["[file:name = 'x'] OR", 20, /end of pattern/],
  ];
  for (const [pattern, position, message] of rows) {
    it(`${JSON.stringify(pattern)} at ${position}`, () => {
      assert.throws(() => parsePattern(pattern), (error: unknown) => {
        assert.ok(error instanceof PatternError, `not a PatternError: ${String(error)}`);
        assert.equal(error.position, position, error.message);
        assert.match(error.message, message);
        assert.ok(error.message.startsWith(`pattern: at ${position}: `), error.message);
        return true;
      });
    });
  }

  it('the error is an InputError on the pattern field, with the pattern as its value', () => {
    const error = (() => {
      try {
        parsePattern("[file:name = 'x'");
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    assert.ok(error instanceof InputError);
    assert.ok(error instanceof PatternError);
    assert.equal(error.code, 'TIX_INPUT_BAD_FIELD');
    assert.equal(error.field, 'pattern');
    assert.equal(error.value, "[file:name = 'x'");
    assert.equal(error.reason, "expected ']' but found end of pattern");
    assert.equal(error.message, "pattern: at 16: expected ']' but found end of pattern");
  });
});
