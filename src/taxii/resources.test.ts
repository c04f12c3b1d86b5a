import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRecord } from '../store/store.ts';
import { envelopeText, listing, type Page } from './resources.ts';

const record = (object: Record<string, unknown>): ObjectRecord => ({
  object: object as ObjectRecord['object'],
  json: JSON.stringify(object),
  addedAt: 1_700_000_000_000,
  source: 'test',
  tlp: 'clear',
});

describe('envelopeText', () => {
  const objects = [
    { type: 'indicator', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', name: 'quote " and \\ and \u2028', pattern: "[ipv4-addr:value = '198.51.100.7']" },
    { type: 'x-custom', id: 'x-custom--6c2ad8ad-4f9e-4ad9-8f47-4b9f9b9a8f11', nested: { list: [1, 2.5, null, true] } },
  ];
  const pages: Array<[string, Page]> = [
    ['empty, last page', { items: [] }],
    ['one page of two with more', { items: objects.map(record), next: 'abc.def' }],
    ['last page of two', { items: objects.map(record) }],
    ['empty with next', { items: [], next: 'x' }],
  ];
  for (const [name, page] of pages) {
    it(`is the same JSON as the listing it replaces: ${name}`, () => {
      const text = envelopeText(page);
      assert.deepEqual(JSON.parse(text), listing(page, 'objects', (item) => item.object));
      assert.equal(text, JSON.stringify(listing(page, 'objects', (item) => item.object)));
    });
  }
});
