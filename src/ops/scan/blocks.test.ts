import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockCutter, type Block } from './blocks.ts';

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
