import type { ComparisonNode, Joined, Literal, ObjectPath, Pattern, PatternNode, PropTest } from './ast.ts';
import {
  bytesToLatin1, canonicalIp, compareBytes, compareCodePoints, decodeBinary, ipRange, ipv4Block, ipv4BlockWithin,
  latin1Bytes, likeToRegExp, pcreToRegExp, rangeWithin, type IpRange,
} from './compare.ts';
import { PatternError } from './errors.ts';
import { parseTimestamp } from './lexer.ts';
import type { Observation, ObservedRecord, ObservedValue } from './observation.ts';
import { parsePattern } from './parser.ts';
import { pathKey } from './path.ts';

/** A pattern ready to evaluate: constants decoded, expressions built, keys rendered once. */
export interface CompiledPattern {
  readonly pattern: Pattern;
  readonly root: CompiledNode;
  /** One observation expression without qualifiers: a single observation decides it. */
  readonly single: boolean;
}

export type CompiledNode =
  | { kind: 'observation'; matches: (observation: Observation) => boolean }
  | Joined<'and', CompiledNode>
  | Joined<'or', CompiledNode>
  | Joined<'followedby', CompiledNode>
  | { kind: 'within'; ms: number; operand: CompiledNode }
  | { kind: 'repeats'; times: number; operand: CompiledNode }
  | { kind: 'start-stop'; start: number; stop: number; operand: CompiledNode };

export function compilePattern(pattern: string | Pattern): CompiledPattern {
  const parsed = typeof pattern === 'string' ? parsePattern(pattern) : pattern;
  const root = compileNode(parsed.root, parsed.text);
  return { pattern: parsed, root, single: root.kind === 'observation' };
}

function compileNode(node: PatternNode, text: string): CompiledNode {
  switch (node.kind) {
    case 'observation':
      return { kind: 'observation', matches: compileObservation(node.comparison, text) };
    case 'and':
    case 'or':
    case 'followedby':
      return { kind: node.kind, left: compileNode(node.left, text), right: compileNode(node.right, text), at: node.at } as CompiledNode;
    case 'within':
      return { kind: 'within', ms: node.seconds * 1000, operand: compileNode(node.operand, text) };
    case 'repeats':
      return { kind: 'repeats', times: node.times, operand: compileNode(node.operand, text) };
    case 'start-stop':
      return { kind: 'start-stop', start: node.start.value, stop: node.stop.value, operand: compileNode(node.operand, text) };
  }
}

type Evaluate = (record: ObservedRecord, root: string) => boolean;

/**
 * Every comparison joined by AND must hold on the same object (9.5): with
 * one object type in the brackets that is automatic; with several, each
 * type takes a turn as the root and comparisons on other types are false.
 */
function compileObservation(comparison: ComparisonNode, text: string): (observation: Observation) => boolean {
  const types = new Set<string>();
  const evaluate = compileComparison(comparison, text, types);
  const roots = [...types];
  const onRecord: (record: ObservedRecord) => boolean =
    roots.length === 1 ? (record) => evaluate(record, roots[0]!) : (record) => roots.some((root) => evaluate(record, root));
  return (observation) => (Array.isArray(observation) ? (observation as readonly ObservedRecord[]).some(onRecord) : onRecord(observation as ObservedRecord));
}

function compileComparison(node: ComparisonNode, text: string, types: Set<string>): Evaluate {
  if (node.kind === 'and' || node.kind === 'or') {
    const left = compileComparison(node.left, text, types);
    const right = compileComparison(node.right, text, types);
    return node.kind === 'and' ? (r, root) => left(r, root) && right(r, root) : (r, root) => left(r, root) || right(r, root);
  }
  const type = node.path.objectType;
  types.add(type);
  const test = compileTest(node, text);
  return (record, root) => root === type && test(record);
}

type Found = ObservedValue | readonly ObservedValue[] | undefined;

function compileTest(test: PropTest, text: string): (record: ObservedRecord) => boolean {
  const lookup = compileLookup(test.path);
  const negated = test.negated;
  if (test.operator === 'EXISTS') {
    const key = pathKey(test.path);
    const prefix = `${test.path.objectType}:`;
    const exists = (record: ObservedRecord) => lookup(record) !== undefined || hasKey(record, (k) => k.startsWith(`${key}.`) || k.startsWith(`${key}[`));
    // NOT EXISTS still needs an object of the type to be absent from (9.5: comparisons apply to one object)
    return negated ? (record) => hasKey(record, (k) => k.startsWith(prefix)) && !exists(record) : exists;
  }
  const holds = compilePredicate(test, text);
  return (record) => {
    const found = lookup(record);
    // a path that is not present makes the comparison false, whatever the operator (9.6)
    if (found === undefined) return false;
    if (!Array.isArray(found)) return holds(found as ObservedValue) !== negated;
    // NOT modifies the operator (9.6.1), and a list is tried item by item (9.7.2): any item passing the negated test will do
    for (const value of found as readonly ObservedValue[]) if (holds(value) !== negated) return true;
    return false;
  };
}

