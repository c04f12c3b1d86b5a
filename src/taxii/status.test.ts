import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Issue } from '../model/index.ts';
import { failuresOf, StatusBook, statusOf } from './status.ts';

const issue = (field: string, code: string, severity: Issue['severity'] = 'error'): Issue => ({ code, file: 'post', line: 1, field, message: `${code} at ${field}`, severity });

describe('TAXII status (§4.3)', () => {
  it('failures are the objects the STIX reader skipped, by position, once each; warnings are not failures', () => {
    const failed = failuresOf([
      issue('objects[2] (indicator--x).id', 'TIX_STIX_INVALID'),
      issue('objects[2].type', 'TIX_STIX_INVALID'),
      issue('objects[4].spec_version', 'TIX_STIX_VERSION'),
      issue('objects[1].type', 'TIX_STIX_UNKNOWN_TYPE', 'warning'),
      issue('column 3', 'TIX_JSON_SYNTAX'),
    ]);
    assert.deepEqual([...failed.keys()], [2, 4]);
  });

  it('a status counts every object once, with no empty lists', () => {
    const objects = [{ id: 'indicator--a', modified: '2026-01-01T00:00:00Z' }, { id: 'malware--b', created: '2025-01-01T00:00:00Z' }, 'junk'];
    const status = statusOf('s1', Date.UTC(2026, 0, 1), objects, new Map([[2, 'not an object']]));
    assert.deepEqual(status, {
      id: 's1',
      status: 'complete',
      request_timestamp: '2026-01-01T00:00:00.000000Z',
      total_count: 3,
      success_count: 2,
      failure_count: 1,
      pending_count: 0,
      successes: [{ id: 'indicator--a', version: '2026-01-01T00:00:00Z' }, { id: 'malware--b', version: '2025-01-01T00:00:00Z' }],
      failures: [{ id: '(no id)', message: 'not an object' }],
    });
    assert.equal(statusOf('s2', 0, [], new Map()).successes, undefined);
  });

  it('the book gives a status to its organisation only, until it expires, and keeps at most its capacity of objects', () => {
    const book = new StatusBook(1000, 4);
    const status = (id: string, objects = 0) => statusOf(id, 0, Array.from({ length: objects }, () => ({})), new Map());
    book.put(status('a'), 1, 0);
    assert.equal(book.get('a', 1, 999)?.id, 'a');
    assert.equal(book.get('a', 2, 999), undefined);
    assert.equal(book.get('a', 1, 1001), undefined);
    book.put(status('b', 1), 1, 10);
    book.put(status('c', 1), 1, 20);
    assert.equal(book.get('a', 1, 20), undefined, 'the oldest goes first');
    assert.deepEqual([book.get('b', 1, 20)?.id, book.get('c', 1, 20)?.id], ['b', 'c']);
    book.put(status('big', 50), 1, 30);
    assert.deepEqual([book.get('b', 1, 30), book.get('c', 1, 30), book.get('big', 1, 30)?.id], [undefined, undefined, 'big'], 'the newest is always kept');
  });
});
