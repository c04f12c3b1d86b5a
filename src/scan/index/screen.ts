import type { FieldKind, ValueScreen } from '../record.ts';
import type { IntelIndex } from './intel-index.ts';
import { TAG } from './keys.ts';
import { hashFinish, hashSeed, hashStep, keyShape } from './table.ts';
import { HTTP, HTTPS, LABEL, PATH, digits, hasScheme, ipv4At, isText, portSuffixAt, startsWith } from './canonical-bytes.ts';

/**
 * The matcher's lookups answered from raw bytes, with no string built: each
 * value is hashed the way the table hashes its keys (last byte first) and
 * only the bucket's fingerprints are read. A fingerprint match, or a value
 * not already in the canonical form the matcher's fast path looks up as it
 * is, answers "may hit"; the line is then read and matched in full, so the
 * findings are exactly those of the full path. A value that holds a
 * backslash (a reader's escape) is never taken as canonical.
 */
export class ByteScreen implements ValueScreen {
  private static readonly built = new WeakMap<IntelIndex, ByteScreen>();

  /** The screen of an index, built once (its CIDR ranges are sorted and merged then) for every file scanned with it. */
  static of(index: IntelIndex): ByteScreen {
    let screen = ByteScreen.built.get(index);
    if (!screen) ByteScreen.built.set(index, (screen = new ByteScreen(index)));
    return screen;
  }

  /** The IPv4 CIDR indicators as merged, sorted ranges [first, last]: one binary search answers "inside some network". */
  private readonly rangeFirst: Uint32Array;
  private readonly rangeLast: Uint32Array;
  /** Whether any IPv6 address or network is held: if none, an IPv6 value cannot hit. */
  private readonly hasIpv6: boolean;
  private readonly hasIpPort: boolean;
  /**
   * IPv4 addresses lately found unable to hit, by their low 12 bits: logs
   * repeat their resolvers, gateways and busy clients on line after line.
   * Slot i starts as i ^ 1, which no address of that slot equals.
   */
  private readonly absentIpv4 = Int32Array.from({ length: 4096 }, (_, i) => i ^ 1);
  /** IPv4 values parsed in the line being deferred (number `lineNo`), by their start's low 3 bits (see ipv4). */
  private lineNo = 0;
  private readonly memoLines = new Float64Array(8).fill(-1);
  private readonly memoStarts = new Int32Array(8);
  private readonly memoEnds = new Int32Array(8);
  private readonly memoValues = new Float64Array(8);
  /**
   * Table probes put off while a group of lines is screened (`defer`, then
   * `settle`): the hash, the line's slot in the group, and for an IPv4 address
   * the address (else -1), noted as absent if its probe says so.
   */
  private deferring = false;
  private slot = 0;
  private pending = 0;
  private pendingHashes = new Uint32Array(1024);
  private pendingShapes = new Uint16Array(1024);
  private pendingSlots = new Uint16Array(1024);
  private pendingIpv4 = new Float64Array(1024);
  private settled = new Uint8Array(1024);
  /** What hashUrlPath and hashUrlHost leave: the URL's key hashed so far, and the host-only key. */
  private urlHash = 0;
  private hostHash = 0;

  constructor(private readonly index: IntelIndex) {
    const { cidr, info } = index.parts;
    [this.rangeFirst, this.rangeLast] = mergedRanges(cidr.groups, cidr.nets);
    this.hasIpv6 = (info.counts.ipv6 ?? 0) > 0 || info.v6Prefixes.length > 0;
    this.hasIpPort = (info.counts['ip-port'] ?? 0) > 0;
  }

  /**
   * From now until `settle`, the values screened belong to the line of slot
   * `slot` in a group, and their table probes are put off: a value then
   * answers true only when it needs reading for another reason. Slot 0 begins
   * a group.
   */
  defer(slot: number): void {
    if (slot === 0) this.pending = 0;
    this.lineNo++;
    this.deferring = true;
    this.slot = slot;
  }

