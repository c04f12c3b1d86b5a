import type { ThreatType } from '../model/index.ts';

/** A class and type of the Reference Security Incident Taxonomy (RSIT), as CERTs file incidents. */
export interface RsitClass {
  classification: string;
  type: string;
}

/**
 * tix's coarse threat types on RSIT (reference-security-incident-taxonomy,
 * 2020 and later): one row each, so a CERT's ticket system files a package
 * item without guessing. Values tix cannot place are `other/undetermined`.
 */
export const RSIT: Readonly<Record<ThreatType, RsitClass>> = {
  c2: { classification: 'malicious-code', type: 'c2-server' },
  phishing: { classification: 'fraud', type: 'phishing' },
  'payload-delivery': { classification: 'malicious-code', type: 'malware-distribution' },
  'malware-download': { classification: 'malicious-code', type: 'malware-distribution' },
  malware: { classification: 'malicious-code', type: 'malware-distribution' },
  scanner: { classification: 'information-gathering', type: 'scanner' },
  botnet: { classification: 'malicious-code', type: 'infected-system' },
  'compromised-host': { classification: 'intrusions', type: 'system-compromise' },
  spam: { classification: 'abusive-content', type: 'spam' },
  'brute-force': { classification: 'intrusion-attempts', type: 'brute-force' },
  anonymiser: { classification: 'other', type: 'other' },
  exploit: { classification: 'intrusion-attempts', type: 'exploit' },
  fraud: { classification: 'fraud', type: 'masquerade' },
  unknown: { classification: 'other', type: 'undetermined' },
};

/** `classification/type`, the form RSIT values are written in. */
export function rsitOf(threatType: ThreatType | undefined): string {
  const rsit = RSIT[threatType ?? 'unknown'];
  return `${rsit.classification}/${rsit.type}`;
}
