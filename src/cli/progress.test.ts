import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Progress } from './progress.ts';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY, text: '', write(chunk: string) { stream.text += chunk; return true; } };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

describe('progress display', () => {
  it('draws a bar with percentage and line count on a terminal, and clears it when done', () => {
    const stream = fakeStream(true);
    const progress = new Progress('feed.csv', 1000, stream);
    progress.update(500, 12345);
    assert.match(stream.text, /feed\.csv \[#{12}\.{12}\]  50% 12,345 lines, [\d,]+ lines\/s/);
    progress.done();
    assert.ok(stream.text.endsWith('\r\x1b[K'));
  });

  it('shows a download with the bytes received and their rate, a bar when the size is known', () => {
    const stream = fakeStream(true);
    const progress = new Progress('urlhaus', 4 * 2 ** 20, stream);
    progress.received(2 ** 20);
    assert.match(stream.text, /urlhaus \[#{6}\.{18}\]  25% 1\.0 MB received, [\d.]+ MB\/s$/);
    const unsized = fakeStream(true);
    new Progress('urlhaus', undefined, unsized).received(3 * 2 ** 19);
    assert.match(unsized.text, /urlhaus 1\.5 MB received/);
    assert.doesNotMatch(unsized.text, /%/, 'no bar without a size');
  });

  it('prints nothing when the output is not a terminal (pipes, CI logs)', () => {
    const stream = fakeStream(false);
    const progress = new Progress('feed.csv', 1000, stream);
    progress.update(500, 10);
    progress.received(500);
    progress.done();
    assert.equal(stream.text, '');
  });
});
