/**
 * STIX 2.1 patterning (STIX 2.1 section 9): parse a pattern into a typed
 * tree, find the indicator values a simple pattern can be indexed by, and
 * match patterns against observations. Pure: no I/O, no clock.
 */
export type {
  ComparisonNode, ComparisonOperator, Joined, Literal, ObjectPath, PathStep, Pattern, PatternNode, PropTest, StringLiteral, TimestampLiteral,
} from './ast.ts';
export { PatternError, PatternLimitError } from './errors.ts';
export { parsePattern, parseObjectPath } from './parser.ts';
export { formatPattern } from './format.ts';
export { formatPath, pathKey } from './path.ts';
export { patternIndicators, STIX_HASH_TYPES } from './indicators.ts';
export type { IndicatorValue, PatternIndicators, RejectedValue } from './indicators.ts';
export { compilePattern, matches } from './compile.ts';
export type { CompiledPattern } from './compile.ts';
export { matchSequence, findSequenceMatch } from './sequence.ts';
export type { SequenceOptions } from './sequence.ts';
export { flattenObjects, observationKey } from './observation.ts';
export type { Observation, ObservedRecord, ObservedValue, TimedObservation } from './observation.ts';