  /**
   * Makes the probes put off since slot 0, all at once (their reads of the
   * table overlap), and sets `may[slot]` to 1 for each line some probe of
   * which may hit. Values answer at once again afterwards.
   */
  settle(may: Uint8Array): void {
    this.deferring = false;
    const count = this.pending;
    this.pending = 0;
    if (count === 0) return;
    const passed = this.settled;
    this.index.table.mayHoldMany(this.pendingHashes, this.pendingShapes, count, passed);
    for (let i = 0; i < count; i++) {
      if (passed[i] === 1) may[this.pendingSlots[i]!] = 1;
      else {
        const ip = this.pendingIpv4[i]!;
        if (ip >= 0) this.absentIpv4[ip & 4095] = ip | 0;
      }
    }
  }

  value(kind: FieldKind, bytes: Uint8Array, start: number, end: number): boolean {
    switch (kind) {
      case 'ip':
        return this.ip(bytes, start, end);
      case 'host':
        return this.host(bytes, start, end);
      case 'host-or-ip': {
        if (bytes[start]! <= 57) {
          const v4 = this.ipv4(bytes, start, end);
          if (v4 >= 0) return this.ipNumber(v4, bytes, start, end);
        }
        // an HTTP Host header may carry a port: host:8080 (IPv6 and the rest go the full path)
        const nameEnd = portSuffixAt(bytes, start, end);
        if (nameEnd < end && (nameEnd + 1 === end || !digits(bytes, nameEnd + 1, end))) return true;
        if (bytes[start]! > 57) return this.host(bytes, start, nameEnd); // a letter first: a name, or no canonical value
        for (let i = start; i < nameEnd; i++) {
          const c = bytes[i]!;
          if (c !== 46 && (c < 48 || c > 57)) return this.host(bytes, start, nameEnd);
        }
        return this.ip(bytes, start, nameEnd);
      }
      case 'url':
        return this.url(bytes, start, end);
      case 'md5':
        return this.hex(TAG.md5, bytes, start, end, 32);
      case 'sha1':
        return this.hex(TAG.sha1, bytes, start, end, 40);
      case 'sha256':
        return this.hex(TAG.sha256, bytes, start, end, 64);
      case 'sha512':
        return this.hex(TAG.sha512, bytes, start, end, 128);
      case 'ja3':
        return this.hex(TAG.ja3, bytes, start, end, 0);
      case 'hash': {
        const length = end - start;
        const tag = length === 32 ? TAG.md5 : length === 40 ? TAG.sha1 : length === 64 ? TAG.sha256 : length === 128 ? TAG.sha512 : -1;
        return tag < 0 || this.hex(tag, bytes, start, end, length);
      }
      case 'filename': {
        let from = start;
        for (let i = end - 1; i >= start; i--) {
          if (bytes[i] === 92) return true; // a Windows path, or an escape the reader decodes
          if (bytes[i] === 47) {
            from = i + 1;
            break;
          }
        }
        return from < end && this.holds(TAG.filename, bytes, from, end);
      }
      default:
        // e-mail addresses, certificate fingerprints and free text are canonicalised on the full path
        return true;
    }
  }

  ipPort(bytes: Uint8Array, ipStart: number, ipEnd: number, portStart: number, portEnd: number): boolean {
    if (!this.hasIpPort) return false;
    const length = portEnd - portStart;
    if (length === 1 && bytes[portStart] === 48) return false; // port 0: no pair is composed
    const ip = this.ipv4(bytes, ipStart, ipEnd);
    if (ip >= 0 && !this.index.nearIpPort(ip)) return false;
    if (ip < 0 || length < 1 || length > 5 || bytes[portStart] === 48 || !digits(bytes, portStart, portEnd)) return true;
    let h = hashSeed(TAG.ipPort);
    for (let i = portEnd - 1; i >= portStart; i--) h = hashStep(h, bytes[i]!);
    h = hashStep(h, 58);
    for (let i = ipEnd - 1; i >= ipStart; i--) h = hashStep(h, bytes[i]!);
    return this.probe(hashFinish(h), keyShape(ipEnd - ipStart + 1 + length, bytes[portEnd - 1]!), -1);
  }

