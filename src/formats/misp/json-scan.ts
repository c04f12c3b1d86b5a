/** Where a JSON syntax error is, for messages a user can act on. */
export interface JsonSyntaxError {
  message: string;
  /** UTF-16 offset into the text. */
  offset: number;
  line: number;
  column: number;
}

/**
 * Which values to remember the line of. `key` is the member name
 * a value sits under, or for an array element the name of its array; `depth`
 * is 0 for the root.
 */
export type JsonSelect = (key: string | undefined, inArray: boolean, depth: number) => boolean;

export interface JsonScan {
  error?: JsonSyntaxError;
  /** Line (1-based) where each selected value starts, by path: `response[0].Event.Attribute[3]`. */
  lines: Map<string, number>;
}

interface Frame {
  array: boolean;
  /** The member name this container sits under in its parent. */
  name: string | undefined;
  /** The current member name (objects) or element index (arrays). */
  key: string | undefined;
  index: number;
}

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Checks that `text` is one well-formed JSON value (RFC 8259) and notes the
 * line of the values `select` picks. JSON.parse says neither where it
 * failed nor where anything is; this pass does, without building values.
 * Iterative, so hostile nesting cannot overflow the stack.
 */
export function scanJson(text: string, select: JsonSelect): JsonScan {
  const lines = new Map<string, number>();
  const stack: Frame[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = 0;

  const fail = (message: string, at = i): JsonScan => ({ error: { message, offset: at, line, column: at - lineStart + 1 }, lines });
  const skipSpace = (): void => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = i + 1;
      } else if (c !== 32 && c !== 9 && c !== 13) return;
    }
  };
  /** Index after the string starting at `i`, or an error message. */
  const stringEnd = (): number | string => {
    for (let j = i + 1; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c === 92) {
        const e = text[j + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return 'bad \\u escape in a string';
          j += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j++;
        else return 'bad escape in a string';
      } else if (c < 32) return c === 10 ? 'unterminated string (line break inside a string)' : 'control character inside a string';
    }
    return 'unterminated string';
  };
  const readKey = (): string | JsonScan => {
    skipSpace();
    if (text.charCodeAt(i) !== 34) return fail(i >= n ? 'unexpected end of input' : 'expected a member name in double quotes');
    const end = stringEnd();
    if (typeof end === 'string') return fail(end);
    const raw = text.slice(i + 1, end - 1);
    i = end;
    skipSpace();
    if (text.charCodeAt(i) !== 58) return fail(i >= n ? 'unexpected end of input' : "expected ':' after a member name");
    i++;
    return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  };
  const pathOf = (): string => {
    let path = '';
    for (const frame of stack) path += frame.array ? `[${frame.index}]` : path === '' ? `${frame.key}` : `.${frame.key}`;
    return path;
  };

  for (;;) {
    // a value is expected here
    skipSpace();
    if (i >= n) return fail('unexpected end of input');
    const c = text.charCodeAt(i);
    const parent = stack[stack.length - 1];
    const key = parent === undefined ? undefined : parent.array ? parent.name : parent.key;
    if (select(key, parent?.array === true, stack.length)) lines.set(pathOf(), line);
    if (c === 123 || c === 91) {
      if (stack.length >= MAX_DEPTH) return fail(`nested deeper than ${MAX_DEPTH} levels`);
      const frame: Frame = { array: c === 91, name: key, key: undefined, index: 0 };
      i++;
      skipSpace();
      if (text.charCodeAt(i) === (frame.array ? 93 : 125)) {
        i++;
      } else {
        stack.push(frame);
        if (!frame.array) {
          const first = readKey();
          if (typeof first !== 'string') return first;
          frame.key = first;
        }
        continue;
      }
    } else if (c === 34) {
      const end = stringEnd();
      if (typeof end === 'string') return fail(end);
      i = end;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text) || /[\d.eE+-]/.test(text[NUMBER.lastIndex] ?? '')) return fail('malformed number');
      i = NUMBER.lastIndex;
    } else if (text.startsWith('true', i) || text.startsWith('null', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else return fail(`unexpected character ${JSON.stringify(text[i])}`);

    // after a value: a separator, the end of containers, or the end of the text
    for (;;) {
      skipSpace();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? fail('unexpected text after the JSON value') : { lines };
      const d = text.charCodeAt(i);
      if (d === 44) {
        i++;
        if (top.array) top.index++;
        else {
          const key = readKey();
          if (typeof key !== 'string') return key;
          top.key = key;
        }
        break;
      }
      if (d === (top.array ? 93 : 125)) {
        i++;
        stack.pop();
        continue;
      }
      return fail(i >= n ? 'unexpected end of input' : `expected ',' or '${top.array ? ']' : '}'}'`);
    }
  }
}
