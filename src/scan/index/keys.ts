import type { IndicatorType } from '../../model/index.ts';

/** The key spaces of the index: one tag byte each, so equal text of two kinds never collides. */
export const TAG = {
  ip: 1,
  cidr6: 2,
  ipPort: 3,
  host: 4,
  url: 5,
  /** The host of a URL indicator: the weak, host-only match. */
  urlHost: 6,
  email: 7,
  md5: 8,
  sha1: 9,
  sha256: 10,
  sha512: 11,
  ja3: 12,
  x509Sha1: 13,
  filename: 14,
} as const;

/** Which tag an indicator type is kept under; undefined: not matched against logs (ssdeep, TLSH, ASN) or kept elsewhere (IPv4 CIDRs). */
export const TYPE_TAG: Partial<Record<IndicatorType, number>> = {
  ipv4: TAG.ip,
  ipv6: TAG.ip,
  'ip-port': TAG.ipPort,
  domain: TAG.host,
  hostname: TAG.host,
  url: TAG.url,
  email: TAG.email,
  md5: TAG.md5,
  sha1: TAG.sha1,
  sha256: TAG.sha256,
  sha512: TAG.sha512,
  ja3: TAG.ja3,
  'x509-sha1': TAG.x509Sha1,
  filename: TAG.filename,
};

/** Canonical dotted-quad IPv4 (no leading zeros) as an unsigned 32-bit number, or -1. */
export function ipv4Number(text: string, start = 0, end = text.length): number {
  const length = end - start;
  if (length < 7 || length > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = start; i <= end; i++) {
    const c = i === end ? 46 : text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return -1; // a leading zero is ambiguous, as normalise/ says
      part = part * 10 + (c - 48);
      digits++;
    } else return -1;
  }
  return parts === 4 ? value : -1;
}

/** The canonical port number written in `text` from `start` to its end (1 to 65535, no leading zero), or -1. */
export function portNumber(text: string, start: number): number {
  const length = text.length - start;
  if (length < 1 || length > 5 || text.charCodeAt(start) === 48) return -1;
  let port = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    port = port * 10 + (c - 48);
  }
  return port <= 65535 ? port : -1;
}

export function numberToIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}
