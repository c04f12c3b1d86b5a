import { pathKey } from './path.ts';
import { parseObjectPath } from './parser.ts';
import type { PathStep } from './ast.ts';

/**
 * What the matcher evaluates a pattern against.
 *
 * An observation record is flat: its keys are object paths as a pattern
 * writes them, its values what the observed objects hold there:
 *
 *   { 'ipv4-addr:value': '198.51.100.1',
 *     'network-traffic:dst_ref.value': '198.51.100.1',
 *     'network-traffic:dst_port': 443,
 *     "file:hashes.'SHA-256'": 'aec0…',
 *     'domain-name:resolves_to_refs[*].value': ['198.51.100.1', '203.0.113.7'] }
 *
 * - Keys are written the way observationKey() prints them: property names
 *   bare when the grammar allows, else quoted; hash algorithm names in their
 *   STIX spelling (`hashes.'SHA-256'`, `hashes.MD5`), so `hashes.SHA256` in a
 *   pattern finds them.
 * - A reference is followed by writing the path through it
 *   (`network-traffic:dst_ref.value`); the matcher never resolves references.
 * - An array is a list of candidates: a comparison is true when any element
 *   satisfies it; with NOT, when any element fails the plain comparison
 *   (NOT modifies the operator, 9.6.1). A list property may be
 *   stored under its plain key (`network-traffic:protocols`: `['tcp', 'http']`,
 *   which `protocols[0]` and `protocols[*]` then index), or element by element
 *   with `[0]`, `[1]`, … or `[*]` in the key.
 * - One record holds at most one object of each type: comparisons joined by
 *   AND must hold for the same object (9.5), so an AND across two object types
 *   never matches. Several objects of one type that must not be mixed (two
 *   network-traffic objects) go in separate records: an observation is one
 *   record or an array of them, and matches when one record does.
 * - Values are typed: strings, numbers, booleans, and octets (Uint8Array).
 *   Timestamps are STIX timestamp strings (or milliseconds since the epoch);
 *   `_hex` and `_bin` properties may hold their hex or base64 text.
 */
export type ObservedValue = string | number | boolean | Uint8Array;

export interface ObservedRecord {
  readonly [path: string]: ObservedValue | readonly ObservedValue[] | null | undefined;
}

export type Observation = ObservedRecord | readonly ObservedRecord[];

/** One observation in time, for matchSequence: `time` is milliseconds since the epoch. */
export interface TimedObservation {
  time: number;
  values: Observation;
}

/** The record key for an object path written in pattern syntax (`file:hashes.sha256` gives `file:hashes.'SHA-256'`). */
export function observationKey(path: string): string {
  return pathKey(parseObjectPath(path));
}

/** How many references deep flattening follows, so a large graph stays a small record. */
const MAX_DEPTH = 3;

/**
 * STIX cyber-observable objects flattened into observation records, one per
 * object: the `objects` map of a STIX 2.0 observed-data (keyed `"0"`, `"1"`…)
 * or the SCOs of a STIX 2.1 bundle (an array of objects with `id`). `_ref`
 * and `_refs` properties are followed into the objects they name.
 */
export function flattenObjects(objects: Readonly<Record<string, unknown>> | readonly unknown[]): ObservedRecord[] {
  const byId = new Map<string, Record<string, unknown>>();
  const entries = Array.isArray(objects)
    ? objects.map((object, index): [string, unknown] => [String((object as { id?: unknown } | null)?.id ?? index), object])
    : Object.entries(objects);
  for (const [id, object] of entries) if (isObject(object)) byId.set(id, object);
  const records: ObservedRecord[] = [];
  for (const object of byId.values()) {
    if (typeof object.type !== 'string') continue;
    const record: Record<string, ObservedValue | ObservedValue[]> = {};
    walk(object, [], object.type, record, byId, [object]);
    records.push(record);
  }
  return records;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function add(record: Record<string, ObservedValue | ObservedValue[]>, key: string, value: ObservedValue): void {
  const existing = record[key];
  if (existing === undefined) record[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else record[key] = [existing, value];
}

function walk(
  value: unknown,
  steps: PathStep[],
  objectType: string,
  record: Record<string, ObservedValue | ObservedValue[]>,
  byId: Map<string, Record<string, unknown>>,
  /** The objects this path passed through: a reference back to one of them is not followed again. */
  through: readonly Record<string, unknown>[],
): void {
  if (typeof value === 'string' && isReference(steps)) {
    const target = byId.get(value);
    if (target && !through.includes(target) && through.length <= MAX_DEPTH) walk(target, steps, objectType, record, byId, [...through, target]);
    return;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    if (steps.length > 0) add(record, pathKey({ objectType, steps, at: 0 }), value);
    return;
  }
  if (Array.isArray(value)) {
    if (steps.length === 0) return;
    // a list of plain values is stored whole; lists of objects or references element by element
    if (!isReference(steps) && value.every((item) => typeof item !== 'object' || item === null)) {
      const key = pathKey({ objectType, steps, at: 0 });
      if (value.length === 0) record[key] = [];
      for (const item of value) if (item !== null) add(record, key, item as ObservedValue);
      return;
    }
    value.forEach((item, index) => {
      walk(item, [...steps, { index: '*' }], objectType, record, byId, through);
      walk(item, [...steps, { index }], objectType, record, byId, through);
    });
    return;
  }
  if (isObject(value)) {
    for (const [name, child] of Object.entries(value)) walk(child, [...steps, { key: name }], objectType, record, byId, through);
  }
}

/** Whether the value at these steps names another object: a `_ref` property or an element of a `_refs` list. */
function isReference(steps: readonly PathStep[]): boolean {
  const last = steps[steps.length - 1];
  const owner = last && 'index' in last ? steps[steps.length - 2] : last;
  return owner !== undefined && 'key' in owner && (owner.key.endsWith('_ref') || owner.key.endsWith('_refs'));
}
