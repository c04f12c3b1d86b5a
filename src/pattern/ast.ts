/**
 * The typed syntax tree of a STIX 2.1 pattern (STIX 2.1 section 9, grammar
 * STIXPattern.g4). Every node keeps `at`, the 0-based offset of its first
 * character in the pattern text, so later stages can point at the source.
 */

/** A constant. `text` is the source spelling, kept so a pattern can be printed back unchanged. */
export type Literal =
  | { kind: 'string'; value: string; text: string; at: number }
  | { kind: 'int'; value: number; text: string; at: number }
  | { kind: 'float'; value: number; text: string; at: number }
  | { kind: 'bool'; value: boolean; text: string; at: number }
  | { kind: 'hex'; value: Uint8Array; text: string; at: number }
  | { kind: 'binary'; value: Uint8Array; text: string; at: number }
  /** `value` is milliseconds since the epoch; sub-millisecond digits survive as a fraction. */
  | { kind: 'timestamp'; value: number; text: string; at: number };

export type StringLiteral = Extract<Literal, { kind: 'string' }>;
export type TimestampLiteral = Extract<Literal, { kind: 'timestamp' }>;

/** `.name` (a property or dictionary key), `[n]` or `[*]`. */
export type PathStep = { key: string } | { index: number | '*' };

/** `file:hashes.'SHA-256'` is `{ objectType: 'file', steps: [{ key: 'hashes' }, { key: 'SHA-256' }] }`. */
export interface ObjectPath {
  objectType: string;
  /** Never empty: the first step is the first property name. */
  steps: PathStep[];
  at: number;
}

export type OrderOperator = '<' | '<=' | '>' | '>=';
export type StringOperator = 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';
export type ComparisonOperator = '=' | '!=' | OrderOperator | 'IN' | StringOperator | 'EXISTS';

interface TestBase {
  kind: 'test';
  path: ObjectPath;
  /** The NOT modifier: the whole comparison is negated. */
  negated: boolean;
  at: number;
}

/** One comparison expression: an object path, an operator and its constant(s). */
export type PropTest =
  | (TestBase & { operator: '=' | '!='; value: Literal })
  | (TestBase & { operator: OrderOperator; value: Exclude<Literal, { kind: 'bool' }> })
  | (TestBase & { operator: 'IN'; value: Literal[] })
  | (TestBase & { operator: StringOperator; value: StringLiteral })
  | (TestBase & { operator: 'EXISTS' });

/** Two operands joined by an operator. Each operator is its own union member, so `kind` narrows. */
export interface Joined<K extends string, T> {
  kind: K;
  left: T;
  right: T;
  at: number;
}

/** Inside square brackets: comparison expressions joined by AND (tighter) and OR. */
export type ComparisonNode = PropTest | Joined<'and', ComparisonNode> | Joined<'or', ComparisonNode>;

/** Observation expressions, the operators between them and their qualifiers. */
export type PatternNode =
  | { kind: 'observation'; comparison: ComparisonNode; at: number }
  | Joined<'and', PatternNode>
  | Joined<'or', PatternNode>
  | Joined<'followedby', PatternNode>
  | { kind: 'within'; seconds: number; operand: PatternNode; at: number }
  | { kind: 'repeats'; times: number; operand: PatternNode; at: number }
  | { kind: 'start-stop'; start: TimestampLiteral; stop: TimestampLiteral; operand: PatternNode; at: number };

export interface Pattern {
  /** The text the tree was parsed from. */
  text: string;
  root: PatternNode;
}
