import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looksBinary, SCREEN_GROUP, splitLines, type LineProblem, type LineScreen } from './lines.ts';

async function* chunks(...parts: Array<string | number[] | Buffer>): AsyncGenerator<Buffer> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part);
}

interface Seen {
  /** `no:text` for lines, `!no:code` for problems, in arrival order. */
  events: string[];
  problems: LineProblem[];
  count: number;
}

async function split(source: AsyncIterable<Buffer>, maxLineBytes?: number): Promise<Seen> {
  const events: string[] = [];
  const problems: LineProblem[] = [];
  const count = await splitLines(
    source,
    {
      line: (text, no) => events.push(`${no}:${text}`),
      problem: (problem) => {
        problems.push(problem);
        events.push(`!${problem.line}:${problem.code}`);
      },
    },
    maxLineBytes === undefined ? {} : { maxLineBytes },
  );
  return { events, problems, count };
}

describe('splitLines', () => {
  const rows: Array<[title: string, parts: Array<string | number[]>, events: string[]]> = [
    ['LF endings', ['a\nb\n'], ['1:a', '2:b']],
    ['CRLF endings', ['a\r\nb\r\n'], ['1:a', '2:b']],
    ['a CR and its LF in different chunks', ['a\r', '\nb\r\n'], ['1:a', '2:b']],
    ['a last line without a newline', ['a\nlast'], ['1:a', '2:last']],
    ['a last CRLF line without a newline', ['a\r\nlast\r'], ['1:a', '2:last']],
    ['empty lines, numbered', ['a\n\n\nb\n'], ['1:a', '2:', '3:', '4:b']],
    ['a UTF-8 byte-order mark on the first line', ['\uFEFFfirst\nsecond\n'], ['1:first', '2:second']],
    ['a byte-order mark split across chunks', [[0xef, 0xbb], [0xbf, 0x61, 0x0a]], ['1:a']],
    ['a BOM-like character later is text', ['a\n\uFEFFb\n'], ['1:a', '2:\uFEFFb']],
    ['a line split across many chunks', ['ab', 'cd', 'e', 'f\ng', 'h\n'], ['1:abcdef', '2:gh']],
    ['a multi-byte character split across chunks', [[0x63, 0x61, 0x66, 0xc3], [0xa9, 0x0a]], ['1:café']],
    ['empty input', [], []],
    ['a lone newline', ['\n'], ['1:']],
  ];
  for (const [title, parts, events] of rows) {
    it(title, async () => {
      const seen = await split(chunks(...parts));
      assert.deepEqual(seen.events, events);
      assert.equal(seen.count, events.length);
    });
  }

  it('reports a line over the cap by number, skips it, and delivers the next', async () => {
    const seen = await split(chunks(`ok\n${'x'.repeat(40)}\nnext\n`), 16);
    assert.deepEqual(seen.events, ['1:ok', '!2:TIX_INPUT_LINE_TOO_LONG', '3:next']);
    assert.equal(seen.count, 3);
    assert.match(seen.problems[0]!.message, /longer than 16 bytes; skipped/);
  });

  it('does so when the long line spans several chunks', async () => {
    const x = 'x'.repeat(10);
    const seen = await split(chunks('ok\nxx', x, x, x, `${x}\nnext\nlast`), 16);
    assert.deepEqual(seen.events, ['1:ok', '!2:TIX_INPUT_LINE_TOO_LONG', '3:next', '4:last']);
    assert.equal(seen.count, 4);
  });

  it('does so when the newline ending the long line starts the next chunk', async () => {
    const seen = await split(chunks('x'.repeat(20), '\nnext\n'), 16);
    assert.deepEqual(seen.events, ['!1:TIX_INPUT_LINE_TOO_LONG', '2:next']);
  });

  it('does so when the long line is the last, without a newline', async () => {
    const seen = await split(chunks('ok\n', 'y'.repeat(12), 'y'.repeat(12)), 16);
    assert.deepEqual(seen.events, ['1:ok', '!2:TIX_INPUT_LINE_TOO_LONG']);
    assert.equal(seen.count, 2);
  });

  it('accepts a line of exactly the cap', async () => {
    const seen = await split(chunks(`${'z'.repeat(8)}`, `${'z'.repeat(8)}\n${'z'.repeat(17)}\n`), 16);
    assert.deepEqual(seen.events, [`1:${'z'.repeat(16)}`, '!2:TIX_INPUT_LINE_TOO_LONG']);
  });

  it('reports invalid UTF-8 by line number, skips the line, and delivers the next', async () => {
    const seen = await split(chunks('good\n', [0x62, 0x61, 0x64, 0xff, 0xfe, 0x0a], 'fine\n', [0xc3, 0x28, 0x0a, 0x7a]));
    assert.deepEqual(seen.events, ['1:good', '!2:TIX_INPUT_ENCODING', '3:fine', '!4:TIX_INPUT_ENCODING', '5:z']);
    assert.match(seen.problems[0]!.message, /not valid UTF-8; skipped/);
  });

  it('reports each chunk it reads', async () => {
    const sizes: number[] = [];
    const count = await splitLines(chunks('ab\n', 'cd'), { line() {}, problem() {} }, { onChunk: (bytes) => void sizes.push(bytes) });
    assert.deepEqual(sizes, [3, 2]);
    assert.equal(count, 2);
  });
});

