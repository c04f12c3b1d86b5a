import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEntry } from '../store/access.ts';
import { AuditQueue } from './audit-queue.ts';

const entry = (n: number): AuditEntry => ({ at: n, action: 'read:test', target: `/t/${n}`, detail: {} });

describe('AuditQueue', () => {
  it('writes entries queued together in one batch, in order, and settles each only after its batch is written', async () => {
    const batches: number[][] = [];
    let written = 0;
    const queue = new AuditQueue(async (entries) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      batches.push(entries.map((e) => e.at));
      written += entries.length;
    });
    const settled: number[] = [];
    const first = [1, 2, 3].map((n) => queue.append(entry(n)).then(() => settled.push(written)));
    await Promise.all(first);
    assert.deepEqual(batches, [[1, 2, 3]]);
    assert.deepEqual(settled, [3, 3, 3], 'no request goes on before its entry is written');
    // entries arriving while a batch is being written form the next batch
    const a = queue.append(entry(4));
    await new Promise((resolve) => setImmediate(resolve));
    const b = [5, 6].map((n) => queue.append(entry(n)));
    await Promise.all([a, ...b]);
    assert.deepEqual(batches, [[1, 2, 3], [4], [5, 6]]);
  });

  it('fails every request of a batch the store could not write, and goes on with the next', async () => {
    let fail = true;
    const queue = new AuditQueue(async () => {
      if (fail) throw new Error('disk full');
    });
    const results = await Promise.allSettled([queue.append(entry(1)), queue.append(entry(2))]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    fail = false;
    await queue.append(entry(3));
  });
});