  composedUrl(bytes: Uint8Array, hostStart: number, hostEnd: number, pathStart: number, pathEnd: number, portStart: number, portEnd: number): boolean {
    if (hostEnd === hostStart) return false; // no host: no URL is composed
    if (hasScheme(bytes, pathStart, pathEnd)) return this.url(bytes, pathStart, pathEnd); // a proxy request carries the whole URL
    // a Host header with its own port (host:8080) keeps it; else the connection's port is written unless it is 80 or 443
    const nameEnd = portSuffixAt(bytes, hostStart, hostEnd);
    const https = portStart >= 0 && isText(bytes, portStart, portEnd, '443');
    let writtenPort = -1;
    let writtenEnd = -1;
    if (nameEnd < hostEnd) {
      // a default port is dropped by normalisation
      if (!isText(bytes, nameEnd + 1, hostEnd, https ? '443' : '80')) {
        writtenPort = nameEnd + 1;
        writtenEnd = hostEnd;
      }
    } else if (portStart >= 0 && portEnd > portStart && !https && !isText(bytes, portStart, portEnd, '80')) {
      writtenPort = portStart;
      writtenEnd = portEnd;
    }
    if (writtenPort >= 0) {
      const length = writtenEnd - writtenPort;
      if (length < 1 || length > 5 || bytes[writtenPort] === 48 || !digits(bytes, writtenPort, writtenEnd)) return true;
    }
    // the key `scheme://host[:port]/path`, hashed from its last byte; the path and host are checked as they are hashed
    if (!this.hashUrlPath(hashSeed(TAG.url), bytes, pathStart, pathEnd)) return true;
    let h = this.urlHash;
    const slash = pathEnd === pathStart || bytes[pathStart] !== 47 ? 1 : 0;
    if (slash === 1) h = hashStep(h, 47);
    if (writtenPort >= 0) {
      for (let i = writtenEnd - 1; i >= writtenPort; i--) h = hashStep(h, bytes[i]!);
      h = hashStep(h, 58);
    }
    if (!this.hashUrlHost(h, bytes, hostStart, nameEnd)) return true;
    h = this.urlHash;
    const scheme = https ? HTTPS : HTTP;
    for (let i = scheme.length - 1; i >= 0; i--) h = hashStep(h, scheme[i]!);
    const length = scheme.length + nameEnd - hostStart + (writtenPort >= 0 ? 1 + writtenEnd - writtenPort : 0) + slash + pathEnd - pathStart;
    const shape = keyShape(length, pathEnd > pathStart ? bytes[pathEnd - 1]! : 47);
    return this.probe(hashFinish(h), shape, -1) || this.probe(hashFinish(this.hostHash), keyShape(nameEnd - hostStart, bytes[nameEnd - 1]!), -1);
  }

  /**
   * A URL's path, if the canonical form keeps it as it is (every byte in
   * PATH), hashed from its last byte on from `h` into `urlHash`; false if not.
   */
  private hashUrlPath(h: number, bytes: Uint8Array, start: number, end: number): boolean {
    for (let i = end - 1; i >= start; i--) {
      const c = bytes[i]!;
      if (PATH[c] === 0) return false;
      h = hashStep(h, c);
    }
    this.urlHash = h;
    return true;
  }

  /**
   * A URL's host, if it is as the canonical form has it (lowercase labels of
   * LABEL's bytes, at least two, none empty), hashed from its last byte on
   * from `h` into `urlHash` and, at once, as the host-only key (the weak
   * match) into `hostHash`; false if not.
   */
  private hashUrlHost(h: number, bytes: Uint8Array, start: number, end: number): boolean {
    let hostHash = hashSeed(TAG.urlHost);
    let label = 0;
    let dots = 0;
    for (let i = end - 1; i >= start; i--) {
      const c = bytes[i]!;
      if (c === 46) {
        if (label === 0) return false;
        dots++;
        label = 0;
      } else if (LABEL[c] === 1) label++;
      else return false;
      h = hashStep(h, c);
      hostHash = hashStep(hostHash, c);
    }
    if (dots === 0 || label === 0) return false;
    this.urlHash = h;
    this.hostHash = hostHash;
    return true;
  }

  private holds(tag: number, bytes: Uint8Array, start: number, end: number, ipv4 = -1): boolean {
    let h = hashSeed(tag);
    for (let i = end - 1; i >= start; i--) h = hashStep(h, bytes[i]!);
    return this.probe(hashFinish(h), keyShape(end - start, bytes[end - 1]!), ipv4);
  }

