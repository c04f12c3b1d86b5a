import type { IndicatorType } from '../model/index.ts';
import { normaliseHash, normaliseSsdeep, normaliseTlsh } from './hash.ts';
import { normaliseHost } from './host.ts';
import { normaliseCidr, normaliseIp, normaliseIpPort, normaliseIpv4, normaliseIpv6, parsePort } from './ip.ts';
import { refang } from './refang.ts';
import { accept, reject, type Normalised } from './result.ts';
import { normaliseUrl } from './url.ts';

const EMAIL = /^([^\s@<>()[\]\\,;:"]{1,64})@([^\s@]+)$/;
const ASN = /^(?:as)?(\d{1,10})$/i;
/** A file name: no path separators or control characters; at most 255 bytes as on most file systems. */
const FILENAME = /^[^/\\\x00-\x1f]{1,255}$/;

export function normaliseEmail(input: string, options: NormaliseOptions = {}): Normalised {
  const match = EMAIL.exec(input.trim());
  if (!match) return reject('not an e-mail address');
  const host = normaliseHost(match[2]!, options);
  if (!host.ok) return reject(`e-mail domain: ${host.reason}`);
  return accept('email', `${match[1]}@${host.value}`);
}

export function normaliseAsn(input: string): Normalised {
  const match = ASN.exec(input.trim());
  if (!match) return reject('not an AS number (AS64500 or 64500)');
  const number = Number(match[1]);
  if (number > 4294967295) return reject('AS number is over 4294967295');
  return accept('asn', `AS${number}`);
}

export function normaliseFilename(input: string): Normalised {
  const name = input.trim();
  return FILENAME.test(name) ? accept('filename', name) : reject('not a file name');
}

/**
 * The canonical form of `input` as an indicator of type `type`, or, without a
 * type, of whatever type the value unambiguously is. Defanged input is refanged
 * first. Invalid values are rejected with a reason and never stored.
 */
export interface NormaliseOptions {
  /** Only hosts on the public suffix list; for values found in prose rather than listed on purpose. */
  knownSuffix?: boolean;
}

export function normalise(input: string, type?: IndicatorType, options: NormaliseOptions = {}): Normalised {
  const text = refang(input.trim());
  if (text === '') return reject('empty value');
  if (type === undefined) return normaliseUntyped(text, options);
  switch (type) {
    case 'ipv4':
    case 'ipv6': {
      const ip = text.includes('/') ? normaliseCidr(text) : normaliseIp(text);
      return ip;
    }
    case 'cidr':
      // a lone address is the narrowest block: the address itself
      return normaliseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
    case 'ip-port':
      return normaliseIpPort(text);
    case 'domain':
    case 'hostname':
      return normaliseHost(text);
    case 'url':
      return normaliseUrl(text);
    case 'email':
      return normaliseEmail(text);
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
    case 'ja3':
    case 'x509-sha1':
      return normaliseHash(text, type);
    case 'ssdeep':
      return normaliseSsdeep(text);
    case 'tlsh':
      return normaliseTlsh(text);
    case 'asn':
      return normaliseAsn(text);
    case 'filename':
      return normaliseFilename(text);
  }
}

const LOOKS_IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const LOOKS_HEX = /^[0-9a-fA-F]+$/;
const LOOKS_IPV6 = /^\[?[0-9a-fA-F:]*:[0-9a-fA-F:.]*\]?$/;

/** Type detection for values that arrive without one: plain lists, search boxes, free text. */
function normaliseUntyped(text: string, options: NormaliseOptions): Normalised {
  if (LOOKS_IPV4.test(text)) return normaliseIpv4(text);
  if (text.includes('/') && /^[\d.:a-fA-F[\]]+\/\d+$/.test(text)) return normaliseCidr(text);
  if (text.includes('://')) return normaliseUrl(text, options);
  // before the hex digests: a TLSH digest without its T1 prefix is 70 hex digits
  if (/^(t1)?[0-9a-f]{70}$/i.test(text)) return normaliseTlsh(text);
  if (LOOKS_HEX.test(text)) {
    if (/^\d+$/.test(text)) return reject('a bare number is not an indicator');
    return normaliseHash(text);
  }
  if (/^\d+:[A-Za-z0-9/+]+:[A-Za-z0-9/+]+$/.test(text)) return normaliseSsdeep(text);
  if (/^[\d.]+:\d+$/.test(text) || /^\[[0-9a-fA-F:.]+\]:\d+$/.test(text)) return normaliseIpPort(text);
  if (LOOKS_IPV6.test(text) && text.split(':').length >= 3) return normaliseIpv6(text);
  if (/^AS\d+$/i.test(text)) return normaliseAsn(text);
  if (text.includes('@') && !text.includes('/')) return normaliseEmail(text, options);
  // host/path or host:port/path without a scheme, as maltrail writes URLs
  if (/^[^\s/:]+(:\d+)?\//.test(text)) return normaliseUrl(text, options);
  if (/^[\d.]+$/.test(text)) return reject('not an IPv4 address');
  // host:port names a service on a host; the host is the indicator
  const hostPort = /^([^\s/:]+):(\d{1,5})$/.exec(text);
  if (hostPort) {
    if (parsePort(hostPort[2]!) === undefined) return reject(`port "${hostPort[2]}" is not a number from 1 to 65535`);
    return normaliseHost(hostPort[1]!, options);
  }
  return normaliseHost(text, options);
}

export { normaliseIp, normaliseCidr, normaliseIpPort, normaliseHost, normaliseUrl, normaliseHash, refang, normaliseIpv6 };
