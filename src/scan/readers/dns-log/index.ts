import { recordReader, type LogReader, type Observed, type ReadProblem, type RecordReader, type ScanRecord } from '../../record.ts';

/** BIND 9 querylog: `… client [@0x…] 192.0.2.1#53124 (name): query: name IN A +E(0)K (192.0.2.53)`. */
const BIND = /client (?:@0x[0-9a-f]+ )?([0-9a-fA-F.:]+)#\d+(?: \([^)]*\))?: (?:view \S+: )?query: (\S+) IN (\S+)/;
/** dnsmasq: `… dnsmasq[123]: query[A] name from 192.0.2.1`, `reply name is 198.51.100.7`, `forwarded name to 9.9.9.9`, `cached name is …`. */
const DNSMASQ = /dnsmasq(?:\[\d+\])?: (query\[\w+\]|reply|forwarded|cached|config|\/[^ ]+) (\S+) (from|is|to) (\S+)/;
/** BIND's `23-Nov-2026 10:00:00.123` prefix, and syslog's `Nov 23 10:00:00` (no year: left out). */
const BIND_TIME = /^(\d{2})-(\w{3})-(\d{4}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)/;
const MONTHS: Record<string, string> = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };

function bindTime(text: string): number | undefined {
  const match = BIND_TIME.exec(text);
  if (!match || !MONTHS[match[2]!]) return undefined;
  const ms = Date.parse(`${match[3]}-${MONTHS[match[2]!]}-${match[1]}T${match[4]}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

function createReader(): RecordReader {
  return recordReader({
    line(text, no): ScanRecord | ReadProblem | undefined {
      if (text === '') return undefined;
      const bind = BIND.exec(text);
      if (bind) {
        const record: ScanRecord = { line: no, values: [{ field: 'client', kind: 'ip', value: bind[1]! }, { field: 'query', kind: 'host', value: bind[2]! }] };
        const ms = bindTime(text);
        if (ms !== undefined) record.time = ms;
        return record;
      }
      const dnsmasq = DNSMASQ.exec(text);
      if (dnsmasq) {
        const [, action, name, , other] = dnsmasq;
        const values: Observed[] = [{ field: 'name', kind: 'host-or-ip', value: name! }];
        if (action!.startsWith('query')) values.push({ field: 'client', kind: 'ip', value: other! });
        else if (action === 'reply' || action === 'cached') {
          if (!other!.startsWith('<') && other !== 'NXDOMAIN' && other !== 'NODATA') values.push({ field: 'answer', kind: 'host-or-ip', value: other! });
        } else if (action === 'forwarded') values.push({ field: 'server', kind: 'ip', value: other! });
        return { line: no, values };
      }
      // other lines of a resolver's log (start-up, statistics) hold nothing to match
      return undefined;
    },
  });
}

/** DNS query logs: BIND querylog and dnsmasq (log-queries). */
export const dnsLog: LogReader = {
  id: 'dns-log',
  title: 'DNS query logs (BIND querylog, dnsmasq)',
  detect(head) {
    const lines = head.split('\n', 20);
    const hits = lines.filter((line) => BIND.test(line) || DNSMASQ.test(line)).length;
    return hits === 0 ? 0 : hits >= Math.min(3, lines.filter((line) => line !== '').length) ? 0.9 : 0.5;
  },
  createReader,
};