  /** Whether the table may hold the key of finished hash `h` and shape `shape`; false while deferring, the probe then kept for `settle`. */
  private probe(h: number, shape: number, ipv4: number): boolean {
    if (!this.deferring) return this.index.table.mayHold(h, shape);
    if (this.pending === this.pendingHashes.length) this.grow();
    const at = this.pending++;
    this.pendingHashes[at] = h;
    this.pendingShapes[at] = shape;
    this.pendingSlots[at] = this.slot;
    this.pendingIpv4[at] = ipv4;
    return false;
  }

  private grow(): void {
    const size = this.pendingHashes.length * 2;
    const hashes = new Uint32Array(size);
    const shapes = new Uint16Array(size);
    const slots = new Uint16Array(size);
    const ipv4 = new Float64Array(size);
    hashes.set(this.pendingHashes);
    shapes.set(this.pendingShapes);
    slots.set(this.pendingSlots);
    ipv4.set(this.pendingIpv4);
    [this.pendingHashes, this.pendingShapes, this.pendingSlots, this.pendingIpv4, this.settled] = [hashes, shapes, slots, ipv4, new Uint8Array(size)];
  }

  /**
   * ipv4At, remembered within a deferred line by where the value lies: a
   * line's addresses are screened alone, then again in its ip:port pairs.
   */
  private ipv4(bytes: Uint8Array, start: number, end: number): number {
    if (!this.deferring) return ipv4At(bytes, start, end);
    const k = start & 7;
    if (this.memoLines[k] === this.lineNo && this.memoStarts[k] === start && this.memoEnds[k] === end) return this.memoValues[k]!;
    const v4 = ipv4At(bytes, start, end);
    this.memoLines[k] = this.lineNo;
    this.memoStarts[k] = start;
    this.memoEnds[k] = end;
    this.memoValues[k] = v4;
    return v4;
  }

  private ip(bytes: Uint8Array, start: number, end: number): boolean {
    const v4 = this.ipv4(bytes, start, end);
    if (v4 < 0) {
      // without a colon it is no address at all; IPv6 is canonicalised on the full path, unless none is
      // held and no IPv4 address can hide inside (::ffff:1.2.3.4 or ::ffff:c000:280 become IPv4)
      let colon = false;
      let dot = false;
      let fs = 0;
      let mapped = false;
      for (let i = start; i < end; i++) {
        const c = bytes[i]!;
        if (c === 46) dot = true;
        else if (c === 58) colon = true;
        fs = (c | 0x20) === 102 ? fs + 1 : 0;
        if (fs === 4) mapped = true;
      }
      return colon && (dot || mapped || this.hasIpv6);
    }
    return this.ipNumber(v4, bytes, start, end);
  }

  /** A canonical IPv4 address v4, whose text is bytes [start, end). */
  private ipNumber(v4: number, bytes: Uint8Array, start: number, end: number): boolean {
    const slot = v4 & 4095;
    if (this.absentIpv4[slot] === (v4 | 0)) return false;
    if (this.inRange(v4)) return true;
    if (!this.index.nearIpv4(v4)) {
      this.absentIpv4[slot] = v4 | 0;
      return false;
    }
    if (this.holds(TAG.ip, bytes, start, end, v4)) return true;
    // while deferring, settle notes the address as absent if its probe says so
    if (!this.deferring) this.absentIpv4[slot] = v4 | 0;
    return false;
  }

  private inRange(ip: number): boolean {
    if (!this.index.nearCidr4(ip)) return false;
    const first = this.rangeFirst;
    let lo = 0;
    let hi = first.length - 1;
    // the last range that starts at or before ip
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (first[mid]! <= ip) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && ip <= this.rangeLast[hi]!;
  }

