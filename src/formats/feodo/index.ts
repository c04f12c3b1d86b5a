import type { FormatModule } from '../format.ts';
import { createCsvTableParser, headerScore } from '../common/csv-table.ts';
import { parseFeedDate } from '../common/dates.ts';
import { badField, emitRecord, present } from '../common/record.ts';

/**
 * abuse.ch Feodo Tracker botnet C2 IP blocklist (CSV). Its header is not
 * commented, and it ends with `# END n entries`. Each row names a C2 server
 * and its port: both the IP and the ip:port are indicators.
 */
export const feodo: FormatModule = {
  id: 'feodo',
  title: 'abuse.ch Feodo Tracker C2 IP blocklist (CSV)',
  kind: 'feed',
  defaultTlp: 'clear',
  defaultSource: 'abusech-feodo',
  detect: (head) => headerScore(head, /^"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"/m, /Feodo Tracker/),
  createParser(ctx, sink) {
    return createCsvTableParser(ctx, sink, {
      required: ['dst_ip', 'first_seen_utc', 'dst_port', 'c2_status', 'last_online', 'malware'],
      row(row) {
        const firstSeen = parseFeedDate(row.get('first_seen_utc') ?? '');
        if (firstSeen === undefined) return badField(sink, ctx, row.no, 'first_seen_utc', `not a date (got "${row.get('first_seen_utc')}")`);
        const lastOnline = present(row.get('last_online'));
        const lastSeen = lastOnline === undefined ? firstSeen : parseFeedDate(lastOnline);
        if (lastSeen === undefined) return badField(sink, ctx, row.no, 'last_online', `not a date (got "${lastOnline}")`);
        const status = present(row.get('c2_status'));
        const common = {
          firstSeen,
          lastSeen: Math.max(firstSeen, lastSeen),
          threatType: 'c2' as const,
          malware: present(row.get('malware')),
          tags: status ? [`c2-status:${status.toLowerCase()}`] : [],
        };
        const ip = row.get('dst_ip')!;
        if (!emitRecord(sink, ctx, row.no, row.raw, { ...common, value: ip, type: 'ipv4', field: 'dst_ip' })) return;
        const port = present(row.get('dst_port'));
        if (port) emitRecord(sink, ctx, row.no, row.raw, { ...common, value: `${ip}:${port}`, type: 'ip-port', field: 'dst_port' });
      },
    });
  },
};
