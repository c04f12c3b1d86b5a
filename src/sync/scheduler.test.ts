import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyncState } from '../store/sync.ts';
import { isSyncDue } from './scheduler.ts';

const sync: SyncState = { name: 'peer', url: 'https://peer.example/taxii2/api/', collection: 'c1', key: 'k', everyMs: 60_000, source: 'peer', createdAt: 0 };

describe('sync schedule', () => {
  it('is due when never pulled, once its interval has passed, and at once after a run that stopped early', () => {
    assert.equal(isSyncDue(sync, 0), true);
    assert.equal(isSyncDue({ ...sync, lastPullAt: 1_000, lastStatus: 'ok' }, 60_999), false);
    assert.equal(isSyncDue({ ...sync, lastPullAt: 1_000, lastStatus: 'ok' }, 61_000), true);
    assert.equal(isSyncDue({ ...sync, lastPullAt: 1_000, lastStatus: 'error' }, 2_000), false);
    assert.equal(isSyncDue({ ...sync, lastPullAt: 1_000, lastStatus: 'partial' }, 2_000), true);
  });
});