  /** A host name already canonical (lowercase ASCII with a dot, no trailing dot) probed on itself and every parent, as IntelIndex.host does. */
  private host(bytes: Uint8Array, start: number, end: number): boolean {
    if (end - start <= 2 || bytes[end - 1] === 46) return true;
    let h = hashSeed(TAG.host);
    let dots = 0;
    let i = end - 1;
    for (;;) {
      // a label, last byte first; then the name from its first byte, once it holds a dot, is probed
      const labelEnd = i;
      for (let c = bytes[i]!; i >= start && (c = bytes[i]!) !== 46; i--) {
        if (LABEL[c] === 0) return true;
        h = hashStep(h, c);
      }
      if (dots > 0 && i < labelEnd && this.probe(hashFinish(h), keyShape(end - i - 1, bytes[end - 1]!), -1)) return true;
      if (i < start) return false;
      h = hashStep(h, 46);
      dots++;
      i--;
    }
  }

  /** A URL already canonical (as the matcher's CANONICAL_URL): looked up as it is, and its host weakly. */
  private url(bytes: Uint8Array, start: number, end: number): boolean {
    const https = startsWith(bytes, start, end, HTTPS);
    if (!https && !startsWith(bytes, start, end, HTTP)) return true;
    const hostStart = start + (https ? HTTPS.length : HTTP.length);
    let hostEnd = hostStart;
    while (hostEnd < end && bytes[hostEnd] !== 47 && bytes[hostEnd] !== 58) hostEnd++;
    let pathStart = hostEnd;
    if (bytes[hostEnd] === 58) {
      pathStart = hostEnd + 1;
      while (pathStart < end && bytes[pathStart] !== 47) pathStart++;
      const length = pathStart - hostEnd - 1;
      if (length < 1 || length > 5 || bytes[hostEnd + 1] === 48 || !digits(bytes, hostEnd + 1, pathStart)) return true;
      // a default port is dropped by normalisation: the full path
      if (https ? length === 3 && bytes[hostEnd + 1] === 52 && bytes[hostEnd + 2] === 52 && bytes[hostEnd + 3] === 51 : length === 2 && bytes[hostEnd + 1] === 56 && bytes[hostEnd + 2] === 48) return true;
    }
    if (pathStart >= end || bytes[pathStart] !== 47) return true;
    // the whole text is the key: path, port, host and scheme hashed from the last byte, the path and host checked on the way
    if (!this.hashUrlPath(hashSeed(TAG.url), bytes, pathStart, end)) return true;
    let h = this.urlHash;
    for (let i = pathStart - 1; i >= hostEnd; i--) h = hashStep(h, bytes[i]!);
    if (!this.hashUrlHost(h, bytes, hostStart, hostEnd)) return true;
    h = this.urlHash;
    for (let i = hostStart - 1; i >= start; i--) h = hashStep(h, bytes[i]!);
    return this.probe(hashFinish(h), keyShape(end - start, bytes[end - 1]!), -1) || this.probe(hashFinish(this.hostHash), keyShape(hostEnd - hostStart, bytes[hostEnd - 1]!), -1);
  }

  private hex(tag: number, bytes: Uint8Array, start: number, end: number, length: number): boolean {
    if (length > 0 && end - start !== length) return true;
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return true;
    }
    return end > start && this.holds(tag, bytes, start, end);
  }
}

/** IPv4 networks (prefix groups as IntelIndex keeps them) as sorted, merged [first, last] ranges. */
function mergedRanges(groups: Uint32Array<ArrayBufferLike>, nets: Uint32Array<ArrayBufferLike>): [Uint32Array, Uint32Array] {
  // start·64 + prefix is exact in a double: one native numeric sort orders them
  const keys = new Float64Array(nets.length);
  for (let g = 0; g < groups.length; g += 3) {
    for (let i = groups[g + 1]!; i < groups[g + 2]!; i++) keys[i] = nets[i]! * 64 + groups[g]!;
  }
  keys.sort();
  const first: number[] = [];
  const last: number[] = [];
  for (const key of keys) {
    const prefix = key % 64;
    const start = (key - prefix) / 64;
    const end = start + 2 ** (32 - prefix) - 1;
    if (last.length > 0 && start <= last[last.length - 1]! + 1) last[last.length - 1] = Math.max(last[last.length - 1]!, end);
    else {
      first.push(start);
      last.push(end);
    }
  }
  return [Uint32Array.from(first), Uint32Array.from(last)];
}
