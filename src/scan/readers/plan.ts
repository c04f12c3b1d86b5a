import type { FieldKind, Observed } from '../record.ts';

/**
 * Which fields of a structured log are worth matching, by name: single
 * fields, ip/port pairs, and URLs put together from host, path and port.
 * Zeek (TSV and JSON) and Suricata EVE each have one plan; the readers only
 * look names up in it.
 */
export interface FieldPlan {
  singles: ReadonlyArray<readonly [name: string, kind: FieldKind]>;
  pairs: ReadonlyArray<readonly [ip: string, port: string]>;
  urls: ReadonlyArray<{ host: string; path: string; port?: string }>;
}

export const ZEEK_PLAN: FieldPlan = {
  singles: [
    ['id.orig_h', 'ip'], ['id.resp_h', 'ip'], ['src', 'ip'], ['dst', 'ip'], ['tx_hosts', 'ip'], ['rx_hosts', 'ip'],
    ['san.ip', 'ip'], ['assigned_addr', 'ip'], ['client_addr', 'ip'], ['server_addr', 'ip'], ['requested_addr', 'ip'], ['x_originating_ip', 'ip'],
    ['query', 'host'], ['server_name', 'host'], ['san.dns', 'host'], ['helo', 'host'],
    ['host', 'host-or-ip'], ['answers', 'host-or-ip'],
    ['referrer', 'url'], ['url', 'url'],
    ['md5', 'md5'], ['sha1', 'sha1'], ['sha256', 'sha256'],
    ['filename', 'filename'],
    ['ja3', 'ja3'], ['ja3s', 'ja3'],
    ['fingerprint', 'x509-sha1'], ['cert_chain_fps', 'x509-sha1'], ['client_cert_chain_fps', 'x509-sha1'],
    ['mailfrom', 'email'], ['rcptto', 'email'], ['from', 'email'], ['to', 'email'], ['cc', 'email'], ['reply_to', 'email'],
  ],
  pairs: [['id.orig_h', 'id.orig_p'], ['id.resp_h', 'id.resp_p']],
  urls: [{ host: 'host', path: 'uri', port: 'id.resp_p' }],
};

export const EVE_PLAN: FieldPlan = {
  singles: [
    ['src_ip', 'ip'], ['dest_ip', 'ip'],
    ['dns.rrname', 'host'], ['dns.query.rrname', 'host'], ['dns.queries.rrname', 'host'], ['tls.sni', 'host'],
    ['dns.answers.rdata', 'host-or-ip'], ['dns.grouped.A', 'ip'], ['dns.grouped.AAAA', 'ip'], ['dns.grouped.CNAME', 'host'],
    ['http.hostname', 'host-or-ip'], ['http.http_refer', 'url'],
    ['tls.ja3.hash', 'ja3'], ['tls.ja3s.hash', 'ja3'], ['tls.fingerprint', 'x509-sha1'],
    ['fileinfo.filename', 'filename'], ['fileinfo.md5', 'md5'], ['fileinfo.sha1', 'sha1'], ['fileinfo.sha256', 'sha256'],
    ['smtp.mail_from', 'email'], ['smtp.rcpt_to', 'email'], ['email.from', 'email'], ['email.to', 'email'], ['email.cc', 'email'],
  ],
  pairs: [['src_ip', 'src_port'], ['dest_ip', 'dest_port']],
  urls: [{ host: 'http.hostname', path: 'http.url', port: 'http.http_port' }],
};

/** Values of a field by name: none, one or several (sets, vectors, arrays). */
export type FieldGetter = (name: string) => readonly string[] | undefined;

/** The values a plan picks out of one record. */
export function observe(plan: FieldPlan, get: FieldGetter): Observed[] {
  const out: Observed[] = [];
  for (const [name, kind] of plan.singles) {
    const values = get(name);
    if (values) for (const value of values) if (value !== '') out.push({ field: name, kind, value });
  }
  for (const [ipName, portName] of plan.pairs) {
    const ip = get(ipName)?.[0];
    const port = get(portName)?.[0];
    if (ip && port && port !== '0') out.push({ field: `${ipName}:${portName}`, kind: 'ip-port', value: ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}` });
  }
  for (const spec of plan.urls) {
    const host = get(spec.host)?.[0];
    const path = get(spec.path)?.[0];
    if (!host || path === undefined) continue;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
      // a proxy request carries the whole URL
      out.push({ field: spec.path, kind: 'url', value: path });
      continue;
    }
    const port = spec.port ? get(spec.port)?.[0] : undefined;
    const scheme = port === '443' ? 'https' : 'http';
    const hostText = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    const portText = port && port !== '80' && port !== '443' && !/:\d+$/.test(hostText) ? `:${port}` : '';
    out.push({ field: `${spec.host}+${spec.path}`, kind: 'url', value: `${scheme}://${hostText}${portText}${path.startsWith('/') ? path : `/${path}`}` });
  }
  return out;
}

/** A Zeek `ts` (epoch seconds, or an ISO time when Zeek writes JSON with ISO timestamps) in epoch ms. */
export function zeekTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string' || value === '' || value === '-') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
