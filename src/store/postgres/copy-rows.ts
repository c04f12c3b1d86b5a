import { ABSENT, NUMBER, numberCells, TEXT, textCells, TYPE_CODES, type ObservationBatch } from '../batch.ts';
import type { IndicatorType } from '../../model/index.ts';

/** COPY's special characters in its text format, and what each is written as. */
const BACKSLASH = 0x5c;
const ESCAPE_OF = new Uint8Array(256);
ESCAPE_OF[BACKSLASH] = BACKSLASH;
ESCAPE_OF[0x09] = 0x74; // \t
ESCAPE_OF[0x0a] = 0x6e; // \n
ESCAPE_OF[0x0d] = 0x72; // \r
const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A string as a COPY text cell, escaped. */
export const copyCell = (value: string): string => (SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value);

/** How a batch's text cells are written: copied as bytes (with or without escapes), or, when the text is not ASCII, cell by cell from the string. */
type TextMode = 'bytes' | 'escaped-bytes' | 'string';

/** A batch as the rows of a COPY read it: its text as bytes when it is ASCII (its cells' offsets are then byte offsets). */
export interface CopySource {
  batch: ObservationBatch;
  mode: TextMode;
  bytes: Buffer | undefined;
}

/**
 * Looks a batch over once for the COPYs that read it: ASCII text (almost always) is encoded once and its cells
 * are copied byte for byte; escapes are needed only if one of COPY's special characters occurs in it (four
 * searches for one character each, faster than one for a class of them).
 */
export function copySource(batch: ObservationBatch): CopySource {
  const text = batch.text;
  const bytes = Buffer.from(text, 'utf8');
  // as many bytes as characters: every character is ASCII
  if (bytes.length !== text.length) return { batch, mode: 'string', bytes: undefined };
  const special = text.includes('\\') || text.includes('\t') || text.includes('\n') || text.includes('\r');
  return { batch, mode: special ? 'escaped-bytes' : 'bytes', bytes };
}

/** Bytes of COPY text a chunk is cut at (a chunk may run past it by one row). */
const CHUNK_BYTES = 256 * 1024;

/**
 * Writes rows of COPY text (PostgreSQL's text format) as bytes, straight from
 * a batch's cells: no string is built per row, and no chunk of text is
 * encoded again as a whole. A renderer moves to a row (`row`), writes its
 * cells with `text`, `hex`, `int` and `literal`, separated by `tab`, and ends
 * it with `newline`; `chunk` hands over what is written once it is large
 * enough. Cells are escaped as COPY wants (backslash, tab, newline, CR);
 * absent ones are written `\N`.
 */
