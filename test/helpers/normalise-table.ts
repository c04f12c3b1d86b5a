import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { IndicatorType } from '../../src/model/index.ts';
import { normalise } from '../../src/normalise/index.ts';

/** input, type hint, then the canonical {type, value} or a pattern the rejection reason must match. */
export type Row = [input: string, hint: IndicatorType | undefined, expected: { type: IndicatorType; value: string } | RegExp];

const HINT_ONLY = new Set<IndicatorType>(['ja3', 'x509-sha1', 'filename']);

/** One test per row; an accepted value must also be a fixed point of normalisation, typed or not. */
export function table(rows: Row[]): void {
  for (const [input, hint, expected] of rows) {
    const title = `${JSON.stringify(input)}${hint ? ` as ${hint}` : ''} → ${expected instanceof RegExp ? `rejected: ${expected.source}` : `${expected.type} ${expected.value}`}`;
    it(title, () => {
      const result = normalise(input, hint);
      if (expected instanceof RegExp) {
        assert.equal(result.ok, false, `expected a rejection, got ${JSON.stringify(result)}`);
        if (!result.ok) assert.match(result.reason, expected);
        return;
      }
      assert.deepEqual(result, { ok: true, ...expected });
      assert.deepEqual(normalise(expected.value, expected.type), result, 'typed re-normalisation');
      // types that only a hint can name (a ja3 looks like an md5) are not fixed points without it
      if (!HINT_ONLY.has(expected.type)) assert.deepEqual(normalise(expected.value), result, 'untyped re-normalisation');
    });
  }
}

export const typed =
  <T extends IndicatorType>(type: T) =>
  (value: string): { type: T; value: string } => ({ type, value });
