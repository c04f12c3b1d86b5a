import type { StixObject } from '../../model/index.ts';
import { kindOf } from './vocab.ts';

/** STIX 2.1 open vocabularies that took over from 2.0's required `labels` (STIX 2.1 §10). */
const TYPE_VOCABULARIES: Record<string, { property: string; terms: ReadonlySet<string> }> = {
  indicator: {
    property: 'indicator_types',
    terms: new Set(['anomalous-activity', 'anonymization', 'benign', 'compromised', 'malicious-activity', 'attribution', 'unknown']),
  },
  malware: {
    property: 'malware_types',
    terms: new Set([
      'adware', 'backdoor', 'bot', 'bootkit', 'ddos', 'downloader', 'dropper', 'exploit-kit', 'keylogger', 'ransomware',
      'remote-access-trojan', 'resource-exploitation', 'rogue-security-software', 'rootkit', 'screen-capture', 'spyware',
      'trojan', 'unknown', 'virus', 'webshell', 'wiper', 'worm',
    ]),
  },
  'threat-actor': {
    property: 'threat_actor_types',
    terms: new Set([
      'activist', 'competitor', 'crime-syndicate', 'criminal', 'hacker', 'insider-accidental', 'insider-disgruntled',
      'nation-state', 'sensationalist', 'spy', 'terrorist', 'unknown',
    ]),
  },
  tool: {
    property: 'tool_types',
    terms: new Set(['denial-of-service', 'exploitation', 'information-gathering', 'network-capture', 'credential-exploitation', 'remote-access', 'vulnerability-scanning', 'unknown']),
  },
  report: {
    property: 'report_types',
    terms: new Set([
      'attack-pattern', 'campaign', 'identity', 'indicator', 'intrusion-set', 'malware', 'observed-data', 'threat-actor',
      'threat-report', 'tool', 'vulnerability',
    ]),
  },
};

/** 2.0 objects carry no spec_version; 2.1 requires it on everything but SCOs, and 2.0 had no top-level SCOs. */
export function isStix20(object: StixObject): boolean {
  return object.spec_version === undefined ? kindOf(object.type) !== 'sco' : object.spec_version === '2.0';
}

/**
 * A STIX 2.0 object as 2.1 writes it: spec_version set, 2.0's `labels`
 * copied into the 2.1 type vocabularies where they belong to them, 2.1's new
 * required properties given their 2.0 meaning. Nothing is dropped: labels
 * stay labels.
 */
export function upgradeTo21(object: StixObject): StixObject {
  const upgraded: StixObject = { ...object, spec_version: '2.1' };
  const vocabulary = TYPE_VOCABULARIES[object.type];
  if (vocabulary && Array.isArray(object.labels) && upgraded[vocabulary.property] === undefined) {
    const terms = object.labels.filter((label): label is string => typeof label === 'string' && vocabulary.terms.has(label));
    if (terms.length) upgraded[vocabulary.property] = terms;
  }
  if (object.type === 'indicator') {
    upgraded.pattern_type ??= 'stix';
    upgraded.pattern_version ??= '2.0';
    upgraded.valid_from ??= object.created;
  }
  // every 2.0 malware object described a family or an instance without saying which; 2.1 makes it say
  if (object.type === 'malware') upgraded.is_family ??= true;
  return upgraded;
}
