import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Issue } from '../model/index.ts';
import { failuresOf, StatusBook, statusOf } from './status.ts';
import { freshStore, reopenStore } from '../../test/helpers/stores.ts';

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

  it('the book, over a real store, gives a status to its organisation only, until it expires, to every server of the store and after a restart', async () => {
    const first = await freshStore();
    let store = first;
    try {
      const [a, b] = [await store.createOrganisation({ name: 'A', kind: 'vendor', createdAt: 0 }), await store.createOrganisation({ name: 'B', kind: 'cert', createdAt: 0 })];
      const book = new StatusBook(store, 1000);
      const status = (id: string, objects = 0) => statusOf(id, 0, Array.from({ length: objects }, () => ({ id: `x--${id}` })), new Map());
      await book.put(status('s1', 2), a.id, 0);
      assert.deepEqual(await book.get('s1', a.id, 999), status('s1', 2));
      assert.equal(await book.get('s1', b.id, 999), undefined, 'another organisation');
      assert.equal(await book.get('s1', a.id, 1001), undefined, 'expired');
      assert.equal(await book.get('nope', a.id, 0), undefined);
      const other = await reopenStore(first);
      assert.equal((await new StatusBook(other, 1000).get('s1', a.id, 500))?.total_count, 2, 'another server of the store');
      await other.close();
      await store.close();
      store = await reopenStore(first);
      assert.equal((await new StatusBook(store, 1000).get('s1', a.id, 500))?.id, 's1', 'after a restart');
      await new StatusBook(store, 1000).put(status('s2'), a.id, 5000);
      assert.equal(await store.findStatus('s1', a.id, 0), undefined, 'expired statuses are dropped when a new one is kept');
    } finally {
      await store.close();
    }
  });
});
