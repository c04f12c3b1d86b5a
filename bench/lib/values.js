// Synthetic indicator values shaped like those in real feeds (test/fixtures/feeds):
// IPs clustered in hosting /24s, C2 ip:port pairs, payload URLs on IPs and on
// throwaway domains, hashes, the odd CIDR, e-mail and IPv6 address.

const SYLLABLES = (
  'ka ro mi to na be lu za pe di so va ne ri co ta li mo fu ga he ju ke la me ' +
  'no pu qu ra se tu vi wo xa ye zu bar cor del fin gor hal kin lor mar nor pal ' +
  'ran sol tor val wen zen dex max net pro sec web app bit dat log'
).split(' ');
const TLDS = ['com', 'net', 'org', 'ru', 'xyz', 'top', 'info', 'cn', 'online', 'site', 'shop', 'io', 'co.uk', 'com.br', 'de', 'pw', 'cc', 'su', 'tk', 'icu'];
const TLD_WEIGHTS = [30, 10, 6, 8, 6, 6, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1];
const SUBDOMAINS = ['www', 'mail', 'cdn', 'api', 'login', 'secure', 'update', 'static', 'files', 'dl', 'panel', 'm', 'auth', 'docs'];
const PATHS = [
  '/bins/x86', '/bins/mips', '/bins/arm7', '/x86', '/i', '/mozi.m', '/gate.php', '/panel/gate.php', '/alien/fre.php',
  '/wp-content/uploads/', '/wp-admin/css/', '/static/', '/files/', '/download/', '/api/v1/', '/login.php', '/index.php',
];
const EXTENSIONS = ['.exe', '.dll', '.zip', '.js', '.hta', '.ps1', '.bin', '.sh', '.apk', '.msi', '', '', ''];
const CIDR_PREFIXES = [24, 20, 22, 21, 19, 18];
const CIDR_WEIGHTS = [75, 19, 3, 1, 1, 1];
const PORTS = [80, 443, 8080, 8443, 4444, 1194, 2078, 2222, 3389, 5000, 7000, 8000, 9000, 13783, 1337, 6667];

/** First octets never generated: private, loopback, multicast and the 198.18.0.0/15 block kept for absent lookups. */
function publicIp(rng) {
  for (;;) {
    const n = rng.u32();
    const a = n >>> 24;
    const b = (n >>> 16) & 255;
    if (a === 0 || a === 10 || a === 127 || a >= 224) continue;
    if ((a === 198 && (b === 18 || b === 19)) || (a === 192 && b === 168) || (a === 172 && b >= 16 && b < 32)) continue;
    return n;
  }
}

export function ipText(n) {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export class ValueFactory {
  constructor(rng) {
    this.rng = rng;
    /** Hosting networks (/24 as a 24-bit number) that hold many of the listed IPs. */
    this.hotNets = Array.from({ length: 20000 }, () => publicIp(rng) >>> 8);
    /** Registrable domains reused across hostnames and URLs, as abused hosting is. */
    this.hotDomains = Array.from({ length: 50000 }, () => this.freshDomain());
  }

  /** An IPv4 address as a number: a third from busy hosting /24s, the rest anywhere public. */
  ipNumber() {
    const rng = this.rng;
    if (rng.chance(0.35)) return ((rng.pick(this.hotNets) << 8) | (1 + rng.int(254))) >>> 0;
    return publicIp(rng);
  }

  ipv4() {
    return ipText(this.ipNumber());
  }

  label() {
    const rng = this.rng;
    let label = '';
    const syllables = 2 + rng.int(4);
    for (let i = 0; i < syllables; i++) label += rng.pick(SYLLABLES);
    if (rng.chance(0.2)) label += String(rng.int(1000));
    if (rng.chance(0.08)) label += `-${rng.pick(SYLLABLES)}${rng.pick(SYLLABLES)}`;
    return label;
  }

  freshDomain() {
    return `${this.label()}.${TLDS[this.rng.weighted(TLD_WEIGHTS, 100)]}`;
  }

  /** A registrable domain: mostly new, some of the hot ones. */
  domain() {
    return this.rng.chance(0.15) ? this.rng.pick(this.hotDomains) : this.freshDomain();
  }

  hostname() {
    const rng = this.rng;
    const base = rng.chance(0.6) ? rng.pick(this.hotDomains) : this.freshDomain();
    const sub = rng.chance(0.5) ? rng.pick(SUBDOMAINS) : this.label();
    return rng.chance(0.15) ? `${this.label()}.${sub}.${base}` : `${sub}.${base}`;
  }

  port() {
    return this.rng.chance(0.7) ? this.rng.pick(PORTS) : 1024 + this.rng.int(64511);
  }

  ipPort() {
    return `${this.ipv4()}:${this.port()}`;
  }

  url() {
    const rng = this.rng;
    const scheme = rng.chance(0.7) ? 'http' : 'https';
    const r = rng.float();
    let host;
    if (r < 0.4) host = rng.chance(0.3) ? `${this.ipv4()}:${this.port()}` : this.ipv4();
    else if (r < 0.7) host = this.hostname();
    else host = this.domain();
    let path = rng.pick(PATHS);
    if (path.endsWith('/')) path += `${rng.hex(4 + rng.int(12))}${rng.pick(EXTENSIONS)}`;
    else if (rng.chance(0.5)) path = `/${this.label()}${rng.pick(EXTENSIONS)}`;
    if (rng.chance(0.05)) path = '/';
    if (rng.chance(0.08)) path += `?id=${rng.hex(8)}`;
    return `${scheme}://${host}${path}`;
  }

  /**
   * A listed network, sized like those of real CIDR lists (maltrail's mass_scanner_cidr.txt: three
   * in four are /24s, one in five a /20, the rest /18 to /22): mostly on busy hosting networks.
   */
  cidr() {
    const rng = this.rng;
    const prefix = CIDR_PREFIXES[rng.weighted(CIDR_WEIGHTS, 100)];
    const base = rng.chance(0.7) ? rng.pick(this.hotNets) << 8 : publicIp(rng);
    const network = (base & (0xffffffff << (32 - prefix))) >>> 0;
    return `${ipText(network)}/${prefix}`;
  }

  ipv6() {
    const rng = this.rng;
    const groups = ['2a0' + rng.int(16).toString(16), rng.hex(4).replace(/^0+(?=.)/, '')];
    for (let i = 0; i < 6; i++) groups.push(rng.int(0x10000).toString(16));
    return groups.join(':');
  }

  email() {
    return `${this.label()}@${this.domain()}`;
  }

  sha256() {
    return this.rng.hex(64);
  }

  sha1() {
    return this.rng.hex(40);
  }

  md5() {
    return this.rng.hex(32);
  }
}

/** Analysts' defanging: 58[.]60[.]184[.]214, hxxp://evil[.]com/x. */
export function defang(value) {
  const url = /^http(s?):\/\/([^/]+)(.*)$/.exec(value);
  if (url) return `hxxp${url[1]}://${url[2].replaceAll('.', '[.]')}${url[3]}`;
  return value.replaceAll('.', '[.]');
}
