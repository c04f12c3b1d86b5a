import type { ReadProblem } from '../record.ts';
import type { FieldGetter } from './plan.ts';

export type JsonRecord = Record<string, unknown>;

/** One JSON-lines record; blank lines are nothing, anything but an object is a problem. */
export function parseJsonLine(text: string, no: number): { record: JsonRecord } | { problem: ReadProblem } | undefined {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: { line: no, code: 'TIX_JSON_SYNTAX', message: `not JSON: ${(error as Error).message}` } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problem: { line: no, code: 'TIX_JSON_SYNTAX', message: 'a JSON line that is not an object' } };
  return { record: value as JsonRecord };
}

const scalar = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;

function collect(value: unknown, path: readonly string[], at: number, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, path, at, out);
    return;
  }
  if (at === path.length) {
    const text = scalar(value);
    if (text !== undefined) out.push(text);
    return;
  }
  if (value !== null && typeof value === 'object') collect((value as JsonRecord)[path[at]!], path, at + 1, out);
}

const SPLIT_PATHS = new Map<string, string[]>();

/**
 * Values at a dotted name: a flat key first (Zeek writes `"id.orig_h"`), then
 * the nested path (Suricata writes `{"dns":{"rrname":…}}`); arrays on the
 * way give every element.
 */
export function jsonGetter(record: JsonRecord): FieldGetter {
  return (name) => {
    const flat = record[name];
    if (flat !== undefined) {
      if (Array.isArray(flat)) {
        const out: string[] = [];
        collect(flat, [], 0, out);
        return out;
      }
      const text = scalar(flat);
      return text === undefined ? undefined : [text];
    }
    if (!name.includes('.')) return undefined;
    let path = SPLIT_PATHS.get(name);
    if (!path) {
      path = name.split('.');
      SPLIT_PATHS.set(name, path);
    }
    const head = record[path[0]!];
    if (head === undefined || head === null) return undefined;
    const out: string[] = [];
    collect(head, path, 1, out);
    return out.length ? out : undefined;
  };
}
