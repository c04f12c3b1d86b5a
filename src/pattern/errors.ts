import { InputError } from '../errors.ts';

/**
 * A STIX pattern that cannot be used: a syntax error, or a constant the
 * matcher cannot use (a bad regular expression, an ISSUBSET operand that is
 * not an address). It is bad input in the indicator's `pattern` field, so it
 * carries that code and field; `position` is the 0-based offset (in UTF-16
 * code units) of the offending text.
 */
export class PatternError extends InputError {
  readonly position: number;
  /** The message without the `pattern: at N:` prefix. */
  readonly reason: string;
  constructor(pattern: string, position: number, reason: string) {
    super('TIX_INPUT_BAD_FIELD', `pattern: at ${position}: ${reason}`, { field: 'pattern', value: pattern });
    this.position = position;
    this.reason = reason;
  }
}

/**
 * matchSequence gave up: the pattern has more candidate combinations of
 * observations than the limit allows. Raised rather than answering false,
 * because a silent false would be a missed detection.
 */
export class PatternLimitError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`pattern: more than ${limit} candidate combinations of observations; narrow the pattern or raise maxBindings`);
    this.name = 'PatternLimitError';
    this.limit = limit;
  }
}
