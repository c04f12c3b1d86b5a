/**
 * Splits a streamed JSON document into the pieces an exchange format needs
 * without holding the document: each element of a top-level array, or of the
 * array under one chosen key of a top-level object (a STIX bundle's
 * `objects`), is handed over as its own text to JSON.parse; the top-level
 * object's other members are kept (they are small) and handed over at the end.
 *
 * It only tracks nesting, strings and positions; a malformed element is
 * found by JSON.parse on that element alone, so one bad object costs only
 * itself. Structural damage (unbalanced brackets, a truncated file) is
 * reported once, at the end.
 */

export interface JsonStreamHandler {
  /** One element of the streamed array: its text, the 1-based line it starts on, and its index. */
  element(text: string, line: number, index: number): void;
  /** The document's top-level shape, once known: an object, an array or a bare value. */
  start?(shape: 'object' | 'array' | 'value', line: number): void;
}

export interface JsonStreamEnd {
  /** Members of a top-level object other than the streamed array, as raw JSON text. */
  members: Map<string, { text: string; line: number }>;
  /** The whole document when it was neither an object nor an array. */
  value?: string;
  shape: 'object' | 'array' | 'value' | 'empty';
  /** What was wrong with the document's structure, if anything. */
  damage?: { message: string; line: number; column: number };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

export class JsonStream {
  private line = 1;
  private column = 0;
  private depth = 0;
  private readonly stack: number[] = [];
  private inString = false;
  private escaped = false;
  private shape: JsonStreamEnd['shape'] = 'empty';
  /** Depth at which elements are streamed (1: top-level array; 2: the array under `streamKey`). */
  private elementDepth = -1;
  private index = 0;
  /** Collecting a top-level member's key (a string at depth 1, before its colon). */
  private keyText: string[] | undefined;
  private lastKey: string | undefined;
  private expectKey = false;
  private readonly members = new Map<string, { text: string; line: number }>();
  private capture: string[] | undefined;
  private captureLine = 0;
  private captureDepth = 0;
  /** Where, in the current chunk, the capture started (or 0 if it started in an earlier chunk). */
  private captureFrom = 0;
  private captureKind: 'element' | 'member' | 'value' | undefined;
  private damage: JsonStreamEnd['damage'];

  constructor(
    private readonly streamKey: string,
    private readonly handler: JsonStreamHandler,
  ) {}

  write(chunk: string): void {
    if (this.damage) return;
    const length = chunk.length;
    this.captureFrom = 0;
    for (let at = 0; at < length; at++) {
      const code = chunk.charCodeAt(at);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (code === BACKSLASH) this.escaped = true;
        else if (code === QUOTE) {
          this.inString = false;
          if (this.keyText) {
            this.keyText.push(chunk.slice(this.keyStart, at + 1));
            this.lastKey = JSON.parse(this.keyText.join('')) as string;
            this.keyText = undefined;
          }
          if (this.capture && this.captureKind !== undefined && this.depth === this.captureDepth && this.captureKind !== 'value') {
            this.endCapture(chunk, at + 1);
          } else if (this.capture && this.captureKind === 'value' && this.depth === 0) {
            this.endCapture(chunk, at + 1);
          }
        } else if (code === NEWLINE) {
          this.line++;
          this.column = 0;
        }
        this.column++;
        continue;
      }
      if (code === NEWLINE) {
        this.line++;
        this.column = 0;
        continue;
      }
      this.column++;
      if (isSpace(code)) continue;
      // a scalar element or member ends at the first delimiter after it
      if (this.capture && this.scalar && (code === 0x2c || code === 0x5d || code === 0x7d)) {
        this.endCapture(chunk, at);
      }
      if (this.depth === 0 && this.shape !== 'empty' && !this.capture) {
        this.fail('text after the end of the document');
        return;
      }
      switch (code) {
        case 0x7b: // {
        case 0x5b: // [
          this.open(code, chunk, at);
          break;
        case 0x7d: // }
        case 0x5d: // ]
          if (!this.close(code, chunk, at)) return;
          break;
        case 0x2c: // ,
          if (this.depth === 1 && this.stack[0] === 0x7b) this.expectKey = true;
          break;
        case 0x3a: // :
          break;
        case QUOTE:
          this.inString = true;
          if (this.depth === 1 && this.stack[0] === 0x7b && this.expectKey) {
            this.expectKey = false;
            this.keyText = [];
            this.keyStart = at;
          } else {
            this.beginValue(chunk, at, false);
          }
          break;
        default:
          this.beginValue(chunk, at, true);
      }
    }
    if (this.capture) this.capture.push(chunk.slice(this.captureFrom));
    if (this.keyText && this.inString) {
      this.keyText.push(chunk.slice(this.keyStart));
      this.keyStart = 0;
    }
  }

