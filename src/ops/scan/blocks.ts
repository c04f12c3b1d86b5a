/**
 * Cuts a byte stream into blocks of whole lines for the scan threads, and
 * numbers them: each block knows the number of its first line. A line longer
 * than `maxLineBytes` is never held: it is reported by number and skipped up
 * to its newline, so a 1 GB line costs no more memory than a short one.
 */
export interface Block {
  firstLine: number;
  bytes: Uint8Array;
}

export class BlockCutter {
  /** Lines in the blocks handed out so far (the long ones skipped included). */
  lines = 0;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** Bytes of the unfinished last line among carryBytes. */
  private partial = 0;
  private skipping = false;

  constructor(
    private readonly blockBytes: number,
    private readonly maxLineBytes: number,
    private readonly tooLong: (line: number) => void,
  ) {}

  /** The blocks a chunk completes (often none). */
  push(chunk: Buffer): Block[] {
    const out: Block[] = [];
    let start = 0;
    if (this.skipping) {
      const newline = chunk.indexOf(0x0a);
      if (newline < 0) return out;
      this.skipping = false;
      start = newline + 1;
    }
    const last = chunk.lastIndexOf(0x0a);
    if (last < start) {
      this.hold(chunk.subarray(start));
      return out;
    }
    // a line begun in earlier chunks may itself be too long
    const firstNewline = chunk.indexOf(0x0a, start);
    if (this.partial + (firstNewline - start) > this.maxLineBytes) {
      this.dropPartial();
      this.lines++;
      this.tooLong(this.lines);
      start = firstNewline + 1;
      if (last < start) {
        this.hold(chunk.subarray(start));
        return out;
      }
    }
    this.carry.push(chunk.subarray(start, last + 1));
    this.carryBytes += last + 1 - start;
    this.partial = 0;
    if (this.carryBytes >= this.blockBytes) out.push(this.cut());
    this.hold(chunk.subarray(last + 1));
    return out;
  }

  /** The last block: whatever is held, a last line without a newline included. */
  end(): Block[] {
    if (this.skipping) {
      this.skipping = false;
      return [];
    }
    return this.carryBytes > 0 ? [this.cut()] : [];
  }

  private hold(rest: Buffer): void {
    if (rest.length === 0) return;
    // the unfinished last line: held only up to the limit
    if (this.partial + rest.length > this.maxLineBytes) {
      // drop the long line's bytes (a block before it is kept)
      this.dropPartial();
      this.lines++;
      this.tooLong(this.lines);
      this.skipping = true;
      return;
    }
    this.carry.push(Buffer.from(rest));
    this.carryBytes += rest.length;
    this.partial += rest.length;
  }

  /** Removes the bytes of the unfinished line from the carry. */
  private dropPartial(): void {
    this.partial = 0;
    while (this.carry.length > 0) {
      const part = this.carry[this.carry.length - 1]!;
      const newline = part.lastIndexOf(0x0a);
      if (newline >= 0) {
        this.carry[this.carry.length - 1] = part.subarray(0, newline + 1);
        this.carryBytes -= part.length - newline - 1;
        return;
      }
      this.carry.pop();
      this.carryBytes -= part.length;
    }
  }

  private cut(): Block {
    const bytes = new Uint8Array(this.carryBytes);
    let at = 0;
    let newlines = 0;
    for (const part of this.carry) {
      bytes.set(part, at);
      at += part.length;
      for (let i = part.indexOf(0x0a); i >= 0; i = part.indexOf(0x0a, i + 1)) newlines++;
    }
    const last = bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? 1 : 0;
    const block = { firstLine: this.lines + 1, bytes };
    this.lines += newlines + last;
    this.carry = [];
    this.carryBytes = 0;
    this.partial = 0;
    return block;
  }
}
