import type { IndicatorType } from '../../model/index.ts';
import { parseThreatType } from '../../model/index.ts';
import type { FormatModule } from '../format.ts';
import { createCsvTableParser, headerScore } from '../shared/csv-table.ts';
import { parseFeedDate } from '../shared/dates.ts';
import { badField, emitRecord, parseConfidence, present, splitTags } from '../shared/record.ts';

const IOC_TYPES: Record<string, IndicatorType> = {
  url: 'url',
  domain: 'domain',
  'ip:port': 'ip-port',
  md5_hash: 'md5',
  sha1_hash: 'sha1',
  sha256_hash: 'sha256',
};

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
    return createCsvTableParser(ctx, sink, {
      headerInComment: true,
      required: ['ioc_value', 'first_seen_utc', 'ioc_type', 'threat_type'],
      row(row) {
        const iocType = (row.get('ioc_type') ?? '').trim().toLowerCase();
        const type = IOC_TYPES[iocType];
        if (!type) return badField(sink, ctx, row.no, 'ioc_type', `unknown ThreatFox ioc_type "${iocType}"`);
        const firstSeen = parseFeedDate(row.get('first_seen_utc') ?? '');
        if (firstSeen === undefined) return badField(sink, ctx, row.no, 'first_seen_utc', `not a date (got "${row.get('first_seen_utc')}")`);
        const lastText = present(row.get('last_seen_utc'));
        const lastSeen = lastText === undefined ? firstSeen : parseFeedDate(lastText);
        if (lastSeen === undefined) return badField(sink, ctx, row.no, 'last_seen_utc', `not a date (got "${lastText}")`);
        const malware = present(row.get('malware_printable'));
        const tags = splitTags(row.get('tags'));
        const fk = present(row.get('fk_malware'));
        if (fk) tags.push(`malpedia:${fk}`);
        const reporter = present(row.get('reporter'));
        if (reporter) tags.push(`reporter:${reporter.toLowerCase()}`);
        emitRecord(sink, ctx, row.no, row.raw, {
          value: row.get('ioc_value') ?? '',
          type,
          field: 'ioc_value',
          firstSeen,
          lastSeen,
          confidence: parseConfidence(row.get('confidence_level')),
          threatType: parseThreatType(row.get('threat_type') ?? ''),
          malware,
          tags: [...new Set(tags)].sort(),
          reference: present(row.get('reference')),
        });
      },
    });
  },
};