function hasKey(record: ObservedRecord, accept: (key: string) => boolean): boolean {
  for (const key in record) if (record[key] !== undefined && record[key] !== null && accept(key)) return true;
  return false;
}

/**
 * How a path finds its values in a record: its own key; for a trailing
 * `[n]` or `[*]`, the list stored under the key without it; for `[*]`, keys
 * with any index in that place. `_hex` and `_bin` text is decoded to octets.
 */
function compileLookup(path: ObjectPath): (record: ObservedRecord) => Found {
  const key = pathKey(path);
  const last = path.steps[path.steps.length - 1]!;
  const index = 'index' in last ? last.index : undefined;
  const listKey = index === undefined ? undefined : pathKey({ ...path, steps: path.steps.slice(0, -1) });
  const anyIndex = key.includes('[*]')
    ? new RegExp(`^${key.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&').replaceAll('\\[\\*\\]', '\\[(?:\\*|\\d+)\\]')}$`)
    : undefined;
  const lastKey = [...path.steps].reverse().find((step): step is { key: string } => 'key' in step)?.key ?? '';
  const encoding = lastKey.endsWith('_hex') ? 'hex' : lastKey.endsWith('_bin') ? 'bin' : undefined;

  const raw = (record: ObservedRecord): Found => {
    const own = record[key];
    if (own !== undefined && own !== null) return own;
    if (listKey !== undefined) {
      const list = record[listKey];
      if (Array.isArray(list)) {
        if (index === '*') return list as readonly ObservedValue[];
        return typeof index === 'number' && index >= 0 && index < list.length ? (list as readonly ObservedValue[])[index] : undefined;
      }
    }
    if (anyIndex === undefined) return undefined;
    let values: ObservedValue[] | undefined;
    for (const candidate in record) {
      const value = record[candidate];
      if (value === undefined || value === null || !anyIndex.test(candidate)) continue;
      values ??= [];
      if (Array.isArray(value)) values.push(...(value as readonly ObservedValue[]));
      else values.push(value as ObservedValue);
    }
    return values;
  };
  if (encoding === undefined) return raw;
  const decode = (value: ObservedValue): ObservedValue => (typeof value === 'string' ? decodeBinary(value, encoding) ?? value : value);
  return (record) => {
    const found = raw(record);
    if (found === undefined) return undefined;
    return Array.isArray(found) ? (found as readonly ObservedValue[]).map(decode) : decode(found as ObservedValue);
  };
}

type Predicate = (value: ObservedValue) => boolean;

function compilePredicate(test: Exclude<PropTest, { operator: 'EXISTS' }>, text: string): Predicate {
  const last = test.path.steps[test.path.steps.length - 1]!;
  // ipv4-addr:value = '198.51.100.1/32' names the address 198.51.100.1 (9.3)
  const addressValued = 'key' in last && last.key === 'value';
  switch (test.operator) {
    case '=':
      return equality(test.value, addressValued);
    case '!=': {
      const equal = equality(test.value, addressValued);
      // values of another type are unequal (9.6.1)
      return (value) => !equal(value);
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const order = ordering(test.value);
      const accept = { '<': (c: number) => c < 0, '<=': (c: number) => c <= 0, '>': (c: number) => c > 0, '>=': (c: number) => c >= 0 }[test.operator];
      return (value) => {
        const c = order(value);
        return c !== undefined && accept(c);
      };
    }
    case 'IN':
      return membership(test.value, addressValued);
    case 'LIKE': {
      const re = likeToRegExp(test.value.value);
      return (value) => (typeof value === 'string' ? re.test(nfc(value)) : value instanceof Uint8Array && re.test(bytesToLatin1(value)));
    }
    case 'MATCHES': {
      let text16: RegExp;
      let octets: RegExp;
      try {
        text16 = pcreToRegExp(test.value.value, true);
        // binary values are matched without unicode semantics (9.6.1)
        octets = pcreToRegExp(test.value.value, false);
      } catch (error) {
        throw new PatternError(text, test.value.at, `MATCHES needs a valid regular expression: ${(error as Error).message}`);
      }
      return (value) => (typeof value === 'string' ? text16.test(nfc(value)) : value instanceof Uint8Array && octets.test(bytesToLatin1(value)));
    }
    case 'ISSUBSET':
    case 'ISSUPERSET': {
      const canonical = canonicalIp(test.value.value);
      const range = canonical === undefined ? undefined : ipRange(canonical);
      if (!range) throw new PatternError(text, test.value.at, `${test.operator} needs an IP address or CIDR block, not ${test.value.text}`);
      const subset = test.operator === 'ISSUBSET';
      const block = ipv4Block(canonical!);
      if (block) {
        return (value) => {
          const observed = typeof value === 'string' ? ipv4Block(value) : undefined;
          return observed !== undefined && (subset ? ipv4BlockWithin(observed, block) : ipv4BlockWithin(block, observed));
        };
      }
      return (value) => {
        const observed: IpRange | undefined = typeof value === 'string' ? ipRange(value) : undefined;
        return observed !== undefined && (subset ? rangeWithin(observed, range) : rangeWithin(range, observed));
      };
    }
  }
}

