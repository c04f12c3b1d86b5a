import type { IndicatorType, ThreatType, Tlp } from '../../model/index.ts';
import type { PackageItem, PackageList } from './items.ts';

/**
 * Package items in columns, to hand to another thread: copying a million
 * small objects there costs seconds, while a typed array moves for free and
 * the repeated text (types, countries, sources, families) goes once in a table.
 */
export interface ItemColumns {
  values: string[];
  /** firstSeen, lastSeen, addedAt, asn, confidence per item; NaN where absent. */
  numbers: Float64Array;
  /** type, country, asOrg, list, tlp (indexes into `text`; -1 where absent), sources, threatTypes, malware (indexes into `lists`) per item. */
  codes: Int32Array;
  text: string[];
  lists: string[][];
}

const NUMBERS = 5;
const CODES = 8;

export function toColumns(items: readonly PackageItem[]): ItemColumns {
  const text: string[] = [];
  const textIndex = new Map<string, number>();
  const lists: string[][] = [];
  const listIndex = new Map<string, number>();
  const code = (value: string | undefined): number => {
    if (value === undefined) return -1;
    let at = textIndex.get(value);
    if (at === undefined) {
      at = text.push(value) - 1;
      textIndex.set(value, at);
    }
    return at;
  };
  const listCode = (list: string[]): number => {
    // JSON text starts with a bracket: no single text, marked with '=', is taken for a list of several
    const key = list.length === 1 ? `=${list[0]}` : JSON.stringify(list);
    let at = listIndex.get(key);
    if (at === undefined) {
      at = lists.push(list) - 1;
      listIndex.set(key, at);
    }
    return at;
  };
  const numbers = new Float64Array(items.length * NUMBERS);
  const codes = new Int32Array(items.length * CODES);
  const values: string[] = new Array(items.length);
  items.forEach((item, i) => {
    values[i] = item.value;
    const n = i * NUMBERS;
    numbers[n] = item.firstSeen;
    numbers[n + 1] = item.lastSeen;
    numbers[n + 2] = item.addedAt;
    numbers[n + 3] = item.asn ?? Number.NaN;
    numbers[n + 4] = item.confidence ?? Number.NaN;
    const c = i * CODES;
    codes[c] = code(item.type);
    codes[c + 1] = code(item.country);
    codes[c + 2] = code(item.asOrg);
    codes[c + 3] = code(item.list);
    codes[c + 4] = code(item.tlp);
    codes[c + 5] = listCode(item.sources);
    codes[c + 6] = listCode(item.threatTypes);
    codes[c + 7] = listCode(item.malware);
  });
  return { values, numbers, codes, text, lists };
}

/** The items back; items with the same sources, threat types or families share those arrays, which nothing changes. */
export function fromColumns(columns: ItemColumns): PackageItem[] {
  const { values, numbers, codes, text, lists } = columns;
  return values.map((value, i) => {
    const n = i * NUMBERS;
    const c = i * CODES;
    const item: PackageItem = {
      type: text[codes[c]!] as IndicatorType,
      value,
      firstSeen: numbers[n]!,
      lastSeen: numbers[n + 1]!,
      addedAt: numbers[n + 2]!,
      country: text[codes[c + 1]!]!,
      sources: lists[codes[c + 5]!]!,
      threatTypes: lists[codes[c + 6]!]! as ThreatType[],
      malware: lists[codes[c + 7]!]!,
      tlp: text[codes[c + 4]!] as Tlp,
      list: text[codes[c + 3]!] as PackageList,
    };
    if (!Number.isNaN(numbers[n + 3]!)) item.asn = numbers[n + 3]!;
    if (codes[c + 2]! >= 0) item.asOrg = text[codes[c + 2]!]!;
    if (!Number.isNaN(numbers[n + 4]!)) item.confidence = numbers[n + 4]!;
    return item;
  });
}