  /** A top-level member read so far (members before the streamed array are known while it streams). */
  member(key: string): { text: string; line: number } | undefined {
    return this.members.get(key);
  }

  end(): JsonStreamEnd {
    if (!this.damage) {
      if (this.inString) this.fail('the document ends inside a string');
      else if (this.depth > 0) this.fail(`the document ends with ${this.depth} unclosed bracket${this.depth > 1 ? 's' : ''}`);
      else if (this.capture && this.captureKind === 'value') this.endCapture('', 0);
    }
    const result: JsonStreamEnd = { members: this.members, shape: this.shape };
    if (this.valueText !== undefined) result.value = this.valueText;
    if (this.damage) result.damage = this.damage;
    return result;
  }

  private keyStart = 0;
  private scalar = false;
  private valueText: string | undefined;

  /** A value begins: start capturing it if it is an element or a top-level member. */
  private beginValue(chunk: string, at: number, scalar: boolean): void {
    if (this.capture) return;
    if (this.depth === 0) {
      this.shape = 'value';
      this.handler.start?.('value', this.line);
      this.startCapture('value', at, 0, scalar);
    } else if (this.depth === this.elementDepth) {
      this.startCapture('element', at, this.depth, scalar);
    } else if (this.depth === 1 && this.stack[0] === 0x7b) {
      this.startCapture('member', at, 1, scalar);
    }
    void chunk;
  }

  private startCapture(kind: 'element' | 'member' | 'value', at: number, depth: number, scalar: boolean): void {
    this.capture = [];
    this.captureKind = kind;
    this.captureFrom = at;
    this.captureLine = this.line;
    this.captureDepth = depth;
    this.scalar = scalar;
  }

  private endCapture(chunk: string, until: number): void {
    const pieces = this.capture!;
    pieces.push(chunk.slice(this.captureFrom, until));
    const text = pieces.join('');
    const kind = this.captureKind;
    this.capture = undefined;
    this.captureKind = undefined;
    this.scalar = false;
    if (kind === 'element') this.handler.element(text.trim(), this.captureLine, this.index++);
    else if (kind === 'member' && this.lastKey !== undefined) this.members.set(this.lastKey, { text: text.trim(), line: this.captureLine });
    else if (kind === 'value') this.valueText = text.trim();
  }

  private open(code: number, chunk: string, at: number): void {
    if (this.depth === 0) {
      this.shape = code === 0x7b ? 'object' : 'array';
      this.handler.start?.(this.shape, this.line);
      if (code === 0x5b) this.elementDepth = 1;
      else this.expectKey = true;
    } else if (!this.capture) {
      if (this.depth === 1 && this.stack[0] === 0x7b && code === 0x5b && this.lastKey === this.streamKey && this.elementDepth < 0) {
        this.elementDepth = 2;
      } else if (this.depth === this.elementDepth) {
        this.startCapture('element', at, this.depth, false);
      } else if (this.depth === 1 && this.stack[0] === 0x7b) {
        this.startCapture('member', at, 1, false);
      }
    }
    this.stack.push(code);
    this.depth++;
    void chunk;
  }

  private close(code: number, chunk: string, at: number): boolean {
    const opener = this.stack.pop();
    if (opener === undefined || (code === 0x7d) !== (opener === 0x7b)) {
      this.fail(opener === undefined ? `unexpected '${String.fromCharCode(code)}'` : `'${String.fromCharCode(code)}' closes a '${String.fromCharCode(opener)}'`);
      return false;
    }
    this.depth--;
    if (this.capture && !this.scalar && this.depth === this.captureDepth) this.endCapture(chunk, at + 1);
    if (this.depth === 1 && this.elementDepth === 2 && code === 0x5d) this.elementDepth = -2; // the streamed array is done
    return true;
  }

  private fail(message: string): void {
    this.damage = { message, line: this.line, column: this.column };
    this.capture = undefined;
  }
}
