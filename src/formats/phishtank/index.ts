import type { FormatModule } from '../format.ts';
import { createCsvTableParser, headerScore } from '../common/csv-table.ts';
import { parseFeedDate } from '../common/dates.ts';
import { badField, emitRecord, present } from '../common/record.ts';

/** PhishTank verified_online CSV, in its full 8-column or cut 4-column layout. */
export const phishtank: FormatModule = {
  id: 'phishtank',
  title: 'PhishTank verified_online export (CSV)',
  kind: 'feed',
  defaultTlp: 'clear',
  defaultSource: 'phishtank',
  detect: (head) => headerScore(head, /^phish_id,url,phish_detail_url,submission_time/m),
  createParser(ctx, sink) {
    return createCsvTableParser(ctx, sink, {
      required: ['url', 'phish_id', 'submission_time'],
      row(row) {
        const submitted = parseFeedDate(row.get('submission_time') ?? '');
        if (submitted === undefined) return badField(sink, ctx, row.no, 'submission_time', `not a date (got "${row.get('submission_time')}")`);
        const verifiedText = present(row.get('verification_time'));
        const verified = verifiedText ? parseFeedDate(verifiedText) : undefined;
        const target = present(row.get('target'));
        emitRecord(sink, ctx, row.no, row.raw, {
          value: row.get('url') ?? '',
          type: 'url',
          field: 'url',
          firstSeen: submitted,
          lastSeen: verified ?? submitted,
          threatType: 'phishing',
          tags: target && target.toLowerCase() !== 'other' ? [`target:${target}`] : [],
          reference: present(row.get('phish_detail_url')),
        });
      },
    });
  },
};
