import type { Tlp } from '../../model/index.ts';

/** STIX 2.1 object types by kind (STIX 2.1 §4–§6). Anything else must be a custom `x-` type. */
export const SDO_TYPES = new Set([
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware',
  'malware-analysis',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
]);
export const SRO_TYPES = new Set(['relationship', 'sighting']);
export const SCO_TYPES = new Set([
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
]);
export const META_TYPES = new Set(['marking-definition', 'language-content', 'extension-definition']);

export type StixKind = 'sdo' | 'sro' | 'sco' | 'meta' | 'custom' | 'unknown';

export function kindOf(type: string): StixKind {
  if (SDO_TYPES.has(type)) return 'sdo';
  if (SRO_TYPES.has(type)) return 'sro';
  if (SCO_TYPES.has(type)) return 'sco';
  if (META_TYPES.has(type)) return 'meta';
  if (type.startsWith('x-')) return 'custom';
  return 'unknown';
}

/** The identifier form of STIX 2.1 §2.9: `type--UUID`. */
export const STIX_ID = /^([a-z0-9][a-z0-9-]*[a-z0-9]|[a-z0-9])--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The extension that carries a TLP 2.0 level on a marking definition. */
export const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** The official TLP 2.0 marking definitions (OASIS cti-stix-common-objects); tix writes these. */
export const TLP2_MARKINGS: Record<Tlp, string> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** The TLP 1.0 marking definitions of STIX 2.1 §7.2.1.4, still common; understood on import. */
const TLP1_MARKINGS: Record<string, Tlp> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'clear',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'green',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'amber',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'red',
};

const KNOWN_TLP_MARKINGS = new Map<string, Tlp>([
  ...Object.entries(TLP1_MARKINGS),
  ...Object.entries(TLP2_MARKINGS).map(([tlp, id]) => [id, tlp as Tlp] as [string, Tlp]),
]);

export function tlpOfMarking(id: string): Tlp | undefined {
  return KNOWN_TLP_MARKINGS.get(id);
}

/** The marking definition object tix writes for a TLP level. */
export function tlpMarkingDefinition(tlp: Tlp): Record<string, unknown> {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKINGS[tlp],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${tlp.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: tlp } },
  };
}
