import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshStore, reopenStore, testBackend } from '../../test/helpers/stores.ts';

const RULE = { perMinute: 6, burst: 3 };
const T = 1_000_000;

describe(`${testBackend()} store: coordination of server processes`, () => {
  it('a request budget is spent, refilled at its rate and never above its burst', async () => {
    const store = await freshStore();
    try {
      assert.equal(await store.takeRateTokens('key:a', 2, T, RULE), 2);
      assert.equal(await store.takeRateTokens('key:a', 5, T, RULE), 1, 'only what is left');
      assert.equal(await store.takeRateTokens('key:a', 1, T + 1, RULE), 0);
      assert.equal(await store.takeRateTokens('key:b', 1, T, RULE), 1, 'another caller has a budget of its own');
      // 6 a minute: one token every 10 s
      assert.equal(await store.takeRateTokens('key:a', 5, T + 10_000, RULE), 1);
      assert.equal(await store.takeRateTokens('key:a', 5, T + 10_000 + 3_600_000, RULE), 3, 'an hour later: the burst, not more');
    } finally {
      await store.close();
    }
  });

  it('two handles of one store: one budget on PostgreSQL (every API node), one per process on the embedded store', async () => {
    const store = await freshStore();
    const other = await reopenStore(store);
    try {
      assert.equal(await store.takeRateTokens('key:a', 3, T, RULE), 3);
      const fromOther = await other.takeRateTokens('key:a', 3, T, RULE);
      assert.equal(fromOther, testBackend() === 'postgres' ? 0 : 3);
    } finally {
      await other.close();
      await store.close();
    }
  });

  it('exclusive work runs in one process at a time and lets go when done, or when it fails', async () => {
    const store = await freshStore();
    const other = await reopenStore(store);
    try {
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (release = resolve));
      const first = store.exclusively('feed:abuse', async () => (await holding, 'pulled'), { now: T, leaseMs: 60_000 });
      // give the first a moment to take the lock
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(await other.exclusively('feed:abuse', async () => 'twice', { now: T + 1, leaseMs: 60_000 }), { ran: false });
      assert.deepEqual(await other.exclusively('feed:other', async () => 'another lock', { now: T + 1, leaseMs: 60_000 }), { ran: true, value: 'another lock' });
      release();
      assert.deepEqual(await first, { ran: true, value: 'pulled' });
      assert.deepEqual(await other.exclusively('feed:abuse', async () => 'after', { now: T + 2, leaseMs: 60_000 }), { ran: true, value: 'after' });
      await assert.rejects(store.exclusively('feed:abuse', async () => Promise.reject(new Error('the feed failed')), { now: T + 3, leaseMs: 60_000 }), /the feed failed/);
      assert.deepEqual(await other.exclusively('feed:abuse', async () => 'free again', { now: T + 4, leaseMs: 60_000 }), { ran: true, value: 'free again' });
    } finally {
      await other.close();
      await store.close();
    }
  });
});
