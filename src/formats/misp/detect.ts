const WRAPPED = /^\{\s*"(?:response"\s*:\s*\[\s*\{\s*"Event|Event)"\s*:\s*\{/;
/** STIX bundles (MISP's own STIX exports mention MISP types in their labels), and JSON Schemas of MISP events. */
const NOT_EVENTS = /"type"\s*:\s*"bundle"|"spec_version"\s*:|"\$schema"\s*:/;
/** A MISP feed manifest: an object keyed by event uuids. It lists events but holds no attributes. */
const MANIFEST = /^\{\s*"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"\s*:/i;
const EVENT_KEYS = ['"to_ids"', '"category"', '"info"', '"threat_level_id"', '"Orgc"'];

/**
 * How sure the head of a file is a MISP event: a wrapper says so outright;
 * a bare event (keys in any order, so the head may hold nothing but
 * attributes) needs an Attribute or Object list and MISP's own field names.
 */
export function detectMisp(head: string): number {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (!text.startsWith('{')) return 0;
  if (WRAPPED.test(text)) return 0.95;
  if (NOT_EVENTS.test(text) || MANIFEST.test(text)) return 0;
  if (!text.includes('"Attribute"') && !text.includes('"Object"')) return 0;
  return EVENT_KEYS.filter((key) => text.includes(key)).length >= 2 ? 0.8 : 0;
}
