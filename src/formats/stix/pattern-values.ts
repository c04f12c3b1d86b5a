import type { IndicatorType } from '../../model/index.ts';
import { PatternError, patternIndicators } from '../../pattern/index.ts';

export type FoundValues =
  | { ok: true; values: Array<{ type: IndicatorType; value: string }>; rejected: Array<{ value: string; reason: string }> }
  | { ok: false; message: string };

/** The indexable values of a STIX pattern; a pattern that does not parse says where. Complex patterns index nothing. */
export function indicatorValues(pattern: string): FoundValues {
  try {
    const found = patternIndicators(pattern);
    return { ok: true, values: found.values, rejected: found.rejected };
  } catch (error) {
    if (error instanceof PatternError) return { ok: false, message: `pattern does not parse: at character ${error.position}: ${error.reason}` };
    throw error;
  }
}
