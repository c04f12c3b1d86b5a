import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshStore } from '../../test/helpers/stores.ts';
import type { Store } from '../store/store.ts';
import { RateLimiter } from './rate-limit.ts';

const NOW = Date.UTC(2026, 10, 24, 9);

describe('rate limiter over the store\'s shared buckets', () => {
  let store: Store;
  let takes: number;
  const counted = () => ({
    takeRateTokens: (...args: Parameters<Store['takeRateTokens']>) => {
      takes++;
      return store.takeRateTokens(...args);
    },
  });
  before(async () => {
    store = await freshStore();
  });
  after(async () => store.close());

  it('serves a burst of simultaneous requests from one take of the shared bucket', async () => {
    takes = 0;
    // 1,000 a minute: a node takes 50 tokens at a time
    const limiter = new RateLimiter(counted(), 1_000);
    const results = await Promise.all(Array.from({ length: 40 }, () => limiter.take('key:burst', NOW)));
    assert.ok(results.every((result) => result.ok));
    assert.equal(takes, 1);
    // the 50 taken are spent: the 51st request takes again
    await Promise.all(Array.from({ length: 10 }, () => limiter.take('key:burst', NOW)));
    assert.equal(takes, 1);
    assert.ok((await limiter.take('key:burst', NOW)).ok);
    assert.equal(takes, 2);
  });

  it('still refuses past the budget when simultaneous requests outnumber the tokens taken', async () => {
    takes = 0;
    // 40 a minute, bursts of 40: two tokens per take, so waiters left without one take on their own
    const limiter = new RateLimiter(counted(), 40);
    const results = await Promise.all(Array.from({ length: 60 }, () => limiter.take('key:small', NOW)));
    assert.equal(results.filter((result) => result.ok).length, 40);
    const refused = results.find((result) => !result.ok);
    assert.ok(refused && !refused.ok && refused.retryAfter >= 1);
    assert.ok(takes > 1 && takes <= 60, `takes: ${takes}`);
  });
});
