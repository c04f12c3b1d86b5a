import type { ReadProblem, ValueSink } from '../record.ts';
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
}

function decode(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
