import { isUtf8 } from 'node:buffer';

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

export interface LineProblem {
  line: number;
  code: 'TIX_INPUT_ENCODING' | 'TIX_INPUT_LINE_TOO_LONG';
  message: string;
}

/**
 * Asked first about the lines wholly inside a chunk, with their bytes (UTF-8
 * checked, newline and CR cut off), in groups of up to SCREEN_GROUP lines:
 * `line` answers true for a line that must be read; false passes it over
 * unless `settle`, asked at the end of the group, sets `may[slot]` to 1 for
 * it. A group ends after a line answered true, so that reading it (which may
 * change how the next lines are screened: a new header) comes before the next
 * line is asked about. Lines cut by a chunk boundary always go to `line`.
 */
export interface LineScreen {
  line(bytes: Buffer, start: number, end: number, slot: number): boolean;
  settle(may: Uint8Array): void;
}

/** Lines screened before their probes are settled: enough for the reads of a probe to overlap those of many others. */
export const SCREEN_GROUP = 64;

export interface LineHandler {
  line(text: string, no: number): void;
  problem(problem: LineProblem): void;
  screen?: LineScreen;
}

/**
 * Splits a byte stream into lines without ever holding more than one line
 * (capped at `maxLineBytes`) plus one chunk. A line that is not valid UTF-8 or
 * is too long is reported by number and skipped; the lines around it still
 * arrive. CRLF endings and a UTF-8 byte-order mark are tolerated.
 * Returns the number of lines seen.
 */
export async function splitLines(
  chunks: AsyncIterable<Buffer>,
  handler: LineHandler,
  options: { maxLineBytes?: number; onChunk?: (bytes: number, lines: number) => void | Promise<void> } = {},
): Promise<number> {
  const splitter = new LineSplitter(handler, options.maxLineBytes);
  for await (const chunk of chunks) {
    splitter.push(chunk);
    if (options.onChunk) await options.onChunk(chunk.length, splitter.lines);
  }
  return splitter.end();
}

/**
 * `splitLines` fed by hand, chunk by chunk (`push`), for a caller that
 * receives chunks rather than iterating them (a worker thread). The lines
 * wholly inside a chunk are decoded with one call and cut as a string; only a
 * line that spans chunks, or a chunk with bytes that are not UTF-8, is handled
 * line by line as bytes.
 */
export class LineSplitter {
  /** Lines seen so far. */
  lines = 0;
  private readonly maxLineBytes: number;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private overflowing = false;
  private first = true;
  /** The byte ranges of a screened group's lines, and whether each may hit. */
  private readonly group = { starts: new Int32Array(SCREEN_GROUP), ends: new Int32Array(SCREEN_GROUP), may: new Uint8Array(SCREEN_GROUP) };

  constructor(
    private readonly handler: LineHandler,
    maxLineBytes?: number,
  ) {
    this.maxLineBytes = maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  push(chunk: Buffer): void {
    const firstNewline = chunk.indexOf(0x0a);
    if (firstNewline < 0) {
      this.piece(chunk, false);
      return;
    }
    // the end of the line begun in earlier chunks
    this.piece(chunk.subarray(0, firstNewline), true);
    const lastNewline = chunk.lastIndexOf(0x0a);
    if (lastNewline > firstNewline) {
      const middle = chunk.subarray(firstNewline + 1, lastNewline);
      if (!isUtf8(middle)) this.bytes(middle);
      else if (this.handler.screen) this.screened(chunk, firstNewline + 1, lastNewline);
      else this.decoded(middle.toString('utf8'));
    }
    if (lastNewline + 1 < chunk.length) this.piece(chunk.subarray(lastNewline + 1), false);
  }

  /** Reports a last line without a newline; returns the number of lines. */
  end(): number {
    if (this.overflowing) {
      this.overflowing = false;
      this.lines++;
      this.tooLong();
    } else if (this.carryBytes > 0) {
      const line = Buffer.concat(this.carry, this.carryBytes);
      this.carry = [];
      this.carryBytes = 0;
      this.emit(line);
    }
    return this.lines;
  }

  /** Complete lines (newline-separated, the last one's newline cut off), known to be UTF-8; never the first line of the input. */
  private decoded(text: string): void {
    const handler = this.handler;
    const limit = this.maxLineBytes / 3;
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      const stop = newline < 0 ? text.length : newline;
      let end = stop;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      const line = text.slice(start, end);
      this.lines++;
      if (line.length > limit && Buffer.byteLength(line) > this.maxLineBytes) this.tooLong();
      else handler.line(line, this.lines);
      if (newline < 0) return;
      start = newline + 1;
    }
  }

