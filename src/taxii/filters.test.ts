import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaxiiError } from './errors.ts';
import { FILTERS, parseFilters, queryFingerprint } from './filters.ts';

const parse = (raw: Record<string, unknown>, allowed: readonly string[] = FILTERS.objects) => parseFilters(raw, allowed, 1000);
const refused = (raw: Record<string, unknown>, allowed: readonly string[] = FILTERS.objects): void => {
  assert.throws(() => parse(raw, allowed), (error: unknown) => error instanceof TaxiiError && error.status === 400, JSON.stringify(raw));
};

describe('TAXII filters (§3.4)', () => {
  it('reads every filter of the objects endpoint', () => {
    assert.deepEqual(
      parse({
        added_after: '2026-01-10T08:00:00.123456Z',
        limit: '25',
        next: 'abc.def',
        'match[id]': 'indicator--6770298f-0fd8-471a-ab8c-1c658a46574e',
        'match[type]': 'indicator,malware',
        'match[version]': 'first,2016-11-03T12:30:59Z,first',
        'match[spec_version]': '2.1',
      }),
      {
        addedAfter: Date.UTC(2026, 0, 10, 8, 0, 0, 123),
        limit: 25,
        next: 'abc.def',
        ids: ['indicator--6770298f-0fd8-471a-ab8c-1c658a46574e'],
        types: ['indicator', 'malware'],
        versions: ['first', '2016-11-03T12:30:59Z'],
        specVersions: ['2.1'],
      },
    );
  });

  it('defaults: the server page size; last is left to the store; a limit above the page size is lowered', () => {
    assert.deepEqual(parse({}), { limit: 1000 });
    assert.equal(parse({ limit: '999999999' }).limit, 1000);
    assert.equal(parse({ 'match[version]': 'last' }).versions, 'last');
    assert.equal(parse({ 'match[version]': 'all' }).versions, 'all');
  });

  it('ignores filters the endpoint does not take and unknown ones', () => {
    assert.deepEqual(parse({ 'match[type]': 'indicator', 'match[version]': 'all', 'match[foo]': 'x' }, FILTERS.versions), { limit: 1000 });
    assert.deepEqual(parse({ 'match[id]': "x' OR 1=1" }, FILTERS.object), { limit: 1000 });
  });

  it('refuses malformed values with a 400', () => {
    for (const limit of ['0', '-1', '1.5', 'abc', '', '1e3', ['1', '2']]) refused({ limit });
    for (const added_after of ['yesterday', '2026-01-01', '2026-01-01T00:00:00', '2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z']) refused({ added_after });
    for (const version of ['all,last', 'all,all', 'latest', '', 'first,,last']) refused({ 'match[version]': version });
    refused({ 'match[spec_version]': '2.2' });
    refused({ 'match[id]': 'indicator--x' });
    refused({ 'match[type]': 'a' });
    refused({ 'match[type]': 'Indicator' });
    refused({ 'match[type]': Array.from({ length: 101 }, (_, i) => `type${i}`).join(',') });
    refused({ next: "' OR 1=1" });
  });

  it('a fingerprint names the query, not its page', () => {
    const a = parse({ 'match[type]': 'indicator', limit: '5', next: 'x.y' });
    const b = parse({ 'match[type]': 'indicator', limit: '50' });
    assert.equal(queryFingerprint('c/objects/', a), queryFingerprint('c/objects/', b));
    assert.notEqual(queryFingerprint('c/objects/', a), queryFingerprint('c/manifest/', a));
    assert.notEqual(queryFingerprint('c/objects/', a), queryFingerprint('c/objects/', parse({ 'match[type]': 'malware' })));
  });
});
