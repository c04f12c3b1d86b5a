import { createHash } from 'node:crypto';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/**
 * A name-based UUID (RFC 9562 §5.5, version 5: SHA-1): the same name under
 * the same namespace always gives the same id, so an export run twice names
 * its objects the same and consumers deduplicate them.
 */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** tix's own namespace for the ids it derives (indicators, malware, relationships, feed events). */
export const TIX_NAMESPACE = '6f1c3b52-9a3e-4c6b-8f5e-1d2a7b9c0e41';

/** The namespace STIX 2.1 §2.9 fixes for deterministic cyber-observable ids. */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
