import type { IndicatorType } from '../../model/index.ts';
import { parseThreatType } from '../../model/index.ts';
import type { FormatModule } from '../format.ts';
import { createCsvTableParser, headerScore } from '../common/csv-table.ts';
import { parseFeedDate } from '../common/dates.ts';
import { badField, emitRecord, parseConfidence, present, splitTags } from '../common/record.ts';

const IOC_TYPES = new Map<string, IndicatorType>([
  ['url', 'url'],
  ['domain', 'domain'],
  ['ip:port', 'ip-port'],
  ['md5_hash', 'md5'],
  ['sha1_hash', 'sha1'],
  ['sha256_hash', 'sha256'],
]);

/** Tags fields (and families, reporters) remembered per parser; a dump repeats a few thousand, so the bound is rarely reached. */
const TAG_LISTS_MAX = 20_000;

/**
 * abuse.ch ThreatFox CSV exports (recent and full dumps). The header is a
 * comment line, fields are separated by `", "`, "None" means empty and
 * `tags` is a comma list inside one field.
 */
export const threatfox: FormatModule = {
  id: 'threatfox',
  title: 'abuse.ch ThreatFox IOC export (CSV)',
  kind: 'feed',
  defaultTlp: 'clear',
  defaultSource: 'abusech-threatfox',
  detect: (head) => headerScore(head, /^#\s*"first_seen_utc","ioc_id","ioc_value","ioc_type"/m, /ThreatFox IOCs/),
  createParser(ctx, sink) {
    // a row's tags come from its tags field, malware family and reporter; a dump repeats a few thousand tags fields
    // and a few dozen families and reporters, so each is split, lowercased and sorted once (frozen: rows share them)
    const fieldTags = new Map<string, readonly string[]>();
    const familyTags = new Map<string, string>();
    const reporterTags = new Map<string, string>();
    const tagsOf = (tagText = '', fk: string | undefined, reporter: string | undefined): string[] => {
      let tags = fieldTags.get(tagText);
      if (!tags) {
        tags = Object.freeze(splitTags(tagText));
        if (fieldTags.size >= TAG_LISTS_MAX) fieldTags.clear();
        fieldTags.set(tagText, tags);
      }
      const family = fk === undefined ? undefined : remembered(familyTags, fk, () => `malpedia:${fk}`);
      const by = reporter === undefined ? undefined : remembered(reporterTags, reporter, () => `reporter:${reporter.toLowerCase()}`);
      return withTags(tags, family, by);
    };
    return createCsvTableParser(ctx, sink, {
      headerInComment: true,
      required: ['ioc_value', 'first_seen_utc', 'ioc_type', 'threat_type'],
      row(row) {
        const iocText = row.get('ioc_type') ?? '';
        const type = IOC_TYPES.get(iocText) ?? IOC_TYPES.get(iocText.trim().toLowerCase());
        if (!type) return badField(sink, ctx, row.no, 'ioc_type', `unknown ThreatFox ioc_type "${iocText.trim().toLowerCase()}"`);
        const firstSeen = parseFeedDate(row.get('first_seen_utc') ?? '');
        if (firstSeen === undefined) return badField(sink, ctx, row.no, 'first_seen_utc', `not a date (got "${row.get('first_seen_utc')}")`);
        const lastText = present(row.get('last_seen_utc'));
        const lastSeen = lastText === undefined ? firstSeen : parseFeedDate(lastText);
        if (lastSeen === undefined) return badField(sink, ctx, row.no, 'last_seen_utc', `not a date (got "${lastText}")`);
        emitRecord(sink, ctx, row.no, row.raw, {
          value: row.get('ioc_value') ?? '',
          type,
          field: 'ioc_value',
          firstSeen,
          lastSeen,
          confidence: parseConfidence(row.get('confidence_level')),
          threatType: parseThreatType(row.get('threat_type') ?? ''),
          malware: present(row.get('malware_printable')),
          tags: tagsOf(row.get('tags'), present(row.get('fk_malware')), present(row.get('reporter'))),
          reference: present(row.get('reference')),
        });
      },
    });
  },
};

function remembered(cache: Map<string, string>, key: string, make: () => string): string {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= TAG_LISTS_MAX) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/**
 * `sorted` (sorted, distinct) with the extra tags merged in, as `[...new Set([...sorted, a, b])].sort()` would
 * give, in one pass; `sorted` itself when there is nothing to add.
 */
function withTags(sorted: readonly string[], a: string | undefined, b: string | undefined): string[] {
  if (a === undefined && b === undefined) return sorted as string[];
  const extras = a === undefined ? [b!] : b === undefined || b === a ? [a] : a < b ? [a, b] : [b, a];
  const merged: string[] = [];
  let next = 0;
  for (const tag of sorted) {
    while (next < extras.length && extras[next]! < tag) merged.push(extras[next++]!);
    if (extras[next] === tag) next++;
    merged.push(tag);
  }
  while (next < extras.length) merged.push(extras[next++]!);
  return merged;
}
