import { parseIndicatorType, parseThreatType, parseTlp } from '../../model/index.ts';
import type { FormatModule } from '../format.ts';
import { headerIndex, splitCsvLine } from '../common/csv.ts';
import { createCsvTableParser } from '../common/csv-table.ts';
import { parseFeedDate } from '../common/dates.ts';
import { badField, emitRecord, parseConfidence, present, splitTags } from '../common/record.ts';

/** Model fields a CSV column can be mapped to, and the header names recognised without a mapping. */
const FIELDS = {
  value: ['value', 'indicator', 'ioc', 'ioc_value', 'observable', 'ip', 'ip_address', 'url', 'domain', 'hash', 'sha256'],
  type: ['type', 'ioc_type', 'indicator_type'],
  first_seen: ['first_seen', 'firstseen', 'first_seen_utc', 'date', 'timestamp', 'created'],
  last_seen: ['last_seen', 'lastseen', 'last_seen_utc', 'last_online'],
  confidence: ['confidence', 'confidence_level', 'score'],
  threat_type: ['threat_type', 'threat', 'category'],
  malware: ['malware', 'malware_family', 'family', 'signature'],
  tags: ['tags', 'labels'],
  reference: ['reference', 'link', 'source_url'],
  tlp: ['tlp'],
} as const;
type Field = keyof typeof FIELDS;

/**
 * Any CSV with a header. Columns are mapped with format options
 * (`--map value=ioc,first_seen=date`) or recognised by common names.
 * `separator` (`,` by default; `;` and `\t` are common) is an option too.
 */
export const csv: FormatModule = {
  id: 'csv',
  title: 'generic CSV with a header (map columns with --map)',
  kind: 'feed',
  detect(head) {
    const first = head.split('\n').find((line) => line.trim() !== '' && !line.startsWith('#'));
    if (!first || !first.includes(',')) return 0;
    const fields = splitCsvLine(first);
    if (!fields) return 0;
    const names = headerIndex(fields);
    return FIELDS.value.some((name) => names.has(name)) ? 0.4 : 0;
  },
  createParser(ctx, sink) {
    const separator = ctx.options.separator === '\\t' ? '\t' : ctx.options.separator ?? ',';
    const mapping = new Map<Field, string>();
    for (const field of Object.keys(FIELDS) as Field[]) {
      const mapped = ctx.options[field];
      if (mapped) mapping.set(field, mapped.toLowerCase());
    }
    let resolved: Map<Field, string> | undefined;
    // Filled once the header is resolved, before the table reads it: a row too short to reach every
    // used column is then reported as truncated instead of landing without its date or type.
    const used: string[] = [];
    const inner = createCsvTableParser(ctx, sink, {
      separator,
      required: used,
      row(row) {
        if (!resolved) return;
        const get = (field: Field): string | undefined => {
          const column = resolved!.get(field);
          return column === undefined ? undefined : present(row.get(column));
        };
        const typeText = get('type');
        const type = typeText ? parseIndicatorType(typeText) : undefined;
        if (typeText && !type) return badField(sink, ctx, row.no, resolved.get('type')!, `unknown indicator type "${typeText}"`);
        const dates: Record<'first_seen' | 'last_seen', number | undefined> = { first_seen: undefined, last_seen: undefined };
        for (const field of ['first_seen', 'last_seen'] as const) {
          const text = get(field);
          if (text === undefined) continue;
          const date = parseFeedDate(text, { dayFirst: ctx.options.dayfirst === 'true' });
          if (date === undefined) return badField(sink, ctx, row.no, resolved.get(field)!, `not a date (got "${text}")`);
          dates[field] = date;
        }
        const tlpText = get('tlp');
        emitRecord(sink, ctx, row.no, row.raw, {
          value: row.get(resolved.get('value')!) ?? '',
          type,
          field: resolved.get('value')!,
          firstSeen: dates.first_seen,
          lastSeen: dates.last_seen,
          confidence: parseConfidence(get('confidence')),
          threatType: parseThreatType(get('threat_type') ?? ''),
          malware: get('malware'),
          tags: splitTags(get('tags')),
          reference: get('reference'),
          tlp: tlpText ? parseTlp(tlpText) : undefined,
        });
      },
    });
    return {
      line(text, no) {
        if (!resolved && text.trim() !== '' && !text.trimStart().startsWith('#')) {
          const fields = splitCsvLine(text, separator);
          const names = fields ? headerIndex(fields) : new Map<string, number>();
          resolved = new Map();
          for (const field of Object.keys(FIELDS) as Field[]) {
            const wanted = mapping.get(field);
            const column = wanted ?? FIELDS[field].find((name) => names.has(name));
            if (column !== undefined && names.has(column)) resolved.set(field, column);
            else if (wanted !== undefined) badField(sink, ctx, no, 'header', `mapped column "${wanted}" for ${field} is not in the header`);
          }
          if (!resolved.has('value')) {
            badField(sink, ctx, no, 'header', 'no value column: map one with --map value=COLUMN');
            resolved = new Map();
          }
          used.push(...new Set(resolved.values()));
        }
        if (resolved && resolved.size === 0) return;
        inner.line(text, no);
      },
      end() {
        // a header without a value column was reported on its own line; the table never saw it
        if (resolved?.size !== 0) inner.end();
      },
    };
  },
};
