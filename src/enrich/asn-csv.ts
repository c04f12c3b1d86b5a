import { splitCsvLine } from '../formats/common/csv.ts';
import type { Issue } from '../model/index.ts';
import { ipv4Number, ipv6Halves } from './ip.ts';
import { RangeBuilder, type IpRanges } from './ranges.ts';

/** One autonomous system as the data names it. */
export interface AsEntry {
  asn: number;
  org: string;
}

export interface AsnTable {
  ranges: IpRanges;
  entries: AsEntry[];
  issues: Issue[];
}

const DIGITS = /^\d+$/;

const bigOf = (text: string): bigint | undefined => {
  if (/^\d+$/.test(text)) return BigInt(text);
  const halves = ipv6Halves(text);
  return halves && (halves[0] << 64n) | halves[1];
};

/**
 * Reads ip-location-db's ASN CSV (`start,end,asn,organisation`), with
 * addresses either as text (`1.0.0.0`, `2001::`) or as numbers (the `-num`
 * files). Several files (IPv4, IPv6) go into one table. A bad row is an
 * issue naming its file and line, and is skipped.
 */
export function readAsnCsv(files: Iterable<{ name: string; lines: Iterable<string> }>): AsnTable {
  const builder = new RangeBuilder();
  const entries: AsEntry[] = [];
  const byKey = new Map<string, number>();
  const issues: Issue[] = [];
  for (const { name, lines } of files) {
    let line = 0;
    for (const text of lines) {
      line++;
      if (!text || text.startsWith('#')) continue;
      const bad = (field: string, message: string): void => {
        issues.push({ code: 'TIX_INPUT_BAD_FIELD', file: name, line, field, message, severity: 'error' });
      };
      let fields: string[] | undefined;
      const c1 = text.indexOf(',');
      const c2 = c1 < 0 ? -1 : text.indexOf(',', c1 + 1);
      const c3 = c2 < 0 ? -1 : text.indexOf(',', c2 + 1);
      if (c2 >= 0 && text.charCodeAt(c2 + 1) !== 34 && (c3 < 0 || text.charCodeAt(c3 + 1) !== 34)) {
        fields = c3 < 0 ? [text.slice(0, c1), text.slice(c1 + 1, c2), text.slice(c2 + 1)] : [text.slice(0, c1), text.slice(c1 + 1, c2), text.slice(c2 + 1, c3), text.slice(c3 + 1)];
      } else fields = splitCsvLine(text);
      if (!fields || fields.length < 3) {
        bad('row', 'expected start,end,asn,organisation');
        continue;
      }
      const [startText, endText, asnText] = fields as [string, string, string];
      const org = (fields.length > 4 ? fields.slice(3).join(',') : (fields[3] ?? '')).trimEnd();
      const asn = Number(asnText);
      if (!Number.isInteger(asn) || asn < 0 || asn > 4294967295) {
        bad('asn', `not an AS number (got "${asnText.slice(0, 40)}")`);
        continue;
      }
      const key = `${asn}\u0000${org}`;
      let value = byKey.get(key);
      if (value === undefined) {
        value = entries.length;
        entries.push({ asn, org });
        byKey.set(key, value);
      }
      const numeric = DIGITS.test(startText);
      const v6 = numeric ? startText.length > 10 : startText.includes(':');
      if (!v6) {
        const start = numeric ? Number(startText) : ipv4Number(startText);
        const end = DIGITS.test(endText) ? Number(endText) : ipv4Number(endText);
        if (start < 0 || start > 4294967295) bad('start', `not an IPv4 address (got "${startText.slice(0, 40)}")`);
        else if (end < start || end > 4294967295) bad('end', `not an IPv4 address at or after the start (got "${endText.slice(0, 40)}")`);
        else builder.addV4(start, end, value);
        continue;
      }
      const start = bigOf(startText);
      const end = bigOf(endText);
      if (start === undefined) bad('start', `not an IPv6 address (got "${startText.slice(0, 40)}")`);
      else if (end === undefined || end < start) bad('end', `not an IPv6 address at or after the start (got "${endText.slice(0, 40)}")`);
      else builder.addV6(start, end, value);
    }
  }
  return { ranges: builder.finish(), entries, issues };
}