  /** Complete UTF-8 lines [start, stop) of `chunk` (the last one's newline cut off), each screened before it is decoded. */
  private screened(chunk: Buffer, start: number, stop: number): void {
    const screen = this.handler.screen!;
    const max = this.maxLineBytes;
    const { starts, ends, may } = this.group;
    let count = 0;
    for (;;) {
      let newline = chunk.indexOf(0x0a, start);
      if (newline < 0 || newline > stop) newline = stop;
      let end = newline;
      if (end > start && chunk[end - 1] === 13) end--;
      if (end - start > max) {
        this.readGroup(chunk, count);
        count = 0;
        this.lines++;
        this.tooLong();
      } else {
        this.lines++;
        starts[count] = start;
        ends[count] = end;
        may[count] = screen.line(chunk, start, end, count) ? 1 : 0;
        if (may[count++] === 1 || count === SCREEN_GROUP) {
          this.readGroup(chunk, count);
          count = 0;
        }
      }
      if (newline >= stop) break;
      start = newline + 1;
    }
    this.readGroup(chunk, count);
  }

  /** Settles the group's probes and reads the lines that may hit, in order; they are the last `count` lines seen. */
  private readGroup(chunk: Buffer, count: number): void {
    if (count === 0) return;
    const { starts, ends, may } = this.group;
    this.handler.screen!.settle(may);
    const first = this.lines - count + 1;
    for (let k = 0; k < count; k++) if (may[k] === 1) this.handler.line(chunk.toString('utf8', starts[k], ends[k]), first + k);
  }

  /** Complete lines (newline-separated, the last one's newline cut off), one by one as bytes. */
  private bytes(lines: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = lines.indexOf(0x0a, start);
      const end = newline < 0 ? lines.length : newline;
      if (end - start > this.maxLineBytes) {
        this.lines++;
        this.first = false;
        this.tooLong();
      } else this.emit(lines.subarray(start, end));
      if (newline < 0) return;
      start = newline + 1;
    }
  }

  /** Bytes of a line that may have begun in an earlier chunk; `complete` when a newline ended it. */
  private piece(bytes: Buffer, complete: boolean): void {
    if (!this.overflowing) {
      if (this.carryBytes + bytes.length > this.maxLineBytes) {
        this.overflowing = true;
        this.carry = [];
        this.carryBytes = 0;
      } else if (complete && this.carryBytes === 0) {
        this.emit(bytes);
      } else {
        this.carry.push(Buffer.from(bytes));
        this.carryBytes += bytes.length;
        if (complete) {
          const line = Buffer.concat(this.carry, this.carryBytes);
          this.carry = [];
          this.carryBytes = 0;
          this.emit(line);
        }
      }
    }
    if (complete && this.overflowing) {
      this.lines++;
      this.first = false;
      this.tooLong();
      this.overflowing = false;
    }
  }

  private emit(bytes: Buffer): void {
    this.lines++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    let start = 0;
    if (this.first) {
      this.first = false;
      if (end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    }
    const view = bytes.subarray(start, end);
    if (!isUtf8(view)) {
      this.handler.problem({ line: this.lines, code: 'TIX_INPUT_ENCODING', message: 'line is not valid UTF-8; skipped' });
      return;
    }
    this.handler.line(view.toString('utf8'), this.lines);
  }

  private tooLong(): void {
    this.handler.problem({ line: this.lines, code: 'TIX_INPUT_LINE_TOO_LONG', message: `line is longer than ${this.maxLineBytes} bytes; skipped` });
  }
}

/** A NUL byte in text is the surest sign of a binary file; text feeds never hold one. */
export function looksBinary(head: Buffer): boolean {
  return head.subarray(0, 8192).includes(0);
}
