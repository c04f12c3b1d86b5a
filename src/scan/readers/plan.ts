import type { FieldKind, ValueScreen, ValueSink } from '../record.ts';

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

/** What a reader does with a field of a given name: hand it on as a value of a kind, keep it for a pair or URL (a slot), or both. */
export interface FieldUse {
  kind?: FieldKind;
  slot?: number;
}

/**
 * A plan compiled for the hot path: field name → use, and the composition of
 * ip:port pairs and URLs from the slots a line filled. Readers fill `slots`
 * (first value of each slot field) while they hand single values on.
 */
export class CompiledPlan {
  readonly uses = new Map<string, FieldUse>();
  private readonly slotNames: string[] = [];
  readonly slots: Array<string | undefined>;
  /** The byte ranges of the slot fields a screened line filled (start -1: not filled), for screenComposed. */
  readonly slotStarts: Int32Array;
  readonly slotEnds: Int32Array;
  private readonly pairs: Array<[ip: number, port: number, field: string]>;
  private readonly urls: Array<{ host: number; path: number; port: number; hostName: string; pathName: string }>;
  /** The slots of the pairs (ip, port) and URLs (host, path, port or -1), flat, for screenComposed. */
  private readonly pairSlots: Int32Array;
  private readonly urlSlots: Int32Array;

  constructor(plan: FieldPlan) {
    for (const [name, kind] of plan.singles) this.uses.set(name, { kind });
    const slot = (name: string): number => {
      const use = this.uses.get(name) ?? {};
      if (use.slot === undefined) {
        use.slot = this.slotNames.length;
        this.slotNames.push(name);
      }
      this.uses.set(name, use);
      return use.slot;
    };
    this.pairs = plan.pairs.map(([ip, port]) => [slot(ip), slot(port), `${ip}:${port}`]);
    this.urls = plan.urls.map((spec) => ({ host: slot(spec.host), path: slot(spec.path), port: spec.port ? slot(spec.port) : -1, hostName: spec.host, pathName: spec.path }));
    this.pairSlots = Int32Array.from(this.pairs.flatMap(([ip, port]) => [ip, port]));
    this.urlSlots = Int32Array.from(this.urls.flatMap((spec) => [spec.host, spec.path, spec.port]));
    this.slots = new Array<string | undefined>(this.slotNames.length).fill(undefined);
    this.slotStarts = new Int32Array(this.slotNames.length).fill(-1);
    this.slotEnds = new Int32Array(this.slotNames.length);
  }

  /** compose()'s twin over a screened line's bytes: whether a pair or URL its filled slots make could hit. Empties the slots. */
  screenComposed(bytes: Uint8Array, screen: ValueScreen): boolean {
    const starts = this.slotStarts;
    const ends = this.slotEnds;
    let may = false;
    const pairs = this.pairSlots;
    for (let k = 0; k < pairs.length; k += 2) {
      const ipSlot = pairs[k]!;
      const portSlot = pairs[k + 1]!;
      const ip = starts[ipSlot]!;
      const port = starts[portSlot]!;
      if (ip >= 0 && port >= 0 && ends[ipSlot]! > ip && ends[portSlot]! > port && screen.ipPort(bytes, ip, ends[ipSlot]!, port, ends[portSlot]!)) may = true;
    }
    const urls = this.urlSlots;
    for (let k = 0; k < urls.length && !may; k += 3) {
      const hostSlot = urls[k]!;
      const pathSlot = urls[k + 1]!;
      const portSlot = urls[k + 2]!;
      const host = starts[hostSlot]!;
      const path = starts[pathSlot]!;
      if (host < 0 || ends[hostSlot]! === host || path < 0) continue;
      const port = portSlot >= 0 ? starts[portSlot]! : -1;
      if (screen.composedUrl(bytes, host, ends[hostSlot]!, path, ends[pathSlot]!, port, port >= 0 ? ends[portSlot]! : -1)) may = true;
    }
    starts.fill(-1);
    return may;
  }

  /** Hands on the pairs and URLs of the slots filled, and empties them for the next line. */
  compose(sink: ValueSink): void {
    const slots = this.slots;
    for (const [ipSlot, portSlot, field] of this.pairs) {
      const ip = slots[ipSlot];
      const port = slots[portSlot];
      if (ip && port && port !== '0') sink.value(field, 'ip-port', ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
    }
    for (const spec of this.urls) {
      const host = slots[spec.host];
      const path = slots[spec.path];
      if (!host || path === undefined) continue;
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
        // a proxy request carries the whole URL
        sink.value(spec.pathName, 'url', path);
        continue;
      }
      const port = spec.port >= 0 ? slots[spec.port] : undefined;
      const scheme = port === '443' ? 'https' : 'http';
      const hostText = host.includes(':') && !host.startsWith('[') && !/^[^:]+:\d+$/.test(host) ? `[${host}]` : host;
      const portText = port && port !== '80' && port !== '443' && !/:\d+$/.test(hostText) ? `:${port}` : '';
      sink.value(`${spec.hostName}+${spec.pathName}`, 'url', `${scheme}://${hostText}${portText}${path.startsWith('/') ? path : `/${path}`}`);
    }
    slots.fill(undefined);
  }
}

/** A Zeek `ts` (epoch seconds, or an ISO time when Zeek writes JSON with ISO timestamps) in epoch ms. */
export function zeekTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string' || value === '' || value === '-') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
