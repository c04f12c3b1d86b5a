import { recordReader, type LogReader, type Observed, type ReadProblem, type RecordReader, type ScanRecord } from '../../record.ts';

/**
 * `host ident user [time] "request" status bytes "referer" "agent"`, with an
 * optional virtual host first (`%v:%p`, `vhost_combined`) or last (nginx
 * `$host`); the common format stops after the byte count.
 */
const LINE = /^(?:(\S+) )?(\S+) \S+ (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\S+)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?(.*)$/;
const MONTHS: Record<string, string> = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };

/** `10/Oct/2000:13:55:36 -0700` in epoch ms. */
export function accessTime(text: string): number | undefined {
  const match = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(text);
  if (!match || !MONTHS[match[2]!]) return undefined;
  const ms = Date.parse(`${match[3]}-${MONTHS[match[2]!]}-${match[1]}T${match[4]}${match[5]}:${match[6]}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const looksIp = (text: string): boolean => /^[\d.]+$/.test(text) || text.includes(':');

function createReader(): RecordReader {
  return recordReader({
    line(text, no): ScanRecord | ReadProblem | undefined {
      if (text === '') return undefined;
      const match = LINE.exec(text);
      if (!match) return { line: no, code: 'TIX_INPUT_BAD_FIELD', message: 'not an access-log line (host ident user [time] "request" status bytes)' };
      const [, vhostPort, client, user, time, request, , , referer, , tail] = match;
      const values: Observed[] = [{ field: 'client', kind: 'ip', value: client! }];
      const vhost = vhostPort?.replace(/:\d+$/, '') ?? /^\s+"?([a-z0-9.-]+\.[a-z]{2,})"?\s*$/i.exec(tail ?? '')?.[1];
      if (vhost) values.push({ field: 'vhost', kind: looksIp(vhost) ? 'ip' : 'host', value: vhost });
      if (user && user !== '-' && user.includes('@')) values.push({ field: 'user', kind: 'email', value: user });
      const target = request!.split(' ')[1];
      if (target) {
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) values.push({ field: 'request', kind: 'url', value: target });
        else if (vhost) values.push({ field: 'request', kind: 'url', value: `http://${vhost}${target.startsWith('/') ? target : `/${target}`}` });
        else if (/^[^/\s]+:\d+$/.test(target)) values.push({ field: 'request', kind: 'host-or-ip', value: target.replace(/:\d+$/, '') });
        // values passed in the query string (?u=http://…, ?ip=…)
        const query = target.indexOf('?');
        if (query >= 0) values.push({ field: 'request', kind: 'text', value: decodeQuery(target.slice(query + 1)) });
        const name = /\/([^/?#]+)(?:[?#]|$)/.exec(target)?.[1];
        if (name && name.includes('.')) values.push({ field: 'request', kind: 'filename', value: name });
      }
      if (referer && referer !== '-') values.push({ field: 'referer', kind: 'url', value: referer });
      const record: ScanRecord = { line: no, values };
      const ms = accessTime(time!);
      if (ms !== undefined) record.time = ms;
      return record;
    },
  });
}

function decodeQuery(text: string): string {
  const spaced = text.replaceAll('&', ' ').replaceAll('=', ' ');
  try {
    return decodeURIComponent(spaced.replaceAll('+', ' '));
  } catch {
    // a stray % is not an escape: the raw text is still worth searching
    return spaced;
  }
}

/** Apache and nginx access logs: common, combined and vhost-combined. */
export const webAccess: LogReader = {
  id: 'web-access',
  title: 'Apache/nginx access logs (common, combined, vhost_combined)',
  detect(head) {
    const lines = head.split('\n', 6).filter((line) => line !== '');
    if (lines.length === 0) return 0;
    const hits = lines.filter((line) => LINE.test(line)).length;
    return hits === lines.length ? 0.9 : hits > 0 ? 0.4 : 0;
  },
  createReader,
};
