import type { FormatModule } from '../format.ts';
import { createCsvTableParser, headerScore } from '../common/csv-table.ts';
import { parseFeedDate } from '../common/dates.ts';
import { badField, emitRecord, present } from '../common/record.ts';

/** ViriBack C2 tracker dump: `Family,URL,IP,FirstSeen`, dates DD-MM-YYYY. The panel URL and its IP are both C2 indicators. */
export const viriback: FormatModule = {
  id: 'viriback',
  title: 'ViriBack C2 tracker (CSV)',
  kind: 'feed',
  defaultTlp: 'clear',
  defaultSource: 'viriback',
  detect: (head) => headerScore(head, /^Family,URL,IP,FirstSeen\s*$/m),
  createParser(ctx, sink) {
    return createCsvTableParser(ctx, sink, {
      required: ['url', 'family', 'ip', 'firstseen'],
      row(row) {
        const seenText = row.get('firstseen') ?? '';
        const firstSeen = parseFeedDate(seenText, { dayFirst: true });
        if (firstSeen === undefined) return badField(sink, ctx, row.no, 'FirstSeen', `not a DD-MM-YYYY date (got "${seenText}")`);
        const common = { firstSeen, threatType: 'c2' as const, malware: present(row.get('family')), tags: [] };
        emitRecord(sink, ctx, row.no, row.raw, { ...common, value: row.get('url') ?? '', type: 'url', field: 'URL' });
        const ip = present(row.get('ip'));
        if (ip) emitRecord(sink, ctx, row.no, row.raw, { ...common, value: ip, type: 'ipv4', field: 'IP' });
      },
    });
  },
};
