import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threadsPay } from './evidence.ts';

const MiB = 2 ** 20;
const sizes = (...mib: number[]): Array<{ size: number }> => mib.map((n) => ({ size: n * MiB }));

describe('when a scan starts threads', () => {
  const options = { threads: 2, threadMinBytes: 16 * MiB };

  it('not for one log of 100 MB: the threads would cost more than they save', () => {
    assert.equal(threadsPay(sizes(100), options), false);
  });

  it('once the inputs of at least --thread-min-bytes add up to 16 times it', () => {
    assert.equal(threadsPay(sizes(100, 100, 56), options), true);
    assert.equal(threadsPay(sizes(300), options), true);
  });

  it('counts only the inputs the threads would take, and never when none are asked for', () => {
    assert.equal(threadsPay([...sizes(200), ...Array.from({ length: 100 }, () => ({ size: 15 * MiB }))], options), false, 'small files stay on this thread');
    assert.equal(threadsPay(sizes(10_000), { ...options, threads: 0 }), false);
  });

  it('with --thread-min-bytes 0, always (a pipe has no size)', () => {
    assert.equal(threadsPay([{ size: undefined }] as Array<{ size?: number }>, { threads: 2, threadMinBytes: 0 }), true);
  });
});
