import { z } from 'zod';

/** Indicator types tix stores. The value of each is in the canonical form normalise/ produces. */
export const INDICATOR_TYPES = [
  'ipv4',
  'ipv6',
  'cidr',
  'ip-port',
  'domain',
  'hostname',
  'url',
  'email',
  'md5',
  'sha1',
  'sha256',
  'sha512',
  'ssdeep',
  'tlsh',
  'asn',
  'ja3',
  'x509-sha1',
  'filename',
] as const;
export const IndicatorTypeSchema = z.enum(INDICATOR_TYPES);
export type IndicatorType = z.infer<typeof IndicatorTypeSchema>;

/** Spellings users and feeds use for the same type. */
export const INDICATOR_TYPE_ALIASES: Record<string, IndicatorType> = {
  ip: 'ipv4',
  'ip:port': 'ip-port',
  ipport: 'ip-port',
  'ip-dst': 'ipv4',
  'domain-name': 'domain',
  fqdn: 'hostname',
  host: 'hostname',
  uri: 'url',
  'email-addr': 'email',
  'email-src': 'email',
  'sha-1': 'sha1',
  'sha-256': 'sha256',
  sha256_hash: 'sha256',
  md5_hash: 'md5',
  sha1_hash: 'sha1',
  'sha-512': 'sha512',
  as: 'asn',
  'x509-fingerprint-sha1': 'x509-sha1',
  x509: 'x509-sha1',
  file: 'filename',
};

const INDICATOR_TYPE_SET: ReadonlySet<string> = new Set(INDICATOR_TYPES);

export function parseIndicatorType(name: string): IndicatorType | undefined {
  const key = name.trim().toLowerCase();
  return INDICATOR_TYPE_SET.has(key) ? (key as IndicatorType) : INDICATOR_TYPE_ALIASES[key];
}

/**
 * What the infrastructure behind a value does. Kept coarse on purpose so every
 * feed's own vocabulary maps onto it; RSIT mapping happens at export.
 */
export const THREAT_TYPES = [
  'c2',
  'phishing',
  'payload-delivery',
  'malware-download',
  'malware',
  'scanner',
  'botnet',
  'compromised-host',
  'spam',
  'brute-force',
  'anonymiser',
  'exploit',
  'fraud',
  'unknown',
] as const;
export const ThreatTypeSchema = z.enum(THREAT_TYPES);
export type ThreatType = z.infer<typeof ThreatTypeSchema>;

const THREAT_TYPE_ALIASES: Record<string, ThreatType> = {
  botnet_cc: 'c2',
  'botnet-cc': 'c2',
  cc: 'c2',
  'c&c': 'c2',
  payload_delivery: 'payload-delivery',
  payload: 'malware',
  'malware-download': 'malware-download',
  malware_download: 'malware-download',
  phish: 'phishing',
  scanning: 'scanner',
  'mass-scanner': 'scanner',
  compromised: 'compromised-host',
  bruteforce: 'brute-force',
  tor: 'anonymiser',
  proxy: 'anonymiser',
  scam: 'fraud',
};

const THREAT_TYPE_SET: ReadonlySet<string> = new Set(THREAT_TYPES);

/** Called once per feed row: a set lookup, not a schema parse. */
export function parseThreatType(name: string): ThreatType | undefined {
  const key = name.trim().toLowerCase();
  if (THREAT_TYPE_SET.has(key)) return key as ThreatType;
  return THREAT_TYPE_ALIASES[key] ?? THREAT_TYPE_ALIASES[key.replace(/\s+/g, '-')];
}

/** Traffic Light Protocol 2.0 (FIRST), from most to least shareable. */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export const TlpSchema = z.enum(TLP_LEVELS);
export type Tlp = z.infer<typeof TlpSchema>;

export function parseTlp(name: string): Tlp | undefined {
  let key = name.trim().toLowerCase().replace(/^tlp:/, '');
  if (key === 'white') key = 'clear'; // TLP 1.0 spelling
  return (TLP_LEVELS as readonly string[]).includes(key) ? (key as Tlp) : undefined;
}
