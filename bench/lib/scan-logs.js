// Generates evidence for the scan benchmark: Zeek TSV conn/dns/http logs and a
// Suricata EVE file of a given size, seeded and offline. A small share of the
// values seen are drawn from the intel values, so the scan finds hits.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng } from './prng.js';
import { ipText, ValueFactory } from './values.js';

const HEADER = (path, fields, types) => [
  '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', `#path\t${path}`, '#open\t2026-11-23-10-00-00',
  `#fields\t${fields.join('\t')}`, `#types\t${types.join('\t')}`,
].join('\n') + '\n';

const LOGS = {
  conn: {
    header: HEADER('conn', ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes', 'tunnel_parents', 'label'],
      ['time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'string', 'interval', 'count', 'count', 'string', 'bool', 'bool', 'count', 'string', 'count', 'count', 'count', 'count', 'set[string]', 'string']),
    line: (g, ts) => `${ts}\t${g.uid()}\t${g.client()}\t${1024 + g.rng.int(60000)}\t${g.server()}\t${g.port()}\ttcp\t-\t${g.rng.float().toFixed(6)}\t${g.rng.int(5000)}\t${g.rng.int(90000)}\tSF\tT\tF\t0\tShADadfF\t${g.rng.int(40)}\t${g.rng.int(9000)}\t${g.rng.int(40)}\t${g.rng.int(90000)}\t(empty)\tbenign`,
  },
  dns: {
    header: HEADER('dns', ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'trans_id', 'rtt', 'query', 'qclass', 'qclass_name', 'qtype', 'qtype_name', 'rcode', 'rcode_name', 'AA', 'TC', 'RD', 'RA', 'Z', 'answers', 'TTLs', 'rejected'],
      ['time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'count', 'interval', 'string', 'count', 'string', 'count', 'string', 'count', 'string', 'bool', 'bool', 'bool', 'bool', 'count', 'vector[string]', 'vector[interval]', 'bool']),
    line: (g, ts) => `${ts}\t${g.uid()}\t${g.client()}\t${1024 + g.rng.int(60000)}\t10.0.0.53\t53\tudp\t${g.rng.int(65535)}\t0.001\t${g.host()}\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t${g.server()},${g.server()}\t300.000000,300.000000\tF`,
  },
  http: {
    header: HEADER('http', ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'trans_depth', 'method', 'host', 'uri', 'referrer', 'version', 'user_agent', 'request_body_len', 'response_body_len', 'status_code', 'status_msg', 'tags', 'resp_fuids', 'resp_mime_types'],
      ['time', 'string', 'addr', 'port', 'addr', 'port', 'count', 'string', 'string', 'string', 'string', 'string', 'string', 'count', 'count', 'count', 'string', 'set[enum]', 'vector[string]', 'vector[string]']),
    line: (g, ts) => {
      const url = g.url();
      const m = /^https?:\/\/([^/]+)(.*)$/.exec(url);
      return `${ts}\t${g.uid()}\t${g.client()}\t${1024 + g.rng.int(60000)}\t${g.server()}\t80\t1\tGET\t${m[1]}\t${m[2]}\t-\t1.1\tMozilla/5.0 (Windows NT 10.0; Win64; x64)\t0\t${g.rng.int(90000)}\t200\tOK\t(empty)\tF${g.rng.hex(17)}\ttext/html`;
    },
  },
  eve: {
    header: '',
    line: (g, ts) => {
      const time = new Date(ts * 1000).toISOString().replace('Z', '+0000');
      const r = g.rng.float();
      const base = `{"timestamp":"${time}","flow_id":${g.rng.int(2 ** 31)}${g.rng.int(100000)},"in_iface":"eth0"`;
      const src = g.client();
      const dest = g.server();
      const port = g.port();
      if (r < 0.6) return `${base},"event_type":"flow","src_ip":"${src}","src_port":${1024 + g.rng.int(60000)},"dest_ip":"${dest}","dest_port":${port},"proto":"TCP","app_proto":"tls","flow":{"pkts_toserver":${g.rng.int(50)},"pkts_toclient":${g.rng.int(50)},"bytes_toserver":${g.rng.int(9000)},"bytes_toclient":${g.rng.int(90000)},"start":"${time}","end":"${time}","age":0,"state":"closed","reason":"timeout","alerted":false},"tcp":{"tcp_flags":"1b","syn":true,"fin":true,"psh":true,"ack":true,"state":"closed"}}`;
      if (r < 0.85) return `${base},"event_type":"dns","src_ip":"${src}","src_port":${1024 + g.rng.int(60000)},"dest_ip":"10.0.0.53","dest_port":53,"proto":"UDP","dns":{"type":"query","id":${g.rng.int(65535)},"rrname":"${g.host()}","rrtype":"A","tx_id":0}}`;
      const url = g.url();
      const m = /^https?:\/\/([^/]+)(.*)$/.exec(url);
      return `${base},"event_type":"http","src_ip":"${src}","src_port":${1024 + g.rng.int(60000)},"dest_ip":"${dest}","dest_port":80,"proto":"TCP","tx_id":0,"http":{"hostname":"${m[1].replace(/:\d+$/, '')}","url":"${m[2]}","http_user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","http_content_type":"text/html","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":${g.rng.int(90000)}}}`;
    },
  },
};

/** Values for log lines: a share (`hitRate`) taken from the intel values, the rest fresh and, given `intel.listed`, not listed. */
class Traffic {
  constructor(rng, intel, hitRate) {
    this.rng = rng;
    this.values = new ValueFactory(rng);
    if (intel.listed) avoid(this.values, intel.listed);
    this.intel = intel;
    this.hitRate = hitRate;
    this.counter = 0;
  }
  uid() { return `C${(this.counter++).toString(36).padStart(10, '0')}`; }
  client() { return `10.${this.rng.int(4)}.${this.rng.int(256)}.${1 + this.rng.int(254)}`; }
  server() { return this.rng.chance(this.hitRate) && this.intel.ipv4.length ? this.rng.pick(this.intel.ipv4) : this.values.ipv4(); }
  host() { return this.rng.chance(this.hitRate) && this.intel.host.length ? this.rng.pick(this.intel.host) : this.values.hostname(); }
  url() { return this.rng.chance(this.hitRate) && this.intel.url.length ? this.rng.pick(this.intel.url) : this.values.url(); }
  port() { return this.values.port(); }
}

/** Makes `factory` draw fresh addresses and names again while they are listed. */
function avoid(factory, listed) {
  const { ipNumber, hostname, domain } = factory;
  const fresh = (draw, isListed) => () => {
    for (;;) {
      const value = draw.call(factory);
      if (!isListed(value)) return value;
    }
  };
  factory.ipNumber = fresh(ipNumber, (n) => listed.hasAddress(n));
  factory.hostname = fresh(hostname, (name) => listed.hasName(name));
  factory.domain = fresh(domain, (name) => listed.hasName(name));
}

/** Writes `megabytes` of one log kind to `path`. */
export async function writeLog(kind, path, megabytes, intel, seed = 7, hitRate = 0.002) {
  const log = LOGS[kind];
  const rng = createRng(seed);
  const traffic = new Traffic(rng, intel, hitRate);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let written = 0;
  let ts = 1763892000;
  if (log.header) {
    out.write(log.header);
    written += log.header.length;
  }
  const limit = megabytes * 2 ** 20;
  let batch = [];
  while (written < limit) {
    ts += rng.float() * 0.01;
    const line = log.line(traffic, ts.toFixed(6));
    batch.push(line);
    written += line.length + 1;
    if (batch.length === 4096) {
      if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
      batch = [];
    }
  }
  if (batch.length) out.write(`${batch.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return written;
}

export { ipText };
