import { domainToASCII } from 'node:url';
import { parse as parseDomain } from 'tldts';
import { accept, reject, type Normalised } from './result.ts';

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
const ASCII_HOST = /^[a-z0-9._-]+$/;

/**
 * A DNS name as tix stores it: lowercase, punycode, no trailing dot, on a
 * known public suffix. A registrable domain (evil.co.uk) is a `domain`;
 * anything below it (a.b.evil.co.uk) is a `hostname`. A bare public suffix
 * (co.uk) is never an indicator.
 */
export interface HostOptions {
  /**
   * Require a suffix on the public suffix list. Free text asks for it (so
   * `report.pdf` is not a domain); feeds do not, because criminals use
   * alternative roots (`.bit`, `.dyn`) that sensors still see.
   */
  knownSuffix?: boolean;
  /** A URL's host may itself be a public suffix (`https://cloudflare-ipfs.com/ipfs/…`). */
  allowSuffix?: boolean;
}

export function normaliseHost(input: string, options: HostOptions = {}): Normalised {
  let host = input.trim();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0) return reject('empty host name');
  host = host.toLowerCase();
  if (!ASCII_HOST.test(host)) {
    const ascii = domainToASCII(host);
    if (ascii === '') return reject('not a valid internationalised domain name');
    host = ascii;
  }
  if (host.length > 253) return reject('host name is longer than 253 characters');
  const labels = host.split('.');
  if (labels.length < 2) return reject('host name has no top-level domain');
  for (const label of labels) {
    if (!LABEL.test(label)) return reject(`host name label "${label}" is not valid`);
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) return reject('looks like a malformed IP address, not a host name');
  const parsed = parseDomain(host, { allowPrivateDomains: true });
  const known = parsed.isIcann === true || parsed.isPrivate === true;
  if (options.knownSuffix && !known) return reject(`".${parsed.publicSuffix}" is not on the public suffix list`);
  if (!/^[a-z]/.test(labels[labels.length - 1]!) && !labels[labels.length - 1]!.startsWith('xn--')) {
    return reject('top-level domain must start with a letter');
  }
  if (!parsed.domain) {
    if (options.allowSuffix) return accept('hostname', host);
    return reject(`"${host}" is a public suffix, not a domain`);
  }
  return accept(parsed.domain === host ? 'domain' : 'hostname', host);
}

/** The registrable domain of a canonical host (evil.co.uk for a.b.evil.co.uk). */
export function registrableDomain(host: string): string | undefined {
  return parseDomain(host, { allowPrivateDomains: true }).domain ?? undefined;
}

/**
 * Host labels reversed (`uk.co.evil.a.b`) so that "everything under evil.co.uk"
 * is one contiguous key range in an ordered index.
 */
export function reversedHost(host: string): string {
  // as host.split('.').reverse().join('.'), without the arrays
  let dot = host.lastIndexOf('.');
  if (dot < 0) return host;
  let out = host.slice(dot + 1);
  let end = dot;
  for (;;) {
    dot = end === 0 ? -1 : host.lastIndexOf('.', end - 1);
    out += `.${host.slice(dot + 1, end)}`;
    if (dot < 0) return out;
    end = dot;
  }
}
