import { TLP_LEVELS, type Tlp } from '../model/index.ts';
import type { Agreement, Clearance, Distribution, Reader } from './types.ts';

const rank = (tlp: Tlp): number => TLP_LEVELS.indexOf(tlp);

/** An agreement grants nothing before it starts or after it ends. */
export function isActive(agreement: Agreement, now: number): boolean {
  return agreement.startsAt <= now && (agreement.endsAt === undefined || now < agreement.endsAt);
}

/** Whether an agreement carries an item of this TLP to this organisation at this time. */
function grants(agreement: Agreement | undefined, org: number, tlp: Tlp, now: number): boolean {
  return agreement !== undefined && isActive(agreement, now) && agreement.members.includes(org) && rank(tlp) <= rank(agreement.maxTlp);
}

/**
 * The sharing rules (TLP 2.0 as FIRST defines it, bound to tix's organisations
 * and agreements), for one item:
 * - its owner organisation reads it, always;
 * - CLEAR: anyone; unauthenticated readers only where the operator allows it;
 * - GREEN: any organisation on the instance;
 * - AMBER: the members of the item's agreements that are active and carry AMBER, and named recipient organisations;
 * - AMBER+STRICT: named recipient organisations only, never through an agreement;
 * - RED: named individual recipients only.
 */
export function canRead(
  reader: Reader,
  item: { tlp: Tlp; distribution: Distribution },
  agreements: ReadonlyMap<number, Agreement>,
  options: { now: number; anonymousClear: boolean },
): boolean {
  const { tlp, distribution } = item;
  if (reader.kind === 'anonymous') return tlp === 'clear' && options.anonymousClear;
  if (distribution.owner === reader.org) return true;
  switch (tlp) {
    case 'clear':
    case 'green':
      return true;
    case 'amber':
      return (
        distribution.recipientOrgs.includes(reader.org) ||
        distribution.agreements.some((id) => grants(agreements.get(id), reader.org, tlp, options.now))
      );
    case 'amber+strict':
      return distribution.recipientOrgs.includes(reader.org);
    case 'red':
      return reader.user !== undefined && distribution.recipientUsers.includes(reader.user);
  }
}

/**
 * The same rules compiled for one reader over every distribution, so a store
 * can apply them inside its query (`tlp = 'amber' AND distribution IN (…)`)
 * rather than filtering pages afterwards, which would leak through counts.
 */
export function clearanceOf(
  reader: Reader,
  distributions: readonly Distribution[],
  agreements: ReadonlyMap<number, Agreement>,
  options: { now: number; anonymousClear: boolean },
): Clearance {
  if (reader.kind === 'anonymous') return { clear: options.anonymousClear, green: false, own: [], amber: [], strict: [], red: [] };
  const clearance = { clear: true, green: true, own: [] as number[], amber: [] as number[], strict: [] as number[], red: [] as number[] };
  for (const distribution of distributions) {
    const item = (tlp: Tlp): boolean => canRead(reader, { tlp, distribution }, agreements, options);
    if (distribution.owner === reader.org) {
      clearance.own.push(distribution.id);
      continue;
    }
    if (item('amber')) clearance.amber.push(distribution.id);
    if (item('amber+strict')) clearance.strict.push(distribution.id);
    if (item('red')) clearance.red.push(distribution.id);
  }
  return clearance;
}

/** Whether an item is inside a clearance: the predicate a store's query expresses, for tests and in-memory paths. */
export function isCleared(clearance: Clearance, tlp: Tlp, distribution: number): boolean {
  if (clearance.own.includes(distribution)) return true;
  switch (tlp) {
    case 'clear':
      return clearance.clear;
    case 'green':
      return clearance.green;
    case 'amber':
      return clearance.amber.includes(distribution);
    case 'amber+strict':
      return clearance.strict.includes(distribution);
    case 'red':
      return clearance.red.includes(distribution);
  }
}
