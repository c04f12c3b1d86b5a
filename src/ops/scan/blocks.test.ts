import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockCutter, readBlocks, type Block } from './blocks.ts';

/**
 * The blocks of `chunks`, numbered as the scan numbers them once each block's lines are counted (threads.ts):
 * the long lines skipped before a block come first, then its own lines.
 */
function cut(chunks: string[], blockBytes: number, maxLineBytes: number): { blocks: Array<{ firstLine: number; text: string }>; long: number[]; lines: number } {
  const cutter = new BlockCutter(blockBytes, maxLineBytes);
  const raw: Block[] = [];
  for (const chunk of chunks) raw.push(...cutter.push(Buffer.from(chunk)));
  raw.push(...cutter.end());
  const long: number[] = [];
  const blocks = [];
  let lines = 0;
  for (const block of raw) {
    for (let i = 1; i <= block.skipped; i++) long.push(lines + i);
    lines += block.skipped;
    const text = Buffer.from(block.bytes).toString();
    if (text) blocks.push({ firstLine: lines + 1, text });
    lines += text.split('\n').length - (text.endsWith('\n') || text === '' ? 1 : 0);
  }
  return { blocks, long, lines };
}

describe('BlockCutter', () => {
  it('cuts at newlines and keeps a last line without newline', () => {
    const { blocks, lines } = cut(['a\nb', 'b\ncc\nd', 'd\ne'], 4, 100);
    assert.deepEqual(blocks, [
      { firstLine: 1, text: 'a\nbb\ncc\n' },
      { firstLine: 4, text: 'dd\ne' },
    ]);
    assert.equal(lines, 5);
  });

  it('skips a line longer than the limit, numbered after the lines before it, and goes on', () => {
    const { blocks, long } = cut(['one\ntwo', 'xxxxxxxxxxxx', 'xxxxxxx\nthree\n'], 1, 8);
    assert.deepEqual(long, [2]);
    assert.deepEqual(blocks, [
      { firstLine: 1, text: 'one\n' },
      { firstLine: 3, text: 'three\n' },
    ]);
  });

  it('numbers a long line after the complete lines held for the next block, and keeps them', () => {
    // three short lines wait for a block to fill when the long line begins in the next chunk
    const { blocks, long, lines } = cut(['a\nb\nc\n', 'x'.repeat(20), 'x\nd\n'], 1000, 10);
    assert.deepEqual(long, [4]);
    assert.deepEqual(blocks, [
      { firstLine: 1, text: 'a\nb\nc\n' },
      { firstLine: 5, text: 'd\n' },
    ]);
    assert.equal(lines, 5);
  });

  it('keeps the lines before a long last line, and counts it', () => {
    const { blocks, long, lines } = cut(['a\nb\n', 'x'.repeat(30)], 1000, 10);
    assert.deepEqual(blocks, [{ firstLine: 1, text: 'a\nb\n' }]);
    assert.deepEqual(long, [3]);
    assert.equal(lines, 3);
  });
});

describe('BlockCutter over many chunks', () => {
  it('holds complete lines across chunks without counting them against the line limit', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
    const text = `${lines.join('\n')}\n`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 7) chunks.push(text.slice(i, i + 7));
    const { blocks, long, lines: counted } = cut(chunks, 1000, 20);
    assert.deepEqual(long, []);
    assert.equal(blocks.map((b) => b.text).join(''), text);
    assert.ok(blocks.length > 1);
    assert.equal(counted, 1000);
  });
});

/**
 * What a scan makes of some blocks, numbered as threads.ts numbers them: the lines too long (skipped before a
 * block, or inside one, which the thread's line splitter reports) and every other line with its number.
 */
function outcome(raw: Block[], maxLineBytes: number): { long: number[]; lines: string[] } {
  const long: number[] = [];
  const lines: string[] = [];
  let no = 0;
  for (const block of raw) {
    for (let i = 0; i < block.skipped; i++) long.push(++no);
    const text = Buffer.from(block.bytes).toString('latin1');
    if (text === '') continue;
    for (const line of (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n')) {
      no++;
      if (line.length > maxLineBytes) long.push(no);
      else lines.push(`${no}:${line}`);
    }
  }
  return { long, lines };
}

/** readBlocks over `text`, read `step` bytes at a time at most, from a pool of two buffers given back as each block is taken in. */
async function readAll(text: string, blockBytes: number, maxLineBytes: number, step: number): Promise<Block[]> {
  const input = Buffer.from(text, 'latin1');
  let at = 0;
  const read = async (into: Uint8Array, offset: number, length: number): Promise<number> => {
    const got = Math.min(length, step, input.length - at);
    into.set(input.subarray(at, at + got), offset);
    at += got;
    return got;
  };
  const free = [new ArrayBuffer(blockBytes + maxLineBytes), new ArrayBuffer(blockBytes + maxLineBytes)];
  const take = async (): Promise<Uint8Array> => {
    const buffer = free.pop();
    assert.ok(buffer, 'at most two buffers are held at once');
    return new Uint8Array(buffer);
  };
  const blocks: Block[] = [];
  for await (const block of readBlocks(read, take, maxLineBytes)) {
    blocks.push({ skipped: block.skipped, bytes: Uint8Array.from(block.bytes) });
    free.push(block.bytes.buffer as ArrayBuffer);
  }
  assert.equal(free.length, 2, 'every buffer comes back');
  return blocks;
}

describe('readBlocks', () => {
  it('cuts at the last newline of each full buffer and carries the unfinished line into the next', async () => {
    const blocks = await readAll('aa\nbbb\ncccc\ndd', 6, 4, 100);
    assert.deepEqual(
      blocks.map((b) => [b.skipped, Buffer.from(b.bytes).toString()]),
      // buffers of 6 + 4 bytes: the first holds `aa\nbbb\ncc`, the rest goes with the last
      [[0, 'aa\nbbb\n'], [0, 'cccc\ndd']],
    );
  });

  it('skips an unfinished line longer than the limit up to its newline, counted before the next block', async () => {
    const blocks = await readAll(`one\n${'x'.repeat(40)}\ntwo\n`, 8, 6, 5);
    assert.deepEqual(outcome(blocks, 6), { long: [2], lines: ['1:one', '3:two'] });
  });

  it('counts a long last line without a newline', async () => {
    const blocks = await readAll(`a\nb\n${'x'.repeat(30)}`, 4, 5, 3);
    assert.deepEqual(outcome(blocks, 5), { long: [3], lines: ['1:a', '2:b'] });
  });

  it('numbers every line as BlockCutter does, over texts with lines of every length', async () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const maxLineBytes = 1 + next(12);
      const blockBytes = 1 + next(20);
      const parts: string[] = [];
      for (let i = next(30); i > 0; i--) parts.push('abcdefghij'.repeat(4).slice(0, next(3) === 0 ? next(40) : next(maxLineBytes + 1)));
      const text = parts.join('\n') + (next(2) ? '\n' : '');
      const cutter = new BlockCutter(blockBytes, maxLineBytes);
      const cut: Block[] = [];
      for (let i = 0; i < text.length; i += 3) cut.push(...cutter.push(Buffer.from(text.slice(i, i + 3), 'latin1')));
      cut.push(...cutter.end());
      const read = await readAll(text, blockBytes, maxLineBytes, 1 + next(9));
      assert.deepEqual(outcome(read, maxLineBytes), outcome(cut, maxLineBytes), `round ${round}: ${JSON.stringify({ text, blockBytes, maxLineBytes })}`);
    }
  });
});
