/** A STIX object as exchanged: its common properties typed, everything else kept as it came. */
export interface StixObject {
  type: string;
  id: string;
  spec_version?: string;
  created?: string;
  modified?: string;
  [property: string]: unknown;
}

const STIX_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * A sortable form of a STIX timestamp: the fraction padded to nine digits,
 * so `…:00Z` and `…:00.000Z` compare equal and text order is time order.
 * Undefined for text that is not a STIX timestamp.
 */
export function timestampKey(timestamp: string): string | undefined {
  const match = STIX_TIMESTAMP.exec(timestamp);
  if (!match) return undefined;
  return `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}Z`;
}