describe('splitLines with a screen', () => {
  it('asks the screen with each whole line\'s bytes, decodes only the lines it keeps, and numbers, caps and checks every line as before', async () => {
    const asked: string[] = [];
    const events: string[] = [];
    const count = await splitLines(
      chunks('first\nkeep 1\r\ndrop 2\n', `${'x'.repeat(20)}\nkeep é\n`, [0x62, 0xff, 0x0a], 'drop\nkeep tail\nlast'),
      {
        line: (text, no) => events.push(`${no}:${text}`),
        problem: (problem) => events.push(`!${problem.line}:${problem.code}`),
        screen: {
          line(bytes, start, end) {
            const text = bytes.toString('utf8', start, end);
            asked.push(text);
            return text.startsWith('keep');
          },
          settle() {},
        },
      },
      { maxLineBytes: 16 },
    );
    assert.equal(count, 9);
    // lines cut by a chunk boundary, and chunks that are not UTF-8, are always read
    assert.deepEqual(events, ['1:first', '2:keep 1', '!4:TIX_INPUT_LINE_TOO_LONG', '5:keep é', '!6:TIX_INPUT_ENCODING', '7:drop', '8:keep tail', '9:last']);
    assert.deepEqual(asked, ['keep 1', 'drop 2', 'keep é', 'keep tail']);
  });
});

describe('splitLines with a screen that settles its probes by group', () => {
  /** A screen that keeps "sure" lines, defers "probe N" lines (a probe that hits when N is odd), and screens under the last "mode" line read. */
  function probingScreen(log: string[]): { screen: LineScreen; state: { mode: string } } {
    const state = { mode: 'plain' };
    let deferred: Array<{ slot: number; n: number }> = [];
    return {
      state,
      screen: {
        line(bytes, start, end, slot) {
          const text = bytes.toString('utf8', start, end);
          log.push(`ask ${slot} ${state.mode}:${text}`);
          if (text.startsWith('sure') || text.startsWith('mode')) return true;
          const probe = /^probe (\d+)$/.exec(text);
          if (probe) deferred.push({ slot, n: Number(probe[1]) });
          return state.mode === 'strict';
        },
        settle(may) {
          log.push(`settle ${deferred.length}`);
          for (const { slot, n } of deferred) if (n % 2 === 1) may[slot] = 1;
          deferred = [];
        },
      },
    };
  }

  it('reads the lines whose deferred probes may hit, numbered and in order, after the group settles', async () => {
    const log: string[] = [];
    const { screen } = probingScreen(log);
    const read: string[] = [];
    const lines = ['first', 'probe 1', 'probe 2', 'probe 3', 'plain', ...Array.from({ length: 70 }, (_, i) => `probe ${i + 10}`), 'last'];
    const count = await splitLines(chunks(`${lines.join('\n')}\n`), { line: (text, no) => read.push(`${no}:${text}`), problem() {}, screen });
    assert.equal(count, lines.length);
    const expected = lines.map((text, i) => `${i + 1}:${text}`).filter((entry) => /^1:|:probe \d*[13579]$/.test(entry));
    assert.deepEqual(read, expected);
    // the first line ends the chunk's first piece and is never asked; 75 lines asked: a full group of 64, then 11
    assert.equal(log.filter((entry) => entry.startsWith('ask')).length, lines.length - 1);
    assert.deepEqual(log.filter((entry) => entry.startsWith('settle')), ['settle 63', 'settle 10']);
    assert.ok(log.includes(`ask ${SCREEN_GROUP - 1} plain:probe 69`) && log.includes('ask 0 plain:probe 70'), 'slots start again after a full group');
  });

  it('ends a group at a line that must be read, so that reading it comes before the next line is screened', async () => {
    const log: string[] = [];
    const { screen, state } = probingScreen(log);
    const read: string[] = [];
    const text = 'head\nprobe 1\nmode strict\nanything\nprobe 3\n';
    await splitLines(chunks(text), {
      line(line, no) {
        read.push(`${no}:${line}`);
        if (line.startsWith('mode ')) state.mode = line.slice(5);
      },
      problem() {},
      screen,
    });
    // "probe 1" hits in the settle that the mode line's answer set off, before "anything" is asked about under the new mode
    assert.deepEqual(log, ['ask 0 plain:probe 1', 'ask 1 plain:mode strict', 'settle 1', 'ask 0 strict:anything', 'settle 0', 'ask 0 strict:probe 3', 'settle 1']);
    assert.deepEqual(read, ['1:head', '2:probe 1', '3:mode strict', '4:anything', '5:probe 3']);
  });

  it('settles a group before reporting a line too long, so problems and lines stay in order', async () => {
    const log: string[] = [];
    const { screen } = probingScreen(log);
    const events: string[] = [];
    await splitLines(chunks(`head\nprobe 1\n${'x'.repeat(40)}\nprobe 5\nprobe 4\n`), {
      line: (text, no) => events.push(`${no}:${text}`),
      problem: (problem) => events.push(`!${problem.line}:${problem.code}`),
      screen,
    }, { maxLineBytes: 16 });
    assert.deepEqual(events, ['1:head', '2:probe 1', '!3:TIX_INPUT_LINE_TOO_LONG', '4:probe 5']);
  });
});

describe('looksBinary', () => {
  it('finds a NUL byte in the first 8 KiB', () => {
    assert.equal(looksBinary(Buffer.from('text\u0000more')), true);
    assert.equal(looksBinary(Buffer.concat([Buffer.alloc(8191, 0x61), Buffer.from([0])])), true);
    assert.equal(looksBinary(Buffer.from([0x1f, 0x8b, 0x08, 0x00])), true, 'gzip magic with a NUL');
  });

  it('passes text, including UTF-8, BOMs and control characters other than NUL', () => {
    assert.equal(looksBinary(Buffer.from('\uFEFF1.2.3.4\r\nBücher.de\t\u0001\n')), false);
    assert.equal(looksBinary(Buffer.alloc(0)), false);
    assert.equal(looksBinary(Buffer.concat([Buffer.alloc(8192, 0x61), Buffer.from([0])])), false, 'only the first 8 KiB are looked at');
  });
});
