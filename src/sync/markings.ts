import { TLP_LEVELS, type Tlp } from '../model/index.ts';
import { TLP2_EXTENSION } from '../formats/stix/vocab.ts';
import { tlpOfMarking } from '../formats/stix/vocab.ts';

/** Why a synced object is not stored. */
export type Refusal = 'unknown-marking' | 'unknown-marking-definition' | 'granular-markings' | 'red';

export type MarkingVerdict = { ok: true; tlp?: Tlp } | { ok: false; reason: Refusal; detail: string };

/**
 * The TLP level a marking-definition object states: one of the official
 * ids, or a definition carrying a TLP level (the TLP 2.0 extension, or a
 * STIX 2.0 style `definition_type: tlp`). Undefined for any other marking
 * (a statement, a custom type): tix cannot honour what it does not know.
 */
export function tlpOfDefinition(object: Record<string, unknown>): Tlp | undefined {
  const id = typeof object.id === 'string' ? object.id : '';
  const known = tlpOfMarking(id);
  if (known) return known;
  const definition = object.definition as { tlp?: unknown } | undefined;
  const extensions = object.extensions as Record<string, { tlp_2_0?: unknown }> | undefined;
  const level = object.definition_type === 'tlp' ? definition?.tlp : extensions?.[TLP2_EXTENSION]?.tlp_2_0;
  if (typeof level !== 'string') return undefined;
  const name = level.toLowerCase() === 'white' ? 'clear' : level.toLowerCase();
  return (TLP_LEVELS as readonly string[]).includes(name) ? (name as Tlp) : undefined;
}

/**
 * Whether a synced object may be stored, and at what TLP. Every marking it
 * names must be a TLP level tix knows (the official ids, or a TLP marking
 * definition of the same page, `local`): an object with any other marking
 * would be stored as if that marking were not there, so it is refused.
 * Granular markings are refused too (tix marks whole objects), and so is
 * TLP:RED, which is for named people and never leaves its instance.
 */
export function checkMarkings(object: Record<string, unknown>, local: ReadonlyMap<string, Tlp>): MarkingVerdict {
  if (object.type === 'marking-definition') {
    const tlp = tlpOfDefinition(object);
    if (!tlp) return { ok: false, reason: 'unknown-marking-definition', detail: 'a marking definition that is not a TLP level' };
  }
  if (object.granular_markings !== undefined) return { ok: false, reason: 'granular-markings', detail: 'granular markings (tix marks whole objects)' };
  const refs = object.object_marking_refs;
  if (refs !== undefined && !Array.isArray(refs)) return { ok: false, reason: 'unknown-marking', detail: 'object_marking_refs is not a list' };
  let tlp: Tlp | undefined;
  for (const ref of (refs as unknown[] | undefined) ?? []) {
    const level = typeof ref === 'string' ? (tlpOfMarking(ref) ?? local.get(ref)) : undefined;
    if (!level) return { ok: false, reason: 'unknown-marking', detail: `unknown marking ${String(ref).slice(0, 80)}` };
    if (tlp === undefined || TLP_LEVELS.indexOf(level) > TLP_LEVELS.indexOf(tlp)) tlp = level;
  }
  if (tlp === 'red') return { ok: false, reason: 'red', detail: 'TLP:RED' };
  return tlp ? { ok: true, tlp } : { ok: true };
}
