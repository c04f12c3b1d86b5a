import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { taxiiTimestamp, timestampMs } from './time.ts';

describe('TAXII timestamps (§2)', () => {
  it('are written in UTC with microseconds', () => {
    assert.equal(taxiiTimestamp(Date.UTC(2026, 0, 10, 8, 0, 0, 123)), '2026-01-10T08:00:00.123000Z');
    assert.equal(taxiiTimestamp(0), '1970-01-01T00:00:00.000000Z');
  });

  it('are read at any precision, rounded down to the millisecond; impossible dates are not timestamps', () => {
    assert.equal(timestampMs('2026-01-10T08:00:00Z'), Date.UTC(2026, 0, 10, 8));
    assert.equal(timestampMs('2026-01-10T08:00:00.123999Z'), Date.UTC(2026, 0, 10, 8, 0, 0, 123));
    assert.equal(timestampMs('2026-01-10T08:00:00.1Z'), Date.UTC(2026, 0, 10, 8, 0, 0, 100));
    for (const bad of ['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01', '2026-01-01T00:00:00+01:00', 'now']) assert.equal(timestampMs(bad), undefined, bad);
  });
});