export class CopyRows {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES * 2);
  private at = 0;
  private source!: CopySource;
  private ends!: Uint32Array;
  private numbers!: Float64Array;
  private textWidth = 0;
  private numberWidth = 0;
  /** The first text cell, and the first number, of the row. */
  private cell = 0;
  private number = 0;

  /** Reads the rows of `source` from now on. */
  use(source: CopySource): void {
    this.source = source;
    this.ends = source.batch.ends;
    this.numbers = source.batch.numbers;
    this.textWidth = textCells(source.batch.bare);
    this.numberWidth = numberCells(source.batch.bare);
  }

  /** Moves to row `row` of the batch. */
  row(row: number): void {
    this.cell = row * this.textWidth;
    this.number = row * this.numberWidth;
  }

  /** Number `which` of the row (NUMBER), NaN where absent. */
  numberOf(which: number): number {
    return this.numbers[this.number + which]!;
  }

  /** The row's indicator type. */
  get type(): IndicatorType {
    return TYPE_CODES[this.numbers[this.number + 1]!]!;
  }

  /** Whether text cell `which` (TEXT) of the row is absent. */
  absent(which: number): boolean {
    return this.ends[this.cell + which]! >= ABSENT;
  }

  /** Text cell `which` of the row as a string ('' where absent). */
  string(which: number): string {
    const index = this.cell + which;
    const end = this.ends[index]!;
    return end >= ABSENT ? '' : this.source.batch.text.slice(this.startOf(index), end);
  }

  /** Writes text cell `which` of the row, escaped; `\N` where absent, or `fallback` (written as it is) if given. */
  text(which: number, fallback?: string): void {
    const index = this.cell + which;
    const end = this.ends[index]!;
    if (end >= ABSENT) {
      this.literal(fallback ?? '\\N');
      return;
    }
    const start = this.startOf(index);
    const { mode, bytes } = this.source;
    if (mode === 'string') {
      const cell = copyCell(this.source.batch.text.slice(start, end));
      this.room(cell.length * 3);
      this.at += this.buffer.write(cell, this.at, 'utf8');
      return;
    }
    const length = end - start;
    if (mode === 'bytes') {
      this.room(length);
      if (length > 32) bytes!.copy(this.buffer, this.at, start, end);
      else for (let i = 0; i < length; i++) this.buffer[this.at + i] = bytes![start + i]!;
      this.at += length;
      return;
    }
    this.room(length * 2);
    const out = this.buffer;
    let at = this.at;
    for (let i = start; i < end; i++) {
      const c = bytes![i]!;
      const escape = ESCAPE_OF[c]!;
      if (escape === 0) out[at++] = c;
      else {
        out[at++] = BACKSLASH;
        out[at++] = escape;
      }
    }
    this.at = at;
  }

  /** Writes text cell `which` (hex digits) as a bytea cell, `\\x…` with its backslash escaped; `\N` where absent. */
  hex(which: number): void {
    if (this.absent(which)) this.literal('\\N');
    else {
      this.literal('\\\\x');
      this.text(which);
    }
  }

  /**
   * Writes the row's value cells, as the stage and the table of values both take them: hash, type, value,
   * first and last IP key (bytea; the last one, where absent, the first with `lastOrFirst`), host key, first
   * and last seen.
   */
  valueCells(lastOrFirst: boolean): void {
    this.int(this.numberOf(NUMBER.hash));
    this.tab();
    this.literal(this.type);
    this.tab();
    this.text(TEXT.value);
    this.tab();
    this.hex(TEXT.ipFirst);
    this.tab();
    this.hex(lastOrFirst && this.absent(TEXT.ipLast) ? TEXT.ipFirst : TEXT.ipLast);
    this.tab();
    this.text(TEXT.hostKey);
    this.tab();
    this.int(this.numberOf(NUMBER.firstSeen));
    this.tab();
    this.int(this.numberOf(NUMBER.lastSeen));
  }

  /** Writes the row's text metadata: threat type, malware, tags ('' where none), reference and TLP (or `tlp` where absent). */
  metadataCells(tlp?: string): void {
    this.text(TEXT.threatType);
    this.tab();
    this.text(TEXT.malware);
    this.tab();
    this.text(TEXT.tags, '');
    this.tab();
    this.text(TEXT.reference);
    this.tab();
    this.text(TEXT.tlp, tlp);
  }

  /** Writes a number as String writes it; `\N` for NaN. Integers are written digit by digit. */
  int(value: number): void {
    if (!Number.isSafeInteger(value)) {
      this.literal(Number.isNaN(value) ? '\\N' : String(value));
      return;
    }
    this.room(17);
    const out = this.buffer;
    if (value < 0) {
      out[this.at++] = 0x2d;
      value = -value;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.at + digits;
    this.at = at;
    do {
      const next = Math.floor(value / 10);
      out[--at] = 0x30 + (value - next * 10);
      value = next;
    } while (value > 0);
  }

  /** Writes ASCII text as it is (a separator, a constant cell). */
  literal(text: string): void {
    this.room(text.length);
    const out = this.buffer;
    for (let i = 0; i < text.length; i++) out[this.at + i] = text.charCodeAt(i);
    this.at += text.length;
  }

  tab(): void {
    this.room(1);
    this.buffer[this.at++] = 0x09;
  }

  newline(): void {
    this.room(1);
    this.buffer[this.at++] = 0x0a;
  }

  /** The rows written since the last chunk, if they make a chunk (or `all`, and there are any); else undefined. */
  chunk(all = false): Buffer | undefined {
    if (this.at === 0 || (!all && this.at < CHUNK_BYTES)) return undefined;
    const chunk = this.buffer.subarray(0, this.at);
    // handed to the socket as it is: the next rows go into a new buffer
    this.buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES * 2, this.buffer.length));
    this.at = 0;
    return chunk;
  }

  private startOf(index: number): number {
    return index === 0 ? 0 : this.ends[index - 1]! & ~ABSENT;
  }

  /** Makes room for `bytes` more. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(bigger, 0, 0, this.at);
    this.buffer = bigger;
  }
}
