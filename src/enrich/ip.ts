import ipaddr from 'ipaddr.js';

/**
 * A dotted IPv4 address as an unsigned 32-bit number, or -1 when it is not
 * one. Written out by hand: it runs once per lookup, and the lookup itself
 * costs less than a generic parser.
 */
export function ipv4Number(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || part > 255) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57 && digits < 3) {
      part = part * 10 + (code - 48);
      digits++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return value * 256 + part;
}

/** The dotted form of an unsigned 32-bit number. */
export function ipv4Text(value: number): string {
  return `${Math.floor(value / 16777216)}.${Math.floor(value / 65536) & 255}.${Math.floor(value / 256) & 255}.${value & 255}`;
}

/** An IPv6 address as its high and low 64 bits, or undefined when it is not one. */
export function ipv6Halves(text: string): [bigint, bigint] | undefined {
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const bytes = ipaddr.IPv6.parse(text).toByteArray();
  let hi = 0n;
  let lo = 0n;
  for (let i = 0; i < 8; i++) hi = (hi << 8n) | BigInt(bytes[i]!);
  for (let i = 8; i < 16; i++) lo = (lo << 8n) | BigInt(bytes[i]!);
  return [hi, lo];
}

/** A 128-bit value (as one bigint) split into its halves. */
export function splitV6(value: bigint): [bigint, bigint] {
  return [value >> 64n, value & 0xffffffffffffffffn];
}
