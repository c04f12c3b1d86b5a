/**
 * Cuts a byte stream into blocks of whole lines for the scan threads. Lines
 * are not counted here: the thread that scans a block counts its lines, and
 * blocks are numbered in order as their results come back (a running sum),
 * which spares this thread a search for every newline of the input. A line
 * longer than `maxLineBytes` is never held: the lines before it are cut into
 * a block of their own, the long line is skipped up to its newline and
 * counted in the next block's `skipped`, so a 1 GB line costs no more memory
 * than a short one and every line keeps its number.
 */
export interface Block {
  /** Lines too long to scan between the block before and this one: they come first in the numbering, then the block's lines. */
  skipped: number;
  bytes: Uint8Array;
}

export class BlockCutter {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** Bytes of the unfinished last line among carryBytes. */
  private partial = 0;
  /** Inside a long line, up to its newline. */
  private skipping = false;
  /** Long lines skipped since the last block. */
  private skipped = 0;

  constructor(
    private readonly blockBytes: number,
    private readonly maxLineBytes: number,
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
      this.hold(chunk.subarray(start), out);
      return out;
    }
    // a line begun in earlier chunks may itself be too long
    const firstNewline = chunk.indexOf(0x0a, start);
    if (this.partial + (firstNewline - start) > this.maxLineBytes) {
      this.skipLine(out);
      start = firstNewline + 1;
      if (last < start) {
        this.hold(chunk.subarray(start), out);
        return out;
      }
    }
    this.carry.push(chunk.subarray(start, last + 1));
    this.carryBytes += last + 1 - start;
    this.partial = 0;
    if (this.carryBytes >= this.blockBytes) out.push(this.cut());
    this.hold(chunk.subarray(last + 1), out);
    return out;
  }

  /** The last block: whatever is held, a last line without a newline included, and the long lines skipped since the block before. */
  end(): Block[] {
    this.skipping = false;
    return this.carryBytes > 0 || this.skipped > 0 ? [this.cut()] : [];
  }

  private hold(rest: Buffer, out: Block[]): void {
    if (rest.length === 0) return;
    // the unfinished last line: held only up to the limit
    if (this.partial + rest.length > this.maxLineBytes) {
      this.skipLine(out);
      this.skipping = true;
      return;
    }
    this.carry.push(Buffer.from(rest));
    this.carryBytes += rest.length;
    this.partial += rest.length;
  }

  /** Drops the long line's bytes held, cuts the complete lines before it into a block, and counts the line skipped. */
  private skipLine(out: Block[]): void {
    this.dropPartial();
    if (this.carryBytes > 0) out.push(this.cut());
    this.skipped++;
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
    // written whole below, so not zeroed first; a buffer of its own (not from the pool), to be handed to a thread
    const bytes = Buffer.allocUnsafeSlow(this.carryBytes);
    let at = 0;
    for (const part of this.carry) {
      bytes.set(part, at);
      at += part.length;
    }
    const block = { skipped: this.skipped, bytes };
    this.carry = [];
    this.carryBytes = 0;
    this.partial = 0;
    this.skipped = 0;
    return block;
  }
}

/** Reads up to `length` bytes of the input into `into` at `at`; 0 at its end. */
export type ReadInto = (into: Uint8Array, at: number, length: number) => Promise<number>;

/**
 * An uncompressed file's blocks of whole lines, read straight into buffers
 * that `take` hands out (and the caller takes back once a block is scanned),
 * where BlockCutter copies each block out of the chunks of a stream. Each
 * buffer is filled whole before it is cut at its last newline; the unfinished
 * line after it begins the next buffer. A buffer holds `maxLineBytes` more
 * than a block, so that an unfinished line no longer than the limit always
 * leaves room to read; one longer is skipped up to its newline and counted in
 * the next block's `skipped`, as BlockCutter does. Every buffer taken comes
 * back in a block, empty if need be.
 */
export async function* readBlocks(read: ReadInto, take: () => Promise<Uint8Array>, maxLineBytes: number): AsyncGenerator<Block> {
  let buffer = await take();
  let filled = 0;
  let skipped = 0;
  let skipping = false;
  for (;;) {
    const got = await read(buffer, filled, buffer.length - filled);
    if (got === 0) break;
    if (skipping) {
      const newline = buffer.subarray(filled, filled + got).indexOf(0x0a);
      if (newline < 0) continue; // still inside the long line: the next read overwrites these bytes
      skipping = false;
      buffer.copyWithin(0, filled + newline + 1, filled + got);
      filled = got - newline - 1;
      continue;
    }
    filled += got;
    if (filled < buffer.length) continue;
    const last = buffer.lastIndexOf(0x0a, filled - 1);
    const rest = filled - last - 1;
    const next = await take();
    if (rest > maxLineBytes) skipping = true;
    else next.set(buffer.subarray(last + 1, filled), 0);
    // every buffer taken is yielded, even empty (a long line filled it), so that the caller gives it back
    yield { skipped, bytes: buffer.subarray(0, last + 1) };
    skipped = skipping ? 1 : 0;
    buffer = next;
    filled = skipping ? 0 : rest;
  }
  yield { skipped, bytes: buffer.subarray(0, filled) };
}