const NON_ASCII = /[^\x00-\x7f]/;

/** LIKE and MATCHES compare NFC-normalised text (9.6.2); ASCII is already normal. */
function nfc(value: string): string {
  return NON_ASCII.test(value) ? value.normalize('NFC') : value;
}

function equality(literal: Literal, addressValued: boolean): Predicate {
  switch (literal.kind) {
    case 'string': {
      const expected = literal.value;
      const bytes = latin1Bytes(expected);
      const address = addressValued ? canonicalIp(expected) : undefined;
      return (value) => {
        if (typeof value === 'string') {
          if (value === expected) return true;
          return address !== undefined && (value === address || ((value.includes(':') || value.includes('/')) && canonicalIp(value) === address));
        }
        return value instanceof Uint8Array && bytes !== undefined && compareBytes(value, bytes) === 0;
      };
    }
    case 'int':
    case 'float': {
      const expected = literal.value;
      return (value) => value === expected;
    }
    case 'bool': {
      const expected = literal.value;
      return (value) => value === expected;
    }
    default: {
      const order = ordering(literal);
      return (value) => order(value) === 0;
    }
  }
}

/** The sign of observed - constant, or undefined when the two cannot be compared. */
function ordering(literal: Literal): (value: ObservedValue) => number | undefined {
  switch (literal.kind) {
    case 'string': {
      const expected = literal.value;
      const bytes = latin1Bytes(expected);
      return (value) => {
        if (typeof value === 'string') return compareCodePoints(value, expected);
        return value instanceof Uint8Array && bytes !== undefined ? compareBytes(value, bytes) : undefined;
      };
    }
    case 'int':
    case 'float': {
      const expected = literal.value;
      return (value) => (typeof value === 'number' ? value - expected : undefined);
    }
    case 'hex':
    case 'binary': {
      const expected = literal.value;
      return (value) => {
        const bytes = typeof value === 'string' ? latin1Bytes(value) : value instanceof Uint8Array ? value : undefined;
        return bytes === undefined ? undefined : compareBytes(bytes, expected);
      };
    }
    case 'timestamp': {
      const expected = literal.value;
      return (value) => {
        const time = typeof value === 'string' ? parseTimestamp(value) : typeof value === 'number' ? value : undefined;
        return time === undefined ? undefined : time - expected;
      };
    }
    case 'bool':
      return () => undefined;
  }
}

function membership(literals: Literal[], addressValued: boolean): Predicate {
  if (literals.length > 0 && literals.every((literal) => literal.kind === 'string')) {
    const set = new Set<string>();
    for (const literal of literals) {
      set.add(literal.value as string);
      const address = addressValued ? canonicalIp(literal.value as string) : undefined;
      if (address !== undefined) set.add(address);
    }
    const anyBytes = literals.some((literal) => latin1Bytes(literal.value as string) !== undefined);
    const slow = anyBytes ? literals.map((literal) => equality(literal, false)) : [];
    return (value) => {
      if (typeof value === 'string') {
        if (set.has(value)) return true;
        if (!addressValued || !(value.includes(':') || value.includes('/'))) return false;
        const address = canonicalIp(value);
        return address !== undefined && set.has(address);
      }
      return slow.some((equal) => equal(value));
    };
  }
  const tests = literals.map((literal) => equality(literal, addressValued));
  return (value) => tests.some((equal) => equal(value));
}

/**
 * Whether one observation matches. A pattern that needs several
 * observations (AND, FOLLOWEDBY or REPEATS between observation expressions)
 * cannot match one; START/STOP needs the observation's `time` (ms since the
 * epoch). For time-ordered matching use matchSequence.
 */
export function matches(compiled: CompiledPattern, observation: Observation, time = Number.NaN): boolean {
  return matchOne(compiled.root, observation, time);
}

function matchOne(node: CompiledNode, observation: Observation, time: number): boolean {
  switch (node.kind) {
    case 'observation':
      return node.matches(observation);
    case 'or':
      return matchOne(node.left, observation, time) || matchOne(node.right, observation, time);
    case 'and':
    case 'followedby':
      return false;
    case 'repeats':
      return node.times === 1 && matchOne(node.operand, observation, time);
    case 'within':
      // one observation is always within any window of itself
      return matchOne(node.operand, observation, time);
    case 'start-stop':
      return time >= node.start && time < node.stop && matchOne(node.operand, observation, time);
  }
}
