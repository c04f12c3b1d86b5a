import type { FieldKind, ReadProblem, ValueScreen, ValueSink } from '../record.ts';
import { startsWith } from '../index/canonical-bytes.ts';
import type { CompiledPlan } from './plan.ts';

/**
 * Reads the fields a plan names out of one JSON-lines record without
 * building the object: a key can only appear as `"key":` outside strings
 * (inside one, its quotes would be escaped), so one pass of a regular
 * expression over the line finds every wanted key at any depth, with its
 * string, number or array value. Suricata's nesting (`dns.rrname`) is
 * matched by leaf name, which is unambiguous in EVE; strings with escapes
 * are decoded by JSON.parse. A line that is not an object is a problem.
 */
export class JsonFieldScanner {
  private readonly pattern: RegExp;
  private readonly leafUse = new Map<string, { field: string; kind?: string; slot?: number }>();
  /** The same uses by the key's bytes, for the screen, checked byte for byte. */
  private readonly keyList: Array<{ bytes: Uint8Array; kind?: FieldKind; slot?: number }> = [];
  /**
   * A key's slot (keySlot) → 0 for no wanted key, 1 + its index in
   * `keyList` for one, -1 for several (then keyList is searched): almost
   * every key a line holds is turned away by one read.
   */
  private readonly keySlots = new Int16Array(1024);
  private timeText: string | undefined;

  constructor(
    private readonly plan: CompiledPlan,
    /** Plan names by the key as it appears in the JSON (its last dotted part for nested formats, the whole name for flat ones). */
    keyOf: (name: string) => string,
    private readonly timeKey: string,
  ) {
    for (const [name, use] of plan.uses) {
      // several names may share a leaf (dns.rrname, dns.query.rrname): the first names the field
      const key = keyOf(name);
      const known = this.leafUse.get(key);
      this.leafUse.set(key, known ? { ...use, ...known } : { field: name, ...use });
    }
    for (const [key, use] of this.leafUse) {
      const bytes = new TextEncoder().encode(key);
      const entry = { bytes, ...(use.kind ? { kind: use.kind as FieldKind } : {}), ...(use.slot === undefined ? {} : { slot: use.slot }) };
      const slot = keySlot(bytes, 0, bytes.length);
      this.keyList.push(entry);
      this.keySlots[slot] = this.keySlots[slot] === 0 ? this.keyList.length : -1;
    }
    const keys = [...this.leafUse.keys(), timeKey].map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = new RegExp(`"(${keys.join('|')})":\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|(-?[0-9][0-9.eE+-]*)|\\[([^\\]]*)\\])`, 'g');
  }

  get time(): string | undefined {
    return this.timeText;
  }

