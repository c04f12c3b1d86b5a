/**
 * Tests over a value's bytes, in place, of whether it is already in the
 * canonical form the matcher looks values up in (src/normalise): the byte
 * screen hashes such a value as it lies, and leaves any other to the full path.
 */
export const HTTP = new TextEncoder().encode('http://');
export const HTTPS = new TextEncoder().encode('https://');

export function startsWith(bytes: Uint8Array, start: number, end: number, prefix: Uint8Array): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[start + i] !== prefix[i]) return false;
  return true;
}

export function isText(bytes: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

export function digits(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i]! < 48 || bytes[i]! > 57) return false;
  return true;
}

/** Canonical dotted-quad IPv4 (no leading zeros) in bytes, as a number, or -1 (keys.ts' ipv4Number over bytes). */
export function ipv4At(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length < 7 || length > 15) return -1;
  let value = 0;
  let part = 0;
  let digitsSeen = 0;
  let parts = 0;
  for (let i = start; i <= end; i++) {
    const c = i === end ? 46 : bytes[i]!;
    if (c === 46) {
      if (digitsSeen === 0 || part > 255) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digitsSeen = 0;
    } else if (c >= 48 && c <= 57) {
      if (digitsSeen === 1 && part === 0) return -1;
      part = part * 10 + (c - 48);
      digitsSeen++;
    } else return -1;
  }
  return parts === 4 ? value : -1;
}

/** `scheme://` at the start, as the plan's test for a proxy request's whole URL (`^[a-z][a-z0-9+.-]*://`, any case). */
export function hasScheme(bytes: Uint8Array, start: number, end: number): boolean {
  const first = bytes[start]! | 0x20;
  if (start >= end || first < 97 || first > 122) return false;
  for (let i = start + 1; i + 2 < end; i++) {
    const c = bytes[i]!;
    if (c === 58) return bytes[i + 1] === 47 && bytes[i + 2] === 47;
    const lower = c | 0x20;
    if (!((lower >= 97 && lower <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45)) return false;
  }
  return false;
}

/** 1 for the bytes a canonical host label holds: a-z, 0-9, '-' and '_'. */
export const LABEL = new Uint8Array(256);
for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789-_') LABEL[c.charCodeAt(0)] = 1;

/** 1 for the bytes a URL path the canonical form keeps as it is may hold: printable ASCII but space, quote, angle brackets and backslash. */
export const PATH = new Uint8Array(256);
for (let c = 33; c < 127; c++) if (c !== 34 && c !== 60 && c !== 62 && c !== 92) PATH[c] = 1;

/**
 * Where the name of `host[:port]` ends: the colon before the digits that end
 * it (none, or not only digits, may follow it), else `end`. The port is not
 * checked; a colon elsewhere is left in the name, which then fails as a host.
 */
export function portSuffixAt(bytes: Uint8Array, start: number, end: number): number {
  let i = end - 1;
  while (i >= start && bytes[i]! >= 48 && bytes[i]! <= 57) i--;
  return i >= start && bytes[i] === 58 ? i : end;
}
