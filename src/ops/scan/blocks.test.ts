import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockCutter, type Block } from './blocks.ts';

function cut(chunks: string[], blockBytes: number, maxLineBytes: number): { blocks: Array<{ firstLine: number; text: string }>; long: number[] } {
  const long: number[] = [];
  const cutter = new BlockCutter(blockBytes, maxLineBytes, (line) => long.push(line));
  const blocks: Block[] = [];
  for (const chunk of chunks) blocks.push(...cutter.push(Buffer.from(chunk)));
  blocks.push(...cutter.end());
  return { blocks: blocks.map((b) => ({ firstLine: b.firstLine, text: Buffer.from(b.bytes).toString() })), long };
}

describe('BlockCutter', () => {
  it('cuts at newlines, numbers each block by its first line, keeps a last line without newline', () => {
    const { blocks } = cut(['a\nb', 'b\ncc\nd', 'd\ne'], 4, 100);
    assert.deepEqual(blocks, [
      { firstLine: 1, text: 'a\nbb\ncc\n' },
      { firstLine: 4, text: 'dd\ne' },
    ]);
  });

  it('skips a line longer than the limit, reports its number, and goes on', () => {
    const { blocks, long } = cut(['one\ntwo', 'xxxxxxxxxxxx', 'xxxxxxx\nthree\n'], 1, 8);
    assert.deepEqual(long, [2]);
    assert.deepEqual(blocks, [
      { firstLine: 1, text: 'one\n' },
      { firstLine: 3, text: 'three\n' },
    ]);
  });
});

describe('BlockCutter over many chunks', () => {
  it('holds complete lines across chunks without counting them against the line limit', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
    const text = `${lines.join('\n')}\n`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 7) chunks.push(text.slice(i, i + 7));
    const { blocks, long } = cut(chunks, 1000, 20);
    assert.deepEqual(long, []);
    assert.equal(blocks.map((b) => b.text).join(''), text);
    let expected = 1;
    for (const block of blocks) {
      assert.equal(block.firstLine, expected);
      expected += block.text.split('\n').length - 1;
    }
  });
});
