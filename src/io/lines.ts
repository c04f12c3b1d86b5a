import { isUtf8 } from 'node:buffer';

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

export interface LineProblem {
  line: number;
  code: 'TIX_INPUT_ENCODING' | 'TIX_INPUT_LINE_TOO_LONG';
  message: string;
}

export interface LineHandler {
  line(text: string, no: number): void;
  problem(problem: LineProblem): void;
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
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let overflowing = false;
  let no = 0;
  let first = true;

  const emit = (bytes: Buffer): void => {
    no++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    let start = 0;
    if (first) {
      first = false;
      if (end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    }
    const view = bytes.subarray(start, end);
    if (!isUtf8(view)) {
      handler.problem({ line: no, code: 'TIX_INPUT_ENCODING', message: 'line is not valid UTF-8; skipped' });
      return;
    }
    handler.line(view.toString('utf8'), no);
  };

  for await (const chunk of chunks) {
    let position = 0;
    while (position < chunk.length) {
      const newline = chunk.indexOf(0x0a, position);
      const end = newline < 0 ? chunk.length : newline;
      const piece = chunk.subarray(position, end);
      if (!overflowing) {
        if (carryBytes + piece.length > maxLineBytes) {
          overflowing = true;
          carry = [];
          carryBytes = 0;
        } else if (newline >= 0 && carryBytes === 0) {
          emit(piece);
        } else {
          carry.push(Buffer.from(piece));
          carryBytes += piece.length;
          if (newline >= 0) {
            emit(Buffer.concat(carry, carryBytes));
            carry = [];
            carryBytes = 0;
          }
        }
      }
      if (newline >= 0 && overflowing) {
        no++;
        first = false;
        handler.problem({
          line: no,
          code: 'TIX_INPUT_LINE_TOO_LONG',
          message: `line is longer than ${maxLineBytes} bytes; skipped`,
        });
        overflowing = false;
      }
      position = newline < 0 ? chunk.length : newline + 1;
    }
    if (options.onChunk) await options.onChunk(chunk.length, no);
  }
  if (overflowing) {
    no++;
    handler.problem({ line: no, code: 'TIX_INPUT_LINE_TOO_LONG', message: `line is longer than ${maxLineBytes} bytes; skipped` });
  } else if (carryBytes > 0) {
    emit(Buffer.concat(carry, carryBytes));
  }
  return no;
}

/** A NUL byte in text is the surest sign of a binary file; text feeds never hold one. */
export function looksBinary(head: Buffer): boolean {
  return head.subarray(0, 8192).includes(0);
}
