import type { ComparisonNode, Literal, ObjectPath, Pattern, PathStep, PatternNode, PropTest, StringLiteral, TimestampLiteral } from './ast.ts';
import { PatternError } from './errors.ts';
import { describe, nextToken, type Token } from './lexer.ts';

/**
 * A recursive-descent parser for STIXPattern.g4. Precedence, loosest first:
 * FOLLOWEDBY, OR, AND between observation expressions; qualifiers bind to the
 * observation expression (or parenthesised group) before them; inside
 * brackets OR is looser than AND. Every operator associates to the left.
 */
export function parsePattern(text: string): Pattern {
  const parser = new Parser(text);
  const root = parser.observationExpressions();
  parser.expectEnd('AND, OR, FOLLOWEDBY or a qualifier');
  return { text, root };
}

/** One object path on its own, such as an observation record key (`file:hashes.'SHA-256'`). */
export function parseObjectPath(text: string): ObjectPath {
  const parser = new Parser(text);
  const path = parser.objectPath();
  parser.expectEnd("'.' or '['");
  return path;
}

const ORDER_OPS = new Set(['<', '<=', '>', '>=']);
const STRING_OPS = new Set(['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);

class Parser {
  private tok: Token;

  constructor(private readonly src: string) {
    this.tok = nextToken(src, 0);
  }

  private fail(at: number, reason: string): never {
    throw new PatternError(this.src, at, reason);
  }

  private expected(what: string): never {
    return this.fail(this.tok.at, `expected ${what} but found ${describe(this.tok)}`);
  }

  private advance(): Token {
    const token = this.tok;
    this.tok = nextToken(this.src, token.end);
    return token;
  }

  private is(kind: Token['kind'], text?: string): boolean {
    return this.tok.kind === kind && (text === undefined || this.tok.text === text);
  }

  private accept(kind: Token['kind'], text: string): boolean {
    if (!this.is(kind, text)) return false;
    this.advance();
    return true;
  }

  private expect(kind: Token['kind'], text: string): Token {
    if (!this.is(kind, text)) this.expected(`'${text}'`);
    return this.advance();
  }

  expectEnd(what: string): void {
    if (!this.is('eof')) this.expected(`${what} or the end of the pattern`);
  }

  observationExpressions(): PatternNode {
    let left = this.observationOr();
    while (this.accept('keyword', 'FOLLOWEDBY')) left = { kind: 'followedby', left, right: this.observationOr(), at: left.at };
    return left;
  }

  private observationOr(): PatternNode {
    let left = this.observationAnd();
    while (this.accept('keyword', 'OR')) left = { kind: 'or', left, right: this.observationAnd(), at: left.at };
    return left;
  }

  private observationAnd(): PatternNode {
    let left = this.qualified();
    while (this.accept('keyword', 'AND')) left = { kind: 'and', left, right: this.qualified(), at: left.at };
    return left;
  }

  /** An observation expression and the qualifiers after it; at most one of each kind (9.5.1). */
  private qualified(): PatternNode {
    let node = this.observationPrimary();
    const seen = new Set<string>();
    for (;;) {
      const token = this.tok;
      if (token.kind !== 'keyword' || !['WITHIN', 'REPEATS', 'START'].includes(token.text)) return node;
      if (seen.has(token.text)) this.fail(token.at, `an observation expression may have only one ${token.text} qualifier`);
      seen.add(token.text);
      this.advance();
      if (token.text === 'WITHIN') {
        const seconds = this.positiveNumber('WITHIN', true);
        this.expect('keyword', 'SECONDS');
        node = { kind: 'within', seconds, operand: node, at: node.at };
      } else if (token.text === 'REPEATS') {
        const times = this.positiveNumber('REPEATS', false);
        this.expect('keyword', 'TIMES');
        node = { kind: 'repeats', times, operand: node, at: node.at };
      } else {
        const start = this.timestamp('START');
        this.expect('keyword', 'STOP');
        const stop = this.timestamp('STOP');
        node = { kind: 'start-stop', start, stop, operand: node, at: node.at };
      }
    }
  }

  private positiveNumber(qualifier: string, float: boolean): number {
    const literal = this.tok.literal;
    const allowed = float ? 'a positive number of seconds' : 'a positive whole number';
    if (!literal || !(literal.kind === 'int' || (float && literal.kind === 'float'))) this.expected(`${qualifier} ${allowed}`);
    if (!(literal.value > 0)) this.fail(literal.at, `${qualifier} needs ${allowed}, not ${literal.text}`);
    this.advance();
    return literal.value;
  }

  private timestamp(keyword: string): TimestampLiteral {
    const literal = this.tok.literal;
    if (literal?.kind !== 'timestamp') this.expected(`a timestamp t'…' after ${keyword}`);
    this.advance();
    return literal;
  }

  private observationPrimary(): PatternNode {
    const at = this.tok.at;
    if (this.accept('punct', '[')) {
      const comparison = this.comparisonOr();
      this.expect('punct', ']');
      return { kind: 'observation', comparison, at };
    }
    if (this.accept('punct', '(')) {
      const inner = this.observationExpressions();
      this.expect('punct', ')');
      return inner;
    }
    return this.expected("'[' or '('");
  }

  private comparisonOr(): ComparisonNode {
    let left = this.comparisonAnd();
    while (this.accept('keyword', 'OR')) left = { kind: 'or', left, right: this.comparisonAnd(), at: left.at };
    return left;
  }

  private comparisonAnd(): ComparisonNode {
    let left = this.propTest();
    while (this.accept('keyword', 'AND')) left = { kind: 'and', left, right: this.propTest(), at: left.at };
    return left;
  }

  private propTest(): ComparisonNode {
    const at = this.tok.at;
    if (this.accept('punct', '(')) {
      const inner = this.comparisonOr();
      this.expect('punct', ')');
      return inner;
    }
    if (this.is('keyword', 'NOT') || this.is('keyword', 'EXISTS')) {
      const negated = this.accept('keyword', 'NOT');
      if (!this.accept('keyword', 'EXISTS')) this.expected("EXISTS (NOT goes after the object path, as in file:name NOT = 'x')");
      return { kind: 'test', operator: 'EXISTS', path: this.objectPath(), negated, at };
    }
    if (!this.is('ident')) this.expected("an object path, '(' or EXISTS");
    const path = this.objectPath();
    const negated = this.accept('keyword', 'NOT');
    const op = this.tok;
    const base = { kind: 'test' as const, path, negated, at };
    if (op.kind === 'op' && (op.text === '=' || op.text === '!=')) {
      this.advance();
      return { ...base, operator: op.text, value: this.literal('a constant') };
    }
    if (op.kind === 'op' && ORDER_OPS.has(op.text)) {
      this.advance();
      const value = this.literal('a constant');
      if (value.kind === 'bool') this.fail(value.at, `${op.text} cannot order a boolean`);
      return { ...base, operator: op.text as '<', value };
    }
    if (op.kind === 'keyword' && op.text === 'IN') {
      this.advance();
      return { ...base, operator: 'IN', value: this.set() };
    }
    if (op.kind === 'keyword' && STRING_OPS.has(op.text)) {
      this.advance();
      const value = this.literal(`a string constant after ${op.text}`);
      if (value.kind !== 'string') this.fail(value.at, `${op.text} needs a string constant, not ${value.text}`);
      return { ...base, operator: op.text as 'LIKE', value: value as StringLiteral } satisfies PropTest;
    }
    return this.expected('a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)');
  }

  private literal(what: string): Literal {
    const literal = this.tok.literal;
    if (!literal) this.expected(what);
    this.advance();
    return literal;
  }

  /** `(a, b, …)`: constants of one type (9.6.1); integers and floats mix. */
  private set(): Literal[] {
    this.expect('punct', '(');
    const values: Literal[] = [];
    if (!this.is('punct', ')')) {
      do values.push(this.literal('a constant')); while (this.accept('punct', ','));
    }
    this.expect('punct', ')');
    const family = (literal: Literal) => (literal.kind === 'float' ? 'int' : literal.kind);
    const odd = values.find((value) => family(value) !== family(values[0]!));
    if (odd) this.fail(odd.at, `IN needs constants of one type, but ${odd.text} is a ${odd.kind} and ${values[0]!.text} a ${values[0]!.kind}`);
    return values;
  }

  objectPath(): ObjectPath {
    const type = this.tok;
    if (type.kind !== 'ident') this.expected('an object type');
    this.advance();
    this.expect('punct', ':');
    const steps: PathStep[] = [{ key: this.propertyName() }];
    for (;;) {
      if (this.accept('punct', '.')) steps.push({ key: this.propertyName() });
      else if (this.accept('punct', '[')) {
        steps.push({ index: this.index() });
        this.expect('punct', ']');
      } else break;
    }
    return { objectType: type.text, steps, at: type.at };
  }

  private propertyName(): string {
    const token = this.tok;
    if (token.kind === 'ident') {
      if (token.hyphen) this.fail(token.at, `property name ${token.text} holds a hyphen, so it must be quoted: '${token.text}'`);
      this.advance();
      return token.text;
    }
    if (token.literal?.kind === 'string') {
      this.advance();
      return token.literal.value;
    }
    return this.expected('a property name');
  }

  private index(): number | '*' {
    if (this.accept('punct', '*')) return '*';
    const literal = this.tok.literal;
    if (literal?.kind !== 'int') this.expected("a list index (a whole number or '*')");
    this.advance();
    return literal.value;
  }
}