  read(text: string, no: number, sink: ValueSink): ReadProblem | undefined {
    this.timeText = undefined;
    let start = 0;
    while (start < text.length && text.charCodeAt(start) <= 32) start++;
    if (start === text.length) return undefined;
    let end = text.length;
    while (end > start && text.charCodeAt(end - 1) <= 32) end--;
    if (text.charCodeAt(start) !== 123 || text.charCodeAt(end - 1) !== 125) {
      return { line: no, code: 'TIX_JSON_SYNTAX', message: 'not a JSON object (a line of a JSON-lines log must be {…})' };
    }
    const pattern = this.pattern;
    const slots = this.plan.slots;
    pattern.lastIndex = start;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const key = match[1]!;
      if (key === this.timeKey) {
        this.timeText = match[2] ?? match[3];
        if (!this.leafUse.has(key)) continue;
      }
      const use = this.leafUse.get(key)!;
      if (match[4] !== undefined) {
        // an array of strings or numbers (arrays of objects are reached by their keys)
        const items = match[4];
        if (items.includes('{')) continue;
        for (const item of items.matchAll(/"((?:[^"\\]|\\.)*)"|(-?[0-9][0-9.]*)/g)) {
          const value = item[1] !== undefined ? decode(item[1]) : item[2]!;
          if (use.kind && value !== '') sink.value(use.field, use.kind as never, value);
          if (use.slot !== undefined && slots[use.slot] === undefined) slots[use.slot] = value;
        }
        continue;
      }
      const value = match[2] !== undefined ? decode(match[2]) : match[3]!;
      if (use.kind && value !== '') sink.value(use.field, use.kind as never, value);
      if (use.slot !== undefined && slots[use.slot] === undefined) slots[use.slot] = value;
    }
    this.plan.compose(sink);
    return undefined;
  }

  /**
   * read()'s screen over the line's bytes (see RecordReader.screen): every
   * string or number that follows a wanted key, or sits in an array that
   * does, is screened as the key's kind; slots are filled from the first
   * value of their key, as read() fills them. A string with an escape, a
   * slot key seen twice or holding an array, a line that is not an object,
   * and anything that is not JSON between the strings (where read()'s
   * pattern could pair quotes differently) are left to read().
   */
  screen(bytes: Uint8Array, start: number, end: number, screen: ValueScreen): boolean {
    while (start < end && bytes[start]! <= 32) start++;
    while (end > start && bytes[end - 1]! <= 32) end--;
    if (start === end) return false;
    if (bytes[start] !== 123 || bytes[end - 1] !== 125) return true;
    const starts = this.plan.slotStarts;
    const ends = this.plan.slotEnds;
    let current: { kind?: FieldKind; slot?: number } | undefined;
    let i = start + 1;
    while (i < end) {
      const c = bytes[i]!;
      if (c === 34) {
        let close = i + 1;
        while (close < end && bytes[close] !== 34) {
          if (bytes[close] === 92) return this.leave();
          close++;
        }
        if (close >= end) return this.leave();
        let after = close + 1;
        while (after < end && bytes[after]! <= 32) after++;
        if (bytes[after] === 58) {
          // a key: its value follows
          current = this.useOf(bytes, i + 1, close);
          i = after + 1;
          while (i < end && bytes[i]! <= 32) i++;
          if (current?.slot !== undefined) {
            const next = bytes[i];
            if (starts[current.slot]! >= 0 || next === 91 || next === 123) return this.leave();
          }
          continue;
        }
        if (current) {
          if (current.kind && close > i + 1 && screen.value(current.kind, bytes, i + 1, close)) return this.leave();
          if (current.slot !== undefined && starts[current.slot]! < 0) {
            starts[current.slot] = i + 1;
            ends[current.slot] = close;
          }
        }
        i = close + 1;
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        let stop = i + 1;
        while (stop < end && isNumberByte(bytes[stop]!)) stop++;
        if (current) {
          if (current.kind && screen.value(current.kind, bytes, i, stop)) return this.leave();
          if (current.slot !== undefined && starts[current.slot]! < 0) {
            starts[current.slot] = i;
            ends[current.slot] = stop;
          }
        }
        i = stop;
      } else {
        // an object's values have keys of their own; an array's items keep the array's key
        if (c === 123 || c === 125 || c === 93) current = undefined;
        // anything else outside a string but JSON's punctuation and literals: not JSON, and read() may still find keys in it
        else if (!JSON_BETWEEN[c]) return this.leave();
        i++;
      }
    }
    return this.plan.screenComposed(bytes, screen);
  }

  private leave(): true {
    this.plan.slotStarts.fill(-1);
    return true;
  }

  private useOf(bytes: Uint8Array, start: number, end: number): { kind?: FieldKind; slot?: number } | undefined {
    const slot = this.keySlots[keySlot(bytes, start, end)]!;
    if (slot === 0) return undefined;
    if (slot > 0) {
      const only = this.keyList[slot - 1]!;
      return isKey(only.bytes, bytes, start, end) ? only : undefined;
    }
    return this.keyList.find((candidate) => isKey(candidate.bytes, bytes, start, end));
  }
}

/** Whether bytes [start, end) are the key's, no more. */
const isKey = (key: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean => key.length === end - start && startsWith(bytes, start, end, key);

/**
 * A key's slot in a 1,024-slot table, from its length and its first, middle
 * and last bytes: one multiply, where a hash of every byte of every key cost
 * a quarter of the screen. Keys that share a slot are told apart byte for byte.
 */
function keySlot(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length === 0) return 0;
  return Math.imul(length ^ (bytes[start]! << 8) ^ (bytes[start + (length >>> 1)]! << 16) ^ (bytes[end - 1]! << 24), 0x9e3779b1) >>> 22;
}

/** Bytes JSON allows between its strings and numbers: white space, punctuation, and the letters of true, false and null. */
const JSON_BETWEEN = new Uint8Array(256);
for (const c of ' \t\r\n{}[],:truefalsnl') JSON_BETWEEN[c.charCodeAt(0)] = 1;

const isNumberByte = (c: number): boolean => (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;

function decode(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
